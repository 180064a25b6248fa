r"""Exact EWMA statistics on dask Series and DataFrames (scale-out).

The EWMA is a recursion, so a partition cannot be smoothed on its own: its
first row needs the state that all the rows before it left. This module
computes that state for every partition exactly (*carry propagation*), then
smooths every partition from it with the engine that runs :func:`ewmakit.ewma`.
The result is bit for bit the in-memory result (:func:`ewmakit.ewma`,
:func:`ewmakit.ewmvar`, :func:`ewmakit.ewmstd` on the concatenated data, per
group with ``by``), for every option and any partitioning, and keeps the dask
index and partitions. There is no overlap between partitions and no
approximation.

.. math::

    v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

Three kinds of tasks in one lazy graph (an expression of dask-expr, like
``cumsum``); each partition is read once:

1. *Summaries* (one task per partition, in parallel): each series of the
   partition is walked from a *guessed* incoming state (its first value at
   the weight a clean series settles at; :func:`ewmakit._engine.guess_run`),
   which records where that walk starts and ends. With ``times`` the decay of
   the partition's first row is not known yet (it needs the time of the row
   before): the guessed walk gives it 1.
2. *Carries* (a chain of small tasks, one per partition): from the true state
   entering a partition, the walk is done again
   (:func:`ewmakit._engine.continue_run`) beside the guessed one until the
   two states agree, bit for bit; from that row on they are the same walk,
   so the state after the partition is the guessed walk's end. The true walk
   is short (until what differs, the past, has faded below the last bit),
   and never wrong: without agreement it walks the whole partition. With
   ``times``, the time of each series' last row is carried with the state and
   gives the true decay of the next partition's first row.
3. *Smoothing* (one task per partition): the engine runs on the partition
   from its incoming state, exactly as it runs in memory.

Every step is the engine's own update rule on the same numbers in the same
order as one walk over all the data, hence the bit-for-bit equality.

A partition stays in memory from its read until it is smoothed and the
chain has walked past it (the carry reads the partition again rather than
keeping a copy of its values in the summary): with partitions processed in
order that is about one partition per worker thread. The chain's work per
partition is the true walk until it meets the guessed one (about
log(2**-53)/log(β) rows: hundreds for β = 0.94, tens of thousands for
β = 0.999) plus, with several value columns, ``by`` or ``times``, reading the
partition's values, groups and decays again.

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
"""

from __future__ import annotations

import dataclasses
import importlib.abc
import sys
import warnings
from collections.abc import Callable, Hashable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import numpy as np
import pandas as pd

from . import _engine as engine
from ._checks import check_bool
from ._inputs import as_float_array
from ._typing import Halflife, Init, Label, Labels
from .core import halflife_ns, resolve_options

if TYPE_CHECKING:
    import dask.dataframe as dd

_F = TypeVar("_F", bound=Callable[..., Any])
_State = engine.MeanState | engine.CovState  # each field (groups, columns), or a view of one group's row
#: a segment of a partition: (group key, its rows (None: all), its values (T, C), its times (None without
#: ``times``; typed Any as mypy cannot tie it to ``plan.timed``))
_Segment = tuple[Hashable, np.ndarray | None, np.ndarray, Any]

__all__ = ["ewma", "ewmvar", "ewmstd", "register_accessors"]


def _dask_dataframe() -> ModuleType:
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
    opts: engine.Options  # decay=None; per-partition decays come from ``times``
    halflife: Halflife | None
    times: Hashable  # None, "index" or a column label
    times_kind: str  # "M" (datetimes, int64 ns) or "f" (numbers); "" without times
    by: Hashable  # None or a column label
    columns: tuple[Hashable, ...] | None  # value columns (None: the Series itself)
    out_dtypes: tuple[np.dtype, ...]
    out_series: bool
    name: Hashable

    @property
    def kind(self) -> str:
        return "mean" if self.stat == "mean" else "var"

    @property
    def timed(self) -> bool:
        return self.times is not None

    @property
    def width(self) -> int:
        return len(self.out_dtypes)


def _is_numeric(dtype: Any) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


def _out_dtype(dtype: Any) -> np.dtype:
    return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)


