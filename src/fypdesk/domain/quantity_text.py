"""A target or figure as text: the one formatter the window, the commands and the briefs share.

A reader compares the window with the PDF a colleague printed and with a colleague's spreadsheet,
so a quantity must read the same everywhere: "18% fewer CO₂ emissions" is ``−18%`` in every
surface, never a bare ``18%`` that reads as an increase. Numbers are written as the source writes
them (:func:`~fypdesk.domain.growth.format_number`), never rounded, so each can be found verbatim
in the source.

Pure Python: the Qt window, the command line and the PDF and Markdown briefs all import it.
"""

from __future__ import annotations

from fypdesk.domain.content import CurrencyEquivalent, Direction, Number, Quantity, QuantityKind
from fypdesk.domain.growth import format_number, with_unit

#: The minus sign (U+2212), not a hyphen: a decrease must read as one even in a narrow cell, and
#: a hyphen between a qualifier and a number ("up to -10") reads as a dash.
MINUS = "−"
#: The en dash between the ends of a range (``2–3``) or of a period (``2016–2020``).
RANGE_DASH = "–"
#: Marks a year the source does not state (the plan period's end is assumed).
IMPLIED_YEAR_MARK = "*"
#: What :data:`IMPLIED_YEAR_MARK` means, for a footnote or a tooltip next to a marked year.
IMPLIED_YEAR_NOTE = "* Year not stated by the source: the end of the plan period is assumed."


def number_span(quantity: Quantity) -> str:
    """The stated number, or both ends of a stated range (``2–3``): the source's "2-3 open-source
    communities" is one target, not a target of 2 with a footnote."""
    text = format_number(quantity.value)
    if quantity.value_max is not None:
        text += f"{RANGE_DASH}{format_number(quantity.value_max)}"
    return text


def change_sign(quantity: Quantity) -> str:
    """``+`` or ``−`` for a change, nothing for a level.

    A change is stored as a magnitude with a direction ("18% fewer" is 18, decrease); without the
    sign, "18%" reads as a level to reach or as a rise. A level ("57% utilisation") has no sign.
    """
    if quantity.kind is not QuantityKind.CHANGE:
        return ""
    return MINUS if quantity.direction is Direction.DECREASE else "+"


def value_text(quantity: Quantity) -> str:
    """The value without its unit, for a cell next to a unit column: qualifier, sign, range
    (``up to 80``, ``−13.5``, ``over +30``, ``2–3``).

    The qualifier comes first and is kept: "up to 80%" is a ceiling, not a promise of 80%.
    """
    text = change_sign(quantity) + number_span(quantity)
    if quantity.qualifier is not None:
        text = f"{quantity.qualifier.value} {text}"
    return text


def value_with_unit(quantity: Quantity) -> str:
    """The value with its unit (``−18%``, ``up to 1 million industrial Apps``)."""
    return with_unit(value_text(quantity), quantity.unit)


#: What a reader calls the amounts of a currency, by ISO 4217 code, for a label ("In US
#: dollars"). A currency not listed is labelled by its code ("In XYZ").
CURRENCY_NAMES = {
    "AUD": "Australian dollars",
    "BRL": "Brazilian reais",
    "CAD": "Canadian dollars",
    "CHF": "Swiss francs",
    "CNY": "yuan",
    "DKK": "Danish kroner",
    "EUR": "euros",
    "GBP": "pounds sterling",
    "HKD": "Hong Kong dollars",
    "INR": "Indian rupees",
    "JPY": "yen",
    "KRW": "won",
    "NOK": "Norwegian kroner",
    "PLN": "zloty",
    "RUB": "roubles",
    "SEK": "Swedish kronor",
    "SGD": "Singapore dollars",
    "TWD": "New Taiwan dollars",
    "USD": "US dollars",
}


def currency_label(currency: str) -> str:
    """The label of an equivalent in ``currency`` (``In euros``, ``In US dollars``, ``In XYZ``)."""
    return f"In {CURRENCY_NAMES.get(currency, currency)}"


def equivalent_text(equivalent: CurrencyEquivalent) -> str | None:
    """An equivalent's value with its own qualifier (``approx. 597 billion EUR``), or ``None``
    when the source gives it for the baseline only.

    The qualifier matters: the amounts are the briefing's conversions at one exchange rate, and
    "approx." is how the source says so.
    """
    if equivalent.value is None:
        return None
    qualifier = f"{equivalent.qualifier.value} " if equivalent.qualifier is not None else ""
    return qualifier + with_unit(format_number(equivalent.value), equivalent.unit)


