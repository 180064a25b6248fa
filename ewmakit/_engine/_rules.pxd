# cython: language_level=3
"""The update rules of the EWMA, written once: every kernel of the engine inlines these.

The recurrences are pandas' (``pandas/_libs/window/aggregations.pyx``, ``ewm``
and ``ewmcov``), generalised to a start value (``init``) and to a per-row decay
(irregular ``times``). Per series, the state before the first observation has
``nobs == 0`` and ``mean`` the start value v_{-1} (``init=<value>``) or NaN
(``init="first"``). At a row with decay ``d`` (β, or 0.5**(Δt/h) with times)
the weight of the past is multiplied by ``d`` unless the row is NaN and
``ignore_na``; an observation gets weight ``nw`` (1 with ``adjust``, else
1 − d) and the new value is the weighted mean of the past and the observation;
without ``adjust`` the weights are renormalised to 1 after each observation.

Glossary of the short names the kernels use (each a float64 unless said):

``m``, ``w``, ``n``
    a series' mean, weight of the past, and number of observations (int64);
``cur``
    the row's value (float64, NaN when missing);
``d``
    the row's decay; ``ow`` ("old weight") the decayed weight of the past,
    ``w·d``; ``nw`` ("new weight") the weight of the observation;
``w_star``
    the steady weight a clean series settles at (:func:`steady_weight`), with
    ``c_old``/``c_new`` the coefficients of the mean at that weight;
``mx``, ``my``, ``c``, ``sw``, ``sw2``
    the covariance state: the two means, the co-moment, Σw and Σw².
"""

from libc.math cimport fabs, exp2, sqrt, INFINITY, NAN
from libc.stdint cimport int64_t

ctypedef fused floating:
    float
    double

ctypedef struct Mean:
    double m
    double w
    int64_t n

ctypedef struct Coefs:
    double old
    double new

ctypedef struct Cov:
    double mx
    double my
    double c
    double sw
    double sw2
    double ow
    int64_t n


cdef inline bint finite(double v) noexcept nogil:
    return fabs(v) < INFINITY


cdef inline double mean_update(double m, double x, double ow, double nw) noexcept nogil:
    """The weighted mean of the past ``m`` and ``x``: m·ow/(ow+nw) + x·nw/(ow+nw).

    pandas computes (ow·m + nw·x)/(ow + nw); this form differs by an ulp or two
    but, with constant weights, leaves one multiply and one add on the
    dependency chain (the coefficients are loop-invariant). Exactly ``m`` when
    x == m (a constant series stays exactly constant; pandas skips the update
    then), and exactly ``x`` when ow == 0 (β = 0).
    """
    cdef double inv = 1.0 / (ow + nw)
    if m == x:
        return m
    return m * (ow * inv) + x * (nw * inv)


cdef inline Mean step(double m, double w, int64_t n, double cur, double d, double nw, bint adjust,
                      bint ignore_na) noexcept nogil:
    """One row of one series with pandas' rules for missing values: (mean, weight, nobs) -> new ones."""
    cdef Mean s
    cdef bint obs = cur == cur
    cdef double ow
    if n > 0:
        if obs or not ignore_na:
            ow = w * d
            if obs:
                m = mean_update(m, cur, ow, nw)
                w = ow + nw if adjust else 1.0
            else:
                w = ow
    elif obs:
        if not adjust and m == m:  # a start value v_{-1} = m with weight 1
            m = mean_update(m, cur, 1.0 * d, nw)
        else:  # start at the first observation
            m = cur
        w = 1.0
    if obs:
        n += 1
    s.m = m
    s.w = w
    s.n = n
    return s


cdef inline Coefs steady_coefs(double beta, bint adjust, double w_star) noexcept nogil:
    """The coefficients :func:`mean_update` computes for a past of weight ``w_star`` and constant β."""
    cdef Coefs k
    cdef double ow = w_star * beta
    cdef double nw = 1.0 if adjust else 1.0 - beta
    cdef double inv = 1.0 / (ow + nw)
    k.old = ow * inv
    k.new = nw * inv
    return k


