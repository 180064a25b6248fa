# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Fused kernels of the exponential family: DEMA, TEMA, T3, TRIX, APO/PPO, ADOSC, KAMA and the ADX family.

Each kernel walks a row-major (T, N) panel causally and column by column:
each thread takes a range of columns, cut into tiles of COLS columns, and
walks a tile down the rows keeping every column's state in small arrays.
A row is computed one of two ways, with the same arithmetic:

* the general way, column by column, with the rules for seeds and missing
  values below;
* once every column of the tile is past its seeds (and its weights are
  back at 1), a row without missing values by branch-free loops across the
  columns, which the compiler turns into SIMD code. They call the same
  inline functions as the general way, so a column's result does not depend
  on its neighbours, on the tiling, or on the number of threads.

The rules (those of :func:`ewmakit.finance.ema`, ``rsi`` and ``atr``):

* an EMA stage of window n seeded with an SMA starts at the row of its
  n-th observation with the mean of its first n observations, their sum
  taken as ``np.nancumsum`` takes it; NaN before;
* after the seed, a stage updates with :func:`mean_update` and weights
  (β, 1 − β); a missing value is a missing observation with pandas' rules
  (``adjust=False, ignore_na=False``): the average carries over, the weight
  of the past decays (w·β) and the next observation takes the larger share;
* a stage fed by another stage sees that stage's output, which is carried
  (not missing) on the rows its own input missed.

So the chained kernels (DEMA, TEMA, T3, TRIX, APO, PPO) equal, bit for bit,
the composition of ``ema(..., seed="sma")`` they describe. Entry points check
sizes (:func:`check_sizes`) and return the number of ±inf inputs met (not
valid data: the caller raises).
"""

from cython.parallel cimport prange
from libc.math cimport fabs, INFINITY, NAN
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

from ._rules cimport mean_update
from ._sizes cimport check_sizes


cdef extern from *:
    # restrict-qualified pointers: the row loops read and write several arrays the compiler cannot prove apart
    ctypedef double* double_r "double * __restrict__"
    ctypedef const double* cdouble_r "const double * __restrict__"


cdef enum:
    COLS = 512  # columns per tile (a row of a tile is 4 KB, a page)
    MAX_STAGES = 6

cdef enum:
    # what a chain of EMA stages combines into (``kind`` of :func:`chain` and :func:`adosc`)
    K_DEMA = 0
    K_TEMA = 1
    K_T3 = 2
    K_TRIX = 3
    K_APO = 4
    K_PPO = 5
    K_ADOSC = 6

cdef enum:
    # the fields of the ADX kernel's output (T, 5N): field f of column j in column f·N + j
    F_ADX = 0
    F_ADXR = 1
    F_PLUS = 2
    F_MINUS = 3
    F_DX = 4

# KAMA's bounds of the smoothing constant (2/(30+1) and 2/(2+1)) and TA-Lib's zero (TA_EPSILON)
cdef double KAMA_SLOW = 2.0 / (30.0 + 1.0)
cdef double KAMA_DIFF = 2.0 / (2.0 + 1.0) - 2.0 / (30.0 + 1.0)
cdef double KAMA_ZERO = 1e-14


cdef inline Py_ssize_t widest_part(Py_ssize_t N, int parts) noexcept nogil:
    """The most columns one of the ``parts`` ranges p·N//parts : (p+1)·N//parts holds (at least 1)."""
    cdef Py_ssize_t w = (N + parts - 1) // parts
    return w if w > 0 else 1


cdef inline double larger(double a, double b) noexcept nogil:
    """Python's max(a, b) (``b`` if b > a, else ``a``)."""
    return b if b > a else a


# --------------------------------------------------------------------------- one EMA stage


cdef inline double stage_step(double* m, double* w, double* acc, int64_t* cnt, double v, int64_t n,
                              double b) noexcept nogil:
    """One row of an SMA-seeded EMA stage (window ``n``, decay ``b``) for one column; returns its output.

    Until the seed: ``acc``/``cnt`` sum and count the observations as
    ``np.nancumsum`` does (a missing value adds +0.0), NaN out; at the n-th
    observation the state becomes (sum/n, weight 1) and is the output. Then
    pandas' rules: an observation updates the mean with weights (w·β, 1 − β)
    and resets the weight to 1; a missing value decays the weight.
    """
    if cnt[0] < n:
        if v == v:
            acc[0] += v
            cnt[0] += 1
            if cnt[0] == n:
                m[0] = acc[0] / n
                w[0] = 1.0
                return m[0]
        else:
            acc[0] += 0.0
        return NAN
    if v == v:
        m[0] = mean_update(m[0], v, w[0] * b, 1.0 - b)
        w[0] = 1.0
    else:
        w[0] = w[0] * b
    return m[0]


cdef void ema_row(double_r m, cdouble_r src, Py_ssize_t w, double b) noexcept nogil:
    """The steady update of one stage across ``w`` columns: every value an observation at unit weight."""
    cdef Py_ssize_t j
    cdef double nw = 1.0 - b
    for j in range(w):
        m[j] = mean_update(m[j], src[j], 1.0 * b, nw)


