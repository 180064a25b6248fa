# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""EW covariance kernels: a (T, N) panel row by row (one pair, or column ranges in parallel), one long pair in blocks.

No validation here: :mod:`ewmakit._engine` checks shapes, dtypes and sizes
before calling in. ``x``, ``y`` and ``out`` share one dtype (float32 or
float64; the caller casts x and y to their common type, which is exact: the
kernels widen every value to float64 anyway). Every kernel carries its state in
per-series arrays (``mean_x``, ``mean_y``, ``cov``, ``sum_wt``, ``sum_wt2``,
``old_wt``, ``nobs``; see :mod:`ewmakit._engine._rules`) that it reads at the
start and writes back at the end: a fresh state gives the batch result, the
state another call left gives the continuation. All paths compute the same
update (pandas' ``ewmcov``), bit for bit, so results do not depend on the
layout, the number of threads or the chunking of a stream.

The weights of a series (Σw, Σw², the weight of the past) do not depend on its
values: a series without NaN settles at fixed weights (:func:`steady_cov`), and
from there an observation only updates the means and the co-moment. Both
walkers take that shortcut when it is exact; it is bit-identical to the full
update.
"""

from cython.parallel cimport prange
from libc.math cimport NAN
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

from ._sizes cimport check_sizes
from ._rules cimport Cov, add_weight, comoment, decay_weights, cov_step, cov_update, cov_value, debias, floating, west_comoment, west_mean


cdef extern from *:
    # restrict-qualified pointers: the steady row loop touches seven arrays, too many for the compiler to check
    # for overlap at run time, so without them it would not be vectorised (they never overlap)
    ctypedef double* double_r "double * __restrict__"
    ctypedef int64_t* int64_r "int64_t * __restrict__"

cdef enum:
    STEADY_ONE = 4096  # rows one pair needs before the steady weights are worth computing
    STEADY_COLS = 64  # the same for a panel (its rows are wide)
    ST = 13  # doubles per block in cov_long's table (guessed start, end of the guessed walk, observations)

# observations a guessed state claims, so that it shows every row (never reached)
cdef int64_t GUESSED = (<int64_t> 1) << 40


ctypedef struct Weights:
    # the weights of a covariance state: Σw, Σw² and the weight of the past (glossary of _rules.pxd)
    double sw
    double sw2
    double ow


cdef inline Weights no_weights() noexcept nogil:
    """Steady weights that no state ever has (NaNs): the fast paths are off."""
    return Weights(NAN, NAN, NAN)


cdef Weights steady_weights(double beta, bint adjust) noexcept nogil:
    """The weights a clean series settles at under :func:`cov_update`, bit for bit, or NaNs.

    Reached from (1, 1, 1), the state after a first observation, as the kernels
    compute it (each weight is a monotone recursion that settles on a fixed
    point); NaNs if that takes more than 2**22 steps.
    """
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef double nsw, nsw2, now  # the next weights
    cdef Weights s = Weights(1.0, 1.0, 1.0)
    cdef int k
    for k in range(1 << 22):
        nsw, nsw2, now = s.sw, s.sw2, s.ow
        decay_weights(&nsw, &nsw2, &now, beta)  # a clean row, as cov_update weighs it
        add_weight(&nsw, &nsw2, &now, nw, adjust)
        if nsw == s.sw and nsw2 == s.sw2 and now == s.ow:
            return s
        s = Weights(nsw, nsw2, now)
    return no_weights()


cdef inline Weights steady_for(double beta, bint adjust, bint timed, Py_ssize_t T, Py_ssize_t min_rows) noexcept nogil:
    """:func:`steady_weights` for a walk of ``T`` rows, or NaNs when it has a decay per row or fewer than ``min_rows``."""
    if timed or T < min_rows:
        return no_weights()
    return steady_weights(beta, adjust)


def steady_cov(double beta, bint adjust):
    """The weights (Σw, Σw², past weight) a clean series settles at under the covariance update, or NaNs.

    Reached from (1, 1, 1), the state after a first observation, bit for bit
    as the kernels compute it (each weight is a monotone recursion that settles
    on a fixed point); NaNs if that takes more than 2**22 steps. Once a series
    is there, the weights stay and the debiasing factor is constant, so the
    fast paths skip them.
    """
    cdef Weights s
    with nogil:
        s = steady_weights(beta, adjust)
    return s.sw, s.sw2, s.ow


# --------------------------------------------------------------------------- one pair, in registers


cdef void one_pair(const floating* x, const floating* y, floating* out, Py_ssize_t T, double beta,
                   const double* decay, bint timed, bint adjust, bint ignore_na, int64_t minp, bint bias, Cov* state,
                   bint same, bint root, Weights steady) noexcept nogil:
    """One pair of series (contiguous, ``T`` rows): :func:`cov_step` row after row, the state in registers.

    ``state`` is read at the start and written back at the end. At the
    ``steady`` weights (NaNs: never) an observed pair only updates the means
    and the co-moment (the weights would not change), bit-identical to
    :func:`cov_step`.
    """
    cdef Cov s = state[0], r  # r: the means and co-moment of a steady step
    cdef double factor = debias(steady.sw, steady.sw2, bias)  # the debiasing factor at the steady weights
    cdef double d, nw, cx, cy  # cx, cy: the row's pair, as float64
    cdef Py_ssize_t i
    for i in range(T):
        d = decay[i] if timed else beta
        nw = 1.0 if adjust else 1.0 - d
        cx = <double> x[i]
        cy = <double> y[i]
        if s.sw == steady.sw and s.sw2 == steady.sw2 and s.ow == steady.ow and cx == cx and cy == cy and s.n > 0:
            r = comoment(cx, cy, s.ow * d, nw, s.mx, s.my, s.c, same)  # steady: bit-identical
            s.mx = r.mx
            s.my = r.my
            s.c = r.c
            s.n += 1
            out[i] = <floating> cov_value(s.c, factor, s.n, minp, root)
            continue
        s = cov_step(s.mx, s.my, s.c, s.sw, s.sw2, s.ow, s.n, cx, cy, d, nw, adjust, ignore_na, same)
        out[i] = <floating> cov_value(s.c, debias(s.sw, s.sw2, bias), s.n, minp, root)
    state[0] = s


cdef inline Cov load(const double* mean_x, const double* mean_y, const double* cov, const double* sum_wt,
                     const double* sum_wt2, const double* old_wt, const int64_t* nobs) noexcept nogil:
    """The state of series 0 of the state arrays given."""
    return Cov(mean_x[0], mean_y[0], cov[0], sum_wt[0], sum_wt2[0], old_wt[0], nobs[0])


cdef inline void store(Cov s, double* mean_x, double* mean_y, double* cov, double* sum_wt, double* sum_wt2,
                       double* old_wt, int64_t* nobs) noexcept nogil:
    """Write ``s`` as the state of series 0 of the state arrays given."""
    mean_x[0] = s.mx
    mean_y[0] = s.my
    cov[0] = s.c
    sum_wt[0] = s.sw
    sum_wt2[0] = s.sw2
    old_wt[0] = s.ow
    nobs[0] = s.n


# --------------------------------------------------------------------------- row-major panels


cdef inline void steady_means(const floating* xr, const floating* yr, double_r mxs, double_r mys, double_r cs,
                              int64_r ns, Py_ssize_t w, double ow, double nw, double tw, bint same,
                              bint unit) noexcept nogil:
    """The means and co-moments of one row at the steady weights (:func:`comoment`'s arithmetic).

    Called with ``same`` and ``unit`` as literals, so that each call is
    compiled without the branches it does not take (a vectorised loop would
    otherwise compute both sides of each, divisions included, and select).
    """
    cdef Py_ssize_t j
    cdef double cx, cy, mx, my, nmx, nmy
    for j in range(w):
        cx = <double> xr[j]
        cy = <double> yr[j]
        mx = mxs[j]
        my = mys[j]
        nmx = west_mean(mx, cx, ow, nw, tw, unit)
        nmy = nmx if same else west_mean(my, cy, ow, nw, tw, unit)
        cs[j] = west_comoment(cs[j], mx, my, nmx, nmy, cx, cy, ow, nw, tw, unit)
        mxs[j] = nmx
        mys[j] = nmy
        ns[j] += 1


cdef inline void values(floating* orow, double_r cs, double_r sws, double_r sw2s, int64_r ns, Py_ssize_t w,
                        double factor, bint steady, bint bias, int64_t minp, bint show, bint root) noexcept nogil:
    """What one row writes (:func:`cov_value`): at the ``steady`` weights with their ``factor``, else each
    column's own debiasing factor; ``show``: every column has min_periods. ``root`` as a literal (see above)."""
    cdef Py_ssize_t j
    for j in range(w):
        orow[j] = <floating> cov_value(cs[j], factor if steady else debias(sws[j], sw2s[j], bias),
                                       minp if show else ns[j], minp, root)


cdef inline void write_row(floating* orow, double_r cs, double_r sws, double_r sw2s, int64_r ns, Py_ssize_t w,
                           double factor, bint steady, bint bias, int64_t minp, bint show, bint root) noexcept nogil:
    """:func:`values`, compiled apart for a standard deviation (``root``) and a variance or covariance."""
    if root:
        values(orow, cs, sws, sw2s, ns, w, factor, steady, bias, minp, show, True)
    else:
        values(orow, cs, sws, sw2s, ns, w, factor, steady, bias, minp, show, False)


cdef inline void steady_row(const floating* xr, const floating* yr, floating* orow, double_r mxs, double_r mys,
                            double_r cs, int64_r ns, Py_ssize_t w, double ow, double nw, bint same, double factor,
                            int64_t minp, bint show, bint root) noexcept nogil:
    """One row of :func:`pair_cols` with every column at the steady weights: only the means and the co-moment
    change (bit for bit what :func:`cov_update` does then), then the values are written."""
    cdef double tw = ow + nw
    if same:
        if tw == 1.0:
            steady_means(xr, yr, mxs, mys, cs, ns, w, ow, nw, tw, True, True)
        else:
            steady_means(xr, yr, mxs, mys, cs, ns, w, ow, nw, tw, True, False)
    else:
        if tw == 1.0:
            steady_means(xr, yr, mxs, mys, cs, ns, w, ow, nw, tw, False, True)
        else:
            steady_means(xr, yr, mxs, mys, cs, ns, w, ow, nw, tw, False, False)
    write_row(orow, cs, NULL, NULL, ns, w, factor, True, True, minp, show, root)  # steady: no weights read


cdef inline void update_row(const floating* xr, const floating* yr, floating* orow, double_r mxs, double_r mys,
                            double_r cs, double_r sws, double_r sw2s, double_r ows, int64_r ns, Py_ssize_t w,
                            double d, double nw, bint adjust, bint same, bint bias, int64_t minp,
                            bint root) noexcept nogil:
    """One row of :func:`pair_cols` with every column started and observed: :func:`cov_update` for each.

    Two loops, the update and then the values written, each simple enough to
    vectorise (one loop with both did not).
    """
    cdef Py_ssize_t j
    cdef Cov u
    for j in range(w):
        u = cov_update(<double> xr[j], <double> yr[j], d, nw, adjust, same, mxs[j], mys[j], cs[j], sws[j], sw2s[j],
                       ows[j], ns[j] + 1)
        mxs[j] = u.mx
        mys[j] = u.my
        cs[j] = u.c
        sws[j] = u.sw
        sw2s[j] = u.sw2
        ows[j] = u.ow
        ns[j] = u.n
    write_row(orow, cs, sws, sw2s, ns, w, 0.0, False, bias, minp, False, root)


cdef void pair_cols(const floating* x, const floating* y, floating* out, Py_ssize_t N, Py_ssize_t T,
                    Py_ssize_t c0, Py_ssize_t c1, double beta, const double* decay, bint timed, bint adjust,
                    bint ignore_na, int64_t minp, bint bias, double* mean_x, double* mean_y, double* cov,
                    double* sum_wt, double* sum_wt2, double* old_wt, int64_t* nobs, bint same, bint root,
                    Weights steady) noexcept nogil:
    """The EW covariance of columns ``c0:c1`` of the (T, N) row-major panels ``x``, ``y`` into ``out``.

    The state arrays are indexed by column (updated in place). Once every
    column has started, a row without NaN takes a loop without pandas' rules
    for missing values (the same :func:`cov_update`, bit for bit; only the
    means and co-moments when every column is at the ``steady`` weights, NaNs:
    never); other rows take :func:`cov_step`. The loops run over pointers to
    the rows' first column: the checks (NaNs, started, steady) vectorise; the
    updates do not with GCC (the rules branch on floating-point values).
    """
    cdef Py_ssize_t w = c1 - c0, i, j
    cdef double* mxs = mean_x + c0
    cdef double* mys = mean_y + c0
    cdef double* cs = cov + c0
    cdef double* sws = sum_wt + c0
    cdef double* sw2s = sum_wt2 + c0
    cdef double* ows = old_wt + c0
    cdef int64_t* ns = nobs + c0
    cdef const floating* xr  # the row of x, y and out, from column c0
    cdef const floating* yr
    cdef floating* orow
    cdef double factor = debias(steady.sw, steady.sw2, bias)  # the debiasing factor at the steady weights
    cdef double d, nw, ow, cx, cy  # cx, cy: a pair, as float64
    cdef int64_t bad  # NaNs in the row
    cdef bint ready = False  # every column has started
    cdef bint at_steady = False  # every column has the steady weights
    cdef bint show  # every column has min_periods after this row
    cdef Cov s, r, u  # the state of a column after a general step (s), a steady step (r), an update (u)
    for i in range(T):
        d = decay[i] if timed else beta
        nw = 1.0 if adjust else 1.0 - d
        xr = x + i * N + c0
        yr = y + i * N + c0
        orow = out + i * N + c0
        if not ready:
            ready = w > 0
            for j in range(w):
                if ns[j] == 0:
                    ready = False
        if ready:
            bad = 0
            for j in range(w):
                cx = <double> xr[j]
                cy = <double> yr[j]
                bad += (cx != cx) + (cy != cy)
            if bad == 0:
                if not at_steady:
                    at_steady = True
                    for j in range(w):
                        if sws[j] != steady.sw or sw2s[j] != steady.sw2 or ows[j] != steady.ow:
                            at_steady = False
                if at_steady:
                    ow = steady.ow * d
                    show = True
                    for j in range(w):
                        if ns[j] + 1 < minp:
                            show = False
                    steady_row(xr, yr, orow, mxs, mys, cs, ns, w, ow, nw, same, factor, minp, show, root)
                    continue
                update_row(xr, yr, orow, mxs, mys, cs, sws, sw2s, ows, ns, w, d, nw, adjust, same, bias, minp, root)
                continue
        at_steady = False
        for j in range(w):
            s = cov_step(mxs[j], mys[j], cs[j], sws[j], sw2s[j], ows[j], ns[j], <double> xr[j], <double> yr[j], d,
                         nw, adjust, ignore_na, same)
            mxs[j] = s.mx
            mys[j] = s.my
            cs[j] = s.c
            sws[j] = s.sw
            sw2s[j] = s.sw2
            ows[j] = s.ow
            ns[j] = s.n
            orow[j] = <floating> cov_value(s.c, debias(s.sw, s.sw2, bias), s.n, minp, root)


cdef int check_state(str kernel, const floating[:, ::1] x, const floating[:, ::1] y, floating[:, ::1] out,
                     const double[::1] decay, bint timed, double[::1] mean_x, double[::1] mean_y, double[::1] cov,
                     double[::1] sum_wt, double[::1] sum_wt2, double[::1] old_wt, int64_t[::1] nobs) except -1:
    """The sizes :func:`cov_rows` and :func:`cov_long` will read and write: x, y and out (T, N), a state of N."""
    cdef Py_ssize_t T = x.shape[0], N = x.shape[1]
    check_sizes(kernel, T, {"y's rows": y.shape[0], "out's rows": out.shape[0]})
    check_sizes(kernel, N, {"y's columns": y.shape[1], "out's columns": out.shape[1], "mean_x": mean_x.shape[0],
                            "mean_y": mean_y.shape[0], "cov": cov.shape[0], "sum_wt": sum_wt.shape[0],
                            "sum_wt2": sum_wt2.shape[0], "old_wt": old_wt.shape[0], "nobs": nobs.shape[0]})
    check_sizes(kernel, T if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    return 0


def cov_rows(const floating[:, ::1] x, const floating[:, ::1] y, floating[:, ::1] out, double beta,
             const double[::1] decay, bint timed, bint adjust, bint ignore_na, int64_t minp, bint bias,
             double[::1] mean_x, double[::1] mean_y, double[::1] cov, double[::1] sum_wt, double[::1] sum_wt2,
             double[::1] old_wt, int64_t[::1] nobs, bint same, bint root, int parts):
    """Exponentially weighted covariance of the columns of ``x`` and ``y`` (T, N) into ``out``.

    West-style update of the weighted co-moment (pandas' ``ewmcov``); with
    ``bias=False`` the result is multiplied by (Σw)²/((Σw)² − Σw²). For a
    variance pass the same array as ``x`` and ``y`` and ``same=True``;
    ``root`` writes the square root (a standard deviation). ``decay[i]`` (used
    when ``timed``) is the decay of row ``i``; ``minp >= 1``. The state arrays
    (one entry per column) are updated in place. One pair takes the register
    loop; a panel is swept row by row, all columns at a time (``parts`` column
    ranges in parallel, same result).
    """
    cdef Py_ssize_t T = x.shape[0], N = x.shape[1]
    cdef Weights steady
    cdef Cov s
    cdef int p
    check_state("cov_rows", x, y, out, decay, timed, mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs)
    if N == 0 or T == 0:
        return
    with nogil:
        if N == 1:
            s = load(&mean_x[0], &mean_y[0], &cov[0], &sum_wt[0], &sum_wt2[0], &old_wt[0], &nobs[0])
            one_pair(&x[0, 0], &y[0, 0], &out[0, 0], T, beta, &decay[0], timed, adjust, ignore_na, minp, bias, &s,
                     same, root, steady_for(beta, adjust, timed, T, STEADY_ONE))
            store(s, &mean_x[0], &mean_y[0], &cov[0], &sum_wt[0], &sum_wt2[0], &old_wt[0], &nobs[0])
        else:
            steady = steady_for(beta, adjust, timed, T, STEADY_COLS)
            if parts <= 1:
                pair_cols(&x[0, 0], &y[0, 0], &out[0, 0], N, T, 0, N, beta, &decay[0], timed, adjust, ignore_na,
                          minp, bias, &mean_x[0], &mean_y[0], &cov[0], &sum_wt[0], &sum_wt2[0], &old_wt[0],
                          &nobs[0], same, root, steady)
            else:  # wide panels: one column range per thread, same result
                for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                    pair_cols(&x[0, 0], &y[0, 0], &out[0, 0], N, T, p * N // parts, (p + 1) * N // parts, beta,
                              &decay[0], timed, adjust, ignore_na, minp, bias, &mean_x[0], &mean_y[0], &cov[0],
                              &sum_wt[0], &sum_wt2[0], &old_wt[0], &nobs[0], same, root, steady)


# --------------------------------------------------------------------------- one long pair
#
# As for the mean (see _mean.pyx): the pair is cut into one block per thread,
# each walked by the register loop from a guessed start state (its first values,
# 0 if NaN, no co-moment, the steady weights); then each block is walked again
# from the true state at its start (the end of the block before) until the true
# state and the block's guessed walk agree exactly: the two walks then do the
# same operations on the same numbers, so everything after is already right. A
# block that never agrees is simply walked to its end. (Four blocks per thread
# side by side, as for the mean, were slower here: the covariance step is too
# long to overlap.)


cdef void guessed_block(const floating* x, const floating* y, floating* out, Py_ssize_t a, Py_ssize_t size,
                        double beta, const double* decay, bint timed, bint adjust, bint ignore_na, bint bias,
                        bint same, bint root, Weights steady, double* st) noexcept nogil:
    """Walk the block of ``size`` rows at row ``a`` from a guessed state claiming GUESSED observations.

    ``steady``: the weights of :func:`steady_weights` (NaNs with a decay per
    row). ``st[0:13]`` gets the guessed state (mx, my, c, sw, sw2, ow), the
    state at the end of the walk, and the number of observations in the block.
    Every row of the block is written, as if min_periods were met.
    """
    cdef double cx = <double> x[a], cy = <double> y[a]  # the block's first pair, as float64
    cdef Weights w = steady if steady.sw == steady.sw else Weights(1.0, 1.0, 1.0)
    cdef Cov s = Cov(cx if cx == cx else 0.0, cy if cy == cy else 0.0, 0.0, w.sw, w.sw2, w.ow, GUESSED)
    st[0] = s.mx
    st[1] = s.my
    st[2] = s.c
    st[3] = s.sw
    st[4] = s.sw2
    st[5] = s.ow
    one_pair(x + a, y + a, out + a, size, beta, decay + a if timed else decay, timed, adjust, ignore_na, 1, bias, &s,
             same, root, steady if size >= STEADY_ONE else no_weights())
    st[6] = s.mx
    st[7] = s.my
    st[8] = s.c
    st[9] = s.sw
    st[10] = s.sw2
    st[11] = s.ow
    st[12] = <double> (s.n - GUESSED)


def cov_long(const floating[:, ::1] x, const floating[:, ::1] y, floating[:, ::1] out, double beta,
             const double[::1] decay, bint timed, bint adjust, bint ignore_na, int64_t minp, bint bias,
             double[::1] mean_x, double[::1] mean_y, double[::1] cov, double[::1] sum_wt, double[::1] sum_wt2,
             double[::1] old_wt, int64_t[::1] nobs, bint same, bint root, int parts):
    """:func:`cov_rows` of one long pair of series (``x``, ``y``, ``out`` of shape (T, 1)), bit for bit.

    ``parts`` threads walk one block each from a guessed state (see the
    comment above :func:`guessed_block`), then the blocks are re-walked from
    the true state until the two agree.
    """
    cdef Py_ssize_t T = x.shape[0]
    cdef Py_ssize_t size = T // parts if parts > 0 else 0  # rows per block
    cdef Py_ssize_t nb = parts if size > 0 else 0  # blocks; the rows after them are the tail
    cdef Py_ssize_t a, kb, i
    cdef int64_t n_start  # observations before the block
    cdef const floating* xp
    cdef const floating* yp
    cdef floating* op
    cdef const double* dec
    cdef double* st  # ST doubles per block: see guessed_block
    cdef double* row
    cdef Weights steady
    cdef Cov s, g  # the true state and the block's guessed one
    cdef double cx, cy, d, nw  # cx, cy: the row's pair, as float64
    cdef double nw_const = 1.0 if adjust else 1.0 - beta
    cdef bint merged
    cdef int p
    check_state("cov_long", x, y, out, decay, timed, mean_x, mean_y, cov, sum_wt, sum_wt2, old_wt, nobs)
    check_sizes("cov_long", 1, {"x's columns": x.shape[1]})
    if T == 0:
        return
    xp = &x[0, 0]
    yp = &y[0, 0]
    op = &out[0, 0]
    dec = &decay[0]
    st = <double*> malloc((ST * nb + 1) * sizeof(double))
    if st == NULL:
        raise MemoryError()
    try:
        with nogil:
            steady = no_weights() if timed else steady_weights(beta, adjust)
            if nb:
                if parts <= 1:
                    for p in range(nb):
                        guessed_block(xp, yp, op, p * size, size, beta, dec, timed, adjust, ignore_na, bias, same,
                                      root, steady, st + ST * p)
                else:
                    for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                        guessed_block(xp, yp, op, p * size, size, beta, dec, timed, adjust, ignore_na, bias, same,
                                      root, steady, st + ST * p)
            s = load(&mean_x[0], &mean_y[0], &cov[0], &sum_wt[0], &sum_wt2[0], &old_wt[0], &nobs[0])
            for kb in range(nb):
                row = st + ST * kb
                g.mx = row[0]
                g.my = row[1]
                g.c = row[2]
                g.sw = row[3]
                g.sw2 = row[4]
                g.ow = row[5]
                g.n = GUESSED
                n_start = s.n
                merged = False
                for i in range(kb * size, (kb + 1) * size):
                    cx = <double> xp[i]
                    cy = <double> yp[i]
                    if timed:
                        d = dec[i]
                        nw = 1.0 if adjust else 1.0 - d
                    else:
                        d = beta
                        nw = nw_const
                    s = cov_step(s.mx, s.my, s.c, s.sw, s.sw2, s.ow, s.n, cx, cy, d, nw, adjust, ignore_na, same)
                    g = cov_step(g.mx, g.my, g.c, g.sw, g.sw2, g.ow, g.n, cx, cy, d, nw, adjust, ignore_na, same)
                    if (s.mx == g.mx and s.my == g.my and s.c == g.c and s.sw == g.sw and s.sw2 == g.sw2
                            and s.ow == g.ow and s.n > 0 and s.n >= minp):
                        merged = True  # out[i:] of the block is already right
                        break
                    op[i] = <floating> cov_value(s.c, debias(s.sw, s.sw2, bias), s.n, minp, root)
                if merged:
                    s.mx = row[6]
                    s.my = row[7]
                    s.c = row[8]
                    s.sw = row[9]
                    s.sw2 = row[10]
                    s.ow = row[11]
                s.n = n_start + <int64_t> row[12]
            if nb * size < T:  # the tail, fewer rows than threads: the register loop from the true state
                a = nb * size
                one_pair(xp + a, yp + a, op + a, T - a, beta, dec + a if timed else dec, timed, adjust, ignore_na,
                         minp, bias, &s, same, root,
                         steady if T - a >= STEADY_ONE else no_weights())
            store(s, &mean_x[0], &mean_y[0], &cov[0], &sum_wt[0], &sum_wt2[0], &old_wt[0], &nobs[0])
    finally:
        free(st)


# --------------------------------------------------------------------------- carrying a state across chunks
# (see the same section of _mean.pyx: a guessed walk per chunk in parallel, then a walk from the true state
# beside it until the two agree)


def cov_guess(const floating[:, ::1] x, const floating[:, ::1] y, const double[::1] decay, bint timed, double beta,
              bint adjust, bint ignore_na, bint same, double[:, ::1] guess, double[:, ::1] end, int64_t[::1] count):
    """Walk each pair of columns of the chunk from a guessed state; no output.

    ``guess`` and ``end`` are (6, C): mean_x, mean_y, cov, sum_wt, sum_wt2,
    old_wt of the guesses (the first values, 0 if NaN, no co-moment, the
    steady weights, or 1 without them) and of the walks' end states; ``count``
    the observed pairs. ``decay[0]`` is the decay the guessed walk gives row 0.
    """
    cdef Py_ssize_t T = x.shape[0], C = x.shape[1], i, j, k
    cdef double cx, cy, d, nw
    cdef Weights steady = steady_for(beta, adjust, timed, 1, 1)
    cdef Cov s
    check_sizes("cov_guess", C, {"y": y.shape[1], "guess": guess.shape[1], "end": end.shape[1],
                                 "count": count.shape[0]})
    if y.shape[0] != T or guess.shape[0] != 6 or end.shape[0] != 6:
        raise ValueError("cov_guess: y must have the rows of x, guess and end six rows")
    if timed and decay.shape[0] != T:
        raise ValueError(f"cov_guess: decay holds {decay.shape[0]} values, the chunk {T} rows")
    if decay.shape[0] == 0:
        raise ValueError("cov_guess: decay must hold at least one value")
    with nogil:
        for j in range(C):
            cx = <double> x[0, j] if T else 0.0
            cy = <double> y[0, j] if T else 0.0
            guess[0, j] = cx if cx == cx else 0.0
            guess[1, j] = cy if cy == cy else 0.0
            guess[2, j] = 0.0
            if steady.sw == steady.sw:
                guess[3, j], guess[4, j], guess[5, j] = steady.sw, steady.sw2, steady.ow
            else:
                guess[3, j], guess[4, j], guess[5, j] = 1.0, 1.0, 1.0
            for k in range(6):
                end[k, j] = guess[k, j]
            count[j] = GUESSED
        for i in range(T):
            d = decay[i] if timed else beta
            nw = 1.0 if adjust else 1.0 - d
            for j in range(C):
                s = cov_step(end[0, j], end[1, j], end[2, j], end[3, j], end[4, j], end[5, j], count[j],
                             <double> x[i, j], <double> y[i, j], d, nw, adjust, ignore_na, same)
                end[0, j], end[1, j], end[2, j], end[3, j], end[4, j], end[5, j] = s.mx, s.my, s.c, s.sw, s.sw2, s.ow
                count[j] = s.n
        for j in range(C):
            count[j] -= GUESSED


def cov_continue(const floating[:, ::1] x, const floating[:, ::1] y, const double[::1] decay, bint timed,
                 double beta, bint adjust, bint ignore_na, bint same, double d0, const double[:, ::1] guess,
                 const double[:, ::1] end, const int64_t[::1] count, double[::1] mean_x, double[::1] mean_y,
                 double[::1] cov, double[::1] sum_wt, double[::1] sum_wt2, double[::1] old_wt, int64_t[::1] nobs):
    """Advance the covariance state over the chunk exactly as a walk would, using the guessed walk of
    :func:`cov_guess`; ``d0``: the true decay of row 0 (timed). Returns the number of rows walked."""
    cdef Py_ssize_t T = x.shape[0], C = x.shape[1], i, j
    cdef int64_t walked = 0, n_in
    cdef double cx, cy, d, dg
    cdef Cov s, g
    check_sizes("cov_continue", C, {"y": y.shape[1], "guess": guess.shape[1], "end": end.shape[1],
                                    "count": count.shape[0], "mean_x": mean_x.shape[0], "mean_y": mean_y.shape[0],
                                    "cov": cov.shape[0], "sum_wt": sum_wt.shape[0], "sum_wt2": sum_wt2.shape[0],
                                    "old_wt": old_wt.shape[0], "nobs": nobs.shape[0]})
    if y.shape[0] != T or guess.shape[0] != 6 or end.shape[0] != 6:
        raise ValueError("cov_continue: y must have the rows of x, guess and end six rows")
    if (timed and decay.shape[0] != T) or decay.shape[0] == 0:
        raise ValueError(f"cov_continue: decay holds {decay.shape[0]} values for a chunk of {T} rows")
    with nogil:
        for j in range(C):
            s.mx, s.my, s.c, s.sw, s.sw2, s.ow, s.n = mean_x[j], mean_y[j], cov[j], sum_wt[j], sum_wt2[j], \
                old_wt[j], nobs[j]
            g.mx, g.my, g.c, g.sw, g.sw2, g.ow, g.n = guess[0, j], guess[1, j], guess[2, j], guess[3, j], \
                guess[4, j], guess[5, j], GUESSED
            n_in = s.n
            for i in range(T):
                cx = <double> x[i, j]
                cy = <double> y[i, j]
                dg = decay[i] if timed else beta
                d = d0 if (timed and i == 0) else dg
                s = cov_step(s.mx, s.my, s.c, s.sw, s.sw2, s.ow, s.n, cx, cy, d, 1.0 if adjust else 1.0 - d,
                             adjust, ignore_na, same)
                g = cov_step(g.mx, g.my, g.c, g.sw, g.sw2, g.ow, g.n, cx, cy, dg, 1.0 if adjust else 1.0 - dg,
                             adjust, ignore_na, same)
                walked += 1
                if (s.mx == g.mx and s.my == g.my and s.c == g.c and s.sw == g.sw and s.sw2 == g.sw2
                        and s.ow == g.ow and s.n > 0):  # the same state from here on: the guess's end
                    s.mx, s.my, s.c, s.sw, s.sw2, s.ow = end[0, j], end[1, j], end[2, j], end[3, j], end[4, j], \
                        end[5, j]
                    s.n = n_in + count[j]
                    break
            mean_x[j], mean_y[j], cov[j], sum_wt[j], sum_wt2[j], old_wt[j], nobs[j] = s.mx, s.my, s.c, s.sw, \
                s.sw2, s.ow, s.n
    return walked
