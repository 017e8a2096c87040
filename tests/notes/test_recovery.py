"""A damaged notes database is detected at open, kept aside, and the newest good backup restored."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from fypdesk.domain.notes import NotesUnavailableError, RecoveryReport
from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.store import backup_now, open_notes
from tests.small_disk import fill, small_disk

from .helpers import TARGET_ID, FakeClock

PAGE = 4096


def smash_header(path: Path) -> None:
    """Overwrite the SQLite header with garbage."""
    with path.open("r+b") as handle:
        handle.write(b"this is not a database header!!!" * 2)


def overwrite_page(path: Path) -> None:
    """Overwrite the root page of the notes table's B-tree with garbage."""
    connection = sqlite3.connect(path)
    try:
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'notes'"
        ).fetchone()[0]
    finally:
        connection.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * PAGE)
        handle.write(bytes([0xA5]) * PAGE)


def truncate(path: Path) -> None:
    """Cut the file to a third of its length."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 3)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "header": smash_header,
    "page": overwrite_page,
    "truncated": truncate,
}


def _store_with_two_backups(db_path: Path, clock: FakeClock) -> tuple[str, str]:
    """A store whose newest backup holds the notes "old" and "newer…"; returns their bodies."""
    repository = open_notes(db_path, clock=clock)
    try:
        repository.add_note(TARGET_ID, "old")
        backup_now(db_path, clock)
        clock.advance(timedelta(days=1))
        repository.add_note(TARGET_ID, "newer" * 3000)  # several pages of data
        backup_now(db_path, clock)
        clock.advance(timedelta(hours=1))
        repository.add_note(TARGET_ID, "written after the last backup")
    finally:
        repository.close()
    return "old", "newer" * 3000


@pytest.mark.parametrize("kind", DAMAGE)
def test_damage_is_detected_kept_and_newest_backup_restored(
    db_path: Path, clock: FakeClock, kind: str
) -> None:
    bodies = _store_with_two_backups(db_path, clock)
    newest = backup.list_backups(backup.backup_dir(db_path))[0]
    DAMAGE[kind](db_path)
    damaged_bytes = db_path.read_bytes()
    reports: list[RecoveryReport] = []

    repository = open_notes(db_path, clock=clock, on_recovery=reports.append)
    try:
        assert tuple(n.body for n in repository.all_notes()) == bodies
    finally:
        repository.close()

    assert len(reports) == 1
    report = reports[0]
    assert report.restored == newest
    assert report.damaged_path.name.startswith("notes.db.damaged-")
    assert report.damaged_path.read_bytes() == damaged_bytes  # kept exactly as found
    message = report.message()
    assert "damaged" in message
    assert newest.taken.strftime("%Y-%m-%d %H:%M UTC") in message
    assert str(report.damaged_path) in message


def test_a_bad_newest_backup_is_skipped_for_an_older_good_one(
    db_path: Path, clock: FakeClock
) -> None:
    _store_with_two_backups(db_path, clock)
    newest, older = backup.list_backups(backup.backup_dir(db_path))
    smash_header(newest.path)
    smash_header(db_path)
    reports: list[RecoveryReport] = []
    repository = open_notes(db_path, clock=clock, on_recovery=reports.append)
    try:
        assert [n.body for n in repository.all_notes()] == ["old"]
    finally:
        repository.close()
    assert reports[0].restored == older


def test_without_backups_an_empty_store_starts_and_the_damage_is_kept(
    db_path: Path, clock: FakeClock
) -> None:
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    repository.add_note(TARGET_ID, "only copy")
    repository.close()
    smash_header(db_path)
    reports: list[RecoveryReport] = []
    repository = open_notes(db_path, clock=clock, on_recovery=reports.append)
    try:
        assert repository.all_notes() == ()
    finally:
        repository.close()
    assert reports[0].restored is None
    assert "no good backup" in reports[0].message()
    assert reports[0].damaged_path.exists()


def test_a_healthy_store_reports_nothing(db_path: Path, clock: FakeClock) -> None:
    reports: list[RecoveryReport] = []
    for _ in range(2):
        open_notes(db_path, clock=clock, on_recovery=reports.append).close()
    assert reports == []


def test_a_foreign_database_is_refused_not_overwritten(db_path: Path, clock: FakeClock) -> None:
    import sqlite3

    db_path.parent.mkdir(parents=True)
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE something_else (x)")
    connection.commit()
    connection.close()
    with pytest.raises(NotesUnavailableError, match="not a fypdesk notes database"):
        open_notes(db_path, clock=clock)


@pytest.fixture
def small_disk_8m(tmp_path: Path) -> Iterator[Path]:
    """An 8 MiB file system of its own, to fill up."""
    with small_disk(tmp_path / "small disk", "8m") as mount_point:
        yield mount_point


def test_a_full_disk_during_recovery_keeps_everything_and_says_free_space(
    small_disk_8m: Path,
) -> None:
    db_path = small_disk_8m / "data" / "notes.db"
    clock = FakeClock()
    repository = open_notes(db_path, clock=clock)
    for number in range(20):
        repository.add_note(TARGET_ID, f"note {number} " + "text " * 1000)
    repository.close()
    good = backup_now(db_path, clock)
    overwrite_page(db_path)
    damaged_bytes = db_path.read_bytes()
    filler = fill(small_disk_8m, leave=64 * 1024)
    with pytest.raises(NotesUnavailableError, match="free some disk space"):
        open_notes(db_path, clock=clock)
    # Nothing moved, nothing rotated: the damaged file where it was, the good backup kept.
    assert db_path.read_bytes() == damaged_bytes
    assert backup.list_backups(backup.backup_dir(db_path)) == (good,)
    assert not list(db_path.parent.glob("notes.db.damaged-*"))
    filler.unlink()
    reports: list[RecoveryReport] = []
    repository = open_notes(db_path, clock=clock, on_recovery=reports.append)
    try:
        assert reports and reports[0].restored == good
        assert len(repository.all_notes()) == 20
    finally:
        repository.close()


def test_a_copy_that_cannot_be_written_is_no_reason_to_try_an_older_backup(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "in both backups")
    repository.close()
    older = backup_now(db_path, clock)
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    repository.add_note(TARGET_ID, "only in the newer backup")
    repository.close()
    newer = backup_now(db_path, clock)
    smash_header(db_path)

    def disk_full(_source: Path, _target: Path) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "_copy_database", disk_full)
    with pytest.raises(NotesUnavailableError, match="free some disk space"):
        open_notes(db_path, clock=clock)
    monkeypatch.undo()
    assert backup.list_backups(backup.backup_dir(db_path)) == (newer, older)
    reports: list[RecoveryReport] = []
    open_notes(db_path, clock=clock, on_recovery=reports.append).close()
    assert reports[0].restored == newer


def test_a_huge_write_ahead_log_is_checked_in_constant_memory(db_path: Path) -> None:
    """0.1.0 read a left-over log whole, twice: a 3 GB ``-wal`` made every command fail with
    MemoryError. Here a 1.5 GB (sparse) log is checked by a process limited to 1 GB of memory."""
    repository = open_notes(db_path)
    repository.add_note(TARGET_ID, "x")
    repository.close()
    wal = db_path.with_name(db_path.name + "-wal")
    with wal.open("wb") as handle:
        handle.truncate(1536 * 1024 * 1024)  # zeros: a log whose header is damaged
    script = (
        "import resource, sys; from pathlib import Path\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from fypdesk.notes.sqlite.wal import wal_problem\n"
        "print(wal_problem(Path(sys.argv[1])))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(wal)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "the write-ahead log's header is damaged"
