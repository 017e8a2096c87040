"""docs/content-format.md, the publisher's guide, cannot drift from what it shows: its worked
example is the fictional pack under tests/data/packs/examplia/, file for file, and its tables name
every key the authored sources use."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT, SOURCE_DIR
from tests.example_packs import EXAMPLIA

GUIDE = REPO_ROOT / "docs" / "content-format.md"
#: A file shown in the guide: its path in a comment, then its text in a fenced block.
_SHOWN_FILE = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<text>.*?)^```\n", re.S | re.M)
_YAML_BLOCK = re.compile(r"^```yaml\n", re.M)
_WORKED_EXAMPLE = "## 5. Worked example"


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_every_file_the_worked_example_shows_is_the_file_under_tests() -> None:
    shown = {m["path"]: m["text"] for m in _SHOWN_FILE.finditer(_guide())}
    assert shown, "the guide shows no file"
    for path, text in shown.items():
        assert text == (REPO_ROOT / path).read_text(encoding="utf-8"), f"{path} differs"


def test_the_worked_example_shows_every_file_of_the_example() -> None:
    shown = {m["path"] for m in _SHOWN_FILE.finditer(_guide())}
    files = {
        path.relative_to(REPO_ROOT).as_posix() for path in EXAMPLIA.rglob("*") if path.is_file()
    }
    assert files == shown


def test_every_yaml_snippet_of_the_worked_example_is_a_file_shown() -> None:
    """No YAML in the worked example that is not one of the example's files."""
    example = _guide().split(_WORKED_EXAMPLE, 1)[1]
    marked = sum(1 for m in _SHOWN_FILE.finditer(example) if m.group(0).count("```yaml\n"))
    assert len(_YAML_BLOCK.findall(example)) == marked


def _keys(data: object) -> set[str]:
    if isinstance(data, dict):
        return set(map(str, data)) | {k for value in data.values() for k in _keys(value)}
    if isinstance(data, list):
        return {k for value in data for k in _keys(value)}
    return set()


def test_the_guide_names_every_key_the_sources_use() -> None:
    guide = _guide()
    files: list[Path] = []
    for folder in (SOURCE_DIR, EXAMPLIA):
        files += [folder / "briefing.yaml", *sorted((folder / "plans").glob("*.yaml"))]
    used = {key for path in files for key in _keys(yaml.safe_load(path.read_text("utf-8")))}
    missing = sorted(key for key in used if f"`{key}`" not in guide)
    assert missing == []
