"""Fused MACD: both EMAs of the closes, the line, its signal EMA and the histogram in one pass.

Composed of whole-panel passes, MACD reads and writes the panel five times
(fast EMA, slow EMA, line, signal EMA, histogram) plus the SMA seeding. Here
each thread takes a range of columns, cut into tiles of _COLS columns, and
walks a tile down the rows in blocks of _ROWS, writing line, signal and
histogram straight into the result block (line in columns 0:N, signal in
N:2N, histogram in 2N:3N), which is read or written nowhere else.

A block is computed one of two ways, with the same arithmetic:

* the general way (:func:`_block`): smooth the block of closes twice into
  cache-sized scratch with :func:`ewmakit._kernels._ewm_mean_cols`, the
  kernel every EWMA runs (state carried from block to block, as in
  ``_rsi_cols``), take the line, smooth it the same way, write the three;
* once every column of the tile has all three EMAs running at unit weight
  (past their seeds, no gap pending), row by row in one branch-free loop
  (:func:`_steady_rows`) doing, per value, what ``_ewm_mean_cols`` does then:
  :func:`ewmakit._kernels._mean_update` with the weights (β, 1 − β). The
  states are double-buffered, so a row with a missing value (a NaN line:
  a NaN close makes one) is left to the general way from untouched states.

So the result is the composition's (``ema`` twice, their difference, ``ema``
of it, the difference) bit for bit.

SMA seeds (``sma=True``) are found on the way, as
:func:`ewmakit.finance._sma_seed` defines them: a column's EMA of window n
starts at the row of its n-th observation with the mean of its first n,
their sum taken as ``np.nancumsum`` takes it (row after row from row 0, a
missing value adding +0.0, so even the sign of a zero sum is the same); the
signal EMA likewise on the line. The seed becomes the kernel's start state
with ``first_row`` the row after, and is written at its own row.

``import ewmakit`` does not import this module (numba is loaded on first use).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._kernels import _ewm_mean_cols, _mean_update

NAN = np.nan

_ROWS = 32  # rows per block
_COLS = 512  # columns per tile: a block of each scratch array is 128 KB, the steady states 24 KB

# the three EMAs: index into the state arrays (mean, wt, nobs, first_row: shape (3, N)) and the scratch
_FAST, _SLOW, _SIG = 0, 1, 2
_LINE = 3  # the line's scratch block


@njit(inline="always")
def _seed_scan(x, r0, h, pend, npend, acc, cnt, windows, e1, e2, mean, nobs, first_row, just):
    """Advance the SMA seeds of the columns ``pend[:npend]`` over rows ``r0:r0+h`` (``x`` holds those rows).

    ``acc``/``cnt``: each column's running ``nancumsum`` and count of observations. At the
    ``windows[e]``-th observation, EMA ``e`` (``e1``, then ``e2`` if it is not -1) gets the start state
    (sum/n, weight 1 as it is, n observations) and ``first_row`` the next row; ``just[e, :m[e]]``
    collects (column, row in block, seed) for the caller to write the seed at its row. Returns the
    number of columns still pending (compacted at the front of ``pend``) and m.
    """
    n1 = windows[e1]
    n2 = windows[e2] if e2 >= 0 else 0
    last = max(n1, n2)
    q = 0
    m1 = 0
    m2 = 0
    for p in range(npend):
        j = pend[p]
        s = acc[j]
        c = cnt[j]
        for k in range(h):
            v = x[k, j]
            obs = v == v
            s += v if obs else 0.0
            if obs:
                c += 1
                if c == n1:
                    mean[e1, j], nobs[e1, j], first_row[e1, j] = s / n1, n1, r0 + k + 1
                    just[e1, m1, 0], just[e1, m1, 1], just[e1, m1, 2] = j, k, s / n1
                    m1 += 1
                elif c == n2:
                    mean[e2, j], nobs[e2, j], first_row[e2, j] = s / n2, n2, r0 + k + 1
                    just[e2, m2, 0], just[e2, m2, 1], just[e2, m2, 2] = j, k, s / n2
                    m2 += 1
                if c == last:
                    break
        acc[j] = s
        cnt[j] = c
        if c < last:
            pend[q] = j
            q += 1
    return q, m1, m2


@njit(inline="always")
def _put_seeds(block, just, m):
    """Write the seeds ``just[:m]`` = (column, row in block, seed) into ``block``."""
    for p in range(m):
        block[np.int64(just[p, 1]), np.int64(just[p, 0])] = just[p, 2]


@njit(cache=True, nogil=True, error_model="numpy")
def _block(close, out, r0, h, a, b, betas, windows, mean, wt, nobs, first_row, seeds, scratch, m_row, w_row):
    """Rows ``r0:r0+h`` of columns ``a:b`` the general way (any state; seeds, gaps, first rows).

    ``seeds`` = (pend, acc, cnt, just, npend): the SMA seeds still being summed (``npend[0]`` columns
    of the closes, ``npend[1]`` of the line; none with ``seed="first"``). Returns the number of ±inf
    values the signal EMA met on the line.
    """
    N = close.shape[1]
    w = b - a
    pend, acc, cnt, just, npend = seeds
    no_decay = np.ones(1)
    xb = close[r0:r0 + h]
    m = np.zeros(3, np.int64)  # seeds found in this block, per EMA
    if npend[0]:
        npend[0], m[_FAST], m[_SLOW] = _seed_scan(xb, r0, h, pend[0], npend[0], acc[0], cnt[0], windows, _FAST,
                                                  _SLOW, mean, nobs, first_row, just)
    for e in (_FAST, _SLOW):
        _ewm_mean_cols(xb, scratch[e, :h], betas[e], no_decay, False, False, False, 1, mean[e], wt[e], nobs[e],
                       first_row[e], a, b, m_row, w_row, r0)
        _put_seeds(scratch[e], just[e], m[e])
    for k in range(h):
        line, fast, slow = scratch[_LINE, k, a:b], scratch[_FAST, k, a:b], scratch[_SLOW, k, a:b]
        for j in range(w):
            line[j] = fast[j] - slow[j]
    lb = scratch[_LINE, :h]
    if npend[1]:
        npend[1], m[_SIG], _ = _seed_scan(lb, r0, h, pend[1], npend[1], acc[1], cnt[1], windows, _SIG, -1, mean,
                                          nobs, first_row, just)
    ninf = _ewm_mean_cols(lb, scratch[_SIG, :h], betas[_SIG], no_decay, False, False, False, 1, mean[_SIG],
                          wt[_SIG], nobs[_SIG], first_row[_SIG], a, b, m_row, w_row, r0)
    _put_seeds(scratch[_SIG], just[_SIG], m[_SIG])
    for k in range(h):
        i = r0 + k
        line, sig = scratch[_LINE, k, a:b], scratch[_SIG, k, a:b]
        lo, so, ho = out[i, a:b], out[i, N + a:N + b], out[i, 2 * N + a:2 * N + b]
        for j in range(w):
            v = line[j]
            g = sig[j]
            lo[j] = v
            so[j] = g
            ho[j] = v - g
    return ninf


@njit(inline="always")
def _steady(wt, nobs, first_row, a, b, r0):
    """Whether every column of ``a:b`` has its three EMAs running at unit weight from row r0 on."""
    for e in range(3):
        for j in range(a, b):
            if nobs[e, j] == 0 or first_row[e, j] > r0 or wt[e, j] != 1.0:
                return False
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def _steady_rows(close, out, r0, h, a, b, betas, mean, nobs, alt):
    """Rows ``r0:r0+h`` of columns ``a:b`` in one loop, every EMA at unit weight (see :func:`_steady`).

    Each value takes :func:`_mean_update` with weights (β, 1 − β), as ``_ewm_mean_cols`` (and
    ``_step``) do for an observation at unit weight. New states go to the other buffer (``alt``),
    so at the first row with a NaN line (a NaN close, or ±inf − ±inf) nothing of it is kept. Returns
    the number of rows done (the rest is for :func:`_block`) and of ±inf values on their line.
    """
    N = close.shape[1]
    w = b - a
    of, os_, og = 1.0 * betas[_FAST], 1.0 * betas[_SLOW], 1.0 * betas[_SIG]
    nf, ns, ng = 1.0 - betas[_FAST], 1.0 - betas[_SLOW], 1.0 - betas[_SIG]
    sf, ss, sg = mean[_FAST, a:b], mean[_SLOW, a:b], mean[_SIG, a:b]
    df, ds, dg = alt[_FAST, a:b], alt[_SLOW, a:b], alt[_SIG, a:b]
    ninf = 0
    k = 0
    while k < h:
        i = r0 + k
        xr = close[i, a:b]
        lo, so, ho = out[i, a:b], out[i, N + a:N + b], out[i, 2 * N + a:2 * N + b]
        bad = 0
        infs = 0
        for j in range(w):
            cur = xr[j]
            f = _mean_update(sf[j], cur, of, nf)
            s = _mean_update(ss[j], cur, os_, ns)
            line = f - s
            g = _mean_update(sg[j], line, og, ng)
            bad += line != line
            infs += abs(line) == np.inf
            df[j] = f
            ds[j] = s
            dg[j] = g
            lo[j] = line
            so[j] = g
            ho[j] = line - g
        if bad:
            break
        ninf += infs
        sf, df = df, sf
        ss, ds = ds, ss
        sg, dg = dg, sg
        k += 1
    if k % 2:  # the states are in alt
        for e in range(3):
            mean[e, a:b] = alt[e, a:b]
    for e in range(3):
        for j in range(a, b):
            nobs[e, j] += k
    return k, ninf


@njit(cache=True, nogil=True, error_model="numpy")
def _macd_cols(close, out, betas, windows, sma, c0, c1):
    """MACD of columns ``c0:c1`` of ``close`` (T, N) into ``out`` (T, 3N): line, signal, histogram.

    Returns the number of ±inf values the signal EMA met on the line.
    """
    T, N = close.shape
    # state of the three EMAs (only columns c0:c1 are used; _ewm_mean_cols indexes them by column)
    mean, wt = np.empty((3, N)), np.empty((3, N))
    nobs, first_row = np.empty((3, N), np.int64), np.empty((3, N), np.int64)
    alt = np.empty((3, N))
    # SMA seeds being summed: [0] on the closes (fast and slow), [1] on the line (signal)
    pend, acc, cnt = np.empty((2, _COLS), np.int64), np.empty((2, N)), np.empty((2, N), np.int64)
    just, npend = np.empty((3, _COLS, 3)), np.zeros(2, np.int64)
    seeds = (pend, acc, cnt, just, npend)
    scratch = np.empty((4, _ROWS, N))
    m_row, w_row = np.empty(N), np.empty(N)
    ninf = 0
    for a in range(c0, c1, _COLS):
        b = min(c1, a + _COLS)
        for j in range(a, b):
            for e in range(3):  # sma: skip every row until the seed sets the state; else start at the first value
                mean[e, j], wt[e, j], nobs[e, j], first_row[e, j] = (0.0, 1.0, 0, T + 1) if sma else (NAN, 1.0, 0, 0)
            for q in range(2):
                acc[q, j], cnt[q, j] = -0.0, 0  # -0.0 + x is x, bit for bit (as nancumsum's first row)
                pend[q, j - a] = j
        npend[:] = b - a if sma else 0
        for r0 in range(0, T, _ROWS):
            h = min(T, r0 + _ROWS) - r0
            done = 0
            if _steady(wt, nobs, first_row, a, b, r0):
                done, infs = _steady_rows(close, out, r0, h, a, b, betas, mean, nobs, alt)
                ninf += infs
            if done < h:
                ninf += _block(close, out, r0 + done, h - done, a, b, betas, windows, mean, wt, nobs, first_row,
                               seeds, scratch, m_row, w_row)
    return ninf


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def macd_panel(close, out, betas, windows, sma, parts):
    """MACD of every column of ``close`` (T, N, C-contiguous float64) into ``out`` (T, 3N, C-contiguous).

    Columns ``0:N`` of ``out`` get the line, ``N:2N`` the signal, ``2N:3N`` the histogram.
    ``windows`` (int64) and ``betas`` (float64) are the fast, slow and signal windows and decays;
    ``sma``: each EMA starts with the SMA of its first n values (else at its first value). ``parts``
    column ranges in parallel. Returns the number of ±inf values met on the line (the caller raises,
    as smoothing the line alone would).
    """
    N = close.shape[1]
    ninf = 0
    for p in prange(parts):
        ninf += _macd_cols(close, out, betas, windows, sma, p * N // parts, (p + 1) * N // parts)
    return ninf
