"""A composed brief as a renderer-neutral sequence of blocks.

Composition decides *what* a brief says and in which order; renderers (PDF, Markdown) decide only
*how* it looks. Every string here is plain user-visible text, never markup: each renderer escapes
for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fypdesk.domain.brief import Paper


class TextRole(StrEnum):
    """How a paragraph of text is set."""

    BODY = "body"
    LEAD = "lead"  # a plan's key message
    INTRO = "intro"  # a section's introductory sentence


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; ``level`` 0 is a plan or a part, 1 a section, 2 a subsection.

    ``key`` is a unique ASCII anchor for links and bookmarks. Headings with ``outline`` appear in
    the table of contents and the PDF bookmarks; levels never skip.
    """

    text: str
    level: int
    key: str
    outline: bool = True
    new_page: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the official text."""

    text: str
    role: TextRole = TextRole.BODY


@dataclass(frozen=True, slots=True)
class Fact:
    """A quantity stated as a line of text, with the number of its citation (if citations)."""

    label: str
    text: str
    citation: int | None


@dataclass(frozen=True, slots=True)
class Item:
    """An item of a plan: a bold title, the official text, and the figures it states.

    ``depth`` is the nesting below the section (0 for a section's direct items).
    """

    title: str
    text: str | None
    depth: int
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class NoteCallout:
    """One of the user's notes, set apart from the official text."""

    body: str
    tags: tuple[str, ...]
    date: str
    about: str


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One target in a table; every cell is already formatted text."""

    indicator: str
    baseline: str
    baseline_year: str
    target: str
    target_year: str
    unit: str
    change: str
    citation: int | None

    def cells(self) -> tuple[str, ...]:
        """The formatted cells in column order (indicator … change), without the citation, which
        each renderer marks in its own way."""
        return (
            self.indicator,
            self.baseline,
            self.baseline_year,
            self.target,
            self.target_year,
            self.unit,
            self.change,
        )


@dataclass(frozen=True, slots=True)
class TargetTable:
    """A plan's targets as a table, with a footnote explaining marks such as ``*``."""

    caption: str
    rows: tuple[TargetRow, ...]
    footnote: str


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One indicator of a chart: where it starts and where the plan wants it."""

    label: str
    baseline: float
    target: float


@dataclass(frozen=True, slots=True)
class Chart:
    """A baseline-against-target bar chart of indicators that share a unit."""

    title: str
    unit: str
    baseline_label: str
    target_label: str
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True, slots=True)
class Citation:
    """A numbered source: the briefing, where in it, and the passage quoted."""

    number: int
    where: str
    passage: str


@dataclass(frozen=True, slots=True)
class SourceList:
    """The sources section: what the official text is quoted from, then numbered passages."""

    preface: str
    citations: tuple[Citation, ...]


Block = Heading | Paragraph | Item | NoteCallout | TargetTable | Chart | SourceList


@dataclass(frozen=True, slots=True)
class Cover:
    """What the cover page (and the running header and footer) show."""

    title: str
    subtitle: str
    author: str
    organisation: str
    date: str
    marking: str
    source: str
    content_version: str
    scope: str


@dataclass(frozen=True, slots=True)
class Counts:
    """How much the brief holds, for a dialog's live count and the CLI's summary."""

    plans: int
    items: int
    targets: int
    notes: int
    citations: int


@dataclass(frozen=True, slots=True)
class BriefDocument:
    """A composed brief, ready for any renderer."""

    cover: Cover
    paper: Paper
    toc: bool
    subject: str
    keywords: tuple[str, ...]
    #: The program that made the brief, with its version (``fypdesk 0.1.0``).
    creator: str
    blocks: tuple[Block, ...]
    counts: Counts


def pdf_size_text(pages: int) -> str:
    """A PDF brief's length as its footer counts it: the cover is not numbered, so "a cover
    and 8 pages" for a 9-page file whose footer says "Page 8 of 8"."""
    numbered = max(0, pages - 1)
    return f"a cover and {numbered} page{'s' if numbered != 1 else ''}"