def _make_plan(obj: object, stat: str, by: Label | None, columns: Labels | None, numeric_only: bool, bias: bool,
               kw: dict[str, Any]) -> _Plan:
    dd = _dask_dataframe()
    if not isinstance(obj, (dd.Series, dd.DataFrame)):
        raise TypeError(
            f"obj must be a dask Series or DataFrame, got {type(obj).__name__}; "
            "for pandas objects and arrays use ewmakit.ewma or the .ewmakit accessor"
        )
    meta = obj._meta
    times = kw.pop("times")
    halflife = kw["halflife"]
    numeric_only = check_bool("numeric_only", numeric_only)
    bias = check_bool("bias", bias)
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
    opts = resolve_options(0, times=empty_times, **kw)
    opts = dataclasses.replace(opts, decay=None)

    if by is not None:
        if not _is_label(by) or by not in meta.columns:
            raise ValueError(f"by must be the name of a column, got {by!r}")
        if times is not None and times != "index" and by == times:
            raise ValueError(f"by and times must be different columns, got {by!r} for both")

    plan_cols: tuple[Hashable, ...] | None
    dtypes: tuple[np.dtype, ...]
    if not frame:
        if not _is_numeric(meta.dtype):
            raise TypeError(f"ewmakit.dask needs numeric data, got a Series of dtype {meta.dtype}")
        plan_cols, dtypes, out_series, name = None, (_out_dtype(meta.dtype),), True, meta.name
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
            cols = [columns] if out_series else list(cast(Sequence[Hashable], columns))
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
        plan_cols, name = tuple(cols), (cols[0] if out_series else None)
    if not isinstance(opts.init, str):
        init = np.asarray(opts.init, dtype=np.float64)
        if init.size not in (1, len(dtypes)):
            raise ValueError(f"init must be a number or hold one value per column ({len(dtypes)}), "
                             f"got shape {init.shape}")
    return _Plan(stat=stat, bias=bias, opts=opts, halflife=halflife, times=times, times_kind=times_kind, by=by,
                 columns=plan_cols, out_dtypes=dtypes, out_series=out_series, name=name)


