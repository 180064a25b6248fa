r"""EWMA, EW variance/std/covariance/correlation on arrays, and the streaming EWMA.

Everything here follows one recursion,

.. math::

    v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t ,

with pandas' treatment of missing values, ``adjust`` (our ``bias_correction``)
and ``min_periods``. The public functions validate once and hand a 2-D
``(time, series)`` float array to the compiled loops in :mod:`ewmakit._kernels`.
"""

from __future__ import annotations

import datetime
import functools
import numbers
from dataclasses import dataclass

import numpy as np

from .decay import is_real, resolve_beta

__all__ = ["ewma", "ewmvar", "ewmstd", "ewmcov", "ewmcorr", "ewma_weights", "EWMA"]

_INITS = ("first", "zero")


def _kernels():
    # numba is imported on first use, so ``import ewmakit`` stays fast.
    from . import _kernels

    return _kernels


# --------------------------------------------------------------------------- input


def as_float_array(x, name: str = "x") -> np.ndarray:
    """``x`` as a float32/float64 ndarray (no copy when it already is one).

    Integers and booleans become float64; pandas nullable arrays (and
    DataFrames of them) have their missing values (``pd.NA``, None) turned
    into NaN. Anything else non-numeric is a TypeError.
    """
    if hasattr(x, "dtypes") and hasattr(x, "columns") and not isinstance(x, np.ndarray):  # a DataFrame
        return _frame_floats(x, name)
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        dtype = getattr(x, "dtype", None)
        if isinstance(dtype, np.dtype) and dtype.kind in "f":  # numpy-backed floats: a view, no copy
            return x.to_numpy(copy=False)
        kind = getattr(dtype, "kind", "O")
        if kind in "biuf":
            target = np.float32 if kind == "f" and getattr(dtype, "itemsize", 8) == 4 else np.float64
            try:
                x = x.to_numpy(dtype=target, na_value=np.nan)
            except TypeError:  # numpy-backed objects without na_value support
                x = x.to_numpy(dtype=target)
        else:
            x = x.to_numpy()
    arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype == np.float32 or arr.dtype == np.float64:
            return arr
        return arr.astype(np.float64)
    if kind in "biu":
        return arr.astype(np.float64)
    if kind == "O" and not any(isinstance(v, (str, bytes)) for v in arr.flat):
        try:  # numbers (and None) held as Python objects; text is never parsed as numbers
            return arr.astype(np.float64)
        except OverflowError:
            raise ValueError(f"{name} holds an integer beyond the range of float64") from None
        except (TypeError, ValueError):
            pass
        import pandas as pd

        missing = pd.isna(arr)  # pd.NA (which float() refuses), None, NaN
        if missing.any():
            filled = arr.copy()
            filled[missing] = np.nan
            try:
                return filled.astype(np.float64)
            except (TypeError, ValueError):
                pass
    raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")


def _frame_floats(frame, name: str) -> np.ndarray:
    """A DataFrame's numeric columns as one float array (float32 if every column is float32), NA as NaN."""
    import pandas as pd

    dtypes = list(frame.dtypes)
    bad = [c for c, dt in zip(frame.columns, dtypes)
           if not pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_complex_dtype(dt)]
    if bad:
        raise TypeError(f"{name} must hold numbers, but its columns {bad!r} do not")
    target = np.float32 if dtypes and all(dt == np.float32 for dt in dtypes) else np.float64
    return frame.to_numpy(dtype=target, na_value=np.nan)


def _check_finite(arr: np.ndarray, name: str) -> None:
    if arr.size == 0:
        return
    # a column-major panel (a DataFrame's block) is scanned as it lies; the first ±inf in row order is then found
    flat = arr.T if arr.ndim == 2 and arr.flags.f_contiguous and not arr.flags.c_contiguous else arr
    k = _kernels().first_nonfinite(np.ascontiguousarray(flat))
    if k >= 0 and flat is not arr:
        k = int(np.flatnonzero(np.isinf(arr).ravel())[0])
    if k >= 0:
        pos = np.unravel_index(k, arr.shape)
        where = pos[0] if arr.ndim == 1 else tuple(int(p) for p in pos)
        raise ValueError(
            f"{name} must be finite or NaN (NaN marks a missing value), got {arr.flat[k]} at position {where}"
        )


def row_major(a: np.ndarray) -> np.ndarray:
    """``a`` (2-D) C-contiguous: itself, or a column-major panel (a DataFrame's block) transposed in parallel."""
    if a.flags.c_contiguous:
        return a
    if a.flags.f_contiguous and a.size >= 1 << 16:
        out = np.empty(a.shape, dtype=a.dtype)
        _kernels().transpose_into(a.T, out)
        return out
    return np.ascontiguousarray(a)


def _to_2d(arr: np.ndarray, axis: int):
    """Move ``axis`` first and flatten the rest: returns (2-D view/copy, restore)."""
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension, got a scalar")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must be in [{-arr.ndim}, {arr.ndim}) for a {arr.ndim}-D x, got {axis}")
    axis %= arr.ndim
    moved = np.moveaxis(arr, axis, 0)
    rest = moved.shape[1:]
    x2 = moved.reshape(moved.shape[0], int(np.prod(rest, dtype=np.int64))) if arr.ndim != 2 else moved

    def restore(out2: np.ndarray) -> np.ndarray:
        return np.moveaxis(out2.reshape((moved.shape[0],) + rest), 0, axis)

    return x2, restore


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    """Validated smoothing options, shared by every function and the streaming EWMA."""

    beta: float
    decay: np.ndarray | None  # per-row decay when times are given
    adjust: bool
    init: str | np.ndarray  # "first" or the start value(s) v_{-1}
    ignore_na: bool
    minp: int
    # datetime times kept as (int64 stamps, ns per unit, -1/halflife in ns) while ``decay`` is None: one long
    # series computes the decays on its way (see run_mean); any other use builds them (see _decay_arg)
    stamps: tuple | None = None


