"""polars in, polars out: the smoothers and the ``.ewmakit`` namespaces on polars Series and DataFrames.

References, from the strictest to the loosest:

- ewmakit on the pandas version of the same data (nulls as NaN): the same
  bits, for every function and option;
- polars' own ``ewm_mean``/``ewm_var``/``ewm_std`` (``.over(key)``) and
  ``ewm_mean_by``, where polars defines the same thing: rows whose value is
  present, no NaN (polars gives null on a null row where we carry the last
  value, and propagates a NaN for ever where we take it as missing);
- pandas ``ewm``/``groupby().ewm`` per group (a small tolerance). pandas 3
  special-cases alpha = 0.5 after gaps (pandas-dev/pandas#66523), so the
  tests with missing values use other decays.
"""

from __future__ import annotations

import datetime as dt
import inspect
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ewmakit
import ewmakit._engine as engine
from conftest import reference, require_shared_data
from ewmakit import finance as F
from ewmakit._frames import Table
from ewmakit._polars import frame_floats, series_floats

pl = reference("polars")

FUNCS = {"ewma": ewmakit.ewma, "ewmvar": ewmakit.ewmvar, "ewmstd": ewmakit.ewmstd}
PAIRS = {"ewmcov": ewmakit.ewmcov, "ewmcorr": ewmakit.ewmcorr}
PANDAS_STAT = {"ewma": "mean", "ewmvar": "var", "ewmstd": "std", "ewmcov": "cov", "ewmcorr": "corr"}
TOL = dict(rtol=1e-9, atol=1e-12)  # ewmakit against pandas' own arithmetic (not the same order of operations)


# --------------------------------------------------------------------------- helpers


def to_pandas(obj):
    """The pandas version of a polars Series/DataFrame, without pyarrow: nulls as NaN (numbers) or None (keys)."""
    if isinstance(obj, pl.Series):
        return pd.Series(obj.to_numpy(), name=obj.name)
    return pd.DataFrame({c: obj[c].to_numpy() for c in obj.columns})


def assert_same_bits(got, expected):
    """A polars result against a pandas/numpy one: the same dtype and values, NaN in the same places."""
    if isinstance(got, pl.DataFrame):
        assert list(got.columns) == [str(c) for c in expected.columns]
        for c in got.columns:
            assert_same_bits(got[c], expected[c])
        return
    a = got.to_numpy()
    b = np.asarray(expected)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    np.testing.assert_array_equal(a, b)


def nan_for_null(s) -> np.ndarray:
    """A polars float result as an ndarray, null as NaN (what ewmakit gives where there is no value)."""
    return s.cast(pl.Float64).fill_null(float("nan")).to_numpy()


def first_variance_as_nan(df, ref: np.ndarray, value: str, key: str) -> np.ndarray:
    """polars' unbiased EW variance/std with the 0 that older polars (1.10 here) gives at each group's first
    observation (a 0/0) as NaN, which newer polars, pandas and ewmakit give."""
    first = df.select((pl.col(value).is_not_null().cum_sum().over(key) == 1) & pl.col(value).is_not_null())
    return np.where(first.to_series().to_numpy() & (ref == 0), np.nan, ref)


# polars' name for pandas' min_periods (min_periods before polars 1.21)
MIN_SAMPLES = "min_samples" if "min_samples" in inspect.signature(pl.Expr.ewm_mean).parameters else "min_periods"


def mixed_frame(n: int = 60, seed: int = 0):
    """Float64 with nulls and a NaN, Float32, Int64 with nulls, UInt8, Boolean columns."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(n).cumsum()
    i = rng.integers(-50, 50, n)
    nulls = rng.random(n) < 0.15
    return pl.DataFrame({
        "f64": pl.Series([None if m else float(v) for m, v in zip(nulls, f)], dtype=pl.Float64),
        "f32": pl.Series(f.astype(np.float32)),
        "i64": pl.Series([None if m else int(v) for m, v in zip(np.roll(nulls, 3), i)], dtype=pl.Int64),
        "u8": pl.Series(np.abs(i).astype(np.uint8)),
        "flag": pl.Series(rng.random(n) < 0.5),
    }).with_columns(pl.when(pl.int_range(pl.len()) == 7).then(float("nan")).otherwise(pl.col("f64")).alias("f64"))


def long_polars(seed: int = 0, n: int = 400, nulls: float = 0.1, null_keys: float = 0.05):
    """A long (t, ticker, x, y) table, rows interleaved at random, nulls in the values and the keys."""
    rng = np.random.default_rng(seed)
    tickers = rng.choice(["AAA", "BB", "C", "DDDD"], n)
    x = rng.standard_normal(n).cumsum() + 50
    y = x * 0.5 + rng.standard_normal(n)
    return pl.DataFrame({
        "t": pd.date_range("2024-01-01", periods=n, freq="h").to_numpy(),
        "ticker": [None if m else k for m, k in zip(rng.random(n) < null_keys, tickers)],
        "x": [None if m else float(v) for m, v in zip(rng.random(n) < nulls, x)],
        "y": [None if m else float(v) for m, v in zip(rng.random(n) < nulls, y)],
    })


def pandas_groups(pdf: pd.DataFrame, key, cols, stat: str, ewm_kw: dict, stat_kw=None) -> pd.DataFrame:
    """pandas' own per-group result (groupby().ewm()), back on the input rows; rows of a missing key are NaN."""
    grouped = pdf.groupby(key, sort=False, dropna=True)[list(cols)]
    res = getattr(grouped.ewm(**ewm_kw), stat)(**(stat_kw or {}))
    res = res.droplevel(list(range(res.index.nlevels - 1)))
    return res.reindex(pdf.index)


@pytest.fixture(scope="module")
def panel():
    """Five ETFs (../shared/data/panel_2005_2026) stacked into one long (Date, ticker, Close) polars table, with
    the rows shuffled: no ticker's rows are contiguous."""
    base = require_shared_data("panel_2005_2026")
    parts = [pl.read_csv(base / f"{t}.csv", try_parse_dates=True).select(
        "Date", pl.lit(t).alias("ticker"), "Close", "Volume") for t in ("SPY", "QQQ", "GLD", "TLT", "IWM")]
    stacked = pl.concat(parts)
    order = np.random.default_rng(11).permutation(stacked.height)
    return stacked[order]


# --------------------------------------------------------------------------- the type that came in goes out


