"""The reader window: navigator, reading pane, targets and figures, notes, search and history.

The Targets and Figures tables are filled when their tab is first shown (or exported): reading
and laying out every quantity would otherwise hold up the first paint, and most sessions start
on the reading pane.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMenu,
    QTabWidget,
    QToolBar,
    QWidget,
)

from fypdesk import __version__
from fypdesk.content.identity import BriefingChoice, current_version, pack_identity
from fypdesk.content.repository import ContentRepository, read_outline
from fypdesk.domain.content import NodeKind, QuantityRole, SearchHit
from fypdesk.domain.editions import (
    ItemVersion,
    NoteState,
    RecordedVersion,
    item_version,
    note_state,
)
from fypdesk.domain.errors import FypdeskError, UnknownNodeError
from fypdesk.domain.notes import Note, NoteHit, node_text_hash
from fypdesk.notes.interface import NotesStore
from fypdesk.ui.common.dialogs import Dialogs, confirm_overwrite
from fypdesk.ui.common.first_paint import after_first_paint
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.common.text import shortened
from fypdesk.ui.navigator.annotation_counts import AnnotationCounts
from fypdesk.ui.navigator.model import NodeTreeModel
from fypdesk.ui.navigator.tree_view import Navigator
from fypdesk.ui.notes.all_notes import AllNotesView
from fypdesk.ui.notes.panel import NotesPanel, tags_in_use
from fypdesk.ui.quantities.model import build_rows
from fypdesk.ui.quantities.view import QuantitiesView
from fypdesk.ui.reading.pane import Page, ReadingPane
from fypdesk.ui.search.other_briefings import OtherBriefingsSearch
from fypdesk.ui.search.popup import SearchBox
from fypdesk.ui.search.scope_combo import SearchScopeCombo
from fypdesk.ui.window.actions import Actions
from fypdesk.ui.window.briefings_menu import fill_briefings_menu
from fypdesk.ui.window.changed_items import ChangedItems, step_through
from fypdesk.ui.window.edit_actions import add_edit_actions
from fypdesk.ui.window.history import History

ROOT_ID = "briefing"
#: The table that lists a node of each kind.
_QUANTITY_ROLES = {NodeKind.TARGET: QuantityRole.TARGET, NodeKind.FIGURE: QuantityRole.FIGURE}


class MainWindow(QMainWindow):
    """The reader window; every dependency comes in through the constructor.

    Signals:
        node_shown: a node is now shown in the reading pane (its id).
        briefings_changed: the library's briefings were listed anew (:attr:`briefings`).
    """

    node_shown = Signal(str)
    briefings_changed = Signal()

    def __init__(
        self,
        content: ContentRepository,
        notes: NotesStore,
        settings: UiSettings,
        dialogs: Dialogs,
        set_theme: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("fypdesk")
        self._content = content
        #: The edition every note written here records (with its item's words and numbers).
        identity = pack_identity(content)
        self._pack, self._edition = identity.id, identity.edition
        #: The briefing to open next, chosen in File → Open briefing (``None``: quit).
        self.requested_briefing: BriefingChoice | None = None
        self.requested_node: str | None = None
        self._briefings_listed: tuple[BriefingChoice, ...] = ()
        self._versions: dict[str, ItemVersion | None] = {}
        self._changed = ChangedItems(self._is_changed)
        self._notes = notes
        self._settings = settings
        self._dialogs = dialogs
        self._set_theme = set_theme
        self.history = History()
        self._ancestors: dict[str, tuple[str, ...]] = {}
        # The annotations shown (a table filled later starts with them).
        self._annotations = AnnotationCounts()
        # Column layouts from the session, applied once a table has its rows.
        self._saved_headers: dict[str, QByteArray] = {}
        self._filled: set[QuantitiesView] = set()
        # The node the notes panel shows: its id, title and wording fingerprint.
        self._notes_node: tuple[str, str, ItemVersion | None] | None = None
        self._briefing = content.briefing()
        self._plans = content.plans()
        self._plan_base_year = self._briefing.period_start - 1
        self.actions_ = Actions.create(self)
        self._file_actions: list[QAction] = []
        self._build_views()
        self._build_menus()
        self._connect()
        self._refresh_annotations()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # removed by Qt when the window is destroyed
        # The navigator filter's outline (half a second at ×1000) is read on a thread once the
        # window is on screen, so the first keystroke in the filter box does not wait for it.
        path = content.path
        after_first_paint(
            self, lambda: self.navigator.model.prefetch_outline(lambda: read_outline(path))
        )

    # -- construction ----------------------------------------------------------------------

    def _build_views(self) -> None:
        tree_model = NodeTreeModel(self._content, ROOT_ID, self)
        self.navigator = Navigator(tree_model, self)
        self.reading_pane = ReadingPane(self)
        self.targets_view = QuantitiesView(QuantityRole.TARGET, self._plans, self)
        self.figures_view = QuantitiesView(QuantityRole.FIGURE, self._plans, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("centralTabs")
        self.tabs.setAccessibleName("Reading, targets, figures and all notes")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.reading_pane, "Reading")
        self.tabs.addTab(self.targets_view, "Targets")
        self.tabs.addTab(self.figures_view, "Figures")
        self.all_notes_view = AllNotesView(self._plans, self)
        self.tabs.addTab(self.all_notes_view, "All notes")
        self.setCentralWidget(self.tabs)
        self.notes_panel = NotesPanel(self._notes, self)
        self.navigator_dock = self._dock("navigatorDock", "Plans", self.navigator)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.navigator_dock)
        self.notes_dock = self._dock("notesDock", "Notes", self.notes_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_dock)
        self.resizeDocks(
            [self.navigator_dock, self.notes_dock], [330, 300], Qt.Orientation.Horizontal
        )
        self.search_box = SearchBox(self._search, self._title_of, self, self)
        toolbar = QToolBar("Navigation", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        a = self.actions_
        for action in (a.back, a.forward, a.home):
            toolbar.addAction(action)
        spacer = QWidget(toolbar)
        spacer.setFixedWidth(12)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search_box)
        self.search_scope = SearchScopeCombo(toolbar)
        # Shown with a library of several briefings (set_briefings): an action, as a toolbar
        # hides a widget through the action that holds it.
        self._search_scope_action = toolbar.addWidget(self.search_scope)
        self._search_scope_action.setVisible(False)
        self.addToolBar(toolbar)
        self._other_briefings: OtherBriefingsSearch | None = None
        self.setTabOrder(self.search_box, self.navigator.filter_edit)
        self.setTabOrder(self.navigator.filter_edit, self.navigator.tree)
        self.setTabOrder(self.navigator.tree, self.reading_pane)
        self.setTabOrder(self.reading_pane, self.notes_panel.editor)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        return dock

    def _build_menus(self) -> None:
        docks = [self.navigator_dock.toggleViewAction(), self.notes_dock.toggleViewAction()]
        self.file_menu, self._file_hook = self.actions_.populate(self.menuBar(), docks)
        edit_menu = self.menuBar().actions()[1].menu()
        #: Edit → Undo, Redo, Cut, Copy, Paste, Select All (on the focused text field).
        self.edit_actions = (
            add_edit_actions(edit_menu, self) if isinstance(edit_menu, QMenu) else []
        )

    def set_briefings(self, briefings: Sequence[BriefingChoice]) -> None:
        """Show the library's ``briefings``: beside the open one in the navigator and in File →
        Open briefing. Choosing another one closes this window (its notes saved) and asks for
        it in :attr:`requested_briefing`."""
        current = self._pack
        self._briefings_listed = tuple(briefings)
        fill_briefings_menu(self.file_menu, briefings, current, self.open_briefing)
        self.navigator.set_library(briefings, current)
        self.navigator_dock.setWindowTitle("Library" if len(briefings) > 1 else "Plans")
        if self._other_briefings is not None:
            self._other_briefings.close()
            self._other_briefings.deleteLater()
        others = [b for b in briefings if b.id != current]
        self._other_briefings = OtherBriefingsSearch(briefings, current, self) if others else None
        if self._other_briefings is not None:
            # Its index is brought up to date once the window has painted, not during its start.
            after_first_paint(self, self._other_briefings.prepare)
        self.search_box.set_library(self._other_briefings, self._briefing.title)
        self._search_scope_action.setVisible(bool(others))
        self.briefings_changed.emit()
        current_node = self.current_node_id()
        if current_node is not None:
            title = self._existing_title(current_node)
            if title is not None:
                self.setWindowTitle(self._title_for(title, current_node))

    @property
    def briefings(self) -> tuple[BriefingChoice, ...]:
        """The library's briefings, as :meth:`set_briefings` last listed them."""
        return self._briefings_listed

    @property
    def pack_id(self) -> str:
        """The id of the briefing shown."""
        return self._pack

    def open_briefing(self, briefing: BriefingChoice, node_id: str | None = None) -> None:
        """Close this window (saving its notes and session) so that the app opens ``briefing``
        (at ``node_id``, or where the user last read in it); the briefing shown, in another
        edition (just installed), is opened again."""
        if (briefing.id, briefing.edition) == (self._pack, self._edition):
            if node_id is not None:
                self._on_view_node_requested(node_id)
            return
        self.requested_briefing, self.requested_node = briefing, node_id
        self.close()

    def _on_navigator_briefing_selected(self, briefing: BriefingChoice) -> None:
        self.reading_pane.show_briefing(briefing)
        # The panel's node is not what the pane shows: nothing is typed onto the wrong item.
        self.notes_panel.setEnabled(False)
        self.tabs.setCurrentWidget(self.reading_pane)

    def add_file_action(self, action: QAction) -> None:
        """Add a command (notes export/import, backups, export brief) to the File menu."""
        self.file_menu.insertAction(self._file_hook, action)
        self._file_actions.append(action)  # listed in Help → Keyboard shortcuts too

    def _connect(self) -> None:
        a = self.actions_
        for source in (self.navigator, self.reading_pane, self.targets_view, self.figures_view):
            source.node_requested.connect(self._on_view_node_requested)
        self.all_notes_view.node_requested.connect(self._on_view_node_requested)
        self.navigator.briefing_selected.connect(self._on_navigator_briefing_selected)
        self.navigator.briefing_requested.connect(self.open_briefing)
        self.reading_pane.briefing_requested.connect(self.open_briefing)
        self.notes_panel.note_saved.connect(self._on_notes_panel_note_saved)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.search_box.node_requested.connect(self._on_view_node_requested)
        self.search_box.briefing_node_requested.connect(self.open_briefing)
        self.search_scope.everywhere_changed.connect(self.search_box.set_everywhere)
        self.notes_panel.annotations_changed.connect(self._on_notes_panel_annotations_changed)
        a.export_targets.triggered.connect(lambda: self._export(self.targets_view, "targets"))
        a.export_figures.triggered.connect(lambda: self._export(self.figures_view, "figures"))
        a.quit.triggered.connect(self.close)
        a.search.triggered.connect(self.focus_search)
        a.find.triggered.connect(self.focus_search)
        a.new_note.triggered.connect(self._on_new_note_triggered)
        a.toggle_star.triggered.connect(self.notes_panel.star_button.toggle)
        a.back.triggered.connect(self.go_back)
        a.forward.triggered.connect(self.go_forward)
        a.home.triggered.connect(lambda: self._on_view_node_requested(ROOT_ID))
        a.zoom_in.triggered.connect(lambda: self.reading_pane.set_zoom(self.reading_pane.zoom + 1))
        a.zoom_out.triggered.connect(lambda: self.reading_pane.set_zoom(self.reading_pane.zoom - 1))
        a.zoom_reset.triggered.connect(lambda: self.reading_pane.set_zoom(0))
        a.show_reading.triggered.connect(lambda: self.tabs.setCurrentWidget(self.reading_pane))
        a.show_targets.triggered.connect(lambda: self.tabs.setCurrentWidget(self.targets_view))
        a.show_figures.triggered.connect(lambda: self.tabs.setCurrentWidget(self.figures_view))
        a.show_all_notes.triggered.connect(lambda: self.tabs.setCurrentWidget(self.all_notes_view))
        a.focus_navigator.triggered.connect(self.navigator.tree.setFocus)
        a.next_changed.triggered.connect(lambda: self.go_to_changed(1))
        a.previous_changed.triggered.connect(lambda: self.go_to_changed(-1))
        for name, action in (
            ("system", a.theme_system),
            ("light", a.theme_light),
            ("dark", a.theme_dark),
        ):
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(self._on_about_triggered)

    # -- data ------------------------------------------------------------------------------

    def _fill(self, view: QuantitiesView) -> None:
        """Give ``view`` its rows, once: when its tab is first shown or it is exported."""
        if view in self._filled:
            return
        self._filled.add(view)
        role = view.model.role
        titles = {p.slug: p.short_title for p in self._plans}
        quantities = self._content.quantities(role)
        view.set_rows(build_rows(quantities, titles, self._plan_base_year))
        view.model.set_annotations(self._annotations.counts, self._annotations.starred)
        # Filling sizes the columns to their contents; the user's own widths win.
        name = next(name for name, shown in self._quantity_views().items() if shown is view)
        if name in self._saved_headers:
            view.table.horizontalHeader().restoreState(self._saved_headers[name])

    def _ancestry(self, node_id: str) -> tuple[str, ...]:
        if node_id not in self._ancestors:
            self._ancestors[node_id] = tuple(r.id for r in self._content.breadcrumb(node_id))
        return self._ancestors[node_id]

    def reload_notes(self) -> None:
        """Show the notes store afresh (after an import or a restore replaced notes under us)."""
        node_id = self.current_node_id()
        if node_id is not None:
            self.notes_panel.discard_edits()
            self.show_node(node_id, record=False)
        self._refresh_annotations()

    def flush_notes(self) -> None:
        """Save what is being typed now (before the notes are read elsewhere, e.g. a brief)."""
        self.notes_panel.flush()

    def notes_opened(self) -> None:
        """Show the notes of a store that has just arrived (see ``DeferredNotes``).

        Unlike :meth:`reload_notes`, anything typed meanwhile is kept: the panel saves it into
        the store as it changes node.
        """
        if self._notes_node is not None:
            self.notes_panel.set_node(*self._notes_node)
        self._refresh_annotations()

    def _refresh_annotations(self) -> None:
        """Count every note again: at start and when notes were replaced under us."""
        counts = self._notes.note_counts_by_node()
        shown = self._annotations
        shown.reset(
            counts,
            self.navigator.model.subtree_totals(counts),
            self._notes.starred_ids(),
            self._notes.follow_up_ids(),
        )
        self.navigator.model.set_annotations(shown.totals, shown.starred, shown.follow_up)
        for view in self._filled:
            view.model.set_annotations(shown.counts, shown.starred)
        self._show_changed(self._changed.reset(self._notes.recorded_versions(self._edition)))
        self._refresh_all_notes()

    def _show_changed(self, items: frozenset[str]) -> None:
        under = frozenset(a for node_id in items for a in self._ancestry(node_id))
        self.navigator.model.set_changed(items, under)
        for action in (self.actions_.next_changed, self.actions_.previous_changed):
            action.setEnabled(bool(items))

    def go_to_changed(self, step: int) -> None:
        """Show the next (``step`` 1) or previous (-1) item, in reading order, that the edition
        shown changed since a note on it was written; the notes panel says how, with Compare…
        and Mark reviewed."""
        current = self.current_node_id()
        wanted = self._changed.items | ({current} if current is not None else set())
        target = step_through(self.navigator.model.in_reading_order(wanted), current, step)
        if target is not None:
            self._on_view_node_requested(target)

    def _on_notes_panel_annotations_changed(self) -> None:
        # The panel changed the node it shows (a note written or deleted there, its star or its
        # follow-up mark) and shows the store's answer. Only that node and its ancestors
        # change, so nothing is counted again.
        node_id = self.notes_panel.node_id
        if node_id is None:
            self._refresh_annotations()
            return
        notes, starred, follow_up = self.notes_panel.shown_annotations()
        if self._changed.update(node_id, self._notes.notes_for(node_id)):
            self._show_changed(self._changed.items)  # a note marked reviewed, edited or deleted
        shown = self._annotations
        change = shown.change(
            node_id, self._ancestry(node_id), notes=notes, starred=starred, follow_up=follow_up
        )
        self.navigator.model.update_annotations(change.totals, shown.starred, shown.follow_up)
        # A table lists targets or figures: other nodes' notes and stars do not show there.
        role = self._quantity_role(node_id) if change.own and self._filled else None
        for view in self._filled:
            if view.model.role is role:
                view.model.update_annotation(
                    node_id, shown.counts.get(node_id, 0), node_id in shown.starred
                )
        self._refresh_all_notes()

    def _quantity_role(self, node_id: str) -> QuantityRole | None:
        """The table that lists ``node_id`` (a target or a figure), if any."""
        try:
            kind = self._content.node(node_id).kind
        except UnknownNodeError:
            return None
        return _QUANTITY_ROLES.get(kind)

    def _refresh_all_notes(self) -> None:
        # Only the visible list is kept current; switching to the tab refreshes it.
        if self.tabs.currentWidget() is self.all_notes_view:
            tags = tags_in_use(self._notes)
            self.all_notes_view.set_notes(
                self._notes.all_notes(), self._existing_title, tags, changed=self._is_changed
            )

    def _is_changed(self, note: Note | RecordedVersion) -> bool:
        """Whether the edition shown changed the words or numbers of ``note``'s item since the
        note was written (each item is read once a session: the content does not change)."""
        if isinstance(note, Note) and note.edition == self._edition:
            return False
        if note.annotated_text is None:
            # A note of the first release keeps a fingerprint of the wording alone: comparing it
            # reads the node, not its whole detail (100,000 such notes open the tab in time).
            if note.node_hash is None or self._existing_title(note.node_id) is None:
                return False
            node = self._content.node(note.node_id)
            return node_text_hash(node.title, node.text, node.source) != note.node_hash
        if note.node_id not in self._versions:
            self._versions[note.node_id] = current_version(
                self._content, self._edition, note.node_id
            )
        return note_state(note, self._versions[note.node_id]) is NoteState.CHANGED

    def _existing_title(self, node_id: str) -> str | None:
        try:
            return self._content.node(node_id).title
        except UnknownNodeError:
            return None

    def _on_notes_panel_note_saved(self, _note: object) -> None:
        self._refresh_all_notes()

    def _on_tabs_current_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, QuantitiesView):
            self._fill(current)
        self._refresh_all_notes()

    def _search(self, query: str) -> tuple[Sequence[SearchHit], Sequence[NoteHit]]:
        return self._content.search(query, limit=15), tuple(self._notes.search(query, limit=10))

    def _title_of(self, node_id: str) -> str:
        try:
            return self._content.node(node_id).title
        except UnknownNodeError:
            return f"{node_id} (no longer in the content)"

    # -- navigation ------------------------------------------------------------------------

    def current_node_id(self) -> str | None:
        """The node shown in the reading pane."""
        return self.history.current

    def show_node(self, node_id: str, *, record: bool = True) -> None:
        """Show ``node_id`` everywhere; raises :class:`UnknownNodeError` for an unknown id."""
        # The overview lists plans, not the quantities under the whole briefing (reading_pane).
        detail = self._content.detail(node_id, with_quantities=node_id != ROOT_ID)
        self._ancestors[node_id] = tuple(ref.id for ref in detail.breadcrumb)
        self.reading_pane.show_page(Page(detail, self._briefing, self._plans))
        self.notes_panel.setEnabled(True)
        self.navigator.show_node(node_id, self._ancestors[node_id])
        self._notes_node = (node_id, detail.node.title, item_version(detail, self._edition))
        self.notes_panel.set_node(*self._notes_node)
        if record:
            self.history.visit(node_id)
        self.actions_.back.setEnabled(self.history.can_go_back())
        self.actions_.forward.setEnabled(self.history.can_go_forward())
        self.setWindowTitle(self._title_for(detail.node.title, node_id))
        self.node_shown.emit(node_id)

    def _title_for(self, node_title: str, node_id: str) -> str:
        """The window's title: the item, and which briefing it is in when the library holds
        several (the root is the briefing itself)."""
        if len(self._briefings_listed) > 1 and node_id != ROOT_ID:
            return f"{node_title} — {shortened(self._briefing.title, 60)} — fypdesk"
        return f"{node_title} — fypdesk"

    def go_back(self) -> None:
        """Show the previous node in the history."""
        node_id = self.history.back()
        if node_id is not None:
            self.show_node(node_id, record=False)

    def go_forward(self) -> None:
        """Show the next node in the history."""
        node_id = self.history.forward()
        if node_id is not None:
            self.show_node(node_id, record=False)

    def focus_search(self) -> None:
        """Put the cursor in the search field."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _on_view_node_requested(self, node_id: str) -> None:
        try:
            self.show_node(node_id)
        except UnknownNodeError as exc:
            self._dialogs.error("Not found", str(exc))
            return
        self.tabs.setCurrentWidget(self.reading_pane)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Item views accept every mouse press, so the back/forward buttons never bubble up to
        # the window: catch them on their way to any widget of this window.
        if (
            event.type() == QEvent.Type.MouseButtonPress
            and isinstance(event, QMouseEvent)
            and isinstance(watched, QWidget)
            and watched.window() is self
        ):
            if event.button() == Qt.MouseButton.BackButton:
                self.go_back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                self.go_forward()
                return True
        return super().eventFilter(watched, event)

    # -- commands --------------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        """Switch to ``system``, ``light`` or ``dark`` and remember it."""
        self._settings.theme = theme
        self._set_theme(theme)
        a = self.actions_
        {"light": a.theme_light, "dark": a.theme_dark}.get(theme, a.theme_system).setChecked(True)

    def _export(self, view: QuantitiesView, noun: str) -> None:
        path = self._dialogs.save_path(f"Export {noun}", f"{noun}.csv", "CSV files (*.csv)")
        if path is None or not confirm_overwrite(self._dialogs, path):
            return
        self._fill(view)
        try:
            view.write_csv(path, self._plan_base_year)
        except FypdeskError as exc:
            message = str(exc)
            self._dialogs.error(
                f"Export {noun}", f"Could not write the file. {message[:1].upper()}{message[1:]}."
            )

    def _on_new_note_triggered(self) -> None:
        self.notes_dock.show()
        self.notes_panel.start_new_note()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Each command with a shortcut, and its keys."""
        fmt = QKeySequence.SequenceFormat.NativeText
        return [
            (action.text().replace("&", "").rstrip("…"), ", ".join(k.toString(fmt) for k in keys))
            for action in (*self.actions_.all(), *self._file_actions)
            if (keys := [k for k in action.shortcuts() if _typed(k)])
        ]

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts."""
        self._dialogs.show_table("Keyboard shortcuts", ("Command", "Keys"), self.shortcut_rows())

    def _on_about_triggered(self) -> None:
        b = self._briefing
        self._dialogs.information(
            "About fypdesk",
            f"fypdesk {__version__}\n\n{b.title}\n{b.publisher}, {b.date}\n"
            f"Content version {b.content_version}\n\n{b.attribution}",
        )

    # -- session ---------------------------------------------------------------------------

    def restore_session(self, select: str | None = None) -> None:
        """Restore geometry, layout, columns, zoom and theme; open ``select`` or the last node."""
        s = self._settings
        if (geometry := s.state("geometry")) is not None:
            self.restoreGeometry(geometry)
        if (state := s.state("window")) is not None:
            self.restoreState(state)
        for name in self._quantity_views():
            if (saved := s.state(name)) is not None:
                self._saved_headers[name] = saved
        if (splitter := s.state("notes_splitter")) is not None:
            self.notes_panel.splitter.restoreState(splitter)
        self.reading_pane.set_zoom(s.zoom)
        self.set_theme(s.theme)
        last = s.last_node(self._pack)
        start = select or (last if last and self._content.has_node(last) else ROOT_ID)
        self.show_node(start)

    def save_session(self) -> None:
        """Remember everything :meth:`restore_session` restores."""
        s = self._settings
        s.set_state("geometry", self.saveGeometry())
        s.set_state("window", self.saveState())
        for name, view in self._quantity_views().items():
            # A table never filled this time was not laid out: its saved layout stays.
            if view in self._filled:
                s.set_state(name, view.table.horizontalHeader().saveState())
        s.set_state("notes_splitter", self.notes_panel.splitter.saveState())
        s.zoom = self.reading_pane.zoom
        s.set_last_node(self._pack, self.current_node_id())
        s.sync()

    def _quantity_views(self) -> dict[str, QuantitiesView]:
        """The tables by the name their column layout is saved under."""
        return {"targets_header": self.targets_view, "figures_header": self.figures_view}

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.notes_panel.flush()
        self.save_session()
        if self._other_briefings is not None:
            self._other_briefings.close()
        super().closeEvent(event)


def _typed(keys: QKeySequence) -> bool:
    """Whether ``keys`` are typed on a keyboard (a combination, or a function key), not a
    dedicated key few keyboards have ("Find", "Back", "Zoom In"): those stay bound, unlisted."""
    text = keys.toString(QKeySequence.SequenceFormat.PortableText)
    return re.match(r"(Ctrl|Alt|Shift|Meta)\+.", text) is not None or (
        re.fullmatch(r"F\d{1,2}", text) is not None
    )
