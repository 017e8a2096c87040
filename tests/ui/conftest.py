"""Fixtures for the window tests: real content, in-memory notes, isolated settings, fake dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from PySide6.QtCore import QAbstractItemModel, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.window.main_window import MainWindow
from tests.conftest import CONTENT_DB
from tests.fake_notes import InMemoryNotes

if TYPE_CHECKING:  # importing it early breaks pytest-qt's Qt binding selection
    from pytestqt.modeltest import ModelTester

UI_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen plugin warns (uncategorised, so QT_LOGGING_RULES cannot hush it) that it
    cannot propagate size hints to a window manager it does not have; that is not our fault."""
    for item in items:
        if UI_DIR in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))


@dataclass
class FakeDialogs:
    """Answers every prompt at once and records what was asked.

    ``dialog_answer`` fills in a prepared dialog (the test's hand on the form) and says whether
    it is accepted; ``confirm_answer`` answers every yes/no question.
    """

    save_answer: Path | None = None
    open_answer: Path | None = None
    confirm_answer: bool = True
    choose_answer: int | None = 0
    dialog_answer: Callable[[QDialog], bool] = lambda _dialog: True
    errors: list[tuple[str, str]] = field(default_factory=list)
    infos: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[str, list[list[str]]]] = field(default_factory=list)
    questions: list[tuple[str, str]] = field(default_factory=list)
    choices: list[list[str]] = field(default_factory=list)
    suggested: list[str] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)
    open_filters: list[str] = field(default_factory=list)

    def save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        self.suggested.append(suggested)
        return self.save_answer

    def open_path(self, title: str, file_filter: str) -> Path | None:
        self.open_filters.append(file_filter)
        return self.open_answer

    def confirm(self, title: str, message: str) -> bool:
        self.questions.append((title, message))
        return self.confirm_answer

    def choose(self, title: str, label: str, items: Sequence[str]) -> int | None:
        self.choices.append(list(items))
        return self.choose_answer

    def run_dialog(self, dialog: QDialog) -> bool:
        return self.dialog_answer(dialog)

    def open_file(self, path: Path) -> None:
        self.opened.append(path)

    def error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def information(self, title: str, message: str) -> None:
        self.infos.append((title, message))

    def show_table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.tables.append((title, [list(r) for r in rows]))


@pytest.fixture(autouse=True)
def _no_leaked_windows(qapp: QApplication) -> Iterator[None]:
    """Every top-level widget a test makes is gone when it ends."""
    before = set(QApplication.topLevelWidgets())
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    leaked = [w for w in QApplication.topLevelWidgets() if w not in before]
    for widget in leaked:
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not leaked, f"top-level widgets leaked: {[type(w).__name__ for w in leaked]}"


ModelCheck = Callable[[QAbstractItemModel], None]


@pytest.fixture
def check_model(qtmodeltester: ModelTester) -> ModelCheck:
    """``qtmodeltester.check`` with a type (pytest-qt's is untyped)."""
    return cast(ModelCheck, qtmodeltester.check)


@pytest.fixture
def content() -> Iterator[ContentRepository]:
    """The committed content database."""
    repository = ContentRepository.open(CONTENT_DB)
    yield repository
    repository.close()


@pytest.fixture
def notes() -> InMemoryNotes:
    """An empty notes store."""
    return InMemoryNotes()


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    """An INI file for QSettings, private to the test."""
    return tmp_path / "settings" / "fypdesk.ini"


def make_settings(path: Path) -> UiSettings:
    """Settings over an INI file (never the user's)."""
    return UiSettings(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.fixture
def dialogs() -> FakeDialogs:
    """Prompts that never block."""
    return FakeDialogs()


@pytest.fixture
def themes() -> list[str]:
    """Themes the window asked for (the app palette is left alone in tests)."""
    return []


def show_window(qtbot: QtBot, window: MainWindow, select: str | None = None) -> MainWindow:
    """Restore the session onto ``window`` and show it, as the app does before its first paint;
    the window is closed and deleted when the test ends."""
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.restore_session(select=select)
    window.show()
    qtbot.waitExposed(window)
    return window


@dataclass
class WindowFactory:
    """Makes windows over shared content, notes and settings file."""

    qtbot: QtBot
    content: ContentRepository
    notes: InMemoryNotes
    settings_path: Path
    dialogs: FakeDialogs
    themes: list[str]

    def __call__(self, select: str | None = None) -> MainWindow:
        window = MainWindow(
            self.content,
            self.notes,
            make_settings(self.settings_path),
            self.dialogs,
            self.themes.append,
        )
        return show_window(self.qtbot, window, select)


@pytest.fixture
def make_window(
    qtbot: QtBot,
    content: ContentRepository,
    notes: InMemoryNotes,
    settings_path: Path,
    dialogs: FakeDialogs,
    themes: list[str],
) -> WindowFactory:
    """A factory of reader windows."""
    return WindowFactory(qtbot, content, notes, settings_path, dialogs, themes)


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    """A reader window on the briefing overview."""
    return make_window()
