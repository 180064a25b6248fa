"""State dicts are untrusted input (issue #10): ``EWMA.from_state_dict`` and ``Optimizer.load_state_dict``.

A state dict is meant to be stored and read back, so whatever it holds must
either be refused with a ``ValueError``/``TypeError`` naming the entry, or
resume exactly. Each case below crashed the interpreter, returned garbage, or
was silently accepted before these checks existed.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ewmakit import EWMA, ewma
from ewmakit.optim import SGD, Adam, AdamW, RMSprop, minimize

HERE = Path(__file__).resolve().parent


def _stream(shape=(3,), dtype=np.float64, **kw):
    s = EWMA(0.9, **kw)
    s.update_many(np.arange(4.0 * int(np.prod(shape))).reshape((4,) + shape).astype(dtype))
    return s


@pytest.mark.parametrize("change, error, match", [
    # sizes that disagree with shape: the kernel used to read and write past the arrays' ends
    (dict(shape=[100_000]), ValueError, r"mean must hold 100000 values"),
    (dict(shape=[2]), ValueError, r"mean must hold 2 values"),
    (dict(mean=[1.0, 2.0]), ValueError, r"mean must hold 3 values"),
    (dict(weight=[1.0] * 4), ValueError, r"weight must hold 3 values"),
    (dict(nobs=[4]), ValueError, r"nobs must hold 3 values"),
    (dict(shape=[2**50]), ValueError, r"more than 2\*\*40"),
    (dict(shape="3"), TypeError, r"shape must be a list of integers"),
    (dict(shape=[-3]), TypeError, r"shape must be a list of integers"),
    # dtypes: only float32/float64 (int64 truncated the averages; others failed deep in the compiler)
    (dict(dtype="int64"), ValueError, r"dtype must be 'float32' or 'float64', got 'int64'"),
    (dict(dtype="float16"), ValueError, r"dtype must be"),
    (dict(dtype="object"), ValueError, r"dtype must be"),
    (dict(dtype="complex128"), ValueError, r"dtype must be"),
    (dict(mean=["a", "b", "c"]), TypeError, r"mean must hold real numbers"),
    (dict(mean=[1 + 1j, 2, 3]), TypeError, r"mean must hold real numbers"),
    (dict(nobs=[1.5, 2, 3]), TypeError, r"nobs must hold integers"),
    (dict(mean=None), TypeError, r"mean must be a list of 3 numbers"),
    # ranges: NaN means, negative weights or counts poisoned every later value
    (dict(mean=[np.nan, 1.0, 2.0]), ValueError, r"mean must be finite once a series has observations"),
    (dict(mean=[np.inf, 1.0, 2.0]), ValueError, r"mean must be finite"),
    (dict(weight=[-1.0, 1.0, 1.0]), ValueError, r"weight must be in \[0, 1\]"),
    (dict(weight=[2.0, 1.0, 1.0]), ValueError, r"weight must be in \[0, 1\]"),
    (dict(nobs=[-1, 4, 4]), ValueError, r"nobs must hold integers in \[0, 2\*\*63 - 1\]"),
    (dict(nobs=[5, 4, 4]), ValueError, r"nobs must not exceed count \(4\)"),
    (dict(count=-1), ValueError, r"count must be an integer in \[0, 2\*\*63 - 1\], got -1"),
    (dict(count=2.5), ValueError, r"count must be an integer"),
    (dict(count=True), ValueError, r"count must be an integer"),
    (dict(beta=1.5), ValueError, r"beta must be in \[0, 1\), got 1.5"),
    (dict(beta=None), TypeError, r"beta must be a real number"),
    (dict(beta=10**400), ValueError, r"beta must be in \[0, 1\)"),
    (dict(min_periods=-2), ValueError, r"min_periods must be an integer >= 0"),
    (dict(init="middle"), ValueError, r"init must be 'first', 'zero'"),
    (dict(bias_correction="yes"), TypeError, r"bias_correction must be True or False"),
    (dict(last=[9.0, 9.0, 9.0]), ValueError, r"last does not match mean, nobs and min_periods"),
    (dict(extra=1), ValueError, r"unknown key\(s\) \['extra'\]"),
])
def test_from_state_dict_refuses_what_would_corrupt_or_poison(change, error, match):
    d = {**_stream().state_dict(), **change}
    with pytest.raises(error, match=match):
        EWMA.from_state_dict(d)


@pytest.mark.parametrize("key", ["beta", "init", "count", "shape", "dtype"])
def test_from_state_dict_names_a_missing_key(key):
    d = _stream().state_dict()
    del d[key]
    with pytest.raises(ValueError, match=rf"lacks the key\(s\) \['{key}'\]"):
        EWMA.from_state_dict(d)


def test_from_state_dict_refuses_a_non_dict_and_an_inconsistent_fresh_state():
    with pytest.raises(TypeError, match=r"state dict must be a dict from EWMA.state_dict\(\), got list"):
        EWMA.from_state_dict([1, 2])
    fresh = EWMA(0.5).state_dict()
    with pytest.raises(ValueError, match=r"with shape None .* count 0"):
        EWMA.from_state_dict({**fresh, "count": 3})
    with pytest.raises(ValueError, match=r"with shape None"):
        EWMA.from_state_dict({**fresh, "mean": [1.0]})
    # before its first observation a series holds the start value with weight 1
    s = EWMA(0.5, init=2.0)
    s.update_many(np.full((2, 2), np.nan))
    d = s.state_dict()
    with pytest.raises(ValueError, match=r"without observations must hold the start value"):
        EWMA.from_state_dict({**d, "mean": [2.0, 3.0]})
    with pytest.raises(ValueError, match=r"without observations must hold the start value"):
        EWMA.from_state_dict({**d, "weight": [1.0, 0.5]})


def test_the_forged_shape_of_the_issue_is_refused_before_the_kernel():
    """The case of the issue: the interpreter aborted (malloc) or hung."""
    code = ("import numpy as np; from ewmakit import EWMA\n"
            "s = EWMA(0.9); s.update(np.arange(3.0)); d = s.state_dict(); d['shape'] = [100_000]\n"
            "try:\n    EWMA.from_state_dict(d).update(np.full(100_000, 3.0))\n"
            "except ValueError as e:\n    print('refused:', e)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "refused: state dict: mean must hold 100000 values" in run.stdout


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kw", [{}, {"bias_correction": True}, {"init": 1.5}, {"min_periods": 6},
                                {"ignore_na": True}])
def test_a_valid_state_dict_still_resumes_exactly(kw, dtype):
    x = np.array([[1.0, np.nan, 3.0], [2.0, 2.0, np.nan], [np.nan, 4.0, 1.0], [5.0, 1.0, 2.0]] * 3, dtype=dtype)
    s = EWMA(0.8, **kw)
    s.update_many(x[:5])
    d = json.loads(json.dumps(s.state_dict()))
    resumed = EWMA.from_state_dict(d)
    np.testing.assert_array_equal(resumed.update_many(x[5:]), ewma(x, 0.8, **kw)[5:])
    np.testing.assert_array_equal(resumed.value, s.update_many(x[5:])[-1])


def test_engine_entry_refuses_state_arrays_of_the_wrong_size():
    from ewmakit import _engine as engine
    from ewmakit.core import resolve_options

    opts = resolve_options(0, 0.5)
    x = np.ones((4, 3))
    bad = (np.zeros(2), np.ones(3), np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match=r"kernel state mean must be .* float64 array of shape \(3,\)"):
        engine.run_mean(x, opts, bad)
    with pytest.raises(ValueError, match=r"kernel state nobs must be .* int64"):
        engine.run_mean(x, opts, (np.zeros(3), np.ones(3), np.zeros(3)))
    with pytest.raises(ValueError, match=r"kernel state first_row"):
        engine.run_mean(x, opts, None, first_row=np.zeros(5, dtype=np.int64))
    with pytest.raises(ValueError, match=r"kernel state sum_wt2 must be"):
        engine.run_cov(x, x, opts, bias=False, state=engine.CovState(*[np.zeros(3)] * 4, np.ones(2), np.ones(3),
                                                                     np.zeros(3, dtype=np.int64)))


def test_the_compiled_kernels_refuse_sizes_that_disagree_whoever_calls_them():
    """The kernels' own entry points check the sizes they will read and write (not only the Python layer)."""
    from ewmakit._engine import _mean, _optim, _util

    x, out = np.ones((4, 3)), np.empty((4, 3))
    st = (np.zeros(3), np.ones(3), np.zeros(3, dtype=np.int64), np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match=r"mean_rows: mean holds 2 values, the kernel needs 3"):
        _mean.mean_rows(x, out, 0.5, np.ones(1), False, False, False, 1, np.zeros(2), *st[1:], 1.0, 1)
    with pytest.raises(ValueError, match=r"mean_rows: out holds 2 values, the kernel needs 4"):
        _mean.mean_rows(x, np.empty((2, 3)), 0.5, np.ones(1), False, False, False, 1, *st, 1.0, 1)
    with pytest.raises(ValueError, match=r"mean_rows: decay holds 2 values, the kernel needs 4"):
        _mean.mean_rows(x, out, 0.5, np.ones(2), True, False, False, 1, *st, 1.0, 1)
    with pytest.raises(ValueError, match=r"mean_long: first_row must be >= 0"):
        _mean.mean_long(x[:, :1].copy(), out[:, :1].copy(), 0.5, np.ones(1), False, False, False, 1, np.zeros(1),
                        np.ones(1), np.zeros(1, dtype=np.int64), np.full(1, -5, dtype=np.int64), 1.0, 1,
                        np.zeros(0, dtype=np.int64), 1, 0.0)
    with pytest.raises(ValueError, match=r"adam_step: exp_avg_sq holds 2 values, the parameters 3"):
        _optim.adam_step(np.ones(3), np.ones(3), np.zeros(3), np.zeros(2), np.zeros(0), 0.1, 1.0, 0.0, 1.0, 0.9,
                         0.999, 1.0, 1e-8, False)
    with pytest.raises(ValueError, match=r"group_order: code 7 at row 1 is not below the number of groups 3"):
        _util.group_order(np.array([0, 7], dtype=np.int64), 3)


