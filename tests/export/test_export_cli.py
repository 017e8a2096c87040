"""``fypdesk export``: options, formats, one-line errors, and reportlab kept off other commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fypdesk.cli import main
from tests.export.brief_samples import CONTENT_DB, extract


def _export(tmp_path: Path, *options: str) -> int:
    return main(["--content", str(CONTENT_DB), "export", *options])


def test_exports_a_pdf_with_cover_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "brief.pdf"
    status = _export(
        tmp_path,
        str(out),
        "--title",
        "Board brief",
        "--author",
        "Li Wei",
        "--organisation",
        "AT&T",
        "--date",
        "2026-12-01",
        "--marking",
        "Internal",
        "--plan",
        "green",
        "--paper",
        "letter",
    )
    assert status == 0
    assert "Wrote" in capsys.readouterr().out
    pdf = extract(out.read_bytes())
    cover = pdf.pages[0]
    assert "Board brief" in cover and "Li Wei" in cover and "AT&T" in cover
    assert "1 December 2026" in cover and "INTERNAL" in cover
    assert "Green Industrial Development" in pdf.outline
    assert "Big Data" not in pdf.outline


def test_exports_markdown(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    assert _export(tmp_path, str(out), "--no-toc") == 0
    assert out.read_text(encoding="utf-8").startswith("# 14th Five-Year Plans")


def test_unknown_format_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(tmp_path, str(tmp_path / "brief.docx")) == 1
    assert "name it OUT.pdf or OUT.md" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_contradicting_options_are_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(tmp_path, str(tmp_path / "b.pdf"), "--notes", "tagged") == 1
    assert "needs at least one tag" in capsys.readouterr().err


def test_unknown_plan_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _export(tmp_path, str(tmp_path / "b.pdf"), "--plan", "nope") == 1
    assert "no such plan: 'nope'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_target_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "b.pdf"
    assert _export(tmp_path, str(out)) == 1
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_other_commands_do_not_import_reportlab() -> None:
    code = (
        "import sys; from fypdesk.cli import main; "
        f"main(['--content', {str(CONTENT_DB)!r}, 'plans']); "
        "sys.stdout.write(str(any(m.startswith('reportlab') for m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.endswith("False")
