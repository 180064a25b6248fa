"""ewmakit.plot (SPEC §8): every picture rendered with Agg and checked for its content.

The checks are about what is drawn, not pixels: the number of points and lines,
their labels, that an EWMA line holds ewmakit.ewma's values, that a path starts
where its optimizer started, log-scaled levels where a function spans decades.
"""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from PIL import Image  # noqa: E402

import ewmakit  # noqa: E402
from ewmakit import data, plot  # noqa: E402
from ewmakit.control import ewma_chart  # noqa: E402
from ewmakit.optim import functions, minimize  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def spx_2008() -> pd.Series:
    return data.sample("sp500")["Close"].loc["2008"]


def _labels(ax):
    return [line.get_label() for line in ax.lines]


def test_importing_ewmakit_does_not_import_matplotlib():
    code = ("import sys, ewmakit, ewmakit.plot, ewmakit.cli, ewmakit._demos; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(plot.PALETTE) == okabe_ito
    assert len(plot.PALETTE) == 8


# --------------------------------------------------------------------------- smoothing


def test_smoothing_points_and_one_line_per_beta(spx_2008):
    betas = (0.5, 0.9, 0.95)
    ax = plot.smoothing(spx_2008, betas)
    points = ax.collections[0].get_offsets()
    assert len(points) == len(spx_2008)
    np.testing.assert_allclose(np.asarray(points)[:, 1], spx_2008.to_numpy())
    assert _labels(ax) == ["β=0.5 (≈2 days, span 3)", "β=0.9 (≈10 days, span 19)", "β=0.95 (≈20 days, span 39)"]
    for line, b in zip(ax.lines, betas):
        np.testing.assert_allclose(line.get_ydata(), ewmakit.ewma(spx_2008.to_numpy(), b), rtol=1e-12)
        assert len(line.get_xdata()) == len(spx_2008)
    assert ax.get_xlabel() == "date"
    assert ax.get_title()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "Close" and legend[1:] == _labels(ax)
    colors = {matplotlib.colors.to_hex(line.get_color()).upper() for line in ax.lines}
    assert colors <= {c.upper() for c in plot.PALETTE}


def test_smoothing_points_only_and_non_dates():
    ax = plot.smoothing([5.0, 6, 4, 7], betas=())
    assert len(ax.lines) == 0 and len(ax.collections[0].get_offsets()) == 4
    assert ax.get_xlabel() == "t (step)"
    ax = plot.smoothing(pd.Series([1.0, 2.0, 3.0]), betas=0.9)
    assert _labels(ax) == ["β=0.9 (≈10 points, span 19)"]  # no dates: points, not days


def test_smoothing_frame_uses_close_or_column():
    df = data.sample("sp500").loc["2018-01":"2018-03"]
    ax = plot.smoothing(df, 0.9)
    np.testing.assert_allclose(np.asarray(ax.collections[0].get_offsets())[:, 1], df["Close"].to_numpy())
    ax = plot.smoothing(df, 0.9, column="Open")
    np.testing.assert_allclose(np.asarray(ax.collections[0].get_offsets())[:, 1], df["Open"].to_numpy())
    with pytest.raises(ValueError, match="column 'Nope'"):
        plot.smoothing(df, 0.9, column="Nope")
    with pytest.raises(ValueError, match="give column"):
        plot.smoothing(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}), 0.9)


@pytest.mark.parametrize("bad, exc", [(1.0, ValueError), (-0.1, ValueError), ([0.5, 1.5], ValueError),
                                      ("0.9", TypeError)])
def test_smoothing_rejects_bad_betas(bad, exc):
    with pytest.raises(exc, match="betas"):
        plot.smoothing([1.0, 2.0, 3.0], bad)


