"""Exact EWMAs on data that does not fit in memory: Parquet on disk, dask, a local cluster.

    pip install 'ewmakit[dask]'
    python examples/dask_big_series.py [--rows 5_000_000] [--partitions 20] [--tickers 500]

1. A long tick series (irregular timestamps, gaps) is written as Parquet, one
   partition at a time, then smoothed from disk with a 30-second half-life on
   the timestamps, and its EW volatility computed, on a 2-worker LocalCluster.
2. A long (date, ticker, close) panel is smoothed per ticker with ``by="ticker"``
   (a 20-day EMA), the result assigned back as a column.

Both are checked against the in-memory result (the example data is small
enough to read back): equal to rounding, NaN for NaN, whatever the partitions.
Each worker holds a few partitions at a time, however long the series.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def tick_partition(i: int, rows: int) -> pd.DataFrame:
    """Partition ``i`` of a tick series: irregular times (ms), a random walk, 2 % missing prices."""
    rng = np.random.default_rng([7, i])
    gaps = rng.exponential(250.0, rows).astype(np.int64) + 1  # ~4 ticks a second
    start = pd.Timestamp("2024-01-02 09:30") + pd.Timedelta(seconds=i * rows)  # after partition i - 1
    price = 100.0 + 0.01 * rng.standard_normal(rows).cumsum() + i
    price[rng.random(rows) < 0.02] = np.nan
    times = start + pd.to_timedelta(np.cumsum(gaps), unit="ms")
    return pd.DataFrame({"price": price}, index=pd.DatetimeIndex(times, name="time"))


def panel_partition(i: int, days: int, tickers: int) -> pd.DataFrame:
    """Days ``i*days ... (i+1)*days - 1`` of a long (date, ticker, close) panel; tickers list late."""
    rng = np.random.default_rng([11, i])
    dates = pd.bdate_range("2015-01-01", periods=(i + 1) * days)[i * days:]
    names = np.array([f"T{k:04d}" for k in range(tickers)])
    date = np.repeat(dates, tickers)
    ticker = np.tile(names, len(dates))
    listed = np.tile(np.arange(tickers) * 3 <= i * days, len(dates))  # ticker k lists on day 3k
    close = 50.0 + rng.standard_normal(len(date)).cumsum() / 10.0
    return pd.DataFrame({"date": date, "ticker": ticker, "close": close})[listed].reset_index(drop=True)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=5_000_000, help="ticks in the series")
    p.add_argument("--partitions", type=int, default=20)
    p.add_argument("--tickers", type=int, default=500)
    args = p.parse_args(argv)

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import ewmakit
    import ewmakit.dask  # noqa: F401  (registers the .ewmakit accessor on dask objects)

    with tempfile.TemporaryDirectory(prefix="ewmakit-dask-example-") as tmpdir, \
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40) as cluster, \
            Client(cluster):
        tmp = Path(tmpdir)
        # 1. a tick series, written and read back as Parquet (never whole in memory) -----------------
        rows = args.rows // args.partitions
        meta = tick_partition(0, 0)
        dd.from_map(tick_partition, range(args.partitions), args=(rows,), meta=meta).to_parquet(tmp / "ticks")
        ticks = dd.read_parquet(tmp / "ticks", calculate_divisions=True)
        print(f"{args.partitions * rows:,} ticks in {ticks.npartitions} Parquet partitions, "
              f"{ticks.divisions[0]} .. {ticks.divisions[-1]}")

        t = time.perf_counter()
        price = ticks["price"]
        ema = price.ewmakit.smooth(halflife="30s", times="index", bias_correction=True)  # = pandas ewm(halflife, times)
        vol = ewmakit.dask.ewmstd(price, halflife="5min", times="index", bias_correction=True)
        out = ticks.assign(ema=ema, vol=vol)  # same partitions as ticks: assigned without a shuffle
        out.to_parquet(tmp / "ticks_smoothed")
        print(f"smoothed and written in {time.perf_counter() - t:.1f} s")
        print(dd.read_parquet(tmp / "ticks_smoothed").tail(3).round(4).to_string())

        # the same in memory, on the whole series: equal to rounding, NaN for NaN
        whole = dd.read_parquet(tmp / "ticks").compute()["price"]
        got = dd.read_parquet(tmp / "ticks_smoothed").compute()
        exp = ewmakit.ewma(whole, halflife="30s", times=whole.index, bias_correction=True)
        print(f"ema vs in memory: max |relative difference| = {_maxrel(got['ema'], exp):.1e}, "
              f"same NaN: {np.array_equal(np.isnan(got['ema']), np.isnan(exp))}")

        # 2. a long panel, one EMA per ticker ------------------------------------------------------
        days = 100
        meta = panel_partition(0, 0, args.tickers)
        panel = dd.from_map(panel_partition, range(10), args=(days, args.tickers), meta=meta)
        panel["ema20"] = ewmakit.dask.ewma(panel, window=20, by="ticker", columns="close")
        res = panel.compute()
        print(f"\npanel: {len(res):,} rows, {res['ticker'].nunique()} tickers over {panel.npartitions} partitions")
        print(res[res["ticker"] == "T0042"].tail(3).round({"close": 3, "ema20": 3}).to_string(index=False))
        ref = res.groupby("ticker")["close"].transform(lambda s: s.ewm(span=20, adjust=False).mean())
        print(f"ema20 vs pandas groupby().ewm(span=20, adjust=False): max |relative difference| = "
              f"{_maxrel(res['ema20'], ref):.1e}")


def _maxrel(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ok = ~np.isnan(b)
    return float(np.max(np.abs(a[ok] - b[ok]) / np.abs(b[ok]))) if ok.any() else 0.0


if __name__ == "__main__":
    main()
