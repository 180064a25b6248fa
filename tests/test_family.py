"""The exponential family (DEMA, TEMA, T3, TRIX, APO, PPO, KAMA, ADOSC, the ADX family) against TA-Lib.

Engine level (``ewmakit._engine.run_*``): TA-Lib on real data and random
panels (the same NaN prefix exactly, values to 1e-10), the compositions of
``ewmakit.finance.ema`` bit for bit (with missing values; ADOSC too, on the
A/D line), TA-Lib's KAMA of the observations and a plain loop for the ADX
rules on missing values, and the panel paths (tiles, threads) against
column-by-column results bit for bit. Then the public functions: every input
kind, ``by=`` (each group bit for bit as alone, and TA-Lib's), the accessors,
``ewm_beta`` against pandas, bad input.

Tolerance: 1e-10 relative, and where an indicator is a difference or a ratio
minus one that cancels (APO, PPO, TRIX, ADOSC, DX), 1e-10 of the scale of
the terms it cancels as an absolute floor: TA-Lib's arithmetic (x − v)·k + v
and ours (the engine's weighted mean) differ in the last bits of the EMAs,
which such a difference turns into a larger relative error near zero.

TA-Lib's unstable periods (``talib.set_unstable_period``) default to 0 for
every function here; a non-zero one only hides more leading values (TA-Lib
starts from the first bar whatever it is), which
``test_unstable_period_only_hides_values`` checks, so every value from the
lookback on is compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ewmakit import _engine as engine
from ewmakit import finance as F
from ewmakit.data import read_csv

from conftest import reference, require_shared_data

talib = reference("talib")

TICKERS = ["SPY_daily.csv", "TSLA_daily.csv", "panel_2005_2026/QQQ.csv", "panel_2005_2026/TLT.csv"]


@pytest.fixture(scope="module", params=TICKERS, ids=lambda p: p.split("/")[-1].split("_")[0].split(".")[0])
def ohlcv(request):
    df = read_csv(require_shared_data(request.param))
    return tuple(df[k].to_numpy(dtype=float) for k in ("High", "Low", "Close", "Volume"))


def col(a):
    return np.asarray(a, dtype=float)[:, None]


def assert_talib(ours, ref, scale=0.0, rtol=1e-10):
    """Same NaN prefix exactly (TA-Lib's lookback), then equal to ``rtol`` (absolute floor ``rtol·scale``)."""
    ours, ref = np.asarray(ours, dtype=float), np.asarray(ref, dtype=float)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref), err_msg="NaN prefix differs")
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=rtol * scale, equal_nan=True)


# --------------------------------------------------------------------------- TA-Lib on real data


@pytest.mark.parametrize("n", [1, 2, 5, 14, 30, 50])
def test_ema_chains_equal_talib(ohlcv, n):
    c = ohlcv[2]
    assert_talib(engine.run_dema(col(c), n)[:, 0], talib.DEMA(c, n))
    assert_talib(engine.run_tema(col(c), n)[:, 0], talib.TEMA(c, n))
    assert_talib(engine.run_trix(col(c), n)[:, 0], talib.TRIX(c, n), scale=1.0)  # percent
    for v in (0.0, 0.7, 1.0):
        assert_talib(engine.run_t3(col(c), n, v)[:, 0], talib.T3(c, n, v))


@pytest.mark.parametrize("n", [1, 2, 3, 10, 30])
def test_kama_equals_talib(ohlcv, n):
    c = ohlcv[2]
    assert_talib(engine.run_kama(col(c), n)[:, 0], talib.KAMA(c, n))


@pytest.mark.parametrize("fast,slow", [(2, 3), (5, 10), (12, 26), (26, 100)])
def test_apo_ppo_equal_talib_ema_type(ohlcv, fast, slow):
    c = ohlcv[2]
    assert_talib(engine.run_apo(col(c), fast, slow)[:, 0], talib.APO(c, fast, slow, matype=1), scale=np.max(c))
    assert_talib(engine.run_ppo(col(c), fast, slow)[:, 0], talib.PPO(c, fast, slow, matype=1), scale=100.0)


@pytest.mark.parametrize("n", [2, 3, 7, 14, 30])
def test_adx_family_equals_talib(ohlcv, n):
    h, lo, c, _ = ohlcv
    block = engine.run_adx(col(h), col(lo), col(c), n)
    refs = {"adx": talib.ADX, "adxr": talib.ADXR, "plus_di": talib.PLUS_DI, "minus_di": talib.MINUS_DI,
            "dx": talib.DX}
    assert engine.ADX_FIELDS == tuple(refs)
    for k, (name, f) in enumerate(refs.items()):
        assert_talib(block[:, k], f(h, lo, c, n), scale=100.0)
        assert np.isnan(block[:, k]).sum() == engine.lookback(name, n)


