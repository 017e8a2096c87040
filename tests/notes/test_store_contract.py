"""One suite, two stores: the SQLite backend and the in-memory fake the window tests use both
honour :class:`fypdesk.notes.interface.NotesStore` the same way (orders, rules, errors), so a
window test on the fake says something about the real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fypdesk.domain.notes import NoteNotFoundError, NotesError, SavedBrief
from fypdesk.notes.interface import NotesStore, brief_annotations
from fypdesk.notes.sqlite.backend import SqliteNotes
from tests.fake_notes import InMemoryNotes

from .helpers import FakeClock

NODE = "ict/targets/5g-usage-rate"
OTHER = "green/targets/co2-intensity"


@pytest.fixture(params=["sqlite", "memory"])
def notes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NotesStore]:
    clock = FakeClock()
    store: NotesStore
    if request.param == "sqlite":
        store = SqliteNotes.open(tmp_path / "notes.db", clock=clock)
    else:
        store = InMemoryNotes(clock)
    yield store
    store.close()


def test_a_note_added_is_read_back_on_its_node_and_in_all_notes(notes: NotesStore) -> None:
    note = notes.add_note(NODE, "first", tags=["risk"], node_hash="h1")
    assert notes.note(note.uuid) == note
    assert notes.notes_for(NODE) == (note,)
    assert notes.notes_for(OTHER) == ()
    assert notes.all_notes() == (note,)
    assert (note.node_id, note.body, note.tags, note.node_hash) == (NODE, "first", ("risk",), "h1")
    assert note.created == note.updated


def test_notes_come_oldest_first_and_filter_by_tag_plan_and_node(notes: NotesStore) -> None:
    a = notes.add_note(NODE, "a", tags=["x"])
    b = notes.add_note(OTHER, "b")
    c = notes.add_note(NODE, "c")
    assert [n.uuid for n in notes.all_notes()] == [a.uuid, b.uuid, c.uuid]
    assert [n.uuid for n in notes.all_notes(tag="x")] == [a.uuid]
    assert [n.uuid for n in notes.all_notes(plan="green")] == [b.uuid]
    assert [n.uuid for n in notes.all_notes(node=NODE)] == [a.uuid, c.uuid]
    assert notes.note_counts_by_node() == {NODE: 2, OTHER: 1}


def test_an_edit_is_newer_and_keeps_identity(notes: NotesStore) -> None:
    note = notes.add_note(NODE, "draft")
    saved = notes.save_note(note.uuid, "final")
    assert (saved.uuid, saved.body, saved.created) == (note.uuid, "final", note.created)
    assert saved.updated > note.updated


def test_a_note_deleted_elsewhere_is_stored_again_when_saved_with_its_node(
    notes: NotesStore,
) -> None:
    note = notes.add_note(NODE, "typing")
    notes.delete_note(note.uuid)
    with pytest.raises(NoteNotFoundError):
        notes.save_note(note.uuid, "more typing")
    again = notes.save_note(note.uuid, "more typing", node_id=NODE)
    assert (again.uuid, again.node_id, again.body) == (note.uuid, NODE, "more typing")


def test_unknown_notes_are_refused_by_name(notes: NotesStore) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(NoteNotFoundError):
        notes.note(missing)
    with pytest.raises(NoteNotFoundError):
        notes.delete_note(missing)
    with pytest.raises(NoteNotFoundError):
        notes.set_note_tags(missing, ["x"])


def test_tags_are_trimmed_merged_and_sorted_and_empty_names_refused(notes: NotesStore) -> None:
    note = notes.add_note(NODE, "n")
    tagged = notes.set_note_tags(note.uuid, [" zeta", "alpha", "zeta ", "Mid"])
    assert tagged.tags == ("Mid", "alpha", "zeta")
    assert [t.name for t in notes.tags()] == ["Mid", "alpha", "zeta"]
    assert notes.tag_counts() == {"Mid": 1, "alpha": 1, "zeta": 1}
    with pytest.raises(NotesError):
        notes.set_note_tags(note.uuid, [" "])
    notes.set_note_tags(note.uuid, ["alpha"])
    assert notes.tag_counts()["zeta"] == 0  # a tag no note uses any more is still known
    assert notes.set_tag_colour("alpha", "#AABBCC").colour == "#aabbcc"
    with pytest.raises(NotesError):
        notes.set_tag_colour("alpha", "red")


def test_over_long_and_unstorable_text_is_refused(notes: NotesStore) -> None:
    with pytest.raises(NotesError):
        notes.add_note(NODE, "\ud800")
    with pytest.raises(NotesError):
        notes.add_note("", "no node")
    with pytest.raises(NotesError):
        notes.add_note("bad\x00id", "control character")
    assert notes.all_notes() == ()


def test_marks_set_and_toggle_independently(notes: NotesStore) -> None:
    assert notes.toggle_marks(NODE, star=True).starred
    assert notes.toggle_marks(NODE, follow_up=True).follow_up
    assert notes.starred_ids() == {NODE}
    assert notes.follow_up_ids() == {NODE}
    marks = notes.toggle_marks(NODE, star=True)
    assert (marks.starred, marks.follow_up) == (False, True)
    assert notes.set_marks(OTHER, starred=True).starred
    assert notes.starred_ids() == {OTHER}


def test_search_finds_every_word_escapes_and_honours_the_limit(notes: NotesStore) -> None:
    a = notes.add_note(NODE, "Semiconductor <supply> risks in 2025")
    notes.add_note(OTHER, "Carbon intensity target")
    notes.add_note(OTHER, "semiconductor subsidies", tags=["industry"])
    hits = notes.search("semiconductor risks")
    assert [hit.uuid for hit in hits] == [a.uuid]
    assert "<b>" in hits[0].snippet_html and "&lt;supply&gt;" in hits[0].snippet_html
    assert len(notes.search("semiconductor")) == 2
    assert len(notes.search("semiconductor", limit=1)) == 1
    assert notes.search("industry")[0].node_id == OTHER  # tags are searched too
    assert notes.search("") == () and notes.search("absent") == ()
    assert notes.search('"unbalanced AND (') == ()  # no query syntax reaches the user


def test_detached_notes_are_those_whose_node_is_gone(notes: NotesStore) -> None:
    notes.add_note(NODE, "kept")
    gone = notes.add_note("old/removed-item", "orphan")
    detached = notes.detached_notes(lambda ids: {i for i in ids if i != gone.node_id})
    assert [n.uuid for n in detached] == [gone.uuid]


def test_saved_briefs_replace_by_name_and_list_by_name(notes: NotesStore) -> None:
    notes.save_brief(SavedBrief("b", title="B"))
    notes.save_brief(SavedBrief("a", title="A", meeting_date=date(2026, 3, 2)))
    notes.save_brief(SavedBrief("b", title="B2"))
    assert [(b.name, b.title) for b in notes.saved_briefs()] == [("a", "A"), ("b", "B2")]
    assert notes.saved_briefs()[0].meeting_date == date(2026, 3, 2)
    notes.delete_brief("a")
    notes.delete_brief("never-saved")
    assert [b.name for b in notes.saved_briefs()] == ["b"]


def test_a_brief_reads_every_note_and_star(notes: NotesStore) -> None:
    notes.add_note(NODE, "on the target")
    notes.add_note("old/removed-item", "detached, still printed")
    notes.set_marks(OTHER, starred=True)
    annotations = brief_annotations(notes)
    assert [n.body for n in annotations.notes] == ["on the target", "detached, still printed"]
    assert annotations.starred == {OTHER}


def test_an_export_is_read_by_the_real_store(notes: NotesStore, tmp_path: Path) -> None:
    note = notes.add_note(NODE, "exported", tags=["t"])
    notes.set_marks(NODE, starred=True)
    out = tmp_path / "out.json"
    assert notes.export_json(out) == 1
    target = SqliteNotes.open(tmp_path / "other" / "notes.db", clock=FakeClock())
    try:
        report = target.import_json(out)
        assert report.added == 1
        (copy,) = target.all_notes()
        assert (copy.uuid, copy.body, copy.tags) == (note.uuid, "exported", ("t",))
        assert target.starred_ids() == {NODE}
    finally:
        target.close()
