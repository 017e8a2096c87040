"""Upkeep of the notes database that saves leave for idle time: search index merges and WAL
checkpoints.

Every save adds a small segment to each FTS5 index and appends pages to the write-ahead log.
Left to themselves, FTS5 merges segments and SQLite checkpoints the log inside the commit of
whichever save happens to cross a threshold: FTS5 after every 64 index pages written (then 64
pages of merging per level of the index: 256 pages in a 100,000-note store), SQLite when the log
passes 1,000 pages. Those saves took 20-60 ms instead of 3-5 ms.

So the store makes saves do little of it, and :class:`Upkeep` does the rest a few milliseconds at
a time: the window runs it while the user is idle (``fypdesk.ui.notes_store_adapter``), and the
repository at close.

- :func:`configure_search` raises FTS5's ``automerge`` threshold from 4 to :data:`AUTOMERGE`
  segments per level and ``crisismerge`` from 16 to :data:`CRISISMERGE`. The upkeep's merges keep
  every level below FTS5's ``usermerge`` (4) segments, so saves rarely start a merge. Automerge
  stays on: a store that is never idle (a long burst of typing, a batch of commands) still merges
  in bounded incremental steps, instead of piling up segments until a crisis merge rewrites a
  whole level at once (with merges off, one save in 2,000 stalled for 3.8 s).
- The upkeep checkpoints the log (``PASSIVE``: it never waits for readers or writers) after the
  saves of each busy spell and every :data:`CHECKPOINT_PAGES` pages of merging, so a save rarely
  finds the log past SQLite's ``wal_autocheckpoint`` (1,000 pages), which stays as the bound for
  a store that is never idle.

Durability is unchanged: each merge is a short transaction committed with the same
``synchronous=FULL`` as every save; merges and checkpoints move data without changing it (the
search indexes' ``integrity-check`` passes after any step).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from fypdesk.notes.sqlite.schema import FTS_TABLES

#: Segments on one level of an index before a save merges them (FTS5: 4 by default, 64 at most).
AUTOMERGE = 16
#: Segments on one level before FTS5 merges the whole level at once, however large (default 16).
CRISISMERGE = 64

#: Index pages one ``merge`` command writes; a merge step runs as many as its time allows.
MERGE_PAGES = 16
#: Time a merge step spends merging before it commits.
STEP_SECONDS = 0.005
#: Index pages merged between two checkpoints: keeps each checkpoint step short.
CHECKPOINT_PAGES = 256
#: The window starts the upkeep after this long without a write ...
IDLE_DELAY_SECONDS = 2.0
#: ... and leaves this long between steps, for the events that arrived during one.
STEP_GAP_SECONDS = 0.010
#: Upkeep when the store closes after writes, or before a backup taken from the window.
CLOSE_SECONDS = 0.25

_SETTINGS = {"automerge": AUTOMERGE, "crisismerge": CRISISMERGE}
MERGE = "merge"
CHECKPOINT = "checkpoint"


@dataclass(frozen=True, slots=True)
class MaintenanceStep:
    """What one step of :class:`Upkeep` did.

    Attributes:
        kind: :data:`MERGE` (index segments merged in one transaction) or :data:`CHECKPOINT`.
        merges: ``merge`` commands that found work.
        more: another step should follow (merge work left, or a checkpoint due).
        log_pages: pages in the write-ahead log when a checkpoint ran (0 for a merge step).
        busy: another connection held the write lock, or a reader kept the checkpoint from
            copying the whole log; the upkeep waits for the next idle spell.
        seconds: how long the step took.
    """

    kind: str
    merges: int
    more: bool
    log_pages: int
    busy: bool
    seconds: float


class Upkeep:
    """The idle-time upkeep of one store, one bounded step at a time.

    It knows what is left from what it did: after :meth:`wrote` (a save: a new index segment,
    more log) it merges until FTS5 finds nothing to merge, then checkpoints. It holds no
    connection; each step is given one.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.perf_counter,
        *,
        merge_pages: int = MERGE_PAGES,
        checkpoint_pages: int = CHECKPOINT_PAGES,
    ) -> None:
        self._clock = clock
        self._merge_pages = merge_pages
        self._checkpoint_pages = checkpoint_pages
        # At open, nothing is known: a previous session may have left work.
        self._merging = True
        self._log_dirty = True
        self._merged_pages = 0

    @property
    def pending(self) -> bool:
        """Whether a step would have something to do."""
        return self._merging or self._log_dirty

    def wrote(self) -> None:
        """A write committed: its segment may complete a level, its pages are in the log."""
        self._merging = True
        self._log_dirty = True

    def step(
        self, connection: sqlite3.Connection, seconds: float = STEP_SECONDS
    ) -> MaintenanceStep:
        """Merge for about ``seconds`` (at least one ``merge`` of :data:`MERGE_PAGES` pages per
        index with work) in one transaction, or checkpoint the log when one is due (after
        :data:`CHECKPOINT_PAGES` pages of merging, and when there is nothing left to merge).

        Never waits for a lock: when another connection is writing, nothing is done (``busy``).
        """
        start = self._clock()
        if self._merging and self._merged_pages < self._checkpoint_pages:
            merged = _merge(connection, self._merge_pages, start + seconds, self._clock)
            if merged is None:
                return MaintenanceStep(MERGE, 0, False, 0, True, self._clock() - start)
            merges, self._merging = merged
            self._merged_pages += merges * self._merge_pages
            self._log_dirty = self._log_dirty or merges > 0
            return MaintenanceStep(MERGE, merges, self.pending, 0, False, self._clock() - start)
        if not self._log_dirty:  # merges found nothing, and the log was copied before
            return MaintenanceStep(CHECKPOINT, 0, False, 0, False, self._clock() - start)
        busy, log_pages, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        incomplete = bool(busy) or int(copied) < int(log_pages)
        self._log_dirty = incomplete
        self._merged_pages = 0
        return MaintenanceStep(
            CHECKPOINT,
            0,
            self._merging and not incomplete,
            max(0, int(log_pages)),
            incomplete,
            self._clock() - start,
        )


