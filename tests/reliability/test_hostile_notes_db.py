"""Crafted or odd notes databases, and odd files where the store's files should be: every
command ends in success or one clear line with status 1, never a traceback, status 70 or a hang,
and never locks the user out of ``fypdesk restore``.

Each case mutates a small real store (three notes, a tag, a star, a saved brief, a backup), then
runs real commands as subprocesses under a timeout.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk import paths
from fypdesk.domain.notes import SavedBrief
from fypdesk.notes.sqlite import store
from tests.conftest import REPO_ROOT
from tests.reliability.conftest import SOAK, Figures

TIMEOUT_S = 60
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("notes", "list"),
    ("notes", "list", "--format", "json"),
    ("tags",),
    ("search", "note"),
    ("briefs",),
    ("check",),
    ("notes", "add", "ict", "a new note"),
    ("export", "{tmp}/brief.pdf"),
    ("notes", "export", "{tmp}/notes.json"),
    ("backup",),
)
if not SOAK:
    COMMANDS = COMMANDS[:1] + COMMANDS[4:8]


def _sql(statement: str) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        connection = sqlite3.connect(path)
        try:
            connection.executescript(statement)
        finally:
            connection.close()

    return mutate


def _replace_with(kind: str) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        elif kind == "random":
            path.write_bytes(os.urandom(8192))

    return mutate


def _garbage_companion(suffix: str) -> Callable[[Path], None]:
    def mutate(path: Path) -> None:
        _checkpoint(path)
        Path(str(path) + suffix).write_bytes(b"\x00garbage journal" * 512)

    return mutate


def _checkpoint(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


MUTATIONS: dict[str, Callable[[Path], None]] = {
    "two schema versions": _sql("INSERT INTO alembic_version VALUES ('0002');"),
    "no schema version": _sql("DELETE FROM alembic_version;"),
    "unknown schema version": _sql("UPDATE alembic_version SET version_num = 'zz9';"),
    "text revision": _sql("UPDATE store_meta SET value = 'many' WHERE key = 'revision';"),
    "largest revision": _sql(
        "UPDATE store_meta SET value = 9223372036854775807 WHERE key = 'revision';"
    ),
    "no revision row": _sql("DELETE FROM store_meta;"),
    "blob body": _sql("UPDATE notes SET body = x'00ff10e2' WHERE node_id = 'ict';"),
    "number body": _sql("UPDATE notes SET body = 42 WHERE node_id = 'ict';"),
    "null body": _sql("PRAGMA ignore_check_constraints=1; UPDATE notes SET body = '' ;"),
    "bad timestamp": _sql("UPDATE notes SET updated = 'yesterday', created = 'x';"),
    "huge timestamp": _sql("UPDATE notes SET updated = '99999-01-01T00:00:00+00:00';"),
    "bad brief json": _sql("UPDATE saved_briefs SET options = '{not json', scope = '[';"),
    "brief scope not a list": _sql("UPDATE saved_briefs SET scope = '42';"),
    "bad brief date": _sql("UPDATE saved_briefs SET meeting_date = 'soon';"),
    "bad tag colour": _sql("UPDATE tags SET colour = 'x';"),
    "mark on a huge id": _sql(
        "INSERT INTO node_marks (pack_id, node_id, starred, follow_up, updated) VALUES"
        " ('fyp14-six-industries', printf('%.*c', 100000, 'x'), 1, 0,"
        " '2026-01-01T00:00:00.000000+00:00');"
    ),
    "escape in node id": _sql("UPDATE notes SET node_id = char(27) || ']0;pwned' || char(7);"),
    "view named like a table": _sql(
        "ALTER TABLE tags RENAME TO tags_old; CREATE VIEW tags AS SELECT * FROM tags_old;"
    ),
    "trigger on notes": _sql(
        "CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM notes; END;"
    ),
    "search index dropped": _sql("DROP TABLE notes_fts_words;"),
    "fifo in its place": _replace_with("fifo"),
    "folder in its place": _replace_with("folder"),
    "random bytes": _replace_with("random"),
    "garbage journal": _garbage_companion("-journal"),
    "garbage wal": _garbage_companion("-wal"),
}


def _seed(data_dir: Path) -> Path:
    path = paths.notes_db_path(data_dir)
    repository = store.open_notes(path)
    repository.add_note("ict", "a note on ict", tags=["risk"])
    repository.add_note("green", "a note on green")
    repository.add_note("ict/targets/5g-usage-rate", "a note on 5g")
    repository.marks.set("ict", starred=True)
    repository.briefs.save(SavedBrief(name="weekly", title="Weekly", scope=("ict",)))
    repository.close()
    store.open_notes(path).close()  # the automatic backup
    return path


def _run(data_dir: Path, args: tuple[str, ...], tmp: Path) -> tuple[str, str]:
    """``ok``, ``refused`` or what went wrong, and the output."""
    argv = [arg.replace("{tmp}", str(tmp)) for arg in args]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "fypdesk", "--data-dir", str(data_dir), *argv],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "hang", ""
    err = result.stderr.strip()
    if "Traceback" in err or result.returncode not in (0, 1):
        return f"status {result.returncode}", err[-400:]
    if result.returncode == 1:
        lines = [line for line in err.splitlines() if line.startswith("fypdesk: error:")]
        return ("refused", err) if len(lines) == 1 else ("unclear refusal", err)
    return "ok", err


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_odd_notes_databases_are_handled(tmp_path: Path, case: str, figures: Figures) -> None:
    data_dir = tmp_path / "data"
    path = _seed(data_dir)
    MUTATIONS[case](path)
    bad: list[str] = []
    outcomes: dict[str, int] = {}
    for args in COMMANDS:
        outcome, err = _run(data_dir, args, tmp_path)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome not in ("ok", "refused"):
            bad.append(f"{' '.join(args)}: {outcome}: {err}")
    # Never locked out: a restore of the newest backup brings back a working store.
    outcome, err = _run(data_dir, ("restore",), tmp_path)
    if outcome not in ("ok", "refused"):
        bad.append(f"restore: {outcome}: {err}")
    elif outcome == "refused" and "not a regular file" not in err:
        bad.append(f"restore refused: {err}")
    figures.record(f"hostile notes db: {case}", runs=len(COMMANDS) + 1, **outcomes)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("case", ["trigger on notes", "view named like a table"])
def test_sql_of_a_crafted_store_never_runs(tmp_path: Path, case: str) -> None:
    """A trigger in the file would run on every save (this one deletes every note): the store
    refuses the file instead, and a restore brings the notes back."""
    data_dir = tmp_path / "data"
    path = _seed(data_dir)
    MUTATIONS[case](path)
    outcome, err = _run(data_dir, ("notes", "add", "ict", "a new note"), tmp_path)
    assert outcome == "refused" and "fypdesk did not make" in err
    assert _run(data_dir, ("restore",), tmp_path)[0] == "ok"
    repository = store.open_notes(path)
    try:
        assert len(repository.all_notes()) == 3
    finally:
        repository.close()