def test_accessor_plot_series_and_frame(spx_2008):
    ax = spx_2008.ewmakit.plot(betas=(0.5, 0.9))
    assert _labels(ax) == ["β=0.5 (≈2 days, span 3)", "β=0.9 (≈10 days, span 19)"]
    fig, ax2 = plt.subplots()
    df = data.sample("sp500").loc["2008"]
    out = df.ewmakit.plot(betas=0.95, ax=ax2)
    assert out is ax2 and _labels(ax2) == ["β=0.95 (≈20 days, span 39)"]
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), df["Close"].ewmakit.smooth(0.95).to_numpy())


@pytest.mark.parametrize("spec, values, labels", [
    ("window", (10, 50), ["window=10", "window=50"]),
    ("window", 20, ["window=20"]),
    ("span", [5, 30], ["span=5", "span=30"]),
    ("halflife", (3, 12.5), ["halflife=3", "halflife=12.5"]),
    ("alpha", 0.1, ["alpha=0.1"]),
    ("com", (2, 9), ["com=2", "com=9"]),
    ("beta", (0.5, 0.9), ["β=0.5 (≈2 days, span 3)", "β=0.9 (≈10 days, span 19)"]),
])
def test_accessor_plot_takes_any_decay_spec(spec, values, labels, spx_2008):
    ax = spx_2008.ewmakit.plot(**{spec: values})  # a TypeError before (issue 15)
    assert _labels(ax) == labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[1:] == labels
    for line, v in zip(ax.lines, np.atleast_1d(values)):
        expected = ewmakit.ewma(spx_2008, **{spec: v})  # the Series' EWMA with that very spec
        np.testing.assert_array_equal(line.get_ydata(), expected.to_numpy())
        np.testing.assert_array_equal(line.get_xdata(), spx_2008.index.to_numpy())
    # the same lines from the DataFrame accessor (its Close column) and from plot.smoothing
    frame_ax = data.sample("sp500").loc["2008"].ewmakit.plot(**{spec: values})
    smooth_ax = plot.smoothing(spx_2008, **{spec: values})
    for a, b, c in zip(ax.lines, frame_ax.lines, smooth_ax.lines):
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
        np.testing.assert_array_equal(a.get_ydata(), c.get_ydata())


def test_plot_decay_spec_options_and_errors(spx_2008):
    ax = spx_2008.ewmakit.plot(window=10, init="zero", bias_correction=True)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(),
                                  ewmakit.ewma(spx_2008.to_numpy(), window=10, bias_correction=True))
    assert _labels(spx_2008.ewmakit.plot()) == ["β=0.5 (≈2 days, span 3)", "β=0.9 (≈10 days, span 19)", "β=0.95 (≈20 days, span 39)"]
    with pytest.raises(ValueError, match="give one decay spec .* got window, span"):
        spx_2008.ewmakit.plot(window=10, span=20)
    with pytest.raises(ValueError, match="got betas, window"):
        spx_2008.ewmakit.plot(0.9, window=10)
    with pytest.raises(ValueError, match=r"window must be in \[1, inf\), got 0.5"):
        spx_2008.ewmakit.plot(window=(10, 0.5))
    with pytest.raises(ValueError, match="halflife"):
        plot.smoothing(spx_2008, halflife=0)


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_price_plots_find_close_whatever_its_case(case):
    prices = data.sample("sp500").loc["2018"]
    frame = prices.rename(columns=case)
    ax = plot.smoothing(frame, window=20)
    np.testing.assert_array_equal(np.asarray(ax.collections[0].get_offsets())[:, 1], prices["Close"].to_numpy())
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), ewmakit.ewma(prices["Close"], window=20).to_numpy())
    ax = frame.ewmakit.plot(span=5, column="open")
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), ewmakit.ewma(prices["Open"], span=5).to_numpy())
    fig = plot.indicators(frame)
    np.testing.assert_allclose(fig.axes[2].lines[0].get_ydata(), prices["Close"].ewmakit.rsi(14).to_numpy())
    # a yfinance frame of one ticker (MultiIndex columns): that ticker's close
    yf = pd.concat({"^GSPC": prices}, axis=1, names=["Ticker", "Price"]).swaplevel(axis=1)
    ax = plot.smoothing(yf, window=10)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), ewmakit.ewma(prices["Close"], window=10).to_numpy())
    two = pd.concat({"A": prices, "B": prices}, axis=1)
    with pytest.raises(ValueError, match="several tickers"):
        plot.smoothing(two, window=10)


