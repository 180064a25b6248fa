r"""Pictures of what an EWMA and an optimizer do (matplotlib).

Every function takes ``ax=None`` (draw on new axes, or on the ones given) and
returns the :class:`matplotlib.axes.Axes` it drew on, or the
:class:`matplotlib.figure.Figure` for the multi-panel ones
(:func:`indicators`, :func:`animate`). matplotlib is imported inside the
functions, never when :mod:`ewmakit` is imported, and only this module imports
it (install it with ``pip install 'ewmakit[plot]'``).

================================  ============================================================
function                          draws
================================  ============================================================
:func:`smoothing`                 a price series as points, one EWMA line per β
:func:`beta_impact`               a short series and its EWMAs: low β follows the noise,
                                  high β lags
:func:`weights`                   the exponentially decaying weights of the last n points,
                                  with the half-life and effective window marked
:func:`contour`                   a 2-D test function (log-scaled levels when it spans
                                  decades) and optimizer paths on it
:func:`curve`                     a 1-D test function and optimizer paths along it
:func:`surface`                   the same in 3-D
:func:`convergence`               loss against step (log scale when it helps)
:func:`animate`                   a GIF of optimizers racing on a surface
:func:`control_chart`             an EWMA control chart (:func:`ewmakit.control.ewma_chart`)
:func:`indicators`                price with EMAs, a MACD panel, an RSI panel (and RiskMetrics
                                  volatility)
:func:`window_to_beta`            β = 1 − 2/(n+1) and α = 2/(n+1) against the window n
:func:`save`                      write a figure to a file and close it
================================  ============================================================

Colours are the Okabe–Ito palette (:data:`PALETTE`), which stays distinguishable
with the common colour-vision deficiencies. Trajectories are
:class:`ewmakit.optim.Trajectory` objects or ``(k, dim)`` arrays of points,
given alone, in a list, or in a dict whose keys are the legend labels (name
the optimizer and its β/lr there, e.g. ``{"Adam (lr=0.05)": run}``).
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from . import core
from ._checks import check_unit
from ._figures import check_output, pyplot, use_agg
from .decay import halflife_from_beta, window_from_beta

__all__ = [
    "PALETTE",
    "smoothing",
    "beta_impact",
    "weights",
    "contour",
    "curve",
    "surface",
    "convergence",
    "animate",
    "control_chart",
    "indicators",
    "window_to_beta",
    "beta_label",
    "save",
    "use_agg",
    "check_output",
]

#: Okabe & Ito (2008) colours, most distinguishable first: blue, orange, bluish green,
#: vermillion, reddish purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_GREY = "0.55"

# axis names of the test functions in ewmakit.optim.functions (others: x, y)
_VARIABLES = {
    "bowl": ("w₁", "w₂"),
    "wavy_regression": ("w₀", "w₁"),
    "quadratic": ("θ",),
    "wavy": ("θ",),
}
_AXIS_NOTES = {"wavy_regression": (" (slope)", " (intercept)")}


# --------------------------------------------------------------------------- helpers


def save(fig, path, *, dpi=110) -> Path:
    """Write a figure (or the figure of an Axes) to ``path`` and close it.

    The format follows the suffix (``.png``, ``.svg``, ``.pdf``...); the
    folder must exist.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        For a suffix matplotlib cannot write.
    OSError
        When the file cannot be written.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import os, tempfile
    >>> from ewmakit import plot
    >>> out = plot.save(plot.weights(0.5, 10), os.path.join(tempfile.mkdtemp(), "w.png"))
    >>> out.stat().st_size > 0
    True
    """
    plt = pyplot()
    fig = getattr(fig, "figure", fig)
    out = Path(path)
    try:
        fig.savefig(out, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return out


def _axes(ax, figsize=(9, 5), projection=None):
    """The axes to draw on: ``ax``, or new ones on a new figure."""
    if ax is not None:
        if projection == "3d" and getattr(ax, "name", None) != "3d":
            raise ValueError("surface needs 3-D axes, e.g. fig.add_subplot(projection='3d'), got 2-D axes")
        return ax
    plt = pyplot()
    fig = plt.figure(figsize=figsize)
    return fig.add_subplot(projection=projection)


def _color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def beta_label(beta: float, unit: str = "day") -> str:
    """Legend label of an EWMA: ``"β=0.9 (≈19-day)"`` (the n of the n-period EMA with this β).

    Examples
    --------
    >>> beta_label(0.9)
    'β=0.9 (≈19-day)'
    >>> beta_label(0.5, unit="point")
    'β=0.5 (≈3-point)'
    """
    b = check_unit("beta", beta)
    return f"β={_fmt(b)} (≈{window_from_beta(b):.0f}-{unit})"


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

            field = price_field(series, column if column is not None else "close")
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


def _levels(z: np.ndarray, log: bool, n: int):
    """(values to contour, levels, norm, colour-bar label suffix)."""
    v = z[np.isfinite(z)]
    if not log:
        from matplotlib.ticker import MaxNLocator

        return z, MaxNLocator(n).tick_values(v.min(), v.max()), None, ""
    from matplotlib.colors import LogNorm

    shift = 0.0 if v.min() > 0 else -v.min()
    w = z + shift
    pos = w[np.isfinite(w) & (w > 0)]
    lo, hi = max(pos.min(), pos.max() * 1e-9), pos.max()
    lo = max(lo, np.percentile(pos, 0.1))
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(w > 0, w, lo)
    levels = np.geomspace(lo, hi, n)
    suffix = " (log scale)" if shift == 0 else f" + {_fmt(shift)} (log scale)"
    return w, levels, LogNorm(vmin=lo, vmax=hi), suffix


def _thin(path: np.ndarray, most: int = 600) -> np.ndarray:
    """At most about ``most`` points of a long path (first and last kept): a line of 10 000 tiny steps
    looks the same and draws much faster."""
    if len(path) <= most:
        return path
    keep = np.unique(np.r_[np.round(np.linspace(0, len(path) - 1, most)).astype(int), len(path) - 1])
    return path[keep]


def _legend_loc(ax) -> str:
    """matplotlib's "best" searches every vertex of every line: slow for long paths, so fixed then."""
    return "best" if sum(len(line.get_xdata()) for line in ax.lines) <= 1000 else "upper right"


