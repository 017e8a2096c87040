"""Build hook: the wheel carries the bundled content database and the resources.

They live at the top of the repository (``data/fyp.db``, ``resources/``) where people edit and
build them; here they are copied into the package (``fypdesk/data``, ``fypdesk/resources``), which
is where :mod:`fypdesk.paths` looks in an installed wheel. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithBundledData(build_py):
    """``build_py`` that also copies the content database and the resources into the package."""

    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "fypdesk"
        (package / "data").mkdir(parents=True, exist_ok=True)
        for name in ("fyp.db", "fyp.db.sha256"):  # the checksum lets the app detect damage
            shutil.copyfile(ROOT / "data" / name, package / "data" / name)
        shutil.copytree(ROOT / "resources", package / "resources", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithBundledData})
