"""Baseline-against-target bar charts, drawn with reportlab's graphics in the brief's fonts.

The chart is built from plain shapes (rectangles, lines, strings) rather than reportlab's
``HorizontalBarChart`` and ``Legend`` widgets: the widgets validate every attribute they set and
expand into several hundred nodes per chart, which made the charts a fifth of a whole brief's
rendering time (docs/performance.md). The drawing is still a reportlab ``Drawing``, kept on one
page by the caller.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from fypdesk.domain.growth import format_number
from fypdesk.export import pdf_styles as ps
from fypdesk.export.document import Chart
from fypdesk.export.font_table import BOLD, REGULAR
from fypdesk.export.text import one_line

LABEL_SIZE = 7.5
LABEL_LEADING = LABEL_SIZE * 1.2
LABEL_CHARS = 34  # wrap width of an indicator name, in characters
LABEL_WIDTH = 52 * mm
LABEL_GAP = 4.0  # between an indicator's name and the axis
VALUE_ROOM = 16 * mm  # to the right of the longest bar, for its value label
VALUE_GAP = 3.0  # between a bar's end and its value
TITLE_ROOM = 16.0
LEGEND_ROOM = 14.0
AXIS_ROOM = 16.0
GROUP_SPACING = 6.0  # between two indicators' pairs of bars
BAR_SPACING = 1.5  # between an indicator's baseline bar and its target bar
SWATCH = 7.0  # legend colour square
LEGEND_STEP = 90.0  # from one legend entry to the next
GRID_WIDTH = 0.3
#: Intervals of a value axis are 1, 2, 2.5 or 5 times a power of ten, about five of them.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
AXIS_INTERVALS = 5
MIN_SPAN = 1e-9


@dataclass(frozen=True)
class _Plot:
    """Where the bars go: ``x0`` is the value ``low``, ``x0 + width`` the value ``high``."""

    x0: float
    width: float
    low: float
    high: float

    def x(self, value: float) -> float:
        return self.x0 + (value - self.low) / (self.high - self.low) * self.width


#: The font that draws a character (:meth:`fypdesk.export.fonts.Fonts.font_for`): labels in
#: Chinese or other scripts the body font lacks are drawn in their fallback font, not as boxes.
FontFor = Callable[[str], str | None]


def chart_drawing(chart: Chart, width: float, font_for: FontFor | None = None) -> Drawing:
    """``chart`` as a drawing ``width`` points wide; its height grows with the number of bars.

    Without ``font_for`` every label is drawn in the body font.
    """
    plot_height = len(chart.bars) * ps.CHART_HEIGHT_PER_BAR
    height = TITLE_ROOM + LEGEND_ROOM + plot_height + AXIS_ROOM
    drawing = Drawing(width, height)
    # The renderer's starting font is Helvetica unless the drawing names another; that would put
    # an unembedded standard font into the PDF even though no text uses it.
    drawing.initialFontName = REGULAR
    drawing.initialFontSize = LABEL_SIZE
    labels = _Labels(drawing, font_for)
    labels.add(0, height - 11, one_line(chart.title), ps.INK, font=BOLD, size=9)
    _legend(labels, chart, y=height - TITLE_ROOM - 3 - SWATCH)

    values = [value for bar in chart.bars for value in (bar.baseline, bar.target)]
    ticks = axis_ticks(min(values, default=0.0), max(values, default=0.0))
    low, high = min(ticks[0], 0.0), max(ticks[-1], *values)
    plot = _Plot(LABEL_WIDTH, width - LABEL_WIDTH - VALUE_ROOM, low, high)
    _value_axis(drawing, plot, ticks, top=AXIS_ROOM + plot_height)
    group_height = plot_height / max(len(chart.bars), 1)
    for row, bar in enumerate(chart.bars):
        top = AXIS_ROOM + plot_height - row * group_height
        _category_label(labels, bar.label, centre=top - group_height / 2)
        bar_height = (group_height - GROUP_SPACING - BAR_SPACING) / 2
        baseline_y = top - GROUP_SPACING / 2 - bar_height
        _bar(drawing, plot, bar.baseline, baseline_y, bar_height, ps.BASELINE_BAR)
        _bar(drawing, plot, bar.target, baseline_y - BAR_SPACING - bar_height, bar_height,
             ps.TARGET_BAR)  # fmt: skip
    return drawing


def axis_ticks(low: float, high: float) -> list[float]:
    """Round values for a value axis that starts at zero (or below, for negative values) and
    reaches ``high``: about five intervals of 1, 2, 2.5 or 5 times a power of ten."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low < MIN_SPAN:  # all zero (or too close to it for a scale): show 0 to 1
        high = low + 1.0
    rough = (high - low) / AXIS_INTERVALS
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(m * power for m in NICE_STEPS if m * power >= rough * (1 - 1e-9))
    first = math.floor(low / step + 1e-9)
    last = math.floor(high / step + 1e-9)
    # To 12 significant digits, so that 3 * 0.1 prints as 0.3, not 0.30000000000000004.
    return [float(f"{k * step:.12g}") for k in range(first, last + 1)]


