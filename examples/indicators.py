"""Example 8a — MACD, RSI, ATR and RiskMetrics volatility of the S&P 500 (offline sample), printed and plotted.

    python examples/indicators.py [--out DIR]            # writes indicators.png

The S&P 500 from 2007 to 2009 (shipped with ``arch``): EMA(20) and EMA(50)
with their crossings, MACD(12, 26, 9), Wilder's RSI(14) and the RiskMetrics
volatility (β = 0.94, annualised), every one a composition of the one EWMA:

    from ewmakit import data, finance, plot
    prices = data.sample("sp500").loc["2007":"2009"]
    prices["Close"].ewmakit.macd(); prices["Close"].ewmakit.rsi(14); prices.ewmakit.atr(14)
    finance.volatility(finance.log_returns(prices["Close"]), 0.94, annualize=252)
    plot.indicators(prices, volatility=True)

The code is ``ewmakit._demos.demo_indicators`` (also run by ``ewmakit demo``).
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["indicators"], __doc__, Path(__file__).parent))
