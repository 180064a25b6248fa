"""Compiled summary of what one chunk of rows does to an incoming EWMA state.

Used by :mod:`ewmakit.dask` to carry the EWMA exactly across partitions: each
partition is summarised (in parallel) by :func:`chunk_summary` plus a fresh
run of the real kernel, the summaries are composed in order, and then every
partition is smoothed by the real kernel from the state that reaches it.

No validation and no pandas here, as in :mod:`ewmakit._kernels`. The rules
mirror the kernels' (see that module's docstring): a row decays the weight of
the past by ``d`` if it holds a number or if ``not ignore_na``; an
observation gets weight 1 (``adjust``) or ``1 - d``; without ``adjust`` the
weights are renormalised to sum 1 after every observation.

The decay of row 0 is *not* applied here (it depends on the time of the row
before the chunk, unknown until the summaries are composed): the caller
multiplies it in where row 0 decays the past.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NAN = np.nan
TINY = np.finfo(np.float64).tiny  # the smallest normal float64


@njit(inline="always")
def _flush(v):
    return v if v >= TINY else 0.0


@njit(cache=True, nogil=True)
def chunk_summary(x, decay, timed, beta, adjust, ignore_na, nobs, first, x_first, d_pre, d_all, d_first,
                  d_last, w_last, share):
    """Summarise each column of ``x`` (T, C) for an incoming state that has started.

    Outputs, one entry per column (arrays of length C, written in place):

    ``nobs``
        number of observations (non-NaN rows);
    ``first``
        row of the first observation, -1 if none;
    ``x_first``
        its value (NaN if none);
    ``d_pre``
        product of the decays the incoming weight receives up to and
        including the first observation (all decaying rows if none);
    ``d_all``
        product of the decays of every decaying row: the factor on the
        incoming weight after the whole chunk with ``adjust``, or without
        observations;
    ``d_first``
        decay of the first observation's row (NaN if it is row 0);
    ``d_last``
        product of the decays the incoming weight receives up to and
        including the last observation;
    ``w_last``
        the chunk's own total weight just after its last observation (the
        kernel's ``wt`` of a fresh run at that row; 1.0 without ``adjust``);
    ``share``
        without ``adjust``: the share of the total weight that the first
        observation, seen as a block of weight 1 just after its
        renormalisation, still has just after the last observation (the
        total is 1 there); with ``adjust``: 1.0 (unused).

    Shares and weights are taken at the last observation, not at the end of
    the chunk, so that decays of 0 in a trailing gap (beta = 0) lose nothing.
    Row 0's decay is left out of the products (see the module docstring).
    Products that fall below the smallest normal float are flushed to 0:
    arithmetic on subnormals is ~100 times slower, and a past that small
    weighs nothing next to any observation.
    """
    T, C = x.shape
    for j in range(C):
        nobs[j] = 0
        first[j] = -1
        x_first[j] = NAN
        d_pre[j] = 1.0
        d_all[j] = 1.0
        d_first[j] = NAN
        d_last[j] = 1.0
        w_last[j] = 1.0
        share[j] = 1.0
    wt = np.ones(C)  # the kernel's weight of the past (relative, without adjust) after the first observation
    for i in range(T):
        d_row = decay[i] if timed else beta
        d = 1.0 if i == 0 else d_row
        nw = 1.0 if adjust else 1.0 - d
        for j in range(C):
            v = np.float64(x[i, j])
            obs = v == v
            if not (obs or not ignore_na):
                continue
            d_all[j] = _flush(d_all[j] * d)
            if first[j] < 0:
                d_pre[j] = _flush(d_pre[j] * d)
                if obs:
                    first[j] = i
                    x_first[j] = v
                    if i > 0:
                        d_first[j] = d_row
                    nobs[j] += 1
                    wt[j] = 1.0
                    d_last[j] = d_all[j]
                continue
            ow = wt[j] * d
            if obs:
                nobs[j] += 1
                d_last[j] = d_all[j]
                if adjust:
                    wt[j] = ow + nw
                    w_last[j] = wt[j]
                else:
                    share[j] = _flush(share[j] * (ow / (ow + nw)))
                    wt[j] = 1.0
            else:
                wt[j] = _flush(ow)


@njit(cache=True, nogil=True)
def group_order(codes, n):
    """Rows of each of ``n`` groups, in row order (a stable counting sort).

    Returns ``(order, bounds)``: group ``g`` owns rows ``order[bounds[g]:bounds[g + 1]]``.
    Rows with code -1 (a missing key) are left out.
    """
    bounds = np.zeros(n + 1, dtype=np.int64)
    for i in range(codes.size):
        if codes[i] >= 0:
            bounds[codes[i] + 1] += 1
    for g in range(n):
        bounds[g + 1] += bounds[g]
    fill = bounds[:n].copy()
    order = np.empty(bounds[n], dtype=np.int64)
    for i in range(codes.size):
        c = codes[i]
        if c >= 0:
            order[fill[c]] = i
            fill[c] += 1
    return order, bounds
