"""SPY in 2020 and its EWMAs at β = 0.5, 0.9 and 0.95.

    python examples/spy_2020.py [--out DIR] [--offline]   # writes spy_scatter.png and spy_ewma.png

The daily closes of SPY in 2020 (the COVID crash and the rebound), first as points, then
with three exponentially weighted moving averages v_t = β·v_(t−1) + (1−β)·x_t.

How to read β: the EWMA averages about 1/(1 − β) points (β = 0.9: about 10 days), and it is
the n-period EMA of span n = 2/(1 − β) − 1 (β = 0.9: the 19-day EMA). The legends say both.
β = 0.5 hugs the prices; β = 0.95 is smooth but late: in March 2020 it stays far above the
prices for weeks.

SPY comes from the ewmakit cache, else from yfinance (online); without either (``--offline``,
no network) the script uses the S&P 500 of 2008 shipped with ``arch`` and says so.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path
from typing import NamedTuple

import pandas as pd

import ewmakit  # noqa: F401  (registers the .ewmakit accessor)
from ewmakit import data, plot

BETAS = (0.5, 0.9, 0.95)


class Prices(NamedTuple):
    frame: pd.DataFrame  # daily OHLCV
    name: str            # "SPY" or "S&P 500"
    period: str          # "2020" or "2008"
    ylabel: str          # with units
    source: str          # one line for the reader


def load_spy_2020(offline: bool = False) -> Prices:
    """SPY's 2020 daily prices: the ewmakit cache, else yfinance, else the S&P 500 sample of 2008."""
    offline = offline or os.environ.get("EWMAKIT_OFFLINE", "").lower() in ("1", "true", "yes", "on")
    folder = data.cache_folder()
    label = "SPY close, dividend-adjusted (USD)"

    def fetch(cache_only: bool):
        with warnings.catch_warnings(record=True) as caught:  # a cache lacking dates warns
            warnings.simplefilter("always")
            frame = data.download("SPY", "2020-01-01", "2021-01-01", offline=cache_only, progress=False)
        return frame, any("lacks" in str(w.message) for w in caught)

    partial, reason = None, None
    try:
        frame, gaps = fetch(cache_only=True)  # the cache first: no network when it holds 2020
    except (data.DataError, ImportError, OSError):
        pass
    else:
        if not gaps:
            return Prices(frame, "SPY", "2020", label, f"SPY 2020 from the ewmakit cache in {folder}")
        partial = frame
    if not offline:
        try:
            frame, _ = fetch(cache_only=False)
        except (data.DataError, ImportError, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        else:
            return Prices(frame, "SPY", "2020", label, f"SPY 2020 from yfinance (cached in {folder})")
    if partial is not None:
        return Prices(partial, "SPY", "2020", label, f"SPY 2020 from the ewmakit cache in {folder} "
                                                     f"({len(partial)} days: the cache lacks part of 2020)")
    why = "offline and SPY is not cached" if offline else f"SPY could not be downloaded ({reason})"
    return Prices(data.sample("sp500").loc["2008"], "S&P 500", "2008", "S&P 500 index level (points)",
                  f"S&P 500 index 2008 from the offline sample ({why}; "
                  "`ewmakit download SPY --start 2020-01-01` caches it)")


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figures, created if missing (default: ./ewmakit-examples)")
    parser.add_argument("--offline", action="store_true", help="never use the network (also EWMAKIT_OFFLINE=1)")
    args = parser.parse_args(argv)
    plot.use_agg()  # draw off screen: this script writes files

    spy = load_spy_2020(args.offline)
    print(f"data: {spy.source}")
    close = spy.frame["Close"].rename(f"{spy.name} daily close")
    table = close.to_frame()
    for b in BETAS:
        table[plot.beta_label(b)] = close.ewmakit.smooth(b)
    print(f"{spy.name} {spy.period}: the close and its EWMAs, last five days")
    print(table.tail().round(2).to_string())

    written = []
    ax = plot.smoothing(close, betas=(), ylabel=spy.ylabel, title=f"{spy.name} daily closes, {spy.period}")
    written.append(plot.save(ax, args.out / "spy_scatter.png"))
    ax = plot.smoothing(close, betas=BETAS, ylabel=spy.ylabel,
                        title=f"{spy.name} {spy.period}: daily closes and EWMAs v_t = β·v_(t−1) + (1−β)·x_t")
    written.append(plot.save(ax, args.out / "spy_ewma.png"))
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
