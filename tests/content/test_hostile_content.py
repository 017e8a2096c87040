"""A crafted content database is refused when it is opened, with the reason, and nothing in the
reader can loop; a damaged cache file is only a missing cache."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk import paths
from fypdesk.cli import main
from fypdesk.content import checksum
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import ContentUnavailableError
from tests.conftest import CONTENT_DB
from tests.content.hostile_dbs import (
    MUTATIONS,
    PLAN,
    SECTION,
    TARGET,
    Mutation,
    apply_sql,
    mutated_copy,
)

REFUSED = [m for m in MUTATIONS if m.reason is not None]
ACCEPTED = [m for m in MUTATIONS if m.reason is None]


@pytest.mark.parametrize("mutation", REFUSED, ids=lambda m: m.name)
def test_a_crafted_database_is_refused_at_open_with_its_reason(
    tmp_path: Path, mutation: Mutation
) -> None:
    path = mutated_copy(tmp_path, mutation)
    with pytest.raises(ContentUnavailableError) as caught:
        ContentRepository.open(path)
    message = str(caught.value)
    assert mutation.reason is not None and mutation.reason in message
    assert str(path) in message
    assert "\n" not in message


@pytest.mark.parametrize("mutation", ACCEPTED, ids=lambda m: m.name)
def test_a_database_the_build_could_make_is_read(tmp_path: Path, mutation: Mutation) -> None:
    repository = ContentRepository.open(mutated_copy(tmp_path, mutation))
    try:
        assert repository.detail(PLAN).node.id == PLAN
    finally:
        repository.close()


def test_the_expected_schema_is_the_builds() -> None:
    """The schema the reader accepts is the committed database's (a fresh build's: test_build)."""
    from fypdesk.content.integrity import EXPECTED_SCHEMA

    connection = sqlite3.connect(CONTENT_DB)
    try:
        rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    finally:
        connection.close()
    found = {(t, n, tb, None if s is None else re.sub(r"\s+", " ", s)) for t, n, tb, s in rows}
    assert found == EXPECTED_SCHEMA


def test_the_connection_is_hardened(tmp_path: Path) -> None:
    repository = ContentRepository.open(CONTENT_DB)
    try:
        connection = repository._db
        assert connection.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        assert connection.execute("PRAGMA cell_size_check").fetchone()[0] == 1
        assert connection.execute("PRAGMA mmap_size").fetchone()[0] == 0
        with pytest.raises(sqlite3.DataError):
            connection.execute("SELECT zeroblob(2000000)").fetchone()
    finally:
        repository.close()


def _cycle(tmp_path: Path) -> Path:
    path = tmp_path / "cycle.db"
    shutil.copyfile(CONTENT_DB, path)
    apply_sql(path, f"UPDATE nodes SET parent_id = '{SECTION}' WHERE id = '{PLAN}'")
    return path


def test_recursive_queries_end_even_on_an_unchecked_cycle(tmp_path: Path) -> None:
    """Bounded by depth: a cycle that got past the checks still cannot loop a read."""
    repository = ContentRepository.open(
        _cycle(tmp_path), verify_checksum=False, check_structure=False
    )
    try:
        assert len(repository.breadcrumb(TARGET)) <= 40
        assert len(repository.quantities_under(PLAN)) < 10_000
        repository.detail(SECTION)
    finally:
        repository.close()


def test_the_command_line_refuses_a_crafted_database_in_one_line(tmp_path: Path) -> None:
    """In a child under a timeout: before the checks, this looped for ever."""
    path = _cycle(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "fypdesk", "--content", str(path), "show", PLAN],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    err = done.stderr
    assert err.count("\n") == 1 and err.startswith("fypdesk: error: ") and "parent cycle" in err


# -- the record of checked databases ----------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FYPDESK_CACHE_DIR", str(folder))
    monkeypatch.setattr(checksum, "SETTLE_NS", 0)  # a copy just made may be remembered
    return folder


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every database whose structure is checked, in order."""
    from fypdesk.content import integrity

    calls: list[Path] = []
    real = integrity.check_structure

    def counting(connection: sqlite3.Connection, path: Path) -> None:
        calls.append(path)
        real(connection, path)

    monkeypatch.setattr(integrity, "check_structure", counting)
    return calls


def _with_sidecar(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONTENT_DB, folder / "fyp.db")
    shutil.copyfile(checksum.sidecar_path(CONTENT_DB), folder / "fyp.db.sha256")
    return folder / "fyp.db"


def _open_close(path: Path, **options: bool) -> None:
    ContentRepository.open(path, **options).close()


def test_a_verified_database_is_checked_once(
    tmp_path: Path, cache: Path, checks: list[Path]
) -> None:
    path = _with_sidecar(tmp_path / "install")
    for _ in range(3):
        _open_close(path)
    assert checks == [path]


