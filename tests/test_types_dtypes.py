"""The type that came in goes out; every dtype holding numbers goes in the same way; pandas spellings.

- ``ewma``/``ewmvar``/``ewmstd``/``ewmcov``/``ewmcorr``: a Series gives a Series (index and name kept),
  a DataFrame a DataFrame (index and columns), anything else an ndarray; the numbers are pandas'.
- The functions and the accessor take object columns holding numbers, numeric categories, nullable and
  pyarrow numeric dtypes all the same way: float64, NA -> NaN, the numbers pandas' ``ewm`` gives on the
  same values as float64 (empty frames too); text is a TypeError naming the column, whose message
  suggests ``by=`` when the column looks like a key and never a ``numeric_only`` that would mix groups.
- ``span=`` is accepted wherever ``window=`` is, still exactly one decay; ``beta=20`` asks "did you mean
  window=20?".
"""

from __future__ import annotations

import decimal
import inspect

import numpy as np
import pandas as pd
import pytest

import ewmakit
from ewmakit import ewma, ewmcorr, ewmcov, ewmstd, ewmvar

pytest.importorskip("pyarrow")

UNARY = {"ewma": (ewma, "mean"), "ewmvar": (ewmvar, "var"), "ewmstd": (ewmstd, "std")}
PAIRWISE = {"ewmcov": (ewmcov, "cov"), "ewmcorr": (ewmcorr, "corr")}
TOL = dict(rtol=1e-10, atol=1e-12)


