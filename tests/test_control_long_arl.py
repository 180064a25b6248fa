"""Long average run lengths (issue #13, item 7): accurate to the digit, or refused with a ValueError.

The references are independent of ewmakit's numerics: scipy's normal tails for Shewhart's chart,
and mpmath solving the same equations by plain LU in 40-60 digits, where double precision cannot
(I - K has a condition number of the order of the ARL).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from ewmakit.control import arl, critical_L

# --------------------------------------------------------------------------- independent references


def _mp_nystrom(alpha, L, shift, nodes, dps):
    """Crowder's integral equation, Nyström on mpmath's own Gauss-Legendre rule, solved by LU.

    No exit probabilities, no elimination tricks: the row sums of I - K are whatever the quadrature
    gives, exact enough in `dps` digits once the quadrature error is below 1/ARL.
    """
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(dps):
        a, d = mpmath.mpf(alpha), mpmath.mpf(shift)
        h = mpmath.mpf(L) * mpmath.sqrt(a / (2 - a))
        t, w = mpmath.gauss_quadrature(nodes, "legendre")
        y = [h * ti for ti in t]
        w = [h * wi for wi in w]

        def kernel(to, frm):
            return mpmath.npdf((to - (1 - a) * frm) / a - d) / a

        A = mpmath.matrix(nodes, nodes)
        for i in range(nodes):
            for j in range(nodes):
                A[i, j] = (i == j) - w[j] * kernel(y[j], y[i])
        at_nodes = mpmath.lu_solve(A, mpmath.matrix([1] * nodes))
        return float(1 + mpmath.fsum(w[j] * kernel(y[j], 0) * at_nodes[j] for j in range(nodes)))


def _mp_markov(alpha, L, shift, states, dps):
    """Brook & Evans' chain exactly as documented (midpoints, Φ differences), solved by LU in `dps` digits."""
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(dps):
        a, d = mpmath.mpf(alpha), mpmath.mpf(shift)
        h = mpmath.mpf(L) * mpmath.sqrt(a / (2 - a))
        width = 2 * h / states
        mid = [-h + width * (k + mpmath.mpf(1) / 2) for k in range(states)]
        half = width / 2 / a
        A = mpmath.matrix(states, states)
        for i in range(states):
            for j in range(states):
                base = (mid[j] - (1 - a) * mid[i]) / a - d
                A[i, j] = (i == j) - (mpmath.ncdf(base + half) - mpmath.ncdf(base - half))
        return float(mpmath.lu_solve(A, mpmath.matrix([1] * states))[states // 2])


def _shewhart(L, shift):
    return 1.0 / (norm.sf(L - shift) + norm.sf(L + shift))


# --------------------------------------------------------------------------- accuracy


@pytest.mark.parametrize("method", ["integral", "markov"])
@pytest.mark.parametrize("shift", [0.0, 0.5, 1.0, 3.0, -1.0])
@pytest.mark.parametrize("L", [8.0, 9.0, 10.0])
def test_alpha_one_is_shewhart_to_rounding_however_long(L, shift, method):
    # 1 / (Φ(−L−δ) + Φ(−L+δ)): 6.6e22 at L = 10 (the LU solve gave 1.06e14). L <= 3.5 is in test_control.py.
    assert arl(1.0, L, shift, method=method) == pytest.approx(_shewhart(L, shift), rel=1e-10)


def test_alpha_one_at_L_10_is_one_over_erfc():
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(30):
        exact = float(1 / mpmath.erfc(10 / mpmath.sqrt(2)))
    assert exact == pytest.approx(6.5618063552e22, rel=1e-10)
    assert arl(1.0, 10.0) == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("alpha, L, shift, nodes", [
    # (alpha, L, shift, mpmath nodes): each reference agrees with 1.5x its nodes to 1e-12 or better.
    (0.1, 7.0, 0.0, 90),  # ARL 4.4e11; the LU solve was 0.17 % short
    (0.3, 8.0, 0.0, 60),  # ARL 8.0e14; the LU solve gave 1.4e14
    (0.5, 8.0, 1.0, 60),  # ARL 5.5e9
])
def test_long_arl_matches_a_50_digit_solve(alpha, L, shift, nodes):
    reference = _mp_nystrom(alpha, L, shift, nodes, dps=40)
    assert arl(alpha, L, shift) == pytest.approx(reference, rel=1e-9)


@pytest.mark.parametrize("alpha, L, shift, reference", [
    # _mp_nystrom at 50 digits, the same value to 16 digits with the two node counts given.
    (0.1, 10.0, 0.0, 6.7024063648972e22),     # 160, 200 and 240 nodes; the LU solve gave -1.76e14
    (0.5, 10.0, 0.0, 6.561806393285692e22),   # 90 and 120 nodes; the LU solve gave 9.3e14
    (0.1, 10.0, 1.0, 148932121.8230957),      # 160 and 200 nodes
    (0.05, 8.0, 0.5, 3687903.251292028),      # 200 and 240 nodes
])
def test_long_arl_matches_stored_50_digit_references(alpha, L, shift, reference):
    assert arl(alpha, L, shift) == pytest.approx(reference, rel=1e-9)


@pytest.mark.parametrize("alpha, L, shift, states", [
    (0.1, 10.0, 0.0, 51),   # ARL ~1e22
    (0.5, 20.0, 1.0, 31),   # ~1e72
    (0.3, 30.0, 0.0, 21),   # 6e167
])
def test_markov_chain_is_solved_to_rounding_at_long_arls(alpha, L, shift, states):
    # The same chain in high precision: the elimination loses nothing however long the ARL.
    ours = arl(alpha, L, shift, method="markov", states=states)
    reference = _mp_markov(alpha, L, shift, states, dps=int(math.log10(ours)) + 40)
    assert ours == pytest.approx(reference, rel=1e-10)


@pytest.mark.parametrize("alpha, L, shift", [(0.3, 8.0, 0.0), (0.1, 6.0, 0.5), (0.5, 10.0, 1.0), (0.8, 12.0, 0.0)])
def test_markov_default_stays_within_a_tenth_of_a_percent_at_long_arls(alpha, L, shift):
    # The chain's error grows with L² at a fixed number of states; the default grows with L to match.
    assert arl(alpha, L, shift, method="markov") == pytest.approx(arl(alpha, L, shift), rel=1e-3)


@pytest.mark.parametrize("alpha", [0.05, 0.3, 0.9])
def test_arl_grows_with_L_up_to_1e283_and_tends_to_shewhart(alpha):
    Ls = [2.0, 4.0, 6.0, 8.0, 10.0, 14.0, 20.0, 28.0, 36.0]
    values = [arl(alpha, L) for L in Ls]
    assert all(math.isfinite(v) and v >= 1.0 for v in values)
    assert all(a < b for a, b in zip(values, values[1:]))
    # For a large L the chart almost always signals on a single excursion of the stationary z,
    # which leaves ±h with probability 2 Q(L): the ARL tends to Shewhart's (a check of the tail
    # numerics that owes nothing to the discretisation).
    assert values[-1] * 2.0 * norm.sf(36.0) == pytest.approx(1.0, rel=1e-6)
    assert values[-1] > 1e282


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("call, match", [
    (lambda: arl(1e-6, 3.0), r"alpha=1e-06 with L=3.0 needs 1.275e\+04 nodes by default .* more than the 3001 "
                             r".* at L=3.0 alpha must be at least 1.83e-05, "
                             r"and at alpha=1e-06 L must be at most 0.701"),
    (lambda: arl(1e-6, 3.0, method="markov"), r"alpha=1e-06 with L=3.0 needs 8.485e\+04 states by default .* "
                                              r"alpha must be at least 0.000801; or use method='integral'"),
    (lambda: arl(1e-300, 3.0), r"alpha=1e-300 with L=3.0 needs 1.273e\+151 nodes .* at least 1.83e-05"),
    (lambda: arl(5e-324, 1e300), r"alpha=5e-324 with L=1e\+300 needs inf nodes .* only alpha=1 fits"),
    (lambda: arl(0.1, 1e6), r"the ARL at alpha=0.1, L=1000000.0, shift=0.0 is beyond what arl computes: "
                            r"it must be at most 1e\+300 .*; choose a smaller L"),
    (lambda: arl(1.0, 1e6, method="markov"), r"the ARL at alpha=1.0, L=1000000.0, shift=0.0 is beyond"),
    (lambda: arl(1.0, 40.0), r"the ARL at alpha=1.0, L=40.0, shift=0.0 .* at most 1e\+300 \(it is beyond the float"),
    (lambda: arl(1.0, 37.5), r"the ARL at alpha=1.0, L=37.5, shift=0.0 .* "
                             r"at most 1e\+300 \(it is at least 1.09e\+307\)"),
    (lambda: arl(0.5, 37.6), r"the ARL at alpha=0.5, L=37.6, shift=0.0 is beyond what arl computes"),
    (lambda: arl(0.1, 3.0, nodes=10**9), r"nodes must be at most 3001 .* got 1000000000"),
    (lambda: arl(0.1, 3.0, method="markov", states=10**9), r"states must be at most 3001 .* got 1000000000"),
    (lambda: arl(0.1, 3.0, method="markov", states=10**9 + 1), r"states must be at most 3001 .* got 1000000001"),
    (lambda: arl(1.0, 3.0, nodes=10**9), r"nodes must be at most 3001"),
    (lambda: critical_L(1e-6, 370.4), r"alpha=1e-06 with L=3.0 needs .* nodes"),
])
def test_beyond_reach_is_a_value_error_naming_the_range(call, match):
    # Each refusal is decided before anything large is allocated or solved.
    with pytest.raises(ValueError, match=match):
        call()


def test_largest_default_sizes_are_accepted():
    # The edges of the documented ranges at L = 3 run (3001 nodes, 3001 states) and give sane values.
    a_int = arl(1.83e-5, 3.0)  # 3000 nodes
    assert a_int == pytest.approx(2.348247e6, rel=1e-6)
    assert arl(1.83e-5, 3.0, nodes=2250) == pytest.approx(a_int, rel=1e-6)  # converged
    a_mc = arl(0.000801, 3.0, method="markov")  # 3001 states
    assert arl(0.000801, 3.0) == pytest.approx(a_mc, rel=1e-3)


# --------------------------------------------------------------------------- properties


def _more_nodes(alpha, L):
    return max(48, math.ceil(9 * L / math.sqrt(alpha * (2 - alpha))) + 24)  # 1.5 times the default


@settings(max_examples=60, deadline=None)
@given(alpha=st.floats(0.01, 1.0), L=st.floats(0.5, 6.0), shift=st.floats(-3.0, 3.0))
@example(alpha=0.01, L=6.0, shift=0.0)  # the longest ARL of the range, 2.3e9
@example(alpha=1.0, L=6.0, shift=0.0)
def test_arl_is_finite_even_and_falls_with_the_shift(alpha, L, shift):
    value = arl(alpha, L, shift)
    assert math.isfinite(value) and value >= 1.0
    # converged, and solved without losing digits: more nodes change nothing that matters
    assert arl(alpha, L, shift, nodes=_more_nodes(alpha, L)) == pytest.approx(value, rel=1e-9)
    assert arl(alpha, L, -shift) == pytest.approx(value, rel=1e-9)
    # decreasing in |shift| (a hair of slack for rounding)
    assert arl(alpha, L, shift / 2) >= value * (1 - 1e-9)
    assert arl(alpha, L, 0.0) >= value * (1 - 1e-9)


@settings(max_examples=30, deadline=None)
@given(alpha=st.floats(0.05, 1.0), L=st.floats(0.5, 30.0), shift=st.floats(-3.0, 3.0))
def test_arl_is_converged_and_grows_with_L_up_to_astronomical_values(alpha, L, shift):
    value = arl(alpha, L, shift)
    assert math.isfinite(value) and value >= 1.0
    assert arl(alpha, L * 1.01, shift) > value
    assert arl(alpha, L, shift, nodes=_more_nodes(alpha, L)) == pytest.approx(value, rel=1e-8)
