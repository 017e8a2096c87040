"""``fypdesk export`` with a real notes store: the user's notes and stars reach the brief verbatim,
scopes pick from them, saved briefs round-trip through the CLI, and reading creates nothing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk.cli import main
from fypdesk.domain.notes import SavedBrief
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import open_notes
from tests.export.brief_samples import (
    CONTENT_DB,
    HOSTILE,
    NOTE_TARGETS,
    embedded_fonts,
    extract,
    squash,
)

#: Bodies the task names explicitly, on top of the shared hostile set.
EXTRA_HOSTILE = ('<img src="http://example.com/x.png">', "<b>", "AT&T", "中文", "emoji 😀 again")
STARRED = "skills/targets/high-skilled-workers"
STARRED_TITLE = "High-skilled workers trained"
DETACHED = "ict/targets/withdrawn-in-a-content-update"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run one command in-process against the bundled content; return status, stdout, stderr."""
    status = main(["--content", str(CONTENT_DB), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def unescape(markdown: str) -> str:
    """What CommonMark shows for backslash-escaped punctuation."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


@pytest.fixture
def store(data_dir: Path) -> Iterator[NotesRepository]:
    """The user's notes store in the test's data folder, opened as the app opens it."""
    repository = open_notes(data_dir / "notes.db")
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture
def hostile_store(store: NotesRepository) -> NotesRepository:
    """Every hostile body as a note on a real item, alternately tagged, plus one detached note."""
    bodies = HOSTILE + EXTRA_HOSTILE
    for index, body in enumerate(bodies):
        tags = ["risk"] if index % 2 else ["follow-up", "中文"]
        store.add_note(NOTE_TARGETS[index % len(NOTE_TARGETS)], body, tags=tags)
    # The CLI refuses notes on unknown ids; a content update is how real notes become detached.
    store.add_note(DETACHED, "kept after the update <b>", tags=["risk"])
    return store


def test_pdf_carries_every_note_verbatim(
    capsys: pytest.CaptureFixture[str], hostile_store: NotesRepository, tmp_path: Path
) -> None:
    out = tmp_path / "brief.pdf"
    status, stdout, err = run(capsys, "export", str(out))
    assert (status, err) == (0, "")
    total = len(HOSTILE) + len(EXTRA_HOSTILE) + 1
    assert f"{total} notes." in stdout
    text = extract(out.read_bytes()).text
    for body in (*HOSTILE, *EXTRA_HOSTILE):
        assert body in text, body
    assert "Notes on items no longer in the briefing" in text
    assert "kept after the update <b>" in text
    assert DETACHED in text


def test_markdown_carries_every_note_verbatim(
    capsys: pytest.CaptureFixture[str], hostile_store: NotesRepository, tmp_path: Path
) -> None:
    out = tmp_path / "brief.md"
    assert run(capsys, "export", str(out))[0] == 0
    markdown = out.read_text(encoding="utf-8")
    shown = unescape(markdown)
    for body in (*HOSTILE, *EXTRA_HOSTILE, "kept after the update <b>"):
        assert body in shown, body
    assert re.search(r"(?<!\\)<", markdown) is None  # no note turns into HTML


def test_emoji_beyond_the_fallback_font_print_verbatim(
    capsys: pytest.CaptureFixture[str], store: NotesRepository, tmp_path: Path
) -> None:
    store.add_note("ict", "launch 🚀 ✅ 👍 🙂")
    out = tmp_path / "brief.pdf"
    assert run(capsys, "export", str(out), "--plan", "ict")[0] == 0
    pdf = extract(out.read_bytes())
    assert "launch 🚀 ✅ 👍 🙂" in pdf.text
    assert embedded_fonts(pdf).get("Symbola") is True  # drawn with its glyphs, not boxes


def test_notes_typed_at_the_cli_reach_the_brief(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    body = 'AT&T <b>bold</b> <img src="http://example.com/x.png"> 中文笔记 😀'
    assert run(capsys, "notes", "add", STARRED, body, "--tag", "g7")[0] == 0
    out = tmp_path / "brief.pdf"
    assert run(capsys, "export", str(out))[0] == 0
    assert body in extract(out.read_bytes()).text


def test_starred_exports_only_starred_items(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    assert run(capsys, "star", STARRED)[0] == 0
    assert run(capsys, "notes", "add", STARRED, "on the starred target")[0] == 0
    assert run(capsys, "notes", "add", "ict/targets/5g-usage-rate", "not starred")[0] == 0
    out = tmp_path / "starred.md"
    status, stdout, _ = run(capsys, "export", str(out), "--starred")
    assert status == 0 and "1 plans" in stdout and "1 notes." in stdout
    shown = unescape(out.read_text(encoding="utf-8"))
    assert STARRED_TITLE in shown and "on the starred target" in shown
    assert "Technical Worker Education" in shown  # its plan, as a heading for context
    for plan in ("Information and Communication Technologies", "Big Data", "Green Industrial"):
        assert plan not in shown
    assert "not starred" not in shown


def test_tag_scope_exports_only_items_with_such_notes(
    capsys: pytest.CaptureFixture[str], store: NotesRepository, tmp_path: Path
) -> None:
    store.add_note("green/targets/co2-intensity", "risky CO₂ path", tags=["risk"])
    store.add_note("ict/targets/5g-usage-rate", "routine", tags=["later"])
    out = tmp_path / "tagged.pdf"
    status, stdout, _ = run(capsys, "export", str(out), "--tag", "risk")
    assert status == 0 and "1 plans" in stdout
    pdf = extract(out.read_bytes())
    text = squash(pdf.text)
    assert squash("CO₂ emissions per industrial added value") in text
    assert squash("risky CO₂ path") in text
    assert "routine" not in pdf.text
    assert "Information and Communication Technologies" not in pdf.outline


def test_notes_tagged_prints_only_those_notes(
    capsys: pytest.CaptureFixture[str], store: NotesRepository, tmp_path: Path
) -> None:
    store.add_note("ict", "tagged one", tags=["risk"])
    store.add_note("ict", "untagged one")
    out = tmp_path / "b.md"
    assert run(capsys, "export", str(out), "--notes", "tagged", "--tag", "RISK ")[0] == 0
    shown = unescape(out.read_text(encoding="utf-8"))
    assert "tagged one" in shown and "untagged one" not in shown


def test_saved_brief_round_trip_through_the_cli(
    capsys: pytest.CaptureFixture[str], hostile_store: NotesRepository, tmp_path: Path
) -> None:
    options = (
        *("--plan", "green", "--plan", "ict", "--tag", "risk", "--notes", "tagged"),
        *("--no-charts", "--title", "G7 <prep> & AT&T", "--author", "李伟"),
        *("--organisation", "Ministry", "--date", "2026-12-01", "--marking", "Internal"),
        *("--paper", "letter", "--subtitle", "Two plans"),
    )
    first = tmp_path / "first.pdf"
    status, stdout, err = run(capsys, "export", str(first), *options, "--save-brief", "G7 brief")
    assert (status, err) == (0, "")
    assert "Saved the brief as 'G7 brief'." in stdout

    status, stdout, _ = run(capsys, "briefs", "--format", "json")
    assert status == 0
    (record,) = json.loads(stdout)
    assert record["name"] == "G7 brief"
    assert record["title"] == "G7 <prep> & AT&T" and record["author"] == "李伟"
    assert record["meeting_date"] == "2026-12-01" and record["paper"] == "Letter"
    assert record["plans"] == ["green", "ict"]
    assert record["options"]["scope"] == {"starred": False, "annotated": False, "tags": ["risk"]}
    assert record["options"]["notes"] == "tagged" and record["options"]["charts"] is False
    status, stdout, _ = run(capsys, "briefs")
    assert status == 0 and "G7 brief" in stdout and "green, ict" in stdout

    again = tmp_path / "again.pdf"
    assert run(capsys, "export", str(again), "--brief", "G7 brief")[0] == 0
    before, after = extract(first.read_bytes()), extract(again.read_bytes())
    assert after.pages == before.pages
    assert after.outline == before.outline
    assert "G7 <prep> & AT&T" in after.pages[0]


def test_options_given_with_a_saved_brief_override_it(
    capsys: pytest.CaptureFixture[str], store: NotesRepository, tmp_path: Path
) -> None:
    store.add_note("ict", "on ict")
    out = tmp_path / "b.md"
    saved = ("--plan", "green", "--title", "Saved title", "--save-brief", "b")
    assert run(capsys, "export", str(out), *saved)[0] == 0
    assert run(capsys, "export", str(out), "--brief", "b", "--plan", "ict")[0] == 0
    shown = unescape(out.read_text(encoding="utf-8"))
    assert shown.startswith("# Saved title")  # kept from the saved brief
    assert "on ict" in shown and "Green Industrial Development" not in shown  # overridden


def test_saving_under_a_loaded_name_updates_that_brief(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b.md"
    assert run(capsys, "export", str(out), "--title", "Old", "--save-brief", "b")[0] == 0
    args = ("--brief", "b", "--author", "New author", "--save-brief", "b")
    assert run(capsys, "export", str(out), *args)[0] == 0
    (record,) = json.loads(run(capsys, "briefs", "--format", "json")[1])
    assert (record["title"], record["author"]) == ("Old", "New author")


def test_reading_creates_no_notes_database(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    assert not data_dir.exists()
    for name in ("brief.pdf", "brief.md"):
        status, stdout, err = run(capsys, "export", str(tmp_path / name))
        assert (status, err) == (0, "") and "0 notes." in stdout
    assert run(capsys, "briefs")[:2] == (0, "No saved briefs.\n")
    assert run(capsys, "briefs", "--format", "json")[:2] == (0, "[]\n")
    assert run(capsys, "export", str(tmp_path / "x.md"), "--brief", "any")[0] == 1
    assert not data_dir.exists()


def test_an_unknown_brief_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], store: NotesRepository, tmp_path: Path
) -> None:
    store.briefs.save(SavedBrief(name="known"))
    out = tmp_path / "b.pdf"
    status, stdout, err = run(capsys, "export", str(out), "--brief", "unknown")
    assert (status, stdout) == (1, "")
    assert err == "fypdesk: error: no saved brief named 'unknown' (see 'fypdesk briefs')\n"
    assert not out.exists()


def test_an_unusable_saved_brief_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], store: NotesRepository, tmp_path: Path
) -> None:
    store.briefs.save(SavedBrief(name="odd", paper="A3", options={"colour": "red"}))
    out = tmp_path / "b.pdf"
    status, _, err = run(capsys, "export", str(out), "--brief", "odd")
    assert status == 1 and err.count("\n") == 1
    assert err.startswith("fypdesk: error: saved brief 'odd' cannot be used: ")
    assert not out.exists()
    status, stdout, _ = run(capsys, "briefs")
    assert status == 0 and "odd" in stdout and "unusable" in stdout  # listed, not hidden


def test_an_empty_save_name_is_refused_before_writing(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b.md"
    status, _, err = run(capsys, "export", str(out), "--save-brief", " ")
    assert status == 1 and "--save-brief needs a name" in err
    assert not out.exists() and not data_dir.exists()


def test_a_damaged_store_is_restored_with_a_message_and_its_notes_exported(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    assert run(capsys, "notes", "add", STARRED, "in the backup")[0] == 0
    assert run(capsys, "backup")[0] == 0
    with (data_dir / "notes.db").open("r+b") as handle:
        handle.write(b"\x00" * 100)
    out = tmp_path / "b.md"
    status, _, err = run(capsys, "export", str(out))
    assert status == 0
    assert err.startswith("fypdesk: warning: the notes database was damaged")
    assert "restored the backup of" in err
    assert "in the backup" in out.read_text(encoding="utf-8")
    kept = sorted(data_dir.glob("notes.db.damaged-*"))  # the file first, then any -shm, -wal
    assert kept[0].read_bytes()[:100] == b"\x00" * 100  # kept aside as it was, as every open does


def test_export_without_notes_does_not_import_the_notes_store(tmp_path: Path) -> None:
    """Without a notes database, export must not pay for SQLAlchemy and Alembic at start-up."""
    out = tmp_path / "b.md"
    code = (
        "import sys; from fypdesk.cli import main; "
        f"code = main(['--content', {str(CONTENT_DB)!r}, '--data-dir', {str(tmp_path / 'd')!r},"
        f" 'export', {str(out)!r}]); "
        "sys.stdout.write(str((code, [m for m in ('sqlalchemy', 'alembic') if m in sys.modules])))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.endswith("(0, [])")
    assert out.is_file()
