# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Fused optimizer steps: one compiled pass over memory per step.

Each kernel walks the flat parameter buffer once, reading ``p``, ``g`` and the
moments and writing ``p`` and the moments, so a step costs what copying the
arrays costs (plus a few flops). The moments are updated by ``ema_step`` of
:mod:`ewmakit._engine._rules`, the scalar EWMA step that ``ewma_update`` (and so
the readable path of the optimizers) loops over: one EWMA, inlined here.

Conventions shared by the kernels (the callers check everything):

* arrays are flat, C-contiguous and of one dtype (float32 or float64);
* ``beta``-like arguments fed to ``ema_step`` are float64: the moment is
  computed in float64 and rounded once when it is stored, and the update reads
  the stored moment back, as torch does;
* every other scalar (``lr``, ``eps``, ``weight_decay``, ``sign`` ...) arrives
  already cast to the array's dtype, so float32 parameters get float32 math,
  in the order torch's kernels use (``addcdiv``: ``p + (value·a)/b``);
* no fast-math: the results are IEEE-exact for the operations written.

Each step is written once, for one element (``*_elem``, fused over float32 and
float64); the loops around it take restrict-qualified pointers (the arrays
never overlap: the optimizers refuse parameters that share memory) and are
called with their switches as literals, so that the compiler vectorises one
branch-free loop per case.
"""

from libc.math cimport sqrt, sqrtf

from ._sizes cimport check_sizes
from ._rules cimport ema_step, floating


cdef extern from *:
    ctypedef float* float_r "float * __restrict__"
    ctypedef const float* cfloat_r "const float * __restrict__"
    ctypedef double* double_r "double * __restrict__"
    ctypedef const double* cdouble_r "const double * __restrict__"


cdef inline floating root(floating v) noexcept nogil:
    """The square root in the array's precision (``sqrtf`` for float32, as torch and numpy do)."""
    if floating is float:
        return sqrtf(v)
    else:
        return sqrt(v)


# --------------------------------------------------------------------------- one element of each step


cdef inline void sgd_elem(floating* p, const floating* g, floating* buf, floating lr, floating sign,
                          floating weight_decay, double momentum, floating mom, floating scale, bint nesterov,
                          bint first, bint use_momentum, bint decayed) noexcept nogil:
    cdef floating pk = p[0]
    cdef floating gk = sign * g[0]
    cdef floating bk
    if decayed:
        gk = gk + weight_decay * pk
    if use_momentum:
        if first:
            buf[0] = gk
        else:
            buf[0] = <floating> ema_step(<double> buf[0], <double> (scale * gk), momentum)
        bk = buf[0]
        if nesterov:
            gk = gk + mom * bk
        else:
            gk = bk
    p[0] = pk - lr * gk


cdef inline void rmsprop_elem(floating* p, const floating* g, floating* square_avg, floating* grad_avg,
                              floating* buf, floating lr, floating sign, floating weight_decay, double beta,
                              floating eps, bint centered, double momentum, floating scale, bint use_momentum,
                              bint decayed) noexcept nogil:
    cdef floating pk = p[0]
    cdef floating gk = sign * g[0]
    cdef floating s, ga, avg
    if decayed:
        gk = gk + weight_decay * pk
    square_avg[0] = <floating> ema_step(<double> square_avg[0], <double> (gk * gk), beta)
    s = square_avg[0]
    if centered:
        grad_avg[0] = <floating> ema_step(<double> grad_avg[0], <double> gk, beta)
        ga = grad_avg[0]
        s = s - ga * ga
    avg = root(s) + eps
    if use_momentum:
        buf[0] = <floating> ema_step(<double> buf[0], <double> (scale * (gk / avg)), momentum)
        p[0] = pk - lr * buf[0]
    else:
        p[0] = pk - (lr * gk) / avg


