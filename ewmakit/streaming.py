r"""The streaming EWMA: one value (or one row) at a time, the batch result for any chunking.

.. math::

    v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

:class:`EWMA` keeps the engine's :class:`~ewmakit._engine.MeanState` between
updates, so feeding a series in any chunks runs the same compiled step on the
same state as :func:`ewmakit.ewma` on the whole series. Its state dict is plain
Python and is checked entry by entry when read back.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _engine as engine
from ._checks import check_unit
from ._engine import MeanState, Options
from ._inputs import as_float_array
from ._typing import Init
from .core import resolve_options

__all__ = ["EWMA"]

_INT64_MAX = np.iinfo(np.int64).max


_OPTION_KEYS = ("beta", "init", "bias_correction", "ignore_na", "min_periods", "count", "shape", "dtype")
_STATE_KEYS = ("mean", "weight", "nobs", "last")
_MAX_SERIES = 1 << 40  # more series than any memory holds: a forged shape, refused before allocating


def _check_state_dict(d: object) -> dict[str, Any]:
    """The option entries of an :meth:`EWMA.state_dict`, checked for presence and type."""
    from collections.abc import Mapping

    if not isinstance(d, Mapping):
        raise TypeError(f"state dict must be a dict from EWMA.state_dict(), got {type(d).__name__}")
    missing = [k for k in _OPTION_KEYS if k not in d]
    if missing:
        raise ValueError(f"state dict lacks the key(s) {missing}; it must come from EWMA.state_dict()")
    unknown = [k for k in d if k not in _OPTION_KEYS + _STATE_KEYS]
    if unknown:
        raise ValueError(f"state dict has unknown key(s) {unknown!r}; it must come from EWMA.state_dict()")
    check_unit("beta", d["beta"])  # names the key; the constructor checks the other options
    count = d["count"]
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or not 0 <= int(count) <= _INT64_MAX:
        raise ValueError(f"state dict: count must be an integer in [0, 2**63 - 1], got {count!r}")
    return {**{k: d[k] for k in _OPTION_KEYS}, "count": int(count)}


def _state_values(d: Mapping[str, Any], key: str, n: int, integers: bool) -> np.ndarray:
    """``d[key]`` as ``n`` float64 (or int64) values, or the error naming ``key``."""
    value = d.get(key)
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"state dict: {key} must be a list of {n} numbers, got {value!r}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"state dict: {key} must be a list of {n} numbers ({exc})") from None
    kinds = "iu" if integers else "iuf"
    if arr.dtype.kind not in kinds or arr.dtype == np.float16:
        what = "integers" if integers else "real numbers (float32/float64)"
        raise TypeError(f"state dict: {key} must hold {what}, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"state dict: {key} must hold {n} values (the product of shape), got shape {arr.shape}")
    if integers:
        if arr.size and (arr.min() < 0 or arr.max() > _INT64_MAX):
            raise ValueError(f"state dict: {key} must hold integers in [0, 2**63 - 1], got {arr.min()} .. {arr.max()}")
        return np.ascontiguousarray(arr, dtype=np.int64)
    return np.array(arr, dtype=np.float64)


def _check_stream_state(d: Mapping[str, Any], fields: dict[str, Any],
                        opts: Options) -> tuple[tuple[int, ...], np.dtype, MeanState] | None:
    """``(shape, dtype, (mean, weight, nobs))`` of a state dict, every entry checked; None before any update."""
    shape, dtype, count = fields["shape"], fields["dtype"], fields["count"]
    present = [k for k in _STATE_KEYS if d.get(k) is not None]
    if shape is None:
        if dtype is not None or count or present:
            raise ValueError("state dict: with shape None (nothing fed yet) dtype, mean, weight, nobs and last "
                             f"must be None and count 0, got dtype={dtype!r}, count={count!r}, {present} given")
        return None
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (list, tuple)) or not all(
            not isinstance(v, bool) and isinstance(v, numbers.Integral) and 0 <= int(v) for v in shape):
        raise TypeError(f"state dict: shape must be a list of integers >= 0 (or None), got {shape!r}")
    n = 1
    for v in shape:
        n *= int(v)
    if n > _MAX_SERIES:
        raise ValueError(f"state dict: shape {list(shape)} holds {n} series, more than 2**40")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"state dict: dtype must be 'float32' or 'float64', got {dtype!r}")
    mean = _state_values(d, "mean", n, integers=False)
    weight = _state_values(d, "weight", n, integers=False)
    nobs = _state_values(d, "nobs", n, integers=True)
    if n and nobs.max() > count:
        raise ValueError(f"state dict: nobs must not exceed count ({count}) (one observation per row at most), "
                         f"got {nobs.max()}")
    started = nobs > 0
    if not np.isfinite(mean[started]).all():
        raise ValueError("state dict: mean must be finite once a series has observations, got "
                         f"{mean[started][~np.isfinite(mean[started])][0]}")
    start = engine.start_values(opts, n)  # before the first observation the state is the start value, weight 1
    fresh_mean = (mean == start) | (np.isnan(mean) & np.isnan(start))
    if not (fresh_mean[~started].all() and (weight[~started] == 1.0).all()):
        raise ValueError("state dict: a series without observations must hold the start value of init "
                         f"({'NaN' if isinstance(opts.init, str) else 'init'}) with weight 1")
    # the weight of the past: 1 after an observation without adjust, at most ~1/(1 - beta) with it; gaps decay it
    top = 1.0 / (1.0 - opts.beta) + 1.0 if opts.adjust else 1.0
    w = weight[started]
    if not ((w >= 0.0) & (w <= top)).all():
        raise ValueError(f"state dict: weight must be in [0, {top:g}] for beta={opts.beta!r} "
                         f"(bias_correction={opts.adjust}), got {w[~((w >= 0.0) & (w <= top))][0]!r}")
    last = d.get("last")
    if count == 0 and last is not None:
        raise ValueError(f"state dict: last must be None before any row (count 0), got {last!r}")
    if last is not None:
        given = _state_values(d, "last", n, integers=False).astype(dtype)
        derived = np.where(nobs >= opts.minp, mean, np.nan).astype(dtype)
        if not np.array_equal(given, derived, equal_nan=True):
            raise ValueError("state dict: last does not match mean, nobs and min_periods (the value they give)")
    return tuple(int(v) for v in shape), np.dtype(dtype), MeanState(mean, weight, nobs)


class EWMA:
    r"""Streaming exponentially weighted moving average.

    Feeds values one row at a time (or many rows at once) and keeps only the
    state of the recursion, so a long or endless stream needs no memory:

    .. math::

        v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

    Any chunking of a series gives what :func:`ewma` gives on the whole series
    (same compiled step, same state).

    Parameters
    ----------
    beta, alpha, window, halflife, com : float, optional
        Exactly one decay specification (see :func:`ewma`); ``halflife`` in steps.
    init : {"first", "zero"}, float or array, default "first"
        Start of the recursion (see :func:`ewma`).
    bias_correction : bool, default False
        Zero start divided by 1 − β^(t+1) (pandas ``adjust=True``).
    ignore_na : bool, default False
        pandas' treatment of NaN values (see :func:`ewma`).
    min_periods : int, default 0
        ``value`` is NaN until this many observations have been seen.

    Attributes
    ----------
    value : float, numpy.ndarray or None
        The current average (None before the first update).
    count : int
        Number of rows fed so far.

    Examples
    --------
    >>> s = EWMA(0.5)
    >>> for x in [1.0, 2.0, 3.0]:
    ...     print(s.update(x))
    1.0
    1.5
    2.25
    >>> s.update_many([4.0, 5.0])
    array([3.125 , 4.0625])
    >>> s.count
    5
    """

    def __init__(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
                 span: float | None = None, halflife: float | None = None, com: float | None = None,
                 init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
                 min_periods: int = 0) -> None:
        self._opts = resolve_options(0, beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com, init=init,
                                     bias_correction=bias_correction, ignore_na=ignore_na, times=None,
                                     min_periods=min_periods)
        self._min_periods = int(min_periods)
        self._init_spec = init
        self.reset()

    @property
    def beta(self) -> float:
        """β, the weight of the past."""
        return self._opts.beta

    def reset(self) -> None:
        """Forget everything fed so far (keeps the options)."""
        self._shape: tuple[int, ...] | None = None
        self._dtype: np.dtype | None = None
        self._state: MeanState | None = None
        self.count = 0

    def _feed(self, rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        if out is not None:
            dtype = rows.dtype if self._dtype is None else self._dtype
            engine.check_out(out, rows.shape, dtype, inputs=(rows,))
        if self._shape is None:
            self._shape = rows.shape[1:]
            self._dtype = rows.dtype
            n = int(np.prod(self._shape, dtype=np.int64))
            self._state = MeanState.fresh(n, engine.start_values(self._opts, n))
        elif rows.shape[1:] != self._shape:
            raise ValueError(f"x must have shape {self._shape} like the first update, got {rows.shape[1:]}")
        width = int(np.prod(rows.shape[1:], dtype=np.int64))  # not -1: a 0-row chunk must reshape too
        x2 = np.ascontiguousarray(rows.reshape(rows.shape[0], width), dtype=self._dtype)
        engine.check_finite(rows, "x")
        out2 = None if out is None else out.reshape(x2.shape)
        if out2 is not None and not np.shares_memory(out2, out):
            out2 = None  # an F-ordered out of more than 2 dimensions: written below
        res = engine.run_mean(x2, self._opts, self._state, out=out2)
        self.count += rows.shape[0]
        if out is None:
            return res.reshape(rows.shape)
        if out2 is None:
            np.copyto(out, res.reshape(rows.shape))
        return out

    def update(self, x: ArrayLike) -> float | np.ndarray:
        """Feed one row (a number, or an array of the shape of the first update).

        Returns
        -------
        float or numpy.ndarray
            The new average.
        """
        arr = as_float_array(x)
        out = self._feed(arr[None, ...])
        return float(out[0]) if arr.ndim == 0 else out[0]

    def update_many(self, xs: ArrayLike, *, out: np.ndarray | None = None) -> np.ndarray:
        """Feed rows along axis 0; returns the average after each row.

        Equals ``ewma(xs)`` on the concatenation of everything fed so far.

        Parameters
        ----------
        xs : array_like
            Rows along axis 0, each of the shape of the first update.
        out : numpy.ndarray, optional
            A preallocated array of the shape of ``xs`` and the stream's dtype
            (C- or F-contiguous, not overlapping ``xs``): written and returned.
        """
        arr = as_float_array(xs, "xs")
        if arr.ndim == 0:
            raise ValueError("xs must hold rows along axis 0, got a scalar (use update)")
        return self._feed(arr, out)

    def _current(self) -> np.ndarray | None:
        """The flat current average in the stream's dtype (what the last row gave), None before any row."""
        if self.count == 0 or self._state is None:  # (no state is kept before the first row)
            return None
        mean, _, nobs = self._state
        return np.where(nobs >= self._opts.minp, mean, np.nan).astype(self._dtype)

    @property
    def value(self) -> float | np.ndarray | None:
        """The current average: None before the first update, NaN before any observation."""
        last = self._current()
        if last is None:
            return None
        if self._shape == ():
            return float(last[0])
        return last.reshape(self._shape)

    def state_dict(self) -> dict[str, Any]:
        """The whole state as plain Python values (picklable, JSON-friendly but for NaN).

        :meth:`from_state_dict` reads it back and checks every entry, so a
        stored dict can be loaded safely whatever happened to it.
        """
        init = self._init_spec
        if not isinstance(init, str):
            init = np.asarray(init, dtype=np.float64).tolist()
        d: dict[str, Any] = {
            "beta": self._opts.beta,
            "init": init,
            "bias_correction": self._opts.adjust,
            "ignore_na": self._opts.ignore_na,
            "min_periods": self._min_periods,
            "count": self.count,
            "shape": None if self._shape is None else list(self._shape),
            "dtype": None if self._dtype is None else np.dtype(self._dtype).name,
        }
        if self._state is not None:
            mean, wt, nobs = self._state
            last = self._current()
            d.update(mean=mean.tolist(), weight=wt.tolist(), nobs=nobs.tolist(),
                     last=None if last is None else last.tolist())
        return d

    @classmethod
    def from_state_dict(cls, d: Mapping[str, Any]) -> EWMA:
        """Rebuild a streaming EWMA that continues exactly where ``d`` was taken.

        ``d`` is treated as untrusted (it may have been stored, edited or
        forged): every key, type, dtype, length and range is checked before
        any of it reaches the compiled kernel.

        Raises
        ------
        ValueError, TypeError
            Naming the key that is missing, unknown, of the wrong type, length
            or range, or inconsistent with the others.
        """
        fields = _check_state_dict(d)
        obj = cls(fields["beta"], init=fields["init"], bias_correction=fields["bias_correction"],
                  ignore_na=fields["ignore_na"], min_periods=fields["min_periods"])
        state = _check_stream_state(d, fields, obj._opts)
        obj.count = fields["count"]
        if state is not None:
            obj._shape, obj._dtype, obj._state = state
        return obj

    def __repr__(self) -> str:
        return f"EWMA(beta={self.beta!r}, count={self.count})"
