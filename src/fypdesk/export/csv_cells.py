"""CSV for spreadsheets, safe against formula injection; shared by the CLI and the window.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and some
also after a leading tab or carriage return), so a pack's indicator named
``=HYPERLINK("http://...")`` would run on the reader's machine when the CSV is opened. Such a
cell is written with a leading ``'``, as OWASP advises, which the spreadsheet shows as text.
Numbers are never touched: ``-10`` and ``-13.5`` stay numbers a spreadsheet can sum.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fypdesk.domain.growth import format_number

#: What a spreadsheet may take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number, as format_number writes one (sign, digits, point, exponent).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would run it as a formula, else as is.

    A text that is a plain number (``-10``, ``+41``, ``-13.5``) is kept: it is no formula.
    """
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def cell(value: Any) -> str:
    """One CSV cell: ``None`` empty, booleans ``true``/``false``, numbers as the source writes
    them (:func:`~fypdesk.domain.growth.format_number`), text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return neutralise(str(value))


def csv_text(records: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> str:
    """``records`` as CSV (RFC 4180 quoting, ``\\n`` line ends) with a header row of
    ``fields``, one line per record."""
    lines = [",".join(_quoted(field) for field in fields)]
    for record in records:
        lines.append(",".join(_quoted(cell(record.get(field))) for field in fields))
    return "".join(line + "\n" for line in lines)


def _quoted(text: str) -> str:
    # Python's csv writer leaves a field holding only a carriage return unquoted when lines end
    # in "\n"; a spreadsheet then starts a new row in the middle of the field.
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
