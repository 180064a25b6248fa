r"""The ``.ewmakit`` namespaces on polars Series and DataFrames.

Install polars with ewmakit's ``polars`` extra::

    pip install 'ewmakit[polars]'

Then every polars Series and DataFrame has ``.ewmakit``, with the methods of
the pandas accessor that make sense without an index: ``smooth``, ``var``,
``std``, ``zscore`` and ``bands``, each with the options of
:func:`ewmakit.ewma` (one decay among ``beta``, ``alpha``, ``window``/``span``,
``halflife``, ``com``; ``init``, ``bias_correction``, ``ignore_na``,
``times``, ``min_periods``; and on a DataFrame ``by``, ``columns``,
``numeric_only``); and the indicators of :mod:`ewmakit.finance` (``ema``,
``macd``, ``rsi``, ``dema``, ``tema``, ``t3``, ``trix``, ``apo``, ``ppo``,
``kama``, ``ewm_beta``, ``volatility``, ``log_returns``; ``crossover`` on a
Series; ``atr``, ``adx``, ``adosc``, ``keltner`` on a price DataFrame, its
High, Low, Close and Volume columns found whatever their case), each the
function of that name on the polars object, with its parameters (``by=``,
``columns=``) and naming rule: polars in, polars out. The smoothing methods
follow one recursion,

.. math::

    v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t ,

with pandas' handling of missing values: a null (or NaN) is a missing value,
which still decays the past (``ignore_na=False``) and carries the last value
on its row. Results are polars objects of the input's length, row for row,
ready for ``with_columns``: a Series named like the input, or a DataFrame of
the value columns (Float32 if every value column is Float32, else Float64;
NaN where there is no value yet). They are bit for bit what
:func:`ewmakit.ewma` & co. give on the pandas version of the same data (nulls
as NaN), and :func:`ewmakit.ewma`, :func:`~ewmakit.ewmvar`,
:func:`~ewmakit.ewmstd`, :func:`~ewmakit.ewmcov` and :func:`~ewmakit.ewmcorr`
take polars objects too (``by=`` and ``times=`` as column names).

>>> import polars as pl
>>> import ewmakit
>>> df = pl.DataFrame({"ticker": ["A", "B", "A", "B"], "close": [1.0, 10.0, 3.0, 30.0]})
>>> df.ewmakit.smooth(0.5, by="ticker")["close"].to_list()
[1.0, 10.0, 2.0, 20.0]
>>> df.with_columns(ema=df.ewmakit.smooth(window=3, by="ticker", columns="close"))["ema"].to_list()
[1.0, 10.0, 2.0, 20.0]
>>> ewmakit.ewmstd(df, 0.5, by="ticker", bias=True)["close"].to_list()
[0.0, 0.0, 1.0, 10.0]

No round trip through pandas: a Float64 or Float32 column without nulls
reaches the kernel as a read-only view of polars' own buffer (no copy);
nulls, integers, booleans and decimals take one conversion by polars (nulls
become NaN). Several value columns are gathered into one block. Group keys
may be strings, categoricals, enums, integers, booleans or dates (one key
column or several); a row whose key is null is NaN. A LazyFrame is refused
with a TypeError: ``collect()`` it first.

Registration is lazy: ``import ewmakit`` never imports polars. If polars is
already imported, the namespaces are registered at once; otherwise an import
hook (:func:`ewmakit._polars.register_when_polars_loads`) registers them as
soon as polars finishes importing, so the order of ``import polars`` and
``import ewmakit`` does not matter.

Against polars' own expressions: ``smooth(window=n, by=key)`` is
``pl.col(c).ewm_mean(span=n, adjust=False).over(key)``, ``bias_correction=True``
is ``adjust=True``, ``ignore_na`` is ``ignore_nulls``, ``var``/``std`` (with
``bias``) are ``ewm_var``/``ewm_std``, ``min_periods`` is ``min_samples``
(``min_periods`` in older polars), and
``smooth(halflife=h, times=t, by=key)`` is ``ewm_mean_by(t, half_life=h).over(key)``:
the same numbers (to about 1e-12 relative, the order of the operations
differs) on every row whose value is present. They differ on missing values:

- a null row: polars gives null, ewmakit the last value (pandas' rule);
- a NaN: polars takes it as a number, so every later value of the series is
  NaN; ewmakit takes it as missing, like a null;
- rows before ``min_periods`` observations: null in polars, NaN here; and the
  unbiased variance of a single observation is NaN here (as in pandas and in
  recent polars; polars 1.10, for one, gives 0).
"""

