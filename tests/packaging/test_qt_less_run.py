"""The Qt-less run of the core's tests (tools/pytest_without_qt.py) really has no Qt: neither in
its own process nor in the commands the tests start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NO_QT = Path(__file__).resolve().parents[2] / "tools" / "no_qt"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(NO_QT)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_process_started_with_the_blocker_cannot_import_qt() -> None:
    result = _python("import PySide6.QtCore")
    assert result.returncode == 1
    assert "No module named 'PySide6' (Qt-less run)" in result.stderr


def test_the_core_commands_run_without_qt() -> None:
    result = _python(
        "from fypdesk.cli import main; raise SystemExit(main(['targets', '--plan', 'ict']))"
    )
    assert result.returncode == 0, result.stderr
    assert "5G usage rate" in result.stdout
