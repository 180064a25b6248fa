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
"""

from libc.math cimport sqrt, sqrtf

from ._rules cimport ema_step, floating


cdef int check_sizes(str kernel, Py_ssize_t want, dict arrays) except -1:
    """Refuse arrays a kernel would read or write out of bounds: each must hold ``want`` values."""
    for name, got in arrays.items():
        if got != want:
            raise ValueError(f"{kernel}: {name} holds {got} values, the parameters {want}")
    return 0


cdef inline floating root(floating v) noexcept nogil:
    """The square root in the array's precision (``sqrtf`` for float32, as torch and numpy do)."""
    if floating is float:
        return sqrtf(v)
    else:
        return sqrt(v)


def sgd_step(floating[::1] p, const floating[::1] g, floating[::1] buf, floating lr, floating sign,
             floating weight_decay, double momentum, floating mom, floating scale, bint nesterov, bint first):
    """SGD with heavy-ball momentum, in place over flat ``p`` and ``buf``.

    ``momentum`` (float64) is the EWMA's β and ``mom`` the same value in the
    array dtype (Nesterov's look-ahead); ``scale = (1 − dampening)/(1 − β)``
    turns torch's ``buf <- β·buf + (1 − dampening)·g`` into the EWMA
    ``buf <- ema_step(buf, scale·g, β)``. ``first``: torch's first step
    ``buf = g``. ``buf`` is ignored (may be empty) when ``momentum == 0``.
    """
    cdef Py_ssize_t k, n = p.shape[0]
    cdef bint use_momentum = momentum != 0.0
    cdef floating pk, gk, bk
    check_sizes("sgd_step", n, {"g": g.shape[0], **({"buf": buf.shape[0]} if use_momentum else {})})
    with nogil:
        for k in range(n):
            pk = p[k]
            gk = sign * g[k]
            if weight_decay != 0.0:
                gk = gk + weight_decay * pk
            if use_momentum:
                if first:
                    buf[k] = gk
                else:
                    buf[k] = <floating> ema_step(<double> buf[k], <double> (scale * gk), momentum)
                bk = buf[k]
                if nesterov:
                    gk = gk + mom * bk
                else:
                    gk = bk
            p[k] = pk - lr * gk


def rmsprop_step(floating[::1] p, const floating[::1] g, floating[::1] square_avg, floating[::1] grad_avg,
                 floating[::1] buf, floating lr, floating sign, floating weight_decay, double beta, floating eps,
                 bint centered, double momentum, floating scale):
    """RMSprop in place: EWMA of g² (and of g when ``centered``), ε outside the sqrt.

    ``momentum`` (float64) is the β of the momentum EWMA and
    ``scale = 1/(1 − momentum)``: torch's ``buf <- β·buf + g/avg`` is
    ``buf <- ema_step(buf, scale·g/avg, β)`` from a zero start. ``grad_avg`` and
    ``buf`` are ignored (may be empty) unless ``centered`` / ``momentum != 0``.
    """
    cdef Py_ssize_t k, n = p.shape[0]
    cdef bint use_momentum = momentum != 0.0
    cdef floating pk, gk, s, ga, avg
    check_sizes("rmsprop_step", n, {"g": g.shape[0], "square_avg": square_avg.shape[0],
                                    **({"grad_avg": grad_avg.shape[0]} if centered else {}),
                                    **({"buf": buf.shape[0]} if use_momentum else {})})
    with nogil:
        for k in range(n):
            pk = p[k]
            gk = sign * g[k]
            if weight_decay != 0.0:
                gk = gk + weight_decay * pk
            square_avg[k] = <floating> ema_step(<double> square_avg[k], <double> (gk * gk), beta)
            s = square_avg[k]
            if centered:
                grad_avg[k] = <floating> ema_step(<double> grad_avg[k], <double> gk, beta)
                ga = grad_avg[k]
                s = s - ga * ga
            avg = root(s) + eps
            if use_momentum:
                buf[k] = <floating> ema_step(<double> buf[k], <double> (scale * (gk / avg)), momentum)
                p[k] = pk - lr * buf[k]
            else:
                p[k] = pk - (lr * gk) / avg


def adam_step(floating[::1] p, const floating[::1] g, floating[::1] exp_avg, floating[::1] exp_avg_sq,
              floating[::1] max_exp_avg_sq, floating step_size, floating sign, floating weight_decay, floating decay,
              double beta1, double beta2, floating bc2_sqrt, floating eps, bint amsgrad):
    """Adam/AdamW in place: two EWMAs and the bias-corrected update.

    ``step_size = lr/(1 − β₁ᵗ)``, ``bc2_sqrt = sqrt(1 − β₂ᵗ)``; ``decay`` is
    AdamW's ``1 − lr·λ`` (1 for Adam, whose ``weight_decay`` is added to the
    gradient instead). ``max_exp_avg_sq`` is ignored (may be empty) unless
    ``amsgrad``.
    """
    cdef Py_ssize_t k, n = p.shape[0]
    cdef floating pk, gk, v, vmax
    check_sizes("adam_step", n, {"g": g.shape[0], "exp_avg": exp_avg.shape[0], "exp_avg_sq": exp_avg_sq.shape[0],
                                 **({"max_exp_avg_sq": max_exp_avg_sq.shape[0]} if amsgrad else {})})
    with nogil:
        for k in range(n):
            pk = p[k] * decay
            gk = sign * g[k]
            if weight_decay != 0.0:
                gk = gk + weight_decay * pk
            exp_avg[k] = <floating> ema_step(<double> exp_avg[k], <double> gk, beta1)
            exp_avg_sq[k] = <floating> ema_step(<double> exp_avg_sq[k], <double> (gk * gk), beta2)
            v = exp_avg_sq[k]
            if amsgrad:
                vmax = max_exp_avg_sq[k]
                if not v <= vmax:  # torch.maximum: a NaN wins
                    vmax = v
                max_exp_avg_sq[k] = vmax
                v = vmax
            p[k] = pk - (step_size * exp_avg[k]) / (root(v) / bc2_sqrt + eps)
