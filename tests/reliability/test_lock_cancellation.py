"""Regression: a process that holds the store must keep its SQLite locks through a backup.

On POSIX, closing *any* descriptor of a file drops every fcntl lock the process holds on it, the
SHARED lock of its own WAL connection included. 0.1.0 read the header of the live ``notes.db``
with a Python file object during the automatic backup at open (and on Back up notes). From then
on, another fypdesk process that closed the store believed it was the last one, checkpointed and
deleted ``notes.db-wal`` and ``-shm`` under the holder: every later save of the holder went into
a deleted file, acknowledged and lost.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from fypdesk.notes.sqlite import store
from tests.conftest import REPO_ROOT


class Holder:
    """A child process that holds the store open (``store_holder.py``)."""

    #: Every holder started, stopped after each test whatever happened.
    started: ClassVar[list[Holder]] = []
    #: The module that holds the store: the store itself, or the real window.
    module = "tests.reliability.store_holder"

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, str(path)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        Holder.started.append(self)
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.read()
        assert answer.startswith("ok"), answer
        return answer.removeprefix("ok").strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class WindowHolder(Holder):
    """The real window (offscreen) holding the store (``window_holder.py``)."""

    module = "tests.reliability.window_holder"


def _open_and_close(path: Path) -> None:
    """Another process opens the store and closes it (as ``fypdesk notes list`` does)."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; "
            "from fypdesk.notes.sqlite import store; store.open_notes(Path(sys.argv[1])).close()",
            str(path),
        ],
        check=True,
        cwd=REPO_ROOT,
        timeout=60,
    )


def _count_elsewhere(path: Path) -> int:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; "
            "from fypdesk.notes.sqlite import store; r = store.open_notes(Path(sys.argv[1])); "
            "print(len(r.all_notes())); r.close()",
            str(path),
        ],
        check=True,
        cwd=REPO_ROOT,
        timeout=60,
        capture_output=True,
        text=True,
    )
    return int(result.stdout)


@pytest.mark.parametrize(
    ("backup_by", "holder_kind"), [("open", Holder), ("menu", Holder), ("menu", WindowHolder)]
)
def test_a_backup_in_the_holder_keeps_its_locks(
    tmp_path: Path, backup_by: str, holder_kind: type[Holder]
) -> None:
    path = tmp_path / "notes.db"
    seed = store.open_notes(path)
    seed.add_note("ict", "written before the holder opens: a backup is due")
    seed.close()
    holder = holder_kind(path)  # opening takes the automatic backup
    if backup_by == "menu":
        holder.ask("backup")
    holder.ask("add ict first save of the holder")
    _open_and_close(path)
    wal = path.with_name(path.name + "-wal")
    assert wal.exists(), "another process deleted the log that the holder still uses"
    holder.ask("add ict second save of the holder")
    assert _count_elsewhere(path) == 3, "an acknowledged save of the holder is not visible"
    holder.stop()  # killed, as a crash would: what it acknowledged must still be there
    assert _count_elsewhere(path) == 3


@pytest.fixture(autouse=True)
def _stop_holders() -> Iterator[None]:
    yield
    for holder in Holder.started:
        holder.stop()
    Holder.started.clear()
