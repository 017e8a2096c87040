"""Back/forward navigation history, as plain Python."""

from __future__ import annotations


class History:
    """Visited node ids with a cursor, like a browser's history."""

    def __init__(self, limit: int = 200) -> None:
        self._items: list[str] = []
        self._cursor = -1
        self._limit = limit

    @property
    def current(self) -> str | None:
        """The node shown now."""
        return self._items[self._cursor] if self._cursor >= 0 else None

    def visit(self, node_id: str) -> None:
        """Record a new visit, dropping the forward entries."""
        if node_id == self.current:
            return
        del self._items[self._cursor + 1 :]
        self._items.append(node_id)
        if len(self._items) > self._limit:
            del self._items[0]
        self._cursor = len(self._items) - 1

    def can_go_back(self) -> bool:
        """Whether there is an earlier entry."""
        return self._cursor > 0

    def can_go_forward(self) -> bool:
        """Whether there is a later entry."""
        return self._cursor < len(self._items) - 1

    def back(self) -> str | None:
        """Step back; returns the node to show."""
        if not self.can_go_back():
            return None
        self._cursor -= 1
        return self.current

    def forward(self) -> str | None:
        """Step forward; returns the node to show."""
        if not self.can_go_forward():
            return None
        self._cursor += 1
        return self.current
