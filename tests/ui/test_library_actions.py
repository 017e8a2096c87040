"""File → Install briefing… and File → Remove briefing…, over a real library in a temporary folder.

The packs are the guide's Examplia briefing in its two editions, built by the real builder; the
bundled pack is the committed database. Every prompt is answered by :class:`FakeDialogs`, and
every job is waited for by its signals (``library_changed``, ``busy_changed``), never by time.
"""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QProgressBar
from pytestqt.qtbot import QtBot

from fypdesk.content import install
from fypdesk.content.install import install_pack
from fypdesk.content.library import PACK_SUFFIX, Library
from fypdesk.ui.commands.library_actions import LibraryActions
from fypdesk.ui.window.main_window import MainWindow
from tests.conftest import CONTENT_DB
from tests.example_packs import EDITIONS, PACK_ID, build_examplia
from tests.ui.conftest import FakeDialogs

BUNDLED_ID = "fyp14-six-industries"
TITLE = "Examplia Imaginary Industries Plan 2026-2030"
OpenLibrary = Callable[[], Library]


class _Window(QMainWindow):
    """The least a window must be: a widget with a File menu."""

    def __init__(self) -> None:
        super().__init__()
        self.file_menu = self.menuBar().addMenu("&File")

    def add_file_action(self, action: QAction) -> None:
        self.file_menu.addAction(action)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Editions 1 and 2 of the Examplia pack (built once; do not change them)."""
    folder = tmp_path_factory.mktemp("examplia")
    return build_examplia(folder, 1), build_examplia(folder, 2)


@pytest.fixture
def library_folder(data_dir: Path) -> Path:
    return data_dir / "library"


@pytest.fixture
def open_library(library_folder: Path) -> OpenLibrary:
    return lambda: Library.open(library_folder, CONTENT_DB)


@pytest.fixture
def host(qtbot: QtBot) -> _Window:
    window = _Window()
    qtbot.addWidget(window)
    return window


@pytest.fixture
def actions(host: _Window, open_library: OpenLibrary, dialogs: FakeDialogs) -> LibraryActions:
    return LibraryActions(host, open_library, dialogs)


def _shown(library: Library) -> list[tuple[str, str, bool]]:
    return [(pack.id, pack.edition, pack.bundled) for pack in library.packs()]


def _folder_state(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` with the SHA-256 of its bytes: equal means nothing changed."""
    if not folder.exists():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _idle(busy: bool) -> bool:
    return not busy


def test_the_actions_are_in_the_file_menu_of_the_window(
    window: MainWindow, open_library: OpenLibrary, dialogs: FakeDialogs
) -> None:
    actions = LibraryActions(window, open_library, dialogs)
    names = {action.objectName() for action in window.file_menu.actions()}
    assert {"installBriefingAction", "removeBriefingAction"} <= names
    assert actions.parent() is window
    assert actions.install_action.text() == "Install &briefing…"


def test_install_a_new_briefing(
    qtbot: QtBot,
    actions: LibraryActions,
    dialogs: FakeDialogs,
    packs: tuple[Path, Path],
    open_library: OpenLibrary,
    library_folder: Path,
) -> None:
    dialogs.open_answer = packs[0]
    with qtbot.waitSignal(actions.library_changed, timeout=10_000) as changed:
        actions.install_action.trigger()
    assert changed.args == [PACK_ID]
    assert (PACK_ID, EDITIONS[0], False) in _shown(open_library())
    installed = library_folder / f"{PACK_ID}{PACK_SUFFIX}"
    assert installed.read_bytes() == packs[0].read_bytes()
    assert dialogs.infos == [("Install briefing", f"Installed “{TITLE}”, edition {EDITIONS[0]}.")]
    assert dialogs.errors == [] and dialogs.questions == []
    assert dialogs.open_filters == ["Briefings (*.fypack);;All files (*)"]
    assert actions.install_action.isEnabled() and actions.progress is None


def test_a_newer_edition_replaces_the_installed_one_without_asking(
    qtbot: QtBot,
    actions: LibraryActions,
    dialogs: FakeDialogs,
    packs: tuple[Path, Path],
    open_library: OpenLibrary,
) -> None:
    install_pack(open_library(), packs[0])
    dialogs.open_answer = packs[1]
    with qtbot.waitSignal(actions.library_changed, timeout=10_000):
        actions.install_action.trigger()
    assert (PACK_ID, EDITIONS[1], False) in _shown(open_library())
    assert dialogs.questions == []
    (_title, text), *_ = dialogs.infos
    assert text == f"Replaced edition {EDITIONS[0]} of “{TITLE}” by edition {EDITIONS[1]}."


