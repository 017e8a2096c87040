"""Commands on content packs: ``pack build`` (and its first name, ``build-db``), and the
library's ``pack install``, ``pack list``, ``pack info`` and ``pack remove``.

The library (:mod:`fypdesk.content.library`) is opened through
:meth:`CommandContext.library <fypdesk.cli.context.CommandContext.library>`; notes are only
counted here, never changed: they stay in the notes database, keyed by pack id.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fypdesk import paths
from fypdesk.cli import output
from fypdesk.cli.context import CommandContext
from fypdesk.cli.output import visible
from fypdesk.content.library import Library, Pack
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.serialise import manifest_record

if TYPE_CHECKING:
    pass

#: Fields of a ``pack list --format json`` record, in order.
LIST_FIELDS = ("id", "edition", "title", "publisher", "date", "bundled", "notes", "path")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the pack commands to the CLI."""
    description = (
        "Validate the authored source and write it as a pack (one edition of one briefing, with"
        " its manifest) to OUT. OUT is always named: a build never writes into the installed app"
        " or a checkout unasked (make db rebuilds the bundled data/fyp.db with -o data/fyp.db)."
    )
    packs = commands.add_parser(
        "pack", help="build, install, list and remove content packs (briefings)"
    )
    pack_actions = packs.add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    for parser in (
        pack_actions.add_parser(
            "build", help="build a pack from an authored source", description=description
        ),
        # The name of the first release, kept: scripts and make db call it.
        commands.add_parser("build-db", help="the same as 'pack build'", description=description),
    ):
        parser.add_argument("source_dir", nargs="?", type=Path, help="default: data/source")
        parser.add_argument(
            "-o", "--output", type=Path, metavar="OUT", required=True, help="the pack file to write"
        )
        parser.set_defaults(handler=run_build)

    install = pack_actions.add_parser(
        "install",
        help="install a pack file into your library",
        description="Check FILE (format, schema, checksum, integrity) and install it into the"
        " library in the data folder. A newer edition of an installed pack replaces it; an older"
        " or equal one is refused unless --force. A file that is refused changes nothing.",
    )
    install.add_argument("file", type=Path, metavar="FILE", help="the pack file")
    install.add_argument(
        "--force", action="store_true", help="install an older or equal edition over the shown one"
    )
    install.set_defaults(handler=run_install)

    listing = pack_actions.add_parser("list", help="list the packs of your library")
    _format_option(listing)
    listing.set_defaults(handler=run_list)

    info = pack_actions.add_parser("info", help="show one pack's manifest and file")
    info.add_argument("pack_id", metavar="ID", help="the pack's id (see 'fypdesk pack list')")
    _format_option(info)
    info.set_defaults(handler=run_info)

    remove = pack_actions.add_parser(
        "remove",
        help="remove a pack from your library (its notes are kept)",
        description="Delete an installed pack's file; the bundled pack is hidden instead. Notes,"
        " stars and tags on the pack are kept, and come back when it is installed again.",
    )
    remove.add_argument("pack_id", metavar="ID", help="the pack's id (see 'fypdesk pack list')")
    remove.set_defaults(handler=run_remove)


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run_build(ctx: CommandContext) -> int:
    """``fypdesk pack build`` (and ``build-db``): validate the source and write the pack."""
    args = ctx.args
    from fypdesk.content.build import build_database
    from fypdesk.content.source import SourceValidationError

    source_dir: Path = args.source_dir or paths.default_source_dir()
    out: Path = args.output
    try:
        report = build_database(source_dir, out)
    except SourceValidationError as exc:
        # One problem a line (the error line alone would show them joined by escaped newlines).
        if sys.stderr is not None:
            for problem in exc.problems:
                print(f"  {visible(str(problem))}", file=sys.stderr)
        count = len(exc.problems)
        raise FypdeskError(
            f"the content source has {count} problem{'s' if count != 1 else ''}, listed above;"
            f" nothing was written to {out}"
        ) from None
    output.write_lines(
        [
            f"Built {report.path} ({report.size_bytes:,} bytes): pack {visible(report.pack)},"
            f" edition {visible(report.edition)}: {report.plans} plans, {report.nodes} nodes,"
            f" {report.targets} targets, {report.figures} figures.",
            f"Source hash {report.source_hash}",
        ]
    )
    return 0


def run_install(ctx: CommandContext) -> int:
    """``fypdesk pack install FILE [--force]``: one line saying what was installed."""
    args = ctx.args
    from fypdesk.content.install import install_pack

    result = install_pack(ctx.library(), args.file, force=args.force)
    pack, previous = result.pack, result.previous
    title = visible(pack.manifest.title)
    name, edition = visible(pack.id), visible(pack.edition)
    if result.restored:
        line = f"Restored the bundled pack {name}, edition {edition}: {title}"
    elif previous is None:
        line = f"Installed pack {name}, edition {edition}: {title}"
    elif previous.edition == pack.edition:
        line = f"Reinstalled pack {name}, edition {edition}: {title}"
    elif previous.bundled:
        line = (
            f"Installed pack {name} edition {edition} over the bundled edition"
            f" {visible(previous.edition)}: {title}"
        )
    else:
        line = (
            f"Replaced pack {name} edition {visible(previous.edition)} by edition {edition}:"
            f" {title}"
        )
    output.write_lines([line])
    return 0