def _finite_rows(path: np.ndarray) -> np.ndarray:
    ok = np.all(np.isfinite(path), axis=1)
    if ok.all():
        return path
    stop = int(np.argmin(ok))  # a diverged run: draw up to its last finite point
    return path[:stop]


# --------------------------------------------------------------------------- EWMA pictures


def smoothing(series, betas=None, *, beta=None, alpha=None, window=None, span=None, halflife=None, com=None,
              ax=None, column=None, title=None, ylabel=None, label=None, init="first", bias_correction=False):
    r"""A series as points and one EWMA line for each decay given.

    Each line is :func:`ewmakit.ewma` of the series,

    .. math::

        v_t = \beta\, v_{t-1} + (1-\beta)\, x_t,

    with β from the decay spec: ``betas``/``beta`` (β itself), ``alpha``
    (β = 1 − α), ``window``/``span`` (β = 1 − 2/(n+1)), ``halflife``
    (β = 0.5^(1/h)) or ``com`` (β = c/(1+c)).

    Parameters
    ----------
    series : Series, DataFrame or 1-D array
        The data; a DatetimeIndex becomes the x axis. A DataFrame gives its
        ``Close`` column whatever its case (or ``column``, or its only
        numeric column); a yfinance frame of one ticker gives that ticker's.
    betas : float or sequence of float, optional
        β of each EWMA (weight of the past); an empty sequence draws the
        points only. Default: β = 0.5, 0.9 and 0.95 when no other decay is
        given.
    beta, alpha, window, span, halflife, com : number or sequence, optional
        Instead of ``betas``, any one decay spec, one value or several
        (``window=(10, 50)``): one line per value. Labels read
        ``β=0.9 (≈19-day)`` for β (the n-period EMA with that β), else the
        spec as given: ``window=10``, ``span=20``, ``halflife=5``...
    ax : matplotlib Axes, optional
    column : str, optional
        The column of a DataFrame (found whatever its case).
    title, ylabel, label : str, optional
        Title, y-axis label (default: the series name) and the points'
        legend label (default: the series name).
    init, bias_correction
        Passed to :func:`ewmakit.ewma`.

    Returns
    -------
    matplotlib.axes.Axes
        Its first collection holds the points; ``ax.lines`` has one EWMA line
        per value, in order.

    Raises
    ------
    ValueError
        For several decay specs at once, or a value out of its range (the
        message names the spec, its range and the value).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from ewmakit import plot
    >>> s = pd.Series([5.0, 6, 4, 7, 5, 10, 8, 6, 7], name="price")
    >>> ax = plot.smoothing(s, betas=(0.5, 0.9))
    >>> [line.get_label() for line in ax.lines]
    ['β=0.5 (≈3-point)', 'β=0.9 (≈19-point)']
    >>> len(ax.collections[0].get_offsets())
    9
    >>> ax = plot.smoothing(s, window=(3, 5))
    >>> [line.get_label() for line in ax.lines]
    ['window=3', 'window=5']
    """
    spec, values_of_spec = _decays(betas, {"beta": beta, "alpha": alpha, "window": window, "span": span,
                                           "halflife": halflife, "com": com})
    s = _series(series, column)
    ax = _axes(ax, figsize=(10, 5))
    x = s.index
    unit = _unit(x)
    name = label if label is not None else (str(s.name) if s.name is not None else "data")
    ax.scatter(x, s.to_numpy(), s=8, color=_GREY, alpha=0.8, label=name, zorder=2)
    values = s.to_numpy()
    for i, v in enumerate(values_of_spec):
        line = core.ewma(values, **{spec: v}, init=init, bias_correction=bias_correction)
        ax.plot(x, line, color=_color(i), lw=1.8, label=_decay_label(spec, v, unit), zorder=3)
    ax.set_xlabel("date" if isinstance(x, pd.DatetimeIndex) else "t (step)")
    ax.set_ylabel(ylabel if ylabel is not None else name)
    if title is None:
        title = f"{name} and its exponentially weighted moving averages" if values_of_spec else name
    ax.set_title(title)
    ax.legend(loc="best", fontsize=9)
    ax.grid(True, alpha=0.25)
    return ax


