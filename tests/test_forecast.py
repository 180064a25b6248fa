"""Simple exponential smoothing (SPEC §6): statsmodels parity on real SPY closes, the interval formula."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import ewmakit
from conftest import require_shared_data
from ewmakit import forecast as fc
from ewmakit.forecast import SmoothingFit, fit, forecast, future_index

sm_hw = pytest.importorskip("statsmodels.tsa.holtwinters")
sm_ets = pytest.importorskip("statsmodels.tsa.exponential_smoothing.ets")


@pytest.fixture(scope="module")
def spy_close() -> pd.Series:
    path = require_shared_data("SPY_daily.csv")
    frame = pd.read_csv(path, parse_dates=["Date"], index_col="Date")
    return frame["Close"]


def _ses(values, **kw):
    return sm_hw.SimpleExpSmoothing(np.asarray(values, dtype=float), **kw)


def _ets(values, **kw):
    # statsmodels' ETS prediction needs a pandas object; a RangeIndex avoids frequency warnings.
    return sm_ets.ETSModel(pd.Series(np.asarray(values, dtype=float)), error="add", trend=None, seasonal=None, **kw)


def _sse(values, alpha, l0):
    """SSE of SES written out as a plain loop (an independent reference)."""
    level, total = l0, 0.0
    for y in values:
        total += (y - level) ** 2
        level = alpha * y + (1 - alpha) * level
    return total


# --------------------------------------------------------------------------- statsmodels parity, real data


@pytest.fixture(scope="module")
def spy_fit(spy_close):
    return fit(spy_close)


def test_estimated_fit_matches_statsmodels_on_spy(spy_close, spy_fit):
    ref = _ses(spy_close, initialization_method="estimated").fit()
    assert spy_fit.alpha == pytest.approx(ref.params["smoothing_level"], rel=1e-12)
    assert spy_fit.beta == pytest.approx(1 - ref.params["smoothing_level"], rel=1e-12)
    assert spy_fit.alpha + spy_fit.beta == 1.0
    assert spy_fit.initial_level == pytest.approx(ref.params["initial_level"], rel=1e-12)
    assert spy_fit.sse == pytest.approx(ref.sse, rel=1e-10)
    assert spy_fit.sse == pytest.approx(_sse(spy_close.to_numpy(), spy_fit.alpha, spy_fit.initial_level), rel=1e-10)
    np.testing.assert_allclose(spy_fit.fitted.to_numpy(), ref.fittedvalues, rtol=1e-12)
    assert spy_fit.fitted.index.equals(spy_close.index)
    assert spy_fit.fitted.name == "Close"
    np.testing.assert_allclose(spy_fit.resid, spy_close - spy_fit.fitted, rtol=1e-15)
    assert spy_fit.nobs == len(spy_close) and spy_fit.n_params == 2 and spy_fit.init == "estimated"
    # SPY is close to a random walk: the level follows the last close closely.
    assert 0.85 < spy_fit.alpha < 1.0


def test_sse_is_no_worse_than_statsmodels_ets_and_locally_optimal(spy_close, spy_fit):
    ets = _ets(spy_close).fit(disp=False)
    assert spy_fit.sse <= ets.sse * (1 + 1e-12)
    # A local check of the optimum with the plain-loop SSE (statsmodels' optimiser is not ours to trust).
    y = spy_close.to_numpy()
    for da, dl in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 0.5), (0.0, -0.5)]:
        a = min(spy_fit.alpha + da, 1.0)
        assert _sse(y, a, spy_fit.initial_level + dl) >= spy_fit.sse * (1 - 1e-12)


def test_information_criteria_match_statsmodels_ets(spy_close, spy_fit):
    ets = _ets(spy_close).smooth([spy_fit.alpha, spy_fit.initial_level])
    assert spy_fit.aic == pytest.approx(ets.aic, rel=1e-10)
    assert spy_fit.bic == pytest.approx(ets.bic, rel=1e-10)
    assert spy_fit.sigma2 == pytest.approx(ets.mse, rel=1e-10)
    n = spy_fit.nobs
    m2ll = n * (math.log(2 * math.pi * spy_fit.sse / n) + 1)
    assert spy_fit.aic == pytest.approx(m2ll + 2 * 3, rel=1e-13)


def test_known_start_is_the_ewma_with_init_first(spy_close):
    res = fit(spy_close, init="first")
    ref = _ses(spy_close, initialization_method="known", initial_level=float(spy_close.iloc[0])).fit()
    assert res.alpha == pytest.approx(ref.params["smoothing_level"], rel=1e-12)
    assert res.initial_level == spy_close.iloc[0]
    assert res.sse == pytest.approx(ref.sse, rel=1e-10)
    # The fitted values are ewma(init="first") shifted by one step (pandas adjust=False as the reference).
    ewma_first = ewmakit.ewma(spy_close, res.beta, init="first")
    assert res.fitted.iloc[0] == spy_close.iloc[0]
    np.testing.assert_allclose(res.fitted.to_numpy()[1:], ewma_first[:-1], rtol=1e-13)
    by_pandas = spy_close.ewm(alpha=res.alpha, adjust=False).mean()
    np.testing.assert_allclose(res.fitted.iloc[1:], by_pandas.iloc[:-1], rtol=1e-12)
    assert res.level == pytest.approx(by_pandas.iloc[-1], rel=1e-13)
    # One parameter fitted (alpha): statsmodels' ETS with a known initial level counts the same.
    ets = _ets(spy_close, initialization_method="known", initial_level=float(spy_close.iloc[0])).smooth([res.alpha])
    assert res.n_params == 1
    assert res.aic == pytest.approx(ets.aic, rel=1e-10)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=3, max_size=40),
    st.floats(0.0, 0.99),
)
def test_fixed_beta_known_start_is_ewma_shifted(values, beta):
    res = fit(values, beta=beta, init="first")
    y = np.asarray(values)
    assert res.beta == beta and res.n_params == 0
    expected = np.concatenate([[y[0]], pd.Series(y).ewm(alpha=1 - beta, adjust=False).mean().to_numpy()[:-1]])
    np.testing.assert_allclose(res.fitted, expected, rtol=1e-9, atol=1e-9)
    assert res.sse == pytest.approx(float(((y - expected) ** 2).sum()), rel=1e-9, abs=1e-9)


def test_fixed_beta_estimates_the_least_squares_initial_level():
    y = 100 + np.cumsum(np.random.default_rng(12).normal(size=200))
    beta = 0.8
    res = fit(y, beta=beta)
    assert res.beta == pytest.approx(beta, abs=1e-15) and res.n_params == 1
    # The fitted values are linear in l0: fitted_t = beta**t l0 + c_t, so l0 has a closed form.
    t = np.arange(len(y))
    c = np.concatenate([[0.0], ewmakit.ewma(y, beta, init=0.0)[:-1]])
    a = beta**t
    l0 = float(a @ (y - c) / (a @ a))
    assert res.initial_level == pytest.approx(l0, abs=1e-3)
    assert res.sse <= _sse(y, 1 - beta, l0) * (1 + 1e-9)
    ref = _ses(y, initialization_method="estimated").fit(smoothing_level=1 - beta, optimized=True)
    assert res.initial_level == pytest.approx(ref.params["initial_level"], rel=1e-12)


def test_decay_can_be_given_any_of_the_package_ways():
    y = 50 + np.cumsum(np.random.default_rng(13).normal(size=60))
    by_window = fit(y, window=20, init="first")
    assert by_window.beta == pytest.approx(ewmakit.beta_from_window(20), rel=1e-15)
    np.testing.assert_allclose(by_window.fitted, fit(y, beta=19 / 21, init="first").fitted, rtol=1e-14)
    assert fit(y, alpha=0.3, init="first").alpha == 0.3
    assert fit(y, halflife=5, init="first").beta == pytest.approx(0.5 ** 0.2, rel=1e-15)
    assert fit(y, com=4, init="first").beta == pytest.approx(0.8, rel=1e-15)
    pd.testing.assert_frame_equal(forecast(y, 3, window=20, init="first"), by_window.forecast(3))
    with pytest.raises(ValueError, match="give exactly one decay.*beta=0.5, alpha=0.5"):
        fit(y, beta=0.5, alpha=0.5)
    with pytest.raises(ValueError, match=r"alpha must be in \(0, 1\], got 0.0"):
        forecast(y, 2, alpha=0.0)


# --------------------------------------------------------------------------- intervals


@pytest.mark.parametrize("level", [0.5, 0.8, 0.95, 0.99])
def test_intervals_follow_the_ets_ann_formula(spy_fit, level):
    out = spy_fit.forecast(10, level=level)
    h = np.arange(1, 11)
    half = norm.ppf(0.5 + level / 2) * np.sqrt(spy_fit.sse / spy_fit.nobs * (1 + spy_fit.alpha**2 * (h - 1)))
    np.testing.assert_allclose(out["mean"], spy_fit.level, rtol=1e-15)
    np.testing.assert_allclose(out["upper"] - out["mean"], half, rtol=1e-12)
    np.testing.assert_allclose(out["mean"] - out["lower"], half, rtol=1e-12)
    assert list(out.columns) == ["mean", "lower", "upper"]


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_intervals_match_statsmodels_ets_prediction(spy_close, spy_fit, level):
    n = len(spy_close)
    ets = _ets(spy_close).smooth([spy_fit.alpha, spy_fit.initial_level])
    ref = ets.get_prediction(start=n, end=n + 11).summary_frame(alpha=1 - level)
    ours = spy_fit.forecast(12, level=level)
    np.testing.assert_allclose(ours["mean"], ref["mean"], rtol=1e-10)
    np.testing.assert_allclose(ours["lower"], ref["pi_lower"], rtol=1e-10)
    np.testing.assert_allclose(ours["upper"], ref["pi_upper"], rtol=1e-10)


def test_forecast_function_fits_or_uses_the_given_beta(spy_close, spy_fit):
    pd.testing.assert_frame_equal(forecast(spy_close, 5), spy_fit.forecast(5))
    given_beta = forecast(spy_close, 5, beta=0.9, level=0.9, init="first")
    res = fit(spy_close, beta=0.9, init="first")
    pd.testing.assert_frame_equal(given_beta, res.forecast(5, 0.9))
    # with a given beta and a known start the point forecast is the last EWMA
    assert given_beta["mean"].iloc[0] == pytest.approx(ewmakit.ewma(spy_close, 0.9).iloc[-1], rel=1e-14)


def test_constant_series_has_zero_width_intervals():
    res = fit(np.full(20, 3.5), beta=0.6, init="first")
    assert res.sse == 0.0 and res.aic == -math.inf and res.level == 3.5
    out = res.forecast(3)
    assert (out.to_numpy() == 3.5).all()


# --------------------------------------------------------------------------- the forecast index


def test_spy_trading_days_continue_as_business_days(spy_fit):
    # trading days (weekends and holidays missing) have no frequency: the forecast goes on by business days
    out = spy_fit.forecast(3)
    last = spy_fit.fitted.index[-1]
    assert isinstance(out.index, pd.DatetimeIndex)
    assert list(out.index) == list(pd.bdate_range(last, periods=4)[1:])
    assert out.index.name == spy_fit.fitted.index.name


def test_irregular_intraday_index_continues_by_its_most_common_step():
    idx = pd.DatetimeIndex(["2024-01-01 09:30", "2024-01-01 09:35", "2024-01-01 09:40", "2024-01-01 09:50",
                            "2024-01-01 09:55"])
    out = forecast(pd.Series([1.0, 2.0, 1.5, 2.5, 2.0], index=idx), 2, beta=0.5, init="first")
    assert list(out.index) == list(pd.DatetimeIndex(["2024-01-01 10:00", "2024-01-01 10:05"]))


def test_fit_explains_a_beta_at_the_boundary():
    # the S&P 500 closes of 2017-2018 are a random walk: the fitted alpha is 1 (beta ~ 0), and the repr says
    # what that means instead of printing beta=1.49e-08 alone
    from ewmakit import data

    res = fit(data.sample("sp500")["Close"].iloc[-300:])
    assert res.alpha > 1 - 1e-6 and res.beta < 1e-6
    assert "random walk" in repr(res) and "random walk" in res._repr_html_()
    assert "random walk" not in repr(fit(np.sin(np.arange(60.0)) + np.arange(60.0) % 3))
    given = fit(np.arange(30.0) % 7, beta=0.0, init="first")
    assert given.note is None  # a beta the user gave is not remarked upon


@pytest.mark.parametrize("freq, expected", [
    ("D", ["2024-01-11", "2024-01-12", "2024-01-13"]),
    ("B", ["2024-01-15", "2024-01-16", "2024-01-17"]),  # the data ends on Friday 2024-01-12
    ("ME", ["2024-11-30", "2024-12-31", "2025-01-31"]),
    ("h", ["2024-01-01 10:00", "2024-01-01 11:00", "2024-01-01 12:00"]),
])
def test_regular_datetime_index_gets_future_dates(freq, expected):
    start = "2024-01-31" if freq == "ME" else "2024-01-01"
    idx = pd.date_range(start, periods=10, freq=freq, name="when")
    y = pd.Series(np.linspace(1, 2, 10) + np.sin(np.arange(10)), index=idx)
    out = forecast(y, 3, beta=0.5, init="first")
    assert out.index.equals(pd.DatetimeIndex(expected, name="when").as_unit(idx.unit))
    # the same when the frequency is only inferable (freq dropped)
    y.index = pd.DatetimeIndex(list(idx), name="when")
    assert y.index.freq is None
    assert forecast(y, 3, beta=0.5, init="first").index.equals(out.index)


def test_range_and_array_indexes_continue():
    y = np.array([1.0, 3.0, 2.0, 4.0, 3.0])
    assert forecast(y, 2, beta=0.5).index.equals(pd.RangeIndex(5, 7))
    s = pd.Series(y, index=pd.RangeIndex(10, 20, 2))
    assert forecast(s, 2, beta=0.5).index.equals(pd.RangeIndex(20, 24, 2))
    other = pd.Series(y, index=list("abcde"))
    assert forecast(other, 2, beta=0.5).index.equals(pd.RangeIndex(1, 3, name="h"))
    assert future_index(None, 5, 1).equals(pd.RangeIndex(5, 6))


def test_no_pandas_future_warning_for_inferred_frequencies():
    idx = pd.DatetimeIndex(list(pd.date_range("2024-01-01", periods=6, freq="D")))
    y = pd.Series([1.0, 2.0, 1.5, 2.5, 2.0, 3.0], index=idx)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecast(y, 2, beta=0.5, init="first")


# --------------------------------------------------------------------------- API and validation


def test_smoothing_fit_repr_and_fields(spy_fit):
    assert isinstance(spy_fit, SmoothingFit)
    text = repr(spy_fit)
    assert text.startswith("SmoothingFit(beta=0.07") and "nobs=2888" in text
    with pytest.raises(AttributeError):
        spy_fit.beta = 0.5  # frozen


def test_input_is_not_mutated_and_arrays_work():
    s = pd.Series([1.0, 2.0, 4.0, 3.0, 5.0], name="y")
    before = s.copy()
    res = fit(s, beta=0.3, init="first")
    pd.testing.assert_series_equal(s, before)
    arr = fit(s.to_numpy(), beta=0.3, init="first")
    np.testing.assert_array_equal(res.fitted.to_numpy(), arr.fitted.to_numpy())
    assert arr.fitted.index.equals(pd.RangeIndex(5))
    ints = fit([1, 2, 4, 3, 5], beta=0.3, init="first")
    assert ints.sse == res.sse


@pytest.mark.parametrize("call, match", [
    (lambda y: fit(y, init="zero"), r"init must be 'estimated' or 'first', got 'zero'"),
    (lambda y: fit(y, beta=1.0), r"beta must be in \[0, 1\), got 1.0"),
    (lambda y: fit(y[:2]), r"x must have at least 3 observations to fit, got 2"),
    (lambda y: fit(np.r_[y[:3], np.nan, y[3:]]), r"x must be finite .* got nan at position 3"),
    (lambda y: fit(np.r_[y[:1], np.inf]), r"at least 3"),
    (lambda y: fit(np.r_[y, -np.inf]), r"got -inf at position 6"),
    (lambda y: fit(np.c_[y, y]), r"x must be one-dimensional, got shape \(6, 2\)"),
    (lambda y: fit(pd.DataFrame({"a": y})), r"DataFrame"),
    (lambda y: forecast(y, 0), r"h must be an integer >= 1, got 0"),
    (lambda y: forecast(y, 2.0), r"h must be an integer >= 1, got 2.0"),
    (lambda y: forecast(y, True), r"h must be an integer >= 1, got True"),
    (lambda y: forecast(y, 3, level=1.0), r"level must be in \(0, 1\), got 1.0"),
    (lambda y: forecast(y, 3, level=95), r"level must be in \(0, 1\), got 95"),
    (lambda y: fit(y, beta=0.5, init="first").forecast(0), r"h must be an integer >= 1, got 0"),
    (lambda y: fit(y, beta=0.5, init="first").forecast(2, level=0.0), r"level must be in \(0, 1\), got 0.0"),
])
def test_bad_arguments_raise_value_errors_naming_them(call, match):
    y = np.array([1.0, 2.0, 1.5, 2.5, 2.0, 3.0])
    with pytest.raises(ValueError, match=match):
        call(y)


def test_module_does_not_import_statsmodels_at_import_time():
    import subprocess
    import sys

    code = "import sys, ewmakit, ewmakit.forecast, ewmakit.control; print('statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert fc.__all__ == ["SmoothingFit", "fit", "forecast"]
