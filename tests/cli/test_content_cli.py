"""The content commands, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fypdesk.cli import main
from tests.conftest import SOURCE_DIR


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_targets_json_lists_every_target_with_exact_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "targets", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert isinstance(records, list) and len(records) == 19
    required = {"id", "plan", "indicator", "baseline", "baseline_year", "target", "target_max"}
    required |= {"target_year", "unit", "qualifier", "source"}
    assert all(required <= set(r) for r in records)
    by_id = {r["id"]: r for r in records}
    usage = by_id["ict/targets/5g-usage-rate"]
    assert (usage["baseline"], usage["target"], usage["unit"], usage["target_year"]) == (
        15,
        56,
        "%",
        2025,
    )
    assert by_id["green/targets/energy-intensity"]["target"] == 13.5
    assert by_id["integration/targets/digitalisation-penetration"]["qualifier"] == "up to"
    revenue = by_id["ict/targets/industry-revenue"]
    assert revenue["annual_growth"] == pytest.approx((4.3 / 2.64) ** (1 / 5) - 1, abs=1e-6)
    assert revenue["annual_growth_base_year_assumed"] is True


def test_figures_json_uses_value_and_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "figures", "--plan", "green", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert {r["plan"] for r in records} == {"green"}
    products = next(r for r in records if r["id"] == "green/figures/green-products")
    assert (products["value"], products["qualifier"], products["year"]) == (20000, "almost", 2020)


def test_targets_csv_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "targets", "--plan", "software", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4
    communities = next(r for r in rows if r["id"].endswith("open-source-communities"))
    assert (communities["target"], communities["target_max"]) == ("2", "3")
    code, out, _ = run(capsys, "targets")
    assert code == 0
    for number in ("2.64", "4.3", "15", "56", "3.6", "4.5", "13.5", "57", "1.1", "125"):
        assert re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", out), number


def test_plans_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plans", "--format", "json")
    plans = json.loads(out)
    assert code == 0 and [p["slug"] for p in plans][:2] == ["integration", "ict"]
    assert next(p for p in plans if p["slug"] == "ict")["targets_total"] == 20
    code, out, _ = run(capsys, "plans")
    assert "4 of 20 targets listed" in out
    code, out, _ = run(capsys, "show", "ict", "--format", "json")
    (detail,) = json.loads(out)
    assert code == 0 and len(detail["targets"]) == 4 and detail["targets_total"] == 20
    code, out, _ = run(capsys, "show", "green/targets/co2-intensity")
    assert code == 0 and "Source: “18% fewer CO₂ emissions per industrial added value”" in out


def test_search_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "5G", "--format", "json", "--limit", "3")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 3
    assert {"id", "plan", "title", "snippet"} <= set(hits[0])
    assert hits[0]["plan"] == "ict"
    code, out, _ = run(capsys, "search", 'NEAR("', "--format", "json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "ict/nope"], "no such item: 'ict/nope'"),
        (["targets", "--plan", "mars"], "no such plan: 'mars'"),
        (["--content", "/nonexistent/fyp.db", "plans"], "content database not found"),
    ],
)
def test_errors_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_a_corrupt_database_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    corrupt = tmp_path / "fyp.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    code, _, err = run(capsys, "--content", str(corrupt), "targets")
    assert code == 1 and str(corrupt) in err and "Traceback" not in err


def test_build_db_reports_problems_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "fyp.db"
    code, out, _ = run(capsys, "build-db", str(SOURCE_DIR), "-o", str(out_path))
    assert code == 0 and "19 targets, 10 figures" in out and out_path.is_file()
    code, _, err = run(capsys, "build-db", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x.db"))
    assert code == 1 and "content source folder not found" in err
    assert not (tmp_path / "x.db").exists()


def test_pack_build_writes_what_build_db_writes_and_needs_an_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "pack", "build", str(SOURCE_DIR), "-o", str(tmp_path / "a.db"))
    assert code == 0 and "pack fyp14-six-industries, edition 2021-12.1" in out
    code, _, _ = run(capsys, "build-db", str(SOURCE_DIR), "-o", str(tmp_path / "b.db"))
    assert code == 0
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()
    with pytest.raises(SystemExit):  # never a default output inside the app or a checkout
        main(["pack", "build", str(SOURCE_DIR)])
    assert "-o/--output" in capsys.readouterr().err


def test_build_db_lists_each_problem_on_its_own_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, source)
    plan = source / "plans" / "ict.yaml"
    text = plan.read_text("utf-8")
    for old, new in (
        ("        target: 56\n", "        target: 65\n"),
        ("baseline: 15\n", "baseline: 16\n"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    plan.write_text(text, "utf-8")
    code, _, err = run(capsys, "build-db", str(source), "-o", str(tmp_path / "x.db"))
    lines = err.splitlines()
    assert code == 1 and not (tmp_path / "x.db").exists()
    assert "\\x0a" not in err  # not one line of escaped newlines
    assert lines[0].startswith("  plans/ict.yaml: ict/targets/5g-usage-rate: target 65 is not")
    assert lines[1].startswith("  plans/ict.yaml: ict/targets/5g-usage-rate: baseline 16 is not")
    assert lines[2] == (
        f"fypdesk: error: the content source has 2 problems, listed above; nothing was written"
        f" to {tmp_path / 'x.db'}"
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("fypdesk ")


def test_listing_commands_import_neither_qt_nor_reportlab_nor_sqlalchemy() -> None:
    probe = (
        "import sys, runpy; sys.argv = ['fypdesk', 'targets', '--format', 'json'];"
        "from fypdesk.cli import main; main(sys.argv[1:]); main(['search', '5G']);"
        "heavy = [m for m in ('PySide6', 'reportlab', 'sqlalchemy') if m in sys.modules];"
        "print('HEAVY', heavy, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stderr


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fypdesk", "plans", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(json.loads(result.stdout)) == 6


@pytest.mark.parametrize(
    ("argv", "window"),
    [
        ([], True),
        (["gui", "--select", "ict"], True),
        (["--content", "targets", "gui"], True),  # "targets" is the value of --content here
        (["--data-dir", "notes dir", "--content", "c.db"], True),
        (["targets"], False),
        (["--content", "gui", "targets"], False),
        (["--help"], False),
        (["--version", "gui"], False),
        (["export", "gui.pdf"], False),
    ],
)
def test_only_the_window_command_skips_the_other_commands(argv: list[str], window: bool) -> None:
    from fypdesk.cli import _opens_the_window, build_parser

    assert _opens_the_window(argv) is window
    usage = build_parser(gui_only=True).format_help()
    assert "gui" in usage and "targets" not in usage
    assert "targets" in build_parser().format_help()