def beta_impact(data=(5, 6, 4, 7, 5, 10, 8, 6, 7), betas=(0.1, 0.5, 0.9), *, ax=None, init="first",
                bias_correction=False, title=None):
    r"""A short series and its EWMAs: a low β follows the noise, a high β lags behind.

    Parameters
    ----------
    data : sequence of float, default (5, 6, 4, 7, 5, 10, 8, 6, 7)
    betas : sequence of float, default (0.1, 0.5, 0.9)
    ax : matplotlib Axes, optional
    init, bias_correction
        Passed to :func:`ewmakit.ewma`; ``init="zero"`` shows the start-up
        bias that ``bias_correction=True`` removes.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The points (first collection) and one line per β.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> ax = plot.beta_impact()
    >>> len(ax.lines), len(ax.collections[0].get_offsets())
    (3, 9)
    >>> ax.lines[2].get_ydata()[:3].round(2).tolist()
    [5.0, 5.1, 4.99]
    """
    s = _series(data)
    bs = _betas(betas)
    ax = _axes(ax, figsize=(8, 4.5))
    t = np.arange(1, len(s) + 1)
    values = s.to_numpy()
    from matplotlib.collections import LineCollection

    ax.scatter(t, values, s=45, color="0.25", label="data", zorder=3)
    # a faint guide through the data, as a collection so that ax.lines is one EWMA per β
    ax.add_collection(LineCollection([np.column_stack([t, values])], colors="0.8", linewidths=0.8, zorder=1))
    styles = ("-", "--", "-.", ":")
    for i, b in enumerate(bs):
        v = core.ewma(values, b, init=init, bias_correction=bias_correction)
        ax.plot(t, v, styles[i % len(styles)], marker="o", ms=4, color=_color(i), lw=2,
                label=f"β={_fmt(b)}" + (" (follows the noise)" if b <= 0.2 else " (lags)" if b >= 0.8 else ""))
    ax.set_xlabel("t (step)")
    ax.set_ylabel("value")
    ax.set_xticks(t)
    ax.set_title(title if title is not None else "Impact of β on v_t = β·v_{t−1} + (1−β)·x_t")
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(True, alpha=0.25)
    return ax


def weights(beta, n=30, *, ax=None, title=None):
    r"""The weight an EWMA gives each of the last ``n`` points, newest on the right.

    The weight of the point ``k`` steps old is (1 − β)·β^k (the zero-start
    weights of :func:`ewmakit.ewma_weights`). Vertical lines mark the
    half-life ln 0.5 / ln β (weights halve every that many steps), the
    effective window 1/(1 − β) and the n of the n-period EMA, (1 + β)/(1 − β).

    Parameters
    ----------
    beta : float
        0 ≤ β < 1.
    n : int, default 30
        How many points to show.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar (patch) per point.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> ax = plot.weights(0.9, 30)
    >>> len(ax.patches)
    30
    >>> round(float(ax.patches[-1].get_height()), 3)   # the newest point: 1 − β
    0.1
    >>> [line.get_label().split(" = ")[0] for line in ax.lines]
    ['half-life ln 0.5 / ln β', 'effective window 1/(1−β)', 'n-period EMA window (1+β)/(1−β)']
    """
    b = check_unit("beta", beta)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    ax = _axes(ax, figsize=(9, 4.5))
    w = core.ewma_weights(int(n), b, init="zero")  # oldest first: (1−β)β^(n−1) ... (1−β)
    age = np.arange(n - 1, -1, -1)
    ax.bar(-age, w, width=0.8, color=PALETTE[0], alpha=0.85)
    marks = []
    if b > 0:
        marks.append(("half-life ln 0.5 / ln β", halflife_from_beta(b), ":", PALETTE[3]))
    marks.append(("effective window 1/(1−β)", 1.0 / (1.0 - b), "--", PALETTE[1]))
    marks.append(("n-period EMA window (1+β)/(1−β)", window_from_beta(b), "-.", PALETTE[2]))
    for label, k, style, color in marks:
        # a point k steps old sits at x = −k: the half-life is an age, the windows count the last k points
        # (ages 0 .. k − 1), so their line is drawn half a step further back
        x = -k if label.startswith("half-life") else -(k - 0.5)
        ax.axvline(x, ls=style, color=color, lw=1.6, label=f"{label} = {_fmt(k)} points")
    shown = float(w.sum())
    ax.set_xlabel("age of the point (steps before the newest; 0 = newest)")
    ax.set_ylabel("weight in the average")
    ax.set_xlim(-(n - 0.5) - 0.5, 0.9)
    ax.set_title(title if title is not None else
                 f"EWMA weights for β={_fmt(b)}: (1−β)·β^k; the last {n} points hold {shown:.1%} of the weight")
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(True, axis="y", alpha=0.25)
    return ax


