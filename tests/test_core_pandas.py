"""Parity of the array API with pandas ``ewm`` (SPEC §2).

Mapping: our ``beta`` = 1 − pandas ``alpha``; ``bias_correction`` = pandas
``adjust``; ``window`` n = pandas ``span`` n; ``com`` = ``com``; a numeric
``halflife`` = ``halflife``. The NaN pattern must match exactly.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from _gen import pair_cases, series, series_cases
from ewmakit import ewma, ewmcorr, ewmcov, ewmstd, ewmvar

RTOL = 1e-12
BETAS = (0.0, 0.3, 0.9, 0.99)
OPTIONS = list(itertools.product((False, True), (False, True), (0, 1, 5)))  # bias_correction, ignore_na, min_periods
OPTION_IDS = [f"bc={bc}-ina={ina}-mp={mp}" for bc, ina, mp in OPTIONS]


def assert_same(actual, expected, label="", rtol=RTOL, atol=0.0):
    """Equal values and exactly the same NaN pattern."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, label
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg=f"NaN pattern differs: {label}")
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True, err_msg=label)


def pd_ewm(x, beta, bc, ina, mp):
    return pd.Series(x, dtype=float).ewm(alpha=1.0 - beta, adjust=bc, ignore_na=ina, min_periods=mp)


# --------------------------------------------------------------------------- mean / var / std


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_ewma_matches_pandas_mean(beta, bc, ina, mp):
    for label, x in series_cases(offset=50.0):
        got = ewma(x, beta, bias_correction=bc, ignore_na=ina, min_periods=mp)
        assert got.dtype == np.float64
        assert_same(got, pd_ewm(x, beta, bc, ina, mp).mean().to_numpy(), label)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_ewmvar_and_std_match_pandas(beta, bc, ina, mp, bias):
    for label, x in series_cases(offset=50.0):
        ref = pd_ewm(x, beta, bc, ina, mp)
        var = ewmvar(x, beta, bias_correction=bc, ignore_na=ina, min_periods=mp, bias=bias)
        std = ewmstd(x, beta, bias_correction=bc, ignore_na=ina, min_periods=mp, bias=bias)
        # var is a difference of squares of O(50) numbers: allow an absolute error of a few ulps of 50**2
        assert_same(var, ref.var(bias=bias).to_numpy(), f"var {label}", atol=1e-12)
        assert_same(std, ref.std(bias=bias).to_numpy(), f"std {label}", atol=1e-7)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_ewmcov_matches_pandas(beta, bc, ina, mp, bias):
    for label, x, y in pair_cases():
        got = ewmcov(x, y, beta, bias_correction=bc, ignore_na=ina, min_periods=mp, bias=bias)
        exp = pd_ewm(x, beta, bc, ina, mp).cov(pd.Series(y, dtype=float), bias=bias).to_numpy()
        assert_same(got, exp, label, atol=1e-12)


def _same_nan_pairs():
    """(label, x, y) where x and y are missing on the same rows."""
    out = []
    for label, x, y in pair_cases():
        both = np.isnan(x) | np.isnan(y)
        out.append((label, np.where(both, np.nan, x), np.where(both, np.nan, y)))
    return out


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_ewmcorr_matches_pandas(beta, bc, ina, mp):
    # x and y missing on the same rows (the next test: different rows)
    for label, x, y in _same_nan_pairs():
        got = ewmcorr(x, y, beta, bias_correction=bc, ignore_na=ina, min_periods=mp)
        exp = pd_ewm(x, beta, bc, ina, mp).corr(pd.Series(y, dtype=float)).to_numpy()
        assert_same(got, exp, label, rtol=1e-10)


@pytest.mark.parametrize("beta", [b for b in BETAS if b > 0])  # beta=0: every variance is 0, corr all NaN
@pytest.mark.parametrize("bc, ina, mp", OPTIONS, ids=OPTION_IDS)
def test_ewmcorr_nan_in_different_rows_matches_pandas(beta, bc, ina, mp):
    for label, x, y in pair_cases():
        got = ewmcorr(x, y, beta, bias_correction=bc, ignore_na=ina, min_periods=mp)
        exp = pd_ewm(x, beta, bc, ina, mp).corr(pd.Series(y, dtype=float)).to_numpy()
        assert_same(got, exp, label, rtol=1e-10)


