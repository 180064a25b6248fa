r"""Technical indicators and RiskMetrics risk, each a composition of the EWMA kernel.

=================  =============================================  ==========================
function           recursion                                      reference it equals
=================  =============================================  ==========================
:func:`ema`        β = 1 − 2/(n+1), seeded with an SMA            TA-Lib ``EMA``
:func:`macd`       EMA(fast) − EMA(slow), EMA(signal) of that     TA-Lib ``MACD`` (after
                                                                  warm-up)
:func:`rsi`        Wilder: β = 1 − 1/n on gains and losses        TA-Lib ``RSI``
:func:`atr`        Wilder: β = 1 − 1/n on the true range          TA-Lib ``ATR``
:func:`dema`       2 e1 − e2 (e_k: the k-fold EMA)                TA-Lib ``DEMA``
:func:`tema`       3 e1 − 3 e2 + e3                               TA-Lib ``TEMA``
:func:`t3`         c1 e6 + c2 e5 + c3 e4 + c4 e3 (vfactor)        TA-Lib ``T3``
:func:`trix`       100 (e3_t / e3_{t−1} − 1)                      TA-Lib ``TRIX``
:func:`apo`        EMA(fast) − EMA(slow)                          TA-Lib ``APO`` (matype=1)
:func:`ppo`        100 (EMA(fast) − EMA(slow)) / EMA(slow)        TA-Lib ``PPO`` (matype=1)
:func:`kama`       EMA with weight from the efficiency ratio      TA-Lib ``KAMA``
:func:`adx`        Wilder averages of ±DM and TR, of DX           TA-Lib ``ADX``, ``ADXR``,
                                                                  ``PLUS_DI``, ``MINUS_DI``,
                                                                  ``DX``
:func:`adosc`      EMA(fast) − EMA(slow) of the A/D line          TA-Lib ``ADOSC``
:func:`keltner`    EMA(close) ± k ATR                             ``ta`` ``KeltnerChannel``
:func:`ewm_beta`   EW covariance / EW variance of the market      pandas ``ewm`` cov / var
``volatility``     σ²_t = β σ²_{t−1} + (1−β) r²_{t−1}              arch ``EWMAVariance``
:func:`ewm_cov`    Σ_t = β Σ_{t−1} + (1−β) r_t r_tᵀ                RiskMetrics (1996)
=================  =============================================  ==========================

Inputs
------
Arrays (1-D, or 2-D with time along axis 0), pandas or polars Series and
DataFrames (a DataFrame is a panel: column by column). Every indicator takes
``by=``: group keys of a long table (a column name, a list of names, or one
key per row), as in :func:`ewmakit.ewma`. Each group is then computed on its
own rows, in input order (they need not be contiguous), exactly as if it were
given alone, and the result is aligned with the input rows; rows whose key is
missing are NaN. ``columns=`` picks the value columns of a DataFrame.

:func:`atr` (and :func:`price_field`) find a price frame's ``High``, ``Low``
and ``Close`` columns whatever their case (``high``, ``CLOSE``), and take a
yfinance multi-ticker frame (MultiIndex columns, ``(field, ticker)`` or
``(ticker, field)``) ticker by ticker.

Names of the results
--------------------
One rule for every indicator:

* **One series in, one Series out, named after the indicator and its
  parameter**: ``ema_20``, ``rsi_14``, ``atr_14``, ``volatility_0.94``,
  ``crossover``. "One series" is a Series, one ticker's OHLC frame (for
  :func:`atr`), or the one value column of a long table with ``by=``. The
  Series keeps the input's index (polars: a polars Series of that name).
* **A panel in, a DataFrame out with the panel's columns**: a wide DataFrame
  (one column per ticker) gives the same columns, a yfinance multi-ticker
  frame gives one column per ticker, a long table with several value columns
  gives those columns. The indicator's name is not repeated in them.
* :func:`macd` gives three fields, ``macd, signal, hist``: the columns for
  one series, ``(field, column)`` for a panel (polars: ``macd_<column>``...).
  Likewise :func:`adx` (``adx, adxr, plus_di, minus_di, dx``) and
  :func:`keltner` (``lower, mid, upper``). Two parameters name a result
  ``apo_12_26``, ``ppo_12_26``, ``adosc_3_10``.
* Arrays in, arrays out (no names).
* :func:`log_returns` keeps the names of the prices (they are the same
  series, as returns).

Returns, not prices
-------------------
:func:`volatility`, :func:`ewm_cov` and :func:`ewm_corr` expect returns. On
input that looks like prices (a series, or a group's series with ``by``, of at
least 20 observations, all positive, with a mean at least half a standard
deviation from zero, which daily returns never are) they warn once per call
(a ``UserWarning``) and say how to get returns: ``log_returns(prices)``.

Every smoothing runs the engine's EWMA update (:mod:`ewmakit._engine`; RSI,
ATR, MACD and the exponential family, DEMA to ADOSC, through its fused kernels); an SMA seed is a start state handed
to it. Groups go through :class:`ewmakit._engine.GroupPanels`: the groups'
rows are laid side by side as a few padded panels, the panel kernels run
once per panel, and the results are put back on the table's rows.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, TypeVar, cast, overload

import numpy as np
import pandas as pd

from . import _engine as engine
from ._checks import check_unit
from ._engine import MeanState
from ._frames import Table, is_polars, same_index
from ._typing import ArrayLike, By, Data, Labels, Smoothed
from .backtest import backtest
from .core import resolve_options
from .decay import beta_from_window

if TYPE_CHECKING:
    from types import FrameType

    import polars as pl

__all__ = ["ema", "macd", "rsi", "atr", "dema", "tema", "t3", "trix", "apo", "ppo", "kama", "adx", "adosc",
           "keltner", "ewm_beta", "volatility", "ewm_cov", "ewm_corr", "crossover", "log_returns",
           "price_field", "backtest"]

_SEEDS = ("sma", "first")
_MACD_FIELDS = ("macd", "signal", "hist")


def _check_window(window, name="window") -> int:
    if isinstance(window, bool) or not isinstance(window, numbers.Integral) or window < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {window!r}")
    return int(window)


def _check_seed(seed: object) -> Literal["sma", "first"]:
    if seed not in _SEEDS:
        raise ValueError(f"seed must be 'sma' or 'first', got {seed!r}")
    return cast(Literal["sma", "first"], seed)  # (one of _SEEDS)


def _plain(beta: float, init="first", ignore_na=False) -> engine.Options:
    return resolve_options(0, beta, init=init, ignore_na=ignore_na)


# --------------------------------------------------------------------------- inputs and results


def _table(x, name: str, by=None, columns=None) -> Table:
    """``x`` as a :class:`~ewmakit._frames.Table` (keys with ``by``), its values 1-D or 2-D."""
    t = Table(x, name, by=by, columns=columns)
    if t.values.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D (time x series), got {t.values.ndim} dimensions")
    return t


def _floats(t: Table) -> np.ndarray:
    """The table's values as a 2-D ``(T, N)`` float64 array (float32 widened, as TA-Lib computes)."""
    v = t.values_2d()
    return v if v.dtype == np.float64 else v.astype(np.float64)


def _one_series(t: Table, width: int) -> bool:
    """Is the result one series: a Series, a 1-D array, or the one value column of a long table?"""
    if t.kind in ("series", "pl_series"):
        return True
    if t.kind == "array":
        return t.values.ndim == 1
    return t.keys is not None and width == 1


def _named(t: Table, values: np.ndarray, name: Hashable) -> Any:
    """One result series in the input's type: a Series named ``name`` on the input's index (polars: a polars
    Series), or the bare array."""
    if t.kind in ("pl_series", "pl_frame"):
        import polars as pl

        return pl.Series(str(name), values)  # (polars names are str; ours are)
    if t.kind == "array":
        return values
    return pd.Series(values, index=t.index, name=name, copy=False)


def _wrap(t: Table, out2: np.ndarray, name: str):
    """A ``(T, N)`` result by the naming rule (module docstring): one series -> named ``name``; a panel ->
    the input's columns."""
    if _one_series(t, out2.shape[1]):
        return _named(t, out2[:, 0], name)
    return t.wrap(out2)


def _value_labels(t: Table) -> pd.Index:
    """The labels of a table's value columns (a RangeIndex for a 2-D array)."""
    labels = cast(list[Hashable], t.columns)  # (set for a DataFrame, pandas or polars)
    if t.kind == "frame":
        cols = t.obj.columns
        return cols[[cols.get_loc(c) for c in labels]]
    if t.kind == "pl_frame":
        return pd.Index(labels)
    return pd.RangeIndex(t.values_2d().shape[1])


