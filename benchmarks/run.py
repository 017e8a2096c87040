"""`make bench`: whole-process timings of the CLI against its budgets.

Each command runs several times as a fresh process; the median is reported against its budget.
Results are printed as a table and written to benchmarks/results/latest.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RUNS = 7
ROOT = Path(__file__).resolve().parent.parent
CASES: tuple[tuple[str, list[str], float], ...] = (
    ("targets --format json", ["targets", "--format", "json"], 0.4),
    ("search 5G --format json", ["search", "5G", "--format", "json"], 0.4),
    ("plans --format json", ["plans", "--format", "json"], 0.4),
)


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fypdesk", *argv], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    results: list[dict[str, Any]] = []
    _time(["--version"])  # warm the file cache and .pyc files once
    for name, argv, budget in CASES:
        samples = [_time(argv) for _ in range(RUNS)]
        median = statistics.median(samples)
        results.append(
            {"case": name, "median_s": round(median, 4), "budget_s": budget, "ok": median <= budget}
        )
    width = max(len(r["case"]) for r in results)
    print(f"{'case':<{width}}  median    budget  ok")
    for r in results:
        print(f"{r['case']:<{width}}  {r['median_s']:.3f} s  {r['budget_s']:.1f} s   {r['ok']}")
    out = ROOT / "benchmarks" / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "runs": RUNS}
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
