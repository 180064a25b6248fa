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
import numbers

import numpy as np

from . import _engine as engine
from ._checks import check_bool, is_real
from ._engine import Options, row_major  # noqa: F401 - row_major: the layout helper, also core's
from ._inputs import as_float_array, to_2d
from .decay import resolve_beta

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


def time_decay(times, halflife, n: int, *, lazy: bool = False):
    """Per-row decay 0.5 ** (Δt/halflife) for ``times`` (row 0 gets 1.0).

    ``lazy``: for datetimes, return the stamps ``(int64 stamps, ns per unit,
    -1/halflife in ns)`` instead (see :func:`stamp_decays`), after checking
    everything but their order and NaTs; numbers give the decays as always.
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
        unit, _ = np.datetime_data(arr.dtype)
        stamps = (np.ascontiguousarray(arr).view(np.int64), int(np.timedelta64(1, unit) / np.timedelta64(1, "ns")),
                  -1.0 / halflife_ns(halflife))
        return stamps if lazy else engine.stamp_decays(stamps)
    elif arr.dtype.kind in "iuf":
        t = arr.astype(np.float64)
        bad = ~np.isfinite(t)
        if bad.any():
            raise ValueError(f"times must be finite, got {t[bad][0]} at position {int(np.argmax(bad))}")
        dt = np.diff(t)
        if not is_real(halflife):  # a timedelta with numeric times has no unit to compare with
            raise ValueError(f"halflife must be a number in the units of numeric times, got {halflife!r}")
        h = float(halflife)
        if not (0.0 < h < np.inf):
            raise ValueError(f"halflife must be in (0, inf), got {halflife!r}")
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


def resolve_options(n_rows, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
                    bias_correction=False, ignore_na=False, times=None, min_periods=0, lazy_times=False) -> Options:
    """Validate every smoothing option once, at the public boundary.

    ``lazy_times``: keep datetime ``times`` of a long series as stamps (``Options.stamps``), their decays
    computed where they are used.
    """
    bias_correction = check_bool("bias_correction", bias_correction)
    ignore_na = check_bool("ignore_na", ignore_na)
    minp = check_min_periods(min_periods)
    start = check_init(init, bias_correction)
    if times is None:
        b = resolve_beta(beta, alpha=alpha, window=window, halflife=halflife, com=com)
        decay = None
    else:
        others = {k: v for k, v in (("beta", beta), ("alpha", alpha), ("window", window), ("com", com)) if v is not None}
        if others or halflife is None:
            got = ", ".join(f"{k}={v!r}" for k, v in others.items()) or "no halflife"
            raise ValueError(f"with times the decay must be given as halflife=... alone, got {got}")
        if not isinstance(start, str):
            raise ValueError(
                f"with times use init='first' or bias_correction=True; a start value (init={init!r}) "
                "has no time of its own to decay from"
            )
        decay = time_decay(times, halflife, n_rows, lazy=lazy_times and engine.config.is_long(n_rows, 1))
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
    window : float, optional
        n-period EMA, n >= 1: beta = 1 - 2/(n+1) (pandas ``span``).
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
    times : array of datetimes or numbers, optional
        Time of each row (non-decreasing, no NaT). Row i decays the past by
        0.5 ** ((t_i - t_{i-1}) / halflife). Needs ``halflife``.
    min_periods : int, default 0
        Rows with fewer observations so far than this are NaN.
    axis : int, default 0
        The time axis."""


def _fill_doc(func):
    func.__doc__ = func.__doc__.replace("{decay}", _DECAY_DOC)
    return func


# --------------------------------------------------------------------------- public


@_fill_doc
def ewma(x, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
         bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0, out=None) -> np.ndarray:
    r"""Exponentially weighted moving average.

    .. math::

        v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

    Parameters
    ----------
    x : array_like
        Data, any number of dimensions; NaN marks a missing value.
    {decay}
    out : numpy.ndarray, optional
        A preallocated array of the result's shape and dtype (C- or
        F-contiguous, writeable, not overlapping ``x``): written and returned,
        as numpy's ufuncs do.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; float32 if ``x`` is float32, else float64 (``out``
        when given).

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
    """
    arr, x2, restore = _prepare(x, axis, check=False)  # the kernel itself counts ±inf
    out2 = None if out is None else _out_2d(out, arr, axis)
    opts = resolve_options(x2.shape[0], beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
                           bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                           min_periods=min_periods, lazy_times=x2.shape[1] == 1)
    res2 = engine.run_mean(x2, opts, out=out2, sources=((arr, "x"),))
    return _result(res2, restore, out, out2)


def _cov_common(x, y, beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods,
                axis):
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
    opts = resolve_options(x2.shape[0], beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
                           bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                           min_periods=min_periods)
    return x2, y2, opts, restore, sources


