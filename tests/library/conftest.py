"""Fixtures for the library tests: real packs built by the real builder, and a library folder.

A pack of another id or edition is the bundled source copied, with ``pack:`` and
``content_version:`` (and, to tell packs apart, the title) changed in ``briefing.yaml``. Builds
are cached for the session: each test copies what it changes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk.content import checksum
from fypdesk.content.build import build_database
from fypdesk.content.library import Library
from tests.conftest import CONTENT_DB, SOURCE_DIR

#: The bundled pack's id and edition (data/source/briefing.yaml).
BUNDLED_ID = "fyp14-six-industries"
BUNDLED_EDITION = "2021-12.1"

PackBuilder = Callable[..., Path]


@pytest.fixture(scope="session")
def build_pack(tmp_path_factory: pytest.TempPathFactory) -> PackBuilder:
    """``build_pack(pack_id, edition, title=None)``: the path of a pack built from the bundled
    source under that id and edition (with its ``.sha256`` beside it). Do not change it: copy."""
    root = tmp_path_factory.mktemp("packs")
    built: dict[tuple[str, str, str | None], Path] = {}

    def build(pack_id: str, edition: str, title: str | None = None) -> Path:
        key = (pack_id, edition, title)
        if key not in built:
            name = f"{pack_id}-{edition}-{len(built)}"
            source = root / "sources" / name
            shutil.copytree(SOURCE_DIR, source)
            briefing = source / "briefing.yaml"
            text = briefing.read_text(encoding="utf-8")
            text = _set(text, "pack", pack_id)
            text = _set(text, "content_version", f'"{edition}"')
            if title is not None:
                text = _set(text, "title", title)
            briefing.write_text(text, encoding="utf-8")
            built[key] = build_database(source, root / f"{name}.db").path
        return built[key]

    return build


def _set(yaml_text: str, key: str, value: str) -> str:
    """``yaml_text`` with the top-level ``key: ...`` line giving ``value`` (as YAML) instead."""
    changed, count = re.subn(f"(?m)^{key}: .*$", lambda _match: f"{key}: {value}", yaml_text)
    assert count == 1, key
    return changed


@pytest.fixture(autouse=True)
def _never_the_users_library(data_dir: Path) -> Path:
    """Every test of the library has its own data folder ($FYPDESK_DATA_DIR), never the user's."""
    return data_dir


@pytest.fixture
def library_folder(data_dir: Path) -> Path:
    """The library folder in the test's data folder (whose name has a space, #, % and ü).
    Not created: the library makes it."""
    return data_dir / "library"


@pytest.fixture
def open_library(library_folder: Path) -> Callable[[], Library]:
    """Open the test's library, with the committed database as its bundled pack."""
    return lambda: Library.open(library_folder, CONTENT_DB)


def copy_pack(pack: Path, target: Path, *, sidecar: bool = False) -> Path:
    """A copy of ``pack`` at ``target`` (with a checksum file beside it if ``sidecar``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pack, target)
    if sidecar and checksum.sidecar_path(pack).exists():
        checksum.sidecar_path(target).write_text(checksum.sidecar_text(target), encoding="utf-8")
    return target


def folder_state(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file of ``folder`` (hidden ones too) with its mode and the SHA-256 of its bytes:
    equal before and after means nothing in it changed."""
    if not folder.exists():
        return {}
    return {
        path.name: (path.stat().st_mode, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(folder.iterdir())
    }


def bundled_path() -> Path:
    return CONTENT_DB
