"""ewmakit.backtest: equity, positions and trades equal a plain broker loop written here; vectorbt agrees.

The reference :func:`broker` keeps cash and signed shares and trades them
exactly as a broker statement reads, one row at a time, in plain Python.
vectorbt's ``Portfolio.from_signals(size=np.inf)`` (a test reference only) is
compared with ``execute="close"``, its timing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ewmakit import finance
from ewmakit.backtest import STATS, BacktestResult, backtest

from conftest import reference, require_shared_data

RTOL = 1e-12


# --------------------------------------------------------------------------- the reference: a plain loop


def broker(close, signal, fee=0.0, slippage=0.0, execute="next_close"):
    """Positions, equity and trades of a broker account starting with cash 1.

    Trades: (direction, entry_row, exit_row or None, entry_price, exit_price, return).
    """
    cash, shares = 1.0, 0.0
    position = 0
    value = 1.0
    last_price = None
    positions, equity, trades = [], [], []
    trade = None  # [direction, entry_row, entry_price, equity_at_entry]
    for t in range(len(close)):
        if execute == "close":
            target = int(signal[t])
        else:
            target = int(signal[t - 1]) if t > 0 else 0
        price = close[t]
        if not math.isnan(price):
            if target != position:
                if position == 1:  # sell everything at the bid, pay the fee
                    px = price * (1 - slippage)
                    cash += shares * px - fee * shares * px
                    shares = 0.0
                    trades.append(("long", trade[1], t, trade[2], px, cash / trade[3] - 1))
                elif position == -1:  # buy back everything at the ask, pay the fee
                    px = price * (1 + slippage)
                    cash -= -shares * px + fee * -shares * px
                    shares = 0.0
                    trades.append(("short", trade[1], t, trade[2], px, cash / trade[3] - 1))
                position = 0
                if target == 1 and cash > 0:  # spend all the cash, fee included
                    px = price * (1 + slippage)
                    n = cash / (px * (1 + fee))
                    trade = ["long", t, px, cash]
                    cash -= n * px + fee * n * px
                    shares = n
                    position = 1
                elif target == -1 and cash > 0:  # sell short as many shares as the cash would buy
                    px = price * (1 - slippage)
                    n = cash / (px * (1 + fee))
                    trade = ["short", t, px, cash]
                    cash += n * px - fee * n * px
                    shares = -n
                    position = -1
            value = cash + shares * price
            last_price = price
        positions.append(position)
        equity.append(value)
    if position != 0:
        trades.append((trade[0], trade[1], None, trade[2], last_price, value / trade[3] - 1))
    return np.array(positions), np.array(equity), trades


def reference_stats(equity, positions, trades, ppy=252):
    """The statistics of the docstring, from the reference's equity, in plain numpy/Python."""
    T = len(equity)
    prev = np.r_[1.0, equity[:-1]]
    r = equity / prev - 1
    peak = np.maximum.accumulate(np.r_[1.0, equity])[1:]
    dd = equity / peak - 1
    # the deepest drawdown's rows under water, walking the equity
    worst, length = 0.0, 0
    for t in range(T):
        if dd[t] < worst:
            worst = dd[t]
            p = max([s for s in range(t) if dd[s] == 0.0], default=-1)  # its peak: the last row at a peak
            end = next((s for s in range(t, T) if dd[s] == 0.0), None)
            length = (end - 1 if end is not None else T - 1) - p
    closed = [tr for tr in trades if tr[2] is not None]
    opened = [tr for tr in trades if tr[2] is None]
    sd = r.std(ddof=1)
    return {
        "total_return": equity[-1] - 1,
        "annual_return": equity[-1] ** (ppy / T) - 1,
        "annual_volatility": sd * math.sqrt(ppy),
        "sharpe": r.mean() / sd * math.sqrt(ppy),
        "sortino": r.mean() * ppy / (math.sqrt(np.mean(np.minimum(r, 0) ** 2)) * math.sqrt(ppy)),
        "max_drawdown": dd.min(),
        "max_drawdown_length": length,
        "hit_rate": sum(tr[5] > 0 for tr in closed) / len(closed) if closed else np.nan,
        "trades": len(closed),
        "open_trades": len(opened),
        "open_return": opened[0][5] if opened else np.nan,
        "turnover": np.abs(np.diff(np.r_[0, positions])).sum() * ppy / T,
        "exposure": np.mean(positions != 0),
    }, r, dd