def window_to_beta(max_window=60, *, mark=(19, 20), ax=None, title=None):
    r"""β and α of the n-period EMA against the window n.

    β = 1 − 2/(n+1) = (n−1)/(n+1) is the weight of the past; the often
    quoted "2/(n+1)" is α = 1 − β, the weight of the newest point.

    Parameters
    ----------
    max_window : int, default 60
    mark : int or sequence of int, default (19, 20)
        Windows to annotate (19 gives β = 0.9 exactly).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        Lines ``β = (n−1)/(n+1)`` and ``α = 2/(n+1)``, then one marker line per mark.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> ax = plot.window_to_beta(40, mark=19)
    >>> [line.get_label() for line in ax.lines]  # doctest: +NORMALIZE_WHITESPACE
    ['β = 1 − 2/(n+1) = (n−1)/(n+1)  (weight of the past)',
     'α = 2/(n+1)  (weight of the newest point)',
     'n = 19: β = 0.9, α = 0.1']
    """
    from .decay import alpha_from_window, beta_from_window

    if isinstance(max_window, bool) or not isinstance(max_window, numbers.Integral) or max_window < 2:
        raise ValueError(f"max_window must be an integer >= 2, got {max_window!r}")
    marks = [mark] if isinstance(mark, numbers.Real) else list(mark)
    ax = _axes(ax, figsize=(8, 4.5))
    n = np.arange(1, int(max_window) + 1)
    ax.plot(n, (n - 1) / (n + 1), color=PALETTE[0], lw=2, label="β = 1 − 2/(n+1) = (n−1)/(n+1)  (weight of the past)")
    ax.plot(n, 2 / (n + 1), color=PALETTE[1], lw=2, ls="--", label="α = 2/(n+1)  (weight of the newest point)")
    for i, m in enumerate(marks):
        b, a = beta_from_window(m), alpha_from_window(m)
        ax.plot([m, m], [a, b], "o:", color=PALETTE[(i + 2) % len(PALETTE)], ms=7,
                label=f"n = {m}: β = {_fmt(b)}, α = {_fmt(a)}")
    ax.set_xlabel("window n of the n-period EMA (points)")
    ax.set_ylabel("weight")
    ax.set_ylim(0, 1.02)
    ax.set_title(title if title is not None else "From a window to β: the \"2/(n+1)\" is α, not β")
    ax.legend(loc="center right", fontsize=9)
    ax.grid(True, alpha=0.25)
    return ax


# --------------------------------------------------------------------------- optimizer pictures


def _path_labels_ok(paths):
    return any(not label.startswith("path") for label, _, _ in paths) or len(paths) > 1


def contour(fn, trajectories=(), *, ax=None, bounds=None, log=None, levels=30, title=None, colorbar=True,
            lines=True, resolution=300):
    r"""Contours of a 2-D test function with optimizer paths on them.

    A one-dimensional function is drawn as its graph (see :func:`curve`).

    Parameters
    ----------
    fn : Objective or callable
        A function of :mod:`ewmakit.optim.functions` (its bounds and minima
        are used), or ``f(xy)`` taking a ``(2, ...)`` grid (then give
        ``bounds``).
    trajectories : Trajectory, (k, 2) array, list or dict of them
        Paths to draw; dict keys are the legend labels.
    ax : matplotlib Axes, optional
    bounds : [(x0, x1), (y0, y1)], optional
        Default: the function's bounds, grown to hold every path's start.
    log : bool, optional
        Log-spaced levels on a log colour scale (a ``LogNorm``). Default:
        when f − min f spans decades over the box (its 95th percentile is
        more than 50 times its 5th: Rosenbrock, Beale, Booth, the six-hump camel).
    levels : int, default 30
    title : str, optional
    colorbar : bool, default True
    lines : bool, default True
        Draw contour lines over the filled levels.
    resolution : int, default 300
        Grid points per axis.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines``: one line per trajectory (its label; a path of more
        than 600 points is drawn through 600 of them, first and last
        included), then the minima (label ``"minimum"``) and the starts
        (label ``"start"``).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> from ewmakit.optim import functions, minimize
    >>> f = functions.rosenbrock
    >>> run = minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=300)
    >>> ax = plot.contour(f, {"Adam (lr=0.05)": run})
    >>> ax.lines[0].get_label(), ax.lines[0].get_xydata()[0].tolist()
    ('Adam (lr=0.05)', [-1.2, 1.0])
    >>> type(ax.collections[0].norm).__name__    # Rosenbrock spans decades: log levels
    'LogNorm'
    """
    f = _Fn(fn, bounds)
    paths = _paths(trajectories)
    if f.dim == 1:
        return curve(fn, trajectories, ax=ax, bounds=bounds, title=title)
    if f.dim != 2:
        raise ValueError(f"contour draws functions of 2 variables, {f.name!r} has {f.dim}")
    box = f.expanded(paths) if bounds is None else f.bounds
    ax = _axes(ax, figsize=(7, 6))
    xs, ys, z = f.grid(box, int(resolution))
    use_log = _spans_decades(z) if log is None else bool(log)
    zz, lv, norm, suffix = _levels(z, use_log, int(levels))
    filled = ax.contourf(xs, ys, zz, levels=lv, norm=norm, cmap="Greys", alpha=0.55, extend="both")
    if lines:
        ax.contour(xs, ys, zz, levels=lv, norm=norm, colors="0.45", linewidths=0.4)
    if colorbar:
        cb = ax.figure.colorbar(filled, ax=ax, shrink=0.85)
        if norm is not None:
            from matplotlib.ticker import LogFormatterSciNotation, LogLocator

            cb.locator, cb.formatter = LogLocator(), LogFormatterSciNotation()
            cb.update_ticks()
        cb.set_label(f"f({', '.join(f.variables)}){suffix}")
    _draw_paths_2d(ax, f, paths)
    ax.set_xlim(*box[0])
    ax.set_ylim(*box[1])
    ax.set_xlabel(f.axis_labels[0])
    ax.set_ylabel(f.axis_labels[1])
    ax.set_title(title if title is not None else f"{f.name}" + (" (log-scaled contours)" if use_log else ""))
    if paths or len(f.minima):
        ax.legend(loc=_legend_loc(ax), fontsize=8, framealpha=0.9)
    return ax


