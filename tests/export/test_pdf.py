"""The PDF as a reader gets it: text, contents, bookmarks, fonts, numbering, metadata."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
from pypdf.generic import ArrayObject, DictionaryObject

from fypdesk import __version__
from fypdesk.domain.brief import (
    Annotations,
    BriefNote,
    BriefOptions,
    BriefScope,
    BriefSpec,
    NotesMode,
    Paper,
)
from fypdesk.domain.content import Node, NodeKind, PlanSummary
from fypdesk.domain.growth import format_number
from fypdesk.export.compose import BriefContent, compose
from tests.export.brief_samples import HOSTILE, Extracted, extract, render, squash


@pytest.fixture(scope="module")
def whole(content: BriefContent) -> Extracted:
    """The default brief of the whole briefing with the hostile notes."""
    from tests.export.brief_samples import hostile_notes

    spec = BriefSpec(title="Brief <b>& AT&T", author="Ana <i>", marking="Internal")
    return extract(render(compose(spec, content, Annotations(notes=hostile_notes()))))


def test_every_plan_title_and_target_number_is_in_the_text(
    whole: Extracted, content: BriefContent
) -> None:
    text = squash(whole.text)
    for plan in content.plans:
        assert squash(plan.title) in text
    for quantity in content.quantities:
        assert format_number(quantity.value) in whole.text, quantity.id
        if quantity.baseline is not None:
            assert format_number(quantity.baseline) in whole.text, quantity.id


@pytest.mark.parametrize("body", HOSTILE)
def test_every_hostile_note_prints_verbatim(whole: Extracted, body: str) -> None:
    assert body in whole.text


def test_contents_and_bookmarks_list_plans_and_sections(
    whole: Extracted, content: BriefContent
) -> None:
    contents_page = whole.pages[1]
    assert "Contents" in contents_page
    for plan in content.plans:
        assert squash(plan.title) in squash(contents_page)
        assert plan.title in whole.outline
    assert "Sources" in whole.outline and "Annex: quantitative targets" in whole.outline


def _hostile_content(content: BriefContent) -> BriefContent:
    """The real content with a plan and a section renamed to hostile text."""
    plan = content.plans[0]
    section = next(n for n in content.nodes if n.plan == plan.slug and n.kind is NodeKind.SECTION)
    renamed: dict[str, str] = {plan.id: HOSTILE[3] + " " + HOSTILE[6], section.id: HOSTILE[4]}
    nodes: list[Node] = [
        dataclasses.replace(n, title=renamed[n.id]) if n.id in renamed else n for n in content.nodes
    ]
    plans: list[PlanSummary] = [
        dataclasses.replace(p, title=renamed[p.id]) if p.id in renamed else p for p in content.plans
    ]
    return dataclasses.replace(content, nodes=tuple(nodes), plans=tuple(plans))


def test_hostile_headings_survive_contents_and_bookmarks(content: BriefContent) -> None:
    pdf = extract(render(compose(BriefSpec(), _hostile_content(content), Annotations())))
    for title in (HOSTILE[3] + " " + HOSTILE[6], HOSTILE[4]):
        assert title in pdf.outline
        assert squash(title) in squash(pdf.pages[1])  # the contents page
        assert title in pdf.text


def test_bookmarks_and_contents_links_lead_to_their_headings(whole: Extracted) -> None:
    """Each bookmark, and each contents entry's link, goes to the page its heading is on."""
    reader = whole.reader
    page_of: dict[int, int] = {}
    for index, page_object in enumerate(reader.pages):
        assert page_object.indirect_reference is not None
        page_of[page_object.indirect_reference.idnum] = index

    def outline(items: list[Any]) -> list[Any]:
        flat: list[Any] = []
        for item in items:
            flat += outline(item) if isinstance(item, list) else [item]
        return flat

    bookmarks = outline(list(reader.outline))
    assert len(bookmarks) > 10
    pages: list[int] = []
    for bookmark in bookmarks:
        page = reader.get_destination_page_number(bookmark)
        assert page is not None and page >= 2  # after the cover and the contents
        assert squash(bookmark.title) in squash(whole.pages[page]), (bookmark.title, page)
        pages.append(page)
    annotations = reader.pages[1]["/Annots"].get_object()
    assert isinstance(annotations, ArrayObject)
    targets = [
        page_of[link.get_object()["/Dest"][0].idnum]
        for link in annotations
        if "/Dest" in link.get_object()
    ]
    # An entry links its title and its page number, in the order of the headings.
    assert targets[::2] == targets[1::2] == pages[: len(targets) // 2]


def test_every_font_is_embedded_truetype(whole: Extracted) -> None:
    seen = set()
    for page in whole.reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources["/Font"].get_object()
        assert isinstance(fonts, DictionaryObject)
        for ref in fonts.values():
            font = ref.get_object()
            seen.add(str(font["/BaseFont"]))
            descriptor = font["/FontDescriptor"].get_object()
            assert isinstance(descriptor, DictionaryObject)
            assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert not any("Helvetica" in name for name in seen)
    assert any("DroidSansFallback" in name for name in seen)  # the Chinese note


def test_pages_are_numbered_page_n_of_m(whole: Extracted) -> None:
    body_pages = len(whole.pages) - 1  # the cover is not numbered
    assert f"Page 1 of {body_pages}" in whole.pages[1]
    assert f"Page {body_pages} of {body_pages}" in whole.pages[-1]
    assert re.search(r"Page \d+ of", whole.pages[0]) is None


def test_metadata_is_set(whole: Extracted) -> None:
    meta = whole.metadata
    assert meta["/Title"] == "Brief <b>& AT&T"
    assert meta["/Author"] == "Ana <i>"
    assert meta["/Creator"] == f"fypdesk {__version__}"
    keywords = meta["/Keywords"]
    assert keywords.startswith("14th Five-Year Plans on Six Industries Policy Update")  # its own
    assert "ICT" in keywords and "risk" in keywords
    assert meta["/Subject"].startswith("Brief on ")


def test_a_brief_is_dated_when_it_is_written(
    content: BriefContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not 2000-01-01 (what reportlab's invariant mode writes); $SOURCE_DATE_EPOCH, as for any
    reproducible build, fixes the date."""

    def created() -> dt.datetime:
        document = compose(BriefSpec(scope=BriefScope(plans=("ict",))), content, Annotations())
        stamp = extract(render(document)).metadata["/CreationDate"]  # D:YYYYMMDDHHmmSS+hh'mm'
        return dt.datetime.strptime(stamp[2:16] + stamp[16:22].replace("'", ""), "%Y%m%d%H%M%S%z")

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC)
    assert abs((created().astimezone(dt.UTC) - before).total_seconds()) < 120
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    assert created().astimezone(dt.UTC) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_header_and_footer_carry_title_marking_and_content_version(
    whole: Extracted, content: BriefContent
) -> None:
    page = whole.pages[3]
    assert "Brief <b>& AT&T" in page
    assert "INTERNAL" in page
    assert f"content {content.briefing.content_version}" in page


def test_a_chosen_plan_leaves_the_others_out(content: BriefContent) -> None:
    spec = BriefSpec(scope=BriefScope(plans=("ict",)))
    pdf = extract(render(compose(spec, content, Annotations())))
    text = squash(pdf.text)
    assert squash("Information and Communication Technologies") in text
    for plan in content.plans:
        # Plan names recur in other plans' prose ("Big Data"), so look at the bookmarks.
        assert (plan.title in pdf.outline) == (plan.slug == "ict")
    for quantity in content.quantities:
        if quantity.plan == "ict":
            assert format_number(quantity.value) in pdf.text
        else:
            assert squash(quantity.source) not in text, quantity.id


def test_notes_none_and_no_toc(content: BriefContent) -> None:
    spec = BriefSpec(options=BriefOptions(notes=NotesMode.NONE, toc=False))
    notes = (BriefNote("ict", "a secret remark"),)
    pdf = extract(render(compose(spec, content, Annotations(notes=notes))))
    assert "a secret remark" not in pdf.text
    assert "Contents" not in pdf.pages[1]


def test_a_thousand_notes_export(content: BriefContent) -> None:
    ids = [n.id for n in content.nodes]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    notes = tuple(
        BriefNote(
            ids[i % len(ids)],
            f"Note number {i}: {HOSTILE[i % len(HOSTILE)]}",
            (f"t{i % 7}",),
            start + dt.timedelta(minutes=i),
        )
        for i in range(1000)
    )
    pdf = extract(render(compose(BriefSpec(), content, Annotations(notes=notes))))
    text = squash(pdf.text)
    for i in (0, 1, 499, 998, 999):
        assert squash(f"Note number {i}:") in text
    assert len(pdf.pages) > 50


def test_long_notes_and_unbroken_words_wrap(content: BriefContent) -> None:
    long_word = "x" * 3000
    long_note = ("A very long paragraph. " * 600).strip()
    many_lines = "\n".join(f"line {i}" for i in range(400))
    notes = tuple(BriefNote("ict", body) for body in (long_word, long_note, many_lines))
    pdf = extract(render(compose(BriefSpec(), content, Annotations(notes=notes))))
    assert "line 399" in pdf.text
    assert squash(long_word) in squash(pdf.text)


def test_control_characters_are_removed(content: BriefContent) -> None:
    notes = (BriefNote("ict", "bell\x07 null\x00 escape\x1b done"),)
    pdf = extract(render(compose(BriefSpec(), content, Annotations(notes=notes))))
    assert "bell null escape done" in pdf.text


def test_output_is_reproducible_and_fetches_nothing(
    content: BriefContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab import rl_config

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # reproducible: one date for both

    notes = (BriefNote("ict", '<img src="http://example.com/x.png"/>'),)
    document = compose(BriefSpec(), content, Annotations(notes=notes))
    assert render(document) == render(document)
    assert rl_config.trustedSchemes == [] and rl_config.trustedHosts == []


def test_letter_paper(content: BriefContent) -> None:
    pdf = extract(render(compose(BriefSpec(paper=Paper.LETTER), content, Annotations())))
    box = pdf.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a_long_table_of_contents_spans_pages_and_points_right(content: BriefContent) -> None:
    plan = content.plans[1]
    extra = tuple(
        Node(
            id=f"{plan.slug}/extra-{i}",
            kind=NodeKind.SECTION,
            parent_id=plan.id,
            plan=plan.slug,
            title=f"Extra section number {i:03d}",
            text=f"Body of extra section {i:03d}.",
            source=f"Body of extra section {i:03d}.",
            position=1000 + i,
            depth=2,
        )
        for i in range(90)
    )
    bigger = dataclasses.replace(content, nodes=content.nodes + extra)
    pdf = extract(render(compose(BriefSpec(), bigger, Annotations())))
    leaders = re.compile(r"(\s+\.){5}")
    contents = [
        page for page in pdf.pages if "Extra section number" in page and leaders.search(page)
    ]
    assert len(contents) >= 2  # the contents took more than one page
    listing = squash("\n".join(contents))
    for node in extra:
        assert squash(node.title) in listing
    # The entry for the last extra section names the page its heading is on.
    last = extra[-1].title
    body_page = next(i for i, page in enumerate(pdf.pages) if last in page and page not in contents)
    # pypdf reads an entry's leader dots and page number before its title.
    entry = re.search(r"(\d+)" + re.escape(squash(last)), listing)
    assert entry is not None and int(entry.group(1)) == body_page  # cover is unnumbered
