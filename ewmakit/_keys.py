"""Group keys (``by=``): one integer code per row, from a column, several columns or an array of keys.

Codes run from 0 in the order in which the keys first appear; a missing key
(None, NaN, NaT, pd.NA, a null) gets -1, and its row belongs to no group
(pandas' ``groupby(..., dropna=True)``). Categorical keys (pandas or polars)
give their codes without hashing anything; other keys are hashed once
(``pandas.factorize``, or polars itself for polars strings).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from ._typing import ArrayLike

__all__ = ["Keys", "factorize", "combine"]

#: The key of each group code: ``uniques[g]`` (a list, an array, a pandas Index).
Uniques: TypeAlias = "Sequence[Any] | np.ndarray | pd.Index"


@dataclass(frozen=True)
class Keys:
    """The group of every row: ``codes`` (signed integers, -1 for a missing key) and the key of each code, ``uniques``.

    ``names``: the key columns (for messages), or None for an array of keys.
    """

    codes: np.ndarray
    uniques: Uniques  # uniques[g] is the key of group g (a tuple for several key columns)
    names: tuple[Hashable, ...] | None = None

    @property
    def groups(self) -> int:
        return len(self.uniques)

    def label(self, code: int) -> str:
        """The key of group ``code`` as the messages show it: as the user wrote it (``2``, not numpy 2's
        ``np.int64(2)``; a tuple of such keys for several key columns)."""
        key = self.uniques[int(code)]
        return repr(tuple(map(_as_written, key)) if isinstance(key, tuple) else _as_written(key))


def _as_written(key: Any) -> Any:
    """A numpy scalar key as the Python number/str/bool it stands for (dates and spans kept: their repr is clear)."""
    if isinstance(key, np.generic) and not isinstance(key, (np.datetime64, np.timedelta64)):
        return key.item()
    return key


def _is_polars(values: object) -> bool:
    return type(values).__module__.split(".")[0] == "polars"


def _dense(codes: np.ndarray, uniques: Uniques) -> tuple[np.ndarray, list[Any]]:
    """Codes that may skip values (unused or global categories) made dense, in order of first appearance."""
    inner, first = _dense_ints(codes)
    return inner, [uniques[int(c)] for c in first]


def _polars_codes(values: pl.Series) -> tuple[np.ndarray, list[Any]]:
    """``(codes, uniques)`` of a polars Series, codes in the order in which the keys first appear.

    A null (and, as for pandas keys, a float NaN or a NaT) is a missing key,
    code -1. Categoricals and enums give their physical ids (global ids made
    dense), strings are encoded by polars itself (through an enum of the
    distinct strings: no pyarrow needed), other keys (numbers, booleans,
    dates, bytes, decimals) by ``pandas.factorize`` of their values.
    ``uniques[g]`` is the key of group g as polars gives it (``to_list``).
    """
    import pandas as pd
    import polars as pl

    dtype = values.dtype
    if dtype.is_nested() or dtype == pl.Object:
        raise TypeError(f"group keys must be scalars (text, numbers, dates...), got a polars column of {dtype}")
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        ids = values.to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
        codes = _dense_ints(ids)[0]  # global (or unused) ids: dense, in order of first appearance
    elif dtype == pl.String:
        arrow = _polars_arrow_text(values)
        if arrow is not None:  # polars' strings as one Arrow (large) string array: hashed in one compiled pass
            from . import _engine as engine

            text, first_rows = engine.text_codes(arrow)
            return text, values.gather(first_rows).to_list()
        seen = values.unique(maintain_order=True).drop_nulls()
        codes = values.cast(pl.Enum(seen)).to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
    elif dtype == pl.Null:
        codes = np.full(len(values), -1, dtype=np.int64)
    else:
        present = values.is_not_null().to_numpy()
        found, _ = pd.factorize(values.drop_nulls().to_numpy(), use_na_sentinel=True)  # NaN, NaT: -1
        codes = np.full(len(values), -1, dtype=np.int64)
        codes[present] = found
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    # codes appear in increasing order: the first row of group g is where the running maximum reaches g
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=np.int64(-1)) > 0)
    return codes, values.gather(first).to_list()


def _polars_arrow_text(values: pl.Series) -> Any:
    """A polars String Series as a pyarrow (large) string array, or None without pyarrow (polars needs it not)."""
    try:
        import pyarrow as pa

        arrow = values.to_arrow()
    except ImportError:
        return None
    return arrow if pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type) else None


def _arrow_text(values: object, dtype: object) -> Any:
    """The pyarrow string array behind a pandas Series/Index/array of pyarrow-backed text, else None."""
    import pandas as pd

    storage = getattr(dtype, "storage", None) if isinstance(dtype, pd.StringDtype) else None
    is_arrow = storage == "pyarrow" or (isinstance(dtype, pd.ArrowDtype) and str(dtype.pyarrow_dtype) in
                                        ("string", "large_string"))
    if not is_arrow:
        return None
    array: Any = values.array if isinstance(values, (pd.Series, pd.Index)) else values
    try:
        import pyarrow as pa

        arrow = pa.chunked_array(array.__arrow_array__())  # the public Arrow protocol: no copy
    except (AttributeError, TypeError, ImportError):
        return None
    return arrow if (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)) else None


def factorize(values: ArrayLike | pd.Index | pl.Series, name: str = "by") -> tuple[np.ndarray, Uniques]:
    """``(codes, uniques)`` of one key per row: signed integer codes (int64, or a categorical's own int8 to int32),
    -1 for a missing key."""
    import pandas as pd

    if _is_polars(values):
        return _polars_codes(cast("pl.Series", values))
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        # (a Categorical, the array of a categorical Series or Index)
        cat = cast(pd.Categorical, values.array if isinstance(values, (pd.Series, pd.Index)) else values)
        codes = np.asarray(cat.codes)  # int8/int16/int32 as pandas keeps them: the kernels read them as they are
        if len(cat.categories) > 2 * codes.size + 1024:  # mostly unused categories: no state for each of them
            return _dense(codes.astype(np.int64), cat.categories)
        return codes, cat.categories
    arrow = _arrow_text(values, dtype)
    if arrow is not None:  # pyarrow-backed text (pandas 3's default str): one compiled pass, no Python objects
        from . import _engine as engine

        text_codes, first = engine.text_codes(arrow)
        return text_codes, arrow.take(first).to_pylist()
    if isinstance(values, (list, tuple)) or not hasattr(values, "dtype"):
        values = np.asarray(values, dtype=object) if isinstance(values, (list, tuple)) else np.asarray(values)
    if getattr(values, "ndim", 1) != 1:
        raise ValueError(f"{name} must hold one key per row (one-dimensional), got shape {np.shape(values)}")
    keys = cast("np.ndarray | pd.Series | pd.Index", values)  # (lists and other array_likes made arrays above)
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), uniques


def combine(parts: list[tuple[np.ndarray, Uniques]]) -> tuple[np.ndarray, list[Any]]:
    """The codes of several key columns taken together (a row's key: the tuple of its keys)."""
    codes = parts[0][0]
    sizes = [max(len(u), 1) for _, u in parts]
    if float(np.prod(sizes, dtype=np.float64)) >= 2.0 ** 62:
        # too many combinations for one int64: hash the tuples of codes instead
        import pandas as pd

        rows = pd.MultiIndex.from_arrays([c for c, _ in parts])
        inner, seen = pd.factorize(rows)
        missing = np.any(np.stack([c < 0 for c, _ in parts]), axis=0)
        inner = np.asarray(inner, dtype=np.int64)
        inner[missing] = -1
        keys = [tuple(u[i] for (_, u), i in zip(parts, t)) for t in seen]
        return _dense(inner, keys)
    combined = codes.astype(np.int64, copy=True)
    missing = codes < 0
    for (c, _), size in zip(parts[1:], sizes[1:]):
        combined = combined * size + c
        missing |= c < 0
    combined[missing] = -1
    inner, first = _dense_ints(combined)
    radix = []
    for t in first:  # back from a combined code to the tuple of keys
        key = []
        for (_, u), size in zip(reversed(parts), reversed(sizes)):
            t, r = divmod(int(t), size)
            key.append(u[r])
        radix.append(tuple(reversed(key)))
    return inner, radix


def _dense_ints(combined: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes (order of first appearance) of non-negative int64 codes, -1 kept."""
    import pandas as pd

    inner, first = pd.factorize(np.where(combined < 0, np.iinfo(np.int64).min, combined))
    inner = np.asarray(inner, dtype=np.int64)
    first = np.asarray(first)
    lost = np.flatnonzero(first == np.iinfo(np.int64).min)
    if lost.size:
        k = int(lost[0])
        inner = np.where(inner == k, -1, inner - (inner > k))
        first = np.delete(first, k)
    return inner, first
