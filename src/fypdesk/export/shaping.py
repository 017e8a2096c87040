"""Complex-script shaping of the brief's paragraphs: HarfBuzz (uharfbuzz) through reportlab.

Devanagari conjuncts and vowel signs, Arabic joining forms and Thai mark stacking need a shaping
engine. reportlab has one (``ParagraphStyle.shaping`` with uharfbuzz installed), but it shapes each
word with the font of the word's first piece: a word such as ``नोट:`` or ``(क्षमता)``, whose
punctuation is in the body font, then draws glyph numbers of one font in another (garbage or
boxes). It would also shape every Latin word of such a paragraph.

:func:`word_shaper` makes the replacement for the function reportlab's paragraphs call to shape
a word (installed by :mod:`~fypdesk.export.reportlab_patches`): it shapes only the pieces in a
shaped font, each with its own font, and leaves the rest as it is. In a right-to-left font, digits
are left out of shaping: HarfBuzz would reverse them with the letters.
Shaped glyphs that have no character of their own (a conjunct such as ``क्ष``, a half form) get a
private-use code from reportlab; :func:`glyph_texts` remembers which characters each stands for,
so that the PDF's text layer (ToUnicode) gives them back when the text is copied or searched.

A paragraph shapes only when its style asks (:class:`~fypdesk.export.pdf_paragraph.BriefParagraph`
does so only for text with a run in a shaped font), so Latin and Chinese paragraphs never pay.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from reportlab.pdfbase import pdfmetrics, ttfonts

_DIGITS = re.compile(r"(\d+)")
#: The private-use codes reportlab gives glyphs outside the font's cmap (none of the script fonts
#: maps a private-use character itself).
_PRIVATE = range(0xE000, 0xF900)
#: Per font face name: private-use code -> the characters its glyph stands for. Like reportlab's
#: own private codes, these live as long as the process's font registry.
_GLYPH_TEXTS: dict[str, dict[int, str]] = {}
#: (font, size, text) -> what :func:`_shape` gives: shaping a word costs about a quarter of a
#: millisecond, and words recur (a language's common words, every export of the same notes). The
#: glyphs depend on nothing else; the piece's colour and the like stay with the piece's own frag.
_SHAPED: dict[tuple[str, float, str], tuple[float, float, str]] = {}
_SHAPED_MAX = 20_000


def glyph_texts(face_name: str) -> dict[int, str]:
    """The characters behind each private-use code of shaped glyphs of font face ``face_name``."""
    return _GLYPH_TEXTS.get(face_name, {})


def available() -> bool:
    """Whether reportlab found uharfbuzz: without it, text is drawn unshaped."""
    return ttfonts.uharfbuzz is not None


def word_shaper(
    shaped: frozenset[str], right_to_left: frozenset[str], shape_piece: Callable[[Any], Any]
) -> Callable[[list[Any]], list[Any]]:
    """A replacement for reportlab's ``shapeFragWord`` that shapes only the pieces of a word in a
    ``shaped`` font, each alone, with ``shape_piece`` (reportlab's: right for a word in one font).

    :mod:`~fypdesk.export.reportlab_patches` installs it, once per process.
    """

    def shape_word(word: list[Any]) -> list[Any]:
        if isinstance(word, ttfonts.ShapedFragWord) or not any(
            _font(frag) in shaped for frag, _ in word[1:]
        ):
            return word
        pieces: list[Any] = []
        change = 0.0  # in the word's width
        for frag, text in word[1:]:
            font = _font(frag)
            if font not in shaped or not text:
                pieces.append((frag, text))
                continue
            parts = _DIGITS.split(text) if font in right_to_left else [text]
            for index, part in enumerate(parts):
                if not part:
                    continue
                if index % 2:  # digits in a right-to-left font
                    pieces.append((frag, part))
                    continue
                key = (font, frag.fontSize, part)
                if key not in _SHAPED:
                    if len(_SHAPED) >= _SHAPED_MAX:
                        _SHAPED.clear()
                    _SHAPED[key] = _shape(shape_piece, frag, part)
                width, shaped_width, glyphs = _SHAPED[key]
                pieces.append((frag, glyphs))
                change += shaped_width - width
        new: list[Any] = ttfonts.makeShapedFragWord(word)([word[0] + change, *pieces])
        return new

    return shape_word


def _shape(shape_piece: Any, frag: Any, text: str) -> tuple[float, float, str]:
    """``text`` in ``frag``'s font shaped alone: its width unshaped, its width shaped, and the
    glyphs (a reportlab ``ShapedStr``, or ``text`` itself if shaping changed nothing)."""
    width = pdfmetrics.stringWidth(text, frag.fontName, frag.fontSize)
    alone = [width, (frag, text)]
    result = shape_piece(alone)
    if result is alone:
        return width, width, text
    _learn(str(frag.fontName), text, result[1:])
    ((_, glyphs),) = result[1:]  # one piece in, one piece out
    return width, float(result[0]), glyphs


def _font(frag: Any) -> str | None:
    """The font of a word's piece; ``None`` for an anchor or other callback piece."""
    return None if hasattr(frag, "cbDefn") else str(frag.fontName)


def _learn(font: str, text: str, pieces: list[tuple[Any, str]]) -> None:
    """Record the characters behind the private-use glyphs of ``text`` shaped into ``pieces``.

    HarfBuzz tells which characters (a cluster) each glyph came from. In a cluster, glyphs with
    a character of their own stand for it; a single private-use glyph stands for the rest. A
    cluster with two private-use glyphs is ambiguous and teaches nothing; the same glyph usually
    turns up alone elsewhere.
    """
    face = pdfmetrics.getFont(font).face.name.decode("latin-1")
    known = _GLYPH_TEXTS.setdefault(face, {})
    for _, glyphs in pieces:
        data = getattr(glyphs, "__shapeData__", None)
        if not data:
            continue
        starts = sorted({item.cluster for item in data})
        ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
        clusters: dict[int, list[str]] = {}
        for glyph, item in zip(glyphs, data, strict=True):
            clusters.setdefault(item.cluster, []).append(glyph)
        for start, members in clusters.items():
            private = [glyph for glyph in members if ord(glyph) in _PRIVATE]
            if len(private) != 1 or ord(private[0]) in known:
                continue
            # Decomposed, as HarfBuzz splits Thai sara am or a Tamil two-part vowel sign.
            rest = list(unicodedata.normalize("NFKD", text[start : ends[start]]))
            for glyph in unicodedata.normalize("NFKD", "".join(members)):
                if glyph in rest:
                    rest.remove(glyph)
            if rest:
                known[ord(private[0])] = unicodedata.normalize("NFC", "".join(rest))
