"""Crash suite: processes killed with SIGKILL at random moments lose nothing they acknowledged.

Two cases, each with :data:`~tests.reliability.conftest.KILLS` kills (50; 1,000 under ``SOAK=1``):

* **notes**: a writer adds and edits notes and acknowledges each one only after its commit has
  returned. After every kill the database is opened as the next start of the app would open it:
  every acknowledged write must be there (a later edit may have landed too, never an earlier
  state) and ``PRAGMA integrity_check`` must be ok.
* **export**: ``fypdesk export OUT.pdf`` (with 200 notes in its data folder) is killed at a
  random moment of its run. The target path must hold nothing (before the first export completed)
  or a whole PDF that pypdf opens with every page, never a partial one.

A server process imports fypdesk once and forks one child per cycle, so a cycle costs the work
being killed rather than an interpreter start-up (:mod:`tests.reliability.forking`). The child is a
whole process: SIGKILL ends it with everything it had in flight, exactly as a crash would. The
third case, the window's autosave, is in ``test_crash_autosave.py``.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from fypdesk.cli import main
from fypdesk.notes.sqlite import exchange
from fypdesk.notes.sqlite.store import open_notes
from tests.notes.helpers import OTHER_PLAN_NODE, TARGET_ID
from tests.reliability.conftest import KILLS, Figures
from tests.reliability.forking import kill, read_line, reap, send, server
from tests.reliability.store_checks import reopen, store_checks

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the servers fork (POSIX only)")

#: Start a new notes database after this many kills, so the checks stay fast in a soak.
RESET_EVERY = 50

NOTES_SERVER = r"""
import os, random, sys
from pathlib import Path

from fypdesk.notes.sqlite.store import open_notes

node = sys.argv[1]
for line in sys.stdin:
    db_path, seed = line.split("\t")
    seed = int(seed)
    pid = os.fork()
    if pid == 0:
        rng = random.Random(seed)
        repository = open_notes(Path(db_path), auto_backup=False)
        os.write(1, b"open\n")
        mine = []
        step = 0
        while True:
            step += 1
            if mine and step % 3 == 0:
                note_uuid = rng.choice(mine)
                repository.save_note(note_uuid, f"{seed}:{step}", tags=["edited", f"s{step}"])
                os.write(1, f"edit {note_uuid} {step}\n".encode())
            else:
                tags = ["crash"] if step % 2 else []
                note = repository.add_note(node, f"{seed}:{step}" + "x" * rng.randrange(3000),
                                           tags=tags)
                mine.append(note.uuid)
                os.write(1, f"add {note.uuid} {step}\n".encode())
    os.write(1, f"pid {pid}\n".encode())
    sys.stdin.readline()  # "reap": the test has sent its SIGKILL (a zombie's pid is not reused)
    os.waitpid(pid, 0)
    os.write(1, b"reaped\n")
"""

EXPORT_SERVER = r"""
import os, sys, time

import fypdesk.cli
import fypdesk.export.pdf  # reportlab, loaded once in the server

warm_up = sys.argv[1]
if warm_up:  # one export in the server itself: fonts and caches are loaded before the forks
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    code = fypdesk.cli.main(warm_up.split("\t"))
    os.dup2(saved[0], 1)
    os.dup2(saved[1], 2)
    assert code == 0, code
    os.unlink(warm_up.split("\t")[-1])

for line in sys.stdin:
    argv = line.rstrip("\n").split("\t")
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os._exit(fypdesk.cli.main(argv))
    os.write(1, f"pid {pid}\n".encode())
    sys.stdin.readline()  # "reap": the test has sent its SIGKILL (a zombie's pid is not reused)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - started
    if os.WIFSIGNALED(status):
        os.write(1, f"killed {elapsed:.4f}\n".encode())
    else:
        os.write(1, f"exit {os.WEXITSTATUS(status)} {elapsed:.4f}\n".encode())
