"""Right-to-left notes (Hebrew, Arabic, Persian) laid out as their readers expect (issue 5).

Lines are broken on the text as typed and each drawn line is then put in display order, so a
long note starts on its first line; numbers and Latin words keep their order inside right-to-left
text; brackets go with the phrase they enclose; a Persian word with a zero-width non-joiner stays
one word; a note whose first letter is right to left is right-aligned. The PDF checks read the
glyphs each line draws, left to right, with the characters the PDF's ToUnicode map gives them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from fypdesk.domain.brief import Annotations, BriefNote, BriefSpec
from fypdesk.export.bidi import base_level, display_order, mirror, visual_order
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.pdf_styles import build_styles
from tests.export.brief_samples import render
from tests.export.test_complex_scripts import DrawnLine, drawn, drawn_lines, paragraph_pdf

HEBREW_SENTENCE = "זוהי הערה ארוכה בעברית על יעדי הכלכלה הדיגיטלית בתוכנית החומש"
HEBREW = " ".join(f"{HEBREW_SENTENCE} {n}." for n in ("א", "ב", "ג", "ד", "ה"))
ARABIC_SENTENCE = "هذه ملاحظة طويلة باللغة العربية حول أهداف الاقتصاد الرقمي في الخطة الخمسية"
ARABIC = " ".join([ARABIC_SENTENCE] * 4) + " نهاية"
MIXED = "העלות 5G היא 56% בשנת 2025"
BRACKETS = "Note: עברית (שלום) and مرحبا (بالعالم) end"
PERSIAN = "من می\u200cخواهم این را بنویسم (۱۴۰۳)"
TITLE = "סיכום תוכנית"
NOTES = (HEBREW, ARABIC, MIXED, BRACKETS, PERSIAN)


def _plain(text: str) -> str:
    """Letters only, folded (NFKC): what both the typed text and the drawn glyphs spell."""
    return re.sub(r"[\s\u200c]", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def lines(content: BriefContent) -> list[DrawnLine]:
    """The drawn lines of the page that holds the notes, and of the cover, in that order."""
    notes = tuple(BriefNote("ict", body) for body in NOTES)
    pdf = render(compose(BriefSpec(title=TITLE), content, Annotations(notes=notes)))
    reader = PdfReader(io.BytesIO(pdf))
    page = next(i for i, p in enumerate(reader.pages) if "NOTE · on" in p.extract_text())
    return drawn_lines(reader, page) + drawn_lines(reader, 0)


def _note_lines(lines: list[DrawnLine], note_index: int) -> list[DrawnLine]:
    """The body lines of the ``note_index``-th note callout on the page: those after its label,
    one leading apart."""
    label = [i for i, line in enumerate(lines) if line.text.startswith("NOTE · on")][note_index]
    body = [lines[label + 1]]
    for line in lines[label + 2 :]:
        if line.text.startswith("NOTE") or not 10 < body[-1].y - line.y < 16:
            break
        body.append(line)
    return body


def test_a_long_hebrew_note_reads_from_its_first_line_down(lines: list[DrawnLine]) -> None:
    body = _note_lines(lines, 0)
    assert len(body) >= 3
    typed = [line.reversed_text for line in body]  # Hebrew drawn right to left, read back
    assert typed[0].startswith("זוהי הערה ארוכה בעברית")
    assert typed[-1].endswith("בתוכנית החומש ה.")
    assert " ".join(typed) == HEBREW


def test_a_long_arabic_note_reads_from_its_first_line_down(lines: list[DrawnLine]) -> None:
    body = _note_lines(lines, 1)
    assert len(body) >= 3
    typed = [line.reversed_text for line in body]
    assert _plain(typed[0]).startswith(_plain("هذه ملاحظة طويلة"))
    assert _plain(typed[-1]).endswith(_plain("الخطة الخمسية نهاية"))
    assert _plain("".join(typed)) == _plain(ARABIC)
    # Joined letters, not the isolated ones typed: HarfBuzz shaped each word.
    drawn = "".join(glyph.text or "" for line in body for glyph in line.glyphs)
    assert sum("\ufb50" <= char <= "\ufeff" for char in drawn) > 100


def test_numbers_and_latin_keep_their_order_in_hebrew(lines: list[DrawnLine]) -> None:
    (line,) = _note_lines(lines, 2)
    # Left to right on the page: the last words typed are on the left, each number reads as typed.
    assert line.text == "2025 תנשב 56% איה 5G תולעה"


def test_brackets_go_with_the_phrase_they_enclose(lines: list[DrawnLine]) -> None:
    (line,) = _note_lines(lines, 3)
    assert line.text.startswith("Note: (םולש) תירבע and (")  # read right to left: עברית (שלום)
    # Read right to left (glyph by glyph, so Arabic comes back as typed), each phrase is followed
    # by its bracket pair: the brackets are drawn on its two sides, mirrored.
    assert line.reversed_text == "dne مرحبا )بالعالم( dna עברית )שלום( :etoN"


def test_a_persian_word_with_a_zero_width_non_joiner_stays_one_word(
    lines: list[DrawnLine],
) -> None:
    (line,) = _note_lines(lines, 4)
    # Read right to left, the words come back as typed, the two halves of می‌خواهم together;
    # the year on the left reads left to right, so it comes back reversed.
    assert _plain(line.reversed_text) == _plain(PERSIAN.rsplit(" ", 1)[0]) + ")۳۰۴۱("


def test_a_right_to_left_note_is_right_aligned(lines: list[DrawnLine]) -> None:
    """Two short one-line notes: the Hebrew one starts well right of the left-to-right one."""
    (hebrew,) = _note_lines(lines, 2)
    (latin_first,) = _note_lines(lines, 3)
    (persian,) = _note_lines(lines, 4)
    assert hebrew.x > latin_first.x + 150
    assert persian.x > latin_first.x + 150


def test_a_hebrew_title_reads_right_to_left_on_the_cover(lines: list[DrawnLine]) -> None:
    assert "תינכות םוכיס" in [line.text for line in lines]


def test_a_hebrew_note_breaking_across_pages_keeps_its_order(content: BriefContent) -> None:
    body = " ".join(f"{HEBREW_SENTENCE} {n}." for n in range(1, 121))
    pdf = render(compose(BriefSpec(), content, Annotations(notes=(BriefNote("ict", body),))))
    reader = PdfReader(io.BytesIO(pdf))
    typed = [
        line.reversed_text
        for page in range(len(reader.pages))
        for line in drawn_lines(reader, page)
        if re.search("[\u0590-\u05ff]", line.text)
    ]
    assert len(typed) > 60  # more than a page of lines
    # The numbers, drawn left to right, come back reversed when the line is read right to left.
    numbers = [word for word in " ".join(typed).split(" ") if word[0].isdigit()]
    assert numbers == [f"{str(n)[::-1]}." for n in range(1, 121)]


def test_a_hebrew_heading_keeps_its_page_number_on_the_right(content: BriefContent) -> None:
    """In the contents, the leader dots start where the heading's text ends, not under it."""
    plan = content.plans[0]
    title = "תוכנית הכלכלה הדיגיטלית (2021-2025)"
    renamed = dataclasses.replace(
        content,
        nodes=tuple(
            dataclasses.replace(n, title=title) if n.id == plan.id else n for n in content.nodes
        ),
        plans=tuple(
            dataclasses.replace(p, title=title) if p.id == plan.id else p for p in content.plans
        ),
    )
    reader = PdfReader(io.BytesIO(render(compose(BriefSpec(), renamed, Annotations()))))
    lines = drawn_lines(reader, 1)  # the contents page
    heading = next(line for line in lines if "הלכלכה" in line.text)
    assert heading.text == "(2021-2025) תילטיגידה הלכלכה תינכות"
    (dots,) = [line for line in lines if line.y == heading.y and line is not heading]
    assert dots.text.rstrip("0123456789").rstrip(" .") == ""
    assert dots.x > heading.x + 150


