"""The fonts bundled for the PDF briefs, made available to the window as well.

Notes in Hindi, Bengali, Tamil, Thai, Korean or Chinese print in the PDF with the fonts in
``resources/fonts``; without them the window would show such notes as empty boxes on a system that
lacks fonts for those scripts. Registered with Qt, they are what Qt falls back to for characters
the user's interface font does not have; the interface font itself is unchanged.

Registering them takes about 12 ms, so the window does it after its first paint, before the notes
are shown (see :mod:`fypdesk.ui.app`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase

_log = logging.getLogger(__name__)

#: The PDF's body font: the window keeps the system's interface font for text it covers.
_NOT_FOR_THE_WINDOW = ("DejaVuSans",)
#: Font files registered in this process (Qt would add a second copy of a file added twice).
_registered: dict[Path, tuple[str, ...]] = {}


def register_bundled_fonts(folder: Path) -> tuple[str, ...]:
    """Register the fonts in ``folder`` with Qt, once per process; the font families they add."""
    families: list[str] = []
    for path in sorted(folder.glob("*.ttf")):
        if path.name.startswith(_NOT_FOR_THE_WINDOW):
            continue
        if path not in _registered:
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                _log.warning("Qt cannot load the bundled font %s", path)
                _registered[path] = ()
            else:
                _registered[path] = tuple(QFontDatabase.applicationFontFamilies(font_id))
        families += _registered[path]
    return tuple(families)
