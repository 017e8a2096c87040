"""``after_first_paint``: work run once a window is on screen (the notes, the outline)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from fypdesk.ui.common import first_paint


def test_runs_once_after_the_first_paint(qtbot: QtBot) -> None:
    label = QLabel("fypdesk")
    qtbot.addWidget(label)
    calls: list[bool] = []
    first_paint.after_first_paint(label, lambda: calls.append(label.isVisible()))
    qtbot.wait(50)
    assert calls == []  # not shown, not painted: nothing yet
    label.show()
    qtbot.waitUntil(lambda: calls == [True])
    label.setText("painted again")
    label.repaint()
    qtbot.wait(50)
    assert calls == [True]


def test_a_window_never_painted_gets_it_after_a_while(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_paint, "FIRST_PAINT_FALLBACK_MS", 20)
    label = QLabel("hidden")
    qtbot.addWidget(label)
    calls: list[str] = []
    first_paint.after_first_paint(label, lambda: calls.append("opened"))
    qtbot.waitUntil(lambda: calls == ["opened"])
    label.show()
    qtbot.waitExposed(label)
    qtbot.wait(50)
    assert calls == ["opened"]  # the first paint does not run it a second time
