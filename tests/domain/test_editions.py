"""A note's state against a new edition: current, changed (words or numbers), detached."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import NodeDetail
from fypdesk.domain.editions import NoteState, annotated_text, item_version, note_state
from fypdesk.domain.notes import Note, node_text_hash
from tests.conftest import CONTENT_DB

TARGET = "ict/targets/5g-usage-rate"
WHEN = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def detail() -> Iterator[NodeDetail]:
    content = ContentRepository.open(CONTENT_DB)
    try:
        yield content.detail(TARGET)
    finally:
        content.close()


def _note(
    *, node_hash: str | None = None, edition: str | None = None, annotated_text: str | None = None
) -> Note:
    uuid = "0" * 8 + "-0000-4000-8000-" + "0" * 12
    note = Note(uuid, TARGET, "n", (), WHEN, WHEN, node_hash)
    return replace(note, edition=edition, annotated_text=annotated_text)


def test_the_annotated_text_holds_the_words_and_every_number(detail: NodeDetail) -> None:
    text = annotated_text(detail)
    assert text.splitlines()[0] == detail.node.title
    quantity = detail.quantity or detail.quantities[0]
    assert f"{quantity.indicator}:" in text
    assert "56" in text  # the target value, as a number (not as the app formats it)


def test_a_note_is_current_until_the_words_or_the_numbers_change(detail: NodeDetail) -> None:
    version = item_version(detail, "2021-12.1")
    note = _note(annotated_text=version.text, node_hash=version.node_hash, edition="2021-12.1")
    assert note_state(note, version) is NoteState.CURRENT

    reworded = replace(detail, node=replace(detail.node, title=detail.node.title + " (revised)"))
    assert note_state(note, item_version(reworded, "2022.1")) is NoteState.CHANGED

    quantity = detail.quantity or detail.quantities[0]
    renumbered_quantity = replace(quantity, value=quantity.value + 1)
    if detail.quantity is not None:
        renumbered = replace(detail, quantity=renumbered_quantity)
    else:
        renumbered = replace(detail, quantities=(renumbered_quantity, *detail.quantities[1:]))
    assert renumbered.node == detail.node  # the same words...
    assert (
        note_state(note, item_version(renumbered, "2022.1")) is NoteState.CHANGED
    )  # ...new number

    assert note_state(note, None) is NoteState.DETACHED


def test_a_note_of_the_first_release_compares_its_fingerprint(detail: NodeDetail) -> None:
    node = detail.node
    legacy = _note(node_hash=node_text_hash(node.title, node.text, node.source))
    assert note_state(legacy, item_version(detail, "x")) is NoteState.CURRENT
    assert note_state(_note(node_hash="f" * 64), item_version(detail, "x")) is NoteState.CHANGED
    assert note_state(_note(), item_version(detail, "x")) is NoteState.CURRENT  # nothing known
