r"""Technical indicators and RiskMetrics risk, each a composition of the EWMA kernel.

=================  =============================================  ==========================
function           recursion                                      reference it equals
=================  =============================================  ==========================
:func:`ema`        β = 1 − 2/(n+1), seeded with an SMA            TA-Lib ``EMA``
:func:`macd`       EMA(fast) − EMA(slow), EMA(signal) of that     TA-Lib ``MACD`` (after
                                                                  warm-up)
:func:`rsi`        Wilder: β = 1 − 1/n on gains and losses        TA-Lib ``RSI``
:func:`atr`        Wilder: β = 1 − 1/n on the true range          TA-Lib ``ATR``
:func:`volatility` σ²_t = β σ²_{t−1} + (1−β) r²_{t−1}              arch ``EWMAVariance``
:func:`ewm_cov`    Σ_t = β Σ_{t−1} + (1−β) r_t r_tᵀ                RiskMetrics (1996)
=================  =============================================  ==========================

Inputs are Series, DataFrames (column by column) or arrays (1-D, or 2-D with
time along axis 0); outputs keep the index and columns. Every smoothing runs
the update of :func:`ewmakit._kernels.ewm_mean` (MACD's three in one fused
pass); an SMA seed is a start state handed to it.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from . import _engine as engine
from ._checks import check_unit
from ._engine import MeanState
from ._frames import Unwrapped, same_index
from .core import resolve_options
from .decay import beta_from_window

__all__ = ["ema", "macd", "rsi", "atr", "volatility", "ewm_cov", "ewm_corr", "crossover", "log_returns"]

_SEEDS = ("sma", "first")


def _check_window(window, name="window") -> int:
    if isinstance(window, bool) or not isinstance(window, numbers.Integral) or window < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {window!r}")
    return int(window)


def _check_seed(seed) -> str:
    if seed not in _SEEDS:
        raise ValueError(f"seed must be 'sma' or 'first', got {seed!r}")
    return seed


def _plain(beta: float, init="first", ignore_na=False) -> engine.Options:
    return resolve_options(0, beta, init=init, ignore_na=ignore_na)


def _sma_seed(prefix, T: int, n: int):
    """Start state of an EWMA seeded, in each column, with the mean of its first n observations.

    ``prefix(P)`` gives the first P rows of the (transformed) input; only as
    many rows as needed are made. Returns ``(state, first_row, seed_row,
    seeds, ready)``: the kernel state (mean = seed, weight 1, n observations),
    the first row the kernel must process (the row after the seed), the seed
    row (the n-th observation; T where a column never has n), the seeds and
    which columns have one. That is TA-Lib's seeding (``EMA``, Wilder's
    ``RSI``/``ATR``): NaN before the seed row, the SMA at it.
    """
    P = min(T, n + 8)
    while True:
        head = prefix(P)
        counts = np.cumsum(~np.isnan(head), axis=0)
        if P == T or (counts[-1] >= n).all():
            break
        P = min(T, 2 * P)
    N = head.shape[1]
    ready = counts[-1] >= n if P else np.zeros(N, dtype=bool)
    seed_row = np.where(ready, np.argmax(counts >= n, axis=0) if P else 0, T)
    seeds = np.zeros(N)
    if P:
        sums = np.nancumsum(head, axis=0)
        seeds = np.where(ready, sums[np.minimum(seed_row, P - 1), np.arange(N)] / n, 0.0)
    state = MeanState(seeds.astype(np.float64), np.ones(N), np.where(ready, n, 0).astype(np.int64))
    return state, (seed_row + 1).astype(np.int64), seed_row, seeds, ready


def _sma_seeded(values: np.ndarray, beta: float, n: int) -> np.ndarray:
    """EWMA started, in each column, at the row of its n-th observation with the mean of its first n.

    ±inf raise a ValueError: in the rows the seed reads (which the kernel
    skips) looked for here, after them by the kernel on its way.
    """
    def prefix(P):
        if np.isinf(values[:P]).any():
            engine.check_finite(values, "x")
        return values[:P]

    state, first_row, seed_row, seeds, ready = _sma_seed(prefix, values.shape[0], n)
    out = engine.run_mean(values, _plain(beta), state, first_row=first_row)
    cols = np.flatnonzero(ready)
    out[seed_row[cols], cols] = seeds[cols]
    return out


def _smooth(values, beta, n, seed):
    if seed == "sma":
        return _sma_seeded(values, beta, n)
    return engine.run_mean(values, _plain(beta))


def ema(x, window, *, seed="sma"):
    r"""Exponential moving average over an n-period window.

    .. math::

        v_t = \beta\, v_{t-1} + (1-\beta)\, x_t, \qquad \beta = 1 - \frac{2}{n+1}

    Parameters
    ----------
    x : Series, DataFrame or array
        Prices; time along axis 0.
    window : int
        n >= 1.
    seed : {"sma", "first"}, default "sma"
        "sma": NaN for the first n − 1 observations, then the mean of the first
        n as v_{n−1} — exactly TA-Lib ``EMA``. "first": v_0 = x_0, the full
        length — exactly pandas ``ewm(span=n, adjust=False).mean()``.

    Returns
    -------
    Same type as ``x``.

    Examples
    --------
    >>> ema([1.0, 2.0, 3.0, 4.0], 3)
    array([nan, nan,  2.,  3.])
    >>> ema([1.0, 2.0, 3.0, 4.0], 3, seed="first")
    array([1.   , 1.5  , 2.25 , 3.125])
    """
    n = _check_window(window)
    seed = _check_seed(seed)
    u = Unwrapped(x, check=False)  # the kernel and the seed look for ±inf on their way
    return u.wrap(_smooth(u.values, beta_from_window(n), n, seed))


def macd(close, fast=12, slow=26, signal=9, *, seed="sma") -> pd.DataFrame:
    r"""Moving average convergence/divergence.

    .. math::

        \text{macd} = \text{EMA}_{fast}(x) - \text{EMA}_{slow}(x), \quad
        \text{signal} = \text{EMA}_{signal}(\text{macd}), \quad
        \text{hist} = \text{macd} - \text{signal}

    Parameters
    ----------
    close : Series, DataFrame or array
    fast, slow, signal : int, default 12, 26, 9
        Windows, ``fast < slow``.
    seed : {"sma", "first"}
        How each EMA starts (see :func:`ema`).

    Returns
    -------
    pandas.DataFrame
        Columns ``macd, signal, hist`` (a Series input), or ``(field, column)``
        for a DataFrame input.

    Notes
    -----
    With ``seed="sma"`` each EMA is seeded with its own SMA: the fast EMA at
    row fast − 1, the slow one at slow − 1, the signal EMA with the mean of the
    first ``signal`` MACD values. TA-Lib's ``MACD`` instead seeds the fast EMA
    at row slow − 1 with the mean of the fast window ending there, and reports
    nothing before row slow + signal − 2. The two fast EMAs then differ by a
    term that shrinks like β_fast^t, so after the warm-up (about 100 rows for
    12/26/9) the outputs agree to 1e-7; TA-Lib's first rows are not a
    textbook EMA.

    The three are computed in one pass over the prices (both EMAs, the line,
    its EMA and the histogram block of rows by block of rows, written
    straight into the result) and equal, bit for bit, the composition
    ``line = ema(x, fast) - ema(x, slow)``, ``ema(line, signal)`` and their
    difference, whatever the missing values.

    Examples
    --------
    >>> out = macd(np.linspace(1.0, 2.0, 40), 3, 6, 2)
    >>> list(out.columns)
    ['macd', 'signal', 'hist']
    """
    fast, slow, signal = (_check_window(v, k) for k, v in (("fast", fast), ("slow", slow), ("signal", signal)))
    if fast >= slow:
        raise ValueError(f"fast must be smaller than slow, got fast={fast}, slow={slow}")
    seed = _check_seed(seed)
    u = Unwrapped(close, "close")
    return u.wrap_block(_macd(u.values, fast, slow, signal, seed), ("macd", "signal", "hist"))


def _macd(v, fast, slow, signal, seed):
    """Line, signal and histogram side by side in one (T, 3N) block.

    The fused kernel (:func:`ewmakit._engine.macd`, one pass) gives, bit for
    bit, the composition it replaces: ``_smooth`` fast minus ``_smooth`` slow,
    ``_smooth`` of that line, and the difference (same EMA arithmetic, same
    seeds). One long series still takes that composition, whose EMAs then run
    on the multi-lane 1-D kernel.
    """
    T, N = v.shape
    if engine.config.is_long(T, N):  # one long series: three passes of the multi-lane 1-D EMA kernel are faster
        line = _smooth(v, beta_from_window(fast), fast, seed) - _smooth(v, beta_from_window(slow), slow, seed)
        sig = _smooth(line, beta_from_window(signal), signal, seed)
        return np.concatenate([line, sig, line - sig], axis=1)
    # a ±inf on the line (it overflowed): the error smoothing the line alone would give
    return engine.macd(v, [beta_from_window(n) for n in (fast, slow, signal)], [fast, slow, signal], seed == "sma")


def rsi(close, window=14, *, seed="sma"):
    r"""Wilder's relative strength index.

    .. math::

        G_t = \beta G_{t-1} + (1-\beta)\max(\Delta x_t, 0), \quad
        L_t = \beta L_{t-1} + (1-\beta)\max(-\Delta x_t, 0), \quad
        \beta = 1 - \frac1n, \quad \text{RSI}_t = 100 \frac{G_t}{G_t + L_t}

    Parameters
    ----------
    close : Series, DataFrame or array
    window : int, default 14
    seed : {"sma", "first"}
        "sma": G and L start as the means of the first n gains/losses (row n) —
        exactly TA-Lib ``RSI``. "first": they start at the first change (row 1),
        the full-length pandas-style variant ``ewm(alpha=1/n, adjust=False)``.

    Returns
    -------
    Same type as ``close``; values in [0, 100]. NaN where nothing moved at all
    (G = L = 0), where TA-Lib reports 0.

    Examples
    --------
    >>> rsi([1.0, 2.0, 1.5, 2.5, 3.0], 2).round(2)
    array([  nan,   nan, 66.67, 85.71, 90.91])
    """
    n = _check_window(window)
    seed = _check_seed(seed)
    u = Unwrapped(close, "close", check=False)  # the kernel counts ±inf closes on its way
    return u.wrap(_rsi(u.values, n, seed, ((u.values, "close"),)))


def _rsi(v, n, seed, sources):
    """Wilder's RSI through the fused kernel: gains and losses smoothed in cache-sized row blocks."""
    T, N = v.shape
    v = engine.row_major(v)  # a DataFrame's column-major block, transposed in parallel
    if seed == "sma":
        def prefix(P):
            d = np.full((P, N), np.nan)
            d[1:] = v[1:P] - v[:P - 1]
            return np.concatenate([np.maximum(d, 0.0), np.maximum(-d, 0.0)], axis=1)

        state, first_row, seed_row, seeds, ready = _sma_seed(prefix, T, n)
        first_row = np.ascontiguousarray(first_row[:N])  # gains and losses miss the same rows
    else:
        state, first_row = MeanState.fresh(2 * N), np.zeros(N, dtype=np.int64)
    out = engine.rsi(v, 1.0 - 1.0 / n, state, first_row, sources=sources)  # raises: a close is ±inf
    if seed == "sma":
        cols = np.flatnonzero(ready[:N])
        g, total = seeds[cols], seeds[cols] + seeds[N + cols]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[seed_row[cols], cols] = np.where(total > 0, 100.0 * g / np.where(total > 0, total, 1.0), np.nan)
    return out


