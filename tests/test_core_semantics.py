"""Semantics pandas cannot check, against a plain-Python reference written from the formulas.

The reference keeps the **explicit weights** of every observation (and of the
start value, as a pseudo-observation) instead of a recursion, so it shares no
code or algebra with the compiled kernels:

* before the first observation nothing is in force (output NaN); leading NaN
  rows do not decay the start value;
* at the first observation: ``init="first"`` or ``bias_correction`` put weight
  1 on it; a start value c (``init=c``, ``"zero"`` is c = 0) becomes a
  pseudo-observation of weight d next to the observation with weight 1 − d
  (so v_0 = d·c + (1 − d)·x_0);
* at each later row with decay d (β, or 0.5 ** (Δt/h) with times) every past
  weight is multiplied by d, unless the row is NaN and ``ignore_na``;
* an observation enters with weight 1 (``bias_correction``) or 1 − d, and
  without ``bias_correction`` all weights are then rescaled to sum 1;
* mean = Σ w x / Σ w; biased variance = Σ w (x − mean)² / Σ w; the unbiased
  one is multiplied by (Σw)² / ((Σw)² − Σw²) (NaN when that is not positive);
* a missing row carries the previous value (its weights are scaled alike);
* a row is NaN while fewer than ``max(min_periods, 1)`` observations were seen.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from _gen import pair_cases, series, series_cases
from ewmakit import EWMA, ewma, ewma_weights, ewmcorr, ewmcov, ewmstd, ewmvar

OPTIONS = list(itertools.product((False, True), (False, True), (0, 1, 5)))  # bias_correction, ignore_na, min_periods
OPTION_IDS = [f"bc={bc}-ina={ina}-mp={mp}" for bc, ina, mp in OPTIONS]


# --------------------------------------------------------------------------- the reference


def _weights_pass(x, y, decays, adjust, ignore_na, init):
    """One pass with explicit weights: (mean_x, unbiased cov, biased cov, observations so far) per row."""
    pair = y is not None
    if not pair:
        y = x
    n = len(x)
    weights, xs, ys = [], [], []
    nobs = 0
    means, unbiased, biased, counts = [], [], [], []
    for i in range(n):
        d = decays[i]
        obs = not (math.isnan(x[i]) or math.isnan(y[i]))
        if weights:
            if obs or not ignore_na:
                weights = [w * d for w in weights]
            if obs:
                weights.append(1.0 if adjust else 1.0 - d)
                xs.append(float(x[i]))
                ys.append(float(y[i]))
                if not adjust:
                    total = sum(weights)
                    weights = [w / total for w in weights]
        elif obs:
            if init is None or adjust:
                weights, xs, ys = [1.0], [float(x[i])], [float(y[i])]
            else:
                cx, cy = init if pair else (init, init)
                weights, xs, ys = [d, 1.0 - d], [cx, float(x[i])], [cy, float(y[i])]
        nobs += obs
        counts.append(nobs)
        if not obs:  # nothing yet (NaN), or the value is carried (all weights scaled alike; d = 0 makes them 0)
            means.append(means[-1] if means else math.nan)
            unbiased.append(unbiased[-1] if unbiased else math.nan)
            biased.append(biased[-1] if biased else math.nan)
            continue
        sw = sum(weights)
        mx = sum(w * v for w, v in zip(weights, xs)) / sw
        my = sum(w * v for w, v in zip(weights, ys)) / sw
        c = sum(w * (a - mx) * (b - my) for w, a, b in zip(weights, xs, ys)) / sw
        sw2 = sum(w * w for w in weights)
        den = sw * sw - sw2
        # den is a difference of nearly equal numbers when one weight dominates;
        # treat a relative size below 1e-13 as zero (the kernel gets exactly 0 there)
        means.append(mx)
        biased.append(c)
        unbiased.append(sw * sw / den * c if den > 1e-13 * sw * sw else math.nan)
    return np.array(means), np.array(unbiased), np.array(biased), np.array(counts, dtype=np.int64)


_PASSES: dict = {}


def reference(x, y=None, *, decays, adjust=False, ignore_na=False, init=None, min_periods=0, bias=False):
    """Plain-Python EW mean and covariance (variance when y is None) from explicit weights.

    ``decays[i]`` is the decay of row i; ``init`` is None ("first") or the start value
    (a number, or a pair (cx, cy) for the covariance). Returns (mean_x, cov) arrays;
    rows with fewer than max(min_periods, 1) observations are NaN. (The pass itself is
    cached, so the min_periods/bias variants of one series cost one pass.)
    """
    key = (np.asarray(x, dtype=float).tobytes(), None if y is None else np.asarray(y, dtype=float).tobytes(),
           tuple(decays), adjust, ignore_na, init)
    if key not in _PASSES:
        _PASSES[key] = _weights_pass(x, y, decays, adjust, ignore_na, init)
    means, unbiased, biased, counts = _PASSES[key]
    keep = counts >= max(min_periods, 1)
    return np.where(keep, means, np.nan), np.where(keep, biased if bias else unbiased, np.nan)


def const_decays(n, beta):
    return [beta] * n


def time_decays(t, h):
    t = np.asarray(t, dtype=float)
    return [1.0] + [0.5 ** ((t[i] - t[i - 1]) / h) for i in range(1, len(t))]


def assert_same(actual, expected, label="", rtol=1e-11, atol=1e-12):
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, label
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg=f"NaN pattern differs: {label}")
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True, err_msg=label)


def test_reference_agrees_with_pandas_on_a_gappy_series():
    # sanity check of the reference itself (the kernels are checked against it below)
    x = series(3, 120, offset=10.0)
    for bc, ina in itertools.product((False, True), repeat=2):
        m, v = reference(x, decays=const_decays(len(x), 0.8), adjust=bc, ignore_na=ina)
        ref = pd.Series(x).ewm(alpha=0.2, adjust=bc, ignore_na=ina)
        assert_same(m, ref.mean(), f"bc={bc} ina={ina}")
        assert_same(v, ref.var(), f"bc={bc} ina={ina}", rtol=1e-9, atol=1e-10)


# --------------------------------------------------------------------------- init


def test_init_zero_is_the_optimizer_convention():
    rng = np.random.default_rng(0)
    g = rng.normal(size=200)
    for beta in (0.0, 0.5, 0.9, 0.999):
        m = 0.0
        expected = []
        for gt in g:
            m = beta * m + (1 - beta) * gt
            expected.append(m)
        got = ewma(g, beta, init="zero")
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
        assert got[0] == pytest.approx((1 - beta) * g[0], rel=1e-15)
        # the same thing as init=0 and as an explicit start value of 0.0
        np.testing.assert_array_equal(ewma(g, beta, init=0), got)
        np.testing.assert_array_equal(ewma(g, beta, init=0.0), got)


def test_init_zero_docstring_numbers():
    np.testing.assert_allclose(ewma([1.0, 2.0, 3.0], 0.9, init="zero"), [0.1, 0.29, 0.561], rtol=1e-13)


@pytest.mark.parametrize("init", [0.0, 5.0, -3.25, 100])
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_init_number_without_nans(init, beta):
    x = np.array([1.0, 4.0, 2.0, 8.0, 5.0])
    v = float(init)
    expected = []
    for xi in x:
        v = beta * v + (1 - beta) * xi
        expected.append(v)
    np.testing.assert_allclose(ewma(x, beta, init=init), expected, rtol=1e-14)


@pytest.mark.parametrize("bc, ina, mp", [o for o in OPTIONS if not o[0]], ids=[i for o, i in zip(OPTIONS, OPTION_IDS)
                                                                              if not o[0]])
@pytest.mark.parametrize("init", ["zero", 7.5, -2])
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.99])
def test_init_against_reference(beta, init, bc, ina, mp):
    start = 0.0 if init == "zero" else float(init)
    for label, x in series_cases(offset=3.0):
        m, v = reference(x, decays=const_decays(len(x), beta), ignore_na=ina, init=start, min_periods=mp)
        assert_same(ewma(x, beta, init=init, ignore_na=ina, min_periods=mp), m, label)
        assert_same(ewmvar(x, beta, init=init, ignore_na=ina, min_periods=mp), v, f"var {label}",
                    rtol=1e-9, atol=1e-10)
        _, vb = reference(x, decays=const_decays(len(x), beta), ignore_na=ina, init=start, min_periods=mp,
                          bias=True)
        assert_same(ewmvar(x, beta, init=init, ignore_na=ina, min_periods=mp, bias=True), vb,
                    f"biased var {label}", rtol=1e-9, atol=1e-10)


def test_init_leading_nans_do_not_decay_the_start():
    x = np.array([np.nan, np.nan, np.nan, 4.0, np.nan, 6.0])
    beta = 0.5
    out = ewma(x, beta, init=10.0)
    assert np.isnan(out[:3]).all()
    v3 = 0.5 * 10.0 + 0.5 * 4.0  # not 0.5**4 * 10 + ...: the start waits for the first observation
    assert out[3] == v3
    assert out[4] == v3  # carried
    # ignore_na=False: the NaN row decays the past; renormalised: (0.25*v3 + 0.5*6)/0.75
    assert out[5] == pytest.approx((0.25 * v3 + 0.5 * 6.0) / 0.75, rel=1e-15)
    assert ewma(x, beta, init=10.0, ignore_na=True)[5] == pytest.approx(0.5 * v3 + 0.5 * 6.0, rel=1e-15)
    z = ewma(x, beta, init="zero")
    assert np.isnan(z[:3]).all()
    assert z[3] == 2.0  # (1 - beta) * x_first


def test_init_array_per_column():
    X = np.column_stack([series(s, 60, offset=2.0 * s) for s in range(3)])
    init = np.array([1.0, -2.0, 30.0])
    out = ewma(X, 0.8, init=init)
    for j in range(3):
        m, _ = reference(X[:, j], decays=const_decays(60, 0.8), init=init[j])
        assert_same(out[:, j], m, f"column {j}")
        np.testing.assert_array_equal(out[:, j], ewma(X[:, j], 0.8, init=init[j]))
    # list input, the time axis last, and ewmvar
    np.testing.assert_array_equal(ewma(X.T, 0.8, init=init.tolist(), axis=1), out.T)
    v = ewmvar(X, 0.8, init=init)
    for j in range(3):
        np.testing.assert_array_equal(v[:, j], ewmvar(X[:, j], 0.8, init=init[j]))
    # one value broadcast to every column
    np.testing.assert_array_equal(ewma(X, 0.8, init=[5.0])[:, 2], ewma(X[:, 2], 0.8, init=5.0))


def test_init_array_3d_matches_series_layout():
    X = np.stack([series(s, 40) for s in range(6)], axis=1).reshape(40, 2, 3)
    init = np.arange(6.0).reshape(2, 3)
    out = ewma(X, 0.7, init=init)
    for a in range(2):
        for b in range(3):
            np.testing.assert_array_equal(out[:, a, b], ewma(X[:, a, b], 0.7, init=init[a, b]))


def test_init_zero_and_bias_correction_are_the_adam_estimate():
    g = np.random.default_rng(5).normal(size=50)
    beta = 0.9
    m = 0.0
    expected = []
    for t, gt in enumerate(g, start=1):
        m = beta * m + (1 - beta) * gt
        expected.append(m / (1 - beta**t))
    np.testing.assert_allclose(ewma(g, beta, bias_correction=True), expected, rtol=1e-12)
    np.testing.assert_array_equal(ewma(g, beta, bias_correction=True, init="zero"),
                                  ewma(g, beta, bias_correction=True))
    np.testing.assert_array_equal(ewma(g, beta, bias_correction=True, init=0),
                                  ewma(g, beta, bias_correction=True))


# --------------------------------------------------------------------------- leading NaNs and carried values


@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_mean_var_against_reference(beta, bc, ina, mp):
    for label, x in series_cases(offset=4.0):
        m, v = reference(x, decays=const_decays(len(x), beta), adjust=bc, ignore_na=ina, min_periods=mp)
        assert_same(ewma(x, beta, bias_correction=bc, ignore_na=ina, min_periods=mp), m, label)
        got_v = ewmvar(x, beta, bias_correction=bc, ignore_na=ina, min_periods=mp)
        assert_same(got_v, v, f"var {label}", rtol=1e-9, atol=1e-10)


def test_leading_nans_and_carried_values():
    x = np.array([np.nan, np.nan, 2.0, np.nan, np.nan, 5.0, np.nan])
    for bc, ina in itertools.product((False, True), repeat=2):
        out = ewma(x, 0.6, bias_correction=bc, ignore_na=ina)
        assert np.isnan(out[:2]).all()
        assert out[2] == 2.0
        assert out[3] == out[4] == 2.0  # carried through the gap
        assert out[6] == out[5]  # carried after the last observation
        if ina:
            expected = (0.6 * 2.0 + (1.0 if bc else 0.4) * 5.0) / (0.6 + (1.0 if bc else 0.4))
        else:
            expected = (0.6**3 * 2.0 + (1.0 if bc else 0.4) * 5.0) / (0.6**3 + (1.0 if bc else 0.4))
        assert out[5] == pytest.approx(expected, rel=1e-15)
    v = ewmvar(x, 0.6)
    assert np.isnan(v[:5]).all()  # one observation: no unbiased variance yet
    assert v[6] == v[5]
    vb = ewmvar(x, 0.6, bias=True)
    assert np.isnan(vb[:2]).all()
    assert (vb[2:5] == 0.0).all()
    assert vb[6] == vb[5] > 0


def test_all_nan_input_is_all_nan():
    for func in (ewma, ewmvar, ewmstd):
        assert np.isnan(func(np.full(6, np.nan), 0.5)).all()
    assert np.isnan(ewma(np.full(6, np.nan), 0.5, init=3.0)).all()
    assert np.isnan(ewmcov(np.full(4, np.nan), np.ones(4), 0.5)).all()


def test_min_periods_counts_observations_not_rows():
    x = np.array([np.nan, 1.0, np.nan, 2.0, 3.0, np.nan, 4.0])
    out = ewma(x, 0.5, min_periods=3)
    assert np.isnan(out[:4]).all()
    full = ewma(x, 0.5)
    np.testing.assert_array_equal(out[4:], full[4:])


# --------------------------------------------------------------------------- cov / corr against the reference


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_cov_against_reference(bc, ina, mp, bias):
    for label, x, y in pair_cases():
        _, c = reference(x, y, decays=const_decays(len(x), 0.85), adjust=bc, ignore_na=ina, min_periods=mp,
                         bias=bias)
        got = ewmcov(x, y, 0.85, bias_correction=bc, ignore_na=ina, min_periods=mp, bias=bias)
        assert_same(got, c, label, rtol=1e-9, atol=1e-10)


def test_cov_init_pair_against_reference():
    x = series(40, 80, offset=1.0)
    y = series(41, 80, offset=-1.0)
    _, c = reference(x, y, decays=const_decays(80, 0.7), init=(2.0, 2.0))
    assert_same(ewmcov(x, y, 0.7, init=2.0), c, rtol=1e-9, atol=1e-10)


# --------------------------------------------------------------------------- times


def _daily(n, start="2020-01-01"):
    return pd.date_range(start, periods=n, freq="D").to_numpy()


@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_regular_times_equal_untimed_halflife(bc, ina, mp):
    # Deliberate design: a regular grid with NaN gaps gives exactly the untimed
    # result (renormalised weights), also without bias_correction where pandas 3 differs.
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp)
    for label, x in series_cases(offset=5.0):
        t = _daily(len(x))
        assert_same(ewma(x, halflife="3D", times=t, **kw), ewma(x, halflife=3, **kw), label, rtol=1e-14, atol=0)
        for bias in (False, True):
            assert_same(ewmvar(x, halflife="3D", times=t, bias=bias, **kw), ewmvar(x, halflife=3, bias=bias, **kw),
                        label, rtol=1e-13, atol=0)
            assert_same(ewmstd(x, halflife=pd.Timedelta(days=3), times=t, bias=bias, **kw),
                        ewmstd(x, halflife=3, bias=bias, **kw), label, rtol=1e-13, atol=0)
    for label, x, y in pair_cases():
        t = _daily(len(x))
        for bias in (False, True):
            assert_same(ewmcov(x, y, halflife="3D", times=t, bias=bias, **kw),
                        ewmcov(x, y, halflife=3, bias=bias, **kw), label, rtol=1e-13, atol=0)
        assert_same(ewmcorr(x, y, halflife="3D", times=t, **kw), ewmcorr(x, y, halflife=3, **kw), label,
                    rtol=1e-13, atol=0)


def test_regular_times_with_gap_differ_from_pandas3_adjust_false_by_design():
    # Documented in ewmakit.ewma: pandas 3 with times and adjust=False decays a NaN
    # gap in one step; ewmakit renormalises like the untimed case. Pin both facts.
    x = np.array([1.0, 2.0, np.nan, np.nan, 10.0, 3.0])
    t = pd.DatetimeIndex(_daily(6))
    ours = ewma(x, halflife="3D", times=t)
    np.testing.assert_array_equal(ours, ewma(x, halflife=3))
    d = 0.5 ** (1 / 3)
    past = ewma(x, halflife=3)[1]
    assert ours[4] == pytest.approx((d**3 * past + (1 - d) * 10.0) / (d**3 + 1 - d), rel=1e-14)


def test_regular_times_without_gaps_equal_pandas_adjust_false():
    x = series(12, 150, nan_frac=0.0, leading=0, offset=9.0)
    t = pd.DatetimeIndex(_daily(150))
    exp = pd.Series(x).ewm(halflife="3D", times=t, adjust=False).mean().to_numpy()
    assert_same(ewma(x, halflife="3D", times=t), exp, rtol=1e-12, atol=0)


def _irregular_days(n, seed):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.choice([0, 1, 1, 1, 2, 3, 5], size=n)).astype(float)


@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_numeric_times_equal_datetime_times(bc, ina, mp):
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp)
    for seed in range(3):
        x = series(seed, 200, offset=1.0)
        days = _irregular_days(200, seed)
        dt = np.datetime64("2019-06-01") + days.astype("timedelta64[D]")
        assert_same(ewma(x, halflife=2.5, times=days, **kw), ewma(x, halflife="60h", times=dt, **kw), rtol=1e-14)
        assert_same(ewma(x, halflife=2.5, times=days.astype(np.int64), **kw),
                    ewma(x, halflife="60h", times=dt, **kw), rtol=1e-14)
        assert_same(ewmvar(x, halflife=2.5, times=days, **kw), ewmvar(x, halflife="60h", times=dt, **kw),
                    rtol=1e-12)


@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
@pytest.mark.parametrize("bias", [False, True])
def test_irregular_times_var_std_against_reference(bc, ina, mp, bias):
    h = 2.0
    for seed in range(3):
        for n in (1, 2, 5, 150):
            x = series(seed + 20, n, offset=3.0)
            days = _irregular_days(n, seed)
            t = np.datetime64("2022-01-03") + days.astype("timedelta64[D]")
            decays = time_decays(days, h)
            m, v = reference(x, decays=decays, adjust=bc, ignore_na=ina, min_periods=mp, bias=bias)
            kw = dict(halflife="2D", times=t, bias_correction=bc, ignore_na=ina, min_periods=mp)
            assert_same(ewma(x, **kw), m, f"mean seed {seed} n {n}")
            assert_same(ewmvar(x, bias=bias, **kw), v, f"var seed {seed} n {n}", rtol=1e-9, atol=1e-10)
            assert_same(ewmstd(x, bias=bias, **kw), np.sqrt(v), f"std seed {seed} n {n}", rtol=1e-9, atol=1e-6)


def test_irregular_times_cov_corr_against_reference():
    x = series(50, 120, offset=1.0)
    y = 0.3 * np.nan_to_num(x) + series(51, 120, offset=2.0)
    y[np.isnan(x)] = 1.0  # y present where x is missing, and the reverse (series 51 has its own NaNs)
    both = ~(np.isnan(x) | np.isnan(y))
    # as pandas: the variances of the correlation use only the rows where both are present
    xm, ym = np.where(both, x, np.nan), np.where(both, y, np.nan)
    days = _irregular_days(120, 9)
    decays = time_decays(days, 4.0)
    for bc, ina in itertools.product((False, True), repeat=2):
        _, cxy = reference(x, y, decays=decays, adjust=bc, ignore_na=ina, bias=True)
        _, cxx = reference(xm, decays=decays, adjust=bc, ignore_na=ina, bias=True)
        _, cyy = reference(ym, decays=decays, adjust=bc, ignore_na=ina, bias=True)
        _, cub = reference(x, y, decays=decays, adjust=bc, ignore_na=ina)
        kw = dict(halflife=4.0, times=days, bias_correction=bc, ignore_na=ina)
        assert_same(ewmcov(x, y, **kw), cub, rtol=1e-9, atol=1e-10)
        with np.errstate(all="ignore"):
            corr = cxy / np.sqrt(cxx * cyy)
        corr[np.sqrt(cxx * cyy) < 1e-12] = np.nan
        assert_same(ewmcorr(x, y, **kw), corr, rtol=1e-8, atol=1e-9)


def test_repeated_timestamps_do_not_decay():
    x = np.array([1.0, 3.0, 5.0, 2.0])
    t = np.array([0.0, 0.0, 1.0, 1.0])
    out = ewma(x, halflife=1.0, times=t, bias_correction=True)
    # weights with bias_correction: row 1 adds weight 1 without decay; row 2 halves the past
    assert out[1] == 2.0
    assert out[2] == pytest.approx((0.5 * 1 + 0.5 * 3 + 5) / 2.0, rel=1e-15)
    assert out[3] == pytest.approx((0.5 * 1 + 0.5 * 3 + 5 + 2) / 3.0, rel=1e-15)
    # without bias correction a step of zero length gives the new point no weight
    assert ewma(x, halflife=1.0, times=t)[1] == 1.0


def test_tz_aware_times_equal_utc():
    x = series(60, 50, offset=2.0)
    t = pd.date_range("2021-03-10", periods=50, freq="17h", tz="America/New_York")  # crosses a DST change
    naive = t.tz_convert("UTC").tz_localize(None)
    np.testing.assert_array_equal(ewma(x, halflife="2D", times=t, bias_correction=True),
                                  ewma(x, halflife="2D", times=naive, bias_correction=True))


# --------------------------------------------------------------------------- ewma_weights


@pytest.mark.parametrize("n", [1, 2, 3, 10, 57])
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.99])
def test_ewma_weights_reproduce_the_last_value(n, beta):
    x = np.random.default_rng(n).normal(size=n) * 10 + 3
    for kw, total in ((dict(), 1.0), (dict(init="first"), 1.0), (dict(bias_correction=True), 1.0),
                      (dict(init="zero"), 1.0 - beta**n)):
        w = ewma_weights(n, beta, **kw)
        assert w.shape == (n,)
        assert w.sum() == pytest.approx(total, rel=1e-12, abs=1e-15)
        assert w @ x == pytest.approx(ewma(x, beta, **kw)[-1], rel=1e-12, abs=1e-12)
        assert np.all(w >= 0)
        if n > 1 and 0 < beta:
            np.testing.assert_allclose(w[2:] / w[1:-1], 1 / beta, rtol=1e-12)  # geometric, newest largest


def test_ewma_weights_exact_values():
    np.testing.assert_array_equal(ewma_weights(3, 0.5), [0.25, 0.25, 0.5])
    np.testing.assert_allclose(ewma_weights(3, 0.5, bias_correction=True), [1 / 7, 2 / 7, 4 / 7], rtol=1e-15)
    np.testing.assert_allclose(ewma_weights(3, 0.5, init="zero"), [0.125, 0.25, 0.5], rtol=1e-15)
    np.testing.assert_allclose(ewma_weights(4, window=3), ewma_weights(4, 0.5), rtol=1e-15)
    np.testing.assert_allclose(ewma_weights(2, alpha=0.25), [0.75, 0.25], rtol=1e-15)


# --------------------------------------------------------------------------- empty input


@pytest.mark.parametrize("shape", [(0,), (0, 3), (0, 2, 2), (5, 0)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_empty_input(shape, dtype):
    x = np.empty(shape, dtype=dtype)
    for func in (ewma, ewmvar, ewmstd):
        out = func(x, 0.9)
        assert out.shape == shape and out.dtype == dtype, func.__name__
    for func in (ewmcov, ewmcorr):
        out = func(x, x, 0.9)
        assert out.shape == shape and out.dtype == dtype, func.__name__
    if shape[0] == 0:
        out = ewma(x, halflife="1D", times=np.array([], dtype="datetime64[ns]"))
        assert out.shape == shape and out.dtype == dtype
    out = ewma(np.empty(shape, dtype=np.int64), 0.5)
    assert out.shape == shape and out.dtype == np.float64


def test_empty_list_and_empty_streaming_update():
    out = ewma([], 0.5)
    assert out.shape == (0,) and out.dtype == np.float64
    s = EWMA(0.5)
    assert s.update_many([]).shape == (0,)
    assert s.count == 0 and s.value is None
    np.testing.assert_array_equal(s.update_many([1.0, 3.0]), [1.0, 2.0])
