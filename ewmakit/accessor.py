"""The ``.ewmakit`` accessor on pandas Series and DataFrames.

Thin by design: it picks the numeric data, hands it to the array functions in
:mod:`ewmakit.core` (one 2-D kernel call per dtype for a DataFrame), and wraps
the result back with the caller's index, name/columns and dtype. It never
mutates its input.

>>> import pandas as pd, ewmakit
>>> s = pd.Series([1.0, 2.0, 3.0], name="close")
>>> s.ewmakit.smooth(0.5)
0    1.00
1    1.50
2    2.25
Name: close, dtype: float64
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from . import core
from ._inputs import as_float_array

__all__ = ["SeriesAccessor", "DataFrameAccessor"]


def _float_dtype(dtype) -> np.dtype:
    return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)


def _is_numeric(dtype) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


def _check_k(k) -> float:
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or not (0 <= k < np.inf):
        raise ValueError(f"k must be a finite number >= 0, got {k!r}")
    return float(k)


class _Base:
    def __init__(self, obj):
        self._obj = obj

    def _times(self, times):
        if isinstance(times, str):
            if times != "index":
                raise ValueError(f"times must be 'index' or an array of times, got {times!r}")
            index = self._obj.index
            if not isinstance(index, pd.DatetimeIndex):
                raise TypeError(f"times='index' needs a DatetimeIndex, got {type(index).__name__}")
            return index
        return times

    def _kw(self, beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods):
        return dict(beta=beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
                    bias_correction=bias_correction, ignore_na=ignore_na, times=self._times(times),
                    min_periods=min_periods)

    # finance (see ewmakit.finance) ------------------------------------------------

    def ema(self, window, *, seed="sma"):
        """n-period EMA, TA-Lib-seeded by default (see :func:`ewmakit.finance.ema`)."""
        from . import finance

        return finance.ema(self._obj, window, seed=seed)

    def macd(self, fast=12, slow=26, signal=9, *, seed="sma") -> pd.DataFrame:
        """MACD line, signal and histogram (see :func:`ewmakit.finance.macd`)."""
        from . import finance

        return finance.macd(self._obj, fast, slow, signal, seed=seed)

    def rsi(self, window=14, *, seed="sma"):
        """Wilder's RSI (see :func:`ewmakit.finance.rsi`)."""
        from . import finance

        return finance.rsi(self._obj, window, seed=seed)

    def volatility(self, beta=0.94, *, annualize=None):
        """RiskMetrics volatility of these returns (see :func:`ewmakit.finance.volatility`)."""
        from . import finance

        return finance.volatility(self._obj, beta, annualize=annualize)


