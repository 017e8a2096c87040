"""Listing a library: editions in order, the bundled pack shadowed or winning, damaged files
reported and skipped, and a folder of 100 packs listed fast."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fypdesk.content.library import (
    PACK_SUFFIX,
    Library,
    UnknownPackError,
    edition_key,
)
from fypdesk.content.library_folder import STATE_NAME
from fypdesk.domain.errors import ContentUnavailableError
from fypdesk.domain.pack_ids import is_pack_id
from tests.conftest import CONTENT_DB
from tests.library.conftest import BUNDLED_EDITION, BUNDLED_ID, PackBuilder, copy_pack


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("2021-12.9", "2021-12.10"),
        ("2021-12", "2021-12.1"),
        ("2021-12.1", "2021-12.2"),
        ("2021-12.1", "2022-01.1"),
        ("1", "2"),
        ("9", "10"),
        ("1.9.9", "1.10"),
        ("1.01", "1.1"),  # equal as numbers: ordered by their text, so the order is total
        ("a", "b"),
        ("2021", "2021a"),
        ("9" * 2000, "1" + "0" * 2000),  # no int() conversion: no error past 4,300 digits
    ],
)
def test_editions_sort_digit_runs_as_numbers(older: str, newer: str) -> None:
    assert edition_key(older) < edition_key(newer)
    assert edition_key(newer) > edition_key(older)


def test_edition_order_is_total_and_consistent() -> None:
    editions = ["2021-12.10", "2021-12.9", "2021-12", "2021-12.1", "2021-12.01", "x", "2021-12.1"]
    ordered = sorted(editions, key=edition_key)
    assert ordered == ["2021-12", "2021-12.01", "2021-12.1", "2021-12.1", "2021-12.9",
                       "2021-12.10", "x"]  # fmt: skip
    assert edition_key("2021-12.1") == edition_key("2021-12.1")


def test_the_pack_id_rule() -> None:
    """An id from a manifest names a file: only well-formed ids do (domain.pack_ids)."""
    assert is_pack_id("fyp14-six-industries")
    for bad in ("", "A", "a_b", "a--b", "-a", "a-", "../x", "a/b", "a:b", "x" * 65, 7, None):
        assert not is_pack_id(bad)


def test_the_bundled_pack_alone(open_library: Callable[[], Library], library_folder: Path) -> None:
    library = open_library()
    (pack,) = library.packs()
    assert (pack.id, pack.edition, pack.bundled, pack.path) == (
        BUNDLED_ID,
        BUNDLED_EDITION,
        True,
        CONTENT_DB,
    )
    assert pack.size == CONTENT_DB.stat().st_size
    assert library.problems() == ()
    assert not library_folder.exists(), "listing must not create the library folder"


def test_no_bundled_pack_and_an_empty_folder(library_folder: Path) -> None:
    library_folder.mkdir(parents=True)
    library = Library.open(library_folder, None)
    assert library.packs() == ()
    assert library.problems() == ()
    with pytest.raises(UnknownPackError, match="no packs are installed"):
        library.pack(BUNDLED_ID)


def test_an_installed_copy_of_a_newer_edition_shadows_the_bundled_one(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    copy_pack(build_pack(BUNDLED_ID, "2021-12.2"), library_folder / f"{BUNDLED_ID}{PACK_SUFFIX}")
    library = open_library()
    (pack,) = library.packs()
    assert (pack.edition, pack.bundled) == ("2021-12.2", False)
    assert library.bundled is not None and library.bundled.edition == BUNDLED_EDITION


def test_an_app_upgrade_with_a_newer_bundled_edition_wins_over_an_older_copy(
    build_pack: PackBuilder, library_folder: Path
) -> None:
    copy_pack(build_pack(BUNDLED_ID, "2021-12.2"), library_folder / f"{BUNDLED_ID}{PACK_SUFFIX}")
    upgraded = build_pack(BUNDLED_ID, "2022-06.1")
    library = Library.open(library_folder, upgraded)
    (pack,) = library.packs()
    assert (pack.edition, pack.bundled, pack.path) == ("2022-06.1", True, upgraded)
    installed = library.installed(BUNDLED_ID)
    assert installed is not None and installed.edition == "2021-12.2"


def test_packs_of_several_ids_are_listed_by_id(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    for pack_id in ("zeta-plans", "alpha-plans"):
        copy_pack(build_pack(pack_id, "1"), library_folder / f"{pack_id}{PACK_SUFFIX}")
    library = open_library()
    assert [pack.id for pack in library.packs()] == ["alpha-plans", BUNDLED_ID, "zeta-plans"]
    assert library.pack("zeta-plans").path == library_folder / f"zeta-plans{PACK_SUFFIX}"
    with pytest.raises(UnknownPackError) as caught:
        library.pack("nope")
    assert f"installed: alpha-plans, {BUNDLED_ID}, zeta-plans" in str(caught.value)


def test_a_pack_damaged_after_install_is_reported_and_skipped(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    good = copy_pack(build_pack("good-pack", "1"), library_folder / f"good-pack{PACK_SUFFIX}")

    def truncate(path: Path) -> None:
        path.write_bytes(path.read_bytes()[: 40 * 1024])

    def scramble(path: Path) -> None:
        path.write_bytes(b"\x00not sqlite" * 1000)

    def empty(path: Path) -> None:
        path.write_bytes(b"")

    def bad_manifest(path: Path) -> None:
        _sql(path, "UPDATE meta SET value = '{' WHERE key = 'manifest'")

    def trigger(path: Path) -> None:
        _sql(path, "CREATE TRIGGER t AFTER INSERT ON meta BEGIN SELECT 1; END")

    def looping_view(path: Path) -> None:
        _sql(
            path,
            "DROP TABLE meta; CREATE VIEW meta AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL"
            " SELECT x + 1 FROM r) SELECT 'k' AS key, x AS value FROM r",
        )

    kinds: dict[str, Callable[[Path], None]] = {
        "truncated-pack": truncate,
        "random-pack": scramble,
        "empty-pack": empty,
        "manifest-pack": bad_manifest,
        "trigger-pack": trigger,
        "view-pack": looping_view,
    }
    for pack_id, damage in kinds.items():
        path = copy_pack(build_pack(pack_id, "1"), library_folder / f"{pack_id}{PACK_SUFFIX}")
        damage(path)
    (library_folder / f"folder-pack{PACK_SUFFIX}").mkdir()
    started = time.perf_counter()
    library = open_library()
    assert time.perf_counter() - started < 5  # the recursive view is never read
    assert [pack.id for pack in library.packs()] == [BUNDLED_ID, "good-pack"]
    assert library.pack("good-pack").path == good
    problems = {problem.path.name: problem.reason for problem in library.problems()}
    assert set(problems) == {f"{name}{PACK_SUFFIX}" for name in [*kinds, "folder-pack"]}
    for reason in problems.values():
        assert "\n" not in reason and str(library_folder) in reason
    assert "truncated" in problems[f"truncated-pack{PACK_SUFFIX}"]
    assert "not a regular file" in problems[f"folder-pack{PACK_SUFFIX}"]
    assert "view 'meta'" in problems[f"view-pack{PACK_SUFFIX}"]
    with pytest.raises(ContentUnavailableError, match="truncated"):
        library.pack("truncated-pack")


def test_damage_past_the_manifest_is_found_when_the_pack_is_opened(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    path = copy_pack(build_pack("odd-pack", "1"), library_folder / f"odd-pack{PACK_SUFFIX}")
    _sql(path, "UPDATE nodes SET kind = 'bogus' WHERE id = 'ict'")
    library = open_library()
    assert "odd-pack" in [pack.id for pack in library.packs()]  # listing reads the manifest only
    with pytest.raises(ContentUnavailableError, match="unknown kind"):
        library.open_content("odd-pack")
    content = library.open_content(BUNDLED_ID)
    content.close()


def test_a_file_named_after_another_id_is_reported(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    copy_pack(build_pack("real-id", "1"), library_folder / f"other-id{PACK_SUFFIX}")
    library = open_library()
    assert [pack.id for pack in library.packs()] == [BUNDLED_ID]
    (problem,) = library.problems()
    assert "says it is pack 'real-id', not 'other-id'" in problem.reason


def test_files_that_are_not_packs_are_ignored(
    build_pack: PackBuilder, library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library_folder.mkdir(parents=True)
    (library_folder / ".install-abc.tmp").write_bytes(b"partial")
    (library_folder / "notes.txt").write_text("mine", encoding="utf-8")
    copy_pack(build_pack("real-id", "1"), library_folder / "real-id.db")
    library = open_library()
    assert [pack.id for pack in library.packs()] == [BUNDLED_ID]
    assert library.problems() == ()


def test_a_hidden_bundled_pack_is_not_listed(
    library_folder: Path, open_library: Callable[[], Library]
) -> None:
    library_folder.mkdir(parents=True)
    (library_folder / STATE_NAME).write_text(
        json.dumps({"format": 1, "hidden": [BUNDLED_ID]}), encoding="utf-8"
    )
    library = open_library()
    assert library.packs() == ()
    assert library.hidden == {BUNDLED_ID}
    with pytest.raises(UnknownPackError):
        library.pack(BUNDLED_ID)


@pytest.mark.parametrize(
    "state",
    ["{", '{"format": 2, "hidden": []}', '{"format": 1, "hidden": ["../x"]}', "[]", "\x00" * 10],
)
def test_a_damaged_state_file_is_reported_and_ignored(
    library_folder: Path, open_library: Callable[[], Library], state: str
) -> None:
    library_folder.mkdir(parents=True)
    (library_folder / STATE_NAME).write_text(state, encoding="utf-8")
    library = open_library()
    assert [pack.id for pack in library.packs()] == [BUNDLED_ID]
    (problem,) = library.problems()
    assert "state file" in problem.reason


def test_an_unreadable_bundled_pack_is_a_problem(library_folder: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone.db"
    library = Library.open(library_folder, missing)
    assert library.packs() == ()
    (problem,) = library.problems()
    assert problem.path == missing and "not found" in problem.reason


def test_a_hundred_packs_are_listed(library_folder: Path) -> None:
    """Every pack of a large library, each from its manifest (how fast: ``make bench``, and
    tests/library/test_listing_record.py for the listing that opens no pack)."""
    library_folder.mkdir(parents=True)
    for index in range(100):
        pack_id = f"pack-{index:03d}"
        path = library_folder / f"{pack_id}{PACK_SUFFIX}"
        shutil.copyfile(CONTENT_DB, path)
        _sql(
            path,
            f"UPDATE meta SET value = json_set(value, '$.id', '{pack_id}') WHERE key = 'manifest'",
        )
    library = Library.open(library_folder, CONTENT_DB)
    assert len(library.packs()) == 101 and library.problems() == ()
    assert [p.id for p in library.packs()][:2] == ["fyp14-six-industries", "pack-000"]
    again = Library.open(library_folder, CONTENT_DB)
    assert [p.manifest for p in again.packs()] == [p.manifest for p in library.packs()]


def _sql(path: Path, sql: str) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA writable_schema = ON")
        connection.executescript(sql)
    finally:
        connection.close()


def test_a_library_folder_that_cannot_exist_is_an_empty_library(tmp_path: Path) -> None:
    """Under a file, or with too long a name, no pack can be installed: nothing to report
    (a command that writes there says so); a file where the folder should be is reported."""
    (tmp_path / "a file").write_text("x", encoding="utf-8")
    for folder in (tmp_path / "a file" / "library", tmp_path / ("ü" * 200) / "library"):
        library = Library.open(folder, CONTENT_DB)
        assert [pack.id for pack in library.packs()] == [BUNDLED_ID]
        assert library.problems() == ()
    library = Library.open(tmp_path / "a file", CONTENT_DB)
    (problem,) = library.problems()
    assert "cannot read the library folder" in problem.reason
