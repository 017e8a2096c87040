"""Reading the content database: the API the CLI, the window and the export rely on."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import NodeKind, QuantityRole
from fypdesk.domain.errors import ContentUnavailableError, UnknownNodeError, UnknownPlanError
from tests.conftest import CONTENT_DB


def test_plans_with_counts(content: ContentRepository) -> None:
    plans = {p.slug: p for p in content.plans()}
    assert list(plans) == ["integration", "ict", "software", "big-data", "green", "skills"]
    assert plans["ict"].targets_listed == 4
    assert plans["ict"].targets_total is not None
    assert plans["ict"].targets_omitted == 16
    assert plans["green"].figures_listed == 8
    assert plans["green"].targets_listed == 5
    # One plan is read with its own query; it must say exactly what the list says.
    assert all(content.plan(slug) == plan for slug, plan in plans.items())


def test_a_target_exactly_as_the_source_states_it(content: ContentRepository) -> None:
    revenue = next(q for q in content.quantities() if q.id == "ict/targets/industry-revenue")
    assert (revenue.baseline, revenue.value, revenue.unit, revenue.year) == (
        2.64,
        4.3,
        "trillion CNY",
        2025,
    )
    assert revenue.eur is not None
    assert (revenue.eur.baseline, revenue.eur.value, revenue.eur.unit) == (367, 597, "billion EUR")
    communities = next(q for q in content.quantities() if q.id.endswith("open-source-communities"))
    assert (communities.value, communities.value_max) == (2, 3)
    assert isinstance(communities.value, int)


def test_quantities_filter_by_role_and_plan(content: ContentRepository) -> None:
    targets = content.quantities(QuantityRole.TARGET)
    figures = content.quantities(QuantityRole.FIGURE)
    assert (len(targets), len(figures)) == (19, 10)
    assert {q.plan for q in content.quantities(QuantityRole.TARGET, "green")} == {"green"}
    with pytest.raises(UnknownPlanError, match="no such plan: 'nope'"):
        content.quantities(QuantityRole.TARGET, "nope")


def test_detail_has_breadcrumb_children_and_quantities(content: ContentRepository) -> None:
    detail = content.detail("ict/targets/5g-usage-rate")
    assert [ref.id for ref in detail.breadcrumb] == ["briefing", "ict", "ict/targets"]
    assert detail.quantity is not None and detail.quantity.value == 56
    plan = content.detail("ict")
    assert [c.id for c in plan.children][:2] == ["ict/weaknesses", "ict/targets"]
    assert len(plan.quantities) == 4
    root = content.detail("briefing")
    assert [c.kind for c in root.children][:6] == [NodeKind.PLAN] * 6
    assert len(root.quantities) == 29


def test_child_references_are_the_childrens_own(content: ContentRepository) -> None:
    for node in content.nodes():
        assert content.child_refs(node.id) == tuple(c.ref for c in content.children(node.id))


def test_detail_without_quantities_keeps_the_nodes_own(content: ContentRepository) -> None:
    root = content.detail("briefing", with_quantities=False)
    assert root.quantities == () and root.quantity is None
    assert root.children == content.detail("briefing").children
    assert content.detail("ict", with_quantities=False).quantities == ()
    target = content.detail("ict/targets/5g-usage-rate", with_quantities=False)
    assert target.quantity == content.detail("ict/targets/5g-usage-rate").quantity
    assert target.quantities == (target.quantity,)


def test_unknown_node_is_a_clear_error(content: ContentRepository) -> None:
    with pytest.raises(UnknownNodeError, match="no such item: 'ict/nothing'"):
        content.detail("ict/nothing")
    assert content.existing_ids(["ict", "gone", "green/targets/co2-intensity"]) == {
        "ict",
        "green/targets/co2-intensity",
    }


def test_the_database_cannot_be_written_through_the_reader(content: ContentRepository) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        content._db.execute("DELETE FROM nodes")


@pytest.mark.parametrize("folder", ["with space", "hash#mark", "per%20cent", "ünïcødé 中文", "q?x"])
def test_unusual_paths_open_the_right_file(tmp_path: Path, folder: str) -> None:
    target = tmp_path / folder / "fyp.db"
    target.parent.mkdir()
    shutil.copyfile(CONTENT_DB, target)
    repository = ContentRepository.open(target)
    try:
        assert len(repository.plans()) == 6
        with pytest.raises(sqlite3.OperationalError):
            repository._db.execute("CREATE TABLE x(y)")
    finally:
        repository.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["fyp.db"]


def test_missing_or_foreign_databases_are_named(tmp_path: Path) -> None:
    with pytest.raises(ContentUnavailableError, match="not found"):
        ContentRepository.open(tmp_path / "absent.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ContentUnavailableError, match=r"garbage\.db"):
        ContentRepository.open(garbage)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(ContentUnavailableError, match="not a fypdesk content database"):
        ContentRepository.open(other)


def _targets_under(content: ContentRepository, node_id: str) -> int:
    return sum(q.role is QuantityRole.TARGET for q in content.quantities_under(node_id))


def test_subtree_target_counts_agree_with_the_quantities_under_each_node(
    content: ContentRepository,
) -> None:
    for node in content.nodes():
        counts = content.subtree_target_counts(node.id)
        children = [child.id for child in content.children(node.id)]
        assert list(counts) == [*children, node.id]
        assert counts == {n: _targets_under(content, n) for n in counts}
    assert content.subtree_target_counts("briefing")["briefing"] == 19
    assert content.subtree_target_counts("ict")["ict/targets"] == 4
    assert content.subtree_target_counts("no/such/node") == {}


def test_the_outline_lists_every_node_in_reading_order(content: ContentRepository) -> None:
    outline = content.outline()
    nodes = content.nodes()
    assert outline.ids == tuple(n.id for n in nodes)
    assert outline.titles == tuple(n.title for n in nodes)
    assert outline.kinds == tuple(n.kind for n in nodes)
    assert outline.plans == tuple(n.plan for n in nodes)
    # Depths in pre-order are enough to find every parent: the nearest shallower node before.
    for row, node in enumerate(nodes):
        before = [r for r in range(row) if outline.depths[r] < outline.depths[row]]
        parent = outline.ids[before[-1]] if before else None
        assert parent == node.parent_id
