"""Schema migrations: from an empty file and from every earlier revision to head, data kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from fypdesk import db
from fypdesk.domain.notes import NotesUnavailableError
from fypdesk.notes.sqlite import backup, constants, migrate
from fypdesk.notes.sqlite.schema import Base
from fypdesk.notes.sqlite.store import check_notes, open_notes

from .helpers import TARGET_ID, FakeClock

OLD_NOTE = "0f1e2d3c-4b5a-4678-9abc-def012345678"


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        connection.close()


def test_revisions_form_one_line_ending_at_head() -> None:
    assert migrate.known_revisions() == ("0001", "0002", "0003", "0004", "0005")
    assert migrate.head_revision() == "0005"


def test_the_head_revision_constant_is_the_migrations_head() -> None:
    # Start-up compares the store's revision with this constant to skip loading Alembic.
    assert migrate.head_revision() == constants.HEAD_REVISION


def test_new_store_is_migrated_to_head_and_matches_the_orm(db_path: Path, clock: FakeClock) -> None:
    open_notes(db_path, clock=clock).close()
    engine = db.writable_engine(db_path)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()

        def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _to: object) -> bool:
            # The FTS5 tables are created by raw SQL and are not ORM tables.
            return not (kind == "table" and name is not None and name.startswith("notes_fts"))

        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": ours})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    assert backup.list_backups(backup.backup_dir(db_path)) == ()  # nothing to back up yet


def test_upgrade_from_0001_keeps_data_and_backs_up_first(db_path: Path, clock: FakeClock) -> None:
    db_path.parent.mkdir(parents=True)
    engine = db.writable_engine(db_path)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    _sql(
        db_path,
        "INSERT INTO notes VALUES ('" + OLD_NOTE + "', '" + TARGET_ID + "', 'written under 0001',"
        " '2025-01-01T00:00:00.000000+00:00', '2025-01-02T00:00:00.000000+00:00', NULL)",
        "INSERT INTO tags (id, name, colour) VALUES (1, 'legacy', '#123456')",
        "INSERT INTO note_tags VALUES ('" + OLD_NOTE + "', 1)",
        "INSERT INTO node_marks VALUES ('ict', 1, 0, '2025-01-02T00:00:00.000000+00:00')",
        "UPDATE store_meta SET value = 3",
    )

    repository = open_notes(db_path, clock=clock)
    try:
        (note,) = repository.all_notes()
        assert (note.uuid, note.body, note.tags) == (OLD_NOTE, "written under 0001", ("legacy",))
        assert repository.marks.starred_ids() == {"ict"}
        # The new search index was filled from the notes already there.
        assert [hit.uuid for hit in repository.search("written")] == [OLD_NOTE]
        assert [hit.uuid for hit in repository.search("legacy")] == [OLD_NOTE]
        assert check_notes(repository) == []
    finally:
        repository.close()
    pre_upgrade = [
        info
        for info in backup.list_backups(backup.backup_dir(db_path))
        if info.reason == "pre-upgrade"
    ]
    assert len(pre_upgrade) == 1
    connection = sqlite3.connect(pre_upgrade[0].path)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0001",)
        ]
    finally:
        connection.close()


def test_downgrade_and_upgrade_keep_notes(db_path: Path, clock: FakeClock) -> None:
    repository = open_notes(db_path, clock=clock)
    note = repository.add_note(TARGET_ID, "survives the round trip", tags=["kept"])
    repository.close()
    engine = db.writable_engine(db_path)
    try:
        migrate.downgrade(engine, "0001")
        assert migrate.current_revision(engine) == "0001"
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    repository = open_notes(db_path, clock=clock)
    try:
        assert repository.all_notes() == (note,)
        assert [hit.uuid for hit in repository.search("survives")] == [note.uuid]
    finally:
        repository.close()


def test_a_store_from_a_newer_fypdesk_is_refused(db_path: Path, clock: FakeClock) -> None:
    open_notes(db_path, clock=clock).close()
    _sql(db_path, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(NotesUnavailableError, match="newer fypdesk"):
        open_notes(db_path, clock=clock)


#: A notes store written by fypdesk 0.1.0 (schema 0003): three notes, tags (one coloured, one
#: Chinese), a star, a follow-up and a saved brief. Never regenerate it with newer code.
RELEASED_STORES = Path(__file__).parent / "fixtures"


def test_a_store_written_by_0_1_0_opens_with_everything_in_it(tmp_path: Path) -> None:
    db_path = tmp_path / "notes.db"
    shutil.copyfile(RELEASED_STORES / "notes-0.1.0.db", db_path)
    repository = open_notes(db_path)
    try:
        notes = {note.node_id: note for note in repository.all_notes()}
        assert set(notes) == {"ict/targets/5g-usage-rate", "green", "briefing"}
        assert notes["ict/targets/5g-usage-rate"].body == "Ask how the 56% is counted"
        assert notes["ict/targets/5g-usage-rate"].tags == ("5g", "风险评估")
        assert notes["green"].body == 'Green plan: compare with the EU <taxonomy> & "quotes"'
        assert notes["briefing"].body == "多行\nnote with two lines"
        assert notes["briefing"].updated.isoformat() == "2026-11-20T09:00:03+00:00"
        assert {tag.name: tag.colour for tag in repository.tags()}["5g"] == "#ff0000"
        assert repository.marks.starred_ids() == frozenset({"ict"})
        assert repository.marks.follow_up_ids() == frozenset({"green/targets/co2-intensity"})
        (brief,) = repository.briefs.all()
        assert (brief.name, brief.scope, brief.author) == ("ICT weekly", ("ict",), "A. Analyst")
        assert [hit.uuid for hit in repository.search("counted")] == [
            notes["ict/targets/5g-usage-rate"].uuid
        ]
    finally:
        repository.close()
    reasons = [info.reason for info in backup.list_backups(backup.backup_dir(db_path))]
    assert "pre-upgrade" in reasons
