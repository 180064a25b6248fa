r"""Simple exponential smoothing: fitted β, forecasts and prediction intervals.

Simple exponential smoothing (SES) *is* the EWMA. Its level is

.. math::

    \ell_t = \alpha\, y_t + (1 - \alpha)\, \ell_{t-1}
           = \beta\, \ell_{t-1} + (1 - \beta)\, y_t ,

the one-step-ahead forecast of :math:`y_t` is :math:`\hat y_{t|t-1} =
\ell_{t-1}`, and every forecast from the end of the data is the last level,
:math:`\hat y_{n+h|n} = \ell_n`. With a known start :math:`\ell_{-1} = y_0`
(``init="first"``) the levels are exactly ``ewmakit.ewma(y, beta,
init="first")``: SES with a known start is the EWMA, and the fitted values
are that EWMA shifted by one step.

What the EWMA does not give by itself is the choice of β and the
uncertainty of the forecast. Here β (and, by default, the start
:math:`\ell_{-1}`) is fitted by statsmodels' ``SimpleExpSmoothing`` (least
squares, which is maximum likelihood for the ETS(A,N,N) model), and the
intervals come from the ETS(A,N,N) state-space model of Hyndman et al.:

.. math::

    y_t = \ell_{t-1} + \varepsilon_t, \quad
    \ell_t = \ell_{t-1} + \alpha\, \varepsilon_t, \quad
    \varepsilon_t \sim N(0, \sigma^2)
    \quad\Longrightarrow\quad
    \operatorname{Var}(y_{n+h} \mid y_{\le n}) = \sigma^2
        \left[1 + \alpha^2 (h - 1)\right].

statsmodels is imported inside :func:`fit`, so ``import ewmakit`` stays fast.

References
----------
.. [1] R. J. Hyndman and G. Athanasopoulos (2021). *Forecasting: Principles
   and Practice*, 3rd ed. (FPP3), §8.1 (simple exponential smoothing), §8.4
   (ETS(A,N,N)), §8.7 (prediction intervals, Table 8.8).
   https://otexts.com/fpp3/
.. [2] R. J. Hyndman, A. B. Koehler, J. K. Ord and R. D. Snyder (2008).
   *Forecasting with Exponential Smoothing: The State Space Approach*.
   Springer.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Literal, TypeAlias, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from . import core
from ._reprs import html_table
from .decay import resolve_beta

__all__ = ["SmoothingFit", "fit", "forecast"]

_INITS = ("estimated", "first")
_Init: TypeAlias = Literal["estimated", "first"]
_MIN_OBS = 3


# --------------------------------------------------------------------------- validation


def _series_values(x: ArrayLike) -> tuple[np.ndarray, pd.Index | None, object]:
    """1-D float64 values, the index (None for arrays) and the name of ``x``."""
    if isinstance(x, pd.DataFrame):
        raise ValueError("x must be one series (a Series or a 1-D array), got a DataFrame; fit one column at a time")
    values = core.as_float_array(x, "x").astype(np.float64, copy=False)
    if values.ndim != 1:
        raise ValueError(f"x must be one-dimensional, got shape {values.shape}")
    if values.shape[0] < _MIN_OBS:
        raise ValueError(f"x must have at least {_MIN_OBS} observations to fit, got {values.shape[0]}")
    bad = ~np.isfinite(values)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(
            f"x must be finite (exponential smoothing needs every observation; drop or fill missing values), "
            f"got {values[k]} at position {k}"
        )
    index = x.index if isinstance(x, pd.Series) else None
    return values, index, getattr(x, "name", None)


def _check_init(init: object) -> _Init:
    if not isinstance(init, str) or init not in _INITS:
        raise ValueError(f"init must be 'estimated' or 'first', got {init!r}")
    return cast(_Init, init)


def _given_beta(beta: float | None, alpha: float | None, window: float | None, span: float | None,
                halflife: float | None, com: float | None) -> float | None:
    """None when no decay is given (β is then fitted), else β from exactly one specification."""
    if all(v is None for v in (beta, alpha, window, span, halflife, com)):
        return None
    return resolve_beta(beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com)


def _check_horizon(h: object) -> int:
    if isinstance(h, bool) or not isinstance(h, numbers.Integral) or int(h) < 1:
        raise ValueError(f"h must be an integer >= 1, got {h!r}")
    return int(h)


def _check_level(level: object) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not (0.0 < float(level) < 1.0):
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    return float(level)


# --------------------------------------------------------------------------- future index


def _inferred_offset(index: pd.DatetimeIndex) -> pd.offsets.BaseOffset | None:
    """The index's frequency as an offset, or None when it is not regular."""
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    ctx: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    with contextlib.suppress(KeyError, pd.errors.OptionError):
        pd.get_option("future.infer_freq_returns_offset")  # pandas >= 3.1 warns unless asked for an offset
        ctx = pd.option_context("future.infer_freq_returns_offset", True)
    try:
        with ctx:
            freq = pd.infer_freq(index)
    except (TypeError, ValueError):
        return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def _usual_step(index: pd.DatetimeIndex) -> pd.offsets.BaseOffset | None:
    """The step of an irregular DatetimeIndex: business days for daily bars (dates at midnight, one to a few days
    apart: trading days with weekends and holidays), else its most common step; None if it has none."""
    if len(index) < 2:
        return pd.offsets.BDay() if len(index) and index.normalize().equals(index) else None
    steps = pd.Series(index[1:] - index[:-1])
    steps = steps[steps > pd.Timedelta(0)]
    if steps.empty:
        return None
    if index.normalize().equals(index) and pd.Timedelta(days=1) <= steps.median() <= pd.Timedelta(days=4):
        return pd.offsets.BDay()
    return pd.tseries.frequencies.to_offset(steps.mode().iloc[0])


