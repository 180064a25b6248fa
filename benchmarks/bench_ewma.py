"""Time ewmakit's EWMA against its peers, in one process, and print ratios.

    python benchmarks/bench_ewma.py [--n 10_000_000] [--rows 2520 --cols 5000] [--repeat 5]

Every figure is the best of ``--repeat`` runs (after one warm-up call, so JIT
compilation is not timed). Ratios are ewmakit's time divided by the other's:
below 1 means ewmakit is faster. ``np.copyto`` of the same array is the
memory-bandwidth floor: no EWMA can be much faster than copying its input.
Peers that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from _timing import best



def peers_1d(x, beta):
    import pandas as pd

    import ewmakit

    out = np.empty_like(x)
    s = pd.Series(x)
    cases = {
        "np.copyto (floor)": lambda: np.copyto(out, x),
        "ewmakit.ewma": lambda: ewmakit.ewma(x, beta),
        "ewmakit accessor s.ewmakit.smooth": lambda: s.ewmakit.smooth(beta),
        "pandas ewm().mean()": lambda: s.ewm(alpha=1 - beta, adjust=False).mean(),
    }
    try:
        import polars as pl

        ps = pl.Series(x)
        cases["polars ewm_mean"] = lambda: ps.ewm_mean(alpha=1 - beta, adjust=False)
    except ImportError:
        pass
    try:
        import talib

        window = (1 + beta) / (1 - beta)
        cases[f"TA-Lib EMA (timeperiod={window:.0f})"] = lambda: talib.EMA(x, timeperiod=round(window))
    except ImportError:
        pass
    return cases


def peers_panel(x, beta):
    import pandas as pd

    import ewmakit

    out = np.empty_like(x)
    df = pd.DataFrame(x)
    cases = {
        "np.copyto (floor)": lambda: np.copyto(out, x),
        "ewmakit.ewma(axis=0)": lambda: ewmakit.ewma(x, beta, axis=0),
        "pandas ewm().mean()": lambda: df.ewm(alpha=1 - beta, adjust=False).mean(),
    }
    try:
        import polars as pl

        pdf = pl.DataFrame(x)
        cases["polars ewm_mean (all columns)"] = lambda: pdf.select(pl.all().ewm_mean(alpha=1 - beta, adjust=False))
    except ImportError:
        pass
    try:
        import numbagg

        cases["numbagg move_exp_nanmean(axis=0)"] = lambda: numbagg.move_exp_nanmean(x, alpha=1 - beta, axis=0)
    except ImportError:
        pass
    return cases


def report(title, cases, repeat, ours):
    print(f"\n{title}")
    times = {name: best(fn, repeat) for name, fn in cases.items()}
    t_ours = times[ours]
    width = max(map(len, times))
    print(f"  {'case':<{width}}  {'seconds':>9}  {'ewmakit / this':>14}")
    for name, t in times.items():
        print(f"  {name:<{width}}  {t:9.4f}  {t_ours / t:14.2f}")
    return times


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10_000_000, help="length of the 1-D series")
    p.add_argument("--rows", type=int, default=2520, help="panel rows (time)")
    p.add_argument("--cols", type=int, default=5000, help="panel columns (series)")
    p.add_argument("--beta", type=float, default=0.9)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)

    import numba
    import pandas as pd

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or platform.platform()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, numba {numba.__version__}")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(args.n).cumsum()
    report(f"1-D, {args.n:,} float64, beta={args.beta}", peers_1d(x, args.beta), args.repeat, "ewmakit.ewma")
    panel = rng.standard_normal((args.rows, args.cols)).cumsum(axis=0)
    report(f"panel {args.rows} x {args.cols} (time x series), float64, beta={args.beta}",
           peers_panel(panel, args.beta), args.repeat, "ewmakit.ewma(axis=0)")


if __name__ == "__main__":
    main()
