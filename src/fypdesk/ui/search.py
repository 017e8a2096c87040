"""Search as you type across content and notes, with highlighted snippets in a drop-down list."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFocusEvent,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from fypdesk.domain.content import NodeKind, SearchHit
from fypdesk.ui.notes_port import NoteHit

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One line of results; ``title_html`` and ``snippet_html`` are already escaped."""

    node_id: str
    title_html: str
    snippet_html: str
    is_note: bool
    label: str = ""


class SearchResultsModel(QAbstractListModel):
    """Results of the latest query; ``UserRole`` gives the :class:`ResultRow`."""

    ROW = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[ResultRow, ...] = ()

    def set_rows(self, rows: Sequence[ResultRow]) -> None:
        """Replace every result."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            label = f"<b>{html.escape(row.label)}:</b> " if row.label else ""
            return f"{label}{row.title_html}<br><small>{row.snippet_html}</small>"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _plain(row.title_html)
        if role == self.ROW:
            return row
        return None


class HtmlDelegate(QStyledItemDelegate):
    """Renders the (escaped) HTML a model gives for ``DisplayRole``.

    Laid-out documents are cached by text and width: sizing, layout and painting each ask for
    every visible row, and laying out rich text is the costly part of a search keystroke.
    """

    _CACHE_SIZE = 128

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[tuple[str, int, str], QTextDocument] = {}

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        width = option.rect.width()
        view = self.parent()
        if width <= 0 and isinstance(view, QListView):
            width = view.viewport().width()  # sizeHint gets no rect; rows span the view
        markup = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        key = (markup, max(120, width - 8), option.font.key())
        document = self._documents.get(key)
        if document is None:
            if len(self._documents) >= self._CACHE_SIZE:
                self._documents.clear()
            document = QTextDocument()
            document.setDocumentMargin(2)
            document.setDefaultFont(option.font)
            document.setHtml(markup)
            document.setTextWidth(key[1])
            self._documents[key] = document
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft() + QPoint(4, 2))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        document = self._document(option, index)
        return QSize(int(document.idealWidth()) + 8, int(document.size().height()) + 4)


SearchFn = Callable[[str], tuple[Sequence[SearchHit], Sequence[NoteHit]]]


class SearchBox(QLineEdit):
    """A search field whose results drop down under it, inside ``host``.

    Signals:
        node_requested: the user picked a result (its node id).
    """

    node_requested = Signal(str)

    def __init__(
        self,
        search: SearchFn,
        title_of: Callable[[str], str],
        host: QWidget,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setPlaceholderText("Search plans and notes  (Ctrl+K)")
        self.setAccessibleName("Search plans and notes")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self._search = search
        self._title_of = title_of
        self._host = host
        self.results_model = SearchResultsModel(self)
        self.results = QListView(host)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setUniformItemSizes(False)
        self.results.hide()
        self.results.clicked.connect(self._on_results_clicked)
        self.textChanged.connect(self._on_self_text_changed)

    def _on_self_text_changed(self, text: str) -> None:
        if not text.strip():
            self.results_model.set_rows(())
            self.results.hide()
            return
        hits, note_hits = self._search(text)
        rows = [
            ResultRow(h.id, h.title_html, h.snippet, False, _KIND_LABELS.get(h.kind, ""))
            for h in hits
        ]
        for hit in note_hits:
            title = self._title_of(hit.node_id)
            rows.append(ResultRow(hit.node_id, html.escape(title), hit.snippet, True, "Note on"))
        self.results_model.set_rows(rows)
        if rows:
            self.results.setCurrentIndex(self.results_model.index(0))
        self._place_results()

    def _place_results(self) -> None:
        if self.results_model.rowCount() == 0:
            self.results.hide()
            return
        top_left = self.mapTo(self._host, QPoint(0, self.height()))
        width = max(200, min(max(self.width(), 520), 720, self._host.width() - top_left.x() - 8))
        # Row heights depend on the width, which a hidden view does not know yet: show it first.
        self.results.setGeometry(top_left.x(), top_left.y(), width, 100)
        self.results.show()
        self.results.doItemsLayout()
        rows = sum(
            self.results.sizeHintForIndex(self.results_model.index(r)).height()
            for r in range(self.results_model.rowCount())
        )
        height = min(rows + 2 * self.results.frameWidth() + 2, 420, self._host.height() // 2)
        self.results.setGeometry(top_left.x(), top_left.y(), width, max(40, height))
        self.results.show()
        self.results.raise_()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.isVisible():
            step = 1 if key == Qt.Key.Key_Down else -1
            row = self.results.currentIndex().row() + step
            row = max(0, min(self.results_model.rowCount() - 1, row))
            self.results.setCurrentIndex(self.results_model.index(row))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.results.currentIndex())
            return
        if key == Qt.Key.Key_Escape and self.results.isVisible():
            self.results.hide()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        if self.text().strip():
            self._place_results()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.results.hide()

    def _on_results_clicked(self, index: QModelIndex) -> None:
        self._activate(index)

    def _activate(self, index: QModelIndex) -> None:
        if not index.isValid():
            index = self.results_model.index(0)
        row = index.data(SearchResultsModel.ROW)
        if isinstance(row, ResultRow):
            self.results.hide()
            self.node_requested.emit(row.node_id)


_KIND_LABELS = {
    NodeKind.PLAN: "Plan",
    NodeKind.SECTION: "Section",
    NodeKind.TARGET: "Target",
    NodeKind.FIGURE: "Figure",
}


def _plain(markup: str) -> str:
    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()
