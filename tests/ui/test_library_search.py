"""Search as you type across the library: the open briefing's hits at once, the other
briefings' when they are in, each named, narrowed to the open one on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fypdesk.content.identity import BriefingChoice
from fypdesk.domain.notes import LEGACY_PACK_ID
from fypdesk.ui.search.other_briefings import BriefingHit, OtherBriefingsSearch
from fypdesk.ui.search.popup import ResultRow, SearchResultsModel
from fypdesk.ui.window.main_window import MainWindow
from tests.example_packs import PACK_ID, bundled_and_examplia

ONLY_IN_EXAMPLIA = "stations"  # a word of Examplia's Sky Rail plan, not of the bundled briefing
ONLY_IN_BUNDLED = "5G"


@pytest.fixture
def library(tmp_path: Path) -> list[BriefingChoice]:
    """The bundled briefing and Examplia, installed by the real code."""
    return bundled_and_examplia(tmp_path)


def _rows(window: MainWindow) -> list[ResultRow]:
    model = window.search_box.results_model
    rows = [model.index(row).data(SearchResultsModel.ROW) for row in range(model.rowCount())]
    return [row for row in rows if isinstance(row, ResultRow)]


def _type(window: MainWindow, qtbot: QtBot, text: str) -> None:
    """Type ``text`` and wait until the other briefings have answered."""
    others = window._other_briefings
    assert others is not None
    with qtbot.waitSignal(others.results_ready, timeout=10_000) as blocker:
        window.search_box.setText(text)
    assert blocker.args is not None and blocker.args[0] == text


def test_a_hit_in_another_briefing_names_it_and_opens_it_there(
    window: MainWindow, library: list[BriefingChoice], qtbot: QtBot
) -> None:
    window.set_briefings(library)
    window.show()
    assert window.search_box.placeholderText().startswith("Search the library")
    _type(window, qtbot, ONLY_IN_EXAMPLIA)
    rows = _rows(window)
    assert rows and all(row.briefing is not None for row in rows)
    assert {row.briefing.id for row in rows if row.briefing} == {PACK_ID}
    assert all(row.briefing_title.startswith("Examplia") for row in rows)
    markup = window.search_box.results_model.markup()[0]
    assert "<i>Examplia Imaginary Industries Plan 2026-2030</i>" in markup
    window.search_box.setFocus()
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.requested_briefing is not None and window.requested_briefing.id == PACK_ID
    assert window.requested_node == rows[0].node_id
    assert not window.isVisible()  # the app opens Examplia at that node


def test_the_open_briefings_hits_come_first_and_are_named_too(
    window: MainWindow, library: list[BriefingChoice], qtbot: QtBot
) -> None:
    window.set_briefings(library)
    _type(window, qtbot, "plan")
    rows = _rows(window)
    own = [row for row in rows if row.briefing is None]
    other = [row for row in rows if row.briefing is not None]
    assert own and other
    assert rows[: len(own)] == own  # shown at once, the others' appended
    assert {row.briefing_title for row in own} == {window._briefing.title}


def test_this_briefing_narrows_the_search(
    window: MainWindow, library: list[BriefingChoice], qtbot: QtBot
) -> None:
    window.set_briefings(library)
    scope = window.search_scope
    assert window._search_scope_action.isVisible()
    scope.setCurrentIndex(1)  # "This briefing"
    window.search_box.setText(ONLY_IN_EXAMPLIA)
    others = window._other_briefings
    assert others is not None
    others.wait()
    qtbot.wait(50)  # a late answer would be delivered now: none is
    assert _rows(window) == []
    window.search_box.setText(ONLY_IN_BUNDLED)
    assert _rows(window) and all(row.briefing_title == "" for row in _rows(window))
    with qtbot.waitSignal(others.results_ready):
        scope.setCurrentIndex(0)  # back to every briefing: searched again
    window.set_briefings([b for b in library if b.id != PACK_ID])  # the open one alone
    assert not window._search_scope_action.isVisible()


def test_only_the_latest_query_is_answered(
    library: list[BriefingChoice], qtbot: QtBot, tmp_path: Path
) -> None:
    others = OtherBriefingsSearch(library, LEGACY_PACK_ID, index=tmp_path / "index.db")
    answers: list[str] = []
    others.results_ready.connect(lambda query, _hits: answers.append(query))
    try:
        for prefix in ("s", "st", "sta", "stat"):
            others.search(prefix)
        with qtbot.waitSignal(others.results_ready) as blocker:
            others.search(ONLY_IN_EXAMPLIA)
        assert blocker.args is not None
        query, hits = blocker.args
        assert query == ONLY_IN_EXAMPLIA
        assert hits and all(isinstance(hit, BriefingHit) for hit in hits)
        others.wait()
        qtbot.wait(20)
        assert answers[-1] == ONLY_IN_EXAMPLIA
        assert set(answers) <= {"s", "st", "sta", "stat", ONLY_IN_EXAMPLIA}
        assert answers.count(ONLY_IN_EXAMPLIA) == 1
        # A stale answer is never delivered after a newer query was asked.
        assert all(answers.index(q) < answers.index(ONLY_IN_EXAMPLIA) for q in answers[:-1])
    finally:
        others.close()


def test_a_damaged_briefing_is_skipped(
    library: list[BriefingChoice], tmp_path: Path, qtbot: QtBot
) -> None:
    (examplia,) = [b for b in library if b.id == PACK_ID]
    damaged = tmp_path / "damaged.fypack"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    broken = BriefingChoice("broken", "Broken", "1", damaged, examplia.publisher, examplia.date)
    others = OtherBriefingsSearch([broken, examplia], LEGACY_PACK_ID, index=tmp_path / "i.db")
    try:
        with qtbot.waitSignal(others.results_ready) as blocker:
            others.search(ONLY_IN_EXAMPLIA)
        assert blocker.args is not None
        hits = blocker.args[1]
        assert hits and {hit.briefing.id for hit in hits} == {PACK_ID}
    finally:
        others.close()


def test_without_an_index_each_briefing_is_asked_in_turn(
    library: list[BriefingChoice], tmp_path: Path, qtbot: QtBot
) -> None:
    """A cache folder that cannot be written (here: a file where its folder should be)."""
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("", encoding="utf-8")
    others = OtherBriefingsSearch(library, LEGACY_PACK_ID, index=blocker_file / "index.db")
    try:
        assert not others.indexed
        with qtbot.waitSignal(others.results_ready) as blocker:
            others.search(ONLY_IN_EXAMPLIA)
        assert blocker.args is not None
        assert {hit.briefing.id for hit in blocker.args[1]} == {PACK_ID}
    finally:
        others.close()


def test_the_index_and_the_briefings_asked_in_turn_agree(
    library: list[BriefingChoice], tmp_path: Path, qtbot: QtBot
) -> None:
    def found(index: Path) -> list[tuple[str, str]]:
        others = OtherBriefingsSearch(library, LEGACY_PACK_ID, index=index)
        try:
            with qtbot.waitSignal(others.results_ready) as blocker:
                others.search(ONLY_IN_EXAMPLIA)  # fewer hits than either asks for
            assert blocker.args is not None
            return [(hit.briefing.id, hit.hit.id) for hit in blocker.args[1]]
        finally:
            others.close()

    (tmp_path / "file").write_text("", encoding="utf-8")
    indexed, in_turn = found(tmp_path / "index.db"), found(tmp_path / "file" / "index.db")
    assert indexed and indexed == in_turn
