# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Grouped kernels: many series whose rows are interleaved in one long table (``by=`` keys).

Row ``i`` belongs to group ``codes[i]`` (-1: a missing key, whose row is
written NaN and touches no state). One pass walks the table in row order; each
group's state lives in row ``g`` of the per-series state arrays (``g·C + j``
for value column ``j``), so the rows of a group need not be contiguous and
nothing is gathered or scattered. Every step is the update rule of
:mod:`ewmakit._engine._rules` the other kernels inline, so a group's values are
bit for bit those of its rows smoothed on their own. The table is read through
its strides (a DataFrame's column-major block as well as a row-major array).

No validation of options here: :mod:`ewmakit._engine` checks them. The sizes
and the codes are checked before any array is touched.
"""

import numpy as np

from libc.math cimport fabs, INFINITY, NAN
from libc.stdint cimport int8_t, int16_t, int32_t, int64_t, uint8_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp, memcpy

from ._sizes cimport check_sizes
from ._rules cimport (MEMO_FREE, MEMO_SLOTS, Coefs, Cov, Mean, comoment, cov_step, cov_value, debias, floating,
                      memo_decay, series_step, steady_coefs, step, time_decay)


ctypedef fused code_t:
    # the group codes as they come: a pandas categorical's int8/int16 codes are read as they are, not widened
    int8_t
    int16_t
    int32_t
    int64_t


cdef int check_codes(const code_t[::1] codes, Py_ssize_t groups, str kernel) except -1:
    """Every code must be -1 (a missing key) or a group below ``groups``."""
    cdef Py_ssize_t i, n = codes.shape[0], bad = -1
    with nogil:
        for i in range(n):
            if codes[i] < -1 or codes[i] >= groups:
                bad = i
                break
    if bad >= 0:
        raise ValueError(f"{kernel}: code {codes[bad]} at row {bad} is not -1 or a group below {groups}")
    return 0


cdef int64_t mean_walk(const floating[:, :] x, floating[:, :] out, const code_t[::1] codes, Py_ssize_t C,
                       double beta, const double* decay, bint timed, bint adjust, bint ignore_na, int64_t minp,
                       Mean* st, double w_star) noexcept nogil:
    """The walk of :func:`mean_groups` over the states ``st`` (series ``g·C + j``, each one record).

    The state of the group at hand stays in registers while its rows follow
    each other (a table sorted by key is then one register walk per group, as
    an ungrouped series); a record per series keeps each row's state in one
    cache line.
    """
    cdef Py_ssize_t T = x.shape[0], i, j
    cdef int64_t ninf = 0, g, held = -1  # held: the group whose state is in ``s`` (one column)
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef Coefs k = steady_coefs(beta, adjust, w_star)
    cdef bint fast = not timed and w_star == w_star
    cdef double d = beta, cur
    cdef Mean s = st[0]
    cdef Mean* q
    for i in range(T):
        g = codes[i]
        if g < 0:
            for j in range(C):
                out[i, j] = <floating> NAN
            continue
        if timed:
            d = decay[i]
            nw = 1.0 if adjust else 1.0 - d
        if C == 1:
            if g != held:
                if held >= 0:
                    st[held] = s
                held = g
                s = st[g]
            cur = <double> x[i, 0]
            ninf += fabs(cur) == INFINITY
            s = series_step(s.m, s.w, s.n, cur, d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            out[i, 0] = <floating> (s.m if s.n >= minp else NAN)
            continue
        for j in range(C):
            q = st + g * C + j
            cur = <double> x[i, j]
            ninf += fabs(cur) == INFINITY
            q[0] = series_step(q.m, q.w, q.n, cur, d, nw, adjust, ignore_na, fast, w_star, k.old, k.new)
            out[i, j] = <floating> (q.m if q.n >= minp else NAN)
    if held >= 0:
        st[held] = s
    return ninf


cdef int64_t mean_walk_one(const floating* x, Py_ssize_t sx, floating* out, Py_ssize_t so, Py_ssize_t T,
                           const code_t* codes, double beta, bint adjust, bint ignore_na, int64_t minp, Mean* st,
                           double w_star) noexcept nogil:
    """:func:`mean_walk` for one value column at a constant β: each row reads and writes its group's record.

    ``sx``, ``so``: the strides of ``x`` and ``out`` in elements. A shuffled
    table switches group at nearly every row, so no state is held in
    registers: the record is updated in place (one cache line, in L1/L2 for
    thousands of groups). The steady case is :func:`series_step`'s, bit for bit.
    """
    cdef Py_ssize_t i
    cdef int64_t ninf = 0, g
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef Coefs k = steady_coefs(beta, adjust, w_star)
    cdef bint fast = w_star == w_star
    cdef double cur, m
    cdef Mean* q
    for i in range(T):
        g = codes[i]
        if g < 0:
            out[i * so] = <floating> NAN
            continue
        q = st + g
        cur = <double> x[i * sx]
        ninf += fabs(cur) == INFINITY
        if fast and q.n > 0 and cur == cur and q.w == w_star:
            m = q.m
            if m != cur:
                m = m * k.old + cur * k.new
            q.m = m
            q.n += 1
        else:
            q[0] = step(q.m, q.w, q.n, cur, beta, nw, adjust, ignore_na)
        out[i * so] = <floating> (q.m if q.n >= minp else NAN)
    return ninf


def mean_groups(const floating[:, :] x, floating[:, :] out, const code_t[::1] codes, Py_ssize_t groups,
                double beta, const double[::1] decay, bint timed, bint adjust, bint ignore_na, int64_t minp,
                double[::1] mean, double[::1] wt, int64_t[::1] nobs, double w_star):
    """The EWMA of each group's rows of ``x`` (T, C) into ``out`` (T, C), in one pass in row order.

    ``decay[i]`` (used when ``timed``) is the decay of row ``i`` from the
    previous row of its group (see :func:`group_stamp_decays`). The state
    arrays hold ``groups·C`` series (group ``g``, column ``j`` at ``g·C + j``),
    read and updated in place. Returns the number of ±inf values met.
    """
    cdef Py_ssize_t T = x.shape[0], C = x.shape[1], n = groups * C, q
    cdef int64_t ninf = 0
    cdef Mean* st
    check_sizes("mean_groups", T, {"out's rows": out.shape[0], "codes": codes.shape[0]})
    check_sizes("mean_groups", C, {"out's columns": out.shape[1]})
    check_sizes("mean_groups", n, {"mean": mean.shape[0], "wt": wt.shape[0], "nobs": nobs.shape[0]})
    check_sizes("mean_groups", T if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    check_codes(codes, groups, "mean_groups")
    if T == 0 or C == 0 or n == 0:
        out[:, :] = NAN
        return 0
    st = <Mean*> malloc(n * sizeof(Mean))
    if st == NULL:
        raise MemoryError()
    with nogil:
        for q in range(n):
            st[q] = Mean(mean[q], wt[q], nobs[q])
        if C == 1 and not timed:
            ninf = mean_walk_one(&x[0, 0], x.strides[0] // sizeof(x[0, 0]), &out[0, 0],
                                 out.strides[0] // sizeof(out[0, 0]), T, &codes[0], beta, adjust, ignore_na, minp,
                                 st, w_star)
        else:
            ninf = mean_walk(x, out, codes, C, beta, &decay[0], timed, adjust, ignore_na, minp, st, w_star)
        for q in range(n):
            mean[q], wt[q], nobs[q] = st[q].m, st[q].w, st[q].n
    free(st)
    return ninf


cdef int64_t cov_walk(const floating[:, :] x, const floating[:, :] y, floating[:, :] out, const code_t[::1] codes,
                      Py_ssize_t C, double beta, const double* decay, bint timed, bint adjust, bint ignore_na,
                      int64_t minp, bint bias, Cov* st, bint same, bint root, double sw_star, double sw2_star,
                      double ow_star) noexcept nogil:
    """The walk of :func:`cov_groups` over the states ``st`` (series ``g·C + j``, each one record).

    An observed pair on a state at the steady weights only updates the means
    and the co-moment, and its value takes the steady debiasing factor:
    bit-identical to :func:`cov_step` (see ``one_pair`` of
    :mod:`ewmakit._engine._cov`).
    """
    cdef Py_ssize_t T = x.shape[0], i, j
    cdef int64_t ninf = 0, g
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef double d = beta, cx, cy
    cdef bint steady = not timed and sw_star == sw_star
    cdef double factor = debias(sw_star, sw2_star, bias)
    cdef Cov r
    cdef Cov* q
    for i in range(T):
        g = codes[i]
        if g < 0:
            for j in range(C):
                out[i, j] = <floating> NAN
            continue
        if timed:
            d = decay[i]
            nw = 1.0 if adjust else 1.0 - d
        for j in range(C):
            q = st + g * C + j
            cx = <double> x[i, j]
            cy = <double> y[i, j]
            ninf += (fabs(cx) == INFINITY) + (not same and fabs(cy) == INFINITY)
            if steady and q.n > 0 and cx == cx and cy == cy and q.sw == sw_star and q.sw2 == sw2_star \
                    and q.ow == ow_star:
                r = comoment(cx, cy, q.ow * d, nw, q.mx, q.my, q.c, same)
                q.mx = r.mx
                q.my = r.my
                q.c = r.c
                q.n += 1
                out[i, j] = <floating> cov_value(q.c, factor, q.n, minp, root)
            else:
                q[0] = cov_step(q.mx, q.my, q.c, q.sw, q.sw2, q.ow, q.n, cx, cy, d, nw, adjust, ignore_na, same)
                out[i, j] = <floating> cov_value(q.c, debias(q.sw, q.sw2, bias), q.n, minp, root)
    return ninf


def cov_groups(const floating[:, :] x, const floating[:, :] y, floating[:, :] out, const code_t[::1] codes,
               Py_ssize_t groups, double beta, const double[::1] decay, bint timed, bint adjust, bint ignore_na,
               int64_t minp, bint bias, double[::1] mean_x, double[::1] mean_y, double[::1] cov, double[::1] sum_wt,
               double[::1] sum_wt2, double[::1] old_wt, int64_t[::1] nobs, bint same, bint root,
               double sw_star, double sw2_star, double ow_star):
    """The EW covariance of each group's rows of ``x`` and ``y`` (T, C) into ``out``, one pass in row order.

    As :func:`ewmakit._engine._cov.cov_rows` for each group on its own (``same``:
    a variance, ``x`` is ``y``; ``root``: its square root), the state arrays
    holding ``groups·C`` series. ``sw_star``, ``sw2_star``, ``ow_star``: the
    steady weights (``steady_cov``; NaNs: none), at which a clean row only
    updates the means and the co-moment. Returns the number of ±inf values met.
    """
    cdef Py_ssize_t T = x.shape[0], C = x.shape[1], n = groups * C, q
    cdef int64_t ninf = 0
    cdef Cov* st
    check_sizes("cov_groups", T, {"y's rows": y.shape[0], "out's rows": out.shape[0], "codes": codes.shape[0]})
    check_sizes("cov_groups", C, {"y's columns": y.shape[1], "out's columns": out.shape[1]})
    check_sizes("cov_groups", n, {"mean_x": mean_x.shape[0], "mean_y": mean_y.shape[0], "cov": cov.shape[0],
                                  "sum_wt": sum_wt.shape[0], "sum_wt2": sum_wt2.shape[0], "old_wt": old_wt.shape[0],
                                  "nobs": nobs.shape[0]})
    check_sizes("cov_groups", T if timed else max(decay.shape[0], 1), {"decay": decay.shape[0]})
    check_codes(codes, groups, "cov_groups")
    if T == 0 or C == 0 or n == 0:
        out[:, :] = NAN
        return 0
    st = <Cov*> malloc(n * sizeof(Cov))
    if st == NULL:
        raise MemoryError()
    with nogil:
        for q in range(n):
            st[q] = Cov(mean_x[q], mean_y[q], cov[q], sum_wt[q], sum_wt2[q], old_wt[q], nobs[q])
        ninf = cov_walk(x, y, out, codes, C, beta, &decay[0], timed, adjust, ignore_na, minp, bias, st, same, root,
                        sw_star, sw2_star, ow_star)
        for q in range(n):
            mean_x[q], mean_y[q], cov[q] = st[q].mx, st[q].my, st[q].c
            sum_wt[q], sum_wt2[q], old_wt[q], nobs[q] = st[q].sw, st[q].sw2, st[q].ow, st[q].n
    free(st)
    return ninf


def group_stamp_decays(const int64_t[::1] stamps, const int64_t[::1] codes, Py_ssize_t groups, int64_t unit_ns,
                       double neg_scale, double[::1] out):
    """Per-row decays of int64 time stamps, each from the previous row of its group, checked on the way.

    ``out[i] = 0.5 ** ((t_i − t_prev) / halflife)`` with ``t_prev`` the time
    of the last row of group ``codes[i]`` before ``i``, 1 at a group's first
    row (and at rows of a missing key, whose times are not looked at); the
    steps in nanoseconds, through the same memo as the ungrouped walks, so the
    decays are bit for bit those of each group's times on their own. Returns
    ``(-1, 0)``, or ``(i, 1)`` for the first NaT at row i, ``(i, 2)`` when row
    i comes before the previous row of its group.
    """
    cdef Py_ssize_t n = stamps.shape[0], i
    cdef int64_t nat = MEMO_FREE  # INT64_MIN, numpy's NaT
    cdef int64_t g, t
    cdef Py_ssize_t where = -1
    cdef int code = 0
    cdef int64_t keys[MEMO_SLOTS]
    cdef double vals[MEMO_SLOTS]
    check_sizes("group_stamp_decays", n, {"codes": codes.shape[0], "out": out.shape[0]})
    check_codes(codes, groups, "group_stamp_decays")
    last_arr = np.full(max(groups, 1), nat, dtype=np.int64)  # the last time of each group (NaT: none yet)
    cdef int64_t[::1] last = last_arr
    for i in range(MEMO_SLOTS):
        keys[i] = MEMO_FREE
    with nogil:
        for i in range(n):
            g = codes[i]
            out[i] = 1.0
            if g < 0:
                continue
            t = stamps[i]
            if t == nat:
                where, code = i, 1
                break
            if last[g] != nat:
                if t < last[g]:  # compared, never subtracted first: the difference may wrap around
                    where, code = i, 2
                    break
                out[i] = memo_decay(t - last[g], unit_ns, neg_scale, keys, vals)
            last[g] = t
    return where, code


def group_time_decays(const double[::1] times, const int64_t[::1] codes, Py_ssize_t groups, double neg_scale,
                      double[::1] out):
    """:func:`group_stamp_decays` for finite float times: ``(-1, 0)`` or ``(i, 2)`` for a step back at row i."""
    cdef Py_ssize_t n = times.shape[0], i
    cdef int64_t g
    cdef double t
    cdef Py_ssize_t where = -1
    cdef int code = 0
    check_sizes("group_time_decays", n, {"codes": codes.shape[0], "out": out.shape[0]})
    check_codes(codes, groups, "group_time_decays")
    last_arr = np.full(max(groups, 1), NAN)  # the last time of each group (NaN: none yet)
    seen_arr = np.zeros(max(groups, 1), dtype=np.uint8)
    cdef double[::1] last = last_arr
    cdef unsigned char[::1] seen = seen_arr
    with nogil:
        for i in range(n):
            g = codes[i]
            out[i] = 1.0
            if g < 0:
                continue
            t = times[i]
            if seen[g]:
                if t < last[g]:
                    where, code = i, 2
                    break
                out[i] = time_decay(t - last[g], neg_scale)
            seen[g] = 1
            last[g] = t
    return where, code


# --------------------------------------------------------------------------- groups laid out as panels


cdef int64_t[::1] bucket_counts(str kernel, Py_ssize_t T, Py_ssize_t C, Py_ssize_t width,
                                const int64_t[::1] codes, const int64_t[::1] bucket_of, const int64_t[::1] column_of,
                                int64_t bucket):
    """The checks :func:`gather_bucket` and :func:`scatter_bucket` share (sizes, codes, every column of the
    bucket inside a panel ``width`` wide), and their zeroed row counters, one per group."""
    cdef Py_ssize_t groups = bucket_of.shape[0], g
    check_sizes(kernel, T, {"codes": codes.shape[0]})
    check_sizes(kernel, groups, {"column_of": column_of.shape[0]})
    check_codes(codes, groups, kernel)
    for g in range(groups):
        if bucket_of[g] == bucket and (column_of[g] < 0 or (column_of[g] + 1) * C > width):
            raise ValueError(f"{kernel}: group {g}'s column {column_of[g]} is outside the panel")
    return np.zeros(max(groups, 1), dtype=np.int64)


def gather_bucket(const floating[:, :] x, const int64_t[::1] codes, const int64_t[::1] bucket_of,
                  const int64_t[::1] column_of, int64_t bucket, floating[:, :] panel):
    """Copy the rows of the groups of ``bucket`` into ``panel`` (L, n·C): the k-th row of group g (in row
    order) into row k, columns ``column_of[g]·C : +C``. Rows past a group's end are left as they are."""
    cdef Py_ssize_t T = x.shape[0], C = x.shape[1], L = panel.shape[0], i, j
    cdef int64_t g, k, col
    cdef bint short = False
    cdef int64_t[::1] count = bucket_counts("gather_bucket", T, C, panel.shape[1], codes, bucket_of, column_of,
                                            bucket)
    with nogil:
        for i in range(T):
            g = codes[i]
            if g < 0 or bucket_of[g] != bucket:
                continue
            k = count[g]
            count[g] = k + 1
            if k >= L:
                short = True
                break
            col = column_of[g] * C
            for j in range(C):
                panel[k, col + j] = x[i, j]
    if short:
        raise ValueError("gather_bucket: a group has more rows than the panel")
    return None


def scatter_bucket(const floating[:, :] panel, const int64_t[::1] codes, const int64_t[::1] bucket_of,
                   const int64_t[::1] column_of, int64_t bucket, floating[:, :] out):
    """The inverse of :func:`gather_bucket`: row k, columns ``column_of[g]·C : +C`` of ``panel`` back onto the
    k-th row of group g of ``out`` (T, C), for the groups of ``bucket``."""
    cdef Py_ssize_t T = out.shape[0], C = out.shape[1], L = panel.shape[0], i, j
    cdef int64_t g, k, col
    cdef bint short = False
    cdef int64_t[::1] count = bucket_counts("scatter_bucket", T, C, panel.shape[1], codes, bucket_of, column_of,
                                            bucket)
    with nogil:
        for i in range(T):
            g = codes[i]
            if g < 0 or bucket_of[g] != bucket:
                continue
            k = count[g]
            count[g] = k + 1
            if k >= L:
                short = True
                break
            col = column_of[g] * C
            for j in range(C):
                out[i, j] = panel[k, col + j]
    if short:
        raise ValueError("scatter_bucket: a group has more rows than the panel")
    return None


# --------------------------------------------------------------------------- text keys


ctypedef fused offset_t:
    int32_t
    int64_t


cdef uint64_t[9] WORD_MASK
WORD_MASK[:] = [0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFF, 0xFFFFFFFFFFFF, 0xFFFFFFFFFFFFFF,
                0xFFFFFFFFFFFFFFFF]  # the low n bytes of a little-endian word


cdef inline uint64_t mix64(uint64_t h) noexcept nogil:
    """MurmurHash3's 64-bit finaliser: every input bit reaches every output bit (the table uses the low ones)."""
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    h ^= h >> 33
    return h


cdef inline uint64_t text_hash(const uint8_t* p, Py_ssize_t n) noexcept nogil:
    """A fast 64-bit hash of ``n`` bytes: 8 at a time, each word multiplied in, then MurmurHash3's finaliser
    (so every bit of the input reaches the low bits the table uses)."""
    cdef uint64_t h = <uint64_t> n * 0x9E3779B97F4A7C15ULL, w = 0
    cdef Py_ssize_t k
    while n >= 8:
        memcpy(&w, p, 8)
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL
        h ^= h >> 31
        p += 8
        n -= 8
    if n > 0:
        w = 0
        for k in range(n):  # at most 7 bytes, little-endian
            w |= (<uint64_t> p[k]) << (8 * k)
        h ^= w
    return mix64(h)


def text_codes(const uint8_t[::1] valid, bint has_nulls, const offset_t[::1] offsets, const uint8_t[::1] data,
               Py_ssize_t start, Py_ssize_t n):
    """Group codes of ``n`` Arrow strings, in the order in which they first appear (-1 for a null).

    ``offsets`` and ``data``: an Arrow string (int32 offsets) or large string
    (int64) array's buffers; ``valid`` its validity bitmap (read when
    ``has_nulls``); ``start``: the array's offset into its buffers. One pass: each
    string is hashed and looked up in an open-addressing table of the distinct
    strings seen so far, whose bytes are copied into one small arena so that a
    comparison (on a hash match) reads cache-resident bytes rather than the
    far-away row where the string first appeared. Returns
    ``(codes, first)``: int32 codes, and the row of each code's first
    appearance (to read the keys back).
    """
    check_sizes("text_codes", start + n + 1, {"offsets": offsets.shape[0]})
    if has_nulls:
        check_sizes("text_codes", (start + n + 7) // 8, {"validity bitmap": valid.shape[0]})
    if n and (offsets[start] < 0 or offsets[start + n] > data.shape[0]):
        raise ValueError(f"text_codes: offsets reach byte {offsets[start + n]} of {data.shape[0]}")
    codes = np.empty(n, dtype=np.int32)
    cdef int32_t[::1] out = codes
    cdef Py_ssize_t cap = 1024, mask, i, j, k, slot, count = 0, size = 4096
    cdef Py_ssize_t arena_cap = 1 << 16, arena_used = 0
    cdef int64_t* first = <int64_t*> malloc(cap * sizeof(int64_t))
    cdef uint64_t* hashes = <uint64_t*> malloc(cap * sizeof(uint64_t))
    cdef int64_t* at = <int64_t*> malloc(cap * sizeof(int64_t))  # where code c's bytes start in the arena
    cdef uint64_t* words = <uint64_t*> malloc(cap * sizeof(uint64_t))  # a short string's bytes as one word
    cdef int64_t* lengths = <int64_t*> malloc(cap * sizeof(int64_t))
    cdef uint64_t* grown_w
    cdef int64_t* grown_len
    cdef uint64_t w = 0
    cdef bint short
    cdef Py_ssize_t nbytes = data.shape[0]
    cdef int32_t* table = <int32_t*> malloc(size * sizeof(int32_t))
    cdef uint8_t* arena = <uint8_t*> malloc(arena_cap)
    cdef int64_t* grown
    cdef uint64_t* grown_h
    cdef int64_t* grown_at
    cdef int32_t* grown_t
    cdef uint8_t* grown_arena
    cdef int64_t a, b
    cdef uint64_t h
    cdef int32_t c
    cdef bint failed = False
    if first == NULL or hashes == NULL or at == NULL or words == NULL or lengths == NULL or table == NULL \
            or arena == NULL:
        free(first)
        free(hashes)
        free(at)
        free(words)
        free(lengths)
        free(table)
        free(arena)
        raise MemoryError()
    with nogil:
        for slot in range(size):
            table[slot] = -1
        mask = size - 1
        for i in range(n):
            j = start + i
            if has_nulls and not (valid[j >> 3] >> (j & 7)) & 1:
                out[i] = -1
                continue
            a = offsets[j]
            b = offsets[j + 1]
            short = b - a <= 8
            if short:  # up to 8 bytes: the string is its word (and its length); no byte comparison needed
                if a + 8 <= nbytes:
                    memcpy(&w, &data[0] + a, 8)
                    w &= WORD_MASK[b - a]
                else:
                    w = 0
                    for k in range(b - a):
                        w |= (<uint64_t> data[a + k]) << (8 * k)
                h = mix64(w ^ (<uint64_t> (b - a) * 0x9E3779B97F4A7C15ULL))
            else:
                w = 0
                h = text_hash(&data[0] + a, b - a)
            slot = <Py_ssize_t> (h & <uint64_t> mask)
            while True:
                c = table[slot]
                if c < 0:  # a new string: code ``count``
                    if count == cap:  # room for more codes
                        cap *= 2
                        grown = <int64_t*> realloc(first, cap * sizeof(int64_t))
                        if grown != NULL:
                            first = grown
                        grown_h = <uint64_t*> realloc(hashes, cap * sizeof(uint64_t))
                        if grown_h != NULL:
                            hashes = grown_h
                        grown_at = <int64_t*> realloc(at, cap * sizeof(int64_t))
                        if grown_at != NULL:
                            at = grown_at
                        grown_w = <uint64_t*> realloc(words, cap * sizeof(uint64_t))
                        if grown_w != NULL:
                            words = grown_w
                        grown_len = <int64_t*> realloc(lengths, cap * sizeof(int64_t))
                        if grown_len != NULL:
                            lengths = grown_len
                        if grown == NULL or grown_h == NULL or grown_at == NULL or grown_w == NULL \
                                or grown_len == NULL:
                            failed = True
                            break
                    if arena_used + (b - a) > arena_cap:  # room for its bytes
                        while arena_used + (b - a) > arena_cap:
                            arena_cap *= 2
                        grown_arena = <uint8_t*> realloc(arena, arena_cap)
                        if grown_arena == NULL:
                            failed = True
                            break
                        arena = grown_arena
                    if b > a:
                        memcpy(arena + arena_used, &data[0] + a, b - a)
                    c = <int32_t> count
                    first[count] = j
                    hashes[count] = h
                    words[count] = w
                    lengths[count] = b - a
                    at[count] = arena_used
                    arena_used += b - a
                    table[slot] = c
                    count += 1
                    if 4 * count > size:  # keep the table at most a quarter full: rebuild it twice as large
                        grown_t = <int32_t*> malloc(2 * size * sizeof(int32_t))
                        if grown_t == NULL:
                            failed = True
                            break
                        free(table)
                        table = grown_t
                        size *= 2
                        mask = size - 1
                        for slot in range(size):
                            table[slot] = -1
                        for k in range(count):
                            slot = <Py_ssize_t> (hashes[k] & <uint64_t> mask)
                            while table[slot] >= 0:
                                slot = (slot + 1) & mask
                            table[slot] = <int32_t> k
                    break
                if short:
                    if words[c] == w and lengths[c] == b - a:
                        break
                elif hashes[c] == h and lengths[c] == b - a and memcmp(arena + at[c], &data[0] + a, b - a) == 0:
                    break
                slot = (slot + 1) & mask
            if failed:
                break
            out[i] = c
    rows = np.empty(count, dtype=np.int64)
    cdef int64_t[::1] rows_v = rows
    for k in range(count):
        rows_v[k] = first[k] - start
    free(first)
    free(hashes)
    free(at)
    free(words)
    free(lengths)
    free(table)
    free(arena)
    if failed:
        raise MemoryError()
    return codes, rows


# --------------------------------------------------------------------------- RSI per group


ctypedef struct RsiState:
    double prev  # the group's last close
    int64_t seen  # 1 once it has one
    int64_t count  # changes summed into the SMA seed so far
    double sum_gain
    double sum_loss
    Mean gain  # the smoothed gains and losses
    Mean loss


cdef inline double seed_part(double v) noexcept nogil:
    """``numpy.maximum(v, 0.0)``, as the SMA seed's prefix takes it: v if v >= 0 (so -0.0 stays), NaN for NaN."""
    return v if (v >= 0.0 or v != v) else 0.0


cdef inline double wilder_part(double v) noexcept nogil:
    """max(v, 0) as the fused RSI kernel takes it: NaN for NaN, +0.0 for a zero of either sign."""
    return v if v > 0.0 else (0.0 if v == v else NAN)


def rsi_groups(const double[:, :] close, double[:, :] out, const code_t[::1] codes, Py_ssize_t groups,
               Py_ssize_t n, bint sma):
    """Wilder's RSI of each group's rows of ``close`` (T, C) into ``out``, one pass in row order.

    Each group is what :func:`ewmakit._engine._finance.rsi` (with the SMA seed
    of ``ewmakit.finance``, or ``sma`` false: from the first change) gives on
    its rows alone, bit for bit: a change is the close minus the previous close
    of the same group (NaN at its first row), gains and losses are smoothed with
    β = 1 − 1/n by the rule every EWMA uses, and RSI = 100·G/(G + L), NaN where
    G + L is not > 0. With ``sma`` each series starts at its n-th change with the
    mean of its first n (NaN before). Rows with code -1 are NaN.
    """
    cdef Py_ssize_t T = close.shape[0], C = close.shape[1], S = groups * C, i, j, q
    cdef int64_t g
    cdef double beta = 1.0 - 1.0 / <double> n if n >= 1 else 0.0, nw, d, cur, G, L, total
    cdef Mean sg, sl
    cdef RsiState* st
    cdef RsiState* r
    check_sizes("rsi_groups", T, {"out's rows": out.shape[0], "codes": codes.shape[0]})
    check_sizes("rsi_groups", C, {"out's columns": out.shape[1]})
    check_codes(codes, groups, "rsi_groups")
    if n < 1:
        raise ValueError(f"rsi_groups: n must be >= 1, got {n}")
    nw = 1.0 - beta
    cdef Coefs k = steady_coefs(beta, False, 1.0)
    st = <RsiState*> malloc(max(S, 1) * sizeof(RsiState))
    if st == NULL:
        raise MemoryError()
    with nogil:
        for q in range(S):  # fresh: no close yet, nothing summed, the means NaN (they start at the first change)
            st[q] = RsiState(NAN, 0, 0, 0.0, 0.0, Mean(NAN, 1.0, 0), Mean(NAN, 1.0, 0))
        for i in range(T):
            g = codes[i]
            if g < 0:
                for j in range(C):
                    out[i, j] = NAN
                continue
            for j in range(C):
                r = st + g * C + j
                cur = close[i, j]
                d = cur - r.prev if r.seen else NAN
                r.prev = cur
                r.seen = 1
                if sma and r.count < n:  # seeding: NaN until the n-th change, then the mean of the first n
                    out[i, j] = NAN
                    if d == d:
                        r.sum_gain = r.sum_gain + seed_part(d)
                        r.sum_loss = r.sum_loss + seed_part(-d)
                        r.count += 1
                        if r.count == n:
                            G = r.sum_gain / <double> n
                            L = r.sum_loss / <double> n
                            r.gain = Mean(G, 1.0, n)
                            r.loss = Mean(L, 1.0, n)
                            total = G + L
                            out[i, j] = 100.0 * G / total if total > 0.0 else NAN
                    continue
                # without adjust a series past its first observation has weight 1: the steady case of
                # series_step (one multiply and one add on the chain), bit for bit the general step
                sg = series_step(r.gain.m, r.gain.w, r.gain.n, wilder_part(d), beta, nw, False, False, True, 1.0,
                                 k.old, k.new)
                sl = series_step(r.loss.m, r.loss.w, r.loss.n, wilder_part(-d), beta, nw, False, False, True, 1.0,
                                 k.old, k.new)
                r.gain = sg
                r.loss = sl
                G = sg.m if sg.n >= 1 else NAN
                L = sl.m if sl.n >= 1 else NAN
                total = G + L
                out[i, j] = 100.0 * G / total if total > 0.0 else NAN
    free(st)
    return None
