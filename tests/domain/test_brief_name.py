"""Names a brief may be saved under."""

from __future__ import annotations

import pytest

from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.saved_brief import MAX_NAME_LENGTH, InvalidBriefNameError, check_brief_name


@pytest.mark.parametrize(
    "name",
    [
        "a\x1b]0;x\x07",
        "tab\tname",
        "line\nbreak",
        "cr\r",
        "nul\x00",
        "del\x7f",
        "c1\x9b",
        "rlo\u202e",
        "lre\u202a",
        "fsi\u2068",
        "pdi\u2069",
        "sep\u2028",
        "surrogate\udc80",
    ],
)
def test_control_characters_are_refused(name: str) -> None:
    with pytest.raises(
        InvalidBriefNameError, match=r"may not hold control characters \(it holds U\+"
    ):
        check_brief_name(name)


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(name: str) -> None:
    with pytest.raises(InvalidBriefNameError, match="needs a name"):
        check_brief_name(name)


def test_a_name_too_long_is_refused() -> None:
    with pytest.raises(FypdeskError, match=f"at most {MAX_NAME_LENGTH} characters"):
        check_brief_name("x" * (MAX_NAME_LENGTH + 1))


@pytest.mark.parametrize(
    "name",
    [
        "G7 meeting",
        "中文简报",
        "עברית",
        "emoji 🚀",
        "e\u0301",
        "zwj 👩\u200d💻",
        "x" * MAX_NAME_LENGTH,
    ],
)
def test_ordinary_names_are_kept(name: str) -> None:
    assert check_brief_name(name) == name