# --------------------------------------------------------------------------- chains of EMAs


ctypedef struct Plan:
    # a chain of EMA stages and what they combine into
    int kind
    int k  # stages
    double betas[MAX_STAGES]
    int64_t windows[MAX_STAGES]  # SMA seed windows (1: start at the first observation)
    int srcs[MAX_STAGES]  # a stage's input: -1 the row's input, else an earlier stage
    double coefs[4]  # T3's c1..c4
    int64_t min_obs  # ADOSC: observations of the A/D line before the first output


ctypedef struct ChainWork:
    # one thread's scratch for tiles of at most ``width`` columns; stage s of column j at s·width + j
    Py_ssize_t width
    double* m
    double* w
    double* acc
    int64_t* cnt
    double* inp  # (width,): the row's input (ADOSC: the A/D line)
    double* prev  # (width,): TRIX, the last stage's value on the row before
    double* ad  # (width,): ADOSC, the A/D line so far
    int64_t* nad  # (width,): ADOSC, its observations


cdef Py_ssize_t chain_work_bytes(Py_ssize_t width) noexcept nogil:
    return width * ((3 * MAX_STAGES + 3) * sizeof(double) + (MAX_STAGES + 1) * sizeof(int64_t)) + 64


cdef void chain_work_init(ChainWork* ws, char* mem, Py_ssize_t width) noexcept nogil:
    ws.width = width
    ws.m = <double*> mem
    ws.w = ws.m + MAX_STAGES * width
    ws.acc = ws.w + MAX_STAGES * width
    ws.inp = ws.acc + MAX_STAGES * width
    ws.prev = ws.inp + width
    ws.ad = ws.prev + width
    ws.cnt = <int64_t*> (ws.ad + width)
    ws.nad = ws.cnt + MAX_STAGES * width


cdef inline double combine(const Plan* p, const double* e, double prev) noexcept nogil:
    """The indicator from its stages' values ``e`` (and TRIX's previous last stage ``prev``)."""
    cdef double r
    if p.kind == K_DEMA:
        return 2.0 * e[0] - e[1]
    if p.kind == K_TEMA:
        return 3.0 * e[0] - 3.0 * e[1] + e[2]
    if p.kind == K_T3:
        return p.coefs[0] * e[5] + p.coefs[1] * e[4] + p.coefs[2] * e[3] + p.coefs[3] * e[2]
    if p.kind == K_TRIX:
        return (e[2] / prev - 1.0) * 100.0 if prev != 0.0 else NAN
    if p.kind == K_PPO:
        return ((e[0] - e[1]) / e[1]) * 100.0 if e[1] != 0.0 else NAN
    return e[0] - e[1]  # APO, ADOSC


cdef inline double ad_flow(double h, double l, double c, double v) noexcept nogil:
    """The A/D line's increment: ((C − L) − (H − C))/(H − L)·V, 0 when H − L is not > 0; NaN if a price is."""
    cdef double hl = h - l
    if (h != h) | (l != l) | (c != c) | (v != v):
        return NAN
    return (c - l - (h - c)) / hl * v if hl > 0.0 else 0.0


cdef void chain_general_row(const Plan* p, ChainWork* ws, Py_ssize_t w, double* orow) noexcept nogil:
    """One row of a tile column by column from ``ws.inp`` (the input, A/D flows for ADOSC) into ``orow``."""
    cdef Py_ssize_t j, width = ws.width, q
    cdef int s, src
    cdef double e[MAX_STAGES]
    cdef double v, r
    for j in range(w):
        v = ws.inp[j]
        if p.kind == K_ADOSC:
            if v == v:
                ws.ad[j] += v
                ws.nad[j] += 1
                v = ws.ad[j]
        for s in range(p.k):
            src = p.srcs[s]
            q = s * width + j
            e[s] = stage_step(&ws.m[q], &ws.w[q], &ws.acc[q], &ws.cnt[q], v if src < 0 else e[src], p.windows[s],
                              p.betas[s])
        r = combine(p, e, ws.prev[j])
        if p.kind == K_TRIX:
            ws.prev[j] = e[2]
        elif p.kind == K_ADOSC and ws.nad[j] < p.min_obs:
            r = NAN
        orow[j] = r


cdef bint chain_steady(const Plan* p, const ChainWork* ws, Py_ssize_t w) noexcept nogil:
    """Whether every column of the tile has every stage seeded at unit weight (ADOSC: and enough A/D values)."""
    cdef Py_ssize_t j, q
    cdef int s
    for s in range(p.k):
        for j in range(w):
            q = s * ws.width + j
            if ws.cnt[q] < p.windows[s] or ws.w[q] != 1.0:
                return False
    if p.kind == K_ADOSC:
        for j in range(w):
            if ws.nad[j] < p.min_obs:
                return False
    return True


