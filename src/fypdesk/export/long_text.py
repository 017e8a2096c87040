"""Long note text cut into pieces that page layout handles in linear time.

reportlab lays a paragraph out again from its first remaining word whenever it is measured or
split, and a paragraph split at a page end leaves a new paragraph holding the whole rest: a note
of ``n`` characters on ``n / 4000`` pages cost time in ``n²`` (a megabyte took minutes). Cut into
:func:`chunks` of at most :data:`CHUNK_CHARS` characters, each laid out once, a note costs time
in ``n`` whatever its length. A chunk ends, in order of preference, at a line break the note
already has (nothing changes on the page), at the end of a sentence, at a space, or else between
two characters that :func:`can_cut` allows; a note shorter than a chunk is left whole, as before.

A word wider than a line is cut by reportlab into line-wide pieces by the widths of its
characters, which is wrong for shaped text (Bengali, Hindi, Thai): the shaped pieces no longer
fit, a conjunct is cut in two, and a split at a page end can fail outright. :func:`cut_long_words`
cuts such words beforehand, at :func:`can_cut` boundaries, into pieces that each fit a line as
drawn (the caller measures them), separated by line breaks.

Pure text: nothing here knows reportlab.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

#: The most characters one paragraph of a note holds. About a page of Latin text: splitting a
#: paragraph at a page end then costs at most this much layout again.
CHUNK_CHARS = 4000

#: Characters a cut never goes before: joiners, and vowels that join the consonant before them
#: though their category is a letter (Thai and Lao sara am); skin-tone modifiers of an emoji.
_NO_CUT_BEFORE = frozenset(
    "\u200c\u200d\u0e33\u0eb3" + "".join(chr(code) for code in range(0x1F3FB, 0x1F400))
)
#: Characters a cut never goes after: joiners (a virama is found by its combining class).
_NO_CUT_AFTER = frozenset("\u200c\u200d")
_VIRAMA = 9  # the canonical combining class of every virama (halant, pulli, phinthu)

#: The end of a sentence: a full stop, question or exclamation mark (Latin, CJK, Devanagari
#: danda), closing quotes or brackets, then the whitespace after it.
_SENTENCE_END = re.compile(r"[.!?。！？।॥][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\S+")


def can_cut(text: str, index: int) -> bool:
    """Whether ``text`` may be cut before ``text[index]`` without breaking a grapheme cluster.

    Never before a combining mark (a vowel sign, a nukta, a variation selector) or a joiner,
    never after a virama (inside a conjunct such as ``ক্ষ``) or a joiner.
    """
    if index <= 0 or index >= len(text):
        return False
    char, before = text[index], text[index - 1]
    return not (
        unicodedata.category(char).startswith("M")
        or char in _NO_CUT_BEFORE
        or before in _NO_CUT_AFTER
        or unicodedata.combining(before) == _VIRAMA
    )


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """``text`` (one paragraph of a note) as consecutive pieces of at most ``limit`` characters.

    Joined again, with a line break where one was cut at and a space where one was cut at a
    space, the pieces give back ``text``; text no longer than ``limit`` is the one piece.
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end, resume = _chunk_end(text, start, start + limit)
        pieces.append(text[start:end])
        start = resume
    pieces.append(text[start:])
    return pieces


def _chunk_end(text: str, start: int, stop: int) -> tuple[int, int]:
    """Where the chunk starting at ``start`` ends (``<= stop``), and where the next one starts.

    Only the second half of the window is searched, so that no chunk is very short.
    """
    low = start + (stop - start) // 2
    newline = text.rfind("\n", low, stop)
    if newline >= 0:
        return newline, newline + 1
    sentence = _last(_SENTENCE_END, text, low, stop)
    if sentence is not None:  # the chunk keeps the full stop; the space after it goes
        return sentence.start() + len(sentence.group(0).rstrip()), sentence.end()
    space = _last(_SPACE, text, low, stop)
    if space is not None:
        return space.start(), space.end()
    for index in range(stop, low, -1):
        if can_cut(text, index):
            return index, index
    return stop, stop  # no boundary in half a chunk: not text that any script writes


