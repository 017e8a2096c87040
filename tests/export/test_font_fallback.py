"""Per-character font fallback: every character goes to the first bundled font with its glyph
(DejaVu Sans → Droid Sans Fallback → Symbola), a character of a script that needs shaping to its
script's font, emoji print and extract verbatim everywhere user text appears, fallback fonts load
only when needed, and what no font has is reported, not lost."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from xml.sax.saxutils import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from fypdesk import paths
from fypdesk.domain.brief import Annotations, BriefNote, BriefSpec
from fypdesk.domain.content import Node, NodeKind, PlanSummary
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.font_table import (
    ARABIC,
    BENGALI,
    BOLD,
    BOLD_ITALIC,
    DEVANAGARI,
    FALLBACK,
    FALLBACK_FILES,
    HANGUL,
    ITALIC,
    REGULAR,
    SCRIPT_BLOCKS,
    SCRIPT_FILES,
    SYMBOLS,
    TAMIL,
    THAI,
    UPRIGHT,
)
from fypdesk.export.fonts import Fonts
from tests.export.brief_samples import Extracted, embedded_fonts, extract, render, squash

FOLDER = paths.resources_dir() / "fonts"
#: Pictographs that neither DejaVu Sans nor Droid Sans Fallback has (the issue's examples).
PICTOGRAPHS = "🚀 ✅ 👍 🙂 ✨ ⭐ 🤖 🦄 🧠"
#: Emoji newer than Unicode 9, in no bundled font.
UNCOVERED = "🥳🫠"


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts.load(FOLDER)


def coverage(name: str) -> frozenset[int]:
    """A font's glyphs straight from its file, independently of :class:`Fonts`."""
    files = {
        REGULAR: "DejaVuSans.ttf",
        BOLD: "DejaVuSans-Bold.ttf",
        ITALIC: "DejaVuSans-Oblique.ttf",
        BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
        **FALLBACK_FILES,
        **SCRIPT_FILES,
    }
    face = TTFont(f"probe-{name}", str(FOLDER / files[name])).face
    return frozenset(code for code, glyph in face.charToGlyph.items() if glyph)


def assigned(first: int, last: int) -> str:
    """Every assigned, printable character from ``first`` to ``last``."""
    return "".join(
        chr(code)
        for code in range(first, last + 1)
        if unicodedata.name(chr(code), None) and unicodedata.category(chr(code))[0] != "C"
    )


def runs(markup: str) -> list[tuple[str, str]]:
    """``(font, text)`` for each run of :meth:`Fonts.markup` output, the body font's included."""
    found: list[tuple[str, str]] = []
    for match in re.finditer(r'<font name="(\w+)">(.*?)</font>|((?:(?!<font ).)+)', markup, re.S):
        font, text = (match[1], match[2]) if match[1] else (REGULAR, match[3])
        found.append((font, unescape(text.replace("<br/>", "\n"))))
    return found


# -- the bundled files -------------------------------------------------------------------------


def test_symbola_and_its_licence_are_bundled() -> None:
    names = {path.name for path in FOLDER.iterdir()}
    assert {"Symbola_hint.ttf", "Symbola-COPYRIGHT.txt"} <= names
    licence = (FOLDER / "Symbola-COPYRIGHT.txt").read_text(encoding="utf-8")
    assert "George Douros" in licence and "free for any use" in licence


def test_the_hangul_and_thai_fonts_and_their_licences_are_bundled() -> None:
    for font, licence in (
        ("NanumSquareR.ttf", "NanumSquare-LICENSE-OFL.txt"),
        ("NotoSansThai-Regular.ttf", "NotoSansThai-LICENSE-OFL.txt"),
    ):
        assert (FOLDER / font).is_file()
        assert "SIL Open Font License" in (FOLDER / licence).read_text(encoding="utf-8")


