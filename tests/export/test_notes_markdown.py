"""The notes Markdown export: laid out by plan, every user string shown exactly as written."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fypdesk.domain.notes import Note
from fypdesk.export.markdown import escape
from fypdesk.export.notes_markdown import render_notes_markdown, write_notes_markdown

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PLANS = {"integration": "Integration plan", "ict": "ICT plan"}
TITLES = {
    "ict/targets/5g": "5G usage rate",
    "integration/x": "Digitalisation",
    "briefing": "Briefing",
}


def _note(node: str, body: str, *tags: str) -> Note:
    return Note(uuid=f"u-{node}", node_id=node, body=body, tags=tags, created=WHEN, updated=WHEN)


def _render(*notes: Note) -> str:
    return render_notes_markdown(notes, plan_titles=PLANS, node_titles=TITLES, exported=WHEN)


def _unescape(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def test_layout_groups_by_plan_with_detached_last() -> None:
    text = _render(
        _note("ict/targets/5g", "5G note\nsecond line", "risk"),
        _note("integration/x", "integration note"),
        _note("briefing", "on the briefing"),
        _note("ict/gone", "detached note"),
    )
    assert text.startswith("# fypdesk notes\n\nExported 2026-03-02 09:30 UTC.\n\n")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Briefing",
        "## Integration plan (`integration`)",
        "## ICT plan (`ict`)",
        "## Detached notes (their item no longer exists)",
    ]
    assert (
        "### 5G usage rate\n\n`ict/targets/5g` · updated 2026-03-02 09:30 UTC · tags: risk\n"
        in text
    )
    assert "> 5G note\n> second line\n" in text
    assert "### ict/gone\n" in text
    assert text.endswith("> detached note\n")


HOSTILE = [
    '<img src="http://example.invalid/p.png">',
    "![tracker](http://example.invalid/pixel.png)",
    "[click me](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<script>alert(1)</script>",
    "first\r# a heading after a bare CR",
    "line\n## a heading after a line feed",
    "===\n---\n***",
    "```\ncode fence",
    "1. not a list",
    "&lt;entity&gt;",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies_show_as_written(body: str) -> None:
    text = _render(_note("ict/targets/5g", body))
    quote = text.split("tags", 1)[0].split("UTC\n\n")[-1]
    assert all(line.startswith(">") for line in quote.strip("\n").splitlines()), quote
    assert _no_markup(text)


def _no_markup(text: str) -> bool:
    """No raw HTML, link, image or heading beyond the export's own."""
    body = text.replace("`ict/targets/5g`", "").replace("(`ict`)", "")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    return (
        re.search(r"(?<!\\)<", text) is None
        and re.search(r"(?<!\\)\[", body) is None
        and re.search(r"(?<!\\)`", body) is None
        and headings == ["# fypdesk notes", "## ICT plan (`ict`)", "### 5G usage rate"]
    )


def test_the_body_reads_back_exactly() -> None:
    body = "AT&T *bold* _it_ <b> [x](y) # h\n- item\n> quote | pipe ~strike~"
    text = _render(_note("ict/targets/5g", body))
    quoted = [line[2:] for line in text.splitlines() if line.startswith("> ")]
    assert _unescape("\n".join(quoted)) == body


@pytest.mark.parametrize(
    "node",
    ["ict/a`b", "ict/``x``", "ict/x\n# Fake heading", "ict/x\r## Fake", "ict/<img src=x>", "`"],
)
def test_a_crafted_node_id_cannot_break_out(node: str) -> None:
    text = render_notes_markdown(
        [_note(node, "body")], plan_titles=PLANS, node_titles={}, exported=WHEN
    )
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("## ")] == [
        "## Detached notes (their item no longer exists)"
    ]
    assert sum(line.startswith("# ") for line in lines) == 1
    meta = next(line for line in lines if "· updated" in line)
    span = meta.split(" · updated")[0]
    fence = re.match(r"`+", span)
    assert fence is not None and span.endswith(fence.group())
    inner = span[len(fence.group()) : -len(fence.group())]
    assert fence.group() not in inner  # the fence is longer than any run of backticks inside
    assert re.search(r"(?<!\\)<", text.replace(span, "")) is None


def test_tags_and_titles_are_escaped() -> None:
    text = render_notes_markdown(
        [_note("ict/targets/5g", "x", "<b>tag</b>", "*star*")],
        plan_titles={"ict": "ICT <i>plan</i>"},
        node_titles={"ict/targets/5g": "# title [link](javascript:x)"},
        exported=WHEN,
    )
    assert "## ICT \\<i\\>plan\\</i\\> (`ict`)" in text
    assert f"### {escape('# title [link](javascript:x)')}" in text
    assert "tags: \\<b\\>tag\\</b\\>, \\*star\\*" in text


@given(st.text(), st.text(max_size=40))
def test_any_note_stays_inside_its_quote(body: str, node: str) -> None:
    text = render_notes_markdown([_note(node, body)], plan_titles={}, node_titles={}, exported=WHEN)
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "· updated" in line) + 2
    assert all(line.startswith(">") for line in lines[start:])
    assert sum(line.startswith("#") for line in lines) == 3
    assert re.search(r"(?<!\\)<", "\n".join(lines[start:])) is None


def test_a_new_file_is_private_and_an_old_one_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "notes #1.md"
    previous = os.umask(0o022)
    try:
        write_notes_markdown(
            [_note("ict/targets/5g", "x")],
            path,
            plan_titles=PLANS,
            node_titles=TITLES,
            exported=WHEN,
        )
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        path.chmod(0o644)
        write_notes_markdown([], path, plan_titles=PLANS, node_titles=TITLES, exported=WHEN)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(previous)
    assert path.read_text(encoding="utf-8") == "# fypdesk notes\n\nExported 2026-03-02 09:30 UTC.\n"
