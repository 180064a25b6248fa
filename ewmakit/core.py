r"""EWMA, EW variance/std/covariance/correlation on arrays.

Everything here follows one recursion,

.. math::

    v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t ,

with pandas' treatment of missing values, ``adjust`` (our ``bias_correction``)
and ``min_periods``. The public functions validate once, hand a 2-D
``(time, series)`` float array to the engine (:mod:`ewmakit._engine`, the
compiled kernels) and give the result back in the caller's shape. The streaming
:class:`ewmakit.EWMA` (:mod:`ewmakit.streaming`) runs on the same engine state.
"""

from __future__ import annotations

import datetime
import functools
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

import numpy as np

from . import _engine as engine
from ._checks import check_bool, is_real
from ._engine import Options, row_major  # noqa: F401 - row_major: the layout helper, also core's
from ._frames import Table, kind_of
from ._inputs import as_float_array, to_2d
from ._typing import ArrayLike, By, Data, Halflife, Init, Labels, Smoothed, SmoothingOptions, VarianceOptions
from .decay import resolve_beta

if TYPE_CHECKING:
    from typing import Unpack

    import pandas as pd
    import polars as pl

__all__ = ["ewma", "ewmvar", "ewmstd", "ewmcov", "ewmcorr", "ewma_weights"]

_INITS = ("first", "zero")


# --------------------------------------------------------------------------- options


_INT64_MAX = np.iinfo(np.int64).max


def check_min_periods(min_periods) -> int:
    if isinstance(min_periods, bool) or not isinstance(min_periods, numbers.Integral) or min_periods < 0:
        raise ValueError(f"min_periods must be an integer >= 0, got {min_periods!r}")
    # beyond int64 no series can ever have that many observations: the same as the largest int64
    return max(min(int(min_periods), _INT64_MAX), 1)


def check_init(init, bias_correction: bool):
    """Return ``"first"`` or the start value (float or float array)."""
    if isinstance(init, str):
        if init not in _INITS:
            raise ValueError(f"init must be 'first', 'zero', a number or an array, got {init!r}")
        if init == "first" or bias_correction:
            return "first"
        return np.float64(0.0)
    if init is None:
        raise ValueError("init must be 'first', 'zero', a number or an array, got None")
    value = as_float_array(init, "init").astype(np.float64)
    if not np.all(np.isfinite(value)):
        raise ValueError(f"init must be finite, got {init!r}")
    if bias_correction:
        if np.any(value != 0):
            raise ValueError(
                f"bias_correction=True starts from zero (pandas adjust=True); it cannot be combined with init={init!r}"
            )
        return "first"
    return value


def halflife_ns(halflife) -> float:
    import pandas as pd

    if isinstance(halflife, (str, datetime.timedelta, np.timedelta64)):
        try:
            td = pd.Timedelta(halflife)
        except ValueError as exc:
            raise ValueError(f"halflife must be a time span such as '2D' with datetime times, got {halflife!r}") from exc
        if pd.isna(td) or td.value <= 0:
            raise ValueError(f"halflife must be a positive time span, got {halflife!r}")
        return float(td.value)
    raise ValueError(
        f"halflife must be a time span (a timedelta or a string such as '2D') with datetime times, got {halflife!r}"
    )


