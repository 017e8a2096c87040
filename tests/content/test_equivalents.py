"""Amounts in a second currency: the euro's (``eur``) as before, any other's (``equivalent``),
each checked against its quote and labelled by its currency; and packs of schema 1 (before other
currencies) still read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fypdesk.content.build import build_database
from fypdesk.content.constants import SCHEMA_VERSION
from fypdesk.content.repository import ContentRepository
from fypdesk.content.source import SourceValidationError, load_source
from fypdesk.domain.serialise import FIGURE_FIELDS, TARGET_FIELDS, quantity_record
from tests.conftest import CONTENT_DB
from tests.example_packs import EXAMPLIA

FIXTURES = Path(__file__).parent / "fixtures"
#: The bundled pack as the build wrote it at schema 1, before equivalents in other currencies.
SCHEMA_1_PACK = FIXTURES / "fyp14-schema-1.db"
REVENUE = "sky-rail/targets/revenue"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "examplia"
    shutil.copytree(EXAMPLIA, target)
    return target


def _edit(source: Path, old: str, new: str, file: str = "plans/sky-rail.yaml") -> None:
    path = source / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problem(source: Path) -> str:
    with pytest.raises(SourceValidationError) as caught:
        load_source(source)
    (problem,) = caught.value.problems
    assert problem.record == REVENUE
    return problem.problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "          target: 1.7\n",
            "          target: 1.8\n",
            "equivalent target 1.8 is not a number of its source quote",
        ),
        (
            "          baseline: 0.8\n",
            "          baseline: 8\n",
            "equivalent baseline 8 is not a number of its source quote",
        ),
        (
            "          currency: USD\n",
            "          currency: EUR\n",
            "an equivalent in euros is given as 'eur', not as 'equivalent'",
        ),
        (
            "          currency: USD\n",
            "          currency: dollars\n",
            "'currency' must be an ISO 4217 code of three capital letters",
        ),
        (
            "          currency: USD\n",
            "          currency: GBP\n",
            "the 'equivalent' is in GBP, but its unit 'billion USD' does not name GBP",
        ),
        (
            "          currency: USD\n",
            "",
            "missing 'currency'",
        ),
        (
            "        unit: billion EXD\n",
            "        unit: billion USD\n",
            "the 'equivalent' is in USD, the quantity's own currency ('billion USD')",
        ),
        (
            "          target: 1.7\n          unit: billion USD\n",
            "          target: 1.7\n          unit: billion USD\n          rate: 0.68\n",
            "unknown key 'rate'",
        ),
    ],
)
def test_a_wrong_equivalent_is_refused(tmp_path: Path, old: str, new: str, expected: str) -> None:
    source = _copy(tmp_path)
    _edit(source, old, new)
    assert expected in _problem(source)


def test_an_eur_block_in_another_currency_says_where_that_goes(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    _edit(source, "        equivalent:", "        eur:")
    _edit(source, "          currency: USD\n", "")
    assert "give an amount in another currency as 'equivalent'" in _problem(source)


def test_euros_and_another_currency_together(tmp_path: Path) -> None:
    """A source that gives both: the euro's in ``eur``, the other's in ``equivalent``."""
    source = _copy(tmp_path)
    old = "2.5 billion EXD (approx. 1.7 billion USD) by 2030."
    new = "2.5 billion EXD (approx. 1.7 billion USD, 1.5 billion EUR) by 2030."
    _edit(source, old, new, "source.txt")
    _edit(source, old, new)
    _edit(
        source,
        "        equivalent:",
        "        eur:\n          target: 1.5\n          unit: billion EUR\n        equivalent:",
    )
    out = tmp_path / "pack.fypack"
    build_database(source, out)
    repository = ContentRepository.open(out)
    try:
        revenue = next(q for q in repository.quantities() if q.id == REVENUE)
    finally:
        repository.close()
    assert [e.currency for e in revenue.equivalents] == ["EUR", "USD"]
    record = quantity_record(revenue, 2025)
    assert (record["eur_target"], record["eur_unit"]) == (1.5, "billion EUR")
    assert (record["equivalent_currency"], record["equivalent_target"]) == ("USD", 1.7)


def test_the_records_keep_the_euro_fields_and_add_the_other_currencys() -> None:
    for fields, value in ((TARGET_FIELDS, "target"), (FIGURE_FIELDS, "value")):
        at = fields.index("eur_qualifier")
        assert fields[at - 3 : at + 6] == (
            "eur_unit",
            "eur_baseline",
            f"eur_{value}",
            "eur_qualifier",
            "equivalent_currency",
            "equivalent_unit",
            "equivalent_baseline",
            f"equivalent_{value}",
            "equivalent_qualifier",
        )


def test_a_pack_of_schema_1_still_reads_as_it_did() -> None:
    """Built before equivalents in other currencies: the same content as today's build of the same
    source, its euro amounts included, and no other currency."""
    assert SCHEMA_VERSION == 2
    old, new = ContentRepository.open(SCHEMA_1_PACK), ContentRepository.open(CONTENT_DB)
    try:
        assert old.info().schema_version == 1
        manifest = old.manifest()
        assert manifest is not None and manifest.schema_version == 1
        assert old.quantities() == new.quantities()
        assert old.nodes() == new.nodes()
        assert any(q.eur is not None for q in old.quantities())
        assert all(q.equivalent is None for q in old.quantities())
        revenue = old.detail("ict/targets/industry-revenue")
        assert revenue.quantity is not None and revenue.quantity.eur is not None
        assert [q.id for q in old.quantities_under("ict")] == [
            q.id for q in new.quantities_under("ict")
        ]
    finally:
        old.close()
        new.close()
