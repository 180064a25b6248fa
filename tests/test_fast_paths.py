"""The fast kernel paths against a plain reference loop, and against each other bit for bit.

Paths (see ``ewmakit/_engine``): one long series in blocks walked side by
side then re-walked until they meet (``ewm_mean_1d``/``ewm_cov_1d``, one or
two threads), the single-series register loop, the row-wise SIMD panel path
with its general fallback (one or two column ranges), and column-major panels
walked four series at a time. The reference is a direct transcription of
pandas' ``ewm``/``ewmcov`` loops in plain Python floats: the kernels must agree
with it to 1e-12 (relative to the data's scale) with the same NaN pattern, and
with each other exactly. Sizes are chosen around the block edges (the block
threshold is lowered so that small arrays take the blocked path).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ewmakit
from ewmakit import _engine as engine
from ewmakit import core, finance


# --------------------------------------------------------------------------- the plain loops


def ref_mean(x, beta, adjust, ignore_na, minp, init=math.nan, decays=None):
    """pandas' ``ewm`` mean loop (plus a start value and per-row decays), one float at a time."""
    out = []
    m, w, n = init, 1.0, 0
    for i, cur in enumerate(map(float, x)):
        d = beta if decays is None else float(decays[i])
        nw = 1.0 if adjust else 1.0 - d
        obs = not math.isnan(cur)
        if n > 0:
            if obs or not ignore_na:
                w *= d
                if obs:
                    if m != cur:
                        m = (w * m + nw * cur) / (w + nw)
                    w = w + nw if adjust else 1.0
        elif obs:
            m = cur if (adjust or math.isnan(m)) else (d * m + nw * cur) / (d + nw)
            w = 1.0
        n += obs
        out.append(m if n >= max(minp, 1) else math.nan)
    return np.array(out)


def ref_cov(x, y, beta, adjust, ignore_na, minp, bias):
    """pandas' ``ewmcov`` loop, one float at a time."""
    out = []
    mx = my = c = math.nan
    sw = sw2 = ow = 1.0
    n = 0
    nw = 1.0 if adjust else 1.0 - beta
    for cx, cy in zip(map(float, x), map(float, y)):
        obs = not (math.isnan(cx) or math.isnan(cy))
        if n == 0:
            if obs:
                mx, my, c, sw, sw2, ow = cx, cy, 0.0, 1.0, 1.0, 1.0
        else:
            if obs or not ignore_na:
                sw *= beta
                sw2 *= beta * beta
                ow *= beta
            if obs:
                ox, oy = mx, my
                if mx != cx:
                    mx = (ow * ox + nw * cx) / (ow + nw)
                if my != cy:
                    my = (ow * oy + nw * cy) / (ow + nw)
                c = (ow * (c + (ox - mx) * (oy - my)) + nw * ((cx - mx) * (cy - my))) / (ow + nw)
                sw += nw
                sw2 += nw * nw
                ow += nw
                if not adjust:
                    sw /= ow
                    sw2 /= ow * ow
                    ow = 1.0
        n += obs
        if n < max(minp, 1):
            out.append(math.nan)
        elif bias:
            out.append(c)
        else:
            den = sw * sw - sw2
            out.append(sw * sw / den * c if den > 0 else math.nan)
    return np.array(out)


def assert_close(got, expected, scale, label=""):
    got = np.asarray(got, dtype=np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected), err_msg=f"NaN pattern differs {label}")
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * scale, equal_nan=True, err_msg=label)


def series(seed, n, nan_frac, runs=()):
    """A random walk with scattered NaNs and NaN runs at the given (start, length)."""
    rng = np.random.default_rng(seed)
    x = 50.0 + rng.standard_normal(n).cumsum()
    x[rng.random(n) < nan_frac] = np.nan
    for start, length in runs:
        x[start:start + length] = np.nan
    return x


@pytest.fixture(params=[1, 2], ids=["1-thread", "2-threads"])
def blocked(request, monkeypatch):
    """Every single series (of any length) takes the blocked kernels, on one or two threads."""
    monkeypatch.setattr(engine.config, "long_series", 1)
    monkeypatch.setattr(engine.config, "threads", request.param)
    return request.param


