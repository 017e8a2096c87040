"""File → Open briefing: the library's briefings, the open one checked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMenu

from fypdesk.content.identity import BriefingChoice
from fypdesk.ui.common.text import shortened

MENU_NAME = "briefingsMenu"
#: The most characters of a title a menu entry shows (a menu is as wide as its widest entry).
MENU_TITLE_LENGTH = 80


def fill_briefings_menu(
    file_menu: QMenu,
    briefings: Sequence[BriefingChoice],
    current: str,
    open_briefing: Callable[[BriefingChoice], None],
) -> QMenu:
    """List ``briefings`` (by title) in the File menu's first submenu, created on first use;
    choosing one calls ``open_briefing``. With one briefing the submenu is disabled."""
    menu = file_menu.findChild(QMenu, MENU_NAME)
    if menu is None:
        menu = QMenu("Open &briefing", file_menu)
        menu.setObjectName(MENU_NAME)
        first = file_menu.actions()[0] if file_menu.actions() else None
        file_menu.insertMenu(first, menu)  # type: ignore[arg-type]  # None appends
        file_menu.insertSeparator(first)  # type: ignore[arg-type]
    menu.clear()
    for briefing in sorted(briefings, key=lambda b: (b.title.casefold(), b.id)):
        # "&" escaped: a pack's title is text, never a menu mnemonic.
        title = shortened(briefing.title, MENU_TITLE_LENGTH).replace("&", "&&")
        action = menu.addAction(f"{title}  ({shortened(briefing.edition, 24)})")
        action.setCheckable(True)
        action.setChecked(briefing.id == current)
        action.setData(briefing.id)
        action.triggered.connect(lambda _checked=False, b=briefing: open_briefing(b))
    menu.setEnabled(len(briefings) > 1)
    return menu
