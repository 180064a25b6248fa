"""What the two figure backends (matplotlib in :mod:`ewmakit.plot`, plotly in ``_plotly``) share.

The input series and their labels, the decay specs and their legends, the
colours, the optimizer paths and the test functions' formulas: computed once
here, drawn by either backend, so both show the same numbers under the same
labels. The public names at the end are how the backends import them.
"""

from __future__ import annotations

import numbers
from typing import Any, cast

import numpy as np
import pandas as pd

from ._checks import check_unit
from .decay import window_from_beta

#: Okabe & Ito (2008) colours, most distinguishable first: blue, orange, bluish green,
#: vermillion, reddish purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


# axis names of the test functions in ewmakit.optim.functions (others: x, y)
_VARIABLES = {
    "bowl": ("w₁", "w₂"),
    "wavy_regression": ("w₀", "w₁"),
    "quadratic": ("θ",),
    "wavy": ("θ",),
}


_AXIS_NOTES = {"wavy_regression": (" (slope)", " (intercept)")}


def _color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def beta_label(beta: float, unit: str = "day") -> str:
    """Legend label of an EWMA: ``"β=0.9 (≈10 days, span 19)"``.

    Two readings of β: the EWMA averages about 1/(1 − β) points (its
    effective window: the weights of the last 1/(1 − β) points add up to
    about 63 %), and it is the n-period EMA of span n = (1 + β)/(1 − β) =
    2/(1 − β) − 1 (pandas ``span``, TA-Lib's period).

    Examples
    --------
    >>> beta_label(0.9)
    'β=0.9 (≈10 days, span 19)'
    >>> beta_label(0.5, unit="point")
    'β=0.5 (≈2 points, span 3)'
    >>> beta_label(0.0)
    'β=0 (≈1 day, span 1)'
    """
    b = check_unit("beta", beta)
    n = 1.0 / (1.0 - b)
    count = f"{n:.0f}" if n >= 1.5 else "1"
    plural = "" if count == "1" else "s"
    return f"β={_fmt(b)} (≈{count} {unit}{plural}, span {window_from_beta(b):.0f})"


def _unit(index) -> str:
    """'day' for daily dates, else 'point'."""
    if isinstance(index, pd.DatetimeIndex) and len(index) > 1:
        step = pd.Series(index).diff().median()
        if pd.Timedelta(hours=20) <= step <= pd.Timedelta(days=4):
            return "day"
    return "point"


def _betas(betas) -> list[float]:
    if isinstance(betas, numbers.Real) and not isinstance(betas, bool):
        betas = [betas]
    try:
        items = list(betas)
    except TypeError:
        raise TypeError(f"betas must be a number or a sequence of numbers in [0, 1), got {betas!r}") from None
    return [check_unit("betas", b) for b in items]


_SPECS = ("beta", "alpha", "window", "span", "halflife", "com")


def _decays(betas, specs: dict) -> tuple[str, list]:
    """The decay spec of a picture and its values: ``("beta", [0.5, 0.9])``, ``("window", [10, 50])``...

    ``betas`` (the positional argument) or exactly one of the keyword specs in ``specs`` (``beta``, ``alpha``,
    ``window``, ``span``, ``halflife``, ``com``), each one number or a sequence; with none of them, β = 0.5,
    0.9 and 0.95. Every value is checked as :func:`ewmakit.resolve_beta` checks it.
    """
    from .decay import resolve_beta

    given = {k: v for k, v in specs.items() if v is not None}
    if betas is not None:
        given = {"betas": betas, **given}
    if len(given) > 1:
        raise ValueError(f"give one decay spec (betas, {', '.join(_SPECS)}), got {', '.join(given)}")
    if not given:
        return "beta", [0.5, 0.9, 0.95]
    (name, value), = given.items()
    if name in ("betas", "beta"):
        return "beta", _betas(value)
    values = [value] if isinstance(value, numbers.Number) or not hasattr(value, "__iter__") or \
        isinstance(value, str) else list(value)
    for v in values:
        resolve_beta(**{name: v})  # raises, naming the spec, its range and the value
    return name, values


