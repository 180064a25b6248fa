"""Decay conversions (SPEC §1): exact values, round trips, resolve_beta and its errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import ewmakit
from ewmakit import (
    alpha_from_window,
    beta_from_com,
    beta_from_halflife,
    beta_from_window,
    effective_window,
    halflife_from_beta,
    resolve_beta,
    window_from_beta,
)

REL = 1e-14


# --------------------------------------------------------------------------- exact values


def test_window_20_is_beta_0905_not_0095():
    # The worked example of SPEC §0: the 20-period EMA keeps 19/21 of the past.
    assert alpha_from_window(20) == pytest.approx(2 / 21, rel=REL)
    assert beta_from_window(20) == pytest.approx(19 / 21, rel=REL)
    assert round(beta_from_window(20), 3) == 0.905
    assert round(alpha_from_window(20), 3) == 0.095
    assert alpha_from_window(20) + beta_from_window(20) == pytest.approx(1.0, rel=REL)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 9, 10, 12, 14, 20, 26, 50, 200, 1.5, 7.25])
def test_window_conversions(n):
    assert alpha_from_window(n) == pytest.approx(2.0 / (n + 1.0), rel=REL)
    assert beta_from_window(n) == pytest.approx((n - 1.0) / (n + 1.0), rel=REL, abs=1e-16)
    assert window_from_beta(beta_from_window(n)) == pytest.approx(n, rel=1e-12)


def test_window_one_is_no_smoothing():
    assert alpha_from_window(1) == 1.0
    assert beta_from_window(1) == 0.0
    assert window_from_beta(0.0) == 1.0


@pytest.mark.parametrize("beta, window", [(0.0, 1.0), (0.5, 3.0), (0.9, 19.0), (0.8, 9.0), (0.99, 199.0)])
def test_window_from_beta_values(beta, window):
    assert window_from_beta(beta) == pytest.approx(window, rel=1e-12)
    assert window_from_beta(beta) == pytest.approx((1 + beta) / (1 - beta), rel=REL)


@pytest.mark.parametrize("h", [0.25, 1, 2, 3, 10, 11.2, 100, 1e6])
def test_halflife_round_trip(h):
    b = beta_from_halflife(h)
    assert b == pytest.approx(0.5 ** (1.0 / h), rel=REL)
    assert b**h == pytest.approx(0.5, rel=1e-12 + 1e-15 * h)  # b**h loses ~h ulps
    assert halflife_from_beta(b) == pytest.approx(h, rel=1e-9)


def test_halflife_exact_values():
    assert beta_from_halflife(1) == 0.5
    assert beta_from_halflife(2) == pytest.approx(math.sqrt(0.5), rel=REL)
    assert halflife_from_beta(0.5) == pytest.approx(1.0, rel=REL)
    assert halflife_from_beta(0.25) == pytest.approx(0.5, rel=REL)
    # RiskMetrics lambda = 0.94 halves in about 11.2 days
    assert halflife_from_beta(0.94) == pytest.approx(math.log(0.5) / math.log(0.94), rel=REL)
    assert round(halflife_from_beta(0.94), 2) == 11.2


@pytest.mark.parametrize("beta", [0.01, 0.3, 0.5, 0.9, 0.94, 0.999])
def test_beta_halflife_round_trip(beta):
    assert beta_from_halflife(halflife_from_beta(beta)) == pytest.approx(beta, rel=1e-12)


@pytest.mark.parametrize("c, beta", [(0, 0.0), (0.5, 1 / 3), (1, 0.5), (3, 0.75), (9, 0.9), (19, 0.95)])
def test_com(c, beta):
    assert beta_from_com(c) == pytest.approx(beta, rel=REL, abs=1e-16)
    assert beta_from_com(c) == pytest.approx(c / (1 + c), rel=REL, abs=1e-16)
    # pandas: alpha = 1/(1+com)
    assert 1 - beta_from_com(c) == pytest.approx(1 / (1 + c), rel=REL)


@pytest.mark.parametrize("beta, n", [(0.0, 1.0), (0.5, 2.0), (0.9, 10.0), (0.99, 100.0), (13 / 14, 14.0)])
def test_effective_window(beta, n):
    assert effective_window(beta) == pytest.approx(n, rel=1e-12)
    # Wilder's smoothing: beta = 1 - 1/n
    assert effective_window(1 - 1 / 14) == pytest.approx(14, rel=1e-12)


def test_effective_window_is_not_the_pandas_window():
    # beta = 0.9: effective window 10, pandas window (span) 19
    assert effective_window(0.9) == pytest.approx(10.0)
    assert window_from_beta(0.9) == pytest.approx(19.0)


def test_numpy_scalars_accepted():
    assert beta_from_window(np.int64(20)) == pytest.approx(19 / 21, rel=REL)
    assert resolve_beta(np.float64(0.9)) == 0.9
    assert resolve_beta(window=np.float32(3.0)) == pytest.approx(0.5, rel=REL)


def test_top_level_names():
    for name in ("alpha_from_window", "beta_from_window", "window_from_beta", "beta_from_halflife",
                 "halflife_from_beta", "beta_from_com", "effective_window", "resolve_beta"):
        assert name in ewmakit.__all__
        assert callable(getattr(ewmakit, name))


# --------------------------------------------------------------------------- resolve_beta


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(beta=0.9), 0.9),
        (dict(beta=0), 0.0),
        (dict(beta=0.999999), 0.999999),
        (dict(alpha=0.25), 0.75),
        (dict(alpha=1), 0.0),
        (dict(alpha=2 / 21), 19 / 21),
        (dict(window=20), 19 / 21),
        (dict(window=1), 0.0),
        (dict(window=3), 0.5),
        (dict(halflife=1), 0.5),
        (dict(halflife=2), math.sqrt(0.5)),
        (dict(com=9), 0.9),
        (dict(com=0), 0.0),
        (dict(com=0.5), 1 / 3),
    ],
)
def test_resolve_beta_each_spec(kwargs, expected):
    assert resolve_beta(**kwargs) == pytest.approx(expected, rel=REL, abs=1e-16)
    assert isinstance(resolve_beta(**kwargs), float)


def test_resolve_beta_positional_is_beta():
    assert resolve_beta(0.7) == 0.7


def test_resolve_beta_none_given():
    with pytest.raises(ValueError, match=r"beta.*alpha.*window.*halflife.*com") as exc:
        resolve_beta()
    assert "none" in str(exc.value).lower()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(beta=0.9, alpha=0.1),
        dict(beta=0.9, window=19),
        dict(window=20, halflife=5),
        dict(halflife=3, com=2),
        dict(alpha=0.1, com=9),
        dict(beta=0.5, alpha=0.5, window=3, halflife=1, com=1),
    ],
)
def test_resolve_beta_several_given_names_them(kwargs):
    with pytest.raises(ValueError) as exc:
        resolve_beta(**kwargs)
    msg = str(exc.value)
    for name, value in kwargs.items():
        assert f"{name}={value!r}" in msg, msg


# --------------------------------------------------------------------------- out of range


def _range_error(func, name, value, range_text):
    with pytest.raises(ValueError) as exc:
        func()
    msg = str(exc.value)
    assert name in msg, msg
    assert range_text in msg, msg
    assert repr(value) in msg or str(value) in msg, msg


@pytest.mark.parametrize(
    "name, value, range_text",
    [
        ("beta", 1, "[0, 1)"),
        ("beta", 1.0, "[0, 1)"),
        ("beta", -0.1, "[0, 1)"),
        ("beta", float("nan"), "[0, 1)"),
        ("beta", float("inf"), "[0, 1)"),
        ("alpha", 0, "(0, 1]"),
        ("alpha", 1.5, "(0, 1]"),
        ("alpha", -0.2, "(0, 1]"),
        ("alpha", float("nan"), "(0, 1]"),
        ("window", 0.5, "[1, inf)"),
        ("window", 0, "[1, inf)"),
        ("window", float("inf"), "[1, inf)"),
        ("window", float("nan"), "[1, inf)"),
        ("halflife", 0, "(0, inf)"),
        ("halflife", -2.0, "(0, inf)"),
        ("halflife", float("nan"), "(0, inf)"),
        ("com", -1, "[0, inf)"),
        ("com", float("nan"), "[0, inf)"),
    ],
)
def test_resolve_beta_out_of_range(name, value, range_text):
    _range_error(lambda: resolve_beta(**{name: value}), name, value, range_text)


@pytest.mark.parametrize(
    "func, name, value, range_text",
    [
        (alpha_from_window, "window", 0.5, "[1, inf)"),
        (beta_from_window, "window", 0, "[1, inf)"),
        (window_from_beta, "beta", 1.0, "[0, 1)"),
        (window_from_beta, "beta", -0.1, "[0, 1)"),
        (beta_from_halflife, "halflife", 0, "(0, inf)"),
        (halflife_from_beta, "beta", 0.0, "(0, 1)"),
        (halflife_from_beta, "beta", 1.0, "(0, 1)"),
        (beta_from_com, "com", -1, "[0, inf)"),
        (effective_window, "beta", 1, "[0, 1)"),
        (effective_window, "beta", float("nan"), "[0, 1)"),
    ],
)
def test_conversion_out_of_range(func, name, value, range_text):
    _range_error(lambda: func(value), name, value, range_text)


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize("name", ["beta", "alpha", "window", "com", "halflife"])
@pytest.mark.parametrize("value", [True, False])
def test_resolve_beta_bool_is_type_error(name, value):
    with pytest.raises(TypeError, match=rf"\b{name}\b.*{value!r}"):
        resolve_beta(**{name: value})


@pytest.mark.parametrize("name", ["beta", "alpha", "window", "com"])
def test_resolve_beta_string_is_type_error(name):
    with pytest.raises(TypeError, match=rf"\b{name}\b.*'0\.5'"):
        resolve_beta(**{name: "0.5"})


def test_resolve_beta_halflife_time_span_without_times():
    # A string half-life is a time span: meaningful only with ``times``; the
    # message must say so (and name the value) rather than try to convert it.
    with pytest.raises((TypeError, ValueError), match=r"halflife.*'2D'.*times"):
        resolve_beta(halflife="2D")


@pytest.mark.parametrize(
    "func, name", [(alpha_from_window, "window"), (beta_from_window, "window"), (window_from_beta, "beta"),
                   (beta_from_halflife, "halflife"), (halflife_from_beta, "beta"), (beta_from_com, "com"),
                   (effective_window, "beta")]
)
@pytest.mark.parametrize("value", [True, "3", None, [0.5]])
def test_conversion_type_errors(func, name, value):
    with pytest.raises(TypeError, match=re.escape(name)):
        func(value)