class _Labels:
    """Adds text to a drawing, each run of characters in the font that has them."""

    def __init__(self, drawing: Drawing, font_for: FontFor | None) -> None:
        self.drawing = drawing
        self._font_for = font_for

    def add(
        self,
        x: float,
        y: float,
        text: str,
        colour: object,
        anchor: str = "start",
        *,
        font: str = REGULAR,
        size: float = LABEL_SIZE,
    ) -> None:
        runs = self._runs(text, font)
        if len(runs) == 1:  # the usual case: one string, as reportlab anchors it
            self.drawing.add(_string(x, y, text, colour, anchor, font=runs[0][0], size=size))
            return
        widths = [stringWidth(run, run_font, size) for run_font, run in runs]
        total = sum(widths)
        x -= {"end": total, "middle": total / 2}.get(anchor, 0.0)
        for (run_font, run), run_width in zip(runs, widths, strict=True):
            self.drawing.add(_string(x, y, run, colour, font=run_font, size=size))
            x += run_width

    def _runs(self, text: str, body: str) -> list[tuple[str, str]]:
        if self._font_for is None:
            return [(body, text)]
        runs: list[tuple[str, str]] = []
        for char in text:
            found = self._font_for(char)
            # The body font (bold in a title), else the fallback; a character no font has
            # stays in the body font and prints as its missing-glyph box.
            font = body if found in (None, REGULAR) else found
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs or [(body, text)]


def _legend(labels: _Labels, chart: Chart, y: float) -> None:
    entries = ((ps.BASELINE_BAR, chart.baseline_label), (ps.TARGET_BAR, chart.target_label))
    for number, (colour, label) in enumerate(entries):
        x = LABEL_WIDTH + number * LEGEND_STEP
        labels.drawing.add(
            Rect(x, y, SWATCH, SWATCH, fillColor=colour, strokeColor=ps.INK, strokeWidth=0.5)
        )
        labels.add(x + SWATCH + 4, y + 0.5, one_line(label), ps.INK)


def _value_axis(drawing: Drawing, plot: _Plot, ticks: Sequence[float], top: float) -> None:
    for tick in ticks:
        x = plot.x(tick)
        drawing.add(Line(x, AXIS_ROOM, x, top, strokeColor=ps.RULE, strokeWidth=GRID_WIDTH))
        drawing.add(
            _string(x, AXIS_ROOM - 10, format_number(round(tick, 6)), ps.MUTED, anchor="middle")
        )
    drawing.add(Line(plot.x0, AXIS_ROOM, plot.x0 + plot.width, AXIS_ROOM, strokeColor=ps.RULE))
    zero = plot.x(0.0)
    drawing.add(Line(zero, AXIS_ROOM, zero, top, strokeColor=ps.RULE))


def _category_label(labels: _Labels, label: str, centre: float) -> None:
    lines = textwrap.wrap(one_line(label), LABEL_CHARS) or [""]
    # The block of lines is centred on the pair of bars; a line's baseline sits a little below
    # the middle of its own line box.
    first = centre + (len(lines) - 1) * LABEL_LEADING / 2 - LABEL_SIZE * 0.35
    for number, line in enumerate(lines):
        labels.add(LABEL_WIDTH - LABEL_GAP, first - number * LABEL_LEADING, line, ps.INK, "end")


def _bar(
    drawing: Drawing, plot: _Plot, value: float, y: float, height: float, colour: object
) -> None:
    start, end = sorted((plot.x(0.0), plot.x(value)))
    drawing.add(Rect(start, y, end - start, height, fillColor=colour, strokeColor=None))
    # A negative value's label goes just right of the zero line: left of the bar it would run
    # into the indicator's name.
    x = end + VALUE_GAP if value >= 0 else plot.x(0.0) + VALUE_GAP
    drawing.add(
        _string(x, y + height / 2 - LABEL_SIZE * 0.35, format_number(round(value, 6)), ps.INK)
    )


def _string(
    x: float,
    y: float,
    text: str,
    colour: object,
    anchor: str = "start",
    *,
    font: str = REGULAR,
    size: float = LABEL_SIZE,
) -> String:
    return String(x, y, text, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)
