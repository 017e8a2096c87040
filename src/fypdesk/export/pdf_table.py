"""The targets table of a brief: one row per target, its header repeated on every page.

Most cells are short (a year, a number, a unit, a dash, a citation): the table draws those itself
as plain strings, sparing a paragraph's markup parsing and line breaking per cell; only the others
(long indicators, text needing a fallback font) become paragraphs.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

from fypdesk.export import pdf_styles as ps
from fypdesk.export.document import TargetTable
from fypdesk.export.pdf_pages import TABLE_FONT, RenderContext

#: Share of the frame width per target-table column (they sum to 1).
TABLE_COLUMNS = (
    ("Indicator", 0.255),
    ("Baseline", 0.10),
    ("Year", 0.07),
    ("Target", 0.15),
    ("Year", 0.075),
    ("Unit", 0.13),
    ("Change", 0.165),
    ("Src.", 0.055),
)
#: The target-table columns holding numbers (baseline, target), aligned right.
NUMBER_COLUMNS = (1, 3)
#: Left and right padding inside a table cell.
CELL_PADDING = 3


def story_table(c: RenderContext, table: TargetTable) -> list[Flowable]:
    """A targets table: caption, the grid (its header repeated on every page), footnote."""
    s = c.styles
    widths = [c.width * share for _, share in TABLE_COLUMNS]
    header = [
        _cell(c, name, s.table_head, width)
        for (name, _), width in zip(TABLE_COLUMNS, widths, strict=True)
    ]
    rows: list[list[Any]] = [header]
    for row in table.rows:
        texts = (*row.cells(), f"[{row.citation}]" if row.citation else "")
        rows.append(
            [
                _cell(c, text, s.table_number if column in NUMBER_COLUMNS else s.table_cell, width)
                for column, (text, width) in enumerate(zip(texts, widths, strict=True))
            ]
        )
    grid = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        TABLE_FONT,
        # The look of the cells the table draws as plain strings (see _cell): as their styles say.
        _cell_font(s.table_head, (0, 0), (-1, 0)),
        ("TEXTCOLOR", (0, 0), (-1, 0), s.table_head.textColor),
        _cell_font(s.table_cell, (0, 1), (-1, -1)),
        ("TEXTCOLOR", (0, 1), (-1, -1), s.table_cell.textColor),
        *[("ALIGN", (column, 1), (column, -1), "RIGHT") for column in NUMBER_COLUMNS],
        ("BACKGROUND", (0, 0), (-1, 0), ps.ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, ps.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), ps.ZEBRA) for i in range(2, len(rows), 2)]
    grid.setStyle(TableStyle(commands))
    return [c.para(table.caption, s.caption), grid, c.para(table.footnote, s.footnote)]


def _cell(c: RenderContext, text: str, style: Any, width: float) -> Any:
    """A table cell: ``text`` itself when it fits on one line in the body font, else a paragraph.

    The table draws a string cell in the font, colour and alignment its style commands give,
    at the same baseline as a one-line paragraph of that style, so the page looks the same; but
    a string has no markup to parse and no lines to break, and most cells of a targets table
    (years, numbers, units, dashes, citations) are such strings.
    """
    if c.is_plain_line(text, style, width - 2 * CELL_PADDING):
        return text
    return c.para(text, style)


def _cell_font(style: Any, start: tuple[int, int], stop: tuple[int, int]) -> tuple[Any, ...]:
    return ("FONT", start, stop, style.fontName, style.fontSize, style.leading)
