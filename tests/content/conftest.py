"""Fixtures for the content tests: the authored source and the committed database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk.content.repository import ContentRepository
from fypdesk.content.source import AuthoredContent, load_source
from tests.conftest import CONTENT_DB, SOURCE_DIR


@pytest.fixture(scope="session")
def authored() -> AuthoredContent:
    """The validated authored source."""
    return load_source(SOURCE_DIR)


@pytest.fixture(scope="session")
def source_text() -> str:
    """The source briefing as shipped beside the authored data."""
    return (SOURCE_DIR / "source.txt").read_text(encoding="utf-8")


@pytest.fixture
def content() -> Iterator[ContentRepository]:
    """The committed content database, opened as the app opens it."""
    repository = ContentRepository.open(CONTENT_DB)
    yield repository
    repository.close()


def copy_source(tmp_path: Path) -> Path:
    """A writable copy of the authored source, for tests that break it."""
    import shutil

    target = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, target)
    return target
