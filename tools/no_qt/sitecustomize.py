"""Makes Qt unimportable in every Python process started with this folder on ``PYTHONPATH``.

``tools/pytest_without_qt.py`` puts it there, so that the commands the core's tests start as
subprocesses (``python -m fypdesk ...``) run without Qt too, not only the test process itself.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

#: Qt and the pytest plugin that drives it.
BLOCKED = frozenset({"PySide6", "shiboken6", "pytestqt"})


class NoQt(importlib.abc.MetaPathFinder):
    """Refuses the blocked packages as if they were not installed."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {fullname!r} (Qt-less run)", name=fullname)
        return None


if not any(isinstance(finder, NoQt) for finder in sys.meta_path):
    sys.meta_path.insert(0, NoQt())
