"""Optimizers built on the EWMA: the classic momentum table, heavy ball = EWMA momentum, a race on test functions.

    python examples/optimizers.py            # prints three tables; writes examples/optimizers.png
                                             # when matplotlib is installed
"""

from pathlib import Path

import numpy as np

from ewmakit import ewma
from ewmakit.optim import SGD, functions, minimize


def classic_table():
    print("f(θ) = θ², θ₀ = 10, lr = 0.1, stop when the loss < 0.01 (heavy-ball momentum, torch's convention)")
    runs = {m: minimize(lambda t: t**2, 10.0, "sgd", grad=lambda t: 2 * t, lr=0.1, momentum=m, loss_tol=1e-2)
            for m in (0.0, 0.5, 0.9)}
    width = max(r.nit for r in runs.values()) + 1
    print("  step " + "".join(f"{f'momentum={m}':>15}" for m in runs))
    for t in range(min(width, 12)):
        cells = "".join(f"{r.path[t, 0]:15.4f}" if t <= r.nit else f"{'':15}" for r in runs.values())
        print(f"  {t:4d} {cells}")
    print("  steps" + "".join(f"{r.nit:15d}" for r in runs.values()))


def heavy_ball_is_ewma():
    print("\nHeavy-ball momentum (lr η) and EWMA momentum (lr η/(1 − μ)) take the same path:")
    rng = np.random.default_rng(0)
    grads = rng.standard_normal(6)
    p = np.zeros(1)
    opt = SGD(p, lr=0.1, momentum=0.9)
    path = []
    for g in grads:
        opt.step(np.array([g]))
        path.append(p[0])
    ewma_path = -np.cumsum(0.1 / (1 - 0.9) * ewma(grads, 0.9, init="zero"))
    print("  heavy ball  ", np.round(path, 6))
    print("  EWMA (β=0.9)", np.round(ewma_path, 6))


RACE = {
    "sgd": dict(lr=1e-3),
    "momentum": dict(lr=1e-3),
    "nesterov": dict(lr=1e-3),
    "rmsprop": dict(lr=1e-2),
    "adam": dict(lr=5e-2),
}


def race(names=("rosenbrock", "himmelblau", "beale", "six_hump_camel", "wavy_regression"), steps=2000):
    print(f"\nFinal loss after {steps} steps from each function's standard start (inf: diverged)")
    print(f"  {'function':<16}" + "".join(f"{m:>12}" for m in RACE))
    results = {}
    for name in names:
        obj = functions.ALL[name]
        row = {m: minimize(obj, obj.start, m, grad=obj.grad, steps=steps, **kw) for m, kw in RACE.items()}
        results[name] = row
        print(f"  {name:<16}" + "".join(f"{r.fun:12.3g}" for r in row.values()))
    return results


OUT = Path(__file__).with_suffix(".png")


def figure(results, out=OUT):
    try:
        import matplotlib
    except ImportError:
        print("\n(matplotlib is not installed: no figure)")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)[:4]
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 4.2))
    colors = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00")  # Okabe-Ito
    for ax, name in zip(np.atleast_1d(axes), names):
        obj = functions.ALL[name]
        (x0, x1), (y0, y1) = obj.bounds
        xs, ys = np.linspace(x0, x1, 300), np.linspace(y0, y1, 300)
        z = obj.f(np.stack(np.meshgrid(xs, ys)))
        ax.contour(xs, ys, np.log1p(z - z.min()), levels=25, colors="0.75", linewidths=0.6)
        for (m, r), c in zip(results[name].items(), colors):
            ok = np.all(np.isfinite(r.path), axis=1)
            ax.plot(r.path[ok, 0], r.path[ok, 1], color=c, lw=1.4, label=m)
        ax.plot(*obj.minima.T, "k*", ms=10, label="minima")
        ax.plot(*obj.start, "ko", ms=5)
        ax.set(xlim=(x0, x1), ylim=(y0, y1), title=name, xlabel="x₀", ylabel="x₁")
    np.atleast_1d(axes)[0].legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print(f"\nwrote {out}")
    return out


def main():
    classic_table()
    heavy_ball_is_ewma()
    figure(race())


if __name__ == "__main__":
    main()
