r"""Stochastic gradient descent with (heavy-ball or Nesterov) momentum."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _engine as engine

from .._checks import check_bool, check_nonneg, check_unit
from .._typing import LearningRate, Params
from ._base import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (heavy ball or Nesterov).

    The numbers are those of ``torch.optim.SGD`` with the same hyper-parameters
    (torch's first momentum step ``buf = g`` included).

    Parameters
    ----------
    params : numpy.ndarray or list/tuple/dict of numpy.ndarray
        float32 or float64 arrays, updated in place.
    lr : float or callable, default 1e-3
        Learning rate η ≥ 0, or a function of the number of steps taken
        ``t = 0, 1, …`` returning it (torch's ``LambdaLR`` convention).
    momentum : float, default 0
        μ in [0, 1): the β of the EWMA of gradients (0: plain SGD).
    dampening : float, default 0
        τ in [0, 1]: the gradient enters the buffer with weight 1 − τ.
    nesterov : bool, default False
        Nesterov's look-ahead; needs ``momentum > 0`` and ``dampening == 0``.
    weight_decay : float, default 0
        λ ≥ 0, L2 penalty added to the gradient.
    maximize : bool, default False
        Ascend instead of descend.
    fused : bool, keyword-only, default True
        One compiled pass over memory per step. ``False`` runs the readable
        composition below (same numbers, one :func:`ewmakit._engine.ewma_update`
        call for the momentum and NumPy for the rest).

    Raises
    ------
    ValueError
        For ``lr < 0``, ``momentum`` outside [0, 1), ``dampening`` outside
        [0, 1], ``weight_decay < 0``, or ``nesterov`` without momentum or with
        dampening.

    Notes
    -----
    With :math:`g_t = \pm\nabla f(p_{t-1}) + \lambda p_{t-1}` (the sign is −
    with ``maximize``), torch's heavy-ball buffer and update are

    .. math::

        b_1 = g_1, \qquad b_t = \mu\, b_{t-1} + (1 - \tau)\, g_t, \qquad
        p_t = p_{t-1} - \eta\, b_t
        \quad\bigl(\text{Nesterov: } p_t = p_{t-1} - \eta\,(g_t + \mu\, b_t)\bigr).

    **The buffer is an EWMA of gradients.** With
    :math:`e_t = \mu\, e_{t-1} + (1 - \mu)\, g_t` (``ewma(g, beta=μ)``),

    .. math::

        b_t = \frac{1 - \tau}{1 - \mu}\, e_t ,

    which is how it is computed: ``buf ← ema_step(buf, (1 − τ)/(1 − μ)·g, μ)``,
    the step of :func:`ewmakit.ewma`. Without dampening, torch's first step
    ``b_1 = g_1`` is exactly the zero start (``init="zero"``):
    :math:`e_1 = (1 - \mu) g_1`, so :math:`b_t = e_t/(1 - \mu)` at every step.
    Hence **heavy-ball momentum with learning rate η and "EWMA momentum"**
    :math:`p_t = p_{t-1} - \eta'\, e_t` (the form taught with
    :math:`v = \beta v + (1-\beta) g`) **take the same path when**
    :math:`\eta' = \eta / (1 - \mu)` (0.1 with μ = 0.9 is η' = 1.0). With
    dampening τ > 0 torch still starts from ``b_1 = g_1`` (the EWMA's
    ``init="first"`` when τ = μ).

    Examples
    --------
    Heavy-ball momentum is the EWMA of the gradients with a larger step:

    >>> import numpy as np
    >>> from ewmakit import ewma
    >>> from ewmakit.optim import SGD
    >>> grads = np.array([1.0, 2.0, 3.0, 4.0])
    >>> p = np.zeros(1)
    >>> opt = SGD(p, lr=0.1, momentum=0.9)
    >>> path = []
    >>> for g in grads:
    ...     opt.step(np.array([g]))
    ...     path.append(p[0])
    >>> np.round(path, 6)
    array([-0.1   , -0.39  , -0.951 , -1.8559])
    >>> lr_ewma = 0.1 / (1 - 0.9)
    >>> np.round(-lr_ewma * np.cumsum(ewma(grads, beta=0.9, init="zero")), 6)
    array([-0.1   , -0.39  , -0.951 , -1.8559])

    Parameters may be a dict (or list) of arrays, each updated in place:

    >>> w = {"a": np.array([1.0, 2.0]), "b": np.array(3.0)}
    >>> opt = SGD(w, lr=0.25)
    >>> opt.step({"a": np.array([2.0, 4.0]), "b": np.array(6.0)})
    >>> w
    {'a': array([0.5, 1. ]), 'b': array(1.5)}
    """

    _state_names = ("momentum_buffer",)

    def __init__(self, params: Params, lr: LearningRate = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0, maximize: bool = False, *,
                 fused: bool = True) -> None:
        super().__init__(params, lr, fused=fused)
        self._hyper = self._check_hyper(momentum=momentum, dampening=dampening, nesterov=nesterov,
                                        weight_decay=weight_decay, maximize=maximize)

    @staticmethod
    def _check_hyper(*, momentum: object, dampening: object, nesterov: object, weight_decay: object,
                     maximize: object) -> dict[str, Any]:
        momentum = check_unit("momentum", momentum, what="momentum value")
        dampening = check_unit("dampening", dampening, what="dampening value", closed=True)
        nesterov = check_bool("nesterov", nesterov)
        weight_decay = check_nonneg("weight_decay", weight_decay, "weight_decay value")
        maximize = check_bool("maximize", maximize)
        if nesterov and (momentum <= 0.0 or dampening != 0.0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening: momentum must be in (0, 1) and "
                f"dampening 0, got momentum={momentum!r}, dampening={dampening!r}"
            )
        return {"momentum": momentum, "dampening": dampening, "nesterov": nesterov,
                "weight_decay": weight_decay, "maximize": maximize}

    @staticmethod
    def _required_state(hyper: dict[str, Any]) -> tuple[str, ...]:
        return ("momentum_buffer",) if hyper["momentum"] != 0.0 else ()

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float) -> None:
        h = self._hyper
        c = p.dtype.type
        mu = h["momentum"]
        first = "momentum_buffer" not in state
        if mu == 0.0:
            buf = p[:0]  # no buffer (as torch)
        elif first:
            buf = state["momentum_buffer"] = np.empty_like(p)
        else:
            buf = state["momentum_buffer"]
        scale = (1.0 - h["dampening"]) / (1.0 - mu)  # heavy-ball buffer = scale · EWMA of g
        if self.fused:
            engine.sgd_step(p, g, buf, c(lr), c(-1.0 if h["maximize"] else 1.0), c(h["weight_decay"]),
                                     mu, c(mu), c(scale), h["nesterov"], first)
            return
        # The same step as array operations.
        if h["maximize"]:
            g = -g
        if h["weight_decay"] != 0.0:
            g = g + c(h["weight_decay"]) * p
        if mu != 0.0:
            if first:
                buf[...] = g  # torch's b_1 = g_1
            else:
                engine.ewma_update(buf, c(scale) * g, mu)
            g = g + c(mu) * buf if h["nesterov"] else buf
        p -= c(lr) * g
