"""What the kernels carry from row to row: the smoothing options and the named per-series states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["Options", "MeanState", "CovState", "start_values"]


@dataclass(frozen=True)
class Options:
    """Validated smoothing options (see :func:`ewmakit.core.resolve_options`), as the kernels take them.

    ``decay`` is the per-row decay when ``times`` were given (row 0 gets 1);
    ``init`` is ``"first"`` or the start value(s) v_{-1}; ``minp`` >= 1.
    Datetime times of one long series may instead be kept as ``stamps``,
    ``(int64 stamps, ns per unit, -1/halflife in ns)``, whose decays the long
    series kernel computes on its way (any other use builds them first).
    """

    beta: float
    decay: np.ndarray | None
    adjust: bool
    init: str | np.ndarray
    ignore_na: bool
    minp: int
    stamps: tuple | None = None


def start_values(opts: Options, n: int) -> np.ndarray:
    """The start value v_{-1} of ``n`` series: NaN for ``init="first"`` (start at the first observation)."""
    if isinstance(opts.init, str):
        return np.full(n, np.nan)
    value = np.asarray(opts.init, dtype=np.float64)
    if value.ndim == 0:
        return np.full(n, float(value))
    if value.size == 1:
        return np.full(n, float(value.ravel()[0]))
    if value.size != n:
        raise ValueError(f"init must be a number or hold one value per series ({n}), got shape {value.shape}")
    return value.ravel().copy()


def _writeable(a: object, dtype: DTypeLike, n: int, name: str) -> np.ndarray:
    if not isinstance(a, np.ndarray) or a.dtype != dtype or a.ndim != 1 or a.shape[0] != n \
            or not a.flags.c_contiguous or not a.flags.writeable:
        got = f"{a.dtype} {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
        raise ValueError(f"kernel state {name} must be a writeable C-contiguous {np.dtype(dtype)} array of shape "
                         f"({n},), got {got}")
    return a


class MeanState(NamedTuple):
    """The EWMA state of ``n`` series, updated in place by the kernels.

    ``mean``: the current average (before the first observation: the start
    value, or NaN); ``weight``: the weight of the past (1 after an observation
    without ``adjust``); ``nobs``: observations so far (int64).
    """

    mean: np.ndarray
    weight: np.ndarray
    nobs: np.ndarray

    @classmethod
    def fresh(cls, n: int, start: np.ndarray | None = None) -> "MeanState":
        """Before any row: the start values (NaN: start at the first observation), weight 1, no observation."""
        mean = np.full(n, np.nan) if start is None else np.array(start, dtype=np.float64)
        return cls(mean, np.ones(n), np.zeros(n, dtype=np.int64))

    def checked(self, n: int) -> "MeanState":
        """Itself, after refusing arrays a kernel would read or write out of bounds."""
        _writeable(self.mean, np.float64, n, "mean")
        _writeable(self.weight, np.float64, n, "weight")
        _writeable(self.nobs, np.int64, n, "nobs")
        return self


class CovState(NamedTuple):
    """The EW covariance state of ``n`` pairs of series, updated in place by the kernels.

    ``mean_x``/``mean_y``: the EW means; ``cov``: the co-moment (the biased
    covariance); ``sum_wt``/``sum_wt2``: Σw and Σw² of the observations (for
    pandas' debiasing factor); ``old_wt``: the weight of the past; ``nobs``:
    observations so far (int64).
    """

    mean_x: np.ndarray
    mean_y: np.ndarray
    cov: np.ndarray
    sum_wt: np.ndarray
    sum_wt2: np.ndarray
    old_wt: np.ndarray
    nobs: np.ndarray

    @classmethod
    def fresh(cls, n: int, start: np.ndarray | None = None) -> "CovState":
        """Before any row: the start values (as means), no co-moment, unit weights, no observation."""
        mean = np.full(n, np.nan) if start is None else np.array(start, dtype=np.float64)
        return cls(mean, mean.copy(), np.zeros(n), np.ones(n), np.ones(n), np.ones(n), np.zeros(n, dtype=np.int64))

    def checked(self, n: int) -> "CovState":
        """Itself, after refusing arrays a kernel would read or write out of bounds."""
        for name, a in zip(self._fields, self):
            _writeable(a, np.int64 if name == "nobs" else np.float64, n, name)
        return self
