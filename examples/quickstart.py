"""Quick start: smooth the S&P 500 with a few β, print a table, save a figure.

Runs offline: the data is the real S&P 500 daily series shipped by ``arch``.

    python examples/quickstart.py            # writes examples/quickstart.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import ewmakit  # noqa: E402  (registers the .ewmakit accessor)
from ewmakit import data  # noqa: E402

BETAS = (0.5, 0.9, 0.98)


def main(out: Path = Path(__file__).with_suffix(".png")) -> Path:
    close = data.sample("sp500")["Close"].loc["2008"]  # the 2008 crash: a year with a lot to smooth
    smoothed = {b: close.ewmakit.smooth(b) for b in BETAS}

    table = close.to_frame("Close")
    for b, s in smoothed.items():
        table[f"β={b} (≈{ewmakit.window_from_beta(b):.0f}-day)"] = s
    print("S&P 500 close and its EWMAs, last five days of 2008:")
    print(table.tail().round(2).to_string())

    fig, ax = plt.subplots(figsize=(10, 5))
    ax.plot(close.index, close, ".", ms=3, color="0.55", label="S&P 500 close")
    colors = ("#0072B2", "#E69F00", "#009E73")  # Okabe-Ito, colour-blind safe
    for (b, s), c in zip(smoothed.items(), colors):
        ax.plot(s.index, s, color=c, lw=1.8, label=f"β={b} (≈{ewmakit.window_from_beta(b):.0f}-day EMA)")
    ax.set_title("S&P 500 in 2008 and its exponentially weighted moving averages")
    ax.set_xlabel("date")
    ax.set_ylabel("index level (points)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
