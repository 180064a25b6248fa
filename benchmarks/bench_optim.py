"""Time one optimizer step of ewmakit.optim against torch.optim, in one process, one thread.

    python benchmarks/bench_optim.py [--n 10_000_000] [--dtype float32] [--repeat 20]
                                     [--optimizers adam,adamw,sgd,rmsprop]

The parameters are one flat array of ``--n`` values with a fixed random
gradient. Every case is warmed up once (JIT compilation and torch's lazy state
are not timed) and then the cases are timed **interleaved**, round after round,
so that a noisy machine slows all of them alike; the figure is the best of
``--repeat`` rounds (the median is printed too). Ratios are ewmakit's time
divided by the other's: below 1 means ewmakit is faster.

torch cases (``torch.set_num_threads(1)``): ``fused=True`` (one CPU kernel per
step), ``foreach=True`` (multi-tensor ops), and the default, which on CPU
tensors is the single-tensor loop (``foreach=False``). ``np.copyto`` of the
parameters is a memory-bandwidth floor (it moves 2 arrays; Adam moves 7).
The target of the Adam step is ≤ 1.2 × torch fused and ≤ 0.3 × torch default.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np


def _setup_threads():
    # before any pool starts: one thread everywhere (the optimizer steps are serial loops anyway)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS",
                "EWMAKIT_NUM_THREADS"):
        os.environ.setdefault(var, "1")


OPTIONS = {
    # name: (ewmakit class name, ewmakit kwargs, torch class name, torch kwargs)
    "adam": ("Adam", {"lr": 1e-3}, "Adam", {"lr": 1e-3}),
    "adamw": ("AdamW", {"lr": 1e-3, "weight_decay": 1e-2}, "AdamW", {"lr": 1e-3, "weight_decay": 1e-2}),
    "sgd": ("SGD", {"lr": 1e-3, "momentum": 0.9}, "SGD", {"lr": 1e-3, "momentum": 0.9}),
    "rmsprop": ("RMSprop", {"lr": 1e-3, "beta": 0.99}, "RMSprop", {"lr": 1e-3, "alpha": 0.99}),
}


def cases_for(name, n, dtype, torch):
    import ewmakit.optim as eo

    ours_cls, ours_kw, torch_cls, torch_kw = OPTIONS[name]
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(dtype)
    g = (1e-2 * rng.standard_normal(n)).astype(dtype)
    opt = getattr(eo, ours_cls)(p, **ours_kw)
    cases = {f"ewmakit {ours_cls}": lambda: opt.step(g)}
    p2 = p.copy()
    opt_ref = getattr(eo, ours_cls)(p2, fused=False, **ours_kw)
    cases[f"ewmakit {ours_cls}(fused=False)"] = lambda: opt_ref.step(g)
    out = np.empty_like(p)
    cases["np.copyto (floor)"] = lambda: np.copyto(out, p)
    if torch is not None:
        tdtype = {np.float32: torch.float32, np.float64: torch.float64}[dtype]
        for label, kw in (("fused=True", {"fused": True}), ("foreach=True", {"foreach": True}),
                          ("default", {})):
            tp = torch.nn.Parameter(torch.from_numpy(p.copy()).to(tdtype))
            tp.grad = torch.from_numpy(g.copy()).to(tdtype)
            try:
                topt = getattr(torch.optim, torch_cls)([tp], **torch_kw, **kw)
            except (RuntimeError, TypeError, ValueError) as exc:  # e.g. no fused kernel in this build
                print(f"  (torch {torch_cls} {label} skipped: {exc})")
                continue
            cases[f"torch {torch_cls} {label}"] = topt.step
    return cases, f"ewmakit {ours_cls}"


def timed(cases, repeat):
    for fn in cases.values():  # warm-up: JIT, lazy state
        fn()
    times = {k: [] for k in cases}
    for _ in range(repeat):
        for k, fn in cases.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return times


def report(title, times, ours):
    print(f"\n{title}")
    best = {k: min(v) for k, v in times.items()}
    width = max(map(len, times))
    print(f"  {'case':<{width}}  {'best s':>9}  {'median s':>9}  {'ewmakit / this':>14}")
    for k, v in times.items():
        print(f"  {k:<{width}}  {best[k]:9.4f}  {statistics.median(v):9.4f}  {best[ours] / best[k]:14.2f}")
    return best


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10_000_000, help="number of parameters")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--optimizers", default="adam", help="comma-separated: " + ",".join(OPTIONS))
    p.add_argument("--json", metavar="FILE", help="append this run's figures to FILE")
    args = p.parse_args(argv)
    _setup_threads()
    from _timing import engine_info, save_json

    try:
        import torch

        torch.set_num_threads(1)
        tv = torch.__version__
    except ImportError:
        torch, tv = None, "not installed"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or platform.platform()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, torch {tv}; {engine_info()}; one thread")
    dtype = np.float32 if args.dtype == "float32" else np.float64
    record = {}
    for name in args.optimizers.split(","):
        cases, ours = cases_for(name.strip(), args.n, dtype, torch)
        times = timed(cases, args.repeat)
        best = report(f"{name} step, {args.n:,} {args.dtype} parameters (best of {args.repeat}, interleaved)",
                      times, ours)
        for label in ("fused=True", "foreach=True", "default"):
            key = next((k for k in best if k.startswith("torch") and k.endswith(label)), None)
            if key is not None:
                print(f"  ratio ewmakit / torch {label}: {best[ours] / best[key]:.2f}")
        record[name] = best
    if args.json:
        save_json(args.json, {"engine": engine_info(), "dtype": args.dtype, "n": args.n, "best": record})


if __name__ == "__main__":
    main()
