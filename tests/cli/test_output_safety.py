"""Output that could be abused: stored strings on a terminal, encodings that cannot hold them,
numbers SQLite cannot bind, formulas in CSV, hostile Markdown, file permissions and the names of
saved briefs.

The stored strings come from where a user cannot see them coming: a note imported from a
colleague's file, a saved brief, a third-party content pack. They are planted straight into the
databases here, as a crafted file would hold them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from fypdesk.cli import build_parser, main
from tests.conftest import CONTENT_DB, REPO_ROOT, file_mode

TARGET = "ict/targets/5g-usage-rate"
FIGURE = "green/figures/green-products"
#: Sets the terminal's title, turns text red, erases the screen (C1 CSI), reverses text.
PAYLOAD = "\x1b]0;pwned\x07\x1b[31mred\x9b2J\u202eevil\u2066iso\u2069\rover"
#: What must never reach a terminal raw.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: What a pack's texts may hold and must show as they are: markup, Markdown, HTML entities.
MARKUP = '<b>bold?</b> <a href="x">link</a> **md** &amp; [x](javascript:y)'
FORMULA = '=HYPERLINK("http://example.invalid/x","click")'
TIME = "2026-01-01T00:00:00.000000+00:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run one command in-process; return its exit status, stdout and stderr."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def hostile_content(tmp_path: Path) -> Path:
    """A copy of the bundled content whose strings a third-party pack could hold: markup and
    spreadsheet formulas, which it opens with and shows verbatim."""
    return _planted_content(tmp_path / "pack #1.db", MARKUP)


@pytest.fixture
def crafted_content(tmp_path: Path) -> Path:
    """The same with terminal escapes, C1 controls and bidi overrides: a pack that the open-time
    check refuses (as the source validator refuses such a source)."""
    return _planted_content(tmp_path / "pack #2.db", PAYLOAD)


def _planted_content(path: Path, payload: str) -> Path:
    shutil.copyfile(CONTENT_DB, path)
    connection = sqlite3.connect(path)
    with connection:
        for node in ("ict", TARGET, FIGURE):
            connection.execute("UPDATE nodes SET title = title || ? WHERE id = ?", (payload, node))
        connection.execute(
            "UPDATE nodes SET text = coalesce(text, '') || ? WHERE id = ?", (payload, TARGET)
        )
        connection.execute(
            "UPDATE quantities SET indicator = indicator || ?, unit = ?, source = ?, baseline = -10"
            " WHERE id = ?",
            (payload, "@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", TARGET),
        )
        connection.execute(
            "UPDATE quantities SET indicator = ?, baseline = -13.5, unit = ? WHERE id = ?",
            (FORMULA + payload, "\t=1+1", FIGURE),
        )
        connection.execute(
            "UPDATE search_words SET title = title || ? WHERE node_id = ?", (payload, TARGET)
        )
    connection.close()
    return path


@pytest.fixture
def planted(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Path:
    """A notes store holding a note on a crafted node id, a crafted tag, a Chinese tag and a
    crafted saved brief; returns the store's path."""
    assert run(capsys, "notes", "add", TARGET, "a plain note", "--tag", "中文标签")[0] == 0
    path = data_dir / "notes.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO notes (uuid, node_id, body, created, updated, node_hash)"
            " VALUES (?, ?, ?, ?, ?, NULL)",
            (
                "0f1e2d3c-4b5a-4678-9abc-def012345678",
                f"ict/x{PAYLOAD}",
                f"body{PAYLOAD}",
                TIME,
                TIME,
            ),
        )
        tag_id = connection.execute(
            "INSERT INTO tags (name, colour) VALUES (?, '#808080')", (f"t{PAYLOAD}",)
        ).lastrowid
        connection.execute(
            "INSERT INTO note_tags VALUES ('0f1e2d3c-4b5a-4678-9abc-def012345678', ?)", (tag_id,)
        )
        connection.execute(
            "INSERT INTO saved_briefs VALUES (?, ?, '', '', '', NULL, '', 'A4', '[]',"
            " '{\"version\": 1}', ?, 'fyp14-six-industries')",
            (f"brief{PAYLOAD}", f"title{PAYLOAD}", TIME),
        )
    connection.close()
    return path


CONTENT_COMMANDS = [
    ["check"],
    ["targets"],
    ["figures"],
    ["show", TARGET],
    ["show", "ict"],
    ["search", "5G"],
    ["plans"],
]


@pytest.mark.parametrize("command", [["notes", "list"], ["briefs"], ["tags"], ["check"]])
def test_stored_strings_never_reach_the_terminal_raw(
    capsys: pytest.CaptureFixture[str], planted: Path, command: list[str]
) -> None:
    _status, out, err = run(capsys, *command)
    assert "Traceback" not in err
    assert RAW_CONTROLS.search(out) is None, repr(out)
    assert RAW_CONTROLS.search(err) is None, repr(err)
    # The data is still there, shown as escapes a reader can see (a narrow table column may
    # wrap an over-long word, escapes included, onto the next line).
    shown = "".join(out.split())
    assert "\\x1b" in shown and "\\u202e" in shown


