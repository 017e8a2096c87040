"""Render a :class:`BriefDocument` as Markdown (CommonMark with pipe tables), for mail and wikis.

User text is escaped so it prints as written: a note holding ``<img src="http://...">`` shows as
text in any Markdown viewer and never loads anything, and ``*`` or ``_`` never turn into emphasis.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from fypdesk.export.document import (
    Block,
    BriefDocument,
    Chart,
    Heading,
    Item,
    NoteCallout,
    SourceList,
    TargetTable,
    TextRole,
)
from fypdesk.export.text import clean, one_line

# Characters with a meaning somewhere in CommonMark or GFM; a backslash makes each literal.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# Only at the start of a line do these begin a list, a heading or a quote.
_LINE_START = re.compile(r"^(\s*)([-+=>#])", re.MULTILINE)
_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
# "&" is literal unless it starts an entity such as "&amp;" or "&#60;".
_ENTITY = re.compile(r"&(?=#?\w+;)")

TABLE_HEADER = ("Indicator", "Baseline", "Year", "Target", "Year", "Unit", "Change", "Source")


def escape(text: str, *, line_start: bool = True) -> str:
    """``text`` as Markdown that displays exactly ``text``.

    Args:
        text: any text.
        line_start: whether the text (or any of its lines) starts a Markdown line, where ``-``,
            ``#`` or ``1.`` would begin a list or a heading; inline text needs no such escapes.
    """
    # Brackets are escaped, so parentheses and "!" can never form a link or an image.
    text = _SPECIAL.sub(r"\\\1", clean(text))
    text = _ENTITY.sub(r"\\&", text)
    if not line_start:
        return text
    text = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def render_markdown(document: BriefDocument) -> str:
    """The brief as one Markdown string."""
    cover = document.cover
    lines = [f"# {escape(one_line(cover.title))}", ""]
    if cover.marking:
        lines += [f"**{escape(one_line(cover.marking).upper())}**", ""]
    if cover.subtitle:
        lines += [f"*{escape(one_line(cover.subtitle))}*", ""]
    for label, value in (
        ("Prepared by", cover.author),
        ("Organisation", cover.organisation),
        ("Meeting", cover.date),
        ("Scope", cover.scope),
        ("Source", cover.source),
        ("Content version", cover.content_version),
    ):
        if value:
            lines.append(f"- {label}: {escape(one_line(value))}")
    lines += ["", "> Quoted notes marked **Note** are the author's own, not the official text.", ""]
    for block in document.blocks:
        lines += _block(block)
    lines.append(f"*Prepared with {escape(document.creator)}.*")
    return "\n".join(lines) + "\n"


def write_markdown(document: BriefDocument, out: BinaryIO) -> int:
    """Write the brief as UTF-8 Markdown to ``out``; return its number of lines."""
    text = render_markdown(document)
    out.write(text.encode("utf-8"))
    return text.count("\n")


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"{'#' * min(block.level + 2, 6)} {escape(one_line(block.text))}", ""]
    if isinstance(block, Item):
        return _item(block)
    if isinstance(block, NoteCallout):
        return _note(block)
    if isinstance(block, TargetTable):
        return _table(block)
    if isinstance(block, Chart):
        return []  # the table above the chart carries the same numbers
    if isinstance(block, SourceList):
        return _sources(block)
    text = escape(one_line(block.text))
    if block.role is TextRole.LEAD:
        text = f"**{text}**"
    return [text, ""]


def _item(item: Item) -> list[str]:
    indent = "  " * item.depth
    head = f"{indent}- **{escape(one_line(item.title), line_start=False)}**"
    lines = [head + (f" {escape(one_line(item.text), line_start=False)}" if item.text else "")]
    for fact in item.facts:
        cite = f" \\[{fact.citation}\\]" if fact.citation else ""
        text = escape(one_line(fact.text), line_start=False)
        lines.append(f"{indent}  - *{escape(fact.label, line_start=False)}:* {text}{cite}")
    return [*lines, ""]


def _note(note: NoteCallout) -> list[str]:
    meta = [f"on “{escape(one_line(note.about))}”"]
    if note.tags:
        meta.append("tags: " + ", ".join(escape(one_line(tag)) for tag in note.tags))
    if note.date:
        meta.append(note.date)
    lines = [f"> **Note** ({'; '.join(meta)})", ">"]
    for line in clean(note.body).split("\n"):
        # A trailing backslash keeps the note's own line breaks in CommonMark.
        lines.append(f"> {escape(line)}\\" if line.strip() else ">")
    if lines[-1].endswith("\\"):
        lines[-1] = lines[-1][:-1]
    return [*lines, ""]


def _cell(text: str) -> str:
    return escape(one_line(text), line_start=False) or " "


def _table(table: TargetTable) -> list[str]:
    lines = [f"**{escape(table.caption)}**", ""]
    lines.append("| " + " | ".join(TABLE_HEADER) + " |")
    lines.append("|" + "|".join(["---"] + ["--:"] * 2 + ["--:"] * 2 + ["---"] * 3) + "|")
    for row in table.rows:
        cite = f"\\[{row.citation}\\]" if row.citation else " "
        lines.append("| " + " | ".join(_cell(cell) for cell in row.cells()) + f" | {cite} |")
    return [*lines, "", f"*{escape(table.footnote)}*", ""]


def _sources(sources: SourceList) -> list[str]:
    lines = [escape(one_line(sources.preface)), ""]
    for citation in sources.citations:
        lines.append(
            f"{citation.number}\\. {escape(one_line(citation.where))}: "
            f"“{escape(one_line(citation.passage))}”"
        )
        lines.append("")
    return lines
