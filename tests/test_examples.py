"""The scripts in ``examples/`` run (in a subprocess, offline, on a temporary folder) and write their figures.

``EWMAKIT_DEMO_QUICK=1`` makes the optimizer races shorter and the GIF a few frames: the same
files, made fast. The printed numbers checked here are the classic ones each example is about.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: script -> (files it writes, lines its output must contain)
EXPECTED = {
    "spy_2020.py": ({"spy_scatter.png", "spy_ewma.png"},
                    ["data: S&P 500 index 2008 from the offline sample", "β=0.9 (≈19-day)"]),
    "beta.py": ({"beta_impact.png", "weights.png", "window_beta.png"},
                ["window 19: α = 2/20 = 0.1, β = 18/20 = 0.9", "halve every 6.58 steps"]),
    "gradient_descent.py": ({"bowl.png"}, ["w ← w − 0.1·2w = 0.8·w"]),
    "momentum.py": ({"momentum.png"},
                    ["β = 0.5: 5 steps", "β = 0: 21 steps", "β = 0.9: 10 steps", "take the same path: True"]),
    "wavy.py": ({"wavy_momentum.png", "wavy_beta_sweep.png"}, ["Sweep over β"]),
    "regression_surface.py": ({"regression_surface.png"}, ["one epoch = 100 per-sample updates from (6, −3)"]),
    "optimizers.py": ({"momentum.png", "race_rosenbrock.png", "race_beale.png", "race.gif"},
                      ["rosenbrock from (-1.2, 1.0)", "beale from (1.0, 1.5)", "Final loss after 300 steps"]),
    "indicators.py": ({"indicators.png"}, ["S&P 500 indicators around the 2008 crash"]),
    "control_chart.py": ({"control_chart.png"}, ["EWMA designs with in-control ARL 370.4",
                                                 "first signal at point 118"]),
    "quickstart.py": ({"quickstart.png"}, ["S&P 500 close and its EWMAs, last five days of 2008:"]),
    "forecast.py": (set(), ["fitted beta ="]),
}


# The scripts of the plots/CLI/examples issue and the ones before it. Examples added later (a dask
# one, say) take their own options and are tested with their feature.
SCRIPTS = sorted(EXPECTED)


def test_the_examples_are_there():
    assert set(SCRIPTS) <= {p.name for p in EXAMPLES.glob("*.py")}


# One subprocess runs every script in turn as ``__main__`` (runpy, with its own sys.argv), so the
# interpreter, pandas, matplotlib and the arch sample are loaded once instead of eleven times.
_DRIVER = r"""
import contextlib, io, json, runpy, sys, traceback
results = {}
for script, out in json.loads(sys.argv[1]):
    stdout, stderr = io.StringIO(), io.StringIO()
    sys.argv = [script, "--out", out]
    code = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            code = 1
            traceback.print_exc()
    results[script] = {"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
print(json.dumps(results))
"""


def _check(script: str, result: dict, out_dir: Path) -> list[str]:
    """What is wrong with one example's run (nothing: an empty list)."""
    files, needles = EXPECTED[script]
    if result["code"] != 0 or "Traceback" in result["stderr"]:
        return [f"{script} exited with {result['code']}:\n{result['stderr'][-3000:]}"]
    problems = [f"{script} did not print {needle!r}" for needle in needles if needle not in result["stdout"]]
    written = {p.name for p in out_dir.iterdir()}
    if written != files:
        problems.append(f"{script} wrote {sorted(written)}, expected {sorted(files)}")
    for name in files & written:
        if f"wrote {out_dir / name}" not in result["stdout"]:
            problems.append(f"{script} did not say it wrote {name}")
        with Image.open(out_dir / name) as im:
            if im.format != Path(name).suffix.lstrip(".").upper():
                problems.append(f"{script}: {name} is a {im.format}, not a {Path(name).suffix}")
    return problems


def test_every_example_runs_and_writes_its_figures(tmp_path):
    """One test (not one per script), so that parallel workers do not each run the examples again."""
    import json

    jobs = []
    for script in SCRIPTS:
        out = tmp_path / script.removesuffix(".py")
        out.mkdir()
        jobs.append((str(EXAMPLES / script), str(out)))
    env = dict(os.environ, EWMAKIT_OFFLINE="1", EWMAKIT_DATA_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg",
               EWMAKIT_DEMO_QUICK="1")
    env.pop("EWMAKIT_DEBUG", None)
    before = {p.name for p in EXAMPLES.iterdir()}
    proc = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(jobs)], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.splitlines()[-1])
    problems = []
    for (script, out), result in zip(jobs, results.values()):
        problems += _check(Path(script).name, result, Path(out))
    assert not problems, "\n".join(problems)
    assert {p.name for p in EXAMPLES.iterdir()} == before  # nothing written next to the scripts


def test_an_example_runs_as_a_script(tmp_path):
    """``python examples/<script>.py`` itself (the runs above go through runpy): its command line."""
    proc = subprocess.run([sys.executable, str(EXAMPLES / "beta.py"), "--help"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Example 2" in proc.stdout and "--out" in proc.stdout and "--quick" in proc.stdout
    bad = subprocess.run([sys.executable, str(EXAMPLES / "beta.py"), "--frobnicate"], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert bad.returncode == 2 and "unrecognized arguments: --frobnicate" in bad.stderr
