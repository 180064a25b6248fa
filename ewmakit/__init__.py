"""ewmakit: exponentially weighted moving averages and everything built on them.

One convention throughout: ``beta`` is the weight of the past,
``v_t = beta * v_{t-1} + (1 - beta) * x_t``.
"""

from . import accessor as _accessor  # registers the ``.ewmakit`` pandas accessors
from . import dask as _dask  # .ewmakit on dask objects, registered when dask.dataframe is imported
from .core import ewma, ewma_weights, ewmcorr, ewmcov, ewmstd, ewmvar
from .streaming import EWMA
from .decay import (
    alpha_from_window,
    beta_from_com,
    beta_from_halflife,
    beta_from_window,
    effective_window,
    halflife_from_beta,
    resolve_beta,
    window_from_beta,
)

__version__ = "0.1.0"

__all__ = [
    "EWMA",
    "ewma",
    "ewmvar",
    "ewmstd",
    "ewmcov",
    "ewmcorr",
    "ewma_weights",
    "alpha_from_window",
    "beta_from_window",
    "window_from_beta",
    "beta_from_halflife",
    "halflife_from_beta",
    "beta_from_com",
    "effective_window",
    "resolve_beta",
]

from ._polars import register_when_polars_loads as _polars_hook

_polars_hook()  # .ewmakit on polars objects: now if polars is imported, else when it is (never imports it)

del _accessor, _dask, _polars_hook
