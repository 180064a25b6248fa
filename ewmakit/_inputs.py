"""Input coercion shared by every module: anything array-like in, a float32/float64 ndarray out.

``as_float_array`` turns Series, DataFrames, lists, nullable and object arrays
into float arrays (missing values as NaN) and refuses text; ``to_2d`` gives the
``(time, series)`` view the engine works on.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_float_array", "frame_floats", "to_2d"]


def as_float_array(x, name: str = "x") -> np.ndarray:
    """``x`` as a float32/float64 ndarray (no copy when it already is one).

    Integers and booleans become float64; pandas nullable arrays (and
    DataFrames of them) have their missing values (``pd.NA``, None) turned
    into NaN. Anything else non-numeric is a TypeError.
    """
    if hasattr(x, "dtypes") and hasattr(x, "columns") and not isinstance(x, np.ndarray):  # a DataFrame
        return frame_floats(x, name)
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        dtype = getattr(x, "dtype", None)
        if isinstance(dtype, np.dtype) and dtype.kind in "f":  # numpy-backed floats: a view, no copy
            return x.to_numpy(copy=False)
        kind = getattr(dtype, "kind", "O")
        if kind in "biuf":
            target = np.float32 if kind == "f" and getattr(dtype, "itemsize", 8) == 4 else np.float64
            try:
                x = x.to_numpy(dtype=target, na_value=np.nan)
            except TypeError:  # numpy-backed objects without na_value support
                x = x.to_numpy(dtype=target)
        else:
            x = x.to_numpy()
    arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype == np.float32 or arr.dtype == np.float64:
            return arr
        return arr.astype(np.float64)
    if kind in "biu":
        return arr.astype(np.float64)
    if kind == "O" and not any(isinstance(v, (str, bytes)) for v in arr.flat):
        try:  # numbers (and None) held as Python objects; text is never parsed as numbers
            return arr.astype(np.float64)
        except OverflowError:
            raise ValueError(f"{name} holds an integer beyond the range of float64") from None
        except (TypeError, ValueError):
            pass
        import pandas as pd

        missing = pd.isna(arr)  # pd.NA (which float() refuses), None, NaN
        if missing.any():
            filled = arr.copy()
            filled[missing] = np.nan
            try:
                return filled.astype(np.float64)
            except (TypeError, ValueError):
                pass
    raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")


def frame_floats(frame, name: str) -> np.ndarray:
    """A DataFrame's numeric columns as one float array (float32 if every column is float32), NA as NaN."""
    import pandas as pd

    dtypes = list(frame.dtypes)
    bad = [c for c, dt in zip(frame.columns, dtypes)
           if not pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_complex_dtype(dt)]
    if bad:
        raise TypeError(f"{name} must hold numbers, but its columns {bad!r} do not")
    target = np.float32 if dtypes and all(dt == np.float32 for dt in dtypes) else np.float64
    return frame.to_numpy(dtype=target, na_value=np.nan)


def to_2d(arr: np.ndarray, axis: int):
    """Move ``axis`` first and flatten the rest: returns (2-D view/copy, restore)."""
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension, got a scalar")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must be in [{-arr.ndim}, {arr.ndim}) for a {arr.ndim}-D x, got {axis}")
    axis %= arr.ndim
    moved = np.moveaxis(arr, axis, 0)
    rest = moved.shape[1:]
    x2 = moved.reshape(moved.shape[0], int(np.prod(rest, dtype=np.int64))) if arr.ndim != 2 else moved

    def restore(out2: np.ndarray) -> np.ndarray:
        return np.moveaxis(out2.reshape((moved.shape[0],) + rest), 0, axis)

    return x2, restore
