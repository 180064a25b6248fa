"""The runners: a 2-D ``(time, series)`` float array, the options and a state in; the kernel's result out.

They pick the kernel path (one long series, a row-major panel, a column-major
panel; threads) from :mod:`ewmakit._engine.config`, check every array a kernel
will touch, and turn the kernels' ±inf counts into the error that names the
first bad position of the caller's array.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import ModuleType
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .config import config, threads
from .state import CovState, MeanState, Options, start_values

__all__ = ["run_mean", "run_cov", "run_mean_groups", "run_cov_groups", "group_decays", "check_finite", "first_nonfinite", "row_major", "decay_over", "stamp_decays",
           "steady_weight", "steady_cov", "group_order", "check_out", "text_codes"]

_NAT = np.iinfo(np.int64).min
_NO_STAMPS = np.zeros(0, dtype=np.int64)
_NO_DECAY = np.ones(1)

#: (array, name) pairs: where a kernel's ±inf count is traced back to, named as the caller knows them
Sources: TypeAlias = Sequence[tuple[np.ndarray, str]]


def _kernels() -> tuple[ModuleType, ModuleType, ModuleType]:
    from . import _cov, _mean, _util

    return _mean, _cov, _util


def _grouped() -> ModuleType:
    from . import _groups

    return _groups


# --------------------------------------------------------------------------- checks


def first_nonfinite(arr: np.ndarray) -> int:
    """Flat index (in C order) of the first ±inf of ``arr``, or -1."""
    if arr.size == 0:
        return -1
    flat = np.ascontiguousarray(arr).reshape(-1)
    if flat.dtype not in (np.float32, np.float64):
        flat = flat.astype(np.float64)
    return int(_kernels()[2].first_nonfinite(flat))


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise the ValueError naming the first ±inf of ``arr`` (its position in ``arr``'s own shape), if any."""
    if arr.size == 0:
        return
    # a column-major panel (a DataFrame's block) is scanned as it lies; the first ±inf in row order is then found
    flat = arr.T if arr.ndim == 2 and arr.flags.f_contiguous and not arr.flags.c_contiguous else arr
    k = first_nonfinite(flat)
    if k >= 0 and flat is not arr:
        k = int(np.flatnonzero(np.isinf(arr).ravel())[0])
    if k >= 0:
        pos = np.unravel_index(k, arr.shape)
        where = pos[0] if arr.ndim == 1 else tuple(int(p) for p in pos)
        raise ValueError(
            f"{name} must be finite or NaN (NaN marks a missing value), got {arr.flat[k]} at position {where}"
        )


def _check_sources(sources: Sources) -> None:
    """A kernel met ±inf (or a result overflowed): raise the error of the first source that holds a ±inf.

    An overflow alone (no ±inf in the data) is not an error: the result shows it.
    """
    for arr, name in sources:
        check_finite(arr, name)


def check_out(out: object, shape: tuple[int, ...], dtype: DTypeLike, *, inputs: Sequence[object] = ()) -> np.ndarray:
    """``out`` if it can take a result of ``shape`` and ``dtype``: else the ValueError/TypeError naming ``out``.

    It must be an ndarray of exactly that shape and dtype, writeable, C- or
    F-contiguous, and share no memory with any of ``inputs`` (the kernels read
    each input row after writing earlier rows of the result).
    """
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != np.dtype(dtype):
        raise TypeError(f"out must have dtype {np.dtype(dtype)} (the result's), got {out.dtype}")
    if out.shape != tuple(shape):
        raise ValueError(f"out must have shape {tuple(shape)} (the result's), got {out.shape}")
    if not out.flags.writeable:
        raise ValueError("out must be writeable, got a read-only array")
    if not (out.flags.c_contiguous or out.flags.f_contiguous):
        raise ValueError("out must be C- or F-contiguous, got a strided view")
    for arr in inputs:
        if isinstance(arr, np.ndarray) and np.shares_memory(out, arr):
            raise ValueError("out must not overlap the input (write the result into a separate array)")
    return out


# --------------------------------------------------------------------------- layout and decays


def row_major(a: np.ndarray) -> np.ndarray:
    """``a`` (2-D) C-contiguous: itself, or a column-major panel (a DataFrame's block) transposed in parallel."""
    if a.flags.c_contiguous:
        return a
    if a.flags.f_contiguous and a.dtype in (np.float32, np.float64):
        out = np.empty(a.shape, dtype=a.dtype)
        parts = threads() if a.size >= config.transpose_parallel_values else 1
        _kernels()[2].transpose_into(a.T, out, parts)
        return out
    return np.ascontiguousarray(a)


