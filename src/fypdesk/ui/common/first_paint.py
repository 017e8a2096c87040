"""Run something once a widget is on screen: work that must not delay the first paint."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: Run the callback anyway if the widget has not been painted this long after the call.
FIRST_PAINT_FALLBACK_MS = 2000


class _FirstPaintWatch(QObject):
    """Runs a callback once, after the watched widget's first paint has been processed."""

    def __init__(self, widget: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(widget)
        self._callback = callback
        self._fired = False
        widget.installEventFilter(self)
        # A window that is never painted (started minimised, covered) still gets the work done.
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and not self._fired:
            watched.removeEventFilter(self)
            # Queued: the paint this event starts is finished and shown first.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if not self._fired:
            self._fired = True
            self._callback()


def after_first_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` once ``widget`` has been painted for the first time (or after
    :data:`FIRST_PAINT_FALLBACK_MS` if it is not painted by then); never if it is destroyed."""
    _FirstPaintWatch(widget, callback)
