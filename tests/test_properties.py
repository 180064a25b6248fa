"""Hypothesis properties of ewma / ewmvar and of the streaming EWMA (SPEC §2)."""

from __future__ import annotations

import json
import pickle

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ewmakit import EWMA, ewma, ewmvar

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
value_or_nan = st.one_of(finite, finite, finite, st.just(np.nan))


def arrays(min_size=0, max_size=60, nans=True):
    return hnp.arrays(np.float64, st.integers(min_size, max_size), elements=value_or_nan if nans else finite)


betas = st.one_of(st.sampled_from([0.0, 0.5, 0.9, 0.99]), st.floats(0.0, 0.999))
inits = st.sampled_from(["first", "zero", 0.0, 2.5, -1000.0])


@st.composite
def options(draw, with_init=True, with_minp=True):
    bc = draw(st.booleans())
    kw = dict(bias_correction=bc, ignore_na=draw(st.booleans()))
    if with_init and not bc:
        kw["init"] = draw(inits)
    if with_minp:
        kw["min_periods"] = draw(st.sampled_from([0, 1, 3]))
    return kw


def assert_identical(a, b):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))  # NaN == NaN for array_equal


def assert_close(a, b, rtol=1e-12):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=0, equal_nan=True)


# --------------------------------------------------------------------------- batch properties


@SETTINGS
@given(x=arrays(), beta=betas, kw=options(), data=st.data())
def test_causality(x, beta, kw, data):
    k = data.draw(st.integers(0, len(x)))
    assert_identical(ewma(x[:k], beta, **kw), ewma(x, beta, **kw)[:k])
    assert_identical(ewmvar(x[:k], beta, **kw), ewmvar(x, beta, **kw)[:k])
    # the future never changes the past, whatever it holds
    tail = data.draw(arrays(0, 10))
    y = np.concatenate([x, tail])
    assert_identical(ewma(y, beta, **kw)[: len(x)], ewma(x, beta, **kw))


@SETTINGS
@given(c=finite, n=st.integers(1, 60), beta=betas, kw=options(with_init=False), data=st.data())
def test_constant_in_constant_out(c, n, beta, kw, data):
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    x = np.full(n, c)
    x[mask] = np.nan
    out = ewma(x, beta, **kw)
    seen = np.cumsum(~np.isnan(x)) >= max(kw["min_periods"], 1)
    assert np.isnan(out[~seen]).all()
    assert (out[seen] == c).all()  # exactly
    v = ewmvar(x, beta, bias=True, **kw)
    assert (v[seen] == 0.0).all()
    vu = ewmvar(x, beta, **kw)
    assert np.all((vu[seen] == 0.0) | np.isnan(vu[seen]))


@SETTINGS
@given(x=arrays(), beta=betas, kw=options(with_init=False, with_minp=False))
def test_between_running_min_and_max(x, beta, kw):
    out = ewma(x, beta, **kw)
    lo = np.fmin.accumulate(x) if len(x) else x
    hi = np.fmax.accumulate(x) if len(x) else x
    ok = ~np.isnan(lo)
    assert_identical(np.isnan(out), ~ok)
    slack = 4 * np.finfo(float).eps * np.maximum(np.abs(lo[ok]), np.abs(hi[ok]))
    assert np.all(out[ok] >= lo[ok] - slack)
    assert np.all(out[ok] <= hi[ok] + slack)


@SETTINGS
@given(x=arrays(1), beta=betas, kw=options(with_init=False),
       a=st.one_of(st.floats(-100, -1e-3), st.floats(1e-3, 100)), b=st.floats(-1e6, 1e6))
def test_affine_equivariance(x, beta, kw, a, b):
    y = a * x + b
    scale = np.nanmax(np.abs(y), initial=0.0) + np.abs(b) + 1.0
    np.testing.assert_allclose(ewma(y, beta, **kw), a * ewma(x, beta, **kw) + b, rtol=0, atol=1e-12 * scale,
                               equal_nan=True)
    for bias in (False, True):
        vy = ewmvar(y, beta, bias=bias, **kw)
        vx = ewmvar(x, beta, bias=bias, **kw)
        # the variance is a difference of squares of numbers of size ~scale
        np.testing.assert_allclose(vy, a * a * vx, rtol=1e-7, atol=1e-9 * scale * scale, equal_nan=True)


@SETTINGS
@given(x=arrays(nans=False), kw=options(with_minp=False))
@example(x=np.array([1.0, 7.127719493437215e-25]), kw={"bias_correction": True, "ignore_na": False})
@example(x=np.array([1.0, 1e-17]), kw={"bias_correction": False, "ignore_na": False})
def test_beta_zero_is_identity(x, kw):
    assert_identical(ewma(x, 0.0, **kw), x)
    assert_identical(ewma(x, alpha=1.0, **kw), x)