def _decay_label(spec: str, value, unit: str) -> str:
    """``β=0.9 (≈19-day)`` for a β, ``window=10`` (``span=20``, ``halflife=5``...) for the others."""
    if spec == "beta":
        return beta_label(value, unit)
    return f"{spec}={_fmt(float(value))}"


def _find_column(frame, column):
    """The label of ``frame``'s column ``column``: exactly, else whatever its case (``close`` for ``Close``)."""
    if column in frame.columns:
        return column
    if isinstance(column, str):
        hits = [c for c in frame.columns if isinstance(c, str) and c.strip().lower() == column.strip().lower()]
        if len(hits) == 1:
            return hits[0]
    raise ValueError(f"column {column!r} is not in the frame; its columns are {list(frame.columns)[:8]!r}")


def _series(series, column=None) -> pd.Series:
    """A numeric Series from a Series, a one-column choice of a DataFrame, or an array.

    A DataFrame gives ``column`` (found whatever its case), else its Close column (any case), else its only
    numeric column; a yfinance frame (MultiIndex columns) of one ticker gives that ticker's field.
    """
    if isinstance(series, pd.DataFrame):
        if isinstance(series.columns, pd.MultiIndex) and not (column is not None and column in series.columns):
            from .finance import price_field

            # MultiIndex columns: price_field gives a DataFrame, one column per ticker
            field = cast(pd.DataFrame, price_field(series, column if column is not None else "close"))
            if field.shape[1] != 1:
                raise ValueError(f"the frame holds several tickers {list(field.columns)[:8]!r}: plot one, e.g. "
                                 f"frame.xs({field.columns[0]!r}, axis=1, level=...)")
            return _series(field.iloc[:, 0].rename(field.columns[0]))
        if column is None:
            numeric = [c for c in series.columns if pd.api.types.is_numeric_dtype(series[c].dtype)]
            close = [c for c in series.columns if isinstance(c, str) and c.strip().lower() == "close"]
            if len(close) == 1:
                column = close[0]
            elif len(numeric) == 1:
                column = numeric[0]
            else:
                raise ValueError("give column=...: the frame has no Close column and several columns "
                                 f"{list(series.columns)[:8]!r}")
        series = series[_find_column(series, column)]
    elif column is not None:
        raise ValueError(f"column={column!r} is only for a DataFrame, got a {type(series).__name__}")
    if not isinstance(series, pd.Series):
        arr = np.asarray(series)
        if arr.ndim != 1:
            raise ValueError(f"expected one series (1-D), got shape {arr.shape}")
        series = pd.Series(arr)
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise TypeError(f"expected numeric data, got dtype {series.dtype}")
    return series.astype(np.float64)


def _labelled(trajectories, attr: str, name: str, single: str) -> list:
    """(label, item) pairs from a dict, one Trajectory/array (it has ``attr``), or a sequence of them.

    A lone item is labelled ``single``; items of a sequence ``"{name} 1"``, ``"{name} 2"``...
    """
    if isinstance(trajectories, dict):
        return list(trajectories.items())
    if hasattr(trajectories, attr) or isinstance(trajectories, np.ndarray):
        return [(single, trajectories)]
    seq = list(trajectories)
    return [(f"{name} {i + 1}" if len(seq) > 1 else single, t) for i, t in enumerate(seq)]


def _paths(trajectories) -> list[tuple[str, np.ndarray, np.ndarray | None]]:
    """(label, path of shape (k, dim), losses or None) for each trajectory given."""
    if trajectories is None:
        return []
    items = _labelled(trajectories, "path", "path", "path")
    out = []
    for label, t in items:
        if hasattr(t, "path"):
            path, losses = np.asarray(t.path, dtype=np.float64), np.asarray(t.losses, dtype=np.float64)
        else:
            path, losses = np.asarray(t, dtype=np.float64), None
        if path.ndim == 1:
            path = path[:, None]
        if path.ndim != 2 or path.shape[0] == 0:
            raise ValueError(f"a trajectory must be a Trajectory or a (steps, dim) array of points, got shape "
                             f"{path.shape} for {label!r}")
        out.append((str(label), path, losses))
    return out


