"""The Export brief dialog: cover, paper, scope and options, with a live count of what goes in.

The dialog only edits a :class:`BriefSpec`; composing and writing belong to
fypdesk.ui.commands.brief_export. Its settings round-trip through plain JSON values so the window
can remember them (:attr:`UiSettings.brief`).
"""

from __future__ import annotations

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
from fypdesk.export.document import Counts

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
        saved: the settings :meth:`values` returned last time (missing keys: defaults).
    """

    def __init__(
        self,
        plans: Sequence[PlanSummary],
        count: Callable[[BriefSpec], Counts],
        saved: Mapping[str, object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("briefDialog")
        self.setWindowTitle("Export brief")
        self._count = count
        self._build(plans)
        self._restore(saved)
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
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
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

    def values(self) -> dict[str, object]:
        """The form as plain JSON values, to be remembered."""
        return {
            "title": self.title_edit.text(),
            "subtitle": self.subtitle_edit.text(),
            "author": self.author_edit.text(),
            "organisation": self.organisation_edit.text(),
            "marking": self.marking_edit.text(),
            "date": self.date_edit.date().toString(Qt.DateFormat.ISODate),
            "dated": self.date_box.isChecked(),
            "paper": self.paper_combo.currentData(),
            "plans": list(self.chosen_plans()),
            "items": self.items_mode(),
            "scope_tags": self.scope_tags_edit.text(),
            "notes": self.notes_combo.currentData(),
            "note_tags": self.note_tags_edit.text(),
            "annex": self.annex_box.isChecked(),
            "charts": self.charts_box.isChecked(),
            "citations": self.citations_box.isChecked(),
            "toc": self.toc_box.isChecked(),
        }

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
