"""The reading pane: one node as rich text, with links to its breadcrumb and children; or the
card of another briefing of the library, with a link that opens it."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTextBrowser, QWidget

from fypdesk.content.identity import BriefingChoice
from fypdesk.domain.content import (
    Briefing,
    NodeDetail,
    NodeKind,
    PlanSummary,
    Quantity,
    QuantityRole,
    SectionKind,
)
from fypdesk.domain.growth import format_number, implied_change
from fypdesk.domain.quantity_text import (
    IMPLIED_YEAR_NOTE,
    absolute_change_text,
    baseline_text,
    equivalent_lines,
    percent_text,
    unit_text,
    value_text,
    value_with_unit,
    year_text,
)

NODE_SCHEME = "fypdesk"
#: The link of a briefing card that opens the briefing.
OPEN_BRIEFING_URL = "fypdesk-open:briefing"
#: The most children a page lists. A content pack with thousands of plans would otherwise make
#: the overview a page Qt takes seconds to lay out (and nobody reads); the navigator lists all.
MAX_CHILDREN_LISTED = 200


def node_url(node_id: str) -> str:
    """The link that navigates to ``node_id``."""
    return f"{NODE_SCHEME}:{html.escape(node_id, quote=True)}"


@dataclass(frozen=True, slots=True)
class Page:
    """Everything one rendering needs, read before rendering."""

    detail: NodeDetail
    briefing: Briefing
    plans: Sequence[PlanSummary]


def _listed_note(plan: PlanSummary) -> str:
    if plan.targets_listed == 0 and plan.figures_listed:
        return f"no targets, {plan.figures_listed} figure{'s' if plan.figures_listed != 1 else ''}"
    if plan.targets_total is None:
        return f"{plan.targets_listed} target{'s' if plan.targets_listed != 1 else ''}"
    return f"{plan.targets_listed} of {plan.targets_total.count} targets listed"


def render(page: Page, palette: QPalette) -> str:
    """The page as HTML; colours come from ``palette``, every text is escaped."""
    esc = html.escape
    detail, node = page.detail, page.detail.node
    muted = muted_colour(palette)
    rule = palette.color(QPalette.ColorRole.Mid).name()
    parts = [
        f"<style>td, th {{ padding: 3px 8px; border-bottom: 1px solid {rule}; }}"
        f" .muted {{ color: {muted}; }} h1 {{ margin-bottom: 4px; }}"
        f" .year {{ white-space: nowrap; }}</style>"
    ]
    if detail.breadcrumb:
        crumbs = " › ".join(
            f'<a href="{node_url(ref.id)}">{esc(ref.title)}</a>' for ref in detail.breadcrumb
        )
        parts.append(f"<p class='muted'>{crumbs}</p>")
    parts.append(f"<h1>{esc(node.title)}</h1>")
    if node.kind is NodeKind.BRIEFING:
        b = page.briefing
        parts.append(f"<p class='muted'>{esc(b.publisher)} · {esc(b.date)}</p>")
        if not node.text:
            parts += [f"<p>{esc(p)}</p>" for p in b.introduction]
    plan_intro = detail.plan is not None and node.kind is NodeKind.PLAN
    if plan_intro and detail.plan is not None and detail.plan.key_message not in (node.text or ""):
        parts.append(f"<p><i>{esc(detail.plan.key_message)}</i></p>")
    if node.text:
        parts += [f"<p>{esc(p)}</p>" for p in node.text.split("\n\n")]
    if detail.quantity is not None:
        parts.append(_quantity_summary(detail.quantity, page.briefing.period_start - 1))
    if detail.children:
        parts.append(_children(page))
    targets = [q for q in detail.quantities if q.role is QuantityRole.TARGET]
    figures = [q for q in detail.quantities if q.role is QuantityRole.FIGURE]
    plan = detail.plan
    if node.kind is NodeKind.BRIEFING:
        # The overview lists the plans; every target is one keystroke away in the Targets tab.
        targets, figures = [], []
    if targets and detail.quantity is None:
        heading = "Targets"
        show_total = node.kind is NodeKind.PLAN or node.section_kind == SectionKind.TARGETS
        if plan is not None and plan.targets_total is not None and show_total:
            heading += f" <span class='muted'>({_listed_note(plan)})</span>"
        parts.append(f"<h3>{heading}</h3>" + _table(targets, "Target"))
    if figures and detail.quantity is None:
        parts.append("<h3>Figures</h3>" + _table(figures, "Value"))
    if plan is not None and plan.targets_total is not None and node.kind is NodeKind.TARGET:
        parts.append(
            f"<p class='muted'>The briefing lists {plan.targets_listed} of the "
            f"{plan.targets_total.count} targets the {esc(plan.short_title)} plan sets.</p>"
        )
    if node.source:
        parts.append(
            f"<h4 class='muted'>Source</h4><blockquote><i>“{esc(node.source)}”</i></blockquote>"
        )
    return "".join(parts)


def muted_colour(palette: QPalette) -> str:
    """The placeholder-text colour as an opaque ``#rrggbb``: the palette's is translucent (black
    at half opacity in the light theme), and ``QColor.name()`` drops the alpha, which made the
    muted metadata as black as the text. Blended over the page's background instead."""
    colour = palette.color(QPalette.ColorRole.PlaceholderText)
    base = palette.color(QPalette.ColorRole.Base)
    alpha = colour.alphaF()
    mixed = [
        round(alpha * getattr(colour, part)() + (1 - alpha) * getattr(base, part)())
        for part in ("red", "green", "blue")
    ]
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def render_briefing_card(briefing: BriefingChoice, palette: QPalette) -> str:
    """What the pane shows of a briefing of the library that is not open: what it is, and a
    link that opens it."""
    esc = html.escape
    muted = muted_colour(palette)
    return (
        f"<style>.muted {{ color: {muted}; }}</style>"
        f"<p class='muted'>Library</p><h1>{esc(briefing.title)}</h1>"
        f"<p class='muted'>{esc(briefing.publisher)} · {esc(briefing.date)}"
        f" · edition {esc(briefing.edition)}</p>"
        f"<p><a href='{OPEN_BRIEFING_URL}'>Open this briefing</a>"
        " <span class='muted'>(or press Enter in the navigator)</span></p>"
    )


