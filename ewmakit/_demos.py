"""The demos: what ``ewmakit demo`` writes and what the scripts in ``examples/`` run.

Each demo is one function ``demo_<name>(ctx)`` that prints its tables through
``ctx.echo`` and writes its figures into ``ctx.out`` with :mod:`ewmakit.plot`
(the only module that touches matplotlib). The command line runs them all
quietly with a progress bar; each example script runs one or two with
``echo=print``. Everything runs offline: the SPY demo uses SPY 2020 from
yfinance when it can, else the ewmakit cache, else the S&P 500 sample shipped
by ``arch`` (and says which).

``quick=True`` (``ewmakit demo --quick``, ``--quick`` on the examples, or
``EWMAKIT_DEMO_QUICK=1``) runs fewer optimizer steps and writes GIFs with a few
frames: the same files, made fast for tests.
"""

from __future__ import annotations

import argparse
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ._env import env_flag
from ._figures import pyplot, subplots, use_agg

QUICK_ENV = "EWMAKIT_DEMO_QUICK"


# --------------------------------------------------------------------------- context and data


@dataclass(frozen=True)
class Prices:
    """A price series for a demo and where it came from."""

    frame: pd.DataFrame
    name: str  # "SPY" or "S&P 500"
    period: str  # "2020"
    ylabel: str  # with units
    source: str  # one line for the user


@dataclass
class Context:
    """Where a demo writes, how much work it does, and where its text goes."""

    out: Path
    quick: bool = False
    offline: bool = False
    echo: Callable[[str], None] = print
    written: list = field(default_factory=list)
    _spy: Prices | None = None

    def save(self, fig, name: str, dpi: int = 110) -> Path:
        from . import plot

        path = plot.save(fig, self.out / name, dpi=40 if self.quick else dpi)  # quick: same figure, fewer pixels
        self.written.append(path)
        return path

    def spy(self) -> Prices:
        if self._spy is None:
            self._spy = load_spy_2020(offline=self.offline)
        return self._spy


