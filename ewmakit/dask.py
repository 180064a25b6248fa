r"""Exact EWMA statistics on dask Series and DataFrames (scale-out).

The EWMA is a recursion, so a partition cannot be smoothed on its own: its
first row needs the state that all the rows before it left. This module
computes that state for every partition exactly (*carry propagation*), then
smooths every partition from it with the same compiled kernel as
:func:`ewmakit.ewma`. The result equals the in-memory result (to rounding,
NaN for NaN) for every option and any partitioning, and keeps the dask index
and partitions. There is no overlap between partitions and no approximation.

.. math::

    v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

Three kinds of tasks in one lazy graph (an expression of dask-expr, like
``cumsum``); each partition is read once:

1. *Summaries* (one task per partition, in parallel). What a partition does
   to *any* incoming state is summarised by a few numbers per series: the
   state the kernel reaches on the partition from a fresh start, the number of
   observations, the first observation :math:`x_f`, and products of the decays
   the past receives (see below).
2. *Carries* (a chain of tiny tasks, one per partition): the summaries are
   composed in order, which gives the exact state entering each partition.
   With ``times`` the decay of a partition's first row depends on the time of
   the row before it, which is carried with the state.
3. *Smoothing* (one task per partition): the kernel runs on the partition
   from its incoming state.

A partition stays in memory from its read until its carry is known, that is
until the summaries of the partitions before it are done: with partitions
processed in order that is about one partition per worker thread.

The composition, for an incoming mean :math:`m` with weight :math:`w` (the
kernels' state) and a partition whose fresh run ends at :math:`m_p`:

* ``bias_correction=True`` (pandas ``adjust=True``): the state is a weighted
  set and a partition acts linearly on it. With :math:`D` the product of the
  decays the past receives across the partition and :math:`W_p` the
  partition's own total weight, :math:`w' = D w + W_p` and
  :math:`m' = (a m + b m_p)/(a + b)`, where :math:`a = D_\ell w` and
  :math:`b = W_\ell` are the same two weights at the partition's last
  observation (equal in ratio, but safe from decays of 0 after it).
* without it, the weights are renormalised at every observation. The past
  meets :math:`x_f` with weight :math:`o = D_f w` (the decays up to
  :math:`x_f`, which include the NaN gap) against :math:`1 - d_f`, giving the
  block mean :math:`m_B = (o m + (1 - d_f) x_f)/(o + 1 - d_f)`; from then on
  that block keeps a share :math:`s` of the total weight that depends on the
  partition alone, so :math:`m' = m_p + s\,(m_B - x_f)`.
* variance: the same weights, with the weighted mean, variance, Σw and Σw² of
  the two sets merged as in Chan et al.'s parallel algorithm.

The result is row-aligned with its input: ``ddf["ema"] = ewma(ddf, ...)``
adds a column without a shuffle, even with unknown divisions. Selecting
partitions of the result (``head``, ``tail``, ``.partitions[k]``) computes
only what those partitions need.

``by="ticker"`` does the same per group: each group is smoothed on its own
rows, in row order, with its own state carried from partition to partition,
so a long (date, ticker, value) panel can be spread over partitions in any way.

dask is imported only inside the functions that need it: ``import ewmakit``
and ``import ewmakit.dask`` work without dask installed. The ``.ewmakit``
accessor on dask collections is registered as soon as ``dask.dataframe`` is
imported (or right away if it already is).

References
----------
T. F. Chan, G. H. Golub, R. J. LeVeque, "Updating formulae and a pairwise
algorithm for computing sample variances", 1979.
"""

from __future__ import annotations

import dataclasses
import importlib.abc
import sys
import warnings

import numpy as np
import pandas as pd

from . import core

__all__ = ["ewma", "ewmvar", "ewmstd", "register_accessors"]

# Fields of the carried state, per statistic: those of the kernels' state.
_FIELDS = {"mean": ("mean", "wt", "nobs"), "var": ("mean", "cov", "wt", "wt2", "nobs")}
_SUMMARY = ("nobs", "first", "x_first", "d_pre", "d_all", "d_first", "d_last", "w_last", "share")


def _dask_dataframe():
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised in a subprocess without dask
        raise ImportError(
            "ewmakit.dask needs dask with its dataframe extra: pip install 'ewmakit[dask]'"
        ) from exc
    return dd


# --------------------------------------------------------------------------- plan


@dataclasses.dataclass(frozen=True)
class _Plan:
    """Everything a partition task needs, validated once on the client (small and picklable)."""

    stat: str  # "mean", "var" or "std"
    bias: bool
    opts: core.Options  # decay=None; per-partition decays come from ``times``
    halflife: object
    times: object  # None, "index" or a column label
    times_kind: str  # "M" (datetimes, int64 ns) or "f" (numbers); "" without times
    by: object  # None or a column label
    columns: tuple | None  # value columns (None: the Series itself)
    out_dtypes: tuple
    out_series: bool
    name: object

    @property
    def kind(self) -> str:
        return "mean" if self.stat == "mean" else "var"

    @property
    def timed(self) -> bool:
        return self.times is not None

    @property
    def width(self) -> int:
        return len(self.out_dtypes)


def _is_numeric(dtype) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


def _out_dtype(dtype) -> np.dtype:
    return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)


