"""Argument checkers shared by every module: each error names the parameter, the allowed range and the value.

One checker per kind of argument, with the parameter's name first:
``check_unit("momentum", value, what="momentum value", closed=True)``.
``what`` adds torch's wording ("Invalid momentum value: ...") where the
optimizers mirror torch's messages.
"""

from __future__ import annotations

import math
import numbers
from typing import cast

__all__ = ["is_real", "real", "check_unit", "check_nonneg", "check_bool"]


def is_real(value: object) -> bool:
    """Whether ``value`` is a real number: not a bool, not a numpy datetime/timedelta.

    numpy registers ``timedelta64`` (and ``datetime64``) as integers, so
    ``numbers.Real`` alone would read ``np.timedelta64(2, "ns")`` as 2.
    """
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and type(value).__name__ not in ("timedelta64", "datetime64"))


def real(name: str, value: object) -> float:
    """``value`` as a float, or a TypeError naming ``name``.

    Booleans are refused (``beta=True`` is a typo, not 1.0); an integer beyond
    the floats becomes ±inf, so that the range checks that follow report it.
    """
    if not is_real(value):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    number = cast(float, value)  # a numbers.Real (checked above): a float as far as float() and > go
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _invalid(what: str | None) -> str:
    return f"Invalid {what}: " if what else ""


def check_unit(name: str, value: object, *, closed: bool = False, what: str | None = None) -> float:
    """A real number in [0, 1) (``closed``: [0, 1]): a β, a momentum, a dampening."""
    v = real(name, value)
    ok = 0.0 <= v <= 1.0 if closed else 0.0 <= v < 1.0  # also False for NaN
    if not ok:
        raise ValueError(f"{_invalid(what)}{name} must be in [0, 1{']' if closed else ')'}, got {value!r}")
    return v


def check_nonneg(name: str, value: object, what: str | None = None) -> float:
    """A finite real number >= 0 (learning rates, ε, weight decay, tolerances)."""
    v = real(name, value)
    if not 0.0 <= v < math.inf:  # also False for NaN
        raise ValueError(f"{_invalid(what)}{name} must be in [0, inf), got {value!r}")
    return v


def check_bool(name: str, value: object) -> bool:
    """True or False (numpy's bools too); anything else, 0 and 1 included, is a TypeError."""
    import numpy as np

    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
