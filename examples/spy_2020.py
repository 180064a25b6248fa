"""Example 1 — SPY 2020 daily closes as a scatter, then with EWMAs at β = 0.5, 0.9, 0.95.

    python examples/spy_2020.py [--out DIR] [--offline]   # writes spy_scatter.png, spy_ewma.png

Online it downloads SPY 2020 with yfinance (through the ewmakit cache); offline
it uses the cache if it holds SPY, else the S&P 500 sample of 2008 shipped with
``arch``, and prints which. The heart of it:

    from ewmakit import data, plot
    spy = data.download("SPY", "2020-01-01", "2021-01-01")       # end exclusive
    plot.smoothing(spy["Close"], betas=())                        # the points alone
    plot.smoothing(spy["Close"], betas=(0.5, 0.9, 0.95))          # "β=0.9 (≈19-day)" ...
    spy["Close"].ewmakit.plot(betas=(0.5, 0.9, 0.95))             # the same, from the accessor

β = 0.5 hugs the prices (an average of about 3 days), β = 0.95 (≈39-day) is
smooth but late: in the March 2020 crash it stays far above the prices for
weeks. The code is ``ewmakit._demos.demo_spy`` (also run by ``ewmakit demo``).
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["spy"], __doc__, Path(__file__).parent))