@pytest.mark.parametrize(("installed", "offered"), [(1, 1), (2, 1)], ids=["equal", "older"])
def test_an_equal_or_older_edition_is_installed_only_when_the_user_says_yes(
    qtbot: QtBot,
    actions: LibraryActions,
    dialogs: FakeDialogs,
    packs: tuple[Path, Path],
    open_library: OpenLibrary,
    library_folder: Path,
    installed: int,
    offered: int,
) -> None:
    install_pack(open_library(), packs[installed - 1])
    before = _folder_state(library_folder)
    dialogs.open_answer = packs[offered - 1]
    dialogs.confirm_answer = False
    with (
        qtbot.assertNotEmitted(actions.library_changed, wait=0),
        qtbot.waitSignal(actions.busy_changed, check_params_cb=_idle, timeout=10_000),
    ):
        actions.install_action.trigger()
    ((title, question),) = dialogs.questions
    assert title == "Install briefing" and "anyway" in question and TITLE in question
    assert EDITIONS[installed - 1] in question and EDITIONS[offered - 1] in question
    assert ("older" in question) == (offered < installed)
    assert _folder_state(library_folder) == before
    assert dialogs.errors == [] and dialogs.infos == []

    dialogs.confirm_answer = True
    with qtbot.waitSignal(actions.library_changed, timeout=10_000) as changed:
        actions.install_action.trigger()
    assert changed.args == [PACK_ID] and len(dialogs.questions) == 2
    target = library_folder / f"{PACK_ID}{PACK_SUFFIX}"
    assert target.read_bytes() == packs[offered - 1].read_bytes()
    assert (PACK_ID, EDITIONS[offered - 1], False) in _shown(open_library())
    assert dialogs.errors == [] and len(dialogs.infos) == 1


