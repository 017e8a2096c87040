"""Run the tests of the Qt-free core with PySide6 made unimportable (``make test`` does).

The core (domain, content, notes, export, cli) must work where Qt is absent or broken: a server
sync job, a publisher's build machine. Import-linter proves no module *names* Qt; this run proves
that nothing reaches it at run time either (a lazy import, a plugin, a helper shared with the
window). Any arguments are passed on to pytest.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

#: Qt and the pytest plugin that drives it.
BLOCKED = frozenset({"PySide6", "shiboken6", "pytestqt"})
#: Every test folder that is not about the window.
CORE_TESTS = (
    "tests/domain",
    "tests/content",
    "tests/notes",
    "tests/cli",
    "tests/export",
    "tests/test_fts.py",
)


class _NoQt(importlib.abc.MetaPathFinder):
    """Refuses the blocked packages as if they were not installed."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {fullname!r} (Qt-less run)", name=fullname)
        return None


def main(argv: Sequence[str]) -> int:
    """Run pytest over :data:`CORE_TESTS` with Qt blocked; its exit status."""
    sys.meta_path.insert(0, _NoQt())
    import pytest

    options = ["-p", "no:pytest-qt", "-q"]
    # The suite's settings name the Qt plugin and its options (qt_api...); without the plugin
    # they are unknown, which --strict-config and the warnings-are-errors filter would refuse.
    options += ["-o", "required_plugins=hypothesis>=6.100", "-o", "addopts=--strict-markers -ra"]
    options += ["-W", "ignore:Unknown config option:pytest.PytestConfigWarning"]
    return int(pytest.main([*options, *argv, *CORE_TESTS]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
