"""``out=``: results written into a preallocated array, as numpy's ufuncs do (issue #11, item 3).

The values are those of the call without ``out`` (bit for bit), the array
returned is ``out`` itself, and a wrong ``out`` is refused before any work with
an error that names it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ewmakit
from ewmakit import EWMA, ewma, ewmstd, ewmvar

FUNCS = [ewma, ewmvar, ewmstd]


def _data(shape, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).cumsum(axis=0).astype(dtype)
    x[rng.random(shape) < 0.05] = np.nan
    return x


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape, axis", [((500,), 0), ((300, 7), 0), ((7, 300), 1), ((40, 3, 5), 0),
                                         ((3, 40, 5), 1), ((3, 5, 40), -1)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_out_is_written_and_returned(func, shape, axis, dtype, order):
    x = _data(shape, dtype)
    kw = dict(window=9, bias_correction=True, min_periods=2, axis=axis)
    expected = func(x, **kw)
    out = np.full(shape, -7.0, dtype=dtype, order=order)
    got = func(x, out=out, **kw)
    assert got is out
    assert got.dtype == dtype
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_out_on_a_long_series_and_a_wide_panel(func, monkeypatch):
    """The blocked long-series kernel and the column-range parallel one write into ``out`` too."""
    from ewmakit import _engine as engine

    monkeypatch.setattr(engine.config, "long_series", 100)
    monkeypatch.setattr(engine.config, "parallel_values", 1)
    monkeypatch.setattr(engine.config, "columns_per_thread", 1)
    monkeypatch.setattr(engine.config, "threads", 2)
    for x in (_data((5000,)), _data((200, 600)), np.asfortranarray(_data((200, 600)))):
        expected = func(x, 0.9)
        out = np.empty_like(x)
        assert func(x, 0.9, out=out) is out
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_a_wrong_out_is_refused_naming_it(func):
    x = _data((50, 3))
    with pytest.raises(ValueError, match=r"out must have shape \(50, 3\) \(the result's\), got \(50, 4\)"):
        func(x, 0.9, out=np.empty((50, 4)))
    with pytest.raises(TypeError, match=r"out must have dtype float64 \(the result's\), got float32"):
        func(x, 0.9, out=np.empty((50, 3), dtype=np.float32))
    with pytest.raises(TypeError, match=r"out must have dtype float32"):
        func(x.astype(np.float32), 0.9, out=np.empty((50, 3)))
    ro = np.empty((50, 3))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match=r"out must be writeable, got a read-only array"):
        func(x, 0.9, out=ro)
    with pytest.raises(ValueError, match=r"out must not overlap the input"):
        func(x, 0.9, out=x)
    big = np.empty((100, 3))
    with pytest.raises(ValueError, match=r"out must be C- or F-contiguous"):
        func(x, 0.9, out=big[::2])
    with pytest.raises(TypeError, match=r"out must be a numpy array, got list"):
        func(x, 0.9, out=[0.0] * 150)
    with pytest.raises(TypeError, match=r"out must be a numpy array, got DataFrame"):
        func(x, 0.9, out=pd.DataFrame(np.empty((50, 3))))


def test_out_is_untouched_when_the_arguments_are_refused():
    """Arguments are checked before the kernel runs (a ±inf found on its way still raises, out then spoiled)."""
    out = np.full(30, 5.0)
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)"):
        ewma(_data((30,)), 1.5, out=out)
    with pytest.raises(ValueError, match=r"min_periods must be an integer >= 0"):
        ewmvar(_data((30,)), 0.5, min_periods=-1, out=out)
    np.testing.assert_array_equal(out, 5.0)
    x = _data((30,))
    x[10] = np.inf
    with pytest.raises(ValueError, match="position 10"):
        ewma(x, 0.9, out=out)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_streaming_update_many_out(dtype):
    x = _data((400, 2, 3), dtype)
    s = EWMA(0.8, min_periods=3)
    first = s.update_many(x[:150])
    out = np.empty((250, 2, 3), dtype=dtype, order="F")
    got = s.update_many(x[150:], out=out)
    assert got is out
    np.testing.assert_array_equal(np.concatenate([first, out]), ewma(x, 0.8, min_periods=3))
    with pytest.raises(ValueError, match=r"out must have shape \(4, 2, 3\)"):
        s.update_many(x[:4], out=np.empty((5, 2, 3), dtype=dtype))
    with pytest.raises(TypeError, match=r"out must have dtype"):
        s.update_many(x[:4], out=np.empty((4, 2, 3), dtype=np.float16))


def test_out_keeps_the_layout_a_panel_came_in_and_the_other_one():
    """A column-major out for a row-major panel (and back) is filled all the same."""
    x = _data((64, 9))
    for src, order in ((x, "F"), (np.asfortranarray(x), "C")):
        out = np.empty(x.shape, order=order)
        assert ewmakit.ewma(src, 0.7, out=out) is out
        np.testing.assert_array_equal(out, ewmakit.ewma(x, 0.7))
