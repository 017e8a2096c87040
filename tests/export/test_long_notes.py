"""Long notes in the PDF (issue 13): a note of any length, and a word of any length, exports.

Laying a note out cost time in the square of its length (a megabyte took minutes), and a Hindi or
Bengali word longer than a line made every export fail with ``LayoutError``. The layout's cost is
checked by counting the characters reportlab breaks into lines, never by timing.
"""

from __future__ import annotations

import collections
import io
import random
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus.paragraph import Paragraph

from fypdesk.domain.brief import Annotations, BriefNote, BriefScope, BriefSpec
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.long_text import CHUNK_CHARS, can_cut, chunks, cut_long_words
from tests.export.brief_samples import render, squash
from tests.export.test_complex_scripts import drawn, in_font

#: One plan keeps each brief small: the note is what is measured.
SPEC = BriefSpec(scope=BriefScope(plans=("ict",)))
#: Words of 30,000 letters with conjuncts and vowel signs, which reportlab cut wrongly.
HINDI_WORD = "प्रौद्योगिकीविश्वविद्यालय" * 1154
BENGALI_WORD = "বিশ্ববিদ্যালয়প্রযুক্তি" * 1305
_VOCABULARY = ("policy", "capacity", "of", "the", "industrial", "5G", "coverage", "targets", "and")
_PAGE_NUMBER = re.compile(r"Page \d+ of \d+")


def _brief(content: BriefContent, body: str) -> bytes:
    return render(compose(SPEC, content, Annotations(notes=(BriefNote("ict", body),))))


def _latin(size: int, seed: int) -> str:
    """About ``size`` characters of numbered words (so that any misplaced piece shows), with
    line breaks and blank lines now and then."""
    rnd = random.Random(seed)
    words: list[str] = []
    length = 0
    while length < size:
        word = f"{rnd.choice(_VOCABULARY)}{len(words)}"
        end = rnd.choices((" ", "\n", "\n\n", ". "), weights=(200, 2, 1, 10))[0]
        words.append(word + end)
        length += len(word) + len(end)
    return "".join(words).strip()


def _page_texts(pdf: bytes) -> Iterator[str]:
    """Each body page's text without its running header and footer."""
    for page in PdfReader(io.BytesIO(pdf)).pages[1:]:
        lines = page.extract_text().split("\n")[2:]  # the title and the versions line
        yield "\n".join(line for line in lines if not _PAGE_NUMBER.fullmatch(line))


def _letters(text: str, script: str) -> collections.Counter[str]:
    """The characters of ``text`` whose Unicode name starts with ``script``."""
    return collections.Counter(c for c in text if unicodedata.name(c, "").startswith(script))


def test_a_long_note_prints_every_character_in_order(content: BriefContent) -> None:
    """A note of a few hundred kilobytes, with a run of Latin letters and one of Chinese
    characters longer than a page, and a Hindi word longer than a page in the middle."""
    unspaced = "".join(chr(ord("a") + i % 26) for i in range(20_000))
    chinese = "".join(chr(0x4E00 + (i * 7) % 2000) for i in range(8_000))
    before = f"{_latin(150_000, 1)} {unspaced}\n{chinese}"
    after = f"{chinese[::-1]}\n\n{_latin(150_000, 2)}"
    pdf = _brief(content, f"{before}\n\n{HINDI_WORD}\n\n{after}")
    text = squash("".join(_page_texts(pdf)))
    start = text.index(squash(before))
    middle = text[start + len(squash(before)) :]
    end = middle.index(squash(after))
    # The Hindi word's letters are all there; shaped text is drawn (and extracted) in visual
    # order inside a cluster (the short i before its consonant), so they are counted.
    assert _letters(middle[:end], "DEVANAGARI") == _letters(HINDI_WORD, "DEVANAGARI")
    assert set(middle[:end]) <= set(HINDI_WORD)


@pytest.mark.parametrize(
    ("word", "font"),
    [(HINDI_WORD, "NotoSansDevanagari-Regular"), (BENGALI_WORD, "NotoSansBengali-Regular")],
    ids=["devanagari", "bengali"],
)
def test_a_word_longer_than_a_page_exports(content: BriefContent, word: str, font: str) -> None:
    """The word is cut between clusters over lines and pages; the note goes on after it."""
    pdf = _brief(content, f"Before {word} after the word.")
    reader = PdfReader(io.BytesIO(pdf))
    pages = [index for index in range(len(reader.pages)) if in_font(drawn(reader, index), font)]
    assert len(pages) >= 5
    for index in pages:
        assert [glyph for glyph in drawn(reader, index) if glyph.code == 0] == []
    text = squash("".join(_page_texts(pdf)))
    assert "Before" in text
    assert "aftertheword." in text
    assert text.index("Before") < text.index("aftertheword.")


def test_a_long_tag_exports(content: BriefContent) -> None:
    """A tag is printed with the note's date: the same cutting applies to it."""
    note = BriefNote("ict", "Short note.", (BENGALI_WORD,))
    pdf = render(compose(SPEC, content, Annotations(notes=(note,))))
    assert "Shortnote." in squash("".join(_page_texts(pdf)))


