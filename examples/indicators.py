"""MACD, RSI, ATR and RiskMetrics volatility of the S&P 500 around the 2008 crash.

    python examples/indicators.py [--out DIR]            # writes indicators.png

The S&P 500 from 2007 to 2009 (shipped with ``arch``, offline): EMA(20) and EMA(50) with their
crossings, MACD(12, 26, 9), Wilder's RSI(14), ATR(14) and the RiskMetrics volatility
(β = 0.94, annualised), every one a composition of the one EWMA.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import ewmakit  # noqa: F401  (registers the .ewmakit accessor)
from ewmakit import data, finance, plot


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figure, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()

    prices = data.sample("sp500").loc["2007":"2009"]
    close = prices["Close"].rename("S&P 500")
    macd = close.ewmakit.macd()
    vol = finance.volatility(finance.log_returns(close), 0.94, annualize=252) * 100
    table = prices[["Close"]].assign(MACD=macd["macd"], signal=macd["signal"], RSI=close.ewmakit.rsi(14),
                                     ATR=prices.ewmakit.atr(14), **{"vol % (ann.)": vol})
    crosses = finance.crossover(macd["macd"], macd["signal"])
    print("S&P 500 indicators around the 2008 crash (month ends, offline sample):")
    print(table.resample("ME").last().loc["2008"].round(2).to_string())
    print(f"MACD crossed above its signal {int(np.sum(crosses == 1))} times, "
          f"below {int(np.sum(crosses == -1))} times in 2007–2009.")
    fig = plot.indicators(prices.assign(Close=close), volatility=True, ylabel="index level (points)",
                          title="S&P 500, 2007–2009: EMAs, MACD, RSI and RiskMetrics volatility")
    out = plot.save(fig, args.out / "indicators.png", dpi=100)
    print(f"wrote {out}")
    return [out]


if __name__ == "__main__":
    main()
