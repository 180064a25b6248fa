"""The finance methods of the ``.ewmakit`` accessor (pandas) and namespaces (polars), written once.

Each method is a thin call of the function of :mod:`ewmakit.finance` of the same name on the object the
accessor wraps (``self._obj``), with that function's parameters and defaults: the result is what the function
gives, pandas in, pandas out, polars in, polars out, named by its naming rule. The mixins are generic in the
types of that result (a Series type ``S`` and a DataFrame type ``F``):

* :class:`Indicators`, on Series and DataFrames: ema, macd, rsi, the exponential family (dema, tema, t3,
  trix, apo, ppo, kama), ewm_beta, volatility, log_returns;
* :class:`SeriesIndicators` adds crossover;
* :class:`FrameIndicators` adds the indicators of a price frame (atr, adx, adosc, keltner), whose High,
  Low, Close and Volume columns are found whatever their case.

``by=``: group keys of a long table (key column name(s) of a DataFrame, or one key per row);
``columns=``: the value columns of a DataFrame (see :mod:`ewmakit.finance`).
"""

from __future__ import annotations

import re
from typing import Any, Generic, Literal, TypeVar, cast

from ._typing import By, Data, Labels

__all__ = ["FrameIndicators", "Indicators", "SeriesIndicators"]

S = TypeVar("S")  # the Series type of the results (pandas or polars)
F = TypeVar("F")  # the DataFrame type


