"""Smoke-test the frozen app (``make dist-check``): run it headless from another folder.

Checks ``--version``, ``targets --format json``, ``export`` (plain, and with a Hindi note that must
come out shaped: the build carries HarfBuzz and the script fonts), ``gui --screenshot``, and the
clear message a machine without a display gets. Exits non-zero with a line per failure.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A note that needs shaping, and the ToUnicode entry of its conjunct क्ष drawn as one glyph.
HINDI_NOTE = "हिन्दी नोट: क्षमता"
SHAPED_CONJUNCT = b"<0915094D0937>"
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
    failures += _check_shaping(folder)
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


def _check_shaping(folder: Path) -> list[str]:
    """A brief with a Hindi note embeds the Devanagari font and draws क्ष as one shaped glyph."""
    added = _run(folder, "notes", "add", "ict", HINDI_NOTE)
    if added.returncode != 0:
        return [f"notes add: {added.returncode} {added.stderr.strip()!r}"]
    pdf = folder / "hindi.pdf"
    export = _run(folder, "export", str(pdf))
    if export.returncode != 0 or not pdf.is_file():
        return [f"export with a Hindi note: {export.returncode} {export.stderr.strip()!r}"]
    data = pdf.read_bytes()
    if b"NotoSansDevanagari" not in data:
        return ["export with a Hindi note: the Devanagari font is not embedded"]
    if not any(SHAPED_CONJUNCT in stream for stream in _streams(data)):
        return ["export with a Hindi note: not shaped (uharfbuzz missing from the build?)"]
    return []


def _streams(pdf: bytes) -> list[bytes]:
    """The PDF's streams, decoded as reportlab writes them (ASCII85, then Flate)."""
    found = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        data = match[1].strip()
        with contextlib.suppress(ValueError, zlib.error):
            if data.endswith(b"~>"):
                data = base64.a85decode(data[:-2])
            data = zlib.decompress(data)
        found.append(data)
    return found


def main() -> int:
    if not BINARY.is_file():
        print(f"dist-check: {BINARY} not found: run `make dist` first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="fypdesk dist check ") as folder:
        failures = check(Path(folder))
    for failure in failures:
        print(f"dist-check: FAILED {failure}", file=sys.stderr)
    if not failures:
        print(
            "dist-check: the frozen app runs headless: version, targets, export (shaped Hindi), "
            "screenshot"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
