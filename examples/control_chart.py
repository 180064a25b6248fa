"""EWMA control charts: design by average run length, a simulated shift, the S&P 500 in 2007.

    python examples/control_chart.py [--out DIR]   # prints the tables, writes control_chart.png

1. Design. For an in-control ARL of 370.4 (one false alarm per 370 points, like a 3-sigma
   Shewhart chart) find L for several α with ``critical_L`` and compare how fast each chart
   reacts to a shift of the mean (``arl``).
2. A simulated process (seeded) whose mean moves by one σ at point 100.
3. Daily S&P 500 returns (offline sample): target and σ from 2005–2006 (phase I), then the
   chart runs through 2007. Returns are not independent (volatility clusters), so read the
   alarms as "something changed", not against the ARL table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ewmakit import data, plot
from ewmakit.control import arl, critical_L, ewma_chart


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figure, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()

    # 1. design: L for each α at the same in-control ARL, and the ARL after a shift of d σ
    arl0, alphas, shifts = 370.4, (0.05, 0.1, 0.2, 0.5, 1.0), (0.5, 1.0, 2.0, 3.0)
    design = {}
    for a in alphas:
        L = critical_L(a, arl0)
        design[f"alpha={a}"] = {"L": L, **{f"ARL at {d} sigma": arl(a, L, d) for d in shifts}}
    table = pd.DataFrame(design).T
    print(f"EWMA designs with in-control ARL {arl0} (two-sided, fixed limits); alpha=1 is Shewhart:")
    print(table.round(2).to_string())
    print("-> small alpha reacts much faster to small shifts; Shewhart (alpha=1) is best only for large ones.\n")

    # 2. a simulated 1σ shift at point 100
    alpha, L = 0.1, float(table.loc["alpha=0.1", "L"])
    x = np.random.default_rng(42).normal(10.0, 1.0, 160)
    x[100:] += 1.0
    sim = ewma_chart(x, alpha, L, target=10.0, sigma=1.0)
    hits = sim.index[sim["signal"].to_numpy()]
    print(f"Simulated 1-sigma shift at point 100: first signal at point {hits[0] if len(hits) else None} "
          f"(expected delay about {arl(alpha, L, 1.0):.1f} points).")

    # 3. S&P 500 daily returns, limits from 2005–2006
    close = data.sample("sp500")["Close"].loc["2005":"2007"]
    returns = (100 * np.log(close).diff()).dropna().rename("return %")
    phase1 = int((returns.index.year <= 2006).sum())
    real = ewma_chart(returns, alpha, L, phase1=phase1)
    end1 = returns.index[phase1 - 1]
    after = real.index[real["signal"].to_numpy() & (real.index > end1)]
    first = f"{after[0]:%Y-%m-%d}" if len(after) else "none"
    print(f"S&P 500: target {real.attrs['target']:.3f} %, sigma {real.attrs['sigma']:.3f} % "
          f"(median and median moving range of {phase1} days in 2005–2006); first signal after phase I: {first}; "
          f"signal days in 2007: {int(real.loc['2007', 'signal'].sum())} of {len(real.loc['2007'])}.")

    fig, (a, b) = plt.subplots(2, 1, figsize=(10, 8))
    plot.control_chart(sim, ax=a, mark=99.5, ylabel="measurement (units of σ)",
                       title=f"Simulated process, 1σ shift at point 100 (α={alpha}, L={L:.3f}, ARL₀={arl0})")
    plot.control_chart(real.loc["2006-07":], ax=b, mark=end1, ylabel="daily log return (%)",
                       title="S&P 500 daily log return (%), limits from 2005–2006")
    fig.tight_layout()
    out = plot.save(fig, args.out / "control_chart.png")
    print(f"wrote {out}")
    return [out]


if __name__ == "__main__":
    main()