def _draw_paths_2d(ax, f: _Fn, paths):
    for i, (label, p, _) in enumerate(paths):
        q = _thin(_finite_rows(p))
        many = len(q) > 60
        # earlier paths drawn wider, so that one hidden under a later one still shows at its edges
        ax.plot(q[:, 0], q[:, 1], "-", marker=None if many else "o", ms=3, color=_color(i),
                lw=1.6 + 1.2 * (len(paths) - 1 - i), label=label, zorder=4)
    if len(f.minima):
        ax.plot(f.minima[:, 0], f.minima[:, 1], "*", color="k", ms=13, mec="w", mew=0.8,
                label="minimum", zorder=5, ls="none")
    if paths:
        starts = np.array([p[0, :2] for _, p, _ in paths])
        ax.plot(starts[:, 0], starts[:, 1], "o", ms=8, mfc="w", mec="k", mew=1.5, ls="none", label="start",
                zorder=5)


def curve(fn, trajectories=(), *, ax=None, bounds=None, title=None, resolution=500):
    r"""The graph of a 1-D test function with optimizer steps along it.

    Parameters
    ----------
    fn : Objective or callable
        A one-variable function of :mod:`ewmakit.optim.functions` or
        ``f(theta)`` (then give ``bounds=[(lo, hi)]``).
    trajectories : Trajectory, (k,) array, list or dict of them
    ax : matplotlib Axes, optional
    bounds : [(lo, hi)], optional
    title : str, optional
    resolution : int, default 500

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines[0]`` is the function; then one line per trajectory
        (points (θ_t, f(θ_t)) joined in step order).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> from ewmakit.optim import functions, minimize
    >>> q = functions.quadratic
    >>> run = minimize(q, 10.0, "sgd", grad=q.grad, lr=0.1, momentum=0.5, loss_tol=1e-2)
    >>> ax = plot.curve(q, {"β=0.5": run})
    >>> ax.lines[1].get_xydata()[:3].round(2).tolist()
    [[10.0, 100.0], [8.0, 64.0], [5.4, 29.16]]
    """
    f = _Fn(fn, bounds)
    if f.dim != 1:
        raise ValueError(f"curve draws functions of one variable, {f.name!r} has {f.dim}")
    paths = _paths(trajectories)
    (lo, hi), = f.expanded(paths) if bounds is None else f.bounds
    ax = _axes(ax, figsize=(8, 4.5))
    grid = np.linspace(lo, hi, int(resolution))
    ax.plot(grid, f.value(grid[:, None]), color="0.35", lw=1.5, label=f"f = {f.name}")
    for i, (label, p, _) in enumerate(paths):
        q = _thin(_finite_rows(p))
        ax.plot(q[:, 0], f.value(q), "-o", color=_color(i), ms=4, lw=1.0, alpha=0.9, label=label)
    inside = f.minima[(f.minima[:, 0] >= lo) & (f.minima[:, 0] <= hi)]
    if len(inside):
        ax.plot(inside[:, 0], f.value(inside), "*", color="k", ms=13, ls="none", label="minimum")
    ax.set_xlim(lo, hi)
    ax.set_xlabel(f.axis_labels[0])
    ax.set_ylabel(f"f({f.variables[0]})")
    ax.set_title(title if title is not None else f.name)
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, alpha=0.25)
    return ax


