"""Notes are private: the data folder is 0700, the database, its log and its backups 0600,
whatever the umask (0.1.0 left them to it: 0755 and 0644)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.store import backup_now, open_notes

from .helpers import TARGET_ID


@pytest.fixture(autouse=True)
def _open_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_is_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "notes.db"
    repository = open_notes(path)
    try:
        repository.add_note(TARGET_ID, "private")
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
        assert _mode(path.with_name("notes.db-wal")) == 0o600
    finally:
        repository.close()
    info = backup_now(path)
    assert _mode(info.path) == 0o600
    assert _mode(backup.backup_dir(path)) == 0o700


def test_a_store_left_open_to_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    repository = open_notes(path)
    repository.add_note(TARGET_ID, "private")
    repository.close()
    old_backup = backup_now(path)
    path.chmod(0o644)
    old_backup.path.chmod(0o644)
    open_notes(path).close()  # and the automatic backup rotates, tightening the old one
    assert _mode(path) == 0o600
    repository = open_notes(path)
    repository.add_note(TARGET_ID, "changed")
    repository.close()
    open_notes(path).close()
    assert _mode(old_backup.path) == 0o600