def _last(pattern: re.Pattern[str], text: str, start: int, stop: int) -> re.Match[str] | None:
    """The last match of ``pattern`` in ``text[start:stop]``."""
    last = None
    for last in pattern.finditer(text, start, stop):  # noqa: B007 - the last one is wanted
        pass
    return last


def cut_long_words(
    text: str,
    width: Callable[[str], float],
    room: float,
    *,
    advance: Callable[[str], float] | None = None,
    wanted: Callable[[str], bool] = lambda _word: True,
) -> str:
    """``text`` with every word (a run without whitespace) wider than ``room`` cut into pieces
    that are not, each on a line of its own.

    Args:
        text: a note's text.
        width: the width of a piece of text as a paragraph draws it.
        room: the width of a line.
        advance: the width of one character alone, a cheap guess (default: ``width``).
        wanted: which long words to cut; the others are left to the paragraph.
    """
    parts: list[str] = []
    done = 0
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        if not wanted(word) or not _wider(word, width, room):
            continue
        pieces = _line_pieces(word, width, room, advance or width)
        parts += [text[done : match.start()], "\n".join(pieces)]
        done = match.end()
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _wider(word: str, width: Callable[[str], float], room: float) -> bool:
    """Whether ``word`` is wider than ``room``, measuring longer and longer beginnings of it: a
    word of a megabyte is not shaped whole to learn that a line does not hold it."""
    length = 256
    while length < len(word):
        if width(word[:length]) > room:
            return True
        length *= 4
    return width(word) > room


def _line_pieces(
    word: str, width: Callable[[str], float], room: float, advance: Callable[[str], float]
) -> list[str]:
    """``word`` cut at cluster boundaries into pieces each about as wide as fits ``room``.

    Each piece is guessed from the characters' own advances, scaled by how the last piece's
    measured width compared with its advances (shaping joins and narrows letters), then
    measured, and shortened in proportion until it fits: about one measurement per line.
    """
    pieces: list[str] = []
    start = 0
    scale = 1.0  # measured width / sum of advances, as the last piece had it
    while start < len(word):
        total = 0.0
        end = start
        while end < len(word):
            step = advance(word[end]) * scale
            if total + step > room and end > start:
                break
            total += step
            end += 1
        end = _boundary(word, start, end)
        measured = width(word[start:end])
        if measured <= room * 0.97 and end < len(word):  # room left: one longer try
            target = start + int((end - start) * room / max(measured, 1e-3) * 0.99)
            longer = _boundary(word, start, target)
            if longer > end:
                longer_width = width(word[start:longer])
                if longer_width <= room:
                    end, measured = longer, longer_width
        while measured > room:  # too wide: shorter in proportion, until it fits
            target = start + int((end - start) * room / measured * 0.98)
            shorter = _boundary(word, start, min(target, end - 1))
            if shorter >= end:
                break  # a single cluster wider than a line: it has the line to itself
            end, measured = shorter, width(word[start:shorter])
        advances = sum(map(advance, word[start:end]))
        if advances > 0 and measured > 0:
            scale = measured / advances
        pieces.append(word[start:end])
        start = end
    return pieces


#: How far a cut looks for a cluster boundary: runs of more combining marks than this are not
#: text any script writes, and may be cut anywhere.
_CLUSTER_REACH = 32


def _boundary(word: str, start: int, end: int) -> int:
    """The last cut position at or before ``end`` that leaves a cluster after ``start``; the
    first one after ``start`` if there is none (a piece holds at least one cluster)."""
    if end >= len(word):
        return len(word)
    for index in range(end, max(start, end - _CLUSTER_REACH), -1):
        if can_cut(word, index):
            return index
    if end - _CLUSTER_REACH > start:
        return end
    return _next_boundary(word, start)


def _next_boundary(word: str, index: int) -> int:
    """The first cut position after ``index`` (or the word's end, or a cut well after it)."""
    for position in range(index + 1, min(len(word), index + 1 + _CLUSTER_REACH)):
        if can_cut(word, position):
            return position
    return min(len(word), index + 1 + _CLUSTER_REACH)
