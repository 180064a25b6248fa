"""What every optimizer shares: parameter bookkeeping, validation, ``lr``, state dicts.

An optimizer holds the user's arrays (never copies of them) and updates them
in place. Each array is handed to the update as a flat view (a C-contiguous
array is flattened without a copy; any other layout goes through a temporary
that is written back), with its gradient as a flat array of the same dtype and
its state (moments, step count) in a small dict of flat arrays.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Literal, cast

import numpy as np

from .._checks import check_bool, check_nonneg, check_unit
from .._reprs import html_table
from .._typing import Grads, LearningRate, Params

__all__ = ["Optimizer"]


# --------------------------------------------------------------------------- validation


def _check_count(name: str, value: object, lo: int, hi: int) -> int:
    """A step count: an integer (not a bool, not a float) in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    n = int(value)
    if not lo <= n <= hi:
        text = repr(value) if abs(n) < 10**30 else f"an integer of {len(str(abs(n)))} digits"
        raise ValueError(f"{name} must be an integer in [{lo}, {hi if hi < 10**15 else '2**53'}], got {text}")
    return n


def check_betas(value: object) -> tuple[float, float]:
    """Adam's (β₁, β₂), each in [0, 1)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), each in [0, 1), got {value!r}")
    b1, b2 = (check_unit(f"betas[{i}]", b, what=f"beta parameter at index {i}")
              for i, b in enumerate(cast(Sequence[object], value)))
    return b1, b2


# --------------------------------------------------------------------------- parameters


def _label(key: Hashable) -> str:
    return "params" if key is None else f"params[{key!r}]"


def _check_param(arr: object, key: Hashable) -> np.ndarray:
    name = _label(key)
    if not isinstance(arr, np.ndarray):
        raise TypeError(
            f"{name} must be a float32 or float64 numpy array (updated in place), got {type(arr).__name__}"
            + (" (use ewmakit.optim.minimize for a function of a number)" if isinstance(arr, numbers.Number) else "")
        )
    if arr.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be a float32 or float64 array (updated in place), got dtype {arr.dtype}")
    if not arr.flags.writeable:
        raise ValueError(f"{name} must be writeable (it is updated in place), got a read-only array")
    return arr


def _byte_bounds(a: np.ndarray) -> tuple[int, int]:
    try:
        from numpy.lib.array_utils import byte_bounds
    except ImportError:  # numpy < 2
        byte_bounds = np.byte_bounds  # type: ignore[attr-defined]  # numpy < 2 only: not in numpy 2's stubs
    return byte_bounds(a)


def _check_no_overlap(arrays: Sequence[np.ndarray], keys: Sequence[Hashable]) -> None:
    """Two parameters sharing memory would be updated twice: refuse, as torch does."""
    if len(arrays) < 2:
        return
    order = sorted(range(len(arrays)), key=lambda i: _byte_bounds(arrays[i])[0])
    reach, owner = _byte_bounds(arrays[order[0]])[1], order[0]
    for i in order[1:]:
        lo, hi = _byte_bounds(arrays[i])
        if lo < reach and np.shares_memory(arrays[i], arrays[owner]):
            a, b = sorted((owner, i))
            raise ValueError(
                f"{_label(keys[a])} and {_label(keys[b])} share memory: each parameter must appear once"
            )
        if hi > reach:
            reach, owner = hi, i


def as_param_list(params: Params) -> tuple[list[np.ndarray], list[Hashable], Literal["array", "list", "dict"]]:
    """Validate ``params``: returns (arrays, keys, kind) with kind "array", "list" or "dict"."""
    if isinstance(params, np.ndarray):
        return [_check_param(params, None)], [None], "array"
    keys: list[Hashable]
    kind: Literal["list", "dict"]
    if isinstance(params, Mapping):
        keys = list(params)
        kind = "dict"
    elif isinstance(params, (list, tuple)):
        keys = list(range(len(params)))
        kind = "list"
    else:
        raise TypeError(
            f"params must be a float numpy array or a list/tuple/dict of them, got {type(params).__name__}"
        )
    if not keys:
        raise ValueError("optimizer got an empty parameter list")
    # (mypy cannot see that ``keys`` are params' own: its dict keys, or its positions)
    arrays = [_check_param(params[k], k) for k in keys]  # type: ignore[call-overload]
    _check_no_overlap(arrays, keys)
    return arrays, keys, kind


def _flat(p: np.ndarray) -> tuple[np.ndarray, Callable[[], None] | None]:
    """A flat view of ``p`` and how to write it back (None when it is a view)."""
    if p.flags.c_contiguous:
        return p.reshape(-1), None
    tmp = np.ascontiguousarray(p).reshape(-1)

    def write_back() -> None:
        p[...] = tmp.reshape(p.shape)

    return tmp, write_back


# --------------------------------------------------------------------------- the base class


class Optimizer:
    """Base class of :class:`SGD`, :class:`RMSprop`, :class:`Adam` and :class:`AdamW`.

    Subclasses set ``_state_names`` (the names of their moments, torch's),
    validate their hyper-parameters in ``_check_hyper``, say which moments
    they keep in ``_required_state`` and implement ``_update(p, g, state, lr)``
    on flat arrays.
    """

    _state_names: tuple[str, ...] = ()
    _MAX_STEPS = 1 << 53  # step counts beyond this are not exact as the floats of β**t

    def __init__(self, params: Params, lr: LearningRate, *, fused: bool = True) -> None:
        self._params = params
        self._arrays, self._keys, self._kind = as_param_list(params)
        self.lr = lr
        self.fused = check_bool("fused", fused)
        self._t = 0
        self._state: list[dict[str, Any]] = [{} for _ in self._arrays]
        self._hyper: dict[str, Any] = {}

    # ---------------------------------------------------------------- hyper-parameters

    @staticmethod
    def _check_hyper(*args: Any, **hyper: Any) -> dict[str, Any]:  # pragma: no cover - overridden
        """The validated hyper-parameters other than ``lr`` (raises naming the bad one)."""
        raise NotImplementedError

    @staticmethod
    def _required_state(hyper: dict[str, Any]) -> tuple[str, ...]:  # pragma: no cover - overridden
        """The moments a parameter that has taken a step holds under these hyper-parameters."""
        raise NotImplementedError

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The validated hyper-parameters (``lr`` included), as a new dict."""
        return {"lr": self._lr, **self._hyper}

    @property
    def lr(self) -> LearningRate:
        """The learning rate: a float, or a callable ``t -> lr`` of the number of steps taken."""
        return self._lr

    @lr.setter
    def lr(self, value: LearningRate) -> None:
        self._lr: LearningRate
        if callable(value):
            self._lr = value
        else:
            self._lr = check_nonneg("lr", value, "learning rate")

    def lr_at(self, t: int) -> float:
        """The learning rate of update number ``t`` (0 for the first update, as torch's ``LambdaLR``)."""
        if not callable(self._lr):
            return self._lr
        value = self._lr(t)
        return check_nonneg(f"lr({t})", value, "learning rate")

    @property
    def t(self) -> int:
        """Number of :meth:`step` calls made so far (the clock of a callable ``lr``)."""
        return self._t

    @property
    def params(self) -> Params:
        """The parameters, exactly the object passed in (updated in place)."""
        return self._params

    # ---------------------------------------------------------------- stepping

    def _grads(self, grads: Grads) -> list[Any]:
        """Gradients aligned with the parameters (None: skip that parameter this step)."""
        if self._kind == "array":
            if isinstance(grads, (list, tuple, Mapping)) and not isinstance(grads, np.ndarray):
                grads = np.asarray(grads)
            return [grads]
        n = len(self._keys)
        if self._kind == "dict":
            if not isinstance(grads, Mapping):
                raise TypeError(f"grads must be a dict with the keys of params, got {type(grads).__name__}")
            if set(grads) != set(self._keys):
                missing = [k for k in self._keys if k not in grads]
                extra = [k for k in grads if k not in self._params]
                raise ValueError(f"grads must have the keys of params; missing {missing}, unexpected {extra}")
            return [grads[k] for k in self._keys]
        if not isinstance(grads, (list, tuple)):
            raise TypeError(f"grads must be a list or tuple like params, got {type(grads).__name__}")
        if len(grads) != n:
            raise ValueError(f"grads must have one entry per parameter ({n}), got {len(grads)}")
        return list(grads)

    def step(self, grads: Grads) -> None:
        """Update the parameters in place with one step.

        Parameters
        ----------
        grads : array or list/tuple/dict of arrays
            The gradients, in the structure of ``params`` (same shapes). An
            entry ``None`` skips that parameter (its state does not advance).
        """
        glist = self._grads(grads)
        lr = self.lr_at(self._t)
        prepared = []
        for i, (p, g) in enumerate(zip(self._arrays, glist)):
            if g is None:
                continue
            garr = np.asarray(g)
            if garr.shape != p.shape:
                raise ValueError(f"gradient of {_label(self._keys[i])} must have shape {p.shape}, got {garr.shape}")
            if garr.dtype.kind not in "biuf":
                raise TypeError(f"gradient of {_label(self._keys[i])} must hold real numbers, got dtype {garr.dtype}")
            prepared.append((i, p, np.ascontiguousarray(garr, dtype=p.dtype).reshape(-1)))
        for i, p, gflat in prepared:  # validate everything before touching any parameter
            pflat, write_back = _flat(p)
            state = self._state[i]
            state["step"] = state.get("step", 0) + 1
            self._update(pflat, gflat, state, lr)
            if write_back is not None:
                write_back()
        self._t += 1

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], lr: float) -> None:  # pragma: no cover
        raise NotImplementedError

    def _buffer(self, state: dict[str, Any], name: str, p: np.ndarray) -> np.ndarray:
        """``state[name]``, created as zeros (the EWMA's zero start) on first use."""
        buf = state.get(name)
        if buf is None:
            buf = state[name] = np.zeros_like(p)
        return buf

    # ---------------------------------------------------------------- state dicts

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume, as plain Python values and numpy arrays (picklable).

        ``state`` holds one dict per parameter (its step count and moments, named as in
        torch, shaped like the parameter); ``t`` is the number of steps taken; a callable
        ``lr`` is stored as None and kept by the optimizer that loads the dict.
        """
        hyper = self.hyperparameters
        if callable(hyper["lr"]):
            hyper["lr"] = None
        state = []
        for p, st in zip(self._arrays, self._state):
            state.append({k: (v.reshape(p.shape).copy() if isinstance(v, np.ndarray) else v) for k, v in st.items()})
        return {
            "optimizer": type(self).__name__,
            "hyperparameters": hyper,
            "t": self._t,
            "keys": list(self._keys) if self._kind == "dict" else None,
            "shapes": [tuple(p.shape) for p in self._arrays],
            "state": state,
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Resume from :meth:`state_dict`: the next steps are those the saved optimizer would take.

        The hyper-parameters are replaced by the saved ones (as torch does), except a
        saved callable ``lr`` (stored as None), which keeps this optimizer's ``lr``.
        Everything is checked before anything is applied: on an error the
        optimizer is left exactly as it was.

        Raises
        ------
        ValueError, TypeError
            Naming the entry that is missing, unknown, of the wrong type, shape or
            range: a step count must be an integer in [1, t], t an integer >= 0,
            moments real arrays shaped like their parameter (second moments >= 0),
            present exactly when the hyper-parameters use them.
        """
        d = state_dict
        name = type(self).__name__
        if not isinstance(d, Mapping) or d.get("optimizer") != name:
            got = d.get("optimizer") if isinstance(d, Mapping) else type(d).__name__
            raise ValueError(f"state_dict must come from {name}.state_dict(), got one from {got!r}")
        missing = [k for k in ("hyperparameters", "t", "keys", "state") if k not in d]
        if missing:
            raise ValueError(f"state_dict lacks the key(s) {missing}; it must come from {name}.state_dict()")
        saved = d["state"]
        if not isinstance(saved, (list, tuple)):
            raise TypeError(f"state_dict['state'] must be a list with one dict per parameter, got "
                            f"{type(saved).__name__}")
        if len(saved) != len(self._arrays):
            raise ValueError(f"state_dict has {len(saved)} parameters, this optimizer has {len(self._arrays)}")
        keys = list(self._keys) if self._kind == "dict" else None
        if d.get("keys") != keys:
            raise ValueError(f"state_dict has parameter keys {d.get('keys')}, this optimizer has {keys}")
        t = _check_count("t", d["t"], 0, self._MAX_STEPS)
        hyper = d["hyperparameters"]
        if not isinstance(hyper, Mapping):
            raise TypeError(f"state_dict['hyperparameters'] must be a dict, got {type(hyper).__name__}")
        hyper = dict(hyper)
        expected = set(self.hyperparameters)
        if set(hyper) != expected:
            raise ValueError(f"state_dict['hyperparameters'] must have the keys {sorted(expected)}, "
                             f"got {sorted(map(str, hyper))}")
        lr = hyper.pop("lr")
        if lr is not None:
            lr = check_nonneg("lr", lr, "learning rate")
        new_hyper = self._check_hyper(**hyper)
        required = self._required_state(new_hyper)
        new_state = [self._checked_state(i, st, t, required) for i, st in enumerate(saved)]
        # everything is valid: apply all of it
        self._hyper = new_hyper
        if lr is not None:
            self._lr = lr
        self._t = t
        self._state = new_state

    _SQUARES = ("exp_avg_sq", "max_exp_avg_sq", "square_avg")  # EWMAs of squares: never negative

    def _checked_state(self, i: int, st: object, t: int, required: tuple[str, ...]) -> dict[str, Any]:
        """Parameter ``i``'s saved state as flat arrays of its dtype, every entry checked."""
        p, label = self._arrays[i], _label(self._keys[i])
        if not isinstance(st, Mapping):
            raise TypeError(f"state of {label} must be a dict, got {type(st).__name__}")
        unknown = [k for k in st if k != "step" and k not in self._state_names]
        if unknown:
            raise ValueError(f"state_dict has an unknown state {unknown[0]!r} for {label}")
        if not st:
            return {}  # a parameter that has not taken a step yet
        if "step" not in st:
            raise ValueError(f"state of {label} has moments but no 'step' (the bias correction needs it)")
        entry: dict[str, Any] = {"step": _check_count(f"step of {label}", st["step"], 1, t)}
        names = [k for k in st if k != "step"]
        if sorted(names) != sorted(required):
            raise ValueError(f"state of {label} must hold {list(required)} under these hyper-parameters, "
                             f"got {names}")
        for k in names:
            v = st[k]
            arr = np.asarray(v) if not isinstance(v, (str, bytes)) else np.asarray(None)
            if arr.dtype.kind not in "iuf" or arr.dtype == np.float16:
                raise TypeError(f"state {k!r} of {label} must be a float array, got {type(v).__name__} "
                                f"of dtype {arr.dtype}")
            if arr.shape != p.shape:
                raise ValueError(f"state {k!r} of {label} has shape {arr.shape}, expected {p.shape}")
            flat = np.array(arr, dtype=p.dtype, order="C").reshape(-1)
            with np.errstate(invalid="ignore"):
                if k in self._SQUARES and (flat < 0).any():
                    raise ValueError(f"state {k!r} of {label} is an average of squares and must be >= 0, "
                                     f"got {flat[flat < 0][0]}")
                if (np.isinf(flat) & np.isfinite(np.asarray(arr, dtype=np.float64).reshape(-1))).any():
                    raise ValueError(f"state {k!r} of {label} holds values beyond the range of {p.dtype}")
            entry[k] = flat
        return entry

    # ---------------------------------------------------------------- display

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        n = sum(p.size for p in self._arrays)
        return f"{type(self).__name__}({hyper}; {len(self._arrays)} array(s), {n} values, t={self._t})"

    def _repr_html_(self) -> str:
        rows = [(k, v) for k, v in self.hyperparameters.items()]
        shapes = ", ".join(str(p.shape) for p in self._arrays[:8]) + (" ..." if len(self._arrays) > 8 else "")
        rows += [("parameters", f"{len(self._arrays)} array(s): {shapes}"), ("steps taken", self._t)]
        return html_table(f"ewmakit.optim.{type(self).__name__}", rows)