def test_the_window_start_uses_the_record_too(
    tmp_path: Path, cache: Path, checks: list[Path]
) -> None:
    """The window opens without verifying (a thread hashes): a remembered file is not checked."""
    path = _with_sidecar(tmp_path / "install")
    _open_close(path)
    _open_close(path, verify_checksum=False)
    assert checks == [path]


def test_a_database_without_a_sidecar_is_checked_at_every_open(
    tmp_path: Path, cache: Path, checks: list[Path]
) -> None:
    path = tmp_path / "mine.db"
    shutil.copyfile(CONTENT_DB, path)
    for _ in range(2):
        _open_close(path)
    assert checks == [path, path]


def test_a_changed_database_is_checked_again(
    tmp_path: Path, cache: Path, checks: list[Path]
) -> None:
    """Any write changes the change time: a file changed after it passed is checked again (and
    refused), even beside a sidecar rewritten to match its new bytes."""
    path = _with_sidecar(tmp_path / "install")
    _open_close(path)
    apply_sql(path, f"UPDATE nodes SET parent_id = id WHERE id = '{PLAN}'")
    checksum.sidecar_path(path).write_text(checksum.sidecar_text(path), encoding="utf-8")
    with pytest.raises(ContentUnavailableError, match="parent cycle"):
        _open_close(path)
    with pytest.raises(ContentUnavailableError, match="parent cycle"):
        _open_close(path)
    assert checks == [path, path, path]


# -- damaged cache files -----------------------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()


def _deep(path: Path) -> None:
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")


def _deep_object(path: Path) -> None:
    path.write_text('{"format": 2, "verified": ' + "[" * 200_000 + "]" * 200_000 + "}")


def _not_json(path: Path) -> None:
    path.write_bytes(b"\xff\xfe not json \x00")


def _huge(path: Path) -> None:
    path.write_text('{"format": 2, "verified": {}, "pad": "' + "x" * 3_000_000 + '"}')


def _unreadable(path: Path) -> None:
    path.write_text("{}", encoding="utf-8")
    path.chmod(0)


def _dangling_link(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere"))


@contextlib.contextmanager
def fifo_watchdog(fifo: Path, seconds: float = 10.0) -> Iterator[list[bool]]:
    """Fail instead of hanging when code under test blocks opening ``fifo`` for reading: every
    ``seconds`` a writer opens it (which releases a blocked reader) and the flag is set."""
    blocked: list[bool] = []
    done = threading.Event()

    def release() -> None:
        while not done.wait(seconds):
            with contextlib.suppress(OSError):  # ENXIO: nobody is reading
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                blocked.append(True)

    watcher = threading.Thread(target=release, daemon=True)
    watcher.start()
    try:
        yield blocked
    finally:
        done.set()
        watcher.join()


@pytest.mark.parametrize(
    "damage",
    [_fifo, _directory, _deep, _deep_object, _not_json, _huge, _unreadable, _dangling_link],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_damaged_record_is_no_record(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str], damage: object
) -> None:
    record = checksum.record_path()
    record.parent.mkdir(parents=True)
    assert callable(damage)
    damage(record)
    path = _with_sidecar(tmp_path / "install")
    with fifo_watchdog(record) as blocked:
        assert main(["--content", str(path), "show", TARGET]) == 0, capsys.readouterr().err
        _open_close(path)  # twice: once the record may have been rewritten
    assert not blocked, "blocked reading a FIFO in place of the record"
    assert not checksum.structure_checked(tmp_path / "missing.db", 1)


@pytest.mark.parametrize("damage", [_fifo, _directory, _not_json, _huge], ids=lambda f: f.__name__)
def test_a_damaged_font_cache_file_is_no_cache(tmp_path: Path, damage: object) -> None:
    """The other disposable cache (export/font_cache.py) reads its files the same way."""
    from fypdesk import paths
    from fypdesk.export import font_cache

    font = paths.resources_dir() / "fonts" / "DejaVuSans.ttf"
    cached = font_cache._cache_file(font, tmp_path / "fonts")
    assert cached is not None
    cached.parent.mkdir(parents=True)
    assert callable(damage)
    damage(cached)
    with fifo_watchdog(cached) as blocked:
        loaded = font_cache.load_font("DejaVuSans", font, tmp_path / "fonts")
    assert not blocked, "blocked reading a FIFO in place of a font cache file"
    assert loaded.face.unitsPerEm > 0


def test_reading_a_small_file_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert paths.read_small_file(fifo, 100) is None
    regular = tmp_path / "file"
    regular.write_bytes(b"x" * 101)
    assert paths.read_small_file(regular, 100) is None
    assert paths.read_small_file(regular, 101) == b"x" * 101
