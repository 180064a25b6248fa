"""Unwrap Series/DataFrames/arrays to a 2-D ``(time, series)`` float array and wrap results back."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._engine import check_finite
from ._inputs import as_float_array


class Unwrapped:
    """A 2-D float view of the input, and how to give results the input's type back."""

    def __init__(self, x, name: str = "x", check: bool = True):
        self.kind = "series" if isinstance(x, pd.Series) else "frame" if isinstance(x, pd.DataFrame) else "array"
        self.name = name
        self.index = x.index if isinstance(x, (pd.Series, pd.DataFrame)) else None
        if self.kind == "frame":
            bad = [c for c, dt in x.dtypes.items() if not pd.api.types.is_numeric_dtype(dt)]
            if bad:
                raise TypeError(f"{name} has non-numeric columns {bad!r}")
            self.columns = x.columns
            self.values = x.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = as_float_array(x, name).astype(np.float64, copy=False)
            if arr.ndim not in (1, 2):
                raise ValueError(f"{name} must be 1-D or 2-D (time x series), got {arr.ndim} dimensions")
            self.series_name = getattr(x, "name", None)
            self.ndim = arr.ndim
            self.values = arr[:, None] if arr.ndim == 1 else arr
        if check:  # callers whose kernel counts ±inf on its way pass check=False (the engine then raises)
            check_finite(self.values, name)

    def wrap(self, out: np.ndarray, name=None):
        """``out`` (same 2-D shape as ``values``) in the input's type."""
        if self.kind == "series":
            return pd.Series(out[:, 0], index=self.index, name=self.series_name if name is None else name)
        if self.kind == "frame":  # ``out`` is always a fresh array of ours: pandas may keep it
            return pd.DataFrame(out, index=self.index, columns=self.columns, copy=False)
        return out[:, 0] if self.ndim == 1 else out

    def wrap_block(self, block: np.ndarray, names) -> pd.DataFrame:
        """Several results side by side in one ``(T, k·N)`` block (field k in columns k·N:(k+1)·N) as one
        DataFrame, columns ``field`` (one series) or ``(field, column)``.

        pandas keeps the block as it is, without copying (building it field by field, or a concat of
        frames, would copy); only a MultiIndex of columns takes a concat.
        """
        names = list(names)
        N = self.values.shape[1]
        index = self.index if self.index is not None else pd.RangeIndex(block.shape[0])
        if self.kind == "series" or (self.kind == "array" and self.ndim == 1):
            return pd.DataFrame(block, index=index, columns=names, copy=False)
        cols = self.columns if self.kind == "frame" else pd.RangeIndex(N)
        if isinstance(cols, pd.MultiIndex):
            parts = {k: pd.DataFrame(block[:, i * N:(i + 1) * N], index=index, columns=cols)
                     for i, k in enumerate(names)}
            return pd.concat(parts, axis=1)
        columns = pd.MultiIndex.from_product([names, cols], names=[None, cols.name])
        return pd.DataFrame(block, index=index, columns=columns, copy=False)


def same_index(named: dict) -> None:
    """Raise if the pandas objects among ``named`` do not share one index (or arrays differ in length)."""
    items = list(named.items())
    ref_name, ref = items[0]
    for name, obj in items[1:]:
        a = ref.index if isinstance(ref, (pd.Series, pd.DataFrame)) else None
        b = obj.index if isinstance(obj, (pd.Series, pd.DataFrame)) else None
        if a is not None and b is not None:
            if not a.equals(b):
                raise ValueError(f"{ref_name} and {name} must share one index; align them first "
                                 f"(e.g. with .align or .reindex)")
        elif len(ref) != len(obj):
            raise ValueError(f"{ref_name} and {name} must have the same length, got {len(ref)} and {len(obj)}")
