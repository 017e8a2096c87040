"""Qt's model tester on the models the other model tests do not reach: the plan choices.

Every item model of the window is checked somewhere: the navigator's tree (test_navigator,
test_models), the targets and figures tables and their filter proxy (test_models,
test_targets_table), the notes list and search results (test_models), the All notes table and its
proxy (test_commands). :class:`PlanChoices`, the "All plans / one plan" list of three combo boxes,
is checked here, over the bundled briefing's plans.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.ui.common.plan_combo import ALL_PLANS, PlanChoices, plan_combo
from tests.ui.conftest import ModelCheck


def test_plan_choices_pass_the_model_tester(
    check_model: ModelCheck, content: ContentRepository
) -> None:
    plans = content.plans()
    assert plans, "the bundled briefing has plans"
    model = PlanChoices(plans)
    check_model(model)
    assert model.rowCount() == len(plans) + 1
    assert model.rowCount(model.index(0)) == 0  # a list: no row has children
    shown = [model.index(row).data() for row in range(model.rowCount())]
    slugs = [model.index(row).data(Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]
    assert shown == [ALL_PLANS, *(plan.short_title for plan in plans)]
    assert slugs == ["", *(plan.slug for plan in plans)]
    assert model.data(QModelIndex()) is None
    assert model.index(1).data(Qt.ItemDataRole.ToolTipRole) is None


def test_no_plans_leave_only_all_plans(check_model: ModelCheck) -> None:
    model = PlanChoices(())
    check_model(model)
    assert model.rowCount() == 1
    assert model.index(0).data() == ALL_PLANS


def test_the_plan_combo_model_passes_the_model_tester_while_choosing(
    qtbot: QtBot, check_model: ModelCheck, content: ContentRepository
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    plans = content.plans()
    combo = plan_combo(plans, "Show targets of plan", parent)
    model = combo.model()
    assert isinstance(model, PlanChoices)
    check_model(model)  # stays attached while the combo box uses the model
    combo.setCurrentIndex(len(plans))
    assert combo.currentData() == plans[-1].slug
    assert combo.currentText() == plans[-1].short_title
    combo.setCurrentIndex(0)
    assert combo.currentData() == ""
    assert combo.currentText() == ALL_PLANS
