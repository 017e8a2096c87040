"""JSON export/import (merge by uuid, newer wins, bad files refused whole); Markdown export."""

from __future__ import annotations

import contextlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fypdesk.domain.notes import ExchangeFormatError, ImportReport, NodeMarks, NotesError, Tag
from fypdesk.export.notes_markdown import write_notes_markdown
from fypdesk.notes.sqlite import exchange
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import check_notes, open_notes

from .helpers import OTHER_PLAN_NODE, PLAN_ID, TARGET_ID, FakeClock
from .test_repository import HOSTILE_BODIES


def _fill(repo: NotesRepository) -> None:
    for index, body in enumerate(HOSTILE_BODIES[:-1]):  # the 1 MB note has its own test
        repo.add_note(TARGET_ID if index % 2 else PLAN_ID, body, tags=["risk"] if index % 3 else [])
    repo.add_note("ict/no-longer-there", "detached but exported")
    repo.set_tag_colour("risk", "#aa0000")
    repo.marks.set(TARGET_ID, starred=True, follow_up=True)


def test_export_then_import_into_an_empty_folder_gives_the_same_notes(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    _fill(repo)
    exported = tmp_path / "my notes #1.json"
    assert exchange.export_json(repo, exported, clock) == len(HOSTILE_BODIES)

    other = open_notes(tmp_path / "elsewhere ü" / "notes.db", clock=clock)
    try:
        report = exchange.import_json(other, exported)
        assert report == ImportReport(added=len(HOSTILE_BODIES), updated=0, unchanged=0)
        assert other.all_notes() == repo.all_notes()
        assert other.tags() == (Tag("risk", "#aa0000"),)
        assert other.marks.all() == (NodeMarks(TARGET_ID, starred=True, follow_up=True),)
        assert other.search("detached")  # imported notes are searchable
        revision = other.revision()
        again = exchange.import_json(other, exported)
        assert again == ImportReport(added=0, updated=0, unchanged=len(HOSTILE_BODIES))
        assert other.all_notes() == repo.all_notes()
        assert other.revision() == revision  # nothing changed, so no new backup is due
    finally:
        other.close()


def test_a_one_megabyte_note_round_trips(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    body = "长" * 350_000  # three bytes each in UTF-8: just over 1 MB
    repo.add_note(TARGET_ID, body)
    exchange.export_json(repo, tmp_path / "big.json", clock)
    other = open_notes(tmp_path / "other" / "notes.db", clock=clock)
    try:
        exchange.import_json(other, tmp_path / "big.json")
        assert other.all_notes()[0].body == body
    finally:
        other.close()


def test_newer_updated_wins_in_both_directions(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    ours_newer = repo.add_note(TARGET_ID, "original A")
    theirs_newer = repo.add_note(TARGET_ID, "original B")
    exported = tmp_path / "notes.json"
    exchange.export_json(repo, exported, clock)
    document = json.loads(exported.read_text(encoding="utf-8"))
    later = (clock.now + timedelta(days=1)).isoformat()
    for record in document["notes"]:
        if record["id"] == theirs_newer.uuid:
            record.update(body="their edit", updated=later, tags=["theirs"])
        else:
            record.update(body="their stale edit")
    exported.write_text(json.dumps(document), encoding="utf-8")
    repo.save_note(ours_newer.uuid, "our newer edit")

    report = exchange.import_json(repo, exported)
    assert report == ImportReport(added=0, updated=1, unchanged=1)
    assert repo.note(ours_newer.uuid).body == "our newer edit"
    assert repo.note(theirs_newer.uuid).body == "their edit"
    assert repo.note(theirs_newer.uuid).tags == ("theirs",)
    assert [hit.uuid for hit in repo.search("their")] == [theirs_newer.uuid]


def test_dry_run_counts_and_changes_nothing(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    _fill(repo)
    exported = tmp_path / "notes.json"
    exchange.export_json(repo, exported, clock)
    other = open_notes(tmp_path / "other" / "notes.db", clock=clock)
    try:
        report = exchange.import_json(other, exported, dry_run=True)
        assert report == ImportReport(len(HOSTILE_BODIES), 0, 0, dry_run=True)
        assert "would add" in report.summary()
        assert other.all_notes() == ()
        assert other.tags() == ()
        assert other.revision() == 0
    finally:
        other.close()


GOOD_NOTE = {
    "id": "0f1e2d3c-4b5a-4678-9abc-def012345678",
    "node": TARGET_ID,
    "body": "fine",
    "tags": [],
    "created": "2026-01-01T00:00:00+00:00",
    "updated": "2026-01-01T00:00:00+00:00",
}

MALFORMED: dict[str, object] = {
    "not json": "{not json",
    "not an object": [],
    "no format": {"version": 1, "notes": []},
    "wrong format": {"format": "something-else", "version": 1, "notes": []},
    "wrong version": {"format": "fypdesk-notes", "version": 3, "notes": []},
    "notes not a list": {"format": "fypdesk-notes", "version": 1, "notes": {}},
    "bad uuid": {"notes": [GOOD_NOTE, {**GOOD_NOTE, "id": "nope"}]},
    "body not text": {"notes": [GOOD_NOTE, {**GOOD_NOTE, "id": "1" * 32, "body": 5}]},
    "naive time": {"notes": [{**GOOD_NOTE, "updated": "2026-01-01T00:00:00"}]},
    "bad time": {"notes": [{**GOOD_NOTE, "created": "yesterday"}]},
    "missing node": {"notes": [{k: v for k, v in GOOD_NOTE.items() if k != "node"}]},
    "bad tags": {"notes": [{**GOOD_NOTE, "tags": "risk"}]},
    "duplicate": {"notes": [GOOD_NOTE, GOOD_NOTE]},
    "bad mark": {"notes": [GOOD_NOTE], "marks": [{"node": "ict", "starred": "yes"}]},
    "bad colour": {"notes": [GOOD_NOTE], "tags": [{"name": "x", "colour": "red"}]},
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_files_are_refused_and_nothing_changes(
    repo: NotesRepository, tmp_path: Path, case: str
) -> None:
    kept = repo.add_note(TARGET_ID, "already here")
    revision = repo.revision()
    content = MALFORMED[case]
    if isinstance(content, dict) and "format" not in content and case != "no format":
        content = {"format": "fypdesk-notes", "version": 1, **content}
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    with pytest.raises(ExchangeFormatError) as raised:
        exchange.import_json(repo, path)
    assert "\n" not in str(raised.value)
    assert "bad.json" in str(raised.value)
    assert repo.all_notes() == (kept,)
    assert repo.revision() == revision


def test_a_file_that_is_not_utf8_or_missing_is_refused(
    repo: NotesRepository, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"format": "fypdesk-notes", "body": "\xe9"}')
    with pytest.raises(ExchangeFormatError, match="not a valid JSON"):
        exchange.import_json(repo, path)
    with pytest.raises(ExchangeFormatError, match="cannot read"):
        exchange.import_json(repo, tmp_path / "absent.json")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.recursive(st.none() | st.booleans() | st.integers() | st.text(), st.lists))
def test_any_json_notes_value_is_refused_cleanly_or_imported(
    repo: NotesRepository, tmp_path: Path, junk: object
) -> None:
    path = tmp_path / "fuzz.json"
    document = {"format": "fypdesk-notes", "version": 1, "notes": junk}
    path.write_text(json.dumps(document), encoding="utf-8")
    # A clear refusal or a clean import; any other exception fails the test.
    with contextlib.suppress(ExchangeFormatError):
        exchange.import_json(repo, path)


def test_markdown_groups_by_plan_and_keeps_bodies(repo: NotesRepository, tmp_path: Path) -> None:
    repo.add_note(TARGET_ID, "5G <b>note</b>\nsecond line", tags=["risk"])
    repo.add_note(OTHER_PLAN_NODE, "integration note")
    repo.add_note("briefing", "on the briefing")
    repo.add_note("ict/gone", "detached note")
    path = tmp_path / "notes.md"
    write_notes_markdown(
        repo.all_notes(),
        path,
        plan_titles={"integration": "Integration plan", "ict": "ICT plan"},
        node_titles={
            TARGET_ID: "5G usage rate",
            OTHER_PLAN_NODE: "Digitalisation",
            "briefing": "Briefing",
        },
        exported=datetime(2026, 3, 2, tzinfo=UTC),
    )
    text = path.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Briefing",
        "## Integration plan (`integration`)",
        "## ICT plan (`ict`)",
        "## Detached notes (their item no longer exists)",
    ]
    assert "> 5G \\<b\\>note\\</b\\>\n> second line" in text  # markup escaped, as in briefs
    assert "tags: risk" in text


def test_export_to_an_unwritable_place_leaves_no_partial_file(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    repo.add_note(TARGET_ID, "x")
    with pytest.raises(NotesError, match="cannot write"):
        exchange.export_json(repo, tmp_path / "missing folder" / "notes.json", clock)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".partial")]


def test_export_replaces_an_old_file_whole(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "notes.json"
    path.write_text("old contents that are longer than the new file " * 1000, encoding="utf-8")
    repo.add_note(TARGET_ID, "x")
    exchange.export_json(repo, path, clock)
    assert len(json.loads(path.read_text(encoding="utf-8"))["notes"]) == 1


def test_a_large_import_is_merged_in_chunks_with_tags_and_search(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    # More notes than one statement's chunk, some already stored (older, newer, with tags).
    ids = [str(uuid.UUID(int=i + 1)) for i in range(1_234)]
    records = [
        {
            **GOOD_NOTE,
            "id": ids[i],
            "body": f"imported note number{i}",
            "tags": ["bulk", f"t{i % 7}"],
        }
        for i in range(1_234)
    ]
    stale = repo.save_note(ids[0], "ours, older", node_id=TARGET_ID, tags=["old"])
    kept = repo.save_note(ids[1], "ours, newer", node_id=TARGET_ID, tags=["mine"])
    path = tmp_path / "bulk.json"
    later = "2026-03-03T00:00:00+00:00"  # a day after the clock's start
    records[0]["updated"] = later
    records[1]["updated"] = "2000-01-01T00:00:00+00:00"
    path.write_text(
        json.dumps({"format": "fypdesk-notes", "version": 1, "notes": records}), encoding="utf-8"
    )
    report = exchange.import_json(repo, path)
    # The replaced local text had never been exchanged: it is kept as a conflict copy.
    assert report == ImportReport(added=1_232, updated=1, unchanged=1, conflicts=1)
    assert len(repo.all_notes()) == 1_235
    assert repo.note(stale.uuid).tags == ("bulk", "t0")  # replaced, "old" is gone
    assert repo.note(kept.uuid).body == "ours, newer"
    assert repo.tag_counts()["bulk"] == 1_233
    assert [hit.uuid for hit in repo.search("number1233")] == [ids[1_233]]
    assert [hit.uuid for hit in repo.search("number0")] == [stale.uuid]
    (copy,) = [repo.note(hit.uuid) for hit in repo.search("older")]
    assert (copy.body, copy.tags, copy.node_id) == ("ours, older", ("conflict", "old"), TARGET_ID)
    assert check_notes(repo) == []
    assert exchange.import_json(repo, path) == ImportReport(added=0, updated=0, unchanged=1_234)