cdef void chain_steady_row(const Plan* p, ChainWork* ws, Py_ssize_t w, double_r orow) noexcept nogil:
    """One row of a steady tile (no missing input) across the columns: each stage, then the combination."""
    cdef Py_ssize_t j, width = ws.width
    cdef int s
    cdef double e[MAX_STAGES]
    cdef double r
    for s in range(p.k):
        ema_row(ws.m + s * width, ws.inp if p.srcs[s] < 0 else ws.m + p.srcs[s] * width, w, p.betas[s])
    if p.kind == K_DEMA:
        for j in range(w):
            orow[j] = 2.0 * ws.m[j] - ws.m[width + j]
    elif p.kind == K_TEMA:
        for j in range(w):
            orow[j] = 3.0 * ws.m[j] - 3.0 * ws.m[width + j] + ws.m[2 * width + j]
    elif p.kind == K_T3:
        for j in range(w):
            orow[j] = (p.coefs[0] * ws.m[5 * width + j] + p.coefs[1] * ws.m[4 * width + j]
                       + p.coefs[2] * ws.m[3 * width + j] + p.coefs[3] * ws.m[2 * width + j])
    elif p.kind == K_TRIX:
        for j in range(w):
            e[2] = ws.m[2 * width + j]
            orow[j] = combine(p, e, ws.prev[j])
            ws.prev[j] = e[2]
    elif p.kind == K_PPO:
        for j in range(w):
            e[0] = ws.m[j]
            e[1] = ws.m[width + j]
            orow[j] = combine(p, e, 0.0)
    else:  # APO, ADOSC
        for j in range(w):
            orow[j] = ws.m[j] - ws.m[width + j]


cdef int64_t chain_cols(const Plan* p, const double* x, const double* hi, const double* lo, const double* cl,
                        const double* vol, double* out, Py_ssize_t T, Py_ssize_t N, Py_ssize_t c0, Py_ssize_t c1,
                        ChainWork* ws) noexcept nogil:
    """The chain of columns ``c0:c1`` (input ``x``, or the A/D flows of ``hi``/``lo``/``cl``/``vol`` for ADOSC)
    into ``out`` (T, N), tile by tile. Returns the number of ±inf inputs."""
    cdef Py_ssize_t width = ws.width, a = c0, w, j, i, q, off
    cdef int64_t ninf = 0, bad
    cdef int s
    cdef bint steady, ad = p.kind == K_ADOSC
    cdef double v, h, l, c, vv, hl
    while a < c1:
        w = min(c1, a + COLS) - a
        for j in range(w):  # fresh states
            for s in range(MAX_STAGES):
                q = s * width + j
                ws.m[q] = NAN
                ws.w[q] = 1.0
                ws.acc[q] = -0.0  # -0.0 + x is x, bit for bit (nancumsum's first row)
                ws.cnt[q] = 0
            ws.prev[j] = NAN
            ws.ad[j] = 0.0
            ws.nad[j] = 0
        steady = False
        for i in range(T):
            off = i * N + a
            bad = 0
            if ad:
                for j in range(w):
                    h = hi[off + j]
                    l = lo[off + j]
                    c = cl[off + j]
                    vv = vol[off + j]
                    ninf += ((fabs(h) == INFINITY) + (fabs(l) == INFINITY) + (fabs(c) == INFINITY)
                             + (fabs(vv) == INFINITY))
                    bad += (h != h) | (l != l) | (c != c) | (vv != vv)
                    hl = h - l
                    ws.inp[j] = (c - l - (h - c)) / (hl if hl > 0.0 else 1.0) * vv if hl > 0.0 else 0.0
                if steady and bad == 0:
                    for j in range(w):
                        ws.ad[j] += ws.inp[j]
                        ws.inp[j] = ws.ad[j]
                    for j in range(w):
                        ws.nad[j] += 1
                    chain_steady_row(p, ws, w, out + off)
                    continue
                for j in range(w):
                    ws.inp[j] = ad_flow(hi[off + j], lo[off + j], cl[off + j], vol[off + j])
            else:
                for j in range(w):
                    v = x[off + j]
                    ws.inp[j] = v
                    ninf += fabs(v) == INFINITY
                    bad += v != v
                if steady and bad == 0:
                    chain_steady_row(p, ws, w, out + off)
                    continue
            chain_general_row(p, ws, w, out + off)
            steady = chain_steady(p, ws, w)
        a += COLS
    return ninf


cdef int64_t chain_part(const Plan* p, const double* x, const double* hi, const double* lo, const double* cl,
                        const double* vol, double* out, Py_ssize_t T, Py_ssize_t N, Py_ssize_t c0, Py_ssize_t c1,
                        char* mem, Py_ssize_t width) noexcept nogil:
    cdef ChainWork ws
    chain_work_init(&ws, mem, width)
    return chain_cols(p, x, hi, lo, cl, vol, out, T, N, c0, c1, &ws)


