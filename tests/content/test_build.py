"""The build is reproducible, and the committed database is what the source builds."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fypdesk.content.build import build_database
from fypdesk.content.constants import TRIGRAM_TABLE, WORDS_TABLE
from fypdesk.content.records import Problems, Record
from fypdesk.content.source import SourceValidationError
from fypdesk.domain.errors import FypdeskError
from tests.conftest import CONTENT_DB, SOURCE_DIR
from tests.content.conftest import copy_source

#: Where the SQLite header stores the version of the library that last wrote the file.
_SQLITE_VERSION_FIELD = slice(96, 100)


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


def test_a_fresh_build_has_the_committed_bytes(tmp_path: Path) -> None:
    # Stricter than the dump: the search index's segment layout and the header's change counter
    # record how the build wrote the file, and the committed checksum covers every byte.
    fresh = tmp_path / "fyp.db"
    build_database(SOURCE_DIR, fresh)
    built, committed = bytearray(fresh.read_bytes()), bytearray(CONTENT_DB.read_bytes())
    for header in (built, committed):
        header[_SQLITE_VERSION_FIELD] = bytes(4)
    assert len(built) == len(committed)
    assert built == committed, "the build writes other bytes: run `make db` and commit"


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
    from fypdesk.domain.errors import FypdeskError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(FypdeskError, match="cannot write"):
        build_database(SOURCE_DIR, blocker / "fyp.db")


@pytest.mark.parametrize(("character", "refused"), [("\\a", True), ("\\e", True), ("\\t", False)])
def test_a_control_character_in_a_title_is_refused_but_a_tab_is_not(
    tmp_path: Path, character: str, refused: bool
) -> None:
    source = copy_source(tmp_path)
    plan = source / "plans" / "green.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "title: An optimised industry landscape"
    assert old in text
    plan.write_text(text.replace(old, f'title: "An optimised{character}industry landscape"'))
    out = tmp_path / "fyp.db"
    if refused:
        with pytest.raises(SourceValidationError, match="'title' contains a control character"):
            build_database(source, out)
        assert not out.exists()
    else:
        assert build_database(source, out).nodes > 0


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), min_size=1))
def test_c0_and_c1_controls_other_than_tab_and_newline_are_reported(value: str) -> None:
    problems = Problems()
    Record({"title": value}, "plans/x.yaml", "x", problems).optional_text("title")
    reported = any("a control character" in p.problem for p in problems.items)
    has_control = any(
        (ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in value
    ) and bool(value.strip())
    assert reported == has_control


def test_a_source_past_the_readers_limits_does_not_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reader checks a content database's structure at open (sizes included); the source
    check says so with the record, and the build makes the reader's check on what it wrote, so
    what builds always opens."""
    source = copy_source(tmp_path)
    plan = source / "plans" / "green.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "title: An optimised industry landscape"
    plan.write_text(text.replace(old, "title: An optimised industry landscape" + " and" * 200))
    out = tmp_path / "fyp.db"
    with pytest.raises(
        SourceValidationError, match="industry-landscape: the title has 831 characters: at most 500"
    ):
        build_database(source, out)
    monkeypatch.setattr("fypdesk.content.source.MAX_TITLE", 10_000)  # a source check forgotten
    with pytest.raises(FypdeskError, match="would be refused by readers"):
        build_database(source, out)
    assert not out.exists()
