"""The backtest kernel behind checks: a broker's account per column, its trades and statistics, in one walk."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from .config import config, threads

__all__ = ["STATS", "BacktestArrays", "run_backtest"]

#: the statistics of each column, in the kernel's order
STATS = ("total_return", "annual_return", "annual_volatility", "sharpe", "sortino", "max_drawdown",
         "max_drawdown_length", "hit_rate", "trades", "open_trades", "open_return", "turnover", "exposure")


def _kernels() -> ModuleType:
    from . import _backtest

    return _backtest


@dataclass(frozen=True)
class BacktestArrays:
    """What the kernel gives: (T, N) ``positions`` (int8), ``equity``, ``returns``, ``drawdown``; ``stats``
    (len(STATS), N); the trades in column order, then entry order: ``col``, ``entry``, ``exit`` (row
    numbers; exit -1 for a trade still open), ``side`` (+1 long, −1 short), ``entry_price``,
    ``exit_price`` (the last close for an open trade), ``ret``."""

    positions: np.ndarray
    equity: np.ndarray
    returns: np.ndarray
    drawdown: np.ndarray
    stats: np.ndarray
    col: np.ndarray
    entry: np.ndarray
    exit: np.ndarray
    side: np.ndarray
    entry_price: np.ndarray
    exit_price: np.ndarray
    ret: np.ndarray


class BadValue(ValueError):
    """A bad signal (``what == "signal"``) or price (``"close"``) at ``row``, ``column`` (array positions)."""

    def __init__(self, what: str, row: int, column: int):
        super().__init__(f"bad {what} at row {row}, column {column}")
        self.what, self.row, self.column = what, row, column


def _column_major(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a if a.flags.f_contiguous else np.asfortranarray(a)


def run_backtest(close: np.ndarray, signal: np.ndarray, *, fee: float, slippage: float, short: bool,
                 next_close: bool, periods_per_year: float) -> BacktestArrays:
    """Backtest each column of ``close`` (T, N) on the target positions ``signal`` (T, N).

    The arguments are taken as checked (fee, slippage in [0, 1), periods_per_year > 0); the values are
    checked by the kernel as it walks: a signal other than −1, 0, 1 (−1 without ``short``) or a price
    that is not > 0 and finite (NaN is a missing price) raises :class:`BadValue` for the first such
    cell of the first column range that has one.
    """
    close = _column_major(close)
    signal = _column_major(signal)
    if close.ndim != 2 or signal.shape != close.shape:
        raise ValueError(f"close and signal must be 2-D of one shape, got {close.shape} and {signal.shape}")
    T, N = close.shape
    parts = max(1, min(threads() if N >= config.columns_per_thread * threads() else 1, N, 64))
    bounds = np.array([p * N // parts for p in range(parts + 1)], dtype=np.int64)
    k = _kernels()
    cap = max(16, T * N // 16)  # trades: few per column for most signals; a second run makes room for more
    while True:
        per = cap // parts
        trades = [np.empty(per * parts, dtype=dt) for dt in (np.int64, np.int64, np.int64, np.int8,
                                                              np.float64, np.float64, np.float64)]
        positions = np.empty((T, N), dtype=np.int8, order="F")
        equity, returns, drawdown = (np.empty((T, N), order="F") for _ in range(3))
        stats = np.empty((len(STATS), N))
        counts = np.zeros(parts, dtype=np.int64)
        errors = np.zeros((parts, 3), dtype=np.int64)
        bad = k.backtest(close, signal, float(fee), float(slippage), bool(short), bool(next_close),
                         float(periods_per_year), positions, equity, returns, drawdown, stats, *trades, bounds,
                         counts, errors)
        if bad:
            code, row, column = errors[bad - 1]
            raise BadValue("signal" if code == 1 else "close", int(row), int(column))
        if int(counts.max(initial=0)) <= per:
            break
        cap = int(counts.max()) * parts  # the widest range's trades, for every range
    keep = np.concatenate([np.arange(p * per, p * per + counts[p]) for p in range(parts)]) if parts > 1 else \
        slice(0, int(counts[0]))
    col, entry, exit_, side, entry_price, exit_price, ret = (a[keep] for a in trades)
    return BacktestArrays(positions, equity, returns, drawdown, stats, col, entry, exit_, side, entry_price,
                          exit_price, ret)
