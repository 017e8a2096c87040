"""Saved briefs: the title page and scope of a brief the user composed, kept with the notes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fypdesk.domain.notes import Clock, NotesError, SavedBrief, check_pack_id
from fypdesk.notes.sqlite.schema import SavedBriefRow, stored_text

SessionFactory = Callable[[], AbstractContextManager[Session]]


class SavedBriefs:
    """Create, read, replace and delete saved briefs (one transaction per call)."""

    def __init__(self, write: SessionFactory, read: SessionFactory, clock: Clock) -> None:
        self._write = write
        self._read = read
        self._clock = clock

    def save(self, brief: SavedBrief) -> SavedBrief:
        """Store ``brief`` under its name, replacing a brief of the same name.

        Raises:
            NotesError: an empty name, or options that are not plain JSON values.
        """
        if not brief.name.strip():
            raise NotesError("a saved brief needs a name")
        try:
            options = json.dumps(dict(brief.options), ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise NotesError(f"brief options must be plain JSON values: {exc}") from exc
        with self._write() as session:
            row = session.get(SavedBriefRow, brief.name)
            if row is None:
                row = SavedBriefRow(name=brief.name)
                session.add(row)
            row.title = brief.title
            row.subtitle = brief.subtitle
            row.author = brief.author
            row.organisation = brief.organisation
            row.meeting_date = (
                None if brief.meeting_date is None else brief.meeting_date.isoformat()
            )
            row.marking = brief.marking
            row.paper = brief.paper
            check_pack_id(brief.pack)
            row.pack_id = brief.pack
            row.scope = json.dumps(list(brief.scope), ensure_ascii=False)
            row.options = options
            row.updated = self._clock()
        return self.get(brief.name)

    def get(self, name: str) -> SavedBrief:
        """One saved brief.

        Raises:
            NotesError: no brief has that name.
        """
        with self._read() as session:
            row = session.get(SavedBriefRow, name)
            if row is None:
                raise NotesError(f"no saved brief named {name!r}")
            return _brief(row)

    def all(self) -> tuple[SavedBrief, ...]:
        """Every saved brief, by name."""
        with self._read() as session:
            return tuple(_brief(row) for row in _rows(session))

    def delete(self, name: str) -> None:
        """Remove a saved brief.

        Raises:
            NotesError: no brief has that name.
        """
        with self._write() as session:
            row = session.get(SavedBriefRow, name)
            if row is None:
                raise NotesError(f"no saved brief named {name!r}")
            session.delete(row)


def _rows(session: Session) -> Iterator[SavedBriefRow]:
    yield from session.scalars(select(SavedBriefRow).order_by(SavedBriefRow.name))


def _brief(row: SavedBriefRow) -> SavedBrief:
    # A damaged or crafted row reads as much of the brief as makes sense, never an exception:
    # the brief is the user's settings, and every command that lists briefs must still work.
    options = _json(row.options)
    scope = _json(row.scope)
    return SavedBrief(
        name=stored_text(row.name),
        title=stored_text(row.title),
        subtitle=stored_text(row.subtitle),
        author=stored_text(row.author),
        organisation=stored_text(row.organisation),
        meeting_date=_date(row.meeting_date),
        marking=stored_text(row.marking),
        paper=stored_text(row.paper),
        scope=tuple(s for s in scope if isinstance(s, str)) if isinstance(scope, list) else (),
        options=options if isinstance(options, dict) else {},
        pack=stored_text(row.pack_id),
    )


def _json(value: object) -> object:
    try:
        return json.loads(stored_text(value))
    except (ValueError, RecursionError):
        return None


def _date(value: object) -> date | None:
    try:
        return None if value is None else date.fromisoformat(stored_text(value))
    except ValueError:
        return None
