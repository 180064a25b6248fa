r"""Optimizers built on the EWMA: SGD/momentum/Nesterov, RMSprop, Adam, AdamW.

Momentum is an EWMA of gradients, RMSprop an EWMA of squared gradients, Adam
both plus the bias correction that is :func:`ewmakit.ewma`'s
``bias_correction=True``:

=============  ===========================================  =========================
optimizer      moment                                       EWMA (β)
=============  ===========================================  =========================
SGD momentum   heavy-ball buffer = EWMA(g)·(1 − τ)/(1 − μ)  μ (``momentum``)
RMSprop        mean square s, mean gradient ḡ (centered)    ``beta`` (torch ``alpha``)
Adam / AdamW   m, v; m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)       β₁, β₂ (``betas``)
=============  ===========================================  =========================

Every moment is updated by the one EWMA step of the package
(``ema_step`` of the engine's update rules, looped over arrays by
:func:`ewmakit._engine.ewma_update`); the fused kernels inline it, the
``fused=False`` path calls ``ewma_update``. The numbers are those of
``torch.optim`` with the same hyper-parameters.

>>> import numpy as np
>>> from ewmakit.optim import Adam
>>> w = np.array([3.0, -4.0])
>>> opt = Adam(w, lr=0.5)
>>> for _ in range(200):
...     opt.step(2 * w)
>>> bool(np.abs(w).max() < 0.05)
True
"""

from __future__ import annotations

from . import functions
from ._base import Optimizer
from .adam import Adam, AdamW
from .minimize import METHODS, Trajectory, minimize
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "minimize", "Trajectory", "METHODS", "functions"]
