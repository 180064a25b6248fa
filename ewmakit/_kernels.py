"""Compiled EWMA loops. No validation and no pandas here: callers trust-check.

Every kernel works on a 2-D ``(T, N)`` array, time along axis 0 and ``N``
independent series along axis 1 (the inner loop, contiguous for C arrays), and
carries its state in small per-series arrays that it reads at the start and
writes back at the end. Starting from a fresh state gives the batch result;
starting from the state another call left gives the continuation, which is how
the streaming :class:`ewmakit.EWMA` (and the scale-out over partitions) stay
identical to the batch result for any chunking.

The recurrences are pandas' (``pandas/_libs/window/aggregations.pyx``,
``ewm`` and ``ewmcov``), generalised to a start value (``init``) and to a
per-row decay (irregular ``times``):

* state before the first observation: ``nobs == 0``; ``mean`` holds the start
  value ``v_{-1}`` for ``init=<value>`` or NaN for ``init="first"``;
* at a row with decay ``d`` (β, or 0.5**(Δt/h) with times): the weight of the
  past is multiplied by ``d`` unless the row is NaN and ``ignore_na``;
* an observation gets weight ``1`` (``adjust``) or ``1 − d``; the new value is
  the weighted mean of the past value and the observation;
* without ``adjust`` the weights are renormalised to 1 after each observation,
  so after a gap of k NaN rows the past keeps weight d**(k+1) against 1 − d
  (pandas' "renormalised weights").

State arrays (float64 unless noted), one entry per series:

``ewm_mean``: ``mean``, ``wt`` (weight of the past), ``nobs`` (int64).
``ewm_cov``: ``mean_x``, ``mean_y``, ``cov``, ``sum_wt``, ``sum_wt2``, ``old_wt``,
``nobs`` (int64).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

NAN = np.nan


@njit(inline="always")
def _mean_update(m, x, old_weight, new_weight):
    """The weighted mean of the past ``m`` and ``x``: m·old/(old+new) + x·new/(old+new).

    pandas computes (old·m + new·x)/(old + new); this form differs by an ulp or
    two but, with constant weights, leaves one multiply and one add on the
    dependency chain (the coefficients are loop-invariant). Exactly ``m`` when
    x == m, so that a constant series stays exactly constant (pandas skips the
    update then), and exactly ``x`` when old == 0 (β = 0).
    """
    inv = 1.0 / (old_weight + new_weight)
    return m if m == x else m * (old_weight * inv) + x * (new_weight * inv)


@njit(inline="always")
def _step(m, w, n, cur, d, nw, adjust, ignore_na):
    """One row of one series with pandas' rules for missing values: (mean, weight, nobs) -> new ones.

    ``d`` is the row's decay and ``nw`` the weight of a new observation
    (1 with ``adjust``, else 1 − d).
    """
    obs = cur == cur
    if n > 0:
        if obs or not ignore_na:
            ow = w * d
            if obs:
                m = _mean_update(m, cur, ow, nw)
                w = ow + nw if adjust else 1.0
            else:
                w = ow
    elif obs:
        if not adjust and m == m:  # a start value v_{-1} = m with weight 1
            m = _mean_update(m, cur, 1.0 * d, nw)
        else:  # start at the first observation
            m = cur
        w = 1.0
    if obs:
        n += 1
    return m, w, n


@njit(cache=True, nogil=True, error_model="numpy")
def steady_weight(beta, adjust):
    """The weight of the past a clean series settles at, bit for bit, or NaN if it does not settle.

    Without ``adjust`` it is 1 after every observation. With ``adjust`` it is
    the fixed point of w ← w·β + 1 as :func:`_step` computes it, reached from
    below (as every series reaches it: from 1 at its first observation, or
    from below after a gap); for β so close to 1 that this takes more than
    2**22 steps, NaN (the fast paths are then never taken).
    """
    if not adjust:
        return 1.0
    w = 1.0
    for _ in range(1 << 22):
        nxt = w * beta + 1.0
        if nxt == w:
            return w
        w = nxt
    return NAN


@njit(inline="always")
def _steady_coefs(beta, adjust, w_star):
    """The coefficients :func:`_mean_update` computes for a past of weight ``w_star`` and constant β."""
    ow = w_star * beta
    nw = 1.0 if adjust else 1.0 - beta
    inv = 1.0 / (ow + nw)
    return ow * inv, nw * inv


@njit(inline="always")
def _finite(v):
    return abs(v) < np.inf


@njit(inline="always")
def _series_step(m, w, n, cur, d, nw, adjust, ignore_na, fast, w_star, c_old, c_new):
    """:func:`_step`, with the common case (an observation at the steady weight ``w_star``, constant β) first.

    That case costs one multiply and one add on the chain and is
    bit-identical to :func:`_step` (``c_old``, ``c_new`` from :func:`_steady_coefs`).
    """
    if fast & (n > 0) & (cur == cur) & (w == w_star):
        m = m if m == cur else m * c_old + cur * c_new
        n += 1
    else:
        m, w, n = _step(m, w, n, cur, d, nw, adjust, ignore_na)
    return m, w, n


@njit(inline="always")
def _series_row(m, w, n, first, i, v, d, nw, adjust, ignore_na, fast, w_star, c_old, c_new, minp):
    """Row ``i`` of a series that begins at row ``first``: the new state and the value written (NaN before)."""
    if i < first:
        return m, w, n, NAN
    m, w, n = _series_step(m, w, n, np.float64(v), d, nw, adjust, ignore_na, fast, w_star, c_old, c_new)
    return m, w, n, (m if n >= minp else NAN)


@njit(cache=True, nogil=True, error_model="numpy")
def _ewm_mean_1col(x, out, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, w_star):
    """One series: :func:`_series_step` row after row, with the state in registers."""
    ninf = 0
    m, w, n = mean[0], wt[0], nobs[0]
    nw = 1.0 if adjust else 1.0 - beta
    c_old, c_new = _steady_coefs(beta, adjust, w_star)
    fast = not timed and w_star == w_star
    d = beta
    for i in range(x.shape[0]):
        if i < first_row[0]:
            out[i, 0] = NAN
            continue
        cur = np.float64(x[i, 0])
        ninf += abs(cur) == np.inf
        if timed:
            d = decay[i]
            nw = 1.0 if adjust else 1.0 - d
        m, w, n = _series_step(m, w, n, cur, d, nw, adjust, ignore_na, fast, w_star, c_old, c_new)
        out[i, 0] = m if n >= minp else NAN
    mean[0], wt[0], nobs[0] = m, w, n
    return ninf


@njit(cache=True, nogil=True, error_model="numpy")
def _ewm_mean_series(xt, outt, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, w_star,
                     r0, r1):
    """The EWMA of series ``r0:r1`` of ``xt`` (N, T), each series contiguous (a column-major panel, transposed).

    Four series are walked side by side so that their dependency chains
    overlap; each is exactly :func:`_ewm_mean_1col`'s loop.
    """
    T = xt.shape[1]
    ninf = 0
    nw = 1.0 if adjust else 1.0 - beta
    c_old, c_new = _steady_coefs(beta, adjust, w_star)
    fast = not timed and w_star == w_star
    d = beta
    k = r0
    while k + 4 <= r1:
        a, b, c, e = xt[k], xt[k + 1], xt[k + 2], xt[k + 3]
        oa, ob, oc, oe = outt[k], outt[k + 1], outt[k + 2], outt[k + 3]
        ma, wa, na, fa = mean[k], wt[k], nobs[k], first_row[k]
        mb, wb, nb, fb = mean[k + 1], wt[k + 1], nobs[k + 1], first_row[k + 1]
        mc, wc, nc, fc = mean[k + 2], wt[k + 2], nobs[k + 2], first_row[k + 2]
        me, we, ne, fe = mean[k + 3], wt[k + 3], nobs[k + 3], first_row[k + 3]
        lo = min(T, max(max(fa, fb), max(fc, fe)))
        for i in range(lo):  # some series not begun: rows before first_row are NaN
            if timed:
                d = decay[i]
                nw = 1.0 if adjust else 1.0 - d
            ma, wa, na, oa[i] = _series_row(ma, wa, na, fa, i, a[i], d, nw, adjust, ignore_na, fast, w_star, c_old,
                                            c_new, minp)
            mb, wb, nb, ob[i] = _series_row(mb, wb, nb, fb, i, b[i], d, nw, adjust, ignore_na, fast, w_star, c_old,
                                            c_new, minp)
            mc, wc, nc, oc[i] = _series_row(mc, wc, nc, fc, i, c[i], d, nw, adjust, ignore_na, fast, w_star, c_old,
                                            c_new, minp)
            me, we, ne, oe[i] = _series_row(me, we, ne, fe, i, e[i], d, nw, adjust, ignore_na, fast, w_star, c_old,
                                            c_new, minp)
        for i in range(lo, T):
            if timed:
                d = decay[i]
                nw = 1.0 if adjust else 1.0 - d
            ma, wa, na = _series_step(ma, wa, na, np.float64(a[i]), d, nw, adjust, ignore_na, fast, w_star,
                                      c_old, c_new)
            oa[i] = ma if na >= minp else NAN
            mb, wb, nb = _series_step(mb, wb, nb, np.float64(b[i]), d, nw, adjust, ignore_na, fast, w_star,
                                      c_old, c_new)
            ob[i] = mb if nb >= minp else NAN
            mc, wc, nc = _series_step(mc, wc, nc, np.float64(c[i]), d, nw, adjust, ignore_na, fast, w_star,
                                      c_old, c_new)
            oc[i] = mc if nc >= minp else NAN
            me, we, ne = _series_step(me, we, ne, np.float64(e[i]), d, nw, adjust, ignore_na, fast, w_star,
                                      c_old, c_new)
            oe[i] = me if ne >= minp else NAN
        # an inf leaves a started series at ±inf or NaN for good: one check at the end (a false alarm only costs
        # the caller a search)
        ninf += (na > 0 and not _finite(ma)) + (nb > 0 and not _finite(mb))
        ninf += (nc > 0 and not _finite(mc)) + (ne > 0 and not _finite(me))
        mean[k], wt[k], nobs[k] = ma, wa, na
        mean[k + 1], wt[k + 1], nobs[k + 1] = mb, wb, nb
        mean[k + 2], wt[k + 2], nobs[k + 2] = mc, wc, nc
        mean[k + 3], wt[k + 3], nobs[k + 3] = me, we, ne
        k += 4
    for j in range(k, r1):
        ninf += _ewm_mean_1col(xt[j:j + 1].T, outt[j:j + 1].T, beta, decay, timed, adjust, ignore_na, minp,
                               mean[j:j + 1], wt[j:j + 1], nobs[j:j + 1], first_row[j:j + 1], w_star)
    return ninf


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def ewm_mean_series(xt, outt, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, w_star, parts):
    """:func:`ewm_mean` of a column-major panel given transposed, ``xt`` (N, T): ``parts`` ranges of series in parallel.

    Bit-identical to :func:`ewm_mean` on the (T, N) panel. Returns the number of ±inf values met.
    """
    N = xt.shape[0]
    groups = N // 4  # each part takes whole groups of four series; the last also the rest
    ninf = 0
    for p in prange(parts):
        hi = N if p == parts - 1 else 4 * ((p + 1) * groups // parts)
        ninf += _ewm_mean_series(xt, outt, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row,
                                 w_star, 4 * (p * groups // parts), hi)
    return ninf


@njit(cache=True, nogil=True, error_model="numpy")
def _ewm_mean_cols(x, out, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, c0, c1,
                   m_row, w_row, i0):
    """The EWMA of columns ``c0:c1`` (see :func:`ewm_mean`); ``m_row``/``w_row`` are float64 scratch rows.

    ``x`` may be a block of rows of a longer series starting at row ``i0``
    (for ``decay`` and ``first_row``), the state carrying over between blocks:
    fused loops (the finance indicators) feed it cache-sized row blocks.

    Two paths compute the same update, :func:`_mean_update`, bit for bit. Once
    every column has started, is past its ``first_row`` and (without adjust)
    has unit weight, each row is first computed optimistically by a
    branch-free loop that the compiler turns into SIMD code, into scratch
    rows (or, for a float64 output, straight into the output row), counting
    NaNs on the way; if there were none the row is committed, otherwise it is
    computed again by the general path with pandas' rules for missing
    values, from the untouched state. So the result does not depend
    on the layout (1-D, 2-D, column ranges) nor on the chunking of a stream.

    Returns the number of ±inf values met (they are not valid data; the
    caller raises), so no separate pass over the input is needed to check it.
    """
    T = x.shape[0]
    w = c1 - c0
    # 1-D views indexed from 0: loops over range(c0, c1) would not be vectorised
    ms, wts, ns, frs, mr, wr = mean[c0:c1], wt[c0:c1], nobs[c0:c1], first_row[c0:c1], m_row[c0:c1], w_row[c0:c1]
    ninf = 0
    ready = False  # every column has started, is past first_row and (without adjust) has unit weight
    min_nobs = 0  # the smallest nobs of the columns when ready (before `pend`)
    pend = 0  # rows committed by the fast path and not yet added to nobs[c0:c1]
    direct = out.itemsize == 8  # float64 output: the fast path writes straight into it, then reads it back
    for i in range(T):
        d = decay[i + i0] if timed else beta
        nw_adj = 1.0 if adjust else 1.0 - d
        xr, orow = x[i, c0:c1], out[i, c0:c1]
        if not ready:
            ready = w > 0
            min_nobs = ns[0] if w > 0 else 0
            for j in range(w):
                if ns[j] == 0 or i + i0 < frs[j] or (not adjust and wts[j] != 1.0):
                    ready = False
                min_nobs = min(min_nobs, ns[j])
        if ready:
            bad = 0
            infs = 0
            show = min_nobs + pend + 1 >= minp  # every column has min_periods; else decide per column
            into_out = direct and show and not adjust
            if adjust:
                for j in range(w):
                    cur = np.float64(xr[j])
                    bad += cur != cur
                    infs += abs(cur) == np.inf
                    ow = wts[j] * d
                    mr[j] = _mean_update(ms[j], cur, ow, 1.0)
                    wr[j] = ow + 1.0
            elif into_out:
                ow = 1.0 * d  # unit weight, decayed
                for j in range(w):
                    cur = np.float64(xr[j])
                    bad += cur != cur
                    infs += abs(cur) == np.inf
                    orow[j] = _mean_update(ms[j], cur, ow, nw_adj)
            else:
                ow = 1.0 * d
                for j in range(w):
                    cur = np.float64(xr[j])
                    bad += cur != cur
                    infs += abs(cur) == np.inf
                    mr[j] = _mean_update(ms[j], cur, ow, nw_adj)
            if bad == 0:
                ninf += infs
                if into_out:
                    for j in range(w):
                        ms[j] = orow[j]
                else:
                    for j in range(w):
                        m = mr[j]
                        ms[j] = m
                        orow[j] = m if show or ns[j] + pend + 1 >= minp else NAN
                if adjust:
                    for j in range(w):
                        wts[j] = wr[j]
                pend += 1
                continue
        if pend:
            for j in range(w):
                ns[j] += pend
            min_nobs += pend
            pend = 0
        for j in range(w):
            if i + i0 < frs[j]:
                orow[j] = NAN
                continue
            cur = np.float64(xr[j])
            ninf += abs(cur) == np.inf
            m, wj, n = _step(ms[j], wts[j], ns[j], cur, d, nw_adj, adjust, ignore_na)
            ms[j], wts[j], ns[j] = m, wj, n
            orow[j] = m if n >= minp else NAN
        if ready:  # a row with NaN: still ready unless a weight is pending now
            for j in range(w):
                if not adjust and wts[j] != 1.0:
                    ready = False
            min_nobs = ns[0]
            for j in range(w):
                min_nobs = min(min_nobs, ns[j])
    if pend:
        for j in range(w):
            ns[j] += pend
    return ninf


@njit(cache=True, nogil=True, error_model="numpy")
def ewm_mean(x, out, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, w_star):
    """Exponentially weighted mean of each column of ``x`` into ``out``.

    ``decay[i]`` (used when ``timed``) is the decay of row ``i``;
    ``minp >= 1``. Rows ``i < first_row[j]`` of column ``j`` are skipped
    (NaN out, state untouched): with a state that has already started, this
    seeds column ``j`` with a value known at row ``first_row[j] - 1`` (the
    SMA seed of TA-Lib's EMA, Wilder's first average). Rows are swept in
    order, all columns at a time, so memory is read as one stream. Returns
    the number of ±inf values met. ``w_star``: :func:`steady_weight`.
    """
    N = x.shape[1]
    if N == 1:
        return _ewm_mean_1col(x, out, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row,
                              w_star)
    return _ewm_mean_cols(x, out, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, 0, N,
                          np.empty(N), np.empty(N), 0)


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def ewm_mean_parallel(x, out, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, parts):
    """:func:`ewm_mean` with the columns cut into ``parts`` contiguous ranges, one per thread (same result)."""
    N = x.shape[1]
    m_row = np.empty(N)
    w_row = np.empty(N)
    ninf = 0
    for p in prange(parts):
        c0 = p * N // parts
        c1 = (p + 1) * N // parts
        ninf += _ewm_mean_cols(x, out, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row,
                               c0, c1, m_row, w_row, 0)
    return ninf


# --------------------------------------------------------------------------- one long series
#
# A single series is one dependency chain (a multiply and an add per row), so
# a plain loop runs at the latency of that chain, not at memory speed. The
# series is cut into _LANES blocks per thread, walked side by side so their
# chains overlap, each from a guessed start state. Then each block is walked
# again from the true state at its start (the end of the block before) until
# the true state and the block's guessed run agree exactly: the two runs then
# do the same operations on the same numbers, so everything after is already
# right. An EWMA forgets its start geometrically, so they agree after a few
# hundred rows (≈ 37/(1 − β) at most for double precision); a block that never
# agrees is simply walked to its end. The result is the plain loop's, bit for bit.

_LANES = 4
_CHUNK = 256  # rows whose decays a timed walk gathers at a time


@njit(inline="always")
def _lane(m, w, q, cur, d, nw, adjust, ignore_na, fast, w_star, c_old, c_new):
    """One row of a started series: (mean, weight, NaN rows so far) -> new ones, as :func:`_step`."""
    if fast & (cur == cur) & (w == w_star):
        m = m if m == cur else m * c_old + cur * c_new
    elif (not fast) & (not adjust) & (cur == cur) & (w == 1.0):  # a decay per row, unit weight: as _step
        m = _mean_update(m, cur, 1.0 * d, nw)
    else:
        q += cur != cur
        m, w, _ = _step(m, w, 1, cur, d, nw, adjust, ignore_na)
    return m, w, q


@njit(inline="always")
def _guess(x, s, w_star):
    """A start state for the block at ``s``: its first value (0 if NaN) at the steady weight (1 if none)."""
    c = np.float64(x[s])
    return (c if c == c else 0.0), (w_star if w_star == w_star else 1.0)


@njit(cache=True, nogil=True, error_model="numpy")
def _lanes(x, out, beta, decay, timed, adjust, ignore_na, w_star, s0, size, st, stamps, unit_ns, neg_scale):
    """Walk the _LANES blocks ``s0 + k·size`` side by side from guessed states.

    ``st[k]`` gets (guessed mean, guessed weight, end mean, end weight, NaN
    rows, bad steps). With a decay per row (``timed``) the rows go by chunks
    of _CHUNK whose decays are first gathered into a small buffer: read from
    ``decay``, or, with non-empty int64 ``stamps``, computed from them (no
    decay array written and read back; see :func:`stamp_decays`).
    """
    fast = not timed and w_star == w_star
    c_old, c_new = _steady_coefs(beta, adjust, w_star)
    nw = 1.0 if adjust else 1.0 - beta
    s1, s2, s3 = s0 + size, s0 + 2 * size, s0 + 3 * size
    m0, w0 = _guess(x, s0, w_star)
    m1, w1 = _guess(x, s1, w_star)
    m2, w2 = _guess(x, s2, w_star)
    m3, w3 = _guess(x, s3, w_star)
    st[0, 0], st[0, 1], st[1, 0], st[1, 1] = m0, w0, m1, w1
    st[2, 0], st[2, 1], st[3, 0], st[3, 1] = m2, w2, m3, w3
    q0 = q1 = q2 = q3 = 0
    bad = 0
    if timed:  # a decay per row: two loops, so that neither tests `timed` per row
        stamped = stamps.size > 0
        keys = np.full(259, -1, dtype=np.int64)
        vals = np.empty(259)
        db = np.empty((_LANES, _CHUNK))
        for c0 in range(0, size, _CHUNK):
            h = min(size, c0 + _CHUNK) - c0
            for k in range(_LANES):
                if stamped:
                    bad += _fill_decays(stamps, s0 + k * size + c0, h, unit_ns, neg_scale, keys, vals, db[k])
                else:
                    db[k, :h] = decay[s0 + k * size + c0:s0 + k * size + c0 + h]
            for r in range(h):
                i = c0 + r
                d0, d1, d2, d3 = db[0, r], db[1, r], db[2, r], db[3, r]
                m0, w0, q0 = _lane(m0, w0, q0, np.float64(x[s0 + i]), d0, 1.0 if adjust else 1.0 - d0,
                                   adjust, ignore_na, False, w_star, c_old, c_new)
                out[s0 + i] = m0
                m1, w1, q1 = _lane(m1, w1, q1, np.float64(x[s1 + i]), d1, 1.0 if adjust else 1.0 - d1,
                                   adjust, ignore_na, False, w_star, c_old, c_new)
                out[s1 + i] = m1
                m2, w2, q2 = _lane(m2, w2, q2, np.float64(x[s2 + i]), d2, 1.0 if adjust else 1.0 - d2,
                                   adjust, ignore_na, False, w_star, c_old, c_new)
                out[s2 + i] = m2
                m3, w3, q3 = _lane(m3, w3, q3, np.float64(x[s3 + i]), d3, 1.0 if adjust else 1.0 - d3,
                                   adjust, ignore_na, False, w_star, c_old, c_new)
                out[s3 + i] = m3
    else:
        for i in range(size):
            m0, w0, q0 = _lane(m0, w0, q0, np.float64(x[s0 + i]), beta, nw, adjust, ignore_na, fast, w_star,
                               c_old, c_new)
            out[s0 + i] = m0
            m1, w1, q1 = _lane(m1, w1, q1, np.float64(x[s1 + i]), beta, nw, adjust, ignore_na, fast, w_star,
                               c_old, c_new)
            out[s1 + i] = m1
            m2, w2, q2 = _lane(m2, w2, q2, np.float64(x[s2 + i]), beta, nw, adjust, ignore_na, fast, w_star,
                               c_old, c_new)
            out[s2 + i] = m2
            m3, w3, q3 = _lane(m3, w3, q3, np.float64(x[s3 + i]), beta, nw, adjust, ignore_na, fast, w_star,
                               c_old, c_new)
            out[s3 + i] = m3
    st[0, 2], st[0, 3], st[1, 2], st[1, 3] = m0, w0, m1, w1
    st[2, 2], st[2, 3], st[3, 2], st[3, 3] = m2, w2, m3, w3
    st[0, 4], st[1, 4], st[2, 4], st[3, 4] = q0, q1, q2, q3
    st[0, 5] = bad


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def ewm_mean_1d(x2, out2, beta, decay, timed, adjust, ignore_na, minp, mean, wt, nobs, first_row, w_star, parts,
                stamps, unit_ns, neg_scale):
    """:func:`ewm_mean` of one long series (``x2`` of shape (T, 1), C-contiguous), bit for bit.

    ``parts`` threads walk _LANES blocks each (see the comment above
    :func:`_lane`). With ``timed`` and non-empty int64 ``stamps`` (then
    ``first_row`` must be 0), the decays are computed from the stamps on the
    way, as :func:`stamp_decays` does. Returns (a positive number if any ±inf
    was met or a result overflowed, the number of steps that go back in time
    or hit a NaT; a NaT at row 0 is not looked for).
    """
    f = first_row[0]
    x = x2.reshape(x2.shape[0])[f:]
    out = out2.reshape(out2.shape[0])[f:]
    dec = decay[f:] if timed else decay
    T = x.shape[0]
    nb = _LANES * parts
    size = T // nb
    if size == 0:  # too short to cut: all of it is the tail
        nb = 0
    stamped = timed and stamps.size > 0
    st = np.zeros((nb, 6))
    if nb:
        for p in prange(parts):
            _lanes(x, out, beta, dec, timed, adjust, ignore_na, w_star, p * _LANES * size, size,
                   st[p * _LANES:(p + 1) * _LANES], stamps, unit_ns, neg_scale)
    bad_stamps = 0
    for k in range(nb):
        bad_stamps += np.int64(st[k, 5])
    fast = not timed and w_star == w_star
    c_old, c_new = _steady_coefs(beta, adjust, w_star)
    nw_const = 1.0 if adjust else 1.0 - beta
    m, w, n = mean[0], wt[0], nobs[0]
    bad = 0
    for k in range(nb):
        lm, lw, q = st[k, 0], st[k, 1], 0
        n_start = n
        merged = False
        for i in range(k * size, (k + 1) * size):
            cur = np.float64(x[i])
            d = (_stamp_decay(stamps, i, unit_ns, neg_scale) if stamped else dec[i]) if timed else beta
            nw = (1.0 if adjust else 1.0 - d) if timed else nw_const
            m, w, n = _step(m, w, n, cur, d, nw, adjust, ignore_na)
            lm, lw, q = _lane(lm, lw, q, cur, d, nw, adjust, ignore_na, fast, w_star, c_old, c_new)
            if m == lm and w == lw and n > 0 and n >= minp:
                merged = True  # out[i:] of the block is already right
                break
            out[i] = m if n >= minp else NAN
        bad += n > 0 and not _finite(m)
        if merged:
            m, w = st[k, 2], st[k, 3]
            bad += not _finite(m)
        n = n_start + size - np.int64(st[k, 4])
    for i in range(nb * size, T):
        cur = np.float64(x[i])
        bad += abs(cur) == np.inf
        if stamped and i > 0:
            bad_stamps += stamps[i] - stamps[i - 1] < 0
        d = (_stamp_decay(stamps, i, unit_ns, neg_scale) if stamped else dec[i]) if timed else beta
        nw = (1.0 if adjust else 1.0 - d) if timed else nw_const
        m, w, n = _step(m, w, n, cur, d, nw, adjust, ignore_na)
        out[i] = m if n >= minp else NAN
    mean[0], wt[0], nobs[0] = m, w, n
    out2[:f, 0] = NAN
    return bad, bad_stamps


@njit(inline="always")
def _comoment(cx, cy, ow, nw, mx, my, c, same):
    """West's update of the weighted means and co-moment with a new pair (cx, cy) of weight ``nw``.

    ``ow`` is the (decayed) weight of the past; pandas' arithmetic exactly.
    ``same``: x is y (a variance), so the y mean is the x mean.
    Returns the new (mean_x, mean_y, cov).
    """
    tw = ow + nw
    if tw == 1.0:  # v / 1.0 == v exactly: the usual case (no adjust, β >= 0.5) needs no division
        nmx = mx if mx == cx else ow * mx + nw * cx
        if same:
            nmy = nmx
        else:
            nmy = my if my == cy else ow * my + nw * cy
        nc = ow * (c + (mx - nmx) * (my - nmy)) + nw * ((cx - nmx) * (cy - nmy))
        return nmx, nmy, nc
    nmx = mx if mx == cx else (ow * mx + nw * cx) / tw
    if same:
        nmy = nmx
    else:
        nmy = my if my == cy else (ow * my + nw * cy) / tw
    nc = (ow * (c + (mx - nmx) * (my - nmy)) + nw * ((cx - nmx) * (cy - nmy))) / tw
    return nmx, nmy, nc


@njit(inline="always")
def _debias(sw, sw2, bias):
    """The factor on the co-moment: 1 (``bias``) or pandas' (Σw)²/((Σw)² − Σw²), NaN when that is not positive."""
    if bias:
        return 1.0
    num = sw * sw
    den = num - sw2
    return num / den if den > 0.0 else NAN


