"""``fypdesk gui --screenshot``: headless rendering and its failures, run as the user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from fypdesk.ui.app import render_to_file
from fypdesk.ui.window.main_window import MainWindow
from tests.conftest import REPO_ROOT
from tests.ui.conftest import WindowFactory

FIVE_G = "ict/targets/5g-usage-rate"


def _gui(tmp_path: Path, *args: str, display: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"}
    }
    env |= {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env["FYPDESK_DATA_DIR"] = str(tmp_path / "data")
    if display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [sys.executable, "-m", "fypdesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _stats(image: QImage) -> tuple[int, float]:
    """Distinct colours (sampled) and mean lightness."""
    colours: set[int] = set()
    total = 0.0
    samples = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            pixel = image.pixel(x, y)
            colours.add(pixel)
            total += QColor(pixel).lightnessF()
            samples += 1
    return len(colours), total / samples


def test_screenshot_renders_the_selected_node_in_dark(tmp_path: Path) -> None:
    out = tmp_path / "shot dark.png"
    result = _gui(
        tmp_path, "gui", "--screenshot", str(out), "--select", FIVE_G, "--theme", "dark",
        "--size", "1100x700",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1100, 700)
    colours, lightness = _stats(image)
    assert colours > 20  # text, tree, tables: not a blank window
    assert lightness < 0.4  # dark means dark


def test_screenshot_of_an_unknown_id_fails_clearly(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    result = _gui(tmp_path, "gui", "--screenshot", str(out), "--select", "no/such")
    assert result.returncode != 0
    assert "no such item: 'no/such'" in result.stderr
    assert not out.exists()


def test_missing_content_database_fails_clearly(tmp_path: Path) -> None:
    missing = tmp_path / "gone.db"
    result = _gui(
        tmp_path, "--content", str(missing), "gui", "--screenshot", str(tmp_path / "x.png")
    )
    assert result.returncode != 0
    assert "gone.db" in result.stderr and "Traceback" not in result.stderr


def test_a_modified_content_database_is_refused_before_anything_is_shown(tmp_path: Path) -> None:
    """The window hashes the file on a thread while it is built; a mismatch still stops it."""
    content = tmp_path / "fyp.db"
    shutil.copy(REPO_ROOT / "data" / "fyp.db", content)
    shutil.copy(REPO_ROOT / "data" / "fyp.db.sha256", tmp_path / "fyp.db.sha256")
    with content.open("r+b") as handle:  # one byte of the last page: SQLite still opens it
        handle.seek(-10, os.SEEK_END)
        byte = handle.read(1)
        handle.seek(-10, os.SEEK_END)
        handle.write(bytes([byte[0] ^ 0xFF]))
    out = tmp_path / "x.png"
    result = _gui(tmp_path, "--content", str(content), "gui", "--screenshot", str(out))
    assert result.returncode != 0
    assert "has been modified or damaged" in result.stderr and str(content) in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_no_display_is_a_clear_error(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        return
    result = _gui(tmp_path, "gui", display=False)
    assert result.returncode == 1
    assert "no display found" in result.stderr


def test_rendered_window_is_not_blank(make_window: WindowFactory, tmp_path: Path) -> None:
    window: MainWindow = make_window(select=FIVE_G)
    out = tmp_path / "light.png"
    assert render_to_file(window, out) == 0
    colours, lightness = _stats(QImage(str(out)))
    assert colours > 20 and lightness > 0.6
