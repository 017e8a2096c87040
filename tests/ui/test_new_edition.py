"""The window as a reader of a library: it tells once, after a new edition is installed, what it
changed for the user's notes, and File → Open briefing switches to another briefing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from fypdesk.cli import main
from fypdesk.content.identity import BriefingChoice, current_version
from fypdesk.content.install import install_pack
from fypdesk.content.library import Library
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import LEGACY_PACK_ID
from fypdesk.ui.app import tell_about_unreadable_packs
from fypdesk.ui.commands.notes_startup import tell_about_new_edition
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.navigator.model import NodeRoles
from fypdesk.ui.reading.pane import OPEN_BRIEFING_URL
from fypdesk.ui.window.main_window import MainWindow
from tests.conftest import CONTENT_DB
from tests.example_packs import build_examplia
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import FakeDialogs, ModelCheck
from tests.ui.test_notes_startup import _start

REWORDED = "fog-energy"
RENUMBERED = "sky-rail/targets/new-stations"
DROPPED = "fog-energy/objectives/research-institutes"
UNCHANGED = "sky-rail"
EXAMPLIA = "examplia-imaginary-industries"


def test_a_new_edition_is_told_once_with_what_it_changed(tmp_path: Path) -> None:
    notes = InMemoryNotes()
    settings = UiSettings(None)
    dialogs = FakeDialogs()
    first = ContentRepository.open(build_examplia(tmp_path, 1))
    try:
        for node in (REWORDED, RENUMBERED, DROPPED, UNCHANGED, RENUMBERED):
            notes.add_note(node, f"on {node}", version=current_version(first, "2026-03.1", node))
        # The edition the notes were written in: nothing to tell, and not again.
        assert tell_about_new_edition(notes, first, dialogs, settings) is None
    finally:
        first.close()
    second = ContentRepository.open(build_examplia(tmp_path, 2))
    try:
        message = tell_about_new_edition(notes, second, dialogs, settings)
        assert message is not None
        assert message.startswith(
            "Edition 2026-03.2 of Examplia Imaginary Industries Plan 2026-2030 changed 2"
            " annotated items, 1 note detached."
        )
        assert [title for title, _text in dialogs.infos] == [
            "A new edition of Examplia Imaginary Industries Plan 2026-2030"
        ]
        assert tell_about_new_edition(notes, second, dialogs, settings) is None  # once
        assert len(dialogs.infos) == 1
    finally:
        second.close()


def _library(tmp_path: Path) -> tuple[BriefingChoice, BriefingChoice]:
    bundled = BriefingChoice(
        LEGACY_PACK_ID, "14th Five-Year Plans & more", "2021-12.1", CONTENT_DB, "MERICS", "2021-12"
    )
    other = BriefingChoice(
        EXAMPLIA,
        "Examplia",
        "2026-03.1",
        tmp_path / "e.fypack",
        "<b>Examplia</b> Office",
        "2026-03",
    )
    return bundled, other


def _asked_for(window: MainWindow) -> tuple[BriefingChoice | None, str | None]:
    """The briefing and node the window closed to open (read afresh: the window changes them)."""
    return window.requested_briefing, window.requested_node


def test_file_open_briefing_lists_the_library_and_asks_for_another(
    window: MainWindow, tmp_path: Path
) -> None:
    bundled, other = _library(tmp_path)
    window.set_briefings([other, bundled])
    menu = window.file_menu.findChild(QMenu, "briefingsMenu")
    assert menu is not None and menu.isEnabled()
    actions = menu.actions()
    assert [a.text() for a in actions] == [
        "14th Five-Year Plans && more  (2021-12.1)",  # a title's & is no mnemonic
        "Examplia  (2026-03.1)",
    ]
    assert [a.isChecked() for a in actions] == [True, False]
    window.show()
    actions[0].trigger()  # the briefing shown: nothing happens
    assert window.requested_briefing is None and window.isVisible()
    actions[1].trigger()
    assert _asked_for(window) == (other, None)
    assert not window.isVisible()  # closed, its notes flushed and session saved
    window.set_briefings([bundled])
    assert not menu.isEnabled() and len(menu.actions()) == 1


def test_the_navigator_lists_the_other_briefings_beside_the_open_one(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, check_model: ModelCheck
) -> None:
    bundled, other = _library(tmp_path)
    tree = window.navigator.tree
    model = window.navigator.model
    plans = model.rowCount(model.root_index())
    window.set_briefings([bundled, other])
    check_model(model)
    titles = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert titles == [window.windowTitle().removesuffix(" — fypdesk"), "Examplia"]
    assert tree.isExpanded(model.root_index()) and model.rowCount(model.root_index()) == plans
    assert window.navigator_dock.windowTitle() == "Library"
    row = model.index(1, 0)
    assert row.data(NodeRoles.BRIEFING) == other and row.data(NodeRoles.NODE_ID) is None
    assert not model.hasChildren(row)  # its content is not read until it is opened
    assert (
        row.data(Qt.ItemDataRole.ToolTipRole)
        == "<b>Examplia</b> Office, 2026-03 · edition 2026-03.1"
    )
    shown = window.current_node_id()
    tree.setCurrentIndex(row)  # selecting it shows what it is, and opens nothing
    assert window.reading_pane.briefing_card == other
    text = window.reading_pane.toPlainText()
    assert "<b>Examplia</b> Office · 2026-03 · edition 2026-03.1" in text  # markup shown as text
    assert "Open this briefing" in text
    assert window.current_node_id() == shown and window.requested_briefing is None
    assert not window.notes_panel.isEnabled()  # no note is typed onto the item left behind
    tree.setCurrentIndex(model.root_index())
    assert window.notes_panel.isEnabled() and window.reading_pane.briefing_card is None
    tree.setCurrentIndex(row)
    window.show()
    with qtbot.waitSignal(window.reading_pane.briefing_requested):
        window.reading_pane.anchorClicked.emit(QUrl(OPEN_BRIEFING_URL))
    assert window.requested_briefing == other and not window.isVisible()


def test_enter_on_another_briefing_opens_it(window: MainWindow, tmp_path: Path) -> None:
    bundled, other = _library(tmp_path)
    window.set_briefings([other, bundled])
    window.show()
    tree = window.navigator.tree
    tree.setFocus()
    tree.setCurrentIndex(window.navigator.model.index(1, 0))
    QTest.keyClick(tree, Qt.Key.Key_Return)
    assert window.requested_briefing == other


_SWITCH = """
import json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMenu
from fypdesk.ui.common import dialogs

