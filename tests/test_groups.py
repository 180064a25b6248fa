"""``by=``: every smoother per group, against pandas ``groupby(key).ewm(...)`` and against itself.

Three references, from the loosest to the strictest:

- pandas ``df.groupby(key, sort=False)[cols].ewm(...).mean()/var()/std()/cov()/corr()``,
  reindexed back to the input rows (other arithmetic: a small tolerance, NaN
  exactly where pandas has NaN);
- each group's rows smoothed alone by the same function without ``by=``: the
  same numbers in the same order, so the same bits;
- ``ewmakit.dask`` with ``by=`` over several partitionings: the same bits as
  the in-memory ``by=``.

The tables are long (date, key, values) panels whose rows are interleaved or
shuffled, with NaN values and missing keys. pandas 3 special-cases alpha = 0.5
after gaps (pandas-dev/pandas#66523), so the NaN tests use other decays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ewmakit
from conftest import require_shared_data

# --------------------------------------------------------------------------- the one registry of references

# function -> (its pandas twin on a groupby-ewm object, tolerance); the pairwise ones take (x, y)
REFERENCES = {
    "ewma": (ewmakit.ewma, "mean", dict(rtol=1e-12, atol=1e-12)),
    "ewmvar": (ewmakit.ewmvar, "var", dict(rtol=1e-9, atol=1e-12)),
    "ewmstd": (ewmakit.ewmstd, "std", dict(rtol=1e-9, atol=1e-12)),
    "ewmcov": (ewmakit.ewmcov, "cov", dict(rtol=1e-9, atol=1e-12)),
    "ewmcorr": (ewmakit.ewmcorr, "corr", dict(rtol=1e-9, atol=1e-11)),
}
UNARY = ("ewma", "ewmvar", "ewmstd")
PAIRWISE = ("ewmcov", "ewmcorr")
BIASED = ("ewmvar", "ewmstd", "ewmcov")  # the functions that take bias=

# our decay spec -> pandas' (pandas has no beta: alpha = 1 - beta; window is pandas' span)
DECAYS = [
    (dict(beta=0.6), dict(alpha=0.4)),
    (dict(beta=0.9), dict(alpha=0.1)),
    (dict(alpha=0.25), dict(alpha=0.25)),
    (dict(window=5), dict(span=5)),
    (dict(span=7), dict(span=7)),
    (dict(halflife=3.0), dict(halflife=3.0)),
    (dict(com=2.5), dict(com=2.5)),
]
DECAY_IDS = [next(iter(d)) + "=" + str(next(iter(d.values()))) for d, _ in DECAYS]


def pandas_options(decay: dict, bias_correction: bool, ignore_na: bool, min_periods: int) -> dict:
    return dict(decay, adjust=bias_correction, ignore_na=ignore_na, min_periods=min_periods)


# --------------------------------------------------------------------------- data


def long_table(seed: int = 0, n: int = 600, *, keys: str = "str", nan_frac: float = 0.15, missing: float = 0.05,
               order: str = "shuffled") -> pd.DataFrame:
    """A long panel: key column(s), value columns ``x`` (a random walk) and ``y`` (noise), ``t`` (times).

    ``keys``: "str" (pandas' default str dtype), "object" (Python strings and None), "int", "float",
    "category" (with unused categories), "numcat" (numeric categories), "two" (two key columns ``k`` and
    ``k2``). ``order``: "shuffled" (rows in random order), "interleaved" (round robin over the keys),
    "blocks" (each key's rows contiguous). The index is a shuffled set of unique labels, so alignment on
    the index (not on positions) is what the results are checked on. ``t`` is non-decreasing within every
    group (whatever the order of the rows).
    """
    rng = np.random.default_rng(seed)
    names = np.array(["AAPL", "MSFT", "SPY", "GLD", "TLT", "IWM", "QQQ"], dtype=object)
    raw = names[rng.integers(0, len(names), n)]
    if order == "interleaved":
        raw = names[np.arange(n) % len(names)]
    elif order == "blocks":
        raw = np.sort(raw)
    lost = rng.random(n) < missing
    df = pd.DataFrame(index=pd.Index(rng.permutation(np.arange(10 * n, 11 * n)) * 3, name="row"))
    if keys == "str":
        df["k"] = pd.array(np.where(lost, None, raw), dtype="str")
    elif keys == "object":
        df["k"] = pd.array(np.where(lost, None, raw), dtype=object)
    elif keys == "int":  # no missing value in an int64 column: every key present, 0 and negatives among them
        df["k"] = rng.integers(-2, 4, n)
    elif keys == "float":
        k = rng.integers(0, 5, n).astype(np.float64) * 1.5
        k[lost] = np.nan
        df["k"] = k
    elif keys == "category":
        cats = list(names) + ["UNUSED1", "UNUSED2"]
        df["k"] = pd.Categorical(np.where(lost, None, raw), categories=cats[::-1])
    elif keys == "numcat":
        df["k"] = pd.Categorical(np.where(lost, np.nan, rng.integers(0, 4, n) * 10.0), categories=[40.0, 30.0, 20.0,
                                                                                                     10.0, 0.0])
    elif keys == "two":
        df["k"] = pd.array(np.where(lost, None, raw), dtype="str")
        k2 = rng.integers(0, 2, n).astype(np.float64)
        k2[rng.random(n) < missing] = np.nan
        df["k2"] = k2
    else:
        raise ValueError(keys)
    x = 100 + rng.standard_normal(n).cumsum()
    x[rng.random(n) < nan_frac] = np.nan
    y = rng.standard_normal(n) + 0.3 * np.nan_to_num(x - 100)
    y[rng.random(n) < nan_frac] = np.nan
    df["x"] = x
    df["y"] = y
    if order == "shuffled":
        pass  # the rows are already in a random order (no time order): groups follow input order
    # times: non-decreasing along the rows (so within every group), with repeats
    df["t"] = pd.Timestamp("2021-03-01") + pd.to_timedelta(np.cumsum(rng.integers(0, 4, n)), "h")
    return df


KEY_KINDS = ["str", "object", "int", "float", "category", "numcat", "two"]


def key_of(kind: str):
    return ["k", "k2"] if kind == "two" else "k"


def groups_of(df: pd.DataFrame, key) -> list[np.ndarray]:
    """The rows (positions) of every group, missing keys left out (pandas' dropna=True)."""
    codes = df.groupby(key, sort=False, observed=True).ngroup().fillna(-1).to_numpy().astype(np.int64)
    return [np.flatnonzero(codes == g) for g in range(codes.max() + 1)] if codes.size else []


def missing_rows(df: pd.DataFrame, key) -> np.ndarray:
    keys = [key] if isinstance(key, str) else key
    return np.flatnonzero(df[keys].isna().any(axis=1).to_numpy())


def pandas_unary(df, key, cols, stat, ewm_kw, stat_kw=None, times=None) -> pd.DataFrame:
    """pandas ``groupby(key, sort=False)[cols].ewm(**ewm_kw).<stat>(**stat_kw)`` back on the input rows."""
    g = df.groupby(key, sort=False, observed=True)[cols]
    ewm = g.ewm(**ewm_kw, times=times) if times is not None else g.ewm(**ewm_kw)
    res = getattr(ewm, stat)(**(stat_kw or {}))
    nkeys = len(key) if isinstance(key, list) else 1
    return res.droplevel(list(range(nkeys))).reindex(df.index)


def pandas_pairwise(df, key, stat, ewm_kw, stat_kw=None) -> pd.Series:
    """pandas' pairwise groupby-ewm cov/corr of ``x`` and ``y``, the (x, y) entry, back on the input rows."""
    res = getattr(df.groupby(key, sort=False, observed=True)[["x", "y"]].ewm(**ewm_kw), stat)(**(stat_kw or {}))
    nkeys = len(key) if isinstance(key, list) else 1
    return res.xs("x", level=-1)["y"].droplevel(list(range(nkeys))).reindex(df.index)


def assert_close(actual, expected, tol: dict, msg=""):
    """≤ ``tol`` (other arithmetic), NaN exactly where ``expected`` has NaN."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape, msg)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg=f"NaN positions differ {msg}")
    np.testing.assert_allclose(actual, expected, **tol, err_msg=msg)


def call(name: str, df: pd.DataFrame, key, kw: dict, *, columns=("x", "y")):
    """Our function with ``by=key`` on ``df``: x's columns, and for cov/corr ``y`` as the second series."""
    func = REFERENCES[name][0]
    if name in UNARY:
        return func(df, **kw, by=key, columns=list(columns))
    # pairwise: x and y as DataFrames of the same column name (a DataFrame y gives the same value columns)
    return func(df, df[["y"]].set_axis(["x"], axis=1), **kw, by=key, columns=["x"])["x"]


def pandas_reference(name: str, df, key, decay, bc, ina, mp, bias=None, *, columns=("x", "y"), times=None):
    _, stat, _ = REFERENCES[name]
    ewm_kw = pandas_options(decay, bc, ina, mp)
    stat_kw = {} if bias is None else {"bias": bias}
    if name in UNARY:
        return pandas_unary(df, key, list(columns), stat, ewm_kw, stat_kw, times=times)
    return pandas_pairwise(df, key, stat, ewm_kw, stat_kw)


# --------------------------------------------------------------------------- against pandas: every option


@pytest.mark.parametrize("name", list(REFERENCES))
@pytest.mark.parametrize("decay,pandas_decay", DECAYS, ids=DECAY_IDS)
@pytest.mark.parametrize("bc", [False, True], ids=["adjust=False", "adjust=True"])
@pytest.mark.parametrize("ina", [False, True], ids=["na-kept", "ignore_na"])
@pytest.mark.parametrize("mp", [0, 3])
def test_every_option_equals_pandas_groupby_ewm(name, decay, pandas_decay, bc, ina, mp):
    df = long_table(1, 500)
    kw = dict(decay, bias_correction=bc, ignore_na=ina, min_periods=mp)
    got = call(name, df, "k", kw)
    expected = pandas_reference(name, df, "k", pandas_decay, bc, ina, mp)
    assert type(got) is type(expected)
    assert got.index.equals(df.index)
    assert_close(got, expected, REFERENCES[name][2], msg=f"{name} {kw}")


@pytest.mark.parametrize("name", BIASED)
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("bc", [False, True])
@pytest.mark.parametrize("ina", [False, True])
def test_bias_equals_pandas(name, bias, bc, ina):
    df = long_table(2, 500, keys="object")
    kw = dict(beta=0.9, bias_correction=bc, ignore_na=ina, min_periods=2, bias=bias)
    got = call(name, df, "k", kw)
    expected = pandas_reference(name, df, "k", dict(alpha=0.1), bc, ina, 2, bias=bias)
    assert_close(got, expected, REFERENCES[name][2], msg=f"{name} {kw}")


@pytest.mark.parametrize("name", list(REFERENCES))
@pytest.mark.parametrize("kind", KEY_KINDS)
@pytest.mark.parametrize("order", ["shuffled", "interleaved", "blocks"])
def test_key_kinds_and_row_orders_equal_pandas(name, kind, order):
    df = long_table(3, 420, keys=kind, order=order)
    key = key_of(kind)
    kw = dict(beta=0.8, bias_correction=False, ignore_na=False, min_periods=0)
    got = call(name, df, key, kw)
    expected = pandas_reference(name, df, key, dict(alpha=0.2), False, False, 0)
    assert_close(got, expected, REFERENCES[name][2], msg=f"{name} keys={kind} order={order}")


@pytest.mark.parametrize("name", list(REFERENCES))
@pytest.mark.parametrize("kind", KEY_KINDS)
def test_missing_key_rows_are_nan(name, kind):
    df = long_table(4, 300, keys=kind, nan_frac=0.0)
    key = key_of(kind)
    lost = missing_rows(df, key)
    if kind != "int":
        assert lost.size > 0
    got = np.asarray(call(name, df, key, dict(beta=0.7)))
    assert np.isnan(got[lost]).all()
    present = np.setdiff1d(np.arange(len(df)), lost)
    # every other row has a value (no NaN values here; var/cov/corr are NaN on each group's first row only)
    firsts = np.array([rows[0] for rows in groups_of(df, key)])
    assert not np.isnan(got[np.setdiff1d(present, firsts)]).any()


def test_key_arrays_equal_key_columns():
    """by= an array, a Series on the index, a list: the same as the key column (bit for bit)."""
    df = long_table(5, 400)
    ref = ewmakit.ewma(df, 0.75, by="k", columns=["x", "y"])
    for keys in (df["k"], df["k"].to_numpy(), df["k"].to_numpy(dtype=object), list(df["k"].astype(object)),
                 pd.Categorical(df["k"])):
        got = ewmakit.ewma(df[["x", "y"]], 0.75, by=keys)
        pd.testing.assert_frame_equal(got, ref, check_exact=True)


def test_several_key_arrays_equal_several_key_columns():
    df = long_table(6, 400, keys="two")
    ref = ewmakit.ewmvar(df, 0.75, by=["k", "k2"], columns=["x", "y"])
    got = ewmakit.ewmvar(df[["x", "y"]], 0.75, by=[df["k"].to_numpy(), df["k2"].to_numpy()])
    pd.testing.assert_frame_equal(got, ref, check_exact=True)
    expected = pandas_unary(df, ["k", "k2"], ["x", "y"], "var", dict(alpha=0.25, adjust=False))
    assert_close(got, expected, REFERENCES["ewmvar"][2])


@pytest.mark.parametrize("name", UNARY)
def test_series_with_key_array_equals_pandas(name):
    df = long_table(7, 500)
    s = df["x"].rename("close")
    keys = df["k"].to_numpy()
    got = REFERENCES[name][0](s, 0.85, by=keys, min_periods=2)
    assert isinstance(got, pd.Series) and got.name == "close" and got.index.equals(s.index)
    expected = getattr(s.groupby(keys, sort=False).ewm(alpha=0.15, adjust=False, min_periods=2),
                       REFERENCES[name][1])()
    expected = expected.droplevel(0).reindex(s.index)
    assert_close(got, expected, REFERENCES[name][2])


@pytest.mark.parametrize("name", PAIRWISE)
def test_pairwise_series_with_key_array_equals_pandas(name):
    df = long_table(8, 500)
    got = REFERENCES[name][0](df["x"], df["y"], 0.85, by=df["k"], bias_correction=True)
    assert isinstance(got, pd.Series) and got.index.equals(df.index)
    expected = pandas_pairwise(df, "k", REFERENCES[name][1], dict(alpha=0.15, adjust=True))
    assert_close(got, expected, REFERENCES[name][2])


def test_ndarray_with_keys_equals_pandas():
    df = long_table(9, 400)
    x = df[["x", "y"]].to_numpy()
    keys = df["k"].to_numpy(dtype=object)
    got = ewmakit.ewma(x, 0.7, by=keys)
    assert type(got) is np.ndarray and got.shape == x.shape
    expected = pandas_unary(df, "k", ["x", "y"], "mean", dict(alpha=0.3, adjust=False))
    assert_close(got, expected, REFERENCES["ewma"][2])
    one = ewmakit.ewma(x[:, 0], 0.7, by=keys)
    assert one.shape == (len(df),)
    np.testing.assert_array_equal(one, got[:, 0])
    from_list = ewmakit.ewma(list(x[:, 0]), 0.7, by=list(keys))
    np.testing.assert_array_equal(from_list, one)


def test_categorical_keys_with_many_unused_categories_equal_text_keys():
    """Only the observed categories make groups (pandas observed=True): a key column with thousands of unused
    categories gives the bits of the same keys as text, and pandas' numbers."""
    df = long_table(23, 400, keys="object")
    cats = [f"UNUSED{i}" for i in range(5000)] + ["AAPL", "MSFT", "SPY", "GLD", "TLT", "IWM", "QQQ"]
    many = df.assign(k=pd.Categorical(df["k"], categories=cats[::-1]))
    for name in UNARY:
        ref = call(name, df, "k", dict(beta=0.85, min_periods=2))
        got = call(name, many, "k", dict(beta=0.85, min_periods=2))
        pd.testing.assert_frame_equal(got, ref, check_exact=True)
        expected = pandas_reference(name, many, "k", dict(alpha=0.15), False, False, 2)
        assert_close(got, expected, REFERENCES[name][2], msg=name)


ACCESSOR = {"smooth": "mean", "var": "var", "std": "std"}


@pytest.mark.parametrize("method", ["smooth", "var", "std", "zscore", "bands"])
@pytest.mark.parametrize("decay,pandas_decay", [(dict(window=20), dict(span=20)), (dict(span=9), dict(span=9)),
                                                (dict(beta=0.9), dict(alpha=0.1))], ids=["window", "span", "beta"])
@pytest.mark.parametrize("bc", [False, True])
def test_accessor_by_equals_pandas_groupby_ewm(method, decay, pandas_decay, bc):
    """``df.ewmakit.smooth(window=20, by="ticker", columns=["close"])`` and var/std/zscore/bands: pandas' numbers."""
    df = long_table(24, 500, keys="str").rename(columns={"k": "ticker", "x": "close"})
    kw = dict(decay, bias_correction=bc, ignore_na=True, min_periods=1)
    got = getattr(df.ewmakit, method)(**kw, by="ticker", columns=["close"])
    one = getattr(df.ewmakit, method)(**kw, by="ticker", columns="close")  # one label: a Series (bands: a frame)
    if method == "bands":
        pd.testing.assert_frame_equal(one, got.droplevel(1, axis=1))
    else:
        pd.testing.assert_series_equal(one, got["close"])
    ewm_kw = dict(pandas_decay, adjust=bc, ignore_na=True, min_periods=1)
    mean = pandas_unary(df, "ticker", ["close"], "mean", ewm_kw)
    std = pandas_unary(df, "ticker", ["close"], "std", ewm_kw)
    if method in ACCESSOR:
        expected = pandas_unary(df, "ticker", ["close"], ACCESSOR[method], ewm_kw)
    elif method == "zscore":
        expected = (df[["close"]] - mean) / std
    else:
        expected = pd.concat({"lower": mean - 2 * std, "mid": mean, "upper": mean + 2 * std}, axis=1)
    assert got.index.equals(df.index)
    assert list(got.columns) == list(expected.columns)
    tol = dict(rtol=1e-9, atol=1e-10) if method in ("zscore", "bands") else REFERENCES["ewmvar"][2]
    assert_close(got, expected, tol, msg=method)
    # without columns=: every numeric column that is not the key (close, y), the times column being dates
    if method == "smooth":
        with pytest.raises(TypeError, match="'t'"):
            df.ewmakit.smooth(**kw, by="ticker")
        every = df.drop(columns=["t"]).ewmakit.smooth(**kw, by="ticker")
        assert list(every.columns) == ["close", "y"]
        np.testing.assert_array_equal(every["close"].to_numpy(), got["close"].to_numpy())


@pytest.mark.parametrize("method", ["smooth", "var", "std", "zscore", "bands"])
def test_series_accessor_by_equals_pandas(method):
    df = long_table(25, 400)
    got = getattr(df["x"].ewmakit, method)(window=10, by=df["k"])
    ewm = df.groupby("k", sort=False)["x"].ewm(span=10, adjust=False)
    mean, std = (r.droplevel(0).reindex(df.index) for r in (ewm.mean(), ewm.std()))
    expected = {"smooth": mean, "var": ewm.var().droplevel(0).reindex(df.index), "std": std,
                "zscore": (df["x"] - mean) / std,
                "bands": pd.DataFrame({"lower": mean - 2 * std, "mid": mean, "upper": mean + 2 * std})}[method]
    assert type(got) is type(expected) and got.index.equals(df.index)
    if method == "bands":
        assert list(got.columns) == ["lower", "mid", "upper"]
    else:
        assert got.name == "x"
    assert_close(got, expected, dict(rtol=1e-9, atol=1e-10))


def test_only_some_value_columns_and_default_columns():
    """columns= picks the value columns; the default is every numeric column that is no key nor the times."""
    df = long_table(10, 300, keys="two").drop(columns=["t"])
    df["z"] = np.arange(len(df), dtype=np.int64)  # an int column is a value column too
    default = ewmakit.ewma(df, 0.8, by=["k", "k2"])
    assert list(default.columns) == ["x", "y", "z"]
    one = ewmakit.ewma(df, 0.8, by=["k", "k2"], columns=["y"])
    assert list(one.columns) == ["y"]
    pd.testing.assert_series_equal(one["y"], default["y"], check_exact=True)
    with_times = ewmakit.ewma(long_table(10, 300), halflife="6h", times="t", by="k", bias_correction=True)
    assert list(with_times.columns) == ["x", "y"]


# --------------------------------------------------------------------------- init values (v_{-1}) vs pandas


def with_start_rows(df: pd.DataFrame, key, col: str, init: float) -> tuple[pd.DataFrame, np.ndarray]:
    """``df`` with, in each group, an extra row of value ``init`` just before the group's first observation.

    pandas' adjust=False recursion then starts from ``init`` where ours starts from v_{-1} = init. Returns
    the new frame (rows in order) and the positions of the original rows in it.
    """
    pos = np.arange(len(df), dtype=np.float64)
    extra = []
    for rows in groups_of(df, key):
        seen = rows[~np.isnan(df[col].to_numpy()[rows])]
        if seen.size:
            extra.append(seen[0])
    add = df.iloc[extra].copy()
    add[col] = init
    both = pd.concat([df.assign(_pos=pos), add.assign(_pos=np.asarray(extra, dtype=np.float64) - 0.5)])
    both = both.sort_values("_pos", kind="stable").reset_index(drop=True)
    originals = np.flatnonzero(both["_pos"].to_numpy() % 1 == 0)
    return both, originals


@pytest.mark.parametrize("init", ["zero", 3.5, -120.0])
@pytest.mark.parametrize("ina", [False, True])
@pytest.mark.parametrize("mp", [0, 2])
def test_init_values_equal_pandas_with_a_start_row(init, ina, mp):
    df = long_table(11, 400, keys="object")
    got = ewmakit.ewma(df, 0.9, init=init, ignore_na=ina, min_periods=mp, by="k", columns="x")  # one label: a Series
    value = 0.0 if init == "zero" else init
    both, originals = with_start_rows(df, "k", "x", value)
    # the start row is no observation of ours: pandas counts it, so one more period
    expected = pandas_unary(both.set_index(np.arange(len(both))), "k", ["x"], "mean",
                            dict(alpha=0.1, adjust=False, ignore_na=ina, min_periods=mp + (mp > 0)))
    expected = expected["x"].to_numpy()[originals]
    # rows before a group's first observation: NaN for both (pandas has not seen the start row yet)
    assert_close(got.to_numpy(), expected, REFERENCES["ewma"][2], msg=f"init={init} ina={ina} mp={mp}")


def test_init_per_column_array():
    df = long_table(12, 300)
    got = ewmakit.ewma(df, 0.9, init=[1.0, -2.0], by="k", columns=["x", "y"])
    for j, (col, v) in enumerate((("x", 1.0), ("y", -2.0))):
        alone = ewmakit.ewma(df, 0.9, init=v, by="k", columns=[col])
        np.testing.assert_array_equal(got[col].to_numpy(), alone[col].to_numpy())


# --------------------------------------------------------------------------- times per group vs pandas


@pytest.mark.parametrize("ina", [False, True])
@pytest.mark.parametrize("mp", [0, 3])
@pytest.mark.parametrize("halflife", ["5h", pd.Timedelta("90min")])
@pytest.mark.parametrize("kind", ["str", "category", "two"])
def test_times_column_equals_pandas(ina, mp, halflife, kind):
    df = long_table(13, 500, keys=kind)
    key = key_of(kind)
    got = ewmakit.ewma(df, halflife=halflife, times="t", by=key, bias_correction=True, ignore_na=ina,
                       min_periods=mp, columns=["x", "y"])
    expected = pandas_unary(df, key, ["x", "y"], "mean", dict(halflife=halflife, ignore_na=ina, min_periods=mp),
                            times=df["t"])
    assert_close(got, expected, REFERENCES["ewma"][2])
    # the times as an array give the same bits as the column's name
    arr = ewmakit.ewma(df[["x", "y"]], halflife=halflife, times=df["t"].to_numpy(), by=[df[k] for k in
                       ([key] if isinstance(key, str) else key)], bias_correction=True, ignore_na=ina,
                       min_periods=mp)
    pd.testing.assert_frame_equal(arr, got, check_exact=True)


@pytest.mark.parametrize("ina", [False, True])
@pytest.mark.parametrize("halflife", ["4h", pd.Timedelta("100min")])
def test_times_index_equals_pandas(ina, halflife):
    df = long_table(14, 500).reset_index(drop=True)
    framed = df.set_index("t")
    got = ewmakit.ewma(framed, halflife=halflife, times="index", by="k", bias_correction=True, ignore_na=ina)
    assert got.index.equals(framed.index) and list(got.columns) == ["x", "y"]
    expected = pandas_unary(df, "k", ["x", "y"], "mean", dict(halflife=halflife, ignore_na=ina), times=df["t"])
    assert_close(got, expected, REFERENCES["ewma"][2])
    series = ewmakit.ewma(framed["x"], halflife=halflife, times="index", by=framed["k"], bias_correction=True,
                          ignore_na=ina)
    np.testing.assert_array_equal(series.to_numpy(), got["x"].to_numpy())
    # the accessor's times="index" and by=: the same bits
    acc = framed.ewmakit.smooth(halflife=halflife, times="index", by="k", bias_correction=True, ignore_na=ina)
    pd.testing.assert_frame_equal(acc, got, check_exact=True)


def test_numeric_times_per_group_equal_pandas():
    df = long_table(15, 400)
    hours = (df["t"] - df["t"].iloc[0]).dt.total_seconds().to_numpy() / 3600.0
    got = ewmakit.ewma(df, halflife=5.0, times=hours, by="k", bias_correction=True, columns=["x"])
    expected = pandas_unary(df, "k", ["x"], "mean", dict(halflife="5h"), times=df["t"])
    assert_close(got, expected, REFERENCES["ewma"][2])


def test_times_may_go_backwards_across_groups():
    """Times are checked within each group only: rows of different groups may be in any time order."""
    df = pd.DataFrame({"k": ["a", "b", "a", "b"], "x": [1.0, 2.0, 3.0, 4.0],
                       "t": pd.to_datetime(["2024-01-05", "2024-01-01", "2024-01-06", "2024-01-02"])})
    got = ewmakit.ewma(df, halflife="1D", times="t", by="k", bias_correction=True)
    expected = pandas_unary(df, "k", ["x"], "mean", dict(halflife="1D"), times=df["t"])
    assert_close(got, expected, REFERENCES["ewma"][2])


# --------------------------------------------------------------------------- each group alone, bit for bit


def alone(name: str, df: pd.DataFrame, rows: np.ndarray, kw: dict, times=None) -> np.ndarray:
    """``name`` on the rows of one group, without by= (as an ndarray; the group's times if any)."""
    func = REFERENCES[name][0]
    kw = dict(kw)
    if times is not None:
        kw["times"] = times[rows]
    if name in UNARY:
        return func(df[["x", "y"]].to_numpy()[rows], **kw)
    return func(df["x"].to_numpy()[rows], df["y"].to_numpy()[rows], **kw)


def assert_groups_alone(name, df, key, kw, *, times_col=None):
    got_kw = dict(kw, times=times_col) if times_col is not None else kw
    func = REFERENCES[name][0]
    if name in UNARY:
        got = func(df, **got_kw, by=key, columns=["x", "y"]).to_numpy()
    else:
        got = func(df["x"], df["y"], **dict(got_kw, times=df[times_col] if times_col else None),
                   by=[df[k] for k in ([key] if isinstance(key, str) else key)]).to_numpy()
    times = df[times_col].to_numpy() if times_col is not None else None
    for rows in groups_of(df, key):
        np.testing.assert_array_equal(got[rows], alone(name, df, rows, kw, times), err_msg=f"{name} {kw}")
    assert np.isnan(got[missing_rows(df, key)]).all()


ALONE_OPTIONS = [
    dict(beta=0.9),
    dict(beta=0.6, ignore_na=True),
    dict(window=10, bias_correction=True),
    dict(halflife=4.0, min_periods=3),
    dict(com=1.5, bias_correction=True, ignore_na=True, min_periods=2),
    dict(alpha=0.05, init="zero"),
    dict(beta=0.95, init=50.0, ignore_na=True),
    dict(beta=0.0),
]


@pytest.mark.parametrize("name", list(REFERENCES))
@pytest.mark.parametrize("kw", ALONE_OPTIONS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
@pytest.mark.parametrize("kind", ["str", "category", "float", "two"])
def test_each_group_equals_the_group_alone_bit_for_bit(name, kw, kind):
    df = long_table(16, 700, keys=kind)
    assert_groups_alone(name, df, key_of(kind), kw)


@pytest.mark.parametrize("name", list(REFERENCES))
@pytest.mark.parametrize("kw", [dict(halflife="3h", bias_correction=True),
                                dict(halflife="3h", ignore_na=True, min_periods=2),
                                dict(halflife=pd.Timedelta("45min"))],
                         ids=["adjust", "adjust=False,ignore_na", "45min"])
def test_each_group_with_times_equals_the_group_alone_bit_for_bit(name, kw):
    df = long_table(17, 700)
    assert_groups_alone(name, df, "k", kw, times_col="t")


@pytest.mark.parametrize("name", UNARY)
def test_float32_groups_stay_float32_and_equal_the_group_alone(name):
    df = long_table(18, 300)
    df = df.astype({"x": np.float32, "y": np.float32})
    got = REFERENCES[name][0](df, 0.8, by="k", columns=["x", "y"])
    assert (got.dtypes == np.float32).all()
    for rows in groups_of(df, "k"):
        np.testing.assert_array_equal(got.to_numpy()[rows],
                                      REFERENCES[name][0](df[["x", "y"]].to_numpy()[rows], 0.8))


# --------------------------------------------------------------------------- hypothesis


@st.composite
def grouped_cases(draw):
    n = draw(st.integers(0, 60))
    keys = draw(st.lists(st.sampled_from(["a", "b", "c", None, 7]), min_size=n, max_size=n))
    values = draw(st.lists(st.one_of(st.floats(-1e3, 1e3, allow_nan=False), st.just(np.nan)),
                           min_size=2 * n, max_size=2 * n))
    x = np.array(values, dtype=np.float64).reshape(n, 2)
    order = draw(st.permutations(range(n)))
    x = x[list(order)] if n else x
    kw = draw(st.sampled_from([dict(beta=0.6), dict(beta=0.9), dict(alpha=0.3), dict(window=4), dict(com=0.5),
                               dict(beta=0.0), dict(halflife=2.0)]))
    bc = draw(st.booleans())
    kw.update(bias_correction=bc, ignore_na=draw(st.booleans()), min_periods=draw(st.integers(0, 3)))
    if not bc:
        kw["init"] = draw(st.sampled_from(["first", "zero", 1.5]))
    name = draw(st.sampled_from(list(REFERENCES)))
    if name in BIASED:
        kw["bias"] = draw(st.booleans())
    if name == "ewmcorr":
        kw.pop("init", None)
    return name, np.array(keys, dtype=object), x, kw


@settings(max_examples=300, deadline=None)
@given(case=grouped_cases())
def test_random_keys_orders_and_nans_equal_each_group_alone(case):
    name, keys, x, kw = case
    func = REFERENCES[name][0]
    if name in UNARY:
        got = func(x, **kw, by=keys)
    else:
        got = func(x[:, 0], x[:, 1], **kw, by=keys)
    present = np.array([k is not None for k in keys], dtype=bool)
    assert np.isnan(got[~present]).all()
    for k in {k for k in keys if k is not None}:
        rows = np.flatnonzero(np.array([v == k and v is not None for v in keys], dtype=bool))
        ref = func(x[rows], **kw) if name in UNARY else func(x[rows, 0], x[rows, 1], **kw)
        np.testing.assert_array_equal(got[rows], ref, err_msg=f"{name} {kw} key={k!r}")


# decays for pandas comparisons away from alpha = 0.5 (pandas 3 special-cases it after gaps)
PANDAS_DECAYS = [(dict(beta=0.7), dict(alpha=0.3)), (dict(window=4), dict(span=4)), (dict(com=1.5), dict(com=1.5)),
                 (dict(halflife=2.0), dict(halflife=2.0)), (dict(alpha=0.9), dict(alpha=0.9))]


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 50), seed=st.integers(0, 2**32 - 1), ina=st.booleans(), bc=st.booleans(),
       mp=st.integers(0, 3), decay=st.sampled_from(PANDAS_DECAYS), name=st.sampled_from(list(REFERENCES)),
       key_dtype=st.sampled_from(["object", "category", "int"]))
def test_random_keys_equal_pandas(n, seed, ina, bc, mp, decay, name, key_dtype):
    rng = np.random.default_rng(seed)
    keys = rng.choice(np.array(["a", "b", "c", None], dtype=object), n)
    if key_dtype == "category":
        keys = pd.Categorical(keys, categories=["c", "zz", "a", "b"])  # an unused category among them
    elif key_dtype == "int":
        keys = rng.integers(-1, 3, n)  # every key present
    x = rng.standard_normal(n)
    x[rng.random(n) < 0.3] = np.nan
    y = rng.standard_normal(n) + 0.5 * np.nan_to_num(x)
    y[rng.random(n) < 0.2] = np.nan
    df = pd.DataFrame({"k": keys, "x": x, "y": y}, index=rng.permutation(n) + 100)
    ours, theirs = decay
    kw = dict(ours, bias_correction=bc, ignore_na=ina, min_periods=mp)
    got = call(name, df, "k", kw, columns=("x",))
    if df["k"].isna().all():  # pandas' groupby-ewm cannot run without a group
        assert np.isnan(np.asarray(got, dtype=np.float64)).all()
        return
    expected = pandas_reference(name, df, "k", theirs, bc, ina, mp, columns=("x",))
    got = np.asarray(got, dtype=np.float64).reshape(np.shape(expected))
    expected = np.asarray(expected, dtype=np.float64)
    if name in ("ewmvar", "ewmstd", "ewmcov") and not ina:
        # one (paired) observation followed by a gap: the unbiased denominator (sum w)^2 - sum w^2 is rounding
        # noise in pandas' recurrence (and ours), so pandas gives NaN or 0 there by the sign of that noise
        noise = np.isnan(got) != np.isnan(expected)
        assert (np.nan_to_num(got[noise]) == 0).all() and (np.nan_to_num(expected[noise]) == 0).all(), f"{name} {kw}"
        got, expected = np.where(noise, np.nan, got), np.where(noise, np.nan, expected)
    assert_close(got, expected, REFERENCES[name][2], msg=f"{name} {kw}")


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.integers(0, 3), min_size=1, max_size=40), seed=st.integers(0, 2**32 - 1))
def test_random_times_per_group_equal_each_group_alone(steps, seed):
    rng = np.random.default_rng(seed)
    n = len(steps)
    keys = rng.choice(np.array(["a", "b", None], dtype=object), n)
    t = np.cumsum(np.asarray(steps, dtype=np.float64)) * 0.5
    x = rng.standard_normal(n)
    x[rng.random(n) < 0.2] = np.nan
    got = ewmakit.ewma(x, halflife=1.5, times=t, by=keys, bias_correction=True)
    for k in ("a", "b"):
        rows = np.flatnonzero(keys == k)
        np.testing.assert_array_equal(got[rows], ewmakit.ewma(x[rows], halflife=1.5, times=t[rows],
                                                              bias_correction=True))


