"""The window's remembered state, typed, over one ``QSettings``."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from fypdesk.domain.notes import LEGACY_PACK_ID, SavedBrief
from fypdesk.domain.saved_brief import InvalidBriefRecordError, brief_from_record, brief_record


class UiSettings:
    """Typed access to the reader window's settings.

    Args:
        store: where to keep them; ``None`` keeps them in memory only (screenshots, tests).
    """

    def __init__(self, store: QSettings | None) -> None:
        self._store = store
        self._memory: dict[str, object] = {}

    def _get(self, key: str) -> object:
        if self._store is None:
            return self._memory.get(key)
        return self._store.value(key)

    def _set(self, key: str, value: object) -> None:
        if self._store is None:
            self._memory[key] = value
        else:
            self._store.setValue(key, value)

    def sync(self) -> None:
        """Write pending changes to disk."""
        if self._store is not None:
            self._store.sync()

    # QSettings gives back strings for everything an INI file holds; convert on the way out.

    def last_node(self, pack: str) -> str | None:
        """The node open in briefing ``pack`` when its window last closed (the first release
        kept one node, of the one briefing it read: it is that briefing's)."""
        value = self._get(f"library/last_node/{pack}")
        if value is None and pack == LEGACY_PACK_ID:
            value = self._get("session/last_node")
        return str(value) if value else None

    def set_last_node(self, pack: str, node_id: str | None) -> None:
        """Remember where the user was in ``pack``, and that it was the last briefing read."""
        self._set(f"library/last_node/{pack}", node_id or "")
        self._set("library/last_briefing", pack)

    @property
    def last_briefing(self) -> str | None:
        """The pack of the window that closed last (``None``: none yet)."""
        value = self._get("library/last_briefing")
        return str(value) if value else None

    @property
    def library_problems_told(self) -> str:
        """A digest of the unreadable library files the user was last told about ("": none)."""
        return str(self._get("library/problems_told") or "")

    @library_problems_told.setter
    def library_problems_told(self, digest: str) -> None:
        self._set("library/problems_told", digest)

    def edition_seen(self, pack: str) -> str | None:
        """The edition of ``pack`` the user was last told about (see :func:`~fypdesk.ui.app.
        tell_about_new_edition`)."""
        value = self._get(f"library/edition_seen/{pack}")
        return str(value) if value else None

    def set_edition_seen(self, pack: str, edition: str) -> None:
        """Remember that the user has been told about ``edition`` of ``pack``."""
        self._set(f"library/edition_seen/{pack}", edition)

    @property
    def theme(self) -> str:
        """``system``, ``light`` or ``dark``."""
        value = str(self._get("view/theme") or "system")
        return value if value in {"system", "light", "dark"} else "system"

    @theme.setter
    def theme(self, theme: str) -> None:
        self._set("view/theme", theme)

    @property
    def zoom(self) -> int:
        """Reading-pane zoom steps away from the default size."""
        try:
            return max(-8, min(16, int(str(self._get("view/zoom") or 0))))
        except ValueError:
            return 0

    @zoom.setter
    def zoom(self, steps: int) -> None:
        self._set("view/zoom", int(steps))

    @property
    def brief(self) -> SavedBrief | dict[str, object]:
        """The export-brief dialog's last settings.

        A :class:`SavedBrief` as the notes store keeps it (stored as its
        :func:`~fypdesk.domain.saved_brief.brief_record`); when none was remembered yet, the plain
        values dict earlier versions kept under ``export/brief`` (empty: defaults).
        """
        raw = self._get("export/last_brief")
        if raw:
            try:
                value = json.loads(str(raw))
                if isinstance(value, dict):
                    return brief_from_record(value)
            except (json.JSONDecodeError, InvalidBriefRecordError):
                pass
        try:
            old = json.loads(str(self._get("export/brief") or "{}"))
        except json.JSONDecodeError:
            return {}
        return old if isinstance(old, dict) else {}

    @brief.setter
    def brief(self, brief: SavedBrief | dict[str, object]) -> None:
        if isinstance(brief, SavedBrief):
            record = brief_record(brief)
            self._set("export/last_brief", json.dumps(record, ensure_ascii=False, sort_keys=True))
        else:
            self._set("export/brief", json.dumps(brief, ensure_ascii=False, sort_keys=True))

    @property
    def last_folder(self) -> Path | None:
        """The folder the user last exported to or imported from."""
        value = self._get("export/last_folder")
        return Path(str(value)) if value else None

    @last_folder.setter
    def last_folder(self, folder: Path) -> None:
        self._set("export/last_folder", str(folder))

    def state(self, name: str) -> QByteArray | None:
        """A saved geometry, window, splitter or header state by name."""
        value = self._get(f"state/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, name: str, state: QByteArray) -> None:
        """Remember a geometry, window, splitter or header state."""
        self._set(f"state/{name}", state)
