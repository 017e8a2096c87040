"""The reference for first paint: a bare PySide6 window showing one label, rendered to a PNG the
way ``fypdesk gui --screenshot`` renders its window (after the first paint), then exit.

``python -m benchmarks.bare_window OUT.png``
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QLabel


def main() -> int:
    """Show the label, grab it once painted, save ``argv[1]``."""
    app = QApplication([sys.argv[0]])
    label = QLabel("fypdesk")
    label.resize(1280, 800)
    label.show()
    loop = QEventLoop()
    saved: list[bool] = []

    def grab() -> None:
        image = label.grab().toImage()
        saved.append(image.save(sys.argv[1], "PNG"))  # type: ignore[call-overload]
        loop.quit()

    QTimer.singleShot(0, grab)
    loop.exec()
    label.close()
    app.processEvents()
    return 0 if saved and saved[0] else 1


if __name__ == "__main__":
    sys.exit(main())
