"""The fictional Examplia briefing (docs/content-format.md's worked example) builds with the real
builder into the content its source states, and its second edition changes exactly what it says.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import (
    CurrencyEquivalent,
    NodeKind,
    Qualifier,
    Quantity,
    QuantityRole,
    SectionKind,
)
from fypdesk.domain.quantity_text import equivalent_lines, quantity_text
from tests.example_packs import (
    CHANGED_NUMBER,
    CHANGED_WORDING,
    DELETED_ITEM,
    DELETED_TARGET,
    EDITIONS,
    PACK_ID,
    build_examplia,
)


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ContentRepository]]:
    folder = tmp_path_factory.mktemp("examplia")
    repositories = [ContentRepository.open(build_examplia(folder, edition)) for edition in (1, 2)]
    yield repositories
    for repository in repositories:
        repository.close()


def _quantities(repository: ContentRepository) -> dict[str, Quantity]:
    return {q.id: q for q in repository.quantities()}


def test_the_example_builds_into_its_manifest(editions: list[ContentRepository]) -> None:
    for repository, edition in zip(editions, EDITIONS, strict=True):
        manifest = repository.manifest()
        assert manifest is not None
        assert (manifest.id, manifest.edition) == (PACK_ID, edition)
        assert manifest.title == "Examplia Imaginary Industries Plan 2026-2030"
        assert (manifest.period_start, manifest.period_end) == (2026, 2030)
        assert (manifest.languages, manifest.licence) == (("en",), "CC0-1.0")
    assert EDITIONS[1] > EDITIONS[0]


def test_the_example_holds_what_its_source_states(editions: list[ContentRepository]) -> None:
    repository = editions[0]
    assert [plan.slug for plan in repository.plans()] == ["sky-rail", "fog-energy"]
    assert len(repository.nodes()) == 17
    obstacles = repository.node("sky-rail/obstacles")
    assert (obstacles.kind, obstacles.section_kind, obstacles.title) == (
        NodeKind.SECTION,
        "obstacles",  # the publisher's own kind, beside the built-in ones
        "Obstacles",
    )
    assert repository.node("sky-rail/targets").section_kind is SectionKind.TARGETS
    quantities = _quantities(repository)
    revenue = quantities["sky-rail/targets/revenue"]
    assert revenue.eur is None
    assert revenue.equivalent == CurrencyEquivalent(
        "billion USD", baseline=0.8, value=1.7, qualifier=Qualifier.APPROX, currency="USD"
    )
    assert equivalent_lines(revenue) == (("In US dollars", "approx. 1.7 billion USD"),)
    assert quantity_text(revenue) == "2.5 billion EXD (approx. 1.7 billion USD) (2030)"
    growth = quantities["sky-rail/figures/network-growth"]
    assert (growth.role, growth.value, growth.period_start) == (QuantityRole.FIGURE, 12500, 2021)
    # The year is stated where the quote says it, implied where it does not ("2030*").
    assert revenue.year_stated and quantities["fog-energy/targets/fog-share"].year_stated
    assert quantity_text(quantities["sky-rail/targets/new-stations"]) == (
        "at least 40 new stations (2030*)"
    )
    institutes = quantities["fog-energy/targets/research-institutes"]
    assert (institutes.value, institutes.value_max, institutes.year_stated) == (2, 3, False)


def test_edition_2_changes_two_wordings_one_number_and_deletes_one_item(
    editions: list[ContentRepository],
) -> None:
    first, second = ({node.id: node for node in repository.nodes()} for repository in editions)
    assert set(first) - set(second) == {DELETED_ITEM, DELETED_TARGET}
    assert set(second) <= set(first)
    reworded = {
        node_id
        for node_id in second
        if (first[node_id].title, first[node_id].text)
        != (second[node_id].title, second[node_id].text)
        or first[node_id].source != second[node_id].source
    }
    # The changed number changes its quote too ("At least 45 new sky rail stations shall open.").
    assert reworded == {*CHANGED_WORDING, CHANGED_NUMBER}
    old, new = (_quantities(repository) for repository in editions)
    changed = {q for q in new if new[q] != old[q]}
    assert changed == {CHANGED_NUMBER}
    assert (old[CHANGED_NUMBER].value, new[CHANGED_NUMBER].value) == (40, 45)