def _is_label(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return not isinstance(value, (list, np.ndarray, pd.Index))


# --------------------------------------------------------------------------- one partition


def _values(part: pd.Series | pd.DataFrame, plan: _Plan, *, check: bool = True) -> np.ndarray:
    """The value columns of a pandas partition as a (T, C) float64 array (NaN for missing).

    ``check``: raise the error naming the first ±inf (the carry rereads a
    partition its summary has checked, and skips it).
    """
    if plan.columns is None or len(plan.columns) == 1:  # one column: a view of the data when it is float64
        one = part if plan.columns is None else cast(pd.DataFrame, part)[plan.columns[0]]
        name = "the Series" if plan.columns is None else f"column {plan.columns[0]!r}"
        x = np.ascontiguousarray(as_float_array(one, name), dtype=np.float64)[:, None]
    else:
        x = np.empty((len(part), len(plan.columns)), dtype=np.float64)
        for j, c in enumerate(plan.columns):
            x[:, j] = as_float_array(cast(pd.DataFrame, part)[c], f"column {c!r}")
    if check:
        k = engine.first_nonfinite(x)
        if k >= 0:
            i, j = divmod(k, x.shape[1])
            col = "" if plan.columns is None else f" in column {plan.columns[j]!r}"
            raise ValueError(f"values must be finite or NaN (NaN marks a missing value), got {x[i, j]}{col} "
                             f"at index {part.index[i]!r}")
    return x


def _times(part: pd.Series | pd.DataFrame, plan: _Plan) -> np.ndarray | None:
    """Times of the rows: int64 nanoseconds (UTC) for datetimes, float64 for numbers."""
    if not plan.timed:
        return None
    raw = part.index if plan.times == "index" else cast(pd.DataFrame, part)[plan.times]
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
        return halflife_ns(plan.halflife)
    return float(cast(float, plan.halflife))  # numeric times: a number of time units


def _decays(t: np.ndarray, plan: _Plan, t_prev: Any, number: int, key: Hashable) -> np.ndarray:
    """Per-row decay 0.5 ** (Δt/halflife) of a segment, as :func:`ewmakit.core.time_decay` computes it.

    Row 0 gets 1.0 without ``t_prev`` (the first row overall, or a guessed
    walk), else the decay from ``t_prev``, the time of the row before the
    segment. Each decay is the engine's formula on its own time step (int64
    nanoseconds or float differences, as in memory), so it is bit for bit the
    in-memory one. ``number`` and ``key`` (the partition and the group) only
    go into error messages.
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
        decay[1:] = engine.decay_over(dt, _halflife_units(plan))
    return decay[1:] if t_prev is not None else decay


def _fmt_time(value: Any, plan: _Plan) -> pd.Timestamp | float:
    return pd.Timestamp(int(value)) if plan.times_kind == "M" else float(value)


def _segments(part: pd.Series | pd.DataFrame, plan: _Plan, x: np.ndarray,
              t: np.ndarray | None) -> list[_Segment]:
    """(key, rows, x, t) per series group; ``rows`` None means all rows (no ``by``).

    Deterministic: the summary, the carry and the smoothing of a partition
    see the same groups in the same order.
    """
    if plan.by is None:
        return [(0, None, x, t)]
    codes, uniques = pd.factorize(cast(pd.DataFrame, part)[plan.by], sort=False)  # missing keys: -1, left out
    order, bounds = engine.group_order(np.asarray(codes, dtype=np.int64), len(uniques))
    out: list[_Segment] = []
    for g in range(len(uniques)):
        rows = order[bounds[g]:bounds[g + 1]]
        out.append((uniques[g], rows, x[rows], None if t is None else t[rows]))
    return out


def _keys(segs: Sequence[_Segment], plan: _Plan) -> pd.Index | None:
    return pd.Index([sg[0] for sg in segs]) if plan.by is not None else None


def _options(plan: _Plan, decay: np.ndarray | None) -> engine.Options:
    return plan.opts if decay is None else dataclasses.replace(plan.opts, decay=decay)


def _guess_options(plan: _Plan, ts: np.ndarray | None, number: int, key: Hashable) -> engine.Options:
    """The options of a segment's guessed walk: with ``times``, its decays with row 0's given 1.

    The summary and the carry both use these (the carry's walk beside the
    guessed one must be the guessed walk itself, bit for bit).
    """
    return _options(plan, None if ts is None else _decays(ts, plan, None, number, key))


def _state_type(plan: _Plan) -> type[engine.MeanState | engine.CovState]:
    return engine.MeanState if plan.kind == "mean" else engine.CovState


def _start_states(plan: _Plan, groups: int) -> _State:
    """The engine's state of ``groups`` groups before any row: each field a (groups, C) array.

    The start value (``init``, NaN for "first") and no observation, as
    :meth:`ewmakit._engine.MeanState.fresh` (or ``CovState.fresh``) gives it.
    """
    C = plan.width
    fresh = _state_type(plan).fresh(C, engine.start_values(plan.opts, C))
    return type(fresh)(*(np.tile(field, (groups, 1)) for field in fresh))


def _row(states: _State, g: int) -> _State:
    """Group ``g``'s state: views of row ``g`` of every field, which the engine updates in place."""
    return type(states)(*(field[g] for field in states))


def _run(x: np.ndarray, plan: _Plan, opts: engine.Options, state: _State) -> np.ndarray:
    """The engine on ``x`` from ``state`` (updated in place), as :func:`ewmakit.ewma` & co. run it."""
    if plan.kind == "mean":
        return engine.run_mean(x, opts, cast(engine.MeanState, state))
    return engine.run_cov(x, x, opts, bias=plan.bias, root=plan.stat == "std",
                          state=cast(engine.CovState, state))  # std: rooted


@dataclasses.dataclass(frozen=True)
class _Summary:
    """Step 1's result for one partition: per group segment, the walk from a guessed state.

    ``keys``: the groups, in the order of their segments (None without
    ``by``); ``guesses``: one :class:`ewmakit._engine.Guess` per segment (a
    few numbers per column: the guessed start, the end, the observations);
    ``t_first``/``t_last``: each segment's first and last time (None without
    ``times``). Small: nothing in it grows with the partition's rows.
    """

    keys: pd.Index | None
    guesses: tuple
    t_first: np.ndarray | None
    t_last: np.ndarray | None


def _summarise(part: pd.Series | pd.DataFrame, plan: _Plan, number: int) -> _Summary | None:
    """Step 1: walk each series of partition ``number`` from a guessed state (None if it is empty)."""
    if len(part) == 0:
        return None
    x = _values(part, plan)
    t = _times(part, plan)
    segs = _segments(part, plan, x, t)
    kind: Literal["mean", "cov"] = "mean" if plan.kind == "mean" else "cov"
    guesses = tuple(engine.guess_run(xs, _guess_options(plan, ts, number, key), kind=kind)
                    for key, _, xs, ts in segs)
    t_first = t_last = None
    if t is not None:
        t_first = np.array([sg[3][0] for sg in segs], dtype=t.dtype)
        t_last = np.array([sg[3][-1] for sg in segs], dtype=t.dtype)
    return _Summary(_keys(segs, plan), guesses, t_first, t_last)


def _smooth(part: pd.Series | pd.DataFrame, carry: _Carry, plan: _Plan, number: int) -> pd.Series | pd.DataFrame:
    """Step 3: smooth partition ``number`` (pandas) from the state that reaches it."""
    x = _values(part, plan)
    t = _times(part, plan)
    out: np.ndarray | None
    if len(part) == 0:
        out = np.empty((0, x.shape[1]))
    else:
        segs = _segments(part, plan, x, t)
        out = np.full(x.shape, np.nan) if plan.by is not None else None
        keys = _keys(segs, plan)
        states, t_prev, has_prev = carry.lookup(keys, plan)
        if plan.timed:
            _check_order(np.array([sg[3][0] for sg in segs]), t_prev, has_prev, keys, number, plan)
        for g, (key, rows, xs, ts) in enumerate(segs):
            decay = None
            if ts is not None:
                decay = _decays(ts, plan, t_prev[g] if has_prev[g] else None, number, key)
            res = _run(xs, plan, _options(plan, decay), _row(states, g))
            if rows is None:
                out = res
            else:
                cast(np.ndarray, out)[rows] = res  # (allocated above: there are groups)
    return _wrap(cast(np.ndarray, out), part.index, plan)  # (without groups: the one segment's result)


def _column(out: np.ndarray, j: int, plan: _Plan) -> np.ndarray:
    return out[:, j].astype(plan.out_dtypes[j], copy=False)  # float64 values (a std already rooted), then cast


def _wrap(out: np.ndarray, index: pd.Index, plan: _Plan) -> pd.Series | pd.DataFrame:
    if plan.out_series:
        return pd.Series(_column(out, 0, plan), index=index, name=plan.name)
    columns = cast(tuple[Hashable, ...], plan.columns)  # a DataFrame's plan has its value columns
    return pd.DataFrame({c: _column(out, j, plan) for j, c in enumerate(columns)},
                        index=index, columns=pd.Index(columns))


# --------------------------------------------------------------------------- scan


@dataclasses.dataclass(frozen=True)
class _Carry:
    """The state after some partitions, for every group seen so far (one group without ``by``).

    ``states``: the engine's :class:`~ewmakit._engine.MeanState` or
    :class:`~ewmakit._engine.CovState`, each field (groups, columns);
    ``t_last``: the time of each group's last row (int64 ns or float), valid
    where ``has_prev``. Never mutated: :func:`_advance` returns a new one.
    """

    keys: pd.Index | None
    states: _State
    t_last: np.ndarray
    has_prev: np.ndarray

    @classmethod
    def start(cls, plan: _Plan) -> "_Carry":
        G = 1 if plan.by is None else 0
        t_dtype = np.int64 if plan.times_kind == "M" else np.float64
        keys = None if plan.by is None else pd.Index([])
        return cls(keys, _start_states(plan, G), np.zeros(G, dtype=t_dtype), np.zeros(G, dtype=bool))

    def positions(self, keys: pd.Index | None) -> np.ndarray:
        """Rows of ``keys`` in this carry, -1 for groups not seen yet."""
        if self.keys is None:
            return np.zeros(1, dtype=np.int64)
        keys = cast(pd.Index, keys)  # with ``by``: the keys of a partition's groups
        return self.keys.get_indexer(keys) if len(self.keys) else np.full(len(keys), -1, dtype=np.int64)

    def lookup(self, keys: pd.Index | None, plan: _Plan) -> tuple[_State, np.ndarray, np.ndarray]:
        """The incoming state of ``keys`` (new arrays; groups not seen yet start fresh): states, t_prev, has_prev."""
        pos = self.positions(keys)
        known = pos >= 0
        states = _start_states(plan, len(pos))
        for field, carried in zip(states, self.states):
            field[known] = carried[pos[known]]
        t_prev = np.zeros(len(pos), dtype=self.t_last.dtype)
        t_prev[known] = self.t_last[pos[known]]
        has_prev = np.zeros(len(pos), dtype=bool)
        has_prev[known] = self.has_prev[pos[known]]
        return states, t_prev, has_prev


def _check_order(t_first: np.ndarray, t_prev: np.ndarray, has_prev: np.ndarray, keys: pd.Index | None,
                 number: int, plan: _Plan) -> None:
    """Times go on where the previous partitions left them (per group with ``by``)."""
    behind = has_prev & (t_first < t_prev)
    if behind.any():
        g = int(np.argmax(behind))
        group = "" if plan.by is None else f" in group {cast(pd.Index, keys)[g]!r}"
        raise ValueError(
            f"times must be non-decreasing, but partition {number} starts at {_fmt_time(t_first[g], plan)}, "
            f"before the previous rows{group} end at {_fmt_time(t_prev[g], plan)}"
        )


def _advance(carry: _Carry, part: pd.Series | pd.DataFrame, z: _Summary | None, plan: _Plan,
             number: int) -> _Carry:
    """Step 2: the carry after partition ``number`` (``part``), whose summary is ``z`` (None if it is empty).

    The engine walks each segment from its true incoming state beside the
    guessed walk until the two agree, then takes the guessed walk's end
    (:func:`ewmakit._engine.continue_run`). The segments' values are read
    again from the partition rather than kept in the summary: this costs no
    memory (the partition is held anyway until it is smoothed, which needs
    this carry's predecessor; it is now held until this link too, the next
    one), but it redoes the partition's preparation (its value columns, with
    ``by`` its groups, with ``times`` its decays) in the sequential chain:
    nothing to do for one float64 column (a view of the data), one pass over
    the partition otherwise. Keeping the values in the summaries instead
    would hold a second copy of every partition whose carry is not known yet.
    """
    if z is None:
        return carry
    x = _values(part, plan, check=False)  # checked by the summary
    t = _times(part, plan)
    segs = _segments(part, plan, x, t)
    if len(segs) != len(z.guesses):  # pragma: no cover - the same partition gives the same groups
        raise RuntimeError(f"partition {number} changed between its summary and its carry")
    states, t_prev, has_prev = carry.lookup(z.keys, plan)
    if plan.timed:
        _check_order(cast(np.ndarray, z.t_first), t_prev, has_prev, z.keys, number, plan)
    for g, ((key, _, xs, ts), guess) in enumerate(zip(segs, z.guesses)):
        d0 = 1.0  # the true decay of the segment's row 0: from the group's previous row, or none
        if ts is not None and has_prev[g]:
            d0 = float(_decays(ts[:1], plan, t_prev[g], number, key)[0])
        engine.continue_run(xs, _guess_options(plan, ts, number, key), _row(states, g), guess, d0=d0)
    t_new = cast(np.ndarray, z.t_last) if plan.timed else t_prev
    if plan.by is None:
        return _Carry(None, states, t_new, np.ones(1, dtype=bool))
    # groups seen before keep their place; new ones are appended
    carry_keys, z_keys = cast(pd.Index, carry.keys), cast(pd.Index, z.keys)  # with ``by``: both hold keys
    pos = carry.positions(z_keys)
    fresh_keys = pos < 0
    if not len(carry_keys):
        keys = z_keys  # (keeps the keys' dtype)
    else:
        keys = carry_keys.append(z_keys[fresh_keys]) if fresh_keys.any() else carry_keys
    G, before = len(keys), len(carry_keys)
    pos = np.where(fresh_keys, before + np.cumsum(fresh_keys) - 1, pos)
    merged = _start_states(plan, G)
    for field, old, new in zip(merged, carry.states, states):
        field[:before] = old
        field[pos] = new
    t_last = np.zeros(G, dtype=carry.t_last.dtype)
    t_last[:before] = carry.t_last
    t_last[pos] = t_new
    has_prev = np.zeros(G, dtype=bool)
    has_prev[:before] = carry.has_prev
    has_prev[pos] = True
    return _Carry(keys, merged, t_last, has_prev)


# --------------------------------------------------------------------------- driver


def _scan_expr_class() -> type:
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

        def _divisions(self) -> Any:
            return self.frame._divisions()

        @functools.cached_property
        def _meta(self) -> Any:
            return self.operand("meta")

        def _lower(self) -> None:
            return None  # this expression is its own graph (see _layer)

        def _simplify_up(self, parent: Any, dependents: Any) -> None:
            return None  # the plan fixes the columns read: no projection is pushed into the input

        def __str__(self) -> str:
            return f"ewmakit.dask.{self.plan.stat}"

        def _layer(self) -> dict:
            frame, plan = self.frame, self.plan
            summary, carry = f"{self._name}-summary", f"{self._name}-carry"
            dsk: dict[tuple[str, int], Any] = {}  # dask's Task and DataNode graph nodes
            for i in range(frame.npartitions):
                dsk[(summary, i)] = Task((summary, i), _summarise, TaskRef((frame._name, i)), plan, i)
                if i == 0:
                    dsk[(carry, 0)] = DataNode((carry, 0), _Carry.start(plan))
                else:
                    dsk[(carry, i)] = Task((carry, i), _advance, TaskRef((carry, i - 1)),
                                           TaskRef((frame._name, i - 1)), TaskRef((summary, i - 1)), plan, i - 1)
                dsk[(self._name, i)] = Task((self._name, i), _smooth, TaskRef((frame._name, i)), TaskRef((carry, i)),
                                            plan, i)
            return dsk

    # pickled by reference (the scheduler unpickles and lowers expressions): ewmakit.dask._EwmScan,
    # which the module's __getattr__ rebuilds in a fresh process
    _EwmScan.__module__ = __name__
    _EwmScan.__qualname__ = _EwmScan.__name__ = "_EwmScan"
    return _EwmScan


def __getattr__(name: str) -> type:
    if name == "_EwmScan":
        cls = _scan_expr_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _scale_out(obj: dd.Series | dd.DataFrame, stat: str, by: Label | None, columns: Labels | None,
               numeric_only: bool, bias: bool, kw: dict[str, Any]) -> dd.Series | dd.DataFrame:
    dd = _dask_dataframe()
    from dask.dataframe.dask_expr import new_collection

    plan = _make_plan(obj, stat, by, columns, numeric_only, bias, kw)
    if isinstance(obj, dd.DataFrame):
        needed = list(cast(tuple[Hashable, ...], plan.columns))  # a DataFrame's plan has its value columns
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


def _fill_doc(func: _F) -> _F:
    func.__doc__ = (func.__doc__ or "").replace("{options}", _OPTIONS_DOC)  # (None under python -OO)
    return func


@_fill_doc
def ewma(obj: dd.Series | dd.DataFrame, beta: float | None = None, *, by: Label | None = None,
         columns: Labels | None = None, alpha: float | None = None, window: float | None = None,
         span: float | None = None, halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
         bias_correction: bool = False, ignore_na: bool = False, times: Label | None = None, min_periods: int = 0,
         numeric_only: bool = False) -> dd.Series | dd.DataFrame:
    r"""Exponentially weighted moving average of a dask Series or DataFrame, exact across partitions.

    .. math::

        v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t

    Bit for bit the result of :func:`ewmakit.ewma` on the whole data in
    memory (per group with ``by``), by carry propagation between partitions
    (see the module docstring).

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
    kw = dict(beta=beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com, init=init,
              bias_correction=bias_correction, ignore_na=ignore_na, times=times, min_periods=min_periods)
    return _scale_out(obj, "mean", by, columns, numeric_only, False, kw)


@_fill_doc
def ewmvar(obj: dd.Series | dd.DataFrame, beta: float | None = None, *, by: Label | None = None,
           columns: Labels | None = None, alpha: float | None = None, window: float | None = None,
           span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
           init: Init = "first", bias_correction: bool = False, ignore_na: bool = False, times: Label | None = None,
           min_periods: int = 0, numeric_only: bool = False, bias: bool = False) -> dd.Series | dd.DataFrame:
    r"""Exponentially weighted moving variance of a dask Series or DataFrame, exact across partitions.

    .. math::

        \sigma^2_t = \frac{\sum_k w_k (x_k - \bar x_t)^2}{\sum_k w_k}
        \cdot \frac{(\sum_k w_k)^2}{(\sum_k w_k)^2 - \sum_k w_k^2}

    Bit for bit the result of :func:`ewmakit.ewmvar` in memory; the carried
    state is the engine's: the weighted mean, the co-moment, Σw and Σw² of the
    past.

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
    kw = dict(beta=beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com, init=init,
              bias_correction=bias_correction, ignore_na=ignore_na, times=times, min_periods=min_periods)
    return _scale_out(obj, "var", by, columns, numeric_only, bias, kw)


@_fill_doc
def ewmstd(obj: dd.Series | dd.DataFrame, beta: float | None = None, *, by: Label | None = None,
           columns: Labels | None = None, alpha: float | None = None, window: float | None = None,
           span: float | None = None, halflife: Halflife | None = None, com: float | None = None,
           init: Init = "first", bias_correction: bool = False, ignore_na: bool = False, times: Label | None = None,
           min_periods: int = 0, numeric_only: bool = False, bias: bool = False) -> dd.Series | dd.DataFrame:
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
    kw = dict(beta=beta, alpha=alpha, window=window, span=span, halflife=halflife, com=com, init=init,
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

    def __init__(self, obj: dd.Series | dd.DataFrame) -> None:
        self._obj = obj

    def smooth(self, beta: float | None = None, *, by: Label | None = None, columns: Labels | None = None,
               alpha: float | None = None, window: float | None = None, span: float | None = None,
               halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
               bias_correction: bool = False, ignore_na: bool = False, times: Label | None = None,
               min_periods: int = 0, numeric_only: bool = False) -> dd.Series | dd.DataFrame:
        """EWMA, exact across partitions (see :func:`ewmakit.dask.ewma`)."""
        return ewma(self._obj, beta, by=by, columns=columns, alpha=alpha, window=window, span=span, halflife=halflife, com=com,
                    init=init, bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                    min_periods=min_periods, numeric_only=numeric_only)

    def var(self, beta: float | None = None, *, by: Label | None = None, columns: Labels | None = None,
            alpha: float | None = None, window: float | None = None, span: float | None = None,
            halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: Label | None = None,
            min_periods: int = 0, numeric_only: bool = False, bias: bool = False) -> dd.Series | dd.DataFrame:
        """EW variance, exact across partitions (see :func:`ewmakit.dask.ewmvar`)."""
        return ewmvar(self._obj, beta, by=by, columns=columns, alpha=alpha, window=window, span=span, halflife=halflife,
                      com=com, init=init, bias_correction=bias_correction, ignore_na=ignore_na, times=times,
                      min_periods=min_periods, numeric_only=numeric_only, bias=bias)

    def std(self, beta: float | None = None, *, by: Label | None = None, columns: Labels | None = None,
            alpha: float | None = None, window: float | None = None, span: float | None = None,
            halflife: Halflife | None = None, com: float | None = None, init: Init = "first",
            bias_correction: bool = False, ignore_na: bool = False, times: Label | None = None,
            min_periods: int = 0, numeric_only: bool = False, bias: bool = False) -> dd.Series | dd.DataFrame:
        """EW standard deviation, exact across partitions (see :func:`ewmakit.dask.ewmstd`)."""
        return ewmstd(self._obj, beta, by=by, columns=columns, alpha=alpha, window=window, span=span, halflife=halflife,
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

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
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

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _DaskHook(importlib.abc.MetaPathFinder):
    """Watches for ``import dask.dataframe`` (a post-import hook; it never imports dask itself)."""

    _target = "dask.dataframe"

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
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
