"""The brief's look: page geometry, colours and the one stylesheet every flowable draws from.

All layout constants live here so a change of margin or colour is one edit, and the renderer's
story functions never carry magic numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from fypdesk.domain.brief import Paper
from fypdesk.export.font_table import BOLD, ITALIC, REGULAR

PAGE_SIZES: dict[Paper, tuple[float, float]] = {Paper.A4: A4, Paper.LETTER: LETTER}

# Page geometry (points). The header and footer sit in the margins, clear of the frame.
MARGIN_LEFT = 22 * mm
MARGIN_RIGHT = 22 * mm
MARGIN_TOP = 26 * mm
MARGIN_BOTTOM = 24 * mm
HEADER_OFFSET = 14 * mm  # header baseline, down from the top edge
FOOTER_OFFSET = 12 * mm  # footer baseline, up from the bottom edge
RUNNING_SIZE = 7.5
ITEM_INDENT = 5 * mm  # per nesting level of an item
NOTE_PADDING = 2.2 * mm
NOTE_GAP = 2.0  # between a note's label, paragraphs and tags
NOTE_INDENT = 4 * mm  # the callout's left edge, in from the text's
NOTE_RULE = 2.2  # the callout's left bar
CHART_HEIGHT_PER_BAR = 13 * mm

# Colours: one accent for structure, amber for the user's own notes so they never read as policy.
INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#5b6470")
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#c9d1da")
ZEBRA = colors.HexColor("#f1f4f8")
NOTE_FILL = colors.HexColor("#fff4d1")
NOTE_BAR = colors.HexColor("#d79a00")
NOTE_INK = colors.HexColor("#5a3d00")
MARKING = colors.HexColor("#a1261d")
BASELINE_BAR = colors.HexColor("#9fb3c8")
TARGET_BAR = ACCENT

BODY_SIZE = 9.6
BODY_LEADING = 13.4


class DerivedStyles:
    """Styles made from a stylesheet's own as paragraphs ask for them (indented to an item's
    depth, shaped, in a text direction, a contents entry's), each made once and then reused.

    One per stylesheet (:attr:`Styles.derived`), so owned by whoever owns the stylesheet (a
    :class:`~fypdesk.export.pdf.PdfRenderer`) and gone with it: it holds at most the
    stylesheet's styles times the variants briefs use (item depths, two text directions),
    however many briefs are rendered. Not for use from two threads at once.
    """

    def __init__(self) -> None:
        self._made: dict[tuple[str, ParagraphStyle, object], ParagraphStyle] = {}

    def get(
        self,
        kind: str,
        style: ParagraphStyle,
        variant: object,
        make: Callable[[], ParagraphStyle],
    ) -> ParagraphStyle:
        """The ``kind`` of ``style`` for ``variant``: ``make()`` the first time, then the same."""
        key = (kind, style, variant)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = make()
        return made

    def __len__(self) -> int:
        return len(self._made)


def derive(
    derived: DerivedStyles | None,
    kind: str,
    style: ParagraphStyle,
    variant: object,
    make: Callable[[], ParagraphStyle],
) -> ParagraphStyle:
    """:meth:`DerivedStyles.get`, or a new style each time when there is no ``derived``."""
    return make() if derived is None else derived.get(kind, style, variant, make)


@dataclass(frozen=True, slots=True)
class Styles:
    """Every paragraph style of a brief, and the styles made from them (:attr:`derived`)."""

    body: ParagraphStyle
    lead: ParagraphStyle
    intro: ParagraphStyle
    headings: tuple[ParagraphStyle, ...]
    item_title: ParagraphStyle
    item_alone: ParagraphStyle
    item_text: ParagraphStyle
    fact: ParagraphStyle
    note_label: ParagraphStyle
    note_body: ParagraphStyle
    note_meta: ParagraphStyle
    table_head: ParagraphStyle
    table_cell: ParagraphStyle
    table_number: ParagraphStyle
    caption: ParagraphStyle
    footnote: ParagraphStyle
    source: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_meta: ParagraphStyle
    cover_marking: ParagraphStyle
    cover_small: ParagraphStyle
    toc_title: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]
    running_left: ParagraphStyle
    running_centre: ParagraphStyle
    running_right: ParagraphStyle
    running_marking: ParagraphStyle
    derived: DerivedStyles = field(default_factory=DerivedStyles, compare=False, repr=False)

    def indented(self, style: ParagraphStyle, depth: int) -> ParagraphStyle:
        """``style`` moved right for an item ``depth`` levels down."""
        if depth == 0:
            return style
        return self.derived.get(
            "indented",
            style,
            depth,
            lambda: ParagraphStyle(
                f"{style.name}-{depth}",
                parent=style,
                leftIndent=style.leftIndent + depth * ITEM_INDENT,
            ),
        )


def build_styles() -> Styles:
    """The stylesheet. Every style is in the bundled fonts; none names a standard PDF font."""
    # splitLongWords lets a URL or a long unbroken token wrap instead of running off the page.
    base = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        textColor=INK,
        spaceAfter=4,
        splitLongWords=True,
        alignment=TA_LEFT,
    )

    def style(name: str, **overrides: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **overrides)

    headings = (
        style(
            "h0",
            fontName=BOLD,
            fontSize=17,
            leading=21,
            textColor=ACCENT,
            spaceBefore=4,
            spaceAfter=8,
            keepWithNext=True,
        ),
        style(
            "h1",
            fontName=BOLD,
            fontSize=12.5,
            leading=16,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=True,
        ),
        style(
            "h2",
            fontName=BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=True,
        ),
    )
    small = {"fontSize": 8.2, "leading": 10.6}
    return Styles(
        body=base,
        lead=style(
            "lead", fontName=ITALIC, fontSize=10.4, leading=14.6, spaceAfter=8, textColor=ACCENT
        ),
        intro=style("intro", textColor=MUTED, spaceAfter=5),
        headings=headings,
        item_title=style("item-title", fontName=BOLD, spaceBefore=4, spaceAfter=0),
        item_alone=style("item-alone", fontName=BOLD, spaceBefore=4, spaceAfter=2),
        item_text=style("item-text", spaceBefore=0, spaceAfter=2),
        fact=style("fact", leftIndent=3 * mm, textColor=INK, spaceAfter=2),
        note_label=style(
            "note-label",
            fontName=BOLD,
            textColor=NOTE_INK,
            spaceAfter=0,
            **small,
        ),
        note_body=style(
            "note-body",
            textColor=INK,
            spaceAfter=0,
            # Ours (BriefParagraph): a note whose first letter is right to left (Hebrew,
            # Arabic) is right-aligned, as its readers expect.
            followsTextDirection=True,
        ),
        note_meta=style(
            "note-meta",
            textColor=NOTE_INK,
            spaceAfter=0,
            **small,
        ),
        table_head=style(
            "table-head", fontName=BOLD, textColor=colors.white, spaceAfter=0, **small
        ),
        table_cell=style("table-cell", spaceAfter=0, **small),
        table_number=style("table-number", spaceAfter=0, alignment=TA_RIGHT, **small),
        caption=style("caption", fontName=BOLD, spaceBefore=4, spaceAfter=4, keepWithNext=True),
        footnote=style(
            "footnote", textColor=MUTED, spaceBefore=3, spaceAfter=10, fontSize=7.4, leading=9.4
        ),
        source=style("source", leftIndent=8 * mm, firstLineIndent=-8 * mm, spaceAfter=4, **small),
        cover_title=style(
            "cover-title", fontName=BOLD, fontSize=26, leading=32, textColor=ACCENT, spaceAfter=10
        ),
        cover_subtitle=style(
            "cover-subtitle", fontSize=15, leading=20, textColor=INK, spaceAfter=24
        ),
        cover_meta=style("cover-meta", fontSize=11, leading=16, spaceAfter=2),
        cover_marking=style(
            "cover-marking",
            fontName=BOLD,
            fontSize=11,
            leading=14,
            textColor=MARKING,
            alignment=TA_CENTER,
        ),
        cover_small=style("cover-small", textColor=MUTED, **small),
        toc_title=style(
            "toc-title", fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT, spaceAfter=12
        ),
        toc_levels=(
            style(
                "toc0",
                fontName=BOLD,
                fontSize=10.4,
                leading=14,
                spaceBefore=6,
                spaceAfter=0,
                leftIndent=0,
                firstLineIndent=0,
                rightIndent=10 * mm,
            ),
            style(
                "toc1",
                fontSize=9.4,
                leading=12.6,
                spaceBefore=0,
                spaceAfter=0,
                leftIndent=7 * mm,
                firstLineIndent=0,
                rightIndent=10 * mm,
            ),
        ),
        running_left=style(
            "running-left", fontSize=RUNNING_SIZE, leading=9, textColor=MUTED, spaceAfter=0
        ),
        running_centre=style(
            "running-centre",
            fontName=BOLD,
            fontSize=RUNNING_SIZE,
            leading=9,
            textColor=MARKING,
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        running_right=style(
            "running-right",
            fontSize=RUNNING_SIZE,
            leading=9,
            textColor=MUTED,
            alignment=TA_RIGHT,
            spaceAfter=0,
        ),
        running_marking=style(
            "running-marking",
            fontName=BOLD,
            fontSize=RUNNING_SIZE,
            leading=9,
            textColor=MARKING,
            alignment=TA_RIGHT,
            spaceAfter=0,
        ),
    )
