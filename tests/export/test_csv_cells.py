"""CSV cells that a spreadsheet cannot run as formulas, and numbers that stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fypdesk.export.csv_cells import FORMULA_STARTS, cell, csv_text, neutralise


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.invalid","x")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        "-",
        "=",
        "-10 million",
        "+41 pp",
    ],
)
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-10", "-13.5", "+41", "-0.5", "1e-07", "-1.5E+20", "56"])
def test_text_that_is_a_number_stays_a_number(text: str) -> None:
    assert neutralise(text) == text


@pytest.mark.parametrize(
    ("value", "shown"),
    [(-10, "-10"), (-13.5, "-13.5"), (-10.0, "-10"), (1e-7, "1e-07"), (None, ""), (True, "true")],
)
def test_our_numbers_are_never_prefixed(value: object, shown: str) -> None:
    assert cell(value) == shown


@given(st.text())
def test_no_cell_reads_back_as_a_formula(text: str) -> None:
    out = csv_text([{"a": text, "b": -1.25}], ["a", "b"])
    (row,) = list(csv.DictReader(io.StringIO(out, newline="")))
    assert not row["a"].startswith(FORMULA_STARTS) or row["a"] == neutralise(row["a"])
    assert row["a"] in {text, "'" + text}
    assert row["b"] == "-1.25"


def test_a_carriage_return_inside_a_cell_is_quoted() -> None:
    out = csv_text([{"a": "one\rtwo", "b": "x"}], ["a", "b"])
    assert out == 'a,b\n"one\rtwo",x\n'
    assert list(csv.reader(io.StringIO(out, newline=""))) == [["a", "b"], ["one\rtwo", "x"]]
