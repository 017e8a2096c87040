"""The bundled script fonts reach the window: notes in Hindi or Thai are not drawn as boxes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter
from pytestqt.qtbot import QtBot

from fypdesk import paths
from fypdesk.ui.common.bundled_fonts import register_bundled_fonts

FONTS = paths.resources_dir() / "fonts"


def _drawn(text: str) -> QImage:
    """``text`` drawn in the window's default font, as a label or the notes list draws it."""
    image = QImage(160, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(QFont())
    painter.setPen(QColor("black"))
    painter.drawText(5, 30, text)
    painter.end()
    return image


def test_the_script_fonts_are_registered_once(qtbot: QtBot) -> None:
    families = register_bundled_fonts(FONTS)
    for family in ("Noto Sans Devanagari", "Noto Sans Thai", "Noto Sans Tamil", "NanumSquare"):
        assert family in families
        assert family in QFontDatabase.families()
    assert not any(family.startswith("DejaVu") for family in families)  # the PDF's body font
    assert register_bundled_fonts(FONTS) == families


@pytest.mark.parametrize(
    ("one", "other"),
    [("क", "ख"), ("ก", "ข"), ("க", "ங"), ("ক", "খ"), ("가", "나")],
    ids=["devanagari", "thai", "tamil", "bengali", "hangul"],
)
def test_letters_of_each_script_are_drawn_as_themselves(qtbot: QtBot, one: str, other: str) -> None:
    # A missing glyph is drawn as the same empty box whatever the letter: two letters drawing
    # the same image means neither has a font.
    register_bundled_fonts(FONTS)
    assert _drawn(one) != _drawn(other)
