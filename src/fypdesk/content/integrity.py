"""Check a content database's structure once, when it is opened: a content file is input.

A content database from elsewhere (``--content``, and packs later) can be crafted: extra views and
triggers (a recursive view named like a table loops every query on it), values of the wrong type
or size, an unknown kind, a ``parent_id`` cycle. The reader turns rows into domain values without
further checks, so everything it relies on is checked here first, with a few aggregate queries
(one scan per table and one walk of the tree), and a file that fails is refused with one line
naming the first problem found.

What is checked:

* the schema is exactly the one the build makes for the file's schema version
  (:data:`EXPECTED_SCHEMAS`: a pack of schema 1, before equivalents in other currencies than the
  euro, is still read): no view, trigger, table or index of its own, and every table as it was
  created;
* the ``meta`` facts are the build's, and the briefing's JSON has its fields with their types;
* every column holds what the reader expects: text where text is read (within a size limit, and
  without control characters, :data:`~fypdesk.content.constants.CONTROL_CHARACTERS`: the
  briefing's and the manifest's texts too), known values of the domain enums, whole numbers
  where ints are read, finite numbers of sane magnitude where figures are read, plausible years;
* the tree: one root (the briefing, first in reading order), every parent exists one level up and
  earlier in reading order (so no cycle, no node its own parent), depths never jump by more than
  one level, plans follow parents, each plan row and quantity row belongs to the node that says
  so. Not checked (it would triple the cost of the tree check at x1000): that each subtree is one
  run of ``ord``; a crafted file that breaks it gets wrong subtree counts and a filtered
  navigator that places a node under another parent, nothing worse;
* the full-text indexes' configuration is the build's.

What is not: the full-text indexes' own b-trees (FTS5 checks their records as it reads them, and a
damaged page is an error, which the reader reports), and the meaning of the texts.

The connection is opened by the repository with ``trusted_schema=OFF``, ``cell_size_check=ON``, no
memory mapping and a cap on the length of any value (:func:`harden`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from fypdesk.content.constants import (
    CONTROL_CHARACTERS,
    MAX_SECTION_KIND,
    MAX_YEAR,
    MIN_YEAR,
    READABLE_SCHEMA_VERSIONS,
    SCHEMA_VERSION,
)
from fypdesk.domain.content import (
    PACK_FORMAT,
    PACK_FORMAT_VERSION,
    Direction,
    NodeKind,
    Qualifier,
    QuantityKind,
    QuantityRole,
    SectionKind,
)
from fypdesk.domain.errors import ContentUnavailableError

#: Bumped whenever the checks change: a record of a database checked by other rules is not reused.
#: 2: the pack manifest; 3: no control characters in any text; 4: a publisher's own section kinds;
#: 5: schema 2 (an equivalent in another currency than the euro), and schema 1 still read.
CHECKS_VERSION = 5

#: Deepest node (the briefing is at depth 0; the build makes at most 5 levels below it). Every
#: recursive query of the reader stops here too, so even an unchecked cycle cannot loop.
MAX_DEPTH = 32
#: Longest id, title, short label (unit, short title, ministry...) and text (a node's text, its
#: source quote, a key message), in characters. The authored content stays far below (titles
#: under 120, texts under 800).
MAX_ID = 200
MAX_TITLE = 500
MAX_LABEL = 500
MAX_TEXT = 20_000
#: Longest ``meta`` value (the briefing's JSON is about 1,400 characters).
MAX_META = 100_000
#: Longest value SQLite will build or return on the connection, in bytes: anything larger
#: (a 40 MB title) is an error when it is read, not a 40 MB string in a widget or a PDF.
MAX_VALUE_BYTES = 1 << 20
#: Figures: finite, at most this large in magnitude, and zero or at least :data:`MIN_MAGNITUDE`
#: (a ratio of two figures then stays finite).
MAX_MAGNITUDE = 1e15
MIN_MAGNITUDE = 1e-9
#: Counts (stated numbers of targets, positions among siblings).
MAX_COUNT = 10_000_000

_META_KEYS = frozenset({"briefing", "builder", "content_version", "schema_version", "source_hash"})
_MANIFEST_KEYS = frozenset(
    {
        "format",
        "format_version",
        "schema_version",
        "id",
        "edition",
        "title",
        "publisher",
        "date",
        "languages",
        "period",
        "licence",
        "documents",
        "content_sha256",
    }
)
_BRIEFING_TEXTS = (
    "attribution",
    "closing",
    "contact",
    "date",
    "publisher",
    "source",
    "title",
)
_BRIEFING_YEARS = ("period_end", "period_start")

#: The ``quantities`` table of schema 1, and the columns schema 2 adds to it (after the euro's).
_QUANTITIES_V1 = (
    'CREATE TABLE quantities ( id VARCHAR NOT NULL, role VARCHAR NOT NULL, "plan" VARCHAR'
    " NOT NULL, parent_id VARCHAR NOT NULL, ord INTEGER NOT NULL, indicator TEXT NOT NULL,"
    " kind VARCHAR NOT NULL, direction VARCHAR NOT NULL, qualifier VARCHAR, baseline FLOAT,"
    " baseline_year INTEGER, value FLOAT NOT NULL, value_max FLOAT, year INTEGER NOT NULL,"
    " year_stated BOOLEAN NOT NULL, period_start INTEGER, unit VARCHAR NOT NULL,"
    " eur_unit VARCHAR, eur_baseline FLOAT, eur_value FLOAT, eur_qualifier VARCHAR,"
    " source TEXT NOT NULL, PRIMARY KEY (id), FOREIGN KEY(id) REFERENCES nodes (id) )"
)
_QUANTITIES_V2 = _QUANTITIES_V1.replace(
    " eur_qualifier VARCHAR,",
    " eur_qualifier VARCHAR, equivalent_currency VARCHAR, equivalent_unit VARCHAR,"
    " equivalent_baseline FLOAT, equivalent_value FLOAT, equivalent_qualifier VARCHAR,",
)

#: ``sqlite_master`` as the build writes it, but for the ``quantities`` table: (type, name, table,
#: SQL with runs of white space as one space).
_SCHEMA_BUT_QUANTITIES: frozenset[tuple[str, str, str, str | None]] = frozenset(
    {
        ("index", "ix_nodes_parent_id", "nodes",
         "CREATE INDEX ix_nodes_parent_id ON nodes (parent_id)"),
        ("index", "ix_nodes_plan", "nodes", 'CREATE INDEX ix_nodes_plan ON nodes ("plan")'),
        ("index", "ix_quantities_plan", "quantities",
         'CREATE INDEX ix_quantities_plan ON quantities ("plan")'),
        ("index", "ix_quantities_plan_role", "quantities",
         'CREATE INDEX ix_quantities_plan_role ON quantities ("plan", role)'),
        ("index", "ix_quantities_role", "quantities",
         "CREATE INDEX ix_quantities_role ON quantities (role)"),
        ("index", "sqlite_autoindex_meta_1", "meta", None),
        ("index", "sqlite_autoindex_nodes_1", "nodes", None),
        ("index", "sqlite_autoindex_nodes_2", "nodes", None),
        ("index", "sqlite_autoindex_plans_1", "plans", None),
        ("index", "sqlite_autoindex_quantities_1", "quantities", None),
        ("table", "meta", "meta",
         'CREATE TABLE meta ( "key" VARCHAR NOT NULL, value TEXT NOT NULL, PRIMARY KEY ("key") )'),
        ("table", "nodes", "nodes",
         'CREATE TABLE nodes ( id VARCHAR NOT NULL, parent_id VARCHAR, "plan" VARCHAR,'
         " kind VARCHAR NOT NULL, section_kind VARCHAR, title TEXT NOT NULL, text TEXT,"
         " source TEXT NOT NULL, position INTEGER NOT NULL, depth INTEGER NOT NULL,"
         " ord INTEGER NOT NULL, stated_count INTEGER, PRIMARY KEY (id),"
         " FOREIGN KEY(parent_id) REFERENCES nodes (id), UNIQUE (ord) )"),
        ("table", "plans", "plans",
         "CREATE TABLE plans ( slug VARCHAR NOT NULL, short_title VARCHAR NOT NULL,"
         " ministry VARCHAR, key_message TEXT NOT NULL, targets_total INTEGER,"
         " targets_total_year INTEGER, targets_total_source TEXT, PRIMARY KEY (slug),"
         " FOREIGN KEY(slug) REFERENCES nodes (id) )"),
        ("table", "search_trigram", "search_trigram",
         "CREATE VIRTUAL TABLE search_trigram USING fts5(node_id UNINDEXED, title, body,"
         " tokenize = 'trigram')"),
        ("table", "search_words", "search_words",
         "CREATE VIRTUAL TABLE search_words USING fts5(node_id UNINDEXED, title, body,"
         " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"),
        *(
            ("table", f"{fts}_{shadow}", f"{fts}_{shadow}", f"CREATE TABLE '{fts}_{shadow}'({cols}")
            for fts in ("search_trigram", "search_words")
            for shadow, cols in (
                ("config", "k PRIMARY KEY, v) WITHOUT ROWID"),
                ("content", "id INTEGER PRIMARY KEY, c0, c1, c2)"),
                ("data", "id INTEGER PRIMARY KEY, block BLOB)"),
                ("docsize", "id INTEGER PRIMARY KEY, sz BLOB)"),
                ("idx", "segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID"),
            )
        ),
    }
)  # fmt: skip

#: ``sqlite_master`` of each schema version the reader opens
#: (:data:`~fypdesk.content.constants.READABLE_SCHEMA_VERSIONS`).
EXPECTED_SCHEMAS: dict[int, frozenset[tuple[str, str, str, str | None]]] = {
    1: _SCHEMA_BUT_QUANTITIES | {("table", "quantities", "quantities", _QUANTITIES_V1)},
    2: _SCHEMA_BUT_QUANTITIES | {("table", "quantities", "quantities", _QUANTITIES_V2)},
}
#: The schema a build writes today. tests/content/test_hostile_content.py checks it against the
#: committed database, tests/content/test_build.py that this is what the source builds.
EXPECTED_SCHEMA = EXPECTED_SCHEMAS[SCHEMA_VERSION]

#: What each FTS5 index's ``_config`` table holds (a stored ``rank`` or other option would change
#: how the index is read).
_FTS_CONFIG = [("version", 4)]

_WHITE_SPACE = re.compile(r"\s+")


def harden(connection: sqlite3.Connection) -> None:
    """Set a connection to an untrusted content file up before its first query: no functions
    run from the schema, every cell's size checked as it is read, no memory mapping, and no value
    longer than :data:`MAX_VALUE_BYTES`."""
    connection.execute("PRAGMA trusted_schema=OFF")
    connection.execute("PRAGMA cell_size_check=ON")
    connection.execute("PRAGMA mmap_size=0")
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)


def check_structure(connection: sqlite3.Connection, path: Path) -> None:
    """Check that the database on ``connection`` is shaped as the build makes it.

    Raises:
        ContentUnavailableError: the first problem found, in one line naming ``path``.
    """
    try:
        _check_schema(connection, path)
        _check_meta(connection, path)
        version = _schema_version(connection)
        for table, checks in _column_checks(version).items():
            _check_columns(connection, path, table, checks)
        for table, columns in _text_columns(version).items():
            _check_characters(connection, path, table, columns)
        _check_tree(connection, path)
        _check_links(connection, path)
        for fts in ("search_words", "search_trigram"):
            config = [tuple(row) for row in connection.execute(f"SELECT k, v FROM {fts}_config")]
            if config != _FTS_CONFIG:
                raise _refused(path, f"the search index {fts} is configured differently")
    except sqlite3.Error as exc:
        raise ContentUnavailableError(
            f"the content database {path} is damaged or not one fypdesk builds: {exc}"
        ) from exc


def _refused(path: Path, problem: str) -> ContentUnavailableError:
    return ContentUnavailableError(
        f"the content database {path} is not one fypdesk can read: {problem}"
    )


def _shown(value: object) -> str:
    """A value for a message: ASCII (no control or bidi characters reach the terminal), short."""
    text = ascii(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _schema_version(connection: sqlite3.Connection) -> int:
    """The schema version the file says it has (``PRAGMA user_version``): the one its schema is
    checked against, or today's if it is none the reader opens (the reader refuses those)."""
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    return int(version) if version in READABLE_SCHEMA_VERSIONS else SCHEMA_VERSION