from __future__ import annotations

import numbers
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from . import core
from ._frames import Table
from ._indicators import FrameIndicators, Indicators, SeriesIndicators
from ._polars import describe, holds_numbers
from ._typing import ArrayLike, By, Halflife, Init, Labels

if TYPE_CHECKING:
    import polars as pl

__all__ = ["SeriesNamespace", "DataFrameNamespace", "LazyFrameNamespace", "register_namespaces"]

_SPEC = ("beta", "alpha", "window", "span", "halflife", "com", "init", "bias_correction", "ignore_na", "times",
         "min_periods")
_BANDS = ("lower", "mid", "upper")


def _check_k(k: object) -> float:
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or not (0 <= float(k) < np.inf):
        raise ValueError(f"k must be a finite number >= 0, got {k!r}")
    return float(k)


def _zscore(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - mean) / std


class _Namespace:
    """What the Series and DataFrame namespaces share: the table of the data, the statistics on it."""

    _what = "the polars object"

    def __init__(self, obj: pl.Series | pl.DataFrame) -> None:
        self._obj = obj

    def _table(self, given: dict) -> Table:
        return Table(self._obj, self._what, by=given.get("by"), columns=given.get("columns"), times=given["times"],
                     numeric_only=given.get("numeric_only", False))

    def _stat(self, stat: str, given: dict) -> Any:  # (the polars type of self._obj)
        """``stat`` ("mean", "var", "std") of the value columns, per group with ``by``, in polars."""
        t = self._table(given)
        return t.wrap(core.run_table(stat, t, None, {k: given[k] for k in _SPEC}, bias=given.get("bias", False)))

    def _mean_std(self, given: dict) -> tuple[Table, np.ndarray, np.ndarray, np.ndarray]:
        """The table, its values ``(T, C)``, their EWMA and EW standard deviation (same shape)."""
        t = self._table(given)
        spec = {k: given[k] for k in _SPEC}
        x = t.values_2d()
        mean = core.run_table("mean", t, None, spec).reshape(x.shape)
        std = core.run_table("std", t, None, spec, bias=given["bias"]).reshape(x.shape)
        return t, x, mean, std


