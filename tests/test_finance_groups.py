"""ewmakit.finance on long tables (``by=``), polars, OHLC as users name it, result names, the price guard.

Every grouped result is checked bit for bit against the same indicator computed on each group's rows alone
(and, for EMA, MACD, RSI and ATR, against TA-Lib per group), on real prices: five ETFs 2005-2026 in one long
table, rows shuffled, some keys missing.
"""

from __future__ import annotations

import glob
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import reference, require_shared_data

import ewmakit  # noqa: F401  (accessor)
from ewmakit import finance as F
from ewmakit.data import read_csv

talib = reference("talib")

TICKERS = ("SPY", "QQQ", "GLD", "TLT", "IWM")


def _frame(name):
    return read_csv(require_shared_data(name))


@pytest.fixture(scope="module")
def spy():
    return _frame("SPY_daily.csv")


@pytest.fixture(scope="module")
def tsla():
    return _frame("TSLA_daily.csv")


def _long(keep_dates_in_order: bool) -> pd.DataFrame:
    parts = []
    for k, t in enumerate(TICKERS):
        f = _frame(f"panel_2005_2026/{t}.csv").iloc[: 5366 - 700 * k]  # 5366, 4666, ... rows
        parts.append(pd.DataFrame({"date": f.index, "ticker": t, "venue": "ARCA" if k % 2 else "NASDAQ",
                                   "open": f["Open"].to_numpy(), "high": f["High"].to_numpy(),
                                   "low": f["Low"].to_numpy(), "close": f["Close"].to_numpy()}))
    df = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(15)
    order = rng.permutation(len(df))
    if keep_dates_in_order:  # the tickers' rows interleaved at random, each ticker's dates still in order
        slots = rng.permutation(df["ticker"].to_numpy())  # which ticker each row of the table holds
        order = np.empty(len(df), dtype=np.int64)
        for t in TICKERS:
            order[slots == t] = np.flatnonzero(df["ticker"].to_numpy() == t)
    df = df.iloc[order].reset_index(drop=True)
    df.loc[rng.choice(len(df), 25, replace=False), "ticker"] = None
    df.loc[rng.choice(len(df), 10, replace=False), "close"] = np.nan
    return df


@pytest.fixture(scope="module")
def long():
    """Five tickers' OHLC in one long table: groups of different lengths, their rows interleaved at random
    (each ticker's dates in order), 25 keys missing, a few NaN closes, and a second key column (``venue``) that
    splits no ticker."""
    return _long(True)


@pytest.fixture(scope="module")
def shuffled():
    """The same rows in a random order (each group is then taken in that order, as pandas groupby does)."""
    return _long(False)


def _groups(df):
    """(rows of the group in input order, the group's rows as a frame) per ticker."""
    return [(g.index.to_numpy(), g) for _, g in df.groupby("ticker", sort=False)]


def _missing(df):
    return df["ticker"].isna().to_numpy()


def assert_bits(actual, expected):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(actual, expected)  # NaN == NaN here; no tolerance


def assert_close(actual, expected, rtol=1e-10, atol=0.0):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg="NaN pattern differs")
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)


# --------------------------------------------------------------------------- by= equals each group alone

# name -> (grouped call on the long table with by, the same indicator on one group's rows alone)
ONE_COLUMN = {
    "ema": (lambda df, by: F.ema(df, 20, by=by, columns="close"),
            lambda g: F.ema(g["close"].to_numpy(), 20)),
    "ema-first": (lambda df, by: F.ema(df, 20, by=by, columns="close", seed="first"),
                  lambda g: F.ema(g["close"].to_numpy(), 20, seed="first")),
    "macd": (lambda df, by: F.macd(df, by=by, columns="close"),
             lambda g: F.macd(g["close"].to_numpy())),
    "rsi": (lambda df, by: F.rsi(df, 14, by=by, columns="close"),
            lambda g: F.rsi(g["close"].to_numpy(), 14)),
    "rsi-first": (lambda df, by: F.rsi(df, 14, by=by, columns="close", seed="first"),
                  lambda g: F.rsi(g["close"].to_numpy(), 14, seed="first")),
    "atr": (lambda df, by: F.atr(df, 14, by=by),
            lambda g: F.atr(g["high"].to_numpy(), g["low"].to_numpy(), g["close"].to_numpy(), 14)),
    "atr-first": (lambda df, by: F.atr(df, 14, by=by, seed="first"),
                  lambda g: F.atr(g["high"].to_numpy(), g["low"].to_numpy(), g["close"].to_numpy(), 14,
                                  seed="first")),
    "log_returns": (lambda df, by: F.log_returns(df, by=by, columns="close"),
                    lambda g: F.log_returns(g["close"].to_numpy())),
    "volatility": (lambda df, by: F.volatility(df.assign(r=df["close"] / df["open"] - 1), by=by, columns="r"),
                   lambda g: F.volatility((g["close"] / g["open"] - 1).to_numpy())),
    "crossover": (lambda df, by: F.crossover(F.ema(df, 5, by=by, columns="close", seed="first"),
                                             F.ema(df, 20, by=by, columns="close", seed="first"), by=by
                                             if not isinstance(by, (str, list)) else df["ticker"].to_numpy()),
                  lambda g: F.crossover(F.ema(g["close"].to_numpy(), 5, seed="first"),
                                        F.ema(g["close"].to_numpy(), 20, seed="first"))),
}


