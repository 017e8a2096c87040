"""The reportlab internals fypdesk relies on: its three patches, and every private name it uses.

Each patch in :mod:`fypdesk.export.reportlab_patches` is checked three ways: it is applied (once,
however often :func:`apply` runs), what it replaced still looks as the patch expects (signature,
private attributes), and reportlab's own function still has the fault the patch corrects: a
reportlab release that fixes it fails here, and the patch can go. The private names used outside
the patches (subclasses of reportlab's canvas, paragraph and page-break, the font cache) are
pinned at the end. A failure here means: read the reportlab release notes, adapt, then widen the
pin in ``pyproject.toml``.
"""

from __future__ import annotations

import inspect
import io
from pathlib import Path

import pytest
import reportlab
from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen import textobject
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, frames, paragraph
from reportlab.platypus.flowables import AnchorFlowable
from reportlab.platypus.paraparser import ParaFrag
from reportlab.platypus.tableofcontents import drawPageNumbers

from fypdesk import paths
from fypdesk.export import reportlab_patches, shaping
from fypdesk.export.font_table import DEVANAGARI, REGULAR
from fypdesk.export.fonts import Fonts

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    """The bundled fonts, loaded (which applies the patches), with the Devanagari font too."""
    loaded = Fonts.load(paths.resources_dir() / "fonts")
    loaded.coverage(DEVANAGARI)
    return loaded


# -- the patches are applied, once --------------------------------------------------------------


def test_every_patch_is_applied_by_loading_the_fonts(fonts: Fonts) -> None:
    assert shaping.available(), "uharfbuzz is a dependency: shaping must be available"
    applied = reportlab_patches.applied()
    assert applied == dict.fromkeys(applied, True)
    assert len(applied) == 3


def test_applying_again_changes_nothing(fonts: Fonts) -> None:
    before = (
        ttfonts.makeToUnicodeCMap,
        textobject.PDFTextObject.setRise,
        paragraph.shapeFragWord,
    )
    reportlab_patches.apply()
    reportlab_patches.apply()
    after = (ttfonts.makeToUnicodeCMap, textobject.PDFTextObject.setRise, paragraph.shapeFragWord)
    assert after == before
    # A wrapper never wraps a wrapper: what each replaced is reportlab's own.
    for replacement in after:
        assert not hasattr(reportlab_patches.original(replacement), reportlab_patches.ORIGINAL)


def test_applying_refuses_remote_resources(fonts: Fonts) -> None:
    rl_config.trustedSchemes = ["http"]
    reportlab_patches.apply()
    assert rl_config.trustedSchemes == [] and rl_config.trustedHosts == []


# -- 1. ttfonts.makeToUnicodeCMap ---------------------------------------------------------------


def test_to_unicode_cmap_is_what_the_patch_wraps(fonts: Fonts) -> None:
    replaced = reportlab_patches.original(ttfonts.makeToUnicodeCMap)
    assert list(inspect.signature(replaced).parameters) == ["fontname", "subset"]
    # TTFont writes each subset's ToUnicode through the module-level name that is patched.
    assert "makeToUnicodeCMap(" in inspect.getsource(ttfonts.TTFont.addObjects)


def test_reportlab_still_writes_astral_to_unicode_entries_invalidly(fonts: Fonts) -> None:
    """reportlab writes U+1F600 as five hex digits; PDF wants a UTF-16 surrogate pair."""
    replaced = reportlab_patches.original(ttfonts.makeToUnicodeCMap)
    assert "<01> <1F600>" in replaced("AAAAAA+Face", [0x41, 0x1F600])
    patched = ttfonts.makeToUnicodeCMap("AAAAAA+Face", [0x41, 0x1F600])
    assert "<01> <D83DDE00>" in patched
    assert "<1F600>" not in patched


# -- 2. textobject.PDFTextObject.setRise -------------------------------------------------------