# --------------------------------------------------------------------------- optimizers


def _adam_dict(steps=2, **kw):
    opt = Adam([np.ones(3), np.ones((2, 2))], lr=0.1, **kw)
    for _ in range(steps):
        opt.step([np.full(3, 0.5), np.full((2, 2), -1.0)])
    return opt.state_dict()


def _fresh_adam():
    return Adam([np.ones(3), np.ones((2, 2))], lr=0.5, betas=(0.5, 0.6))


@pytest.mark.parametrize("where, value, error, match", [
    # per-parameter step: -1 divided by zero, -2 gave a complex correction, 10**400 overflowed, 2.7 was truncated
    ("step", -1, ValueError, r"step of params\[0\] must be an integer in \[1, 2\], got -1"),
    ("step", -2, ValueError, r"must be an integer in \[1, 2\]"),
    ("step", 0, ValueError, r"must be an integer in \[1, 2\]"),
    ("step", 10**400, ValueError, r"got an integer of 401 digits"),
    ("step", 2.7, TypeError, r"step of params\[0\] must be an integer, got 2.7"),
    ("step", True, TypeError, r"must be an integer"),
    ("step", 3, ValueError, r"in \[1, 2\], got 3"),  # more steps than the optimizer took
    ("step", None, ValueError, r"has moments but no 'step'"),  # missing: restarted the bias correction
    ("exp_avg", None, ValueError, r"must hold \['exp_avg', 'exp_avg_sq'\]"),  # missing moment
    ("exp_avg_sq", np.full(3, -1.0), ValueError, r"'exp_avg_sq' of params\[0\] is an average of squares"),
    ("exp_avg", np.array(["a", "b", "c"]), TypeError, r"'exp_avg' of params\[0\] must be a float array"),
    ("exp_avg", np.ones(3, dtype=complex), TypeError, r"must be a float array"),
    ("exp_avg", np.ones(4), ValueError, r"has shape \(4,\), expected \(3,\)"),
    ("max_exp_avg_sq", np.ones(3), ValueError, r"must hold \['exp_avg', 'exp_avg_sq'\]"),  # not with amsgrad=False
    ("bogus", np.ones(3), ValueError, r"unknown state 'bogus'"),
])
def test_load_state_dict_checks_every_parameter_state_and_applies_nothing_on_error(where, value, error, match):
    d = _adam_dict()
    if value is None:
        del d["state"][0][where]
    else:
        d["state"][0][where] = value
    d["hyperparameters"]["lr"] = 0.9  # would be applied first by the old code
    opt = _fresh_adam()
    before = repr(opt.state_dict())
    with pytest.raises(error, match=match):
        opt.load_state_dict(d)
    assert repr(opt.state_dict()) == before  # nothing applied: lr, betas, t, moments as they were
    assert opt.lr == 0.5 and opt.hyperparameters["betas"] == (0.5, 0.6) and opt.t == 0