def load_spy_2020(offline: bool = False) -> Prices:
    """SPY's 2020 daily prices: the ewmakit cache, else yfinance (online), else the S&P 500 sample of 2008.

    ``offline`` (or ``EWMAKIT_OFFLINE=1``) never touches the network. The
    ``source`` line of the result says which one was used and why.
    """
    from . import data

    offline = offline or env_flag("EWMAKIT_OFFLINE")
    folder = data.cache_folder()
    label = "SPY close, dividend-adjusted (USD)"

    def fetch(cache_only: bool):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = data.download("SPY", "2020-01-01", "2021-01-01", offline=cache_only, progress=False)
        return frame, any("lacks" in str(w.message) for w in caught)

    partial, reason = None, None
    try:
        frame, gaps = fetch(cache_only=True)
    except (data.DataError, ImportError, OSError):
        pass
    else:
        if not gaps:
            return Prices(frame, "SPY", "2020", label, f"SPY 2020 from the ewmakit cache in {folder}")
        partial = frame
    if not offline:
        try:
            frame, _ = fetch(cache_only=False)
        except (data.DataError, ImportError, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        else:
            return Prices(frame, "SPY", "2020", label, f"SPY 2020 from yfinance (cached in {folder})")
    if partial is not None:
        return Prices(partial, "SPY", "2020", label, f"SPY 2020 from the ewmakit cache in {folder} "
                                                     f"({len(partial)} days: the cache lacks part of 2020)")
    frame = data.sample("sp500").loc["2008"]
    why = "offline and SPY is not cached" if offline else f"SPY could not be downloaded ({reason})"
    source = f"S&P 500 index 2008 from the offline sample ({why}; `ewmakit download SPY --start 2020-01-01` caches it)"
    return Prices(frame, "S&P 500", "2008", "S&P 500 index level (points)", source)


# --------------------------------------------------------------------------- shared bits


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


def _table(df: pd.DataFrame, floatfmt: str = "{:.4f}") -> str:
    return df.to_string(float_format=lambda v: floatfmt.format(v))


# --------------------------------------------------------------------------- 1. SPY 2020


def demo_spy(ctx: Context) -> None:
    """SPY 2020 daily closes as a scatter, then with EWMAs at β = 0.5, 0.9, 0.95."""
    from . import plot, window_from_beta

    spy = ctx.spy()
    ctx.echo(f"data: {spy.source}")
    close = spy.frame["Close"].rename(f"{spy.name} close")
    betas = (0.5, 0.9, 0.95)
    table = close.to_frame()
    for b in betas:
        table[f"β={b} (≈{window_from_beta(b):.0f}-day)"] = close.ewmakit.smooth(b)
    ctx.echo(f"{spy.name} {spy.period}: close and its EWMAs, last five days")
    ctx.echo(_table(table.tail(), "{:.2f}"))
    ax = plot.smoothing(close, betas=(), ylabel=spy.ylabel, title=f"{spy.name} daily closes, {spy.period}")
    ctx.save(ax, "spy_scatter.png")
    ax = plot.smoothing(close, betas=betas, ylabel=spy.ylabel,
                        title=f"{spy.name} {spy.period}: daily closes and EWMAs v_t = β·v_(t−1) + (1−β)·x_t")
    ctx.save(ax, "spy_ewma.png")


# --------------------------------------------------------------------------- 2. β


SMALL_SERIES = (5.0, 6.0, 4.0, 7.0, 5.0, 10.0, 8.0, 6.0, 7.0)


def demo_beta(ctx: Context) -> None:
    """Impact of β on a small series, the weights picture, and β from a window (19 -> 0.9)."""
    from . import beta_from_window, alpha_from_window, effective_window, ewma, halflife_from_beta, plot

    betas = (0.1, 0.5, 0.9)
    x = np.array(SMALL_SERIES)
    table = pd.DataFrame({"x": x, **{f"β={b}": ewma(x, b) for b in betas}},
                         index=pd.RangeIndex(1, len(x) + 1, name="t"))
    ctx.echo("v_t = β·v_(t−1) + (1−β)·x_t, started at v_1 = x_1:")
    ctx.echo(_table(table, "{:.3f}"))
    ctx.echo("β=0.1 follows every jump (mostly noise); β=0.9 barely moves after the jump to 10 (it lags).\n")
    ctx.save(plot.beta_impact(SMALL_SERIES, betas), "beta_impact.png")

    b = 0.9
    ctx.echo(f"β={b}: weights (1−β)·β^k halve every {halflife_from_beta(b):.2f} steps; "
             f"the effective window 1/(1−β) is {effective_window(b):.0f} points; "
             f"the last 10 points hold {1 - b ** 10:.1%} of the weight.\n")
    ctx.save(plot.weights(b, 40), "weights.png")

    n = 19
    ctx.echo(f"From a window: the n-period EMA has α = 2/(n+1), the weight of the NEWEST point, and "
             f"β = 1 − 2/(n+1) = (n−1)/(n+1), the weight of the past.")
    ctx.echo(f"  window {n}: α = 2/{n + 1} = {alpha_from_window(n):g}, β = {n - 1}/{n + 1} = {beta_from_window(n):g}"
             f"   (ewmakit.beta_from_window({n}))")
    ctx.echo(f"  window 20: α = 2/21 ≈ {alpha_from_window(20):.3f}, β = 19/21 ≈ {beta_from_window(20):.3f} "
             f"-- not 0.095: β=0.095 would keep 9.5 % of the past, an average of about one day.")
    ctx.save(plot.window_to_beta(60, mark=(19, 20)), "window_beta.png")


# --------------------------------------------------------------------------- 3. the bowl


def demo_bowl(ctx: Context) -> None:
    """Gradient descent on w₁² + w₂² from (2.5, 2.5), lr 0.1, 50 steps: surface and contour."""
    from . import plot
    from .optim import functions, minimize

    f = functions.bowl
    run = minimize(f, [2.5, 2.5], "sgd", grad=f.grad, lr=0.1, steps=50)
    ctx.echo("Gradient descent on f(w) = w₁² + w₂² from (2.5, 2.5), lr = 0.1: w ← w − 0.1·2w = 0.8·w")
    steps = [0, 1, 2, 3, 5, 10, 20, 50]
    rows = pd.DataFrame({"w₁": run.path[steps, 0], "w₂": run.path[steps, 1], "f(w)": run.losses[steps]},
                        index=pd.Index(steps, name="step"))
    ctx.echo(_table(rows, "{:.6f}"))
    paths = {"gradient descent (lr=0.1)": run}
    fig, (a3, a2) = subplots("3d", None, figsize=(13, 5.5))
    box = [(-3.0, 3.0), (-3.0, 3.0)]
    plot.surface(f, paths, ax=a3, bounds=box, title="f(w) = w₁² + w₂²: 50 steps from (2.5, 2.5)")
    plot.contour(f, paths, ax=a2, bounds=box, title="the same path on the contours")
    ctx.save(fig, "bowl.png")


# --------------------------------------------------------------------------- 4. momentum tables


def momentum_runs():
    """The classic runs on θ², θ₀ = 10, lr 0.1, stopping when the loss < 0.01: β = 0.5, 0, 0.9."""
    from .optim import functions, minimize

    q = functions.quadratic
    return {m: minimize(q, 10.0, "sgd", grad=q.grad, lr=0.1, momentum=m, loss_tol=1e-2, steps=200)
            for m in (0.5, 0.0, 0.9)}


def momentum_table(run, lr=0.1) -> pd.DataFrame:
    """step, θ, the momentum buffer v (θ_t = θ_(t−1) − lr·v_t) and f(θ) of a run on θ²."""
    theta = run.path[:, 0]
    v = np.r_[np.nan, (theta[:-1] - theta[1:]) / lr]
    return pd.DataFrame({"θ": theta, "v": v, "f(θ) = θ²": run.losses}, index=pd.Index(range(len(theta)), name="step"))


def demo_momentum(ctx: Context) -> None:
    """The momentum tables on θ² from θ = 10, lr 0.1: β = 0.5, 0 and 0.9, printed and plotted."""
    from . import ewma, plot
    from .optim import SGD, functions

    runs = momentum_runs()
    ctx.echo("f(θ) = θ², θ₀ = 10, lr = 0.1, heavy-ball momentum v_t = β·v_(t−1) + ∇f(θ_(t−1)), "
             "θ_t = θ_(t−1) − lr·v_t, stop when f < 0.01")
    for m, run in runs.items():
        note = {0.5: "", 0.0: " (plain gradient descent: θ ← 0.8·θ)", 0.9: " (it overshoots past 0 and swings back)"}
        ctx.echo(f"\nβ = {m:g}: {run.nit} steps{note.get(m, '')}")
        ctx.echo(_table(momentum_table(run), "{:.4f}"))
    # heavy ball with lr η is EWMA momentum with lr η/(1−β)
    grads = np.random.default_rng(0).standard_normal(6)
    p = np.zeros(1)
    opt = SGD(p, lr=0.1, momentum=0.9)
    path = []
    for g in grads:
        opt.step(np.array([g]))
        path.append(p[0])
    ewma_path = -np.cumsum(0.1 / (1 - 0.9) * ewma(grads, 0.9, init="zero"))
    ctx.echo("\nHeavy-ball momentum (lr 0.1, β 0.9) and the EWMA of the gradients (lr 0.1/(1−0.9) = 1) take "
             f"the same path: {np.allclose(path, ewma_path, rtol=1e-12, atol=1e-15)}")

    fig, (left, right) = subplots(None, None, figsize=(13, 4.8))
    for i, (m, run) in enumerate(runs.items()):
        left.plot(np.arange(run.nit + 1), run.path[:, 0], "-o", ms=4, color=plot.PALETTE[i],
                  label=f"β={m:g}: {run.nit} steps")
    left.axhline(0, color="0.5", lw=0.8)
    left.set(xlabel="step", ylabel="θ", title="θ² from θ = 10, lr = 0.1: momentum β = 0.5, 0, 0.9")
    left.legend()
    left.grid(True, alpha=0.25)
    plot.curve(functions.quadratic, {f"β={m:g}": r for m, r in runs.items()}, ax=right,
               title="the same steps on f(θ) = θ²")
    ctx.save(fig, "momentum.png")


# --------------------------------------------------------------------------- 5. the wavy curve


def wavy_runs(betas=(0.9, 0.7, 0.5, 0.2)):
    """From θ = 0.9, lr 0.2: momentum 0.9 for 20 steps, none for 500, and a sweep of β for 20 steps."""
    from .optim import functions, minimize

    w = functions.wavy
    pair = {
        "with momentum (lr=0.2, β=0.9), 20 steps": minimize(w, 0.9, "sgd", grad=w.grad, lr=0.2, momentum=0.9,
                                                             steps=20),
        "without momentum (lr=0.2), 500 steps": minimize(w, 0.9, "sgd", grad=w.grad, lr=0.2, steps=500),
    }
    sweep = {b: minimize(w, 0.9, "sgd", grad=w.grad, lr=0.2, momentum=b, steps=20) for b in betas}
    return pair, sweep


def demo_wavy(ctx: Context) -> None:
    """With and without momentum on 2θ² sin θ cos θ from θ = 0.9, and a sweep over β."""
    from . import plot
    from .optim import functions

    w = functions.wavy
    pair, sweep = wavy_runs()
    ctx.echo("f(θ) = 2θ² sin θ cos θ = θ² sin 2θ from θ = 0.9, lr = 0.2. f has a flat point at θ = 0 "
             "(f ≈ 2θ³: zero slope, no minimum) and a local minimum at θ ≈ −1.1445 (f ≈ −0.986).")
    rows = {label: {"steps": r.nit, "θ": f"{float(r.x):.4f}", "f(θ)": f"{r.fun:.4f}"} for label, r in pair.items()}
    ctx.echo(pd.DataFrame(rows).T.to_string())
    ctx.echo("Without momentum the steps shrink with the slope and stall at the flat point even after 500 steps; "
             "momentum carries θ over it to the minimum's valley within 20.\n")
    fig, (left, right) = subplots(None, None, figsize=(13, 4.8))
    plot.curve(w, pair, ax=left, bounds=[(-2.0, 1.5)], title="2θ² sin θ cos θ from θ = 0.9")
    for i, (label, r) in enumerate(pair.items()):
        right.plot(np.arange(r.nit + 1), r.path[:, 0], color=plot.PALETTE[i], lw=1.5, label=label)
    right.axhline(0, color="0.5", lw=0.8, ls=":")
    right.axhline(-1.1445, color="0.3", lw=0.8, ls="--", label="local minimum θ ≈ −1.1445")
    right.set_xscale("symlog", linthresh=20)
    right.set_xlim(0, 520)
    right.set(xlabel="step (linear to 20, then log)", ylabel="θ", title="θ against step")
    right.legend(fontsize=8)
    right.grid(True, alpha=0.25)
    ctx.save(fig, "wavy_momentum.png")

    rows = {f"β={b}": {"θ after 20 steps": float(r.x), "f(θ)": r.fun} for b, r in sweep.items()}
    ctx.echo("Sweep over β (lr 0.2, 20 steps from 0.9):")
    ctx.echo(_table(pd.DataFrame(rows).T, "{:.4f}"))
    fig, axes = subplots(None, None, None, None, ncols=2, figsize=(12, 8))
    for ax, (b, r) in zip(axes, sweep.items()):
        plot.curve(w, {f"β={b}, lr=0.2, 20 steps": r}, ax=ax, bounds=[(-2.0, 1.5)],
                   title=f"momentum β={b}: θ₂₀ = {float(r.x):.3f}")
    fig.tight_layout()
    ctx.save(fig, "wavy_beta_sweep.png")


# --------------------------------------------------------------------------- 6. the regression surface


def regression_runs(lr=0.09, momentum=0.45, start=(6.0, -3.0)):
    """One epoch of per-sample SGD, without and with momentum, on the wavy regression surface.

    Sample i's loss is (w₀xᵢ + w₁ − yᵢ)² + 5 sin w₀ cos w₁; their mean is
    :data:`ewmakit.optim.functions.wavy_regression`.
    """
    from .optim import SGD, functions

    ripple = 5.0
    obj = functions.make_wavy_regression(ripple=ripple)  # the same surface as functions.wavy_regression
    xs, ys = obj.data
    runs = {}
    for m in (0.0, momentum):
        w = np.array(start, dtype=np.float64)
        opt = SGD(w, lr=lr, momentum=m)
        path = [w.copy()]
        for x, y in zip(xs, ys):
            r = w[0] * x + w[1] - y
            g = np.array([2 * r * x + ripple * np.cos(w[0]) * np.cos(w[1]),
                          2 * r - ripple * np.sin(w[0]) * np.sin(w[1])])
            opt.step(g)
            path.append(w.copy())
        label = f"SGD (lr={lr:g})" if m == 0 else f"momentum SGD (lr={lr:g}, β={m:g})"
        runs[label] = np.array(path)
    return obj, runs


def demo_regression(ctx: Context) -> None:
    """SGD vs momentum-SGD (lr 0.09, β 0.45), one epoch of per-sample updates from (6, −3), in 3-D."""
    from . import plot

    obj, runs = regression_runs()
    n = len(obj.data[0])
    ctx.echo(f"Line fit ŷ = w₀·x + w₁ to {n} seeded points, loss = MSE + 5·sin w₀·cos w₁ (non-convex); "
             f"one epoch = {n} per-sample updates from (6, −3).")
    rows = {label: {"w₀": p[-1, 0], "w₁": p[-1, 1], "loss": float(obj.f(p[-1]))} for label, p in runs.items()}
    rows["global minimum"] = {"w₀": obj.minima[0, 0], "w₁": obj.minima[0, 1], "loss": float(obj.f(obj.minima[0]))}
    ctx.echo(_table(pd.DataFrame(rows).T, "{:.4f}"))
    fig, (a3, a2) = subplots("3d", None, figsize=(14, 6))
    box = [(-3.0, 7.0), (-4.0, 6.0)]
    plot.surface(obj, runs, ax=a3, bounds=box, title="one epoch of per-sample updates from (6, −3)",
                 elev=40, azim=-130)
    plot.contour(obj, runs, ax=a2, bounds=box, title="the same paths on the contours")
    ctx.save(fig, "regression_surface.png")


# --------------------------------------------------------------------------- 7. the race


RACE_METHODS = {
    "sgd": dict(lr=1e-3),
    "momentum": dict(lr=1e-3, momentum=0.9),
    "rmsprop": dict(lr=1e-2),
    "adam": dict(lr=5e-2),
}


def race_runs(name: str, steps: int = 2000):
    """SGD, momentum, RMSprop and Adam from the function's standard start."""
    from .optim import functions, minimize

    f = functions.ALL[name]
    return {method_label(m, kw["lr"], **{k: v for k, v in kw.items() if k != "lr"}):
            minimize(f, f.start, m, grad=f.grad, steps=steps, **kw) for m, kw in RACE_METHODS.items()}


def demo_race(ctx: Context) -> None:
    """SGD, momentum, RMSprop and Adam racing on Rosenbrock and Beale: contour and convergence; a GIF on Rosenbrock."""
    from . import plot
    from .optim import functions

    steps = 200 if ctx.quick else 2000
    frames = 4 if ctx.quick else 48
    for name in ("rosenbrock", "beale"):
        f = functions.ALL[name]
        runs = race_runs(name, steps)
        ctx.echo(f"{name} from {tuple(f.start.tolist())} (minimum at {tuple(f.minima[0].tolist())}), {steps} steps:")
        rows = {label: {"x": r.x[0], "y": r.x[1], "f": r.fun} for label, r in runs.items()}
        ctx.echo(pd.DataFrame(rows).T.to_string(float_format=lambda v: f"{v:.4g}"))
        fig, (a, b) = subplots(None, None, figsize=(14, 5.5))
        plot.contour(f, runs, ax=a, title=f"{name}: {steps} steps (log-scaled contours)")
        plot.convergence(runs, ax=b, title=f"{name}: loss against step")
        ctx.save(fig, f"race_{name}.png")
        if name == "rosenbrock":  # one GIF: every frame is a full matplotlib draw
            gif = ctx.out / "race.gif"
            fig = plot.animate(f, runs, gif, frames=frames, fps=8, dpi=30 if ctx.quick else 70,
                               title=f"{name}, {steps} steps")
            _close(fig)
            ctx.written.append(gif)
        ctx.echo("")


def _close(fig) -> None:
    pyplot().close(fig)


def race_table(names=("rosenbrock", "himmelblau", "beale", "six_hump_camel", "wavy_regression"), steps=2000,
               echo=print):
    """The final loss of five methods on several test functions (the wider race of examples/optimizers.py)."""
    from .optim import functions, minimize

    methods = {"sgd": dict(lr=1e-3), "momentum": dict(lr=1e-3), "nesterov": dict(lr=1e-3),
               "rmsprop": dict(lr=1e-2), "adam": dict(lr=5e-2)}
    echo(f"Final loss after {steps} steps from each function's standard start (inf: diverged)")
    rows = {}
    for name in names:
        f = functions.ALL[name]
        rows[name] = {m: minimize(f, f.start, m, grad=f.grad, steps=steps, **kw).fun for m, kw in methods.items()}
    echo(pd.DataFrame(rows).T.to_string(float_format=lambda v: f"{v:.3g}"))
    return rows


# --------------------------------------------------------------------------- 8. indicators and control chart


def demo_indicators(ctx: Context) -> None:
    """MACD, RSI, ATR and RiskMetrics volatility of the S&P 500 sample around the 2008 crash."""
    from . import data, finance, plot

    prices = data.sample("sp500").loc["2007":"2009"]
    close = prices["Close"].rename("S&P 500")
    macd = close.ewmakit.macd()
    vol = finance.volatility(finance.log_returns(close), 0.94, annualize=252) * 100
    table = prices[["Close"]].assign(MACD=macd["macd"], signal=macd["signal"], RSI=close.ewmakit.rsi(14),
                                     ATR=prices.ewmakit.atr(14), **{"vol % (ann.)": vol})
    crosses = finance.crossover(macd["macd"], macd["signal"])
    ctx.echo("S&P 500 indicators around the 2008 crash (month ends, offline sample):")
    ctx.echo(_table(table.resample("ME").last().loc["2008"], "{:.2f}"))
    ctx.echo(f"MACD crossed above its signal {int((crosses == 1).sum())} times, "
             f"below {int((crosses == -1).sum())} times in 2007–2009.")
    fig = plot.indicators(prices.assign(Close=close), volatility=True, ylabel="index level (points)",
                          title="S&P 500, 2007–2009: EMAs, MACD, RSI and RiskMetrics volatility")
    ctx.save(fig, "indicators.png", dpi=100)


def demo_control_chart(ctx: Context) -> None:
    """EWMA control charts: ARL design table, a simulated 1σ shift, and the S&P 500 in 2007."""
    from . import data, plot
    from .control import arl, critical_L, ewma_chart

    arl0, alphas, shifts = 370.4, (0.05, 0.1, 0.2, 0.5, 1.0), (0.5, 1.0, 2.0, 3.0)
    design = {}
    for a in alphas:
        L = critical_L(a, arl0)
        design[f"alpha={a}"] = {"L": L, **{f"ARL at {d} sigma": arl(a, L, d) for d in shifts}}
    table = pd.DataFrame(design).T
    ctx.echo(f"EWMA designs with in-control ARL {arl0} (two-sided, fixed limits); alpha=1 is Shewhart:")
    ctx.echo(_table(table, "{:.2f}"))
    ctx.echo("-> small alpha reacts much faster to small shifts; Shewhart (alpha=1) is best only for large ones.\n")

    alpha, L = 0.1, float(table.loc["alpha=0.1", "L"])
    rng = np.random.default_rng(42)
    x = rng.normal(10.0, 1.0, 160)
    x[100:] += 1.0
    sim = ewma_chart(x, alpha, L, target=10.0, sigma=1.0)
    hits = sim.index[sim["signal"].to_numpy()]
    ctx.echo(f"Simulated 1-sigma shift at point 100: first signal at point {hits[0] if len(hits) else None} "
             f"(expected delay about {arl(alpha, L, 1.0):.1f} points).")

    close = data.sample("sp500")["Close"].loc["2005":"2007"]
    returns = (100 * np.log(close).diff()).dropna().rename("return %")
    phase1 = int((returns.index.year <= 2006).sum())
    real = ewma_chart(returns, alpha, L, phase1=phase1)
    end1 = returns.index[phase1 - 1]
    after = real.index[real["signal"].to_numpy() & (real.index > end1)]
    first = f"{after[0]:%Y-%m-%d}" if len(after) else "none"
    ctx.echo(f"S&P 500: target {real.attrs['target']:.3f} %, sigma {real.attrs['sigma']:.3f} % "
             f"(median and median moving range of {phase1} days in 2005–2006); first signal after phase I: {first}; "
             f"signal days in 2007: {int(real.loc['2007', 'signal'].sum())} of {len(real.loc['2007'])}.")

    fig, (a, b) = subplots(None, None, ncols=1, figsize=(10, 8))
    plot.control_chart(sim, ax=a, mark=99.5, ylabel="measurement (units of σ)",
                       title=f"Simulated process, 1σ shift at point 100 (α={alpha}, L={L:.3f}, ARL₀={arl0})")
    plot.control_chart(real.loc["2006-07":], ax=b, mark=end1, ylabel="daily log return (%)",
                       title="S&P 500 daily log return (%), limits from 2005–2006")
    fig.tight_layout()
    ctx.save(fig, "control_chart.png")


# --------------------------------------------------------------------------- registry and runners


#: name -> (function, one-line description), in the order of the demo
DEMOS = {
    "spy": (demo_spy, "SPY 2020 closes as points, then EWMAs at β = 0.5, 0.9, 0.95"),
    "beta": (demo_beta, "impact of β on a small series; EWMA weights; β from a window"),
    "bowl": (demo_bowl, "gradient descent on w₁² + w₂²: surface and contour"),
    "momentum": (demo_momentum, "momentum tables on θ² (β = 0.5, 0, 0.9)"),
    "wavy": (demo_wavy, "with and without momentum on 2θ² sin θ cos θ; β sweep"),
    "regression": (demo_regression, "per-sample SGD vs momentum on the wavy regression surface (3-D)"),
    "race": (demo_race, "SGD, momentum, RMSprop, Adam on Rosenbrock and Beale (+ a GIF)"),
    "indicators": (demo_indicators, "EMAs, MACD, RSI and RiskMetrics volatility of the S&P 500"),
    "control_chart": (demo_control_chart, "EWMA control charts: design, a simulated shift, the S&P 500"),
}


def run(name: str, ctx: Context) -> list[Path]:
    """Run one demo; returns the files it wrote."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo {name!r}; the demos are {', '.join(DEMOS)}")
    ctx.out.mkdir(parents=True, exist_ok=True)
    before = len(ctx.written)
    DEMOS[name][0](ctx)
    return ctx.written[before:]


def example_main(names, description: str, default_out: Path, argv=None) -> int:
    """The command line of a script in ``examples/``: ``[--out DIR] [--quick] [--offline]``."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=default_out,
                        help=f"folder for the figures (default: {default_out})")
    parser.add_argument("--quick", action="store_true", help=f"fewer steps and GIF frames (also {QUICK_ENV}=1)")
    parser.add_argument("--offline", action="store_true", help="never use the network (also EWMAKIT_OFFLINE=1)")
    args = parser.parse_args(argv)
    use_agg()
    ctx = Context(out=args.out, quick=args.quick or env_flag(QUICK_ENV), offline=args.offline, echo=print)
    for i, name in enumerate(names):
        if i:
            print()
        run(name, ctx)
    print()
    for path in ctx.written:
        print(f"wrote {path}")
    return 0