cdef inline Mean series_step(double m, double w, int64_t n, double cur, double d, double nw, bint adjust,
                             bint ignore_na, bint fast, double w_star, double c_old, double c_new) noexcept nogil:
    """:func:`step`, with the common case (an observation at the steady weight, constant β) first.

    That case costs one multiply and one add on the chain and is bit-identical
    to :func:`step` (``c_old``, ``c_new`` from :func:`steady_coefs`).
    """
    cdef Mean s
    if fast and n > 0 and cur == cur and w == w_star:
        s.m = m if m == cur else m * c_old + cur * c_new
        s.w = w
        s.n = n + 1
        return s
    return step(m, w, n, cur, d, nw, adjust, ignore_na)


cdef inline double ema_step(double v, double x, double beta) noexcept nogil:
    """One EWMA step, v <- β·v + (1 − β)·x: the scalar heart of the optimizers' moments."""
    return beta * v + (1.0 - beta) * x


# --------------------------------------------------------------------------- covariance


cdef inline double west_mean(double m, double x, double ow, double nw, double tw, bint unit) noexcept nogil:
    """West's weighted mean of ``m`` (weight ``ow``) and ``x`` (weight ``nw``), ``tw = ow + nw``: exactly ``m``
    when x == m; ``unit`` (tw == 1.0) leaves out the division (v / 1.0 == v exactly)."""
    if m == x:
        return m
    return ow * m + nw * x if unit else (ow * m + nw * x) / tw


cdef inline double west_comoment(double c, double mx, double my, double nmx, double nmy, double cx, double cy,
                                 double ow, double nw, double tw, bint unit) noexcept nogil:
    """West's co-moment after the pair (cx, cy) of weight ``nw`` moved the means from (mx, my) to (nmx, nmy)."""
    cdef double v = ow * (c + (mx - nmx) * (my - nmy)) + nw * ((cx - nmx) * (cy - nmy))
    return v if unit else v / tw


cdef inline Cov comoment(double cx, double cy, double ow, double nw, double mx, double my, double c,
                         bint same) noexcept nogil:
    """West's update of the weighted means and co-moment with a new pair (cx, cy) of weight ``nw``.

    ``ow`` is the (decayed) weight of the past; pandas' arithmetic exactly.
    ``same``: x is y (a variance), so the y mean is the x mean. Fills mx, my, c.
    The usual case (no adjust, β >= 0.5) has a total weight of exactly 1 and
    needs no division.
    """
    cdef Cov s
    cdef double tw = ow + nw
    cdef bint unit = tw == 1.0
    s.mx = west_mean(mx, cx, ow, nw, tw, unit)
    s.my = s.mx if same else west_mean(my, cy, ow, nw, tw, unit)
    s.c = west_comoment(c, mx, my, s.mx, s.my, cx, cy, ow, nw, tw, unit)
    return s


cdef inline double debias(double sw, double sw2, bint bias) noexcept nogil:
    """The factor on the co-moment: 1 (``bias``) or pandas' (Σw)²/((Σw)² − Σw²), NaN when not positive."""
    cdef double num, den
    if bias:
        return 1.0
    num = sw * sw
    den = num - sw2
    return num / den if den > 0.0 else NAN


cdef inline double cov_value(double c, double factor, int64_t n, int64_t minp, bint root) noexcept nogil:
    """What the covariance kernels write: factor·c, or its root (``root``, negatives as 0); NaN under min_periods.

    A NaN factor (no debiased value yet) is written as it is: factor·c with
    both NaN (a ±inf met earlier leaves c at NaN) would be either NaN, of
    either sign, as the compiler orders the operands; this makes it the same
    NaN on every path.
    """
    cdef double v
    if n < minp:
        return NAN
    if factor != factor:
        return factor
    v = factor * c
    if root and v == v:
        v = sqrt(v if v > 0.0 else 0.0)
    return v


cdef inline void decay_weights(double* sw, double* sw2, double* ow, double d) noexcept nogil:
    """A row decays the weights of the past: Σw and the weight of the past by ``d``, Σw² by d²."""
    sw[0] *= d
    sw2[0] *= d * d
    ow[0] *= d


cdef inline void add_weight(double* sw, double* sw2, double* ow, double nw, bint adjust) noexcept nogil:
    """An observation of weight ``nw`` joins; without ``adjust`` the weights are renormalised to a past of 1."""
    sw[0] += nw
    sw2[0] += nw * nw
    ow[0] += nw
    if not adjust:
        sw[0] /= ow[0]
        sw2[0] /= ow[0] * ow[0]
        ow[0] = 1.0


