"""Saved briefs and stored notes as a brief takes them: exact round trips, clear refusals, and how
CLI options override a saved brief."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from fypdesk.cli import build_parser
from fypdesk.cli.export_command import spec_from_args
from fypdesk.domain.brief import (
    BriefNote,
    BriefOptions,
    BriefScope,
    BriefSpec,
    InvalidBriefSpecError,
    NotesMode,
    Paper,
)
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.notes import Note, SavedBrief
from fypdesk.domain.saved_brief import (
    OPTIONS_VERSION,
    InvalidSavedBriefError,
    brief_note,
    saved_brief,
    spec_from_saved_brief,
)
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.store import open_notes

# Any text a person could type (st.text leaves out lone surrogates, which UTF-8 cannot hold).
_text = st.text(max_size=30)
_line = _text.filter(lambda t: "\n" not in t and "\r" not in t)
_tag = _text.filter(lambda t: bool(t.strip().casefold()))
_tags = st.lists(_tag, max_size=4).map(tuple)
_plans = st.lists(
    st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True), unique=True, max_size=5
).map(tuple)


@st.composite
def specs(draw: st.DrawFn) -> BriefSpec:
    """Valid brief specifications, with every field varied."""
    notes = draw(st.sampled_from(NotesMode))
    try:
        return BriefSpec(
            title=draw(_line),
            subtitle=draw(_text),
            author=draw(_line),
            organisation=draw(_line),
            meeting_date=draw(st.none() | st.dates()),
            marking=draw(_line),
            paper=draw(st.sampled_from(Paper)),
            scope=BriefScope(
                plans=draw(_plans),
                starred=draw(st.booleans()),
                annotated=draw(st.booleans()),
                tags=draw(_tags),
            ),
            options=BriefOptions(
                notes=notes,
                note_tags=draw(_tags.filter(bool)) if notes is NotesMode.TAGGED else (),
                targets_annex=draw(st.booleans()),
                charts=draw(st.booleans()),
                citations=draw(st.booleans()),
                toc=draw(st.booleans()),
            ),
        )
    except InvalidBriefSpecError:
        reject()  # e.g. two tags that clean to the same empty string: not a valid request


@given(spec=specs(), name=_tag)
def test_a_spec_round_trips_through_a_saved_brief(spec: BriefSpec, name: str) -> None:
    saved = saved_brief(name, spec)
    assert saved.name == name
    assert spec_from_saved_brief(saved) == spec


@given(spec=specs())
def test_a_spec_round_trips_through_json_as_the_store_keeps_it(spec: BriefSpec) -> None:
    saved = saved_brief("b", spec)
    # What the store does: options and scope become JSON text, and come back as lists.
    options = json.loads(json.dumps(dict(saved.options), ensure_ascii=False, sort_keys=True))
    scope = tuple(json.loads(json.dumps(list(saved.scope))))
    stored = SavedBrief(
        name=saved.name,
        title=saved.title,
        subtitle=saved.subtitle,
        author=saved.author,
        organisation=saved.organisation,
        meeting_date=saved.meeting_date,
        marking=saved.marking,
        paper=saved.paper,
        scope=scope,
        options=options,
    )
    assert spec_from_saved_brief(stored) == spec


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NotesRepository]:
    """One real notes store for the whole module (hypothesis reruns a test many times)."""
    store = open_notes(tmp_path_factory.mktemp("notes") / "notes.db")
    try:
        yield store
    finally:
        store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), name=_tag)
def test_a_spec_round_trips_through_the_notes_store(
    repository: NotesRepository, spec: BriefSpec, name: str
) -> None:
    repository.briefs.save(saved_brief(name, spec))
    assert spec_from_saved_brief(repository.briefs.get(name)) == spec


def test_options_are_stored_as_structured_values() -> None:
    spec = BriefSpec(
        paper=Paper.LETTER,
        scope=BriefScope(plans=("ict", "green"), starred=True, tags=("risk",)),
        options=BriefOptions(notes=NotesMode.TAGGED, note_tags=("g7",), charts=False),
    )
    saved = saved_brief("b", spec)
    assert saved.scope == ("ict", "green")
    assert saved.paper == "Letter"
    assert saved.options == {
        "version": OPTIONS_VERSION,
        "scope": {"starred": True, "annotated": False, "tags": ["risk"]},
        "notes": "tagged",
        "note_tags": ["g7"],
        "targets_annex": True,
        "charts": False,
        "citations": True,
        "toc": True,
    }


def test_missing_options_take_the_defaults() -> None:
    assert spec_from_saved_brief(SavedBrief(name="bare")) == BriefSpec()
    assert spec_from_saved_brief(SavedBrief(name="p", paper="letter")).paper is Paper.LETTER


@pytest.mark.parametrize(
    ("saved", "problem"),
    [
        (SavedBrief("b", options={"colour": "red"}), "unknown keys: 'colour'"),
        (SavedBrief("b", options={"scope": {"stars": True}}), "unknown keys: 'stars'"),
        (SavedBrief("b", options={"scope": ["ict"]}), "scope options are not an object"),
        (SavedBrief("b", options={"charts": 1}), "'charts' is 1, not true or false"),
        (SavedBrief("b", options={"charts": "false"}), "not true or false"),
        (SavedBrief("b", options={"note_tags": "risk"}), "not a list of tags"),
        (SavedBrief("b", options={"notes": "some"}), "not one of all, tagged, none"),
        (SavedBrief("b", options={"version": 99}), "saved by a newer fypdesk"),
        (SavedBrief("b", options={"version": "1"}), "not a positive whole number"),
        (SavedBrief("b", paper="A3"), "paper is 'A3', not A4 or Letter"),
        (SavedBrief("b", scope=("ict/targets/5g-usage-rate",)), "which is not a plan"),
        (SavedBrief("b", options={"notes": "tagged"}), "needs at least one tag"),
        (SavedBrief("b", title="x" * 201), "title is 201 characters"),
    ],
)
def test_unusable_saved_briefs_are_refused_clearly(saved: SavedBrief, problem: str) -> None:
    with pytest.raises(InvalidSavedBriefError) as caught:
        spec_from_saved_brief(saved)
    assert str(caught.value).startswith("saved brief 'b' cannot be used: ")
    assert problem in str(caught.value)
    assert isinstance(caught.value, FypdeskError)  # the CLI shows it as one line


def test_a_stored_note_becomes_a_brief_note_untouched() -> None:
    when = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    later = when + dt.timedelta(hours=1)
    body = 'AT&T <b> <img src="http://example.com/x.png"> 中文 😀\n]]>'
    note = Note("0f1e2d3c-4b5a-4678-9abc-def012345678", "ict", body, ("a", "b"), when, later, "h")
    assert brief_note(note) == BriefNote("ict", body, ("a", "b"), when, later)


# -- CLI options over a saved brief ---------------------------------------------------------

BASE = BriefSpec(
    title="Saved",
    author="A. Analyst",
    meeting_date=dt.date(2026, 5, 4),
    paper=Paper.LETTER,
    scope=BriefScope(plans=("green",), tags=("risk",)),
    options=BriefOptions(notes=NotesMode.TAGGED, note_tags=("g7",), charts=False),
)


def _spec(*argv: str, base: BriefSpec | None = BASE) -> BriefSpec:
    args = build_parser().parse_args(["export", "out.pdf", *argv])
    return spec_from_args(args, base)


def test_without_options_the_saved_brief_is_used_as_is() -> None:
    assert _spec() == BASE


def test_without_a_saved_brief_the_defaults_apply() -> None:
    assert _spec(base=None) == BriefSpec()
    assert _spec("--tag", "x", base=None).options.note_tags == ()
    tagged = _spec("--tag", "x", "--notes", "tagged", base=None)
    assert tagged.scope.tags == ("x",) and tagged.options.note_tags == ("x",)


def test_given_options_override_only_their_fields() -> None:
    spec = _spec("--plan", "ict", "--plan", "skills", "--title", "New", "--paper", "a4")
    assert spec.scope.plans == ("ict", "skills")
    assert (spec.title, spec.paper) == ("New", Paper.A4)
    assert spec.author == "A. Analyst" and spec.meeting_date == dt.date(2026, 5, 4)
    assert spec.scope.tags == ("risk",) and spec.options.note_tags == ("g7",)
    assert spec.options.charts is False  # --no-charts was saved; nothing here turns it back on


def test_tag_replaces_scope_and_note_tags() -> None:
    spec = _spec("--tag", "new")
    assert spec.scope.tags == ("new",) and spec.options.note_tags == ("new",)


def test_notes_mode_override_and_its_tags() -> None:
    assert _spec("--notes", "all").options == BriefOptions(notes=NotesMode.ALL, charts=False)
    untagged = BriefSpec(scope=BriefScope(tags=("risk",)))
    # Switching to tagged notes without --tag uses the saved brief's scope tags.
    assert _spec("--notes", "tagged", base=untagged).options.note_tags == ("risk",)


def test_flags_switch_off_and_set() -> None:
    spec = _spec("--no-targets", "--no-toc", "--no-citations", "--starred", "--annotated")
    assert not (spec.options.targets_annex or spec.options.toc or spec.options.citations)
    assert spec.scope.starred and spec.scope.annotated
    assert spec.options.charts is False


def test_empty_strings_given_override_too() -> None:
    assert _spec("--title", "").title == ""
