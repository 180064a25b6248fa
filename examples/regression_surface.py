"""Example 6 — SGD vs momentum-SGD on a non-convex regression surface, in 3-D.

    python examples/regression_surface.py [--out DIR]      # writes regression_surface.png

A line ŷ = w₀·x + w₁ is fitted to 100 seeded points with the loss
MSE + 5·sin w₀·cos w₁ (``ewmakit.optim.functions.wavy_regression``: a bowl with
ripples, so it has several local minima). Starting from (6, −3), one epoch of
per-sample updates (100 steps, one point each) with lr 0.09: plain SGD and SGD
with momentum β = 0.45 (``ewmakit.optim.SGD(w, lr=0.09, momentum=0.45)``,
``opt.step(grad_i)`` per sample). Both cross the ripples into the basin of the
global minimum; the per-sample gradients keep them wandering around it, and
momentum carries the noise along further.

The code is ``ewmakit._demos.demo_regression`` (also run by ``ewmakit demo``).
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["regression"], __doc__, Path(__file__).parent))
