"""Commands that read the briefings: plans, show, targets, figures, search.

Each reads every pack of the library unless ``--pack`` or ``--content`` chooses one
(:mod:`fypdesk.cli.scope`); every JSON record (and CSV row) names its ``pack``, and a text listing
of several briefings heads each with its title.
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from fypdesk.cli import output
from fypdesk.cli.context import CommandContext
from fypdesk.cli.output import visible
from fypdesk.cli.scope import OpenPack
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import NodeDetail, Quantity, QuantityRole
from fypdesk.domain.errors import UnknownPlanError
from fypdesk.domain.quantity_text import (
    baseline_text,
    period_text,
    unit_text,
    value_text,
    year_text,
)
from fypdesk.domain.serialise import (
    FIGURE_FIELDS,
    TARGET_FIELDS,
    detail_record,
    hit_record,
    plan_record,
    quantity_record,
)

#: The most results ``search --limit`` may ask for: more than anyone reads, and far below what
#: SQLite can bind (a number past 2**63 - 1 is an OverflowError there).
MAX_LIMIT = 10_000
#: An empty cell of a text table (a quantity without a baseline).
NONE_MARK = "–"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the content commands to the CLI."""
    plans = commands.add_parser("plans", help="list the plans with their key messages and counts")
    _format_option(plans, ("text", "json"))
    plans.set_defaults(handler=run_plans)

    show = commands.add_parser("show", help="show one item with its children, targets and figures")
    show.add_argument(
        "id",
        help="the item's id, e.g. ict/targets/5g-usage-rate, or PACK:ID when several briefings"
        " have it",
    )
    _format_option(show, ("text", "json"))
    show.set_defaults(handler=run_show)

    for name, role in (("targets", QuantityRole.TARGET), ("figures", QuantityRole.FIGURE)):
        command = commands.add_parser(name, help=f"list every quantitative {role.value}")
        command.add_argument("--plan", metavar="SLUG", help="only this plan")
        _format_option(command, ("table", "csv", "json"))
        command.set_defaults(handler=run_quantities, role=role)

    search = commands.add_parser("search", help="search titles, texts and targets")
    search.add_argument("query", help="words to look for (any text is accepted)")
    search.add_argument(
        "--limit",
        type=bounded_int(1, MAX_LIMIT),
        default=20,
        metavar="N",
        help=f"at most N results (1 to {MAX_LIMIT}, default 20)",
    )
    _format_option(search, ("text", "json"))
    search.set_defaults(handler=run_search)


