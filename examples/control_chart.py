"""EWMA control charts: design by average run length, a simulated shift, and the S&P 500 in 2007.

Runs offline (the real data is the S&P 500 daily series shipped by ``arch``).

    python examples/control_chart.py          # prints the tables, writes examples/control_chart.png

1. Design. For an in-control ARL of 370.4 (one false alarm per 370 points, like
   a 3-sigma Shewhart chart) find L for several alpha with ``critical_L`` and
   compare how fast each chart reacts to a shift of the mean (``arl``).
2. A simulated process (seeded) whose mean moves by one sigma at point 100.
3. Daily S&P 500 returns: target and sigma from 2005–2006 (phase I), then the
   chart runs through 2007. Returns are not independent (volatility clusters),
   so read the alarms as "something changed", not against the ARL table.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ewmakit import data  # noqa: E402
from ewmakit.control import arl, critical_L, ewma_chart  # noqa: E402

ARL0 = 370.4
ALPHAS = (0.05, 0.1, 0.2, 0.5, 1.0)
SHIFTS = (0.5, 1.0, 2.0, 3.0)


def design_table() -> pd.DataFrame:
    rows = {}
    for a in ALPHAS:
        L = critical_L(a, ARL0)
        rows[f"alpha={a}"] = {"L": L, **{f"ARL at {d} sigma": arl(a, L, d) for d in SHIFTS}}
    return pd.DataFrame(rows).T


def first_signal(chart: pd.DataFrame, after=None):
    signals = chart.index[chart["signal"].to_numpy()]
    if after is not None:
        signals = signals[signals > after]
    return signals[0] if len(signals) else None


def draw(ax, chart, title, mark=None):
    ax.plot(chart.index, chart["value"], ".", ms=3, color="0.6", label="observation")
    ax.plot(chart.index, chart["ewma"], color="#0072B2", lw=1.6, label="EWMA z")
    ax.plot(chart.index, chart["ucl"], color="#D55E00", lw=1.0, label="control limits")
    ax.plot(chart.index, chart["lcl"], color="#D55E00", lw=1.0)
    ax.axhline(chart.attrs["target"], color="0.3", lw=0.8, ls="--", label="target")
    out = chart[chart["signal"]]
    ax.plot(out.index, out["ewma"], "o", ms=4, mfc="none", color="#CC79A7", label="signal")
    if mark is not None:
        ax.axvline(mark, color="0.3", lw=0.8, ls=":")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8, ncols=3)


def main(out: Path = Path(__file__).with_suffix(".png")) -> Path:
    table = design_table()
    print(f"EWMA designs with in-control ARL {ARL0} (two-sided, fixed limits); alpha=1 is Shewhart:")
    print(table.round(2).to_string())
    print("-> small alpha reacts much faster to small shifts; Shewhart (alpha=1) is best only for large ones.\n")

    # 2. a simulated shift of one sigma at point 100
    alpha, L = 0.1, table.loc["alpha=0.1", "L"]
    rng = np.random.default_rng(42)
    x = rng.normal(10.0, 1.0, 160)
    x[100:] += 1.0
    sim = ewma_chart(x, alpha, L, target=10.0, sigma=1.0)
    hit = first_signal(sim)
    print(f"Simulated 1-sigma shift at point 100: first signal at point {hit} "
          f"(expected delay about {arl(alpha, L, 1.0):.1f} points).")

    # 3. S&P 500 daily log returns in percent; phase I = 2005-2006
    close = data.sample("sp500")["Close"].loc["2005":"2007"]
    returns = (100 * np.log(close).diff()).dropna().rename("return %")
    phase1 = int((returns.index.year <= 2006).sum())
    real = ewma_chart(returns, alpha, L, phase1=phase1)
    end_phase1 = returns.index[phase1 - 1]
    print(f"S&P 500: target {real.attrs['target']:.3f} %, sigma {real.attrs['sigma']:.3f} % "
          f"(median and median moving range of {phase1} days in 2005-2006).")
    print(f"First signal after phase I: {first_signal(real, after=end_phase1):%Y-%m-%d}; "
          f"signal days in 2007: {int(real.loc['2007', 'signal'].sum())} of {len(real.loc['2007'])}.")

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 7.5))
    draw(ax1, sim, f"Simulated process, 1σ shift at point 100 (α={alpha}, L={L:.3f}, ARL₀={ARL0})", mark=99.5)
    ax1.set_xlabel("point")
    draw(ax2, real.loc["2006-07":], "S&P 500 daily log return (%), limits from 2005–2006", mark=end_phase1)
    ax2.set_xlabel("date")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
