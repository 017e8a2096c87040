"""Parsed TrueType fonts kept between exports, in the user's cache folder.

reportlab parses a font's tables (character map, widths, glyph positions) in Python every time a
process loads it: about 15 ms for each of the four DejaVu faces and 80 ms for the Chinese
fallback, a sixth of a whole ``fypdesk export``. What it parses depends only on the file and on
reportlab's version, so the parsed tables are kept, once per file, size, modification time and
reportlab version, and read back in a fraction of the time.

A cache file holds plain data (numbers, strings, lists and dicts, and reportlab's ``TTFNameBytes``
strings) and is read with an unpickler that builds nothing else, so a cache file that was tampered
with cannot run code; one that is unreadable, stale or of another version is ignored, and an
unwritable cache folder only means parsing every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import ttfonts

from fypdesk import paths

_log = logging.getLogger(__name__)

#: Bumped when what is stored changes.
FORMAT = 1
#: Largest cache file read, in bytes (the Chinese fallback's tables take about 1.5 MB).
MAX_CACHE_BYTES = 16 << 20
#: Face attributes not stored: the file's bytes (read again, faster than unpickling them) and a
#: scaling function (made again from the face's units per em).
_NOT_STORED = frozenset({"_ttf_data", "_pdfScale"})
_ALLOWED_CLASSES = {("reportlab.pdfbase.ttfonts", "TTFNameBytes"): ttfonts.TTFNameBytes}


def load_font(name: str, path: Path, cache_dir: Path | None = None) -> ttfonts.TTFont:
    """The TrueType font at ``path``, named ``name``, parsed by reportlab or read from the cache.

    Raises what ``TTFont`` raises for a file it cannot load (``OSError``, ``TTFError``...).
    """
    cached = _cache_file(path, cache_dir or paths.user_cache_dir() / "fonts")
    if cached is not None:
        face = _read(cached, path)
        if face is not None:
            return _font(name, face)
    font = ttfonts.TTFont(name, str(path))
    if cached is not None:
        _write(cached, font.face)
    return font


def _cache_file(path: Path, folder: Path) -> Path | None:
    """Where the parsed tables of ``path`` as it is now are kept (None: the file is unreadable)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = "|".join(
        map(
            str,
            (path.resolve(), stat.st_size, stat.st_mtime_ns, reportlab.Version, FORMAT,
             sys.version_info[:2]),
        )
    )  # fmt: skip
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return folder / f"{path.stem}-{digest}.pickle"


class _PlainUnpickler(pickle.Unpickler):
    """Builds plain data and ``TTFNameBytes``, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED_CLASSES[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"a font cache may not hold {module}.{name}") from None


def _read(cached: Path, path: Path) -> ttfonts.TTFontFace | None:
    raw = paths.read_small_file(cached, MAX_CACHE_BYTES)
    if raw is None:
        return None
    try:
        state = _PlainUnpickler(io.BytesIO(raw)).load()
        if not isinstance(state, dict) or "unitsPerEm" not in state:
            return None
        face: ttfonts.TTFontFace = ttfonts.TTFontFace.__new__(ttfonts.TTFontFace)
        face.__dict__.update(state)
        face._ttf_data = path.read_bytes()
        face._pdfScale = _scale(int(state["unitsPerEm"]))
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, RecursionError, MemoryError) as exc:  # fmt: skip
        _log.debug("ignoring the font cache %s: %s", cached, exc)
        return None
    return face


def _write(cached: Path, face: ttfonts.TTFontFace) -> None:
    state = {key: value for key, value in vars(face).items() if key not in _NOT_STORED}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        temporary = Path(name)
    except OSError as exc:
        _log.debug("cannot keep parsed fonts in %s: %s", cached.parent, exc)
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(cached)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        _log.debug("cannot keep the parsed font %s: %s", cached, exc)
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    # Older versions of this font (another fypdesk, another reportlab) are of no more use.
    for other in cached.parent.glob(f"{cached.stem.rsplit('-', 1)[0]}-*.pickle"):
        if other != cached:
            with contextlib.suppress(OSError):
                other.unlink()


def _scale(units_per_em: int) -> Any:
    """What reportlab's parser sets as ``_pdfScale``: font units to thousandths of an em."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _font(name: str, face: ttfonts.TTFontFace) -> ttfonts.TTFont:
    """A ``TTFont`` over an already parsed ``face``: what ``TTFont.__init__`` sets, but the face.

    tests/export/test_font_cache.py checks that the result has the same attributes as a font
    reportlab makes itself, so a reportlab release that changes them fails there, not in a brief.
    """
    font: ttfonts.TTFont = ttfonts.TTFont.__new__(ttfonts.TTFont)
    font.fontName = name
    font.face = face
    font.encoding = ttfonts.TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in ttfonts.unShapedFontGlob or ())
    return font