def _merge(
    connection: sqlite3.Connection, pages: int, deadline: float, clock: Callable[[], float]
) -> tuple[int, bool] | None:
    """``merge`` commands of ``pages`` pages, in one transaction, until ``deadline`` or until no
    index has work: ``(commands that merged, work left)``, or ``None`` if the lock was taken."""
    pending = list(FTS_TABLES)
    merges = 0
    (timeout,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute("PRAGMA busy_timeout=0")  # a save is writing: try again later
    try:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode == sqlite3.SQLITE_BUSY:
                return None
            raise
        try:
            while pending:
                for table in tuple(pending):
                    before = connection.total_changes
                    connection.execute(
                        f"INSERT INTO {table}({table}, rank) VALUES ('merge', ?)", (pages,)
                    )
                    # FTS5's documented test: fewer than two changes means nothing was merged.
                    if connection.total_changes - before < 2:
                        pending.remove(table)
                    else:
                        merges += 1
                if clock() >= deadline:
                    break
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(timeout)}")
    return merges, bool(pending)


def catch_up(
    run_step: Callable[[], MaintenanceStep],
    seconds: float,
    clock: Callable[[], float] = time.perf_counter,
) -> list[MaintenanceStep]:
    """Steps one after another until nothing is left, the store is busy, or ``seconds`` have
    passed (at close, and before a backup); the steps taken."""
    start = clock()
    steps = [run_step()]
    while steps[-1].more and clock() - start < seconds:
        steps.append(run_step())
    return steps


def configure_search(connection: sqlite3.Connection) -> bool:
    """Store the merge thresholds in both search indexes (FTS5 keeps them in the database);
    whether anything had to be written. A store configured before is not written to."""
    wanted = []
    for table in FTS_TABLES:
        stored = dict(connection.execute(f"SELECT k, v FROM {table}_config").fetchall())
        wanted += [(table, k, v) for k, v in _SETTINGS.items() if stored.get(k) != v]
    if not wanted:
        return False
    connection.execute("BEGIN IMMEDIATE")
    try:
        for table, key, value in wanted:
            connection.execute(
                f"INSERT INTO {table}({table}, rank) VALUES (?, ?)",  # a setting, not a row
                (key, value),
            )
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return True


def segment_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """How many segments each search index has (a query reads each; a save adds one)."""
    counts = {}
    for table in FTS_TABLES:
        (count,) = connection.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx").fetchone()
        counts[table] = int(count)
    return counts
