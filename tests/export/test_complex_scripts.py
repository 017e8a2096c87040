"""Notes in scripts that need shaping (issue 5): Hindi, Arabic, Thai, Bengali and Tamil print in
their own bundled fonts, shaped by HarfBuzz (conjuncts, joining forms, mark stacking), in the
right visual order, with no missing-glyph box, and copy back as typed where the PDF allows.

The checks read the glyphs each page draws, in drawing order, with the characters the PDF's
ToUnicode map gives each: unshaped text draws one glyph per character, in logical order.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PageObject, PdfReader
from pypdf.generic import (
    ByteStringObject,
    ContentStream,
    DictionaryObject,
    StreamObject,
    TextStringObject,
)
from reportlab.pdfgen.canvas import Canvas

from fypdesk import paths
from fypdesk.domain.brief import Annotations, BriefNote, BriefSpec
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.fonts import Fonts
from fypdesk.export.markdown import render_markdown
from fypdesk.export.pdf_paragraph import BriefParagraph
from fypdesk.export.pdf_styles import build_styles
from tests.export.brief_samples import Extracted, embedded_fonts, extract, render

HINDI = "हिन्दी में नोट: क्षमता (क्षमता)"
ARABIC = "ملاحظة باللغة العربية"
ARABIC_YEAR = "الخطة ٢٠٢٥"
THAI = "ภาษาไทย น้ำ ที่นี่"
BENGALI = "বাংলা ক্ষমতা"
TAMIL = "தமிழ் க்ஷ"
SCRIPT_FONTS = {
    "NotoSansDevanagari-Regular",
    "NotoSansArabic-Regular",
    "NotoSansThai-Regular",
    "NotoSansBengali-Regular",
    "NotoSansTamil-Regular",
}


@dataclass(frozen=True)
class Glyph:
    """One glyph drawn: its font (subset tag dropped), its code, the text ToUnicode gives it."""

    font: str
    code: int
    text: str | None


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    stream = font["/ToUnicode"].get_object()
    assert isinstance(stream, StreamObject)
    cmap = stream.get_data().decode("latin-1")
    entries = cmap.split("beginbfchar", 1)[1]
    return {
        int(code, 16): bytes.fromhex(text).decode("utf-16-be")
        for code, text in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", entries)
    }


@dataclass(frozen=True)
class DrawnLine:
    """The glyphs of one text line, in drawing (left to right) order, and where the line starts."""

    x: float
    y: float
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        """The line's characters as drawn, left to right (ToUnicode), compatibility forms
        (Arabic contextual forms) folded to the letters typed."""
        return unicodedata.normalize("NFKC", "".join(glyph.text or "" for glyph in self.glyphs))

    @property
    def reversed_text(self) -> str:
        """The line's glyphs read right to left: a right-to-left line as typed (a ligature's
        characters are in typed order already), bar numbers and brackets inside it."""
        return unicodedata.normalize(
            "NFKC", "".join(glyph.text or "" for glyph in reversed(self.glyphs))
        )


def _page_fonts(page: PageObject) -> dict[str, tuple[str, dict[int, str]]]:
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    table = resources["/Font"].get_object()
    assert isinstance(table, DictionaryObject)
    fonts: dict[str, tuple[str, dict[int, str]]] = {}
    for name, ref in table.items():
        font = ref.get_object()
        assert isinstance(font, DictionaryObject)
        fonts[name] = (str(font["/BaseFont"]).split("+")[-1], _to_unicode(font))
    return fonts


def drawn_lines(reader: PdfReader, page_index: int) -> list[DrawnLine]:
    """Every text line the page draws, in the order of its content stream.

    Follows what reportlab's paragraphs emit: translations (``cm``, ``q``/``Q``), ``Tm``,
    ``Td``, ``TL`` and ``T*``. A line is what is shown between two moves to a new line.
    """
    page = reader.pages[page_index]
    fonts = _page_fonts(page)
    lines: list[DrawnLine] = []
    current: tuple[str, dict[int, str]] = ("", {})
    origin, stack = (0.0, 0.0), []  # the translation in force, and those saved by q
    x = y = leading = 0.0
    glyphs: list[Glyph] = []
    start = (0.0, 0.0)

    def end_line() -> None:
        if glyphs:
            lines.append(DrawnLine(start[0], start[1], tuple(glyphs)))
        glyphs.clear()

    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(origin)
        elif operator == b"Q":
            origin = stack.pop()
        elif operator == b"cm":
            origin = (origin[0] + float(operands[4]), origin[1] + float(operands[5]))
        elif operator in (b"BT", b"ET", b"Tm", b"Td", b"T*"):
            end_line()
            if operator == b"BT":
                x = y = 0.0
            elif operator == b"Tm":
                x, y = float(operands[4]), float(operands[5])
            elif operator == b"Td":
                x, y = x + float(operands[0]), y + float(operands[1])
            elif operator == b"T*":
                y -= leading
        elif operator == b"TL":
            leading = float(operands[0])
        elif operator == b"Tf":
            current = fonts[operands[0]]
        elif operator in (b"Tj", b"TJ"):
            if not glyphs:
                start = (origin[0] + x, origin[1] + y)
            glyphs += _glyphs(operands[0] if operator == b"TJ" else operands, current)
    end_line()
    # A line drawn in pieces (a move within it, as a paragraph line in several fonts) is one.
    merged: list[DrawnLine] = []
    for line in lines:
        if merged and abs(merged[-1].y - line.y) < 0.01 and line.x >= merged[-1].x:
            merged[-1] = DrawnLine(merged[-1].x, line.y, merged[-1].glyphs + line.glyphs)
        else:
            merged.append(line)
    return merged


def _glyphs(items: list[Any], font: tuple[str, dict[int, str]]) -> list[Glyph]:
    """The glyphs of a ``Tj``/``TJ`` operand list drawn in ``font``."""
    glyphs: list[Glyph] = []
    for item in items:
        if isinstance(item, TextStringObject):
            raw = item.get_original_bytes()
        elif isinstance(item, ByteStringObject):
            raw = bytes(item)
        else:
            continue  # a TJ adjustment
        glyphs += [Glyph(font[0], code, font[1].get(code)) for code in raw]
    return glyphs


def drawn(reader: PdfReader, page_index: int) -> list[Glyph]:
    """Every glyph the page draws, in the order of its content stream."""
    return [glyph for line in drawn_lines(reader, page_index) for glyph in line.glyphs]


def in_font(glyphs: list[Glyph], font: str) -> list[Glyph]:
    """The glyphs drawn in ``font``, spaces left out."""
    return [glyph for glyph in glyphs if glyph.font == font and glyph.text != " "]


@pytest.fixture(scope="module")
def brief(content: BriefContent) -> tuple[PdfReader, Extracted, int]:
    """A brief whose notes (one per script) and title hold script text; the notes' page."""
    notes = tuple(
        BriefNote("ict", body) for body in (HINDI, ARABIC, ARABIC_YEAR, THAI, BENGALI, TAMIL)
    )
    pdf = render(compose(BriefSpec(title=f"Brief {HINDI}"), content, Annotations(notes=notes)))
    extracted = extract(pdf)
    page = next(i for i, text in enumerate(extracted.pages) if "NOTE · on" in text)
    return PdfReader(io.BytesIO(pdf)), extracted, page