def test_ewmcorr_nan_in_different_rows_beta0_all_nan():
    for label, x, y in pair_cases():
        exp = pd_ewm(x, 0.0, False, False, 0).corr(pd.Series(y, dtype=float)).to_numpy()
        assert np.isnan(exp).all()
        assert np.isnan(ewmcorr(x, y, 0.0)).all(), label


def test_ewmcorr_nan_in_different_rows_minimal():
    # pandas masks x and y to the rows where both are present (prep_binary) for
    # the variances too; computing each variance on its own rows gives other
    # numbers (and a 0.0 where pandas has NaN at row 2).
    x = np.array([1.0, 2.0, np.nan, 4.0, 3.0, 5.0, 2.0])
    y = np.array([2.0, np.nan, 1.0, 3.0, 5.0, 4.0, 1.0])
    exp = pd.Series(x).ewm(alpha=0.5, adjust=False).corr(pd.Series(y)).to_numpy()
    # pandas: [nan, nan, nan, 1.0, 0.0202, 0.0627, 0.7653]
    assert_same(ewmcorr(x, y, 0.5), exp, rtol=1e-10)


@pytest.mark.parametrize("beta", [0.5, 0.9])
@pytest.mark.parametrize("bc, ina", [(False, False), (True, False), (False, True), (True, True)])
def test_ewmcorr_dense_and_gappy(beta, bc, ina):
    for seed in (3, 4):
        x = series(seed, 200)
        y = 0.5 * x + series(seed + 10, 200, nan_frac=0.0, leading=0)
        got = ewmcorr(x, y, beta, bias_correction=bc, ignore_na=ina)
        exp = pd_ewm(x, beta, bc, ina, 0).corr(pd.Series(y)).to_numpy()
        assert_same(got, exp, f"seed {seed}", rtol=1e-10)
        assert np.nanmax(np.abs(got)) <= 1 + 1e-12


def test_ewmcov_of_x_with_itself_is_ewmvar():
    x = series(5, 300)
    for bias in (False, True):
        np.testing.assert_array_equal(ewmcov(x, x, 0.9, bias=bias), ewmvar(x, 0.9, bias=bias))


# --------------------------------------------------------------------------- decay specs


@pytest.mark.parametrize("bc", [False, True])
@pytest.mark.parametrize(
    "ours, theirs",
    [
        (dict(window=20), dict(span=20)),
        (dict(window=1), dict(span=1)),
        (dict(window=2.5), dict(span=2.5)),
        (dict(com=0.5), dict(com=0.5)),
        (dict(com=0), dict(com=0)),
        (dict(com=9), dict(com=9)),
        (dict(halflife=3), dict(halflife=3)),
        (dict(halflife=0.7), dict(halflife=0.7)),
        (dict(alpha=0.25), dict(alpha=0.25)),
        (dict(alpha=1.0), dict(alpha=1.0)),
    ],
)
def test_decay_specs_map_to_pandas(ours, theirs, bc):
    x = series(11, 300, offset=10.0)
    ref = pd.Series(x).ewm(adjust=bc, **theirs)
    assert_same(ewma(x, bias_correction=bc, **ours), ref.mean().to_numpy(), str(ours))
    assert_same(ewmvar(x, bias_correction=bc, **ours), ref.var().to_numpy(), str(ours), atol=1e-12)


# --------------------------------------------------------------------------- times


SEEDS_TIMES = (0, 1, 2)


def _irregular_times(n, seed):
    rng = np.random.default_rng(seed)
    steps = rng.choice([0, 0, 1, 1, 1, 2, 3, 7], size=n)  # repeated stamps (step 0) too
    steps_h = rng.integers(0, 24, size=n)
    t = np.datetime64("2021-03-01T09:00") + np.cumsum(steps).astype("timedelta64[D]") \
        + np.cumsum(steps_h * (steps > 0)).astype("timedelta64[h]")
    return t.astype("datetime64[ns]")


