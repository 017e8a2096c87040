"""Every change fypdesk makes to reportlab's own functions, in one place, applied once per process.

reportlab keeps fonts and its module functions per process, so these patches are per process
too. :func:`apply` is idempotent; :meth:`Fonts.load <fypdesk.export.fonts.Fonts.load>` calls it
(nothing draws in the brief's fonts without loading them), and so does
:meth:`PdfRenderer.render <fypdesk.export.pdf.PdfRenderer.render>`, explicitly, before every
brief. The patches, each explained at its function:

1. :func:`_patch_to_unicode_cmap` wraps ``reportlab.pdfbase.ttfonts.makeToUnicodeCMap``: valid
   ToUnicode entries for characters beyond U+FFFF, and the text behind shaped glyphs.
2. :func:`_patch_set_rise` replaces ``reportlab.pdfgen.textobject.PDFTextObject.setRise``:
   shaped text may start with a raised glyph (reportlab 5.1 raises ``IndexError``).
3. :func:`_patch_shape_frag_word` replaces ``reportlab.platypus.paragraph.shapeFragWord``: a
   word is shaped piece by piece, each piece in its own font, and only in a script font.

And two documented settings, ``rl_config.trustedSchemes`` and ``trustedHosts``, emptied so that
markup naming a URL can never make an export fetch it.

tests/export/test_reportlab_patches.py pins what each patch relies on (signatures, private
names, the faulty behaviour it corrects) and every other private reportlab name fypdesk uses; a
reportlab release that changes any of them fails there. The pin in ``pyproject.toml`` keeps to
the reportlab release those tests ran against.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import ttfonts
from reportlab.pdfgen import textobject
from reportlab.platypus import paragraph

from fypdesk.export import shaping
from fypdesk.export.font_table import RIGHT_TO_LEFT, SHAPED

#: The attribute each replacement carries, holding the reportlab function it replaced.
ORIGINAL = "fypdesk_original"

_ASTRAL_ENTRY = re.compile(r"<([0-9A-F]{2})> <([0-9A-F]{5,6})>")
_PRIVATE_ENTRY = re.compile(r"<([0-9A-F]{2})> <(E[0-9A-F]{3}|F[0-8][0-9A-F]{2})>")


def apply() -> None:
    """Apply every patch (each once per process) and the settings (every call, they are cheap)."""
    # reportlab would otherwise fetch http(s), ftp and file URLs named in markup.
    rl_config.trustedSchemes = []
    rl_config.trustedHosts = []
    _patch_to_unicode_cmap()
    _patch_set_rise()
    if shaping.available():
        _patch_shape_frag_word()


def applied() -> dict[str, bool]:
    """Per patched reportlab name, whether fypdesk's replacement is in place."""
    return {
        "reportlab.pdfbase.ttfonts.makeToUnicodeCMap": _is_ours(ttfonts.makeToUnicodeCMap),
        "reportlab.pdfgen.textobject.PDFTextObject.setRise": _is_ours(
            textobject.PDFTextObject.setRise
        ),
        "reportlab.platypus.paragraph.shapeFragWord": _is_ours(paragraph.shapeFragWord),
    }


def original(replacement: Any) -> Any:
    """The reportlab function that ``replacement`` (one of ours) replaced."""
    return getattr(replacement, ORIGINAL)


def _is_ours(function: Any) -> bool:
    return hasattr(function, ORIGINAL)


def _mark(replacement: Any, replaced: Any) -> None:
    setattr(replacement, ORIGINAL, replaced)


def _utf16(text: str) -> str:
    """``text`` as a ToUnicode destination string: UTF-16BE in hex."""
    return f"<{text.encode('utf-16-be').hex().upper()}>"


def _patch_to_unicode_cmap() -> None:
    """Make emoji, characters beyond U+FFFF and shaped glyphs extractable (copy, search).

    Why: reportlab writes the ToUnicode entries of astral characters as five hex digits, which
    is not valid PDF: readers then cannot map the glyph back to its character. PDF wants
    UTF-16BE, i.e. a surrogate pair. A shaped glyph with no character of its own (a Devanagari
    conjunct) gets a private-use code; its entry names the characters it stands for instead
    (:func:`shaping.glyph_texts`). The wrapper rewrites only those entries.
    """
    replaced: Callable[[str, list[int]], str] = ttfonts.makeToUnicodeCMap
    if _is_ours(replaced):
        return

    def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        cmap = _ASTRAL_ENTRY.sub(
            lambda m: f"<{m[1]}> {_utf16(chr(int(m[2], 16)))}", replaced(fontname, subset)
        )
        texts = shaping.glyph_texts(fontname.partition("+")[2])
        if texts:
            cmap = _PRIVATE_ENTRY.sub(
                lambda m: (
                    f"<{m[1]}> {_utf16(texts[int(m[2], 16)])}" if int(m[2], 16) in texts else m[0]
                ),
                cmap,
            )
        return cmap

    _mark(to_unicode_cmap, replaced)
    ttfonts.makeToUnicodeCMap = to_unicode_cmap


def _patch_set_rise() -> None:
    """Let shaped text start with a raised glyph (reportlab 5.1 raises ``IndexError``).

    Why: drawn right to left, an Arabic word whose last letter carries a mark (``ثانٍ``,
    ``جديداً``) starts with the mark, raised above the baseline. reportlab writes a string's
    operators into a new, empty list (``_code``) and, to raise the first glyph, looks at the
    list's last operator. With no operator before it (no font change) that fails; this does what
    reportlab does for a list whose last operator is no rise (private ``_code``, ``_rise``,
    ``_y``, as reportlab's own method).
    """
    replaced = textobject.PDFTextObject.setRise
    if _is_ours(replaced):
        return

    def set_rise(self: Any, rise: float) -> None:
        if self._code:
            replaced(self, rise)
            return
        self._rise = rise
        self._y -= rise
        self._code.append(f"{fp_str(rise)} Ts")

    _mark(set_rise, replaced)
    textobject.PDFTextObject.setRise = set_rise


def _patch_shape_frag_word() -> None:
    """Make reportlab's paragraphs shape only the pieces of a word in a shaped (script) font.

    Why: reportlab's ``shapeFragWord`` shapes a whole word with the font of its first piece, so
    ``नोट:`` or ``(क्षमता)`` (punctuation in the body font) drew glyph numbers of one font in
    another, and it shaped every Latin word of a paragraph that shapes. reportlab's paragraph
    module calls its module-level ``shapeFragWord`` at line-breaking time, which is what is
    replaced; :func:`shaping.word_shaper` does the work, with reportlab's function for each
    piece. A paragraph still shapes only if its style has ``shaping`` set.
    """
    replaced = paragraph.shapeFragWord
    if _is_ours(replaced):
        return
    shape_word = shaping.word_shaper(SHAPED, RIGHT_TO_LEFT, ttfonts.shapeFragWord)
    _mark(shape_word, replaced)
    paragraph.shapeFragWord = shape_word
