"""The ``export`` command: write a brief as PDF or Markdown.

reportlab is imported only inside :func:`run_export`, when a PDF is actually written, so no other
command pays for it. The user's notes and stars reach the brief through :func:`load_annotations`
alone, the one seam to the notes store.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from fypdesk.cli import output
from fypdesk.cli.content_commands import open_content
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import (
    Annotations,
    BriefNote,
    BriefOptions,
    BriefScope,
    BriefSpec,
    NotesMode,
    Paper,
)
from fypdesk.domain.errors import FypdeskError
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.write import atomic_write

FORMATS = (".pdf", ".md")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` command."""
    export = commands.add_parser(
        "export",
        help="write a brief of the briefing, with your notes, as PDF or Markdown",
        description="Write a brief as OUT.pdf or OUT.md. Without options: the whole briefing, "
        "all notes, targets annex, charts, citations and a table of contents.",
    )
    export.add_argument("out", type=Path, metavar="OUT.pdf|OUT.md", help="the file to write")
    scope = export.add_argument_group("scope")
    scope.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="SLUG",
        help="only this plan (repeatable; see 'fypdesk plans')",
    )
    scope.add_argument("--starred", action="store_true", help="only starred items")
    scope.add_argument("--annotated", action="store_true", help="only items with notes")
    scope.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="only items with a note tagged T (repeatable; also the tags of --notes tagged)",
    )
    options = export.add_argument_group("options")
    options.add_argument(
        "--notes",
        choices=[mode.value for mode in NotesMode],
        default=NotesMode.ALL.value,
        help="which notes to print (default: all)",
    )
    options.add_argument("--no-targets", action="store_true", help="leave out the targets annex")
    options.add_argument("--no-charts", action="store_true", help="leave out the charts")
    options.add_argument(
        "--no-citations",
        action="store_true",
        help="leave out numbered citations and the sources section",
    )
    options.add_argument("--no-toc", action="store_true", help="leave out the table of contents")
    cover = export.add_argument_group("cover")
    cover.add_argument("--title", default="", metavar="T", help="default: the briefing's title")
    cover.add_argument("--subtitle", default="", metavar="S")
    cover.add_argument("--author", default="", metavar="A")
    cover.add_argument("--organisation", default="", metavar="O")
    cover.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the meeting's date")
    cover.add_argument("--marking", default="", metavar="TEXT", help="e.g. Internal")
    cover.add_argument("--paper", choices=[paper.value for paper in Paper], default=Paper.A4.value)
    export.set_defaults(handler=run_export)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2026-03-15, got {text!r}"
        ) from None


def spec_from_args(args: argparse.Namespace) -> BriefSpec:
    """The brief the options ask for.

    Raises:
        InvalidBriefSpecError: the options contradict each other or are too long.
    """
    notes = NotesMode(args.notes)
    tags = tuple(args.tag)
    return BriefSpec(
        title=args.title,
        subtitle=args.subtitle,
        author=args.author,
        organisation=args.organisation,
        meeting_date=args.date,
        marking=args.marking,
        paper=Paper(args.paper),
        scope=BriefScope(
            plans=tuple(args.plan), starred=args.starred, annotated=args.annotated, tags=tags
        ),
        options=BriefOptions(
            notes=notes,
            note_tags=tags if notes is NotesMode.TAGGED else (),
            targets_annex=not args.no_targets,
            charts=not args.no_charts,
            citations=not args.no_citations,
            toc=not args.no_toc,
        ),
    )


def load_annotations(args: argparse.Namespace) -> tuple[tuple[BriefNote, ...], frozenset[str]]:
    """The user's notes and starred node ids, for the brief.

    The single seam to the notes store: until it is connected, a brief carries no notes.
    """
    del args  # the notes store is reached through args.data_dir once it exists
    return (), frozenset()


def load_content(repository: ContentRepository) -> BriefContent:
    """Everything a brief may draw on, read in one go (the content is small and read-only)."""
    return BriefContent(
        briefing=repository.briefing(),
        plans=repository.plans(),
        nodes=repository.nodes(),
        quantities=repository.quantities(),
    )


def run_export(args: argparse.Namespace) -> int:
    """``fypdesk export OUT``."""
    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise FypdeskError(f"cannot tell the format of {out}: name it OUT.pdf or OUT.md")
    spec = spec_from_args(args)
    repository = open_content(args)
    try:
        content = load_content(repository)
    finally:
        repository.close()
    notes, starred = load_annotations(args)
    document = compose(spec, content, Annotations(notes, starred))
    counts = document.counts
    if suffix == ".pdf":
        from fypdesk.export.pdf import render_pdf  # reportlab loads here, and only here

        pages = atomic_write(out, lambda stream: render_pdf(document, stream))
        size = f"{pages} page{'s' if pages != 1 else ''}"
    else:
        from fypdesk.export.markdown import write_markdown

        lines = atomic_write(out, lambda stream: write_markdown(document, stream))
        size = f"{lines} lines"
    output.write_lines(
        [
            f"Wrote {out} ({size}): {counts.plans} plans, {counts.items} items, "
            f"{counts.targets} targets, {counts.notes} notes."
        ]
    )
    return 0