def test_korean_and_thai_print_in_their_fonts(fonts: Fonts) -> None:
    text = "회의 자료 ภาษาไทย"
    assert fonts.uncovered(text) == []
    # The space between the two runs stays in the first: Nanum draws it.
    assert fonts.markup(text) == (
        f'<font name="{HANGUL}">회의 자료 </font><font name="{THAI}">ภาษาไทย</font>'
    )


def test_every_fallback_file_is_bundled() -> None:
    for file in [*FALLBACK_FILES.values(), *SCRIPT_FILES.values()]:
        assert (FOLDER / file).is_file(), file


def test_the_script_fonts_and_their_licences_are_bundled() -> None:
    for file in SCRIPT_FILES.values():
        licence = FOLDER / file.replace("-Regular.ttf", "-LICENSE-OFL.txt")
        text = licence.read_text(encoding="utf-8")
        assert file in text.splitlines()[0] and "SIL Open Font License" in text, licence


# -- which font draws what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "font"),
    [
        ("a", REGULAR),
        ("₂", REGULAR),
        ("€", REGULAR),
        ("😀", REGULAR),  # DejaVu Sans has the emoticons of Unicode 6
        ("ب", ARABIC),  # before DejaVu Sans, whose regular face has it unjoined
        ("ߊ", UPRIGHT),  # NKo: DejaVu Sans has it, its bold and oblique faces do not
        ("中", FALLBACK),
        ("，", FALLBACK),
        ("🚀", SYMBOLS),
        ("✅", SYMBOLS),
        ("👍", SYMBOLS),
        ("🙂", SYMBOLS),
        ("🥳", None),  # Unicode 9 is Symbola's last
        ("한", HANGUL),  # Droid has no Hangul syllables
        ("ㄱ", FALLBACK),  # but it has the compatibility jamo
        ("ภ", THAI),
        ("ह", DEVANAGARI),
        ("।", DEVANAGARI),  # the danda
        ("ক", BENGALI),
        ("த", TAMIL),
        ("٣", ARABIC),  # Arabic-Indic digits
        ("ਪ", None),  # Gurmukhi: no bundled font
        ("త", None),  # Telugu: none either
    ],
)
def test_each_character_goes_to_the_first_font_with_its_glyph(
    fonts: Fonts, char: str, font: str | None
) -> None:
    assert fonts.font_for(char) == font


def test_routing_follows_the_cmaps_in_order(fonts: Fonts) -> None:
    """Against each font's own cmap: the script's font if it is in the script's blocks and has
    the glyph, else the first of the chain that has it, for a sample across Latin, Arabic, Indic
    scripts, Thai, symbols, CJK, pictographs and emoji."""
    body = frozenset.intersection(*(coverage(name) for name in (REGULAR, BOLD, ITALIC)))
    body &= coverage(BOLD_ITALIC)
    scripts = [
        (name, coverage(name) & {c for first, last in blocks for c in range(first, last + 1)})
        for name, blocks in SCRIPT_BLOCKS.items()
    ]
    chain = [(REGULAR, body), *scripts] + [(name, coverage(name)) for name in FALLBACK_FILES]
    sample = (
        assigned(0x20, 0x24F)
        + assigned(0x600, 0x6FF)
        + assigned(0x7C0, 0x7FF)
        + assigned(0x900, 0xBFF)
        + assigned(0xE00, 0xE7F)
        + assigned(0xFB50, 0xFEFC)
        + assigned(0x2190, 0x27BF)
        + assigned(0x3000, 0x303F)
        + assigned(0x4E00, 0x4EFF)
        + assigned(0x1F300, 0x1F6FF)
        + assigned(0x1F900, 0x1F9FF)
    )
    for char in sample:
        if char.isspace():
            continue
        expected = next((name for name, glyphs in chain if ord(char) in glyphs), None)
        assert fonts.font_for(char) == expected, f"U+{ord(char):04X}"


