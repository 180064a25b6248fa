"""Timing helper shared by the benchmark scripts (run them as ``python benchmarks/<script>.py``)."""

import time


def best(fn, repeat):
    """Best of ``repeat`` timed calls of ``fn`` after one warm-up call (JIT compilation, caches)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def best_interleaved(cases: dict, repeat: int) -> dict:
    """Best of ``repeat`` timed calls of each case, the cases taking turns (one warm-up call each first).

    On a shared machine the speed drifts over seconds; taking turns lets every
    case see the same conditions, so their ratios are steadier than with the
    cases timed one after another.
    """
    for fn in cases.values():
        fn()
    times = {name: float("inf") for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            t = time.perf_counter()
            fn()
            times[name] = min(times[name], time.perf_counter() - t)
    return times


def engine_info() -> str:
    """Which kernels the installed ewmakit runs: the compiled engine, or (an older checkout) numba's."""
    try:
        from ewmakit import _engine
    except ImportError:
        _engine = None
    if _engine is not None and hasattr(_engine, "threads"):
        from ewmakit._engine import _util

        return f"ewmakit Cython engine, OpenMP {'on' if _util.openmp() else 'off'}, {_engine.threads()} threads"
    import numba

    return f"ewmakit numba engine, numba {numba.__version__}, {numba.get_num_threads()} threads"


def save_json(path, record: dict) -> None:
    """Append ``record`` (one run's figures) to the JSON list in ``path`` (for tables over several runs)."""
    import json
    import os
    import time as _time

    runs = []
    if path and os.path.exists(path):
        with open(path) as fh:
            runs = json.load(fh)
    runs.append({"time": _time.strftime("%Y-%m-%d %H:%M:%S"), "load": os.getloadavg()[0], **record})
    with open(path, "w") as fh:
        json.dump(runs, fh, indent=1)
