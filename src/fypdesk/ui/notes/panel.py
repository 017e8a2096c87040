"""The notes panel: the selected node's notes, an autosaving editor, tags, star and follow-up."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fypdesk.domain.editions import ItemVersion, NoteState, note_state
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.notes import Note, NoteNotFoundError
from fypdesk.notes.interface import NotesStore
from fypdesk.ui.notes.compare import ItemChangeDialog
from fypdesk.ui.notes.note_editor import NoteEditor

Index = QModelIndex | QPersistentModelIndex

#: Autosave this long after the last keystroke.
AUTOSAVE_MS = 700


def parse_tags(text: str, current: Sequence[str] = ()) -> list[str]:
    """The tags typed in the comma-separated tags field.

    A tag that itself contains a comma (made by the command line or an import) is kept whole
    wherever it still stands in the text as shown, rather than split in two.
    """
    whole = [tag for tag in current if "," in tag and tag in text]
    for tag in whole:
        text = text.replace(tag, "")
    return whole + [part.strip() for part in text.split(",") if part.strip()]


class NotesListModel(QAbstractListModel):
    """The notes of one node; ``UserRole`` gives the :class:`Note`."""

    ROW = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notes: tuple[Note, ...] = ()

    def set_notes(self, notes: Sequence[Note]) -> None:
        """Replace every note."""
        self.beginResetModel()
        self._notes = tuple(notes)
        self.endResetModel()

    def replace_note(self, note: Note) -> int:
        """Update (or append) ``note``; returns its row."""
        for row, old in enumerate(self._notes):
            if old.uuid == note.uuid:
                self._notes = (*self._notes[:row], note, *self._notes[row + 1 :])
                self.dataChanged.emit(self.index(row), self.index(row))
                return row
        row = len(self._notes)
        self.beginInsertRows(QModelIndex(), row, row)
        self._notes = (*self._notes, note)
        self.endInsertRows()
        return row

    def notes(self) -> tuple[Note, ...]:
        """Every note shown."""
        return self._notes

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._notes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._notes):
            return None
        note = self._notes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            first = next((line for line in note.body.splitlines() if line.strip()), "(empty)")
            tags = "  " + " ".join(f"#{t}" for t in note.tags) if note.tags else ""
            return f"{first[:80]}{tags}"
        if role == self.ROW:
            return note
        return None


class NotesPanel(QWidget):
    """Notes of the current node against a :class:`NotesStore`.

    Signals:
        note_saved: a note was written to the store (the :class:`Note`).
        save_failed: the store refused a write (the message); the text stays in the editor.
        annotations_changed: note counts or stars changed (badges need refreshing).
    """

    note_saved = Signal(object)
    save_failed = Signal(str)
    annotations_changed = Signal()

    def __init__(self, notes: NotesStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self._notes = notes
        self._node_id: str | None = None
        self._note_id: str | None = None
        self._version: ItemVersion | None = None
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self._build()
        self._set_enabled(False)

    def _build(self) -> None:
        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        # Two lines reserved: most titles fit, so moving between nodes does not resize (and
        # repaint) the list and editor under a title that wraps differently.
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.title_label.setMinimumHeight(2 * self.title_label.fontMetrics().lineSpacing())
        self.star_button = QToolButton(self)
        self.star_button.setObjectName("starButton")
        self.star_button.setCheckable(True)
        self.star_button.setText("☆")
        self.star_button.setAccessibleName("Star this item")
        self.star_button.setToolTip("Star this item")
        self.star_button.toggled.connect(self._on_star_button_toggled)
        self.list_model = NotesListModel(self)
        self.list_view = QListView(self)
        self.list_view.setObjectName("notesList")
        self.list_view.setAccessibleName("Notes on this item")
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # One line per note, cut with an ellipsis: a sideways scroll bar would hide the last row.
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list_view.setUniformItemSizes(True)
        self.list_view.selectionModel().selectionChanged.connect(self._on_list_selection_changed)
        self.editor = NoteEditor(self)
        self.editor.setObjectName("noteEditor")
        self.editor.setAccessibleName("Note text")
        self.editor.setPlaceholderText("Write a note on this item…")
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setObjectName("noteTags")
        self.tags_edit.setAccessibleName("Tags, separated by commas")
        self.tags_edit.setPlaceholderText("Tags, comma separated")
        self._tag_model = QStringListModel(self)
        completer = QCompleter(self._tag_model, self.tags_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(completer)
        # The tags offered are read when the field is entered, not on every selection: listing
        # every tag is a query over all notes.
        self.tags_edit.installEventFilter(self)
        self.tags_edit.editingFinished.connect(self._on_tags_edit_editing_finished)
        self.follow_up_box = QCheckBox("Follow up", self)
        self.follow_up_box.setToolTip("Mark this item for follow-up")
        self.follow_up_box.setObjectName("followUp")
        self.follow_up_box.toggled.connect(self._on_follow_up_box_toggled)
        self.new_button = QPushButton("New note", self)
        self.new_button.clicked.connect(self.start_new_note)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.stale_label = QLabel(
            "The words or numbers of this item have changed since this note was written.",
            self,
        )
        self.stale_label.setObjectName("staleNote")
        self.stale_label.setTextFormat(Qt.TextFormat.PlainText)
        self.stale_label.setWordWrap(True)
        self.compare_button = QPushButton("Compare…", self)
        self.compare_button.setToolTip("The item's text then and now, side by side")
        self.compare_button.clicked.connect(self._on_compare_clicked)
        self.reviewed_button = QPushButton("Mark reviewed", self)
        self.reviewed_button.setToolTip("The note still holds for the new text: make it current")
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        # The message on a line of its own, the buttons under it: the panel is narrow.
        self.stale_row = QWidget(self)
        stale_layout = QVBoxLayout(self.stale_row)
        stale_layout.setContentsMargins(0, 0, 0, 0)
        stale_layout.addWidget(self.stale_label)
        stale_buttons = QHBoxLayout()
        stale_buttons.addWidget(self.compare_button)
        stale_buttons.addWidget(self.reviewed_button)
        stale_buttons.addStretch(1)
        stale_layout.addLayout(stale_buttons)
        self.stale_row.hide()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("noteStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setAccessibleName("Save state")

        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.follow_up_box, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.star_button, 0, Qt.AlignmentFlag.AlignTop)
        editor_box = QWidget(self)
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.stale_row)
        editor_layout.addWidget(self.editor)
        editor_layout.addWidget(self.tags_edit)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("notesSplitter")
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(editor_box)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([100, 300])
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.status_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    # -- public --------------------------------------------------------------------------------

    @property
    def node_id(self) -> str | None:
        """The node whose notes are shown."""
        return self._node_id

    def shown_annotations(self) -> tuple[int, bool, bool]:
        """What the panel shows of its node, as the store last answered: its number of notes,
        whether it is starred, whether it is marked for follow-up."""
        return (
            self.list_model.rowCount(),
            self.star_button.isChecked(),
            self.follow_up_box.isChecked(),
        )

    @property
    def note_id(self) -> str | None:
        """The note in the editor (``None``: a new note not yet saved)."""
        return self._note_id

    def set_node(self, node_id: str, title: str, version: ItemVersion | None = None) -> None:
        """Show the notes of ``node_id``, saving the note being edited first.

        ``version`` is the item as the installed edition has it: notes written against other
        words or numbers say so, and every note written here records it.
        """
        self.flush()
        self._node_id = node_id
        self._version = version
        self.title_label.setText(title)
        self._set_enabled(True)
        with QSignalBlocker(self.star_button):
            starred = node_id in self._notes.starred_ids()
            self.star_button.setChecked(starred)
            self.star_button.setText("★" if starred else "☆")
        with QSignalBlocker(self.follow_up_box):
            self.follow_up_box.setChecked(node_id in self._notes.follow_up_ids())
        notes = self._notes.notes_for(node_id)
        self.list_model.set_notes(notes)
        self.list_view.setVisible(bool(notes))
        if notes:
            self.list_view.setCurrentIndex(self.list_model.index(0))
        else:
            self._load(None)
        self.status_label.setText("")

    def start_new_note(self) -> None:
        """Save the current note and start an empty one."""
        self.flush()
        with QSignalBlocker(self.list_view.selectionModel()):
            self.list_view.clearSelection()
        self._load(None)
        self.editor.setFocus()

    def flush(self) -> None:
        """Save the note being edited now, if it changed."""
        self._save(keep_empty=False)

    def _save(self, *, keep_empty: bool) -> None:
        """Write the editor's text; a new note with an empty body only when ``keep_empty``."""
        self._timer.stop()
        if not self._dirty or self._node_id is None:
            return
        self._dirty = False
        body = self.editor.toPlainText()
        if self._note_id is None and not body.strip() and not keep_empty:
            return
        try:
            note = self._write(body)
        except FypdeskError as exc:
            self._dirty = True  # kept in the editor; the next pause or selection change retries
            self._report_failure(exc)
            return
        created = self._note_id is None
        self._note_id = note.uuid
        row = self.list_model.replace_note(note)
        self.list_view.setVisible(True)
        if created:
            with QSignalBlocker(self.list_view.selectionModel()):
                self.list_view.setCurrentIndex(self.list_model.index(row))
            self.annotations_changed.emit()
        self._set_note_controls(note)
        self._saved()
        self.note_saved.emit(note)

    def discard_edits(self) -> None:
        """Forget unsaved typing (the store was replaced under the editor)."""
        self._timer.stop()
        self._dirty = False

    # -- internals ---------------------------------------------------------------------------

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.editor,
            self.tags_edit,
            self.new_button,
            self.star_button,
            self.follow_up_box,
        ):
            widget.setEnabled(enabled)
        self._set_note_controls(None)

    def _write(self, body: str) -> Note:
        assert self._node_id is not None
        if self._note_id is None:
            return self._notes.add_note(self._node_id, body, version=self._version)
        # With its node: a note another process deleted while it was being edited here is stored
        # again under the same identity, so the typing is never lost.
        return self._notes.save_note(
            self._note_id, body, node_id=self._node_id, version=self._version
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.tags_edit and event.type() == QEvent.Type.FocusIn:
            self._refresh_tags()
        return super().eventFilter(watched, event)

    def _refresh_tags(self) -> None:
        self._tag_model.setStringList(tags_in_use(self._notes))

    def _load(self, note: Note | None) -> None:
        self._note_id = note.uuid if note else None
        document = self.editor.document()
        blank = document.isEmpty() and not document.isUndoAvailable()
        if note is not None or not blank:  # an untouched empty editor needs no reset (or repaint)
            with QSignalBlocker(self.editor):
                self.editor.setPlainText(note.body if note else "")
        self.tags_edit.setText(", ".join(note.tags) if note else "")
        self.tags_edit.setModified(False)
        self._dirty = False
        self._set_note_controls(note)

    def _set_note_controls(self, note: Note | None) -> None:
        self.delete_button.setEnabled(note is not None)
        self.tags_edit.setEnabled(note is not None or self._node_id is not None)
        self.stale_row.setVisible(
            note is not None
            and self._version is not None
            and note_state(note, self._version) is NoteState.CHANGED
        )
        self.compare_button.setVisible(note is not None and note.annotated_text is not None)

    @property
    def item_version(self) -> ItemVersion | None:
        """The item shown, as the installed edition has it (what notes written now record)."""
        return self._version

    def current_note(self) -> Note | None:
        """The note in the editor as stored (``None``: none, or not saved yet)."""
        if self._note_id is None:
            return None
        try:
            return self._notes.note(self._note_id)
        except NoteNotFoundError:
            return None

    def mark_reviewed(self) -> None:
        """The note in the editor holds for the item as it now is: make it current."""
        if self._note_id is None or self._version is None:
            return
        self.flush()
        try:
            note = self._notes.mark_reviewed(self._note_id, self._version)
        except FypdeskError as exc:
            self.status_label.setText(f"Not marked: {exc}")
            return
        self.list_model.replace_note(note)
        self._set_note_controls(note)
        self.status_label.setText("Reviewed: the note is current")
        self.annotations_changed.emit()

    def _on_compare_clicked(self) -> None:
        note = self.current_note()
        if note is None or self._version is None or note.annotated_text is None:
            return
        dialog = ItemChangeDialog(note, self._version, self)
        if dialog.exec() == ItemChangeDialog.DialogCode.Accepted:
            self.mark_reviewed()

    def _on_list_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        self.flush()
        if selected.isEmpty():
            return
        note = selected.indexes()[0].data(NotesListModel.ROW)
        if isinstance(note, Note):
            self._load(note)

    def _on_editor_text_changed(self) -> None:
        self._dirty = True
        self.status_label.setText("Editing…")
        self._timer.start()

    def _on_tags_edit_editing_finished(self) -> None:
        if not self.tags_edit.isModified():
            return  # focus came and went: nothing typed, nothing to save (or to split)
        self.tags_edit.setModified(False)
        current = next((n.tags for n in self.list_model.notes() if n.uuid == self._note_id), ())
        tags = parse_tags(self.tags_edit.text(), current)
        if self._note_id is None:
            if not tags:
                return
            # Tags typed on a brand-new note create it, even before any text is written.
            self._dirty = True
            self._save(keep_empty=True)
        if self._note_id is None:
            return
        try:
            note = self._notes.set_note_tags(self._note_id, [t for t in tags if t.strip()])
        except FypdeskError as exc:
            self._report_failure(exc)
            return
        self.list_model.replace_note(note)
        self._refresh_tags()
        self._saved()
        self.note_saved.emit(note)

    def _saved(self) -> None:
        self.status_label.setText("Saved")
        self.status_label.setToolTip("")

    def _report_failure(self, exc: FypdeskError) -> None:
        self.status_label.setText("Not saved")
        self.status_label.setToolTip(str(exc))
        self.save_failed.emit(str(exc))

    def _on_follow_up_box_toggled(self, _checked: bool) -> None:
        if self._node_id is None:
            return
        marked = self._notes.toggle_marks(self._node_id, follow_up=True).follow_up
        with QSignalBlocker(self.follow_up_box):
            self.follow_up_box.setChecked(marked)
        self.annotations_changed.emit()

    def _on_star_button_toggled(self, _checked: bool) -> None:
        if self._node_id is None:
            return
        starred = self._notes.toggle_marks(self._node_id, star=True).starred
        with QSignalBlocker(self.star_button):
            self.star_button.setChecked(starred)
        self.star_button.setText("★" if starred else "☆")
        self.annotations_changed.emit()

    def _on_delete_button_clicked(self) -> None:
        if self._note_id is None or self._node_id is None:
            return
        self._timer.stop()
        with contextlib.suppress(NoteNotFoundError):  # already gone: the wish is fulfilled
            self._notes.delete_note(self._note_id)
        self._dirty = False
        node_id, title, version = self._node_id, self.title_label.text(), self._version
        self._node_id = None
        self.set_node(node_id, title, version)
        self.annotations_changed.emit()


def tags_in_use(notes: NotesStore) -> list[str]:
    """The names of the tags some note carries, sorted (what the tag field completes)."""
    return sorted(name for name, count in notes.tag_counts().items() if count > 0)
