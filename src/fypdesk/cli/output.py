"""Writing command output: JSON, CSV and plain-text tables on standard output."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from fypdesk.domain.growth import format_number


def _stdout() -> TextIO:
    # Windowed frozen builds have no stdout; writing there must not crash the command.
    return sys.stdout if sys.stdout is not None else io.StringIO()


def write_json(records: Any) -> None:
    """Pretty JSON, non-ASCII kept as is."""
    out = _stdout()
    json.dump(records, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(records: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> None:
    """CSV with a header row; ``None`` is an empty cell."""
    writer = csv.DictWriter(_stdout(), fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _cell(record.get(key)) for key in fields})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def write_lines(lines: Iterable[str]) -> None:
    """Plain lines of text."""
    out = _stdout()
    for line in lines:
        out.write(line + "\n")


def terminal_width() -> int:
    """The terminal's width, or 100 columns when output is not a terminal."""
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], wrap_column: int) -> list[str]:
    """A plain-text table; column ``wrap_column`` wraps to fit the terminal, the others never do
    (numbers are shown whole)."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    fixed = sum(w for i, w in enumerate(widths) if i != wrap_column) + 2 * (len(headers) - 1)
    widths[wrap_column] = max(16, min(widths[wrap_column], terminal_width() - fixed))
    lines = [_row(headers, widths, wrap_column), _row(["-" * w for w in widths], widths, -1)]
    for row in rows:
        lines.extend(_row_lines(row, widths, wrap_column))
    return lines


def _row(cells: Sequence[str], widths: Sequence[int], _wrap: int) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _row_lines(row: Sequence[str], widths: Sequence[int], wrap_column: int) -> list[str]:
    wrapped = textwrap.wrap(row[wrap_column], widths[wrap_column]) or [""]
    lines = []
    for index, part in enumerate(wrapped):
        cells = [part if i == wrap_column else (c if index == 0 else "") for i, c in enumerate(row)]
        lines.append(_row(cells, widths, wrap_column))
    return lines
