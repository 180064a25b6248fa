r"""Pictures of what an EWMA and an optimizer do (matplotlib).

Every function takes ``ax=None`` (draw on new axes, or on the ones given) and
returns the :class:`matplotlib.axes.Axes` it drew on, or the
:class:`matplotlib.figure.Figure` for the multi-panel ones
(:func:`indicators`, :func:`animate`). matplotlib is imported inside the
functions, never when :mod:`ewmakit` is imported, and only this module imports
it (install it with ``pip install 'ewmakit[plot]'``).

Every drawing function also takes ``backend="plotly"`` (the default is
``"matplotlib"``) and then returns an interactive
:class:`plotly.graph_objects.Figure` with the same data and labels and hover
text (the date and value on a series; the step, coordinates and loss on an
optimizer path), built by :mod:`ewmakit._plotly`; it needs
``pip install "ewmakit[interactive]"``.

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
:func:`backtest`                  a backtest (:func:`ewmakit.backtest.backtest`): price with the
                                  entries and exits, equity, drawdown
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
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast, overload

import numpy as np
import pandas as pd

from . import core
from ._checks import check_unit
from ._figdata import PALETTE, beta_label
from ._figdata import Fn as _Fn
from ._figdata import betas as _betas
from ._figdata import color as _color
from ._figdata import decay_label as _decay_label
from ._figdata import decays as _decays
from ._figdata import finite_rows as _finite_rows
from ._figdata import fmt as _fmt
from ._figdata import formula as _formula
from ._figdata import losses as _losses
from ._figdata import pandas as _pandas
from ._figdata import paths as _paths
from ._figdata import pick as _pick
from ._figdata import series as _series
from ._figdata import shown_range as _shown_range
from ._figdata import spans_decades as _spans_decades
from ._figdata import unit as _unit
from ._figures import check_output, pyplot, use_agg
from ._typing import ArrayLike, Backend, Data, DateLike, Halflife, PathLike, TestFunction, Trajectories
from .decay import halflife_from_beta, window_from_beta

if TYPE_CHECKING:
    import plotly.graph_objects as go  # untyped (Any for mypy): the figure of backend="plotly"
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from mpl_toolkits.mplot3d.axes3d import Axes3D  # untyped (Any for mypy)

    from .backtest import BacktestResult

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
    "backtest",
    "window_to_beta",
    "beta_label",
    "save",
    "use_agg",
    "check_output",
]

_GREY = "0.55"


# --------------------------------------------------------------------------- helpers


def save(fig: Figure | Axes | go.Figure, path: PathLike, *, dpi: float = 110) -> Path:
    """Write a figure (or the figure of an Axes) to ``path`` and close it.

    The format follows the suffix (``.png``, ``.svg``, ``.pdf``...);
    missing folders are created. A plotly figure (``backend="plotly"``) is
    written as a page that works offline for ``.html`` (plotly.js included),
    else as an image (that needs the ``kaleido`` package).

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
    >>> out = plot.save(plot.weights(0.5, 10), os.path.join(tempfile.mkdtemp(), "new", "w.png"))
    >>> out.stat().st_size > 0
    True
    >>> page = plot.save(plot.weights(0.5, 10, backend="plotly"), os.path.join(tempfile.mkdtemp(), "w.html"))
    >>> page.read_text(encoding="utf-8").count("<script") >= 2   # plotly.js, then the figure
    True
    """
    if type(fig).__module__.startswith("plotly."):
        from . import _plotly

        return _plotly.save(fig, path)
    plt = pyplot()
    figure = cast("Figure", getattr(fig, "figure", fig))  # not plotly here: an Axes gives its Figure, a Figure itself
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(out, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(figure)
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


def _interactive(backend, ax=None):
    """The plotly builders (:mod:`ewmakit._plotly`) for ``backend="plotly"``, None for ``"matplotlib"``.

    An unknown backend, or ``ax`` with plotly (it makes its own figure), is a ValueError.
    """
    if backend == "matplotlib":
        return None
    if backend != "plotly":
        raise ValueError(f"backend must be 'matplotlib' or 'plotly', got {backend!r}")
    if ax is not None:
        raise ValueError(f"ax is for backend='matplotlib'; backend='plotly' makes its own figure, got ax={ax!r}")
    from . import _plotly

    _plotly.go()  # an ImportError that says how to install plotly, before any work
    return _plotly


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


def _legend_loc(ax: Axes) -> Literal["best", "upper right"]:
    """matplotlib's "best" searches every vertex of every line: slow for long paths, so fixed then."""
    return "best" if sum(np.size(line.get_xdata()) for line in ax.lines) <= 1000 else "upper right"


# --------------------------------------------------------------------------- EWMA pictures


@overload
def smoothing(series: Data, betas: float | Sequence[float] | None = None, *,
              beta: float | Sequence[float] | None = None, alpha: float | Sequence[float] | None = None,
              window: float | Sequence[float] | None = None, span: float | Sequence[float] | None = None,
              halflife: Halflife | Sequence[Halflife] | None = None, com: float | Sequence[float] | None = None,
              ax: Axes | None = None, column: Hashable | None = None, title: str | None = None,
              ylabel: str | None = None, label: str | None = None, init: Literal["first", "zero"] = "first",
              bias_correction: bool = False, backend: Literal["matplotlib"] = "matplotlib",
              start: DateLike | None = None, end: DateLike | None = None) -> Axes: ...


