"""The notes commands as a user runs them: notes add/list/edit/rm/export/import, star, unstar,
tags, backup, restore and check."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fypdesk.cli import main
from tests.small_disk import fill, small_disk

TARGET = "ict/targets/5g-usage-rate"
CONTENT_DB = Path(__file__).resolve().parents[2] / "data" / "fyp.db"
NOTE_KEYS = {
    *("id", "pack", "node", "body", "tags", "created", "updated"),
    *("state", "detached", "edition"),
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run one command in-process; return its exit status, stdout and stderr."""
    status = main(["--content", str(CONTENT_DB), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    """``notes list --format json`` as Python objects."""
    status, out, _err = run(capsys, "notes", "list", "--format", "json", *args)
    assert status == 0
    records: list[dict[str, object]] = json.loads(out)
    return records


def add(capsys: pytest.CaptureFixture[str], node: str, text: str, *tags: str) -> str:
    """Add a note; return its uuid."""
    options = [part for tag in tags for part in ("--tag", tag)]
    status, out, err = run(capsys, "notes", "add", node, text, *options)
    assert (status, err) == (0, "")
    return out.split()[2]


def test_add_list_edit_remove(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    body = 'AT&T <b>bold</b> <img src="http://example.invalid/x"> ]]> 中文 🚀 עברית\n\x07end'
    note_uuid = add(capsys, TARGET, body, "risk", "g7")
    (record,) = listed(capsys)
    assert set(record) == NOTE_KEYS
    assert record["id"] == note_uuid
    assert record["node"] == TARGET
    assert record["body"] == body
    assert record["tags"] == ["g7", "risk"]
    assert record["detached"] is False

    status, out, _ = run(capsys, "notes", "list")
    assert status == 0 and note_uuid in out and "#g7 #risk" in out
    assert "\\x07end" in out and "\x07" not in out  # no raw control characters on a terminal

    assert run(capsys, "notes", "edit", note_uuid, "changed")[0] == 0
    assert listed(capsys)[0]["body"] == "changed"
    assert run(capsys, "notes", "rm", note_uuid)[:2] == (0, f"Removed note {note_uuid}.\n")
    assert listed(capsys) == []
    assert (data_dir / "notes.db").is_file()


def test_editing_a_note_from_the_command_line_clears_its_changed_wording(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    from fypdesk.content.repository import ContentRepository
    from fypdesk.domain.notes import node_text_hash
    from fypdesk.notes.sqlite.backend import SqliteNotes

    store = SqliteNotes.open(data_dir / "notes.db")
    try:  # written against an older wording of its item
        old = store.add_note(TARGET, "from the last edition", node_hash="0" * 64)
    finally:
        store.close()
    assert run(capsys, "notes", "edit", old.uuid, "checked against the new text")[0] == 0
    content = ContentRepository.open(CONTENT_DB)
    node = content.node(TARGET)
    content.close()
    store = SqliteNotes.open(data_dir / "notes.db")
    try:
        assert store.note(old.uuid).node_hash == node_text_hash(node.title, node.text, node.source)
    finally:
        store.close()


def test_list_filters(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    a = add(capsys, TARGET, "a", "risk")
    b = add(capsys, "integration", "b")
    assert [r["id"] for r in listed(capsys, "--plan", "ict")] == [a]
    assert [r["id"] for r in listed(capsys, "--node", "integration")] == [b]
    assert [r["id"] for r in listed(capsys, "--tag", "risk")] == [a]
    status, _out, err = run(capsys, "notes", "list", "--plan", "nope")
    assert status == 1 and err.startswith("fypdesk: error: no such plan")


@pytest.mark.parametrize(
    "args",
    [
        ("notes", "add", "ict/targets/does-not-exist", "x"),
        ("notes", "edit", "0f1e2d3c-4b5a-4678-9abc-def012345678", "x"),
        ("notes", "rm", "0f1e2d3c-4b5a-4678-9abc-def012345678"),
        ("star", "no/such/node"),
        ("notes", "export", "notes.txt"),
        ("notes", "import", "missing.json"),
        ("restore",),
    ],
)
def test_bad_requests_get_one_line_and_change_nothing(
    capsys: pytest.CaptureFixture[str], data_dir: Path, args: tuple[str, ...]
) -> None:
    kept = add(capsys, TARGET, "kept")
    status, out, err = run(capsys, *args)
    assert status == 1
    assert out == ""
    assert err.startswith("fypdesk: error: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert [r["id"] for r in listed(capsys)] == [kept]


def test_export_import_into_an_empty_folder_and_reimport(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    add(capsys, TARGET, "one", "risk")
    add(capsys, "ict", "two\nlines")
    exported = tmp_path / "export ü #.json"
    assert run(capsys, "notes", "export", str(exported))[1] == f"Exported 2 notes to {exported}.\n"
    before = listed(capsys)

    other = ["--data-dir", str(tmp_path / "other folder")]
    status, out, _ = run(capsys, *other, "notes", "import", str(exported), "--dry-run")
    assert (status, out) == (
        0,
        "Dry run, nothing changed: would add 2, would update 0, unchanged 0.\n",
    )
    assert listed(capsys, *[]) == before  # the first folder is untouched
    status, out, _ = run(capsys, *other, "notes", "import", str(exported))
    assert out == "Imported: added 2, updated 0, unchanged 0.\n"
    status, out, _ = run(capsys, *other, "notes", "import", str(exported))
    assert out == "Imported: added 0, updated 0, unchanged 2.\n"
    status, out, _ = run(capsys, *other, "notes", "list", "--format", "json")
    assert json.loads(out) == before


def test_malformed_import_is_refused(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    kept = add(capsys, TARGET, "kept")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "fypdesk-notes", "version": 99, "notes": []}', encoding="utf-8")
    status, _out, err = run(capsys, "notes", "import", str(bad))
    assert status == 1 and "version 99" in err
    assert [r["id"] for r in listed(capsys)] == [kept]


def test_markdown_export(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    add(capsys, TARGET, "a <b> note")
    path = tmp_path / "notes.md"
    assert run(capsys, "notes", "export", str(path))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert "## Information and Communication Technologies (`ict`)" in text
    assert "> a \\<b\\> note" in text  # shown as written, never as HTML


def test_star_unstar_and_tags(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    assert run(capsys, "star", TARGET)[1] == f"Starred {TARGET}.\n"
    assert run(capsys, "unstar", TARGET)[1] == f"Unstarred {TARGET}.\n"
    assert run(capsys, "tags")[1] == "No tags.\n"
    add(capsys, TARGET, "x", "risk")
    status, out, _ = run(capsys, "tags")
    assert status == 0 and "risk" in out and "#808080" in out


def test_backup_restore(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    first = add(capsys, TARGET, "before the backup")
    status, out, _ = run(capsys, "backup")
    assert status == 0 and out.startswith("Backed up the notes to ")
    add(capsys, TARGET, "after the backup")
    status, out, _ = run(capsys, "restore")
    assert status == 0 and out.startswith("Restored the backup of ")
    assert [r["id"] for r in listed(capsys)] == [first]


def test_check_reports_detached_notes_and_problems(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    note_uuid = add(capsys, TARGET, "fine")
    status, out, _ = run(capsys, "check")
    assert status == 0 and out.endswith("All checks passed.\n")

    connection = sqlite3.connect(data_dir / "notes.db")
    with connection:
        connection.execute(
            "INSERT INTO notes (uuid, node_id, body, created, updated, node_hash)"
            " VALUES ('0f1e2d3c-4b5a-4678-9abc-def012345678', 'ict/gone', 'x',"
            " '2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00', NULL)"
        )
    connection.close()
    status, out, _ = run(capsys, "check")
    assert status == 1  # the new note was written behind the search index's back
    assert "1 detached notes" in out and "ict/gone" in out
    assert "search index" in out
    assert listed(capsys, "--node", "ict/gone")[0]["detached"] is True
    assert note_uuid in {r["id"] for r in listed(capsys)}


def test_check_finds_a_damaged_content_search_index(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "fyp copy.db"
    shutil.copyfile(CONTENT_DB, damaged)
    connection = sqlite3.connect(damaged)
    with connection:
        connection.execute("DELETE FROM search_words_data WHERE id > 10")
    connection.close()
    status = main(["--content", str(damaged), "check"])
    out = capsys.readouterr().out
    assert status == 1
    assert "content search index search_words" in out
    assert out.endswith("1 problems found.\n")


def test_a_damaged_store_is_restored_with_a_message(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    kept = add(capsys, TARGET, "in the backup")
    run(capsys, "backup")
    with (data_dir / "notes.db").open("r+b") as handle:
        handle.write(b"\x00" * 100)
    status, out, err = run(capsys, "notes", "list", "--format", "json")
    assert status == 0
    assert err.startswith("fypdesk: warning: the notes database was damaged")
    assert "restored the backup of" in err
    assert [r["id"] for r in json.loads(out)] == [kept]
    assert list(data_dir.glob("notes.db.damaged-*"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_read_only_data_folder_gives_a_clear_error(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    add(capsys, TARGET, "kept")
    data_dir.chmod(0o500)
    (data_dir / "notes.db").chmod(0o400)
    try:
        status, _out, err = run(capsys, "notes", "add", TARGET, "refused")
    finally:
        data_dir.chmod(0o700)
        (data_dir / "notes.db").chmod(0o600)
    assert status == 1 and err.startswith("fypdesk: error: ") and err.count("\n") == 1
    assert [r["body"] for r in listed(capsys)] == ["kept"]


def test_notes_can_be_listed_and_copied_off_a_full_disk(tmp_path: Path) -> None:
    """0.1.0 failed every command on a full disk (a WAL reader needs its shared-memory file),
    so notes could not even be exported to another disk."""
    with small_disk(tmp_path / "full disk", "4m") as disk:
        data = disk / "data"

        def fypdesk(*argv: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "fypdesk", "--data-dir", str(data), *argv],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

        assert fypdesk("notes", "add", TARGET, "kept off the full disk").returncode == 0
        fill(disk, leave=4096)
        listed = fypdesk("notes", "list")
        assert listed.returncode == 0, listed.stderr
        assert "kept off the full disk" in listed.stdout
        copy = tmp_path / "elsewhere" / "notes.json"
        copy.parent.mkdir()
        exported = fypdesk("notes", "export", str(copy))
        assert exported.returncode == 0, exported.stderr
        assert "kept off the full disk" in copy.read_text(encoding="utf-8")
        brief = fypdesk("export", str(tmp_path / "elsewhere" / "brief.md"))
        assert brief.returncode == 0, brief.stderr
        added = fypdesk("notes", "add", TARGET, "cannot be saved now")
        assert added.returncode == 1 and "Traceback" not in added.stderr


def test_a_note_of_two_dashes_after_the_separator_is_stored(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """Found by the soak: argparse hands ``notes add ID -- --`` an empty list (status 70)."""
    status, out, err = run(capsys, "notes", "add", TARGET, "--", "--")
    assert (status, err) == (0, "")
    note_uuid = out.split()[2]
    assert run(capsys, "notes", "edit", note_uuid, "--", "--")[0] == 0
    status, out, _ = run(capsys, "notes", "list", "--format", "json")
    assert [record["body"] for record in json.loads(out)] == ["--"]