class SeriesNamespace(_Namespace, SeriesIndicators["pl.Series", "pl.DataFrame"]):
    r"""``s.ewmakit`` on a polars Series holding numbers (any numeric dtype, booleans; nulls are missing).

    Examples
    --------
    >>> import polars as pl
    >>> import ewmakit
    >>> pl.Series("close", [1.0, 2.0, 3.0]).ewmakit.smooth(0.5)
    shape: (3,)
    Series: 'close' [f64]
    [
        1.0
        1.5
        2.25
    ]
    """

    _what = "the Series"

    def __init__(self, s: pl.Series) -> None:
        if not holds_numbers(s.dtype):
            raise TypeError(f"the .ewmakit namespace needs numbers, but the Series holds {describe(s.dtype)}")
        super().__init__(s)

    def smooth(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, by: By | None = None) -> pl.Series:
        r"""Exponentially weighted moving average of the Series (see :func:`ewmakit.ewma`).

        .. math::

            v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

        Parameters
        ----------
        beta, alpha, window, span, halflife, com : float, optional
            Exactly one decay: the weight of the past β, the weight of the
            newest point α = 1 − β, an n-period window (β = (n−1)/(n+1)),
            a half-life (in rows, or a time span with ``times``), a centre
            of mass c (β = c/(1+c)).
        init, bias_correction, ignore_na, min_periods
            As in :func:`ewmakit.ewma` (pandas ``adjust=False`` by default;
            ``bias_correction=True`` is pandas/polars ``adjust=True``).
        times : polars Series or array of datetimes or numbers, optional
            The time of each row (non-decreasing, within each group with
            ``by``); needs ``halflife``: row i decays the past by
            0.5 ** ((t_i − t_{i−1}) / halflife).
        by : polars Series, list or array, optional
            One group key per row: each group is smoothed on its own rows,
            in row order. Rows whose key is null are NaN.

        Returns
        -------
        polars.Series
            Same length and name; Float32 for Float32 input, else Float64.

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> pl.Series([1.0, 2.0, None, 3.0]).ewmakit.smooth(window=3).to_list()
        [1.0, 1.5, 1.5, 2.5]
        >>> pl.Series([1.0, 10.0, 3.0, 30.0]).ewmakit.smooth(0.5, by=["a", "b", "a", "b"]).to_list()
        [1.0, 10.0, 2.0, 20.0]
        """
        return self._stat("mean", locals())

    def var(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, bias: bool = False, by: By | None = None) -> pl.Series:
        r"""Exponentially weighted moving variance of the Series (see :func:`ewmakit.ewmvar`).

        .. math::

            \sigma^2_t = \frac{\sum_k w_k (x_k - \bar x_t)^2}{\sum_k w_k}
            \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

        with the weights of :meth:`smooth`; ``bias=True`` leaves out the last
        factor (polars/pandas ``bias``). The other options are those of
        :meth:`smooth`.

        Returns
        -------
        polars.Series
            Same length and name; NaN at the first observation (``bias=False``).

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> pl.Series([1.0, 5.0, 2.0, 8.0]).ewmakit.var(0.7).round(4).to_list()
        [nan, 8.0, 3.7718, 12.198]
        """
        return self._stat("var", locals())

    def std(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, bias: bool = False, by: By | None = None) -> pl.Series:
        r"""Exponentially weighted moving standard deviation, the square root of :meth:`var`.

        .. math::

            \sigma_t = \sqrt{\sigma^2_t}

        The options are those of :meth:`var`.

        Returns
        -------
        polars.Series
            Same length and name.

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> pl.Series([1.0, 5.0, 2.0, 8.0]).ewmakit.std(0.7).round(4).to_list()
        [nan, 2.8284, 1.9421, 3.4926]
        """
        return self._stat("std", locals())

    def zscore(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, bias: bool = False,
               by: By | None = None) -> pl.Series:
        r"""How many EW standard deviations each value is from its EWMA.

        .. math::

            z_t = \frac{x_t - v_t}{\sigma_t}

        with ``v`` from :meth:`smooth` and σ from :meth:`std` (same options).

        Returns
        -------
        polars.Series
            Same length and name; NaN where x is missing or σ is not defined.

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> pl.Series([1.0, 5.0, 2.0, 8.0]).ewmakit.zscore(0.7).round(4).to_list()
        [nan, 0.9899, -0.0721, 1.1745]
        """
        t, x, mean, std = self._mean_std(locals())
        return t.wrap(_zscore(x, mean, std))

    def bands(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
              span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
              init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
              times: ArrayLike | str | None = None, min_periods: int = 0, bias: bool = False, k: float = 2.0,
              by: By | None = None) -> pl.DataFrame:
        r"""EWMA bands: the EWMA and k EW standard deviations either side of it.

        .. math::

            \text{mid}_t = v_t, \qquad \text{lower}_t, \text{upper}_t = v_t \mp k\, \sigma_t

        Parameters
        ----------
        k : float, default 2.0
            Width of the bands in standard deviations, >= 0.

        The other options are those of :meth:`std`.

        Returns
        -------
        polars.DataFrame
            Columns ``lower``, ``mid``, ``upper``, one row per row of the Series.

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> b = pl.Series([1.0, 5.0, 2.0, 8.0]).ewmakit.bands(0.7, k=1.0)
        >>> b.columns
        ['lower', 'mid', 'upper']
        >>> b["upper"].round(4).to_list()
        [nan, 5.0284, 4.0821, 7.3906]
        """
        import polars as pl

        k = _check_k(k)
        _, _, mid, std = self._mean_std(locals())
        mid, std = mid[:, 0], std[:, 0]
        return pl.DataFrame({"lower": mid - k * std, "mid": mid, "upper": mid + k * std})