@overload
def smoothing(series: Data, betas: float | Sequence[float] | None = None, *,
              beta: float | Sequence[float] | None = None, alpha: float | Sequence[float] | None = None,
              window: float | Sequence[float] | None = None, span: float | Sequence[float] | None = None,
              halflife: Halflife | Sequence[Halflife] | None = None, com: float | Sequence[float] | None = None,
              ax: Axes | None = None, column: Hashable | None = None, title: str | None = None,
              ylabel: str | None = None, label: str | None = None, init: Literal["first", "zero"] = "first",
              bias_correction: bool = False, backend: Literal["plotly"], start: DateLike | None = None,
              end: DateLike | None = None) -> go.Figure: ...


def smoothing(series: Data, betas: float | Sequence[float] | None = None, *,
              beta: float | Sequence[float] | None = None, alpha: float | Sequence[float] | None = None,
              window: float | Sequence[float] | None = None, span: float | Sequence[float] | None = None,
              halflife: Halflife | Sequence[Halflife] | None = None, com: float | Sequence[float] | None = None,
              ax: Axes | None = None, column: Hashable | None = None, title: str | None = None,
              ylabel: str | None = None, label: str | None = None, init: Literal["first", "zero"] = "first",
              bias_correction: bool = False, backend: Backend = "matplotlib", start: DateLike | None = None,
              end: DateLike | None = None) -> Axes | go.Figure:
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
        ``β=0.9 (≈10 days, span 19)`` for β (it averages about 1/(1 − β)
        points; the n-period EMA with that β has span n), else the spec as
        given: ``window=10``, ``span=20``, ``halflife=5``...
    ax : matplotlib Axes, optional
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: date (or step) and value on every point and line); it needs
        ``pip install "ewmakit[interactive]"`` and takes no ``ax``.
    column : str, optional
        The column of a DataFrame (found whatever its case).
    title, ylabel, label : str, optional
        Title, y-axis label (default: the series name) and the points'
        legend label (default: the series name).
    init, bias_correction
        Passed to :func:`ewmakit.ewma`.
    start, end : index label or date string, optional
        Show only this range (both ends included, as ``series.loc[start:end]``;
        ``"2020"`` is all of 2020). The EWMAs are computed on the whole
        series, so the first point shown carries its full history. Default:
        everything, except for a daily series longer than 3 years, of which
        the last 2 years are shown (20 years of daily points and their EWMAs
        are a blur at any figure size) and the title says so; pass
        ``start=series.index[0]`` to see it all. (matplotlib only: plotly
        figures zoom.)

    Returns
    -------
    matplotlib.axes.Axes or plotly.graph_objects.Figure
        Its first collection holds the points; ``ax.lines`` has one EWMA line
        per value, in order. Long ranges get smaller points and thinner lines.

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
    ['β=0.5 (≈2 points, span 3)', 'β=0.9 (≈10 points, span 19)']
    >>> len(ax.collections[0].get_offsets())
    9
    >>> ax = plot.smoothing(s, window=(3, 5))
    >>> [line.get_label() for line in ax.lines]
    ['window=3', 'window=5']
    >>> from ewmakit import data
    >>> ax = plot.smoothing(data.sample("sp500"))          # 1999–2018: the last 2 years shown
    >>> ax.get_title()
    'Close and its exponentially weighted moving averages (the last 2 of 20.0 years shown: start=, end= choose)'
    >>> fig = plot.smoothing(s, betas=(0.5, 0.9), backend="plotly")
    >>> len(fig.data), fig.data[1].y[:3].round(2).tolist()
    (3, [5.0, 5.5, 4.75])
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.smoothing(series, betas, beta=beta, alpha=alpha, window=window, span=span, halflife=halflife,
                                     com=com, column=column, title=title, ylabel=ylabel, label=label, init=init,
                                     bias_correction=bias_correction, start=start, end=end)
    spec, values_of_spec = _decays(betas, {"beta": beta, "alpha": alpha, "window": window, "span": span,
                                           "halflife": halflife, "com": com})
    s = _series(series, column)
    unit = _unit(s.index)
    name = label if label is not None else (str(s.name) if s.name is not None else "data")
    values = s.to_numpy()
    lines = [core.ewma(values, **{spec: v}, init=init, bias_correction=bias_correction) for v in values_of_spec]
    shown, note = _shown_range(s.index, start, end)
    x = s.index[shown]
    ax = _axes(ax, figsize=(10, 5))
    n = len(x)
    ax.scatter(x, values[shown], s=8 if n <= 750 else 3 if n <= 3000 else 1, color=_GREY, alpha=0.8, label=name,
               zorder=2)
    for i, (v, line) in enumerate(zip(values_of_spec, lines)):
        ax.plot(x, line[shown], color=_color(i), lw=1.8 if n <= 1500 else 1.0, label=_decay_label(spec, v, unit),
                zorder=3)
    ax.set_xlabel("date" if isinstance(x, pd.DatetimeIndex) else "t (step)")
    ax.set_ylabel(ylabel if ylabel is not None else name)
    if title is None:
        title = (f"{name} and its exponentially weighted moving averages" if values_of_spec else name) + note
    ax.set_title(title)
    ax.legend(loc="best", fontsize=9)
    ax.grid(True, alpha=0.25)
    return ax


