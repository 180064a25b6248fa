"""Start-up: what a new process pays before its first result (issue #11).

    python benchmarks/bench_startup.py [--runs 9]

Each figure is the median over ``--runs`` fresh processes (after one unmeasured
run that warms the file system cache):

* ``import pandas, numpy``: the floor every ewmakit process pays anyway;
* ``import ewmakit`` and a first ``ewmakit.ewma`` call, whole process;
* the first ``ewma`` call over a second one, timed inside one process
  (loading the compiled kernels is all the first call adds);
* ``ewmakit smooth sample:sp500 --window 20 --out x.csv``, end to end.

Targets: the import-and-call process at most 0.15 s more than the floor, the
first call at most 0.02 s over a warm one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_CALL = """
import time
import numpy as np
import ewmakit
x = np.ones(10)
t0 = time.perf_counter(); ewmakit.ewma(x, 0.9); t1 = time.perf_counter()
ewmakit.ewma(x, 0.9); t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def wall(cmd, runs: int, env=None) -> float:
    """Median wall time of ``cmd`` over ``runs`` fresh processes (one warm-up run first)."""
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def first_call(runs: int) -> tuple[float, float]:
    """Medians of (first call, second call) in fresh processes."""
    firsts, seconds = [], []
    subprocess.run([sys.executable, "-c", FIRST_CALL], check=True, capture_output=True)
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FIRST_CALL], check=True, capture_output=True, text=True)
        a, b = map(float, out.stdout.split())
        firsts.append(a)
        seconds.append(b)
    return statistics.median(firsts), statistics.median(seconds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per figure (default 9, at least 7)")
    args = parser.parse_args(argv)
    runs = max(7, args.runs)
    py = sys.executable
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {runs} fresh processes")
    floor = wall([py, "-c", "import pandas, numpy"], runs)
    both = wall([py, "-c", "import ewmakit, numpy as np; ewmakit.ewma(np.ones(10), 0.9)"], runs)
    imp = wall([py, "-c", "import ewmakit"], runs)
    first, second = first_call(runs)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.csv"
        cli = Path(py).with_name("ewmakit")
        cmd = [str(cli)] if cli.exists() else [py, "-m", "ewmakit.cli"]
        smooth = wall(cmd + ["smooth", "sample:sp500", "--window", "20", "--out", str(out)], runs)
    rows = [
        ("python -c 'import pandas, numpy' (floor)", f"{floor:.3f} s", ""),
        ("python -c 'import ewmakit'", f"{imp:.3f} s", f"+{imp - floor:.3f} s"),
        ("import ewmakit + first ewma call", f"{both:.3f} s", f"+{both - floor:.3f} s (target <= +0.15 s)"),
        ("first ewma call in a process", f"{first * 1e3:.2f} ms", ""),
        ("second (warm) ewma call", f"{second * 1e3:.3f} ms", f"first - warm = {(first - second) * 1e3:.2f} ms "
                                                               "(target <= 20 ms)"),
        ("ewmakit smooth sample:sp500 --window 20 --out x.csv", f"{smooth:.3f} s", "end to end"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
