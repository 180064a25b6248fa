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
    assert isinstance(out, pd.Series) and out.index.equals(close.index) and out.name == f"ema_{n}"


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


# --------------------------------------------------------------------------- MACD: bit for bit the composed EMAs
#
# macd runs one fused kernel; it must give exactly (every bit, the sign of
# zero included) what composing ema() gives: EMA(fast) - EMA(slow), the signal
# EMA of that line (SMA-seeded with its first `signal` values), line - signal.


def _composed_macd(v, fast, slow, signal, seed):
    """(line, signal, hist) of a 2-D float64 array through ema() alone (the composition macd fuses)."""
    line = F.ema(v, fast, seed=seed) - F.ema(v, slow, seed=seed)
    sig = F.ema(line, signal, seed=seed)
    return line, sig, line - sig


def _expected_macd_frame(x, fast, slow, signal, seed):
    """The frame macd must return: values from :func:`_composed_macd`, labels as the input's."""
    if isinstance(x, (pd.Series, pd.DataFrame)):
        index = x.index
        v = x.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        v = np.asarray(x, dtype=np.float64)
        index = pd.RangeIndex(v.shape[0])
    one = v.ndim == 1
    line, sig, hist = _composed_macd(v[:, None] if one else v, fast, slow, signal, seed)
    fields = {"macd": line, "signal": sig, "hist": hist}
    if one:
        return pd.DataFrame({k: a[:, 0] for k, a in fields.items()}, index=index)
    cols = x.columns if isinstance(x, pd.DataFrame) else pd.RangeIndex(v.shape[1])
    return pd.concat({k: pd.DataFrame(a, index=index, columns=cols) for k, a in fields.items()}, axis=1)


def assert_bits(actual, expected):
    """Same shape, NaN at the same places, and every other value identical to the bit (-0.0 != 0.0)."""
    a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert a.shape == e.shape
    nan_a, nan_e = np.isnan(a), np.isnan(e)
    np.testing.assert_array_equal(nan_a, nan_e, err_msg="NaN pattern differs")
    np.testing.assert_array_equal(a.view(np.int64)[~nan_a], e.view(np.int64)[~nan_e], err_msg="bits differ")


def assert_macd_pinned(x, fast=12, slow=26, signal=9, seed="sma"):
    out = F.macd(x, fast, slow, signal, seed=seed)
    expected = _expected_macd_frame(x, fast, slow, signal, seed)
    pd.testing.assert_frame_equal(out, expected, check_exact=True)
    assert_bits(out.to_numpy(), expected.to_numpy())
    return out