def eur_text(quantity: Quantity) -> str | None:
    """The source's euro equivalent (``approx. 597 billion EUR``), or ``None``."""
    return equivalent_text(quantity.eur) if quantity.eur is not None else None


def equivalent_lines(quantity: Quantity) -> tuple[tuple[str, str], ...]:
    """Each equivalent the source gives, labelled: ``(("In euros", "approx. 597 billion EUR"),
    ("In US dollars", "approx. 650 billion USD"))``, the euro's first."""
    lines = []
    for equivalent in quantity.equivalents:
        text = equivalent_text(equivalent)
        if text is not None:
            lines.append((currency_label(equivalent.currency), text))
    return tuple(lines)


def with_equivalents(text: str, quantity: Quantity) -> str:
    """``text`` followed by the source's equivalents in parentheses, where it gives any
    (``4.3 trillion CNY (approx. 597 billion EUR)``; two are parted by a semicolon,
    ``(approx. 597 billion EUR; approx. 650 billion USD)``). Each equivalent's unit names its
    currency, so no label is needed inside a line."""
    shown = "; ".join(line for _label, line in equivalent_lines(quantity))
    return f"{text} ({shown})" if shown else text


def period_text(start: int, end: int) -> str:
    """A span of years, ``2016–2020``."""
    return f"{start}{RANGE_DASH}{end}"


def year_text(quantity: Quantity) -> str:
    """The year a value refers to: the period of a figure reported over several years
    (``2016–2020``), a year the source does not state marked (``2025*``), else the year.

    A figure achieved over a past plan period is not a figure of its last year, and an assumed
    year must not pass for a stated one.
    """
    if quantity.period_start is not None:
        return period_text(quantity.period_start, quantity.year)
    return str(quantity.year) + ("" if quantity.year_stated else IMPLIED_YEAR_MARK)


def quantity_text(quantity: Quantity, *, unit: bool = True) -> str:
    """The whole statement of one value: value, equivalents and year
    (``−18% (2025*)``, ``4.3 trillion CNY (approx. 597 billion EUR) (2025)``).

    Args:
        quantity: a target or a figure.
        unit: whether to write the unit and the equivalents; a table leaves both to its unit
            column (:func:`unit_text`).
    """
    if not unit:
        return f"{value_text(quantity)} ({year_text(quantity)})"
    return f"{with_equivalents(value_with_unit(quantity), quantity)} ({year_text(quantity)})"


def unit_text(quantity: Quantity) -> str:
    """A table's unit cell: the unit, then the equivalents where the source gives any
    (``trillion CNY (approx. 597 billion EUR)``). After the unit, so that a row reads "4.3 trillion
    CNY (approx. 597 billion EUR)", never "4.3 (approx. 597 billion EUR) trillion CNY"."""
    return with_equivalents(quantity.unit, quantity)


def baseline_text(quantity: Quantity, *, unit: bool = True) -> str | None:
    """The baseline with its year where the source states it (``15% (2020)``), or ``None``."""
    if quantity.baseline is None:
        return None
    text = format_number(quantity.baseline)
    if unit:
        text = with_unit(text, quantity.unit)
    if quantity.baseline_year is not None:
        text += f" ({quantity.baseline_year})"
    return text


def signed_value(quantity: Quantity) -> Number:
    """The value as a signed number, for sorting: a decrease of 18% sorts below a rise of 3.3%,
    in the order a reader sees ``−18`` and ``+3.3``."""
    if quantity.kind is QuantityKind.CHANGE and quantity.direction is Direction.DECREASE:
        return -quantity.value
    return quantity.value


def percent_text(ratio: float) -> str:
    """A relative change or growth rate, signed, to one decimal (``+62.9%``, ``−5.0%``)."""
    sign = MINUS if ratio < 0 else "+"
    return f"{sign}{abs(ratio) * 100:.1f}%"


def absolute_change_text(absolute: Number, unit: str) -> str:
    """A signed change in the target's unit; a change of a percentage is in percentage points
    (15% to 56% is "+41 pp", never "+41%", which would read as a relative change)."""
    sign = "+" if absolute > 0 else MINUS if absolute < 0 else ""
    signed = sign + format_number(abs(absolute))
    return f"{signed} pp" if unit == "%" else with_unit(signed, unit)