@njit(inline="always")
def _cov_value(c, factor, n, minp, root):
    """What the covariance kernels write: factor·c, or its root (``root``, negatives as 0); NaN under min_periods."""
    if n < minp:
        return NAN
    v = factor * c
    if root and v == v:
        v = np.sqrt(v if v > 0.0 else 0.0)
    return v


@njit(inline="always")
def _cov_update(cx, cy, d, nw, adjust, same, mx, my, c, sw, sw2, ow):
    """An observed pair on a started state: decay the weights by ``d``, then :func:`_comoment`."""
    sw *= d
    sw2 *= d * d
    ow *= d
    mx, my, c = _comoment(cx, cy, ow, nw, mx, my, c, same)
    sw += nw
    sw2 += nw * nw
    ow += nw
    if not adjust:  # renormalise to a past of weight 1
        sw /= ow
        sw2 /= ow * ow
        ow = 1.0
    return mx, my, c, sw, sw2, ow


@njit(inline="always")
def _cov_step(mx, my, c, sw, sw2, ow, n, cx, cy, d, nw, adjust, ignore_na, same):
    """One row of one pair with pandas' rules for missing values (``ewmcov``): state -> new state."""
    obs = (cx == cx) and (cy == cy)
    if n > 0:
        if obs:
            mx, my, c, sw, sw2, ow = _cov_update(cx, cy, d, nw, adjust, same, mx, my, c, sw, sw2, ow)
        elif not ignore_na:
            sw *= d
            sw2 *= d * d
            ow *= d
    elif obs:
        if adjust or mx != mx:  # start at the first observation
            mx, my, c, sw, sw2, ow = cx, cy, 0.0, 1.0, 1.0, 1.0
        else:  # the start value is a pseudo-observation of weight 1
            mx, my, c, sw, sw2, ow = _cov_update(cx, cy, d, nw, adjust, same, mx, my, 0.0, 1.0, 1.0, 1.0)
    if obs:
        n += 1
    return mx, my, c, sw, sw2, ow, n


