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

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer
from reportlab.platypus.tableofcontents import drawPageNumbers

from fypdesk.export import pdf_styles as ps
from fypdesk.export.document import BriefDocument
from fypdesk.export.font_table import BOLD, REGULAR
from fypdesk.export.fonts import Fonts
from fypdesk.export.pdf_paragraph import BriefParagraph, PlainLine, fits_one_line
from fypdesk.export.text import one_line

#: Tables set a cell font even when every cell is a paragraph; without this it is Helvetica,
#: which would put an unembedded standard font in every brief.
TABLE_FONT = ("FONT", (0, 0), (-1, -1), REGULAR, ps.BODY_SIZE, ps.BODY_LEADING)

COVER, CONTENTS, BODY = "cover", "contents", "body"

#: The form (PDF XObject) holding the running header and footer that every body page shows.
_RUNNING_FORM = "fypRunningLines"


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What every story function needs: the fonts, the styles and the frame's size."""

    fonts: Fonts
    styles: ps.Styles
    width: float
    height: float

    def para(self, text: str, style: Any, *, keep_lines: bool = False) -> Any:
        """A paragraph printing ``text`` verbatim."""
        return self.paragraph(self.fonts.markup(text, keep_lines=keep_lines), style)

    def paragraph(self, markup: str, style: Any) -> Any:
        """A paragraph of ``markup`` (made by :meth:`Fonts.markup`), with this brief's styles'
        derived styles kept (:attr:`Styles.derived`)."""
        return BriefParagraph(markup, style, derived=self.styles.derived)

    def is_plain_line(self, text: str, style: Any, width: float) -> bool:
        """Whether ``text`` can be a plain string: no markup needed, one line in ``width``."""
        return self.fonts.is_plain(text) and fits_one_line(text, style, width)

    def line(self, text: str, style: Any, width: float, *, keep_lines: bool = False) -> Any:
        """``text`` verbatim: a :class:`PlainLine` if :meth:`is_plain_line` (and the style is
        left-aligned, as a plain line is drawn), else a paragraph."""
        if style.alignment == TA_LEFT and self.is_plain_line(text, style, width):
            return PlainLine(text, style)
        return self.para(text, style, keep_lines=keep_lines)


#: The name under which a contents entry asks the canvas to draw its leader dots and page number.
_PAGE_NUMBER_CALLBACK = "fypContentsPageNumber"


@dataclass(slots=True)
class Contents:
    """The table of contents: entries known before layout, their pages learnt during it.

    Each entry is one paragraph, made and measured once: :func:`contents_pages` lays them out
    (without drawing) to count the pages to reserve, and :meth:`draw_next_page` lays the same
    paragraphs out again, their line breaks kept, and draws them. An entry's page number is
    not part of its text: the paragraph ends in an ``onDraw`` mark, and the number is looked up
    and drawn, after leader dots, only when the entry is drawn, once layout is done. (reportlab's
    ``TableOfContents`` bakes the numbers in and rebuilds and re-measures its whole table for
    every page it fills, which costs more than the rest of a long brief.)
    """

    context: RenderContext
    #: (level, paragraph markup, anchor key) per heading, in reading order.
    entries: list[tuple[int, str, str]]
    pages: dict[str, int] = field(default_factory=dict)
    _flowables: list[Any] | None = None
    _pending: list[Any] | None = None

    def flowables(self) -> list[Any]:
        """The contents title and one paragraph per entry, linking to its heading.

        The space above a level's entries is a spacer of its own, as in reportlab's table of
        contents: a frame would merge it with the title's space below.
        """
        if self._flowables is None:
            context = self.context
            styles = context.styles
            self._flowables = [context.paragraph("Contents", styles.toc_title)]
            for index, (level, markup, key) in enumerate(self.entries):
                style = _level_style(styles, level)
                if style.spaceBefore:
                    self._flowables.append(Spacer(1, style.spaceBefore))
                self._flowables.append(
                    context.paragraph(
                        f'<a href="#{key}">{markup}</a>'
                        f'<onDraw name="{_PAGE_NUMBER_CALLBACK}" label="{index}"/>',
                        _without_space_before(styles, style),
                    )
                )
        return self._flowables

    def draw_next_page(self, canvas: Any) -> None:
        """Draw as much of the contents as fits on this (reserved) page."""
        if self._pending is None:
            self._pending = list(self.flowables())
        canvas.setNamedCB(_PAGE_NUMBER_CALLBACK, self._draw_page_number)
        _fill(_frame(self.context), self._pending, canvas)

    def _draw_page_number(self, canvas: Any, _kind: str, label: str) -> None:
        """Leader dots and the page number after entry ``label``, linked to its heading."""
        level, _, key = self.entries[int(label)]
        style = _level_style(self.context.styles, level)
        page = [(self.pages.get(key, 0), key)]
        drawPageNumbers(canvas, style, page, self.context.width, self.context.height, " . ")


def _level_style(styles: ps.Styles, level: int) -> Any:
    return styles.toc_levels[min(level, len(styles.toc_levels) - 1)]


def _without_space_before(styles: ps.Styles, style: ParagraphStyle) -> ParagraphStyle:
    return styles.derived.get(
        "entry",
        style,
        None,
        lambda: ParagraphStyle(f"{style.name}-entry", parent=style, spaceBefore=0),
    )


