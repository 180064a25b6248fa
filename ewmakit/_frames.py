"""The types users hand in, and back: arrays, pandas and polars objects in, the same type out.

:class:`Table` takes anything a smoother accepts (an array, a list, a pandas
Series or DataFrame, a polars Series or DataFrame), picks its value columns,
its group keys (``by=``) and its times, and gives the engine one 2-D
``(time, series)`` float array; :meth:`Table.wrap` gives a result the input's
type back (a Series with the index and name, a DataFrame with the index and
the value columns, a polars object, or the bare array). :class:`Unwrapped`
is the older, smaller adapter of the finance functions.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, cast

import numpy as np
import pandas as pd

from ._engine import check_finite
from ._inputs import as_float_array
from ._keys import Keys, combine, factorize
from ._polars import frame_floats as polars_frame_floats, series_floats as polars_series_floats, \
    split_columns as polars_split

__all__ = ["Unwrapped", "same_index", "Table", "kind_of", "is_polars", "numeric_column", "column_floats",
           "text_like"]


class Unwrapped:
    """A 2-D float view of the input, and how to give results the input's type back."""

    def __init__(self, x: Any, name: str = "x", check: bool = True) -> None:
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

    def wrap(self, out: np.ndarray, name: Hashable = None) -> np.ndarray | pd.Series | pd.DataFrame:
        """``out`` (same 2-D shape as ``values``) in the input's type."""
        if self.kind == "series":
            return pd.Series(out[:, 0], index=self.index, name=self.series_name if name is None else name)
        if self.kind == "frame":  # ``out`` is always a fresh array of ours: pandas may keep it
            return pd.DataFrame(out, index=self.index, columns=self.columns, copy=False)
        return out[:, 0] if self.ndim == 1 else out

    def wrap_block(self, block: np.ndarray, names: Iterable[Hashable]) -> pd.DataFrame:
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


def same_index(named: dict[str, Any]) -> None:
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


# --------------------------------------------------------------------------- Table


def is_polars(x: object) -> bool:
    """Whether ``x`` is a polars object (checked without importing polars)."""
    return type(x).__module__.split(".")[0] == "polars"


def kind_of(x: object) -> str:
    """"series", "frame", "pl_series", "pl_frame" or "array" (anything else: lists, numpy arrays...)."""
    if isinstance(x, pd.Series):
        return "series"
    if isinstance(x, pd.DataFrame):
        return "frame"
    if is_polars(x):
        name = type(x).__name__
        if name == "Series":
            return "pl_series"
        if name == "DataFrame":
            return "pl_frame"
        if name == "LazyFrame":
            raise TypeError("x is a polars LazyFrame: collect() it first, or use pl.col(...).ewm_mean inside it")
    return "array"


def text_like(dtype: Any) -> bool:
    """Keys rather than values: strings, text categories, booleans are numbers (pandas casts them)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return not pd.api.types.is_numeric_dtype(dtype.categories.dtype)
    return pd.api.types.is_string_dtype(dtype) and dtype != object


def numeric_column(col: pd.Series) -> bool:
    """Whether a pandas column holds numbers (any numeric dtype, numeric categories, objects that are numbers)."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.is_numeric_dtype(dtype.categories.dtype) and not \
            pd.api.types.is_complex_dtype(dtype.categories.dtype)
    if dtype == object:
        values = col.to_numpy()
        return not any(isinstance(v, (str, bytes)) for v in values) and _objects_are_numbers(values)
    # booleans of every kind count as numbers (numpy, "boolean"; pandas does not call "bool[pyarrow]" numeric)
    return (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)) and not \
        pd.api.types.is_complex_dtype(dtype)


def _objects_are_numbers(values: np.ndarray) -> bool:
    try:
        as_float_array(values, "column")
    except (TypeError, ValueError):
        return False
    return True


