"""The notes repository: round trips, verbatim bodies, tags, marks, filters, search, briefs."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, event

from fypdesk import db
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import (
    MAX_TAG_CHARS,
    MAX_TAGS_PER_NOTE,
    NodeMarks,
    NoteNotFoundError,
    NotesError,
    NotesUnavailableError,
    SavedBrief,
    Tag,
    new_note_uuid,
    node_text_hash,
)
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import check_notes

from .helpers import OTHER_PLAN_NODE, PLAN_ID, TARGET_ID, FakeClock

HOSTILE_BODIES = [
    "<b>bold?</b>",
    "&",
    "AT&T",
    '<img src="http://example.invalid/x.png">',
    "]]>",
    "5G 基站 超过 200 万个",
    "emoji 👩🏽‍🔬🚀 and ZWJ",
    "עברית مرحبا RTL \u202e override",
    "control \x00 \x01 \x07 \x1b[31m \x7f chars",
    "\r\nwindows\rmac\nunix\n",
    "   leading and trailing spaces   ",
    "",
    "💾" * 10,
    "a" * 1_000_000,
]


def test_add_list_edit_remove_round_trip(repo: NotesRepository, clock: FakeClock) -> None:
    note = repo.add_note(TARGET_ID, "first thought", tags=["risk", " g7 ", "risk"])
    assert note.tags == ("g7", "risk")
    assert note.created == note.updated
    assert note.created.tzinfo is not None
    assert repo.notes_for_node(TARGET_ID) == (note,)

    edited = repo.save_note(note.uuid, "second thought")
    assert edited.body == "second thought"
    assert edited.created == note.created
    assert edited.updated > note.updated
    assert repo.note(note.uuid) == edited

    repo.delete_note(note.uuid)
    assert repo.all_notes() == ()
    with pytest.raises(NoteNotFoundError, match="no such note"):
        repo.note(note.uuid)
    with pytest.raises(NoteNotFoundError):
        repo.delete_note(note.uuid)


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_bodies_are_kept_verbatim(repo: NotesRepository, body: str) -> None:
    note = repo.add_note(TARGET_ID, body)
    assert repo.note(note.uuid).body == body
    # ... also as the bytes on disk, not just through the ORM.
    connection = sqlite3.connect(repo.path)
    try:
        stored = connection.execute("SELECT body FROM notes WHERE uuid = ?", (note.uuid,))
        assert stored.fetchone()[0] == body
    finally:
        connection.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.text(),
    # Within the store's limits (longer tags, or more of them, are refused by design).
    tags=st.lists(
        st.text(min_size=1, max_size=MAX_TAG_CHARS).filter(lambda t: t.isprintable() and t.strip()),
        max_size=MAX_TAGS_PER_NOTE,
    ),
)
def test_any_unicode_text_round_trips(repo: NotesRepository, body: str, tags: list[str]) -> None:
    note = repo.add_note(TARGET_ID, body, tags=tags)
    again = repo.note(note.uuid)
    assert again.body == body
    assert again.tags == tuple(sorted({tag.strip() for tag in tags}))


def test_unpaired_surrogate_is_refused_with_a_message(repo: NotesRepository) -> None:
    with pytest.raises(NotesError, match="cannot be stored"):
        repo.add_note(TARGET_ID, "half a pair \ud800")
    assert repo.all_notes() == ()


def test_saving_the_same_body_changes_nothing(repo: NotesRepository) -> None:
    note = repo.add_note(TARGET_ID, "steady")
    revision = repo.revision()
    assert repo.save_note(note.uuid, "steady") == note
    assert repo.revision() == revision


def test_empty_body_is_kept_not_deleted(repo: NotesRepository) -> None:
    note = repo.add_note(TARGET_ID, "soon empty")
    repo.save_note(note.uuid, "")
    assert repo.note(note.uuid).body == ""


def test_autosave_upsert_creates_with_a_client_uuid(repo: NotesRepository) -> None:
    note_uuid = new_note_uuid()
    created = repo.save_note(note_uuid, "typed", node_id=TARGET_ID)
    assert created.uuid == note_uuid
    assert repo.save_note(note_uuid, "typed more").body == "typed more"
    with pytest.raises(NoteNotFoundError):
        repo.save_note(new_note_uuid(), "no node given")
    with pytest.raises(NotesError, match="not a note id"):
        repo.save_note("not-a-uuid", "x", node_id=TARGET_ID)


def test_node_hash_is_stored_and_detects_changed_wording(
    repo: NotesRepository, content: ContentRepository
) -> None:
    node = content.node(TARGET_ID)
    current = node_text_hash(node.title, node.text, node.source)
    note = repo.add_note(TARGET_ID, "x", node_hash=current)
    assert repo.note(note.uuid).node_hash == current
    assert node_text_hash(node.title + " (revised)", node.text, node.source) != current
    # Moving words between fields changes the hash too.
    assert node_text_hash("a b", "c", "d") != node_text_hash("a", "b c", "d")


def test_filters_counts_and_detached(repo: NotesRepository, content: ContentRepository) -> None:
    a = repo.add_note(TARGET_ID, "a", tags=["risk"])
    b = repo.add_note(TARGET_ID, "b")
    c = repo.add_note(PLAN_ID, "c", tags=["risk", "g7"])
    d = repo.add_note(OTHER_PLAN_NODE, "d")
    gone = repo.add_note("ict/targets/removed-in-a-content-update", "kept")
    assert repo.all_notes(plan="ict") == (a, b, c, gone)
    assert repo.all_notes(plan="ic") == ()
    assert repo.all_notes(tag="risk") == (a, c)
    assert repo.all_notes(node=TARGET_ID, tag="risk") == (a,)
    assert repo.all_notes(plan="integration") == (d,)
    assert repo.note_counts_by_node() == {
        TARGET_ID: 2,
        PLAN_ID: 1,
        OTHER_PLAN_NODE: 1,
        gone.node_id: 1,
    }
    assert repo.detached_notes(content.existing_ids) == (gone,)
    assert repo.note(gone.uuid) == gone  # listed as detached, never deleted


def test_tags_colours_and_counts(repo: NotesRepository) -> None:
    note = repo.add_note(TARGET_ID, "x", tags=["risk"])
    repo.set_tag_colour("risk", "#FF0000")
    repo.set_tag_colour("unused", "#00ff00")
    assert repo.tags() == (Tag("risk", "#ff0000"), Tag("unused", "#00ff00"))
    assert repo.tag_counts() == {"risk": 1, "unused": 0}
    assert repo.set_note_tags(note.uuid, ["unused"]).tags == ("unused",)
    assert repo.tag_counts() == {"risk": 0, "unused": 1}
    with pytest.raises(NotesError, match="colour"):
        repo.set_tag_colour("risk", "red")
    with pytest.raises(NotesError, match="empty"):
        repo.add_note(TARGET_ID, "x", tags=["  "])


def test_stars_and_follow_up(repo: NotesRepository) -> None:
    assert repo.marks.get(TARGET_ID) == NodeMarks(TARGET_ID)
    repo.marks.set(TARGET_ID, starred=True)
    repo.marks.set(PLAN_ID, follow_up=True)
    assert repo.marks.starred_ids() == {TARGET_ID}
    assert repo.marks.follow_up_ids() == {PLAN_ID}
    assert repo.marks.get(TARGET_ID) == NodeMarks(TARGET_ID, starred=True)
    repo.marks.set(TARGET_ID, starred=False)
    assert repo.marks.starred_ids() == frozenset()
    assert repo.marks.all() == (NodeMarks(PLAN_ID, follow_up=True),)


def test_toggling_flips_one_flag_and_leaves_the_other(repo: NotesRepository) -> None:
    assert repo.marks.toggle(TARGET_ID, star=True) == NodeMarks(TARGET_ID, starred=True)
    assert repo.marks.toggle(TARGET_ID, follow_up=True) == NodeMarks(TARGET_ID, True, True)
    assert repo.marks.toggle(TARGET_ID, star=True) == NodeMarks(TARGET_ID, follow_up=True)
    assert repo.marks.toggle(TARGET_ID, follow_up=True) == NodeMarks(TARGET_ID)
    assert repo.marks.all() == ()  # a node without flags keeps no row


def test_search_finds_words_prefixes_tags_and_chinese(repo: NotesRepository) -> None:
    a = repo.add_note(TARGET_ID, "Base stations <b>grew</b> fast & AT&T noticed")
    b = repo.add_note(PLAN_ID, "5G 基站 超过 200 万个", tags=["telecoms"])
    assert [hit.uuid for hit in repo.search("stat")] == [a.uuid]
    assert [hit.uuid for hit in repo.search("telecoms")] == [b.uuid]
    assert [hit.uuid for hit in repo.search("超过 200")] == [b.uuid]
    hit = repo.search("grew")[0]
    assert "&lt;b&gt;<b>grew</b>&lt;/b&gt;" in hit.snippet_html
    assert "AT&amp;T" in hit.snippet_html
    assert repo.search("telecoms")[0].tags == ("telecoms",)
    repo.delete_note(a.uuid)
    assert repo.search("stations") == ()


def test_search_follows_edits_and_tag_changes(repo: NotesRepository) -> None:
    note = repo.add_note(TARGET_ID, "alpha")
    repo.save_note(note.uuid, "omega")
    assert repo.search("alpha") == ()
    assert len(repo.search("omega")) == 1
    repo.set_note_tags(note.uuid, ["zulu"])
    assert len(repo.search("zulu")) == 1
    assert check_notes(repo) == []


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=30))
def test_any_query_is_accepted(repo: NotesRepository, query: str) -> None:
    repo.add_note(TARGET_ID, 'who\'s "multi-agent" AND (x NEAR( a"b *')
    for hit in repo.search(query):
        assert "<" not in hit.snippet_html.replace("<b>", "").replace("</b>", "")


@pytest.mark.parametrize("query", ["who's", "multi-agent", "AND", "(x", "NEAR(", 'a"b', "*", ""])
def test_query_syntax_is_searched_as_text(repo: NotesRepository, query: str) -> None:
    repo.add_note(TARGET_ID, 'who\'s "multi-agent" AND (x NEAR( a"b *')
    repo.search(query)  # no exception is the point: these raise in raw FTS5


def test_saved_briefs_crud(repo: NotesRepository) -> None:
    brief = SavedBrief(
        name="G7 prep",
        title="Industrial plans",
        subtitle="Briefing for the G7 meeting",
        author="A. Analyst",
        organisation="Ministry",
        meeting_date=date(2026, 5, 4),
        marking="RESTRICTED",
        paper="Letter",
        scope=(PLAN_ID, TARGET_ID),
        options={"notes": "all", "charts": True, "tags": ["risk"], "depth": 2},
    )
    assert repo.briefs.save(brief) == brief
    assert repo.briefs.all() == (brief,)
    renamed = SavedBrief(name="G7 prep", title="Changed")
    assert repo.briefs.save(renamed) == renamed
    repo.briefs.delete("G7 prep")
    assert repo.briefs.all() == ()
    with pytest.raises(NotesError, match="no saved brief"):
        repo.briefs.get("G7 prep")
    with pytest.raises(NotesError, match="plain JSON"):
        repo.briefs.save(SavedBrief(name="x", options={"when": date(2026, 1, 1)}))


def test_each_write_bumps_the_revision_once(repo: NotesRepository, clock: FakeClock) -> None:
    start = repo.revision()
    note = repo.add_note(TARGET_ID, "x")
    clock.advance(timedelta(minutes=1))
    repo.save_note(note.uuid, "y")
    repo.marks.set(TARGET_ID, starred=True)
    assert repo.revision() == start + 3


def test_a_failed_write_changes_nothing(repo: NotesRepository) -> None:
    note = repo.add_note(TARGET_ID, "kept", tags=["a"])
    with pytest.raises(NotesError):
        repo.save_note(note.uuid, "new body", tags=["ok", ""])
    assert repo.note(note.uuid) == note


def _engine_with(path: Path, pragma: str) -> Engine:
    engine = db.writable_engine(path)

    @event.listens_for(engine, "connect")
    def _limit(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(pragma)

    return engine


def test_a_full_disk_gives_a_clear_error_and_keeps_the_notes(
    repo: NotesRepository, clock: FakeClock
) -> None:
    kept = repo.add_note(TARGET_ID, "kept")
    repo.close()
    # max_page_count makes SQLite report SQLITE_FULL exactly as a full disk does.
    full = NotesRepository(_engine_with(repo.path, "PRAGMA max_page_count = 40"), repo.path, clock)
    try:
        with pytest.raises(NotesUnavailableError, match=r"full.*nothing was changed"):
            full.add_note(TARGET_ID, "x" * 1_000_000)
        assert full.all_notes() == (kept,)
    finally:
        full.close()


def test_a_read_only_database_gives_a_clear_error(repo: NotesRepository, clock: FakeClock) -> None:
    kept = repo.add_note(TARGET_ID, "kept")
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(db.sqlite_uri(repo.path, mode="ro"), uri=True),
    )
    read_only = NotesRepository(engine, repo.path, clock)
    try:
        with pytest.raises(NotesUnavailableError, match="readonly"):
            read_only.save_note(kept.uuid, "refused")
        assert read_only.note(kept.uuid) == kept
    finally:
        read_only.close()


def test_hostile_bodies_keep_the_database_and_search_indexes_intact(
    repo: NotesRepository,
) -> None:
    for body in HOSTILE_BODIES:
        repo.add_note(TARGET_ID, body, tags=["x"])
    assert check_notes(repo) == []


def test_reads_do_not_wait_for_a_writer(repo: NotesRepository) -> None:
    """A long write elsewhere (an import) must not make ``notes list`` wait or fail: reads take
    deferred transactions, which a WAL reader serves without any lock."""
    import sqlite3 as sqlite

    note = repo.add_note(TARGET_ID, "readable while another process writes")
    writer = sqlite.connect(repo.path, isolation_level=None, timeout=0.1)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE store_meta SET value = value + 1 WHERE key = 'revision'")
        assert repo.all_notes() == (note,)
        assert repo.search("readable")[0].uuid == note.uuid
        assert repo.marks.starred_ids() == frozenset()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