@pytest.mark.parametrize("command", CONTENT_COMMANDS)
def test_a_pack_with_terminal_controls_is_refused_in_one_inert_line(
    capsys: pytest.CaptureFixture[str], crafted_content: Path, command: list[str]
) -> None:
    status, out, err = run(capsys, "--content", str(crafted_content), *command)
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and "control character (U+" in err
    assert RAW_CONTROLS.search(err) is None, repr(err)


@pytest.mark.parametrize("command", CONTENT_COMMANDS)
def test_a_pack_with_markup_opens_for_every_command(
    capsys: pytest.CaptureFixture[str], hostile_content: Path, command: list[str]
) -> None:
    status, _out, err = run(capsys, "--content", str(hostile_content), *command)
    assert status == 0, err


def test_markup_in_a_pack_is_shown_as_it_is(
    capsys: pytest.CaptureFixture[str], hostile_content: Path
) -> None:
    status, out, _err = run(capsys, "--content", str(hostile_content), "show", TARGET)
    assert status == 0 and out.splitlines()[1].endswith(MARKUP)  # the title line, verbatim
    status, out, _err = run(
        capsys, "--content", str(hostile_content), "show", TARGET, "--format", "json"
    )
    assert json.loads(out)[0]["title"].endswith(MARKUP)


def test_a_stored_line_break_cannot_fake_a_line(
    capsys: pytest.CaptureFixture[str], planted: Path
) -> None:
    connection = sqlite3.connect(planted)
    with connection:
        connection.execute("UPDATE tags SET name = 'risk\nAll checks passed.' WHERE name LIKE 't%'")
    connection.close()
    out = run(capsys, "tags")[1]
    assert "All checks passed." not in out.splitlines()
    assert "risk\\x0aAll checks passed." in out
    # A note's body is the one value printed over several lines: its line feeds and tabs stay.
    assert run(capsys, "notes", "add", TARGET, "first\n\tsecond\x1b[2J")[0] == 0
    assert "    first\n    \tsecond\\x1b[2J\n" in run(capsys, "notes", "list")[1]