def decay_over(dt: ArrayLike, halflife: float) -> np.ndarray:
    """0.5 ** (dt / halflife), the decay over time steps ``dt``: the one formula every timed path uses.

    Computed as exp2(−dt/halflife), twice as fast as a general power and bit
    for bit what the stamp kernels give.
    """
    dt = np.ascontiguousarray(dt, dtype=np.float64)
    out = np.empty(dt.shape)
    _kernels()[2].decays(dt.reshape(-1), -1.0 / halflife, out.reshape(-1))
    return out


def stamp_decays(stamps: tuple[np.ndarray, int, float]) -> np.ndarray:
    """The decays of ``(int64 stamps, ns per unit, -1/halflife in ns)``, checking order and NaTs."""
    values = np.ascontiguousarray(stamps[0], dtype=np.int64)
    n = values.size
    decay = np.empty(n, dtype=np.float64)
    parts = threads() if n >= config.stamps_parallel_rows else 1
    where, code = _kernels()[2].stamp_decays(values, int(stamps[1]), float(stamps[2]), decay, parts)
    if code == 1:
        raise ValueError(f"times must not contain NaT, found one at position {where}")
    if code == 2:
        raise ValueError(f"times must be non-decreasing, but row {where} comes before row {where - 1}")
    return decay


@functools.lru_cache(maxsize=256)
def steady_weight(beta: float, adjust: bool) -> float:
    """The weight of the past a clean series settles at (bit for bit), NaN if it does not: remembered."""
    return float(_kernels()[0].steady_weight(beta, adjust))


@functools.lru_cache(maxsize=256)
def steady_cov(beta: float, adjust: bool) -> tuple[float, float, float]:
    """The weights (Σw, Σw², past weight) a clean pair settles at (bit for bit), NaNs if not: remembered."""
    sum_wt, sum_wt2, old_wt = (float(v) for v in _kernels()[1].steady_cov(beta, adjust))
    return sum_wt, sum_wt2, old_wt


