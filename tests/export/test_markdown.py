"""The Markdown brief: same content as the PDF, user text escaped so it shows as written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fypdesk.domain.brief import Annotations, BriefScope, BriefSpec
from fypdesk.domain.content import QuantityRole
from fypdesk.domain.growth import format_number
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.markdown import escape, render_markdown
from fypdesk.export.text import clean
from tests.export.brief_samples import HOSTILE, hostile_notes


def _unescape(markdown: str) -> str:
    """What CommonMark shows for backslash-escaped punctuation."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


@pytest.fixture(scope="module")
def markdown(content: BriefContent) -> str:
    spec = BriefSpec(title="Brief *draft* <b>", marking="Internal")
    return render_markdown(compose(spec, content, Annotations(notes=hostile_notes())))


def test_headings_plans_and_targets(markdown: str, content: BriefContent) -> None:
    assert markdown.startswith("# Brief \\*draft\\* \\<b\\>\n")
    assert "**INTERNAL**" in markdown
    for plan in content.plans:
        assert f"## {escape(plan.title)}\n" in markdown
    for quantity in content.quantities:
        assert format_number(quantity.value) in _unescape(markdown), quantity.id
    targets = [q for q in content.quantities if q.role is QuantityRole.TARGET]
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len(table_rows) == len(targets) + len({q.plan for q in targets})  # + header rows


@pytest.mark.parametrize("body", HOSTILE)
def test_notes_show_verbatim_and_never_as_html(markdown: str, body: str) -> None:
    assert f"> {escape(body)}" in markdown
    assert body in _unescape(markdown)


def test_no_raw_html_survives(markdown: str) -> None:
    assert re.search(r"(?<!\\)<", markdown) is None  # every "<" is escaped


def test_scope_applies_to_markdown(content: BriefContent) -> None:
    text = render_markdown(
        compose(BriefSpec(scope=BriefScope(plans=("skills",))), content, Annotations())
    )
    assert "## Technical Worker Education" in text
    assert "## Big Data" not in text


@given(st.text())
def test_escape_round_trips_any_text(text: str) -> None:
    assert _unescape(escape(text)) == clean(text)


@given(st.text())
def test_inline_escape_round_trips_any_text(text: str) -> None:
    assert _unescape(escape(text, line_start=False)) == clean(text)
