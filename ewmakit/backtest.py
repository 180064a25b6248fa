r"""Backtest a target-position signal as a broker would account for it.

:func:`backtest` takes closing prices and a signal (the position wanted at
each close: +1 long, 0 flat, −1 short) and gives a :class:`BacktestResult`:
positions, returns, equity, drawdown, the list of trades and the statistics,
one column per asset for a panel. The accounting is vectorbt's
``Portfolio.from_signals(size=np.inf, fees=..., slippage=...)``: at each
change of position the whole equity goes into (or out of) shares at the
execution price, and the shares are held unchanged until the next change.

A crossover strategy's signal is the position, "long while fast > slow"::

    fast, slow = finance.ema(close, 10), finance.ema(close, 50)
    signal = (fast > slow).astype(int)      # 1 while fast is above, else 0
    result = backtest(close, signal)

:func:`ewmakit.finance.crossover` gives the *events* (+1 on the day fast
crosses above, −1 on the day it crosses below), not positions: it is not a
signal for :func:`backtest`.

The work is one compiled walk down each column (``ewmakit._engine``), threads
taking ranges of columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
import pandas as pd

from . import _engine as engine
from ._checks import check_bool, real
from ._frames import Table, same_index
from ._keys import Keys
from ._reprs import html_table
from ._typing import By, Data

__all__ = ["backtest", "BacktestResult", "STATS"]

#: The rows of :attr:`BacktestResult.stats`.
STATS = tuple(engine.BACKTEST_STATS)

_EXECUTE = ("next_close", "close")
_TRADE_COLUMNS = ("direction", "status", "entry_date", "entry_price", "exit_date", "exit_price", "return",
                  "duration")


@dataclass(frozen=True, repr=False, eq=False)
class BacktestResult:
    """The result of :func:`backtest`.

    Attributes
    ----------
    positions : same type as ``close``, int8
        The position held after each close (+1 long, 0 flat, −1 short),
        after that close's trade. With ``execute="next_close"`` it is the
        signal of the row before (carried over rows without a price).
    returns : same type as ``close``
        r_t = V_t / V_{t−1} − 1, the first row against the starting equity 1.
    equity : same type as ``close``
        V_t, the account marked at each close, starting from 1 (rows without
        a price keep the last value).
    drawdown : same type as ``close``
        V_t / max(1, max_{s≤t} V_s) − 1 (≤ 0).
    trades : pandas.DataFrame
        One row per trade, in column then time order: ``column`` (the asset:
        the column label, the series name, or with ``by`` the group key),
        ``direction`` (``"long"``/``"short"``), ``status``
        (``"closed"``/``"open"``), ``entry_date``, ``entry_price`` and
        ``exit_date``, ``exit_price`` (execution prices, slippage included;
        an open trade has no exit date and the last close as its price),
        ``return`` (on the equity the trade held, net of fees and slippage on
        both sides; an open trade's marked at the last close, with no exit
        cost) and ``duration`` (rows from entry to exit, or to the last row).
    stats : pandas.Series or DataFrame
        Indexed by :data:`STATS`; a Series for one series, else one column
        per asset (per group with ``by``). See :func:`backtest`.
    close : the prices given (for :func:`ewmakit.plot.backtest`)
    fee, slippage, short, execute, periods_per_year, by : the settings
    """

    positions: object
    returns: object
    equity: object
    drawdown: object
    trades: pd.DataFrame
    stats: pd.Series | pd.DataFrame
    close: object = field(default=None)
    fee: float = 0.0
    slippage: float = 0.0
    short: bool = False
    execute: str = "next_close"
    periods_per_year: float = 252.0
    by: object = None

    # ------------------------------------------------------------------ display

    def _title(self) -> str:
        n = 1 if isinstance(self.stats, pd.Series) else self.stats.shape[1]
        rows = len(self.equity) if hasattr(self.equity, "__len__") else 0
        what = "1 series" if n == 1 else f"{n} series"
        return (f"Backtest of {what}, {rows} rows: {'long/short' if self.short else 'long/flat'}, "
                f"execute={self.execute!r}, fee={self.fee:g}, slippage={self.slippage:g}, "
                f"periods_per_year={self.periods_per_year:g}")

    def _rows(self) -> tuple[list[tuple[str, str]], str | None]:
        st = self.stats
        if isinstance(st, pd.Series):
            values, note = st, None
        else:
            values = st.median(axis=1) if st.shape[1] else pd.Series(np.nan, index=st.index)
            note = f"median over the {st.shape[1]} series; .stats has one column per series"
        rows = []
        for name in STATS:
            v = values[name]
            if name in ("trades", "open_trades", "max_drawdown_length"):
                if isinstance(st, pd.DataFrame) and name in ("trades", "open_trades"):
                    text = f"{st.loc[name].sum():g} in all (median {v:g})"
                else:
                    text = f"{v:g}"
            else:
                text = f"{v:.6g}"
            rows.append((name, text))
        return rows, note

    def __repr__(self) -> str:
        rows, note = self._rows()
        width = max(len(k) for k, _ in rows)
        lines = [self._title()] + [f"  {k:<{width}}  {v}" for k, v in rows]
        if note:
            lines.append(f"  ({note})")
        lines.append(f"  {len(self.trades)} trades in .trades; .positions .returns .equity .drawdown")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows, note = self._rows()
        return html_table(self._title(), rows, note)


# --------------------------------------------------------------------------- checks


def _fraction(name: str, value) -> float:
    v = real(name, value)
    if not 0.0 <= v < 1.0:  # also False for NaN
        raise ValueError(f"{name} must be in [0, 1) (a fraction of the traded value), got {value!r}")
    return v


def _check_execute(execute: object) -> Literal["next_close", "close"]:
    if not isinstance(execute, str) or execute not in _EXECUTE:
        raise ValueError(f"execute must be 'next_close' or 'close', got {execute!r}")
    return cast(Literal["next_close", "close"], execute)  # (one of _EXECUTE)


def _check_periods(value) -> float:
    v = real("periods_per_year", value)
    if not 0.0 < v < math.inf:
        raise ValueError(f"periods_per_year must be > 0 (and finite), got {value!r}")
    return v


def _signal_table(signal, close, t: Table, by) -> Table:
    """The signal as a Table laid out as ``t`` (close's): the same index, the same value columns."""
    if t.kind in ("series", "frame") and isinstance(signal, (pd.Series, pd.DataFrame)):
        same_index({"close": close, "signal": signal})
    pick = None
    frame = isinstance(signal, pd.DataFrame) or type(signal).__name__ == "DataFrame" and \
        type(signal).__module__.split(".")[0] == "polars"
    keys = None
    if frame:
        labels = list(signal.columns)
        if by is not None and t.key_columns and all(k in set(labels) for k in t.key_columns):
            keys = by
        elif t.kind in ("frame", "pl_frame") and t.columns is not None and labels != list(t.columns):
            have = set(labels)
            if all(c in have for c in t.columns):
                pick = list(t.columns)  # the same columns in another order (or more of them): close's
    if keys is None and pick is None and isinstance(signal, pd.DataFrame) and _one_numpy_dtype(signal):
        # one numeric numpy dtype (a signal of ints or bools): one conversion of the whole block, not per column
        values = signal.to_numpy(dtype=np.float64)
        ts = Table(values, "signal")
    else:
        try:
            ts = Table(signal, "signal", by=keys, columns=pick)
        except TypeError as exc:
            raise TypeError(f"{exc} (signal holds target positions: -1, 0 or 1)") from None
    if ts.values.ndim not in (1, 2):
        raise ValueError(f"signal must be 1-D or 2-D (time x series), got {ts.values.ndim} dimensions")
    if ts.values_2d().shape != t.values_2d().shape:
        raise ValueError(f"signal must have close's shape {t.values_2d().shape} (rows x series), "
                         f"got {ts.values_2d().shape}")
    if pick is None and isinstance(signal, pd.DataFrame) and t.kind == "frame" and signal.shape[1] > 1 and \
            not list(signal.columns) == _columns(t):
        raise ValueError(f"signal's columns must be close's columns {_columns(t)[:5]!r}..., got "
                         f"{list(signal.columns)[:5]!r}...")
    return ts


def _columns(t: Table) -> list:
    """The value columns of a DataFrame's Table (empty for other inputs)."""
    return list(cast(list, t.columns)) if t.columns is not None else []


def _keys(t: Table) -> Keys:
    """The group keys of a Table made with ``by``."""
    if t.keys is None:  # pragma: no cover - callers check
        raise ValueError("by= is needed here")
    return t.keys


def _one_numpy_dtype(frame: pd.DataFrame) -> bool:
    dtypes = set(frame.dtypes)
    if len(dtypes) != 1:
        return False
    dt = next(iter(dtypes))
    return isinstance(dt, np.dtype) and dt.kind in "biuf"


# --------------------------------------------------------------------------- the backtest


def backtest(close: Data, signal: Data, *, fee: float = 0.0, slippage: float = 0.0, short: bool = False,
             execute: Literal["next_close", "close"] = "next_close", periods_per_year: float = 252,
             by: By | None = None) -> BacktestResult:
    r"""Backtest the target positions ``signal`` on the prices ``close``, as a broker accounts for it.

    Parameters
    ----------
    close : array, pandas or polars Series or DataFrame
        Closing prices > 0, rows in time order; a DataFrame is a panel (one
        backtest per column). NaN marks a missing price: no trade that day,
        the position is carried (and the equity kept at its last value).
    signal : same shape as ``close`` (and the same index for pandas)
        The position wanted at each close: +1 long, 0 flat, −1 short (only
        with ``short=True``); booleans are 1 and 0. A crossover strategy's
        signal is ``(fast > slow).astype(int)``, long while the fast average
        is above the slow one; :func:`ewmakit.finance.crossover` gives the
        crossing *events*, not positions.
    fee : float in [0, 1)
        Cost of each trade, a fraction of the traded value.
    slippage : float in [0, 1)
        The execution price moves against the trade by this fraction:
        buys at P(1 + s), sells at P(1 − s).
    short : bool
        Allow −1 (short positions). Without it a −1 in ``signal`` is an
        error (not read as flat, so that a forgotten ``short=True`` does not
        pass for a long/flat backtest): use ``(signal > 0).astype(int)``.
    execute : {"next_close", "close"}
        ``"next_close"`` (default): the signal seen at a close is traded at
        the next close, so nothing looks ahead. ``"close"``: traded at the
        same close (vectorbt's default; it assumes the signal was known
        just before the close).
    periods_per_year : float > 0
        Rows per year, to annualise (252 for daily prices).
    by : label, list of labels, or array, optional
        Group keys of a long table (a column of ``close``, or one key per
        row): one backtest per group, on its own rows in input order. The
        results are aligned with the input rows (rows whose key is missing:
        position 0, NaN equity); ``.stats`` has one column per group and
        ``.trades`` a ``column`` holding the group key. The dates of the
        trades are the index labels (``set_index("date")`` first to see dates).

    Returns
    -------
    BacktestResult
        ``.positions``, ``.returns``, ``.equity``, ``.drawdown`` in the type of
        ``close`` (a Series, a DataFrame, a polars object or an array),
        ``.trades`` (a DataFrame) and ``.stats``.

    Raises
    ------
    ValueError
        If close and signal differ in shape or index, a signal value is not
        −1, 0 or 1 (or is −1 without ``short=True``), a price is ≤ 0 or
        infinite (returns are undefined), ``fee`` or ``slippage`` is outside
        [0, 1), ``execute`` is unknown, or ``periods_per_year`` ≤ 0.
    TypeError
        If an input holds no numbers, or an option has the wrong type.

    Notes
    -----
    The account starts with equity 1, flat. At a close P_t where the
    position held differs from the target (``signal`` of that row, or of the
    row before with ``next_close``), the position is closed, then the new one
    opened, with the whole equity E, a fee f and a slippage s:

    .. math::

        \text{long: } n = \frac{E}{P^+ (1 + f)},\ V_t = n P_t,\ \text{exit } E' = n P^- (1 - f);
        \qquad
        \text{short: } n = \frac{E}{P^- (1 + f)},\ C = E + n P^- (1 - f),\ V_t = C - n P_t,\
        \text{exit } E' = C - n P^+ (1 + f)

    with P^± = P (1 ± s), V_t the equity marked at each close (V_t = E when
    flat). An account whose equity falls to 0 or below opens nothing more.
    A trade's return is E'/E − 1. With T rows, r_t = V_t/V_{t−1} − 1 (V_{−1}
    = 1), r̄ their mean, and A = ``periods_per_year``, the statistics are:

    * ``total_return`` V_{T−1} − 1; ``annual_return`` V_{T−1}^{A/T} − 1;
    * ``annual_volatility`` σ√A, σ the standard deviation of r (ddof 1);
    * ``sharpe`` r̄/σ·√A (no risk-free rate); ``sortino``
      r̄A / (√(mean(min(r, 0)²))·√A);
    * ``max_drawdown`` the lowest drawdown (≤ 0), ``max_drawdown_length``
      the rows that drawdown spent under water (below its peak: until the
      recovery, or to the last row);
    * ``hit_rate`` the share of closed trades with a positive return,
      ``trades`` the number of closed trades; an open trade at the end is
      counted apart: ``open_trades`` (0 or 1) and ``open_return`` (its
      return marked at the last close, no exit cost);
    * ``turnover`` the positions traded per year, Σ|Δposition|·A/T (an entry
      or an exit counts 1, a reversal 2); ``exposure`` the share of rows with
      a position.

    These are vectorbt's (``Portfolio.from_signals(size=np.inf)``, its
    ``value``, ``returns``, ``annualized_volatility``, ``sharpe_ratio``,
    ``sortino_ratio``); vectorbt's trade return is PnL over the entry value
    without fees, ours times (1 + f).

    Examples
    --------
    >>> import pandas as pd
    >>> from ewmakit.backtest import backtest
    >>> close = pd.Series([10.0, 11.0, 12.0, 11.0, 10.0, 11.0, 12.0],
    ...                   index=pd.date_range("2024-01-01", periods=7), name="XYZ")
    >>> signal = pd.Series([1, 1, 0, 0, 1, 1, 1], index=close.index)
    >>> result = backtest(close, signal)          # traded at the next close
    >>> result.positions.tolist()
    [0, 1, 1, 0, 0, 1, 1]
    >>> result.equity.round(4).tolist()
    [1.0, 1.0, 1.0909, 1.0, 1.0, 1.0, 1.0909]
    >>> result.trades[["direction", "status", "entry_price", "exit_price", "return"]].round(4)
      direction  status  entry_price  exit_price  return
    0      long  closed         11.0        11.0  0.0000
    1      long    open         11.0        12.0  0.0909
    >>> result.stats[["total_return", "trades", "open_trades", "exposure"]].round(4).tolist()
    [0.0909, 1.0, 1.0, 0.5714]
    """
    fee = _fraction("fee", fee)
    slippage = _fraction("slippage", slippage)
    short = check_bool("short", short)
    execute = _check_execute(execute)
    ppy = _check_periods(periods_per_year)
    t = Table(close, "close", by=by)
    if t.values.ndim not in (1, 2):
        raise ValueError(f"close must be 1-D or 2-D (time x series), got {t.values.ndim} dimensions")
    ts = _signal_table(signal, close, t, by)
    c2 = t.values_2d()
    s2 = ts.values_2d()
    options = dict(fee=fee, slippage=slippage, short=short, next_close=execute == "next_close",
                   periods_per_year=ppy)
    if t.keys is None:
        arrays = _run(c2, s2, t, None, options)
        labels = _labels(t)
        trades = _trades(arrays, labels, t, None, "column")
        pos, eq, ret, dd, stats = arrays.positions, arrays.equity, arrays.returns, arrays.drawdown, arrays.stats
    else:
        pos, eq, ret, dd, stats, trades = _run_groups(c2, s2, t, options)
    single = t.keys is None and (t.kind in ("series", "pl_series") or (t.kind == "array" and t.values.ndim == 1))
    if single:
        stats_out = pd.Series(stats[:, 0], index=list(STATS), name=t.series_name)
    else:
        labels = _labels(t) if t.keys is None else _group_labels(t)
        stats_out = pd.DataFrame(stats, index=list(STATS), columns=labels)  # type: ignore[assignment]
    return BacktestResult(_wrap(t, pos), _wrap(t, ret), _wrap(t, eq), _wrap(t, dd), trades, stats_out,
                          close=close, fee=fee, slippage=slippage, short=short, execute=execute,
                          periods_per_year=ppy, by=by)


def _run(c2, s2, t: Table, rows, options):
    """The kernel on ``c2``/``s2``; a bad value raises a ValueError naming its row (``rows``: the table rows of a
    group's rows) and column."""
    try:
        return engine.run_backtest(c2, s2, **options)
    except engine.BadValue as bad:
        row = bad.row if rows is None else int(rows[bad.row])
        value = float((s2 if bad.what == "signal" else c2)[bad.row, bad.column])
        raise ValueError(_bad_message(bad.what, value, t, row, bad.column, options["short"])) from None


def _where(t: Table, row: int, column: int) -> str:
    at = f"row {row}" if t.index is None else f"{t.index[row]!r} (row {row})"
    if t.kind in ("frame", "pl_frame") and len(_columns(t)) > 1 or t.kind == "array" and t.values.ndim == 2 \
            and t.values.shape[1] > 1:
        at += f", column {_labels(t)[column]!r}"
    return at


def _bad_message(what: str, value: float, t: Table, row: int, column: int, short: bool) -> str:
    at = _where(t, row, column)
    if what == "signal":
        if value == -1.0 and not short:
            return (f"signal holds -1 (a short position) at {at}, but short=False: pass short=True to sell "
                    f"short, or (signal > 0).astype(int) for long/flat")
        hint = " (missing signals: fill them, e.g. signal.fillna(0))" if value != value else ""
        allowed = "-1, 0 or 1" if short else "0 or 1 (-1 with short=True)"
        return f"signal must hold target positions {allowed}, got {value!r} at {at}{hint}"
    return (f"close must be > 0 and finite (returns are undefined otherwise; NaN marks a missing price), got "
            f"{value!r} at {at}")


def _labels(t: Table) -> pd.Index:
    """The assets: a DataFrame's value columns, a Series' name, or 0..N−1."""
    if t.kind == "frame":
        cols = t.obj.columns
        chosen = _columns(t)
        if len(chosen) == len(cols):  # every column (the Table keeps their order)
            return cols
        return cols[[cols.get_loc(c) for c in chosen]]
    if t.kind == "pl_frame":
        return pd.Index(_columns(t))
    if t.kind in ("series", "pl_series"):
        return pd.Index([t.series_name])
    return pd.RangeIndex(t.values_2d().shape[1])


def _group_labels(t: Table) -> pd.Index:
    """With ``by``: the group keys (one value column), or (key, column) pairs."""
    keys = _keys(t)
    uniques = list(cast(list, keys.uniques))
    if keys.names is not None and len(keys.names) > 1:
        groups = pd.MultiIndex.from_tuples(uniques, names=list(keys.names))
    else:
        groups = pd.Index(uniques, name=keys.names[0] if keys.names else None, tupleize_cols=False)
    C = t.values_2d().shape[1]
    if C == 1:
        return groups
    cols = _labels(t)
    return pd.MultiIndex.from_tuples([(g, c) for g in groups for c in cols])


def _trades(arrays, labels, t: Table, rows, column_name: str, col_offset: int = 0, group_rows: int | None = None,
            label_of=None) -> pd.DataFrame:
    """The trade records as a DataFrame (``rows``: table rows of a group's rows)."""
    T = arrays.equity.shape[0]
    entry = arrays.entry
    exit_ = arrays.exit
    is_open = exit_ < 0
    duration = np.where(is_open, T - 1, exit_) - entry
    if rows is not None:
        entry = rows[entry]
        exit_ = np.where(is_open, -1, rows[np.where(is_open, 0, exit_)])
    index = t.index
    if index is None:
        entry_date = pd.array(entry, dtype="Int64")
        exit_date = pd.array(np.where(is_open, 0, exit_), dtype="Int64")
        exit_date[is_open] = pd.NA
    else:
        entry_date = index.take(entry)
        exit_date = index.take(np.where(is_open, 0, exit_)).where(~is_open)
    cols = arrays.col
    column = label_of(cols) if label_of is not None else labels.take(cols + col_offset)
    return pd.DataFrame({
        column_name: np.asarray(column, dtype=object) if not isinstance(column, pd.Index) else column,
        "direction": pd.Categorical.from_codes((arrays.side < 0).astype(np.int8),  # type: ignore[call-overload]
                                               categories=["long", "short"]),
        "status": pd.Categorical.from_codes(is_open.astype(np.int8),  # type: ignore[call-overload]
                                            categories=["closed", "open"]),
        "entry_date": entry_date, "entry_price": arrays.entry_price,
        "exit_date": exit_date, "exit_price": arrays.exit_price,
        "return": arrays.ret, "duration": duration.astype(np.int64),
    })


def _run_groups(c2, s2, t: Table, options):
    """One backtest per group of rows; the results on the table's rows, the statistics one column per group."""
    codes = _keys(t).codes
    G = _keys(t).groups
    T, C = c2.shape
    pos = np.zeros((T, C), dtype=np.int8)
    eq, ret, dd = (np.full((T, C), np.nan) for _ in range(3))
    stats = np.empty((len(STATS), G * C))
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes[codes >= 0], minlength=G))])
    labels = _group_labels(t)
    parts = []
    for g in range(G):
        rows = order[bounds[g]:bounds[g + 1]]
        a = _run(c2[rows], s2[rows], t, rows, options)
        pos[rows], eq[rows], ret[rows], dd[rows] = a.positions, a.equity, a.returns, a.drawdown
        stats[:, g * C:(g + 1) * C] = a.stats
        if a.col.size:
            parts.append(_trades(a, labels, t, rows, _key_name(t), col_offset=g * C))
    trades = pd.concat(parts, ignore_index=True) if parts else _no_trades(t, _key_name(t))
    return pos, eq, ret, dd, stats, trades


