"""Targets and figures as the text a brief prints: fact lines, table rows and chart bars.

Values, years and currency equivalents are written by :mod:`fypdesk.domain.quantity_text`, as
the window and the commands write them; numbers as the source writes them, so every number of the
briefing can be found verbatim in the brief.
"""

from __future__ import annotations

from collections.abc import Sequence

from fypdesk.domain.content import Quantity, QuantityKind, QuantityRole
from fypdesk.domain.growth import format_number, implied_change
from fypdesk.domain.quantity_text import (
    IMPLIED_YEAR_MARK,
    baseline_text,
    percent_text,
    unit_text,
    value_text,
    value_with_unit,
    with_equivalents,
    year_text,
)
from fypdesk.export.document import Chart, ChartBar, Fact, TargetRow

#: Shown under every target table; the marks it explains are added by the functions below.
TABLE_FOOTNOTE = (
    "* Year not stated in the source: the plan period's end (target) or the year before it "
    "starts (baseline) is assumed. Change: the relative change from baseline to target and the "
    "implied compound annual growth rate."
)
#: Shown where a cell has nothing to say; an empty cell looks like an omission.
NONE_MARK = "–"


def fact(quantity: Quantity, citation: int | None, *, named: bool = False) -> Fact:
    """A target or figure as one line: ``Target: 4.3 trillion CNY by 2025, from 2.64 ...``.

    ``named`` puts the indicator first (``Target ICT industry revenue: 4.3 ...``), for a
    quantity printed under an item of another title: "Target 30% by 2030" alone says not of what.
    """
    value = with_equivalents(value_with_unit(quantity), quantity)
    if quantity.role is QuantityRole.TARGET:
        label, text = "Target", f"{value} by {quantity.year}"
        baseline = baseline_text(quantity)
        if baseline is not None:
            text += f", from {baseline}"
    else:
        label, text = "Reported", f"{value} ({year_text(quantity)})"
    if named:
        text = f"{quantity.indicator}: {text}"
    return Fact(label=label, text=text, citation=citation)


def change_text(quantity: Quantity, plan_base_year: int) -> str:
    """What a level target implies (``+62.9%, +10.5% a year``); a dash when it cannot be said."""
    change = implied_change(quantity, plan_base_year)
    if change is None or change.relative is None:
        return NONE_MARK
    text = percent_text(change.relative)
    if change.annual_rate is not None:
        assumed = "*" if change.base_year_assumed else ""
        text += f", {percent_text(change.annual_rate)} a year{assumed}"
    return text


def target_row(quantity: Quantity, plan_base_year: int, citation: int | None) -> TargetRow:
    """A target as a table row."""
    baseline_year = NONE_MARK
    baseline = NONE_MARK
    if quantity.baseline is not None:
        baseline = format_number(quantity.baseline)
        baseline_year = (
            str(quantity.baseline_year) if quantity.baseline_year is not None else IMPLIED_YEAR_MARK
        )
    return TargetRow(
        indicator=quantity.indicator,
        baseline=baseline,
        baseline_year=baseline_year,
        target=value_text(quantity),
        target_year=year_text(quantity),
        unit=unit_text(quantity),
        change=change_text(quantity, plan_base_year),
        citation=citation,
    )


def charts(plan_title: str, targets: Sequence[Quantity]) -> tuple[Chart, ...]:
    """Baseline-against-target charts, one per unit (bars of different units are not comparable).

    Only level targets that state both numbers are drawn; a chart of a single unit with one bar is
    still drawn, because a reader compares the two bars, not the indicators.
    """
    by_unit: dict[str, list[Quantity]] = {}
    for quantity in targets:
        if quantity.kind is QuantityKind.LEVEL and quantity.baseline is not None:
            by_unit.setdefault(quantity.unit, []).append(quantity)
    result = []
    for unit, group in by_unit.items():
        years = {q.baseline_year for q in group}
        baseline_year = years.pop() if len(years) == 1 else None
        target_years = {q.year for q in group}
        target_year = target_years.pop() if len(target_years) == 1 else None
        result.append(
            Chart(
                title=f"{plan_title}: baseline and target ({unit})",
                unit=unit,
                baseline_label=f"Baseline ({baseline_year})" if baseline_year else "Baseline",
                target_label=f"Target ({target_year})" if target_year else "Target",
                bars=tuple(
                    ChartBar(q.indicator, float(q.baseline or 0), float(q.value)) for q in group
                ),
            )
        )
    return tuple(result)