said, titles = [], []
def information(self, title, message):
    said.append([title, message])
    QTimer.singleShot(0, QApplication.closeAllWindows)  # then the app quits
dialogs.QtDialogs.information = information

app = QApplication(["fypdesk"])  # the timers below need it; the app's run() reuses it

def switch():
    (window,) = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
    titles.append(window.windowTitle())
    menu = window.file_menu.findChild(QMenu, "briefingsMenu")
    (other,) = [action for action in menu.actions() if not action.isChecked()]
    other.trigger()
QTimer.singleShot(500, switch)
from fypdesk.cli import main
code = main(["gui"])
print(json.dumps([code, said, titles]))
"""


def test_the_window_switches_briefing_and_tells_about_its_new_edition(tmp_path: Path) -> None:
    """A user's library: the bundled briefing and Examplia, whose second edition changed an
    item annotated in the first. File → Open briefing opens Examplia in a new window, which
    says once what the edition changed."""
    data = tmp_path / "data"
    run = ["--data-dir", str(data)]
    assert main([*run, "pack", "install", str(build_examplia(tmp_path, 1))]) == 0
    assert main([*run, "notes", "add", f"{EXAMPLIA}:{RENUMBERED}", "how many?"]) == 0
    assert main([*run, "pack", "install", str(build_examplia(tmp_path, 2))]) == 0
    code, said, titles = _start(tmp_path, data, _SWITCH)
    assert code == 0
    assert titles == ["14th Five-Year Plans on Six Industries Policy Update — fypdesk"]
    ((title, message),) = said
    assert title == "A new edition of Examplia Imaginary Industries Plan 2026-2030"
    assert "changed 1 annotated item, 0 notes detached" in message


_INSTALL_NEW_EDITION = """
import json
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from fypdesk.ui.common import dialogs

app = QApplication(["fypdesk"])
said = []
def information(self, title, message):
    said.append([title, message])
    if title.startswith("A new edition"):
        QTimer.singleShot(0, QApplication.closeAllWindows)  # then the app quits
dialogs.QtDialogs.information = information
dialogs.QtDialogs.open_path = lambda self, title, file_filter: Path(NEW_EDITION)

def install():
    (window,) = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
    said.append(["title", window.windowTitle()])
    window.findChild(QAction, "installBriefingAction").trigger()