def _make_plan(obj, stat, by, columns, numeric_only, bias, kw) -> _Plan:
    dd = _dask_dataframe()
    if not isinstance(obj, (dd.Series, dd.DataFrame)):
        raise TypeError(
            f"obj must be a dask Series or DataFrame, got {type(obj).__name__}; "
            "for pandas objects and arrays use ewmakit.ewma or the .ewmakit accessor"
        )
    meta = obj._meta
    times = kw.pop("times")
    halflife = kw["halflife"]
    numeric_only = core._check_bool("numeric_only", numeric_only)
    bias = core._check_bool("bias", bias)
    frame = isinstance(obj, dd.DataFrame)
    if not frame and (by is not None or columns is not None):
        given = "by" if by is not None else "columns"
        raise TypeError(f"{given}= needs a dask DataFrame, got a dask Series")

    # times: "index" or a column label; its kind decides how the halflife is read
    times_kind = ""
    if times is not None:
        if isinstance(times, str) and times == "index":
            index = meta.index
            if not isinstance(index, pd.DatetimeIndex):
                raise TypeError(f"times='index' needs a DatetimeIndex, got {type(index).__name__}")
            times_kind = "M"
        elif frame and _is_label(times) and times in meta.columns:
            tdtype = meta[times].dtype
            if pd.api.types.is_datetime64_any_dtype(tdtype):
                times_kind = "M"
            elif pd.api.types.is_numeric_dtype(tdtype) and not pd.api.types.is_bool_dtype(tdtype):
                times_kind = "f"
            else:
                raise TypeError(f"times column {times!r} must hold datetimes or numbers, got dtype {tdtype}")
        else:
            where = "'index' or a column name" if frame else "'index' (a dask Series has no columns)"
            raise ValueError(f"times must be {where}, got {times!r}")
    empty_times = None
    if times_kind:
        empty_times = np.empty(0, dtype="datetime64[ns]" if times_kind == "M" else np.float64)
    opts = core.resolve_options(0, times=empty_times, **kw)
    opts = dataclasses.replace(opts, decay=None)

    if by is not None:
        if not _is_label(by) or by not in meta.columns:
            raise ValueError(f"by must be the name of a column, got {by!r}")
        if times is not None and times != "index" and by == times:
            raise ValueError(f"by and times must be different columns, got {by!r} for both")

    if not frame:
        if not _is_numeric(meta.dtype):
            raise TypeError(f"ewmakit.dask needs numeric data, got a Series of dtype {meta.dtype}")
        cols, dtypes, out_series, name = None, (_out_dtype(meta.dtype),), True, meta.name
    else:
        out_series = columns is not None and _is_label(columns)
        if columns is None:
            skip = {by, times} - {None}
            candidates = [c for c in meta.columns if c not in skip]
            bad = [c for c in candidates if not _is_numeric(meta[c].dtype)]
            if bad and not numeric_only:
                raise TypeError(f"non-numeric columns {bad!r}: drop them, pick columns=... or pass numeric_only=True")
            cols = [c for c in candidates if _is_numeric(meta[c].dtype)]
        else:
            cols = [columns] if out_series else list(columns)
            missing = [c for c in cols if c not in meta.columns]
            if missing:
                raise KeyError(f"columns {missing!r} are not in the DataFrame (columns: {list(meta.columns)!r})")
            bad = [c for c in cols if not _is_numeric(meta[c].dtype)]
            if bad:
                raise TypeError(f"columns {bad!r} are not numeric")
            if by is not None and by in cols:
                raise ValueError(f"the by column {by!r} cannot also be a value column")
        if not cols:
            raise ValueError("no numeric value columns to smooth")
        if len(set(cols)) != len(cols) or meta.columns.duplicated().any():
            raise ValueError("column labels must be unique")
        dtypes = tuple(_out_dtype(meta[c].dtype) for c in cols)
        cols, name = tuple(cols), (cols[0] if out_series else None)
    if not isinstance(opts.init, str):
        init = np.asarray(opts.init, dtype=np.float64)
        if init.size not in (1, len(dtypes)):
            raise ValueError(f"init must be a number or hold one value per column ({len(dtypes)}), "
                             f"got shape {init.shape}")
    return _Plan(stat=stat, bias=bias, opts=opts, halflife=halflife, times=times, times_kind=times_kind, by=by,
                 columns=cols, out_dtypes=dtypes, out_series=out_series, name=name)