def future_index(index: pd.Index | None, n: int, h: int) -> pd.Index:
    """Index of the ``h`` forecasts after data of length ``n`` on ``index``.

    The next ``h`` dates for a DatetimeIndex: its ``freq`` or one pandas can
    infer, else business days for daily bars (trading days with holidays),
    else its most common step. The continuation of a RangeIndex (arrays count
    as ``RangeIndex(n)``); otherwise the steps ahead ``1..h``, named ``"h"``.
    """
    if index is None:
        return pd.RangeIndex(n, n + h)
    if isinstance(index, pd.DatetimeIndex) and len(index):
        offset = _inferred_offset(index) or _usual_step(index)
        if offset is not None:
            dates = pd.date_range(index[-1], periods=h + 1, freq=offset, name=index.name, unit=index.unit)
            return dates[1:]
    if isinstance(index, pd.RangeIndex) and len(index):
        step = index.step
        start = index[-1] + step
        return pd.RangeIndex(start, start + h * step, step, name=index.name)
    return pd.RangeIndex(1, h + 1, name="h")


# --------------------------------------------------------------------------- the fit


@dataclass(frozen=True, eq=False)
class SmoothingFit:
    r"""A fitted simple exponential smoothing (ETS(A,N,N)) model.

    Attributes
    ----------
    beta : float
        Weight of the past, 1 − alpha.
    alpha : float
        Weight of the newest point: statsmodels' ``smoothing_level``.
    initial_level : float
        :math:`\ell_{-1}`, the level before the first observation (the first
        fitted value).
    sse : float
        Sum of squared one-step-ahead errors :math:`\sum_t (y_t - \ell_{t-1})^2`.
    aic, bic : float
        Information criteria of the ETS(A,N,N) likelihood (see :func:`fit`);
        ``-inf`` for a perfect fit (``sse == 0``).
    sigma2 : float
        Innovation variance, ``sse / nobs`` (the maximum-likelihood
        estimate, as statsmodels' ``ETSResults.mse``).
    level : float
        :math:`\ell_{n-1}`, the last level: every point forecast.
    fitted : pandas.Series
        One-step-ahead forecasts :math:`\ell_{t-1}`, on the index of the data.
    resid : pandas.Series
        One-step-ahead errors, data − fitted.
    nobs : int
        Number of observations.
    init : {"estimated", "first"}
        How :math:`\ell_{-1}` was set.
    n_params : int
        Number of estimated parameters (alpha and/or the initial level).
    beta_fitted : bool
        Whether β was estimated (else it was given).
    note : str or None
        A plain-words reading of a fitted β at the edge of its range (also
        shown by the repr).
    """

    beta: float
    alpha: float
    initial_level: float
    sse: float
    aic: float
    bic: float
    sigma2: float
    level: float
    fitted: pd.Series = field(repr=False)
    resid: pd.Series = field(repr=False)
    nobs: int
    init: str
    n_params: int
    _index: pd.Index | None = field(repr=False, default=None)
    beta_fitted: bool = True

    @property
    def note(self) -> str | None:
        """A plain-words reading of a β at the edge of its range, or None.

        β ≈ 0 (α ≈ 1): each level is the last observation, the fit of a random
        walk (prices, typically): the best forecast is the last value, and
        ewmakit smooths nothing. β ≈ 1 (α ≈ 0): the level never moves from its
        start: the data looks like noise around a constant mean.
        """
        if not self.beta_fitted or 1e-6 < self.alpha < 1.0 - 1e-6:
            return None
        if self.alpha >= 1.0 - 1e-6:
            return ("beta is at its lower bound (alpha = 1): each level is the last observation. The data behaves "
                    "like a random walk (prices usually do), whose best forecast is the last value; smooth "
                    "returns, or give beta yourself to smooth anyway.")
        return ("beta is at its upper bound (alpha = 0): the level stays at its start, the data looks like noise "
                "around a constant mean, which is then every forecast.")

    def __repr__(self) -> str:
        text = (
            f"SmoothingFit(beta={self.beta:.6g}, alpha={self.alpha:.6g}, initial_level={self.initial_level:.6g}, "
            f"sse={self.sse:.6g}, aic={self.aic:.6g}, nobs={self.nobs}, init={self.init!r})"
        )
        note = self.note
        return text if note is None else f"{text}\n# {note}"

    def _repr_html_(self) -> str:
        rows = [("beta", f"{self.beta:.6g}"), ("alpha", f"{self.alpha:.6g}"),
                ("initial level", f"{self.initial_level:.6g}"), ("last level (every forecast)", f"{self.level:.6g}"),
                ("SSE", f"{self.sse:.6g}"), ("sigma²", f"{self.sigma2:.6g}"), ("AIC", f"{self.aic:.6g}"),
                ("BIC", f"{self.bic:.6g}"), ("observations", self.nobs), ("init", self.init)]
        return html_table("Simple exponential smoothing fit", rows, self.note)

    def forecast(self, h: int, level: float = 0.95) -> pd.DataFrame:
        r"""Point forecasts and prediction intervals for the next ``h`` steps.

        Parameters
        ----------
        h : int
            Horizon, ``h >= 1``.
        level : float, default 0.95
            Coverage of the intervals, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Columns ``mean, lower, upper``, one row per step ahead, on the
            next ``h`` dates when the data has a regular DatetimeIndex (see
            :func:`forecast`).

        Notes
        -----
        .. math::

            \hat y_{n+j|n} = \ell_n, \qquad
            \hat y_{n+j|n} \pm z_{(1+\text{level})/2}\,
            \hat\sigma \sqrt{1 + \alpha^2 (j - 1)}, \qquad j = 1, \dots, h .
        """
        h = _check_horizon(h)
        level = _check_level(level)
        steps = np.arange(1, h + 1, dtype=np.float64)
        se = np.sqrt(self.sigma2 * (1.0 + self.alpha**2 * (steps - 1.0)))
        z = NormalDist().inv_cdf(0.5 + 0.5 * level)
        mean = np.full(h, self.level)
        return pd.DataFrame(
            {"mean": mean, "lower": mean - z * se, "upper": mean + z * se},
            index=future_index(self._index, self.nobs, h),
        )


