"""One format for briefs: the Export dialog lists and saves the notes store's saved briefs, and
remembers its last settings as the same record (reading what earlier versions kept)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import BriefOptions, BriefScope, BriefSpec, NotesMode, Paper
from fypdesk.domain.notes import SavedBrief
from fypdesk.domain.saved_brief import (
    brief_from_record,
    brief_record,
    saved_brief,
    spec_from_saved_brief,
)
from fypdesk.notes.interface import NotesStore
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.brief_dialog import CURRENT_SETTINGS, BriefDialog
from fypdesk.ui.commands.brief_export import BriefExporter
from fypdesk.ui.notes.deferred import DeferredNotes
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import FakeDialogs, make_settings, show_window

WEEKLY = BriefSpec(
    title="Weekly ICT",
    subtitle="Targets and notes",
    author="A. Reader",
    organisation="Desk",
    meeting_date=dt.date(2026, 12, 7),
    marking="Internal",
    paper=Paper.LETTER,
    scope=BriefScope(plans=("ict",), tags=("risk", "5g")),
    options=BriefOptions(
        notes=NotesMode.TAGGED, note_tags=("risk",), charts=False, citations=False
    ),
)


@pytest.fixture(params=["sqlite", "fake"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NotesStore]:
    if request.param == "fake":
        yield InMemoryNotes()
        return
    real = SqliteNotes.open(tmp_path / "notes.db")
    yield real
    real.close()


def _dialog(
    qtbot: QtBot,
    content: ContentRepository,
    saved: SavedBrief | dict[str, object],
    store: NotesStore | None,
    dialogs: FakeDialogs | None = None,
) -> BriefDialog:
    from fypdesk.domain.brief import Annotations
    from fypdesk.export.compose import BriefContent, compose

    brief = BriefContent(content.briefing(), content.plans(), content.nodes(), content.quantities())
    annotations = Annotations()
    dialog = BriefDialog(
        brief.plans,
        lambda spec: compose(spec, brief, annotations).counts,
        saved,
        None,
        store=store,
        dialogs=dialogs,
    )
    qtbot.addWidget(dialog)
    return dialog


def test_a_brief_saved_by_the_cli_is_listed_and_fills_the_form(
    qtbot: QtBot, content: ContentRepository, store: NotesStore
) -> None:
    store.save_brief(saved_brief("weekly", WEEKLY))  # what `export --save-brief weekly` does
    dialog = _dialog(qtbot, content, {}, store)
    combo = dialog.briefs_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [CURRENT_SETTINGS, "weekly"]
    assert dialog.spec() != WEEKLY
    combo.activated.emit(1)  # as when the user picks it
    assert dialog.spec() == WEEKLY
    assert dialog.title_edit.text() == "Weekly ICT" and dialog.items_mode() == "tagged"
    assert dialog.chosen_plans() == ("ict",)


def test_an_unusable_saved_brief_says_why_and_changes_nothing(
    qtbot: QtBot, content: ContentRepository, store: NotesStore
) -> None:
    store.save_brief(SavedBrief(name="broken", title="Other", paper="A3"))
    dialog = _dialog(qtbot, content, {"title": "Mine"}, store)
    before = dialog.spec()
    assert not dialog.choose_brief("broken")
    assert "'broken' cannot be used" in dialog.brief_status.text()
    assert "A3" in dialog.brief_status.text()
    assert dialog.spec() == before


def test_a_brief_saved_in_the_dialog_reads_back_equal(
    qtbot: QtBot, content: ContentRepository, store: NotesStore
) -> None:
    dialogs = FakeDialogs()
    dialog = _dialog(qtbot, content, saved_brief("", WEEKLY), store, dialogs)
    dialog.title_edit.setText("Monday ICT")
    QTest.keyClicks(dialog.brief_name_edit, "monday")
    dialog.save_brief_button.click()
    assert not dialogs.errors
    (saved,) = [b for b in store.saved_briefs() if b.name == "monday"]
    assert spec_from_saved_brief(saved) == dialog.spec()
    assert dialog.briefs_combo.currentText() == "monday"
    assert dialog.saved_brief_names() == ("monday",)


def test_saving_over_a_saved_brief_asks_first(
    qtbot: QtBot, content: ContentRepository, store: NotesStore
) -> None:
    store.save_brief(saved_brief("weekly", WEEKLY))
    dialogs = FakeDialogs(confirm_answer=False)
    dialog = _dialog(qtbot, content, {"title": "Something else"}, store, dialogs)
    assert not dialog.save_as_brief("weekly")
    assert "kept as it was" in dialog.brief_status.text()
    assert spec_from_saved_brief(store.saved_briefs()[0]) == WEEKLY
    dialogs.confirm_answer = True
    assert dialog.save_as_brief("weekly")
    assert spec_from_saved_brief(store.saved_briefs()[0]).title == "Something else"


def test_a_bad_name_or_a_store_not_yet_open_is_an_error_and_loses_nothing(
    qtbot: QtBot, content: ContentRepository
) -> None:
    dialogs = FakeDialogs()
    deferred = DeferredNotes()
    dialog = _dialog(qtbot, content, {"title": "Kept"}, deferred, dialogs)
    assert not dialog.save_as_brief("bad\nname")
    assert "control characters" in dialogs.errors[-1][1]
    assert not dialog.save_as_brief("fine")
    assert "still opening" in dialogs.errors[-1][1]
    assert dialog.title_edit.text() == "Kept"


def test_brief_record_mirrors_the_cli_listing() -> None:
    brief = saved_brief("weekly", WEEKLY)
    record = brief_record(brief)
    assert list(record) == [
        "name",
        "title",
        "subtitle",
        "author",
        "organisation",
        "meeting_date",
        "marking",
        "paper",
        "plans",
        "options",
    ]
    assert record["meeting_date"] == "2026-12-07" and record["plans"] == ["ict"]
    again = brief_from_record(json.loads(json.dumps(record)))
    assert spec_from_saved_brief(again) == WEEKLY
    assert brief_from_record({"name": "x"}) == SavedBrief(name="x")


def test_old_shape_settings_still_restore(
    qtbot: QtBot, content: ContentRepository, settings_path: Path
) -> None:
    old = {
        "title": "Old title",
        "author": "Old author",
        "date": "2026-03-05",
        "dated": True,
        "paper": "letter",
        "plans": ["ict"],
        "items": "starred",
        "notes": "none",
        "toc": False,
    }
    raw = QSettings(str(settings_path), QSettings.Format.IniFormat)
    raw.setValue("export/brief", json.dumps(old))
    raw.sync()
    settings = make_settings(settings_path)
    assert settings.brief == old
    dialog = _dialog(qtbot, content, settings.brief, None)
    spec = dialog.spec()
    assert (spec.title, spec.author, spec.meeting_date) == (
        "Old title",
        "Old author",
        dt.date(2026, 3, 5),
    )
    assert spec.paper is Paper.LETTER and spec.scope.plans == ("ict",) and spec.scope.starred
    assert spec.options.notes is NotesMode.NONE and not spec.options.toc
    # The new record wins once written, and is the store's format.
    settings.brief = saved_brief("", spec)
    settings.sync()
    again = make_settings(settings_path).brief
    assert isinstance(again, SavedBrief) and spec_from_saved_brief(again) == spec
    stored = json.loads(str(raw.value("export/last_brief")))
    assert brief_from_record(stored) == again


def test_export_remembers_the_record_and_the_window_keeps_one_pdf_renderer(
    qtbot: QtBot, content: ContentRepository, tmp_path: Path, settings_path: Path
) -> None:
    store = SqliteNotes.open(tmp_path / "notes.db")
    try:
        store.save_brief(saved_brief("weekly", WEEKLY))
        settings = make_settings(settings_path)
        dialogs = FakeDialogs(confirm_answer=False)
        window = build_window(content, store, settings, dialogs, lambda _t: None)
        show_window(qtbot, window)
        exporter = window.findChild(BriefExporter)
        assert isinstance(exporter, BriefExporter)

        def pick_weekly(dialog: QDialog) -> bool:
            assert isinstance(dialog, BriefDialog)
            assert dialog.choose_brief("weekly")
            dialog.notes_combo.setCurrentIndex(dialog.notes_combo.findData("all"))
            dialog.scope_tags_edit.clear()
            dialog.set_items_mode("all")
            return True

        renderers = []
        for name in ("one.pdf", "two.pdf"):
            dialogs.save_answer = tmp_path / name
            dialogs.dialog_answer = pick_weekly
            with qtbot.waitSignal(exporter.brief_exported, timeout=60_000):
                exporter.action.trigger()
            renderers.append(exporter._pdf_renderer)
            assert (tmp_path / name).read_bytes().startswith(b"%PDF")
        assert renderers[0] is not None and renderers[0] is renderers[1]
        remembered = make_settings(settings_path).brief
        assert isinstance(remembered, SavedBrief)
        assert spec_from_saved_brief(remembered).title == "Weekly ICT"
        window.close()
    finally:
        store.close()
