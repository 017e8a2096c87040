"""The build is reproducible, and the committed database is what the source builds."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from fypdesk.content.build import build_database
from fypdesk.content.constants import TRIGRAM_TABLE, WORDS_TABLE
from tests.conftest import CONTENT_DB, SOURCE_DIR


def _dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_the_committed_database_equals_a_fresh_build(tmp_path: Path) -> None:
    fresh = tmp_path / "fyp.db"
    build_database(SOURCE_DIR, fresh)
    # A logical dump: byte equality would also compare the SQLite library's version stamp.
    assert _dump(fresh) == _dump(CONTENT_DB), "data/source changed: run `make db` and commit"


def test_building_twice_gives_identical_bytes(tmp_path: Path) -> None:
    # Two processes with different hash seeds: anything built in set order would show here.
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}.db"
        subprocess.run(
            [sys.executable, "-m", "fypdesk", "build-db", str(SOURCE_DIR), "-o", str(out)],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_the_database_ships_in_rollback_journal_mode_and_checks_clean(tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"  # FTS5's integrity-check is a write command
    shutil.copyfile(CONTENT_DB, copy)
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA freelist_count").fetchone()[0] == 0  # vacuumed
        for table in (WORDS_TABLE, TRIGRAM_TABLE):
            connection.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    finally:
        connection.close()
    assert {"schema_version", "content_version", "source_hash", "builder", "briefing"} <= set(meta)
    assert len(meta["source_hash"]) == 64


def test_an_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from fypdesk.domain.errors import FypdeskError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(FypdeskError, match="cannot write"):
        build_database(SOURCE_DIR, blocker / "fyp.db")
