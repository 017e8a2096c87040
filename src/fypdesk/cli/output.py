"""Writing command output: JSON, CSV and plain-text tables on standard output.

Every stored string a command prints in text mode goes through :func:`visible` first: node ids
from imported notes, saved brief names, tags, note bodies and a third-party pack's titles are
data, and a terminal obeys escape sequences wherever they come from (ESC ``]0;`` sets the
window's title, CSI recolours, a bidi override makes ``evil‮txt.exe`` read backwards).
:func:`write_lines` applies it once more to each whole line, so a string a command forgot cannot
reach the terminal raw either.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from fypdesk.cli.json_text import pretty_json
from fypdesk.export.csv_cells import csv_text

# C0 and C1 controls, DEL, the bidi embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069), the line and paragraph separators and lone surrogates (from undecodable bytes).
_OTHER_CONTROLS = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHER_CONTROLS}]")
# In multi-line text the line feed stays (it is how the text is laid out) and so does the tab.
_UNSAFE_MULTI_LINE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER_CONTROLS}]")
# A word's parts that a line may end after: "large-" and "scale" (a leading sign stays put).
_PIECES = re.compile(r".+?-+(?=[^-])|.+")
# Characters JSON leaves raw with ensure_ascii=False but a terminal may act on: C1 controls, bidi
# controls, separators, lone surrogates. Written as \\uXXXX escapes the JSON means the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, multi_line: bool = False) -> str:
    """``text`` with every character that could drive a terminal shown as an escape.

    ESC becomes ``\\x1b``, a bidi override ``\\u202e``; everything else, right-to-left and
    Chinese text and emoji included, is kept. The stored text is untouched: ``--format json``
    gives it exactly.

    Args:
        text: a stored string.
        multi_line: keep line feeds and tabs, for text the format prints over several lines (a
            note's body); otherwise they are escaped too, so a value cannot start a fake line.
    """
    pattern = _UNSAFE_MULTI_LINE if multi_line else _UNSAFE_ONE_LINE
    return pattern.sub(_escape, text)


def _stdout() -> TextIO:
    # Windowed frozen builds have no stdout; writing there must not crash the command.
    return sys.stdout if sys.stdout is not None else io.StringIO()


def write_json(records: Any) -> None:
    """Pretty JSON, non-ASCII kept as is (but no raw C1 or bidi controls: they are escaped)."""
    out = _stdout()
    text = pretty_json(records)  # json.dumps(records, ensure_ascii=False, indent=2), faster
    out.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    out.write("\n")


def write_csv(records: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> None:
    """CSV with a header row; ``None`` is an empty cell; cells a spreadsheet would run as a
    formula are neutralised (:mod:`fypdesk.export.csv_cells`)."""
    _stdout().write(csv_text(records, fields))


def write_lines(lines: Iterable[str]) -> None:
    """Plain lines of text, each shown safely (:func:`visible`, line feeds kept)."""
    out = _stdout()
    for line in lines:
        out.write(visible(line, multi_line=True) + "\n")


def terminal_width() -> int:
    """The terminal's width, or 100 columns when output is not a terminal."""
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide and full-width characters two,
    combining marks and zero-width format characters none, everything else one."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in {"Mn", "Me", "Cf"}:
            continue
        width += 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1
    return width


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], wrap_column: int) -> list[str]:
    """A plain-text table; column ``wrap_column`` wraps to fit the terminal, the others never do
    (numbers are shown whole). Cells are shown safely (:func:`visible`) and measured in terminal
    columns, so a Chinese tag keeps its row aligned."""
    cells = [[visible(cell) for cell in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        widths = [max(w, display_width(cell)) for w, cell in zip(widths, row, strict=True)]
    fixed = sum(w for i, w in enumerate(widths) if i != wrap_column) + 2 * (len(headers) - 1)
    widths[wrap_column] = max(16, min(widths[wrap_column], terminal_width() - fixed))
    lines = [_row(headers, widths), _row(["-" * w for w in widths], widths)]
    for row in cells:
        lines.extend(_row_lines(row, widths, wrap_column))
    return lines


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = (
        cell + " " * (width - display_width(cell))
        for cell, width in zip(cells, widths, strict=True)
    )
    return "  ".join(padded).rstrip()


def _row_lines(row: Sequence[str], widths: Sequence[int], wrap_column: int) -> list[str]:
    wrapped = wrap(row[wrap_column], widths[wrap_column]) or [""]
    lines = []
    for index, part in enumerate(wrapped):
        cells = [part if i == wrap_column else (c if index == 0 else "") for i, c in enumerate(row)]
        lines.append(_row(cells, widths))
    return lines


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns, broken between words or after a
    hyphen inside one (as :func:`textwrap.wrap` does), and within a word (Chinese has no spaces)
    only where the part alone is too wide."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for index, piece in enumerate(_PIECES.findall(word)):
            glue = "" if index else " "  # the parts of a hyphenated word join without a space
            while display_width(piece) > width:
                room = width - display_width(current) - (len(glue) if current else 0)
                head, piece = _split_at(piece, room)
                if not head and not current:
                    # A character wider than the whole column: alone on its line.
                    head, piece = piece[0], piece[1:]
                lines.append(f"{current}{glue}{head}" if current and head else current or head)
                current = ""
            if not piece:
                continue
            joined = f"{current}{glue}{piece}" if current else piece
            if display_width(joined) <= width:
                current = joined
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def _split_at(word: str, width: int) -> tuple[str, str]:
    """The longest head of ``word`` that fits in ``width`` columns, and the rest."""
    used = 0
    for index, ch in enumerate(word):
        used += display_width(ch)
        if used > width:
            return word[:index], word[index:]
    return word, ""