def _nasty_panel(T, N, fast, slow, signal, seed=0):
    """Random-walk closes with every kind of hole: random NaNs, leading NaNs, gaps, columns that never
    seed, all-NaN, constant, signed zeros, sparse, negative, huge and tiny magnitudes."""
    rng = np.random.default_rng(seed)
    v = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, size=(T, N)), axis=0))
    v[rng.random((T, N)) < 0.03] = np.nan
    specials = [
        lambda c: c.__setitem__(slice(0, min(T, 3 * slow)), np.nan),        # late start
        lambda c: c.__setitem__(slice(None), np.nan),                        # never observed
        lambda c: _keep(c, slow - 1, rng),                                   # slow EMA never seeds
        lambda c: _slow_seed_at(c, T - signal + 1, slow),                    # signal never seeds
        lambda c: _slow_seed_at(c, T - signal, slow),                        # signal seeds on the last row
        lambda c: [c.__setitem__(slice(s, s + 40), np.nan) for s in range(10, T, 90)],  # long gaps
        lambda c: c.__setitem__(slice(None), 7.25),                          # constant
        lambda c: c.__setitem__(slice(None), rng.choice([0.0, -0.0, np.nan], size=T, p=[.45, .45, .1])),
        lambda c: c.__setitem__(slice(None), np.where(np.arange(T) < fast, -0.0, 0.0)),  # -0.0 line, +0.0 sums
        lambda c: c.__setitem__(rng.random(T) < 0.9, np.nan),                # sparse
        lambda c: c.__setitem__(slice(T // 2, None), np.nan),                # stops half-way
        lambda c: c.__setitem__(slice(None), -c),                            # negative
        lambda c: c.__setitem__(slice(None), c * 1e280),                     # huge
        lambda c: c.__setitem__(slice(None), c * 1e-310),                    # subnormal
        lambda c: c.__setitem__(slice(None), np.where(np.arange(T) % 2, -1.0, 1.0) * 1e300),  # alternating
    ]
    for j, f in enumerate(specials[:N]):
        f(v[:, j])
    return v


def _slow_seed_at(col, r, slow):
    """Leave only the `slow` observations ending at row r, so that the line starts there (has T − r values)."""
    keep = np.zeros(col.size, dtype=bool)
    keep[max(r - slow + 1, 0):max(r + 1, 0)] = True
    col[~keep] = np.nan
    col[keep] = np.where(np.isnan(col[keep]), 50.0, col[keep])


def _keep(col, k, rng):
    """Leave exactly k observations (scattered) in col (fewer if it has fewer)."""
    obs = np.flatnonzero(~np.isnan(col))
    drop = obs[k:] if len(obs) <= k else np.sort(rng.choice(obs, size=len(obs) - k, replace=False))
    col[drop] = np.nan


_MACD_WINDOWS = [(12, 26, 9), (3, 6, 4), (1, 2, 1), (2, 3, 1), (5, 40, 20)]


@pytest.mark.parametrize("seed", ["sma", "first"])
@pytest.mark.parametrize("windows", _MACD_WINDOWS)
def test_macd_bit_identical_to_composed_emas_on_nasty_panels(windows, seed):
    for T, N in [(300, 16), (97, 3), (1, 16)]:
        v = _nasty_panel(T, N, *windows)
        assert_macd_pinned(v, *windows, seed=seed)
        assert_macd_pinned(np.asfortranarray(v), *windows, seed=seed)
        for j in range(N):  # one series at a time: 1-D arrays and Series
            assert_macd_pinned(v[:, j], *windows, seed=seed)


@pytest.mark.parametrize("seed", ["sma", "first"])
def test_macd_bit_identical_on_wide_panel(seed):
    v = _nasty_panel(1600, 700, 12, 26, 9, seed=5)  # wide: column ranges in parallel, several row blocks
    assert_macd_pinned(v, seed=seed)
    assert_macd_pinned(v[:, :300], 3, 6, 4, seed=seed)


@pytest.mark.parametrize("seed", ["sma", "first"])
def test_macd_bit_identical_with_rare_gaps(seed):
    # mostly clean columns, so the kernel's row-by-row fast path runs, and leaves it (and comes back)
    # at isolated NaNs, placed in and around the 32-row blocks, in several tiles of both column ranges
    rng = np.random.default_rng(11)
    T, N = 700, 1200
    v = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, size=(T, N)), axis=0))
    for r, c in [(31, 5), (32, 5), (33, 700), (63, 600), (64, 1100), (100, 0), (101, 0), (250, 513), (511, 599),
                 (512, 1199), (699, 300), (40, 1024), (41, 1025), (95, 7), (200, 7)]:
        v[r, c] = np.nan
    v[rng.integers(0, T, 20), rng.integers(0, N, 20)] = np.nan
    v[:200, 900] = np.nan    # listed late
    v[500:, 650] = np.nan    # delisted
    v[300:340, 20] = np.nan  # a long gap
    assert_macd_pinned(v, seed=seed)
    assert_macd_pinned(v[:, :40], 3, 6, 4, seed=seed)
    assert_macd_pinned(v[:, 5], seed=seed)


@pytest.mark.parametrize("seed", ["sma", "first"])
def test_macd_line_overflow_raises_as_composed(seed):
    # closes near the float range: the line (fast − slow) overflows to −inf, which the signal EMA refuses
    x = np.where(np.arange(200) < 100, 1.7e308, -1.7e308)
    with pytest.raises(ValueError, match="finite") as composed, np.errstate(over="ignore"):
        _composed_macd(np.column_stack([x, np.ones(200)]), 1, 26, 9, seed)
    with pytest.raises(ValueError, match="finite") as fused:
        F.macd(np.column_stack([x, np.ones(200)]), 1, 26, 9, seed=seed)
    assert str(fused.value) == str(composed.value)