def _by(df, form):
    return {"name": "ticker", "names": ["ticker", "venue"], "array": df["ticker"].to_numpy()}[form]


@pytest.mark.parametrize("table", ["long", "shuffled"])
@pytest.mark.parametrize("form", ["name", "names", "array"])
@pytest.mark.parametrize("name", list(ONE_COLUMN))
def test_by_equals_each_group_alone_bit_for_bit(name, form, table, request):
    long = request.getfixturevalue(table)
    grouped, alone = ONE_COLUMN[name]
    out = grouped(long, _by(long, form))
    values = np.asarray(out, dtype=float).reshape(len(long), -1)
    assert len(_groups(long)) == len(TICKERS)
    for rows, g in _groups(long):
        expected = np.asarray(alone(g), dtype=float).reshape(len(g), -1)
        assert_bits(values[rows], expected)
        assert np.isfinite(expected).sum() > 0.5 * expected.size  # the comparison is not NaN against NaN
    missing = values[_missing(long)]
    if name == "crossover":
        assert (missing == 0).all()
    else:
        assert np.isnan(missing).all()  # a row whose key is missing belongs to no group


def test_by_several_value_columns_equal_each_column_alone(long):
    cols = ["close", "open"]
    ema = F.ema(long, 10, by="ticker", columns=cols)
    rsi = F.rsi(long, 9, by="ticker", columns=cols)
    macd = F.macd(long, 5, 13, 4, by="ticker", columns=cols)
    assert list(ema.columns) == cols and list(rsi.columns) == cols and ema.index.equals(long.index)
    assert list(macd.columns) == [(f, c) for f in ("macd", "signal", "hist") for c in cols]
    for rows, g in _groups(long):
        for c in cols:
            assert_bits(ema[c].to_numpy()[rows], F.ema(g[c].to_numpy(), 10))
            assert_bits(rsi[c].to_numpy()[rows], F.rsi(g[c].to_numpy(), 9))
            alone = F.macd(g[c].to_numpy(), 5, 13, 4)
            for f in ("macd", "signal", "hist"):
                assert_bits(macd[(f, c)].to_numpy()[rows], alone[f].to_numpy())


def test_by_equals_talib_per_group(long):
    ema, rsi, atr = F.ema(long, 30, by="ticker", columns="close"), F.rsi(long, 14, by="ticker", columns="close"), \
        F.atr(long, 14, by="ticker")
    macd = F.macd(long, by="ticker", columns="close")
    for rows, g in _groups(long):
        assert g["date"].is_monotonic_increasing and not (np.diff(rows) == 1).all()  # in order, interleaved
        c = g["close"].dropna()  # TA-Lib has no NaN policy: compare on the groups' complete rows
        sub = rows[g["close"].notna().to_numpy()]
        alone = long.loc[sub]
        e = F.ema(alone, 30, by="ticker", columns="close")
        assert_close(e, talib.EMA(c.to_numpy(), 30))
        assert_close(F.rsi(alone, 14, by="ticker", columns="close"), talib.RSI(c.to_numpy(), 14), atol=1e-10)
        h, lo = alone["high"].to_numpy(), alone["low"].to_numpy()
        assert_close(F.atr(alone, 14, by="ticker"), talib.ATR(h, lo, c.to_numpy(), 14))
        ref = talib.MACD(c.to_numpy(), 12, 26, 9)
        m = F.macd(alone, by="ticker", columns="close")
        for col, r in zip(("macd", "signal", "hist"), ref):
            np.testing.assert_allclose(m[col].to_numpy()[200:], r[200:], rtol=1e-7, atol=1e-7)
        # the whole table (NaN closes in it) agrees with TA-Lib up to the group's first NaN close
        first_nan = np.flatnonzero(g["close"].isna().to_numpy())
        stop = first_nan[0] if first_nan.size else len(g)
        if stop > 60:
            head = g["close"].to_numpy()[:stop]
            assert_close(ema.to_numpy()[rows][:stop], talib.EMA(head, 30))
            assert_close(rsi.to_numpy()[rows][:stop], talib.RSI(head, 14), atol=1e-10)
            assert_close(atr.to_numpy()[rows][:stop],
                         talib.ATR(g["high"].to_numpy()[:stop], g["low"].to_numpy()[:stop], head, 14))
            np.testing.assert_allclose(macd["macd"].to_numpy()[rows][200:stop],
                                       talib.MACD(head, 12, 26, 9)[0][200:], rtol=1e-7, atol=1e-7)


