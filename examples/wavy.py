"""Momentum carries θ over a flat point: the wavy curve f(θ) = 2θ² sin θ cos θ.

    python examples/wavy.py [--out DIR]        # writes wavy_momentum.png and wavy_beta_sweep.png

f(θ) = 2θ² sin θ cos θ = θ² sin 2θ has a flat point at θ = 0 (f ≈ 2θ³ there: zero slope, no
minimum) between the start θ₀ = 0.9 and the local minimum at θ ≈ −1.1445. With lr = 0.2:

* without momentum the steps shrink with the slope: after 500 steps θ is still creeping
  towards 0, stalled at the flat point;
* with momentum the velocity carries θ over the flat point into the minimum's valley. The
  runs of the article, β = 0.9 / 0.7 / 0.5 / 0.2 for 20 / 50 / 500 / 500 steps: 0.9 is still
  swinging after 20 steps, 0.7 and 0.5 settle at the minimum, 0.2 has too little momentum and
  stalls like plain descent.

The gradient. d/dθ [θ² sin 2θ] = 2θ sin 2θ + 2θ² cos 2θ (product rule; the same as
4θ sin θ cos θ + 2θ²(cos²θ − sin²θ)). The article's gradient, 4θ sin θ cos θ + 2θ² cos θ, is
wrong (cos θ where cos 2θ belongs): the script compares both with finite differences.
``ewmakit.optim.functions.wavy.grad`` is the right one. Momentum here is heavy-ball,
v_t = β·v_(t−1) + ∇f, θ_t = θ_(t−1) − lr·v_t (``ewmakit.optim.SGD``, torch's convention).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ewmakit import plot
from ewmakit.optim import functions, minimize

THETA0, LR = 0.9, 0.2
SWEEP = {0.9: 20, 0.7: 50, 0.5: 500, 0.2: 500}  # β: steps, as in the article
LOCAL_MIN = -1.1445


def gradient(theta):
    """d/dθ [2θ² sin θ cos θ] = d/dθ [θ² sin 2θ] = 2θ sin 2θ + 2θ² cos 2θ."""
    return 2 * theta * np.sin(2 * theta) + 2 * theta**2 * np.cos(2 * theta)


def articles_gradient(theta):
    """The gradient printed in the article: wrong (its second term should have cos 2θ)."""
    return 4 * theta * np.sin(theta) * np.cos(theta) + 2 * theta**2 * np.cos(theta)


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figures, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()
    w = functions.wavy  # f(θ) = 2θ² sin θ cos θ, its gradient, its minima and plotting bounds

    # the gradient, checked against central finite differences of f
    theta = np.linspace(-3, 3, 61)
    h = 1e-6
    fd = (w.f([theta + h]) - w.f([theta - h])) / (2 * h)  # w.f takes points of shape (1, ...)
    print("gradient of f(θ) = 2θ² sin θ cos θ = θ² sin 2θ: 2θ sin 2θ + 2θ² cos 2θ")
    print(f"  max |gradient − finite difference| on [−3, 3]: {np.max(np.abs(gradient(theta) - fd)):.1e} (right)")
    print(f"  the article's 4θ sin θ cos θ + 2θ² cos θ: {np.max(np.abs(articles_gradient(theta) - fd)):.2f} (wrong)")
    print(f"  ewmakit.optim.functions.wavy.grad: {np.max(np.abs(w.grad([theta]) - gradient(theta))):.1e} from it\n")

    pair = {
        f"with momentum (lr={LR}, β=0.9), 20 steps": minimize(w, THETA0, "sgd", grad=gradient, lr=LR, momentum=0.9,
                                                               steps=20),
        f"without momentum (lr={LR}), 500 steps": minimize(w, THETA0, "sgd", grad=gradient, lr=LR, steps=500),
    }
    sweep = {b: minimize(w, THETA0, "sgd", grad=gradient, lr=LR, momentum=b, steps=n) for b, n in SWEEP.items()}
    print(f"From θ₀ = {THETA0}, lr = {LR}: a flat point at θ = 0, a local minimum at θ ≈ {LOCAL_MIN} (f ≈ −0.986)")
    rows = {label: {"steps": r.nit, "θ": float(r.x), "f(θ)": r.fun} for label, r in pair.items()}
    rows.update({f"momentum β={b}": {"steps": r.nit, "θ": float(r.x), "f(θ)": r.fun} for b, r in sweep.items()})
    table = pd.DataFrame(rows).T.astype({"steps": int})
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    print("Without momentum (or with β=0.2) θ stalls at the flat point; β=0.7 and 0.5 settle at the minimum; "
          "β=0.9 has crossed but still swings after 20 steps.\n")

    note = "gradient 2θ sin 2θ + 2θ² cos 2θ (the article's 4θ sin θ cos θ + 2θ² cos θ is wrong, corrected here)"
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    plot.curve(w, pair, ax=left, bounds=[(-2.0, 1.5)], title=f"f(θ) = 2θ² sin θ cos θ from θ₀ = {THETA0}")
    for i, (label, r) in enumerate(pair.items()):
        right.plot(np.arange(r.nit + 1), r.path[:, 0], color=plot.PALETTE[i], lw=1.5, label=label)
    right.axhline(0, color="0.5", lw=0.8, ls=":")
    right.axhline(LOCAL_MIN, color="0.3", lw=0.8, ls="--", label=f"local minimum θ ≈ {LOCAL_MIN}")
    right.set_xscale("symlog", linthresh=20)
    right.set_xlim(0, 520)
    right.set(xlabel="step (linear to 20, then log)", ylabel="θ", title="θ against step")
    right.legend(fontsize=8)
    right.grid(True, alpha=0.25)
    fig.suptitle(note, fontsize=9, y=0.01, va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    written = [plot.save(fig, args.out / "wavy_momentum.png")]

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for ax, (b, r) in zip(axes.flat, sweep.items()):
        plot.curve(w, {f"β={b}, lr={LR}, {r.nit} steps": r}, ax=ax, bounds=[(-2.0, 1.5)],
                   title=f"momentum β={b}: θ after {r.nit} steps = {float(r.x):.3f}")
    fig.suptitle(f"Momentum on 2θ² sin θ cos θ from θ₀ = {THETA0}, lr = {LR}\n{note}", fontsize=10)
    fig.tight_layout()
    written.append(plot.save(fig, args.out / "wavy_beta_sweep.png"))
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
