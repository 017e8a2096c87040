"""The items of the briefing shown that its edition changed since notes on them were written:
marked in the tree, and walked through with Go → Next / Previous changed item (F8, Shift+F8)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from fypdesk.domain.editions import RecordedVersion
from fypdesk.domain.notes import Note

#: Whether a note, or what notes recorded of an item, differs from the item as shown now.
IsChanged = Callable[[Note | RecordedVersion], bool]


class ChangedItems:
    """Which items have a note in the state ``changed``, kept up to date note by note."""

    def __init__(self, is_changed: IsChanged) -> None:
        self._is_changed = is_changed
        self.items: frozenset[str] = frozenset()

    def reset(self, versions: Iterable[RecordedVersion]) -> frozenset[str]:
        """Find them again from what the notes recorded (each distinct record compared once)."""
        self.items = frozenset(v.node_id for v in versions if self._is_changed(v))
        return self.items

    def update(self, node_id: str, notes: Sequence[Note]) -> bool:
        """``node_id`` now has ``notes``: whether that changed the items."""
        before = self.items
        if any(note.node_id == node_id and self._is_changed(note) for note in notes):
            self.items = before | {node_id}
        else:
            self.items = before - {node_id}
        return self.items != before


def step_through(in_order: Sequence[str], current: str | None, step: int) -> str | None:
    """The item ``step`` (1 or -1) places from ``current`` among ``in_order`` (the changed
    items and ``current``, in reading order), wrapping round; ``None``: no other item."""
    others = [node_id for node_id in in_order if node_id != current]
    if not others:
        return None
    if current not in in_order:
        return others[0] if step > 0 else others[-1]
    at = in_order.index(current)
    return in_order[(at + step) % len(in_order)]
