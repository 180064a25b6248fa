"""ewmakit.dask (SPEC §10): the in-memory result across any partitioning, per group, on a cluster.

Every value is compared with the in-memory array function (``ewmakit.ewma``,
``ewmvar``, ``ewmstd``; per group for ``by``), itself tested against pandas:
bit for bit (the same dtype, NaN exactly where the in-memory result is NaN,
every other value the same bits). Only comparisons with pandas itself (other
arithmetic) allow a tolerance: ≤ 1e-10 relative.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")

import dask  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import ewmakit  # noqa: E402
import ewmakit.dask as ekd  # noqa: E402  (also registers the dask accessor)
from ewmakit._engine import config as engine_config  # noqa: E402
from _gen import series  # noqa: E402

REF = {"mean": ewmakit.ewma, "var": ewmakit.ewmvar, "std": ewmakit.ewmstd}
DASK = {"mean": ekd.ewma, "var": ekd.ewmvar, "std": ekd.ewmstd}
N = 120


@pytest.fixture(autouse=True)
def _sync_scheduler():
    """Single-threaded by default (fast, deterministic); tests that want others say so."""
    with dask.config.set(scheduler="sync"):
        yield


def _identity(piece):
    return piece


def chunked(obj, sizes):
    """A dask collection whose partitions are ``obj``'s rows in pieces of exactly these sizes (zeros allowed)."""
    assert sum(sizes) == len(obj)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    pieces = [obj.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return dd.from_map(_identity, pieces, meta=obj.iloc[:0], enforce_metadata=False)


def assert_same(actual, expected, msg=""):
    """Bit for bit: the same dtype and shape, NaN exactly where ``expected`` is NaN, every other value the
    same bits (0.0 and -0.0 differ)."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype, msg)
    assert actual.shape == expected.shape, (actual.shape, expected.shape, msg)
    nan = np.isnan(expected)
    np.testing.assert_array_equal(np.isnan(actual), nan, err_msg=f"NaN positions differ {msg}")
    np.testing.assert_array_equal(actual, expected, err_msg=msg)
    bits = np.dtype(f"u{actual.dtype.itemsize}")
    np.testing.assert_array_equal(actual[~nan].view(bits), expected[~nan].view(bits), err_msg=f"bits differ {msg}")


def assert_close(actual, expected, rtol=1e-10, atol=1e-12, msg=""):
    """Against pandas (other arithmetic): ≤ ``rtol`` relative, NaN exactly where pandas has NaN."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype, msg)
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e), err_msg=f"NaN positions differ {msg}")
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, equal_nan=True, err_msg=msg)


def values(seed=0, n=N):
    """NaN gaps, leading NaNs, and a long all-NaN stretch that covers whole partitions."""
    x = series(seed, n, offset=3.0)
    x[35:75] = np.nan
    return x


def frame(n=N, seed=0):
    rng = np.random.default_rng(seed)
    days = np.cumsum(rng.choice([0, 1, 1, 2, 3, 7], size=n))  # irregular, with repeated times
    return pd.DataFrame(
        {
            "x": values(seed, n),
            "y": series(seed + 10, n, offset=-2.0),
            "t": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, "D"),
            "num": days.astype(np.float64) * 1.5,
        }
    )


# partition sizes of N rows: one, uneven with empty ones, all-NaN ones (two partitions: see
# test_from_pandas_partitions_keep_divisions; one row each: test_one_row_per_partition)
LAYOUTS = {
    "1": [N],
    "empty": [0, 30, 0, 0, 45, 1, 0, 43, 1, 0],
    "nan-partitions": [36, 20, 19, 45],  # rows 36..74 are all NaN
}

OPTIONS = [
    dict(beta=0.8),
    dict(beta=0.8, bias_correction=True),
    dict(beta=0.8, ignore_na=True),
    dict(beta=0.8, bias_correction=True, ignore_na=True, min_periods=4),
    dict(beta=0.95, init="zero"),
    dict(beta=0.6, init=2.5, ignore_na=True, min_periods=2),
    dict(window=10, min_periods=3),
    dict(beta=0.0),
    dict(beta=0.0, bias_correction=True, min_periods=2),
]


def _id(kw):
    return ",".join(f"{k}={v}" for k, v in kw.items())


# --------------------------------------------------------------------------- Series, every option


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kw", OPTIONS, ids=_id)
@pytest.mark.parametrize("stat", ["mean", "var", "std"])
def test_series_equals_in_memory(stat, kw, layout):
    x = values()
    s = pd.Series(x, name="price")
    ds = chunked(s, LAYOUTS[layout])
    extra = {} if stat == "mean" else {"bias": kw.get("beta", 0.5) == 0.8}  # both bias settings covered
    res = DASK[stat](ds, **kw, **extra)
    assert res.npartitions == ds.npartitions
    got = res.compute()
    assert isinstance(got, pd.Series) and got.name == "price"
    pd.testing.assert_index_equal(got.index, s.index)
    assert_same(got.to_numpy(), REF[stat](x, **kw, **extra), msg=f"{stat} {kw} {layout}")