def sequential(x, beta, **kw):
    """The single-series register loop (the blocked path switched off)."""
    saved = engine.config.long_series
    engine.config.long_series = 1 << 62
    try:
        return ewmakit.ewma(x, beta, **kw)
    finally:
        engine.config.long_series = saved


# sizes around the edges of 4 and 8 blocks, a tail, and long enough to meet
SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 1000, 4099]
OPTIONS = list(itertools.product((False, True), (False, True), (0, 3)))  # bias_correction, ignore_na, min_periods


# --------------------------------------------------------------------------- one long series


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("bc,ina,mp", OPTIONS)
def test_blocked_mean_equals_reference_and_plain_loop(blocked, n, bc, ina, mp):
    runs = [(n // 4 - 1, 3), (n // 2, 2)] if n > 8 else []
    for seed, nan_frac in ((0, 0.0), (1, 0.05), (2, 0.6)):
        x = series(seed, n, nan_frac, runs)
        for beta in (0.0, 0.5, 0.9, 0.99):
            got = ewmakit.ewma(x, beta, bias_correction=bc, ignore_na=ina, min_periods=mp)
            assert_close(got, ref_mean(x, beta, bc, ina, mp), 100.0, f"n={n} beta={beta}")
            np.testing.assert_array_equal(got, sequential(x, beta, bias_correction=bc, ignore_na=ina,
                                                          min_periods=mp))


@pytest.mark.parametrize("n", [9, 17, 4099])
def test_blocked_mean_start_value_times_float32(blocked, n):
    x = series(3, n, 0.05, [(n // 8, 2), (n - 3, 3)])
    np.testing.assert_array_equal(ewmakit.ewma(x, 0.8, init=10.0), sequential(x, 0.8, init=10.0))
    assert_close(ewmakit.ewma(x, 0.8, init=10.0), ref_mean(x, 0.8, False, False, 0, init=10.0), 100.0)
    t = np.cumsum(np.random.default_rng(4).integers(0, 4, n)).astype(float)
    got = ewmakit.ewma(x, halflife=2.0, times=t)
    decays = np.concatenate([[1.0], 0.5 ** (np.diff(t) / 2.0)])
    assert_close(got, ref_mean(x, None, False, False, 0, decays=decays), 100.0)
    np.testing.assert_array_equal(got, sequential(x, None, halflife=2.0, times=t))
    x32 = x.astype(np.float32)
    got32 = ewmakit.ewma(x32, 0.9)
    assert got32.dtype == np.float32
    np.testing.assert_array_equal(got32, sequential(x32, 0.9))
    np.testing.assert_allclose(got32, ref_mean(x32, 0.9, False, False, 0), rtol=1e-6)  # float64 inside


def test_blocked_mean_all_nan_blocks_and_leading_nans(blocked):
    x = series(5, 4000, 0.0, [(0, 1500), (2500, 1200)])  # whole blocks missing
    for bc, ina in itertools.product((False, True), repeat=2):
        got = ewmakit.ewma(x, 0.9, bias_correction=bc, ignore_na=ina)
        assert_close(got, ref_mean(x, 0.9, bc, ina, 0), 100.0)
        np.testing.assert_array_equal(got, sequential(x, 0.9, bias_correction=bc, ignore_na=ina))


def test_blocked_mean_long_default(monkeypatch):
    """The real threshold: a series long enough to take the blocked kernel by itself."""
    n = engine.config.long_series * 3 + 5
    x = series(6, n, 0.01, [(n // 2, 40)])
    got = ewmakit.ewma(x, 0.95)
    np.testing.assert_array_equal(got, sequential(x, 0.95))
    assert_close(got[-5000:], ref_mean(x, 0.95, False, False, 0)[-5000:], 100.0)


def test_blocked_mean_reports_inf(blocked):
    x = series(7, 1000, 0.0)
    x[700] = np.inf
    with pytest.raises(ValueError, match="position 700"):
        ewmakit.ewma(x, 0.9)


def test_blocked_streaming_state_continues(blocked):
    x = series(8, 3000, 0.05, [(1000, 5)])
    s = ewmakit.EWMA(0.9, min_periods=2)
    parts = [s.update_many(x[a:b]) for a, b in ((0, 1234), (1234, 1235), (1235, 3000))]
    np.testing.assert_array_equal(np.concatenate(parts), ewmakit.ewma(x, 0.9, min_periods=2))


@pytest.mark.parametrize("n", [5, 17, 1000])
@pytest.mark.parametrize("bc,ina,mp", OPTIONS)
def test_blocked_var_cov_equal_reference(blocked, n, bc, ina, mp):
    x = series(10, n, 0.05, [(n // 3, 3)] if n > 8 else [])
    y = 0.5 * np.nan_to_num(x) + series(11, n, 0.05)
    for beta, bias in itertools.product((0.3, 0.9), (False, True)):
        kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp, bias=bias)
        var = ewmakit.ewmvar(x, beta, **kw)
        assert_close(var, ref_cov(x, x, beta, bc, ina, mp, bias), 1.0, f"var beta={beta}")
        assert_close(ewmakit.ewmcov(x, y, beta, **kw), ref_cov(x, y, beta, bc, ina, mp, bias), 1.0, "cov")
        np.testing.assert_array_equal(ewmakit.ewmstd(x, beta, **kw), np.sqrt(var))


def test_blocked_var_equals_single_series_loop(monkeypatch):
    x = series(12, 5000, 0.02, [(2000, 30)])
    expected = ewmakit.ewmvar(x, 0.9)  # below the threshold: the register loop
    monkeypatch.setattr(engine.config, "long_series", 1)
    for threads in (1, 2):
        monkeypatch.setattr(engine.config, "threads", threads)
        np.testing.assert_array_equal(ewmakit.ewmvar(x, 0.9), expected)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), nan_frac=st.sampled_from([0.0, 0.1, 0.7]), beta=st.floats(0.0, 0.99),
       bc=st.booleans(), ina=st.booleans(), mp=st.integers(0, 5), threads=st.sampled_from([1, 2]),
       seed=st.integers(0, 2**16))
def test_property_blocked_equals_plain_loop(n, nan_frac, beta, bc, ina, mp, threads, seed):
    x = series(seed, n, nan_frac)
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp)
    expected = sequential(x, beta, **kw)
    saved = engine.config.long_series, engine.config.threads
    engine.config.long_series, engine.config.threads = 1, threads
    try:
        got = ewmakit.ewma(x, beta, **kw)
        var = ewmakit.ewmvar(x, beta, **kw)
    finally:
        engine.config.long_series, engine.config.threads = saved
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(var, ewmakit.ewmvar(x, beta, **kw))


# --------------------------------------------------------------------------- panels


def panel(seed, T, N, nan_frac):
    rng = np.random.default_rng(seed)
    x = 50.0 + rng.standard_normal((T, N)).cumsum(axis=0)
    x[rng.random((T, N)) < nan_frac] = np.nan
    if T > 10 and N > 3:
        x[: T // 3, 2] = np.nan  # a late starter
        x[T // 2: T // 2 + 4, 1] = np.nan  # a run
    return x


@pytest.mark.parametrize("T,N", [(1, 5), (7, 3), (40, 9), (300, 17), (60, 1030)])
@pytest.mark.parametrize("bc,ina,mp", OPTIONS)
def test_panel_paths_equal_reference_and_each_other(monkeypatch, T, N, bc, ina, mp):
    x = panel(T * N, T, N, 0.05)
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp)
    row_major = ewmakit.ewma(x, 0.9, **kw)
    for j in range(N):
        assert_close(row_major[:, j], ref_mean(x[:, j], 0.9, bc, ina, mp), 100.0, f"column {j}")
    np.testing.assert_array_equal(ewmakit.ewma(np.asfortranarray(x), 0.9, **kw), row_major)  # column-major
    np.testing.assert_array_equal(np.column_stack([sequential(x[:, j], 0.9, **kw) for j in range(N)]), row_major)
    monkeypatch.setattr(engine.config, "threads", 2)
    np.testing.assert_array_equal(ewmakit.ewma(x, 0.9, **kw), row_major)
    np.testing.assert_array_equal(ewmakit.ewma(np.asfortranarray(x), 0.9, **kw), row_major)
    var = ewmakit.ewmvar(x, 0.9, **kw)
    for j in range(min(N, 5)):
        assert_close(var[:, j], ref_cov(x[:, j], x[:, j], 0.9, bc, ina, mp, False), 1.0, f"var column {j}")


def test_panel_float32_and_wide_parallel(monkeypatch):
    x = panel(1, 300, 1100, 0.02).astype(np.float32)
    expected = np.column_stack([sequential(x[:, j], 0.9) for j in range(x.shape[1])])
    monkeypatch.setattr(engine.config, "parallel_values", 1)  # 330 000 values: column ranges in parallel too
    monkeypatch.setattr(engine.config, "series_parallel_values", 1)
    for threads in (1, 2):
        monkeypatch.setattr(engine.config, "threads", threads)
        got = ewmakit.ewma(x, 0.9)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(ewmakit.ewma(np.asfortranarray(x), 0.9), expected)
        var = ewmakit.ewmvar(x, 0.9)
        for j in range(0, x.shape[1], 97):
            np.testing.assert_array_equal(var[:, j], ewmakit.ewmvar(x[:, j], 0.9))


def test_column_major_panel_inf_and_layout():
    x = np.asfortranarray(panel(2, 50, 6, 0.0))
    out = ewmakit.ewma(x, 0.9)
    assert out.flags.f_contiguous  # the input's layout, so a DataFrame keeps it without copying
    x[30, 4] = -np.inf
    with pytest.raises(ValueError, match=r"\(30, 4\)"):
        ewmakit.ewma(x, 0.9)


# --------------------------------------------------------------------------- datetime stamps on the way


def _datetime_case(n, unit, seed=13):
    rng = np.random.default_rng(seed)
    x = series(seed, n, 0.05, [(n // 3, 7)])
    times = np.datetime64("2020-01-01", unit) + np.cumsum(rng.integers(0, 6, n)).astype(f"m8[{unit}]")
    return x, times


@pytest.mark.parametrize("unit", ["s", "ns", "D"])
@pytest.mark.parametrize("bc,ina,mp", OPTIONS)
@pytest.mark.parametrize("threads", [1, 2])
def test_stamped_long_series_equals_decay_array(monkeypatch, unit, bc, ina, mp, threads):
    """A long series with datetime times computes its decays on the way: same bits as from the decay array."""
    n = engine.config.long_series + 4099
    x, times = _datetime_case(n, unit)
    hl = np.timedelta64(7, "s") if unit != "D" else np.timedelta64(3, "D")
    kw = dict(bias_correction=bc, ignore_na=ina, min_periods=mp, halflife=hl, times=times)
    monkeypatch.setattr(engine.config, "threads", threads)
    got = ewmakit.ewma(x, **kw)
    decays = core.time_decay(times, hl, n)
    np.testing.assert_array_equal(got, sequential(x, None, **kw))
    assert_close(got[-3000:], ref_mean(x, None, bc, ina, mp, decays=decays)[-3000:], 100.0)


@pytest.mark.parametrize("where", ["first", "lane-edge", "middle", "tail", "last"])
@pytest.mark.parametrize("bad", ["NaT", "backwards"])
def test_stamped_bad_times_raise_naming_the_row(where, bad):
    n = engine.config.long_series + 5  # 4 or 8 blocks and a tail
    x, times = _datetime_case(n, "ns")
    pos = {"first": 0, "lane-edge": n // 8, "middle": n // 2, "tail": n - 2, "last": n - 1}[where]
    if bad == "NaT":
        times[pos] = np.datetime64("NaT")
        match = f"NaT, found one at position {pos}"
    else:
        if pos == 0:
            pos = 1
        times[pos] = times[pos - 1] - np.timedelta64(1, "s")
        match = f"row {pos} comes before row {pos - 1}"
    with pytest.raises(ValueError, match=match):
        ewmakit.ewma(x, halflife="5s", times=times)


def test_column_major_inputs_name_the_first_inf_in_row_order():
    x = np.asfortranarray(panel(3, 40, 12, 0.0))
    x[7, 3] = np.inf
    x[2, 9] = -np.inf  # first in row order, second in column order
    with pytest.raises(ValueError, match=r"-inf at position \(2, 9\)"):
        ewmakit.ewma(x, 0.9)
    with pytest.raises(ValueError, match=r"-inf at position \(2, 9\)"):
        finance.macd(x)


def test_row_major_transposes_column_major_panels():
    x = panel(4, 300, 257, 0.1)
    f = np.asfortranarray(x)
    got = core.row_major(f)
    assert got.flags.c_contiguous
    np.testing.assert_array_equal(got, x)
    assert core.row_major(x) is x
