"""Compose a brief: a specification, the content and the user's annotations become a document.

Pure and renderer-neutral: no reportlab, no database. The same :class:`BriefDocument` feeds the
PDF and the Markdown renderer, and a dialog can compose (cheaply) just to count what a scope holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from fypdesk import __version__
from fypdesk.domain.brief import Annotations, BriefNote, BriefSpec
from fypdesk.domain.content import Briefing, Node, NodeKind, PlanSummary, Quantity, QuantityRole
from fypdesk.domain.errors import UnknownPlanError
from fypdesk.export import quantities as qty
from fypdesk.export import selection
from fypdesk.export.document import (
    Block,
    BriefDocument,
    Citation,
    Counts,
    Cover,
    Heading,
    Item,
    NoteCallout,
    Paragraph,
    SourceList,
    TargetTable,
    TextRole,
)
from fypdesk.export.selection import ROOT_ID


class ContentSource(Protocol):
    """Where a brief's content is read from (a ``ContentRepository`` fits)."""

    def briefing(self) -> Briefing:
        """The briefing's facts."""
        ...

    def plans(self) -> tuple[PlanSummary, ...]:
        """Every plan in reading order."""
        ...

    def nodes(self) -> tuple[Node, ...]:
        """Every node in reading order."""
        ...

    def quantities(self) -> tuple[Quantity, ...]:
        """Every quantity in reading order."""
        ...


@dataclass(frozen=True, slots=True)
class BriefContent:
    """The content a brief is composed from: everything, in reading order."""

    briefing: Briefing
    plans: tuple[PlanSummary, ...]
    nodes: tuple[Node, ...]
    quantities: tuple[Quantity, ...]

    @classmethod
    def read(cls, source: ContentSource) -> BriefContent:
        """Everything a brief may draw on, read in one go (a briefing is small and read-only)."""
        return cls(source.briefing(), source.plans(), source.nodes(), source.quantities())


@dataclass(slots=True)
class _Citations:
    """Numbers passages in order of first use, so a number is the same in body and annex."""

    enabled: bool
    numbers: dict[str, int] = field(default_factory=dict)
    entries: list[Citation] = field(default_factory=list)

    def cite(self, key: str, where: str, passage: str) -> int | None:
        if not self.enabled:
            return None
        if key not in self.numbers:
            self.numbers[key] = len(self.entries) + 1
            self.entries.append(Citation(self.numbers[key], where, passage))
        return self.numbers[key]


@dataclass(slots=True)
class _Composer:
    """One composition's working state; discarded when the document is made."""

    spec: BriefSpec
    content: BriefContent
    notes_by_node: dict[str, list[BriefNote]]
    shown: frozenset[str]  # nodes whose own text is included
    visible: frozenset[str]  # shown nodes and the headings above them
    citations: _Citations
    nodes: dict[str, Node] = field(default_factory=dict)
    children: dict[str, list[Node]] = field(default_factory=dict)
    quantities: dict[str, Quantity] = field(default_factory=dict)
    plans: dict[str, PlanSummary] = field(default_factory=dict)  # by slug
    blocks: list[Block] = field(default_factory=list)
    notes_shown: int = 0
    items_shown: int = 0

    def key(self) -> str:
        # Anchors are ours, never user text: unique, ASCII, safe in any renderer.
        return f"h{len(self.blocks)}"

    def heading(self, text: str, level: int, *, new_page: bool = False) -> None:
        self.blocks.append(Heading(text, level, self.key(), outline=True, new_page=new_page))

    def notes(self, node: Node) -> None:
        for note in self.notes_by_node.get(node.id, ()):
            self.blocks.append(_callout(note, node.title))
            self.notes_shown += 1


