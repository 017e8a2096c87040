"""Render the application icon from its SVG into the sizes each platform wants.

Writes ``build/icons/``: ``hicolor/<N>x<N>/apps/org.fypdesk.FypDesk.png`` for the freedesktop
icon theme, ``fypdesk.ico`` for Windows and ``fypdesk.icns`` for macOS (Qt's image plugins write
both). Run by ``make dist`` and ``make install-desktop``; nothing generated is committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # after QT_QPA_PLATFORM is chosen
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "fypdesk.svg"
APP_ID = "org.fypdesk.FypDesk"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at ``size`` pixels square, on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main(out: Path) -> int:
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"render_icons: cannot read {SVG}", file=sys.stderr)
        return 1
    for size in HICOLOR_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        # Qt picks the format from the suffix; PySide6 6.12's stubs and runtime disagree on
        # the type of an explicit format argument.
        if not render(renderer, size).save(str(target)):
            print(f"render_icons: cannot write {target}", file=sys.stderr)
            return 1
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SVG.read_bytes())
    render(renderer, 256).save(str(out / "fypdesk.ico"))
    render(renderer, 512).save(str(out / "fypdesk.icns"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons"))
