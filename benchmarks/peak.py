"""Run a command and report its wall time and its own peak memory.

``python -m benchmarks.peak OUT.json CMD...``: this small process spawns ``CMD``, waits, and writes
``{"seconds", "maxrss_kb", "code"}`` to ``OUT.json``. Measuring from a small parent matters:
Linux starts a child's ``ru_maxrss`` from the memory of the process that forked it, so a child of
the benchmark runner (which has Qt and the content loaded) would report the runner's size.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    """Run ``argv[2:]``; write the measurements to ``argv[1]``; exit with the command's status."""
    out = Path(sys.argv[1])
    start = time.perf_counter()
    code = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.write_text(json.dumps({"seconds": seconds, "maxrss_kb": maxrss, "code": code}))
    return code


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
