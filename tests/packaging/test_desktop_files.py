"""The Linux desktop entry and AppStream metadata validate, and agree on the application id."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tools import metainfo

from tests.conftest import REPO_ROOT

LINUX = REPO_ROOT / "packaging" / "linux"
APP_ID = "org.fypdesk.FypDesk"


def _validate(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(tool) is None:  # .ci/run installs both; a developer machine may lack them
        pytest.skip(f"{tool} is not installed")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=False)


def test_the_desktop_entry_validates() -> None:
    result = _validate("desktop-file-validate", str(LINUX / f"{APP_ID}.desktop"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_metainfo_validates() -> None:
    path = LINUX / f"{APP_ID}.metainfo.xml"
    result = _validate("appstreamcli", "validate", "--no-net", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_entry_metadata_and_icons_share_one_id() -> None:
    desktop = (LINUX / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    metainfo = (LINUX / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    icons = (REPO_ROOT / "tools" / "render_icons.py").read_text(encoding="utf-8")
    assert f"Icon={APP_ID}\n" in desktop
    assert f"<id>{APP_ID}</id>" in metainfo and f"{APP_ID}.desktop" in metainfo
    assert f'APP_ID = "{APP_ID}"' in icons
    app = (REPO_ROOT / "src" / "fypdesk" / "ui" / "app.py").read_text(encoding="utf-8")
    assert f'DESKTOP_FILE_NAME = "{APP_ID}"' in app and "setDesktopFileName" in app
    assert Path(REPO_ROOT / "resources" / "icons" / "fypdesk.svg").is_file()


def test_release_metainfo_with_screenshots_validates(tmp_path: Path) -> None:
    out = tmp_path / f"{APP_ID}.metainfo.xml"
    url = "https://downloads.fypdesk.test/0.1.0/screenshots"
    assert metainfo.main(["--screenshots-url", url, str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for name in metainfo.SCREENSHOTS:
        assert f"<image>{url}/{name}</image>" in text
    assert text.count('<screenshot type="default">') == 1
    result = _validate("appstreamcli", "validate", "--no-net", str(out))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("url", ["", "ftp://host/x", "docs/screenshots", "https://"])
def test_screenshots_need_an_http_address(url: str) -> None:
    source = (LINUX / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    with pytest.raises(metainfo.MetainfoError, match="http"):
        metainfo.with_screenshots(source, url)


def test_without_an_address_the_committed_metainfo_is_copied(tmp_path: Path) -> None:
    out = tmp_path / "copy.xml"
    assert metainfo.main([str(out)]) == 0
    assert out.read_bytes() == (LINUX / f"{APP_ID}.metainfo.xml").read_bytes()
