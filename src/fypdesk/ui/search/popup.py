"""Search as you type across content and notes, with highlighted snippets in a drop-down list;
with a library, the other briefings' hits join the list when they are in (see
:mod:`fypdesk.ui.search.other_briefings`), each naming its briefing."""

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
    QFont,
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

from fypdesk.content.identity import BriefingChoice
from fypdesk.domain.content import NodeKind, SearchHit
from fypdesk.domain.notes import NoteHit
from fypdesk.ui.common.text import shortened
from fypdesk.ui.search.other_briefings import BriefingHit, OtherBriefingsSearch

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One line of results; ``title_html`` and ``snippet_html`` are already escaped."""

    node_id: str
    title_html: str
    snippet_html: str
    is_note: bool
    label: str = ""
    #: The briefing the hit is in, named on the row when the library has several.
    briefing_title: str = ""
    #: The other briefing of the library the hit is in (``None``: the open one).
    briefing: BriefingChoice | None = None


class SearchResultsModel(QAbstractListModel):
    """Results of the latest query; ``UserRole`` gives the :class:`ResultRow`."""

    ROW = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[ResultRow, ...] = ()
        self._markup: tuple[str, ...] = ()

    def set_rows(self, rows: Sequence[ResultRow]) -> None:
        """Replace every result."""
        self.beginResetModel()
        self._rows = tuple(rows)
        # Built once: the delegate asks for every row's markup on each layout and paint.
        self._markup = tuple(_markup(row) for row in self._rows)
        self.endResetModel()

    def markup(self) -> tuple[str, ...]:
        """Every row's ``DisplayRole`` markup, in order."""
        return self._markup

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._markup[index.row()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _plain(self._rows[index.row()].title_html)
        if role == self.ROW:
            return self._rows[index.row()]
        return None


def _markup(row: ResultRow) -> str:
    label = f"<b>{html.escape(row.label)}:</b> " if row.label else ""
    where = (
        f"<i>{html.escape(shortened(row.briefing_title, 48))}</i> · " if row.briefing_title else ""
    )
    return f"{label}{row.title_html}<br><small>{where}{row.snippet_html}</small>"


class HtmlDelegate(QStyledItemDelegate):
    """Renders the (escaped) HTML a model gives for ``DisplayRole``.

    Each markup is laid out once per width and font, and its document and size are reused: a
    list of rows of different heights asks every row's size on each layout pass, and laying out
    rich text is the costly part of a search keystroke.
    """

    _CACHE_SIZE = 128

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._layouts: dict[tuple[str, int], tuple[QTextDocument, QSize]] = {}
        self._font = QFont()

    def layout(self, markup: str, row_width: int, font: QFont) -> tuple[QTextDocument, QSize]:
        """The laid-out document of ``markup`` in a row ``row_width`` wide, and the row's size."""
        if font != self._font:
            self._layouts.clear()
            self._font = QFont(font)
        key = (markup, max(120, row_width - 8))
        cached = self._layouts.get(key)
        if cached is None:
            if len(self._layouts) >= self._CACHE_SIZE:
                self._layouts.clear()
            document = QTextDocument()
            document.setDocumentMargin(2)
            document.setDefaultFont(font)
            document.setHtml(markup)
            document.setTextWidth(key[1])
            size = QSize(int(document.idealWidth()) + 8, int(document.size().height()) + 4)
            cached = self._layouts[key] = (document, size)
        return cached

    def _layout_of(self, option: QStyleOptionViewItem, index: Index) -> tuple[QTextDocument, QSize]:
        # Rows span the list: its width, not the item's rect (sizeHint gets none, and painting
        # gets one as wide as the text), keeps one layout per row for sizing and painting.
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        markup = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        return self.layout(markup, width, option.font)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        document, _size = self._layout_of(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft() + QPoint(4, 2))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        return QSize(self._layout_of(option, index)[1])


SearchFn = Callable[[str], tuple[Sequence[SearchHit], Sequence[NoteHit]]]


class SearchBox(QLineEdit):
    """A search field whose results drop down under it, inside ``host``.

    Signals:
        node_requested: the user picked a result (its node id).
        briefing_node_requested: the user picked a result in another briefing of the library
            (the briefing, the node id).
    """

    node_requested = Signal(str)
    briefing_node_requested = Signal(BriefingChoice, str)

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
        self._delegate = HtmlDelegate(self.results)
        self.results.setItemDelegate(self._delegate)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setUniformItemSizes(False)
        # Rows wrap to the list's width; a sideways bar would only flicker in and out while
        # the vertical one comes and goes.
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # An opaque list: showing, resizing or changing it then repaints only itself, not the
        # navigator, tabs and reading pane beneath it (most of a keystroke's painting otherwise).
        self.results.setAutoFillBackground(True)
        self.results.hide()
        self.results.clicked.connect(self._on_results_clicked)
        self.textChanged.connect(self._on_self_text_changed)
        self._others: OtherBriefingsSearch | None = None
        self._everywhere = True
        self._open_title = ""
        self._own_rows: list[ResultRow] = []

    def set_library(self, others: OtherBriefingsSearch | None, open_title: str) -> None:
        """Search the library's other briefings with ``others`` too (``None``: the open briefing
        alone), naming the briefing of each hit; ``open_title`` is the open one's."""
        if self._others is not None:
            self._others.results_ready.disconnect(self._on_others_results_ready)
        self._others = others
        self._open_title = open_title if others is not None and others.briefings else ""
        if others is not None:
            others.results_ready.connect(self._on_others_results_ready)
        what = "the library" if self._open_title else "plans"
        self.setPlaceholderText(f"Search {what} and notes  (Ctrl+K)")
        self.setAccessibleName(f"Search {what} and notes")

    def set_everywhere(self, everywhere: bool) -> None:
        """Search every briefing of the library (``True``) or the open one alone."""
        self._everywhere = everywhere
        self._on_self_text_changed(self.text())

    def _on_self_text_changed(self, text: str) -> None:
        others = self._others if self._everywhere else None
        if self._others is not None:
            self._others.search(text if others is not None else "")
        if not text.strip():
            self._own_rows = []
            self.results_model.set_rows(())
            self.results.hide()
            return
        hits, note_hits = self._search(text)
        named = self._open_title if others is not None else ""
        rows = [
            ResultRow(h.id, h.title_html, h.snippet, False, _KIND_LABELS.get(h.kind, ""), named)
            for h in hits
        ]
        for hit in note_hits:
            title = html.escape(self._title_of(hit.node_id))
            rows.append(ResultRow(hit.node_id, title, hit.snippet_html, True, "Note on", named))
        self._own_rows = rows
        self._show_rows(rows)

    def _on_others_results_ready(self, query: str, hits: object) -> None:
        if query != self.text() or not self._everywhere or not isinstance(hits, tuple):
            return
        rows = list(self._own_rows)
        for found in hits:
            if isinstance(found, BriefingHit):
                h, b = found.hit, found.briefing
                label = _KIND_LABELS.get(h.kind, "")
                rows.append(ResultRow(h.id, h.title_html, h.snippet, False, label, b.title, b))
        if len(rows) > len(self._own_rows):
            current = self.results.currentIndex().row()
            self._show_rows(rows, current)

    def _show_rows(self, rows: Sequence[ResultRow], current: int = 0) -> None:
        self.results_model.set_rows(rows)
        # Placed first, so the list lays its rows out once, at their final width.
        self._place_results()
        if rows:
            self.results.setCurrentIndex(self.results_model.index(max(0, current)))

    def _place_results(self) -> None:
        if self.results_model.rowCount() == 0:
            self.results.hide()
            return
        top_left = self.mapTo(self._host, QPoint(0, self.height()))
        width = max(200, min(max(self.width(), 520), 720, self._host.width() - top_left.x() - 8))
        # The rows' heights at the width they will have, from the delegate's laid-out documents
        # (which the list then reuses): one geometry change per keystroke, so the widgets under
        # the list are not uncovered and repainted by an intermediate size.
        frame = self.results.frameWidth()
        font = self.results.font()
        most = min(420, self._host.height() // 2)
        chrome = 2 * frame + 2
        rows = 0
        for markup in self.results_model.markup():
            rows += self._delegate.layout(markup, width - 2 * frame, font)[1].height()
            if chrome + rows > most:
                break  # it scrolls: the list measures its rows at the narrower width itself
        scrolls = chrome + rows > most
        # Said before the list lays its rows out: a scroll bar that appears afterwards narrows
        # the rows, and the list would keep the heights of the wider ones (rows overlapping).
        bar = Qt.ScrollBarPolicy
        self.results.setVerticalScrollBarPolicy(
            bar.ScrollBarAlwaysOn if scrolls else bar.ScrollBarAlwaysOff
        )
        height = most if scrolls else chrome + rows
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
            if row.briefing is not None:
                self.briefing_node_requested.emit(row.briefing, row.node_id)
            else:
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