def _is_label(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return not isinstance(value, (list, np.ndarray, pd.Index))


# --------------------------------------------------------------------------- one partition


def _values(part, plan: _Plan) -> np.ndarray:
    """The value columns of a pandas partition as a (T, C) float64 array (NaN for missing)."""
    if plan.columns is None or len(plan.columns) == 1:  # one column: a view of the data when it is float64
        one = part if plan.columns is None else part[plan.columns[0]]
        name = "the Series" if plan.columns is None else f"column {plan.columns[0]!r}"
        x = np.ascontiguousarray(core.as_float_array(one, name), dtype=np.float64)[:, None]
    else:
        x = np.empty((len(part), len(plan.columns)), dtype=np.float64)
        for j, c in enumerate(plan.columns):
            x[:, j] = core.as_float_array(part[c], f"column {c!r}")
    if x.size:
        k = core._kernels().first_nonfinite(x)
        if k >= 0:
            i, j = divmod(k, x.shape[1])
            col = "" if plan.columns is None else f" in column {plan.columns[j]!r}"
            raise ValueError(f"values must be finite or NaN (NaN marks a missing value), got {x[i, j]}{col} "
                             f"at index {part.index[i]!r}")
    return x


def _times(part, plan: _Plan):
    """Times of the rows: int64 nanoseconds (UTC) for datetimes, float64 for numbers."""
    if not plan.timed:
        return None
    raw = part.index if plan.times == "index" else part[plan.times]
    if plan.times_kind == "M":
        idx = pd.DatetimeIndex(raw)
        if idx.tz is not None:
            idx = idx.tz_convert("UTC").tz_localize(None)
        stamps = idx.to_numpy().astype("datetime64[ns]")
        bad = np.isnat(stamps)
        if bad.any():
            raise ValueError(f"times must not contain NaT, found one at index {part.index[int(np.argmax(bad))]!r}")
        return stamps.view(np.int64)
    t = np.asarray(raw, dtype=np.float64)
    bad = ~np.isfinite(t)
    if bad.any():
        raise ValueError(f"times must be finite, got {t[bad][0]} at index {part.index[int(np.argmax(bad))]!r}")
    return t


def _halflife_units(plan: _Plan) -> float:
    if plan.times_kind == "M":
        return core._halflife_ns(plan.halflife)
    return float(plan.halflife)


def _decays(t: np.ndarray, plan: _Plan, t_prev, number: int, key) -> np.ndarray:
    """Per-row decay 0.5 ** (Δt/halflife) of a segment, as :func:`ewmakit.core.time_decay` computes it.

    Row 0 gets 1.0 without ``t_prev`` (the first row overall), else the decay
    from ``t_prev``, the time of the row before the segment. ``number`` and
    ``key`` (the partition and the group) only go into error messages.
    """
    if t_prev is not None:
        t = np.concatenate([np.asarray([t_prev], dtype=t.dtype), t])
    dt = np.diff(t).astype(np.float64)
    if np.any(dt < 0):
        k = int(np.argmax(dt < 0))
        group = "" if plan.by is None else f" in group {key!r}"
        raise ValueError(f"times must be non-decreasing, got {_fmt_time(t[k + 1], plan)} "
                         f"after {_fmt_time(t[k], plan)} (partition {number}{group})")
    decay = np.empty(len(t), dtype=np.float64)
    if len(t):
        decay[0] = 1.0
        decay[1:] = core.decay_over(dt, _halflife_units(plan))
    return decay[1:] if t_prev is not None else decay


def _fmt_time(value, plan: _Plan):
    return pd.Timestamp(int(value)) if plan.times_kind == "M" else float(value)


def _segments(part, plan: _Plan, x: np.ndarray, t):
    """(key, rows, x, t) per series group; ``rows`` None means all rows (no ``by``)."""
    if plan.by is None:
        return [(0, None, x, t)]
    from . import _scan

    codes, uniques = pd.factorize(part[plan.by], sort=False)  # missing keys get -1 and are left out
    order, bounds = _scan.group_order(np.asarray(codes, dtype=np.int64), len(uniques))
    out = []
    for g in range(len(uniques)):
        rows = order[bounds[g]:bounds[g + 1]]
        out.append((uniques[g], rows, x[rows], None if t is None else t[rows]))
    return out


def _options(plan: _Plan, decay) -> core.Options:
    return plan.opts if decay is None else dataclasses.replace(plan.opts, decay=decay)


def _fresh_state(plan: _Plan, n: int):
    """Kernel state before any observation, started at the first one (init="first")."""
    nan = np.full(n, np.nan)
    if plan.kind == "mean":
        return nan, np.ones(n), np.zeros(n, dtype=np.int64)
    return nan, nan.copy(), np.zeros(n), np.ones(n), np.ones(n), np.ones(n), np.zeros(n, dtype=np.int64)


def _run(x: np.ndarray, plan: _Plan, opts: core.Options, state) -> np.ndarray:
    """The real kernel on ``x`` from ``state`` (updated in place), as :mod:`ewmakit.core` runs it."""
    if plan.kind == "mean":
        return core.run_mean(x, opts, state)
    out = np.empty(x.shape, dtype=np.float64)
    if x.size:
        decay, timed = core._decay_arg(opts)
        core._kernels().ewm_cov(x, x, out, opts.beta, decay, timed, opts.adjust, opts.ignore_na, opts.minp,
                                plan.bias, *state, True, plan.stat == "std")  # std: the kernel takes the root
    return out


_BLOCK = 1 << 16  # values per block when only the final state is wanted


def _run_state_only(x: np.ndarray, plan: _Plan, opts: core.Options, state) -> None:
    """Advance ``state`` over ``x`` with the real kernel, in blocks of rows: no output as big as ``x``.

    The kernels give the same state for any chunking (that is how they stream).
    """
    step = max(1, _BLOCK // max(1, x.shape[1]))
    for a in range(0, x.shape[0], step):
        b = min(a + step, x.shape[0])
        block_opts = opts if opts.decay is None else dataclasses.replace(opts, decay=opts.decay[a:b])
        _run(x[a:b], plan, block_opts, state)


def _state_fields(plan: _Plan, state) -> dict:
    """Kernel state tuple -> named fields (see ``_FIELDS``)."""
    if plan.kind == "mean":
        mean, wt, nobs = state
        return {"mean": mean, "wt": wt, "nobs": nobs}
    mean, _, cov, wt, wt2, _, nobs = state
    return {"mean": mean, "cov": cov, "wt": wt, "wt2": wt2, "nobs": nobs}


def _kernel_state(plan: _Plan, fields: dict):
    """Named fields -> a fresh kernel state tuple (new arrays)."""
    mean = np.array(fields["mean"], dtype=np.float64)
    wt = np.array(fields["wt"], dtype=np.float64)
    nobs = np.array(fields["nobs"], dtype=np.int64)
    if plan.kind == "mean":
        return mean, wt, nobs
    # the covariance kernel keeps sum_wt == old_wt: both are the total weight
    return mean, mean.copy(), np.array(fields["cov"], dtype=np.float64), wt, \
        np.array(fields["wt2"], dtype=np.float64), wt.copy(), nobs


def _summarise(part, plan: _Plan, number: int) -> dict | None:
    """Step 1: what partition ``number`` does to any incoming state (see the module docstring)."""
    from . import _scan

    if len(part) == 0:
        return None
    x = _values(part, plan)
    t = _times(part, plan)
    segs = _segments(part, plan, x, t)
    G, C = len(segs), x.shape[1]
    out = {name: np.empty((G, C), dtype=np.int64 if name in ("nobs", "first") else np.float64)
           for name in _SUMMARY}
    fresh = {name: np.empty((G, C), dtype=np.int64 if name == "nobs" else np.float64) for name in _FIELDS[plan.kind]}
    t_first = np.empty(G, dtype=t.dtype) if t is not None else None
    t_last = np.empty(G, dtype=t.dtype) if t is not None else None
    for g, (_, _, xs, ts) in enumerate(segs):
        xs = np.ascontiguousarray(xs)
        decay = None
        if ts is not None:
            decay = _decays(ts, plan, None, number, segs[g][0])
            t_first[g], t_last[g] = ts[0], ts[-1]
        opts = _options(plan, decay)
        row = [np.empty(C, dtype=out[name].dtype) for name in _SUMMARY]
        decay_arg, timed = core._decay_arg(opts)
        _scan.chunk_summary(xs, decay_arg, timed, opts.beta, opts.adjust, opts.ignore_na, *row)
        for name, value in zip(_SUMMARY, row):
            out[name][g] = value
        state = _fresh_state(plan, C)
        _run_state_only(xs, plan, opts, state)
        for name, value in _state_fields(plan, state).items():
            fresh[name][g] = value
    keys = pd.Index([s[0] for s in segs]) if plan.by is not None else None
    return {"keys": keys, "summary": out, "fresh": fresh, "t_first": t_first, "t_last": t_last}


def _smooth(part, carry: "_Carry", plan: _Plan, number: int):
    """Step 3: smooth partition ``number`` (pandas) from the state that reaches it."""
    x = _values(part, plan)
    t = _times(part, plan)
    if len(part) == 0:
        out = np.empty((0, x.shape[1]))
    else:
        segs = _segments(part, plan, x, t)
        out = np.full(x.shape, np.nan) if plan.by is not None else None
        keys = None if plan.by is None else pd.Index([sg[0] for sg in segs])
        fields, t_prev, has_prev = carry.lookup(keys, plan)
        if plan.timed:
            _check_order(np.array([sg[3][0] for sg in segs]), t_prev, has_prev, keys, number, plan)
        for g, (_, rows, xs, ts) in enumerate(segs):
            decay = None
            if ts is not None:
                decay = _decays(ts, plan, t_prev[g] if has_prev[g] else None, number, segs[g][0])
            state = _kernel_state(plan, {name: value[g] for name, value in fields.items()})
            res = _run(np.ascontiguousarray(xs), plan, _options(plan, decay), state)
            if rows is None:
                out = res
            else:
                out[rows] = res
    return _wrap(out, part.index, plan)


def _column(out: np.ndarray, j: int, plan: _Plan) -> np.ndarray:
    return out[:, j].astype(plan.out_dtypes[j], copy=False)  # float64 values (a std already rooted), then cast


def _wrap(out: np.ndarray, index, plan: _Plan):
    if plan.out_series:
        return pd.Series(_column(out, 0, plan), index=index, name=plan.name)
    return pd.DataFrame({c: _column(out, j, plan) for j, c in enumerate(plan.columns)},
                        index=index, columns=pd.Index(plan.columns))


# --------------------------------------------------------------------------- scan


def _weighted_mean(m, x, old_weight, new_weight):
    """(old·m + new·x)/(old + new), exactly ``m`` where x == m: the kernels' update, vectorised."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m == x, m, (old_weight * m + new_weight * x) / (old_weight + new_weight))


def _compose(s: dict, fresh: dict, z: dict, d0: np.ndarray, plan: _Plan) -> dict:
    """The state after a chunk with summary ``z``/``fresh``, from the incoming state ``s``.

    All arrays are (G, C); ``d0`` is the decay of the chunk's row 0 (G, 1).
    """
    adjust, ignore_na = plan.opts.adjust, plan.opts.ignore_na
    has = z["nobs"] > 0
    started = s["nobs"] > 0
    start_value = (s["nobs"] == 0) & ~np.isnan(s["mean"])  # init=<value>: a pseudo-observation of weight 1
    row0 = (z["first"] == 0) | (not ignore_na)  # does row 0 decay the past?
    d0_factor = np.where(row0, d0, 1.0)
    d_all = z["d_all"] * d0_factor
    d_pre = z["d_pre"] * d0_factor
    d_first = np.where(z["first"] == 0, d0, z["d_first"])
    out = {k: v.copy() for k, v in s.items()}

    # no observation in the chunk: a started state only decays
    quiet = ~has & started
    out["wt"] = np.where(quiet, s["wt"] * d_all, out["wt"])
    if plan.kind == "var":
        out["wt2"] = np.where(quiet, s["wt2"] * (d_all * d_all), out["wt2"])  # the kernel's order

    # nothing before the chunk: the chunk's own fresh run
    new = has & ~started & ~start_value
    for k in out:
        out[k] = np.where(new, fresh[k], out[k])

    cont = has & (started | start_value)
    if not cont.any():
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        if adjust:
            # merge two weighted sets, the past and the chunk, as they stand at the chunk's last
            # observation (weights W_in·D_last and W_last >= 1); later decays scale both alike
            a = s["wt"] * z["d_last"] * d0_factor
            b = z["w_last"]
            mean = _weighted_mean(s["mean"], fresh["mean"], a, b)
            res = {"mean": mean, "wt": s["wt"] * d_all + fresh["wt"]}
            if plan.kind == "var":
                delta = s["mean"] - fresh["mean"]
                tot = a + b
                res["cov"] = (a * s["cov"] + b * fresh["cov"]) / tot + a * b * (delta / tot) ** 2
                res["wt2"] = s["wt2"] * (d_all * d_all) + fresh["wt2"]
        else:
            # the past meets the chunk's first observation x_f: weights ow against nw, then renormalised
            ow = np.where(started, s["wt"] * d_pre, d_first)
            nw = 1.0 - d_first
            x_f = z["x_first"]
            m_block = _weighted_mean(s["mean"], x_f, ow, nw)
            # that block keeps a share of the total weight (1 at the last observation); the fresh run had
            # x_f alone in it: replace x_f by the block
            share = z["share"]
            delta = m_block - x_f
            res = {"mean": fresh["mean"] + share * delta, "wt": fresh["wt"].copy()}
            if plan.kind == "var":
                tot = ow + nw
                c_block = (ow * (s["cov"] + (s["mean"] - m_block) ** 2) + nw * (x_f - m_block) ** 2) / tot
                decayed_wt2 = np.where(started, s["wt2"] * (d_pre * d_pre), d_first * d_first)
                wt2_block = (decayed_wt2 + nw * nw) / (tot * tot)
                res["cov"] = fresh["cov"] + share * (c_block + (1.0 - share) * delta * delta
                                                     + 2.0 * delta * (x_f - fresh["mean"]))
                a_end = share * fresh["wt"]  # the block's weight at the end of the chunk
                res["wt2"] = fresh["wt2"] + a_end * a_end * (wt2_block - 1.0)
    res["nobs"] = s["nobs"] + z["nobs"]
    for k in out:
        out[k] = np.where(cont, res[k], out[k])
    return out


def _start_fields(plan: _Plan, G: int) -> dict:
    """The state of ``G`` groups before any row: the start value (init), weight 1, no observation."""
    C = plan.width
    start = core._init_column(plan.opts, C)
    fields = {"mean": np.tile(start, (G, 1)), "wt": np.ones((G, C)), "nobs": np.zeros((G, C), dtype=np.int64)}
    if plan.kind == "var":
        fields.update(cov=np.zeros((G, C)), wt2=np.ones((G, C)))
    return fields


@dataclasses.dataclass(frozen=True)
class _Carry:
    """The state after some partitions, for every group seen so far (one group without ``by``).

    ``fields`` hold the kernels' state, (groups, columns); ``t_last`` the time
    of each group's last row (int64 ns or float), valid where ``has_prev``.
    Never mutated: :func:`_advance` returns a new one.
    """

    keys: pd.Index | None
    fields: dict
    t_last: np.ndarray
    has_prev: np.ndarray

    @classmethod
    def start(cls, plan: _Plan) -> "_Carry":
        G = 1 if plan.by is None else 0
        t_dtype = np.int64 if plan.times_kind == "M" else np.float64
        keys = None if plan.by is None else pd.Index([])
        return cls(keys, _start_fields(plan, G), np.zeros(G, dtype=t_dtype), np.zeros(G, dtype=bool))

    def positions(self, keys) -> np.ndarray:
        """Rows of ``keys`` in this carry, -1 for groups not seen yet."""
        if self.keys is None:
            return np.zeros(1, dtype=np.int64)
        return self.keys.get_indexer(keys) if len(self.keys) else np.full(len(keys), -1, dtype=np.int64)

    def lookup(self, keys, plan: _Plan):
        """The incoming state of ``keys`` (groups not seen yet start fresh): fields, t_prev, has_prev."""
        pos = self.positions(keys)
        known = pos >= 0
        fields = _start_fields(plan, len(pos))
        for name, value in fields.items():
            value[known] = self.fields[name][pos[known]]
        t_prev = np.zeros(len(pos), dtype=self.t_last.dtype)
        t_prev[known] = self.t_last[pos[known]]
        has_prev = np.zeros(len(pos), dtype=bool)
        has_prev[known] = self.has_prev[pos[known]]
        return fields, t_prev, has_prev


def _check_order(t_first, t_prev, has_prev, keys, number: int, plan: _Plan) -> None:
    """Times go on where the previous partitions left them (per group with ``by``)."""
    behind = has_prev & (t_first < t_prev)
    if behind.any():
        g = int(np.argmax(behind))
        group = "" if plan.by is None else f" in group {keys[g]!r}"
        raise ValueError(
            f"times must be non-decreasing, but partition {number} starts at {_fmt_time(t_first[g], plan)}, "
            f"before the previous rows{group} end at {_fmt_time(t_prev[g], plan)}"
        )


def _advance(carry: _Carry, z: dict | None, plan: _Plan, number: int) -> _Carry:
    """Step 2: the carry after partition ``number``, whose summary is ``z`` (None if it is empty)."""
    if z is None:
        return carry
    s, t_prev, prev = carry.lookup(z["keys"], plan)
    if plan.timed:
        _check_order(z["t_first"], t_prev, prev, z["keys"], number, plan)
        with np.errstate(over="ignore"):
            dt = (z["t_first"] - t_prev).astype(np.float64)
            d0 = np.where(prev, core.decay_over(dt, _halflife_units(plan)), 1.0)[:, None]
    else:
        d0 = np.full((len(t_prev), 1), plan.opts.beta)
    new = _compose(s, z["fresh"], z["summary"], d0, plan)
    t_new = z["t_last"] if plan.timed else t_prev
    if plan.by is None:
        return _Carry(None, new, t_new, np.ones(1, dtype=bool))
    # groups seen before keep their place; new ones are appended
    pos = carry.positions(z["keys"])
    fresh_keys = pos < 0
    if not len(carry.keys):
        keys = z["keys"]  # (keeps the keys' dtype)
    else:
        keys = carry.keys.append(z["keys"][fresh_keys]) if fresh_keys.any() else carry.keys
    G = len(keys)
    pos = np.where(fresh_keys, len(carry.keys) + np.cumsum(fresh_keys) - 1, pos)
    fields = _start_fields(plan, G)
    for name, value in fields.items():
        value[:len(carry.keys)] = carry.fields[name]
        value[pos] = new[name]
    t_last = np.zeros(G, dtype=carry.t_last.dtype)
    t_last[:len(carry.keys)] = carry.t_last
    t_last[pos] = t_new
    has_prev = np.zeros(G, dtype=bool)
    has_prev[:len(carry.keys)] = carry.has_prev
    has_prev[pos] = True
    return _Carry(keys, fields, t_last, has_prev)


# --------------------------------------------------------------------------- driver


def _scan_expr_class():
    """The dask-expr expression of the scan (built on first use: importing dask here, not at import time).

    It subclasses dask-expr's ``CumulativeAggregations`` (as ``cumsum`` does) so that
    the optimizer treats it as what it is: row-aligned with its input (the result can
    be assigned as a column without a shuffle) but not blockwise (a selection of
    partitions is not pushed through it, which would change the carries).
    """
    import functools

    try:
        from dask._task_spec import DataNode, Task, TaskRef
        from dask.dataframe.dask_expr._cumulative import CumulativeAggregations
    except ImportError as exc:  # pragma: no cover - older or newer dask layouts
        import dask

        raise ImportError(
            f"ewmakit.dask needs dask >= 2025.1 (dask.dataframe built on dask-expr), got dask {dask.__version__}"
        ) from exc

    class _EwmScan(CumulativeAggregations):
        """Exact EW statistics of ``frame``: per-partition summaries, a carry chain, the smoothing."""

        _parameters = ["frame", "plan", "meta"]
        _defaults: dict = {}

        def _divisions(self):
            return self.frame._divisions()

        @functools.cached_property
        def _meta(self):
            return self.operand("meta")

        def _lower(self):
            return None  # this expression is its own graph (see _layer)

        def _simplify_up(self, parent, dependents):
            return None  # the plan fixes the columns read: no projection is pushed into the input

        def __str__(self):
            return f"ewmakit.dask.{self.plan.stat}"

        def _layer(self) -> dict:
            frame, plan = self.frame, self.plan
            summary, carry = f"{self._name}-summary", f"{self._name}-carry"
            dsk = {}
            for i in range(frame.npartitions):
                dsk[(summary, i)] = Task((summary, i), _summarise, TaskRef((frame._name, i)), plan, i)
                if i == 0:
                    dsk[(carry, 0)] = DataNode((carry, 0), _Carry.start(plan))
                else:
                    dsk[(carry, i)] = Task((carry, i), _advance, TaskRef((carry, i - 1)), TaskRef((summary, i - 1)),
                                           plan, i - 1)
                dsk[(self._name, i)] = Task((self._name, i), _smooth, TaskRef((frame._name, i)), TaskRef((carry, i)),
                                            plan, i)
            return dsk

    # pickled by reference (the scheduler unpickles and lowers expressions): ewmakit.dask._EwmScan,
    # which the module's __getattr__ rebuilds in a fresh process
    _EwmScan.__module__ = __name__
    _EwmScan.__qualname__ = _EwmScan.__name__ = "_EwmScan"
    return _EwmScan


def __getattr__(name):
    if name == "_EwmScan":
        cls = _scan_expr_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _scale_out(obj, stat, by, columns, numeric_only, bias, kw):
    dd = _dask_dataframe()
    from dask.dataframe.dask_expr import new_collection

    plan = _make_plan(obj, stat, by, columns, numeric_only, bias, kw)
    if isinstance(obj, dd.DataFrame):
        needed = list(plan.columns)
        for extra in (plan.by, plan.times if plan.times != "index" else None):
            if extra is not None and extra not in needed:
                needed.append(extra)
        obj = obj[needed]  # only these columns are read
    meta = _wrap(np.empty((0, plan.width)), obj._meta.index, plan)
    scan = sys.modules[__name__]._EwmScan  # built on first use
    return new_collection(scan(obj.expr, plan, meta))


_OPTIONS_DOC = """obj : dask.dataframe.Series or dask.dataframe.DataFrame
        Data, rows in time order (within each group with ``by``); NaN marks a
        missing value.
    beta, alpha, window, halflife, com : optional
        Exactly one decay specification, as for :func:`ewmakit.ewma`.
    by : column label, optional
        Smooth each group of this column separately, in row order (a long
        panel such as (date, ticker, value)). Rows with a missing key are NaN.
    columns : label or list of labels, optional
        The value columns (a DataFrame). A single label gives a Series, a list
        a DataFrame. Default: every numeric column but ``by`` and ``times``.
    init, bias_correction, ignore_na, min_periods :
        As for :func:`ewmakit.ewma` (pandas' semantics). ``init`` is a number
        or one number per value column.
    times : "index" or a column label, optional
        The time of each row (datetimes or numbers, non-decreasing, within each
        group with ``by``); needs ``halflife``.
    numeric_only : bool, default False
        With ``columns=None``, leave non-numeric columns out instead of raising."""


def _fill_doc(func):
    func.__doc__ = func.__doc__.replace("{options}", _OPTIONS_DOC)
    return func


@_fill_doc
def ewma(obj, beta=None, *, by=None, columns=None, alpha=None, window=None, halflife=None, com=None, init="first",
         bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False):
    r"""Exponentially weighted moving average of a dask Series or DataFrame, exact across partitions.

    .. math::

        v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

    The same result as :func:`ewmakit.ewma` on the whole data in memory (to
    rounding, NaN for NaN), by carry propagation between partitions (see the
    module docstring).

    Parameters
    ----------
    {options}

    Returns
    -------
    dask.dataframe.Series or dask.dataframe.DataFrame
        Lazy; the input's index and partitions (divisions) are kept. float32
        columns stay float32, everything else is float64.

    Raises
    ------
    ValueError
        For bad options (as :func:`ewmakit.ewma`), at once; for ±inf in the
        data or times that go backwards, when the result is computed.
    TypeError
        For non-numeric value columns or an object that is not a dask collection.
    ImportError
        Without dask >= 2025.1 installed (``pip install 'ewmakit[dask]'``).

    Notes
    -----
    Lazy: nothing is read until the result is computed, and then each
    partition is read once. Errors in the data (±inf, times going backwards)
    surface at that point.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import ewmakit.dask
    >>> s = pd.Series([1.0, 2.0, 3.0, 4.0], name="x")
    >>> ds = dd.from_pandas(s, npartitions=2)
    >>> ewmakit.dask.ewma(ds, 0.5).compute()
    0    1.000
    1    1.500
    2    2.250
    3    3.125
    Name: x, dtype: float64

    A long panel, one EWMA per ticker:

    >>> panel = pd.DataFrame({"ticker": ["A", "B", "A", "B"], "price": [1.0, 10.0, 3.0, 30.0]})
    >>> dp = dd.from_pandas(panel, npartitions=2)
    >>> ewmakit.dask.ewma(dp, 0.5, by="ticker", columns="price").compute()
    0     1.0
    1    10.0
    2     2.0
    3    20.0
    Name: price, dtype: float64
    """
    kw = dict(beta=beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
              bias_correction=bias_correction, ignore_na=ignore_na, times=times, min_periods=min_periods)
    return _scale_out(obj, "mean", by, columns, numeric_only, False, kw)


@_fill_doc
def ewmvar(obj, beta=None, *, by=None, columns=None, alpha=None, window=None, halflife=None, com=None,
           init="first", bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
           bias=False):
    r"""Exponentially weighted moving variance of a dask Series or DataFrame, exact across partitions.

    .. math::

        \sigma^2_t = \frac{\sum_k w_k (x_k - \bar x_t)^2}{\sum_k w_k}
        \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

    The same result as :func:`ewmakit.ewmvar` in memory; the carried state is
    the weighted mean, variance, Σw and Σw² of the past.

    Parameters
    ----------
    {options}
    bias : bool, default False
        If True, without pandas' debiasing factor.

    Returns
    -------
    dask.dataframe.Series or dask.dataframe.DataFrame
        Lazy, with the input's index and partitions.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import ewmakit.dask
    >>> ds = dd.from_pandas(pd.Series([1.0, 5.0, 2.0, 8.0]), npartitions=3)
    >>> ewmakit.dask.ewmvar(ds, 0.7).compute().round(4).tolist()
    [nan, 8.0, 3.7718, 12.198]
    """
    kw = dict(beta=beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
              bias_correction=bias_correction, ignore_na=ignore_na, times=times, min_periods=min_periods)
    return _scale_out(obj, "var", by, columns, numeric_only, bias, kw)


@_fill_doc
def ewmstd(obj, beta=None, *, by=None, columns=None, alpha=None, window=None, halflife=None, com=None,
           init="first", bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
           bias=False):
    r"""Exponentially weighted moving standard deviation, the square root of :func:`ewmvar`.

    .. math::

        \sigma_t = \sqrt{\operatorname{ewmvar}(x)_t}

    Parameters
    ----------
    {options}
    bias : bool, default False
        If True, without pandas' debiasing factor.

    Returns
    -------
    dask.dataframe.Series or dask.dataframe.DataFrame
        Lazy, with the input's index and partitions.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import ewmakit.dask
    >>> ds = dd.from_pandas(pd.Series([1.0, 5.0, 2.0, 8.0]), npartitions=2)
    >>> ewmakit.dask.ewmstd(ds, 0.7).compute().round(4).tolist()
    [nan, 2.8284, 1.9421, 3.4926]
    """
    kw = dict(beta=beta, alpha=alpha, window=window, halflife=halflife, com=com, init=init,
              bias_correction=bias_correction, ignore_na=ignore_na, times=times, min_periods=min_periods)
    return _scale_out(obj, "std", by, columns, numeric_only, bias, kw)


# --------------------------------------------------------------------------- accessor


class DaskAccessor:
    """``ddf.ewmakit`` on dask Series and DataFrames: exact EWMA statistics across partitions.

    Thin: each method is the function of the same meaning in :mod:`ewmakit.dask`
    (``smooth`` is :func:`ewma`). ``times="index"`` uses the DatetimeIndex.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import ewmakit.dask
    >>> ddf = dd.from_pandas(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3, 3, 0]}), npartitions=2)
    >>> ddf.ewmakit.smooth(0.5).compute()
          a     b
    0  1.00  3.00
    1  1.50  3.00
    2  2.25  1.50
    """

    def __init__(self, obj):
        self._obj = obj

    def smooth(self, beta=None, *, by=None, columns=None, alpha=None, window=None, halflife=None, com=None,
               init="first", bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False):
        """EWMA, exact across partitions (see :func:`ewmakit.dask.ewma`)."""
        return ewma(self._obj, beta, by=by, columns=columns, alpha=alpha, window=window, halflife=halflife, com=com,
                    init=init, bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                    min_periods=min_periods, numeric_only=numeric_only)

    def var(self, beta=None, *, by=None, columns=None, alpha=None, window=None, halflife=None, com=None,
            init="first", bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
            bias=False):
        """EW variance, exact across partitions (see :func:`ewmakit.dask.ewmvar`)."""
        return ewmvar(self._obj, beta, by=by, columns=columns, alpha=alpha, window=window, halflife=halflife,
                      com=com, init=init, bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                      min_periods=min_periods, numeric_only=numeric_only, bias=bias)

    def std(self, beta=None, *, by=None, columns=None, alpha=None, window=None, halflife=None, com=None,
            init="first", bias_correction=False, ignore_na=False, times=None, min_periods=0, numeric_only=False,
            bias=False):
        """EW standard deviation, exact across partitions (see :func:`ewmakit.dask.ewmstd`)."""
        return ewmstd(self._obj, beta, by=by, columns=columns, alpha=alpha, window=window, halflife=halflife,
                      com=com, init=init, bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                      min_periods=min_periods, numeric_only=numeric_only, bias=bias)


def register_accessors() -> None:
    """Register ``.ewmakit`` on dask Series and DataFrames (imports dask; idempotent).

    Done automatically as soon as ``dask.dataframe`` is imported in a process
    where ``ewmakit.dask`` is imported (see :func:`_register_when_dask_loads`).
    """
    dd = _dask_dataframe()
    from dask.dataframe.extensions import register_dataframe_accessor, register_series_accessor

    for cls, register in ((dd.Series, register_series_accessor), (dd.DataFrame, register_dataframe_accessor)):
        current = cls.__dict__.get("ewmakit")
        if getattr(current, "_accessor", None) is DaskAccessor:
            continue
        register("ewmakit")(DaskAccessor)


class _RegisteringLoader(importlib.abc.Loader):
    """Runs the real loader of ``dask.dataframe``, then registers the accessors."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        # the module keeps its real loader; we only run something after it
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        _DaskHook.uninstall()
        try:
            register_accessors()
        except Exception as exc:  # never break ``import dask.dataframe`` because of us
            warnings.warn(f"ewmakit could not register its dask accessor: {exc}", RuntimeWarning, stacklevel=2)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _DaskHook(importlib.abc.MetaPathFinder):
    """Watches for ``import dask.dataframe`` (a post-import hook; it never imports dask itself)."""

    _target = "dask.dataframe"

    def find_spec(self, fullname, path, target=None):
        if fullname != self._target:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _RegisteringLoader(spec.loader)
                return spec
        return None

    @classmethod
    def uninstall(cls) -> None:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, cls)]


