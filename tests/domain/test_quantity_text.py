"""The one quantity formatter: what a reader must be able to tell from a value's text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fypdesk.domain.content import (
    CurrencyEquivalent,
    Direction,
    EuroEquivalent,
    Qualifier,
    Quantity,
    QuantityKind,
    QuantityRole,
)
from fypdesk.domain.quantity_text import (
    IMPLIED_YEAR_MARK,
    IMPLIED_YEAR_NOTE,
    MINUS,
    baseline_text,
    change_sign,
    currency_label,
    equivalent_lines,
    eur_text,
    number_span,
    period_text,
    quantity_text,
    signed_value,
    unit_text,
    value_text,
    value_with_unit,
    with_equivalents,
    year_text,
)

LEVEL = Quantity(
    id="ict/targets/5g-usage-rate",
    role=QuantityRole.TARGET,
    plan="ict",
    parent_id="ict/targets",
    indicator="5G usage rate",
    kind=QuantityKind.LEVEL,
    direction=Direction.INCREASE,
    value=56,
    year=2025,
    unit="%",
    source="from 15% to 56%",
    baseline=15,
    baseline_year=2020,
)
#: "18% fewer CO₂ emissions per industrial added value", no year stated.
DECREASE = replace(
    LEVEL,
    id="green/targets/co2-intensity",
    kind=QuantityKind.CHANGE,
    direction=Direction.DECREASE,
    value=18,
    baseline=None,
    baseline_year=None,
    year_stated=False,
)
#: "+3.3% share of high-tech manufacturing" over 2016-2020.
INCREASE = replace(
    DECREASE,
    id="green/figures/high-tech-share",
    role=QuantityRole.FIGURE,
    direction=Direction.INCREASE,
    value=3.3,
    year=2020,
    year_stated=True,
    period_start=2016,
)
REVENUE = replace(
    LEVEL,
    value=4.3,
    baseline=2.64,
    baseline_year=None,
    unit="trillion CNY",
    eur=EuroEquivalent("billion EUR", baseline=367, value=597, qualifier=Qualifier.APPROX),
)


def test_a_decrease_reads_as_one() -> None:
    assert value_text(DECREASE) == f"{MINUS}18"
    assert value_with_unit(DECREASE) == "−18%"
    assert quantity_text(DECREASE) == "−18% (2025*)"


def test_a_decrease_uses_the_minus_sign_not_a_hyphen() -> None:
    assert MINUS == "\u2212"
    assert "-" not in quantity_text(DECREASE)


def test_an_increase_carries_a_plus() -> None:
    assert value_with_unit(INCREASE) == "+3.3%"


def test_a_level_has_no_sign() -> None:
    assert change_sign(LEVEL) == ""
    assert quantity_text(LEVEL) == "56% (2025)"
    # A level target below its baseline is still a level to reach, not a change.
    assert value_text(replace(LEVEL, direction=Direction.DECREASE)) == "56"


def test_a_range_keeps_both_ends() -> None:
    communities = replace(LEVEL, value=2, value_max=3, unit="open-source communities")
    assert number_span(communities) == "2–3"
    assert value_with_unit(communities) == "2–3 open-source communities"


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (replace(LEVEL, value=80, qualifier=Qualifier.UP_TO), "up to 80%"),
        (
            replace(LEVEL, value=20000, qualifier=Qualifier.ALMOST, unit="products"),
            "almost 20000 products",
        ),
        (replace(INCREASE, value=30, qualifier=Qualifier.OVER), "over +30%"),
        (replace(DECREASE, value=10, value_max=12, qualifier=Qualifier.APPROX), "approx. −10–12%"),
        # The hedges of other publishers' briefings.
        (replace(LEVEL, value=30, qualifier=Qualifier.AT_LEAST), "at least 30%"),
        (replace(LEVEL, value=30, qualifier=Qualifier.MORE_THAN), "more than 30%"),
        (replace(LEVEL, value=30, qualifier=Qualifier.ABOUT), "about 30%"),
        (replace(LEVEL, value=30, qualifier=Qualifier.NO_MORE_THAN), "no more than 30%"),
        (replace(LEVEL, value=3, qualifier=Qualifier.BELOW), "below 3%"),
    ],
)
def test_the_qualifier_comes_first(quantity: Quantity, expected: str) -> None:
    assert value_with_unit(quantity) == expected


def test_an_approximate_euro_amount_keeps_its_approx() -> None:
    assert eur_text(REVENUE) == "approx. 597 billion EUR"
    assert with_equivalents(value_with_unit(REVENUE), REVENUE) == (
        "4.3 trillion CNY (approx. 597 billion EUR)"
    )
    assert quantity_text(REVENUE, unit=False) == "4.3 (2025)"  # a table: euros in the unit cell


def test_a_euro_amount_has_its_own_qualifier() -> None:
    over = replace(REVENUE, eur=EuroEquivalent("billion EUR", value=139, qualifier=Qualifier.OVER))
    assert eur_text(over) == "over 139 billion EUR"
    exact = replace(REVENUE, eur=EuroEquivalent("billion EUR", value=597))
    assert eur_text(exact) == "597 billion EUR"


def test_no_euro_amount_adds_nothing() -> None:
    assert eur_text(LEVEL) is None
    assert with_equivalents("56%", LEVEL) == "56%"
    assert equivalent_lines(LEVEL) == ()
    # A euro baseline alone is no equivalent of the value.
    baseline_only = replace(REVENUE, eur=EuroEquivalent("billion EUR", baseline=367))
    assert eur_text(baseline_only) is None


#: An amount converted into US dollars by its source.
USD_800M = CurrencyEquivalent("million USD", value=800, qualifier=Qualifier.APPROX, currency="USD")
#: "1.2 billion EXD (approx. 800 million USD)".
DUCATS = replace(LEVEL, value=1.2, baseline=None, unit="billion EXD", equivalent=USD_800M)


def test_an_equivalent_in_another_currency_reads_as_the_euro_one_does() -> None:
    assert with_equivalents(value_with_unit(DUCATS), DUCATS) == (
        "1.2 billion EXD (approx. 800 million USD)"
    )
    assert unit_text(DUCATS) == "billion EXD (approx. 800 million USD)"
    assert quantity_text(DUCATS) == "1.2 billion EXD (approx. 800 million USD) (2025)"
    assert eur_text(DUCATS) is None  # no euros: nothing reads "In euros"
    assert equivalent_lines(DUCATS) == (("In US dollars", "approx. 800 million USD"),)


def test_two_equivalents_read_euro_first() -> None:
    both = replace(REVENUE, equivalent=replace(USD_800M, unit="billion USD", value=650))
    assert unit_text(both) == "trillion CNY (approx. 597 billion EUR; approx. 650 billion USD)"
    assert [label for label, _ in equivalent_lines(both)] == ["In euros", "In US dollars"]


@pytest.mark.parametrize(
    ("currency", "label"),
    [
        ("EUR", "In euros"),
        ("USD", "In US dollars"),
        ("GBP", "In pounds sterling"),
        ("XYZ", "In XYZ"),
    ],
)
def test_each_currency_is_labelled_by_its_name_or_its_code(currency: str, label: str) -> None:
    assert currency_label(currency) == label


def test_the_euro_equivalent_keeps_its_old_name() -> None:
    assert EuroEquivalent is CurrencyEquivalent
    assert EuroEquivalent("billion EUR", value=1).currency == "EUR"


def test_an_implied_year_is_marked() -> None:
    assert year_text(DECREASE) == f"2025{IMPLIED_YEAR_MARK}"
    assert year_text(LEVEL) == "2025"
    assert IMPLIED_YEAR_NOTE.startswith(IMPLIED_YEAR_MARK + " ")


def test_a_figure_over_a_period_shows_the_period() -> None:
    assert year_text(INCREASE) == "2016–2020"
    assert quantity_text(INCREASE) == "+3.3% (2016–2020)"
    assert period_text(2021, 2025) == "2021–2025"


def test_numbers_are_written_as_the_source_writes_them() -> None:
    assert value_text(replace(LEVEL, value=4.0)) == "4"
    assert value_text(replace(LEVEL, value=1.04)) == "1.04"
    assert value_text(replace(LEVEL, value=2121)) == "2121"


def test_baseline() -> None:
    assert baseline_text(LEVEL) == "15% (2020)"
    assert baseline_text(LEVEL, unit=False) == "15 (2020)"
    assert baseline_text(REVENUE) == "2.64 trillion CNY"  # the source states no baseline year
    assert baseline_text(DECREASE) is None


def test_values_sort_as_they_read() -> None:
    values = sorted([LEVEL, DECREASE, INCREASE], key=signed_value)
    assert [value_text(q) for q in values] == ["−18", "+3.3", "56"]


def test_the_formatter_is_pure_python() -> None:
    """The window, the commands and the briefs all import it: it imports only the domain."""
    import ast
    import inspect

    from fypdesk.domain import quantity_text

    tree = ast.parse(inspect.getsource(quantity_text))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert imported <= {"__future__", "fypdesk.domain.content", "fypdesk.domain.growth"}


def test_a_table_puts_the_euro_equivalent_after_the_unit() -> None:
    # "4.3 | trillion CNY (approx. 597 billion EUR)": the value is never parted from its unit.
    assert value_text(REVENUE) == "4.3"
    assert unit_text(REVENUE) == "trillion CNY (approx. 597 billion EUR)"
    assert quantity_text(REVENUE, unit=False) == "4.3 (2025)"
    assert unit_text(DECREASE) == "%"
