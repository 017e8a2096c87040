"""The composition root of the command line: :class:`CommandContext`.

One is built from the parsed arguments for each command. It is the only place that turns
``--content`` and ``--data-dir`` into paths and opens the content and the notes, each at most once
per command, and closes them when the command ends. Handlers ask it for what they need.

The notes store (SQLAlchemy, Alembic) is imported only when a handler asks for it: ``fypdesk
targets`` must not pay for the notes machinery, nor ``fypdesk export`` when the fast snapshot
reader can serve it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from fypdesk import paths
from fypdesk.cli import output
from fypdesk.cli.scope import PackScope
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import RecoveryReport
from fypdesk.notes.interface import LibraryNotesReader

if TYPE_CHECKING:
    from fypdesk.content.library import Library
    from fypdesk.notes.sqlite.backend import SqliteNotes


class CommandContext:
    """What one command works on.

    Attributes:
        args: The parsed command line.
        content_path: The content database of ``--content``, or the bundled one.
        notes_path: The notes database in ``--data-dir`` / ``$FYPDESK_DATA_DIR`` / the user's
            data folder (computed from paths alone: asking must not import SQLAlchemy).
        library_path: The library of installed packs, beside the notes.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        content: Path | None = getattr(args, "content", None)
        self.content_path = content if content is not None else paths.bundled_content_path()
        self.scope = PackScope(content, getattr(args, "pack", None), self.library)
        data_dir: Path | None = getattr(args, "data_dir", None)
        self.notes_path = paths.notes_db_path(data_dir)
        self.library_path = paths.library_dir(data_dir)
        self._library: Library | None = None
        self._notes: SqliteNotes | None = None
        self._notes_read_only = False

    def __enter__(self) -> CommandContext:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close whatever the command opened (the notes first: they may tidy up at close)."""
        notes, self._notes = self._notes, None
        try:
            if notes is not None:
                notes.close()
        finally:
            self.scope.close()

    def content(self) -> ContentRepository:
        """The content of the one briefing a single-briefing command reads (``--content``'s
        file, ``--pack``'s pack, or the library's only pack), opened (and checked) on first use.

        Raises:
            ContentUnavailableError: it is missing, damaged or not a content database.
            FypdeskError: several briefings are installed and none was chosen.
        """
        return self.scope.one().content

    def library(self) -> Library:
        """The user's library: the bundled pack and the packs installed in :attr:`library_path`,
        listed on first use from each pack's manifest alone (a damaged pack is one of its
        ``problems()``, not an error). Nothing is created by listing."""
        if self._library is None:
            from fypdesk.content.library import Library

            self._library = Library.open(self.library_path, paths.bundled_content_path())
        return self._library

    def notes(self, *, read_only: bool = False, auto_backup: bool = True) -> SqliteNotes:
        """The user's notes store, created if missing, repaired and migrated as needed; a repair
        is reported on stderr. Opened once: a command that reads first and writes later asks for
        a writable store both times.

        Args:
            read_only: The command only reads: on a full disk the notes can still be read.
            auto_backup: Take the automatic backup at open (``backup`` takes its own).

        Raises:
            NotesUnavailableError: the store cannot be opened.
        """
        if self._notes is not None and self._notes_read_only and not read_only:
            raise RuntimeError("the notes were opened read-only for this command")
        if self._notes is None:
            from fypdesk.notes.sqlite.backend import SqliteNotes

            self._notes = SqliteNotes.open(
                self.notes_path,
                on_recovery=_report_recovery,
                auto_backup=auto_backup,
                read_only=read_only,
            )
            self._notes_read_only = read_only
        return self._notes

    def existing_notes(self) -> SqliteNotes | None:
        """The notes store opened to read, or ``None`` when there is none yet: a user who never
        wrote a note must not find an empty database, and a data folder, left behind by reading
        (``export``, ``briefs``)."""
        if self._notes is None and not self.notes_path.exists():
            return None
        return self.notes(read_only=True)

    def notes_to_read(self) -> LibraryNotesReader | None:
        """The notes and stars as a brief reads them; ``None`` without a notes database.

        Read directly with ``sqlite3`` (:mod:`fypdesk.notes.sqlite.reader`: no SQLAlchemy or
        Alembic to import) whenever opening the full store would only have read them; otherwise
        (another schema revision, damage, a backup due, any error) the full store opens, and
        migrates, repairs, backs up or explains as every notes command does. A store this
        command has opened already is used as it is.
        """
        if self._notes is not None:
            return self._notes
        from fypdesk.notes.sqlite.reader import SnapshotUnavailableError, read_snapshot

        try:
            return read_snapshot(self.notes_path)
        except SnapshotUnavailableError:
            return self.existing_notes()


def _report_recovery(report: RecoveryReport) -> None:
    if sys.stderr is not None:
        print(f"fypdesk: warning: {output.visible(report.message())}", file=sys.stderr)
