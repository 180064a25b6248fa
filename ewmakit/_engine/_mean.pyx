# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""EWMA kernels: a (T, N) panel row by row, a column-major panel series by series, one long series in blocks.

No validation here: :mod:`ewmakit._engine` checks shapes, dtypes and sizes
before calling in. Every kernel carries its state in per-series arrays
(``mean``, ``wt``, ``nobs``; see :mod:`ewmakit._engine._rules`) that it reads at
the start and writes back at the end: a fresh state gives the batch result, the
state another call left gives the continuation. All paths compute the same
update, bit for bit, so results do not depend on the layout, the number of
threads or the chunking of a stream.
"""

from cython.parallel cimport parallel, prange
from libc.math cimport fabs, INFINITY, NAN
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

from ._panel cimport mean_cols
from ._sizes cimport check_sizes
from ._rules cimport (MEMO_FREE, MEMO_SLOTS, Coefs, Mean, ema_step, finite, floating, mean_update, memo_decay, series_step,
                      stamp_decay, step, steady_coefs)

cdef enum:
    LANES = 4  # blocks walked side by side per thread (one long series)
    CHUNK = 256  # rows whose decays a timed walk gathers at a time


def steady_weight(double beta, bint adjust):
    """The weight of the past a clean series settles at, bit for bit, or NaN if it does not settle.

    Without ``adjust`` it is 1 after every observation. With ``adjust`` it is
    the fixed point of w <- w·β + 1 as :func:`step` computes it, reached from
    below (as every series reaches it: from 1 at its first observation, or
    from below after a gap); for β so close to 1 that this takes more than
    2**22 steps, NaN (the fast paths are then never taken).
    """
    cdef double w = 1.0, nxt
    cdef int k
    if not adjust:
        return 1.0
    for k in range(1 << 22):
        nxt = w * beta + 1.0
        if nxt == w:
            return w
        w = nxt
    return NAN


# --------------------------------------------------------------------------- one series, in registers


cdef int64_t one_series(const floating* x, Py_ssize_t xs, floating* out, Py_ssize_t os, Py_ssize_t T, double beta,
                        const double* decay, bint timed, bint adjust, bint ignore_na, int64_t minp, double* mean,
                        double* wt, int64_t* nobs, int64_t first, double w_star) noexcept nogil:
    """One series (element i at ``x[i*xs]``): :func:`series_step` row after row, the state in registers."""
    cdef int64_t ninf = 0
    cdef Mean s
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef Coefs k = steady_coefs(beta, adjust, w_star)
    cdef bint fast = not timed and w_star == w_star
    cdef double d = beta, cur
    cdef Py_ssize_t i
    s.m = mean[0]
    s.w = wt[0]
    s.n = nobs[0]
    for i in range(T):
        if i < first:
            out[i * os] = <floating> NAN
            continue
        cur = <double> x[i * xs]
        ninf += fabs(cur) == INFINITY
        if timed:
            d = decay[i]
            nw = 1.0 if adjust else 1.0 - d
        s = series_step(s.m, s.w, s.n, cur, d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
        out[i * os] = <floating> (s.m if s.n >= minp else NAN)
    mean[0] = s.m
    wt[0] = s.w
    nobs[0] = s.n
    return ninf


# --------------------------------------------------------------------------- column-major panels


cdef inline void series_row(Mean* s, int64_t first, Py_ssize_t i, double v, double d, double nw, bint adjust,
                            bint ignore_na, bint fast, double w_star, Coefs k, int64_t minp,
                            floating* o) noexcept nogil:
    """Row ``i`` of a series that begins at row ``first``: the new state, and the value written (NaN before)."""
    if i < first:
        o[0] = <floating> NAN
        return
    s[0] = series_step(s.m, s.w, s.n, v, d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
    o[0] = <floating> (s.m if s.n >= minp else NAN)


cdef int64_t series_range(const floating* xt, floating* outt, Py_ssize_t T, double beta, const double* decay,
                          bint timed, bint adjust, bint ignore_na, int64_t minp, double* mean, double* wt,
                          int64_t* nobs, const int64_t* first_row, double w_star, Py_ssize_t r0,
                          Py_ssize_t r1) noexcept nogil:
    """The EWMA of series ``r0:r1`` of ``xt`` (N, T), each series contiguous (a column-major panel, transposed).

    Four series are walked side by side so that their dependency chains
    overlap; each is exactly :func:`one_series`'s loop.
    """
    cdef int64_t ninf = 0
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef Coefs k = steady_coefs(beta, adjust, w_star)
    cdef bint fast = not timed and w_star == w_star
    cdef double d = beta
    cdef Py_ssize_t j = r0, i, lo
    cdef const floating *a
    cdef const floating *b
    cdef const floating *c
    cdef const floating *e
    cdef floating *oa
    cdef floating *ob
    cdef floating *oc
    cdef floating *oe
    cdef Mean sa, sb, sc, se
    cdef int64_t fa, fb, fc, fe
    while j + 4 <= r1:
        a, b, c, e = xt + j * T, xt + (j + 1) * T, xt + (j + 2) * T, xt + (j + 3) * T
        oa, ob, oc, oe = outt + j * T, outt + (j + 1) * T, outt + (j + 2) * T, outt + (j + 3) * T
        sa.m, sa.w, sa.n, fa = mean[j], wt[j], nobs[j], first_row[j]
        sb.m, sb.w, sb.n, fb = mean[j + 1], wt[j + 1], nobs[j + 1], first_row[j + 1]
        sc.m, sc.w, sc.n, fc = mean[j + 2], wt[j + 2], nobs[j + 2], first_row[j + 2]
        se.m, se.w, se.n, fe = mean[j + 3], wt[j + 3], nobs[j + 3], first_row[j + 3]
        lo = min(T, max(max(fa, fb), max(fc, fe)))
        for i in range(lo):  # some series not begun: rows before first_row are NaN
            if timed:
                d = decay[i]
                nw = 1.0 if adjust else 1.0 - d
            series_row(&sa, fa, i, <double> a[i], d, nw, adjust, ignore_na, fast, w_star, k, minp, oa + i)
            series_row(&sb, fb, i, <double> b[i], d, nw, adjust, ignore_na, fast, w_star, k, minp, ob + i)
            series_row(&sc, fc, i, <double> c[i], d, nw, adjust, ignore_na, fast, w_star, k, minp, oc + i)
            series_row(&se, fe, i, <double> e[i], d, nw, adjust, ignore_na, fast, w_star, k, minp, oe + i)
        for i in range(lo, T):
            if timed:
                d = decay[i]
                nw = 1.0 if adjust else 1.0 - d
            sa = series_step(sa.m, sa.w, sa.n, <double> a[i], d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            oa[i] = <floating> (sa.m if sa.n >= minp else NAN)
            sb = series_step(sb.m, sb.w, sb.n, <double> b[i], d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            ob[i] = <floating> (sb.m if sb.n >= minp else NAN)
            sc = series_step(sc.m, sc.w, sc.n, <double> c[i], d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            oc[i] = <floating> (sc.m if sc.n >= minp else NAN)
            se = series_step(se.m, se.w, se.n, <double> e[i], d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            oe[i] = <floating> (se.m if se.n >= minp else NAN)
        # an inf leaves a started series at ±inf or NaN for good: one check at the end (a false alarm only costs
        # the caller a search)
        ninf += (sa.n > 0 and not finite(sa.m)) + (sb.n > 0 and not finite(sb.m))
        ninf += (sc.n > 0 and not finite(sc.m)) + (se.n > 0 and not finite(se.m))
        mean[j], wt[j], nobs[j] = sa.m, sa.w, sa.n
        mean[j + 1], wt[j + 1], nobs[j + 1] = sb.m, sb.w, sb.n
        mean[j + 2], wt[j + 2], nobs[j + 2] = sc.m, sc.w, sc.n
        mean[j + 3], wt[j + 3], nobs[j + 3] = se.m, se.w, se.n
        j += 4
    while j < r1:
        ninf += one_series(xt + j * T, 1, outt + j * T, 1, T, beta, decay, timed, adjust, ignore_na, minp,
                           mean + j, wt + j, nobs + j, first_row[j], w_star)
        j += 1
    return ninf


def mean_series(const floating[:, ::1] xt, floating[:, ::1] outt, double beta, const double[::1] decay, bint timed,
                bint adjust, bint ignore_na, int64_t minp, double[::1] mean, double[::1] wt, int64_t[::1] nobs,
                const int64_t[::1] first_row, double w_star, int parts):
    """The EWMA of a column-major panel given transposed, ``xt`` (N, T): ``parts`` ranges of series in parallel.

    Bit-identical to :func:`mean_rows` on the (T, N) panel. Returns the number of ±inf values met.
    """
    cdef Py_ssize_t N = xt.shape[0], T = xt.shape[1], groups = N // 4
    cdef int64_t ninf = 0
    cdef int p
    parts = max(1, min(parts, 1024))
    check_sizes("mean_series", N, {"outt": outt.shape[0], "mean": mean.shape[0], "wt": wt.shape[0],
                                   "nobs": nobs.shape[0], "first_row": first_row.shape[0]})
    check_sizes("mean_series", T, {"outt's rows": outt.shape[1]})
    check_sizes("mean_series", T if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    if N == 0 or T == 0:
        return 0
    with nogil:
        if parts <= 1:
            ninf = series_range(&xt[0, 0], &outt[0, 0], T, beta, &decay[0], timed, adjust, ignore_na, minp, &mean[0],
                                &wt[0], &nobs[0], &first_row[0], w_star, 0, N)
        else:  # each part takes whole groups of four series; the last also the rest
            for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                ninf += series_range(&xt[0, 0], &outt[0, 0], T, beta, &decay[0], timed, adjust, ignore_na, minp,
                                     &mean[0], &wt[0], &nobs[0], &first_row[0], w_star,
                                     4 * (p * groups // parts), N if p == parts - 1 else 4 * ((p + 1) * groups // parts))
    return ninf


# --------------------------------------------------------------------------- row-major panels


def mean_rows(const floating[:, ::1] x, floating[:, ::1] out, double beta, const double[::1] decay, bint timed,
              bint adjust, bint ignore_na, int64_t minp, double[::1] mean, double[::1] wt, int64_t[::1] nobs,
              const int64_t[::1] first_row, double w_star, int parts):
    """Exponentially weighted mean of each column of ``x`` (T, N) into ``out``.

    ``decay[i]`` (used when ``timed``) is the decay of row ``i``; ``minp >= 1``.
    Rows ``i < first_row[j]`` of column ``j`` are skipped (NaN out, state
    untouched): with a state that has already started, this seeds column ``j``
    with a value known at row ``first_row[j] - 1`` (the SMA seed of TA-Lib's
    EMA, Wilder's first average). One series takes the register loop; a panel
    is swept row by row, all columns at a time (``parts`` column ranges in
    parallel). Returns the number of ±inf values met. ``w_star``:
    :func:`steady_weight`.
    """
    cdef Py_ssize_t T = x.shape[0], N = x.shape[1]
    cdef int64_t ninf = 0
    cdef int p
    cdef double* m_row
    cdef double* w_row
    parts = max(1, min(parts, 1024))
    check_sizes("mean_rows", N, {"out's columns": out.shape[1], "mean": mean.shape[0], "wt": wt.shape[0],
                                 "nobs": nobs.shape[0], "first_row": first_row.shape[0]})
    check_sizes("mean_rows", T, {"out": out.shape[0]})
    check_sizes("mean_rows", T if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    if N == 0 or T == 0:
        return 0
    if N == 1:
        with nogil:
            ninf = one_series(&x[0, 0], 1, &out[0, 0], 1, T, beta, &decay[0], timed, adjust, ignore_na, minp,
                              &mean[0], &wt[0], &nobs[0], first_row[0], w_star)
        return ninf
    m_row = <double*> malloc(N * sizeof(double))
    w_row = <double*> malloc(N * sizeof(double))
    if m_row == NULL or w_row == NULL:
        free(m_row)
        free(w_row)
        raise MemoryError()
    try:
        with nogil:
            if parts <= 1:
                ninf = mean_cols(&x[0, 0], N, &out[0, 0], N, T, 0, N, beta, &decay[0], timed, adjust, ignore_na,
                                 minp, &mean[0], &wt[0], &nobs[0], &first_row[0], m_row, w_row, 0)
            else:  # wide panels: one column range per thread, same result
                for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    ninf += mean_cols(&x[0, 0], N, &out[0, 0], N, T, p * N // parts, (p + 1) * N // parts, beta,
                                      &decay[0], timed, adjust, ignore_na, minp, &mean[0], &wt[0], &nobs[0],
                                      &first_row[0], m_row, w_row, 0)
    finally:
        free(m_row)
        free(w_row)
    return ninf


# --------------------------------------------------------------------------- one long series
#
# A single series is one dependency chain (a multiply and an add per row), so
# a plain loop runs at the latency of that chain, not at memory speed. The
# series is cut into LANES blocks per thread, walked side by side so their
# chains overlap, each from a guessed start state. Then each block is walked
# again from the true state at its start (the end of the block before) until
# the true state and the block's guessed run agree exactly: the two runs then
# do the same operations on the same numbers, so everything after is already
# right. An EWMA forgets its start geometrically, so they agree after a few
# hundred rows (≈ 37/(1 − β) at most for double precision); a block that never
# agrees is simply walked to its end. The result is the plain loop's, bit for bit.


cdef inline void lane(double* m, double* w, int64_t* q, double cur, double d, double nw, bint adjust, bint ignore_na,
                      bint fast, double w_star, double c_old, double c_new) noexcept nogil:
    """One row of a started series: (mean, weight, NaN rows so far) -> new ones, as :func:`step`."""
    cdef Mean s
    if fast and cur == cur and w[0] == w_star:
        m[0] = m[0] if m[0] == cur else m[0] * c_old + cur * c_new
    elif not fast and not adjust and cur == cur and w[0] == 1.0:  # a decay per row, unit weight: as step
        m[0] = mean_update(m[0], cur, 1.0 * d, nw)
    else:
        q[0] += cur != cur
        s = step(m[0], w[0], 1, cur, d, nw, adjust, ignore_na)
        m[0] = s.m
        w[0] = s.w


cdef inline void timed_lane(double* m, double* w, int64_t* q, double cur, double d, double c_old, double c_new,
                            bint adjust, bint ignore_na) noexcept nogil:
    """:func:`lane` with a decay per row whose coefficients (``c_old``, ``c_new``: what :func:`mean_update`
    computes for the weights (1·d, 1 − d)) were worked out beforehand, for a whole chunk at once."""
    cdef Mean s
    if not adjust and cur == cur and w[0] == 1.0:
        m[0] = m[0] if m[0] == cur else m[0] * c_old + cur * c_new
    else:
        q[0] += cur != cur
        s = step(m[0], w[0], 1, cur, d, 1.0 if adjust else 1.0 - d, adjust, ignore_na)
        m[0] = s.m
        w[0] = s.w


cdef inline void unit_coefs(const double* d, double* c_old, double* c_new, Py_ssize_t h) noexcept nogil:
    """The coefficients :func:`mean_update` computes for a past of weight 1 decayed by ``d[r]`` against
    1 − d[r]: ``c_old[r] = (1·d)·inv``, ``c_new[r] = (1 − d)·inv``, ``inv = 1/(1·d + (1 − d))``, bit for bit
    (a separate loop: the divisions vectorise)."""
    cdef Py_ssize_t r
    cdef double ow, nw, inv
    for r in range(h):
        ow = 1.0 * d[r]
        nw = 1.0 - d[r]
        inv = 1.0 / (ow + nw)
        c_old[r] = ow * inv
        c_new[r] = nw * inv


cdef inline int64_t fill_decays(const int64_t* stamps, Py_ssize_t lo, Py_ssize_t h, int64_t unit_ns,
                                double neg_scale, int64_t* keys, double* vals, int64_t* steps,
                                double* out) noexcept nogil:
    """``out[:h]`` = the decays of rows ``lo:lo+h``; returns how many steps go back in time (or hit a NaT).

    The steps and that count first, for the whole chunk (a loop that
    vectorises; ``steps`` is scratch of ``h``), then the memo, step by step.
    """
    cdef int64_t bad = 0
    cdef Py_ssize_t r, first = 1 if lo == 0 else 0  # row 0 of the series has no step: decay 1
    if first:
        out[0] = 1.0
        steps[0] = 0
    for r in range(first, h):
        bad += stamps[lo + r] < stamps[lo + r - 1]  # a step back in time, or a NaT (the smallest int64): compared,
        steps[r] = stamps[lo + r] - stamps[lo + r - 1]  # never subtracted first (the difference may wrap around)
    for r in range(first, h):
        out[r] = memo_decay(steps[r], unit_ns, neg_scale, keys, vals)
    return bad


cdef void lanes(const floating* x, floating* out, double beta, const double* decay, bint timed, bint adjust,
                bint ignore_na, double w_star, Py_ssize_t s0, Py_ssize_t size, double* st, const int64_t* stamps,
                bint stamped, int64_t unit_ns, double neg_scale) noexcept nogil:
    """Walk the LANES blocks ``s0 + k·size`` side by side from guessed states.

    ``st[6k:6k+6]`` gets (guessed mean, guessed weight, end mean, end weight,
    NaN rows, bad steps). With a decay per row (``timed``) the rows go by
    chunks of CHUNK whose decays are first gathered into a small buffer: read
    from ``decay``, or, with ``stamped``, computed from the int64 ``stamps`` (no
    decay array written and read back).
    """
    cdef bint fast = not timed and w_star == w_star
    cdef Coefs k = steady_coefs(beta, adjust, w_star)
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef double m[LANES]
    cdef double w[LANES]
    cdef int64_t q[LANES]
    cdef int64_t keys[MEMO_SLOTS]
    cdef double vals[MEMO_SLOTS]
    cdef double db[LANES][CHUNK]
    cdef double co[LANES][CHUNK]
    cdef double cn[LANES][CHUNK]
    cdef int64_t steps[CHUNK]
    cdef double c
    cdef int64_t bad = 0
    cdef Py_ssize_t s1 = s0 + size, s2 = s0 + 2 * size, s3 = s0 + 3 * size, c0, h, r, i, l
    for l in range(LANES):
        c = <double> x[s0 + l * size]  # the guess: the block's first value (0 if NaN) at the steady weight
        m[l] = c if c == c else 0.0
        w[l] = w_star if w_star == w_star else 1.0
        q[l] = 0
        st[6 * l] = m[l]
        st[6 * l + 1] = w[l]
    if timed:  # a decay per row: two loops, so that neither tests `timed` per row
        for l in range(MEMO_SLOTS):
            keys[l] = MEMO_FREE
        c0 = 0
        while c0 < size:
            h = min(size, c0 + CHUNK) - c0
            for l in range(LANES):
                if stamped:
                    bad += fill_decays(stamps, s0 + l * size + c0, h, unit_ns, neg_scale, keys, vals, steps, db[l])
                else:
                    for r in range(h):
                        db[l][r] = decay[s0 + l * size + c0 + r]
                unit_coefs(db[l], co[l], cn[l], h)
            for r in range(h):
                i = c0 + r
                timed_lane(&m[0], &w[0], &q[0], <double> x[s0 + i], db[0][r], co[0][r], cn[0][r], adjust, ignore_na)
                out[s0 + i] = <floating> m[0]
                timed_lane(&m[1], &w[1], &q[1], <double> x[s1 + i], db[1][r], co[1][r], cn[1][r], adjust, ignore_na)
                out[s1 + i] = <floating> m[1]
                timed_lane(&m[2], &w[2], &q[2], <double> x[s2 + i], db[2][r], co[2][r], cn[2][r], adjust, ignore_na)
                out[s2 + i] = <floating> m[2]
                timed_lane(&m[3], &w[3], &q[3], <double> x[s3 + i], db[3][r], co[3][r], cn[3][r], adjust, ignore_na)
                out[s3 + i] = <floating> m[3]
            c0 += CHUNK
    else:
        for i in range(size):
            lane(&m[0], &w[0], &q[0], <double> x[s0 + i], beta, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            out[s0 + i] = <floating> m[0]
            lane(&m[1], &w[1], &q[1], <double> x[s1 + i], beta, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            out[s1 + i] = <floating> m[1]
            lane(&m[2], &w[2], &q[2], <double> x[s2 + i], beta, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            out[s2 + i] = <floating> m[2]
            lane(&m[3], &w[3], &q[3], <double> x[s3 + i], beta, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            out[s3 + i] = <floating> m[3]
    for l in range(LANES):
        st[6 * l + 2] = m[l]
        st[6 * l + 3] = w[l]
        st[6 * l + 4] = <double> q[l]
    st[5] = <double> bad


def mean_long(const floating[:, ::1] x2, floating[:, ::1] out2, double beta, const double[::1] decay, bint timed,
              bint adjust, bint ignore_na, int64_t minp, double[::1] mean, double[::1] wt, int64_t[::1] nobs,
              const int64_t[::1] first_row, double w_star, int parts, const int64_t[::1] stamps, int64_t unit_ns,
              double neg_scale):
    """:func:`mean_rows` of one long series (``x2`` of shape (T, 1)), bit for bit.

    ``parts`` threads walk LANES blocks each (see the comment above
    :func:`lane`). With ``timed`` and non-empty int64 ``stamps`` (then
    ``first_row`` must be 0), the decays are computed from the stamps on the
    way, as the stamp kernel does. Returns (a positive number if any ±inf was
    met or a result overflowed, the number of steps that go back in time or hit
    a NaT; a NaT at row 0 is not looked for).
    """
    cdef Py_ssize_t f, T_all = x2.shape[0]
    cdef Py_ssize_t T, nb = LANES * parts, size, kb, i, n_start
    cdef const floating* x
    cdef floating* out
    cdef const double* dec
    cdef bint stamped = timed and stamps.shape[0] > 0
    cdef const int64_t* sp = &stamps[0] if stamps.shape[0] > 0 else NULL
    cdef double* st
    cdef int64_t bad = 0, bad_stamps = 0, q
    cdef bint fast = not timed and w_star == w_star, merged
    cdef Coefs k = steady_coefs(beta, adjust, w_star)
    cdef double nw_const = 1.0 if adjust else 1.0 - beta, cur, d, nw, lm, lw
    cdef Mean s
    cdef int p
    parts = max(1, min(parts, 1024))
    check_sizes("mean_long", 1, {"x2's columns": x2.shape[1], "out2's columns": out2.shape[1],
                                 "mean": mean.shape[0], "wt": wt.shape[0], "nobs": nobs.shape[0],
                                 "first_row": first_row.shape[0]})
    check_sizes("mean_long", T_all, {"out2": out2.shape[0]})
    f = first_row[0]
    if f < 0:
        raise ValueError(f"mean_long: first_row must be >= 0, got {f}")
    T = T_all - f
    if stamped:
        check_sizes("mean_long", T_all, {"stamps": stamps.shape[0]})
        if f != 0:
            raise ValueError("mean_long: decays from stamps need first_row 0")
    else:
        check_sizes("mean_long", T_all if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    if T_all == 0:
        return 0, 0
    for i in range(min(f, T_all)):
        out2[i, 0] = <floating> NAN
    if T <= 0:
        return 0, 0
    x = &x2[0, 0] + f
    out = &out2[0, 0] + f
    dec = &decay[0] + (f if timed else 0)
    size = T // nb
    if size == 0:  # too short to cut: all of it is the tail
        nb = 0
    st = <double*> malloc((6 * nb + 1) * sizeof(double))
    if st == NULL:
        raise MemoryError()
    try:
        with nogil:
            if nb:
                if parts <= 1:
                    lanes(x, out, beta, dec, timed, adjust, ignore_na, w_star, 0, size, st, sp, stamped, unit_ns,
                          neg_scale)
                else:
                    for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                        lanes(x, out, beta, dec, timed, adjust, ignore_na, w_star, p * LANES * size, size,
                              st + 6 * LANES * p, sp, stamped, unit_ns, neg_scale)
            for kb in range(nb // LANES):  # the bad steps of each thread's walk, in its first lane's slot
                bad_stamps += <int64_t> st[6 * LANES * kb + 5]
            s.m = mean[0]
            s.w = wt[0]
            s.n = nobs[0]
            for kb in range(nb):
                lm = st[6 * kb]
                lw = st[6 * kb + 1]
                q = 0
                n_start = s.n
                merged = False
                for i in range(kb * size, (kb + 1) * size):
                    cur = <double> x[i]
                    if timed:
                        d = stamp_decay(sp, i, unit_ns, neg_scale) if stamped else dec[i]
                        nw = 1.0 if adjust else 1.0 - d
                    else:
                        d = beta
                        nw = nw_const
                    s = step(s.m, s.w, s.n, cur, d, nw, adjust, ignore_na)
                    lane(&lm, &lw, &q, cur, d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
                    if s.m == lm and s.w == lw and s.n > 0 and s.n >= minp:
                        merged = True  # out[i:] of the block is already right
                        break
                    out[i] = <floating> (s.m if s.n >= minp else NAN)
                bad += s.n > 0 and not finite(s.m)
                if merged:
                    s.m = st[6 * kb + 2]
                    s.w = st[6 * kb + 3]
                    bad += not finite(s.m)
                s.n = n_start + size - <int64_t> st[6 * kb + 4]
            for i in range(nb * size, T):
                cur = <double> x[i]
                bad += fabs(cur) == INFINITY
                if stamped and i > 0:
                    bad_stamps += sp[i] < sp[i - 1]
                if timed:
                    d = stamp_decay(sp, i, unit_ns, neg_scale) if stamped else dec[i]
                    nw = 1.0 if adjust else 1.0 - d
                else:
                    d = beta
                    nw = nw_const
                s = step(s.m, s.w, s.n, cur, d, nw, adjust, ignore_na)
                out[i] = <floating> (s.m if s.n >= minp else NAN)
            mean[0] = s.m
            wt[0] = s.w
            nobs[0] = s.n
    finally:
        free(st)
    return bad, bad_stamps


# --------------------------------------------------------------------------- in-place moments


def ewma_update(floating[::1] v, const floating[::1] x, double beta):
    """In place over flat arrays: v[k] <- β·v[k] + (1 − β)·x[k] (the optimizers' moments)."""
    cdef Py_ssize_t k
    check_sizes("ewma_update", v.shape[0], {"x": x.shape[0]})
    with nogil:
        for k in range(v.shape[0]):
            v[k] = <floating> ema_step(<double> v[k], <double> x[k], beta)


# --------------------------------------------------------------------------- carrying a state across chunks
#
# The scale-out (ewmakit.dask) smooths partitions in parallel, so the state entering a partition is known only
# after the ones before it. Each partition is first walked from a guessed state (in parallel): its first value
# (0 if NaN) at the steady weight, already started. Once the true incoming state is known, the partition is
# walked again from it, beside the guessed walk, until the two agree; from there on they do the same operations
# on the same numbers, so the state after the partition is the guessed walk's end state, bit for bit what one
# walk over all the partitions gives. An EWMA forgets its start geometrically: they agree within a few hundred
# rows; a walk that never agrees simply goes to the partition's end.

cdef int64_t GUESSED = (<int64_t> 1) << 40  # observations a guessed state claims: it has started, for good


def mean_guess(const floating[:, ::1] x, const double[::1] decay, bint timed, double beta, bint adjust,
               bint ignore_na, double w_star, double[::1] guess_mean, double[::1] guess_wt, double[::1] end_mean,
               double[::1] end_wt, int64_t[::1] count):
    """Walk each column of the chunk ``x`` (T, C) from a guessed state; no output.

    Fills the guesses (``guess_mean``, ``guess_wt``: the column's first value,
    0 if NaN, at the steady weight ``w_star``, or 1 without one), the states the
    walks end in (``end_mean``, ``end_wt``) and the observations of each column
    (``count``). ``decay[0]`` is the decay the guessed walk gives row 0 (any:
    :func:`mean_continue` walks row 0 again with the true one).
    """
    cdef Py_ssize_t T = x.shape[0], C = x.shape[1], i, j
    cdef double c, d, nw
    cdef Mean s
    check_sizes("mean_guess", C, {"guess_mean": guess_mean.shape[0], "guess_wt": guess_wt.shape[0],
                                  "end_mean": end_mean.shape[0], "end_wt": end_wt.shape[0], "count": count.shape[0]})
    check_sizes("mean_guess", T if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    if T == 0:
        for j in range(C):
            guess_mean[j] = end_mean[j] = 0.0
            guess_wt[j] = end_wt[j] = 1.0
            count[j] = 0
        return
    with nogil:
        for j in range(C):
            c = <double> x[0, j]
            guess_mean[j] = end_mean[j] = c if c == c else 0.0
            guess_wt[j] = end_wt[j] = w_star if w_star == w_star else 1.0
            count[j] = GUESSED
        for i in range(T):
            d = decay[i] if timed else beta
            nw = 1.0 if adjust else 1.0 - d
            for j in range(C):
                s = step(end_mean[j], end_wt[j], count[j], <double> x[i, j], d, nw, adjust, ignore_na)
                end_mean[j] = s.m
                end_wt[j] = s.w
                count[j] = s.n
        for j in range(C):
            count[j] -= GUESSED


def mean_continue(const floating[:, ::1] x, const double[::1] decay, bint timed, double beta, bint adjust,
                  bint ignore_na, double d0, const double[::1] guess_mean, const double[::1] guess_wt,
                  const double[::1] end_mean, const double[::1] end_wt, const int64_t[::1] count, double[::1] mean,
                  double[::1] wt, int64_t[::1] nobs):
    """Advance the state (``mean``, ``wt``, ``nobs``) over the chunk ``x`` exactly as a walk would, using the
    guessed walk of :func:`mean_guess` (same ``x`` and ``decay``); ``d0``: the true decay of row 0 (timed).

    Returns the number of rows walked in all (the work the guess saved shows as a small number).
    """
    cdef Py_ssize_t T = x.shape[0], C = x.shape[1], i, j
    cdef int64_t walked = 0, n_in
    cdef double cur, d, dg
    cdef Mean s, g
    check_sizes("mean_continue", C, {"guess_mean": guess_mean.shape[0], "guess_wt": guess_wt.shape[0],
                                     "end_mean": end_mean.shape[0], "end_wt": end_wt.shape[0],
                                     "count": count.shape[0], "mean": mean.shape[0], "wt": wt.shape[0],
                                     "nobs": nobs.shape[0]})
    check_sizes("mean_continue", T if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    with nogil:
        for j in range(C):
            s.m, s.w, s.n = mean[j], wt[j], nobs[j]
            g.m, g.w, g.n = guess_mean[j], guess_wt[j], GUESSED
            n_in = s.n
            for i in range(T):
                cur = <double> x[i, j]
                dg = decay[i] if timed else beta
                d = d0 if (timed and i == 0) else dg
                s = step(s.m, s.w, s.n, cur, d, 1.0 if adjust else 1.0 - d, adjust, ignore_na)
                g = step(g.m, g.w, g.n, cur, dg, 1.0 if adjust else 1.0 - dg, adjust, ignore_na)
                walked += 1
                if s.m == g.m and s.w == g.w and s.n > 0:  # the same state from here on: the guess's end
                    s.m, s.w, s.n = end_mean[j], end_wt[j], n_in + count[j]
                    break
            mean[j], wt[j], nobs[j] = s.m, s.w, s.n
    return walked