def test_an_arabic_word_ending_in_a_mark_can_begin_a_piece_of_a_line() -> None:
    """Drawn right to left, ``جديداً`` begins with its raised mark; reportlab 5.1 failed to draw
    such a piece that follows one in another font of the same subset number."""
    text = "x جديداً كتب " * 30
    glyphs = drawn(paragraph_pdf(text, build_styles().note_body, 300, keep_lines=False), 0)
    assert sum(glyph.text == "\u064b" for glyph in glyphs) == 30  # each fathatan drawn
    assert [g for g in glyphs if g.code == 0] == []


_NOTE_TEXT = st.text(st.sampled_from("abc XYZ 12 אבג שלו 中文 ()[]%.,:-+/\n"), max_size=120)


@settings(max_examples=60, deadline=None)
@given(_NOTE_TEXT)
def test_every_character_of_a_note_is_drawn_once(text: str) -> None:
    """However a note mixes directions, fonts and line breaks, reordering its lines neither
    drops nor repeats a character (brackets may be drawn mirrored)."""
    reader = paragraph_pdf(text, build_styles().note_body, 90)

    def letters(chars: str) -> list[str]:
        return sorted(min(char, mirror(char)) for char in chars if not char.isspace())

    assert letters("".join(g.text or "" for g in drawn(reader, 0))) == letters(text)


