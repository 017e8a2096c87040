"""Commands on the user's notes: notes add/list/edit/rm/export/import, star, unstar, tags,
backup, restore and check.

The notes store (SQLAlchemy, Alembic) is imported inside the handlers only: every command's parser
is built at start-up, and ``fypdesk targets`` must not pay for the notes machinery.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from fypdesk import db, paths
from fypdesk.cli import output
from fypdesk.cli.content_commands import open_content
from fypdesk.content.constants import TRIGRAM_TABLE, WORDS_TABLE
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import FypdeskError, UnknownNodeError
from fypdesk.domain.notes import Note, NotesError, RecoveryReport, node_text_hash

if TYPE_CHECKING:
    from fypdesk.notes.repository import NotesRepository


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


def notes_db_path(args: argparse.Namespace) -> Path:
    """The notes database of ``--data-dir`` / ``$FYPDESK_DATA_DIR`` / the user data folder."""
    # Built from paths, not the store: asking where the notes are must not import SQLAlchemy.
    return paths.user_data_dir(args.data_dir) / paths.NOTES_DB_NAME


def _report_recovery(report: RecoveryReport) -> None:
    if sys.stderr is not None:
        print(f"fypdesk: warning: {output.visible(report.message())}", file=sys.stderr)


@contextmanager
def notes_store(
    args: argparse.Namespace, *, auto_backup: bool = True, read_only: bool = False
) -> Iterator[NotesRepository]:
    """The user's notes store, created if missing, repaired and migrated as needed; closed after.

    A repair of a damaged database is reported on stderr.
    """
    from fypdesk.notes import store

    if read_only:  # the notes can still be read (and copied elsewhere) from a full disk
        repository = store.open_notes_to_read(notes_db_path(args), on_recovery=_report_recovery)
    else:
        repository = store.open_notes(
            notes_db_path(args), on_recovery=_report_recovery, auto_backup=auto_backup
        )
    try:
        yield repository
    finally:
        repository.close()


@contextmanager
def existing_notes_store(args: argparse.Namespace) -> Iterator[NotesRepository | None]:
    """The user's notes store as :func:`notes_store` opens it, or ``None`` when there is none yet.

    For commands that only read notes (``export``, ``briefs``): a user who never wrote a note must
    not find an empty database, and a data folder, left behind by reading.
    """
    if not notes_db_path(args).exists():
        yield None
        return
    with notes_store(args, read_only=True) as repository:
        yield repository


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


def run_add(args: argparse.Namespace) -> int:
    """``fypdesk notes add ID TEXT [--tag T]...``."""
    content = open_content(args)
    node_hash = _node_hash(content, args.id)
    with notes_store(args) as notes:
        note = notes.add_note(args.id, _text(args.text), tags=args.tag, node_hash=node_hash)
    output.write_lines([f"Added note {note.uuid} on {output.visible(note.node_id)}."])
    return 0


def run_list(args: argparse.Namespace) -> int:
    """``fypdesk notes list``."""
    content = open_content(args)
    content.check_plan(args.plan)
    with notes_store(args, read_only=True) as notes:
        found = notes.all_notes(tag=args.tag, plan=args.plan, node=args.node)
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
    from fypdesk.notes.schema import format_time

    return {
        "id": note.uuid,
        "node": note.node_id,
        "body": note.body,
        "tags": list(note.tags),
        "created": format_time(note.created),
        "updated": format_time(note.updated),
        "detached": detached,
    }


def run_edit(args: argparse.Namespace) -> int:
    """``fypdesk notes edit UUID TEXT``."""
    with notes_store(args) as notes:
        note = notes.save_note(args.uuid, _text(args.text))
    output.write_lines([f"Saved note {output.visible(note.uuid)}."])
    return 0


def run_rm(args: argparse.Namespace) -> int:
    """``fypdesk notes rm UUID``."""
    with notes_store(args) as notes:
        notes.delete_note(args.uuid)
    output.write_lines([f"Removed note {output.visible(args.uuid)}."])
    return 0


def run_export(args: argparse.Namespace) -> int:
    """``fypdesk notes export FILE.json|FILE.md``: a new file is private (``0600``: it holds
    the user's notes); a file written over keeps its permissions."""
    from fypdesk.notes import exchange

    path: Path = args.file
    suffix = path.suffix.lower()
    if suffix not in {".json", ".md"}:
        raise NotesError(f"export to a .json or .md file, not {path.name!r}")
    with notes_store(args, read_only=True) as notes:
        if suffix == ".json":
            with _private_new_file(path):
                count = exchange.export_json(notes, path, notes.clock)
        else:
            from fypdesk.export.notes_markdown import write_notes_markdown

            content = open_content(args)
            found = notes.all_notes()
            existing = content.existing_ids(note.node_id for note in found)
            write_notes_markdown(
                found,
                path,
                plan_titles={plan.slug: plan.title for plan in content.plans()},
                node_titles={i: content.node(i).title for i in existing},
                exported=notes.clock(),
            )
            count = len(found)
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


def run_import(args: argparse.Namespace) -> int:
    """``fypdesk notes import FILE.json [--dry-run]``."""
    from fypdesk.notes import exchange

    with notes_store(args) as notes:
        report = exchange.import_json(notes, args.file, dry_run=args.dry_run)
    prefix = "Dry run, nothing changed: " if report.dry_run else "Imported: "
    output.write_lines([prefix + report.summary() + "."])
    return 0


def run_star(args: argparse.Namespace) -> int:
    """``fypdesk star ID`` and ``fypdesk unstar ID``."""
    content = open_content(args)
    if not content.has_node(args.id):
        raise UnknownNodeError(args.id)
    with notes_store(args) as notes:
        notes.marks.set(args.id, starred=args.starred)
    output.write_lines([f"{'Starred' if args.starred else 'Unstarred'} {output.visible(args.id)}."])
    return 0


def run_tags(args: argparse.Namespace) -> int:
    """``fypdesk tags``."""
    with notes_store(args, read_only=True) as notes:
        tags = notes.tags()
        counts = notes.tag_counts()
    if not tags:
        output.write_lines(["No tags."])
        return 0
    rows = [[tag.name, tag.colour, str(counts.get(tag.name, 0))] for tag in tags]
    output.write_lines(output.table(["tag", "colour", "notes"], rows, wrap_column=0))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """``fypdesk backup``."""
    from fypdesk.notes import store

    path = notes_db_path(args)
    with notes_store(args, auto_backup=False):
        pass  # opening repairs and migrates first, so the backup is of a healthy current file
    info = store.backup_now(path)
    output.write_lines([f"Backed up the notes to {output.visible(str(info.path))}."])
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """``fypdesk restore [BACKUP]``."""
    from fypdesk.notes import store

    path = notes_db_path(args)
    info = store.restore(path, args.backup)
    with notes_store(args):
        pass  # bring an older backup's schema up to date now rather than at the next command
    taken = info.taken.strftime("%Y-%m-%d %H:%M UTC")
    output.write_lines(
        [
            f"Restored the backup of {taken} ({output.visible(info.path.name)}); "
            "the previous notes were kept first."
        ]
    )
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``fypdesk check``: both databases, the search indexes, foreign keys, detached notes."""
    from fypdesk.notes import store

    content = open_content(args)
    problems = _content_problems(content.path)
    with notes_store(args) as notes:
        problems += store.check_notes(notes)
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
