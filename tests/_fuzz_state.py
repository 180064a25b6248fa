"""Feed randomly corrupted state dicts to ``EWMA.from_state_dict`` and every optimizer's ``load_state_dict``.

Run by ``tests/test_untrusted_state.py`` in a subprocess, so that a crash of the
interpreter (a kernel reading or writing out of bounds) fails that test instead
of killing the test run. Each corrupted dict must either be refused with a
``ValueError``/``TypeError`` (and, for an optimizer, leave it exactly as it
was), or be accepted and then resume exactly:

* ``EWMA``: the next values equal a plain-Python transcription of pandas'
  recurrence started from the state the dict holds;
* optimizers: the next step equals torch.optim's step from the same
  hyper-parameters and moments (when torch is installed; otherwise the step
  must at least leave the parameters finite for finite gradients).

Usage: ``python tests/_fuzz_state.py [--examples N]``; exit status 0 when every
example behaved.
"""

from __future__ import annotations

import argparse
import copy
import math
import sys

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ewmakit import EWMA
from ewmakit.optim import SGD, Adam, AdamW, RMSprop

HOSTILE = [None, "x", b"x", -1, 0, 1, 2, 2.7, -2, 2**63, 10**400, float("nan"), float("inf"), -float("inf"), True,
           [], [1.0], [1.0, 2.0, 3.0], [float("nan")], ["a"], {}, [[1.0]], (1,), 1e300, -0.5, 0.5, 1.5,
           np.array([1.0], dtype=np.float16), np.array([1 + 2j]), np.array(["a"]), np.array([1], dtype=np.int64),
           np.array([True]), np.array([-1.0]), np.float32(0.25), "float32", "int64", "object", "float16",
           [100_000], [2, 3], [0], [-1], [3]]


def _numeric_shape(value):
    """The shape of a non-empty list or array of numbers, else None."""
    if not isinstance(value, (list, np.ndarray)):
        return None
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr.shape if arr.size else None


def _mutate(d, data, keys):
    """A copy of ``d`` with a few entries replaced (by hostile or nearby values), deleted or added."""
    d = copy.deepcopy(d)
    for _ in range(data.draw(st.integers(1, 3))):
        how = data.draw(st.sampled_from(["replace", "replace", "nudge", "resample", "resample", "delete", "add"]))
        key = data.draw(st.sampled_from(keys))
        if how == "add":
            d[data.draw(st.sampled_from(["extra", "Beta", "momentum"]))] = 1
        elif how == "delete":
            d.pop(key, None)
        elif how == "nudge" and isinstance(d.get(key), (int, float)) and not isinstance(d.get(key), bool) \
                and abs(d[key]) < 1e300:
            d[key] = d[key] + data.draw(st.sampled_from([-1, 1, 0.5, -0.5, 1e-9]))
        elif how == "resample" and _numeric_shape(d.get(key)):
            # the same shape, other values (a plausible state, or one out of range)
            shape = _numeric_shape(d[key])
            values = data.draw(st.lists(st.sampled_from([0.0, 0.25, 1.0, 3.0, -1.0, 7, 2]), min_size=int(np.prod(
                shape)), max_size=int(np.prod(shape))))
            arr = np.array(values).reshape(shape)
            d[key] = arr.tolist() if isinstance(d[key], list) else arr
        else:
            d[key] = data.draw(st.sampled_from(HOSTILE))
    return d


# --------------------------------------------------------------------------- EWMA


