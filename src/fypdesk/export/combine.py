"""One brief of several briefings: each briefing's composed brief becomes a part of it.

Each part opens on a new page with its briefing's title (a level-0 heading: in the contents and
the PDF bookmarks, the briefing's plans under it), and keeps its own sources at its end,
numbered from 1 like a chapter's notes: a citation ``[3]`` always refers to its own part's
list. The cover names every briefing, its source and its edition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fypdesk.domain.brief import BriefSpec
from fypdesk.export.document import Block, BriefDocument, Counts, Cover, Heading


def combine(parts: Sequence[BriefDocument], spec: BriefSpec) -> BriefDocument:
    """``parts`` (each composed with the briefing's own title on its cover) as one brief with
    the cover ``spec`` asks for; a single part is returned as it is.

    Raises:
        ValueError: no parts.
    """
    if not parts:
        raise ValueError("a brief needs at least one briefing")
    if len(parts) == 1:
        return parts[0]
    blocks: list[Block] = []
    for number, part in enumerate(parts, start=1):
        key = f"briefing-{number}"
        blocks.append(Heading(part.cover.title, 0, key, new_page=True))
        nested = [_nested(block, key) for block in part.blocks]
        if nested and isinstance(nested[0], Heading):
            # Its first plan follows the part's title on its page, not alone on the next one.
            nested[0] = replace(nested[0], new_page=False)
        blocks += nested
    first = parts[0]
    titles = [part.cover.title for part in parts]
    return BriefDocument(
        cover=_cover(parts, spec),
        paper=first.paper,
        toc=first.toc,
        subject="Brief on " + "; ".join(titles),
        keywords=tuple(dict.fromkeys(word for part in parts for word in part.keywords)),
        creator=first.creator,
        blocks=tuple(blocks),
        counts=Counts(
            plans=sum(part.counts.plans for part in parts),
            items=sum(part.counts.items for part in parts),
            targets=sum(part.counts.targets for part in parts),
            notes=sum(part.counts.notes for part in parts),
            citations=sum(part.counts.citations for part in parts),
        ),
    )


def _nested(block: Block, part_key: str) -> Block:
    """A part's block inside the combined brief: headings one level down, anchors unique."""
    if isinstance(block, Heading):
        return replace(block, level=block.level + 1, key=f"{part_key}-{block.key}")
    return block


def _cover(parts: Sequence[BriefDocument], spec: BriefSpec) -> Cover:
    first = parts[0].cover
    covers = [part.cover for part in parts]
    return Cover(
        title=spec.title or f"Brief on {len(parts)} briefings",
        subtitle=spec.subtitle or "; ".join(cover.title for cover in covers),
        author=first.author,
        organisation=first.organisation,
        date=first.date,
        marking=first.marking,
        source="; ".join(dict.fromkeys(cover.source for cover in covers)),
        content_version=", ".join(cover.content_version for cover in covers),
        scope="; ".join(f"{cover.title}: {cover.scope}" for cover in covers),
    )