@pytest.mark.parametrize("name", list(FUNCS))
@pytest.mark.parametrize("dtype", ["f64", "f32", "i64", "u8", "flag"])
def test_series_in_series_out_same_bits_as_pandas(name, dtype):
    s = mixed_frame()[dtype].alias("close")
    got = FUNCS[name](s, alpha=0.3)
    assert isinstance(got, pl.Series)
    assert got.name == "close" and got.len() == s.len()
    assert got.dtype == (pl.Float32 if dtype == "f32" else pl.Float64)
    assert_same_bits(got, FUNCS[name](to_pandas(s), alpha=0.3))
    # and pandas' own ewm (nulls are NaN there)
    pd_float = pd.Series(nan_for_null(s.cast(pl.Float64)))
    expected = getattr(pd_float.ewm(alpha=0.3, adjust=False), PANDAS_STAT[name])()
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-5 if dtype == "f32" else 1e-9, atol=1e-12)


@pytest.mark.parametrize("name", list(FUNCS))
def test_frame_in_frame_out_same_bits_as_pandas(name):
    df = mixed_frame()
    got = FUNCS[name](df, window=9, bias_correction=True, min_periods=3)
    assert isinstance(got, pl.DataFrame)
    assert got.columns == df.columns and got.height == df.height
    # mixed columns: every result column float64 (as for a pandas frame); float32 only if all of them are
    assert set(got.dtypes) == {pl.Float64}
    assert_same_bits(got, FUNCS[name](to_pandas(df), window=9, bias_correction=True, min_periods=3))
    f32 = df.select("f32", pl.col("u8").cast(pl.Float32))
    got32 = FUNCS[name](f32, window=9)
    assert got32.dtypes == [pl.Float32, pl.Float32]
    assert_same_bits(got32, FUNCS[name](to_pandas(f32), window=9))


@pytest.mark.parametrize("name", list(PAIRS))
def test_pairwise_in_polars_out_same_bits_as_pandas(name):
    df = long_polars(3)
    pdf = to_pandas(df)
    func = PAIRS[name]
    got = func(df["x"], df["y"], alpha=0.2)
    assert isinstance(got, pl.Series) and got.name == "x" and got.dtype == pl.Float64
    assert_same_bits(got, func(pdf["x"], pdf["y"], alpha=0.2))
    expected = getattr(pdf["x"].ewm(alpha=0.2, adjust=False), PANDAS_STAT[name])(pdf["y"])
    np.testing.assert_allclose(got.to_numpy(), expected, **TOL)
    frames = func(df.select("x", "y"), df.select("y", "x").rename({"y": "x", "x": "y"}), alpha=0.2)
    assert isinstance(frames, pl.DataFrame) and frames.columns == ["x", "y"]
    np.testing.assert_array_equal(frames["x"].to_numpy(), got.to_numpy())
    # by= a key column of x: each ticker on its own rows, as pandas' groupby
    grouped = func(df.select("ticker", "x"), df.select(pl.col("y").alias("x")), alpha=0.2, by="ticker")
    assert grouped.columns == ["x"]
    assert_same_bits(grouped, func(pdf[["ticker", "x"]], pdf[["y"]].set_axis(["x"], axis=1), alpha=0.2,
                                   by="ticker"))
    ref = pd.Series(np.nan, index=pdf.index)
    for rows in pdf.groupby("ticker").groups.values():
        part = pdf.loc[rows]
        ref[rows] = getattr(part["x"].ewm(alpha=0.2, adjust=False), PANDAS_STAT[name])(part["y"])
    np.testing.assert_allclose(grouped["x"].to_numpy(), ref.to_numpy(), **TOL)


def test_nulls_are_missing_values_as_nan_in_pandas():
    """A null is what NaN is in pandas: the same bits as NaN in its place, in every function and option."""
    values = [1.0, None, 4.0, None, None, 2.5, 7.0, None]
    nulls = pl.Series("v", values)
    nans = pl.Series("v", [float("nan") if v is None else v for v in values])
    assert nulls.null_count() == 4 and nans.null_count() == 0
    for name, func in FUNCS.items():
        for kw in (dict(alpha=0.3), dict(alpha=0.3, ignore_na=True), dict(window=4, bias_correction=True),
                   dict(com=2.0, min_periods=2)):
            got = func(nulls, **kw)
            np.testing.assert_array_equal(got.to_numpy(), func(nans, **kw).to_numpy())
            pandas_kw = {k.replace("window", "span"): v for k, v in kw.items() if k != "bias_correction"}
            expected = getattr(pd.Series(nans.to_numpy()).ewm(adjust=kw.get("bias_correction", False),
                                                              **pandas_kw), PANDAS_STAT[name])()
            np.testing.assert_allclose(got.to_numpy(), expected, **TOL)
    # the last value carried on a null row: a value at every row once the series has begun
    assert not np.isnan(ewmakit.ewma(nulls, 0.5).to_numpy()).any()


def test_chunked_series_and_frames_equal_one_chunk():
    a = pl.Series("x", [1.0, 2.0, None])
    b = pl.Series("x", [4.0, 8.0])
    chunked = pl.concat([a, b], rechunk=False)
    assert chunked.n_chunks() == 2
    one = chunked.rechunk()
    np.testing.assert_array_equal(ewmakit.ewmvar(chunked, 0.6).to_numpy(), ewmakit.ewmvar(one, 0.6).to_numpy())
    frames = pl.concat([a.to_frame(), b.to_frame()], rechunk=False)
    np.testing.assert_array_equal(ewmakit.ewma(frames, 0.6)["x"].to_numpy(), ewmakit.ewma(one, 0.6).to_numpy())


def test_decimal_and_all_null_columns_are_numbers():
    df = pl.DataFrame({"d": [Decimal("1.50"), None, Decimal("3.25")], "z": pl.Series([None, None, None])})
    got = ewmakit.ewma(df, 0.5)
    assert got.dtypes == [pl.Float64, pl.Float64]
    np.testing.assert_array_equal(got["d"].to_numpy(), ewmakit.ewma(np.array([1.5, np.nan, 3.25]), 0.5))
    assert got["z"].is_nan().all()


def test_empty_frame_and_series():
    got = ewmakit.ewma(pl.DataFrame({"x": pl.Series([], dtype=pl.Float64)}), 0.5)
    assert got.shape == (0, 1) and got.dtypes == [pl.Float64]
    assert ewmakit.ewmstd(pl.Series("e", [], dtype=pl.Float32), 0.5).dtype == pl.Float32


# --------------------------------------------------------------------------- zero copy