def as_tuples(trades: pd.DataFrame, index) -> list:
    """Our trade list in the reference's form (rows instead of dates)."""
    out = []
    for row in trades.itertuples(index=False):
        entry = index.get_loc(row.entry_date)
        exit_ = None if row.status == "open" else index.get_loc(row.exit_date)
        out.append((row.direction, entry, exit_, row.entry_price, row.exit_price, getattr(row, "_7")))
    return out


def assert_trades_equal(ours: list, ref: list) -> None:
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert a[:3] == b[:3]
        np.testing.assert_allclose(a[3:], b[3:], rtol=RTOL, atol=1e-15)


def walk(n, seed, nan_share=0.0):
    rng = np.random.default_rng(seed)
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
    if nan_share:
        close[rng.random(n) < nan_share] = np.nan
    return pd.Series(close, index=pd.bdate_range("2020-01-01", periods=n), name="W")


def runs(n, seed, values=(0, 1), mean_run=8):
    """A signal of runs (positions held for a while), as a strategy gives."""
    rng = np.random.default_rng(seed)
    out, v = [], 0
    while len(out) < n:
        out += [v] * int(rng.geometric(1 / mean_run))
        v = int(rng.choice([x for x in values if x != v]))
    return np.array(out[:n])


# --------------------------------------------------------------------------- the loop


CASES = [
    pytest.param((0, 1), 0.0, 0.0, id="long-flat"),
    pytest.param((0, 1), 0.001, 0.0, id="long-flat-fee"),
    pytest.param((0, 1), 0.001, 0.0005, id="long-flat-fee-slippage"),
    pytest.param((-1, 0, 1), 0.0, 0.0, id="long-short"),
    pytest.param((-1, 0, 1), 0.002, 0.001, id="long-short-fee-slippage"),
    pytest.param((-1, 1), 0.001, 0.001, id="always-in-reversals"),
]


