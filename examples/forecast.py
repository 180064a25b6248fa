"""Simple exponential smoothing of the S&P 500: fitted β, forecasts with intervals.

    python examples/forecast.py [--out DIR]      # prints the fit, writes forecast.png

Runs offline (the S&P 500 daily closes shipped by ``arch``). The fitted β is statsmodels'
smoothing level turned round (β = 1 − α); the point forecast is the last EWMA, and the
intervals widen as σ·√(1 + α²(h − 1)) (ETS(A,N,N)). For a stock index the fitted β is close
to 0: prices are close to a random walk, so the best level is (nearly) the last close, and a
smoother EMA only adds lag.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt

import ewmakit
from ewmakit import data, forecast, plot


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for forecast.png, created if missing (default: ./ewmakit-examples)")
    args = parser.parse_args(argv)
    plot.use_agg()

    close = data.sample("sp500")["Close"].loc["2018"]
    res = forecast.fit(close)
    print(res)
    print(f"fitted beta = {res.beta:.4f} (alpha = {res.alpha:.4f}), sigma = {res.sigma2 ** 0.5:.2f} points; "
          f"the last EWMA {ewmakit.ewma(close, res.beta, init=res.initial_level).iloc[-1]:.2f} is every point forecast")
    ahead = res.forecast(10)
    print("\nNext 5 trading days, 95 % intervals (trading days are irregular, so the index counts steps):")
    print(ahead.head(5).round(2).to_string())
    print("\nThe same with a 20-day EMA's beta and the EWMA started at the first close (no fitting):")
    print(forecast.forecast(close, 5, beta=ewmakit.beta_from_window(20), init="first").round(2).to_string())

    last = close.iloc[-60:]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.plot(range(len(last)), last.to_numpy(), color="0.4", lw=1.2, label="S&P 500 close, last 60 days of 2018")
    h = range(len(last), len(last) + len(ahead))
    ax.plot(h, ahead["mean"], color=plot.PALETTE[0], lw=2, label=f"forecast (β = {res.beta:.3f})")
    ax.fill_between(h, ahead["lower"], ahead["upper"], color=plot.PALETTE[0], alpha=0.2, label="95 % interval")
    ax.set(xlabel="trading day", ylabel="index level (points)", title="Simple exponential smoothing: 10 days ahead")
    ax.legend(loc="upper right")
    ax.grid(True, alpha=0.25)
    out = plot.save(fig, args.out / "forecast.png")
    print(f"wrote {out}")
    return [out]


if __name__ == "__main__":
    main()
