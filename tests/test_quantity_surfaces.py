"""Every quantity of a briefing reads the same in every surface.

The window (reading pane, plan page, Targets and Figures tables), the command line (text table and
CSV) and the briefs (Markdown and PDF) each show every one of the targets and figures; each must
show the text :mod:`fypdesk.domain.quantity_text` makes of it. A surface with its own formatter
(the window once showed "18% fewer CO₂ emissions" as "18% (2025)") fails here. Every test runs on
the bundled briefing (its amounts in CNY with euro equivalents) and on the fictional Examplia
pack (tests/example_packs.py: amounts in EXD with US dollar equivalents).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fypdesk.cli import main
from fypdesk.cli.export_command import load_content
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import Annotations, BriefSpec
from fypdesk.domain.content import (
    CurrencyEquivalent,
    Direction,
    Number,
    Qualifier,
    Quantity,
    QuantityKind,
    QuantityRole,
)
from fypdesk.domain.quantity_text import (
    equivalent_lines,
    quantity_text,
    unit_text,
    value_text,
    value_with_unit,
    with_equivalents,
    year_text,
)
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.markdown import render_markdown
from tests.conftest import CONTENT_DB
from tests.example_packs import build_examplia

#: How many targets and figures the bundled briefing has: every one is checked.
BUNDLED_QUANTITIES = 29
#: And the fictional Examplia pack.
EXAMPLIA_QUANTITIES = 5

Mismatches = list[str]


@dataclass(frozen=True)
class Pack:
    """A pack the surfaces are compared on, and the command-line arguments that read it."""

    repository: ContentRepository
    argv: tuple[str, ...]


@pytest.fixture(scope="module", params=["bundled", "examplia"])
def pack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pack]:
    if request.param == "bundled":
        path: Path = CONTENT_DB
        argv: tuple[str, ...] = ("--content", str(CONTENT_DB))
        expected = BUNDLED_QUANTITIES
    else:
        path = build_examplia(tmp_path_factory.mktemp("examplia"))
        argv, expected = ("--content", str(path)), EXAMPLIA_QUANTITIES
    repository = ContentRepository.open(path)
    assert len(repository.quantities()) == expected
    yield Pack(repository, argv)
    repository.close()


@pytest.fixture(scope="module")
def repository(pack: Pack) -> ContentRepository:
    return pack.repository


@pytest.fixture(scope="module")
def quantities(repository: ContentRepository) -> tuple[Quantity, ...]:
    return repository.quantities()


@pytest.fixture(scope="module")
def content(repository: ContentRepository) -> BriefContent:
    return load_content(repository)


@pytest.fixture(scope="module")
def document_spec() -> BriefSpec:
    """The whole briefing with the targets annex (the default)."""
    spec = BriefSpec(title="Quantities")
    assert spec.options.targets_annex
    return spec


def _check(mismatches: Mismatches, q: Quantity, where: str, shown: str, expected: str) -> None:
    if shown != expected:
        mismatches.append(f"{q.id} ({where}): shows {shown!r}, expected {expected!r}")


def _assert_none(mismatches: Mismatches) -> None:
    assert not mismatches, "\n".join(mismatches)


def _table_cells(row_html: str) -> list[str]:
    """The texts of one HTML table row's cells, tags stripped."""
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_the_formatter_writes_what_the_source_says(pack: Pack) -> None:
    """A few hand-checked readings, so that the surfaces below agree on the right text."""
    by_id = {q.id: q for q in pack.repository.quantities()}
    if "sky-rail/targets/revenue" in by_id:  # Examplia
        assert quantity_text(by_id["sky-rail/targets/revenue"]) == (
            "2.5 billion EXD (approx. 1.7 billion USD) (2030)"
        )
        assert equivalent_lines(by_id["sky-rail/targets/revenue"]) == (
            ("In US dollars", "approx. 1.7 billion USD"),
        )
        assert value_text(by_id["fog-energy/targets/research-institutes"]) == "2–3"
        return
    assert quantity_text(by_id["green/targets/co2-intensity"]) == "−18% (2025*)"
    assert quantity_text(by_id["green/figures/high-tech-share"]) == "+3.3% (2016–2020)"
    assert quantity_text(by_id["ict/targets/industry-revenue"]) == (
        "4.3 trillion CNY (approx. 597 billion EUR) (2025)"
    )
    assert value_text(by_id["software/targets/open-source-communities"]) == "2–3"
    assert value_text(by_id["big-data/figures/industry-cagr"]) == "over +30"