def time_decay(times, halflife, n: int, *, lazy: bool = False, keys=None):
    """Per-row decay 0.5 ** (Δt/halflife) for ``times`` (row 0 gets 1.0).

    ``lazy``: for datetimes, return the stamps ``(int64 stamps, ns per unit,
    -1/halflife in ns)`` instead (see :func:`stamp_decays`), after checking
    everything but their order and NaTs; numbers give the decays as always.
    ``keys`` (:class:`ewmakit._keys.Keys`): each row's decay is from the
    previous row of its group (1 at a group's first row), the times checked
    within each group; rows with a missing key are not looked at.
    """
    import pandas as pd

    if isinstance(times, str):
        raise ValueError(f"times must be an array of datetimes or numbers, got the string {times!r}")
    if hasattr(times, "dtype") and isinstance(getattr(times, "dtype"), pd.DatetimeTZDtype):
        times = pd.DatetimeIndex(times).tz_convert("UTC").tz_localize(None)
    arr = np.asarray(times)
    if arr.ndim != 1:
        raise ValueError(f"times must be one-dimensional, got shape {arr.shape}")
    if len(arr) != n:
        raise ValueError(f"times must have one entry per row ({n}), got {len(arr)}")
    if arr.dtype.kind == "O" and n:  # datetime objects, possibly tz-aware
        try:
            idx = pd.DatetimeIndex(arr)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"times must be datetimes or numbers, got values such as {arr[0]!r}") from exc
        arr = (idx.tz_convert("UTC").tz_localize(None) if idx.tz is not None else idx).to_numpy()
    if arr.dtype.kind == "M":  # one compiled pass: steps, checks and decays
        unit: Any = np.datetime_data(arr.dtype)[0]  # (a str the stubs want as a Literal of numpy's units)
        stamps = (np.ascontiguousarray(arr).view(np.int64), int(np.timedelta64(1, unit) / np.timedelta64(1, "ns")),
                  -1.0 / halflife_ns(halflife))
        if keys is not None:
            return _group_decays(stamps[0], keys, stamps[1], stamps[2])
        return stamps if lazy else engine.stamp_decays(stamps)
    elif arr.dtype.kind in "iuf":
        t = arr.astype(np.float64)
        bad = ~np.isfinite(t) if keys is None else ~np.isfinite(t) & (keys.codes >= 0)
        if bad.any():
            raise ValueError(f"times must be finite, got {t[bad][0]} at position {int(np.argmax(bad))}")
        if not is_real(halflife):  # a timedelta with numeric times has no unit to compare with
            raise ValueError(f"halflife must be a number in the units of numeric times, got {halflife!r}")
        h = float(halflife)
        if not (0.0 < h < np.inf):
            raise ValueError(f"halflife must be in (0, inf), got {halflife!r}")
        if keys is not None:
            return _group_decays(t, keys, 0, -1.0 / h)
        dt = np.diff(t)
    else:
        raise TypeError(f"times must be datetimes or numbers, got dtype {arr.dtype}")
    if np.any(dt < 0):
        k = int(np.argmax(dt < 0)) + 1
        raise ValueError(f"times must be non-decreasing, but row {k} comes before row {k - 1}")
    decay = np.empty(n, dtype=np.float64)
    if n:
        decay[0] = 1.0
        decay[1:] = engine.decay_over(dt, h)
    return decay


def _group_decays(times: np.ndarray, keys, unit_ns: int, neg_scale: float) -> np.ndarray:
    """Each row's decay from the previous row of its group, or the error naming the group and the rows."""
    decay, row, problem = engine.group_decays(times, keys.codes, keys.groups, unit_ns=unit_ns, neg_scale=neg_scale)
    if problem == 1:
        raise ValueError(f"times must not contain NaT, found one at position {row} (group {keys.label(keys.codes[row])})")
    if problem == 2:
        g = keys.codes[row]
        before = int(np.flatnonzero(keys.codes[:row] == g)[-1])
        raise ValueError(f"times must be non-decreasing within each group, but in group {keys.label(g)} row {row} "
                         f"comes before row {before}")
    return decay


def resolve_options(n_rows, beta=None, *, alpha=None, window=None, span=None, halflife=None, com=None,
                    init="first", bias_correction=False, ignore_na=False, times=None, min_periods=0,
                    lazy_times=False, keys=None) -> Options:
    """Validate every smoothing option once, at the public boundary.

    ``lazy_times``: keep datetime ``times`` of a long series as stamps (``Options.stamps``), their decays
    computed where they are used. ``keys``: the rows' groups (``by=``); times are then per group.
    """
    bias_correction = check_bool("bias_correction", bias_correction)
    ignore_na = check_bool("ignore_na", ignore_na)
    minp = check_min_periods(min_periods)
    start = check_init(init, bias_correction)
    if times is None:
        b = resolve_beta(beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com)
        decay = None
    else:
        others = {k: v for k, v in (("beta", beta), ("alpha", alpha), ("window", window), ("span", span),
                                    ("com", com)) if v is not None}
        if others or halflife is None:
            got = ", ".join(f"{k}={v!r}" for k, v in others.items()) or "no halflife"
            raise ValueError(f"with times the decay must be given as halflife=... alone, got {got}")
        if not isinstance(start, str):
            raise ValueError(
                f"with times use init='first' or bias_correction=True; a start value (init={init!r}) "
                "has no time of its own to decay from"
            )
        decay = time_decay(times, halflife, n_rows, lazy=lazy_times and engine.config.is_long(n_rows, 1),
                           keys=keys)
        b = 0.0
    if isinstance(decay, tuple):
        return Options(beta=b, decay=None, adjust=bias_correction, init=start, ignore_na=ignore_na, minp=minp,
                       stamps=decay)
    return Options(beta=b, decay=decay, adjust=bias_correction, init=start, ignore_na=ignore_na, minp=minp)


# --------------------------------------------------------------------------- shared by the functions


def _prepare(x, axis, name="x", check=True):
    arr = as_float_array(x, name)
    x2, restore = to_2d(arr, axis)
    if check:
        engine.check_finite(arr, name)  # positions in the caller's array, not the 2-D view
    return arr, x2, restore