def _check_bool(name, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


_INT64_MAX = np.iinfo(np.int64).max


def _check_min_periods(min_periods) -> int:
    if isinstance(min_periods, bool) or not isinstance(min_periods, numbers.Integral) or min_periods < 0:
        raise ValueError(f"min_periods must be an integer >= 0, got {min_periods!r}")
    # beyond int64 no series can ever have that many observations: the same as the largest int64
    return max(min(int(min_periods), _INT64_MAX), 1)


def check_init(init, bias_correction: bool):
    """Return ``"first"`` or the start value (float or float array)."""
    if isinstance(init, str):
        if init not in _INITS:
            raise ValueError(f"init must be 'first', 'zero', a number or an array, got {init!r}")
        if init == "first" or bias_correction:
            return "first"
        return np.float64(0.0)
    if init is None:
        raise ValueError("init must be 'first', 'zero', a number or an array, got None")
    value = as_float_array(init, "init").astype(np.float64)
    if not np.all(np.isfinite(value)):
        raise ValueError(f"init must be finite, got {init!r}")
    if bias_correction:
        if np.any(value != 0):
            raise ValueError(
                f"bias_correction=True starts from zero (pandas adjust=True); it cannot be combined with init={init!r}"
            )
        return "first"
    return value


def _halflife_ns(halflife) -> float:
    import pandas as pd

    if isinstance(halflife, (str, datetime.timedelta, np.timedelta64)):
        try:
            td = pd.Timedelta(halflife)
        except ValueError as exc:
            raise ValueError(f"halflife must be a time span such as '2D' with datetime times, got {halflife!r}") from exc
        if pd.isna(td) or td.value <= 0:
            raise ValueError(f"halflife must be a positive time span, got {halflife!r}")
        return float(td.value)
    raise ValueError(
        f"halflife must be a time span (a timedelta or a string such as '2D') with datetime times, got {halflife!r}"
    )


def decay_over(dt, halflife):
    """0.5 ** (dt / halflife), the decay over time steps ``dt``: the one formula every timed path uses.

    Computed by :func:`ewmakit._kernels.decays` as exp2(−dt/halflife), twice as
    fast as a general power and bit for bit what the one-pass stamp kernel gives.
    """
    dt = np.ascontiguousarray(dt, dtype=np.float64)
    out = np.empty(dt.shape)
    _kernels().decays(dt.ravel(), -1.0 / halflife, out.ravel())
    return out


def stamp_decays(stamps) -> np.ndarray:
    """The decays of ``(int64 stamps, ns per unit, -1/halflife in ns)``, checking order and NaTs."""
    n = stamps[0].size
    decay = np.empty(n, dtype=np.float64)
    where, code = _kernels().stamp_decays(stamps[0], stamps[1], stamps[2], decay, _threads() if n >= 1 << 16 else 1)
    if code == 1:
        raise ValueError(f"times must not contain NaT, found one at position {where}")
    if code == 2:
        raise ValueError(f"times must be non-decreasing, but row {where} comes before row {where - 1}")
    return decay


def time_decay(times, halflife, n: int, *, lazy: bool = False):
    """Per-row decay 0.5 ** (Δt/halflife) for ``times`` (row 0 gets 1.0).

    ``lazy``: for datetimes, return the stamps ``(int64 stamps, ns per unit,
    -1/halflife in ns)`` instead (see :func:`stamp_decays`), after checking
    everything but their order and NaTs; numbers give the decays as always.
    """
    import pandas as pd

    if isinstance(times, str):
        raise ValueError(f"times must be an array of datetimes or numbers, got the string {times!r}")
    if hasattr(times, "dtype") and isinstance(getattr(times, "dtype"), pd.DatetimeTZDtype):
        times = pd.DatetimeIndex(times).tz_convert("UTC").tz_localize(None)
    arr = np.asarray(times)
    if arr.ndim != 1:
        raise ValueError(f"times must be one-dimensional, got shape {arr.shape}")
    if len(arr) != n:
        raise ValueError(f"times must have one entry per row ({n}), got {len(arr)}")
    if arr.dtype.kind == "O" and n:  # datetime objects, possibly tz-aware
        try:
            idx = pd.DatetimeIndex(arr)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"times must be datetimes or numbers, got values such as {arr[0]!r}") from exc
        arr = (idx.tz_convert("UTC").tz_localize(None) if idx.tz is not None else idx).to_numpy()
    if arr.dtype.kind == "M":  # one compiled pass: steps, checks and decays
        unit, _ = np.datetime_data(arr.dtype)
        stamps = (np.ascontiguousarray(arr).view(np.int64), int(np.timedelta64(1, unit) / np.timedelta64(1, "ns")),
                  -1.0 / _halflife_ns(halflife))
        return stamps if lazy else stamp_decays(stamps)
    elif arr.dtype.kind in "iuf":
        t = arr.astype(np.float64)
        bad = ~np.isfinite(t)
        if bad.any():
            raise ValueError(f"times must be finite, got {t[bad][0]} at position {int(np.argmax(bad))}")
        dt = np.diff(t)
        if not is_real(halflife):  # a timedelta with numeric times has no unit to compare with
            raise ValueError(f"halflife must be a number in the units of numeric times, got {halflife!r}")
        h = float(halflife)
        if not (0.0 < h < np.inf):
            raise ValueError(f"halflife must be in (0, inf), got {halflife!r}")
    else:
        raise TypeError(f"times must be datetimes or numbers, got dtype {arr.dtype}")
    if np.any(dt < 0):
        k = int(np.argmax(dt < 0)) + 1
        raise ValueError(f"times must be non-decreasing, but row {k} comes before row {k - 1}")
    decay = np.empty(n, dtype=np.float64)
    if n:
        decay[0] = 1.0
        decay[1:] = decay_over(dt, h)
    return decay


