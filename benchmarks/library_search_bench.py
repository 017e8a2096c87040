"""The window's search of the library's other briefings, in-process (offscreen).

``python -m benchmarks.library_search_bench DATA_DIR`` prints one JSON line per phase:

- ``index_cold_ms``: bringing the library's search index up to date from nothing (the first
  window after the packs were installed; on the worker thread, after the first paint);
- ``index_warm_ms``: the same at a later start (every pack's stat data compared);
- ``library_search``: each keystroke (letters, then backspaces) given to
  :class:`~fypdesk.ui.search.other_briefings.OtherBriefingsSearch`, in milliseconds from the
  keystroke to its hits delivered on the GUI thread (the time the list waits for them).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from fypdesk import paths
from fypdesk.content.identity import BriefingChoice
from fypdesk.content.library import Library
from fypdesk.content.library_index import index_path
from fypdesk.ui.search.other_briefings import OtherBriefingsSearch

WORDS = ("5G", "carbon", "solid waste", "energy", "data", "revenue")
OPEN = "fyp14-six-industries"


def _emit(phase: str, value: object) -> None:
    print(json.dumps({"phase": phase, "value": value}), flush=True)


def _prepared(briefings: list[BriefingChoice]) -> tuple[OtherBriefingsSearch, float]:
    start = time.perf_counter()
    search = OtherBriefingsSearch(briefings, OPEN)
    if not search.indexed:
        raise SystemExit("the library's search index could not be made")
    return search, (time.perf_counter() - start) * 1000


def main(data_dir: Path) -> int:
    app = QApplication([])
    library = Library.open(paths.library_dir(data_dir), paths.bundled_content_path())
    briefings = [BriefingChoice.of(pack) for pack in library.packs()]
    index_path().unlink(missing_ok=True)
    cold, cold_ms = _prepared(briefings)
    cold.close()
    _emit("index_cold_ms", cold_ms)
    search, warm_ms = _prepared(briefings)
    _emit("index_warm_ms", warm_ms)
    arrived: list[float] = []
    search.results_ready.connect(lambda _query, _hits: arrived.append(time.perf_counter()))
    samples: list[float] = []
    for word in WORDS:
        typed = [word[:n] for n in range(1, len(word) + 1)]
        for query in [*typed, *reversed(typed[:-1])]:
            before = len(arrived)
            start = time.perf_counter()
            search.search(query)
            for _ in range(100):  # the hits, delivered through the event loop
                search.wait()
                app.processEvents()
                if len(arrived) > before:
                    samples.append((arrived[-1] - start) * 1000)
                    break
            else:
                raise SystemExit(f"no hits delivered for {query!r}")
    search.close()
    _emit("library_search", samples)
    _emit("packs", len(briefings))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
