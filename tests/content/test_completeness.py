"""Every number in the source briefing is captured as data, or explicitly listed as narrative.

The check is positional: a number inside the quote of a target or figure must be one of that
record's numeric fields; a number outside every such quote must match an entry of NARRATIVE, each
with the reason it is not a quantity.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

from fypdesk.content.source import AuthoredContent, normalise_quote
from fypdesk.domain.content import Quantity, QuantityRole

#: Numbers written with a European thousands separator in the source.
EUROPEAN_THOUSANDS = {"20.000": 20000}

#: Numbers that are not quantities: (pattern around the number, why).
NARRATIVE: tuple[tuple[str, str], ...] = (
    (r"14th", "the plan's ordinal"),
    (r"December 2021", "the briefing's date"),
    (r"March 2021", "when the national 14th FYP was released"),
    (r"2021-2025", "the plan period (briefing period_start/period_end)"),
    (r"\b[56]G\b", "a technology name (5G, 6G)"),
    (r"IPv6", "a technology name"),
    (r"C-V2X", "a technology name"),
    (r"i40-china", "an e-mail address"),
    (r"Industrie 4\.0", "a name"),
    (r"carbon peak by 2030", "the national carbon-peak goal, stated as context in a key message"),
    (r"achievements from 2016-2020", "period of the green figures (their period_start and year)"),
    (r"(?:^|\s)[1-5]\. ", "list numbering"),
)


def _number_value(text: str) -> float:
    if text in EUROPEAN_THOUSANDS:
        return EUROPEAN_THOUSANDS[text]
    return float(text)


def _fields(quantity: Quantity) -> set[float]:
    values: list[float | None] = [
        quantity.value,
        quantity.value_max,
        quantity.baseline,
        quantity.baseline_year,
        quantity.year,
        quantity.period_start,
    ]
    if quantity.eur is not None:
        values += [quantity.eur.baseline, quantity.eur.value]
    return {float(v) for v in values if v is not None}


def _spans(haystack: str, quote: str) -> list[tuple[int, int]]:
    needle = normalise_quote(quote)
    return [(m.start(), m.start() + len(needle)) for m in re.finditer(re.escape(needle), haystack)]


def _uncaptured(authored: AuthoredContent, source_text: str) -> list[str]:
    text = normalise_quote(source_text)
    covered: list[tuple[int, int, set[float]]] = []
    for quantity in authored.quantities:
        covered += [(a, b, _fields(quantity)) for a, b in _spans(text, quantity.source)]
    for plan in authored.plans:
        if plan.targets_total is not None:
            total = {float(plan.targets_total.count), float(plan.targets_total.year)}
            covered += [(a, b, total) for a, b in _spans(text, plan.targets_total.source)]
    problems = []
    for match in re.finditer(r"\d+(?:[.,]\d+)*", text):
        start, end = match.span()
        context = text[max(0, start - 30) : end + 30]
        if any(_overlaps(pattern, text, start) for pattern, _why in NARRATIVE):
            continue
        owners = [fields for a, b, fields in covered if a <= start and end <= b]
        if not owners:
            problems.append(f"{match.group()!r} not captured: …{context}…")
        elif not any(_number_value(match.group()) in fields for fields in owners):
            problems.append(f"{match.group()!r} in a quantity's quote but not in its fields")
    return problems


def _overlaps(pattern: str, text: str, position: int) -> bool:
    """Whether a match of ``pattern`` near ``position`` covers the number at ``position``."""
    window_start = max(0, position - 25)
    for match in re.finditer(pattern, text[window_start : position + 30]):
        if window_start + match.start() <= position < window_start + match.end():
            return True
    return False


def test_every_number_of_the_source_is_captured_or_narrative(
    authored: AuthoredContent, source_text: str
) -> None:
    assert _uncaptured(authored, source_text) == []


def test_an_uncaptured_number_is_reported(authored: AuthoredContent, source_text: str) -> None:
    # The check itself must be able to fail: drop the 5G usage target and its 15% and 56% surface.
    fewer = [q for q in authored.quantities if q.id != "ict/targets/5g-usage-rate"]
    reduced = dataclasses.replace(authored, quantities=tuple(fewer))
    problems = _uncaptured(reduced, source_text)
    assert any("'15'" in p for p in problems)
    assert any("'56'" in p for p in problems)


def test_green_figures_cover_the_2016_2020_period(authored: AuthoredContent) -> None:
    green = [q for q in authored.quantities if q.plan == "green" and q.role is QuantityRole.FIGURE]
    assert len(green) == 8
    assert {(q.period_start, q.year) for q in green} == {(2016, 2020)}


def test_european_thousands_are_read_as_thousands(authored: AuthoredContent) -> None:
    products = next(q for q in authored.quantities if q.id == "green/figures/green-products")
    assert products.value == 20000
    assert products.qualifier is not None and products.qualifier.value == "almost"


def test_source_copy_matches_the_shared_briefing(tmp_path: Path) -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "source"
    originals = list(shared.glob("*.txt")) if shared.is_dir() else []
    if not originals:  # a wheel or sdist checkout has only the copy
        return
    copy = tmp_path / "copy.txt"
    shutil.copyfile(originals[0], copy)
    ours = Path(__file__).resolve().parents[2] / "data" / "source" / "source.txt"
    assert copy.read_bytes() == ours.read_bytes()


#: Numbers written as words, and what each occurrence stands for.
WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
WORD_NARRATIVE = (
    (r"Five[- ]Year Plans?", "the name of the plans"),
    (r"“two sessions”", "the name of China's annual parliamentary sessions"),
    (r"past five years", "the previous plan period, 2016-2020"),
    (r"Six Industries|six (?:industrial|FYPs)", "the six plans: the briefing lists six plan files"),
)


def test_numbers_written_as_words_are_captured(authored: AuthoredContent, source_text: str) -> None:
    text = normalise_quote(source_text)
    counted = {n.source: n.stated_count for n in authored.nodes if n.stated_count is not None}
    quantities = {q.source: q for q in authored.quantities}
    problems = []
    for match in re.finditer(r"\b(two|three|four|five|six)\b", text, flags=re.IGNORECASE):
        number = WORD_NUMBERS[match.group().lower()]
        start = match.start()
        if any(_overlaps(pattern, text, start) for pattern, _why in WORD_NARRATIVE):
            continue
        sentence_start = text.rfind(". ", 0, start) + 1
        window = text[sentence_start : start + 80]
        stated = [n for source, n in counted.items() if normalise_quote(source) in window]
        valued = [q.value for source, q in quantities.items() if normalise_quote(source) in window]
        if number not in stated and number not in valued:
            problems.append(f"{match.group()!r} not captured: …{window[:80]}…")
    assert problems == []
    assert len(authored.plans) == 6
