"""Shared fixtures for the notes store tests: a fake clock, a store in the odd-named data folder,
and the bundled content database (read only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk.content.repository import ContentRepository
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import open_notes
from fypdesk.paths import notes_db_path

from .helpers import CONTENT_DB, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A controllable clock starting on Monday 2 March 2026."""
    return FakeClock()


@pytest.fixture
def db_path(data_dir: Path) -> Path:
    """The notes database path inside the awkwardly named data folder."""
    return notes_db_path(data_dir)


@pytest.fixture
def repo(db_path: Path, clock: FakeClock) -> Iterator[NotesRepository]:
    """An open, empty notes store."""
    repository = open_notes(db_path, clock=clock)
    yield repository
    repository.close()


@pytest.fixture(scope="session")
def content() -> Iterator[ContentRepository]:
    """The bundled content database, opened read-only."""
    repository = ContentRepository.open(CONTENT_DB)
    yield repository
    repository.close()
