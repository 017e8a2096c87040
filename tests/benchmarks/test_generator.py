"""Smoke test of the benchmark content generator at ×10: the normal build accepts what it writes,
counts scale, ids are new and stable, numbers vary, and notes go in through the real store."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks import generate
from fypdesk.content.source import AuthoredContent, load_source
from fypdesk.notes.sqlite.store import open_notes

SCALE = 10


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> generate.BuiltContent:
    return generate.build(SCALE, tmp_path_factory.mktemp("x10"))


@pytest.fixture(scope="module")
def loaded(built: generate.BuiltContent) -> AuthoredContent:
    return load_source(built.db.parent / "source")  # the build's validator: raises on a problem


def _counts(db: Path) -> tuple[int, int, int]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        nodes = connection.execute("SELECT count(*) FROM nodes").fetchone()[0]
        targets = connection.execute(
            "SELECT count(*) FROM quantities WHERE role = 'target'"
        ).fetchone()[0]
        plans = connection.execute("SELECT count(*) FROM plans").fetchone()[0]
        return int(nodes), int(targets), int(plans)
    finally:
        connection.close()


def test_counts_scale_with_n(built: generate.BuiltContent) -> None:
    nodes, targets, plans = _counts(generate.REAL_DB)
    # The briefing and its closing are written once; every plan's subtree n times.
    assert (built.nodes, built.targets, built.plans) == (
        2 + SCALE * (nodes - 2),
        SCALE * targets,
        SCALE * plans,
    )
    assert _counts(built.db) == (built.nodes, built.targets, built.plans)


def test_the_normal_validator_accepts_the_source(loaded: AuthoredContent) -> None:
    content = loaded
    ids = [node.id for node in content.nodes]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(("briefing", *(f"{p.slug}/" for p in content.plans))) or
               i in {p.slug for p in content.plans} for i in ids)  # fmt: skip
    assert {p.slug for p in content.plans} >= {"ict-k0000", f"green-k{SCALE - 1:04d}"}


def test_numbers_vary_between_copies_but_years_do_not(loaded: AuthoredContent) -> None:
    content = loaded
    by_id = {q.id: q for q in content.quantities}
    first = by_id["ict-k0000/targets/industry-revenue"]
    second = by_id["ict-k0001/targets/industry-revenue"]
    assert first.value == 4.3  # copy 0 is the source as written
    assert second.value > first.value
    assert second.year == first.year
    assert second.source != first.source


@pytest.mark.parametrize(
    ("token", "scaled"),
    [("2.64", "3.96"), ("20.000", "30.000"), ("2025", "2025"), ("468", "702"), ("1,5", "2,3")],
)
def test_scale_token_keeps_the_written_form(token: str, scaled: str) -> None:
    assert generate.scale_token(token, Decimal("1.5")) == scaled


def test_scale_text_leaves_names_and_ordinals() -> None:
    text = "5G users reach 560 million by 2025 under the 14th FYP (approx.1.04 trillion EUR)."
    assert generate.scale_text(text, Decimal("1.5")) == (
        "5G users reach 840 million by 2025 under the 14th FYP (approx.1.56 trillion EUR)."
    )


def test_notes_go_in_through_the_store(built: generate.BuiltContent, tmp_path: Path) -> None:
    ids = generate.content_node_ids(built.db)
    stats = generate.write_notes(tmp_path / "notes.db", 40, ids)
    repository = open_notes(tmp_path / "notes.db", auto_backup=False)
    try:
        notes = repository.all_notes()
        assert len(notes) == stats.notes == 40
        assert {note.node_id for note in notes} <= set(ids)
        assert repository.search("Note 7:", limit=5)
    finally:
        repository.close()
