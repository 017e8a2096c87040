"""A library lists its packs from the manifests it remembers: without opening a pack that is as
it was, and never from a memory of a file since replaced."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk.content import checksum, listing_memory, repository
from fypdesk.content import library as library_module
from fypdesk.content.install import install_pack
from fypdesk.content.library import Library
from fypdesk.domain.content import PackManifest
from tests.library.conftest import PackBuilder


@pytest.fixture(autouse=True)
def _own_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own (the suite's is shared by every test), and packs that
    count as settled at once (a file is remembered once unchanged for two seconds)."""
    monkeypatch.setenv("FYPDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(listing_memory, "SETTLE_NS", 0)
    return listing_memory.memory_path()


def _listing(library: Library) -> list[tuple[str, str, str]]:
    return [(p.id, p.edition, p.manifest.title) for p in library.packs()]


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    read: list[Path] = []
    real = repository.read_manifest

    def counted(path: Path) -> PackManifest | None:
        read.append(path)
        return real(path)

    monkeypatch.setattr(library_module, "read_manifest", counted)
    return read


def test_a_second_listing_opens_no_pack(
    build_pack: PackBuilder,
    open_library: Callable[[], Library],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_pack(open_library(), build_pack("other-plans", "2024-01.1", "Other plans"))
    first = _listing(open_library())  # learns the manifests of the packs the record knows
    read = _counting_reads(monkeypatch)
    again = open_library()
    assert _listing(again) == first and len(first) == 2
    installed = again.pack("other-plans")
    assert installed.path not in read  # installed and verified: remembered


def test_a_file_replaced_behind_the_librarys_back_is_read_again(
    build_pack: PackBuilder,
    open_library: Callable[[], Library],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = open_library()
    installed = install_pack(library, build_pack("other-plans", "2024-01.1", "Other plans")).pack
    _listing(open_library())
    newer = build_pack("other-plans", "2024-02.1", "Other plans, revised")
    # Replaced in place with its sidecar, as a careless copy would: new stat data, new digest.
    newer.replace(installed.path)
    sidecar = checksum.sidecar_path(installed.path)
    sidecar.write_text(checksum.sidecar_text(installed.path), encoding="utf-8")
    read = _counting_reads(monkeypatch)
    listed = open_library().pack("other-plans")
    assert (listed.edition, listed.manifest.title) == ("2024-02.1", "Other plans, revised")
    assert installed.path in read


def test_a_record_not_shaped_as_ours_is_only_a_slower_listing(
    build_pack: PackBuilder,
    open_library: Callable[[], Library],
    _own_memory: Path,
) -> None:
    install_pack(open_library(), build_pack("other-plans", "2024-01.1", "Other plans"))
    expected = _listing(open_library())
    memory = json.loads(_own_memory.read_text(encoding="utf-8"))
    assert len(memory["files"]) == 2  # what the listing learnt: the bundled pack and the other
    for entry in memory["files"].values():
        entry["manifest"] = {"id": ["not", "a", "manifest"]}
    _own_memory.write_text(json.dumps(memory), encoding="utf-8")
    assert _listing(open_library()) == expected
    _own_memory.write_text("{" * 100_000, encoding="utf-8")  # deeper than the parser goes
    assert _listing(open_library()) == expected


def test_a_file_changed_in_the_last_two_seconds_is_not_remembered(
    build_pack: PackBuilder,
    open_library: Callable[[], Library],
    monkeypatch: pytest.MonkeyPatch,
    _own_memory: Path,
) -> None:
    monkeypatch.setattr(listing_memory, "SETTLE_NS", 2_000_000_000)
    install_pack(open_library(), build_pack("other-plans", "2024-01.1", "Other plans"))
    _listing(open_library())
    memory = json.loads(_own_memory.read_text(encoding="utf-8"))
    assert [Path(key).name for key in memory["files"]] == ["fyp.db"]  # the new copy: not yet
