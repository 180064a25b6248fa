"""Group keys (``by=``): one integer code per row, from a column, several columns or an array of keys.

Codes run from 0 in the order in which the keys first appear; a missing key
(None, NaN, NaT, pd.NA, a null) gets -1, and its row belongs to no group
(pandas' ``groupby(..., dropna=True)``). Categorical keys (pandas or polars)
give their codes without hashing anything; other keys are hashed once
(``pandas.factorize``, or pyarrow for polars strings).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Keys", "factorize", "combine"]


@dataclass(frozen=True)
class Keys:
    """The group of every row: ``codes`` (int64, -1 for a missing key) and the key of each code, ``uniques``.

    ``names``: the key columns (for messages), or None for an array of keys.
    """

    codes: np.ndarray
    uniques: object  # a sequence: uniques[g] is the key of group g (a tuple for several key columns)
    names: tuple | None = None

    @property
    def groups(self) -> int:
        return len(self.uniques)

    def label(self, code: int) -> str:
        """The key of group ``code`` as the messages show it."""
        return repr(self.uniques[int(code)])


def _is_polars(values) -> bool:
    return type(values).__module__.split(".")[0] == "polars"


def _dense(codes: np.ndarray, uniques) -> tuple[np.ndarray, list]:
    """Codes that may skip values (unused or global categories) made dense, in order of first appearance."""
    inner, first = _dense_ints(codes)
    return inner, [uniques[int(c)] for c in first]


def _polars_codes(values) -> tuple[np.ndarray, object]:
    """Codes of a polars Series: a categorical's physical ids, else pyarrow's dictionary encoding."""
    import polars as pl

    if isinstance(values.dtype, (pl.Categorical, pl.Enum)):
        phys = values.to_physical()
        codes = phys.fill_null(-1).to_numpy().astype(np.int64)
        cats = values.cat.get_categories().to_list() if isinstance(values.dtype, pl.Enum) else None
        if cats is None:  # ids may be global (shared with other columns): look each one up
            ids = phys.unique().drop_nulls().sort()
            lookup = dict(zip(ids.to_list(), pl.Series(ids).cast(values.dtype).to_list())) if len(ids) else {}
            top = int(codes.max()) + 1 if codes.size else 0
            cats = [lookup.get(i) for i in range(top)]
        return _dense(codes, cats)
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values.to_arrow())
    if hasattr(encoded, "combine_chunks"):
        encoded = encoded.combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def factorize(values, name: str = "by") -> tuple[np.ndarray, object]:
    """``(codes, uniques)`` of one key per row: int64 codes, -1 for a missing key."""
    import pandas as pd

    if _is_polars(values):
        return _polars_codes(values)
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        cat = values.array if isinstance(values, (pd.Series, pd.Index)) else values
        codes = np.asarray(cat.codes, dtype=np.int64)
        if len(cat.categories) > 2 * codes.size + 1024:  # mostly unused categories: no state for each of them
            return _dense(codes, cat.categories)
        return codes, cat.categories
    if isinstance(values, (list, tuple)) or not hasattr(values, "dtype"):
        values = np.asarray(values, dtype=object) if isinstance(values, (list, tuple)) else np.asarray(values)
    if getattr(values, "ndim", 1) != 1:
        raise ValueError(f"{name} must hold one key per row (one-dimensional), got shape {np.shape(values)}")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), uniques


def combine(parts: list[tuple[np.ndarray, object]]) -> tuple[np.ndarray, list]:
    """The codes of several key columns taken together (a row's key: the tuple of its keys)."""
    codes = parts[0][0]
    sizes = [max(len(u), 1) for _, u in parts]
    if float(np.prod(sizes, dtype=np.float64)) >= 2.0 ** 62:
        # too many combinations for one int64: hash the tuples of codes instead
        import pandas as pd

        rows = pd.MultiIndex.from_arrays([c for c, _ in parts])
        inner, first = pd.factorize(rows)
        missing = np.any(np.stack([c < 0 for c, _ in parts]), axis=0)
        inner = np.asarray(inner, dtype=np.int64)
        inner[missing] = -1
        keys = [tuple(u[i] for (_, u), i in zip(parts, t)) for t in first]
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
