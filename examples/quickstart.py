"""Quick start: smooth the S&P 500 with a few β, print a table, save a figure.

Runs offline: the data is the real S&P 500 daily series shipped by ``arch``.

    python examples/quickstart.py            # writes examples/quickstart.png
    python examples/quickstart.py --out DIR  # ... or DIR/quickstart.png
"""

import argparse
from pathlib import Path

import ewmakit  # registers the .ewmakit accessor
from ewmakit import data, plot

BETAS = (0.5, 0.9, 0.98)


def main(out: Path = Path(__file__).with_suffix(".png")) -> Path:
    close = data.sample("sp500")["Close"].loc["2008"]  # the 2008 crash: a year with a lot to smooth

    table = close.to_frame("Close")
    for b in BETAS:
        table[f"β={b} (≈{ewmakit.window_from_beta(b):.0f}-day)"] = close.ewmakit.smooth(b)
    print("S&P 500 close and its EWMAs, last five days of 2008:")
    print(table.tail().round(2).to_string())

    plot.use_agg()  # draw off screen: this script only writes a file
    ax = close.rename("S&P 500 close").ewmakit.plot(
        betas=BETAS, ylabel="index level (points)",
        title="S&P 500 in 2008 and its exponentially weighted moving averages")
    plot.save(ax, out)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="folder for quickstart.png (default: next to this script)")
    args = parser.parse_args()
    main(Path(__file__).with_suffix(".png") if args.out is None else args.out / "quickstart.png")
