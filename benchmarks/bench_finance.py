"""Indicators on a wide close panel: ewmakit vs looping TA-Lib over the columns, in one process.

    python benchmarks/bench_finance.py [--rows 2520] [--cols 5000] [--repeat 5] [--json FILE]

The panel is a (time x series) float64 array, as ``DataFrame.to_numpy()`` gives
for a frame of closes. TA-Lib takes one 1-D array at a time, so the peer is a
loop over the columns of the same data held column by column (Fortran order,
so each column is contiguous and TA-Lib pays no copy). Ratios are ewmakit's
time over TA-Lib's: the target is at most 1/3.
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from _timing import best_interleaved, engine_info, save_json


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=2520)
    p.add_argument("--cols", type=int, default=5000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--json", metavar="FILE", help="append this run's figures to FILE")
    args = p.parse_args(argv)

    import talib

    from ewmakit import finance as F

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; panel {args.rows} x {args.cols} float64; "
          f"{engine_info()}")
    rng = np.random.default_rng(0)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, size=(args.rows, args.cols)), axis=0))
    high, low = close * 1.01, close * 0.99
    cf, hf, lf = (np.asfortranarray(a) for a in (close, high, low))

    def loop(fn, *arrays, **kw):
        return lambda: [fn(*(a[:, j] for a in arrays), **kw) for j in range(args.cols)]

    cases = [
        ("EMA(20)", lambda: F.ema(close, 20), loop(talib.EMA, cf, timeperiod=20)),
        ("RSI(14)", lambda: F.rsi(close, 14), loop(talib.RSI, cf, timeperiod=14)),
        ("ATR(14)", lambda: F.atr(high, low, close, 14), loop(talib.ATR, hf, lf, cf, timeperiod=14)),
        ("MACD(12,26,9)", lambda: F.macd(close), loop(talib.MACD, cf)),
    ]
    print(f"  {'indicator':<14} {'ewmakit s':>10} {'TA-Lib loop s':>14} {'ratio':>7}")
    record = {}
    for name, ours, theirs in cases:
        t = best_interleaved({"ours": ours, "theirs": theirs}, args.repeat)  # taking turns: steadier ratios
        a, b = t["ours"], t["theirs"]
        record[name] = {"ewmakit": a, "talib": b, "ratio": a / b}
        print(f"  {name:<14} {a:10.4f} {b:14.4f} {a / b:7.3f}")
    if args.json:
        save_json(args.json, {"engine": engine_info(), "indicators": record})


if __name__ == "__main__":
    main()
