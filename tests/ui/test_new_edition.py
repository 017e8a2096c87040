"""The window tells once, after a new edition is installed, what it changed for the user's notes."""

from __future__ import annotations

from pathlib import Path

from fypdesk.content.identity import current_version
from fypdesk.content.repository import ContentRepository
from fypdesk.ui.app import tell_about_new_edition
from fypdesk.ui.common.settings import UiSettings
from tests.example_packs import build_examplia
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import FakeDialogs

REWORDED = "fog-energy"
RENUMBERED = "sky-rail/targets/new-stations"
DROPPED = "fog-energy/objectives/research-institutes"
UNCHANGED = "sky-rail"


def test_a_new_edition_is_told_once_with_what_it_changed(tmp_path: Path) -> None:
    notes = InMemoryNotes()
    settings = UiSettings(None)
    dialogs = FakeDialogs()
    first = ContentRepository.open(build_examplia(tmp_path, 1))
    try:
        for node in (REWORDED, RENUMBERED, DROPPED, UNCHANGED, RENUMBERED):
            notes.add_note(node, f"on {node}", version=current_version(first, "2026-03.1", node))
        # The edition the notes were written in: nothing to tell, and not again.
        assert tell_about_new_edition(notes, first, dialogs, settings) is None
    finally:
        first.close()
    second = ContentRepository.open(build_examplia(tmp_path, 2))
    try:
        message = tell_about_new_edition(notes, second, dialogs, settings)
        assert message is not None
        assert message.startswith(
            "Edition 2026-03.2 of Examplia Imaginary Industries Plan 2026-2030 changed 2"
            " annotated items, 1 note detached."
        )
        assert [title for title, _text in dialogs.infos] == [
            "A new edition of Examplia Imaginary Industries Plan 2026-2030"
        ]
        assert tell_about_new_edition(notes, second, dialogs, settings) is None  # once
        assert len(dialogs.infos) == 1
    finally:
        second.close()