def _check_schema(connection: sqlite3.Connection, path: Path) -> None:
    expected_schema = EXPECTED_SCHEMAS[_schema_version(connection)]
    found = {
        (kind, name, table, None if sql is None else _WHITE_SPACE.sub(" ", sql))
        for kind, name, table, sql in connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
        )
    }
    # Views and triggers first: they are what turns a read into a loop or a lie.
    rank = {"view": 0, "trigger": 1, "table": 2}
    extra = sorted(found - expected_schema, key=lambda row: (rank.get(row[0], 3), str(row[1])))
    if extra:
        kind, name, *_ = extra[0]
        expected = {row[1]: row[0] for row in expected_schema}
        if name in expected:
            problem = f"its {kind} {_shown(name)} is not the {expected[name]} the build makes"
        else:
            article = "an" if kind == "index" else "a"
            problem = f"it has {article} {kind} of its own, {_shown(name)}"
        raise _refused(path, problem)
    missing = sorted(expected_schema - found, key=lambda row: row[1])
    if missing:
        raise _refused(path, f"it has no {missing[0][0]} {missing[0][1]}")


def _check_meta(connection: sqlite3.Connection, path: Path) -> None:
    rows = connection.execute(
        "SELECT key, value FROM meta"
        " WHERE typeof(key) = 'text' AND typeof(value) = 'text' AND length(value) <= ?",
        (MAX_META,),
    ).fetchall()
    (count,) = connection.execute("SELECT count(*) FROM meta").fetchone()
    meta = dict(rows)
    # A database built before packs has no manifest; it is read as before.
    if count != len(rows) or set(meta) not in (_META_KEYS, _META_KEYS | {"manifest"}):
        raise _refused(path, "its build facts (table meta) are not the build's")
    version = _schema_version(connection)
    if meta["schema_version"] != str(version):
        raise _refused(path, f"it says it has content schema {_shown(meta['schema_version'])}")
    try:
        briefing = json.loads(meta["briefing"])
    except (ValueError, RecursionError):
        briefing = None
    if not _briefing_ok(briefing):
        raise _refused(path, "the briefing's facts (meta.briefing) are not the build's JSON")
    if "manifest" in meta:
        _check_manifest(meta["manifest"], path, version)


