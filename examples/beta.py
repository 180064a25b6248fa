"""What β does: a small series, the weights, and β from a window.

    python examples/beta.py [--out DIR]      # writes beta_impact.png, weights.png, window_beta.png

1. The series 5, 6, 4, 7, 5, 10, 8, 6, 7 smoothed with β = 0.1, 0.5, 0.9: a low β follows every
   jump (noise included), a high β is smooth but lags.
2. The weight of each past point, (1 − β)·β^k: for β = 0.9 it halves every ln 0.5 / ln β ≈ 6.6
   steps, and the last 1/(1 − β) = 10 points carry about two thirds of it.
3. β from a window: the n-period EMA has α = 2/(n+1), the weight of the *newest* point, so
   β = 1 − 2/(n+1) = (n−1)/(n+1). Window 19 gives β = 0.9; window 20 gives β ≈ 0.905, not 0.095.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import ewmakit
from ewmakit import plot

SERIES = (5.0, 6.0, 4.0, 7.0, 5.0, 10.0, 8.0, 6.0, 7.0)


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figures, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()
    written = []

    # 1. the impact of β: v_t = β·v_(t−1) + (1−β)·x_t, started at v_1 = x_1
    betas = (0.1, 0.5, 0.9)
    x = np.array(SERIES)
    table = pd.DataFrame({"x": x, **{f"β={b}": ewmakit.ewma(x, b) for b in betas}},
                         index=pd.RangeIndex(1, len(x) + 1, name="t"))
    print("v_t = β·v_(t−1) + (1−β)·x_t, started at v_1 = x_1:")
    print(table.round(3).to_string())
    print("β=0.1 follows every jump (mostly noise); β=0.9 barely moves after the jump to 10 (it lags).\n")
    written.append(plot.save(plot.beta_impact(SERIES, betas), args.out / "beta_impact.png"))

    # 2. the weights (1−β)·β^k
    b = 0.9
    print(f"β={b}: weights (1−β)·β^k halve every {ewmakit.halflife_from_beta(b):.2f} steps; "
          f"the effective window 1/(1−β) is {ewmakit.effective_window(b):.0f} points "
          f"(their weights add up to {1 - b ** 10:.1%}); the span 2/(1−β) − 1 is {ewmakit.window_from_beta(b):.0f}.\n")
    written.append(plot.save(plot.weights(b, 40), args.out / "weights.png"))

    # 3. β from a window n: α = 2/(n+1) is the weight of the newest point, β = 1 − α
    n = 19
    print("From a window: the n-period EMA has α = 2/(n+1), the weight of the NEWEST point, and "
          "β = 1 − 2/(n+1) = (n−1)/(n+1), the weight of the past.")
    print(f"  window {n}: α = 2/{n + 1} = {ewmakit.alpha_from_window(n):g}, "
          f"β = {n - 1}/{n + 1} = {ewmakit.beta_from_window(n):g}   (ewmakit.beta_from_window({n}))")
    print(f"  window 20: α = 2/21 ≈ {ewmakit.alpha_from_window(20):.3f}, β = 19/21 ≈ {ewmakit.beta_from_window(20):.3f}"
          " -- not 0.095: β=0.095 would keep 9.5 % of the past, an average of about one day.")
    written.append(plot.save(plot.window_to_beta(60, mark=(19, 20)), args.out / "window_beta.png"))
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
