"""Custom item-data roles shared by the window's table models."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt


class ItemRoles(IntEnum):
    """``ROW``: the row's domain object; ``SORT_KEY``: a typed key to sort on (never the text)."""

    ROW = Qt.ItemDataRole.UserRole
    SORT_KEY = Qt.ItemDataRole.UserRole + 1