@pytest.fixture(scope="module")
def glyphs(brief: tuple[PdfReader, Extracted, int]) -> list[Glyph]:
    reader, _, page = brief
    return drawn(reader, page)


def test_each_script_is_drawn_in_its_embedded_font(
    brief: tuple[PdfReader, Extracted, int], glyphs: list[Glyph]
) -> None:
    fonts = embedded_fonts(brief[1])
    assert set(fonts) >= SCRIPT_FONTS and all(fonts.values()), fonts
    # Nothing fell back to the missing-glyph box, which is drawn in DejaVu's upright copy.
    assert "DejaVuSansUpright" not in fonts
    for font in SCRIPT_FONTS:
        assert in_font(glyphs, font), font


def test_no_missing_glyph_is_drawn(brief: tuple[PdfReader, Extracted, int]) -> None:
    """Code 0 of every subset is the font's .notdef glyph (the box)."""
    reader = brief[0]
    for index in range(len(reader.pages)):
        missing = [glyph for glyph in drawn(reader, index) if glyph.code == 0]
        assert missing == [], index


def test_conjuncts_are_one_shaped_glyph(glyphs: list[Glyph]) -> None:
    """क्ष (three characters) is one glyph once shaped; unshaped it would be three."""
    assert "क्ष" in [g.text for g in in_font(glyphs, "NotoSansDevanagari-Regular")]
    assert "ক্ষ" in [g.text for g in in_font(glyphs, "NotoSansBengali-Regular")]
    assert "க்ஷ" in [g.text for g in in_font(glyphs, "NotoSansTamil-Regular")]


def test_the_short_i_sign_is_drawn_before_its_consonant(glyphs: list[Glyph]) -> None:
    """हि is typed consonant first; the shaper moves the vowel sign ि to its left."""
    texts = [g.text for g in in_font(glyphs, "NotoSansDevanagari-Regular")]
    assert texts[:2] == ["ि", "ह"]


def test_arabic_letters_join_and_read_right_to_left(glyphs: list[Glyph]) -> None:
    arabic = in_font(glyphs, "NotoSansArabic-Regular")
    texts = [g.text or "" for g in arabic]
    # Joined: contextual (initial, medial, final) forms, not the isolated letters typed.
    assert sum(1 for text in texts if "\ufb50" <= text <= "\ufeff") >= 10, texts
    # Right to left: read from the last glyph drawn to the first, the words come back as typed.
    letters = "".join(unicodedata.normalize("NFKC", text) for text in reversed(texts))
    assert ARABIC.replace(" ", "") in letters
    # A number inside Arabic text still reads left to right.
    assert "٢٠٢٥" in "".join(texts)