def _wrap_block(t: Table, block: np.ndarray, fields: Iterable[str]) -> pd.DataFrame | pl.DataFrame:
    """Several results side by side, field k in columns k·N:(k+1)·N of ``block``, as one frame: columns
    ``fields`` (one series) or ``(field, column)`` (a panel); polars: ``field`` or ``field_column``.

    pandas keeps the block as it is, without copying; only a MultiIndex of columns takes a concat.
    """
    fields = list(fields)
    T = block.shape[0]
    N = block.shape[1] // len(fields) if fields else 0
    single = _one_series(t, N)
    if t.kind in ("pl_series", "pl_frame"):
        import polars as pl

        if single:
            return pl.DataFrame({f: block[:, i] for i, f in enumerate(fields)})
        labels = _value_labels(t)
        return pl.DataFrame({f"{f}_{c}": block[:, i * N + j] for i, f in enumerate(fields)
                             for j, c in enumerate(labels)})
    index = t.index if t.index is not None else pd.RangeIndex(T)
    if single:
        return pd.DataFrame(block, index=index, columns=fields, copy=False)
    cols = _value_labels(t)
    if isinstance(cols, pd.MultiIndex):
        parts = {k: pd.DataFrame(block[:, i * N:(i + 1) * N], index=index, columns=cols)
                 for i, k in enumerate(fields)}
        return pd.concat(parts, axis=1)
    columns = pd.MultiIndex.from_product([fields, cols], names=[None, cols.name])
    return pd.DataFrame(block, index=index, columns=columns, copy=False)


def _per_group(keys, arrays: list, func, fields: int = 1, fill=np.nan) -> np.ndarray:
    """``func`` on each group's rows of ``arrays`` (each ``(T, N)``), or on the arrays as they are without keys.

    ``func(*arrays)`` is a causal, column-by-column panel function: ``(L, M)`` arrays in, an ``(L, fields·M)``
    block out (field f of column j in column f·M + j). With ``keys`` (:class:`ewmakit._keys.Keys`) the
    groups' rows are laid out as a few padded panels (:class:`ewmakit._engine.GroupPanels`), ``func`` runs
    once per panel, and the results go back on the table's rows: ``(T, fields·N)``, rows with a missing key
    ``fill``. Each group's values are bit for bit those of its rows computed alone (the padding comes after
    them and the kernels are causal and column by column).
    """
    if keys is None:
        return func(*arrays)
    T, N = arrays[0].shape
    k = len(arrays)
    x2 = arrays[0] if k == 1 else np.concatenate(arrays, axis=1)  # array a's column j at a·N + j
    panels = engine.GroupPanels(keys.codes, keys.groups)
    results = []
    for p in panels.gather(x2):  # one panel per bucket of groups of similar lengths, not one per group
        L, n = p.shape[0], p.shape[1] // (k * N) if k * N else 0
        parts = p.reshape(L, n, k, N)
        ins = [np.ascontiguousarray(parts[:, :, a, :]).reshape(L, n * N) for a in range(k)]
        res = func(*ins)  # (L, fields·n·N): field f, group i, column j at f·nN + i·N + j
        results.append(res.reshape(L, fields, n, N).transpose(0, 2, 1, 3).reshape(L, n * fields * N))
    out = np.full((T, fields * N), fill, dtype=np.float64)
    return panels.scatter(results, out)


def _checked(t: Table, v: np.ndarray, name: str) -> None:
    """With keys the kernels see panels, whose positions are not the table's: ±inf are looked for up front."""
    if t.keys is not None:
        engine.check_finite(t.values, name)


# --------------------------------------------------------------------------- price frames


_PRICE_FIELDS = ("open", "high", "low", "close", "adj close", "volume")


def _norm(label):
    return label.strip().lower() if isinstance(label, str) else None


def _is_frame(x: object) -> TypeGuard[pd.DataFrame | pl.DataFrame]:
    return isinstance(x, pd.DataFrame) or (is_polars(x) and type(x).__name__ == "DataFrame")


def _fields_level(columns: pd.MultiIndex, what: str) -> int:
    """Which of two column levels holds the price fields (High, Close...); the other holds the tickers."""
    if columns.nlevels != 2:
        raise ValueError(f"{what}: expected one or two column levels (field, ticker), got {columns.nlevels}")
    hits = [len({_norm(v) for v in columns.get_level_values(k)} & set(_PRICE_FIELDS)) for k in range(2)]
    if hits[0] == hits[1]:
        raise ValueError(f"{what}: cannot tell which column level holds the price fields (Open, High, Low, "
                         f"Close, Volume); its columns are {list(columns)[:8]!r}")
    return int(np.argmax(hits))


def _flat_label(frame, field: str, what: str):
    """The label of ``frame``'s column named ``field`` whatever its case, or None."""
    hits = [c for c in frame.columns if _norm(c) == field]
    if len(hits) > 1:
        raise ValueError(f"{what}: the frame has several {field} columns {hits!r}; keep one")
    return hits[0] if hits else None


def _ticker_panel(frame: pd.DataFrame, field: str, what: str):
    """One field of a multi-ticker frame as a DataFrame with one column per ticker, or None if absent."""
    level = _fields_level(cast(pd.MultiIndex, frame.columns), what)  # (called for MultiIndex columns only)
    mask = np.array([_norm(v) == field for v in frame.columns.get_level_values(level)])
    if not mask.any():
        return None
    sub = frame.loc[:, mask]
    tickers = sub.columns.get_level_values(1 - level)
    if tickers.has_duplicates:
        raise ValueError(f"{what}: the frame has several {field} columns for {list(tickers[tickers.duplicated()])!r}")
    return sub.set_axis(tickers.rename(frame.columns.names[1 - level]), axis=1)


def _names(fields) -> str:
    names = [f.title() for f in fields]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _price_fields(frame, fields, what: str) -> list:
    """The ``fields`` (lower case) of a price frame: pandas/polars Series of a flat frame, DataFrames with one
    column per ticker (the same tickers, in the same order) of a multi-ticker frame."""
    cols = frame.columns
    if isinstance(cols, pd.MultiIndex):
        panels = [_ticker_panel(frame, f, what) for f in fields]
        missing = [f.title() for f, p in zip(fields, panels) if p is None]
        if missing:
            raise ValueError(f"{what} needs {_names(fields)} columns (any case); the frame has no "
                             f"{' or '.join(missing)} field in its column levels; its columns are "
                             f"{list(cols)[:8]!r}")
        tickers = panels[-1].columns
        for f, p in zip(fields, panels):
            lacking = [t for t in tickers if t not in p.columns] + [t for t in p.columns if t not in tickers]
            if lacking:
                raise ValueError(f"{what} needs {_names(fields)} for every ticker; {f.title()} is missing or "
                                 f"extra for {lacking!r}")
        return [p[tickers] if not p.columns.equals(tickers) else p for p in panels]
    labels = [_flat_label(frame, f, what) for f in fields]
    missing = [f.title() for f, c in zip(fields, labels) if c is None]
    if missing:
        raise ValueError(f"{what} needs {_names(fields)} columns (any case: {fields[0].title()} or {fields[0]}); "
                         f"the frame has no {' or '.join(missing)} column; its columns are {list(cols)[:10]!r}")
    return [frame[c] for c in labels]


@overload
def price_field(frame: pd.DataFrame, field: str) -> pd.Series | pd.DataFrame: ...
@overload
def price_field(frame: pl.DataFrame, field: str) -> pl.Series: ...
def price_field(frame: pd.DataFrame | pl.DataFrame, field: str) -> pd.Series | pd.DataFrame | pl.Series:
    """One field (Open, High, Low, Close, Adj Close, Volume) of a price frame, found whatever its case.

    Parameters
    ----------
    frame : pandas or polars DataFrame
        One ticker's prices with flat columns (``Close``, ``close``, ``CLOSE``
        ...), or a yfinance multi-ticker frame (MultiIndex columns in either
        order, ``(field, ticker)`` or ``(ticker, field)``).
    field : str
        The field's name, in any case: ``"close"``, ``"High"``, ``"adj close"``.

    Returns
    -------
    Series or DataFrame
        The column (a polars Series for polars) of a flat frame; for a
        multi-ticker frame a DataFrame with one column per ticker (the
        panel finance functions take as it is).

    Raises
    ------
    ValueError
        If the frame has no such column (the message lists its columns), or
        several of different case.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"high": [2.0, 3.0], "low": [1.0, 2.0], "close": [1.5, 2.5]})
    >>> price_field(df, "Close").tolist()
    [1.5, 2.5]
    >>> cols = pd.MultiIndex.from_product([["SPY", "QQQ"], ["Close", "High"]], names=["Ticker", "Price"])
    >>> yf = pd.DataFrame([[1.0, 2.0, 3.0, 4.0]], columns=cols)
    >>> price_field(yf, "close")
    Ticker  SPY  QQQ
    0       1.0  3.0
    """
    if not isinstance(field, str) or not field.strip():
        raise ValueError(f"field must be the name of a price column such as 'Close', got {field!r}")
    if not _is_frame(frame):
        raise TypeError(f"frame must be a pandas or polars DataFrame of prices, got {type(frame).__name__}")
    return _price_fields(frame, [_norm(field)], "price_field")[0]