def _check_manifest(text: str, path: Path, schema_version: int) -> None:
    """The pack manifest: JSON of the build's shape, of a format version this fypdesk reads."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        raise _refused(path, "its pack manifest is not a fypdesk pack's JSON")
    version = data.get("format_version")
    if type(version) is int and version > PACK_FORMAT_VERSION:
        raise _refused(
            path, f"it is a pack of a newer format ({version}): update fypdesk to read it"
        )
    if not _manifest_ok(data, schema_version):
        raise _refused(path, "its pack manifest is not a fypdesk pack's JSON")


def _manifest_ok(data: dict[str, object], schema_version: int) -> bool:
    period = data.get("period")
    texts = ("id", "edition", "title", "publisher", "date", "content_sha256")
    return (
        set(data) == _MANIFEST_KEYS
        and data["format_version"] == PACK_FORMAT_VERSION
        and data["schema_version"] == schema_version
        and all(_short_text(data[key], MAX_TITLE) and data[key] for key in texts)
        and (data["licence"] is None or _short_text(data["licence"], MAX_TEXT))
        and _short_texts(data["languages"], 50, MAX_ID)
        and _short_texts(data["documents"], 1000, MAX_TEXT)
        and isinstance(period, dict)
        and set(period) == {"start", "end"}
        and _year(period["start"])
        and _year(period["end"])
    )


def _short_texts(value: object, count: int, limit: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= count
        and all(_short_text(item, limit) for item in value)
    )


def _briefing_ok(data: object) -> bool:
    if not isinstance(data, dict) or set(data) != {
        *_BRIEFING_TEXTS,
        *_BRIEFING_YEARS,
        "introduction",
    }:
        return False
    intro = data["introduction"]
    return (
        all(_short_text(data[key], MAX_TEXT) for key in _BRIEFING_TEXTS)
        and all(_year(data[key]) for key in _BRIEFING_YEARS)
        and isinstance(intro, list)
        and len(intro) <= 1000
        and all(_short_text(paragraph, MAX_TEXT) for paragraph in intro)
    )


def _short_text(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit and not CONTROL_CHARACTERS.search(value)


def _year(value: object) -> bool:
    return type(value) is int and MIN_YEAR <= value <= MAX_YEAR


# -- columns -----------------------------------------------------------------------------------


def _text(column: str, limit: int, *, null: bool = False) -> str:
    test = f"(typeof({column}) = 'text' AND length({column}) <= {limit})"
    return f"({column} IS NULL OR {test})" if null else test


def _choice(column: str, values: Iterable[str], *, null: bool = False) -> str:
    listed = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    test = f"(typeof({column}) = 'text' AND {column} IN ({listed}))"
    return f"({column} IS NULL OR {test})" if null else test


def _integer(column: str, low: int, high: int, *, null: bool = False) -> str:
    test = f"(typeof({column}) = 'integer' AND {column} BETWEEN {low} AND {high})"
    return f"({column} IS NULL OR {test})" if null else test


def _figure(column: str, *, null: bool = False) -> str:
    # BETWEEN, not abs(): abs() of the smallest integer is an overflow error. An infinity is
    # outside any range; a NaN is read as NULL.
    test = (
        f"(typeof({column}) IN ('integer', 'real')"
        f" AND {column} BETWEEN {-MAX_MAGNITUDE!r} AND {MAX_MAGNITUDE!r}"
        f" AND ({column} = 0 OR {column} NOT BETWEEN {-MIN_MAGNITUDE!r} AND {MIN_MAGNITUDE!r}))"
    )
    return f"({column} IS NULL OR {test})" if null else test


def _section_kind(column: str) -> str:
    """A built-in kind, or a publisher's own: lowercase words and digits joined by single hyphens
    (:data:`~fypdesk.content.constants.OWN_SECTION_KIND`), or NULL."""
    own = (
        f"(typeof({column}) = 'text' AND length({column}) BETWEEN 1 AND {MAX_SECTION_KIND}"
        f" AND {column} NOT GLOB '*[^a-z0-9-]*' AND {column} NOT GLOB '-*'"
        f" AND {column} NOT GLOB '*-' AND {column} NOT GLOB '*--*')"
    )
    return f"({column} IS NULL OR {_choice(column, SectionKind)} OR {own})"


def _years(column: str, *, null: bool = False) -> str:
    return _integer(column, MIN_YEAR, MAX_YEAR, null=null)


#: Per table, (what a failing row has, the condition every row must meet), in schema 1.
_COLUMN_CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "nodes": (
        ("an id that is not short text", _text("id", MAX_ID)),
        ("a parent_id that is not an id", _text("parent_id", MAX_ID, null=True)),
        ("a plan that is not an id", _text("plan", MAX_ID, null=True)),
        ("an unknown kind", _choice("kind", NodeKind)),
        ("an unknown section_kind", _section_kind("section_kind")),
        (
            "a section_kind on a node that is not a section (or a section without one)",
            "((kind = 'section') = (section_kind IS NOT NULL))",
        ),
        ("a title that is not text or too long", _text("title", MAX_TITLE)),
        ("a text that is not text or too long", _text("text", MAX_TEXT, null=True)),
        ("a source that is not text or too long", _text("source", MAX_TEXT)),
        ("a position that is not a small whole number", _integer("position", 0, MAX_COUNT)),
        ("a depth that is not a small whole number", _integer("depth", 0, MAX_DEPTH)),
        ("an ord that is not a whole number", _integer("ord", 0, 2**62)),
        ("a stated_count that is not a count", _integer("stated_count", 0, MAX_COUNT, null=True)),
    ),
    "plans": (
        ("a slug that is not an id", _text("slug", MAX_ID)),
        ("a short_title that is not short text", _text("short_title", MAX_LABEL)),
        ("a ministry that is not short text", _text("ministry", MAX_LABEL, null=True)),
        ("a key_message that is not text or too long", _text("key_message", MAX_TEXT)),
        ("a targets_total that is not a count", _integer("targets_total", 0, MAX_COUNT, null=True)),
        ("a targets_total_year that is not a year", _years("targets_total_year", null=True)),
        (
            "a targets_total_source that is not text or too long",
            _text("targets_total_source", MAX_TEXT, null=True),
        ),
        (
            "a targets_total without its year and source (or the other way round)",
            "((targets_total IS NULL) = (targets_total_year IS NULL)"
            " AND (targets_total IS NULL) = (targets_total_source IS NULL))",
        ),
    ),
    "quantities": (
        ("an id that is not short text", _text("id", MAX_ID)),
        ("an unknown role", _choice("role", QuantityRole)),
        ("a plan that is not an id", _text("plan", MAX_ID)),
        ("a parent_id that is not an id", _text("parent_id", MAX_ID)),
        ("an ord that is not a whole number", _integer("ord", 0, 2**62)),
        ("an indicator that is not text or too long", _text("indicator", MAX_TEXT)),
        ("an unknown kind", _choice("kind", QuantityKind)),
        ("an unknown direction", _choice("direction", Direction)),
        ("an unknown qualifier", _choice("qualifier", Qualifier, null=True)),
        ("a baseline that is not a finite number of sane size", _figure("baseline", null=True)),
        ("a baseline_year that is not a year", _years("baseline_year", null=True)),
        ("a value that is not a finite number of sane size", _figure("value")),
        ("a value_max that is not a finite number of sane size", _figure("value_max", null=True)),
        ("a year that is not a year", _years("year")),
        ("a year_stated that is not 0 or 1", _integer("year_stated", 0, 1)),
        ("a period_start that is not a year", _years("period_start", null=True)),
        ("a unit that is not short text", _text("unit", MAX_LABEL)),
        ("a eur_unit that is not short text", _text("eur_unit", MAX_LABEL, null=True)),
        (
            "a eur_baseline that is not a finite number of sane size",
            _figure("eur_baseline", null=True),
        ),
        ("a eur_value that is not a finite number of sane size", _figure("eur_value", null=True)),
        ("an unknown eur_qualifier", _choice("eur_qualifier", Qualifier, null=True)),
        ("a source that is not text or too long", _text("source", MAX_TEXT)),
    ),
}

#: What schema 2 adds: the equivalent in a currency other than the euro.
_EQUIVALENT_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "an equivalent_currency that is not a currency code other than EUR",
        "(equivalent_currency IS NULL OR (typeof(equivalent_currency) = 'text'"
        " AND equivalent_currency GLOB '[A-Z][A-Z][A-Z]' AND equivalent_currency != 'EUR'))",
    ),
    (
        "an equivalent_unit that is not short text",
        _text("equivalent_unit", MAX_LABEL, null=True),
    ),
    (
        "an equivalent_currency without its unit (or the other way round)",
        "((equivalent_currency IS NULL) = (equivalent_unit IS NULL))",
    ),
    (
        "an equivalent_baseline that is not a finite number of sane size",
        _figure("equivalent_baseline", null=True),
    ),
    (
        "an equivalent_value that is not a finite number of sane size",
        _figure("equivalent_value", null=True),
    ),
    (
        "an unknown equivalent_qualifier",
        _choice("equivalent_qualifier", Qualifier, null=True),
    ),
)


def _column_checks(version: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """The column checks of a file of schema ``version``."""
    if version < 2:
        return _COLUMN_CHECKS
    return _COLUMN_CHECKS | {"quantities": _COLUMN_CHECKS["quantities"] + _EQUIVALENT_CHECKS}


_KEYS = {"nodes": "id", "plans": "slug", "quantities": "id"}

#: Per table, the columns of text in schema 1 (checked to be text, or NULL, by
#: :func:`_column_checks` first).
_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "nodes": ("id", "parent_id", "plan", "section_kind", "title", "text", "source"),
    "plans": ("slug", "short_title", "ministry", "key_message", "targets_total_source"),
    "quantities": ("id", "plan", "parent_id", "indicator", "unit", "eur_unit", "source"),
}


def _text_columns(version: int) -> dict[str, tuple[str, ...]]:
    """The columns of text of a file of schema ``version``."""
    if version < 2:
        return _TEXT_COLUMNS
    return _TEXT_COLUMNS | {"quantities": (*_TEXT_COLUMNS["quantities"], "equivalent_unit")}


def _check_columns(
    connection: sqlite3.Connection, path: Path, table: str, checks: tuple[tuple[str, str], ...]
) -> None:
    """One scan of ``table`` for a row failing a check; if there is one, the rows failing each
    check are counted and the first failing check is reported with the key of one such row."""
    every = " AND ".join(condition for _, condition in checks)
    (bad,) = connection.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE NOT coalesce({every}, 0))"
    ).fetchone()
    if not bad:
        return  # the usual case: one pass, each row's checks stopping at the first that fails
    sums = ", ".join(f"sum(NOT coalesce({condition}, 0))" for _, condition in checks)
    counts = connection.execute(f"SELECT {sums} FROM {table}").fetchone()
    for (problem, condition), failing in zip(checks, counts, strict=True):
        if failing:
            (key,) = connection.execute(
                f"SELECT substr({_KEYS[table]}, 1, 60) FROM {table}"
                f" WHERE NOT coalesce({condition}, 0) LIMIT 1"
            ).fetchone()
            rows = "1 row" if failing == 1 else f"{failing} rows"
            verb = "has" if failing == 1 else "have"
            raise _refused(path, f"{rows} of {table} {verb} {problem} (one: {_shown(key)})")


def _check_characters(
    connection: sqlite3.Connection, path: Path, table: str, columns: tuple[str, ...]
) -> None:
    """No text of ``table`` holds a control character (:data:`CONTROL_CHARACTERS`).

    Searched in Python, one regular expression over each row's texts joined: SQLite's ``GLOB``
    with a character class tests every character against it, three times slower than reading the
    texts out (2 s against 0.7 s for 190 MB of text).
    """
    joined = " || char(10) || ".join(f"coalesce({column}, '')" for column in columns)
    search = CONTROL_CHARACTERS.search
    cursor = connection.execute(f"SELECT {joined} FROM {table}")
    for (text,) in cursor:
        if search(text):
            cursor.close()
            _refuse_characters(connection, path, table, columns)


def _refuse_characters(
    connection: sqlite3.Connection, path: Path, table: str, columns: tuple[str, ...]
) -> None:
    """Raise for the first row and column of ``table`` with a control character (only on
    refusal: a second, slower pass that names them)."""
    key = _KEYS[table]
    for row in connection.execute(f"SELECT {key}, {', '.join(columns)} FROM {table}"):
        for column, value in zip(columns, row[1:], strict=True):
            found = CONTROL_CHARACTERS.search(value or "")
            if found is not None:
                code = f"U+{ord(found.group()):04X}"
                raise _refused(
                    path,
                    f"{table}.{column} holds a control character ({code})"
                    f" (one: {_shown(str(row[0])[:60])})",
                )
    raise _refused(path, f"a text of {table} holds a control character")  # pragma: no cover


# -- the tree and the links between tables -----------------------------------------------------


def _check_tree(connection: sqlite3.Connection, path: Path) -> None:
    roots = connection.execute(
        "SELECT id, kind, depth, ord FROM nodes WHERE parent_id IS NULL LIMIT 2"
    ).fetchall()
    if len(roots) != 1:
        raise _refused(path, f"its tree has {'no root' if not roots else 'several roots'}")
    if roots[0][1] != NodeKind.BRIEFING.value or roots[0][2] != 0 or roots[0][3] != 0:
        raise _refused(path, f"its root {_shown(roots[0][0])} is not the briefing")
    first, last, total = connection.execute(
        "SELECT min(ord), max(ord), count(*) FROM nodes"
    ).fetchone()
    if first != 0 or last != total - 1:
        raise _refused(path, "its reading order (nodes.ord) is not 0, 1, 2, ...")
    misplaced = connection.execute(_MISPLACED_SQL).fetchone()
    if misplaced is not None:
        raise _refused(path, _tree_problem(connection, misplaced[0]))


#: The first node (other than the root) that is not where the build puts it. Its parent exists,
#: one level up and earlier in reading order: so along any chain of parents ``ord`` falls, which
#: rules out cycles and nodes that are their own parent, and every chain ends at the one root.
#: The node before it in reading order is its parent or at least as deep (a depth never jumps by
#: more than one, so the outline's "nearest node before with a smaller depth" always exists).
#: A node's plan follows its parent's (a plan's is its own id). Two index probes per node, no
#: walk of the tree, no window pass (both cost three times as much at x1000).
_MISPLACED_SQL = (
    "SELECT c.id FROM nodes AS c"
    " LEFT JOIN nodes AS p ON p.id = c.parent_id"
    " LEFT JOIN nodes AS a ON a.ord = c.ord - 1"
    " WHERE c.parent_id IS NOT NULL AND NOT coalesce("
    "  p.depth = c.depth - 1 AND p.ord < c.ord"
    "  AND (CASE WHEN c.depth = 1"
    "   THEN (c.kind = 'plan' AND c.plan IS c.id) OR (c.kind != 'plan' AND c.plan IS NULL)"
    "   ELSE c.plan IS p.plan END)"
    "  AND c.depth <= a.depth + 1 AND (c.depth <= a.depth OR c.parent_id IS a.id), 0)"
    " LIMIT 1"
)


def _tree_problem(connection: sqlite3.Connection, node_id: object) -> str:
    """What is wrong with the tree around ``node_id`` (slower queries: only on refusal)."""
    orphan = connection.execute(
        "SELECT c.id FROM nodes AS c WHERE c.parent_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM nodes AS p WHERE p.id = c.parent_id) LIMIT 1"
    ).fetchone()
    if orphan is not None:
        return f"the parent of {_shown(orphan[0])} does not exist"
    (total,) = connection.execute("SELECT count(*) FROM nodes").fetchone()
    # Walk down from the root, at most MAX_DEPTH levels and one row more than there are nodes:
    # a node in a cycle (or its own parent) is never reached, and the walk always ends.
    (reached,) = connection.execute(
        "WITH RECURSIVE down(id, level) AS ("
        " SELECT id, 0 FROM nodes WHERE parent_id IS NULL"
        " UNION ALL SELECT n.id, down.level + 1 FROM nodes AS n JOIN down"
        " ON n.parent_id = down.id WHERE down.level < ? LIMIT ?)"
        " SELECT count(DISTINCT id) FROM down",
        (MAX_DEPTH, total + 1),
    ).fetchone()
    if reached < total:
        return f"{total - reached} of its nodes are not below the root (a parent cycle)"
    return f"its depths, plans or reading order do not follow the tree (at {_shown(node_id)})"


def _check_links(connection: sqlite3.Connection, path: Path) -> None:
    checks = (
        (
            "a plan is not a plan node",
            "SELECT p.slug FROM plans AS p WHERE NOT EXISTS (SELECT 1 FROM nodes AS n"
            " WHERE n.id = p.slug AND n.kind = 'plan' AND n.plan IS p.slug) LIMIT 1",
        ),
        (
            "a plan node has no plan row",
            "SELECT n.id FROM nodes AS n WHERE n.kind = 'plan'"
            " AND NOT EXISTS (SELECT 1 FROM plans AS p WHERE p.slug = n.id) LIMIT 1",
        ),
        (
            "a quantity does not match its node",
            "SELECT q.id FROM quantities AS q WHERE NOT EXISTS (SELECT 1 FROM nodes AS n"
            " WHERE n.id = q.id AND n.kind = q.role AND n.plan IS q.plan"
            " AND n.parent_id IS q.parent_id AND n.ord = q.ord) LIMIT 1",
        ),
        (
            "a target or figure node has no quantity",
            "SELECT n.id FROM nodes AS n WHERE n.kind IN ('target', 'figure')"
            " AND NOT EXISTS (SELECT 1 FROM quantities AS q WHERE q.id = n.id) LIMIT 1",
        ),
    )
    for problem, sql in checks:
        row = connection.execute(sql).fetchone()
        if row is not None:
            raise _refused(path, f"{problem} ({_shown(row[0])})")
