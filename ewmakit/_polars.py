"""polars in: a polars Series or DataFrame's values as numpy floats, without a round trip through pandas.

polars is imported only by the functions here, which run only on polars
input (``import ewmakit`` never imports polars).
"""

from __future__ import annotations

import numpy as np

__all__ = ["series_floats", "split_columns", "frame_floats"]


def series_floats(s, name: str) -> np.ndarray:
    """A polars Series as float32/float64 (nulls as NaN): zero-copy where it can be."""
    import polars as pl

    dtype = s.dtype
    if dtype in (pl.Float32, pl.Float64) and s.null_count() == 0:
        return s.to_numpy()
    if dtype.is_numeric() or dtype == pl.Boolean:
        target = pl.Float32 if dtype == pl.Float32 else pl.Float64
        return s.cast(target).fill_null(float("nan")).to_numpy()
    raise TypeError(f"{name} holds {dtype}, not numbers")


def split_columns(frame, candidates) -> tuple[list, list]:
    import polars as pl

    good, bad = [], []
    for c in candidates:
        dtype = frame.schema[c]
        (good if (dtype.is_numeric() or dtype == pl.Boolean) else bad).append(c)
    return good, bad


def frame_floats(frame, chosen, T: int) -> np.ndarray:
    if not chosen:
        return np.empty((T, 0))
    cols = [series_floats(frame[c], f"column {c!r}") for c in chosen]
    target = np.float32 if all(c.dtype == np.float32 for c in cols) else np.float64
    out = np.empty((T, len(cols)), dtype=target, order="F")
    for j, c in enumerate(cols):
        out[:, j] = c
    return out
