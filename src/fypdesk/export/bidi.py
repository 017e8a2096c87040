"""The Unicode Bidirectional Algorithm (UAX #9) for one line at a time: levels and display order.

reportlab draws characters left to right in the order given. Right-to-left text (Hebrew, Arabic,
Persian) must therefore be put in display order, and only once a paragraph is broken into lines:
reversed before line breaking, a note's last words land on its first line.
:mod:`~fypdesk.export.pdf_bidi` breaks lines on text in logical (typed) order and then asks this
module for each line's display order.

What is implemented: the paragraph direction from the first strong character (P2, P3); weak types
(W1-W7); paired brackets (N0, BD16), so that ``(...)`` around a right-to-left phrase stays with it;
neutrals (N1, N2); implicit levels (I1, I2); trailing white space at the paragraph's level (L1);
reversal (L2) and mirrored brackets (L4). Explicit embeddings, overrides and isolates (U+202A-E,
U+2066-9) are not honoured: they are treated like the other invisible format characters (X9),
which keep the level of the character before them. Notes hardly ever contain them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: Strong right-to-left characters (Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan..., their
#: presentation forms, RTL historic scripts) and the right-to-left marks and controls.
_RTL = re.compile(
    "[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufefc"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_STRONG = frozenset({"L", "R", "AL"})
#: Types the W and N rules see through (X9 removes them): invisible formatting characters.
_REMOVED = frozenset({"BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_NEUTRAL = frozenset({"B", "S", "WS", "ON"})

#: Mirrored glyphs (BidiMirroring.txt), the common ones: brackets, quotes, comparison signs.
_PAIRS = "()[]{}<>«»‹›⁅⁆⁽⁾₍₎≤≥≪≫⟨⟩⟦⟧〈〉《》「」『』【】〔〕〖〗〘〙〚〛（）［］｛｝＜＞｟｠｢｣"
_MIRROR = dict(zip(_PAIRS[::2], _PAIRS[1::2], strict=True)) | dict(
    zip(_PAIRS[1::2], _PAIRS[::2], strict=True)
)
#: Paired brackets (BidiBrackets.txt): opening -> closing. Not ``<>``, ``«»``, ``≤≥``.
_BRACKETS = {
    open_: close
    for open_, close in zip(_PAIRS[::2], _PAIRS[1::2], strict=True)
    if open_ not in "<«‹≤≪＜"
}
_CLOSING = {close: open_ for open_, close in _BRACKETS.items()}
#: BD16: at most this many brackets open at once; deeper nesting stops the pairing.
_MAX_BRACKET_DEPTH = 63


def has_rtl(text: str) -> bool:
    """Whether ``text`` has a right-to-left character: whether it needs this module at all."""
    return _RTL.search(text) is not None


def bidi_class(char: str) -> str:
    """The bidi class of ``char``; an unassigned character counts as left to right."""
    return unicodedata.bidirectional(char) or "L"


def base_level(text: str) -> int:
    """The paragraph level of ``text`` (P2, P3): 1 if its first strong character is right to left,
    else 0 (also when it has none)."""
    for char in text:
        kind = bidi_class(char)
        if kind in _STRONG:
            return 0 if kind == "L" else 1
    return 0


def mirror(char: str) -> str:
    """``char``'s mirror image if it has one (a bracket at a right-to-left level), else itself."""
    return _MIRROR.get(char, char)


def levels(chars: Sequence[str], types: Sequence[str], base: int) -> list[int]:
    """The embedding level of each character of one line.

    Args:
        chars: the line's characters in logical order; only brackets are looked at (N0). A
            caller may pass a placeholder for a piece drawn as a unit.
        types: each character's bidi class (:func:`bidi_class`, or a caller's own for a unit).
        base: the paragraph level, 0 (left to right) or 1.
    """
    present = set(types)
    # The common lines, at once: text of one direction, with no number against it.
    if base == 0 and present.isdisjoint(("R", "AL", "AN")):
        return [0] * len(types)
    if base == 1 and present.isdisjoint(("L", "EN", "AN")):
        return [1] * len(types)
    kept = [index for index, kind in enumerate(types) if kind not in _REMOVED]
    resolved = _resolve([types[i] for i in kept], [chars[i] for i in kept], base)
    result = [base] * len(types)
    previous = base
    position = 0
    for index, kind in enumerate(types):
        if kind in _REMOVED:
            result[index] = previous  # X9: kept with the character before, as ZWNJ in a word
        else:
            result[index] = previous = resolved[position]
            position += 1
    # L1: white space (and invisible characters) at the end of the line go to the paragraph level.
    for index in range(len(types) - 1, -1, -1):
        if types[index] not in _REMOVED and types[index] not in ("WS", "S", "B"):
            break
        result[index] = base
    for index, kind in enumerate(types):
        if kind in ("S", "B"):  # a tab or separator, and the white space before it
            result[index] = base
            back = index - 1
            while back >= 0 and types[back] in _REMOVED | {"WS"}:
                result[back] = base
                back -= 1
    return result


