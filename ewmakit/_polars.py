"""polars in: a polars Series or DataFrame's values as numpy floats, without a round trip through pandas.

The rules, the same as for pandas columns:

- Float64 and Float32 columns without nulls are handed over as they are: a
  read-only view of polars' own buffer (no copy) when the column is one
  chunk; float32 stays float32.
- Nulls (and NaN, as everywhere in ewmakit) are missing values: NaN in the
  array.
- Integer, unsigned, boolean, decimal, Float16 and all-null columns become
  float64 (cast by polars, in one pass).
- Anything else (text, categoricals, dates, durations, lists, structs,
  objects) is a TypeError naming the column and what it holds.

polars is imported only by the functions here, which run only on polars
input (``import ewmakit`` never imports polars).
"""

from __future__ import annotations

import numpy as np

__all__ = ["holds_numbers", "describe", "series_floats", "split_columns", "frame_floats"]


def holds_numbers(dtype) -> bool:
    """Whether a polars dtype holds numbers ewmakit takes as floats: numeric, boolean or all-null."""
    import polars as pl

    return dtype.is_numeric() or dtype == pl.Boolean or dtype == pl.Null


def describe(dtype) -> str:
    """What a non-numeric polars column holds, as the messages say it."""
    import polars as pl

    if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return "text"
    if dtype == pl.Binary:
        return "bytes"
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return "dates (pass it as times=... with a halflife)"
    if isinstance(dtype, pl.Duration):
        return "time spans"
    if dtype == pl.Time:
        return "times of day"
    if dtype.is_nested():
        return f"nested values ({dtype})"
    return f"values of dtype {dtype}"


def _target(dtype):
    """The float dtype a numeric polars dtype becomes: Float32 stays, everything else is Float64."""
    import polars as pl

    return pl.Float32 if dtype == pl.Float32 else pl.Float64


def series_floats(s, name: str) -> np.ndarray:
    """A polars Series as a float32/float64 array, nulls as NaN: a view of polars' buffer where it can be.

    ``name``: how the messages call it ("x", "column 'close'").
    """
    import polars as pl

    dtype = s.dtype
    if not holds_numbers(dtype):
        raise TypeError(f"{name} holds {describe(dtype)}, not numbers")
    if dtype in (pl.Float32, pl.Float64):
        # no nulls: a view of the one chunk (a copy only to join chunks); nulls: polars writes NaN there
        return s.to_numpy()
    return s.cast(_target(dtype)).to_numpy()  # the cast's fresh buffer, nulls as NaN, handed over as it is


def split_columns(frame, candidates) -> tuple[list, list]:
    """The candidate columns of a polars DataFrame that hold numbers, and the others."""
    schema = frame.schema
    good, bad = [], []
    for c in candidates:
        (good if holds_numbers(schema[c]) else bad).append(c)
    return good, bad


def frame_floats(frame, chosen, T: int) -> np.ndarray:
    """The ``chosen`` columns of a polars DataFrame as one ``(T, len(chosen))`` column-major float array.

    float32 if every chosen column is Float32, else float64; nulls as NaN.
    One float column without nulls is a view of its buffer; several are a
    view too when polars holds them side by side in one block (a frame made
    from a 2-D numpy array), else polars copies them into one block.
    """
    import polars as pl

    if not chosen:
        return np.empty((T, 0))
    schema = frame.schema
    for c in chosen:
        if not holds_numbers(schema[c]):
            raise TypeError(f"column {c!r} holds {describe(schema[c])}, not numbers")
    if len(chosen) == 1:
        return series_floats(frame.get_column(chosen[0]), f"column {chosen[0]!r}")[:, None]
    target = pl.Float32 if all(schema[c] == pl.Float32 for c in chosen) else pl.Float64
    exprs = [pl.col(c) if schema[c] == target else pl.col(c).cast(target) for c in chosen]
    return frame.select(exprs).to_numpy(order="fortran")