def test_set_rise_is_what_the_patch_replaces(fonts: Fonts) -> None:
    replaced = reportlab_patches.original(textobject.PDFTextObject.setRise)
    assert list(inspect.signature(replaced).parameters) == ["self", "rise"]
    # The private state the replacement updates as reportlab's method does.
    source = inspect.getsource(replaced)
    for name in ("self._code[-1]", "self._rise", "self._y"):
        assert name in source
    text = Canvas(io.BytesIO()).beginText()
    assert isinstance(text._code, list)
    assert isinstance(text._rise, int | float) and isinstance(text._y, int | float)


def test_reportlab_still_fails_to_raise_a_first_glyph(fonts: Fonts) -> None:
    replaced = reportlab_patches.original(textobject.PDFTextObject.setRise)
    text = Canvas(io.BytesIO()).beginText()
    text._code = []  # what reportlab starts a shaped string's operators with
    with pytest.raises(IndexError):
        replaced(text, 2)
    text._code = []
    text.setRise(2)
    assert (text._code, text._rise, text._y) == (["2 Ts"], 2, -2)
    # With an operator before it, the patch is reportlab's own method: a rise replaces a rise.
    text.setRise(3)
    assert text._code == ["3 Ts"]


# -- 3. paragraph.shapeFragWord ------------------------------------------------------------------


def test_shape_frag_word_is_what_the_patch_replaces(fonts: Fonts) -> None:
    replaced = reportlab_patches.original(paragraph.shapeFragWord)
    assert replaced is ttfonts.shapeFragWord
    assert list(inspect.signature(replaced).parameters) == ["w", "features", "force"]
    # Paragraphs shape through the module-level name, looked up when lines are broken.
    assert "shapeFragWord(_)" in inspect.getsource(Paragraph.breakLines)
    for name in ("ShapedFragWord", "makeShapedFragWord", "ShapedStr", "uharfbuzz"):
        assert hasattr(ttfonts, name), name


def _mixed_word() -> list[object]:
    """``(क्षमता``: a bracket in the body font, then Devanagari."""
    body, script = (
        ParaFrag(fontName=REGULAR, fontSize=10),
        ParaFrag(fontName=DEVANAGARI, fontSize=10),
    )
    width = pdfmetrics.stringWidth("(", REGULAR, 10) + pdfmetrics.stringWidth(
        "क्षमता", DEVANAGARI, 10
    )
    return [width, (body, "("), (script, "क्षमता")]


def test_reportlab_still_shapes_a_word_in_its_first_pieces_font(fonts: Fonts) -> None:
    """reportlab shapes the Devanagari with the body font: glyphs it does not have."""
    replaced = reportlab_patches.original(paragraph.shapeFragWord)
    shaped = replaced(_mixed_word())
    devanagari = next(str(text) for frag, text in shaped[1:] if frag.fontName == DEVANAGARI)
    assert set(devanagari) == {"\uffff"}


def test_the_patch_shapes_each_piece_in_its_own_font(fonts: Fonts) -> None:
    shaped = paragraph.shapeFragWord(_mixed_word())
    assert isinstance(shaped, ttfonts.ShapedFragWord)
    pieces = [(frag.fontName, str(text)) for frag, text in shaped[1:]]
    assert pieces[0] == (REGULAR, "(")
    font, glyphs = pieces[1]
    assert font == DEVANAGARI
    assert "\uffff" not in glyphs
    assert glyphs.endswith("मता") and ord(glyphs[0]) in range(0xE000, 0xF900)  # क्ष: one glyph
    data = getattr(shaped[2][1], "__shapeData__", None)
    assert data and all(hasattr(item, "cluster") for item in data)


# -- private names used outside the patches -----------------------------------------------------


def test_private_settings_used() -> None:
    # pdf_paragraph: reportlab's layout tolerance, so a kept measurement matches its own.
    assert isinstance(rl_config._FUZZ, float)
    assert frames._FUZZ == rl_config._FUZZ


