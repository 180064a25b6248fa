"""Gradient descent zig-zags across a narrow valley; momentum goes along it.

    python examples/gradient_descent.py [--out DIR]   # writes elongated_contours.png, elongated_surface.png

The valley is f(x, y) = x²/2 + 10·y²: twenty times steeper across (y) than along (x).
Plain gradient descent with lr = 0.095 overshoots across the valley at every step
(y ← y − 0.095·20·y = −0.9·y: the sign flips each step) while it crawls along it
(x ← 0.905·x). Heavy-ball momentum (``ewmakit.optim.SGD(..., momentum=0.7)``) keeps an
EWMA of the gradients: the across-valley gradients alternate in sign and cancel in the
average, the along-valley ones add up, so its path is smooth and reaches the minimum first.

The comparison is fair: on a steady slope the momentum step grows to lr/(1 − β) = 0.03/0.3 =
0.1, about gradient descent's 0.095.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ewmakit import plot
from ewmakit.optim import minimize

START = np.array([-9.0, 1.0])
STEPS = 40
BOX = [(-10.0, 3.0), (-1.5, 1.5)]


def f(w):
    """f(x, y) = x²/2 + 10·y², on one point (shape (2,)) or on a grid (shape (2, ...))."""
    x, y = w
    return 0.5 * x**2 + 10.0 * y**2


def grad(w):
    x, y = w
    return np.array([x, 20.0 * y])


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figures, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()

    runs = {
        "gradient descent (lr=0.095)": minimize(f, START, "sgd", grad=grad, lr=0.095, steps=STEPS),
        "momentum (lr=0.03, β=0.7)": minimize(f, START, "sgd", grad=grad, lr=0.03, momentum=0.7, steps=STEPS),
    }
    print(f"f(x, y) = x²/2 + 10·y² from {tuple(START)}, {STEPS} steps:")
    for label, r in runs.items():
        y = r.path[:, 1]
        flips = int(np.sum(np.sign(y[1:]) != np.sign(y[:-1])))
        print(f"  {label:<28} ends at ({r.x[0]:+.4f}, {r.x[1]:+.4f}), f = {r.fun:.2e}; "
              f"y changed sign {flips} times")

    written = []
    ax = plot.contour(f, runs, bounds=BOX, title="f(x, y) = x²/2 + 10·y²: gradient descent zig-zags, "
                                                 "momentum goes along the valley")
    written.append(plot.save(ax, args.out / "elongated_contours.png"))
    ax = plot.surface(f, runs, bounds=BOX, elev=40, azim=-75,
                      title="the same paths on the surface f(x, y) = x²/2 + 10·y²")
    written.append(plot.save(ax, args.out / "elongated_surface.png"))
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