def contents_pages(contents: Contents) -> int:
    """How many pages the table of contents takes, found by laying it out without drawing."""
    pending: list[Any] = [_Measured(flowable) for flowable in contents.flowables()]
    scratch = Canvas(io.BytesIO(), pagesize=(1000, 1000), initialFontName=REGULAR)
    pages = 0
    while pending:
        pages += 1
        if not _fill(_frame(contents.context), pending, scratch):
            break  # nothing fits on an empty page: give up rather than loop
    return max(pages, 1)


class _Measured(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A flowable's stand-in that takes its room in a frame, and splits as it does, but draws
    nothing: a frame then paginates without the cost of drawing."""

    def __init__(self, flowable: Any) -> None:
        super().__init__()
        self._flowable = flowable

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self._flowable.wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        return [_Measured(piece) for piece in self._flowable.split(avail_width, avail_height)]

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        space: float = self._flowable.getSpaceBefore()
        return space

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's name
        space: float = self._flowable.getSpaceAfter()
        return space

    def draw(self) -> None:
        """Nothing: only the room matters."""


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
        self._running: tuple[_RunningLine, ...] | None = None
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
        """Running header (title, marking) and footer (versions; the page number comes later).

        They are the same on every page, so they are drawn once into a form (a PDF XObject) that
        every page then places: drawing their paragraphs anew on each page cost a tenth of the
        rendering time of a long brief.
        """
        if self._running is None:
            self._running = _running_lines(self._context, self._document, doc.pagesize)
            canvas.beginForm(_RUNNING_FORM)
            self._draw_running(canvas, doc.pagesize)
            canvas.endForm()
        canvas.doForm(_RUNNING_FORM)
        canvas.fyp_page_number = doc.page - 1

    def _draw_running(self, canvas: Any, page_size: tuple[float, float]) -> None:
        page_width, page_height = page_size
        header, footer = page_height - ps.HEADER_OFFSET, ps.FOOTER_OFFSET
        canvas.saveState()
        for line in self._running or ():
            line.paragraph.drawOn(canvas, line.x, line.y)
        canvas.setStrokeColor(ps.RULE)
        canvas.setLineWidth(0.5)
        left, right = ps.MARGIN_LEFT, page_width - ps.MARGIN_RIGHT
        canvas.line(left, header - 3, right, header - 3)
        canvas.line(left, footer + 10, right, footer + 10)
        canvas.restoreState()


@dataclass(frozen=True, slots=True)
class _RunningLine:
    """One line of the running header or footer, measured, and where it goes on every page."""

    paragraph: Any
    x: float
    y: float


def _running_lines(
    context: RenderContext, document: BriefDocument, page_size: tuple[float, float]
) -> tuple[_RunningLine, ...]:
    """The running header and footer lines, the same on every page, so built once per brief."""
    styles = context.styles
    cover = document.cover
    left = ps.MARGIN_LEFT
    header, footer, third = page_size[1] - ps.HEADER_OFFSET, ps.FOOTER_OFFSET, context.width / 3
    title = _fit(one_line(cover.title), 2 * third - 6, ps.RUNNING_SIZE)
    lines = [_running_line(context.para(title, styles.running_left), left, header, 2 * third)]
    if cover.marking:
        marking = _fit(one_line(cover.marking).upper(), third - 6, ps.RUNNING_SIZE, BOLD)
        lines += [
            _running_line(
                context.para(marking, styles.running_marking), left + 2 * third, header, third
            ),
            _running_line(
                context.para(marking, styles.running_centre), left + third, footer, third
            ),
        ]
    versions = f"{document.creator} · content {cover.content_version}"
    # Without a marking in the middle, the versions of a brief of several briefings have room.
    room = third if cover.marking else 2 * third
    versions = _fit(versions, room - 6, ps.RUNNING_SIZE)
    lines.append(_running_line(context.para(versions, styles.running_left), left, footer, room))
    return tuple(lines)


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


def _running_line(paragraph: Any, x: float, baseline: float, width: float) -> _RunningLine:
    """A one-line running paragraph placed with its first baseline at ``baseline``."""
    _, height = paragraph.wrap(width, 40)
    return _RunningLine(paragraph, x, baseline - height + paragraph.style.leading * 0.78)


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Keeps every page until the end, then adds "Page N of M" and the contents."""

    _annotationCount: int  # noqa: N815 - reportlab's counter of link names

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The document is built invariant (its structure and /ID depend on its content alone),
        # which also dates it 2000-01-01. A brief is dated when it is written, or at
        # $SOURCE_DATE_EPOCH for a reproducible file (reportlab's own TimeStamp reads it).
        self._doc._timeStamp = TimeStamp(invariant=False)
        self._pages: list[dict[str, Any]] = []
        self.fyp_page_number: int | None = None
        self.fyp_contents: Contents | None = None
        self.fyp_bookmarks: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()
        self.fyp_page_number = None
        self.fyp_contents = None
        self.fyp_bookmarks = []

    def bookmarkPage(self, key: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        """Note a destination on this page; it is made when the page is written, in :meth:`save`.

        reportlab points a destination at the page it is writing, and this canvas writes no
        page before the end: made now, every heading's bookmark and every contents link would
        lead to the first page.
        """
        self.fyp_bookmarks.append((key, args, kwargs))

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
            for key, args, kwargs in self.fyp_bookmarks:
                super().bookmarkPage(key, *args, **kwargs)
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
