"""Render a :class:`BriefDocument` to PDF with reportlab's Platypus.

Shape: the look lives in :mod:`pdf_styles`, the page templates with their header and footer hooks
in :mod:`pdf_pages`, the targets table in :mod:`pdf_table`; here small ``_story_*`` functions each
turn one kind of block into flowables, and :meth:`PdfRenderer.render` lays them out once and writes
the result to a binary stream.

A :class:`PdfRenderer` owns what one export may hand to the next: the stylesheet and the styles
derived from it (:class:`~fypdesk.export.pdf_styles.DerivedStyles`). A long-running caller (the
window) keeps one renderer; :func:`render_pdf` is a one-shot with a renderer of its own, so
nothing it makes outlives the call. What stays per process is keyed by stable values and bounded:
reportlab's font registry with fypdesk's fonts and their coverage (:mod:`fonts`), the shaped words
and the texts of shaped glyphs (:mod:`shaping`), and the reportlab patches
(:mod:`reportlab_patches`).

Every string that reaches reportlab's paragraph markup comes from :meth:`Fonts.markup`: cleaned,
escaped, with CJK runs in the fallback font; a short text that needs no markup at all is drawn as
a plain string (:mod:`pdf_paragraph`). Remote and file resources are refused outright, so a note
holding ``<img src="http://...">`` can never make an export fetch anything.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from fypdesk import paths
from fypdesk.export import pdf_styles as ps
from fypdesk.export import reportlab_patches
from fypdesk.export.callout import Callout, inner_width
from fypdesk.export.charts import chart_drawing
from fypdesk.export.document import (
    Block,
    BriefDocument,
    Chart,
    Fact,
    Heading,
    Item,
    NoteCallout,
    SourceList,
    TargetTable,
    TextRole,
)
from fypdesk.export.font_table import REGULAR
from fypdesk.export.fonts import Fonts
from fypdesk.export.pdf_long_text import note_paragraphs
from fypdesk.export.pdf_pages import (
    BODY,
    CONTENTS,
    COVER,
    TABLE_FONT,
    BriefDocTemplate,
    Contents,
    NumberedCanvas,
    RenderContext,
    contents_pages,
)
from fypdesk.export.pdf_table import story_table
from fypdesk.export.text import clean, one_line

# reportlab finds its C accelerators (the rl-accel package: string widths, number formatting) with
# exec(), which PyInstaller cannot see; this import makes frozen builds carry them. Without them
# reportlab silently falls back to pure Python and renders far more slowly.
with contextlib.suppress(ImportError):
    import _rl_accel  # type: ignore[import-not-found]  # noqa: F401

#: Bars per chart drawing: a drawing cannot split across pages, so long charts are cut.
MAX_BARS_PER_CHART = 12


class PdfRenderer:
    """Renders briefs to PDF, keeping the styles (and the styles made from them) between briefs.

    Whatever it keeps is bounded by the stylesheet, not by the number of briefs rendered, and goes
    away with the renderer. One renderer renders one brief at a time: use it from one thread (the
    window's one-thread pool), or give each thread its own.
    """

    def __init__(self, fonts_dir: Path | None = None) -> None:
        """``fonts_dir``: where the bundled fonts are (default: ``resources/fonts``)."""
        self._fonts_dir = fonts_dir
        self._styles = ps.build_styles()

    def render(self, document: BriefDocument, out: BinaryIO) -> int:
        """Write ``document`` as PDF to ``out``; return the number of pages.

        Args:
            document: the composed brief.
            out: a binary stream, written once, in full, at the end.
        """
        reportlab_patches.apply()
        fonts = Fonts.load(self._fonts_dir or paths.resources_dir() / "fonts")
        page_size = ps.PAGE_SIZES[document.paper]
        context = RenderContext(
            fonts,
            self._styles,
            width=page_size[0] - ps.MARGIN_LEFT - ps.MARGIN_RIGHT,
            height=page_size[1] - ps.MARGIN_TOP - ps.MARGIN_BOTTOM,
        )
        return _render(context, document, out, page_size)

    def cache_sizes(self) -> dict[str, int]:
        """The number of entries of each cache this renderer owns (for tests and diagnostics)."""
        return {"derived_styles": len(self._styles.derived)}


def render_pdf(document: BriefDocument, out: BinaryIO, fonts_dir: Path | None = None) -> int:
    """Write ``document`` as PDF to ``out``; return the number of pages.

    A one-shot (the command line's): a renderer of its own, dropped on return. A caller that
    exports again and again keeps a :class:`PdfRenderer` instead.

    Args:
        document: the composed brief.
        out: a binary stream, written once, in full, at the end.
        fonts_dir: where the bundled fonts are (default: ``resources/fonts``).
    """
    return PdfRenderer(fonts_dir).render(document, out)


def _render(
    context: RenderContext, document: BriefDocument, out: BinaryIO, page_size: tuple[float, float]
) -> int:
    fonts = context.fonts
    contents = Contents(
        context,
        [
            (block.level, fonts.markup(block.text), block.key)
            for block in document.blocks
            if isinstance(block, Heading) and block.outline and block.level <= 1
        ],
    )
    cover = document.cover
    template = BriefDocTemplate(
        out,
        context,
        document,
        contents,
        pagesize=page_size,
        leftMargin=ps.MARGIN_LEFT,
        rightMargin=ps.MARGIN_RIGHT,
        topMargin=ps.MARGIN_TOP,
        bottomMargin=ps.MARGIN_BOTTOM,
        title=one_line(cover.title),
        author=one_line(cover.author or cover.organisation or "fypdesk"),
        subject=one_line(document.subject),
        keywords=[one_line(word) for word in document.keywords],
        creator=document.creator,
        producer=document.creator,
        invariant=True,
        initialFontName=REGULAR,
        initialFontSize=ps.BODY_SIZE,
        lang="en",
    )
    story = _story_cover(context, document)
    if document.toc:
        story += _story_contents(contents_pages(contents))
    story += [NextPageTemplate(BODY), PageBreak()]
    story += _story_body(context, document.blocks)
    template.build(story, canvasmaker=NumberedCanvas)
    pages: int = template.page
    return pages


# -- story -------------------------------------------------------------------------------------


def _story_cover(c: RenderContext, document: BriefDocument) -> list[Flowable]:
    cover = document.cover
    s = c.styles
    story: list[Flowable] = [Spacer(1, 28 * mm)]
    if cover.marking:
        box = Table(
            [[c.para(one_line(cover.marking).upper(), s.cover_marking)]],
            colWidths=[70 * mm],
            hAlign="LEFT",
        )
        box.setStyle(
            TableStyle(
                [
                    TABLE_FONT,
                    ("BOX", (0, 0), (-1, -1), 1.2, ps.MARKING),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        story += [box, Spacer(1, 14 * mm)]
    story.append(c.para(cover.title, s.cover_title))
    if cover.subtitle:
        story.append(c.para(cover.subtitle, s.cover_subtitle, keep_lines=True))
    story.append(_rule(c.width, ps.ACCENT, 1.4))
    story.append(Spacer(1, 8 * mm))
    for label, value in (
        ("Prepared by", cover.author),
        ("Organisation", cover.organisation),
        ("Meeting", cover.date),
        ("Scope", cover.scope),
    ):
        if value:
            story.append(
                c.paragraph(
                    f"<font color='#5b6470'>{label}:</font> {c.fonts.markup(value)}", s.cover_meta
                )
            )
    story += [
        Spacer(1, 60 * mm),
        c.para(f"Source: {cover.source}", s.cover_small),
        c.para(
            f"Content version {cover.content_version} · prepared with {document.creator}",
            s.cover_small,
        ),
        c.para(
            "Notes in shaded boxes are the author's own, not part of the official text.",
            s.cover_small,
        ),
    ]
    # A long title and subtitle shrink to fit rather than spill onto a second, unnumbered page.
    return [NextPageTemplate(COVER), KeepInFrame(c.width, c.height, story, mode="shrink")]


def _story_contents(pages: int) -> list[Flowable]:
    """Blank pages kept for the table of contents, which is drawn on them once layout is done."""
    story: list[Flowable] = [NextPageTemplate(CONTENTS)]
    for _ in range(pages):
        story += [PageBreak(), Spacer(1, 1)]
    return story


def _story_body(c: RenderContext, blocks: tuple[Block, ...]) -> list[Flowable]:
    story: list[Flowable] = []
    at_page_top = True
    for block in blocks:
        if isinstance(block, Heading):
            if block.new_page and not at_page_top:
                story.append(PageBreak())
            story += _story_heading(c, block)
        elif isinstance(block, Item):
            story += _story_item(c, block)
        elif isinstance(block, NoteCallout):
            story += _story_note(c, block)
        elif isinstance(block, TargetTable):
            story += story_table(c, block)
        elif isinstance(block, Chart):
            story += _story_chart(c, block)
        elif isinstance(block, SourceList):
            story += _story_sources(c, block)
        else:
            story.append(c.para(block.text, _paragraph_style(c, block.role)))
        at_page_top = False
    return story


def _paragraph_style(c: RenderContext, role: TextRole) -> Any:
    return {TextRole.LEAD: c.styles.lead, TextRole.INTRO: c.styles.intro}.get(role, c.styles.body)


def _story_heading(c: RenderContext, heading: Heading) -> list[Flowable]:
    level = min(heading.level, len(c.styles.headings) - 1)
    markup = c.fonts.markup(heading.text)
    paragraph = c.paragraph(f'<a name="{heading.key}"/>{markup}', c.styles.headings[level])
    if heading.outline:
        paragraph.fyp_outline = (heading.level, one_line(heading.text), heading.key)
    # Never leave a heading alone at the foot of a page.
    return [CondPageBreak(30 * mm), paragraph]


def _story_item(c: RenderContext, item: Item) -> list[Flowable]:
    s = c.styles
    # Title and text as two flowables, each in one font: most titles fit on a line and are drawn
    # as a string, and a paragraph in one font is broken into lines on reportlab's fast path
    # (one paragraph of both took 15 % more of a brief's rendering time).
    if not (item.text or item.facts):
        return [c.line(item.title, s.indented(s.item_alone, item.depth), c.width)]
    title_style = s.indented(s.item_title, item.depth)
    title = c.line(item.title, title_style, c.width)
    # The title never ends a page: room for it and two lines of what follows, or a new page (a
    # paragraph splits only if two of its lines fit); the text itself still splits. Measured at
    # the frame's width, the title keeps its lines (BriefParagraph): the frame measures it free.
    _, title_height = title.wrap(c.width, c.height)
    room = title_style.spaceBefore + title_height + 2 * title_style.leading
    story = [_RoomFor(room), title]
    if item.text:
        story.append(c.para(item.text, s.indented(s.item_text, item.depth), keep_lines=True))
    story += [_fact(c, fact, item.depth) for fact in item.facts]
    return story


class _RoomFor(CondPageBreak):  # type: ignore[misc]  # reportlab has no type hints
    """A page break unless ``height`` points are left; unlike reportlab's, it passes the space
    after the flowable before it on to the one after it, so the frame still merges the two."""

    _SPACETRANSFER = True


def _fact(c: RenderContext, fact: Fact, depth: int) -> Any:
    cite = f" <font color='#5b6470'>[{fact.citation}]</font>" if fact.citation else ""
    text = f"<font color='#1f4e79'><b>{c.fonts.markup(fact.label)}</b></font> "
    return c.paragraph(
        text + c.fonts.markup(fact.text) + cite, c.styles.indented(c.styles.fact, depth)
    )


def _story_note(c: RenderContext, note: NoteCallout) -> list[Flowable]:
    """The user's note on a tinted band: label, the note's own paragraphs, tags and date."""
    s = c.styles
    # Notes sit in the body frame, so their paragraphs get this width; those that fit on one line
    # (the label, the date, many a short note) are drawn as plain strings.
    width = inner_width(
        c.width, indent=ps.NOTE_INDENT, bar_width=ps.NOTE_RULE, padding=ps.NOTE_PADDING
    )
    # Every text of the note goes through note_paragraphs: however long the note or one of its
    # words (an old store may hold megabytes), each flowable stays paragraph-sized, so laying
    # the note out costs time in proportion to its length.
    parts = note_paragraphs(c, f"NOTE · on “{one_line(note.about)}”", s.note_label, width)
    # One paragraph per blank-line-separated chunk, so long notes break between them easily.
    for chunk in clean(note.body).split("\n\n"):
        if chunk.strip():
            parts += note_paragraphs(c, chunk.strip("\n"), s.note_body, width)
    # The date first: after a right-to-left tag, the bidi algorithm would take the date's digits
    # into the tag's run and print 2026-11-28 as 28-11-2026.
    meta = []
    if note.date:
        meta.append(note.date)
    if note.tags:
        meta.append("Tags: " + " · ".join(one_line(tag) for tag in note.tags))
    if meta:
        parts += note_paragraphs(c, " — ".join(meta), s.note_meta, width)
    callout = Callout(
        [part for part, _ in parts],
        fill=ps.NOTE_FILL,
        bar=ps.NOTE_BAR,
        bar_width=ps.NOTE_RULE,
        padding=ps.NOTE_PADDING,
        gap=ps.NOTE_GAP,
        page_height=c.height,
        indent=ps.NOTE_INDENT,
        joined=[joined for _, joined in parts],
    )
    return [Spacer(1, 2), callout, Spacer(1, 5)]


def _story_chart(c: RenderContext, chart: Chart) -> list[Flowable]:
    story: list[Flowable] = []
    for start in range(0, len(chart.bars), MAX_BARS_PER_CHART):
        part = Chart(
            chart.title,
            chart.unit,
            chart.baseline_label,
            chart.target_label,
            chart.bars[start : start + MAX_BARS_PER_CHART],
        )
        drawing = chart_drawing(part, c.width, c.fonts.font_for)
        story += [KeepTogether([drawing]), Spacer(1, 6 * mm)]
    return story


def _story_sources(c: RenderContext, sources: SourceList) -> list[Flowable]:
    story = [c.para(sources.preface, c.styles.body), Spacer(1, 3 * mm)]
    for citation in sources.citations:
        text = (
            f"[{citation.number}]\u00a0{c.fonts.markup(citation.where)}: "
            f"“{c.fonts.markup(citation.passage)}”"
        )
        story.append(c.paragraph(text, c.styles.source))
    return story


def _rule(width: float, colour: colors.Color, thickness: float) -> Flowable:
    line = Table([[""]], colWidths=[width], rowHeights=[thickness])
    line.setStyle(TableStyle([TABLE_FONT, ("BACKGROUND", (0, 0), (-1, -1), colour)]))
    return line
