"""Type aliases shared by the annotations of ewmakit's public functions (one place, reused everywhere).

Only aliases: nothing here runs at call time. The names are private to the
package; the docs show the types they stand for.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["ArrayLike", "FloatArray", "ArrayOrFrame", "Halflife", "Init", "Label", "Labels", "Params", "Grads",
           "LearningRate", "DateLike", "PathLike"]

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
