"""Notes belong to their pack: two briefings with the same node ids never share a note, a star,
a follow-up, a search hit or a saved brief; the store of the release before packs upgrades with
everything in the bundled pack; exchange files carry the pack (version 2) and version 1 files
still import."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk.domain.editions import ItemVersion, RecordedVersion
from fypdesk.domain.notes import LEGACY_PACK_ID, NotesError, SavedBrief
from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.notes.sqlite.exchange import FORMAT_VERSION
from fypdesk.notes.sqlite.reader import read_snapshot

from .helpers import TARGET_ID, FakeClock

OTHER = "examplia-outlook"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> Iterator[SqliteNotes]:
    notes = SqliteNotes.open(db_path, clock=clock, pack=LEGACY_PACK_ID)
    yield notes
    notes.close()


def test_the_same_node_id_in_two_packs_keeps_its_own_notes(store: SqliteNotes) -> None:
    other = store.for_pack(OTHER)
    mine = store.add_note(TARGET_ID, "bundled briefing's note", tags=["risk"])
    theirs = other.add_note(TARGET_ID, "other briefing's note")
    store.add_note("briefing", "on the root")

    assert [n.uuid for n in store.notes_for(TARGET_ID)] == [mine.uuid]
    assert [n.uuid for n in other.notes_for(TARGET_ID)] == [theirs.uuid]
    assert other.notes_for("briefing") == ()
    assert [n.pack for n in other.all_notes()] == [OTHER]
    assert len(store.all_notes()) == 2
    assert other.note_counts_by_node() == {TARGET_ID: 1}
    assert store.note_counts_by_node() == {TARGET_ID: 1, "briefing": 1}
    assert store.note_counts_by_pack() == {LEGACY_PACK_ID: 2, OTHER: 1}
    assert len(store.library_notes()) == 3
    # A note keeps its pack when it is edited from any view.
    assert other.save_note(mine.uuid, "edited").pack == LEGACY_PACK_ID


def test_stars_follow_ups_and_search_stay_in_their_pack(store: SqliteNotes) -> None:
    other = store.for_pack(OTHER)
    store.set_marks(TARGET_ID, starred=True)
    other.set_marks(TARGET_ID, follow_up=True)
    assert store.starred_ids() == {TARGET_ID}
    assert other.starred_ids() == frozenset()
    assert other.follow_up_ids() == {TARGET_ID}
    assert store.follow_up_ids() == frozenset()
    assert other.toggle_marks(TARGET_ID, star=True).starred
    assert store.toggle_marks(TARGET_ID, star=True).starred is False  # its own flag flipped

    store.add_note(TARGET_ID, "semiconductors in the bundled pack")
    other.add_note(TARGET_ID, "semiconductors in the other pack")
    assert [hit.pack for hit in store.search("semiconductors")] == [LEGACY_PACK_ID]
    assert [hit.pack for hit in other.search("semicond")] == [OTHER]
    assert sorted(hit.pack for hit in store.library_search("semiconductors")) == sorted(
        [LEGACY_PACK_ID, OTHER]
    )


def test_detached_notes_are_found_per_pack(store: SqliteNotes) -> None:
    other = store.for_pack(OTHER)
    store.add_note("ict/gone", "gone from the bundled pack")
    other.add_note("ict/gone", "gone from the other pack too")
    detached = other.detached_notes(lambda ids: [i for i in ids if i != "ict/gone"])
    assert [note.body for note in detached] == ["gone from the other pack too"]


def test_a_pack_id_no_pack_can_have_is_refused(store: SqliteNotes) -> None:
    for bad in ("", "Upper", "a:b", "../x", "x" * 65, "-x"):
        with pytest.raises(NotesError):
            store.for_pack(bad)
    with pytest.raises(NotesError):
        store.save_brief(SavedBrief(name="x", pack="no such/pack"))


def test_a_view_of_another_pack_shares_the_file_and_not_its_lifetime(
    store: SqliteNotes,
) -> None:
    other = store.for_pack(OTHER)
    written: list[int] = []
    store.add_write_listener(lambda: written.append(1))
    other.add_note(TARGET_ID, "through the view")
    assert written == [1]  # the window's upkeep hears writes from every view
    other.close()  # nothing: the store that opened the file owns it
    assert store.for_pack(OTHER).all_notes()[0].body == "through the view"
    assert store.for_pack(LEGACY_PACK_ID) is store


def test_a_note_records_the_edition_and_wording_and_review_updates_them(
    store: SqliteNotes, clock: FakeClock
) -> None:
    first = ItemVersion("a" * 64, "2021-12.1", "Title\nold words")
    second = ItemVersion("b" * 64, "2022-06.1", "Title\nnew words")
    note = store.add_note(TARGET_ID, "my note", version=first)
    assert (note.edition, note.annotated_text, note.node_hash) == (
        "2021-12.1",
        "Title\nold words",
        "a" * 64,
    )
    reviewed = store.mark_reviewed(note.uuid, second)
    assert (reviewed.edition, reviewed.annotated_text, reviewed.node_hash) == (
        "2022-06.1",
        "Title\nnew words",
        "b" * 64,
    )
    assert (reviewed.body, reviewed.updated) == (note.body, note.updated)
    revision = store.repository.revision()
    store.mark_reviewed(note.uuid, second)  # again: nothing to change
    assert store.repository.revision() == revision
    # Editing records the item as the writer sees it then.
    edited = store.save_note(note.uuid, "my note, edited", version=first)
    assert edited.edition == "2021-12.1"


def test_the_store_before_packs_upgrades_with_everything_in_the_bundled_pack(
    tmp_path: Path,
) -> None:
    """The notes database of the release before packs (schema 0004, written by that code)."""
    db_path = tmp_path / "notes.db"
    shutil.copyfile(FIXTURES / "notes-schema-0004.db", db_path)
    store = SqliteNotes.open(db_path, pack=LEGACY_PACK_ID)
    try:
        notes = {note.node_id: note for note in store.library_notes()}
        assert set(notes) == {"ict/targets/5g-usage-rate", "green", "briefing"}
        assert {note.pack for note in notes.values()} == {LEGACY_PACK_ID}
        assert notes["ict/targets/5g-usage-rate"].tags == ("5g", "风险评估")
        assert notes["green"].body.endswith("(edited)")
        assert notes["briefing"].body == "多行\nnote with two lines"
        assert all(note.edition is None and note.annotated_text is None for note in notes.values())
        assert notes["ict/targets/5g-usage-rate"].node_hash is not None
        assert {tag.name: tag.colour for tag in store.tags()}["5g"] == "#ff0000"
        assert store.starred_ids() == {"ict", "big-data"}
        assert store.follow_up_ids() == {"green/targets/co2-intensity", "big-data"}
        (brief,) = store.saved_briefs()
        assert (brief.name, brief.scope, brief.pack) == ("ICT weekly", ("ict",), LEGACY_PACK_ID)
        assert brief.options == {"annex": True}
        assert [hit.node_id for hit in store.search("counted")] == ["ict/targets/5g-usage-rate"]
        assert store.for_pack(OTHER).all_notes() == ()
        assert store.check() == []
        exported = tmp_path / "out.json"
        store.export_json(exported)
    finally:
        store.close()
    document = json.loads(exported.read_text(encoding="utf-8"))
    (tombstone,) = document["deleted"]  # the deletion is remembered, in its pack
    assert (tombstone["pack"], tombstone["node"]) == (LEGACY_PACK_ID, "software")
    reasons = [info.reason for info in backup.list_backups(backup.backup_dir(db_path))]
    assert backup.PRE_UPGRADE in reasons
    snapshot = read_snapshot(db_path)
    assert snapshot is not None and len(snapshot.all_notes()) == 3


def test_exchange_carries_the_pack_and_the_edition(tmp_path: Path, clock: FakeClock) -> None:
    source = SqliteNotes.open(tmp_path / "a" / "notes.db", clock=clock)
    try:
        version = ItemVersion("c" * 64, "2021-12.1", "Title\nwords")
        source.add_note(TARGET_ID, "bundled", version=version)
        other = source.for_pack(OTHER)
        gone = other.add_note(TARGET_ID, "other pack")
        other.add_note("briefing", "other root")
        other.delete_note(gone.uuid)
        other.set_marks("briefing", starred=True)
        exported = tmp_path / "notes.json"
        assert source.export_json(exported) == 2
    finally:
        source.close()
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["version"] == FORMAT_VERSION == 2
    assert {(n["pack"], n["node"]) for n in document["notes"]} == {
        (LEGACY_PACK_ID, TARGET_ID),
        (OTHER, "briefing"),
    }
    assert document["marks"] == [
        {"pack": OTHER, "node": "briefing", "starred": True, "follow_up": False}
    ]
    assert document["deleted"][0]["pack"] == OTHER

    target = SqliteNotes.open(tmp_path / "b" / "notes.db", clock=clock)
    try:
        assert target.import_json(exported).added == 2
        (bundled,) = target.all_notes()
        assert (bundled.edition, bundled.annotated_text) == ("2021-12.1", "Title\nwords")
        theirs = target.for_pack(OTHER)
        assert [n.body for n in theirs.all_notes()] == ["other root"]
        assert theirs.starred_ids() == {"briefing"}
        assert target.starred_ids() == frozenset()
    finally:
        target.close()


def test_a_version_1_file_imports_into_the_bundled_pack(tmp_path: Path) -> None:
    store = SqliteNotes.open(tmp_path / "notes.db", pack=OTHER)  # the file is from 2026-12
    try:
        report = store.import_json(FIXTURES / "exchange-v1.json")
        assert (report.added, report.deleted) == (3, 0)
        assert store.all_notes() == ()  # nothing lands on the pack the store is seen from
        bundled = store.for_pack(LEGACY_PACK_ID)
        assert len(bundled.all_notes()) == 3
        assert bundled.starred_ids() == {"ict", "big-data"}
        assert store.import_json(FIXTURES / "exchange-v1.json").added == 0  # idempotent
    finally:
        store.close()


def test_a_version_2_record_without_its_pack_is_refused(tmp_path: Path) -> None:
    document = json.loads((FIXTURES / "exchange-v1.json").read_text(encoding="utf-8"))
    document["version"] = 2
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    store = SqliteNotes.open(tmp_path / "notes.db")
    try:
        with pytest.raises(NotesError, match="pack"):
            store.import_json(path)
        assert store.library_notes() == ()
    finally:
        store.close()


def test_recorded_versions_are_the_distinct_records_of_other_editions(store: SqliteNotes) -> None:
    """What a new edition is compared with: one row per distinct record, none for notes
    written in the edition asked about, none of another pack."""
    old = ItemVersion("a" * 64, "2021-12.1", "Title\nold words")
    now = ItemVersion("b" * 64, "2022-06.1", "Title\nnew words")
    for body in ("one", "two", "three"):
        store.add_note(TARGET_ID, body, version=old)
    store.add_note(TARGET_ID, "written now", version=now)
    store.add_note("briefing", "first release, no record")
    store.for_pack(OTHER).add_note(TARGET_ID, "another briefing's", version=old)
    versions = store.recorded_versions("2022-06.1")
    assert sorted(versions, key=lambda v: v.node_id) == [
        RecordedVersion("briefing", None, None),
        RecordedVersion(TARGET_ID, "a" * 64, "Title\nold words"),
    ]
    assert RecordedVersion(TARGET_ID, "b" * 64, "Title\nnew words") in store.recorded_versions(
        "2021-12.1"
    )