def surface(fn, trajectories=(), *, ax=None, bounds=None, log=None, title=None, resolution=80, elev=35, azim=-60):
    r"""A 2-D test function as a 3-D surface, with optimizer paths lying on it.

    Parameters
    ----------
    fn, trajectories, bounds, title
        As for :func:`contour`.
    ax : 3-D matplotlib Axes, optional
        ``fig.add_subplot(projection="3d")``; 2-D axes are an error.
    log : bool, optional
        Draw log₁₀(f − min f + ε) instead of f. Default: as for
        :func:`contour` (Rosenbrock, Beale).
    resolution : int, default 80
    elev, azim : float
        The view angles.

    Returns
    -------
    mpl_toolkits.mplot3d.Axes3D
        ``ax.lines``: one 3-D line per trajectory, then the minima and starts.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> from ewmakit.optim import functions, minimize
    >>> run = minimize(functions.bowl, [2.5, 2.5], "sgd", grad=functions.bowl.grad, lr=0.1, steps=50)
    >>> ax = plot.surface(functions.bowl, {"SGD (lr=0.1)": run})
    >>> ax.name, ax.lines[0].get_label(), len(ax.lines[0].get_xdata())
    ('3d', 'SGD (lr=0.1)', 51)
    """
    f = _Fn(fn, bounds)
    if f.dim != 2:
        raise ValueError(f"surface draws functions of 2 variables, {f.name!r} has {f.dim}")
    paths = _paths(trajectories)
    box = f.expanded(paths) if bounds is None else f.bounds
    ax = _axes(ax, figsize=(8, 6.5), projection="3d")
    xs, ys, z = f.grid(box, int(resolution))
    use_log = _spans_decades(z) if log is None else bool(log)
    finite = z[np.isfinite(z)]
    zmin = float(finite.min())
    eps = 1e-3 * max(float(np.median(finite - zmin)), 1e-12)

    def lift(values):
        if not use_log:
            return values
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.maximum(values - zmin, 0) + eps)

    X, Y = np.meshgrid(xs, ys)
    Z = lift(z)
    ax.plot_surface(X, Y, Z, cmap="Greys", alpha=0.45, linewidth=0, antialiased=True, rcount=resolution,
                    ccount=resolution)
    for i, (label, p, _) in enumerate(paths):
        q = _finite_rows(p)
        inside = np.all((q >= [b[0] for b in box]) & (q <= [b[1] for b in box]), axis=1)
        q = q[: int(np.argmin(inside)) if not inside.all() else len(q)]  # stop where it leaves the box
        zq = lift(f.value(q))
        ax.plot(q[:, 0], q[:, 1], zq, "-", marker="o" if len(q) <= 60 else None, ms=2.5, color=_color(i),
                lw=1.6 + 1.0 * (len(paths) - 1 - i), label=label, zorder=10)
    if len(f.minima):
        m = f.minima
        ax.plot(m[:, 0], m[:, 1], lift(f.value(m)), "*", color="k", ms=12, ls="none", label="minimum", zorder=11)
    if paths:
        starts = np.array([p[0, :2] for _, p, _ in paths])
        ax.plot(starts[:, 0], starts[:, 1], lift(f.value(starts)), "o", ms=7, mfc="w", mec="k", ls="none",
                label="start", zorder=11)
    ax.set_xlim(*box[0])
    ax.set_ylim(*box[1])
    ax.set_xlabel(f.axis_labels[0])
    ax.set_ylabel(f.axis_labels[1])
    ax.set_zlabel("log₁₀(f − min f)" if use_log else f"f({', '.join(f.variables)})")
    ax.view_init(elev=elev, azim=azim)
    ax.set_title(title if title is not None else f.name)
    if paths:
        ax.legend(loc="upper left", fontsize=8)
    return ax


def convergence(trajectories, *, ax=None, log=None, fmin=None, title=None):
    r"""Loss against step for each run.

    Parameters
    ----------
    trajectories : Trajectory, 1-D array of losses, list or dict of them
    ax : matplotlib Axes, optional
    log : bool, optional
        A log y axis. Default: when every loss is positive and they span more
        than two decades.
    fmin : float, optional
        Plot ``loss − fmin`` (the gap to the optimum), e.g. for a function
        whose minimum is not 0; gaps below 1e-15·max(1, abs(fmin)) (rounding)
        are drawn at that floor.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per run.

    Raises
    ------
    ValueError
        ``log=True`` with a loss ≤ 0 (give ``fmin``).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> from ewmakit.optim import functions, minimize
    >>> f = functions.beale
    >>> runs = {m: minimize(f, f.start, m, grad=f.grad, lr=0.01, steps=200) for m in ("adam", "rmsprop")}
    >>> ax = plot.convergence(runs)
    >>> len(ax.lines), ax.get_yscale()
    (2, 'log')
    """
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
        use_log = positive and finite.max() > 100 * finite.min()
    else:
        use_log = bool(log)
        if use_log and not positive:
            raise ValueError("log=True needs positive losses; pass fmin=<the minimum> to plot the gap loss − fmin")
    ax = _axes(ax, figsize=(7, 4.5))
    for i, (label, v) in enumerate(items):
        ax.plot(np.arange(len(v)), v, color=_color(i), lw=1.6, label=label)
    if use_log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(("f(x) − f*" if fmin is not None else "loss f(x)") + (" (log scale)" if use_log else ""))
    ax.set_title(title if title is not None else "Convergence")
    if items:
        ax.legend(loc=_legend_loc(ax), fontsize=8)
    ax.grid(True, which="both", alpha=0.25)
    return ax


