"""polars in: a polars Series or DataFrame's values as numpy floats, without a round trip through pandas.

The rules, the same as for pandas columns:

- A Float64 or Float32 column without nulls is handed over as it is: a
  read-only view of polars' own buffer (no copy) when the column is one
  chunk; float32 stays float32. Several value columns are gathered into one
  ``(T, C)`` column-major block (float32 only if every one is Float32),
  without a copy only when polars already holds them side by side.
- Nulls (and NaN, as everywhere in ewmakit) are missing values: NaN in the
  array.
- Integer, unsigned, boolean, decimal, Float16 and all-null columns become
  float64 (cast by polars, in one pass).
- Anything else (text, categoricals, dates, durations, lists, structs,
  objects) is a TypeError naming the column and what it holds.

polars is imported only by the functions here, which run only on polars
input (``import ewmakit`` never imports polars).

The ``.ewmakit`` namespaces are registered lazily, from here because this
module is imported with ewmakit anyway (no start-up cost):
:func:`register_when_polars_loads`, called by ``import ewmakit``, registers
them at once if polars is imported already, else installs an import hook
that registers them as soon as ``import polars`` has finished.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import polars as pl

__all__ = ["holds_numbers", "describe", "series_floats", "split_columns", "frame_floats",
           "register_when_polars_loads"]


def holds_numbers(dtype: pl.DataType) -> bool:
    """Whether a polars dtype holds numbers ewmakit takes as floats: numeric, boolean or all-null."""
    import polars as pl

    return dtype.is_numeric() or dtype == pl.Boolean or dtype == pl.Null


def describe(dtype: pl.DataType) -> str:
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


def series_floats(s: pl.Series, name: str) -> np.ndarray:
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


def split_columns(frame: pl.DataFrame, candidates: Sequence[str]) -> tuple[list[Hashable], list[Hashable]]:
    """The candidate columns of a polars DataFrame that hold numbers, and the others."""
    schema = frame.schema
    good: list[Hashable] = []
    bad: list[Hashable] = []
    for c in candidates:
        (good if holds_numbers(schema[c]) else bad).append(c)
    return good, bad


def frame_floats(frame: pl.DataFrame, chosen: Sequence[str], T: int) -> np.ndarray:
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


# --------------------------------------------------------------------------- lazy registration


def register_when_polars_loads() -> None:
    """Have ``.ewmakit`` registered on polars Series and DataFrames, never importing polars ourselves.

    If polars is imported already, :func:`ewmakit.polars.register_namespaces`
    runs now; otherwise a post-import hook (:class:`_PolarsHook`, first on
    ``sys.meta_path``) runs it as soon as ``import polars`` has finished, and
    removes itself. Called by ``import ewmakit``; idempotent.
    """
    if sys.modules.get("polars") is not None:
        _register()
    elif not any(isinstance(f, _PolarsHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _PolarsHook())


def _register() -> None:
    try:
        from .polars import register_namespaces

        register_namespaces()
    except Exception as exc:  # a broken polars install must break neither ``import polars`` nor ``import ewmakit``
        warnings.warn(f"ewmakit could not register its polars namespaces: {exc}", RuntimeWarning, stacklevel=2)


class _RegisteringLoader:
    """Runs polars' own loader, then registers the namespaces (a loader by duck typing: no importlib.abc import)."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        # the module keeps its real loader: we only act once it has been executed
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)  # an error importing polars propagates as it is, and the hook stays
        _PolarsHook.uninstall()
        _register()

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _PolarsHook:
    """Watches for ``import polars`` on ``sys.meta_path``: finds polars through the other finders, wraps its loader."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "polars":
            return None
        for finder in sys.meta_path:
            if isinstance(finder, _PolarsHook) or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _RegisteringLoader(spec.loader)  # type: ignore[assignment]  # a Loader by duck typing
                return spec
        return None

    @classmethod
    def uninstall(cls) -> None:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, cls)]
