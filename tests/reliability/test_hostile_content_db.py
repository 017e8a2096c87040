"""Hostile content databases: real commands on crafted files, each in a child under a timeout.

Every mutation of tests/content/hostile_dbs.py (wrong types, unknown enums, parent cycles and
self-parents, no root, views and triggers named like tables, a recursive view named
``quantities``, huge values, infinities, non-JSON meta, a FIFO, a folder, an empty file or random
bytes in place of the database), plus generated mutations (a random cell of a random table set to
an odd value), is given to ``fypdesk --content X`` with one of ``plans``, ``show ID``,
``targets``, ``figures``, ``search Q`` and ``export OUT.pdf``. The only acceptable outcomes: exit
status 0, or 1 with one line ``fypdesk: error: ...`` on stderr and no traceback. Never status 70,
never a hang (the timeout).

Default counts run one command per table mutation (the commands taken in turn) and a few
generated mutations; ``SOAK=1`` runs every command on every mutation, and more generated ones.
The library-level property (every read of an accepted database succeeds) runs in-process.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import ContentUnavailableError
from tests.conftest import CONTENT_DB
from tests.content.hostile_dbs import MUTATIONS, PLAN, TARGET, Mutation, apply_sql, mutated_copy
from tests.reliability.conftest import EXAMPLES, SOAK, Figures

#: Seconds a command may take on a crafted file before it counts as a hang (an export of the
#: real content takes about a second).
TIMEOUT_S = 60.0

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("show", PLAN),
    ("plans",),
    ("show", TARGET),
    ("targets",),
    ("figures", "--format", "csv"),
    ("search", "digital"),
    ("show", "briefing", "--format", "json"),
    ("export", "{out}"),
)

_tally: dict[str, Any] = {"runs": 0, "ok": 0, "refused": 0, "status_70": 0, "hangs": 0}


def _cases() -> list[tuple[Mutation, tuple[str, ...]]]:
    if SOAK:
        return [(m, c) for m in MUTATIONS for c in COMMANDS]
    return [(m, COMMANDS[i % len(COMMANDS)]) for i, m in enumerate(MUTATIONS)]


@pytest.fixture(scope="module", autouse=True)
def _report(figures: Figures) -> Iterator[None]:
    started = time.perf_counter()
    yield
    figures.record(
        "hostile content databases",
        mutations=len(MUTATIONS),
        **_tally,
        seconds=round(time.perf_counter() - started, 1),
    )


def run_command(content: Path, command: tuple[str, ...], tmp_path: Path) -> tuple[int, str]:
    """Run one fypdesk command on ``content`` in a child; check the exit contract."""
    argv = [part.replace("{out}", str(tmp_path / "out.pdf")) for part in command]
    env = {
        **os.environ,
        "FYPDESK_DATA_DIR": str(tmp_path / "data"),
        "FYPDESK_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("FYPDESK_DEBUG", None)
    _tally["runs"] += 1
    try:
        done = subprocess.run(
            [sys.executable, "-m", "fypdesk", "--content", str(content), *argv],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        _tally["hangs"] += 1
        pytest.fail(f"fypdesk {' '.join(argv)} did not finish in {TIMEOUT_S:.0f} s")
    err = done.stderr
    if done.returncode == 70:
        _tally["status_70"] += 1
    assert done.returncode in (0, 1), (done.returncode, err)
    assert "Traceback" not in err, err
    if done.returncode == 1:
        _tally["refused"] += 1
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("fypdesk: error: "), err
        assert len(lines[0]) > len("fypdesk: error: ") + 10, err
    else:
        _tally["ok"] += 1
    return done.returncode, err


@pytest.mark.parametrize(
    ("mutation", "command"),
    _cases(),
    ids=[f"{m.name}-{c[0]}" for m, c in _cases()],
)
def test_a_command_on_a_crafted_database_succeeds_or_says_why(
    tmp_path: Path, mutation: Mutation, command: tuple[str, ...]
) -> None:
    path = mutated_copy(tmp_path / "content", mutation)
    code, err = run_command(path, command, tmp_path)
    if mutation.reason is None:
        assert code == 0, err  # a database the build could make is read
    else:
        assert code == 1 and mutation.reason in err, err


# -- generated mutations -----------------------------------------------------------------------

#: Values a crafter might put in any cell.
ODD_VALUES: tuple[object, ...] = (
    None,
    0,
    -1,
    2**63 - 1,
    -(2**63),
    1e308,
    float("inf"),
    -float("inf"),
    1e-300,
    "",
    "x" * 5_000,
    "bogus",
    "briefing",
    "ict",
    "target",
    "\x1b[31m\u202e",
    b"\x00\xff",
    b"plan",
)

#: Every column a crafter can change, by table (the full-text tables are left to FTS5 itself).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nodes": (
        "id", "parent_id", "plan", "kind", "section_kind", "title", "text", "source",
        "position", "depth", "ord", "stated_count",
    ),
    "plans": (
        "slug", "short_title", "ministry", "key_message", "targets_total",
        "targets_total_year", "targets_total_source",
    ),
    "quantities": (
        "id", "role", "plan", "parent_id", "ord", "indicator", "kind", "direction", "qualifier",
        "baseline", "baseline_year", "value", "value_max", "year", "year_stated", "period_start",
        "unit", "eur_unit", "eur_baseline", "eur_value", "eur_qualifier",
        "equivalent_currency", "equivalent_unit", "equivalent_baseline", "equivalent_value",
        "equivalent_qualifier", "source",
    ),
    "meta": ("key", "value"),
}  # fmt: skip


def _cell_changes(seed: int, count: int) -> list[tuple[str, str, int, object]]:
    """``count`` random (table, column, row number, value) changes."""
    rng = random.Random(seed)
    changes = []
    for _ in range(count):
        table = rng.choice(sorted(COLUMNS))
        changes.append(
            (table, rng.choice(COLUMNS[table]), rng.randrange(200), rng.choice(ODD_VALUES))
        )
    return changes


def _generated_copy(folder: Path, changes: list[tuple[str, str, int, object]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "generated.db"
    shutil.copyfile(CONTENT_DB, path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for table, column, row, value in changes:
            # No constraint holds for a crafter: set the cell whatever the table says.
            connection.execute("PRAGMA ignore_check_constraints = ON")
            try:
                connection.execute(
                    f'UPDATE {table} SET "{column}" = ? WHERE rowid ='
                    f" (SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?)",
                    (value, row % max(1, _count(connection, table))),
                )
            except sqlite3.IntegrityError:
                continue  # NOT NULL or UNIQUE: a crafter would rewrite the page instead
    finally:
        connection.close()
    return path


def _count(connection: sqlite3.Connection, table: str) -> int:
    return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


GENERATED = 200 if SOAK else 6


@pytest.mark.parametrize("seed", range(GENERATED))
def test_a_command_on_a_generated_mutation_succeeds_or_says_why(tmp_path: Path, seed: int) -> None:
    changes = _cell_changes(seed, 1 + seed % 3)
    path = _generated_copy(tmp_path / "content", changes)
    for command in COMMANDS if SOAK else (COMMANDS[seed % len(COMMANDS)],):
        run_command(path, command, tmp_path)


def _read_everything(repository: ContentRepository) -> None:
    """Every read the commands and the window make, over every node."""
    repository.info()
    repository.briefing()
    repository.plans()
    repository.quantities()
    repository.outline()
    repository.search("digital")
    for node in repository.nodes():
        repository.detail(node.id)
        repository.child_branches(node.id)
        repository.subtree_target_counts(node.id)


@settings(
    max_examples=max(20, EXAMPLES // 3),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, 4))
def test_an_accepted_database_reads_without_error(
    tmp_path_factory: pytest.TempPathFactory, seed: int, count: int
) -> None:
    """Whatever a crafted file holds, it is refused at open or every read of it works."""
    path = _generated_copy(tmp_path_factory.mktemp("generated"), _cell_changes(seed, count))
    try:
        repository = ContentRepository.open(path)
    except ContentUnavailableError:
        return
    try:
        _read_everything(repository)
    finally:
        repository.close()


def test_the_mutations_apply(tmp_path: Path) -> None:
    """Each SQL mutation changes the file (a typo in the table would test nothing)."""
    original = CONTENT_DB.read_bytes()
    for mutation in MUTATIONS:
        path = mutated_copy(tmp_path / mutation.name, mutation)
        if path.is_file() and mutation.replace is None:
            assert path.read_bytes() != original, mutation.name


def test_apply_sql_writes_through_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    shutil.copyfile(CONTENT_DB, path)
    apply_sql(path, "CREATE TABLE extra (x)")
    with pytest.raises(ContentUnavailableError, match="extra"):
        ContentRepository.open(path)
