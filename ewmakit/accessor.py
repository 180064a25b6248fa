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
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from . import core
from ._frames import Table, column_floats, numeric_column, text_like
from ._indicators import FrameIndicators, SeriesIndicators
from ._typing import ArrayLike, By, DateLike, Halflife, Init, Labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .forecast import SmoothingFit

__all__ = ["SeriesAccessor", "DataFrameAccessor"]


def _float_dtype(dtype) -> np.dtype:
    return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)


def _check_k(k: object) -> float:
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or not (0 <= float(k) < np.inf):
        raise ValueError(f"k must be a finite number >= 0, got {k!r}")
    return float(k)


_DECAY_ARGS = ("beta", "alpha", "window", "span", "halflife", "com", "init", "bias_correction", "ignore_na", "times",
               "min_periods")


class _Base:
    def __init__(self, obj: pd.Series | pd.DataFrame) -> None:
        self._obj = obj

    def _times(self, times: Any) -> Any:
        if isinstance(times, str):
            if times != "index":
                if isinstance(self._obj, pd.DataFrame) and times in self._obj.columns:
                    return times  # a column: the functions take it by name
                raise ValueError(f"times must be 'index', a column name or an array of times, got {times!r}")
            index = self._obj.index
            if not isinstance(index, pd.DatetimeIndex):
                raise TypeError(f"times='index' needs a DatetimeIndex, got {type(index).__name__}")
            return index
        return times

    def _kw(self, given: dict) -> dict:
        """The smoothing options among a method's arguments, ``times="index"`` resolved."""
        kw = {k: given[k] for k in _DECAY_ARGS}
        kw["times"] = self._times(kw["times"])
        return kw


class SeriesAccessor(_Base, SeriesIndicators[pd.Series, pd.DataFrame]):
    """``s.ewmakit``: EWMA statistics of a Series holding numbers (any numeric dtype, numeric categories,
    objects that are numbers)."""

    _obj: pd.Series

    def __init__(self, obj: pd.Series) -> None:
        try:
            Table(obj, "the Series")
        except TypeError as exc:
            raise TypeError(f"the .ewmakit accessor needs numeric data: {exc}") from None
        super().__init__(obj)

    def _values(self) -> np.ndarray:
        return Table(self._obj, "the Series").values

    def smooth(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, by: By | None = None) -> pd.Series:
        """EWMA of the Series (see :func:`ewmakit.ewma`); ``times="index"`` uses its DatetimeIndex.

        ``by``: one group key per row (an array or a Series on the same
        index); each group is then smoothed on its own rows.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 3.0]).ewmakit.smooth(window=3).tolist()
        [1.0, 1.5, 2.25]
        >>> pd.Series([1.0, 10.0, 3.0, 30.0]).ewmakit.smooth(0.5, by=["a", "b", "a", "b"]).tolist()
        [1.0, 10.0, 2.0, 20.0]
        """
        return core.ewma(self._obj, **self._kw(locals()), by=by)

    def var(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, bias: bool = False, by: By | None = None) -> pd.Series:
        """EW variance (see :func:`ewmakit.ewmvar`)."""
        return core.ewmvar(self._obj, **self._kw(locals()), bias=bias, by=by)

    def std(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, bias: bool = False, by: By | None = None) -> pd.Series:
        """EW standard deviation (see :func:`ewmakit.ewmstd`)."""
        return core.ewmstd(self._obj, **self._kw(locals()), bias=bias, by=by)

    def zscore(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, bias: bool = False,
               by: By | None = None) -> pd.Series:
        r"""How many EW standard deviations each value is from its EWMA: (x − ewma) / ewmstd.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 5.0, 2.0, 8.0]).ewmakit.zscore(0.7).round(4).tolist()
        [nan, 0.9899, -0.0721, 1.1745]
        """
        t = Table(self._obj, "the Series", by=by)
        mean, std = _mean_std(t, self._kw(locals()), bias)
        # with by= the results are (T, 1): the values as a column too (a (T,) row would broadcast to (T, T))
        return t.wrap(_zscore(t.values.reshape(mean.shape), mean, std))

    def bands(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
              span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
              init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
              times: ArrayLike | str | None = None, min_periods: int = 0, bias: bool = False, k: float = 2.0,
              by: By | None = None) -> pd.DataFrame:
        r"""EWMA bands: ``mid = ewma``, ``lower/upper = mid ∓ k·ewmstd``.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower, mid, upper`` on the Series' index.
        """
        k = _check_k(k)
        t = Table(self._obj, "the Series", by=by)
        mid, std = _mean_std(t, self._kw(locals()), bias)
        mid, std = mid.reshape(-1), std.reshape(-1)  # (T, 1) with by=
        return pd.DataFrame({"lower": mid - k * std, "mid": mid, "upper": mid + k * std}, index=self._obj.index)

    def plot(self, betas: float | Sequence[float] | None = None, *, beta: float | Sequence[float] | None = None,
             alpha: float | Sequence[float] | None = None, window: float | Sequence[float] | None = None,
             span: float | Sequence[float] | None = None, halflife: Halflife | Sequence[Halflife] | None = None,
             com: float | Sequence[float] | None = None, ax: Axes | None = None, title: str | None = None,
             ylabel: str | None = None, init: Literal["first", "zero"] = "first", bias_correction: bool = False,
             start: DateLike | None = None, end: DateLike | None = None) -> Axes:
        """The Series as points and one EWMA line per decay (see :func:`ewmakit.plot.smoothing`).

        ``start``/``end`` choose the dates shown (default: all, but only the last 2 years of a daily
        series longer than 3 years).

        Any one decay spec, one value or a sequence: ``betas=(0.5, 0.9)``,
        ``window=20``, ``span=(10, 50)``, ``halflife=5``, ``alpha=0.1``,
        ``com=3``; default β = 0.5, 0.9, 0.95. Returns the matplotlib Axes.
        Needs matplotlib (``pip install 'ewmakit[plot]'``).

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import pandas as pd, ewmakit
        >>> ax = pd.Series([5.0, 6, 4, 7, 5, 10, 8, 6, 7]).ewmakit.plot(betas=(0.5, 0.9))
        >>> len(ax.lines), len(ax.collections[0].get_offsets())
        (2, 9)
        >>> ax = pd.Series([5.0, 6, 4, 7, 5, 10, 8, 6, 7]).ewmakit.plot(window=(3, 5))
        >>> [line.get_label() for line in ax.lines]
        ['window=3', 'window=5']
        """
        from . import plot

        return plot.smoothing(self._obj, betas, beta=beta, alpha=alpha, window=window, span=span,
                              halflife=halflife, com=com, ax=ax, title=title, ylabel=ylabel, init=init,
                              bias_correction=bias_correction, start=start, end=end)


    # forecasting (see ewmakit.forecast) -------------------------------------------

    def fit_beta(self, *, init: Literal["estimated", "first"] = "estimated") -> SmoothingFit:
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

    def forecast(self, h: int, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
                 span: float | None = None, halflife: float | None = None, com: float | None = None,
                 level: float = 0.95, init: Literal["estimated", "first"] = "estimated") -> pd.DataFrame:
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

        return forecast(self._obj, h, beta=beta, alpha=alpha, window=window, span=span, halflife=halflife,
                        com=com, level=level, init=init)