def _out_2d(out, arr: np.ndarray, axis):
    """``out`` (checked: the result's shape and dtype, writeable, C/F-contiguous, apart from the input) as the
    2-D view the kernels write, or None when that view would be a copy (the result is then copied into it)."""
    engine.check_out(out, arr.shape, arr.dtype, inputs=(arr,))
    out2, _ = to_2d(out, axis)
    return out2 if np.shares_memory(out2, out) else None


def _result(res2: np.ndarray, restore, out, out2):
    """The kernels' result in the caller's shape: ``out`` itself when one was given (as numpy's ufuncs do)."""
    if out is None:
        return restore(res2)
    if out2 is None:  # out's 2-D view would have been a copy: the result was computed apart
        np.copyto(out, restore(res2))
    return out


_DECAY_DOC = """beta : float, optional
        Weight of the past, 0 <= beta < 1. Give exactly one of ``beta``,
        ``alpha``, ``window``, ``halflife`` and ``com``.
    alpha : float, optional
        Weight of the newest point, 0 < alpha <= 1 (pandas ``alpha``).
    window, span : float, optional
        n-period EMA, n >= 1: beta = 1 - 2/(n+1); ``span`` is pandas' name
        for the same thing.
    halflife : float, str or timedelta, optional
        Half-life in steps; with ``times``, a time span ("2D", a timedelta) or a
        number in the units of numeric times.
    com : float, optional
        Centre of mass, >= 0: beta = com/(1+com).
    init : {"first", "zero"}, float or array, default "first"
        Start of the recursion. "first": v_0 = x_0 (pandas ``adjust=False``);
        "zero": v_{-1} = 0; a number or one number per series: v_{-1} = init.
        The recursion starts at the first observation; rows before it are NaN.
    bias_correction : bool, default False
        Start from zero and divide by 1 - beta**(t+1): pandas ``adjust=True``
        and Adam's bias-corrected moments.
    ignore_na : bool, default False
        pandas' ``ignore_na``: if False, a missing row still decays the past,
        and the weights are renormalised at the next observation; if True,
        missing rows are skipped as if absent.
    times : array of datetimes or numbers, or str, optional
        Time of each row (non-decreasing, no NaT; within each group with
        ``by``). Row i decays the past by 0.5 ** ((t_i - t_{i-1}) / halflife).
        Needs ``halflife``. For a DataFrame, the name of a column, or
        ``"index"`` for a pandas object's index.
    min_periods : int, default 0
        Rows with fewer observations so far than this are NaN.
    axis : int, default 0
        The time axis (0 with ``by``).
    by : label, list of labels, or array, optional
        Group keys: the name(s) of key columns of a DataFrame, or one key per
        row (an array, a Series on the same index; a list of such arrays for
        several keys). Each group is smoothed on its own rows in input order
        (they need not be contiguous), as pandas ``groupby(by).ewm(...)``, in
        one pass; the result is aligned with the input rows. Rows whose key is
        missing (None, NaN, NaT) are NaN, as pandas leaves them out
        (``dropna=True``).
    columns : label or list of labels, optional
        The value columns of a DataFrame. Default: every column holding
        numbers that is neither a key nor the times; a column holding text is
        a TypeError naming it. One label (``columns="close"``) gives a Series
        named after it, ready to assign as a column; a list gives a
        DataFrame, as ``df["close"]`` and ``df[["close"]]`` do."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _fill_doc(func: _F) -> _F:
    func.__doc__ = (func.__doc__ or "").replace("{decay}", _DECAY_DOC)
    return func


# --------------------------------------------------------------------------- tables: types, keys, columns

_SPEC = ("beta", "alpha", "window", "span", "halflife", "com", "init", "bias_correction", "ignore_na", "times",
         "min_periods")


def _spec(given: dict) -> dict:
    """The smoothing options among a public function's arguments."""
    return {k: given[k] for k in _SPEC}


def _plain(x, by, columns, times) -> bool:
    """An array in, an array out, no keys: the direct path (nothing to unwrap or wrap)."""
    return by is None and columns is None and not isinstance(times, str) and kind_of(x) == "array"


def _on_table(stat: str, x, y, spec: dict, *, axis, by, columns, out, bias=False):
    """A smoother on a pandas/polars object or with ``by=``: the values unwrapped, the result in the input's type."""
    tx = Table(x, "x", by=by, columns=columns, times=spec["times"])
    if out is not None and tx.kind != "array":
        raise TypeError(f"out= takes the result of an ndarray input; x is a {tx.type_name}, whose result is a "
                        f"new object of its type (pass x.to_numpy() to write into out)")
    ty = None
    if y is not None:
        pick = tx.columns if kind_of(y) in ("frame", "pl_frame") and tx.columns is not None \
            and all(c in list(y.columns) for c in tx.columns) else None
        ty = Table(y, "y", columns=pick)
        if ty.values.shape != tx.values.shape:
            raise ValueError(f"x and y must have the same shape, got {tx.values.shape} and {ty.values.shape}")
        if tx.index is not None and ty.index is not None and not tx.index.equals(ty.index):
            raise ValueError("x and y must share one index; align them first (e.g. with .align)")
    res = run_table(stat, tx, ty, spec, axis=axis, out=out, bias=bias)
    return out if out is not None else tx.wrap(res)