cdef inline void adam_elem(floating* p, const floating* g, floating* exp_avg, floating* exp_avg_sq,
                           floating* max_exp_avg_sq, floating step_size, floating sign, floating weight_decay,
                           floating decay, double beta1, double beta2, floating bc2_sqrt, floating eps, bint amsgrad,
                           bint decayed) noexcept nogil:
    cdef floating pk = p[0] * decay
    cdef floating gk = sign * g[0]
    cdef floating v, vmax
    if decayed:
        gk = gk + weight_decay * pk
    exp_avg[0] = <floating> ema_step(<double> exp_avg[0], <double> gk, beta1)
    exp_avg_sq[0] = <floating> ema_step(<double> exp_avg_sq[0], <double> (gk * gk), beta2)
    v = exp_avg_sq[0]
    if amsgrad:
        vmax = max_exp_avg_sq[0]
        if not v <= vmax:  # torch.maximum: a NaN wins
            vmax = v
        max_exp_avg_sq[0] = vmax
        v = vmax
    p[0] = pk - (step_size * exp_avg[0]) / (root(v) / bc2_sqrt + eps)


# --------------------------------------------------------------------------- the loops, one per dtype
# (the restrict qualifiers need the element type spelled out; each loop only calls the element step)


cdef inline void sgd_f32(float_r p, cfloat_r g, float_r buf, Py_ssize_t n, float lr, float sign, float weight_decay,
                         double momentum, float mom, float scale, bint nesterov, bint first, bint use_momentum,
                         bint decayed) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        sgd_elem(&p[k], &g[k], &buf[k], lr, sign, weight_decay, momentum, mom, scale, nesterov, first,
                 use_momentum, decayed)


cdef inline void sgd_f64(double_r p, cdouble_r g, double_r buf, Py_ssize_t n, double lr, double sign,
                         double weight_decay, double momentum, double mom, double scale, bint nesterov, bint first,
                         bint use_momentum, bint decayed) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        sgd_elem(&p[k], &g[k], &buf[k], lr, sign, weight_decay, momentum, mom, scale, nesterov, first,
                 use_momentum, decayed)


cdef inline void rmsprop_f32(float_r p, cfloat_r g, float_r square_avg, float_r grad_avg, float_r buf, Py_ssize_t n,
                             float lr, float sign, float weight_decay, double beta, float eps, bint centered,
                             double momentum, float scale, bint use_momentum, bint decayed) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        rmsprop_elem(&p[k], &g[k], &square_avg[k], &grad_avg[k], &buf[k], lr, sign, weight_decay, beta, eps,
                     centered, momentum, scale, use_momentum, decayed)


cdef inline void rmsprop_f64(double_r p, cdouble_r g, double_r square_avg, double_r grad_avg, double_r buf,
                             Py_ssize_t n, double lr, double sign, double weight_decay, double beta, double eps,
                             bint centered, double momentum, double scale, bint use_momentum,
                             bint decayed) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        rmsprop_elem(&p[k], &g[k], &square_avg[k], &grad_avg[k], &buf[k], lr, sign, weight_decay, beta, eps,
                     centered, momentum, scale, use_momentum, decayed)


cdef inline void adam_f32(float_r p, cfloat_r g, float_r exp_avg, float_r exp_avg_sq, float_r max_exp_avg_sq,
                          Py_ssize_t n, float step_size, float sign, float weight_decay, float decay, double beta1,
                          double beta2, float bc2_sqrt, float eps, bint amsgrad, bint decayed) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        adam_elem(&p[k], &g[k], &exp_avg[k], &exp_avg_sq[k], &max_exp_avg_sq[k], step_size, sign, weight_decay,
                  decay, beta1, beta2, bc2_sqrt, eps, amsgrad, decayed)


cdef inline void adam_f64(double_r p, cdouble_r g, double_r exp_avg, double_r exp_avg_sq, double_r max_exp_avg_sq,
                          Py_ssize_t n, double step_size, double sign, double weight_decay, double decay, double beta1,
                          double beta2, double bc2_sqrt, double eps, bint amsgrad, bint decayed) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        adam_elem(&p[k], &g[k], &exp_avg[k], &exp_avg_sq[k], &max_exp_avg_sq[k], step_size, sign, weight_decay,
                  decay, beta1, beta2, bc2_sqrt, eps, amsgrad, decayed)


cdef inline void sgd_any(floating* p, const floating* g, floating* buf, Py_ssize_t n, floating lr, floating sign,
                         floating weight_decay, double momentum, floating mom, floating scale, bint nesterov,
                         bint first, bint use_momentum, bint decayed) noexcept nogil:
    if floating is float:
        sgd_f32(p, g, buf, n, lr, sign, weight_decay, momentum, mom, scale, nesterov, first, use_momentum, decayed)
    else:
        sgd_f64(p, g, buf, n, lr, sign, weight_decay, momentum, mom, scale, nesterov, first, use_momentum, decayed)


