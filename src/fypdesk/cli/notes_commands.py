"""Commands on the user's notes: notes add/list/edit/rm/export/import, star, unstar, tags,
backup, restore and check.

The notes store (SQLAlchemy, Alembic) is opened through the command's
:class:`~fypdesk.cli.context.CommandContext`, and only by the handlers that need it: every
command's parser is built at start-up, and ``fypdesk targets`` must not pay for the notes machinery.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from fypdesk import db
from fypdesk.cli import output
from fypdesk.cli.context import CommandContext
from fypdesk.content.constants import TRIGRAM_TABLE, WORDS_TABLE
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import FypdeskError, UnknownNodeError
from fypdesk.domain.notes import Note, NotesError, node_text_hash


class CheckFailedError(FypdeskError):
    """``fypdesk check`` found problems (already reported on standard output)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the notes commands to the CLI."""
    notes = commands.add_parser("notes", help="add, list, edit, remove, export and import notes")
    actions = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a note to an item")
    add.add_argument("id", help="the item's id, e.g. ict/targets/5g-usage-rate")
    add.add_argument("text", help="the note (kept exactly as given)")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeatable)")
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list notes")
    listing.add_argument("--node", metavar="ID", help="only notes on this item")
    listing.add_argument("--tag", metavar="T", help="only notes with this tag")
    listing.add_argument("--plan", metavar="SLUG", help="only notes in this plan")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=run_list)

    edit = actions.add_parser("edit", help="replace a note's text")
    edit.add_argument("uuid", help="the note's id (see 'fypdesk notes list')")
    edit.add_argument("text", help="the new text")
    edit.set_defaults(handler=run_edit)

    remove = actions.add_parser("rm", help="remove a note")
    remove.add_argument("uuid", help="the note's id")
    remove.set_defaults(handler=run_rm)

    export = actions.add_parser("export", help="export every note to FILE.json or FILE.md")
    export.add_argument("file", type=Path)
    export.set_defaults(handler=run_export)

    imports = actions.add_parser("import", help="merge notes from FILE.json (newer edits win)")
    imports.add_argument("file", type=Path)
    imports.add_argument("--dry-run", action="store_true", help="only count what would change")
    imports.set_defaults(handler=run_import)

    for name, starred in (("star", True), ("unstar", False)):
        command = commands.add_parser(name, help=f"{name} an item")
        command.add_argument("id", help="the item's id")
        command.set_defaults(handler=run_star, starred=starred)

    commands.add_parser("tags", help="list tags with colours and counts").set_defaults(
        handler=run_tags
    )
    commands.add_parser("backup", help="back up the notes now").set_defaults(handler=run_backup)
    restore = commands.add_parser("restore", help="restore the newest (or the given) backup")
    restore.add_argument("backup", nargs="?", type=Path, help="a backup file (default: newest)")
    restore.set_defaults(handler=run_restore)
    commands.add_parser("check", help="check both databases and list detached notes").set_defaults(
        handler=run_check
    )


def _node_hash(content: ContentRepository, node_id: str) -> str:
    if not content.has_node(node_id):
        raise UnknownNodeError(node_id)
    node = content.node(node_id)
    return node_text_hash(node.title, node.text, node.source)


def _text(value: object) -> str:
    """A note text as given on the command line.

    Python 3.11's argparse takes a text of ``--`` given after ``--`` (``notes add ID -- --``) as
    a second separator and hands the positional an empty list: the text was ``--``.
    """
    return value if isinstance(value, str) else "--"


def run_add(ctx: CommandContext) -> int:
    """``fypdesk notes add ID TEXT [--tag T]...``."""
    args = ctx.args
    node_hash = _node_hash(ctx.content(), args.id)
    note = ctx.notes().add_note(args.id, _text(args.text), tags=args.tag, node_hash=node_hash)
    output.write_lines([f"Added note {note.uuid} on {output.visible(note.node_id)}."])
    return 0


def run_list(ctx: CommandContext) -> int:
    """``fypdesk notes list``."""
    args, content = ctx.args, ctx.content()
    content.check_plan(args.plan)
    found = ctx.notes(read_only=True).all_notes(tag=args.tag, plan=args.plan, node=args.node)
    existing = content.existing_ids(note.node_id for note in found)
    if args.format == "json":
        output.write_json([_note_record(note, note.node_id not in existing) for note in found])
        return 0
    if not found:
        output.write_lines(["No notes."])
        return 0
    lines = []
    for note in found:
        flags = "  [detached]" if note.node_id not in existing else ""
        tags = "  #" + " #".join(output.visible(tag) for tag in note.tags) if note.tags else ""
        lines.append(f"{output.visible(note.uuid)}  {output.visible(note.node_id)}{tags}{flags}")
        lines.append(f"    updated {note.updated.strftime('%Y-%m-%d %H:%M UTC')}")
        lines += [f"    {output.visible(line, multi_line=True)}" for line in note.body.split("\n")]
        lines.append("")
    output.write_lines(lines[:-1])
    return 0


def _note_record(note: Note, detached: bool) -> dict[str, object]:
    from fypdesk.notes.sqlite.schema import format_time

    return {
        "id": note.uuid,
        "node": note.node_id,
        "body": note.body,
        "tags": list(note.tags),
        "created": format_time(note.created),
        "updated": format_time(note.updated),
        "detached": detached,
    }


def run_edit(ctx: CommandContext) -> int:
    """``fypdesk notes edit UUID TEXT``: the note is then written against the item's wording as
    it is now, as an edit in the window is (its "the text of this item has changed" goes)."""
    notes = ctx.notes()
    node_id = notes.note(ctx.args.uuid).node_id
    content = ctx.content()
    # A detached note (its item gone) keeps the fingerprint it had.
    node_hash = _node_hash(content, node_id) if content.has_node(node_id) else None
    note = notes.save_note(ctx.args.uuid, _text(ctx.args.text), node_hash=node_hash)
    output.write_lines([f"Saved note {output.visible(note.uuid)}."])
    return 0


def run_rm(ctx: CommandContext) -> int:
    """``fypdesk notes rm UUID``."""
    ctx.notes().delete_note(ctx.args.uuid)
    output.write_lines([f"Removed note {output.visible(ctx.args.uuid)}."])
    return 0


def run_export(ctx: CommandContext) -> int:
    """``fypdesk notes export FILE.json|FILE.md``: a new file is private (``0600``: it holds
    the user's notes); a file written over keeps its permissions."""
    path: Path = ctx.args.file
    suffix = path.suffix.lower()
    if suffix not in {".json", ".md"}:
        raise NotesError(f"export to a .json or .md file, not {path.name!r}")
    notes = ctx.notes(read_only=True)
    if suffix == ".json":
        with _private_new_file(path):
            count = notes.export_json(path)
    else:
        from fypdesk.export.notes_markdown import export_notes_markdown

        count = export_notes_markdown(notes, ctx.content(), path, notes.clock())
    output.write_lines([f"Exported {count} notes to {output.visible(str(path))}."])
    return 0


@contextmanager
def _private_new_file(path: Path) -> Iterator[None]:
    """Files created inside are private (umask ``077``), and ``path``, if it already exists,
    gets its mode back afterwards: the notes JSON writer creates its file with the default
    permissions, and replaces an existing one with a new file."""
    try:
        kept: int | None = stat.S_IMODE(path.stat().st_mode) & 0o777
    except OSError:
        kept = None
    # The process-wide umask: the CLI runs one command on one thread, so nothing else is
    # creating files meanwhile.
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
    if kept is not None:
        with suppress(OSError):
            path.chmod(kept)


def run_import(ctx: CommandContext) -> int:
    """``fypdesk notes import FILE.json [--dry-run]``."""
    report = ctx.notes().import_json(ctx.args.file, dry_run=ctx.args.dry_run)
    prefix = "Dry run, nothing changed: " if report.dry_run else "Imported: "
    output.write_lines([prefix + report.summary() + "."])
    return 0


def run_star(ctx: CommandContext) -> int:
    """``fypdesk star ID`` and ``fypdesk unstar ID``."""
    args = ctx.args
    if not ctx.content().has_node(args.id):
        raise UnknownNodeError(args.id)
    ctx.notes().set_marks(args.id, starred=args.starred)
    output.write_lines([f"{'Starred' if args.starred else 'Unstarred'} {output.visible(args.id)}."])
    return 0


def run_tags(ctx: CommandContext) -> int:
    """``fypdesk tags``."""
    notes = ctx.notes(read_only=True)
    tags, counts = notes.tags(), notes.tag_counts()
    if not tags:
        output.write_lines(["No tags."])
        return 0
    rows = [[tag.name, tag.colour, str(counts.get(tag.name, 0))] for tag in tags]
    output.write_lines(output.table(["tag", "colour", "notes"], rows, wrap_column=0))
    return 0


def run_backup(ctx: CommandContext) -> int:
    """``fypdesk backup``."""
    # Opening repairs and migrates first, so the backup is of a healthy current file.
    info = ctx.notes(auto_backup=False).backup_now()
    output.write_lines([f"Backed up the notes to {output.visible(str(info.path))}."])
    return 0


def run_restore(ctx: CommandContext) -> int:
    """``fypdesk restore [BACKUP]``."""
    from fypdesk.notes.sqlite import store

    info = store.restore(ctx.notes_path, ctx.args.backup)
    ctx.notes()  # bring an older backup's schema up to date now rather than at the next command
    taken = info.taken.strftime("%Y-%m-%d %H:%M UTC")
    output.write_lines(
        [
            f"Restored the backup of {taken} ({output.visible(info.path.name)}); "
            "the previous notes were kept first."
        ]
    )
    return 0


def run_check(ctx: CommandContext) -> int:
    """``fypdesk check``: both databases, the search indexes, foreign keys, detached notes."""
    content = ctx.content()
    problems = _content_problems(content.path)
    notes = ctx.notes()
    problems += notes.check()
    detached = notes.detached_notes(content.existing_ids)
    lines = [
        f"Content: {output.visible(str(content.path))}",
        f"Notes:   {output.visible(str(notes.path))}",
    ]
    lines += [f"problem: {output.visible(problem)}" for problem in problems]
    if detached:
        lines.append(f"{len(detached)} detached notes (kept; their item no longer exists):")
        lines += [
            f"  {output.visible(note.uuid)}  {output.visible(note.node_id)}" for note in detached
        ]
    lines.append("All checks passed." if not problems else f"{len(problems)} problems found.")
    output.write_lines(lines)
    if problems:
        raise CheckFailedError(f"check found {len(problems)} problems (listed above)")
    return 0


def _content_problems(path: Path) -> list[str]:
    """Integrity of the read-only content database, its search indexes checked on a memory copy
    (FTS5's check is written as an INSERT, which a read-only connection refuses)."""
    problems: list[str] = []
    source = db.connect_readonly(path)
    copy = sqlite3.connect(":memory:")
    try:
        for pragma in ("quick_check", "integrity_check"):
            rows = source.execute(f"PRAGMA {pragma}").fetchall()
            problems += [f"content {pragma}: {row[0]}" for row in rows if row[0] != "ok"]
        for table, rowid, parent, _fk in source.execute("PRAGMA foreign_key_check"):
            problems.append(f"content foreign key: {table} row {rowid} points to missing {parent}")
        source.backup(copy)
        for table in (WORDS_TABLE, TRIGRAM_TABLE):
            try:
                copy.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as exc:
                problems.append(f"content search index {table}: {exc}")
    except sqlite3.DatabaseError as exc:
        problems.append(f"content database: {exc}")
    finally:
        copy.close()
        source.close()
    return problems