def run_list(ctx: CommandContext) -> int:
    """``fypdesk pack list``: every pack shown, with its notes; unreadable files on stderr."""
    library = ctx.library()
    _warn_problems(library)
    packs = library.packs()
    counts = _note_counts(ctx)
    if ctx.args.format == "json":
        output.write_json([_list_record(pack, counts) for pack in packs])
        return 0
    if not packs:
        output.write_lines(["No packs in the library (add one with 'fypdesk pack install FILE')."])
        return 0
    headers = ["id", "edition", "date", "bundled", "notes", "title", "publisher"]
    rows = [
        [
            pack.id,
            pack.edition,
            pack.manifest.date,
            "yes" if pack.bundled else "no",
            str(counts.get(pack.id, 0)),
            pack.manifest.title,
            pack.manifest.publisher,
        ]
        for pack in packs
    ]
    output.write_lines(output.table(headers, rows, wrap_column=5))
    return 0


def run_info(ctx: CommandContext) -> int:
    """``fypdesk pack info ID``: the whole manifest, the file and the notes count."""
    pack = ctx.library().pack(ctx.args.pack_id)
    notes = _note_counts(ctx).get(pack.id, 0)
    if ctx.args.format == "json":
        record = manifest_record(pack.manifest) | {
            "bundled": pack.bundled,
            "path": str(pack.path),
            "size": pack.size,
            "notes": notes,
        }
        output.write_json(record)
        return 0
    manifest = pack.manifest
    rows = [
        ("Title", manifest.title),
        ("Edition", manifest.edition),
        ("Publisher", manifest.publisher),
        ("Date", manifest.date),
        ("Period", f"{manifest.period_start}–{manifest.period_end}"),
        ("Languages", ", ".join(manifest.languages) or "not stated"),
        ("Licence", manifest.licence or "not stated"),
        *(("Document", document) for document in manifest.documents),
        ("Notes", str(notes)),
        ("Bundled", "yes" if pack.bundled else "no"),
        ("File", f"{pack.path} ({pack.size:,} bytes)"),
        ("Content SHA-256", manifest.content_sha256),
        ("Format", f"{manifest.format} {manifest.format_version}"),
        ("Schema", str(manifest.schema_version)),
    ]
    lines = [visible(pack.id)]
    lines += [f"  {label + ':':<16} {visible(value)}" for label, value in rows]
    output.write_lines(lines)
    return 0


def run_remove(ctx: CommandContext) -> int:
    """``fypdesk pack remove ID``: delete the installed copy or hide the bundled pack; one line."""
    from fypdesk.content.install import remove_pack

    result = remove_pack(ctx.library(), ctx.args.pack_id)
    name = visible(result.pack_id)
    kept = f"notes on {name} are kept and come back if it is installed again"
    if result.hidden is not None and result.removed_file is None:
        line = (
            f"Hid the bundled pack {name}, edition {visible(result.hidden.edition)}; {kept}"
            f" (to show it again: fypdesk pack install {visible(str(result.hidden.path))})"
        )
    elif result.hidden is not None:
        line = (
            f"Removed pack {name} and hid its bundled edition {visible(result.hidden.edition)};"
            f" {kept}"
        )
    elif result.shown is not None:
        edition = f" edition {visible(result.removed.edition)}" if result.removed else ""
        line = (
            f"Removed pack {name}{edition}; the bundled edition {visible(result.shown.edition)}"
            f" is shown again, and notes on {name} are kept"
        )
    elif result.removed is not None:
        line = f"Removed pack {name}, edition {visible(result.removed.edition)}; {kept}"
    else:
        line = f"Removed the unreadable pack file {visible(str(result.removed_file))}; {kept}"
    output.write_lines([line])
    return 0


def _list_record(pack: Pack, counts: Mapping[str, int]) -> dict[str, Any]:
    record = manifest_record(pack.manifest) | {
        "bundled": pack.bundled,
        "notes": counts.get(pack.id, 0),
        "path": str(pack.path),
    }
    return {field: record[field] for field in LIST_FIELDS}


def _warn_problems(library: Library) -> None:
    """Each file of the library that could not be listed, as a warning on stderr."""
    if sys.stderr is None:
        return
    for problem in library.problems():
        print(f"fypdesk: warning: skipped: {visible(problem.reason)}", file=sys.stderr)


def _note_counts(ctx: CommandContext) -> Mapping[str, int]:
    """How many notes each pack has, read as cheaply as a brief reads them (the snapshot
    reader, without SQLAlchemy); nothing, and no database created, without notes."""
    notes = ctx.notes_to_read()
    if notes is None:
        return {}
    return notes.note_counts_by_pack()
