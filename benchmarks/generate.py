"""Scaled content and notes for the benchmarks.

``write_source(n, out)`` writes the authored source (``data/source``, format in
docs/content-format.md) ``n`` times over: copy ``k`` of every plan gets new stable ids (the plan
slug ``ict`` becomes ``ict-k0042``, so ``ict/targets/x`` becomes ``ict-k0042/targets/x``), a
distinct title, and its numbers scaled by a factor of that copy's *variant*. The same scaling is
applied to the source briefing's text, and every variant's text goes into the generated
``source.txt``, so the normal validator finds every quote verbatim. Years, ordinals ("14th"),
names ("5G") and stated counts are left alone; scale factors are at least 1, so ranges
(``target_max > target``) and the "lists N of M targets" checks stay valid.

``build(n, out)`` writes the source and builds it with the normal build path
(:func:`fypdesk.content.build.build_database`, what ``fypdesk build-db`` runs). ``cached_build``
keeps large builds in a temporary folder keyed by this file's hash.

``write_notes(db, k, node_ids)`` writes ``k`` notes through the real notes store: in one batch with
the public import (``fypdesk.notes.sqlite.exchange.import_json``), or one ``save_note`` per note.

Run ``python -m benchmarks.generate 100 OUT_DIR`` to write and build ×100 by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import random
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from fypdesk.content.quote_numbers import SPELLED_NUMBERS
from fypdesk.domain.notes import LEGACY_PACK_ID

ROOT = Path(__file__).resolve().parent.parent
REAL_SOURCE = ROOT / "data" / "source"
REAL_DB = ROOT / "data" / "fyp.db"
PACKAGE = ROOT / "src" / "fypdesk"

#: Distinct number variants of the source text. The validator searches each quote in the whole
#: ``source.txt`` (a linear scan), so the text is capped at this many copies of the briefing; the
#: plans themselves are always ``n`` distinct copies. ``variants=n`` gives a fully distinct text.
DEFAULT_VARIANTS = 50

#: Numeric fields scaled with the text (years, counts of listed items and positions are not).
_SCALED_FIELDS = frozenset({"baseline", "target", "target_max", "value", "value_max"})
#: Text fields whose numbers are scaled (quotes, and the labels made from them).
_TEXT_FIELDS = frozenset({"text", "source", "key_message", "title", "indicator"})
#: A number written in the text: not part of a word ("5G", "14th"), with decimal or European
#: thousands separators ("2.64", "20.000").
_NUMBER = re.compile(r"(?<!\w)(?<!\d[.,])\d+(?:[.,]\d+)*(?![\w])")
#: A number the source spells out before a magnitude ("two million workers"): scaled too, and
#: then written in digits, or a scaled target (3) would contradict its quote ("two million").
_SPELLED_NUMBER = re.compile(
    r"\b(" + "|".join(SPELLED_NUMBERS) + r")(?= (?:hundred|thousand|million|billion|trillion)\b)"
)

_PROVINCES = (
    "Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou",
    "Hainan", "Hebei", "Heilongjiang", "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu",
    "Jiangxi", "Jilin", "Liaoning", "Ningxia", "Qinghai", "Shaanxi", "Shandong", "Shanghai",
    "Shanxi", "Sichuan", "Tianjin", "Tibet", "Xinjiang", "Yunnan", "Zhejiang",
)  # fmt: skip


def generator_hash(notes: bool = False) -> str:
    """The cache key: a hash of the code that writes the content (and, with ``notes``, the notes),
    of the real source it copies and of the fypdesk version that builds it; not of the docs."""
    from fypdesk import __version__

    code: list[Callable[..., Any]] = [scale_factor, _is_year, scale_token, scale_text,
                                      scale_number, _copy_record, write_source, build]  # fmt: skip
    if notes:
        code += [note_bodies, fake_notes, write_notes, cached_notes]
    digest = hashlib.sha256(__version__.encode())
    for function in code:
        digest.update(inspect.getsource(function).encode())
    constants = (
        DEFAULT_VARIANTS,
        _SCALED_FIELDS,
        _TEXT_FIELDS,
        _NUMBER.pattern,
        _SPELLED_NUMBER.pattern,
        _PROVINCES,
    )
    for constant in constants:
        value = sorted(constant) if isinstance(constant, frozenset) else constant
        digest.update(repr(value).encode())
    # The database's layout (tables, indexes, FTS options) comes from the content schema, and a
    # notes store's from the notes schema and migrations: a change there must rebuild the cache.
    schemas = [PACKAGE / "content" / "schema.py"]
    if notes:
        schemas += [
            PACKAGE / "notes" / "schema.py",
            *sorted(PACKAGE.glob("notes/migrations/*/*.py")),
        ]
    for root, paths in ((REAL_SOURCE, sorted(REAL_SOURCE.rglob("*"))), (PACKAGE, schemas)):
        for path in paths:
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# -- numbers -----------------------------------------------------------------------------------


def scale_factor(variant: int) -> Decimal:
    """Variant 0 is the source as written; others scale numbers up by 1 % to 99 %."""
    return Decimal(1) + Decimal((variant * 37) % 99) / 100 if variant else Decimal(1)


def _is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2100


def scale_token(token: str, factor: Decimal) -> str:
    """``token`` (a number as written) times ``factor``, written the same way (same separator and
    number of decimals). Years are not numbers to scale."""
    if factor == 1 or _is_year(token):
        return token
    match = re.fullmatch(r"(\d+)(?:([.,])(\d+))?", token)
    if match is None:  # "1,234,567" and the like: rare enough to keep as written
        return token
    whole, separator, decimals = match.groups()
    places = len(decimals) if decimals else 0
    value = Decimal(f"{whole}.{decimals}" if decimals else whole) * factor
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    return text.replace(".", separator) if separator else text


def scale_text(text: str, factor: Decimal) -> str:
    """Every number in ``text`` scaled (see :func:`scale_token`)."""
    if factor == 1:
        return text
    text = _NUMBER.sub(lambda m: scale_token(m.group(0), factor), text)
    return _SPELLED_NUMBER.sub(
        lambda m: scale_token(str(SPELLED_NUMBERS[m.group(1)]), factor), text
    )


def scale_number(value: float | int, factor: Decimal) -> float | int:
    """A numeric field scaled the way its written form is scaled in the text."""
    if factor == 1 or isinstance(value, bool):
        return value
    token = str(value)
    if "e" in token.lower():
        return value
    scaled = scale_token(token, factor)
    return int(scaled) if isinstance(value, int) else float(scaled)


# -- the source --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceStats:
    """What :func:`write_source` wrote."""

    copies: int
    plans: int
    variants: int
    source_bytes: int
    seconds: float


def _copy_record(data: Any, key: str | None, old: str, new: str, factor: Decimal) -> Any:
    if isinstance(data, dict):
        return {k: _copy_record(v, k, old, new, factor) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy_record(item, key, old, new, factor) for item in data]
    if isinstance(data, str):
        if key in ("id", "slug") and (data == old or data.startswith(old + "/")):
            return new + data[len(old) :]
        if key in _TEXT_FIELDS:
            return scale_text(data, factor)
        return data
    if isinstance(data, int | float) and key in _SCALED_FIELDS:
        return scale_number(data, factor)
    if isinstance(data, int) and not isinstance(data, bool) and key == "count":
        return scale_number(data, factor)  # "20 quantitative targets": scaled in the text too
    return data


def write_source(
    n: int, out: Path, *, variants: int = DEFAULT_VARIANTS, source: Path = REAL_SOURCE
) -> SourceStats:
    """Write the authored source ``n`` times the real briefing into ``out`` (a new folder)."""
    start = time.perf_counter()
    variants = max(1, min(variants, n))
    briefing = yaml.safe_load((source / "briefing.yaml").read_text(encoding="utf-8"))
    slugs: list[str] = list(briefing["plans"])
    plans = {
        slug: yaml.safe_load((source / "plans" / f"{slug}.yaml").read_text(encoding="utf-8"))
        for slug in slugs
    }
    text = (source / "source.txt").read_text(encoding="utf-8")
    (out / "plans").mkdir(parents=True, exist_ok=True)
    factors = [scale_factor(v) for v in range(variants)]
    new_slugs: list[str] = []
    for k in range(n):
        factor = factors[k % variants]
        place = f"{_PROVINCES[k % len(_PROVINCES)]}, edition {k // len(_PROVINCES) + 1}"
        for slug in slugs:
            new = f"{slug}-k{k:04d}"
            plan = _copy_record(plans[slug], None, slug, new, factor)
            plan["title"] = f"{plan['title']} ({place})"
            plan["short_title"] = f"{plan['short_title']} {k + 1}"
            (out / "plans" / f"{new}.yaml").write_text(
                yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=100),
                encoding="utf-8",
            )
            new_slugs.append(new)
    briefing["plans"] = new_slugs
    briefing["content_version"] = f"{briefing['content_version']}-x{n}"
    (out / "briefing.yaml").write_text(
        yaml.safe_dump(briefing, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    body = "\n\n".join(scale_text(text, factor) for factor in factors)
    (out / "source.txt").write_text(body, encoding="utf-8")
    return SourceStats(
        copies=n,
        plans=len(new_slugs),
        variants=variants,
        source_bytes=len(body.encode("utf-8")),
        seconds=time.perf_counter() - start,
    )


@dataclass(frozen=True, slots=True)
class BuiltContent:
    """A scaled content database and what it took to make it."""

    scale: int
    db: Path
    nodes: int
    targets: int
    figures: int
    plans: int
    generate_s: float
    build_s: float
    cached: bool


def build(n: int, out: Path, *, variants: int = DEFAULT_VARIANTS) -> BuiltContent:
    """Write ×``n`` source into ``out/source`` and build ``out/fyp.db`` the normal way."""
    from fypdesk.content.build import build_database

    stats = write_source(n, out / "source", variants=variants)
    start = time.perf_counter()
    report = build_database(out / "source", out / "fyp.db")
    return BuiltContent(
        scale=n,
        db=report.path,
        nodes=report.nodes,
        targets=report.targets,
        figures=report.figures,
        plans=report.plans,
        generate_s=stats.seconds,
        build_s=time.perf_counter() - start,
        cached=False,
    )


def cache_root(notes: bool = False) -> Path:
    """Where scaled builds (or notes stores) are kept between runs:
    ``$TMPDIR/fypdesk-bench/<generator hash>``."""
    return Path(tempfile.gettempdir()) / "fypdesk-bench" / generator_hash(notes)


def cached_build(n: int, *, variants: int = DEFAULT_VARIANTS) -> BuiltContent:
    """:func:`build` into the cache, or the cached result of an earlier identical build."""
    folder = cache_root() / f"x{n}-v{min(variants, n)}"
    receipt = folder / "built.json"
    if receipt.is_file():
        data = json.loads(receipt.read_text(encoding="utf-8"))
        if (folder / "fyp.db").is_file():
            return BuiltContent(**{**data, "db": folder / "fyp.db", "cached": True})
    folder.mkdir(parents=True, exist_ok=True)
    built = build(n, folder, variants=variants)
    record = {k: v for k, v in _fields(built).items() if k not in ("db", "cached")}
    receipt.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return built


def _fields(built: BuiltContent) -> dict[str, Any]:
    return {name: getattr(built, name) for name in BuiltContent.__slots__}


# -- notes -------------------------------------------------------------------------------------

_TAGS = (
    "follow-up", "meeting", "5G", "carbon", "skills", "data", "risk", "budget", "question",
    "important", "政策", "数字化",
)  # fmt: skip
_CHINESE = (
    "需要与合作伙伴讨论这个目标。",
    "数字化转型是关键。",
    "这个数字比去年高。",
    "请核对原文。",
)


def note_bodies(source: Path = REAL_SOURCE) -> list[str]:
    """Sentences of the real briefing, to write notes with."""
    text = (source / "source.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s.strip()) < 400]
    return sentences


def fake_notes(k: int, node_ids: Sequence[str], seed: int = 7) -> list[dict[str, object]]:
    """``k`` note records in the exchange format (``fypdesk notes export``'s JSON)."""
    rng = random.Random(seed)
    sentences = note_bodies()
    # A note every minute, ending before 2026: an import refuses times in the future, and
    # 100,000 notes 7 minutes apart from January 2026 ran into 2027.
    start = datetime(2025, 1, 5, 9, 0, tzinfo=UTC)
    records: list[dict[str, object]] = []
    for i in range(k):
        parts = [rng.choice(sentences) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            parts.append(rng.choice(_CHINESE))
        parts.insert(0, f"Note {i}: check this against the {rng.choice(_PROVINCES)} figures.")
        created = start + timedelta(minutes=i)
        stamp = created.isoformat()
        records.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "pack": LEGACY_PACK_ID,
                "node": rng.choice(node_ids),
                "body": " ".join(parts),
                "tags": sorted(set(rng.sample(_TAGS, rng.randint(0, 3)))),
                "created": stamp,
                "updated": stamp,
                "node_hash": None,
            }
        )
    return records


