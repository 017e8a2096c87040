"""The window as a reader of a library: it tells once, after a new edition is installed, what it
changed for the user's notes, and File → Open briefing switches to another briefing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMenu

from fypdesk.cli import main
from fypdesk.content.identity import BriefingChoice, current_version
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import LEGACY_PACK_ID
from fypdesk.ui.app import tell_about_new_edition
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.window.main_window import MainWindow
from tests.conftest import CONTENT_DB
from tests.example_packs import build_examplia
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import FakeDialogs
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


def test_file_open_briefing_lists_the_library_and_asks_for_another(
    window: MainWindow, tmp_path: Path
) -> None:
    bundled = BriefingChoice(LEGACY_PACK_ID, "14th Five-Year Plans & more", "2021-12.1", CONTENT_DB)
    other = BriefingChoice(EXAMPLIA, "Examplia", "2026-03.1", tmp_path / "examplia.fypack")
    window.set_briefings([bundled, other])
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
    assert window.requested_briefing == other
    assert not window.isVisible()  # closed, its notes flushed and session saved
    window.set_briefings([bundled])
    assert not menu.isEnabled() and len(menu.actions()) == 1


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