@pytest.fixture
def kernel_inputs(monkeypatch):
    """The arrays the engine's kernels are handed (their first argument), recorded."""
    seen = []
    for entry in ("run_mean", "run_mean_groups", "run_cov", "run_cov_groups"):
        real = getattr(engine, entry)

        def spy(x, *args, _real=real, **kwargs):
            seen.append(x)
            return _real(x, *args, **kwargs)

        monkeypatch.setattr(engine, entry, spy)
    return seen


@pytest.mark.parametrize("name", ["ewma", "ewmvar"])
def test_kernel_reads_polars_buffer_without_a_copy(name, kernel_inputs):
    """A Float64/Float32 column without nulls reaches the kernel as polars' own buffer (read-only), alone or with
    by=; polars built the Series on our numpy array, so that array is the independent witness."""
    rng = np.random.default_rng(5)
    for dtype in (np.float64, np.float32):
        buf = rng.standard_normal(1000).astype(dtype)
        s = pl.Series("close", buf)
        assert np.shares_memory(s.to_numpy(), buf)  # polars keeps the array it was given (precondition)
        kernel_inputs.clear()
        FUNCS[name](s, 0.9)
        assert len(kernel_inputs) == 1 and np.shares_memory(kernel_inputs[0], buf)
        assert not kernel_inputs[0].flags.writeable  # the kernel cannot write into polars' data
        df = pl.DataFrame({"ticker": rng.choice(["a", "b", "c"], 1000), "close": s})
        kernel_inputs.clear()
        getattr(df.ewmakit, {"ewma": "smooth", "ewmvar": "var"}[name])(window=20, by="ticker", columns=["close"])
        assert len(kernel_inputs) == 1 and np.shares_memory(kernel_inputs[0], buf)
        assert Table(df, by="ticker", columns=["close"]).values.base is not None  # a view, documented as such
    # with a null, or an integer column: a fresh array (nulls written as NaN), polars' data untouched
    nulls = pl.Series("close", [1.0, None, 3.0])
    kernel_inputs.clear()
    ewmakit.ewma(nulls, 0.5)
    assert np.isnan(kernel_inputs[0][1]).all() and nulls.null_count() == 1


def test_documented_conversions():
    """``series_floats``/``frame_floats``: views where the data is one float buffer, copies otherwise."""
    buf = np.arange(6.0)
    assert np.shares_memory(series_floats(pl.Series(buf), "x"), buf)
    block = np.asfortranarray(np.arange(12.0).reshape(6, 2))
    frame = pl.DataFrame(block, schema=["a", "b"])
    out = frame_floats(frame, ["a", "b"], 6)
    np.testing.assert_array_equal(out, block)
    assert out.flags.f_contiguous
    ints = frame_floats(pl.DataFrame({"a": [1, None], "b": [2.5, 3.5]}), ["a", "b"], 2)
    assert ints.dtype == np.float64 and np.isnan(ints[1, 0]) and ints[1, 1] == 3.5


# --------------------------------------------------------------------------- by= and times= as column names


@pytest.mark.parametrize("name", list(FUNCS))
@pytest.mark.parametrize("kw", [dict(alpha=0.3), dict(span=6, bias_correction=True, min_periods=2),
                                dict(beta=0.8, ignore_na=True), dict(com=3.0, init="zero")],
                         ids=["alpha", "span_adjust_mp", "ignore_na", "init_zero"])
def test_by_column_same_bits_as_pandas_and_equals_groupby_ewm(name, kw):
    df = long_polars(7)
    got = FUNCS[name](df, **kw, by="ticker", columns=["x", "y"])
    assert got.columns == ["x", "y"] and got.height == df.height
    pdf = to_pandas(df)
    assert_same_bits(got, FUNCS[name](pdf, **kw, by="ticker", columns=["x", "y"]))
    if kw.get("init") == "zero":
        return  # pandas has no zero start without adjust
    pandas_kw = dict(adjust=kw.get("bias_correction", False), ignore_na=kw.get("ignore_na", False),
                     min_periods=kw.get("min_periods", 0))
    pandas_kw.update({k: v for k, v in kw.items() if k in ("alpha", "span", "com")})
    if "beta" in kw:
        pandas_kw["alpha"] = 1 - kw["beta"]
    expected = pandas_groups(pdf, "ticker", ["x", "y"], PANDAS_STAT[name], pandas_kw)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), **TOL)
    assert got.filter(pl.Series(df["ticker"].is_null())).select(pl.all().is_nan().all()).row(0) == (True, True)


def test_times_column_equals_pandas_version_and_polars_ewm_mean_by():
    """times= a Datetime column (with a time zone) and halflife: per ticker, polars' ``ewm_mean_by`` is the
    same recursion (no nulls)."""
    rng = np.random.default_rng(2)
    n = 300
    stamps = np.sort(rng.choice(np.arange(2000), n, replace=False)).astype("datetime64[h]").astype("datetime64[us]")
    df = pl.DataFrame({"t": stamps, "k": rng.choice(["a", "b", "c"], n), "x": rng.standard_normal(n).cumsum()}) \
        .with_columns(pl.col("t").dt.replace_time_zone("America/New_York", ambiguous="earliest",
                                                         non_existent="null")).drop_nulls()
    got = df.ewmakit.smooth(halflife="12h", times="t", by="k", columns=["x"])
    pdf = pd.DataFrame({"t": pd.to_datetime(df["t"].dt.timestamp("us"), unit="us", utc=True),
                        "k": df["k"].to_numpy(), "x": df["x"].to_numpy()})
    assert_same_bits(got, ewmakit.ewma(pdf, halflife="12h", times="t", by="k", columns=["x"]))
    polars_ref = df.select(pl.col("x").ewm_mean_by("t", half_life="12h").over("k"))
    np.testing.assert_allclose(got["x"].to_numpy(), polars_ref["x"].to_numpy(), rtol=1e-12)
    # bias_correction=True: pandas' groupby ewm with times (adjust=True)
    adj = df.ewmakit.smooth(halflife="12h", times="t", by="k", columns=["x"], bias_correction=True)
    expected = pandas_groups(pdf, "k", ["x"], "mean", dict(halflife="12h", times=pdf["t"].dt.tz_convert(None).to_numpy()))
    np.testing.assert_allclose(adj["x"].to_numpy(), expected["x"].to_numpy(), **TOL)