@pytest.mark.parametrize("ignore_na", [False, True])
@pytest.mark.parametrize("halflife", ["2D", pd.Timedelta(days=2), pd.Timedelta(hours=30), np.timedelta64(5, "D")])
def test_times_mean_matches_pandas(halflife, ignore_na):
    for seed in SEEDS_TIMES:
        for n in (1, 2, 5, 300):
            x = series(seed, n, offset=20.0)
            t = _irregular_times(n, seed)
            assert np.any(np.diff(t) == np.timedelta64(0, "ns")) or n < 50  # repeated timestamps present
            got = ewma(x, halflife=halflife, times=t, bias_correction=True, ignore_na=ignore_na)
            exp = pd.Series(x).ewm(halflife=halflife, times=pd.DatetimeIndex(t), adjust=True,
                                   ignore_na=ignore_na).mean().to_numpy()
            assert_same(got, exp, f"seed {seed} n {n}")


@pytest.mark.parametrize("min_periods", [0, 3])
def test_times_mean_min_periods_matches_pandas(min_periods):
    x = series(21, 200, offset=3.0)
    t = _irregular_times(200, 21)
    got = ewma(x, halflife="36h", times=t, bias_correction=True, min_periods=min_periods)
    exp = pd.Series(x).ewm(halflife="36h", times=t, min_periods=min_periods).mean().to_numpy()
    assert_same(got, exp)


def test_times_as_datetimeindex_and_series():
    x = series(22, 100, offset=3.0)
    t = pd.DatetimeIndex(_irregular_times(100, 22))
    exp = pd.Series(x).ewm(halflife="2D", times=t).mean().to_numpy()
    assert_same(ewma(x, halflife="2D", times=t, bias_correction=True), exp)
    assert_same(ewma(x, halflife="2D", times=pd.Series(t), bias_correction=True), exp)
    assert_same(ewma(x, halflife="2D", times=t.to_pydatetime(), bias_correction=True), exp)


# --------------------------------------------------------------------------- pandas docstring examples

B = np.array([0.0, 1.0, 2.0, np.nan, 4.0])


def test_pandas_docstring_com_half():
    exp = [0.0, 0.750000, 1.615385, 1.615385, 3.670213]
    np.testing.assert_allclose(ewma(B, com=0.5, bias_correction=True), exp, atol=5e-7)
    np.testing.assert_allclose(ewma(B, alpha=2 / 3, bias_correction=True), exp, atol=5e-7)
    np.testing.assert_allclose(ewma(B, 1 / 3, bias_correction=True), exp, atol=5e-7)
    np.testing.assert_allclose(ewma(B, com=0.5, bias_correction=True, ignore_na=False), exp, atol=5e-7)


def test_pandas_docstring_adjust_false():
    exp = [0.0, 0.666667, 1.555556, 1.555556, 3.650794]
    np.testing.assert_allclose(ewma(B, com=0.5), exp, atol=5e-7)
    np.testing.assert_allclose(ewma(B, alpha=2 / 3, bias_correction=False), exp, atol=5e-7)


def test_pandas_docstring_ignore_na():
    exp = [0.0, 0.750000, 1.615385, 1.615385, 3.225000]
    np.testing.assert_allclose(ewma(B, com=0.5, bias_correction=True, ignore_na=True), exp, atol=5e-7)


def test_pandas_docstring_times():
    times = pd.DatetimeIndex(["2020-01-01", "2020-01-03", "2020-01-10", "2020-01-15", "2020-01-17"])
    exp = [0.0, 0.585786, 1.523889, 1.523889, 3.233686]
    np.testing.assert_allclose(ewma(B, halflife="4 days", times=times, bias_correction=True), exp, atol=5e-7)
    np.testing.assert_allclose(ewma(B, halflife=pd.Timedelta("4D"), times=times.to_numpy(), bias_correction=True),
                               exp, atol=5e-7)


# --------------------------------------------------------------------------- shapes and dtypes


def _columns(n_rows, n_cols, seed):
    return np.column_stack([series(seed + j, n_rows, offset=10.0 * j) for j in range(n_cols)])


