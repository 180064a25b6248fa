"""What ``ewmakit demo`` runs: the scripts of ``examples/``, each one the only code of its figures.

The examples are command-line programs with a ``main(argv)`` that parses ``--out DIR`` (and
``--offline``, ``--quick``, ``--quiet`` where they apply), prints its tables and returns the
files it wrote. The demo imports each script by path and calls ``main``.

Where the scripts are: a wheel carries them as ``ewmakit/examples/*.py`` (``setup.py`` copies
``examples/*.py`` there when it builds the package); a source checkout, and ``pip install -e .``
of one, reads the repository's ``examples/`` next to the ``ewmakit`` folder. So the figures'
code exists once, in ``examples/``, and everything runs offline.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import time
from pathlib import Path
from types import ModuleType

#: name -> (script, one-line description, options of the script the demo passes on)
DEMOS = {
    "spy": ("spy_2020.py", "SPY 2020 closes as points, then EWMAs at β = 0.5, 0.9, 0.95", ("offline",)),
    "beta": ("beta.py", "impact of β on a small series; EWMA weights; β from a window", ()),
    "bias": ("bias_correction.py", "an EWMA started at zero, with and without bias correction", ()),
    "valley": ("gradient_descent.py", "gradient descent zig-zags, momentum goes along a narrow valley (+3-D)", ()),
    "momentum": ("momentum.py", "momentum tables on θ² (β = 0.5, 0, 0.9)", ()),
    "wavy": ("wavy.py", "momentum over the flat point of 2θ² sin θ cos θ; β = 0.9/0.7/0.5/0.2", ()),
    "regression": ("regression_surface.py", "per-sample SGD vs momentum fitting a line on a non-convex loss", ()),
    "race": ("optimizers.py", "SGD, momentum, RMSprop, Adam racing on Rosenbrock and Beale", ("quick", "quiet")),
    "indicators": ("indicators.py", "EMAs, MACD, RSI and RiskMetrics volatility of the S&P 500", ()),
    "control_chart": ("control_chart.py", "EWMA control charts: design, a simulated shift, the S&P 500", ()),
}
#: written only with ``ewmakit demo --gif`` (a GIF takes longer than all the figures together)
GIF = {"race_gif": ("race_animation.py", "the Rosenbrock race as an animated GIF (--gif)", ("quick", "quiet"))}

QUICK_ENV = "EWMAKIT_DEMO_QUICK"


def examples_folder() -> Path:
    """The folder holding the example scripts: in the installed package, else in the source checkout."""
    here = Path(__file__).resolve().parent
    for folder in (here / "examples", here.parent / "examples"):
        if (folder / "spy_2020.py").is_file():
            return folder
    raise FileNotFoundError(f"the example scripts are neither in {here / 'examples'} (a wheel) nor in "
                            f"{here.parent / 'examples'} (a source checkout): reinstall ewmakit")


_loaded: dict[str, ModuleType] = {}


def load(script: str) -> ModuleType:
    """The example ``script`` (``"beta.py"``) imported as a module (once)."""
    if script not in _loaded:
        path = examples_folder() / script
        spec = importlib.util.spec_from_file_location(f"ewmakit_example_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import the example {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses and pickling look the module up
        spec.loader.exec_module(module)
        _loaded[script] = module
    return _loaded[script]


def run(name: str, out: Path, *, offline=False, quick=False, quiet=False) -> tuple[list[Path], str, float]:
    """Run one demo's script into ``out``: (files written, what it printed, seconds)."""
    script, _, options = {**DEMOS, **GIF}[name]
    argv = ["--out", str(out)]
    for flag, on in (("offline", offline), ("quick", quick), ("quiet", quiet)):
        if on and flag in options:
            argv.append(f"--{flag}")
    module = load(script)
    text = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(text):
        written = module.main(argv)
    return [Path(p) for p in written], text.getvalue(), time.perf_counter() - t0


def load_spy_2020(offline: bool = False):
    """SPY 2020 as the SPY demo loads it (``examples/spy_2020.py``): ``frame, name, period, ylabel, source``."""
    return load("spy_2020.py").load_spy_2020(offline)


# --------------------------------------------------------------------------- for ``ewmakit optimize``


def method_label(method: str, lr, **options) -> str:
    """Legend label naming an optimizer and its lr/β: ``"momentum (lr=0.001, β=0.9)"``.

    >>> method_label("adam", 0.05)
    'Adam (lr=0.05, β=(0.9, 0.999))'
    >>> method_label("rmsprop", 0.01, beta=0.9)
    'RMSprop (lr=0.01, β=0.9)'
    """
    from .optim.minimize import METHODS

    name = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop", "adam": "Adam",
            "adamw": "AdamW"}.get(method, method)
    defaults = METHODS.get(method, (None, {}))[1]
    opts = {**defaults, **options}
    parts = [f"lr={lr:g}"]
    if method in ("sgd", "momentum", "nesterov") and opts.get("momentum"):
        parts.append(f"β={opts['momentum']:g}")
    elif method == "rmsprop":
        parts.append(f"β={opts.get('beta', 0.99):g}")
    elif method in ("adam", "adamw"):
        b1, b2 = opts.get("betas", (0.9, 0.999))
        parts.append(f"β=({b1:g}, {b2:g})")
    return f"{name} ({', '.join(parts)})"


#: learning rates that make each method move on the test functions in a few thousand steps
DEFAULT_LR = {"sgd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "rmsprop": 1e-2, "adam": 5e-2, "adamw": 5e-2}
