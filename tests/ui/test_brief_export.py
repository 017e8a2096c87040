"""File → Export brief… (Ctrl+E): the dialog, its live count, rendering in the background,
cancelling, and what is remembered."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.export.document import BriefDocument
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.brief_dialog import BriefDialog
from fypdesk.ui.commands.brief_export import BriefExporter, Renderer, suggested_name
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.window.main_window import MainWindow
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import FakeDialogs, make_settings, show_window

FIVE_G = "ict/targets/5g-usage-rate"
NOTE = "Ask MIIT whether 56% counts terminals or subscriptions"


@pytest.fixture
def settings(settings_path: Path) -> UiSettings:
    return make_settings(settings_path)


BriefWindowFactory = Callable[[Mapping[str, Renderer]], MainWindow]


@pytest.fixture
def make_brief_window(
    qtbot: QtBot,
    content: ContentRepository,
    notes: InMemoryNotes,
    settings: UiSettings,
    dialogs: FakeDialogs,
) -> BriefWindowFactory:
    """A window whose Export brief… writes with the given renderers."""

    def make(renderers: Mapping[str, Renderer]) -> MainWindow:
        window = MainWindow(content, notes, settings, dialogs, lambda _t: None)
        BriefExporter(window, content, notes, dialogs, settings, renderers)
        return show_window(qtbot, window, FIVE_G)

    return make


@pytest.fixture
def brief_window(
    qtbot: QtBot,
    content: ContentRepository,
    notes: InMemoryNotes,
    settings: UiSettings,
    dialogs: FakeDialogs,
) -> MainWindow:
    """A window put together as the app does it."""
    window = build_window(content, notes, settings, dialogs, lambda _t: None)
    return show_window(qtbot, window, FIVE_G)


def _exporter(window: MainWindow) -> BriefExporter:
    exporter = window.findChild(BriefExporter)
    assert isinstance(exporter, BriefExporter)
    return exporter


def _fill(**texts: str) -> Callable[[QDialog], bool]:
    def answer(dialog: QDialog) -> bool:
        assert isinstance(dialog, BriefDialog)
        for name, text in texts.items():
            edit = getattr(dialog, f"{name}_edit")
            edit.clear()
            QTest.keyClicks(edit, text)
        return True

    return answer


def test_export_brief_writes_a_pdf_with_a_note_typed_in_the_window(
    brief_window: MainWindow, dialogs: FakeDialogs, tmp_path: Path, qtbot: QtBot
) -> None:
    # Typed just now: the export saves it first (no waiting for the autosave).
    QTest.keyClicks(brief_window.notes_panel.editor, NOTE)
    out = tmp_path / "brief folder #1" / "brief.pdf"
    out.parent.mkdir()
    dialogs.save_answer = out
    dialogs.dialog_answer = _fill(title="Meeting on ICT", author="A. Reader")
    exporter = _exporter(brief_window)
    with qtbot.waitSignal(exporter.brief_exported, timeout=60_000) as exported:
        QTest.keyClick(brief_window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert exporter.busy and not exporter.action.isEnabled()
    assert exported.args == [out]
    reader = PdfReader(out)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert NOTE in " ".join(text.split())
    assert "Meeting on ICT" in text
    assert reader.metadata is not None and reader.metadata.author == "A. Reader"
    assert "Open it now?" in dialogs.questions[-1][1]
    # The length said is the footer's: the cover is not numbered.
    numbered = len(reader.pages) - 1
    assert f"(a cover and {numbered} pages)" in dialogs.questions[-1][1]
    assert f"Page {numbered} of {numbered}" in reader.pages[-1].extract_text()
    assert dialogs.opened == [out]
    assert exporter.action.isEnabled() and exporter.progress is None
    assert not list(out.parent.glob("*.part"))


def test_markdown_by_suffix_and_settings_are_remembered(
    brief_window: MainWindow, dialogs: FakeDialogs, tmp_path: Path, qtbot: QtBot
) -> None:
    exporter = _exporter(brief_window)
    out = tmp_path / "notes brief.md"
    dialogs.save_answer = out
    dialogs.confirm_answer = False  # do not open it afterwards

    def choose_ict(dialog: QDialog) -> bool:
        assert isinstance(dialog, BriefDialog)
        dialog.title_edit.setText("ICT only")
        for row in range(dialog.plans_list.count()):
            item = dialog.plans_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) != "ict":
                item.setCheckState(Qt.CheckState.Unchecked)
        dialog.toc_box.setChecked(False)
        return True

    dialogs.dialog_answer = choose_ict
    with qtbot.waitSignal(exporter.brief_exported, timeout=30_000):
        exporter.action.trigger()
    markdown = out.read_text(encoding="utf-8")
    assert "ICT only" in markdown and "Information and Communication" in markdown
    assert "Green Industrial Development" not in markdown
    assert not dialogs.opened

    seen: list[tuple[str, tuple[str, ...], bool]] = []

    def look(dialog: QDialog) -> bool:
        assert isinstance(dialog, BriefDialog)
        seen.append((dialog.title_edit.text(), dialog.chosen_plans(), dialog.toc_box.isChecked()))
        return False

    dialogs.dialog_answer = look
    exporter.action.trigger()
    assert seen == [("ICT only", ("ict",), False)]
    # Cancelled at the dialog: no file chooser was shown.
    assert dialogs.suggested == ["ICT-only.pdf"]
    dialogs.dialog_answer = lambda _d: True
    dialogs.save_answer = None
    exporter.action.trigger()
    assert dialogs.suggested[-1] == str(tmp_path / "ICT-only.pdf")  # the last folder


def test_live_count_follows_the_scope(
    content: ContentRepository, notes: InMemoryNotes, qtbot: QtBot
) -> None:
    from fypdesk.export.compose import BriefContent, compose
    from fypdesk.notes.interface import brief_annotations

    notes.add_note(FIVE_G, "one note")
    brief = BriefContent(content.briefing(), content.plans(), content.nodes(), content.quantities())
    annotations = brief_annotations(notes)
    dialog = BriefDialog(
        brief.plans, lambda spec: compose(spec, brief, annotations).counts, {}, None
    )
    qtbot.addWidget(dialog)
    label = dialog.count_label
    assert label.text().startswith("Will include 6 plans") and "1 note." in label.text()
    dialog.set_items_mode("starred")
    assert label.text() == "Nothing matches this scope."
    assert not dialog.export_button.isEnabled()
    dialog.set_items_mode("tagged")
    assert label.text().startswith("Cannot export yet: name at least one tag")
    QTest.keyClicks(dialog.scope_tags_edit, "nowhere")
    assert label.text() == "Nothing matches this scope."
    dialog.set_items_mode("annotated")
    assert "1 plan," in label.text() and dialog.export_button.isEnabled()
    dialog.notes_combo.setCurrentIndex(dialog.notes_combo.findData("tagged"))
    assert label.text().startswith("Cannot export yet: notes 'tagged' needs at least one tag")
    assert not dialog.export_button.isEnabled()
    QTest.keyClicks(dialog.note_tags_edit, "telecom")
    assert "0 notes" in label.text() and dialog.export_button.isEnabled()
    assert label.textFormat() == Qt.TextFormat.PlainText


class _Gate:
    """A renderer that waits until the test lets it go, so cancelling is not a race."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, document: BriefDocument, out: BinaryIO) -> int:
        out.write(b"partial output")
        self.started.set()
        self.release.wait(30)
        return 1