@pytest.mark.parametrize("adjust, ignore_na, mp", [(False, False, 0), (True, False, 0), (False, True, 3),
                                                    (True, True, 1)])
def test_equals_pandas_ewm(adjust, ignore_na, mp):
    df = frame()[["x", "y"]]
    ddf = chunked(df, LAYOUTS["empty"])
    kw = dict(bias_correction=adjust, ignore_na=ignore_na, min_periods=mp)
    ewm = df.ewm(alpha=0.25, adjust=adjust, ignore_na=ignore_na, min_periods=mp)
    for ours, theirs, mine in ((ekd.ewma(ddf, alpha=0.25, **kw), ewm.mean(), ewmakit.ewma(df, alpha=0.25, **kw)),
                               (ekd.ewmvar(ddf, alpha=0.25, **kw), ewm.var(), ewmakit.ewmvar(df, alpha=0.25, **kw)),
                               (ekd.ewmstd(ddf, alpha=0.25, bias=True, **kw), ewm.std(bias=True),
                                ewmakit.ewmstd(df, alpha=0.25, bias=True, **kw))):
        got = ours.compute()
        for j, c in enumerate(("x", "y")):
            assert_close(got[c].to_numpy(), theirs[c].to_numpy(), msg=c)  # pandas: its own arithmetic
            assert_same(got[c].to_numpy(), mine[c].to_numpy(), msg=c)  # in memory: bit for bit


@pytest.mark.parametrize("kw", OPTIONS, ids=_id)
def test_one_row_per_partition(kw):
    x = values(3, 40)
    x[12:20] = np.nan
    ds = chunked(pd.Series(x), [1] * 40)
    for stat in ("mean", "var", "std"):
        assert_same(DASK[stat](ds, **kw).compute().to_numpy(), REF[stat](x, **kw), msg=f"{stat} {kw}")