@pytest.mark.parametrize("fast,slow", [(3, 10), (2, 5), (10, 3), (12, 26)])
def test_adosc_equals_talib(ohlcv, fast, slow):
    h, lo, c, v = ohlcv
    ad = talib.AD(h, lo, c, v)
    assert_talib(engine.run_adosc(col(h), col(lo), col(c), col(v), fast, slow)[:, 0],
                 talib.ADOSC(h, lo, c, v, fast, slow), scale=np.max(np.abs(ad)))


def test_lookbacks_are_talibs():
    x = 100 + np.cumsum(np.random.default_rng(0).standard_normal(400))
    for n in (1, 2, 9, 30):
        for name, ours, ref in (("dema", engine.run_dema, talib.DEMA), ("tema", engine.run_tema, talib.TEMA),
                                ("t3", engine.run_t3, talib.T3), ("trix", engine.run_trix, talib.TRIX),
                                ("kama", engine.run_kama, talib.KAMA)):
            assert np.isnan(ref(x, n)).sum() == engine.lookback(name, n) == np.isnan(ours(col(x), n)).sum()


# --------------------------------------------------------------------------- random panels, edge cases


def _walks(T, N, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    c = 50 + np.cumsum(rng.standard_normal((T, N)), axis=0) * scale
    c = np.abs(c) + 1.0
    spread = np.abs(rng.standard_normal((T, N))) * scale
    h = c + spread * rng.random((T, N))
    lo = c - spread * rng.random((T, N))
    v = rng.integers(1_000, 1_000_000, (T, N)).astype(float)
    return h, lo, c, v


@pytest.mark.parametrize("T", [0, 1, 2, 5, 29, 30, 31, 90, 400])
def test_random_panels_equal_talib_column_by_column(T):
    h, lo, c, v = _walks(T, 6, T)
    for n in (2, 5, 15):
        for ours, ref in ((engine.run_dema, talib.DEMA), (engine.run_tema, talib.TEMA), (engine.run_t3, talib.T3),
                          (engine.run_kama, talib.KAMA)):
            out = ours(c, n)
            assert out.shape == c.shape
            for j in range(c.shape[1]):
                assert_talib(out[:, j], ref(c[:, j], n))
        out = engine.run_trix(c, n)
        apo, ppo = engine.run_apo(c, n, n + 7), engine.run_ppo(c, n, n + 7)
        adx = engine.run_adx(h, lo, c, n)
        adosc = engine.run_adosc(h, lo, c, v, n, n + 3)
        for j in range(c.shape[1]):
            assert_talib(out[:, j], talib.TRIX(c[:, j], n), scale=1.0)
            assert_talib(apo[:, j], talib.APO(c[:, j], n, n + 7, 1), scale=100.0)
            assert_talib(ppo[:, j], talib.PPO(c[:, j], n, n + 7, 1), scale=100.0)
            for k, f in enumerate((talib.ADX, talib.ADXR, talib.PLUS_DI, talib.MINUS_DI, talib.DX)):
                assert_talib(adx[:, k * 6 + j], f(h[:, j], lo[:, j], c[:, j], n), scale=100.0)
            ad = talib.AD(h[:, j], lo[:, j], c[:, j], v[:, j]) if T else np.zeros(1)
            assert_talib(adosc[:, j], talib.ADOSC(h[:, j], lo[:, j], c[:, j], v[:, j], n, n + 3),
                         scale=np.max(np.abs(ad)))


def test_shorter_than_lookback_is_all_nan():
    h, lo, c, v = _walks(20, 3, 1)
    assert np.isnan(engine.run_dema(c, 11)).all() and not np.isnan(engine.run_dema(c, 10)[-1]).any()
    assert np.isnan(engine.run_tema(c, 8)).all() and np.isnan(engine.run_t3(c, 5)).all()
    assert np.isnan(engine.run_trix(c, 8)).all() and np.isnan(engine.run_kama(c, 20)).all()
    assert np.isnan(engine.run_apo(c, 5, 21)).all() and np.isnan(engine.run_adosc(h, lo, c, v, 3, 21)).all()
    block = engine.run_adx(h, lo, c, 11)
    assert np.isnan(block[:, :3]).all() and not np.isnan(block[-1, 6:]).any()  # ADX from row 21, DI from 11


def test_unstable_period_only_hides_values():
    """TA-Lib's unstable period delays the output but starts from the same bar: the values are the same."""
    c = read_csv(require_shared_data("SPY_daily.csv"))["Close"].to_numpy(dtype=float)
    h = c * 1.01
    lo = c * 0.99
    for name, call in (("KAMA", lambda: talib.KAMA(c, 10)), ("T3", lambda: talib.T3(c, 5)),
                       ("ADX", lambda: talib.ADX(h, lo, c, 14))):
        base = call()
        talib.set_unstable_period(name, 50)
        try:
            later = call()
        finally:
            talib.set_unstable_period(name, 0)
        shown = ~np.isnan(later)
        assert np.isnan(later).sum() == np.isnan(base).sum() + 50
        np.testing.assert_array_equal(later[shown], base[shown])


# --------------------------------------------------------------------------- compositions, missing values


def _gappy(T, N, seed):
    rng = np.random.default_rng(seed)
    x = 50 + np.cumsum(rng.standard_normal((T, N)), axis=0)
    x[rng.random((T, N)) < 0.08] = np.nan
    x[:rng.integers(0, T // 3 + 1), 0] = np.nan  # a late start
    if N > 2:
        x[T // 2:T // 2 + 4, 2] = np.nan  # a gap
    return x


def _ema(a, n):
    return F.ema(a, n)


def _compositions(x, n, fast, slow):
    e1 = _ema(x, n)
    e2 = _ema(e1, n)
    e3 = _ema(e2, n)
    e4 = _ema(e3, n)
    e5 = _ema(e4, n)
    e6 = _ema(e5, n)
    c1, c2, c3, c4 = engine.t3_coefs(0.7) if n > 1 else (0.0, 0.0, 0.0, 1.0)  # window 1: the input (TA-Lib)
    prev = np.vstack([np.full((1, x.shape[1]), np.nan), e3[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        trix = np.where(prev != 0, (e3 / prev - 1.0) * 100.0, np.nan)
        f, s = _ema(x, fast), _ema(x, slow)
        ppo = np.where(s != 0, ((f - s) / s) * 100.0, np.nan)
    return {
        "dema": (engine.run_dema(x, n), 2.0 * e1 - e2),
        "tema": (engine.run_tema(x, n), 3.0 * e1 - 3.0 * e2 + e3),
        "t3": (engine.run_t3(x, n, 0.7), c1 * e6 + c2 * e5 + c3 * e4 + c4 * e3),
        "trix": (engine.run_trix(x, n), trix),
        "apo": (engine.run_apo(x, fast, slow), f - s),
        "ppo": (engine.run_ppo(x, fast, slow), ppo),
    }


@pytest.mark.parametrize("n,fast,slow", [(1, 1, 2), (2, 2, 3), (5, 3, 8), (20, 12, 26)])
def test_chains_are_the_ema_compositions_bit_for_bit(n, fast, slow):
    x = _gappy(300, 7, n)
    for name, (ours, composed) in _compositions(x, n, fast, slow).items():
        np.testing.assert_array_equal(ours, composed, err_msg=name)


def test_t3_window_one_is_the_input():
    x = _gappy(60, 3, 4)
    np.testing.assert_array_equal(engine.run_t3(x, 1), _ema(x, 1))
    c = 100 + np.cumsum(np.random.default_rng(2).standard_normal(50))
    np.testing.assert_array_equal(engine.run_t3(col(c), 1)[:, 0], talib.T3(c, 1))


def test_adosc_is_the_ema_composition_with_missing_values():
    """ADOSC = ema(AD, fast, seed="first") − ema(AD, slow, seed="first"), NaN until the A/D line has
    max(fast, slow) values; a row with a missing price or volume is a missing A/D value. Bit for bit."""
    h, lo, c, v = _walks(300, 4, 5)
    rng = np.random.default_rng(6)
    for a in (h, lo, c, v):
        a[rng.random(a.shape) < 0.03] = np.nan
    h[:17, 1] = np.nan
    h[5, 2] = lo[5, 2]  # a bar with no range: no flow, still an observation
    for fast, slow in ((3, 10), (10, 3), (2, 2)):
        ours = engine.run_adosc(h, lo, c, v, fast, slow)
        with np.errstate(invalid="ignore", divide="ignore"):
            flow = np.where(h - lo > 0, (c - lo - (h - c)) / (h - lo) * v, 0.0)
        missing = np.isnan(h) | np.isnan(lo) | np.isnan(c) | np.isnan(v)
        flow[missing] = 0.0
        ad = np.cumsum(flow, axis=0)
        ad[missing] = np.nan
        ref = F.ema(ad, fast, seed="first") - F.ema(ad, slow, seed="first")
        ref[np.cumsum(~missing, axis=0) < max(fast, slow)] = np.nan
        np.testing.assert_array_equal(ours, ref)


def test_kama_skips_missing_values():
    """KAMA of a column with missing values is TA-Lib's KAMA of its observations, carried over the gaps."""
    x = _gappy(400, 5, 7)
    for n in (1, 2, 10):
        ours = engine.run_kama(x, n)
        for j in range(x.shape[1]):
            obs = ~np.isnan(x[:, j])
            ref = pd.Series(np.nan, index=range(len(x)))
            ref[obs] = talib.KAMA(x[obs, j], n)
            ref = ref.ffill().where(np.cumsum(obs) > (n if n > 1 else 0))
            assert_talib(ours[:, j], ref.to_numpy())


def _adx_loop(h, lo, c, n):
    """The ADX family of one column by the documented rules, one row at a time (no vectorisation)."""
    T = len(c)
    out = np.full((T, 5), np.nan)
    b = 1.0 - 1.0 / n
    sums, count, avg, w, live = [0.0, 0.0, 0.0], 0, None, 1.0, None
    adx, adx_w, adx_sum, adx_n = np.nan, 1.0, 0.0, 0
    for t in range(T):
        obs = t > 0 and not np.isnan([h[t], lo[t], c[t], h[t - 1], lo[t - 1], c[t - 1]]).any()
        if obs:
            up, down = h[t] - h[t - 1], lo[t - 1] - lo[t]
            mv = [up if up > 0 and up > down else 0.0, down if down > 0 and down > up else 0.0,
                  max(h[t] - lo[t], abs(h[t] - c[t - 1]), abs(lo[t] - c[t - 1]))]
        dx = plus = minus = np.nan
        if count < n - 1:
            if obs:
                sums = [s + m for s, m in zip(sums, mv)]
                count += 1
                if count == n - 1:
                    avg, w, live = [s / n for s in sums], 1.0, t + 1
        else:
            if obs:
                avg = [a * (w * b / (w * b + 1 - b)) + m * ((1 - b) / (w * b + 1 - b)) for a, m in zip(avg, mv)]
                w = 1.0
            else:
                w *= b
            if t >= live:
                plus = 100 * avg[0] / avg[2] if avg[2] > 0 else 0.0
                minus = 100 * avg[1] / avg[2] if avg[2] > 0 else 0.0
                dx = 100 * abs(minus - plus) / (minus + plus) if minus + plus > 0 else 0.0
        if adx_n < n:
            if not np.isnan(dx):
                adx_sum += dx
                adx_n += 1
                if adx_n == n:
                    adx = adx_sum / n
        elif minus + plus > 0:  # once seeded, a row where nothing moved leaves the ADX as it is (TA-Lib)
            adx = adx * (adx_w * b / (adx_w * b + 1 - b)) + dx * ((1 - b) / (adx_w * b + 1 - b))
            adx_w = 1.0
        out[t] = [adx, np.nan, plus, minus, dx]
        if t >= n - 1:
            out[t, 1] = (adx + out[t - n + 1, 0]) / 2
    return out


def test_adx_missing_values_follow_the_rules():
    h, lo, c, _ = _walks(250, 4, 8)
    rng = np.random.default_rng(9)
    for a in (h, lo, c):
        a[rng.random(a.shape) < 0.03] = np.nan
    c[:30, 1] = np.nan
    for n in (2, 5, 14):
        block = engine.run_adx(h, lo, c, n)
        for j in range(4):
            ref = _adx_loop(h[:, j], lo[:, j], c[:, j], n)
            for k in range(5):
                assert_talib(block[:, k * 4 + j], ref[:, k], scale=100.0, rtol=1e-12)


def test_leading_missing_values_shift_the_start():
    h, lo, c, v = _walks(200, 1, 10)
    pad = lambda a: np.vstack([np.full((13, 1), np.nan), a])  # noqa: E731
    for run in (lambda *a: engine.run_dema(a[2], 4), lambda *a: engine.run_t3(a[2], 3),
                lambda *a: engine.run_trix(a[2], 4), lambda *a: engine.run_kama(a[2], 6),
                lambda *a: engine.run_ppo(a[2], 3, 9), lambda *a: engine.run_adx(*a[:3], 5),
                lambda *a: engine.run_adosc(*a, 3, 10)):
        full, padded = run(h, lo, c, v), run(pad(h), pad(lo), pad(c), pad(v))
        assert np.isnan(padded[:13]).all()
        np.testing.assert_array_equal(padded[13:], full)


# --------------------------------------------------------------------------- paths: panels, tiles, threads


def _all(h, lo, c, v, n):
    return {
        "dema": engine.run_dema(c, n), "tema": engine.run_tema(c, n), "t3": engine.run_t3(c, n, 0.6),
        "trix": engine.run_trix(c, n), "apo": engine.run_apo(c, n, n + 4), "ppo": engine.run_ppo(c, n, n + 4),
        "kama": engine.run_kama(c, n), "adx": engine.run_adx(h, lo, c, max(n, 2)),
        "adosc": engine.run_adosc(h, lo, c, v, n, n + 4),
    }


def _with_gaps(T, N, seed, frac):
    h, lo, c, v = _walks(T, N, seed)
    rng = np.random.default_rng(seed + 1)
    for a in (h, lo, c, v):
        a[rng.random(a.shape) < frac] = np.nan
    return h, lo, c, v


def _columns_alone(h, lo, c, v, n):
    N = c.shape[1]
    parts = [_all(h[:, j:j + 1], lo[:, j:j + 1], c[:, j:j + 1], v[:, j:j + 1], n) for j in range(N)]
    out = {}
    for k in parts[0]:
        fields = parts[0][k].shape[1]
        out[k] = np.concatenate([p[k].reshape(-1, fields, 1) for p in parts], axis=2).reshape(len(c), fields * N)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(T=st.integers(0, 70), N=st.integers(1, 9), n=st.integers(1, 8), frac=st.sampled_from([0.0, 0.02, 0.2]),
       seed=st.integers(0, 2**16))
def test_property_panel_equals_columns_alone(T, N, n, frac, seed):
    h, lo, c, v = _with_gaps(T, N, seed, frac)
    together, alone = _all(h, lo, c, v, n), _columns_alone(h, lo, c, v, n)
    for k in together:
        np.testing.assert_array_equal(together[k], alone[k], err_msg=k)


@pytest.mark.parametrize("frac", [0.0, 0.001, 0.05])
def test_tiles_and_threads_do_not_change_bits(monkeypatch, frac):
    """600 columns: three tiles, and two column ranges on two threads; every result bit for bit the same."""
    h, lo, c, v = _with_gaps(160, 600, 11, frac)
    c[:40, 300] = np.nan  # one late column holds its tile back on the general path
    alone = _columns_alone(h[:, :5], lo[:, :5], c[:, :5], v[:, :5], 6)
    results = []
    for threads in (1, 2):
        monkeypatch.setattr(engine.config, "threads", threads)
        monkeypatch.setattr(engine.config, "columns_per_thread", 1)
        results.append(_all(h, lo, c, v, 6))
    for k in results[0]:
        np.testing.assert_array_equal(results[0][k], results[1][k], err_msg=k)
        fields = alone[k].shape[1] // 5
        block = results[0][k].reshape(160, fields, 600)[:, :, :5].reshape(160, fields * 5)
        np.testing.assert_array_equal(block, alone[k], err_msg=k)


def test_threads_from_the_environment_do_not_change_bits(monkeypatch):
    h, lo, c, v = _with_gaps(100, 520, 12, 0.01)
    monkeypatch.setattr(engine.config, "columns_per_thread", 1)
    monkeypatch.setattr(engine.config, "threads", None)
    monkeypatch.setenv("EWMAKIT_NUM_THREADS", "1")
    one = _all(h, lo, c, v, 4)
    monkeypatch.setenv("EWMAKIT_NUM_THREADS", "2")
    two = _all(h, lo, c, v, 4)
    for k in one:
        np.testing.assert_array_equal(one[k], two[k], err_msg=k)


# --------------------------------------------------------------------------- bad input


def test_engine_checks_windows_shapes_and_inf():
    x = np.ones((10, 2))
    with pytest.raises(ValueError, match="window must be an integer >= 1, got 0"):
        engine.run_dema(x, 0)
    with pytest.raises(ValueError, match="window must be an integer >= 2, got 1"):
        engine.run_adx(x, x, x, 1)
    with pytest.raises(ValueError, match="fast must be smaller than slow"):
        engine.run_apo(x, 5, 5)
    with pytest.raises(ValueError, match=r"vfactor must be a number in \[0, 1\], got 1.5"):
        engine.run_t3(x, 3, 1.5)
    with pytest.raises(ValueError, match="high, low, close must have one shape"):
        engine.run_adx(x, x[:5], x, 3)
    with pytest.raises(ValueError, match="2-D"):
        engine.run_kama(np.ones(5), 3)
    bad = x.copy()
    bad[4, 1] = np.inf
    for run in (lambda: engine.run_tema(bad, 2), lambda: engine.run_kama(bad, 2),
                lambda: engine.run_adx(x, x, bad, 2), lambda: engine.run_adosc(x, x, x, bad, 2, 3)):
        with pytest.raises(ValueError, match="inf"):
            run()


def test_kernels_refuse_wrong_sizes():
    from ewmakit._engine import _family

    x = np.ones((10, 3))
    with pytest.raises(ValueError, match="out"):
        _family.chain(x, np.empty((10, 2)), 0, np.array([0.5, 0.5]), np.array([2, 2]), np.array([-1, 0]),
                      np.zeros(4), 1)
    with pytest.raises(ValueError, match="this kind needs 3"):
        _family.chain(x, np.empty((10, 3)), 1, np.array([0.5, 0.5]), np.array([2, 2]), np.array([-1, 0]),
                      np.zeros(4), 1)
    with pytest.raises(ValueError, match="out's columns"):
        _family.adx(x, x, x, np.empty((10, 3)), 3, 1)
    with pytest.raises(ValueError, match="volume"):
        _family.adosc(x, x, x, np.ones((9, 3)), np.empty((10, 3)), np.array([0.5, 0.8]), 3, 1)


# --------------------------------------------------------------------------- the public functions


import polars as pl  # noqa: E402


@pytest.fixture(scope="module")
def spy_frame():
    return read_csv(require_shared_data("SPY_daily.csv"))


@pytest.fixture(scope="module")
def closes():
    return pd.DataFrame({t: read_csv(require_shared_data(f"panel_2005_2026/{t}.csv"))["Close"]
                         for t in ("SPY", "QQQ", "GLD", "TLT", "IWM")})


SINGLE = [  # (function, args, name, TA-Lib reference, scale of the absolute floor: None = the prices')
    (F.dema, (30,), "dema_30", lambda c: talib.DEMA(c, 30), 0.0),
    (F.tema, (9,), "tema_9", lambda c: talib.TEMA(c, 9), 0.0),
    (F.t3, (5, 0.7), "t3_5", lambda c: talib.T3(c, 5, 0.7), 0.0),
    (F.trix, (15,), "trix_15", lambda c: talib.TRIX(c, 15), 1.0),
    (F.apo, (12, 26), "apo_12_26", lambda c: talib.APO(c, 12, 26, matype=1), None),
    (F.ppo, (5, 35), "ppo_5_35", lambda c: talib.PPO(c, 5, 35, matype=1), 100.0),
    (F.kama, (10,), "kama_10", lambda c: talib.KAMA(c, 10), 0.0),
]


@pytest.mark.parametrize("func,args,name,ref,scale", SINGLE, ids=[s[2] for s in SINGLE])
def test_single_input_members_on_every_input_kind(spy_frame, closes, func, args, name, ref, scale):
    close = spy_frame["Close"]
    expected = ref(close.to_numpy())
    floor = np.max(close) if scale is None else scale
    out = func(close, *args)  # a Series: named, on the index
    assert isinstance(out, pd.Series) and out.name == name and out.index.equals(close.index)
    assert_talib(out, expected, scale=floor)
    assert_talib(func(close.to_numpy(), *args), expected, scale=floor)  # an array: an array
    polar = func(pl.Series("close", close.to_numpy()), *args)
    assert isinstance(polar, pl.Series) and polar.name == name
    assert_talib(polar.to_numpy(), expected, scale=floor)
    assert_talib(getattr(close.ewmakit, func.__name__)(*args), expected, scale=floor)  # the accessor
    wide = func(closes, *args)  # a panel: its columns, each column TA-Lib's
    assert isinstance(wide, pd.DataFrame) and list(wide.columns) == list(closes.columns)
    for t in closes:
        assert_talib(wide[t], ref(closes[t].to_numpy()), scale=np.max(closes[t]) if scale is None else scale)
    np.testing.assert_array_equal(getattr(closes.ewmakit, func.__name__)(*args).to_numpy(), wide.to_numpy())
    pwide = func(pl.from_pandas(closes), *args)
    assert isinstance(pwide, pl.DataFrame) and pwide.columns == list(closes.columns)
    np.testing.assert_array_equal(pwide.to_numpy(), wide.to_numpy())


def _long(closes):
    """The panel as a long table, the tickers' rows interleaved (and one ticker starting late)."""
    long = closes.iloc[:600].stack().rename("close").reset_index()
    long.columns = ["date", "ticker", "close"]
    long = long[~((long["ticker"] == "GLD") & (long.index < 400))].reset_index(drop=True)
    return long


@pytest.mark.parametrize("func,args,name,ref,scale", SINGLE, ids=[s[2] for s in SINGLE])
def test_single_input_members_by_group(closes, func, args, name, ref, scale):
    long = _long(closes)
    out = func(long, *args, by="ticker", columns="close")
    assert isinstance(out, pd.Series) and out.name == name and out.index.equals(long.index)
    pout = func(pl.from_pandas(long), *args, by="ticker", columns="close")
    np.testing.assert_array_equal(pout.to_numpy(), out.to_numpy())
    for t, rows in long.groupby("ticker").groups.items():
        alone = func(long.loc[rows, "close"].to_numpy(), *args)
        np.testing.assert_array_equal(out.loc[rows].to_numpy(), alone)  # bit for bit the group alone
        c = long.loc[rows, "close"].to_numpy()
        assert_talib(alone, ref(c), scale=np.max(c) if scale is None else scale)


def test_adx_on_every_input_kind(spy_frame, closes):
    h, lo, c = (spy_frame[k] for k in ("High", "Low", "Close"))
    refs = [f(h.to_numpy(), lo.to_numpy(), c.to_numpy(), 14)
            for f in (talib.ADX, talib.ADXR, talib.PLUS_DI, talib.MINUS_DI, talib.DX)]
    for out in (F.adx(h, lo, c), F.adx(spy_frame), F.adx(spy_frame, 14), spy_frame.ewmakit.adx(14),
                F.adx(spy_frame.rename(columns=str.lower))):
        assert isinstance(out, pd.DataFrame) and list(out.columns) == ["adx", "adxr", "plus_di", "minus_di", "dx"]
        assert out.index.equals(spy_frame.index)
        for k, r in zip(out, refs):
            assert_talib(out[k], r, scale=100.0)
    arr = F.adx(h.to_numpy(), lo.to_numpy(), c.to_numpy())
    assert list(arr.columns) == ["adx", "adxr", "plus_di", "minus_di", "dx"]
    polar = F.adx(pl.from_pandas(spy_frame.reset_index()))
    assert isinstance(polar, pl.DataFrame) and polar.columns == list(arr.columns)
    np.testing.assert_array_equal(polar.to_numpy(), arr.to_numpy())
    # a yfinance multi-ticker frame: (field, ticker) columns, one per ticker
    fields = {f: closes * m for f, m in (("High", 1.01), ("Low", 0.99), ("Close", 1.0))}
    yf = pd.concat(fields, axis=1)
    out = F.adx(yf, window=10)
    assert out.columns.nlevels == 2 and list(out["dx"].columns) == list(closes.columns)
    for t in closes:
        assert_talib(out[("adx", t)], talib.ADX(fields["High"][t].to_numpy(), fields["Low"][t].to_numpy(),
                                                 closes[t].to_numpy(), 10), scale=100.0)


def test_adx_adosc_keltner_by_group(closes):
    long = _long(closes)
    long["high"] = long["close"] * 1.01
    long["low"] = long["close"] * 0.98
    long["volume"] = 1e6 + np.arange(len(long)) % 7 * 1e5
    groups = long.groupby("ticker").groups.items()
    a = F.adx(long, 5, by="ticker")
    assert list(a.columns) == ["adx", "adxr", "plus_di", "minus_di", "dx"] and a.index.equals(long.index)
    o = F.adosc(long, by="ticker")
    assert o.name == "adosc_3_10"
    kc = F.keltner(long, by="ticker")
    for t, rows in groups:
        g = long.loc[rows]
        h, lo, c, v = (g[k].to_numpy() for k in ("high", "low", "close", "volume"))
        np.testing.assert_array_equal(a.loc[rows].to_numpy(), F.adx(h, lo, c, 5).to_numpy())
        assert_talib(a.loc[rows, "adx"], talib.ADX(h, lo, c, 5), scale=100.0)
        assert_talib(o.loc[rows], talib.ADOSC(h, lo, c, v, 3, 10), scale=np.max(np.abs(talib.AD(h, lo, c, v))))
        assert_talib(kc.loc[rows, "mid"], talib.EMA(c, 20))
        assert_talib(kc.loc[rows, "upper"], talib.EMA(c, 20) + 2.0 * talib.ATR(h, lo, c, 10))


def test_adosc_and_keltner_on_every_input_kind(spy_frame):
    h, lo, c, v = (spy_frame[k].astype(float) for k in ("High", "Low", "Close", "Volume"))
    ref = talib.ADOSC(*(a.to_numpy() for a in (h, lo, c, v)), 3, 10)
    scale = np.max(np.abs(talib.AD(*(a.to_numpy() for a in (h, lo, c, v)))))
    for out in (F.adosc(h, lo, c, v), F.adosc(spy_frame), spy_frame.ewmakit.adosc()):
        assert isinstance(out, pd.Series) and out.name == "adosc_3_10" and out.index.equals(spy_frame.index)
        assert_talib(out, ref, scale=scale)
    assert_talib(F.adosc(h.to_numpy(), lo.to_numpy(), c.to_numpy(), v.to_numpy()), ref, scale=scale)
    ema20, atr10 = talib.EMA(c.to_numpy(), 20), talib.ATR(h.to_numpy(), lo.to_numpy(), c.to_numpy(), 10)
    for out in (F.keltner(h, lo, c), F.keltner(spy_frame), spy_frame.ewmakit.keltner()):
        assert list(out.columns) == ["lower", "mid", "upper"] and out.index.equals(spy_frame.index)
        assert_talib(out["mid"], ema20)
        assert_talib(out["lower"], ema20 - 2.0 * atr10)
        assert_talib(out["upper"], ema20 + 2.0 * atr10)
    wide = F.keltner(pd.DataFrame({"A": h}), pd.DataFrame({"A": lo}), pd.DataFrame({"A": c}), 10, 5, 1.5)
    assert wide.columns.tolist() == [("lower", "A"), ("mid", "A"), ("upper", "A")]
    assert_talib(wide[("upper", "A")], talib.EMA(c.to_numpy(), 10) + 1.5 * talib.ATR(h.to_numpy(), lo.to_numpy(),
                                                                                     c.to_numpy(), 5))


@pytest.mark.parametrize("opts", [{}, {"bias_correction": True}, {"ignore_na": True, "min_periods": 5},
                                  {"bias": True}])
def test_ewm_beta_equals_pandas(closes, opts):
    r = np.log(closes).diff()
    r.iloc[100:103, 1] = np.nan  # gaps in an asset
    m = r["SPY"].copy()
    m.iloc[300] = np.nan  # and in the market
    assets = r[["QQQ", "GLD", "TLT"]]
    out = F.ewm_beta(assets, m, 0.94, **opts)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["QQQ", "GLD", "TLT"]
    pd_opts = {"alpha": 0.06, "adjust": opts.get("bias_correction", False),
               "ignore_na": opts.get("ignore_na", False), "min_periods": opts.get("min_periods", 0)}
    for t in assets:
        ref = assets[t].ewm(**pd_opts).cov(m, bias=opts.get("bias", False)) / \
            m.ewm(**pd_opts).var(bias=opts.get("bias", False))
        np.testing.assert_allclose(out[t], ref, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(np.isnan(out[t]), np.isnan(ref))
    one = F.ewm_beta(assets["QQQ"], m)
    assert one.name == "ewm_beta_0.94"
    np.testing.assert_array_equal(one.to_numpy(), out["QQQ"].to_numpy() if not opts else F.ewm_beta(assets, m)["QQQ"])
    np.testing.assert_array_equal(assets["QQQ"].ewmakit.ewm_beta(m).to_numpy(), one.to_numpy())


def test_ewm_beta_by_group(closes):
    r = np.log(closes.iloc[:500]).diff()
    long = r[["QQQ", "GLD"]].stack().rename("ret").reset_index()
    long.columns = ["date", "ticker", "ret"]
    market = r["SPY"].reindex(long["date"]).to_numpy()
    out = F.ewm_beta(long, market, by="ticker", columns="ret")
    for t, rows in long.groupby("ticker").groups.items():
        alone = F.ewm_beta(long.loc[rows, "ret"].to_numpy(), market[rows])
        np.testing.assert_array_equal(out.loc[rows].to_numpy(), alone)
        ref = long.loc[rows, "ret"].reset_index(drop=True).ewm(alpha=0.06, adjust=False).cov(
            pd.Series(market[rows])) / pd.Series(market[rows]).ewm(alpha=0.06, adjust=False).var()
        np.testing.assert_allclose(alone, ref, rtol=1e-9, atol=1e-12)


def test_public_bad_input():
    x = np.linspace(1.0, 2.0, 40)
    with pytest.raises(ValueError, match="window must be an integer >= 1, got 0"):
        F.dema(x, 0)
    with pytest.raises(ValueError, match=r"vfactor must be a number in \[0, 1\], got -0.1"):
        F.t3(x, 5, -0.1)
    with pytest.raises(ValueError, match="fast must be smaller than slow, got fast=26, slow=12"):
        F.ppo(x, 26, 12)
    with pytest.raises(ValueError, match="window must be an integer >= 2"):
        F.adx(x, x, x, 1)
    with pytest.raises(ValueError, match="adx needs High, Low and Close"):
        F.adx(x)
    with pytest.raises(ValueError, match="close not given"):
        F.adx(x, x)
    with pytest.raises(ValueError, match="high and low must have the same length, got 40 and 30"):
        F.adx(x, x[:30], x)
    with pytest.raises(ValueError, match="high, low, close must have one shape"):
        F.adx(x[:, None], np.ones((40, 2)), x[:, None])
    with pytest.raises(ValueError, match="no Volume column"):
        F.adosc(pd.DataFrame({"High": x, "Low": x, "Close": x}))
    with pytest.raises(ValueError, match="k must be a finite number >= 0, got -1"):
        F.keltner(x, x, x, k=-1)
    with pytest.raises(ValueError, match="beta must be in"):
        F.ewm_beta(x, x, 1.0)
    with pytest.raises(ValueError, match="market_returns must have one value per row"):
        F.ewm_beta(x, x[:10])
    bad = x.copy()
    bad[7] = np.inf
    with pytest.raises(ValueError, match="inf"):
        F.kama(bad)
    with pytest.raises(ValueError, match="inf"):
        F.keltner(x, x, bad)