def test_reading_pane_of_each_quantity(
    qtbot: QtBot, repository: ContentRepository, quantities: tuple[Quantity, ...]
) -> None:
    from PySide6.QtGui import QPalette

    from fypdesk.ui.reading.pane import Page, render

    briefing, plans = repository.briefing(), repository.plans()
    mismatches: Mismatches = []
    for q in quantities:
        page = render(Page(repository.detail(q.id), briefing, plans), QPalette())
        rows = dict(
            (cells[0], cells[1])
            for cells in map(_table_cells, re.findall(r"<tr>.*?</tr>", page, flags=re.S))
            if len(cells) == 2
        )
        label = "Target" if q.role is QuantityRole.TARGET else "Value"
        _check(mismatches, q, label, rows.get(label, ""), f"{value_with_unit(q)} ({year_text(q)})")
        # Each equivalent under its own currency's label, and no other: a US dollar amount
        # never reads "In euros".
        shown = {k: v for k, v in rows.items() if k.startswith("In ")}
        _check(mismatches, q, "equivalents", str(shown), str(dict(equivalent_lines(q))))
    _assert_none(mismatches)


def test_plan_page_tables(
    qtbot: QtBot, repository: ContentRepository, quantities: tuple[Quantity, ...]
) -> None:
    from PySide6.QtGui import QPalette

    from fypdesk.ui.reading.pane import Page, node_url, render

    briefing, plans = repository.briefing(), repository.plans()
    pages = {
        plan.slug: render(Page(repository.detail(plan.slug), briefing, plans), QPalette())
        for plan in plans
    }
    mismatches: Mismatches = []
    for q in quantities:
        link = re.escape(f"href='{node_url(q.id)}'")
        row = re.search(rf"<tr><td><a {link}>.*?</tr>", pages[q.plan], flags=re.S)
        assert row is not None, q.id
        _indicator, _baseline, value, unit, year = _table_cells(row.group(0))
        _check(mismatches, q, "value", value, value_text(q))
        _check(mismatches, q, "unit", unit, unit_text(q))
        _check(mismatches, q, "year", year, year_text(q))
    _assert_none(mismatches)


def test_targets_and_figures_tables(
    qtbot: QtBot, repository: ContentRepository, quantities: tuple[Quantity, ...]
) -> None:
    from fypdesk.ui.quantities.model import Columns, QuantityTableModel, build_rows

    titles = {plan.slug: plan.short_title for plan in repository.plans()}
    base_year = repository.briefing().period_start - 1
    mismatches: Mismatches = []
    shown = 0
    for role in QuantityRole:
        model = QuantityTableModel(role)
        model.set_rows(build_rows(repository.quantities(role), titles, base_year))
        for row in range(model.rowCount()):
            q = model.rows()[row].quantity
            value = model.index(row, Columns.VALUE).data()
            _check(mismatches, q, "value", value, quantity_text(q, unit=False))
            _check(mismatches, q, "unit", model.index(row, Columns.UNIT).data(), unit_text(q))
            shown += 1
    assert shown == len(quantities)
    _assert_none(mismatches)


