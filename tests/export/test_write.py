"""Atomic writes: the whole file or nothing, and a clear message when it cannot be written."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import BinaryIO

import pytest

from fypdesk.domain.errors import FypdeskError
from fypdesk.export.write import atomic_write
from tests.conftest import file_mode


def _write_hello(stream: BinaryIO) -> int:
    return stream.write(b"hello")


def test_writes_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "brief #1 ü.pdf"
    assert atomic_write(target, _write_hello) == 5
    assert target.read_bytes() == b"hello"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")
    atomic_write(target, _write_hello)
    assert target.read_bytes() == b"hello"


def test_a_failing_renderer_leaves_no_file_and_the_old_one_intact(tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")

    def fail(stream: BinaryIO) -> None:
        stream.write(b"partial")
        raise RuntimeError("renderer broke")

    with pytest.raises(RuntimeError, match="renderer broke"):
        atomic_write(target, fail)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"

    def full(stream: BinaryIO) -> None:
        stream.write(b"some")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(FypdeskError, match="the disk is full; nothing was written"):
        atomic_write(target, full)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "brief.pdf"
    with pytest.raises(FypdeskError, match="does not exist"):
        atomic_write(target, _write_hello)
    assert not target.parent.exists()


def test_a_file_in_place_of_the_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(FypdeskError, match="is not a folder"):
        atomic_write(tmp_path / "plain" / "brief.pdf", _write_hello)


def test_a_folder_as_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FypdeskError, match="it is a folder"):
        atomic_write(tmp_path, _write_hello)


@pytest.mark.usefixtures("usual_umask")
def test_a_new_file_is_private_by_default(tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    atomic_write(target, _write_hello)
    assert file_mode(target) == 0o600  # briefs carry private notes


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_public_file_follows_the_umask(tmp_path: Path, umask: int, expected: int) -> None:
    target = tmp_path / "targets.csv"
    previous = os.umask(umask)
    try:
        atomic_write(target, _write_hello, private=False)
    finally:
        os.umask(previous)
    assert file_mode(target) == expected


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize("private", [True, False])
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604, 0o400])
def test_a_file_written_over_keeps_itsfile_mode(tmp_path: Path, mode: int, private: bool) -> None:
    target = tmp_path / "brief.md"
    target.write_bytes(b"old")
    target.chmod(mode)
    atomic_write(target, _write_hello, private=private)
    assert target.read_bytes() == b"hello"
    assert file_mode(target) == mode
