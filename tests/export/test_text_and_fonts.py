"""User text to reportlab markup: escaped, cleaned, right font per script, any input accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fypdesk import paths
from fypdesk.export.bidi import visual_order
from fypdesk.export.font_table import FALLBACK
from fypdesk.export.fonts import Fonts
from fypdesk.export.text import clean, one_line


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts.load(paths.resources_dir() / "fonts")


def test_bundled_fonts_and_licences_are_present() -> None:
    folder = paths.resources_dir() / "fonts"
    names = {path.name for path in folder.iterdir()}
    assert {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DroidSansFallbackFull.ttf"} <= names
    assert "DejaVu-LICENSE.txt" in names and "DroidSansFallback-LICENSE-Apache-2.0.txt" in names


def test_markup_escapes_everything(fonts: Fonts) -> None:
    assert fonts.markup('<img src="http://x/y.png"> & AT&T') == (
        '&lt;img src="http://x/y.png"&gt; &amp; AT&amp;T'
    )


def test_chinese_runs_use_the_fallback_font(fonts: Fonts) -> None:
    assert fonts.markup("CO₂ 中文 ok") == f'CO₂ <font name="{FALLBACK}">中文</font> ok'


def test_lines_are_kept_only_when_asked(fonts: Fonts) -> None:
    assert fonts.markup("a\nb", keep_lines=True) == "a<br/>b"
    assert fonts.markup("a\nb") == "a b"


def test_clean_removes_controls_and_unifies_line_breaks() -> None:
    assert clean("a\x00b\x07c\r\nd\u2028e\tf") == "abc\nd\ne    f"
    assert one_line("  a \n b  ") == "a b"


def test_right_to_left_runs_are_put_in_display_order() -> None:
    assert visual_order("say עברית now") == "say תירבע now"
    assert visual_order("שלום 2026") == "2026 םולש"
    assert visual_order("plain") == "plain"


def test_right_to_left_text_is_kept_in_typed_order_in_the_markup(fonts: Fonts) -> None:
    """Lines are broken on logical text; each is put in display order only when drawn."""
    assert fonts.markup("say עברית now") == "say עברית now"
    assert not fonts.is_plain("עברית")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_any_text_makes_a_paragraph_reportlab_accepts(text: str) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    fonts = Fonts.load(paths.resources_dir() / "fonts")
    paragraph = Paragraph(
        fonts.markup(text, keep_lines=True), ParagraphStyle("t", fontName="FypSans")
    )
    paragraph.wrap(200, 1000)


def test_missing_font_folder_is_a_clear_error(tmp_path: Path) -> None:
    from fypdesk.domain.errors import FypdeskError
    from fypdesk.export import fonts as fonts_module

    with pytest.raises(FypdeskError, match="cannot load the brief's font"):
        fonts_module._register("FypMissing", tmp_path / "nope.ttf")
