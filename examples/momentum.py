"""Momentum step by step: the classic tables on f(θ) = θ² from θ = 10.

    python examples/momentum.py [--out DIR]        # prints the tables, writes momentum.png

Heavy-ball momentum (torch's convention, ``ewmakit.optim.SGD``):
v_t = β·v_(t−1) + ∇f(θ_(t−1)), θ_t = θ_(t−1) − lr·v_t, with lr = 0.1, stopping when f < 0.01.

* β = 0.5: 8.0, 5.4, 3.02, 1.226, 0.0838 — done in 5 steps;
* β = 0 (plain gradient descent): θ shrinks by 0.8 per step — 21 steps;
* β = 0.9: too much momentum — θ overshoots to −7.09 and swings back.

The buffer v is an EWMA of the gradients in disguise: heavy-ball momentum with lr η takes the
same steps as ``η/(1 − β)`` times ``ewmakit.ewma(gradients, β, init="zero")``; the script checks it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import ewmakit
from ewmakit import plot
from ewmakit.optim import SGD, functions, minimize

LR = 0.1


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figure, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()

    q = functions.quadratic  # f(θ) = θ², with its gradient 2θ
    runs = {b: minimize(q, 10.0, "sgd", grad=q.grad, lr=LR, momentum=b, loss_tol=1e-2, steps=200)
            for b in (0.5, 0.0, 0.9)}
    print(f"f(θ) = θ², θ₀ = 10, lr = {LR}, heavy-ball momentum v_t = β·v_(t−1) + ∇f(θ_(t−1)), "
          "θ_t = θ_(t−1) − lr·v_t, stop when f < 0.01")
    notes = {0.0: " (plain gradient descent: θ ← 0.8·θ)", 0.9: " (it overshoots past 0 and swings back)"}
    for b, run in runs.items():
        theta = run.path[:, 0]
        v = np.r_[np.nan, (theta[:-1] - theta[1:]) / LR]  # the buffer, from θ_t = θ_(t−1) − lr·v_t
        table = pd.DataFrame({"θ": theta, "v": v, "f(θ) = θ²": run.losses}, index=pd.RangeIndex(len(theta), name="step"))
        print(f"\nβ = {b:g}: {run.nit} steps{notes.get(b, '')}")
        print(table.round(4).to_string())

    # heavy ball with lr η is the EWMA of the gradients with lr η/(1−β)
    grads = np.random.default_rng(0).standard_normal(6)
    p = np.zeros(1)
    opt = SGD(p, lr=0.1, momentum=0.9)
    path = []
    for g in grads:
        opt.step(np.array([g]))
        path.append(p[0])
    ewma_path = -np.cumsum(0.1 / (1 - 0.9) * ewmakit.ewma(grads, 0.9, init="zero"))
    print("\nHeavy-ball momentum (lr 0.1, β 0.9) and the EWMA of the gradients (lr 0.1/(1−0.9) = 1) take "
          f"the same path: {np.allclose(path, ewma_path, rtol=1e-12, atol=1e-15)}")

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    for i, (b, run) in enumerate(runs.items()):
        left.plot(np.arange(run.nit + 1), run.path[:, 0], "-o", ms=4, color=plot.PALETTE[i],
                  label=f"β={b:g}: {run.nit} steps")
    left.axhline(0, color="0.5", lw=0.8)
    left.set(xlabel="step", ylabel="θ", title=f"θ² from θ = 10, lr = {LR}: momentum β = 0.5, 0, 0.9")
    left.legend()
    left.grid(True, alpha=0.25)
    plot.curve(q, {f"β={b:g}": r for b, r in runs.items()}, ax=right, title="the same steps on f(θ) = θ²")
    written = [plot.save(fig, args.out / "momentum.png")]
    print(f"wrote {written[0]}")
    return written


if __name__ == "__main__":
    main()