def assert_values(actual, expected, tol=TOL):
    """Same numbers (≤ tol), NaN exactly where ``expected`` has NaN."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    assert a.shape == e.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
    np.testing.assert_allclose(a, e, **tol)


def walk(n=40, seed=0, nan=True) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = 50 + rng.standard_normal(n).cumsum()
    if nan:
        x[rng.random(n) < 0.15] = np.nan
    return x


# --------------------------------------------------------------------------- the type that came in goes out


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("kw,pandas_kw", [(dict(beta=0.8), dict(alpha=0.2, adjust=False)),
                                          (dict(span=6, bias_correction=True, min_periods=2),
                                           dict(span=6, adjust=True, min_periods=2)),
                                          (dict(com=2.0, ignore_na=True), dict(com=2.0, adjust=False,
                                                                                ignore_na=True))])
def test_unary_series_frame_array_list(name, kw, pandas_kw):
    func, stat = UNARY[name]
    idx = pd.date_range("2024-01-01", periods=40, freq="B", name="Date")
    s = pd.Series(walk(), index=idx, name="close")
    before = s.copy()
    got = func(s, **kw)
    assert type(got) is pd.Series and got.name == "close" and got.index.equals(idx) and got.dtype == np.float64
    expected = getattr(s.ewm(**pandas_kw), stat)()
    assert_values(got, expected)
    pd.testing.assert_series_equal(s, before)  # not mutated

    cols = pd.Index(["a", "b", 3], name="field")
    df = pd.DataFrame({"a": walk(seed=1), "b": walk(seed=2), 3: walk(seed=3)}, index=idx)
    df.columns = cols
    got = func(df, **kw)
    assert type(got) is pd.DataFrame and got.index.equals(idx) and got.columns.equals(cols)
    assert got.columns.name == "field"
    assert_values(got, getattr(df.ewm(**pandas_kw), stat)())

    arr = df.to_numpy()
    got = func(arr, **kw)
    assert type(got) is np.ndarray and got.shape == arr.shape
    assert_values(got, getattr(df.ewm(**pandas_kw), stat)())
    got = func(list(s.to_numpy()), **kw)
    assert type(got) is np.ndarray and got.shape == (40,)
    assert_values(got, expected)
    got = func(arr.tolist(), **kw)
    assert type(got) is np.ndarray and got.shape == arr.shape


def test_multiindex_columns_and_rows_are_kept():
    rows = pd.MultiIndex.from_product([["x", "y"], range(20)], names=["k", "i"])
    cols = pd.MultiIndex.from_tuples([("Close", "SPY"), ("Close", "QQQ")], names=["field", "ticker"])
    df = pd.DataFrame(np.column_stack([walk(seed=4), walk(seed=5)]), index=rows, columns=cols)
    for func, stat in UNARY.values():
        got = func(df, window=5)
        assert got.index.equals(rows) and got.columns.equals(cols)
        assert_values(got, getattr(df.ewm(span=5, adjust=False), stat)())


@pytest.mark.parametrize("name", list(PAIRWISE))
@pytest.mark.parametrize("bc", [False, True])
def test_pairwise_series_frame_array(name, bc):
    func, stat = PAIRWISE[name]
    idx = pd.Index(np.arange(40) * 7, name="t")
    x = pd.Series(walk(seed=6), index=idx, name="x")
    y = pd.Series(walk(seed=7) + 0.5 * np.nan_to_num(walk(seed=6)), index=idx, name="x")
    got = func(x, y, 0.75, bias_correction=bc)
    assert type(got) is pd.Series and got.index.equals(idx) and got.name == "x"
    expected = getattr(x.ewm(alpha=0.25, adjust=bc), stat)(y)
    assert_values(got, expected, dict(rtol=1e-9, atol=1e-12))
    fx = pd.DataFrame({"p": x.to_numpy(), "q": y.to_numpy()}, index=idx)
    fy = pd.DataFrame({"p": y.to_numpy(), "q": x.to_numpy()[::-1]}, index=idx)
    got = func(fx, fy, 0.75, bias_correction=bc)
    assert type(got) is pd.DataFrame and got.index.equals(idx) and list(got.columns) == ["p", "q"]
    expected = getattr(fx.ewm(alpha=0.25, adjust=bc), stat)(fy, pairwise=False)
    assert_values(got, expected, dict(rtol=1e-9, atol=1e-12))
    got = func(fx.to_numpy(), fy.to_numpy(), 0.75, bias_correction=bc)
    assert type(got) is np.ndarray
    assert_values(got, expected, dict(rtol=1e-9, atol=1e-12))
    got = func(list(x), list(y), 0.75, bias_correction=bc)
    assert type(got) is np.ndarray and got.shape == (40,)


def test_pairwise_on_different_indexes_is_an_error():
    x = pd.Series([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="index"):
        ewmcov(x, x.set_axis([5, 6, 7]), 0.5)


# --------------------------------------------------------------------------- dtypes: all the same way


def _dtype_cases():
    """name -> (a Series of that dtype, the float64 values it stands for: NA -> NaN)."""
    f = [1.5, np.nan, 4.0, -2.0, 8.0, np.nan, 3.25]
    i = [1, None, 4, -2, 8, None, 3]
    u = [1, None, 4, 2, 8, None, 3]
    b = [True, None, False, True, True, None, False]
    fi = [np.nan if v is None else float(v) for v in i]
    fu = [np.nan if v is None else float(v) for v in u]
    fb = [np.nan if v is None else float(v) for v in b]
    return {
        "int64": (pd.Series([1, 0, 4, -2, 8, 5, 3]), [1.0, 0, 4, -2, 8, 5, 3]),
        "uint8": (pd.Series([1, 0, 4, 2, 8, 5, 3], dtype=np.uint8), [1.0, 0, 4, 2, 8, 5, 3]),
        "bool": (pd.Series([True, False, False, True, True, True, False]), [1.0, 0, 0, 1, 1, 1, 0]),
        "Int64": (pd.Series(i, dtype="Int64"), fi),
        "Int8": (pd.Series(i, dtype="Int8"), fi),
        "UInt16": (pd.Series(u, dtype="UInt16"), fu),
        "Float64": (pd.Series(f, dtype="Float64"), f),
        "Float32": (pd.Series(f, dtype="Float32"), f),  # exact in float32
        "boolean": (pd.Series(b, dtype="boolean"), fb),
        "float64[pyarrow]": (pd.Series(f, dtype="float64[pyarrow]"), f),
        "float32[pyarrow]": (pd.Series(f, dtype="float32[pyarrow]"), f),
        "int64[pyarrow]": (pd.Series(i, dtype="int64[pyarrow]"), fi),
        "uint32[pyarrow]": (pd.Series(u, dtype="uint32[pyarrow]"), fu),
        "bool[pyarrow]": (pd.Series(b, dtype="bool[pyarrow]"), fb),
        "object numbers": (pd.Series([1, None, 4.0, np.int8(-2), 8, np.nan, 3.25], dtype=object),
                           [1.0, np.nan, 4, -2, 8, np.nan, 3.25]),
        "object with pd.NA": (pd.Series([1.5, pd.NA, 4, -2, 8, None, 3.25], dtype=object), f),
        "object decimals": (pd.Series([decimal.Decimal("1.5"), None, decimal.Decimal(4), decimal.Decimal(-2),
                                       decimal.Decimal(8), None, decimal.Decimal("3.25")], dtype=object), f),
        "category of floats": (pd.Series(pd.Categorical(f)), f),
        "category of ints": (pd.Series(pd.Categorical(i, categories=[8, 4, 3, 1, -2, 99])), fi),
    }


DTYPE_CASES = _dtype_cases()
METHODS = ("smooth", "var", "std", "zscore", "bands")


def pandas_method(ref: pd.Series | pd.DataFrame, method: str, ewm_kw: dict):
    """What each accessor method means, in pandas' ewm on float64 values."""
    ewm = ref.ewm(**ewm_kw)
    if method == "smooth":
        return ewm.mean()
    if method in ("var", "std"):
        return getattr(ewm, method)()
    mean, std = ewm.mean(), ewm.std()
    if method == "zscore":
        return (ref - mean) / std
    return pd.concat([mean - 2 * std, mean, mean + 2 * std], axis=1)


