"""How much of the navigator Qt lays out when a plan is expanded: the plan's rows, not its siblings.

A content pack a thousand times the bundled one has 6,000 plans under the briefing. Each row Qt
lays out costs calls into the Python model, so expanding one plan must not lay out the others
again. Counted, not timed: ten times the plans must cost the same calls.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import Outline
from fypdesk.domain.content import Node, NodeKind, NodeRef
from fypdesk.ui.navigator.model import Index, NodeRoles, NodeTreeModel
from fypdesk.ui.navigator.tree_view import Navigator

SECTIONS = 3
ITEMS = 2


class _WideSource:
    """A briefing with ``plans`` plans of three sections of two items each, made up in memory."""

    def __init__(self, plans: int) -> None:
        self._children: dict[str, list[NodeRef]] = {"briefing": []}
        for p in range(plans):
            plan = NodeRef(f"p{p}", NodeKind.PLAN, f"Plan {p}", f"p{p}")
            self._children["briefing"].append(plan)
            self._children[plan.id] = []
            for s in range(SECTIONS):
                section = NodeRef(f"p{p}/s{s}", NodeKind.SECTION, f"Section {s}", plan.id)
                self._children[plan.id].append(section)
                self._children[section.id] = [
                    NodeRef(f"{section.id}/i{i}", NodeKind.ITEM, f"Item {i}", plan.id)
                    for i in range(ITEMS)
                ]

    def node(self, node_id: str) -> Node:
        assert node_id == "briefing"
        return Node("briefing", NodeKind.BRIEFING, None, None, "Briefing", None, "", 0, 0)

    def child_branches(self, node_id: str) -> tuple[tuple[NodeRef, bool], ...]:
        return tuple((ref, bool(self._children.get(ref.id))) for ref in self._children[node_id])

    def subtree_target_counts(self, node_id: str) -> dict[str, int]:
        return {}

    def outline(self) -> Outline:
        raise AssertionError("not filtered here")


class _CountingModel(NodeTreeModel):
    """Counts the calls a view makes to lay out rows (``index`` and ``hasChildren``)."""

    calls = 0

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        self.calls += 1
        return super().index(row, column, parent)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        self.calls += 1
        return super().hasChildren(parent)


def _expand_calls(qtbot: QtBot, plans: int) -> tuple[int, int]:
    """Layout calls to expand the third plan, and rows the view inserted meanwhile."""
    model = _CountingModel(_WideSource(plans), "briefing")
    navigator = Navigator(model)
    qtbot.addWidget(navigator)
    navigator.resize(300, 400)
    navigator.show()
    qtbot.waitExposed(navigator)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    plan = model.index(2, 0, model.index(0, 0))
    QApplication.processEvents()
    model.calls = 0
    navigator.tree.expand(plan)
    QApplication.processEvents()
    calls = model.calls
    # The plan's sections are laid out and shown under it.
    section = model.index(0, 0, plan)
    assert navigator.tree.isExpanded(plan)
    assert navigator.tree.indexBelow(plan) == section
    assert section.data(NodeRoles.NODE_ID) == "p2/s0"
    assert navigator.tree.visualRect(section).top() > navigator.tree.visualRect(plan).top()
    return calls, sum(inserted)


def test_expanding_a_plan_lays_out_its_rows_not_its_siblings(qtbot: QtBot) -> None:
    few_calls, few_inserted = _expand_calls(qtbot, 300)
    many_calls, many_inserted = _expand_calls(qtbot, 3000)
    assert few_inserted == many_inserted == 0  # the rows were there all along, to the view
    # With rows inserted on expand, Qt laid out every plan again: 2 calls per sibling.
    assert many_calls == few_calls < 300


def test_a_section_without_items_has_no_expand_arrow(qtbot: QtBot) -> None:
    source = _WideSource(2)
    source._children["p1/s2"] = []  # an empty section
    model = NodeTreeModel(source, "briefing")
    plan = model.index(1, 0, model.index(0, 0))
    assert [model.hasChildren(model.index(s, 0, plan)) for s in range(SECTIONS)] == [
        True,
        True,
        False,
    ]