cdef int64_t run_chain(const Plan* p, const double* x, const double* hi, const double* lo, const double* cl,
                       const double* vol, double* out, Py_ssize_t T, Py_ssize_t N, int parts) except -1:
    cdef Py_ssize_t width = min(<Py_ssize_t> COLS, widest_part(N, parts))
    cdef Py_ssize_t size = (chain_work_bytes(width) + 63) // 64 * 64
    cdef int64_t ninf = 0
    cdef int q
    cdef char* mem = <char*> malloc(parts * size)
    if mem == NULL:
        raise MemoryError()
    try:
        with nogil:
            if parts <= 1:
                ninf = chain_part(p, x, hi, lo, cl, vol, out, T, N, 0, N, mem, width)
            else:
                for q in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    ninf += chain_part(p, x, hi, lo, cl, vol, out, T, N, q * N // parts, (q + 1) * N // parts,
                                       mem + q * size, width)
    finally:
        free(mem)
    return ninf


cdef int make_plan(Plan* p, int kind, int k, const double* betas, const int64_t* windows, const int64_t* srcs,
                   const double* coefs, int64_t min_obs) except -1:
    cdef int s
    need = {K_DEMA: 2, K_TEMA: 3, K_T3: 6, K_TRIX: 3, K_APO: 2, K_PPO: 2, K_ADOSC: 2}
    if kind not in need:
        raise ValueError(f"chain: unknown kind {kind}")
    check_sizes("chain", need[kind], {"betas": k}, "this kind needs")
    p.kind = kind
    p.k = k
    p.min_obs = min_obs
    for s in range(k):
        if windows[s] < 1 or not (-1 <= srcs[s] < s):
            raise ValueError(f"chain: stage {s} has window {windows[s]} and source {srcs[s]}")
        p.betas[s] = betas[s]
        p.windows[s] = windows[s]
        p.srcs[s] = <int> srcs[s]
    for s in range(4):
        p.coefs[s] = coefs[s]
    return 0


def chain(const double[:, ::1] x, double[:, ::1] out, int kind, const double[::1] betas,
          const int64_t[::1] windows, const int64_t[::1] srcs, const double[::1] coefs, int parts):
    """A chain of SMA-seeded EMA stages over every column of ``x`` (T, N), combined into ``out`` (T, N).

    Stage s has decay ``betas[s]``, seed window ``windows[s]`` and input
    ``srcs[s]`` (-1: ``x``, else the output of an earlier stage). ``kind``:
    0 DEMA 2·e1 − e2, 1 TEMA 3·e1 − 3·e2 + e3, 2 T3 c1·e6 + c2·e5 + c3·e4 +
    c4·e3 (``coefs``), 3 TRIX 100·(e3/e3₋₁ − 1), 4 APO e1 − e2, 5 PPO
    100·(e1 − e2)/e2 (NaN where a denominator is 0). ``parts`` column ranges
    in parallel. Returns the number of ±inf values of ``x``.
    """
    cdef Py_ssize_t T = x.shape[0], N = x.shape[1]
    cdef Plan p
    cdef int k = betas.shape[0]
    if kind == K_ADOSC:
        raise ValueError("chain: ADOSC takes high, low, close and volume (adosc)")
    check_sizes("chain", k, {"windows": windows.shape[0], "srcs": srcs.shape[0]})
    check_sizes("chain", 4, {"coefs": coefs.shape[0]})
    make_plan(&p, kind, k, &betas[0] if k else NULL, &windows[0] if k else NULL, &srcs[0] if k else NULL,
              &coefs[0], 0)
    check_sizes("chain", T, {"out": out.shape[0]})
    check_sizes("chain", N, {"out's columns": out.shape[1]})
    if T == 0 or N == 0:
        return 0
    return run_chain(&p, &x[0, 0], NULL, NULL, NULL, NULL, &out[0, 0], T, N, max(1, min(parts, 1024)))


def adosc(const double[:, ::1] high, const double[:, ::1] low, const double[:, ::1] close,
          const double[:, ::1] volume, double[:, ::1] out, const double[::1] betas, int64_t min_obs, int parts):
    """Chaikin's A/D oscillator of every column into ``out`` (T, N): EMA(fast) − EMA(slow) of the A/D line.

    The A/D line adds ((C − L) − (H − C))/(H − L)·V at each row (0 when
    H − L is not > 0; a row with a NaN price or volume is missing); both EMAs
    (decays ``betas``: fast, slow) start at its first value, and the output
    is NaN until the line has ``min_obs`` values. Returns the number of ±inf
    inputs.
    """
    cdef Py_ssize_t T = close.shape[0], N = close.shape[1]
    cdef Plan p
    cdef int64_t ones[2]
    cdef int64_t srcs[2]
    cdef double coefs[4]
    ones[0] = ones[1] = 1
    srcs[0] = srcs[1] = -1
    coefs[0] = coefs[1] = coefs[2] = coefs[3] = 0.0
    check_sizes("adosc", 2, {"betas": betas.shape[0]})
    make_plan(&p, K_ADOSC, 2, &betas[0], ones, srcs, coefs, min_obs)
    check_sizes("adosc", T, {"high": high.shape[0], "low": low.shape[0], "volume": volume.shape[0],
                             "out": out.shape[0]})
    check_sizes("adosc", N, {"high's columns": high.shape[1], "low's columns": low.shape[1],
                             "volume's columns": volume.shape[1], "out's columns": out.shape[1]})
    if T == 0 or N == 0:
        return 0
    return run_chain(&p, NULL, &high[0, 0], &low[0, 0], &close[0, 0], &volume[0, 0], &out[0, 0], T, N,
                     max(1, min(parts, 1024)))


