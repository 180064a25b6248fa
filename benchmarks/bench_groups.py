"""``by=`` on a long table (date, ticker, close) against pandas, polars, TA-Lib and the same data as a wide panel.

    python benchmarks/bench_groups.py [--tickers 2000] [--rows 2520] [--repeat 7] [--quick] [--json FILE]

The long table holds ``--tickers`` x ``--rows`` rows in a shuffled order: the
tickers come in a random interleaving (a random permutation of the multiset of
keys), each ticker's rows in time order, so every group's result is its
column of the wide panel. Keys are text (pandas' ``str`` dtype / polars
``String``) and, on a second row of each table, categories. Cases (window 20;
RSI window 14):

- mean: ``ewmakit.ewma(df, window=20, by="ticker", columns="close")``; pandas
  ``df.groupby("ticker")["close"].ewm(span=20, adjust=False).mean()`` (without
  the reindexing back to the rows, which ewmakit's result needs not);
  polars ``pl.col("close").ewm_mean(span=20, adjust=False).over("ticker")``;
  ``ewmakit.ewma(panel, window=20)`` on the ``rows x tickers`` array;
- var: the same with ``ewmvar`` / ``.var()`` / ``ewm_var``;
- rsi: ``ewmakit.finance.rsi(df, 14, by="ticker", columns="close")``; the wide
  ``rsi(panel, 14)``; TA-Lib ``RSI`` looped over the tickers (columns of the
  panel, each contiguous); pandas per group (``diff`` per group, then gains and
  losses through ``groupby().ewm(alpha=1/14, adjust=False).mean()``, Wilder's
  recursion seeded at the first change, ewmakit's ``seed="first"``); polars
  the same with ``.over``.

Each case is timed ``--repeat`` times after one warm-up call, the cases of a
table taking turns (steadier ratios on a shared machine); the tables show the
median and the best, the ratios use the medians. ``--quick``: a smoke run on a
small table (50 x 252, 2 repeats). The summary sets the ratios against the
targets of issue 15: ``by=`` at most 0.1 x pandas, 0.2 x polars and 2 x the
wide panel. Peers that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
from _timing import engine_info, save_json

TARGETS = {"pandas": 0.1, "polars": 0.2, "wide": 2.0}


def timed(cases: dict, repeat: int) -> dict:
    """Every case's timings (``repeat`` each, after one warm-up call), the cases taking turns."""
    for fn in cases.values():
        fn()
    times: dict = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return times


def make_data(tickers: int, rows: int, seed: int = 0):
    """The wide ``rows x tickers`` closes, and the same numbers as a shuffled long pandas table."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    panel = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, size=(rows, tickers)), axis=0))
    labels = rng.permutation(np.repeat(np.arange(tickers), rows))  # a random interleaving of the tickers
    rank = np.empty(labels.size, dtype=np.int64)  # the k-th row of ticker j is its date k
    rank[np.argsort(labels, kind="stable")] = np.tile(np.arange(rows), tickers)
    names = np.array([f"T{j:05d}" for j in range(tickers)], dtype=object)
    dates = pd.bdate_range("2010-01-01", periods=rows)
    long = pd.DataFrame({"date": dates[rank], "ticker": pd.array(names[labels], dtype="str"),
                         "close": panel[rank, labels]})
    return panel, long, labels, rank


def check(long, panel, labels, rank) -> None:
    """One look at the numbers before timing them: by= gives each ticker's column of the wide panel."""
    import ewmakit
    from ewmakit import finance

    for by_result, wide in ((ewmakit.ewma(long, window=20, by="ticker", columns="close"),
                             ewmakit.ewma(panel, window=20)),
                            (ewmakit.ewmvar(long, window=20, by="ticker", columns="close"),
                             ewmakit.ewmvar(panel, window=20)),
                            (finance.rsi(long, 14, by="ticker", columns="close"), finance.rsi(panel, 14))):
        got = np.asarray(by_result, dtype=np.float64).reshape(-1)
        np.testing.assert_array_equal(got, np.asarray(wide)[rank, labels])


def pandas_rsi(df, n: int):
    """Wilder's RSI per group in pandas (seeded at the first change)."""
    d = df.groupby("ticker", observed=True, sort=False)["close"].diff()
    parts = df[["ticker"]].assign(up=d.clip(lower=0), down=(-d).clip(lower=0))
    g = parts.groupby("ticker", observed=True, sort=False)[["up", "down"]].ewm(alpha=1 / n, adjust=False).mean()
    return 100 * g["up"] / (g["up"] + g["down"])


def polars_rsi(pl, frame, n: int):
    d = pl.col("close").diff().over("ticker")
    up = d.clip(lower_bound=0).ewm_mean(alpha=1 / n, adjust=False).over("ticker")
    down = (-d).clip(lower_bound=0).ewm_mean(alpha=1 / n, adjust=False).over("ticker")
    return frame.select(100 * up / (up + down))


