"""Baseline-against-target bar charts, drawn with reportlab's graphics in the brief's fonts."""

from __future__ import annotations

import textwrap

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.units import mm

from fypdesk.domain.growth import format_number
from fypdesk.export import pdf_styles as ps
from fypdesk.export.document import Chart
from fypdesk.export.fonts import BOLD, REGULAR
from fypdesk.export.text import one_line

LABEL_SIZE = 7.5
LABEL_CHARS = 34  # wrap width of an indicator name, in characters
LABEL_WIDTH = 52 * mm
VALUE_ROOM = 16 * mm  # to the right of the longest bar, for its value label
TITLE_ROOM = 16.0
LEGEND_ROOM = 14.0
AXIS_ROOM = 16.0


def chart_drawing(chart: Chart, width: float) -> Drawing:
    """``chart`` as a drawing ``width`` points wide; its height grows with the number of bars."""
    plot_height = len(chart.bars) * ps.CHART_HEIGHT_PER_BAR
    height = TITLE_ROOM + LEGEND_ROOM + plot_height + AXIS_ROOM
    drawing = Drawing(width, height)
    # The renderer's starting font is Helvetica unless the drawing names another; that would put
    # an unembedded standard font into the PDF even though no text uses it.
    drawing.initialFontName = REGULAR
    drawing.initialFontSize = LABEL_SIZE
    drawing.add(
        String(0, height - 11, one_line(chart.title), fontName=BOLD, fontSize=9, fillColor=ps.INK)
    )

    bars = HorizontalBarChart()
    bars.x = LABEL_WIDTH
    bars.y = AXIS_ROOM
    bars.width = width - LABEL_WIDTH - VALUE_ROOM
    bars.height = plot_height
    # Series 0 is drawn nearest the axis origin (bottom); reverse so the baseline sits on top.
    bars.data = [
        [bar.target for bar in reversed(chart.bars)],
        [bar.baseline for bar in reversed(chart.bars)],
    ]
    bars.bars[0].fillColor = ps.TARGET_BAR
    bars.bars[1].fillColor = ps.BASELINE_BAR
    bars.bars.strokeColor = None
    bars.groupSpacing = 6
    bars.barSpacing = 1.5
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontName = REGULAR
    bars.valueAxis.labels.fontSize = LABEL_SIZE
    bars.valueAxis.labels.fillColor = ps.MUTED
    bars.valueAxis.strokeColor = ps.RULE
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = ps.RULE
    bars.valueAxis.gridStrokeWidth = 0.3
    bars.valueAxis.labelTextFormat = _axis_number
    bars.categoryAxis.strokeColor = ps.RULE
    bars.categoryAxis.categoryNames = [
        "\n".join(textwrap.wrap(one_line(bar.label), LABEL_CHARS)) for bar in reversed(chart.bars)
    ]
    labels = bars.categoryAxis.labels
    labels.fontName = REGULAR
    labels.fontSize = LABEL_SIZE
    labels.fillColor = ps.INK
    labels.boxAnchor = "e"
    labels.dx = -4
    labels.leading = LABEL_SIZE * 1.2
    bars.barLabelFormat = _axis_number
    bars.barLabels.fontName = REGULAR
    bars.barLabels.fontSize = LABEL_SIZE
    bars.barLabels.fillColor = ps.INK
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 3
    drawing.add(bars)

    legend = Legend()
    legend.x = LABEL_WIDTH
    legend.y = height - TITLE_ROOM - 3
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.fontName = REGULAR
    legend.fontSize = LABEL_SIZE
    legend.fillColor = ps.INK
    legend.boxAnchor = "nw"
    legend.dxTextSpace = 4
    legend.colorNamePairs = [
        (ps.BASELINE_BAR, one_line(chart.baseline_label)),
        (ps.TARGET_BAR, one_line(chart.target_label)),
    ]
    drawing.add(legend)
    return drawing


def _axis_number(value: float) -> str:
    return format_number(round(value, 6))
