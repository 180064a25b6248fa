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