def test_emoji_up_to_unicode_9_are_covered(fonts: Fonts) -> None:
    """The coverage claimed: the pictograph and emoji blocks of Unicode 9, every character."""
    for first, last in (
        (0x2190, 0x21FF),  # arrows
        (0x25A0, 0x25FF),  # geometric shapes
        (0x2600, 0x26FF),  # miscellaneous symbols
        (0x2700, 0x27BF),  # dingbats
        (0x1F1E6, 0x1F1FF),  # regional indicators (flags print as their two letters)
        (0x1F200, 0x1F2FF),  # enclosed ideographic supplement
        (0x1F300, 0x1F5FF),  # miscellaneous symbols and pictographs
        (0x1F600, 0x1F64F),  # emoticons
        (0x1F680, 0x1F6D4),  # transport and map symbols, to Unicode 9
        (0x1F910, 0x1F92F),  # supplemental symbols and pictographs of Unicode 8 and 9
    ):
        assert fonts.uncovered(assigned(first, last)) == [], f"U+{first:04X}"


def test_chinese_punctuation_and_text_are_covered(fonts: Fonts) -> None:
    text = "中文笔记：目标可行。数字化转型、碳达峰，“十四五”规划《纲要》（草案）！？【注】…… ￥５"
    assert fonts.uncovered(text) == []


def test_uncovered_characters_are_listed_once_in_code_point_order(fonts: Fonts) -> None:
    assert fonts.uncovered("🫠 party 🥳🥳 ok 中文 🚀") == ["🥳", "🫠"]
    assert fonts.uncovered("") == []
    assert fonts.uncovered("line\nbreak\ttab\x07") == []  # cleaned away, never drawn


# -- markup ------------------------------------------------------------------------------------


def test_pictographs_are_one_symbols_run_with_their_spaces(fonts: Fonts) -> None:
    assert fonts.markup("launch 🚀 ✅ 👍 🙂!") == (
        f'launch <font name="{SYMBOLS}">🚀 ✅ 👍 🙂</font>!'
    )


def test_an_emoji_sequence_stays_one_run(fonts: Fonts) -> None:
    family = "👨\u200d👩\u200d👧"
    assert fonts.markup(f"a {family} b") == f'a <font name="{SYMBOLS}">{family}</font> b'


def test_runs_change_font_where_the_script_does(fonts: Fonts) -> None:
    assert runs(fonts.markup("计划 🚀 CO₂ ✅")) == [
        (FALLBACK, "计划 "),
        (SYMBOLS, "🚀"),
        (REGULAR, " CO₂ "),
        (SYMBOLS, "✅"),
    ]


def test_script_runs_hold_only_their_script(fonts: Fonts) -> None:
    """Punctuation next to a Hindi word stays in the body font: each run is shaped in its font."""
    assert runs(fonts.markup("नोट: क्षमता (क्षमता)")) == [
        (DEVANAGARI, "नोट"),
        (REGULAR, ": "),
        (DEVANAGARI, "क्षमता"),
        (REGULAR, " ("),
        (DEVANAGARI, "क्षमता"),
        (REGULAR, ")"),
    ]


def test_right_to_left_runs_stay_in_typed_order(fonts: Fonts) -> None:
    """The markup keeps right-to-left text as typed: HarfBuzz joins and lays out each Arabic
    word, and the paragraph puts each line in display order once it is broken (issue 5)."""
    assert runs(fonts.markup("on مرحبا بالعالم ok")) == [
        (REGULAR, "on "),
        (ARABIC, "مرحبا بالعالم"),
        (REGULAR, " ok"),
    ]
    assert runs(fonts.markup("الخطة ٢٠٢٥")) == [(ARABIC, "الخطة ٢٠٢٥")]
    # A Persian word with a zero-width non-joiner is one run, shaped as one word.
    assert runs(fonts.markup("می\u200cخواهم")) == [(ARABIC, "می\u200cخواهم")]
    # Hebrew needs no shaping: DejaVu Sans draws it.
    assert runs(fonts.markup("עברית")) == [(REGULAR, "עברית")]


