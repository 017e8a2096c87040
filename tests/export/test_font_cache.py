"""Parsed fonts kept between exports: the same font as reportlab's own parse, the same PDF, and
a cache that is tampered with, damaged or unwritable never does harm."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import ttfonts

from fypdesk import paths
from fypdesk.export import font_cache

FONTS = paths.resources_dir() / "fonts"
DEJAVU = FONTS / "DejaVuSans.ttf"


def _comparable(obj: object) -> dict[str, object]:
    """An object's attributes, its scaling function replaced by what it gives."""
    state = dict(vars(obj))
    if "_pdfScale" in state:
        state["_pdfScale"] = state["_pdfScale"](2048)
    return state


def test_a_font_read_back_is_the_font_reportlab_parses(tmp_path: Path) -> None:
    written = font_cache.load_font("CacheTestA", DEJAVU, tmp_path)  # parsed, then kept
    assert len(list(tmp_path.glob("DejaVuSans-*.pickle"))) == 1
    read = font_cache.load_font("CacheTestA", DEJAVU, tmp_path)
    fresh = ttfonts.TTFont("CacheTestA", str(DEJAVU))
    for font in (written, read):
        assert set(vars(font)) == set(vars(fresh))  # a reportlab that adds an attribute fails here
        assert (font.fontName, font.shapable, font._asciiReadable) == (
            fresh.fontName,
            fresh.shapable,
            fresh._asciiReadable,
        )
        assert _comparable(font.face) == _comparable(fresh.face)
    assert read.stringWidth("CO₂ emissions €", 10) == fresh.stringWidth("CO₂ emissions €", 10)


def test_an_export_with_cached_fonts_is_byte_identical(tmp_path: Path) -> None:
    def export(name: str) -> bytes:
        out = tmp_path / name
        env = {**os.environ, paths.CACHE_DIR_ENV: str(tmp_path / "cache")}
        env[paths.DATA_DIR_ENV] = str(tmp_path / "data")
        env["SOURCE_DATE_EPOCH"] = "1767225600"  # the same date in both: byte for byte
        subprocess.run(
            [sys.executable, "-m", "fypdesk", "export", str(out), "--title", "简报 CO₂"],
            env=env,
            check=True,
            capture_output=True,
        )
        return out.read_bytes()

    parsed = export("parsed.pdf")
    kept = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "cache" / "fonts").iterdir())
    assert "DejaVuSans" in kept and "DroidSansFallbackFull" in kept  # the title is Chinese
    assert export("cached.pdf") == parsed


class _RunsCode:
    """Unpickling this would call ``exec``: a tampered cache file's attack."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, ("raise SystemExit('a font cache ran code')",))


@pytest.mark.parametrize(
    "content",
    [
        pickle.dumps(_RunsCode()),
        pickle.dumps({"unitsPerEm": 2048, "evil": _RunsCode()}),
        b"not a pickle at all",
        pickle.dumps(["a list, not the tables"]),
        b"",
    ],
    ids=["code", "code-inside", "garbage", "wrong-shape", "empty"],
)
def test_a_tampered_or_damaged_cache_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    font_cache.load_font("CacheTestB", DEJAVU, tmp_path)
    (cached,) = tmp_path.glob("DejaVuSans-*.pickle")
    cached.write_bytes(content)
    font = font_cache.load_font("CacheTestB", DEJAVU, tmp_path)  # parsed again, no code run
    assert font.face.charToGlyph == ttfonts.TTFont("x", str(DEJAVU)).face.charToGlyph
    assert cached.read_bytes() != content  # and kept afresh


def test_an_unwritable_cache_folder_only_costs_the_parse(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    font = font_cache.load_font("CacheTestC", DEJAVU, blocker / "fonts")
    assert font.face.unitsPerEm == 2048
    assert blocker.read_text().startswith("a file")


def test_a_changed_font_file_is_parsed_again_and_its_old_tables_dropped(tmp_path: Path) -> None:
    font = tmp_path / "Copy.ttf"
    font.write_bytes(DEJAVU.read_bytes())
    cache = tmp_path / "cache"
    font_cache.load_font("CacheTestD", font, cache)
    (first,) = cache.glob("Copy-*.pickle")
    os.utime(font, ns=(1_000_000_000, 1_000_000_000))  # as a newer release of the font would
    font_cache.load_font("CacheTestD", font, cache)
    (second,) = cache.glob("Copy-*.pickle")
    assert second != first
