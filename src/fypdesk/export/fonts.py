"""The brief's fonts: bundled TrueType files registered with reportlab, with per-character fallback.

reportlab's standard fonts lack ``₂``, ``€`` and every Chinese glyph, and reportlab has no automatic
font fallback. So the body font is DejaVu Sans (a family, so ``<b>``/``<i>`` work) and every
character it cannot draw goes to another bundled font:

- a character of a script that needs a shaping engine goes to its script's font (``SCRIPT_FILES``,
  Noto Sans from Debian's fonts-noto-core, OFL): Arabic (``ARABIC``, before DejaVu's unjoined
  Arabic letters), Devanagari (``DEVANAGARI``), Bengali (``BENGALI``), Tamil (``TAMIL``) and Thai
  (``THAI``). Each draws only its own script's blocks (never, say, a Latin colon next to a Hindi
  word), and only its runs are shaped, by HarfBuzz (:mod:`fypdesk.export.shaping`);
- any other character goes to the first font of this chain whose cmap has a glyph for it:

  1. DejaVu Sans itself, upright (``UPRIGHT``), for the few hundred characters that its regular
     face has but its bold or oblique faces lack;
  2. Droid Sans Fallback (``FALLBACK``): Chinese, Japanese;
  3. Symbola (``SYMBOLS``, Debian's fonts-symbola 2.60): emoji up to Unicode 9 and other
     pictographs, monochrome;
  4. NanumSquare (``HANGUL``, Debian's fonts-nanum, OFL): Korean Hangul, which Droid lacks.

Each run is wrapped in ``<font name=...>``; the fallback fonts are single faces registered as
their own family, so bold or italic text falls back to the same face rather than failing. All are
TrueType outlines, subset and embedded. The fallback fonts are parsed only when some text needs
them: most briefs have no Chinese, no emoji and no Hindi, and Droid is the largest file we ship.

A character no bundled font has (emoji newer than Unicode 9; scripts such as Gurmukhi, Telugu or
Sinhala) still goes into the text layer verbatim, so the note copies and searches as typed: it is
drawn with DejaVu's "missing glyph" box under a code of its own, whose ToUnicode entry names the
character.
:meth:`Fonts.uncovered` lists such characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from fypdesk.domain.errors import FypdeskError
from fypdesk.export import reportlab_patches
from fypdesk.export.bidi import has_rtl
from fypdesk.export.font_cache import load_font
from fypdesk.export.font_table import (
    BODY_FILES,
    BOLD,
    BOLD_ITALIC,
    FALLBACK_FILES,
    ITALIC,
    REGULAR,
    SCRIPT_BLOCKS,
    SCRIPT_FILES,
    UPRIGHT,
)
from fypdesk.export.text import clean

_SCRIPT_OF = {
    code: name
    for name, blocks in SCRIPT_BLOCKS.items()
    for first, last in blocks
    for code in range(first, last + 1)
}
_ALL_FILES = {**FALLBACK_FILES, **SCRIPT_FILES}

#: Characters that draw nothing of their own and are kept inside the run around them, so that
#: ``🚀 ✅`` or an emoji sequence joined by U+200D stays one ``<font>`` tag: spaces, joiners,
#: directional marks, variation selectors. A newline never is: it ends the run (it becomes
#: ``<br/>``).
_ZERO_WIDTH = (
    "\u00ad\u034f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff"
    "\U000e0100-\U000e01ef"
)
_NEUTRAL = re.compile(f"[^\\S\\n]|[{_ZERO_WIDTH}]")


def _register(name: str, path: Path, face_name: bytes | None = None) -> TTFont:
    """Register ``path`` as ``name`` once per process (reportlab's font registry is global).

    reportlab maps bold and italic of a newly registered name to the same face, and takes a second
    font with a face name it already knows for the first: ``face_name`` renames the face (it also
    names the font's embedded subsets) so the same file can be registered twice.
    """
    if name in pdfmetrics.getRegisteredFontNames():
        font: TTFont = pdfmetrics.getFont(name)
        return font
    try:
        font = load_font(name, path)
    except (OSError, ValueError, ttfonts.TTFError) as exc:  # missing, or not TrueType outlines
        raise FypdeskError(f"cannot load the brief's font {path}: {exc}") from exc
    if face_name is not None:
        font.face.name = face_name
    pdfmetrics.registerFont(font)
    return font


def glyphs(font: TTFont) -> frozenset[int]:
    """The code points ``font`` has a real glyph for, from its cmap (glyph 0 is "missing")."""
    return frozenset(code for code, glyph in font.face.charToGlyph.items() if glyph)


#: Coverage per fallback font name, computed once per process like the registration itself.
_COVERAGE: dict[str, frozenset[int]] = {}
#: The body family's coverage (every face; the regular face) and its foreign-run pattern.
_Body = tuple[frozenset[int], frozenset[int], re.Pattern[str]]
_BODY: dict[str, _Body] = {}


def _body_coverage(fonts: dict[str, TTFont]) -> _Body:
    """The body family's coverage from its registered faces, computed once per process."""
    if REGULAR in _BODY:
        return _BODY[REGULAR]
    faces = [glyphs(font) for font in fonts.values()]
    primary = frozenset.intersection(*faces)
    # Zero-width characters inside a foreign run: only those the whole family draws, so that the
    # "foreign" and "neutral" classes never overlap and the pattern cannot backtrack.
    neutral = "[^\\S\\n]"
    joiners = _char_class(_zero_width() & primary)
    if joiners:
        neutral += f"|[{joiners}]"
    foreign = f"[^{_char_class(primary)}\\s]"
    pattern = re.compile(f"{foreign}(?:(?:{neutral})*{foreign})*")
    _BODY[REGULAR] = (primary, faces[0], pattern)
    return _BODY[REGULAR]


@dataclass(slots=True)
class Fonts:
    """The registered fonts of one brief, and text-to-markup conversion with fallback."""

    folder: Path
    #: Characters every face of the body family draws: text made of them skips the slow path.
    _primary: frozenset[int] = field(default_factory=frozenset)
    #: Characters the regular body face draws (the ``UPRIGHT`` font's coverage).
    _upright: frozenset[int] = field(default_factory=frozenset)
    #: Runs that start and end with a character outside ``_primary``.
    _foreign: re.Pattern[str] = field(default_factory=lambda: re.compile("(?!)"))

    @classmethod
    def load(cls, folder: Path) -> Fonts:
        """Register the body family from ``folder`` (``resources/fonts``)."""
        # The fonts are drawn right only with fypdesk's reportlab patches (ToUnicode, shaping).
        reportlab_patches.apply()
        fonts = {name: _register(name, folder / file) for name, file in BODY_FILES.items()}
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        return cls(folder, *_body_coverage(fonts))

    def coverage(self, name: str) -> frozenset[int]:
        """The code points font ``name`` draws; for the body family, those all its faces draw.

        A fallback font is registered (parsed) on first use.
        """
        if name == REGULAR:
            coverage = self._primary
        elif name == UPRIGHT:
            coverage = self._upright
        elif name in _COVERAGE:
            coverage = _COVERAGE[name]
        else:
            coverage = _COVERAGE[name] = glyphs(self._use(name))
        return coverage

    def _use(self, name: str) -> TTFont:
        """Fallback font ``name``, registered on first use; every style of it is the one face."""
        face_name = b"DejaVuSansUpright" if name == UPRIGHT else None
        return _register(name, self.folder / _ALL_FILES[name], face_name)

    def font_for(self, char: str) -> str | None:
        """The font that draws ``char``: the body family, else the first fallback with its glyph.

        ``None`` if no bundled font has it (see :meth:`uncovered`); whitespace is the body
        font's (reportlab turns it into word spacing).
        """
        code = ord(char)
        if code in self._primary or char.isspace():
            return REGULAR
        script = _SCRIPT_OF.get(code)
        if script is not None and code in self.coverage(script):
            return script
        for name in FALLBACK_FILES:
            if code in self.coverage(name):
                return name
        return None

    def is_plain(self, text: str) -> bool:
        """Whether ``text`` prints as it is, on one line, in any face of the body family.

        True when :meth:`markup` would only escape it: no character to clean, fold or reorder,
        no fallback font, no run of spaces for a paragraph to collapse, no soft hyphen, joiner or
        other invisible character that a paragraph treats specially, no right-to-left letter (a
        paragraph puts each of its lines in display order). Such text can be drawn as a
        plain string, without paragraph markup.
        """
        codes = set(map(ord, text))
        return (
            self._primary.issuperset(codes)
            and codes.isdisjoint(_INVISIBLE)
            and text == " ".join(text.split())
            and text == clean(text)
            and not has_rtl(text)
        )

    def uncovered(self, text: str) -> list[str]:
        """The distinct characters of ``text`` that no bundled font draws, in code point order.

        They are still printed (as the missing-glyph box) and extracted verbatim. Line breaks
        and control characters are not counted: :func:`clean` turns them into breaks or removes
        them before anything is drawn.
        """
        return sorted({char for char in clean(text) if self.font_for(char) is None})

    def markup(self, text: str, *, keep_lines: bool = False) -> str:
        """Paragraph markup that prints ``text`` verbatim: cleaned, escaped, with font fallback.

        Args:
            text: user or content text; never trusted as markup.
            keep_lines: keep line breaks (notes) instead of folding them into spaces.
        """
        text = clean(text)
        if not keep_lines:
            text = " ".join(text.split("\n"))
        parts: list[str] = []
        done = 0
        for match in self._foreign.finditer(text):
            parts.append(_wrap(text[done : match.start()], REGULAR))
            parts.extend(self._foreign_run(match.group(0)))
            done = match.end()
        parts.append(_wrap(text[done:], REGULAR))
        return "".join(parts)

    def _foreign_run(self, run: str) -> list[str]:
        """Markup for a run the body family cannot draw all of, one tag per font in turn."""
        parts: list[str] = []
        start, current = 0, self._font_or_missing(run[0])
        for index in range(1, len(run)):
            char = run[index]
            if _NEUTRAL.match(char) and ord(char) in self.coverage(current):
                continue  # a space or joiner inside the run: it stays in the run's font
            font = self._font_or_missing(char)
            if font != current:
                parts.append(_wrap(run[start:index], current))
                start, current = index, font
        parts.append(_wrap(run[start:], current))
        return parts

    def _font_or_missing(self, char: str) -> str:
        """:meth:`font_for`, with a character no font has given a code of its own in ``UPRIGHT``.

        Mapped to glyph 0 ("missing"), it draws a box; but unlike the body font's unmapped
        characters, which all share code 0 and extract as ``\\x00``, it gets its own code and
        ToUnicode entry, so copying the text gives the character back. ``UPRIGHT`` is a private
        instance: the body family's cmaps stay as the font files say.
        """
        font = self.font_for(char)
        if font is None:
            font = UPRIGHT
            self._use(UPRIGHT).face.charToGlyph.setdefault(ord(char), 0)
        elif font == UPRIGHT:
            self._use(UPRIGHT)
        return font


def _zero_width() -> frozenset[int]:
    """The code points of :data:`_ZERO_WIDTH`."""
    codes: set[int] = set()
    for match in re.finditer(r"(.)(?:-(.))?", _ZERO_WIDTH):
        first = ord(match[1])
        codes.update(range(first, ord(match[2] or match[1]) + 1))
    return frozenset(codes)


#: The zero-width and format characters of :data:`_ZERO_WIDTH`, as code points.
_INVISIBLE = _zero_width()


def _char_class(codes: frozenset[int]) -> str:
    """A regex character class body matching exactly ``codes``, as ranges."""
    ranges: list[str] = []
    ordered = sorted(code for code in codes if code > 0x20)
    if not ordered:
        return ""
    start = previous = ordered[0]
    for code in [*ordered[1:], -1]:
        if code != previous + 1:
            ranges.append(
                re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else "")
            )
            start = code
        previous = code
    return "".join(ranges)


def _escape(text: str) -> str:
    """``text`` with the three markup characters escaped, as ``xml.sax.saxutils.escape`` does.

    Not that function itself: importing ``xml.sax.saxutils`` pulls in ``urllib.request``,
    ``http.client``, ``ssl`` and ``email``, tens of milliseconds at every export's start.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(run: str, font: str) -> str:
    escaped = _escape(run).replace("\n", "<br/>")
    return escaped if font == REGULAR else f'<font name="{font}">{escaped}</font>'