def column_floats(col: pd.Series, label: Hashable) -> np.ndarray:
    """One pandas column as float32/float64 (numbers of any dtype; NA as NaN), or a TypeError naming it."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if not numeric_column(col):
            raise TypeError(f"column {label!r} holds text categories, not numbers")
        return np.asarray(col.astype(np.float64), dtype=np.float64)
    try:
        return as_float_array(col, f"column {label!r}")
    except TypeError:
        raise TypeError(f"column {label!r} holds {_what(col)}, not numbers") from None


def _what(col) -> str:
    dtype = col.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "dates (pass it as times=... with a halflife)"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "time spans"
    if isinstance(dtype, pd.CategoricalDtype):
        return "text categories" if text_like(dtype) else f"categories of dtype {dtype.categories.dtype}"
    return "text" if (dtype == object or pd.api.types.is_string_dtype(dtype)) else f"values of dtype {dtype}"


def _is_label_list(by, columns) -> bool:
    return isinstance(by, list) and len(by) > 0 and all(_hashable(b) and b in columns for b in by)


def _check_by_labels(by, labels, name: str, rows: int) -> None:
    """A ValueError for ``by`` meant as key column names that are not all columns: a name (str) that is no
    column, or a list of names some of which are columns (all text, or not one per row: no array of keys)."""
    if isinstance(by, str):
        raise ValueError(f"by={by!r} is not a column of {name}")
    if isinstance(by, list) and by and all(_hashable(b) and not isinstance(b, tuple) for b in by):
        found = [b for b in by if b in labels]
        if found and (len(by) != rows or all(isinstance(b, str) for b in by)):
            missing = [b for b in by if b not in labels]
            raise ValueError(f"by={by!r}: {missing!r} {'is' if len(missing) == 1 else 'are'} not "
                             f"{'a column' if len(missing) == 1 else 'columns'} of {name} (its columns: "
                             f"{labels[:10]!r}{'...' if len(labels) > 10 else ''})")


def _hashable(v) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


class Table:
    """A smoother's input as one 2-D ``(T, C)`` float array, its group keys and times; results back in its type.

    Parameters
    ----------
    x : array_like, pandas or polars Series/DataFrame
        The data; a DataFrame's rows are the time axis.
    name : str
        The parameter's name in messages.
    by : label, list of labels, or array of keys, optional
        Group keys: column name(s) of a DataFrame, or one key per row.
    columns : label or list of labels, optional
        The value columns of a DataFrame; default every column holding
        numbers that is neither a key nor the times.
    times : str, optional
        ``"index"`` (the pandas index) or a column name; any other value is
        passed on as it is (``self.times``).
    numeric_only : bool
        Leave out the columns that do not hold numbers instead of refusing them.
    """

    def __init__(self, x: Any, name: str = "x", *, by: Any = None, columns: Any = None, times: Any = None,
                 numeric_only: bool = False) -> None:
        # (x, by, columns: anything a smoother takes, Data, By and Labels of ewmakit._typing, checked here at run
        # time and dispatched on self.kind, which a type checker cannot follow: Any)
        self.kind = kind_of(x)
        self.name = name
        self.obj = x
        self.index = x.index if self.kind in ("series", "frame") else None
        self.series_name = getattr(x, "name", None) if self.kind in ("series", "pl_series") else None
        self.columns: list[Hashable] | None = None  # the value columns (set for a DataFrame)
        self.single = False  # columns= named one column (not a list): the result is a Series
        self.key_columns: list[Hashable] = []
        self.times_column: Hashable | None = None
        if columns is not None and self.kind not in ("frame", "pl_frame"):
            raise TypeError(f"columns= picks value columns of a DataFrame; {name} is a {self.type_name}")
        if self.kind in ("frame", "pl_frame"):
            labels = list(x.columns)
            if by is not None and (_hashable(by) and not isinstance(by, tuple) and by in labels
                                   or isinstance(by, tuple) and by in labels):
                self.key_columns = [by]
            elif _is_label_list(by, labels):
                self.key_columns = list(by)
            else:  # a mistyped key column is named before anything else (not met by an error about the columns)
                _check_by_labels(by, labels, name, len(x))
            if isinstance(times, str) and times != "index":
                if times not in labels:
                    raise ValueError(f"times={times!r} is not a column of {name} (nor 'index')")
                self.times_column = times
        self.times = self._times(times)
        self.values = self._values(x, columns, numeric_only)
        self.keys = self._keys(by)

    # ------------------------------------------------------------------ parts

    @property
    def type_name(self) -> str:
        return {"series": "pandas Series", "frame": "pandas DataFrame", "pl_series": "polars Series",
                "pl_frame": "polars DataFrame"}.get(self.kind, "array")

    @property
    def rows(self) -> int:
        return self.values.shape[0] if self.values.ndim else 0

    def _times(self, times):
        if times is None:
            return None
        if isinstance(times, str):
            if times == "index":
                if self.kind not in ("series", "frame"):
                    raise ValueError(f"times='index' needs a pandas object; {self.name} is a {self.type_name}")
                return self.index
            if self.times_column is None:
                raise ValueError(f"times={times!r} names a column, but {self.name} is a {self.type_name}; "
                                 "give the times as an array")
            col = self.obj[self.times_column]
            return col.to_numpy() if self.kind == "pl_frame" else col
        if self.kind == "pl_series" or is_polars(times):
            return times.to_numpy() if is_polars(times) else times
        return times

    def _values(self, x, columns, numeric_only) -> np.ndarray:
        if self.kind == "array":
            return as_float_array(x, self.name)
        if self.kind == "series":
            try:
                arr = as_float_array(x, self.name) if not isinstance(x.dtype, pd.CategoricalDtype) else \
                    column_floats(x, x.name)
            except TypeError:
                raise TypeError(f"{self.name} holds {_what(x)}, not numbers") from None
            # only numpy float32 stays float32; nullable and pyarrow floats are taken as float64, as in a DataFrame
            return arr.astype(np.float64) if arr.dtype == np.float32 and x.dtype != np.float32 else arr
        if self.kind == "pl_series":
            return polars_series_floats(x, self.name)
        # a DataFrame: the value columns
        labels = list(x.columns)
        skip = set(map(_key, self.key_columns)) | ({_key(self.times_column)} if self.times_column is not None
                                                   else set())
        if columns is not None:
            chosen = [columns] if (_hashable(columns) and not isinstance(columns, list) and columns in labels) \
                else list(columns) if isinstance(columns, (list, tuple, pd.Index)) else [columns]
            missing = [c for c in chosen if c not in labels]
            if missing:
                raise ValueError(f"columns {missing!r} are not columns of {self.name}")
            clash = [c for c in chosen if _key(c) in skip]
            if clash:
                raise ValueError(f"{clash!r} cannot be both value columns and keys or times")
            self.columns = chosen
            # one label (not a list) picks one column, as df["close"] does: the result is then a Series
            self.single = len(chosen) == 1 and not isinstance(columns, (list, tuple, pd.Index))
            return self._floats(x, chosen, strict=True)
        candidates = [c for c in labels if _key(c) not in skip]
        if self.kind == "pl_frame":
            good, bad = polars_split(x, candidates)
        else:
            good, bad = self._split(x, candidates)
        if bad and not numeric_only:
            raise TypeError(self._non_numeric_message(x, bad))
        self.columns = good
        return self._floats(x, good, strict=False)

    def _split(self, frame: pd.DataFrame, candidates: list[Hashable]) -> tuple[list[Hashable], list[Hashable]]:
        """The candidate columns that hold numbers, and the others (each distinct dtype judged once)."""
        judged: dict[Any, bool] = {}
        good: list[Hashable] = []
        bad: list[Hashable] = []
        dtypes: dict[Hashable, Any] | None = dict(zip(frame.columns, frame.dtypes)) if frame.columns.is_unique \
            else None
        for c in candidates:
            dtype = dtypes[c] if dtypes is not None else frame[c].dtype
            if dtype == object:  # objects are judged by their values, column by column
                ok = numeric_column(frame[c])
            else:  # any other dtype once (a wide frame has thousands of columns and a few dtypes)
                if dtype not in judged:
                    judged[dtype] = numeric_column(frame[c])
                ok = judged[dtype]
            (good if ok else bad).append(c)
        return good, bad

    def _non_numeric_message(self, frame, bad) -> str:
        keylike = [c for c in bad if self._looks_like_key(frame, c)]
        msg = f"{self.name} must hold numbers, but its columns {bad!r} do not"
        if keylike:
            k = keylike[0]
            return (f"{msg}. If {k!r} names groups (one series per {k}), pass by={k!r}: each group is smoothed "
                    f"on its own rows (columns=... picks the value columns)")
        return f"{msg}; pick the value columns with columns=..., or drop them"

    def _looks_like_key(self, frame, c) -> bool:
        col = frame[c]
        if self.kind == "pl_frame":
            import polars as pl

            return col.dtype in (pl.String, pl.Utf8) or isinstance(col.dtype, (pl.Categorical, pl.Enum))
        return text_like(col.dtype) or (col.dtype == object and not numeric_column(col))

    def _floats(self, frame, chosen, *, strict: bool) -> np.ndarray:
        T = len(frame)
        if self.kind == "pl_frame":
            return polars_frame_floats(frame, chosen, T)
        if not chosen:
            return np.empty((T, 0))
        if not frame.columns.is_unique:
            raise ValueError(f"{self.name} has duplicate column names; select the columns to smooth first")
        positions = frame.columns.get_indexer(chosen).tolist()
        all_dtypes = list(frame.dtypes)
        dtypes = [all_dtypes[i] for i in positions]
        if all(dt == np.float64 for dt in dtypes) or all(dt == np.float32 for dt in dtypes):
            sub = frame if len(positions) == frame.shape[1] and positions == list(range(frame.shape[1])) \
                else frame.iloc[:, positions]
            return sub.to_numpy(dtype=dtypes[0])  # one float block: a view of it, column-major
        target = np.float32 if all(dt == np.float32 for dt in dtypes) else np.float64
        out = np.empty((T, len(chosen)), dtype=target, order="F")
        for j, i in enumerate(positions):
            out[:, j] = column_floats(frame.iloc[:, i], frame.columns[i])
        return out

    def _keys(self, by) -> Keys | None:
        if by is None:
            return None
        T = self.rows
        if self.kind == "array" and self.values.ndim not in (1, 2):
            raise ValueError(f"by= needs {self.name} with rows along the first axis (1-D or 2-D), got "
                             f"{self.values.ndim} dimensions")
        if self.key_columns:
            parts = [factorize(self.obj[c], f"by column {c!r}") for c in self.key_columns]
            names = tuple(self.key_columns)
        else:
            if isinstance(by, str) or (isinstance(by, tuple) and self.kind in ("frame", "pl_frame")):
                where = "a column of " + self.name if self.kind in ("frame", "pl_frame") else \
                    "usable: " + self.name + f" is a {self.type_name}, so by= takes one key per row"
                raise ValueError(f"by={by!r} is not {where}")
            arrays = by if (isinstance(by, list) and by and all(_is_array_like(b) for b in by)) else [by]
            parts = []
            for b in arrays:
                if isinstance(b, pd.Series) and self.index is not None and not b.index.equals(self.index):
                    raise ValueError(f"by must share {self.name}'s index; align it first (e.g. with .reindex)")
                if len(b) != T:
                    raise ValueError(f"by must hold one key per row of {self.name} ({T}), got {len(b)}")
                parts.append(factorize(b))
            names = None
        codes, uniques = parts[0] if len(parts) == 1 else combine(parts)
        return Keys(codes, uniques, names)

    # ------------------------------------------------------------------ results

    def values_2d(self) -> np.ndarray:
        """The values as ``(T, C)``: a Series or a 1-D array as one column."""
        v = self.values
        return v[:, None] if v.ndim == 1 else v

    def wrap(self, result: np.ndarray) -> Any:
        """``result`` (the shape of :attr:`values`, or of :meth:`values_2d`) in the input's type.

        (Typed Any: one of ``ewmakit._typing.Smoothed``, the one of :attr:`kind`, which the caller knows and a
        type checker cannot follow.)
        """
        if self.kind == "array":
            return result.reshape(self.values.shape) if result.shape != self.values.shape else result
        if self.kind == "series":
            return pd.Series(result.reshape(-1), index=self.index, name=self.series_name, copy=False)
        cols = cast(list[Hashable], self.columns)  # (set by _values for a DataFrame, pandas or polars)
        if self.kind == "frame":
            if self.single:
                return pd.Series(result.reshape(-1), index=self.index, name=cols[0], copy=False)
            index_cols = self.obj.columns[[self.obj.columns.get_loc(c) for c in cols]] if cols else \
                self.obj.columns[:0]
            return pd.DataFrame(result, index=self.index, columns=index_cols, copy=False)
        import polars as pl

        if self.kind == "pl_series" or self.single:
            name = self.series_name if self.kind == "pl_series" else str(cols[0])
            return pl.Series(name or "", result.reshape(-1))
        return pl.DataFrame({str(c): result[:, j] for j, c in enumerate(cols)})


def _key(c):
    return c if _hashable(c) else id(c)


def _is_array_like(b) -> bool:
    return hasattr(b, "__len__") and not isinstance(b, (str, bytes)) and not (_hashable(b) and
                                                                               isinstance(b, tuple))