@pytest.mark.parametrize("execute", ["next_close", "close"])
@pytest.mark.parametrize("values, fee, slippage", CASES)
def test_equals_the_broker_loop(values, fee, slippage, execute):
    close = walk(400, 1)
    signal = pd.Series(runs(400, 2, values), index=close.index)
    res = backtest(close, signal, fee=fee, slippage=slippage, short=-1 in values, execute=execute)
    pos, eq, trades = broker(close.to_numpy(), signal.to_numpy(), fee, slippage, execute)
    np.testing.assert_array_equal(res.positions.to_numpy(), pos)
    np.testing.assert_allclose(res.equity.to_numpy(), eq, rtol=RTOL)
    assert len(trades) > 10
    assert_trades_equal(as_tuples(res.trades, close.index), trades)
    want, r, dd = reference_stats(eq, pos, trades)
    np.testing.assert_allclose(res.returns.to_numpy(), r, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(res.drawdown.to_numpy(), dd, rtol=1e-9, atol=1e-14)
    for name in STATS:
        np.testing.assert_allclose(res.stats[name], want[name], rtol=1e-9, err_msg=name)
    assert isinstance(res.equity, pd.Series) and res.equity.index.equals(close.index)


def test_next_close_trades_one_row_later_than_close():
    close = walk(60, 3)
    signal = pd.Series(runs(60, 4), index=close.index)
    now = backtest(close, signal, execute="close")
    later = backtest(close, signal, execute="next_close")
    np.testing.assert_array_equal(later.positions.to_numpy()[1:], now.positions.to_numpy()[:-1])
    assert later.positions.iloc[0] == 0
    # next_close never uses a signal before the close it is traded at: changing the last signal changes nothing
    flipped = signal.copy()
    flipped.iloc[-1] = 1 - flipped.iloc[-1]
    np.testing.assert_array_equal(backtest(close, flipped).equity.to_numpy(), later.equity.to_numpy())


@pytest.mark.parametrize("execute", ["next_close", "close"])
def test_missing_prices_no_trade_position_carried(execute):
    close = walk(300, 5, nan_share=0.15)
    close.iloc[:3] = np.nan  # leading and trailing gaps too
    close.iloc[-2:] = np.nan
    signal = pd.Series(runs(300, 6, (-1, 0, 1), mean_run=3), index=close.index)
    res = backtest(close, signal, fee=0.001, slippage=0.001, short=True, execute=execute)
    pos, eq, trades = broker(close.to_numpy(), signal.to_numpy(), 0.001, 0.001, execute)
    np.testing.assert_array_equal(res.positions.to_numpy(), pos)
    np.testing.assert_allclose(res.equity.to_numpy(), eq, rtol=RTOL)
    assert_trades_equal(as_tuples(res.trades, close.index), trades)
    missing = close.isna().to_numpy()
    changed = np.r_[False, np.diff(res.positions.to_numpy()) != 0]
    assert not (changed & missing).any()  # no trade on a day without a price
    flat = np.r_[True, missing[1:]]
    assert (res.returns.to_numpy()[missing & flat] == 0).all()  # the equity is kept
    assert res.equity.iloc[0] == 1.0
    entries = res.trades["entry_date"]
    assert close.reindex(entries).notna().all()


def test_open_trade_at_the_end_is_counted_apart():
    close = pd.Series([10.0, 11.0, 12.0, 13.0, 12.0, 15.0], index=pd.bdate_range("2024-01-01", periods=6))
    signal = pd.Series([1, 1, 0, 1, 1, 1], index=close.index)
    res = backtest(close, signal, execute="close")
    t = res.trades
    assert list(t["status"]) == ["closed", "open"]
    assert pd.isna(t["exit_date"].iloc[1]) and t["exit_price"].iloc[1] == 15.0
    np.testing.assert_allclose(t["return"], [12 / 10 - 1, 15 / 13 - 1], rtol=RTOL)
    assert list(t["duration"]) == [2, 2]
    s = res.stats
    assert s["trades"] == 1 and s["open_trades"] == 1 and s["hit_rate"] == 1.0
    np.testing.assert_allclose(s["open_return"], 15 / 13 - 1, rtol=RTOL)
    np.testing.assert_allclose(s["total_return"], 1.2 * 15 / 13 - 1, rtol=RTOL)


def test_hand_computed_fee_and_slippage():
    """One round trip by hand: buy at 100·1.01 paying 0.5%, sell at 110·0.99 paying 0.5%."""
    close = pd.Series([100.0, 110.0, 105.0])
    res = backtest(close, [1, 0, 0], fee=0.005, slippage=0.01, execute="close")
    n = 1 / (101 * 1.005)
    np.testing.assert_allclose(res.equity, [n * 100, n * 108.9 * 0.995, n * 108.9 * 0.995], rtol=RTOL)
    assert res.trades["entry_price"].iloc[0] == 100 * 1.01 and res.trades["exit_price"].iloc[0] == 110 * 0.99
    short = backtest(close, [-1, 0, 0], fee=0.005, slippage=0.01, short=True, execute="close")
    n = 1 / (99 * 1.005)
    cash = 1 + n * 99 * 0.995
    np.testing.assert_allclose(short.equity, [cash - n * 100, cash - n * 111.1 * 1.005,
                                              cash - n * 111.1 * 1.005], rtol=RTOL)


# --------------------------------------------------------------------------- panels, types, groups


def panel(n=250, k=4, seed=7):
    close = pd.DataFrame({f"A{j}": walk(n, seed + j, nan_share=0.05 * (j == 2)).to_numpy() for j in range(k)},
                         index=pd.bdate_range("2021-01-01", periods=n))
    signal = pd.DataFrame({c: runs(n, seed + 10 + j, (-1, 0, 1)) for j, c in enumerate(close.columns)},
                          index=close.index)
    return close, signal


def test_panel_is_each_column_alone():
    close, signal = panel()
    res = backtest(close, signal, fee=0.001, slippage=0.0002, short=True)
    assert isinstance(res.equity, pd.DataFrame) and list(res.equity.columns) == list(close.columns)
    assert list(res.stats.columns) == list(close.columns) and list(res.stats.index) == list(STATS)
    parts = []
    for c in close.columns:
        one = backtest(close[c], signal[c], fee=0.001, slippage=0.0002, short=True)
        pos, eq, trades = broker(close[c].to_numpy(), signal[c].to_numpy(), 0.001, 0.0002)
        np.testing.assert_allclose(res.equity[c].to_numpy(), eq, rtol=RTOL)
        np.testing.assert_array_equal(res.equity[c].to_numpy(), one.equity.to_numpy())
        np.testing.assert_array_equal(res.stats[c].to_numpy(), one.stats.to_numpy())
        assert_trades_equal(as_tuples(res.trades[res.trades["column"] == c], close.index), trades)
        parts.append(one.trades)
    pd.testing.assert_frame_equal(res.trades, pd.concat(parts, ignore_index=True), check_dtype=False)


def test_arrays_and_polars_keep_their_type():
    close, signal = panel(k=3)
    want = backtest(close, signal, short=True)
    arr = backtest(close.to_numpy(), signal.to_numpy(), short=True)
    assert isinstance(arr.equity, np.ndarray) and arr.equity.shape == close.shape
    np.testing.assert_array_equal(arr.equity, want.equity.to_numpy())
    np.testing.assert_array_equal(arr.stats.to_numpy(), want.stats.to_numpy())
    assert list(arr.trades["entry_date"]) == [close.index.get_loc(d) for d in want.trades["entry_date"]]
    one = backtest(close["A0"].to_numpy(), signal["A0"].to_numpy(), short=True)  # 1-D: 1-D, stats a Series
    assert one.equity.ndim == 1 and isinstance(one.stats, pd.Series)
    pl = pytest.importorskip("polars")
    res = backtest(pl.from_pandas(close), pl.from_pandas(signal), short=True)
    assert isinstance(res.equity, pl.DataFrame) and res.equity.columns == list(close.columns)
    np.testing.assert_array_equal(res.equity.to_numpy(), want.equity.to_numpy())
    s = backtest(pl.Series("A1", close["A1"].to_numpy()), pl.Series(signal["A1"].to_numpy()), short=True)
    assert isinstance(s.positions, pl.Series)
    np.testing.assert_array_equal(s.equity.to_numpy(), want.equity["A1"].to_numpy())


def test_signal_columns_in_another_order_are_matched_by_name():
    close, signal = panel(k=3)
    res = backtest(close, signal[["A2", "A0", "A1"]], short=True)
    np.testing.assert_array_equal(res.equity.to_numpy(), backtest(close, signal, short=True).equity.to_numpy())


def test_boolean_signal_is_long_flat():
    close = walk(120, 9)
    fast, slow = finance.ema(close, 5), finance.ema(close, 20)
    as_bool = backtest(close, fast > slow)
    as_int = backtest(close, (fast > slow).astype(int))
    np.testing.assert_array_equal(as_bool.equity.to_numpy(), as_int.equity.to_numpy())


def test_by_groups_each_group_alone():
    close, signal = panel(n=120, k=3)
    long = pd.concat({c: pd.DataFrame({"close": close[c], "signal": signal[c]}) for c in close.columns},
                     names=["ticker", "date"]).reset_index()
    long = long.sample(frac=1.0, random_state=0).sort_values("date", kind="stable")  # interleaved tickers
    long.loc[long.index[5], "ticker"] = None  # a row without a key
    table = long.set_index("date")
    res = backtest(table[["ticker", "close"]], table["signal"].to_numpy(), by="ticker", short=True, fee=0.001)
    assert isinstance(res.equity, pd.Series) and res.equity.name == "close"
    assert list(res.stats.columns) == list(pd.unique(long["ticker"].dropna()))
    keyless = long["ticker"].isna().to_numpy()
    assert np.isnan(res.equity.to_numpy()[keyless]).all() and (res.positions.to_numpy()[keyless] == 0).all()
    for c in close.columns:
        rows = (long["ticker"] == c).to_numpy()
        alone = backtest(table["close"][rows], table["signal"][rows], short=True, fee=0.001)
        np.testing.assert_array_equal(res.equity.to_numpy()[rows], alone.equity.to_numpy())
        np.testing.assert_array_equal(res.returns.to_numpy()[rows], alone.returns.to_numpy())
        np.testing.assert_array_equal(res.stats[c].to_numpy(), alone.stats.to_numpy())
        mine = res.trades[res.trades["ticker"] == c].drop(columns="ticker").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.trades.drop(columns="column"), check_dtype=False)
    # keys as an array, the same result
    again = backtest(table["close"], table["signal"], by=table["ticker"].to_numpy(), short=True, fee=0.001)
    np.testing.assert_array_equal(again.equity.to_numpy(), res.equity.to_numpy())