@pytest.mark.parametrize("seed", ["sma", "first"])
def test_macd_bit_identical_on_long_series(seed):
    rng = np.random.default_rng(2)
    c = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, size=40_000)))
    c[rng.random(c.size) < 0.02] = np.nan
    c[:100] = np.nan
    s = pd.Series(c, index=pd.date_range("1900-01-01", periods=c.size, freq="D"), name="Close")
    assert_macd_pinned(s, seed=seed)  # one series of 2**15 rows or more: the EMAs' multi-lane kernel
    assert_macd_pinned(c[::2], 5, 35, 5, seed=seed)  # a strided view of 20000 rows: the fused kernel


@pytest.mark.parametrize("seed", ["sma", "first"])
def test_macd_bit_identical_on_every_input_kind(seed, spy):
    close = spy["Close"]
    assert_macd_pinned(close, seed=seed)                                     # Series (named, dated)
    assert_macd_pinned(close.to_numpy().astype(np.float32), seed=seed)      # float32
    assert_macd_pinned(list(close.to_numpy()[:60]), 3, 6, 4, seed=seed)     # list
    assert_macd_pinned(np.arange(50) % 7, 2, 5, 3, seed=seed)               # integers
    v = _nasty_panel(len(close), 6, 12, 26, 9)
    frame = pd.DataFrame(v, index=close.index, columns=pd.Index(list("abcdef"), name="ticker"))
    assert_macd_pinned(frame, seed=seed)                                     # DataFrame, C-ordered values
    assert_macd_pinned(pd.DataFrame({c: frame[c] for c in frame}), seed=seed)  # F-ordered values
    assert_macd_pinned(frame.astype(np.float32), seed=seed)                 # float32 columns
    multi = frame.set_axis(pd.MultiIndex.from_product([["x", "y"], [1, 2, 3]]), axis=1)
    assert_macd_pinned(multi, seed=seed)                                     # MultiIndex columns
    assert_macd_pinned(frame.iloc[:, :1], seed=seed)                         # one column


@pytest.mark.parametrize("seed", ["sma", "first"])
@pytest.mark.parametrize("T", [0, 1, 2, 5, 8, 25, 26, 33, 34, 35])
def test_macd_bit_identical_on_tiny_inputs(T, seed):
    v = _nasty_panel(max(T, 1), 4, 12, 26, 9, seed=T)[:T]
    v[:, 3] = np.linspace(1.0, 2.0, T)  # one clean column
    assert_macd_pinned(v, seed=seed)
    assert_macd_pinned(v[:, 3], seed=seed)
    assert_macd_pinned(pd.Series(v[:, 3], dtype=float), seed=seed)
    assert_macd_pinned(np.empty((T, 0)), seed=seed)


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


@pytest.mark.parametrize("pos", [0, 3, 100, 499])
@pytest.mark.parametrize("name", ["ema", "rsi", "macd", "atr-high", "atr-low", "atr-close"])
def test_inf_anywhere_raises_naming_it(name, pos):
    """The kernels count ±inf on their way (no pass up front): in the SMA seed's rows, after them, the last row."""
    x = np.linspace(1.0, 2.0, 500)[:, None].repeat(3, axis=1)
    h, lo, c = x + 1.0, x - 1.0, x.copy()
    if name.startswith("atr"):
        arr = {"high": h, "low": lo, "close": c}[name[4:]]
        arr[pos, 1] = -np.inf
        with pytest.raises(ValueError, match=rf"{name[4:]} must be finite.*\({pos}, 1\)"):
            F.atr(h, lo, c, 14)
        return
    x[pos, 1] = np.inf
    fn = {"ema": lambda v: F.ema(v, 20), "rsi": lambda v: F.rsi(v, 14), "macd": F.macd}[name]
    with pytest.raises(ValueError, match=rf"must be finite.*\({pos}, 1\)"):
        fn(x)


def test_macd_line_overflowing_inside_the_signal_seed_window_raises_like_the_composition():
    """A line that overflows to ±inf in the rows the signal's SMA seed sums: the fused kernel used to skip
    those rows' count and return an inf signal, where ``ema(line, signal)`` raises."""
    big = 1.79e308
    close = np.array([-big / 4] * 4 + [-big, -big, big] + [1.0] * 30)
    with np.errstate(over="ignore", invalid="ignore"):
        line = F.ema(close, 1) - F.ema(close, 4)
    assert np.isinf(line[6])
    with pytest.raises(ValueError, match=r"got inf at position \(6, 0\)"):
        F.ema(line, 9)
    with pytest.raises(ValueError, match=r"got inf at position \(6, 0\)"):
        F.macd(close, 1, 4, 9)