def _ohlc_column(frame: pd.DataFrame, name: str):
    if name not in frame.columns:
        raise ValueError(f"atr needs columns High, Low and Close; the frame has {list(frame.columns)!r}")
    return frame[name]


def atr(high, low=None, close=None, window=14, *, seed="sma"):
    r"""Wilder's average true range.

    .. math::

        TR_t = \max(H_t - L_t,\ |H_t - C_{t-1}|,\ |L_t - C_{t-1}|), \quad
        ATR_t = \beta\, ATR_{t-1} + (1-\beta)\, TR_t, \quad \beta = 1 - \frac1n

    Parameters
    ----------
    high, low, close : Series, DataFrame or array
        Aligned prices. Or pass one OHLC DataFrame as ``high`` (with columns
        ``High``, ``Low``, ``Close``) and leave ``low``/``close`` out.
    window : int, default 14
    seed : {"sma", "first"}
        "sma": the first ATR is the mean of TR_1..TR_n at row n — exactly
        TA-Lib ``ATR``. "first": TR_0 = H_0 − L_0 and the average starts there.

    Returns
    -------
    Same type as ``close``.

    Examples
    --------
    >>> h, l, c = [2.0, 3.0, 4.0, 3.5], [1.0, 2.0, 2.5, 2.0], [1.5, 2.5, 3.5, 3.0]
    >>> atr(h, l, c, 2)
    array([nan, nan, 1.5, 1.5])
    """
    if low is None and close is None:
        if not isinstance(high, pd.DataFrame):
            raise ValueError("atr needs high, low and close, or one DataFrame with High, Low and Close columns")
        frame = high
        high, low, close = (_ohlc_column(frame, k) for k in ("High", "Low", "Close"))
    elif low is None or close is None:
        raise ValueError("atr needs high, low and close (or one OHLC DataFrame)")
    n = _check_window(window)
    seed = _check_seed(seed)
    same_index({"high": high, "low": low, "close": close})
    # the kernel counts ±inf prices on its way
    uh, ul, uc = (Unwrapped(a, k, check=False) for a, k in ((high, "high"), (low, "low"), (close, "close")))
    if not (uh.values.shape == ul.values.shape == uc.values.shape):
        raise ValueError(f"high, low and close must have one shape, got {uh.values.shape}, {ul.values.shape}, "
                         f"{uc.values.shape}")
    sources = ((uh.values, "high"), (ul.values, "low"), (uc.values, "close"))
    return uc.wrap(_atr(uh.values, ul.values, uc.values, n, seed, sources))