def test_by_on_separate_high_low_close_series(long):
    keys = long["ticker"].to_numpy()
    out = F.atr(long["high"], long["low"], long["close"], 10, by=keys)
    assert isinstance(out, pd.Series) and out.name == "atr_10" and out.index.equals(long.index)
    assert_bits(out, F.atr(long, 10, by="ticker"))


def test_accessor_finance_methods_pass_by_and_columns(long):
    assert_bits(long.ewmakit.ema(20, by="ticker", columns="close"), F.ema(long, 20, by="ticker", columns="close"))
    assert_bits(long.ewmakit.rsi(by="ticker", columns="close"), F.rsi(long, by="ticker", columns="close"))
    assert_bits(long.ewmakit.macd(by="ticker", columns="close"), F.macd(long, by="ticker", columns="close"))
    assert_bits(long.ewmakit.atr(7, by="ticker"), F.atr(long, 7, by="ticker"))
    r = long.assign(r=long["close"] / long["open"] - 1)
    assert_bits(r.ewmakit.volatility(by="ticker", columns="r"), F.volatility(r, by="ticker", columns="r"))
    assert_bits(long.ewmakit.log_returns(by="ticker", columns="close"),
                F.log_returns(long, by="ticker", columns="close"))
    keys = long["ticker"]
    e5, e20 = long["close"].ewmakit.ema(5, by=keys), long["close"].ewmakit.ema(20, by=keys)
    for rows, g in _groups(long):
        assert_bits(e5.to_numpy()[rows], F.ema(g["close"].to_numpy(), 5))
    assert_bits(e5.ewmakit.crossover(e20, by=keys), F.crossover(e5, e20, by=keys.to_numpy()))


# --------------------------------------------------------------------------- polars in, polars out


def test_polars_in_polars_out(long):
    pl = pytest.importorskip("polars")
    p = pl.from_pandas(long)
    for name, call, expected in [
        ("ema_20", lambda x: F.ema(x, 20, by="ticker", columns="close"), F.ema(long, 20, by="ticker", columns="close")),
        ("rsi_14", lambda x: F.rsi(x, by="ticker", columns="close"), F.rsi(long, by="ticker", columns="close")),
        ("atr_14", lambda x: F.atr(x, by="ticker"), F.atr(long, by="ticker")),
        ("close", lambda x: F.log_returns(x, by="ticker", columns="close"),
         F.log_returns(long, by="ticker", columns="close")),
    ]:
        out = call(p)
        assert isinstance(out, pl.Series) and out.name == name
        assert_bits(out.to_numpy(), expected.to_numpy())
    m = F.macd(p, by="ticker", columns="close")
    assert isinstance(m, pl.DataFrame) and m.columns == ["macd", "signal", "hist"]
    assert_bits(m.to_numpy(), F.macd(long, by="ticker", columns="close").to_numpy())
    wide = F.ema(p, 10, by="ticker", columns=["close", "open"])
    assert isinstance(wide, pl.DataFrame) and wide.columns == ["close", "open"]
    assert_bits(wide.to_numpy(), F.ema(long, 10, by="ticker", columns=["close", "open"]).to_numpy())
    s = F.ema(pl.Series("px", long["close"].to_numpy()), 10)
    assert isinstance(s, pl.Series) and s.name == "ema_10"
    assert_bits(s.to_numpy(), F.ema(long["close"].to_numpy(), 10))


# --------------------------------------------------------------------------- OHLC as users name it


@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_ohlc_columns_in_any_case(case, spy):
    frame = spy.rename(columns=case)
    h, lo, c = (spy[k].to_numpy() for k in ("High", "Low", "Close"))
    out = F.atr(frame, 14)
    assert isinstance(out, pd.Series) and out.name == "atr_14" and out.index.equals(spy.index)
    assert_close(out, talib.ATR(h, lo, c, 14))
    assert_bits(frame.ewmakit.atr(14), out)
    assert_bits(F.atr(frame, 20), F.atr(frame, window=20))  # atr(frame, n): the window, as the accessor takes it
    assert_bits(F.price_field(frame, "close"), spy["Close"])


