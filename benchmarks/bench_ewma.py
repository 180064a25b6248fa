"""Time ewmakit's EWMA against its peers, in one process, and print every ratio against its target.

    python benchmarks/bench_ewma.py [--n 10_000_000] [--rows 2520 --cols 5000] [--repeat 9] [--json FILE]

Every figure is the best of ``--repeat`` runs (after one warm-up call), the
cases of a table taking turns. Ratios are ewmakit's time divided by the
other's: below 1 means ewmakit is faster. ``np.copyto`` of the same array into
an existing one is the memory-bandwidth floor; every EWMA (ewmakit's and the
peers') also allocates its output, which costs page faults the floor does not
pay, so ``x.copy()`` (a fresh output, one thread) is shown too, and
``ewma(..., out=buffer)`` (an existing output, as ``np.copyto`` has) where the
installed ewmakit has ``out=``. Peers that are not installed are skipped. The
last table sets each ratio against its target. Start-up: ``bench_startup.py``.
``--json FILE`` appends the figures to FILE (ranges over several runs).
Results and what they mean: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from _timing import best_interleaved, engine_info, save_json


def peers_1d(x, beta):
    import pandas as pd

    import ewmakit

    out = np.empty_like(x)
    buf = np.empty_like(x)
    s = pd.Series(x)
    cases = {
        "np.copyto (floor)": lambda: np.copyto(out, x),
        "x.copy() (floor, fresh output)": lambda: x.copy(),
        "ewmakit.ewma": lambda: ewmakit.ewma(x, beta),
        "s.ewmakit.smooth (10 M Series)": lambda: s.ewmakit.smooth(beta),
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
        cases["TA-Lib EMA"] = lambda: talib.EMA(x, timeperiod=round(window))
    except ImportError:
        pass
    if _has_out():
        cases["ewmakit.ewma(out=)"] = lambda: ewmakit.ewma(x, beta, out=buf)
    return cases


def _has_out() -> bool:
    import inspect

    import ewmakit

    return "out" in inspect.signature(ewmakit.ewma).parameters


def peers_panel(x, beta):
    import pandas as pd

    import ewmakit

    out = np.empty_like(x)
    buf = np.empty_like(x)
    df = pd.DataFrame(x)
    cases = {
        "np.copyto (floor)": lambda: np.copyto(out, x),
        "x.copy() (floor, fresh output)": lambda: x.copy(),
        "ewmakit.ewma(axis=0)": lambda: ewmakit.ewma(x, beta, axis=0),
        "df.ewmakit.smooth (DataFrame)": lambda: df.ewmakit.smooth(beta),
        "pandas ewm().mean()": lambda: df.ewm(alpha=1 - beta, adjust=False).mean(),
    }
    try:
        import polars as pl

        pdf = pl.DataFrame(x)
        cases["polars ewm_mean"] = lambda: pdf.select(pl.all().ewm_mean(alpha=1 - beta, adjust=False))
    except ImportError:
        pass
    try:
        import numbagg

        cases["numbagg move_exp_nanmean"] = lambda: numbagg.move_exp_nanmean(x, alpha=1 - beta, axis=0)
    except ImportError:
        pass
    if _has_out():
        cases["ewmakit.ewma(axis=0, out=)"] = lambda: ewmakit.ewma(x, beta, axis=0, out=buf)
    return cases


def variants_1d(x, beta):
    """ewmakit against itself: NaN, irregular times; ewmvar/ewmstd against pandas."""
    import pandas as pd

    import ewmakit

    rng = np.random.default_rng(1)
    x_nan = x.copy()
    x_nan[rng.random(x.size) < 0.05] = np.nan
    # irregular times: steps of 1 to 5 seconds, half-life chosen so a 1 s step decays by beta
    times = pd.DatetimeIndex(np.datetime64("2020-01-01") + np.cumsum(rng.integers(1, 6, x.size)).astype("m8[s]"))
    halflife = pd.Timedelta(seconds=float(np.log(0.5) / np.log(beta)))
    s = pd.Series(x)
    return {
        "ewmakit.ewma": lambda: ewmakit.ewma(x, beta),
        "ewmakit.ewma, 5 % NaN": lambda: ewmakit.ewma(x_nan, beta),
        "ewmakit.ewma, irregular times": lambda: ewmakit.ewma(x, halflife=halflife, times=times),
        "ewmakit.ewmvar": lambda: ewmakit.ewmvar(x, beta),
        "pandas ewm().var()": lambda: s.ewm(alpha=1 - beta, adjust=False).var(),
        "ewmakit.ewmstd": lambda: ewmakit.ewmstd(x, beta),
        "pandas ewm().std()": lambda: s.ewm(alpha=1 - beta, adjust=False).std(),
    }


def variants_panel(x, beta):
    import pandas as pd

    import ewmakit

    df = pd.DataFrame(x)
    return {
        "ewmakit.ewmvar(axis=0)": lambda: ewmakit.ewmvar(x, beta, axis=0),
        "pandas ewm().var()": lambda: df.ewm(alpha=1 - beta, adjust=False).var(),
        "ewmakit.ewmstd(axis=0)": lambda: ewmakit.ewmstd(x, beta, axis=0),
        "pandas ewm().std()": lambda: df.ewm(alpha=1 - beta, adjust=False).std(),
    }


def report(title, cases, repeat, ours=None):
    print(f"\n{title}")
    times = best_interleaved(cases, repeat)
    width = max(map(len, times))
    ours = ours or next(iter(times))
    print(f"  {'case':<{width}}  {'seconds':>9}  {'ewmakit / this':>14}")
    for name, t in times.items():
        print(f"  {name:<{width}}  {t:9.4f}  {times[ours] / t:14.2f}")
    return times


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10_000_000, help="length of the 1-D series")
    p.add_argument("--rows", type=int, default=2520, help="panel rows (time)")
    p.add_argument("--cols", type=int, default=5000, help="panel columns (series)")
    p.add_argument("--beta", type=float, default=0.9)
    p.add_argument("--repeat", type=int, default=9)
    p.add_argument("--json", metavar="FILE", help="append this run's figures to FILE")
    args = p.parse_args(argv)

    import pandas as pd

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or platform.platform()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; {engine_info()}")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(args.n).cumsum()
    one = report(f"1-D, {args.n:,} float64, beta={args.beta}", peers_1d(x, args.beta), args.repeat, "ewmakit.ewma")
    var1 = report("1-D variants", variants_1d(x, args.beta), args.repeat)
    del x
    panel = rng.standard_normal((args.rows, args.cols)).cumsum(axis=0)
    pan = report(f"panel {args.rows} x {args.cols} (time x series), float64, beta={args.beta}",
                 peers_panel(panel, args.beta), args.repeat, "ewmakit.ewma(axis=0)")
    varp = report("panel variants", variants_panel(panel, args.beta), args.repeat)

    rows = [("1-D vs np.copyto (floor)", one["ewmakit.ewma"] / one["np.copyto (floor)"], 1.6),
            ("1-D vs x.copy() (fresh output)", one["ewmakit.ewma"] / one["x.copy() (floor, fresh output)"], None)]
    if "ewmakit.ewma(out=)" in one:
        rows.append(("1-D with out= vs np.copyto", one["ewmakit.ewma(out=)"] / one["np.copyto (floor)"], 1.3))
    for peer, target in (("TA-Lib EMA", 0.5), ("polars ewm_mean", 0.25), ("pandas ewm().mean()", 0.12)):
        if peer in one:
            rows.append((f"1-D vs {peer}", one["ewmakit.ewma"] / one[peer], target))
    rows.append(("panel vs np.copyto (floor)", pan["ewmakit.ewma(axis=0)"] / pan["np.copyto (floor)"], 1.6))
    if "ewmakit.ewma(axis=0, out=)" in pan:
        rows.append(("panel with out= vs np.copyto", pan["ewmakit.ewma(axis=0, out=)"] / pan["np.copyto (floor)"],
                     1.2))
    rows.append(("panel vs x.copy() (fresh output)",
                 pan["ewmakit.ewma(axis=0)"] / pan["x.copy() (floor, fresh output)"], None))
    for peer, target in (("numbagg move_exp_nanmean", 0.5), ("polars ewm_mean", 0.25), ("pandas ewm().mean()", 0.07)):
        if peer in pan:
            rows.append((f"panel vs {peer}", pan["ewmakit.ewma(axis=0)"] / pan[peer], target))
    rows += [
        ("1-D 5 % NaN vs no NaN", var1["ewmakit.ewma, 5 % NaN"] / var1["ewmakit.ewma"], 1.5),
        ("1-D irregular times vs no times", var1["ewmakit.ewma, irregular times"] / var1["ewmakit.ewma"], 2.0),
        ("ewmvar 1-D vs pandas", var1["ewmakit.ewmvar"] / var1["pandas ewm().var()"], 0.25),
        ("ewmstd 1-D vs pandas", var1["ewmakit.ewmstd"] / var1["pandas ewm().std()"], 0.25),
        ("ewmvar panel vs pandas", varp["ewmakit.ewmvar(axis=0)"] / varp["pandas ewm().var()"], 0.25),
        ("ewmstd panel vs pandas", varp["ewmakit.ewmstd(axis=0)"] / varp["pandas ewm().std()"], 0.25),
        ("s.ewmakit.smooth vs raw ewma (10 M)", one["s.ewmakit.smooth (10 M Series)"] / one["ewmakit.ewma"], 1.15),
        ("df.ewmakit.smooth vs raw ewma (panel)",
         pan["df.ewmakit.smooth (DataFrame)"] / pan["ewmakit.ewma(axis=0)"], None),
    ]
    print("\nsummary (ratio = ewmakit / other; lower is better)")
    print(f"| {'case':<40} | {'measured':>8} | {'target':>7} |    |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 9}|----|")
    for name, value, target in rows:
        mark = "" if target is None else ("ok" if value <= target else "no")
        shown = "—" if target is None else f"≤ {target:g}"
        print(f"| {name:<40} | {value:8.3f} | {shown:>7} | {mark:<2} |")
    if args.json:
        save_json(args.json, {"engine": engine_info(), "times": {"1-D": one, "1-D variants": var1, "panel": pan,
                                                                  "panel variants": varp},
                              "ratios": {name: value for name, value, _ in rows}})


if __name__ == "__main__":
    main()
