"""Installing packs: a new pack, a newer edition over an older one, older and equal editions
refused unless forced, the bundled pack shadowed, hidden and restored; private files; odd paths."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk.content import checksum
from fypdesk.content.install import PackRefusedError, install_pack, remove_pack
from fypdesk.content.library import PACK_SUFFIX, Library
from fypdesk.content.library_folder import STATE_NAME
from tests.conftest import CONTENT_DB, file_mode
from tests.library.conftest import (
    BUNDLED_EDITION,
    BUNDLED_ID,
    PackBuilder,
    copy_pack,
    folder_state,
)


def _packs(library: Library) -> list[tuple[str, str, bool]]:
    return [(pack.id, pack.edition, pack.bundled) for pack in library.packs()]


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_install_a_new_pack(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    source = build_pack("other-plans", "2024-01.1", "Other plans")
    library = open_library()
    result = install_pack(library, source)
    assert result.previous is None and not result.restored
    assert (result.pack.id, result.pack.edition, result.pack.bundled) == (
        "other-plans",
        "2024-01.1",
        False,
    )
    target = library_folder / f"other-plans{PACK_SUFFIX}"
    assert result.pack.path == target
    assert target.read_bytes() == source.read_bytes()
    assert _packs(library) == [
        (BUNDLED_ID, BUNDLED_EDITION, True),
        ("other-plans", "2024-01.1", False),
    ]
    assert _packs(open_library()) == _packs(library)  # what another process sees
    assert _leftovers(library_folder) == []
    content = library.open_content("other-plans")
    try:
        assert content.briefing().title == "Other plans"
    finally:
        content.close()


def test_a_newer_edition_replaces_the_installed_one(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library = open_library()
    install_pack(library, build_pack("other-plans", "2024-01.9"))
    newer = build_pack("other-plans", "2024-01.10")
    result = install_pack(library, newer)
    assert result.previous is not None and result.previous.edition == "2024-01.9"
    assert result.pack.edition == "2024-01.10"
    assert (library_folder / f"other-plans{PACK_SUFFIX}").read_bytes() == newer.read_bytes()
    assert [p.name for p in library_folder.iterdir() if p.suffix == PACK_SUFFIX] == [
        f"other-plans{PACK_SUFFIX}"
    ]


@pytest.mark.parametrize("edition", ["2024-01.10", "2024-01.9", "2023"])
def test_an_equal_or_older_edition_is_refused_unless_forced(
    build_pack: PackBuilder,
    library_folder: Path,
    open_library: Callable[[], Library],
    edition: str,
) -> None:
    library = open_library()
    installed = build_pack("other-plans", "2024-01.10")
    install_pack(library, installed)
    before = folder_state(library_folder)
    candidate = build_pack("other-plans", edition, f"Other plans {edition}")
    with pytest.raises(PackRefusedError) as caught:
        install_pack(library, candidate)
    message = str(caught.value)
    assert "\n" not in message and "--force" in message
    assert ("already" in message) if edition == "2024-01.10" else ("older" in message)
    assert folder_state(library_folder) == before
    result = install_pack(library, candidate, force=True)
    assert result.pack.edition == edition
    assert (library_folder / f"other-plans{PACK_SUFFIX}").read_bytes() == candidate.read_bytes()


def test_a_newer_edition_of_the_bundled_pack_shadows_it_and_removing_it_brings_it_back(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library = open_library()
    result = install_pack(library, build_pack(BUNDLED_ID, "2021-12.2"))
    assert result.previous is not None and result.previous.bundled
    assert _packs(library) == [(BUNDLED_ID, "2021-12.2", False)]
    removed = remove_pack(library, BUNDLED_ID)
    assert removed.removed is not None and removed.removed.edition == "2021-12.2"
    assert removed.shown is not None and removed.shown.path == CONTENT_DB
    assert removed.hidden is None
    assert _packs(library) == [(BUNDLED_ID, BUNDLED_EDITION, True)]
    assert CONTENT_DB.exists()


def test_the_bundled_edition_again_is_refused_unless_forced(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library = open_library()
    rebuilt = build_pack(BUNDLED_ID, BUNDLED_EDITION, "A rebuilt title")
    with pytest.raises(PackRefusedError, match="built into fypdesk already"):
        install_pack(library, rebuilt)
    assert not library_folder.exists(), "a refused install leaves no library folder behind"
    result = install_pack(library, rebuilt, force=True)  # equal editions: the installed copy shows
    assert (result.pack.bundled, result.pack.manifest.title) == (False, "A rebuilt title")


def test_an_edition_older_than_the_bundled_one_is_refused_even_forced(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library = open_library()
    for force in (False, True):
        with pytest.raises(PackRefusedError, match=r"older than the edition '2021-12\.1' built"):
            install_pack(library, build_pack(BUNDLED_ID, "2021-11.1"), force=force)
    assert _packs(library) == [(BUNDLED_ID, BUNDLED_EDITION, True)]
    assert folder_state(library_folder) == {}


def test_the_bundled_pack_hidden_and_restored_by_installing_its_file(
    library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library = open_library()
    with pytest.raises(PackRefusedError, match="which the library shows already"):
        install_pack(library, CONTENT_DB)
    result = remove_pack(library, BUNDLED_ID)
    assert result.hidden is not None and result.removed_file is None
    assert library.packs() == () and library.hidden == {BUNDLED_ID}
    assert open_library().packs() == ()  # recorded in the state file
    assert CONTENT_DB.exists()
    restored = install_pack(library, CONTENT_DB)
    assert restored.restored and restored.pack.bundled
    assert _packs(open_library()) == [(BUNDLED_ID, BUNDLED_EDITION, True)]
    assert not (library_folder / f"{BUNDLED_ID}{PACK_SUFFIX}").exists()  # nothing copied


def test_installing_a_newer_edition_un_hides_the_bundled_id(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library = open_library()
    remove_pack(library, BUNDLED_ID)
    result = install_pack(library, build_pack(BUNDLED_ID, "2022-01.1"))
    assert result.previous is None
    assert library.hidden == frozenset()
    assert _packs(open_library()) == [(BUNDLED_ID, "2022-01.1", False)]
    remove_pack(library, BUNDLED_ID)  # the copy goes: the bundled pack shows again
    assert _packs(library) == [(BUNDLED_ID, BUNDLED_EDITION, True)]


def test_files_are_private_and_nothing_is_left_over(
    build_pack: PackBuilder,
    library_folder: Path,
    open_library: Callable[[], Library],
    usual_umask: None,
) -> None:
    library = open_library()
    install_pack(library, build_pack("other-plans", "1"))
    remove_pack(library, BUNDLED_ID)
    assert file_mode(library_folder) == 0o700
    assert file_mode(library_folder.parent) == 0o700
    for path in library_folder.iterdir():
        assert file_mode(path) == 0o600, path.name
    assert _leftovers(library_folder) == []
    assert sorted(p.name for p in library_folder.iterdir()) == [
        ".library.lock",
        STATE_NAME,
        f"other-plans{PACK_SUFFIX}",
        f"other-plans{PACK_SUFFIX}.sha256",  # the digest it was verified with
    ]


def test_an_existing_library_folder_is_made_private(
    build_pack: PackBuilder,
    library_folder: Path,
    open_library: Callable[[], Library],
    usual_umask: None,
) -> None:
    library_folder.mkdir(parents=True, mode=0o755)
    library_folder.chmod(0o755)
    install_pack(open_library(), build_pack("other-plans", "1"))
    assert file_mode(library_folder) == 0o700


@pytest.mark.parametrize("name", ["with space.db", "hash#and%20percent.db", "ünïcødé 中文.fypack"])
def test_odd_file_names_install(
    build_pack: PackBuilder,
    library_folder: Path,
    open_library: Callable[[], Library],
    tmp_path: Path,
    name: str,
) -> None:
    source = copy_pack(build_pack("other-plans", "1"), tmp_path / "from #% ü" / name, sidecar=True)
    library = open_library()
    assert install_pack(library, source).pack.id == "other-plans"
    assert "#" in str(library_folder) and "%" in str(library_folder)  # and the library's own path


def test_the_checksum_beside_the_file_is_checked(
    build_pack: PackBuilder, open_library: Callable[[], Library], tmp_path: Path
) -> None:
    source = copy_pack(build_pack("other-plans", "1"), tmp_path / "ok.db", sidecar=True)
    assert checksum.sidecar_path(source).exists()
    assert install_pack(open_library(), source).pack.id == "other-plans"


def test_a_stale_temporary_copy_is_removed_and_a_live_one_kept(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library = open_library()
    install_pack(library, build_pack("other-plans", "1"))
    stale = library_folder / ".install-killed.tmp"
    stale.write_bytes(b"half a pack")
    live = library_folder / ".install-running.tmp"
    live.write_bytes(b"being copied")
    from fypdesk.content.library_folder import try_lock

    with live.open("rb") as handle:
        assert try_lock(handle.fileno())
        install_pack(library, build_pack("other-plans", "2"))
        assert not stale.exists()
        assert live.exists()


def test_an_installed_pack_is_checked_once_not_at_every_open(
    build_pack: PackBuilder, open_library: Callable[[], Library], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The install leaves the verified digest beside the copy, so the open-time checks are
    remembered (as the bundled pack's are); removing the pack removes it too."""
    from fypdesk.content import checksum, integrity
    from fypdesk.content.repository import ContentRepository

    library = open_library()
    install_pack(library, build_pack("other-plans", "1"))
    installed = library.pack_file("other-plans")
    sidecar = checksum.sidecar_path(installed)
    assert sidecar.read_text(encoding="utf-8") == checksum.sidecar_text(installed)
    monkeypatch.setattr(checksum, "SETTLE_NS", 0)
    checks: list[Path] = []
    real = integrity.check_structure

    def counted(connection: sqlite3.Connection, path: Path) -> None:
        checks.append(path)
        real(connection, path)

    monkeypatch.setattr(integrity, "check_structure", counted)
    for _ in range(3):
        ContentRepository.open(installed).close()
    assert checks == [installed]
    remove_pack(library, "other-plans")
    assert not installed.exists() and not sidecar.exists()


