"""Composition: what a scope includes and leaves out, notes placement, citations, counts."""

from __future__ import annotations

import datetime as dt

import pytest

from fypdesk.domain.brief import (
    Annotations,
    BriefNote,
    BriefOptions,
    BriefScope,
    BriefSpec,
    NotesMode,
)
from fypdesk.domain.content import QuantityRole
from fypdesk.domain.errors import UnknownPlanError
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.document import (
    BriefDocument,
    Chart,
    Heading,
    Item,
    NoteCallout,
    SourceList,
    TargetTable,
)
from tests.export.brief_samples import HOSTILE


def _headings(document: BriefDocument, level: int | None = None) -> list[str]:
    return [
        b.text
        for b in document.blocks
        if isinstance(b, Heading) and (level is None or b.level == level)
    ]


def _notes(document: BriefDocument) -> list[str]:
    return [b.body for b in document.blocks if isinstance(b, NoteCallout)]


def _items(document: BriefDocument) -> list[Item]:
    return [b for b in document.blocks if isinstance(b, Item)]


def test_whole_briefing_has_every_plan_intro_closing_annex_and_sources(
    content: BriefContent, user_annotations: Annotations
) -> None:
    document = compose(BriefSpec(), content, user_annotations)
    top = _headings(document, 0)
    assert top[0] == "Introduction"
    assert [p.title for p in content.plans] == top[1 : 1 + len(content.plans)]
    assert "Closing" in top and "Annex: quantitative targets" in top and top[-1] == "Sources"
    assert sorted(_notes(document)) == sorted(HOSTILE)
    assert document.counts.plans == len(content.plans)
    assert document.counts.targets == sum(
        1 for q in content.quantities if q.role is QuantityRole.TARGET
    )


def test_every_quantity_is_cited_once_and_numbered_in_order(
    content: BriefContent, user_annotations: Annotations
) -> None:
    document = compose(BriefSpec(), content, user_annotations)
    sources = next(b for b in document.blocks if isinstance(b, SourceList))
    assert [c.number for c in sources.citations] == list(range(1, len(content.quantities) + 1))
    assert {c.passage for c in sources.citations} == {q.source for q in content.quantities}
    rows = [row for b in document.blocks if isinstance(b, TargetTable) for row in b.rows]
    facts = {f.text.split(" by ")[0]: f.citation for i in _items(document) for f in i.facts}
    assert all(row.citation is not None for row in rows)
    assert len(facts) > 0


def test_a_quantity_under_an_item_of_another_title_says_what_it_measures(
    content: BriefContent,
) -> None:
    document = compose(BriefSpec(), content, Annotations())
    facts = {item.title: [f.text for f in item.facts] for item in _items(document)}
    # Two figures under one item: each names its indicator, or "+3.3%" and "+1.9%" say nothing.
    assert facts["An optimised industry landscape"] == [
        "Share of high-tech manufacturers in large-scale manufacturers' industrial added value:"
        " +3.3% (2016–2020)",
        "Share of equipment manufacturers in large-scale manufacturers' industrial added value:"
        " +1.9% (2016–2020)",
    ]
    # Not where the item is the target itself, nor where the unit names it already.
    assert facts["High-skilled workers trained"] == ["2 million high-skilled workers by 2025"]
    assert (
        "2121 green factories (2016–2020)"
        in facts["The basic establishment of a green manufacturing system"]
    )


def test_chosen_plans_leave_the_others_out(
    content: BriefContent, user_annotations: Annotations
) -> None:
    document = compose(BriefSpec(scope=BriefScope(plans=("green",))), content, user_annotations)
    top = _headings(document, 0)
    assert "Green Industrial Development" in top
    assert "Information and Communication Technologies" not in top
    assert "Introduction" not in top and "Closing" not in top
    # Only notes on Green nodes: the section and the folded CO2 target.
    assert set(_notes(document)) <= {
        n.body for n in user_annotations.notes if n.node_id.startswith("green")
    }
    assert _notes(document)
    tables = [b for b in document.blocks if isinstance(b, TargetTable)]
    assert [row.indicator for t in tables for row in t.rows] == [
        q.indicator
        for q in content.quantities
        if q.plan == "green" and q.role is QuantityRole.TARGET
    ]


