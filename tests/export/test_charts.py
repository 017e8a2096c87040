"""Baseline-against-target charts: what the drawing holds, where the bars end, the axis ticks."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.graphics.shapes import Drawing, Rect, String

from fypdesk.export import pdf_styles as ps
from fypdesk.export.charts import LABEL_WIDTH, MIN_SPAN, VALUE_ROOM, axis_ticks, chart_drawing
from fypdesk.export.document import Chart, ChartBar

WIDTH = 450.0


def _chart(*bars: tuple[str, float, float]) -> Chart:
    return Chart(
        title="ICT: baseline and target (trillion CNY)",
        unit="trillion CNY",
        baseline_label="Baseline",
        target_label="Target (2025)",
        bars=tuple(ChartBar(label, baseline, target) for label, baseline, target in bars),
    )


def _shapes(drawing: Drawing, kind: type) -> list[Any]:
    return [shape for shape in drawing.contents if isinstance(shape, kind)]


def _bars(drawing: Drawing, colour: object) -> list[Rect]:
    return [r for r in _shapes(drawing, Rect) if r.fillColor == colour and r.strokeColor is None]


def test_chart_holds_title_legend_labels_and_every_value() -> None:
    drawing = chart_drawing(
        _chart(("ICT industry revenue", 2.64, 4.3), ("Investment in ICT infrastructure", 2.5, 3.7)),
        WIDTH,
    )
    texts = [s.text for s in _shapes(drawing, String)]
    for expected in ("ICT: baseline and target (trillion CNY)", "Baseline", "Target (2025)",
                     "ICT industry revenue", "Investment in ICT infrastructure",
                     "2.64", "4.3", "2.5", "3.7"):  # fmt: skip
        assert expected in texts
    assert [t for t in texts if t in {"0", "1", "2", "3", "4"}] == ["0", "1", "2", "3", "4"]


def test_bar_lengths_are_proportional_to_values_and_fit_the_drawing() -> None:
    drawing = chart_drawing(_chart(("Revenue", 15.0, 56.0), ("Ratio", 3.6, 4.5)), WIDTH)
    baselines, targets = _bars(drawing, ps.BASELINE_BAR), _bars(drawing, ps.TARGET_BAR)
    assert len(baselines) == len(targets) == 2
    # All bars start at zero, on the plot's left edge; the longest ends at the plot's right edge.
    assert {bar.x for bar in baselines + targets} == {LABEL_WIDTH}
    assert targets[0].width == pytest.approx(WIDTH - LABEL_WIDTH - VALUE_ROOM)
    assert baselines[0].width / targets[0].width == pytest.approx(15.0 / 56.0)
    assert baselines[1].width / targets[1].width == pytest.approx(3.6 / 4.5)
    # The baseline bar sits above its target bar; the first indicator's pair above the second's.
    assert baselines[0].y > targets[0].y > baselines[1].y > targets[1].y >= 0
    for shape in _shapes(drawing, Rect):
        assert shape.x >= 0 and shape.x + shape.width <= WIDTH
        assert shape.y >= 0 and shape.y + shape.height <= drawing.height


def test_long_indicator_names_wrap_onto_lines_of_the_label_column() -> None:
    name = "Ratio of R&D investment to revenue of basic telecommunication enterprises"
    drawing = chart_drawing(_chart((name, 3.6, 4.5)), WIDTH)
    lines = [s for s in _shapes(drawing, String) if s.textAnchor == "end"]
    assert len(lines) > 1 and " ".join(s.text for s in lines) == name
    assert all(s.x < LABEL_WIDTH for s in lines)


def test_a_negative_value_draws_left_of_zero() -> None:
    drawing = chart_drawing(_chart(("Emissions", -2.0, 5.0)), WIDTH)
    (baseline,) = _bars(drawing, ps.BASELINE_BAR)
    (target,) = _bars(drawing, ps.TARGET_BAR)
    assert baseline.x + baseline.width == pytest.approx(target.x)  # both meet at zero
    assert baseline.x >= LABEL_WIDTH


@pytest.mark.parametrize(
    ("high", "expected"),
    [
        (4.3, [0, 1, 2, 3, 4]),
        (56, [0, 20, 40]),
        (0.3, [0, 0.1, 0.2, 0.3]),
        (1100, [0, 250, 500, 750, 1000]),
        (0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    ],
)
def test_axis_ticks_are_round_numbers(high: float, expected: list[float]) -> None:
    assert axis_ticks(0, high) == expected


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
)
def test_axis_ticks_cover_zero_to_the_largest_value_in_a_few_round_steps(
    a: float, b: float
) -> None:
    low, high = min(a, b), max(a, b)
    ticks = axis_ticks(low, high)
    assert 0.0 in ticks
    assert 2 <= len(ticks) <= 12
    step = ticks[1] - ticks[0]
    assert all(math.isclose(y - x, step, rel_tol=1e-6) for x, y in itertools.pairwise(ticks))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))
    # The ticks span zero to the values, ending on the last round number inside that range.
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low < MIN_SPAN:
        high = low + 1.0
    eps = 1e-6 * step
    assert low - step - eps < ticks[0] <= low + eps
    assert high - step - eps < ticks[-1] <= high + eps


def test_labels_the_body_font_lacks_are_drawn_in_their_fallback_font() -> None:
    from fypdesk import paths
    from fypdesk.export.font_table import BOLD, FALLBACK, REGULAR
    from fypdesk.export.fonts import Fonts

    fonts = Fonts.load(paths.resources_dir() / "fonts")
    chart = Chart(
        title="信息通信: baseline and target",
        unit="%",
        baseline_label="基线",
        target_label="Target (2025)",
        bars=(ChartBar("5G用户普及率", 15.0, 56.0),),
    )
    drawing = chart_drawing(chart, WIDTH, fonts.font_for)
    runs = [(s.text, s.fontName) for s in _shapes(drawing, String)]
    assert ("信息通信", FALLBACK) in runs and (": baseline and target", BOLD) in runs
    assert ("基线", FALLBACK) in runs and ("Target (2025)", REGULAR) in runs
    assert ("5G", REGULAR) in runs and ("用户普及率", FALLBACK) in runs
    # The runs of a right-aligned label end where a one-font label would: at the axis.
    label = [s for s in _shapes(drawing, String) if s.text in {"5G", "用户普及率"}]
    end = max(s.x + fonts_width(s) for s in label)
    assert end == pytest.approx(LABEL_WIDTH - 4.0, abs=0.01)
    # Without the fonts (the default), one string in the body font, as before.
    plain = chart_drawing(chart, WIDTH)
    assert ("5G用户普及率", REGULAR) in [(s.text, s.fontName) for s in _shapes(plain, String)]


def fonts_width(string: String) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(string.text, string.fontName, string.fontSize))
