"""Hostile input: no text, file or path a user can give makes fypdesk crash.

Search queries (content and notes), note bodies and tags through the command line, brief titles,
imported JSON (wrong types, huge, deep, wrong version) and paths (spaces, ``#``, ``%``, non-ASCII,
names longer than 255 bytes, unwritable targets). The contract, checked on every example:

* never an unhandled exception: exit status 0, 1 (one line ``fypdesk: error: ...``) or 2
  (argparse's usage error), never 70, and no traceback on stderr;
* accepted text is stored and given back verbatim;
* no network access (the suite-wide guard in tests/conftest.py turns any attempt into an error,
  which would surface here as status 70).
"""

from __future__ import annotations

import json
import re
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fypdesk.cli import main
from fypdesk.content.repository import ContentRepository
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import open_notes
from fypdesk.paths import notes_db_path
from tests.conftest import CONTENT_DB, NetworkAccessError
from tests.notes.helpers import TARGET_ID
from tests.reliability.conftest import CLI_EXAMPLES, EXAMPLES, Figures

NASTY = [
    "",
    " ",
    "who's",
    "multi-agent",
    "AND",
    "OR NOT",
    "(x",
    "NEAR(",
    'a"b',
    '"',
    "*",
    "-",
    "--",
    "-5%",
    "--help",
    "^",
    "title:5G",
    "' OR 1=1 --",
    "%s %d {0}",
    "<b>bold</b> & <script>alert(1)</script>",
    '<img src="http://127.0.0.1/x.png">',
    "\x00",
    "nul\x00inside",
    "\x1b[31mred\x1b[0m",
    "\u202eevil",
    "\u200b",
    "\ufeff",
    "\udcff",
    "\ud800lone",
    "\r\n\t",
    "😀 CO₂ 中国制造 5G",
    "新一代信息技术",
    "x" * 10_000,
    "a " * 2_000,
]

#: Any Unicode text, lone surrogates included (undecodable command-line bytes arrive as those).
ANY_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=()), max_size=200),
    st.text(max_size=40),
)

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
CLI_SETTINGS = settings(SETTINGS, max_examples=CLI_EXAMPLES)

_tally: dict[str, int] = {"runs": 0, "refusals": 0, "unhandled": 0}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run fypdesk in-process; check the exit contract; return status, stdout, stderr."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refuses bad usage this way
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    _tally["runs"] += 1
    if code == 70 or "Traceback" in err:
        _tally["unhandled"] += 1
    assert code != 70, err
    assert "Traceback" not in err, err
    if code == 1:
        _tally["refusals"] += 1
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("fypdesk: error: "), err
        assert len(lines[0]) > len("fypdesk: error: ") + 10, err  # says something
    elif code == 2:
        _tally["refusals"] += 1
        assert "error:" in err.splitlines()[-1], err
    else:
        assert code == 0, (code, err)
    return code, out, err


