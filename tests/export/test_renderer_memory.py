"""Exporting again and again (a long window session) keeps memory bounded.

Caches of styles made per export used to live in module-level ``functools.cache`` functions and
grew by every export's styles (rendering one brief four times took one from 8 to 32 entries).
Now a :class:`PdfRenderer` owns them, and what stays per process is keyed by stable values. These
tests render the same brief many times and check that no cache, no count of live paragraph styles
and the process's resident memory grow with the number of exports.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.styles import ParagraphStyle

from fypdesk.domain.brief import Annotations, BriefNote, BriefSpec
from fypdesk.export import fonts as fonts_module
from fypdesk.export import shaping
from fypdesk.export.compose import BriefContent, compose
from fypdesk.export.document import BriefDocument
from fypdesk.export.pdf import PdfRenderer, render_pdf
from tests.export.brief_samples import hostile_notes

EXPORTS = 20
WARM_UP = 3
#: Resident memory an export may leave behind, in all, after the warm-up: far above the allocator's
#: noise (about 0.3 MB over 80 exports here), far below what a cache of every export's paragraphs
#: or a kept document would take (a brief's layout is several MB).
RSS_GROWTH_LIMIT = 15 << 20

_CREATED = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
#: Notes that take every path that derives styles: shaped scripts, right-to-left text.
_SCRIPT_NOTES = (
    "हिन्दी में नोट: क्षमता (क्षमता)",
    "ملاحظة باللغة العربية ثانٍ جديداً ٢٠٢٥",
    "ภาษาไทย น้ำ ที่นี่",
    "עברית ו-English",
)


@pytest.fixture(scope="module")
def document(content: BriefContent) -> BriefDocument:
    notes = hostile_notes() + tuple(
        BriefNote("ict", body, ("t",), _CREATED, _CREATED) for body in _SCRIPT_NOTES
    )
    return compose(BriefSpec(marking="Internal"), content, Annotations(notes=notes))


def _rss() -> int:
    """Resident memory of this process, in bytes."""
    if sys.platform.startswith("linux"):
        resident = Path("/proc/self/statm").read_text(encoding="ascii").split()[1]
        return int(resident) * os.sysconf("SC_PAGE_SIZE")
    import resource  # peak, not current: an upper bound of growth elsewhere

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _export_caches() -> dict[str, int]:
    """The size of every cache the export modules keep per process, functools ones included."""
    sizes = {
        "shaping._SHAPED": len(shaping._SHAPED),
        "shaping._GLYPH_TEXTS": sum(len(texts) for texts in shaping._GLYPH_TEXTS.values()),
        "fonts._COVERAGE": len(fonts_module._COVERAGE),
        "fonts._BODY": len(fonts_module._BODY),
    }
    for name, module in list(sys.modules.items()):
        if not name.startswith("fypdesk.export"):
            continue
        for attribute, value in list(vars(module).items()):
            info = getattr(value, "cache_info", None)
            if callable(info):
                sizes[f"{name}.{attribute}"] = info().currsize
    return sizes


def _paragraph_styles() -> int:
    gc.collect()
    return sum(1 for item in gc.get_objects() if isinstance(item, ParagraphStyle))


def _exports_stay_bounded(
    export: Callable[[], Any], caches: Callable[[], dict[str, int]]
) -> tuple[dict[str, int], dict[str, int], int]:
    for _ in range(WARM_UP):
        export()
    before, styles, rss = caches(), _paragraph_styles(), _rss()
    for _ in range(EXPORTS):
        export()
    after = caches()
    assert after == before, "a cache grew with the number of exports"
    assert _paragraph_styles() <= styles, "paragraph styles outlive the exports that made them"
    growth = _rss() - rss
    assert growth < RSS_GROWTH_LIMIT, f"resident memory grew {growth / 2**20:.1f} MB"
    return before, after, growth


def test_one_renderer_exporting_again_and_again_stays_bounded(document: BriefDocument) -> None:
    renderer = PdfRenderer()

    def caches() -> dict[str, int]:
        return {**_export_caches(), **renderer.cache_sizes()}

    before, _, _ = _exports_stay_bounded(lambda: renderer.render(document, io.BytesIO()), caches)
    assert before["derived_styles"] > 0  # the renderer does keep its derived styles


def test_render_pdf_again_and_again_stays_bounded(document: BriefDocument) -> None:
    _exports_stay_bounded(lambda: render_pdf(document, io.BytesIO()), _export_caches)


def test_a_renderer_renders_what_render_pdf_does(
    document: BriefDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # one date for all three: byte for byte
    renderer = PdfRenderer()
    once, first, second = io.BytesIO(), io.BytesIO(), io.BytesIO()
    pages = render_pdf(document, once)
    assert renderer.render(document, first) == pages == renderer.render(document, second)
    assert first.getvalue() == once.getvalue() == second.getvalue()