# --------------------------------------------------------------------------- KAMA


cdef inline double kama_step(double m, double* total, double now, double before, double back,
                             double back1) noexcept nogil:
    """Kaufman's update from the previous KAMA ``m``: the efficiency ratio of the window, then the EMA step.

    ``now``/``before``: this and the previous observation; ``back``/``back1``
    the observations n and n + 1 before ``now``. ``total`` (the sum of the
    window's n absolute changes) drops |back1 − back| and adds |now − before|,
    as TA-Lib keeps it. ER = |now − back|/total (1 when total ≤ now − back or
    is within TA-Lib's zero, 1e-14); sc = (ER·(2/3 − 2/31) + 2/31)²; the new
    KAMA is the weighted mean of ``m`` (weight 1 − sc) and ``now`` (sc).
    """
    cdef double s = total[0] - fabs(back1 - back)
    cdef double roc = now - back, er, sc
    s = s + fabs(now - before)
    total[0] = s
    er = 1.0 if (s <= roc) | ((-KAMA_ZERO < s) & (s < KAMA_ZERO)) else fabs(roc / s)
    sc = er * KAMA_DIFF + KAMA_SLOW
    sc = sc * sc
    return mean_update(m, now, 1.0 - sc, sc)


cdef double kama_seed(const double* x, Py_ssize_t N, Py_ssize_t i, int64_t n, double* total) noexcept nogil:
    """The first KAMA, at row ``i`` of a column (``x`` its row-0 value, stride N): the (n+1)-th observation.

    Finds the row of its first observation, sums the n absolute changes
    oldest first into ``total`` and takes one step from the observation
    before row ``i`` (TA-Lib's start: the previous price is the previous KAMA).
    """
    cdef Py_ssize_t r = i, start
    cdef int64_t seen = 0
    cdef double s = 0.0, last = NAN, v, first = NAN, before = NAN, er, sc, roc
    while r >= 0:  # the first of the n+1 observations
        if x[r * N] == x[r * N]:
            seen += 1
            if seen == n + 1:
                break
        r -= 1
    start = r
    for r in range(start, i + 1):
        v = x[r * N]
        if v != v:
            continue
        if first != first:
            first = v
        else:
            s += fabs(last - v)
            before = last
        last = v
    total[0] = s
    roc = last - first
    er = 1.0 if (s <= roc) | ((-KAMA_ZERO < s) & (s < KAMA_ZERO)) else fabs(roc / s)
    sc = er * KAMA_DIFF + KAMA_SLOW
    sc = sc * sc
    return mean_update(before, last, 1.0 - sc, sc)


cdef void kama_back(const double* x, Py_ssize_t N, Py_ssize_t i, int64_t n, double* before, double* back,
                    double* back1) noexcept nogil:
    """The observations 1, n and n + 1 before row ``i`` of a column (missing rows skipped)."""
    cdef Py_ssize_t r = i - 1
    cdef int64_t seen = 0
    cdef double v
    while r >= 0:
        v = x[r * N]
        if v == v:
            seen += 1
            if seen == 1:
                before[0] = v
            if seen == n:
                back[0] = v
            if seen == n + 1:
                back1[0] = v
                return
        r -= 1


cdef int64_t kama_cols(const double* x, double* out, Py_ssize_t T, Py_ssize_t N, int64_t n, Py_ssize_t c0,
                       Py_ssize_t c1, double* work, int64_t* iwork) noexcept nogil:
    """KAMA of columns ``c0:c1`` into ``out``. ``work``: 2·COLS doubles, ``iwork``: 2·COLS int64.

    A missing value is skipped: the KAMA is that of the column's observations,
    carried over the rows it misses. Window 1 copies the input (TA-Lib).
    """
    cdef Py_ssize_t a = c0, w, j, i, off
    cdef double* km = work
    cdef double* total = work + COLS
    cdef int64_t* cnt = iwork
    cdef int64_t* last_nan = iwork + COLS
    cdef int64_t ninf = 0, bad, tile_nan
    cdef bint steady
    cdef double v, before = NAN, back = NAN, back1 = NAN
    cdef const double* xr
    cdef double* orow
    while a < c1:
        w = min(c1, a + COLS) - a
        for j in range(w):
            km[j] = NAN
            total[j] = 0.0
            cnt[j] = 0
            last_nan[j] = -1
        steady = False
        tile_nan = -1
        for i in range(T):
            off = i * N + a
            xr = x + off
            orow = out + off
            bad = 0
            for j in range(w):
                v = xr[j]
                ninf += fabs(v) == INFINITY
                bad += v != v
            if bad:
                tile_nan = i
            if n == 1:
                for j in range(w):
                    v = xr[j]
                    km[j] = v if v == v else km[j]
                    orow[j] = km[j]
                continue
            if steady and i - n - 1 > tile_nan:
                for j in range(w):
                    km[j] = kama_step(km[j], &total[j], xr[j], xr[j - N], xr[j - n * N], xr[j - (n + 1) * N])
                    orow[j] = km[j]
                continue
            for j in range(w):
                v = xr[j]
                if v != v:
                    last_nan[j] = i
                    orow[j] = km[j]
                    continue
                cnt[j] += 1
                if cnt[j] <= n:
                    orow[j] = NAN
                    continue
                if cnt[j] == n + 1:
                    km[j] = kama_seed(x + a + j, N, i, n, &total[j])
                else:
                    if last_nan[j] < i - n - 1:
                        before, back, back1 = xr[j - N], xr[j - n * N], xr[j - (n + 1) * N]
                    else:
                        kama_back(x + a + j, N, i, n, &before, &back, &back1)
                    km[j] = kama_step(km[j], &total[j], v, before, back, back1)
                orow[j] = km[j]
            steady = True
            for j in range(w):
                if cnt[j] < n + 1:
                    steady = False
        a += COLS
    return ninf


