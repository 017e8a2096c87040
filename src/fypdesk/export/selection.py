"""Which parts of the briefing and which notes a brief includes, from its scope and options."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fypdesk.domain.brief import Annotations, BriefNote, BriefSpec, NotesMode, clean_tag
from fypdesk.domain.content import Node, PlanSummary

ROOT_ID = "briefing"


def notes_in_mode(spec: BriefSpec, notes: Iterable[BriefNote]) -> tuple[BriefNote, ...]:
    mode = spec.options.notes
    if mode is NotesMode.NONE:
        return ()
    chosen = tuple(notes)
    if mode is NotesMode.TAGGED:
        wanted = frozenset(clean_tag(tag) for tag in spec.options.note_tags)
        chosen = tuple(note for note in chosen if note.has_any_tag(wanted))
    # Oldest first under each item, as a conversation reads; ties keep the store's order.
    return tuple(sorted(chosen, key=lambda n: (n.created is None, n.created or 0)))


def group_notes(notes: Iterable[BriefNote], shown: frozenset[str]) -> dict[str, list[BriefNote]]:
    grouped: dict[str, list[BriefNote]] = {}
    for note in notes:
        if note.node_id in shown:
            grouped.setdefault(note.node_id, []).append(note)
    return grouped


def select(
    spec: BriefSpec,
    plans_in_content: Sequence[PlanSummary],
    nodes: Sequence[Node],
    annotations: Annotations,
) -> tuple[frozenset[str], frozenset[str]]:
    """The nodes whose text the brief shows, and those plus their ancestors (as headings)."""
    scope = spec.scope
    plans = set(scope.plans) or {plan.slug for plan in plans_in_content}
    parent = {node.id: node.parent_id for node in nodes}
    # The introduction and closing belong to no plan: in scope unless plans are chosen.
    in_plans = {
        node.id for node in nodes if node.plan in plans or (not scope.plans and not node.plan)
    }
    if not scope.selects_items:
        return frozenset(in_plans), frozenset(in_plans)
    tags = frozenset(clean_tag(tag) for tag in scope.tags)
    matched: set[str] = set()
    if scope.starred:
        matched |= annotations.starred
    for note in annotations.notes:
        if scope.annotated or (tags and note.has_any_tag(tags)):
            matched.add(note.node_id)
    matched &= in_plans
    # A note on the briefing itself selects the introduction, not everything under the root.
    subtrees = matched - {ROOT_ID}
    shown = {node.id for node in nodes if node.id in in_plans and _under(node.id, subtrees, parent)}
    shown |= matched & {ROOT_ID}
    visible = set(shown)
    for node_id in shown:
        up = parent.get(node_id)
        while up is not None and up not in visible:
            visible.add(up)
            up = parent.get(up)
    return frozenset(shown), frozenset(visible)


def _under(node_id: str, matched: set[str], parent: dict[str, str | None]) -> bool:
    current: str | None = node_id
    while current is not None:
        if current in matched:
            return True
        current = parent.get(current)
    return False
