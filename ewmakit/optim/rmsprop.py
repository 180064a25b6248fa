r"""RMSprop: gradient steps scaled by an EWMA of squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _engine as engine

from .._checks import check_bool, check_nonneg, check_unit
from .._typing import LearningRate, Params
from ._base import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop: divide the gradient by the root of an EWMA of its square.

    The numbers are those of ``torch.optim.RMSprop`` with the same
    hyper-parameters, where torch's ``alpha`` is our ``beta`` (the weight of
    the past, the package's one convention).

    Parameters
    ----------
    params : numpy.ndarray or list/tuple/dict of numpy.ndarray
        float32 or float64 arrays, updated in place.
    lr : float or callable, default 1e-2
        Learning rate η ≥ 0, or a function of the number of steps taken
        ``t = 0, 1, …`` returning it.
    beta : float, default 0.99
        β in [0, 1), the decay of the mean square (torch's ``alpha``).
    eps : float, default 1e-8
        ε ≥ 0, added **outside** the square root.
    weight_decay : float, default 0
        λ ≥ 0, L2 penalty added to the gradient.
    momentum : float, default 0
        μ in [0, 1), momentum on the scaled step (0: none).
    centered : bool, default False
        Divide by an estimate of the standard deviation instead: subtract the
        square of the EWMA of the gradient.
    maximize : bool, default False
        Ascend instead of descend.
    fused : bool, keyword-only, default True
        One compiled pass over memory per step; ``False`` runs the same
        update as array operations around :func:`ewmakit._engine.ewma_update`.

    Raises
    ------
    ValueError
        For ``lr``, ``eps`` or ``weight_decay`` < 0, or ``beta`` or
        ``momentum`` outside [0, 1).

    Notes
    -----
    With :math:`g_t = \pm\nabla f(p_{t-1}) + \lambda p_{t-1}`, all averages
    starting from zero (``ewma(..., init="zero")``):

    .. math::

        s_t &= \beta\, s_{t-1} + (1 - \beta)\, g_t^2, \qquad
        \bar g_t = \beta\, \bar g_{t-1} + (1 - \beta)\, g_t \ \text{(centered)},\\
        a_t &= \sqrt{s_t - \bar g_t^2} + \epsilon \ \text{(centered)}
        \quad\text{or}\quad \sqrt{s_t} + \epsilon, \\
        p_t &= p_{t-1} - \eta\, g_t / a_t
        \quad\text{or, with momentum,}\quad
        b_t = \mu\, b_{t-1} + g_t / a_t,\ \ p_t = p_{t-1} - \eta\, b_t .

    :math:`s` and :math:`\bar g` are EWMAs with β = ``beta`` (torch ``alpha``),
    with no bias correction (torch has none). The momentum buffer is the
    heavy-ball form, an EWMA of the scaled step up to a constant:
    :math:`b_t = e_t / (1 - \mu)` with :math:`e_t` the zero-start EWMA of
    :math:`g_t/a_t`, so EWMA momentum with learning rate
    :math:`\eta / (1 - \mu)` takes the same path. Every average is updated
    by the step of :func:`ewmakit.ewma`.

    Examples
    --------
    The first step moves each coordinate by about η/sqrt(1 − β), whatever the
    size of its gradient:

    >>> import numpy as np
    >>> from ewmakit.optim import RMSprop
    >>> w = np.array([1.0, -100.0])
    >>> opt = RMSprop(w, lr=0.01, beta=0.99)
    >>> opt.step(2 * w)
    >>> (np.array([1.0, -100.0]) - w).round(4)
    array([ 0.1, -0.1])
    """

    _state_names = ("square_avg", "grad_avg", "momentum_buffer")

    def __init__(self, params: Params, lr: LearningRate = 1e-2, beta: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, maximize: bool = False,
                 *, fused: bool = True) -> None:
        super().__init__(params, lr, fused=fused)
        self._hyper = self._check_hyper(beta=beta, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                        centered=centered, maximize=maximize)

    @staticmethod
    def _check_hyper(*, beta: object, eps: object, weight_decay: object, momentum: object, centered: object,
                     maximize: object) -> dict[str, Any]:
        return {
            "beta": check_unit("beta", beta, what="beta (torch alpha) value"),
            "eps": check_nonneg("eps", eps, "epsilon value"),
            "weight_decay": check_nonneg("weight_decay", weight_decay, "weight_decay value"),
            "momentum": check_unit("momentum", momentum, what="momentum value"),
            "centered": check_bool("centered", centered),
            "maximize": check_bool("maximize", maximize),
        }

    @staticmethod
    def _required_state(hyper: dict[str, Any]) -> tuple[str, ...]:
        return (("square_avg",) + (("grad_avg",) if hyper["centered"] else ())
                + (("momentum_buffer",) if hyper["momentum"] != 0.0 else ()))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float) -> None:
        h = self._hyper
        c = p.dtype.type
        beta, mu, centered = h["beta"], h["momentum"], h["centered"]
        square_avg = self._buffer(state, "square_avg", p)
        grad_avg = self._buffer(state, "grad_avg", p) if centered else p[:0]
        buf = self._buffer(state, "momentum_buffer", p) if mu != 0.0 else p[:0]
        scale = 1.0 / (1.0 - mu)  # heavy-ball buffer = EWMA of g/a divided by 1 − μ
        if self.fused:
            engine.rmsprop_step(p, g, square_avg, grad_avg, buf, c(lr), c(-1.0 if h["maximize"] else 1.0),
                                         c(h["weight_decay"]), beta, c(h["eps"]), centered, mu, c(scale))
            return
        # The same step as array operations.
        update = engine.ewma_update
        if h["maximize"]:
            g = -g
        if h["weight_decay"] != 0.0:
            g = g + c(h["weight_decay"]) * p
        update(square_avg, g * g, beta)
        if centered:
            update(grad_avg, g, beta)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + c(h["eps"])
        else:
            avg = np.sqrt(square_avg) + c(h["eps"])
        if mu != 0.0:
            update(buf, c(scale) * (g / avg), mu)
            p -= c(lr) * buf
        else:
            p -= (c(lr) * g) / avg