def _atr(h, lo, c, n, seed, sources):
    """Wilder's ATR through the fused kernel: the true range smoothed in cache-sized row blocks."""
    T, N = c.shape
    h, lo, c = (engine.row_major(a) for a in (h, lo, c))
    if seed == "sma":
        def prefix(P):
            tr = np.full((P, N), np.nan)
            if P > 1:
                prev = c[:P - 1]
                tr[1:] = np.maximum(h[1:P] - lo[1:P], np.maximum(np.abs(h[1:P] - prev), np.abs(lo[1:P] - prev)))
            return tr

        state, first_row, seed_row, seeds, ready = _sma_seed(prefix, T, n)
    else:
        state, first_row = MeanState.fresh(N), np.zeros(N, dtype=np.int64)
    out = engine.atr(h, lo, c, 1.0 - 1.0 / n, seed == "first", state, first_row, sources=sources)  # raises on ±inf
    if seed == "sma":
        cols = np.flatnonzero(ready)
        out[seed_row[cols], cols] = seeds[cols]
    return out


def log_returns(prices):
    r"""Log returns r_t = ln(p_t / p_{t−1}); the first row is NaN.

    Raises
    ------
    ValueError
        If a price is zero or negative (naming the first such row).

    Examples
    --------
    >>> log_returns([100.0, 110.0, 99.0]).round(4)
    array([    nan,  0.0953, -0.1054])
    """
    u = Unwrapped(prices, "prices")
    v = u.values
    bad = v <= 0
    if bad.any():
        row, col = np.argwhere(bad)[0]
        where = u.index[row] if u.index is not None else row
        raise ValueError(f"prices must be > 0 to take a log return, got {v[row, col]} at {where!r}")
    out = np.full_like(v, np.nan)
    out[1:] = np.log(v[1:] / v[:-1])
    return u.wrap(out)