def _statsmodels_fit(values: np.ndarray, alpha: float | None, init: str) -> tuple[float, float]:
    """(alpha, initial level) from statsmodels' SimpleExpSmoothing; ``alpha`` fixed when given."""
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing

    if init == "first":
        model = SimpleExpSmoothing(values, initialization_method="known", initial_level=float(values[0]))
    else:
        model = SimpleExpSmoothing(values, initialization_method="estimated")
    if alpha is None:
        res = model.fit()
    else:
        res = model.fit(smoothing_level=alpha, optimized=True)  # optimises the initial level only
    return float(res.params["smoothing_level"]), float(res.params["initial_level"])


def fit(x: ArrayLike, *, beta: float | None = None, alpha: float | None = None, window: float | None = None,
        span: float | None = None, halflife: float | None = None, com: float | None = None,
        init: Literal["estimated", "first"] = "estimated") -> SmoothingFit:
    r"""Fit simple exponential smoothing (ETS(A,N,N)) with statsmodels.

    Parameters
    ----------
    x : Series or 1-D array_like
        The data, at least 3 observations, all finite.
    beta : float, optional
        Weight of the past, ``0 <= beta < 1``. Default: fitted. When given,
        only the initial level is estimated (``init="estimated"``) or nothing
        at all (``init="first"``, then statsmodels is not used).
    alpha, window, halflife, com : float, optional
        The fixed decay given another way (at most one of these and
        ``beta``), as in :func:`ewmakit.resolve_beta`.
    init : {"estimated", "first"}, default "estimated"
        The level before the first observation, :math:`\ell_{-1}`:
        estimated jointly with β (statsmodels ``initialization_method=
        "estimated"``), or fixed at the first observation (``"known"`` with
        ``initial_level=x[0]``), so that the levels are ``ewma(x, beta,
        init="first")``.

    Returns
    -------
    SmoothingFit
        ``beta``, ``alpha = 1 - beta``, ``initial_level``, ``sse``, ``aic``,
        ``bic``, ``sigma2``, the last ``level``, the ``fitted`` one-step-ahead
        values and ``resid`` as Series on the index of ``x``; ``.forecast(h,
        level)`` gives forecasts with intervals.

    Raises
    ------
    ValueError
        For fewer than 3 observations, NaN/±inf in ``x`` (the message names
        the first position), data that is not one series, an unknown
        ``init``, or a decay out of range or given more than once.

    Notes
    -----
    statsmodels' ``SimpleExpSmoothing(...).fit()`` chooses
    :math:`\alpha \in [0, 1]` (and :math:`\ell_{-1}`) to minimise

    .. math::

        \mathrm{SSE} = \sum_{t=0}^{n-1} (y_t - \ell_{t-1})^2, \qquad
        \ell_t = \beta\,\ell_{t-1} + (1-\beta)\, y_t ,

    so ``alpha`` is its ``smoothing_level``. The levels, fitted values and
    SSE are then computed by ewmakit's kernel, ``ewma(x, beta,
    init=initial_level)`` (the EWMA with :math:`v_{-1} = \ell_{-1}`), and
    agree with statsmodels' ``fittedvalues`` and ``sse`` to rounding.

    With ``init="first"``, :math:`\ell_{-1} = y_0`, so the first fitted value
    is :math:`y_0` and the later ones are ``ewma(x, beta, init="first")``
    shifted by one step: *SES with a known start* :math:`x_0` *is exactly
    the EWMA* ``init="first"``.

    The information criteria are those of the Gaussian ETS(A,N,N)
    likelihood with :math:`\sigma^2` concentrated out (FPP3 §8.6), with
    :math:`k` the number of estimated parameters (α if fitted, plus
    :math:`\ell_{-1}` if estimated):

    .. math::

        -2\log\mathcal{L} = n\left[\log\left(2\pi\,\mathrm{SSE}/n\right)
            + 1\right], \quad
        \mathrm{AIC} = -2\log\mathcal{L} + 2(k+1), \quad
        \mathrm{BIC} = -2\log\mathcal{L} + (k+1)\log n .

    These equal statsmodels' ``ETSModel(error="add")`` ``aic``/``bic`` for
    the same parameters. (``SimpleExpSmoothing``'s own ``aic`` is
    :math:`n\log(\mathrm{SSE}/n) + 2k`, which differs by a constant.)

    References
    ----------
    .. [1] R. J. Hyndman and G. Athanasopoulos (2021). *Forecasting:
       Principles and Practice*, 3rd ed., §8.1, §8.4–8.7.
       https://otexts.com/fpp3/

    Examples
    --------
    >>> import numpy as np
    >>> from ewmakit import forecast
    >>> y = np.array([10.0, 12.0, 11.0, 13.0, 12.5, 14.0, 13.5, 15.0])
    >>> res = forecast.fit(y, beta=0.5, init="first")  # nothing to estimate: the EWMA itself
    >>> res.fitted.tolist()
    [10.0, 10.0, 11.0, 11.0, 12.0, 12.25, 13.125, 13.3125]
    >>> res.level, round(res.sse, 4)
    (14.15625, 14.3008)
    >>> res.forecast(3).round(3)
          mean   lower   upper
    8   14.156  11.536  16.777
    9   14.156  11.226  17.086
    10  14.156  10.947  17.366
    """
    values, index, name = _series_values(x)
    init = _check_init(init)
    given = _given_beta(beta, alpha, window, span, halflife, com)
    if given is None:  # fit alpha (and the start) with statsmodels
        a_fit, l0 = _statsmodels_fit(values, None, init)
        beta_fit = 1.0 - a_fit
    else:  # keep the given decay exactly; estimate the start, or start at x[0]
        beta_fit = given
        a_fit = float(alpha) if alpha is not None else 1.0 - given
        l0 = float(values[0]) if init == "first" else _statsmodels_fit(values, a_fit, init)[1]
    n_params = (given is None) + (init == "estimated")

    levels = core.ewma(values, beta_fit, init=l0)
    fitted = np.empty_like(values)
    fitted[0] = l0
    fitted[1:] = levels[:-1]
    resid = values - fitted
    sse = float(resid @ resid)
    n = values.shape[0]
    if sse > 0.0:
        m2ll = n * (math.log(2.0 * math.pi * sse / n) + 1.0)
        aic, bic = m2ll + 2.0 * (n_params + 1), m2ll + math.log(n) * (n_params + 1)
    else:
        aic = bic = -math.inf

    def series(v: np.ndarray) -> pd.Series:
        return pd.Series(v, index=index if index is not None else pd.RangeIndex(n), name=name)

    return SmoothingFit(
        beta=beta_fit,
        alpha=a_fit,
        initial_level=l0,
        sse=sse,
        aic=aic,
        bic=bic,
        sigma2=sse / n,
        level=float(levels[-1]),
        fitted=series(fitted),
        resid=series(resid),
        nobs=n,
        init=init,
        n_params=n_params,
        _index=index,
        beta_fitted=given is None,
    )


