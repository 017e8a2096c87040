"""Corruption suite: a damaged notes database is detected when the store opens, kept aside, and
the newest good backup restored, and the user is told; nothing crashes.

Every case runs :data:`~tests.reliability.conftest.SEEDS` random seeds (20; 200 under ``SOAK=1``)
on a copy of one prepared data folder: a store with notes, two verified backups, and notes written
after the newest backup (those are the cost of the damage: the backup does not hold them, the
damaged file kept aside still does). One seed in four goes through the command line, so the
message a user sees is checked too.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from fypdesk.cli import main
from fypdesk.domain.notes import RecoveryReport
from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.store import backup_now, open_notes
from fypdesk.notes.sqlite.wal import FRAME_HEADER_SIZE, WAL_HEADER_SIZE
from tests.notes.helpers import OTHER_PLAN_NODE, TARGET_ID, FakeClock
from tests.reliability.conftest import SEEDS, Figures

NoteSet = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Image:
    """A prepared data folder and what its backups hold."""

    folder: Path
    newest: NoteSet  # the notes in the newest backup
    older: NoteSet  # the notes in the one before it
    newest_name: str
    older_name: str


def _notes_in(path: Path) -> NoteSet:
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return frozenset(connection.execute("SELECT uuid, body FROM notes").fetchall())
    finally:
        connection.close()


def _add_notes(db_path: Path, clock: FakeClock, rng: random.Random, count: int) -> None:
    repository = open_notes(db_path, clock=clock, auto_backup=False)
    try:
        for index in range(count):
            # Long bodies fill overflow pages: a random page is then often one of those.
            body = f"note {index} " + "growth and capacity " * rng.randrange(1, 400)
            repository.add_note(
                rng.choice([TARGET_ID, OTHER_PLAN_NODE]), body, tags=[f"t{index % 3}"]
            )
    finally:
        repository.close()


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """notes.db (closed, healthy) with an older and a newer backup, and later notes."""
    folder = tmp_path_factory.mktemp("image") / "data #1 % ü"
    db_path = folder / "notes.db"
    clock = FakeClock()
    rng = random.Random(1)
    _add_notes(db_path, clock, rng, 10)
    backup_now(db_path, clock)
    clock.advance(timedelta(days=1))
    _add_notes(db_path, clock, rng, 40)
    backup_now(db_path, clock)
    clock.advance(timedelta(hours=2))
    _add_notes(db_path, clock, rng, 10)
    newest, older = backup.list_backups(backup.backup_dir(db_path))
    return Image(
        folder=folder,
        newest=_notes_in(newest.path),
        older=_notes_in(older.path),
        newest_name=newest.path.name,
        older_name=older.path.name,
    )


WAL_WRITER = r"""
import os, sys
from pathlib import Path

from fypdesk.notes.sqlite.store import open_notes

repository = open_notes(Path(sys.argv[1]), auto_backup=False)
for index in range(30):
    repository.add_note(sys.argv[2], f"in the log {index} " + "x" * (index * 150))
os._exit(0)  # a crash: the connection is never closed, so the log is never checkpointed
"""


@pytest.fixture(scope="module")
def wal_image(image: Image, tmp_path_factory: pytest.TempPathFactory) -> Image:
    """The image after a crash that left 30 committed notes in the write-ahead log."""
    folder = tmp_path_factory.mktemp("wal image") / "data"
    shutil.copytree(image.folder, folder)
    subprocess.run(
        [sys.executable, "-c", WAL_WRITER, str(folder / "notes.db"), TARGET_ID], check=True
    )
    assert (folder / "notes.db-wal").stat().st_size > 0
    return Image(folder, image.newest, image.older, image.newest_name, image.older_name)


# -- damage ----------------------------------------------------------------------------------


def _random_bytes(rng: random.Random, count: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(count))


def smash_header(rng: random.Random, db_path: Path) -> None:
    """Overwrite the first 16 to 100 bytes (the magic string at least) with garbage."""
    garbage = _random_bytes(rng, rng.randrange(16, 101))
    if garbage.startswith(b"SQLite format 3\x00"):  # pragma: no cover - 1 in 2**128
        garbage = b"x" + garbage[1:]
    with db_path.open("r+b") as handle:
        handle.write(garbage)


def _free_pages(db_path: Path, page_size: int) -> set[int]:
    """The freelist's pages (trunk and leaf): overwriting those damages nothing."""
    data = db_path.read_bytes()
    free: set[int] = set()
    trunk = int.from_bytes(data[32:36], "big")
    while trunk:
        free.add(trunk)
        base = (trunk - 1) * page_size
        count = int.from_bytes(data[base + 4 : base + 8], "big")
        for index in range(count):
            offset = base + 8 + 4 * index
            free.add(int.from_bytes(data[offset : offset + 4], "big"))
        trunk = int.from_bytes(data[base : base + 4], "big")
    return free


