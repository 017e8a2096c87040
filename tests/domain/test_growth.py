"""What a target implies: change and compound annual growth."""

from __future__ import annotations

import pytest

from fypdesk.domain.content import Direction, Quantity, QuantityKind, QuantityRole
from fypdesk.domain.growth import format_number, implied_change
from fypdesk.domain.quantity_text import absolute_change_text, percent_text


def _target(**fields: object) -> Quantity:
    base: dict[str, object] = {
        "id": "ict/targets/x",
        "role": QuantityRole.TARGET,
        "plan": "ict",
        "parent_id": "ict/targets",
        "indicator": "x",
        "kind": QuantityKind.LEVEL,
        "direction": Direction.INCREASE,
        "value": 4.3,
        "year": 2025,
        "unit": "trillion CNY",
        "source": "x",
        "baseline": 2.64,
    }
    return Quantity(**(base | fields))  # type: ignore[arg-type]


def test_change_and_annual_growth_with_the_plan_base_year() -> None:
    change = implied_change(_target(), plan_base_year=2020)
    assert change is not None
    assert change.absolute == 1.66  # not 1.6599999999999997
    assert change.relative == pytest.approx(4.3 / 2.64 - 1)
    assert change.annual_rate == pytest.approx(0.102486, abs=1e-6)  # (4.3 / 2.64) ** (1 / 5) - 1
    assert change.base_year == 2020 and change.base_year_assumed


def test_a_stated_baseline_year_is_used() -> None:
    change = implied_change(_target(baseline=15, value=56, baseline_year=2020), plan_base_year=None)
    assert change is not None and not change.base_year_assumed
    assert change.annual_rate == pytest.approx((56 / 15) ** (1 / 5) - 1)


def test_no_baseline_or_a_change_target_implies_nothing() -> None:
    assert implied_change(_target(baseline=None), 2020) is None
    assert implied_change(_target(kind=QuantityKind.CHANGE), 2020) is None


def test_without_any_base_year_there_is_no_annual_rate() -> None:
    change = implied_change(_target(), plan_base_year=None)
    assert change is not None and change.annual_rate is None


@pytest.mark.parametrize(
    ("number", "text"),
    [(20000, "20000"), (2.64, "2.64"), (13.5, "13.5"), (4.0, "4"), (1.04, "1.04")],
)
def test_numbers_print_as_the_source_writes_them(number: float, text: str) -> None:
    assert format_number(number) == text


@pytest.mark.parametrize(
    ("absolute", "unit", "text"),
    [
        (41, "%", "+41 pp"),
        (1.66, "trillion CNY", "+1.66 trillion CNY"),
        (-3, "%", "\u22123 pp"),  # the minus sign, as every other value is written
        (0, "%", "0 pp"),
    ],
)
def test_an_absolute_change_of_a_percentage_is_in_points(
    absolute: float, unit: str, text: str
) -> None:
    assert absolute_change_text(absolute, unit) == text


def test_a_relative_change_has_a_sign_and_the_minus_sign() -> None:
    assert (percent_text(0.629), percent_text(-0.05), percent_text(0)) == (
        "+62.9%",
        "\u22125.0%",
        "+0.0%",
    )