@pytest.mark.parametrize("change, error, match", [
    (dict(t=-1), ValueError, r"t must be an integer in \[0, 2\*\*53\], got -1"),
    (dict(t=2.7), TypeError, r"t must be an integer, got 2.7"),
    (dict(t="2"), TypeError, r"t must be an integer"),
    (dict(t=10**400), ValueError, r"t must be an integer in \[0, 2\*\*53\], got an integer of 401 digits"),
    (dict(t=1), ValueError, r"step of params\[0\] must be an integer in \[1, 1\], got 2"),
    (dict(state="x"), TypeError, r"state_dict\['state'\] must be a list"),
    (dict(hyperparameters=[1]), TypeError, r"state_dict\['hyperparameters'\] must be a dict"),
])
def test_load_state_dict_checks_the_clock_and_the_layout(change, error, match):
    d = {**_adam_dict(), **change}
    opt = _fresh_adam()
    with pytest.raises(error, match=match):
        opt.load_state_dict(d)
    assert opt.t == 0 and opt.lr == 0.5


def test_load_state_dict_checks_the_hyperparameters_before_anything():
    d = _adam_dict()
    opt = _fresh_adam()
    for change, error, match in [
        ({"lr": -1.0}, ValueError, r"Invalid learning rate"),
        ({"eps": float("nan")}, ValueError, r"Invalid epsilon value"),
        ({"betas": (0.9, 1.0)}, ValueError, r"Invalid beta parameter at index 1"),
        ({"amsgrad": "no"}, TypeError, r"amsgrad must be True or False"),
        ({"momentum": 0.9}, ValueError, r"must have the keys \['amsgrad', 'betas', 'eps', 'lr'"),
    ]:
        bad = copy.deepcopy(d)
        bad["hyperparameters"].update(change)
        with pytest.raises(error, match=match):
            opt.load_state_dict(bad)
    bad = copy.deepcopy(d)
    del bad["hyperparameters"]["eps"]
    with pytest.raises(ValueError, match=r"must have the keys"):
        opt.load_state_dict(bad)
    bad = copy.deepcopy(d)
    del bad["t"]
    with pytest.raises(ValueError, match=r"lacks the key\(s\) \['t'\]"):
        opt.load_state_dict(bad)
    assert opt.t == 0 and opt.lr == 0.5 and opt.hyperparameters["betas"] == (0.5, 0.6)


