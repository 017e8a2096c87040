"""The plain-sqlite3 snapshot reader: it reads exactly what the store reads, and refuses (so that
the full store opens instead) whenever opening the store would do more than read."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from fypdesk import db
from fypdesk.cli import main
from fypdesk.domain.notes import LEGACY_PACK_ID
from fypdesk.notes.sqlite import backup, migrate, reader
from fypdesk.notes.sqlite.reader import HEAD_REVISION, NotesSnapshot, SnapshotUnavailableError
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import backup_now, open_notes
from tests.reliability.test_corruption import (
    WAL_WRITER,
    damage_wal,
    overwrite_page,
    smash_header,
    truncate,
)

from .helpers import CONTENT_DB, OTHER_PLAN_NODE, PLAN_ID, TARGET_ID, FakeClock

BODIES = (
    "",
    "plain",
    "<b>bold</b> & AT&T <img src=x onerror=alert(1)>",
    "'; DROP TABLE notes; --",
    "中文笔记：目标可行，数字经济占比 10%",
    "emoji 😀🚀 and ZWJ 👩‍💻",
    "עברית مرحبا",
    "nul \x00 inside, tab\t, CR\r\nLF\n, ESC \x1b[31m",
    "x" * 20_000,
    "  leading and trailing spaces  ",
)
TAGS: tuple[list[str], ...] = (
    ["risk"],
    ["中文", "Risk", "risk", " g7 "],
    [],
    ["z", "a", "É", "e"],
)
#: Nodes real and detached (the store keeps notes on items a content update removed).
#: A second briefing whose node ids overlap the bundled one's.
OTHER_PACK = "examplia-outlook"
NODES = (TARGET_ID, PLAN_ID, OTHER_PLAN_NODE, "briefing", "ict/targets/gone-in-an-update")


def _snapshot_of(repository: NotesRepository) -> NotesSnapshot:
    """What the full store returns for an export."""
    starred = {
        (pack, node)
        for pack in (LEGACY_PACK_ID, OTHER_PACK)
        for node in repository.marks.of_pack(pack).starred_ids()
    }
    return NotesSnapshot(repository.all_notes(pack=None), frozenset(starred))


def _fill(repository: NotesRepository) -> None:
    """Hostile notes, tags and marks; edits and a deletion, so that created and updated differ."""
    notes = []
    for index, body in enumerate(BODIES):
        node = NODES[index % len(NODES)]
        notes.append(repository.add_note(node, body, tags=TAGS[index % len(TAGS)]))
    repository.save_note(notes[1].uuid, "edited: 修改后")
    repository.set_note_tags(notes[2].uuid, ["新标签", "risk"])
    repository.delete_note(notes[3].uuid)
    repository.marks.set(TARGET_ID, starred=True)
    repository.marks.set(PLAN_ID, starred=True, follow_up=True)
    repository.marks.set(OTHER_PLAN_NODE, follow_up=True)  # a mark, but not a star
    repository.marks.set("briefing", starred=True)
    repository.marks.set("briefing", starred=False)  # unstarred again: no row
    # Another pack's items, with ids the legacy pack has too: never mixed into its notes.
    repository.add_note(TARGET_ID, "on the other briefing", pack=OTHER_PACK)
    repository.marks.of_pack(OTHER_PACK).set("briefing", starred=True)


def _backed_up(db_path: Path, clock: FakeClock) -> None:
    """Take a backup so that opening the store would not take one (the reader's fast case)."""
    clock.advance(timedelta(minutes=1))
    backup_now(db_path, clock)


def test_head_revision_is_the_migrations_head() -> None:
    assert migrate.head_revision() == HEAD_REVISION


def test_a_backups_revision_is_read_as_the_store_reads_it(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    try:
        repository.add_note(TARGET_ID, "one")
        repository.add_note(TARGET_ID, "two")
    finally:
        repository.close()
    taken = backup_now(db_path, clock)
    assert backup.read_revision(taken.path) == 2
    (db_path.parent / "not a database.db").write_bytes(b"junk")
    assert backup.read_revision(db_path.parent / "not a database.db") is None


def test_no_database_reads_as_none_and_creates_nothing(data_dir: Path) -> None:
    assert reader.read_snapshot(data_dir / "notes.db") is None
    assert not data_dir.exists()


@pytest.mark.parametrize(
    "clock",
    [
        FakeClock(datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)),
        # A clock in Beijing time, with microseconds: stored as UTC text, read back as UTC.
        FakeClock(
            datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=8))),
            tick=timedelta(microseconds=1),
        ),
        # Every note created at the same instant: the order falls to the uuid, as in the store.
        FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=timedelta(0)),
    ],
    ids=["utc", "beijing-microseconds", "same-instant"],
)
def test_snapshot_equals_what_the_store_returns(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    try:
        _fill(repository)
        _backed_up(db_path, clock)
        expected = _snapshot_of(repository)
        # Read while the store is still open, its write-ahead log not checkpointed.
        assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0
        assert reader.read_snapshot(db_path) == expected
    finally:
        repository.close()
    assert reader.read_snapshot(db_path) == expected
    assert len(expected.notes) == len(BODIES)
    assert len(expected.all_notes()) == len(BODIES) - 1
    assert expected.starred_ids() == {TARGET_ID, PLAN_ID}
    other = expected.for_pack(OTHER_PACK)
    assert [note.body for note in other.all_notes()] == ["on the other briefing"]
    assert other.starred_ids() == {"briefing"}
    assert expected.note_counts_by_pack() == {LEGACY_PACK_ID: len(BODIES) - 1, OTHER_PACK: 1}
    assert all(note.created.tzinfo is UTC for note in expected.notes)


def test_reading_leaves_the_database_unchanged(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    _fill(repository)
    repository.close()
    _backed_up(db_path, clock)
    before = db_path.read_bytes()
    backups = backup.list_backups(backup.backup_dir(db_path))
    assert reader.read_snapshot(db_path) is not None
    assert db_path.read_bytes() == before
    assert backup.list_backups(backup.backup_dir(db_path)) == backups
    assert not list(db_path.parent.glob("*.damaged-*"))


def test_an_older_schema_is_left_to_the_store(db_path: Path, clock: FakeClock) -> None:
    open_notes(db_path, clock=clock).close()
    engine = db.writable_engine(db_path)
    try:
        migrate.downgrade(engine, "0001")
    finally:
        engine.dispose()
    with pytest.raises(SnapshotUnavailableError, match="0001"):
        reader.read_snapshot(db_path)


def test_a_newer_schema_is_left_to_the_store(db_path: Path, clock: FakeClock) -> None:
    open_notes(db_path, clock=clock).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    with pytest.raises(SnapshotUnavailableError, match="9999"):
        reader.read_snapshot(db_path)


def test_changes_since_the_newest_backup_are_left_to_the_store(
    db_path: Path, clock: FakeClock
) -> None:
    """Opening the store takes an automatic backup then; the reader must not skip it."""
    repository = open_notes(db_path, clock=clock)
    try:
        assert reader.read_snapshot(db_path) == NotesSnapshot((), frozenset())  # revision 0
        repository.add_note(TARGET_ID, "not yet backed up")
        with pytest.raises(SnapshotUnavailableError, match="backup"):
            reader.read_snapshot(db_path)
        _backed_up(db_path, clock)
        assert reader.read_snapshot(db_path) == _snapshot_of(repository)
        repository.add_note(TARGET_ID, "after the backup")
        with pytest.raises(SnapshotUnavailableError, match="backup"):
            reader.read_snapshot(db_path)
    finally:
        repository.close()


@pytest.mark.parametrize(
    "write",
    [
        lambda path: path.write_bytes(b""),
        lambda path: path.write_bytes(b"not a database at all " * 100),
        lambda path: path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000),
    ],
    ids=["empty", "not-sqlite", "bad-sqlite"],
)
def test_a_file_that_is_not_a_notes_database_is_left_to_the_store(
    db_path: Path, write: Callable[[Path], None]
) -> None:
    db_path.parent.mkdir(parents=True)
    write(db_path)
    with pytest.raises(SnapshotUnavailableError):
        reader.read_snapshot(db_path)


def test_a_locked_database_is_left_to_the_store(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.close()
    monkeypatch.setattr(reader, "BUSY_TIMEOUT_S", 0.05)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(SnapshotUnavailableError, match="locked"):
            reader.read_snapshot(db_path)
    finally:
        holder.close()


# -- damage: whatever the store's check finds, the reader refuses too ------------------------------

DAMAGE: dict[str, Callable[[random.Random, Path], None]] = {
    "header": smash_header,
    "page": overwrite_page,
    "truncated": truncate,
    "wal": damage_wal,
}


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A backed-up store with notes; and the same after a crash left 30 notes in its WAL."""
    folder = tmp_path_factory.mktemp("reader image") / "data"
    clock = FakeClock()
    repository = open_notes(folder / "notes.db", clock=clock)
    try:
        for index in range(40):
            repository.add_note(TARGET_ID, f"note {index} 中文 " + "y" * (index * 40), tags=["t"])
    finally:
        repository.close()
    _backed_up(folder / "notes.db", clock)
    crashed = folder.parent / "crashed"
    shutil.copytree(folder, crashed)
    subprocess.run(
        [sys.executable, "-c", WAL_WRITER, str(crashed / "notes.db"), TARGET_ID], check=True
    )
    return {"clean": folder, "crashed": crashed}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("kind", DAMAGE)
def test_damage_the_store_detects_is_never_read_directly(
    images: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    seed: int,
) -> None:
    # Only damage matters here: the crashed image has changes since its backup.
    monkeypatch.setattr(reader, "_check_backed_up", lambda _path, _revision: None)
    image = images["crashed" if kind == "wal" else "clean"]
    checked, read = tmp_path / "checked", tmp_path / "read"
    shutil.copytree(image, checked)
    DAMAGE[kind](random.Random(seed), checked / "notes.db")
    shutil.copytree(checked, read)
    problem = backup.diagnose(checked / "notes.db")
    if problem is None:  # e.g. a page the overwrite left structurally valid
        return
    with pytest.raises(SnapshotUnavailableError):
        reader.read_snapshot(read / "notes.db")


def test_a_log_left_by_a_crash_is_read_with_every_note(
    images: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "_check_backed_up", lambda _path, _revision: None)
    shutil.copytree(images["crashed"], tmp_path / "a")
    shutil.copytree(images["crashed"], tmp_path / "b")
    snapshot = reader.read_snapshot(tmp_path / "a" / "notes.db")
    repository = open_notes(tmp_path / "b" / "notes.db", auto_backup=False)
    try:
        assert snapshot == _snapshot_of(repository)
    finally:
        repository.close()
    assert snapshot is not None and len(snapshot.notes) == 70


def _export(capsys: pytest.CaptureFixture[str], out: Path) -> tuple[int, str, str]:
    status = main(["--content", str(CONTENT_DB), "export", str(out)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_export_migrates_an_older_schema_as_before(
    capsys: pytest.CaptureFixture[str], db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "written under the old schema 旧")
    repository.close()
    engine = db.writable_engine(db_path)
    try:
        migrate.downgrade(engine, "0001")
    finally:
        engine.dispose()
    status, stdout, err = _export(capsys, tmp_path / "b.md")
    assert (status, err) == (0, "") and "1 notes." in stdout
    assert "written under the old schema 旧" in (tmp_path / "b.md").read_text(encoding="utf-8")
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
    connection.close()
    assert any(
        info.reason == backup.PRE_UPGRADE
        for info in backup.list_backups(db_path.parent / "backups")
    )


def test_export_repairs_a_damaged_database_with_the_message_as_before(
    capsys: pytest.CaptureFixture[str], db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "in the backup 备份")
    repository.close()
    _backed_up(db_path, clock)
    with db_path.open("r+b") as handle:
        handle.write(b"\x00" * 100)
    with pytest.raises(SnapshotUnavailableError):
        reader.read_snapshot(db_path)
    status, _, err = _export(capsys, tmp_path / "b.md")
    assert status == 0
    assert err.startswith("fypdesk: warning: the notes database was damaged")
    assert "restored the backup of" in err
    assert "in the backup 备份" in (tmp_path / "b.md").read_text(encoding="utf-8")
    assert list(db_path.parent.glob("notes.db.damaged-*"))


def test_export_takes_the_automatic_backup_when_one_is_due(
    capsys: pytest.CaptureFixture[str], db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    repository = open_notes(db_path, clock=clock)
    repository.add_note(TARGET_ID, "since the last backup")
    repository.close()
    folder = db_path.parent / "backups"
    assert backup.list_backups(folder) == ()
    assert _export(capsys, tmp_path / "b.md")[:3:2] == (0, "")
    (taken,) = backup.list_backups(folder)
    assert taken.reason == backup.AUTO
    assert reader.read_snapshot(db_path) is not None  # backed up now: the next export reads fast
    assert _export(capsys, tmp_path / "b.md")[:3:2] == (0, "")
    assert backup.list_backups(folder) == (taken,)


def test_export_with_notes_imports_neither_sqlalchemy_nor_alembic(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    repository = open_notes(db_path, clock=clock)
    try:
        _fill(repository)
        expected = _snapshot_of(repository)
    finally:
        repository.close()
    _backed_up(db_path, clock)
    out = tmp_path / "brief.md"
    code = (
        "import sys; from fypdesk.cli import main; "
        f"code = main(['--content', {str(CONTENT_DB)!r}, 'export', {str(out)!r}]); "
        "print(code, sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stderr == ""
    assert result.stdout.endswith(f"{len(expected.all_notes())} notes.\n0 []\n")
    assert "中文笔记：目标可行，数字经济占比 10%" in out.read_text(encoding="utf-8")
