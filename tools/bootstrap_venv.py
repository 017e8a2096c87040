"""Create the project's virtual environment, with pip, on a machine that has only python3.

Debian's python3 may lack ``ensurepip`` (it lives in python3-venv). Then the venv is made without
pip and pip is installed from its wheel on the Python Package Index, the one registry we use.
An existing venv made by another Python is replaced ("stale").
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

PYPI_PIP = "https://pypi.org/pypi/pip/json"


def _venv_python(target: Path) -> Path:
    return target / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _is_current(target: Path) -> bool:
    """Whether ``target`` is a working venv of this interpreter's version."""
    python = _venv_python(target)
    if not python.exists():
        return False
    probe = subprocess.run(
        [str(python), "-c", "import sys, pip; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == str(sys.version_info[:2])


def _install_pip_from_wheel(python: Path) -> None:
    with urllib.request.urlopen(PYPI_PIP, timeout=60) as response:
        release = json.load(response)
    wheel = next(u for u in release["urls"] if u["filename"].endswith("-py3-none-any.whl"))
    with tempfile.TemporaryDirectory() as folder:
        wheel_path = Path(folder) / wheel["filename"]
        with urllib.request.urlopen(wheel["url"], timeout=120) as response:
            wheel_path.write_bytes(response.read())
        # A wheel is a zip that Python can run from: pip installs itself from its own wheel.
        subprocess.run(
            [str(python), f"{wheel_path}/pip", "install", "--quiet", str(wheel_path)], check=True
        )


def main(target_name: str) -> int:
    target = Path(target_name)
    if _is_current(target):
        return 0
    if target.exists():
        shutil.rmtree(target)
    try:
        venv.EnvBuilder(with_pip=True).create(target)
    except (subprocess.CalledProcessError, OSError):
        shutil.rmtree(target, ignore_errors=True)
        venv.EnvBuilder(with_pip=False).create(target)
        _install_pip_from_wheel(_venv_python(target))
    subprocess.run(
        [str(_venv_python(target)), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        check=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".venv"))
