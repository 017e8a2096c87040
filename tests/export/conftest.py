"""Fixtures for brief export: the real bundled content, the user's hostile annotations, and a
private (initially empty) data folder for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk.cli.export_command import load_content
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import Annotations
from fypdesk.export.compose import BriefContent
from tests.export.brief_samples import CONTENT_DB, hostile_notes


@pytest.fixture(autouse=True)
def _private_notes(data_dir: Path) -> Path:
    """Every export test gets an empty data folder: ``export`` reads the user's notes store, and a
    test must neither see the developer's own notes nor depend on them."""
    return data_dir


@pytest.fixture(scope="session")
def content() -> Iterator[BriefContent]:
    """The bundled briefing, read once for the session (read-only)."""
    repository = ContentRepository.open(CONTENT_DB)
    try:
        yield load_content(repository)
    finally:
        repository.close()


@pytest.fixture
def user_annotations() -> Annotations:
    """The hostile notes, plus stars on a target and a whole section."""
    return Annotations(
        notes=hostile_notes(),
        starred=frozenset({"skills/targets/high-skilled-workers", "big-data/achievements"}),
    )