def _format_option(parser: argparse.ArgumentParser, choices: tuple[str, ...]) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0])


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number from ``low`` to ``high``: anything else (a huge
    number, which SQLite cannot bind, a fraction, a word) is a clear usage error, status 2."""

    def parse(text: str) -> int:
        match = re.fullmatch(r"\s*[+-]?(\d+)\s*", text)
        if match is None:
            raise argparse.ArgumentTypeError(f"not a whole number: {output.visible(text)!r}")
        # Checked before int(): Python refuses to convert more than 4,300 digits.
        value = int(text) if len(match.group(1)) <= len(str(high)) else None
        if value is None or not low <= value <= high:
            shown = output.visible(text.strip())
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {shown}")
        return value

    return parse


def _base_year(repository: ContentRepository) -> int:
    return repository.briefing().period_start - 1


def _with_pack(pack: OpenPack, record: dict[str, Any]) -> dict[str, Any]:
    return {"pack": pack.id, **record}


def _pack_heading(pack: OpenPack) -> list[str]:
    identity = pack.identity
    return [
        f"== {visible(identity.title)} ({visible(identity.id)}, edition"
        f" {visible(identity.edition)}) ==",
        "",
    ]


def run_plans(ctx: CommandContext) -> int:
    """``fypdesk plans``."""
    args = ctx.args
    packs = ctx.scope.packs()
    if args.format == "json":
        output.write_json(
            [_with_pack(pack, plan_record(plan)) for pack in packs for plan in pack.content.plans()]
        )
        return 0
    lines = []
    for pack in packs:
        if len(packs) > 1:
            lines += _pack_heading(pack)
        for plan in pack.content.plans():
            total = plan.targets_total
            listed = f"{plan.targets_listed} targets"
            if total is not None:
                listed = f"{plan.targets_listed} of {total.count} targets listed"
            lines.append(f"{visible(plan.slug):<12} {visible(plan.title)}")
            lines.append(f"{'':<12} {listed}, {plan.figures_listed} figures")
            lines.append(f"{'':<12} Key message: {visible(plan.key_message)}")
            lines.append("")
    output.write_lines(lines[:-1])
    return 0


def run_show(ctx: CommandContext) -> int:
    """``fypdesk show ID`` (or ``PACK:ID``)."""
    args = ctx.args
    pack, node_id = ctx.scope.resolve(args.id)
    repository = pack.content
    detail = repository.detail(node_id)
    base_year = _base_year(repository)
    if args.format == "json":
        output.write_json([_with_pack(pack, detail_record(detail, base_year))])
    else:
        lines = _detail_lines(detail)
        if len(ctx.scope.packs()) > 1:
            lines.insert(0, f"In {visible(pack.identity.title)} ({visible(pack.id)})")
        output.write_lines(lines)
    return 0


def _detail_lines(detail: NodeDetail) -> list[str]:
    node = detail.node
    lines = []
    if detail.breadcrumb:
        lines.append(" › ".join(visible(ref.title) for ref in detail.breadcrumb))
    lines += [visible(node.title), f"[{node.kind.value}] {visible(node.id)}", ""]
    if node.text:
        lines += [visible(node.text, multi_line=True), ""]
    lines += [f"Source: “{visible(node.source, multi_line=True)}”", ""]
    if detail.children:
        lines.append("Contents:")
        lines += [f"  {visible(child.id)}  {visible(child.title)}" for child in detail.children]
        lines.append("")
    if detail.quantities:
        lines += _quantity_table(detail.quantities)
        total = detail.plan.targets_total if detail.plan else None
        listed = sum(1 for q in detail.quantities if q.role is QuantityRole.TARGET)
        if total is not None and node.id == node.plan:
            lines.append(
                f"{listed} of the plan's {total.count} targets are listed in the briefing."
            )
    return lines


def _quantities_of(
    packs: Sequence[OpenPack], role: QuantityRole, plan: str | None
) -> list[tuple[OpenPack, tuple[Quantity, ...]]]:
    """Each pack's quantities of ``role`` (in ``plan``: of the packs that have it).

    Raises:
        UnknownPlanError: no pack read has ``plan``.
    """
    found = []
    missing: UnknownPlanError | None = None
    for pack in packs:
        try:
            found.append((pack, pack.content.quantities(role, plan)))
        except UnknownPlanError as exc:
            missing = exc
    if missing is not None and not found:
        raise missing
    return found


def run_quantities(ctx: CommandContext) -> int:
    """``fypdesk targets`` and ``fypdesk figures``."""
    args = ctx.args
    role: QuantityRole = args.role
    found = _quantities_of(ctx.scope.packs(), role, args.plan)
    records: list[dict[str, Any]] = []
    for pack, quantities in found:
        base_year = _base_year(pack.content)  # once a pack: it parses the briefing's facts
        records += (_with_pack(pack, quantity_record(q, base_year)) for q in quantities)
    if args.format == "json":
        output.write_json(records)
        return 0
    if args.format == "csv":
        fields = TARGET_FIELDS if role is QuantityRole.TARGET else FIGURE_FIELDS
        # "pack" last: the columns of the first release keep their places.
        output.write_csv(records, (*fields, "pack"))
        return 0
    lines = []
    for pack, quantities in found:
        if len(found) > 1:
            lines += _pack_heading(pack)
        lines += _quantity_table(quantities)
        if any(not q.year_stated for q in quantities):
            briefing = pack.content.briefing()
            period = period_text(briefing.period_start, briefing.period_end)
            lines.append(f"* year not stated by the source: the end of the plan period {period}")
        lines.append("")
    output.write_lines(lines[:-1])
    return 0


def _quantity_table(quantities: tuple[Quantity, ...]) -> list[str]:
    """The text table of ``fypdesk targets``/``figures`` and ``show``; every value is written by
    :mod:`fypdesk.domain.quantity_text`, as the window and the briefs write it."""
    headers = ["plan", "indicator", "baseline", "value", "unit", "year"]
    rows = [
        [
            q.plan,
            q.indicator if q.role is QuantityRole.TARGET else f"{q.indicator} (achieved)",
            baseline_text(q, unit=False) or NONE_MARK,
            value_text(q),
            unit_text(q),
            year_text(q),
        ]
        for q in quantities
    ]
    return output.table(headers, rows, wrap_column=1)


def run_search(ctx: CommandContext) -> int:
    """``fypdesk search QUERY``: the best hits of every briefing read, best first (a pack's
    hits keep their order; ranks of one index are compared with another's as bm25 gives them)."""
    args = ctx.args
    packs = ctx.scope.packs()
    ranked = [
        (hit.rank, index, order, pack, hit)
        for index, pack in enumerate(packs)
        for order, hit in enumerate(pack.content.search(args.query, limit=args.limit))
    ]
    ranked.sort(key=lambda entry: entry[:3])
    hits = [(pack, hit) for _rank, _index, _order, pack, hit in ranked[: args.limit]]
    if args.format == "json":
        output.write_json([_with_pack(pack, hit_record(hit)) for pack, hit in hits])
        return 0
    if not hits:
        output.write_lines([f"No results for {visible(args.query)!r}."])
        return 0
    lines = []
    for pack, hit in hits:
        where = f"{pack.id}:{hit.id}" if len(packs) > 1 else hit.id
        lines.append(f"{visible(where)}  [{hit.kind.value}] {visible(hit.title)}")
        snippet = hit.snippet.replace("<b>", "[").replace("</b>", "]")
        # One line: a snippet may span a line break of the text.
        lines.append(f"    {visible(' '.join(html.unescape(snippet).split()))}")
    output.write_lines(lines)
    return 0
