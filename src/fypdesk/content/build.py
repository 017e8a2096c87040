"""Build the bundled content database from the authored source.

The build is deterministic (same source, same bytes): rows are inserted in reading order, nothing
records a time, and the file is written compacted (vacuumed). It writes to a temporary file beside
the target and renames it into place only when everything succeeded, so a bad source never leaves
a partial database. Beside the database it writes ``<name>.sha256`` (see
:mod:`fypdesk.content.checksum`), which the reader checks the file against.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from fypdesk import __version__
from fypdesk.content import checksum, integrity
from fypdesk.content.constants import APPLICATION_ID, SCHEMA_VERSION, TRIGRAM_TABLE, WORDS_TABLE
from fypdesk.content.schema import (
    ContentBase,
    MetaRow,
    NodeRow,
    PlanRow,
    QuantityRow,
    search_table_ddl,
)
from fypdesk.content.source import AuthoredContent, load_source, normalise_quote
from fypdesk.domain.content import PACK_FORMAT, PACK_FORMAT_VERSION, Node, Quantity
from fypdesk.domain.errors import ContentUnavailableError, FypdeskError


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build wrote."""

    path: Path
    nodes: int
    targets: int
    figures: int
    plans: int
    source_hash: str
    size_bytes: int
    pack: str = ""
    edition: str = ""


def build_database(source_dir: Path, out_path: Path) -> BuildReport:
    """Validate ``source_dir`` and write the content database to ``out_path``.

    Raises:
        SourceValidationError: the source has problems; nothing is written.
        FypdeskError: the output cannot be written; nothing is left behind.
    """
    content = load_source(source_dir)
    out_path = out_path.resolve()
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent
        )
    except OSError as exc:
        raise FypdeskError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    os.close(handle)
    temp_path = Path(temp_name)
    sidecar = checksum.sidecar_path(out_path)
    temp_sidecar = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.tmp")
    try:
        _write(content, temp_path)
        # The checksum is computed from the finished file and installed right after it.
        temp_sidecar.write_text(
            checksum.sidecar_text(temp_path, out_path.name),
            encoding="utf-8",
        )
        temp_path.replace(out_path)
        temp_sidecar.replace(sidecar)
    except (OSError, sqlite3.Error) as exc:
        raise FypdeskError(f"cannot write {out_path}: {exc}") from exc
    finally:
        for leftover in (temp_path, temp_sidecar):
            with contextlib.suppress(OSError):
                leftover.unlink()
    targets = sum(1 for q in content.quantities if q.role.value == "target")
    return BuildReport(
        path=out_path,
        nodes=len(content.nodes),
        targets=targets,
        figures=len(content.quantities) - targets,
        plans=len(content.plans),
        source_hash=content.source_hash,
        size_bytes=out_path.stat().st_size,
        pack=content.pack.id,
        edition=content.briefing.content_version,
    )


def _write(content: AuthoredContent, path: Path) -> None:
    """Fill a staging database in memory, then write it compacted to ``path`` (``VACUUM INTO``).

    Built on a file, every write went through the journal and the page cache, and ``VACUUM`` then
    copied the file twice: about 13 GB written for a 260 MB database at ×1000 (issue 7).
    ``VACUUM INTO`` writes the compacted file once. The price is memory: about the database's
    size.
    """
    path.unlink(missing_ok=True)  # mkstemp made an empty file; VACUUM INTO wants to create it
    staging = sqlite3.connect(":memory:", isolation_level=None)
    try:
        staging.execute(f"PRAGMA application_id={APPLICATION_ID}")
        staging.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        staging.execute("BEGIN")
        _create_tables(staging)
        _insert_rows(staging, content)
        _index(staging, content)
        staging.execute("COMMIT")
        staging.execute("VACUUM INTO ?", (str(path),))
    finally:
        staging.close()
    _check_file(path)


_SEARCH_TABLES = (WORDS_TABLE, TRIGRAM_TABLE)


