"""An animated race: SGD, momentum, RMSprop and Adam on Rosenbrock's banana valley.

    python examples/race_animation.py [--out DIR] [--quick] [--quiet]    # writes race.gif

The same four optimizers as ``examples/optimizers.py``, 2000 steps each, drawn as a GIF
(850 pixels wide): each frame shows every optimizer at one step, with a trail of its last 12
positions and a faint line through its whole path so far. The steps shown are spaced
geometrically, because the early steps change most. A progress bar (on a terminal) moves with
every optimizer step, then with every frame written.

    from ewmakit import plot
    plot.animate(functions.rosenbrock, runs, "race.gif", frames=60, fps=10, trail=12)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
from tqdm.auto import tqdm

from ewmakit import plot
from ewmakit.optim import functions, minimize

RACERS = {
    "SGD (lr=0.001)": ("sgd", {"lr": 1e-3}),
    "momentum (lr=0.001, β=0.9)": ("momentum", {"lr": 1e-3, "momentum": 0.9}),
    "RMSprop (lr=0.01, β=0.99)": ("rmsprop", {"lr": 1e-2}),
    "Adam (lr=0.05, β=(0.9, 0.999))": ("adam", {"lr": 5e-2}),
}


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("ewmakit-examples"),
                        help="folder for the GIF, created if missing (default: ./ewmakit-examples)")
    parser.add_argument("--quick", action="store_true", help="300 steps and 8 frames (a fast check)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar (there is none off a terminal)")
    args = parser.parse_args(argv)
    plot.use_agg()
    steps, frames = (300, 8) if args.quick else (2000, 60)
    f = functions.rosenbrock
    quiet = True if args.quiet else None  # None: a bar on a terminal only

    runs = {}
    with tqdm(total=len(RACERS) * steps, desc="optimizer steps", unit="step", leave=False, disable=quiet) as bar:
        def tick(t, x, loss):  # after every step; returns None (True would stop the run)
            bar.update()
        for label, (method, options) in RACERS.items():
            runs[label] = minimize(f, f.start, method, grad=f.grad, steps=steps, callback=tick, **options)
    for label, r in runs.items():
        print(f"{label:<32} {r.nit} steps, ends at ({r.x[0]:.4f}, {r.x[1]:.4f}), f = {r.fun:.3g}")

    gif = args.out / "race.gif"
    with tqdm(total=frames, desc="GIF frames", unit="frame", leave=False, disable=quiet) as bar:
        fig = plot.animate(f, runs, gif, frames=frames, fps=10, trail=12, title=f"rosenbrock, {steps} steps",
                           on_frame=lambda j, k: bar.update())
    plt.close(fig)
    print(f"wrote {gif}")
    return [gif]


if __name__ == "__main__":
    main()
