"""The fused indicator kernels (RSI, ATR, MACD) behind checks: each reads its prices once."""

from __future__ import annotations

from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike

from .config import config
from .run import Sources, _check_sources, group_codes, row_major
from .state import MeanState

__all__ = ["rsi", "atr", "macd"]


def _finance() -> ModuleType:
    from . import _finance

    return _finance


def rsi(close: np.ndarray, beta: float, state: MeanState, first_row: np.ndarray, *,
        sources: Sources = ()) -> np.ndarray:
    """Wilder's RSI of each column of ``close`` (T, N) float64, gains and losses smoothed with ``beta``.

    ``state`` holds 2N series (the gains' averages, then the losses'),
    ``first_row`` one row per column (gains and losses miss the same rows).
    A ±inf close raises the error of the first of ``sources`` holding one.
    """
    close = row_major(np.asarray(close, dtype=np.float64))
    T, N = close.shape
    state = MeanState(*state).checked(2 * N)
    first_row = np.ascontiguousarray(first_row, dtype=np.int64)
    out = np.empty((T, N))
    if T and N and _finance().rsi(close, out, beta, *state, first_row, config.indicator_parts(N)):
        _check_sources(sources)
    return out


def rsi_groups(close: np.ndarray, codes: ArrayLike, groups: int, n: int, *, sma: bool) -> np.ndarray:
    """Wilder's RSI of each group's rows of ``close`` (T, N), in one pass in row order (``codes``: one group per
    row, -1 for none, whose rows are NaN): each group bit for bit what :func:`rsi` gives on its rows alone, with
    the SMA seed of the first ``n`` changes (``sma``) or from the first change. The closes must be finite."""
    close = np.asarray(close, dtype=np.float64)
    T, N = close.shape
    out = np.empty((T, N))
    from . import _groups

    _groups.rsi_groups(close, out, group_codes(codes, T), int(groups), int(n), bool(sma))
    return out


def atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, beta: float, first_tr: bool, state: MeanState,
        first_row: np.ndarray, *, sources: Sources = ()) -> np.ndarray:
    """Wilder's ATR of each column: the true range smoothed with ``beta``; ``first_tr``: row 0 is H − L."""
    high, low, close = (row_major(np.asarray(a, dtype=np.float64)) for a in (high, low, close))
    if not high.shape == low.shape == close.shape:
        raise ValueError(f"high, low and close must have one shape, got {high.shape}, {low.shape}, {close.shape}")
    T, N = close.shape
    state = MeanState(*state).checked(N)
    first_row = np.ascontiguousarray(first_row, dtype=np.int64)
    out = np.empty((T, N))
    if T and N and _finance().atr(high, low, close, out, beta, first_tr, *state, first_row,
                                  config.indicator_parts(N)):
        _check_sources(sources)
    return out


def macd(close: np.ndarray, betas: ArrayLike, windows: ArrayLike, sma: bool) -> np.ndarray:
    """MACD line, signal and histogram of each column of ``close`` (T, N) side by side in one (T, 3N) block.

    ``betas``/``windows``: of the fast, slow and signal EMAs; ``sma``: each EMA
    starts with the SMA of its first n values (TA-Lib), else at its first
    value. One fused pass; bit for bit the composition of the three EMAs. A
    ±inf on the line (a ±inf close, or an overflow) raises the error smoothing
    the line alone would give ("x ... at position ...").
    """
    close = row_major(np.asarray(close, dtype=np.float64))
    T, N = close.shape
    out = np.empty((T, 3 * N))
    if T and N:
        betas = np.ascontiguousarray(betas, dtype=np.float64)
        windows = np.ascontiguousarray(windows, dtype=np.int64)
        if betas.shape != (3,) or windows.shape != (3,):
            raise ValueError("macd needs three betas and three windows (fast, slow, signal)")
        if _finance().macd(close, out, betas, windows, sma, config.indicator_parts(N)):
            _check_sources(((out[:, :N], "x"),))
    return out