def _register_when_dask_loads() -> None:
    """Register the dask accessor now if dask.dataframe is imported, else as soon as it is.

    Called when ``ewmakit.dask`` is imported; ``import ewmakit`` imports this
    module, so ``ddf.ewmakit`` works whatever the order of the imports, while
    ``import ewmakit`` itself never imports dask.
    """
    if "dask.dataframe" in sys.modules:
        try:
            register_accessors()
        except Exception as exc:  # a broken dask install must not break ``import ewmakit``
            warnings.warn(f"ewmakit could not register its dask accessor: {exc}", RuntimeWarning, stacklevel=2)
    elif not any(isinstance(f, _DaskHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _DaskHook())


def _skip_examples_without_dask() -> None:
    """Without dask the examples cannot run: mark them skipped (doctests report a skip, not a failure)."""
    import importlib.util
    import re

    try:
        if importlib.util.find_spec("dask") is not None:  # finds, does not import
            return
    except (ImportError, ValueError):
        pass
    for obj in (sys.modules[__name__], ewma, ewmvar, ewmstd, DaskAccessor):
        if obj.__doc__:
            obj.__doc__ = re.sub(r"^(\s*>>> .*)$", r"\1  # doctest: +SKIP", obj.__doc__, flags=re.M)


_skip_examples_without_dask()
_register_when_dask_loads()
