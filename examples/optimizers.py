"""Example 7 — optimizers built on the EWMA: the classic momentum table and a race on test functions.

    python examples/optimizers.py [--out DIR] [--quick]
    # prints the tables; writes momentum.png, race_rosenbrock.png, race_beale.png and race.gif

SGD, momentum (an EWMA of gradients), RMSprop (an EWMA of squared gradients)
and Adam (both, bias-corrected) race from the standard starts of Rosenbrock's
banana valley and Beale's function; contours are log-scaled because both span
decades. The GIF animates the Rosenbrock race. Then a wider table of final
losses on five test functions.

    from ewmakit import plot
    from ewmakit.optim import functions, minimize
    f = functions.rosenbrock
    runs = {"Adam (lr=0.05)": minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=2000),
            "momentum (lr=0.001, β=0.9)": minimize(f, f.start, "momentum", grad=f.grad, lr=1e-3, steps=2000)}
    plot.contour(f, runs); plot.convergence(runs); plot.animate(f, runs, "race.gif")

The code is ``ewmakit._demos.demo_momentum``, ``demo_race`` and ``race_table``.
"""

import os
import sys
from pathlib import Path

from ewmakit._demos import QUICK_ENV, example_main, race_table

if __name__ == "__main__":
    status = example_main(["momentum", "race"], __doc__, Path(__file__).parent)
    print()
    quick = "--quick" in sys.argv or os.environ.get(QUICK_ENV, "") in ("1", "true", "yes", "on")
    race_table(steps=300 if quick else 2000)
    sys.exit(status)
