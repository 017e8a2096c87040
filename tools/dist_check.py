"""Smoke-test the frozen app (``make dist-check``): run it headless from another folder.

Checks ``--version``, ``targets --format json``, ``export``, ``gui --screenshot``, and the clear
message a machine without a display gets. Exits non-zero with a line per failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "dist" / "fypdesk" / ("fypdesk.exe" if sys.platform == "win32" else "fypdesk")


def _run(
    folder: Path, *argv: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BINARY), *argv],
        cwd=folder,
        env=env if env is not None else _env(folder),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FYPDESK_DATA_DIR": str(folder / "data")}


def check(folder: Path) -> list[str]:
    """Every failure found, as a line of text."""
    failures: list[str] = []
    version = _run(folder, "--version")
    if version.returncode != 0 or not version.stdout.startswith("fypdesk "):
        failures.append(f"--version: {version.returncode} {version.stdout!r} {version.stderr!r}")
    targets = _run(folder, "targets", "--format", "json")
    try:
        if len(json.loads(targets.stdout)) < 19:
            failures.append("targets: fewer than 19 targets")
    except json.JSONDecodeError:
        failures.append(f"targets: not JSON: {targets.stderr.strip()!r}")
    pdf = folder / "brief.pdf"
    export = _run(folder, "export", str(pdf))
    if export.returncode != 0 or not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
        failures.append(f"export: {export.returncode} {export.stderr.strip()!r}")
    shot = folder / "shot.png"
    gui = _run(folder, "gui", "--screenshot", str(shot), "--select", "ict")
    if gui.returncode != 0 or not shot.is_file() or shot.stat().st_size < 10_000:
        failures.append(f"gui --screenshot: {gui.returncode} {gui.stderr.strip()!r}")
    if sys.platform.startswith("linux"):
        bare = {k: v for k, v in _env(folder).items() if k not in {"QT_QPA_PLATFORM", "DISPLAY"}}
        bare.pop("WAYLAND_DISPLAY", None)
        headless = _run(folder, "gui", env=bare)
        if headless.returncode == 0 or "QT_QPA_PLATFORM=offscreen" not in headless.stderr:
            failures.append(f"no display: {headless.returncode} {headless.stderr.strip()!r}")
    return failures


def main() -> int:
    if not BINARY.is_file():
        print(f"dist-check: {BINARY} not found: run `make dist` first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="fypdesk dist check ") as folder:
        failures = check(Path(folder))
    for failure in failures:
        print(f"dist-check: FAILED {failure}", file=sys.stderr)
    if not failures:
        print("dist-check: the frozen app runs headless: version, targets, export, screenshot")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