@overload
def beta_impact(data: ArrayLike = (5, 6, 4, 7, 5, 10, 8, 6, 7), betas: Sequence[float] = (0.1, 0.5, 0.9), *,
                ax: Axes | None = None, init: Literal["first", "zero"] = "first", bias_correction: bool = False,
                title: str | None = None, backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def beta_impact(data: ArrayLike = (5, 6, 4, 7, 5, 10, 8, 6, 7), betas: Sequence[float] = (0.1, 0.5, 0.9), *,
                ax: Axes | None = None, init: Literal["first", "zero"] = "first", bias_correction: bool = False,
                title: str | None = None, backend: Literal["plotly"]) -> go.Figure: ...


def beta_impact(data: ArrayLike = (5, 6, 4, 7, 5, 10, 8, 6, 7), betas: Sequence[float] = (0.1, 0.5, 0.9), *,
                ax: Axes | None = None, init: Literal["first", "zero"] = "first", bias_correction: bool = False,
                title: str | None = None, backend: Backend = "matplotlib") -> Axes | go.Figure:
    r"""A short series and its EWMAs: a low β follows the noise, a high β lags behind.

    Parameters
    ----------
    data : sequence of float, default (5, 6, 4, 7, 5, 10, 8, 6, 7)
    betas : sequence of float, default (0.1, 0.5, 0.9)
    ax : matplotlib Axes, optional
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: step and value); it needs ``pip install
        "ewmakit[interactive]"`` and takes no ``ax``.
    init, bias_correction
        Passed to :func:`ewmakit.ewma`; ``init="zero"`` shows the start-up
        bias that ``bias_correction=True`` removes.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes or plotly.graph_objects.Figure
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
    >>> fig = plot.beta_impact(backend="plotly")
    >>> fig.data[3].y[:3].round(2).tolist()
    [5.0, 5.1, 4.99]
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.beta_impact(data, betas, init=init, bias_correction=bias_correction, title=title)
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


@overload
def weights(beta: float, n: int = 30, *, ax: Axes | None = None, title: str | None = None,
            backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def weights(beta: float, n: int = 30, *, ax: Axes | None = None, title: str | None = None,
            backend: Literal["plotly"]) -> go.Figure: ...


def weights(beta: float, n: int = 30, *, ax: Axes | None = None, title: str | None = None,
            backend: Backend = "matplotlib") -> Axes | go.Figure:
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
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: age and weight of each bar); it needs ``pip install
        "ewmakit[interactive]"`` and takes no ``ax``.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes or plotly.graph_objects.Figure
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
    >>> fig = plot.weights(0.9, 30, backend="plotly")
    >>> len(fig.data[0].y), round(float(fig.data[0].y[-1]), 3)
    (30, 0.1)
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.weights(beta, n, title=title)
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


@overload
def window_to_beta(max_window: int = 60, *, mark: float | Sequence[float] = (19, 20), ax: Axes | None = None,
                   title: str | None = None, backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def window_to_beta(max_window: int = 60, *, mark: float | Sequence[float] = (19, 20), ax: Axes | None = None,
                   title: str | None = None, backend: Literal["plotly"]) -> go.Figure: ...


def window_to_beta(max_window: int = 60, *, mark: float | Sequence[float] = (19, 20), ax: Axes | None = None,
                   title: str | None = None, backend: Backend = "matplotlib") -> Axes | go.Figure:
    r"""β and α of the n-period EMA against the window n.

    β = 1 − 2/(n+1) = (n−1)/(n+1) is the weight of the past; the often
    quoted "2/(n+1)" is α = 1 − β, the weight of the newest point.

    Parameters
    ----------
    max_window : int, default 60
    mark : int or sequence of int, default (19, 20)
        Windows to annotate (19 gives β = 0.9 exactly).
    ax : matplotlib Axes, optional
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: n and the weight); it needs ``pip install
        "ewmakit[interactive]"`` and takes no ``ax``.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes or plotly.graph_objects.Figure
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
    >>> fig = plot.window_to_beta(40, mark=19, backend="plotly")
    >>> [round(float(v), 3) for v in fig.data[2].y]
    [0.1, 0.9]
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.window_to_beta(max_window, mark=mark, title=title)
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


@overload
def contour(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
            bounds: Sequence[tuple[float, float]] | None = None, log: bool | None = None, levels: int = 30,
            title: str | None = None, colorbar: bool = True, lines: bool = True, resolution: int = 300,
            backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def contour(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
            bounds: Sequence[tuple[float, float]] | None = None, log: bool | None = None, levels: int = 30,
            title: str | None = None, colorbar: bool = True, lines: bool = True, resolution: int = 300,
            backend: Literal["plotly"]) -> go.Figure: ...


def contour(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
            bounds: Sequence[tuple[float, float]] | None = None, log: bool | None = None, levels: int = 30,
            title: str | None = None, colorbar: bool = True, lines: bool = True, resolution: int = 300,
            backend: Backend = "matplotlib") -> Axes | go.Figure:
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
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: step, coordinates and loss on each path; coordinates and f on
        the contours); it needs ``pip install "ewmakit[interactive]"`` and
        takes no ``ax``.
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
    matplotlib.axes.Axes or plotly.graph_objects.Figure
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
    >>> fig = plot.contour(f, {"Adam (lr=0.05)": run}, backend="plotly")
    >>> fig.data[1].name, fig.data[1].hovertemplate.split("<br>")[0]
    ('Adam (lr=0.05)', 'step %{customdata[0]}')
    >>> fig.data[1].x[:2].round(3).tolist(), fig.data[1].customdata[:2].round(2).tolist()  # the path, [step, loss]
    ([-1.2, -1.15], [[0.0, 24.2], [1.0, 12.05]])
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.contour(fn, trajectories, bounds=bounds, log=log, levels=levels, title=title,
                                   colorbar=colorbar, lines=lines, resolution=resolution)
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


_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")


