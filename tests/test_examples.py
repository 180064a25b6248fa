"""The scripts in ``examples/``: each one runs with ``--out`` into a folder that does not exist yet,
writes the files it promises and prints numbers checked here against independent computations
(finite differences, hand-written loops, closed forms, pandas); ``--help`` does no work.

Every script but the dask one runs in ONE subprocess (runpy, each with its own ``sys.argv``), so
the interpreter, pandas, matplotlib and the arch sample are loaded once; offline, ``--quick`` where
a script takes it.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: script -> (files it writes, lines its output must contain, options after --out)
EXPECTED = {
    "spy_2020.py": ({"spy_scatter.png", "spy_ewma.png"},
                    ["data: S&P 500 index 2008 from the offline sample", "β=0.9 (≈10 days, span 19)"], []),
    "beta.py": ({"beta_impact.png", "weights.png", "window_beta.png"},
                ["window 19: α = 2/20 = 0.1, β = 18/20 = 0.9", f"halve every {math.log(0.5) / math.log(0.9):.2f} steps",
                 "the span 2/(1−β) − 1 is 19"], []),
    "bias_correction.py": ({"bias_correction.png"}, ["started at v_0 = 0"], []),
    "gradient_descent.py": ({"elongated_contours.png", "elongated_surface.png"},
                            ["y changed sign 40 times"], []),
    "momentum.py": ({"momentum.png"},
                    ["β = 0.5: 5 steps", "β = 0: 21 steps", "β = 0.9: 10 steps", "take the same path: True"], []),
    "wavy.py": ({"wavy_momentum.png", "wavy_beta_sweep.png"}, ["(right)", "(wrong)"], []),
    "regression_surface.py": ({"regression_surface.png"},
                              ["one epoch = 100 per-sample updates from (6.0, -3.0)".replace("one epoch", "One epoch"),
                               "no lasting winner", "Why: each update follows ONE point's gradient"], []),
    "optimizers.py": ({"race_rosenbrock.png", "race_beale.png"},
                      ["rosenbrock from (-1.2, 1.0)", "beale from (1.0, 1.5)", "Final loss after 300 steps"],
                      ["--quick"]),
    "race_animation.py": ({"race.gif"}, ["SGD (lr=0.001)"], ["--quick"]),
    "indicators.py": ({"indicators.png"}, ["S&P 500 indicators around the 2008 crash"], []),
    "control_chart.py": ({"control_chart.png"}, ["EWMA designs with in-control ARL 370.4",
                                                 "first signal at point 118"], []),
    "quickstart.py": ({"quickstart.png"}, ["S&P 500 close and its EWMAs, last five days of 2008:"], []),
    "forecast.py": ({"forecast.png"}, ["fitted beta ="], []),
}
SCRIPTS = sorted(EXPECTED)

_DRIVER = r"""
import contextlib, io, json, os, runpy, sys, time, traceback
results = {}
for script, argv in json.loads(sys.argv[1]):
    stdout, stderr = io.StringIO(), io.StringIO()
    sys.argv = [script, *argv]
    code, t0 = 0, time.perf_counter()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            code = 1
            traceback.print_exc()
    results[script + " " + " ".join(argv)] = {"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(),
                                              "seconds": time.perf_counter() - t0, "cwd": sorted(os.listdir("."))}
