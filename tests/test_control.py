"""EWMA control charts and run lengths (SPEC §6): published ARLs, formulas, a seeded Monte-Carlo."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import ewmakit
from ewmakit.control import MEDIAN_MOVING_RANGE, arl, critical_L, ewma_chart

# --------------------------------------------------------------------------- published ARLs

# Lucas & Saccucci (1990), Table 3; the same numbers are Montgomery (2019), Table 9.11.
PUBLISHED = [
    # alpha, L, shift, ARL as printed
    (0.10, 2.814, 0.5, 31.3),
    (0.10, 2.814, 1.0, 10.3),
    (0.50, 3.071, 0.5, 88.8),
    (0.50, 3.071, 1.0, 17.5),
]


@pytest.mark.parametrize("method", ["integral", "markov"])
@pytest.mark.parametrize("alpha, L, shift, published", PUBLISHED)
def test_out_of_control_arl_matches_lucas_saccucci(alpha, L, shift, published, method):
    # Printed to three significant figures: our value must round to it.
    assert abs(arl(alpha, L, shift, method=method) - published) <= 0.05


@pytest.mark.parametrize("method", ["integral", "markov"])
@pytest.mark.parametrize("alpha, L", [(0.10, 2.814), (0.50, 3.071)])
def test_in_control_arl_is_500_up_to_the_rounding_of_L(alpha, L, method):
    assert arl(alpha, L, method=method) == pytest.approx(500, rel=2e-3)
    # The published L carries three decimals; the exact ARL0 = 500 lies within that rounding.
    assert arl(alpha, L - 0.0005) < 500 < arl(alpha, L + 0.0005)


def test_measured_values_at_the_published_designs():
    # The figures quoted in the docstring of arl.
    assert arl(0.10, 2.814) == pytest.approx(499.5796, abs=1e-3)
    assert arl(0.10, 2.814, 0.5) == pytest.approx(31.2974, abs=1e-3)
    assert arl(0.10, 2.814, 1.0) == pytest.approx(10.3307, abs=1e-3)
    assert arl(0.50, 3.071) == pytest.approx(499.9060, abs=1e-3)
    assert arl(0.50, 3.071, 0.5) == pytest.approx(88.7954, abs=1e-3)
    assert arl(0.50, 3.071, 1.0) == pytest.approx(17.4766, abs=1e-3)


@pytest.mark.parametrize("alpha, L", [(0.10, 2.814), (0.50, 3.071)])
def test_critical_L_reproduces_the_published_design(alpha, L):
    found = critical_L(alpha, 500)
    assert round(found, 3) == L
    assert arl(alpha, found) == pytest.approx(500, rel=1e-9)


def test_critical_L_markov_agrees_with_integral():
    assert critical_L(0.10, 500, method="markov") == pytest.approx(critical_L(0.10, 500), abs=5e-4)


@pytest.mark.parametrize("alpha, arl0", [(0.05, 370.4), (0.2, 1000), (0.3, 1.5), (0.02, 200)])
def test_critical_L_inverts_arl(alpha, arl0):
    assert arl(alpha, critical_L(alpha, arl0)) == pytest.approx(arl0, rel=1e-9)


# --------------------------------------------------------------------------- closed forms and properties


@pytest.mark.parametrize("method", ["integral", "markov"])
@pytest.mark.parametrize("L, shift", [(3.0, 0.0), (3.0, 1.0), (2.5, -0.7), (3.5, 2.0)])
def test_alpha_one_is_the_shewhart_chart(L, shift, method):
    exact = 1.0 / (norm.sf(L - shift) + norm.cdf(-L - shift))
    assert arl(1.0, L, shift, method=method) == pytest.approx(exact, rel=1e-10)


def test_shewhart_3_sigma_is_370():
    assert round(arl(1.0, 3.0), 1) == 370.4
    assert critical_L(1.0, 1.0 / (2 * norm.sf(3.0))) == pytest.approx(3.0, abs=1e-9)


@pytest.mark.parametrize("shift", [0.25, 1.0, 3.0])
def test_arl_is_even_in_the_shift(shift):
    assert arl(0.2, 2.9, -shift) == pytest.approx(arl(0.2, 2.9, shift), rel=1e-12)


def test_arl_decreases_with_the_shift_and_increases_with_L():
    shifts = [0.0, 0.25, 0.5, 1.0, 2.0, 3.0]
    values = [arl(0.15, 2.9, d) for d in shifts]
    assert all(a > b for a, b in zip(values, values[1:]))
    Ls = [1.0, 2.0, 2.5, 3.0, 3.5]
    values = [arl(0.15, L) for L in Ls]
    assert all(a < b for a, b in zip(values, values[1:]))


GRID = [(a, L, d) for a, L in [(0.03, 2.4), (0.05, 2.615), (0.1, 2.814), (0.25, 2.998), (0.5, 3.071), (0.8, 3.0)]
        for d in (0.0, 0.5, 1.0, 2.0, 4.0)]


@pytest.mark.parametrize("alpha, L, shift", GRID)
def test_methods_agree_within_a_tenth_of_a_percent(alpha, L, shift):
    a_int = arl(alpha, L, shift)
    a_mc = arl(alpha, L, shift, method="markov")
    assert a_mc == pytest.approx(a_int, rel=1e-3)


@pytest.mark.parametrize("alpha, L, shift", [(0.001, 2.8, 0.0), (0.005, 3.2, 0.5), (0.01, 2.0, 1.0),
                                             (0.1, 2.814, 0.0), (0.1, 3.5, 4.0), (0.5, 1.0, 0.25), (1.0, 2.0, 0.0)])
def test_integral_default_nodes_are_converged(alpha, L, shift):
    h_over_alpha = L * math.sqrt(alpha / (2 - alpha)) / alpha
    fine = arl(alpha, L, shift, nodes=max(200, math.ceil(12 * h_over_alpha)))
    # Measured: 6e-13 at most (the first case, ARL 27 259); the solve loses no digits to the ARL's length
    # (see test_control_long_arl.py), so the quadrature error is all there is.
    assert arl(alpha, L, shift) == pytest.approx(fine, rel=1e-10)


def test_markov_error_is_second_order_in_the_number_of_states():
    exact = arl(0.1, 2.814)
    errors = [exact - arl(0.1, 2.814, method="markov", states=m) for m in (101, 201, 401)]
    assert all(e > 0 for e in errors)  # the chain underestimates the in-control ARL
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.05)
    assert errors[1] / errors[2] == pytest.approx(4.0, rel=0.05)
    # Richardson extrapolation of the chain recovers the integral's value.
    richardson = arl(0.1, 2.814, method="markov", states=401) + errors[1] / 3 - errors[2] / 3
    assert richardson == pytest.approx(exact, rel=1e-5)


# --------------------------------------------------------------------------- Monte-Carlo


def _simulated_run_lengths(alpha, L, shift, n_charts, seed, chunk=400):
    """Run lengths of n_charts standardised EWMA charts (fixed limits), each started at 0.

    The EWMAs are computed by ewmakit's streaming kernel, chunk by chunk, so a
    long in-control run costs no more memory than a short one.
    """
    rng = np.random.default_rng(seed)
    h = L * math.sqrt(alpha / (2 - alpha))
    smoother = ewmakit.EWMA(alpha=alpha, init=0.0)
    run = np.zeros(n_charts, dtype=np.int64)
    t = 0
    while (run == 0).any():
        z = smoother.update_many(rng.standard_normal((chunk, n_charts)) + shift)
        out = np.abs(z) > h
        first = np.where(out.any(axis=0), out.argmax(axis=0) + 1 + t, 0)
        run = np.where(run == 0, first, run)
        t += chunk
        assert t < 200_000, "a simulated chart never signalled"
    return run


@pytest.mark.parametrize("alpha, L, shift, n_charts, seed", [
    (0.10, 2.814, 1.0, 20_000, 20240601),
    (0.50, 3.071, 0.5, 6_000, 7),
    (0.50, 3.071, 0.0, 3_000, 11),
])
def test_monte_carlo_agrees_with_the_integral_equation(alpha, L, shift, n_charts, seed):
    runs = _simulated_run_lengths(alpha, L, shift, n_charts, seed)
    se = runs.std(ddof=1) / math.sqrt(n_charts)
    assert abs(runs.mean() - arl(alpha, L, shift)) < 4 * se
    assert se / runs.mean() < 0.02  # the check is sharp enough to mean something


# --------------------------------------------------------------------------- the chart


def _reference_chart(x, alpha, L, target, sigma):
    """Roberts' chart written out with plain Python loops."""
    z, rows = target, []
    for i, xi in enumerate(x, start=1):
        z = alpha * xi + (1 - alpha) * z
        width = L * sigma * math.sqrt(alpha / (2 - alpha) * (1 - (1 - alpha) ** (2 * i)))
        rows.append((z, target - width, target + width))
    return np.array(rows)


