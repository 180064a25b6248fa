"""ewmakit.finance against TA-Lib, arch and pandas on real data, plus hand-checked cases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import ewmakit  # noqa: F401  (accessor)
from ewmakit import finance as F
from ewmakit.data import read_csv

from conftest import reference, require_shared_data

talib = reference("talib")


def _frame(name):
    return read_csv(require_shared_data(name))


@pytest.fixture(scope="module")
def spy():
    return _frame("SPY_daily.csv")


@pytest.fixture(scope="module")
def tsla():
    return _frame("TSLA_daily.csv")


@pytest.fixture(scope="module")
def panel():
    closes = {t: _frame(f"panel_2005_2026/{t}.csv")["Close"] for t in ("SPY", "QQQ", "GLD", "TLT", "IWM")}
    return pd.DataFrame(closes)


def assert_same(actual, expected, rtol=1e-10, atol=0.0):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg="NaN pattern differs")
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)


# --------------------------------------------------------------------------- TA-Lib parity


@pytest.mark.parametrize("n", [2, 5, 12, 20, 50, 200])
@pytest.mark.parametrize("ticker", ["spy", "tsla"])
def test_ema_sma_seed_equals_talib(n, ticker, request):
    close = request.getfixturevalue(ticker)["Close"]
    assert_same(F.ema(close.to_numpy(), n), talib.EMA(close.to_numpy(), timeperiod=n))
    out = F.ema(close, n)
    assert isinstance(out, pd.Series) and out.index.equals(close.index) and out.name == "Close"


@pytest.mark.parametrize("n", [2, 7, 14, 30])
@pytest.mark.parametrize("ticker", ["spy", "tsla"])
def test_rsi_sma_seed_equals_talib(n, ticker, request):
    c = request.getfixturevalue(ticker)["Close"].to_numpy()
    assert_same(F.rsi(c, n), talib.RSI(c, timeperiod=n), atol=1e-10)


@pytest.mark.parametrize("n", [1, 5, 14, 30])
@pytest.mark.parametrize("ticker", ["spy", "tsla"])
def test_atr_sma_seed_equals_talib(n, ticker, request):
    df = request.getfixturevalue(ticker)
    h, lo, c = (df[k].to_numpy() for k in ("High", "Low", "Close"))
    assert_same(F.atr(h, lo, c, n), talib.ATR(h, lo, c, timeperiod=n))
    assert_same(df.ewmakit.atr(n), talib.ATR(h, lo, c, timeperiod=n))


@pytest.mark.parametrize("ticker", ["spy", "tsla"])
def test_macd_agrees_with_talib_after_warmup(ticker, request):
    c = request.getfixturevalue(ticker)["Close"].to_numpy()
    ours = F.macd(c, 12, 26, 9)
    ref = talib.MACD(c, 12, 26, 9)
    warm = 200
    for col, r in zip(["macd", "signal", "hist"], ref):
        np.testing.assert_allclose(ours[col].to_numpy()[warm:], r[warm:], rtol=0, atol=1e-7)
    # our own seeding: macd from row slow-1, signal from row slow+signal-2 (TA-Lib shows both from there)
    assert np.isnan(ours["macd"].iloc[24]) and not np.isnan(ours["macd"].iloc[25])
    assert np.isnan(ours["signal"].iloc[32]) and not np.isnan(ours["signal"].iloc[33])
    assert np.isnan(ref[0][32]) and not np.isnan(ref[0][33])


def test_macd_is_ema_difference_by_hand():
    x = np.linspace(1.0, 3.0, 50) ** 2
    out = F.macd(x, 3, 6, 4)
    line = F.ema(x, 3) - F.ema(x, 6)
    assert_same(out["macd"], line, rtol=1e-14)
    valid = line[~np.isnan(line)]
    sig = np.full_like(line, np.nan)
    start = 5 + 3  # first macd at row 5, signal seeded with its first 4 values
    sig[start] = valid[:4].mean()
    for t in range(start + 1, len(x)):
        sig[t] = 0.6 * sig[t - 1] + 0.4 * line[t]
    assert_same(out["signal"], sig, rtol=1e-12)
    assert_same(out["hist"], line - sig, rtol=1e-10, atol=1e-14)


# --------------------------------------------------------------------------- seed="first" = pandas


@pytest.mark.parametrize("n", [3, 14, 26])
def test_first_seed_variants_equal_pandas(spy, n):
    close = spy["Close"]
    assert_same(F.ema(close, n, seed="first"), close.ewm(span=n, adjust=False).mean(), rtol=1e-12)
    d = close.diff()
    g = d.clip(lower=0).ewm(alpha=1 / n, adjust=False).mean()
    lo = (-d).clip(lower=0).ewm(alpha=1 / n, adjust=False).mean()
    assert_same(F.rsi(close, n, seed="first"), 100 * g / (g + lo), rtol=1e-10)
    h, low, c = spy["High"], spy["Low"], spy["Close"]
    tr = pd.concat([h - low, (h - c.shift()).abs(), (low - c.shift()).abs()], axis=1).max(axis=1)
    assert_same(F.atr(h, low, c, n, seed="first"), tr.ewm(alpha=1 / n, adjust=False).mean(), rtol=1e-12)


def test_small_cases_by_hand():
    np.testing.assert_allclose(F.ema([1.0, 2.0, 3.0, 4.0], 3), [np.nan, np.nan, 2.0, 3.0])
    # RSI(2): diffs +1, -0.5, +1, +0.5; seed G=0.5, L=0.25 at row 2
    np.testing.assert_allclose(F.rsi([1.0, 2.0, 1.5, 2.5, 3.0], 2),
                               [np.nan, np.nan, 100 * 0.5 / 0.75, 100 * 0.75 / 0.875, 100 * 0.625 / 0.6875])
    # flat prices: no move at all -> NaN (TA-Lib reports 0)
    assert np.isnan(F.rsi(np.full(10, 5.0), 3)[3:]).all()


def test_leading_nans_are_skipped_like_talib(spy):
    c = spy["Close"].to_numpy().copy()
    c[:7] = np.nan
    assert_same(F.ema(c, 10), talib.EMA(c, timeperiod=10))
    assert_same(F.rsi(c, 14), talib.RSI(c, timeperiod=14), atol=1e-10)


# --------------------------------------------------------------------------- panels and speed path


def test_wide_panel_equals_column_by_column(panel):
    rng = np.random.default_rng(3)
    wide = np.repeat(panel.to_numpy(), 60, axis=1) * rng.uniform(0.5, 2.0, size=300)  # 300 columns: chunked
    wide[rng.random(wide.shape) < 0.01] = np.nan
    wide[:40, 7] = np.nan
    for func in (lambda v: F.ema(v, 20), lambda v: F.rsi(v, 14), lambda v: F.macd(v)["signal"].to_numpy()):
        whole = func(wide)
        cols = np.column_stack([func(wide[:, j]) for j in range(wide.shape[1])])
        np.testing.assert_array_equal(whole, cols)


def test_dataframe_input_is_column_wise(panel):
    out = F.rsi(panel, 14)
    assert list(out.columns) == list(panel.columns) and out.index.equals(panel.index)
    for t in panel:
        assert_same(out[t], talib.RSI(panel[t].to_numpy(), timeperiod=14), atol=1e-10)
    m = F.macd(panel)
    assert set(m.columns.get_level_values(0)) == {"macd", "signal", "hist"}
    assert_same(m[("macd", "GLD")], F.macd(panel["GLD"])["macd"], rtol=0)


# --------------------------------------------------------------------------- RiskMetrics


def _arch_vol(r, lam):
    from arch.univariate import EWMAVariance, ZeroMean

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ZeroMean(r, volatility=EWMAVariance(lam), rescale=False).fit(disp="off")
    return res.conditional_volatility


@pytest.mark.parametrize("lam", [0.94, 0.97, 0.8])
@pytest.mark.parametrize("ticker", ["spy", "tsla"])
def test_volatility_equals_arch_ewma_variance(ticker, lam, request):
    r = F.log_returns(request.getfixturevalue(ticker)["Close"]).dropna() * 100
    assert_same(F.volatility(r, lam), _arch_vol(r, lam), rtol=1e-12)
    short = r.iloc[:40]  # fewer than 75 returns: backcast over all of them
    assert_same(F.volatility(short, lam), _arch_vol(short, lam), rtol=1e-12)
    np.testing.assert_allclose(F.volatility(r, lam, annualize=252), F.volatility(r, lam) * np.sqrt(252))


def test_volatility_leading_nan_and_accessor(spy):
    r = F.log_returns(spy["Close"])  # first row NaN
    v = r.ewmakit.volatility()
    assert np.isnan(v.iloc[0])
    assert_same(v.iloc[1:], F.volatility(r.iloc[1:]), rtol=1e-14)


def _riskmetrics_loop(r, beta):
    T, k = r.shape
    out = np.empty((T, k, k))
    s = np.outer(r[0], r[0])
    out[0] = s
    for t in range(1, T):
        s = beta * s + (1 - beta) * np.outer(r[t], r[t])
        out[t] = s
    return out


def test_ewm_cov_recursion_and_layout(panel):
    r = F.log_returns(panel).dropna()
    cov = F.ewm_cov(r, 0.94)
    assert cov.index.nlevels == 2 and list(cov.columns) == list(panel.columns)
    ref = _riskmetrics_loop(r.to_numpy(), 0.94)
    np.testing.assert_allclose(cov.to_numpy().reshape(ref.shape), ref, rtol=1e-12)
    date = r.index[1000]
    np.testing.assert_allclose(cov.loc[date].to_numpy(), ref[1000], rtol=1e-12)
    corr = F.ewm_corr(r, 0.94).loc[date].to_numpy()
    d = np.sqrt(np.diag(ref[1000]))
    np.testing.assert_allclose(corr, ref[1000] / np.outer(d, d), rtol=1e-12)


def test_ewm_cov_demeaned_equals_pandas(panel):
    r = F.log_returns(panel).dropna().iloc[:600]
    ours = F.ewm_cov(r, 0.9, demean=True)
    ref = r.ewm(alpha=0.1, adjust=False).cov(bias=True)
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=1e-10, atol=1e-18)
    np.testing.assert_allclose(F.ewm_corr(r, 0.9, demean=True).to_numpy()[10:],
                               r.ewm(alpha=0.1, adjust=False).corr().to_numpy()[10:], rtol=1e-9, atol=1e-12)


def test_ewm_cov_pairwise_equals_pandas_with_gaps(panel):
    r = F.log_returns(panel).dropna().iloc[:400].copy()
    rng = np.random.default_rng(0)
    r = r.mask(rng.random(r.shape) < 0.05)
    ours = F.ewm_cov(r, 0.9, demean=True, missing="pairwise")
    ref = r.ewm(alpha=0.1, adjust=False).cov(bias=True)
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=1e-9, atol=1e-18)


def test_ewm_cov_skip_is_psd_and_carries_over_gaps(panel):
    r = F.log_returns(panel).dropna().iloc[:500].copy()
    rng = np.random.default_rng(1)
    r = r.mask(rng.random(r.shape) < 0.1)
    r.iloc[:5, 2] = np.nan  # an asset that starts late
    for demean in (False, True):
        mats = F.ewm_cov(r, 0.94, demean=demean).to_numpy().reshape(len(r), 5, 5)
        incomplete = r.isna().any(axis=1).to_numpy()
        first = int(np.argmax(~incomplete))
        assert np.isnan(mats[:first]).all()
        for t in range(first, len(r)):
            m = mats[t]
            np.testing.assert_array_equal(m, m.T)
            assert np.linalg.eigvalsh(m).min() >= -1e-15 * np.abs(m).max()
            if t > first and incomplete[t]:
                np.testing.assert_array_equal(m, mats[t - 1])


# --------------------------------------------------------------------------- crossover


def test_crossover_cases():
    fast = np.array([1.0, 2.0, 3.0, 2.0, 2.0, 3.0, 1.0, np.nan, 3.0])
    slow = np.full_like(fast, 2.0)
    #            below, touch, above(+1), touch, touch, above, below(-1), nan, above(+1)
    np.testing.assert_array_equal(F.crossover(fast, slow), [0, 0, 1, 0, 0, 0, -1, 0, 1])
    np.testing.assert_array_equal(F.crossover(fast, 2.0), F.crossover(fast, slow))
    s = pd.Series([70.0, 75.0, 65.0], index=pd.date_range("2020", periods=3))
    out = s.ewmakit.crossover(70.0)
    assert out.tolist() == [0, 0, -1] and out.index.equals(s.index) and out.dtype == np.int8


def test_crossover_matches_definition_on_emas(spy):
    close = spy["Close"]
    fast, slow = F.ema(close, 10), F.ema(close, 50)
    out = F.crossover(fast, slow).to_numpy()
    d = (fast - slow).to_numpy()
    ups = [t for t in range(1, len(d)) if d[t - 1] < 0 < d[t]]
    downs = [t for t in range(1, len(d)) if d[t - 1] > 0 > d[t]]
    assert list(np.flatnonzero(out == 1)) == ups and list(np.flatnonzero(out == -1)) == downs
    assert len(ups) > 10


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "14"])
def test_bad_windows(bad):
    with pytest.raises(ValueError, match=r"window must be an integer >= 1, got"):
        F.ema([1.0, 2.0], bad)
    with pytest.raises(ValueError, match="window must be an integer"):
        F.rsi([1.0, 2.0], bad)


def test_bad_inputs():
    a = pd.Series([1.0, 2.0, 3.0], index=[0, 1, 2])
    b = pd.Series([1.0, 2.0, 3.0], index=[1, 2, 3])
    with pytest.raises(ValueError, match="share one index"):
        F.atr(a, b, a)
    with pytest.raises(ValueError, match="share one index"):
        F.crossover(a, b)
    with pytest.raises(ValueError, match=r"prices must be > 0 .* got 0.0"):
        F.log_returns([1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match=r"High, Low and Close"):
        F.atr(pd.DataFrame({"High": [1.0], "Close": [1.0]}))
    with pytest.raises(ValueError, match="seed must be 'sma' or 'first', got 'ema'"):
        F.ema([1.0, 2.0], 2, seed="ema")
    with pytest.raises(ValueError, match="fast must be smaller than slow"):
        F.macd([1.0, 2.0], 26, 12)
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\), got 1.2"):
        F.volatility([0.01, 0.02], 1.2)
    with pytest.raises(ValueError, match="annualize must be"):
        F.volatility([0.01, 0.02], annualize=-1)
    with pytest.raises(ValueError, match="finite"):
        F.ema([1.0, np.inf, 2.0], 2)
    with pytest.raises(ValueError, match="missing must be 'skip' or 'pairwise'"):
        F.ewm_cov(np.zeros((3, 2)), missing="drop")