print(json.dumps(results))
"""


def _env(tmp_path):
    env = dict(os.environ, EWMAKIT_OFFLINE="1", EWMAKIT_DATA_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg")
    env.pop("EWMAKIT_DEBUG", None)
    return env


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every script (but dask's) run once with --out NEW/FOLDER, then once with --help: {script: result}."""
    tmp = tmp_path_factory.mktemp("examples")
    work = tmp / "cwd"
    work.mkdir()
    jobs = [(str(EXAMPLES / s), ["--out", str(tmp / s.removesuffix(".py") / "new"), *EXPECTED[s][2]]) for s in SCRIPTS]
    jobs += [(str(EXAMPLES / s), ["--help"]) for s in [*SCRIPTS, "dask_big_series.py"]]
    before = {p.name for p in EXAMPLES.iterdir()}
    proc = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(jobs)], cwd=work, capture_output=True, text=True,
                          env=_env(tmp), timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {p.name for p in EXAMPLES.iterdir()} == before  # nothing written next to the scripts
    results = json.loads(proc.stdout.splitlines()[-1])
    out = {}
    for (script, argv), result in zip(jobs, results.values()):
        name = Path(script).name
        key = "help" if argv == ["--help"] else "run"
        out.setdefault(name, {})[key] = {**result, "out": None if key == "help" else Path(argv[1])}
    return out


def test_the_examples_are_there():
    assert set(SCRIPTS) | {"dask_big_series.py"} == {p.name for p in EXAMPLES.glob("*.py")}


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs_into_a_new_folder_and_writes_its_files(script, runs):
    files, needles, _ = EXPECTED[script]
    result = runs[script]["run"]
    assert result["code"] == 0 and "Traceback" not in result["stderr"], result["stderr"][-3000:]
    for needle in needles:
        assert needle in result["stdout"], f"{script} did not print {needle!r}"
    out = result["out"]
    assert {p.name for p in out.iterdir()} == files
    for name in files:
        assert f"wrote {out / name}" in result["stdout"]
        with Image.open(out / name) as im:
            assert im.format == Path(name).suffix.lstrip(".").upper()


@pytest.mark.parametrize("script", [*SCRIPTS, "dask_big_series.py"])
def test_help_does_no_work(script, runs):
    result = runs[script]["help"]
    assert result["code"] == 0, result["stderr"]
    assert "--out" in result["stdout"] and "usage:" in result["stdout"]
    assert result["stdout"].splitlines()[2].strip()  # the description: the docstring's title line
    assert result["cwd"] == []  # no default output folder, no file
    assert result["seconds"] < 5


def _numbers(text: str) -> list[float]:
    return [float(v.replace("−", "-")) for v in re.findall(r"[−-]?\d+\.\d+(?:e[+-]?\d+)?", text)]


def test_wavy_gradient_and_momentum_against_independent_computations(runs):
    out = runs["wavy.py"]["run"]["stdout"]
    # the gradient printed as right is within 1e-6 of a finite difference; the article's is off by > 1
    right = float(re.search(r"finite difference\| on \[−3, 3\]: (\S+) \(right\)", out).group(1))
    wrong = float(re.search(r"2θ² cos θ: (\S+) \(wrong\)", out).group(1))
    assert right < 1e-6 and wrong > 1
    theta, h = np.linspace(-3, 3, 61), 1e-6
    f = lambda t: 2 * t**2 * np.sin(t) * np.cos(t)
    fd = (f(theta + h) - f(theta - h)) / (2 * h)
    assert np.max(np.abs(2 * theta * np.sin(2 * theta) + 2 * theta**2 * np.cos(2 * theta) - fd)) < 1e-6

    # momentum's path by a hand loop (heavy ball: v = β v + g, θ -= lr v), for the article's four runs
    def hand(beta, steps, theta=0.9, lr=0.2):
        v = 0.0
        for _ in range(steps):
            g = 2 * theta * math.sin(2 * theta) + 2 * theta**2 * math.cos(2 * theta)
            v = beta * v + g
            theta -= lr * v
        return theta

    for beta, steps in ((0.9, 20), (0.7, 50), (0.5, 500), (0.2, 500)):
        row = next(line for line in out.splitlines() if line.startswith(f"momentum β={beta} "))
        got_theta = _numbers(row)[1]  # the row: "momentum β=0.7   50  -1.1446  -0.9863"
        assert f" {steps} " in row
        assert got_theta == pytest.approx(hand(beta, steps), abs=5e-5)
    assert hand(0.7, 50) == pytest.approx(-1.1446, abs=1e-3) and abs(hand(0.2, 500)) < 0.01