def _characters_laid_out(
    monkeypatch: pytest.MonkeyPatch, content: BriefContent, body: str | None
) -> int:
    """How many characters reportlab breaks into lines to render a brief with note ``body``."""
    counted = [0]
    original = Paragraph.breakLines

    def counting(self: Any, width: Any) -> Any:
        # A paragraph's text, or the words of the part a split carried over.
        for frag in self.frags:
            counted[0] += len(getattr(frag, "text", "")) + sum(map(len, getattr(frag, "words", ())))
        return original(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    notes = () if body is None else (BriefNote("ict", body),)
    render(compose(SPEC, content, Annotations(notes=notes)))
    monkeypatch.setattr(Paragraph, "breakLines", original)
    return counted[0]


def test_layout_work_grows_in_proportion_to_a_note(
    monkeypatch: pytest.MonkeyPatch, content: BriefContent
) -> None:
    """Four times the note, about four times the characters laid out (it was thirteen times:
    every page laid the whole rest of the note out again)."""
    without = _characters_laid_out(monkeypatch, content, None)
    body = _latin(160_000, 3).replace("\n", " ")  # one paragraph: the worst case
    small = _characters_laid_out(monkeypatch, content, body[:40_000]) - without
    large = _characters_laid_out(monkeypatch, content, body) - without
    assert small > 30_000  # the note itself, bar its spaces
    assert 3.5 < large / small < 5, (small, large)


# -- the text cutting itself -------------------------------------------------------------------


def test_cutting_a_long_word_measures_each_character_a_few_times() -> None:
    """Measuring (shaping) costs in proportion to what is measured: a word four times longer
    costs four times as much, whatever its length, and a few lines' worth per line."""
    measured = [0]

    def width(text: str) -> float:
        measured[0] += len(text)
        return _fake_width(text)

    costs = []
    for size in (5_000, 20_000):
        measured[0] = 0
        cut_long_words(BENGALI_WORD[:size], width, 300.0)
        costs.append(measured[0])
    assert costs[0] < 4 * 5_000
    assert 3.5 < costs[1] / costs[0] < 4.5, costs


#: Text made of whole clusters (conjuncts, vowel signs, joiners), spaces and line breaks.
_CLUSTERS = ["a", "b", ".", "क्ष", "कि", "मा", "त्", "ষ", "ক্ষ", "বা", "\u200dx", "x\u200c"]
_CLUSTERED = st.lists(st.sampled_from([*_CLUSTERS, " ", "\n"]), max_size=200).map("".join)
_UNBROKEN = st.lists(st.sampled_from(_CLUSTERS), min_size=1, max_size=200).map("".join)


@given(_CLUSTERED, st.integers(min_value=8, max_value=120))
def test_chunks_are_bounded_and_keep_every_character(text: str, limit: int) -> None:
    pieces = chunks(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert squash("".join(pieces)) == squash(text)


def test_chunks_end_at_a_line_break_first_then_a_sentence_then_a_space() -> None:
    text = "one two. three\nfour five. six seven"
    assert chunks(text, 20) == ["one two. three", "four five. six seven"]
    assert chunks("aaaa bbbbbb. cccc dddd eeee", 20) == ["aaaa bbbbbb.", "cccc dddd eeee"]
    assert chunks("aaaa bbbb cccc dddd eeee", 20) == ["aaaa bbbb cccc dddd", "eeee"]
    assert chunks("x" * CHUNK_CHARS) == ["x" * CHUNK_CHARS]


def test_a_chunk_without_spaces_ends_between_clusters() -> None:
    word = "ক্ষমতা" * 10
    pieces = chunks(word, 16)
    assert "".join(pieces) == word
    for index in range(1, len(pieces)):
        assert can_cut(word, len("".join(pieces[:index])))


def test_cuts_never_break_a_cluster() -> None:
    assert not can_cut("ক্ষ", 1)  # before the virama
    assert not can_cut("ক্ষ", 2)  # after it: inside the conjunct
    assert not can_cut("कि", 1)  # before a vowel sign
    assert not can_cut("a\u200db", 2)  # after a joiner
    assert not can_cut("👍🏽", 1)  # before a skin tone
    assert can_cut("কক", 1)
    assert can_cut("ab", 1)


def _fake_width(text: str) -> float:
    return 5.0 * sum(not unicodedata.combining(c) for c in text)


@given(st.lists(_UNBROKEN, min_size=1, max_size=4).map(" ".join), st.integers(10, 200))
def test_long_words_are_cut_into_line_wide_pieces_between_clusters(text: str, room: int) -> None:
    cut = cut_long_words(text, _fake_width, room)
    assert cut.replace("\n", "") == text
    position = 0
    for line in cut.split("\n"):
        position += len(line)
        if position < len(text):
            assert text[position] == " " or can_cut(text, position)
        for word in line.split():
            single_cluster = not any(can_cut(word, index) for index in range(1, len(word)))
            assert _fake_width(word) <= room or single_cluster