cdef inline Cov cov_update(double cx, double cy, double d, double nw, bint adjust, bint same, double mx, double my,
                           double c, double sw, double sw2, double ow, int64_t n) noexcept nogil:
    """An observed pair on a started state: decay the weights by ``d``, then :func:`comoment` (nobs unchanged)."""
    cdef Cov s
    decay_weights(&sw, &sw2, &ow, d)
    s = comoment(cx, cy, ow, nw, mx, my, c, same)
    add_weight(&sw, &sw2, &ow, nw, adjust)
    return Cov(s.mx, s.my, s.c, sw, sw2, ow, n)


cdef inline Cov cov_step(double mx, double my, double c, double sw, double sw2, double ow, int64_t n, double cx,
                         double cy, double d, double nw, bint adjust, bint ignore_na, bint same) noexcept nogil:
    """One row of one pair with pandas' rules for missing values (``ewmcov``): state -> new state."""
    cdef Cov s = Cov(mx, my, c, sw, sw2, ow, n)  # a missing pair keeps the state (its weights may decay)
    cdef bint obs = (cx == cx) and (cy == cy)
    if n > 0:
        if obs:
            s = cov_update(cx, cy, d, nw, adjust, same, mx, my, c, sw, sw2, ow, n)
        elif not ignore_na:
            decay_weights(&s.sw, &s.sw2, &s.ow, d)
    elif obs:
        if adjust or mx != mx:  # start at the first observation
            s = Cov(cx, cy, 0.0, 1.0, 1.0, 1.0, n)
        else:  # the start value is a pseudo-observation of weight 1
            s = cov_update(cx, cy, d, nw, adjust, same, mx, my, 0.0, 1.0, 1.0, 1.0, n)
    if obs:
        s.n += 1
    return s


# --------------------------------------------------------------------------- times


cdef inline double time_decay(double dt, double neg_scale) noexcept nogil:
    """0.5 ** (dt / halflife) as exp2(dt · neg_scale), neg_scale = −1/halflife: every timed path's formula."""
    return exp2(dt * neg_scale)


cdef enum:
    MEMO_BITS = 12
    MEMO_SLOTS = 4096  # 2**MEMO_BITS slots of the step -> decay memo of the timed walks (64 KB with the values)

cdef extern from "<stdint.h>":
    const int64_t INT64_MIN  # a NaT among int64 time stamps; the key of a free memo slot (never looked up)

cdef extern from *:
    """
    #define EWMAKIT_MEMO_FREE INT64_MIN
    """
    const int64_t MEMO_FREE "EWMAKIT_MEMO_FREE"


cdef inline double memo_decay(int64_t step_, int64_t unit_ns, double neg_scale, int64_t* keys,
                              double* vals) noexcept nogil:
    """:func:`time_decay` of a step of ``step_`` stamp units, through a memo of the steps already seen.

    Real indexes have a handful of distinct steps; the memo returns the very
    value the formula gives. MEMO_SLOTS slots (``keys``/``vals``, keys
    INT64_MIN when free) in pairs: a step is hashed (MurmurHash3's finaliser:
    steps in ns are multiples of 10**9, which simpler hashes pile up) to slot
    ``h`` and looked up there and in ``h ^ 1`` (two compares, predictable
    branches, no probing loop); a new step takes ``h``, moving the step there
    to ``h ^ 1``, so two steps that share a slot both stay.
    """
    # Fibonacci hashing, the top MEMO_BITS bits of step·2^64/φ: arithmetic sequences of steps (1, 2, 3... of any
    # unit) land in distinct slots
    cdef int64_t h = <int64_t> ((<unsigned long long> step_ * 11400714819323198485ULL) >> (64 - MEMO_BITS))
    cdef int64_t g
    cdef double v
    if keys[h] == step_:
        return vals[h]
    g = h ^ 1
    if keys[g] == step_:
        return vals[g]
    v = time_decay(<double> (step_ * unit_ns), neg_scale)
    if keys[h] != MEMO_FREE:  # the step living in h moves to h ^ 1: two steps hashed to h both stay
        keys[g] = keys[h]
        vals[g] = vals[h]
    keys[h] = step_
    vals[h] = v
    return v


cdef inline double stamp_decay(const int64_t* stamps, Py_ssize_t i, int64_t unit_ns,
                               double neg_scale) noexcept nogil:
    """The decay of row ``i`` from int64 stamps (1 for row 0), as the stamp kernel computes it."""
    if i == 0:
        return 1.0
    return time_decay(<double> ((stamps[i] - stamps[i - 1]) * unit_ns), neg_scale)