# -- the algorithm on plain text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("say עברית now", "say תירבע now"),
        ("שלום 2026", "2026 םולש"),
        (MIXED, "2025 תנשב 56% איה 5G תולעה"),
        ("Note: עברית (שלום)", "Note: (םולש) תירבע"),  # the closing bracket stays with its phrase
        ("עולם (world) שלום", "םולש (world) םלוע"),
        ("הכנסה (2025)", "(2025) הסנכה"),
        ("الخطة ٢٠٢٥", "٢٠٢٥ ةطخلا"),
        ("من می\u200cخواهم", "مهاوخ\u200cیم نم"),  # the joiner stays inside its word
        ("abc (def) ghi", "abc (def) ghi"),
    ],
)
def test_visual_order(typed: str, shown: str) -> None:
    assert visual_order(typed) == shown


def test_the_paragraph_direction_is_that_of_its_first_strong_character() -> None:
    assert base_level("Note: עברית") == 0
    assert base_level("2025 עברית note") == 1
    assert base_level("123 ...") == 0


_TEXT = st.text(st.sampled_from("abc XYZ 12 אבג שלו مرح بال ٢٠ ()[]%.,:-+/\u200c\u0651"))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_display_order_rearranges_without_losing_a_character(text: str) -> None:
    shown = visual_order(text)

    def unmirrored(chars: str) -> list[str]:
        return sorted(min(char, mirror(char)) for char in chars)

    assert unmirrored(shown) == unmirrored(text)
    if not re.search("[\u0590-\u08ff]", text):
        assert shown == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=30))
def test_display_order_is_a_permutation(levels: list[int]) -> None:
    assert sorted(display_order(levels)) == list(range(len(levels)))


def test_a_right_to_left_tag_leaves_the_notes_date_in_its_own_order(content: BriefContent) -> None:
    when = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
    note = BriefNote("ict", "A note in English", tags=("العربية",), updated=when)
    pdf = render(compose(BriefSpec(), content, Annotations(notes=(note,))))
    reader = PdfReader(io.BytesIO(pdf))
    page = next(i for i, p in enumerate(reader.pages) if "NOTE · on" in p.extract_text())
    (meta,) = [line for line in drawn_lines(reader, page) if "Tags:" in line.text]
    assert "2026-11-28" in meta.text
