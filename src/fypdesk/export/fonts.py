"""The brief's fonts: bundled TrueType files, registered with reportlab, with a CJK fallback.

reportlab's standard fonts lack ``₂``, ``€`` and every Chinese glyph, and reportlab has no automatic
font fallback. So the body font is DejaVu Sans (a family, so ``<b>``/``<i>`` work) and any run of
characters it cannot draw is wrapped in ``<font name=...>`` of Droid Sans Fallback, which has
TrueType outlines reportlab can embed. Both are subset and embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from fypdesk.domain.errors import FypdeskError
from fypdesk.export.text import clean, visual_order

REGULAR = "FypSans"
BOLD = "FypSans-Bold"
ITALIC = "FypSans-Oblique"
BOLD_ITALIC = "FypSans-BoldOblique"
FALLBACK = "FypFallback"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_FALLBACK_FILE = "DroidSansFallbackFull.ttf"


_ASTRAL_ENTRY = re.compile(r"<([0-9A-F]{2})> <([0-9A-F]{5,6})>")


def _fix_astral_to_unicode() -> None:
    """Make emoji and other characters beyond U+FFFF extractable (copy, search, screen readers).

    reportlab writes their ToUnicode entries as five hex digits, which is not valid PDF: readers
    then cannot map the glyph back to its character. PDF wants UTF-16BE, i.e. a surrogate pair.
    The wrapper rewrites only those entries and is installed once per process.
    """
    original: Callable[[str, list[int]], str] = ttfonts.makeToUnicodeCMap
    if getattr(original, "fypdesk_fixed", False):
        return

    def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        return _ASTRAL_ENTRY.sub(
            lambda m: f"<{m[1]}> <{chr(int(m[2], 16)).encode('utf-16-be').hex().upper()}>",
            original(fontname, subset),
        )

    to_unicode_cmap.fypdesk_fixed = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = to_unicode_cmap


def _register(name: str, path: Path) -> TTFont:
    """Register ``path`` as ``name`` once per process (reportlab's font registry is global)."""
    if name in pdfmetrics.getRegisteredFontNames():
        font: TTFont = pdfmetrics.getFont(name)
        return font
    try:
        font = TTFont(name, str(path))
    except (OSError, ValueError, ttfonts.TTFError) as exc:  # missing, or not TrueType outlines
        raise FypdeskError(f"cannot load the brief's font {path}: {exc}") from exc
    pdfmetrics.registerFont(font)
    return font


@dataclass(slots=True)
class Fonts:
    """The registered fonts of one brief, and text-to-markup conversion with fallback.

    The fallback font is loaded only when some text needs it: most briefs have no Chinese, and
    the file is the largest we ship.
    """

    folder: Path
    _primary: frozenset[int] = field(default_factory=frozenset)
    _fallback: frozenset[int] | None = None
    #: Runs of characters the body font lacks; text without any (nearly all) skips the slow path.
    _foreign: re.Pattern[str] = field(default_factory=lambda: re.compile("(?!)"))

    @classmethod
    def load(cls, folder: Path) -> Fonts:
        """Register the body family from ``folder`` (``resources/fonts``)."""
        _fix_astral_to_unicode()
        fonts = {name: _register(name, folder / file) for name, file in _FILES.items()}
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        primary = frozenset(fonts[REGULAR].face.charToGlyph)
        return cls(folder, primary, None, re.compile(f"[^{_char_class(primary)}\\s]+"))

    def _fallback_chars(self) -> frozenset[int]:
        if self._fallback is None:
            font = _register(FALLBACK, self.folder / _FALLBACK_FILE)
            # Bold or italic CJK inside <b>/<i> falls back to the same face rather than failing.
            pdfmetrics.registerFontFamily(
                FALLBACK, normal=FALLBACK, bold=FALLBACK, italic=FALLBACK, boldItalic=FALLBACK
            )
            self._fallback = frozenset(font.face.charToGlyph)
        return self._fallback

    def font_for(self, char: str) -> str:
        """The font that draws ``char``: the body font, else the fallback if it has the glyph."""
        code = ord(char)
        if code in self._primary or char.isspace():
            return REGULAR
        return FALLBACK if code in self._fallback_chars() else REGULAR

    def markup(self, text: str, *, keep_lines: bool = False) -> str:
        """Paragraph markup that prints ``text`` verbatim: cleaned, escaped, with font fallback.

        Args:
            text: user or content text; never trusted as markup.
            keep_lines: keep line breaks (notes) instead of folding them into spaces.
        """
        text = clean(text)
        if not keep_lines:
            text = " ".join(text.split("\n"))
        text = visual_order(text)
        parts: list[str] = []
        done = 0
        for match in self._foreign.finditer(text):
            parts.append(_wrap(text[done : match.start()], REGULAR))
            parts.extend(self._foreign_run(match.group(0)))
            done = match.end()
        parts.append(_wrap(text[done:], REGULAR))
        return "".join(parts)

    def _foreign_run(self, run: str) -> list[str]:
        """Markup for characters the body font lacks: the fallback's where it has them."""
        parts: list[str] = []
        start = 0
        for index in range(1, len(run) + 1):
            if index == len(run) or self.font_for(run[index]) != self.font_for(run[start]):
                parts.append(_wrap(run[start:index], self.font_for(run[start])))
                start = index
        return parts


def _char_class(codes: frozenset[int]) -> str:
    """A regex character class body matching exactly ``codes``, as ranges."""
    ranges: list[str] = []
    ordered = sorted(code for code in codes if code > 0x20)
    start = previous = ordered[0]
    for code in [*ordered[1:], -1]:
        if code != previous + 1:
            ranges.append(
                re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else "")
            )
            start = code
        previous = code
    return "".join(ranges)


def _wrap(run: str, font: str) -> str:
    escaped = escape(run).replace("\n", "<br/>")
    return escaped if font == REGULAR else f'<font name="{font}">{escaped}</font>'