cdef inline void rmsprop_any(floating* p, const floating* g, floating* square_avg, floating* grad_avg,
                             floating* buf, Py_ssize_t n, floating lr, floating sign, floating weight_decay,
                             double beta, floating eps, bint centered, double momentum, floating scale,
                             bint use_momentum, bint decayed) noexcept nogil:
    if floating is float:
        rmsprop_f32(p, g, square_avg, grad_avg, buf, n, lr, sign, weight_decay, beta, eps, centered, momentum, scale,
                    use_momentum, decayed)
    else:
        rmsprop_f64(p, g, square_avg, grad_avg, buf, n, lr, sign, weight_decay, beta, eps, centered, momentum, scale,
                    use_momentum, decayed)


cdef inline void adam_any(floating* p, const floating* g, floating* exp_avg, floating* exp_avg_sq,
                          floating* max_exp_avg_sq, Py_ssize_t n, floating step_size, floating sign,
                          floating weight_decay, floating decay, double beta1, double beta2, floating bc2_sqrt,
                          floating eps, bint amsgrad, bint decayed) noexcept nogil:
    if floating is float:
        adam_f32(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, n, step_size, sign, weight_decay, decay, beta1, beta2,
                 bc2_sqrt, eps, amsgrad, decayed)
    else:
        adam_f64(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, n, step_size, sign, weight_decay, decay, beta1, beta2,
                 bc2_sqrt, eps, amsgrad, decayed)


# --------------------------------------------------------------------------- entry points
# (each switch is passed to the loops as a literal, so that every case compiles to its own branch-free loop)


def sgd_step(floating[::1] p, const floating[::1] g, floating[::1] buf, floating lr, floating sign,
             floating weight_decay, double momentum, floating mom, floating scale, bint nesterov, bint first):
    """SGD with heavy-ball momentum, in place over flat ``p`` and ``buf``.

    ``momentum`` (float64) is the EWMA's β and ``mom`` the same value in the
    array dtype (Nesterov's look-ahead); ``scale = (1 − dampening)/(1 − β)``
    turns torch's ``buf <- β·buf + (1 − dampening)·g`` into the EWMA
    ``buf <- ema_step(buf, scale·g, β)``. ``first``: torch's first step
    ``buf = g``. ``buf`` is ignored (may be empty) when ``momentum == 0``.
    """
    cdef Py_ssize_t n = p.shape[0]
    cdef bint use_momentum = momentum != 0.0, decayed = weight_decay != 0.0
    check_sizes("sgd_step", n, {"g": g.shape[0], **({"buf": buf.shape[0]} if use_momentum else {})},
                "the parameters")
    if n == 0:
        return
    with nogil:
        if first:  # torch's first step: once per run, the general loop
            sgd_any(&p[0], &g[0], &buf[0] if use_momentum else &p[0], n, lr, sign, weight_decay, momentum, mom,
                    scale, nesterov, first, use_momentum, decayed)
        elif not use_momentum:
            if decayed:
                sgd_any(&p[0], &g[0], &p[0], n, lr, sign, weight_decay, momentum, mom, scale, False, False, False,
                        True)
            else:
                sgd_any(&p[0], &g[0], &p[0], n, lr, sign, weight_decay, momentum, mom, scale, False, False, False,
                        False)
        elif nesterov:
            if decayed:
                sgd_any(&p[0], &g[0], &buf[0], n, lr, sign, weight_decay, momentum, mom, scale, True, False, True,
                        True)
            else:
                sgd_any(&p[0], &g[0], &buf[0], n, lr, sign, weight_decay, momentum, mom, scale, True, False, True,
                        False)
        elif decayed:
            sgd_any(&p[0], &g[0], &buf[0], n, lr, sign, weight_decay, momentum, mom, scale, False, False, True, True)
        else:
            sgd_any(&p[0], &g[0], &buf[0], n, lr, sign, weight_decay, momentum, mom, scale, False, False, True, False)