@pytest.mark.parametrize("func", [ewma, ewmvar, ewmstd])
@pytest.mark.parametrize("bc, ina", [(False, False), (True, True)])
def test_2d_axis0_axis1_and_3d_equal_columnwise(func, bc, ina):
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=2)
    X = _columns(80, 4, 30)
    method = {"ewma": "mean", "ewmvar": "var", "ewmstd": "std"}[func.__name__]
    ref = np.column_stack([getattr(pd_ewm(X[:, j], 0.8, bc, ina, 2), method)().to_numpy() for j in range(4)])
    out0 = func(X, 0.8, axis=0, **kw)
    assert_same(out0, ref, "axis 0", atol=1e-12)
    out1 = func(np.ascontiguousarray(X.T), 0.8, axis=1, **kw)
    assert_same(out1, ref.T, "axis 1", atol=1e-12)
    assert_same(func(X.T, 0.8, axis=-1, **kw), ref.T, "axis -1", atol=1e-12)
    # 3-D: time along axis 1 of (2, T, 3) and along axis 0 of (T, 2, 3)
    X3 = _columns(80, 6, 40).reshape(80, 2, 3)
    out3 = func(X3, 0.8, axis=0, **kw)
    assert out3.shape == X3.shape
    for a in range(2):
        for b in range(3):
            assert_same(out3[:, a, b], func(X3[:, a, b], 0.8, **kw), f"3-D [{a},{b}]", rtol=0)
    Xm = np.moveaxis(X3, 0, 1)
    outm = func(Xm, 0.8, axis=1, **kw)
    assert_same(outm, np.moveaxis(out3, 0, 1), "3-D axis 1", rtol=0)


@pytest.mark.parametrize("func", [ewmcov, ewmcorr])
def test_2d_pairs_equal_columnwise(func):
    X = _columns(90, 3, 50)
    Y = _columns(90, 3, 60) + X
    for axis, (A, Bm) in ((0, (X, Y)), (1, (X.T, Y.T))):
        out = func(A, Bm, 0.7, axis=axis)
        for j in range(3):
            col = out[:, j] if axis == 0 else out[j, :]
            ref = getattr(pd_ewm(X[:, j], 0.7, False, False, 0), func.__name__[3:])(pd.Series(Y[:, j]))
            assert_same(col, ref.to_numpy(), f"axis {axis} col {j}", rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("func", [ewma, ewmvar, ewmstd])
def test_float32_kept_and_close(func):
    x64 = series(70, 300, offset=100.0)
    x32 = x64.astype(np.float32)
    out32 = func(x32, 0.9, min_periods=1)
    assert out32.dtype == np.float32
    ref = func(x32.astype(np.float64), 0.9, min_periods=1)
    assert_same(out32.astype(np.float64), ref, rtol=1e-6)
    X32 = np.column_stack([x32, x32[::-1]])
    out2 = func(X32, 0.9)
    assert out2.dtype == np.float32
    assert_same(out2[:, 1].astype(np.float64), func(x32[::-1].astype(np.float64), 0.9), rtol=1e-6)


@pytest.mark.parametrize("func", [ewmcov, ewmcorr])
def test_float32_pairs(func):
    x = series(71, 200, offset=5.0).astype(np.float32)
    y = (series(72, 200, offset=1.0) + np.nan_to_num(x)).astype(np.float32)
    out = func(x, y, 0.9)
    assert out.dtype == np.float32
    ref = func(x.astype(np.float64), y.astype(np.float64), 0.9)
    assert_same(out.astype(np.float64), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint16, bool])
def test_int_input_gives_float64(dtype):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 2 if dtype is bool else 100, size=50).astype(dtype)
    exp = pd.Series(x.astype(float)).ewm(alpha=0.4, adjust=False).mean().to_numpy()
    out = ewma(x, 0.6)
    assert out.dtype == np.float64
    assert_same(out, exp)
    v = ewmvar(x, 0.6)
    assert v.dtype == np.float64
    assert_same(v, pd.Series(x.astype(float)).ewm(alpha=0.4, adjust=False).var().to_numpy(), atol=1e-12)


