"""SGD and momentum fitting a line on a non-convex loss surface.

    python examples/regression_surface.py [--out DIR]      # writes regression_surface.png

The model is a line, ŷ = w₀·x + w₁, fitted to 100 seeded points (x uniform on [−2, 2],
y = 1.5·x + 0.5 + noise). The loss adds ripples to the mean squared error, so that it has
several local minima: L(w) = (1/n)·Σᵢ (w₀·xᵢ + w₁ − yᵢ)² + 5·sin w₀·cos w₁
(``ewmakit.optim.functions.wavy_regression``). From (6, −3), one epoch of per-sample updates
(100 steps, one point each, lr 0.09): plain SGD and SGD with momentum β = 0.45
(``SGD(w, lr=0.09, momentum=0.45)``, ``opt.step(gradient of point i)``). Both cross the
ripples into the basin of the global minimum; neither stops there, because each step follows
one point's gradient. Which one ends lower depends on the last few points: the script reruns
the epoch over 20 shuffles of the data to show it, and says why.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ewmakit import plot
from ewmakit.optim import SGD, functions

RIPPLE, LR, BETA, START = 5.0, 0.09, 0.45, (6.0, -3.0)
LOSS = "L(w) = (1/n)·Σ(w₀xᵢ + w₁ − yᵢ)² + 5·sin w₀·cos w₁"


def point_gradient(w, x, y):
    """Gradient of one point's loss (w₀x + w₁ − y)² + 5·sin w₀·cos w₁."""
    r = w[0] * x + w[1] - y
    return np.array([2 * r * x + RIPPLE * np.cos(w[0]) * np.cos(w[1]),
                     2 * r - RIPPLE * np.sin(w[0]) * np.sin(w[1])])


def one_epoch(xs, ys, momentum, order=None):
    """Per-sample SGD over the points (in ``order``), from START; returns the path (n + 1, 2)."""
    w = np.array(START)
    opt = SGD(w, lr=LR, momentum=momentum)  # updates w in place
    path = [w.copy()]
    for i in range(len(xs)) if order is None else order:
        opt.step(point_gradient(w, xs[i], ys[i]))
        path.append(w.copy())
    return np.array(path)


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figure, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()

    loss = functions.make_wavy_regression(ripple=RIPPLE)  # L(w) on seeded data; loss.data = (x, y)
    xs, ys = loss.data
    runs = {f"SGD (lr={LR:g})": one_epoch(xs, ys, 0.0),
            f"momentum SGD (lr={LR:g}, β={BETA:g})": one_epoch(xs, ys, BETA)}
    best = loss.minima[0]
    print(f"Model ŷ = w₀·x + w₁ on {len(xs)} points; loss {LOSS} (non-convex).")
    print(f"One epoch = {len(xs)} per-sample updates from {START}:")
    for label, p in runs.items():
        print(f"  {label:<34} ends at w = ({p[-1, 0]:.3f}, {p[-1, 1]:.3f}), L = {loss.f(p[-1]):.3f}; "
              f"mean L over its last 20 steps {np.mean(loss.f(p[-20:].T)):.3f}")
    print(f"  {'global minimum':<34}         ({best[0]:.3f}, {best[1]:.3f}), L = {loss.f(best):.3f}")
    slope, intercept = np.polyfit(xs, ys, 1)
    print(f"  (the ripple term moves the best line away from least squares, ŷ = {slope:.3f}·x + {intercept:.3f})")

    rng = np.random.default_rng(1)
    finals = {label: [] for label in runs}
    for _ in range(20):
        order = rng.permutation(len(xs))
        for label, m in zip(runs, (0.0, BETA)):
            finals[label].append(loss.f(one_epoch(xs, ys, m, order)[-1]))
    (sgd, sgd_f), (mom, mom_f) = finals.items()
    lower = "SGD" if loss.f(runs[sgd][-1]) < loss.f(runs[mom][-1]) else "momentum"
    print(f"\nIn this order of the points {lower} ends lower. Over 20 shuffles of the points the final loss is "
          f"{np.mean(sgd_f):.2f} ± {np.std(sgd_f):.2f} (SGD) and {np.mean(mom_f):.2f} ± {np.std(mom_f):.2f} "
          f"(momentum): no lasting winner.")
    print(f"Why: each update follows ONE point's gradient, so near the minimum (L = {loss.f(best):.3f}) both keep "
          f"rattling around it and the last iterate depends on the last few points. Momentum's steps add up to "
          f"lr/(1−β) = {LR / (1 - BETA):.3f} on a steady slope, {1 / (1 - BETA):.1f}× SGD's: it crosses the ripples "
          "faster but also carries each noisy gradient further. A smaller lr at the end, or averaging the last "
          "iterates, brings both down to the minimum.\n")

    fig = plt.figure(figsize=(17, 5.5))
    a1, a2, a3 = fig.add_subplot(1, 3, 1), fig.add_subplot(1, 3, 2, projection="3d"), fig.add_subplot(1, 3, 3)
    a1.scatter(xs, ys, s=12, color="0.55", label="data")
    grid = np.linspace(-2, 2, 2)
    for i, (label, p) in enumerate(runs.items()):
        a1.plot(grid, p[-1, 0] * grid + p[-1, 1], color=plot.PALETTE[i], lw=2,
                label=f"{label.split(' (')[0]}: ŷ = {p[-1, 0]:.2f}x + {p[-1, 1]:.2f}")
    a1.plot(grid, best[0] * grid + best[1], "k--", lw=1.2, label=f"minimum of L: ŷ = {best[0]:.2f}x + {best[1]:.2f}")
    slope, intercept = np.polyfit(xs, ys, 1)
    a1.plot(grid, slope * grid + intercept, ":", color="0.3", lw=1.2,
            label=f"least squares (no ripple): ŷ = {slope:.2f}x + {intercept:.2f}")
    a1.set(xlabel="x", ylabel="y", title="the data and the fitted lines")
    a1.legend(fontsize=8)
    a1.grid(True, alpha=0.25)
    plot.surface(loss, runs, ax=a2, bounds=[(-3.0, 7.0), (-4.0, 6.0)], elev=40, azim=-130,
                 title=f"both paths on L(w₀, w₁), one epoch from {START}")
    for i, (label, p) in enumerate(runs.items()):
        a3.plot(loss.f(p.T), color=plot.PALETTE[i], lw=1.4, label=label)
    a3.axhline(loss.f(best), color="k", ls="--", lw=1, label="global minimum")
    a3.set(xlabel="update (one point each)", ylabel="L(w)", yscale="log", title="loss against update")
    a3.legend(fontsize=8)
    a3.grid(True, which="both", alpha=0.25)
    fig.suptitle(f"Model ŷ = w₀·x + w₁, loss {LOSS}: per-sample SGD with and without momentum")
    fig.tight_layout()
    written = [plot.save(fig, args.out / "regression_surface.png")]
    print(f"wrote {written[0]}")
    return written


if __name__ == "__main__":
    main()