@pytest.mark.parametrize("case", list(DTYPE_CASES))
def test_every_numeric_dtype_is_float64_with_nan_and_pandas_numbers(case):
    s, floats = DTYPE_CASES[case]
    s = s.set_axis(pd.Index(list("abcdefg"), name="row")).rename("v")
    ref = pd.Series(np.asarray(floats, dtype=np.float64), index=s.index, name="v")
    try:  # what pandas' astype(float64) gives, where pandas can cast it: the same floats
        pd.testing.assert_series_equal(s.astype(np.float64), ref)
    except (TypeError, ValueError):
        pass
    kw, ewm_kw = dict(beta=0.7, min_periods=1), dict(alpha=0.3, adjust=False, min_periods=1)
    frame = pd.DataFrame({"v": s, "w": s})
    ref_frame = pd.DataFrame({"v": ref, "w": ref})
    for func, stat in UNARY.values():
        expected = getattr(ref.ewm(**ewm_kw), stat)()
        for got in (func(s, **kw), func(frame, **kw)["v"], func(frame, **kw, columns="v")):
            assert np.asarray(got).dtype == np.float64, case
            assert_values(got, expected)
        arr = s.to_numpy()  # whatever ndarray pandas gives: a float32 one is smoothed in float32 (kept)
        assert_values(func(arr, **kw), expected, TOL if arr.dtype != np.float32 else dict(rtol=1e-6, atol=1e-6))
    for func, stat in PAIRWISE.values():
        expected = getattr(ref.ewm(**ewm_kw), stat)(ref[::-1].set_axis(ref.index))
        got = func(s, s[::-1].set_axis(s.index), **kw)
        assert got.dtype == np.float64
        assert_values(got, expected)
    for method in METHODS:
        got_s = getattr(s.ewmakit, method)(**kw)
        got_f = getattr(frame.ewmakit, method)(**kw)
        for got in (got_s, got_f):
            dtypes = got.dtypes if isinstance(got, pd.DataFrame) else pd.Series([got.dtype])
            assert (dtypes == np.float64).all(), (case, method)
        assert got_s.index.equals(s.index) and got_f.index.equals(s.index)
        # bands: [lower, mid, upper] side by side (a frame's: lower of each column, then mid, then upper)
        assert_values(got_s, pandas_method(ref, method, ewm_kw), dict(rtol=1e-9, atol=1e-12))
        assert_values(got_f, pandas_method(ref_frame, method, ewm_kw), dict(rtol=1e-9, atol=1e-12))


def test_a_frame_of_every_dtype_at_once_equals_each_column_alone():
    df = pd.DataFrame({name: s for name, (s, _) in DTYPE_CASES.items()})
    for func, _ in UNARY.values():
        together = func(df, 0.6, ignore_na=True)
        assert list(together.columns) == list(df.columns) and (together.dtypes == np.float64).all()
        for name, (_, floats) in DTYPE_CASES.items():
            np.testing.assert_array_equal(together[name].to_numpy(),
                                          func(np.asarray(floats, dtype=np.float64), 0.6, ignore_na=True))
    acc = df.ewmakit.smooth(0.6, ignore_na=True)
    pd.testing.assert_frame_equal(acc, ewma(df, 0.6, ignore_na=True), check_exact=True)