def test_list_and_series_input():
    x = [1.0, 2.0, np.nan, 4.0, 3.0]
    exp = pd.Series(x).ewm(alpha=0.4, adjust=False).mean().to_numpy()
    assert_same(ewma(x, 0.6), exp)
    assert_same(ewma(pd.Series(x), 0.6), exp)
    got = ewma(pd.Series(x, index=list("abcde"), name="px"), 0.6)  # the type that came in goes out
    assert isinstance(got, pd.Series) and got.name == "px" and list(got.index) == list("abcde")
    # pandas nullable dtype: <NA> is a missing value
    s = pd.Series([1, 2, None, 4, 3], dtype="Int64")
    out = ewma(s, 0.6)
    assert out.dtype == np.float64
    assert_same(out, exp)


# --------------------------------------------------------------------------- the pandas 3 com == 1 quirk


def test_beta_half_with_gap_follows_the_documented_recursion_not_the_pandas3_com1_special_case():
    # pandas 3.0 special-cases com == 1 (alpha = 0.5, span = 3, halflife = 1) with
    # adjust=False: after a NaN gap the new point gets weight 1 - old_wt instead of
    # alpha (a regression from 2.x, pandas-dev/pandas#31178, PR #66521, issue #66523).
    # ewmakit keeps the renormalised weights for every beta, so beta = 0.5 is
    # continuous with its neighbours and equals pandas 2.x (3.666667 for [1, nan, 5]).
    x = np.array([1.0, np.nan, 5.0])
    got = ewma(x, 0.5)
    np.testing.assert_allclose(got, [1.0, 1.0, (0.25 * 1.0 + 0.5 * 5.0) / 0.75], rtol=1e-15)
    for eps in (1e-9, -1e-9):
        np.testing.assert_allclose(ewma(x, 0.5 + eps), got, rtol=1e-8)
        near = pd.Series(x).ewm(alpha=0.5 + eps, adjust=False).mean().to_numpy()
        np.testing.assert_allclose(got, near, rtol=1e-8)
    # and on a long gappy series the same holds against pandas just off com == 1
    y = series(90, 300, offset=5.0)
    near = pd.Series(y).ewm(alpha=0.5 - 1e-12, adjust=False).mean().to_numpy()
    assert_same(ewma(y, 0.5), near, rtol=1e-9)


@pytest.mark.parametrize("bc, ina", [(False, False), (True, False), (False, True), (True, True)])
def test_beta_zero_small_after_large_is_exact(bc, ina):
    # beta = 0 keeps only the newest point: the output is the input, to the last bit,
    # even when it is tiny next to the previous value (as pandas: (0*m + 1*x)/1 = x).
    x = np.array([1e6, 7.1e-25, np.nan, -3e-9, 2.0, 1e-300])
    exp = pd.Series(x).ewm(alpha=1.0, adjust=bc, ignore_na=ina).mean().to_numpy()
    np.testing.assert_array_equal(exp, [1e6, 7.1e-25, 7.1e-25, -3e-9, 2.0, 1e-300])
    np.testing.assert_array_equal(ewma(x, 0.0, bias_correction=bc, ignore_na=ina), exp)


@pytest.mark.parametrize("adjust", [False, True])
@pytest.mark.parametrize("min_periods", [2, 3, 5])
def test_panel_min_periods_with_columns_starting_at_different_rows(adjust, min_periods):
    """The SIMD row path must apply min_periods per column, not the block's smallest count."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(40, 600))
    x[:3, 1] = np.nan
    x[:9, 300:320] = np.nan
    x[rng.random(x.shape) < 0.02] = np.nan
    ours = ewma(x, 0.6, bias_correction=adjust, min_periods=min_periods)
    ref = pd.DataFrame(x).ewm(alpha=0.4, adjust=adjust, min_periods=min_periods).mean().to_numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14, equal_nan=True)  # values cross zero
    small = np.array([[np.nan, 1.0], [1.0, 2.0], [2.0, 3.0]])
    np.testing.assert_allclose(ewma(small, 0.5, min_periods=3)[:, 1], [np.nan, np.nan, 2.25])
