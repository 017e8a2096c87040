"""The store's upkeep (fypdesk.notes.sqlite.maintenance): saves leave index merges and checkpoints
to it; it tidies the search indexes and the log in bounded steps without changing what is found,
never waits for a lock, and runs at close after writes."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk import db
from fypdesk.notes.sqlite import maintenance
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.schema import FTS_TABLES
from fypdesk.notes.sqlite.store import check_notes, open_notes

from .helpers import TARGET_ID, FakeClock

BODIES = [
    "Carbon peak by 2030, meeting in Guangdong",
    "数字化转型 follow-up with the ministry",
    "5G base stations: 26 per 10,000 people",
    "who's in charge of the open-source push?",
]
QUERIES = ["carbon", "meet", "数字化", "follow-up", "5G", "open-source", "stations", "ministry"]


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(db.sqlite_uri(path, mode="rw"), uri=True, isolation_level=None)


def _segments(path: Path) -> dict[str, int]:
    connection = _connect(path)
    try:
        return maintenance.segment_counts(connection)
    finally:
        connection.close()


def _fragment(repo: NotesRepository, notes: int = 12, saves: int = 4) -> None:
    """Many small saves, as autosave makes them: one new index segment per save."""
    for i in range(notes):
        note = repo.add_note(TARGET_ID, BODIES[i % len(BODIES)] + f" #{i}", tags=[f"t{i % 3}"])
        body = note.body
        for j in range(saves):
            body += f" more words {j}"
            repo.save_note(note.uuid, body)


def _found(repo: NotesRepository) -> dict[str, list[tuple[str, str]]]:
    return {
        query: [(hit.uuid, hit.snippet_html) for hit in repo.search(query, limit=50)]
        for query in QUERIES
    }


@pytest.fixture
def fragmented(db_path: Path, clock: FakeClock) -> Iterator[NotesRepository]:
    """A store whose indexes hold dozens of small segments and whose log is full of saves."""
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    _fragment(repository)
    yield repository
    repository.close()


def test_the_store_keeps_merges_off_the_saves(repo: NotesRepository) -> None:
    connection = _connect(repo.path)
    try:
        for table in FTS_TABLES:
            stored = dict(connection.execute(f"SELECT k, v FROM {table}_config").fetchall())
            assert stored["automerge"] == maintenance.AUTOMERGE
            assert stored["crisismerge"] == maintenance.CRISISMERGE
        # Stored once: a store that has them is not written to again.
        assert maintenance.configure_search(connection) is False
    finally:
        connection.close()


def test_saves_pile_up_segments_and_the_upkeep_merges_them_without_changing_results(
    fragmented: NotesRepository,
) -> None:
    before = _segments(fragmented.path)
    found = _found(fragmented)
    # 60 saves, each one segment per index: the saves themselves merged almost nothing.
    assert all(count >= 40 for count in before.values()), before
    assert all(found[query] for query in QUERIES)

    steps = fragmented.catch_up(seconds=60.0)

    after = _segments(fragmented.path)
    assert steps[-1].kind == maintenance.CHECKPOINT and not steps[-1].more, steps[-1]
    assert sum(step.merges for step in steps) > 0
    # FTS5 merges whenever a level holds 4 segments: a few levels of fewer than 4 are left.
    assert all(count <= 8 for count in after.values()), after
    assert _found(fragmented) == found
    assert check_notes(fragmented) == []  # integrity_check and FTS5's own integrity-check


def test_a_step_is_bounded_by_its_time(db_path: Path, clock: FakeClock) -> None:
    fragmented = open_notes(db_path, clock=clock, auto_backup=False)
    rng = random.Random(7)
    for i in range(8):  # long notes: segments of several pages, merged a page at a time below
        words = " ".join(f"w{rng.randrange(10**6)}" for _ in range(400))
        note = fragmented.add_note(TARGET_ID, words)
        for j in range(3):
            fragmented.save_note(note.uuid, f"{words} more {i} {j}")
    connection = _connect(fragmented.path)
    connection.execute("PRAGMA busy_timeout=10000")
    try:
        # A clock past the deadline at once: one merge command per index, then the commit.
        # One page per merge command, a checkpoint every 8: many steps from a small store.
        ticks = iter(range(0, 10**6, 10)).__next__
        upkeep = maintenance.Upkeep(ticks, merge_pages=1, checkpoint_pages=8)
        first = upkeep.step(connection, seconds=1.0)
        assert first.kind == maintenance.MERGE
        assert first.merges == len(FTS_TABLES) and first.more
        steps = [first]
        while steps[-1].more:
            steps.append(upkeep.step(connection, seconds=1.0))
            assert steps[-1].merges <= len(FTS_TABLES)
        # A checkpoint comes between every CHECKPOINT_PAGES pages of merging, and at the end.
        kinds = [step.kind for step in steps]
        runs = "".join("m" if kind == maintenance.MERGE else "c" for kind in kinds).split("c")
        assert max(len(run) for run in runs) <= 8 // len(FTS_TABLES), kinds
        assert kinds[-1] == maintenance.CHECKPOINT and len(runs) >= 3, kinds  # one on the way
    finally:
        connection.close()
    try:
        assert check_notes(fragmented) == []
    finally:
        fragmented.close()


def test_after_catching_up_the_log_is_copied_into_the_database(fragmented: NotesRepository) -> None:
    fragmented.catch_up(seconds=60.0)
    connection = _connect(fragmented.path)
    try:
        busy, log_pages, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        connection.close()
    assert busy == 0 and copied == log_pages
    assert not fragmented.upkeep_pending
    again = fragmented.maintain()
    assert (again.merges, again.more, again.busy) == (0, False, False)


def test_a_write_makes_upkeep_pending_again(fragmented: NotesRepository) -> None:
    fragmented.catch_up(seconds=60.0)
    assert not fragmented.upkeep_pending
    fragmented.add_note(TARGET_ID, "one more")
    assert fragmented.upkeep_pending


def test_the_upkeep_never_waits_for_another_writer(fragmented: NotesRepository) -> None:
    other = _connect(fragmented.path)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process is saving
        step = fragmented.maintain()
        assert step.busy and not step.more and step.merges == 0
        other.execute("ROLLBACK")
    finally:
        other.close()
    # The connection waits for locks again as every save does.
    with fragmented.read_session() as session:
        (timeout,) = session.connection().exec_driver_sql("PRAGMA busy_timeout").one()
    assert timeout == 10000
    assert fragmented.catch_up(seconds=60.0)[-1].merges == 0


def test_a_reader_holding_old_pages_stops_the_upkeep_until_the_next_idle_spell(
    fragmented: NotesRepository,
) -> None:
    reader = _connect(fragmented.path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM notes").fetchone()  # a snapshot of the log
        fragmented.add_note(TARGET_ID, "written while the reader reads")
        steps = fragmented.catch_up(seconds=60.0)
        assert steps[-1].kind == maintenance.CHECKPOINT and steps[-1].busy
        assert fragmented.upkeep_pending
    finally:
        reader.close()
    assert fragmented.catch_up(seconds=60.0)[-1].busy is False
    assert not fragmented.upkeep_pending


def test_close_after_writes_tidies_the_store(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    _fragment(repository, notes=6)
    fragmented = _segments(db_path)
    repository.close()
    assert all(count <= 8 for count in _segments(db_path).values()), fragmented
    reopened = open_notes(db_path, clock=clock, auto_backup=False)
    try:
        assert check_notes(reopened) == []
    finally:
        reopened.close()


def test_close_after_reading_only_changes_nothing(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    _fragment(repository, notes=3, saves=2)
    repository.close()
    files = sorted(db_path.parent.glob(db_path.name + "*"))
    digest = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}

    reader = open_notes(db_path, clock=clock, auto_backup=False)
    assert reader.search("carbon") and reader.all_notes()
    reader.close()

    after = sorted(db_path.parent.glob(db_path.name + "*"))
    assert {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in after} == digest


def test_catch_up_stops_when_its_time_is_over() -> None:
    taken: list[maintenance.MaintenanceStep] = []

    def run_step() -> maintenance.MaintenanceStep:
        taken.append(maintenance.MaintenanceStep(maintenance.MERGE, 2, True, 0, False, 0.01))
        return taken[-1]

    ticks = iter([0.0, 0.1, 0.2, 0.3, 0.4])
    steps = maintenance.catch_up(run_step, seconds=0.25, clock=ticks.__next__)
    assert len(steps) == 3 and steps == taken  # at 0.1 and 0.2 there was time left; not at 0.3
