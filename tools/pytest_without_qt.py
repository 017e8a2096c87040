"""Run the tests of the Qt-free core with PySide6 made unimportable (``make test`` does).

The core (domain, content, notes, export, cli) must work where Qt is absent or broken: a server
sync job, a publisher's build machine. Import-linter proves no module *names* Qt; this run proves
that nothing reaches it at run time either (a lazy import, a plugin, a helper shared with the
window), in the test process and in the commands it starts (``tools/no_qt/sitecustomize.py``, put
on ``PYTHONPATH``). Any arguments are passed on to pytest.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

#: Holds the ``sitecustomize`` that blocks Qt in every process started from this one.
NO_QT = Path(__file__).resolve().parent / "no_qt"
#: Every test folder that is not about the window.
CORE_TESTS = (
    "tests/domain",
    "tests/content",
    "tests/notes",
    "tests/cli",
    "tests/export",
    "tests/test_fts.py",
)


def main(argv: Sequence[str]) -> int:
    """Run pytest over :data:`CORE_TESTS` with Qt blocked, here and in every subprocess."""
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(NO_QT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    # The blocker in this process too, before pytest; loaded by its path, as a Python that
    # already ran a sitecustomize of its own would not import another by that name.
    spec = importlib.util.spec_from_file_location("fypdesk_no_qt", NO_QT / "sitecustomize.py")
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    import pytest

    options = ["-p", "no:pytest-qt", "-q"]
    # The suite's settings name the Qt plugin and its options (qt_api...); without the plugin
    # they are unknown, which --strict-config and the warnings-are-errors filter would refuse.
    options += ["-o", "required_plugins=hypothesis>=6.100", "-o", "addopts=--strict-markers -ra"]
    options += ["-W", "ignore:Unknown config option:pytest.PytestConfigWarning"]
    return int(pytest.main([*options, *argv, *CORE_TESTS]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
