"""Shared samples for the export tests: hostile notes, rendering and PDF text extraction."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from fypdesk.domain.brief import BriefNote
from fypdesk.export.document import BriefDocument

CONTENT_DB = Path(__file__).resolve().parents[2] / "data" / "fyp.db"

#: Note bodies that break naive markup handling, each of which must come out verbatim.
HOSTILE = (
    "<b>",
    "Fish & chips",
    "AT&T",
    "0.1 <A <0.9",
    '<img src="http://example.com/x.png">',
    "]]>",
    "中文笔记：目标可行",
    "Good news 😀",
    "עברית",
    "CO₂ per unit",
)

#: Where the hostile notes are attached: the root, a plan, a section, an item, a folded target.
NOTE_TARGETS = (
    "briefing",
    "ict",
    "green/objectives",
    "ict/objectives/5g-coverage",
    "green/targets/co2-intensity",
)

CREATED = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Extracted:
    """The text of a rendered PDF, by part."""

    pages: tuple[str, ...]
    outline: tuple[str, ...]
    metadata: dict[str, str]
    reader: PdfReader

    @property
    def text(self) -> str:
        """All pages' text."""
        return "\n".join(self.pages)


def hostile_notes() -> tuple[BriefNote, ...]:
    """Every hostile body on one of the attachment points, tagged by parity."""
    notes = []
    for index, body in enumerate(HOSTILE):
        node_id = NOTE_TARGETS[index % len(NOTE_TARGETS)]
        tags = ("risk",) if index % 2 else ("follow-up", "中文")
        created = CREATED + dt.timedelta(minutes=index)
        notes.append(BriefNote(node_id, body, tags, created, created))
    return tuple(notes)


def render(document: BriefDocument) -> bytes:
    """The PDF of ``document`` (reportlab imported here, as the CLI does)."""
    from fypdesk.export.pdf import render_pdf

    buffer = io.BytesIO()
    render_pdf(document, buffer)
    return buffer.getvalue()


def extract(pdf: bytes) -> Extracted:
    """Page texts, outline titles (flattened) and metadata of a PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    titles: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(getattr(item, "title", "")))

    walk(list(reader.outline))
    meta: dict[str, object] = dict(reader.metadata or {})
    return Extracted(
        pages=tuple(page.extract_text() for page in reader.pages),
        outline=tuple(titles),
        metadata={str(key): str(value) for key, value in meta.items()},
        reader=reader,
    )


def squash(text: str) -> str:
    """Whitespace folded away: extraction breaks lines where the layout wrapped them."""
    return "".join(text.split())


def embedded_fonts(pdf: Extracted) -> dict[str, bool]:
    """Every page font's base name (subset tag dropped), and whether its file is embedded."""
    fonts: dict[str, bool] = {}
    for page in pdf.reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        table = resources["/Font"].get_object()
        assert isinstance(table, DictionaryObject)
        for ref in table.values():
            font = ref.get_object()
            assert isinstance(font, DictionaryObject)
            descriptor = font["/FontDescriptor"].get_object()
            assert isinstance(descriptor, DictionaryObject)
            fonts[str(font["/BaseFont"]).split("+")[-1]] = "/FontFile2" in descriptor
    return fonts
