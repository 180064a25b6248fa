r"""Test functions for optimizers, each with its analytic gradient, minima, plotting bounds and a start.

Every function is an :class:`Objective`: call it (or its ``f``) on a point
and ``grad`` for the gradient. Points may be grids: ``x`` of shape
``(dim, ...)`` gives values of shape ``(...)`` (a contour plot is
``f(np.stack(np.meshgrid(xs, ys)))``); one-dimensional functions also take a
plain number.

==================  ===  =========================================  ===============================
name                dim  f                                          global minima (in ``bounds``)
==================  ===  =========================================  ===============================
``quadratic``       1    θ²                                         0
``bowl``            2    w₁² + w₂²                                  (0, 0)
``rosenbrock``      2    (1 − x)² + 100 (y − x²)²                   (1, 1)
``beale``           2    Σ (cᵢ − x + x yⁱ)², c = 1.5, 2.25, 2.625   (3, 0.5)
``himmelblau``      2    (x² + y − 11)² + (x + y² − 7)²             four, f = 0
``booth``           2    (x + 2y − 7)² + (2x + y − 5)²              (1, 3)
``rastrigin``       2    20 + Σ (xᵢ² − 10 cos 2πxᵢ)                 (0, 0)
``saddle``          2    x² − y²                                    none (unbounded below)
``six_hump_camel``  2    (4 − 2.1x² + x⁴/3) x² + xy + (4y² − 4) y²  ±(0.0898, −0.7127)
``wavy``            1    2θ² sin θ cos θ = θ² sin 2θ                2.5435 in [−3, 3]
wavy_regression     2    MSE of a line fit + 5 sin w₀ cos w₁        computed on first use
==================  ===  =========================================  ===============================

A gradient of ``wavy`` copied widely (for ``2θ² sin θ cos θ``) is wrong; the
one here, ``2θ sin 2θ + 2θ² cos 2θ``, is checked against finite differences
in the tests, as are all the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Objective",
    "quadratic",
    "bowl",
    "rosenbrock",
    "beale",
    "himmelblau",
    "booth",
    "rastrigin",
    "saddle",
    "six_hump_camel",
    "wavy",
    "wavy_regression",
    "make_wavy_regression",
    "ALL",
]


class Objective:
    """A test function: value, analytic gradient, global minima, plotting bounds, standard start.

    Attributes
    ----------
    name : str
    dim : int
        Number of coordinates.
    bounds : tuple of (low, high)
        A plotting box per coordinate, containing ``start`` and ``minima``.
    start : numpy.ndarray
        The standard starting point, shape ``(dim,)``.
    minima : numpy.ndarray
        The global minimizers inside ``bounds``, shape ``(k, dim)`` (``k = 0``
        when the function is unbounded below).
    """

    data: tuple[np.ndarray, np.ndarray]  # the data of a regression surface (make_wavy_regression) only

    def __init__(self, name: str, f: Callable[..., Any], grad: Callable[..., Sequence[Any]], *,
                 bounds: Sequence[tuple[float, float]], start: ArrayLike,
                 minima: ArrayLike | Callable[[], ArrayLike] | None, doc: str = "") -> None:
        self.name = name
        self._f = f
        self._grad = grad
        self.bounds = tuple((float(lo), float(hi)) for lo, hi in bounds)
        self.dim = len(self.bounds)
        self.start = np.array(start, dtype=np.float64).reshape(self.dim)
        self._minima = minima
        self.__doc__ = doc

    @property
    def minima(self) -> np.ndarray:
        if callable(self._minima):
            self._minima = self._minima()
        return np.array(self._minima, dtype=np.float64).reshape(-1, self.dim)

    def _coords(self, x: ArrayLike) -> tuple[tuple[np.ndarray, ...], bool]:
        a = np.asarray(x, dtype=np.float64)
        if self.dim == 1 and a.ndim == 0:
            return (a,), True
        if a.ndim == 0 or a.shape[0] != self.dim:
            raise ValueError(f"{self.name} takes points of shape ({self.dim}, ...), got shape {a.shape}")
        return tuple(a[i] for i in range(self.dim)), False

    def f(self, x: ArrayLike) -> float | np.ndarray:
        """The value at ``x`` (shape ``(dim, ...)``, or a number when ``dim == 1``)."""
        coords, _ = self._coords(x)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run reaches inf: report, do not warn
            out = self._f(*coords)
        return float(out) if np.ndim(out) == 0 else out

    __call__ = f

    def grad(self, x: ArrayLike) -> float | np.ndarray:
        """The analytic gradient at ``x``, shaped like ``x``."""
        coords, scalar = self._coords(x)
        with np.errstate(over="ignore", invalid="ignore"):
            parts = self._grad(*coords)
        if scalar:
            return float(parts[0])
        shape = coords[0].shape
        if all(np.shape(p) == shape for p in parts):
            return np.array(parts, dtype=np.float64)
        return np.stack([np.broadcast_to(p, shape) for p in parts]).astype(np.float64)

    def __repr__(self) -> str:
        return f"<Objective {self.name}: dim={self.dim}, start={self.start.tolist()}, bounds={list(self.bounds)}>"


# --------------------------------------------------------------------------- definitions

quadratic = Objective(
    "quadratic",
    lambda t: t * t,
    lambda t: (2.0 * t,),
    bounds=[(-11.0, 11.0)],
    start=[10.0],
    minima=[[0.0]],
    doc="f(θ) = θ², the one-dimensional bowl of the classic momentum table (start 10).",
)

bowl = Objective(
    "bowl",
    lambda w1, w2: w1 * w1 + w2 * w2,
    lambda w1, w2: (2.0 * w1, 2.0 * w2),
    bounds=[(-5.0, 5.0), (-5.0, 5.0)],
    start=[-4.0, 3.0],
    minima=[[0.0, 0.0]],
    doc="f(w) = w₁² + w₂².",
)


def _rosen(x: Any, y: Any) -> Any:
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosen_grad(x: Any, y: Any) -> tuple[Any, Any]:
    return (-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x))


rosenbrock = Objective(
    "rosenbrock", _rosen, _rosen_grad,
    bounds=[(-2.0, 2.0), (-1.0, 3.0)],
    start=[-1.2, 1.0],  # Rosenbrock's (1960) start
    minima=[[1.0, 1.0]],
    doc="f(x, y) = (1 − x)² + 100 (y − x²)², the banana valley.",
)

_BEALE_C = (1.5, 2.25, 2.625)


def _beale(x: Any, y: Any) -> Any:
    return sum((c - x + x * y ** (i + 1)) ** 2 for i, c in enumerate(_BEALE_C))


def _beale_grad(x: Any, y: Any) -> tuple[Any, Any]:
    gx = gy = 0.0
    for i, c in enumerate(_BEALE_C):
        k = i + 1
        r = c - x + x * y**k
        gx = gx + 2.0 * r * (y**k - 1.0)
        gy = gy + 2.0 * r * k * x * y ** (k - 1)
    return gx, gy


beale = Objective(
    "beale", _beale, _beale_grad,
    bounds=[(-4.5, 4.5), (-4.5, 4.5)],
    start=[1.0, 1.5],
    minima=[[3.0, 0.5]],
    doc="f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².",
)


def _himmelblau(x: Any, y: Any) -> Any:
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmelblau_grad(x: Any, y: Any) -> tuple[Any, Any]:
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


himmelblau = Objective(
    "himmelblau", _himmelblau, _himmelblau_grad,
    bounds=[(-5.0, 5.0), (-5.0, 5.0)],
    start=[0.0, 0.0],
    minima=[
        [3.0, 2.0],
        [-2.805118086952745, 3.131312518250573],
        [-3.779310253377747, -3.283185991286170],
        [3.584428340330492, -1.848126526964404],
    ],
    doc="f(x, y) = (x² + y − 11)² + (x + y² − 7)², four global minima (f = 0).",
)

booth = Objective(
    "booth",
    lambda x, y: (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2,
    lambda x, y: (2.0 * (x + 2.0 * y - 7.0) + 4.0 * (2.0 * x + y - 5.0),
                  4.0 * (x + 2.0 * y - 7.0) + 2.0 * (2.0 * x + y - 5.0)),
    bounds=[(-10.0, 10.0), (-10.0, 10.0)],
    start=[-5.0, -5.0],
    minima=[[1.0, 3.0]],
    doc="f(x, y) = (x + 2y − 7)² + (2x + y − 5)², an elongated bowl.",
)

rastrigin = Objective(
    "rastrigin",
    lambda x, y: 20.0 + x * x - 10.0 * np.cos(2 * np.pi * x) + y * y - 10.0 * np.cos(2 * np.pi * y),
    lambda x, y: (2.0 * x + 20.0 * np.pi * np.sin(2 * np.pi * x), 2.0 * y + 20.0 * np.pi * np.sin(2 * np.pi * y)),
    bounds=[(-5.12, 5.12), (-5.12, 5.12)],
    start=[-2.3, 2.7],
    minima=[[0.0, 0.0]],
    doc="f(x, y) = 20 + x² − 10 cos 2πx + y² − 10 cos 2πy: a local minimum near every integer point.",
)

saddle = Objective(
    "saddle",
    lambda x, y: x * x - y * y,
    lambda x, y: (2.0 * x, -2.0 * y),
    bounds=[(-5.0, 5.0), (-5.0, 5.0)],
    start=[-4.0, 1e-3],  # just off the stable manifold y = 0: plain SGD lingers near the saddle
    minima=np.empty((0, 2)),
    doc="f(x, y) = x² − y², a saddle at (0, 0); unbounded below, so no minima.",
)


def _camel(x: Any, y: Any) -> Any:
    return (4.0 - 2.1 * x * x + x**4 / 3.0) * x * x + x * y + (-4.0 + 4.0 * y * y) * y * y


def _camel_grad(x: Any, y: Any) -> tuple[Any, Any]:
    return 8.0 * x - 8.4 * x**3 + 2.0 * x**5 + y, x - 8.0 * y + 16.0 * y**3


six_hump_camel = Objective(
    "six_hump_camel", _camel, _camel_grad,
    bounds=[(-3.0, 3.0), (-2.0, 2.0)],
    start=[-1.0, -1.0],
    minima=[[0.08984201310031806, -0.7126564030207396], [-0.08984201310031806, 0.7126564030207396]],
    doc="f(x, y) = (4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y², six local minima, two global (f ≈ −1.0316).",
)

wavy = Objective(
    "wavy",
    lambda t: 2.0 * t * t * np.sin(t) * np.cos(t),
    # d/dθ [θ² sin 2θ] = 2θ sin 2θ + 2θ² cos 2θ
    lambda t: (2.0 * t * np.sin(2.0 * t) + 2.0 * t * t * np.cos(2.0 * t),),
    bounds=[(-3.0, 3.0)],
    start=[1.0],
    minima=[[2.543492547051135]],
    doc="f(θ) = 2θ² sin θ cos θ = θ² sin 2θ: a local minimum at −1.1445, the global one (in [−3, 3]) at 2.5435.",
)


# --------------------------------------------------------------------------- the wavy regression


def _grid_minima(obj: Objective, n: int = 201) -> np.ndarray:
    """Global minimizer(s) inside ``obj.bounds``: a grid, then Newton on the analytic gradient."""
    axes = [np.linspace(lo, hi, n) for lo, hi in obj.bounds]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"))
    vals = obj.f(grid)
    x = grid.reshape(obj.dim, -1)[:, int(np.argmin(vals))].copy()
    for _ in range(50):
        g = obj.grad(x)
        h = 1e-6
        hess = np.empty((obj.dim, obj.dim))
        for j in range(obj.dim):
            e = np.zeros(obj.dim)
            e[j] = h
            hess[:, j] = (obj.grad(x + e) - obj.grad(x - e)) / (2 * h)
        step = np.linalg.solve(hess, g)
        x = x - step
        if np.max(np.abs(step)) < 1e-14:
            break
    return x[None, :]


def make_wavy_regression(n: int = 100, *, seed: int = 0, slope: float = 1.5, intercept: float = 0.5,
                         noise: float = 0.5, ripple: float = 5.0) -> Objective:
    r"""The non-convex regression surface on seeded data.

    Data ``x ~ U(−2, 2)``, ``y = slope·x + intercept + noise·N(0, 1)`` from
    ``numpy.random.default_rng(seed)``; the loss of the line ``ŷ = w₀·x + w₁``
    is

    .. math::

        f(w) = \frac{1}{n}\sum_i (w_0 x_i + w_1 - y_i)^2 + r \sin w_0 \cos w_1 ,

    a least-squares bowl (minimum near (slope, intercept)) rippled by
    ``r = ripple``, so that several local minima appear. The data are
    ``obj.data = (x, y)``; ``obj.minima`` is computed on first use.
    """
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-2.0, 2.0, n)
    ys = slope * xs + intercept + noise * rng.standard_normal(n)
    sxx, sx, sy, sxy, syy = (xs * xs).mean(), xs.mean(), ys.mean(), (xs * ys).mean(), (ys * ys).mean()

    def f(w0: Any, w1: Any) -> Any:
        # mean((w0 x + w1 − y)²) expanded in the data moments, so grids need no (…, n) temporaries
        mse = w0 * w0 * sxx + 2 * w0 * w1 * sx + w1 * w1 - 2 * w0 * sxy - 2 * w1 * sy + syy
        return mse + ripple * np.sin(w0) * np.cos(w1)

    def grad(w0: Any, w1: Any) -> tuple[Any, Any]:
        return (2 * (w0 * sxx + w1 * sx - sxy) + ripple * np.cos(w0) * np.cos(w1),
                2 * (w0 * sx + w1 - sy) - ripple * np.sin(w0) * np.sin(w1))

    obj = Objective(
        "wavy_regression", f, grad,
        bounds=[(-5.0, 5.0), (-5.0, 5.0)],
        start=[-4.0, 4.0],
        minima=None,
        doc="MSE of a line fit plus 5·sin(w₀)·cos(w₁) on seeded data (see make_wavy_regression).",
    )
    obj._minima = lambda: _grid_minima(obj)
    obj.data = (xs, ys)
    return obj


wavy_regression = make_wavy_regression()

#: every test function by name
ALL = {obj.name: obj for obj in (quadratic, bowl, rosenbrock, beale, himmelblau, booth, rastrigin, saddle,
                                 six_hump_camel, wavy, wavy_regression)}