def _mean_std(t: Table, kw: dict, bias) -> tuple[np.ndarray, np.ndarray]:
    """The EWMA and EW standard deviation of a table's values (per group with its keys), as arrays."""
    return core.run_table("mean", t, None, kw), core.run_table("std", t, None, kw, bias=bias)


def _zscore(values, mean, std):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (values - mean) / std


def _one_label(frame: pd.DataFrame, columns):
    """``columns=`` named one column (a label, not a list): its Series, as ``df["close"]`` gives."""
    if columns is None or isinstance(columns, (list, tuple, pd.Index, np.ndarray)) or frame.shape[1] != 1:
        return frame
    return frame.iloc[:, 0]


class DataFrameAccessor(_Base, FrameIndicators[pd.Series, pd.DataFrame]):
    """``df.ewmakit``: EWMA statistics of each column holding numbers (one kernel call per dtype), or of
    each group's rows with ``by=``."""

    _obj: pd.DataFrame

    def _blocks(self, numeric_only: bool, columns=None):
        """Positions of the value columns grouped by result dtype (float32 stays float32, the rest float64)."""
        df = self._obj
        if columns is not None:
            t = Table(df, "the DataFrame", columns=columns)  # checks the names and the values
            wanted = set(cast(list[Hashable], t.columns))  # (set for a DataFrame)
            positions = [i for i, c in enumerate(df.columns) if c in wanted]
        else:
            positions = list(range(df.shape[1]))
        kinds: dict[Any, np.dtype | None] = {}  # each distinct dtype judged once (a wide frame: a few dtypes)
        bad: list[int] = []
        groups: dict[np.dtype, list[int]] = {}
        dtypes = list(df.dtypes)
        for i in positions:
            dt = dtypes[i]
            if dt == object:  # objects are judged by their values
                kind = np.dtype(np.float64) if numeric_column(df.iloc[:, i]) else None
            else:
                if dt not in kinds:
                    kinds[dt] = _float_dtype(dt) if numeric_column(df.iloc[:, i]) else None
                kind = kinds[dt]
            if kind is None:
                bad.append(i)
            else:
                groups.setdefault(kind, []).append(i)
        if bad and not numeric_only:
            raise TypeError(self._refusal([df.columns[i] for i in bad]))
        return groups

    def _refusal(self, bad) -> str:
        """The error for columns that do not hold numbers: ``by=`` suggested when one looks like a key."""
        df = self._obj
        keylike = [c for c in bad if text_like(df[c].dtype) or (df[c].dtype == object and not
                                                                    numeric_column(df[c]))]
        msg = f"non-numeric columns {bad!r}"
        if keylike:
            k = keylike[0]
            return (f"{msg}: if {k!r} names groups (one series per {k}), pass by={k!r} to smooth each group on "
                    f"its own rows, and columns=... to pick the value columns")
        return f"{msg}: drop them, pick the value columns with columns=..., or pass numeric_only=True"

    def _apply_many(self, func, numeric_only, columns=None) -> list[pd.DataFrame]:
        """Run ``func`` (2-D block -> tuple of 2-D results) once per dtype block; one frame per result."""
        df = self._obj

        def block(dtype, pos):
            # every column at once: no take() copy (a float frame's values are then a view of its block)
            sub = df if len(pos) == df.shape[1] else df.iloc[:, pos]
            if all(sub.dtypes == dtype):
                return sub.to_numpy(dtype=dtype, na_value=np.nan)
            out = np.empty((len(df), len(pos)), dtype=dtype, order="F")
            for j, i in enumerate(pos):
                out[:, j] = column_floats(df.iloc[:, i], df.columns[i])
            return out

        parts = [(pos, func(block(dtype, pos))) for dtype, pos in self._blocks(numeric_only, columns).items()]
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

    def _stat(self, stat: str, given: dict):
        """smooth/var/std of every value column, or of each group's rows with ``by``."""
        kw = self._kw(given)
        by, columns, numeric_only, bias = given["by"], given["columns"], given["numeric_only"], given.get("bias")
        if by is not None or isinstance(kw["times"], str):
            t = Table(self._obj, "the DataFrame", by=by, columns=columns, times=kw["times"],
                      numeric_only=numeric_only)
            return t.wrap(core.run_table(stat, t, None, kw, bias=bias))
        funcs: dict[str, Callable[..., Any]] = {"mean": core.ewma, "var": core.ewmvar, "std": core.ewmstd}
        func = funcs[stat]
        extra = {} if stat == "mean" else {"bias": bias}
        return _one_label(self._apply_many(lambda a: (func(a, axis=0, **kw, **extra),), numeric_only, columns)[0],
                          columns)

    def smooth(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, numeric_only: bool = False,
               by: By | None = None, columns: Labels | None = None) -> pd.DataFrame | pd.Series:
        """EWMA of every numeric column (see :func:`ewmakit.ewma`), or of each group's rows with ``by``.

        ``by``: key column name(s) (or one key per row); ``columns``: the value
        columns (default: every column holding numbers that is not a key or the
        times; one label gives a Series named after it, as ``df["close"]``
        does); ``times``: "index", a column name or an array.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3, 3, 0]})
        >>> df.ewmakit.smooth(0.5)
              a     b
        0  1.00  3.00
        1  1.50  3.00
        2  2.25  1.50
        >>> long = pd.DataFrame({"ticker": ["A", "B", "A", "B"], "close": [1.0, 10.0, 3.0, 30.0]})
        >>> long.assign(ema=long.ewmakit.smooth(0.5, by="ticker", columns="close"))
          ticker  close   ema
        0      A    1.0   1.0
        1      B   10.0  10.0
        2      A    3.0   2.0
        3      B   30.0  20.0
        """
        return self._stat("mean", locals())

    def var(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, numeric_only: bool = False, bias: bool = False, by: By | None = None,
            columns: Labels | None = None) -> pd.DataFrame | pd.Series:
        """EW variance of every numeric column, or of each group's rows (see :func:`ewmakit.ewmvar`)."""
        return self._stat("var", locals())

    def std(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, numeric_only: bool = False, bias: bool = False, by: By | None = None,
            columns: Labels | None = None) -> pd.DataFrame | pd.Series:
        """EW standard deviation of every numeric column, or of each group's rows (see :func:`ewmakit.ewmstd`)."""
        return self._stat("std", locals())

    def zscore(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, numeric_only: bool = False,
               bias: bool = False, by: By | None = None, columns: Labels | None = None) -> pd.DataFrame | pd.Series:
        """(x − ewma) / ewmstd for every numeric column (per group with ``by``)."""
        kw = self._kw(locals())
        if by is not None or isinstance(kw["times"], str):
            t = Table(self._obj, "the DataFrame", by=by, columns=columns, times=kw["times"],
                      numeric_only=numeric_only)
            mean, std = _mean_std(t, kw, bias)
            return t.wrap(_zscore(t.values_2d(), mean, std))

        def z(a):
            return (_zscore(a, core.ewma(a, **kw), core.ewmstd(a, bias=bias, **kw)),)

        return _one_label(self._apply_many(z, numeric_only, columns)[0], columns)

    def bands(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
              span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
              init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
              times: ArrayLike | str | None = None, min_periods: int = 0, numeric_only: bool = False,
              bias: bool = False, k: float = 2.0, by: By | None = None, columns: Labels | None = None) -> pd.DataFrame:
        """EWMA bands of every numeric column (per group with ``by``).

        Returns
        -------
        pandas.DataFrame
            Columns ``MultiIndex (band, column)`` with bands ``lower, mid,
            upper``, so ``df.ewmakit.bands(0.9)["upper"]`` is a frame like ``df``.
        """
        kw = self._kw(locals())
        k = _check_k(k)
        if by is not None or isinstance(kw["times"], str):
            t = Table(self._obj, "the DataFrame", by=by, columns=columns, times=kw["times"],
                      numeric_only=numeric_only)
            mid, std = _mean_std(t, kw, bias)
            frames = [t.wrap(mid - k * std), t.wrap(mid), t.wrap(mid + k * std)]
        else:
            def bands(a):
                mid = core.ewma(a, **kw)
                std = core.ewmstd(a, bias=bias, **kw)
                return mid - k * std, mid, mid + k * std

            frames = [_one_label(f, columns) for f in self._apply_many(bands, numeric_only, columns)]
        names = ["band"] if isinstance(frames[0], pd.Series) else ["band"] + list(self._obj.columns.names)
        return pd.concat(dict(zip(("lower", "mid", "upper"), frames)), axis=1, names=names)

    def plot(self, betas: float | Sequence[float] | None = None, *, beta: float | Sequence[float] | None = None,
             alpha: float | Sequence[float] | None = None, window: float | Sequence[float] | None = None,
             span: float | Sequence[float] | None = None, halflife: Halflife | Sequence[Halflife] | None = None,
             com: float | Sequence[float] | None = None, column: Hashable | None = None, ax: Axes | None = None,
             title: str | None = None, ylabel: str | None = None, init: Literal["first", "zero"] = "first",
             bias_correction: bool = False, start: DateLike | None = None, end: DateLike | None = None) -> Axes:
        """One column as points and one EWMA line per decay (see :func:`ewmakit.plot.smoothing`).

        ``start``/``end`` choose the dates shown (default: all, but only the last 2 years of a daily
        series longer than 3 years).

        ``column`` defaults to ``Close`` (a price frame, whatever its case),
        else the only numeric column. Any one decay spec, one value or a
        sequence (``window=(10, 50)``); default β = 0.5, 0.9, 0.95. Returns
        the matplotlib Axes.

        Examples
        --------
        >>> import matplotlib; matplotlib.use("Agg")
        >>> import ewmakit
        >>> from ewmakit import data
        >>> ax = data.sample("sp500").loc["2008"].ewmakit.plot(betas=0.9)
        >>> [line.get_label() for line in ax.lines]
        ['β=0.9 (≈10 days, span 19)']
        >>> ax = data.sample("sp500").loc["2008"].ewmakit.plot(window=(10, 50))
        >>> [line.get_label() for line in ax.lines]
        ['window=10', 'window=50']
        """
        from . import plot

        return plot.smoothing(self._obj, betas, beta=beta, alpha=alpha, window=window, span=span,
                              halflife=halflife, com=com, column=column, ax=ax, title=title, ylabel=ylabel,
                              init=init, bias_correction=bias_correction, start=start, end=end)


    # finance: the indicators (ema ... keltner) come from ewmakit._indicators.FrameIndicators

    def cov(self, beta: float = 0.94, *, demean: bool = False,
            missing: Literal["skip", "pairwise"] = "skip") -> pd.DataFrame:
        """RiskMetrics covariance matrices of these returns (see :func:`ewmakit.finance.ewm_cov`)."""
        from . import finance

        return finance.ewm_cov(self._obj, beta, demean=demean, missing=missing)

    def corr(self, beta: float = 0.94, *, demean: bool = False,
             missing: Literal["skip", "pairwise"] = "skip") -> pd.DataFrame:
        """RiskMetrics correlation matrices of these returns (see :func:`ewmakit.finance.ewm_corr`)."""
        from . import finance

        return finance.ewm_corr(self._obj, beta, demean=demean, missing=missing)

pd.api.extensions.register_series_accessor("ewmakit")(SeriesAccessor)
pd.api.extensions.register_dataframe_accessor("ewmakit")(DataFrameAccessor)
