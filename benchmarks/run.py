"""`make bench`: fypdesk's costs at ×1, ×10, ×100 and ×1000 the real content, against budgets.

Every figure is the median (or p50/p95) of several whole-process or in-process runs. The scaled
content is generated and built through the normal build path (benchmarks/generate.py) and cached
in a temporary folder keyed by the generator's hash, so only the first run pays for it. Results
are printed as one table and written to benchmarks/results/latest.json.

Environment: ``BENCH_QUICK=1`` skips ×1000 (and uses 10,000 notes instead of 100,000);
``BENCH_SCALES=1,10`` and ``BENCH_NOTES=2000`` choose other sizes; ``BENCH_NOTES_TIME_CAP``
(seconds, default 600) stops the one-time generation of the large notes store early.
Run: ``make bench`` (or ``.venv/bin/python -m benchmarks.run``).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks import generate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SCALES: tuple[int, ...] = tuple(
    int(s)
    for s in os.environ.get("BENCH_SCALES", "1,10,100" if QUICK else "1,10,100,1000").split(",")
)
NOTES_LARGE = int(os.environ.get("BENCH_NOTES", "10000" if QUICK else "100000"))
NOTES_SMALL = 1_000
#: Writing notes through the store slows down as the store grows; stop generating after this long.
NOTES_TIME_CAP = float(os.environ.get("BENCH_NOTES_TIME_CAP", "600"))
CLI_RUNS = 7
PAINT_PAIRS = {1: 7, 10: 3, 100: 3, 1000: 2}
#: Seconds the UI benchmark of one scale may run: the navigator filter at x100 and above takes
#: minutes per keystroke (see docs/performance.md); what was measured before the cut is kept.
UI_TIMEOUT_S = {1: 120.0, 10: 120.0, 100: 150.0, 1000: 200.0}
MB = 1024 * 1024

#: Typed one key at a time: every prefix is a search, as the search box does while typing.
SEARCHES = ("5G", "solid waste", "open-source", "vocational", "big data", "carbon peak", "软件")
NOTE_SEARCHES = ("carbon", "meeting", "Guangdong", "数字化", "follow-up", "5G")


#: The cache folder (parsed fonts, content checks) of this run's child processes, never the
#: machine's own: set by :func:`main` to an empty folder, so a run always starts cold.
CACHE_DIR: Path | None = None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # An installed fypdesk runs from compiled bytecode (pip compiles on install; a frozen build
    # carries it): the warm-up runs must be allowed to write it, or every child compiles anew.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if CACHE_DIR is not None:
        env["FYPDESK_CACHE_DIR"] = str(CACHE_DIR)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QT_LOGGING_RULES"] = "qt.qpa.*=false"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
    )
    return env


# -- results -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table."""

    metric: str
    scale: int | str
    value: float
    unit: str
    budget: float | None = None
    higher_is_better: bool = False
    note: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool | None:
        if self.budget is None:
            return None
        return self.value >= self.budget if self.higher_is_better else self.value <= self.budget

    def record(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "scale": self.scale,
            "value": round(self.value, 4),
            "unit": self.unit,
            "budget": self.budget,
            "budget_kind": ">=" if self.higher_is_better else "<=",
            "ok": self.ok,
            "note": self.note,
            "samples": [round(s, 4) for s in self.samples],
        }


ROWS: list[Row] = []


def add(row: Row) -> Row:
    """Keep ``row`` and show progress on stderr."""
    ROWS.append(row)
    verdict = {True: "ok", False: "MISS", None: ""}[row.ok]
    print(f"  {row.metric} x{row.scale}: {row.value:.4g} {row.unit} {verdict}", file=sys.stderr)
    return row


