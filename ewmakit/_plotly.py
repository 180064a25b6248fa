r"""The interactive (plotly) pictures behind ``ewmakit.plot``'s ``backend="plotly"``.

Each builder here draws the same data as the matplotlib function of the same
name in :mod:`ewmakit.plot` (same lines, same labels, same titles) and returns
a :class:`plotly.graph_objects.Figure` whose hover text carries the numbers:
the date (or step) and the value on a series; the step, the coordinates and
the loss on an optimizer path. Data preparation (decay specs, columns, test
functions, paths) is shared with :mod:`ewmakit.plot`, so both backends read
their input the same way.

plotly is imported inside the builders (:func:`go`), never when :mod:`ewmakit`
is imported; without it they raise an ImportError that says
``pip install "ewmakit[interactive]"``. Nothing here imports matplotlib.
"""

from __future__ import annotations

import importlib
import numbers
from collections.abc import Hashable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from . import _figdata as _p
from . import core
from ._checks import check_unit
from ._typing import ArrayLike, Data, DateLike, Halflife, PathLike, TestFunction, Trajectories
from .decay import halflife_from_beta, window_from_beta

if TYPE_CHECKING:
    from plotly.graph_objects import Figure  # untyped (Any for mypy)

    from .backtest import BacktestResult

BACKENDS = ("matplotlib", "plotly")
INSTALL = 'pip install "ewmakit[interactive]"'

_GREY = "rgb(140, 140, 140)"
_DARK = "rgb(64, 64, 64)"
#: points kept on one path trace: more is no sharper and slows the browser (the hover keeps the true step)
_MOST = 5000
_DASH = {"-": "solid", "--": "dash", "-.": "dashdot", ":": "dot"}


def go() -> ModuleType:
    """``plotly.graph_objects``, or an ImportError that says how to get it."""
    try:
        graph_objects = importlib.import_module("plotly.graph_objects")  # the submodule itself, not an attribute
    except ImportError:
        raise ImportError(f"backend='plotly' needs plotly: {INSTALL}") from None
    return graph_objects


def _subplots(**kwargs):
    go()  # the ImportError above when plotly is missing
    from plotly.subplots import make_subplots

    return make_subplots(**kwargs)


def _layout(fig, title, xlabel, ylabel, *, height=500, width=None):
    fig.update_layout(title={"text": title}, template="plotly_white", height=height, width=width,
                      legend={"font": {"size": 11}}, margin={"l": 60, "r": 20, "t": 60, "b": 50})
    fig.update_xaxes(title_text=xlabel)
    fig.update_yaxes(title_text=ylabel)
    return fig


def _is_dated(index) -> bool:
    return isinstance(index, pd.DatetimeIndex)


def _value_hover(index, value_name: str = "value") -> str:
    """Hover text of a series point: its date (or step) and its value."""
    x = "date %{x|%Y-%m-%d}" if _is_dated(index) else "t=%{x}"
    return f"{x}<br>{value_name} %{{y:.6~g}}"


def _keep(n: int, most: int = _MOST) -> np.ndarray:
    """Indices of at most about ``most`` of ``n`` points, first and last kept (as :func:`ewmakit.plot._thin`)."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.r_[np.round(np.linspace(0, n - 1, most)).astype(int), n - 1])


def _path_points(f, path, losses):
    """(steps, points, losses) of a path up to its last finite point, thinned to :data:`_MOST` points."""
    q = _p.finite_rows(path)
    keep = _keep(len(q))
    if losses is not None and len(losses) >= len(q):
        loss = np.asarray(losses, dtype=np.float64)[keep]
    else:
        loss = f.value(q[keep])
    return keep, q[keep], loss


def _path_hover(variables) -> str:
    """Hover text of an optimizer path: its step, coordinates and loss (customdata = [step, loss])."""
    coords = ", ".join(f"{v}=%{{{axis}:.4g}}" for v, axis in zip(variables, "xy"))
    return f"step %{{customdata[0]}}<br>{coords}<br>loss %{{customdata[1]:.6~g}}"


# --------------------------------------------------------------------------- EWMA pictures


def smoothing(series: Data, betas: float | Sequence[float] | None = None, *,
              beta: float | Sequence[float] | None = None, alpha: float | Sequence[float] | None = None,
              window: float | Sequence[float] | None = None, span: float | Sequence[float] | None = None,
              halflife: Halflife | Sequence[Halflife] | None = None, com: float | Sequence[float] | None = None,
              column: Hashable | None = None, title: str | None = None, ylabel: str | None = None,
              label: str | None = None, init: Literal["first", "zero"] = "first", bias_correction: bool = False,
              start: DateLike | None = None, end: DateLike | None = None) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.smoothing` (the same range of the series shown)."""
    g = go()
    spec, values_of_spec = _p.decays(betas, {"beta": beta, "alpha": alpha, "window": window, "span": span,
                                              "halflife": halflife, "com": com})
    s = _p.series(series, column)
    unit = _p.unit(s.index)
    name = label if label is not None else (str(s.name) if s.name is not None else "data")
    values = s.to_numpy()
    lines = [core.ewma(values, **{spec: v}, init=init, bias_correction=bias_correction) for v in values_of_spec]
    shown, note = _p.shown_range(s.index, start, end)  # the EWMAs carry the whole history, as in ewmakit.plot
    x = s.index[shown]
    fig = g.Figure()
    fig.add_trace(g.Scatter(x=x, y=values[shown], mode="markers", name=name,
                            marker={"size": 5 if len(x) <= 750 else 3, "color": _GREY}, hovertemplate=_value_hover(x)))
    for i, (v, line) in enumerate(zip(values_of_spec, lines)):
        fig.add_trace(g.Scatter(x=x, y=line[shown], mode="lines", name=_p.decay_label(spec, v, unit),
                                line={"color": _p.color(i), "width": 2 if len(x) <= 1500 else 1.2},
                                hovertemplate=_value_hover(x, "EWMA")))
    if title is None:
        title = (f"{name} and its exponentially weighted moving averages" if values_of_spec else name) + note
    return _layout(fig, title, "date" if _is_dated(x) else "t (step)", ylabel if ylabel is not None else name)


