"""Every note as Markdown, grouped by plan (and by briefing, for a library):
``fypdesk notes export FILE.md``.

The text is escaped as the brief's Markdown is (:func:`fypdesk.export.markdown.escape`): a note,
a tag, a title or an imported node id displays exactly as written in any Markdown viewer. Raw
HTML, a remote image, a ``javascript:`` link, a line that would start a heading, and a bare
carriage return that would end the quote are all shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from fypdesk.domain.content import Node, PlanSummary
from fypdesk.domain.notes import Note, plan_of
from fypdesk.export.markdown import escape
from fypdesk.export.text import clean, one_line
from fypdesk.export.write import atomic_write
from fypdesk.notes.interface import NotesReader

_BACKTICKS = re.compile(r"`+")

#: How the time of an update or the export is shown.
_TIME_FORMAT = "%Y-%m-%d %H:%M UTC"


def render_notes_markdown(
    notes: Sequence[Note],
    *,
    plan_titles: Mapping[str, str],
    node_titles: Mapping[str, str],
    exported: datetime,
) -> str:
    """``notes`` as Markdown grouped by plan (in ``plan_titles`` order), each note's text shown
    exactly as written.

    Notes on nodes missing from ``node_titles`` are listed last, as detached.
    """
    lines = ["# fypdesk notes", "", f"Exported {exported.strftime(_TIME_FORMAT)}.", ""]
    lines += _pack_lines(notes, plan_titles, node_titles, level=2)
    return "\n".join(lines).rstrip("\n") + "\n"


@dataclass(frozen=True, slots=True)
class BriefingNotes:
    """The notes of one briefing of the library, with its titles (a briefing not installed
    has ``title`` ``None`` and no titles: its notes are listed as detached)."""

    pack: str
    title: str | None
    notes: Sequence[Note]
    plan_titles: Mapping[str, str]
    node_titles: Mapping[str, str]


def render_library_notes_markdown(briefings: Sequence[BriefingNotes], exported: datetime) -> str:
    """The notes of several briefings, a section per briefing (in the order given), each
    grouped by plan as :func:`render_notes_markdown` groups them."""
    lines = ["# fypdesk notes", "", f"Exported {exported.strftime(_TIME_FORMAT)}.", ""]
    for briefing in briefings:
        if not briefing.notes:
            continue
        title = (
            f"{escape(one_line(briefing.title))} ({_code(briefing.pack)})"
            if briefing.title is not None
            else f"{_code(briefing.pack)} (not installed: its notes are kept)"
        )
        lines += [f"## {title}", ""]
        lines += _pack_lines(briefing.notes, briefing.plan_titles, briefing.node_titles, level=3)
    return "\n".join(lines).rstrip("\n") + "\n"


def _pack_lines(
    notes: Sequence[Note],
    plan_titles: Mapping[str, str],
    node_titles: Mapping[str, str],
    *,
    level: int,
) -> list[str]:
    """One briefing's notes, a group per plan with headings of ``level``."""
    groups: dict[str | None, list[Note]] = {}
    detached: list[Note] = []
    for note in notes:
        if note.node_id not in node_titles:
            detached.append(note)
        else:
            groups.setdefault(plan_of(note.node_id), []).append(note)
    lines: list[str] = []
    order: list[str | None] = [None, *plan_titles]
    for plan in order:
        if plan in groups:
            title = (
                "Briefing"
                if plan is None
                else f"{escape(one_line(plan_titles[plan]))} ({_code(plan)})"
            )
            lines += _group(title, groups[plan], node_titles, level)
    for plan in groups:
        if plan not in order and plan is not None:
            lines += _group(_code(plan), groups[plan], node_titles, level)
    if detached:
        lines += _group("Detached notes (their item no longer exists)", detached, {}, level)
    return lines


def write_notes_markdown(
    notes: Sequence[Note],
    path: Path,
    *,
    plan_titles: Mapping[str, str],
    node_titles: Mapping[str, str],
    exported: datetime,
) -> None:
    """Write :func:`render_notes_markdown` to ``path`` atomically; a new file is private (it
    holds the user's notes), one written over keeps its permissions.

    Raises:
        FypdeskError: the file cannot be written (any old file is intact).
    """
    data = render_notes_markdown(
        notes, plan_titles=plan_titles, node_titles=node_titles, exported=exported
    ).encode("utf-8")
    atomic_write(path, lambda stream: stream.write(data), private=True)


def _group(
    title: str, notes: Sequence[Note], node_titles: Mapping[str, str], level: int
) -> list[str]:
    lines = [f"{'#' * level} {title}", ""]
    for note in sorted(notes, key=lambda n: (n.node_id, n.created)):
        heading = "#" * (level + 1)
        lines.append(f"{heading} {escape(one_line(node_titles.get(note.node_id, note.node_id)))}")
        lines.append("")
        meta = f"{_code(note.node_id)} · updated {note.updated.strftime(_TIME_FORMAT)}"
        if note.tags:
            tags = (escape(one_line(tag), line_start=False) for tag in note.tags)
            meta += " · tags: " + ", ".join(tags)
        lines += [meta, ""]
        lines += [f"> {escape(line)}" if line else ">" for line in clean(note.body).split("\n")]
        lines.append("")
    return lines


def _code(text: str) -> str:
    """``text`` on one line as a code span (shown literally), its fence longer than any run of
    backticks inside, so the text cannot close it."""
    text = one_line(text)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "  # CommonMark strips one space each side of a padded span
    return f"{fence}{text}{fence}" if text else escape("(no id)")


class ContentTitles(Protocol):
    """What titling the notes takes from the content (a content repository has it); the export
    stays free of the database code behind it."""

    def plans(self) -> Sequence[PlanSummary]: ...

    def existing_ids(self, node_ids: Iterable[str]) -> Iterable[str]: ...

    def node(self, node_id: str) -> Node: ...


def content_titles(
    content: ContentTitles, notes: Sequence[Note]
) -> tuple[dict[str, str], dict[str, str]]:
    """The plan titles of ``content`` and the titles of the items ``notes`` are on."""
    existing = content.existing_ids(note.node_id for note in notes)
    return (
        {plan.slug: plan.title for plan in content.plans()},
        {node_id: content.node(node_id).title for node_id in existing},
    )


def export_notes_markdown(
    notes: NotesReader, content: ContentTitles, path: Path, exported: datetime
) -> int:
    """Every note of ``notes`` to ``path`` as Markdown, titled from ``content`` (File → Export
    notes… and ``fypdesk notes export FILE.md``); the number of notes written."""
    found = notes.all_notes()
    plan_titles, node_titles = content_titles(content, found)
    write_notes_markdown(
        found, path, plan_titles=plan_titles, node_titles=node_titles, exported=exported
    )
    return len(found)
