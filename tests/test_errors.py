"""Bad input: every error names the parameter and the value received (SPEC §1, §2)."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest

from ewmakit import EWMA, ewma, ewma_weights, ewmcorr, ewmcov, ewmstd, ewmvar

X = np.array([1.0, 2.0, np.nan, 4.0, 3.0])
FUNCS = [ewma, ewmvar, ewmstd]
PAIR_FUNCS = [ewmcov, ewmcorr]


def call(func, *args, **kw):
    if func in PAIR_FUNCS:
        return func(X, X, *args, **kw)
    return func(X, *args, **kw)


ALL = FUNCS + PAIR_FUNCS


# --------------------------------------------------------------------------- decay


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("beta, shown", [(1.0, "1.0"), (1, "1"), (-0.1, "-0.1"), (1.5, "1.5"),
                                         (float("nan"), "nan"), (float("inf"), "inf")])
def test_beta_out_of_range(func, beta, shown):
    with pytest.raises(ValueError, match=rf"beta.*\[0, 1\).*{re.escape(shown)}"):
        call(func, beta)


def test_beta_out_of_range_in_streaming_and_weights():
    with pytest.raises(ValueError, match=r"beta.*\[0, 1\).*1\.0"):
        EWMA(1.0)
    with pytest.raises(ValueError, match=r"beta.*\[0, 1\).*nan"):
        ewma_weights(3, float("nan"))


@pytest.mark.parametrize("func", ALL)
def test_no_decay(func):
    with pytest.raises(ValueError, match=r"exactly one.*beta.*alpha.*window.*halflife.*com.*none"):
        call(func)


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("kw", [dict(beta=0.9, alpha=0.1), dict(window=10, com=3), dict(beta=0.5, halflife=2)])
def test_several_decays(func, kw):
    with pytest.raises(ValueError, match=r"exactly one") as exc:
        call(func, **kw)
    for k, v in kw.items():
        assert f"{k}={v!r}" in str(exc.value)


def test_several_decays_streaming_and_weights():
    with pytest.raises(ValueError, match=r"alpha=0\.1.*window=3|window=3.*alpha=0\.1"):
        EWMA(alpha=0.1, window=3)
    with pytest.raises(ValueError, match=r"beta=0\.5.*com=1"):
        ewma_weights(4, 0.5, com=1)
    with pytest.raises(ValueError, match="none"):
        EWMA()


@pytest.mark.parametrize("kw, pattern", [
    (dict(alpha=0), r"alpha.*\(0, 1\].*0"),
    (dict(window=0.5), r"window.*\[1, inf\).*0\.5"),
    (dict(halflife=0), r"halflife.*\(0, inf\).*0"),
    (dict(com=-1), r"com.*\[0, inf\).*-1"),
])
def test_other_specs_out_of_range(kw, pattern):
    with pytest.raises(ValueError, match=pattern):
        ewma(X, **kw)


@pytest.mark.parametrize("value", [True, "0.5", [0.5]])
def test_beta_wrong_type(value):
    with pytest.raises(TypeError, match=rf"beta.*{re.escape(repr(value))}"):
        ewma(X, value)


# --------------------------------------------------------------------------- data


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_inf_names_position(func, bad):
    x = np.array([1.0, np.nan, 2.0, bad, 5.0, np.inf])
    with pytest.raises(ValueError, match=rf"\bx\b.*finite.*{re.escape(str(bad))}.*position 3\b"):
        func(x, x, 0.5) if func in PAIR_FUNCS else func(x, 0.5)


@pytest.mark.parametrize("func", PAIR_FUNCS)
def test_inf_in_y_names_y(func):
    y = np.array([1.0, 2.0, 3.0, 4.0, -np.inf])
    with pytest.raises(ValueError, match=r"\by\b.*finite.*-inf.*position 4\b"):
        func(np.ones(5), y, 0.5)


def test_inf_position_in_caller_layout():
    x = np.zeros((3, 10))
    x[1, 4] = np.inf
    with pytest.raises(ValueError, match=r"position \(1, 4\)"):
        ewma(x, 0.5, axis=1)
    with pytest.raises(ValueError, match=r"position \(1, 4\)"):
        ewma(x, 0.5, axis=0)
    x3 = np.zeros((2, 3, 4))
    x3[1, 2, 3] = -np.inf
    with pytest.raises(ValueError, match=r"-inf at position \(1, 2, 3\)"):
        ewmvar(x3, 0.5, axis=2)


def test_inf_in_streaming():
    with pytest.raises(ValueError, match=r"\bx\b.*inf.*position 2\b"):
        EWMA(0.5).update_many([1.0, 2.0, np.inf])
    s = EWMA(0.5)
    s.update(1.0)
    with pytest.raises(ValueError, match=r"\bx\b.*-inf"):
        s.update(-np.inf)
    assert s.count == 1 and s.value == 1.0  # a rejected update leaves the state alone


def test_float32_inf():
    with pytest.raises(ValueError, match=r"inf.*position 1\b"):
        ewma(np.array([0.0, np.inf], dtype=np.float32), 0.5)


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize(
    "data, dtype_text",
    [
        (["a", "b", "c"], "<U1"),
        (np.array(["a", "b"], dtype=object), "object"),
        (pd.date_range("2020-01-01", periods=3).to_numpy(), "datetime64"),
        (np.array([datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 2)], dtype=object), "object"),
        (np.array([1, 2], dtype="timedelta64[D]"), "timedelta64"),
        (np.array([1 + 2j, 3j]), "complex"),
        (pd.Series(["x", "y"]), ""),
    ],
)
def test_non_numeric_data_is_type_error(func, data, dtype_text):
    with pytest.raises(TypeError, match=rf"\bx\b.*numbers.*{re.escape(dtype_text)}"):
        func(data, data, 0.5) if func in PAIR_FUNCS else func(data, 0.5)


@pytest.mark.parametrize("data", [np.array(["1.0", "2.0"], dtype=object), pd.Series(["1.0", "2.0"]),
                                  pd.Series(["1.0", "2.0"], dtype=object)])
def test_numeric_strings_are_still_strings(data):
    with pytest.raises(TypeError, match=r"\bx\b.*numbers"):
        ewma(data, 0.5)


def test_scalar_x_is_rejected():
    with pytest.raises(ValueError, match=r"\bx\b.*dimension.*scalar"):
        ewma(3.0, 0.5)


def test_non_numeric_y_names_y():
    with pytest.raises(TypeError, match=r"\by\b.*numbers"):
        ewmcov([1.0, 2.0], ["a", "b"], 0.5)


def test_x_y_shape_mismatch():
    with pytest.raises(ValueError, match=r"\bx and y\b.*same shape.*\(3,\).*\(2,\)"):
        ewmcov([1.0, 2.0, 3.0], [1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match=r"same shape.*\(3, 2\).*\(2, 3\)"):
        ewmcorr(np.ones((3, 2)), np.ones((2, 3)), 0.5)


# --------------------------------------------------------------------------- times


T3 = pd.date_range("2020-01-01", periods=5, freq="D")


@pytest.mark.parametrize("func", ALL)
def test_unsorted_times(func):
    t = T3[[0, 1, 3, 2, 4]]
    with pytest.raises(ValueError, match=r"times.*non-decreasing.*row 3"):
        call(func, halflife="1D", times=t)
    with pytest.raises(ValueError, match=r"times.*non-decreasing.*row 2"):
        call(func, halflife=1.0, times=[0.0, 1.0, 0.5, 2.0, 3.0])


@pytest.mark.parametrize("func", ALL)
def test_nat_in_times(func):
    t = pd.DatetimeIndex(["2020-01-01", "2020-01-02", None, "2020-01-04", "2020-01-05"])
    with pytest.raises(ValueError, match=r"times.*NaT.*position 2"):
        call(func, halflife="1D", times=t)


def test_nan_in_numeric_times():
    with pytest.raises(ValueError, match=r"times.*finite.*nan.*position 1"):
        ewma(X, halflife=1.0, times=[0.0, np.nan, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("func", ALL)
def test_times_without_halflife(func):
    with pytest.raises(ValueError, match=r"times.*halflife.*no halflife"):
        call(func, times=T3)


@pytest.mark.parametrize("kw, shown", [(dict(beta=0.5), "beta=0.5"), (dict(alpha=0.2), "alpha=0.2"),
                                       (dict(window=5), "window=5"), (dict(com=2), "com=2"),
                                       (dict(beta=0.5, halflife="1D"), "beta=0.5")])
def test_times_with_other_decay(kw, shown):
    with pytest.raises(ValueError, match=rf"times.*halflife.*{re.escape(shown)}"):
        ewma(X, times=T3, **kw)


def test_times_halflife_kind_mismatch():
    with pytest.raises(ValueError, match=r"halflife.*time span.*got 2\b"):
        ewma(X, halflife=2, times=T3)
    with pytest.raises(ValueError, match=r"halflife.*number.*'1D'"):
        ewma(X, halflife="1D", times=np.arange(5.0))
    with pytest.raises(ValueError, match=r"halflife.*'bogus'"):
        ewma(X, halflife="bogus", times=T3)
    with pytest.raises(ValueError, match=r"halflife.*positive.*'-1D'"):
        ewma(X, halflife="-1D", times=T3)
    with pytest.raises(ValueError, match=r"halflife.*\(0, inf\).*-2"):
        ewma(X, halflife=-2.0, times=np.arange(5.0))


def test_times_wrong_length_and_kind():
    with pytest.raises(ValueError, match=r"times.*one entry per row \(5\).*got 3"):
        ewma(X, halflife="1D", times=T3[:3])
    with pytest.raises(ValueError, match=r"times.*'index'"):
        ewma(X, halflife="1D", times="index")
    with pytest.raises(TypeError, match=r"times.*datetimes or numbers"):
        ewma(X, halflife="1D", times=np.array(["a", "b", "c", "d", "e"]))


def test_times_with_start_value():
    with pytest.raises(ValueError, match=r"times.*init=3\.0"):
        ewma(X, halflife="1D", times=T3, init=3.0)
    with pytest.raises(ValueError, match=r"times.*init='zero'"):
        ewma(X, halflife="1D", times=T3, init="zero")


# --------------------------------------------------------------------------- init / options


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("init, shown", [(5, "init=5"), (-1.5, "init=-1.5"), ([0.0, 2.0], "init=[0.0, 2.0]")])
def test_bias_correction_with_nonzero_init(func, init, shown):
    with pytest.raises(ValueError, match=rf"bias_correction.*{re.escape(shown)}"):
        call(func, 0.5, bias_correction=True, init=init)
    with pytest.raises(ValueError, match=rf"bias_correction.*{re.escape(shown)}"):
        EWMA(0.5, bias_correction=True, init=init)


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("init", [0, 0.0, "zero", "first", [0.0]])
def test_bias_correction_with_zero_init_is_accepted(func, init):
    np.testing.assert_array_equal(call(func, 0.5, bias_correction=True, init=init),
                                  call(func, 0.5, bias_correction=True))


@pytest.mark.parametrize("init", ["last", "ZERO", "", None, float("nan"), np.inf])
def test_bad_init(init):
    with pytest.raises(ValueError, match=rf"init.*{re.escape(repr(init)) if init is not np.inf else 'inf'}"):
        ewma(X, 0.5, init=init)
    with pytest.raises(ValueError, match=r"\binit\b"):
        EWMA(0.5, init=init)


def test_init_array_wrong_size():
    with pytest.raises(ValueError, match=r"init.*one value per series \(3\).*\(2,\)"):
        ewma(np.ones((4, 3)), 0.5, init=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"init.*\(2,\)"):
        EWMA(0.5, init=[1.0, 2.0]).update([1.0, 2.0, 3.0])


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("mp", [-1, 1.5, "3", True, None])
def test_bad_min_periods(func, mp):
    with pytest.raises(ValueError, match=rf"min_periods.*{re.escape(repr(mp))}"):
        call(func, 0.5, min_periods=mp)


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("axis, shown", [(1, "1"), (-2, "-2"), (1.0, "1.0"), (True, "True"), ("0", "0"),
                                         (None, "None")])
def test_bad_axis(func, axis, shown):
    with pytest.raises(ValueError, match=rf"axis.*\[-1, 1\).*{re.escape(shown)}"):
        call(func, 0.5, axis=axis)


def test_bad_axis_2d():
    with pytest.raises(ValueError, match=r"axis.*\[-2, 2\).*2-D.*got 2"):
        ewma(np.ones((3, 3)), 0.5, axis=2)


@pytest.mark.parametrize("name", ["bias_correction", "ignore_na"])
@pytest.mark.parametrize("value", ["yes", 1, None])
def test_bool_options(name, value):
    with pytest.raises(TypeError, match=rf"{name}.*True or False.*{re.escape(repr(value))}"):
        ewma(X, 0.5, **{name: value})


@pytest.mark.parametrize("func", [ewmvar, ewmstd, ewmcov])
def test_bias_must_be_bool(func):
    with pytest.raises(TypeError, match=r"bias.*True or False.*'no'"):
        call(func, 0.5, bias="no")


def test_ewma_weights_bad_n_and_init():
    for n in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=rf"\bn\b.*>= 1.*{re.escape(repr(n))}"):
            ewma_weights(n, 0.5)
    with pytest.raises(ValueError, match=r"init.*2\.0"):
        ewma_weights(3, 0.5, init=2.0)
    with pytest.raises(ValueError, match=r"init.*'middle'"):
        ewma_weights(3, 0.5, init="middle")


# --------------------------------------------------------------------------- streaming


def test_streaming_shape_change():
    s = EWMA(0.5)
    s.update([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"\bx\b.*shape \(3,\).*first update.*got \(2,\)"):
        s.update([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*got \(2,\)"):
        s.update_many(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"shape \(3,\).*got \(\)"):
        s.update(1.0)
    assert s.count == 1  # rejected updates change nothing
    np.testing.assert_array_equal(s.value, [1.0, 2.0, 3.0])
    t = EWMA(0.5)
    t.update(1.0)
    with pytest.raises(ValueError, match=r"shape \(\).*got \(2,\)"):
        t.update([1.0, 2.0])


def test_streaming_update_many_scalar():
    with pytest.raises(ValueError, match=r"xs.*scalar"):
        EWMA(0.5).update_many(3.0)


def test_streaming_non_numeric():
    with pytest.raises(TypeError, match=r"numbers"):
        EWMA(0.5).update("a")
    with pytest.raises(TypeError, match=r"\bxs\b.*numbers"):
        EWMA(0.5).update_many(["a", "b"])


# --------------------------------------------------------------------------- issue #10, items 8 and 9


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("halflife", [np.timedelta64(2, "ns"), np.timedelta64(1, "D"), pd.Timedelta("1D"),
                                      datetime.timedelta(days=1)])
def test_a_timedelta_halflife_without_times_is_refused(func, halflife):
    """numpy registers timedelta64 as an integer: np.timedelta64(2, "ns") used to act as halflife=2."""
    with pytest.raises(ValueError, match=r"halflife=.* is a time span: it needs times="):
        call(func, halflife=halflife)
    with pytest.raises(ValueError, match=r"is a time span"):
        EWMA(halflife=halflife)


def test_a_timedelta64_halflife_with_times_is_the_half_life_as_in_pandas():
    times = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-04", "2020-01-05", "2020-01-09"])
    x = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    want = pd.Series(x).ewm(halflife=pd.Timedelta("2D"), times=times).mean().to_numpy()
    for hl in (np.timedelta64(2, "D"), np.timedelta64(48, "h"), np.timedelta64(2 * 86_400 * 10**9, "ns")):
        np.testing.assert_allclose(ewma(x, halflife=hl, times=times, bias_correction=True), want, rtol=1e-13)
    with pytest.raises(ValueError, match=r"halflife must be a number in the units of numeric times"):
        ewma(x, halflife=np.timedelta64(2, "D"), times=np.arange(5.0))


@pytest.mark.parametrize("kw, limit", [(dict(window=1e17), r"window must be below 3.6e16"),
                                       (dict(halflife=1e17), r"halflife must be below 1.2e16"),
                                       (dict(com=1e16), r"com must be below 9e15"),
                                       (dict(alpha=1e-17), r"alpha must be at least 5.6e-17")])
def test_a_spec_that_rounds_beta_to_one_names_the_spec(kw, limit):
    (name, value), = kw.items()
    for fn in (lambda: ewma(X, **kw), lambda: EWMA(**kw)):
        with pytest.raises(ValueError, match=rf"{name}={re.escape(repr(value))} gives beta = .* rounds to 1.0 .*{limit}"):
            fn()
    ewma(X, window=3.5e16)  # just below the limit: still a (very slow) average


def test_min_periods_beyond_int64_is_never_reached():
    np.testing.assert_array_equal(ewma(X, 0.5, min_periods=2**63), np.full(5, np.nan))
    np.testing.assert_array_equal(ewmvar(X, 0.5, min_periods=10**30), np.full(5, np.nan))
    s = EWMA(0.5, min_periods=2**70)
    assert np.isnan(s.update(1.0))


def test_nullable_columns_with_pd_na_are_missing_values():
    """ewma on a DataFrame (or a list) holding pd.NA said "must hold numbers" while the accessor took it."""
    df = pd.DataFrame({"a": pd.array([1, None, 3, 4], dtype="Int64"),
                       "b": pd.array([1.0, 2.0, None, 0.5], dtype="Float64")})
    # (beta 0.6: pandas 3 special-cases alpha = 0.5 after a gap, pandas-dev/pandas#66523)
    want = df.astype("float64").ewm(alpha=0.4, adjust=False).mean().to_numpy()
    np.testing.assert_allclose(ewma(df, 0.6), want, rtol=1e-14)
    np.testing.assert_array_equal(ewma(df, 0.6), df.ewmakit.smooth(0.6).to_numpy())
    np.testing.assert_allclose(ewma([1.0, pd.NA, 3.0, None], 0.6),
                               pd.Series([1.0, np.nan, 3.0, np.nan]).ewm(alpha=0.4, adjust=False).mean(), rtol=1e-14)
    with pytest.raises(TypeError, match=r"columns \['c'\] do not"):
        ewma(df.assign(c=["x", "y", "z", "w"]), 0.5)
    with pytest.raises(ValueError, match=r"integer beyond the range of float64"):
        ewma([1, 10**400], 0.5)
