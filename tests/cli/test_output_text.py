"""The text helpers of CLI output: the sanitiser, display widths and wrapping."""

from __future__ import annotations

import textwrap
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fypdesk.cli.output import display_width, table, visible, wrap


def test_a_wrapped_chinese_column_fits_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    text = "提高工业互联网平台普及率" * 12
    lines = table(["id", "indicator"], [["a", text], ["b", "short"]], wrap_column=1)
    assert max(display_width(line) for line in lines) <= 60
    assert "".join(line[len("a  ") :].strip() for line in lines[2:-1]) == text


def test_wrap_measures_columns_and_keeps_every_character() -> None:
    text = "Mixed 中文文本 and words 非常长的中文句子没有任何空格可以换行的地方"
    for width in (2, 5, 16, 40):
        lines = wrap(text, width)
        assert all(display_width(line) <= width for line in lines), (width, lines)
        assert "".join("".join(lines).split()) == "".join(text.split())


def test_visible_keeps_ordinary_text_exactly() -> None:
    text = "CO₂ 排放 עברית مرحبا 🚀 é\u0301 A‍B"
    assert visible(text) == text
    assert visible("a\nb\tc", multi_line=True) == "a\nb\tc"
    assert visible("a\nb\tc") == "a\\x0ab\\x09c"
    assert unicodedata.east_asian_width("中") == "W" and display_width("中文a") == 5


@given(st.text())
def test_visible_never_lets_a_control_through(text: str) -> None:
    for shown in (visible(text), visible(text, multi_line=True)):
        assert not any(
            unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"} and ch not in "\n\t"
            for ch in shown
        )
        assert not any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in shown)
    assert "\n" not in visible(text) and "\t" not in visible(text)
    assert visible(visible(text)) == visible(text)


@given(st.text(), st.integers(min_value=2, max_value=80))
def test_wrap_fits_and_keeps_every_word(text: str, width: int) -> None:
    lines = wrap(visible(text), width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(visible(text).split())


@pytest.mark.parametrize("width", [12, 16, 23, 30])
def test_english_wraps_as_textwrap_does(width: int) -> None:
    text = (
        "Output value of energy-saving and environment-conservation industries (achieved); "
        "share of high-tech manufacturers in large-scale manufacturers' industrial added value"
    )
    assert wrap(text, width) == textwrap.wrap(text, width)