def resolve_options(n_rows, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
                    bias_correction=False, ignore_na=False, times=None, min_periods=0, lazy_times=False) -> Options:
    """Validate every smoothing option once, at the public boundary.

    ``lazy_times``: keep datetime ``times`` of a long series as stamps (``Options.stamps``), their decays
    computed where they are used.
    """
    bias_correction = _check_bool("bias_correction", bias_correction)
    ignore_na = _check_bool("ignore_na", ignore_na)
    minp = _check_min_periods(min_periods)
    start = check_init(init, bias_correction)
    if times is None:
        b = resolve_beta(beta, alpha=alpha, window=window, halflife=halflife, com=com)
        decay = None
    else:
        others = {k: v for k, v in (("beta", beta), ("alpha", alpha), ("window", window), ("com", com)) if v is not None}
        if others or halflife is None:
            got = ", ".join(f"{k}={v!r}" for k, v in others.items()) or "no halflife"
            raise ValueError(f"with times the decay must be given as halflife=... alone, got {got}")
        if not isinstance(start, str):
            raise ValueError(
                f"with times use init='first' or bias_correction=True; a start value (init={init!r}) "
                "has no time of its own to decay from"
            )
        decay = time_decay(times, halflife, n_rows, lazy=lazy_times and n_rows >= _LONG)
        b = 0.0
    if isinstance(decay, tuple):
        return Options(beta=b, decay=None, adjust=bias_correction, init=start, ignore_na=ignore_na, minp=minp,
                       stamps=decay)
    return Options(beta=b, decay=decay, adjust=bias_correction, init=start, ignore_na=ignore_na, minp=minp)


# --------------------------------------------------------------------------- runners


def _init_column(opts: Options, n: int) -> np.ndarray:
    if isinstance(opts.init, str):
        return np.full(n, np.nan)
    value = np.asarray(opts.init, dtype=np.float64)
    if value.ndim == 0:
        return np.full(n, float(value))
    if value.size == 1:
        return np.full(n, float(value.ravel()[0]))
    if value.size != n:
        raise ValueError(f"init must be a number or hold one value per series ({n}), got shape {value.shape}")
    return value.ravel().copy()


def _threads() -> int:
    import numba

    return numba.get_num_threads()


@functools.lru_cache(maxsize=256)
def steady_weight(beta: float, adjust: bool) -> float:
    """:func:`ewmakit._kernels.steady_weight`, remembered (it iterates up to ~37/(1 − β) times)."""
    return float(_kernels().steady_weight(beta, adjust))


def _decay_arg(opts: Options):
    if opts.decay is not None:
        return opts.decay, True
    if opts.stamps is not None:  # built (and checked) now
        return stamp_decays(opts.stamps), True
    return np.ones(1), False


def new_mean_state(opts: Options, n: int):
    """Fresh state of :func:`ewmakit._kernels.ewm_mean` for ``n`` series."""
    return _init_column(opts, n), np.ones(n), np.zeros(n, dtype=np.int64)


_LONG = 1 << 15  # a single series at least this long takes the blocked kernel
_NAT = np.iinfo(np.int64).min
_NO_STAMPS = np.zeros(0, dtype=np.int64)


def run_mean(x2: np.ndarray, opts: Options, state=None, first_row=None, *, source=None, name="x") -> np.ndarray:
    """EWMA of the columns of a 2-D ``(T, N)`` array (``state`` updated in place).

    ``first_row[j]``: rows of column ``j`` before it are skipped (see
    :func:`ewmakit._kernels.ewm_mean`); default none. The kernel counts ±inf
    on its way; if it met any, the ValueError names the first position in
    ``source`` (the caller's array; default ``x2``) and ``state`` must be
    considered spoiled.
    """
    column_major = x2.shape[1] > 1 and x2.flags.f_contiguous and not x2.flags.c_contiguous
    out = np.empty(x2.shape, dtype=x2.dtype, order="F" if column_major else "C")  # the input's layout
    if x2.size == 0:
        return out
    if state is None:
        state = new_mean_state(opts, x2.shape[1])
    if first_row is None:
        first_row = np.zeros(x2.shape[1], dtype=np.int64)
    check_kernel_arrays(x2.shape[1], mean=state[0], weight=state[1], nobs=state[2], first_row=first_row)
    k = _kernels()
    threads = _threads()
    one_long = x2.shape[1] == 1 and x2.shape[0] - first_row[0] >= _LONG and x2.flags.c_contiguous
    if opts.stamps is not None and one_long and first_row[0] == 0 and opts.stamps[0][0] != _NAT:
        # decays computed on the way from the stamps; a step back in time or a NaT: build them, which raises
        ninf, bad = k.ewm_mean_1d(x2, out, 0.0, np.ones(1), True, opts.adjust, opts.ignore_na, opts.minp, *state,
                                  first_row, 1.0, threads, *opts.stamps)
        if bad:
            stamp_decays(opts.stamps)
        if ninf:
            _check_finite(x2 if source is None else source, name)
        return out
    decay, timed = _decay_arg(opts)
    args = (x2, out, opts.beta, decay, timed, opts.adjust, opts.ignore_na, opts.minp, *state, first_row)
    w_star = 1.0 if timed else steady_weight(opts.beta, opts.adjust)  # unused on the timed paths
    if column_major:  # each series contiguous (a DataFrame's block): series side by side, same result
        targs = (x2.T, out.T) + args[2:]
        ninf = k.ewm_mean_series(*targs, w_star, threads if x2.size >= 1 << 18 else 1)
    elif one_long:  # one long series: blocks side by side, same result
        ninf, _ = k.ewm_mean_1d(*args, w_star, threads, _NO_STAMPS, 1, 0.0)
    elif threads > 1 and x2.shape[1] >= 256 * threads and x2.size >= 1 << 20:
        ninf = k.ewm_mean_parallel(*args, threads)  # wide panels: one column range per core, same result
    else:
        ninf = k.ewm_mean(*args, w_star)
    if ninf:
        _check_finite(x2 if source is None else source, name)
    return out


