"""The bundled content database: checked against the checksum recorded at build time, usable from
a read-only install folder, and opened correctly from paths with unusual characters."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk import paths
from fypdesk.cli import main
from fypdesk.content import checksum
from fypdesk.content.build import build_database
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import ContentUnavailableError
from tests.conftest import CONTENT_DB, SOURCE_DIR
from tests.notes.helpers import TARGET_ID

SIDECAR = CONTENT_DB.with_name("fyp.db.sha256")
ODD = "install dir #1 %41 ?x ü 中文"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _copy(folder: Path, *, sidecar: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONTENT_DB, folder / "fyp.db")
    if sidecar:
        shutil.copyfile(SIDECAR, folder / "fyp.db.sha256")
    return folder / "fyp.db"


# -- the checksum ------------------------------------------------------------------------------


def test_the_committed_sidecar_is_the_committed_databases_sha256() -> None:
    digest = hashlib.sha256(CONTENT_DB.read_bytes()).hexdigest()
    assert SIDECAR.read_text(encoding="utf-8") == f"{digest}  fyp.db\n"  # as sha256sum writes it


def test_the_bundled_database_the_app_opens_is_verified() -> None:
    bundled = paths.bundled_content_path()
    assert checksum.sidecar_path(bundled).is_file()
    checksum.verify(bundled)  # raises on a mismatch


def test_build_db_writes_the_sidecar(tmp_path: Path) -> None:
    out = tmp_path / ODD / "built.db"
    build_database(SOURCE_DIR, out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert (tmp_path / ODD / "built.db.sha256").read_text(encoding="utf-8") == (
        f"{digest}  built.db\n"
    )
    assert sorted(p.name for p in out.parent.iterdir()) == ["built.db", "built.db.sha256"]


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("offset", [0, 100, 4096 * 3 + 17, -1])
def test_a_damaged_database_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], offset: int
) -> None:
    db_path = _copy(tmp_path / ODD)
    _flip_byte(db_path, offset)
    with pytest.raises(ContentUnavailableError, match="has been modified or damaged") as caught:
        ContentRepository.open(db_path)
    assert str(db_path) in str(caught.value)
    code, _out, err = run(capsys, "--content", str(db_path), "plans")
    assert code == 1
    assert err.count("\n") == 1 and str(db_path) in err and "modified or damaged" in err


def test_a_replaced_valid_database_is_refused(tmp_path: Path) -> None:
    """Someone swaps in another, perfectly valid content database: the sidecar still tells."""
    db_path = _copy(tmp_path / "install")
    connection = sqlite3.connect(db_path)
    with connection:
        connection.execute("UPDATE nodes SET title = 'Edited' WHERE id = ?", (TARGET_ID,))
    connection.close()
    with pytest.raises(ContentUnavailableError, match="modified or damaged"):
        ContentRepository.open(db_path)


def test_a_database_without_a_sidecar_is_not_checked(tmp_path: Path) -> None:
    db_path = _copy(tmp_path / "mine", sidecar=False)
    connection = sqlite3.connect(db_path)
    with connection:
        connection.execute("UPDATE nodes SET title = 'Edited' WHERE id = ?", (TARGET_ID,))
    connection.close()
    repository = ContentRepository.open(db_path)
    try:
        assert repository.node(TARGET_ID).title == "Edited"
    finally:
        repository.close()


@pytest.mark.parametrize("text", ["", "not a checksum\n", "ab" * 31 + "  fyp.db\n", "\xff\xfe"])
def test_a_damaged_sidecar_is_one_clear_error(tmp_path: Path, text: str) -> None:
    db_path = _copy(tmp_path / "install", sidecar=False)
    checksum.sidecar_path(db_path).write_bytes(text.encode("latin-1"))
    with pytest.raises(ContentUnavailableError, match="checksum") as caught:
        ContentRepository.open(db_path)
    assert str(db_path) in str(caught.value)


def test_a_missing_database_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / ODD / "fyp.db"
    code, _out, err = run(capsys, "--content", str(db_path), "targets")
    assert code == 1 and str(db_path) in err


# -- a read-only install folder -----------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    return {
        str(p.relative_to(folder)): (
            p.stat().st_mtime_ns,
            p.stat().st_size,
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "",
        )
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def readonly_install(tmp_path: Path) -> Iterator[Path]:
    """The database and its sidecar in an install folder that nobody may write (chmod -R a-w)."""
    folder = tmp_path / ODD / "fypdesk" / "data"
    db_path = _copy(folder)
    for path in [*folder.rglob("*"), folder, folder.parent]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield db_path
    for path in [folder.parent, folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_the_app_works_from_a_read_only_install_folder(
    readonly_install: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install = readonly_install.parent.parent
    before = _snapshot(install)
    content = ["--content", str(readonly_install), "--data-dir", str(tmp_path / "data")]
    for argv in (
        ["plans"],
        ["targets", "--format", "csv"],
        ["search", "5G"],
        ["show", TARGET_ID],
        ["notes", "add", TARGET_ID, "read-only install"],
        ["check"],
        ["export", str(tmp_path / "brief.md")],
    ):
        code, _out, err = run(capsys, *content, *argv)
        assert code == 0, (argv, err)
    # Root ignores permission bits, so "it worked" proves little; nothing was written does.
    assert _snapshot(install) == before
    leftovers = [
        p.name for p in install.rglob("*") if p.name.endswith(("-journal", "-wal", "-shm"))
    ]
    assert leftovers == []


def test_the_content_connection_cannot_write(readonly_install: Path) -> None:
    repository = ContentRepository.open(readonly_install)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            repository._db.execute("CREATE TABLE intruder (x)")
    finally:
        repository.close()


# -- unusual paths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["with space", "hash#1", "percent %41 %", "question?mark", "üñí 中文", "a" * 200]
)
def test_unusual_paths_open_the_right_file(tmp_path: Path, name: str) -> None:
    db_path = _copy(tmp_path / name)
    decoy = tmp_path / "fyp.db"  # what a decoded or truncated URL would open instead
    repository = ContentRepository.open(db_path)
    try:
        assert repository.path == db_path
        assert repository.node(TARGET_ID).id == TARGET_ID
    finally:
        repository.close()
    assert not decoy.exists()
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["fyp.db", "fyp.db.sha256"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_a_folder_name_that_is_not_utf8_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/latin-1 \xe9t\xe9"))
    db_path = _copy(folder)
    code, out, err = run(capsys, "--content", str(db_path), "show", TARGET_ID)
    assert code == 0, err
    assert TARGET_ID in out
