# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Small compiled passes the engine needs around its kernels: ±inf search, transposition, decays, grouping."""

from cython.parallel cimport prange
from libc.math cimport fabs, INFINITY
from libc.stdint cimport int64_t

from ._rules cimport INT64_MIN, MEMO_FREE, MEMO_SLOTS, floating, memo_decay, time_decay

import numpy as np

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    static int ewmakit_max_threads(void) { return omp_get_max_threads(); }
    static int ewmakit_openmp(void) { return 1; }
    #else
    static int ewmakit_max_threads(void) { return 1; }
    static int ewmakit_openmp(void) { return 0; }
    #endif
    """
    int ewmakit_max_threads() nogil
    int ewmakit_openmp() nogil


def max_threads():
    """The number of threads OpenMP would use (``OMP_NUM_THREADS``, else the cores); 1 without OpenMP."""
    return ewmakit_max_threads()


def openmp():
    """Whether the engine was compiled with OpenMP (else its parallel loops run serially)."""
    return bool(ewmakit_openmp())


cdef enum:
    TILE = 128  # transposition tiles of 128 × 128: a tile's rows of dst are written contiguously


def first_nonfinite(const floating[::1] flat):
    """Flat index of the first ±inf in ``flat``, or -1.

    A branch-free counting pass (SIMD) first; the position is searched only
    when there is one.
    """
    cdef Py_ssize_t k, n = flat.shape[0], where = -1
    cdef int64_t count = 0
    with nogil:
        for k in range(n):
            count += fabs(<double> flat[k]) == INFINITY
        if count:
            for k in range(n):
                if fabs(<double> flat[k]) == INFINITY:
                    where = k
                    break
    return where


def transpose_into(const floating[:, ::1] src, floating[:, ::1] dst, int parts):
    """``dst[i, j] = src[j, i]`` for ``src`` (N, T) and ``dst`` (T, N), in tiles, rows of tiles on ``parts`` threads.

    A column-major panel as a row-major one (what numpy's ``ascontiguousarray``
    does on one thread, element by element across the cache lines).
    """
    cdef Py_ssize_t N = src.shape[0], T = src.shape[1], tiles = (T + TILE - 1) // TILE
    cdef Py_ssize_t bi, i0, i1, j0, j1, i, j
    if dst.shape[0] != T or dst.shape[1] != N:
        raise ValueError(f"transpose_into: dst has shape ({dst.shape[0]}, {dst.shape[1]}), the transpose of src is {(T, N)}")
    if N == 0 or T == 0:
        return
    with nogil:
        for bi in prange(tiles, num_threads=max(parts, 1), schedule="static"):
            i0 = bi * TILE
            i1 = min(T, i0 + TILE)
            j0 = 0
            while j0 < N:
                j1 = min(N, j0 + TILE)
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        dst[i, j] = src[j, i]
                j0 = j0 + TILE


def decays(const double[::1] dt, double neg_scale, double[::1] out):
    """``out[k] = 0.5 ** (dt[k] / halflife)`` for float time steps (the formula every timed path shares)."""
    cdef Py_ssize_t k
    if out.shape[0] != dt.shape[0]:
        raise ValueError(f"decays: out holds {out.shape[0]} values, dt {dt.shape[0]}")
    with nogil:
        for k in range(dt.shape[0]):
            out[k] = time_decay(dt[k], neg_scale)


cdef (Py_ssize_t, int) stamp_range(const int64_t* stamps, int64_t unit_ns, double neg_scale, double* out,
                                   Py_ssize_t lo, Py_ssize_t hi) noexcept nogil:
    """The stamp decays of rows ``lo:hi`` (lo >= 1): (-1, 0) or the first problem (row, 1 NaT / 2 step back)."""
    cdef int64_t nat = INT64_MIN
    cdef int64_t keys[MEMO_SLOTS]
    cdef double vals[MEMO_SLOTS]
    cdef int64_t t, step_
    cdef Py_ssize_t i
    for i in range(MEMO_SLOTS):
        keys[i] = MEMO_FREE
    for i in range(lo, hi):
        t = stamps[i]
        if t == nat:
            return i, 1
        if t < stamps[i - 1]:  # compared, never subtracted first: the difference may wrap around
            return i, 2
        step_ = t - stamps[i - 1]
        out[i] = memo_decay(step_, unit_ns, neg_scale, keys, vals)
    return -1, 0


def stamp_decays(const int64_t[::1] stamps, int64_t unit_ns, double neg_scale, double[::1] out, int parts):
    """Per-row decays of int64 time stamps in one pass, checking them on the way.

    ``out[0] = 1`` and ``out[i] = 0.5 ** ((t_i − t_{i−1}) / halflife)``, the
    steps taken in nanoseconds (``unit_ns`` per stamp unit) whatever the unit,
    so that every path computes the same decays bit for bit; ``parts`` row
    ranges in parallel. Returns ``(-1, 0)``, or ``(i, 1)`` for the first NaT at
    row i, ``(i, 2)`` when row i comes before row i − 1.
    """
    cdef int64_t nat = INT64_MIN
    cdef Py_ssize_t n = stamps.shape[0], lo, hi
    cdef int p
    cdef Py_ssize_t[64] where
    cdef int[64] code
    if out.shape[0] != n:
        raise ValueError(f"stamp_decays: out holds {out.shape[0]} values, stamps {n}")
    if n == 0:
        return -1, 0
    if stamps[0] == nat:
        return 0, 1
    out[0] = 1.0
    parts = max(1, min(parts, 64))
    with nogil:
        if parts == 1:
            where[0], code[0] = stamp_range(&stamps[0], unit_ns, neg_scale, &out[0], 1, n)
        else:
            for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                where[p], code[p] = stamp_range(&stamps[0], unit_ns, neg_scale, &out[0], max(1, p * n // parts),
                                                (p + 1) * n // parts)
    for p in range(parts):
        if code[p]:
            return where[p], code[p]
    return -1, 0


def group_order(const int64_t[::1] codes, Py_ssize_t n):
    """Rows of each of ``n`` groups, in row order (a stable counting sort).

    Returns ``(order, bounds)``: group ``g`` owns rows ``order[bounds[g]:bounds[g + 1]]``.
    Rows with code -1 (a missing key) are left out.
    """
    if n < 0:
        raise ValueError(f"group_order: the number of groups must be >= 0, got {n}")
    bounds_arr = np.zeros(n + 1, dtype=np.int64)
    fill_arr = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] bounds = bounds_arr
    cdef int64_t[::1] fill = fill_arr
    cdef Py_ssize_t i, g, m = codes.shape[0]
    cdef int64_t c
    for i in range(m):
        if codes[i] >= n:
            raise ValueError(f"group_order: code {codes[i]} at row {i} is not below the number of groups {n}")
    with nogil:
        for i in range(m):
            if codes[i] >= 0:
                bounds[codes[i] + 1] += 1
        for g in range(n):
            bounds[g + 1] += bounds[g]
        for g in range(n):
            fill[g] = bounds[g]
    order_arr = np.empty(bounds[n], dtype=np.int64)
    cdef int64_t[::1] order = order_arr
    with nogil:
        for i in range(m):
            c = codes[i]
            if c >= 0:
                order[fill[c]] = i
                fill[c] += 1
    return order_arr, bounds_arr
