"""A note callout: paragraphs on a tinted band with a coloured bar, breaking across pages.

A one-cell table draws the same picture, but lays its paragraphs out again on every measurement
and cannot keep a label with its first line. This flowable wraps each paragraph once per width,
moves to the next page whole when it fits on one, and otherwise splits between lines.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable


def inner_width(width: float, *, indent: float, bar_width: float, padding: float) -> float:
    """The width a callout ``width`` wide leaves for its paragraphs."""
    return width - indent - bar_width - 2 * padding


class Callout(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Paragraphs drawn on a ``fill`` band with a ``bar`` down its left edge."""

    def __init__(
        self,
        parts: list[Any],
        *,
        fill: Color,
        bar: Color,
        bar_width: float,
        padding: float,
        gap: float,
        page_height: float,
        indent: float = 0,
        top: bool = True,
        bottom: bool = True,
    ) -> None:
        super().__init__()
        self._parts = parts
        self._fill = fill
        self._bar = bar
        self._bar_width = bar_width
        self._padding = padding
        self._gap = gap
        self._page_height = page_height
        self._indent = indent
        self._top = top  # whether this piece starts the note (continued pieces have no top pad)
        self._bottom = bottom
        self._laid_out_for: float | None = None
        self._heights: list[float] = []

    def _inner_width(self, width: float) -> float:
        return inner_width(
            width, indent=self._indent, bar_width=self._bar_width, padding=self._padding
        )

    def _layout(self, width: float) -> None:
        if self._laid_out_for != width:
            inner = self._inner_width(width)
            self._heights = [part.wrap(inner, 1e9)[1] for part in self._parts]
            self._laid_out_for = width

    def _pads(self) -> float:
        return self._padding * (int(self._top) + int(self._bottom))

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        """The callout's full size at ``avail_width``."""
        self._layout(avail_width)
        self.width = avail_width
        gaps = self._gap * max(0, len(self._parts) - 1)
        self.height = sum(self._heights) + gaps + self._pads()
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """Nothing (move to the next page) if the note fits on a page, else two pieces."""
        self.wrap(avail_width, avail_height)
        if self.height <= self._page_height or not self._parts:
            return []
        room = avail_height - self._padding * int(self._top)
        head: list[Any] = []
        rest: list[Any] = []
        for index, (part, height) in enumerate(zip(self._parts, self._heights, strict=True)):
            if height <= room:
                head.append(part)
                room -= height + self._gap
                continue
            pieces = part.split(self._inner_width(avail_width), room) if room > 0 else []
            if len(pieces) == 2:
                head.append(pieces[0])
                rest = [pieces[1], *self._parts[index + 1 :]]
            else:
                rest = list(self._parts[index:])
            break
        if not head:
            return []
        if not rest:  # only the bottom padding did not fit: end the band without it
            return [self._piece(head, top=self._top, bottom=False)]
        return [self._piece(head, top=self._top, bottom=False), self._piece(rest, top=False)]

    def _piece(self, parts: list[Any], *, top: bool, bottom: bool | None = None) -> Callout:
        return Callout(
            parts,
            fill=self._fill,
            bar=self._bar,
            bar_width=self._bar_width,
            padding=self._padding,
            gap=self._gap,
            page_height=self._page_height,
            indent=self._indent,
            top=top,
            bottom=self._bottom if bottom is None else bottom,
        )

    def draw(self) -> None:
        """The band, the bar, then the paragraphs from the top down."""
        canvas = self.canv
        left = self._indent
        canvas.saveState()
        canvas.setFillColor(self._fill)
        canvas.rect(left, 0, self.width - left, self.height, stroke=0, fill=1)
        canvas.setFillColor(self._bar)
        canvas.rect(left, 0, self._bar_width, self.height, stroke=0, fill=1)
        canvas.restoreState()
        y = self.height - self._padding * int(self._top)
        x = left + self._bar_width + self._padding
        for part, height in zip(self._parts, self._heights, strict=True):
            y -= height
            part.drawOn(canvas, x, y)
            y -= self._gap