@njit(cache=True, nogil=True, error_model="numpy")
def steady_cov(beta, adjust):
    """The weights (Σw, Σw², past weight) a clean series settles at under :func:`_cov_update`, or NaNs.

    Reached from (1, 1, 1), the state after a first observation, bit for
    bit as the kernel computes it (each weight is a monotone recursion that
    settles on a fixed point); NaNs if that takes more than 2**22 steps.
    Once a series is there, the weights stay and the debiasing factor is
    constant, so the fast paths skip them.
    """
    nw = 1.0 if adjust else 1.0 - beta
    sw, sw2, ow = 1.0, 1.0, 1.0
    for _ in range(1 << 22):
        a, b, c = sw * beta, sw2 * (beta * beta), ow * beta
        a += nw
        b += nw * nw
        c += nw
        if not adjust:
            a /= c
            b /= c * c
            c = 1.0
        if a == sw and b == sw2 and c == ow:
            return sw, sw2, ow
        sw, sw2, ow = a, b, c
    return NAN, NAN, NAN


@njit(cache=True, nogil=True, error_model="numpy")
def _cov_1col(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
              mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root):
    """:func:`ewm_cov` of one pair of series, the state in registers.

    At the steady weights (see :func:`steady_cov`) an observation only
    updates the means and the co-moment (the weights would not change).
    """
    mx, my, c, sw, sw2, ow, n = mean_x[0], mean_y[0], cov[0], sum_wt[0], sum_wt2[0], old_wt[0], nobs[0]
    s1, s2, s3 = (NAN, NAN, NAN) if timed or x.shape[0] < 4096 else steady_cov(beta, adjust)
    factor = _debias(s1, s2, bias)
    for i in range(x.shape[0]):
        d = decay[i] if timed else beta
        nw = 1.0 if adjust else 1.0 - d
        cx, cy = np.float64(x[i, 0]), np.float64(y[i, 0])
        if sw == s1 and sw2 == s2 and ow == s3 and cx == cx and cy == cy and n > 0:  # steady: bit-identical
            mx, my, c = _comoment(cx, cy, ow * d, nw, mx, my, c, same)
            n += 1
            out[i, 0] = _cov_value(c, factor, n, minp, root)
            continue
        mx, my, c, sw, sw2, ow, n = _cov_step(mx, my, c, sw, sw2, ow, n, cx, cy, d, nw, adjust, ignore_na, same)
        out[i, 0] = _cov_value(c, _debias(sw, sw2, bias), n, minp, root)
    mean_x[0], mean_y[0], cov[0], sum_wt[0], sum_wt2[0], old_wt[0], nobs[0] = mx, my, c, sw, sw2, ow, n


