"""The plans navigator: the lazy tree model, its in-memory filter, and the widget a person uses."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository, Outline, read_outline
from fypdesk.domain.content import NodeKind, NodeRef, QuantityRole
from fypdesk.ui.navigator.model import Marks, NodeRoles, NodeTreeModel
from fypdesk.ui.navigator.outline import OutlineIndex
from fypdesk.ui.navigator.tree_view import Navigator, _badges
from fypdesk.ui.window.main_window import MainWindow
from tests.ui.conftest import ModelCheck, WindowFactory

FIVE_G = "ict/targets/5g-usage-rate"


def _tree(content: ContentRepository) -> NodeTreeModel:
    return NodeTreeModel(content, "briefing")


def _fetch_all(model: NodeTreeModel, parent: QModelIndex | None = None) -> None:
    """Ask for every row, as a view expanding everything would."""
    parent = parent if parent is not None else QModelIndex()
    for row in range(model.rowCount(parent)):
        _fetch_all(model, model.index(row, 0, parent))


def _rows(model: NodeTreeModel, parent: QModelIndex | None = None) -> list[str]:
    """Every node id the model shows, in reading order."""
    parent = parent if parent is not None else QModelIndex()
    ids: list[str] = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        ids.append(index.data(NodeRoles.NODE_ID))
        ids += _rows(model, index)
    return ids


def _matches_and_ancestors(content: ContentRepository, text: str) -> list[str]:
    """What the filter should keep, worked out the slow, obvious way."""
    keep: set[str] = set()
    for node in content.nodes():
        if text.casefold() in node.title.casefold():
            keep |= {node.id, *(ref.id for ref in content.breadcrumb(node.id))}
    return [node.id for node in content.nodes() if node.id in keep]


def _targets_under(content: ContentRepository, node_id: str) -> int:
    return sum(q.role is QuantityRole.TARGET for q in content.quantities_under(node_id))


# -- the model -------------------------------------------------------------------------------


def test_tree_model_passes_the_model_tester(
    check_model: ModelCheck, content: ContentRepository
) -> None:
    model = _tree(content)
    check_model(model)
    _fetch_all(model)
    check_model(model)
    model.set_annotations({"ict": 2}, frozenset({"ict"}), frozenset({"briefing"}))
    check_model(model)
    model.set_filter("targets")
    check_model(model)
    model.set_filter("")
    check_model(model)


class _Recording:
    """A tree source that records what the model asks of the content."""

    def __init__(self, content: ContentRepository) -> None:
        self._content = content
        self.asked: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> object:
        method = getattr(self._content, name)

        def recorded(node_id: str) -> object:
            self.asked.append((name, node_id))
            return method(node_id)

        return recorded


def test_tree_model_loads_lazily(content: ContentRepository) -> None:
    source = _Recording(content)
    model = NodeTreeModel(source, "briefing")  # type: ignore[arg-type]
    assert [name for name, _ in source.asked] == ["subtree_target_counts", "node"]
    source.asked.clear()
    briefing = model.index(0, 0)
    assert briefing.data() == content.briefing().title
    assert model.hasChildren(briefing) and source.asked == []  # known without reading them
    assert model.rowCount(briefing) == len(content.children("briefing"))
    # The briefing's target counts were read with the model: its level costs one query now.
    assert source.asked == [("child_branches", "briefing")]
    assert [model.index(r, 0, briefing).data(NodeRoles.NODE_ID) for r in range(3)] == [
        "integration",
        "ict",
        "software",
    ]
    assert model.rowCount(briefing) == len(content.children("briefing"))
    assert len(source.asked) == 1  # read once
    # Whether a plan's rows have children is known with the plans, before any is expanded.
    ict = model.index_for("ict", ("briefing",))
    assert model.hasChildren(ict) and len(source.asked) == 1


def test_only_rows_with_children_can_be_expanded(content: ContentRepository) -> None:
    """No expand arrow on an item without children, before or after it is first opened."""
    model = _tree(content)
    _fetch_all(model)
    leaves = 0
    for node in content.nodes():
        index = model.index_for(node.id, ())
        has_children = bool(content.children(node.id))
        assert model.hasChildren(index) is has_children, node.id
        assert model.rowCount(index) == len(content.children(node.id)), node.id
        leaves += not has_children and node.kind is NodeKind.ITEM
    assert leaves > 0  # the content has such items


def test_showing_a_deep_node_reads_only_its_ancestors_levels(content: ContentRepository) -> None:
    source = _Recording(content)
    model = NodeTreeModel(source, "briefing")  # type: ignore[arg-type]
    source.asked.clear()
    five_g = model.index_for(FIVE_G, ("briefing", "ict", "ict/targets"))
    assert five_g.data(NodeRoles.NODE_ID) == FIVE_G
    assert [node_id for name, node_id in source.asked if name == "child_branches"] == [
        "briefing",
        "ict",
        "ict/targets",
    ]
    assert five_g.parent().data(NodeRoles.NODE_ID) == "ict/targets"


def test_every_row_counts_the_targets_under_it(content: ContentRepository) -> None:
    model = _tree(content)
    _fetch_all(model)
    ids = _rows(model)
    assert ids == [node.id for node in content.nodes()]
    for node_id in ids:
        index = model.index_for(node_id, ())
        assert index.data(NodeRoles.TARGET_COUNT) == _targets_under(content, node_id)
    assert model.index(0, 0).data(NodeRoles.TARGET_COUNT) == 19


def test_marks_hold_what_the_badges_show(content: ContentRepository) -> None:
    model = _tree(content)
    model.set_annotations({"ict": 2, FIVE_G: 1}, frozenset({FIVE_G}), frozenset({"ict"}))
    ict = model.index_for("ict", ("briefing",))
    five_g = model.index_for(FIVE_G, ("briefing", "ict", "ict/targets"))
    assert ict.data(NodeRoles.MARKS) == Marks(targets=4, notes=2, follow_up=True, starred=False)
    # A target's own count is not shown on it: the pill is for what lies under a node.
    assert five_g.data(NodeRoles.MARKS) == Marks(targets=0, notes=1, follow_up=False, starred=True)
    assert five_g.data(NodeRoles.TARGET_COUNT) == 1
    assert isinstance(ref := five_g.data(NodeRoles.ROW), NodeRef) and ref.kind is NodeKind.TARGET
    assert _badges(ict.data(NodeRoles.MARKS)) == [("◎ 4", True), ("✎ 2", True), ("⚑", False)]
    assert _badges(five_g.data(NodeRoles.MARKS)) == [("✎ 1", True), ("★", False)]
    assert ict.data(Qt.ItemDataRole.ToolTipRole) == "4 targets, 2 notes, to follow up"


def test_tree_filter_keeps_matches_and_their_ancestors(
    check_model: ModelCheck, content: ContentRepository
) -> None:
    model = _tree(content)
    result = model.set_filter("5g usage")
    check_model(model)
    assert model.is_filtered() and (result.matches, result.shown) == (1, 1)
    assert _rows(model) == ["briefing", "ict", "ict/targets", FIVE_G]


class _NoOutline:
    """A tree source that fails if the model reads the outline through it (its own connection)."""

    def __init__(self, content: ContentRepository) -> None:
        self._content = content

    def __getattr__(self, name: str) -> object:
        return getattr(self._content, name)

    def outline(self) -> Outline:
        raise AssertionError("the outline was read again on the GUI thread")


def test_a_prefetched_outline_serves_the_first_keystroke(content: ContentRepository) -> None:
    model = NodeTreeModel(_NoOutline(content), "briefing")  # type: ignore[arg-type]
    threads: list[str] = []

    def read() -> Outline:
        threads.append(threading.current_thread().name)
        return read_outline(content.path)

    assert not model.outline_prefetched()  # none started
    model.prefetch_outline(read)
    model.prefetch_outline(read)  # once is enough
    assert model.outline_prefetched()
    model.set_filter("carbon")
    assert _rows(model) == _matches_and_ancestors(content, "carbon")
    assert threads == ["navigator-outline"]


def test_a_failed_prefetch_falls_back_to_reading_on_the_spot(content: ContentRepository) -> None:
    model = _tree(content)

    def broken() -> Outline:
        raise OSError("disk gone")

    model.prefetch_outline(broken)
    model.set_filter("carbon")
    assert _rows(model) == _matches_and_ancestors(content, "carbon")


def test_the_window_prefetches_the_outline_after_its_first_paint(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    model = window.navigator.model
    qtbot.waitUntil(model.outline_prefetched)
    model.set_filter("data")
    assert model.is_filtered()


def test_the_filter_finds_what_a_scan_of_every_title_finds(content: ContentRepository) -> None:
    model = _tree(content)
    for text in ("target", "DATA", "  green ", "ß", "5G", "xyzzy", "信息"):
        model.set_filter(text)
        assert _rows(model) == _matches_and_ancestors(content, text.strip()), text
    model.set_filter("   ")
    assert not model.is_filtered() and _rows(model)[:1] == ["briefing"]


def test_a_filtered_row_keeps_its_counts_and_marks(content: ContentRepository) -> None:
    model = _tree(content)
    model.set_annotations({"ict": 2}, frozenset({"ict"}))
    model.set_filter("5g")
    ict = model.index_for("ict", ())
    assert ict.data(NodeRoles.TARGET_COUNT) == 4
    assert ict.data(NodeRoles.MARKS) == Marks(targets=4, notes=2, follow_up=False, starred=True)
    assert not model.index_for("software", ()).isValid()  # not shown: no match under it


def test_the_outline_index_shows_only_the_first_matches(content: ContentRepository) -> None:
    index = OutlineIndex(content.outline())
    every = index.filter("a", limit=len(index))
    first = index.filter("a", limit=5)
    assert first.matches == every.matches > 5 and first.shown == 5
    matched = [row for row in every.rows if "a" in index.ref(row).title.casefold()]
    assert [row for row in first.rows if row in matched[:5]] == matched[:5]
    assert set(first.rows) <= set(every.rows)
    assert index.filter("").rows == ()


# -- the widget ------------------------------------------------------------------------------


def _visible_ids(navigator: Navigator) -> list[str]:
    """Node ids of the rows a person sees, top to bottom (expanded branches only)."""
    tree = navigator.tree
    ids = []
    index = tree.model().index(0, 0)
    while index.isValid():
        ids.append(index.data(NodeRoles.NODE_ID))
        index = tree.indexBelow(index)
    return ids


def test_typing_a_filter_shows_the_matches_expanded(window: MainWindow, qtbot: QtBot) -> None:
    navigator = window.navigator
    QTest.keyClicks(navigator.filter_edit, "5G usage")
    assert _visible_ids(navigator) == ["briefing", "ict", "ict/targets", FIVE_G]
    assert navigator.filter_status.isVisible()
    assert navigator.filter_status.text() == "1 match"
    navigator.filter_edit.clear()
    QTest.keyClicks(navigator.filter_edit, "no such title")
    assert _visible_ids(navigator) == []
    assert navigator.filter_status.text() == "No matches"


def test_picking_a_filtered_node_shows_it_and_clearing_restores_the_tree(
    window: MainWindow, qtbot: QtBot
) -> None:
    navigator = window.navigator
    tree = navigator.tree
    tree.expand(navigator.model.index_for("software", ("briefing",)))
    QTest.keyClicks(navigator.filter_edit, "5G usage")
    five_g = navigator.model.index_for(FIVE_G, ())
    with qtbot.waitSignal(window.node_shown) as shown:
        tree.setCurrentIndex(five_g)
    assert shown.args == [FIVE_G]
    navigator.filter_edit.clear()
    assert not navigator.filter_status.isVisible()
    # The whole tree is back, as the user had expanded it, with the picked node revealed.
    assert navigator.current_node_id() == FIVE_G
    model = navigator.model
    assert tree.isExpanded(model.index_for("software", ()))
    assert tree.isExpanded(model.index_for("ict/targets", ()))
    assert any(node_id.startswith("software/") for node_id in _visible_ids(navigator))


def test_keyboard_moves_through_the_filtered_tree(window: MainWindow, qtbot: QtBot) -> None:
    navigator = window.navigator
    tree = navigator.tree
    QTest.keyClicks(navigator.filter_edit, "5G usage")
    tree.setFocus()
    tree.setCurrentIndex(navigator.model.index_for("ict/targets", ()))
    with qtbot.waitSignal(window.node_shown) as shown:
        QTest.keyClick(tree, Qt.Key.Key_Down)
    assert shown.args == [FIVE_G]


def test_a_node_shown_elsewhere_is_selected_in_the_filtered_tree(window: MainWindow) -> None:
    navigator = window.navigator
    QTest.keyClicks(navigator.filter_edit, "targets")
    window.show_node("ict/targets")
    assert navigator.current_node_id() == "ict/targets"


def test_typing_on_and_backspacing_find_what_a_fresh_filter_finds(
    content: ContentRepository,
) -> None:
    outline = content.outline()
    typed = OutlineIndex(outline)
    for text in ("g", "gr", "gre", "green", "gre", "g", "", "r", "re", "in", "i", "ing", "g"):
        assert typed.filter(text, limit=1000) == OutlineIndex(outline).filter(text, limit=1000)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=12) | st.sampled_from(["5G", "data", "Ratio of R&D", "ß", "信息"]))
def test_any_filter_text_keeps_exactly_the_matches_and_their_ancestors(
    content: ContentRepository, text: str
) -> None:
    """Any text a person can type (or paste) filters like a plain scan of the titles."""
    index = OutlineIndex(content.outline())
    needle = text.strip().casefold()
    expected: set[int] = set()
    for row in range(len(index)):
        if needle and needle in index.ref(row).title.casefold():
            parent = row
            while parent >= 0:
                expected.add(parent)
                parent = index.parents[parent]
    assert index.filter(text, limit=len(index)).rows == tuple(sorted(expected))


def test_views_hear_of_every_row_whose_annotations_change(content: ContentRepository) -> None:
    model = _tree(content)
    _fetch_all(model)
    spans: list[tuple[QModelIndex, QModelIndex]] = []
    model.dataChanged.connect(lambda first, last, _roles: spans.append((first, last)))

    def told(node_id: str) -> bool:
        index = model.index_for(node_id, ())
        return any(
            first.parent() == index.parent() and first.row() <= index.row() <= last.row()
            for first, last in spans
        )

    model.set_annotations({"ict": 2, FIVE_G: 2, "green": 1}, frozenset({"software"}))
    assert all(told(node_id) for node_id in ("ict", FIVE_G, "green", "software"))
    # One signal per level loaded (and the invisible root's), not per row.
    assert len(spans) == 1 + sum(bool(content.children(node.id)) for node in content.nodes())
    assert all(told(node.id) for node in content.nodes() if node.id != "briefing")
    spans.clear()
    model.update_annotations({FIVE_G: 1, "ict": 1}, frozenset(), frozenset({"green"}))
    assert {first.data(NodeRoles.NODE_ID) for first, _ in spans} == {
        FIVE_G,
        "ict",
        "software",
        "green",
    }
    assert all(first == last for first, last in spans)
    assert model.index_for("ict", ()).data(NodeRoles.MARKS) == Marks(4, 1, False, False)
    assert model.index_for("green", ()).data(NodeRoles.MARKS) == Marks(5, 1, True, False)
