"""Load and validate the authored content in ``data/source/`` (format: docs/content-format.md)."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from fypdesk.content import quote_numbers
from fypdesk.content.constants import MAX_SECTION_KIND, OWN_SECTION_KIND
from fypdesk.content.integrity import MAX_TEXT, MAX_TITLE
from fypdesk.content.quote_index import QuoteIndex
from fypdesk.content.records import YAML_LOADER, Lines, Problems, Record, SourceProblem
from fypdesk.domain.content import (
    EURO,
    Briefing,
    CurrencyEquivalent,
    Direction,
    Node,
    NodeKind,
    Qualifier,
    Quantity,
    QuantityKind,
    QuantityRole,
    SectionKind,
    TargetsTotal,
)
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.growth import format_number

BRIEFING_FILE = "briefing.yaml"
PLANS_DIR = "plans"
SOURCE_TEXT_FILE = "source.txt"
BRIEFING_ID = "briefing"


class SourceValidationError(FypdeskError):
    """The authored source has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"the content source has {len(problems)} problem(s):\n{lines}")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class PackFacts:
    """What ``briefing.yaml`` says of the pack beyond the briefing itself."""

    id: str
    languages: tuple[str, ...]
    licence: str | None


#: A pack id: lowercase words joined by hyphens, stable across editions.
PACK_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_PACK_ID = 64
#: A language tag (BCP 47, simplified): ``en``, ``zh``, ``zh-Hans``, ``de-DE``.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class PlanInfo:
    """What the build records about a plan beyond its node."""

    slug: str
    short_title: str
    ministry: str | None
    key_message: str
    targets_total: TargetsTotal | None


@dataclass(frozen=True, slots=True)
class AuthoredContent:
    """The validated source: every node in reading order, the quantities, and plan metadata."""

    briefing: Briefing
    plans: tuple[PlanInfo, ...]
    nodes: tuple[Node, ...]
    quantities: tuple[Quantity, ...]
    source_hash: str
    pack: PackFacts


_EMPHASIS = re.compile(r"\*\*")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SPACE = re.compile(r"\s+")


def normalise_quote(text: str) -> str:
    """The form in which quotes are compared with the source: Markdown emphasis and link targets
    removed, whitespace collapsed."""
    text = _LINK.sub(r"\1", _EMPHASIS.sub("", text))
    return _SPACE.sub(" ", text).strip()


