"""In-process interaction timings of the reader window on one content database (offscreen).

``python -m benchmarks.ui_bench CONTENT_DB [NOTES_DB]`` prints one JSON line per phase, samples
in milliseconds:

- ``window_ms``: constructing the real :class:`~fypdesk.ui.window.main_window.MainWindow`,
  restoring its session and showing it, up to its first processed paint;
- ``expand``: expanding a plan and then one of its sections in the navigator that were never
  expanded before (fetch, layout and repaint of the tree);
- ``nav_filter``: each keystroke typed into the navigator's filter box (the first one loads the
  whole tree);
- ``outline_prefetch_ms``: from the first paint until the navigator's outline, read on a thread
  after it, is ready (the interaction phases start after it);
- ``targets_tab_ms``: showing the Targets tab for the first time, which fills its table;
- ``table_filter``: each keystroke (letters and backspaces) in the Targets tab's text filter;
- ``sort``: sorting the targets table by a column, ascending then descending;
- ``select``: making a navigator row current (as a click or an arrow key does): the reading pane
  renders the node and the notes panel loads its notes;
- ``search_box``: each keystroke (letters and backspaces) in the toolbar's search box, which
  searches content and notes as you type and shows the results list.

The window is built over a notes store that has not arrived yet (the app's ``DeferredNotes``), so
the phases above run without notes. Given ``NOTES_DB`` (a copy: it is written to), the store is
then handed over, as the app does after its first paint, and three more phases run on it:

- ``notes_attach_ms``: the window showing the store's notes, every note counted for the badges;
- ``note_create``: a new note typed on a node and saved (as the autosave pause does): the store's
  write and the badges of the node and its ancestors;
- ``star_toggle``: starring or unstarring the node shown, from the notes panel.

Every sample is the action and the event processing after it, which includes painting what the
action changed; the number of samples that painted is reported with each phase.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fypdesk.content.repository import ContentRepository
from fypdesk.ui.common.dialogs import QtDialogs
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.navigator.model import NodeRoles
from fypdesk.ui.notes.deferred import DeferredNotes
from fypdesk.ui.quantities.model import Columns
from fypdesk.ui.window.main_window import MainWindow

WORDS = ("energy", "revenue", "5g", "carbon")
SEARCH_WORDS = ("5G", "carbon", "solid waste")
NAV_WORDS = ("solid", "data")
EXPANSIONS = 12
#: Seconds one phase may take before it stops taking samples.
PHASE_LIMIT_S = 30.0


#: Per kind of sample, how many of its samples repainted the view they affect: a sample is the
#: action plus ``processEvents``, which delivers queued signals and the paint events the action
#: posted (a forced ``repaint()`` on top would count the painting twice).
PAINTED: dict[str, int] = {}


class _Views(QObject):
    """The widgets one interaction changes; counts the paint events they receive."""

    def __init__(self, *views: QWidget) -> None:
        super().__init__()
        self.paints = 0
        for view in views:
            view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _timed(app: QApplication, views: _Views, action: Callable[[], None], kind: str = "") -> float:
    before = views.paints
    start = time.perf_counter()
    action()
    app.processEvents()
    end = time.perf_counter()
    PAINTED[kind] = PAINTED.get(kind, 0) + (views.paints > before)
    return (end - start) * 1000


class _Budget:
    """Stops a phase once it has spent :data:`PHASE_LIMIT_S` (at ×1000 one keystroke of the
    navigator filter can take minutes); the samples taken so far are kept."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def spent(self) -> bool:
        return time.perf_counter() - self.start > PHASE_LIMIT_S


def _type_word(
    app: QApplication,
    edit: QWidget,
    view: _Views,
    word: str,
    kind: str,
    budget: _Budget,
    progress: Callable[[list[float]], None] = lambda _samples: None,
) -> list[float]:
    samples: list[float] = []
    keys: list[str | Qt.Key] = [*word, *([Qt.Key.Key_Backspace] * len(word))]
    for key in keys:
        if budget.spent() and len(samples) < len(word):
            # Out of time: still clear the filter so the next phase starts from a clean view.
            for _ in range(len(samples)):
                QTest.keyClick(edit, Qt.Key.Key_Backspace)
            app.processEvents()
            break
        samples.append(_timed(app, view, functools.partial(QTest.keyClick, edit, key), kind))
        progress(samples)
    return samples


def _emit(phase: str, value: object) -> None:
    """One JSON line per phase, so a run stopped by its timeout still reports what it measured."""
    record = {"phase": phase, "value": value, "painted": PAINTED.get(phase, 0)}
    print(json.dumps(record), flush=True)


def _emit_more(phase: str, before: list[float], done: list[float]) -> None:
    _emit(phase, before + done)