def forecast(x: ArrayLike, h: int, *, beta: float | None = None, alpha: float | None = None,
             window: float | None = None, span: float | None = None, halflife: float | None = None,
             com: float | None = None, level: float = 0.95,
             init: Literal["estimated", "first"] = "estimated") -> pd.DataFrame:
    r"""Forecast ``h`` steps ahead by simple exponential smoothing, with intervals.

    Shorthand for ``fit(x, beta=beta, ..., init=init).forecast(h, level)``.

    Parameters
    ----------
    x : Series or 1-D array_like
        The data, at least 3 observations, all finite.
    h : int
        Horizon, ``h >= 1``.
    beta : float, optional
        Weight of the past, ``0 <= beta < 1``; fitted when no decay is given.
    alpha, window, halflife, com : float, optional
        The decay given another way (at most one of these and ``beta``).
    level : float, default 0.95
        Coverage of the prediction intervals, in (0, 1).
    init : {"estimated", "first"}, default "estimated"
        The start of the levels; see :func:`fit`.

    Returns
    -------
    pandas.DataFrame
        Columns ``mean, lower, upper``. Index: for a DatetimeIndex the next
        ``h`` dates (its ``freq`` or one pandas can infer; business days for
        daily bars such as trading days with holidays; else its most common
        step); the continuation of a RangeIndex, or ``n .. n+h-1`` for an
        array; otherwise the steps ahead ``1 .. h``, named ``"h"``.

    Raises
    ------
    ValueError
        As :func:`fit`, and for ``h`` not an integer >= 1 or ``level``
        outside (0, 1).

    Notes
    -----
    Every point forecast is the last level :math:`\ell_n` (the last EWMA);
    the interval for step :math:`h` is that of ETS(A,N,N) (FPP3 Table 8.8),

    .. math::

        \ell_n \pm z_{(1+\text{level})/2}\,\hat\sigma
            \sqrt{1 + \alpha^2 (h - 1)}, \qquad
        \hat\sigma^2 = \mathrm{SSE}/n ,

    with :math:`\hat\sigma^2` the maximum-likelihood estimate used by
    statsmodels' ``ETSModel``, whose ``get_prediction(...).summary_frame``
    gives the same intervals for the same α and initial level. (R's
    ``forecast``/``fable`` divide the SSE by :math:`n - k` instead, which
    widens the intervals by a factor :math:`\sqrt{n/(n-k)}`.)

    References
    ----------
    .. [1] R. J. Hyndman and G. Athanasopoulos (2021). *Forecasting:
       Principles and Practice*, 3rd ed., §8.7 (Table 8.8).
       https://otexts.com/fpp3/

    Examples
    --------
    >>> import pandas as pd
    >>> from ewmakit import forecast
    >>> y = pd.Series([10.0, 12.0, 11.0, 13.0, 12.5, 14.0, 13.5, 15.0],
    ...               index=pd.date_range("2024-01-01", periods=8, freq="D"))
    >>> forecast.forecast(y, 2, beta=0.5, init="first", level=0.8).round(3)
                  mean   lower   upper
    2024-01-09  14.156  12.443  15.870
    2024-01-10  14.156  12.241  16.072
    """
    h = _check_horizon(h)
    level = _check_level(level)
    return fit(x, beta=beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com, init=init).forecast(h, level)
