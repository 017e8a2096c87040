"""What a user asks a brief to contain, and the annotations it may carry.

A :class:`BriefSpec` is the whole request: the cover (title, author, marking...), the paper, the
scope (which plans and which items) and the options (notes, targets annex, charts, citations,
table of contents). It is a frozen value that checks itself on construction, so a dialog, the CLI
and a saved brief all get the same messages for the same mistakes.

The notes store lives elsewhere; composition only needs plain values, so :class:`BriefNote` and
:class:`Annotations` are the narrow input the store is adapted to.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from fypdesk.domain.errors import FypdeskError

#: Longest title or subtitle accepted; longer ones would not fit the cover or the running header.
MAX_TITLE_LENGTH = 200
#: Longest author, organisation or marking; they share a footer line with the page number.
MAX_FIELD_LENGTH = 120
MAX_MARKING_LENGTH = 40


class Paper(StrEnum):
    """The paper sizes a brief can be laid out for."""

    A4 = "a4"
    LETTER = "letter"


class NotesMode(StrEnum):
    """Which of the user's notes appear in the brief."""

    ALL = "all"
    TAGGED = "tagged"
    NONE = "none"


class InvalidBriefSpecError(FypdeskError):
    """A brief specification that cannot be exported; ``problems`` lists every reason."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__("invalid brief: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class BriefScope:
    """Which parts of the briefing a brief covers.

    ``plans`` restricts the brief to those plans (empty: every plan). ``starred``, ``annotated``
    and ``tags`` select items: when any is set, only items that are starred, or carry a note, or
    carry a note with one of the tags (any of these) are included, each with everything under it
    and its headings above it for context. With none set, the chosen plans are included whole.
    """

    plans: tuple[str, ...] = ()
    starred: bool = False
    annotated: bool = False
    tags: tuple[str, ...] = ()

    @property
    def selects_items(self) -> bool:
        """Whether the scope picks individual items rather than whole plans."""
        return self.starred or self.annotated or bool(self.tags)

    @property
    def is_whole_briefing(self) -> bool:
        """Every plan, every item: the brief then also carries the introduction and closing."""
        return not self.plans and not self.selects_items


@dataclass(frozen=True, slots=True)
class BriefOptions:
    """What the brief adds around the official text."""

    notes: NotesMode = NotesMode.ALL
    #: Tags for ``NotesMode.TAGGED``; a note with any of them is shown.
    note_tags: tuple[str, ...] = ()
    targets_annex: bool = True
    charts: bool = True
    citations: bool = True
    toc: bool = True


@dataclass(frozen=True, slots=True)
class BriefSpec:
    """A complete request for a brief.

    An empty ``title`` means the briefing's own title. Construction raises
    :class:`InvalidBriefSpecError` listing every problem at once.
    """

    title: str = ""
    subtitle: str = ""
    author: str = ""
    organisation: str = ""
    meeting_date: dt.date | None = None
    marking: str = ""
    paper: Paper = Paper.A4
    scope: BriefScope = field(default_factory=BriefScope)
    options: BriefOptions = field(default_factory=BriefOptions)

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidBriefSpecError(problems)

    def problems(self) -> tuple[str, ...]:
        """Every reason this specification cannot be exported, as messages for the user."""
        found: list[str] = []
        for name, value, limit in (
            ("title", self.title, MAX_TITLE_LENGTH),
            ("subtitle", self.subtitle, MAX_TITLE_LENGTH),
            ("author", self.author, MAX_FIELD_LENGTH),
            ("organisation", self.organisation, MAX_FIELD_LENGTH),
            ("marking", self.marking, MAX_MARKING_LENGTH),
        ):
            if len(value) > limit:
                found.append(f"the {name} is {len(value)} characters long (at most {limit})")
            if name != "subtitle" and ("\n" in value or "\r" in value):
                found.append(f"the {name} must be a single line")
        if len(set(self.scope.plans)) != len(self.scope.plans):
            found.append("a plan is chosen more than once")
        if any(not slug.strip() for slug in self.scope.plans):
            found.append("a chosen plan has an empty name")
        for label, tags in (("scope", self.scope.tags), ("notes", self.options.note_tags)):
            if any(not clean_tag(tag) for tag in tags):
                found.append(f"an empty tag was given for the {label}")
        if self.options.notes is NotesMode.TAGGED and not self.options.note_tags:
            found.append("notes 'tagged' needs at least one tag")
        if self.options.notes is not NotesMode.TAGGED and self.options.note_tags:
            found.append("note tags are only used with notes 'tagged'")
        return tuple(found)


def clean_tag(tag: str) -> str:
    """A tag as it is compared: NFC-normalised, trimmed and case-folded."""
    return unicodedata.normalize("NFC", tag).strip().casefold()


@dataclass(frozen=True, slots=True)
class BriefNote:
    """One of the user's notes, as a brief needs it: attached to a content node by its id."""

    node_id: str
    body: str
    tags: tuple[str, ...] = ()
    created: dt.datetime | None = None
    updated: dt.datetime | None = None

    def has_any_tag(self, wanted: frozenset[str]) -> bool:
        """Whether one of the note's tags is in ``wanted`` (already :func:`clean_tag`-ed)."""
        return any(clean_tag(tag) in wanted for tag in self.tags)


@dataclass(frozen=True, slots=True)
class Annotations:
    """The user's notes and stars, the only user data a brief reads."""

    notes: tuple[BriefNote, ...] = ()
    starred: frozenset[str] = frozenset()