def test_plot_on_given_axes_draws_there():
    fig, (a, b) = plt.subplots(1, 2)
    assert plot.beta_impact(ax=b) is b
    assert len(a.lines) == 0 and len(b.lines) == 3


# --------------------------------------------------------------------------- β pictures


def test_beta_impact_low_beta_follows_high_beta_lags():
    x = np.array([5, 6, 4, 7, 5, 10, 8, 6, 7], dtype=float)
    ax = plot.beta_impact(x, (0.1, 0.5, 0.9))
    assert len(ax.collections[0].get_offsets()) == 9
    assert len(ax.lines) == 3
    dev = []
    for line, b in zip(ax.lines, (0.1, 0.5, 0.9)):
        np.testing.assert_allclose(line.get_ydata(), ewmakit.ewma(x, b))
        dev.append(np.abs(line.get_ydata() - x).mean())
    assert dev[0] < dev[1] < dev[2]  # low β stays with the data, high β lags behind it
    assert "follows the noise" in ax.lines[0].get_label() and "lags" in ax.lines[2].get_label()
    # after the jump to 10, β=0.9 has moved only 10 % of the way
    assert ax.lines[2].get_ydata()[5] == pytest.approx(0.9 * ax.lines[2].get_ydata()[4] + 0.1 * 10)


def test_weights_bars_and_marks():
    ax = plot.weights(0.9, 30)
    heights = np.array([p.get_height() for p in ax.patches])
    assert len(heights) == 30
    k = np.arange(29, -1, -1)
    np.testing.assert_allclose(heights, 0.1 * 0.9**k)
    xs = np.array([p.get_x() + p.get_width() / 2 for p in ax.patches])
    np.testing.assert_allclose(xs, -k)  # newest at 0
    marks = {line.get_label().split(" = ")[0]: line.get_xdata()[0] for line in ax.lines}
    assert marks["half-life ln 0.5 / ln β"] == pytest.approx(-ewmakit.halflife_from_beta(0.9))
    assert marks["effective window 1/(1−β)"] == pytest.approx(-(10 - 0.5))
    assert marks["n-period EMA window (1+β)/(1−β)"] == pytest.approx(-(19 - 0.5))
    assert "95.8%" in ax.get_title()  # the last 30 points hold 1 − 0.9³⁰ of the weight
    assert "weight" in ax.get_ylabel() and "steps" in ax.get_xlabel()


def test_weights_beta_zero_has_no_half_life():
    ax = plot.weights(0.0, 5)
    assert [p.get_height() for p in ax.patches] == [0, 0, 0, 0, 1]
    assert not any(label.startswith("half-life") for label in _labels(ax))
    with pytest.raises(ValueError, match="n must be"):
        plot.weights(0.9, 0)
    with pytest.raises(ValueError, match="beta"):
        plot.weights(1.0, 5)


def test_window_to_beta_marks_19_as_0_9():
    ax = plot.window_to_beta(60, mark=(19, 20))
    beta_line, alpha_line, m19, m20 = ax.lines
    n = beta_line.get_xdata()
    np.testing.assert_allclose(beta_line.get_ydata(), 1 - 2 / (n + 1))
    np.testing.assert_allclose(alpha_line.get_ydata(), 2 / (n + 1))
    assert m19.get_label() == "n = 19: β = 0.9, α = 0.1"
    np.testing.assert_allclose(m19.get_ydata(), [0.1, 0.9])
    assert "0.905" in m20.get_label()


# --------------------------------------------------------------------------- optimizer pictures


def _race(f, steps=300):
    return {
        "SGD (lr=0.001)": minimize(f, f.start, "sgd", grad=f.grad, lr=1e-3, steps=steps),
        "Adam (lr=0.05)": minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=steps),
    }