def test_a_search_hit_is_two_lines_whatever_its_snippet_spans(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _err = run(capsys, "search", "green")
    lines = out.splitlines()
    assert status == 0 and len(lines) % 2 == 0
    assert all(line.startswith("    ") for line in lines[1::2])  # every snippet indented


def test_json_output_has_no_raw_c1_or_bidi_controls_and_means_the_same(
    capsys: pytest.CaptureFixture[str], planted: Path
) -> None:
    status, out, _err = run(capsys, "notes", "list", "--format", "json")
    assert status == 0
    assert RAW_CONTROLS.search(out) is None, repr(out)
    assert f"ict/x{PAYLOAD}" in {record["node"] for record in json.loads(out)}


def _columns(text: str) -> int:
    """Terminal columns of ``text`` (no combining marks here): wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)


def _column_of(line: str, text: str) -> int:
    """The terminal column at which ``text`` starts in ``line``."""
    return _columns(line[: line.index(text)])


def test_a_chinese_tag_keeps_its_row_aligned(
    capsys: pytest.CaptureFixture[str], planted: Path
) -> None:
    status, out, _err = run(capsys, "tags")
    assert status == 0
    rows = [line for line in out.splitlines() if "#808080" in line]
    assert any("中文标签" in row for row in rows) and len(rows) == 2
    header = out.splitlines()[0]
    assert {_column_of(row, "#808080") for row in rows} == {_column_of(header, "colour")}


# -- encodings ------------------------------------------------------------------------------


def _cli(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "fypdesk", *args],
        capture_output=True,
        env={**os.environ, **env},
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def chinese_notes(data_dir: Path) -> Path:
    added = _cli(
        "notes", "add", TARGET, "中文笔记 ✓", "--tag", "标签", env={"PYTHONIOENCODING": "utf-8"}
    )
    assert added.returncode == 0, added.stderr
    return data_dir


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
@pytest.mark.parametrize(
    "command",
    [["notes", "list"], ["tags"], ["search", "CO₂"], ["show", "green/targets/co2-intensity"]],
)
def test_an_output_encoding_that_cannot_hold_the_text_never_crashes(
    chinese_notes: Path, encoding: str, command: list[str]
) -> None:
    result = _cli(*command, env={"PYTHONIOENCODING": encoding})
    assert (result.returncode, result.stderr) == (0, b"")
    out = result.stdout.decode(encoding)
    if command[0] == "notes":
        assert "\\u4e2d\\u6587" in out  # 中文
    # The same output as on a UTF-8 terminal (which stays UTF-8), only what the encoding
    # lacks shown as escapes.
    utf8 = _cli(*command, env={"PYTHONIOENCODING": "utf-8"})
    assert utf8.returncode == 0
    text = utf8.stdout.decode("utf-8")
    assert text != out and text.encode(encoding, "backslashreplace").decode(encoding) == out


# -- numbers on the command line -----------------------------------------------------------


@pytest.mark.parametrize("limit", ["99999999999999999999", "10001", "0"])
def test_search_limit_out_of_bounds_is_a_clear_usage_error(limit: str) -> None:
    result = _cli("search", "5G", f"--limit={limit}", env={})
    message = result.stderr.decode()
    assert result.returncode == 2, message
    assert "argument --limit: must be from 1 to 10000" in message
    assert "Traceback" not in message and result.stdout == b""


def test_search_limit_takes_every_number_in_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, "search", "5G", "--format", "json", "--limit", "10000")
    assert status == 0 and len(json.loads(out)) > 3
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["search", "5G", "--limit", "10001"])
    assert caught.value.code == 2


@pytest.mark.parametrize("size", ["99999x99999", "10x10", "1280x99999", "0x0"])
def test_window_size_is_bounded(size: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        build_parser(gui_only=True).parse_args(["gui", "--size", size])
    assert caught.value.code == 2
    assert "each side must be from 100 to 10000 pixels" in capsys.readouterr().err


# -- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["targets", "figures"])
def test_csv_cells_never_run_as_formulas(
    capsys: pytest.CaptureFixture[str], hostile_content: Path, command: str
) -> None:
    status, out, _err = run(capsys, "--content", str(hostile_content), command, "--format", "csv")
    assert status == 0
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    formulas = [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    numbers = [c for c in formulas if re.fullmatch(r"[+-]?\d+(\.\d+)?(e[+-]?\d+)?", c)]
    assert formulas == numbers  # only numbers start with a sign
    if command == "figures":
        figure = next(r for r in csv.DictReader(io.StringIO(out)) if r["id"] == FIGURE)
        assert figure["indicator"] == "'" + FORMULA + MARKUP  # else kept exactly
        assert (figure["unit"], figure["baseline"]) == ("'\t=1+1", "-13.5")  # numbers stay
    else:
        target = next(r for r in csv.DictReader(io.StringIO(out)) if r["id"] == TARGET)
        assert (target["unit"], target["source"]) == ("'@SUM(A1:A9)", "'-2+3+cmd|' /C calc'!A0")
        assert target["baseline"] == "-10"


# -- Markdown export of notes --------------------------------------------------------------


def test_notes_markdown_export_escapes_every_note_and_id(
    capsys: pytest.CaptureFixture[str], planted: Path, tmp_path: Path
) -> None:
    connection = sqlite3.connect(planted)
    hostile = (
        '<img src="http://example.invalid/p.png"> ![x](http://example.invalid/i.png)\n'
        "[click](javascript:alert(1))\rbare CR\n# not a heading\n---"
    )
    with connection:
        connection.execute(
            "INSERT INTO notes (uuid, node_id, body, created, updated, node_hash)"
            " VALUES (?, ?, ?, ?, ?, NULL)",
            ("1f1e2d3c-4b5a-4678-9abc-def012345678", "ict/y`\n# Fake heading", hostile, TIME, TIME),
        )
    connection.close()
    out = tmp_path / "notes.md"
    status, _stdout, err = run(capsys, "notes", "export", str(out))
    assert status == 0, err
    text = out.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "# fypdesk notes" and all(
        line.startswith(("## ", "### ")) for line in headings[1:]
    )
    assert not any(line.startswith("# ") for line in headings[1:])  # the id broke out of nothing
    assert not any("not a heading" in line for line in headings)
    assert any(line.startswith("### ict/y\\`") and "Fake heading" in line for line in headings)
    assert "> \\# not a heading" in text
    assert re.search(r"(?<!\\)<", text) is None  # no raw HTML
    assert "](" not in text.replace("\\](", "")  # no link or image can form
    assert "\r" not in text and "\x1b" not in text
    assert "> bare CR" in text  # a bare CR is a line of the quote, not the end of it


# -- permissions ---------------------------------------------------------------------------


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize(
    "command",
    [
        ["export", "{out}.md"],
        ["export", "{out}.pdf"],
        ["notes", "export", "{out}.md"],
        ["notes", "export", "{out}.json"],
    ],
)
def test_exports_holding_notes_are_private_and_keep_a_files_mode(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, command: list[str]
) -> None:
    assert run(capsys, "notes", "add", TARGET, "a private note")[0] == 0
    argv = [part.format(out=tmp_path / "out") for part in command]
    out = Path(argv[-1])
    assert run(capsys, *argv)[0] == 0
    assert file_mode(out) == 0o600  # new: the owner's alone
    out.chmod(0o640)  # the user shares it with the group on purpose
    assert run(capsys, *argv)[0] == 0
    assert file_mode(out) == 0o640
    out.chmod(0o600)
    assert run(capsys, *argv)[0] == 0
    assert file_mode(out) == 0o600  # a private brief re-exported stays private


# -- saved brief names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["a\x1b]0;x\x07", "line\nbreak", "evil\u202etxt", "iso\u2066x", "c1\x9b", "cr\r"]
)
def test_a_brief_name_with_control_characters_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "brief.md"
    status, _out, err = run(capsys, "export", str(out), "--save-brief", name)
    assert status == 1
    assert "may not hold control characters" in err and err.count("\n") == 1
    assert RAW_CONTROLS.search(err) is None
    assert not out.exists() and not (data_dir / "notes.db").exists()