def run_table(stat: str, tx: Table, ty: Table | None, spec: dict, *, axis=0, out=None, bias=False) -> np.ndarray:
    """``stat`` ("mean", "var", "std", "cov", "corr") of a :class:`~ewmakit._frames.Table`'s values, as an array.

    ``spec``: the smoothing options (its ``times`` replaced by the table's).
    Without keys the array functions do the work; with keys each group is
    smoothed on its own rows in one pass (:func:`ewmakit._engine.run_mean_groups`)
    and the result has the shape of :meth:`Table.values_2d`.
    """
    spec = dict(spec, times=tx.times)
    if stat in ("cov", "corr") and ty is None:
        raise TypeError(f"{stat} takes two inputs: ty (the table of y) is missing")
    ty2 = cast(Table, ty)  # given for cov and corr (checked above), the only stats that use it
    if tx.keys is None:
        if stat == "mean":
            return ewma(tx.values, **spec, axis=axis, out=out)
        if stat in ("var", "std"):
            return (ewmvar if stat == "var" else ewmstd)(tx.values, **spec, axis=axis, bias=bias, out=out)
        if stat == "cov":
            return ewmcov(tx.values, ty2.values, **spec, axis=axis, bias=bias)
        return ewmcorr(tx.values, ty2.values, **spec, axis=axis)
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or axis not in (0, -tx.values.ndim):
        raise ValueError(f"with by= the rows are the time axis: axis must be 0, got {axis!r}")
    x2 = tx.values_2d()
    keys = tx.keys
    opts = resolve_options(x2.shape[0], **spec, keys=keys)
    out2 = None
    if out is not None:
        engine.check_out(out, tx.values.shape, tx.values.dtype, inputs=(tx.values,))
        out2 = out.reshape(x2.shape)
    run = functools.partial(engine.run_cov_groups, codes=keys.codes, groups=keys.groups, opts=opts)
    if stat == "mean":
        return engine.run_mean_groups(x2, keys.codes, keys.groups, opts, out=out2)
    if stat in ("var", "std"):
        return run(x2, x2, bias=check_bool("bias", bias), root=stat == "std", out=out2)
    if stat == "cov":
        return run(x2, ty2.values_2d(), bias=check_bool("bias", bias))
    return _correlation(x2, ty2.values_2d(), lambda a, b: run(a, b, bias=True))


# --------------------------------------------------------------------------- public


@overload
def ewma(x: pd.Series, beta: float | None = ..., **options: Unpack[SmoothingOptions]) -> pd.Series: ...
@overload
def ewma(x: pd.DataFrame, beta: float | None = ..., *, columns: str,
         **options: Unpack[SmoothingOptions]) -> pd.Series: ...
@overload
def ewma(x: pd.DataFrame, beta: float | None = ..., *, columns: list[Any] | None = ...,
         **options: Unpack[SmoothingOptions]) -> pd.DataFrame: ...
@overload
def ewma(x: pl.Series, beta: float | None = ..., **options: Unpack[SmoothingOptions]) -> pl.Series: ...
@overload
def ewma(x: np.ndarray | list[Any] | tuple[Any, ...], beta: float | None = ..., *, out: np.ndarray | None = ...,
         **options: Unpack[SmoothingOptions]) -> np.ndarray: ...
@overload
def ewma(x: Data, beta: float | None = ..., *, columns: Labels | None = ..., out: np.ndarray | None = ...,
         **options: Unpack[SmoothingOptions]) -> Smoothed: ...
