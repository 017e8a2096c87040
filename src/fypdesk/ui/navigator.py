"""The plans navigator: a filter box over the plans tree, with target/note badges and stars."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fypdesk.domain.content import Node, NodeKind
from fypdesk.ui.navigator_model import NodeFilterProxy, NodeRoles, NodeTreeModel

_STAR = "★"
_LEAF_KINDS = frozenset({NodeKind.TARGET, NodeKind.FIGURE})


class BadgeDelegate(QStyledItemDelegate):
    """Draws the title, then small pills for the target and note counts, and a star."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        badges = _badges(index)
        metrics = option.fontMetrics
        widths = [metrics.horizontalAdvance(text) + 10 for text, _ in badges]
        reserved = sum(widths) + 4 * len(widths)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect = QRect(opt.rect)  # a copy: the attribute is a live reference into ``opt``
        opt.rect = rect.adjusted(0, 0, -reserved, 0)
        style = opt.widget.style() if opt.widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        # Paint the row background across the full width, the text in the narrowed rect.
        full = QStyleOptionViewItem(opt)
        full.rect = rect
        full.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, full, painter, opt.widget)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        x = rect.right() - reserved + 4
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for (text, filled), width in zip(badges, widths, strict=True):
            pill = QRect(x, rect.top() + 3, width, rect.height() - 6)
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
        painter.restore()

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        extra = sum(option.fontMetrics.horizontalAdvance(t) + 14 for t, _ in _badges(index))
        return QSize(size.width() + extra, max(size.height(), 22))


def _badges(index: QModelIndex | QPersistentModelIndex) -> list[tuple[str, bool]]:
    badges: list[tuple[str, bool]] = []
    targets = index.data(NodeRoles.TARGET_COUNT)
    notes = index.data(NodeRoles.NOTE_COUNT)
    leaf = isinstance(node := index.data(NodeRoles.ROW), Node) and node.kind in _LEAF_KINDS
    if isinstance(targets, int) and targets and not leaf:
        badges.append((f"◎ {targets}", True))
    if isinstance(notes, int) and notes:
        badges.append((f"✎ {notes}", True))
    if index.data(NodeRoles.FOLLOW_UP) is True:
        badges.append(("⚑", False))
    if index.data(NodeRoles.STARRED) is True:
        badges.append((_STAR, False))
    return badges


class Navigator(QWidget):
    """Filter box and tree; emits ``node_requested`` when the user picks a node."""

    node_requested = Signal(str)

    def __init__(self, model: NodeTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.model = model
        self.proxy = NodeFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("navigatorFilter")
        self.filter_edit.setPlaceholderText("Filter plans…")
        self.filter_edit.setAccessibleName("Filter the plans tree")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.tree = QTreeView(self)
        self.tree.setObjectName("navigatorTree")
        self.tree.setAccessibleName("Plans")
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        # One column, always as wide as the view: long titles elide, badges stay in sight.
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.setUniformRowHeights(True)
        self.tree.setItemDelegate(BadgeDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.expand(self.proxy.index(0, 0))
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree)
        self._quiet = False

    def show_node(self, node_id: str, ancestors: tuple[str, ...]) -> None:
        """Select and reveal ``node_id`` without emitting ``node_requested``."""
        source = self.model.index_for(node_id, ancestors)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return
        self._quiet = True
        try:
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        finally:
            self._quiet = False

    def current_node_id(self) -> str | None:
        """The id of the selected node, if any."""
        value = self.tree.currentIndex().data(NodeRoles.NODE_ID)
        return value if isinstance(value, str) else None

    def _on_filter_edit_text_changed(self, text: str) -> None:
        if text.strip():
            self.model.fetch_all()
        self.proxy.set_text(text)
        if text.strip():
            self.tree.expandAll()

    def _on_tree_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        if self._quiet or selected.isEmpty():
            return
        node_id = selected.indexes()[0].data(NodeRoles.NODE_ID)
        if isinstance(node_id, str):
            self.node_requested.emit(node_id)
