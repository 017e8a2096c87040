"""The window's CSV export of targets and figures: safe in a spreadsheet, written whole or not at
all, with the permissions the file had."""

from __future__ import annotations

import csv
import errno
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import QuantityRole
from fypdesk.ui.quantities.model import build_rows
from fypdesk.ui.quantities.view import QuantitiesView
from fypdesk.ui.window.main_window import MainWindow
from tests.ui.conftest import FakeDialogs

FIVE_G = "ict/targets/5g-usage-rate"
FORMULA = '=HYPERLINK("http://example.invalid/x","click")'


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cells_from_a_hostile_pack_never_run_as_formulas(
    qtbot: QtBot, content: ContentRepository, tmp_path: Path
) -> None:
    quantities = content.quantities(QuantityRole.TARGET)
    hostile = tuple(
        replace(
            q,
            indicator=FORMULA,
            unit="@SUM(A1:A9)",
            source="-2+3+cmd|' /C calc'!A0",
            baseline=-13.5,
        )
        if q.id == FIVE_G
        else q
        for q in quantities
    )
    view = QuantitiesView(QuantityRole.TARGET, content.plans())
    qtbot.addWidget(view)
    view.set_rows(build_rows(hostile, {}, 2020))
    out = tmp_path / "targets.csv"
    assert view.write_csv(out, 2020) == len(quantities)
    row = next(r for r in _read(out) if r["id"] == FIVE_G)
    assert row["indicator"] == "'" + FORMULA
    assert (row["unit"], row["source"]) == ("'@SUM(A1:A9)", "'-2+3+cmd|' /C calc'!A0")
    assert (row["baseline"], row["target"]) == ("-13.5", "56")  # numbers stay numbers
    assert float(row["change_absolute"]) == 56 - -13.5


def test_the_export_replaces_the_file_whole_and_keeps_its_mode(
    window: MainWindow, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "targets #1 ü.csv"
    out.write_text("old,export\n", encoding="utf-8")
    out.chmod(0o600)
    reader = folder / "opened by a spreadsheet.csv"
    os.link(out, reader)  # another name for the old file, as a reader holding it open sees it
    dialogs.save_answer = out
    window.actions_.export_targets.trigger()
    assert dialogs.questions  # asked before replacing the file
    assert len(_read(out)) == window.targets_view.model.rowCount()
    # A new file took the name: whoever had the old one open still reads it whole.
    assert reader.read_text(encoding="utf-8") == "old,export\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == sorted([out.name, reader.name])


def test_a_full_disk_leaves_the_old_file_intact_and_says_so(
    window: MainWindow, dialogs: FakeDialogs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "targets.csv"
    out.write_text("old,export\n", encoding="utf-8")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    dialogs.save_answer = out
    window.actions_.export_targets.trigger()
    assert out.read_text(encoding="utf-8") == "old,export\n"
    assert [p.name for p in folder.iterdir()] == ["targets.csv"]  # no partial file left
    ((title, message),) = dialogs.errors
    assert title == "Export targets"
    assert "Could not write" in message and "the disk is full" in message
