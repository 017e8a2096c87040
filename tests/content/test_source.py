"""The authored source: provenance of every quote, stable ids, and clear validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fypdesk.content.build import build_database
from fypdesk.content.quote_index import QuoteIndex
from fypdesk.content.source import (
    AuthoredContent,
    SourceValidationError,
    load_source,
    normalise_quote,
)
from fypdesk.domain.content import NodeKind, Qualifier, Quantity, QuantityRole, SectionKind
from tests.conftest import SOURCE_DIR
from tests.content.conftest import copy_source

PLAN_SLUGS = ["integration", "ict", "software", "big-data", "green", "skills"]


def test_every_quote_and_text_is_verbatim_source(
    authored: AuthoredContent, source_text: str
) -> None:
    haystack = normalise_quote(source_text)
    # A node's text may join several paragraphs (the briefing's introduction); each is a quote.
    paragraphs = [part for n in authored.nodes if n.text for part in n.text.split("\n\n")]
    quotes = [n.source for n in authored.nodes] + paragraphs
    quotes += [q.source for q in authored.quantities]
    quotes += [p.targets_total.source for p in authored.plans if p.targets_total]
    missing = [quote for quote in quotes if normalise_quote(quote) not in haystack]
    assert missing == []
    assert len(quotes) > 190  # every record has one: the check really looked


def test_the_six_plans_in_source_order(authored: AuthoredContent) -> None:
    assert [p.slug for p in authored.plans] == PLAN_SLUGS
    plans = [n for n in authored.nodes if n.kind is NodeKind.PLAN]
    assert [p.id for p in plans] == PLAN_SLUGS


def test_ids_are_unique_and_rooted_in_their_plan(authored: AuthoredContent) -> None:
    ids = [n.id for n in authored.nodes]
    assert len(ids) == len(set(ids))
    for node in authored.nodes:
        if node.plan is not None:
            assert node.id == node.plan or node.id.startswith(node.plan + "/")
    for quantity in authored.quantities:
        group = "targets" if quantity.role is QuantityRole.TARGET else "figures"
        assert quantity.id.startswith(f"{quantity.plan}/{group}/")


def test_stated_totals_say_what_the_briefing_leaves_out(authored: AuthoredContent) -> None:
    totals = {p.slug: p.targets_total for p in authored.plans if p.targets_total}
    assert {slug: t.count for slug, t in totals.items()} == {"ict": 20, "skills": 4}
    listed = {
        slug: sum(
            1 for q in authored.quantities if q.plan == slug and q.role is QuantityRole.TARGET
        )
        for slug in totals
    }
    assert listed == {"ict": 4, "skills": 2}


def _break(source: Path, file: str, old: str, new: str) -> None:
    path = source / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "plans/ict.yaml",
            "shall be improved from 15% to 56%.",
            "shall be improved from 15% to 57%.",
            "plans/ict.yaml: ict/targets/5g-usage-rate: 'source' is not found verbatim",
        ),
        (
            "plans/ict.yaml",
            "id: ict/targets/industry-revenue",
            "id: ict/targets/5g-usage-rate",
            "duplicate id 'ict/targets/5g-usage-rate'",
        ),
        (
            "plans/green.yaml",
            "            target: 57\n",
            "            target: 57\n            targett: 1\n",
            "unknown key 'targett'",
        ),
        (
            "plans/green.yaml",
            "    target: 57\n",
            "    target: fifty-seven\n",
            "'target' must be a number",
        ),
        (
            "plans/green.yaml",
            "stated_count: 3",
            "stated_count: 4",
            "green/challenges: the source states 4 entries but 3 are listed",
        ),
        (
            "plans/ict.yaml",
            "id: ict/targets/industry-revenue",
            "id: green/targets/industry-revenue",
            "id must start with 'ict/targets/'",
        ),
        (
            "plans/skills.yaml",
            "kind: level",
            "kind: plateau",
            "'kind' must be one of level, change",
        ),
        (
            "plans/ict.yaml",
            "  count: 20\n",
            "  count: 3\n",
            "plans/ict.yaml: ict: lists 4 targets but states 3 in all",
        ),
        (
            "plans/ict.yaml",
            "        target: 56\n",
            "        target: 65\n",
            "ict/targets/5g-usage-rate: target 65 is not a number of its source quote",
        ),
        (
            "plans/ict.yaml",
            "        baseline: 15\n",
            "        baseline: 1.5\n",
            "baseline 1.5 is not a number of its source quote",
        ),
        (
            "plans/ict.yaml",
            "          target: 597\n",
            "          target: 5.97\n",
            "eur target 5.97 is not a number of its source quote",
        ),
        (
            "plans/ict.yaml",
            "          unit: billion EUR\n",
            "          unit: billion USD\n",
            "'eur' amounts are in euros, but its unit 'billion USD' names no EUR",
        ),
        ("briefing.yaml", "period: {start: 2021, end: 2025}\n", "", "'period' is required"),
        (
            "briefing.yaml",
            "pack: fyp14-six-industries\n",
            "",
            "missing 'pack': give the briefing a pack id, a slug that stays the same in every"
            " edition, e.g. pack: fyp14-six-industries",
        ),
        (
            "briefing.yaml",
            "pack: fyp14-six-industries\n",
            "pack: FYP 14\n",
            "malformed pack id 'FYP 14'",
        ),
        ("briefing.yaml", "languages: [en]\n", "languages: [English]\n", "language tags"),
        (
            "plans/ict.yaml",
            "        target: 56\n        target_max: null\n        target_year: 2025\n",
            "        target: 56\n        target_max: null\n        target_year: 2019\n",
            "target_year 2019 is before the plan period (2021-2025)",
        ),
        (
            "plans/ict.yaml",
            "        direction: increase\n        qualifier: null\n        baseline: 15\n",
            "        direction: decrease\n        qualifier: null\n        baseline: 15\n",
            "direction 'decrease' disagrees with the numbers: from 15 to 56",
        ),
        (
            "plans/green.yaml",
            "            period_start: 2016\n",
            "            period_start: 2020\n",
            "period_start 2020 must come before the year 2020",
        ),
        (
            "plans/ict.yaml",
            "        baseline_year: null\n        target: 56\n",
            "        baseline_year: 1899\n        target: 56\n",
            "'baseline_year' is not a plausible year: 1899",
        ),
        ("briefing.yaml", "skills]", "skills, robots]", "plan 'robots' has no file"),
        ("plans/ict.yaml", "sections:", "sections: [oops", "not valid YAML"),
    ],
)
def test_a_bad_source_is_refused_with_file_record_and_problem(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    source = copy_source(tmp_path)
    _break(source, file, old, new)
    out = tmp_path / "out" / "fyp.db"
    with pytest.raises(SourceValidationError) as caught:
        build_database(source, out)
    assert expected in str(caught.value)
    assert not out.exists()
    assert list(out.parent.glob("*")) == [] if out.parent.exists() else True


def test_a_failed_build_leaves_the_previous_database_untouched(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    out = tmp_path / "fyp.db"
    build_database(source, out)
    before = out.read_bytes()
    _break(source, "plans/green.yaml", "target: 57", "target: '57'")
    with pytest.raises(SourceValidationError):
        build_database(source, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fyp.db", "fyp.db.sha256", "source"]


# -- finding quotes --------------------------------------------------------------------------

#: Few letters and many spaces: words repeat, and quotes often almost match in several places.
_TEXT = st.text(alphabet="ab c", max_size=60).map(normalise_quote)


@settings(max_examples=500, deadline=None)
@given(text=_TEXT, start=st.integers(0, 60), length=st.integers(0, 60), other=_TEXT)
def test_the_quote_index_finds_exactly_what_a_scan_finds(
    text: str, start: int, length: int, other: str
) -> None:
    index = QuoteIndex(text)
    # A piece of the text (often cut inside a word), and a text of its own.
    for quote in (text[start : start + length].strip(), other):
        assert (quote in index) == (quote in text)


def test_quotes_are_found_wherever_they_start_and_end(source_text: str) -> None:
    text = normalise_quote(source_text)
    index = QuoteIndex(text)
    sentence = "shall be improved from 15% to 56%."
    at = text.index(sentence)
    assert text[at + 3 : at + len(sentence) - 2] in index  # cut inside its first and last words
    assert text[at : at + 60] in index
    assert "shall be improved from 15% to 57%." not in index
    assert "improved from 15% to" not in QuoteIndex(text.replace("from 15%", "from  15%"))


@pytest.mark.parametrize("typed", ["56", "56.000"])
def test_a_number_typed_a_thousand_times_too_small_is_refused(tmp_path: Path, typed: str) -> None:
    # "56.000" in a European-style quote is fifty-six thousand; YAML reads `56.000` as 56.0, and the
    # window would have shown 56 as what the source says.
    source = copy_source(tmp_path)
    _break(source, "source.txt", "from 15% to 56%.", "from 15% to 56.000 terminals.")
    _break(source, "plans/ict.yaml", "from 15% to 56%.", "from 15% to 56.000 terminals.")
    _break(source, "plans/ict.yaml", "        target: 56\n", f"        target: {typed}\n")
    with pytest.raises(SourceValidationError) as caught:
        build_database(source, tmp_path / "out.db")
    assert "target 56 is not a number of its source quote" in str(caught.value)
    assert "the quote's numbers: 5, 15, 56.000" in str(caught.value)
    _break(source, "plans/ict.yaml", f"        target: {typed}\n", "        target: 56000\n")
    build_database(source, tmp_path / "out.db")  # typed as the quote states it: builds


def test_a_yaml_syntax_error_is_one_problem_with_its_line_and_column(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    _break(source, "plans/ict.yaml", "sections:", "sections: [oops")
    with pytest.raises(SourceValidationError) as caught:
        build_database(source, tmp_path / "out.db")
    (problem,) = caught.value.problems  # no "missing 'slug'", "missing 'id'"... after it
    assert problem.file == "plans/ict.yaml"
    assert problem.problem.startswith("not valid YAML at line ")
    assert ", column " in problem.problem and "<unicode string>" not in problem.problem


def test_a_quote_that_differs_says_where_and_shows_both_texts(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    _break(source, "plans/ict.yaml", "from 15% to 56%.", "from 15 % to 56%.")
    with pytest.raises(SourceValidationError) as caught:
        build_database(source, tmp_path / "out.db")
    (problem,) = caught.value.problems
    assert "it differs from the source at character" in problem.problem
    assert "the quote has 'ber) shall be improved from 15 % to 56%.'" in problem.problem
    assert "the source 'ber) shall be improved from 15% to 56%." in problem.problem


def test_the_hedges_of_other_publishers_build(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    _break(
        source,
        "plans/ict.yaml",
        "        qualifier: null\n        baseline: 15",
        "        qualifier: at least\n        baseline: 15",
    )
    content = load_source(source)
    (target,) = [q for q in content.quantities if q.id == "ict/targets/5g-usage-rate"]
    assert target.qualifier is Qualifier.AT_LEAST


def test_a_year_from_1900_builds(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    old, new = (
        "        baseline_year: null\n        target: 56\n",
        "        baseline_year: 1900\n        target: 56\n",
    )
    _break(source, "plans/ict.yaml", old, new)
    (target,) = [q for q in load_source(source).quantities if q.id == "ict/targets/5g-usage-rate"]
    assert target.baseline_year == 1900


def test_the_pack_is_built_with_its_manifest(tmp_path: Path) -> None:
    from fypdesk.content.repository import ContentRepository
    from fypdesk.domain.content import PACK_FORMAT, PACK_FORMAT_VERSION

    out = tmp_path / "pack.db"
    report = build_database(SOURCE_DIR, out)
    assert (report.pack, report.edition) == ("fyp14-six-industries", "2021-12.1")
    repository = ContentRepository.open(out)
    try:
        manifest = repository.manifest()
        briefing = repository.briefing()
    finally:
        repository.close()
    assert manifest is not None
    assert (manifest.format, manifest.format_version) == (PACK_FORMAT, PACK_FORMAT_VERSION)
    assert (manifest.id, manifest.edition) == ("fyp14-six-industries", briefing.content_version)
    assert (manifest.title, manifest.publisher, manifest.date) == (
        briefing.title,
        briefing.publisher,
        briefing.date,
    )
    assert manifest.languages == ("en",) and manifest.licence is None  # not stated: not invented
    assert (manifest.period_start, manifest.period_end) == (2021, 2025)
    assert manifest.documents == (briefing.source,)
    assert manifest.content_sha256 == report.source_hash


@pytest.mark.parametrize(
    ("escaped", "named"),
    [
        ("\\a", "U+0007"),
        ("\\e]0;owned", "U+001B"),
        ("\\x7f", "U+007F"),  # DEL (control characters have no Unicode name)
        ("\\x9b", "U+009B"),  # C1: CSI
        ("\\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ],
)
def test_a_control_character_is_refused_with_file_line_and_field(
    tmp_path: Path, escaped: str, named: str
) -> None:
    source = copy_source(tmp_path)
    old = "title: Information and Communication Technologies\n"
    _break(source, "plans/ict.yaml", old, f'title: "Information and {escaped}Technologies"\n')
    line = (source / "plans/ict.yaml").read_text(encoding="utf-8").splitlines().index(
        f'title: "Information and {escaped}Technologies"'
    ) + 1
    with pytest.raises(SourceValidationError) as caught:
        load_source(source)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.record) == ("plans/ict.yaml", line, "ict")
    assert str(problem).startswith(f"plans/ict.yaml:{line}: ict: 'title' contains a control")
    assert f"({named}) at character 17" in problem.problem


def test_a_control_character_in_a_nested_record_names_its_line(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    _break(source, "plans/ict.yaml", "unit: trillion CNY\n", 'unit: "trillion\\u202dCNY"\n')
    with pytest.raises(SourceValidationError) as caught:
        load_source(source)
    (problem,) = caught.value.problems
    lines = (source / "plans/ict.yaml").read_text(encoding="utf-8").splitlines()
    assert problem.line is not None
    assert lines[problem.line - 1].strip() == 'unit: "trillion\\u202dCNY"'
    assert problem.record == "ict/targets/industry-revenue"
    assert "'unit' contains a control character (U+202D" in problem.problem


def test_tabs_line_feeds_and_direction_marks_are_text(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    old = "title: Information and Communication Technologies\n"
    _break(source, "plans/ict.yaml", old, 'title: "Information and\\u200f Communication"\n')
    plan = next(node for node in load_source(source).nodes if node.id == "ict")
    assert plan.title == "Information and\u200f Communication"


# -- target_year_stated --------------------------------------------------------------------


def _target(content: AuthoredContent, target_id: str) -> Quantity:
    (target,) = [q for q in content.quantities if q.id == target_id]
    return target


def test_target_year_stated_left_out_is_what_the_source_shows(tmp_path: Path) -> None:
    """Without the key the build derives it: stated where the target's quote, or its item's or
    section's, writes the year; otherwise implied. The bundled source says it for every target,
    and says what the build would derive: without the key it builds the same content."""
    source = copy_source(tmp_path)
    for plan in (source / "plans").glob("*.yaml"):
        lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
        plan.write_text("".join(x for x in lines if "target_year_stated" not in x), "utf-8")
    derived, bundled = load_source(source), load_source(SOURCE_DIR)
    assert derived.quantities == bundled.quantities
    # ICT's section says "to be achieved by 2025"; green's "18% fewer CO2 emissions" no year.
    assert _target(derived, "ict/targets/5g-usage-rate").year_stated
    assert not _target(derived, "green/targets/co2-intensity").year_stated


def test_target_year_stated_true_without_the_year_in_the_source_is_refused(
    tmp_path: Path,
) -> None:
    source = copy_source(tmp_path)
    _break(source, "plans/green.yaml", "target_year_stated: false", "target_year_stated: true")
    with pytest.raises(SourceValidationError) as caught:
        load_source(source)
    (problem,) = caught.value.problems
    assert problem.record == "green/targets/co2-intensity"
    assert problem.problem.startswith(
        "target_year_stated is true, but neither its quote nor its item or section states 2025"
    )


def test_target_year_stated_false_when_the_quote_states_the_year_is_refused(
    tmp_path: Path,
) -> None:
    source = copy_source(tmp_path)
    quote = "two million high-skilled workers"
    _break(source, "source.txt", f"**{quote}**", f"**{quote}** by 2025")
    _break(source, "plans/skills.yaml", quote, f"{quote} by 2025")
    target = "skills/targets/high-skilled-workers"
    assert _target(load_source(source), target).year_stated
    stated = "        target_year_stated: true\n        unit: million high-skilled workers"
    _break(source, "plans/skills.yaml", stated, stated.replace("true", "false"))
    with pytest.raises(SourceValidationError) as caught:
        load_source(source)
    (problem,) = caught.value.problems
    assert (problem.record, problem.problem) == (
        target,
        "target_year_stated is false, but its quote states 2025: leave it out",
    )
    _break(source, "plans/skills.yaml", "        target_year_stated: false\n", "")
    assert _target(load_source(source), target).year_stated


# -- sections of a publisher's own kind ----------------------------------------------------


def test_a_section_of_the_publishers_own_kind_builds_under_its_own_heading(
    tmp_path: Path,
) -> None:
    source = copy_source(tmp_path)
    _break(source, "plans/green.yaml", "    kind: challenges\n", "    kind: obstacles\n")
    out = tmp_path / "pack.db"
    build_database(source, out)
    from fypdesk.content.repository import ContentRepository
    from fypdesk.domain.serialise import node_record

    repository = ContentRepository.open(out)
    try:
        section = repository.node("green/challenges")
        built_in = repository.node("green/objectives")
    finally:
        repository.close()
    assert section.section_kind == "obstacles"
    assert node_record(section)["section_kind"] == "obstacles"
    assert built_in.section_kind is SectionKind.OBJECTIVES  # the built-in kinds as before


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("challenge", "'kind' 'challenge' looks like a misspelt 'challenges'"),
        ("objectivs", "looks like a misspelt 'objectives'"),
        ("Obstacles", "or a kind of your own in lowercase words joined by '-'"),
        ("risk factors", "or a kind of your own in lowercase words"),
        ("x" * 41, "(at most 40 characters)"),
    ],
)
def test_a_section_kind_that_is_neither_built_in_nor_well_formed_is_refused(
    tmp_path: Path, kind: str, expected: str
) -> None:
    source = copy_source(tmp_path)
    _break(source, "plans/green.yaml", "    kind: challenges\n", f"    kind: {kind}\n")
    with pytest.raises(SourceValidationError) as caught:
        load_source(source)
    (problem,) = caught.value.problems
    assert problem.record == "green/challenges"
    assert expected in problem.problem


def test_a_heading_past_the_readers_limit_is_refused_with_its_record(tmp_path: Path) -> None:
    source = copy_source(tmp_path)
    old = "    title: Main challenges for the green industrial transition\n"
    _break(source, "plans/green.yaml", old, f"    title: {'H' * 501}\n")
    with pytest.raises(SourceValidationError) as caught:
        load_source(source)
    (problem,) = caught.value.problems
    assert (problem.record, problem.problem) == (
        "green/challenges",
        "the title has 501 characters: at most 500",
    )