def test_times_of_date_and_integer_columns_and_series():
    df = pl.DataFrame({"d": [dt.date(2020, 1, 1), dt.date(2020, 1, 2), dt.date(2020, 1, 5), dt.date(2020, 1, 6)],
                       "n": [0, 1, 4, 5], "x": [1.0, 2.0, 3.0, 4.0]})
    by_date = ewmakit.ewma(df, halflife="1D", times="d", columns=["x"])
    by_int = ewmakit.ewma(df, halflife=1.0, times="n", columns=["x"])
    by_series = df["x"].ewmakit.smooth(halflife=1.0, times=df["n"])
    # row 2 comes 3 days later: the past keeps 0.5 ** 3 of its weight
    expected = [1.0, 1.5, 0.125 * 1.5 + 0.875 * 3.0]
    expected.append(0.5 * expected[-1] + 0.5 * 4.0)
    for res in (by_date["x"], by_int["x"], by_series):
        np.testing.assert_allclose(res.to_numpy(), expected, rtol=1e-15)


# --------------------------------------------------------------------------- the namespaces against polars itself


POLARS_STATS = [("smooth", "ewm_mean", {}), ("var", "ewm_var", {"bias": False}), ("var", "ewm_var", {"bias": True}),
                ("std", "ewm_std", {"bias": False}), ("std", "ewm_std", {"bias": True})]


@pytest.mark.parametrize("method,polars_method,bias", POLARS_STATS,
                         ids=["mean", "var", "var_bias", "std", "std_bias"])
@pytest.mark.parametrize("adjust", [False, True])
def test_real_panel_equals_polars_over(panel, method, polars_method, bias, adjust):
    """``pl_df.ewmakit.smooth(window=20, by="ticker", columns=["close"])`` is polars'
    ``ewm_mean(span=20, adjust=False).over("ticker")``; bias_correction=True is adjust=True; var/std with both
    biases."""
    got = getattr(panel.ewmakit, method)(window=20, by="ticker", columns=["Close"], bias_correction=adjust, **bias)
    assert got.columns == ["Close"] and got.height == panel.height
    expected = panel.select(getattr(pl.col("Close"), polars_method)(span=20, adjust=adjust, **bias).over("ticker"))
    expected = nan_for_null(expected["Close"])
    if bias == {"bias": False}:
        expected = first_variance_as_nan(panel, expected, "Close", "ticker")
    np.testing.assert_allclose(got["Close"].to_numpy(), expected, rtol=1e-12, atol=0)
    # the pandas version of the same table: the same bits
    stat = {"smooth": "ewma", "var": "ewmvar", "std": "ewmstd"}[method]
    assert_same_bits(got, FUNCS[stat](to_pandas(panel), window=20, by="ticker", columns=["Close"],
                                      bias_correction=adjust, **bias))


def test_real_panel_frame_namespace_ready_to_assign(panel):
    """The result is row for row: with_columns puts each ticker's EMA next to its rows; it equals each ticker
    smoothed alone (the same bits) and min_periods is polars' min_samples (null there, NaN here)."""
    out = panel.with_columns(ema=panel.ewmakit.smooth(window=20, by="ticker", columns="Close"))
    for t in ("SPY", "GLD"):
        mine = out.filter(pl.col("ticker") == t)
        alone = mine["Close"].ewmakit.smooth(window=20)
        np.testing.assert_array_equal(mine["ema"].to_numpy(), alone.to_numpy())
    mp = panel.ewmakit.smooth(window=20, by="ticker", columns=["Close"], min_periods=20)
    ref = panel.select(pl.col("Close").ewm_mean(span=20, adjust=False, **{MIN_SAMPLES: 20}).over("ticker"))
    assert int(mp["Close"].is_nan().sum()) == ref["Close"].null_count() == 5 * 19
    np.testing.assert_allclose(mp["Close"].to_numpy(), nan_for_null(ref["Close"]), rtol=1e-12)


def test_several_value_columns_and_default_columns(panel):
    """Default value columns: every numeric column but the key (Close and the Int64 Volume); Date, a date, is
    refused unless numeric_only."""
    with pytest.raises(TypeError, match="'Date'"):
        panel.ewmakit.smooth(0.9, by="ticker")
    got = panel.ewmakit.var(0.9, by="ticker", numeric_only=True)
    assert got.columns == ["Close", "Volume"] and got.dtypes == [pl.Float64, pl.Float64]
    ref = panel.select(pl.col("Close", "Volume").cast(pl.Float64).ewm_var(alpha=0.1, adjust=False).over("ticker"))
    for c in ("Close", "Volume"):
        np.testing.assert_allclose(got[c].to_numpy(), first_variance_as_nan(panel, ref[c].to_numpy(), c, "ticker"),
                                   rtol=1e-11)


@pytest.mark.parametrize("ignore_na", [False, True])
@pytest.mark.parametrize("adjust", [False, True])
def test_differences_from_polars_with_nulls_and_nan(ignore_na, adjust):
    """Where polars and ewmakit differ, documented in ewmakit.polars: on a null row polars gives null and
    ewmakit the last value; after a NaN polars gives NaN for ever, ewmakit takes it as missing. Everywhere
    else (ignore_nulls = ignore_na), the same numbers."""
    values = [1.0, 2.0, None, None, 5.0, 3.0, None, 4.0, 7.0]
    df = pl.DataFrame({"k": ["a", "b"] * 4 + ["a"], "x": values})
    mine = df.ewmakit.smooth(alpha=0.3, by="k", bias_correction=adjust, ignore_na=ignore_na)["x"]
    theirs = df.select(pl.col("x").ewm_mean(alpha=0.3, adjust=adjust, ignore_nulls=ignore_na).over("k"))["x"]
    present = df["x"].is_not_null().to_numpy()
    assert theirs.is_null().to_numpy().tolist() == (~present).tolist()
    np.testing.assert_allclose(mine.to_numpy()[present], theirs.to_numpy()[present], rtol=1e-14)
    assert not mine.is_nan().any()  # the last value of the group carried on its null rows
    # the same for var/std
    for method, polars_method in (("var", "ewm_var"), ("std", "ewm_std")):
        mv = getattr(df.ewmakit, method)(alpha=0.3, by="k", bias_correction=adjust, ignore_na=ignore_na)["x"]
        pv = df.select(getattr(pl.col("x"), polars_method)(alpha=0.3, adjust=adjust, ignore_nulls=ignore_na)
                       .over("k"))["x"]
        pv = first_variance_as_nan(df, nan_for_null(pv), "x", "k")
        np.testing.assert_allclose(mv.to_numpy()[present], pv[present], rtol=1e-12)
    # a NaN: polars carries NaN on, ewmakit skips it (as pandas)
    with_nan = pl.Series("x", [1.0, float("nan"), 3.0, 5.0])
    assert with_nan.ewm_mean(alpha=0.3, adjust=adjust).is_nan().to_list() == [False, True, True, True]
    np.testing.assert_array_equal(with_nan.ewmakit.smooth(alpha=0.3, bias_correction=adjust).to_numpy(),
                                  pl.Series("x", [1.0, None, 3.0, 5.0]).ewmakit.smooth(
                                      alpha=0.3, bias_correction=adjust).to_numpy())


