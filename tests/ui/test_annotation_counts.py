"""The badges and tooltips of the navigator and the notes/star columns of the tables follow each
note written or deleted and each star or follow-up mark, one node at a time, and always show
what counting every note again shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.notes.interface import NotesStore
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.notes_startup import attach_store
from fypdesk.ui.navigator.annotation_counts import AnnotationCounts, NodeChange
from fypdesk.ui.navigator.model import Marks, NodeRoles, NodeTreeModel
from fypdesk.ui.navigator.outline import OutlineIndex
from fypdesk.ui.notes.deferred import DeferredNotes
from fypdesk.ui.window.main_window import MainWindow
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import FakeDialogs, WindowFactory, make_settings, show_window

FIVE_G = "ict/targets/5g-usage-rate"
#: A plan, an item and two targets of different plans, and a figure.
NODES = ("ict", "ict/targets", FIVE_G, "green", "software")


class CountingNotes(InMemoryNotes):
    """In-memory notes that count how often every note is counted."""

    def __init__(self) -> None:
        super().__init__()
        self.recounts = 0

    def note_counts_by_node(self) -> Mapping[str, int]:
        self.recounts += 1
        return super().note_counts_by_node()


@pytest.fixture
def notes() -> CountingNotes:
    """The window's notes (overrides the shared fixture, which ``window`` uses)."""
    return CountingNotes()


def _expected_marks(content: ContentRepository, notes: NotesStore) -> NodeTreeModel:
    """A fresh tree given a full recount of ``notes``, worked out the obvious way."""
    direct = Counter(note.node_id for note in notes.all_notes())
    totals: Counter[str] = Counter()
    for node_id, count in direct.items():
        for ref_id in (*(ref.id for ref in content.breadcrumb(node_id)), node_id):
            totals[ref_id] += count
    model = NodeTreeModel(content, "briefing")
    model.set_annotations(totals, notes.starred_ids(), notes.follow_up_ids())
    return model


def assert_matches_a_recount(
    window: MainWindow, content: ContentRepository, notes: NotesStore
) -> None:
    """Every row's badges and tooltip, and every filled table row, as a full recount has them."""
    expected = _expected_marks(content, notes)
    shown = window.navigator.model
    for node in content.nodes():
        ancestors = tuple(ref.id for ref in content.breadcrumb(node.id))
        want, got = expected.index_for(node.id, ancestors), shown.index_for(node.id, ancestors)
        assert got.data(NodeRoles.MARKS) == want.data(NodeRoles.MARKS), node.id
        tooltip = Qt.ItemDataRole.ToolTipRole
        assert got.data(tooltip) == want.data(tooltip), node.id
    direct = Counter(note.node_id for note in notes.all_notes())
    starred = notes.starred_ids()
    for view in (window.targets_view, window.figures_view):
        for row in view.model.rows():
            assert row.notes == direct[row.quantity.id], row.quantity.id
            assert row.starred is (row.quantity.id in starred), row.quantity.id


def _write_note(window: MainWindow, node_id: str, text: str) -> None:
    """Open ``node_id`` and write a new note on it, as a person does (the pause saves it)."""
    window.show_node(node_id)
    panel = window.notes_panel
    panel.new_button.click()
    QTest.keyClicks(panel.editor, text)
    panel.flush()


def _delete_first_note(window: MainWindow, node_id: str) -> None:
    window.show_node(node_id)
    panel = window.notes_panel
    panel.list_view.setCurrentIndex(panel.list_model.index(0))
    panel.delete_button.click()


def _marks(window: MainWindow, node_id: str) -> Marks:
    marks = window.navigator.model.index_for(node_id, ()).data(NodeRoles.MARKS)
    assert isinstance(marks, Marks)
    return marks


def test_a_new_note_counts_on_its_node_and_every_ancestor_without_a_recount(
    window: MainWindow, content: ContentRepository, notes: CountingNotes
) -> None:
    window.actions_.show_targets.trigger()  # a filled table follows too
    window.actions_.show_reading.trigger()
    recounts = notes.recounts
    _write_note(window, FIVE_G, "check against MIIT")
    _write_note(window, FIVE_G, "and the 2020 baseline")
    _write_note(window, "ict", "on the plan")
    assert notes.recounts == recounts
    assert _marks(window, FIVE_G).notes == 2
    assert _marks(window, "ict/targets").notes == 2
    assert _marks(window, "ict").notes == 3
    assert _marks(window, "briefing").notes == 3
    assert _marks(window, "green").notes == 0
    index = window.navigator.model.index_for("ict", ())
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "4 targets, 3 notes"
    assert_matches_a_recount(window, content, notes)


