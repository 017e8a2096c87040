"""The CLI's composition root: every command opens the content and the notes at most once, and
closes what it opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from fypdesk.cli import main
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import BriefSpec
from fypdesk.domain.saved_brief import saved_brief, spec_from_saved_brief
from fypdesk.notes.sqlite import reader
from fypdesk.notes.sqlite.backend import SqliteNotes


class _Opened:
    """Counts the stores and content databases opened, and those still open at the end."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.notes = 0
        self.snapshots = 0
        self.content = 0
        self.open_notes: list[SqliteNotes] = []
        notes_open = SqliteNotes.open.__func__  # type: ignore[attr-defined]
        content_open = ContentRepository.open.__func__  # type: ignore[attr-defined]
        read_snapshot = reader.read_snapshot

        def count_notes(cls: type[SqliteNotes], /, *args: object, **kwargs: object) -> SqliteNotes:
            self.notes += 1
            store: SqliteNotes = notes_open(cls, *args, **kwargs)
            self.open_notes.append(store)
            store.add_close_listener(lambda: self.open_notes.remove(store))
            return store

        def count_content(
            cls: type[ContentRepository], /, *args: object, **kwargs: object
        ) -> ContentRepository:
            self.content += 1
            repository: ContentRepository = content_open(cls, *args, **kwargs)
            return repository

        def count_snapshots(path: Path) -> object:
            self.snapshots += 1
            return read_snapshot(path)

        monkeypatch.setattr(SqliteNotes, "open", classmethod(count_notes))
        monkeypatch.setattr(ContentRepository, "open", classmethod(count_content))
        monkeypatch.setattr(reader, "read_snapshot", count_snapshots)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    store = SqliteNotes.open(folder / "notes.db")
    try:
        store.add_note("ict/targets/5g-usage-rate", "a note for the brief")
        store.save_brief(saved_brief("weekly", BriefSpec(title="Weekly", subtitle="saved")))
    finally:
        store.close()
    return folder


def test_export_from_a_saved_brief_saving_another_opens_each_database_once(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _Opened(monkeypatch)
    out = tmp_path / "brief.md"
    args = ["--data-dir", str(data_dir), "export", str(out), "--brief", "weekly"]
    assert main([*args, "--title", "Monday", "--save-brief", "monday"]) == 0
    assert (opened.notes, opened.snapshots, opened.content) == (1, 0, 1)
    assert opened.open_notes == []  # closed when the command ended
    assert "a note for the brief" in out.read_text("utf-8")
    store = SqliteNotes.open(data_dir / "notes.db")
    try:
        saved = {brief.name: brief for brief in store.saved_briefs()}
    finally:
        store.close()
    spec = spec_from_saved_brief(saved["monday"])
    assert (spec.title, spec.subtitle) == ("Monday", "saved")  # the base, overridden


def test_a_plain_export_reads_the_notes_without_opening_the_store(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _Opened(monkeypatch)
    # A backup is due after the fixture's writes: the snapshot refuses, the store opens once.
    assert main(["--data-dir", str(data_dir), "export", str(tmp_path / "first.md")]) == 0
    assert (opened.snapshots, opened.notes, opened.content) == (1, 1, 1)
    assert main(["--data-dir", str(data_dir), "export", str(tmp_path / "second.md")]) == 0
    assert (opened.snapshots, opened.notes, opened.content) == (2, 1, 2)
    assert opened.open_notes == []


def test_notes_commands_open_the_store_once_and_close_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened = _Opened(monkeypatch)
    for command in (
        ["notes", "add", "ict", "text"],
        ["notes", "list"],
        ["star", "ict"],
        ["check"],
        ["backup"],
        ["notes", "export", str(data_dir / "out.md")],
    ):
        before = opened.notes
        assert main(["--data-dir", str(data_dir), *command]) == 0, command
        assert opened.notes == before + 1, command
        assert opened.open_notes == [], command
    capsys.readouterr()
