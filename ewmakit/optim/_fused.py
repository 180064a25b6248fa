"""Fused optimizer steps: one compiled pass over memory per step.

Each kernel walks the flat parameter buffer once, reading ``p``, ``g`` and the
moments and writing ``p`` and the moments, so a step costs what copying the
arrays costs (plus a few flops). The moments are updated by
:func:`ewmakit._kernels.ema_step`, the scalar EWMA step that
:func:`ewmakit._kernels.ewma_update` (and so the readable path of the
optimizers) loops over: one EWMA, inlined here.

Conventions shared by the kernels (the callers trust-check everything):

* arrays are flat, C-contiguous and of one dtype (float32 or float64);
* ``beta``-like arguments fed to ``ema_step`` are Python floats (float64): the
  moment is computed in float64 and rounded once when it is stored, and the
  update reads the stored moment back, as torch does;
* every other scalar (``lr``, ``eps``, ``weight_decay``, ``sign`` ...) arrives
  already cast to the array's dtype, so float32 parameters get float32 math,
  in the order torch's kernels use (``addcdiv``: ``p + (value·a)/b``);
* ``error_model="numpy"`` (no zero-division checks) lets LLVM vectorise the
  loops; no ``fastmath``: the results are IEEE-exact for the operations written.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._kernels import ema_step


@njit(cache=True, nogil=True, error_model="numpy")
def sgd_step(p, g, buf, lr, sign, weight_decay, momentum, mom, scale, nesterov, first):
    """SGD with heavy-ball momentum, in place over flat ``p`` and ``buf``.

    ``momentum`` (float64) is the EWMA's β and ``mom`` the same value in the
    array dtype (Nesterov's look-ahead); ``scale = (1 − dampening)/(1 − β)``
    turns torch's ``buf ← β·buf + (1 − dampening)·g`` into the EWMA
    ``buf ← ema_step(buf, scale·g, β)``. ``first``: torch's first step
    ``buf = g``. ``buf`` is ignored (may be empty) when ``momentum == 0``.
    """
    use_momentum = momentum != 0.0
    for k in range(p.size):
        pk = p[k]
        gk = sign * g[k]
        if weight_decay != 0.0:
            gk = gk + weight_decay * pk
        if use_momentum:
            if first:
                buf[k] = gk
            else:
                buf[k] = ema_step(buf[k], scale * gk, momentum)
            bk = buf[k]
            if nesterov:
                gk = gk + mom * bk
            else:
                gk = bk
        p[k] = pk - lr * gk


@njit(cache=True, nogil=True, error_model="numpy")
def rmsprop_step(p, g, square_avg, grad_avg, buf, lr, sign, weight_decay, beta, eps, centered, momentum, scale):
    """RMSprop in place: EWMA of g² (and of g when ``centered``), ε outside the sqrt.

    ``momentum`` (float64) is the β of the momentum EWMA and
    ``scale = 1/(1 − momentum)``: torch's ``buf ← β·buf + g/avg`` is
    ``buf ← ema_step(buf, scale·g/avg, β)`` from a zero start. ``grad_avg`` and
    ``buf`` are ignored (may be empty) unless ``centered`` / ``momentum != 0``.
    """
    use_momentum = momentum != 0.0
    for k in range(p.size):
        pk = p[k]
        gk = sign * g[k]
        if weight_decay != 0.0:
            gk = gk + weight_decay * pk
        square_avg[k] = ema_step(square_avg[k], gk * gk, beta)
        s = square_avg[k]
        if centered:
            grad_avg[k] = ema_step(grad_avg[k], gk, beta)
            ga = grad_avg[k]
            s = s - ga * ga
        avg = np.sqrt(s) + eps
        if use_momentum:
            buf[k] = ema_step(buf[k], scale * (gk / avg), momentum)
            p[k] = pk - lr * buf[k]
        else:
            p[k] = pk - (lr * gk) / avg


@njit(cache=True, nogil=True, error_model="numpy")
def adam_step(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, step_size, sign, weight_decay, decay, beta1, beta2,
              bc2_sqrt, eps, amsgrad):
    """Adam/AdamW in place: two EWMAs and the bias-corrected update.

    ``step_size = lr/(1 − β₁ᵗ)``, ``bc2_sqrt = sqrt(1 − β₂ᵗ)``; ``decay`` is
    AdamW's ``1 − lr·λ`` (1 for Adam, whose ``weight_decay`` is added to the
    gradient instead). ``max_exp_avg_sq`` is ignored (may be empty) unless
    ``amsgrad``.
    """
    for k in range(p.size):
        pk = p[k] * decay
        gk = sign * g[k]
        if weight_decay != 0.0:
            gk = gk + weight_decay * pk
        exp_avg[k] = ema_step(exp_avg[k], gk, beta1)
        exp_avg_sq[k] = ema_step(exp_avg_sq[k], gk * gk, beta2)
        v = exp_avg_sq[k]
        if amsgrad:
            vmax = max_exp_avg_sq[k]
            if not v <= vmax:  # torch.maximum: a NaN wins
                vmax = v
            max_exp_avg_sq[k] = vmax
            v = vmax
        p[k] = pk - (step_size * exp_avg[k]) / (np.sqrt(v) / bc2_sqrt + eps)
