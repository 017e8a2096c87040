"""A brief of several briefings: each composed brief a part under its briefing's title."""

from __future__ import annotations

from pathlib import Path

import pytest

from fypdesk.cli.export_command import load_content
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import Annotations, BriefScope, BriefSpec
from fypdesk.export.combine import combine
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.document import BriefDocument, Heading, SourceList
from tests.example_packs import build_examplia


@pytest.fixture(scope="module")
def examplia(tmp_path_factory: pytest.TempPathFactory) -> BriefContent:
    repository = ContentRepository.open(build_examplia(tmp_path_factory.mktemp("e"), 1))
    try:
        return load_content(repository)
    finally:
        repository.close()


def _parts(content: BriefContent, examplia: BriefContent) -> list[BriefDocument]:
    return [compose(BriefSpec(), c, Annotations()) for c in (examplia, content)]


def test_each_briefing_is_a_part_with_its_plans_one_level_down(
    content: BriefContent, examplia: BriefContent
) -> None:
    parts = _parts(content, examplia)
    combined = combine(parts, BriefSpec(title="Before the meeting"))
    headings = [b for b in combined.blocks if isinstance(b, Heading)]
    tops = [h for h in headings if h.level == 0]
    assert [h.text for h in tops] == [part.cover.title for part in parts]
    assert all(h.new_page for h in tops)
    assert len({h.key for h in headings}) == len(headings)  # anchors stay unique
    for part, top in zip(parts, tops, strict=True):
        own = [b for b in part.blocks if isinstance(b, Heading)]
        start = headings.index(top)
        nested = headings[start + 1 : start + 1 + len(own)]
        assert [(h.text, h.level) for h in nested] == [(h.text, h.level + 1) for h in own]
        assert not nested[0].new_page  # the part's first plan shares the title's page
    # Each part keeps its own sources list, numbered from 1.
    sources = [b for b in combined.blocks if isinstance(b, SourceList)]
    assert len(sources) == 2 and all(s.citations[0].number == 1 for s in sources)
    assert combined.counts.plans == sum(p.counts.plans for p in parts)
    assert combined.counts.targets == sum(p.counts.targets for p in parts)
    cover = combined.cover
    assert cover.title == "Before the meeting"
    assert all(p.cover.title in cover.subtitle for p in parts)
    assert all(p.cover.content_version in cover.content_version for p in parts)
    assert combined.subject == "Brief on " + "; ".join(p.cover.title for p in parts)


def test_one_briefing_is_its_own_brief(content: BriefContent) -> None:
    part = compose(BriefSpec(scope=BriefScope(plans=("ict",))), content, Annotations())
    assert combine([part], BriefSpec(title="ignored")) is part
    with pytest.raises(ValueError, match="at least one"):
        combine([], BriefSpec())


def test_a_combined_brief_renders(
    content: BriefContent, examplia: BriefContent, tmp_path: Path
) -> None:
    from fypdesk.export.markdown import write_markdown
    from fypdesk.export.pdf import render_pdf

    combined = combine(_parts(content, examplia), BriefSpec())
    with (tmp_path / "b.pdf").open("wb") as out:
        pages = render_pdf(combined, out)
    assert pages > 2
    with (tmp_path / "b.md").open("wb") as out:
        write_markdown(combined, out)
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert text.startswith("# Brief on 2 briefings")
