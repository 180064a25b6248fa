"""Example 5 — with and without momentum on the wavy curve f(θ) = 2θ² sin θ cos θ from θ = 0.9.

    python examples/wavy.py [--out DIR]        # writes wavy_momentum.png, wavy_beta_sweep.png

f has a flat point at θ = 0 (f ≈ 2θ³ there: zero slope but no minimum) between
the start and the local minimum at θ ≈ −1.1445. With lr 0.2:

* without momentum the steps shrink with the slope: after 500 steps θ is
  still creeping towards 0 (stalled at the flat point);
* with momentum β = 0.9 the velocity carries θ over the flat point into the
  minimum's valley within 20 steps (still swinging about it);
* a sweep over β ∈ {0.9, 0.7, 0.5, 0.2} (20 steps each): 0.7 and 0.5 settle
  near the minimum, 0.2 has too little momentum and stalls like plain descent.

    from ewmakit.optim import functions, minimize
    w = functions.wavy
    minimize(w, 0.9, "sgd", grad=w.grad, lr=0.2, momentum=0.9, steps=20)

The code is ``ewmakit._demos.demo_wavy`` (also run by ``ewmakit demo``).
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["wavy"], __doc__, Path(__file__).parent))
