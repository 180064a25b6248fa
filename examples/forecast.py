"""Simple exponential smoothing of the S&P 500: fitted beta, forecasts with intervals.

Runs offline (the S&P 500 daily closes shipped by ``arch``).

    python examples/forecast.py

The fitted beta is statsmodels' smoothing level turned round (beta = 1 - alpha);
the point forecast is the last EWMA, and the intervals widen as
sigma * sqrt(1 + alpha**2 (h - 1)) (ETS(A,N,N)). For a stock index the fitted
beta is close to 0: prices are close to a random walk, so the best level is
(nearly) the last close, and a smoother EMA only adds lag.
"""

import ewmakit
from ewmakit import data, forecast


def main() -> None:
    close = data.sample("sp500")["Close"].loc["2018"]
    res = forecast.fit(close)
    print(res)
    print(f"fitted beta = {res.beta:.4f} (alpha = {res.alpha:.4f}), sigma = {res.sigma2 ** 0.5:.2f} points; "
          f"the last EWMA {ewmakit.ewma(close, res.beta, init=res.initial_level).iloc[-1]:.2f} is every point forecast")
    print("\nNext 5 trading days, 95 % intervals (trading days are irregular, so the index counts steps):")
    print(res.forecast(5).round(2).to_string())
    print("\nThe same with a 20-day EMA's beta and the EWMA started at the first close (no fitting):")
    print(forecast.forecast(close, 5, beta=ewmakit.beta_from_window(20), init="first").round(2).to_string())


if __name__ == "__main__":
    main()