def beta_impact(data: ArrayLike = (5, 6, 4, 7, 5, 10, 8, 6, 7), betas: Sequence[float] = (0.1, 0.5, 0.9), *,
                init: Literal["first", "zero"] = "first", bias_correction: bool = False,
                title: str | None = None) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.beta_impact`."""
    g = go()
    s = _p.series(data)
    bs = _p.betas(betas)
    t = np.arange(1, len(s) + 1)
    values = s.to_numpy()
    fig = g.Figure()
    fig.add_trace(g.Scatter(x=t, y=values, mode="lines+markers", name="data",
                            line={"color": "rgb(204, 204, 204)", "width": 1}, marker={"size": 10, "color": _DARK},
                            hovertemplate="t=%{x}<br>x_t %{y:.6~g}"))
    styles = ("-", "--", "-.", ":")
    for i, b in enumerate(bs):
        v = core.ewma(values, b, init=init, bias_correction=bias_correction)
        fig.add_trace(g.Scatter(
            x=t, y=v, mode="lines+markers", marker={"size": 6}, line={"color": _p.color(i), "width": 2.5,
                                                                         "dash": _DASH[styles[i % len(styles)]]},
            name=f"β={_p.fmt(b)}" + (" (follows the noise)" if b <= 0.2 else " (lags)" if b >= 0.8 else ""),
            hovertemplate="t=%{x}<br>v_t %{y:.6~g}"))
    fig = _layout(fig, title if title is not None else "Impact of β on v_t = β·v_{t−1} + (1−β)·x_t", "t (step)",
                  "value", height=450)
    fig.update_xaxes(tickmode="array", tickvals=t)
    return fig


def weights(beta: float, n: int = 30, *, title: str | None = None) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.weights`."""
    g = go()
    b = check_unit("beta", beta)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    n = int(n)
    w = core.ewma_weights(int(n), b, init="zero")  # oldest first
    age = np.arange(n - 1, -1, -1)
    fig = g.Figure()
    fig.add_trace(g.Bar(x=-age, y=w, name="weight (1−β)·β^k", marker_color=_p.PALETTE[0], opacity=0.85,
                        customdata=age, showlegend=False,
                        hovertemplate="age %{customdata} steps<br>weight %{y:.4g}<extra></extra>"))
    marks = []
    if b > 0:
        marks.append(("half-life ln 0.5 / ln β", halflife_from_beta(b), ":", _p.PALETTE[3]))
    marks.append(("effective window 1/(1−β)", 1.0 / (1.0 - b), "--", _p.PALETTE[1]))
    marks.append(("n-period EMA window (1+β)/(1−β)", window_from_beta(b), "-.", _p.PALETTE[2]))
    top = float(w.max()) * 1.05
    for label, k, style, color in marks:
        x = -k if label.startswith("half-life") else -(k - 0.5)  # as in ewmakit.plot.weights
        fig.add_trace(g.Scatter(x=[x, x], y=[0, top], mode="lines",
                                line={"color": color, "width": 2, "dash": _DASH[style]},
                                name=f"{label} = {_p.fmt(k)} points",
                                hovertemplate=f"{label}<br>= {_p.fmt(k)} points<extra></extra>"))
    shown = float(w.sum())
    fig = _layout(fig, title if title is not None else
                  f"EWMA weights for β={_p.fmt(b)}: (1−β)·β^k; the last {n} points hold {shown:.1%} of the weight",
                  "age of the point (steps before the newest; 0 = newest)", "weight in the average", height=450)
    fig.update_xaxes(range=[-(n - 0.5) - 0.5, 0.9])
    fig.update_layout(legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.8)"})
    return fig


def window_to_beta(max_window: int = 60, *, mark: float | Sequence[float] = (19, 20),
                   title: str | None = None) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.window_to_beta`."""
    from .decay import alpha_from_window, beta_from_window

    g = go()
    if isinstance(max_window, bool) or not isinstance(max_window, numbers.Integral) or max_window < 2:
        raise ValueError(f"max_window must be an integer >= 2, got {max_window!r}")
    marks = [mark] if isinstance(mark, numbers.Real) else list(mark)
    n = np.arange(1, int(max_window) + 1)
    fig = g.Figure()
    fig.add_trace(g.Scatter(x=n, y=(n - 1) / (n + 1), mode="lines", line={"color": _p.PALETTE[0], "width": 2.5},
                            name="β = 1 − 2/(n+1) = (n−1)/(n+1)  (weight of the past)",
                            hovertemplate="n=%{x}<br>β %{y:.4g}"))
    fig.add_trace(g.Scatter(x=n, y=2 / (n + 1), mode="lines",
                            line={"color": _p.PALETTE[1], "width": 2.5, "dash": "dash"},
                            name="α = 2/(n+1)  (weight of the newest point)", hovertemplate="n=%{x}<br>α %{y:.4g}"))
    for i, m in enumerate(marks):
        b, a = beta_from_window(float(m)), alpha_from_window(float(m))
        fig.add_trace(g.Scatter(x=[m, m], y=[a, b], mode="lines+markers", marker={"size": 9},
                                line={"color": _p.PALETTE[(i + 2) % len(_p.PALETTE)], "dash": "dot"},
                                name=f"n = {m}: β = {_p.fmt(b)}, α = {_p.fmt(a)}",
                                hovertemplate="n=%{x}<br>%{y:.4g}"))
    fig = _layout(fig, title if title is not None else "From a window to β: the \"2/(n+1)\" is α, not β",
                  "window n of the n-period EMA (points)", "weight", height=450)
    fig.update_yaxes(range=[0, 1.02])
    return fig


