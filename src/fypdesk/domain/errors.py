"""Errors that carry a message meant for the user, never a traceback."""

from __future__ import annotations


class FypdeskError(Exception):
    """An expected failure whose message is shown to the user as it is."""


class ContentUnavailableError(FypdeskError):
    """The content database is missing, unreadable or not a fypdesk database."""


class UnknownNodeError(FypdeskError):
    """An id that names no node of the content."""

    def __init__(self, node_id: str) -> None:
        super().__init__(f"no such item: {node_id!r} (try 'fypdesk plans' or 'fypdesk search')")
        self.node_id = node_id


class UnknownPlanError(FypdeskError):
    """A plan slug that names no plan of the content."""

    def __init__(self, slug: str, known: tuple[str, ...]) -> None:
        super().__init__(f"no such plan: {slug!r} (plans: {', '.join(known)})")
        self.slug = slug
