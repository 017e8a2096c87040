"""The record of verified content databases: an unchanged file is not hashed again at every
start, and nothing that changed the file (or its sidecar) is ever let through unhashed."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk.cli import main
from fypdesk.content import checksum
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import ContentUnavailableError
from tests.conftest import CONTENT_DB
from tests.notes.helpers import TARGET_ID

ODD = "install #1 %41 ü 中文"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache folder of the test's own, as $FYPDESK_CACHE_DIR (not created yet)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("FYPDESK_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the checksum hashes, in order."""
    calls: list[Path] = []
    real = checksum.file_sha256

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(checksum, "file_sha256", counting)
    return calls


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make a just-written file count as settled without waiting two seconds: the settling time
    is dropped, and the test waits instead until the file system's clock has moved past the
    file's last change, so that a later write gets a later change time, as it would for real."""
    monkeypatch.setattr(checksum, "SETTLE_NS", 0)

    def wait_past(path: Path) -> None:
        changed = path.stat().st_ctime_ns
        probe = path.with_name("clock-probe")
        deadline = time.monotonic() + 5.0
        while True:
            probe.unlink(missing_ok=True)
            probe.touch()
            if probe.stat().st_ctime_ns > changed:
                probe.unlink()
                return
            assert time.monotonic() < deadline, "the file system clock did not move"

    return wait_past


def _copy(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONTENT_DB, folder / "fyp.db")
    shutil.copyfile(checksum.sidecar_path(CONTENT_DB), folder / "fyp.db.sha256")
    return folder / "fyp.db"


def _damaged_copy(folder: Path) -> Path:
    """A copy of the database with one byte changed, beside the original's sidecar."""
    db_path = _copy(folder)
    with db_path.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00")
    return db_path


def _open_and_close(path: Path) -> None:
    ContentRepository.open(path).close()


def _recorded(cache: Path) -> dict[str, object]:
    data = json.loads((cache / "content" / "verified.json").read_text(encoding="utf-8"))
    verified = data["verified"]
    assert isinstance(verified, dict)
    return verified


