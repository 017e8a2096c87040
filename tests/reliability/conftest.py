"""Fault-injection suites: counts come from the ``SOAK`` knob, figures go to a table.

``make test`` runs the small counts (50 kills per crash case, 20 seeds per corruption case);
``SOAK=1`` (``make soak``) runs 1,000 kills and 200 seeds. Every suite records its figures with the
``figures`` fixture; they are printed at the end of the run and written to
``build/reliability/figures.json`` (the table in ``docs/reliability.md`` comes from there).
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

SOAK = os.environ.get("SOAK", "") not in {"", "0"}
#: SIGKILLs per crash case.
KILLS = 1000 if SOAK else 50
#: Random seeds per corruption case.
SEEDS = 200 if SOAK else 20
#: Hypothesis examples per property on a library call, and per property that runs commands (each
#: opens the notes store, ~0.1 s).
EXAMPLES = 2000 if SOAK else 150
CLI_EXAMPLES = 500 if SOAK else 40

FIGURES_FILE = REPO_ROOT / "build" / "reliability" / "figures.json"

_recorded: dict[str, dict[str, Any]] = {}


class Figures:
    """Figures of one run, by case name."""

    def record(self, case: str, **values: Any) -> None:
        """Store (or replace) the figures of ``case``."""
        _recorded[case] = values


@pytest.fixture(scope="session")
def figures() -> Iterator[Figures]:
    """Where the suites put their measurements; written out when the session ends."""
    yield Figures()
    if not _recorded:
        return
    FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "soak" if SOAK else "default",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "cases": _recorded,
    }
    FIGURES_FILE.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the figures of the suites that ran."""
    if not _recorded:
        return
    terminalreporter.section(f"reliability figures ({'soak' if SOAK else 'default'} counts)")
    for case, values in _recorded.items():
        shown = ", ".join(f"{key}={value}" for key, value in values.items())
        terminalreporter.write_line(f"{case}: {shown}")