def run_cov(x2: np.ndarray, y2: np.ndarray, opts: Options, bias: bool, root: bool = False, sources=()) -> np.ndarray:
    """EW covariance of the columns of two 2-D arrays (``x2 is y2``: a variance; ``root``: its square root).

    ``sources``: (array, name) pairs the caller did not check for ±inf. A ±inf
    leaves a mean or the co-moment of its series at ±inf or NaN for good, so
    they are searched (and the error raised) only when the final state shows one.
    """
    out = np.empty(x2.shape, dtype=np.result_type(x2.dtype, y2.dtype))
    n = x2.shape[1]
    if x2.size == 0:
        return out
    start = _init_column(opts, n)
    state = (start, start.copy(), np.zeros(n), np.ones(n), np.ones(n), np.ones(n), np.zeros(n, dtype=np.int64))
    decay, timed = _decay_arg(opts)
    args = (x2, y2, out, opts.beta, decay, timed, opts.adjust, opts.ignore_na, opts.minp, bias, *state, x2 is y2, root)
    threads = _threads()
    k = _kernels()
    if n == 1 and x2.shape[0] >= _LONG and x2.flags.c_contiguous and y2.flags.c_contiguous:
        k.ewm_cov_1d(*args, threads)  # one long series: a block per thread, same result
    elif threads > 1 and n >= 256 * threads and x2.size >= 1 << 20:
        k.ewm_cov_parallel(*args, threads)  # wide panels: one column range per core, same result
    else:
        k.ewm_cov(*args)
    started = state[6] > 0
    if sources and not all(np.isfinite(a[started]).all() for a in state[:3]):
        for arr, name in sources:
            _check_finite(arr, name)
    return out


_STATE_DTYPES = {"nobs": np.int64, "first_row": np.int64}


def check_kernel_arrays(n: int, **arrays) -> None:
    """Refuse state arrays a kernel would read or write out of bounds: each must be 1-D, C-contiguous and
    writeable, hold ``n`` values (one per series), float64 (int64 for counts and rows)."""
    for key, a in arrays.items():
        dtype = _STATE_DTYPES.get(key, np.float64)
        if not isinstance(a, np.ndarray) or a.dtype != dtype or a.ndim != 1 or a.shape[0] != n \
                or not a.flags.c_contiguous or not a.flags.writeable:
            got = f"{a.dtype} {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
            raise ValueError(f"kernel state {key} must be a writeable C-contiguous {np.dtype(dtype)} array "
                             f"of shape ({n},), got {got}")


def _prepare(x, axis, name="x", check=True):
    arr = as_float_array(x, name)
    x2, restore = _to_2d(arr, axis)
    if check:
        _check_finite(arr, name)  # positions in the caller's array, not the 2-D view
    return arr, x2, restore


_DECAY_DOC = """beta : float, optional
        Weight of the past, 0 <= beta < 1. Give exactly one of ``beta``,
        ``alpha``, ``window``, ``halflife`` and ``com``.
    alpha : float, optional
        Weight of the newest point, 0 < alpha <= 1 (pandas ``alpha``).
    window : float, optional
        n-period EMA, n >= 1: beta = 1 - 2/(n+1) (pandas ``span``).
    halflife : float, str or timedelta, optional
        Half-life in steps; with ``times``, a time span ("2D", a timedelta) or a
        number in the units of numeric times.
    com : float, optional
        Centre of mass, >= 0: beta = com/(1+com).
    init : {"first", "zero"}, float or array, default "first"
        Start of the recursion. "first": v_0 = x_0 (pandas ``adjust=False``);
        "zero": v_{-1} = 0; a number or one number per series: v_{-1} = init.
        The recursion starts at the first observation; rows before it are NaN.
    bias_correction : bool, default False
        Start from zero and divide by 1 - beta**(t+1): pandas ``adjust=True``
        and Adam's bias-corrected moments.
    ignore_na : bool, default False
        pandas' ``ignore_na``: if False, a missing row still decays the past,
        and the weights are renormalised at the next observation; if True,
        missing rows are skipped as if absent.
    times : array of datetimes or numbers, optional
        Time of each row (non-decreasing, no NaT). Row i decays the past by
        0.5 ** ((t_i - t_{i-1}) / halflife). Needs ``halflife``.
    min_periods : int, default 0
        Rows with fewer observations so far than this are NaN.
    axis : int, default 0
        The time axis."""


