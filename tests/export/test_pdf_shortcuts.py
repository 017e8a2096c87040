"""The renderer's shortcuts print exactly what the long way prints.

A render keeps each paragraph's line breaks per width, draws short plain texts (a note's label,
a table's years and numbers) as strings instead of paragraphs, and relies on reportlab's C
accelerators. Each test here sets a shortcut against the long way on the same input, in real
PDFs read back with pypdf: the same text at the same place in the same font.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from fypdesk import paths
from fypdesk.export.document import TargetRow, TargetTable
from fypdesk.export.fonts import Fonts
from fypdesk.export.pdf_pages import RenderContext

#: (text, x, y, font, size) of every text run on a page, positions rounded to 0.01 pt.
Run = tuple[str, float, float, str, float]


@pytest.fixture(scope="module")
def context() -> RenderContext:
    from fypdesk.export import pdf_styles as ps

    fonts = Fonts.load(paths.resources_dir() / "fonts")
    return RenderContext(fonts, ps.build_styles(), width=450, height=700)


def _runs(flowables: list[Any], width: float = 450) -> list[Run]:
    """Lay ``flowables`` out in one frame of a fresh PDF and read back where each text run went."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame

    from fypdesk.export.font_table import REGULAR

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width + 40, 800), initialFontName=REGULAR)
    Frame(20, 20, width, 760, showBoundary=0).addFromList(list(flowables), canvas)
    canvas.showPage()
    canvas.save()
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            # Where the run starts on the page: the text matrix's origin through the CTM.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font["/BaseFont"]) if font is not None else ""
            runs.append((text.strip(), round(x, 2), round(y, 2), name, round(size * tm[0], 2)))

    PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text(visitor_text=visit)
    return runs


def _note_parts(context: RenderContext, make: Callable[..., Any]) -> list[Any]:
    s = context.styles
    return [
        make("NOTE · on “Digital economy”", s.note_label),
        make("A short plain note & <b>not bold</b>", s.note_body),
        make("Tags: follow-up · risk — 2026-11-02", s.note_meta),
    ]


def test_plain_lines_print_like_one_line_paragraphs(context: RenderContext) -> None:
    plain = _note_parts(context, lambda text, style: context.line(text, style, 400))
    assert all(type(part).__name__ == "PlainLine" for part in plain)
    paragraphs = _note_parts(context, context.para)
    assert _runs(plain) == _runs(paragraphs)
    assert "A short plain note & <b>not bold</b>" in [run[0] for run in _runs(plain)]


@pytest.mark.parametrize(
    "text",
    [
        "中文笔记",  # needs the fallback font
        "עברית",  # right to left: reordered
        "two  spaces",  # a paragraph collapses them
        "soft\u00adhyphen",  # a paragraph hides it
        "line\nbreak",
        "a long note " * 20,  # more than one line
    ],
)
def test_text_a_string_cannot_print_stays_a_paragraph(context: RenderContext, text: str) -> None:
    assert not context.is_plain_line(text, context.styles.note_body, 400)
    assert type(context.line(text, context.styles.note_body, 400)).__name__ == "BriefParagraph"


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.characters(), st.sampled_from(" <&>\u00ad\u200b中ب😀")), max_size=40))
def test_plain_text_is_text_whose_markup_only_escapes_it(text: str) -> None:
    """What is drawn as a plain string is exactly what the paragraph would have printed."""
    fonts = Fonts.load(paths.resources_dir() / "fonts")
    if fonts.is_plain(text):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert fonts.markup(text) == escaped
        assert fonts.uncovered(text) == []


def test_a_right_aligned_style_is_never_a_plain_line(context: RenderContext) -> None:
    line = context.line("2025", context.styles.table_number, 400)
    assert type(line).__name__ == "BriefParagraph"


def test_table_string_cells_print_like_paragraph_cells(
    context: RenderContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fypdesk.export.pdf_table import story_table

    rows = (
        TargetRow(
            "Core digital economy industries, share of GDP",
            "7.8",
            "2020",
            "10",
            "2025",
            "%",
            "+28.2%, +5.1% a year",
            3,
        ),
        TargetRow("中文 indicator", "–", "–", "≥ 4.3 trillion", "2025*", "CNY", "–", None),
    )
    table = TargetTable("Targets", rows, "Footnote")
    with_strings = story_table(context, table)
    assert "2020" in with_strings[1]._cellvalues[1]  # the year is a plain string cell
    monkeypatch.setattr(RenderContext, "is_plain_line", lambda *_args: False)
    with_paragraphs = story_table(context, table)
    assert all(not isinstance(cell, str) for row in with_paragraphs[1]._cellvalues for cell in row)
    assert _runs(with_strings) == _runs(with_paragraphs)


def test_a_paragraph_measured_again_keeps_its_lines(context: RenderContext) -> None:
    from reportlab.platypus import Paragraph

    text = "Targets for the digital economy, with notes that wrap over several lines. " * 6
    style = context.styles.body
    kept = context.para(text, style)
    first = kept.wrap(300, 1000)
    lines = kept.blPara
    assert kept.wrap(300, 50) == first and kept.blPara is lines  # broken once, given back
    assert kept.wrap(200, 1000)[1] > first[1]  # another width: broken again, taller
    assert kept.wrap(300, 1000) == first and kept.blPara is lines
    fresh = Paragraph(context.fonts.markup(text), style)
    assert fresh.wrap(300, 1000) == first
    # Split where a page ends: the same pieces as a paragraph measured once.
    assert [piece.wrap(300, 1000) for piece in kept.split(300, 60)] == [
        piece.wrap(300, 1000) for piece in fresh.split(300, 60)
    ]


def test_reportlab_uses_its_c_accelerators() -> None:
    """rl-accel is a dependency: without it every string width is measured in Python."""
    from reportlab.lib import rl_accel

    assert not rl_accel._py_funcs, f"pure-Python fallbacks in use: {sorted(rl_accel._py_funcs)}"
