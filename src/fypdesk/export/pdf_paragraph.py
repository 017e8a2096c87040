"""Paragraphs that cost less to lay out: line breaking kept per width, and plain one-liners.

Platypus measures a flowable many times before it draws it: a table wraps every cell each time it
is measured, split at a page end and measured again, and draws its cells after one more
measurement; ``keepWithNext`` and ``KeepTogether`` measure their group before the frame measures
each member; a note callout is measured on the page where it does not fit and again on the next.
Each measurement of a plain :class:`Paragraph` runs ``breakLines``, the costliest step of a
render. Its result depends only on the available width (the style and text never change), so this
subclass keeps it per width and gives it back on the next measurement.

Many short texts (a note's label and date, a one-line note) need no paragraph at all:
:class:`PlainLine` draws them as a string, in the same place and style.

A paragraph with a run in a script font (Hindi, Arabic, Thai...) is shaped (:mod:`shaping`); all
others are not, which keeps their layout as fast as before. Likewise only a paragraph with
right-to-left text (Hebrew, Arabic, Persian) has its lines reordered for display when drawn
(:mod:`pdf_bidi`), and, if its first strong character is right to left, is right-aligned when
its style ``followsTextDirection`` (a note's body, see :mod:`pdf_styles`).
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.rl_config import _FUZZ

from fypdesk.export.bidi import base_level, has_rtl
from fypdesk.export.font_table import RIGHT_TO_LEFT, SHAPED
from fypdesk.export.pdf_bidi import display_lines
from fypdesk.export.pdf_styles import DerivedStyles, derive

#: A run in a font whose text needs shaping, as :meth:`Fonts.markup` writes it.
_SHAPED_RUN = re.compile('<font name="(?:' + "|".join(sorted(SHAPED)) + ')">')

#: Points kept free at the end of a plain line: text that only just fits stays a paragraph, so a
#: rounding difference can never make a string run past the room a paragraph would wrap in.
_SAFETY = 1.0


class BriefParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """:class:`Paragraph` with its line breaking kept per available width, and bidi lines."""

    # Set by Paragraph.wrap, read by split() and draw().
    blPara: Any  # noqa: N815 - reportlab's names
    _wrapWidths: list[float]  # noqa: N815
    width: float
    height: float
    style: ParagraphStyle

    def __init__(
        self,
        text: Any,
        style: ParagraphStyle,
        *args: Any,
        derived: DerivedStyles | None = None,
        **kwargs: Any,
    ) -> None:
        """``derived`` keeps the shaped and directed variants of ``style`` this paragraph may
        need (the stylesheet's, :attr:`Styles.derived`); without it they are made anew."""
        # A split's second part comes with frags and no text, in the style of the first part.
        if isinstance(text, str) and _SHAPED_RUN.search(text):
            style = _shaping(style, derived)
        super().__init__(text, style, *args, **kwargs)
        if isinstance(text, str) and has_rtl(text):
            # The paragraph's direction goes with its style, so the part a split carries to the
            # next page (made from fragments, not text) keeps it even if it starts with Latin.
            plain = "".join(getattr(frag, "text", "") for frag in self.frags)
            self.style = _directed(self.style, base_level(plain), derived)
        #: available width -> (height, lines, wrap widths) of the last measurement at that width.
        self._wrapped: dict[float, tuple[float, Any, list[float]]] = {}

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Measure at ``avail_width``, breaking the lines only the first time at that width."""
        kept = self._wrapped.get(avail_width) if avail_width >= _FUZZ else None
        if kept is None:
            width, height = super().wrap(avail_width, avail_height)
            if avail_width >= _FUZZ:
                self._wrapped[avail_width] = (height, self.blPara, self._wrapWidths)
            return width, height
        # What Paragraph.wrap would set: split() and draw() read these attributes.
        self.height, self.blPara, self._wrapWidths = kept
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        """Draw the lines, each in display order if the text has right-to-left runs."""
        base: int | None = getattr(self.style, "fypBidiLevel", None)
        if base is None:
            super().draw()
            return
        logical = self.blPara
        self.blPara = display_lines(logical, base, RIGHT_TO_LEFT)
        try:
            super().draw()
        finally:
            self.blPara = logical


def _directed(style: ParagraphStyle, base: int, derived: DerivedStyles | None) -> ParagraphStyle:
    """``style`` for a paragraph with right-to-left text at paragraph level ``base``: its lines
    are reordered when drawn, and right-aligned if ``base`` is 1 and the style follows the text's
    direction."""

    def make() -> ParagraphStyle:
        alignment = style.alignment
        if base and alignment == TA_LEFT and getattr(style, "followsTextDirection", False):
            alignment = TA_RIGHT
        return ParagraphStyle(
            f"{style.name}-bidi{base}", parent=style, alignment=alignment, fypBidiLevel=base
        )

    return derive(derived, "directed", style, base, make)


def _shaping(style: ParagraphStyle, derived: DerivedStyles | None) -> ParagraphStyle:
    """``style`` with shaping on: reportlab then shapes the paragraph's words (:mod:`shaping`)."""
    return derive(
        derived,
        "shaped",
        style,
        None,
        lambda: ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1),
    )


class PlainLine(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Text known to fit on one line, drawn as a string in a paragraph style.

    It looks exactly like a one-line :class:`Paragraph` of that style (same height, same baseline)
    but has no markup to parse and no lines to break. Only for text that
    :meth:`~fypdesk.export.fonts.Fonts.is_plain` accepts and that :func:`fits_one_line` the width
    it will get.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        """One line: the style's leading high."""
        self.width = avail_width
        self.height = self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        """The string on the baseline where a paragraph puts its first line."""
        style = self.style
        self.canv.setFont(style.fontName, style.fontSize, style.leading)
        self.canv.setFillColor(style.textColor)
        x = style.leftIndent + style.firstLineIndent
        self.canv.drawString(x, self.height - style.fontSize, self.text)


def fits_one_line(text: str, style: ParagraphStyle, width: float) -> bool:
    """Whether plain ``text`` (see :meth:`Fonts.is_plain`) fits ``width`` on one line."""
    room = width - style.leftIndent - style.firstLineIndent - style.rightIndent - _SAFETY
    return bool(stringWidth(text, style.fontName, style.fontSize) <= room)