def cases_for(stat: str, long, panel, keys: str) -> dict:
    """The timed calls of one statistic ("mean", "var", "rsi") with text or categorical keys."""
    import ewmakit
    from ewmakit import finance

    df = long if keys == "str" else long.assign(ticker=long["ticker"].astype("category"))
    tag = f" [{keys} keys]"
    cases = {}
    if stat in ("mean", "var"):
        ours = ewmakit.ewma if stat == "mean" else ewmakit.ewmvar
        cases["ewmakit by=" + tag] = lambda: ours(df, window=20, by="ticker", columns="close")
        cases["pandas groupby().ewm()." + stat + "()" + tag] = lambda: getattr(
            df.groupby("ticker", observed=True)["close"].ewm(span=20, adjust=False), stat)()
    else:
        cases["ewmakit by=" + tag] = lambda: finance.rsi(df, 14, by="ticker", columns="close")
        cases["pandas per group" + tag] = lambda: pandas_rsi(df, 14)
    try:
        import polars as pl
    except ImportError:
        pl = None
    if pl is not None:
        frame = pl.from_pandas(df[["ticker", "close"]])
        if keys == "category":
            frame = frame.with_columns(pl.col("ticker").cast(pl.Categorical))
        if stat in ("mean", "var"):
            expr = getattr(pl.col("close"), "ewm_" + stat)(span=20, adjust=False).over("ticker")
            cases["polars .over()" + tag] = lambda: frame.select(expr)
        else:
            cases["polars .over()" + tag] = lambda: polars_rsi(pl, frame, 14)
    if stat == "mean":
        cases["ewmakit wide panel"] = lambda: ewmakit.ewma(panel, window=20)
    elif stat == "var":
        cases["ewmakit wide panel"] = lambda: ewmakit.ewmvar(panel, window=20)
    else:
        cases["ewmakit wide panel"] = lambda: finance.rsi(panel, 14)
        try:
            import talib
        except ImportError:
            talib = None
        if talib is not None:
            columns = np.asfortranarray(panel)
            cases["TA-Lib RSI looped over tickers"] = lambda: [talib.RSI(columns[:, j], timeperiod=14)
                                                               for j in range(columns.shape[1])]
    return cases


def report(title: str, times: dict) -> dict:
    print(f"\n{title}")
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    ours = next(iter(medians))
    width = max(map(len, medians))
    print(f"  {'case':<{width}}  {'median ms':>10}  {'best ms':>9}  {'ewmakit by= / this':>18}")
    for name, ts in times.items():
        print(f"  {name:<{width}}  {1e3 * medians[name]:10.1f}  {1e3 * min(ts):9.1f}  "
              f"{medians[ours] / medians[name]:18.3f}")
    return medians


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tickers", type=int, default=2000)
    p.add_argument("--rows", type=int, default=2520, help="rows (dates) per ticker")
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--quick", action="store_true", help="smoke run: 50 tickers x 252 rows, 2 repeats")
    p.add_argument("--stats", default="mean,var,rsi", help="comma-separated subset of mean,var,rsi")
    p.add_argument("--json", metavar="FILE", help="append this run's figures to FILE")
    args = p.parse_args(argv)
    if args.quick:
        args.tickers, args.rows, args.repeat = 50, 252, 2
    stats = [s.strip() for s in args.stats.split(",") if s.strip()]
    unknown = sorted(set(stats) - {"mean", "var", "rsi"})
    if unknown:
        p.error(f"--stats takes mean, var and rsi, got {unknown}")

    import pandas as pd

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; python "
          f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; {engine_info()}")
    panel, long, labels, rank = make_data(args.tickers, args.rows)
    print(f"long table: {len(long):,} rows ({args.tickers} tickers x {args.rows} rows, shuffled); "
          f"wide panel {panel.shape[0]} x {panel.shape[1]}; {args.repeat} timings per case")
    check(long, panel, labels, rank)

    record, rows = {}, []
    for stat in stats:
        for keys in ("str", "category"):
            cases = cases_for(stat, long, panel, keys)
            medians = report(f"{stat}, {keys} keys", timed(cases, args.repeat))
            record[f"{stat} [{keys}]"] = medians
            ours = next(iter(medians))
            for peer, target in TARGETS.items():
                name = next((n for n in medians if n != ours and n.startswith(peer if peer != "wide" else
                                                                               "ewmakit wide")), None)
                if name is not None:
                    rows.append((f"{stat} [{keys}] vs {name.split(' [')[0]}", medians[ours] / medians[name],
                                 target))
            talib = medians.get("TA-Lib RSI looped over tickers")
            if talib is not None:
                rows.append((f"{stat} [{keys}] vs TA-Lib loop", medians[ours] / talib, None))

    print("\nsummary (ratio = ewmakit by= / other, medians; lower is better)")
    width = max(len(r[0]) for r in rows) if rows else 10
    print(f"| {'case':<{width}} | {'measured':>8} | {'target':>7} |    |")
    print(f"|{'-' * (width + 2)}|{'-' * 10}|{'-' * 9}|----|")
    for name, value, target in rows:
        mark = "" if target is None else ("ok" if value <= target else "no")
        shown = "—" if target is None else f"≤ {target:g}"
        print(f"| {name:<{width}} | {value:8.3f} | {shown:>7} | {mark:<2} |")
    if args.json:
        save_json(args.json, {"engine": engine_info(), "tickers": args.tickers, "rows": args.rows,
                              "medians": record, "ratios": {name: value for name, value, _ in rows}})


if __name__ == "__main__":
    main()