# --------------------------------------------------------------------------- real data


def spy():
    path = require_shared_data("SPY_daily.csv")
    return pd.read_csv(path, index_col="Date", parse_dates=True)["Close"]


def test_spy_ema_crossover_equals_the_loop():
    close = spy()
    signal = (finance.ema(close, 10) > finance.ema(close, 50)).astype(int)
    for execute in ("next_close", "close"):
        res = backtest(close, signal, fee=0.0005, slippage=0.0005, execute=execute)
        pos, eq, trades = broker(close.to_numpy(), signal.to_numpy(), 0.0005, 0.0005, execute)
        np.testing.assert_allclose(res.equity.to_numpy(), eq, rtol=RTOL)
        assert_trades_equal(as_tuples(res.trades, close.index), trades)
        want, _, _ = reference_stats(eq, pos, trades)
        for name in STATS:
            np.testing.assert_allclose(res.stats[name], want[name], rtol=1e-9, err_msg=name)
        assert res.stats["trades"] > 20
    # crossover gives events, not positions: its +1 rows are the rows where the signal turns on
    events = finance.crossover(finance.ema(close, 10), finance.ema(close, 50))
    turns_on = (signal.diff() == 1).to_numpy()
    assert (events[turns_on].iloc[1:] == 1).all()  # (the first: the slow EMA's first value, no cross)
    assert turns_on[(events == 1).to_numpy()].all()
    assert (signal[(events == -1).to_numpy()] == 0).all()