@pytest.mark.parametrize("cls, kw, needed", [
    (SGD, dict(lr=0.1, momentum=0.9), "momentum_buffer"),
    (RMSprop, dict(centered=True), "grad_avg"),
    (RMSprop, dict(momentum=0.5), "momentum_buffer"),
    (Adam, dict(amsgrad=True), "max_exp_avg_sq"),
    (AdamW, dict(), "exp_avg_sq"),
])
def test_a_moment_the_hyperparameters_use_must_be_there(cls, kw, needed):
    opt = cls(np.ones(2), **kw)
    opt.step(np.ones(2))
    d = opt.state_dict()
    del d["state"][0][needed]
    with pytest.raises(ValueError, match=rf"state of params must hold .*'{needed}'"):
        cls(np.ones(2)).load_state_dict(d)


def test_minimize_refuses_a_method_that_is_not_an_optimizer():
    with pytest.raises(TypeError, match=r"method must be a name such as 'adam' or an optimizer class"):
        minimize(lambda x: x ** 2, 1.0, method=list)


# --------------------------------------------------------------------------- fuzzing


def test_randomly_corrupted_state_dicts_are_refused_or_resume_exactly():
    """Hypothesis corrupts state dicts of EWMA and every optimizer (tests/_fuzz_state.py), in a subprocess:
    a crash of the interpreter fails this test instead of the run."""
    run = subprocess.run([sys.executable, str(HERE / "_fuzz_state.py"), "--examples", "500"],
                         capture_output=True, text=True, timeout=600, cwd=HERE)
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout[-3000:]}\n{run.stderr[-5000:]}"
    assert run.stdout.startswith("ok: 500 corrupted dicts each")