def _yfinance(frames: dict, order: str) -> pd.DataFrame:
    """A yfinance multi-ticker frame: MultiIndex columns (Price, Ticker) or (Ticker, Price)."""
    wide = pd.concat(frames, axis=1, names=["Ticker", "Price"])  # (ticker, field)
    if order == "field-ticker":
        wide = wide.swaplevel(axis=1).sort_index(axis=1)
    return wide


@pytest.mark.parametrize("order", ["field-ticker", "ticker-field"])
def test_yfinance_multi_ticker_frame_gives_one_column_per_ticker(order, spy, tsla):
    frames = {"SPY": spy, "TSLA": tsla}
    yf = _yfinance(frames, order)
    atr = F.atr(yf, 14)
    assert isinstance(atr, pd.DataFrame) and list(atr.columns) == ["SPY", "TSLA"] and atr.columns.name == "Ticker"
    assert_bits(yf.ewmakit.atr(14), atr)
    close = F.price_field(yf, "Close")
    assert list(close.columns) == ["SPY", "TSLA"]
    rsi, ema, macd = F.rsi(close, 14), F.ema(close, 20), F.macd(close)
    assert list(rsi.columns) == ["SPY", "TSLA"] and list(ema.columns) == ["SPY", "TSLA"]
    for t, f in frames.items():
        h, lo, c = (f[k].to_numpy() for k in ("High", "Low", "Close"))
        assert_close(atr[t], talib.ATR(h, lo, c, 14))
        assert_close(rsi[t], talib.RSI(c, 14), atol=1e-10)
        assert_close(ema[t], talib.EMA(c, 20))
        np.testing.assert_allclose(macd[("macd", t)].to_numpy()[200:], talib.MACD(c, 12, 26, 9)[0][200:],
                                   rtol=1e-7, atol=1e-7)


def test_yfinance_csv_as_pandas_reads_it():
    """The three-line-header CSV yfinance writes, read by plain pandas: (Price, Ticker) columns, one ticker."""
    yf = pd.read_csv(require_shared_data("SPY_daily_yf_multiindex.csv"), header=[0, 1], index_col=0)
    yf = yf[yf.notna().any(axis=1)]
    assert list(yf.columns.names) == ["Price", "Ticker"]
    h, lo, c = (yf[(k, "SPY")].to_numpy(dtype=float) for k in ("High", "Low", "Close"))
    out = F.atr(yf)
    assert list(out.columns) == ["SPY"]
    assert_close(out["SPY"], talib.ATR(h, lo, c, 14))


# --------------------------------------------------------------------------- result names


def test_result_names_follow_the_rule(spy, long):
    close = spy["Close"]
    r = F.log_returns(close)
    assert r.name == "Close"  # log_returns keeps the prices' names
    named = {"ema_20": F.ema(close, 20), "rsi_14": F.rsi(close), "rsi_7": F.rsi(close, 7),
             "atr_14": F.atr(spy), "atr_5": F.atr(spy["High"], spy["Low"], close, 5),
             "volatility_0.94": F.volatility(r), "volatility_0.97": F.volatility(r, 0.97, annualize=252),
             "crossover": F.crossover(F.ema(close, 5), F.ema(close, 20)),
             "ema_10": F.ema(long, 10, by="ticker", columns="close")}
    for name, out in named.items():
        assert isinstance(out, pd.Series) and out.name == name, (name, getattr(out, "name", None))
    m = F.macd(close)
    assert list(m.columns) == ["macd", "signal", "hist"]
    # a panel keeps its columns; the indicator's name is not repeated in them
    panel = spy[["Open", "Close"]]
    for out in (F.ema(panel, 20), F.rsi(panel), F.volatility(F.log_returns(panel)), F.log_returns(panel)):
        assert isinstance(out, pd.DataFrame) and list(out.columns) == ["Open", "Close"]
    assert list(F.macd(panel).columns) == [(f, c) for f in ("macd", "signal", "hist") for c in ("Open", "Close")]
    # arrays in, arrays out
    for out in (F.ema(close.to_numpy(), 20), F.rsi(close.to_numpy()), F.atr(*(spy[k].to_numpy() for k in
                                                                             ("High", "Low", "Close")))):
        assert type(out) is np.ndarray


# --------------------------------------------------------------------------- errors