def _draw_paths_2d(ax, f: _Fn, paths):
    """Every path visible even where paths overlap: the path that travels least is drawn on top and
    thinnest, the one that travels most at the bottom and widest; each has its own marker shape, at
    every point of a short path, else at a dozen evenly spaced steps and at its end."""
    thinned = [_thin(_finite_rows(p)) for _, p, _ in paths]
    travel = [float(np.sum(np.hypot(*np.diff(q[:, :2], axis=0).T))) if len(q) > 1 else 0.0 for q in thinned]
    depth = np.argsort(np.argsort(travel))  # 0: travels least (on top)
    for i, ((label, _, _), q) in enumerate(zip(paths, thinned)):
        marks = slice(None) if len(q) <= 60 else sorted({*np.linspace(0, len(q) - 1, 13).astype(int).tolist()})
        ax.plot(q[:, 0], q[:, 1], "-", marker=_MARKERS[i % len(_MARKERS)], markevery=marks, ms=4 if len(q) <= 60
                else 6, mec="w", mew=0.6, color=_color(i), lw=1.4 + 1.1 * int(depth[i]), alpha=0.95, label=label,
                zorder=4.9 - 0.1 * int(depth[i]))
    if len(f.minima):
        ax.plot(f.minima[:, 0], f.minima[:, 1], "*", color="k", ms=13, mec="w", mew=0.8,
                label="minimum", zorder=5, ls="none")
    if paths:
        starts = np.array([p[0, :2] for _, p, _ in paths])
        ax.plot(starts[:, 0], starts[:, 1], "o", ms=8, mfc="w", mec="k", mew=1.5, ls="none", label="start",
                zorder=5)


@overload
def curve(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
          bounds: Sequence[tuple[float, float]] | None = None, title: str | None = None, resolution: int = 500,
          backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def curve(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
          bounds: Sequence[tuple[float, float]] | None = None, title: str | None = None, resolution: int = 500,
          backend: Literal["plotly"]) -> go.Figure: ...


def curve(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
          bounds: Sequence[tuple[float, float]] | None = None, title: str | None = None, resolution: int = 500,
          backend: Backend = "matplotlib") -> Axes | go.Figure:
    r"""The graph of a 1-D test function with optimizer steps along it.

    Parameters
    ----------
    fn : Objective or callable
        A one-variable function of :mod:`ewmakit.optim.functions` or
        ``f(theta)`` (then give ``bounds=[(lo, hi)]``).
    trajectories : Trajectory, (k,) array, list or dict of them
    ax : matplotlib Axes, optional
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: step, θ and loss on each path); it needs ``pip install
        "ewmakit[interactive]"`` and takes no ``ax``.
    bounds : [(lo, hi)], optional
    title : str, optional
    resolution : int, default 500

    Returns
    -------
    matplotlib.axes.Axes or plotly.graph_objects.Figure
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
    >>> fig = plot.curve(q, {"β=0.5": run}, backend="plotly")
    >>> fig.data[1].x[:3].round(2).tolist(), fig.data[1].y[:3].round(2).tolist()
    ([10.0, 8.0, 5.4], [100.0, 64.0, 29.16])
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.curve(fn, trajectories, bounds=bounds, title=title, resolution=resolution)
    f = _Fn(fn, bounds)
    if f.dim != 1:
        raise ValueError(f"curve draws functions of one variable, {f.name!r} has {f.dim}")
    paths = _paths(trajectories)
    (lo, hi), = f.expanded(paths) if bounds is None else f.bounds
    ax = _axes(ax, figsize=(8, 4.5))
    grid = np.linspace(lo, hi, int(resolution))
    ax.plot(grid, f.value(grid[:, None]), color="0.35", lw=1.5, label=_formula(fn, f))
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


@overload
def surface(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
            bounds: Sequence[tuple[float, float]] | None = None, log: bool | None = None, title: str | None = None,
            resolution: int = 80, elev: float = 35, azim: float = -60,
            backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def surface(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
            bounds: Sequence[tuple[float, float]] | None = None, log: bool | None = None, title: str | None = None,
            resolution: int = 80, elev: float = 35, azim: float = -60, backend: Literal["plotly"]) -> go.Figure: ...


def surface(fn: TestFunction, trajectories: Trajectories = (), *, ax: Axes | None = None,
            bounds: Sequence[tuple[float, float]] | None = None, log: bool | None = None, title: str | None = None,
            resolution: int = 80, elev: float = 35, azim: float = -60,
            backend: Backend = "matplotlib") -> Axes | go.Figure:
    r"""A 2-D test function as a 3-D surface, with optimizer paths lying on it.

    Parameters
    ----------
    fn, trajectories, bounds, title
        As for :func:`contour`.
    ax : 3-D matplotlib Axes, optional
        ``fig.add_subplot(projection="3d")``; 2-D axes are an error.
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: a surface you can rotate, the paths drawn on it with step,
        coordinates and loss); it needs ``pip install "ewmakit[interactive]"``
        and takes no ``ax``.
    log : bool, optional
        Draw log₁₀(f − min f + ε) instead of f. Default: as for
        :func:`contour` (Rosenbrock, Beale).
    resolution : int, default 80
    elev, azim : float
        The view angles.

    Returns
    -------
    mpl_toolkits.mplot3d.Axes3D or plotly.graph_objects.Figure
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
    >>> fig = plot.surface(functions.bowl, {"SGD (lr=0.1)": run}, backend="plotly")
    >>> fig.data[0].type, fig.data[1].type, fig.data[1].name, len(fig.data[1].x)
    ('surface', 'scatter3d', 'SGD (lr=0.1)', 51)
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.surface(fn, trajectories, bounds=bounds, log=log, title=title, resolution=resolution,
                                   elev=elev, azim=azim)
    f = _Fn(fn, bounds)
    if f.dim != 2:
        raise ValueError(f"surface draws functions of 2 variables, {f.name!r} has {f.dim}")
    paths = _paths(trajectories)
    box = f.expanded(paths) if bounds is None else f.bounds
    ax3d: Axes3D = _axes(ax, figsize=(8, 6.5), projection="3d")
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
    ax3d.plot_surface(X, Y, Z, cmap="Greys", alpha=0.45, linewidth=0, antialiased=True, rcount=resolution,
                    ccount=resolution)
    for i, (label, p, _) in enumerate(paths):
        q = _finite_rows(p)
        inside = np.all((q >= [b[0] for b in box]) & (q <= [b[1] for b in box]), axis=1)
        q = q[: int(np.argmin(inside)) if not inside.all() else len(q)]  # stop where it leaves the box
        zq = lift(f.value(q))
        ax3d.plot(q[:, 0], q[:, 1], zq, "-", marker="o" if len(q) <= 60 else None, ms=2.5, color=_color(i),
                lw=1.6 + 1.0 * (len(paths) - 1 - i), label=label, zorder=10)
    if len(f.minima):
        m = f.minima
        ax3d.plot(m[:, 0], m[:, 1], lift(f.value(m)), "*", color="k", ms=12, ls="none", label="minimum", zorder=11)
    if paths:
        starts = np.array([p[0, :2] for _, p, _ in paths])
        ax3d.plot(starts[:, 0], starts[:, 1], lift(f.value(starts)), "o", ms=7, mfc="w", mec="k", ls="none",
                label="start", zorder=11)
    ax3d.set_xlim(*box[0])
    ax3d.set_ylim(*box[1])
    ax3d.set_xlabel(f.axis_labels[0])
    ax3d.set_ylabel(f.axis_labels[1])
    ax3d.set_zlabel("log₁₀(f − min f)" if use_log else f"f({', '.join(f.variables)})")
    ax3d.view_init(elev=elev, azim=azim)
    ax3d.set_title(title if title is not None else f.name)
    if paths:
        ax3d.legend(loc="upper left", fontsize=8)
    return ax3d