# --------------------------------------------------------------------------- vectorbt


@pytest.fixture(scope="module")
def vbt():
    vbt = reference("vectorbt")
    vbt.settings.returns["year_freq"] = "252 days"  # annualise over 252 rows of freq 1 day, as we do
    return vbt


def vbt_portfolio(vbt, close, signal, fee, slippage, short):
    s = signal.astype(int)
    if short:
        return vbt.Portfolio.from_signals(close, entries=s == 1, exits=s != 1, short_entries=s == -1,
                                          short_exits=s != -1, size=np.inf, fees=fee, slippage=slippage,
                                          init_cash=1.0, freq="1D")
    return vbt.Portfolio.from_signals(close, entries=s == 1, exits=s != 1, size=np.inf, fees=fee,
                                      slippage=slippage, init_cash=1.0, freq="1D")


VBT_CASES = [
    pytest.param(False, 0.0, 0.0, id="long-flat"),
    pytest.param(False, 0.001, 0.002, id="long-flat-fee-slippage"),
    pytest.param(True, 0.0, 0.0, id="long-short"),
    pytest.param(True, 0.001, 0.002, id="long-short-fee-slippage"),
]


VBT_WARNINGS = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # vectorbt's own use of pandas


@VBT_WARNINGS
@pytest.mark.parametrize("short, fee, slippage", VBT_CASES)
def test_vectorbt_agrees(vbt, short, fee, slippage):
    close, signal = panel(n=500, k=3, seed=21)
    close = close.ffill()  # vectorbt fills orders at NaN prices differently: compared on complete prices
    signal = signal if short else signal.clip(lower=0)
    signal.iloc[0] = 0  # start flat: vectorbt's drawdown starts at row 0's value, ours at the starting equity
    res = backtest(close, signal, fee=fee, slippage=slippage, short=short, execute="close")
    pf = vbt_portfolio(vbt, close, signal, fee, slippage, short)
    np.testing.assert_allclose(res.equity.to_numpy(), pf.value().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(res.returns.to_numpy(), pf.returns().to_numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(res.drawdown.to_numpy(), pf.drawdown().to_numpy(), rtol=1e-10, atol=1e-13)
    # the trades: entry/exit rows, prices, direction, status, return (vectorbt's over the entry value
    # without fees: ours times 1 + fee)
    vt = pf.trades.records_readable
    ours = res.trades
    assert len(vt) == len(ours) > 30
    np.testing.assert_array_equal(vt["Column"].to_numpy(), ours["column"].to_numpy())
    np.testing.assert_array_equal(vt["Entry Timestamp"].to_numpy(), ours["entry_date"].to_numpy())
    closed = (ours["status"] == "closed").to_numpy()
    np.testing.assert_array_equal(vt["Exit Timestamp"].to_numpy()[closed], ours["exit_date"].to_numpy()[closed])
    np.testing.assert_array_equal(vt["Status"].str.lower().to_numpy(), ours["status"].astype(str).to_numpy())
    np.testing.assert_array_equal(vt["Direction"].str.lower().to_numpy(), ours["direction"].astype(str).to_numpy())
    np.testing.assert_allclose(vt["Avg Entry Price"], ours["entry_price"], rtol=1e-12)
    np.testing.assert_allclose(vt["Avg Exit Price"], ours["exit_price"], rtol=1e-12)
    np.testing.assert_allclose(vt["Return"], ours["return"] * (1 + fee), rtol=1e-10, atol=1e-13)
    # the statistics both define the same way
    st = res.stats
    np.testing.assert_allclose(st.loc["total_return"], pf.total_return().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(st.loc["annual_return"], pf.annualized_return().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(st.loc["annual_volatility"], pf.annualized_volatility().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(st.loc["sharpe"], pf.sharpe_ratio().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(st.loc["sortino"], pf.sortino_ratio().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(st.loc["max_drawdown"], pf.max_drawdown().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(st.loc["hit_rate"], pf.trades.closed.win_rate().to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(st.loc["trades"], pf.trades.closed.count().to_numpy())
    np.testing.assert_array_equal(st.loc["open_trades"], pf.trades.open.count().to_numpy())
    # the deepest drawdown's length: vectorbt's duration of that drawdown record
    dd = pf.drawdowns.records_readable
    for j, c in enumerate(close.columns):
        mine = dd[dd["Column"] == c]
        depth = (mine["Valley Value"] / mine["Peak Value"] - 1).to_numpy()
        deepest = mine.iloc[int(np.argmin(depth))]
        durations = pf.drawdowns.duration.values[(pf.drawdowns.col_arr == j)]
        assert st.loc["max_drawdown_length", c] == durations[int(np.argmin(depth))], (c, deepest)


@VBT_WARNINGS
def test_vectorbt_agrees_on_spy(vbt):
    close = spy()
    signal = (finance.ema(close, 10) > finance.ema(close, 50)).astype(int)
    res = backtest(close, signal, fee=0.001, slippage=0.0005, execute="close")
    pf = vbt_portfolio(vbt, close, signal, 0.001, 0.0005, False)
    np.testing.assert_allclose(res.equity.to_numpy(), pf.value().to_numpy(), rtol=1e-10)
    for ours, theirs in [("total_return", pf.total_return()), ("sharpe", pf.sharpe_ratio()),
                         ("sortino", pf.sortino_ratio()), ("max_drawdown", pf.max_drawdown()),
                         ("annual_volatility", pf.annualized_volatility())]:
        np.testing.assert_allclose(res.stats[ours], theirs, rtol=1e-10, err_msg=ours)
    assert res.stats["trades"] == pf.trades.closed.count()


# --------------------------------------------------------------------------- bad input


def test_bad_input_names_the_argument():
    close = walk(20, 11)
    sig = pd.Series(np.ones(20, dtype=int), index=close.index)
    cases = [
        (dict(fee=-0.001), ValueError, r"fee must be in \[0, 1\).*-0.001"),
        (dict(fee=1.5), ValueError, r"fee must be in \[0, 1\).*1.5"),
        (dict(slippage=-1e-4), ValueError, r"slippage must be in \[0, 1\).*-0.0001"),
        (dict(slippage=float("nan")), ValueError, r"slippage must be in \[0, 1\)"),
        (dict(fee="0.1"), TypeError, r"fee must be a real number"),
        (dict(periods_per_year=0), ValueError, r"periods_per_year must be > 0.*got 0"),
        (dict(periods_per_year=-252), ValueError, r"periods_per_year must be > 0.*-252"),
        (dict(execute="open"), ValueError, r"execute must be 'next_close' or 'close', got 'open'"),
        (dict(short=1), TypeError, r"short must be True or False, got 1"),
    ]
    for kwargs, exc, match in cases:
        with pytest.raises(exc, match=match):
            backtest(close, sig, **kwargs)


def test_bad_signal_values():
    close = walk(20, 12)
    bad = pd.Series(np.zeros(20), index=close.index)
    bad.iloc[7] = 2
    with pytest.raises(ValueError, match=r"signal must hold target positions 0 or 1 \(-1 with short=True\), "
                                         r"got 2.0 at Timestamp\('2020-01-10 00:00:00'\) \(row 7\)"):
        backtest(close, bad)
    bad.iloc[7] = 0.5
    with pytest.raises(ValueError, match=r"-1, 0 or 1, got 0.5 at .*row 7"):
        backtest(close, bad, short=True)
    bad.iloc[7] = -1
    with pytest.raises(ValueError, match=r"signal holds -1 .* at .*row 7.*short=True"):
        backtest(close, bad)
    assert backtest(close, bad, short=True).positions.min() == -1
    bad.iloc[7] = np.nan
    with pytest.raises(ValueError, match=r"got nan at .*row 7.*fillna"):
        backtest(close, bad)
    with pytest.raises(TypeError, match="signal"):
        backtest(close, pd.Series(["long"] * 20, index=close.index))


def test_bad_prices_and_shapes():
    close = walk(20, 13)
    sig = pd.Series(np.ones(20, dtype=int), index=close.index)
    for value in (0.0, -3.0, np.inf):
        c = close.copy()
        c.iloc[4] = value
        with pytest.raises(ValueError, match=r"close must be > 0 and finite .*row 4"):
            backtest(c, sig)
    panel_close, panel_signal = panel(n=30, k=3)
    panel_close.iloc[9, 2] = -1
    with pytest.raises(ValueError, match=r"close must be > 0 .*row 9.*column 'A2'"):
        backtest(panel_close, panel_signal.clip(lower=0))
    with pytest.raises(ValueError, match="must share one index"):
        backtest(close, sig.shift(1, freq="D"))
    with pytest.raises(ValueError, match=r"signal must have close's shape \(20, 1\).*\(19, 1\)"):
        backtest(close.to_numpy(), sig.to_numpy()[:19])
    with pytest.raises(ValueError, match=r"signal must have close's shape \(30, 3\).*\(30, 2\)"):
        backtest(panel_close.abs(), panel_signal.iloc[:, :2].to_numpy())
    with pytest.raises(ValueError, match=r"signal's columns must be close's columns"):
        backtest(panel_close.abs(), panel_signal.set_axis(["x", "y", "z"], axis=1).clip(lower=0))


def test_empty_and_flat():
    res = backtest(np.empty(0), np.empty(0))
    assert res.equity.shape == (0,) and len(res.trades) == 0 and np.isnan(res.stats["total_return"])
    flat = backtest(walk(30, 14), np.zeros(30))
    assert (flat.equity == 1.0).all() and len(flat.trades) == 0
    assert flat.stats["max_drawdown"] == 0 and flat.stats["max_drawdown_length"] == 0
    assert flat.stats["trades"] == 0 and np.isnan(flat.stats["hit_rate"]) and flat.stats["exposure"] == 0


def test_repr_and_html():
    close = walk(200, 15)
    res = backtest(close, runs(200, 16), fee=0.001)
    text = repr(res)
    assert text.startswith("Backtest of 1 series, 200 rows: long/flat, execute='next_close', fee=0.001")
    assert f"{res.stats['sharpe']:.6g}" in text and "trades" in text
    html = res._repr_html_()
    assert "<table" in html and "sharpe" in html and f"{res.stats['sharpe']:.6g}" in html
    close_p, signal_p = panel(k=3)
    text = repr(backtest(close_p, signal_p.clip(lower=0)))
    assert "3 series" in text and "median over the 3 series" in text
    assert isinstance(res, BacktestResult)
    with pytest.raises(AttributeError):
        res.fee = 0.5  # frozen


# --------------------------------------------------------------------------- the kernel's paths


def test_threads_and_a_trade_list_longer_than_first_guessed():
    """A wide panel (column ranges on every thread) whose signals flip every row: more trades than the first
    buffer holds, so the kernel runs again with room for them; every column equals the loop."""
    from ewmakit._engine import config, threads

    T, N = 40, max(2 * config.columns_per_thread * threads(), 600)
    rng = np.random.default_rng(31)
    close = 20 * np.exp(np.cumsum(rng.normal(0, 0.01, (T, N)), axis=0))
    signal = np.where(rng.random((T, N)) < 0.5, -1, 1)
    signal[:, : N // 2] = np.where(np.arange(T) % 2, -1, 1)[:, None]  # a reversal on every row
    res = backtest(close, signal, fee=0.001, short=True, execute="close")
    assert len(res.trades) > T * N // 16  # the first guess of the kernel's trade buffer
    for j in (0, 1, N // 2 - 1, N // 2, N - 1):
        pos, eq, trades = broker(close[:, j], signal[:, j], 0.001, 0.0, "close")
        np.testing.assert_allclose(res.equity[:, j], eq, rtol=RTOL)
        mine = res.trades[res.trades["column"] == j]
        ours = [(r.direction, r.entry_date, None if r.status == "open" else r.exit_date, r.entry_price,
                 r.exit_price, getattr(r, "_7")) for r in mine.itertuples(index=False)]
        assert_trades_equal(ours, trades)
    assert (res.trades["column"].diff().dropna() >= 0).all()  # column order, then time order
    alone = backtest(close[:, :7], signal[:, :7], fee=0.001, short=True, execute="close")  # one thread
    np.testing.assert_array_equal(alone.equity, res.equity[:, :7])
    np.testing.assert_array_equal(alone.stats.to_numpy(), res.stats.iloc[:, :7].to_numpy())


def test_the_compiled_kernel_refuses_sizes_that_disagree():
    from ewmakit._engine import _backtest

    T, N, K = 5, 3, 13
    c = np.ones((T, N), order="F")
    s = np.zeros((T, N), order="F")

    def call(**change):
        args = dict(close=c, signal=s, fee=0.0, slippage=0.0, short=False, next_close=True, ppy=252.0,
                    positions=np.zeros((T, N), np.int8, order="F"), equity=np.empty((T, N), order="F"),
                    returns=np.empty((T, N), order="F"), drawdown=np.empty((T, N), order="F"),
                    stats=np.empty((K, N)), col=np.empty(8, np.int64), entry=np.empty(8, np.int64),
                    exit=np.empty(8, np.int64), side=np.empty(8, np.int8), entry_price=np.empty(8),
                    exit_price=np.empty(8), ret=np.empty(8), bounds=np.array([0, N], np.int64),
                    counts=np.zeros(1, np.int64), errors=np.zeros((1, 3), np.int64))
        args.update(change)
        return _backtest.backtest(*args.values())

    assert call() == 0
    with pytest.raises(ValueError, match=r"backtest: signal holds 4 values, close has 5"):
        call(signal=np.zeros((4, N), order="F"))
    with pytest.raises(ValueError, match=r"backtest: equity's columns holds 2 values, close has 3"):
        call(equity=np.empty((T, 2), order="F"))
    with pytest.raises(ValueError, match=r"backtest: stats holds 12 values, the statistics are 13"):
        call(stats=np.empty((12, N)))
    with pytest.raises(ValueError, match=r"backtest: ret holds 7 values, col has 8"):
        call(ret=np.empty(7))
    with pytest.raises(ValueError, match=r"bounds must run from 0 to 3"):
        call(bounds=np.array([0, 2], np.int64))
    with pytest.raises(ValueError, match=r"bounds must not decrease"):
        call(bounds=np.array([0, 3, 2, 3], np.int64), counts=np.zeros(3, np.int64),
             errors=np.zeros((3, 3), np.int64))


def test_a_ruined_account_opens_nothing_more():
    """A short through a tripling price loses more than the equity: the account stays flat afterwards."""
    close = pd.Series([10.0, 20.0, 30.0, 31.0, 32.0, 33.0])
    signal = [-1, -1, 0, 1, 1, 1]
    res = backtest(close, signal, short=True, execute="close")
    pos, eq, trades = broker(close.to_numpy(), signal, 0.0, 0.0, "close")
    np.testing.assert_allclose(res.equity.to_numpy(), eq, rtol=RTOL)
    assert res.equity.iloc[2] == pytest.approx(2 - 3)  # cash 2, buy back 0.1 share at 30
    assert list(res.positions) == [-1, -1, 0, 0, 0, 0] == list(pos)
    assert len(res.trades) == 1 and res.trades["return"].iloc[0] == pytest.approx(-2.0)