class DataFrameNamespace(_Namespace, FrameIndicators["pl.Series", "pl.DataFrame"]):
    r"""``df.ewmakit`` on a polars DataFrame: EWMA statistics of its value columns, per group with ``by``.

    The value columns are ``columns`` if given, else every column holding
    numbers that is neither a key (``by``) nor the times (``times``); a text
    column among them is a TypeError naming it (suggesting ``by=`` when it
    looks like a key), unless ``numeric_only=True`` leaves it out.

    Examples
    --------
    >>> import polars as pl
    >>> import ewmakit
    >>> df = pl.DataFrame({"ticker": ["A", "B", "A", "B"], "close": [1.0, 10.0, 3.0, 30.0]})
    >>> df.ewmakit.smooth(0.5, by="ticker")
    shape: (4, 1)
    ┌───────┐
    │ close │
    │ ---   │
    │ f64   │
    ╞═══════╡
    │ 1.0   │
    │ 10.0  │
    │ 2.0   │
    │ 20.0  │
    └───────┘
    """

    _what = "the DataFrame"

    def smooth(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, numeric_only: bool = False,
               by: By | None = None, columns: Labels | None = None) -> pl.DataFrame | pl.Series:
        r"""Exponentially weighted moving average of every value column, per group with ``by``.

        .. math::

            v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

        Parameters
        ----------
        beta, alpha, window, span, halflife, com : float, optional
            Exactly one decay (see :meth:`SeriesNamespace.smooth`).
        init, bias_correction, ignore_na, min_periods
            As in :func:`ewmakit.ewma`.
        times : str, polars Series or array, optional
            The name of a datetime (any time zone) or numeric column, or
            one time per row; needs ``halflife``.
        numeric_only : bool, default False
            Leave out the columns that do not hold numbers instead of refusing them.
        by : str, list of str, or one key per row, optional
            Key column(s): each group (a combination of keys) is smoothed on
            its own rows, in row order; rows need not be sorted or
            contiguous. Rows with a null key are NaN.
        columns : str or list of str, optional
            The value columns.

        Returns
        -------
        polars.DataFrame
            The value columns, one row per input row (Float32 if every value
            column is Float32, else Float64).

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> df = pl.DataFrame({"ticker": ["A", "B", "A", "B"], "close": [1.0, 10.0, 3.0, 30.0],
        ...                    "volume": [100, 200, 300, 400]})
        >>> res = df.ewmakit.smooth(0.5, by="ticker")
        >>> res.columns, res["volume"].to_list()
        (['close', 'volume'], [100.0, 200.0, 200.0, 300.0])
        """
        return self._stat("mean", locals())

    def var(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, numeric_only: bool = False, bias: bool = False, by: By | None = None,
            columns: Labels | None = None) -> pl.DataFrame | pl.Series:
        r"""Exponentially weighted moving variance of every value column, per group with ``by``.

        .. math::

            \sigma^2_t = \frac{\sum_k w_k (x_k - \bar x_t)^2}{\sum_k w_k}
            \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

        ``bias=True`` leaves out the last factor; the other options are those
        of :meth:`smooth` (see :func:`ewmakit.ewmvar`).

        Returns
        -------
        polars.DataFrame
            The value columns.

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> df = pl.DataFrame({"k": ["a", "b", "a", "b"], "x": [1.0, 2.0, 5.0, 2.0]})
        >>> df.ewmakit.var(0.5, by="k")["x"].to_list()
        [nan, nan, 8.0, 0.0]
        """
        return self._stat("var", locals())

    def std(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
            span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: ArrayLike | str | None = None,
            min_periods: int = 0, numeric_only: bool = False, bias: bool = False, by: By | None = None,
            columns: Labels | None = None) -> pl.DataFrame | pl.Series:
        r"""Exponentially weighted moving standard deviation of every value column, the root of :meth:`var`.

        .. math::

            \sigma_t = \sqrt{\sigma^2_t}

        Returns
        -------
        polars.DataFrame
            The value columns.

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> df = pl.DataFrame({"k": ["a", "b", "a", "b"], "x": [1.0, 2.0, 5.0, 2.0]})
        >>> df.ewmakit.std(0.5, by="k", bias=True)["x"].to_list()
        [0.0, 0.0, 2.0, 0.0]
        """
        return self._stat("std", locals())

    def zscore(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
               span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
               init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
               times: ArrayLike | str | None = None, min_periods: int = 0, numeric_only: bool = False,
               bias: bool = False, by: By | None = None, columns: Labels | None = None) -> pl.DataFrame | pl.Series:
        r"""(x − EWMA) / EW standard deviation for every value column, per group with ``by``.

        .. math::

            z_t = \frac{x_t - v_t}{\sigma_t}

        Returns
        -------
        polars.DataFrame
            The value columns.

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> df = pl.DataFrame({"x": [1.0, 5.0, 2.0, 8.0]})
        >>> df.ewmakit.zscore(0.7)["x"].round(4).to_list()
        [nan, 0.9899, -0.0721, 1.1745]
        """
        t, x, mean, std = self._mean_std(locals())
        return t.wrap(_zscore(x, mean, std))

    def bands(self, beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
              span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
              init: Init = "first", bias_correction: bool = False, ignore_na: bool = False,
              times: ArrayLike | str | None = None, min_periods: int = 0, numeric_only: bool = False,
              bias: bool = False, k: float = 2.0, by: By | None = None, columns: Labels | None = None) -> pl.DataFrame:
        r"""EWMA bands of every value column, per group with ``by``.

        .. math::

            \text{mid}_t = v_t, \qquad \text{lower}_t, \text{upper}_t = v_t \mp k\, \sigma_t

        Parameters
        ----------
        k : float, default 2.0
            Width of the bands in standard deviations, >= 0.

        The other options are those of :meth:`std`.

        Returns
        -------
        polars.DataFrame
            For each value column ``c``, the columns ``c_lower``, ``c_mid``,
            ``c_upper`` (polars has no column MultiIndex; pick one band with
            ``pl.col("^.*_upper$")``).

        Examples
        --------
        >>> import polars as pl
        >>> import ewmakit
        >>> df = pl.DataFrame({"ticker": ["A", "A", "A"], "close": [1.0, 5.0, 2.0]})
        >>> b = df.ewmakit.bands(0.5, by="ticker", bias=True, k=1.0)
        >>> b.columns
        ['close_lower', 'close_mid', 'close_upper']
        >>> b.row(2)
        (1.0, 2.5, 4.0)
        """
        import polars as pl

        k = _check_k(k)
        t, _, mid, std = self._mean_std(locals())
        parts = {}
        names: list = t.columns or []
        for j, c in enumerate(names):
            m, s = mid[:, j], std[:, j]
            parts.update({f"{c}_lower": m - k * s, f"{c}_mid": m, f"{c}_upper": m + k * s})
        return pl.DataFrame(parts)


