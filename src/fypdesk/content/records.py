"""Typed reading of hand-edited YAML records, collecting every problem instead of stopping at one.

Validation errors name the file, the record id and the problem, so an author can fix all of them in
one pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import yaml

from fypdesk.content.constants import CONTROL_CHARACTERS, MAX_YEAR, MIN_YEAR
from fypdesk.domain.content import Number

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*")

#: libyaml's parser when PyYAML was built with it (issue 7: the pure-Python one took most of a
#: large build). Both build the same data from the same text.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """One thing wrong with the authored source."""

    file: str
    record: str
    problem: str
    #: The line of the file (from 1) where the value at fault stands, where it is known.
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.record}: {self.problem}"


class Problems:
    """The problems found so far, in the order found."""

    def __init__(self) -> None:
        self.items: list[SourceProblem] = []

    def add(self, file: str, record: str, problem: str, line: int | None = None) -> None:
        self.items.append(SourceProblem(file, record, problem, line))


class Lines:
    """Where a value stands in its YAML file: found only when a problem is reported (the file is
    composed again, with positions, which a build of valid source never pays for)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pairs: list[tuple[str, str, int]] | None = None

    def line_of(self, key: str, value: str) -> int | None:
        """The line (from 1) of the first ``key: value`` pair of the file holding ``value``
        (or the first item of a list under ``key`` that is ``value``), else ``None``."""
        if self._pairs is None:
            self._pairs = self._scalars()
        return next((line for k, v, line in self._pairs if k == key and v == value), None)

    def _scalars(self) -> list[tuple[str, str, int]]:
        try:
            root = yaml.compose(self._text, Loader=YAML_LOADER)
        except yaml.YAMLError:  # pragma: no cover - the file was loaded before
            return []
        pairs: list[tuple[str, str, int]] = []
        pending: list[tuple[str, yaml.Node]] = [("", root)] if root is not None else []
        while pending:
            key, node = pending.pop()
            if isinstance(node, yaml.ScalarNode):
                pairs.append((key, node.value, node.start_mark.line + 1))
            elif isinstance(node, yaml.SequenceNode):
                pending += [(key, item) for item in reversed(node.value)]
            elif isinstance(node, yaml.MappingNode):
                pending += [(str(k.value), v) for k, v in reversed(node.value)]
        return pairs


def control_character_problem(key: str, value: str) -> str | None:
    """What is wrong with ``value`` if it holds a control character
    (:data:`~fypdesk.content.constants.CONTROL_CHARACTERS`), else ``None``."""
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    return (
        f"{key!r} contains a control character ({code}) at character {found.start() + 1}:"
        " remove it (only tab and line feed are allowed)"
    )


_MISSING = object()