@_fill_doc
def ewma(x: Data, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
         span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
         bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
         min_periods: int = 0, axis: int = 0, by: By | None = None, columns: Labels | None = None,
         out: np.ndarray | None = None) -> Smoothed:
    r"""Exponentially weighted moving average.

    .. math::

        v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

    Parameters
    ----------
    x : array_like, pandas or polars Series or DataFrame
        Data, any number of dimensions (rows of a DataFrame: the time axis);
        NaN (and NA, None, a null) marks a missing value. Columns of any
        numeric dtype are taken as float64: nullable, pyarrow, object
        columns holding numbers, categories with numeric categories.
    {decay}
    out : numpy.ndarray, optional
        For an ndarray ``x``: a preallocated array of the result's shape and
        dtype (C- or F-contiguous, writeable, not overlapping ``x``), written
        and returned, as numpy's ufuncs do.

    Returns
    -------
    numpy.ndarray, Series or DataFrame
        The type that came in: a Series for a Series (index and name kept), a
        DataFrame of the value columns for a DataFrame (index kept), a polars
        Series/DataFrame for polars input, else an ndarray of ``x``'s shape
        (``out`` when given). float32 if the values are float32, else float64.

    Raises
    ------
    ValueError
        For a decay out of range, zero or several decay specifications, ±inf
        in ``x`` (the message names the first position), bad ``times`` or an
        init that contradicts ``bias_correction``.
    TypeError
        For non-numeric data.

    Notes
    -----
    With ``init="first"`` this is exactly pandas ``ewm(alpha=1-beta,
    adjust=False).mean()``; with ``bias_correction=True`` it is
    ``ewm(alpha=1-beta, adjust=True).mean()``, i.e.

    .. math::

        \hat v_t = \frac{\sum_{k=0}^{t} \beta^k x_{t-k}}{\sum_{k=0}^{t} \beta^k}
                 = \frac{m_t}{1 - \beta^{t+1}}, \quad m_{-1} = 0 .

    After a gap of k missing rows (``ignore_na=False``) the past keeps weight
    β^(k+1) against α = 1 − β for the new point, renormalised to sum 1.
    With ``times`` and no gaps the step is v_i = d_i v_{i-1} + (1 − d_i) x_i,
    d_i = 0.5 ** (Δt_i / halflife); with ``bias_correction=True`` this equals
    pandas ``ewm(halflife=..., times=...)``. (pandas 3 without ``adjust``
    handles a gap in ``times`` by decaying over the whole gap in one step; we
    keep the renormalisation above, so that a regular grid gives exactly the
    untimed result.)

    Examples
    --------
    >>> ewma([1.0, 2.0, 3.0], 0.5)
    array([1.  , 1.5 , 2.25])
    >>> ewma([1.0, 2.0, 3.0], 0.5, bias_correction=True).round(4)
    array([1.    , 1.6667, 2.4286])
    >>> ewma([1.0, 2.0, 3.0], 0.9, init="zero").round(3)
    array([0.1  , 0.29 , 0.561])

    A long table, one series per ticker:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"ticker": ["A", "B", "A", "B"], "close": [1.0, 10.0, 3.0, 30.0]})
    >>> ewma(df, 0.5, by="ticker")
       close
    0    1.0
    1   10.0
    2    2.0
    3   20.0
    """
    if not _plain(x, by, columns, times):
        return _on_table("mean", x, None, _spec(locals()), axis=axis, by=by, columns=columns, out=out)
    arr, x2, restore = _prepare(x, axis, check=False)  # the kernel itself counts ±inf
    out2 = None if out is None else _out_2d(out, arr, axis)
    opts = resolve_options(x2.shape[0], beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com,
                           init=init, bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                           min_periods=min_periods, lazy_times=x2.shape[1] == 1)
    res2 = engine.run_mean(x2, opts, out=out2, sources=((arr, "x"),))
    return _result(res2, restore, out, out2)


def _cov_common(x, y, beta, alpha, window, span, halflife, com, init, bias_correction, ignore_na, times,
                min_periods, axis):
    # a variance: run_cov looks for ±inf only if the result shows one (every ±inf enters it); a pair is checked
    # now, as a ±inf next to a missing value would never show
    xa, x2, restore = _prepare(x, axis, "x", check=y is not None)
    sources = ((xa, "x"),) if y is None else ()
    if y is None:
        y2 = x2
    else:
        ya = as_float_array(y, "y")
        if ya.shape != xa.shape:
            raise ValueError(f"x and y must have the same shape, got {xa.shape} and {ya.shape}")
        y2, _ = to_2d(ya, axis)
        engine.check_finite(ya, "y")
    opts = resolve_options(x2.shape[0], beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com,
                           init=init, bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                           min_periods=min_periods)
    return x2, y2, opts, restore, sources


def _variance(x, beta, alpha, window, span, halflife, com, init, bias_correction, ignore_na, times, min_periods,
              axis, bias, out, root):
    """ewmvar (``root``: ewmstd) of an array with an optional ``out``."""
    x2, y2, opts, restore, sources = _cov_common(x, None, beta, alpha, window, span, halflife, com, init,
                                                 bias_correction, ignore_na, times, min_periods, axis)
    out2 = None
    if out is not None:
        arr = sources[0][0]
        out2 = _out_2d(out, arr, axis)
    res2 = engine.run_cov(x2, y2, opts, bias=check_bool("bias", bias), root=root, out=out2, sources=sources)
    return _result(res2, restore, out, out2)


@overload
def ewmvar(x: pd.Series, beta: float | None = ..., **options: Unpack[VarianceOptions]) -> pd.Series: ...
@overload
def ewmvar(x: pd.DataFrame, beta: float | None = ..., *, columns: str,
           **options: Unpack[VarianceOptions]) -> pd.Series: ...
