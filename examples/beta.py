"""Example 2 — what β does: a small series, the weights, and β from a window.

    python examples/beta.py [--out DIR]      # writes beta_impact.png, weights.png, window_beta.png

1. The series 5, 6, 4, 7, 5, 10, 8, 6, 7 smoothed with β = 0.1, 0.5, 0.9
   (``ewmakit.ewma(x, beta)``, ``plot.beta_impact``): a low β follows every
   jump (noise included), a high β is smooth but lags.
2. The weight of each past point, (1 − β)·β^k (``plot.weights(0.9, 40)``):
   it halves every ln 0.5 / ln β ≈ 6.6 steps, and 1/(1 − β) = 10 points carry
   about two thirds of it.
3. β from a window: the n-period EMA has α = 2/(n+1) — the weight of the
   *newest* point — so β = 1 − 2/(n+1) = (n−1)/(n+1). Window 19 gives
   β = 0.9 (``ewmakit.beta_from_window(19)``); window 20 gives β ≈ 0.905, not
   0.095 (``plot.window_to_beta``).

The code is ``ewmakit._demos.demo_beta`` (also run by ``ewmakit demo``).
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["beta"], __doc__, Path(__file__).parent))
