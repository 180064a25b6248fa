"""A 10/50 EMA crossover backtest with its statistics on a wide panel: ewmakit vs vectorbt, in one process.

    python benchmarks/bench_backtest.py [--rows 2520] [--cols 5000] [--repeat 3] [--json FILE]

The closes are a (time x series) DataFrame of random walks on business days;
the signal, "long while EMA(10) > EMA(50)", is computed once beforehand (by
ewmakit, for both). Timed:

* ewmakit: ``backtest(close, signal, fee=0.001, execute="close")``: positions,
  returns, equity, drawdown, the trade list and the statistics of every column;
* vectorbt: ``Portfolio.from_signals(close, entries, exits, size=np.inf,
  fees=0.001, freq="1D")`` and ``pf.stats(agg_func=None)`` (the statistics of
  every column), the same accounting (``execute="close"`` is vectorbt's timing).

The ratio is ewmakit's time over vectorbt's: the target is at most 0.5. vectorbt
compiles its numba kernels on the first call (not timed: one warm-up call each).
"""

from __future__ import annotations

import argparse
import os
import platform
import warnings

import numpy as np
import pandas as pd
from _timing import best_interleaved, engine_info, save_json


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=2520)
    p.add_argument("--cols", type=int, default=5000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", metavar="FILE", help="append this run's figures to FILE")
    args = p.parse_args(argv)

    import vectorbt as vbt

    from ewmakit import finance as F
    from ewmakit.backtest import backtest

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; panel {args.rows} x {args.cols} float64; "
          f"{engine_info()}; vectorbt {vbt.__version__}")
    rng = np.random.default_rng(0)
    index = pd.bdate_range("2015-01-01", periods=args.rows)
    close = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(0, 0.01, size=(args.rows, args.cols)), axis=0)),
                         index=index, columns=[f"s{j}" for j in range(args.cols)])
    signal = (F.ema(close, 10) > F.ema(close, 50)).astype(np.int8)
    entries = signal.astype(bool)
    exits = ~entries

    def ours():
        return backtest(close, signal, fee=0.001, execute="close").stats

    def theirs():
        pf = vbt.Portfolio.from_signals(close, entries, exits, size=np.inf, fees=0.001, freq="1D")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pf.stats(agg_func=None)

    t = best_interleaved({"ours": ours, "theirs": theirs}, args.repeat)
    a, b = t["ours"], t["theirs"]
    trades = int(ours().loc["trades"].sum())
    print(f"  {'case':<28} {'ewmakit s':>10} {'vectorbt s':>11} {'ratio':>7}")
    print(f"  {'EMA 10/50 crossover + stats':<28} {a:10.4f} {b:11.4f} {a / b:7.3f}   ({trades} closed trades)")
    if args.json:
        save_json(args.json, {"engine": engine_info(), "backtest": {"ewmakit": a, "vectorbt": b, "ratio": a / b}})


if __name__ == "__main__":
    main()