def _children(page: Page) -> str:
    esc = html.escape
    items = []
    children = page.detail.children
    # Only pages listing plans need them by slug (a content pack can hold thousands).
    listed_plans = any(child.kind is NodeKind.PLAN for child in children)
    plans = {plan.slug: plan for plan in page.plans} if listed_plans else {}
    for child in children[:MAX_CHILDREN_LISTED]:
        extra = ""
        if child.kind is NodeKind.PLAN and child.id in plans:
            plan = plans[child.id]
            extra = (
                f"<br><span class='muted'>{esc(plan.key_message)}</span>"
                f"<br><span class='muted'>{_listed_note(plan)}</span>"
            )
        items.append(f'<li><a href="{node_url(child.id)}">{esc(child.title)}</a>{extra}</li>')
    more = len(children) - MAX_CHILDREN_LISTED
    tail = f"<p class='muted'>and {more:,} more, listed under Plans</p>" if more > 0 else ""
    return "<ul>" + "".join(items) + "</ul>" + tail


def _table(quantities: Sequence[Quantity], value_heading: str) -> str:
    esc = html.escape
    rows = [
        f"<table cellspacing='0'><tr><th align='left'>Indicator</th><th align='right'>Baseline</th>"
        f"<th align='right'>{value_heading}</th><th align='left'>Unit</th><th>Year</th></tr>"
    ]
    for q in quantities:
        baseline = format_number(q.baseline) if q.baseline is not None else "–"
        rows.append(
            f"<tr><td><a href='{node_url(q.id)}'>{esc(q.indicator)}</a></td>"
            f"<td align='right'>{esc(baseline)}</td>"
            f"<td align='right'>{esc(value_text(q))}</td>"
            f"<td>{esc(unit_text(q))}</td>"
            # A period (2016–2020) must not break in the middle of a year.
            f"<td class='year'>{esc(year_text(q))}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows) + _implied_year_note(quantities)


def _implied_year_note(quantities: Sequence[Quantity]) -> str:
    """What a year marked ``*`` means, under a table or summary that marks one."""
    if all(q.year_stated for q in quantities):
        return ""
    return f"<p class='muted'>{html.escape(IMPLIED_YEAR_NOTE)}</p>"


def _quantity_summary(q: Quantity, plan_base_year: int) -> str:
    esc = html.escape
    label = "Target" if q.role is QuantityRole.TARGET else "Value"
    rows = [("Indicator", q.indicator)]
    baseline = baseline_text(q)
    if baseline is not None:
        rows.append(("Baseline", baseline))
    rows.append((label, f"{value_with_unit(q)} ({year_text(q)})"))
    change = implied_change(q, plan_base_year) if q.role is QuantityRole.TARGET else None
    if change is not None:
        text = absolute_change_text(change.absolute, q.unit)
        if change.relative is not None:
            text += f" ({percent_text(change.relative)})"
        rows.append(("Change", text))
        if change.annual_rate is not None:
            assumed = ", base year assumed" if change.base_year_assumed else ""
            rows.append(
                (
                    "Implied annual growth",
                    f"{percent_text(change.annual_rate)} from {change.base_year}{assumed}",
                )
            )
    rows += equivalent_lines(q)  # "In euros", "In US dollars": each in its own currency
    cells = "".join(f"<tr><th align='left'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f"<table cellspacing='0'>{cells}</table>" + _implied_year_note([q])


class ReadingPane(QTextBrowser):
    """Shows one node; emits ``node_requested`` when a node link is followed. Shows a card of
    another briefing with :meth:`show_briefing`; its link emits ``briefing_requested``."""

    node_requested = Signal(str)
    briefing_requested = Signal(BriefingChoice)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingPane")
        self.setAccessibleName("Reading pane")
        self.setOpenLinks(False)
        # An as-needed scroll bar makes every long page lay out twice: setHtml empties the
        # document (the bar hides, the text gets wider), the new text overflows (the bar shows)
        # and Qt lays the whole page out again at the narrower width. Tables make that the
        # largest cost of selecting a plan; a permanent bar lays each page out once.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.anchorClicked.connect(self._on_self_anchor_clicked)
        self._page: Page | None = None
        self._card: BriefingChoice | None = None
        self._zoom = 0

    @property
    def page(self) -> Page | None:
        """What is shown."""
        return self._page

    def show_page(self, page: Page) -> None:
        """Render ``page``."""
        self._page, self._card = page, None
        self._render()

    def show_briefing(self, briefing: BriefingChoice) -> None:
        """Show the card of ``briefing``, a briefing of the library that is not open."""
        self._card = briefing
        self._render()

    @property
    def briefing_card(self) -> BriefingChoice | None:
        """The briefing whose card is shown, if one is."""
        return self._card

    def _render(self) -> None:
        if self._card is not None:
            self.setHtml(render_briefing_card(self._card, self.palette()))
        elif self._page is not None:
            self.setHtml(render(self._page, self.palette()))

    def set_zoom(self, steps: int) -> None:
        """Zoom the text ``steps`` points away from the default size."""
        self.zoomIn(steps - self._zoom)
        self._zoom = steps

    @property
    def zoom(self) -> int:
        """Zoom steps away from the default size."""
        return self._zoom

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._render()

    def _on_self_anchor_clicked(self, url: QUrl) -> None:
        # The app is offline: only links between nodes lead anywhere.
        if url.scheme() == NODE_SCHEME:
            self.node_requested.emit(url.path())
        elif url.toString() == OPEN_BRIEFING_URL and self._card is not None:
            self.briefing_requested.emit(self._card)
