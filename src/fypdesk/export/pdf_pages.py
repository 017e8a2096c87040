"""The brief's pages: templates, running header and footer, page numbers, contents, bookmarks.

Layout runs once. Page numbers ("Page N of M") and the table of contents both need facts known
only at the end, so the canvas keeps every page until :meth:`NumberedCanvas.save` and fills them
in then. The contents pages are reserved up front: their height does not depend on the page
numbers they will show, so :func:`contents_pages` can count them exactly before layout. That is
what reportlab's ``multiBuild`` would find by laying the whole brief out a second time.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from fypdesk.export import pdf_styles as ps
from fypdesk.export.document import BriefDocument
from fypdesk.export.fonts import BOLD, REGULAR, Fonts
from fypdesk.export.text import one_line

#: Tables set a cell font even when every cell is a paragraph; without this it is Helvetica,
#: which would put an unembedded standard font in every brief.
TABLE_FONT = ("FONT", (0, 0), (-1, -1), REGULAR, ps.BODY_SIZE, ps.BODY_LEADING)
_NO_PADDING = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]

COVER, CONTENTS, BODY = "cover", "contents", "body"


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What every story function needs: the fonts, the styles and the frame's size."""

    fonts: Fonts
    styles: ps.Styles
    width: float
    height: float

    def para(self, text: str, style: Any, *, keep_lines: bool = False) -> Any:
        """A paragraph printing ``text`` verbatim."""
        return Paragraph(self.fonts.markup(text, keep_lines=keep_lines), style)


@dataclass(slots=True)
class Contents:
    """The table of contents: entries known before layout, their pages learnt during it."""

    context: RenderContext
    #: (level, paragraph markup, anchor key) per heading, in reading order.
    entries: list[tuple[int, str, str]]
    pages: dict[str, int] = field(default_factory=dict)
    _pending: list[Any] | None = None

    def flowables(self, with_pages: bool) -> list[Any]:
        """The contents title and table; page numbers are placeholders until layout is done."""
        toc = TableOfContents()
        toc.levelStyles = list(self.context.styles.toc_levels)
        toc.dotsMinLevel = 0
        toc.tableStyle = TableStyle([TABLE_FONT, *_NO_PADDING])
        for level, markup, key in self.entries:
            toc.addEntry(level, markup, self.pages.get(key, 0) if with_pages else 999, key)
        toc.beforeBuild()  # makes the entries just added the ones it draws
        return [Paragraph("Contents", self.context.styles.toc_title), toc]

    def draw_next_page(self, canvas: Any) -> None:
        """Draw as much of the contents as fits on this (reserved) page."""
        if self._pending is None:
            self._pending = self.flowables(with_pages=True)
        _fill(_frame(self.context), self._pending, canvas)


def contents_pages(contents: Contents) -> int:
    """How many pages the table of contents takes, found by laying it out on a scratch canvas."""
    pending = contents.flowables(with_pages=False)
    scratch = Canvas(io.BytesIO(), pagesize=(1000, 1000), initialFontName=REGULAR)
    pages = 0
    while pending:
        pages += 1
        if not _fill(_frame(contents.context), pending, scratch):
            break  # nothing fits on an empty page: give up rather than loop
    return max(pages, 1)


def _fill(frame: Any, pending: list[Any], canvas: Any) -> bool:
    """Draw from ``pending`` into ``frame`` until it is full, splitting the last flowable.

    ``Frame.addFromList`` only places whole flowables, so a table of contents longer than a
    page would never be drawn. Returns whether anything was placed.
    """
    placed = False
    while pending:
        if frame.add(pending[0], canvas, trySplit=0):
            pending.pop(0)
            placed = True
            continue
        pieces = frame.split(pending[0], canvas)
        if pieces and frame.add(pieces[0], canvas, trySplit=0):
            pending[0:1] = pieces[1:]
            placed = True
        break
    return placed


