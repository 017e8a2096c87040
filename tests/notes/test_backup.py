"""Backups: automatic when changed, verified, rotated (7 daily + 4 weekly), restorable."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fypdesk.domain.notes import BackupError, BackupInfo
from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.store import backup_now, open_notes, restore

from .helpers import TARGET_ID, FakeClock


def _backups(db_path: Path) -> list[BackupInfo]:
    return list(backup.list_backups(backup.backup_dir(db_path)))


def test_open_backs_up_only_when_the_notes_changed(db_path: Path, clock: FakeClock) -> None:
    open_notes(db_path, clock=clock).close()
    assert _backups(db_path) == []  # nothing written yet
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "x")
    repository.close()
    open_notes(db_path, clock=clock).close()
    assert len(_backups(db_path)) == 1
    clock.advance(timedelta(days=1))
    open_notes(db_path, clock=clock).close()
    assert len(_backups(db_path)) == 1  # unchanged since: no new backup
    repository = open_notes(db_path, clock=clock)
    repository.marks.set(TARGET_ID, starred=True)
    repository.close()
    open_notes(db_path, clock=clock).close()
    assert len(_backups(db_path)) == 2


def test_a_backup_is_a_verified_single_file_copy(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    note = repository.add_note(TARGET_ID, "backed up")
    # Taken while the store is open: the backup API copies a consistent state, WAL included.
    info = backup_now(db_path, clock)
    repository.close()
    assert info.reason == "manual"
    assert info.taken == clock.now.replace(microsecond=0)
    assert backup.diagnose(info.path) is None
    assert not Path(str(info.path) + "-wal").exists()
    connection = sqlite3.connect(info.path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("SELECT body FROM notes").fetchall() == [(note.body,)]
    finally:
        connection.close()


def test_a_damaged_database_is_never_backed_up(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "x")
    repository.close()
    good = backup_now(db_path, clock)
    good_bytes = good.path.read_bytes()
    with db_path.open("r+b") as handle:
        handle.write(b"garbage" * 20)
    with pytest.raises(BackupError, match="not backing up"):
        backup_now(db_path, clock)
    assert _backups(db_path) == [good]
    assert good.path.read_bytes() == good_bytes


def test_rotation_keeps_ten_recent_seven_daily_and_four_weekly(db_path: Path) -> None:
    clock = FakeClock(start=datetime(2026, 1, 1, 8, 0, tzinfo=UTC), tick=timedelta(0))
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    try:
        for day in range(60):
            for hour in (0, 6):  # two backups a day: only the later one of each day survives
                clock.now = datetime(2026, 1, 1, 8 + hour, tzinfo=UTC) + timedelta(days=day)
                repository.add_note(TARGET_ID, f"day {day} hour {hour}")
                backup_now(db_path, clock)
    finally:
        repository.close()
    kept = [info.taken for info in _backups(db_path)]
    last = datetime(2026, 1, 1, 14, tzinfo=UTC) + timedelta(days=59)  # 1 March 2026, a Sunday
    daily = [last - timedelta(days=n) for n in range(7)]
    # Newest of each of the last 4 ISO weeks: the Sundays (the first is the newest day itself).
    weekly = [last - timedelta(weeks=n) for n in range(4)]
    # The newest ten whatever their day: both of each of the last five days.
    recent = [last - timedelta(days=n, hours=h) for n in range(5) for h in (0, 6)]
    assert kept == sorted(set(daily) | set(weekly) | set(recent), reverse=True)
    assert len(kept) == 15


def test_fifteen_backups_in_a_minute_keep_the_newest_ten(db_path: Path) -> None:
    clock = FakeClock(start=datetime(2026, 1, 1, 8, 0, tzinfo=UTC), tick=timedelta(seconds=3))
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    try:
        taken = []
        for number in range(15):
            repository.add_note(TARGET_ID, f"note {number}")
            taken.append(backup_now(db_path, clock))
    finally:
        repository.close()
    assert _backups(db_path) == sorted(taken[-backup.KEEP_RECENT :], key=lambda i: i.taken)[::-1]


def test_backups_in_the_same_second_get_names_of_their_own(db_path: Path) -> None:
    clock = FakeClock(start=datetime(2026, 1, 1, 8, 0, tzinfo=UTC), tick=timedelta(0))
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    repository.add_note(TARGET_ID, "x")
    repository.close()
    names = {backup_now(db_path, clock).path.name for _ in range(4)}
    assert len(names) == 4
    assert not [p for p in backup.backup_dir(db_path).iterdir() if "partial" in p.name]


def test_a_stray_file_with_an_impossible_date_is_not_a_backup(db_path: Path) -> None:
    folder = backup.backup_dir(db_path)
    folder.mkdir(parents=True)
    (folder / "notes-99999999T999999Z-auto.db").write_bytes(b"not ours")
    (folder / "notes-20260101T080000Z-auto.db").mkdir()  # a folder named like one
    assert backup.list_backups(folder) == ()
    repository = open_notes(db_path)
    repository.add_note(TARGET_ID, "x")
    repository.close()
    open_notes(db_path).close()  # opening again takes the automatic backup, and works
    assert len(backup.list_backups(folder)) == 1


def test_special_backups_survive_rotation(db_path: Path) -> None:
    folder = backup.backup_dir(db_path)
    folder.mkdir(parents=True)
    names = [
        "notes-20260101T000000Z-pre-restore.db",
        "notes-20260102T000000Z-pre-upgrade.db",
        "notes-20260301T000000Z-auto.db",
        "notes-20260301T010000Z-auto.db",
        "unrelated.txt",
    ]
    for name in names:
        (folder / name).write_bytes(b"")
    removed = backup.rotate(folder, keep_recent=1)
    assert [path.name for path in removed] == ["notes-20260301T000000Z-auto.db"]
    assert (folder / "unrelated.txt").exists()


def test_restore_newest_backs_up_the_current_notes_first(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "in the backup")
    backup_now(db_path, clock)
    repository.add_note(TARGET_ID, "after the backup")
    repository.close()

    restored = restore(db_path, clock=clock)
    repository = open_notes(db_path, clock=clock)
    try:
        assert [n.body for n in repository.all_notes()] == ["in the backup"]
    finally:
        repository.close()
    assert restored.reason == "manual"
    pre_restore = [info for info in _backups(db_path) if info.reason == "pre-restore"]
    assert len(pre_restore) == 1
    connection = sqlite3.connect(pre_restore[0].path)
    try:
        assert len(connection.execute("SELECT body FROM notes").fetchall()) == 2
    finally:
        connection.close()


def test_restore_a_given_backup_by_name(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "first")
    first = backup_now(db_path, clock)
    clock.advance(timedelta(days=1))
    repository.add_note(TARGET_ID, "second")
    backup_now(db_path, clock)
    repository.close()
    assert restore(db_path, Path(first.path.name), clock=clock) == first
    repository = open_notes(db_path, clock=clock)
    try:
        assert [n.body for n in repository.all_notes()] == ["first"]
        # Later edits make the store differ from every backup, so the next open backs it up.
        repository.add_note(TARGET_ID, "after restore")
    finally:
        repository.close()
    open_notes(db_path, clock=clock).close()
    newest = _backups(db_path)[0]
    connection = sqlite3.connect(newest.path)
    try:
        bodies = connection.execute("SELECT body FROM notes ORDER BY created").fetchall()
    finally:
        connection.close()
    assert bodies == [("first",), ("after restore",)]


def test_restore_refuses_a_missing_or_bad_backup_and_changes_nothing(
    db_path: Path, clock: FakeClock
) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "current")
    repository.close()
    with pytest.raises(BackupError, match="no backups"):
        restore(db_path, clock=clock)
    info = backup_now(db_path, clock)
    with pytest.raises(BackupError, match="no such backup"):
        restore(db_path, Path("notes-19990101T000000Z-auto.db"), clock=clock)
    info.path.write_bytes(b"not a database at all" * 10)
    before = db_path.read_bytes()
    with pytest.raises(BackupError, match="not usable"):
        restore(db_path, clock=clock)
    assert db_path.read_bytes() == before


def test_a_second_restore_does_not_undo_the_first(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "kept in the backup")
    repository.close()
    backup_now(db_path, clock)
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    repository.add_note(TARGET_ID, "written after it")
    repository.close()
    first = restore(db_path, clock=clock)
    second = restore(db_path, clock=clock)  # the newest file is now the pre-restore one
    assert second == first
    repository = open_notes(db_path, clock=clock)
    try:
        assert [note.body for note in repository.all_notes()] == ["kept in the backup"]
    finally:
        repository.close()


def test_a_note_removed_by_mistake_comes_back_after_more_commands(
    db_path: Path, clock: FakeClock
) -> None:
    repository = open_notes(db_path, clock=clock)
    note = repository.add_note(TARGET_ID, "the note removed by mistake")
    repository.close()
    for _ in range(3):  # commands that changed something, each followed by an automatic backup
        repository = open_notes(db_path, clock=clock)
        repository.add_note(TARGET_ID, "another")
        repository.close()
    repository = open_notes(db_path, clock=clock)
    repository.delete_note(note.uuid)
    repository.close()
    for _ in range(12):  # enough routine backups to push every earlier one out of the newest ten
        repository = open_notes(db_path, clock=clock)
        repository.add_note(TARGET_ID, "later")
        repository.close()
        backup_now(db_path, clock)
    pre_delete = [
        info for info in backup.list_backups(backup.backup_dir(db_path)) if "delete" in info.reason
    ]
    assert len(pre_delete) == 1
    restore(db_path, pre_delete[0].path, clock=clock)
    repository = open_notes(db_path, clock=clock)
    try:
        assert repository.note(note.uuid).body == "the note removed by mistake"
    finally:
        repository.close()


def test_an_import_takes_a_backup_first(db_path: Path, clock: FakeClock, tmp_path: Path) -> None:
    from fypdesk.notes.sqlite import exchange

    repository = open_notes(db_path, clock=clock)
    try:
        repository.add_note(TARGET_ID, "before the import")
        exported = tmp_path / "notes.json"
        exchange.export_json(repository, exported, clock)
        exchange.import_json(repository, exported)
    finally:
        repository.close()
    reasons = [info.reason for info in backup.list_backups(backup.backup_dir(db_path))]
    assert backup.PRE_IMPORT in reasons
