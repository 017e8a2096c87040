"""After a new edition: the items it changed since notes on them were written are marked in the
tree (Δ), Go → Next / Previous changed item walks through them in reading order, and marking a
note reviewed takes its item off the walk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fypdesk.content.identity import ROOT_ID, current_version
from fypdesk.content.repository import ContentRepository
from fypdesk.ui.navigator.model import Marks, NodeRoles
from fypdesk.ui.window.changed_items import step_through
from fypdesk.ui.window.main_window import MainWindow
from tests.example_packs import (
    CHANGED_NUMBER,
    CHANGED_WORDING,
    DELETED_ITEM,
    EDITIONS,
    build_examplia,
)
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import WindowFactory

UNCHANGED = "sky-rail"
CHANGED = frozenset({*CHANGED_WORDING, CHANGED_NUMBER})


@pytest.fixture
def content(tmp_path: Path) -> Iterator[ContentRepository]:
    """Examplia's second edition (overrides the bundled briefing of the shared fixture)."""
    repository = ContentRepository.open(build_examplia(tmp_path, 2))
    yield repository
    repository.close()


@pytest.fixture
def notes(tmp_path: Path) -> InMemoryNotes:
    """Notes written on the first edition: on every changed item, on one it deleted, on one it
    kept as it was; and one written on the second edition itself."""
    store = InMemoryNotes()
    first = ContentRepository.open(build_examplia(tmp_path / "first", 1))
    try:
        for node in (*sorted(CHANGED), DELETED_ITEM, UNCHANGED):
            store.add_note(node, f"on {node}", version=current_version(first, EDITIONS[0], node))
    finally:
        first.close()
    return store


def _marked(window: MainWindow, node_id: str) -> bool:
    model = window.navigator.model
    index = model.index_for(node_id, window._ancestry(node_id))
    marks = index.data(NodeRoles.MARKS)
    assert isinstance(marks, Marks)
    return marks.changed


def _reading_order(content: ContentRepository, ids: frozenset[str]) -> list[str]:
    order = list(content.outline().ids)
    return sorted(ids, key=order.index)


def test_changed_items_are_marked_in_the_tree(window: MainWindow) -> None:
    assert all(_marked(window, node_id) for node_id in CHANGED)
    assert not _marked(window, "sky-rail/achievements")
    model = window.navigator.model
    index = model.index_for(CHANGED_NUMBER, window._ancestry(CHANGED_NUMBER))
    assert index.data(Qt.ItemDataRole.ToolTipRole).endswith("changed in this edition since noted")
    # Seen from a collapsed plan: its ancestors say that something under them changed.
    plan = model.index_for("sky-rail", ())
    assert plan.data(NodeRoles.MARKS).changed
    assert "items under it changed" in plan.data(Qt.ItemDataRole.ToolTipRole)


def test_f8_walks_through_the_changed_items_in_reading_order(
    window: MainWindow, content: ContentRepository
) -> None:
    expected = _reading_order(content, CHANGED)
    assert window.actions_.next_changed.isEnabled()
    visited = []
    for _ in range(len(expected)):
        window.actions_.next_changed.trigger()
        visited.append(window.current_node_id())
    assert visited == expected
    window.actions_.next_changed.trigger()  # round again
    assert window.current_node_id() == expected[0]
    window.actions_.previous_changed.trigger()
    assert window.current_node_id() == expected[-1]
    assert window.notes_panel.stale_row.isVisibleTo(window.notes_panel)


def test_marking_a_note_reviewed_takes_its_item_off_the_walk(
    window: MainWindow, content: ContentRepository
) -> None:
    window.show_node(CHANGED_NUMBER)
    window.notes_panel.mark_reviewed()
    assert not _marked(window, CHANGED_NUMBER)
    remaining = _reading_order(content, CHANGED - {CHANGED_NUMBER})
    seen = set()
    for _ in range(4):
        window.actions_.next_changed.trigger()
        seen.add(window.current_node_id())
    assert seen == set(remaining)
    for node_id in remaining:
        window.show_node(node_id)
        window.notes_panel.mark_reviewed()
    assert not window.actions_.next_changed.isEnabled()


def test_nothing_to_walk_through_on_notes_of_the_edition_shown(
    make_window: WindowFactory, notes: InMemoryNotes, content: ContentRepository
) -> None:
    for note in list(notes.all_notes()):
        notes.delete_note(note.uuid)
    notes.add_note(UNCHANGED, "new", version=current_version(content, EDITIONS[1], UNCHANGED))
    window = make_window()
    assert not window.actions_.next_changed.isEnabled()
    window.actions_.next_changed.trigger()
    assert window.current_node_id() == ROOT_ID


@pytest.mark.parametrize(
    ("in_order", "current", "step", "expected"),
    [
        (["a", "b", "c"], "b", 1, "c"),
        (["a", "b", "c"], "c", 1, "a"),
        (["a", "b", "c"], "a", -1, "c"),
        (["a", "c"], None, 1, "a"),
        (["a", "c"], None, -1, "c"),
        (["b"], "b", 1, None),
        ([], None, 1, None),
    ],
)
def test_step_through(
    in_order: list[str], current: str | None, step: int, expected: str | None
) -> None:
    assert step_through(in_order, current, step) == expected