def test_an_unchanged_database_is_hashed_once(
    tmp_path: Path,
    cache: Path,
    hashed: list[Path],
    settled: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db_path = _copy(tmp_path / ODD)
    settled(db_path)
    _open_and_close(db_path)
    assert hashed == [db_path]
    _open_and_close(db_path)
    check = checksum.BackgroundCheck(db_path)  # the window's check
    check.result()
    assert main(["--content", str(db_path), "show", TARGET_ID]) == 0  # a command's
    assert TARGET_ID in capsys.readouterr().out
    assert hashed == [db_path]
    entry = _recorded(cache)[str(db_path.resolve())]
    digest = checksum.sidecar_path(db_path).read_text(encoding="utf-8").split()[0]
    assert isinstance(entry, dict) and entry["sha256"] == digest


def test_a_database_modified_in_place_with_its_times_restored_is_hashed_and_refused(
    tmp_path: Path, cache: Path, hashed: list[Path], settled: Callable[[Path], None]
) -> None:
    db_path = _copy(tmp_path / ODD)
    settled(db_path)
    _open_and_close(db_path)
    before = db_path.stat()
    with db_path.open("r+b") as handle:  # one byte of the last page: SQLite still opens it
        handle.seek(-10, os.SEEK_END)
        byte = handle.read(1)
        handle.seek(-10, os.SEEK_END)
        handle.write(bytes([byte[0] ^ 0xFF]))
    os.utime(db_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = db_path.stat()
    # Everything a user tool can restore is as it was: only the change time tells.
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    with pytest.raises(ContentUnavailableError, match="has been modified or damaged") as caught:
        _open_and_close(db_path)
    assert str(db_path) in str(caught.value)
    with pytest.raises(ContentUnavailableError, match="has been modified or damaged"):
        checksum.BackgroundCheck(db_path).result()  # the window's check: not remembered as good
    assert hashed == [db_path] * 3


def test_a_database_replaced_by_an_identical_copy_is_hashed_again(
    tmp_path: Path, cache: Path, hashed: list[Path], settled: Callable[[Path], None]
) -> None:
    db_path = _copy(tmp_path / ODD)
    settled(db_path)
    _open_and_close(db_path)
    shutil.copyfile(CONTENT_DB, tmp_path / "new.db")
    (tmp_path / "new.db").replace(db_path)
    _open_and_close(db_path)
    assert hashed == [db_path] * 2


def test_a_changed_sidecar_misses(
    tmp_path: Path, cache: Path, hashed: list[Path], settled: Callable[[Path], None]
) -> None:
    db_path = _copy(tmp_path / ODD)
    settled(db_path)
    _open_and_close(db_path)
    sidecar = checksum.sidecar_path(db_path)
    good = sidecar.read_text(encoding="utf-8")
    sidecar.write_text("0" * 64 + "  fyp.db\n", encoding="utf-8")
    with pytest.raises(ContentUnavailableError, match="has been modified or damaged"):
        _open_and_close(db_path)
    assert hashed == [db_path] * 2
    sidecar.write_text(good, encoding="utf-8")  # the file itself was verified against this one
    _open_and_close(db_path)
    assert hashed == [db_path] * 2


def test_a_mismatching_database_is_never_recorded(
    tmp_path: Path, cache: Path, hashed: list[Path], settled: Callable[[Path], None]
) -> None:
    db_path = _damaged_copy(tmp_path / ODD)
    settled(db_path)
    for _ in range(2):
        with pytest.raises(ContentUnavailableError, match="has been modified or damaged"):
            _open_and_close(db_path)
    assert hashed == [db_path] * 2
    assert not (cache / "content" / "verified.json").exists()


def test_a_file_that_just_changed_is_not_remembered(
    tmp_path: Path, cache: Path, hashed: list[Path]
) -> None:
    """A second write within the same tick of the file system's clock would keep its stat data,
    so a file written moments ago is hashed until it has been left alone for a while."""
    db_path = _copy(tmp_path / ODD)
    _open_and_close(db_path)
    _open_and_close(db_path)
    assert hashed == [db_path] * 2
    assert not (cache / "content" / "verified.json").exists()


def test_an_unwritable_cache_folder_means_hashing_every_time(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    hashed: list[Path],
    settled: Callable[[Path], None],
) -> None:
    # A file where the cache folder should be: unwritable even for root, who ignores modes.
    blocker = tmp_path / "not a folder"
    blocker.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("FYPDESK_CACHE_DIR", str(blocker))
    db_path = _copy(tmp_path / ODD)
    settled(db_path)
    for _ in range(2):
        _open_and_close(db_path)
    assert hashed == [db_path] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [ODD, "not a folder"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not text",
        b"{ not json",
        b"[]",
        b'{"format": 99, "verified": {}}',
        b'{"format": 1, "verified": []}',
        b'{"format": 1, "verified": {"KEY": "a string"}}',
        b'{"format": 1, "verified": {"KEY": {"stat": "x", "sha256": 7}}}',
    ],
)
def test_a_damaged_record_is_ignored_and_replaced(
    tmp_path: Path,
    cache: Path,
    hashed: list[Path],
    settled: Callable[[Path], None],
    content: bytes,
) -> None:
    db_path = _copy(tmp_path / ODD)
    settled(db_path)
    record = cache / "content" / "verified.json"
    record.parent.mkdir(parents=True)
    key = json.dumps(str(db_path.resolve()))[1:-1].encode()
    record.write_bytes(content.replace(b"KEY", key))
    _open_and_close(db_path)
    _open_and_close(db_path)
    assert hashed == [db_path]
    assert str(db_path.resolve()) in _recorded(cache)


def test_a_match_older_than_a_week_is_hashed_again(
    tmp_path: Path, cache: Path, hashed: list[Path], settled: Callable[[Path], None]
) -> None:
    """Damage that leaves the stat data alone (a failing disk) is caught at the weekly check."""
    db_path = _copy(tmp_path / ODD)
    settled(db_path)
    _open_and_close(db_path)
    record = cache / "content" / "verified.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    entry = data["verified"][str(db_path.resolve())]
    entry["checked"] -= checksum.RECHECK_AFTER_S + 60
    record.write_text(json.dumps(data), encoding="utf-8")
    _open_and_close(db_path)  # hashed again, and remembered afresh
    _open_and_close(db_path)
    assert hashed == [db_path] * 2


def test_a_forged_entry_with_another_digest_does_not_pass(
    tmp_path: Path, cache: Path, hashed: list[Path], settled: Callable[[Path], None]
) -> None:
    """An entry is a match of these stat data with this sidecar digest, not of the path alone."""
    db_path = _damaged_copy(tmp_path / ODD)
    settled(db_path)
    st = db_path.stat()
    fingerprint = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
    record = cache / "content" / "verified.json"
    record.parent.mkdir(parents=True)
    # Verified just now, but against some other sidecar.
    entry = {"stat": fingerprint, "sha256": "0" * 64, "checked": time.time()}
    record.write_text(
        json.dumps({"format": checksum.RECORD_FORMAT, "verified": {str(db_path.resolve()): entry}}),
        encoding="utf-8",
    )
    with pytest.raises(ContentUnavailableError, match="has been modified or damaged"):
        _open_and_close(db_path)
    assert hashed == [db_path]


def test_the_record_keeps_the_most_recently_verified_databases(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    hashed: list[Path],
    settled: Callable[[Path], None],
) -> None:
    monkeypatch.setattr(checksum, "RECORD_LIMIT", 3)
    record = tmp_path / "record" / "verified.json"
    copies = [_copy(tmp_path / f"copy {n}") for n in range(5)]
    settled(copies[-1])  # copied last: the others changed before it
    for db_path in copies:
        checksum.verify(db_path, record)
    checksum.verify(copies[0], record)  # forgotten: hashed again, and now the newest
    data = json.loads(record.read_text(encoding="utf-8"))
    assert list(data["verified"]) == [str(p.resolve()) for p in (copies[3], copies[4], copies[0])]
    assert hashed == [*copies, copies[0]]
    assert sorted(p.name for p in record.parent.iterdir()) == ["verified.json"]  # no temp files
