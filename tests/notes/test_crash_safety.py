"""Crash safety: writers killed with SIGKILL at random moments lose no acknowledged note.

A child process imports fypdesk once and then, on each request, forks a writer (fork keeps the
50 cycles fast: no interpreter start-up per kill). The writer opens the store, adds and edits notes,
takes a step of the store's upkeep (index merges, checkpoints) now and then, and prints an
acknowledgement only after each commit has returned. The test kills the writer at a
random moment (sometimes while it is still opening or migrating the store), then checks that every
acknowledged note is there with at least its acknowledged text, and that the database is intact.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from fypdesk.notes.sqlite.store import check_notes, open_notes

from .helpers import TARGET_ID

KILLS = 50

WRITER = r"""
import os, random, sys
from pathlib import Path

# Imported lazily by the store: load it once, before forking.
from fypdesk.notes.sqlite import migrate
from fypdesk.notes.sqlite.store import open_notes

db_path = Path(sys.argv[1])
node = sys.argv[2]
for line in sys.stdin:
    seed = int(line)
    pid = os.fork()
    if pid == 0:
        rng = random.Random(seed)
        repository = open_notes(db_path, auto_backup=False)
        mine = []
        step = 0
        while True:
            step += 1
            if step % 4 == 0:
                repository.maintain()  # the idle-time upkeep: some kills land in it
            if mine and step % 3 == 0:
                note_uuid = rng.choice(mine)
                repository.save_note(note_uuid, f"{seed}:{step}", tags=["edited"])
                os.write(1, f"edit {note_uuid} {step}\n".encode())
            else:
                tags = ["crash"] if step % 2 else []
                note = repository.add_note(node, f"{seed}:{step}", tags=tags)
                mine.append(note.uuid)
                os.write(1, f"add {note.uuid} {step}\n".encode())
    os.write(1, f"pid {pid}\n".encode())
    os.waitpid(pid, 0)
    os.write(1, b"reaped\n")
"""


def _read_line(stream: IO[bytes]) -> str:
    line = stream.readline()
    if not line:
        raise AssertionError("the writer process ended unexpectedly")
    return line.decode().strip()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer forks (POSIX only)")
def test_acknowledged_notes_survive_sigkill(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    rng = random.Random(20261128)
    acked: dict[str, int] = {}  # note uuid -> newest acknowledged step
    writes = 0
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), TARGET_ID],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        for cycle in range(KILLS):
            process.stdin.write(f"{cycle}\n".encode())
            process.stdin.flush()
            reply = _read_line(process.stdout)
            assert reply.startswith("pid "), reply
            # Early kills land while the store opens (and, the first time, migrates).
            time.sleep(rng.choice([0.0, 0.02, rng.uniform(0.0, 0.25)]))
            os.kill(int(reply.split()[1]), signal.SIGKILL)
            while (line := _read_line(process.stdout)) != "reaped":
                kind, note_uuid, step = line.split()
                assert kind in {"add", "edit"}
                acked[note_uuid] = max(acked.get(note_uuid, 0), int(step))
                writes += 1
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    elapsed = time.perf_counter() - started

    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = dict(connection.execute("SELECT uuid, body FROM notes").fetchall())
    finally:
        connection.close()
    lost = [u for u, step in acked.items() if u not in stored or _step(stored[u]) < step]
    print(
        f"\ncrash safety: {KILLS} kills, {writes} acknowledged writes on {len(acked)} notes,"
        f" {len(lost)} lost, {len(stored)} notes stored, {elapsed:.1f} s"
    )
    # How many writes land between kills depends on the machine's load; what matters is that
    # there were writes to lose. tests/reliability/test_crash.py waits on acknowledgements.
    assert writes > 0
    assert lost == []
    repository = open_notes(db_path, auto_backup=False)
    try:
        assert check_notes(repository) == []
    finally:
        repository.close()


def _step(body: str) -> int:
    return int(body.split(":")[1])