def _nbytes(obj) -> int:
    """Bytes of the arrays in ``obj`` (nested tuples, lists, dataclasses such as the engine's Guess)."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, (tuple, list)):
        return sum(_nbytes(v) for v in obj)
    if dataclasses.is_dataclass(obj):
        return sum(_nbytes(getattr(obj, f.name)) for f in dataclasses.fields(obj))
    return 0


@pytest.mark.parametrize("stat", ["mean", "var"])
def test_summaries_in_blocks(monkeypatch, stat):
    # The summaries used to advance a fresh state block by block (ekd._BLOCK) to need no partition-sized
    # scratch. They now walk each partition once from a guessed state, writing no output at all, and hand on
    # a few numbers per group and column (checked below). Blocks are now the engine's business: tiny cut-offs
    # send the smoothing and the in-memory reference down the blocked and parallel paths (one long series in
    # blocks, column ranges and time stamps on two threads), which give the same numbers bit for bit.
    for name, value in dict(threads=2, long_series=8, columns_per_thread=1, parallel_values=1,
                            series_parallel_values=1, stamps_parallel_rows=1, transpose_parallel_values=1).items():
        monkeypatch.setattr(engine_config, name, value)
    df = frame()
    ddf = chunked(df, LAYOUTS["empty"])
    for kw in OPTIONS[:6] + TIMES:
        got = DASK[stat](ddf, columns=["x", "y"], **kw).compute()
        one = DASK[stat](ddf, columns="x", **kw).compute()  # one series: the engine's blocked kernel
        ref_kw = dict(kw, times=df[kw["times"]].to_numpy()) if "times" in kw else kw
        for c in ("x", "y"):
            assert_same(got[c].to_numpy(), REF[stat](df[c].to_numpy(), **ref_kw), msg=f"{c} {kw}")
        assert_same(one.to_numpy(), REF[stat](df["x"].to_numpy(), **ref_kw), msg=f"one series {kw}")
    # what a summary hands on to the carry chain does not grow with the partition's rows
    kw = dict(beta=0.9, alpha=None, window=None, halflife=None, com=None, init="first", bias_correction=False,
              ignore_na=False, times=None, min_periods=0)
    plan = ekd._make_plan(ddf, stat, None, ["x", "y"], False, False, dict(kw))
    small, big = (ekd._summarise(d, plan, 0) for d in (df, pd.concat([df] * 40, ignore_index=True)))
    assert 0 < _nbytes(small) == _nbytes(big) <= 2 * 6 * 8 * 2 + 8 * 2  # (start, end) x 6 fields x 2 columns + counts
    p = panel()
    plan = ekd._make_plan(dd.from_pandas(p, npartitions=1), stat, "ticker", ["value"], False, False, dict(kw))
    small, big = (ekd._summarise(d, plan, 0) for d in (p, pd.concat([p] * 40, ignore_index=True)))
    assert len(small.guesses) == p["ticker"].nunique() and 0 < _nbytes(small) == _nbytes(big)


@pytest.mark.parametrize("npartitions", [1, 2, 7, N])
def test_from_pandas_partitions_keep_divisions(npartitions):
    idx = pd.date_range("2020-01-01", periods=N, freq="h", name="when")
    s = pd.Series(values(1), index=idx, name="v")
    ds = dd.from_pandas(s, npartitions=npartitions)
    res = ekd.ewma(ds, 0.9, bias_correction=True)
    assert res.divisions == ds.divisions and res.known_divisions
    got = res.compute()
    pd.testing.assert_index_equal(got.index, idx)
    assert_same(got.to_numpy(), ewmakit.ewma(s.to_numpy(), 0.9, bias_correction=True))


def test_empty_partitions_made_by_filtering():
    df = frame()
    df["keep"] = (np.arange(N) // 10) % 3 != 1  # drops whole partitions of 10 rows
    ddf = dd.from_pandas(df, npartitions=12)
    kept = ddf[ddf.keep]
    assert 0 in kept.map_partitions(len).compute().tolist()  # the filter left empty partitions
    res = ekd.ewmvar(kept, 0.85, columns="x", ignore_na=False)
    got = res.compute()
    expect = ewmakit.ewmvar(df.loc[df.keep, "x"].to_numpy(), 0.85)
    assert_same(got.to_numpy(), expect)
    assert res.npartitions == 12


@pytest.mark.parametrize("scheduler", ["sync", "threads"])
def test_schedulers(scheduler):
    x = values(2)
    ds = dd.from_pandas(pd.Series(x), npartitions=9)
    with dask.config.set(scheduler=scheduler):
        got = ekd.ewmstd(ds, window=12, min_periods=2).compute()
    assert_same(got.to_numpy(), ewmakit.ewmstd(x, window=12, min_periods=2))


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.integers(0, 40), min_size=0, max_size=8),
    stat=st.sampled_from(["mean", "var", "std"]),
    beta=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
    bc=st.booleans(),
    ina=st.booleans(),
    mp=st.integers(0, 3),
    seed=st.integers(0, 5),
)
def test_any_chunking_equals_batch(cuts, stat, beta, bc, ina, mp, seed):
    x = series(seed, 40, nan_frac=0.3)
    bounds = sorted(cuts)
    sizes = np.diff([0, *bounds, 40]).tolist()
    ds = chunked(pd.Series(x), sizes)
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp)
    with dask.config.set(scheduler="sync"):
        got = DASK[stat](ds, beta, **kw).compute()
    assert_same(got.to_numpy(), REF[stat](x, beta, **kw), msg=f"{sizes} {kw}")


_VALUES = st.one_of(st.just(np.nan), st.just(np.nan), st.sampled_from([0.0, 1.0, -2.5]),
                    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False))


@st.composite
def scenarios(draw):
    """Random partitions (1 to 7, empty ones too), NaN patterns, interleaved groups and every option."""
    n = draw(st.integers(0, 40))
    n_parts = draw(st.integers(1, 7))
    cuts = sorted(draw(st.lists(st.integers(0, n), min_size=n_parts - 1, max_size=n_parts - 1)))
    sizes = np.diff([0, *cuts, n]).tolist()
    x = np.array(draw(st.lists(_VALUES, min_size=n, max_size=n)), dtype=np.float64)
    y = np.array(draw(st.lists(_VALUES, min_size=n, max_size=n)), dtype=np.float64)
    by = draw(st.sampled_from([None, "k"]))
    # a few keys, interleaved at random (so some are absent from some partitions), and missing keys
    keys = draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n))
    times = draw(st.sampled_from([None, "num", "datetime"]))
    steps = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)  # 0: repeated
    columns = draw(st.sampled_from([["x", "y"], "x"]))
    stat = draw(st.sampled_from(["mean", "var", "std"]))
    bc = draw(st.booleans())
    kw = dict(bias_correction=bc, ignore_na=draw(st.booleans()), min_periods=draw(st.integers(0, 4)))
    if times is None:
        kw.update(draw(st.sampled_from([dict(beta=0.0), dict(beta=0.5), dict(beta=0.9), dict(beta=0.99),
                                        dict(alpha=0.3), dict(window=5)])))
        inits = ["first", "zero"] if bc else ["first", "zero", 2.5] + ([[1.0, -1.0]] if columns != "x" else [])
        kw["init"] = draw(st.sampled_from(inits))
    else:  # a start value has no time of its own: init="first" (or "zero" with bias_correction, the same)
        kw["init"] = draw(st.sampled_from(["first", "zero"] if bc else ["first"]))
        kw["halflife"] = draw(st.sampled_from([1.5, 4.0])) if times == "num" else draw(st.sampled_from(["2h", "90min"]))
    extra = {} if stat == "mean" else {"bias": draw(st.booleans())}
    t = np.cumsum(steps)
    df = pd.DataFrame({
        "x": x, "y": y, "k": pd.array(keys, dtype=object),
        "t": t * 0.75 if times == "num" else pd.Timestamp("2024-05-01") + pd.to_timedelta(t * 45, "min"),
    })
    return dict(df=df, sizes=sizes, by=by, times=times, columns=columns, stat=stat, kw=kw, extra=extra)


@settings(max_examples=150, deadline=None)
@given(case=scenarios())
def test_random_partitions_groups_and_options_bit_identical(case):
    """Whatever the partitioning, the NaNs, the groups and the options: bit for bit the in-memory result."""
    df, stat, kw, extra, columns = case["df"], case["stat"], case["kw"], case["extra"], case["columns"]
    ddf = chunked(df, case["sizes"])
    times = {"num": "t", "datetime": "t"}.get(case["times"])
    with dask.config.set(scheduler="sync"):
        got = DASK[stat](ddf, by=case["by"], columns=columns, times=times, **kw, **extra).compute()
    cols = [columns] if isinstance(columns, str) else columns
    got = got.to_numpy()[:, None] if isinstance(columns, str) else got[cols].to_numpy()
    assert got.shape == (len(df), len(cols))

    def in_memory(rows):
        ref_kw = dict(kw, **extra)
        if times:
            ref_kw["times"] = df["t"].to_numpy()[rows]
        return REF[stat](df[cols].to_numpy()[rows], **ref_kw)

    msg = f"{case['sizes']} by={case['by']} times={case['times']} {stat} {kw} {extra}"
    if case["by"] is None:
        assert_same(got, in_memory(np.arange(len(df))), msg=msg)
        return
    keys = df["k"].to_numpy()
    missing = pd.isna(keys)
    assert np.isnan(got[missing]).all(), msg
    for key in pd.unique(keys[~missing]):
        rows = np.flatnonzero(keys == key)
        assert_same(got[rows], in_memory(rows), msg=f"group {key!r}: {msg}")


# --------------------------------------------------------------------------- times


TIMES = [
    dict(halflife="2D", times="t"),
    dict(halflife="2D", times="t", bias_correction=True),
    dict(halflife="36h", times="t", ignore_na=True, min_periods=2),
    dict(halflife=3.0, times="num", bias_correction=True, ignore_na=True),
]


@pytest.mark.parametrize("layout", ["empty", "nan-partitions", "rows"])
@pytest.mark.parametrize("kw", TIMES, ids=_id)
@pytest.mark.parametrize("stat", ["mean", "var", "std"])
def test_times_column(stat, kw, layout):
    df = frame()
    if layout == "rows":  # one row per partition, on fewer rows (across the all-NaN stretch)
        df = df.iloc[25:85].reset_index(drop=True)
    ddf = chunked(df, LAYOUTS[layout] if layout != "rows" else [1] * len(df))
    got = DASK[stat](ddf, columns=["x", "y"], **kw).compute()
    ref_kw = dict(kw, times=df[kw["times"]].to_numpy())
    for c in ("x", "y"):
        assert_same(got[c].to_numpy(), REF[stat](df[c].to_numpy(), **ref_kw), msg=f"{c} {kw} {layout}")


@pytest.mark.parametrize("tz", [None, "America/New_York"])
def test_times_index(tz):
    df = frame().set_index("t")
    if tz:
        df.index = df.index.tz_localize(tz)
    ddf = dd.from_pandas(df[["x", "y"]], npartitions=6, sort=False)
    got = ddf.ewmakit.std(halflife="3D", times="index", bias_correction=True).compute()
    for c in ("x", "y"):
        expect = ewmakit.ewmstd(df[c].to_numpy(), halflife="3D", times=df.index, bias_correction=True)
        assert_same(got[c].to_numpy(), expect)
    pd.testing.assert_index_equal(got.index, df.index)


def test_times_equal_pandas_at_partition_boundaries():
    df = frame()
    ddf = chunked(df, [1] * N)
    got = ekd.ewma(ddf, columns="x", halflife="2D", times="t", bias_correction=True).compute()
    expect = df["x"].ewm(halflife="2D", times=df["t"]).mean()
    assert_close(got.to_numpy(), expect.to_numpy())
    assert_same(got.to_numpy(), ewmakit.ewma(df["x"].to_numpy(), halflife="2D", times=df["t"].to_numpy(),
                                             bias_correction=True))


# --------------------------------------------------------------------------- DataFrames


def test_frame_columns_and_dtypes():
    df = frame()
    df["f32"] = series(3, N, offset=5.0).astype(np.float32)
    df["i64"] = np.arange(N) % 7
    df["nullable"] = pd.array([None if k % 5 == 0 else k for k in range(N)], dtype="Int64")
    ddf = chunked(df, LAYOUTS["empty"])
    kw = dict(beta=0.7, ignore_na=True, min_periods=3)
    got = ekd.ewma(ddf.drop(columns=["t"]), **kw).compute()  # every numeric column
    assert list(got.columns) == ["x", "y", "num", "f32", "i64", "nullable"]
    assert got["f32"].dtype == np.float32 and got["i64"].dtype == np.float64
    for c in got.columns:
        expect = ewmakit.ewma(df[c].to_numpy(dtype=np.float32 if c == "f32" else np.float64, na_value=np.nan), **kw)
        assert_same(got[c].to_numpy(), expect, msg=c)
    one = ekd.ewmstd(ddf, columns="f32", beta=0.7).compute()
    assert isinstance(one, pd.Series) and one.name == "f32" and one.dtype == np.float32
    assert_same(one.to_numpy(), ewmakit.ewmstd(df["f32"].to_numpy(), 0.7))
    two = ekd.ewmvar(ddf, columns=["y", "x"], beta=0.7).compute()
    assert list(two.columns) == ["y", "x"]


def test_frame_with_text_column():
    df = frame().assign(name="a")
    ddf = dd.from_pandas(df, npartitions=3)
    with pytest.raises(TypeError, match="name"):
        ekd.ewma(ddf, 0.9)
    got = ekd.ewma(ddf, 0.9, numeric_only=True).compute()
    assert list(got.columns) == ["x", "y", "num"]
    got = ekd.ewma(ddf, times="t", halflife="1D", numeric_only=True).compute()  # the times column is not a value
    assert "t" not in got.columns


def test_init_per_column():
    df = frame()[["x", "y"]]
    ddf = chunked(df, LAYOUTS["empty"])
    got = ekd.ewma(ddf, 0.9, init=[1.0, -1.0]).compute()
    expect = ewmakit.ewma(df.to_numpy(), 0.9, init=[1.0, -1.0])
    assert_same(got.to_numpy(), expect)


# --------------------------------------------------------------------------- by groups


def panel(n=400, seed=3):
    """A long (time, ticker, value) panel: groups start late, stop early, skip partitions; some keys missing."""
    rng = np.random.default_rng(seed)
    tickers = np.array(["AAA", "BB", "C", "DDDD", "E"])
    p = np.array([0.35, 0.3, 0.2, 0.1, 0.05])
    tick = rng.choice(tickers, size=n, p=p).astype(object)
    tick[: n // 4][tick[: n // 4] == "C"] = "AAA"  # C starts late
    tick[n // 2:][tick[n // 2:] == "DDDD"] = "BB"  # DDDD stops early
    tick[rng.random(n) < 0.03] = None
    x = rng.normal(size=n).cumsum()
    x[rng.random(n) < 0.2] = np.nan
    x[100:150] = np.nan
    minutes = np.cumsum(rng.choice([0, 1, 5, 30], size=n))
    return pd.DataFrame(
        {
            "ticker": tick,
            "value": x,
            "volume": rng.integers(0, 100, size=n).astype(np.float32),
            "time": pd.Timestamp("2024-03-01") + pd.to_timedelta(minutes, "min"),
        }
    )


def by_reference(df, stat, columns, kw):
    out = pd.DataFrame(np.nan, index=df.index, columns=columns)
    for _, g in df.groupby("ticker", sort=False):
        ref_kw = dict(kw)
        if "times" in ref_kw:
            ref_kw["times"] = g[ref_kw["times"]].to_numpy()
        for c in columns:
            out.loc[g.index, c] = REF[stat](g[c].to_numpy(dtype=np.float64), **ref_kw)
    return out


BY_OPTIONS = [
    dict(beta=0.8),
    dict(beta=0.9, bias_correction=True, ignore_na=True, min_periods=3),
    dict(beta=0.7, init=1.0),
    dict(halflife="10min", times="time"),
    dict(halflife="1h", times="time", bias_correction=True, ignore_na=True),
]


BY_SIZES = {"8": [57] * 7 + [1], "empty": [0, 100, 0, 150, 1, 1, 148, 0], "rows": [1] * 60}


@pytest.mark.parametrize(
    "stat, kw, sizes",
    [pytest.param(stat, kw, BY_SIZES[layout], id=f"{stat}-{_id(kw)}-{layout}")
     for stat in ("mean", "var", "std") for kw in BY_OPTIONS for layout in BY_SIZES
     if not (layout == "rows" and stat == "std")],  # std = sqrt(var): one-row partitions covered by var
)
def test_by_groups_equal_in_memory_per_group(stat, kw, sizes):
    df = panel()
    if len(sizes) == 60:
        df = df.iloc[90:150].reset_index(drop=True)  # across the all-NaN stretch
    ddf = chunked(df, sizes)
    got = DASK[stat](ddf, by="ticker", columns=["value"], **kw).compute()
    expect = by_reference(df, stat, ["value"], kw)
    assert_same(got["value"].to_numpy(), expect["value"].to_numpy(), msg=f"{stat} {kw}")
    assert np.isnan(got["value"].to_numpy()[df["ticker"].isna().to_numpy()]).all()


def test_by_default_columns_and_accessor():
    df = panel()
    ddf = dd.from_pandas(df.drop(columns="time"), npartitions=5)
    got = ddf.ewmakit.smooth(0.75, by="ticker").compute()
    assert list(got.columns) == ["value", "volume"] and got["volume"].dtype == np.float32
    expect = by_reference(df, "mean", ["value", "volume"], dict(beta=0.75))
    assert_same(got["value"].to_numpy(), expect["value"].to_numpy())
    # float32 data: the float64 result rounded to float32, as the in-memory float32 path writes it
    assert_same(got["volume"].to_numpy(), expect["volume"].to_numpy().astype(np.float32))


def test_by_integer_keys_and_assignment_back():
    df = panel().assign(key=lambda d: d["ticker"].map({"AAA": 1, "BB": 2, "C": 3, "DDDD": 4, "E": 5}))
    ddf = dd.from_pandas(df.drop(columns=["ticker", "time"]), npartitions=4)
    ddf["ema"] = ekd.ewma(ddf, 0.8, by="key", columns="value")
    got = ddf.compute()
    expect = by_reference(df.dropna(subset=["key"]).assign(ticker=lambda d: d["key"]), "mean", ["value"],
                          dict(beta=0.8))
    assert_same(got.loc[expect.index, "ema"].to_numpy(), expect["value"].to_numpy())


def test_by_times_going_backwards_within_a_group():
    df = pd.DataFrame({"g": ["a", "b", "a", "b"], "v": [1.0, 2.0, 3.0, 4.0], "t": [0.0, 5.0, 1.0, 4.0]})
    ddf = dd.from_pandas(df, npartitions=2)
    with pytest.raises(ValueError, match="non-decreasing.*group 'b'"):
        ekd.ewma(ddf, by="g", columns="v", times="t", halflife=1.0).compute()
    # each group's own times are what count: interleaved groups are fine
    df2 = df.assign(t=[0.0, -3.0, 1.0, -2.0])
    got = ekd.ewma(dd.from_pandas(df2, npartitions=2), by="g", columns="v", times="t", halflife=1.0).compute()
    assert_same(got.to_numpy(), by_reference(df2.rename(columns={"g": "ticker"}), "mean", ["v"],
                                             dict(halflife=1.0, times="t"))["v"].to_numpy())


# --------------------------------------------------------------------------- partitions of the result


def test_result_partitions_head_tail_are_exact():
    x = values(4)
    s = pd.Series(x, index=pd.RangeIndex(1000, 1000 + N))
    ds = dd.from_pandas(s, npartitions=6)
    res = ekd.ewma(ds, 0.9)
    full = pd.Series(ewmakit.ewma(x, 0.9), index=s.index)
    for k in (0, 3, 5):
        part = res.partitions[k].compute()
        assert_same(part.to_numpy(), full.loc[part.index].to_numpy())
    assert_same(res.tail(7).to_numpy(), full.iloc[-7:].to_numpy())
    assert_same(res.head(7).to_numpy(), full.iloc[:7].to_numpy())
    assert_same(res.partitions[2:5].compute().to_numpy(), full.loc[ds.partitions[2:5].compute().index].to_numpy())


READS: list[int] = []


def _counted_piece(i):
    READS.append(i)
    return pd.DataFrame({"v": values(5, 30)[10 * i:10 * (i + 1)]}, index=pd.RangeIndex(10 * i, 10 * (i + 1)))


def test_lazy_and_each_partition_read_once():
    READS.clear()
    ddf = dd.from_map(_counted_piece, range(3), meta=_counted_piece(0).iloc[:0], enforce_metadata=False)
    READS.clear()
    res = ekd.ewmvar(ddf, 0.8, columns="v")
    assert READS == []  # nothing computed yet
    got = res.compute()
    assert sorted(READS) == [0, 1, 2]  # one pass: summaries and smoothing share each read
    assert_same(got.to_numpy(), ewmakit.ewmvar(values(5, 30), 0.8))
    READS.clear()
    part = res.partitions[1].compute()  # needs partition 0's summary, not partition 2
    assert sorted(READS) == [0, 1]
    assert_same(part.to_numpy(), got.iloc[10:20].to_numpy())
    READS.clear()
    res.head(3)
    assert READS == [0]


def test_assign_back_with_unknown_divisions_and_repeated_index():
    # partitions with the same RangeIndex each: the result must be row-aligned, not joined on the index
    def piece(i):
        return pd.DataFrame({"g": ["a", "b"] * 3, "v": np.arange(6.0) + 10 * i})

    ddf = dd.from_map(piece, range(3), meta=piece(0).iloc[:0])
    assert not ddf.known_divisions
    ddf["e"] = ekd.ewma(ddf, 0.5, by="g", columns="v")
    ddf = ddf.assign(s=ekd.ewmstd(ddf, 0.5, columns="v"))
    got = ddf.compute()
    whole = pd.concat([piece(i) for i in range(3)], ignore_index=True)
    np.testing.assert_array_equal(got["v"].to_numpy(), whole["v"].to_numpy())
    expect = by_reference(whole.rename(columns={"g": "ticker"}), "mean", ["v"], dict(beta=0.5))["v"]
    assert_same(got["e"].to_numpy(), expect.to_numpy())
    assert_same(got["s"].to_numpy(), ewmakit.ewmstd(whole["v"].to_numpy(), 0.5))


def test_input_untouched():
    s = pd.Series(values(5))
    before = s.copy()
    ekd.ewma(dd.from_pandas(s, npartitions=4), 0.5).compute()
    pd.testing.assert_series_equal(s, before)


# --------------------------------------------------------------------------- errors


def test_errors():
    s = pd.Series([1.0, 2.0, np.inf, 4.0], index=list("abcd"))
    with pytest.raises(ValueError, match=r"inf at index 'c'"):
        ekd.ewma(dd.from_pandas(s, npartitions=2), 0.5).compute()  # found while computing
    ds = dd.from_pandas(pd.Series([1.0, 2.0]), npartitions=1)
    with pytest.raises(ValueError, match="beta"):
        ekd.ewma(ds, 1.5)
    with pytest.raises(ValueError, match="exactly one|beta.*alpha|alpha.*beta"):
        ekd.ewma(ds, 0.5, alpha=0.5)
    with pytest.raises(ValueError, match="bias_correction"):
        ekd.ewma(ds, 0.5, bias_correction=True, init=1.0)
    with pytest.raises(TypeError, match="dask Series or DataFrame"):
        ekd.ewma(pd.Series([1.0]), 0.5)
    with pytest.raises(TypeError, match="by= needs a dask DataFrame"):
        ekd.ewma(ds, 0.5, by="x")
    with pytest.raises(TypeError, match="DatetimeIndex"):
        ekd.ewma(ds, halflife=2.0, times="index")
    ddf = dd.from_pandas(frame(), npartitions=3)
    with pytest.raises(KeyError, match="nope"):
        ekd.ewma(ddf, 0.5, columns=["nope"])
    with pytest.raises(ValueError, match="by must be the name of a column"):
        ekd.ewma(ddf, 0.5, by="nope")
    with pytest.raises(ValueError, match="halflife"):
        ekd.ewma(ddf, 0.5, columns="x", times="t")
    with pytest.raises(ValueError, match="times must be"):
        ekd.ewma(ddf, columns="x", times="nope", halflife="1D")
    with pytest.raises(TypeError, match="not numeric"):
        ekd.ewma(ddf, 0.5, columns="t")


def test_times_must_not_go_backwards():
    df = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0], "t": [0.0, 2.0, 1.0, 3.0]})
    with pytest.raises(ValueError, match="partition 1 starts at 1.0, before the previous rows end at 2.0"):
        ekd.ewma(dd.from_pandas(df, npartitions=2), columns="v", times="t", halflife=1.0).compute()
    with pytest.raises(ValueError, match="non-decreasing.*partition 0"):
        ekd.ewma(dd.from_pandas(df, npartitions=1), columns="v", times="t", halflife=1.0).compute()
    nat = pd.DataFrame({"v": [1.0, 2.0], "t": pd.to_datetime(["2024-01-01", None])})
    with pytest.raises(ValueError, match="NaT"):
        ekd.ewma(dd.from_pandas(nat, npartitions=1), columns="v", times="t", halflife="1D").compute()


# --------------------------------------------------------------------------- accessor and imports


def test_accessor_equals_functions():
    df = frame()
    ddf = dd.from_pandas(df, npartitions=5)
    kw = dict(beta=0.9, ignore_na=True, min_periods=2)
    pd.testing.assert_frame_equal(ddf.ewmakit.smooth(columns=["x", "y"], **kw).compute(),
                                  ekd.ewma(ddf, columns=["x", "y"], **kw).compute(), check_exact=True)
    pd.testing.assert_series_equal(ddf["x"].ewmakit.var(bias=True, **kw).compute(),
                                   ekd.ewmvar(ddf["x"], bias=True, **kw).compute(), check_exact=True)
    got, expect = ddf["x"].ewmakit.std(**kw).compute(), df["x"].ewmakit.std(**kw)  # dask vs the pandas accessor
    pd.testing.assert_series_equal(got, expect, check_exact=True)
    assert_same(got.to_numpy(), expect.to_numpy())


def _python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=120)


def test_import_ewmakit_does_not_import_dask():
    res = _python("""
        import sys
        import ewmakit, ewmakit.dask
        assert not any(m == "dask" or m.startswith("dask.") for m in sys.modules), "dask was imported"
        print("ok")
    """)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


def test_works_without_dask_installed():
    res = _python("""
        import doctest, sys
        sys.modules["dask"] = None          # as if dask were not installed
        import pandas as pd
        import ewmakit, ewmakit.dask
        assert ewmakit.ewma([1.0, 2.0], 0.5).tolist() == [1.0, 1.5]
        try:
            ewmakit.dask.ewma(pd.Series([1.0]), 0.5)
        except ImportError as exc:
            assert "ewmakit[dask]" in str(exc), exc
        else:
            raise AssertionError("no ImportError")
        result = doctest.testmod(ewmakit.dask)   # the examples are marked skipped
        assert result.failed == 0, result
        assert "+SKIP" in ewmakit.dask.ewma.__doc__
        print("ok")
    """)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


def test_accessor_registered_when_dask_is_imported_later():
    # (dask imported first, then ewmakit.dask: this module, whose accessor tests cover it)
    res = _python("""