@overload
def ewmvar(x: pd.DataFrame, beta: float | None = ..., *, columns: list[Any] | None = ...,
           **options: Unpack[VarianceOptions]) -> pd.DataFrame: ...
@overload
def ewmvar(x: pl.Series, beta: float | None = ..., **options: Unpack[VarianceOptions]) -> pl.Series: ...
@overload
def ewmvar(x: np.ndarray | list[Any] | tuple[Any, ...], beta: float | None = ..., *, out: np.ndarray | None = ...,
           **options: Unpack[VarianceOptions]) -> np.ndarray: ...
@overload
def ewmvar(x: Data, beta: float | None = ..., *, columns: Labels | None = ..., out: np.ndarray | None = ...,
           **options: Unpack[VarianceOptions]) -> Smoothed: ...
@_fill_doc
def ewmvar(x: Data, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
           span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
           bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
           min_periods: int = 0, axis: int = 0, bias: bool = False, by: By | None = None, columns: Labels | None = None,
           out: np.ndarray | None = None) -> Smoothed:
    r"""Exponentially weighted moving variance.

    The weighted variance of the data around its EWMA, with the same weights
    as :func:`ewma`:

    .. math::

        \sigma^2_t = \frac{\sum_k w_k (x_k - \bar x_t)^2}{\sum_k w_k}
        \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

    where the last factor (pandas' debiasing factor) is left out when
    ``bias=True``. It is updated with West's stable recursion, never as
    E[x²] − E[x]².

    Parameters
    ----------
    x : array_like, pandas or polars Series or DataFrame
        Data (rows of a DataFrame: the time axis); NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, the plain weighted variance (pandas ``var(bias=True)``).
    out : numpy.ndarray, optional
        For an ndarray ``x``: a preallocated array of the result's shape and
        dtype (C- or F-contiguous, writeable, not overlapping ``x``), written
        and returned, as numpy's ufuncs do.

    Returns
    -------
    numpy.ndarray, Series or DataFrame
        The type that came in (a Series, a DataFrame of the value
        columns, a polars object, else an ndarray of ``x``'s shape). The first observation has variance NaN (``bias=False``) or 0
        (``bias=True``), as in pandas.

    Notes
    -----
    Equals pandas ``ewm(...).var(bias=...)`` for the same options; ``times``
    (which pandas supports only for the mean) decays the weights exactly as for
    :func:`ewma`. A start value ``init=c`` enters as a pseudo-observation with
    the weight it has in the mean.

    Examples
    --------
    >>> ewmvar([1.0, 5.0, 2.0, 8.0], 0.7).round(4)
    array([    nan,  8.    ,  3.7718, 12.198 ])
    """
    if not _plain(x, by, columns, times):
        return _on_table("var", x, None, _spec(locals()), axis=axis, by=by, columns=columns, out=out, bias=bias)
    return _variance(x, beta, alpha, window, span, halflife, com, init, bias_correction, ignore_na, times,
                     min_periods, axis, bias, out, root=False)


@overload
def ewmstd(x: pd.Series, beta: float | None = ..., **options: Unpack[VarianceOptions]) -> pd.Series: ...
@overload
def ewmstd(x: pd.DataFrame, beta: float | None = ..., *, columns: str,
           **options: Unpack[VarianceOptions]) -> pd.Series: ...
@overload
def ewmstd(x: pd.DataFrame, beta: float | None = ..., *, columns: list[Any] | None = ...,
           **options: Unpack[VarianceOptions]) -> pd.DataFrame: ...
@overload
def ewmstd(x: pl.Series, beta: float | None = ..., **options: Unpack[VarianceOptions]) -> pl.Series: ...
@overload
def ewmstd(x: np.ndarray | list[Any] | tuple[Any, ...], beta: float | None = ..., *, out: np.ndarray | None = ...,
           **options: Unpack[VarianceOptions]) -> np.ndarray: ...
@overload
def ewmstd(x: Data, beta: float | None = ..., *, columns: Labels | None = ..., out: np.ndarray | None = ...,
           **options: Unpack[VarianceOptions]) -> Smoothed: ...
@_fill_doc
def ewmstd(x: Data, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
           span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
           bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
           min_periods: int = 0, axis: int = 0, bias: bool = False, by: By | None = None, columns: Labels | None = None,
           out: np.ndarray | None = None) -> Smoothed:
    r"""Exponentially weighted moving standard deviation, the square root of :func:`ewmvar`.

    .. math::

        \sigma_t = \sqrt{\operatorname{ewmvar}(x)_t}

    Parameters
    ----------
    x : array_like, pandas or polars Series or DataFrame
        Data (rows of a DataFrame: the time axis); NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, without pandas' debiasing factor.
    out : numpy.ndarray, optional
        For an ndarray ``x``: a preallocated array of the result's shape and
        dtype (C- or F-contiguous, writeable, not overlapping ``x``), written
        and returned, as numpy's ufuncs do.

    Returns
    -------
    numpy.ndarray, Series or DataFrame
        The type that came in (a Series, a DataFrame of the value
        columns, a polars object, else an ndarray of ``x``'s shape). Equals pandas ``ewm(...).std(bias=...)``.

    Examples
    --------
    >>> ewmstd([1.0, 5.0, 2.0, 8.0], 0.7).round(4)
    array([   nan, 2.8284, 1.9421, 3.4926])
    """
    if not _plain(x, by, columns, times):
        return _on_table("std", x, None, _spec(locals()), axis=axis, by=by, columns=columns, out=out, bias=bias)
    return _variance(x, beta, alpha, window, span, halflife, com, init, bias_correction, ignore_na, times,
                     min_periods, axis, bias, out, root=True)  # the kernel takes the square root