# --------------------------------------------------------------------------- the EMA and its SMA seed


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


_BY_DOC = """by : label, list of labels, or array, optional
        Group keys of a long table: the name(s) of key columns of a
        DataFrame, or one key per row. Each group is computed on its own rows
        in input order, exactly as alone; the result is aligned with the input
        rows, NaN where the key is missing.
    columns : label or list of labels, optional
        The value columns of a DataFrame (default: every column holding
        numbers that is not a key)."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _fill_doc(func: _F) -> _F:
    func.__doc__ = (func.__doc__ or "").replace("{by}", _BY_DOC)
    return func


@overload
def ema(x: pd.Series, window: int, *, seed: Literal["sma", "first"] = ..., by: By | None = ...) -> pd.Series: ...
@overload
def ema(x: Data, window: int, *, seed: Literal["sma", "first"] = ..., by: By | None = ...,
        columns: Labels | None = ...) -> Smoothed: ...
@_fill_doc
def ema(x: Data, window: int, *, seed: Literal["sma", "first"] = "sma", by: By | None = None,
        columns: Labels | None = None) -> Smoothed:
    r"""Exponential moving average over an n-period window.

    .. math::

        v_t = \beta\, v_{t-1} + (1-\beta)\, x_t, \qquad \beta = 1 - \frac{2}{n+1}

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
        Prices; time along axis 0.
    window : int
        n >= 1.
    seed : {"sma", "first"}, default "sma"
        "sma": NaN for the first n − 1 observations, then the mean of the first
        n as v_{n−1} — exactly TA-Lib ``EMA``. "first": v_0 = x_0, the full
        length — exactly pandas ``ewm(span=n, adjust=False).mean()``.
    {by}

    Returns
    -------
    Series ``ema_<n>``, DataFrame or array
        One series: a Series named ``ema_20`` (for ``window=20``) on the
        input's index; a panel: a DataFrame with its columns; an array: an
        array (see the module's naming rule).

    Examples
    --------
    >>> ema([1.0, 2.0, 3.0, 4.0], 3)
    array([nan, nan,  2.,  3.])
    >>> ema([1.0, 2.0, 3.0, 4.0], 3, seed="first")
    array([1.   , 1.5  , 2.25 , 3.125])

    A long table, one EMA per ticker, aligned with its rows:

    >>> long = pd.DataFrame({"ticker": ["A", "B", "A", "B", "A"], "close": [1.0, 10.0, 2.0, 20.0, 3.0]})
    >>> ema(long, 2, by="ticker", columns="close")
    0     NaN
    1     NaN
    2     1.5
    3    15.0
    4     2.5
    Name: ema_2, dtype: float64
    """
    n = _check_window(window)
    seed = _check_seed(seed)
    t = _table(x, "x", by, columns)  # the kernel and the seed look for ±inf on their way
    v = _floats(t)
    _checked(t, v, "x")
    beta = beta_from_window(n)
    return _wrap(t, _per_group(t.keys, [v], lambda a: _smooth(a, beta, n, seed)), f"ema_{n}")


@_fill_doc
def macd(close: Data, fast: int = 12, slow: int = 26, signal: int = 9, *, seed: Literal["sma", "first"] = "sma",
         by: By | None = None, columns: Labels | None = None) -> pd.DataFrame | pl.DataFrame:
    r"""Moving average convergence/divergence.

    .. math::

        \text{macd} = \text{EMA}_{fast}(x) - \text{EMA}_{slow}(x), \quad
        \text{signal} = \text{EMA}_{signal}(\text{macd}), \quad
        \text{hist} = \text{macd} - \text{signal}

    Parameters
    ----------
    close : array, pandas or polars Series or DataFrame
    fast, slow, signal : int, default 12, 26, 9
        Windows, ``fast < slow``.
    seed : {"sma", "first"}
        How each EMA starts (see :func:`ema`).
    {by}

    Returns
    -------
    pandas.DataFrame
        Columns ``macd, signal, hist`` for one series (a Series, a 1-D array,
        the one value column of a long table), ``(field, column)`` for a
        panel. A polars DataFrame for polars input (columns ``macd``... or
        ``macd_<column>``...).

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
    t = _table(close, "close", by, columns)
    v = _floats(t)
    engine.check_finite(t.values, "close")
    block = _per_group(t.keys, [v], lambda a: _macd(a, fast, slow, signal, seed), fields=3)
    return _wrap_block(t, block, _MACD_FIELDS)


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


@overload
def rsi(close: pd.Series, window: int = ..., *, seed: Literal["sma", "first"] = ...,
        by: By | None = ...) -> pd.Series: ...
@overload
def rsi(close: Data, window: int = ..., *, seed: Literal["sma", "first"] = ..., by: By | None = ...,
        columns: Labels | None = ...) -> Smoothed: ...
@_fill_doc
def rsi(close: Data, window: int = 14, *, seed: Literal["sma", "first"] = "sma", by: By | None = None,
        columns: Labels | None = None) -> Smoothed:
    r"""Wilder's relative strength index.

    .. math::

        G_t = \beta G_{t-1} + (1-\beta)\max(\Delta x_t, 0), \quad
        L_t = \beta L_{t-1} + (1-\beta)\max(-\Delta x_t, 0), \quad
        \beta = 1 - \frac1n, \quad \text{RSI}_t = 100 \frac{G_t}{G_t + L_t}

    Parameters
    ----------
    close : array, pandas or polars Series or DataFrame
    window : int, default 14
    seed : {"sma", "first"}
        "sma": G and L start as the means of the first n gains/losses (row n) —
        exactly TA-Lib ``RSI``. "first": they start at the first change (row 1),
        the full-length pandas-style variant ``ewm(alpha=1/n, adjust=False)``.
    {by}

    Returns
    -------
    Series ``rsi_<n>``, DataFrame or array
        Values in [0, 100]; NaN where nothing moved at all (G = L = 0), where
        TA-Lib reports 0. One series: a Series named ``rsi_14`` (for
        ``window=14``); a panel: its columns.

    Examples
    --------
    >>> rsi([1.0, 2.0, 1.5, 2.5, 3.0], 2).round(2)
    array([  nan,   nan, 66.67, 85.71, 90.91])
    >>> s = pd.Series([1.0, 2.0, 1.5, 2.5, 3.0], name="close")
    >>> rsi(s, 2).round(2)
    0      NaN
    1      NaN
    2    66.67
    3    85.71
    4    90.91
    Name: rsi_2, dtype: float64
    """
    n = _check_window(window)
    seed = _check_seed(seed)
    t = _table(close, "close", by, columns)  # the kernel counts ±inf closes on its way
    v = _floats(t)
    _checked(t, v, "close")
    if t.keys is not None:  # groups: one walk over the rows in order, each group's recursion kept apart
        return _wrap(t, engine.rsi_groups(v, t.keys.codes, t.keys.groups, n, sma=seed == "sma"), f"rsi_{n}")
    return _wrap(t, _rsi(v, n, seed, ((v, "close"),)), f"rsi_{n}")


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


def atr(high: Data, low: Data | None = None, close: Data | None = None, window: int = 14, *,
        seed: Literal["sma", "first"] = "sma", by: By | None = None) -> Smoothed:
    r"""Wilder's average true range.

    .. math::

        TR_t = \max(H_t - L_t,\ |H_t - C_{t-1}|,\ |L_t - C_{t-1}|), \quad
        ATR_t = \beta\, ATR_{t-1} + (1-\beta)\, TR_t, \quad \beta = 1 - \frac1n

    Parameters
    ----------
    high, low, close : array, pandas or polars Series or DataFrame
        Aligned prices (DataFrames: one column per ticker). Or pass one price
        frame as ``high`` and leave ``low``/``close`` out: its High, Low and
        Close columns are found whatever their case (``high``, ``CLOSE``); a
        yfinance multi-ticker frame (MultiIndex columns, ``(field, ticker)``
        or ``(ticker, field)``) gives one ATR per ticker; a long table of
        several tickers takes ``by``.
    window : int, default 14
        n >= 1. With one price frame the window may also come second:
        ``atr(frame, 20)`` is ``atr(frame, window=20)``.
    seed : {"sma", "first"}
        "sma": the first ATR is the mean of TR_1..TR_n at row n — exactly
        TA-Lib ``ATR``. "first": TR_0 = H_0 − L_0 and the average starts there.
    by : label, list of labels, or array, optional
        Group keys of a long table: key column name(s) of the price frame, or
        one key per row. Each group's ATR is computed on its own rows in input
        order (its first row has no previous close); the result is aligned
        with the input rows, NaN where the key is missing.

    Returns
    -------
    Series ``atr_<n>``, DataFrame or array
        One ticker (separate Series, a flat OHLC frame, a long table with
        ``by``): a Series named ``atr_14`` (for ``window=14``) on the input's
        index. Several tickers (wide frames, a yfinance multi-ticker frame):
        a DataFrame with one column per ticker. Arrays: an array.

    Raises
    ------
    ValueError
        When a price frame has no High, Low or Close column (the message names
        what is missing and lists the columns), or the prices do not align.

    Examples
    --------
    >>> h, l, c = [2.0, 3.0, 4.0, 3.5], [1.0, 2.0, 2.5, 2.0], [1.5, 2.5, 3.5, 3.0]
    >>> atr(h, l, c, 2)
    array([nan, nan, 1.5, 1.5])
    >>> atr(pd.DataFrame({"high": h, "low": l, "close": c}), window=2)
    0    NaN
    1    NaN
    2    1.5
    3    1.5
    Name: atr_2, dtype: float64
    """
    if _is_frame(high) and isinstance(low, numbers.Number) and not isinstance(low, bool) and close is None:
        if window != 14:
            raise ValueError(f"atr(frame, {low!r}, window={window!r}) gives the window twice; give it once")
        low, window = None, low  # atr(frame, 20): the window of a price frame's ATR, as the accessor takes it
    n = _check_window(window)
    seed = _check_seed(seed)
    name = f"atr_{n}"
    if low is None and close is None:
        if not _is_frame(high):
            raise ValueError("atr needs high, low and close, or one DataFrame with High, Low and Close columns, "
                             f"got only high (a {type(high).__name__})")
        return _atr_frame(high, n, seed, by, name)
    if low is None or close is None:
        missing = " and ".join(k for k, v in (("low", low), ("close", close)) if v is None)
        raise ValueError(f"atr needs high, low and close (or one OHLC DataFrame as high); {missing} not given")
    if _is_frame(high) and isinstance(low, numbers.Number):
        raise ValueError(f"atr(frame, {low!r}, ...) passes {low!r} as low: give the window by name, "
                         f"atr(frame, window={low!r})")
    same_index({"high": high, "low": low, "close": close})
    tc = _table(close, "close", by)
    th, tl = _table(high, "high"), _table(low, "low")
    shapes = [a.values_2d().shape for a in (th, tl, tc)]
    if not shapes[0] == shapes[1] == shapes[2]:
        raise ValueError(f"high, low and close must have one shape, got {shapes[0]}, {shapes[1]}, {shapes[2]}")
    h, lo, c = _floats(th), _floats(tl), _floats(tc)
    for t, a, k in ((th, h, "high"), (tl, lo, "low"), (tc, c, "close")):
        if tc.keys is not None:
            engine.check_finite(t.values, k)
    out = _per_group(tc.keys, [h, lo, c],
                     lambda h, lo, c: _atr(h, lo, c, n, seed, zip((h, lo, c), ("high", "low", "close"))))
    return _wrap(tc, out, name)


def _atr_frame(frame, n, seed, by, name):
    """ATR of a price frame: one ticker's (flat columns, also a long table with ``by``) or one per ticker."""
    if isinstance(frame.columns, pd.MultiIndex):
        high, low, close = _price_fields(frame, ["high", "low", "close"], "atr")
        return atr(high, low, close, window=n, seed=seed, by=by)
    labels = [_flat_label(frame, f, "atr") for f in ("high", "low", "close")]
    if any(c is None for c in labels):
        _price_fields(frame, ["high", "low", "close"], "atr")  # raises, naming what is missing
    t = _table(frame, "the price frame", by, labels)
    v = _floats(t)
    if t.keys is not None:
        for j, k in enumerate(("high", "low", "close")):
            engine.check_finite(v[:, j], k)
    h, lo, c = v[:, :1], v[:, 1:2], v[:, 2:]
    out = _per_group(t.keys, [h, lo, c],
                     lambda h, lo, c: _atr(h, lo, c, n, seed, zip((h, lo, c), ("high", "low", "close"))))
    return _named(t, out[:, 0], name)


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
    out = engine.atr(h, lo, c, 1.0 - 1.0 / n, seed == "first", state, first_row,
                     sources=tuple(sources))  # raises on ±inf
    if seed == "sma":
        cols = np.flatnonzero(ready)
        out[seed_row[cols], cols] = seeds[cols]
    return out


# --------------------------------------------------------------------------- the exponential family


def _check_vfactor(vfactor) -> float:
    v = float(vfactor) if isinstance(vfactor, numbers.Real) and not isinstance(vfactor, bool) else np.nan
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"vfactor must be a number in [0, 1], got {vfactor!r}")
    return v


