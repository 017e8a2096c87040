"""The commands' pretty JSON is exactly what ``json.dumps(..., ensure_ascii=False, indent=2)``
writes."""

from __future__ import annotations

import json
import math
from enum import IntEnum, StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fypdesk.cli.json_text import pretty_json

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


def _reference(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@given(_VALUES)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert pretty_json(value) == _reference(value)


class _Kind(StrEnum):
    TARGET = "target"


class _Level(IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        [[], {}, [[]]],
        {"a": {"b": [1, 2.5, -0.0, 1e300]}},
        (1, "two", (3,)),
        {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
        {"kind": _Kind.TARGET, "level": _Level.HIGH},
        ['\u2028\x00\x1f"\\', "中文", "\ud800"],
        [math.nan, math.inf, -math.inf],
    ],
)
def test_the_same_text_for_edge_cases(value: Any) -> None:
    assert pretty_json(value) == _reference(value)


def test_what_json_refuses_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        pretty_json(loop)
    with pytest.raises(TypeError):
        pretty_json({"a": object()})
    with pytest.raises(TypeError):
        pretty_json({(1, 2): "tuple key"})