def _fill_doc(func):
    func.__doc__ = func.__doc__.replace("{decay}", _DECAY_DOC)
    return func


# --------------------------------------------------------------------------- public


@_fill_doc
def ewma(x, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
         bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0) -> np.ndarray:
    r"""Exponentially weighted moving average.

    .. math::

        v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

    Parameters
    ----------
    x : array_like
        Data, any number of dimensions; NaN marks a missing value.
    {decay}

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; float32 if ``x`` is float32, else float64.

    Raises
    ------
    ValueError
        For a decay out of range, zero or several decay specifications, ±inf
        in ``x`` (the message names the first position), bad ``times`` or an
        init that contradicts ``bias_correction``.
    TypeError
        For non-numeric data.

    Notes
    -----
    With ``init="first"`` this is exactly pandas ``ewm(alpha=1-beta,
    adjust=False).mean()``; with ``bias_correction=True`` it is
    ``ewm(alpha=1-beta, adjust=True).mean()``, i.e.

    .. math::

        \hat v_t = \frac{\sum_{k=0}^{t} \beta^k x_{t-k}}{\sum_{k=0}^{t} \beta^k}
                 = \frac{m_t}{1 - \beta^{t+1}}, \quad m_{-1} = 0 .

    After a gap of k missing rows (``ignore_na=False``) the past keeps weight
    β^(k+1) against α = 1 − β for the new point, renormalised to sum 1.
    With ``times`` and no gaps the step is v_i = d_i v_{i-1} + (1 − d_i) x_i,
    d_i = 0.5 ** (Δt_i / halflife); with ``bias_correction=True`` this equals
    pandas ``ewm(halflife=..., times=...)``. (pandas 3 without ``adjust``
    handles a gap in ``times`` by decaying over the whole gap in one step; we
    keep the renormalisation above, so that a regular grid gives exactly the
    untimed result.)

    Examples
    --------
    >>> ewma([1.0, 2.0, 3.0], 0.5)
    array([1.  , 1.5 , 2.25])
    >>> ewma([1.0, 2.0, 3.0], 0.5, bias_correction=True).round(4)
    array([1.    , 1.6667, 2.4286])
    >>> ewma([1.0, 2.0, 3.0], 0.9, init="zero").round(3)
    array([0.1  , 0.29 , 0.561])
    """
    arr, x2, restore = _prepare(x, axis, check=False)  # the kernel itself counts ±inf
    opts = resolve_options(x2.shape[0], beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
                           bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                           min_periods=min_periods, lazy_times=x2.shape[1] == 1)
    return restore(run_mean(x2, opts, source=arr))


def _cov_common(x, y, beta, alpha, window, halflife, com, init, bias_correction, ignore_na, times, min_periods,
                axis):
    # a variance: run_cov looks for ±inf only if the result shows one (every ±inf enters it); a pair is checked
    # now, as a ±inf next to a missing value would never show
    xa, x2, restore = _prepare(x, axis, "x", check=y is not None)
    sources = ((xa, "x"),) if y is None else ()
    if y is None:
        y2 = x2
    else:
        ya = as_float_array(y, "y")
        if ya.shape != xa.shape:
            raise ValueError(f"x and y must have the same shape, got {xa.shape} and {ya.shape}")
        y2, _ = _to_2d(ya, axis)
        _check_finite(ya, "y")
    opts = resolve_options(x2.shape[0], beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
                           bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                           min_periods=min_periods)
    return x2, y2, opts, restore, sources


@_fill_doc
def ewmvar(x, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
           bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0, bias=False) -> np.ndarray:
    r"""Exponentially weighted moving variance.

    The weighted variance of the data around its EWMA, with the same weights
    as :func:`ewma`:

    .. math::

        \sigma^2_t = \frac{\sum_k w_k (x_k - \bar x_t)^2}{\sum_k w_k}
        \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

    where the last factor (pandas' debiasing factor) is left out when
    ``bias=True``. It is updated with West's stable recursion, never as
    E[x²] − E[x]².

    Parameters
    ----------
    x : array_like
        Data; NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, the plain weighted variance (pandas ``var(bias=True)``).

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``. The first observation has variance NaN
        (``bias=False``) or 0 (``bias=True``), as in pandas.

    Notes
    -----
    Equals pandas ``ewm(...).var(bias=...)`` for the same options; ``times``
    (which pandas supports only for the mean) decays the weights exactly as for
    :func:`ewma`. A start value ``init=c`` enters as a pseudo-observation with
    the weight it has in the mean.

    Examples
    --------
    >>> ewmvar([1.0, 5.0, 2.0, 8.0], 0.7).round(4)
    array([    nan,  8.    ,  3.7718, 12.198 ])
    """
    x2, y2, opts, restore, sources = _cov_common(x, None, beta, alpha, window, halflife, com, init, bias_correction,
                                        ignore_na, times, min_periods, axis)
    return restore(run_cov(x2, y2, opts, _check_bool("bias", bias), sources=sources))


@_fill_doc
def ewmstd(x, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
           bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0, bias=False) -> np.ndarray:
    r"""Exponentially weighted moving standard deviation, the square root of :func:`ewmvar`.

    .. math::

        \sigma_t = \sqrt{\operatorname{ewmvar}(x)_t}

    Parameters
    ----------
    x : array_like
        Data; NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, without pandas' debiasing factor.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; equals pandas ``ewm(...).std(bias=...)``.

    Examples
    --------
    >>> ewmstd([1.0, 5.0, 2.0, 8.0], 0.7).round(4)
    array([   nan, 2.8284, 1.9421, 3.4926])
    """
    x2, y2, opts, restore, sources = _cov_common(x, None, beta, alpha, window, halflife, com, init, bias_correction,
                                        ignore_na, times, min_periods, axis)
    return restore(run_cov(x2, y2, opts, _check_bool("bias", bias), root=True, sources=sources))  # sqrt in the kernel


