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