@njit(cache=True, nogil=True, error_model="numpy")
def _cov_cols(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
              mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root, c0, c1):
    """:func:`ewm_cov` of columns ``c0:c1``.

    Once every column has started, a row without NaN takes a branch-free
    loop (the same :func:`_cov_update`, bit for bit; only the means and
    co-moments when every column is at the steady weights); other rows take
    :func:`_cov_step`. Loops run over 0-based views of the rows (SIMD).
    """
    w = c1 - c0
    mxs, mys, cs, sws, sw2s, ows, ns = (mean_x[c0:c1], mean_y[c0:c1], cov[c0:c1], sum_wt[c0:c1],
                                        sum_wt2[c0:c1], old_wt[c0:c1], nobs[c0:c1])
    s1, s2, s3 = (NAN, NAN, NAN) if timed or x.shape[0] < 64 else steady_cov(beta, adjust)
    factor = _debias(s1, s2, bias)
    ready = False  # every column has started
    steady = False  # every column has the steady weights
    for i in range(x.shape[0]):
        d = decay[i] if timed else beta
        nw = 1.0 if adjust else 1.0 - d
        xr, yr, orow = x[i, c0:c1], y[i, c0:c1], out[i, c0:c1]
        if not ready:
            ready = w > 0
            for j in range(w):
                if ns[j] == 0:
                    ready = False
        if ready:
            bad = 0
            for j in range(w):
                cx = np.float64(xr[j])
                cy = np.float64(yr[j])
                bad += (cx != cx) + (cy != cy)
            if bad == 0:
                if not steady:
                    steady = True
                    for j in range(w):
                        if sws[j] != s1 or sw2s[j] != s2 or ows[j] != s3:
                            steady = False
                if steady:
                    ow = s3 * d
                    show = True
                    for j in range(w):
                        if ns[j] + 1 < minp:
                            show = False
                    for j in range(w):
                        mx, my, c = _comoment(np.float64(xr[j]), np.float64(yr[j]), ow, nw, mxs[j], mys[j], cs[j],
                                              same)
                        mxs[j], mys[j], cs[j] = mx, my, c
                        ns[j] += 1
                        orow[j] = _cov_value(c, factor, minp if show else ns[j], minp, root)
                    continue
                for j in range(w):
                    mx, my, c, sw, sw2, ow = _cov_update(np.float64(xr[j]), np.float64(yr[j]), d, nw, adjust, same,
                                                         mxs[j], mys[j], cs[j], sws[j], sw2s[j], ows[j])
                    mxs[j], mys[j], cs[j], sws[j], sw2s[j], ows[j] = mx, my, c, sw, sw2, ow
                    n = ns[j] + 1
                    ns[j] = n
                    orow[j] = _cov_value(c, _debias(sw, sw2, bias), n, minp, root)
                continue
        steady = False
        for j in range(w):
            mx, my, c, sw, sw2, ow, n = _cov_step(mxs[j], mys[j], cs[j], sws[j], sw2s[j], ows[j], ns[j],
                                                  np.float64(xr[j]), np.float64(yr[j]), d, nw, adjust, ignore_na,
                                                  same)
            mxs[j], mys[j], cs[j], sws[j], sw2s[j], ows[j], ns[j] = mx, my, c, sw, sw2, ow, n
            orow[j] = _cov_value(c, _debias(sw, sw2, bias), n, minp, root)