def _cli(capsys: pytest.CaptureFixture[str], pack: Pack, *argv: str) -> str:
    code = main([*pack.argv, *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _text_table(out: str) -> list[dict[str, str]]:
    """The rows of a CLI text table, cut at the columns its rule of dashes marks; a wrapped
    indicator's continuation lines are folded into its row."""
    lines = out.splitlines()
    headers = lines[0].split()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    rows: list[dict[str, str]] = []
    for line in lines[2:]:
        if line.startswith("* "):
            break
        cells = [
            line[start : end if i < len(spans) - 1 else None].strip()
            for i, (start, end) in enumerate(spans)
        ]
        if cells[0]:
            rows.append(dict(zip(headers, cells, strict=True)))
        else:
            rows[-1]["indicator"] += " " + cells[1]
    return rows


def test_cli_text_tables(
    capsys: pytest.CaptureFixture[str],
    pack: Pack,
    repository: ContentRepository,
    quantities: tuple[Quantity, ...],
) -> None:
    mismatches: Mismatches = []
    shown = 0
    for role, command in ((QuantityRole.TARGET, "targets"), (QuantityRole.FIGURE, "figures")):
        rows = _text_table(_cli(capsys, pack, command))
        role_quantities = repository.quantities(role)
        assert len(rows) == len(role_quantities)
        for q, row in zip(role_quantities, rows, strict=True):
            _check(mismatches, q, "value", row["value"], value_text(q))
            _check(mismatches, q, "unit", row["unit"], unit_text(q))
            _check(mismatches, q, "year", row["year"], year_text(q))
            shown += 1
    assert shown == len(quantities)
    _assert_none(mismatches)


def _number(text: str) -> Number:
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def _optional(text: str) -> Number | None:
    return _number(text) if text else None


def _equivalent(row: dict[str, str], prefix: str, key: str) -> CurrencyEquivalent | None:
    """The ``eur_*`` or ``equivalent_*`` cells of a CSV row as an equivalent."""
    if not row[f"{prefix}_unit"]:
        return None
    return CurrencyEquivalent(
        unit=row[f"{prefix}_unit"],
        baseline=_optional(row[f"{prefix}_baseline"]),
        value=_optional(row[f"{prefix}_{key}"]),
        qualifier=Qualifier(row[f"{prefix}_qualifier"]) if row[f"{prefix}_qualifier"] else None,
        currency=row["equivalent_currency"] if prefix == "equivalent" else "EUR",
    )


def test_cli_csv_carries_every_part_as_raw_numbers(
    capsys: pytest.CaptureFixture[str],
    pack: Pack,
    repository: ContentRepository,
    quantities: tuple[Quantity, ...],
) -> None:
    """CSV is for spreadsheets: numbers stay raw, and the kind, direction, qualifiers and years
    beside them rebuild exactly the text every other surface shows."""
    mismatches: Mismatches = []
    by_id = {q.id: q for q in quantities}
    seen = set()
    for role, command in ((QuantityRole.TARGET, "targets"), (QuantityRole.FIGURE, "figures")):
        target = role is QuantityRole.TARGET
        key = "target" if target else "value"
        for row in csv.DictReader(io.StringIO(_cli(capsys, pack, command, "--format", "csv"))):
            q = by_id[row["id"]]
            seen.add(q.id)
            rebuilt = replace(
                q,
                kind=QuantityKind(row["kind"]),
                direction=Direction(row["direction"]),
                qualifier=Qualifier(row["qualifier"]) if row["qualifier"] else None,
                value=_number(row[key]),
                value_max=_optional(row[f"{key}_max"]),
                year=int(row["target_year" if target else "year"]),
                year_stated=row["target_year_stated"] == "true" if target else True,
                period_start=int(period) if (period := row.get("period_start")) else None,
                unit=row["unit"],
                eur=_equivalent(row, "eur", key),
                equivalent=_equivalent(row, "equivalent", key),
            )
            assert re.fullmatch(r"-?\d+(\.\d+)?", row[key]), row[key]  # a number, not text
            _check(mismatches, q, "csv", quantity_text(rebuilt), quantity_text(q))
            _check(mismatches, q, "csv amounts", str(rebuilt.equivalents), str(q.equivalents))
    assert seen == set(by_id)
    _assert_none(mismatches)


def _annex_expectation(q: Quantity) -> tuple[str, str, str]:
    """The target, target-year and unit cells of a target's annex row."""
    return value_text(q), year_text(q), unit_text(q)


def _fact_expectation(q: Quantity) -> str:
    """A target's or a figure's fact line in the body of a brief."""
    value = with_equivalents(value_with_unit(q), q)
    if q.role is QuantityRole.TARGET:
        return f"{value} by {q.year}"
    return f"{value} ({year_text(q)})"


def test_markdown_brief(
    content: BriefContent, document_spec: BriefSpec, quantities: tuple[Quantity, ...]
) -> None:
    markdown = render_markdown(compose(document_spec, content, Annotations()))
    shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)  # what CommonMark displays
    facts = re.findall(r"^\s*- \*(?:Target|Reported):\* (.*)$", shown, flags=re.M)
    rows = {
        cells[0]: cells
        for cells in (
            [cell.strip() for cell in line.strip("| ").split(" | ")]
            for line in shown.splitlines()
            if line.startswith("| ")
        )
    }
    mismatches: Mismatches = []
    for q in quantities:
        expected = _fact_expectation(q)
        # A quantity under an item of another title is named first ("Indicator: 30% by 2030").
        named = rf"(?:{re.escape(q.indicator)}: )?{re.escape(expected)}(,| \[|$)"
        if not any(re.match(named, fact) for fact in facts):
            mismatches.append(f"{q.id} (fact): no fact line reads {expected!r}")
        if q.role is QuantityRole.TARGET:
            cells = rows[q.indicator]
            _check(
                mismatches,
                q,
                "annex",
                " | ".join((cells[3], cells[4], cells[5])),
                " | ".join(_annex_expectation(q)),
            )
    _assert_none(mismatches)


def test_pdf_brief(
    content: BriefContent, document_spec: BriefSpec, quantities: tuple[Quantity, ...]
) -> None:
    from tests.export.brief_samples import extract, render, squash

    text = squash(extract(render(compose(document_spec, content, Annotations()))).text)
    mismatches: Mismatches = []
    for q in quantities:
        expected = squash(_fact_expectation(q))
        if expected not in text:
            mismatches.append(f"{q.id} (fact): {expected!r} not in the PDF")
        if q.role is QuantityRole.TARGET:
            row = squash("".join(_annex_expectation(q)))
            if row not in text:
                mismatches.append(f"{q.id} (annex): {row!r} not in the PDF")
    _assert_none(mismatches)


def test_the_value_column_sorts_as_it_reads(qtbot: QtBot) -> None:
    """Sorting by value orders the numbers a reader sees: the decreases (−18, −13.5, −10) first."""
    from fypdesk.ui.quantities.model import Columns, QuantityTableModel, build_rows

    bundled = ContentRepository.open(CONTENT_DB)
    try:
        targets = bundled.quantities(QuantityRole.TARGET)
    finally:
        bundled.close()
    model = QuantityTableModel(QuantityRole.TARGET)
    model.set_rows(build_rows(targets, {}, 2020))
    shown = [model.index(row, Columns.VALUE).data() for row in model.row_order(Columns.VALUE)]
    assert [text.split(" ")[0] for text in shown[:3]] == ["−18", "−13.5", "−10"]
