"""Starting the window on the user's notes store: a repaired store is announced with the date
of the backup it came from; a store that cannot be opened stops the app with a clear message; the
store (and SQLAlchemy, and Alembic only for a migration) is opened after the first paint."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fypdesk.domain.notes import BackupInfo, RecoveryReport
from fypdesk.notes.sqlite import backup
from fypdesk.ui.commands.notes_startup import recovery_message

FIVE_G = "ict/targets/5g-usage-rate"


def _gui(tmp_path: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "FYPDESK_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "fypdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_screenshot_shows_a_note_from_the_store_and_reports_a_repair(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add = _gui(tmp_path, data, "notes", "add", FIVE_G, "from the command line")
    assert add.returncode == 0, add.stderr
    assert _gui(tmp_path, data, "backup").returncode == 0
    shot = tmp_path / "shot.png"
    ok = _gui(tmp_path, data, "gui", "--select", FIVE_G, "--screenshot", str(shot))
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr
    (data / "notes.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    repaired = _gui(tmp_path, data, "gui", "--select", FIVE_G, "--screenshot", str(shot))
    assert repaired.returncode == 0, repaired.stderr
    assert "restored the backup of" in repaired.stderr
    assert len(repaired.stderr.strip().splitlines()) == 1


def test_a_store_that_cannot_open_is_a_one_line_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    other = sqlite3.connect(data / "notes.db")  # a healthy database, but someone else's
    with other:
        other.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    other.close()
    result = _gui(tmp_path, data, "gui", "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert result.stderr.startswith("fypdesk: error:") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is not a fypdesk notes database" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_recovery_message_names_the_backup_date(tmp_path: Path) -> None:

    info = BackupInfo(
        tmp_path / "notes-20260301T101500Z-auto.db",
        datetime(2026, 3, 1, 10, 15, tzinfo=UTC),
        "auto",
    )
    text = recovery_message(RecoveryReport(tmp_path / "notes.db.damaged", "bad header", info))
    assert "2026-03-01 10:15 UTC" in text and "bad header" in text
    empty = recovery_message(RecoveryReport(tmp_path / "notes.db.damaged", "bad header", None))
    assert "No good backup" in empty


_INTERACTIVE = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from fypdesk.ui.common import dialogs

said = []
def error(self, title, message):
    said.append(["error", title, message])
def information(self, title, message):
    said.append(["information", title, message])
    QTimer.singleShot(0, QApplication.closeAllWindows)  # then the app quits
dialogs.QtDialogs.error = error
dialogs.QtDialogs.information = information
from fypdesk.cli import main
code = main(["gui"])
print(json.dumps([code, said]))
"""


def _interactive(tmp_path: Path, data: Path) -> tuple[int, list[list[str]]]:
    """Run the window as a user starts it, with its message boxes answered at once."""
    code, said = _start(tmp_path, data, _INTERACTIVE)
    return code, said


def _start(tmp_path: Path, data: Path, script: str) -> Any:
    """Run ``script``, which starts the window, and read the JSON it prints last."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "FYPDESK_DATA_DIR": str(data)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_window_names_the_restored_backup_or_refuses_to_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _gui(tmp_path, data, "notes", "add", FIVE_G, "before the damage").returncode == 0
    assert _gui(tmp_path, data, "backup").returncode == 0
    (taken,) = backup.list_backups(data / "backups")
    (data / "notes.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    code, said = _interactive(tmp_path, data)
    assert code == 0
    ((kind, title, message),) = said
    assert (kind, title) == ("information", "Your notes were restored")
    assert taken.taken.strftime("%Y-%m-%d %H:%M UTC") in message

    (data / "notes.db").unlink()
    stranger = sqlite3.connect(data / "notes.db")  # healthy, but not ours: it cannot be opened
    with stranger:
        stranger.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    stranger.close()
    code, said = _interactive(tmp_path, data)
    assert code == 1
    ((kind, title, message),) = said
    assert kind == "error" and "is not a fypdesk notes database" in message


_IMPORTS = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from fypdesk.ui.window.main_window import MainWindow

HEAVY = ("sqlalchemy", "alembic", "reportlab")
# The window's start needs none of the other commands' modules (cli.build_parser(gui_only=True)).
COMMANDS = ("fypdesk.cli.content_commands", "fypdesk.cli.export_command",
            "fypdesk.cli.notes_commands", "fypdesk.cli.pack_commands", "fypdesk.export.compose")

def loaded():
    return [m for m in HEAVY + COMMANDS if m in sys.modules]

seen = {}
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            seen.setdefault("first paint", loaded())
        return False

app = QApplication([sys.argv[0]])  # the app takes this one
watch = FirstPaint()
app.installEventFilter(watch)
notes_opened = MainWindow.notes_opened
def opened(self):
    notes_opened(self)
    seen["notes opened"] = loaded()
    QTimer.singleShot(0, QApplication.closeAllWindows)
MainWindow.notes_opened = opened
from fypdesk.cli import main
code = main(["gui"])
print(json.dumps([code, seen]))
"""


def test_the_notes_store_opens_after_the_first_paint(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, seen = _start(tmp_path, data, _IMPORTS)  # a first start makes the store
    assert code == 0
    assert seen == {"first paint": [], "notes opened": ["sqlalchemy", "alembic"]}
    assert (data / "notes.db").is_file()
    code, seen = _start(tmp_path, data, _IMPORTS)  # current schema: no Alembic
    assert code == 0
    assert seen == {"first paint": [], "notes opened": ["sqlalchemy"]}


def test_the_window_loads_reportlab_only_for_an_export(tmp_path: Path) -> None:
    script = (
        "import sys; from fypdesk.cli import main; "
        f"code = main(['gui', '--screenshot', {str(tmp_path / 'x.png')!r}]); "
        "print(code, any(m.startswith('reportlab') for m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    env["FYPDESK_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.stdout.split() == ["0", "False"], result.stderr