def overwrite_page(rng: random.Random, db_path: Path) -> None:
    """Fill one random page in use (not page 1: that is the header case) with random bytes."""
    header = db_path.read_bytes()[:100]
    page_size = int.from_bytes(header[16:18], "big")
    pages = db_path.stat().st_size // page_size
    free = _free_pages(db_path, page_size)
    page = rng.choice([p for p in range(2, pages + 1) if p not in free])
    with db_path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(_random_bytes(rng, page_size))


def truncate(rng: random.Random, db_path: Path) -> None:
    """Cut the file anywhere short of its end (to nothing, at worst)."""
    size = db_path.stat().st_size
    with db_path.open("r+b") as handle:
        handle.truncate(rng.randrange(size))


def damage_wal(rng: random.Random, db_path: Path) -> None:
    """Flip 1 to 16 bytes of the log's header, or of a frame that committed transactions follow.

    Damage to the last transaction's frames is not made: SQLite cannot tell it from a write torn
    by a power cut and drops that transaction (see fypdesk.notes.sqlite.wal).
    """
    wal = db_path.with_name(db_path.name + "-wal")
    data = bytearray(wal.read_bytes())
    page_size = int.from_bytes(data[8:12], "big")
    frame_size = FRAME_HEADER_SIZE + page_size
    salts = data[16:24]
    commits = [
        index
        for index in range((len(data) - WAL_HEADER_SIZE) // frame_size)
        if data[
            WAL_HEADER_SIZE + index * frame_size + 8 : WAL_HEADER_SIZE + index * frame_size + 16
        ]
        == salts
        and int.from_bytes(data[WAL_HEADER_SIZE + index * frame_size + 4 :][:4], "big")
    ]
    if rng.random() < 0.25:
        start, length = 0, WAL_HEADER_SIZE
    else:
        frame = rng.randrange(commits[-2])  # the last two commits stay intact after it
        start, length = WAL_HEADER_SIZE + frame * frame_size, frame_size
    for _ in range(rng.randrange(1, 17)):
        data[start + rng.randrange(length)] ^= rng.randrange(1, 256)
    wal.write_bytes(bytes(data))


def _any_damage(rng: random.Random, db_path: Path) -> None:
    rng.choice([smash_header, overwrite_page, truncate])(rng, db_path)


def _no_backup_folder(rng: random.Random, db_path: Path) -> None:
    _any_damage(rng, db_path)
    shutil.rmtree(backup.backup_dir(db_path))


def _file_for_backup_folder(rng: random.Random, db_path: Path) -> None:
    _any_damage(rng, db_path)
    folder = backup.backup_dir(db_path)
    shutil.rmtree(folder)
    folder.write_text("a file where the backups folder should be\n", encoding="utf-8")


def _newest_backup_damaged(rng: random.Random, db_path: Path) -> None:
    _any_damage(rng, db_path)
    newest = backup.list_backups(backup.backup_dir(db_path))[0]
    rng.choice([smash_header, overwrite_page, truncate])(rng, newest.path)


@dataclass(frozen=True)
class Case:
    damage: Callable[[random.Random, Path], None]
    restores: str  # "newest", "older" or "nothing"
    wal: bool = False


CASES = {
    "header smashed": Case(smash_header, "newest"),
    "page overwritten": Case(overwrite_page, "newest"),
    "truncated": Case(truncate, "newest"),
    "WAL damaged": Case(damage_wal, "newest", wal=True),
    "newest backup damaged too": Case(_newest_backup_damaged, "older"),
    "backup folder missing": Case(_no_backup_folder, "nothing"),
    "backup folder is a file": Case(_file_for_backup_folder, "nothing"),
}


# -- checks ----------------------------------------------------------------------------------


@dataclass
class Tally:
    seeds: int = 0
    detected: int = 0
    kept: int = 0
    restored: int = 0
    told: int = 0
    crashes: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, seed: int, what: str) -> None:
        self.failures.append(f"seed {seed}: {what}")


