"""Type aliases shared by the annotations of ewmakit's public functions (one place, reused everywhere).

Only aliases: nothing here runs at call time. The names are private to the
package; the docs show the types they stand for.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    import polars as pl

    from .optim.functions import Objective
    from .optim.minimize import Trajectory

__all__ = ["ArrayLike", "FloatArray", "ArrayOrFrame", "Halflife", "Init", "Label", "Labels", "Params", "Grads",
           "LearningRate", "DateLike", "PathLike", "Data", "Smoothed", "By", "SmoothingOptions",
           "VarianceOptions", "Backend", "TestFunction", "Trajectories"]

#: A float64 NumPy array: what the kernels return.
FloatArray: TypeAlias = npt.NDArray[np.float64]

#: A pandas result in the caller's shape.
ArrayOrFrame: TypeAlias = pd.Series | pd.DataFrame

#: A half-life: a number of rows (or of time units for numeric ``times``), or a time span with datetime ``times``.
Halflife: TypeAlias = float | str | datetime.timedelta | np.timedelta64

#: Where an EWMA starts: at its first value, at zero, or at given numbers (one, or one per series).
Init: TypeAlias = Literal["first", "zero"] | ArrayLike

#: A column label (anything hashable, as in pandas).
Label: TypeAlias = Hashable

#: One column label or a list of them.
Labels: TypeAlias = Hashable | Sequence[Hashable]

#: An optimizer's parameters: one float array, or a list, tuple or dict of them (updated in place).
Params: TypeAlias = np.ndarray | Sequence[np.ndarray] | Mapping[Hashable, np.ndarray]

#: Gradients in the structure of the parameters; an entry None skips its parameter for one step.
Grads: TypeAlias = ArrayLike | Sequence[ArrayLike | None] | Mapping[Hashable, ArrayLike | None]

#: A learning rate: a number, or a function of the number of steps taken.
LearningRate: TypeAlias = float | Callable[[int], float]

#: A date: text such as "2020-01-31", a date or datetime (pandas.Timestamp included), a numpy datetime64.
DateLike: TypeAlias = str | datetime.date | np.datetime64

#: A file or folder path.
PathLike: TypeAlias = str | os.PathLike[str]

#: What the smoothers take: an array_like (a pandas Series or DataFrame among them) or a polars Series/DataFrame.
Data: TypeAlias = "ArrayLike | pd.DataFrame | pl.Series | pl.DataFrame"

#: What they give back: the type that came in (an ndarray for an array_like that is not a pandas/polars object).
Smoothed: TypeAlias = "np.ndarray | pd.Series | pd.DataFrame | pl.Series | pl.DataFrame"

#: Group keys (``by=``): key column name(s) of a DataFrame, or one key per row (an array, a list of arrays).
By: TypeAlias = Hashable | Sequence[Hashable] | ArrayLike


#: What the plot functions draw with: matplotlib (Axes, Figure) or plotly (an interactive Figure).
Backend: TypeAlias = Literal["matplotlib", "plotly"]

#: A test function to draw: one of :mod:`ewmakit.optim.functions`, or a callable taking a grid of points.
TestFunction: TypeAlias = "Objective | Callable[..., Any]"

#: Optimizer paths to draw: a Trajectory or a (steps, dim) array, a sequence of them, or a dict label -> one.
Trajectories: TypeAlias = "Trajectory | ArrayLike | Sequence[Trajectory | ArrayLike] | dict[str, Any]"


class SmoothingOptions(TypedDict, total=False):
    """The keywords ewma, ewmvar, ewmstd, ewmcov and ewmcorr share (``**options`` of their overloads)."""

    alpha: float | None
    window: float | None
    span: float | None
    halflife: Halflife | None
    com: float | None
    init: Init
    bias_correction: bool
    ignore_na: bool
    times: ArrayLike | str | None
    min_periods: int
    axis: int
    by: By | None


class VarianceOptions(SmoothingOptions, total=False):
    """:class:`SmoothingOptions` and ``bias`` (ewmvar, ewmstd, ewmcov)."""

    bias: bool
