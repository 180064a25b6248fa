# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Fused indicator kernels: Wilder's RSI and ATR, and MACD, each reading its prices once.

Composed of whole-panel passes, an indicator would read and write the panel
once per step (RSI: the changes, the gains, the losses, their two EWMAs, the
ratio; MACD: two EMAs, the line, its EMA, the histogram). Here each thread
takes a range of columns and walks it down the rows in blocks of ROWS rows:
the prices of a block are transformed into cache-sized scratch, smoothed by
:func:`ewmakit._engine._panel.mean_cols` (the kernel every EWMA of a panel
runs, its state carried from block to block) and combined into the result.
So each indicator equals, bit for bit, the composition of EWMAs it replaces.

No validation of the values here (:mod:`ewmakit._engine.indicators` builds the
states, and the seeds of ``seed="sma"`` for RSI and ATR); the entry points
only refuse arrays they would read or write out of bounds. They return the
number of ±inf values met (not valid data: the caller raises), so no separate
pass over the prices is needed to check them.
"""

from cython.parallel cimport prange
from libc.math cimport fabs, INFINITY, NAN
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

from ._panel cimport mean_cols
from ._sizes cimport check_sizes
from ._rules cimport mean_update


cdef extern from *:
    # restrict-qualified pointers: the row loops touch up to ten arrays, too many for the compiler to check for
    # overlap at run time, so without them those loops would not be vectorised (they never overlap)
    ctypedef double* double_r "double * __restrict__"
    ctypedef const double* cdouble_r "const double * __restrict__"


cdef enum:
    ROWS = 32  # rows per block (all three indicators)
    COLS = 512  # MACD: columns per tile (a block of each scratch array is 128 KB, the steady states 24 KB)

cdef enum:
    # MACD's three EMAs: their row in the state arrays (shape (3, width)) and in the scratch (shape (4, ROWS, width))
    FAST = 0
    SLOW = 1
    SIG = 2
    LINE = 3  # the scratch block of the line (fast − slow): the signal EMA's input


cdef inline double positive_part(double v) noexcept nogil:
    """max(v, 0): NaN for NaN, +0.0 for a zero of either sign (the numba kernel's rule)."""
    return v if v > 0.0 else (0.0 if v == v else NAN)


cdef inline double larger(double a, double b) noexcept nogil:
    """Python's max(a, b): ``b`` if b > a, else ``a`` (so max(-0.0, 0.0) is -0.0, as the numba kernels had it)."""
    return b if b > a else a


cdef inline double max3(double a, double b, double c) noexcept nogil:
    """max of three, NaN if any is NaN (as numpy.maximum); else max(a, max(b, c)) in Python's sense."""
    cdef double r = larger(a, larger(b, c))
    return r if (a == a) & (b == b) & (c == c) else NAN  # no branch: the loop that calls it is vectorised


cdef inline Py_ssize_t widest_part(Py_ssize_t N, int parts) noexcept nogil:
    """The most columns one of the ``parts`` ranges p·N//parts : (p+1)·N//parts holds (at least 1)."""
    cdef Py_ssize_t w = (N + parts - 1) // parts
    return w if w > 0 else 1


# --------------------------------------------------------------------------- RSI


cdef int64_t rsi_cols(const double* close, double* out, Py_ssize_t T, Py_ssize_t N, double beta, double* mean,
                      double* wt, int64_t* nobs, const int64_t* first_row, Py_ssize_t c0, Py_ssize_t c1,
                      double* work) noexcept nogil:
    """Wilder's RSI of columns ``c0:c1`` of ``close`` (T, N) into ``out`` (T, N).

    The state holds the gains' averages in ``[:N]`` and the losses' in
    ``[N:]``; ``first_row`` one row per column (gains and losses miss the same
    rows). Per block of ROWS rows: the gains and losses (NaN at row 0) into
    scratch, their averages (the gains' straight into ``out``), then
    100·G/(G + L), NaN where G + L is not > 0. ``work``: 3·ROWS·w + 2·w
    doubles, w = c1 − c0. Returns the number of ±inf closes.
    """
    cdef Py_ssize_t w = c1 - c0, r0, h, k, i, j
    cdef double* gain = work  # (ROWS, w)
    cdef double* loss = work + ROWS * w  # (ROWS, w)
    cdef double* avg_loss = work + 2 * ROWS * w  # (ROWS, w)
    cdef double* m_row = work + 3 * ROWS * w  # (w,)
    cdef double* w_row = m_row + w  # (w,)
    cdef double no_decay = 1.0, d, g, total
    cdef const double* now
    cdef const double* before
    cdef double* gr
    cdef double* lr
    cdef double* orow
    cdef const double* al
    cdef int64_t ninf = 0
    if w <= 0:
        return 0
    r0 = 0
    while r0 < T:
        h = min(T, r0 + ROWS) - r0
        for k in range(h):
            i = r0 + k
            now = close + i * N + c0
            gr = gain + k * w
            lr = loss + k * w
            for j in range(w):
                ninf += fabs(now[j]) == INFINITY
            if i == 0:
                for j in range(w):
                    gr[j] = NAN
                    lr[j] = NAN
                continue
            before = now - N
            for j in range(w):
                d = now[j] - before[j]
                gr[j] = positive_part(d)
                lr[j] = positive_part(-d)
        orow = out + r0 * N + c0
        mean_cols(<const double*> gain, w, orow, N, h, 0, w, beta, &no_decay, False, False, False, 1, mean + c0,
                  wt + c0, nobs + c0, first_row + c0, m_row, w_row, r0)
        mean_cols(<const double*> loss, w, avg_loss, w, h, 0, w, beta, &no_decay, False, False, False, 1,
                  mean + N + c0, wt + N + c0, nobs + N + c0, first_row + c0, m_row, w_row, r0)
        for k in range(h):
            orow = out + (r0 + k) * N + c0
            al = avg_loss + k * w
            for j in range(w):
                g = orow[j]
                total = g + al[j]
                orow[j] = 100.0 * g / total if total > 0.0 else NAN
        r0 += ROWS
    return ninf


def rsi(const double[:, ::1] close, double[:, ::1] out, double beta, double[::1] mean, double[::1] wt,
        int64_t[::1] nobs, const int64_t[::1] first_row, int parts):
    """Wilder's RSI of every column of ``close`` (T, N) into ``out`` (T, N), ``parts`` column ranges in parallel.

    G and L, the EWMAs (weights β, 1 − β from their state) of the gains
    max(Δclose, 0) and the losses max(−Δclose, 0), give 100·G/(G + L) (NaN
    where nothing moved). The state (``mean``, ``wt``, ``nobs``: 2N series,
    the gains' then the losses', updated in place) and ``first_row`` (N: rows
    before it are skipped, NaN out) are those of an EWMA; an SMA seed is a
    start state with ``first_row`` the row after it. Returns the number of
    ±inf closes met.
    """
    cdef Py_ssize_t T = close.shape[0], N = close.shape[1], wmax, size
    cdef int64_t ninf = 0
    cdef int p
    cdef double* work
    parts = max(1, min(parts, 1024))
    check_sizes("rsi", 2 * N, {"mean": mean.shape[0], "wt": wt.shape[0], "nobs": nobs.shape[0]})
    check_sizes("rsi", N, {"first_row": first_row.shape[0], "out's columns": out.shape[1]})
    check_sizes("rsi", T, {"out": out.shape[0]})
    if T == 0 or N == 0:
        return 0
    wmax = widest_part(N, parts)
    size = (3 * ROWS + 2) * wmax  # doubles of scratch per part
    work = <double*> malloc(parts * size * sizeof(double))
    if work == NULL:
        raise MemoryError()
    try:
        with nogil:
            if parts <= 1:
                ninf = rsi_cols(&close[0, 0], &out[0, 0], T, N, beta, &mean[0], &wt[0], &nobs[0], &first_row[0],
                                0, N, work)
            else:
                for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    ninf += rsi_cols(&close[0, 0], &out[0, 0], T, N, beta, &mean[0], &wt[0], &nobs[0],
                                     &first_row[0], p * N // parts, (p + 1) * N // parts, work + p * size)
    finally:
        free(work)
    return ninf


# --------------------------------------------------------------------------- ATR


cdef int64_t atr_cols(const double* high, const double* low, const double* close, double* out, Py_ssize_t T,
                      Py_ssize_t N, double beta, bint first_tr, double* mean, double* wt, int64_t* nobs,
                      const int64_t* first_row, Py_ssize_t c0, Py_ssize_t c1, double* work) noexcept nogil:
    """Wilder's ATR of columns ``c0:c1``: the true range, smoothed straight into ``out`` (T, N).

    TR = max(H − L, |H − C₋₁|, |L − C₋₁|) (NaN if any is NaN); row 0 has no
    previous close: H − L with ``first_tr``, else NaN. ``work``: ROWS·w + 2·w
    doubles, w = c1 − c0. Returns the number of ±inf prices.
    """
    cdef Py_ssize_t w = c1 - c0, r0, h, k, i, j
    cdef double* tr = work  # (ROWS, w)
    cdef double* m_row = work + ROWS * w
    cdef double* w_row = m_row + w
    cdef double no_decay = 1.0, hi, lo, pc
    cdef const double* his
    cdef const double* los
    cdef const double* cs
    cdef const double* pcs
    cdef double* t
    cdef int64_t ninf = 0
    if w <= 0:
        return 0
    r0 = 0
    while r0 < T:
        h = min(T, r0 + ROWS) - r0
        for k in range(h):
            i = r0 + k
            his = high + i * N + c0
            los = low + i * N + c0
            cs = close + i * N + c0
            t = tr + k * w
            for j in range(w):
                ninf += (fabs(his[j]) == INFINITY) + (fabs(los[j]) == INFINITY) + (fabs(cs[j]) == INFINITY)
            if i > 0:
                pcs = cs - N
                for j in range(w):
                    hi = his[j]
                    lo = los[j]
                    pc = pcs[j]
                    t[j] = max3(hi - lo, fabs(hi - pc), fabs(lo - pc))
            elif first_tr:
                for j in range(w):
                    t[j] = his[j] - los[j]
            else:
                for j in range(w):
                    t[j] = NAN
        mean_cols(<const double*> tr, w, out + r0 * N + c0, N, h, 0, w, beta, &no_decay, False, False, False, 1,
                  mean + c0, wt + c0, nobs + c0, first_row + c0, m_row, w_row, r0)
        r0 += ROWS
    return ninf


def atr(const double[:, ::1] high, const double[:, ::1] low, const double[:, ::1] close, double[:, ::1] out,
        double beta, bint first_tr, double[::1] mean, double[::1] wt, int64_t[::1] nobs,
        const int64_t[::1] first_row, int parts):
    """Wilder's ATR of every column (``high``, ``low``, ``close``: (T, N)) into ``out``, ``parts`` ranges in parallel.

    The EWMA (weights β, 1 − β from its state ``mean``, ``wt``, ``nobs``: N
    series, updated in place; rows before ``first_row`` skipped) of the true
    range; ``first_tr``: row 0's true range is H − L (else NaN). Returns the
    number of ±inf prices met.
    """
    cdef Py_ssize_t T = close.shape[0], N = close.shape[1], wmax, size
    cdef int64_t ninf = 0
    cdef int p
    cdef double* work
    parts = max(1, min(parts, 1024))
    check_sizes("atr", T, {"high": high.shape[0], "low": low.shape[0], "out": out.shape[0]})
    check_sizes("atr", N, {"high's columns": high.shape[1], "low's columns": low.shape[1],
                           "out's columns": out.shape[1], "mean": mean.shape[0], "wt": wt.shape[0],
                           "nobs": nobs.shape[0], "first_row": first_row.shape[0]})
    if T == 0 or N == 0:
        return 0
    wmax = widest_part(N, parts)
    size = (ROWS + 2) * wmax
    work = <double*> malloc(parts * size * sizeof(double))
    if work == NULL:
        raise MemoryError()
    try:
        with nogil:
            if parts <= 1:
                ninf = atr_cols(&high[0, 0], &low[0, 0], &close[0, 0], &out[0, 0], T, N, beta, first_tr, &mean[0],
                                &wt[0], &nobs[0], &first_row[0], 0, N, work)
            else:
                for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    ninf += atr_cols(&high[0, 0], &low[0, 0], &close[0, 0], &out[0, 0], T, N, beta, first_tr,
                                     &mean[0], &wt[0], &nobs[0], &first_row[0], p * N // parts,
                                     (p + 1) * N // parts, work + p * size)
    finally:
        free(work)
    return ninf


# --------------------------------------------------------------------------- MACD
#
# Each thread takes a range of columns, cut into tiles of COLS columns, and
# walks a tile down the rows in blocks of ROWS, writing line, signal and
# histogram straight into the result block (line in columns 0:N, signal in
# N:2N, histogram in 2N:3N of ``out`` (T, 3N)). A block is computed one of two
# ways, with the same arithmetic:
#
# * the general way (macd_block): smooth the block of closes twice into scratch
#   with mean_cols (state carried from block to block), take the line, smooth
#   it the same way, write the three;
# * once every column of the tile has all three EMAs running at unit weight
#   (past their seeds, no gap pending), row by row in one branch-free loop
#   (macd_steady_rows) doing, per value, what mean_cols does then: mean_update
#   with the weights (β, 1 − β). The states are double-buffered, so a row with
#   a NaN line (a NaN close, or ±inf − ±inf) is left to the general way from
#   untouched states.
#
# So the result is the composition's (an EMA twice, their difference, an EMA of
# it, the difference) bit for bit.
#
# SMA seeds (``sma``) are found on the way, as ewmakit.finance._sma_seed defines
# them: a column's EMA of window n starts at the row of its n-th observation
# with the mean of its first n, their sum taken as np.nancumsum takes it (row
# after row from row 0 starting at -0.0, a missing value adding +0.0, so even
# the sign of a zero sum is the same); the signal EMA likewise on the line. The
# seed becomes the EMA's start state with first_row the row after, and is
# written at its own row.


ctypedef struct Seed:
    # a seed found in a block: its column (in the tile), its row (in the block) and its value
    Py_ssize_t col
    Py_ssize_t row
    double value


ctypedef struct MacdWork:
    # one thread's scratch, for tiles of at most ``width`` columns (indexed from the tile's first column)
    Py_ssize_t width
    double* mean  # (3, width): the EMAs' states
    double* wt
    double* alt  # (3, width): the other buffer of ``mean`` (macd_steady_rows)
    int64_t* nobs
    int64_t* first_row
    Py_ssize_t* pend  # (2, width): columns whose SMA seeds are still being summed, [0] the closes', [1] the line's
    Py_ssize_t npend[2]  # how many of each
    double* acc  # (2, width): running nancumsum of each column, [0] of the closes, [1] of the line
    int64_t* cnt  # (2, width): observations summed so far
    Seed* just  # (3, width): the seeds each EMA found in the current block
    double* scratch  # (4, ROWS, width): the block's fast EMA, slow EMA, signal EMA and line
    double* m_row  # (width,): mean_cols' scratch rows
    double* w_row


cdef Py_ssize_t macd_work_bytes(Py_ssize_t width) noexcept nogil:
    """Bytes of one thread's MACD scratch for tiles of ``width`` columns, rounded up to cache lines."""
    cdef Py_ssize_t b = width * ((3 * 3 + 2 + 4 * ROWS + 2) * sizeof(double) + 2 * 3 * sizeof(int64_t)
                                 + 2 * sizeof(Py_ssize_t) + 2 * sizeof(int64_t) + 3 * sizeof(Seed))
    return (b + 63) // 64 * 64


cdef void macd_work_init(MacdWork* ws, char* mem, Py_ssize_t width) noexcept nogil:
    """Lay the scratch of one thread out in ``mem`` (:func:`macd_work_bytes` bytes)."""
    ws.width = width
    ws.scratch = <double*> mem
    ws.mean = ws.scratch + 4 * ROWS * width
    ws.wt = ws.mean + 3 * width
    ws.alt = ws.wt + 3 * width
    ws.acc = ws.alt + 3 * width
    ws.m_row = ws.acc + 2 * width
    ws.w_row = ws.m_row + width
    ws.nobs = <int64_t*> (ws.w_row + width)
    ws.first_row = ws.nobs + 3 * width
    ws.cnt = ws.first_row + 3 * width
    ws.pend = <Py_ssize_t*> (ws.cnt + 2 * width)
    ws.just = <Seed*> (ws.pend + 2 * width)
    ws.npend[0] = 0
    ws.npend[1] = 0


cdef Py_ssize_t seed_scan(const double* x, Py_ssize_t xs, Py_ssize_t r0, Py_ssize_t h, Py_ssize_t* pend,
                          Py_ssize_t npend, double* acc, int64_t* cnt, const int64_t* windows, int e1, int e2,
                          MacdWork* ws, Py_ssize_t* found, int64_t* infs) noexcept nogil:
    """Advance the SMA seeds of the tile's columns ``pend[:npend]`` over rows ``r0:r0+h`` (row k at ``x + k*xs``).

    ``acc``/``cnt``: each column's running ``nancumsum`` and count of
    observations. At the ``windows[e]``-th observation, EMA ``e`` (``e1``, then
    ``e2`` if it is not -1) gets the start state (sum/n, its weight 1 as it
    is, n observations) and ``first_row`` the next row; ``ws.just[e]``
    collects the seeds (``found[e]`` of them) for the caller to write at their
    rows. (If the two windows were equal only ``e1`` would be seeded: the
    numba kernel's rule, kept; MACD's fast window is below its slow one.)
    Returns the number of columns still pending, compacted at the front of
    ``pend``. ``infs`` (unless NULL) counts the ±inf values the seeds took in:
    the kernel after the seed skips their rows, so they are counted here (an
    overflow of the line inside the signal's seed window raises like any other).
    """
    cdef int64_t n1 = windows[e1]
    cdef int64_t n2 = windows[e2] if e2 >= 0 else 0
    cdef int64_t last = max(n1, n2), c
    cdef Py_ssize_t q = 0, p, j, k, width = ws.width
    cdef Py_ssize_t m1 = 0, m2 = 0
    cdef double s, v, seed
    cdef Seed* just1 = ws.just + e1 * width
    cdef Seed* just2 = ws.just + (e2 if e2 >= 0 else 0) * width
    for p in range(npend):
        j = pend[p]
        s = acc[j]
        c = cnt[j]
        for k in range(h):
            v = x[k * xs + j]
            if infs != NULL and fabs(v) == INFINITY:
                infs[0] += 1
            s += v if v == v else 0.0
            if v == v:
                c += 1
                if c == n1:
                    seed = s / n1
                    ws.mean[e1 * width + j] = seed
                    ws.nobs[e1 * width + j] = n1
                    ws.first_row[e1 * width + j] = r0 + k + 1
                    just1[m1].col = j
                    just1[m1].row = k
                    just1[m1].value = seed
                    m1 += 1
                elif c == n2:
                    seed = s / n2
                    ws.mean[e2 * width + j] = seed
                    ws.nobs[e2 * width + j] = n2
                    ws.first_row[e2 * width + j] = r0 + k + 1
                    just2[m2].col = j
                    just2[m2].row = k
                    just2[m2].value = seed
                    m2 += 1
                if c == last:
                    break
        acc[j] = s
        cnt[j] = c
        if c < last:
            pend[q] = j
            q += 1
    found[e1] = m1
    if e2 >= 0:
        found[e2] = m2
    return q


cdef inline void put_seeds(double* block, Py_ssize_t stride, const Seed* just, Py_ssize_t m) noexcept nogil:
    """Write the seeds ``just[:m]`` into ``block`` (row k at ``block + k*stride``), each at its row and column."""
    cdef Py_ssize_t p
    for p in range(m):
        block[just[p].row * stride + just[p].col] = just[p].value


cdef int64_t macd_block(const double* close, double* out, Py_ssize_t N, Py_ssize_t r0, Py_ssize_t h, Py_ssize_t a,
                        Py_ssize_t w, const double* betas, const int64_t* windows, MacdWork* ws) noexcept nogil:
    """Rows ``r0:r0+h`` of the tile of columns ``a:a+w`` the general way (any state; seeds, gaps, first rows).

    Returns the number of ±inf values the signal EMA met on the line.
    """
    cdef Py_ssize_t width = ws.width, k, j
    cdef Py_ssize_t found[3]
    cdef double* fast_ema = ws.scratch + FAST * ROWS * width
    cdef double* slow_ema = ws.scratch + SLOW * ROWS * width
    cdef double* sig_ema = ws.scratch + SIG * ROWS * width
    cdef double* line_blk = ws.scratch + LINE * ROWS * width
    cdef const double* xb = close + r0 * N + a  # row k of the block at xb + k*N
    cdef double no_decay = 1.0, v, g
    cdef double* fr
    cdef double* sr
    cdef double* lr
    cdef double* gr
    cdef double* lo
    cdef int64_t ninf, seed_infs
    cdef int e
    found[FAST] = found[SLOW] = found[SIG] = 0
    if ws.npend[0]:
        ws.npend[0] = seed_scan(xb, N, r0, h, ws.pend, ws.npend[0], ws.acc, ws.cnt, windows, FAST, SLOW, ws, found,
                                NULL)  # the closes were checked for ±inf up front
    for e in range(2):  # FAST, then SLOW
        mean_cols(xb, N, ws.scratch + e * ROWS * width, width, h, 0, w, betas[e], &no_decay, False, False, False, 1,
                  ws.mean + e * width, ws.wt + e * width, ws.nobs + e * width, ws.first_row + e * width, ws.m_row,
                  ws.w_row, r0)
        put_seeds(ws.scratch + e * ROWS * width, width, ws.just + e * width, found[e])
    for k in range(h):
        fr = fast_ema + k * width
        sr = slow_ema + k * width
        lr = line_blk + k * width
        for j in range(w):
            lr[j] = fr[j] - sr[j]
    seed_infs = 0
    if ws.npend[1]:
        ws.npend[1] = seed_scan(line_blk, width, r0, h, ws.pend + width, ws.npend[1], ws.acc + width,
                                ws.cnt + width, windows, SIG, -1, ws, found, &seed_infs)
    ninf = seed_infs + mean_cols(<const double*> line_blk, width, sig_ema, width, h, 0, w, betas[SIG], &no_decay, False, False,
                     False, 1, ws.mean + SIG * width, ws.wt + SIG * width, ws.nobs + SIG * width,
                     ws.first_row + SIG * width, ws.m_row, ws.w_row, r0)
    put_seeds(sig_ema, width, ws.just + SIG * width, found[SIG])
    for k in range(h):
        lr = line_blk + k * width
        gr = sig_ema + k * width
        lo = out + (r0 + k) * 3 * N + a
        for j in range(w):
            v = lr[j]
            g = gr[j]
            lo[j] = v
            lo[N + j] = g
            lo[2 * N + j] = v - g
    return ninf


cdef bint macd_steady(const MacdWork* ws, Py_ssize_t w, Py_ssize_t r0) noexcept nogil:
    """Whether every column of the tile (``w`` columns) has its three EMAs running at unit weight from row ``r0`` on."""
    cdef Py_ssize_t e, j, q
    for e in range(3):
        for j in range(w):
            q = e * ws.width + j
            if ws.nobs[q] == 0 or ws.first_row[q] > r0 or ws.wt[q] != 1.0:
                return False
    return True


cdef inline int64_t steady_row(cdouble_r xr, cdouble_r sf, cdouble_r ss, cdouble_r sg, double_r df, double_r ds,
                               double_r dg, double_r lo, double_r so, double_r ho, Py_ssize_t w, double of, double nf,
                               double os_, double ns, double og, double ng, int64_t* infs) noexcept nogil:
    """One row of :func:`macd_steady_rows`: the three EMAs of ``w`` columns from ``sf``/``ss``/``sg`` into ``df``/``ds``/``dg``.

    Writes the line, signal and histogram into ``lo``, ``so``, ``ho``; adds
    the ±inf values on the line to ``infs``; returns the number of NaN lines
    (the row is then not to be kept).
    """
    cdef Py_ssize_t j
    cdef double cur, f, s, line, g
    cdef int64_t bad = 0, n_inf = 0
    for j in range(w):
        cur = xr[j]
        f = mean_update(sf[j], cur, of, nf)
        s = mean_update(ss[j], cur, os_, ns)
        line = f - s
        g = mean_update(sg[j], line, og, ng)
        bad += line != line
        n_inf += fabs(line) == INFINITY
        df[j] = f
        ds[j] = s
        dg[j] = g
        lo[j] = line
        so[j] = g
        ho[j] = line - g
    infs[0] += n_inf
    return bad


cdef Py_ssize_t macd_steady_rows(const double* close, double* out, Py_ssize_t N, Py_ssize_t r0, Py_ssize_t h,
                                 Py_ssize_t a, Py_ssize_t w, const double* betas, MacdWork* ws,
                                 int64_t* ninf) noexcept nogil:
    """Rows ``r0:r0+h`` of the tile ``a:a+w`` in one loop, every EMA at unit weight (see :func:`macd_steady`).

    Each value takes :func:`mean_update` with weights (β, 1 − β), as
    ``mean_cols`` (and ``step``) do for an observation at unit weight. New
    states go to the other buffer, so at the first row with a NaN line (a NaN
    close, or ±inf − ±inf) nothing of it is kept. Returns the number of rows
    done (the rest is for :func:`macd_block`); adds the ±inf values on their
    line to ``ninf``.
    """
    cdef Py_ssize_t width = ws.width, k = 0, j, e
    cdef double of = 1.0 * betas[FAST], os_ = 1.0 * betas[SLOW], og = 1.0 * betas[SIG]
    cdef double nf = 1.0 - betas[FAST], ns = 1.0 - betas[SLOW], ng = 1.0 - betas[SIG]
    cdef double* sf = ws.mean + FAST * width
    cdef double* ss = ws.mean + SLOW * width
    cdef double* sg = ws.mean + SIG * width
    cdef double* df = ws.alt + FAST * width
    cdef double* ds = ws.alt + SLOW * width
    cdef double* dg = ws.alt + SIG * width
    cdef double* tmp
    cdef const double* xr
    cdef double* lo
    cdef int64_t infs
    while k < h:
        xr = close + (r0 + k) * N + a
        lo = out + (r0 + k) * 3 * N + a
        infs = 0
        if steady_row(xr, sf, ss, sg, df, ds, dg, lo, lo + N, lo + 2 * N, w, of, nf, os_, ns, og, ng, &infs):
            break
        ninf[0] += infs
        tmp = sf; sf = df; df = tmp
        tmp = ss; ss = ds; ds = tmp
        tmp = sg; sg = dg; dg = tmp
        k += 1
    for e in range(3):
        for j in range(w):
            if k % 2:  # the states are in alt
                ws.mean[e * width + j] = ws.alt[e * width + j]
            ws.nobs[e * width + j] += k
    return k


cdef int64_t macd_cols(const double* close, double* out, Py_ssize_t T, Py_ssize_t N, const double* betas,
                       const int64_t* windows, bint sma, Py_ssize_t c0, Py_ssize_t c1, MacdWork* ws) noexcept nogil:
    """MACD of columns ``c0:c1`` of ``close`` (T, N) into ``out`` (T, 3N): line, signal, histogram.

    Tiles of at most ``ws.width`` (COLS) columns, each walked down the rows
    from fresh states. Returns the number of ±inf values the signal EMA met on
    the line.
    """
    cdef Py_ssize_t width = ws.width, a = c0, b, w, j, r0, h, done
    cdef int64_t ninf = 0
    cdef int e, q
    while a < c1:
        b = min(c1, a + COLS)
        w = b - a
        for j in range(w):  # fresh states for the tile's columns
            for e in range(3):
                # sma: skip every row until the seed sets the state; else start at the first value
                ws.mean[e * width + j] = 0.0 if sma else NAN
                ws.wt[e * width + j] = 1.0
                ws.nobs[e * width + j] = 0
                ws.first_row[e * width + j] = T + 1 if sma else 0
            for q in range(2):
                ws.acc[q * width + j] = -0.0  # -0.0 + x is x, bit for bit (as nancumsum's first row)
                ws.cnt[q * width + j] = 0
                ws.pend[q * width + j] = j
        ws.npend[0] = w if sma else 0
        ws.npend[1] = w if sma else 0
        r0 = 0
        while r0 < T:
            h = min(T, r0 + ROWS) - r0
            done = 0
            if macd_steady(ws, w, r0):
                done = macd_steady_rows(close, out, N, r0, h, a, w, betas, ws, &ninf)
            if done < h:
                ninf += macd_block(close, out, N, r0 + done, h - done, a, w, betas, windows, ws)
            r0 += ROWS
        a += COLS
    return ninf


cdef int64_t macd_part(const double* close, double* out, Py_ssize_t T, Py_ssize_t N, const double* betas,
                       const int64_t* windows, bint sma, Py_ssize_t c0, Py_ssize_t c1, char* mem,
                       Py_ssize_t width) noexcept nogil:
    """:func:`macd_cols` of one thread's range, its scratch laid out in ``mem``."""
    cdef MacdWork ws
    macd_work_init(&ws, mem, width)
    return macd_cols(close, out, T, N, betas, windows, sma, c0, c1, &ws)


def macd(const double[:, ::1] close, double[:, ::1] out, const double[::1] betas, const int64_t[::1] windows,
         bint sma, int parts):
    """MACD of every column of ``close`` (T, N) into ``out`` (T, 3N), ``parts`` column ranges in parallel.

    Columns ``0:N`` of ``out`` get the line (fast EMA − slow EMA), ``N:2N`` the
    signal (the EMA of the line), ``2N:3N`` the histogram (line − signal).
    ``betas`` and ``windows`` (3 each) are the fast, slow and signal decays and
    windows; ``sma``: each EMA starts with the SMA of its first n values (else
    at its first value). Returns the number of ±inf values met on the line (the
    caller raises, as smoothing the line alone would).
    """
    cdef Py_ssize_t T = close.shape[0], N = close.shape[1], width, size
    cdef int64_t ninf = 0
    cdef int p
    cdef char* mem
    cdef MacdWork ws
    parts = max(1, min(parts, 1024))
    check_sizes("macd", 3, {"betas": betas.shape[0], "windows": windows.shape[0]})
    check_sizes("macd", T, {"out": out.shape[0]})
    check_sizes("macd", 3 * N, {"out's columns": out.shape[1]})
    if T == 0 or N == 0:
        return 0
    width = min(<Py_ssize_t> COLS, widest_part(N, parts))
    size = macd_work_bytes(width)
    mem = <char*> malloc(parts * size)
    if mem == NULL:
        raise MemoryError()
    try:
        with nogil:
            if parts <= 1:
                macd_work_init(&ws, mem, width)
                ninf = macd_cols(&close[0, 0], &out[0, 0], T, N, &betas[0], &windows[0], sma, 0, N, &ws)
            else:
                for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    ninf += macd_part(&close[0, 0], &out[0, 0], T, N, &betas[0], &windows[0], sma,
                                      p * N // parts, (p + 1) * N // parts, mem + p * size, width)
    finally:
        free(mem)
    return ninf