def test_bias_correction_table_against_the_recursion(runs):
    out = runs["bias_correction.py"]["run"]["stdout"]
    x = 10.0 + np.random.default_rng(3).normal(0.0, 1.0, 40)
    v, rows = 0.0, {}
    for t, xt in enumerate(x, start=1):
        v = 0.9 * v + 0.1 * xt
        rows[t] = (xt, v, 1 - 0.9**t, v / (1 - 0.9**t))
    for t in (1, 2, 10, 40):
        line = next(line for line in out.splitlines() if line.split() and line.split()[0] == str(t))
        np.testing.assert_allclose([float(s) for s in line.split()[1:]], rows[t], atol=6e-4)
    assert rows[1][1] == pytest.approx(0.1 * x[0]) and rows[1][3] == pytest.approx(x[0])


def test_gradient_descent_closed_form_and_momentum_loop(runs):
    out = runs["gradient_descent.py"]["run"]["stdout"]
    # gradient descent on x²/2 + 10y²: x ← (1 − lr) x, y ← (1 − 20 lr) y, 40 steps
    x, y = -9.0 * (1 - 0.095) ** 40, 1.0 * (1 - 20 * 0.095) ** 40
    assert f"ends at ({x:+.4f}, {y:+.4f})" in out
    w, v = np.array([-9.0, 1.0]), np.zeros(2)
    for _ in range(40):
        v = 0.7 * v + np.array([w[0], 20 * w[1]])
        w = w - 0.03 * v
    assert f"ends at ({w[0]:+.4f}, {w[1]:+.4f})" in out
    assert 0.5 * w[0] ** 2 + 10 * w[1] ** 2 < 1e-3 * (0.5 * x**2 + 10 * y**2) * 100  # momentum ends far lower


def test_regression_final_losses_against_a_hand_loop(runs):
    from ewmakit.optim import functions

    out = runs["regression_surface.py"]["run"]["stdout"]
    loss = functions.make_wavy_regression(ripple=5.0)
    xs, ys = loss.data
    for label, beta in (("SGD (lr=0.09)", 0.0), ("momentum SGD (lr=0.09, β=0.45)", 0.45)):
        w, v = np.array([6.0, -3.0]), np.zeros(2)
        for x, y in zip(xs, ys):
            r = w[0] * x + w[1] - y
            g = np.array([2 * r * x + 5 * np.cos(w[0]) * np.cos(w[1]), 2 * r - 5 * np.sin(w[0]) * np.sin(w[1])])
            v = beta * v + g
            w = w - 0.09 * v
        mse = np.mean((w[0] * xs + w[1] - ys) ** 2) + 5 * np.sin(w[0]) * np.cos(w[1])
        line = next(line for line in out.splitlines() if line.strip().startswith(label))
        assert f"ends at w = ({w[0]:.3f}, {w[1]:.3f}), L = {mse:.3f}" in line
    assert "In this order of the points SGD ends lower" in out


def test_spy_numbers_against_pandas(runs):
    from ewmakit import data

    out = runs["spy_2020.py"]["run"]["stdout"]
    close = data.sample("sp500")["Close"].loc["2008"]
    last = [close.ewm(alpha=1 - b, adjust=False).mean().iloc[-1] for b in (0.5, 0.9, 0.95)]
    row = next(line for line in out.splitlines() if line.startswith("2008-12-31"))
    np.testing.assert_allclose(_numbers(row)[1:], last, atol=0.006)


def test_race_gif_is_wide_and_animated(runs):
    gif = runs["race_animation.py"]["run"]["out"] / "race.gif"
    with Image.open(gif) as im:
        assert im.width >= 800 and im.n_frames == 8  # --quick: 8 frames, every one written


