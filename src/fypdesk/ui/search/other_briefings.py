"""Search as you type in the library's other briefings, off the GUI thread.

The open briefing answers a keystroke at once (the popup's own query); the other briefings are
searched on one worker thread, and their hits join the list when they are in. The worker
searches the library's one index (:mod:`fypdesk.content.library_index`), brought up to date
when the window opens; where it cannot be made (a read-only cache folder) it asks each pack in
turn, opened on its first search and then kept, and a newer keystroke abandons an older search
between two packs. A pack that cannot be opened is skipped with no message: the navigator lists
it and says what is wrong when it is opened.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from fypdesk.content.identity import BriefingChoice
from fypdesk.content.library_index import LibraryIndex, LibraryIndexError
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import SearchHit
from fypdesk.domain.errors import ContentUnavailableError, FypdeskError

#: Hits asked of each other briefing, and shown from all of them together.
HITS_PER_BRIEFING = 5
HITS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class BriefingHit:
    """A hit in another briefing of the library."""

    briefing: BriefingChoice
    hit: SearchHit


class _Signals(QObject):
    finished = Signal(int, str, object)  # generation, query, tuple[BriefingHit, ...]


class OtherBriefingsSearch(QObject):
    """Searches the library's ``briefings`` but the open one (pack ``exclude``) for the latest
    query; ``results_ready(query, hits)`` says what it found (the best :data:`HITS_SHOWN`, by
    rank), for the latest query only. The library's index is brought up to date by
    :meth:`prepare` or the first search."""

    results_ready = Signal(str, object)  # query, tuple[BriefingHit, ...]

    def __init__(
        self,
        briefings: Sequence[BriefingChoice],
        exclude: str,
        parent: QObject | None = None,
        *,
        index: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = {b.id: b for b in briefings}
        self._exclude = exclude
        self._briefings = tuple(b for b in briefings if b.id != exclude)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # the index and repositories: used by one thread only
        self._repositories: dict[str, ContentRepository | None] = {}
        self._index: LibraryIndex | None = None
        self._index_path = index
        self._prepared = False
        self._closing = threading.Event()
        # The latest query's number, read by the worker between packs: a newer one stops it.
        self._generation = 0
        self._lock = threading.Lock()
        self._signals = _Signals(self)
        self._signals.finished.connect(self._on_job_finished)

    def prepare(self) -> None:
        """Bring the library's index up to date now, on the worker thread (the window asks
        once it has painted: a thread started before would compete with its start for the
        interpreter); the first search does it otherwise."""
        if not self._prepared and self._briefings:
            self._prepared = True
            self._pool.start(_Prepare(self, self._index_path))

    @property
    def briefings(self) -> tuple[BriefingChoice, ...]:
        """The briefings searched."""
        return self._briefings

    def search(self, query: str) -> None:
        """Search for ``query`` (an empty one only cancels the search running)."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        if query.strip() and self._briefings:
            self.prepare()  # queued first: the one worker runs jobs in order
            self._pool.start(_Job(self, generation, query))

    def wait(self) -> None:
        """Wait for the search running (for tests and benchmarks, and before closing)."""
        self._pool.waitForDone()

    def close(self) -> None:
        """Stop searching (an index being brought up to date stops after the pack it is at)
        and close every pack opened."""
        self._closing.set()
        self.search("")
        self._pool.waitForDone()
        for repository in self._repositories.values():
            if repository is not None:
                repository.close()
        self._repositories.clear()
        if self._index is not None:
            self._index.close()
            self._index = None

    @property
    def indexed(self) -> bool:
        """Whether the library's index answers (bringing it up to date first if need be)."""
        self.prepare()
        self._pool.waitForDone()
        return self._index is not None

    # -- on the worker thread ----------------------------------------------------------------

    def _is_latest(self, generation: int) -> bool:
        with self._lock:
            return self._generation == generation

    def _prepare(self, path: Path | None) -> None:
        try:
            index = LibraryIndex.open(path)
        except LibraryIndexError:
            return
        try:
            index.sync([(b.id, b.path) for b in self._library.values()], self._closing.is_set)
        except LibraryIndexError:
            index.close()
            return
        self._index = index

    def _run(self, generation: int, query: str) -> None:
        if self._index is not None:
            try:
                hits = self._index.search(query, HITS_SHOWN, exclude=self._exclude)
            except sqlite3.Error:  # damaged since it was opened: each pack in turn, from now on
                self._index.close()
                self._index = None
            else:
                indexed = tuple(
                    BriefingHit(self._library[h.pack], h.hit)
                    for h in hits
                    if h.pack in self._library
                )
                self._signals.finished.emit(generation, query, indexed)
                return
        found: list[BriefingHit] = []
        for briefing in self._briefings:
            if not self._is_latest(generation):
                return
            repository = self._repository(briefing)
            if repository is not None:
                own = repository.search(query, limit=HITS_PER_BRIEFING)
                found += (BriefingHit(briefing, hit) for hit in own)
        # bm25 ranks of different packs are not strictly comparable, but close enough to put a
        # title match in one briefing before a passing mention in another.
        best = sorted(found, key=lambda h: h.hit.rank)[:HITS_SHOWN]
        self._signals.finished.emit(generation, query, tuple(best))

    def _repository(self, briefing: BriefingChoice) -> ContentRepository | None:
        if briefing.id not in self._repositories:
            try:
                self._repositories[briefing.id] = ContentRepository.open(briefing.path)
            except ContentUnavailableError:
                self._repositories[briefing.id] = None
        return self._repositories[briefing.id]

    # -- back on the GUI thread --------------------------------------------------------------

    def _on_job_finished(self, generation: int, query: str, hits: object) -> None:
        if generation == self._generation and isinstance(hits, tuple):
            self.results_ready.emit(query, hits)


class _Prepare(QRunnable):
    def __init__(self, search: OtherBriefingsSearch, index: Path | None) -> None:
        super().__init__()
        self._search, self._path = search, index

    def run(self) -> None:
        self._search._prepare(self._path)


class _Job(QRunnable):
    def __init__(self, search: OtherBriefingsSearch, generation: int, query: str) -> None:
        super().__init__()
        self._search, self._generation, self._query = search, generation, query

    def run(self) -> None:
        # A pack that fails while it is read (replaced or damaged since it was opened) ends
        # this search: its hits are not shown, the open briefing's still are.
        with contextlib.suppress(sqlite3.Error, FypdeskError):
            self._search._run(self._generation, self._query)
