# cython: language_level=3
"""The row-major panel walker: every EWMA of a (T, N) panel, and the fused indicators, run it."""

from libc.math cimport fabs, INFINITY, NAN
from libc.stdint cimport int64_t

from ._rules cimport Mean, floating, mean_update, step


cdef inline int64_t mean_cols(const floating* x, Py_ssize_t xs, floating* out, Py_ssize_t os, Py_ssize_t T,
                              Py_ssize_t c0, Py_ssize_t c1, double beta, const double* decay, bint timed,
                              bint adjust, bint ignore_na, int64_t minp, double* mean, double* wt, int64_t* nobs,
                              const int64_t* first_row, double* m_row, double* w_row,
                              Py_ssize_t i0) noexcept nogil:
    """The EWMA of columns ``c0:c1`` of the rows ``x[i*xs : i*xs + c1]``, i < T, into ``out`` (row stride ``os``).

    ``mean``/``wt``/``nobs``/``first_row`` are indexed by column (the state,
    updated in place); ``m_row``/``w_row`` are float64 scratch rows of at least
    ``c1`` values. ``x`` may be a block of rows of a longer series starting at
    row ``i0`` (for ``decay`` and ``first_row``), the state carrying over
    between blocks: the fused indicators feed it cache-sized row blocks.

    Two paths compute the same update, :func:`mean_update`, bit for bit. Once
    every column has started, is past its ``first_row`` and (without adjust)
    has unit weight, each row is first computed optimistically by a
    branch-free loop that the compiler turns into SIMD code, into scratch
    rows (or, for a float64 output, straight into the output row), counting
    NaNs on the way; if there were none the row is committed, otherwise it is
    computed again by the general path with pandas' rules for missing values,
    from the untouched state. So the result does not depend on the layout
    (1-D, 2-D, column ranges) nor on the chunking of a stream.

    Returns the number of ±inf values met (they are not valid data; the caller
    raises), so no separate pass over the input is needed to check it.
    """
    cdef Py_ssize_t w = c1 - c0, i, j
    cdef double* ms = mean + c0
    cdef double* wts = wt + c0
    cdef int64_t* ns = nobs + c0
    cdef const int64_t* frs = first_row + c0
    cdef double* mr = m_row + c0
    cdef double* wr = w_row + c0
    cdef const floating* xr
    cdef floating* orow
    cdef int64_t ninf = 0, min_nobs = 0, pend = 0, bad, infs
    cdef bint ready = False, show, into_out
    cdef bint direct = floating is double  # a float64 output: the fast path writes straight into it
    cdef double d, nw_adj, ow, cur, m
    cdef Mean s
    for i in range(T):
        d = decay[i + i0] if timed else beta
        nw_adj = 1.0 if adjust else 1.0 - d
        xr = x + i * xs + c0
        orow = out + i * os + c0
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
                    cur = <double> xr[j]
                    bad += cur != cur
                    infs += fabs(cur) == INFINITY
                    ow = wts[j] * d
                    mr[j] = mean_update(ms[j], cur, ow, 1.0)
                    wr[j] = ow + 1.0
            elif into_out:
                ow = 1.0 * d  # unit weight, decayed
                for j in range(w):
                    cur = <double> xr[j]
                    bad += cur != cur
                    infs += fabs(cur) == INFINITY
                    orow[j] = <floating> mean_update(ms[j], cur, ow, nw_adj)
            else:
                ow = 1.0 * d
                for j in range(w):
                    cur = <double> xr[j]
                    bad += cur != cur
                    infs += fabs(cur) == INFINITY
                    mr[j] = mean_update(ms[j], cur, ow, nw_adj)
            if bad == 0:
                ninf += infs
                if into_out:
                    for j in range(w):
                        ms[j] = <double> orow[j]
                else:
                    for j in range(w):
                        m = mr[j]
                        ms[j] = m
                        orow[j] = <floating> (m if show or ns[j] + pend + 1 >= minp else NAN)
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
                orow[j] = <floating> NAN
                continue
            cur = <double> xr[j]
            ninf += fabs(cur) == INFINITY
            s = step(ms[j], wts[j], ns[j], cur, d, nw_adj, adjust, ignore_na)
            ms[j] = s.m
            wts[j] = s.w
            ns[j] = s.n
            orow[j] = <floating> (s.m if s.n >= minp else NAN)
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
