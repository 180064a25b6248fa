r"""Run an optimizer on a function and record the path: :func:`minimize`."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, SupportsFloat

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .._checks import check_nonneg
from .._reprs import html_table
from ._base import Optimizer
from .adam import Adam, AdamW
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["minimize", "Trajectory", "METHODS"]

#: method name -> (optimizer class, default options)
METHODS: dict[str, tuple[type[Optimizer], dict[str, Any]]] = {
    "sgd": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
    "rmsprop": (RMSprop, {}),
    "adam": (Adam, {}),
    "adamw": (AdamW, {}),
}


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The result of :func:`minimize`: where it ended, why, and the whole path.

    Attributes
    ----------
    x : float or numpy.ndarray
        The last point, shaped like ``x0`` (a number for a scalar ``x0``).
    fun : float
        The loss at ``x``.
    nit : int
        Number of updates made.
    converged : bool
        True when ``loss_tol`` or ``grad_tol`` was met.
    message : str
        Why the run stopped.
    path : numpy.ndarray
        ``(nit + 1, dim)``: ``x0`` then the point after each update.
    losses : numpy.ndarray
        ``(nit + 1,)``: the loss at each point of ``path``.
    grad_norms : numpy.ndarray
        ``(nit + 1,)``: the Euclidean norm of the gradient at each point of ``path``.
    """

    x: float | np.ndarray
    fun: float
    nit: int
    converged: bool
    message: str
    path: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)
    grad_norms: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        x = f"{self.x:.6g}" if np.ndim(self.x) == 0 else np.array2string(np.asarray(self.x), precision=6)
        return (f"Trajectory(x={x}, fun={self.fun:.6g}, nit={self.nit}, converged={self.converged}, "
                f"message={self.message!r})")

    def _repr_html_(self) -> str:
        x = f"{self.x:.6g}" if np.ndim(self.x) == 0 else np.array2string(np.asarray(self.x), precision=6)
        rows = [("x", x), ("loss", f"{self.fun:.6g}"), ("updates", self.nit), ("converged", self.converged),
                ("message", self.message), ("path", f"{self.path.shape[0]} points of dimension {self.path.shape[1]}")]
        return html_table("minimize: trajectory", rows)


def _optimizer(method: str | type[Optimizer], x: np.ndarray, options: dict[str, Any]) -> Optimizer:
    if isinstance(method, str):
        key = method.lower()
        if key not in METHODS:
            raise ValueError(f"method must be one of {sorted(METHODS)} or an optimizer class, got {method!r}")
        cls, defaults = METHODS[key]
        return cls(x, **{**defaults, **options})
    if isinstance(method, type) and issubclass(method, Optimizer):
        return method(x, **options)
    raise TypeError(f"method must be a name such as 'adam' or an optimizer class of ewmakit.optim (a subclass "
                    f"of Optimizer), got {method!r}")


def _central_differences(fun: Callable[[Any], Any], shape: tuple[int, ...],
                         dtype: DTypeLike) -> Callable[[ArrayLike], np.ndarray]:
    """∇f by central differences, step h = ε^(1/3)·max(1, |x_i|) (the optimal step for O(h²) error)."""
    rel = np.finfo(np.float64).eps ** (1.0 / 3.0)

    def grad(x: ArrayLike) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        g = np.empty_like(x)
        for i in range(x.size):
            h = rel * max(1.0, abs(x[i]))
            up, down = x.copy(), x.copy()
            up[i] += h
            down[i] -= h
            g[i] = (fun(_shaped(up, shape, np.float64)) - fun(_shaped(down, shape, np.float64))) / (up[i] - down[i])
        return g

    return grad


def _shaped(flat: np.ndarray, shape: tuple[int, ...], dtype: DTypeLike) -> Any:
    """What ``fun`` and ``grad`` receive: a number for a scalar ``x0``, else a copy shaped like ``x0``.

    The number is a numpy scalar (``numpy.float64`` is a ``float``), so that ``t**2`` overflows to inf
    instead of raising.
    """
    if shape == ():
        return np.dtype(dtype).type(flat[0])
    return np.array(flat, dtype=dtype).reshape(shape)