# --------------------------------------------------------------------------- the namespaces' other methods


def test_series_namespace_methods_equal_pandas():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(80).cumsum()
    x[[5, 6, 30]] = np.nan
    s = pl.Series("p", x).fill_nan(None)
    e = pd.Series(x).ewm(alpha=0.2, adjust=False)
    mean, std = e.mean(), e.std()
    ns = s.ewmakit
    np.testing.assert_allclose(ns.smooth(alpha=0.2).to_numpy(), mean, **TOL)
    np.testing.assert_allclose(ns.zscore(alpha=0.2).to_numpy(), (pd.Series(x) - mean) / std, **TOL)
    bands = ns.bands(alpha=0.2, k=1.5)
    assert bands.columns == ["lower", "mid", "upper"] and bands.height == 80
    np.testing.assert_allclose(bands["upper"].to_numpy(), mean + 1.5 * std, **TOL)
    np.testing.assert_allclose(bands["lower"].to_numpy(), mean - 1.5 * std, **TOL)
    assert ns.zscore(alpha=0.2).name == "p"
    with pytest.raises(ValueError, match="k must be a finite number >= 0, got -1"):
        ns.bands(alpha=0.2, k=-1)


def test_frame_namespace_zscore_and_bands_per_group():
    df = long_polars(9, nulls=0.0, null_keys=0.0)
    pdf = to_pandas(df)
    z = df.ewmakit.zscore(window=10, by="ticker", columns=["x"])
    mean = pandas_groups(pdf, "ticker", ["x"], "mean", dict(span=10, adjust=False))["x"]
    std = pandas_groups(pdf, "ticker", ["x"], "std", dict(span=10, adjust=False))["x"]
    np.testing.assert_allclose(z["x"].to_numpy(), (pdf["x"] - mean) / std, **TOL)
    b = df.ewmakit.bands(window=10, by="ticker", columns=["x", "y"], k=2.0)
    assert b.columns == ["x_lower", "x_mid", "x_upper", "y_lower", "y_mid", "y_upper"]
    np.testing.assert_allclose(b["x_upper"].to_numpy(), mean + 2 * std, **TOL)
    np.testing.assert_array_equal(b["x_mid"].to_numpy(),
                                  df.ewmakit.smooth(window=10, by="ticker", columns="x").to_numpy())


def test_series_namespace_by_keys_equals_frame_namespace():
    df = long_polars(12)
    via_frame = df.ewmakit.std(0.8, by="ticker", columns="x")
    for keys in (df["ticker"], df["ticker"].to_list(), df["ticker"].to_numpy()):
        np.testing.assert_array_equal(df["x"].ewmakit.std(0.8, by=keys).to_numpy(), via_frame.to_numpy())


# --------------------------------------------------------------------------- keys of every kind


def key_columns():
    keys = ["b", "a", None, "c", "a", "b", "c", "a", "b", None, "a", "c"]
    s = pl.Series("k", keys)
    cat = s.cast(pl.Categorical)
    ints = pl.Series("k", [None if k is None else "abc".index(k) * 7 - 3 for k in keys])
    return {
        "string": s,
        "categorical": cat,
        "enum": s.cast(pl.Enum(["zz", "c", "yy", "b", "xx", "a"])),  # codes 1, 3, 5: unused ones in between
        "integer": ints,
        "unsigned": pl.Series("k", [None if k is None else "abc".index(k) + 3 for k in keys], dtype=pl.UInt32),
        "date": pl.Series("k", [None if k is None else dt.date(2020, 1, 1 + "abc".index(k)) for k in keys]),
    }


@pytest.mark.parametrize("kind", ["string", "categorical", "enum", "integer", "unsigned", "date"])
def test_key_kinds_equal_pandas_groupby(kind):
    key = key_columns()[kind]
    x = [1.0, 2.0, 3.0, None, 5.0, 8.0, 2.0, 7.0, None, 4.0, 6.0, 1.0]
    df = pl.DataFrame({"k": key, "x": x})
    got = ewmakit.ewma(df, alpha=0.4, by="k")
    as_strings = pd.Series(key_columns()["string"].to_numpy())
    expected = pandas_groups(pd.DataFrame({"k": as_strings, "x": to_pandas(df)["x"]}), "k", ["x"], "mean",
                             dict(alpha=0.4, adjust=False))
    np.testing.assert_allclose(got["x"].to_numpy(), expected["x"].to_numpy(), **TOL)
    assert got["x"].filter(key.is_null()).is_nan().all() and key.null_count() == 2


def test_several_key_columns_and_booleans():
    rng = np.random.default_rng(8)
    n = 200
    df = pl.DataFrame({"a": rng.choice(["x", "y"], n), "b": rng.integers(0, 3, n), "up": rng.random(n) < 0.5,
                       "v": rng.standard_normal(n)}).with_columns(pl.col("a").cast(pl.Categorical))
    pdf = pd.DataFrame({"a": df["a"].cast(pl.String).to_numpy(), "b": df["b"].to_numpy(),
                        "up": df["up"].to_numpy().astype(bool), "v": df["v"].to_numpy()})
    got = df.ewmakit.smooth(alpha=0.3, by=["a", "b"], columns=["v"])
    expected = pandas_groups(pdf, ["a", "b"], ["v"], "mean", dict(alpha=0.3, adjust=False))
    np.testing.assert_allclose(got["v"].to_numpy(), expected["v"].to_numpy(), **TOL)
    got_bool = df.ewmakit.var(alpha=0.3, by="up", columns=["v"])
    expected_bool = pandas_groups(pdf, "up", ["v"], "var", dict(alpha=0.3, adjust=False))
    np.testing.assert_allclose(got_bool["v"].to_numpy(), expected_bool["v"].to_numpy(), **TOL)


# --------------------------------------------------------------------------- random keys, orders and nulls