# --------------------------------------------------------------------------- optimizer pictures


def _log_values(z: np.ndarray):
    """log₁₀ of f (shifted to be positive when its minimum is ≤ 0) and the shift: the levels of a log picture."""
    v = z[np.isfinite(z)]
    shift = 0.0 if v.min() > 0 else -float(v.min())
    w = z + shift
    pos = w[np.isfinite(w) & (w > 0)]
    lo = max(pos.min(), pos.max() * 1e-9, np.percentile(pos, 0.1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.where(np.isfinite(w), np.maximum(w, lo), np.nan)), shift


def _path_traces(g, f, paths, *, scatter=None, lift=None, box=None):
    """Path traces with hover (step, coordinates, loss), then the minima and the starts, as ewmakit.plot draws them."""
    traces = []
    three_d = lift is not None
    for i, (label, p, losses) in enumerate(paths):
        steps, q, loss = _path_points(f, p, losses)
        if three_d:
            q_all = _p.finite_rows(p)
            inside = np.all((q_all >= [b[0] for b in box]) & (q_all <= [b[1] for b in box]), axis=1)
            stop = int(np.argmin(inside)) if not inside.all() else len(q_all)  # stop where it leaves the box
            mask = steps < stop
            steps, q, loss = steps[mask], q[mask], loss[mask]
        many = len(q) > 60
        custom = np.column_stack([steps, loss])
        line = {"color": _p.color(i), "width": (1.6 + 1.2 * (len(paths) - 1 - i)) * 1.4}
        if three_d:
            traces.append(g.Scatter3d(x=q[:, 0], y=q[:, 1], z=lift(f.value(q)),
                                      mode="lines" if many else "lines+markers",
                                      line=line, marker={"size": 3, "color": _p.color(i)}, name=label,
                                      customdata=custom, hovertemplate=_path_hover(f.variables)))
        else:
            traces.append(g.Scatter(x=q[:, 0], y=q[:, 1], mode="lines" if many else "lines+markers", line=line,
                                    marker={"size": 5}, name=label, customdata=custom,
                                    hovertemplate=_path_hover(f.variables)))
    variables = f.variables
    if len(f.minima):
        m = f.minima
        hover = ", ".join(f"{v}=%{{{a}:.4g}}" for v, a in zip(variables, "xy")) + "<br>loss %{customdata:.6~g}"
        kw = {"mode": "markers", "name": "minimum", "customdata": f.value(m), "hovertemplate": hover}
        traces.append(g.Scatter3d(x=m[:, 0], y=m[:, 1], z=lift(f.value(m)), marker={"symbol": "diamond", "size": 6,
                                                                                        "color": "black"}, **kw)
                      if three_d else
                      g.Scatter(x=m[:, 0], y=m[:, 1], marker={"symbol": "star", "size": 16, "color": "black",
                                                                   "line": {"color": "white", "width": 1}}, **kw))
    if paths:
        starts = np.array([p[0, :2] for _, p, _ in paths])
        hover = ", ".join(f"{v}=%{{{a}:.4g}}" for v, a in zip(variables, "xy")) + "<br>loss %{customdata:.6~g}"
        kw = {"mode": "markers", "name": "start", "customdata": f.value(starts), "hovertemplate": hover}
        traces.append(g.Scatter3d(x=starts[:, 0], y=starts[:, 1], z=lift(f.value(starts)),
                                  marker={"size": 5, "color": "white", "line": {"color": "black", "width": 2}}, **kw)
                      if three_d else
                      g.Scatter(x=starts[:, 0], y=starts[:, 1],
                                marker={"size": 11, "color": "white", "line": {"color": "black", "width": 2}}, **kw))
    return traces


def contour(fn: TestFunction, trajectories: Trajectories = (), *, bounds: Sequence[tuple[float, float]] | None = None,
            log: bool | None = None, levels: int = 30, title: str | None = None, colorbar: bool = True,
            lines: bool = True, resolution: int = 300) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.contour` (z is f on the grid; log₁₀ of it when ``log``)."""
    g = go()
    f = _p.Fn(fn, bounds)
    paths = _p.paths(trajectories)
    if f.dim == 1:
        return curve(fn, trajectories, bounds=bounds, title=title)
    if f.dim != 2:
        raise ValueError(f"contour draws functions of 2 variables, {f.name!r} has {f.dim}")
    box = f.expanded(paths) if bounds is None else f.bounds
    xs, ys, z = f.grid(box, int(resolution))
    use_log = _p.spans_decades(z) if log is None else bool(log)
    fvars = f"f({', '.join(f.variables)})"
    if use_log:
        zz, shift = _log_values(z)
        zname = f"log₁₀[{fvars}{' + ' + _p.fmt(shift) if shift else ''}]"
    else:
        zz, zname = z, fvars
    fig = g.Figure()
    fig.add_trace(g.Contour(
        x=xs, y=ys, z=zz, ncontours=int(levels), colorscale="Greys", opacity=0.6,
        contours={"coloring": "fill", "showlines": bool(lines)}, line={"width": 0.5, "color": "rgb(115,115,115)"},
        showscale=bool(colorbar), colorbar={"title": {"text": zname, "side": "right"}}, name=f.name,
        hovertemplate=f"{f.variables[0]}=%{{x:.4g}}<br>{f.variables[1]}=%{{y:.4g}}<br>{zname} %{{z:.4g}}"
                      "<extra></extra>"))
    for trace in _path_traces(g, f, paths):
        fig.add_trace(trace)
    fig = _layout(fig, title if title is not None else f"{f.name}" + (" (log-scaled contours)" if use_log else ""),
                  f.axis_labels[0], f.axis_labels[1], height=560, width=680)
    fig.update_xaxes(range=list(box[0]))
    fig.update_yaxes(range=list(box[1]))
    fig.update_layout(legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.8)"})
    return fig


def curve(fn: TestFunction, trajectories: Trajectories = (), *, bounds: Sequence[tuple[float, float]] | None = None,
          title: str | None = None, resolution: int = 500) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.curve`."""
    g = go()
    f = _p.Fn(fn, bounds)
    if f.dim != 1:
        raise ValueError(f"curve draws functions of one variable, {f.name!r} has {f.dim}")
    paths = _p.paths(trajectories)
    (lo, hi), = f.expanded(paths) if bounds is None else f.bounds
    grid = np.linspace(lo, hi, int(resolution))
    v = f.variables[0]
    fig = g.Figure()
    fig.add_trace(g.Scatter(x=grid, y=f.value(grid[:, None]), mode="lines", line={"color": _DARK, "width": 2},
                            name=_p.formula(fn, f), hovertemplate=f"{v}=%{{x:.4g}}<br>f({v}) %{{y:.6~g}}"))
    for i, (label, p, losses) in enumerate(paths):
        steps, q, loss = _path_points(f, p, losses)
        fig.add_trace(g.Scatter(x=q[:, 0], y=f.value(q), mode="lines+markers",
                                line={"color": _p.color(i), "width": 1.2},
                                marker={"size": 6}, opacity=0.9, name=label, customdata=np.column_stack([steps, loss]),
                                hovertemplate=f"step %{{customdata[0]}}<br>{v}=%{{x:.4g}}<br>"
                                              "loss %{customdata[1]:.6~g}"))
    inside = f.minima[(f.minima[:, 0] >= lo) & (f.minima[:, 0] <= hi)]
    if len(inside):
        fig.add_trace(g.Scatter(x=inside[:, 0], y=f.value(inside), mode="markers", name="minimum",
                                marker={"symbol": "star", "size": 16, "color": "black"},
                                hovertemplate=f"{v}=%{{x:.4g}}<br>loss %{{y:.6~g}}"))
    fig = _layout(fig, title if title is not None else f.name, f.axis_labels[0], f"f({v})", height=450)
    fig.update_xaxes(range=[lo, hi])
    return fig


def surface(fn: TestFunction, trajectories: Trajectories = (), *, bounds: Sequence[tuple[float, float]] | None = None,
            log: bool | None = None, title: str | None = None, resolution: int = 80, elev: float = 35,
            azim: float = -60) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.surface`: a rotatable surface with the paths drawn on it."""
    g = go()
    f = _p.Fn(fn, bounds)
    if f.dim != 2:
        raise ValueError(f"surface draws functions of 2 variables, {f.name!r} has {f.dim}")
    paths = _p.paths(trajectories)
    box = f.expanded(paths) if bounds is None else f.bounds
    xs, ys, z = f.grid(box, int(resolution))
    use_log = _p.spans_decades(z) if log is None else bool(log)
    finite = z[np.isfinite(z)]
    zmin = float(finite.min())
    eps = 1e-3 * max(float(np.median(finite - zmin)), 1e-12)

    def lift(values):  # as ewmakit.plot.surface
        if not use_log:
            return values
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.maximum(values - zmin, 0) + eps)

    zlabel = "log₁₀(f − min f)" if use_log else f"f({', '.join(f.variables)})"
    fig = g.Figure()
    fig.add_trace(g.Surface(x=xs, y=ys, z=lift(z), colorscale="Greys", opacity=0.75,
                            showscale=False, name=f.name,
                            hovertemplate=f"{f.variables[0]}=%{{x:.4g}}<br>{f.variables[1]}=%{{y:.4g}}<br>"
                                          f"{zlabel} %{{z:.4g}}<extra></extra>"))
    for trace in _path_traces(g, f, paths, lift=lift, box=box):
        fig.add_trace(trace)
    # the camera from matplotlib's view angles (elevation and azimuth in degrees)
    el, az = np.radians(float(elev)), np.radians(float(azim))
    r = 2.2
    eye = {"x": r * np.cos(el) * np.cos(az), "y": r * np.cos(el) * np.sin(az), "z": r * np.sin(el)}
    fig.update_layout(title={"text": title if title is not None else f.name}, template="plotly_white",
                      height=620, width=760, margin={"l": 0, "r": 0, "t": 60, "b": 0}, legend={"x": 0.01, "y": 0.99},
                      scene={"xaxis": {"title": {"text": f.axis_labels[0]}, "range": list(box[0])},
                                 "yaxis": {"title": {"text": f.axis_labels[1]}, "range": list(box[1])},
                                 "zaxis": {"title": {"text": zlabel}}, "camera": {"eye": eye}})
    return fig