@pytest.mark.parametrize("name, log", [("rosenbrock", True), ("beale", True), ("bowl", False),
                                        ("himmelblau", False), ("rastrigin", False)])
def test_contour_log_levels_where_the_function_spans_decades(name, log):
    f = functions.ALL[name]
    ax = plot.contour(f, resolution=80)
    assert isinstance(ax.collections[0].norm, LogNorm) is log
    assert ("log" in ax.get_title()) is log


def test_contour_paths_start_where_the_optimizer_started():
    f = functions.rosenbrock
    runs = _race(f)
    ax = plot.contour(f, runs, resolution=80)
    labels = _labels(ax)
    assert labels == ["SGD (lr=0.001)", "Adam (lr=0.05)", "minimum", "start"]
    for line, run in zip(ax.lines, runs.values()):
        xy = line.get_xydata()
        np.testing.assert_array_equal(xy[0], f.start)
        np.testing.assert_array_equal(xy, run.path)  # 301 points: all drawn
        np.testing.assert_array_equal(xy[-1], run.x)
    np.testing.assert_array_equal(ax.lines[2].get_xydata(), f.minima)
    np.testing.assert_array_equal(ax.lines[3].get_xydata(), [f.start, f.start])
    assert ax.get_xlim() == f.bounds[0] and ax.get_ylim() == f.bounds[1]
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert len(ax.figure.axes) == 2  # the colour bar
    assert "log scale" in ax.figure.axes[1].get_ylabel()


def test_contour_long_paths_keep_start_and_end():
    f = functions.beale
    run = minimize(f, f.start, "adam", grad=f.grad, lr=0.01, steps=3000)
    ax = plot.contour(f, {"Adam": run}, resolution=60, colorbar=False)
    xy = ax.lines[0].get_xydata()
    assert len(xy) <= 601
    np.testing.assert_array_equal(xy[0], run.path[0])
    np.testing.assert_array_equal(xy[-1], run.path[-1])


def test_contour_grows_bounds_to_hold_the_start_and_accepts_arrays():
    f = functions.wavy_regression
    path = np.array([[6.0, -3.0], [5.0, -2.0], [3.0, 0.0]])
    ax = plot.contour(f, [path, path * 0.5], resolution=60)
    assert _labels(ax)[:2] == ["path 1", "path 2"]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x1 > 6.0 and y0 < -3.0 and x0 == -5.0 and y1 == 5.0
    assert ax.get_xlabel() == "w₀ (slope)"


def test_contour_of_a_one_variable_function_is_its_curve():
    q = functions.quadratic
    run = minimize(q, 10.0, "sgd", grad=q.grad, lr=0.1, momentum=0.5, loss_tol=1e-2)
    ax = plot.contour(q, {"β=0.5": run})
    assert _labels(ax)[:2] == ["f(θ) = θ²", "β=0.5"]
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [10, 8, 5.4, 3.02, 1.226, 0.0838], atol=5e-5)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), run.losses)


def test_contour_and_curve_errors():
    with pytest.raises(ValueError, match="bounds"):
        plot.contour(lambda xy: xy[0] ** 2 + xy[1] ** 2)
    ax = plot.contour(lambda xy: xy[0] ** 2 + xy[1] ** 2, bounds=[(-1, 1), (-1, 1)], resolution=30)
    assert ax.get_xlim() == (-1, 1)
    with pytest.raises(ValueError, match="2 variables"):
        plot.contour(lambda x: x[0], bounds=[(0, 1)] * 3)
    with pytest.raises(ValueError, match="one variable"):
        plot.curve(functions.bowl)
    with pytest.raises(TypeError, match="test function"):
        plot.contour("rosenbrock")