@njit(cache=True, nogil=True, error_model="numpy")
def ewm_cov(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
            mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root):
    """Exponentially weighted covariance of the columns of ``x`` and ``y``.

    West-style update of the weighted co-moment (pandas' ``ewmcov``); with
    ``bias=False`` the result is multiplied by (Σw)²/((Σw)² − Σw²). For a
    variance pass the same array as ``x`` and ``y`` and ``same=True``;
    ``root`` writes the square root (a standard deviation). The state arrays
    (one entry per column) are updated in place.
    """
    if x.shape[1] == 1:
        _cov_1col(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
                  mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root)
    else:
        _cov_cols(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
                  mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root, 0, x.shape[1])


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def ewm_cov_parallel(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
                     mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root, parts):
    """:func:`ewm_cov` with the columns cut into ``parts`` contiguous ranges, one per thread (same result)."""
    N = x.shape[1]
    for p in prange(parts):
        _cov_cols(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
                  mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root,
                  p * N // parts, (p + 1) * N // parts)


@njit(inline="always")
def _cov_guess(x, y, s, s1, s2, s3):
    """A start state for the block at ``s``: its first values (0 if NaN), no co-moment, the steady weights."""
    cx, cy = np.float64(x[s, 0]), np.float64(y[s, 0])
    if s1 == s1:
        return (cx if cx == cx else 0.0), (cy if cy == cy else 0.0), 0.0, s1, s2, s3
    return (cx if cx == cx else 0.0), (cy if cy == cy else 0.0), 0.0, 1.0, 1.0, 1.0


_GUESSED = 1 << 40  # observations a guessed state claims, so that it shows every row (never reached)


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def ewm_cov_1d(x, y, out, beta, decay, timed, adjust, ignore_na, minp, bias,
               mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs, same, root, parts):
    """:func:`ewm_cov` of one long pair of series, bit for bit: one block per thread.

    Each block is walked by the single-series loop (:func:`_cov_1col`) from a
    guessed state, then re-walked from the true state until the two agree, as
    :func:`ewm_mean_1d` does. (Four blocks per thread side by side, as for
    the mean, were slower here: the covariance step is too long to overlap.)
    """
    T = x.shape[0]
    size = T // parts
    nb = parts if size > 0 else 0
    steady = np.array(steady_cov(beta, adjust)) if not timed else np.full(3, NAN)
    s1, s2, s3 = steady[0], steady[1], steady[2]
    st = np.empty((nb, 13))
    if nb:
        for p in prange(parts):
            a = p * size
            g = _cov_guess(x, y, a, s1, s2, s3)
            m_x, m_y, c_, w1, w2, w3 = (np.full(1, g[0]), np.full(1, g[1]), np.full(1, g[2]), np.full(1, g[3]),
                                        np.full(1, g[4]), np.full(1, g[5]))
            n_ = np.full(1, _GUESSED, dtype=np.int64)
            _cov_1col(x[a:a + size], y[a:a + size], out[a:a + size], beta, decay[a:a + size] if timed else decay,
                      timed, adjust, ignore_na, 1, bias, m_x, m_y, c_, w1, w2, w3, n_, same, root)
            for v in range(6):
                st[p, v] = g[v]
            st[p, 6], st[p, 7], st[p, 8], st[p, 9], st[p, 10], st[p, 11] = m_x[0], m_y[0], c_[0], w1[0], w2[0], w3[0]
            st[p, 12] = n_[0] - _GUESSED  # observations in the block
    nw_const = 1.0 if adjust else 1.0 - beta
    mx, my, c, sw, sw2, ow, n = mean_x[0], mean_y[0], cov[0], sum_wt[0], sum_wt2[0], old_wt[0], nobs[0]
    for k in range(nb):
        lx, ly, lc, lsw, lsq, low, ln = st[k, 0], st[k, 1], st[k, 2], st[k, 3], st[k, 4], st[k, 5], _GUESSED
        n_start = n
        merged = False
        for i in range(k * size, (k + 1) * size):
            cx, cy = np.float64(x[i, 0]), np.float64(y[i, 0])
            d = decay[i] if timed else beta
            nw = (1.0 if adjust else 1.0 - d) if timed else nw_const
            mx, my, c, sw, sw2, ow, n = _cov_step(mx, my, c, sw, sw2, ow, n, cx, cy, d, nw, adjust, ignore_na, same)
            lx, ly, lc, lsw, lsq, low, ln = _cov_step(lx, ly, lc, lsw, lsq, low, ln, cx, cy, d, nw, adjust,
                                                      ignore_na, same)
            if (mx == lx and my == ly and c == lc and sw == lsw and sw2 == lsq and ow == low
                    and n > 0 and n >= minp):
                merged = True  # out[i:] of the block is already right
                break
            out[i, 0] = _cov_value(c, _debias(sw, sw2, bias), n, minp, root)
        if merged:
            mx, my, c, sw, sw2, ow = st[k, 6], st[k, 7], st[k, 8], st[k, 9], st[k, 10], st[k, 11]
        n = n_start + np.int64(st[k, 12])
    if nb * size < T:
        m_x, m_y, c_, w1, w2, w3 = np.full(1, mx), np.full(1, my), np.full(1, c), np.full(1, sw), np.full(1, sw2), \
            np.full(1, ow)
        n_ = np.full(1, n, dtype=np.int64)
        a = nb * size
        _cov_1col(x[a:], y[a:], out[a:], beta, decay[a:] if timed else decay, timed, adjust, ignore_na, minp, bias,
                  m_x, m_y, c_, w1, w2, w3, n_, same, root)
        mx, my, c, sw, sw2, ow, n = m_x[0], m_y[0], c_[0], w1[0], w2[0], w3[0], n_[0]
    mean_x[0], mean_y[0], cov[0], sum_wt[0], sum_wt2[0], old_wt[0], nobs[0] = mx, my, c, sw, sw2, ow, n


@njit(cache=True, nogil=True, error_model="numpy")
def first_nonfinite(x):
    """Flat index of the first ±inf in ``x`` (any shape, C-contiguous), or -1.

    A branch-free counting pass (SIMD) first; the position is searched only
    when there is one.
    """
    flat = x.ravel()
    count = 0
    for k in range(flat.size):
        count += abs(flat[k]) == np.inf
    if count == 0:
        return -1
    for k in range(flat.size):
        if abs(flat[k]) == np.inf:
            return k
    return -1


@njit(cache=True, nogil=True, parallel=True)
def transpose_into(src, dst):
    """``dst[i, j] = src[j, i]`` for C-contiguous ``src`` (N, T) and ``dst`` (T, N), in tiles, rows of tiles in parallel.

    A column-major panel as a row-major one (what numpy's ``ascontiguousarray``
    does on one thread, element by element across the cache lines).
    """
    N, T = src.shape
    B = 128  # tiles of 128 × 128: a tile's rows of dst are written contiguously, its src lines stay in cache
    for bi in prange((T + B - 1) // B):
        i0 = bi * B
        i1 = min(T, i0 + B)
        for j0 in range(0, N, B):
            j1 = min(N, j0 + B)
            for i in range(i0, i1):
                d = dst[i]
                for j in range(j0, j1):
                    d[j] = src[j, i]


@njit(inline="always")
def ema_step(v, x, beta):
    """One EWMA step, v ← β·v + (1 − β)·x: the scalar heart every fused loop inlines."""
    return beta * v + (1.0 - beta) * x


@njit(cache=True, nogil=True, error_model="numpy")
def ewma_update(v, x, beta):
    """In place over flat arrays: v[k] ← β·v[k] + (1 − β)·x[k] (momentum, RMS and Adam moments)."""
    for k in range(v.size):
        v[k] = ema_step(v[k], x[k], beta)


# --------------------------------------------------------------------------- fused indicators
#
# Wilder's RSI and ATR transform the prices before smoothing them. Done with
# whole-array passes, each transform would read and write the panel once more;
# here each thread takes a range of columns and walks the rows in blocks of
# _ROWS: transform a block into cache-sized scratch, smooth it with the same
# _ewm_mean_cols as every EWMA (state carried from block to block), combine.

_ROWS = 32


@njit(inline="always")
def _pos(v):
    """max(v, 0), NaN kept."""
    return v if v > 0.0 else (0.0 if v == v else NAN)


@njit(inline="always")
def _max3(a, b, c):
    """max of three, NaN if any is NaN (as numpy.maximum)."""
    if a != a or b != b or c != c:
        return NAN
    return max(a, max(b, c))


@njit(cache=True, nogil=True, error_model="numpy")
def _rsi_cols(close, out, beta, mean, wt, nobs, first_row, c0, c1):
    """RSI of columns ``c0:c1``; the state holds the gains' averages in ``[:N]``, the losses' in ``[N:]``.

    Returns the number of ±inf closes (not valid data; the caller raises).
    """
    T, N = close.shape
    w = c1 - c0
    gain, loss = np.empty((_ROWS, w)), np.empty((_ROWS, w))
    avg_g, avg_l = np.empty((_ROWS, w)), np.empty((_ROWS, w))
    m_row, w_row, no_decay = np.empty(w), np.empty(w), np.ones(1)
    fr = first_row[c0:c1]
    ninf = 0
    for r0 in range(0, T, _ROWS):
        h = min(T, r0 + _ROWS) - r0
        for k in range(h):
            i = r0 + k
            now = close[i, c0:c1]  # 0-based views: SIMD
            for j in range(w):
                ninf += abs(now[j]) == np.inf
            if i == 0:
                gain[k] = NAN
                loss[k] = NAN
                continue
            before, g, lo = close[i - 1, c0:c1], gain[k], loss[k]
            for j in range(w):
                d = now[j] - before[j]
                g[j] = _pos(d)
                lo[j] = _pos(-d)
        _ewm_mean_cols(gain[:h], avg_g[:h], beta, no_decay, False, False, False, 1, mean[c0:c1], wt[c0:c1],
                       nobs[c0:c1], fr, 0, w, m_row, w_row, r0)
        _ewm_mean_cols(loss[:h], avg_l[:h], beta, no_decay, False, False, False, 1, mean[N + c0:N + c1],
                       wt[N + c0:N + c1], nobs[N + c0:N + c1], fr, 0, w, m_row, w_row, r0)
        for k in range(h):
            orow, ag, al = out[r0 + k, c0:c1], avg_g[k], avg_l[k]
            for j in range(w):
                g = ag[j]
                total = g + al[j]
                orow[j] = 100.0 * g / total if total > 0.0 else NAN
    return ninf


@njit(cache=True, nogil=True, error_model="numpy")
def _atr_cols(high, low, close, out, beta, first_tr, mean, wt, nobs, first_row, c0, c1):
    """ATR of columns ``c0:c1``: the true range, smoothed. ``first_tr``: row 0 is H − L (else NaN).

    Returns the number of ±inf prices (not valid data; the caller raises).
    """
    T = close.shape[0]
    w = c1 - c0
    tr, avg = np.empty((_ROWS, w)), np.empty((_ROWS, w))
    m_row, w_row, no_decay = np.empty(w), np.empty(w), np.ones(1)
    ninf = 0
    for r0 in range(0, T, _ROWS):
        h = min(T, r0 + _ROWS) - r0
        for k in range(h):
            i = r0 + k
            his, los, cs, t = high[i, c0:c1], low[i, c0:c1], close[i, c0:c1], tr[k]  # 0-based views: SIMD
            for j in range(w):
                ninf += (abs(his[j]) == np.inf) + (abs(los[j]) == np.inf) + (abs(cs[j]) == np.inf)
            if i > 0:
                pcs = close[i - 1, c0:c1]
                for j in range(w):
                    hi, lo, pc = his[j], los[j], pcs[j]
                    t[j] = _max3(hi - lo, abs(hi - pc), abs(lo - pc))
            else:
                for j in range(w):
                    t[j] = his[j] - los[j] if first_tr else NAN
        _ewm_mean_cols(tr[:h], avg[:h], beta, no_decay, False, False, False, 1, mean[c0:c1], wt[c0:c1],
                       nobs[c0:c1], first_row[c0:c1], 0, w, m_row, w_row, r0)
        for k in range(h):
            out[r0 + k, c0:c1] = avg[k]
    return ninf


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def rsi_panel(close, out, beta, mean, wt, nobs, first_row, parts):
    """Wilder's RSI of every column of ``close`` into ``out``, ``parts`` column ranges in parallel.

    Returns the number of ±inf closes met.
    """
    N = close.shape[1]
    ninf = 0
    for p in prange(parts):
        ninf += _rsi_cols(close, out, beta, mean, wt, nobs, first_row, p * N // parts, (p + 1) * N // parts)
    return ninf


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def atr_panel(high, low, close, out, beta, first_tr, mean, wt, nobs, first_row, parts):
    """Wilder's ATR of every column into ``out``, ``parts`` column ranges in parallel.

    Returns the number of ±inf prices met.
    """
    N = close.shape[1]
    ninf = 0
    for p in prange(parts):
        ninf += _atr_cols(high, low, close, out, beta, first_tr, mean, wt, nobs, first_row, p * N // parts,
                          (p + 1) * N // parts)
    return ninf


# --------------------------------------------------------------------------- times


@njit(inline="always")
def _decay(dt, neg_scale):
    """0.5 ** (dt / halflife) as exp2(dt · neg_scale), neg_scale = −1/halflife."""
    return np.exp2(dt * neg_scale)


@njit(cache=True, nogil=True, error_model="numpy")
def decays(dt, neg_scale, out):
    """``out[k] = 0.5 ** (dt[k] / halflife)`` for float time steps (the formula every timed path shares)."""
    for k in range(dt.size):
        out[k] = _decay(dt[k], neg_scale)


@njit(inline="always")
def _memo_decay(step, unit_ns, neg_scale, keys, vals):
    """:func:`_decay` of a step of ``step`` stamp units, through a memo of the steps already seen.

    Real indexes have a handful of distinct steps; the memo returns the very
    value the formula gives. 256 slots (``keys``/``vals`` of 259, keys -1
    when free), a step hashed to one (Fibonacci hashing: steps in ns are
    multiples of 10**9) and looked up there and in the next three.
    """
    h = ((step * -7046029254386353131) >> 56) & 255
    for k in range(h, h + 4):
        if keys[k] == step:
            return vals[k]
    v = _decay(np.float64(step * unit_ns), neg_scale)
    slot = h
    for k in range(h, h + 4):
        if keys[k] == -1:
            slot = k
            break
    keys[slot] = step
    vals[slot] = v
    return v


@njit(inline="always")
def _stamp_decay(stamps, i, unit_ns, neg_scale):
    """The decay of row ``i`` from int64 stamps (1 for row 0), as :func:`stamp_decays` computes it."""
    if i == 0:
        return 1.0
    return _decay(np.float64((stamps[i] - stamps[i - 1]) * unit_ns), neg_scale)


@njit(inline="always")
def _fill_decays(stamps, lo, h, unit_ns, neg_scale, keys, vals, out):
    """``out[:h]`` = the decays of rows ``lo:lo+h``; returns how many steps go back in time (or hit a NaT)."""
    bad = 0
    for r in range(h):
        i = lo + r
        if i == 0:
            out[r] = 1.0
            continue
        step = stamps[i] - stamps[i - 1]
        bad += step < 0
        out[r] = _memo_decay(step, unit_ns, neg_scale, keys, vals)
    return bad


@njit(inline="always")
def _stamp_range(stamps, unit_ns, neg_scale, out, lo, hi):
    """:func:`stamp_decays` for rows ``lo:hi`` (lo >= 1): (-1, 0) or the first problem."""
    nat = np.iinfo(np.int64).min
    keys = np.full(259, -1, dtype=np.int64)
    vals = np.empty(259)
    for i in range(lo, hi):
        t = stamps[i]
        if t == nat:
            return i, 1
        step = t - stamps[i - 1]
        if step < 0:
            return i, 2
        out[i] = _memo_decay(step, unit_ns, neg_scale, keys, vals)
    return -1, 0


@njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def stamp_decays(stamps, unit_ns, neg_scale, out, parts):
    """Per-row decays of int64 time stamps in one pass, checking them on the way.

    ``out[0] = 1`` and ``out[i] = 0.5 ** ((t_i − t_{i−1}) / halflife)``, the
    steps taken in nanoseconds (``unit_ns`` per stamp unit) whatever the unit,
    so that every path computes the same decays bit for bit; ``parts`` row
    ranges in parallel. Returns ``(-1, 0)``, or ``(i, 1)`` for the first NaT
    at row i, ``(i, 2)`` when row i comes before row i − 1.
    """
    nat = np.iinfo(np.int64).min
    n = stamps.size
    if n == 0:
        return -1, 0
    if stamps[0] == nat:
        return 0, 1
    out[0] = 1.0
    where = np.full(parts, -1, dtype=np.int64)
    code = np.zeros(parts, dtype=np.int64)
    for p in prange(parts):
        lo = max(1, p * n // parts)
        hi = (p + 1) * n // parts
        where[p], code[p] = _stamp_range(stamps, unit_ns, neg_scale, out, lo, hi)
    for p in range(parts):
        if code[p]:
            return where[p], code[p]
    return -1, 0
