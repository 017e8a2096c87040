"""What a target implies: absolute and relative change, and the compound annual growth rate."""

from __future__ import annotations

from dataclasses import dataclass

from fypdesk.domain.content import Number, Quantity, QuantityKind


@dataclass(frozen=True, slots=True)
class ImpliedChange:
    """The change from a target's baseline to its value.

    ``base_year_assumed`` is true when the source gives no baseline year and the plan period's base
    year (the year before the period starts) was used to compute the annual rate.
    """

    absolute: Number
    relative: float | None
    annual_rate: float | None
    base_year: int | None
    base_year_assumed: bool


def implied_change(quantity: Quantity, plan_base_year: int | None) -> ImpliedChange | None:
    """The change a level target implies, or ``None`` when it has no baseline.

    Args:
        quantity: a target or figure of kind ``level``.
        plan_base_year: the year before the plan period starts (2020 for 2021-2025), used when the
            source states a baseline but not its year.
    """
    if quantity.kind is not QuantityKind.LEVEL or quantity.baseline is None:
        return None
    baseline = quantity.baseline
    absolute = _tidy(quantity.value - baseline)
    relative = (quantity.value - baseline) / baseline if baseline else None
    base_year = quantity.baseline_year if quantity.baseline_year is not None else plan_base_year
    annual_rate: float | None = None
    if base_year is not None and quantity.year > base_year and baseline > 0 and quantity.value > 0:
        annual_rate = (quantity.value / baseline) ** (1 / (quantity.year - base_year)) - 1
    return ImpliedChange(
        absolute=absolute,
        relative=relative,
        annual_rate=annual_rate,
        base_year=base_year,
        base_year_assumed=quantity.baseline_year is None and base_year is not None,
    )


def _tidy(number: float) -> Number:
    """Round away binary noise (4.3 - 2.64 = 1.6599999999999997) to the inputs' precision."""
    rounded = round(float(number), 10)
    return int(rounded) if rounded.is_integer() else rounded


def format_number(number: Number) -> str:
    """A number as the source would write it: no trailing ``.0``, thousands unseparated."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return repr(number)


def with_unit(number_text: str, unit: str) -> str:
    """``80%`` but ``4.3 trillion CNY``: percent signs attach, other units are words."""
    return f"{number_text}{unit}" if unit in {"%", "‰"} else f"{number_text} {unit}".rstrip()
