"""Every bad file is refused at install with a one-line reason, and the library folder is left
exactly as it was: the crafted databases of the hostile-database suite, truncated copies, wrong
checksums, foreign SQLite files, files that are not SQLite at all."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk.content import checksum
from fypdesk.content.install import PackRefusedError, install_pack, remove_pack
from fypdesk.content.library import PACK_SUFFIX, Library
from tests.content.hostile_dbs import MUTATIONS, Mutation, apply_sql, mutated_copy
from tests.library.conftest import BUNDLED_ID, PackBuilder, copy_pack, folder_state


@pytest.fixture
def populated(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> Library:
    """A library with one installed pack and the bundled pack hidden: a refusal must leave all
    of it (files, modes, state) as it is."""
    library = open_library()
    install_pack(library, build_pack("other-plans", "1"))
    remove_pack(library, BUNDLED_ID)
    return library


def _refused(library: Library, file: Path) -> str:
    before = folder_state(library.folder)
    listed = [(pack.id, pack.edition) for pack in library.packs()]
    with pytest.raises(PackRefusedError) as caught:
        install_pack(library, file)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("not installed: ")
    assert folder_state(library.folder) == before, "a refused install changed the folder"
    assert [(pack.id, pack.edition) for pack in library.packs()] == listed
    return message


REFUSED = [m for m in MUTATIONS if m.reason is not None]
ACCEPTED = [m for m in MUTATIONS if m.reason is None]


@pytest.mark.parametrize("mutation", REFUSED, ids=lambda m: m.name)
def test_every_crafted_database_is_refused_and_changes_nothing(
    populated: Library, tmp_path: Path, mutation: Mutation
) -> None:
    path = mutated_copy(tmp_path / "crafted", mutation)
    message = _refused(populated, path)
    assert mutation.reason is not None and mutation.reason in message


@pytest.mark.parametrize("mutation", ACCEPTED, ids=lambda m: m.name)
def test_a_database_the_build_could_make_is_still_only_the_bundled_edition(
    open_library: Callable[[], Library], tmp_path: Path, mutation: Mutation
) -> None:
    """The hostile suite's controls are databases the build could make, of the bundled pack's id
    and edition: refused as not newer (or, built before packs, as having no manifest); forced,
    they install."""
    path = mutated_copy(tmp_path / "crafted", mutation)
    library = open_library()
    if mutation.name == "manifest-absent":
        assert "without a pack manifest" in _refused(library, path)
        return
    assert "built into fypdesk already" in _refused(library, path)
    assert not install_pack(library, path, force=True).pack.bundled


@pytest.mark.parametrize("force", [False, True])
def test_crafted_databases_are_refused_even_forced(
    populated: Library, tmp_path: Path, force: bool
) -> None:
    for mutation in REFUSED:
        path = mutated_copy(tmp_path / f"crafted-{force}", mutation)
        before = folder_state(populated.folder)
        with pytest.raises(PackRefusedError):
            install_pack(populated, path, force=force)
        assert folder_state(populated.folder) == before, mutation.name


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_a_truncated_copy_is_refused(
    build_pack: PackBuilder, populated: Library, tmp_path: Path, fraction: float
) -> None:
    good = build_pack("new-plans", "1")
    data = good.read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(data[: int(len(data) * fraction)])
    _refused(populated, cut)


def test_a_wrong_checksum_is_refused(
    build_pack: PackBuilder, populated: Library, tmp_path: Path
) -> None:
    path = copy_pack(build_pack("new-plans", "1"), tmp_path / "changed.db", sidecar=True)
    apply_sql(path, "UPDATE nodes SET title = 'Changed after the build' WHERE id = 'ict'")
    message = _refused(populated, path)
    assert "does not match its checksum changed.db.sha256" in message


def test_a_damaged_checksum_file_is_refused(
    build_pack: PackBuilder, populated: Library, tmp_path: Path
) -> None:
    path = copy_pack(build_pack("new-plans", "1"), tmp_path / "pack.db")
    checksum.sidecar_path(path).write_text("not a checksum\n", encoding="utf-8")
    assert "checksum file" in _refused(populated, path)


def test_a_manifest_whose_content_checksum_is_not_the_contents_is_refused(
    build_pack: PackBuilder, populated: Library, tmp_path: Path
) -> None:
    path = copy_pack(build_pack("new-plans", "1"), tmp_path / "pack.db")
    apply_sql(
        path,
        "UPDATE meta SET value = json_set(value, '$.content_sha256', '" + "0" * 64 + "')"
        " WHERE key = 'manifest'",
    )
    assert "content_sha256" in _refused(populated, path)


@pytest.mark.parametrize("pack_id", ["../../escape", "UPPER", "a/b", "x" * 70, "a:b"])
def test_a_malformed_pack_id_never_names_a_file(
    build_pack: PackBuilder, populated: Library, tmp_path: Path, pack_id: str
) -> None:
    path = copy_pack(build_pack("new-plans", "1"), tmp_path / "pack.db")
    apply_sql(
        path,
        f"UPDATE meta SET value = json_set(value, '$.id', '{pack_id}') WHERE key = 'manifest'",
    )
    _refused(populated, path)
    assert not (populated.folder.parent / "escape.fypack").exists()


def test_a_newer_format_is_refused_with_a_message_to_update(
    build_pack: PackBuilder, populated: Library, tmp_path: Path
) -> None:
    path = copy_pack(build_pack("new-plans", "1"), tmp_path / "pack.db")
    apply_sql(
        path,
        "UPDATE meta SET value = json_set(value, '$.format_version', 2) WHERE key = 'manifest'",
    )
    assert "newer format (2): update fypdesk" in _refused(populated, path)


def test_a_foreign_sqlite_file_is_refused(populated: Library, tmp_path: Path) -> None:
    path = tmp_path / "foreign.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE meta (key, value)")
    connection.execute("INSERT INTO meta VALUES ('manifest', '{}')")
    connection.commit()
    connection.close()
    assert "not a fypdesk content database" in _refused(populated, path)


@pytest.mark.parametrize(
    "content",
    [b"", b"hello", b"SQLite format 3\x00" + b"\xff" * 84, json.dumps({"id": "x"}).encode()],
    ids=["empty", "text", "bad-header", "json"],
)
def test_files_that_are_not_sqlite_are_refused(
    populated: Library, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "not-a-pack.fypack"
    path.write_bytes(content)
    _refused(populated, path)


def test_a_missing_file_a_folder_and_a_fifo_are_refused(populated: Library, tmp_path: Path) -> None:
    assert "no such file" in _refused(populated, tmp_path / "nowhere.fypack")
    (tmp_path / "folder.fypack").mkdir()
    assert "a folder" in _refused(populated, tmp_path / "folder.fypack")
    fifo = tmp_path / "fifo.fypack"
    os.mkfifo(fifo)
    assert "not a regular file" in _refused(populated, fifo)  # and it did not block


def test_a_pack_with_control_characters_in_its_manifest_is_refused(
    build_pack: PackBuilder, populated: Library, tmp_path: Path
) -> None:
    path = copy_pack(build_pack("new-plans", "1"), tmp_path / "pack.db")
    apply_sql(
        path,
        "UPDATE meta SET value = json_set(value, '$.title', 'Evil ' || char(27) || ']0;owned')"
        " WHERE key = 'manifest'",
    )
    message = _refused(populated, path)
    assert "\x1b" not in message


def test_a_refused_install_into_a_new_library_leaves_no_folder(
    open_library: Callable[[], Library], library_folder: Path, tmp_path: Path
) -> None:
    path = tmp_path / "junk.fypack"
    path.write_bytes(b"junk" * 100)
    with pytest.raises(PackRefusedError):
        install_pack(open_library(), path)
    assert not library_folder.exists() and not library_folder.parent.exists()


def test_an_installed_pack_is_what_was_checked(build_pack: PackBuilder, populated: Library) -> None:
    """The file in the library is byte for byte the file given (the copy is verified)."""
    source = build_pack("new-plans", "1")
    install_pack(populated, source)
    assert (populated.folder / f"new-plans{PACK_SUFFIX}").read_bytes() == source.read_bytes()