def test_space_transfer_is_still_read_by_frames() -> None:
    """pdf._RoomFor sets ``_SPACETRANSFER`` (as reportlab's own anchors do) on a CondPageBreak,
    so that frames pass the space after the flowable before it on to the one after it."""
    from fypdesk.export.pdf import _RoomFor

    assert AnchorFlowable._SPACETRANSFER is True
    assert not hasattr(CondPageBreak, "_SPACETRANSFER") and _RoomFor._SPACETRANSFER is True
    assert "getattr(flowable,'_SPACETRANSFER',False)" in inspect.getsource(frames.Frame._add)


def test_paragraph_wrap_sets_what_brief_paragraph_keeps() -> None:
    """BriefParagraph keeps ``blPara`` and ``_wrapWidths`` per width and restores them."""
    para = Paragraph("Some words to break into lines", ParagraphStyle("p"))
    para.wrap(60, 1000)
    assert isinstance(para._wrapWidths, list) and para.blPara.lines
    assert "self._wrapWidths" in inspect.getsource(Paragraph.drawPara)


def test_canvas_private_names_numbered_canvas_uses() -> None:
    """NumberedCanvas snapshots the canvas's ``__dict__`` per page and calls ``_startPage``."""
    canvas = Canvas(io.BytesIO(), pagesize=(200, 300))
    assert canvas._annotationCount == 0
    assert canvas._pagesize == (200, 300)
    assert callable(canvas._startPage)
    assert {"_code", "_pagesize", "_annotationCount"} <= set(vars(canvas))
    assert callable(canvas.setNamedCB)
    assert list(inspect.signature(drawPageNumbers).parameters)[:6] == [
        "canvas",
        "style",
        "pages",
        "availWidth",
        "availHeight",
        "dot",
    ]


def test_the_document_date_numbered_canvas_sets() -> None:
    """NumberedCanvas replaces the document's ``_timeStamp``, which the Info dictionary's
    CreationDate and ModDate are written from."""
    from reportlab.lib.utils import TimeStamp
    from reportlab.pdfbase import pdfdoc

    canvas = Canvas(io.BytesIO(), invariant=True)
    assert isinstance(canvas._doc._timeStamp, TimeStamp)
    assert canvas._doc._timeStamp.YMDhms[:3] == (2000, 1, 1)  # what invariant dates it
    assert "document._timeStamp" in inspect.getsource(pdfdoc.PDFInfo.format)


def test_font_private_names_the_font_cache_sets(fonts: Fonts) -> None:
    """font_cache builds faces and fonts without their __init__ (see test_font_cache too)."""
    font = ttfonts.TTFont("PinCheck", str(paths.resources_dir() / "fonts" / "DejaVuSans.ttf"))
    assert {"_ttf_data", "_pdfScale", "charToGlyph", "name", "unitsPerEm"} <= set(vars(font.face))
    assert hasattr(font, "_asciiReadable") and hasattr(ttfonts, "unShapedFontGlob")
    assert isinstance(ttfonts.TTFNameBytes(b"x"), bytes)


def test_unshaped_cluster_marker_used_by_bidi() -> None:
    """pdf_bidi tells characters added to shaped text unshaped by this cluster number."""
    from fypdesk.export.pdf_bidi import _UNSHAPED

    assert ttfonts._sdSimple.cluster == _UNSHAPED


def test_flowable_base_has_no_split_surprises() -> None:
    """Our flowables (Callout, PlainLine, _Measured) rely on Flowable's defaults."""
    flowable = Flowable()
    assert flowable.split(100, 100) == []
    assert flowable.getSpaceBefore() == 0 and flowable.getSpaceAfter() == 0


# -- the pin ---------------------------------------------------------------------------------------


def test_the_installed_reportlab_is_within_the_tested_pin() -> None:
    """These tests ran against reportlab 5.1: the pin keeps to that release's minor version."""
    pin = next(
        line.strip()
        for line in PYPROJECT.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith('"reportlab')
    )
    assert pin == '"reportlab>=5.1,<5.2",'
    assert reportlab.Version.startswith("5.1.")