def test_surface_is_3d_and_paths_lie_on_it():
    f = functions.bowl
    run = minimize(f, [2.5, 2.5], "sgd", grad=f.grad, lr=0.1, steps=50)
    ax = plot.surface(f, {"gradient descent (lr=0.1)": run})
    assert ax.name == "3d"
    line = ax.lines[0]
    assert line.get_label() == "gradient descent (lr=0.1)"
    xs, ys, zs = line.get_data_3d()
    assert len(xs) == 51
    assert (xs[0], ys[0]) == (2.5, 2.5)
    np.testing.assert_allclose(zs, run.losses)  # on the surface: z = f(path)
    assert _labels(ax)[1:] == ["minimum", "start"]
    assert ax.get_zlabel() == "f(w₁, w₂)"


def test_surface_log_for_rosenbrock_and_needs_3d_axes():
    f = functions.rosenbrock
    ax = plot.surface(f, _race(f, 100), resolution=30)
    assert ax.get_zlabel().startswith("log₁₀")
    _, flat = plt.subplots()
    with pytest.raises(ValueError, match="3-D axes"):
        plot.surface(f, ax=flat)


def test_convergence_log_when_it_helps():
    f = functions.rosenbrock
    runs = _race(f, 500)
    ax = plot.convergence(runs)
    assert ax.get_yscale() == "log" and _labels(ax) == list(runs)
    for line, run in zip(ax.lines, runs.values()):
        np.testing.assert_array_equal(line.get_ydata(), run.losses)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(run.nit + 1))
    assert ax.get_xlabel() == "step"
    # a loss that goes negative: linear, unless plotted as the gap to the minimum
    c = functions.six_hump_camel
    run = minimize(c, c.start, "adam", grad=c.grad, lr=0.05, steps=300)
    assert plot.convergence(run).get_yscale() == "linear"
    fstar = c.f(c.minima[0])
    ax = plot.convergence({"Adam": run}, fmin=fstar)
    assert ax.get_yscale() == "log" and ax.get_ylabel().startswith("f(x) − f*")
    assert ax.lines[0].get_ydata().min() > 0
    with pytest.raises(ValueError, match="fmin"):
        plot.convergence(run, log=True)
    assert plot.convergence([run.losses, run.losses], log=False).get_yscale() == "linear"


def test_animate_writes_a_gif_of_the_race(tmp_path):
    f = functions.beale
    runs = _race(f, 200)
    gif = tmp_path / "race.gif"
    fig = plot.animate(f, runs, gif, frames=7, fps=5, dpi=40)
    with Image.open(gif) as im:
        assert im.format == "GIF" and im.n_frames == 7
    ax = fig.axes[0]
    assert ax.get_title().endswith("step 200")  # the last frame is the end of the longest run
    for line, run in zip(ax.lines, runs.values()):
        xy = line.get_xydata()
        np.testing.assert_array_equal(xy[0], f.start)
        np.testing.assert_array_equal(xy[-1], run.path[-1])
    with pytest.raises(ValueError, match="at least one trajectory"):
        plot.animate(f, {}, tmp_path / "x.gif")
    with pytest.raises(ValueError, match="frames"):
        plot.animate(f, runs, tmp_path / "x.gif", frames=0)


# --------------------------------------------------------------------------- finance and SPC pictures


def test_control_chart_lines_points_and_signals():
    x = [0.3, -0.4, 0.1, 0.5, 1.6, 1.4, 1.9, 1.2, 2.0, 1.8]
    chart = ewma_chart(x, 0.2, 3.0, target=0.0, sigma=1.0)
    ax = plot.control_chart(chart)
    assert len(ax.collections[0].get_offsets()) == 10
    assert _labels(ax) == ["EWMA of the observations", "UCL", "LCL", "center", "signal (2)"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), chart["ewma"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), chart["ucl"])
    np.testing.assert_array_equal(ax.lines[4].get_xdata(), [8, 9])
    assert "α=0.2" in ax.get_title() and "L=3.000" in ax.get_title()
    with pytest.raises(ValueError, match="ewma_chart"):
        plot.control_chart(pd.DataFrame({"value": [1.0]}))