@overload
def ewmcov(x: pd.Series, y: ArrayLike, beta: float | None = ..., **options: Unpack[VarianceOptions]) -> pd.Series: ...
@overload
def ewmcov(x: pd.DataFrame, y: ArrayLike, beta: float | None = ..., *, columns: str,
           **options: Unpack[VarianceOptions]) -> pd.Series: ...
@overload
def ewmcov(x: pd.DataFrame, y: ArrayLike, beta: float | None = ..., *, columns: list[Any] | None = ...,
           **options: Unpack[VarianceOptions]) -> pd.DataFrame: ...
@overload
def ewmcov(x: pl.Series, y: ArrayLike, beta: float | None = ..., **options: Unpack[VarianceOptions]) -> pl.Series: ...
@overload
def ewmcov(x: np.ndarray | list[Any] | tuple[Any, ...], y: ArrayLike, beta: float | None = ...,
           **options: Unpack[VarianceOptions]) -> np.ndarray: ...
@overload
def ewmcov(x: Data, y: Data, beta: float | None = ..., *, columns: Labels | None = ...,
           **options: Unpack[VarianceOptions]) -> Smoothed: ...
@_fill_doc
def ewmcov(x: Data, y: Data, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
           span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
           bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
           min_periods: int = 0, axis: int = 0, bias: bool = False, by: By | None = None,
           columns: Labels | None = None) -> Smoothed:
    r"""Exponentially weighted moving covariance of ``x`` and ``y``.

    .. math::

        c_t = \frac{\sum_k w_k (x_k - \bar x_t)(y_k - \bar y_t)}{\sum_k w_k}
        \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

    Rows where either series is missing are missing for both.

    Parameters
    ----------
    x, y : array_like, pandas or polars Series or DataFrame
        Data of the same shape (pandas objects on the same index); NaN marks a
        missing value. With a DataFrame ``x``, ``by`` and ``columns`` name
        its columns; a DataFrame ``y`` gives the same value columns.
    {decay}
    bias : bool, default False
        If True, without pandas' debiasing factor.

    Returns
    -------
    numpy.ndarray, Series or DataFrame
        The type that came in (a Series, a DataFrame of the value
        columns, a polars object, else an ndarray of ``x``'s shape). Equals pandas ``x.ewm(...).cov(y, bias=...)``.

    Examples
    --------
    >>> ewmcov([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 0.5).round(4)
    array([nan, 1. , 0.4])
    """
    if not (_plain(x, by, columns, times) and kind_of(y) == "array"):
        return _on_table("cov", x, y, _spec(locals()), axis=axis, by=by, columns=columns, out=None, bias=bias)
    x2, y2, opts, restore, sources = _cov_common(x, y, beta, alpha, window, span, halflife, com, init,
                                                 bias_correction, ignore_na, times, min_periods, axis)
    return restore(engine.run_cov(x2, y2, opts, bias=check_bool("bias", bias), sources=sources))


@overload
def ewmcorr(x: pd.Series, y: ArrayLike, beta: float | None = ..., **options: Unpack[SmoothingOptions]) -> pd.Series: ...
@overload
def ewmcorr(x: pd.DataFrame, y: ArrayLike, beta: float | None = ..., *, columns: str,
            **options: Unpack[SmoothingOptions]) -> pd.Series: ...
@overload
def ewmcorr(x: pd.DataFrame, y: ArrayLike, beta: float | None = ..., *, columns: list[Any] | None = ...,
            **options: Unpack[SmoothingOptions]) -> pd.DataFrame: ...
@overload
def ewmcorr(x: pl.Series, y: ArrayLike, beta: float | None = ..., **options: Unpack[SmoothingOptions]) -> pl.Series: ...
@overload
def ewmcorr(x: np.ndarray | list[Any] | tuple[Any, ...], y: ArrayLike, beta: float | None = ...,
            **options: Unpack[SmoothingOptions]) -> np.ndarray: ...
@overload
def ewmcorr(x: Data, y: Data, beta: float | None = ..., *, columns: Labels | None = ...,
            **options: Unpack[SmoothingOptions]) -> Smoothed: ...
