"""Every Qt model of the window passes Qt's model tester, and says what it should."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import QuantityRole
from fypdesk.ui.notes_panel import NotesListModel
from fypdesk.ui.notes_port import NoteHit, NoteView
from fypdesk.ui.quantity_model import (
    Columns,
    QuantityTableModel,
    Roles,
    build_rows,
)
from fypdesk.ui.quantity_proxy import QuantityFilterProxy
from fypdesk.ui.search import ResultRow, SearchResultsModel
from tests.ui.conftest import ModelCheck


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
    notes.set_notes([NoteView("n1", "ict", "first line\nsecond", ("5g",))])
    check_model(notes)
    assert notes.index(0).data() == "first line  #5g"
    notes.replace_note(NoteView("n2", "ict", ""))
    check_model(notes)
    results = SearchResultsModel()
    results.set_rows([ResultRow("ict", "<b>ICT</b>", "an <b>ICT</b> snippet", False, "Plan")])
    check_model(results)
    assert results.index(0).data(Qt.ItemDataRole.AccessibleTextRole) == "ICT"
    assert results.index(0).data().startswith("<b>Plan:</b> <b>ICT</b>")
    assert results.rowCount(QModelIndex()) == 1
    _ = NoteHit