def convergence(trajectories: Trajectories, *, log: bool | None = None, fmin: float | None = None,
                title: str | None = None) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.convergence`."""
    g = go()
    items, use_log = _p.losses(trajectories, fmin, log)
    ylabel = "f(x) − f*" if fmin is not None else "loss f(x)"
    fig = g.Figure()
    for i, (label, v) in enumerate(items):
        keep = _keep(len(v))
        fig.add_trace(g.Scatter(x=keep, y=v[keep], mode="lines", line={"color": _p.color(i), "width": 2}, name=label,
                                hovertemplate=f"step %{{x}}<br>{ylabel} %{{y:.6~g}}"))
    fig = _layout(fig, title if title is not None else "Convergence", "step",
                  ylabel + (" (log scale)" if use_log else ""), height=450)
    if use_log:
        fig.update_yaxes(type="log")
    return fig


def animate(fn: TestFunction, trajectories: Trajectories, path: PathLike | None = None, *, frames: int = 60,
            fps: int = 12, bounds: Sequence[tuple[float, float]] | None = None, log: bool | None = None,
            title: str | None = None) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.animate`: a Figure with one frame per step shown and a play button.

    ``path`` (optional) must end in ``.html``: a page that plays offline (plotly.js included).
    """
    g = go()
    f = _p.Fn(fn, bounds)
    if f.dim != 2:
        raise ValueError(f"animate draws functions of 2 variables, {f.name!r} has {f.dim}")
    paths = _p.paths(trajectories)
    if not paths:
        raise ValueError("animate needs at least one trajectory")
    if isinstance(frames, bool) or not isinstance(frames, numbers.Integral) or frames < 1:
        raise ValueError(f"frames must be an integer >= 1, got {frames!r}")
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not float(fps) > 0:
        raise ValueError(f"fps must be a number > 0, got {fps!r}")
    frames = int(frames)
    if path is not None and Path(path).suffix.lower() != ".html":
        raise ValueError(f"backend='plotly' writes an animation as an .html page, got path={str(path)!r} "
                         "(a GIF needs backend='matplotlib')")
    base = title if title is not None else f.name
    fig = contour(fn, trajectories, bounds=bounds, log=log, colorbar=False, lines=False, resolution=150, title=base)
    finite = [_p.finite_rows(p) for _, p, _ in paths]
    losses = [None if t is None or len(t) < len(q) else np.asarray(t, dtype=np.float64)
              for (_, _, t), q in zip(paths, finite)]
    longest = max(len(q) for q in finite)
    steps = np.unique(np.round(np.geomspace(1, longest, int(frames)))).astype(int) - 1
    if len(steps) < frames:  # fill in linearly where the geometric spacing repeats early steps
        extra = np.setdiff1d(np.round(np.linspace(0, longest - 1, 4 * frames)).astype(int), steps)
        pick = extra[np.round(np.linspace(0, len(extra) - 1, min(len(extra), frames - len(steps)))).astype(int)]
        steps = np.union1d(steps, pick)[:frames] if len(extra) else steps
    # one fixed set of points per path (so the trail keeps its shape from frame to frame), plus the current step
    grids = [_keep(len(q), 300) for q in finite]
    shown = []
    for k in steps:
        data = []
        for q, keep, loss in zip(finite, grids, losses):
            idx = np.union1d(keep[keep < k], [min(int(k), len(q) - 1)])
            lv = loss[idx] if loss is not None else f.value(q[idx])
            data.append(g.Scatter(x=q[idx, 0], y=q[idx, 1], customdata=np.column_stack([idx, lv])))
        shown.append(g.Frame(data=data, traces=list(range(1, len(paths) + 1)), name=str(int(k)),
                             layout={"title": {"text": f"{base} — step {int(k)}"}}))
    fig.frames = shown
    first = shown[0]
    for i, trace in enumerate(first.data):
        fig.data[i + 1].update(x=trace.x, y=trace.y, customdata=trace.customdata)
    ms = round(1000 / float(fps))
    play = {"label": "▶ play", "method": "animate",
            "args": [None, {"frame": {"duration": ms, "redraw": False}, "transition": {"duration": 0},
                            "fromcurrent": True}]}
    pause = {"label": "❚❚ pause", "method": "animate",
             "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]}
    fig.update_layout(
        title={"text": f"{base} — step {int(steps[0])}"},
        updatemenus=[{"type": "buttons", "direction": "left", "x": 0.0, "y": -0.08, "xanchor": "left", "yanchor": "top",
                          "buttons": [play, pause]}],
        sliders=[{"active": 0, "x": 0.2, "len": 0.8, "y": -0.05, "currentvalue": {"prefix": "step "},
                      "steps": [{"label": fr.name, "method": "animate",
                                  "args": [[fr.name], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}]}
                             for fr in shown]}],
        margin={"b": 110})
    if path is not None:
        fig.write_html(Path(path), include_plotlyjs=True, auto_play=False)
    return fig


# --------------------------------------------------------------------------- finance and SPC pictures


def control_chart(chart: pd.DataFrame, *, title: str | None = None, ylabel: str | None = None,
                  mark: Hashable | None = None) -> Figure:
    """The plotly twin of :func:`ewmakit.plot.control_chart`."""
    g = go()
    need = ["value", "ewma", "center", "lcl", "ucl", "signal"]
    if not isinstance(chart, pd.DataFrame) or any(c not in chart.columns for c in need):
        raise ValueError(f"chart must be a DataFrame from ewmakit.control.ewma_chart with columns {need}")
    x = chart.index
    fig = g.Figure()
    fig.add_trace(g.Scatter(x=x, y=chart["value"], mode="markers", marker={"size": 5, "color": _GREY},
                            name="observation", hovertemplate=_value_hover(x)))
    fig.add_trace(g.Scatter(x=x, y=chart["ewma"], mode="lines", line={"color": _p.PALETTE[0], "width": 2},
                            name="EWMA of the observations", hovertemplate=_value_hover(x, "EWMA")))
    fig.add_trace(g.Scatter(x=x, y=chart["ucl"], mode="lines", line={"color": _p.PALETTE[3], "width": 1.4},
                            name="UCL", hovertemplate=_value_hover(x, "UCL")))
    fig.add_trace(g.Scatter(x=x, y=chart["lcl"], mode="lines",
                            line={"color": _p.PALETTE[3], "width": 1.4, "dash": "dash"},
                            name="LCL", hovertemplate=_value_hover(x, "LCL")))
    fig.add_trace(g.Scatter(x=x, y=chart["center"], mode="lines", line={"color": _DARK, "width": 1, "dash": "dot"},
                            name="center", hovertemplate=_value_hover(x, "center")))
    sig = chart["signal"].to_numpy(dtype=bool)
    fig.add_trace(g.Scatter(x=x[sig], y=chart["ewma"].to_numpy()[sig], mode="markers",
                            marker={"size": 9, "color": "rgba(0,0,0,0)", "line": {"color": _p.PALETTE[4], "width": 2}},
                            name=f"signal ({int(sig.sum())})", hovertemplate=_value_hover(x[sig], "EWMA (signal)")))
    if mark is not None:
        fig.add_shape(type="line", x0=mark, x1=mark, yref="paper", y0=0, y1=1,
                      line={"color": _DARK, "width": 1, "dash": "dot"})
    attrs = chart.attrs
    if title is None:
        title = "EWMA control chart"
        if "alpha" in attrs and "L" in attrs:
            title += f" (α={_p.fmt(attrs['alpha'])}, L={attrs['L']:.3f})"
    return _layout(fig, title, "date" if _is_dated(x) else "observation", ylabel if ylabel is not None else "value",
                   height=450)


def indicators(frame: pd.DataFrame | pd.Series, *, fast: int = 20, slow: int = 50,
               macd: tuple[int, int, int] = (12, 26, 9), rsi: int = 14, volatility: bool = False,
               title: str | None = None, ylabel: str = "price") -> Figure:
    """The plotly twin of :func:`ewmakit.plot.indicators`: the same panels, one shared x axis."""
    from . import finance

    g = go()
    close = _p.series(frame)
    n_panels = 4 if volatility else 3
    ratios = [3, 1.6, 1.2] + ([1.2] if volatility else [])
    fig = _subplots(rows=n_panels, cols=1, shared_xaxes=True, vertical_spacing=0.03,
                    row_heights=[r / sum(ratios) for r in ratios])
    x = close.index
    hv = _value_hover
    e_fast, e_slow = finance.ema(close, fast), finance.ema(close, slow)
    fig.add_trace(g.Scatter(x=x, y=close, mode="lines", line={"color": _DARK, "width": 1.2}, name="close",
                            hovertemplate=hv(x, "close")), row=1, col=1)
    for e, n, color in ((e_fast, fast, _p.PALETTE[0]), (e_slow, slow, _p.PALETTE[1])):
        fig.add_trace(g.Scatter(x=x, y=e, mode="lines", line={"color": color, "width": 2},
                                name=f"EMA({n}), β={_p.fmt(1 - 2 / (n + 1))}", hovertemplate=hv(x, f"EMA({n})")),
                      row=1, col=1)
    cross = finance.crossover(e_fast, e_slow).to_numpy()
    for sign, symbol, color, name in ((1, "triangle-up", _p.PALETTE[2], "fast crosses above"),
                                      (-1, "triangle-down", _p.PALETTE[3], "fast crosses below")):
        hit = cross == sign
        fig.add_trace(g.Scatter(x=x[hit], y=e_fast[hit], mode="markers", marker={"symbol": symbol, "size": 11,
                                                                                     "color": color},
                                name=name, hovertemplate=hv(x[hit], f"EMA({fast})")), row=1, col=1)
    f_, s_, g_ = macd
    m = finance.macd(close, f_, s_, g_)
    hist = m["hist"].to_numpy()
    fig.add_trace(g.Bar(x=x, y=hist, marker_color=np.where(hist >= 0, _p.PALETTE[2], _p.PALETTE[3]), opacity=0.6,
                        name="histogram", hovertemplate=hv(x, "MACD − signal")), row=2, col=1)
    fig.add_trace(g.Scatter(x=x, y=m["macd"], mode="lines", line={"color": _p.PALETTE[0], "width": 1.5},
                            name=f"MACD({f_}, {s_})", hovertemplate=hv(x, "MACD")), row=2, col=1)
    fig.add_trace(g.Scatter(x=x, y=m["signal"], mode="lines", line={"color": _p.PALETTE[1], "width": 1.5},
                            name=f"signal({g_})", hovertemplate=hv(x, "signal")), row=2, col=1)
    r = finance.rsi(close, rsi)
    fig.add_trace(g.Scatter(x=x, y=r, mode="lines", line={"color": _p.PALETTE[4], "width": 1.5}, name=f"RSI({rsi})",
                            hovertemplate=hv(x, f"RSI({rsi})")), row=3, col=1)
    for level in (30, 70):
        fig.add_hline(y=level, line={"color": _GREY, "width": 1, "dash": "dash"}, row=3, col=1)
    fig.update_yaxes(range=[0, 100], title_text=f"RSI({rsi})", row=3, col=1)
    if volatility:
        vol = finance.volatility(finance.log_returns(close), 0.94, annualize=252) * 100
        fig.add_trace(g.Scatter(x=x, y=vol, mode="lines", line={"color": _p.PALETTE[3], "width": 1.5},
                                name="RiskMetrics σ, β=0.94", hovertemplate=hv(x, "σ (% a year)")), row=4, col=1)
        fig.update_yaxes(title_text="volatility (% a year)", row=4, col=1)
    fig.update_yaxes(title_text=ylabel, row=1, col=1)
    fig.update_yaxes(title_text="MACD (price units)", row=2, col=1)
    fig.update_xaxes(title_text="date" if _is_dated(x) else "t (step)", row=n_panels, col=1)
    fig.update_layout(title={"text": title if title is not None else f"{close.name or 'price'}: EMAs, MACD and RSI"},
                      template="plotly_white", height=220 * n_panels + 150, bargap=0,
                      margin={"l": 70, "r": 20, "t": 60, "b": 50}, legend={"font": {"size": 11}})
    return fig


def backtest(result: BacktestResult, *, column: Hashable | None = None, title: str | None = None,
             ylabel: str = "price") -> Figure:
    """The plotly twin of :func:`ewmakit.plot.backtest`: price with trades, equity, drawdown (one x axis)."""
    from .backtest import BacktestResult

    g = go()
    if not isinstance(result, BacktestResult):
        raise TypeError(f"result must be what ewmakit.backtest.backtest returned, got {type(result).__name__}")
    if result.by is not None:
        raise ValueError("plot.backtest draws one series: a backtest with by= holds groups of rows; backtest the "
                         "group you want to draw alone")
    close = _p.pick(_p.pandas(result.close, "price"), column, "close")
    equity = _p.pick(_p.pandas(result.equity), column, "equity")
    drawdown = _p.pick(_p.pandas(result.drawdown), column, "drawdown")
    trades = result.trades
    if not isinstance(result.stats, pd.Series):
        trades = trades[(trades["column"] == equity.name).to_numpy()]
    fig = _subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.04, row_heights=[3 / 5.9, 1.8 / 5.9,
                                                                                           1.1 / 5.9])
    x = equity.index
    hv = _value_hover
    fig.add_trace(g.Scatter(x=x, y=close.to_numpy(), mode="lines", line={"color": _DARK, "width": 1.2}, name="close",
                            hovertemplate=hv(x, "close")), row=1, col=1)
    longs = (trades["direction"] == "long").to_numpy()
    closed = (trades["status"] == "closed").to_numpy()
    marks = [("entry", longs, "triangle-up", _p.PALETTE[2], f"long entry ({int(longs.sum())})")]
    if (~longs).any():
        marks.append(("entry", ~longs, "triangle-down", _p.PALETTE[3], f"short entry ({int((~longs).sum())})"))
    marks.append(("exit", closed, "x", "rgb(26,26,26)", f"exit ({int(closed.sum())})"))
    for kind, rows, symbol, color, name in marks:
        when = pd.Index(trades[f"{kind}_date"][rows])
        fig.add_trace(g.Scatter(x=when, y=trades[f"{kind}_price"][rows], mode="markers", name=name,
                                marker={"symbol": symbol, "size": 10, "color": color},
                                hovertemplate=hv(when, f"{kind} price")), row=1, col=1)
    values = close.to_numpy(dtype=float)
    first = values[np.flatnonzero(~np.isnan(values))[0]] if (~np.isnan(values)).any() else np.nan
    fig.add_trace(g.Scatter(x=x, y=equity.to_numpy(), mode="lines", line={"color": _p.PALETTE[0], "width": 1.8},
                            name="strategy", hovertemplate=hv(x, "equity")), row=2, col=1)
    fig.add_trace(g.Scatter(x=x, y=pd.Series(values / first).ffill().to_numpy(), mode="lines",
                            line={"color": _GREY, "width": 1.2}, name="buy and hold",
                            hovertemplate=hv(x, "buy and hold")), row=2, col=1)
    fig.add_hline(y=1.0, line={"color": _GREY, "width": 0.8}, row=2, col=1)
    fig.add_trace(g.Scatter(x=x, y=drawdown.to_numpy() * 100, mode="lines", fill="tozeroy", showlegend=False,
                            line={"color": _p.PALETTE[3], "width": 1}, name="drawdown (%)",
                            hovertemplate=hv(x, "drawdown (%)")), row=3, col=1)
    label = close.name if close.name is not None else "price"
    fig.update_yaxes(title_text=ylabel, row=1, col=1)
    fig.update_yaxes(title_text="equity (from 1)", row=2, col=1)
    fig.update_yaxes(title_text="drawdown (%)", row=3, col=1)
    fig.update_xaxes(title_text="date" if _is_dated(x) else "t (step)", row=3, col=1)
    fig.update_layout(title={"text": title if title is not None else
                             f"{label}: backtest ({'long/short' if result.short else 'long/flat'}, "
                             f"execute={result.execute!r}, fee={result.fee:g}, slippage={result.slippage:g})"},
                      template="plotly_white", height=700, margin={"l": 70, "r": 20, "t": 60, "b": 50})
    return fig


# --------------------------------------------------------------------------- saving


def save(fig: Figure, path: PathLike) -> Path:
    """Write a plotly figure: ``.html`` (works offline: plotly.js included) or, with kaleido, an image."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in (".html", ".htm"):
        fig.write_html(out, include_plotlyjs=True)
    else:
        try:
            fig.write_image(out)
        except (ImportError, ValueError, RuntimeError) as exc:  # RuntimeError: kaleido is missing (plotly 6+)
            raise ValueError(f"cannot write a plotly figure as {str(out)!r}: give a .html file, or install kaleido "
                             f"for images ({' '.join(str(exc).split())})") from None
    return out
