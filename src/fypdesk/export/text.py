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

    Everything else, including right-to-left text (in logical order: the PDF puts each line in
    display order, :mod:`fypdesk.export.bidi`) and emoji, is kept exactly.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = text.replace("\t", "    ")
    return _UNPRINTABLE.sub("", unicodedata.normalize("NFC", text))


def one_line(text: str) -> str:
    """``text`` cleaned and folded to a single line, for titles, headers and bookmarks."""
    return " ".join(clean(text).split())