from PySide6.QtGui import QAction
QTimer.singleShot(500, install)
from fypdesk.cli import main
code = main(["--pack", "examplia-imaginary-industries", "gui"])
print(json.dumps([code, said]))
"""


def test_installing_a_new_edition_of_the_briefing_shown_reopens_it(tmp_path: Path) -> None:
    """File → Install briefing… with the next edition of the briefing read: the install is
    said, then the window opens the new edition, which says what it changed for the notes."""
    data = tmp_path / "data"
    run = ["--data-dir", str(data)]
    assert main([*run, "pack", "install", str(build_examplia(tmp_path, 1))]) == 0
    assert main([*run, "notes", "add", f"{EXAMPLIA}:{RENUMBERED}", "how many?"]) == 0
    new_edition = repr(str(build_examplia(tmp_path, 2)))
    code, said = _start(tmp_path, data, _INSTALL_NEW_EDITION.replace("NEW_EDITION", new_edition))
    assert code == 0
    assert [title for title, _ in said] == [
        "title",
        "Install briefing",
        "A new edition of Examplia Imaginary Industries Plan 2026-2030",
    ]
    assert "edition 2026-03.2" in said[1][1]
    assert "changed 1 annotated item, 0 notes detached" in said[2][1]


_SWITCH_AND_QUIT = """
import json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMenu

app = QApplication(["fypdesk"])
titles = []
def main_window():
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
def step():
    windows = [w for w in main_window() if w.isVisible()]
    if not windows:
        QTimer.singleShot(50, step)  # between two windows
        return
    (window,) = windows
    titles.append(window.windowTitle())
    if SWITCH and len(titles) == 1:
        menu = window.file_menu.findChild(QMenu, "briefingsMenu")
        (other,) = [action for action in menu.actions() if not action.isChecked()]
        other.trigger()
        QTimer.singleShot(50, step)
    else:
        window.close()
QTimer.singleShot(300, step)
from fypdesk.cli import main
code = main(ARGV)
print(json.dumps([code, titles]))
"""


def test_the_window_reopens_the_briefing_read_last(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "pack", "install", str(build_examplia(tmp_path))]) == 0
    bundled = "14th Five-Year Plans on Six Industries Policy Update — fypdesk"
    examplia = "Examplia Imaginary Industries Plan 2026-2030 — fypdesk"

    def script(switch: bool, argv: list[str]) -> str:
        return _SWITCH_AND_QUIT.replace("SWITCH", str(switch)).replace("ARGV", repr(argv))

    code, titles = _start(tmp_path, data, script(True, ["gui"]))
    assert (code, titles) == (0, [bundled, examplia])
    code, titles = _start(tmp_path, data, script(False, ["gui"]))
    assert (code, titles) == (0, [examplia])
    # --select names an item of the bundled briefing: that one opens, at the item.
    code, titles = _start(
        tmp_path, data, script(False, ["gui", "--select", "ict/targets/5g-usage-rate"])
    )
    assert code == 0 and titles == [
        "5G usage rate (5G terminal connections) — 14th Five-Year Plans on Six Industries"
        " Policy Update — fypdesk"  # with several briefings, the title says which
    ]


def test_a_very_long_title_keeps_the_menu_narrow(window: MainWindow, tmp_path: Path) -> None:
    bundled, other = _library(tmp_path)
    long = BriefingChoice(
        "long-title", "A" * 5000, "1" * 300, tmp_path / "long.fypack", "P", "2026-01"
    )
    window.set_briefings([bundled, other, long])
    menu = window.file_menu.findChild(QMenu, "briefingsMenu")
    assert menu is not None
    texts = [action.text() for action in menu.actions()]
    assert max(len(text) for text in texts) < 120
    assert any(text.startswith("A" * 79 + "…  (") for text in texts)


def test_an_unreadable_pack_of_the_library_is_told_once(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    library = Library.open(folder, CONTENT_DB)
    install_pack(library, build_examplia(tmp_path, 1))
    installed = folder / f"{EXAMPLIA}.fypack"
    installed.write_bytes(installed.read_bytes()[:4096])  # damaged after installation
    problems = Library.open(folder, CONTENT_DB).problems()
    assert len(problems) == 1
    dialogs, settings = FakeDialogs(), UiSettings(None)
    message = tell_about_unreadable_packs(problems, dialogs, settings)
    assert message is not None and message.startswith(
        "1 file of your library cannot be read and is skipped; the other briefings open."
    )
    assert str(installed) in message and [t for t, _ in dialogs.infos] == ["Briefings skipped"]
    assert tell_about_unreadable_packs(problems, dialogs, settings) is None  # once
    assert tell_about_unreadable_packs((), dialogs, settings) is None  # mended: nothing to say
    assert tell_about_unreadable_packs(problems, dialogs, settings) is not None  # again
    assert len(dialogs.infos) == 2
