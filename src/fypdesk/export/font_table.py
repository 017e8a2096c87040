"""The brief's fonts by name: which file each is, and which scripts are shaped.

Plain data, apart from the code that registers and chooses fonts (:mod:`fypdesk.export.fonts`),
so that the paragraph code and the reportlab patches can name fonts without importing it.
"""

from __future__ import annotations

REGULAR = "FypSans"
BOLD = "FypSans-Bold"
ITALIC = "FypSans-Oblique"
BOLD_ITALIC = "FypSans-BoldOblique"
UPRIGHT = "FypSansUpright"
FALLBACK = "FypFallback"
SYMBOLS = "FypSymbols"
HANGUL = "FypHangul"
ARABIC = "FypArabic"
DEVANAGARI = "FypDevanagari"
BENGALI = "FypBengali"
TAMIL = "FypTamil"
THAI = "FypThai"

#: The body family, one file per face.
BODY_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
#: The fallback chain after the body family, in order, with each font's file.
FALLBACK_FILES = {
    UPRIGHT: "DejaVuSans.ttf",
    FALLBACK: "DroidSansFallbackFull.ttf",
    SYMBOLS: "Symbola_hint.ttf",
    HANGUL: "NanumSquareR.ttf",
}
#: The fonts of scripts that need shaping, with each font's file.
SCRIPT_FILES = {
    ARABIC: "NotoSansArabic-Regular.ttf",
    DEVANAGARI: "NotoSansDevanagari-Regular.ttf",
    BENGALI: "NotoSansBengali-Regular.ttf",
    TAMIL: "NotoSansTamil-Regular.ttf",
    THAI: "NotoSansThai-Regular.ttf",
}
#: The Unicode blocks each script font draws (where its cmap has the glyph).
SCRIPT_BLOCKS: dict[str, tuple[tuple[int, int], ...]] = {
    # Arabic, Supplement, Extended-A, Presentation Forms-A and -B (bar U+FEFF, the BOM).
    ARABIC: ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC)),
    DEVANAGARI: ((0x900, 0x97F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)),
    BENGALI: ((0x980, 0x9FF),),
    TAMIL: ((0xB80, 0xBFF), (0x11FC0, 0x11FFF)),
    THAI: ((0xE00, 0xE7F),),
}
#: Fonts whose runs are shaped (HarfBuzz): every script font, and only those.
SHAPED = frozenset(SCRIPT_FILES)
#: Shaped fonts of right-to-left scripts: HarfBuzz lays out each word's letters right to left.
RIGHT_TO_LEFT = frozenset({ARABIC})
