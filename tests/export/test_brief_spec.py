"""The brief specification checks itself and says what is wrong in the user's words."""

from __future__ import annotations

import pytest

from fypdesk.domain.brief import (
    BriefNote,
    BriefOptions,
    BriefScope,
    BriefSpec,
    InvalidBriefSpecError,
    NotesMode,
    clean_tag,
)
from fypdesk.domain.errors import FypdeskError


def test_default_spec_is_the_whole_briefing_with_everything() -> None:
    spec = BriefSpec()
    assert spec.scope.is_whole_briefing
    assert spec.options.notes is NotesMode.ALL
    assert spec.options.targets_annex and spec.options.charts and spec.options.toc


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidBriefSpecError) as caught:
        BriefSpec(
            title="x" * 201,
            marking="line one\nline two",
            scope=BriefScope(plans=("ict", "ict")),
            options=BriefOptions(notes=NotesMode.TAGGED),
        )
    problems = caught.value.problems
    assert any("title is 201 characters" in p for p in problems)
    assert any("marking must be a single line" in p for p in problems)
    assert any("more than once" in p for p in problems)
    assert any("needs at least one tag" in p for p in problems)
    assert isinstance(caught.value, FypdeskError)  # the CLI shows it as one line


def test_tags_without_tagged_notes_are_refused() -> None:
    with pytest.raises(InvalidBriefSpecError, match="only used with notes 'tagged'"):
        BriefSpec(options=BriefOptions(note_tags=("risk",)))


def test_blank_tags_are_refused() -> None:
    with pytest.raises(InvalidBriefSpecError, match="empty tag"):
        BriefSpec(scope=BriefScope(tags=("  ",)))


def test_selecting_scopes_are_not_the_whole_briefing() -> None:
    assert not BriefScope(plans=("ict",)).is_whole_briefing
    assert BriefScope(starred=True).selects_items
    assert BriefScope(tags=("risk",)).selects_items
    assert not BriefScope(plans=("ict",)).selects_items


def test_tags_match_regardless_of_case_and_spacing() -> None:
    note = BriefNote("ict", "body", tags=(" Risk ",))
    assert note.has_any_tag(frozenset({clean_tag("RISK")}))
    assert not note.has_any_tag(frozenset({clean_tag("follow-up")}))