class _Fn:
    """A test function for drawing: value on grids, bounds, minima, name, dim."""

    def __init__(self, fn, bounds=None):
        if not callable(fn):
            raise TypeError(f"fn must be a test function (ewmakit.optim.functions) or a callable, got {fn!r}")
        self.f = getattr(fn, "f", fn)
        self.name = getattr(fn, "name", getattr(fn, "__name__", "f"))
        if bounds is None:
            bounds = getattr(fn, "bounds", None)
        if bounds is None:
            raise ValueError(f"bounds=[(low, high), ...] is needed to draw {self.name!r}")
        self.bounds = [(float(lo), float(hi)) for lo, hi in bounds]
        if not all(lo < hi for lo, hi in self.bounds):
            raise ValueError(f"bounds must be (low, high) pairs with low < high, got {bounds!r}")
        self.dim = len(self.bounds)
        minima = getattr(fn, "minima", None)
        self.minima = np.empty((0, self.dim)) if minima is None else np.asarray(minima, dtype=np.float64).reshape(
            -1, self.dim)
        self.variables = _VARIABLES.get(self.name, ("x", "y")[: self.dim] if self.dim <= 2 else ())
        notes = _AXIS_NOTES.get(self.name, ("",) * len(self.variables))
        self.axis_labels = tuple(v + n for v, n in zip(self.variables, notes))

    def expanded(self, paths) -> list[tuple[float, float]]:
        """The bounds grown (with a margin) to hold every path's start."""
        out = []
        for k, (lo, hi) in enumerate(self.bounds):
            starts = [p[0, k] for _, p, _ in paths if p.shape[1] > k and np.isfinite(p[0, k])]
            a, b = min([lo, *starts]), max([hi, *starts])
            if (a, b) != (lo, hi):
                pad = 0.05 * (b - a)
                a, b = (a - pad if a < lo else a), (b + pad if b > hi else b)
            out.append((a, b))
        return out

    def grid(self, bounds, n):
        (x0, x1), (y0, y1) = bounds
        xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        with np.errstate(all="ignore"):
            z = np.asarray(self.f(np.stack(np.meshgrid(xs, ys))), dtype=np.float64)
        return xs, ys, z

    def value(self, points: np.ndarray) -> np.ndarray:
        """f at each row of ``points`` (k, dim)."""
        with np.errstate(all="ignore"):
            if self.dim == 1:
                return np.asarray([self.f(float(p)) for p in points[:, 0]], dtype=np.float64)
            return np.asarray(self.f(points.T), dtype=np.float64)


def _spans_decades(z: np.ndarray) -> bool:
    """Does f − min f span decades over most of the grid (95th percentile > 50 × 5th): use log levels?"""
    v = z[np.isfinite(z)]
    if v.size == 0:
        return False
    shifted = v - v.min()
    pos = shifted[shifted > 0]
    if pos.size == 0:
        return False
    lo, hi = np.percentile(pos, [5, 95])
    return bool(hi > 50 * lo)


def _finite_rows(path: np.ndarray) -> np.ndarray:
    ok = np.all(np.isfinite(path), axis=1)
    if ok.all():
        return path
    stop = int(np.argmin(ok))  # a diverged run: draw up to its last finite point
    return path[:stop]


def _shown_range(index, start, end) -> tuple[slice, str]:
    """The part of a series :func:`smoothing` draws (a slice of positions) and a note for its title."""
    if start is None and end is None:
        if isinstance(index, pd.DatetimeIndex) and len(index) > 1 and _unit(index) == "day":
            years = (index[-1] - index[0]).days / 365.25
            if years > 3 and index.is_monotonic_increasing:
                first = int(index.searchsorted(index[-1] - pd.DateOffset(years=2)))
                return slice(first, len(index)), f" (the last 2 of {years:.1f} years shown: start=, end= choose)"
        return slice(0, len(index)), ""
    try:
        shown = index.slice_indexer(start, end)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"start={start!r}, end={end!r} must be labels of the series' index (dates for a "
                         f"DatetimeIndex), in order, on a sorted index: {exc}") from None
    if len(range(len(index))[shown]) == 0:
        raise ValueError(f"start={start!r}, end={end!r} select no point of the series ({index[0]} .. {index[-1]})")
    return shown, ""


