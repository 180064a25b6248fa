"""ewmakit.optim.functions: every analytic gradient against finite differences, the minima, the metadata."""

from __future__ import annotations

import numpy as np
import pytest

from ewmakit.optim import functions, minimize
from ewmakit.optim.functions import ALL, make_wavy_regression, wavy

NAMES = list(ALL)


def central(obj, x, h=1e-6):
    """Central differences of obj.f at a point x (shape (dim,))."""
    g = np.empty(obj.dim)
    for i in range(obj.dim):
        e = np.zeros(obj.dim)
        e[i] = h * max(1.0, abs(x[i]))
        g[i] = (obj.f(x + e) - obj.f(x - e)) / (2 * e[i])
    return g


def random_points(obj, n=25, seed=0):
    rng = np.random.default_rng(seed)
    lo = np.array([b[0] for b in obj.bounds])
    hi = np.array([b[1] for b in obj.bounds])
    return lo + (hi - lo) * rng.random((n, obj.dim))


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_finite_differences(name):
    obj = ALL[name]
    for x in random_points(obj):
        g = obj.grad(x)
        fd = central(obj, x)
        scale = max(1.0, float(np.max(np.abs(fd))))
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * scale, err_msg=f"{name} at {x}")


@pytest.mark.parametrize("name", NAMES)
def test_grid_evaluation(name):
    """Values and gradients on a (dim, ...) grid equal the pointwise ones."""
    obj = ALL[name]
    pts = random_points(obj, n=12, seed=1)
    grid = pts.T.reshape(obj.dim, 3, 4)
    vals = obj.f(grid)
    grads = obj.grad(grid)
    assert vals.shape == (3, 4) and grads.shape == (obj.dim, 3, 4)
    for k, x in enumerate(pts):
        i, j = divmod(k, 4)
        assert vals[i, j] == pytest.approx(obj.f(x), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(grads[:, i, j], obj.grad(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_and_global_in_bounds(name):
    obj = ALL[name]
    m = obj.minima
    assert m.ndim == 2 and m.shape[1] == obj.dim
    if name == "saddle":
        assert m.shape[0] == 0
        np.testing.assert_array_equal(obj.grad(np.zeros(2)), 0.0)  # the saddle point
        return
    assert m.shape[0] >= 1
    values = [obj.f(x) for x in m]
    for x in m:
        for (lo, hi), xi in zip(obj.bounds, x):
            assert lo <= xi <= hi
        np.testing.assert_allclose(obj.grad(x), 0.0, atol=1e-6)
    np.testing.assert_allclose(values, values[0], atol=1e-9)  # all global minima share the value
    axes = [np.linspace(lo, hi, 401 if obj.dim == 1 else 201) for lo, hi in obj.bounds]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"))
    assert np.min(obj.f(grid)) >= values[0] - 1e-9


@pytest.mark.parametrize("name", NAMES)
def test_start_and_bounds(name):
    obj = ALL[name]
    assert obj.start.shape == (obj.dim,)
    assert len(obj.bounds) == obj.dim
    for (lo, hi), s in zip(obj.bounds, obj.start):
        assert lo < s < hi
    assert np.isfinite(obj(obj.start)) and np.all(np.isfinite(obj.grad(obj.start)))
    assert name in repr(obj)
    assert getattr(functions, name) is obj


def test_known_values():
    assert functions.rosenbrock([1.0, 1.0]) == 0.0
    assert functions.beale([3.0, 0.5]) == 0.0
    assert functions.booth([1.0, 3.0]) == 0.0
    assert functions.rastrigin([0.0, 0.0]) == 0.0
    assert functions.himmelblau([3.0, 2.0]) == 0.0
    assert functions.six_hump_camel(functions.six_hump_camel.minima[0]) == pytest.approx(-1.0316284534898774)
    assert functions.quadratic(10.0) == 100.0 and functions.quadratic.grad(10.0) == 20.0
    assert functions.bowl([3.0, 4.0]) == 25.0
    assert functions.saddle([1.0, 2.0]) == -3.0


def test_wavy_gradient_is_the_right_one():
    """d/dθ (2θ² sin θ cos θ) = 2θ sin 2θ + 2θ² cos 2θ; the often-copied 4θ sin θ cos θ + 2θ² cos θ is not."""
    t = np.linspace(-3, 3, 61)
    fd = (wavy.f(t[None] + 1e-6) - wavy.f(t[None] - 1e-6)) / 2e-6
    np.testing.assert_allclose(wavy.grad(t[None])[0], fd, atol=1e-6)
    wrong = 4 * t * np.sin(t) * np.cos(t) + 2 * t**2 * np.cos(t)
    assert np.max(np.abs(wrong - fd)) > 1.0
    assert wavy.f(1.0) == pytest.approx(2 * np.sin(1) * np.cos(1))
    assert isinstance(wavy.grad(1.0), float)


def test_wavy_regression_is_mse_plus_ripple():
    xs, ys = functions.wavy_regression.data
    w = np.array([0.7, -1.3])
    direct = np.mean((w[0] * xs + w[1] - ys) ** 2) + 5 * np.sin(w[0]) * np.cos(w[1])
    assert functions.wavy_regression(w) == pytest.approx(direct, rel=1e-12)
    other = make_wavy_regression(seed=1, ripple=0.0)
    # without the ripple the minimum is the least-squares line
    slope, intercept = np.polyfit(*other.data, 1)
    np.testing.assert_allclose(other.minima[0], [slope, intercept], atol=1e-8)


def test_diverging_points_give_inf_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert functions.beale([1e80, 1e80]) == np.inf
        assert not np.all(np.isfinite(functions.beale.grad(np.array([1e80, -1e80]))))


def test_dimension_errors():
    with pytest.raises(ValueError, match=r"rosenbrock takes points of shape \(2, \.\.\.\), got shape \(3,\)"):
        functions.rosenbrock(np.zeros(3))
    with pytest.raises(ValueError, match=r"got shape \(\)"):
        functions.bowl(1.0)


@pytest.mark.parametrize("name, method, kw, tol", [
    ("bowl", "sgd", dict(lr=0.1), 1e-6),
    ("booth", "momentum", dict(lr=0.01), 1e-6),
    ("rosenbrock", "adam", dict(lr=0.02), 1e-3),
    ("himmelblau", "rmsprop", dict(lr=0.01), 1e-4),
    ("six_hump_camel", "nesterov", dict(lr=0.01), 1e-6),
])
def test_optimizers_reach_a_minimum(name, method, kw, tol):
    obj = ALL[name]
    r = minimize(obj, obj.start, method, grad=obj.grad, steps=4000, **kw)
    best = min(obj.f(m) for m in obj.minima)
    assert r.fun - best < tol, r