class Indicators(Generic[S, F]):
    """Finance methods of a Series or a DataFrame (see :mod:`ewmakit.finance`)."""

    _obj: Any

    def ema(self, window: int, *, seed: Literal["sma", "first"] = "sma", by: By | None = None,
            columns: Labels | None = None) -> S | F:
        """n-period EMA, TA-Lib-seeded by default. See :func:`ewmakit.finance.ema`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 3.0, 4.0]).ewmakit.ema(3).tolist()
        [nan, nan, 2.0, 3.0]
        >>> long = pd.DataFrame({"ticker": ["A", "B", "A", "B"], "close": [1.0, 10.0, 3.0, 30.0]})
        >>> long.ewmakit.ema(2, seed="first", by="ticker", columns="close").round(4).tolist()
        [1.0, 10.0, 2.3333, 23.3333]
        >>> import polars as pl
        >>> pl.from_pandas(long).ewmakit.ema(2, seed="first", by="ticker").round(4).to_list()
        [1.0, 10.0, 2.3333, 23.3333]
        """
        from . import finance

        return cast("S | F", finance.ema(self._obj, window, seed=seed, by=by, columns=columns))

    def macd(self, fast: int = 12, slow: int = 26, signal: int = 9, *, seed: Literal["sma", "first"] = "sma",
             by: By | None = None, columns: Labels | None = None) -> F:
        """MACD line, signal and histogram. See :func:`ewmakit.finance.macd`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 4.0, 7.0, 11.0]).ewmakit.macd(2, 3, 2)["macd"].round(4).tolist()
        [nan, nan, 0.8333, 1.0556, 1.4074]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 4.0, 7.0, 11.0]).ewmakit.macd(2, 3, 2).columns
        ['macd', 'signal', 'hist']
        """
        from . import finance

        return cast(F, finance.macd(self._obj, fast, slow, signal, seed=seed, by=by, columns=columns))

    def rsi(self, window: int = 14, *, seed: Literal["sma", "first"] = "sma", by: By | None = None,
            columns: Labels | None = None) -> S | F:
        """Wilder's RSI, a Series named ``rsi_<window>`` for one series. See :func:`ewmakit.finance.rsi`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 1.5, 3.0]).ewmakit.rsi(2).round(2).tolist()
        [nan, nan, 66.67, 88.89]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 1.5, 3.0]).ewmakit.rsi(2).name
        'rsi_2'
        """
        from . import finance

        return cast("S | F", finance.rsi(self._obj, window, seed=seed, by=by, columns=columns))

    def dema(self, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> S | F:
        """Double EMA 2·e1 − e2, TA-Lib ``DEMA``. See :func:`ewmakit.finance.dema`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]).ewmakit.dema(2).tolist()
        [nan, nan, 3.0, 4.0, 5.0]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 3.0, 4.0, 5.0]).ewmakit.dema(2).to_list()
        [nan, nan, 3.0, 4.0, 5.0]
        """
        from . import finance

        return cast("S | F", finance.dema(self._obj, window, by=by, columns=columns))

    def tema(self, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> S | F:
        """Triple EMA 3·e1 − 3·e2 + e3, TA-Lib ``TEMA``. See :func:`ewmakit.finance.tema`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]).ewmakit.tema(2).tolist()
        [nan, nan, nan, 4.0, 5.0]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 3.0, 4.0, 5.0]).ewmakit.tema(2).to_list()
        [nan, nan, nan, 4.0, 5.0]
        """
        from . import finance

        return cast("S | F", finance.tema(self._obj, window, by=by, columns=columns))

    def t3(self, window: int = 5, vfactor: float = 0.7, *, by: By | None = None,
           columns: Labels | None = None) -> S | F:
        """Tillson's T3, TA-Lib ``T3``. See :func:`ewmakit.finance.t3`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([float(i) for i in range(12)]).ewmakit.t3(2).round(4).tolist()[-2:]
        [9.55, 10.55]
        >>> import polars as pl
        >>> pl.Series([float(i) for i in range(12)]).ewmakit.t3(2).round(4).to_list()[-2:]
        [9.55, 10.55]
        """
        from . import finance

        return cast("S | F", finance.t3(self._obj, window, vfactor, by=by, columns=columns))

    def trix(self, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> S | F:
        """TRIX, the rate of change of the triple EMA in percent, TA-Lib ``TRIX``. See :func:`ewmakit.finance.trix`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 4.0, 8.0, 16.0]).ewmakit.trix(2).round(2).tolist()
        [nan, nan, nan, nan, 118.03]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 4.0, 8.0, 16.0]).ewmakit.trix(2).round(2).to_list()
        [nan, nan, nan, nan, 118.03]
        """
        from . import finance

        return cast("S | F", finance.trix(self._obj, window, by=by, columns=columns))

    def apo(self, fast: int = 12, slow: int = 26, *, by: By | None = None, columns: Labels | None = None) -> S | F:
        """EMA(fast) − EMA(slow), TA-Lib ``APO`` with the EMA type. See :func:`ewmakit.finance.apo`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 4.0, 7.0]).ewmakit.apo(2, 3).round(4).tolist()
        [nan, nan, 0.8333, 1.0556]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 4.0, 7.0]).ewmakit.apo(2, 3).name
        'apo_2_3'
        """
        from . import finance

        return cast("S | F", finance.apo(self._obj, fast, slow, by=by, columns=columns))

    def ppo(self, fast: int = 12, slow: int = 26, *, by: By | None = None, columns: Labels | None = None) -> S | F:
        """The APO in percent of the slow EMA, TA-Lib ``PPO`` with the EMA type. See :func:`ewmakit.finance.ppo`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 4.0, 7.0]).ewmakit.ppo(2, 3).round(2).tolist()
        [nan, nan, 35.71, 22.62]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 4.0, 7.0]).ewmakit.ppo(2, 3).round(2).to_list()
        [nan, nan, 35.71, 22.62]
        """
        from . import finance

        return cast("S | F", finance.ppo(self._obj, fast, slow, by=by, columns=columns))

    def kama(self, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> S | F:
        """Kaufman's adaptive moving average, TA-Lib ``KAMA``. See :func:`ewmakit.finance.kama`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 3.0, 4.0]).ewmakit.kama(2).round(4).tolist()
        [nan, nan, 2.4444, 3.1358]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 3.0, 4.0]).ewmakit.kama(2).round(4).to_list()
        [nan, nan, 2.4444, 3.1358]
        """
        from . import finance

        return cast("S | F", finance.kama(self._obj, window, by=by, columns=columns))

    def ewm_beta(self, market_returns: Data, beta: float = 0.94, *, bias_correction: bool = False,
                 ignore_na: bool = False, min_periods: int = 0, bias: bool = False, by: By | None = None,
                 columns: Labels | None = None) -> S | F:
        """RiskMetrics beta of these returns to ``market_returns``. See :func:`ewmakit.finance.ewm_beta`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([0.02, -0.02, 0.04]).ewmakit.ewm_beta([0.01, -0.01, 0.02], 0.5).round(6).tolist()
        [nan, 2.0, 2.0]
        >>> import polars as pl
        >>> pl.Series([0.02, -0.02, 0.04]).ewmakit.ewm_beta(pl.Series([0.01, -0.01, 0.02]), 0.5).round(6).to_list()
        [nan, 2.0, 2.0]
        """
        from . import finance

        return cast("S | F", finance.ewm_beta(self._obj, market_returns, beta, bias_correction=bias_correction,
                                              ignore_na=ignore_na, min_periods=min_periods, bias=bias, by=by,
                                              columns=columns))

    def volatility(self, beta: float = 0.94, *, annualize: float | None = None, by: By | None = None,
                   columns: Labels | None = None) -> S | F:
        """RiskMetrics volatility of these returns (warns on prices). See :func:`ewmakit.finance.volatility`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([0.01, -0.02, 0.015]).ewmakit.volatility(0.5).round(6).tolist()
        [0.015459, 0.013019, 0.016874]
        >>> import polars as pl
        >>> pl.Series([0.01, -0.02, 0.015]).ewmakit.volatility(0.5).round(6).to_list()
        [0.015459, 0.013019, 0.016874]
        """
        from . import finance

        return cast("S | F", finance.volatility(self._obj, beta, annualize=annualize, by=by, columns=columns))

    def log_returns(self, *, by: By | None = None, columns: Labels | None = None) -> S | F:
        """Log returns ln(p_t / p_{t−1}), per group with ``by``. See :func:`ewmakit.finance.log_returns`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 2.0, 4.0]).ewmakit.log_returns().round(4).tolist()
        [nan, 0.6931, 0.6931]
        >>> import polars as pl
        >>> pl.Series([1.0, 2.0, 4.0]).ewmakit.log_returns().round(4).to_list()
        [nan, 0.6931, 0.6931]
        """
        from . import finance

        return cast("S | F", finance.log_returns(self._obj, by=by, columns=columns))


class SeriesIndicators(Indicators[S, F]):
    """Finance methods of a Series: :class:`Indicators` and crossover."""

    def crossover(self, other: Data | float, *, by: By | None = None) -> S:
        """+1 / −1 / 0 where this series crosses above / below ``other``. See :func:`ewmakit.finance.crossover`.

        ``by``: one group key per row; crossings are then looked for within each group only.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> pd.Series([1.0, 3.0, 1.0]).ewmakit.crossover(2.0).tolist()
        [0, 1, -1]
        >>> import polars as pl
        >>> pl.Series([1.0, 3.0, 1.0]).ewmakit.crossover(2.0).to_list()
        [0, 1, -1]
        """
        from . import finance

        return cast(S, finance.crossover(self._obj, other, by=by))


class FrameIndicators(Indicators[S, F]):
    """Finance methods of a DataFrame: :class:`Indicators` and those of a price frame (High, Low, Close,
    Volume columns in any case)."""

    def atr(self, window: int = 14, *, seed: Literal["sma", "first"] = "sma", by: By | None = None) -> S | F:
        """Wilder's ATR from the High, Low and Close columns, whatever their case. See :func:`ewmakit.finance.atr`.

        A yfinance multi-ticker frame gives one column per ticker; a long
        table of several tickers takes ``by`` (key column name(s), or one key
        per row). One ticker's ATR is a Series named ``atr_<window>``.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> ohlc = pd.DataFrame({"high": [2.0, 3.0, 4.0, 3.5], "low": [1.0, 2.0, 2.5, 2.0],
        ...                      "close": [1.5, 2.5, 3.5, 3.0]})
        >>> ohlc.ewmakit.atr(2)
        0    NaN
        1    NaN
        2    1.5
        3    1.5
        Name: atr_2, dtype: float64
        >>> import polars as pl
        >>> pl.from_pandas(ohlc).ewmakit.atr(2).to_list()
        [nan, nan, 1.5, 1.5]
        """
        from . import finance

        return cast("S | F", finance.atr(self._obj, window=window, seed=seed, by=by))

    def adx(self, window: int = 14, *, by: By | None = None) -> F:
        """ADX, ADXR, +DI, −DI and DX from the High, Low and Close columns. See :func:`ewmakit.finance.adx`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> ohlc = pd.DataFrame({"High": [10.0, 11.0, 12.0, 11.5, 13.0], "Low": [9.0, 10.0, 10.5, 10.0, 11.5],
        ...                      "Close": [9.5, 10.5, 11.5, 11.0, 12.5]})
        >>> ohlc.ewmakit.adx(2)["adx"].round(2).tolist()
        [nan, nan, nan, 60.0, 68.24]
        >>> import polars as pl
        >>> pl.from_pandas(ohlc).ewmakit.adx(2)["adx"].round(2).to_list()
        [nan, nan, nan, 60.0, 68.24]
        """
        from . import finance

        return cast(F, finance.adx(self._obj, window=window, by=by))

    def adosc(self, fast: int = 3, slow: int = 10, *, by: By | None = None) -> S | F:
        """Chaikin's A/D oscillator from the High, Low, Close and Volume columns. See
        :func:`ewmakit.finance.adosc`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> ohlc = pd.DataFrame({"high": [2.0, 3.0, 4.0], "low": [1.0, 2.0, 3.0], "close": [2.0, 2.5, 3.0],
        ...                      "volume": [10.0, 20.0, 30.0]})
        >>> ohlc.ewmakit.adosc(1, 2).tolist()
        [nan, 0.0, -10.0]
        >>> import polars as pl
        >>> pl.from_pandas(ohlc).ewmakit.adosc(1, 2).name
        'adosc_1_2'
        """
        from . import finance

        return cast("S | F", finance.adosc(self._obj, fast=fast, slow=slow, by=by))

    def keltner(self, window: int = 20, atr_window: int = 10, k: float = 2.0, *, by: By | None = None) -> F:
        """Keltner channel EMA ± k·ATR from the High, Low and Close columns. See :func:`ewmakit.finance.keltner`.

        Examples
        --------
        >>> import pandas as pd, ewmakit
        >>> ohlc = pd.DataFrame({"high": [2.0, 3.0, 4.0, 3.5], "low": [1.0, 2.0, 2.5, 2.0],
        ...                      "close": [1.5, 2.5, 3.5, 3.0]})
        >>> ohlc.ewmakit.keltner(2, 2, k=1.0).iloc[-1].tolist()
        [1.5, 3.0, 4.5]
        >>> import polars as pl
        >>> pl.from_pandas(ohlc).ewmakit.keltner(2, 2, k=1.0).columns
        ['lower', 'mid', 'upper']
        """
        from . import finance

        return cast(F, finance.keltner(self._obj, window=window, atr_window=atr_window, k=k, by=by))


def _skip_polars_examples_without_polars() -> None:
    """Without polars the polars lines of the examples cannot run: mark them skipped (the pandas ones still run)."""
    import importlib.util

    try:
        if importlib.util.find_spec("polars") is not None:  # finds, does not import
            return
    except (ImportError, ValueError):
        pass
    for cls in (Indicators, SeriesIndicators, FrameIndicators):
        for fn in vars(cls).values():
            if callable(fn) and fn.__doc__:
                fn.__doc__ = re.sub(r"^(\s*>>> .*\bpl\b.*)$", r"\1  # doctest: +SKIP", fn.__doc__, flags=re.MULTILINE)


_skip_polars_examples_without_polars()
