"""The exponential family's fused kernels (``_family``) behind checks: DEMA, TEMA, T3, TRIX, APO, PPO, KAMA,
ADOSC and the ADX family, each one pass over a (T, N) panel.

Every function takes (T, N) float64 arrays (made row-major here), checks the
windows and shapes, and returns a new result array. The EMA stages are
TA-Lib's: β = 1 − 2/(n+1) (Wilder's 1 − 1/n for the ADX family), each
started with the SMA of its first n observations (``ewmakit.finance.ema``'s
seed), so the chained ones equal that composition of ``ema`` bit for bit. A
±inf input raises the ValueError of :func:`check_finite` naming its position.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .config import config
from .run import _check_sources, row_major

__all__ = ["run_dema", "run_tema", "run_t3", "run_trix", "run_apo", "run_ppo", "run_kama", "run_adx",
           "run_adosc", "ADX_FIELDS", "t3_coefs", "lookback"]

#: The fields of :func:`run_adx`'s block, in order.
ADX_FIELDS = ("adx", "adxr", "plus_di", "minus_di", "dx")

# the kernel's combinations (``kind``)
_DEMA, _TEMA, _T3, _TRIX, _APO, _PPO = range(6)


def _family() -> ModuleType:
    from . import _family

    return _family


def _window(n, name: str = "window", least: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < least:
        raise ValueError(f"{name} must be an integer >= {least}, got {n!r}")
    return int(n)


def _beta(n: int) -> float:
    """β of an n-period EMA, as :func:`ewmakit.decay.beta_from_window` computes it (bit for bit)."""
    return 1.0 - 2.0 / (n + 1.0)


def _panel(x2, name: str) -> np.ndarray:
    x2 = np.asarray(x2)
    if x2.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (time, series) array, got {x2.ndim} dimensions")
    return row_major(np.asarray(x2, dtype=np.float64))


def _panels(arrays: dict) -> list[np.ndarray]:
    out = [_panel(a, k) for k, a in arrays.items()]
    shapes = [a.shape for a in out]
    if len(set(shapes)) > 1:
        raise ValueError(f"{', '.join(arrays)} must have one shape, got {', '.join(map(str, shapes))}")
    return out


def _chain(x2, kind: int, windows: list[int], srcs: list[int], coefs=(0.0, 0.0, 0.0, 0.0)) -> np.ndarray:
    x2 = _panel(x2, "x")
    T, N = x2.shape
    out = np.empty((T, N))
    if T and N:
        betas = np.array([_beta(n) for n in windows])
        if _family().chain(x2, out, kind, betas, np.array(windows, dtype=np.int64),
                           np.array(srcs, dtype=np.int64), np.array(coefs, dtype=np.float64),
                           config.indicator_parts(N)):
            _check_sources(((x2, "x"),))
    return out


def run_dema(x2, n: int) -> np.ndarray:
    """DEMA = 2·EMA(x) − EMA(EMA(x)) of each column (TA-Lib ``DEMA``): NaN for the first 2(n − 1) rows."""
    n = _window(n)
    return _chain(x2, _DEMA, [n, n], [-1, 0])


def run_tema(x2, n: int) -> np.ndarray:
    """TEMA = 3·e1 − 3·e2 + e3, e_k the k-fold EMA (TA-Lib ``TEMA``): NaN for the first 3(n − 1) rows."""
    n = _window(n)
    return _chain(x2, _TEMA, [n] * 3, [-1, 0, 1])


def t3_coefs(vfactor: float) -> tuple[float, float, float, float]:
    """Tillson's c1..c4 of T3 = c1·e6 + c2·e5 + c3·e4 + c4·e3, computed as TA-Lib computes them."""
    a2 = vfactor * vfactor
    c1 = 0.0 - a2 * vfactor
    c2 = 3.0 * (a2 - c1)
    c3 = (0.0 - 6.0) * a2 - 3.0 * (vfactor - c1)
    c4 = 1.0 + 3.0 * vfactor - c1 + 3.0 * a2
    return c1, c2, c3, c4


def run_t3(x2, n: int, vfactor: float = 0.7) -> np.ndarray:
    """Tillson's T3 of each column (TA-Lib ``T3``): six chained EMAs; NaN for the first 6(n − 1) rows.

    Window 1 gives the input itself (TA-Lib copies it; the six coefficients
    sum to 1 only in real arithmetic), carried over missing values.
    """
    n = _window(n)
    if isinstance(vfactor, bool) or not isinstance(vfactor, (int, float, np.floating, np.integer)) \
            or not 0.0 <= float(vfactor) <= 1.0:
        raise ValueError(f"vfactor must be a number in [0, 1], got {vfactor!r}")
    coefs = (0.0, 0.0, 0.0, 1.0) if n == 1 else t3_coefs(float(vfactor))
    return _chain(x2, _T3, [n] * 6, [-1, 0, 1, 2, 3, 4], coefs)