@dataclass(frozen=True, slots=True)
class NotesStats:
    """What :func:`write_notes` wrote, and how fast (per batch: notes in the store after it, and
    milliseconds per note of that batch)."""

    path: Path
    notes: int
    seconds: float
    method: str
    batches: tuple[tuple[int, float], ...] = ()


def write_notes(
    path: Path,
    k: int,
    node_ids: Sequence[str],
    *,
    batch: int | None = 10_000,
    time_cap: float | None = None,
    seed: int = 7,
) -> NotesStats:
    """Write ``k`` notes into the notes database at ``path`` through the real store.

    ``batch``: notes per transaction through the public JSON import (``fypdesk notes import``);
    ``None``: one ``save_note`` each (the window's path: a transaction and fsync per note).
    ``time_cap``: stop after the batch that passes this many seconds (the store keeps fewer notes).
    """
    from fypdesk.notes.sqlite.exchange import FORMAT_NAME, FORMAT_VERSION, import_json
    from fypdesk.notes.sqlite.store import open_notes

    records = fake_notes(k, node_ids, seed)
    repository = open_notes(path, auto_backup=False)
    batches: list[tuple[int, float]] = []
    written = 0
    try:
        start = time.perf_counter()
        if batch is not None:
            exchange = path.with_name(path.name + ".import.json")
            for first in range(0, k, batch):
                chunk = records[first : first + batch]
                document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "notes": chunk}
                exchange.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                began = time.perf_counter()
                import_json(repository, exchange)
                written += len(chunk)
                batches.append((written, (time.perf_counter() - began) * 1000 / len(chunk)))
                if time_cap is not None and time.perf_counter() - start > time_cap:
                    break
            exchange.unlink()
        else:
            for record in records:
                tags = record["tags"]
                repository.save_note(
                    str(record["id"]),
                    str(record["body"]),
                    node_id=str(record["node"]),
                    tags=[str(t) for t in tags] if isinstance(tags, list) and tags else None,
                )
                written += 1
        seconds = time.perf_counter() - start
    finally:
        repository.close()
    method = f"import_json in batches of {batch}" if batch is not None else "save_note"
    return NotesStats(path, written, seconds, method, tuple(batches))


