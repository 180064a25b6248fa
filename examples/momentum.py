"""Example 4 — the momentum tables on f(θ) = θ² from θ = 10, lr 0.1.

    python examples/momentum.py [--out DIR]                # prints the tables, writes momentum.png

Heavy-ball momentum (torch's convention, ``ewmakit.optim.SGD``):
v_t = β·v_(t−1) + ∇f(θ_(t−1)), θ_t = θ_(t−1) − lr·v_t, stopping when f < 0.01.

* β = 0.5: 8.0, 5.4, 3.02, 1.226, 0.0838 — done in 5 steps;
* β = 0 (plain gradient descent): θ shrinks by 0.8 per step — 21 steps;
* β = 0.9: too much momentum — θ overshoots to −7.09 and swings back.

    minimize(lambda t: t**2, 10.0, "sgd", grad=lambda t: 2*t, lr=0.1, momentum=0.5, loss_tol=1e-2)

It also checks that heavy-ball momentum with lr η is the EWMA of the
gradients with lr η/(1 − β). The code is ``ewmakit._demos.demo_momentum``.
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["momentum"], __doc__, Path(__file__).parent))