@_fill_doc
def ewmcorr(x: Data, y: Data, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, axis: int = 0, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""Exponentially weighted moving correlation of ``x`` and ``y``.

    .. math::

        \rho_t = \frac{c^{xy}_t}{\sqrt{c^{xx}_t\, c^{yy}_t}}

    with the biased (plain weighted) covariances, all three over the rows
    where both series are present, as pandas computes it.

    Parameters
    ----------
    x, y : array_like, pandas or polars Series or DataFrame
        Data of the same shape (pandas objects on the same index); NaN marks a
        missing value. With a DataFrame ``x``, ``by`` and ``columns`` name
        its columns; a DataFrame ``y`` gives the same value columns.
    {decay}

    Returns
    -------
    numpy.ndarray, Series or DataFrame
        The type that came in (a Series, a DataFrame of the value
        columns, a polars object, else an ndarray of ``x``'s shape). Equals pandas ``x.ewm(...).corr(y)``; NaN where a variance is zero.

    Examples
    --------
    >>> ewmcorr([1.0, 2.0, 4.0, 3.0], [1.0, 3.0, 2.0, 5.0], 0.5).round(4)
    array([   nan, 1.    , 0.2722, 0.2132])
    """
    if not (_plain(x, by, columns, times) and kind_of(y) == "array"):
        return _on_table("corr", x, y, _spec(locals()), axis=axis, by=by, columns=columns, out=None)
    x2, y2, opts, restore, sources = _cov_common(x, y, beta, alpha, window, span, halflife, com, init,
                                                 bias_correction, ignore_na, times, min_periods, axis)
    return restore(_correlation(x2, y2, lambda a, b: engine.run_cov(a, b, opts, bias=True,
                                                                    sources=sources if a is not b else ())))


def _correlation(x2: np.ndarray, y2: np.ndarray, cov: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """cov(x, y) / sqrt(cov(x, x)·cov(y, y)) over the rows where both are present (pandas' corr); ``cov(a, b)``
    the biased EW covariance of two 2-D arrays (``a is b``: a variance)."""
    missing = np.isnan(x2) | np.isnan(y2)  # as pandas: only rows where both are present count
    if missing.any():
        x2, y2 = np.where(missing, np.nan, x2), np.where(missing, np.nan, y2)
    cxy = cov(x2, y2)
    cxx = cov(x2, x2)
    cyy = cov(y2, y2)
    with np.errstate(all="ignore"):
        den = np.sqrt(np.where(cxx * cyy < 0, 0.0, cxx * cyy))
        out = cxy / den
    out[den == 0] = np.nan
    return out.astype(cxy.dtype, copy=False)


def ewma_weights(n: int, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
                 span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
                 init: Literal["first", "zero"] = "first", bias_correction: bool = False) -> np.ndarray:
    r"""Weights that :func:`ewma` gives the last ``n`` points, oldest first.

    For ``init="first"`` (the default) the oldest point also carries the weight
    of the start, so the weights sum to 1:

    .. math::

        w_0 = \beta^{n-1}, \qquad w_k = (1-\beta)\,\beta^{n-1-k}\ (k \ge 1).

    With ``bias_correction=True`` they are β^(n−1−k) / Σβ^j. With
    ``init="zero"`` they are (1−β)β^(n−1−k) and sum to 1 − βⁿ: the rest
    sits on the zero start.

    Parameters
    ----------
    n : int
        Number of points, >= 1.
    beta, alpha, window, span, halflife, com : float, optional
        Exactly one decay specification (see :func:`ewma`).
    init : {"first", "zero"}
        Start of the recursion.
    bias_correction : bool, default False
        The weights of pandas ``adjust=True``.

    Returns
    -------
    numpy.ndarray
        ``n`` weights, oldest first; ``ewma(x)[-1] == weights @ x[-n:]`` for a
        series of length ``n``.

    Examples
    --------
    >>> ewma_weights(3, 0.5)
    array([0.25, 0.25, 0.5 ])
    >>> ewma_weights(3, 0.5, bias_correction=True).round(4)
    array([0.1429, 0.2857, 0.5714])
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    b = resolve_beta(beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com)
    bias_correction = check_bool("bias_correction", bias_correction)
    start = check_init(init, bias_correction)
    if not isinstance(start, str) and np.any(start != 0):
        raise ValueError(f"init must be 'first' or 'zero' for ewma_weights, got {init!r}")
    powers = b ** np.arange(n - 1, -1, -1, dtype=np.float64)
    if bias_correction:
        return powers / powers.sum()
    w = (1.0 - b) * powers
    if isinstance(start, str):  # "first": the start value is x_0
        w[0] = b ** (n - 1)
    return w


# --------------------------------------------------------------------------- streaming