def compose(spec: BriefSpec, content: BriefContent, annotations: Annotations) -> BriefDocument:
    """The brief ``spec`` asks for, from ``content`` and the user's ``annotations``.

    Raises:
        UnknownPlanError: the scope names a plan the content does not have.
    """
    known = tuple(plan.slug for plan in content.plans)
    for slug in spec.scope.plans:
        if slug not in known:
            raise UnknownPlanError(slug, known)
    notes = selection.notes_in_mode(spec, annotations.notes)
    shown, visible = selection.select(spec, content.plans, content.nodes, annotations)
    composer = _Composer(
        spec=spec,
        content=content,
        notes_by_node=selection.group_notes(notes, shown),
        shown=shown,
        visible=visible,
        citations=_Citations(spec.options.citations),
    )
    for node in content.nodes:
        composer.nodes[node.id] = node
        if node.parent_id is not None:
            composer.children.setdefault(node.parent_id, []).append(node)
    composer.quantities = {q.id: q for q in content.quantities}
    plans = [plan for plan in content.plans if plan.id in visible]

    if ROOT_ID in shown:
        _story_introduction(composer)
    for plan in plans:
        _story_plan(composer, plan)
    _story_closing(composer)
    if spec.options.targets_annex:
        _story_annex(composer, plans)
    _story_unplaced_notes(composer, notes)
    if composer.citations.entries:
        _story_sources(composer)
    return BriefDocument(
        cover=_cover(spec, content.briefing, plans, composer.notes_shown),
        paper=spec.paper,
        toc=spec.options.toc,
        subject=f"Brief on {content.briefing.title}",
        keywords=_keywords(content.briefing.title, plans, notes),
        creator=f"fypdesk {__version__}",
        blocks=tuple(composer.blocks),
        counts=Counts(
            plans=len(plans),
            items=composer.items_shown,
            targets=sum(
                1 for q in content.quantities if q.role is QuantityRole.TARGET and q.id in visible
            ),
            notes=composer.notes_shown,
            citations=len(composer.citations.entries),
        ),
    )


# -- story -------------------------------------------------------------------------------------


def _story_introduction(c: _Composer) -> None:
    briefing = c.content.briefing
    c.heading("Introduction", 0)
    for text in briefing.introduction:
        c.blocks.append(Paragraph(text))
    root = c.nodes.get(ROOT_ID)
    if root is not None:
        c.notes(root)


def _story_plan(c: _Composer, plan: PlanSummary) -> None:
    node = c.nodes[plan.id]
    c.heading(plan.title, 0, new_page=True)
    if plan.id in c.shown:
        c.blocks.append(Paragraph(f"Key message: {plan.key_message}", TextRole.LEAD))
        total = plan.targets_total
        if total is not None and total.count > plan.targets_listed:
            c.blocks.append(
                Paragraph(
                    f"The plan sets {total.count} quantitative targets for {total.year}; "
                    f"the briefing lists {plan.targets_listed} of them.",
                    TextRole.INTRO,
                )
            )
        c.notes(node)
    for child in c.children.get(node.id, ()):
        if child.id in c.visible:
            _story_section(c, child)


def _story_section(c: _Composer, section: Node) -> None:
    c.heading(section.title, 1)
    if section.id in c.shown:
        intro = _own_text(section)
        if intro:
            c.blocks.append(Paragraph(intro, TextRole.INTRO))
        c.notes(section)
    for child in c.children.get(section.id, ()):
        if child.id in c.visible:
            _story_item(c, child, 0, section)


def _story_item(c: _Composer, node: Node, depth: int, parent: Node) -> None:
    """An item with its facts and notes, then the items under it, one level deeper."""
    shown = node.id in c.shown
    quantity_children = [
        child
        for child in c.children.get(node.id, ())
        if child.kind in (NodeKind.TARGET, NodeKind.FIGURE) and child.id in c.visible
    ]
    folded = {child.id for child in quantity_children}
    facts = []
    own = c.quantities.get(node.id)
    for quantity in ([own] if own is not None else []) + [
        c.quantities[child.id] for child in quantity_children if child.id in c.quantities
    ]:
        citation = c.citations.cite(quantity.id, _where(c, quantity), quantity.source)
        # A target hung on an item of another title names what it measures, unless its unit
        # already does ("2121 green factories").
        indicator = quantity.indicator.casefold()
        named = (
            quantity is not own
            and indicator != node.title.casefold()
            and indicator not in quantity.unit.casefold()
        )
        facts.append(qty.fact(quantity, citation, named=named))
    text = _own_text(node) if shown else None
    if own is not None and text is not None and text.strip() == parent.source.strip():
        text = None  # the item above already quoted this very sentence
    c.blocks.append(Item(node.title, text, depth, tuple(facts)))
    c.items_shown += 1
    if shown:
        c.notes(node)
    for child in c.children.get(node.id, ()):
        if child.id not in c.visible:
            continue
        if child.id in folded:
            # Folded into this item's facts; only its notes remain to place.
            if child.id in c.shown:
                c.notes(child)
            continue
        _story_item(c, child, depth + 1, node)


def _own_text(node: Node) -> str | None:
    """The node's official wording, unless it merely repeats the title."""
    if node.text:
        return node.text
    source = node.source.strip()
    return None if not source or source.rstrip(":.") == node.title.strip() else source