def _frame(context: RenderContext) -> Any:
    return Frame(
        ps.MARGIN_LEFT,
        ps.MARGIN_BOTTOM,
        context.width,
        context.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


class BriefDocTemplate(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    """Cover, contents and body page templates; headings become bookmarks as they land."""

    def __init__(
        self,
        out: BinaryIO,
        context: RenderContext,
        document: BriefDocument,
        contents: Contents,
        **kwargs: Any,
    ) -> None:
        super().__init__(out, **kwargs)
        self._context = context
        self._document = document
        self._contents = contents
        frame = _frame(context)
        self.addPageTemplates(
            [
                PageTemplate(COVER, [frame], onPage=self._on_cover_page),
                PageTemplate(CONTENTS, [frame], onPage=self._on_contents_page),
                PageTemplate(BODY, [frame], onPage=self._on_body_page),
            ]
        )

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's name
        """Register a heading's bookmark, and its page for the contents."""
        entry: tuple[int, str, str] | None = getattr(flowable, "fyp_outline", None)
        if entry is None:
            return
        level, plain, key = entry
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(plain, key, level=level, closed=level > 0)
        # The cover is not numbered: page numbers start after it.
        self._contents.pages[key] = self.page - 1

    def _on_cover_page(self, canvas: Any, _doc: Any) -> None:
        canvas.showOutline()
        canvas.addPageLabel(0, prefix="Cover")
        canvas.addPageLabel(1, style="D", start=1)

    def _on_contents_page(self, canvas: Any, doc: Any) -> None:
        self._on_body_page(canvas, doc)
        canvas.fyp_contents = self._contents

    def _on_body_page(self, canvas: Any, doc: Any) -> None:
        """Running header (title, marking) and footer (versions; the page number comes later)."""
        context = self._context
        styles = context.styles
        cover = self._document.cover
        page_width, page_height = doc.pagesize
        left, right = ps.MARGIN_LEFT, page_width - ps.MARGIN_RIGHT
        header, footer, third = page_height - ps.HEADER_OFFSET, ps.FOOTER_OFFSET, context.width / 3
        canvas.saveState()
        title = _fit(one_line(cover.title), 2 * third - 6, ps.RUNNING_SIZE)
        _draw_line(canvas, context.para(title, styles.running_left), left, header, 2 * third)
        if cover.marking:
            marking = _fit(one_line(cover.marking).upper(), third - 6, ps.RUNNING_SIZE, BOLD)
            _draw_line(
                canvas,
                context.para(marking, styles.running_marking),
                left + 2 * third,
                header,
                third,
            )
            _draw_line(
                canvas, context.para(marking, styles.running_centre), left + third, footer, third
            )
        versions = f"{self._document.creator} · content {cover.content_version}"
        _draw_line(canvas, context.para(versions, styles.running_left), left, footer, third)
        canvas.setStrokeColor(ps.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, header - 3, right, header - 3)
        canvas.line(left, footer + 10, right, footer + 10)
        canvas.restoreState()
        canvas.fyp_page_number = doc.page - 1


def _fit(text: str, width: float, size: float, font: str = REGULAR) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` on one running line."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle].rstrip() + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _draw_line(canvas: Any, paragraph: Any, x: float, baseline: float, width: float) -> None:
    """Draw a one-line running paragraph with its first baseline at ``baseline``."""
    _, height = paragraph.wrap(width, 40)
    paragraph.drawOn(canvas, x, baseline - height + paragraph.style.leading * 0.78)


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Keeps every page until the end, then adds "Page N of M" and the contents."""

    _annotationCount: int  # noqa: N815 - reportlab's counter of link names

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.fyp_page_number: int | None = None
        self.fyp_contents: Contents | None = None

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()
        self.fyp_page_number = None
        self.fyp_contents = None

    def save(self) -> None:
        total = sum(1 for page in self._pages if page.get("fyp_page_number") is not None)
        # Link names are numbered by a counter each page snapshot restores; contents drawn now must
        # go on counting from the highest, or two contents pages would define the same link.
        links = self._annotationCount
        for page in self._pages:
            self.__dict__.update(page)
            self._annotationCount = links = max(links, self._annotationCount)
            if self.fyp_contents is not None:
                self.fyp_contents.draw_next_page(self)
                links = self._annotationCount
            if self.fyp_page_number is not None:
                self.saveState()
                self.setFont(REGULAR, ps.RUNNING_SIZE)
                self.setFillColor(ps.MUTED)
                self.drawRightString(
                    self._pagesize[0] - ps.MARGIN_RIGHT,
                    ps.FOOTER_OFFSET,
                    f"Page {self.fyp_page_number} of {total}",
                )
                self.restoreState()
            super().showPage()
        super().save()
