"""Random test series shared by the test modules (not a test module itself)."""

from __future__ import annotations

import numpy as np

LENGTHS = (0, 1, 2, 3, 7, 300)
SEEDS = (0, 1, 2)


def series(seed: int, n: int, *, nan_frac: float = 0.15, leading: int | None = None, offset: float = 0.0) -> np.ndarray:
    """A random walk of length ``n`` with NaN gaps (isolated and in runs) and leading NaNs.

    ``leading`` NaNs at the start (random 0..3 when None, never the whole series
    for n >= 2 unless asked).
    """
    rng = np.random.default_rng(seed)
    x = offset + np.cumsum(rng.normal(size=n)) * rng.uniform(0.5, 3.0)
    if n == 0:
        return x
    mask = rng.random(n) < nan_frac
    # a few runs of consecutive NaNs
    for _ in range(n // 60 if nan_frac > 0 else 0):
        start = int(rng.integers(0, n))
        mask[start:start + int(rng.integers(2, 6))] = True
    if leading is None:
        leading = int(rng.integers(0, 4)) if n > 3 else 0
    mask[:leading] = True
    x[mask] = np.nan
    return x


def series_cases(offset: float = 0.0):
    """(label, x) over several seeds and lengths, including 0, 1, 2 and ~300."""
    out = []
    for seed in SEEDS:
        for n in LENGTHS:
            out.append((f"seed{seed}-n{n}", series(seed, n, offset=offset)))
    # edge shapes: all NaN, single observation after leading NaNs, no NaN at all
    out.append(("all-nan", np.full(5, np.nan)))
    out.append(("one-obs-late", np.array([np.nan, np.nan, np.nan, 2.5, np.nan, np.nan])))
    out.append(("no-nan", series(7, 120, nan_frac=0.0, leading=0, offset=offset)))
    out.append(("leading-nan-only", series(8, 60, nan_frac=0.0, leading=10, offset=offset)))
    return out


def pair_cases():
    """(label, x, y) with NaNs in different places in x and y."""
    out = []
    for seed in SEEDS:
        for n in LENGTHS:
            x = series(100 + seed, n)
            y = 0.6 * np.nan_to_num(x) + series(200 + seed, n, offset=5.0)  # correlated, own NaNs
            if n:
                y[np.isnan(x) & (np.arange(n) % 3 == 0)] = 1.0  # some rows: y present where x is not
            out.append((f"seed{seed}-n{n}", x, y))
    return out
