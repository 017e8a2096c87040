"""The Export brief dialog: cover, paper, scope and options, with a live count of what goes in.

The dialog only edits a :class:`BriefSpec`; composing and writing belong to
fypdesk.ui.commands.brief_export. Its settings round-trip through plain JSON values so the window
can remember them (:attr:`UiSettings.brief`, as a :class:`SavedBrief`; the plain values dict of
earlier versions is still read). Given the notes store, the dialog lists its saved briefs (the ones
``fypdesk export --save-brief`` keeps) and saves the form as one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fypdesk.domain.brief import (
    BriefOptions,
    BriefScope,
    BriefSpec,
    InvalidBriefSpecError,
    NotesMode,
    Paper,
)
from fypdesk.domain.content import PlanSummary
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.notes import SavedBrief
from fypdesk.domain.saved_brief import (
    InvalidSavedBriefError,
    check_brief_name,
    saved_brief,
    spec_from_saved_brief,
)
from fypdesk.export.document import Counts
from fypdesk.notes.interface import NotesStore
from fypdesk.ui.common.dialogs import Dialogs

#: The first entry of the saved-brief chooser: the form as it is.
CURRENT_SETTINGS = "(current settings)"

#: Which items of the chosen plans the brief covers.
ITEMS = ("all", "starred", "annotated", "tagged")


def split_tags(text: str) -> tuple[str, ...]:
    """Comma-separated tags, trimmed, empty ones dropped, in order, without repeats."""
    return tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))


class BriefDialog(QDialog):
    """Edit a brief's cover, scope and options; ``count`` says what a spec would include.

    Args:
        plans: the plans to choose from, in order.
        count: composes a spec (cheaply) and returns what it holds.
        saved: the brief remembered last time, or the plain settings dict that versions before
            saved briefs remembered (missing keys: defaults).
        store: the notes store whose saved briefs the dialog lists and saves to (none: no list).
        dialogs: where errors of saving a brief are shown (besides the dialog's status line).
    """

    def __init__(
        self,
        plans: Sequence[PlanSummary],
        count: Callable[[BriefSpec], Counts],
        saved: SavedBrief | Mapping[str, object],
        parent: QWidget | None = None,
        *,
        store: NotesStore | None = None,
        dialogs: Dialogs | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("briefDialog")
        self.setWindowTitle("Export brief")
        self._count = count
        self._store = store
        self._dialogs = dialogs
        self._briefs: dict[str, SavedBrief] = {}
        self._build(plans)
        if isinstance(saved, SavedBrief):
            self._restore({})
            with contextlib.suppress(InvalidSavedBriefError):  # damaged: the defaults
                self.apply_spec(spec_from_saved_brief(saved))
        else:
            self._restore(saved)
        self._reload_briefs()
        self._connect()
        self._on_form_changed()

    # -- construction ----------------------------------------------------------------------

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _build(self, plans: Sequence[PlanSummary]) -> None:
        self.title_edit = self._line("briefTitle", "The briefing's title")
        self.subtitle_edit = self._line("briefSubtitle")
        self.author_edit = self._line("briefAuthor")
        self.organisation_edit = self._line("briefOrganisation")
        self.marking_edit = self._line("briefMarking", "e.g. Internal")
        self.date_box = QCheckBox("Meeting on", self)
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setAccessibleName("Meeting date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.paper_combo = QComboBox(self)
        self.paper_combo.setAccessibleName("Paper size")
        self.paper_combo.addItem("A4", Paper.A4.value)
        self.paper_combo.addItem("Letter", Paper.LETTER.value)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_box)
        date_row.addWidget(self.date_edit, 1)
        cover = QFormLayout()
        cover.addRow("&Title", self.title_edit)
        cover.addRow("&Subtitle", self.subtitle_edit)
        cover.addRow("&Author", self.author_edit)
        cover.addRow("&Organisation", self.organisation_edit)
        cover.addRow("Date", date_row)
        cover.addRow("&Marking", self.marking_edit)
        cover.addRow("&Paper", self.paper_combo)

        self.plans_list = QListWidget(self)
        self.plans_list.setObjectName("briefPlans")
        self.plans_list.setAccessibleName("Plans to include")
        for plan in plans:
            item = QListWidgetItem(plan.title, self.plans_list)
            item.setData(Qt.ItemDataRole.UserRole, plan.slug)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        rows = self.plans_list.sizeHintForRow(0) * len(plans)
        self.plans_list.setFixedHeight(rows + 2 * self.plans_list.frameWidth() + 6)
        self.items_group = QButtonGroup(self)
        items_row = QHBoxLayout()
        for key, text in zip(
            ITEMS, ("All items", "Starred", "With notes", "With notes tagged"), strict=True
        ):
            button = QRadioButton(text, self)
            button.setObjectName(f"briefItems_{key}")
            self.items_group.addButton(button)
            items_row.addWidget(button)
        self.scope_tags_edit = self._line("briefScopeTags", "tags, comma separated")
        self.scope_tags_edit.setAccessibleName("Tags of the items to include")
        self.scope_tags_edit.setMinimumWidth(160)
        items_row.addWidget(self.scope_tags_edit, 1)
        scope = QVBoxLayout()
        scope.addWidget(QLabel("Plans (all checked: the whole briefing)", self))
        scope.addWidget(self.plans_list)
        scope.addLayout(items_row)
        scope_box = QGroupBox("Scope", self)
        scope_box.setLayout(scope)

        self.notes_combo = QComboBox(self)
        self.notes_combo.setAccessibleName("Notes to print")
        self.notes_combo.addItem("All my notes", NotesMode.ALL.value)
        self.notes_combo.addItem("Notes with tags…", NotesMode.TAGGED.value)
        self.notes_combo.addItem("No notes", NotesMode.NONE.value)
        self.note_tags_edit = self._line("briefNoteTags", "tags, comma separated")
        self.note_tags_edit.setAccessibleName("Tags of the notes to print")
        self.annex_box = QCheckBox("Targets annex", self)
        self.charts_box = QCheckBox("Charts", self)
        self.citations_box = QCheckBox("Source citations", self)
        self.toc_box = QCheckBox("Table of contents", self)
        notes_row = QHBoxLayout()
        notes_row.addWidget(QLabel("Notes", self))
        notes_row.addWidget(self.notes_combo)
        notes_row.addWidget(self.note_tags_edit, 1)
        checks = QHBoxLayout()
        for box in (self.annex_box, self.charts_box, self.citations_box, self.toc_box):
            checks.addWidget(box)
        options = QVBoxLayout()
        options.addLayout(notes_row)
        options.addLayout(checks)
        options_box = QGroupBox("Options", self)
        options_box.setLayout(options)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("briefCount")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export…")
        self.briefs_combo = QComboBox(self)
        self.briefs_combo.setObjectName("briefSaved")
        self.briefs_combo.setAccessibleName("Saved brief")
        self.brief_name_edit = self._line("briefName", "name to save the brief under")
        self.brief_name_edit.setAccessibleName("Name of the brief to save")
        # No ellipsis: the name is typed beside it, no further dialog follows.
        self.save_brief_button = QPushButton("Sa&ve as brief", self)
        self.save_brief_button.setObjectName("briefSave")
        self.brief_status = QLabel(self)
        self.brief_status.setObjectName("briefStatus")
        self.brief_status.setTextFormat(Qt.TextFormat.PlainText)
        self.brief_status.setWordWrap(True)
        saved_row = QHBoxLayout()
        saved_label = QLabel("Saved &brief", self)
        saved_label.setBuddy(self.briefs_combo)  # Alt+B, and the & is not shown
        saved_row.addWidget(saved_label)
        saved_row.addWidget(self.briefs_combo, 1)
        saved_row.addWidget(self.brief_name_edit, 1)
        saved_row.addWidget(self.save_brief_button)
        for widget in (self.briefs_combo, self.brief_name_edit, self.save_brief_button):
            widget.setEnabled(self._store is not None)

        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.addLayout(saved_row)
        layout.addWidget(self.brief_status)
        layout.addLayout(cover)
        layout.addWidget(scope_box)
        layout.addWidget(options_box)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for edit in (
            self.title_edit,
            self.subtitle_edit,
            self.author_edit,
            self.organisation_edit,
            self.marking_edit,
            self.scope_tags_edit,
            self.note_tags_edit,
        ):
            edit.textChanged.connect(self._on_form_changed)
        for box in (self.date_box, self.annex_box, self.charts_box, self.citations_box):
            box.toggled.connect(self._on_form_changed)
        self.toc_box.toggled.connect(self._on_form_changed)
        self.plans_list.itemChanged.connect(self._on_form_changed)
        self.items_group.buttonToggled.connect(self._on_items_group_button_toggled)
        self.notes_combo.currentIndexChanged.connect(self._on_form_changed)
        self.paper_combo.currentIndexChanged.connect(self._on_form_changed)
        self.briefs_combo.activated.connect(self._on_briefs_combo_activated)
        self.save_brief_button.clicked.connect(self._on_save_brief_button_clicked)
        self.brief_name_edit.returnPressed.connect(self._on_save_brief_button_clicked)

    # -- values ----------------------------------------------------------------------------

    def _item_button(self, key: str) -> QAbstractButton:
        return self.items_group.buttons()[ITEMS.index(key)]

    def items_mode(self) -> str:
        """Which items are chosen: one of :data:`ITEMS`."""
        checked = self.items_group.checkedButton()
        buttons = self.items_group.buttons()
        return ITEMS[buttons.index(checked)] if checked in buttons else "all"

    def set_items_mode(self, key: str) -> None:
        """Choose all, starred, annotated or tagged items."""
        self._item_button(key if key in ITEMS else "all").setChecked(True)

    def chosen_plans(self) -> tuple[str, ...]:
        """The checked plans' slugs; empty when every plan is checked (the whole briefing)."""
        items = [self.plans_list.item(r) for r in range(self.plans_list.count())]
        chosen = [i for i in items if i.checkState() == Qt.CheckState.Checked]
        if len(chosen) == len(items):
            return ()
        return tuple(str(i.data(Qt.ItemDataRole.UserRole)) for i in chosen)

    def spec(self) -> BriefSpec:
        """The brief the form describes.

        Raises:
            InvalidBriefSpecError: the form holds a mistake (the dialog shows it too).
        """
        mode = self.items_mode()
        notes = NotesMode(self.notes_combo.currentData())
        when = self.date_edit.date()
        return BriefSpec(
            title=self.title_edit.text().strip(),
            subtitle=self.subtitle_edit.text().strip(),
            author=self.author_edit.text().strip(),
            organisation=self.organisation_edit.text().strip(),
            meeting_date=(
                dt.date(when.year(), when.month(), when.day())
                if self.date_box.isChecked()
                else None
            ),
            marking=self.marking_edit.text().strip(),
            paper=Paper(self.paper_combo.currentData()),
            scope=BriefScope(
                plans=self.chosen_plans(),
                starred=mode == "starred",
                annotated=mode == "annotated",
                tags=split_tags(self.scope_tags_edit.text()) if mode == "tagged" else (),
            ),
            options=BriefOptions(
                notes=notes,
                note_tags=(
                    split_tags(self.note_tags_edit.text()) if notes is NotesMode.TAGGED else ()
                ),
                targets_annex=self.annex_box.isChecked(),
                charts=self.charts_box.isChecked(),
                citations=self.citations_box.isChecked(),
                toc=self.toc_box.isChecked(),
            ),
        )

    def _restore(self, saved: Mapping[str, object]) -> None:
        def text(key: str) -> str:
            value = saved.get(key)
            return value if isinstance(value, str) else ""

        def flag(key: str) -> bool:
            value = saved.get(key, True)
            return value if isinstance(value, bool) else True

        for key, edit in (
            ("title", self.title_edit),
            ("subtitle", self.subtitle_edit),
            ("author", self.author_edit),
            ("organisation", self.organisation_edit),
            ("marking", self.marking_edit),
            ("scope_tags", self.scope_tags_edit),
            ("note_tags", self.note_tags_edit),
        ):
            edit.setText(text(key))
        date = QDate.fromString(text("date"), Qt.DateFormat.ISODate)
        if date.isValid():
            self.date_edit.setDate(date)
        self.date_box.setChecked(saved.get("dated") is True)
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(text("paper"))))
        plans = saved.get("plans")
        chosen = {str(p) for p in plans} if isinstance(plans, list) and plans else None
        for row in range(self.plans_list.count()):
            item = self.plans_list.item(row)
            on = chosen is None or item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.set_items_mode(text("items") or "all")
        self.notes_combo.setCurrentIndex(max(0, self.notes_combo.findData(text("notes"))))
        self.annex_box.setChecked(flag("annex"))
        self.charts_box.setChecked(flag("charts"))
        self.citations_box.setChecked(flag("citations"))
        self.toc_box.setChecked(flag("toc"))

    def apply_spec(self, spec: BriefSpec) -> None:
        """Fill the form from ``spec`` (a scope of several kinds shows its first: tags, starred,
        annotated)."""
        self.title_edit.setText(spec.title)
        self.subtitle_edit.setText(spec.subtitle)
        self.author_edit.setText(spec.author)
        self.organisation_edit.setText(spec.organisation)
        self.marking_edit.setText(spec.marking)
        if spec.meeting_date is not None:
            when = spec.meeting_date
            self.date_edit.setDate(QDate(when.year, when.month, when.day))
        self.date_box.setChecked(spec.meeting_date is not None)
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(spec.paper.value)))
        chosen = set(spec.scope.plans)
        for row in range(self.plans_list.count()):
            item = self.plans_list.item(row)
            on = not chosen or item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        scope = spec.scope
        self.scope_tags_edit.setText(", ".join(scope.tags))
        self.set_items_mode(
            "tagged"
            if scope.tags
            else "starred"
            if scope.starred
            else "annotated"
            if scope.annotated
            else "all"
        )
        options = spec.options
        self.notes_combo.setCurrentIndex(max(0, self.notes_combo.findData(options.notes.value)))
        self.note_tags_edit.setText(", ".join(options.note_tags))
        self.annex_box.setChecked(options.targets_annex)
        self.charts_box.setChecked(options.charts)
        self.citations_box.setChecked(options.citations)
        self.toc_box.setChecked(options.toc)

    # -- saved briefs ----------------------------------------------------------------------

    def saved_brief_names(self) -> tuple[str, ...]:
        """The names the saved-brief chooser lists, in order (after "(current settings)")."""
        return tuple(self._briefs)

    def _reload_briefs(self, select: str | None = None) -> None:
        self._briefs = {}
        if self._store is not None:
            try:
                self._briefs = {b.name: b for b in self._store.saved_briefs()}
            except FypdeskError as exc:
                self.brief_status.setText(f"Saved briefs cannot be listed: {exc}")
        self.briefs_combo.blockSignals(True)
        self.briefs_combo.clear()
        self.briefs_combo.addItem(CURRENT_SETTINGS, None)
        for name in self._briefs:
            self.briefs_combo.addItem(name, name)
        self.briefs_combo.setCurrentIndex(max(0, self.briefs_combo.findData(select)))
        self.briefs_combo.blockSignals(False)

    def choose_brief(self, name: str) -> bool:
        """Fill the form from the saved brief ``name``; whether it could be used (if not, the
        status line says why and the form is unchanged)."""
        saved = self._briefs.get(name)
        if saved is None:
            self.brief_status.setText(f"There is no saved brief {name!r}.")
            return False
        try:
            spec = spec_from_saved_brief(saved)
        except InvalidSavedBriefError as exc:
            self.brief_status.setText(f"{exc}.")
            return False
        self.briefs_combo.setCurrentIndex(max(0, self.briefs_combo.findData(name)))
        self.brief_name_edit.setText(name)
        self.apply_spec(spec)
        self.brief_status.setText(f"Filled in from saved brief {name!r}.")
        return True

    def _on_briefs_combo_activated(self, index: int) -> None:
        name = self.briefs_combo.itemData(index)
        if isinstance(name, str):
            self.choose_brief(name)

    def save_as_brief(self, name: str) -> bool:
        """Save the form in the notes store as brief ``name``; whether it was saved (if not, the
        error is shown and nothing is lost)."""
        try:
            if self._store is None:
                raise FypdeskError("there is no notes store to save the brief in")
            check_brief_name(name)
            brief = saved_brief(name, self.spec())
            if not self._may_replace(name):
                self.brief_status.setText(f"Not saved: the brief {name!r} is kept as it was.")
                return False
            self._store.save_brief(brief)
        except FypdeskError as exc:
            problem = "; ".join(exc.problems) if isinstance(exc, InvalidBriefSpecError) else exc
            message = f"The brief cannot be saved: {problem}."
            self.brief_status.setText(message)
            if self._dialogs is not None:
                self._dialogs.error("Save brief", message)
            return False
        self._reload_briefs(select=name)
        self.brief_status.setText(f"Saved as brief {name!r}.")
        return True

    def _may_replace(self, name: str) -> bool:
        """Whether saving may replace a saved brief of that name (the user is asked)."""
        if name not in self._briefs or self._dialogs is None:
            return True
        return self._dialogs.confirm(
            "Save brief", f"A saved brief is named {name!r}. Replace it with these settings?"
        )

    def _on_save_brief_button_clicked(self) -> None:
        self.save_as_brief(self.brief_name_edit.text().strip())

    # -- live count ------------------------------------------------------------------------

    def _on_items_group_button_toggled(self, _button: QAbstractButton, _checked: bool) -> None:
        self._on_form_changed()

    def _on_form_changed(self, *_args: object) -> None:
        self.date_edit.setEnabled(self.date_box.isChecked())
        self.scope_tags_edit.setEnabled(self.items_mode() == "tagged")
        self.note_tags_edit.setEnabled(self.notes_combo.currentData() == NotesMode.TAGGED.value)
        problems: tuple[str, ...] = ()
        if self.items_mode() == "tagged" and not split_tags(self.scope_tags_edit.text()):
            problems = ("name at least one tag for the items to include",)
        try:
            counts = self._count(self.spec())
        except InvalidBriefSpecError as exc:
            problems += exc.problems
        if problems:
            self.count_label.setText("Cannot export yet: " + "; ".join(problems) + ".")
            self.export_button.setEnabled(False)
            return
        empty = counts.plans == 0 and counts.items == 0
        self.count_label.setText(
            "Nothing matches this scope."
            if empty
            else f"Will include {_n(counts.plans, 'plan')}, {_n(counts.items, 'item')}, "
            f"{_n(counts.targets, 'target')} and {_n(counts.notes, 'note')}."
        )
        self.export_button.setEnabled(not empty)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
