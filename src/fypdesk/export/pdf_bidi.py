"""Broken paragraph lines put in display order, for paragraphs with right-to-left text.

A paragraph is broken into lines on its text in logical (typed) order, so that the first words of
a Hebrew note are on its first line and every width is measured as drawn. Each line is then
reordered for drawing (:func:`display_lines`), by the bidi algorithm of :mod:`bidi`, on a copy:
the logical lines stay what :meth:`Paragraph.split` cuts at a page end.

A line is a list of fragments, each a piece of text in one font and colour. Reordering works on
its characters, except a piece shaped by HarfBuzz (an Arabic word, already laid out right to left
by the shaper, in display order): that is one unit, moved as a whole and never reversed inside.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.ttfonts import ShapedStr

from fypdesk.export import bidi

#: The cluster reportlab gives a character added to shaped text unshaped (a space, a digit).
_UNSHAPED = 0x7FFFFFFF
#: What stands for a shaped unit where the algorithm looks at characters (brackets only).
_UNIT = "\ufffc"


def display_lines(para_lines: Any, base: int, right_to_left_fonts: frozenset[str]) -> Any:
    """A copy of a paragraph's broken lines (``blPara``) with each line in display order.

    Args:
        para_lines: what ``Paragraph.breakLines`` returned, lines in logical order.
        base: the paragraph level: 1 if it runs right to left, else 0.
        right_to_left_fonts: fonts whose shaped text reads right to left (Arabic).
    """
    lines = [_display_line(line, base, right_to_left_fonts) for line in para_lines.lines]
    return para_lines.clone(lines=lines)


def _display_line(line: Any, base: int, rtl_fonts: frozenset[str]) -> Any:
    """One line in display order: a line of a one-font paragraph is (free width, words)."""
    if isinstance(line, tuple):
        free, words = line
        return (free, [bidi.visual_order(" ".join(words), base)]) if words else line
    return line.clone(words=_display_words(line.words, base, rtl_fonts))


def _display_words(frags: list[Any], base: int, rtl_fonts: frozenset[str]) -> list[Any]:
    """One line's fragments in display order: split, reordered, joined again per fragment.

    Marks with no text that open or close the line (a heading's anchor, the contents entry's
    page-number callback, the end of a ``<br/>`` line) stay first or last: the page number's
    leader dots start where the line's text ends, on its right.
    """
    first = 0
    while first < len(frags) and _is_mark(frags[first]):
        first += 1
    last = len(frags)
    while last > first and _is_mark(frags[last - 1]):
        last -= 1
    units: list[tuple[int, Any, bool]] = []  # (fragment index, text, shaped as a unit)
    chars: list[str] = []
    types: list[str] = []
    for index in range(first, last):
        frag = frags[index]
        if _is_mark(frag):  # an anchor or callback inside the line
            units.append((index, "", False))
            chars.append(_UNIT)
            types.append("BN")
            continue
        shaped_type = "AL" if frag.fontName in rtl_fonts else "L"
        for piece, shaped in _pieces(frag.text):
            units.append((index, piece, shaped))
            chars.append(_UNIT if shaped else piece)
            types.append(shaped_type if shaped else bidi.bidi_class(piece))
    if base == 0 and not any(kind in ("R", "AL", "AN") for kind in types):
        return frags  # a left-to-right line of a paragraph with right-to-left text elsewhere
    levels = bidi.levels(chars, types, base)
    words: list[Any] = frags[:first]
    current = -1
    for position in bidi.display_order(levels):
        index, piece, shaped = units[position]
        if levels[position] % 2 and not shaped:
            piece = bidi.mirror(piece)
        if index == current:
            words[-1].text = words[-1].text + piece  # ShapedStr keeps its glyph positions
        else:
            word = frags[index].clone()
            word.text = piece
            words.append(word)
            current = index
    return words + frags[last:]


def _is_mark(frag: Any) -> bool:
    """Whether ``frag`` draws no text: an anchor, a callback, the break ending a line."""
    return hasattr(frag, "cbDefn") or not getattr(frag, "text", "")


def _pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` as characters, but each run of shaped glyphs as one piece (flagged ``True``)."""
    data = getattr(text, "__shapeData__", None) if isinstance(text, ShapedStr) else None
    if not data:
        return [(char, False) for char in text]
    pieces: list[tuple[str, bool]] = []
    start = None
    for index, item in enumerate(data):
        if item.cluster != _UNSHAPED:
            if start is None:
                start = index
            continue
        if start is not None:
            pieces.append((text[start:index], True))
            start = None
        pieces.append((text[index], False))
    if start is not None:
        pieces.append((text[start:], True))
    return pieces