@SETTINGS
@given(x=arrays(), beta=betas, kw=options())
def test_ewmvar_nonnegative(x, beta, kw):
    for bias in (False, True):
        v = ewmvar(x, beta, bias=bias, **kw)
        assert np.all(v[~np.isnan(v)] >= 0.0)


# --------------------------------------------------------------------------- streaming


@st.composite
def chunkings(draw, n):
    """Cut points of [0, n) and, for each chunk, whether to feed it row by row with update()."""
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
    bounds = [0] + cuts + [n]
    return [(lo, hi, draw(st.booleans())) for lo, hi in zip(bounds[:-1], bounds[1:])]


def _feed(s, x, lo, hi, one_by_one):
    if one_by_one:
        return [s.update(x[i]) for i in range(lo, hi)]
    return list(s.update_many(x[lo:hi]))


@SETTINGS
@given(x=arrays(), beta=betas, kw=options(), data=st.data())
def test_any_chunking_equals_batch(x, beta, kw, data):
    expected = ewma(x, beta, **kw)
    s = EWMA(beta, **kw)
    got = []
    for lo, hi, one in data.draw(chunkings(len(x))):
        got.extend(_feed(s, x, lo, hi, one))
    assert_close(np.array(got, dtype=float), expected)
    assert s.count == len(x)
    if len(x):
        assert_close(s.value, expected[-1])
    else:
        assert s.value is None


@SETTINGS
@given(x=hnp.arrays(np.float64, st.tuples(st.integers(0, 30), st.just(3)), elements=value_or_nan),
       beta=betas, kw=options(), data=st.data())
def test_any_chunking_equals_batch_2d(x, beta, kw, data):
    if "init" in kw and isinstance(kw["init"], float) and data.draw(st.booleans()):
        kw["init"] = [kw["init"], 1.0, -2.0]  # one start value per column
    expected = ewma(x, beta, **kw)
    s = EWMA(beta, **kw)
    rows = []
    for lo, hi, one in data.draw(chunkings(len(x))):
        if one:
            rows.extend(s.update(x[i]) for i in range(lo, hi))
        else:
            rows.extend(s.update_many(x[lo:hi]))
    got = np.array(rows, dtype=float).reshape(x.shape)
    assert_close(got, expected)
    if len(x):
        assert_close(s.value, expected[-1])


@SETTINGS
@given(x=arrays(), beta=betas, kw=options(), data=st.data())
def test_state_dict_round_trip(x, beta, kw, data):
    k = data.draw(st.integers(0, len(x)))
    s = EWMA(beta, **kw)
    s.update_many(x[:k])
    sd = s.state_dict()
    clones = [
        EWMA.from_state_dict(pickle.loads(pickle.dumps(sd))),
        EWMA.from_state_dict(json.loads(json.dumps(sd))),
        pickle.loads(pickle.dumps(s)),
    ]
    rest = s.update_many(x[k:])
    for c in clones:
        assert c.count == k
        assert c.beta == s.beta
        assert_identical(c.update_many(x[k:]), rest)
        assert c.count == len(x)
        assert (c.value is None and s.value is None) or np.array_equal(c.value, s.value, equal_nan=True)
    assert_close(np.concatenate([ewma(x, beta, **kw)[:k], rest]), ewma(x, beta, **kw))


@SETTINGS
@given(x=arrays(1), beta=betas, kw=options())
def test_reset_starts_over(x, beta, kw):
    s = EWMA(beta, **kw)
    s.update_many(x)
    s.update_many(x[::-1])
    s.reset()
    assert s.count == 0 and s.value is None
    assert_identical(s.update_many(x), ewma(x, beta, **kw))


def test_streaming_float32_and_scalar_types():
    x = np.array([1.0, 2.0, np.nan, 4.0], dtype=np.float32)
    s = EWMA(0.5)
    out = s.update_many(x)
    assert out.dtype == np.float32
    assert_identical(out, ewma(x, 0.5))
    s = EWMA(0.5)
    v = s.update(3)
    assert isinstance(v, float) and v == 3.0
    assert s.update(np.float32(5.0)) == 4.0


def test_streaming_docstring_example():
    s = EWMA(0.5)
    assert [s.update(v) for v in (1.0, 2.0, 3.0)] == [1.0, 1.5, 2.25]
    np.testing.assert_array_equal(s.update_many([4.0, 5.0]), [3.125, 4.0625])
    assert s.count == 5