def test_dask_example_any_number_of_tickers(tmp_path):
    out = tmp_path / "new" / "dask"
    proc = subprocess.run([sys.executable, str(EXAMPLES / "dask_big_series.py"), "--out", str(out), "--rows", "20000",
                           "--partitions", "3", "--tickers", "3", "--quiet"], capture_output=True, text=True,
                          env=_env(tmp_path), timeout=300, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout
    assert "3 tickers" in text and "T0002" in text  # the ticker shown exists (was a hard-coded T0042)
    for line in text.splitlines():
        if "max |relative difference|" in line:
            assert float(line.split("difference| = ")[1].split(",")[0]) < 1e-12, line
    assert {p.name for p in out.iterdir()} == {"ticks_smoothed", "panel_ema20.parquet", "dask_ewma.png"}
    panel = pd.read_parquet(out / "panel_ema20.parquet")
    ref = panel.groupby("ticker")["close"].transform(lambda s: s.ewm(span=20, adjust=False).mean())
    np.testing.assert_allclose(panel["ema20"], ref, rtol=1e-12)


# --------------------------------------------------------------------------- plot.save, animate, the demo


def test_plot_save_creates_missing_folders(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from ewmakit import plot

    target = tmp_path / "a" / "b" / "w.png"
    assert plot.save(plot.weights(0.9, 10), target) == target and target.stat().st_size > 0


def test_animate_trail_has_a_fixed_length_in_every_frame(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ewmakit import plot
    from ewmakit.optim import functions, minimize

    f = functions.rosenbrock
    runs = {m: minimize(f, f.start, m, grad=f.grad, steps=200, lr=lr) for m, lr in (("adam", 0.05), ("sgd", 1e-3))}
    fig, ax = plt.subplots(figsize=(8.5, 7))
    seen = []

    def on_frame(j, k):  # what the frame just written shows: every line's points
        seen.append((k, [len(line.get_xdata()) for line in ax.lines]))

    plot.animate(f, runs, tmp_path / "new" / "r.gif", ax=ax, frames=12, trail=5, on_frame=on_frame)
    plt.close(fig)
    assert len(seen) == 12 and seen[-1][0] == 200 and [k for k, _ in seen] == sorted({k for k, _ in seen})
    n = len(runs)
    trails = [lengths[-2 * n:-n] for _, lengths in seen]  # animate adds the trails, then the heads
    heads = [lengths[-n:] for _, lengths in seen]
    assert all(t == [5] * n for t in trails) and all(h == [1] * n for h in heads)
    with Image.open(tmp_path / "new" / "r.gif") as im:
        assert im.n_frames == 12 and im.width == 850
    # the frames' builder: the trail is the last positions shown, padded with the start
    steps = np.array([0, 1, 3, 7])
    path = np.arange(20.0).reshape(10, 2)
    frames = list(plot._race_frames([path], steps, 3))
    assert [tail.tolist() for (_, tail), in frames] == [
        [[0, 1], [0, 1], [0, 1]], [[0, 1], [0, 1], [2, 3]], [[0, 1], [2, 3], [6, 7]], [[2, 3], [6, 7], [14, 15]]]


def test_optimize_plot_gif_writes_every_frame(tmp_path, monkeypatch, capsys):
    from ewmakit import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["optimize", "beale", "--method", "adam", "--steps", "40", "--plot", "b.gif"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "wrote b.gif"
    with Image.open(tmp_path / "b.gif") as im:
        assert im.n_frames >= 2 and im.width >= 800


def test_demo_runs_the_example_scripts(tmp_path, monkeypatch, capsys):
    from ewmakit import _demos, cli

    monkeypatch.setenv("EWMAKIT_OFFLINE", "1")
    assert _demos.examples_folder() == EXAMPLES
    out = tmp_path / "new" / "demo"
    assert cli.main(["demo", "--out", str(out), "--only", "bias", "--only", "wavy", "--verbose"]) == 0
    text = capsys.readouterr().out
    assert "--- wavy (wavy.py): 2 file(s) in" in text and "(right)" in text
    assert {p.name for p in out.iterdir()} == {"bias_correction.png", "wavy_momentum.png", "wavy_beta_sweep.png"}