def _reference(mean, weight, nobs, xs, beta, adjust, ignore_na, minp):
    """pandas' EWMA recurrence (with a start value), in plain Python, from a given state."""
    out = np.empty(xs.shape)
    nw = 1.0 if adjust else 1.0 - beta
    for j in range(xs.shape[1]):
        m, w, n = float(mean[j]), float(weight[j]), int(nobs[j])
        for i in range(xs.shape[0]):
            x = float(xs[i, j])
            obs = not math.isnan(x)
            if n > 0:
                if obs or not ignore_na:
                    ow = w * beta
                    if obs:
                        m = m if m == x else (ow * m + nw * x) / (ow + nw)
                        w = ow + nw if adjust else 1.0
                    else:
                        w = ow
            elif obs:
                m = x if (adjust or math.isnan(m)) else (beta * m + nw * x) / (beta + nw)
                w = 1.0
            n += obs
            out[i, j] = m if n >= minp else math.nan
    return out


@st.composite
def ewma_states(draw):
    beta = draw(st.sampled_from([0.0, 0.5, 0.9, 0.99]))
    kw = draw(st.sampled_from([{}, {"bias_correction": True}, {"init": "zero"}, {"init": 2.5},
                               {"ignore_na": True}, {"min_periods": 3}]))
    shape = draw(st.sampled_from([(), (3,), (2, 2)]))
    rows = draw(st.integers(0, 6))
    x = np.asarray(draw(st.lists(st.sampled_from([1.0, -2.0, 3.5, np.nan, 0.0]), min_size=rows * max(1, int(
        np.prod(shape))), max_size=rows * max(1, int(np.prod(shape)))))).reshape((rows,) + shape)
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    s = EWMA(beta, **kw)
    if rows or draw(st.booleans()):
        s.update_many(x.astype(dtype))
    return s.state_dict()


@given(state=ewma_states(), data=st.data())
def check_ewma(state, data):
    d = _mutate(state, data, list(state))
    try:
        s = EWMA.from_state_dict(d)
    except (ValueError, TypeError):
        return
    COUNTS["ewma accepted"] += 1
    if s._state is None:  # nothing fed: a fresh stream
        assert s.count == 0 and s.value is None
        return
    shape, dtype = s._shape, s._dtype
    n = int(np.prod(shape, dtype=np.int64))
    xs = np.array([[1.0] * n, [np.nan] * n, [-3.0] * n, [2.0] * n])
    got = s.update_many(xs.reshape((4,) + shape).astype(dtype)).reshape(4, n)
    b = float(d["beta"])
    minp = max(int(d["min_periods"]), 1)
    want = _reference(d["mean"], d["weight"], d["nobs"], xs, b, bool(d["bias_correction"]), bool(d["ignore_na"]),
                      minp).astype(dtype)
    tol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True)


# --------------------------------------------------------------------------- optimizers

CLASSES = {"SGD": (SGD, [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.8, nesterov=True)]),
           "RMSprop": (RMSprop, [dict(lr=0.01), dict(lr=0.01, centered=True, momentum=0.5)]),
           "Adam": (Adam, [dict(lr=0.01), dict(lr=0.01, amsgrad=True, weight_decay=0.1)]),
           "AdamW": (AdamW, [dict(lr=0.01, weight_decay=0.1)])}


def _torch_step(name, d_hyper, states, params, grads):
    """One torch.optim step from these hyper-parameters and moments; returns the new parameters."""
    import torch

    tparams = [torch.nn.Parameter(torch.tensor(p.copy())) for p in params]
    # Python scalars, as the loaded optimizer holds them: torch would compute lr * weight_decay
    # in float32 for an np.float32 lr (NEP 50), which is the reference's rounding, not ours.
    hyper = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in d_hyper.items()}
    if name == "RMSprop":
        hyper["alpha"] = hyper.pop("beta")
    opt = getattr(torch.optim, name)(tparams, foreach=False, **hyper)
    for tp, stt in zip(tparams, states):
        if stt:
            entry = {k: torch.tensor(np.array(v, dtype=np.float64).reshape(tp.shape))
                     for k, v in stt.items() if k != "step"}
            if name != "SGD":
                entry["step"] = torch.tensor(float(stt["step"]))
            opt.state[tp] = entry
    for tp, g in zip(tparams, grads):
        tp.grad = torch.tensor(g)
    opt.step()
    return [tp.detach().numpy() for tp in tparams]


