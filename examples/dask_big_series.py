"""Exact EWMAs on data that does not fit in memory: Parquet on disk, dask, a local cluster.

    pip install 'ewmakit[dask]'
    python examples/dask_big_series.py [--out DIR] [--rows 5_000_000] [--partitions 20] [--tickers 500] [--quiet]
    # writes ticks_smoothed/ (Parquet), panel_ema20.parquet and dask_ewma.png into DIR

1. A long tick series (irregular timestamps, gaps) is written as Parquet, one
   partition at a time, then smoothed from disk with a 30-second half-life on
   the timestamps, and its EW volatility computed, on a 2-worker LocalCluster.
2. A long (date, ticker, close) panel is smoothed per ticker with ``by="ticker"``
   (a 20-day EMA), the result assigned back as a column.

Both are checked against the in-memory result (the example data is small
enough to read back): equal to rounding, NaN for NaN, whatever the partitions.
A progress bar (on a terminal) moves as each partition is smoothed on the cluster.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from tqdm.auto import tqdm


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


def main(argv=None) -> list[Path]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                   help="folder for the results, created if missing (default: ./ewmakit-examples)")
    p.add_argument("--rows", type=int, default=5_000_000, help="ticks in the series (default: 5 000 000)")
    p.add_argument("--partitions", type=int, default=20, help="Parquet partitions of the ticks (default: 20)")
    p.add_argument("--tickers", type=int, default=500, help="tickers in the panel, >= 1 (default: 500)")
    p.add_argument("--quiet", action="store_true", help="no progress bar (there is none off a terminal)")
    args = p.parse_args(argv)
    for name in ("rows", "partitions", "tickers"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be >= 1, got {getattr(args, name)}")

    import dask.dataframe as dd
    from distributed import Client, LocalCluster, as_completed, futures_of

    import ewmakit
    import ewmakit.dask  # registers the .ewmakit accessor on dask objects
    from ewmakit import plot

    plot.use_agg()
    args.out.mkdir(parents=True, exist_ok=True)

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
        # persist starts the work on the cluster; the bar ticks as each partition is done. (persist keeps the
        # result in the workers' memory: for data bigger than the cluster, call out.to_parquet directly.)
        out = out.persist()
        for _ in tqdm(as_completed(futures_of(out)), total=len(futures_of(out)), desc="smoothing partitions",
                      unit="partition", leave=False, disable=True if args.quiet else None):
            pass
        out.to_parquet(args.out / "ticks_smoothed")
        print(f"smoothed and written in {time.perf_counter() - t:.1f} s")
        print(dd.read_parquet(args.out / "ticks_smoothed").tail(3).round(4).to_string())

        # the same in memory, on the whole series: equal to rounding, NaN for NaN
        whole = dd.read_parquet(tmp / "ticks").compute()["price"]
        got = dd.read_parquet(args.out / "ticks_smoothed").compute()
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
        show = res["ticker"].iloc[-1]  # a ticker that exists whatever --tickers (the last one listed)
        print(res[res["ticker"] == show].tail(3).round({"close": 3, "ema20": 3}).to_string(index=False))
        ref = res.groupby("ticker")["close"].transform(lambda s: s.ewm(span=20, adjust=False).mean())
        print(f"ema20 vs pandas groupby().ewm(span=20, adjust=False): max |relative difference| = "
              f"{_maxrel(res['ema20'], ref):.1e}")
        res.to_parquet(args.out / "panel_ema20.parquet")

    # a picture: the last 2000 ticks and their 30-second EMA
    tail = got.iloc[-2000:]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.plot(tail.index, tail["price"], ".", ms=2, color="0.55", label="price (ticks)")
    ax.plot(tail.index, tail["ema"], color=plot.PALETTE[0], lw=1.6, label="EMA, half-life 30 s (computed on dask)")
    ax.set(xlabel="time", ylabel="price", title="The last 2000 ticks and their time-aware EMA")
    ax.legend()
    ax.grid(True, alpha=0.25)
    written = [args.out / "ticks_smoothed", args.out / "panel_ema20.parquet",
               plot.save(fig, args.out / "dask_ewma.png")]
    for path in written:
        print(f"wrote {path}")
    return written


def _maxrel(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ok = ~np.isnan(b)
    return float(np.max(np.abs(a[ok] - b[ok]) / np.abs(b[ok]))) if ok.any() else 0.0


if __name__ == "__main__":
    main()