def display_order(line_levels: Sequence[int]) -> list[int]:
    """L2: the logical indices of a line in display (left to right) order."""
    order = list(range(len(line_levels)))
    if not line_levels:
        return order
    highest = max(line_levels)
    lowest_odd = min(line_levels) | 1
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if line_levels[order[index]] < level:
                index += 1
                continue
            end = index
            while end < len(order) and line_levels[order[end]] >= level:
                end += 1
            order[index:end] = order[index:end][::-1]
            index = end
    return order


def visual_order(text: str, base: int | None = None) -> str:
    """One line of plain text in display order, brackets mirrored where they run right to left.

    Args:
        text: the line, in logical order.
        base: the paragraph level; by default that of ``text`` itself (:func:`base_level`).
    """
    if not has_rtl(text):
        return text
    if base is None:
        base = base_level(text)
    line_levels = levels(text, [bidi_class(char) for char in text], base)
    return "".join(
        mirror(text[i]) if line_levels[i] % 2 else text[i] for i in display_order(line_levels)
    )


def _resolve(types: list[str], chars: list[str], base: int) -> list[int]:
    """Rules W1-I2 on one level run (the whole line: no explicit embeddings)."""
    sos = "R" if base % 2 else "L"
    original = types
    types = list(types)
    previous = sos
    for index, kind in enumerate(types):  # W1, W2, W3
        if kind == "NSM":
            kind = types[index] = types[index - 1] if index else sos
        if kind in _STRONG:
            previous = kind
        if kind == "EN" and previous == "AL":
            types[index] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]
    for index in range(1, len(types) - 1):  # W4: one separator between two numbers
        before, kind, after = types[index - 1], types[index], types[index + 1]
        if before == after == "EN" and kind in ("ES", "CS"):
            types[index] = "EN"
        elif before == after == "AN" and kind == "CS":
            types[index] = "AN"
    _terminators_next_to_numbers(types)  # W5
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    previous = sos
    for index, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            previous = kind
        elif kind == "EN" and previous == "L":
            types[index] = "L"
    _paired_brackets(types, original, chars, base, sos)  # N0
    _neutrals(types, base, sos)  # N1, N2
    result = []
    for kind in types:  # I1, I2
        if base % 2 == 0:
            result.append(base + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0))
        else:
            result.append(base + (1 if kind in ("L", "EN", "AN") else 0))
    return result


def _terminators_next_to_numbers(types: list[str]) -> None:
    """W5: a sequence of European terminators (``%``, ``$``) next to a European number joins it."""
    index = 0
    while index < len(types):
        if types[index] != "ET":
            index += 1
            continue
        end = index
        while end < len(types) and types[end] == "ET":
            end += 1
        if (index > 0 and types[index - 1] == "EN") or (end < len(types) and types[end] == "EN"):
            types[index:end] = ["EN"] * (end - index)
        index = end


def _strong(kind: str) -> str | None:
    """A type as N0 and N1 see it: numbers count as right to left."""
    return "L" if kind == "L" else "R" if kind in ("R", "EN", "AN") else None


def _paired_brackets(
    types: list[str], original: list[str], chars: list[str], base: int, sos: str
) -> None:
    """N0: a bracket pair takes the direction of the text it encloses or, if that text runs
    against the paragraph, of the text before it; marks on a bracket follow it."""
    embedding = "R" if base % 2 else "L"
    for opening, closing in _bracket_pairs(types, chars):
        inside = {_strong(kind) for kind in types[opening + 1 : closing]} - {None}
        if not inside:
            continue
        if embedding in inside:
            direction = embedding
        else:  # only text against the paragraph inside: the pair follows the text before it
            direction = next(
                (s for s in map(_strong, reversed(types[:opening])) if s is not None), sos
            )
        for bracket in (opening, closing):
            types[bracket] = direction
            mark = bracket + 1
            while mark < len(types) and original[mark] == "NSM":
                types[mark] = direction
                mark += 1


def _bracket_pairs(types: list[str], chars: list[str]) -> list[tuple[int, int]]:
    """BD16: the bracket pairs of a line, by position of the opening bracket."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for index, char in enumerate(chars):
        if types[index] != "ON":
            continue
        if char in _BRACKETS:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((_BRACKETS[char], index))
        elif char in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], index))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _neutrals(types: list[str], base: int, sos: str) -> None:
    """N1, N2: a run of neutrals between text of one direction takes it; else the paragraph's."""
    embedding = "R" if base % 2 else "L"
    index = 0
    while index < len(types):
        if types[index] not in _NEUTRAL:
            index += 1
            continue
        end = index
        while end < len(types) and types[end] in _NEUTRAL:
            end += 1
        before = _strong(types[index - 1]) if index else sos
        after = _strong(types[end]) if end < len(types) else sos  # eos: the paragraph's level
        direction = before if before == after and before is not None else embedding
        types[index:end] = [direction] * (end - index)
        index = end
