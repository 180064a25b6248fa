"""The interactive gallery of ``ewmakit demo --html``: one HTML page that works offline.

:func:`write_html_gallery` writes any list of ``(title, note, plotly Figure)``
as one self-contained page: plotly.js is embedded once, in the page's head
(from the plotly package, so nothing is fetched), and each figure is a
``<div>`` drawn by its own small script. :func:`demo_figures` builds the
interactive twin of every demo picture with ``backend="plotly"`` of
:mod:`ewmakit.plot`, with the numbers of the example scripts that draw the
static ones.

plotly is imported inside the functions; without it they raise the
ImportError of :func:`ewmakit._plotly.go` (``pip install "ewmakit[interactive]"``).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Literal

import numpy as np

__all__ = ["demo_figures", "write_demo_gallery", "write_html_gallery"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1180px; margin: 0 auto;
       padding: 1.5em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin: 0 0 0.2em 0; }
section { border-top: 1px solid #ddd; padding: 1.2em 0; }
p.note { margin: 0 0 0.6em 0; color: #444; }
nav ol { columns: 2; font-size: 0.95em; }
footer { color: #666; font-size: 0.9em; border-top: 1px solid #ddd; padding-top: 0.8em; }
"""


def write_html_gallery(figures, path, *, title="ewmakit — interactive figures", intro=None) -> Path:
    """Write ``figures`` (a list of ``(title, note, plotly Figure)``) as one page that works offline.

    plotly.js is embedded once (in the head); every figure follows as a
    heading, its one-line note and a ``<div class="plotly-graph-div">``. The
    page loads nothing from the network. The folder is created when missing.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from ._plotly import go

    go()  # the ImportError naming the extra, when plotly is missing
    from plotly.offline import get_plotlyjs

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    items = list(figures)
    config = {"responsive": True, "displaylogo": False}
    toc, sections = [], []
    for i, (heading, note, fig) in enumerate(items, 1):
        anchor = f"fig-{i}"
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"{anchor}-plot", config=config)
        toc.append(f'<li><a href="#{anchor}">{html.escape(heading)}</a></li>')
        sections.append(f'<section id="{anchor}">\n<h2>{i}. {html.escape(heading)}</h2>\n'
                        f'<p class="note">{html.escape(note)}</p>\n{div}\n</section>')
    intro = intro if intro is not None else (
        "Hover over a line or a point for its numbers (the date and value on a series; the step, the coordinates "
        "and the loss on an optimizer path); drag to zoom, double-click to reset, click a legend entry to hide "
        "it; drag a 3-D surface to rotate it. This page works offline: plotly.js is embedded in it.")
    page = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(intro)}</p>",
        f"<nav><ol>{''.join(toc)}</ol></nav>",
        *sections,
        f"<footer>{len(items)} figures, written by <code>ewmakit demo --html</code>.</footer>",
        "</body>",
        "</html>",
        "",
    ])
    out.write_text(page, encoding="utf-8")
    return out


# --------------------------------------------------------------------------- the demo's figures


def demo_figures(*, spy=None, quick=False, offline=False) -> list:
    """``(title, note, plotly Figure)`` for every picture of the demo, drawn with ``backend="plotly"``.

    The numbers come from the example scripts that draw the static pictures
    (``examples/*.py``, loaded as :mod:`ewmakit._demos` loads them): their
    constants, gradients and runs, so both show the same thing. ``spy`` is the
    ``Prices`` of ``examples/spy_2020.py`` (default: loaded as that example
    loads it, offline with ``offline``); ``quick`` runs the race for 300
    steps instead of 2000.
    """
    import plotly.graph_objects as go

    from . import data, ewma, plot
    from ._demos import load
    from .control import critical_L, ewma_chart
    from .optim import functions, minimize

    P: Literal["plotly"] = "plotly"
    figs = []

    def add(title, note, fig):
        figs.append((title, note, fig))

    ex = load("spy_2020.py")
    spy = spy if spy is not None else ex.load_spy_2020(offline)
    close = spy.frame["Close"].rename(f"{spy.name} daily close")
    add(f"{spy.name} {spy.period}: EWMAs at β = {', '.join(f'{b:g}' for b in ex.BETAS)}",
        "v_t = β·v_(t−1) + (1−β)·x_t: a larger β averages more days (about 1/(1−β)), so its line is smoother "
        f"and lags more. Data: {spy.source}.",
        plot.smoothing(close, betas=ex.BETAS, ylabel=spy.ylabel, backend=P,
                       title=f"{spy.name} {spy.period}: daily closes and EWMAs v_t = β·v_(t−1) + (1−β)·x_t"))

    ex = load("beta.py")
    add("Impact of β on a small series",
        "A low β follows every jump (mostly noise); a high β barely moves after the jump to 10 (it lags).",
        plot.beta_impact(ex.SERIES, (0.1, 0.5, 0.9), backend=P))
    add("The weights of an EWMA (β = 0.9)",
        "The point k steps old weighs (1−β)·β^k: the weights halve every 6.6 steps and the last 10 points hold 65 %.",
        plot.weights(0.9, 40, backend=P))
    add("From a window to β",
        "The n-period EMA has α = 2/(n+1), the weight of the newest point, and β = (n−1)/(n+1); n = 19 gives β = 0.9.",
        plot.window_to_beta(60, mark=(19, 20), backend=P))

    ex = load("bias_correction.py")
    x = ex.MEAN + np.random.default_rng(3).normal(0.0, 1.0, ex.STEPS)  # the measurements of the example
    fig = plot.beta_impact(x, (ex.BETA,), init="zero", backend=P,
                           title=f"Bias correction over the first {ex.STEPS} steps (β = {ex.BETA}: the weights sum "
                                 "to 1 − β^t)")
    fig.data[0].name = "measurements x_t"
    fig.data[1].name = f"EWMA from 0, β={ex.BETA} (biased towards 0)"
    t = np.arange(1, ex.STEPS + 1)
    fig.add_trace(go.Scatter(x=t, y=ewma(x, ex.BETA, init="zero", bias_correction=True), mode="lines+markers",
                             marker={"size": 5, "symbol": "square"}, line={"color": plot.PALETTE[3], "width": 2},
                             name="with bias correction v_t / (1 − β^t)", hovertemplate="t=%{x}<br>v̂_t %{y:.6~g}"))
    fig.add_hline(y=ex.MEAN, line={"color": "black", "dash": "dash", "width": 1})
    fig.update_xaxes(tickmode="auto")
    add("Bias correction",
        "Started at zero, the EWMA is pulled towards 0 over its first steps (its weights sum to 1 − β^t); dividing "
        "by 1 − β^t removes the pull, as Adam does.", fig)

    ex = load("gradient_descent.py")
    runs = {"gradient descent (lr=0.095)": minimize(ex.f, ex.START, "sgd", grad=ex.grad, lr=0.095, steps=ex.STEPS),
            "momentum (lr=0.03, β=0.7)": minimize(ex.f, ex.START, "sgd", grad=ex.grad, lr=0.03, momentum=0.7,
                                                  steps=ex.STEPS)}
    add("A narrow valley: gradient descent zig-zags, momentum goes along it",
        "f(x, y) = x²/2 + 10·y², twenty times steeper across than along: gradient descent overshoots across the "
        "valley at every step, momentum's average of the gradients cancels the bouncing and keeps the progress.",
        plot.contour(ex.f, runs, bounds=ex.BOX, backend=P,
                     title="f(x, y) = x²/2 + 10·y²: gradient descent zig-zags, momentum goes along the valley"))
    add("The narrow valley in 3-D", "The same paths on the surface. Drag to rotate.",
        plot.surface(ex.f, runs, bounds=ex.BOX, elev=40, azim=-75, backend=P,
                     title="the same paths on the surface f(x, y) = x²/2 + 10·y²"))

    ex = load("momentum.py")
    q = functions.quadratic
    runs = {f"β={b:g}": minimize(q, 10.0, "sgd", grad=q.grad, lr=ex.LR, momentum=b, loss_tol=1e-2, steps=200)
            for b in (0.5, 0.0, 0.9)}
    add("Momentum on θ²",
        f"From θ = 10, lr = {ex.LR}, stopping when θ² < 0.01: β = 0.5 takes 5 steps, plain gradient descent 21, "
        "β = 0.9 overshoots past 0 and swings back.",
        plot.curve(q, runs, backend=P, title=f"f(θ) = θ² from θ = 10, lr = {ex.LR}"))

    ex = load("wavy.py")
    w = functions.wavy
    pair = {f"with momentum (lr={ex.LR}, β=0.9), 20 steps": minimize(w, ex.THETA0, "sgd", grad=ex.gradient, lr=ex.LR,
                                                                      momentum=0.9, steps=20),
            f"without momentum (lr={ex.LR}), 500 steps": minimize(w, ex.THETA0, "sgd", grad=ex.gradient, lr=ex.LR,
                                                                   steps=500)}
    add("The wavy curve 2θ²·sin θ·cos θ",
        "Without momentum the steps shrink with the slope and stall at the flat point θ = 0; momentum carries θ over "
        "it into the valley of the local minimum. (The gradient is 2θ sin 2θ + 2θ² cos 2θ: the article's second term "
        "has cos θ, a slip corrected here.)",
        plot.curve(w, pair, bounds=[(-2.0, 1.5)], backend=P,
                   title=f"2θ² sin θ cos θ from θ = {ex.THETA0}, lr = {ex.LR}"))
    sweep = {}
    for b, n in ex.SWEEP.items():
        r = minimize(w, ex.THETA0, "sgd", grad=ex.gradient, lr=ex.LR, momentum=b, steps=n)
        sweep[f"β={b}, lr={ex.LR}, {r.nit} steps"] = r
    add("The wavy curve: a sweep over β",
        f"β = {', '.join(f'{b:g}' for b in ex.SWEEP)} ({', '.join(str(n) for n in ex.SWEEP.values())} steps) from "
        f"θ = {ex.THETA0}, lr = {ex.LR}, as in the article: click a legend entry to hide a run.",
        plot.curve(w, sweep, bounds=[(-2.0, 1.5)], backend=P, title="momentum β sweep on 2θ² sin θ cos θ"))

    ex = load("regression_surface.py")
    loss = functions.make_wavy_regression(ripple=ex.RIPPLE)
    xs, ys = loss.data
    epochs = {f"SGD (lr={ex.LR:g})": ex.one_epoch(xs, ys, 0.0),
              f"momentum SGD (lr={ex.LR:g}, β={ex.BETA:g})": ex.one_epoch(xs, ys, ex.BETA)}  # (n + 1, 2) paths
    best = loss.minima[0]
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="markers", marker={"size": 6, "color": "rgb(140,140,140)"}, name="data",
                               hovertemplate="x=%{x:.3g}<br>y=%{y:.3g}"))
    grid = np.array([-2.0, 2.0])
    lines = [(f"{label.split(' (')[0]}: ŷ = {p[-1, 0]:.2f}x + {p[-1, 1]:.2f}", p[-1], "solid", plot.PALETTE[i])
             for i, (label, p) in enumerate(epochs.items())]
    lines.append((f"minimum of L: ŷ = {best[0]:.2f}x + {best[1]:.2f}", best, "dash", "black"))
    for name, (w0, w1), dash, color in lines:
        fig.add_trace(go.Scatter(x=grid, y=w0 * grid + w1, mode="lines",
                                 line={"color": color, "dash": dash, "width": 2},
                                 name=name, hovertemplate="x=%{x:.3g}<br>ŷ=%{y:.3g}"))
    fig.update_layout(title={"text": "the data and the fitted lines"}, template="plotly_white", height=450,
                      xaxis_title="x", yaxis_title="y")
    add("A non-convex regression: the data and the fits",
        f"Model ŷ = w₀·x + w₁ on {len(xs)} seeded points, loss {ex.LOSS}; the lines where one epoch of per-sample "
        "SGD, without and with momentum, ends.", fig)
    add("The regression loss surface, in 3-D",
        f"Both paths on L(w₀, w₁), one epoch from {ex.START}. Each update follows one point's gradient, so near the "
        "minimum both rattle around it; which ends lower depends on the last few points. Drag to rotate.",
        plot.surface(loss, epochs, bounds=[(-3.0, 7.0), (-4.0, 6.0)], elev=40, azim=-130, backend=P,
                     title=f"both paths on L(w₀, w₁), one epoch from {ex.START}"))
    add("The regression loss against update", "The loss after each per-sample update (log scale).",
        plot.convergence({label: loss.f(p.T) for label, p in epochs.items()}, backend=P,
                         title="loss against update"))

    ex = load("optimizers.py")
    steps = 300 if quick else 2000
    for name in ("rosenbrock", "beale"):
        f = functions.ALL[name]
        race = {label: minimize(f, f.start, method, grad=f.grad, steps=steps, **options)
                for label, (method, options) in ex.RACERS.items()}
        add(f"Optimizers racing on {name}",
            f"SGD, momentum, RMSprop and Adam, {steps} steps from {tuple(f.start.tolist())}; log-scaled contours.",
            plot.contour(f, race, backend=P, resolution=200, title=f"{name}: {steps} steps (log-scaled contours)"))
        add(f"Loss against step on {name}", "The same runs: the loss at every step (log scale).",
            plot.convergence(race, backend=P, title=f"{name}: loss against step"))
        if name == "rosenbrock":
            add("The race, animated", "Press play, or drag the slider: every path up to the step shown.",
                plot.animate(f, race, None, frames=12 if quick else 40, backend=P, title=f"rosenbrock, {steps} steps"))

    prices = data.sample("sp500").loc["2007":"2009"]
    add("Indicators around the 2008 crash",
        "S&P 500 with EMA(20) and EMA(50) and their crossings, MACD, RSI(14) and the RiskMetrics volatility.",
        plot.indicators(prices, volatility=True, ylabel="index level (points)", backend=P,
                        title="S&P 500, 2007–2009: EMAs, MACD, RSI and RiskMetrics volatility"))
    alpha = 0.1
    L = critical_L(alpha, 370.4)
    rng = np.random.default_rng(42)
    x = rng.normal(10.0, 1.0, 160)
    x[100:] += 1.0
    add("An EWMA control chart",
        f"A simulated process shifts by 1σ at point 100; the EWMA (α={alpha}, L={L:.3f}) signals a few points later.",
        plot.control_chart(ewma_chart(x, alpha, L, target=10.0, sigma=1.0), mark=99.5, backend=P,
                           ylabel="measurement (units of σ)",
                           title=f"Simulated process, 1σ shift at point 100 (α={alpha}, L={L:.3f}, ARL₀=370.4)"))
    return figs


def write_demo_gallery(out, *, spy=None, quick=False, offline=False) -> Path:
    """Build :func:`demo_figures` and write them to ``out / "gallery.html"``."""
    return write_html_gallery(demo_figures(spy=spy, quick=quick, offline=offline), Path(out) / "gallery.html",
                              title="ewmakit demo — interactive figures")
