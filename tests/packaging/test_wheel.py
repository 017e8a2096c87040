"""The wheel carries everything the app needs, and runs from outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

#: Every bundled font goes with its licence: all of resources/fonts, whatever is added to it.
FONTS = {f"fypdesk/resources/fonts/{f.name}" for f in (REPO_ROOT / "resources" / "fonts").iterdir()}
EXPECTED = {
    "fypdesk/__init__.py",
    "fypdesk/__main__.py",
    "fypdesk/py.typed",
    "fypdesk/data/fyp.db",
    "fypdesk/data/fyp.db.sha256",
    "fypdesk/resources/icons/fypdesk.svg",
    "fypdesk/notes/sqlite/migrations/env.py",
} | FONTS


def _offline_pip(command: str, *args: str) -> None:
    """pip without the network: everything comes from the checkout and the venv."""
    subprocess.run(
        [sys.executable, "-m", "pip", command, "--quiet", "--no-deps", "--no-index", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _offline_pip("wheel", "--no-build-isolation", "--wheel-dir", str(out), str(REPO_ROOT))
    (wheel_path,) = out.glob("fypdesk-*.whl")
    return wheel_path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _offline_pip("install", "--target", str(target), str(wheel))
    return target


def test_the_wheel_lists_data_fonts_icons_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names >= EXPECTED
    assert not any(name.startswith(("tests/", "data/source")) for name in names)
    versions = [n for n in names if n.startswith("fypdesk/notes/sqlite/migrations/versions/")]
    assert any(n.endswith(".py") and "__init__" not in n for n in versions)


def _run(installed: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed), "QT_QPA_PLATFORM": "offscreen"}
    env["FYPDESK_DATA_DIR"] = str(cwd / "user-data")
    return subprocess.run(
        [sys.executable, "-m", "fypdesk", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # a hung window must fail the test, not the whole run
    )


def test_the_installed_package_runs_from_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    where = _run(installed, tmp_path, "show", "briefing", "--format", "json")
    assert where.returncode == 0, where.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import fypdesk, fypdesk.paths as p;"
            "print(fypdesk.__file__); print(p.bundled_content_path())",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, content_path = probe.stdout.splitlines()
    assert module_file.startswith(str(installed))
    assert content_path.startswith(str(installed))
    targets = _run(installed, tmp_path, "targets", "--format", "json")
    assert targets.returncode == 0, targets.stderr
    assert len(json.loads(targets.stdout)) == 19


def test_the_installed_gui_renders_a_screenshot(installed: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = _run(installed, tmp_path, "gui", "--screenshot", str(shot), "--select", "ict")
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 10_000