@st.composite
def grouped_tables(draw):
    n = draw(st.integers(1, 60))
    keys = draw(st.lists(st.one_of(st.none(), st.sampled_from(["p", "q", "r", "s"])), min_size=n, max_size=n))
    values = draw(st.lists(st.one_of(st.none(), st.just(float("nan")),
                                     st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False)),
                           min_size=n, max_size=n))
    alpha = draw(st.sampled_from([0.05, 0.2, 0.35, 0.7, 0.9]))  # not 0.5 (pandas 3, see the module notes)
    kw = dict(alpha=alpha, bias_correction=draw(st.booleans()), ignore_na=draw(st.booleans()),
              min_periods=draw(st.integers(0, 3)))
    stat = draw(st.sampled_from(["ewma", "ewmvar", "ewmstd"]))
    bias = draw(st.booleans())
    as_category = draw(st.booleans())
    return keys, values, kw, stat, bias, as_category


@settings(max_examples=120, deadline=None)
@given(case=grouped_tables())
def test_random_keys_orders_and_nulls_equal_pandas_per_group(case):
    keys, values, kw, stat, bias, as_category = case
    df = pl.DataFrame({"k": pl.Series(keys, dtype=pl.String), "x": pl.Series(values, dtype=pl.Float64)})
    if as_category:
        df = df.with_columns(pl.col("k").cast(pl.Categorical))
    extra = {} if stat == "ewma" else {"bias": bias}
    result = FUNCS[stat](df, **kw, **extra, by="k")["x"].to_numpy()
    got = result
    # the reference: each group's rows alone through pandas (null and NaN both NaN there)
    x = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    expected = np.full(len(values), np.nan)
    for key in {k for k in keys if k is not None}:
        rows = np.array([i for i, k in enumerate(keys) if k == key])
        e = pd.Series(x[rows]).ewm(alpha=kw["alpha"], adjust=kw["bias_correction"], ignore_na=kw["ignore_na"],
                                   min_periods=kw["min_periods"])
        expected[rows] = getattr(e, PANDAS_STAT[stat])(**extra)
    if stat != "ewma" and not bias:
        # the unbiased variance of one observation is 0/0: after a gap the debiasing denominator (sum w)^2 - sum w^2
        # is a rounding residue, and pandas and ewmakit both give NaN or 0 by chance (pandas itself changes its
        # mind along a gap: [2, nan x 5], alpha=0.9 gives NaN, NaN, NaN, 0, 0, 0 there); compared from the 2nd
        # observation of the group on
        seen = np.zeros(len(values), dtype=np.int64)
        for key in {k for k in keys if k is not None}:
            rows = np.array([i for i, k in enumerate(keys) if k == key])
            seen[rows] = np.cumsum(~np.isnan(x[rows]))
        lone = seen == 1
        assert np.all(np.isnan(got[lone]) | (got[lone] == 0))
        got, expected = got[~lone], expected[~lone]
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    # and the Series namespace with the keys as an array: the same bits
    np.testing.assert_array_equal(getattr(df["x"].ewmakit, {"ewma": "smooth", "ewmvar": "var", "ewmstd": "std"}
                                          [stat])(**kw, **extra, by=df["k"]).to_numpy(), result)


# --------------------------------------------------------------------------- errors


def test_lazyframe_is_a_clear_error():
    lf = pl.LazyFrame({"k": ["a", "b"], "x": [1.0, 2.0]})
    for func in (*FUNCS.values(), lambda obj, beta: ewmakit.ewmcov(obj, obj, beta)):
        with pytest.raises(TypeError, match=r"LazyFrame: collect\(\) it first"):
            func(lf, 0.5)
    for method in ("smooth", "var", "std", "zscore", "bands"):
        with pytest.raises(TypeError, match=rf"df\.ewmakit\.{method} needs a DataFrame in memory.*\.collect\(\)"):
            getattr(lf.ewmakit, method)(0.5, by="k")


def test_non_numbers_are_type_errors_naming_the_column():
    df = pl.DataFrame({"ticker": ["a", "b"], "when": [dt.date(2020, 1, 1)] * 2, "x": [1.0, 2.0]})
    with pytest.raises(TypeError, match=r"\['ticker', 'when'\].*pass by='ticker'"):
        df.ewmakit.smooth(0.5)
    with pytest.raises(TypeError, match=r"column 'when' holds dates \(pass it as times="):
        df.ewmakit.smooth(0.5, by="ticker", columns=["x", "when"])
    with pytest.raises(TypeError, match="the Series holds text"):
        pl.Series(["a", "b"]).ewmakit.smooth(0.5)
    with pytest.raises(TypeError, match="x holds time spans"):
        ewmakit.ewma(pl.Series([dt.timedelta(1)]), 0.5)
    with pytest.raises(ValueError, match="times='nope' is not a column"):
        df.ewmakit.smooth(halflife=1.0, times="nope", by="ticker", columns=["x"])
    with pytest.raises(ValueError, match=r"by='tick' is not a column"):
        df.ewmakit.smooth(0.5, by="tick", columns=["x"])
    with pytest.raises(ValueError, match=r"inf"):
        ewmakit.ewma(pl.Series([1.0, float("inf")]), 0.5)
    with pytest.raises(TypeError, match="group keys must be scalars"):
        df.with_columns(l=pl.lit([1, 2])).ewmakit.smooth(0.5, by="l", columns=["x"])