def measure(content_db: Path, notes_db: Path | None = None) -> None:
    """Open the window on ``content_db`` and time the interactions, printing each phase; then,
    given ``notes_db``, the note and star interactions over that store."""
    app = QApplication([sys.argv[0]])
    content = ContentRepository.open(content_db)
    notes = DeferredNotes()
    start = time.perf_counter()
    window = MainWindow(content, notes, UiSettings(None), QtDialogs(), lambda _t: None)
    window.resize(1280, 800)
    window.restore_session()
    window.show()
    app.processEvents()
    _emit("window_ms", (time.perf_counter() - start) * 1000)
    # Start-up work the window does after its first paint (reading the navigator's outline on a
    # thread) is timed on its own; the interactions are timed once it is done, as a person's
    # first click comes a moment after the window appears.
    start = time.perf_counter()
    deadline = start + 10
    while not window.navigator.model.outline_prefetched() and time.perf_counter() < deadline:
        app.processEvents()
    _emit("outline_prefetch_ms", (time.perf_counter() - start) * 1000)

    nav = window.navigator
    tree = nav.tree
    viewport = _Views(tree.viewport())
    root = nav.model.index(0, 0)
    expand: list[float] = []
    plans = nav.model.rowCount(root)
    budget = _Budget()
    for row in range(min(EXPANSIONS, plans)):
        if budget.spent():
            break
        plan = nav.model.index(row, 0, root)
        expand.append(_timed(app, viewport, functools.partial(tree.expand, plan), "expand"))
        section = nav.model.index(0, 0, plan)
        if section.isValid():
            expand.append(_timed(app, viewport, functools.partial(tree.expand, section), "expand"))
    _emit("expand", expand)

    select: list[float] = []
    budget = _Budget()
    rows = [nav.model.index(row, 0, root) for row in range(min(EXPANSIONS, plans))]
    rows += [nav.model.index(0, 0, plan) for plan in rows]
    # What a selection changes (the tree's current row, the page, the notes), not the whole window.
    changed = _Views(tree.viewport(), window.reading_pane, window.notes_panel)
    for index in (i for i in rows if i.isValid()):
        if budget.spent():
            break
        select.append(
            _timed(app, changed, functools.partial(tree.setCurrentIndex, index), "select")
        )
    _emit("select", select)

    targets = window.targets_view
    start = time.perf_counter()
    window.tabs.setCurrentWidget(targets)  # the first showing fills the table
    app.processEvents()
    _emit("targets_tab_ms", (time.perf_counter() - start) * 1000)
    table_viewport = _Views(targets.table.viewport())
    table_filter: list[float] = []
    budget = _Budget()
    for word in WORDS:
        table_filter += _type_word(
            app, targets.text_edit, table_viewport, word, "table_filter", budget
        )
    _emit("table_filter", table_filter)

    sort: list[float] = []
    budget = _Budget()
    for column in (Columns.INDICATOR, Columns.VALUE, Columns.CHANGE_REL, Columns.CAGR):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            if not budget.spent():
                sort_by = functools.partial(targets.table.sortByColumn, column, order)
                sort.append(_timed(app, table_viewport, sort_by, "sort"))
    _emit("sort", sort)
    _emit("target_rows", targets.proxy.rowCount(QModelIndex()))

    window.tabs.setCurrentWidget(window.reading_pane)
    search_box: list[float] = []
    budget = _Budget()
    for word in SEARCH_WORDS:
        results = _Views(window.search_box.results.viewport())
        search_box += _type_word(app, window.search_box, results, word, "search_box", budget)
    window.search_box.clear()
    _emit("search_box", search_box)

    nav_filter: list[float] = []
    budget = _Budget()
    for word in NAV_WORDS:
        # Emitted after every keystroke: at x100 and above one keystroke can take minutes, and
        # the runner's timeout must not lose the samples taken before it.
        nav_filter += _type_word(
            app, nav.filter_edit, viewport, word, "nav_filter", budget,
            functools.partial(_emit_more, "nav_filter", list(nav_filter)),
        )  # fmt: skip
    _emit("nav_filter", nav_filter)
    nav.filter_edit.clear()
    if notes_db is not None:
        _measure_annotations(app, window, notes, notes_db, [i for i in rows if i.isValid()])
    window.close()
    content.close()


def _measure_annotations(
    app: QApplication,
    window: MainWindow,
    notes: DeferredNotes,
    notes_db: Path,
    rows: list[QModelIndex],
) -> None:
    """Hand the store over, then write notes and toggle stars on the nodes at ``rows``."""
    from fypdesk.notes.sqlite.backend import SqliteNotes

    store = SqliteNotes.open(notes_db, auto_backup=False)
    try:
        start = time.perf_counter()
        notes.attach(store)
        window.notes_opened()
        app.processEvents()
        _emit("notes_attach_ms", (time.perf_counter() - start) * 1000)
        panel = window.notes_panel
        # The tree (badges) and the panel (list, star) are what these actions change.
        changed = _Views(window.navigator.tree.viewport(), panel)
        create: list[float] = []
        star: list[float] = []
        budget = _Budget()
        for index in rows:
            if budget.spent():
                break
            window.show_node(index.data(NodeRoles.NODE_ID))
            app.processEvents()
            panel.start_new_note()
            QTest.keyClicks(panel.editor, "Ask the ministry about this")
            create.append(_timed(app, changed, panel.flush, "note_create"))
            for _ in range(2):  # star, then unstar
                star.append(_timed(app, changed, panel.star_button.click, "star_toggle"))
        _emit("note_create", create)
        _emit("star_toggle", star)
    finally:
        store.close()


def main() -> int:
    """Print the measurements for ``argv[1]`` (and the notes store ``argv[2]``), one JSON line
    per phase."""
    measure(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
