"""The content of a briefing as frozen values: nodes, plans and quantities.

Every node has a stable slug-path id (``green/targets/co2-intensity``) that never changes when the
wording does; the user's notes join the content by that id alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Number = int | float


class NodeKind(StrEnum):
    """What a node of the content tree is."""

    BRIEFING = "briefing"
    PLAN = "plan"
    SECTION = "section"
    ITEM = "item"
    TARGET = "target"
    FIGURE = "figure"


class SectionKind(StrEnum):
    """The built-in kinds of section a plan has in a briefing.

    A publisher may also give a section a kind of its own (``obstacles``, ``risk-factors``):
    :attr:`Node.section_kind` is then that plain string, and the section reads as any other,
    under its own title.
    """

    OVERVIEW = "overview"
    TRENDS = "trends"
    WEAKNESSES = "weaknesses"
    CHALLENGES = "challenges"
    TARGETS = "targets"
    OBJECTIVES = "objectives"
    ACHIEVEMENTS = "achievements"
    PROJECTS = "projects"
    TECHNOLOGIES = "technologies"
    COOPERATION = "cooperation"


class QuantityRole(StrEnum):
    """A target the plan sets, or a figure it reports as achieved."""

    TARGET = "target"
    FIGURE = "figure"


class QuantityKind(StrEnum):
    """A level to reach ("57% utilisation") or a change ("18% fewer")."""

    LEVEL = "level"
    CHANGE = "change"


class Direction(StrEnum):
    """Which way the indicator is meant to move."""

    INCREASE = "increase"
    DECREASE = "decrease"


class Qualifier(StrEnum):
    """How the source hedges a number, written as the brief writes it before the number."""

    UP_TO = "up to"
    OVER = "over"
    ALMOST = "almost"
    APPROX = "approx."
    AT_LEAST = "at least"
    MORE_THAN = "more than"
    ABOUT = "about"
    NO_MORE_THAN = "no more than"
    BELOW = "below"


@dataclass(frozen=True, slots=True)
class NodeRef:
    """Enough of a node to link to it."""

    id: str
    kind: NodeKind
    title: str
    plan: str | None


@dataclass(frozen=True, slots=True)
class Node:
    """One record of the content tree: the briefing, a plan, a section, an item, a quantity."""

    id: str
    kind: NodeKind
    parent_id: str | None
    plan: str | None
    title: str
    text: str | None
    source: str
    position: int
    depth: int
    #: A section's kind: a :class:`SectionKind` member, or the publisher's own kind as a slug.
    section_kind: SectionKind | str | None = None
    stated_count: int | None = None

    @property
    def ref(self) -> NodeRef:
        """This node as a link."""
        return NodeRef(self.id, self.kind, self.title, self.plan)


#: The euro's currency code: the briefing's first second currency, kept in ``Quantity.eur``.
EURO = "EUR"


@dataclass(frozen=True, slots=True)
class CurrencyEquivalent:
    """The amounts a source gives in a second currency next to a quantity's own
    ("4.3 trillion CNY (approx. 597 billion EUR)"), as the source states them: the briefing's
    conversions, never ours.

    Attributes:
        unit: The unit of the amounts, naming the currency (``billion EUR``, ``million USD``).
        baseline, value: The baseline's and the value's (target's) amounts, where stated.
        qualifier: How the source hedges them (``approx.``).
        currency: The currency's ISO 4217 code (``EUR``, ``USD``).
    """

    unit: str
    baseline: Number | None = None
    value: Number | None = None
    qualifier: Qualifier | None = None
    currency: str = EURO


#: The name of :class:`CurrencyEquivalent` from when the euro was the only second currency.
EuroEquivalent = CurrencyEquivalent


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantitative target or historical figure, with the numbers exactly as the source states.

    For a target, ``value``/``value_max``/``year`` are the target value, the upper bound of a range
    ("2-3") and the target year; for a figure they are the reported value and the year it refers to.
    """

    id: str
    role: QuantityRole
    plan: str
    parent_id: str
    indicator: str
    kind: QuantityKind
    direction: Direction
    value: Number
    year: int
    unit: str
    source: str
    qualifier: Qualifier | None = None
    value_max: Number | None = None
    baseline: Number | None = None
    baseline_year: int | None = None
    year_stated: bool = True
    period_start: int | None = None
    #: The source's euro equivalent (``currency`` ``EUR``).
    eur: CurrencyEquivalent | None = None
    #: The source's equivalent in a currency other than the euro (``USD``...).
    equivalent: CurrencyEquivalent | None = None

    @property
    def equivalents(self) -> tuple[CurrencyEquivalent, ...]:
        """Every equivalent the source gives, the euro's first."""
        return tuple(e for e in (self.eur, self.equivalent) if e is not None)


@dataclass(frozen=True, slots=True)
class TargetsTotal:
    """The source's statement of how many targets a plan has in all."""

    count: int
    year: int
    source: str


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """A plan with the figures a navigator or a ``plans`` listing shows."""

    id: str
    slug: str
    title: str
    short_title: str
    ministry: str | None
    key_message: str
    position: int
    targets_listed: int
    figures_listed: int
    targets_total: TargetsTotal | None

    @property
    def targets_omitted(self) -> int:
        """How many of the plan's stated targets the briefing does not list."""
        if self.targets_total is None:
            return 0
        return max(0, self.targets_total.count - self.targets_listed)


@dataclass(frozen=True, slots=True)
class Briefing:
    """The briefing's own metadata."""

    id: str
    title: str
    date: str
    publisher: str
    contact: str
    period_start: int
    period_end: int
    content_version: str
    introduction: tuple[str, ...]
    closing: str
    attribution: str
    source: str


#: What a pack file says it is, and the version of that format this fypdesk reads.
PACK_FORMAT = "fypdesk-pack"
PACK_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class PackManifest:
    """What a content pack is: one edition of one briefing (stored in the pack as JSON).

    Attributes:
        id: A stable slug, the same in every edition of the briefing.
        edition: The content version; a newer edition sorts after an older one.
        title, publisher, date: As the briefing states them (``date`` is ``YYYY-MM``).
        languages: The languages of the briefing's text (BCP 47 tags, e.g. ``en``).
        period_start, period_end: The plan period the briefing covers.
        licence: The licence of the content, where its publisher states one (``None``: not stated).
        documents: The source documents the pack quotes, as the briefing names them.
        schema_version: The content tables' version.
        content_sha256: The sha256 of the authored source the pack was built from.
    """

    id: str
    edition: str
    title: str
    publisher: str
    date: str
    languages: tuple[str, ...]
    period_start: int
    period_end: int
    licence: str | None
    documents: tuple[str, ...]
    schema_version: int
    content_sha256: str
    format: str = PACK_FORMAT
    format_version: int = PACK_FORMAT_VERSION


@dataclass(frozen=True, slots=True)
class NodeDetail:
    """A node with everything a reading pane or ``fypdesk show`` needs."""

    node: Node
    breadcrumb: tuple[NodeRef, ...]
    children: tuple[NodeRef, ...]
    quantities: tuple[Quantity, ...]
    plan: PlanSummary | None
    quantity: Quantity | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result. ``snippet`` and ``title_html`` are HTML-escaped with ``<b>`` marks."""

    id: str
    kind: NodeKind
    plan: str | None
    title: str
    title_html: str
    snippet: str
    rank: float