class SeriesAccessor(_Base):
    """``s.ewmakit``: EWMA statistics of a numeric Series."""

    def __init__(self, obj: pd.Series):
        if not _is_numeric(obj.dtype):
            raise TypeError(f"the .ewmakit accessor needs numeric data, got a Series of dtype {obj.dtype}")
        super().__init__(obj)

    def _wrap(self, values: np.ndarray, name=None) -> pd.Series:
        return pd.Series(values, index=self._obj.index, name=self._obj.name if name is None else name, copy=False)

    def _values(self) -> np.ndarray:
        return as_float_array(self._obj, "the Series")

    def smooth(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
               bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False) -> pd.Series:
        """EWMA of the Series (see :func:`ewmakit.ewma`); ``times="index"`` uses its DatetimeIndex.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 3.0]).ewmakit.smooth(window=3).tolist()
        [1.0, 1.5, 2.25]
        """
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        return self._wrap(core.ewma(self._values(), **kw))

    def var(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
            bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
            bias=False) -> pd.Series:
        """EW variance (see :func:`ewmakit.ewmvar`)."""
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        return self._wrap(core.ewmvar(self._values(), bias=bias, **kw))

    def std(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
            bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
            bias=False) -> pd.Series:
        """EW standard deviation (see :func:`ewmakit.ewmstd`)."""
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        return self._wrap(core.ewmstd(self._values(), bias=bias, **kw))

    def zscore(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
               bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
               bias=False) -> pd.Series:
        r"""How many EW standard deviations each value is from its EWMA: (x − ewma) / ewmstd.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 5.0, 2.0, 8.0]).ewmakit.zscore(0.7).round(4).tolist()
        [nan, 0.9899, -0.0721, 1.1745]
        """
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        z = _zscore(self._values(), kw, bias)
        return self._wrap(z)

    def bands(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
              bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
              bias=False, k=2.0) -> pd.DataFrame:
        r"""EWMA bands: ``mid = ewma``, ``lower/upper = mid ∓ k·ewmstd``.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower, mid, upper`` on the Series' index.
        """
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        lower, mid, upper = _bands(self._values(), kw, bias, _check_k(k))
        return pd.DataFrame({"lower": lower, "mid": mid, "upper": upper}, index=self._obj.index)

    def plot(self, betas=(0.5, 0.9, 0.95), *, ax=None, title=None, ylabel=None, init="first",
             bias_correction=False):
        """The Series as points and one EWMA line per β (see :func:`ewmakit.plot.smoothing`).

        Returns the matplotlib Axes. Needs matplotlib (``pip install 'ewmakit[plot]'``).

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import pandas as pd, ewmakit
        >>> ax = pd.Series([5.0, 6, 4, 7, 5, 10, 8, 6, 7]).ewmakit.plot(betas=(0.5, 0.9))
        >>> len(ax.lines), len(ax.collections[0].get_offsets())
        (2, 9)
        """
        from . import plot

        return plot.smoothing(self._obj, betas, ax=ax, title=title, ylabel=ylabel, init=init,
                              bias_correction=bias_correction)


    # finance (see ewmakit.finance; ema, macd, rsi and volatility are shared with DataFrames)

    def crossover(self, other):
        """+1 / −1 / 0 where this series crosses above / below ``other`` (see :func:`ewmakit.finance.crossover`)."""
        from . import finance

        return finance.crossover(self._obj, other)

    # forecasting (see ewmakit.forecast) -------------------------------------------

    def fit_beta(self, *, init="estimated"):
        r"""Fit simple exponential smoothing to the Series (statsmodels); see :func:`ewmakit.forecast.fit`.

        Returns the whole :class:`ewmakit.forecast.SmoothingFit`: ``.beta`` is the fitted
        weight of the past (``1 - `` statsmodels' ``smoothing_level``), with ``alpha``,
        ``initial_level``, ``sse``, ``aic``, the ``fitted`` one-step-ahead values and
        ``.forecast(h, level)``.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> s = pd.Series([10.0, 12.0, 11.0, 13.0, 12.5, 14.0, 13.5, 15.0])
        >>> res = s.ewmakit.fit_beta()
        >>> round(res.beta, 3), round(res.alpha, 3)
        (0.301, 0.699)
        """
        from .forecast import fit

        return fit(self._obj, init=init)

    def forecast(self, h, beta=None, *, alpha=None, window=None, halflife=None, com=None, level=0.95,
                 init="estimated") -> pd.DataFrame:
        r"""Forecast ``h`` steps by simple exponential smoothing; see :func:`ewmakit.forecast.forecast`.

        β is fitted (statsmodels) unless a decay is given. Returns a DataFrame
        ``mean, lower, upper`` with ETS(A,N,N) intervals, on the next ``h``
        dates when the Series has a regular DatetimeIndex.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> s = pd.Series([10.0, 12.0, 11.0, 13.0, 12.5, 14.0, 13.5, 15.0],
        ...               index=pd.date_range("2024-01-01", periods=8, freq="D"))
        >>> s.ewmakit.forecast(2, 0.5, init="first", level=0.8).round(3)
                      mean   lower   upper
        2024-01-09  14.156  12.443  15.870
        2024-01-10  14.156  12.241  16.072
        """
        from .forecast import forecast

        return forecast(self._obj, h, beta=beta, alpha=alpha, window=window, halflife=halflife, com=com,
                        level=level, init=init)

def _zscore(values, kw, bias):
    mean = core.ewma(values, **kw)
    std = core.ewmstd(values, bias=bias, **kw)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (values - mean) / std


def _bands(values, kw, bias, k):
    mid = core.ewma(values, **kw)
    std = core.ewmstd(values, bias=bias, **kw)
    return mid - k * std, mid, mid + k * std