def test_numpy_float32_stays_float32_everywhere_else_float64():
    s = pd.Series([1.5, np.nan, 2.0], dtype=np.float32)
    for got in (ewma(s, 0.5), s.ewmakit.smooth(0.5), ewma(s.to_frame(), 0.5)[0],
                s.to_frame().ewmakit.smooth(0.5)[0]):
        assert got.dtype == np.float32
    for dtype in ("Float32", "float32[pyarrow]"):
        t = s.astype(dtype)
        for got in (ewma(t, 0.5), t.ewmakit.smooth(0.5), ewma(t.to_frame(), 0.5)[0],
                    t.to_frame().ewmakit.smooth(0.5)[0]):
            assert got.dtype == np.float64, dtype


@pytest.mark.parametrize("case", list(DTYPE_CASES))
def test_empty_frames_and_series_of_every_dtype(case):
    s = DTYPE_CASES[case][0].iloc[:0].rename("v")
    frame = pd.DataFrame({"v": s, "k": pd.Series([], dtype="str")})
    for func, _ in UNARY.values():
        got = func(s, 0.5)
        assert type(got) is pd.Series and len(got) == 0 and got.dtype == np.float64 and got.name == "v"
        got = func(frame, 0.5, columns=["v"])
        assert list(got.columns) == ["v"] and len(got) == 0 and (got.dtypes == np.float64).all()
        got = func(frame, 0.5, by="k")
        assert list(got.columns) == ["v"] and len(got) == 0 and (got.dtypes == np.float64).all()
    for func, _ in PAIRWISE.values():
        got = func(s, s, 0.5)
        assert type(got) is pd.Series and len(got) == 0 and got.dtype == np.float64
    for method in METHODS:
        got = getattr(frame[["v"]].ewmakit, method)(0.5)
        assert len(got) == 0 and (got.dtypes == np.float64).all()
        got = getattr(frame.ewmakit, method)(0.5, by="k", columns=["v"])
        assert len(got) == 0 and (got.dtypes == np.float64).all()
        got = getattr(s.ewmakit, method)(0.5)
        assert len(got) == 0


def test_empty_frame_without_columns():
    for func, _ in UNARY.values():
        got = func(pd.DataFrame(index=pd.RangeIndex(0)), 0.5)
        assert type(got) is pd.DataFrame and got.shape == (0, 0)
    assert pd.DataFrame().ewmakit.smooth(0.5).shape == (0, 0)


# --------------------------------------------------------------------------- text: a TypeError naming the column

TEXT_COLUMNS = {
    "str": lambda: pd.Series(["SPY", "QQQ", "SPY", "QQQ"], dtype="str"),
    "object strings": lambda: pd.Series(["SPY", "QQQ", None, "QQQ"], dtype=object),
    "string[pyarrow]": lambda: pd.Series(["SPY", "QQQ", "SPY", None], dtype="string[pyarrow]"),
    "text category": lambda: pd.Series(pd.Categorical(["SPY", "QQQ", "SPY", "QQQ"])),
    "numbers as text": lambda: pd.Series(["1", "2", "3", "4"], dtype=object),
    "mixed objects": lambda: pd.Series(["a", 1, 2.0, 3], dtype=object),
}


@pytest.mark.parametrize("kind", list(TEXT_COLUMNS))
def test_text_column_is_a_type_error_naming_it_and_suggesting_by(kind):
    df = pd.DataFrame({"close": [1.0, 2.0, 3.0, 4.0], "ticker": TEXT_COLUMNS[kind]()})
    for func, _ in UNARY.values():
        with pytest.raises(TypeError, match=r"'ticker'.*by='ticker'") as err:
            func(df, window=3)
        assert "numeric_only" not in str(err.value)
        with pytest.raises(TypeError, match=r"column 'ticker'"):  # picked explicitly: named
            func(df, window=3, columns=["close", "ticker"])
    for func, _ in PAIRWISE.values():
        with pytest.raises(TypeError, match=r"'ticker'.*by='ticker'"):
            func(df, df, window=3)
    for method in METHODS:
        with pytest.raises(TypeError, match=r"'ticker'.*by='ticker'") as err:
            getattr(df.ewmakit, method)(window=3)
        assert "numeric_only" not in str(err.value)
    with pytest.raises(TypeError, match="text"):
        ewma(df["ticker"], window=3)
    with pytest.raises(TypeError, match="text"):
        df["ticker"].ewmakit.smooth(window=3)