def test_markup_in_a_symbols_run_is_escaped(fonts: Fonts) -> None:
    assert fonts.markup('🚀<b>&"✅</b>') == (
        f'<font name="{SYMBOLS}">🚀</font>&lt;b&gt;&amp;"<font name="{SYMBOLS}">✅</font>&lt;/b&gt;'
    )


def test_uncovered_characters_get_their_own_code(fonts: Fonts) -> None:
    assert fonts.markup("x🥳y") == f'x<font name="{UPRIGHT}">🥳</font>y'
    upright = pdfmetrics.getFont(UPRIGHT)
    assert upright.face.charToGlyph[ord("🥳")] == 0  # the missing-glyph box, under its own code
    assert pdfmetrics.getFont(REGULAR).face.charToGlyph.get(ord("🥳")) is None


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        st.one_of(
            st.characters(),
            st.sampled_from("中文😀🚀✅👍🙂🥳بمل٣ह्षि ภ่ \u200c\u200d\ufe0f\n"),
        ),
        max_size=60,
    )
)
def test_every_run_is_in_a_font_that_draws_it(text: str) -> None:
    """Whatever the text, a run's characters are ones its font has (bar spaces, which become
    word spacing, and characters no font has), and the runs put together give the text back."""
    fonts = Fonts.load(FOLDER)
    found = runs(fonts.markup(text, keep_lines=True))
    from fypdesk.export.text import clean

    # In typed order, right-to-left runs included: lines are put in display order when drawn.
    assert "".join(part for _, part in found) == clean(text)
    for font, part in found:
        drawable = fonts.coverage(font)
        for char in part:
            if char.isspace() or (font == UPRIGHT and fonts.font_for(char) is None):
                continue
            assert ord(char) in drawable, (font, f"U+{ord(char):04X}")


# -- loading -----------------------------------------------------------------------------------