@pytest.mark.parametrize("damage", ["truncated", "not SQLite"])
def test_a_damaged_file_is_one_error_and_changes_nothing(
    qtbot: QtBot,
    actions: LibraryActions,
    dialogs: FakeDialogs,
    packs: tuple[Path, Path],
    open_library: OpenLibrary,
    library_folder: Path,
    tmp_path: Path,
    damage: str,
) -> None:
    good = packs[0].read_bytes()
    bad = tmp_path / f"damaged{PACK_SUFFIX}"
    bad.write_bytes(good[: len(good) // 2] if damage == "truncated" else b"not a briefing\n" * 99)
    before = _shown(open_library())
    dialogs.open_answer = bad
    with (
        qtbot.assertNotEmitted(actions.library_changed, wait=0),
        qtbot.waitSignal(actions.busy_changed, check_params_cb=_idle, timeout=10_000),
    ):
        actions.install_action.trigger()
    ((title, message),) = dialogs.errors
    assert title == "Install briefing" and message.startswith("Not installed:")
    assert str(bad) in message and "\n" not in message and "Traceback" not in message
    assert dialogs.infos == [] and dialogs.questions == []
    assert _shown(open_library()) == before
    assert _folder_state(library_folder) == {}


def test_an_unexpected_os_error_is_a_message(
    qtbot: QtBot, host: _Window, dialogs: FakeDialogs, packs: tuple[Path, Path]
) -> None:
    def unreadable() -> Library:
        raise PermissionError(errno.EACCES, "Permission denied", "/nowhere/library")

    actions = LibraryActions(host, unreadable, dialogs)
    dialogs.open_answer = packs[0]
    with qtbot.waitSignal(actions.busy_changed, check_params_cb=_idle, timeout=10_000):
        actions.install_action.trigger()  # opened on the worker thread
    actions.remove_action.trigger()  # opened on the GUI thread, to list the packs
    expected = "Permission denied (/nowhere/library)"
    assert dialogs.errors == [("Install briefing", expected), ("Remove briefing", expected)]


def test_the_actions_are_disabled_while_a_job_runs_and_progress_is_shown(
    qtbot: QtBot,
    actions: LibraryActions,
    host: _Window,
    dialogs: FakeDialogs,
    packs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(install, "_BLOCK", 1 << 12)  # several blocks, so several steps
    dialogs.open_answer = packs[0]
    steps: list[tuple[int, int]] = []
    with qtbot.waitSignal(actions.library_changed, timeout=10_000):
        actions.install_action.trigger()
        # Nothing the worker reports is handled before the event loop runs again.
        assert actions.busy
        assert not actions.install_action.isEnabled() and not actions.remove_action.isEnabled()
        assert actions.progress is not None and actions.progress.parent() is host
        bar = actions.progress.findChild(QProgressBar)
        assert bar is not None
        bar.valueChanged.connect(lambda value: steps.append((value, bar.maximum())))
    assert actions.install_action.isEnabled() and actions.remove_action.isEnabled()
    assert not actions.busy and actions.progress is None
    determinate = [value for value, maximum in steps if maximum > 0]
    assert len(determinate) >= 3 and determinate == sorted(determinate)
    assert 0 < determinate[0] < determinate[-1] <= 1000


def test_remove_an_installed_briefing_keeps_its_notes(
    qtbot: QtBot,
    actions: LibraryActions,
    dialogs: FakeDialogs,
    packs: tuple[Path, Path],
    open_library: OpenLibrary,
    library_folder: Path,
) -> None:
    install_pack(open_library(), packs[0])
    dialogs.choose_answer = 0  # the packs are listed by id: Examplia first
    with qtbot.waitSignal(actions.library_changed, timeout=10_000) as changed:
        actions.remove_action.trigger()
    assert changed.args == [PACK_ID]
    ((first, second),) = dialogs.choices
    assert first == f"{TITLE} — edition {EDITIONS[0]}"
    assert second.endswith("(built into fypdesk)")
    ((_title, question),) = dialogs.questions
    assert f"“{TITLE}”, edition {EDITIONS[0]}" in question and "file is deleted" in question
    assert "notes" in question and "kept" in question and "installed again" in question
    assert not (library_folder / f"{PACK_ID}{PACK_SUFFIX}").exists()
    assert _shown(open_library()) == [(BUNDLED_ID, "2021-12.1", True)]
    ((_title, text),) = dialogs.infos
    assert text.startswith(f"Removed “{TITLE}”") and "notes" in text


def test_removing_the_bundled_briefing_hides_it(
    qtbot: QtBot, actions: LibraryActions, dialogs: FakeDialogs, open_library: OpenLibrary
) -> None:
    with qtbot.waitSignal(actions.library_changed, timeout=10_000) as changed:
        actions.remove_action.trigger()
    assert changed.args == [BUNDLED_ID]
    ((_title, question),) = dialogs.questions
    assert "hidden, not deleted" in question and "notes" in question and "kept" in question
    library = open_library()
    assert library.packs() == () and library.hidden == {BUNDLED_ID}
    assert CONTENT_DB.exists()
    ((_title, text),) = dialogs.infos
    assert text.startswith("Hid ") and "not deleted" in text


@pytest.mark.parametrize("prompt", ["open", "choose", "confirm"])
def test_cancel_at_any_prompt_changes_nothing(
    qtbot: QtBot,
    actions: LibraryActions,
    dialogs: FakeDialogs,
    packs: tuple[Path, Path],
    open_library: OpenLibrary,
    library_folder: Path,
    prompt: str,
) -> None:
    install_pack(open_library(), packs[0])
    before = _folder_state(library_folder)
    dialogs.open_answer = None
    dialogs.choose_answer = None if prompt == "choose" else 0
    dialogs.confirm_answer = False
    with qtbot.assertNotEmitted(actions.busy_changed, wait=0):
        if prompt == "open":
            actions.install_action.trigger()
        else:
            actions.remove_action.trigger()
    assert len(dialogs.questions) == (prompt == "confirm")
    assert _folder_state(library_folder) == before
    assert dialogs.errors == [] and dialogs.infos == []
    assert not actions.busy and actions.remove_action.isEnabled()


def test_nothing_to_remove_says_so(
    host: _Window, dialogs: FakeDialogs, library_folder: Path
) -> None:
    actions = LibraryActions(host, lambda: Library.open(library_folder, None), dialogs)
    actions.remove_action.trigger()
    assert dialogs.infos == [("Remove briefing", "There are no briefings to remove.")]
    assert dialogs.choices == [] and dialogs.questions == []