def content_node_ids(db: Path) -> list[str]:
    """Every node id of a content database (notes attach to them)."""
    import sqlite3

    from fypdesk.db import sqlite_uri

    connection = sqlite3.connect(sqlite_uri(db, mode="ro"), uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM nodes ORDER BY ord")]
    finally:
        connection.close()


def cached_notes(
    k: int, content_db: Path, key: str, time_cap: float | None = None
) -> tuple[Path, dict[str, Any]]:
    """A notes data folder with ``k`` notes on ``content_db``'s nodes, kept in the cache, and
    the record of how it was written (``notes`` may be below ``k`` when ``time_cap`` cut it)."""
    from fypdesk.paths import NOTES_DB_NAME

    folder = cache_root(notes=True) / f"notes-{key}-{k}"
    done = folder / "done.json"
    if not done.is_file():
        if folder.exists():
            for leftover in folder.rglob("*"):
                if leftover.is_file():
                    leftover.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        stats = write_notes(
            folder / NOTES_DB_NAME, k, content_node_ids(content_db), time_cap=time_cap
        )
        record = {
            "notes": stats.notes,
            "requested": k,
            "seconds": round(stats.seconds, 2),
            "method": stats.method,
            "ms_per_note_by_batch": [[n, round(ms, 3)] for n, ms in stats.batches],
        }
        done.write_text(json.dumps(record) + "\n", encoding="utf-8")
    data: dict[str, Any] = json.loads(done.read_text(encoding="utf-8"))
    return folder, data


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.generate N OUT [--variants V] [--notes K]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--variants", type=int, default=DEFAULT_VARIANTS)
    parser.add_argument("--notes", type=int, default=0)
    args = parser.parse_args(argv)
    built = build(args.n, args.out, variants=args.variants)
    say: Callable[[str], None] = print
    say(
        f"x{built.scale}: {built.plans} plans, {built.nodes} nodes, {built.targets} targets, "
        f"{built.figures} figures; source {built.generate_s:.1f} s, build {built.build_s:.1f} s"
    )
    if args.notes:
        from fypdesk.paths import NOTES_DB_NAME

        stats = write_notes(args.out / NOTES_DB_NAME, args.notes, content_node_ids(built.db))
        say(f"{stats.notes} notes in {stats.seconds:.1f} s ({stats.method})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
