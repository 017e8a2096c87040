"""Crash case (b): the window autosaving typed notes is killed with SIGKILL at random moments.

:data:`~tests.reliability.conftest.KILLS` times (50; 1,000 under ``SOAK=1``), a child process
runs the real main window offscreen on a real notes store (``autosave_server.py``), types notes
into the notes panel and reports every save the panel acknowledged. The test kills it at a random
moment: one time in ten while it starts (opening, migrating and backing up the store, building
the window), three in ten within 10 ms of the start of a save (inside the commit, or after it but
before the acknowledgement), otherwise after 0.2–1.5 s of typing. Then it opens the store as the
next start of the app would and checks that every acknowledged save is there with at least the
acknowledged text (the typing only appends, so a later save extends it), and that
``PRAGMA integrity_check`` is ok.

As in ``test_crash.py``, a server imports PySide6 and fypdesk once and forks one child per
cycle; a child's start (store, window, first paint) takes about half a second.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import CONTENT_DB
from tests.reliability.conftest import KILLS, Figures
from tests.reliability.forking import kill, read_line, send, server
from tests.reliability.store_checks import reopen, store_checks

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the server forks (POSIX only)")

SERVER_SCRIPT = Path(__file__).with_name("autosave_server.py")
#: Start a new notes folder after this many kills, so the checks stay fast in a soak.
RESET_EVERY = 50
#: Share of kills aimed at the start-up, and at the start-up or a save.
STARTUP_KILLS = 0.1
STARTUP_OR_SAVE_KILLS = 0.4
#: How long the window types before a kill that is not aimed at anything.
TYPING_S = (0.2, 1.5)
#: How long after a save started a kill aimed at it lands.
IN_SAVE_S = (0.0, 0.01)


@dataclass(frozen=True)
class _Ack:
    """An acknowledged save: the note's body had ``chars`` characters hashing to ``digest``."""

    chars: int
    digest: str


@dataclass
class _Tally:
    kills: int = 0
    killed_while_starting: int = 0
    killed_during_a_save: int = 0
    acknowledged: int = 0
    lost: int = 0
    integrity_failures: int = 0
    problems: list[str] = field(default_factory=list)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Cycle:
    """What the child of one cycle said."""

    ready: bool = False
    saves_started: int = 0
    saves_acknowledged: int = 0


def _read_child(line: str, cycle: _Cycle, acked: dict[str, _Ack], tally: _Tally) -> None:
    """Note one line of the child's output."""
    kind, _, rest = line.partition(" ")
    if kind == "ready":
        cycle.ready = True
    elif kind == "saving":
        cycle.saves_started += 1
    elif kind == "saved":
        cycle.saves_acknowledged += 1
        note_id, chars, digest = rest.split()
        if int(chars) >= acked.get(note_id, _Ack(-1, "")).chars:
            acked[note_id] = _Ack(int(chars), digest)
        tally.acknowledged += 1
    elif kind in {"failed", "recovered", "dialog"}:  # none of these may happen
        tally.problems.append(line)
    else:
        raise AssertionError(f"the window stopped by itself: {line}")


def _check_store(db_path: Path, acked: dict[str, _Ack], tally: _Tally) -> None:
    """Open the store as the next start of the app does, then compare it with the acks."""
    stored = reopen(db_path, tally)
    if stored is None:
        return
    for note_id, ack in acked.items():
        body = stored.get(note_id)
        if body is None or _digest(body[: ack.chars]) != ack.digest:
            tally.lost += 1
            tally.problems.append(f"lost: note {note_id} as saved with {ack.chars} characters")
            acked[note_id] = _Ack(0, _digest(""))  # count each loss once


def test_acknowledged_autosaves_survive_sigkill(tmp_path: Path, figures: Figures) -> None:
    rng = random.Random(20261128)
    tally = _Tally()
    started = time.perf_counter()
    db_path = tmp_path / "data 1" / "notes.db"
    acked: dict[str, _Ack] = {}
    with server([str(SERVER_SCRIPT), str(CONTENT_DB)]) as process:
        assert process.stdout is not None
        for cycle in range(KILLS):
            if cycle % RESET_EVERY == 0:
                store_checks(db_path, tally)
                db_path = tmp_path / f"data {cycle // RESET_EVERY + 1} #ü" / "notes.db"
                db_path.parent.mkdir()
                acked = {}
            pid = send(process, f"{db_path}\t{cycle}")
            said = _Cycle()
            aim = rng.random()
            if aim < STARTUP_KILLS:
                time.sleep(rng.uniform(0.0, 0.6))
            elif aim < STARTUP_OR_SAVE_KILLS:
                while said.saves_started == 0:
                    _read_child(read_line(process.stdout), said, acked, tally)
                time.sleep(rng.uniform(*IN_SAVE_S))
            else:
                while not said.ready:
                    _read_child(read_line(process.stdout), said, acked, tally)
                time.sleep(rng.uniform(*TYPING_S))
            kill(process, pid)
            tally.kills += 1
            while (line := read_line(process.stdout)) != "reaped":
                _read_child(line, said, acked, tally)
            tally.killed_while_starting += not said.ready
            # Saves run one at a time: one started and not acknowledged was cut by the kill.
            tally.killed_during_a_save += said.saves_started > said.saves_acknowledged
            _check_store(db_path, acked, tally)
    store_checks(db_path, tally)
    figures.record(
        "crash: window autosave",
        kills=tally.kills,
        acknowledged_writes=tally.acknowledged,
        lost_writes=tally.lost,
        integrity_failures=tally.integrity_failures,
        kills_while_starting=tally.killed_while_starting,
        kills_during_a_save=tally.killed_during_a_save,
        seconds=round(time.perf_counter() - started, 1),
    )
    assert tally.acknowledged > tally.kills  # the kills landed among saves, not only before
    assert tally.problems == []
    assert tally.lost == tally.integrity_failures == 0
