"""Quick start: smooth the S&P 500 with a few β, print a table, save a figure.

    python examples/quickstart.py [--out DIR]      # writes quickstart.png

Runs offline: the data is the real S&P 500 daily series shipped by ``arch``. The legend reads
each β two ways: β = 0.9 averages about 1/(1 − β) = 10 days and is the 19-day EMA (span
2/(1 − β) − 1).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import ewmakit  # noqa: F401  (registers the .ewmakit accessor)
from ewmakit import data, plot

BETAS = (0.5, 0.9, 0.98)


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for quickstart.png, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()  # draw off screen: this script only writes a file

    close = data.sample("sp500")["Close"].loc["2008"]  # the 2008 crash: a year with a lot to smooth
    table = close.to_frame("Close")
    for b in BETAS:
        table[plot.beta_label(b)] = close.ewmakit.smooth(b)
    print("S&P 500 close and its EWMAs, last five days of 2008:")
    print(table.tail().round(2).to_string())

    ax = close.rename("S&P 500 daily close").ewmakit.plot(
        betas=BETAS, ylabel="index level (points)",
        title="S&P 500 in 2008 and its exponentially weighted moving averages")
    out = plot.save(ax, args.out / "quickstart.png")
    print(f"wrote {out}")
    return [out]


if __name__ == "__main__":
    main()
