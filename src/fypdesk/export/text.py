"""Plain-text hygiene shared by every renderer: what user text may contain once it is printed."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (bar tab and newline), DEL, and the non-characters a PDF string cannot hold.
# Lone surrogates come from badly decoded files; they would make the encoder raise mid-export.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")


def clean(text: str) -> str:
    """``text`` with line breaks unified to ``\\n``, tabs as spaces, control characters removed.

    Everything else, including right-to-left text and emoji, is kept exactly.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = text.replace("\t", "    ")
    return _UNPRINTABLE.sub("", unicodedata.normalize("NFC", text))


def one_line(text: str) -> str:
    """``text`` cleaned and folded to a single line, for titles, headers and bookmarks."""
    return " ".join(clean(text).split())


# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan... and their presentation forms.
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
# A right-to-left run: strong RTL letters with the spaces, digits and punctuation between them,
# and a number right after them (the bidi algorithm lays it out inside the run).
_HAS_RTL = re.compile("[\u0590-\ufefc]")
_RTL_RUN = re.compile(f"[{_RTL}](?:[{_RTL}\\s\\d.,:;!?'\"()\\-]*[{_RTL}\\d])?")
_RTL_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|.", re.DOTALL)
_MIRROR = str.maketrans("()[]{}<>", ")(][}{><")


def visual_order(text: str) -> str:
    """Right-to-left runs reversed into display order, for renderers that lay out left to right.

    reportlab draws characters in the order given; a Hebrew word in logical order would read
    backwards. This is the common case of the Unicode bidi algorithm, not all of it: each line
    stays left-to-right, numbers inside a run keep their order, brackets are mirrored. Arabic
    letters are reordered but not joined (that needs a shaping engine).
    """
    if not _HAS_RTL.search(text):  # the common case, in one C-level scan
        return text
    return "\n".join(_RTL_RUN.sub(_reverse_run, line) for line in text.split("\n"))


def _reverse_run(match: re.Match[str]) -> str:
    tokens = _RTL_TOKEN.findall(match.group(0))
    return "".join(
        token if token[0].isdigit() else token.translate(_MIRROR) for token in reversed(tokens)
    )
