"""Defects of the Qt binding that would crash the app, guarded against a careless upgrade."""

from __future__ import annotations

import sys

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot


def test_empty_qt_values_do_not_leak_references_to_none(qtbot: QtBot) -> None:
    # PySide6 6.12.0 on CPython 3.11 dropped a reference to None for every empty QVariant that
    # crossed into Python, until the interpreter aborted ("none_dealloc: deallocating None").
    model = QStandardItemModel()
    model.appendRow(QStandardItem("x"))
    index = model.index(0, 0)
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.addItem("no data")
    before = sys.getrefcount(None)
    for _ in range(500):
        model.data(index, 300)
        combo.currentData()
    assert abs(sys.getrefcount(None) - before) < 50