def _where(c: _Composer, quantity: Quantity) -> str:
    if not c.plans:
        c.plans.update((p.slug, p) for p in c.content.plans)
    plan = c.plans.get(quantity.plan)
    trail = [plan.short_title if plan else quantity.plan]
    up = c.nodes.get(quantity.parent_id)
    while up is not None and up.kind not in (NodeKind.PLAN, NodeKind.BRIEFING):
        if up.kind is NodeKind.SECTION:
            trail.append(up.title)
            break
        up = c.nodes.get(up.parent_id) if up.parent_id else None
    trail.append(quantity.indicator)
    return " › ".join(trail)


def _story_closing(c: _Composer) -> None:
    closing = c.nodes.get(f"{ROOT_ID}/closing")
    if closing is None or closing.id not in c.shown:
        return
    c.heading(closing.title, 0)
    for text in (closing.text or closing.source).split("\n\n"):
        c.blocks.append(Paragraph(text.strip()))
    c.notes(closing)


def _story_annex(c: _Composer, plans: list[PlanSummary]) -> None:
    """Per plan, a table of its targets in scope and (if asked) their charts."""
    base_year = c.content.briefing.period_start - 1
    tables: list[tuple[PlanSummary, list[Quantity]]] = []
    by_plan: dict[str, list[Quantity]] = {}  # one pass, not one per plan
    for q in c.content.quantities:
        if q.role is QuantityRole.TARGET and q.id in c.visible:
            by_plan.setdefault(q.plan, []).append(q)
    for plan in plans:
        targets = by_plan.get(plan.slug, [])
        if targets:
            tables.append((plan, targets))
    if not tables:
        return
    c.heading("Annex: quantitative targets", 0, new_page=True)
    for plan, targets in tables:
        c.heading(plan.title, 1)
        rows = tuple(
            qty.target_row(q, base_year, c.citations.cite(q.id, _where(c, q), q.source))
            for q in targets
        )
        c.blocks.append(
            TargetTable(f"Targets of the {plan.short_title} plan", rows, qty.TABLE_FOOTNOTE)
        )
        if c.spec.options.charts:
            c.blocks.extend(qty.charts(plan.short_title, targets))


def _story_unplaced_notes(c: _Composer, notes: tuple[BriefNote, ...]) -> None:
    """Notes on items the content no longer has: kept, never silently dropped."""
    if not c.spec.scope.is_whole_briefing and not c.spec.scope.annotated:
        return
    unplaced = [note for note in notes if note.node_id not in c.nodes]
    if not unplaced:
        return
    c.heading("Notes on items no longer in the briefing", 0, new_page=True)
    for note in unplaced:
        c.blocks.append(_callout(note, note.node_id))
        c.notes_shown += 1


def _story_sources(c: _Composer) -> None:
    briefing = c.content.briefing
    c.heading("Sources", 0, new_page=True)
    preface = (
        f"The official text is quoted from “{briefing.source}”, published by "
        f"{briefing.publisher} ({briefing.date}), content version {briefing.content_version}. "
        "Each number in brackets next to a figure refers to the passage below."
    )
    c.blocks.append(SourceList(preface, tuple(c.citations.entries)))


def _callout(note: BriefNote, about: str) -> NoteCallout:
    when = note.updated or note.created
    return NoteCallout(
        body=note.body,
        tags=note.tags,
        date=when.date().isoformat() if when is not None else "",
        about=about,
    )


def _cover(spec: BriefSpec, briefing: Briefing, plans: list[PlanSummary], notes: int) -> Cover:
    if spec.scope.is_whole_briefing:
        scope = f"The whole briefing: {len(plans)} plans"
    else:
        scope = (
            "Selected: " + ", ".join(plan.short_title for plan in plans)
            if plans
            else "Nothing selected"
        )
    if notes:
        scope += f"; {notes} note{'s' if notes != 1 else ''}"
    date = ""
    if spec.meeting_date is not None:
        date = f"{spec.meeting_date.day} {spec.meeting_date:%B %Y}"
    return Cover(
        title=spec.title or briefing.title,
        subtitle=spec.subtitle,
        author=spec.author,
        organisation=spec.organisation,
        date=date,
        marking=spec.marking,
        source=f"{briefing.source} ({briefing.publisher})",
        content_version=briefing.content_version,
        scope=scope,
    )


def _keywords(
    briefing: str, plans: list[PlanSummary], notes: Iterable[BriefNote]
) -> tuple[str, ...]:
    """The briefing, its plans in the brief and the tags of its notes: a library's search finds
    the brief by what it is about, whichever briefing that is."""
    words = [briefing, *(plan.short_title for plan in plans)]
    for note in notes:
        words.extend(note.tags)
    return tuple(dict.fromkeys(words))