def test_deleting_the_last_note_takes_the_badge_away(
    window: MainWindow, content: ContentRepository, notes: CountingNotes
) -> None:
    _write_note(window, FIVE_G, "first")
    _write_note(window, FIVE_G, "second")
    recounts = notes.recounts
    _delete_first_note(window, FIVE_G)
    assert _marks(window, "ict").notes == 1
    _delete_first_note(window, FIVE_G)
    assert notes.recounts == recounts
    assert _marks(window, FIVE_G).notes == _marks(window, "briefing").notes == 0
    assert "note" not in window.navigator.model.index_for("ict", ()).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert_matches_a_recount(window, content, notes)


def test_star_and_follow_up_change_one_row(
    window: MainWindow, content: ContentRepository, notes: CountingNotes, qtbot: QtBot
) -> None:
    window.actions_.show_targets.trigger()
    window.actions_.show_reading.trigger()
    model = window.navigator.model
    window.show_node(FIVE_G)
    recounts = notes.recounts
    panel = window.notes_panel
    with qtbot.waitSignal(model.dataChanged) as changed:
        panel.star_button.click()
    assert changed.args[0].data(NodeRoles.NODE_ID) == FIVE_G
    assert _marks(window, FIVE_G).starred and not _marks(window, "ict").starred
    row = next(r for r in window.targets_view.model.rows() if r.quantity.id == FIVE_G)
    assert row.starred
    panel.follow_up_box.click()
    assert _marks(window, FIVE_G).follow_up
    assert model.index_for(FIVE_G, ()).data(Qt.ItemDataRole.ToolTipRole) == (
        "1 target, starred, to follow up"
    )
    assert_matches_a_recount(window, content, notes)
    panel.star_button.click()
    panel.follow_up_box.click()
    assert _marks(window, FIVE_G) == Marks(targets=0, notes=0, follow_up=False, starred=False)
    assert notes.recounts == recounts
    assert_matches_a_recount(window, content, notes)


def test_a_filtered_tree_follows_too(
    window: MainWindow, content: ContentRepository, notes: CountingNotes
) -> None:
    QTest.keyClicks(window.navigator.filter_edit, "5G usage")
    _write_note(window, FIVE_G, "seen while filtered")
    window.notes_panel.star_button.click()
    assert _marks(window, FIVE_G) == Marks(targets=0, notes=1, follow_up=False, starred=True)
    assert _marks(window, "ict").notes == 1
    window.navigator.filter_edit.clear()
    assert_matches_a_recount(window, content, notes)


def test_notes_replaced_under_the_window_are_counted_again(
    window: MainWindow, content: ContentRepository, notes: CountingNotes
) -> None:
    """An import or a restore changes any number of nodes: every note is counted again."""
    _write_note(window, FIVE_G, "mine")
    notes.add_note("green", "imported")
    notes.add_note("software", "imported too")
    notes.toggle_marks("green", star=True)
    recounts = notes.recounts
    window.reload_notes()
    assert notes.recounts == recounts + 1
    assert _marks(window, "green") == Marks(targets=5, notes=1, follow_up=False, starred=True)
    assert_matches_a_recount(window, content, notes)
    # Changes after the recount start from it.
    _write_note(window, "green", "after the import")
    assert _marks(window, "green").notes == 2
    assert_matches_a_recount(window, content, notes)


_ACTIONS = st.lists(
    st.tuples(st.sampled_from(["write", "delete", "star", "follow"]), st.sampled_from(NODES)),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=_ACTIONS)