def _registered_after(*texts: str) -> list[str]:
    """The fallback fonts a fresh process registers to make markup of ``texts``."""
    code = (
        "import sys; from pathlib import Path; from reportlab.pdfbase import pdfmetrics; "
        "from fypdesk.export.fonts import Fonts; "
        f"fonts = Fonts.load(Path({str(FOLDER)!r})); "
        f"[fonts.markup(t) for t in {texts!r}]; "
        "sys.stdout.write(' '.join(sorted(n for n in pdfmetrics.getRegisteredFontNames() "
        f"if n in {[*FALLBACK_FILES, *SCRIPT_FILES]!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.split()


def test_fallback_fonts_load_only_when_a_character_needs_them() -> None:
    assert _registered_after("plain CO₂ € text 😀") == []
    assert _registered_after("中文 note") == [FALLBACK]
    assert _registered_after("中文 🚀") == [FALLBACK, SYMBOLS]
    assert _registered_after("مرحبا") == [ARABIC]
    assert _registered_after("हिन्दी ߊ") == sorted([DEVANAGARI, UPRIGHT])
    # A script font is parsed only for a character of its own script.
    assert _registered_after("中文 🚀 한 🥳") == sorted([FALLBACK, SYMBOLS, HANGUL, UPRIGHT])


# -- the PDF -----------------------------------------------------------------------------------


def _with_emoji_headings(content: BriefContent) -> BriefContent:
    """The real content with a plan and one of its sections renamed to carry emoji."""
    plan = content.plans[0]
    section = next(n for n in content.nodes if n.plan == plan.slug and n.kind is NodeKind.SECTION)
    renamed = {plan.id: "Plan 🚀 rocket ✅", section.id: "Section 👍 up 🙂 中文"}
    nodes: list[Node] = [
        dataclasses.replace(n, title=renamed[n.id]) if n.id in renamed else n for n in content.nodes
    ]
    plans: list[PlanSummary] = [
        dataclasses.replace(p, title=renamed[p.id]) if p.id in renamed else p for p in content.plans
    ]
    return dataclasses.replace(content, nodes=tuple(nodes), plans=tuple(plans))


@pytest.fixture(scope="module")
def emoji_pdf(content: BriefContent, tmp_path_factory: pytest.TempPathFactory) -> Path:
    notes = (
        BriefNote("ict", f"launch {PICTOGRAPHS} 中文 done", ("🚀 launch", "✅")),
        BriefNote("ict", f"party {UNCOVERED} with 😀 and 🚀"),
    )
    spec = BriefSpec(title="Brief 🚀 ✅ for 李伟", author="Ana 👍", marking="Internal ⭐")
    document = compose(spec, _with_emoji_headings(content), Annotations(notes=notes))
    path = tmp_path_factory.mktemp("emoji") / "brief.pdf"
    path.write_bytes(render(document))
    return path


@pytest.fixture(scope="module")
def emoji(emoji_pdf: Path) -> Extracted:
    return extract(emoji_pdf.read_bytes())


def test_emoji_in_note_bodies_and_tags_print_verbatim(emoji: Extracted) -> None:
    assert f"launch {PICTOGRAPHS} 中文 done" in emoji.text
    assert "Tags: 🚀 launch · ✅" in emoji.text


def test_emoji_in_titles_cover_header_and_metadata(emoji: Extracted) -> None:
    assert "Brief 🚀 ✅ for 李伟" in emoji.pages[0]  # the cover
    assert "Brief 🚀 ✅ for 李伟" in emoji.pages[3]  # the running header
    assert "INTERNAL ⭐" in emoji.pages[3]
    assert "Ana 👍" in emoji.pages[0]
    assert emoji.metadata["/Title"] == "Brief 🚀 ✅ for 李伟"


def test_emoji_in_contents_and_bookmarks(emoji: Extracted) -> None:
    for title in ("Plan 🚀 rocket ✅", "Section 👍 up 🙂 中文"):
        assert title in emoji.outline
        assert squash(title) in squash(emoji.pages[1])  # the contents page
        assert title in emoji.text


def test_a_character_in_no_font_still_extracts_verbatim(emoji: Extracted) -> None:
    assert f"party {UNCOVERED} with 😀 and 🚀" in emoji.text
    assert "\x00" not in emoji.text


def test_symbola_is_embedded_with_every_other_font(emoji: Extracted) -> None:
    fonts = embedded_fonts(emoji)
    assert {"DejaVuSans", "DroidSansFallback", "Symbola", "DejaVuSansUpright"} <= set(fonts)
    assert all(fonts.values()), fonts


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs pdffonts (poppler-utils)")
def test_pdffonts_lists_only_embedded_fonts(emoji_pdf: Path) -> None:
    listing = subprocess.run(
        ["pdffonts", str(emoji_pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    rows = listing.splitlines()[2:]  # after the header and its rule
    assert any("Symbola" in row for row in rows)
    for row in rows:
        # name, type (two words), encoding, then emb sub uni: all yes.
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row
    assert "Helvetica" not in listing


def test_a_brief_without_pictographs_does_not_embed_symbola(content: BriefContent) -> None:
    notes = (BriefNote("ict", "中文 only, and 😀 which DejaVu has"),)
    pdf = extract(render(compose(BriefSpec(), content, Annotations(notes=notes))))
    assert "DroidSansFallback" in embedded_fonts(pdf)
    assert "Symbola" not in embedded_fonts(pdf)


def test_a_missing_fallback_font_fails_clearly_when_needed(tmp_path: Path) -> None:
    """A fonts folder without Symbola fails clearly once a pictograph needs it, in a fresh
    process (the registry is per process)."""
    for path in FOLDER.iterdir():
        if path.name != "Symbola_hint.ttf":
            (tmp_path / path.name).symlink_to(path)
    code = (
        "from pathlib import Path; from fypdesk.export.fonts import Fonts; "
        "from fypdesk.domain.errors import FypdeskError\n"
        f"fonts = Fonts.load(Path({str(tmp_path)!r})); fonts.markup('plain')\n"
        "try:\n    fonts.markup('🚀')\nexcept FypdeskError as exc:\n    print(exc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "cannot load the brief's font" in result.stdout and "Symbola_hint.ttf" in result.stdout