# --------------------------------------------------------------------------- polars


def test_polars_frame_with_by_equals_pandas():
    pl = pytest.importorskip("polars")
    df = long_table(19, 300, keys="object").drop(columns=["t"]).reset_index(drop=True)
    got = ewmakit.ewmvar(pl.from_pandas(df), 0.8, by="k", columns=["x", "y"])
    assert isinstance(got, pl.DataFrame) and got.columns == ["x", "y"]
    expected = ewmakit.ewmvar(df, 0.8, by="k", columns=["x", "y"])
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())


# --------------------------------------------------------------------------- dask: the in-memory by=, bit for bit


def _partitions(df: pd.DataFrame, sizes):
    import dask.dataframe as dd

    bounds = np.concatenate([[0], np.cumsum(sizes)])
    pieces = [df.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return dd.from_map(lambda p: p, pieces, meta=df.iloc[:0], enforce_metadata=False)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("sizes", [[600], [300, 300], [1, 99, 0, 250, 250], [7] * 85 + [5]],
                         ids=["one", "halves", "uneven", "many"])
@pytest.mark.parametrize("kw", [dict(beta=0.9), dict(span=12, bias_correction=True, ignore_na=True, min_periods=3),
                                dict(halflife="5h", times="t", bias_correction=True),
                                dict(beta=0.95, init=100.0)], ids=["beta", "span", "times", "init"])
def test_dask_by_equals_in_memory_bit_for_bit(name, sizes, kw):
    pytest.importorskip("dask.dataframe")
    import dask

    import ewmakit.dask as ekd

    df = long_table(20, 600, keys="object")
    df.index = pd.RangeIndex(len(df))  # dask wants a sorted index for from_map pieces to keep their order
    in_memory = REFERENCES[name][0](df, **kw, by="k", columns=["x", "y"])
    with dask.config.set(scheduler="sync"):
        got = getattr(ekd, name)(_partitions(df, sizes), **kw, by="k", columns=["x", "y"]).compute()
    assert list(got.columns) == ["x", "y"]
    assert got.index.equals(df.index)
    np.testing.assert_array_equal(got.to_numpy(), in_memory.to_numpy())
    bits_got = got.to_numpy()[~np.isnan(got.to_numpy())].view(np.uint64)
    bits_ref = in_memory.to_numpy()[~np.isnan(in_memory.to_numpy())].view(np.uint64)
    np.testing.assert_array_equal(bits_got, bits_ref)


def test_dask_by_categorical_keys_equals_in_memory():
    pytest.importorskip("dask.dataframe")
    import dask
    import dask.dataframe as dd

    import ewmakit.dask as ekd

    df = long_table(21, 500, keys="category").drop(columns=["t"]).reset_index(drop=True)
    in_memory = ewmakit.ewma(df, 0.85, by="k", columns=["x"])
    with dask.config.set(scheduler="sync"):
        got = ekd.ewma(dd.from_pandas(df, npartitions=4), 0.85, by="k", columns="x").compute()
    np.testing.assert_array_equal(got.to_numpy(), in_memory["x"].to_numpy())


# --------------------------------------------------------------------------- errors


def test_times_decreasing_within_a_group_names_the_group_and_rows():
    df = pd.DataFrame({"k": ["a", "b", "a", "b", "a"], "x": [1.0, 2.0, 3.0, 4.0, 5.0],
                       "t": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-04", "2024-01-02", "2024-01-05"])})
    with pytest.raises(ValueError, match=r"non-decreasing within each group.*group 'b'.*row 3.*row 1"):
        ewmakit.ewma(df, halflife="1D", times="t", by="k", bias_correction=True)
    for name in ("ewmvar", "ewmstd"):
        with pytest.raises(ValueError, match=r"group 'b'"):
            REFERENCES[name][0](df, halflife="1D", times="t", by="k")
    with pytest.raises(ValueError, match=r"group 'b'"):
        ewmakit.ewmcorr(df["x"], df["x"], halflife="1D", times=df["t"], by=df["k"])
    with pytest.raises(ValueError, match=r"group \('b', 'z'\).*row 3 comes before row 1"):
        ewmakit.ewma(df.assign(k2="z"), halflife="1D", times="t", by=["k", "k2"], bias_correction=True,
                     columns=["x"])


def test_times_error_shows_a_numeric_key_as_the_user_wrote_it():
    """LIBRARY BUG (reported): numpy scalars as keys are shown by their numpy 2 repr, "group np.int64(2)",
    "group ('a', np.float64(1.0))": the message should name the group as the user wrote it, "group 2"."""
    with pytest.raises(ValueError, match=r"in group 2 row 2 comes before row 1"):
        ewmakit.ewma(np.ones(3), halflife=1.0, times=[0.0, 5.0, 4.0], by=np.array([1, 2, 2]))
    df = pd.DataFrame({"k": ["a"] * 3, "k2": [1.0] * 3, "x": [1.0, 2.0, 3.0], "t": [0.0, 5.0, 4.0]})
    with pytest.raises(ValueError, match=r"in group \('a', 1\.0\) row 2"):
        ewmakit.ewma(df, halflife=1.0, times="t", by=["k", "k2"])
    with pytest.raises(ValueError, match=r"\(group 1\.0\)"):
        ewmakit.ewma(df.assign(t=pd.to_datetime(["2024-01-01", None, "2024-01-02"])), halflife="1D", times="t",
                     by="k2", columns=["x"])


def test_times_decreasing_in_a_missing_key_row_is_not_an_error():
    """Rows with a missing key belong to no group: their times are not looked at."""
    df = pd.DataFrame({"k": ["a", None, "a"], "x": [1.0, 2.0, 3.0],
                       "t": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-03"])})
    got = ewmakit.ewma(df, halflife="1D", times="t", by="k", bias_correction=True)
    assert np.isnan(got["x"].iloc[1]) and not got["x"].drop(index=1).isna().any()


def test_nat_in_times_is_an_error():
    df = pd.DataFrame({"k": ["a", "b", "a"], "x": [1.0, 2.0, 3.0],
                       "t": pd.to_datetime(["2024-01-01", None, "2024-01-03"])})
    with pytest.raises(ValueError, match=r"NaT.*position 1.*group 'b'"):
        ewmakit.ewma(df, halflife="1D", times="t", by="k", bias_correction=True)


def test_by_column_missing_is_named():
    """A by= label that is not a column: a ValueError naming it, whatever other columns the frame holds."""
    numeric = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    with pytest.raises(ValueError, match="'nope'"):
        ewmakit.ewma(numeric, 0.5, by="nope")


def test_by_column_missing_is_named_when_the_frame_has_a_text_key():
    """LIBRARY BUG (reported): with a text column in the frame, by="nope" (a typo) is met by the TypeError
    about the text column, which even suggests by='k'; the user should hear that 'nope' is no column."""
    df = pd.DataFrame({"k": ["a", "b"], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="'nope'"):
        ewmakit.ewma(df, 0.5, by="nope")
    with pytest.raises(ValueError, match="'nope'"):
        ewmakit.ewma(df, 0.5, by=["k", "nope"])


def test_by_array_of_wrong_length():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    for x in (df, df["x"], df["x"].to_numpy()):
        with pytest.raises(ValueError, match=r"one key per row.*\(3\), got 2"):
            ewmakit.ewma(x, 0.5, by=np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"one key per row.*\(3\), got 4"):
        ewmakit.ewmcov(df["x"], df["x"], 0.5, by=[1, 2, 3, 4])


def test_by_series_on_another_index():
    s = pd.Series([1.0, 2.0, 3.0], index=[10, 11, 12])
    with pytest.raises(ValueError, match="index"):
        ewmakit.ewma(s, 0.5, by=pd.Series(["a", "b", "a"]))


def test_by_label_on_a_series_or_array():
    with pytest.raises(ValueError, match="one key per row"):
        ewmakit.ewma(pd.Series([1.0, 2.0]), 0.5, by="k")


@pytest.mark.parametrize("name", UNARY)
def test_by_with_axis_1(name):
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match=r"axis must be 0, got 1"):
        REFERENCES[name][0](x, 0.5, by=np.array([1, 1, 2, 2]), axis=1)
    with pytest.raises(ValueError, match=r"axis must be 0"):
        REFERENCES[name][0](pd.DataFrame(x), 0.5, by=np.array([1, 1, 2, 2]), axis=1)


@pytest.mark.parametrize("name", UNARY)
def test_out_with_pandas_input_is_type_error(name):
    df = pd.DataFrame({"k": ["a", "b", "a"], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(TypeError, match="out="):
        REFERENCES[name][0](df, 0.5, by="k", out=np.empty((3, 1)))
    with pytest.raises(TypeError, match="out="):
        REFERENCES[name][0](df["x"], 0.5, by=df["k"], out=np.empty(3))


@pytest.mark.parametrize("name", UNARY)
def test_out_with_ndarray_and_keys_is_written(name):
    x = long_table(22, 200)[["x", "y"]].to_numpy()
    keys = np.arange(len(x)) % 3
    out = np.full_like(x, 7.0)
    got = REFERENCES[name][0](x, 0.8, by=keys, out=out)
    assert got is out
    np.testing.assert_array_equal(out, REFERENCES[name][0](x, 0.8, by=keys))


def test_value_column_cannot_be_a_key():
    df = pd.DataFrame({"k": [1.0, 2.0], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="both value columns and keys"):
        ewmakit.ewma(df, 0.5, by="k", columns=["k", "x"])


# --------------------------------------------------------------------------- real data


def stacked_panel(shuffle: str) -> pd.DataFrame:
    """Five ETFs from ../shared/data/panel_2005_2026 stacked into one long (Date, ticker, Close) table."""
    base = require_shared_data("panel_2005_2026")
    parts = []
    for ticker in ("SPY", "QQQ", "GLD", "TLT", "IWM"):
        frame = pd.read_csv(base / f"{ticker}.csv", usecols=["Date", "Close", "Volume"])
        frame["Date"] = pd.to_datetime(frame["Date"], utc=True).dt.tz_localize(None)
        parts.append(frame.assign(ticker=ticker))
    long = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(0)
    long = long.iloc[rng.permutation(len(long))]
    if shuffle == "by date":  # time order within each ticker, tickers interleaved at random
        long = long.sort_values("Date", kind="stable")
    return long


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("bc", [False, True])
def test_real_panel_shuffled_rows_equal_pandas(name, bc):
    long = stacked_panel("rows")
    got = REFERENCES[name][0](long, span=20, bias_correction=bc, by="ticker", columns=["Close"])
    expected = pandas_unary(long, "ticker", ["Close"], REFERENCES[name][1], dict(span=20, adjust=bc))
    tol = REFERENCES[name][2] if name == "ewma" else dict(rtol=1e-8, atol=1e-10)
    assert_close(got, expected, tol)


def test_real_panel_by_date_times_and_wide_equal_pandas():
    long = stacked_panel("by date")
    got = ewmakit.ewma(long, halflife="10D", times="Date", by="ticker", columns=["Close"], bias_correction=True)
    expected = pandas_unary(long, "ticker", ["Close"], "mean", dict(halflife="10D"), times=long["Date"])
    assert_close(got, expected, dict(rtol=1e-12, atol=1e-10))
    # per ticker, the long result is the wide panel's column (the same data in time order): the same bits
    wide = long.pivot(index="Date", columns=["ticker"], values="Close")
    smoothed = ewmakit.ewma(wide, span=20)
    by = ewmakit.ewma(long, span=20, by="ticker", columns="Close")
    for ticker in wide.columns:
        rows = long["ticker"].to_numpy() == ticker
        np.testing.assert_array_equal(by.to_numpy()[rows], smoothed[ticker].to_numpy())


def test_real_panel_shuffled_with_times_is_an_error():
    long = stacked_panel("rows")
    with pytest.raises(ValueError, match=r"within each group, but in group '(SPY|QQQ|GLD|TLT|IWM)' row \d+ comes "
                                         r"before row \d+"):
        ewmakit.ewma(long, halflife="10D", times="Date", by="ticker", columns=["Close"], bias_correction=True)


def test_real_panel_cov_corr_with_volume_equal_pandas():
    long = stacked_panel("by date")
    long = long.assign(x=np.log(long["Close"]), y=np.log(long["Volume"].clip(lower=1)))
    for name in PAIRWISE:
        got = REFERENCES[name][0](long["x"], long["y"], span=30, by=long["ticker"])
        expected = pandas_pairwise(long, "ticker", REFERENCES[name][1], dict(span=30, adjust=False))
        assert_close(got, expected, dict(rtol=1e-7, atol=1e-10), msg=name)


def test_one_label_in_columns_gives_a_series_a_list_a_frame():
    """``columns="x"`` picks one column as ``df["x"]`` does (a Series named x, ready to assign); ``["x"]`` a frame."""
    df = long_table(6, 120)
    ref = df.groupby("k")["x"].transform(lambda s: s.ewm(alpha=0.3, adjust=False).mean())
    for got in (ewmakit.ewma(df, 0.7, by="k", columns="x"), df.ewmakit.smooth(0.7, by="k", columns="x")):
        assert type(got) is pd.Series and got.name == "x" and got.index.equals(df.index)
        np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-13)
    frame = ewmakit.ewma(df, 0.7, by="k", columns=["x"])
    assert type(frame) is pd.DataFrame and list(frame.columns) == ["x"]
    np.testing.assert_array_equal(frame["x"].to_numpy(), ewmakit.ewma(df, 0.7, by="k", columns="x").to_numpy())
    # without by= too, through the accessor (the wide path)
    plain = df.ewmakit.smooth(0.7, columns="x")
    assert type(plain) is pd.Series
    np.testing.assert_allclose(plain.to_numpy(), df["x"].ewm(alpha=0.3, adjust=False).mean().to_numpy(), rtol=1e-13)
    bands = df.ewmakit.bands(0.7, by="k", columns="x")
    assert list(bands.columns) == ["lower", "mid", "upper"]
    np.testing.assert_allclose(bands["mid"].to_numpy(), ref.to_numpy(), rtol=1e-13)


@pytest.mark.parametrize("code_dtype", [np.int8, np.int16, np.int32, np.int64])
@pytest.mark.parametrize("opts", [dict(beta=0.9), dict(beta=0.9, bias_correction=True), dict(beta=0.6, ignore_na=True),
                                  dict(window=5, min_periods=3), dict(beta=0.3, init="zero")])
def test_kernel_reads_codes_of_any_width_and_one_column_walk_equals_the_general_walk(code_dtype, opts):
    """The grouped kernel reads int8..int64 codes as they come (a categorical's codes are not widened), and its
    one-column walk (each row updates its group's record) gives the bits of the general walk (two columns)."""
    from ewmakit import _engine as engine
    from ewmakit.core import resolve_options

    rng = np.random.default_rng(7)
    T, G = 3000, 40
    codes = rng.integers(-1, G, T)
    x = rng.standard_normal((T, 2))
    x[rng.random((T, 2)) < 0.1] = np.nan
    o = resolve_options(T, **opts)
    two = engine.run_mean_groups(x, codes.astype(np.int64), G, o)
    for j in range(2):
        one = engine.run_mean_groups(np.ascontiguousarray(x[:, j:j + 1]), codes.astype(code_dtype), G, o)
        np.testing.assert_array_equal(one[:, 0], two[:, j])
        # and each group equals its rows smoothed alone
        for g in (0, 17, G - 1):
            rows = np.flatnonzero(codes == g)
            np.testing.assert_array_equal(one[rows, 0], ewmakit.ewma(x[rows, j], **opts))
    assert np.isnan(two[codes < 0]).all()


def test_categorical_keys_of_each_code_width_give_the_same_bits():
    rng = np.random.default_rng(3)
    for ncat in (5, 300, 40_000):  # int8, int16, int32 codes in pandas
        cats = [f"k{i}" for i in range(ncat)]
        keys = pd.Categorical(rng.choice(cats[:50], 2000), categories=cats)
        assert keys.codes.dtype.itemsize == (1 if ncat < 128 else 2 if ncat < 32768 else 4)
        df = pd.DataFrame({"k": keys, "x": rng.standard_normal(2000)})
        got = ewmakit.ewma(df, 0.8, by="k", columns="x")
        ref = ewmakit.ewma(df.assign(k=df["k"].astype(str)), 0.8, by="k", columns="x")
        np.testing.assert_array_equal(got.to_numpy(), ref.to_numpy())


# --------------------------------------------------------------------------- text keys: the compiled hash pass


def _factorize_reference(values: list) -> tuple[np.ndarray, list]:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return codes, list(uniques)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["", "a", "12345678", "123456789"])),
                       max_size=300),
       large=st.booleans(), cut=st.integers(0, 5))
def test_text_codes_equal_pandas_factorize(values, large, cut):
    """Codes in order of first appearance, -1 for a null, for string and large_string arrays and slices of them
    (short strings compared as one word, long ones byte for byte)."""
    import pyarrow as pa

    from ewmakit import _engine as engine

    arr = pa.array(values, type=pa.large_string() if large else pa.string())
    arr = arr.slice(min(cut, len(arr)))  # an array with an offset into its buffers
    codes, first = engine.text_codes(arr)
    ref, uniques = _factorize_reference(arr.to_pylist())
    np.testing.assert_array_equal(codes, ref)
    assert arr.take(first).to_pylist() == uniques


def test_text_codes_grow_their_table_and_arena_and_read_chunks():
    import pyarrow as pa

    from ewmakit import _engine as engine

    rng = np.random.default_rng(5)
    words = np.array([f"key-{i:07d}-{'x' * (i % 23)}" for i in range(30_000)], dtype=object)  # > 64 KB of text
    values = words[rng.integers(0, len(words), 200_000)].tolist()
    values[::97] = [None] * len(values[::97])
    chunked = pa.chunked_array([pa.array(values[:70_000]), pa.array(values[70_000:])])
    codes, first = engine.text_codes(chunked)
    ref, uniques = _factorize_reference(values)
    np.testing.assert_array_equal(codes, ref)
    assert chunked.take(first).to_pylist() == uniques
    with pytest.raises(TypeError, match="string or large_string"):
        engine.text_codes(pa.array([1, 2, 3]))


def test_pyarrow_text_keys_give_the_bits_of_object_keys():
    rng = np.random.default_rng(11)
    keys = rng.choice(np.array(["AAPL", "MSFT", "a-very-long-ticker-name", "", None], dtype=object), 5000)
    df = pd.DataFrame({"k": keys, "x": rng.standard_normal(5000)})
    as_arrow = df.assign(k=df["k"].astype("string[pyarrow]"))
    as_large = df.assign(k=df["k"].astype(pd.ArrowDtype(__import__("pyarrow").large_string())))
    ref = ewmakit.ewma(df, 0.9, by="k", columns="x")
    for other in (as_arrow, as_large):
        np.testing.assert_array_equal(ewmakit.ewma(other, 0.9, by="k", columns="x").to_numpy(), ref.to_numpy())
    expected = df.groupby("k", sort=False)["x"].transform(lambda s: s.ewm(alpha=0.1, adjust=False).mean())
    np.testing.assert_allclose(ref.to_numpy(), expected.to_numpy(), rtol=1e-13, atol=1e-15)
    assert np.isnan(ref.to_numpy()[df["k"].isna().to_numpy()]).all()


def test_group_panels_round_trip_and_refuse_what_they_would_overrun():
    """GroupPanels lays each group's rows side by side and puts them back exactly; the compiled gather and
    scatter refuse a column outside the panel and a group longer than the panel."""
    from ewmakit import _engine as engine
    from ewmakit._engine import _groups as kernels  # the engine's own module: its checks are what is tested

    rng = np.random.default_rng(2)
    codes = rng.integers(-1, 30, 4000)
    x = rng.standard_normal((4000, 2))
    panels = engine.GroupPanels(codes, 30)
    out = np.full_like(x, np.nan)
    panels.scatter(panels.gather(x), out)
    keep = codes >= 0
    np.testing.assert_array_equal(out[keep], x[keep])
    assert np.isnan(out[~keep]).all()
    one = np.zeros(30, dtype=np.int64)
    column = np.arange(30, dtype=np.int64)
    c64 = np.ascontiguousarray(codes, dtype=np.int64)
    with pytest.raises(ValueError, match="outside the panel"):
        kernels.gather_bucket(x, c64, one, column, 0, np.zeros((4000, 2 * 29)))
    with pytest.raises(ValueError, match="more rows than the panel"):
        kernels.scatter_bucket(np.zeros((3, 60)), c64, one, column, 0, out)
    with pytest.raises(ValueError, match="codes"):
        kernels.gather_bucket(x, c64[:-1], one, column, 0, np.zeros((4000, 60)))
