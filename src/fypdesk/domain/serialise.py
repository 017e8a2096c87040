"""Domain values as plain JSON-ready dictionaries, for the CLI, CSV export and note exchange."""

from __future__ import annotations

from typing import Any

from fypdesk.domain.content import (
    Briefing,
    Node,
    NodeDetail,
    NodeRef,
    PackManifest,
    PlanSummary,
    Quantity,
    QuantityRole,
    SearchHit,
)
from fypdesk.domain.growth import implied_change

#: Column order of target and figure records (JSON keys and CSV columns).
TARGET_FIELDS = (
    "id",
    "plan",
    "indicator",
    "kind",
    "direction",
    "qualifier",
    "baseline",
    "baseline_year",
    "target",
    "target_max",
    "target_year",
    "target_year_stated",
    "unit",
    "eur_unit",
    "eur_baseline",
    "eur_target",
    "eur_qualifier",
    "equivalent_currency",
    "equivalent_unit",
    "equivalent_baseline",
    "equivalent_target",
    "equivalent_qualifier",
    "change_absolute",
    "change_relative",
    "annual_growth",
    "annual_growth_base_year_assumed",
    "source",
)
FIGURE_FIELDS = (
    "id",
    "plan",
    "indicator",
    "kind",
    "direction",
    "qualifier",
    "baseline",
    "baseline_year",
    "value",
    "value_max",
    "year",
    "period_start",
    "unit",
    "eur_unit",
    "eur_baseline",
    "eur_value",
    "eur_qualifier",
    "equivalent_currency",
    "equivalent_unit",
    "equivalent_baseline",
    "equivalent_value",
    "equivalent_qualifier",
    "source",
)


def quantity_record(quantity: Quantity, plan_base_year: int | None) -> dict[str, Any]:
    """A target or figure as a flat record; targets use ``target*`` names, figures ``value*``.

    The euro equivalent is in the ``eur_*`` fields, as before other currencies were read; an
    equivalent in another currency in the ``equivalent_*`` fields, ``equivalent_currency`` its
    ISO 4217 code (all ``None`` when the source gives none).

    Args:
        quantity: the target or figure.
        plan_base_year: the year before the plan period, for the implied annual growth of a
            target whose baseline year the source does not state.
    """
    eur, other = quantity.eur, quantity.equivalent
    common: dict[str, Any] = {
        "id": quantity.id,
        "plan": quantity.plan,
        "indicator": quantity.indicator,
        "kind": quantity.kind.value,
        "direction": quantity.direction.value,
        "qualifier": quantity.qualifier.value if quantity.qualifier else None,
        "baseline": quantity.baseline,
        "baseline_year": quantity.baseline_year,
        "unit": quantity.unit,
        "eur_unit": eur.unit if eur else None,
        "eur_baseline": eur.baseline if eur else None,
        "eur_qualifier": eur.qualifier.value if eur and eur.qualifier else None,
        "equivalent_currency": other.currency if other else None,
        "equivalent_unit": other.unit if other else None,
        "equivalent_baseline": other.baseline if other else None,
        "equivalent_qualifier": other.qualifier.value if other and other.qualifier else None,
        "source": quantity.source,
    }
    if quantity.role is QuantityRole.FIGURE:
        common |= {
            "value": quantity.value,
            "value_max": quantity.value_max,
            "year": quantity.year,
            "period_start": quantity.period_start,
            "eur_value": eur.value if eur else None,
            "equivalent_value": other.value if other else None,
        }
        return {field: common[field] for field in FIGURE_FIELDS}
    change = implied_change(quantity, plan_base_year)
    common |= {
        "target": quantity.value,
        "target_max": quantity.value_max,
        "target_year": quantity.year,
        "target_year_stated": quantity.year_stated,
        "eur_target": eur.value if eur else None,
        "equivalent_target": other.value if other else None,
        "change_absolute": change.absolute if change else None,
        "change_relative": _rounded(change.relative) if change else None,
        "annual_growth": _rounded(change.annual_rate) if change else None,
        "annual_growth_base_year_assumed": change.base_year_assumed if change else None,
    }
    return {field: common[field] for field in TARGET_FIELDS}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def plan_record(plan: PlanSummary) -> dict[str, Any]:
    """A plan with its counts."""
    total = plan.targets_total
    return {
        "id": plan.id,
        "slug": plan.slug,
        "title": plan.title,
        "short_title": plan.short_title,
        "ministry": plan.ministry,
        "key_message": plan.key_message,
        "targets": plan.targets_listed,
        "targets_total": total.count if total else None,
        "targets_total_source": total.source if total else None,
        "figures": plan.figures_listed,
    }


def ref_record(ref: NodeRef) -> dict[str, Any]:
    """A link to a node."""
    return {"id": ref.id, "kind": ref.kind.value, "title": ref.title, "plan": ref.plan}


def node_record(node: Node) -> dict[str, Any]:
    """A node's own fields."""
    return {
        "id": node.id,
        "kind": node.kind.value,
        "section_kind": str(node.section_kind) if node.section_kind else None,
        "plan": node.plan,
        "parent": node.parent_id,
        "title": node.title,
        "text": node.text,
        "source": node.source,
    }


def detail_record(detail: NodeDetail, plan_base_year: int | None) -> dict[str, Any]:
    """A node with its breadcrumb, children and the targets and figures under it."""
    quantities = [quantity_record(q, plan_base_year) for q in detail.quantities]
    return node_record(detail.node) | {
        "breadcrumb": [ref_record(ref) for ref in detail.breadcrumb],
        "children": [ref_record(ref) for ref in detail.children],
        "targets": [q for q, d in zip(quantities, detail.quantities, strict=True) if _is_target(d)],
        "figures": [
            q for q, d in zip(quantities, detail.quantities, strict=True) if not _is_target(d)
        ],
        "targets_total": (
            detail.plan.targets_total.count if detail.plan and detail.plan.targets_total else None
        ),
    }


def _is_target(quantity: Quantity) -> bool:
    return quantity.role is QuantityRole.TARGET


def hit_record(hit: SearchHit) -> dict[str, Any]:
    """A search hit; ``snippet`` is HTML-escaped text with ``<b>`` around the matches."""
    return {
        "id": hit.id,
        "kind": hit.kind.value,
        "plan": hit.plan,
        "title": hit.title,
        "snippet": hit.snippet,
        "rank": round(hit.rank, 6),
    }


def briefing_record(briefing: Briefing) -> dict[str, Any]:
    """The briefing's metadata."""
    return {
        "id": briefing.id,
        "title": briefing.title,
        "date": briefing.date,
        "publisher": briefing.publisher,
        "period": [briefing.period_start, briefing.period_end],
        "content_version": briefing.content_version,
    }


def manifest_record(manifest: PackManifest) -> dict[str, Any]:
    """A pack's manifest, every field (``fypdesk pack info``)."""
    return {
        "id": manifest.id,
        "edition": manifest.edition,
        "title": manifest.title,
        "publisher": manifest.publisher,
        "date": manifest.date,
        "languages": list(manifest.languages),
        "period": {"start": manifest.period_start, "end": manifest.period_end},
        "licence": manifest.licence,
        "documents": list(manifest.documents),
        "content_sha256": manifest.content_sha256,
        "format": manifest.format,
        "format_version": manifest.format_version,
        "schema_version": manifest.schema_version,
    }