def _formula(fn, f: _Fn) -> str:
    """The legend of a function's graph: its formula from the docstring of a test function
    (``"f(θ) = θ²"``), else ``"f(θ)"``."""
    doc = (getattr(fn, "__doc__", None) or "").strip()
    head = doc.split(":")[0] if doc.startswith("f(") else ""
    cut = head.find(", ", head.find(" = "))  # "f(θ) = θ², the one-dimensional bowl" -> "f(θ) = θ²"
    head = (head[:cut] if cut > 0 else head).strip().rstrip(".")
    return head if " = " in head else f"f({', '.join(f.variables)})"


def _pandas(obj, name=None):
    """A result or price object as pandas (polars and arrays too: a RangeIndex)."""
    if isinstance(obj, (pd.Series, pd.DataFrame)):
        return obj
    if type(obj).__module__.split(".")[0] == "polars":
        if type(obj).__name__ == "DataFrame":
            return pd.DataFrame({c: obj[c].to_numpy() for c in obj.columns})
        return pd.Series(obj.to_numpy(), name=obj.name or name)
    arr = np.asarray(obj)
    return pd.Series(arr, name=name) if arr.ndim == 1 else pd.DataFrame(arr)


def _pick(obj, column, what: str) -> pd.Series:
    if isinstance(obj, pd.Series):
        return obj
    if column is None:
        if obj.shape[1] != 1:
            raise ValueError(f"the backtest has {obj.shape[1]} series: pick one with column=..., one of "
                             f"{list(obj.columns)[:10]!r}{'...' if obj.shape[1] > 10 else ''}")
        column = obj.columns[0]
    if column not in obj.columns:
        raise ValueError(f"column={column!r} is not a series of the backtest; its series are "
                         f"{list(obj.columns)[:10]!r}{'...' if obj.shape[1] > 10 else ''}")
    return obj[column]


def _losses(trajectories: Any, fmin: float | None, log: bool | None) -> tuple[list[tuple[str, np.ndarray]], bool]:
    """The convergence picture's data, for both backends: ``(label, losses)`` per run (the gap to ``fmin``
    when given, floored at the rounding level) and whether to draw them on a log scale (``log=None``: when
    every loss is positive and they span more than a factor of 100)."""
    items = []
    for label, t in _labelled(trajectories, "losses", "run", "loss"):
        losses = np.asarray(t.losses if hasattr(t, "losses") else t, dtype=np.float64).reshape(-1)
        if fmin is not None:
            floor = 1e-15 * max(1.0, abs(float(fmin)))  # a gap below rounding is drawn at the rounding level
            with np.errstate(invalid="ignore"):
                losses = np.maximum(losses - float(fmin), floor)
        items.append((str(label), losses))
    finite = np.concatenate([v[np.isfinite(v)] for _, v in items]) if items else np.empty(0)
    positive = finite.size > 0 and bool(np.all(finite > 0))
    if log is None:
        return items, bool(positive and finite.max() > 100 * finite.min())
    if log and not positive:
        raise ValueError("log=True needs positive losses; pass fmin=<the minimum> to plot the gap loss − fmin")
    return items, bool(log)


# the names the backends import
AXIS_NOTES = _AXIS_NOTES
Fn = _Fn
SPECS = _SPECS
VARIABLES = _VARIABLES
betas = _betas
color = _color
decay_label = _decay_label
decays = _decays
find_column = _find_column
finite_rows = _finite_rows
fmt = _fmt
formula = _formula
labelled = _labelled
pandas = _pandas
paths = _paths
pick = _pick
series = _series
shown_range = _shown_range
spans_decades = _spans_decades
unit = _unit
losses = _losses
