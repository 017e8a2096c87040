"""What a note remembers of the item it annotates, and its state after a new edition.

A note records the edition of its pack and the item's wording (:func:`annotated_text`) when it
was written or last edited. When a newer edition is installed, comparing that record with the
item as it now is gives every note one state (:class:`NoteState`): ``current``, ``changed`` (the
item's text or numbers differ: both wordings are kept), or ``detached`` (the item is gone: the
note keeps the old wording). Pure functions of domain values; the callers look the items up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fypdesk.domain.content import NodeDetail, Quantity
from fypdesk.domain.notes import Note, node_text_hash


class NoteState(StrEnum):
    """Where a note stands against the installed edition of its pack."""

    CURRENT = "current"
    CHANGED = "changed"
    DETACHED = "detached"


@dataclass(frozen=True, slots=True)
class ItemVersion:
    """The annotated item as the writer saw it: stored with a note at every write.

    Attributes:
        node_hash: :func:`~fypdesk.domain.notes.node_text_hash` of its title, text and quote.
        edition: The pack's edition (``content_version``) it was read in.
        text: :func:`annotated_text` of the item: its wording and its numbers.
    """

    node_hash: str
    edition: str | None
    text: str


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def quantity_line(quantity: Quantity) -> str:
    """One quantity's numbers as one stable line.

    Deliberately not :mod:`fypdesk.domain.quantity_text`: that formatter may change with the app,
    and a change there must not flag every note as changed. This line changes only when the
    pack's numbers do.
    """
    value = _number(quantity.value)
    if quantity.value_max is not None:
        value += f"-{_number(quantity.value_max)}"
    parts = [f"{quantity.role.value} {quantity.indicator}:"]
    if quantity.qualifier is not None:
        parts.append(str(quantity.qualifier.value))
    parts.append(f"{value} {quantity.unit}".rstrip())
    parts.append(f"({quantity.kind.value}, {quantity.direction.value}) in {quantity.year}")
    if quantity.baseline is not None:
        parts.append(f"from {_number(quantity.baseline)} in {quantity.baseline_year}")
    return " ".join(parts)


def annotated_text(detail: NodeDetail) -> str:
    """The item's wording and numbers as a note keeps them: the title, the text, the source's
    quote, then one line per quantity of the item's own. Two editions of an item read the same here
    exactly when a reader would see no difference in its words or numbers."""
    node = detail.node
    lines = [node.title]
    if node.text:
        lines.append(node.text)
    if node.source and node.source != node.text:
        lines.append(f"“{node.source}”")
    # The item's own numbers only: its quantity (when it is one) and those hung on it directly.
    # A plan's note does not change with every target under the plan, and the text is the same
    # whether or not the caller read the quantities of the whole subtree.
    own: Iterable[Quantity] = (
        quantity
        for quantity in detail.quantities
        if quantity.id == node.id or quantity.parent_id == node.id
    )
    if detail.quantity is not None:
        own = (detail.quantity, *own)
    seen: set[str] = set()
    for quantity in own:
        if quantity.id not in seen:
            seen.add(quantity.id)
            lines.append(quantity_line(quantity))
    return "\n".join(lines)


def item_version(detail: NodeDetail, edition: str | None) -> ItemVersion:
    """What a note written now on ``detail`` records of it."""
    node = detail.node
    return ItemVersion(
        node_hash=node_text_hash(node.title, node.text, node.source),
        edition=edition,
        text=annotated_text(detail),
    )


@dataclass(frozen=True, slots=True)
class RecordedVersion:
    """What notes on one item recorded of it (one of the distinct records the notes of a pack
    hold: many notes on an item written in one edition share one)."""

    node_id: str
    node_hash: str | None
    annotated_text: str | None


def note_state(note: Note | RecordedVersion, current: ItemVersion | None) -> NoteState:
    """The note's state against the item as the installed edition has it (``None``: the
    edition has no such item).

    A note that recorded the item's wording compares wordings (text and numbers); a note of the
    first release recorded only a fingerprint of the text, which is compared instead; a note
    with neither is current (nothing tells otherwise).
    """
    if current is None:
        return NoteState.DETACHED
    if note.annotated_text is not None:
        same = note.annotated_text == current.text
    elif note.node_hash is not None:
        same = note.node_hash == current.node_hash
    else:
        same = True
    return NoteState.CURRENT if same else NoteState.CHANGED
