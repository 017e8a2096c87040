"""Reading the numbers of a quote as its source writes them (fypdesk.content.quote_numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fypdesk.content.quote_numbers import missing, readings, stated_numbers, written_numbers


@pytest.mark.parametrize(
    ("written", "values"),
    [
        ("56", {"56"}),
        ("2.64", {"2.64"}),
        ("4,3", {"4.3"}),  # a decimal comma
        ("20,000", {"20000"}),  # three trailing zeros: never a decimal
        ("240.000", {"240000"}),  # European thousands: not 240
        ("1.125", {"1125", "1.125"}),  # ambiguous: both readings
        ("1,000,000", {"1000000"}),
        ("1.000.000", {"1000000"}),
        ("1,234.5", {"1234.5"}),
        ("1.234,5", {"1234.5"}),
        ("20\u00a0000", {"20000"}),  # a no-break space between thousands
        ("12,34,567", set()),  # groups that are not thousands: read as nothing
    ],
)
def test_a_number_is_read_every_way_its_source_may_mean_it(written: str, values: set[str]) -> None:
    assert {v.normalize() for v in readings(written)} == {Decimal(v).normalize() for v in values}


def test_a_quote_states_its_numbers_words_and_both_ends_of_a_range() -> None:
    quote = "Training two million workers; 2-3 communities by 2025 (approx.153 million EUR)."
    stated = stated_numbers(quote)
    for value in ("2", "3", "2025", "153"):
        assert Decimal(value) in stated
    assert written_numbers(quote) == ["two", "2", "3", "2025", "153"]
    # A plain space joins nothing: "in 2025 20 projects" states 2025 and 20, never 202520.
    assert stated_numbers("in 2025 20") == {Decimal("2025"), Decimal("20")}


def test_the_numbers_a_quote_does_not_state_are_named() -> None:
    quote = "Reach 240.000 charging stations, from 15% to 56%."
    numbers = [("target", 240.0), ("baseline", 15), ("target_max", None), ("other", 56.0)]
    assert missing(quote, numbers) == ["target"]
    assert missing(quote, [("target", 240000)]) == []