def kama(const double[:, ::1] x, double[:, ::1] out, int64_t n, int parts):
    """Kaufman's adaptive moving average (window ``n``) of every column of ``x`` (T, N) into ``out``.

    The first value is at a column's (n+1)-th observation (TA-Lib's start);
    missing values are skipped (the KAMA carries over them). Returns the
    number of ±inf values.
    """
    cdef Py_ssize_t T = x.shape[0], N = x.shape[1], wmax
    cdef int64_t ninf = 0
    cdef int p
    cdef double* work
    cdef int64_t* iwork
    if n < 1:
        raise ValueError(f"kama: window {n}, the kernel needs >= 1")
    parts = max(1, min(parts, 1024))
    check_sizes("kama", T, {"out": out.shape[0]})
    check_sizes("kama", N, {"out's columns": out.shape[1]})
    if T == 0 or N == 0:
        return 0
    work = <double*> malloc(parts * 2 * COLS * sizeof(double))
    iwork = <int64_t*> malloc(parts * 2 * COLS * sizeof(int64_t))
    try:
        if work == NULL or iwork == NULL:
            raise MemoryError()
        with nogil:
            if parts <= 1:
                ninf = kama_cols(&x[0, 0], &out[0, 0], T, N, n, 0, N, work, iwork)
            else:
                for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    ninf += kama_cols(&x[0, 0], &out[0, 0], T, N, n, p * N // parts, (p + 1) * N // parts,
                                      work + p * 2 * COLS, iwork + p * 2 * COLS)
    finally:
        free(work)
        free(iwork)
    return ninf


# --------------------------------------------------------------------------- the ADX family


ctypedef struct AdxWork:
    # one thread's state for a tile of COLS columns
    double* ap  # Wilder averages of +DM, −DM and the true range (sums/n as TA-Lib keeps them as sums)
    double* am
    double* at
    double* wd  # their weight (they miss the same rows)
    double* sp  # their seed sums
    double* sm
    double* st
    double* mx  # the ADX stage: mean, weight, seed sum
    double* wx
    double* ax
    int64_t* cd  # observations of the directional movement
    int64_t* cx  # the ADX stage's count
    int64_t* live  # the first row with a DI (the row after the DM seed)


cdef Py_ssize_t ADX_DOUBLES = 10
cdef Py_ssize_t ADX_INTS = 3


cdef void adx_work_init(AdxWork* ws, double* d, int64_t* k) noexcept nogil:
    ws.ap = d
    ws.am = d + COLS
    ws.at = d + 2 * COLS
    ws.wd = d + 3 * COLS
    ws.sp = d + 4 * COLS
    ws.sm = d + 5 * COLS
    ws.st = d + 6 * COLS
    ws.mx = d + 7 * COLS
    ws.wx = d + 8 * COLS
    ws.ax = d + 9 * COLS
    ws.cd = k
    ws.cx = k + COLS
    ws.live = k + 2 * COLS


ctypedef struct Move:
    double plus
    double minus
    double tr


cdef inline Move movement(double h, double l, double ph, double pl, double pc) noexcept nogil:
    """+DM, −DM and the true range of a bar after the previous one (TA-Lib's cases; TR the largest of three)."""
    cdef Move mv
    cdef double up = h - ph, down = pl - l
    mv.minus = down if (down > 0.0) & (up < down) else 0.0
    mv.plus = up if (up > 0.0) & (up > down) else 0.0
    mv.tr = larger(h - l, larger(fabs(h - pc), fabs(l - pc)))
    return mv


cdef inline double di_of(double dm, double tr) noexcept nogil:
    """100·DM/TR of the averages; 0 where the true range is 0 (no range at all: TA-Lib's 0)."""
    return 100.0 * (dm / tr) if tr > 0.0 else 0.0


