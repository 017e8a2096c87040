"""Short forms of texts the user did not write the length of (a pack's title, a note)."""

from __future__ import annotations


def shortened(text: str, most: int) -> str:
    """``text`` cut to at most ``most`` characters, an ellipsis marking the cut: a menu, a
    list row or a label keeps its size whatever length a pack's title has."""
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