def _expected(image: Image, case: Case) -> tuple[NoteSet, str | None]:
    if case.restores == "newest":
        return image.newest, image.newest_name
    if case.restores == "older":
        return image.older, image.older_name
    return frozenset(), None


def _run_api(folder: Path, seed: int) -> tuple[RecoveryReport | None, NoteSet, str]:
    reports: list[RecoveryReport] = []
    repository = open_notes(folder / "notes.db", clock=FakeClock(), on_recovery=reports.append)
    try:
        stored = frozenset((n.uuid, n.body) for n in repository.all_notes())
    finally:
        repository.close()
    assert len(reports) <= 1
    report = reports[0] if reports else None
    return report, stored, "" if report is None else report.message()


def _run_cli(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[RecoveryReport | None, NoteSet, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(folder), "notes", "list", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    stored = frozenset((record["id"], record["body"]) for record in json.loads(out))
    return None, stored, err


def _check_seed(
    image: Image, case: Case, seed: int, root: Path, capsys: pytest.CaptureFixture[str]
) -> Tally:
    tally = Tally(seeds=1)
    rng = random.Random(seed)
    folder = root / f"seed {seed}"
    shutil.copytree(image.folder, folder)
    db_path = folder / "notes.db"
    case.damage(rng, db_path)
    damaged = db_path.read_bytes()
    before = {p.name for p in folder.iterdir()}
    via_cli = seed % 4 == 0
    try:
        report, stored, told = _run_cli(folder, capsys) if via_cli else _run_api(folder, seed)
    except Exception:
        tally.crashes += 1
        tally.fail(seed, traceback.format_exc(limit=3))
        return tally
    expected_notes, expected_backup = _expected(image, case)
    kept = [
        p
        for p in folder.iterdir()
        if p.name not in before and p.name.startswith("notes.db.damaged")
    ]
    main_kept = [p for p in kept if "-wal" not in p.name and "-shm" not in p.name]
    if told and "damaged" in told:
        tally.detected += 1
    else:
        tally.fail(seed, f"not detected: {told!r}")
    if len(main_kept) == 1 and main_kept[0].read_bytes() == damaged:
        if not case.wal or any(p.name.endswith("-wal") for p in kept):
            tally.kept += 1
        else:
            tally.fail(seed, "the damaged log was not kept")
    else:
        tally.fail(seed, f"damaged file not kept as it was: {[p.name for p in kept]}")
    if report is not None and (report.restored.path.name if report.restored else None) != (
        expected_backup
    ):
        tally.fail(seed, f"restored {report.restored}, expected {expected_backup}")
    elif stored != expected_notes:
        tally.fail(seed, f"{len(stored)} notes after recovery, expected {len(expected_notes)}")
    else:
        tally.restored += 1
    lines = [line for line in told.splitlines() if line.strip()]
    wanted = "restored the backup" if expected_backup else "no good backup was found"
    if len(lines) == 1 and wanted in lines[0] and str(main_kept[0] if main_kept else "?") in told:
        tally.told += 1
    else:
        tally.fail(seed, f"the user was not told clearly: {told!r}")
    return tally


@pytest.mark.parametrize("name", CASES)
def test_damage_is_detected_kept_restored_and_reported(
    name: str,
    image: Image,
    wal_image: Image,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    figures: Figures,
) -> None:
    case = CASES[name]
    total = Tally()
    for seed in range(SEEDS):
        one = _check_seed(wal_image if case.wal else image, case, seed, tmp_path, capsys)
        for key in ("seeds", "detected", "kept", "restored", "told", "crashes"):
            setattr(total, key, getattr(total, key) + getattr(one, key))
        total.failures += one.failures
    figures.record(
        f"corruption: {name}",
        seeds=total.seeds,
        detected=total.detected,
        damaged_file_kept=total.kept,
        right_backup_restored=total.restored,
        user_told=total.told,
        crashes=total.crashes,
    )
    assert total.failures == []
    assert total.detected == total.kept == total.restored == total.told == SEEDS


def test_healthy_store_opens_and_backs_up_without_a_backup_folder(
    image: Image, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(image.folder, folder)
    shutil.rmtree(folder / "backups")
    assert main(["--data-dir", str(folder), "backup"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "Backed up the notes to" in out
    assert len(backup.list_backups(folder / "backups")) == 1


def test_a_file_in_place_of_the_backup_folder_is_one_clear_error(
    image: Image, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(image.folder, folder)
    shutil.rmtree(folder / "backups")
    (folder / "backups").write_text("not a folder", encoding="utf-8")
    # Reading and writing notes still works; only the backup is refused, in one line.
    assert main(["--data-dir", str(folder), "tags"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(folder), "backup"]) == 1
    _out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("fypdesk: error: cannot write a backup in")
    assert "Traceback" not in err


# -- the write-ahead log check itself ---------------------------------------------------------


def _crash_image(tmp_path: Path, restart_after: int | None) -> Path:
    """A WAL database copied while its writer still holds it (what a crash leaves behind):
    20 transactions, or, with ``restart_after``, a log restarted after a checkpoint and reused,
    so stale frames of the previous generation follow the live ones."""
    live = tmp_path / "live.db"
    connection = sqlite3.connect(live, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("CREATE TABLE t (x TEXT)")
    for index in range(20):
        connection.execute("INSERT INTO t VALUES (?)", (f"{index}" * 500,))
        if index == restart_after:
            connection.execute("PRAGMA wal_checkpoint(RESTART)")
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{live}{suffix}", copy / f"notes.db{suffix}")
    connection.close()
    return copy / "notes.db"


def _frames(wal: Path) -> list[tuple[int, bool]]:
    """(offset, is a commit with the log's salts) of every frame."""
    data = wal.read_bytes()
    frame_size = FRAME_HEADER_SIZE + int.from_bytes(data[8:12], "big")
    frames = []
    for offset in range(WAL_HEADER_SIZE, len(data) - frame_size + 1, frame_size):
        live = data[offset + 8 : offset + 16] == data[16:24]
        frames.append((offset, live and int.from_bytes(data[offset + 4 : offset + 8], "big") > 0))
    return frames


def _flip(wal: Path, offset: int) -> None:
    data = bytearray(wal.read_bytes())
    data[offset] ^= 0x5A
    wal.write_bytes(bytes(data))


@pytest.mark.parametrize("restart_after", [None, 14])
def test_a_healthy_or_reused_log_is_not_damage(tmp_path: Path, restart_after: int | None) -> None:
    db_path = _crash_image(tmp_path, restart_after)
    assert backup.diagnose(db_path) is None
    count = sqlite3.connect(db_path).execute("SELECT count(*) FROM t").fetchone()[0]
    assert count == 20


def test_a_torn_last_transaction_is_not_damage_but_a_torn_middle_is(tmp_path: Path) -> None:
    db_path = _crash_image(tmp_path, None)
    wal = db_path.with_name("notes.db-wal")
    frames = _frames(wal)
    commits = [offset for offset, commit in frames if commit]
    original = wal.read_bytes()
    _flip(wal, commits[-1] + FRAME_HEADER_SIZE + 7)  # the last commit frame's page
    assert backup.diagnose(db_path) is None  # SQLite drops that transaction, as after a power cut
    wal.write_bytes(original)
    _flip(wal, commits[5] + FRAME_HEADER_SIZE + 7)  # a transaction that others follow
    damaged = wal.read_bytes()
    problem = backup.diagnose(db_path)
    assert problem is not None and "write-ahead log is damaged" in problem
    assert wal.read_bytes() == damaged  # found before SQLite could replay (and cut) the log
