"""MACD, RSI and RiskMetrics volatility of the S&P 500 (offline sample), printed and plotted.

    python examples/indicators.py            # writes examples/indicators.png
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import ewmakit  # noqa: E402,F401  (registers the .ewmakit accessor)
from ewmakit import data, finance  # noqa: E402


def main(out: Path = Path(__file__).with_suffix(".png")) -> Path:
    prices = data.sample("sp500").loc["2007":"2009"]
    close = prices["Close"]
    macd = close.ewmakit.macd()
    rsi = close.ewmakit.rsi(14)
    vol = finance.volatility(finance.log_returns(close).dropna(), 0.94, annualize=252) * 100
    atr = prices.ewmakit.atr(14)
    crosses = finance.crossover(macd["macd"], macd["signal"])

    table = prices[["Close"]].assign(MACD=macd["macd"], signal=macd["signal"], RSI=rsi, ATR=atr,
                                     **{"vol % (ann.)": vol})
    print("S&P 500 indicators around the 2008 crash (month ends):")
    print(table.resample("ME").last().loc["2008"].round(2).to_string())
    print(f"MACD crossed above its signal {int((crosses == 1).sum())} times, below {int((crosses == -1).sum())} times")

    fig, axes = plt.subplots(4, 1, figsize=(10, 10), sharex=True, height_ratios=[3, 2, 1.5, 1.5])
    axes[0].plot(close.index, close, color="0.3", lw=1, label="close")
    axes[0].plot(close.index, close.ewmakit.ema(20), color="#0072B2", label="EMA(20)")
    axes[0].plot(close.index, close.ewmakit.ema(50), color="#E69F00", label="EMA(50)")
    axes[0].set_ylabel("index level (points)")
    axes[0].set_title("S&P 500, 2007–2009: EMA, MACD, RSI and RiskMetrics volatility")
    axes[0].legend(loc="upper right")
    axes[1].plot(macd.index, macd["macd"], color="#0072B2", label="MACD(12, 26)")
    axes[1].plot(macd.index, macd["signal"], color="#E69F00", label="signal(9)")
    axes[1].bar(macd.index, macd["hist"], color="0.6", width=1.0, label="histogram")
    axes[1].set_ylabel("points")
    axes[1].legend(loc="lower left")
    axes[2].plot(rsi.index, rsi, color="#009E73")
    for level in (30, 70):
        axes[2].axhline(level, color="0.5", ls="--", lw=0.8)
    axes[2].set_ylim(0, 100)
    axes[2].set_ylabel("RSI(14)")
    axes[3].plot(vol.index, vol, color="#D55E00")
    axes[3].set_ylabel("volatility\n(% a year)")
    axes[3].set_xlabel("date")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