@pytest.mark.parametrize("alpha, L", [(0.2, 3.0), (0.05, 2.615), (0.5, 3.071), (1.0, 3.0)])
def test_exact_limits_follow_the_formula(alpha, L):
    rng = np.random.default_rng(3)
    x = rng.normal(5.0, 2.0, size=120)
    chart = ewma_chart(x, alpha, L, target=5.0, sigma=2.0)
    ref = _reference_chart(x, alpha, L, 5.0, 2.0)
    np.testing.assert_allclose(chart["ewma"], ref[:, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(chart["lcl"], ref[:, 1], rtol=1e-12)
    np.testing.assert_allclose(chart["ucl"], ref[:, 2], rtol=1e-12)
    assert (chart["center"] == 5.0).all()
    np.testing.assert_array_equal(chart["signal"], (ref[:, 0] < ref[:, 1]) | (ref[:, 0] > ref[:, 2]))
    np.testing.assert_array_equal(chart["value"], x)


def test_asymptotic_limits_are_fixed_and_bound_the_exact_ones():
    x = np.random.default_rng(4).normal(size=200)
    exact = ewma_chart(x, 0.1, 2.7, target=0.0, sigma=1.0)
    fixed = ewma_chart(x, 0.1, 2.7, target=0.0, sigma=1.0, limits="asymptotic")
    width = 2.7 * math.sqrt(0.1 / 1.9)
    np.testing.assert_allclose(fixed["ucl"], width, rtol=1e-15)
    np.testing.assert_allclose(fixed["lcl"], -width, rtol=1e-15)
    assert (exact["ucl"] <= fixed["ucl"]).all()
    assert (exact["ucl"].iloc[:50] < fixed["ucl"].iloc[:50]).all()
    assert exact["ucl"].iloc[-1] == pytest.approx(width, rel=1e-9)
    assert exact["ucl"].iloc[0] == pytest.approx(2.7 * 0.1, rel=1e-12)  # first point: sd = alpha * sigma
    np.testing.assert_array_equal(exact["ewma"], fixed["ewma"])


def test_chart_ewma_is_ewmakit_and_pandas_started_at_the_target():
    x = pd.Series(np.random.default_rng(5).normal(10, 1, 50))
    chart = ewma_chart(x, 0.3, target=9.5, sigma=1.0)
    np.testing.assert_allclose(chart["ewma"], ewmakit.ewma(x, 0.7, init=9.5), rtol=1e-15)
    by_pandas = pd.concat([pd.Series([9.5]), x], ignore_index=True).ewm(alpha=0.3, adjust=False).mean()
    np.testing.assert_allclose(chart["ewma"], by_pandas.iloc[1:], rtol=1e-13)


def test_robust_estimates_follow_the_documented_rule():
    x = np.array([3.0, 5.0, 4.0, 8.0, 6.0, 7.0, 2.0])
    chart = ewma_chart(x)
    assert chart.attrs["target"] == np.median(x) == 5.0
    assert chart.attrs["sigma"] == pytest.approx(np.median(np.abs(np.diff(x))) / 0.9538725524, rel=1e-9)
    assert MEDIAN_MOVING_RANGE == pytest.approx(math.sqrt(2) * norm.ppf(0.75), rel=1e-15)


def test_robust_sigma_is_unbiased_and_ignores_a_level_shift():
    rng = np.random.default_rng(6)
    x = rng.normal(0.0, 2.0, 20_000)
    assert ewma_chart(x).attrs["sigma"] == pytest.approx(2.0, rel=0.02)
    x[10_000:] += 6.0  # a 3-sigma level shift half-way: the sample sd is inflated by ~60 %
    assert x.std() > 3.0
    assert ewma_chart(x).attrs["sigma"] == pytest.approx(2.0, rel=0.02)


def test_phase1_estimates_from_the_leading_points_only():
    rng = np.random.default_rng(8)
    x = np.concatenate([rng.normal(10, 1, 100), rng.normal(30, 5, 100)])
    chart = ewma_chart(x, phase1=100)
    assert chart.attrs["target"] == np.median(x[:100])
    assert chart.attrs["sigma"] == pytest.approx(np.median(np.abs(np.diff(x[:100]))) / MEDIAN_MOVING_RANGE)
    assert chart.attrs["phase1"] == 100
    # a given parameter is kept, the other estimated
    assert ewma_chart(x, target=10.0, phase1=100).attrs["target"] == 10.0
    assert ewma_chart(x, sigma=1.5, phase1=100).attrs["sigma"] == 1.5


def test_shifted_process_signals_soon_after_the_shift_and_not_before():
    # A seeded process: 200 points in control, then the mean moves by 1.5 sigma. The design
    # (alpha = 0.1, ARL0 = 5000) has ARL 8.2 at that shift, so a signal within 25 points is
    # expected, and a false alarm in the first 200 points has a probability of about 4 %
    # with known parameters (more with estimated ones); this seed has none.
    rng = np.random.default_rng(2024)
    mu, sd, at = 50.0, 2.0, 200
    x = rng.normal(mu, sd, 300)
    x[at:] += 1.5 * sd
    dates = pd.bdate_range("2024-01-01", periods=x.size)
    s = pd.Series(x, index=dates, name="diameter")
    L = critical_L(0.1, 5000)
    assert arl(0.1, L, 1.5) == pytest.approx(8.18, abs=0.01)
    for kw in ({"target": mu, "sigma": sd}, {"phase1": at}):
        chart = ewma_chart(s, 0.1, L, **kw)
        signals = np.flatnonzero(chart["signal"].to_numpy())
        assert signals.size, kw
        assert signals[0] >= at, f"false alarm before the shift with {kw}"
        assert signals[0] < at + 25, kw
        assert chart["signal"].iloc[at + 25:].all()  # and it stays out once the shift is established
        assert chart.index.equals(dates)
    # Estimated from all the data, the median lands between the two levels (the documented
    # caveat: use phase1 or give the target when the history may contain the shift) ...
    assert mu < ewma_chart(s, 0.1, L).attrs["target"] < mu + 1.5 * sd
    # ... while the robust sigma is not inflated by the shift, unlike the sample sd.
    assert ewma_chart(s, 0.1, L).attrs["sigma"] < s.std()


def test_chart_output_layout():
    s = pd.Series([1.0, 2.0, 1.5, 1.8], index=pd.Index(list("abcd"), name="id"), name="x")
    chart = ewma_chart(s, 0.4, 2.5, target=1.5, sigma=0.5)
    assert list(chart.columns) == ["value", "ewma", "center", "lcl", "ucl", "signal"]
    assert chart.index.equals(s.index)
    assert chart["signal"].dtype == bool
    assert chart.attrs == {"alpha": 0.4, "L": 2.5, "target": 1.5, "sigma": 0.5, "limits": "exact", "phase1": None}
    arr = ewma_chart([1.0, 2.0, 1.5], 0.4, target=1.5, sigma=0.5)
    assert arr.index.equals(pd.RangeIndex(3))
    before = s.copy()
    ewma_chart(s)
    pd.testing.assert_series_equal(s, before)


def test_alpha_one_chart_is_shewhart():
    x = np.random.default_rng(9).normal(size=30)
    chart = ewma_chart(x, 1.0, 3.0, target=0.0, sigma=1.0)
    np.testing.assert_array_equal(chart["ewma"], x)
    np.testing.assert_allclose(chart["ucl"], 3.0, rtol=1e-15)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("kwargs, match", [
    ({"alpha": 0.0}, r"alpha must be in \(0, 1\], got 0.0"),
    ({"alpha": 1.5}, r"alpha must be in \(0, 1\], got 1.5"),
    ({"alpha": float("nan")}, r"alpha must be in \(0, 1\]"),
    ({"L": 0.0}, r"L must be a finite number > 0, got 0.0"),
    ({"L": -2}, r"L must be a finite number > 0, got -2"),
    ({"L": float("inf")}, r"L must be a finite number > 0"),
    ({"limits": "fixed"}, r"limits must be one of 'exact', 'asymptotic', got 'fixed'"),
    ({"target": float("inf")}, r"target must be finite"),
    ({"sigma": 0.0}, r"sigma must be a finite number > 0, got 0.0"),
    ({"phase1": 1}, r"phase1 must be an integer >= 2, got 1"),
    ({"phase1": 2.5}, r"phase1 must be an integer >= 2, got 2.5"),
    ({"phase1": 99}, r"phase1 must be at most the number of observations \(6\), got 99"),
    ({"phase1": 3, "target": 0.0, "sigma": 1.0}, r"phase1 .* both were given"),
])
def test_chart_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ewma_chart([1.0, 2.0, 1.0, 3.0, 2.0, 2.5], **kwargs)


def test_chart_rejects_bad_data():
    with pytest.raises(ValueError, match=r"x must be finite .* got nan at position 2"):
        ewma_chart([1.0, 2.0, np.nan, 3.0])
    with pytest.raises(ValueError, match=r"got inf at position 1"):
        ewma_chart([1.0, np.inf, 3.0])
    with pytest.raises(ValueError, match="at least one observation"):
        ewma_chart([], target=0.0, sigma=1.0)
    with pytest.raises(ValueError, match="one-dimensional"):
        ewma_chart(np.ones((3, 2)))
    with pytest.raises(ValueError, match="DataFrame"):
        ewma_chart(pd.DataFrame({"a": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="at least 2 observations"):
        ewma_chart([1.0], target=1.0)
    with pytest.raises(ValueError, match="median moving range of the data is 0"):
        ewma_chart([2.0, 2.0, 2.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="numbers"):
        ewma_chart(["a", "b"])
    assert ewma_chart([1.0], target=1.0, sigma=1.0)["signal"].tolist() == [False]


@pytest.mark.parametrize("call, match", [
    (lambda: arl(0.0, 3.0), r"alpha must be in \(0, 1\], got 0.0"),
    (lambda: arl(0.1, 0.0), r"L must be a finite number > 0, got 0.0"),
    (lambda: arl(0.1, 3.0, float("nan")), r"shift must be finite, got nan"),
    (lambda: arl(0.1, 3.0, method="exact"), r"method must be one of 'integral', 'markov', got 'exact'"),
    (lambda: arl(0.1, 3.0, nodes=1), r"nodes must be an integer >= 2, got 1"),
    (lambda: arl(0.1, 3.0, method="markov", states=100), r"states must be odd .* got 100"),
    (lambda: arl(0.1, 3.0, states=101), r"states= .* needs method='markov'"),
    (lambda: arl(0.1, 3.0, method="markov", nodes=50), r"nodes= .* needs method='integral'"),
    (lambda: critical_L(0.1, 1.0), r"arl0 must be in \(1, 1e\+08\], got 1.0"),
    (lambda: critical_L(0.1, 1e9), r"arl0 must be in \(1, 1e\+08\], got 1000000000.0"),
    (lambda: critical_L(1.2, 500), r"alpha must be in \(0, 1\], got 1.2"),
])
def test_run_length_functions_reject_bad_parameters(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="alpha must be a real number"):
        arl("0.1", 3.0)
    with pytest.raises(TypeError, match="L must be a real number"):
        ewma_chart([1.0, 2.0, 3.0], L=True)