def animate(fn, trajectories, path, *, ax=None, frames=60, fps=12, bounds=None, log=None, title=None, dpi=80):
    r"""Write a GIF of optimizers racing on the contours of a 2-D function.

    Each frame draws every path up to one step; the steps shown are spaced
    geometrically (early steps change most), and the last frame is the end
    of the longest run.

    Parameters
    ----------
    fn, trajectories, bounds, log
        As for :func:`contour`.
    path : str or os.PathLike
        The ``.gif`` to write (with matplotlib's ``PillowWriter``; Pillow
        ships with matplotlib).
    ax : matplotlib Axes, optional
        Draw on these axes (their figure is animated).
    frames : int, default 60
    fps : int, default 12
    title : str, optional
        Frame titles read ``"<title> — step k"``.
    dpi : int, default 80

    Returns
    -------
    matplotlib.figure.Figure
        The figure at its last frame (close it with ``plt.close(fig)``).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tempfile, os
    >>> from PIL import Image
    >>> from ewmakit import plot
    >>> from ewmakit.optim import functions, minimize
    >>> f = functions.beale
    >>> runs = {"Adam": minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=100)}
    >>> gif = os.path.join(tempfile.mkdtemp(), "race.gif")
    >>> fig = plot.animate(f, runs, gif, frames=5, fps=5, dpi=40)
    >>> Image.open(gif).n_frames
    5
    """
    from matplotlib.animation import PillowWriter

    f = _Fn(fn, bounds)
    if f.dim != 2:
        raise ValueError(f"animate draws functions of 2 variables, {f.name!r} has {f.dim}")
    paths = _paths(trajectories)
    if not paths:
        raise ValueError("animate needs at least one trajectory")
    if isinstance(frames, bool) or not isinstance(frames, numbers.Integral) or frames < 1:
        raise ValueError(f"frames must be an integer >= 1, got {frames!r}")
    out = Path(path)
    # filled levels only and a coarser grid: every frame redraws the background
    ax = contour(fn, trajectories, ax=ax, bounds=bounds, log=log, colorbar=False, lines=False, resolution=150,
                 title=title if title is not None else f.name)
    fig = ax.figure
    lines = ax.lines[: len(paths)]
    finite = [_finite_rows(p) for _, p, _ in paths]
    longest = max(len(q) for q in finite)
    steps = np.unique(np.round(np.geomspace(1, longest, int(frames)))).astype(int) - 1
    if len(steps) < frames:  # fill in linearly where the geometric spacing repeats early steps
        extra = np.setdiff1d(np.round(np.linspace(0, longest - 1, 4 * frames)).astype(int), steps)
        pick = extra[np.round(np.linspace(0, len(extra) - 1, min(len(extra), frames - len(steps)))).astype(int)]
        steps = np.union1d(steps, pick)[:frames] if len(extra) else steps
    base = ax.get_title()

    def draw(k):
        for line, q in zip(lines, finite):
            upto = _thin(q[: k + 1], 300)
            line.set_data(upto[:, 0], upto[:, 1])
        ax.set_title(f"{base} — step {k}")
        return lines

    # the writer directly rather than FuncAnimation.save, which draws every frame twice on Agg
    writer = PillowWriter(fps=int(fps))
    with writer.saving(fig, out, dpi):
        for k in steps:
            draw(int(k))
            writer.grab_frame()
    return fig


# --------------------------------------------------------------------------- finance and SPC pictures


def control_chart(chart, *, ax=None, title=None, ylabel=None, mark=None):
    r"""Draw an EWMA control chart made by :func:`ewmakit.control.ewma_chart`.

    Parameters
    ----------
    chart : DataFrame
        Columns ``value, ewma, center, lcl, ucl, signal``.
    ax : matplotlib Axes, optional
    title, ylabel : str, optional
    mark : index value, optional
        Draw a dotted vertical line there (e.g. the end of phase I, or a
        known shift).

    Returns
    -------
    matplotlib.axes.Axes
        The observations (first collection), then lines ``EWMA z``,
        ``UCL``, ``LCL``, ``center`` and the signals.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> from ewmakit.control import ewma_chart
    >>> chart = ewma_chart([0.3, -0.4, 0.1, 0.5, 1.6, 1.4, 1.9, 1.2, 2.0, 1.8], 0.2, 3.0, target=0.0, sigma=1.0)
    >>> ax = plot.control_chart(chart)
    >>> [line.get_label() for line in ax.lines]
    ['EWMA z', 'UCL', 'LCL', 'center', 'signal (2)']
    """
    need = ["value", "ewma", "center", "lcl", "ucl", "signal"]
    if not isinstance(chart, pd.DataFrame) or any(c not in chart.columns for c in need):
        raise ValueError(f"chart must be a DataFrame from ewmakit.control.ewma_chart with columns {need}")
    ax = _axes(ax, figsize=(10, 4.5))
    x = chart.index
    ax.scatter(x, chart["value"], s=8, color=_GREY, label="observation", zorder=2)
    ax.plot(x, chart["ewma"], color=PALETTE[0], lw=1.6, label="EWMA z", zorder=3)
    ax.plot(x, chart["ucl"], color=PALETTE[3], lw=1.1, label="UCL")
    ax.plot(x, chart["lcl"], color=PALETTE[3], lw=1.1, ls="--", label="LCL")
    ax.plot(x, chart["center"], color="0.3", lw=0.8, ls=":", label="center")
    sig = chart["signal"].to_numpy(dtype=bool)
    ax.plot(x[sig], chart["ewma"].to_numpy()[sig], "o", ms=5, mfc="none", mec=PALETTE[4], mew=1.4, ls="none",
            label=f"signal ({int(sig.sum())})", zorder=4)
    if mark is not None:
        ax.axvline(mark, color="0.3", lw=0.8, ls=":")
    attrs = chart.attrs
    if title is None:
        title = "EWMA control chart"
        if "alpha" in attrs and "L" in attrs:
            title += f" (α={_fmt(attrs['alpha'])}, L={attrs['L']:.3f})"
    ax.set_title(title)
    ax.set_xlabel("date" if isinstance(x, pd.DatetimeIndex) else "observation")
    ax.set_ylabel(ylabel if ylabel is not None else "value")
    ax.legend(loc="upper left", fontsize=8, ncols=3)
    ax.grid(True, alpha=0.25)
    return ax