@pytest.fixture
def gate() -> Iterator[_Gate]:
    gate = _Gate()
    yield gate
    gate.release.set()


def test_progress_shows_and_cancel_leaves_no_file(
    make_brief_window: BriefWindowFactory,
    dialogs: FakeDialogs,
    tmp_path: Path,
    qtbot: QtBot,
    gate: _Gate,
) -> None:
    exporter = _exporter(make_brief_window({".pdf": gate}))
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "brief.pdf"
    out.write_bytes(b"the brief from last week")
    dialogs.save_answer = out
    exporter.action.trigger()
    assert "Replace it?" in dialogs.questions[-1][1]  # asked before writing over it
    progress = exporter.progress
    assert progress is not None and progress.minimumDuration() == 500
    qtbot.waitUntil(progress.isVisible, timeout=5000)
    assert gate.started.is_set()
    button = progress.findChild(QPushButton)
    assert isinstance(button, QPushButton) and button.text() == "Cancel"
    with qtbot.waitSignal(exporter.export_cancelled, timeout=10_000):
        button.click()
        gate.release.set()
    assert out.read_bytes() == b"the brief from last week"  # untouched, no partial file
    assert [p.name for p in folder.iterdir()] == ["brief.pdf"]
    assert exporter.action.isEnabled() and not dialogs.errors and not dialogs.opened


def test_cancel_before_a_new_file_is_written_leaves_nothing(
    make_brief_window: BriefWindowFactory,
    dialogs: FakeDialogs,
    tmp_path: Path,
    qtbot: QtBot,
    gate: _Gate,
) -> None:
    exporter = _exporter(make_brief_window({".pdf": gate}))
    folder = tmp_path / "out"
    folder.mkdir()
    dialogs.save_answer = folder / "new.pdf"
    exporter.action.trigger()
    exporter.action.trigger()  # one export at a time: ignored while busy
    with qtbot.waitSignal(exporter.export_cancelled, timeout=10_000):
        exporter.cancel()
        gate.release.set()
    assert list(folder.iterdir()) == []


def test_a_failed_export_says_why_and_leaves_nothing(
    brief_window: MainWindow, dialogs: FakeDialogs, tmp_path: Path, qtbot: QtBot
) -> None:
    exporter = _exporter(brief_window)
    dialogs.save_answer = tmp_path / "missing folder" / "brief.md"
    with qtbot.waitSignal(exporter.export_failed, timeout=30_000) as failed:
        exporter.action.trigger()
    assert "does not exist" in failed.args[0]
    assert dialogs.errors[-1] == ("Export brief", failed.args[0])
    dialogs.save_answer = tmp_path / "brief.docx"
    exporter.action.trigger()
    assert ".pdf or .md" in dialogs.errors[-1][1]
    assert not (tmp_path / "missing folder").exists() and not (tmp_path / "brief.docx").exists()


def test_suggested_names_are_safe() -> None:
    from fypdesk.domain.brief import BriefSpec

    assert suggested_name(BriefSpec(title="ICT / 5G: a <look>"), "x") == "ICT-5G-a-look.pdf"
    assert suggested_name(BriefSpec(), "14th Plans") == "14th-Plans.pdf"
    assert suggested_name(BriefSpec(title="???"), "x") == "brief.pdf"