def test_missing_ohlc_column_names_it(spy, tsla):
    with pytest.raises(ValueError, match=r"no High column; its columns are \['Open', 'Low'"):
        F.atr(spy.drop(columns="High"))
    with pytest.raises(ValueError, match="no Low or Close column"):
        F.atr(spy.rename(columns=str.lower).drop(columns=["low", "close"]))
    yf = _yfinance({"SPY": spy, "TSLA": tsla}, "ticker-field")
    with pytest.raises(ValueError, match="no High field"):
        F.atr(yf.drop(columns="High", level=1))
    with pytest.raises(ValueError, match=r"High is missing or extra for \['TSLA'\]"):
        F.atr(yf.drop(columns=[("TSLA", "High")]))
    odd = yf.set_axis(pd.MultiIndex.from_product([["a", "b"], list("uvwxyz")]), axis=1)
    with pytest.raises(ValueError, match="cannot tell which column level holds the price fields"):
        F.atr(odd)
    with pytest.raises(ValueError, match="by='tick' is not a column"):
        F.ema(spy.reset_index(), 20, by="tick", columns="Close")
    with pytest.raises(ValueError, match=r"columns \['close'\] are not columns"):
        F.ema(spy.reset_index().assign(t="A"), 20, by="t", columns="close")


def test_inf_in_a_group_is_named(long):
    bad = long.copy()
    bad.loc[7, "close"] = np.inf
    for call in (lambda d: F.ema(d, 5, by="ticker", columns="close"), lambda d: F.rsi(d, by="ticker", columns="close"),
                 lambda d: F.atr(d, by="ticker"), lambda d: F.macd(d, by="ticker", columns="close")):
        with pytest.raises(ValueError, match="must be finite"):
            call(bad)


# --------------------------------------------------------------------------- the price guard (issue 16)


def test_volatility_and_cov_on_prices_warn_once(spy, long):
    close = spy["Close"]
    for call in (lambda: F.volatility(close), lambda: close.ewmakit.volatility(), lambda: F.volatility(
            close.to_numpy()), lambda: F.ewm_cov(spy[["Open", "Close"]]), lambda: F.ewm_corr(spy[["Close"]]),
                 lambda: spy[["Open", "Close"]].ewmakit.cov(), lambda: F.volatility(long, by="ticker",
                                                                                    columns="close")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        assert len(caught) == 1, [str(w.message) for w in caught]
        w = caught[0]
        assert w.category is UserWarning
        assert "expects returns" in str(w.message) and "ewmakit.finance.log_returns(prices)" in str(w.message)
        assert w.filename == __file__  # points at the caller, not inside ewmakit
    with pytest.warns(UserWarning, match=r"the columns 'Open', 'Close' look like prices"):
        F.ewm_cov(spy[["Open", "Close"]])


def test_no_price_warning_on_real_returns():
    """The guard never fires on daily returns: every shared series, log and simple, whole and in 20-day slices."""
    files = glob.glob(str(require_shared_data() / "*.csv")) + glob.glob(str(require_shared_data() / "*" / "*.csv"))
    assert len(files) >= 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for path in files:
            close = read_csv(path)["Close"]
            for r in (F.log_returns(close), close.pct_change(), 100 * close.pct_change()):
                F.volatility(r)
                F.ewm_cov(pd.DataFrame({"a": r, "b": r.shift()}))
                for start in range(0, len(r) - 20, 7):
                    F.volatility(r.iloc[start:start + 20].to_numpy())
    # and prices do trip it, even over a short stretch
    with pytest.warns(UserWarning):
        F.volatility(read_csv(files[0])["Close"].iloc[-20:])


@pytest.mark.parametrize("n", [1, 2, 5, 14, 30])
@pytest.mark.parametrize("seed", ["sma", "first"])
def test_rsi_group_walk_equals_each_group_alone_with_gaps_and_flat_closes(n, seed):
    """by= RSI is one walk over the rows (each group's changes, seed and Wilder averages kept apart): each group
    bit for bit the RSI of its rows alone, with missing closes, repeated closes (zero changes) and rows of no
    group (NaN)."""
    rng = np.random.default_rng(n)
    T, G = 6000, 23
    codes = rng.integers(-1, G, T)
    x = np.cumsum(rng.standard_normal((T, 2)), axis=0) + 100
    x[rng.random((T, 2)) < 0.05] = np.nan
    x[rng.random((T, 2)) < 0.03] = 100.0
    keys = np.where(codes < 0, np.nan, codes.astype(float))  # NaN: a missing key
    got = F.rsi(x, n, seed=seed, by=keys)
    assert np.isnan(got[codes < 0]).all()
    for g in range(G):
        rows = np.flatnonzero(codes == g)
        np.testing.assert_array_equal(got[rows], F.rsi(x[rows], n, seed=seed))
