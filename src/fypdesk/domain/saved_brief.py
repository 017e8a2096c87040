"""Adapters between a brief and the notes store's plain values.

The notes store keeps notes as :class:`~fypdesk.domain.notes.Note` and saved briefs as
:class:`~fypdesk.domain.notes.SavedBrief`, whose ``scope`` is a tuple of node ids and whose
``options`` are plain JSON values. A brief is composed from :class:`~fypdesk.domain.brief.BriefNote`
and :class:`~fypdesk.domain.brief.BriefSpec`. The functions here convert between the two, pure and
exact: ``spec_from_saved_brief(saved_brief(name, spec)) == spec`` for every valid ``spec``, also
after the options went through JSON (lists where tuples were).

The stored layout of ``SavedBrief.options`` (version 1)::

    {"version": 1,
     "scope": {"starred": false, "annotated": false, "tags": ["risk"]},
     "notes": "tagged", "note_tags": ["risk"],
     "targets_annex": true, "charts": true, "citations": true, "toc": true}

``SavedBrief.scope`` holds the chosen plans' ids (a plan's node id is its slug). Missing keys take
the defaults of :class:`~fypdesk.domain.brief.BriefScope` and
:class:`~fypdesk.domain.brief.BriefOptions`, so a brief saved with only some options still loads;
unknown keys and wrong types are refused rather than guessed at, because a brief silently missing
a restriction could put the wrong notes in front of a meeting.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping

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

#: The version of the ``options`` layout this module writes; readers refuse newer ones.
OPTIONS_VERSION = 1

#: How paper sizes are stored: the names a person writes (``SavedBrief`` defaults to "A4").
_PAPER_NAMES = {Paper.A4: "A4", Paper.LETTER: "Letter"}

#: Where missing keys take their values from (slotted dataclasses keep no class-level defaults).
_DEFAULT_SCOPE = BriefScope()
_DEFAULT_OPTIONS = BriefOptions()

_SCOPE_KEYS = frozenset({"starred", "annotated", "tags"})
_OPTION_KEYS = frozenset(
    {"version", "scope", "notes", "note_tags", "targets_annex", "charts", "citations", "toc"}
)


#: The longest name a saved brief may have, in characters.
MAX_NAME_LENGTH = 200


class InvalidBriefNameError(FypdeskError):
    """A name a brief cannot be saved under."""


def check_brief_name(name: str) -> str:
    """``name`` if a brief may be saved under it.

    A name is listed by ``fypdesk briefs`` and shown in the window, so it may not hold control
    characters (ESC would drive the terminal, a line break would fake a row), bidi embeddings,
    overrides or isolates (they make a name read as another), line or paragraph separators, or
    lone surrogates.

    Raises:
        InvalidBriefNameError: the name is empty, too long, or holds such a character (named).
    """
    if not name.strip():
        raise InvalidBriefNameError("a saved brief needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidBriefNameError(
            f"a saved brief's name may have at most {MAX_NAME_LENGTH} characters, not {len(name)}"
        )
    for ch in name:
        if _is_control(ch):
            raise InvalidBriefNameError(
                f"a saved brief's name may not hold control characters (it holds U+{ord(ch):04X})"
            )
    return name


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return (
        unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"}
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
    )


class InvalidSavedBriefError(FypdeskError):
    """A saved brief that cannot be turned into a brief specification."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"saved brief {name!r} cannot be used: {problem}")
        self.name = name
        self.problem = problem


def brief_note(note: Note) -> BriefNote:
    """A stored note as a brief needs it (body and tags untouched)."""
    return BriefNote(
        node_id=note.node_id,
        body=note.body,
        tags=note.tags,
        created=note.created,
        updated=note.updated,
    )


def saved_brief(name: str, spec: BriefSpec) -> SavedBrief:
    """``spec`` as the notes store keeps it, under ``name``."""
    scope = spec.scope
    options = spec.options
    return SavedBrief(
        name=name,
        title=spec.title,
        subtitle=spec.subtitle,
        author=spec.author,
        organisation=spec.organisation,
        meeting_date=spec.meeting_date,
        marking=spec.marking,
        paper=_PAPER_NAMES[spec.paper],
        scope=scope.plans,
        options={
            "version": OPTIONS_VERSION,
            "scope": {
                "starred": scope.starred,
                "annotated": scope.annotated,
                "tags": list(scope.tags),
            },
            "notes": options.notes.value,
            "note_tags": list(options.note_tags),
            "targets_annex": options.targets_annex,
            "charts": options.charts,
            "citations": options.citations,
            "toc": options.toc,
        },
    )


def brief_record(brief: SavedBrief) -> dict[str, object]:
    """A saved brief as plain JSON values, every field, nothing interpreted.

    What ``fypdesk briefs --format json`` lists, and how the window remembers its last brief:
    ``name``, ``title``, ``subtitle``, ``author``, ``organisation``, ``meeting_date`` (ISO or
    ``None``), ``marking``, ``paper``, ``plans`` (the scope) and ``options``.
    """
    return {
        "name": brief.name,
        "title": brief.title,
        "subtitle": brief.subtitle,
        "author": brief.author,
        "organisation": brief.organisation,
        "meeting_date": None if brief.meeting_date is None else brief.meeting_date.isoformat(),
        "marking": brief.marking,
        "paper": brief.paper,
        "plans": list(brief.scope),
        "options": dict(brief.options),
    }


class InvalidBriefRecordError(FypdeskError):
    """A brief record (see :func:`brief_record`) of the wrong shape."""