def _no_trades(t: Table, column_name: str) -> pd.DataFrame:
    """An empty trade list with the columns (and dtypes) of a full one."""
    dates = t.index[:0] if t.index is not None else pd.array([], dtype="Int64")
    return pd.DataFrame({column_name: np.empty(0, dtype=object),
                         "direction": pd.Categorical([], categories=["long", "short"]),
                         "status": pd.Categorical([], categories=["closed", "open"]), "entry_date": dates, "entry_price": np.empty(0),
                         "exit_date": dates, "exit_price": np.empty(0), "return": np.empty(0),
                         "duration": np.empty(0, dtype=np.int64)})


def _key_name(t: Table) -> str:
    names = _keys(t).names
    if names is not None and len(names) == 1 and isinstance(names[0], str) and t.values_2d().shape[1] == 1:
        return names[0]
    return "column" if t.values_2d().shape[1] > 1 else "group"


def _wrap(t: Table, values: np.ndarray):
    """A (T, C) result in close's type; with ``by`` and one value column of a frame, a Series named after it."""
    if t.keys is not None and values.shape[1] == 1 and t.kind in ("frame", "pl_frame"):
        if t.kind == "pl_frame":
            import polars as pl

            return pl.Series(str(_columns(t)[0]), values[:, 0])
        return pd.Series(values[:, 0], index=t.index, name=_columns(t)[0])
    if t.kind == "frame":
        return pd.DataFrame(values, index=t.index, columns=_labels(t), copy=False)
    return t.wrap(values)