def minimize(fun: Callable[[Any], SupportsFloat], x0: ArrayLike, method: str | type[Optimizer] = "adam", *,
             grad: Callable[[Any], ArrayLike] | None = None, steps: int = 1000, loss_tol: float | None = None,
             grad_tol: float | None = None, callback: Callable[[int, Any, float], object] | None = None,
             **optimizer_options: Any) -> Trajectory:
    r"""Minimize ``fun`` from ``x0`` with one of the optimizers, recording the path.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float``; ``x`` is a number (``numpy.float64``, a ``float``)
        when ``x0`` is a number, else an array shaped like ``x0``.
    x0 : float or array_like
        Starting point (never modified).
    method : str or optimizer class, default "adam"
        ``"sgd"``, ``"momentum"`` (SGD, ``momentum=0.9`` unless given),
        ``"nesterov"`` (SGD, ``momentum=0.9, nesterov=True``), ``"rmsprop"``,
        ``"adam"``, ``"adamw"``, or a class such as :class:`ewmakit.optim.Adam`
        (called as ``method(x, **optimizer_options)``).
    grad : callable, optional
        ``grad(x)``, the gradient, shaped like ``x``. Without it, central
        differences (``2·dim`` calls of ``fun`` per step).
    steps : int, default 1000
        Maximum number of updates.
    loss_tol, grad_tol : float, optional
        Stop (converged) as soon as the loss is below ``loss_tol`` or the
        gradient norm below ``grad_tol``, checked at ``x0`` and after each
        update.
    callback : callable, optional
        ``callback(t, x, loss)`` after update ``t`` (1, 2, …); returning True stops the run.
    **optimizer_options
        Passed to the optimizer: ``lr``, ``momentum``, ``betas``, …

    Returns
    -------
    Trajectory
        ``x``, ``fun``, ``nit``, ``converged``, ``message``, ``path``
        (``nit + 1`` × ``dim``), ``losses`` and ``grad_norms``.

    Raises
    ------
    ValueError
        For an unknown ``method``, bad optimizer options, ``steps < 0`` or
        negative tolerances.

    Notes
    -----
    Each iteration evaluates ``fun`` and ``grad`` at the new point, so
    ``losses[i]`` and ``grad_norms[i]`` belong to ``path[i]``. A NaN or
    infinite loss or gradient stops the run with ``converged=False`` and a
    message naming the step; so does a run whose loss ends above where it
    started (reported as diverging).

    Examples
    --------
    The classic table of heavy-ball momentum on f(θ) = θ², θ₀ = 10, η = 0.1,
    μ = 0.5:

    >>> from ewmakit.optim import minimize
    >>> r = minimize(lambda t: t**2, 10.0, "sgd", grad=lambda t: 2*t, lr=0.1, momentum=0.5, loss_tol=1e-2)
    >>> r.path[1:, 0].round(4)
    array([8.    , 5.4   , 3.02  , 1.226 , 0.0838])
    >>> r.nit, r.converged
    (5, True)
    >>> minimize(lambda t: t**2, 10.0, "sgd", grad=lambda t: 2*t, lr=0.1, loss_tol=1e-2).nit
    21
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    if loss_tol is not None:
        if isinstance(loss_tol, bool) or not isinstance(loss_tol, numbers.Real) or math.isnan(loss_tol):
            raise ValueError(f"loss_tol must be a number (the loss to get below), got {loss_tol!r}")
        loss_tol = float(loss_tol)
    if grad_tol is not None:
        grad_tol = check_nonneg("grad_tol", grad_tol, "gradient tolerance")
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {type(fun).__name__}")
    if grad is not None and not callable(grad):
        raise TypeError(f"grad must be callable or None, got {type(grad).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")

    arr = np.asarray(x0)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"x0 must be a number or an array of numbers, got dtype {arr.dtype}")
    dtype = np.float32 if arr.dtype == np.float32 else np.float64
    shape = arr.shape
    x = np.array(arr, dtype=dtype).reshape(-1)  # the optimizer's parameter: a flat copy of x0
    if x.size == 0:
        raise ValueError("x0 must not be empty")
    if grad is None:
        grad = _central_differences(fun, shape, dtype)
    opt = _optimizer(method, x, optimizer_options)

    def evaluate() -> tuple[float, np.ndarray, float]:
        try:
            loss = float(fun(_shaped(x, shape, dtype)))
        except OverflowError:  # e.g. math.exp of a diverging point: report it as such
            loss = math.inf
        try:
            g = np.asarray(grad(_shaped(x, shape, dtype)), dtype=np.float64)
        except OverflowError:
            g = np.full(x.size, math.inf)
        if g.size != x.size:
            raise ValueError(f"grad(x) must have the shape of x0 {shape}, got {g.shape}")
        g = g.reshape(-1)
        with np.errstate(over="ignore", invalid="ignore"):
            norm = float(np.linalg.norm(g))
        return loss, g, norm

    path, losses, norms = [x.copy()], [], []
    loss, g, norm = evaluate()
    losses.append(loss)
    norms.append(norm)
    converged, message, t, stop = False, "", 0, False  # every exit of the loop below sets the message
    while True:
        if not math.isfinite(loss):
            message = f"the loss is {loss} at step {t}: diverged" + (" (try a smaller lr)" if t else "")
            break
        if not np.all(np.isfinite(g)):
            bad = g[~np.isfinite(g)][0]
            message = f"the gradient is {bad} at step {t}: diverged" + (" (try a smaller lr)" if t else "")
            break
        if loss_tol is not None and loss < loss_tol:
            converged, message = True, f"loss {loss:.6g} < loss_tol={loss_tol:g} after {t} steps"
            break
        if grad_tol is not None and norms[-1] < grad_tol:
            converged, message = True, f"gradient norm {norms[-1]:.6g} < grad_tol={grad_tol:g} after {t} steps"
            break
        if stop:
            message = f"stopped by the callback after step {t}"
            break
        if t >= steps:
            message = f"stopped after steps={steps}"
            if loss_tol is not None or grad_tol is not None:
                message += " without meeting " + " or ".join(
                    s for s, v in (("loss_tol", loss_tol), ("grad_tol", grad_tol)) if v is not None)
            if loss > losses[0]:
                message += f"; the loss grew from {losses[0]:.6g} to {loss:.6g}: diverging (try a smaller lr)"
            break
        opt.step(g.astype(dtype, copy=False))
        t += 1
        path.append(x.copy())
        loss, g, norm = evaluate()
        losses.append(loss)
        norms.append(norm)
        if callback is not None:
            stop = callback(t, _shaped(x, shape, dtype), loss) is True

    final = _shaped(x, shape, dtype)
    return Trajectory(
        x=final,
        fun=loss,
        nit=t,
        converged=converged,
        message=message,
        path=np.array(path),
        losses=np.array(losses),
        grad_norms=np.array(norms),
    )
