"""``fypdesk pack install|list|info|remove``, run as a user runs them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fypdesk.cli import main
from fypdesk.cli.pack_commands import LIST_FIELDS
from tests.conftest import CONTENT_DB
from tests.library.conftest import BUNDLED_EDITION, BUNDLED_ID, PackBuilder, copy_pack

MANIFEST_FIELDS = {
    "id",
    "edition",
    "title",
    "publisher",
    "date",
    "languages",
    "period",
    "licence",
    "documents",
    "content_sha256",
    "format",
    "format_version",
    "schema_version",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, *argv, "pack", "list", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert isinstance(records, list)
    return records


def test_list_the_bundled_pack_creates_nothing(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    (record,) = listed(capsys)
    assert tuple(record) == LIST_FIELDS
    assert record == {
        "id": BUNDLED_ID,
        "edition": BUNDLED_EDITION,
        "title": "14th Five-Year Plans on Six Industries Policy Update",
        "publisher": "Sino-German Industrie 4.0 Cooperation",
        "date": "2021-12",
        "bundled": True,
        "notes": 0,
        "path": str(CONTENT_DB),
    }
    code, out, err = run(capsys, "pack", "list")
    assert code == 0 and err == ""
    header, rule, first, *_ = out.splitlines()
    assert header.split() == ["id", "edition", "date", "bundled", "notes", "title", "publisher"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert first.split()[:5] == [BUNDLED_ID, BUNDLED_EDITION, "2021-12", "yes", "0"]
    assert not data_dir.exists(), "listing must create neither the library nor a notes database"


def test_install_list_info_remove(
    capsys: pytest.CaptureFixture[str], build_pack: PackBuilder, data_dir: Path
) -> None:
    first = build_pack("other-plans", "2024-01.9", "Other plans")
    code, out, err = run(capsys, "pack", "install", str(first))
    assert (code, err) == (0, "")
    assert out == "Installed pack other-plans, edition 2024-01.9: Other plans\n"

    code, out, _ = run(capsys, "pack", "install", str(build_pack("other-plans", "2024-01.10")))
    assert code == 0
    assert out == "Replaced pack other-plans edition 2024-01.9 by edition 2024-01.10: 14th" \
        " Five-Year Plans on Six Industries Policy Update\n"  # fmt: skip

    records = listed(capsys)
    assert [(r["id"], r["edition"], r["bundled"]) for r in records] == [
        (BUNDLED_ID, BUNDLED_EDITION, True),
        ("other-plans", "2024-01.10", False),
    ]
    installed = data_dir / "library" / "other-plans.fypack"
    assert records[1]["path"] == str(installed)

    code, out, _ = run(capsys, "pack", "info", "other-plans", "--format", "json")
    assert code == 0
    info = json.loads(out)
    assert set(info) == MANIFEST_FIELDS | {"bundled", "path", "size", "notes"}
    assert info["edition"] == "2024-01.10" and info["bundled"] is False
    assert info["size"] == installed.stat().st_size and info["notes"] == 0
    assert info["period"] == {"start": 2021, "end": 2025}
    assert info["languages"] == ["en"] and info["format"] == "fypdesk-pack"
    assert len(info["content_sha256"]) == 64

    code, out, _ = run(capsys, "pack", "info", "other-plans")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "other-plans"
    assert "  Edition:         2024-01.10" in lines
    assert f"  File:            {installed} ({installed.stat().st_size:,} bytes)" in lines

    code, out, _ = run(capsys, "pack", "remove", "other-plans")
    assert code == 0
    assert out.startswith("Removed pack other-plans, edition 2024-01.10;")
    assert "notes on other-plans are kept" in out and out.count("\n") == 1
    assert not installed.exists()
    assert [r["id"] for r in listed(capsys)] == [BUNDLED_ID]


def test_refusals_are_one_line_with_status_1(
    capsys: pytest.CaptureFixture[str], build_pack: PackBuilder, tmp_path: Path, data_dir: Path
) -> None:
    junk = tmp_path / "junk.fypack"
    junk.write_bytes(b"not a pack at all" * 100)
    for argv in (
        ["pack", "install", str(junk)],
        ["pack", "install", str(tmp_path / "missing.fypack")],
        ["pack", "install", str(CONTENT_DB)],
        ["pack", "info", "nope"],
        ["pack", "remove", "nope"],
        ["pack", "remove", "../notes"],
    ):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (1, ""), argv
        assert err.startswith("fypdesk: error: ") and err.count("\n") == 1, err
    code, _, err = run(capsys, "pack", "info", "nope")
    assert f"no such pack: 'nope' (installed: {BUNDLED_ID};" in err
    assert not data_dir.exists()


def test_force_installs_an_equal_edition(
    capsys: pytest.CaptureFixture[str], build_pack: PackBuilder, data_dir: Path
) -> None:
    pack = build_pack("other-plans", "3")
    assert run(capsys, "pack", "install", str(pack))[0] == 0
    code, _, err = run(capsys, "pack", "install", str(pack))
    assert code == 1 and "is installed already (--force installs it again)" in err
    code, out, _ = run(capsys, "pack", "install", "--force", str(pack))
    assert code == 0 and out.startswith("Reinstalled pack other-plans, edition 3:")


def test_the_bundled_pack_is_hidden_and_restored_and_its_notes_kept(
    capsys: pytest.CaptureFixture[str], build_pack: PackBuilder, data_dir: Path
) -> None:
    code, _, err = run(capsys, "notes", "add", "ict", "A note on the bundled pack")
    assert code == 0, err
    assert [r["notes"] for r in listed(capsys)] == [1]
    notes_db = data_dir / "notes.db"
    before = hashlib.sha256(notes_db.read_bytes()).hexdigest()

    code, out, _ = run(capsys, "pack", "remove", BUNDLED_ID)
    assert code == 0
    assert out.startswith(f"Hid the bundled pack {BUNDLED_ID}, edition {BUNDLED_EDITION};")
    assert f"fypdesk pack install {CONTENT_DB}" in out
    assert listed(capsys) == []
    code, out, _ = run(capsys, "pack", "list")
    assert out == "No packs in the library (add one with 'fypdesk pack install FILE').\n"
    assert CONTENT_DB.exists()

    code, out, _ = run(capsys, "pack", "install", str(CONTENT_DB))
    assert code == 0 and out.startswith(f"Restored the bundled pack {BUNDLED_ID},")
    assert [(r["id"], r["bundled"], r["notes"]) for r in listed(capsys)] == [(BUNDLED_ID, True, 1)]

    code, out, _ = run(capsys, "pack", "install", str(build_pack(BUNDLED_ID, "2021-12.2")))
    assert out.startswith(
        f"Installed pack {BUNDLED_ID} edition 2021-12.2 over the bundled edition {BUNDLED_EDITION}"
    )
    assert [(r["edition"], r["notes"]) for r in listed(capsys)] == [("2021-12.2", 1)]
    code, out, _ = run(capsys, "pack", "remove", BUNDLED_ID)
    assert "the bundled edition 2021-12.1 is shown again" in out
    assert hashlib.sha256(notes_db.read_bytes()).hexdigest() == before


def test_a_damaged_pack_is_a_warning_and_the_others_are_listed(
    capsys: pytest.CaptureFixture[str], build_pack: PackBuilder, data_dir: Path
) -> None:
    folder = data_dir / "library"
    copy_pack(build_pack("good-plans", "1"), folder / "good-plans.fypack")
    (folder / "bad-plans.fypack").write_bytes(b"\x00" * 5000)
    (folder / "evil\x1b]0;owned\x07.fypack").write_bytes(b"x")
    code, out, err = run(capsys, "pack", "list", "--format", "json")
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == [BUNDLED_ID, "good-plans"]
    warnings = err.splitlines()
    assert len(warnings) == 2
    assert all(line.startswith("fypdesk: warning: skipped: ") for line in warnings)
    assert any("bad-plans.fypack" in line for line in warnings)
    assert "\x1b" not in err and "\x07" not in err and "\\x1b" in err
    code, _, err = run(capsys, "pack", "info", "bad-plans")
    assert code == 1 and "bad-plans.fypack" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "pack", "remove", "bad-plans")
    assert code == 0 and out.startswith("Removed the unreadable pack file ")
    assert not (folder / "bad-plans.fypack").exists()


def test_markup_and_long_titles_are_shown_verbatim_and_inert(
    capsys: pytest.CaptureFixture[str], build_pack: PackBuilder, data_dir: Path
) -> None:
    title = "<b>Bold</b> &amp; 'quoted' 中文 " + "long " * 80
    pack = build_pack("odd-plans", "1", json.dumps(title.strip()))
    assert run(capsys, "pack", "install", str(pack))[0] == 0
    (record,) = [r for r in listed(capsys) if r["id"] == "odd-plans"]
    assert record["title"] == title.strip()
    code, out, _ = run(capsys, "pack", "info", "odd-plans")
    assert code == 0
    assert f"  Title:           {title.strip()}" in out.splitlines()


def test_data_dir_option_and_environment(
    capsys: pytest.CaptureFixture[str], build_pack: PackBuilder, tmp_path: Path, data_dir: Path
) -> None:
    other = tmp_path / "other data #%"
    pack = build_pack("other-plans", "1")
    assert run(capsys, "--data-dir", str(other), "pack", "install", str(pack))[0] == 0
    assert (other / "library" / "other-plans.fypack").is_file()
    assert not data_dir.exists()
    assert [r["id"] for r in listed(capsys)] == [BUNDLED_ID]  # $FYPDESK_DATA_DIR's library
    assert [r["id"] for r in listed(capsys, "--data-dir", str(other))] == [
        BUNDLED_ID,
        "other-plans",
    ]


def test_a_hostile_file_through_the_real_command_has_no_traceback(
    build_pack: PackBuilder, tmp_path: Path, data_dir: Path
) -> None:
    from tests.content.hostile_dbs import MUTATIONS, mutated_copy

    view = next(m for m in MUTATIONS if m.name == "recursive-view-named-quantities")
    path = mutated_copy(tmp_path, view)
    result = subprocess.run(
        [sys.executable, "-m", "fypdesk", "pack", "install", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("fypdesk: error: not installed: ")
    assert "view 'quantities'" in result.stderr and "Traceback" not in result.stderr
    assert not data_dir.exists()
