"""An item's title never ends a page: it goes with the first lines of its text, and the text still
splits across pages rather than leaving a gap."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate, Spacer

from fypdesk import paths
from fypdesk.export import pdf_styles as ps
from fypdesk.export.document import Item
from fypdesk.export.font_table import REGULAR
from fypdesk.export.fonts import Fonts
from fypdesk.export.pdf import _story_item
from fypdesk.export.pdf_pages import RenderContext

WIDTH, HEIGHT = 450.0, 300.0
TITLE = "The global economic and trade environment is becoming more complex due to the pandemic"
TEXT = " ".join(f"Sentence {n} of the official text about industrial upgrading." for n in range(30))


@pytest.fixture(scope="module")
def context() -> RenderContext:
    fonts = Fonts.load(paths.resources_dir() / "fonts")
    return RenderContext(fonts, ps.build_styles(), width=WIDTH, height=HEIGHT)


def _pages(context: RenderContext, room: float, item: Item) -> list[str]:
    """The text of each page when ``item`` starts with ``room`` points left on the first page."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=(WIDTH, HEIGHT), leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0,
        initialFontName=REGULAR,
    )  # fmt: skip
    # The frame's default 6 pt paddings leave HEIGHT - 12 for the flowables.
    filler = Spacer(1, HEIGHT - 12 - room)
    document.build([filler, *_story_item(context, item)])
    return [page.extract_text() for page in PdfReader(out).pages]


@pytest.mark.parametrize("room", [float(r) for r in range(0, 80, 3)])
def test_a_title_is_never_the_last_thing_on_a_page(context: RenderContext, room: float) -> None:
    pages = _pages(context, room, Item(TITLE, TEXT, 0, ()))
    title_page = next(i for i, text in enumerate(pages) if "pandemic" in text)
    assert "Sentence 0 of" in pages[title_page]  # its text starts beside it
    assert "the pandemic" in pages[title_page] and "The global" in pages[title_page]


def test_with_room_for_a_few_lines_the_text_starts_on_the_same_page(
    context: RenderContext,
) -> None:
    pages = _pages(context, 70.0, Item(TITLE, TEXT, 0, ()))
    assert len(pages) == 2
    assert "The global" in pages[0] and "Sentence 0 of" in pages[0]  # not pushed to a new page
    assert "Sentence 29 of" in pages[1]


def test_an_item_without_text_or_facts_is_a_title_alone(context: RenderContext) -> None:
    (title,) = _story_item(context, Item("Objectives", None, 1, ()))
    assert title.style.fontName == context.styles.item_alone.fontName
    assert title.style.spaceAfter == context.styles.item_alone.spaceAfter