import ewmakit.dask
import dask.dataframe as dd
import pandas as pd
ds = dd.from_pandas(pd.Series([1.0, 2.0, 3.0]), npartitions=2)
print(ds.ewmakit.smooth(0.5).compute().tolist())
print(dd.from_pandas(pd.DataFrame({"a": [1.0, 3.0]}), npartitions=2).ewmakit.smooth(0.5).compute()["a"].tolist())
""")
    assert res.returncode == 0, res.stderr
    assert res.stdout.split("\n")[:2] == ["[1.0, 1.5, 2.25]", "[1.0, 2.0]"]


# --------------------------------------------------------------------------- a real cluster


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        with distributed.Client(cluster, set_as_default=False) as c:
            yield c


def test_cluster_series_and_panel(client):
    x = values(6, 600)
    s = pd.Series(x, index=pd.date_range("2022-01-01", periods=600, freq="min"), name="p")
    df = panel(600)
    with dask.config.set(scheduler=client.get):
        got = ekd.ewmstd(dd.from_pandas(s, npartitions=13), halflife="7min", times="index",
                         bias_correction=True).compute()
        by = ekd.ewma(chunked(df, [0, 200, 0, 1, 199, 200]), 0.85, by="ticker", columns="value",
                      ignore_na=True).compute()
    assert_same(got.to_numpy(), ewmakit.ewmstd(x, halflife="7min", times=s.index, bias_correction=True))
    assert_same(by.to_numpy(), by_reference(df, "mean", ["value"], dict(beta=0.85, ignore_na=True))["value"])


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # dask's parquet reader on pandas 3.1
def test_cluster_from_parquet(client, tmp_path):
    df = frame(2000, seed=7).set_index("t")
    dd.from_pandas(df, npartitions=17).to_parquet(tmp_path / "data")
    with dask.config.set(scheduler=client.get):
        ddf = dd.read_parquet(tmp_path / "data")
        assert ddf.npartitions == 17
        res = ekd.ewmvar(ddf, columns=["x", "y"], halflife="5D", times="index", ignore_na=True)
        res.to_parquet(tmp_path / "out")
        got = dd.read_parquet(tmp_path / "out").compute()
    for c in ("x", "y"):
        expect = ewmakit.ewmvar(df[c].to_numpy(), halflife="5D", times=df.index, ignore_na=True)
        assert_same(got[c].to_numpy(), expect)
    pd.testing.assert_index_equal(got.index, df.index, check_names=False)