def pct(samples: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[rank]


# -- child processes ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Child:
    """A finished child process: wall time and peak resident memory."""

    seconds: float
    maxrss_mb: float
    code: int


def run_child(argv: Sequence[str], timeout: float = 900.0) -> Child:
    """Run ``argv`` under :mod:`benchmarks.peak`, which times it and reads its own peak RSS
    (``ru_maxrss`` of its only child, KiB on Linux) with ``resource.getrusage``."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        report = Path(handle.name)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.peak", str(report), *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=_env(),
            cwd=ROOT,
            timeout=timeout,
            check=False,
        )
        data = json.loads(report.read_text() or "{}")
    except subprocess.TimeoutExpired:
        print(f"    timed out after {timeout:.0f} s: {' '.join(argv)}", file=sys.stderr)
        return Child(timeout, 0.0, -1)
    finally:
        report.unlink(missing_ok=True)
    if result.returncode != 0 or not data:
        stderr = result.stderr.decode(errors="replace")
        print(
            f"    child failed ({result.returncode}): {' '.join(argv)}\n{stderr}", file=sys.stderr
        )
    return Child(
        float(data.get("seconds", 0.0)), data.get("maxrss_kb", 0) / 1024, result.returncode
    )


def fypdesk(*args: str) -> list[str]:
    """The argv of a ``fypdesk`` command run by this venv's Python."""
    return [sys.executable, "-m", "fypdesk", *args]


# -- content -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Content:
    """One content database of the series."""

    scale: int
    db: Path
    nodes: int
    targets: int
    plans: int
    build_s: float | None
    generate_s: float | None
    size_mb: float


def prepare_content() -> dict[int, Content]:
    """×1 is the bundled database; the others are generated (or taken from the cache)."""
    series: dict[int, Content] = {}
    for scale in SCALES:
        if scale == 1:
            db = generate.REAL_DB
            connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            nodes = connection.execute("SELECT count(*) FROM nodes").fetchone()[0]
            targets = connection.execute(
                "SELECT count(*) FROM quantities WHERE role = 'target'"
            ).fetchone()[0]
            plans = connection.execute("SELECT count(*) FROM plans").fetchone()[0]
            connection.close()
            series[1] = Content(1, db, nodes, targets, plans, None, None, db.stat().st_size / MB)
            continue
        print(f"content x{scale}: generating and building (cached)...", file=sys.stderr)
        built = generate.cached_build(scale)
        series[scale] = Content(
            scale,
            built.db,
            built.nodes,
            built.targets,
            built.plans,
            built.build_s,
            built.generate_s,
            built.db.stat().st_size / MB,
        )
        add(
            Row(
                "build-db (generate + build)",
                scale,
                built.generate_s + built.build_s,
                "s",
                note=("cached; " if built.cached else "") + f"{built.plans} plans, "
                f"{built.nodes} nodes, {built.targets} targets",
            )
        )
    return series


# -- the measurements --------------------------------------------------------------------------


def bench_cli(series: dict[int, Content], notes_x1: Path, work: Path) -> None:
    """Whole-process CLI times: the budgets at ×1, and the curve."""
    run_child(fypdesk("--version"))  # warm the file cache and .pyc files once
    for scale, content in series.items():
        runs = CLI_RUNS if scale == 1 else 3
        base = ["--content", str(content.db), "--data-dir", str(notes_x1 if scale == 1 else work)]
        for name, args, budget in (
            ("cli targets --format json", ["targets", "--format", "json"], 0.4),
            ("cli search 5G --format json", ["search", "5G", "--format", "json"], 0.4),
        ):
            samples = [run_child(fypdesk(*base, *args)).seconds for _ in range(runs)]
            add(
                Row(
                    name,
                    scale,
                    statistics.median(samples),
                    "s",
                    budget if scale == 1 else None,
                    samples=samples,
                )
            )
    out = work / "brief.pdf"
    content = series[1]
    base = ["--content", str(content.db), "--data-dir", str(notes_x1)]
    # The first export of a run parses the fonts and keeps them in the (empty) cache folder, as
    # the first export after installing does; the budget is for the exports after it.
    first = run_child(fypdesk(*base, "export", str(out))).seconds
    samples = [run_child(fypdesk(*base, "export", str(out))).seconds for _ in range(CLI_RUNS)]
    add(Row("cli export brief.pdf (100 notes)", 1, statistics.median(samples), "s", 1.0,
            samples=samples))  # fmt: skip
    add(Row("cli export, first after install (fonts parsed)", 1, first, "s"))


#: How many packs the library benchmark installs (the ×1 briefing under as many ids).
LIBRARY_PACKS = 100


def _library_of_copies(work: Path, count: int) -> tuple[Path, list[Path]]:
    """A data folder whose library holds the ×1 briefing built under ``count`` pack ids (the
    real builder and installer); the data folder and the pack files."""
    from fypdesk.content.build import build_database
    from fypdesk.content.install import install_pack
    from fypdesk.content.library import Library

    data = work / "library-data"
    folder = data / "library"
    packs = []
    for index in range(count):
        source = work / "library-source"
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(generate.REAL_SOURCE, source)
        briefing = source / "briefing.yaml"
        text = briefing.read_text(encoding="utf-8")
        briefing.write_text(
            text.replace("pack: fyp14-six-industries", f"pack: bench-copy-{index:03d}", 1),
            encoding="utf-8",
        )
        packs.append(build_database(source, work / f"bench-copy-{index:03d}.fypack").path)
        install_pack(Library.open(folder, generate.REAL_DB), packs[-1])
    return data, packs


def bench_library(series: dict[int, Content], work: Path) -> None:
    """The library's budgets: the reading commands over 100 installed packs, installing a ×1 and
    a ×100 pack."""
    print(f"library: building and installing {LIBRARY_PACKS} packs...", file=sys.stderr)
    data, packs = _library_of_copies(work, LIBRARY_PACKS)
    base = ["--data-dir", str(data)]
    run_child(fypdesk(*base, "targets", "--format", "json"))  # records every pack's checks once
    for name, args, budget in (
        ("cli targets --format json", ["targets", "--format", "json"], 0.4),
        ("cli search 5G --format json", ["search", "5G", "--format", "json"], None),
        ("cli pack list", ["pack", "list"], None),
    ):
        samples = [run_child(fypdesk(*base, *args)).seconds for _ in range(5)]
        add(Row(name, f"{LIBRARY_PACKS} packs", statistics.median(samples), "s", budget,
                samples=samples))  # fmt: skip
    samples = [
        run_child(fypdesk(*base, "pack", "install", "--force", str(packs[0]))).seconds
        for _ in range(5)
    ]
    add(Row("cli pack install (x1 pack)", 1, statistics.median(samples), "s", 0.5,
            samples=samples))  # fmt: skip
    _bench_library_window(data, work)
    if 100 in series:
        fresh = ["--data-dir", str(work / "library-x100")]
        child = run_child(fypdesk(*fresh, "pack", "install", "--force", str(series[100].db)))
        add(Row("cli pack install (x100 pack)", 100, child.seconds, "s", 5.0,
                note="" if child.code == 0 else f"exit {child.code}"))  # fmt: skip


def _bench_library_window(data: Path, work: Path) -> None:
    """The window over a library of 100 packs: its first paint against the bare window, and its
    search of the other briefings (the library's index)."""
    gui = fypdesk("--data-dir", str(data), "gui", "--size", "1280x800", "--screenshot",
                  str(work / "library.png"))  # fmt: skip
    bare = [sys.executable, "-m", "benchmarks.bare_window", str(work / "bare.png")]
    run_child(gui)  # warm-up: the listing learns the manifests, the bundled pack is verified
    pairs = [(run_child(bare).seconds, run_child(gui).seconds) for _ in range(PAINT_PAIRS[1])]
    ratios = [g / b for b, g in pairs]
    gui_s = statistics.median(g for _, g in pairs)
    bare_s = statistics.median(b for b, _ in pairs)
    add(Row("first paint / bare window", f"{LIBRARY_PACKS} packs", gui_s / bare_s, "x", 3.0,
            note=f"gui {gui_s:.2f} s; bare {bare_s:.2f} s", samples=ratios))  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.library_search_bench", str(data)],
        capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    phases = {}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            phases[record["phase"]] = record["value"]
    if "library_search" not in phases:
        print(f"    library search bench failed:\n{result.stderr}", file=sys.stderr)
        return
    scale = f"{LIBRARY_PACKS} packs"
    add(Row("library search index built (worker thread)", scale, phases["index_cold_ms"], "ms",
            note="first window after the packs were installed"))  # fmt: skip
    add(Row("library search index brought up to date", scale, phases["index_warm_ms"], "ms"))
    samples = phases["library_search"]
    _percentile_rows("search other briefings (keystroke to hits)", scale, samples, 10.0, "",
                     f"{len(samples)} samples")  # fmt: skip


def bench_first_paint(series: dict[int, Content], work: Path) -> None:
    """``fypdesk gui --screenshot`` against a bare one-label window, alternately; peak memory.

    The content database is hashed only when the user's cache folder holds no record that it was
    verified unchanged (:mod:`fypdesk.content.checksum`), so each scale gets an empty cache folder
    of its own: its first run is the first start after install (hashed, then recorded), shown on a
    row of its own; the runs after it are normal starts (the record is checked), which the budget
    is for.
    """
    bare = [sys.executable, "-m", "benchmarks.bare_window", str(work / "bare.png")]

    def cached_in(folder: Path, argv: list[str]) -> Child:
        with mock.patch.dict(os.environ, {"FYPDESK_CACHE_DIR": str(folder)}):
            return run_child(argv)

    for scale, content in series.items():
        gui = fypdesk(
            "--content",
            str(content.db),
            "--data-dir",
            str(work / "data"),
            "gui",
            "--size",
            "1280x800",
            "--screenshot",
            str(work / f"x{scale}.png"),
        )
        cache = work / f"cache-x{scale}"
        if scale < 1000:  # a warm-up pair (at x1000 the UI benchmark has warmed the file cache)
            run_child(bare)
            cached_in(work / f"cache-x{scale}-warm-up", gui)
        first_bare, first = run_child(bare), cached_in(cache, gui)
        add(
            Row(
                "first start paint / bare (content hashed)",
                scale,
                first.seconds / first_bare.seconds,
                "x",
                note=f"one run, empty cache folder: gui {first.seconds:.2f} s;"
                f" bare {first_bare.seconds:.2f} s",
                samples=[first.seconds / first_bare.seconds],
            )
        )
        bare_runs: list[Child] = []
        gui_runs: list[Child] = []
        for _ in range(PAINT_PAIRS.get(scale, 3)):
            bare_runs.append(run_child(bare))
            gui_runs.append(cached_in(cache, gui))
        gui_s = [c.seconds for c in gui_runs]
        bare_s = [c.seconds for c in bare_runs]
        gui_median, bare_median = statistics.median(gui_s), statistics.median(bare_s)
        ratio = gui_median / bare_median
        # [library]: one pack at x100 as at x1 (issue 15); x1000 has its own (issue 7).
        budget = {1: 3.0, 100: 3.0, 1000: 4.0}.get(scale)
        add(
            Row(
                "first paint / bare window",
                scale,
                ratio,
                "x",
                budget,
                note=f"normal start (content record checked): gui {gui_median:.2f} s;"
                f" bare {bare_median:.2f} s",
                samples=[g / b for g, b in zip(gui_s, bare_s, strict=True)],
            )
        )
        add(
            Row(
                "first paint (gui --screenshot)",
                scale,
                statistics.median(gui_s),
                "s",
                samples=gui_s,
            )
        )
        rss = [c.maxrss_mb for c in gui_runs]
        bare_rss = max(c.maxrss_mb for c in bare_runs)
        add(
            Row(
                "gui peak memory (maxrss)",
                scale,
                max(rss),
                "MB",
                {1: 150.0, 1000: 400.0}.get(scale),
                note=f"bare window {bare_rss:.0f} MB",
                samples=rss,
            )
        )


def _latencies(call: Callable[[str], object], words: Sequence[str], repeats: int) -> list[float]:
    samples: list[float] = []
    for word in words:  # one untimed pass warms the page cache and statement cache
        call(word)
    for _ in range(repeats):
        for word in words:
            for end in range(1, len(word) + 1):
                start = time.perf_counter()
                call(word[:end])
                samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_content_search(series: dict[int, Content]) -> None:
    """In-process content search per keystroke, as the window's search box calls it."""
    from fypdesk.content.repository import ContentRepository

    for scale, content in series.items():
        repository = ContentRepository.open(content.db)
        try:
            samples = _latencies(functools.partial(repository.search, limit=15), SEARCHES, 3)
        finally:
            repository.close()
        budget = 10.0 if scale == 1 else 30.0
        add(Row("content search p50", scale, pct(samples, 50), "ms", samples=samples))
        add(Row("content search p95", scale, pct(samples, 95), "ms", budget))


def bench_notes(notes_dirs: dict[int, Path], work: Path) -> None:
    """Notes search per keystroke, and the latency of saving a note (commit included).

    The saves follow the window's pattern: 20 notes, each created and then autosaved 5 times
    while it is typed, with a pause of ``pause_s`` between notes. In each pause the store's
    upkeep runs exactly as the window runs it (``IdleMaintenance``: after the idle delay, steps
    until nothing is left or the pause is over). The steps are timed too (they hold the GUI
    thread), and so is the worst save. Then one note is saved 100 times with no pause at all:
    a burst in which the upkeep never runs, the bound for a store that is never idle.
    """
    from fypdesk.notes.sqlite import maintenance
    from fypdesk.notes.sqlite.repository import NotesRepository
    from fypdesk.notes.sqlite.store import open_notes
    from fypdesk.paths import NOTES_DB_NAME

    pause_s = 5.0  # between two notes: the user picks the next item and starts typing

    def idle_upkeep(repository: NotesRepository) -> list[float]:
        """The steps the window takes in one pause (``IdleMaintenance``), back to back."""
        left = pause_s - maintenance.IDLE_DELAY_SECONDS
        taken: list[float] = []
        while left > 0:
            step = repository.maintain()
            taken.append(step.seconds * 1000)
            left -= step.seconds + maintenance.STEP_GAP_SECONDS
            if not step.more:
                break
        return taken

    for count, folder in notes_dirs.items():
        copy = work / f"notes-{count}"
        shutil.copytree(folder, copy, dirs_exist_ok=True)
        # A user's store is on disk; a fresh copy is in the page cache, and the first fsyncs of
        # the saves (up to 0.3 s at 100,000 notes) would write the whole copy out.
        for file in copy.iterdir():
            descriptor = os.open(file, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        repository = open_notes(copy / NOTES_DB_NAME, auto_backup=False)
        try:
            search = functools.partial(repository.search, limit=10)
            samples = _latencies(search, NOTE_SEARCHES, 3)
            budget = 10.0 if count <= NOTES_SMALL else 30.0
            add(Row("notes search p50", f"{count} notes", pct(samples, 50), "ms", samples=samples))
            add(Row("notes search p95", f"{count} notes", pct(samples, 95), "ms", budget))
            node = "ict/targets/industry-revenue"
            created: list[float] = []
            edited: list[float] = []
            steps: list[float] = []
            for i in range(20):
                start = time.perf_counter()
                note = repository.add_note(node, f"First words of note {i}")
                created.append((time.perf_counter() - start) * 1000)
                body = note.body
                for j in range(5):  # autosave while typing: the same note, a little longer
                    body += f" more text {j}"
                    start = time.perf_counter()
                    repository.save_note(note.uuid, body)
                    edited.append((time.perf_counter() - start) * 1000)
                steps += idle_upkeep(repository)
            burst: list[float] = []
            note = repository.add_note(node, "Typed without a pause")
            body = note.body
            for j in range(100):
                body += f" word{j}"
                start = time.perf_counter()
                repository.save_note(note.uuid, body)
                burst.append((time.perf_counter() - start) * 1000)
            scale = f"{count} notes"
            add(Row("note create (add_note) p50", scale, pct(created, 50), "ms", samples=created))
            add(Row("note save (autosave) p50", scale, pct(edited, 50), "ms", samples=edited))
            add(Row("note save (autosave) p95", scale, pct(edited, 95), "ms", 20.0))
            add(Row("note save or create, worst (max)", scale, max(edited + created), "ms",
                    note=f"{len(edited) + len(created)} saves"))  # fmt: skip
            add(Row("notes upkeep step (idle) p95", scale, pct(steps, 95), "ms", samples=steps,
                    note=f"{len(steps)} steps in 20 pauses of {pause_s:g} s"))  # fmt: skip
            add(Row("notes upkeep step (idle) max", scale, max(steps), "ms"))
            add(Row("note save, 100 without a pause p95", scale, pct(burst, 95), "ms",
                    samples=burst))  # fmt: skip
            add(Row("note save, 100 without a pause max", scale, max(burst), "ms"))
        finally:
            repository.close()


def bench_ui(series: dict[int, Content]) -> None:
    """The window's interactions, in a fresh offscreen process per scale; at the largest scale
    also over a copy of the large notes store (written to: notes created, stars toggled)."""
    from fypdesk.paths import NOTES_DB_NAME

    largest = max(series)
    for scale, content in series.items():
        argv = [sys.executable, "-m", "benchmarks.ui_bench", str(content.db)]
        note = ""
        notes_count = 0
        with tempfile.TemporaryDirectory(prefix="fypdesk-ui-notes-") as scratch:
            if scale == largest:
                # Cached: made by main() for this content before the benchmarks run.
                folder, info = generate.cached_notes(
                    NOTES_LARGE, content.db, f"x{scale}", time_cap=NOTES_TIME_CAP
                )
                copy = Path(scratch) / NOTES_DB_NAME
                shutil.copyfile(folder / NOTES_DB_NAME, copy)
                argv.append(str(copy))
                notes_count = info["notes"]
            try:
                result = subprocess.run(
                    argv, capture_output=True, text=True, env=_env(), cwd=ROOT,
                    timeout=UI_TIMEOUT_S.get(scale, 240.0), check=False,
                )  # fmt: skip
                stdout, stderr = result.stdout, result.stderr
            except subprocess.TimeoutExpired as exc:
                stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
                stderr = ""
                note = f"stopped after {UI_TIMEOUT_S.get(scale, 240.0):.0f} s"
        phases = {}
        painted = {}
        for line in stdout.splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                phases[record["phase"]] = record["value"]
                painted[record["phase"]] = record.get("painted", 0)
        if "window_ms" not in phases:
            print(f"    ui bench x{scale} failed {note}:\n{stderr}", file=sys.stderr)
            continue
        # One frame (16 ms) on the bundled content (issue 4) and at ×100, 50 ms at ×1000 (issue 7).
        frame = {1: 16.0, 100: 16.0, 1000: 50.0}.get(scale)
        add(Row("window build + show (in-process)", scale, phases["window_ms"], "ms"))
        if "outline_prefetch_ms" in phases:
            add(Row("navigator outline read after first paint (thread)", scale,
                    phases["outline_prefetch_ms"], "ms"))  # fmt: skip
        if "targets_tab_ms" in phases:
            add(Row("targets tab first shown (fills)", scale, phases["targets_tab_ms"], "ms"))
        for key, name in (
            ("expand", "navigator expand"),
            ("nav_filter", "navigator filter keystroke"),
            ("table_filter", "targets filter keystroke"),
            ("sort", "targets sort"),
            ("select", "navigator select (reading pane + notes)"),
            ("search_box", "search box keystroke"),
        ):
            samples = phases.get(key)
            detail = f"{len(samples or ())} samples, {painted.get(key, 0)} repainted"
            _percentile_rows(name, scale, samples, frame, note, detail)
            if samples and key == "nav_filter":
                add(Row(f"{name} first (loads tree)", scale, samples[0], "ms"))
        if not notes_count:
            continue
        if "notes_attach_ms" in phases:
            add(Row("notes store shown (every note counted)", scale, phases["notes_attach_ms"],
                    "ms", note=f"{notes_count} notes"))  # fmt: skip
        # Issue 7: a note written or a star toggled updates one node's badges, not every node's.
        for key, name in (
            ("note_create", "note create (save + badges)"),
            ("star_toggle", "star toggle (save + badges)"),
        ):
            samples = phases.get(key)
            detail = f"{notes_count} notes, {len(samples or ())} samples"
            _percentile_rows(name, scale, samples, frame, note, detail)


def _percentile_rows(
    name: str,
    scale: int | str,
    samples: list[float] | None,
    budget: float | None,
    note: str,
    detail: str,
) -> None:
    """A phase's p50, and its p95 against ``budget`` with ``detail``; without samples, a p95
    row saying why (``note``: the phase was stopped)."""
    if not samples:
        add(Row(f"{name} p95", scale, math.nan, "ms", budget, note=note or "no samples"))
        return
    add(Row(f"{name} p50", scale, pct(samples, 50), "ms", samples=samples))
    add(Row(f"{name} p95", scale, pct(samples, 95), "ms", budget, note=detail))


def bench_pdf(series: dict[int, Content], notes_x1: Path) -> None:
    """PDF rendering speed (composition timed apart) at ×1 (with 100 notes), ×10 and ×100, each
    in a fresh process (:mod:`benchmarks.pdf_bench`)."""
    from fypdesk.paths import NOTES_DB_NAME

    for scale, content in series.items():
        if scale > 100:
            continue
        argv = [sys.executable, "-m", "benchmarks.pdf_bench", str(content.db)]
        argv.append("5" if scale <= 10 else "1")
        if scale == 1:
            argv.append(str(notes_x1 / NOTES_DB_NAME))
        result = subprocess.run(
            argv, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=900, check=False
        )
        if result.returncode != 0:
            print(f"    pdf bench x{scale} failed:\n{result.stderr}", file=sys.stderr)
            continue
        measured = json.loads(result.stdout)
        rates, compose_s = measured["rates"], measured["compose_s"]
        note = f"{measured['pages']} pages" + (", 100 notes" if scale == 1 else "")
        add(Row("pdf render speed", scale, statistics.median(rates), "pages/s", 100.0,
                higher_is_better=True, note=note, samples=rates))  # fmt: skip
        add(Row("pdf compose", scale, statistics.median(compose_s), "s", samples=compose_s))


# -- growth ------------------------------------------------------------------------------------

GROWTH = (
    "build-db (generate + build)",
    "cli targets --format json",
    "cli search 5G --format json",
    "first paint (gui --screenshot)",
    "gui peak memory (maxrss)",
    "window build + show (in-process)",
    "content search p95",
    "navigator expand p95",
    "navigator filter keystroke first (loads tree)",
    "navigator filter keystroke p95",
    "targets filter keystroke p95",
    "targets sort p95",
    "pdf compose",
)


def growth_rows(series: dict[int, Content]) -> list[dict[str, Any]]:
    """For each main cost, its value at every scale and the exponent of its growth between
    neighbouring scales against content size (nodes): 1 is linear, above 1.2 superlinear."""
    curves: list[dict[str, Any]] = []
    for metric in GROWTH:
        values = {r.scale: r.value for r in ROWS if r.metric == metric and isinstance(r.scale, int)}
        scales = [s for s in SCALES if s in values]
        exponents: dict[str, float] = {}
        for low, high in itertools.pairwise(scales):
            if values[low] > 0 and values[high] > 0:
                size = series[high].nodes / series[low].nodes
                exponents[f"x{low}->x{high}"] = round(
                    math.log(values[high] / values[low]) / math.log(size), 2
                )
        curves.append(
            {
                "metric": metric,
                "values": {f"x{s}": round(values[s], 4) for s in scales},
                "exponents": exponents,
                "superlinear": any(e > 1.2 for e in exponents.values()),
            }
        )
    return curves


# -- output ------------------------------------------------------------------------------------


def table() -> str:
    """The results as one plain-text table."""
    lines = [f"{'metric':<46} {'scale':>12} {'value':>11} {'budget':>12}  ok"]
    for r in ROWS:
        budget = "" if r.budget is None else f"{'>=' if r.higher_is_better else '<='} {r.budget:g}"
        verdict = {True: "ok", False: "MISS", None: ""}[r.ok]
        scale = f"x{r.scale}" if isinstance(r.scale, int) else r.scale
        lines.append(
            f"{r.metric:<46} {scale:>12} {r.value:>8.4g} {r.unit:<3}{'':>0}"
            f"{budget:>11} {r.unit if budget else '':<7} {verdict}"
        )
    return "\n".join(lines)


def growth_table(curves: list[dict[str, Any]]) -> str:
    """The growth curve: values per scale and exponents."""
    scales = [f"x{s}" for s in SCALES]
    lines = [
        f"{'growth (exponent vs nodes; 1 = linear)':<46} " + " ".join(f"{s:>10}" for s in scales)
    ]
    for curve in curves:
        cells = " ".join(f"{curve['values'].get(s, float('nan')):>10.4g}" for s in scales)
        exps = ", ".join(f"{k} {v:+.2f}" for k, v in curve["exponents"].items())
        flag = "  SUPERLINEAR" if curve["superlinear"] else ""
        lines.append(f"{curve['metric']:<46} {cells}   [{exps}]{flag}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        ram = int(Path("/proc/meminfo").read_text().split()[1]) / MB
    import PySide6
    from PySide6.QtCore import qVersion

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(ram, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pyside6": PySide6.__version__,
        "qt": qVersion(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
        "quick": QUICK,
    }


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    """A scratch folder for outputs and copies of the notes stores."""
    folder = Path(tempfile.mkdtemp(prefix="fypdesk-bench-"))
    try:
        (folder / "data").mkdir()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def markdown(document: dict[str, Any]) -> str:
    """The results of a run (``latest.json``) as Markdown tables, for docs/performance.md."""
    lines = ["| metric | scale | value | budget | ok | note |", "|---|---|---|---|---|---|"]
    for r in document["results"]:
        scale = f"×{r['scale']}" if isinstance(r["scale"], int) else r["scale"]
        budget = "" if r["budget"] is None else f"{r['budget_kind']} {r['budget']:g} {r['unit']}"
        verdict = {True: "ok", False: "**MISS**", None: ""}[r["ok"]]
        note = str(r["note"]).replace("|", "/")
        lines.append(
            f"| {r['metric']} | {scale} | {r['value']:.4g} {r['unit']} | {budget} | {verdict} "
            f"| {note} |"
        )
    scales = sorted({k for c in document["growth"] for k in c["values"]}, key=lambda k: int(k[1:]))
    lines += ["", "| growth | " + " | ".join(scales) + " | exponent vs nodes |"]
    lines.append("|---" * (len(scales) + 2) + "|")
    for c in document["growth"]:
        cells = " | ".join(f"{c['values'][k]:.4g}" if k in c["values"] else "" for k in scales)
        exps = ", ".join(f"{k} {v:+.2f}" for k, v in c["exponents"].items())
        flag = " **superlinear**" if c["superlinear"] else ""
        lines.append(f"| {c['metric']} | {cells} | {exps}{flag} |")
    return "\n".join(lines)


def calibration_ms() -> float:
    """A fixed pure-Python loop, timed (median of 3): how fast this machine runs Python now.

    Shown at the start and the end of a run: on a shared virtual machine the same code runs up to
    twice as slowly from one quarter of an hour to the next, and this row tells a reader which of
    two runs had the faster machine.
    """
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    """Run every benchmark; print the table; write the JSON; exit 1 if a budget is missed.

    ``--markdown`` prints the last results as Markdown instead.
    """
    if "--markdown" in sys.argv[1:]:
        print(markdown(json.loads(RESULTS.read_text(encoding="utf-8"))))
        return 0
    started = time.perf_counter()
    info = machine()
    series = prepare_content()
    largest = series[max(series)]
    print("notes: generating (cached)...", file=sys.stderr)
    notes_x1, _ = generate.cached_notes(100, generate.REAL_DB, "x1")
    small, small_info = generate.cached_notes(NOTES_SMALL, generate.REAL_DB, "x1")
    large, large_info = generate.cached_notes(
        NOTES_LARGE, largest.db, f"x{largest.scale}", time_cap=NOTES_TIME_CAP
    )
    notes_dirs = {small_info["notes"]: small, large_info["notes"]: large}
    for written in (small_info, large_info):
        add(
            Row(
                "notes import (generate)",
                f"{written['notes']} notes",
                written["seconds"],
                "s",
                note=f"{written['method']}; ms/note by batch {written['ms_per_note_by_batch']}",
            )
        )
    add(Row("machine speed: calibration loop, at the start", "-", calibration_ms(), "ms"))
    global CACHE_DIR
    with workdir() as work:
        CACHE_DIR = work / "cache"
        bench_cli(series, notes_x1, work)
        bench_library(series, work)
        bench_content_search(series)
        bench_notes(notes_dirs, work)
        bench_pdf(series, notes_x1)
        bench_ui(series)
        bench_first_paint(series, work)
    add(Row("machine speed: calibration loop, at the end", "-", calibration_ms(), "ms"))
    curves = growth_rows(series)
    print(table())
    print()
    print(growth_table(curves))
    elapsed = time.perf_counter() - started
    print(f"\n{sum(r.ok is False for r in ROWS)} budget(s) missed; {elapsed:.0f} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": info,
        "elapsed_s": round(elapsed, 1),
        "content": {
            f"x{c.scale}": {
                "db": str(c.db),
                "nodes": c.nodes,
                "targets": c.targets,
                "plans": c.plans,
                "size_mb": round(c.size_mb, 2),
                "generate_s": c.generate_s,
                "build_s": c.build_s,
            }
            for c in series.values()
        },
        "results": [r.record() for r in ROWS],
        "growth": curves,
    }
    RESULTS.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(r.ok is not False for r in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
