"""The "All plans / one plan" choice above the Targets, Figures and All notes tables."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from fypdesk.domain.content import PlanSummary

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_SLUG = int(Qt.ItemDataRole.UserRole)
ALL_PLANS = "All plans"


class PlanChoices(QAbstractListModel):
    """ "All plans", then every plan by short title; ``UserRole`` is the slug ("" for all).

    A model rather than one ``addItem`` per plan: a pack of 6,000 plans would cost three
    combo boxes 18,000 calls before the window could paint.
    """

    def __init__(self, plans: Sequence[PlanSummary], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._titles = [ALL_PLANS, *(plan.short_title for plan in plans)]
        self._slugs = ["", *(plan.slug for plan in plans)]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._titles)

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return self._titles[index.row()]
        if role == _SLUG:
            return self._slugs[index.row()]
        return None


def plan_combo(plans: Sequence[PlanSummary], accessible_name: str, parent: QWidget) -> QComboBox:
    """A combo box over :class:`PlanChoices`; ``currentData()`` is the chosen slug."""
    combo = QComboBox(parent)
    combo.setAccessibleName(accessible_name)
    combo.setModel(PlanChoices(plans, combo))
    # Sized from a typical title, not by measuring every plan's (the default policy does).
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(max((len(t) for t in _sample_titles(plans)), default=12))
    return combo


def _sample_titles(plans: Sequence[PlanSummary]) -> list[str]:
    return [ALL_PLANS, *(plan.short_title for plan in plans[:50])]
