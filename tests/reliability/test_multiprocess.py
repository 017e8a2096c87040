"""Several processes on one notes store at once, as users really run fypdesk.

Long-lived holders, the real window (offscreen, typing into its notes panel) and a store kept
open as the window keeps it, save notes in a loop while commands run beside them: ``notes add``,
``notes list``, ``backup``, ``restore``, ``notes import``, ``check`` and the holders' own Back up
notes. Afterwards every save that was acknowledged
(the holder answered after the commit; the command printed "Added note") must be in the store or
in a backup: a restore may take a note out of the store, but then it is in the backup the restore
took first. The store must pass ``integrity_check``.

``make test`` runs :data:`ROUNDS` rounds; ``SOAK=1`` many more.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fypdesk import paths
from fypdesk.notes.sqlite import backup, store
from tests.conftest import REPO_ROOT
from tests.reliability.conftest import SOAK, Figures
from tests.reliability.test_lock_cancellation import Holder, WindowHolder

ROUNDS = 30 if SOAK else 3
#: Commands run beside the holders in each round.
COMMANDS_PER_ROUND = 14
NODE = "ict"


@dataclass
class _Tally:
    acknowledged: set[str] = field(default_factory=set)
    commands: int = 0
    command_failures: list[str] = field(default_factory=list)
    lock = threading.Lock()


def _fypdesk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fypdesk", "--data-dir", str(data_dir), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _keep_saving(holder: Holder, stop: threading.Event, tally: _Tally, name: str) -> None:
    number = 0
    while not stop.is_set():
        number += 1
        note_uuid = holder.ask(f"add {NODE} {name} save {number}")
        with tally.lock:
            tally.acknowledged.add(note_uuid)
        if number % 25 == 0:
            holder.ask("backup")
        stop.wait(0.01)  # a busy user, not a benchmark: the commands get their turn


def _exchange_file(folder: Path, count: int, seed: int) -> Path:
    rng = random.Random(seed)
    notes = [
        {
            "id": f"{rng.getrandbits(32):08x}-0000-4000-8000-{rng.getrandbits(48):012x}",
            "node": NODE,
            "body": f"imported {seed} {n}",
            "tags": [],
            "created": "2026-01-01T00:00:00+00:00",
            "updated": "2026-01-01T00:00:00+00:00",
        }
        for n in range(count)
    ]
    path = folder / f"import-{seed}.json"
    path.write_text(json.dumps({"format": "fypdesk-notes", "version": 1, "notes": notes}))
    return path


def _run_commands(data_dir: Path, rng: random.Random, tally: _Tally) -> None:
    for step in range(COMMANDS_PER_ROUND):
        choice = rng.choice(["add", "add", "list", "backup", "restore", "import", "check"])
        if choice == "restore" and step == 0:
            choice = "backup"
        if choice == "add":
            result = _fypdesk(data_dir, "notes", "add", NODE, f"command save {step}")
        elif choice == "list":
            result = _fypdesk(data_dir, "notes", "list", "--format", "json")
        elif choice == "import":
            path = _exchange_file(data_dir.parent, 200, rng.getrandbits(30))
            result = _fypdesk(data_dir, "notes", "import", str(path))
        else:
            result = _fypdesk(data_dir, choice)
        tally.commands += 1
        if result.returncode != 0:
            tally.command_failures.append(
                f"{choice}: {result.returncode} {result.stderr.strip()} {result.stdout[-600:]}"
            )
        elif choice == "add":
            # "Added note UUID to NODE."
            note_uuid = result.stdout.split()[2]
            with tally.lock:
                tally.acknowledged.add(note_uuid)


def _uuids_in(path: Path) -> set[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT uuid FROM notes")}
    finally:
        connection.close()


def test_acknowledged_saves_survive_holders_commands_backups_and_restores(
    tmp_path: Path, figures: Figures
) -> None:
    lost: list[str] = []
    integrity: list[str] = []
    acknowledged = commands = 0
    failures: list[str] = []
    for round_number in range(ROUNDS):
        data_dir = tmp_path / f"round {round_number}" / "data"
        path = paths.notes_db_path(data_dir)
        seed = store.open_notes(path)
        seed.add_note(NODE, "seed")
        seed.close()
        tally = _Tally()
        stop = threading.Event()
        holders = [Holder(path), WindowHolder(path)]
        threads = [
            threading.Thread(target=_keep_saving, args=(h, stop, tally, f"holder{n}"))
            for n, h in enumerate(holders)
        ]
        try:
            for thread in threads:
                thread.start()
            _run_commands(data_dir, random.Random(round_number), tally)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
            for holder in holders:
                holder.stop()  # killed while holding the store, as a crash would
        found = _uuids_in(path)
        for info in backup.list_backups(backup.backup_dir(path)):
            found |= _uuids_in(info.path)
        lost += sorted(tally.acknowledged - found)
        connection = sqlite3.connect(path)
        try:
            check = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
        if check != [("ok",)]:
            integrity.append(f"round {round_number}: {check[:3]}")
        acknowledged += len(tally.acknowledged)
        commands += tally.commands
        failures += tally.command_failures
    figures.record(
        "multi-process store",
        rounds=ROUNDS,
        acknowledged=acknowledged,
        commands=commands,
        lost=len(lost),
        integrity_failures=len(integrity),
        command_failures=len(failures),
    )
    assert not failures, failures[:5]
    assert not lost, f"{len(lost)} of {acknowledged} acknowledged saves lost: {lost[:5]}"
    assert not integrity, integrity


def test_backups_taken_at_once_by_many_processes_all_land(tmp_path: Path) -> None:
    """0.1.0 gave backups of the same second one temporary name: 1,845 of them failed in 300 s
    and left -wal/-shm files behind."""
    data_dir = tmp_path / "data"
    path = paths.notes_db_path(data_dir)
    seed = store.open_notes(path)
    seed.add_note(NODE, "backed up many times at once")
    seed.close()
    script = (
        "import sys; from pathlib import Path; from fypdesk.notes.sqlite import store\n"
        "for _ in range(5): store.backup_now(Path(sys.argv[1]))\n"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=REPO_ROOT) for _ in range(4)
    ]
    assert [child.wait(timeout=120) for child in children] == [0, 0, 0, 0]
    folder = backup.backup_dir(path)
    assert len(backup.list_backups(folder)) == backup.KEEP_RECENT  # 20 taken, the newest 10 kept
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".db")) == []
    for info in backup.list_backups(folder):
        assert backup.diagnose(info.path) is None
