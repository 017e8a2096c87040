"""Commands on the user's notes: notes add/list/edit/review/reviewed/rm/export/import, star,
unstar, tags, backup, restore and check.

Notes belong to their pack: an item is named as :mod:`fypdesk.cli.scope` resolves it, and every
note listed carries its pack and its state against the installed edition
(:mod:`fypdesk.cli.note_states`).

The notes store (SQLAlchemy, Alembic) is opened through the command's
:class:`~fypdesk.cli.context.CommandContext`, and only by the handlers that need it: every
command's parser is built at start-up, and ``fypdesk targets`` must not pay for the notes machinery.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from fypdesk import db
from fypdesk.cli import output
from fypdesk.cli.context import CommandContext
from fypdesk.cli.note_states import NoteStatus, current_version, statuses
from fypdesk.cli.scope import OpenPack
from fypdesk.content.constants import TRIGRAM_TABLE, WORDS_TABLE
from fypdesk.content.library import UnknownPackError
from fypdesk.domain.editions import NoteState
from fypdesk.domain.errors import FypdeskError, UnknownNodeError, UnknownPlanError
from fypdesk.domain.notes import Note, NotesError
from fypdesk.domain.pack_ids import is_pack_id

if TYPE_CHECKING:
    from fypdesk.notes.sqlite.backend import SqliteNotes


class CheckFailedError(FypdeskError):
    """``fypdesk check`` found problems (already reported on standard output)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the notes commands to the CLI."""
    notes = commands.add_parser("notes", help="add, list, edit, remove, export and import notes")
    actions = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a note to an item")
    add.add_argument(
        "id", help="the item's id, e.g. ict/targets/5g-usage-rate (PACK:ID when several have it)"
    )
    add.add_argument("text", help="the note (kept exactly as given)")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeatable)")
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list notes")
    listing.add_argument("--node", metavar="ID", help="only notes on this item (or PACK:ID)")
    listing.add_argument("--tag", metavar="T", help="only notes with this tag")
    listing.add_argument("--plan", metavar="SLUG", help="only notes in this plan")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=run_list)

    edit = actions.add_parser("edit", help="replace a note's text")
    edit.add_argument("uuid", help="the note's id (see 'fypdesk notes list')")
    edit.add_argument("text", help="the new text")
    edit.set_defaults(handler=run_edit)

    review = actions.add_parser(
        "review", help="list the notes a new edition changed or detached, with both texts"
    )
    review.add_argument("--format", choices=("text", "json"), default="text")
    review.set_defaults(handler=run_review)

    reviewed = actions.add_parser(
        "reviewed", help="mark changed notes as reviewed: they hold for the item as it now is"
    )
    reviewed.add_argument("uuids", nargs="+", metavar="UUID", help="a note's id")
    reviewed.set_defaults(handler=run_reviewed)

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


def _text(value: object) -> str:
    """A note text as given on the command line.

    Python 3.11's argparse takes a text of ``--`` given after ``--`` (``notes add ID -- --``) as
    a second separator and hands the positional an empty list: the text was ``--``.
    """
    return value if isinstance(value, str) else "--"


def run_add(ctx: CommandContext) -> int:
    """``fypdesk notes add ID TEXT [--tag T]...``: the note records the item's edition, words
    and numbers, as one written in the window does."""
    args = ctx.args
    pack, node_id = ctx.scope.resolve(args.id)
    note = (
        ctx.notes()
        .for_pack(pack.id)
        .add_note(node_id, _text(args.text), tags=args.tag, version=current_version(pack, node_id))
    )
    where = f"{pack.id}:{node_id}" if len(ctx.scope.packs()) > 1 else node_id
    output.write_lines([f"Added note {note.uuid} on {output.visible(where)}."])
    return 0


def _packs_by_id(ctx: CommandContext) -> dict[str, OpenPack]:
    return {pack.id: pack for pack in ctx.scope.packs()}


def _listed(ctx: CommandContext) -> list[NoteStatus]:
    """The notes ``notes list`` shows with their states: of every pack (also packs no longer
    installed), or of the briefing ``--pack``/``--content`` chooses."""
    args = ctx.args
    packs = _packs_by_id(ctx)
    chosen = args.pack is not None or getattr(args, "content", None) is not None
    if args.plan is not None:
        slugs = sorted({plan.slug for pack in packs.values() for plan in pack.content.plans()})
        if args.plan not in slugs:
            raise UnknownPlanError(args.plan, tuple(slugs))
    node = None if args.node is None else _node_filter(ctx, args.node)
    notes = [
        note
        for note in ctx.notes(read_only=True).library_notes(tag=args.tag)
        if (not chosen or note.pack in packs)
        and (node is None or node(note))
        and (args.plan is None or note.plan == args.plan)
    ]
    return statuses(notes, packs)


def _node_filter(ctx: CommandContext, reference: str) -> Callable[[Note], bool]:
    """Which notes ``--node`` means: those on the item ``reference`` resolves to, or, for an
    item no installed briefing has any more (a detached note's), those on that id (``PACK:ID``
    or bare)."""
    try:
        pack, node_id = ctx.scope.resolve(reference)
    except (UnknownNodeError, UnknownPackError):
        pack_id, sep, rest = reference.partition(":")
        if sep and is_pack_id(pack_id):
            return lambda note: (note.pack, note.node_id) == (pack_id, rest)
        return lambda note: note.node_id == reference
    return lambda note: (note.pack, note.node_id) == (pack.id, node_id)


def run_list(ctx: CommandContext) -> int:
    """``fypdesk notes list``."""
    args = ctx.args
    found = _listed(ctx)
    if args.format == "json":
        output.write_json([note_record(status) for status in found])
        return 0
    if not found:
        output.write_lines(["No notes."])
        return 0
    several = len({status.note.pack for status in found}) > 1 or len(ctx.scope.packs()) > 1
    lines = []
    for status in found:
        note = status.note
        where = f"{note.pack}:{note.node_id}" if several else note.node_id
        flags = "" if status.state is NoteState.CURRENT else f"  [{status.state.value}]"
        tags = "  #" + " #".join(output.visible(tag) for tag in note.tags) if note.tags else ""
        lines.append(f"{output.visible(note.uuid)}  {output.visible(where)}{tags}{flags}")
        lines.append(f"    updated {note.updated.strftime('%Y-%m-%d %H:%M UTC')}")
        lines += [f"    {output.visible(line, multi_line=True)}" for line in note.body.split("\n")]
        lines.append("")
    output.write_lines(lines[:-1])
    return 0


def note_record(status: NoteStatus) -> dict[str, object]:
    """A note as ``notes list --format json`` and ``notes review`` write it."""
    from fypdesk.notes.sqlite.schema import format_time

    note = status.note
    record: dict[str, object] = {
        "id": note.uuid,
        "pack": note.pack,
        "node": note.node_id,
        "body": note.body,
        "tags": list(note.tags),
        "created": format_time(note.created),
        "updated": format_time(note.updated),
        "state": status.state.value,
        "detached": status.state is NoteState.DETACHED,
        "edition": note.edition,
    }
    if status.state is not NoteState.CURRENT:
        record["annotated_text"] = note.annotated_text
        record["pack_installed"] = status.pack_installed
    if status.state is NoteState.CHANGED and status.current is not None:
        record["current_edition"] = status.current.edition
        record["current_text"] = status.current.text
    return record


def run_edit(ctx: CommandContext) -> int:
    """``fypdesk notes edit UUID TEXT``: the note is then written against its item as the
    installed edition has it, as an edit in the window is (a changed note becomes current; a
    detached one keeps the text it recorded)."""
    notes = ctx.notes()
    note = notes.note(ctx.args.uuid)
    pack = _packs_by_id(ctx).get(note.pack)
    version = None if pack is None else current_version(pack, note.node_id)
    saved = notes.for_pack(note.pack).save_note(note.uuid, _text(ctx.args.text), version=version)
    output.write_lines([f"Saved note {output.visible(saved.uuid)}."])
    return 0


def run_review(ctx: CommandContext) -> int:
    """``fypdesk notes review [--pack ID]``: the changed and detached notes, with the text each
    recorded and (changed) the text now."""
    found = [
        status
        for status in statuses(
            (
                note
                for note in ctx.notes(read_only=True).library_notes()
                if ctx.args.pack is None or note.pack == ctx.args.pack
            ),
            _packs_by_id(ctx),
        )
        if status.state is not NoteState.CURRENT
    ]
    if ctx.args.format == "json":
        output.write_json([note_record(status) for status in found])
        return 0
    if not found:
        output.write_lines(["Nothing to review: every note is current."])
        return 0
    changed = sum(1 for status in found if status.state is NoteState.CHANGED)
    lines = [
        f"{changed} changed and {len(found) - changed} detached notes to review"
        " ('fypdesk notes reviewed UUID' when a changed note still holds):",
        "",
    ]
    for status in found:
        lines += review_lines(status)
    output.write_lines(lines[:-1])
    return 0


def review_lines(status: NoteStatus) -> list[str]:
    """One note of ``notes review`` as text: its state, its text, and its item then and now."""
    note = status.note
    visible = output.visible
    lines = [
        f"{visible(note.uuid)}  {visible(note.pack)}:{visible(note.node_id)}"
        f"  [{status.state.value}]",
        *(f"    {visible(line, multi_line=True)}" for line in note.body.split("\n")),
    ]
    recorded = note.annotated_text
    if recorded is None:
        lines.append("  then: (written before fypdesk kept the item's text)")
    else:
        lines.append(f"  then (edition {visible(note.edition or 'unknown')}):")
        lines += [f"    {visible(line, multi_line=True)}" for line in recorded.split("\n")]
    if status.current is not None:
        lines.append(f"  now (edition {visible(status.current.edition or 'unknown')}):")
        lines += [
            f"    {visible(line, multi_line=True)}" for line in status.current.text.split("\n")
        ]
    elif not status.pack_installed:
        lines.append("  now: its briefing is not installed (the note comes back with it)")
    else:
        lines.append("  now: the item is no longer in the briefing (the note is kept)")
    lines.append("")
    return lines


def run_reviewed(ctx: CommandContext) -> int:
    """``fypdesk notes reviewed UUID...``: changed notes become current."""
    notes = ctx.notes()
    packs = _packs_by_id(ctx)
    done = []
    for note_uuid in ctx.args.uuids:
        note = notes.note(note_uuid)
        pack = packs.get(note.pack)
        current = None if pack is None else current_version(pack, note.node_id)
        if current is None:
            raise NotesError(
                f"note {note.uuid} is detached: its item is not in the installed briefing, so"
                " there is no new text to review it against (it is kept as it is)"
            )
        notes.mark_reviewed(note.uuid, current)
        done.append(note.uuid)
    output.write_lines([f"Reviewed {visible_id}: it is current." for visible_id in done])
    return 0


def run_rm(ctx: CommandContext) -> int:
    """``fypdesk notes rm UUID``."""
    ctx.notes().delete_note(ctx.args.uuid)
    output.write_lines([f"Removed note {output.visible(ctx.args.uuid)}."])
    return 0


def _export_markdown(ctx: CommandContext, notes: SqliteNotes, path: Path) -> int:
    """The notes of the briefings in scope as Markdown, a section per briefing when there are
    several; without ``--pack`` (or ``--content``) the notes of briefings not installed too, as
    the JSON export keeps them: every note the store holds. The number of notes written."""
    from fypdesk.export.notes_markdown import (
        BriefingNotes,
        content_titles,
        export_notes_markdown,
        render_library_notes_markdown,
    )
    from fypdesk.export.write import atomic_write

    packs = ctx.scope.packs()
    narrowed = ctx.args.pack is not None or getattr(ctx.args, "content", None) is not None
    if len(packs) == 1 and (narrowed or set(notes.note_counts_by_pack()) <= {packs[0].id}):
        (pack,) = packs
        return export_notes_markdown(notes.for_pack(pack.id), pack.content, path, notes.clock())
    sections = []
    for pack in packs:
        found = notes.for_pack(pack.id).all_notes()
        plan_titles, node_titles = content_titles(pack.content, found)
        title = pack.identity.title
        sections.append(BriefingNotes(pack.id, title, found, plan_titles, node_titles))
    if not narrowed:
        installed = {pack.id for pack in packs}
        for pack_id in sorted(set(notes.note_counts_by_pack()) - installed):
            found = notes.for_pack(pack_id).all_notes()
            sections.append(BriefingNotes(pack_id, None, found, {}, {}))
    data = render_library_notes_markdown(sections, notes.clock()).encode("utf-8")
    atomic_write(path, lambda stream: stream.write(data), private=True)
    return sum(len(section.notes) for section in sections)


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
        count = _export_markdown(ctx, notes, path)
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
    pack, node_id = ctx.scope.resolve(args.id)
    ctx.notes().for_pack(pack.id).set_marks(node_id, starred=args.starred)
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
    packs = ctx.scope.packs()
    problems = [problem for pack in packs for problem in _content_problems(pack.content.path)]
    notes = ctx.notes()
    problems += notes.check()
    lines = [f"Content: {output.visible(str(pack.content.path))}" for pack in packs]
    lines.append(f"Notes:   {output.visible(str(notes.path))}")
    lines += [f"problem: {output.visible(problem)}" for problem in problems]
    detached: list[Note] = []
    for pack in packs:
        detached += notes.for_pack(pack.id).detached_notes(pack.content.existing_ids)
    if detached:
        several = len(packs) > 1
        lines.append(f"{len(detached)} detached notes (kept; their item no longer exists):")
        lines += [
            f"  {output.visible(note.uuid)}  "
            f"{output.visible(f'{note.pack}:{note.node_id}' if several else note.node_id)}"
            for note in detached
        ]
    by_id = {pack.id: pack for pack in packs}
    changed = sum(
        1
        for status in statuses(
            (note for note in notes.library_notes() if note.pack in by_id), by_id
        )
        if status.state is NoteState.CHANGED
    )
    if changed:
        lines.append(f"{changed} notes on items a new edition changed: see 'fypdesk notes review'.")
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