def test_unknown_plan_is_an_error_naming_the_known_ones(content: BriefContent) -> None:
    with pytest.raises(UnknownPlanError, match="plans: integration, ict"):
        compose(BriefSpec(scope=BriefScope(plans=("nope",))), content, Annotations())


def test_starred_scope_holds_the_starred_items_and_their_headings_only(
    content: BriefContent, user_annotations: Annotations
) -> None:
    document = compose(BriefSpec(scope=BriefScope(starred=True)), content, user_annotations)
    assert _headings(document, 0)[:2] == ["Big Data", "Technical Worker Education"]
    titles = [item.title for item in _items(document)]
    assert "High-skilled workers trained" in titles
    assert "Skill development trainings for enterprise employees" not in titles
    # The starred section comes whole, with everything under it.
    assert "Growth of the Big Data industry by 2020" in titles
    assert "Gaps to advanced international benchmarks in key technologies" not in titles
    assert document.counts.targets == 1


def test_annotated_scope_holds_only_annotated_items(
    content: BriefContent, user_annotations: Annotations
) -> None:
    document = compose(BriefSpec(scope=BriefScope(annotated=True)), content, user_annotations)
    plans = _headings(document, 0)
    assert "Information and Communication Technologies" in plans
    assert "Software and Information Technology Services" not in plans
    assert sorted(_notes(document)) == sorted(HOSTILE)


def test_tag_scope_and_tagged_notes(content: BriefContent, user_annotations: Annotations) -> None:
    spec = BriefSpec(
        scope=BriefScope(tags=("RISK",)),
        options=BriefOptions(notes=NotesMode.TAGGED, note_tags=("risk",)),
    )
    document = compose(spec, content, user_annotations)
    expected = {n.body for n in user_annotations.notes if "risk" in n.tags}
    assert set(_notes(document)) == expected


def test_notes_none_prints_no_notes(content: BriefContent, user_annotations: Annotations) -> None:
    spec = BriefSpec(options=BriefOptions(notes=NotesMode.NONE))
    document = compose(spec, content, user_annotations)
    assert _notes(document) == []
    assert document.counts.notes == 0


def test_options_drop_annex_charts_and_citations(
    content: BriefContent, user_annotations: Annotations
) -> None:
    spec = BriefSpec(options=BriefOptions(targets_annex=False, citations=False))
    document = compose(spec, content, user_annotations)
    kinds = {type(b) for b in document.blocks}
    assert TargetTable not in kinds and Chart not in kinds and SourceList not in kinds
    assert all(f.citation is None for i in _items(document) for f in i.facts)
    # The count a dialog shows does not depend on whether the annex is printed.
    assert document.counts.targets == sum(
        1 for q in content.quantities if q.role is QuantityRole.TARGET
    )
    with_annex = compose(BriefSpec(options=BriefOptions(charts=False)), content, user_annotations)
    assert not any(isinstance(b, Chart) for b in with_annex.blocks)
    assert any(isinstance(b, TargetTable) for b in with_annex.blocks)


def test_charts_show_targets_with_both_numbers(content: BriefContent) -> None:
    document = compose(BriefSpec(), content, Annotations())
    bars = [bar for b in document.blocks if isinstance(b, Chart) for bar in b.bars]
    both = [q for q in content.quantities if q.role is QuantityRole.TARGET and q.baseline]
    assert sorted((bar.baseline, bar.target) for bar in bars) == sorted(
        (float(q.baseline or 0), float(q.value)) for q in both
    )


def test_notes_on_missing_items_are_kept_apart(content: BriefContent) -> None:
    note = BriefNote("gone/item", "still mine", created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    document = compose(BriefSpec(), content, Annotations(notes=(note,)))
    assert "Notes on items no longer in the briefing" in _headings(document, 0)
    assert _notes(document) == ["still mine"]


def test_notes_under_an_item_are_oldest_first(content: BriefContent) -> None:
    base = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    notes = (
        BriefNote("ict", "second", created=base + dt.timedelta(days=1)),
        BriefNote("ict", "first", created=base),
    )
    document = compose(BriefSpec(), content, Annotations(notes=notes))
    assert _notes(document) == ["first", "second"]