def test_thai_is_shaped(glyphs: list[Glyph]) -> None:
    """The Thai shaper splits sara am (ำ) into nikhahit and sara aa around the tone mark."""
    texts = [g.text for g in in_font(glyphs, "NotoSansThai-Regular")]
    assert "\u0e4d" in texts and "\u0e33" not in texts


def test_punctuation_next_to_a_script_word_stays_in_the_body_font(
    brief: tuple[PdfReader, Extracted, int], glyphs: list[Glyph]
) -> None:
    """``नोट:`` and ``(क्षमता)`` mix two fonts in one word: each piece is drawn in its own."""
    dejavu = "".join(g.text or "" for g in glyphs if g.font == "DejaVuSans")
    assert ":()" in dejavu.replace(" ", "")  # spaces are drawn apart, as word spacing
    assert "नोट: क्षमता (क्षमता)" in brief[1].text


def test_shaped_text_copies_back(brief: tuple[PdfReader, Extracted, int]) -> None:
    """Conjunct glyphs carry their characters in the text layer. Known limit: a vowel sign the
    shaper moves (ि) is extracted where it is drawn, before its consonant."""
    text = brief[1].text
    for word in ("क्षमता", "ক্ষমতা", "க்ஷ", "ภาษาไทย"):
        assert word in text


def test_script_text_in_the_title_and_header(brief: tuple[PdfReader, Extracted, int]) -> None:
    _, extracted, page = brief
    assert "क्षमता" in extracted.pages[0]  # the cover
    assert "क्षमता" in extracted.pages[page]  # the running header
    assert extracted.metadata["/Title"] == f"Brief {HINDI}"


def test_only_paragraphs_with_a_script_run_are_shaped() -> None:
    fonts = Fonts.load(paths.resources_dir() / "fonts")
    body = build_styles().body
    for text, shaped in (
        ("Plain text, CO₂", False),
        ("中文 and 😀 and עברית", False),
        (HINDI, True),
        (ARABIC, True),
        (THAI, True),
    ):
        assert BriefParagraph(fonts.markup(text), body).style.shaping == shaped, text
    assert body.shaping == 0  # the shared style itself is never changed


def test_markdown_keeps_the_notes_as_typed(content: BriefContent) -> None:
    notes = tuple(BriefNote("ict", body) for body in (HINDI, ARABIC, ARABIC_YEAR, THAI))
    markdown = render_markdown(compose(BriefSpec(), content, Annotations(notes=notes)))
    shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)  # what CommonMark displays
    for body in (HINDI, ARABIC, ARABIC_YEAR, THAI):
        assert f"> {body}\n" in shown  # logical order, untouched by the PDF's shaping


def test_a_long_hindi_note_breaks_across_pages(content: BriefContent, tmp_path: Path) -> None:
    body = " ".join([HINDI] * 700)
    pdf = render(compose(BriefSpec(), content, Annotations(notes=(BriefNote("ict", body),))))
    reader = PdfReader(io.BytesIO(pdf))
    pages = [
        index
        for index in range(len(reader.pages))
        if in_font(drawn(reader, index), "NotoSansDevanagari-Regular")
    ]
    assert len(pages) >= 3
    for index in pages:
        assert [g for g in drawn(reader, index) if g.code == 0] == []
    assert extract(pdf).text.count("क्षमता") == 2 * 700


#: Characters for random paragraphs: each script, Latin punctuation and digits that end up in the
#: body font inside script words, Arabic-Indic digits, joiners.
_MIXED = (
    "हिन्दीक्षमता्ािं"
    + "ملاحظةبالعربية٢٠"
    + "ภาษาไทยน้ำที่"
    + "বাংলাক্ষ"
    + "தமிழ்க்ஷ"
    + "a1:(),.- \u200c\u200d"
)


@settings(max_examples=40, deadline=None)
@given(st.text(st.sampled_from(_MIXED), min_size=1, max_size=40))
def test_any_mix_of_scripts_draws_no_missing_glyph(text: str) -> None:
    """Broken clusters included (a lone virama or vowel sign): HarfBuzz draws them on a dotted
    circle from the font, never the missing-glyph box, and nothing raises."""
    reader = paragraph_pdf(text, build_styles().body, width=120)
    assert [g for g in drawn(reader, 0) if g.code == 0] == []


def paragraph_pdf(text: str, style: Any, width: float, *, keep_lines: bool = True) -> PdfReader:
    """A one-page PDF with ``text`` as one brief paragraph in ``style``, ``width`` points wide."""
    fonts = Fonts.load(paths.resources_dir() / "fonts")
    out = io.BytesIO()
    canvas = Canvas(out, initialFontName="FypSans")
    paragraph = BriefParagraph(fonts.markup(text, keep_lines=keep_lines), style)
    paragraph.wrapOn(canvas, width, 10_000)
    paragraph.drawOn(canvas, 20, 20)
    canvas.showPage()
    canvas.save()
    return PdfReader(out)
