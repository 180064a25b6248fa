"""Every size cut-off and thread choice of the engine, in one place.

The kernels give the same numbers, bit for bit, whichever path and however
many threads run them; these settings only decide what is fastest. Tests change
them (``monkeypatch.setattr(config, "long_series", 1)``) to send small arrays
down the paths meant for big ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Config", "config", "threads"]


@dataclass
class Config:
    """The engine's tunables (see the module docstring); one instance, :data:`config`."""

    #: Threads for parallel kernels; None: ``$EWMAKIT_NUM_THREADS``, else OpenMP's default (the cores).
    threads: int | None = None
    #: One series at least this long is cut into blocks walked side by side (one long series kernel).
    long_series: int = 1 << 15
    #: A row-major panel runs column ranges in parallel with at least this many columns per thread ...
    columns_per_thread: int = 256
    #: ... and at least this many values.
    parallel_values: int = 1 << 20
    #: A column-major panel (a DataFrame's block) runs ranges of series in parallel from this many values.
    series_parallel_values: int = 1 << 18
    #: Time stamps turn into decays on several threads from this many rows.
    stamps_parallel_rows: int = 1 << 16
    #: A column-major panel is transposed for a row-wise kernel on several threads from this many values.
    transpose_parallel_values: int = 1 << 16

    def panel_parts(self, n_columns: int, n_values: int) -> int:
        """Column ranges a row-major panel is cut into: one per thread when it is wide and big, else 1."""
        t = threads()
        if t > 1 and n_columns >= self.columns_per_thread * t and n_values >= self.parallel_values:
            return t
        return 1

    def indicator_parts(self, n_columns: int) -> int:
        """Column ranges of the fused indicators (RSI, ATR, MACD): one per thread for wide panels."""
        t = threads()
        return t if n_columns >= self.columns_per_thread * t else 1

    def series_parts(self, n_values: int) -> int:
        """Ranges of series of a column-major panel walked in parallel."""
        return threads() if n_values >= self.series_parallel_values else 1

    def is_long(self, n_rows: int, n_columns: int) -> bool:
        """Whether one series is long enough for the blocked kernel."""
        return n_columns == 1 and n_rows >= self.long_series


config = Config()


def threads() -> int:
    """Threads the parallel kernels use: :attr:`Config.threads`, else ``$EWMAKIT_NUM_THREADS``, else the cores.

    Without OpenMP (a compiler without it, or ``EWMAKIT_OPENMP=0`` at build
    time) the parallel loops run serially whatever this says; the results are
    the same.
    """
    if config.threads is not None:
        return max(1, int(config.threads))
    env = os.environ.get("EWMAKIT_NUM_THREADS", "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            raise ValueError(f"EWMAKIT_NUM_THREADS must be a whole number >= 1, got {env!r}") from None
        if n < 1:
            raise ValueError(f"EWMAKIT_NUM_THREADS must be a whole number >= 1, got {env!r}")
        return n
    from . import _util

    return max(1, _util.max_threads())