def group_order(codes: ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of each of ``n`` groups in row order (stable): ``(order, bounds)``, group g owns
    ``order[bounds[g]:bounds[g + 1]]``; code -1 (a missing key) is left out."""
    return _kernels()[2].group_order(np.ascontiguousarray(codes, dtype=np.int64), int(n))


def _decay_arg(opts: Options) -> tuple[np.ndarray, bool]:
    if opts.decay is not None:
        decay = np.ascontiguousarray(opts.decay, dtype=np.float64)
        return decay, True
    if opts.stamps is not None:  # built (and checked) now
        return stamp_decays(opts.stamps), True
    return _NO_DECAY, False


def _first_rows(first_row: ArrayLike | None, n: int) -> np.ndarray:
    if first_row is None:
        return np.zeros(n, dtype=np.int64)
    first_row = np.ascontiguousarray(first_row, dtype=np.int64)
    if first_row.shape != (n,):
        raise ValueError(f"kernel state first_row must hold one row per series ({n}), got shape {first_row.shape}")
    return first_row


def _decays_for(decay: np.ndarray, timed: bool, n_rows: int) -> None:
    if timed and decay.shape != (n_rows,):
        raise ValueError(f"the decays must hold one value per row ({n_rows}), got shape {decay.shape}")


# --------------------------------------------------------------------------- the runners


def run_mean(x2: np.ndarray, opts: Options, state: MeanState | None = None, *, first_row: ArrayLike | None = None,
             out: np.ndarray | None = None, sources: Sources | None = None) -> np.ndarray:
    """EWMA of the columns of a 2-D ``(T, N)`` float32/float64 array; ``state`` (if given) updated in place.

    ``first_row[j]``: rows of column ``j`` before it are skipped (NaN out,
    state untouched); default none. ``out``: a preallocated result (see
    :func:`check_out`), written and returned. The kernel counts ±inf on its
    way; if it met any, the ValueError names the first position in the first
    of ``sources`` (``(array, name)`` pairs; default ``x2`` as "x") that holds
    one, and ``state`` must be considered spoiled.
    """
    T, N = x2.shape
    sources = ((x2, "x"),) if sources is None else sources
    column_major = N > 1 and x2.flags.f_contiguous and not x2.flags.c_contiguous
    if not (column_major or x2.flags.c_contiguous):
        x2 = np.ascontiguousarray(x2)
    if out is None:
        out = np.empty(x2.shape, dtype=x2.dtype, order="F" if column_major else "C")  # the input's layout
        result = out
    else:
        result = out
        if (out.flags.f_contiguous and not out.flags.c_contiguous) != column_major and N > 1:
            out = np.empty(x2.shape, dtype=x2.dtype, order="F" if column_major else "C")  # written, then copied
    state = MeanState.fresh(N, start_values(opts, N)) if state is None else MeanState(*state).checked(N)
    first_row = _first_rows(first_row, N)
    if x2.size == 0:
        return result
    k_mean = _kernels()[0]
    one_long = config.is_long(T - int(first_row[0]), N) if N == 1 else False
    if opts.stamps is not None and one_long and first_row[0] == 0 and opts.stamps[0].size and \
            opts.stamps[0][0] != _NAT:
        # decays computed on the way from the stamps; a step back in time or a NaT: build them, which raises
        stamps = np.ascontiguousarray(opts.stamps[0], dtype=np.int64)
        bad, bad_stamps = k_mean.mean_long(x2, out, 0.0, _NO_DECAY, True, opts.adjust, opts.ignore_na, opts.minp,
                                           *state, first_row, 1.0, threads(), stamps, int(opts.stamps[1]),
                                           float(opts.stamps[2]))
        if bad_stamps:
            stamp_decays(opts.stamps)
        if bad:
            _check_sources(sources)
    else:
        decay, timed = _decay_arg(opts)
        _decays_for(decay, timed, T)
        args = (opts.beta, decay, timed, opts.adjust, opts.ignore_na, opts.minp, *state, first_row)
        w_star = 1.0 if timed else steady_weight(opts.beta, opts.adjust)  # unused on the timed paths
        if column_major:  # each series contiguous (a DataFrame's block): series side by side, same result
            ninf = k_mean.mean_series(x2.T, out.T, *args, w_star, config.series_parts(x2.size))
        elif one_long:  # one long series: blocks side by side, same result
            ninf, _ = k_mean.mean_long(x2, out, *args, w_star, threads(), _NO_STAMPS, 1, 0.0)
        else:  # wide panels: one column range per core, same result
            ninf = k_mean.mean_rows(x2, out, *args, w_star, config.panel_parts(N, x2.size))
        if ninf:
            _check_sources(sources)
    if out is not result:
        np.copyto(result, out)
    return result


def run_cov(x2: np.ndarray, y2: np.ndarray, opts: Options, *, bias: bool, root: bool = False,
            state: CovState | None = None, out: np.ndarray | None = None, sources: Sources = ()) -> np.ndarray:
    """EW covariance of the columns of two 2-D arrays (``x2 is y2``: a variance; ``root``: its square root).

    ``state`` (if given) is updated in place. ``sources``: (array, name) pairs
    the caller did not check for ±inf. A ±inf leaves a mean or the co-moment
    of its series at ±inf or NaN for good, so they are searched (and the error
    raised) only when the final state shows one.
    """
    same = x2 is y2
    dtype = np.result_type(x2.dtype, y2.dtype)
    x2 = np.ascontiguousarray(row_major(x2), dtype=dtype)  # the kernels widen to float64: casting changes nothing
    y2 = x2 if same else np.ascontiguousarray(row_major(y2), dtype=dtype)
    if y2.shape != x2.shape:
        raise ValueError(f"x and y must have the same shape, got {x2.shape} and {y2.shape}")
    T, N = x2.shape
    result = out if out is not None else np.empty(x2.shape, dtype=dtype)
    target = result if result.flags.c_contiguous else np.empty(x2.shape, dtype=dtype)
    state = CovState.fresh(N, start_values(opts, N)) if state is None else CovState(*state).checked(N)
    if x2.size == 0:
        return result
    decay, timed = _decay_arg(opts)
    _decays_for(decay, timed, T)
    k_cov = _kernels()[1]
    args = (x2, y2, target, opts.beta, decay, timed, opts.adjust, opts.ignore_na, opts.minp, bias, *state, same, root)
    if config.is_long(T, N):
        k_cov.cov_long(*args, threads())  # one long series: a block per thread, same result
    else:
        k_cov.cov_rows(*args, config.panel_parts(N, x2.size))  # wide panels: column ranges in parallel
    started = state.nobs > 0
    if sources and not all(np.isfinite(a[started]).all() for a in state[:3]):
        _check_sources(sources)
    if target is not result:
        np.copyto(result, target)
    return result


# --------------------------------------------------------------------------- groups (a long table's keys)


def _group_result(x2: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None:
        return np.empty(x2.shape, dtype=x2.dtype)
    return out


_CODE_TYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64))


def group_codes(codes: ArrayLike, T: int) -> np.ndarray:
    """``codes`` as the grouped kernels read them: one signed integer per row, C-contiguous; int8 to int64 kept
    as they are (a categorical's codes are not widened), any other dtype as int64."""
    codes = np.asarray(codes)
    codes = np.ascontiguousarray(codes, dtype=codes.dtype if codes.dtype in _CODE_TYPES else np.int64)
    if codes.shape != (T,):
        raise ValueError(f"codes must hold one group per row ({T}), got shape {codes.shape}")
    return codes


def run_mean_groups(x2: np.ndarray, codes: np.ndarray, groups: int, opts: Options, *, out: np.ndarray | None = None,
                    sources: Sources | None = None) -> np.ndarray:
    """EWMA of each group's rows of the columns of ``x2`` (T, C): row ``i`` belongs to group ``codes[i]``.

    ``codes``: signed integers, -1 for a missing key (its row is NaN); ``groups``: the
    number of groups. Each group is smoothed on its own rows in row order from
    a fresh state, bit for bit as :func:`run_mean` on those rows alone, in one
    pass over the table. ``opts.decay`` (with times) holds each row's decay
    from the previous row of its group (:func:`group_decays`). ``out``: a
    preallocated result of ``x2``'s shape and dtype (any layout).
    """
    T, C = x2.shape
    codes = group_codes(codes, T)
    state = MeanState.fresh(groups * C, np.tile(start_values(opts, C), groups))
    result = _group_result(x2, out)
    decay, timed = _decay_arg(opts)
    _decays_for(decay, timed, T)
    w_star = 1.0 if timed else steady_weight(opts.beta, opts.adjust)
    ninf = _grouped().mean_groups(x2, result, codes, int(groups), opts.beta, decay, timed, opts.adjust,
                                  opts.ignore_na, opts.minp, *state, w_star)
    if ninf:
        _check_sources(((x2, "x"),) if sources is None else sources)
    return result


def run_cov_groups(x2: np.ndarray, y2: np.ndarray, codes: np.ndarray, groups: int, opts: Options, *, bias: bool,
                   root: bool = False, out: np.ndarray | None = None, sources: Sources | None = None) -> np.ndarray:
    """EW covariance of each group's rows of the columns of ``x2`` and ``y2`` (``x2 is y2``: a variance).

    As :func:`run_mean_groups`; ``bias`` and ``root`` as in :func:`run_cov`.
    """
    same = x2 is y2
    dtype = np.result_type(x2.dtype, y2.dtype)
    if x2.dtype != dtype:
        x2 = x2.astype(dtype)
    y2 = x2 if same else (y2 if y2.dtype == dtype else y2.astype(dtype))
    if y2.shape != x2.shape:
        raise ValueError(f"x and y must have the same shape, got {x2.shape} and {y2.shape}")
    T, C = x2.shape
    codes = group_codes(codes, T)
    state = CovState.fresh(groups * C, np.tile(start_values(opts, C), groups))
    result = _group_result(x2, out)
    decay, timed = _decay_arg(opts)
    _decays_for(decay, timed, T)
    steady = (np.nan, np.nan, np.nan) if timed else steady_cov(opts.beta, opts.adjust)
    ninf = _grouped().cov_groups(x2, y2, result, codes, int(groups), opts.beta, decay, timed, opts.adjust,
                                 opts.ignore_na, opts.minp, bias, *state, same, root, *steady)
    if ninf:
        _check_sources(((x2, "x"),) + (() if same else ((y2, "y"),)) if sources is None else sources)
    return result


def text_codes(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """Group codes of a pyarrow string or large-string array, in the order the strings first appear.

    One compiled pass (hashing each string, a table of the distinct ones), for
    text keys: ``(codes, first)``, int32 codes (-1 for a null) and the row where
    each code first appears. A ChunkedArray is combined into one array first.
    """
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        raise TypeError(f"text_codes reads Arrow string or large_string arrays, got {arr.type}")
    valid, offsets, data = arr.buffers()[:3]
    width = np.int32 if pa.types.is_string(arr.type) else np.int64
    offsets = np.frombuffer(offsets, dtype=width) if offsets is not None else np.zeros(1, dtype=width)
    data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, dtype=np.uint8)
    valid = np.frombuffer(valid, dtype=np.uint8) if valid is not None else np.zeros(1, dtype=np.uint8)
    return _grouped().text_codes(valid, arr.null_count > 0, offsets, data, arr.offset, len(arr))


def group_decays(times: np.ndarray, codes: np.ndarray, groups: int, *, unit_ns: int = 0,
                 neg_scale: float) -> tuple[np.ndarray, int, int]:
    """Each row's decay from the previous row of its group: ``(decays, row, problem)``.

    ``times``: int64 stamps (``unit_ns`` nanoseconds per unit; NaT allowed,
    reported) or finite float64 times (``unit_ns=0``); ``neg_scale`` −1 over
    the half-life (in ns for stamps). ``problem``: 0, 1 (a NaT at ``row``) or
    2 (``row`` comes before the previous row of its group). The decays are bit
    for bit those of each group's times on their own (:func:`stamp_decays`,
    :func:`decay_over`).
    """
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    out = np.empty(codes.shape[0])
    if unit_ns:
        row, problem = _grouped().group_stamp_decays(np.ascontiguousarray(times, dtype=np.int64), codes,
                                                     int(groups), int(unit_ns), float(neg_scale), out)
    else:
        row, problem = _grouped().group_time_decays(np.ascontiguousarray(times, dtype=np.float64), codes,
                                                    int(groups), float(neg_scale), out)
    return out, int(row), int(problem)
