"""Constants and a fake clock shared by the notes tests (imported, unlike conftest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

CONTENT_DB = Path(__file__).resolve().parents[2] / "data" / "fyp.db"

#: Real ids from the bundled content.
TARGET_ID = "ict/targets/5g-usage-rate"
PLAN_ID = "ict"
OTHER_PLAN_NODE = "integration/targets/digitalisation-penetration"


class FakeClock:
    """A clock that moves only when told to, plus one ``tick`` per reading (so times differ)."""

    def __init__(self, start: datetime | None = None, tick: timedelta = timedelta(seconds=1)):
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        self.tick = tick

    def __call__(self) -> datetime:
        self.now += self.tick
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Jump forward."""
        self.now += delta
