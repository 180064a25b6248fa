r"""Adam and AdamW: bias-corrected EWMAs of the gradient and of its square."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _engine as engine

from .._checks import check_bool, check_nonneg
from .._typing import LearningRate, Params
from ._base import Optimizer, check_betas

__all__ = ["Adam", "AdamW"]

_NOTES = r"""
    With :math:`g_t = \pm\nabla f(p_{t-1})` (plus :math:`\lambda p_{t-1}` for
    Adam's coupled weight decay; AdamW first shrinks
    :math:`p \leftarrow (1 - \eta\lambda)\, p` instead), both moments start
    from zero:

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
        p_t = p_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} .

    :math:`m` and :math:`v` are EWMAs with β = β₁ and β₂, updated by the step
    of :func:`ewmakit.ewma`, and :math:`\hat m_t` is exactly
    ``ewma(g, beta=β₁, bias_correction=True)`` (pandas ``adjust=True``); the
    same holds for :math:`\hat v_t` and :math:`g^2`. As in torch, ε is added
    **after** the bias correction, and AMSGrad keeps the running maximum of
    the raw :math:`v_t` (:math:`v^{max}_t = \max(v^{max}_{t-1}, v_t)`) and uses
    it in place of :math:`v_t`. The numbers are those of ``torch.optim.{name}``
    with the same hyper-parameters."""


class Adam(Optimizer):
    r"""Adam: steps along the bias-corrected EWMA of the gradient, scaled by that of its square.

    Parameters
    ----------
    params : numpy.ndarray or list/tuple/dict of numpy.ndarray
        float32 or float64 arrays, updated in place.
    lr : float or callable, default 1e-3
        Learning rate η ≥ 0, or a function of the number of steps taken
        ``t = 0, 1, …`` returning it.
    betas : (float, float), default (0.9, 0.999)
        β₁ and β₂ in [0, 1), the decays of the two moments.
    eps : float, default 1e-8
        ε ≥ 0, added to the root of the bias-corrected second moment.
    weight_decay : float, default 0
        λ ≥ 0, L2 penalty **added to the gradient** (see :class:`AdamW` for
        the decoupled form).
    amsgrad : bool, default False
        Use the running maximum of the second moment (Reddi et al., 2018).
    maximize : bool, default False
        Ascend instead of descend.
    fused : bool, keyword-only, default True
        One compiled pass over memory per step (read p, g, m, v; write p, m,
        v); ``False`` runs the same update as array operations around
        :func:`ewmakit._engine.ewma_update`.

    Raises
    ------
    ValueError
        For ``lr``, ``eps`` or ``weight_decay`` < 0, or a β outside [0, 1).

    Notes
    -----{notes}

    References
    ----------
    D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.

    Examples
    --------
    The first step moves every coordinate by about η, whatever its gradient:

    >>> import numpy as np
    >>> from ewmakit.optim import Adam
    >>> w = np.array([1.0, -2.0])
    >>> opt = Adam(w, lr=0.1)
    >>> for _ in range(3):
    ...     opt.step(2 * w)              # gradient of ‖w‖²
    ...     print(w.round(4))
    [ 0.9 -1.9]
    [ 0.8004 -1.8002]
    [ 0.7016 -1.7006]
    """

    _state_names = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _decoupled = False

    def __init__(self, params: Params, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, maximize: bool = False, *,
                 fused: bool = True) -> None:
        super().__init__(params, lr, fused=fused)
        self._hyper = self._check_hyper(betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                        maximize=maximize)

    @staticmethod
    def _check_hyper(*, betas: object, eps: object, weight_decay: object, amsgrad: object,
                     maximize: object) -> dict[str, Any]:
        return {
            "betas": check_betas(betas),
            "eps": check_nonneg("eps", eps, "epsilon value"),
            "weight_decay": check_nonneg("weight_decay", weight_decay, "weight_decay value"),
            "amsgrad": check_bool("amsgrad", amsgrad),
            "maximize": check_bool("maximize", maximize),
        }

    @staticmethod
    def _required_state(hyper: dict[str, Any]) -> tuple[str, ...]:
        return ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if hyper["amsgrad"] else ())

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float) -> None:
        h = self._hyper
        c = p.dtype.type
        beta1, beta2 = h["betas"]
        t = state["step"]
        step_size = lr / (1.0 - beta1**t)  # η / (1 − β₁ᵗ): the first moment's bias correction
        bc2_sqrt = (1.0 - beta2**t) ** 0.5  # sqrt(1 − β₂ᵗ): the second's, inside the root
        wd = h["weight_decay"]
        decay, wd_grad = (1.0 - lr * wd, 0.0) if self._decoupled else (1.0, wd)
        exp_avg = self._buffer(state, "exp_avg", p)
        exp_avg_sq = self._buffer(state, "exp_avg_sq", p)
        max_exp_avg_sq = self._buffer(state, "max_exp_avg_sq", p) if h["amsgrad"] else p[:0]
        if self.fused:
            engine.adam_step(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, c(step_size),
                                      c(-1.0 if h["maximize"] else 1.0), c(wd_grad), c(decay), beta1, beta2,
                                      c(bc2_sqrt), c(h["eps"]), h["amsgrad"])
            return
        # The same step as array operations.
        update = engine.ewma_update
        if h["maximize"]:
            g = -g
        if decay != 1.0:
            p *= c(decay)  # AdamW: decoupled weight decay first
        if wd_grad != 0.0:
            g = g + c(wd_grad) * p
        update(exp_avg, g, beta1)
        update(exp_avg_sq, g * g, beta2)
        v = exp_avg_sq
        if h["amsgrad"]:
            v = np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        p -= (c(step_size) * exp_avg) / (np.sqrt(v) / c(bc2_sqrt) + c(h["eps"]))


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay, ``p ← (1 − η·λ)·p`` before the step.

    Parameters
    ----------
    params : numpy.ndarray or list/tuple/dict of numpy.ndarray
        float32 or float64 arrays, updated in place.
    lr : float or callable, default 1e-3
        Learning rate η ≥ 0, or a function of the number of steps taken.
    betas : (float, float), default (0.9, 0.999)
        β₁ and β₂ in [0, 1).
    eps : float, default 1e-8
        ε ≥ 0, added to the root of the bias-corrected second moment.
    weight_decay : float, default 1e-2
        λ ≥ 0. The parameters shrink by the factor 1 − η·λ at each step,
        independently of the gradient statistics (Loshchilov & Hutter, 2019).
    amsgrad : bool, default False
        Use the running maximum of the second moment.
    maximize : bool, default False
        Ascend instead of descend.
    fused : bool, keyword-only, default True
        As in :class:`Adam`.

    Raises
    ------
    ValueError
        For ``lr``, ``eps`` or ``weight_decay`` < 0, or a β outside [0, 1).

    Notes
    -----{notes}

    With λ = 0 AdamW is Adam.

    References
    ----------
    I. Loshchilov and F. Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.

    Examples
    --------
    With a zero gradient only the decay acts:

    >>> import numpy as np
    >>> from ewmakit.optim import AdamW
    >>> w = np.array([1.0, -2.0], dtype=np.float32)
    >>> opt = AdamW(w, lr=0.1, weight_decay=0.5)
    >>> opt.step(np.zeros(2))
    >>> w
    array([ 0.95, -1.9 ], dtype=float32)
    """

    _decoupled = True

    def __init__(self, params: Params, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, maximize: bool = False, *,
                 fused: bool = True) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize, fused=fused)


Adam.__doc__ = (Adam.__doc__ or "").replace("{notes}", _NOTES.replace("{name}", "Adam"))  # None under -OO
AdamW.__doc__ = (AdamW.__doc__ or "").replace("{notes}", _NOTES.replace("{name}", "AdamW"))
