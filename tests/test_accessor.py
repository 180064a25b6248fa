"""The ``.ewmakit`` pandas accessor (SPEC §3): values equal pandas ``ewm``, labels and dtypes kept."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import ewmakit  # noqa: F401  (registers the accessor)
from _gen import series
from conftest import require_shared_data
from ewmakit import ewma, ewmstd

OPTIONS = [(False, False, 0), (True, False, 0), (False, True, 3), (True, True, 1)]  # bias_correction, ignore_na, mp


def pd_ewm(obj, beta, bc=False, ina=False, mp=0, **kw):
    return obj.ewm(alpha=1.0 - beta, adjust=bc, ignore_na=ina, min_periods=mp, **kw)


def make_series(n=120, seed=0, name="close"):
    idx = pd.date_range("2021-01-04", periods=n, freq="B", name="Date")
    return pd.Series(series(seed, n, offset=100.0), index=idx, name=name)


def make_frame(n=120):
    idx = pd.date_range("2021-01-04", periods=n, freq="B", name="Date")
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "f64": series(1, n, offset=50.0),
            "f32": series(2, n, offset=10.0).astype(np.float32),
            "i64": rng.integers(0, 1000, n),
            "f64b": series(3, n, offset=-5.0),
            "i32": rng.integers(-50, 50, n).astype(np.int32),
        },
        index=idx,
    )


def assert_frame_values(actual: pd.DataFrame, expected: pd.DataFrame, rtol=1e-12, atol=1e-12):
    pd.testing.assert_index_equal(actual.index, expected.index)
    pd.testing.assert_index_equal(actual.columns, expected.columns)
    for col in range(actual.shape[1]):
        a = actual.iloc[:, col].to_numpy(dtype=float)
        e = expected.iloc[:, col].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(a), np.isnan(e), err_msg=str(actual.columns[col]))
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, equal_nan=True, err_msg=str(actual.columns[col]))


# --------------------------------------------------------------------------- Series


@pytest.mark.parametrize("bc, ina, mp", OPTIONS)
@pytest.mark.parametrize("beta", [0.0, 0.7, 0.95])
def test_series_smooth_var_std_equal_pandas(beta, bc, ina, mp):
    s = make_series()
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp)
    ref = pd_ewm(s, beta, bc, ina, mp)
    for got, exp in ((s.ewmakit.smooth(beta, **kw), ref.mean()),
                     (s.ewmakit.var(beta, **kw), ref.var()),
                     (s.ewmakit.var(beta, bias=True, **kw), ref.var(bias=True)),
                     (s.ewmakit.std(beta, **kw), ref.std()),
                     (s.ewmakit.std(beta, bias=True, **kw), ref.std(bias=True))):
        assert isinstance(got, pd.Series)
        assert got.name == "close"
        assert got.dtype == np.float64
        pd.testing.assert_index_equal(got.index, s.index)
        pd.testing.assert_series_equal(got, exp, rtol=1e-12, atol=1e-10, check_exact=False)


@pytest.mark.parametrize("spec, pandas_spec", [(dict(window=10), dict(span=10)), (dict(com=3), dict(com=3)),
                                               (dict(halflife=4), dict(halflife=4)),
                                               (dict(alpha=0.3), dict(alpha=0.3))])
def test_series_decay_specs(spec, pandas_spec):
    s = make_series(seed=4)
    pd.testing.assert_series_equal(s.ewmakit.smooth(**spec), s.ewm(adjust=False, **pandas_spec).mean(),
                                   rtol=1e-12, check_exact=False)


def test_series_float32_stays_float32_and_int_becomes_float64():
    s = make_series().astype(np.float32)
    out = s.ewmakit.smooth(0.9)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.to_numpy(), s.astype(np.float64).ewm(alpha=0.1, adjust=False).mean().to_numpy(),
                               rtol=1e-6, equal_nan=True)
    assert s.ewmakit.std(0.9).dtype == np.float32
    si = pd.Series([3, 1, 4, 1, 5, 9, 2, 6], name="n", index=list("abcdefgh"))
    out = si.ewmakit.smooth(0.6)
    assert out.dtype == np.float64
    pd.testing.assert_series_equal(out, si.astype(float).ewm(alpha=0.4, adjust=False).mean())
    # nullable integers with <NA>
    sn = pd.Series([3, None, 4, 1], dtype="Int64")
    np.testing.assert_allclose(sn.ewmakit.smooth(0.6).to_numpy(),
                               pd.Series([3.0, np.nan, 4.0, 1.0]).ewm(alpha=0.4, adjust=False).mean().to_numpy())


def test_series_zscore_is_exactly_x_minus_mean_over_std():
    s = make_series(seed=5)
    for kw in (dict(), dict(bias_correction=True), dict(ignore_na=True, bias=True), dict(min_periods=4)):
        bias = kw.pop("bias", False)
        z = s.ewmakit.zscore(0.8, bias=bias, **kw)
        x = s.to_numpy()
        with np.errstate(all="ignore"):
            exp = (x - ewma(x, 0.8, **kw)) / ewmstd(x, 0.8, bias=bias, **kw)
        np.testing.assert_array_equal(z.to_numpy(), exp)
        # and against pandas
        ref = pd_ewm(s, 0.8, kw.get("bias_correction", False), kw.get("ignore_na", False), kw.get("min_periods", 0))
        with np.errstate(all="ignore"):
            pz = (s - ref.mean()) / ref.std(bias=bias)
        pd.testing.assert_series_equal(z, pz, rtol=1e-10, atol=1e-10, check_exact=False)
        assert z.name == s.name


def test_series_zscore_docstring_numbers():
    z = pd.Series([1.0, 5.0, 2.0, 8.0]).ewmakit.zscore(0.7)
    np.testing.assert_allclose(z.to_numpy(), [np.nan, 0.9899, -0.0721, 1.1745], atol=5e-5)


@pytest.mark.parametrize("k", [0.0, 1.0, 2.0, 2.5])
def test_series_bands(k):
    s = make_series(seed=6)
    b = s.ewmakit.bands(0.9, k=k)
    assert isinstance(b, pd.DataFrame)
    assert list(b.columns) == ["lower", "mid", "upper"]
    pd.testing.assert_index_equal(b.index, s.index)
    ref = pd_ewm(s, 0.9)
    mid, sd = ref.mean().to_numpy(), ref.std().to_numpy()
    np.testing.assert_allclose(b["mid"].to_numpy(), mid, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(b["lower"].to_numpy(), mid - k * sd, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(b["upper"].to_numpy(), mid + k * sd, rtol=1e-12, equal_nan=True)
    if k == 2.0:
        pd.testing.assert_frame_equal(s.ewmakit.bands(0.9), b)


def test_series_bands_default_k_is_two():
    s = make_series(seed=7)
    b = s.ewmakit.bands(0.8)
    np.testing.assert_allclose((b["upper"] - b["mid"]).to_numpy(), 2.0 * s.ewmakit.std(0.8).to_numpy(),
                               rtol=1e-12, equal_nan=True)


def test_series_times_index_equals_pandas():
    s = make_series(seed=8)
    idx = s.index.to_series().reset_index(drop=True)
    rng = np.random.default_rng(8)
    irregular = pd.DatetimeIndex(idx + pd.to_timedelta(np.cumsum(rng.integers(0, 3, len(idx))), unit="h"),
                                 name="Date")
    s.index = irregular
    for ina in (False, True):
        got = s.ewmakit.smooth(halflife="5D", times="index", bias_correction=True, ignore_na=ina)
        exp = s.ewm(halflife="5D", times=s.index, adjust=True, ignore_na=ina).mean()
        pd.testing.assert_series_equal(got, exp, rtol=1e-12, check_exact=False)


def test_series_times_index_needs_datetimeindex():
    s = pd.Series([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"times='index'.*DatetimeIndex.*RangeIndex"):
        s.ewmakit.smooth(halflife="1D", times="index")
    with pytest.raises(ValueError, match=r"times.*'idx'"):
        make_series().ewmakit.smooth(halflife="1D", times="idx")


def test_series_non_numeric_is_type_error():
    with pytest.raises(TypeError, match=r"numeric"):
        pd.Series(["a", "b"]).ewmakit.smooth(0.5)
    with pytest.raises(TypeError, match=r"numeric"):
        pd.Series(pd.date_range("2020", periods=3)).ewmakit.smooth(0.5)


def test_series_not_mutated():
    s = make_series(seed=9)
    before = s.copy(deep=True)
    for method in ("smooth", "var", "std", "zscore", "bands"):
        getattr(s.ewmakit, method)(0.9)
        getattr(s.ewmakit, method)(0.9, bias_correction=True)
    pd.testing.assert_series_equal(s, before, check_exact=True)


# --------------------------------------------------------------------------- DataFrame


@pytest.mark.parametrize("bc, ina, mp", OPTIONS)
def test_frame_smooth_var_std_equal_pandas(bc, ina, mp):
    df = make_frame()
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp)
    ref = pd_ewm(df.astype(np.float64), 0.85, bc, ina, mp)
    assert_frame_values(df.ewmakit.smooth(0.85, **kw), ref.mean(), rtol=1e-6)
    assert_frame_values(df.ewmakit.var(0.85, **kw), ref.var(), rtol=1e-5, atol=1e-6)
    assert_frame_values(df.ewmakit.std(0.85, bias=True, **kw), ref.std(bias=True), rtol=1e-5, atol=1e-6)
    # float64 columns exactly as pandas
    f64 = ["f64", "f64b", "i64", "i32"]
    assert_frame_values(df.ewmakit.smooth(0.85, **kw)[f64], ref.mean()[f64])
    assert_frame_values(df.ewmakit.var(0.85, **kw)[f64], ref.var()[f64], rtol=1e-10, atol=1e-8)


def test_frame_dtypes_and_column_order():
    df = make_frame()
    for method in ("smooth", "var", "std", "zscore"):
        out = getattr(df.ewmakit, method)(0.9)
        assert list(out.columns) == list(df.columns), method
        assert out.dtypes.to_dict() == {"f64": np.float64, "f32": np.float32, "i64": np.float64, "f64b": np.float64,
                                        "i32": np.float64}, method
        pd.testing.assert_index_equal(out.index, df.index)
        # each column equals the Series accessor on that column
        for col in df.columns:
            np.testing.assert_array_equal(out[col].to_numpy(), getattr(df[col].ewmakit, method)(0.9).to_numpy())


def test_frame_float32_column_close_to_float64():
    df = make_frame()
    out = df.ewmakit.smooth(0.9)["f32"].to_numpy()
    exp = df["f32"].astype(np.float64).ewm(alpha=0.1, adjust=False).mean().to_numpy()
    np.testing.assert_allclose(out, exp, rtol=1e-6, equal_nan=True)


def test_frame_multiindex_columns_like_yfinance():
    n = 60
    idx = pd.date_range("2022-03-01", periods=n, freq="B", name="Date")
    cols = pd.MultiIndex.from_product([["Close", "High", "Volume"], ["AAPL", "SPY"]], names=["Price", "Ticker"])
    data = np.column_stack([series(j, n, offset=100.0 + j) for j in range(4)]
                           + [np.random.default_rng(j).integers(1_000, 10_000, n) for j in range(2)])
    df = pd.DataFrame(data, index=idx, columns=cols).astype({("Volume", "AAPL"): np.int64, ("Volume", "SPY"): np.int64})
    out = df.ewmakit.smooth(0.9)
    pd.testing.assert_index_equal(out.columns, df.columns)
    assert out.columns.names == ["Price", "Ticker"]
    assert_frame_values(out, df.astype(float).ewm(alpha=0.1, adjust=False).mean())
    close = out["Close"]
    assert list(close.columns) == ["AAPL", "SPY"]
    b = df.ewmakit.bands(0.9, k=1.5)
    assert b.columns.nlevels == 3
    assert list(b.columns.names) == ["band", "Price", "Ticker"]
    assert_frame_values(b["mid"], out)
    std = df.astype(float).ewm(alpha=0.1, adjust=False).std()
    assert_frame_values(b["upper"], out + 1.5 * std, rtol=1e-10)
    assert_frame_values(b["lower"], out - 1.5 * std, rtol=1e-10)


def test_frame_bands_and_zscore():
    df = make_frame()[["f64", "i64", "f64b"]]
    b = df.ewmakit.bands(0.8, k=3.0)
    assert list(b.columns.get_level_values(0).unique()) == ["lower", "mid", "upper"]
    ref = df.astype(float).ewm(alpha=0.2, adjust=False)
    assert_frame_values(b["mid"], ref.mean())
    assert_frame_values(b["upper"], ref.mean() + 3.0 * ref.std(), rtol=1e-10, atol=1e-8)
    assert_frame_values(b["lower"], ref.mean() - 3.0 * ref.std(), rtol=1e-10, atol=1e-8)
    z = df.ewmakit.zscore(0.8)
    x = df.to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        exp = (x - ewma(x, 0.8)) / ewmstd(x, 0.8)
    np.testing.assert_array_equal(z.to_numpy(), exp)


def test_frame_non_numeric_columns():
    df = make_frame()[["f64", "i64"]].assign(name="SPY", when=pd.Timestamp("2020-01-01"))
    # 'name' holds text, so it may name groups: the hint is by=, never numeric_only=True (which would smooth
    # the numbers of different groups together)
    with pytest.raises(TypeError, match=r"non-numeric.*'name'.*'when'.*by='name'") as err:
        df.ewmakit.smooth(0.9)
    assert "numeric_only" not in str(err.value)
    with pytest.raises(TypeError, match=r"non-numeric.*'when'.*numeric_only=True"):
        df.drop(columns="name").ewmakit.smooth(0.9)
    with pytest.raises(TypeError, match=r"'name'"):
        df.ewmakit.var(0.9)
    out = df.ewmakit.smooth(0.9, numeric_only=True)
    assert list(out.columns) == ["f64", "i64"]
    assert_frame_values(out, df[["f64", "i64"]].astype(float).ewm(alpha=0.1, adjust=False).mean())
    assert list(df.ewmakit.zscore(0.9, numeric_only=True).columns) == ["f64", "i64"]
    assert list(df.ewmakit.bands(0.9, numeric_only=True)["upper"].columns) == ["f64", "i64"]


def test_frame_non_numeric_between_numeric_keeps_order():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "s": ["x", "y", "z"], "b": np.array([3, 2, 1], dtype=np.float32),
                       "c": [4, 5, 6]})
    out = df.ewmakit.smooth(0.5, numeric_only=True)
    assert list(out.columns) == ["a", "b", "c"]
    assert [out[c].dtype for c in out.columns] == [np.float64, np.float32, np.float64]
    np.testing.assert_array_equal(out.to_numpy(dtype=float), ewma(df[["a", "b", "c"]].to_numpy(dtype=float), 0.5))


def test_frame_times_index_equals_pandas():
    df = make_frame()[["f64", "f64b", "i64"]]
    rng = np.random.default_rng(3)
    df.index = pd.DatetimeIndex(df.index.to_numpy() + pd.to_timedelta(np.cumsum(rng.integers(0, 30, len(df))),
                                                                        unit="h").to_numpy())
    for ina in (False, True):
        got = df.ewmakit.smooth(halflife="3D", times="index", bias_correction=True, ignore_na=ina)
        exp = df.astype(float).ewm(halflife="3D", times=df.index, adjust=True, ignore_na=ina).mean()
        assert_frame_values(got, exp)


def test_frame_times_index_needs_datetimeindex():
    df = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(TypeError, match=r"times='index'.*DatetimeIndex.*RangeIndex"):
        df.ewmakit.smooth(halflife="1D", times="index")


def test_frame_not_mutated():
    df = make_frame().assign(s="x")
    before = df.copy(deep=True)
    for method in ("smooth", "var", "std", "zscore", "bands"):
        getattr(df.ewmakit, method)(0.9, numeric_only=True)
        getattr(df.ewmakit, method)(0.9, numeric_only=True, bias_correction=True, ignore_na=True)
    pd.testing.assert_frame_equal(df, before, check_exact=True)
    s = df["f64"]
    s_before = copy.deepcopy(s)
    s.ewmakit.smooth(0.9)
    pd.testing.assert_series_equal(s, s_before, check_exact=True)


def test_frame_duplicate_column_names():
    df = pd.DataFrame([[1.0, 2, 3.0], [3.0, 4, 5.0], [2.0, 1, 0.0]], columns=["a", "a", "b"])
    out = df.ewmakit.smooth(0.5)
    assert list(out.columns) == ["a", "a", "b"]
    np.testing.assert_array_equal(out.to_numpy(), ewma(df.to_numpy(dtype=float), 0.5))


def test_bands_bad_k():
    for k in (-1.0, np.nan, np.inf, "2", True):
        with pytest.raises(ValueError, match=rf"\bk\b.*{'inf' if k is np.inf else ''}"):
            make_series().ewmakit.bands(0.9, k=k)


# --------------------------------------------------------------------------- real data


def _read_spy():
    path = require_shared_data("SPY_daily.csv")
    return pd.read_csv(path, index_col="Date", parse_dates=True)


def test_real_spy_smooth_equals_pandas():
    df = _read_spy()
    assert list(df.columns) == ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    before = df.copy(deep=True)
    out = df.ewmakit.smooth(0.9)
    pd.testing.assert_frame_equal(df, before, check_exact=True)
    assert list(out.columns) == list(df.columns)
    pd.testing.assert_index_equal(out.index, df.index)
    assert (out.dtypes == np.float64).all()
    exp = df.ewm(alpha=0.1, adjust=False).mean()
    for col in df.columns:
        np.testing.assert_allclose(out[col].to_numpy(), exp[col].to_numpy(), rtol=1e-12, err_msg=col)


def test_real_spy_hand_computed_close():
    df = _read_spy()
    close = df.ewmakit.smooth(0.9)["Close"]
    # 2015-01-02 close 205.42999267578125, 2015-01-05 close 201.72000122070312
    assert df["Close"].iloc[0] == 205.42999267578125
    assert close.iloc[0] == 205.42999267578125
    assert close.iloc[1] == pytest.approx(0.9 * 205.42999267578125 + 0.1 * 201.72000122070312, rel=1e-15)
    assert close.iloc[1] == pytest.approx(205.058993530273, rel=1e-12)
    assert close.index[1] == pd.Timestamp("2015-01-05")


def test_real_spy_multiindex_csv():
    path = require_shared_data("SPY_daily_yf_multiindex.csv")
    df = pd.read_csv(path, header=[0, 1], index_col=0, parse_dates=True)
    assert df.columns.nlevels == 2
    out = df.ewmakit.smooth(window=20)
    pd.testing.assert_index_equal(out.columns, df.columns)
    assert_frame_values(out, df.astype(float).ewm(span=20, adjust=False).mean())
    flat = _read_spy()
    np.testing.assert_allclose(out[("Close", "SPY")].to_numpy(), flat.ewmakit.smooth(window=20)["Close"].to_numpy(),
                               rtol=1e-12)
