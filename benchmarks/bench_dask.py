"""Smooth a long series from Parquet on a dask LocalCluster; compare with the in-memory kernel.

    python benchmarks/bench_dask.py [--rows 200_000_000] [--partitions 50] [--workers 2]
                                    [--beta 0.94] [--stat mean|var|std] [--dir DIR] [--keep]
                                    [--panel-tickers 0]

What it does:

1. writes ``--rows`` rows (a float64 random walk with 1 % NaN, and an int64
   time column) as Parquet in ``--partitions`` files, generated on the workers
   one partition at a time (the series is never in memory as a whole);
2. smooths it from disk with :func:`ewmakit.dask.ewma` on a
   ``LocalCluster(n_workers=--workers, threads_per_worker=1)`` and writes the
   result as Parquet (one pass: each partition is read once), next to the
   same read + write without smoothing (the cost of the I/O alone);
3. samples every worker's resident memory (psutil, every 50 ms) and reports
   the peak growth over the worker's baseline, next to one partition's size;
4. checks the result against the in-memory ``ewmakit.ewma`` on the whole
   series (read back in the client, when it fits) and times that kernel.

rows/s are end to end (Parquet in, Parquet out) for dask, and kernel-only for
the in-memory run. ``--panel-tickers N`` runs the ``by="ticker"`` path on a
long panel with N tickers instead of one series.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_partition(i: int, rows_per_part: int, seed: int, tickers: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, i])
    x = rng.standard_normal(rows_per_part).cumsum() + 100.0 * (i + 1)
    x[rng.random(rows_per_part) < 0.01] = np.nan
    out = {"t": np.arange(i * rows_per_part, (i + 1) * rows_per_part, dtype=np.int64), "x": x}
    if tickers:
        out["ticker"] = rng.integers(0, tickers, rows_per_part).astype(np.int32)
    return pd.DataFrame(out)


def _managed_bytes(dask_worker):
    return dask_worker.state.nbytes


class MemorySampler:
    """Peak resident memory of each worker process (psutil) and peak memory of the task results
    each worker holds (dask's managed memory), sampled from the client."""

    def __init__(self, pids, client=None, interval=0.05):
        import psutil

        self.procs = {pid: psutil.Process(pid) for pid in pids}
        self.peak = {pid: 0 for pid in pids}
        self.client = client
        self.managed: dict = {}
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid, proc in self.procs.items():
                try:
                    self.peak[pid] = max(self.peak[pid], proc.memory_info().rss)
                except Exception:  # a worker restarting: keep going
                    pass
            if self.client is not None:
                try:
                    for addr, nbytes in self.client.run(_managed_bytes).items():
                        self.managed[addr] = max(self.managed.get(addr, 0), nbytes)
                except Exception:
                    pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def rss_now(pids):
    import psutil

    return {pid: psutil.Process(pid).memory_info().rss for pid in pids}


def mb(n):
    return f"{n / 2**20:,.0f} MB"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=200_000_000)
    p.add_argument("--partitions", type=int, default=50)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--beta", type=float, default=0.94)
    p.add_argument("--stat", choices=["mean", "var", "std"], default="mean")
    p.add_argument("--panel-tickers", type=int, default=0, help="> 0: a long panel smoothed with by='ticker'")
    p.add_argument("--dir", type=Path, default=None, help="where the Parquet files go (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the Parquet files")
    p.add_argument("--no-check", action="store_true", help="skip reading everything back for the comparison")
    args = p.parse_args(argv)

    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import ewmakit
    import ewmakit.dask

    rows_per_part = args.rows // args.partitions
    n = rows_per_part * args.partitions
    base = args.dir or Path(tempfile.mkdtemp(prefix="ewmakit-bench-dask-"))
    src, dst = base / "input", base / "smoothed"
    for d in (src, dst):
        shutil.rmtree(d, ignore_errors=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}, "
          f"dask {dask.__version__}, pandas {pd.__version__}")
    part_bytes = rows_per_part * (8 + (4 if args.panel_tickers else 0))  # what is read: x (and ticker)
    print(f"{n:,} rows (float64 value, int64 time{', int32 ticker' if args.panel_tickers else ''}) "
          f"in {args.partitions} partitions of {rows_per_part:,} rows; smoothing reads "
          f"{mb(part_bytes)} per partition; {args.stat}, beta={args.beta}"
          f"{f', by ticker ({args.panel_tickers} tickers)' if args.panel_tickers else ''}")

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        meta = make_partition(0, 0, 0, args.panel_tickers)
        t = time.perf_counter()
        gen = dd.from_map(make_partition, range(args.partitions), args=(rows_per_part, 0, args.panel_tickers),
                          meta=meta, enforce_metadata=False)
        gen.to_parquet(src, write_index=False)
        print(f"wrote {src} in {time.perf_counter() - t:.1f} s")

        pids = list(client.run(os.getpid).values())
        client.run(lambda: __import__("ewmakit.dask") and None)  # imports and kernels loaded before measuring
        baseline = rss_now(pids)
        func = {"mean": ewmakit.dask.ewma, "var": ewmakit.dask.ewmvar, "std": ewmakit.dask.ewmstd}[args.stat]
        kw = dict(by="ticker") if args.panel_tickers else {}
        # warm-up on a tiny input: the compiled modules are loaded in each worker before timing
        func(dd.from_pandas(make_partition(0, 1000, 1, args.panel_tickers), npartitions=2), args.beta,
             columns="x", **kw).compute()
        # baseline: the same read and write without smoothing (what the I/O alone costs)
        with MemorySampler(pids, client) as io_sampler:
            t = time.perf_counter()
            dd.read_parquet(src, columns=["x"] + (["ticker"] if args.panel_tickers else [])).to_parquet(
                base / "copy", write_index=False)
            t_io = time.perf_counter() - t
        io_peak = {pid: io_sampler.peak[pid] - baseline[pid] for pid in pids}
        shutil.rmtree(base / "copy", ignore_errors=True)
        with MemorySampler(pids, client) as sampler:
            t0 = time.perf_counter()
            ddf = dd.read_parquet(src)
            res = func(ddf, args.beta, columns="x", **kw)  # lazy: builds the graph
            t1 = time.perf_counter()
            res.to_frame().to_parquet(dst, write_index=False)  # one pass: summaries, carries, smoothing
            t2 = time.perf_counter()
        total = t2 - t0
        print(f"\ndask, {args.workers} workers x 1 thread, Parquet -> Parquet")
        print(f"  ewmakit.dask.{func.__name__}: graph {t1 - t0:.2f} s, compute {t2 - t1:.2f} s: "
              f"{n / total / 1e6:.1f} M rows/s end to end")
        print(f"  the same read + write without smoothing: {t_io:.2f} s, {n / t_io / 1e6:.1f} M rows/s")
        print(f"  peak RSS growth per worker over its baseline after imports; one partition read = {mb(part_bytes)}")
        for k, pid in enumerate(pids):
            grow = sampler.peak[pid] - baseline[pid]
            print(f"    worker {k}: baseline {mb(baseline[pid])}, +{mb(grow)} smoothing "
                  f"({grow / part_bytes:.1f} partitions), +{mb(io_peak[pid])} plain read + write")
        held = ", ".join(f"{mb(v)} ({v / part_bytes:.1f} partitions)" for v in sampler.managed.values())
        held_io = ", ".join(f"{mb(v)}" for v in io_sampler.managed.values())
        print(f"  peak task results held per worker (dask managed memory): {held}; plain read + write: {held_io}")
        print(f"  the whole value column is {mb(n * 8)}")

    # in memory, on the same machine: the kernel on the whole series at once
    if args.no_check:
        x = np.concatenate([make_partition(i, rows_per_part, 0, 0)["x"].to_numpy() for i in range(args.partitions)])
        got = None
    else:
        # dask reads the files in partition order (pandas would sort part.10 before part.2)
        x = dd.read_parquet(src, columns=["x"])["x"].compute(scheduler="threads").to_numpy()
        got = dd.read_parquet(dst)["x"].compute(scheduler="threads").to_numpy()
    ref = {"mean": ewmakit.ewma, "var": ewmakit.ewmvar, "std": ewmakit.ewmstd}[args.stat]
    ref(x[:1000], args.beta)  # JIT warm-up
    t = time.perf_counter()
    expect = ref(x, args.beta)
    dt = time.perf_counter() - t
    what = "the whole value column as one series" if args.panel_tickers else f"one {n:,}-row array"
    print(f"\nin memory, ewmakit.{ref.__name__} on {what} (kernel only, 1 thread): "
          f"{dt:.2f} s  {n / dt / 1e6:.1f} M rows/s")
    if got is not None and not args.panel_tickers:
        same = np.array_equal(np.isnan(got), np.isnan(expect))
        ok = ~np.isnan(expect)
        rel = np.max(np.abs(got[ok] - expect[ok]) / np.maximum(np.abs(expect[ok]), 1e-300)) if ok.any() else 0.0
        print(f"  dask result vs in memory: NaN positions identical: {same}; max relative difference {rel:.1e}")
    if args.panel_tickers and got is not None:
        tick = dd.read_parquet(src, columns=["ticker"])["ticker"].compute(scheduler="threads").to_numpy()
        worst = 0.0
        for k in np.unique(tick)[:50]:  # a sample of the groups
            rows = np.flatnonzero(tick == k)
            e = ref(x[rows], args.beta)
            g = got[rows]
            ok = ~np.isnan(e)
            assert np.array_equal(np.isnan(g), np.isnan(e))
            if ok.any():
                worst = max(worst, float(np.max(np.abs(g[ok] - e[ok]) / np.maximum(np.abs(e[ok]), 1e-300))))
        print(f"  dask by-ticker result vs in memory per group (50 groups): max relative difference {worst:.1e}")
    if not args.keep and args.dir is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
