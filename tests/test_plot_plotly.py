"""``backend="plotly"`` in ewmakit.plot: the traces carry the reference numbers, the labels of matplotlib, hover text.

References are independent of the drawing code: pandas ``ewm`` for the EWMAs (``adjust=False`` started
at the first point; ``adjust=True`` is the zero-started, bias-corrected EWMA), TA-Lib for EMA/RSI, the
test function's formula written out here for the contours and surfaces, and the ``minimize``
trajectory itself for the paths. Labels are compared with the matplotlib picture of the same call, so
the two backends cannot drift apart.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
go = pytest.importorskip("plotly.graph_objects")

import matplotlib.pyplot as plt

from ewmakit import data, ewma, plot
from ewmakit.control import ewma_chart
from ewmakit.optim import functions, minimize

DRAWING = ["smoothing", "beta_impact", "weights", "window_to_beta", "contour", "curve", "surface", "convergence",
           "animate", "control_chart", "indicators", "backtest"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def spx():
    return data.sample("sp500")["Close"].loc["2008"]


def _legend(ax_or_fig) -> list[str]:
    axes = ax_or_fig.axes if hasattr(ax_or_fig, "axes") and not hasattr(ax_or_fig, "plot") else [ax_or_fig]
    return [label for ax in axes for label in ax.get_legend_handles_labels()[1]]


def _names(fig) -> list[str]:
    return [t.name for t in fig.data if t.showlegend is not False and t.type not in ("contour", "surface")]


# --------------------------------------------------------------------------- the contract


@pytest.mark.parametrize("name", DRAWING)
def test_every_drawing_function_takes_backend_matplotlib_by_default(name):
    sig = inspect.signature(getattr(plot, name))
    assert sig.parameters["backend"].default == "matplotlib"
    assert sig.parameters["backend"].kind is inspect.Parameter.KEYWORD_ONLY
    doc = getattr(plot, name).__doc__
    assert 'backend : {"matplotlib", "plotly"}' in doc and 'backend="plotly"' in doc  # documented, with an example


def test_unknown_backend_names_the_allowed_values():
    with pytest.raises(ValueError, match=r"backend must be 'matplotlib' or 'plotly', got 'bokeh'"):
        plot.weights(0.9, backend="bokeh")
    with pytest.raises(ValueError, match="backend must be"):
        plot.smoothing([1.0, 2.0], backend=None)


def test_ax_with_plotly_is_an_error():
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="ax is for backend='matplotlib'"):
        plot.weights(0.9, ax=ax, backend="plotly")


@pytest.mark.parametrize("name", DRAWING)
def test_missing_plotly_says_how_to_install(monkeypatch, name):
    for module in [m for m in sys.modules if m == "plotly" or m.startswith("plotly.")]:
        monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    with pytest.raises(ImportError, match=r'pip install "ewmakit\[interactive\]"'):
        fn = getattr(plot, name)
        required = [p for p in inspect.signature(fn).parameters.values()
                    if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
        fn(*[None] * len(required), backend="plotly")  # before looking at the data


def test_import_ewmakit_does_not_import_plotly():
    code = "import sys, ewmakit, ewmakit.plot; print('plotly' in sys.modules, 'ewmakit._plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# --------------------------------------------------------------------------- EWMA pictures


def test_smoothing_traces_are_pandas_ewm_with_dates_in_the_hover(spx):
    fig = plot.smoothing(spx, betas=(0.5, 0.9, 0.95), backend="plotly")
    assert isinstance(fig, go.Figure)
    points, *lines = fig.data
    np.testing.assert_array_equal(points.y, spx.to_numpy())
    assert pd.DatetimeIndex(points.x).equals(spx.index)
    for b, line in zip((0.5, 0.9, 0.95), lines):
        ref = spx.ewm(alpha=1 - b, adjust=False).mean().to_numpy()
        np.testing.assert_allclose(line.y, ref, rtol=1e-12)
        np.testing.assert_allclose(line.y, ewma(spx.to_numpy(), b), rtol=1e-14)
        assert pd.DatetimeIndex(line.x).equals(spx.index)
    for t in fig.data:
        assert "%{x|%Y-%m-%d}" in t.hovertemplate and "%{y" in t.hovertemplate
    ax = plot.smoothing(spx, betas=(0.5, 0.9, 0.95))
    assert sorted(_names(fig)) == sorted(_legend(ax))
    assert fig.layout.title.text == ax.get_title()
    assert fig.layout.yaxis.title.text == ax.get_ylabel() and fig.layout.xaxis.title.text == ax.get_xlabel()


def test_smoothing_shows_the_range_matplotlib_shows_with_the_whole_history():
    close = data.sample("sp500")["Close"]
    full = close.ewm(alpha=0.1, adjust=False).mean()
    for kw in ({}, {"start": "2008-03", "end": "2008-06"}):
        fig = plot.smoothing(close, betas=(0.9,), backend="plotly", **kw)
        ax = plot.smoothing(close, betas=(0.9,), **kw)
        shown = pd.DatetimeIndex(fig.data[0].x)
        assert len(shown) == len(ax.collections[0].get_offsets()) < len(close)
        np.testing.assert_allclose(fig.data[1].y, full.loc[shown].to_numpy(), rtol=1e-12)
        assert fig.layout.title.text == ax.get_title()
    assert shown[0] == pd.Timestamp("2008-03-03") and shown[-1] == pd.Timestamp("2008-06-30")


def test_smoothing_other_decay_specs_and_no_dates():
    x = np.array([5.0, 6, 4, 7, 5, 10, 8, 6, 7])
    fig = plot.smoothing(x, window=(3, 5), backend="plotly")
    for n, line in zip((3, 5), fig.data[1:]):
        np.testing.assert_allclose(line.y, pd.Series(x).ewm(span=n, adjust=False).mean(), rtol=1e-12)
    assert "t=%{x}" in fig.data[1].hovertemplate
    assert _names(fig) == ["data", "window=3", "window=5"] == sorted(_legend(plot.smoothing(x, window=(3, 5))))


def test_beta_impact_and_bias_correction_against_pandas():
    x = [5.0, 6, 4, 7, 5, 10, 8, 6, 7]
    fig = plot.beta_impact(x, (0.1, 0.5, 0.9), backend="plotly")
    np.testing.assert_array_equal(fig.data[0].y, x)
    for b, line in zip((0.1, 0.5, 0.9), fig.data[1:]):
        np.testing.assert_allclose(line.y, pd.Series(x).ewm(alpha=1 - b, adjust=False).mean(), rtol=1e-12)
        np.testing.assert_array_equal(line.x, np.arange(1, 10))
    # started at zero and divided by 1 − β^t: pandas' adjusted mean
    fig = plot.beta_impact(x, (0.9,), init="zero", bias_correction=True, backend="plotly")
    np.testing.assert_allclose(fig.data[1].y, pd.Series(x).ewm(alpha=0.1, adjust=True).mean(), rtol=1e-12)
    biased = plot.beta_impact(x, (0.9,), init="zero", backend="plotly").data[1].y
    np.testing.assert_allclose(biased, pd.Series(x).ewm(alpha=0.1, adjust=True).mean() * (1 - 0.9 ** np.arange(1, 10)),
                               rtol=1e-12)
    ax = plot.beta_impact(x, (0.1, 0.5, 0.9))
    assert sorted(_names(plot.beta_impact(x, (0.1, 0.5, 0.9), backend="plotly"))) == sorted(_legend(ax))


def test_weights_are_one_minus_beta_times_beta_to_the_age():
    b, n = 0.9, 30
    fig = plot.weights(b, n, backend="plotly")
    bars = fig.data[0]
    age = np.arange(n - 1, -1, -1)
    np.testing.assert_array_equal(bars.x, -age)
    np.testing.assert_allclose(bars.y, (1 - b) * b ** age, rtol=1e-12)
    assert "age" in bars.hovertemplate and "weight" in bars.hovertemplate
    marks = {t.name.split(" = ")[0]: t.x[0] for t in fig.data[1:]}
    assert marks["half-life ln 0.5 / ln β"] == pytest.approx(-np.log(0.5) / -np.log(b) * -1 * -1 * -1)
    assert marks["effective window 1/(1−β)"] == pytest.approx(-(1 / (1 - b) - 0.5))
    assert marks["n-period EMA window (1+β)/(1−β)"] == pytest.approx(-((1 + b) / (1 - b) - 0.5))
    ax = plot.weights(b, n)
    assert _names(fig) == _legend(ax) and fig.layout.title.text == ax.get_title()


def test_window_to_beta_lines():
    fig = plot.window_to_beta(40, mark=19, backend="plotly")
    n = np.arange(1, 41)
    np.testing.assert_allclose(fig.data[0].y, (n - 1) / (n + 1))
    np.testing.assert_allclose(fig.data[1].y, 2 / (n + 1))
    np.testing.assert_allclose(fig.data[2].y, [0.1, 0.9])
    assert _names(fig) == _legend(plot.window_to_beta(40, mark=19))


# --------------------------------------------------------------------------- optimizer pictures


def _rosen(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def test_contour_z_is_the_function_on_the_grid_and_paths_are_the_trajectories():
    f = functions.himmelblau
    runs = {"Adam (lr=0.05)": minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=300),
            "SGD (lr=0.001)": minimize(f, f.start, "sgd", grad=f.grad, lr=1e-3, steps=300)}
    fig = plot.contour(f, runs, log=False, resolution=60, backend="plotly")
    c = fig.data[0]
    assert c.type == "contour"
    X, Y = np.meshgrid(c.x, c.y)
    np.testing.assert_allclose(c.z, (X * X + Y - 11) ** 2 + (X + Y * Y - 7) ** 2, rtol=1e-12)
    for (label, run), t in zip(runs.items(), fig.data[1:3]):
        assert t.name == label
        np.testing.assert_array_equal(t.x, run.path[:, 0])
        np.testing.assert_array_equal(t.y, run.path[:, 1])
        np.testing.assert_array_equal(t.customdata[:, 0], np.arange(len(run.path)))
        np.testing.assert_allclose(t.customdata[:, 1], (run.path[:, 0] ** 2 + run.path[:, 1] - 11) ** 2
                                   + (run.path[:, 0] + run.path[:, 1] ** 2 - 7) ** 2, rtol=1e-10)
        for field in ("step %{customdata[0]}", "x=%{x", "y=%{y", "loss %{customdata[1]"):
            assert field in t.hovertemplate
    ax = plot.contour(f, runs, log=False, resolution=60)
    assert _names(fig) == _legend(ax) and fig.layout.title.text == ax.get_title()
    assert fig.layout.xaxis.range == ax.get_xlim() and fig.layout.yaxis.range == ax.get_ylim()


def test_contour_log_levels_are_log10_of_f():
    f = functions.rosenbrock
    fig = plot.contour(f, (), resolution=50, backend="plotly")
    c = fig.data[0]
    X, Y = np.meshgrid(c.x, c.y)
    floor = 10 ** np.nanmin(c.z)  # the colour scale's floor: the 0.1th percentile of f
    ok = _rosen(X, Y) > floor * (1 + 1e-9)
    assert ok.mean() > 0.99
    np.testing.assert_allclose(np.asarray(c.z)[ok], np.log10(_rosen(X, Y)[ok]), rtol=1e-12)
    assert "log₁₀" in c.colorbar.title.text
    assert fig.layout.title.text == plot.contour(f, (), resolution=50).get_title()


def test_a_long_path_is_thinned_but_every_point_shown_is_exact():
    f = functions.rosenbrock
    run = minimize(f, f.start, "sgd", grad=f.grad, lr=1e-3, steps=12000)
    t = plot.contour(f, {"SGD": run}, resolution=40, backend="plotly").data[1]
    steps = np.asarray(t.customdata[:, 0], dtype=int)
    assert 4000 < len(steps) <= 5001 and steps[0] == 0 and steps[-1] == 12000
    np.testing.assert_array_equal(t.x, run.path[steps, 0])
    np.testing.assert_array_equal(t.y, run.path[steps, 1])
    np.testing.assert_allclose(t.customdata[:, 1], _rosen(run.path[steps, 0], run.path[steps, 1]), rtol=1e-10)


def test_curve_one_variable_paths():
    q = functions.quadratic
    runs = {f"β={m:g}": minimize(q, 10.0, "sgd", grad=q.grad, lr=0.1, momentum=m, loss_tol=1e-2) for m in (0.5, 0.0)}
    fig = plot.curve(q, runs, backend="plotly")
    np.testing.assert_allclose(fig.data[0].y, np.asarray(fig.data[0].x) ** 2)
    np.testing.assert_allclose(fig.data[1].x[:5], [10.0, 8.0, 5.4, 3.02, 1.226], rtol=1e-12)  # the classic table
    np.testing.assert_allclose(fig.data[1].y, np.asarray(fig.data[1].x) ** 2)
    assert len(fig.data[2].x) == 22
    assert "step %{customdata[0]}" in fig.data[1].hovertemplate and "loss" in fig.data[1].hovertemplate
    ax = plot.curve(q, runs)
    assert _names(fig) == _legend(ax)
    # a one-variable function given to contour draws the curve, as matplotlib does
    assert [t.type for t in plot.contour(q, runs, backend="plotly").data] == [t.type for t in fig.data]


def test_surface_is_3d_with_the_paths_on_it():
    f = functions.bowl
    run = minimize(f, [2.5, 2.5], "sgd", grad=f.grad, lr=0.1, steps=50)
    fig = plot.surface(f, {"SGD (lr=0.1)": run}, bounds=[(-3, 3), (-3, 3)], resolution=40, backend="plotly")
    s, path = fig.data[0], fig.data[1]
    assert (s.type, path.type) == ("surface", "scatter3d")
    X, Y = np.meshgrid(s.x, s.y)
    np.testing.assert_allclose(s.z, X ** 2 + Y ** 2, rtol=1e-12)
    np.testing.assert_array_equal(path.x, run.path[:, 0])
    np.testing.assert_array_equal(path.y, run.path[:, 1])
    np.testing.assert_allclose(path.z, 2 * 6.25 * 0.64 ** np.arange(51), rtol=1e-9)  # w ← 0.8·w: f = 12.5·0.64^k
    for field in ("step %{customdata[0]}", "w₁=%{x", "w₂=%{y", "loss %{customdata[1]"):
        assert field in path.hovertemplate
    ax = plot.surface(f, {"SGD (lr=0.1)": run}, bounds=[(-3, 3), (-3, 3)], resolution=40)
    assert _names(fig) == _legend(ax)
    assert fig.layout.scene.zaxis.title.text == ax.get_zlabel()


def test_surface_log_scale_and_paths_that_leave_the_box():
    f = functions.rosenbrock
    run = minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=200)
    fig = plot.surface(f, run, resolution=30, backend="plotly")
    path = fig.data[1]
    zmin = np.nanmin(fig.data[0].z)
    assert fig.layout.scene.zaxis.title.text == "log₁₀(f − min f)"
    assert np.all(np.diff(np.argsort(path.customdata[:, 1])) != 0)
    # the z on the path is the same monotone transform of the loss as the surface's
    order = np.argsort(path.customdata[:, 1])
    assert np.all(np.diff(np.asarray(path.z)[order]) >= -1e-12) and np.min(path.z) >= zmin - 1e-9


def test_convergence_is_the_losses_with_a_log_axis():
    f = functions.beale
    runs = {m: minimize(f, f.start, m, grad=f.grad, lr=0.01, steps=200) for m in ("adam", "rmsprop")}
    fig = plot.convergence(runs, backend="plotly")
    for (m, run), t in zip(runs.items(), fig.data):
        np.testing.assert_array_equal(t.y, run.losses)
        np.testing.assert_array_equal(t.x, np.arange(len(run.losses)))
        assert t.name == m and "step %{x}" in t.hovertemplate and "%{y" in t.hovertemplate
    assert fig.layout.yaxis.type == "log"
    ax = plot.convergence(runs)
    assert _names(fig) == _legend(ax) and fig.layout.yaxis.title.text == ax.get_ylabel()
    gap = plot.convergence(runs["adam"], fmin=0.5, log=False, backend="plotly").data[0].y
    np.testing.assert_allclose(gap, np.maximum(runs["adam"].losses - 0.5, 1e-15))
    with pytest.raises(ValueError, match="log=True needs positive losses"):
        plot.convergence([np.array([1.0, -1.0])], log=True, backend="plotly")


def test_animate_frames_follow_the_paths(tmp_path):
    f = functions.beale
    runs = {"Adam": minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=100),
            "RMSprop": minimize(f, f.start, "rmsprop", grad=f.grad, lr=0.01, steps=100)}
    page = tmp_path / "race.html"
    fig = plot.animate(f, runs, page, frames=8, backend="plotly")
    assert len(fig.frames) == 8 and page.stat().st_size > 1_000_000  # plotly.js inside: plays offline
    for frame in fig.frames:
        k = int(frame.name)
        assert list(frame.traces) == [1, 2]
        for trace, run in zip(frame.data, runs.values()):
            steps = np.asarray(trace.customdata[:, 0], dtype=int)
            assert steps[-1] == k and np.all(steps <= k)
            np.testing.assert_array_equal(trace.x, run.path[steps, 0])
            np.testing.assert_allclose(trace.customdata[:, 1], run.losses[steps])
    assert int(fig.frames[-1].name) == 100
    assert len(fig.layout.sliders[0].steps) == 8
    with pytest.raises(ValueError, match=r"\.html"):
        plot.animate(f, runs, tmp_path / "race.gif", backend="plotly")


# --------------------------------------------------------------------------- finance and SPC


def test_control_chart_traces():
    rng = np.random.default_rng(3)
    x = rng.normal(0.0, 1.0, 120)
    x[80:] += 1.5
    chart = ewma_chart(x, 0.2, 2.86, target=0.0, sigma=1.0)
    fig = plot.control_chart(chart, mark=79.5, backend="plotly")
    np.testing.assert_array_equal(fig.data[0].y, x)
    ref = pd.Series(np.r_[0.0, x]).ewm(alpha=0.2, adjust=False).mean().to_numpy()[1:]  # z₀ = target
    np.testing.assert_allclose(fig.data[1].y, ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fig.data[2].y, chart["ucl"])
    np.testing.assert_allclose(fig.data[3].y, chart["lcl"])
    sig = chart["signal"].to_numpy()
    assert sig.sum() > 0
    np.testing.assert_array_equal(fig.data[-1].x, chart.index[sig])
    assert fig.layout.shapes[0].x0 == 79.5
    ax = plot.control_chart(chart, mark=79.5)
    assert _names(fig) == _legend(ax) and fig.layout.title.text == ax.get_title()


def test_control_chart_dates_in_hover():
    r = (100 * np.log(data.sample("sp500")["Close"].loc["2006":"2007"]).diff()).dropna()
    chart = ewma_chart(r, 0.1, 2.7, phase1=250)
    fig = plot.control_chart(chart, backend="plotly")
    assert pd.DatetimeIndex(fig.data[1].x).equals(r.index)
    assert all("%{x|%Y-%m-%d}" in t.hovertemplate for t in fig.data)


def test_indicators_against_talib():
    talib = pytest.importorskip("talib")
    prices = data.sample("sp500").loc["2018"]
    close = prices["Close"].to_numpy()
    fig = plot.indicators(prices, volatility=True, backend="plotly")
    by = {t.name: t for t in fig.data}
    np.testing.assert_array_equal(by["close"].y, close)
    np.testing.assert_allclose(by["EMA(20), β=0.905"].y, talib.EMA(close, 20), rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(by["EMA(50), β=0.961"].y, talib.EMA(close, 50), rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(by["RSI(14)"].y, talib.RSI(close, 14), rtol=1e-10, equal_nan=True)
    logret = np.diff(np.log(close))
    var = pd.Series(logret ** 2).ewm(alpha=0.06, adjust=False).mean()  # RiskMetrics: β = 0.94, mean zero
    vol = np.asarray(by["RiskMetrics σ, β=0.94"].y)
    assert np.isfinite(vol).sum() > 200
    # σ_t is the forecast from the returns up to the day before; compare once the start-up has decayed
    # (0.94^100 ≈ 0.002)
    np.testing.assert_allclose(vol[2:][100:], np.sqrt(var.to_numpy()[:-1][100:] * 252) * 100, rtol=5e-3)
    assert all("%{x|%Y-%m-%d}" in t.hovertemplate for t in fig.data)
    mfig = plot.indicators(prices, volatility=True)
    assert sorted(_names(fig)) == sorted(_legend(mfig))
    assert fig.layout.yaxis3.title.text == mfig.axes[2].get_ylabel()


def test_backtest_panels_carry_the_result():
    from ewmakit import finance

    close = data.sample("sp500")["Close"].loc["2005":"2012"]
    signal = (finance.ema(close, 10) > finance.ema(close, 50)).astype(int)
    result = finance.backtest(close, signal, fee=0.001)
    fig = plot.backtest(result, backend="plotly")
    by = {t.name: t for t in fig.data}
    trades = result.trades
    np.testing.assert_array_equal(by["close"].y, close.to_numpy())
    np.testing.assert_array_equal(by[f"long entry ({len(trades)})"].y, trades["entry_price"])
    assert pd.DatetimeIndex(by[f"long entry ({len(trades)})"].x).equals(pd.DatetimeIndex(trades["entry_date"]))
    np.testing.assert_array_equal(by["strategy"].y, result.equity.to_numpy())
    np.testing.assert_allclose(by["buy and hold"].y, close.to_numpy() / close.iloc[0])
    np.testing.assert_allclose(by["drawdown (%)"].y, result.drawdown.to_numpy() * 100)
    assert all("%{x|%Y-%m-%d}" in t.hovertemplate for t in fig.data)
    mfig = plot.backtest(result)
    assert sorted(_names(fig)) == sorted(_legend(mfig))
    assert fig.layout.title.text == mfig.axes[0].get_title()
    assert [fig.layout[f"yaxis{k}"].title.text for k in ("", "2", "3")] == [a.get_ylabel() for a in mfig.axes]


def test_save_writes_a_plotly_figure_as_an_offline_page(tmp_path):
    from plotly.offline import get_plotlyjs

    fig = plot.beta_impact(backend="plotly")
    page = plot.save(fig, tmp_path / "new" / "impact.html")
    text = page.read_text(encoding="utf-8")
    assert get_plotlyjs()[:2000] in text and not re.search(r"<script[^>]*src=", text)
    assert "0.9 (lags)" in text  # (β is written as \u03b2 in the JSON)
    try:
        import kaleido  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match=r"give a \.html file, or install kaleido"):
            plot.save(fig, tmp_path / "impact.png")