def brief_from_record(record: Mapping[str, object]) -> SavedBrief:
    """The saved brief :func:`brief_record` made ``record`` from (missing keys: defaults).

    Raises:
        InvalidBriefRecordError: a field has the wrong type, or the date is not an ISO date.
    """

    def text(key: str, default: str = "") -> str:
        value = record.get(key, default)
        if not isinstance(value, str):
            raise InvalidBriefRecordError(f"a brief's {key!r} is {value!r}, not text")
        return value

    name = record.get("name")
    if not isinstance(name, str):
        raise InvalidBriefRecordError(f"a brief's name is {name!r}, not text")
    when = record.get("meeting_date")
    meeting_date: dt.date | None = None
    if when is not None:
        if not isinstance(when, str):
            raise InvalidBriefRecordError(f"a brief's meeting date is {when!r}, not a date")
        try:
            meeting_date = dt.date.fromisoformat(when)
        except ValueError as exc:
            raise InvalidBriefRecordError(f"a brief's meeting date {when!r} is not a date") from exc
    plans = record.get("plans", [])
    if not isinstance(plans, list | tuple) or not all(isinstance(p, str) for p in plans):
        raise InvalidBriefRecordError(f"a brief's plans are {plans!r}, not a list of ids")
    options = record.get("options", {})
    if not isinstance(options, Mapping):
        raise InvalidBriefRecordError(f"a brief's options are {options!r}, not an object")
    return SavedBrief(
        name=name,
        title=text("title"),
        subtitle=text("subtitle"),
        author=text("author"),
        organisation=text("organisation"),
        meeting_date=meeting_date,
        marking=text("marking"),
        paper=text("paper", "A4"),
        scope=tuple(plans),
        options=dict(options),
    )


def spec_from_saved_brief(saved: SavedBrief) -> BriefSpec:
    """The brief specification a saved brief describes.

    Raises:
        InvalidSavedBriefError: the stored values are malformed, from a newer fypdesk, or do not
            make a valid brief (the message names the brief and says why).
    """
    try:
        return _spec(saved)
    except (InvalidBriefSpecError, _MalformedError) as exc:
        raise InvalidSavedBriefError(saved.name, str(exc)) from exc


class _MalformedError(Exception):
    """A stored value of the wrong shape (turned into :class:`InvalidSavedBriefError`)."""


def _spec(saved: SavedBrief) -> BriefSpec:
    options = saved.options
    version = options.get("version", OPTIONS_VERSION)
    if type(version) is not int or version < 1:  # type(): isinstance(True, int) holds
        raise _MalformedError(f"its options version is {version!r}, not a positive whole number")
    if version > OPTIONS_VERSION:
        raise _MalformedError(f"it was saved by a newer fypdesk (options version {version})")
    _no_unknown_keys(options, _OPTION_KEYS, "options")
    scope = options.get("scope", {})
    if not isinstance(scope, Mapping):
        raise _MalformedError("its scope options are not an object")
    _no_unknown_keys(scope, _SCOPE_KEYS, "scope options")
    for plan in saved.scope:
        if not isinstance(plan, str):
            raise _MalformedError(f"its scope holds {plan!r}, not a plan's id")
        if "/" in plan:
            # Node ids below a plan have a slash; a brief's scope chooses whole plans only.
            raise _MalformedError(f"its scope names {plan!r}, which is not a plan")
    notes = options.get("notes", _DEFAULT_OPTIONS.notes.value)
    modes = [mode.value for mode in NotesMode]
    if notes not in modes:
        raise _MalformedError(f"its notes option is {notes!r}, not one of {', '.join(modes)}")
    paper = {name.casefold(): paper for paper, name in _PAPER_NAMES.items()}.get(
        saved.paper.casefold()
    )
    if paper is None:
        raise _MalformedError(f"its paper is {saved.paper!r}, not A4 or Letter")
    return BriefSpec(
        title=saved.title,
        subtitle=saved.subtitle,
        author=saved.author,
        organisation=saved.organisation,
        meeting_date=saved.meeting_date,
        marking=saved.marking,
        paper=paper,
        scope=BriefScope(
            plans=tuple(saved.scope),
            starred=_flag(scope, "starred", _DEFAULT_SCOPE.starred),
            annotated=_flag(scope, "annotated", _DEFAULT_SCOPE.annotated),
            tags=_strings(scope, "tags"),
        ),
        options=BriefOptions(
            notes=NotesMode(notes),
            note_tags=_strings(options, "note_tags"),
            targets_annex=_flag(options, "targets_annex", _DEFAULT_OPTIONS.targets_annex),
            charts=_flag(options, "charts", _DEFAULT_OPTIONS.charts),
            citations=_flag(options, "citations", _DEFAULT_OPTIONS.citations),
            toc=_flag(options, "toc", _DEFAULT_OPTIONS.toc),
        ),
    )


def _no_unknown_keys(values: Mapping[str, object], known: frozenset[str], what: str) -> None:
    unknown = sorted(repr(key) for key in values if key not in known)
    if unknown:
        raise _MalformedError(f"its {what} hold unknown keys: {', '.join(unknown)}")


def _flag(values: Mapping[str, object], key: str, default: bool) -> bool:
    value = values.get(key, default)
    # Only a real bool: a stray 0 or 1, or the string "false" (which is truthy), is a damaged
    # value, and reading it as a choice could silently switch a section on.
    if not isinstance(value, bool):
        raise _MalformedError(f"its option {key!r} is {value!r}, not true or false")
    return value


def _strings(values: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = values.get(key, ())
    # Lists after JSON, tuples before it; both are the same sequence of tags.
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _MalformedError(f"its option {key!r} is {value!r}, not a list of tags")
    return tuple(value)