def test_following_the_by_hint_smooths_each_group_on_its_own():
    """The issue's case: a long table refused with a by= hint; by= then gives pandas' per-group numbers (the
    first row of the second ticker is its own close, not a value mixed with the first ticker)."""
    rng = np.random.default_rng(3)
    n = 300
    long = pd.DataFrame({"date": np.tile(pd.date_range("2020-01-01", periods=n // 2), 2),
                         "ticker": np.repeat(["AAA", "BBB"], n // 2),
                         "close": np.concatenate([2500 + rng.standard_normal(n // 2).cumsum(),
                                                  2200 + rng.standard_normal(n // 2).cumsum()])})
    with pytest.raises(TypeError, match=r"by='ticker'") as err:
        long.ewmakit.smooth(window=20)
    assert "numeric_only" not in str(err.value)
    with pytest.raises(TypeError, match=r"by='ticker'"):
        ewma(long, window=20)
    got = long.ewmakit.smooth(window=20, by="ticker", columns="close")
    expected = long.groupby("ticker")["close"].ewm(span=20, adjust=False).mean().droplevel(0)
    assert_values(got, expected.reindex(long.index), dict(rtol=1e-12, atol=1e-12))
    assert got.iloc[n // 2] == long["close"].iloc[n // 2]


def test_dates_only_are_refused_with_times_named():
    df = pd.DataFrame({"x": [1.0, 2.0], "d": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    with pytest.raises(TypeError, match=r"'d'"):
        ewma(df, 0.5)
    with pytest.raises(TypeError, match=r"column 'd' holds dates.*times="):
        ewma(df, 0.5, columns=["x", "d"])
    with pytest.raises(TypeError, match=r"'d'"):
        df.ewmakit.smooth(0.5)
    # no key among the refused columns: leaving them out mixes nothing, so numeric_only is a fair hint there
    assert_values(df.ewmakit.smooth(0.5, numeric_only=True)["x"], [1.0, 1.5])


@pytest.mark.parametrize("method", METHODS)
def test_series_accessor_refuses_numeric_only(method):
    s = pd.Series([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="numeric_only"):
        getattr(s.ewmakit, method)(0.5, numeric_only=True)
    assert "numeric_only" not in inspect.signature(getattr(s.ewmakit, method)).parameters


# --------------------------------------------------------------------------- span= wherever window= is


def _smoothers_with_window():
    """Every smoother of the scope (functions, accessor methods, streaming, dask, forecast) taking window=."""
    import ewmakit.dask as ekd
    import ewmakit.forecast as fc
    from ewmakit.accessor import DataFrameAccessor, SeriesAccessor

    found = {}
    for owner, names in ((ewmakit, ("ewma", "ewmvar", "ewmstd", "ewmcov", "ewmcorr", "ewma_weights",
                                    "resolve_beta", "EWMA")),
                         (ekd, ("ewma", "ewmvar", "ewmstd")), (fc, ("forecast",)),
                         (SeriesAccessor, ("smooth", "var", "std", "zscore", "bands", "forecast")),
                         (DataFrameAccessor, ("smooth", "var", "std", "zscore", "bands"))):
        for name in names:
            found[f"{getattr(owner, '__name__', owner)}.{name}"] = getattr(owner, name)
    return found


@pytest.mark.parametrize("qualname,func", list(_smoothers_with_window().items()))
def test_span_is_a_parameter_wherever_window_is(qualname, func):
    params = inspect.signature(func).parameters
    assert "window" in params and "span" in params, qualname


def _span_cases():
    import ewmakit.forecast as fc

    x = walk(60, seed=11, nan=False)
    s = pd.Series(x, name="p")
    df = pd.DataFrame({"p": x, "q": x[::-1]})

    def streaming(**kw):
        return ewmakit.EWMA(**kw).update_many(x)

    return {
        "ewma": lambda **kw: ewma(x, **kw),
        "ewmvar": lambda **kw: ewmvar(df, **kw),
        "ewmstd": lambda **kw: ewmstd(s, **kw),
        "ewmcov": lambda **kw: ewmcov(x, x[::-1], **kw),
        "ewmcorr": lambda **kw: ewmcorr(s, s[::-1].reset_index(drop=True), **kw),
        "ewma_weights": lambda **kw: ewmakit.ewma_weights(5, **kw),
        "resolve_beta": lambda **kw: ewmakit.resolve_beta(**kw),
        "EWMA": streaming,
        "Series.smooth": lambda **kw: s.ewmakit.smooth(**kw),
        "Series.var": lambda **kw: s.ewmakit.var(**kw),
        "Series.std": lambda **kw: s.ewmakit.std(**kw),
        "Series.zscore": lambda **kw: s.ewmakit.zscore(**kw),
        "Series.bands": lambda **kw: s.ewmakit.bands(**kw),
        "Series.forecast": lambda **kw: s.ewmakit.forecast(3, **kw, init="first"),
        "DataFrame.smooth": lambda **kw: df.ewmakit.smooth(**kw),
        "DataFrame.var": lambda **kw: df.ewmakit.var(**kw),
        "DataFrame.std": lambda **kw: df.ewmakit.std(**kw),
        "DataFrame.zscore": lambda **kw: df.ewmakit.zscore(**kw),
        "DataFrame.bands": lambda **kw: df.ewmakit.bands(**kw),
        "forecast": lambda **kw: fc.forecast(x, 3, **kw, init="first"),
    }


SPAN_CASES = _span_cases()


@pytest.mark.parametrize("name", list(SPAN_CASES))
def test_span_equals_window_and_is_one_decay_spec(name):
    run = SPAN_CASES[name]
    by_span, by_window = run(span=7), run(window=7)
    assert type(by_span) is type(by_window)
    np.testing.assert_array_equal(np.asarray(by_span, dtype=float), np.asarray(by_window, dtype=float))
    # and not the same thing as another window: span is no ignored argument
    assert not np.array_equal(np.asarray(run(span=3), dtype=float), np.asarray(by_window, dtype=float),
                              equal_nan=True)
    for other in (dict(window=7), dict(beta=0.5), dict(halflife=2.0)):
        with pytest.raises(ValueError, match=r"exactly one decay.*span=7"):
            run(span=7, **other)


def test_span_in_dask_equals_window():
    pytest.importorskip("dask.dataframe")
    import dask
    import dask.dataframe as dd

    import ewmakit.dask as ekd

    df = pd.DataFrame({"k": np.tile(["a", "b", "c"], 40), "x": walk(120, seed=12)})
    ddf = dd.from_pandas(df, npartitions=3)
    with dask.config.set(scheduler="sync"):
        for name in ("ewma", "ewmvar", "ewmstd"):
            func = getattr(ekd, name)
            a = func(ddf, span=9, by="k", columns=["x"]).compute()
            b = func(ddf, window=9, by="k", columns=["x"]).compute()
            pd.testing.assert_frame_equal(a, b, check_exact=True)
            expected = getattr(df.groupby("k")["x"].ewm(span=9, adjust=False), UNARY[name][1])()
            assert_values(a["x"], expected.droplevel(0).reindex(df.index))
            with pytest.raises(ValueError, match=r"exactly one decay"):
                func(ddf, span=9, window=9, by="k", columns=["x"])
        a = ddf.ewmakit.smooth(span=9, by="k", columns=["x"]).compute()
        pd.testing.assert_frame_equal(a, ekd.ewma(ddf, window=9, by="k", columns=["x"]).compute(),
                                      check_exact=True)


# --------------------------------------------------------------------------- beta=20: did you mean window=20?


@pytest.mark.parametrize("call", [
    lambda b: ewma([1.0, 2.0, 3.0], b),
    lambda b: ewma([1.0, 2.0, 3.0], beta=b),
    lambda b: ewmvar(pd.Series([1.0, 2.0, 3.0]), b),
    lambda b: ewmcorr([1.0, 2.0, 3.0], [3.0, 1.0, 2.0], b),
    lambda b: pd.Series([1.0, 2.0, 3.0]).ewmakit.smooth(b),
    lambda b: pd.DataFrame({"x": [1.0, 2.0, 3.0]}).ewmakit.std(b),
    lambda b: ewmakit.EWMA(b),
    lambda b: ewmakit.resolve_beta(b),
], ids=["ewma", "ewma-beta=", "ewmvar", "ewmcorr", "Series.smooth", "DataFrame.std", "EWMA", "resolve_beta"])
def test_an_integer_beta_of_two_or_more_suggests_the_window(call):
    for b in (20, 20.0, 2, np.int64(50)):
        n = int(b)
        with pytest.raises(ValueError, match=rf"beta must be in \[0, 1\).*did you mean window={n}\?"):
            call(b)
    for b in (1, 1.5, 2.5, -3):  # no whole number >= 2: the plain range message, no guess
        with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)") as err:
            call(b)
        assert "did you mean" not in str(err.value)
    # the suggested window is the right one: window=20 is beta 19/21
    assert ewmakit.resolve_beta(window=20) == pytest.approx(19 / 21, rel=1e-15)