"""


# -- notes -----------------------------------------------------------------------------------


@dataclass
class _NotesTally:
    kills: int = 0
    acknowledged: int = 0
    lost: int = 0
    integrity_failures: int = 0
    killed_while_opening: int = 0
    problems: list[str] = field(default_factory=list)


def _check_notes_db(db_path: Path, acked: dict[str, int], tally: _NotesTally) -> None:
    """Open the database as the next start of the app does, then compare with the acks."""
    stored = reopen(db_path, tally)
    if stored is None:
        return
    for note_uuid, step in acked.items():
        if note_uuid not in stored or _step(stored[note_uuid]) < step:
            tally.lost += 1
            tally.problems.append(f"lost: note {note_uuid} step {step}")
            acked[note_uuid] = 0  # count each loss once


def _step(body: str) -> int:
    return int(body.split(":")[1].rstrip("x"))


def test_acknowledged_notes_survive_sigkill(tmp_path: Path, figures: Figures) -> None:
    rng = random.Random(20261128)
    tally = _NotesTally()
    started = time.perf_counter()
    db_path = tmp_path / "data 1" / "notes.db"
    acked: dict[str, int] = {}  # note uuid -> newest acknowledged step
    with server(["-c", NOTES_SERVER, TARGET_ID]) as process:
        assert process.stdout is not None
        for cycle in range(KILLS):
            if cycle % RESET_EVERY == 0:
                store_checks(db_path, tally)
                db_path = tmp_path / f"data {cycle // RESET_EVERY + 1}" / "notes.db"
                db_path.parent.mkdir(parents=True)
                acked = {}
            pid = send(process, f"{db_path}\t{cycle}")
            # Kill after a random number of acknowledgements: -1 lands while the store opens (in a
            # new segment, while it creates and migrates the database), 0 right after it opened.
            wait_for = rng.choice([-1, 0, 1, 2, rng.randrange(1, 40)])
            seen = -1  # the "open" line comes first
            line = ""
            while seen < wait_for:
                line = read_line(process.stdout)
                if line == "reaped":
                    raise AssertionError("the writer ended by itself")
                seen += _record(line, acked, tally)
            if rng.random() < 0.5:
                time.sleep(rng.uniform(0.0, 0.004))  # a moment inside the next commit
            kill(process, pid)
            tally.kills += 1
            tally.killed_while_opening += wait_for == -1
            while (line := read_line(process.stdout)) != "reaped":
                _record(line, acked, tally)
            _check_notes_db(db_path, acked, tally)
    store_checks(db_path, tally)
    elapsed = time.perf_counter() - started
    figures.record(
        "crash: notes writer",
        kills=tally.kills,
        acknowledged_writes=tally.acknowledged,
        lost_writes=tally.lost,
        integrity_failures=tally.integrity_failures,
        kills_while_opening=tally.killed_while_opening,
        seconds=round(elapsed, 1),
    )
    assert tally.acknowledged > tally.kills  # the kills landed among writes, not only before
    assert tally.problems == []
    assert tally.lost == tally.integrity_failures == 0


def _record(line: str, acked: dict[str, int], tally: _NotesTally) -> int:
    """Note one line of the writer's output; return 1 if it acknowledged a write."""
    if line == "open":
        return 1
    kind, note_uuid, step = line.split()
    assert kind in {"add", "edit"}, line
    acked[note_uuid] = max(acked.get(note_uuid, 0), int(step))
    tally.acknowledged += 1
    return 1


# -- export ----------------------------------------------------------------------------------

#: Enough for a 44-page brief with every part (contents, charts, notes, annex, sources) that
#: takes 0.7 s to write: a kill lands in each phase of a run, and 50 kills cost about 30 s.
NOTES_IN_DATA_DIR = 200