def _fast_slow(fast, slow) -> tuple[int, int]:
    fast, slow = _check_window(fast, "fast"), _check_window(slow, "slow")
    if fast >= slow:
        raise ValueError(f"fast must be smaller than slow, got fast={fast}, slow={slow}")
    return fast, slow


def _one_input(x, by, columns, run, name):
    """A single-input family member: ``run`` (a (T, N) -> (T, N) engine kernel) per group, named ``name``."""
    t = _table(x, "x", by, columns)  # the kernels count ±inf on their way
    v = _floats(t)
    _checked(t, v, "x")
    return _wrap(t, _per_group(t.keys, [v], run), name)


@_fill_doc
def dema(x: Data, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""Double exponential moving average (Mulloy): less lag than an EMA of the same window.

    .. math::

        e_1 = \text{EMA}_n(x), \quad e_2 = \text{EMA}_n(e_1), \quad \text{DEMA} = 2 e_1 - e_2

    Each EMA is :func:`ema` with its SMA seed (β = 1 − 2/(n+1)): equals TA-Lib
    ``DEMA``, NaN for the first 2(n − 1) rows.

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
        Prices; time along axis 0.
    window : int, default 30
    {by}

    Returns
    -------
    Series ``dema_<n>``, DataFrame or array
        By the module's naming rule. Equal, bit for bit, to
        ``2 * ema(x, n) - ema(ema(x, n), n)`` whatever the missing values (a
        missing price is a missing observation of the first EMA, whose carried
        value the second one sees); computed in one pass.

    Examples
    --------
    >>> dema([1.0, 2.0, 3.0, 4.0, 5.0], 2)
    array([nan, nan,  3.,  4.,  5.])
    """
    n = _check_window(window)
    return _one_input(x, by, columns, lambda a: engine.run_dema(a, n), f"dema_{n}")


@_fill_doc
def tema(x: Data, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""Triple exponential moving average (Mulloy).

    .. math::

        \text{TEMA} = 3 e_1 - 3 e_2 + e_3, \qquad e_k = \text{EMA}_n(e_{k-1}),\ e_0 = x

    Each EMA SMA-seeded as :func:`ema`: equals TA-Lib ``TEMA``, NaN for the
    first 3(n − 1) rows.

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
    window : int, default 30
    {by}

    Returns
    -------
    Series ``tema_<n>``, DataFrame or array
        Bit for bit the composition of :func:`ema` it describes.

    Examples
    --------
    >>> tema([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2)
    array([nan, nan, nan,  4.,  5.,  6.])
    """
    n = _check_window(window)
    return _one_input(x, by, columns, lambda a: engine.run_tema(a, n), f"tema_{n}")


@_fill_doc
def t3(x: Data, window: int = 5, vfactor: float = 0.7, *, by: By | None = None,
       columns: Labels | None = None) -> Smoothed:
    r"""Tillson's T3: a generalised DEMA applied three times (six chained EMAs).

    .. math::

        \text{T3} = c_1 e_6 + c_2 e_5 + c_3 e_4 + c_4 e_3, \quad
        c_1 = -v^3,\ c_2 = 3v^2 + 3v^3,\ c_3 = -6v^2 - 3v - 3v^3,\ c_4 = 1 + 3v + v^3 + 3v^2

    with e_k the k-fold SMA-seeded EMA of window n and v the volume factor:
    equals TA-Lib ``T3``, NaN for the first 6(n − 1) rows. Window 1 gives the
    input itself (as TA-Lib).

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
    window : int, default 5
    vfactor : float in [0, 1], default 0.7
        0 gives the triple EMA e_3, 1 the DEMA applied three times.
    {by}

    Returns
    -------
    Series ``t3_<n>``, DataFrame or array

    Examples
    --------
    >>> t3(np.arange(1.0, 9.0), 2).round(6)
    array([ nan,  nan,  nan,  nan,  nan,  nan, 6.55, 7.55])
    """
    n = _check_window(window)
    v = _check_vfactor(vfactor)
    return _one_input(x, by, columns, lambda a: engine.run_t3(a, n, v), f"t3_{n}")


@_fill_doc
def trix(x: Data, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""TRIX: the one-period rate of change, in percent, of the triple EMA.

    .. math::

        \text{TRIX}_t = 100 \left(\frac{e_{3,t}}{e_{3,t-1}} - 1\right), \qquad
        e_3 = \text{EMA}_n(\text{EMA}_n(\text{EMA}_n(x)))

    Equals TA-Lib ``TRIX``: NaN for the first 3(n − 1) + 1 rows; NaN where
    e_{3,t−1} is 0 (TA-Lib reports 0 there).

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
    window : int, default 30
    {by}

    Returns
    -------
    Series ``trix_<n>``, DataFrame or array

    Examples
    --------
    >>> trix([1.0, 2.0, 4.0, 8.0, 16.0], 1)
    array([ nan, 100., 100., 100., 100.])
    """
    n = _check_window(window)
    return _one_input(x, by, columns, lambda a: engine.run_trix(a, n), f"trix_{n}")


@_fill_doc
def apo(x: Data, fast: int = 12, slow: int = 26, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""Absolute price oscillator: the difference of a fast and a slow EMA.

    .. math::

        \text{APO} = \text{EMA}_{fast}(x) - \text{EMA}_{slow}(x)

    Each EMA SMA-seeded at its own window (:func:`ema`): equals TA-Lib
    ``APO`` with ``matype=1`` (EMA; TA-Lib's default ``matype=0`` is an SMA),
    NaN for the first slow − 1 rows. This is the MACD line, but with TA-Lib's
    APO start (TA-Lib's ``MACD`` starts its fast EMA differently).

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
    fast, slow : int, default 12, 26
        ``fast < slow``.
    {by}

    Returns
    -------
    Series ``apo_<fast>_<slow>``, DataFrame or array

    Examples
    --------
    >>> apo([1.0, 2.0, 3.0, 4.0], 2, 3)
    array([nan, nan, 0.5, 0.5])
    """
    f, s = _fast_slow(fast, slow)
    return _one_input(x, by, columns, lambda a: engine.run_apo(a, f, s), f"apo_{f}_{s}")


@_fill_doc
def ppo(x: Data, fast: int = 12, slow: int = 26, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""Percentage price oscillator: the APO as a percentage of the slow EMA.

    .. math::

        \text{PPO} = 100\, \frac{\text{EMA}_{fast}(x) - \text{EMA}_{slow}(x)}{\text{EMA}_{slow}(x)}

    Equals TA-Lib ``PPO`` with ``matype=1`` (EMA): NaN for the first slow − 1
    rows, and where the slow EMA is 0 (TA-Lib reports 0 there).

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
    fast, slow : int, default 12, 26
        ``fast < slow``.
    {by}

    Returns
    -------
    Series ``ppo_<fast>_<slow>``, DataFrame or array

    Examples
    --------
    >>> ppo([1.0, 2.0, 3.0, 4.0], 2, 3).round(4)
    array([    nan,     nan, 25.    , 16.6667])
    """
    f, s = _fast_slow(fast, slow)
    return _one_input(x, by, columns, lambda a: engine.run_ppo(a, f, s), f"ppo_{f}_{s}")


@_fill_doc
def kama(x: Data, window: int = 30, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""Kaufman's adaptive moving average: an EMA whose weight follows the efficiency ratio.

    .. math::

        ER_t = \frac{|x_t - x_{t-n}|}{\sum_{i=t-n+1}^{t} |x_i - x_{i-1}|}, \quad
        sc_t = \left(ER_t \left(\tfrac23 - \tfrac2{31}\right) + \tfrac2{31}\right)^2, \quad
        \text{KAMA}_t = (1 - sc_t)\,\text{KAMA}_{t-1} + sc_t\, x_t

    Equals TA-Lib ``KAMA``: the first value at row n, started from x_{n−1}
    (NaN before), ER = 1 where the sum of changes is within 1e-14 of 0 (TA-Lib's
    zero) or not above x_t − x_{t−n}; window 1 copies the input. A missing
    value is skipped: the KAMA is that of the observations, carried over the
    rows they miss.

    Parameters
    ----------
    x : array, pandas or polars Series or DataFrame
    window : int, default 30
    {by}

    Returns
    -------
    Series ``kama_<n>``, DataFrame or array

    Examples
    --------
    >>> kama([1.0, 2.0, 3.0, 4.0], 2).round(4)
    array([   nan,    nan, 2.4444, 3.1358])
    """
    n = _check_window(window)
    return _one_input(x, by, columns, lambda a: engine.run_kama(a, n), f"kama_{n}")


_ADX_FIELDS = ("adx", "adxr", "plus_di", "minus_di", "dx")
_KELTNER_FIELDS = ("lower", "mid", "upper")


def _ohlc(given: dict, what: str, by):
    """Price inputs of an OHLC indicator: ``given`` maps the fields (lower case) to the arguments, the first
    maybe a price frame with the others None. Returns ``(table, arrays, frame)``: the table that shapes the
    result (keys from ``by``), the (T, N) float64 arrays in the order of ``given``, and whether one flat
    price frame came in (its one ticker gives one series)."""
    fields = list(given)
    first = given[fields[0]]
    if all(given[f] is None for f in fields[1:]):
        if not _is_frame(first):
            raise ValueError(f"{what} needs {_names(fields)}, or one DataFrame with those columns, got only "
                             f"{fields[0]} (a {type(first).__name__})")
        if isinstance(first.columns, pd.MultiIndex):
            given = dict(zip(fields, _price_fields(first, fields, what)))
        else:
            labels = [_flat_label(first, f, what) for f in fields]
            if any(c is None for c in labels):
                _price_fields(first, fields, what)  # raises, naming what is missing
            t = _table(first, "the price frame", by, labels)
            v = _floats(t)
            if t.keys is not None:
                for j, f in enumerate(fields):
                    engine.check_finite(v[:, j], f)
            return t, [np.ascontiguousarray(v[:, j:j + 1]) for j in range(len(fields))], True
    missing = [f for f in fields if given[f] is None]
    if missing:
        raise ValueError(f"{what} needs {_names(fields)} (or one OHLC DataFrame as {fields[0]}); "
                         f"{' and '.join(missing)} not given")
    same_index(given)
    t = _table(given[fields[-2] if fields[-1] == "volume" else fields[-1]], "close", by)
    tables = [t if f == "close" else _table(given[f], f) for f in fields]
    shapes = [a.values_2d().shape for a in tables]
    if len(set(shapes)) > 1:
        raise ValueError(f"{', '.join(fields)} must have one shape, got {', '.join(map(str, shapes))}")
    arrays = [_floats(a) for a in tables]
    if t.keys is not None:
        for a, f in zip(tables, fields):
            engine.check_finite(a.values, f)
    return t, arrays, False


def _fields_frame(t: Table, block: np.ndarray, fields, frame: bool):
    """Several fields of one series or of a panel (see :func:`_wrap_block`); one flat price frame in: one
    series, columns ``fields`` on its index."""
    if not frame:
        return _wrap_block(t, block, fields)
    if t.kind in ("pl_series", "pl_frame"):
        import polars as pl

        return pl.DataFrame({f: block[:, i] for i, f in enumerate(fields)})
    index = t.index if t.index is not None else pd.RangeIndex(block.shape[0])
    return pd.DataFrame(block, index=index, columns=list(fields), copy=False)


def adx(high: Data, low: Data | None = None, close: Data | None = None, window: int = 14, *,
        by: By | None = None) -> pd.DataFrame | pl.DataFrame:
    r"""Wilder's directional movement system: ADX, ADXR, +DI, −DI and DX in one pass.

    .. math::

        +DM_t = \begin{cases} u_t & u_t > d_t,\ u_t > 0 \\ 0 & \text{else}\end{cases},\quad
        -DM_t = \begin{cases} d_t & d_t > u_t,\ d_t > 0 \\ 0 & \text{else}\end{cases},\quad
        u_t = H_t - H_{t-1},\ d_t = L_{t-1} - L_t

        \pm DI = 100\,\frac{\overline{\pm DM}}{\overline{TR}}, \quad
        DX = 100\,\frac{|{+DI} - {-DI}|}{{+DI} + {-DI}}, \quad
        ADX = \overline{DX}, \quad ADXR_t = \tfrac12 (ADX_t + ADX_{t-n+1})

    where a bar means Wilder's average (β = 1 − 1/n) and TR the true range
    (:func:`atr`). Equals TA-Lib ``ADX``, ``ADXR``, ``PLUS_DI``,
    ``MINUS_DI`` and ``DX``, with TA-Lib's start: +DM, −DM and TR averaged
    from the sums of their first n − 1 values (TA-Lib keeps Wilder's sums
    S ← S − S/n + x, n times these averages), so the DIs and DX start at row
    n, the ADX (seeded with the mean of the first n DX) at row 2n − 1 and
    ADXR at row 3n − 2. A DI is 0 where the true range's average is 0 and DX
    is 0 where both DIs are; once seeded the ADX leaves such rows out (all as
    TA-Lib). A bar with a missing high, low or close is missing: the movement
    needs it and the bar before; the averages follow pandas' rules
    (:func:`ema`).

    Parameters
    ----------
    high, low, close : array, pandas or polars Series or DataFrame
        Aligned prices; or one price frame as ``high`` (High, Low and Close
        columns in any case; a yfinance multi-ticker frame gives one column
        per ticker), as :func:`atr` takes them.
    window : int, default 14
        n >= 2.
    by : label, list of labels, or array, optional
        Group keys of a long table (key column name(s) of the price frame, or
        one key per row); each group from its own rows, aligned with the input.

    Returns
    -------
    DataFrame
        Columns ``adx, adxr, plus_di, minus_di, dx`` for one ticker;
        ``(field, ticker)`` for several (polars: ``adx_<ticker>``...); for
        arrays a DataFrame on a RangeIndex.

    Examples
    --------
    >>> h = [10.0, 11.0, 12.0, 11.5, 13.0, 12.0, 14.0, 13.0]
    >>> lo = [9.0, 10.0, 10.5, 10.0, 11.5, 11.0, 12.5, 12.0]
    >>> c = [9.5, 10.5, 11.5, 11.0, 12.5, 11.5, 13.5, 12.5]
    >>> adx(h, lo, c, 2).round(2)
         adx   adxr  plus_di  minus_di      dx
    0    NaN    NaN      NaN       NaN     NaN
    1    NaN    NaN      NaN       NaN     NaN
    2    NaN    NaN    66.67      0.00  100.00
    3  60.00    NaN    28.57     19.05   20.00
    4  68.24  64.12    56.60      7.55   76.47
    5  44.12  56.18    29.70     19.80   20.00
    6  60.82  52.47    60.54      7.66   77.53
    7  45.70  53.26    34.88     18.54   30.58
    """
    if _is_frame(high) and isinstance(low, numbers.Number) and not isinstance(low, bool) and close is None:
        if window != 14:
            raise ValueError(f"adx(frame, {low!r}, window={window!r}) gives the window twice; give it once")
        low, window = None, low
    n = _check_window(window)
    if n < 2:
        raise ValueError(f"window must be an integer >= 2 (TA-Lib's ADX), got {window!r}")
    t, (h, lo, c), frame = _ohlc({"high": high, "low": low, "close": close}, "adx", by)
    block = _per_group(t.keys, [h, lo, c], lambda h, lo, c: engine.run_adx(h, lo, c, n), fields=5)
    return _fields_frame(t, block, _ADX_FIELDS, frame)


def adosc(high: Data, low: Data | None = None, close: Data | None = None, volume: Data | None = None, fast: int = 3,
          slow: int = 10, *, by: By | None = None) -> Smoothed:
    r"""Chaikin's accumulation/distribution oscillator: a fast minus a slow EMA of the A/D line.

    .. math::

        AD_t = AD_{t-1} + \frac{(C_t - L_t) - (H_t - C_t)}{H_t - L_t} V_t, \qquad
        \text{ADOSC} = \text{EMA}_{fast}(AD) - \text{EMA}_{slow}(AD)

    (no flow where H = L). Equals TA-Lib ``ADOSC``: both EMAs start at the
    first A/D value (not an SMA), NaN for the first max(fast, slow) − 1 rows.
    A row with a missing price or volume is a missing A/D value (the EMAs
    follow pandas' rules, as :func:`ema`), so this is bit for bit
    ``ema(ad, fast, seed="first") - ema(ad, slow, seed="first")`` with NaN
    until the line has max(fast, slow) values.

    Parameters
    ----------
    high, low, close, volume : array, pandas or polars Series or DataFrame
        Aligned; or one price frame as ``high`` (High, Low, Close and Volume
        columns in any case, or a yfinance multi-ticker frame).
    fast, slow : int, default 3, 10
        Any two windows (TA-Lib's ADOSC is always EMA(fast) − EMA(slow)).
    by : label, list of labels, or array, optional
        Group keys of a long table (see :func:`adx`).

    Returns
    -------
    Series ``adosc_<fast>_<slow>``, DataFrame or array

    Examples
    --------
    >>> h, lo, c = [2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0], [2.0, 2.5, 3.0, 5.0]
    >>> adosc(h, lo, c, [100.0, 100.0, 100.0, 100.0], 2, 3).round(2)
    array([  nan,   nan, -16.67,   2.78])
    """
    f, s = _check_window(fast, "fast"), _check_window(slow, "slow")
    t, arrays, frame = _ohlc({"high": high, "low": low, "close": close, "volume": volume}, "adosc", by)
    out = _per_group(t.keys, arrays, lambda h, lo, c, v: engine.run_adosc(h, lo, c, v, f, s))
    name = f"adosc_{f}_{s}"
    return _named(t, out[:, 0], name) if frame else _wrap(t, out, name)


def keltner(high: Data, low: Data | None = None, close: Data | None = None, window: int = 20, atr_window: int = 10,
            k: float = 2.0, *, by: By | None = None) -> pd.DataFrame | pl.DataFrame:
    r"""Keltner channel: an EMA of the close with bands k average true ranges away.

    .. math::

        \text{mid} = \text{EMA}_{window}(C), \qquad
        \text{upper}, \text{lower} = \text{mid} \pm k\, \text{ATR}_{atr\_window}

    The modern channel (Linda Raschke's), as the ``ta`` library's
    ``KeltnerChannel(window=20, window_atr=10, multiplier=2,
    original_version=False)`` builds it, with TA-Lib's ``EMA`` and ``ATR``
    (:func:`ema` and :func:`atr` with their SMA seeds): mid is NaN for the
    first window − 1 rows, the bands also for the first atr_window. (pandas-ta's
    ``kc`` instead uses an EMA of the true range over ``window``.)

    Parameters
    ----------
    high, low, close : array, pandas or polars Series or DataFrame
        Aligned prices, or one price frame as ``high`` (see :func:`atr`).
    window : int, default 20
        The EMA's window.
    atr_window : int, default 10
        The ATR's window.
    k : float, default 2.0
        Width of the bands in ATRs (>= 0).
    by : label, list of labels, or array, optional
        Group keys of a long table (see :func:`adx`).

    Returns
    -------
    DataFrame
        Columns ``lower, mid, upper`` for one ticker, ``(band, ticker)`` for
        several (polars: ``lower_<ticker>``...).

    Examples
    --------
    >>> h, lo, c = [2.0, 3.0, 4.0, 3.5], [1.0, 2.0, 2.5, 2.0], [1.5, 2.5, 3.5, 3.0]
    >>> keltner(h, lo, c, window=2, atr_window=2, k=1.0)
       lower  mid  upper
    0    NaN  NaN    NaN
    1    NaN  2.0    NaN
    2    1.5  3.0    4.5
    3    1.5  3.0    4.5
    """
    n, na = _check_window(window), _check_window(atr_window, "atr_window")
    width_k = float(k) if isinstance(k, numbers.Real) and not isinstance(k, bool) else np.nan
    if not 0.0 <= width_k < np.inf:
        raise ValueError(f"k must be a finite number >= 0, got {k!r}")
    t, (h, lo, c), frame = _ohlc({"high": high, "low": low, "close": close}, "keltner", by)

    def bands(h, lo, c):
        mid = _smooth(c, beta_from_window(n), n, "sma")
        width = width_k * _atr(h, lo, c, na, "sma", zip((h, lo, c), ("high", "low", "close")))
        return np.concatenate([mid - width, mid, mid + width], axis=1)

    block = _per_group(t.keys, [h, lo, c], bands, fields=3)
    return _fields_frame(t, block, _KELTNER_FIELDS, frame)


def ewm_beta(returns: Data, market_returns: Data, beta: float = 0.94, *, bias_correction: bool = False,
             ignore_na: bool = False, min_periods: int = 0, bias: bool = False, by: By | None = None,
             columns: Labels | None = None) -> Smoothed:
    r"""RiskMetrics beta of assets to a market: the EW covariance over the EW variance of the market.

    .. math::

        \beta_t = \frac{\operatorname{Cov}^{EW}_t(r, m)}{\operatorname{Var}^{EW}_t(m)}

    with the weights of :func:`ewmakit.ewmcov` and :func:`ewmakit.ewmvar`
    (β = 0.94 by default, RiskMetrics' daily decay). Equals pandas
    ``r.ewm(alpha=1 - beta, adjust=bias_correction, ignore_na=ignore_na,
    min_periods=min_periods).cov(m, bias=bias) / m.ewm(...).var(bias=bias)``:
    the covariance over the rows where both are observed, the variance over
    the market's.

    Parameters
    ----------
    returns : array, pandas or polars Series or DataFrame
        The assets' returns (a DataFrame: one beta per column).
    market_returns : array, pandas or polars Series
        The market's returns on the same rows (one series, used for every
        column), or an array/DataFrame of the same shape as ``returns``.
    beta : float in [0, 1), default 0.94
        The decay (weight of the past).
    bias_correction, ignore_na, min_periods, bias
        As in :func:`ewmakit.ewmcov` (pandas' ``adjust``, ``ignore_na``,
        ``min_periods``, ``bias``).
    by : label, list of labels, or array, optional
        Group keys of a long table (``market_returns`` then gives one market
        return per row); each group's beta from its own rows.
    columns : label or list of labels, optional
        The value columns of a DataFrame of returns.

    Returns
    -------
    Series ``ewm_beta_<beta>``, DataFrame or array
        NaN until both moments are defined (the first row's variance is 0
        unbiased-undefined, so NaN).

    Examples
    --------
    >>> m = [0.01, -0.02, 0.015, 0.0, -0.01]
    >>> r = [0.02, -0.04, 0.03, 0.0, -0.02]
    >>> ewm_beta(r, m).round(6)
    array([nan,  2.,  2.,  2.,  2.])
    """
    from .core import ewmcov, ewmvar

    b = check_unit("beta", beta)
    t = _table(returns, "returns", by, columns)
    r = _floats(t)
    engine.check_finite(t.values, "returns")
    if t.kind in ("frame", "pl_frame") and t.keys is None:
        same_index({"returns": returns, "market_returns": market_returns})
    tm = _table(market_returns, "market_returns")
    m = _floats(tm)
    if m.shape[0] != r.shape[0]:
        raise ValueError(f"market_returns must have one value per row of returns ({r.shape[0]}), "
                         f"got {m.shape[0]}")
    if m.shape[1] == 1:
        m = np.repeat(m, r.shape[1], axis=1)
    elif m.shape != r.shape:
        raise ValueError(f"market_returns must be one series or have the shape of returns {r.shape}, "
                         f"got {m.shape}")
    engine.check_finite(m, "market_returns")
    opts: dict[str, Any] = dict(bias_correction=bias_correction, ignore_na=ignore_na, min_periods=min_periods,
                                bias=bias)

    def ratio(r, m):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(ewmcov(r, m, b, **opts)) / np.asarray(ewmvar(m, b, **opts))

    return _wrap(t, _per_group(t.keys, [r, np.ascontiguousarray(m)], ratio), f"ewm_beta_{b:g}")


# --------------------------------------------------------------------------- returns and RiskMetrics


@overload
def log_returns(prices: pd.Series, *, by: By | None = ...) -> pd.Series: ...
@overload
def log_returns(prices: Data, *, by: By | None = ..., columns: Labels | None = ...) -> Smoothed: ...
def log_returns(prices: Data, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""Log returns r_t = ln(p_t / p_{t−1}); the first row (of each group) is NaN.

    Parameters
    ----------
    prices : array, pandas or polars Series or DataFrame
        Prices > 0.
    by : label, list of labels, or array, optional
        Group keys of a long table: each group's returns from its own rows
        (its first row NaN), aligned with the input rows.
    columns : label or list of labels, optional
        The value columns of a DataFrame.

    Returns
    -------
    Same type as ``prices``, keeping its names (they are the same series as
    returns); with ``by`` and one value column, a Series named after it.

    Raises
    ------
    ValueError
        If a price is zero or negative (naming the first such row).

    Examples
    --------
    >>> log_returns([100.0, 110.0, 99.0]).round(4)
    array([    nan,  0.0953, -0.1054])
    """
    t = _table(prices, "prices", by, columns)
    v = _floats(t)
    engine.check_finite(t.values, "prices")
    bad = v <= 0
    if bad.any():
        row, col = np.argwhere(bad)[0]
        where = t.index[row] if t.index is not None else row
        raise ValueError(f"prices must be > 0 to take a log return, got {v[row, col]} at {where!r}")

    def returns(p):
        out = np.full_like(p, np.nan)
        out[1:] = np.log(p[1:] / p[:-1])
        return out

    out = _per_group(t.keys, [v], returns)
    if _one_series(t, out.shape[1]) and t.kind in ("frame", "pl_frame"):
        return _named(t, out[:, 0], cast(list[Hashable], t.columns)[0])  # (a frame's: set)
    return t.wrap(out)


#: The price guard of :func:`volatility` and :func:`ewm_cov`: a series (a group's series with ``by``) with at
#: least this many observations, all of them > 0, whose mean is at least ``_PRICE_MEAN_OVER_STD`` standard
#: deviations from zero, is taken for prices. Daily returns never look like that: in 30 years of SPY the
#: longest run of positive daily returns is 14 days, and their mean is about 0.04 standard deviations.
#: Prices always do (a whole SPY or TSLA history has mean/std ≥ 1, any 30-day stretch ≥ 3.9).
_PRICE_ROWS = 20
_PRICE_MEAN_OVER_STD = 0.5


def _price_like(v: np.ndarray, keys=None) -> np.ndarray:
    """Which columns of ``v`` (T, N) look like prices rather than returns (per group with ``keys``: a column
    is flagged when one of its groups is)."""
    T, N = v.shape
    if T < _PRICE_ROWS or N == 0:
        return np.zeros(N, dtype=bool)
    obs = ~np.isnan(v)
    if keys is None:  # a panel: column by column at once
        n = obs.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            nonpos = (obs & ~(v > 0)).sum(axis=0)
            mean = np.where(obs, v, 0.0).sum(axis=0) / n
            std = np.sqrt(np.where(obs, (v - mean) ** 2, 0.0).sum(axis=0) / n)
            return (n >= _PRICE_ROWS) & (nonpos == 0) & (mean >= _PRICE_MEAN_OVER_STD * std)
    x = np.where(obs, v, 0.0)
    codes, G = keys.codes, keys.groups
    keep = codes >= 0
    flagged = np.zeros(N, dtype=bool)
    for j in range(N):
        c = codes[keep]
        n = np.bincount(c, weights=obs[keep, j], minlength=G)
        nonpos = np.bincount(c, weights=(obs[keep, j] & (x[keep, j] <= 0)), minlength=G)
        total = np.bincount(c, weights=x[keep, j], minlength=G)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / n
            dev = np.where(obs[keep, j], x[keep, j] - mean[c], 0.0)
            std = np.sqrt(np.bincount(c, weights=dev * dev, minlength=G) / n)
            flagged[j] = bool(np.any((n >= _PRICE_ROWS) & (nonpos == 0) & (mean >= _PRICE_MEAN_OVER_STD * std)))
    return flagged


def _outside_stacklevel() -> int:
    """The ``stacklevel`` of a warning that points at the first caller outside ewmakit."""
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    level = 1
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(here + os.sep):
        frame, level = frame.f_back, level + 1
    return level


def _warn_if_prices(t: Table, v: np.ndarray, what: str) -> None:
    """One UserWarning when the input of ``what`` looks like prices (see ``_PRICE_ROWS``), naming the columns."""
    flagged = _price_like(v, t.keys)
    if not flagged.any():
        return
    import warnings

    if t.kind in ("frame", "pl_frame"):
        names = [c for c, f in zip(_value_labels(t), flagged) if f]
        which = f"the column{'s' if len(names) > 1 else ''} {', '.join(map(repr, names[:5]))}" + \
            (f" and {len(names) - 5} more" if len(names) > 5 else "")
    elif flagged.size > 1:
        which = f"{int(flagged.sum())} of its {flagged.size} columns"
    else:
        which = "it"
    one = which == "it" or (t.kind in ("frame", "pl_frame") and len(names) == 1)
    warnings.warn(f"{what} expects returns, but {which} look{'s' if one else ''} like prices (all "
                  f"positive, mean far from zero): pass returns, for example "
                  f"ewmakit.finance.log_returns(prices)", UserWarning, stacklevel=_outside_stacklevel())


def _backcast(r2: np.ndarray) -> np.ndarray:
    """arch's start value, in each column: the 0.94-weighted mean of the (at most) 75 squared returns from its
    first one on (the oldest heaviest; missing ones left out).

    The sums run over the 75 rows one at a time, so a column's value never depends on the others (a group
    in a panel gets the value it gets alone).
    """
    T, N = r2.shape
    out = np.zeros(N)
    if T == 0 or N == 0:
        return out
    obs = ~np.isnan(r2)
    first = np.where(obs.any(axis=0), np.argmax(obs, axis=0), T)
    rows = first[None, :] + np.arange(75)[:, None]
    head = np.where(rows < T, r2[np.minimum(rows, T - 1), np.arange(N)], np.nan)  # (75, N)
    seen = ~np.isnan(head)
    weights = np.where(seen, 0.94 ** (np.cumsum(seen, axis=0) - 1), 0.0)
    total = np.zeros(N)
    for k in range(head.shape[0]):
        total += weights[k]
    acc = np.zeros(N)
    with np.errstate(invalid="ignore", divide="ignore"):
        for k in range(head.shape[0]):
            acc += np.where(seen[k], head[k] * (weights[k] / total), 0.0)
    return np.where(total > 0, acc, 0.0)


def _volatility(r, b):
    r2 = r * r
    start = _backcast(r2)
    v = engine.run_mean(r2, _plain(b, init=start))
    var = np.full_like(v, np.nan)
    var[1:] = v[:-1]
    obs = ~np.isnan(r2)
    has = obs.any(axis=0)
    first = np.argmax(obs, axis=0)
    var[first[has], np.flatnonzero(has)] = start[has]
    return np.sqrt(var)


@overload
def volatility(returns: pd.Series, beta: float = ..., *, annualize: float | None = ...,
               by: By | None = ...) -> pd.Series: ...
@overload
def volatility(returns: Data, beta: float = ..., *, annualize: float | None = ..., by: By | None = ...,
               columns: Labels | None = ...) -> Smoothed: ...
@_fill_doc
def volatility(returns: Data, beta: float = 0.94, *, annualize: float | None = None, by: By | None = None,
               columns: Labels | None = None) -> Smoothed:
    r"""RiskMetrics (EWMA) conditional volatility.

    .. math::

        \sigma^2_t = \beta\, \sigma^2_{t-1} + (1-\beta)\, r^2_{t-1}, \qquad
        \sigma^2_0 = \frac{\sum_{k<\tau} 0.94^k r_k^2}{\sum_{k<\tau} 0.94^k},\ \tau = \min(75, n)

    σ_t uses returns up to t − 1 only: it is the forecast of day t's
    volatility. This is exactly the conditional volatility of arch's
    ``ZeroMean(returns, volatility=EWMAVariance(beta))`` (same backcast).

    Parameters
    ----------
    returns : array, pandas or polars Series or DataFrame
        Returns (not prices; see :func:`log_returns`). Leading NaNs are
        skipped; a NaN later carries the variance over that row.
    beta : float, default 0.94
        RiskMetrics λ (daily data).
    annualize : float, optional
        Periods per year: multiply by sqrt(annualize) (252 for daily data).
    {by}

    Returns
    -------
    Series ``volatility_<beta>``, DataFrame or array
        One series: a Series named ``volatility_0.94`` (for ``beta=0.94``);
        a panel: its columns.

    Warns
    -----
    UserWarning
        Once per call, when the input looks like prices rather than returns:
        a series (a group's, with ``by``) of at least 20 observations, all
        positive, whose mean is at least half a standard deviation from zero
        (daily returns are never all positive for 20 days, and their mean is
        a few hundredths of a standard deviation). Pass
        ``log_returns(prices)`` instead.

    Examples
    --------
    >>> volatility([0.01, -0.02, 0.015], 0.94).round(5)
    array([0.01546, 0.01519, 0.01552])
    """
    b = check_unit("beta", beta)
    if annualize is not None and (isinstance(annualize, bool) or not isinstance(annualize, numbers.Real)
                                  or not 0 < annualize < np.inf):
        raise ValueError(f"annualize must be a number of periods per year > 0, got {annualize!r}")
    t = _table(returns, "returns", by, columns)
    v = _floats(t)
    engine.check_finite(t.values, "returns")
    _warn_if_prices(t, v, "volatility")
    vol = _per_group(t.keys, [v], lambda r: _volatility(r, b))
    if annualize is not None:
        vol *= np.sqrt(float(annualize))
    return _wrap(t, vol, f"volatility_{b:g}")


_MISSING = ("skip", "pairwise")


def _cov_panel(returns, beta, demean, missing, what):
    b = check_unit("beta", beta)
    if not isinstance(demean, bool):
        raise ValueError(f"demean must be True or False, got {demean!r}")
    if missing not in _MISSING:
        raise ValueError(f"missing must be 'skip' or 'pairwise', got {missing!r}")
    t = _table(returns, "returns")
    r = _floats(t)
    engine.check_finite(t.values, "returns")
    _warn_if_prices(t, r, what)
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
    return t, full


def _stack(t: Table, full: np.ndarray) -> pd.DataFrame:
    T, k, _ = full.shape
    assets = _value_labels(t) if t.kind in ("frame", "pl_frame") else pd.RangeIndex(k)
    dates = t.index if t.index is not None else pd.RangeIndex(T)
    index = pd.MultiIndex.from_product([dates, assets], names=[dates.name, assets.name])
    return pd.DataFrame(full.reshape(T * k, k), index=index, columns=assets)


def ewm_cov(returns: pd.DataFrame | np.ndarray, beta: float = 0.94, *, demean: bool = False,
            missing: Literal["skip", "pairwise"] = "skip") -> pd.DataFrame:
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

    Warns
    -----
    UserWarning
        Once per call, when columns look like prices rather than returns (as
        in :func:`volatility`); pass ``log_returns(prices)`` instead.

    Examples
    --------
    >>> r = pd.DataFrame({"a": [0.01, -0.02], "b": [0.02, 0.01]})
    >>> ewm_cov(r, 0.5).loc[1].round(6)
             a        b
    a  0.00025  0.00000
    b  0.00000  0.00025
    """
    t, full = _cov_panel(returns, beta, demean, missing, "ewm_cov")
    return _stack(t, full)


def ewm_corr(returns: pd.DataFrame | np.ndarray, beta: float = 0.94, *, demean: bool = False,
             missing: Literal["skip", "pairwise"] = "skip") -> pd.DataFrame:
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
    t, full = _cov_panel(returns, beta, demean, missing, "ewm_corr")
    d = np.sqrt(np.einsum("tii->ti", full))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = full / (d[:, :, None] * d[:, None, :])
    corr[~np.isfinite(corr)] = np.nan
    return _stack(t, corr)


# --------------------------------------------------------------------------- crossover


def _crossings(fast, slow):
    """+1/−1/0 (as floats) where fast − slow changes sign, column by column (touches keep the side)."""
    d = fast - slow
    sign = pd.DataFrame(np.sign(d)).replace(0.0, np.nan).ffill().to_numpy()
    prev = np.vstack([np.full((1, sign.shape[1]), np.nan), sign[:-1]])
    valid = ~np.isnan(d)
    out = np.zeros(sign.shape)
    out[(prev < 0) & (sign > 0) & valid] = 1.0
    out[(prev > 0) & (sign < 0) & valid] = -1.0
    return out


@overload
def crossover(fast: pd.Series, slow: ArrayLike | float, *, by: By | None = ...) -> pd.Series: ...
@overload
def crossover(fast: Data, slow: Data | float, *, by: By | None = ..., columns: Labels | None = ...) -> Smoothed: ...
@_fill_doc
def crossover(fast: Data, slow: Data | float, *, by: By | None = None, columns: Labels | None = None) -> Smoothed:
    r"""+1 where ``fast`` crosses above ``slow``, −1 where it crosses below, 0 elsewhere.

    .. math::

        c_t = \begin{cases} +1 & s_{t'} < 0 < s_t \\ -1 & s_{t'} > 0 > s_t \\ 0 & \text{else}\end{cases},
        \qquad s_t = \operatorname{sign}(\text{fast}_t - \text{slow}_t)

    where t' is the last earlier row with s ≠ 0. A touch (equality) keeps
    the previous sign, so touching and turning back is no cross, and NaN rows
    are 0 without losing the side the series were on before them.

    These are *events* (the day of each cross), not positions: the signal of
    a crossover strategy for :func:`backtest` is the position held between
    the crosses, ``(fast > slow).astype(int)`` (long while fast is above).

    Parameters
    ----------
    fast : array, pandas or polars Series or DataFrame
    slow : same shape as ``fast``, or a number (a level such as 70 for RSI)
    {by}

    Returns
    -------
    Series ``crossover``, DataFrame or array, of int8
        One series: a Series named ``crossover``; a panel: its columns. With
        ``by``, each group's first row (and rows with a missing key) is 0.

    Examples
    --------
    >>> crossover([1.0, 2.0, 3.0, 2.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0])
    array([ 0,  0,  1,  0, -1], dtype=int8)
    """
    t = _table(fast, "fast", by, columns)
    f = _floats(t)
    engine.check_finite(t.values, "fast")
    if isinstance(slow, numbers.Real) and not isinstance(slow, bool):
        s = np.full_like(f, float(slow))
    else:
        same_index({"fast": fast, "slow": slow})
        pick = t.columns if _is_frame(slow) and t.columns is not None and \
            all(c in list(slow.columns) for c in t.columns) else None
        ts = _table(slow, "slow", columns=pick)
        s = _floats(ts)
        if s.shape != f.shape:
            raise ValueError(f"fast and slow must have one shape, got {t.values.shape} and {ts.values.shape}")
        engine.check_finite(ts.values, "slow")
    out = _per_group(t.keys, [f, s], _crossings, fill=0.0).astype(np.int8)
    return _wrap(t, out, "crossover")