def test_times_decreasing_within_a_group_names_the_group():
    df = pl.DataFrame({"k": ["a", "b", "a"], "t": [2.0, 1.0, 1.0], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="'a'"):
        df.ewmakit.smooth(halflife=1.0, times="t", by="k", columns=["x"])


# --------------------------------------------------------------------------- lazy registration


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_ewmakit_does_not_import_polars():
    out = run_python("import sys, ewmakit; import ewmakit.polars; "
                     "print('polars' in sys.modules, any(m.startswith('polars.') for m in sys.modules))")
    assert out == "False False"


@pytest.mark.parametrize("first", ["polars", "ewmakit"])
def test_namespaces_whatever_the_import_order(first):
    second = "ewmakit" if first == "polars" else "polars"
    code = (f"import {first}, {second}; import polars as pl, sys\n"
            "s = pl.Series('x', [1.0, 2.0, 4.0])\n"
            "df = pl.DataFrame({'k': ['a', 'b', 'a'], 'x': [1.0, 2.0, 4.0]})\n"
            "print(s.ewmakit.smooth(0.5).to_list(), df.ewmakit.smooth(0.5, by='k')['x'].to_list(),\n"
            "      type(pl.LazyFrame.ewmakit).__name__,\n"
            "      sum(type(f).__name__ == '_PolarsHook' for f in sys.meta_path))")
    assert run_python(code) == "[1.0, 1.5, 2.75] [1.0, 2.0, 2.5] type 0"


def test_polars_submodule_imported_first_registers_too():
    code = ("import polars.api, ewmakit, polars as pl\n"
            "print(pl.DataFrame({'x': [2.0, 4.0]}).ewmakit.smooth(0.5)['x'].to_list())")
    assert run_python(code) == "[2.0, 3.0]"


# --------------------------------------------------------------------------- the finance methods (issue #18)
# Every indicator of ewmakit.finance is a method of the namespaces (ewmakit._indicators, shared with the pandas
# accessor): the same numbers and names as the function on the pandas version of the same data, bit for bit.


ETFS = ("SPY", "QQQ", "GLD", "TLT", "IWM")
MARKET = object()  # stands for the market returns in a method's arguments (polars or pandas, as the data)

#: (method, args, kwargs, on): the methods of a Series or of the value columns of a DataFrame, on prices
#: ("close") or on returns ("returns")
VALUE_METHODS = [
    ("ema", (20,), {}, "close"), ("ema", (10,), {"seed": "first"}, "close"), ("macd", (), {}, "close"),
    ("macd", (5, 13, 4), {"seed": "first"}, "close"), ("rsi", (), {}, "close"), ("rsi", (5,), {"seed": "first"}, "close"),
    ("dema", (), {}, "close"), ("tema", (10,), {}, "close"), ("t3", (), {}, "close"), ("t3", (7, 0.5), {}, "close"),
    ("trix", (), {}, "close"), ("apo", (), {}, "close"), ("ppo", (5, 10), {}, "close"), ("kama", (), {}, "close"),
    ("log_returns", (), {}, "close"), ("volatility", (), {}, "returns"),
    ("volatility", (0.97,), {"annualize": 252}, "returns"), ("ewm_beta", (MARKET,), {}, "returns"),
    ("ewm_beta", (MARKET, 0.9), {"bias_correction": True, "min_periods": 5}, "returns"),
]
#: the methods of a price frame (DataFrame namespace only)
OHLC_METHODS = [("atr", (), {}), ("atr", (5,), {"seed": "first"}), ("adx", (), {}), ("adx", (7,), {}),
                ("adosc", (), {}), ("adosc", (5, 12), {}), ("keltner", (), {}), ("keltner", (10, 5, 1.5), {})]


def _ids(spec):
    return "-".join([spec[0], *map(str, [a for a in spec[1] if a is not MARKET]), *map(str, spec[2].values())])


@pytest.fixture(scope="module")
def etfs():
    """The five ETFs' OHLCV, one polars frame each (same dates)."""
    base = require_shared_data("panel_2005_2026")
    return {t: pl.read_csv(base / f"{t}.csv").select("High", "Low", "Close", pl.col("Volume").cast(pl.Float64))
            for t in ETFS}


@pytest.fixture(scope="module")
def closes(etfs):
    """One Close column per ETF (a wide polars frame), and the log returns of each."""
    wide = pl.DataFrame({t: etfs[t]["Close"] for t in ETFS})
    returns = pl.DataFrame({t: np.diff(np.log(wide[t].to_numpy()), prepend=np.nan) for t in ETFS})
    return wide, returns


@pytest.fixture(scope="module")
def long_ohlcv(etfs, closes):
    """The five ETFs stacked into one long table (ticker, High, Low, Close, Volume, ret, mkt), rows shuffled:
    ``ret`` the ticker's log returns, ``mkt`` SPY's of the same date."""
    _, returns = closes
    parts = [etfs[t].select(pl.lit(t).alias("ticker"), pl.all()).with_columns(ret=returns[t], mkt=returns["SPY"])
             for t in ETFS]
    stacked = pl.concat(parts)
    return stacked[np.random.default_rng(18).permutation(stacked.height)]


def _args(args, market):
    return [market if a is MARKET else a for a in args]


def _flat(expected):
    """finance's pandas result with (field, column) MultiIndex columns, as polars names them: field_column."""
    if isinstance(expected, pd.DataFrame) and isinstance(expected.columns, pd.MultiIndex):
        return expected.set_axis([f"{a}_{b}" for a, b in expected.columns], axis=1)
    return expected


def _assert_same_result(got, expected):
    """A polars result against finance's pandas one: same kind, names, dtypes and bits."""
    if isinstance(expected, pd.Series):
        assert isinstance(got, pl.Series)
        assert got.name == expected.name
    else:
        assert isinstance(got, pl.DataFrame)
    assert_same_bits(got, _flat(expected))


@pytest.mark.parametrize("spec", VALUE_METHODS, ids=_ids)
def test_series_finance_methods_equal_finance_on_pandas(spec, closes):
    method, args, kw, on = spec
    wide, returns = closes
    data = wide if on == "close" else returns
    s = data["QQQ"]
    got = getattr(s.ewmakit, method)(*_args(args, returns["SPY"]), **kw)
    pds = to_pandas(s)
    expected = getattr(F, method)(pds, *_args(args, to_pandas(returns["SPY"])), **kw)
    _assert_same_result(got, expected)
    # and the pandas accessor's method, which is the same code on the pandas data
    _assert_same_result(got, getattr(pds.ewmakit, method)(*_args(args, to_pandas(returns["SPY"])), **kw))
    if isinstance(got, pl.Series) and method != "log_returns":  # one series in: named after the indicator
        assert got.name.startswith(method + "_")
    assert np.isfinite(to_pandas(got) if isinstance(got, pl.Series) else got.to_numpy()).any()


@pytest.mark.parametrize("spec", VALUE_METHODS, ids=_ids)
def test_frame_finance_methods_equal_finance_on_pandas(spec, closes):
    """A wide frame (one column per ETF) and columns= among other columns: the panel's columns come back."""
    method, args, kw, on = spec
    wide, returns = closes
    data = wide if on == "close" else returns
    got = getattr(data.ewmakit, method)(*_args(args, returns["SPY"]), **kw)
    expected = getattr(F, method)(to_pandas(data), *_args(args, to_pandas(returns["SPY"])), **kw)
    _assert_same_result(got, expected)
    if method not in ("macd",):
        assert got.columns == list(ETFS)  # a panel: its columns, the indicator's name not repeated
    else:
        assert got.columns == [f"{f}_{t}" for f in ("macd", "signal", "hist") for t in ETFS]
    picked = data.with_columns(note=pl.lit("text")).ewmakit
    got2 = getattr(picked, method)(*_args(args, returns["SPY"]), columns=["TLT", "GLD"], **kw)
    expected2 = getattr(F, method)(to_pandas(data), *_args(args, to_pandas(returns["SPY"])),
                                   columns=["TLT", "GLD"], **kw)
    _assert_same_result(got2, expected2)


@pytest.mark.parametrize("spec", OHLC_METHODS, ids=_ids)
def test_price_frame_methods_equal_finance_on_pandas_any_case(spec, etfs):
    method, args, kw = spec
    frame = etfs["TLT"].rename({"High": "high", "Low": "LOW", "Volume": "volume"})  # any case
    got = getattr(frame.ewmakit, method)(*args, **kw)
    pdf = to_pandas(frame)
    expected = getattr(F, method)(pdf, **dict(zip(_ohlc_params(method), args)), **kw)
    _assert_same_result(got, expected)
    _assert_same_result(got, getattr(pdf.ewmakit, method)(*args, **kw))
    if method == "atr":
        assert got.name == f"atr_{(args or (14,))[0]}"
    elif method == "adosc":
        assert got.name == "adosc_{}_{}".format(*(args or (3, 10)))
    else:
        assert got.columns == list(F._ADX_FIELDS if method == "adx" else ("lower", "mid", "upper"))
    assert not hasattr(frame["Close"].ewmakit, method)  # price-frame methods are on the DataFrame namespace only


def _ohlc_params(method):
    return {"atr": ("window",), "adx": ("window",), "adosc": ("fast", "slow"),
            "keltner": ("window", "atr_window", "k")}[method]


def test_finance_methods_equal_talib(etfs):
    talib = reference("talib")
    frame = etfs["SPY"]
    h, lo, c = (frame[k].to_numpy() for k in ("High", "Low", "Close"))

    def close_to(got, ref, scale=0.0):
        got = got.to_numpy()
        np.testing.assert_array_equal(np.isnan(got), np.isnan(ref), err_msg="NaN prefix differs")
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10 * scale)

    for n in (5, 20, 50):
        close_to(frame["Close"].ewmakit.ema(n), talib.EMA(c, timeperiod=n))
    for n in (2, 14):
        close_to(frame["Close"].ewmakit.rsi(n), talib.RSI(c, timeperiod=n), scale=1.0)
        close_to(frame.ewmakit.atr(n), talib.ATR(h, lo, c, timeperiod=n))
        adx = frame.ewmakit.adx(n)
        for field, ref in (("adx", talib.ADX), ("adxr", talib.ADXR), ("plus_di", talib.PLUS_DI),
                           ("minus_di", talib.MINUS_DI), ("dx", talib.DX)):
            close_to(adx[field], ref(h, lo, c, n), scale=100.0)