@pytest.fixture(scope="module", autouse=True)
def _report_tally(figures: Figures) -> Iterator[None]:
    yield
    figures.record(
        "hostile input (CLI, in-process)",
        commands_run=_tally["runs"],
        refused_with_one_clear_line=_tally["refusals"],
        unhandled_exceptions=_tally["unhandled"],
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder (odd name) with a few notes to search."""
    folder = tmp_path_factory.mktemp("hostile") / "data #1 % ü"
    repository = open_notes(notes_db_path(folder))
    try:
        for body in ["5G base stations", "growth of 中国制造", 'AND NEAR( quoted "x"']:
            repository.add_note(TARGET_ID, body, tags=["t"])
    finally:
        repository.close()
    return folder


@pytest.fixture(scope="module")
def content() -> Iterator[ContentRepository]:
    repository = ContentRepository.open(CONTENT_DB)
    yield repository
    repository.close()


@pytest.fixture(scope="module")
def notes(data: Path) -> Iterator[NotesRepository]:
    repository = open_notes(notes_db_path(data), auto_backup=False)
    yield repository
    repository.close()


_MARKUP = re.compile(r"</?b>")


# -- search ----------------------------------------------------------------------------------


@SETTINGS
@given(query=ANY_TEXT, limit=st.integers(min_value=-1, max_value=50))
def test_content_search_takes_any_query(content: ContentRepository, query: str, limit: int) -> None:
    hits = content.search(query, limit=limit)
    assert len(hits) <= max(limit, 0)
    for hit in hits:  # snippets are escaped: the only markup is the highlight
        assert "<" not in _MARKUP.sub("", hit.snippet + hit.title_html)


@SETTINGS
@given(query=ANY_TEXT)
def test_notes_search_takes_any_query(notes: NotesRepository, query: str) -> None:
    for hit in notes.search(query):
        assert "<" not in _MARKUP.sub("", hit.snippet_html)


@CLI_SETTINGS
@given(query=ANY_TEXT)
def test_search_command_takes_any_query(
    capsys: pytest.CaptureFixture[str], data: Path, query: str
) -> None:
    run(capsys, "search", query, "--format", "json")
    run(capsys, "--data-dir", str(data), "notes", "list", "--tag", query)
    run(capsys, "show", query)


# -- note bodies and tags through the CLI ---------------------------------------------------


@CLI_SETTINGS
@given(body=ANY_TEXT, tags=st.lists(ANY_TEXT, max_size=3), separate=st.booleans())
def test_note_bodies_and_tags_are_stored_verbatim_or_refused_clearly(
    capsys: pytest.CaptureFixture[str],
    data: Path,
    body: str,
    tags: list[str],
    separate: bool,
) -> None:
    options = [part for tag in tags for part in ("--tag", tag)]
    # With "--" the body is always the text; without it, argparse may read "-x" as an option.
    tail = ["--", body] if separate else [body]
    code, out, _err = run(
        capsys, "--data-dir", str(data), "notes", "add", TARGET_ID, *options, *tail
    )
    if code != 0:
        return
    if not separate and out.startswith("usage:"):
        # "-h" or "--help" without "--" asks for the command's help (exit 0), which adds nothing.
        assert body.strip() in {"-h", "--help"} or body.startswith(("-h", "--h")), out
        return
    note_uuid = out.split()[2]
    repository = open_notes(notes_db_path(data), auto_backup=False)
    try:
        note = repository.note(note_uuid)
    finally:
        repository.close()
    assert note.body == body
    assert set(note.tags) == {tag.strip() for tag in tags}
    code, out, _err = run(capsys, "--data-dir", str(data), "notes", "list", "--format", "json")
    assert {"id": note_uuid, "body": body}.items() <= next(
        r for r in json.loads(out) if r["id"] == note_uuid
    ).items()


@CLI_SETTINGS
@given(text=ANY_TEXT)
def test_edit_and_remove_take_any_id(
    capsys: pytest.CaptureFixture[str], data: Path, text: str
) -> None:
    run(capsys, "--data-dir", str(data), "notes", "edit", text, "new text")
    run(capsys, "--data-dir", str(data), "notes", "rm", text)
    run(capsys, "--data-dir", str(data), "star", text)


# -- brief titles ----------------------------------------------------------------------------


@CLI_SETTINGS
@given(title=ANY_TEXT, subtitle=ANY_TEXT)
def test_brief_titles_never_crash_an_export(
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
    title: str,
    subtitle: str,
) -> None:
    out = tmp_path_factory.mktemp("brief") / "brief.md"
    code, _out, _err = run(capsys, "export", str(out), "--title", title, "--subtitle", subtitle)
    assert out.exists() == (code == 0)


def test_a_title_with_a_remote_image_fetches_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "brief.pdf"
    title = '<img src="http://127.0.0.1:9/x.png"/> <a href="file:///etc/passwd">x</a>'
    code, _out, err = run(capsys, "export", str(out), "--title", title, "--no-charts")
    assert code == 0, err  # a fetch would have met the network guard and ended in status 70


def test_the_network_guard_is_active() -> None:
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("127.0.0.1", 9))


# -- imported JSON ---------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)

NOTE_FIELDS = {
    "id": st.one_of(st.uuids().map(str), JSON),
    "node": st.one_of(st.just(TARGET_ID), JSON),
    "body": st.one_of(ANY_TEXT, JSON),
    "tags": st.one_of(st.lists(ANY_TEXT, max_size=3), JSON),
    "created": st.one_of(st.just("2026-03-02T09:00:00+00:00"), JSON),
    "updated": st.one_of(st.just("2026-03-02T10:00:00+00:00"), JSON),
    "node_hash": st.one_of(st.none(), JSON),
}


@st.composite
def notes_documents(draw: st.DrawFn) -> Any:
    """Documents near the real format: each field the right type or anything at all."""
    notes = draw(
        st.lists(
            st.fixed_dictionaries({}, optional=NOTE_FIELDS) | JSON,
            max_size=4,
        )
    )
    document: dict[str, Any] = {
        "format": draw(st.sampled_from(["fypdesk-notes", "fypdesk-notes"]) | JSON),
        "version": draw(st.sampled_from([1, 1, 2, 0, "1", 1.0, True, None, -1])),
        "notes": notes,
    }
    for key in ("tags", "marks"):
        if draw(st.booleans()):
            document[key] = draw(
                st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "name": ANY_TEXT,
                            "colour": st.sampled_from(["#aabbcc", "red", ""]) | JSON,
                            "node": ANY_TEXT,
                            "starred": JSON,
                            "follow_up": st.booleans(),
                        },
                    )
                    | JSON,
                    max_size=3,
                )
            )
    return draw(st.one_of(st.just(document), JSON))


@CLI_SETTINGS
@given(document=notes_documents(), dry_run=st.booleans())
def test_imported_json_is_merged_or_refused_clearly(
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
    data: Path,
    document: Any,
    dry_run: bool,
) -> None:
    path = tmp_path_factory.mktemp("import") / "notes file #1.json"
    path.write_text(
        json.dumps(document, ensure_ascii=False), encoding="utf-8", errors="surrogatepass"
    )
    version = document.get("version") if isinstance(document, dict) else None
    code, _out, _err = run(
        capsys, "--data-dir", str(data), "notes", "import", str(path), *(["--dry-run"] * dry_run)
    )
    if version is not None and (type(version) is not int or version not in (1, 2)):
        assert code == 1, "a file of another version must be refused"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"format": "fypdesk-notes", "version": 1, "notes": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"format": "fypdesk-notes", "version": 1, "notes": [{"id": ' + "{" * 3000,
        "\ufeff{}",
        "\xff\xfe binary",
        "",
        "null",
        '{"format": "fypdesk-notes", "version": true, "notes": []}',
        '{"format": "fypdesk-notes", "version": 1.0, "notes": []}',
        '{"format": "fypdesk-notes", "version": "1", "notes": []}',
        '{"format": "fypdesk-notes", "version": 99, "notes": []}',
        '{"format": "fypdesk-notes", "version": 1, "notes": {}}',
        '{"format": "fypdesk-notes", "version": 1}',
    ],
    ids=lambda text: repr(text[:24]),
)
def test_malformed_files_are_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: Path, text: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    code, _out, _err = run(capsys, "--data-dir", str(data), "notes", "import", str(path))
    assert code == 1


def test_a_huge_file_imports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    count = 1_000
    records = [
        {
            "id": str(uuid.UUID(int=index + 1)),
            "node": TARGET_ID,
            "body": f"{index} " + "long text " * (99_000 if index == 0 else 10),  # under 1M
            "tags": [f"t{index % 50}"],
            "created": "2026-03-02T09:00:00+00:00",
            "updated": "2026-03-02T09:00:00+00:00",
        }
        for index in range(count)
    ]
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"format": "fypdesk-notes", "version": 1, "notes": records}))
    folder = tmp_path / "data"
    code, out, _err = run(capsys, "--data-dir", str(folder), "notes", "import", str(path))
    assert code == 0 and f"added {count}" in out
    repository = open_notes(notes_db_path(folder), auto_backup=False)
    try:
        assert len(repository.all_notes()) == count
        assert repository.note(str(uuid.UUID(int=1))).body == records[0]["body"]
    finally:
        repository.close()


# -- paths -----------------------------------------------------------------------------------

ODD_FOLDER = "odd dir #1 %20 ü 中文"
LONG_NAME = "ü" * 130  # 260 bytes: longer than a file name may be


def _commands(out: Path) -> dict[str, list[str]]:
    return {
        "export": ["export", str(out.with_suffix(".md"))],
        "notes export": ["notes", "export", str(out.with_suffix(".json"))],
        "build-db": ["build-db", "-o", str(out.with_suffix(".db"))],
    }


@pytest.mark.parametrize("command", ["export", "notes export", "build-db"])
def test_odd_paths_are_written_exactly_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: Path, command: str
) -> None:
    folder = tmp_path / ODD_FOLDER
    folder.mkdir()
    argv = _commands(folder / "out %41 #x ü")[command]
    code, _out, err = run(capsys, "--data-dir", str(data), *argv)
    assert code == 0, err
    assert [p.name for p in folder.iterdir() if not p.name.endswith(".sha256")] == [
        Path(argv[-1]).name
    ]


EXPORT_LONG_NAME = pytest.param("export", "name too long")


@pytest.mark.parametrize(
    ("command", "where"),
    [
        EXPORT_LONG_NAME,
        *(
            (command, where)
            for command in ("export", "notes export", "build-db")
            for where in ("name too long", "parent is a file", "target is a folder")
            if (command, where) != ("export", "name too long")
        ),
    ],
)
def test_unwritable_targets_are_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: Path, command: str, where: str
) -> None:
    if where == "name too long":
        out = tmp_path / LONG_NAME
    elif where == "parent is a file":
        (tmp_path / "a file").write_text("x", encoding="utf-8")
        out = tmp_path / "a file" / "out"
    else:
        out = tmp_path / "out"
    argv = _commands(out)[command]
    if where == "target is a folder":
        Path(argv[-1]).mkdir()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, _out, err = run(capsys, "--data-dir", str(data), *argv)
    assert code == 1, err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing left behind


@pytest.mark.parametrize("where", ["name too long", "parent is a file"])
def test_an_unusable_data_folder_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    if where == "name too long":
        folder = tmp_path / LONG_NAME
    else:
        (tmp_path / "a file").write_text("x", encoding="utf-8")
        folder = tmp_path / "a file" / "data"
    code, _out, err = run(capsys, "--data-dir", str(folder), "notes", "add", TARGET_ID, "x")
    assert code == 1
    assert str(folder.name)[:20] in err or "a file" in err
