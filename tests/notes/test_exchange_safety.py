"""Exchange between machines that loses no edit: clocks that run ahead, deletions, conflicts,
and hostile files (huge numbers, impossible dates, lone surrogates, FIFOs, /dev/zero)."""

from __future__ import annotations

import json
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from fypdesk.domain.notes import MAX_BODY_CHARS, ExchangeFormatError, NotesError
from fypdesk.notes.sqlite import exchange
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import open_notes

from .helpers import TARGET_ID, FakeClock

NOTE_ID = "0f1e2d3c-4b5a-4678-9abc-def012345678"


def _file(path: Path, notes: list[dict[str, object]], **extra: object) -> Path:
    document = {"format": "fypdesk-notes", "version": 1, "notes": notes, **extra}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _note(body: str, updated: str, **fields: object) -> dict[str, object]:
    return {
        "id": NOTE_ID,
        "node": TARGET_ID,
        "body": body,
        "tags": [],
        "created": "2026-01-01T00:00:00+00:00",
        "updated": updated,
        **fields,
    }


def test_a_far_future_time_is_refused_whole(repo: NotesRepository, tmp_path: Path) -> None:
    path = _file(tmp_path / "n.json", [_note("from a broken clock", "9999-12-31T23:59:59+00:00")])
    with pytest.raises(ExchangeFormatError, match="in the future"):
        exchange.import_json(repo, path)
    assert repo.all_notes() == ()


def test_an_edit_after_importing_a_note_from_a_fast_clock_wins_the_next_exchange(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    # The other machine's clock runs 20 hours ahead (within the tolerance).
    ahead = (clock.now + timedelta(hours=20)).isoformat()
    path = _file(tmp_path / "n.json", [_note("their text", ahead)])
    exchange.import_json(repo, path)
    edited = repo.save_note(NOTE_ID, "my later edit")
    assert edited.updated > repo.note(NOTE_ID).created
    assert edited.updated.isoformat() > ahead  # at least the stored time, plus a microsecond
    exchange.import_json(repo, path)  # importing the same file again loses nothing
    assert repo.note(NOTE_ID).body == "my later edit"


def test_a_newer_text_from_elsewhere_keeps_the_unsent_local_edit_as_a_conflict_copy(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    exchange.import_json(
        repo, _file(tmp_path / "a.json", [_note("shared", "2026-01-01T00:00:00+00:00")])
    )
    repo.save_note(NOTE_ID, "edited here, never sent")
    newer = (clock.now + timedelta(hours=1)).isoformat()
    report = exchange.import_json(repo, _file(tmp_path / "b.json", [_note("edited there", newer)]))
    assert report.conflicts == 1
    bodies = {note.body: note.tags for note in repo.all_notes()}
    assert bodies == {"edited there": (), "edited here, never sent": ("conflict",)}


def test_a_text_sent_before_it_was_replaced_is_no_conflict(
    repo: NotesRepository, tmp_path: Path, clock: FakeClock
) -> None:
    repo.save_note(NOTE_ID, "written here", node_id=TARGET_ID)
    exchange.export_json(repo, tmp_path / "sent.json", clock)  # the other machine has it
    newer = (clock.now + timedelta(hours=1)).isoformat()
    report = exchange.import_json(repo, _file(tmp_path / "b.json", [_note("edited there", newer)]))
    assert (report.updated, report.conflicts) == (1, 0)
    assert [note.body for note in repo.all_notes()] == ["edited there"]


def test_deletions_travel_and_an_older_file_does_not_bring_a_note_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    here = open_notes(tmp_path / "here" / "notes.db", clock=clock)
    there = open_notes(tmp_path / "there" / "notes.db", clock=clock)
    try:
        note = here.add_note(TARGET_ID, "to be deleted")
        old_file = tmp_path / "old.json"
        exchange.export_json(here, old_file, clock)
        exchange.import_json(there, old_file)
        here.delete_note(note.uuid)
        exchange.import_json(here, old_file)  # the older file does not bring it back here
        assert here.all_notes() == ()
        new_file = tmp_path / "new.json"
        exchange.export_json(here, new_file, clock)
        report = exchange.import_json(there, new_file)  # and the deletion reaches the other
        assert report.deleted == 1
        assert there.all_notes() == ()
        exchange.import_json(there, old_file)
        assert there.all_notes() == ()
    finally:
        here.close()
        there.close()


@pytest.mark.parametrize(
    "note",
    [
        _note("x", "2026-01-01T00:00:00+00:00", tags=[1 if False else "t"], node_hash="\ud800"),
        _note("x", "0001-01-01T00:00:00+05:00"),  # before year 1 in UTC
        {**_note("x", "2026-01-01T00:00:00+00:00"), "node": "ict/\ud800"},
        {**_note("x", "2026-01-01T00:00:00+00:00"), "node": "ict/\x1b]0;pwned\x07"},
        {**_note("x", "2026-01-01T00:00:00+00:00"), "node": "n" * 501},
        {**_note("x", "2026-01-01T00:00:00+00:00"), "tags": ["t" * 101]},
        _note("x" * (MAX_BODY_CHARS + 1), "2026-01-01T00:00:00+00:00"),
    ],
    ids=[
        "surrogate hash",
        "year 0",
        "surrogate node",
        "escape in node",
        "long node",
        "long tag",
        "huge body",
    ],
)
def test_a_hostile_record_is_refused_whole(
    repo: NotesRepository, tmp_path: Path, note: dict[str, object]
) -> None:
    path = tmp_path / "n.json"
    path.write_text(json.dumps({"format": "fypdesk-notes", "version": 1, "notes": [note]}))
    with pytest.raises(ExchangeFormatError):
        exchange.import_json(repo, path)
    assert repo.all_notes() == ()


def test_a_mark_on_a_node_with_a_lone_surrogate_is_refused(
    repo: NotesRepository, tmp_path: Path
) -> None:
    path = _file(tmp_path / "n.json", [], marks=[{"node": "\udfff", "starred": True}])
    with pytest.raises(ExchangeFormatError):
        exchange.import_json(repo, path)


def test_an_integer_of_five_thousand_digits_is_refused(
    repo: NotesRepository, tmp_path: Path
) -> None:
    path = tmp_path / "n.json"
    path.write_text('{"format": "fypdesk-notes", "version": ' + "9" * 5000 + ', "notes": []}')
    with pytest.raises(ExchangeFormatError):
        exchange.import_json(repo, path)


def test_a_fifo_and_a_device_are_refused_unread(repo: NotesRepository, tmp_path: Path) -> None:
    fifo = tmp_path / "notes.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            exchange.import_json(repo, fifo)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "importing a FIFO hangs"
    assert isinstance(outcome[0], ExchangeFormatError)
    with pytest.raises(ExchangeFormatError, match="not a regular file"):
        exchange.import_json(repo, Path("/dev/zero"))


def test_limits_hold_at_save_too(repo: NotesRepository) -> None:
    with pytest.raises(NotesError, match="too long"):
        repo.add_note(TARGET_ID, "x" * (MAX_BODY_CHARS + 1))
    with pytest.raises(NotesError, match="control characters"):
        repo.add_note("ict/\x1b[31m", "x")
    with pytest.raises(NotesError, match="longer than"):
        repo.add_note(TARGET_ID, "x", tags=["t" * 101])
