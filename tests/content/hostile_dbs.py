"""Crafted content databases: a table of structural mutations of a copy of ``data/fyp.db``.

Each mutation is SQL run on a writable copy (with ``writable_schema`` on, for the few that need
it), or a replacement of the file by something that is not a database. Shared by the unit tests
(tests/content/test_hostile_content.py: each one refused at open, with the right reason) and the
hostile-database suite (tests/reliability/test_hostile_content_db.py: real commands on each).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import CONTENT_DB

#: Ids in the committed content (a plan, one of its sections, a target, an item without children).
PLAN = "ict"
SECTION = "ict/targets"
TARGET = "ict/targets/5g-usage-rate"


@dataclass(frozen=True)
class Mutation:
    """One way of crafting a content database; ``reason`` is part of the refusal (None: the
    result is still a valid database and must be read normally)."""

    name: str
    sql: str | None = None
    reason: str | None = None
    replace: Callable[[Path], None] | None = None


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "fyp.db").write_bytes(b"")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(13).randbytes(64 * 1024))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _header_only(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


_RECURSIVE_VIEW = (
    "DROP TABLE quantities;"
    " CREATE VIEW quantities AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)"
    " SELECT NULL AS id, 'target' AS role, NULL AS plan, NULL AS parent_id, x AS ord FROM r"
)

MUTATIONS: tuple[Mutation, ...] = (
    # Controls: still what the build could make; read normally.
    Mutation("other-title", f"UPDATE nodes SET title = 'Another title' WHERE id = '{PLAN}'"),
    Mutation(
        "no-text",
        "UPDATE nodes SET text = NULL WHERE id ="
        " (SELECT id FROM nodes WHERE kind = 'item' AND text IS NOT NULL LIMIT 1)",
    ),
    Mutation(
        "long-word-title", f"UPDATE nodes SET title = printf('%.400c', 'x') WHERE id = '{PLAN}'"
    ),
    # Schema: objects the build does not make.
    Mutation("recursive-view-named-quantities", _RECURSIVE_VIEW, "view 'quantities'"),
    Mutation(
        "view-named-nodes",
        "ALTER TABLE nodes RENAME TO nodes_real; CREATE VIEW nodes AS SELECT * FROM nodes_real",
        "view 'nodes'",
    ),
    Mutation(
        "trigger",
        "CREATE TRIGGER meta_t AFTER INSERT ON meta BEGIN SELECT 1; END",
        "trigger of its own, 'meta_t'",
    ),
    Mutation(
        "trigger-named-like-a-table",
        "CREATE TRIGGER nodes AFTER UPDATE ON plans BEGIN SELECT 1; END",
        "trigger 'nodes'",
    ),
    Mutation("extra-table", "CREATE TABLE extra (x)", "table of its own, 'extra'"),
    Mutation("extra-index", "CREATE INDEX ix_extra ON nodes (lower(title))", "'ix_extra'"),
    Mutation("extra-column", "ALTER TABLE nodes ADD COLUMN extra TEXT", "table 'nodes'"),
    Mutation("missing-index", "DROP INDEX ix_nodes_parent_id", "ix_nodes_parent_id"),
    Mutation(
        "fts-rank-option",
        "INSERT INTO search_words(search_words, rank) VALUES ('rank', 'bm25(10.0)')",
        "search_words",
    ),
    Mutation("application-id", "PRAGMA application_id = 0", "not a fypdesk content database"),
    Mutation("schema-version", "PRAGMA user_version = 3", "content schema 3"),
    # A file saying it has schema 1 (which the reader still opens) must have schema 1's tables.
    Mutation("schema-version-older-than-its-tables", "PRAGMA user_version = 1", "quantities"),
    # meta
    Mutation(
        "briefing-not-json",
        "UPDATE meta SET value = 'not json' WHERE key = 'briefing'",
        "meta.briefing",
    ),
    Mutation(
        "briefing-deep-json",
        f"UPDATE meta SET value = '{_deep_json(50_000)}' WHERE key = 'briefing'",
        "meta.briefing",
    ),
    Mutation(
        "briefing-missing-field",
        "UPDATE meta SET value = json_remove(value, '$.title') WHERE key = 'briefing'",
        "meta.briefing",
    ),
    Mutation(
        "briefing-year-text",
        "UPDATE meta SET value = json_set(value, '$.period_start', 'soon') WHERE key = 'briefing'",
        "meta.briefing",
    ),
    Mutation(
        "briefing-huge-year",
        "UPDATE meta SET value = json_set(value, '$.period_start', 99999999999)"
        " WHERE key = 'briefing'",
        "meta.briefing",
    ),
    Mutation(
        "meta-schema-version",
        "UPDATE meta SET value = 'x' WHERE key = 'schema_version'",
        "content schema 'x'",
    ),
    # The pack manifest.
    Mutation(
        "manifest-not-json",
        "UPDATE meta SET value = '{' WHERE key = 'manifest'",
        "pack manifest is not a fypdesk pack's JSON",
    ),
    Mutation(
        "manifest-foreign-format",
        "UPDATE meta SET value = json_set(value, '$.format', 'zim') WHERE key = 'manifest'",
        "pack manifest is not a fypdesk pack's JSON",
    ),
    Mutation(
        "manifest-newer-format",
        "UPDATE meta SET value = json_set(value, '$.format_version', 99) WHERE key = 'manifest'",
        "a pack of a newer format (99)",
    ),
    Mutation(
        "manifest-missing-id",
        "UPDATE meta SET value = json_remove(value, '$.id') WHERE key = 'manifest'",
        "pack manifest",
    ),
    Mutation(
        "manifest-number-as-title",
        "UPDATE meta SET value = json_set(value, '$.title', 7) WHERE key = 'manifest'",
        "pack manifest",
    ),
    Mutation(
        "manifest-huge-language-list",
        "UPDATE meta SET value = json_set(value, '$.languages', json('[' || substr(replace("
        "hex(zeroblob(500)), '00', '\"en\",'), 1, 2499) || ']')) WHERE key = 'manifest'",
        "pack manifest",
    ),
    # A database built before packs (no manifest) is read as before.
    Mutation("manifest-absent", "DELETE FROM meta WHERE key = 'manifest'"),
    Mutation("meta-extra-key", "INSERT INTO meta VALUES ('extra', 'x')", "table meta"),
    Mutation("meta-missing-key", "DELETE FROM meta WHERE key = 'builder'", "table meta"),
    Mutation("meta-blob", "UPDATE meta SET value = x'00ff' WHERE key = 'builder'", "table meta"),
    # Enums and types.
    Mutation(
        "unknown-kind", f"UPDATE nodes SET kind = 'bogus' WHERE id = '{PLAN}'", "unknown kind"
    ),
    Mutation(
        "kind-as-blob", f"UPDATE nodes SET kind = x'706c616e' WHERE id = '{PLAN}'", "unknown kind"
    ),
    Mutation(
        "section-kind-not-a-slug",
        f"UPDATE nodes SET section_kind = 'Odd <b>kind</b>' WHERE id = '{SECTION}'",
        "unknown section_kind",
    ),
    Mutation(
        "section-kind-too-long",
        f"UPDATE nodes SET section_kind = printf('%.41c', 'k') WHERE id = '{SECTION}'",
        "unknown section_kind",
    ),
    Mutation(
        "section-kind-double-hyphen",
        f"UPDATE nodes SET section_kind = 'risk--factors' WHERE id = '{SECTION}'",
        "unknown section_kind",
    ),
    Mutation(
        "section-kind-on-an-item",
        "UPDATE nodes SET section_kind = 'targets' WHERE kind = 'item'",
        "a section_kind on a node that is not a section",
    ),
    Mutation(
        "section-without-kind",
        f"UPDATE nodes SET section_kind = NULL WHERE id = '{SECTION}'",
        "a section_kind on a node that is not a section",
    ),
    # A publisher's own kind of section is read as any other section.
    Mutation(
        "own-section-kind", f"UPDATE nodes SET section_kind = 'risk-factors' WHERE id = '{SECTION}'"
    ),
    Mutation(
        "unknown-direction", "UPDATE quantities SET direction = 'sideways'", "unknown direction"
    ),
    Mutation(
        "unknown-role",
        f"UPDATE quantities SET role = 'other' WHERE id = '{TARGET}'",
        "unknown role",
    ),
    Mutation("unknown-quantity-kind", "UPDATE quantities SET kind = 'ratio'", "unknown kind"),
    Mutation(
        "unknown-qualifier", "UPDATE quantities SET qualifier = 'roughly'", "unknown qualifier"
    ),
    Mutation("text-in-value", "UPDATE quantities SET value = 'abc'", "a value that"),
    Mutation("infinite-value", "UPDATE quantities SET value = 9e999", "a value that"),
    Mutation("negative-infinite-baseline", "UPDATE quantities SET baseline = -9e999", "a baseline"),
    Mutation("huge-value", "UPDATE quantities SET value = 1e300", "a value that"),
    Mutation("tiny-baseline", "UPDATE quantities SET baseline = 1e-300", "a baseline"),
    Mutation(
        "smallest-integer-value",
        "UPDATE quantities SET value = -9223372036854775808",
        "a value that",
    ),
    Mutation("text-in-year", "UPDATE quantities SET year = 'soon'", "a year that"),
    Mutation("huge-year", "UPDATE quantities SET year = 9223372036854775807", "a year that"),
    Mutation("year-stated-2", "UPDATE quantities SET year_stated = 2", "year_stated"),
    Mutation(
        "text-in-position", f"UPDATE nodes SET position = 'first' WHERE id = '{PLAN}'", "a position"
    ),
    Mutation(
        "negative-stated-count",
        "UPDATE nodes SET stated_count = -1 WHERE id = 'briefing'",
        "stated_count",
    ),
    Mutation(
        "text-in-targets-total",
        f"UPDATE plans SET targets_total = 'many' WHERE slug = '{PLAN}'",
        "targets_total",
    ),
    Mutation("title-as-blob", f"UPDATE nodes SET title = x'00' WHERE id = '{PLAN}'", "a title"),
    # The equivalent in a currency other than the euro (schema 2).
    Mutation(
        "equivalent-in-usd",
        "UPDATE quantities SET equivalent_currency = 'USD', equivalent_unit = 'billion USD',"
        f" equivalent_value = 650, equivalent_qualifier = 'approx.' WHERE id = '{TARGET}'",
    ),
    Mutation(
        "equivalent-currency-not-a-code",
        "UPDATE quantities SET equivalent_currency = 'dollars', equivalent_unit = 'USD'"
        f" WHERE id = '{TARGET}'",
        "an equivalent_currency that is not a currency code",
    ),
    Mutation(
        "equivalent-in-euros",
        "UPDATE quantities SET equivalent_currency = 'EUR', equivalent_unit = 'EUR'"
        f" WHERE id = '{TARGET}'",
        "an equivalent_currency that is not a currency code other than EUR",
    ),
    Mutation(
        "equivalent-currency-without-unit",
        f"UPDATE quantities SET equivalent_currency = 'USD' WHERE id = '{TARGET}'",
        "an equivalent_currency without its unit",
    ),
    Mutation(
        "equivalent-value-text",
        "UPDATE quantities SET equivalent_currency = 'USD', equivalent_unit = 'USD',"
        f" equivalent_value = 'lots' WHERE id = '{TARGET}'",
        "an equivalent_value that",
    ),
    Mutation(
        "equivalent-unknown-qualifier",
        "UPDATE quantities SET equivalent_currency = 'USD', equivalent_unit = 'USD',"
        f" equivalent_qualifier = 'roughly' WHERE id = '{TARGET}'",
        "an unknown equivalent_qualifier",
    ),
    Mutation(
        "bidi-override-in-equivalent-unit",
        "UPDATE quantities SET equivalent_currency = 'USD',"
        f" equivalent_unit = 'USD' || char(0x202e) WHERE id = '{TARGET}'",
        "quantities.equivalent_unit holds a control character (U+202E)",
    ),
    # Control characters (C0 other than tab and line feed, DEL, C1, bidi controls).
    Mutation(
        "bidi-override-in-title",
        f"UPDATE nodes SET title = 'evil' || char(0x202e) || 'txt.exe' WHERE id = '{PLAN}'",
        "nodes.title holds a control character (U+202E)",
    ),
    Mutation(
        "escape-in-quote",
        f"UPDATE nodes SET source = char(27) || ']0;owned' || char(7) WHERE id = '{SECTION}'",
        "nodes.source holds a control character (U+001B)",
    ),
    Mutation(
        "c1-control-in-unit",
        f"UPDATE quantities SET unit = 'bn' || char(0x9b) || '31m' WHERE id = '{TARGET}'",
        "quantities.unit holds a control character (U+009B)",
    ),
    Mutation(
        "isolate-in-ministry",
        f"UPDATE plans SET ministry = char(0x2067) || 'x' WHERE slug = '{PLAN}'",
        "plans.ministry holds a control character (U+2067)",
    ),
    Mutation(
        "control-in-briefing-title",
        "UPDATE meta SET value = json_set(value, '$.title', 'a' || char(8) || 'b')"
        " WHERE key = 'briefing'",
        "meta.briefing",
    ),
    Mutation(
        "bidi-override-in-manifest-title",
        "UPDATE meta SET value = json_set(value, '$.title', 'a' || char(0x202e) || 'b')"
        " WHERE key = 'manifest'",
        "pack manifest",
    ),
    # Tabs, line feeds and right-to-left text are text.
    Mutation(
        "tab-newline-and-arabic",
        f"UPDATE nodes SET text = 'a' || char(9) || 'b' || char(10) || 'السلام' || char(0x200f)"
        f" WHERE id = '{SECTION}'",
    ),
    # Sizes.
    Mutation(
        "long-title",
        f"UPDATE nodes SET title = printf('%.600c', 'x') WHERE id = '{PLAN}'",
        "a title",
    ),
    Mutation(
        "huge-title",
        f"UPDATE nodes SET title = printf('%.2000000c', 'x') WHERE id = '{PLAN}'",
        "too big",
    ),
    Mutation(
        "long-text",
        f"UPDATE nodes SET text = printf('%.30000c', 'y') WHERE id = '{SECTION}'",
        "a text",
    ),
    Mutation("long-unit", "UPDATE quantities SET unit = printf('%.1000c', 'u')", "a unit"),
    # The tree.
    Mutation(
        "parent-cycle",
        f"UPDATE nodes SET parent_id = '{SECTION}' WHERE id = '{PLAN}'",
        "parent cycle",
    ),
    Mutation("own-parent", f"UPDATE nodes SET parent_id = id WHERE id = '{PLAN}'", "parent cycle"),
    Mutation(
        "own-parent-leaf", f"UPDATE nodes SET parent_id = id WHERE id = '{SECTION}'", "parent cycle"
    ),
    Mutation("no-root", f"UPDATE nodes SET parent_id = '{PLAN}' WHERE id = 'briefing'", "no root"),
    Mutation(
        "two-roots", f"UPDATE nodes SET parent_id = NULL WHERE id = '{PLAN}'", "several roots"
    ),
    Mutation(
        "missing-parent",
        f"UPDATE nodes SET parent_id = 'nowhere' WHERE id = '{SECTION}'",
        "does not exist",
    ),
    Mutation(
        "wrong-depth",
        f"UPDATE nodes SET depth = depth + 1 WHERE id = '{SECTION}'",
        "do not follow the tree",
    ),
    Mutation("deep-depth", f"UPDATE nodes SET depth = 1000 WHERE id = '{SECTION}'", "a depth"),
    Mutation(
        "gap-in-reading-order",
        "UPDATE nodes SET ord = 100000 WHERE id = (SELECT id FROM nodes WHERE kind = 'item'"
        " ORDER BY ord LIMIT 1)",
        "reading order",
    ),
    Mutation(
        "child-before-parent",
        f"CREATE TEMP TABLE s AS SELECT ord AS o FROM nodes WHERE id = '{PLAN}';"
        f" UPDATE nodes SET ord = -1 WHERE id = '{PLAN}';"
        " UPDATE nodes SET ord = (SELECT o FROM s) WHERE ord = (SELECT o FROM s) + 1;"
        f" UPDATE nodes SET ord = (SELECT o FROM s) + 1 WHERE id = '{PLAN}'",
        "do not follow the tree",
    ),
    Mutation(
        "node-plan-unknown",
        f"UPDATE nodes SET plan = 'nowhere' WHERE id = '{SECTION}'",
        "do not follow the tree",
    ),
    Mutation("plan-row-missing", f"DELETE FROM plans WHERE slug = '{PLAN}'", "no plan row"),
    Mutation(
        "quantity-row-missing", f"DELETE FROM quantities WHERE id = '{TARGET}'", "no quantity"
    ),
    Mutation(
        "quantity-of-another-node",
        f"UPDATE quantities SET ord = 0 WHERE id = '{TARGET}'",
        "does not match its node",
    ),
    # Not a database at all.
    Mutation("fifo", replace=_fifo, reason="not a regular file"),
    Mutation("directory", replace=_directory, reason="not a regular file"),
    Mutation("empty-file", replace=_empty, reason="content database"),
    Mutation("random-bytes", replace=_random_bytes, reason="content database"),
    Mutation("truncated", replace=_truncated, reason="content database"),
    Mutation("header-only", replace=_header_only, reason="content database"),
)


def mutated_copy(folder: Path, mutation: Mutation) -> Path:
    """A copy of the committed database (without its checksum sidecar) changed by ``mutation``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{mutation.name}.db"
    shutil.copyfile(CONTENT_DB, path)
    if mutation.sql is not None:
        apply_sql(path, mutation.sql)
    if mutation.replace is not None:
        mutation.replace(path)
    return path


def apply_sql(path: Path, sql: str) -> None:
    """Run ``sql`` on the file at ``path`` as a crafter would (no constraint checks)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA writable_schema = ON")
        connection.executescript(sql)
    finally:
        connection.close()
