"""Test-wide setup: Qt renders offscreen, and no test may touch the network."""

from __future__ import annotations

import os

# Before any PySide6 import anywhere in the suite.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The offscreen platform plugin warns about a window-manager feature it lacks; that is not ours.
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import tempfile

# The suite's own cache folder (parsed fonts, content checks), shared by every test and the
# commands they start, never the user's.
os.environ.setdefault("FYPDESK_CACHE_DIR", tempfile.mkdtemp(prefix="fypdesk-test-cache-"))

import hashlib
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles. "dev" (the default) is Hypothesis's own: new random examples every run, a
# 200 ms deadline, failures remembered in .hypothesis/. "ci" makes a run reproducible and quiet on a
# shared, slow machine: the same examples every run (derandomize), no deadline, no too-slow health
# check, no example database, and a failure prints the blob that replays it
# (@reproduce_failure). Chosen by $HYPOTHESIS_PROFILE, else "ci" when $CI is set (CI services set
# CI=true; `.ci/run` does not set it itself), else "dev". A test's own @settings still wins.
settings.register_profile("dev", settings.get_profile("default"))
settings.register_profile(
    "ci",
    settings.get_profile("default"),
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def _hypothesis_profile() -> str:
    chosen = os.environ.get("HYPOTHESIS_PROFILE", "").strip()
    if chosen:
        return chosen
    in_ci = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
    return "ci" if in_ci else "dev"


settings.load_profile(_hypothesis_profile())

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "data" / "source"
CONTENT_DB = REPO_ROOT / "data" / "fyp.db"


class NetworkAccessError(AssertionError):
    """Raised when code under test opens a network connection."""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """fypdesk never touches the network: any socket connection fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise NetworkAccessError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


@pytest.fixture(scope="session", autouse=True)
def _bundled_database_unchanged() -> Iterator[None]:
    """The bundled content database is read-only: the whole run must leave it byte-identical."""
    before = hashlib.sha256(CONTENT_DB.read_bytes()).hexdigest()
    yield
    after = hashlib.sha256(CONTENT_DB.read_bytes()).hexdigest()
    assert after == before, "the test run modified data/fyp.db"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user data folder, also set as $FYPDESK_DATA_DIR."""
    folder = tmp_path / "user data #1 %20 ü"
    monkeypatch.setenv("FYPDESK_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start with (022), whatever the test runner has."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def file_mode(path: Path) -> int:
    """A file's permission bits (``0o600``)."""
    return stat.S_IMODE(path.stat().st_mode)