@pytest.fixture(scope="module")
def data_with_notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the notes (imported in one transaction: it is quick)."""
    folder = tmp_path_factory.mktemp("export data")
    nodes = [TARGET_ID, OTHER_PLAN_NODE]
    when = datetime(2026, 3, 2, 9, tzinfo=UTC)
    records = [
        {
            "id": str(uuid.UUID(int=index + 1)),
            "node": nodes[index % 2],
            "body": f"Note {index}: " + "capacity, output and growth " * 8,
            "tags": ["bulk", f"t{index % 7}"],
            "created": (when + timedelta(minutes=index)).isoformat(),
            "updated": (when + timedelta(minutes=index)).isoformat(),
        }
        for index in range(NOTES_IN_DATA_DIR)
    ]
    notes_file = folder / "seed.json"
    notes_file.write_text(
        json.dumps({"format": "fypdesk-notes", "version": 1, "notes": records}), encoding="utf-8"
    )
    repository = open_notes(folder / "notes.db")
    try:
        report = exchange.import_json(repository, notes_file)
    finally:
        repository.close()
    assert report.added == NOTES_IN_DATA_DIR
    return folder


def _stray_temp_files(out: Path) -> list[Path]:
    return sorted(path for path in out.parent.iterdir() if path.name.startswith(f".{out.name}."))


@dataclass
class _ExportTally:
    kills: int = 0
    completed: int = 0
    partial_at_target: int = 0
    missing_after_complete: int = 0
    stray_temp_files: int = 0
    full_run_s: float = 0.0
    problems: list[str] = field(default_factory=list)


def _check_target(out: Path, pages: int, had_complete: bool, tally: _ExportTally) -> None:
    if not out.exists():
        if had_complete:
            tally.missing_after_complete += 1
            tally.problems.append("a complete export disappeared")
        return
    try:
        reader = PdfReader(out, strict=True)
        count = len(reader.pages)
        for page in reader.pages:
            page.get_contents()  # every page's content stream must be there
    except Exception as exc:  # any failure to read it counts as a partial PDF
        tally.partial_at_target += 1
        tally.problems.append(f"unreadable PDF at the target: {type(exc).__name__}: {exc}")
        return
    if count != pages:
        tally.partial_at_target += 1
        tally.problems.append(f"the PDF at the target has {count} of {pages} pages")


def _run_export_kills(
    out: Path, data_dir: Path, kills: int, seed: int
) -> tuple[_ExportTally, list[Path]]:
    """Export to ``out`` once in full, then until ``kills`` runs were killed at random moments
    (every tenth run is left to complete)."""
    rng = random.Random(seed)
    tally = _ExportTally()
    argv = "\t".join(["--data-dir", str(data_dir), "export", str(out)])
    warm_up = "\t".join(["--data-dir", str(data_dir), "export", str(out.with_name("warm-up.pdf"))])
    with server(["-c", EXPORT_SERVER, warm_up]) as process:
        assert process.stdout is not None
        # The first run completes: it measures how long an export takes and what a whole one is.
        pid = send(process, argv)
        reap(process)
        result = read_line(process.stdout).split()
        assert result[:2] == ["exit", "0"], result
        tally.full_run_s = float(result[2])
        tally.completed += 1
        pages = len(PdfReader(out).pages)
        assert pages > 1
        out.unlink()
        had_complete = False
        cycle = 0
        while tally.kills < kills:
            cycle += 1
            pid = send(process, argv)
            if cycle % 10 == 3:
                # Every tenth run completes, so that most kills have a whole file to preserve.
                reap(process)
            else:
                # Anywhere in the run, now and then a little past its usual end.
                time.sleep(rng.uniform(0.0, tally.full_run_s * 1.05))
                kill(process, pid)
            result = read_line(process.stdout).split()
            if result[0] == "killed":
                tally.kills += 1
            else:
                assert result[:2] == ["exit", "0"], result
                tally.completed += 1
                had_complete = True
            _check_target(out, pages, had_complete, tally)
    strays = _stray_temp_files(out)
    tally.stray_temp_files = len(strays)
    return tally, strays


def test_killed_exports_never_leave_a_partial_pdf(
    tmp_path: Path, data_with_notes: Path, figures: Figures
) -> None:
    out_dir = tmp_path / "briefs #1 % ü"
    out_dir.mkdir()
    out = out_dir / "brief.pdf"
    started = time.perf_counter()
    tally, _strays = _run_export_kills(out, data_with_notes, KILLS, seed=7)
    figures.record(
        "crash: export PDF",
        kills=tally.kills,
        completed_exports=tally.completed,
        partial_pdfs_at_target=tally.partial_at_target,
        complete_pdf_lost=tally.missing_after_complete,
        stray_temp_files_left=tally.stray_temp_files,
        full_export_s=round(tally.full_run_s, 2),
        notes_in_data_dir=NOTES_IN_DATA_DIR,
        seconds=round(time.perf_counter() - started, 1),
    )
    assert tally.problems == []
    assert tally.kills == KILLS
    assert tally.completed >= 2  # the measuring run and at least one that later kills preserve
    # Nothing but the brief itself ever appears under a visible name.
    assert {p.name for p in out_dir.iterdir() if not p.name.startswith(".")} == {"brief.pdf"}


def test_a_later_export_removes_temp_files_of_killed_exports(
    tmp_path: Path, data_with_notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The kill test above counts the files killed exports leave (one per kill that landed while
    the PDF was being written); here one such leftover, named as ``mkstemp`` names them, must be
    gone after the next export to the same path."""
    out = tmp_path / "brief.pdf"
    leftover = tmp_path / ".brief.pdf.k1ll3d.part"
    leftover.write_bytes(b"%PDF-1.4 half a document")
    assert main(["--data-dir", str(data_with_notes), "export", str(out)]) == 0, capsys.readouterr()
    assert _stray_temp_files(out) == []
