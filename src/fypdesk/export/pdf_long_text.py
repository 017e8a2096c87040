"""A note's text as flowables whose layout costs time in proportion to its length.

:mod:`long_text` cuts the text (paragraphs of at most a few thousand characters, shaped words no
wider than a line); this module measures words as a paragraph draws them, in their fonts and
shaped, and makes each piece a flowable. A piece that continues the paragraph before it is
flagged, so that the note callout sets it right under that paragraph, as the next line.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph
from reportlab.platypus.paraparser import ParaFrag

from fypdesk.export import shaping
from fypdesk.export.font_table import REGULAR, SCRIPT_BLOCKS, SHAPED, UPRIGHT
from fypdesk.export.fonts import Fonts
from fypdesk.export.long_text import chunks, cut_long_words
from fypdesk.export.pdf_pages import RenderContext

#: A character drawn in a font that is shaped: only words holding one are cut beforehand, since
#: reportlab cuts the others well itself (filling the line the word starts on).
_SHAPED_RANGES = [block for blocks in SCRIPT_BLOCKS.values() for block in blocks]
_SHAPED_CHAR = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _SHAPED_RANGES) + "]")
#: Points kept free on a line a cut word fills: the pieces are measured with the fonts that
#: :meth:`Fonts.markup` would pick, but joiners and marks may land in a neighbouring run.
_SAFETY = 2.0


def note_paragraphs(
    c: RenderContext, text: str, style: ParagraphStyle, width: float
) -> list[tuple[Any, bool]]:
    """Flowables printing ``text`` (one paragraph, no blank line) verbatim in ``width``.

    Each comes with whether it continues the one before it (a paragraph cut for its length).
    A text of at most :data:`long_text.CHUNK_CHARS` characters and no word wider than a line
    is the one flowable :meth:`RenderContext.line` makes, as before.
    """
    room = width - style.leftIndent - style.rightIndent - max(0.0, style.firstLineIndent) - _SAFETY
    measure = WordWidth(c.fonts, style)
    # No glyph of a shaped script is two ems wide: a word of fewer characters fits.
    shortest = room / (2 * style.fontSize)

    def wanted(word: str) -> bool:
        return len(word) > shortest and _SHAPED_CHAR.search(word) is not None

    text = cut_long_words(text, measure, room, advance=measure.advance, wanted=wanted)
    pieces = [piece for piece in chunks(text) if piece.strip()]
    return [
        (c.line(piece, style, width, keep_lines=True), index > 0)
        for index, piece in enumerate(pieces)
    ]


class WordWidth:
    """The width of a word (no whitespace) in a paragraph style, as the paragraph draws it:
    each character in the font :meth:`Fonts.markup` gives it, runs in a shaped font shaped."""

    def __init__(self, fonts: Fonts, style: ParagraphStyle) -> None:
        self._fonts = fonts
        self._font = style.fontName
        self._size = style.fontSize
        self._fonts_of: dict[str, str] = {}
        self._advances: dict[str, float] = {}

    def advance(self, char: str) -> float:
        """The width of ``char`` alone, unshaped."""
        width = self._advances.get(char)
        if width is None:
            width = self._advances[char] = float(stringWidth(char, self._font_of(char), self._size))
        return width

    def _font_of(self, char: str) -> str:
        font = self._fonts_of.get(char)
        if font is None:
            found = self._fonts.font_for(char)
            font = self._font if found == REGULAR else (found or UPRIGHT)
            self._fonts_of[char] = font
        return font

    def __call__(self, word: str) -> float:
        runs: list[tuple[str, str]] = []
        start = 0
        current = self._font_of(word[0]) if word else self._font
        for index in range(1, len(word)):
            font = self._font_of(word[index])
            if font != current:
                runs.append((current, word[start:index]))
                start, current = index, font
        runs.append((current, word[start:]))
        plain = sum(stringWidth(run, font, self._size) for font, run in runs)
        if not shaping.available() or not any(font in SHAPED for font, _ in runs):
            return float(plain)
        frags = [(ParaFrag(fontName=font, fontSize=self._size), run) for font, run in runs]
        shaped: list[Any] = paragraph.shapeFragWord([plain, *frags])
        return float(shaped[0])