@_fill_doc
def ewmcov(x, y, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
           bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0, bias=False) -> np.ndarray:
    r"""Exponentially weighted moving covariance of ``x`` and ``y``.

    .. math::

        c_t = \frac{\sum_k w_k (x_k - \bar x_t)(y_k - \bar y_t)}{\sum_k w_k}
        \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

    Rows where either series is missing are missing for both.

    Parameters
    ----------
    x, y : array_like
        Data of the same shape; NaN marks a missing value.
    {decay}
    bias : bool, default False
        If True, without pandas' debiasing factor.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; equals pandas ``x.ewm(...).cov(y, bias=...)``.

    Examples
    --------
    >>> ewmcov([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 0.5).round(4)
    array([nan, 1. , 0.4])
    """
    x2, y2, opts, restore, sources = _cov_common(x, y, beta, alpha, window, halflife, com, init, bias_correction,
                                        ignore_na, times, min_periods, axis)
    return restore(run_cov(x2, y2, opts, _check_bool("bias", bias), sources=sources))


@_fill_doc
def ewmcorr(x, y, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
            bias_correction=False, ignore_na=False, times=None, min_periods=0, axis=0) -> np.ndarray:
    r"""Exponentially weighted moving correlation of ``x`` and ``y``.

    .. math::

        \rho_t = \frac{c^{xy}_t}{\sqrt{c^{xx}_t\, c^{yy}_t}}

    with the biased (plain weighted) covariances, all three over the rows
    where both series are present, as pandas computes it.

    Parameters
    ----------
    x, y : array_like
        Data of the same shape; NaN marks a missing value.
    {decay}

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``; equals pandas ``x.ewm(...).corr(y)``. NaN where a
        variance is zero.

    Examples
    --------
    >>> ewmcorr([1.0, 2.0, 4.0, 3.0], [1.0, 3.0, 2.0, 5.0], 0.5).round(4)
    array([   nan, 1.    , 0.2722, 0.2132])
    """
    x2, y2, opts, restore, sources = _cov_common(x, y, beta, alpha, window, halflife, com, init, bias_correction,
                                        ignore_na, times, min_periods, axis)
    missing = np.isnan(x2) | np.isnan(y2)  # as pandas: only rows where both are present count
    if missing.any():
        x2, y2 = np.where(missing, np.nan, x2), np.where(missing, np.nan, y2)
    cxy = run_cov(x2, y2, opts, True, sources=sources)
    cxx = run_cov(x2, x2, opts, True)
    cyy = run_cov(y2, y2, opts, True)
    with np.errstate(all="ignore"):
        den = np.sqrt(np.where(cxx * cyy < 0, 0.0, cxx * cyy))
        out = cxy / den
    out[den == 0] = np.nan
    return restore(out.astype(cxy.dtype, copy=False))


