"""Bias correction: an EWMA started at zero, with and without the correction.

    python examples/bias_correction.py [--out DIR]     # writes bias_correction.png

Started at v_0 = 0, the EWMA v_t = β·v_(t−1) + (1−β)·x_t is pulled towards 0 over its first
steps: its weights (1−β)·β^k add up to only 1 − β^t after t steps. Dividing by that sum,
v̂_t = v_t / (1 − β^t), removes the bias (``ewmakit.ewma(x, beta, init="zero",
bias_correction=True)``; Adam does the same to its two moments). With β = 0.9 the plain
EWMA of measurements around 10 reads 1.2 after one step, 6.5 after ten; the corrected one is
near 10 from the first step. After about 3/(1 − β) = 30 steps the two agree.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import ewmakit
from ewmakit import plot

BETA, MEAN, STEPS = 0.9, 10.0, 40


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figure, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()

    x = MEAN + np.random.default_rng(3).normal(0.0, 1.0, STEPS)  # measurements of a true mean of 10
    plain = ewmakit.ewma(x, BETA, init="zero")
    corrected = ewmakit.ewma(x, BETA, init="zero", bias_correction=True)
    t = np.arange(1, STEPS + 1)
    table = pd.DataFrame({"x_t": x, "v_t (from 0)": plain, "1 − β^t": 1 - BETA**t, "v_t / (1 − β^t)": corrected},
                         index=pd.Index(t, name="t"))
    print(f"EWMA with β = {BETA} of measurements around {MEAN:g}, started at v_0 = 0:")
    print(table.iloc[[0, 1, 2, 4, 9, 19, 29, 39]].round(3).to_string())
    print(f"The correction is the division: max |v_t / (1 − β^t) − corrected| = "
          f"{np.max(np.abs(plain / (1 - BETA**t) - corrected)):.1e}")

    fig, ax = plt.subplots(figsize=(10, 5))
    ax.scatter(t, x, s=16, color="0.55", label="measurements x_t", zorder=2)
    ax.axhline(MEAN, color="k", ls="--", lw=1, label=f"true mean {MEAN:g}")
    ax.plot(t, plain, "-o", ms=3, color=plot.PALETTE[3], label=f"EWMA from 0, β={BETA} (biased towards 0)")
    ax.plot(t, corrected, "-s", ms=3, color=plot.PALETTE[0], label="with bias correction v_t / (1 − β^t)")
    ax.set(xlabel="t (step)", ylabel="value", ylim=(0, MEAN + 4),
           title=f"Bias correction over the first {STEPS} steps (β = {BETA}: the weights sum to 1 − β^t)")
    ax.legend(loc="lower right")
    ax.grid(True, alpha=0.25)
    written = [plot.save(fig, args.out / "bias_correction.png")]
    print(f"wrote {written[0]}")
    return written


if __name__ == "__main__":
    main()