def _check_file(path: Path) -> None:
    """Check the written file as the reader will open it: SQLite's integrity check, then the
    structure check every reader makes at open (so a source that builds always opens: a text
    past the reader's limits is refused here, at build time, not on the user's laptop)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        (result,) = connection.execute("PRAGMA integrity_check").fetchone()
        if result == "ok":
            try:
                integrity.check_structure(connection, path)
            except ContentUnavailableError as exc:
                raise FypdeskError(
                    f"the built database would be refused by readers: {exc}"
                ) from exc
    finally:
        connection.close()
    if result != "ok":
        raise FypdeskError(f"the built database failed its integrity check: {result}")


def _create_tables(connection: sqlite3.Connection) -> None:
    """Create tables, then their indexes sorted by name, then the search tables.

    ``metadata.create_all`` emits a table's indexes in set order, which follows the per-process
    string hash seed: two builds in two processes would differ. Sorting makes the DDL stable.
    """
    dialect = sqlite_dialect()
    for table in ContentBase.metadata.sorted_tables:
        connection.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda ix: str(ix.name)):
            connection.execute(str(CreateIndex(index).compile(dialect=dialect)))
    for ddl in search_table_ddl():
        connection.execute(ddl)


_Value = str | int | float | None
_Row = dict[str, _Value]


def _insert_rows(connection: sqlite3.Connection, content: AuthoredContent) -> None:
    """Insert every row through the driver, in reading order.

    Plain ``executemany`` rather than ORM objects: building and flushing one object per row took
    most of the build after the index (issue 7). Rows are keyed by column name, so a column missing
    from a row fails the build instead of shifting values into the wrong column.
    """
    _insert(connection, MetaRow, _meta_rows(content))
    _insert(connection, NodeRow, _node_rows(content.nodes))
    _insert(connection, PlanRow, _plan_rows(content))
    _insert(connection, QuantityRow, _quantity_rows(content))


def _insert(connection: sqlite3.Connection, model: type[ContentBase], rows: list[_Row]) -> None:
    table = ContentBase.metadata.tables[model.__tablename__]
    names = table.columns.keys()
    columns = ", ".join(names)
    values = ", ".join(f":{name}" for name in names)
    connection.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({values})", rows)


def _meta_rows(content: AuthoredContent) -> list[_Row]:
    briefing = content.briefing
    facts = {
        "schema_version": str(SCHEMA_VERSION),
        "content_version": briefing.content_version,
        "source_hash": content.source_hash,
        "builder": f"fypdesk {__version__}",
        "manifest": manifest_json(content),
        "briefing": json.dumps(
            {
                "title": briefing.title,
                "date": briefing.date,
                "publisher": briefing.publisher,
                "contact": briefing.contact,
                "period_start": briefing.period_start,
                "period_end": briefing.period_end,
                "introduction": list(briefing.introduction),
                "closing": briefing.closing,
                "attribution": briefing.attribution,
                "source": briefing.source,
            },
            ensure_ascii=False,
            sort_keys=True,
        ),
    }
    return [{"key": key, "value": value} for key, value in sorted(facts.items())]


def manifest_json(content: AuthoredContent) -> str:
    """The pack's manifest (:class:`~fypdesk.domain.content.PackManifest`) as stored in ``meta``."""
    briefing, pack = content.briefing, content.pack
    return json.dumps(
        {
            "format": PACK_FORMAT,
            "format_version": PACK_FORMAT_VERSION,
            "schema_version": SCHEMA_VERSION,
            "id": pack.id,
            "edition": briefing.content_version,
            "title": briefing.title,
            "publisher": briefing.publisher,
            "date": briefing.date,
            "languages": list(pack.languages),
            "period": {"start": briefing.period_start, "end": briefing.period_end},
            "licence": pack.licence,
            "documents": [briefing.source],
            "content_sha256": content.source_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _node_rows(nodes: tuple[Node, ...]) -> list[_Row]:
    return [
        {
            "id": node.id,
            "parent_id": node.parent_id,
            "plan": node.plan,
            "kind": node.kind.value,
            "section_kind": str(node.section_kind) if node.section_kind else None,
            "title": node.title,
            "text": node.text,
            "source": node.source,
            "position": node.position,
            "depth": node.depth,
            "ord": order,
            "stated_count": node.stated_count,
        }
        for order, node in enumerate(nodes)
    ]


def _plan_rows(content: AuthoredContent) -> list[_Row]:
    return [
        {
            "slug": plan.slug,
            "short_title": plan.short_title,
            "ministry": plan.ministry,
            "key_message": plan.key_message,
            "targets_total": plan.targets_total.count if plan.targets_total else None,
            "targets_total_year": plan.targets_total.year if plan.targets_total else None,
            "targets_total_source": plan.targets_total.source if plan.targets_total else None,
        }
        for plan in content.plans
    ]


def _quantity_rows(content: AuthoredContent) -> list[_Row]:
    order = {node.id: index for index, node in enumerate(content.nodes)}
    return [_quantity_row(q, order[q.id]) for q in content.quantities]


def _quantity_row(q: Quantity, order: int) -> _Row:
    return {
        "id": q.id,
        "role": q.role.value,
        "plan": q.plan,
        "parent_id": q.parent_id,
        "ord": order,
        "indicator": q.indicator,
        "kind": q.kind.value,
        "direction": q.direction.value,
        "qualifier": q.qualifier.value if q.qualifier else None,
        "baseline": q.baseline,
        "baseline_year": q.baseline_year,
        "value": q.value,
        "value_max": q.value_max,
        "year": q.year,
        "year_stated": q.year_stated,
        "period_start": q.period_start,
        "unit": q.unit,
        "eur_unit": q.eur.unit if q.eur else None,
        "eur_baseline": q.eur.baseline if q.eur else None,
        "eur_value": q.eur.value if q.eur else None,
        "eur_qualifier": q.eur.qualifier.value if q.eur and q.eur.qualifier else None,
        **_equivalent_columns(q),
        "source": q.source,
    }


def _equivalent_columns(q: Quantity) -> _Row:
    other = q.equivalent
    return {
        "equivalent_currency": other.currency if other else None,
        "equivalent_unit": other.unit if other else None,
        "equivalent_baseline": other.baseline if other else None,
        "equivalent_value": other.value if other else None,
        "equivalent_qualifier": other.qualifier.value if other and other.qualifier else None,
    }


def search_body(node: Node, quantity: Quantity | None) -> str:
    """The text a node is found by: its text and its source quote (once if one holds the other),
    and for a quantity its unit."""
    parts: list[str] = []
    for part in (node.text, node.source):
        if part and not any(normalise_quote(part) in normalise_quote(p) for p in parts):
            parts.append(part)
    if quantity is not None:
        parts.append(quantity.unit)
    return "\n".join(parts)


def _index(connection: sqlite3.Connection, content: AuthoredContent) -> None:
    """Fill both search tables, then merge each into one segment and check it.

    All rows go in with one statement per table inside the build's single transaction: FTS5
    flushes them in a few large segments (a flush per row, as when every row was its own
    transaction, made the index three times slower to build at ×1000).
    """
    quantities = {q.id: q for q in content.quantities}
    rows = [(n.id, n.title, search_body(n, quantities.get(n.id))) for n in content.nodes]
    for table in _SEARCH_TABLES:
        insert = f"INSERT INTO {table}(node_id, title, body) VALUES (?, ?, ?)"
        connection.executemany(insert, rows)
        connection.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        connection.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