def test_indicators_panels():
    prices = data.sample("sp500").loc["2018"]
    fig = plot.indicators(prices)
    price, macd, rsi = fig.axes
    assert [line.get_label() for line in price.lines][:3] == ["close", "EMA(20), β=0.905", "EMA(50), β=0.961"]
    assert len(price.lines[0].get_xdata()) == len(prices)
    assert [line.get_label() for line in macd.lines][:2] == ["MACD(12, 26)", "signal(9)"]
    assert len(macd.patches) == len(prices)  # the histogram
    assert rsi.get_ylim() == (0, 100) and rsi.get_ylabel() == "RSI(14)"
    np.testing.assert_allclose(rsi.lines[0].get_ydata(), prices["Close"].ewmakit.rsi(14).to_numpy())
    fig = plot.indicators(prices["Close"], volatility=True)
    assert len(fig.axes) == 4 and "% a year" in fig.axes[3].get_ylabel()
    _, axes = plt.subplots(2, 1)
    with pytest.raises(ValueError, match="needs 3 axes"):
        plot.indicators(prices, ax=axes)


# --------------------------------------------------------------------------- saving


def test_save_and_output_checks(tmp_path):
    out = plot.save(plot.weights(0.9, 10), tmp_path / "w.png")
    with Image.open(out) as im:
        assert im.format == "PNG"
    assert plt.get_fignums() == []  # closed
    with pytest.raises(OSError, match="does not exist"):
        plot.check_output(tmp_path / "missing" / "w.png")
    with pytest.raises(ValueError, match="give a file ending in one of"):
        plot.check_output(tmp_path / "w.xyz")
    assert plot.check_output(tmp_path / "w.svg") == tmp_path / "w.svg"


def test_backtest_panels():
    from ewmakit import finance

    close = data.sample("sp500")["Close"].loc["2005":"2012"]
    signal = (finance.ema(close, 10) > finance.ema(close, 50)).astype(int)
    result = finance.backtest(close, signal, fee=0.001)
    fig = plot.backtest(result)
    price, equity, drawdown = fig.axes
    assert [a.get_ylabel() for a in fig.axes] == ["price", "equity (from 1)", "drawdown (%)"]
    trades = result.trades
    labels = [line.get_label() for line in price.lines]
    assert labels == ["close", f"long entry ({len(trades)})", f"exit ({int((trades['status'] == 'closed').sum())})"]
    np.testing.assert_array_equal(price.lines[1].get_ydata(), trades["entry_price"])
    np.testing.assert_array_equal(equity.lines[0].get_ydata(), result.equity.to_numpy())
    np.testing.assert_allclose(equity.lines[1].get_ydata(), close.to_numpy() / close.iloc[0])
    np.testing.assert_allclose(drawdown.lines[0].get_ydata(), result.drawdown.to_numpy() * 100)
    assert "long/flat" in price.get_title() and "fee=0.001" in price.get_title()
    # a panel: one column drawn, short entries marked apart
    panel = pd.DataFrame({"a": close, "b": close[::-1].to_numpy()}, index=close.index)
    both = finance.backtest(panel, pd.DataFrame({"a": signal, "b": 2 * signal - 1}), short=True)
    fig = plot.backtest(both, column="b")
    lines = fig.axes[0].lines
    mine = both.trades[both.trades["column"] == "b"]
    assert lines[2].get_label() == f"short entry ({int((mine['direction'] == 'short').sum())})"
    np.testing.assert_array_equal(fig.axes[1].lines[0].get_ydata(), both.equity["b"].to_numpy())
    with pytest.raises(ValueError, match=r"the backtest has 2 series: pick one with column=\.\.\., one of \['a', 'b'\]"):
        plot.backtest(both)
    with pytest.raises(ValueError, match="column='c' is not a series"):
        plot.backtest(both, column="c")
    long = pd.DataFrame({"k": ["x", "y"] * 5, "close": np.arange(1.0, 11.0)})
    with pytest.raises(ValueError, match="by="):
        plot.backtest(finance.backtest(long, np.zeros(10), by="k"))
    with pytest.raises(TypeError, match="result must be"):
        plot.backtest(close)
