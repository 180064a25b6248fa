"""ewmakit's engine: the compiled kernels and the only way into them.

The kernels are Cython, compiled ahead of time by ``pip install`` (no JIT at
run time), in the private modules ``_mean`` (EWMA), ``_cov`` (EW covariance),
``_finance`` (fused RSI, ATR, MACD), ``_family`` (DEMA, TEMA, T3, TRIX, APO/PPO,
KAMA, ADOSC, the ADX family), ``_optim`` (fused optimizer steps),
``_util`` (±inf search, transposition, time decays, grouping), ``_groups``
(many series interleaved in one long table) and ``_backtest`` (a broker's
account per column). Their update rules are written once, in ``_rules.pxd``, and inlined by every kernel, so all
paths (one series, panels, column ranges in parallel, blocks of one long
series, streams in chunks) give the same numbers bit for bit.

Every other module of ewmakit uses the names below, and only them:

* :class:`Options` (validated smoothing options), the named per-series states
  :class:`MeanState` and :class:`CovState`, :func:`start_values`;
* the runners :func:`run_mean` and :func:`run_cov` (2-D ``(time, series)``
  arrays, an optional state that they advance, an optional ``out``), and
  :func:`run_mean_groups`, :func:`run_cov_groups` (the rows of many series
  interleaved in one table, one group code per row) with :func:`group_decays`;
* :func:`check_finite`, :func:`check_out`, :func:`row_major`,
  :func:`decay_over`, :func:`stamp_decays`, :func:`steady_weight`,
  :func:`steady_cov`, :func:`group_order`;
* the fused indicators :func:`rsi`, :func:`atr`, :func:`macd`, and
  :class:`GroupPanels`, which lays a long table's groups out as panels for them;
* the exponential family's fused kernels (``_family``): :func:`run_dema`,
  :func:`run_tema`, :func:`run_t3`, :func:`run_trix`, :func:`run_apo`,
  :func:`run_ppo`, :func:`run_kama`, :func:`run_adx` (ADX, ADXR, ±DI, DX in
  one block), :func:`run_adosc`, with :func:`lookback`;
* :func:`run_backtest` (a broker's account per column of a panel, its trades
  and statistics, in one compiled walk; :class:`BadValue` for the first bad
  signal or price) with :data:`BACKTEST_STATS`, the names of its statistics;
* :func:`guess_run` and :func:`continue_run`, which carry the exact state
  across chunks smoothed in parallel (the scale-out);
* the optimizer steps :func:`sgd_step`, :func:`rmsprop_step`,
  :func:`adam_step` and the in-place moment update :func:`ewma_update`;
* :data:`config` (every size cut-off and thread choice) and :func:`threads`.

The compiled modules are loaded on first use; they check that the arrays they
are given have the sizes they will read and write, whoever calls them.
"""

from __future__ import annotations

from .backtest import STATS as BACKTEST_STATS, BacktestArrays, BadValue, run_backtest
from .carry import Guess, continue_run, guess_run
from .config import Config, config, threads
from .family import (ADX_FIELDS, lookback, run_adosc, run_adx, run_apo, run_dema, run_kama, run_ppo, run_t3,
                     run_tema, run_trix, t3_coefs)
from .indicators import atr, macd, rsi, rsi_groups
from .panels import GroupPanels
from .run import (check_finite, check_out, decay_over, first_nonfinite, group_decays, group_order, row_major,
                  text_codes,
                  run_cov, run_cov_groups, run_mean, run_mean_groups, stamp_decays, steady_cov, steady_weight)
from .state import CovState, MeanState, Options, start_values

__all__ = [
    "Config", "config", "threads",
    "Options", "MeanState", "CovState", "start_values",
    "run_mean", "run_cov", "run_mean_groups", "run_cov_groups", "group_decays", "text_codes",
    "check_finite", "check_out", "first_nonfinite", "row_major", "decay_over", "stamp_decays",
    "steady_weight", "steady_cov", "group_order",
    "rsi", "rsi_groups", "atr", "macd", "GroupPanels",
    "run_dema", "run_tema", "run_t3", "run_trix", "run_apo", "run_ppo", "run_kama", "run_adx", "run_adosc",
    "ADX_FIELDS", "lookback", "t3_coefs",
    "Guess", "guess_run", "continue_run",
    "run_backtest", "BacktestArrays", "BadValue", "BACKTEST_STATS",
    "sgd_step", "rmsprop_step", "adam_step", "ewma_update",
]


def __getattr__(name: str):  # no return annotation on purpose: mypy then reads the kernel modules (no stubs) as Any
    # the optimizer kernels, loaded on first use (``import ewmakit`` stays light)
    if name in ("sgd_step", "rmsprop_step", "adam_step"):
        from . import _optim

        return getattr(_optim, name)
    if name == "ewma_update":
        from . import _mean

        return _mean.ewma_update
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