def _backcast(r2: np.ndarray) -> np.ndarray:
    """arch's start value: the 0.94-weighted mean of the first min(75, n) squared returns (oldest heaviest)."""
    T, N = r2.shape
    out = np.zeros(N)
    for j in range(N):  # only the first 75 observations of each column are read
        col = r2[:, j]
        first = int(np.argmax(~np.isnan(col))) if (~np.isnan(col)).any() else T
        head = col[first:first + 75]
        head = head[~np.isnan(head)]
        if head.size:
            w = 0.94 ** np.arange(head.size)
            out[j] = float(np.sum(head * (w / w.sum())))
    return out


def volatility(returns, beta=0.94, *, annualize=None):
    r"""RiskMetrics (EWMA) conditional volatility.

    .. math::

        \sigma^2_t = \beta\, \sigma^2_{t-1} + (1-\beta)\, r^2_{t-1}, \qquad
        \sigma^2_0 = \frac{\sum_{k<\tau} 0.94^k r_k^2}{\sum_{k<\tau} 0.94^k},\ \tau = \min(75, n)

    σ_t uses returns up to t − 1 only: it is the forecast of day t's
    volatility. This is exactly the conditional volatility of arch's
    ``ZeroMean(returns, volatility=EWMAVariance(beta))`` (same backcast).

    Parameters
    ----------
    returns : Series, DataFrame or array
        Returns (not prices; see :func:`log_returns`). Leading NaNs are
        skipped; a NaN later carries the variance over that row.
    beta : float, default 0.94
        RiskMetrics λ (daily data).
    annualize : float, optional
        Periods per year: multiply by sqrt(annualize) (252 for daily data).

    Returns
    -------
    Same type as ``returns``.

    Examples
    --------
    >>> volatility([0.01, -0.02, 0.015], 0.94).round(5)
    array([0.01546, 0.01519, 0.01552])
    """
    b = check_unit("beta", beta)
    if annualize is not None and (isinstance(annualize, bool) or not isinstance(annualize, numbers.Real)
                                  or not 0 < annualize < np.inf):
        raise ValueError(f"annualize must be a number of periods per year > 0, got {annualize!r}")
    u = Unwrapped(returns, "returns")
    r2 = u.values * u.values
    start = _backcast(r2)
    v = engine.run_mean(r2, _plain(b, init=start))
    var = np.full_like(v, np.nan)
    var[1:] = v[:-1]
    obs = ~np.isnan(r2)
    has = obs.any(axis=0)
    first = np.argmax(obs, axis=0)
    var[first[has], np.flatnonzero(has)] = start[has]
    vol = np.sqrt(var)
    if annualize is not None:
        vol *= np.sqrt(float(annualize))
    return u.wrap(vol)