class LazyFrameNamespace:
    """``lf.ewmakit`` on a polars LazyFrame: there only to say what to do instead (every method is a TypeError).

    ewmakit computes on data in memory: ``lf.collect().ewmakit.smooth(...)``;
    inside a lazy query, polars' own ``pl.col(c).ewm_mean(...).over(key)``
    is the same statistic where the value is present (see the module notes).

    Examples
    --------
    >>> import polars as pl
    >>> import ewmakit
    >>> lf = pl.LazyFrame({"x": [1.0, 2.0]})
    >>> try:
    ...     lf.ewmakit.smooth(0.5)
    ... except TypeError as exc:
    ...     print(str(exc)[:75])
    df.ewmakit.smooth needs a DataFrame in memory, and this is a LazyFrame: cal
    >>> lf.collect().ewmakit.smooth(0.5)["x"].to_list()
    [1.0, 1.5]
    """

    def __init__(self, lf: pl.LazyFrame) -> None:
        self._obj = lf

    def _refuse(self, method: str) -> NoReturn:
        raise TypeError(f"df.ewmakit.{method} needs a DataFrame in memory, and this is a LazyFrame: call "
                        f".collect() first (lf.collect().ewmakit.{method}(...)), or stay lazy with polars' own "
                        f"pl.col(...).ewm_mean(...).over(key)")

    def smooth(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refused: collect the LazyFrame first."""
        self._refuse("smooth")

    def var(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refused: collect the LazyFrame first."""
        self._refuse("var")

    def std(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refused: collect the LazyFrame first."""
        self._refuse("std")

    def zscore(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refused: collect the LazyFrame first."""
        self._refuse("zscore")

    def bands(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refused: collect the LazyFrame first."""
        self._refuse("bands")


def _refusal(method: str) -> Any:
    def refused(self: LazyFrameNamespace, *args: Any, **kwargs: Any) -> NoReturn:
        self._refuse(method)

    refused.__name__ = method
    refused.__qualname__ = f"LazyFrameNamespace.{method}"
    refused.__doc__ = "Refused: collect the LazyFrame first."
    return refused


for _method in [m for cls in (Indicators, FrameIndicators) for m in vars(cls) if not m.startswith("_")]:
    setattr(LazyFrameNamespace, _method, _refusal(_method))
del _method


# --------------------------------------------------------------------------- registration


def register_namespaces() -> None:
    """Register ``.ewmakit`` on polars Series and DataFrames (imports polars; idempotent).

    Done automatically by ``import ewmakit``: at once if polars is already
    imported, else as soon as it is (see
    :func:`ewmakit._polars.register_when_polars_loads`).

    Examples
    --------
    >>> import polars as pl
    >>> import ewmakit.polars
    >>> ewmakit.polars.register_namespaces()  # already done: nothing changes
    >>> pl.Series.ewmakit is ewmakit.polars.SeriesNamespace
    True
    """
    import polars as pl

    for cls, register, namespace in ((pl.Series, pl.api.register_series_namespace, SeriesNamespace),
                                     (pl.DataFrame, pl.api.register_dataframe_namespace, DataFrameNamespace),
                                     (pl.LazyFrame, pl.api.register_lazyframe_namespace, LazyFrameNamespace)):
        if getattr(cls, "ewmakit", None) is not namespace:
            register("ewmakit")(namespace)


def _skip_examples_without_polars() -> None:
    """Without polars the examples cannot run: mark them skipped (doctests report a skip, not a failure)."""
    import importlib.util
    import re

    try:
        if importlib.util.find_spec("polars") is not None:  # finds, does not import
            return
    except (ImportError, ValueError):
        pass
    objects = [sys.modules[__name__], register_namespaces, SeriesNamespace, DataFrameNamespace,
               LazyFrameNamespace]
    objects += [getattr(ns, m) for ns in (SeriesNamespace, DataFrameNamespace)
                for m in ("smooth", "var", "std", "zscore", "bands")]
    for obj in objects:
        if obj.__doc__:
            obj.__doc__ = re.sub(r"^(\s*>>> .*)$", r"\1  # doctest: +SKIP", obj.__doc__, flags=re.M)


_skip_examples_without_polars()