def _variance(x, beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods, axis,
              bias, out, root):
    """ewmvar (``root``: ewmstd) with an optional ``out``."""
    x2, y2, opts, restore, sources = _cov_common(x, None, beta, alpha, window, halflife, com, init, bias_correction,
                                                 ignore_na, times, min_periods, axis)
    out2 = None
    if out is not None:
        arr = sources[0][0]
        out2 = _out_2d(out, arr, axis)
    res2 = engine.run_cov(x2, y2, opts, bias=check_bool("bias", bias), root=root, out=out2, sources=sources)
    return _result(res2, restore, out, out2)


@_fill_doc
def ewmvar(x, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
           bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0, bias=False,
           out=None) -> np.ndarray:
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
    x : array_like
        Data; NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, the plain weighted variance (pandas ``var(bias=True)``).
    out : numpy.ndarray, optional
        A preallocated array of the result's shape and dtype (C- or
        F-contiguous, writeable, not overlapping ``x``): written and returned,
        as numpy's ufuncs do.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``. The first observation has variance NaN
        (``bias=False``) or 0 (``bias=True``), as in pandas.

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
    return _variance(x, beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods,
                     axis, bias, out, root=False)


@_fill_doc
def ewmstd(x, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
           bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0, bias=False,
           out=None) -> np.ndarray:
    r"""Exponentially weighted moving standard deviation, the square root of :func:`ewmvar`.

    .. math::

        \sigma_t = \sqrt{\operatorname{ewmvar}(x)_t}

    Parameters
    ----------
    x : array_like
        Data; NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, without pandas' debiasing factor.
    out : numpy.ndarray, optional
        A preallocated array of the result's shape and dtype (C- or
        F-contiguous, writeable, not overlapping ``x``): written and returned,
        as numpy's ufuncs do.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; equals pandas ``ewm(...).std(bias=...)``.

    Examples
    --------
    >>> ewmstd([1.0, 5.0, 2.0, 8.0], 0.7).round(4)
    array([   nan, 2.8284, 1.9421, 3.4926])
    """
    return _variance(x, beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods,
                     axis, bias, out, root=True)  # the kernel takes the square root


@_fill_doc
def ewmcov(x, y, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
           bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0, bias=False) -> np.ndarray:
    r"""Exponentially weighted moving covariance of ``x`` and ``y``.

    .. math::

        c_t = \frac{\sum_k w_k (x_k - \bar x_t)(y_k - \bar y_t)}{\sum_k w_k}
        \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

    Rows where either series is missing are missing for both.

    Parameters
    ----------
    x, y : array_like
        Data of the same shape; NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, without pandas' debiasing factor.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; equals pandas ``x.ewm(...).cov(y, bias=...)``.

    Examples
    --------
    >>> ewmcov([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 0.5).round(4)
    array([nan, 1. , 0.4])
    """
    x2, y2, opts, restore, sources = _cov_common(x, y, beta, alpha, window, halflife, com, init, bias_correction,
                                        ignore_na, times, min_periods, axis)
    return restore(engine.run_cov(x2, y2, opts, bias=check_bool("bias", bias), sources=sources))


@_fill_doc
def ewmcorr(x, y, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
            bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0) -> np.ndarray:
    r"""Exponentially weighted moving correlation of ``x`` and ``y``.

    .. math::

        \rho_t = \frac{c^{xy}_t}{\sqrt{c^{xx}_t\, c^{yy}_t}}

    with the biased (plain weighted) covariances, all three over the rows
    where both series are present, as pandas computes it.

    Parameters
    ----------
    x, y : array_like
        Data of the same shape; NaN marks a missing value.
    {decay}

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; equals pandas ``x.ewm(...).corr(y)``. NaN where a
        variance is zero.

    Examples
    --------
    >>> ewmcorr([1.0, 2.0, 4.0, 3.0], [1.0, 3.0, 2.0, 5.0], 0.5).round(4)
    array([   nan, 1.    , 0.2722, 0.2132])
    """
    x2, y2, opts, restore, sources = _cov_common(x, y, beta, alpha, window, halflife, com, init, bias_correction,
                                        ignore_na, times, min_periods, axis)
    missing = np.isnan(x2) | np.isnan(y2)  # as pandas: only rows where both are present count
    if missing.any():
        x2, y2 = np.where(missing, np.nan, x2), np.where(missing, np.nan, y2)
    cxy = engine.run_cov(x2, y2, opts, bias=True, sources=sources)
    cxx = engine.run_cov(x2, x2, opts, bias=True)
    cyy = engine.run_cov(y2, y2, opts, bias=True)
    with np.errstate(all="ignore"):
        den = np.sqrt(np.where(cxx * cyy < 0, 0.0, cxx * cyy))
        out = cxy / den
    out[den == 0] = np.nan
    return restore(out.astype(cxy.dtype, copy=False))


def ewma_weights(n, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
                 bias_correction=False) -> np.ndarray:
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
    beta, alpha, window, halflife, com : float, optional
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
    b = resolve_beta(beta, alpha=alpha, window=window, halflife=halflife, com=com)
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
