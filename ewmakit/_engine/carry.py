"""Carrying the exact state across chunks that are smoothed in parallel (the scale-out, :mod:`ewmakit.dask`).

A chunk is first walked from a guessed state (:func:`guess_run`, any order,
in parallel); once the true state entering it is known, :func:`continue_run`
walks it again from there beside the guessed walk until the two agree, and
from then on takes the guessed walk's end: the state after the chunk is, bit
for bit, the state one walk over everything would reach. It uses the same
update rules as every kernel (``_rules.pxd``), so a chunked computation equals
the in-memory one exactly.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from .run import _decay_arg, steady_weight
from .state import CovState, MeanState, Options

__all__ = ["Guess", "guess_run", "continue_run"]


class Guess(NamedTuple):
    """What a chunk does from a guessed start, per column.

    ``kind``: "mean" or "cov". For the mean, ``start`` and ``end`` are
    (mean, weight) pairs of arrays; for the covariance, (6, C) arrays (mean_x,
    mean_y, co-moment, Σw, Σw², weight of the past). ``count``: observations
    in the chunk (int64).
    """

    kind: str
    start: tuple | np.ndarray
    end: tuple | np.ndarray
    count: np.ndarray  # type: ignore[assignment]  # a field named like tuple.count, shadowing it on purpose


def _chunk(x2: np.ndarray, y2: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, bool]:
    x2 = np.ascontiguousarray(x2)
    if y2 is None:
        return x2, x2, True
    y2 = np.ascontiguousarray(y2, dtype=x2.dtype)
    if y2.shape != x2.shape:
        raise ValueError(f"x and y must have the same shape, got {x2.shape} and {y2.shape}")
    return x2, y2, False


def guess_run(x2: np.ndarray, opts: Options, *, kind: Literal["mean", "cov"] = "mean",
              y2: np.ndarray | None = None) -> Guess:
    """Walk a chunk (T, C) from guessed states: its first values (0 if NaN), at the steady weights.

    ``opts.decay`` (timed) holds the chunk's decays, row 0's being any value:
    :func:`continue_run` takes the true one.
    """
    decay, timed = _decay_arg(opts)
    C = x2.shape[1]
    if kind == "mean":
        from . import _mean

        arrays = (np.empty(C), np.empty(C), np.empty(C), np.empty(C), np.empty(C, dtype=np.int64))
        w_star = 1.0 if timed else steady_weight(opts.beta, opts.adjust)
        _mean.mean_guess(np.ascontiguousarray(x2), decay, timed, opts.beta, opts.adjust, opts.ignore_na, w_star,
                         *arrays)
        return Guess("mean", arrays[:2], arrays[2:4], arrays[4])
    if kind == "cov":
        from . import _cov

        x2, y2, same = _chunk(x2, y2)
        start, end, count = np.empty((6, C)), np.empty((6, C)), np.empty(C, dtype=np.int64)
        _cov.cov_guess(x2, y2, decay, timed, opts.beta, opts.adjust, opts.ignore_na, same, start, end, count)
        return Guess("cov", start, end, count)
    raise ValueError(f"kind must be 'mean' or 'cov', got {kind!r}")


def continue_run(x2: np.ndarray, opts: Options, state: MeanState | CovState, guess: Guess, *, d0: float = 1.0,
                 y2: np.ndarray | None = None) -> int:
    """Advance ``state`` (a :class:`MeanState` or :class:`CovState`, in place) over the chunk ``guess`` was
    taken on, exactly; ``d0``: the true decay of row 0 with times. Returns the rows walked."""
    decay, timed = _decay_arg(opts)
    C = x2.shape[1]
    if guess.kind == "mean":
        from . import _mean

        state = MeanState(*state).checked(C)
        return int(_mean.mean_continue(np.ascontiguousarray(x2), decay, timed, opts.beta, opts.adjust,
                                       opts.ignore_na, float(d0), *guess.start, *guess.end, guess.count, *state))
    from . import _cov

    x2, y2, same = _chunk(x2, y2)
    state = CovState(*state).checked(C)
    return int(_cov.cov_continue(x2, y2, decay, timed, opts.beta, opts.adjust, opts.ignore_na, same, float(d0),
                                 guess.start, guess.end, guess.count, *state))