def test_any_sequence_of_changes_shows_what_a_recount_shows(
    make_window: WindowFactory,
    content: ContentRepository,
    notes: CountingNotes,
    actions: list[tuple[str, str]],
) -> None:
    window = make_window()
    window.actions_.show_figures.trigger()
    window.actions_.show_targets.trigger()
    window.actions_.show_reading.trigger()
    for number, (action, node_id) in enumerate(actions):
        window.show_node(node_id)
        panel = window.notes_panel
        if action == "write":
            _write_note(window, node_id, f"note {number}")
        elif action == "delete" and panel.list_model.rowCount():
            _delete_first_note(window, node_id)
        elif action == "star":
            panel.star_button.click()
        elif action == "follow":
            panel.follow_up_box.click()
    assert_matches_a_recount(window, content, notes)
    window.close()
    window.deleteLater()


@pytest.fixture
def store_window(
    qtbot: QtBot,
    content: ContentRepository,
    tmp_path: Path,
    dialogs: FakeDialogs,
    themes: list[str],
) -> Iterator[tuple[MainWindow, SqliteNotes]]:
    """A window over the real notes store, handed over after the first paint as the app does."""
    store = SqliteNotes.open(tmp_path / "data" / "notes.db", auto_backup=False)
    store.add_note("green", "written last week")
    store.toggle_marks("ict", star=True)
    deferred = DeferredNotes()
    settings = make_settings(tmp_path / "settings.ini")
    window = show_window(qtbot, build_window(content, deferred, settings, dialogs, themes.append))
    attach_store(window, deferred, store, content, dialogs, settings)
    yield window, store
    window.close()
    store.close()


def test_the_real_store_shows_what_it_counts(
    store_window: tuple[MainWindow, SqliteNotes], content: ContentRepository
) -> None:
    window, store = store_window
    assert_matches_a_recount(window, content, store)
    assert _marks(window, "ict").starred and _marks(window, "green").notes == 1
    _write_note(window, FIVE_G, "on the store")
    window.notes_panel.star_button.click()
    _write_note(window, "green", "another")
    _delete_first_note(window, "green")
    assert dict(store.note_counts_by_node()) == {FIVE_G: 1, "green": 1}
    assert _marks(window, "briefing").notes == 2
    assert_matches_a_recount(window, content, store)


# -- the counting itself ---------------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.dictionaries(
        st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=5)
    ),
    strangers=st.dictionaries(st.text(max_size=8), st.integers(min_value=1, max_value=3)),
)
def test_subtree_totals_add_up_each_nodes_breadcrumb(
    content: ContentRepository, picks: dict[int, int], strangers: dict[str, int]
) -> None:
    """The in-memory total is what adding each count to the node and its breadcrumb gives;
    a node the content does not know (a note left behind by an update) counts for itself."""
    ids = [node.id for node in content.nodes()]
    counts = {ids[pick % len(ids)]: n for pick, n in picks.items()}
    counts.update({f"gone/{name}": n for name, n in strangers.items()})
    expected: Counter[str] = Counter()
    for node_id, count in counts.items():
        for ref_id in (*(ref.id for ref in content.breadcrumb(node_id)), node_id):
            expected[ref_id] += count
    outline = OutlineIndex(content.outline())
    assert outline.subtree_totals(counts) == {k: v for k, v in expected.items() if v}
    assert NodeTreeModel(content, "briefing").subtree_totals(counts) == outline.subtree_totals(
        counts
    )


def test_a_change_moves_the_node_and_its_ancestors_only() -> None:
    shown = AnnotationCounts()
    shown.reset(
        {"a/b/c": 2, "a/d": 1}, {"a": 3, "a/b": 2, "a/b/c": 2, "a/d": 1}, frozenset(), frozenset()
    )
    change = shown.change("a/b/c", ("a", "a/b"), notes=3, starred=False, follow_up=False)
    assert change == NodeChange({"a": 4, "a/b": 3, "a/b/c": 3}, own=True)
    change = shown.change("a/d", ("a",), notes=0, starred=False, follow_up=True)
    assert change == NodeChange({"a": 3, "a/d": 0}, own=True)
    assert shown.counts == {"a/b/c": 3} and shown.totals == {"a": 3, "a/b": 3, "a/b/c": 3}
    assert shown.follow_up == {"a/d"}
    # A follow-up mark shows in no table: nothing of the node's own row changed.
    assert shown.change("a/d", ("a",), notes=0, starred=False, follow_up=False) == NodeChange(
        {}, own=False
    )
    assert shown.change("a/d", ("a",), notes=0, starred=True, follow_up=False).own
    assert shown.starred == {"a/d"} and shown.follow_up == frozenset()
