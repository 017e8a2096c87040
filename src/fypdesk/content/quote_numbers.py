"""Which numbers a quote states, read as its source writes them: the check that every number of a
target or figure appears in its quote.

A number typed into the YAML by hand can be wrong in ways no other check sees: ``value: 240.000``
for "240.000 charging stations" (European thousands) is read by YAML as 240.0, and the app would
show 240, a thousandth of what the source says. So each number of a quantity must be one the quote
states. A number in a quote is read the ways a source may mean it:

- ``20,000``, ``20.000``, ``1,000,000``, ``20 000`` (no-break or thin space): thousands
  separators, in the English or the European way;
- ``2.64``, ``4,3``: a decimal point or a decimal comma;
- ``1,234.5``, ``1.234,5``: thousands, then the decimal mark.

- ``two`` in "two million workers": the numbers a source spells out, one to twenty and the tens.

One separator followed by exactly three digits is ambiguous (``1.125`` is 1125 in Germany and
1.125 in England); both readings are allowed, except that three trailing zeros (``240.000``) are
never a decimal: a source does not write 240 as "240.000".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

#: A number as written: digits, with separators (``.`` ``,`` no-break or thin space) between
#: digits. A plain space never joins two numbers ("in 2025 20 projects").
_TOKEN = re.compile(r"\d(?:[\d.,\u00a0\u202f]*\d)?")
_SEPARATORS = ".,\u00a0\u202f"
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty"
)
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
#: The numbers a source spells out, by their words (the benchmark's generator scales them too).
SPELLED_NUMBERS = {word: n for n, word in enumerate(_ONES.split(" "))} | _TENS | {"ninety": 90}
_WORD = re.compile(r"\b(" + "|".join(SPELLED_NUMBERS) + r")\b", re.IGNORECASE)
_SPACES = "\u00a0\u202f"


def readings(token: str) -> frozenset[Decimal]:
    """Every value the written number ``token`` may stand for (empty: not a number we can read)."""
    marks = [ch for ch in token if ch in _SEPARATORS]
    if not marks:
        return frozenset({Decimal(token)})
    groups = re.split(f"[{_SEPARATORS}]", token)
    kinds = list(dict.fromkeys(marks))
    found: set[Decimal] = set()
    if len(kinds) == 1:
        mark = kinds[0]
        thousands = all(len(group) == 3 for group in groups[1:]) and 1 <= len(groups[0]) <= 3
        if thousands:
            found.add(_number("".join(groups)))
        if len(marks) == 1 and mark not in _SPACES:
            fraction = groups[1]
            if not (thousands and fraction.endswith("000")):
                found.add(_number(f"{groups[0]}.{fraction}"))
    elif len(kinds) == 2 and kinds[1] not in _SPACES and marks.count(kinds[1]) == 1:
        # "1,234.5" or "1.234,5": the last mark, once, is the decimal one.
        whole, fraction = re.split(re.escape(kinds[1]), token)
        whole_groups = re.split(re.escape(kinds[0]), whole)
        if all(len(group) == 3 for group in whole_groups[1:]) and 1 <= len(whole_groups[0]) <= 3:
            found.add(_number(f"{''.join(whole_groups)}.{fraction}"))
    return frozenset(value for value in found if value.is_finite())


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the token pattern admits digits only
        return Decimal("NaN")


def stated_numbers(quote: str) -> frozenset[Decimal]:
    """Every value any number in ``quote`` may stand for."""
    values: set[Decimal] = set()
    for match in _TOKEN.finditer(quote):
        values |= readings(match.group(0))
    values |= {Decimal(SPELLED_NUMBERS[match.group(1).lower()]) for match in _WORD.finditer(quote)}
    return frozenset(values)


def as_decimal(number: float) -> Decimal:
    """A number as YAML read it, exactly as typed (``2.64`` is 2.64, not its binary neighbour)."""
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def missing(quote: str, numbers: Iterable[tuple[str, float | None]]) -> list[str]:
    """The names of the ``(name, number)`` pairs whose number ``quote`` does not state."""
    stated = {value.normalize() for value in stated_numbers(quote)}
    return [
        name
        for name, number in numbers
        if number is not None and as_decimal(number).normalize() not in stated
    ]


def states_year(text: str, year: int) -> bool:
    """Whether ``text`` writes ``year`` as a year (``2025``, ``by 2025.``, ``2021-2025``; not
    ``2,025`` or ``12025``)."""
    written = str(year)
    return any(match.group(0) == written for match in _TOKEN.finditer(text))


def written_numbers(quote: str) -> list[str]:
    """The numbers of ``quote`` as written (each once), for a message that shows what it says."""
    found = [(m.start(), m.group(0)) for m in _TOKEN.finditer(quote)]
    found += [(m.start(), m.group(0)) for m in _WORD.finditer(quote)]
    return list(dict.fromkeys(text for _start, text in sorted(found)))  # each once, in order
