"""Composition root of the desktop app: builds the repositories, the QApplication and the window.

This is a first, minimal reader window (the briefing overview and one item at a time); the full
reader (navigator, targets table, notes panel, search) is built on the same root.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

from PySide6.QtCore import QSize, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QTextBrowser

from fypdesk import __version__, paths
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import NodeDetail
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.growth import format_number

NODE_SCHEME = "fypdesk"


class ReaderWindow(QMainWindow):
    """A window that shows one node of the content as rich text; links navigate."""

    def __init__(self, content: ContentRepository) -> None:
        super().__init__()
        self._content = content
        self.setObjectName("readerWindow")
        self.setWindowTitle(f"fypdesk {__version__}")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("readingPane")
        self.browser.setAccessibleName("Reading pane")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.setCentralWidget(self.browser)

    def show_node(self, node_id: str) -> None:
        """Render ``node_id``; raises :class:`UnknownNodeError` for an unknown id."""
        detail = self._content.detail(node_id)
        self.browser.setHtml(_render(detail, self._content))
        self.setWindowTitle(f"{detail.node.title} — fypdesk")

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == NODE_SCHEME:
            self.show_node(url.path().lstrip("/"))
        else:
            QDesktopServices.openUrl(url)


def _render(detail: NodeDetail, content: ContentRepository) -> str:
    node = detail.node
    esc = html.escape
    crumbs = " › ".join(
        f'<a href="{NODE_SCHEME}:/{esc(ref.id)}">{esc(ref.title)}</a>' for ref in detail.breadcrumb
    )
    parts = [f"<p>{crumbs}</p>" if crumbs else "", f"<h1>{esc(node.title)}</h1>"]
    if node.text:
        parts += [f"<p>{esc(p)}</p>" for p in node.text.split("\n\n")]
    if detail.children:
        plans = {plan.slug: plan for plan in content.plans()} if node.kind.value == "briefing" else {}
        parts.append("<ul>")
        for child in detail.children:
            extra = ""
            if child.id in plans:
                plan = plans[child.id]
                extra = f" — {plan.targets_listed} targets"
                if plan.targets_total:
                    extra = f" — {plan.targets_listed} of {plan.targets_total.count} targets listed"
            parts.append(f'<li><a href="{NODE_SCHEME}:/{esc(child.id)}">{esc(child.title)}</a>{extra}</li>')
        parts.append("</ul>")
    if detail.quantities:
        parts.append("<table cellpadding='4'><tr><th align='left'>Indicator</th><th>Baseline</th>"
                     "<th>Value</th><th>Unit</th><th>Year</th></tr>")
        for q in detail.quantities:
            baseline = format_number(q.baseline) if q.baseline is not None else "–"
            value = format_number(q.value) + (f"–{format_number(q.value_max)}" if q.value_max else "")
            parts.append(
                f"<tr><td>{esc(q.indicator)}</td><td align='right'>{baseline}</td>"
                f"<td align='right'>{esc((q.qualifier or '') + ' ' + value)}</td>"
                f"<td>{esc(q.unit)}</td><td>{q.year}</td></tr>"
            )
        parts.append("</table>")
    parts.append(f"<blockquote><i>Source: “{esc(node.source)}”</i></blockquote>")
    return "".join(parts)


def run(args: argparse.Namespace) -> int:
    """Start the app; with ``--screenshot``, render once and exit."""
    if not _display_available():
        print(
            "fypdesk: error: no display found; for headless use set QT_QPA_PLATFORM=offscreen",
            file=sys.stderr,
        )
        return 1
    content_path: Path = args.content if args.content is not None else paths.bundled_content_path()
    content = ContentRepository.open(content_path)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    QApplication.setApplicationName("fypdesk")
    QApplication.setApplicationVersion(__version__)
    _apply_theme(args.theme)
    window = ReaderWindow(content)
    width, height = args.size or (1200, 800)
    window.resize(QSize(width, height))
    window.show_node(args.select or "briefing")
    window.show()
    if args.screenshot is not None:
        return _screenshot(app, window, args.screenshot)
    return app.exec()


def _display_available() -> bool:
    import os

    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _apply_theme(theme: str | None) -> None:
    from PySide6.QtCore import Qt

    hints = QGuiApplication.styleHints()
    if theme == "dark":
        hints.setColorScheme(Qt.ColorScheme.Dark)
    elif theme == "light":
        hints.setColorScheme(Qt.ColorScheme.Light)
    _ = QPalette  # palette roles drive every colour; nothing is hard-coded


def _screenshot(app: QApplication, window: ReaderWindow, out: Path) -> int:
    result = {"code": 1}

    def grab() -> None:
        image = window.grab().toImage()
        if image.isNull() or not image.save(str(out), "PNG"):
            print(f"fypdesk: error: cannot write screenshot {out}", file=sys.stderr)
        else:
            result["code"] = 0
        app.quit()

    QTimer.singleShot(0, grab)
    app.exec()
    return result["code"]


__all__ = ["FypdeskError", "ReaderWindow", "run"]