def ewma_weights(n, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
                 bias_correction=False) -> np.ndarray:
    r"""Weights that :func:`ewma` gives the last ``n`` points, oldest first.

    For ``init="first"`` (the default) the oldest point also carries the weight
    of the start, so the weights sum to 1:

    .. math::

        w_0 = \beta^{n-1}, \qquad w_k = (1-\beta)\,\beta^{n-1-k}\ (k \ge 1).

    With ``bias_correction=True`` they are β^(n−1−k) / Σβ^j. With
    ``init="zero"`` they are (1−β)β^(n−1−k) and sum to 1 − βⁿ: the rest
    sits on the zero start.

    Parameters
    ----------
    n : int
        Number of points, >= 1.
    beta, alpha, window, halflife, com : float, optional
        Exactly one decay specification (see :func:`ewma`).
    init : {"first", "zero"}
        Start of the recursion.
    bias_correction : bool, default False
        The weights of pandas ``adjust=True``.

    Returns
    -------
    numpy.ndarray
        ``n`` weights, oldest first; ``ewma(x)[-1] == weights @ x[-n:]`` for a
        series of length ``n``.

    Examples
    --------
    >>> ewma_weights(3, 0.5)
    array([0.25, 0.25, 0.5 ])
    >>> ewma_weights(3, 0.5, bias_correction=True).round(4)
    array([0.1429, 0.2857, 0.5714])
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    b = resolve_beta(beta, alpha=alpha, window=window, halflife=halflife, com=com)
    bias_correction = _check_bool("bias_correction", bias_correction)
    start = check_init(init, bias_correction)
    if not isinstance(start, str) and np.any(start != 0):
        raise ValueError(f"init must be 'first' or 'zero' for ewma_weights, got {init!r}")
    powers = b ** np.arange(n - 1, -1, -1, dtype=np.float64)
    if bias_correction:
        return powers / powers.sum()
    w = (1.0 - b) * powers
    if isinstance(start, str):  # "first": the start value is x_0
        w[0] = b ** (n - 1)
    return w


# --------------------------------------------------------------------------- streaming


_OPTION_KEYS = ("beta", "init", "bias_correction", "ignore_na", "min_periods", "count", "shape", "dtype")
_STATE_KEYS = ("mean", "weight", "nobs", "last")
_MAX_SERIES = 1 << 40  # more series than any memory holds: a forged shape, refused before allocating


def _check_state_dict(d) -> dict:
    """The option entries of an :meth:`EWMA.state_dict`, checked for presence and type."""
    from collections.abc import Mapping

    if not isinstance(d, Mapping):
        raise TypeError(f"state dict must be a dict from EWMA.state_dict(), got {type(d).__name__}")
    missing = [k for k in _OPTION_KEYS if k not in d]
    if missing:
        raise ValueError(f"state dict lacks the key(s) {missing}; it must come from EWMA.state_dict()")
    unknown = [k for k in d if k not in _OPTION_KEYS + _STATE_KEYS]
    if unknown:
        raise ValueError(f"state dict has unknown key(s) {unknown!r}; it must come from EWMA.state_dict()")
    from .decay import check_beta

    check_beta(d["beta"])  # names the key; the constructor checks the other options
    count = d["count"]
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or not 0 <= count <= _INT64_MAX:
        raise ValueError(f"state dict: count must be an integer in [0, 2**63 - 1], got {count!r}")
    return {**{k: d[k] for k in _OPTION_KEYS}, "count": int(count)}


def _state_values(d, key: str, n: int, integers: bool) -> np.ndarray:
    """``d[key]`` as ``n`` float64 (or int64) values, or the error naming ``key``."""
    value = d.get(key)
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"state dict: {key} must be a list of {n} numbers, got {value!r}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"state dict: {key} must be a list of {n} numbers ({exc})") from None
    kinds = "iu" if integers else "iuf"
    if arr.dtype.kind not in kinds or arr.dtype == np.float16:
        what = "integers" if integers else "real numbers (float32/float64)"
        raise TypeError(f"state dict: {key} must hold {what}, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"state dict: {key} must hold {n} values (the product of shape), got shape {arr.shape}")
    if integers:
        if arr.size and (arr.min() < 0 or arr.max() > _INT64_MAX):
            raise ValueError(f"state dict: {key} must hold integers in [0, 2**63 - 1], got {arr.min()} .. {arr.max()}")
        return np.ascontiguousarray(arr, dtype=np.int64)
    return np.array(arr, dtype=np.float64)


def _check_stream_state(d, fields: dict, opts: Options):
    """``(shape, dtype, (mean, weight, nobs))`` of a state dict, every entry checked; None before any update."""
    shape, dtype, count = fields["shape"], fields["dtype"], fields["count"]
    present = [k for k in _STATE_KEYS if d.get(k) is not None]
    if shape is None:
        if dtype is not None or count or present:
            raise ValueError("state dict: with shape None (nothing fed yet) dtype, mean, weight, nobs and last "
                             f"must be None and count 0, got dtype={dtype!r}, count={count!r}, {present} given")
        return None
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (list, tuple)) or not all(
            not isinstance(v, bool) and isinstance(v, numbers.Integral) and 0 <= v for v in shape):
        raise TypeError(f"state dict: shape must be a list of integers >= 0 (or None), got {shape!r}")
    n = 1
    for v in shape:
        n *= int(v)
    if n > _MAX_SERIES:
        raise ValueError(f"state dict: shape {list(shape)} holds {n} series, more than 2**40")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"state dict: dtype must be 'float32' or 'float64', got {dtype!r}")
    mean = _state_values(d, "mean", n, integers=False)
    weight = _state_values(d, "weight", n, integers=False)
    nobs = _state_values(d, "nobs", n, integers=True)
    if n and nobs.max() > count:
        raise ValueError(f"state dict: nobs must not exceed count ({count}) (one observation per row at most), "
                         f"got {nobs.max()}")
    started = nobs > 0
    if not np.isfinite(mean[started]).all():
        raise ValueError("state dict: mean must be finite once a series has observations, got "
                         f"{mean[started][~np.isfinite(mean[started])][0]}")
    start = _init_column(opts, n)  # before the first observation the state is the start value, weight 1
    fresh_mean = (mean == start) | (np.isnan(mean) & np.isnan(start))
    if not (fresh_mean[~started].all() and (weight[~started] == 1.0).all()):
        raise ValueError("state dict: a series without observations must hold the start value of init "
                         f"({'NaN' if isinstance(opts.init, str) else 'init'}) with weight 1")
    # the weight of the past: 1 after an observation without adjust, at most ~1/(1 - beta) with it; gaps decay it
    top = 1.0 / (1.0 - opts.beta) + 1.0 if opts.adjust else 1.0
    w = weight[started]
    if not ((w >= 0.0) & (w <= top)).all():
        raise ValueError(f"state dict: weight must be in [0, {top:g}] for beta={opts.beta!r} "
                         f"(bias_correction={opts.adjust}), got {w[~((w >= 0.0) & (w <= top))][0]!r}")
    last = d.get("last")
    if count == 0 and last is not None:
        raise ValueError(f"state dict: last must be None before any row (count 0), got {last!r}")
    if last is not None:
        given = _state_values(d, "last", n, integers=False).astype(dtype)
        derived = np.where(nobs >= opts.minp, mean, np.nan).astype(dtype)
        if not np.array_equal(given, derived, equal_nan=True):
            raise ValueError("state dict: last does not match mean, nobs and min_periods (the value they give)")
    return tuple(int(v) for v in shape), np.dtype(dtype), (mean, weight, nobs)


class EWMA:
    r"""Streaming exponentially weighted moving average.

    Feeds values one row at a time (or many rows at once) and keeps only the
    state of the recursion, so a long or endless stream needs no memory:

    .. math::

        v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

    Any chunking of a series gives what :func:`ewma` gives on the whole series
    (same compiled step, same state).

    Parameters
    ----------
    beta, alpha, window, halflife, com : float, optional
        Exactly one decay specification (see :func:`ewma`); ``halflife`` in steps.
    init : {"first", "zero"}, float or array, default "first"
        Start of the recursion (see :func:`ewma`).
    bias_correction : bool, default False
        Zero start divided by 1 − β^(t+1) (pandas ``adjust=True``).
    ignore_na : bool, default False
        pandas' treatment of NaN values (see :func:`ewma`).
    min_periods : int, default 0
        ``value`` is NaN until this many observations have been seen.

    Attributes
    ----------
    value : float, numpy.ndarray or None
        The current average (None before the first update).
    count : int
        Number of rows fed so far.

    Examples
    --------
    >>> s = EWMA(0.5)
    >>> for x in [1.0, 2.0, 3.0]:
    ...     print(s.update(x))
    1.0
    1.5
    2.25
    >>> s.update_many([4.0, 5.0])
    array([3.125 , 4.0625])
    >>> s.count
    5
    """

    def __init__(self, beta=None, *, alpha=None, window=None, halflife=None, com=None, init="first",
                 bias_correction=False, ignore_na=False, min_periods=0):
        self._opts = resolve_options(0, beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
                                     bias_correction=bias_correction, ignore_na=ignore_na, times=None,
                                     min_periods=min_periods)
        self._min_periods = int(min_periods)
        self._init_spec = init
        self.reset()

    @property
    def beta(self) -> float:
        """β, the weight of the past."""
        return self._opts.beta

    def reset(self) -> None:
        """Forget everything fed so far (keeps the options)."""
        self._shape = None
        self._dtype = None
        self._state = None
        self.count = 0

    def _feed(self, rows: np.ndarray) -> np.ndarray:
        if self._shape is None:
            self._shape = rows.shape[1:]
            self._dtype = rows.dtype
            self._state = new_mean_state(self._opts, int(np.prod(self._shape, dtype=np.int64)))
        elif rows.shape[1:] != self._shape:
            raise ValueError(f"x must have shape {self._shape} like the first update, got {rows.shape[1:]}")
        width = int(np.prod(rows.shape[1:], dtype=np.int64))  # not -1: a 0-row chunk must reshape too
        x2 = np.ascontiguousarray(rows.reshape(rows.shape[0], width), dtype=self._dtype)
        _check_finite(rows, "x")
        out = run_mean(x2, self._opts, self._state)
        self.count += rows.shape[0]
        return out.reshape(rows.shape)

    def update(self, x):
        """Feed one row (a number, or an array of the shape of the first update).

        Returns
        -------
        float or numpy.ndarray
            The new average.
        """
        arr = as_float_array(x)
        out = self._feed(arr[None, ...])
        return float(out[0]) if arr.ndim == 0 else out[0]

    def update_many(self, xs) -> np.ndarray:
        """Feed rows along axis 0; returns the average after each row.

        Equals ``ewma(xs)`` on the concatenation of everything fed so far.
        """
        arr = as_float_array(xs, "xs")
        if arr.ndim == 0:
            raise ValueError("xs must hold rows along axis 0, got a scalar (use update)")
        return self._feed(arr)

    def _current(self) -> np.ndarray | None:
        """The flat current average in the stream's dtype (what the last row gave), None before any row."""
        if self.count == 0:
            return None
        mean, _, nobs = self._state
        return np.where(nobs >= self._opts.minp, mean, np.nan).astype(self._dtype)

    @property
    def value(self):
        """The current average: None before the first update, NaN before any observation."""
        last = self._current()
        if last is None:
            return None
        if self._shape == ():
            return float(last[0])
        return last.reshape(self._shape)

    def state_dict(self) -> dict:
        """The whole state as plain Python values (picklable, JSON-friendly but for NaN).

        :meth:`from_state_dict` reads it back and checks every entry, so a
        stored dict can be loaded safely whatever happened to it.
        """
        init = self._init_spec
        if not isinstance(init, str):
            init = np.asarray(init, dtype=np.float64).tolist()
        d = {
            "beta": self._opts.beta,
            "init": init,
            "bias_correction": self._opts.adjust,
            "ignore_na": self._opts.ignore_na,
            "min_periods": self._min_periods,
            "count": self.count,
            "shape": None if self._shape is None else list(self._shape),
            "dtype": None if self._dtype is None else np.dtype(self._dtype).name,
        }
        if self._state is not None:
            mean, wt, nobs = self._state
            last = self._current()
            d.update(mean=mean.tolist(), weight=wt.tolist(), nobs=nobs.tolist(),
                     last=None if last is None else last.tolist())
        return d

    @classmethod
    def from_state_dict(cls, d) -> "EWMA":
        """Rebuild a streaming EWMA that continues exactly where ``d`` was taken.

        ``d`` is treated as untrusted (it may have been stored, edited or
        forged): every key, type, dtype, length and range is checked before
        any of it reaches the compiled kernel.

        Raises
        ------
        ValueError, TypeError
            Naming the key that is missing, unknown, of the wrong type, length
            or range, or inconsistent with the others.
        """
        fields = _check_state_dict(d)
        obj = cls(fields["beta"], init=fields["init"], bias_correction=fields["bias_correction"],
                  ignore_na=fields["ignore_na"], min_periods=fields["min_periods"])
        state = _check_stream_state(d, fields, obj._opts)
        obj.count = fields["count"]
        if state is not None:
            obj._shape, obj._dtype, obj._state = state
        return obj

    def __repr__(self) -> str:
        return f"EWMA(beta={self.beta!r}, count={self.count})"