def test_install_reports_the_copy_as_it_goes(
    build_pack: PackBuilder, open_library: Callable[[], Library], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's progress bar: bytes copied and in all, after each block, ending at the size."""
    from fypdesk.content import install

    monkeypatch.setattr(install, "_BLOCK", 1 << 16)
    source = build_pack("other-plans", "2024-01.1")
    size = source.stat().st_size
    seen: list[tuple[int, int]] = []
    install_pack(open_library(), source, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) == -(-size // (1 << 16))
    assert [done for done, _ in seen] == sorted({done for done, _ in seen})
    assert seen[-1] == (size, size) and {total for _, total in seen} == {size}


def test_a_refusal_as_not_newer_names_both_editions(
    build_pack: PackBuilder, open_library: Callable[[], Library]
) -> None:
    """The window asks "install anyway?" for this refusal alone, naming the two editions."""
    from fypdesk.content.install import PackNotNewerError

    library = open_library()
    install_pack(library, build_pack("other-plans", "2024-01.10"))
    with pytest.raises(PackNotNewerError) as caught:
        install_pack(library, build_pack("other-plans", "2024-01.9", "Older plans"))
    refusal = caught.value
    assert (refusal.pack_id, refusal.edition, refusal.title) == (
        "other-plans",
        "2024-01.9",
        "Older plans",
    )
    assert refusal.shown.edition == "2024-01.10" and not refusal.shown.bundled
    with pytest.raises(PackRefusedError) as other:  # older than the bundled: no asking
        install_pack(library, build_pack(BUNDLED_ID, "2021-11.1"), force=True)
    assert not isinstance(other.value, PackNotNewerError)
