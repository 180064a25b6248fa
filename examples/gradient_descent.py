"""Example 3 — gradient descent on the bowl w₁² + w₂² from (2.5, 2.5), lr 0.1, 50 steps.

    python examples/gradient_descent.py [--out DIR]        # writes bowl.png

Each step is w ← w − 0.1·∇f(w) = 0.8·w, so the path runs straight to the
minimum and f shrinks by 0.64 per step. The figure shows the 3-D surface and
the contours side by side with the same path:

    from ewmakit import plot
    from ewmakit.optim import functions, minimize
    run = minimize(functions.bowl, [2.5, 2.5], "sgd", grad=functions.bowl.grad, lr=0.1, steps=50)
    plot.surface(functions.bowl, {"gradient descent (lr=0.1)": run})
    plot.contour(functions.bowl, {"gradient descent (lr=0.1)": run})

The code is ``ewmakit._demos.demo_bowl`` (also run by ``ewmakit demo``).
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["bowl"], __doc__, Path(__file__).parent))
