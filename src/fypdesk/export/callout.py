"""A note callout: paragraphs on a tinted band with a coloured bar, breaking across pages.

A one-cell table draws the same picture, but lays its paragraphs out again on every measurement
and cannot keep a label with its first line. This flowable wraps each paragraph once per width,
moves to the next page whole when it fits on one, and otherwise splits between lines.

A long note has thousands of paragraphs (:mod:`long_text` cuts it so): the pieces a split makes
take over the heights already measured, so a split costs the paragraphs on the page it fills,
not the whole rest of the note, and a note on ``n`` pages costs time in ``n``, not ``n²``.
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
        joined: list[bool] | None = None,
        laid_out: tuple[float, list[float]] | None = None,
    ) -> None:
        """``joined[i]`` says that part ``i`` continues part ``i - 1`` (no gap between them);
        ``laid_out`` is a width and the parts' heights at it, if they are known."""
        super().__init__()
        self._parts = parts
        self._joined = joined if joined is not None else [False] * len(parts)
        self._fill = fill
        self._bar = bar
        self._bar_width = bar_width
        self._padding = padding
        self._gap = gap
        self._page_height = page_height
        self._indent = indent
        self._top = top  # whether this piece starts the note (continued pieces have no top pad)
        self._bottom = bottom
        self._laid_out_for: float | None = laid_out[0] if laid_out else None
        self._heights: list[float] = laid_out[1] if laid_out else []

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

    def _gap_before(self, index: int) -> float:
        """The space between part ``index`` and the one before it."""
        return 0.0 if index == 0 or self._joined[index] else self._gap

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        """The callout's full size at ``avail_width``."""
        self._layout(avail_width)
        self.width = avail_width
        gaps = self._gap * (len(self._parts) - 1 - sum(self._joined[1:])) if self._parts else 0
        self.height = sum(self._heights) + gaps + self._pads()
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """Nothing (move to the next page) if the note fits on a page, else two pieces."""
        self.wrap(avail_width, avail_height)
        if self.height <= self._page_height or not self._parts:
            return []
        inner = self._inner_width(avail_width)
        room = avail_height - self._padding * int(self._top)
        count = 0  # parts that fit whole
        for index, height in enumerate(self._heights):
            room -= self._gap_before(index)
            if height > room:
                break
            room -= height
            count += 1
        else:  # only the bottom padding did not fit: end the band without it
            return [self._piece(0, len(self._parts), top=self._top, bottom=False)]
        pieces = self._parts[count].split(inner, room) if room > 0 else []
        if len(pieces) == 2:
            ends = pieces[0], pieces[0].wrap(inner, 1e9)[1]
            # A paragraph whose first piece grows when laid out again (it never should) is
            # moved whole rather than overflow the page.
            if ends[1] <= room:
                starts = pieces[1], pieces[1].wrap(inner, 1e9)[1]
                return [
                    self._piece(0, count, top=self._top, bottom=False, last=ends),
                    self._piece(count + 1, len(self._parts), top=False, first=starts),
                ]
        if count == 0:
            return []
        return [
            self._piece(0, count, top=self._top, bottom=False),
            self._piece(count, len(self._parts), top=False),
        ]

    def _piece(
        self,
        start: int,
        stop: int,
        *,
        top: bool,
        bottom: bool | None = None,
        first: tuple[Any, float] | None = None,
        last: tuple[Any, float] | None = None,
    ) -> Callout:
        """A callout of parts ``start`` to ``stop``, laid out as they are here, with ``first``
        and ``last`` (a part and its height) added before and after them."""
        parts = self._parts[start:stop]
        heights = self._heights[start:stop]
        joined = self._joined[start:stop]
        if first is not None:
            parts.insert(0, first[0])
            heights.insert(0, first[1])
            joined.insert(0, False)
        if last is not None:
            parts.append(last[0])
            heights.append(last[1])
            joined.append(self._joined[stop])
        if joined:
            joined[0] = False
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
            joined=joined,
            laid_out=(self._laid_out_for, heights) if self._laid_out_for is not None else None,
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
        inner = self._inner_width(self.width)
        for index, (part, height) in enumerate(zip(self._parts, self._heights, strict=True)):
            # Measured again (a paragraph keeps its lines per width, so this costs nothing): a
            # paragraph that would not split here forgot its lines, which drawing needs.
            part.wrap(inner, 1e9)
            y -= self._gap_before(index)
            y -= height
            part.drawOn(canvas, x, y)
