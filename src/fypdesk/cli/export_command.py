"""The ``export`` command: write a brief as PDF or Markdown; the ``briefs`` command lists the
briefs saved with ``export --save-brief``.

reportlab is imported only inside :func:`run_export`, when a PDF is actually written, and the
notes store (SQLAlchemy, Alembic) only when the user has a notes database, so no other command
pays for either. The user's notes and stars reach the brief through :func:`load_annotations`.
Reading never creates a notes database; only ``--save-brief`` writes one.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from fypdesk.cli import output
from fypdesk.cli.context import CommandContext
from fypdesk.cli.scope import OpenPack
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import (
    Annotations,
    BriefOptions,
    BriefScope,
    BriefSpec,
    NotesMode,
    Paper,
)
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.notes import SavedBrief
from fypdesk.domain.saved_brief import (
    InvalidBriefNameError,
    InvalidSavedBriefError,
    brief_record,
    check_brief_name,
    saved_brief,
    spec_from_saved_brief,
)
from fypdesk.export.combine import combine
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.document import BriefDocument, pdf_size_text
from fypdesk.export.write import atomic_write
from fypdesk.notes.interface import NotesStore, brief_annotations

FORMATS = (".pdf", ".md")

_T = TypeVar("_T")


class UnknownBriefError(FypdeskError):
    """``--brief NAME`` names no saved brief."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no saved brief named {name!r} (see 'fypdesk briefs')")
        self.name = name


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` and ``briefs`` commands."""
    export = commands.add_parser(
        "export",
        help="write a brief of the briefing, with your notes, as PDF or Markdown",
        description="Write a brief as OUT.pdf or OUT.md. Without options: the whole briefing, "
        "all notes, targets annex, charts, citations and a table of contents. With --brief, a "
        "saved brief, whose settings the options given here override.",
    )
    # Every option defaults to None (not given), so that with --brief only the options the user
    # typed override the saved brief; spec_from_args fills in the real defaults.
    export.add_argument("out", type=Path, metavar="OUT.pdf|OUT.md", help="the file to write")
    scope = export.add_argument_group("scope")
    scope.add_argument(
        "--briefing",
        action="append",
        metavar="ID",
        help="only this briefing of the library (repeatable; default: every briefing, or the"
        " one of --pack; see 'fypdesk pack list')",
    )
    scope.add_argument(
        "--plan",
        action="append",
        metavar="SLUG",
        help="only this plan (repeatable; see 'fypdesk plans')",
    )
    scope.add_argument("--starred", action="store_true", default=None, help="only starred items")
    scope.add_argument(
        "--annotated", action="store_true", default=None, help="only items with notes"
    )
    scope.add_argument(
        "--tag",
        action="append",
        metavar="T",
        help="only items with a note tagged T (repeatable; also the tags of --notes tagged)",
    )
    options = export.add_argument_group("options")
    options.add_argument(
        "--notes",
        choices=[mode.value for mode in NotesMode],
        help="which notes to print (default: all)",
    )
    options.add_argument(
        "--no-targets", action="store_true", default=None, help="leave out the targets annex"
    )
    options.add_argument(
        "--no-charts", action="store_true", default=None, help="leave out the charts"
    )
    options.add_argument(
        "--no-citations",
        action="store_true",
        default=None,
        help="leave out numbered citations and the sources section",
    )
    options.add_argument(
        "--no-toc", action="store_true", default=None, help="leave out the table of contents"
    )
    cover = export.add_argument_group("cover")
    cover.add_argument("--title", metavar="T", help="default: the briefing's title")
    cover.add_argument("--subtitle", metavar="S")
    cover.add_argument("--author", metavar="A")
    cover.add_argument("--organisation", metavar="O")
    cover.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the meeting's date")
    cover.add_argument("--marking", metavar="TEXT", help="e.g. Internal")
    cover.add_argument("--paper", choices=[paper.value for paper in Paper], help="default: a4")
    saved = export.add_argument_group("saved briefs")
    saved.add_argument(
        "--brief",
        metavar="NAME",
        help="start from the saved brief NAME (see 'fypdesk briefs')",
    )
    saved.add_argument(
        "--save-brief",
        metavar="NAME",
        help="after writing, save the settings used as the brief NAME (replacing one so named)",
    )
    export.set_defaults(handler=run_export)

    briefs = commands.add_parser(
        "briefs",
        help="list saved briefs",
        description="List the briefs saved with 'fypdesk export OUT --save-brief NAME'.",
    )
    briefs.add_argument("--format", choices=("text", "json"), default="text")
    briefs.set_defaults(handler=run_briefs)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2026-03-15, got {text!r}"
        ) from None


def spec_from_args(args: argparse.Namespace, base: BriefSpec | None = None) -> BriefSpec:
    """The brief the options ask for: ``base`` (default: the whole briefing with everything)
    with every option the user gave overriding it.

    ``--tag`` sets the scope's tags and, when notes are ``tagged``, the note tags too; without
    ``--tag``, ``--notes tagged`` takes the base's note tags, or else its scope tags.

    Raises:
        InvalidBriefSpecError: the options contradict each other or are too long.
    """
    base = base if base is not None else BriefSpec()
    scope = base.scope
    options = base.options
    notes = NotesMode(args.notes) if args.notes is not None else options.notes
    tags = tuple(args.tag) if args.tag is not None else scope.tags
    if notes is not NotesMode.TAGGED:
        note_tags: tuple[str, ...] = ()
    elif args.tag is not None:
        note_tags = tags
    elif options.notes is NotesMode.TAGGED:
        note_tags = options.note_tags
    else:
        note_tags = scope.tags
    return BriefSpec(
        title=_given(args.title, base.title),
        subtitle=_given(args.subtitle, base.subtitle),
        author=_given(args.author, base.author),
        organisation=_given(args.organisation, base.organisation),
        meeting_date=_given(args.date, base.meeting_date),
        marking=_given(args.marking, base.marking),
        paper=Paper(args.paper) if args.paper is not None else base.paper,
        scope=BriefScope(
            plans=tuple(args.plan) if args.plan is not None else scope.plans,
            starred=_given(args.starred, scope.starred),
            annotated=_given(args.annotated, scope.annotated),
            tags=tags,
        ),
        options=BriefOptions(
            notes=notes,
            note_tags=note_tags,
            # The flags can only switch things off; a flag not given keeps the base's choice.
            targets_annex=options.targets_annex and not args.no_targets,
            charts=options.charts and not args.no_charts,
            citations=options.citations and not args.no_citations,
            toc=options.toc and not args.no_toc,
        ),
    )


def _given(value: _T | None, default: _T) -> _T:
    return default if value is None else value


def load_annotations(ctx: CommandContext, pack: str) -> Annotations:
    """The notes of ``pack`` (every one, also those on items the content no longer has) and its
    starred node ids, read as :meth:`CommandContext.notes_to_read` reads them; none without a
    notes database (and none is created)."""
    notes = ctx.notes_to_read()
    return Annotations() if notes is None else brief_annotations(notes.for_pack(pack))


def load_saved_spec(notes: NotesStore | None, name: str) -> BriefSpec:
    """The specification of the saved brief ``name`` in ``notes``.

    Raises:
        UnknownBriefError: no brief of that name (also when there is no notes database yet).
        InvalidSavedBriefError: the stored brief is malformed.
    """
    return spec_from_saved_brief(load_saved_brief(notes, name))


def load_saved_brief(notes: NotesStore | None, name: str) -> SavedBrief:
    """The saved brief ``name`` in ``notes``.

    Raises:
        UnknownBriefError: no brief of that name (also when there is no notes database yet).
    """
    found = None if notes is None else _saved_briefs(notes).get(name)
    if found is None:
        raise UnknownBriefError(name)
    return found


def _saved_briefs(notes: NotesStore) -> dict[str, SavedBrief]:
    return {brief.name: brief for brief in notes.saved_briefs()}


def load_content(repository: ContentRepository) -> BriefContent:
    """Everything a brief may draw on, read in one go (the content is small and read-only)."""
    return BriefContent.read(repository)


def run_export(ctx: CommandContext) -> int:
    """``fypdesk export OUT``: the content and the notes are each opened once."""
    args = ctx.args
    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise FypdeskError(f"cannot tell the format of {out}: name it OUT.pdf or OUT.md")
    if args.save_brief is not None:
        # Checked before any work: the file would be written and only then the save refused.
        if not args.save_brief.strip():
            raise FypdeskError("--save-brief needs a name")
        try:
            check_brief_name(args.save_brief)
        except InvalidBriefNameError as exc:
            raise FypdeskError(f"--save-brief: {exc}") from None
    # Saving a brief writes: then the full store serves the saved brief and the notes too (a
    # store that does not exist yet is created only once the file is written).
    store = ctx.notes() if args.save_brief is not None and ctx.notes_path.exists() else None
    if args.brief is not None:
        store = store or ctx.existing_notes()
        saved = load_saved_brief(store, args.brief)
        base = spec_from_saved_brief(saved)
        # A saved brief is of its own briefing, unless --pack or --content says otherwise.
        chosen = args.pack is not None or getattr(args, "content", None) is not None
        pack = ctx.scope.one() if chosen else ctx.scope.find(saved.pack)
    else:
        base = None
        packs = _briefings(ctx, args.briefing)
        if len(packs) > 1:
            if args.save_brief is not None:
                raise FypdeskError(
                    f"a saved brief is of one briefing; this export covers {len(packs)}: choose"
                    " one with --pack ID (or --briefing ID)"
                )
            return _export_briefings(ctx, packs, spec_from_args(args), out)
        (pack,) = packs
    spec = spec_from_args(args, base)
    content = load_content(pack.content)
    document = compose(spec, content, load_annotations(ctx, pack.id))
    _write_brief(document, out)
    if args.save_brief is not None:
        # Saved only after the file is written: a brief that could not be exported is not kept.
        ctx.notes().save_brief(replace(saved_brief(args.save_brief, spec), pack=pack.id))
        output.write_lines([f"Saved the brief as {output.visible(args.save_brief)!r}."])
    return 0


def _briefings(ctx: CommandContext, chosen: list[str] | None) -> list[OpenPack]:
    """The packs a brief covers: those of ``--briefing`` (in the order given), else all read."""
    if not chosen:
        return list(ctx.scope.packs())
    return [ctx.scope.find(pack_id) for pack_id in dict.fromkeys(chosen)]


def _export_briefings(
    ctx: CommandContext, packs: Sequence[OpenPack], spec: BriefSpec, out: Path
) -> int:
    """One brief of several briefings, each a part (see :mod:`fypdesk.export.combine`). A plan
    of ``--plan`` selects from the briefings that have it: those with none of them are left
    out, and a slug no briefing has is refused."""
    wanted = spec.scope.plans
    parts = []
    found: set[str] = set()
    for pack in packs:
        content = load_content(pack.content)
        own = tuple(slug for slug in wanted if any(p.slug == slug for p in content.plans))
        found.update(own)
        if wanted and not own:
            continue
        part_spec = replace(spec, title="", subtitle="", scope=replace(spec.scope, plans=own))
        parts.append(compose(part_spec, content, load_annotations(ctx, pack.id)))
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise FypdeskError(
            f"no briefing of this export has the plan {output.visible(missing[0])!r}"
            " (see 'fypdesk plans')"
        )
    _write_brief(combine(parts, spec), out)
    return 0


def _write_brief(document: BriefDocument, out: Path) -> None:
    """Write ``document`` as PDF or Markdown (by ``out``'s suffix) and say what it holds."""
    suffix = out.suffix.lower()
    counts = document.counts
    if suffix == ".pdf":
        from fypdesk.export.pdf import render_pdf  # reportlab loads here, and only here

        # Private when new (0600): a brief carries the user's notes.
        pages = atomic_write(out, lambda stream: render_pdf(document, stream), private=True)
        size = pdf_size_text(pages)
    else:
        from fypdesk.export.markdown import write_markdown

        written = atomic_write(out, lambda stream: write_markdown(document, stream), private=True)
        size = f"{written} lines"
    output.write_lines(
        [
            f"Wrote {out} ({size}): {counts.plans} plans, {counts.items} items, "
            f"{counts.targets} targets, {counts.notes} notes."
        ]
    )


def run_briefs(ctx: CommandContext) -> int:
    """``fypdesk briefs [--format text|json]``."""
    notes = ctx.existing_notes()
    briefs = () if notes is None else notes.saved_briefs()
    if ctx.args.format == "json":
        output.write_json([brief_record(brief) for brief in briefs])
        return 0
    if not briefs:
        output.write_lines(["No saved briefs."])
        return 0
    rows = [[brief.name, brief.title, _describe(brief)] for brief in briefs]
    output.write_lines(output.table(["name", "title", "contents"], rows, wrap_column=2))
    return 0


def _describe(brief: SavedBrief) -> str:
    """What a saved brief contains, in a few words for the listing."""
    try:
        spec = spec_from_saved_brief(brief)
    except InvalidSavedBriefError as exc:
        # Listed anyway, so the user can see it and save over it; exporting it says the same.
        return f"unusable: {exc.problem}"
    scope = spec.scope
    parts = [", ".join(scope.plans) if scope.plans else "all plans"]
    if scope.starred:
        parts.append("starred")
    if scope.annotated:
        parts.append("annotated")
    if scope.tags:
        parts.append("tags " + ", ".join(scope.tags))
    notes = spec.options.notes
    if notes is NotesMode.TAGGED:
        parts.append("notes tagged " + ", ".join(spec.options.note_tags))
    else:
        parts.append(f"notes {notes.value}")
    if spec.meeting_date is not None:
        parts.append(f"for {spec.meeting_date.isoformat()}")
    parts.append(brief.paper)
    return "; ".join(parts)