def indicators(frame, *, ax=None, fast=20, slow=50, macd=(12, 26, 9), rsi=14, volatility=False, title=None,
               ylabel="price"):
    r"""Price with two EMAs, a MACD panel and an RSI panel (and RiskMetrics volatility).

    Parameters
    ----------
    frame : DataFrame or Series
        Prices (the ``Close`` column is used, whatever its case: ``close``,
        ``CLOSE``; a yfinance frame of one ticker gives its) or a close Series.
    ax : sequence of matplotlib Axes, optional
        3 axes (4 with ``volatility=True``); default: a new figure.
    fast, slow : int, default 20, 50
        The EMA windows drawn on the price (TA-Lib seeded,
        :func:`ewmakit.finance.ema`); crossings are marked ▲/▼.
    macd : (fast, slow, signal), default (12, 26, 9)
    rsi : int, default 14
    volatility : bool, default False
        Add a panel with the RiskMetrics volatility (β = 0.94) of the log
        returns, annualised, in % a year.
    title, ylabel : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import data, plot
    >>> fig = plot.indicators(data.sample("sp500").loc["2018"])
    >>> len(fig.axes), fig.axes[2].get_ylabel()
    (3, 'RSI(14)')
    """
    from . import finance

    close = _series(frame)  # a frame's Close column, whatever its case
    n_panels = 4 if volatility else 3
    if ax is None:
        plt = pyplot()
        ratios = [3, 1.6, 1.2] + ([1.2] if volatility else [])
        fig, axes = plt.subplots(n_panels, 1, figsize=(10, 2.2 * n_panels + 1.5), sharex=True,
                                 height_ratios=ratios)
    else:
        axes = list(np.ravel(ax))
        if len(axes) != n_panels:
            raise ValueError(f"indicators needs {n_panels} axes, got {len(axes)}")
        fig = axes[0].figure
    x = close.index
    e_fast, e_slow = finance.ema(close, fast), finance.ema(close, slow)
    a = axes[0]
    a.plot(x, close, color="0.35", lw=1.0, label="close")
    a.plot(x, e_fast, color=PALETTE[0], lw=1.5, label=f"EMA({fast}), β={_fmt(1 - 2 / (fast + 1))}")
    a.plot(x, e_slow, color=PALETTE[1], lw=1.5, label=f"EMA({slow}), β={_fmt(1 - 2 / (slow + 1))}")
    cross = finance.crossover(e_fast, e_slow)
    up, down = cross.to_numpy() == 1, cross.to_numpy() == -1
    a.plot(x[up], e_fast[up], "^", color=PALETTE[2], ms=8, ls="none", label="fast crosses above")
    a.plot(x[down], e_fast[down], "v", color=PALETTE[3], ms=8, ls="none", label="fast crosses below")
    a.set_ylabel(ylabel)
    a.set_title(title if title is not None else f"{close.name or 'price'}: EMAs, MACD and RSI")
    a.legend(loc="best", fontsize=8)
    f_, s_, g_ = macd
    m = finance.macd(close, f_, s_, g_)
    b = axes[1]
    width = 1.0 if isinstance(x, pd.DatetimeIndex) else 0.8
    hist = m["hist"].to_numpy()
    b.bar(x, hist, width=width, color=np.where(hist >= 0, PALETTE[2], PALETTE[3]), alpha=0.6, label="histogram")
    b.plot(x, m["macd"], color=PALETTE[0], lw=1.2, label=f"MACD({f_}, {s_})")
    b.plot(x, m["signal"], color=PALETTE[1], lw=1.2, label=f"signal({g_})")
    b.axhline(0, color="0.5", lw=0.6)
    b.set_ylabel("MACD (price units)")
    b.legend(loc="upper left", fontsize=8, ncols=3)
    c = axes[2]
    r = finance.rsi(close, rsi)
    c.plot(x, r, color=PALETTE[4], lw=1.2, label=f"RSI({rsi})")
    for level in (30, 70):
        c.axhline(level, color="0.5", ls="--", lw=0.8)
    c.set_ylim(0, 100)
    c.set_ylabel(f"RSI({rsi})")
    if volatility:
        d = axes[3]
        vol = finance.volatility(finance.log_returns(close), 0.94, annualize=252) * 100
        d.plot(x, vol, color=PALETTE[3], lw=1.2, label="RiskMetrics σ, β=0.94")
        d.set_ylabel("volatility\n(% a year)")
        d.legend(loc="upper left", fontsize=8)
    for axis in axes:
        axis.grid(True, alpha=0.25)
    axes[-1].set_xlabel("date" if isinstance(x, pd.DatetimeIndex) else "t (step)")
    fig.align_ylabels(axes)
    return fig