def rmsprop_step(floating[::1] p, const floating[::1] g, floating[::1] square_avg, floating[::1] grad_avg,
                 floating[::1] buf, floating lr, floating sign, floating weight_decay, double beta, floating eps,
                 bint centered, double momentum, floating scale):
    """RMSprop in place: EWMA of g² (and of g when ``centered``), ε outside the sqrt.

    ``momentum`` (float64) is the β of the momentum EWMA and
    ``scale = 1/(1 − momentum)``: torch's ``buf <- β·buf + g/avg`` is
    ``buf <- ema_step(buf, scale·g/avg, β)`` from a zero start. ``grad_avg`` and
    ``buf`` are ignored (may be empty) unless ``centered`` / ``momentum != 0``.
    """
    cdef Py_ssize_t n = p.shape[0]
    cdef bint use_momentum = momentum != 0.0, decayed = weight_decay != 0.0
    check_sizes("rmsprop_step", n, {"g": g.shape[0], "square_avg": square_avg.shape[0],
                                    **({"grad_avg": grad_avg.shape[0]} if centered else {}),
                                    **({"buf": buf.shape[0]} if use_momentum else {})}, "the parameters")
    if n == 0:
        return
    cdef floating* ga = &grad_avg[0] if centered else &square_avg[0]  # not read when not centered
    cdef floating* bf = &buf[0] if use_momentum else &square_avg[0]  # not read without momentum
    with nogil:
        if centered:
            if use_momentum:
                if decayed:
                    rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, True,
                                momentum, scale, True, True)
                else:
                    rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, True,
                                momentum, scale, True, False)
            elif decayed:
                rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, True,
                            momentum, scale, False, True)
            else:
                rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, True,
                            momentum, scale, False, False)
        elif use_momentum:
            if decayed:
                rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, False,
                            momentum, scale, True, True)
            else:
                rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, False,
                            momentum, scale, True, False)
        elif decayed:
            rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, False,
                        momentum, scale, False, True)
        else:
            rmsprop_any(&p[0], &g[0], &square_avg[0], ga, bf, n, lr, sign, weight_decay, beta, eps, False,
                        momentum, scale, False, False)


def adam_step(floating[::1] p, const floating[::1] g, floating[::1] exp_avg, floating[::1] exp_avg_sq,
              floating[::1] max_exp_avg_sq, floating step_size, floating sign, floating weight_decay, floating decay,
              double beta1, double beta2, floating bc2_sqrt, floating eps, bint amsgrad):
    """Adam/AdamW in place: two EWMAs and the bias-corrected update.

    ``step_size = lr/(1 − β₁ᵗ)``, ``bc2_sqrt = sqrt(1 − β₂ᵗ)``; ``decay`` is
    AdamW's ``1 − lr·λ`` (1 for Adam, whose ``weight_decay`` is added to the
    gradient instead). ``max_exp_avg_sq`` is ignored (may be empty) unless
    ``amsgrad``.
    """
    cdef Py_ssize_t n = p.shape[0]
    cdef bint decayed = weight_decay != 0.0
    check_sizes("adam_step", n, {"g": g.shape[0], "exp_avg": exp_avg.shape[0], "exp_avg_sq": exp_avg_sq.shape[0],
                                 **({"max_exp_avg_sq": max_exp_avg_sq.shape[0]} if amsgrad else {})},
                "the parameters")
    if n == 0:
        return
    cdef floating* vmax = &max_exp_avg_sq[0] if amsgrad else &exp_avg_sq[0]  # not read without amsgrad
    with nogil:
        if amsgrad:
            if decayed:
                adam_any(&p[0], &g[0], &exp_avg[0], &exp_avg_sq[0], vmax, n, step_size, sign, weight_decay, decay,
                         beta1, beta2, bc2_sqrt, eps, True, True)
            else:
                adam_any(&p[0], &g[0], &exp_avg[0], &exp_avg_sq[0], vmax, n, step_size, sign, weight_decay, decay,
                         beta1, beta2, bc2_sqrt, eps, True, False)
        elif decayed:
            adam_any(&p[0], &g[0], &exp_avg[0], &exp_avg_sq[0], vmax, n, step_size, sign, weight_decay, decay,
                     beta1, beta2, bc2_sqrt, eps, False, True)
        else:
            adam_any(&p[0], &g[0], &exp_avg[0], &exp_avg_sq[0], vmax, n, step_size, sign, weight_decay, decay,
                     beta1, beta2, bc2_sqrt, eps, False, False)
