"""Commands on content packs: ``pack build`` (and its first name, ``build-db``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fypdesk import paths
from fypdesk.cli import output
from fypdesk.cli.context import CommandContext
from fypdesk.cli.output import visible
from fypdesk.domain.errors import FypdeskError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the pack commands to the CLI."""
    description = (
        "Validate the authored source and write it as a pack (one edition of one briefing, with"
        " its manifest) to OUT. OUT is always named: a build never writes into the installed app"
        " or a checkout unasked (make db rebuilds the bundled data/fyp.db with -o data/fyp.db)."
    )
    packs = commands.add_parser("pack", help="build content packs")
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