class Record:
    """A YAML mapping read with type checks; every key must be read, so typos are reported."""

    def __init__(
        self,
        data: object,
        file: str,
        record: str,
        problems: Problems,
        lines: Lines | None = None,
    ) -> None:
        self.file = file
        self.record = record
        self._problems = problems
        self._lines = lines
        if isinstance(data, dict):
            self._data: dict[str, Any] = {str(k): v for k, v in data.items()}
        else:
            self._data = {}
            self.problem(f"expected a mapping, found {type(data).__name__}")
        self._read: set[str] = set()

    def problem(self, message: str, line: int | None = None) -> None:
        """Report a problem with this record (at ``line`` of its file, where known)."""
        self._problems.add(self.file, self.record, message, line)

    def _value_problem(self, key: str, value: str, message: str) -> None:
        """Report a problem with the value of ``key``, at the line where it stands."""
        line = self._lines.line_of(key, value) if self._lines is not None else None
        self.problem(message, line)

    def keys(self) -> list[str]:
        """The record's keys in file order."""
        return list(self._data)

    def _get(self, key: str, required: bool) -> object:
        self._read.add(key)
        value = self._data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(f"missing {key!r}")
            return _MISSING
        return value

    def text(self, key: str) -> str:
        """A required non-empty string."""
        value = self.optional_text(key, required=True)
        return value if value is not None else ""

    def optional_text(self, key: str, *, required: bool = False) -> str | None:
        """A string, or ``None`` when absent or null."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{key!r} must be a non-empty string, found {value!r}")
            return None
        # One regex search, not a Python test per character (issue 7: 6.9 M calls at ×100).
        control = control_character_problem(key, value)
        if control is not None:
            self._value_problem(key, value, control)
        return value.strip()

    def number(self, key: str) -> Number:
        """A required number."""
        value = self.optional_number(key, required=True)
        return value if value is not None else 0

    def optional_number(self, key: str, *, required: bool = False) -> Number | None:
        """An int or float (not a bool, not a string), or ``None``."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"{key!r} must be a number, found {value!r}")
            return None
        return value

    def year(self, key: str) -> int:
        """A required year."""
        value = self.optional_year(key, required=True)
        return value if value is not None else MIN_YEAR

    def optional_year(self, key: str, *, required: bool = False) -> int | None:
        """A year between :data:`MIN_YEAR` and :data:`MAX_YEAR`, or ``None``."""
        value = self.optional_int(key, required=required)
        if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
            self.problem(f"{key!r} is not a plausible year: {value}")
            return None
        return value

    def optional_int(self, key: str, *, required: bool = False) -> int | None:
        """An integer, or ``None``."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{key!r} must be a whole number, found {value!r}")
            return None
        return value

    def flag(self, key: str, default: bool) -> bool:
        """A boolean with a default."""
        value = self.optional_flag(key)
        return default if value is None else value

    def optional_flag(self, key: str) -> bool | None:
        """A boolean, or ``None`` when absent, null or not a boolean (reported)."""
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.problem(f"{key!r} must be true or false, found {value!r}")
            return None
        return value

    def choice(self, key: str, enum: type[E]) -> E | None:
        """One of an enumeration's values; reported and ``None`` when required but absent."""
        return self.optional_choice(key, enum, required=True)

    def optional_choice(self, key: str, enum: type[E], *, required: bool = False) -> E | None:
        """One of an enumeration's values, or ``None``."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        try:
            return enum(str(value))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.problem(f"{key!r} must be one of {allowed}; found {value!r}")
            return None

    def record_id(self, key: str = "id") -> str:
        """A stable id in slug-path form."""
        value = self.text(key)
        if value and not ID_PATTERN.fullmatch(value):
            self.problem(f"malformed id {value!r}: use lowercase slug segments joined by '/'")
        return value

    def items(self, key: str) -> list[object]:
        """A list (absent or null is an empty list)."""
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(f"{key!r} must be a list, found {type(value).__name__}")
            return []
        return value

    def texts(self, key: str) -> list[str]:
        """A required list of non-empty strings."""
        values = self.items(key)
        if not values:
            self.problem(f"{key!r} must list at least one entry")
        result = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        if len(result) != len(values):
            self.problem(f"{key!r} must hold only non-empty strings")
        return result

    def sub(self, key: str, record: str | None = None) -> Record | None:
        """A nested mapping, or ``None`` when absent."""
        value = self._get(key, False)
        if value is _MISSING:
            return None
        return Record(value, self.file, record or self.record, self._problems, self._lines)

    def each(self, key: str, build: Callable[[Record], None]) -> None:
        """Read every mapping listed under ``key`` with ``build``, each named by its ``id``."""
        for index, data in enumerate(self.items(key)):
            given = data.get("id") if isinstance(data, dict) else None
            name = given if isinstance(given, str) else f"{self.record} {key}[{index}]"
            build(Record(data, self.file, name, self._problems, self._lines))

    def finish(self) -> None:
        """Report keys nobody read: usually a typo in the source."""
        for key in self._data:
            if key not in self._read:
                self.problem(f"unknown key {key!r}")
