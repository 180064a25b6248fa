"""Indicators on a wide close panel: ewmakit vs looping TA-Lib over the columns, in one process.

    python benchmarks/bench_finance.py [--rows 2520] [--cols 5000] [--repeat 5] [--json FILE]

The panel is a (time x series) float64 array, as ``DataFrame.to_numpy()`` gives
for a frame of closes. TA-Lib takes one 1-D array at a time, so the peer is a
loop over the columns of the same data held column by column (Fortran order,
so each column is contiguous and TA-Lib pays no copy). Ratios are ewmakit's
time over TA-Lib's: the target is at most 1/3 (the exponential family added
by #18, DEMA to ADOSC: at most 1/2).
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
    volume = rng.integers(100_000, 10_000_000, size=close.shape).astype(np.float64)
    cf, hf, lf, vf = (np.asfortranarray(a) for a in (close, high, low, volume))

    def loop(fn, *arrays, **kw):
        return lambda: [fn(*(a[:, j] for a in arrays), **kw) for j in range(args.cols)]

    cases = [
        ("EMA(20)", lambda: F.ema(close, 20), loop(talib.EMA, cf, timeperiod=20)),
        ("RSI(14)", lambda: F.rsi(close, 14), loop(talib.RSI, cf, timeperiod=14)),
        ("ATR(14)", lambda: F.atr(high, low, close, 14), loop(talib.ATR, hf, lf, cf, timeperiod=14)),
        ("MACD(12,26,9)", lambda: F.macd(close), loop(talib.MACD, cf)),
        ("DEMA(30)", lambda: F.dema(close, 30), loop(talib.DEMA, cf, timeperiod=30)),
        ("TEMA(30)", lambda: F.tema(close, 30), loop(talib.TEMA, cf, timeperiod=30)),
        ("T3(5,0.7)", lambda: F.t3(close, 5, 0.7), loop(talib.T3, cf, timeperiod=5, vfactor=0.7)),
        ("TRIX(30)", lambda: F.trix(close, 30), loop(talib.TRIX, cf, timeperiod=30)),
        ("APO(12,26)", lambda: F.apo(close, 12, 26), loop(talib.APO, cf, fastperiod=12, slowperiod=26, matype=1)),
        ("PPO(12,26)", lambda: F.ppo(close, 12, 26), loop(talib.PPO, cf, fastperiod=12, slowperiod=26, matype=1)),
        ("KAMA(30)", lambda: F.kama(close, 30), loop(talib.KAMA, cf, timeperiod=30)),
        # the ADX family in one pass vs TA-Lib's five functions (ADX, ADXR, +DI, -DI, DX) per column
        ("ADX family(14)", lambda: F.adx(high, low, close, 14),
         loop(lambda *a, **kw: [f(*a, **kw) for f in (talib.ADX, talib.ADXR, talib.PLUS_DI, talib.MINUS_DI,
                                                       talib.DX)], hf, lf, cf, timeperiod=14)),
        ("ADX(14)", lambda: F.adx(high, low, close, 14), loop(talib.ADX, hf, lf, cf, timeperiod=14)),
        ("ADOSC(3,10)", lambda: F.adosc(high, low, close, volume, 3, 10),
         loop(talib.ADOSC, hf, lf, cf, vf, fastperiod=3, slowperiod=10)),
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
