"""Every command of the window as a ``QAction``, with standard shortcuts where Qt has them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

Key = QKeySequence.StandardKey
_TYPING_KEYS = frozenset({"Backspace", "Shift+Backspace"})


def _action(
    parent: QWidget,
    name: str,
    text: str,
    shortcut: Key | str | None = None,
    *,
    fallback: str | None = None,
    checkable: bool = False,
) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(name)
    if isinstance(shortcut, Key):
        # Some platforms bind Backspace to Back: that would steal it from every text field.
        keys = [k for k in QKeySequence.keyBindings(shortcut) if k.toString() not in _TYPING_KEYS]
        if not keys and fallback is not None:
            keys = [QKeySequence(fallback)]
        action.setShortcuts(keys)
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setCheckable(checkable)
    parent.addAction(action)
    return action


@dataclass(frozen=True, slots=True)
class Actions:
    """The window's commands; the window connects their ``triggered`` signals."""

    export_targets: QAction
    export_figures: QAction
    quit: QAction
    search: QAction
    find: QAction
    new_note: QAction
    toggle_star: QAction
    back: QAction
    forward: QAction
    home: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    show_reading: QAction
    show_targets: QAction
    show_figures: QAction
    show_all_notes: QAction
    focus_navigator: QAction
    next_changed: QAction
    previous_changed: QAction
    theme_system: QAction
    theme_light: QAction
    theme_dark: QAction
    shortcuts: QAction
    about: QAction

    @classmethod
    def create(cls, parent: QWidget) -> Actions:
        """Make every action, owned by (and reachable through shortcuts in) ``parent``."""
        made = cls(
            export_targets=_action(
                parent, "exportTargets", "Export &targets as CSV…", "Ctrl+Shift+E"
            ),
            export_figures=_action(parent, "exportFigures", "Export &figures as CSV…"),
            quit=_action(parent, "quit", "&Quit", Key.Quit, fallback="Ctrl+Q"),
            search=_action(parent, "search", "&Search…", "Ctrl+K"),
            find=_action(parent, "find", "&Find…", Key.Find),
            new_note=_action(parent, "newNote", "&New note", Key.New),
            toggle_star=_action(parent, "toggleStar", "&Star this item", "Ctrl+D"),
            back=_action(parent, "back", "&Back", Key.Back, fallback="Alt+Left"),
            forward=_action(parent, "forward", "&Forward", Key.Forward, fallback="Alt+Right"),
            home=_action(parent, "home", "Briefing &overview", "Alt+Home"),
            zoom_in=_action(parent, "zoomIn", "Zoom &in", Key.ZoomIn),
            zoom_out=_action(parent, "zoomOut", "Zoom &out", Key.ZoomOut),
            zoom_reset=_action(parent, "zoomReset", "&Reset zoom", "Ctrl+0"),
            show_reading=_action(parent, "showReading", "&Reading", "Ctrl+1"),
            show_targets=_action(parent, "showTargets", "&Targets", "Ctrl+2"),
            show_figures=_action(parent, "showFigures", "&Figures", "Ctrl+3"),
            show_all_notes=_action(parent, "showAllNotes", "&All notes", "Ctrl+4"),
            focus_navigator=_action(parent, "focusNavigator", "Go to &plans tree", "Ctrl+L"),
            # F8 / Shift+F8: next and previous problem in the editors that have one.
            next_changed=_action(parent, "nextChanged", "Next &changed item", "F8"),
            previous_changed=_action(
                parent, "previousChanged", "Previous c&hanged item", "Shift+F8"
            ),
            theme_system=_action(parent, "themeSystem", "&System", checkable=True),
            theme_light=_action(parent, "themeLight", "&Light", checkable=True),
            theme_dark=_action(parent, "themeDark", "&Dark", checkable=True),
            shortcuts=_action(parent, "shortcuts", "&Keyboard shortcuts", Key.HelpContents),
            about=_action(parent, "about", "&About fypdesk"),
        )
        group = QActionGroup(parent)
        for action in (made.theme_system, made.theme_light, made.theme_dark):
            group.addAction(action)
        for action in (made.back, made.forward, made.next_changed, made.previous_changed):
            action.setEnabled(False)
        # Ctrl+= too: "+" is a shifted key on most layouts, and browsers zoom on Ctrl+= as well.
        zoom_keys = made.zoom_in.shortcuts()
        if QKeySequence("Ctrl+=") not in zoom_keys:
            made.zoom_in.setShortcuts([*zoom_keys, QKeySequence("Ctrl+=")])
        return made

    def populate(self, bar: QMenuBar, dock_toggles: Sequence[QAction]) -> tuple[QMenu, QAction]:
        """Fill the menu bar; returns the File menu and the separator before Quit.

        Notes export/import/backup and the brief export go into the File menu before that
        separator (``MainWindow.add_file_action``).
        """
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.export_targets, self.export_figures])
        hook = file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.search, self.find])
        edit.addSeparator()
        edit.addActions([self.new_note, self.toggle_star])
        go = bar.addMenu("&Go")
        go.addActions([self.back, self.forward, self.home, self.focus_navigator])
        go.addSeparator()
        go.addActions([self.next_changed, self.previous_changed])
        view = bar.addMenu("&View")
        view.addActions([self.show_reading, self.show_targets, self.show_figures])
        view.addAction(self.show_all_notes)
        view.addSeparator()
        view.addActions(list(dock_toggles))
        view.addSeparator()
        view.addActions([self.zoom_in, self.zoom_out, self.zoom_reset])
        theme = view.addMenu("T&heme")
        theme.addActions([self.theme_system, self.theme_light, self.theme_dark])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts, self.about])
        return file_menu, hook

    def all(self) -> list[QAction]:
        """Every action, in declaration order."""
        return [getattr(self, f.name) for f in fields(self)]
