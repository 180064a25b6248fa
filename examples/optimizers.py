"""Optimizers built on the EWMA: SGD, momentum, RMSprop and Adam racing.

    python examples/optimizers.py [--out DIR] [--quick] [--quiet]
    # prints the tables; writes race_rosenbrock.png and race_beale.png

Momentum keeps an EWMA of the gradients, RMSprop an EWMA of the squared gradients (it divides
each step by their root: big steps where the slope is gentle), and Adam both, bias-corrected.
They race from the standard starts of Rosenbrock's banana valley and Beale's function; the
contours are log-scaled because both functions span decades. Then a wider table of final
losses on five test functions. A progress bar (on a terminal) moves with every optimizer step.

    from ewmakit import plot
    from ewmakit.optim import functions, minimize
    f = functions.rosenbrock
    runs = {"Adam (lr=0.05)": minimize(f, f.start, "adam", grad=f.grad, lr=0.05, steps=2000),
            "momentum (lr=0.001, β=0.9)": minimize(f, f.start, "momentum", grad=f.grad, lr=1e-3, steps=2000)}
    plot.contour(f, runs); plot.convergence(runs)

``examples/race_animation.py`` animates the Rosenbrock race.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from tqdm.auto import tqdm

from ewmakit import plot
from ewmakit.optim import functions, minimize

#: label -> (method, options): learning rates that make each one move in a few thousand steps
RACERS = {
    "SGD (lr=0.001)": ("sgd", {"lr": 1e-3}),
    "momentum (lr=0.001, β=0.9)": ("momentum", {"lr": 1e-3, "momentum": 0.9}),
    "RMSprop (lr=0.01, β=0.99)": ("rmsprop", {"lr": 1e-2}),
    "Adam (lr=0.05, β=(0.9, 0.999))": ("adam", {"lr": 5e-2}),
}
TABLE = ("rosenbrock", "beale", "himmelblau", "six_hump_camel", "wavy_regression")


def race(f, steps, bar):
    """Every racer from f's standard start; the bar moves one tick per optimizer step."""
    def tick(t, x, loss):  # after every step; returns None (True would stop the run)
        bar.update()
    runs = {}
    for label, (method, options) in RACERS.items():
        bar.set_postfix_str(f"{f.name}: {label.split(' (')[0]}")
        runs[label] = minimize(f, f.start, method, grad=f.grad, steps=steps, callback=tick, **options)
        bar.update(steps - runs[label].nit)  # a run that stopped early (diverged) still fills its share
    return runs


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the figures, created if missing (default: ./ewmakit-examples)")
    parser.add_argument("--quick", action="store_true", help="300 steps instead of 2000 (a fast check)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar (there is none off a terminal)")
    args = parser.parse_args(argv)
    plot.use_agg()
    steps = 300 if args.quick else 2000

    written, results = [], {}
    # disable=None: a bar on a terminal only; leave=False: it disappears when done
    with tqdm(total=len(TABLE) * len(RACERS) * steps, desc="optimizer steps", unit="step", leave=False,
              disable=True if args.quiet else None) as bar:
        for name in TABLE:
            results[name] = race(functions.ALL[name], steps, bar)
    for name in ("rosenbrock", "beale"):
        f, runs = functions.ALL[name], results[name]
        print(f"{name} from {tuple(f.start.tolist())} (minimum at {tuple(f.minima[0].tolist())}), {steps} steps:")
        rows = {label: {"x": r.x[0], "y": r.x[1], "f": r.fun} for label, r in runs.items()}
        print(pd.DataFrame(rows).T.to_string(float_format=lambda v: f"{v:.4g}") + "\n")
        fig, (a, b) = plt.subplots(1, 2, figsize=(14, 5.5))
        plot.contour(f, runs, ax=a, title=f"{name}: {steps} steps (log-scaled contours)")
        plot.convergence(runs, ax=b, title=f"{name}: loss against step")
        written.append(plot.save(fig, args.out / f"race_{name}.png"))

    print(f"Final loss after {steps} steps from each function's standard start (inf: diverged)")
    table = pd.DataFrame({name: {label.split(" (")[0]: r.fun for label, r in runs.items()}
                          for name, runs in results.items()}).T
    print(table.to_string(float_format=lambda v: f"{v:.3g}"))
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