cdef inline double dx_of(double plus, double minus) noexcept nogil:
    """100·|−DI − +DI|/(−DI + +DI); 0 where both DIs are 0 (no directional movement: TA-Lib's 0)."""
    cdef double s = minus + plus
    return 100.0 * (fabs(minus - plus) / s) if s > 0.0 else 0.0


cdef inline double adx_step(double* m, double* w, double* acc, int64_t* cnt, double dx, bint flat, int64_t n,
                            double b) noexcept nogil:
    """The ADX stage: the SMA-seeded EMA of DX, except that once seeded a row where nothing moved (``flat``:
    both DIs 0) leaves it as it is, weight included (TA-Lib skips those rows; its seed counts them as 0)."""
    if flat and cnt[0] >= n:
        return m[0]
    return stage_step(m, w, acc, cnt, dx, n, b)


cdef inline double adxr_of(double adx, const double* lagged, bint has) noexcept nogil:
    return (adx + lagged[0]) / 2.0 if has else NAN


cdef void adx_steady_row(cdouble_r h, cdouble_r l, cdouble_r ph, cdouble_r pl, cdouble_r pc, double_r ap, double_r am,
                         double_r at, double_r mx, double_r o_adx, double_r o_adxr, double_r o_plus,
                         double_r o_minus, double_r o_dx, cdouble_r lagged, Py_ssize_t w, double b) noexcept nogil:
    """One row of a steady tile: every column past its seeds, this bar and the previous one complete.

    The same steps as the general way (``ws.wd`` and ``ws.wx`` are 1): the
    three Wilder averages, the DIs, DX, the ADX (left as it is where nothing
    moved), and ADXR from the ADX n − 1 rows back (``lagged``).
    """
    cdef Py_ssize_t j
    cdef double nw = 1.0 - b, plus, minus, dx, adx
    cdef Move mv
    for j in range(w):
        mv = movement(h[j], l[j], ph[j], pl[j], pc[j])
        ap[j] = mean_update(ap[j], mv.plus, 1.0 * b, nw)
        am[j] = mean_update(am[j], mv.minus, 1.0 * b, nw)
        at[j] = mean_update(at[j], mv.tr, 1.0 * b, nw)
        plus = di_of(ap[j], at[j])
        minus = di_of(am[j], at[j])
        dx = dx_of(plus, minus)
        adx = mean_update(mx[j], dx, 1.0 * b, nw) if minus + plus > 0.0 else mx[j]
        mx[j] = adx
        o_adx[j] = adx
        o_adxr[j] = (adx + lagged[j]) / 2.0
        o_plus[j] = plus
        o_minus[j] = minus
        o_dx[j] = dx


