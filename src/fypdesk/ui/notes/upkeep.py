"""The notes store's upkeep, run while the user is idle: :class:`IdleMaintenance`.

Saves leave search-index merges and log checkpoints for later
(:mod:`fypdesk.notes.sqlite.maintenance`); this runs them in short steps on the GUI thread's
event loop when nobody is typing. :func:`keep_tidy` wires it to an open store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from fypdesk.domain.notes import NotesError
from fypdesk.notes.sqlite import maintenance
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.notes.sqlite.maintenance import MaintenanceStep

_log = logging.getLogger(__name__)

#: No write for this long, and the upkeep starts.
IDLE_DELAY_MS = round(maintenance.IDLE_DELAY_SECONDS * 1000)
#: Between two steps of upkeep: the events that came in during a step are handled first.
STEP_GAP_MS = round(maintenance.STEP_GAP_SECONDS * 1000)


class IdleMaintenance(QObject):
    """Runs a store's upkeep while the user is idle: :data:`IDLE_DELAY_MS` after the last write,
    one bounded step at a time (a few milliseconds each), :data:`STEP_GAP_MS` apart so that
    input is handled between steps, until nothing is left. Every write puts it off again.

    Signals:
        stepped: a step was taken (the :class:`~fypdesk.notes.sqlite.maintenance.MaintenanceStep`).
        caught_up: nothing is left to do (or the store is busy: it waits for the next write).

    Args:
        run_step: Takes one step (the store's ``maintain``).
        idle_delay_ms: How long without writes counts as idle.
    """

    stepped = Signal(object)
    caught_up = Signal()
    #: Writes may come from a worker thread; the signal brings them to this object's thread.
    _write_seen = Signal()

    def __init__(
        self,
        run_step: Callable[[], MaintenanceStep],
        idle_delay_ms: int = IDLE_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._run_step = run_step
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_delay_ms)
        self._idle.timeout.connect(self._on_timer_timeout)
        self._next = QTimer(self)
        self._next.setSingleShot(True)
        self._next.setInterval(STEP_GAP_MS)
        self._next.timeout.connect(self._on_timer_timeout)
        self._write_seen.connect(self._on_write_seen)
        self._stopped = False

    @property
    def active(self) -> bool:
        """Whether a step is due: waiting for the user to be idle, or between two steps."""
        return self._idle.isActive() or self._next.isActive()

    def postpone(self) -> None:
        """A write happened: wait for the user to be idle again (callable from any thread)."""
        self._write_seen.emit()

    def stop(self) -> None:
        """No more steps, whatever comes (the store is closing)."""
        self._stopped = True
        self._idle.stop()
        self._next.stop()

    def _on_write_seen(self) -> None:
        if self._stopped:  # a write queued from a worker before the store closed
            return
        self._next.stop()
        self._idle.start()

    def _on_timer_timeout(self) -> None:
        try:
            step = self._run_step()
        except NotesError as exc:  # a full disk, say: saves will report it; upkeep can wait
            _log.warning("notes upkeep stopped: %s", exc)
            self.caught_up.emit()
            return
        self.stepped.emit(step)
        if step.more:
            self._next.start()
        else:
            self.caught_up.emit()


def keep_tidy(store: SqliteNotes, idle_delay_ms: int = IDLE_DELAY_MS) -> IdleMaintenance | None:
    """Run ``store``'s upkeep whenever the user is idle (``None`` without a Qt application: then
    nobody is idle, and the upkeep runs when the store closes). It stops when the store closes.
    """
    if QCoreApplication.instance() is None:
        return None
    upkeep = IdleMaintenance(store.maintain, idle_delay_ms)
    store.add_write_listener(upkeep.postpone)
    store.add_close_listener(upkeep.stop)
    upkeep.postpone()  # work left by an earlier session is done when idle
    return upkeep