class DataFrameAccessor(_Base):
    """``df.ewmakit``: EWMA statistics of each numeric column (one kernel call per dtype)."""

    def _blocks(self, numeric_only: bool):
        """Positions of the numeric columns grouped by result dtype."""
        df = self._obj
        dtypes = list(df.dtypes)
        kinds = {}  # each distinct dtype judged once (a wide frame has thousands of columns, a few dtypes)
        for dt in dtypes:
            if dt not in kinds:
                kinds[dt] = _float_dtype(dt) if _is_numeric(dt) else None
        bad = [df.columns[i] for i, dt in enumerate(dtypes) if kinds[dt] is None]
        if bad and not numeric_only:
            raise TypeError(f"non-numeric columns {bad!r}: drop them or pass numeric_only=True")
        groups: dict[np.dtype, list[int]] = {}
        for i, dt in enumerate(dtypes):
            if kinds[dt] is not None:
                groups.setdefault(kinds[dt], []).append(i)
        return groups

    def _apply_many(self, func, numeric_only) -> list[pd.DataFrame]:
        """Run ``func`` (2-D block -> tuple of 2-D results) once per dtype block; one frame per result."""
        df = self._obj

        def block(dtype, pos):
            # every column at once: no take() copy (a float frame's values are then a view of its block)
            sub = df if len(pos) == df.shape[1] else df.iloc[:, pos]
            return sub.to_numpy(dtype=dtype, na_value=np.nan)

        parts = [(pos, func(block(dtype, pos))) for dtype, pos in self._blocks(numeric_only).items()]
        order = np.argsort([p for pos, _ in parts for p in pos], kind="stable")
        frames = []
        for k in range(len(parts[0][1]) if parts else 1):
            pieces = [pd.DataFrame(res[k], index=df.index, columns=df.columns[pos], copy=False) for pos, res in parts]
            if not pieces:
                frames.append(pd.DataFrame(index=df.index, columns=df.columns[:0], dtype=np.float64))
            elif len(pieces) == 1:
                frames.append(pieces[0])
            else:
                frames.append(pd.concat(pieces, axis=1).iloc[:, order])
        return frames

    def _apply(self, func, numeric_only) -> pd.DataFrame:
        return self._apply_many(lambda a: (func(a),), numeric_only)[0]

    def smooth(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
               bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False) -> pd.DataFrame:
        """EWMA of every numeric column (see :func:`ewmakit.ewma`).

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3, 3, 0]})
        >>> df.ewmakit.smooth(0.5)
              a     b
        0  1.00  3.00
        1  1.50  3.00
        2  2.25  1.50
        """
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        return self._apply(lambda a: core.ewma(a, axis=0, **kw), numeric_only)

    def var(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
            bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
            bias=False) -> pd.DataFrame:
        """EW variance of every numeric column (see :func:`ewmakit.ewmvar`)."""
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        return self._apply(lambda a: core.ewmvar(a, axis=0, bias=bias, **kw), numeric_only)

    def std(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
            bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
            bias=False) -> pd.DataFrame:
        """EW standard deviation of every numeric column (see :func:`ewmakit.ewmstd`)."""
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        return self._apply(lambda a: core.ewmstd(a, axis=0, bias=bias, **kw), numeric_only)

    def zscore(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
               bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
               bias=False) -> pd.DataFrame:
        """(x − ewma) / ewmstd for every numeric column."""
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        return self._apply(lambda a: _zscore(a, kw, bias), numeric_only)

    def bands(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
              bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
              bias=False, k=2.0) -> pd.DataFrame:
        """EWMA bands of every numeric column.

        Returns
        -------
        pandas.DataFrame
            Columns ``MultiIndex (band, column)`` with bands ``lower, mid,
            upper``, so ``df.ewmakit.bands(0.9)["upper"]`` is a frame like ``df``.
        """
        kw = self._kw(beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods)
        k = _check_k(k)
        frames = self._apply_many(lambda a: _bands(a, kw, bias, k), numeric_only)
        return pd.concat(dict(zip(("lower", "mid", "upper"), frames)), axis=1,
                         names=["band"] + list(self._obj.columns.names))

    def plot(self, betas=(0.5, 0.9, 0.95), *, column=None, ax=None, title=None, ylabel=None, init="first",
             bias_correction=False):
        """One column as points and one EWMA line per β (see :func:`ewmakit.plot.smoothing`).

        ``column`` defaults to ``Close`` (a price frame), else the only numeric
        column. Returns the matplotlib Axes.

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import ewmakit
        >>> from ewmakit import data
        >>> ax = data.sample("sp500").loc["2008"].ewmakit.plot(betas=0.9)
        >>> [line.get_label() for line in ax.lines]
        ['β=0.9 (≈19-day)']
        """
        from . import plot

        return plot.smoothing(self._obj, betas, column=column, ax=ax, title=title, ylabel=ylabel, init=init,
                              bias_correction=bias_correction)


    # finance (see ewmakit.finance; ema, macd, rsi and volatility are shared with Series)

    def atr(self, window=14, *, seed="sma"):
        """Wilder's ATR from the ``High``, ``Low`` and ``Close`` columns (see :func:`ewmakit.finance.atr`)."""
        from . import finance

        return finance.atr(self._obj, window=window, seed=seed)

    def cov(self, beta=0.94, *, demean=False, missing="skip") -> pd.DataFrame:
        """RiskMetrics covariance matrices of these returns (see :func:`ewmakit.finance.ewm_cov`)."""
        from . import finance

        return finance.ewm_cov(self._obj, beta, demean=demean, missing=missing)

    def corr(self, beta=0.94, *, demean=False, missing="skip") -> pd.DataFrame:
        """RiskMetrics correlation matrices of these returns (see :func:`ewmakit.finance.ewm_corr`)."""
        from . import finance

        return finance.ewm_corr(self._obj, beta, demean=demean, missing=missing)

pd.api.extensions.register_series_accessor("ewmakit")(SeriesAccessor)
pd.api.extensions.register_dataframe_accessor("ewmakit")(DataFrameAccessor)
