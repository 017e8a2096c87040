"""The reading and notes commands over a library of two briefings, and a new edition of one.

The second briefing is the fictional Examplia pack of the publisher's guide
(``tests/data/packs/examplia``), built and installed with the real builder and installer; its
second edition (``examplia-edition-2``) changes two wordings and one number and drops one item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk.cli import main
from fypdesk.content.build import build_database
from fypdesk.content.library import Library
from fypdesk.domain.notes import LEGACY_PACK_ID

PACKS = Path(__file__).parent.parent / "data" / "packs"
EXAMPLIA = "examplia-imaginary-industries"
FYP_TARGET = "ict/targets/5g-usage-rate"
#: Items of the Examplia pack as its second edition changes them.
REWORDED = "fog-energy"  # its key message
RENUMBERED = "sky-rail/targets/new-stations"  # 40 → 45
DROPPED = "fog-energy/objectives/research-institutes"
UNCHANGED = "sky-rail"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def examplia_packs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("examplia")
    first = build_database(PACKS / "examplia", root / "examplia-1.fypack").path
    second = build_database(PACKS / "examplia-edition-2", root / "examplia-2.fypack").path
    return first, second


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Run:
    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--data-dir", str(data_dir), *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def library(run: Run, examplia_packs: tuple[Path, Path]) -> None:
    status, _out, err = run("pack", "install", str(examplia_packs[0]))
    assert status == 0, err


def _json(run: Run, *argv: str) -> list[dict[str, object]]:
    status, out, err = run(*argv, "--format", "json")
    assert status == 0, err
    records: list[dict[str, object]] = json.loads(out)
    return records


def test_the_pack_exists_as_the_tests_expect(examplia_packs: tuple[Path, Path]) -> None:
    library = Library.open(examplia_packs[0].parent / "empty", examplia_packs[0])
    (pack,) = library.packs()
    assert (pack.id, pack.edition) == (EXAMPLIA, "2026-03.1")


def test_reading_commands_cover_every_briefing_and_name_its_pack(run: Run, library: None) -> None:
    plans = _json(run, "plans")
    assert {plan["pack"] for plan in plans} == {LEGACY_PACK_ID, EXAMPLIA}
    targets = _json(run, "targets")
    assert {t["pack"] for t in targets} == {LEGACY_PACK_ID, EXAMPLIA}
    assert len([t for t in targets if t["pack"] == LEGACY_PACK_ID]) == 19
    only = _json(run, "--pack", EXAMPLIA, "targets")
    assert only and {t["pack"] for t in only} == {EXAMPLIA}
    hits = _json(run, "search", "fog")
    assert hits and {hit["pack"] for hit in hits} == {EXAMPLIA}
    status, out, _err = run("targets")
    assert status == 0 and "== Examplia Imaginary Industries Plan 2026-2030" in out
    status, out, _err = run("search", "fog")
    assert f"{EXAMPLIA}:" in out
    status, out, _err = run("targets", "--format", "csv")
    assert out.splitlines()[0].endswith(",pack")


def test_an_item_id_both_briefings_have_must_name_its_pack(run: Run, library: None) -> None:
    status, _out, err = run("show", "briefing")
    assert status == 1
    assert f"{EXAMPLIA}:briefing" in err and f"{LEGACY_PACK_ID}:briefing" in err
    (record,) = _json(run, "show", f"{EXAMPLIA}:briefing")
    assert record["pack"] == EXAMPLIA
    (record,) = _json(run, "show", FYP_TARGET)  # only the bundled pack has it
    assert record["pack"] == LEGACY_PACK_ID
    status, _out, err = run("show", "nosuchpack:briefing")
    assert status == 1 and "nosuchpack" in err and err[-1] == "\n" and err.count("\n") == 1
    status, _out, err = run("--pack", "nosuchpack", "targets")
    assert status == 1 and EXAMPLIA in err


def test_notes_stars_and_briefs_never_leak_between_briefings(
    run: Run, library: None, tmp_path: Path
) -> None:
    assert run("notes", "add", f"{LEGACY_PACK_ID}:briefing", "on the bundled root")[0] == 0
    assert run("notes", "add", f"{EXAMPLIA}:briefing", "on examplia's root")[0] == 0
    assert run("star", f"{EXAMPLIA}:{UNCHANGED}")[0] == 0
    bundled = _json(run, "--pack", LEGACY_PACK_ID, "notes", "list")
    assert [n["body"] for n in bundled] == ["on the bundled root"]
    theirs = _json(run, "--pack", EXAMPLIA, "notes", "list")
    assert [(n["pack"], n["node"], n["state"]) for n in theirs] == [
        (EXAMPLIA, "briefing", "current")
    ]
    assert len(_json(run, "notes", "list")) == 2
    # Each briefing's brief holds its own notes only.
    out = tmp_path / "examplia.md"
    status, _o, err = run("--pack", EXAMPLIA, "export", str(out))
    assert status == 0, err
    text = out.read_text(encoding="utf-8")
    assert "on examplia's root" in text and "on the bundled root" not in text
    status, _o, err = run("--pack", LEGACY_PACK_ID, "export", str(tmp_path / "fyp.md"))
    assert status == 0, err
    text = (tmp_path / "fyp.md").read_text(encoding="utf-8")
    assert "on the bundled root" in text and "examplia" not in text.casefold()
    status, checked, _err = run("check")
    assert status == 0 and "detached" not in checked


def test_a_new_edition_carries_every_note_into_its_state(
    run: Run, library: None, examplia_packs: tuple[Path, Path]
) -> None:
    for node in (REWORDED, RENUMBERED, DROPPED, UNCHANGED):
        status, _out, err = run("notes", "add", f"{EXAMPLIA}:{node}", f"note on {node}")
        assert status == 0, err
    status, _out, err = run("pack", "install", str(examplia_packs[1]))
    assert status == 0, err

    states = {n["node"]: n for n in _json(run, "--pack", EXAMPLIA, "notes", "list")}
    assert {node: n["state"] for node, n in states.items()} == {
        REWORDED: "changed",
        RENUMBERED: "changed",
        DROPPED: "detached",
        UNCHANGED: "current",
    }
    renumbered = states[RENUMBERED]
    assert "40" in str(renumbered["annotated_text"]) and "45" in str(renumbered["current_text"])
    assert renumbered["edition"] == "2026-03.1"
    assert renumbered["current_edition"] == "2026-03.2"
    assert "Research of international standing" in str(states[DROPPED]["annotated_text"])

    review = _json(run, "notes", "review")
    assert sorted(str(n["node"]) for n in review) == sorted([REWORDED, RENUMBERED, DROPPED])
    status, out, _err = run("notes", "review")
    assert "2 changed and 1 detached" in out and "then (edition 2026-03.1)" in out
    status, out, _err = run("check")
    assert "1 detached notes" in out and "2 notes on items a new edition changed" in out

    # Reviewed: current. Edited: current (written against the new text). Detached: stays.
    assert run("notes", "reviewed", str(states[REWORDED]["id"]))[0] == 0
    assert run("notes", "edit", str(states[RENUMBERED]["id"]), "45 now")[0] == 0
    status, _out, err = run("notes", "reviewed", str(states[DROPPED]["id"]))
    assert status == 1 and "detached" in err
    after = {n["node"]: n["state"] for n in _json(run, "--pack", EXAMPLIA, "notes", "list")}
    assert after == {
        REWORDED: "current",
        RENUMBERED: "current",
        DROPPED: "detached",
        UNCHANGED: "current",
    }
    assert [n["node"] for n in _json(run, "notes", "review")] == [DROPPED]


def test_notes_of_a_removed_briefing_are_kept_and_come_back(
    run: Run, library: None, examplia_packs: tuple[Path, Path]
) -> None:
    assert run("notes", "add", f"{EXAMPLIA}:{UNCHANGED}", "kept while removed")[0] == 0
    assert run("pack", "remove", EXAMPLIA)[0] == 0
    (kept,) = [n for n in _json(run, "notes", "list") if n["pack"] == EXAMPLIA]
    assert (kept["state"], kept["pack_installed"]) == ("detached", False)
    assert run("pack", "install", str(examplia_packs[0]))[0] == 0
    (back,) = [n for n in _json(run, "notes", "list") if n["pack"] == EXAMPLIA]
    assert back["state"] == "current"


def test_one_brief_of_several_briefings_keeps_each_ones_notes_in_its_part(
    run: Run, library: None, tmp_path: Path
) -> None:
    assert run("notes", "add", f"{LEGACY_PACK_ID}:{FYP_TARGET}", "bundled: 5G note")[0] == 0
    assert run("notes", "add", f"{EXAMPLIA}:{RENUMBERED}", "examplia: stations note")[0] == 0
    out = tmp_path / "both.md"
    status, said, err = run("export", str(out), "--title", "Two briefings")
    assert status == 0, err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Two briefings")
    # A part per briefing, in the library's order, each holding its own note.
    examplia_at = text.index("## Examplia Imaginary Industries Plan 2026-2030")
    bundled_at = text.index("## 14th Five-Year Plans on Six Industries Policy Update")
    assert examplia_at < text.index("examplia: stations note") < bundled_at
    assert bundled_at < text.index("bundled: 5G note")
    assert text.count("## ") >= 2 and "Sources" in text
    assert "2 notes" in said
    # A selection: --briefing, in the order given; one alone is that briefing's own brief.
    status, _said, err = run("export", str(tmp_path / "one.md"), "--briefing", EXAMPLIA)
    assert status == 0, err
    one = (tmp_path / "one.md").read_text(encoding="utf-8")
    assert one.startswith("# Examplia Imaginary Industries Plan 2026-2030")
    assert "bundled: 5G note" not in one
    # --plan picks from the briefings that have the plan; a slug none has is refused.
    status, _said, err = run("export", str(tmp_path / "ict.md"), "--plan", "ict")
    assert status == 0, err
    ict = (tmp_path / "ict.md").read_text(encoding="utf-8")
    assert "bundled: 5G note" in ict and "examplia: stations note" not in ict
    status, _said, err = run("export", str(tmp_path / "none.md"), "--plan", "no-such-plan")
    assert status == 1 and "no briefing of this export has the plan 'no-such-plan'" in err
    assert not (tmp_path / "none.md").exists()
    # A saved brief is of one briefing.
    status, _said, err = run("export", str(tmp_path / "s.md"), "--save-brief", "both")
    assert status == 1 and "a saved brief is of one briefing" in err
    status, _said, err = run("export", str(tmp_path / "x.md"), "--briefing", "no-such-pack")
    assert status == 1 and "no-such-pack" in err


def test_a_brief_of_several_briefings_as_pdf(run: Run, library: None, tmp_path: Path) -> None:
    out = tmp_path / "both.pdf"
    status, said, err = run("export", str(out))
    assert status == 0, err
    assert out.read_bytes().startswith(b"%PDF-")
    assert re.search(r"\(a cover and \d+ pages\)", said)


def test_notes_export_md_has_a_section_per_briefing_and_keeps_those_not_installed(
    run: Run, library: None, tmp_path: Path
) -> None:
    assert run("notes", "add", f"{LEGACY_PACK_ID}:{FYP_TARGET}", "bundled: 5G note")[0] == 0
    assert run("notes", "add", f"{EXAMPLIA}:{RENUMBERED}", "examplia: stations note")[0] == 0
    out = tmp_path / "notes.md"
    status, said, err = run("notes", "export", str(out))
    assert status == 0, err
    assert "Exported 2 notes" in said
    text = out.read_text(encoding="utf-8")
    examplia = text.index("## Examplia Imaginary Industries Plan 2026-2030 (`examplia-")
    bundled = text.index("## 14th Five-Year Plans on Six Industries Policy Update (`fyp14-")
    assert examplia < text.index("> examplia: stations note") < bundled
    assert bundled < text.index("> bundled: 5G note")
    assert "#### New sky rail stations" in text  # the item, under its plan's heading
    # One briefing asked for: that one alone, as before the library.
    status, _said, err = run("--pack", EXAMPLIA, "notes", "export", str(tmp_path / "one.md"))
    assert status == 0, err
    one = (tmp_path / "one.md").read_text(encoding="utf-8")
    assert "examplia: stations note" in one and "bundled: 5G note" not in one
    assert "### New sky rail stations" in one
    # A briefing removed from the library: its notes are still every note the store holds.
    assert run("pack", "remove", EXAMPLIA)[0] == 0
    status, said, err = run("notes", "export", str(tmp_path / "after.md"))
    assert status == 0, err
    after = (tmp_path / "after.md").read_text(encoding="utf-8")
    assert f"## `{EXAMPLIA}` (not installed: its notes are kept)" in after
    assert "> examplia: stations note" in after and "Exported 2 notes" in said
