"""Find authored quotes in the source text without scanning the whole text for every quote.

``quote in source`` costs a scan of the source, so checking every quote of a content pack costs
quotes × source length: minutes at a thousand times the real content (issue 7). The index here
answers the same question from the positions of the source's words.
"""

from __future__ import annotations

from collections import defaultdict

#: Above this many places to try, one scan of the source is as cheap (only for quotes made of
#: very common words).
_MAX_CANDIDATES = 1000


class QuoteIndex:
    """Where each space-separated word starts in a normalised source text.

    The text must have had its whitespace collapsed to single spaces and stripped, and so must the
    quotes looked up (:func:`fypdesk.content.source.normalise_quote` does both).
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: defaultdict[str, list[int]] = defaultdict(list)
        position = 0
        for word in text.split(" "):
            self._starts[word].append(position)
            position += len(word) + 1

    def __contains__(self, quote: str) -> bool:
        """Exactly ``quote in text``.

        A quote of three words or more has whole words inside it: its first and last words may be
        cut, the inner ones cannot be. Wherever the quote occurs, each inner word starts at a word
        start of the text, at its own offset from the quote's start. So it is enough to try the
        starts of the quote's rarest inner word.
        """
        words = quote.split(" ")
        if len(words) < 3:
            return quote in self._text
        best_offset, best_starts = 0, None
        offset = len(words[0]) + 1
        for word in words[1:-1]:
            starts = self._starts.get(word, [])
            if best_starts is None or len(starts) < len(best_starts):
                best_offset, best_starts = offset, starts
            offset += len(word) + 1
        assert best_starts is not None  # there is at least one inner word
        if len(best_starts) > _MAX_CANDIDATES:
            return quote in self._text
        return any(
            self._text.startswith(quote, start - best_offset)
            for start in best_starts
            if start >= best_offset
        )