_MISSING = ("skip", "pairwise")


def _cov_panel(returns, beta, demean, missing):
    b = check_unit("beta", beta)
    if not isinstance(demean, bool):
        raise ValueError(f"demean must be True or False, got {demean!r}")
    if missing not in _MISSING:
        raise ValueError(f"missing must be 'skip' or 'pairwise', got {missing!r}")
    u = Unwrapped(returns, "returns")
    r = u.values
    T, k = r.shape
    iu, ju = np.triu_indices(k)
    x, y = r[:, iu], r[:, ju]
    if missing == "skip":  # a date with any asset missing is skipped for all: the matrix is carried
        incomplete = np.isnan(r).any(axis=1)
        if incomplete.any():
            x, y = x.copy(), y.copy()
            x[incomplete] = np.nan
            y[incomplete] = np.nan
    opts = _plain(b, ignore_na=missing == "skip")
    if demean:
        upper = engine.run_cov(x, y, opts, bias=True)
    else:
        upper = engine.run_mean(x * y, opts)
    full = np.empty((T, k, k))
    full[:, iu, ju] = upper
    full[:, ju, iu] = upper
    return u, full


def _stack(u: Unwrapped, full: np.ndarray) -> pd.DataFrame:
    T, k, _ = full.shape
    assets = u.columns if u.kind == "frame" else pd.RangeIndex(k)
    dates = u.index if u.index is not None else pd.RangeIndex(T)
    index = pd.MultiIndex.from_product([dates, assets], names=[dates.name, assets.name])
    return pd.DataFrame(full.reshape(T * k, k), index=index, columns=assets)


