"""Every Qt model of the window passes Qt's model tester, and says what it should."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, Qt

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import QuantityRole
from fypdesk.domain.notes import Note
from fypdesk.ui.notes.panel import NotesListModel
from fypdesk.ui.quantities.model import (
    Columns,
    QuantityTableModel,
    Roles,
    build_rows,
)
from fypdesk.ui.quantities.proxy import QuantityFilterProxy
from fypdesk.ui.search.popup import ResultRow, SearchResultsModel
from tests.ui.conftest import ModelCheck

_WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_quantity_model_passes_the_model_tester(
    check_model: ModelCheck, content: ContentRepository
) -> None:
    model = QuantityTableModel(QuantityRole.TARGET)
    check_model(model)
    model.set_rows(build_rows(content.quantities(QuantityRole.TARGET), {}, 2020))
    check_model(model)
    proxy = QuantityFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Columns.CAGR, Qt.SortOrder.DescendingOrder)
    proxy.set_plan("ict")
    check_model(proxy)
    assert proxy.rowCount() == 4
    assert isinstance(proxy.index(0, Columns.VALUE).data(Roles.SORT_KEY), tuple)


def test_notes_and_search_models_pass_the_model_tester(check_model: ModelCheck) -> None:
    notes = NotesListModel()
    notes.set_notes([Note("n1", "ict", "first line\nsecond", ("5g",), _WHEN, _WHEN)])
    check_model(notes)
    assert notes.index(0).data() == "first line  #5g"
    notes.replace_note(Note("n2", "ict", "", (), _WHEN, _WHEN))
    check_model(notes)
    results = SearchResultsModel()
    results.set_rows([ResultRow("ict", "<b>ICT</b>", "an <b>ICT</b> snippet", False, "Plan")])
    check_model(results)
    assert results.index(0).data(Qt.ItemDataRole.AccessibleTextRole) == "ICT"
    assert results.index(0).data().startswith("<b>Plan:</b> <b>ICT</b>")
    assert results.rowCount(QModelIndex()) == 1
