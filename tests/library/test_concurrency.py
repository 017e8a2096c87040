"""Installs and removes from several processes at once are serialised by the library's lock:
the newest edition ends up installed, every command says what it did, nothing is left over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fypdesk.content import library_folder
from fypdesk.content.install import install_pack
from fypdesk.content.library import Library
from fypdesk.content.library_folder import LOCK_NAME, LibraryBusyError
from tests.conftest import CONTENT_DB
from tests.library.conftest import PackBuilder


def _start(data_dir: Path, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fypdesk", "--data-dir", str(data_dir), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_installing_two_editions_at_once(
    build_pack: PackBuilder, tmp_path: Path
) -> None:
    older = build_pack("race-plans", "1.9")
    newer = build_pack("race-plans", "1.10")
    for round_ in range(3):
        data_dir = tmp_path / f"data {round_}"
        order = (older, newer) if round_ % 2 else (newer, older)
        processes = [_start(data_dir, "pack", "install", str(pack)) for pack in order]
        results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
        codes = sorted(code for code, _, _ in results)
        # The newer one always installs; the older one too, if it came first (then replaced).
        assert codes in ([0, 0], [0, 1]), results
        for code, out, err in results:
            assert "Traceback" not in err
            if code == 1:
                assert err.startswith("fypdesk: error: not installed: ") and "older" in err
            else:
                assert out.count("\n") == 1
        folder = data_dir / "library"
        library = Library.open(folder, CONTENT_DB)
        assert library.pack("race-plans").edition == "1.10"
        assert library.problems() == ()
        assert (folder / "race-plans.fypack").read_bytes() == newer.read_bytes()
        assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) == []


def test_many_packs_installed_and_removed_at_once(build_pack: PackBuilder, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    packs = [build_pack(f"pack-{index}", "1") for index in range(4)]
    processes = [_start(data_dir, "pack", "install", str(pack)) for pack in packs]
    processes.append(_start(data_dir, "pack", "remove", "fyp14-six-industries"))
    for process in processes:
        assert process.wait(timeout=120) == 0, process.communicate()
        process.communicate()
    listed = subprocess.run(
        [sys.executable, "-m", "fypdesk", "--data-dir", str(data_dir), "pack", "list", "--format",
         "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )  # fmt: skip
    assert [record["id"] for record in json.loads(listed.stdout)] == [
        f"pack-{index}" for index in range(4)
    ]
    state = json.loads((data_dir / "library" / "library.json").read_text(encoding="utf-8"))
    assert state["hidden"] == ["fyp14-six-industries"]


def test_an_install_waits_for_the_lock_and_gives_up_with_a_message(
    build_pack: PackBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data" / "library"
    folder.mkdir(parents=True)
    monkeypatch.setattr(library_folder, "LOCK_TIMEOUT_S", 0.3)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        holder = os.open(folder / LOCK_NAME, os.O_RDWR)  # another open file: another lock
        try:
            assert library_folder.try_lock(holder)
            library = Library.open(folder, CONTENT_DB)
            started = time.monotonic()
            with pytest.raises(LibraryBusyError, match="another fypdesk is changing the library"):
                install_pack(library, build_pack("other-plans", "1"))
            assert time.monotonic() - started >= 0.3
            assert [p.name for p in folder.iterdir()] == [LOCK_NAME]  # the copy was discarded
        finally:
            os.close(holder)
        assert install_pack(library, build_pack("other-plans", "1")).pack.id == "other-plans"
    finally:
        os.close(fd)
