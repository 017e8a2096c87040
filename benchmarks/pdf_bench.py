"""PDF rendering speed of one content database, in a fresh process (as an export runs).

``python -m benchmarks.pdf_bench CONTENT_DB ROUNDS [NOTES_DB]`` prints one JSON object: the
pages of the whole-briefing brief (with the notes of ``NOTES_DB`` if given), the seconds each
round spent composing it, and the pages per second each round rendered it at. One untimed render
comes first: loading and parsing the fonts is a one-time cost of an export (the whole-process
``fypdesk export`` figure includes it), not part of the rendering rate. A fresh process, because
the benchmark runner's own heap (100,000 notes, every sample) would make the collector slower.
"""

from __future__ import annotations

import gc
import io
import json
import sys
import time
from pathlib import Path

from fypdesk.cli import build_parser
from fypdesk.cli.export_command import load_content, spec_from_args
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import Annotations
from fypdesk.export.compose import compose
from fypdesk.export.pdf import render_pdf
from fypdesk.notes.interface import brief_annotations
from fypdesk.notes.sqlite.backend import SqliteNotes


def measure(content_db: Path, rounds: int, notes_db: Path | None) -> dict[str, object]:
    """Compose and render the whole briefing ``rounds`` times after one warm-up render."""
    spec = spec_from_args(build_parser().parse_args(["export", "brief.pdf"]))
    annotations = Annotations()
    if notes_db is not None:
        store = SqliteNotes.open(notes_db, auto_backup=False)
        try:
            annotations = brief_annotations(store)
        finally:
            store.close()
    repository = ContentRepository.open(content_db)
    try:
        data = load_content(repository)
    finally:
        repository.close()
    pages = render_pdf(compose(spec, data, annotations), io.BytesIO())  # warm-up
    compose_s: list[float] = []
    rates: list[float] = []
    for _ in range(rounds):
        # Each timed step starts with no garbage from the step before: an export composes and then
        # renders once, so neither should pay for collecting what an earlier round left behind.
        gc.collect()
        start = time.perf_counter()
        document = compose(spec, data, annotations)
        compose_s.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        pages = render_pdf(document, io.BytesIO())
        rates.append(pages / (time.perf_counter() - start))
    return {"pages": pages, "compose_s": compose_s, "rates": rates}


def main() -> int:
    """Print the measurement of ``argv[1]`` as JSON."""
    notes = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[2]), notes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