cdef int64_t adx_cols(const double* hi, const double* lo, const double* cl, double* out, Py_ssize_t T, Py_ssize_t N,
                      int64_t n, Py_ssize_t c0, Py_ssize_t c1, double* dwork, int64_t* iwork) noexcept nogil:
    """The ADX family of columns ``c0:c1`` into ``out`` (T, 5N): ADX, ADXR, +DI, −DI, DX.

    A bar with a NaN high, low or close is missing: the movement of a row
    needs its bar and the previous one. The averages of +DM, −DM and TR
    start, at the row of their (n−1)-th movement, from the sums of those
    n − 1 (as sum/n: TA-Lib keeps sums, S ← S − S/n + x, which is n times
    this EWMA of decay 1 − 1/n); the DIs and DX are reported from the next
    row on. The ADX is the SMA-seeded EMA (decay 1 − 1/n) of the DX;
    ADXR_t = (ADX_t + ADX_{t−n+1})/2. A DI is 0 where the true range's
    average is 0, DX is 0 where both DIs are (TA-Lib's values there).
    """
    cdef AdxWork ws
    cdef Py_ssize_t a = c0, w, j, i, off, N5 = 5 * N
    cdef double b = 1.0 - 1.0 / n, nw = 1.0 - b
    cdef int64_t ninf = 0, bad, seed_n = n - 1
    cdef bint steady, prev_clean
    cdef double h, l, c, ph, pl, pc, plus, minus, dx, adx
    cdef Move mv
    cdef bint obs
    cdef double* orow
    adx_work_init(&ws, dwork, iwork)
    while a < c1:
        w = min(c1, a + COLS) - a
        for j in range(w):
            ws.ap[j] = ws.am[j] = ws.at[j] = NAN
            ws.wd[j] = 1.0
            ws.sp[j] = ws.sm[j] = ws.st[j] = 0.0
            ws.mx[j] = NAN
            ws.wx[j] = 1.0
            ws.ax[j] = -0.0
            ws.cd[j] = 0
            ws.cx[j] = 0
            ws.live[j] = T + 1
        steady = False
        prev_clean = False
        for i in range(T):
            off = i * N + a
            orow = out + i * N5 + a
            bad = 0
            for j in range(w):
                h = hi[off + j]
                l = lo[off + j]
                c = cl[off + j]
                ninf += (fabs(h) == INFINITY) + (fabs(l) == INFINITY) + (fabs(c) == INFINITY)
                bad += (h != h) | (l != l) | (c != c)
            if steady and prev_clean and bad == 0:
                adx_steady_row(hi + off, lo + off, hi + off - N, lo + off - N, cl + off - N, ws.ap, ws.am, ws.at,
                               ws.mx, orow + F_ADX * N, orow + F_ADXR * N, orow + F_PLUS * N, orow + F_MINUS * N,
                               orow + F_DX * N, orow + F_ADX * N - (n - 1) * N5, w, b)
                prev_clean = True
                continue
            for j in range(w):
                h = hi[off + j]
                l = lo[off + j]
                c = cl[off + j]
                obs = False
                if i > 0 and (h == h) & (l == l) & (c == c):
                    ph = hi[off - N + j]
                    pl = lo[off - N + j]
                    pc = cl[off - N + j]
                    obs = (ph == ph) & (pl == pl) & (pc == pc)
                if obs:
                    mv = movement(h, l, ph, pl, pc)
                plus = minus = dx = NAN
                if ws.cd[j] < seed_n:
                    if obs:
                        ws.sp[j] += mv.plus
                        ws.sm[j] += mv.minus
                        ws.st[j] += mv.tr
                        ws.cd[j] += 1
                        if ws.cd[j] == seed_n:
                            ws.ap[j] = ws.sp[j] / n
                            ws.am[j] = ws.sm[j] / n
                            ws.at[j] = ws.st[j] / n
                            ws.wd[j] = 1.0
                            ws.live[j] = i + 1
                else:
                    if obs:
                        ws.ap[j] = mean_update(ws.ap[j], mv.plus, ws.wd[j] * b, nw)
                        ws.am[j] = mean_update(ws.am[j], mv.minus, ws.wd[j] * b, nw)
                        ws.at[j] = mean_update(ws.at[j], mv.tr, ws.wd[j] * b, nw)
                        ws.wd[j] = 1.0
                    else:
                        ws.wd[j] = ws.wd[j] * b
                    if i >= ws.live[j]:
                        plus = di_of(ws.ap[j], ws.at[j])
                        minus = di_of(ws.am[j], ws.at[j])
                        dx = dx_of(plus, minus)
                adx = adx_step(&ws.mx[j], &ws.wx[j], &ws.ax[j], &ws.cx[j], dx, not (minus + plus > 0.0), n, b)
                orow[F_ADX * N + j] = adx
                orow[F_ADXR * N + j] = adxr_of(adx, orow + F_ADX * N + j - (n - 1) * N5, i >= n - 1)
                orow[F_PLUS * N + j] = plus
                orow[F_MINUS * N + j] = minus
                orow[F_DX * N + j] = dx
            prev_clean = bad == 0
            steady = True
            for j in range(w):
                if ws.cd[j] < seed_n or i + 1 < ws.live[j] or ws.wd[j] != 1.0 or ws.cx[j] < n or ws.wx[j] != 1.0:
                    steady = False
        a += COLS
    return ninf


def adx(const double[:, ::1] high, const double[:, ::1] low, const double[:, ::1] close, double[:, ::1] out,
        int64_t n, int parts):
    """Wilder's directional movement of every column (``high``, ``low``, ``close``: (T, N)) into ``out`` (T, 5N).

    Columns ``0:N`` get the ADX, ``N:2N`` the ADXR, ``2N:3N`` +DI, ``3N:4N``
    −DI, ``4N:5N`` DX (window ``n`` >= 2), from TA-Lib's start. Returns the
    number of ±inf prices.
    """
    cdef Py_ssize_t T = close.shape[0], N = close.shape[1]
    cdef int64_t ninf = 0
    cdef int p
    cdef double* dwork
    cdef int64_t* iwork
    if n < 2:
        raise ValueError(f"adx: window {n}, the kernel needs >= 2")
    parts = max(1, min(parts, 1024))
    check_sizes("adx", T, {"high": high.shape[0], "low": low.shape[0], "out": out.shape[0]})
    check_sizes("adx", N, {"high's columns": high.shape[1], "low's columns": low.shape[1]})
    check_sizes("adx", 5 * N, {"out's columns": out.shape[1]})
    if T == 0 or N == 0:
        return 0
    dwork = <double*> malloc(parts * ADX_DOUBLES * COLS * sizeof(double))
    iwork = <int64_t*> malloc(parts * ADX_INTS * COLS * sizeof(int64_t))
    try:
        if dwork == NULL or iwork == NULL:
            raise MemoryError()
        with nogil:
            if parts <= 1:
                ninf = adx_cols(&high[0, 0], &low[0, 0], &close[0, 0], &out[0, 0], T, N, n, 0, N, dwork, iwork)
            else:
                for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    ninf += adx_cols(&high[0, 0], &low[0, 0], &close[0, 0], &out[0, 0], T, N, n, p * N // parts,
                                     (p + 1) * N // parts, dwork + p * ADX_DOUBLES * COLS,
                                     iwork + p * ADX_INTS * COLS)
    finally:
        free(dwork)
        free(iwork)
    return ninf