def run_trix(x2, n: int) -> np.ndarray:
    """TRIX = 100·(e3_t/e3_{t−1} − 1), e3 the triple EMA (TA-Lib ``TRIX``): NaN for the first 3(n − 1) + 1 rows
    (and where e3_{t−1} is 0: TA-Lib reports 0 there)."""
    n = _window(n)
    return _chain(x2, _TRIX, [n] * 3, [-1, 0, 1])


def _fast_slow(fast, slow) -> tuple[int, int]:
    fast, slow = _window(fast, "fast"), _window(slow, "slow")
    if fast >= slow:
        raise ValueError(f"fast must be smaller than slow, got fast={fast}, slow={slow}")
    return fast, slow


def run_apo(x2, fast: int, slow: int) -> np.ndarray:
    """APO = EMA_fast − EMA_slow, each SMA-seeded at its own window (TA-Lib ``APO`` with ``matype=1``, EMA)."""
    fast, slow = _fast_slow(fast, slow)
    return _chain(x2, _APO, [fast, slow], [-1, -1])


def run_ppo(x2, fast: int, slow: int) -> np.ndarray:
    """PPO = 100·(EMA_fast − EMA_slow)/EMA_slow (TA-Lib ``PPO`` with ``matype=1``); NaN where EMA_slow is 0
    (TA-Lib: 0)."""
    fast, slow = _fast_slow(fast, slow)
    return _chain(x2, _PPO, [fast, slow], [-1, -1])


def run_kama(x2, n: int) -> np.ndarray:
    """Kaufman's adaptive moving average of each column (TA-Lib ``KAMA``): first value at the (n+1)-th
    observation; missing values skipped (the KAMA carries over them). Window 1 copies the input."""
    n = _window(n)
    x2 = _panel(x2, "x")
    T, N = x2.shape
    out = np.empty((T, N))
    if T and N and _family().kama(x2, out, n, config.indicator_parts(N)):
        _check_sources(((x2, "x"),))
    return out


def run_adx(high, low, close, n: int) -> np.ndarray:
    """Wilder's ADX, ADXR, +DI, −DI and DX of each column side by side in one (T, 5N) block (:data:`ADX_FIELDS`).

    TA-Lib ``ADX``/``ADXR``/``PLUS_DI``/``MINUS_DI``/``DX``: +DM, −DM and TR
    averaged from the sums of their first n − 1 values, DIs and DX from row
    n, ADX (the SMA-seeded Wilder average of DX) from row 2n − 1, ADXR from
    row 3n − 2. Window n >= 2.
    """
    n = _window(n, least=2)
    h, lo, c = _panels({"high": high, "low": low, "close": close})
    T, N = c.shape
    out = np.empty((T, 5 * N))
    if T and N and _family().adx(h, lo, c, out, n, config.indicator_parts(N)):
        _check_sources(((h, "high"), (lo, "low"), (c, "close")))
    return out


def run_adosc(high, low, close, volume, fast: int = 3, slow: int = 10) -> np.ndarray:
    """Chaikin's A/D oscillator EMA_fast(AD) − EMA_slow(AD) of each column (TA-Lib ``ADOSC``).

    Both EMAs start at the first A/D value; NaN until the A/D line has
    max(fast, slow) values. A row with a missing price or volume is a
    missing A/D value (pandas' rules in the EMAs).
    """
    fast, slow = _window(fast, "fast"), _window(slow, "slow")
    h, lo, c, v = _panels({"high": high, "low": low, "close": close, "volume": volume})
    T, N = c.shape
    out = np.empty((T, N))
    if T and N:
        betas = np.array([_beta(fast), _beta(slow)])
        if _family().adosc(h, lo, c, v, out, betas, max(fast, slow), config.indicator_parts(N)):
            _check_sources(((h, "high"), (lo, "low"), (c, "close"), (v, "volume")))
    return out


def lookback(name: str, *windows: int) -> int:
    """Rows of NaN before the first value on a series without missing values (TA-Lib's lookback)."""
    n = windows[0]
    table = {"dema": 2 * (n - 1), "tema": 3 * (n - 1), "t3": 6 * (n - 1), "trix": 3 * (n - 1) + 1,
             "kama": n if n > 1 else 0, "plus_di": n, "minus_di": n, "dx": n, "adx": 2 * n - 1,
             "adxr": 3 * n - 2}
    if name in ("apo", "ppo", "adosc"):
        return max(windows) - 1
    if name not in table:
        raise ValueError(f"no lookback for {name!r}")
    return table[name]