@overload
def convergence(trajectories: Trajectories, *, ax: Axes | None = None, log: bool | None = None,
                fmin: float | None = None, title: str | None = None,
                backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def convergence(trajectories: Trajectories, *, ax: Axes | None = None, log: bool | None = None,
                fmin: float | None = None, title: str | None = None, backend: Literal["plotly"]) -> go.Figure: ...


def convergence(trajectories: Trajectories, *, ax: Axes | None = None, log: bool | None = None,
                fmin: float | None = None, title: str | None = None,
                backend: Backend = "matplotlib") -> Axes | go.Figure:
    r"""Loss against step for each run.

    Parameters
    ----------
    trajectories : Trajectory, 1-D array of losses, list or dict of them
    ax : matplotlib Axes, optional
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: step and loss); it needs ``pip install "ewmakit[interactive]"``
        and takes no ``ax``.
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
    matplotlib.axes.Axes or plotly.graph_objects.Figure
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
    >>> fig = plot.convergence(runs, backend="plotly")
    >>> len(fig.data), fig.layout.yaxis.type
    (2, 'log')
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.convergence(trajectories, log=log, fmin=fmin, title=title)
    items, use_log = _losses(trajectories, fmin, log)
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


@overload
def animate(fn: TestFunction, trajectories: Trajectories, path: PathLike | None, *, ax: Axes | None = None,
            frames: int = 60, fps: int = 12, bounds: Sequence[tuple[float, float]] | None = None,
            log: bool | None = None, title: str | None = None, dpi: int = 100,
            backend: Literal["matplotlib"] = "matplotlib", trail: int = 12,
            on_frame: Callable[[int, int], object] | None = None) -> Figure: ...


@overload
def animate(fn: TestFunction, trajectories: Trajectories, path: PathLike | None, *, ax: Axes | None = None,
            frames: int = 60, fps: int = 12, bounds: Sequence[tuple[float, float]] | None = None,
            log: bool | None = None, title: str | None = None, dpi: int = 100, backend: Literal["plotly"],
            trail: int = 12, on_frame: Callable[[int, int], object] | None = None) -> go.Figure: ...


def animate(fn: TestFunction, trajectories: Trajectories, path: PathLike | None, *, ax: Axes | None = None,
            frames: int = 60, fps: int = 12, bounds: Sequence[tuple[float, float]] | None = None,
            log: bool | None = None, title: str | None = None, dpi: int = 100, backend: Backend = "matplotlib",
            trail: int = 12, on_frame: Callable[[int, int], object] | None = None) -> Figure | go.Figure:
    r"""Write a GIF of optimizers racing on the contours of a 2-D function.

    Frame j shows every optimizer at step k_j: the steps shown are spaced
    geometrically (early steps change most), and the last frame is the end
    of the longest run. Each optimizer is a head marker with a trail of a
    fixed number of points (its positions at the last ``trail`` frames; the
    first frames repeat the start), over a faint line through all its
    positions shown so far. The GIF has every frame (Pillow, ``loop=0``).

    Parameters
    ----------
    fn, trajectories, bounds, log
        As for :func:`contour`.
    path : str or os.PathLike
        The ``.gif`` to write (with matplotlib's ``PillowWriter``; Pillow
        ships with matplotlib).
    ax : matplotlib Axes, optional
        Draw on these axes (their figure is animated). Default: a new figure
        8.5 inches wide, 850 pixels at the default ``dpi``.
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns a :class:`plotly.graph_objects.Figure` with one
        frame per step shown, a play button and a slider (hover: step,
        coordinates and loss); ``path`` is then None (write nothing) or an
        ``.html`` file, written with plotly.js included so that it plays
        offline. It needs ``pip install "ewmakit[interactive]"`` and takes no
        ``ax``.
    frames : int, default 60
    fps : int, default 12
    title : str, optional
        Frame titles read ``"<title> — step k"``.
    dpi : int, default 100
    trail : int, default 12
        Points in each optimizer's trail (matplotlib only).
    on_frame : callable, optional
        ``on_frame(j, k)`` after frame ``j`` (showing step ``k``) is written:
        a progress bar's update, say (matplotlib only).

    Returns
    -------
    matplotlib.figure.Figure or plotly.graph_objects.Figure
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
    >>> fig = plot.animate(f, runs, gif, frames=5, fps=5)
    >>> Image.open(gif).n_frames, Image.open(gif).width >= 800
    (5, True)
    >>> fig = plot.animate(f, runs, None, frames=5, backend="plotly")
    >>> len(fig.frames), bool(fig.frames[-1].data[0].x[-1] == runs["Adam"].path[-1, 0])
    (5, True)
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.animate(fn, trajectories, path, frames=frames, fps=fps, bounds=bounds, log=log, title=title)
    from matplotlib.animation import PillowWriter

    f = _Fn(fn, bounds)
    if f.dim != 2:
        raise ValueError(f"animate draws functions of 2 variables, {f.name!r} has {f.dim}")
    paths = _paths(trajectories)
    if not paths:
        raise ValueError("animate needs at least one trajectory")
    if isinstance(frames, bool) or not isinstance(frames, numbers.Integral) or frames < 1:
        raise ValueError(f"frames must be an integer >= 1, got {frames!r}")
    if isinstance(trail, bool) or not isinstance(trail, numbers.Integral) or trail < 1:
        raise ValueError(f"trail must be an integer >= 1, got {trail!r}")
    if on_frame is not None and not callable(on_frame):
        raise TypeError(f"on_frame must be callable or None, got {type(on_frame).__name__}")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if ax is None:
        ax = pyplot().figure(figsize=(8.5, 7)).add_subplot()
    # filled levels only and a coarser grid: every frame redraws the background
    ax = contour(fn, trajectories, ax=ax, bounds=bounds, log=log, colorbar=False, lines=False, resolution=150,
                 title=title if title is not None else f.name)
    fig = ax.figure
    history = ax.lines[: len(paths)]  # contour's full paths: redrawn as the faint path so far
    for line in history:
        line.set(alpha=0.35, lw=1.0, marker="")
    finite = [_finite_rows(p) for _, p, _ in paths]
    steps = _frame_steps(max(len(q) for q in finite), int(frames))
    trails = [ax.plot([], [], "-", color=h.get_color(), lw=2.6, solid_capstyle="round", zorder=6)[0] for h in history]
    heads = [ax.plot([], [], _MARKERS[i % len(_MARKERS)], color=h.get_color(), ms=9, mec="k", mew=1.0, zorder=7)[0]
             for i, h in enumerate(history)]
    base = ax.get_title()

    # the writer directly rather than FuncAnimation.save, which draws every frame twice on Agg
    writer = PillowWriter(fps=int(fps))
    with writer.saving(fig, out, dpi):
        for j, drawn in enumerate(_race_frames(finite, steps, int(trail))):
            for (past, tail), h, t, head in zip(drawn, history, trails, heads):
                h.set_data(past[:, 0], past[:, 1])
                t.set_data(tail[:, 0], tail[:, 1])
                head.set_data(tail[-1:, 0], tail[-1:, 1])
            ax.set_title(f"{base} — step {steps[j]}")
            writer.grab_frame()
            if on_frame is not None:
                on_frame(j, int(steps[j]))
    return fig


def _frame_steps(longest: int, frames: int) -> np.ndarray:
    """The step each frame of :func:`animate` shows: geometric (early steps change most), filled in
    linearly where rounding repeats a step, the last one ``longest − 1``."""
    steps = np.unique(np.round(np.geomspace(1, longest, frames))).astype(int) - 1
    if len(steps) < frames:  # fill in linearly where the geometric spacing repeats early steps
        extra = np.setdiff1d(np.round(np.linspace(0, longest - 1, 4 * frames)).astype(int), steps)
        pick = extra[np.round(np.linspace(0, len(extra) - 1, min(len(extra), frames - len(steps)))).astype(int)]
        steps = np.union1d(steps, pick)[:frames] if len(extra) else steps
    return steps


def _race_frames(finite, steps, trail: int):
    """For each frame, for each path: (the path so far, its trail of exactly ``trail`` points: the
    positions at the last ``trail`` frames, the start repeated before the first frame).

    The path so far goes through the same (at most 600) points of the whole path in every frame, so
    its shape never changes; a path that diverged stays at its last finite point.
    """
    keep = [np.unique(np.round(np.linspace(0, len(q) - 1, min(len(q), 600))).astype(int)) for q in finite]
    for j in range(len(steps)):
        shown = steps[: j + 1]
        drawn = []
        for q, idx in zip(finite, keep):
            k = min(int(shown[-1]), len(q) - 1)
            past = q[np.r_[idx[idx < k], k]]
            at = q[np.minimum(shown, len(q) - 1)]
            tail = at[-trail:]
            if len(tail) < trail:
                tail = np.concatenate([np.repeat(q[:1], trail - len(tail), axis=0), tail])
            drawn.append((past, tail))
        yield drawn


# --------------------------------------------------------------------------- finance and SPC pictures


@overload
def control_chart(chart: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None, ylabel: str | None = None,
                  mark: Hashable | None = None, backend: Literal["matplotlib"] = "matplotlib") -> Axes: ...


@overload
def control_chart(chart: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None, ylabel: str | None = None,
                  mark: Hashable | None = None, backend: Literal["plotly"]) -> go.Figure: ...


def control_chart(chart: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None, ylabel: str | None = None,
                  mark: Hashable | None = None, backend: Backend = "matplotlib") -> Axes | go.Figure:
    r"""Draw an EWMA control chart made by :func:`ewmakit.control.ewma_chart`.

    Parameters
    ----------
    chart : DataFrame
        Columns ``value, ewma, center, lcl, ucl, signal``.
    ax : matplotlib Axes, optional
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: date (or observation) and value); it needs ``pip install
        "ewmakit[interactive]"`` and takes no ``ax``.
    title, ylabel : str, optional
    mark : index value, optional
        Draw a dotted vertical line there (e.g. the end of phase I, or a
        known shift).

    Returns
    -------
    matplotlib.axes.Axes or plotly.graph_objects.Figure
        The observations (first collection), then lines ``EWMA of the observations``,
        ``UCL``, ``LCL``, ``center`` and the signals.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import plot
    >>> from ewmakit.control import ewma_chart
    >>> chart = ewma_chart([0.3, -0.4, 0.1, 0.5, 1.6, 1.4, 1.9, 1.2, 2.0, 1.8], 0.2, 3.0, target=0.0, sigma=1.0)
    >>> ax = plot.control_chart(chart)
    >>> [line.get_label() for line in ax.lines]
    ['EWMA of the observations', 'UCL', 'LCL', 'center', 'signal (2)']
    >>> fig = plot.control_chart(chart, backend="plotly")
    >>> fig.data[1].y.round(3)[:3].tolist(), len(fig.data[-1].x)
    ([0.06, -0.032, -0.006], 2)
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.control_chart(chart, title=title, ylabel=ylabel, mark=mark)
    need = ["value", "ewma", "center", "lcl", "ucl", "signal"]
    if not isinstance(chart, pd.DataFrame) or any(c not in chart.columns for c in need):
        raise ValueError(f"chart must be a DataFrame from ewmakit.control.ewma_chart with columns {need}")
    ax = _axes(ax, figsize=(10, 4.5))
    x = chart.index
    ax.scatter(x, chart["value"], s=8, color=_GREY, label="observation", zorder=2)
    ax.plot(x, chart["ewma"], color=PALETTE[0], lw=1.6, label="EWMA of the observations", zorder=3)
    ax.plot(x, chart["ucl"], color=PALETTE[3], lw=1.1, label="UCL")
    ax.plot(x, chart["lcl"], color=PALETTE[3], lw=1.1, ls="--", label="LCL")
    ax.plot(x, chart["center"], color="0.3", lw=0.8, ls=":", label="center")
    sig = chart["signal"].to_numpy(dtype=bool)
    ax.plot(x[sig], chart["ewma"].to_numpy()[sig], "o", ms=5, mfc="none", mec=PALETTE[4], mew=1.4, ls="none",
            label=f"signal ({int(sig.sum())})", zorder=4)
    if mark is not None:
        ax.axvline(cast(float, mark), color="0.3", lw=0.8, ls=":")  # an index value: a date converts as a number
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


@overload
def indicators(frame: pd.DataFrame | pd.Series, *, ax: Sequence[Axes] | np.ndarray | None = None, fast: int = 20,
               slow: int = 50, macd: tuple[int, int, int] = (12, 26, 9), rsi: int = 14, volatility: bool = False,
               title: str | None = None, ylabel: str = "price",
               backend: Literal["matplotlib"] = "matplotlib") -> Figure: ...


@overload
def indicators(frame: pd.DataFrame | pd.Series, *, ax: Sequence[Axes] | np.ndarray | None = None, fast: int = 20,
               slow: int = 50, macd: tuple[int, int, int] = (12, 26, 9), rsi: int = 14, volatility: bool = False,
               title: str | None = None, ylabel: str = "price", backend: Literal["plotly"]) -> go.Figure: ...


def indicators(frame: pd.DataFrame | pd.Series, *, ax: Sequence[Axes] | np.ndarray | None = None, fast: int = 20,
               slow: int = 50, macd: tuple[int, int, int] = (12, 26, 9), rsi: int = 14, volatility: bool = False,
               title: str | None = None, ylabel: str = "price", backend: Backend = "matplotlib") -> Figure | go.Figure:
    r"""Price with two EMAs, a MACD panel and an RSI panel (and RiskMetrics volatility).

    Parameters
    ----------
    frame : DataFrame or Series
        Prices (the ``Close`` column is used, whatever its case: ``close``,
        ``CLOSE``; a yfinance frame of one ticker gives its) or a close Series.
    ax : sequence of matplotlib Axes, optional
        3 axes (4 with ``volatility=True``); default: a new figure.
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: date and value on every panel, one shared x axis); it needs
        ``pip install "ewmakit[interactive]"`` and takes no ``ax``.
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
    matplotlib.figure.Figure or plotly.graph_objects.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import data, plot
    >>> fig = plot.indicators(data.sample("sp500").loc["2018"])
    >>> len(fig.axes), fig.axes[2].get_ylabel()
    (3, 'RSI(14)')
    >>> fig = plot.indicators(data.sample("sp500").loc["2018"], backend="plotly")
    >>> fig.layout.yaxis3.title.text
    'RSI(14)'
    """
    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.indicators(frame, fast=fast, slow=slow, macd=macd, rsi=rsi, volatility=volatility,
                                      title=title, ylabel=ylabel)
    from . import finance

    close = _series(frame)  # a frame's Close column, whatever its case
    n_panels = 4 if volatility else 3
    if ax is None:
        plt = pyplot()
        ratios = [3, 1.6, 1.2] + ([1.2] if volatility else [])
        fig, axes = plt.subplots(n_panels, 1, figsize=(10, 2.2 * n_panels + 1.5), sharex=True,
                                 height_ratios=ratios)
    else:
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
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


@overload
def backtest(result: BacktestResult, *, column: Hashable | None = None, ax: Sequence[Axes] | np.ndarray | None = None,
             title: str | None = None, ylabel: str = "price",
             backend: Literal["matplotlib"] = "matplotlib") -> Figure: ...


@overload
def backtest(result: BacktestResult, *, column: Hashable | None = None, ax: Sequence[Axes] | np.ndarray | None = None,
             title: str | None = None, ylabel: str = "price", backend: Literal["plotly"]) -> go.Figure: ...


def backtest(result: BacktestResult, *, column: Hashable | None = None, ax: Sequence[Axes] | np.ndarray | None = None,
             title: str | None = None, ylabel: str = "price", backend: Backend = "matplotlib") -> Figure | go.Figure:
    r"""Draw a backtest: the price with its entries and exits, the equity, the drawdown.

    Parameters
    ----------
    result : ewmakit.backtest.BacktestResult
        What :func:`ewmakit.backtest.backtest` (``ewmakit.finance.backtest``)
        returned, for one series or a panel (not ``by=`` groups: backtest
        the group alone to draw it).
    column : label, optional
        The series of a panel to draw (needed when there are several).
    ax : sequence of 3 matplotlib Axes, optional
        Default: a new figure.
    title, ylabel : str, optional
    backend : {"matplotlib", "plotly"}, default "matplotlib"
        ``"plotly"`` returns an interactive
        :class:`plotly.graph_objects.Figure` with the same data and labels
        (hover: date and value on every panel, one shared x axis); it needs
        ``pip install "ewmakit[interactive]"`` and takes no ``ax``.

    Returns
    -------
    matplotlib.figure.Figure or plotly.graph_objects.Figure
        Three panels: the price with ▲ long entries, ▼ short entries and ✕
        exits at their execution prices; the equity (from 1) with buy and
        hold for comparison; the drawdown in %.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from ewmakit import data, finance, plot
    >>> close = data.sample("sp500")["Close"].loc["2005":"2012"]
    >>> signal = (finance.ema(close, 10) > finance.ema(close, 50)).astype(int)
    >>> fig = plot.backtest(finance.backtest(close, signal, fee=0.001))
    >>> [a.get_ylabel() for a in fig.axes]
    ['price', 'equity (from 1)', 'drawdown (%)']
    >>> fig = plot.backtest(finance.backtest(close, signal, fee=0.001), backend="plotly")
    >>> fig.layout.yaxis2.title.text, fig.data[0].name
    ('equity (from 1)', 'close')
    """
    from .backtest import BacktestResult

    if (interactive := _interactive(backend, ax)) is not None:
        return interactive.backtest(result, column=column, title=title, ylabel=ylabel)
    if not isinstance(result, BacktestResult):
        raise TypeError(f"result must be what ewmakit.backtest.backtest returned, got {type(result).__name__}")
    if result.by is not None:
        raise ValueError("plot.backtest draws one series: a backtest with by= holds groups of rows; backtest the "
                         "group you want to draw alone")
    close = _pick(_pandas(result.close, "price"), column, "close")
    equity = _pick(_pandas(result.equity), column, "equity")
    drawdown = _pick(_pandas(result.drawdown), column, "drawdown")
    trades = result.trades
    if not isinstance(result.stats, pd.Series):
        trades = trades[(trades["column"] == equity.name).to_numpy()]
    if ax is None:
        plt = pyplot()
        fig, axes = plt.subplots(3, 1, figsize=(10, 7.5), sharex=True, height_ratios=[3, 1.8, 1.1])
    else:
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) != 3:
            raise ValueError(f"backtest needs 3 axes, got {len(axes)}")
        fig = axes[0].figure
    x = equity.index
    a = axes[0]
    a.plot(x, close.to_numpy(), color="0.35", lw=1.0, label="close")
    longs = (trades["direction"] == "long").to_numpy()
    a.plot(trades["entry_date"][longs], trades["entry_price"][longs], "^", color=PALETTE[2], ms=7, ls="none",
           label=f"long entry ({int(longs.sum())})")
    if (~longs).any():
        a.plot(trades["entry_date"][~longs], trades["entry_price"][~longs], "v", color=PALETTE[3], ms=7,
               ls="none", label=f"short entry ({int((~longs).sum())})")
    closed = (trades["status"] == "closed").to_numpy()
    a.plot(trades["exit_date"][closed], trades["exit_price"][closed], "x", color="0.1", ms=6, ls="none",
           label=f"exit ({int(closed.sum())})")
    a.set_ylabel(ylabel)
    name = close.name if close.name is not None else "price"
    a.set_title(title if title is not None else
                f"{name}: backtest ({'long/short' if result.short else 'long/flat'}, execute={result.execute!r}, "
                f"fee={result.fee:g}, slippage={result.slippage:g})")
    a.legend(loc="best", fontsize=8)
    b = axes[1]
    values = close.to_numpy(dtype=float)
    first = values[np.flatnonzero(~np.isnan(values))[0]] if (~np.isnan(values)).any() else np.nan
    b.plot(x, equity.to_numpy(), color=PALETTE[0], lw=1.4, label="strategy")
    b.plot(x, pd.Series(values / first).ffill().to_numpy(), color=_GREY, lw=1.0, label="buy and hold")
    b.axhline(1.0, color="0.5", lw=0.6)
    b.set_ylabel("equity (from 1)")
    b.legend(loc="upper left", fontsize=8)
    c = axes[2]
    dd = drawdown.to_numpy() * 100
    c.fill_between(x, dd, 0, color=PALETTE[3], alpha=0.35, lw=0)
    c.plot(x, dd, color=PALETTE[3], lw=0.8)
    c.set_ylabel("drawdown (%)")
    for axis in axes:
        axis.grid(True, alpha=0.25)
    axes[-1].set_xlabel("date" if isinstance(x, pd.DatetimeIndex) else "t (step)")
    fig.align_ylabels(axes)
    return fig