def _per_group(long, got, alone):
    """``got`` (a polars result on every row of ``long``) equals ``alone(rows of one ticker)`` on each ticker's
    rows, bit for bit, with the same name(s)."""
    for t in ETFS:
        mask = (long["ticker"] == t).to_numpy()
        one = alone(long.filter(pl.Series(mask)))
        part = got.filter(pl.Series(mask))
        if isinstance(one, pl.Series):
            assert isinstance(part, pl.Series) and part.name == one.name
            assert part.dtype == one.dtype
            np.testing.assert_array_equal(part.to_numpy(), one.to_numpy())
        else:
            assert part.columns == one.columns
            for c in one.columns:
                np.testing.assert_array_equal(part[c].to_numpy(), one[c].to_numpy())


@pytest.mark.parametrize("spec", VALUE_METHODS, ids=_ids)
def test_by_on_a_long_table_equals_each_group_alone(spec, long_ohlcv):
    method, args, kw, on = spec
    value = "Close" if on == "close" else "ret"
    long = long_ohlcv
    got = getattr(long.ewmakit, method)(*_args(args, long["mkt"]), by="ticker", columns=value, **kw)
    _per_group(long, got, lambda g: getattr(g[value].ewmakit, method)(*_args(args, g["mkt"]), **kw))
    # the Series namespace with one key per row gives the same
    by_keys = getattr(long[value].ewmakit, method)(*_args(args, long["mkt"]), by=long["ticker"], **kw)
    _assert_same_result(by_keys, to_pandas(got))


@pytest.mark.parametrize("spec", OHLC_METHODS, ids=_ids)
def test_price_frame_by_equals_each_group_alone(spec, long_ohlcv):
    method, args, kw = spec
    long = long_ohlcv.drop("ret", "mkt")
    got = getattr(long.ewmakit, method)(*args, by="ticker", **kw)
    _per_group(long, got, lambda g: getattr(g.drop("ticker").ewmakit, method)(*args, **kw))


def test_by_with_several_value_columns_and_crossover_per_group(long_ohlcv):
    long = long_ohlcv
    got = long.ewmakit.ema(10, by="ticker", columns=["Close", "Volume"])
    assert got.columns == ["Close", "Volume"]  # a panel of value columns: their names
    for c in ("Close", "Volume"):
        np.testing.assert_array_equal(got[c].to_numpy(),
                                      long.ewmakit.ema(10, by="ticker", columns=c).to_numpy())
    macd = long.ewmakit.macd(by="ticker", columns=["Close", "Volume"])
    assert macd.columns == [f"{f}_{c}" for f in ("macd", "signal", "hist") for c in ("Close", "Volume")]
    ema = long.ewmakit.ema(10, by="ticker", columns="Close")
    cross = long["Close"].ewmakit.crossover(ema, by=long["ticker"])
    assert cross.name == "crossover" and cross.dtype == pl.Int8
    _per_group(long.with_columns(ema=ema), cross, lambda g: g["Close"].ewmakit.crossover(g["ema"]))
    assert (cross != 0).sum() > 50  # the test sees crossings


def test_series_with_nulls_equals_pandas_with_nan(closes):
    wide, _ = closes
    s = wide["GLD"].scatter([5, 40, 41, 300], None)
    for method, args in (("ema", (10,)), ("ema", (30,)), ("log_returns", ())):
        _assert_same_result(getattr(s.ewmakit, method)(*args), getattr(F, method)(to_pandas(s), *args))


def test_lazyframe_refuses_the_finance_methods_too():
    lf = pl.LazyFrame({"Close": [1.0, 2.0]})
    for method in ("ema", "macd", "rsi", "kama", "ewm_beta", "log_returns", "atr", "adx", "adosc", "keltner"):
        with pytest.raises(TypeError, match=rf"df\.ewmakit\.{method} needs a DataFrame in memory.*\.collect\(\)"):
            getattr(lf.ewmakit, method)(3)