def ewm_cov(returns, beta=0.94, *, demean=False, missing="skip") -> pd.DataFrame:
    r"""RiskMetrics covariance matrix on every date.

    .. math::

        \Sigma_t = \beta\, \Sigma_{t-1} + (1-\beta)\, r_t r_t^\top, \qquad \Sigma_0 = r_0 r_0^\top

    With ``demean=True`` the returns are centred on their EW means instead
    (the weighted covariance, pandas ``ewm(alpha=1−β, adjust=False).cov(bias=True)``).

    Parameters
    ----------
    returns : DataFrame or 2-D array
        Dates × assets.
    beta : float, default 0.94
    demean : bool, default False
    missing : {"skip", "pairwise"}, default "skip"
        "skip": a date on which any asset is missing leaves the whole matrix
        unchanged (carried), and the matrices start on the first date with
        every asset present — each Σ_t is then a positive combination of outer
        products, so it is symmetric positive semi-definite on every date.
        "pairwise": each pair uses the dates where both are present, with
        pandas' treatment of gaps; closer to pandas, but not guaranteed PSD.

    Returns
    -------
    pandas.DataFrame
        Indexed by (date, asset), one column per asset, like pandas
        ``ewm().cov()``: ``out.loc[date]`` is the matrix of that date.

    Examples
    --------
    >>> r = pd.DataFrame({"a": [0.01, -0.02], "b": [0.02, 0.01]})
    >>> ewm_cov(r, 0.5).loc[1].round(6)
             a        b
    a  0.00025  0.00000
    b  0.00000  0.00025
    """
    u, full = _cov_panel(returns, beta, demean, missing)
    return _stack(u, full)


def ewm_corr(returns, beta=0.94, *, demean=False, missing="skip") -> pd.DataFrame:
    r"""Correlation matrices from :func:`ewm_cov`: ρ_ij = Σ_ij / sqrt(Σ_ii Σ_jj).

    Same parameters and layout as :func:`ewm_cov`; NaN where a variance is zero.

    Examples
    --------
    >>> r = pd.DataFrame({"a": [0.01, -0.02, 0.01], "b": [0.02, -0.01, 0.0]})
    >>> ewm_corr(r, 0.5).loc[2].round(4)
            a       b
    a  1.0000  0.6761
    b  0.6761  1.0000
    """
    u, full = _cov_panel(returns, beta, demean, missing)
    d = np.sqrt(np.einsum("tii->ti", full))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = full / (d[:, :, None] * d[:, None, :])
    corr[~np.isfinite(corr)] = np.nan
    return _stack(u, corr)


def crossover(fast, slow):
    r"""+1 where ``fast`` crosses above ``slow``, −1 where it crosses below, 0 elsewhere.

    A cross is a change of the sign of fast − slow; a touch (equality) keeps
    the previous sign, so touching and turning back is no cross, and NaN rows
    are 0 without losing the side the series were on before them.

    Parameters
    ----------
    fast : Series, DataFrame or array
    slow : same shape as ``fast``, or a number (a level such as 70 for RSI)

    Returns
    -------
    Same type as ``fast``, of int8.

    Examples
    --------
    >>> crossover([1.0, 2.0, 3.0, 2.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0])
    array([ 0,  0,  1,  0, -1], dtype=int8)
    """
    u = Unwrapped(fast, "fast")
    if isinstance(slow, numbers.Real) and not isinstance(slow, bool):
        s = np.full_like(u.values, float(slow))
    else:
        same_index({"fast": fast, "slow": slow})
        us = Unwrapped(slow, "slow")
        if us.values.shape != u.values.shape:
            raise ValueError(f"fast and slow must have one shape, got {u.values.shape} and {us.values.shape}")
        s = us.values
    sign = pd.DataFrame(np.sign(u.values - s)).replace(0.0, np.nan).ffill().to_numpy()
    prev = np.vstack([np.full((1, sign.shape[1]), np.nan), sign[:-1]])
    valid = ~np.isnan(u.values - s)
    out = np.zeros(sign.shape, dtype=np.int8)
    out[(prev < 0) & (sign > 0) & valid] = 1
    out[(prev > 0) & (sign < 0) & valid] = -1
    res = u.wrap(out)
    return res