def _rmsprop_centered_beta0(hyper, states, params, grads):
    """Centred RMSprop at beta=0 in closed form: the centred variance g² − g·g is exactly 0, so
    the step divides by eps. torch.optim is no reference here: its addcmul contracts g² − g·g
    into a fused multiply-add, which leaves the rounding error of g² (either sign; a square
    root of a negative one is NaN)."""
    out = []
    for p, g, stt in zip(params, grads, states):
        g = (-g if hyper.get("maximize") else g) + hyper.get("weight_decay", 0.0) * p
        step = g / hyper.get("eps", 1e-8)
        momentum = hyper.get("momentum", 0.0)
        if momentum > 0:
            step = momentum * np.asarray(stt.get("momentum_buffer", 0.0)).reshape(p.shape) + step
        out.append(p - hyper["lr"] * step)
    return out


@st.composite
def optimizer_states(draw):
    name = draw(st.sampled_from(sorted(CLASSES)))
    cls, options = CLASSES[name]
    kw = draw(st.sampled_from(options))
    params = [np.array([1.0, -2.0]), np.array([[0.5, 3.0], [1.0, -1.0]])]
    opt = cls([p.copy() for p in params], **kw)
    for k in range(draw(st.integers(0, 3))):
        opt.step([np.array([0.3, -0.1]) * (k + 1), np.array([[1.0, -2.0], [0.5, 0.0]])])
    return name, opt.state_dict(), params


@given(case=optimizer_states(), data=st.data())
def check_optimizer(case, data):
    name, state, params = case
    cls = CLASSES[name][0]
    where = data.draw(st.sampled_from(["top", "hyper", "param"]))
    d = copy.deepcopy(state)
    if where == "top":
        d = _mutate(d, data, list(d))
    elif where == "hyper":
        d["hyperparameters"] = _mutate(d["hyperparameters"], data, list(d["hyperparameters"]))
    else:
        i = data.draw(st.integers(0, len(d["state"]) - 1))
        keys = list(d["state"][i]) or ["step"]
        d["state"][i] = _mutate(d["state"][i], data, keys)
    mine = [p.copy() for p in params]
    opt = cls(mine, lr=0.123)
    before = copy.deepcopy(opt.state_dict())
    try:
        opt.load_state_dict(d)
    except (ValueError, TypeError):
        after = opt.state_dict()
        assert repr(after) == repr(before), "a refused state dict changed the optimizer"
        return
    COUNTS["optimizer accepted"] += 1
    grads = [np.array([0.7, 0.2]), np.array([[-1.0, 0.5], [2.0, 0.1]])]
    start = [p.copy() for p in mine]
    opt.step(grads)
    try:
        import torch  # noqa: F401
    except ImportError:
        assert all(np.isfinite(p).all() for p in mine)
        return
    loaded = opt.state_dict()
    hyper = {k: v for k, v in d["hyperparameters"].items() if v is not None}
    hyper.setdefault("lr", 0.123)
    # torch from the state as loaded (before this step): rebuild it from the accepted dict
    states = [{k: (np.asarray(v) if k != "step" else v) for k, v in stt.items()} for stt in d["state"]]
    if name == "RMSprop" and hyper["centered"] and hyper["beta"] == 0:
        want = _rmsprop_centered_beta0(hyper, states, start, grads)
    else:
        want = _torch_step(name, hyper, states, start, grads)
    for a, b in zip(mine, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert loaded["t"] == d["t"] + 1


COUNTS = {"ewma accepted": 0, "optimizer accepted": 0}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=300)
    args = parser.parse_args(argv)
    for check in (check_ewma, check_optimizer):
        settings(max_examples=args.examples, deadline=None, suppress_health_check=list(HealthCheck),
                 database=None)(check)()
    print(f"ok: {args.examples} corrupted dicts each; accepted and resumed exactly: {COUNTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
