"""The plans navigator: a filter box over the plans tree, with target/note badges and stars.

The tree view shows the model directly (no proxy): every Python call the view makes per row
counts at ×1000, where the briefing has 6,000 plans.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fypdesk.content.identity import BriefingChoice
from fypdesk.ui.common.escape_clears import escape_clears
from fypdesk.ui.navigator.model import Marks, NodeRoles, NodeTreeModel
from fypdesk.ui.navigator.outline import FilterResult

_STAR = "★"
#: An item the edition shown changed since a note on it was written (Go → Next changed item).
_CHANGED = "Δ"


class BadgeDelegate(QStyledItemDelegate):
    """Draws the title, then small pills for the target and note counts, and a star.

    Every visible row is painted on each change of the tree (twice per keystroke of the filter),
    so the pills are drawn once into a pixmap per look (texts, selection, palette, font, height)
    and reused, and the style is asked for the row only: its background across the row, then the
    item (title elided by the style) short of the pills.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pixmaps: dict[tuple[object, ...], QPixmap] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        badges = _badges(index.data(NodeRoles.MARKS))
        widget = option.widget
        style = widget.style() if isinstance(widget, QWidget) else None
        if not badges or style is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect = QRect(opt.rect)  # a copy: the attribute is a live reference into ``opt``
        pixmap = self._pills(badges, opt, painter.device().devicePixelRatioF())
        width = round(pixmap.width() / pixmap.devicePixelRatio())
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        opt.rect = rect.adjusted(0, 0, -width, 0)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.drawPixmap(rect.right() + 1 - width, rect.top(), pixmap)

    def _pills(
        self, badges: list[tuple[str, bool]], opt: QStyleOptionViewItem, ratio: float
    ) -> QPixmap:
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        height = opt.rect.height()
        key = (tuple(badges), selected, palette.cacheKey(), opt.font.key(), height, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            return pixmap
        if len(self._pixmaps) > 256:  # counts vary; keep the cache small
            self._pixmaps.clear()
        metrics = opt.fontMetrics
        widths = [metrics.horizontalAdvance(text) + 10 for text, _ in badges]
        total = sum(widths) + 4 * len(widths)
        pixmap = QPixmap(max(1, round(total * ratio)), max(1, round(height * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(opt.font)
        x = 4
        for (text, filled), width in zip(badges, widths, strict=True):
            pill = QRect(x, 3, width, height - 6)
            if filled:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(palette.color(QPalette.ColorRole.Mid))
                painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            role = (
                QPalette.ColorRole.HighlightedText
                if selected and not filled
                else QPalette.ColorRole.Text
            )
            painter.setPen(palette.color(role))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
            x += width + 4
        painter.end()
        self._pixmaps[key] = pixmap
        return pixmap

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        badges = _badges(index.data(NodeRoles.MARKS))
        extra = sum(option.fontMetrics.horizontalAdvance(t) + 14 for t, _ in badges)
        return QSize(size.width() + extra, max(size.height(), 22))


def _badges(marks: object) -> list[tuple[str, bool]]:
    """The pills of a row: (text, filled)."""
    if not isinstance(marks, Marks):
        return []
    badges: list[tuple[str, bool]] = []
    if marks.targets:
        badges.append((f"◎ {marks.targets}", True))
    if marks.notes:
        badges.append((f"✎ {marks.notes}", True))
    if marks.follow_up:
        badges.append(("⚑", False))
    if marks.starred:
        badges.append((_STAR, False))
    if marks.changed:
        badges.append((_CHANGED, False))
    return badges


class Navigator(QWidget):
    """Filter box and tree; emits ``node_requested`` when the user picks a node.

    While a filter text is typed the tree shows the matching nodes with their ancestors, expanded;
    clearing it brings back the whole tree as it was expanded, with the current node revealed.
    The library's other briefings are rows of the top level: selecting one emits
    ``briefing_selected``, activating it (Enter, double click) ``briefing_requested``.
    """

    node_requested = Signal(str)
    briefing_selected = Signal(BriefingChoice)
    briefing_requested = Signal(BriefingChoice)

    def __init__(self, model: NodeTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.model = model
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("navigatorFilter")
        self.filter_edit.setPlaceholderText("Filter plans…")
        self.filter_edit.setAccessibleName("Filter the plans tree")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.filter_status = QLabel(self)
        self.filter_status.setObjectName("navigatorFilterStatus")
        self.filter_status.setTextFormat(Qt.TextFormat.PlainText)
        # One line that never asks for more width: a change of text must not re-lay out the dock.
        self.filter_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.filter_status.hide()
        self.tree = QTreeView(self)
        self.tree.setObjectName("navigatorTree")
        self.tree.setAccessibleName("Plans")
        self.tree.setModel(model)
        self.tree.setHeaderHidden(True)
        # One column, always as wide as the view: long titles elide, badges stay in sight.
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.setUniformRowHeights(True)
        self.tree.setItemDelegate(BadgeDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        escape_clears(self.filter_edit, self.tree)
        # Which nodes the user has expanded in the whole tree, restored when a filter is cleared
        # (a model reset makes the view forget them).
        self._expanded: dict[str, None] = {}
        self.tree.expanded.connect(self._on_tree_expanded)
        self.tree.collapsed.connect(self._on_tree_collapsed)
        self.tree.expand(model.root_index())
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)
        self.tree.activated.connect(self._on_tree_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.filter_status)
        layout.addWidget(self.tree)
        self._quiet = False
        self._current: tuple[str, tuple[str, ...]] | None = None

    def set_library(self, briefings: Sequence[BriefingChoice], current: str) -> None:
        """Show the library's ``briefings`` beside the open one (pack ``current``), keeping the
        open one's expanded rows and selection."""
        self.model.set_library(briefings, current)
        self.tree.setAccessibleName("Briefings and plans" if len(briefings) > 1 else "Plans")
        self._restore_expanded()
        self._reveal_current()

    def show_node(self, node_id: str, ancestors: tuple[str, ...]) -> None:
        """Select and reveal ``node_id`` without emitting ``node_requested``."""
        self._current = (node_id, ancestors)
        self._reveal_current()

    def current_node_id(self) -> str | None:
        """The id of the selected node, if any."""
        value = self.tree.currentIndex().data(NodeRoles.NODE_ID)
        return value if isinstance(value, str) else None

    def _reveal_current(self) -> None:
        if self._current is None:
            return
        index = self.model.index_for(*self._current)
        if not index.isValid():
            return
        self._quiet = True
        try:
            self.tree.setCurrentIndex(index)
            # The first row of an unscrolled tree is in view already; asking the view to make
            # sure lays out every row first (0.1 s at start-up with 6,000 plans).
            at_top = self.tree.verticalScrollBar().value() == 0
            if index.parent().isValid() or index.row() > 0 or not at_top:
                self.tree.scrollTo(index)
        finally:
            self._quiet = False

    def _on_filter_edit_text_changed(self, text: str) -> None:
        was_filtered = self.model.is_filtered()
        result = self.model.set_filter(text)
        if self.model.is_filtered():
            # Small by construction (at most MATCH_LIMIT matches and their ancestors). Blocked,
            # the view skips an ``expanded`` signal per row: they are not the user's expansions.
            blocked = self.tree.blockSignals(True)
            try:
                self.tree.expandAll()
            finally:
                self.tree.blockSignals(blocked)
        elif was_filtered:
            self._restore_expanded()
        self._show_filter_status(result)
        self._reveal_current()

    def _restore_expanded(self) -> None:
        self.tree.expand(self.model.root_index())
        for node_id in self._expanded:
            self.tree.expand(self.model.index_for(node_id, ()))

    def _show_filter_status(self, result: FilterResult) -> None:
        if not self.model.is_filtered():
            self.filter_status.hide()
            return
        if result.matches == 0:
            text = "No matches"
        elif result.shown < result.matches:
            text = f"First {result.shown:,} of {result.matches:,} matches"
        else:
            text = f"{result.matches:,} match{'es' if result.matches != 1 else ''}"
        self.filter_status.setText(text)
        self.filter_status.show()

    def _on_tree_expanded(self, index: QModelIndex) -> None:
        node_id = index.data(NodeRoles.NODE_ID)
        if not self.model.is_filtered() and isinstance(node_id, str):
            self._expanded[node_id] = None

    def _on_tree_collapsed(self, index: QModelIndex) -> None:
        node_id = index.data(NodeRoles.NODE_ID)
        if not self.model.is_filtered() and isinstance(node_id, str):
            self._expanded.pop(node_id, None)

    def _on_tree_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        if self._quiet or selected.isEmpty():
            return
        index = selected.indexes()[0]
        briefing = index.data(NodeRoles.BRIEFING)
        if isinstance(briefing, BriefingChoice):
            self.briefing_selected.emit(briefing)
            return
        node_id = index.data(NodeRoles.NODE_ID)
        if isinstance(node_id, str):
            self.node_requested.emit(node_id)

    def _on_tree_activated(self, index: QModelIndex) -> None:
        briefing = index.data(NodeRoles.BRIEFING)
        if isinstance(briefing, BriefingChoice):
            self.briefing_requested.emit(briefing)