def source_hash(source_dir: Path) -> str:
    """A SHA-256 over every authored file (names and bytes), in a fixed order."""
    digest = hashlib.sha256()
    files = [source_dir / BRIEFING_FILE, source_dir / SOURCE_TEXT_FILE]
    files += sorted((source_dir / PLANS_DIR).glob("*.yaml"))
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(source_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_source(source_dir: Path) -> AuthoredContent:
    """Read and validate the authored content.

    Raises:
        SourceValidationError: listing every problem found, each with file and record id.
        FypdeskError: when the folder or a file cannot be read at all.
    """
    if not source_dir.is_dir():
        raise FypdeskError(f"content source folder not found: {source_dir}")
    loader = _Loader(source_dir)
    content = loader.load()
    if loader.problems.items:
        raise SourceValidationError(loader.problems.items)
    return content


def yaml_problem(error: yaml.YAMLError) -> str:
    """A YAML syntax error in one line: where (line and column, counted from 1) and what."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    started = ""
    if context and context_mark is not None:
        started = (
            f" ({context} from line {context_mark.line + 1}, column {context_mark.column + 1})"
        )
    return f"not valid YAML{where}: {problem}{started}"


def quote_mismatch(quote: str, source: str, around: int = 30) -> str:
    """Where ``quote`` (normalised, not in ``source``) parts from the source: the longest start
    of the quote that the source has, and what each says next.

    ``'The 5G usage rate … improved from 15 %' differs at character 87: the quote has '15 %
    to 56%', the source '15% to 56%.'``. Without a start in common, the quote's beginning.
    """
    low, high = 0, len(quote)  # the source has quote[:low], not quote[:high + 1]
    while low < high:
        middle = (low + high + 1) // 2
        if quote[:middle] in source:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return f"no part of its start is: {quote[:60]!r}"
    at = source.find(quote[:low])
    start = max(0, low - around)
    return (
        f"it differs from the source at character {low + 1}: the quote has"
        f" {quote[start : low + around]!r}, the source {source[at + start : at + low + around]!r}"
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FypdeskError(f"cannot read {path}: {exc}") from exc


class _Loader:
    """Walks the source files once, building nodes in reading order."""

    def __init__(self, source_dir: Path) -> None:
        self.dir = source_dir
        self.problems = Problems()
        self.nodes: list[Node] = []
        self.quantities: list[Quantity] = []
        self._by_id: dict[str, Node] = {}  # the first node of each id
        self._positions: dict[str | None, int] = {}
        self._targets_by_plan: dict[str, int] = {}
        self._source = ""
        self._quotes = QuoteIndex("")
        self._period_start = self._period_end = 0

    # -- files ---------------------------------------------------------------------------------

    def load(self) -> AuthoredContent:
        self._source = normalise_quote(_read_text(self.dir / SOURCE_TEXT_FILE))
        self._quotes = QuoteIndex(self._source)
        briefing_record = self._yaml_record(self.dir / BRIEFING_FILE, BRIEFING_ID)
        if briefing_record is None:  # nothing else can be read without the briefing
            raise SourceValidationError(self.problems.items)
        briefing, plan_slugs = self._briefing(briefing_record)
        pack = self._pack(briefing_record)
        self._period_start, self._period_end = briefing.period_start, briefing.period_end
        plan_files = {path.stem: path for path in sorted((self.dir / PLANS_DIR).glob("*.yaml"))}
        for slug in sorted(set(plan_files) - set(plan_slugs)):
            self.problems.add(f"{PLANS_DIR}/{slug}.yaml", slug, "plan file not listed in briefing")
        plans = []
        for slug in plan_slugs:
            if slug not in plan_files:
                self.problems.add(BRIEFING_FILE, BRIEFING_ID, f"plan {slug!r} has no file")
                continue
            plan_record = self._yaml_record(plan_files[slug], slug)
            if plan_record is not None:  # a file that is not YAML was reported once, as such
                plans.append(self._plan(plan_record, slug))
        self._closing(briefing_record, briefing)
        briefing_record.finish()
        return AuthoredContent(
            briefing=briefing,
            plans=tuple(plans),
            nodes=tuple(self.nodes),
            quantities=tuple(self.quantities),
            source_hash=source_hash(self.dir),
            pack=pack,
        )

    def _yaml_record(self, path: Path, name: str) -> Record | None:
        """The file's top record, or ``None`` (reported) when it cannot be read as YAML: then its
        content is not checked key by key, which would only list every key as missing."""
        label = path.relative_to(self.dir).as_posix()
        try:
            text = _read_text(path)
            data = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 -- a safe loader
        except yaml.YAMLError as exc:
            self.problems.add(label, name, yaml_problem(exc))
            return None
        except FypdeskError as exc:
            self.problems.add(label, name, str(exc))
            return None
        return Record(data, label, name, self.problems, Lines(text))

    # -- records -------------------------------------------------------------------------------

    def _pack(self, record: Record) -> PackFacts:
        pack_id = record.optional_text("pack")
        if pack_id is None:
            record.problem(
                "missing 'pack': give the briefing a pack id, a slug that stays the same in every"
                " edition, e.g. pack: fyp14-six-industries"
            )
        elif not PACK_ID.fullmatch(pack_id) or len(pack_id) > MAX_PACK_ID:
            record.problem(
                f"malformed pack id {pack_id!r}: use lowercase words and digits joined by '-'"
                f" (at most {MAX_PACK_ID} characters)"
            )
        languages = record.items("languages") or ["en"]  # the bundled briefing's, by default
        bad = [
            tag for tag in languages if not isinstance(tag, str) or not LANGUAGE_TAG.fullmatch(tag)
        ]
        if bad:
            record.problem(
                f"'languages' must list language tags such as en or zh-Hans, found {bad[0]!r}"
            )
        return PackFacts(
            id=pack_id or "",
            languages=tuple(str(tag) for tag in languages),
            licence=record.optional_text("licence"),
        )

    def _briefing(self, record: Record) -> tuple[Briefing, list[str]]:
        if record.record_id() != BRIEFING_ID:
            record.problem(f"the briefing's id must be {BRIEFING_ID!r}")
        period = record.sub("period")
        if period is None:
            # Without it every target year would be "implied" by a period of 0-0, and growth
            # computed over two thousand years.
            record.problem(
                "'period' is required: the plan period, e.g. period: {start: 2021, end: 2025}"
            )
        start = period.year("start") if period else 0
        end = period.year("end") if period else 0
        if period:
            period.finish()
            if start > end:
                record.problem("period start is after its end")
        introduction: list[str] = []
        record.each("introduction", lambda para: introduction.append(self._paragraph(para)))
        if not introduction:
            record.problem("'introduction' must list the introduction's paragraphs")
        closing = record.sub("closing")
        if closing is None:
            record.problem("missing 'closing'")
        briefing = Briefing(
            id=BRIEFING_ID,
            title=record.text("title"),
            date=self._month(record, "date"),
            publisher=record.text("publisher"),
            contact=record.text("contact"),
            period_start=start,
            period_end=end,
            content_version=record.text("content_version"),
            introduction=tuple(introduction),
            closing=self._paragraph(closing) if closing else "",
            attribution=self._quoted(record, "attribution"),
            source=self._quoted(record, "source"),
        )
        slugs = [slug for slug in record.items("plans") if isinstance(slug, str)]
        if not slugs:
            record.problem("'plans' must list the plan slugs in reading order")
        self._add_node(
            Node(
                id=BRIEFING_ID,
                kind=NodeKind.BRIEFING,
                parent_id=None,
                plan=None,
                title=briefing.title,
                text="\n\n".join(introduction),
                source=briefing.source,
                position=0,
                depth=0,
            ),
            record,
        )
        return briefing, slugs

    def _paragraph(self, record: Record) -> str:
        text = self._quoted(record, "text")
        record.finish()
        return text

    def _closing(self, record: Record, briefing: Briefing) -> None:
        self._add_node(
            Node(
                id=f"{BRIEFING_ID}/closing",
                kind=NodeKind.ITEM,
                parent_id=BRIEFING_ID,
                plan=None,
                title="Closing",
                text=f"{briefing.closing}\n\n{briefing.attribution}",
                source=briefing.closing,
                position=self._next_position(BRIEFING_ID),
                depth=1,
            ),
            record,
        )

    def _plan(self, record: Record, slug: str) -> PlanInfo:
        if record.text("slug") != slug:
            record.problem(f"'slug' must match the file name {slug!r}")
        if record.record_id() != slug:
            record.problem(f"the plan's id must be its slug {slug!r}")
        key_message = self._quoted(record, "key_message")
        self._add_node(
            Node(
                id=slug,
                kind=NodeKind.PLAN,
                parent_id=BRIEFING_ID,
                plan=slug,
                title=record.text("title"),
                text=key_message,
                source=self._quoted(record, "source"),
                position=self._next_position(BRIEFING_ID),
                depth=1,
            ),
            record,
        )
        total_record = record.sub("targets_total")
        targets_total = None
        if total_record is not None:
            targets_total = TargetsTotal(
                count=total_record.optional_int("count", required=True) or 0,
                year=total_record.year("year"),
                source=self._quoted(total_record, "source"),
            )
            total_record.finish()
        info = PlanInfo(
            slug=slug,
            short_title=record.text("short_title"),
            ministry=record.optional_text("ministry"),
            key_message=key_message,
            targets_total=targets_total,
        )
        record.each("sections", lambda section: self._section(section, slug))
        record.finish()
        if targets_total is not None:
            listed = self._targets_by_plan.get(slug, 0)
            if listed > targets_total.count:
                record.problem(f"lists {listed} targets but states {targets_total.count} in all")
        return info

    def _section(self, record: Record, plan: str) -> None:
        section_id = self._owned_id(record, plan)
        stated = record.optional_int("stated_count")
        node = Node(
            id=section_id,
            kind=NodeKind.SECTION,
            parent_id=plan,
            plan=plan,
            title=record.text("title"),
            text=self._optional_quoted(record, "text"),
            source=self._quoted(record, "source"),
            position=self._next_position(plan),
            depth=2,
            section_kind=self._section_kind(record),
            stated_count=stated,
        )
        self._add_node(node, record)
        self._children(record, node)
        listed = self._positions.get(section_id, 0)  # each child took the next position
        if stated is not None and stated != listed:
            record.problem(f"the source states {stated} entries but {listed} are listed")
        record.finish()

    def _section_kind(self, record: Record) -> SectionKind | str | None:
        """A built-in kind, or the publisher's own (a slug such as ``obstacles``): a section need
        not pretend to be "challenges". A near miss of a built-in kind (``objectivs``) is taken
        for the typo it most likely is."""
        kind = record.optional_text("kind", required=True)
        if kind is None:
            return None
        built_in = [member.value for member in SectionKind]
        if kind in built_in:
            return SectionKind(kind)
        if not OWN_SECTION_KIND.fullmatch(kind) or len(kind) > MAX_SECTION_KIND:
            record.problem(
                f"'kind' must be one of {', '.join(built_in)}, or a kind of your own in lowercase"
                f" words joined by '-' (at most {MAX_SECTION_KIND} characters); found {kind!r}"
            )
            return None
        near = difflib.get_close_matches(kind, built_in, n=1, cutoff=0.88)
        if near:
            record.problem(
                f"'kind' {kind!r} looks like a misspelt {near[0]!r}: write {near[0]!r}, or a kind"
                " of your own that does not look like a built-in one"
            )
            return None
        return kind

    def _item(self, record: Record, parent: Node, section_id: str) -> None:
        node = Node(
            id=self._owned_id(record, section_id),
            kind=NodeKind.ITEM,
            parent_id=parent.id,
            plan=parent.plan,
            title=record.text("title"),
            text=self._optional_quoted(record, "text"),
            source=self._quoted(record, "source"),
            position=self._next_position(parent.id),
            depth=parent.depth + 1,
        )
        self._add_node(node, record)
        self._children(record, node)
        record.finish()

    def _children(self, record: Record, parent: Node) -> None:
        """Items, targets and figures under ``parent``, in the order their keys appear."""
        section_id = parent.id if parent.kind is NodeKind.SECTION else _section_of(parent.id)
        for key in record.keys():  # noqa: SIM118 -- Record is not a dict
            if key == "items":
                record.each(key, lambda item: self._item(item, parent, section_id))
            elif key == "targets":
                record.each(key, lambda q: self._quantity(q, parent, QuantityRole.TARGET))
            elif key == "figures":
                record.each(key, lambda q: self._quantity(q, parent, QuantityRole.FIGURE))

    def _quantity(self, record: Record, parent: Node, role: QuantityRole) -> None:
        plan = parent.plan or ""
        group = "targets" if role is QuantityRole.TARGET else "figures"
        quantity_id = self._owned_id(record, f"{plan}/{group}")
        is_target = role is QuantityRole.TARGET
        value = record.number("target" if is_target else "value")
        value_max = record.optional_number("target_max" if is_target else "value_max")
        if value_max is not None and value_max <= value:
            record.problem("the upper bound of a range must be above its lower bound")
        year = record.year("target_year" if is_target else "year")
        source = self._quoted(record, "source")
        unit = record.text("unit")
        year_stated = self._year_stated(record, parent, source, year) if is_target else True
        period_start = None if is_target else record.optional_year("period_start")
        quantity = Quantity(
            id=quantity_id,
            role=role,
            plan=plan,
            parent_id=parent.id,
            indicator=record.text("indicator"),
            kind=record.choice("kind", QuantityKind) or QuantityKind.LEVEL,
            direction=record.choice("direction", Direction) or Direction.INCREASE,
            value=value,
            year=year,
            unit=unit,
            source=source,
            qualifier=record.optional_choice("qualifier", Qualifier),
            value_max=value_max,
            baseline=record.optional_number("baseline"),
            baseline_year=record.optional_year("baseline_year"),
            year_stated=year_stated,
            period_start=period_start,
            eur=self._eur(record, is_target),
            equivalent=self._equivalent(record, is_target, unit),
        )
        if quantity.baseline_year is not None and quantity.baseline_year >= year:
            record.problem("the baseline year must come before the year of the value")
        self._check_consistent(record, quantity)
        self._check_numbers_quoted(record, quantity)
        self.quantities.append(quantity)
        if is_target:
            self._targets_by_plan[plan] = self._targets_by_plan.get(plan, 0) + 1
        self._add_node(
            Node(
                id=quantity_id,
                kind=NodeKind.TARGET if is_target else NodeKind.FIGURE,
                parent_id=parent.id,
                plan=plan,
                title=quantity.indicator,
                text=None,
                source=quantity.source,
                position=self._next_position(parent.id),
                depth=parent.depth + 1,
            ),
            record,
        )
        record.finish()

    def _eur(self, record: Record, is_target: bool) -> CurrencyEquivalent | None:
        eur = record.sub("eur")
        if eur is None:
            return None
        equivalent = self._amounts(eur, "eur", is_target, EURO)
        if equivalent.unit and "EUR" not in equivalent.unit.upper().replace("EURO", "EUR"):
            # Shown as "In euros: …": an amount in another currency would be mislabelled.
            eur.problem(
                f"'eur' amounts are in euros, but its unit {equivalent.unit!r} names no EUR;"
                " give an amount in another currency as 'equivalent', with its 'currency'"
            )
        eur.finish()
        return equivalent

    def _equivalent(
        self, record: Record, is_target: bool, own_unit: str
    ) -> CurrencyEquivalent | None:
        """The equivalent in a currency other than the euro: ``currency`` (its ISO 4217 code),
        and the amounts as in ``eur``, in a unit that names the currency."""
        block = record.sub("equivalent")
        if block is None:
            return None
        currency = block.text("currency")
        if currency == EURO:
            block.problem("an equivalent in euros is given as 'eur', not as 'equivalent'")
        elif currency and not _CURRENCY_CODE.fullmatch(currency):
            block.problem(
                f"'currency' must be an ISO 4217 code of three capital letters (USD, GBP, JPY);"
                f" found {currency!r}"
            )
        equivalent = self._amounts(block, "equivalent", is_target, currency)
        known = currency != EURO and _CURRENCY_CODE.fullmatch(currency) is not None
        if known and equivalent.unit and not _names_currency(equivalent.unit, currency):
            # Labelled by its currency ("In US dollars: …"): the unit must say the same.
            block.problem(
                f"the 'equivalent' is in {currency}, but its unit {equivalent.unit!r} does not"
                f" name {currency} (write e.g. 'billion {currency}')"
            )
        if known and _names_currency(own_unit, currency):
            block.problem(
                f"the 'equivalent' is in {currency}, the quantity's own currency ({own_unit!r})"
            )
        block.finish()
        return equivalent

    def _amounts(
        self, block: Record, key: str, is_target: bool, currency: str
    ) -> CurrencyEquivalent:
        equivalent = CurrencyEquivalent(
            unit=block.text("unit"),
            baseline=block.optional_number("baseline"),
            value=block.optional_number("target" if is_target else "value"),
            qualifier=block.optional_choice("qualifier", Qualifier),
            currency=currency,
        )
        if equivalent.baseline is None and equivalent.value is None:
            block.problem(f"{key!r} must give a baseline or a value")
        return equivalent

    def _year_stated(self, record: Record, parent: Node, quote: str, year: int) -> bool:
        """Whether the source states a target's year: its quote does, or the passage it sits in
        (the quote or text of its item or section: "20 targets to be achieved by 2025, e.g.").

        ``target_year_stated`` may be left out: then it is what the source shows, and a year it
        does not state is marked as implied. Given, it must agree: ``true`` where no passage states
        the year, or ``false`` where the target's own quote does, is refused.
        """
        given = record.optional_flag("target_year_stated")
        in_quote = quote_numbers.states_year(quote, year)
        stated = in_quote or any(
            quote_numbers.states_year(text, year) for text in self._passages_around(parent)
        )
        if given is True and not stated:
            record.problem(
                f"target_year_stated is true, but neither its quote nor its item or section"
                f" states {year}: write target_year_stated: false (or leave it out), and the year"
                " is shown as implied by the plan period"
            )
        elif given is False and in_quote:
            record.problem(
                f"target_year_stated is false, but its quote states {year}: leave it out"
            )
        return stated if given is None else given

    def _passages_around(self, parent: Node) -> list[str]:
        """The quotes and texts of ``parent`` and of the items and sections above it."""
        passages: list[str] = []
        node: Node | None = parent
        while node is not None and node.kind in (NodeKind.ITEM, NodeKind.SECTION):
            passages += [text for text in (node.source, node.text) if text]
            node = self._by_id.get(node.parent_id or "")
        return passages

    # -- checks --------------------------------------------------------------------------------

    def _check_consistent(self, record: Record, quantity: Quantity) -> None:
        """Years and direction that agree with each other and with the plan period."""
        if quantity.role is QuantityRole.TARGET:
            if self._period_start and quantity.year < self._period_start:
                record.problem(
                    f"target_year {quantity.year} is before the plan period"
                    f" ({self._period_start}-{self._period_end}): a target is for it or after it"
                )
        elif quantity.period_start is not None and quantity.period_start >= quantity.year:
            record.problem(
                f"period_start {quantity.period_start} must come before the year {quantity.year}"
            )
        if quantity.kind is QuantityKind.LEVEL and quantity.baseline is not None:
            rises = quantity.value > quantity.baseline
            falls = quantity.value < quantity.baseline
            if (quantity.direction is Direction.INCREASE and falls) or (
                quantity.direction is Direction.DECREASE and rises
            ):
                record.problem(
                    f"direction {quantity.direction.value!r} disagrees with the numbers: from"
                    f" {format_number(quantity.baseline)} to {format_number(quantity.value)}"
                )

    def _check_numbers_quoted(self, record: Record, quantity: Quantity) -> None:
        """Every number of ``quantity`` must be one its quote states (see
        :mod:`fypdesk.content.quote_numbers`): a number typed wrong, or read by YAML otherwise
        than it was meant (``240.000``), would be shown as if the source said it."""
        value_key = "target" if quantity.role is QuantityRole.TARGET else "value"
        numbers: list[tuple[str, float | None]] = [
            (value_key, quantity.value),
            (f"{value_key}_max", quantity.value_max),
            ("baseline", quantity.baseline),
        ]
        for name, equivalent in (("eur", quantity.eur), ("equivalent", quantity.equivalent)):
            if equivalent is not None:
                numbers += [
                    (f"{name} {value_key}", equivalent.value),
                    (f"{name} baseline", equivalent.baseline),
                ]
        by_name = dict(numbers)
        for name in quote_numbers.missing(quantity.source, numbers):
            number = by_name[name]
            assert number is not None
            written = ", ".join(quote_numbers.written_numbers(quantity.source)) or "none"
            record.problem(
                f"{name} {format_number(number)} is not a number of its source quote as the source"
                f" writes it (the quote's numbers: {written}); a quote's 20,000 or 20.000 is typed"
                " 20000"
            )

    def _owned_id(self, record: Record, prefix: str) -> str:
        record_id = record.record_id()
        if record_id and not record_id.startswith(prefix + "/"):
            record.problem(f"id must start with {prefix + '/'!r}")
        return record_id

    def _add_node(self, node: Node, record: Record) -> None:
        if node.id in self._by_id:
            record.problem(f"duplicate id {node.id!r}")
        # The limits of the open-time check (content/integrity.py), said here with the record.
        if len(node.title) > MAX_TITLE:
            record.problem(f"the title has {len(node.title)} characters: at most {MAX_TITLE}")
        for name, text in (("text", node.text), ("source", node.source)):
            if text is not None and len(text) > MAX_TEXT:
                record.problem(f"the {name} has {len(text)} characters: at most {MAX_TEXT}")
        self._by_id.setdefault(node.id, node)
        self.nodes.append(node)

    def _next_position(self, parent_id: str | None) -> int:
        position = self._positions.get(parent_id, 0)
        self._positions[parent_id] = position + 1
        return position

    def _quoted(self, record: Record, key: str) -> str:
        text = record.text(key)
        self._check_quote(record, key, text)
        return text

    def _optional_quoted(self, record: Record, key: str) -> str | None:
        text = record.optional_text(key)
        if text is not None:
            self._check_quote(record, key, text)
        return text

    def _check_quote(self, record: Record, key: str, text: str) -> None:
        quote = normalise_quote(text)
        if text and quote not in self._quotes:
            where = quote_mismatch(quote, self._source)
            record.problem(f"{key!r} is not found verbatim in the source: {where}")

    def _month(self, record: Record, key: str) -> str:
        value = record.text(key)
        if value and not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", value):
            record.problem(f"{key!r} must be a month as YYYY-MM, found {value!r}")
        return value


#: A currency's ISO 4217 code.
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def _names_currency(unit: str, currency: str) -> bool:
    """Whether ``unit`` names ``currency`` by its code, as a word (``billion USD``, ``USD bn``)."""
    return re.search(rf"(?<![A-Za-z]){re.escape(currency)}(?![A-Za-z])", unit) is not None


def _section_of(item_id: str) -> str:
    """The section an item id belongs to: its first two segments (``ict/objectives``)."""
    return "/".join(item_id.split("/")[:2])
