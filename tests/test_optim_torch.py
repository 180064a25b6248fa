"""ewmakit.optim against torch.optim (SPEC §7): same hyper-parameters, same numbers.

torch is an optional test reference (``.ci/run`` installs ``torch==2.13.0``, CPU):
without it the module is skipped. Each case runs 60 steps on random gradients
whose scale changes from step to step (so AMSGrad's maximum matters), on a list
of parameters of several shapes, and compares the parameters and the moments:

* float64: to 1e-10 (relative to the size of the values), in fact ~1e-15;
* float32: to float32 precision (a few ulps accumulated over the steps).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from conftest import reference  # noqa: E402

torch = reference("torch")  # optional reference: skips without it, fails in CI (.ci/run installs it)

from ewmakit.optim import SGD, Adam, AdamW, RMSprop

STEPS = 60
SHAPES = [(7,), (3, 4), ()]

# (our class, our options, torch class, torch options)
CASES = {
    "sgd": (SGD, dict(lr=0.05), "SGD", dict(lr=0.05)),
    "sgd-momentum": (SGD, dict(lr=0.05, momentum=0.9), "SGD", dict(lr=0.05, momentum=0.9)),
    "sgd-dampening": (SGD, dict(lr=0.05, momentum=0.8, dampening=0.3), "SGD",
                      dict(lr=0.05, momentum=0.8, dampening=0.3)),
    "sgd-dampening-1": (SGD, dict(lr=0.05, momentum=0.5, dampening=1.0), "SGD",
                        dict(lr=0.05, momentum=0.5, dampening=1.0)),
    "sgd-nesterov": (SGD, dict(lr=0.05, momentum=0.9, nesterov=True), "SGD",
                     dict(lr=0.05, momentum=0.9, nesterov=True)),
    "sgd-wd-maximize": (SGD, dict(lr=0.02, momentum=0.5, weight_decay=0.1, maximize=True), "SGD",
                        dict(lr=0.02, momentum=0.5, weight_decay=0.1, maximize=True)),
    "sgd-nesterov-wd-maximize": (SGD, dict(lr=0.02, momentum=0.7, nesterov=True, weight_decay=0.05, maximize=True),
                                 "SGD", dict(lr=0.02, momentum=0.7, nesterov=True, weight_decay=0.05, maximize=True)),
    "sgd-wd-nomomentum": (SGD, dict(lr=0.05, weight_decay=0.3), "SGD", dict(lr=0.05, weight_decay=0.3)),
    "rmsprop": (RMSprop, dict(), "RMSprop", dict()),
    "rmsprop-beta": (RMSprop, dict(lr=0.003, beta=0.9, eps=1e-3), "RMSprop", dict(lr=0.003, alpha=0.9, eps=1e-3)),
    "rmsprop-centered": (RMSprop, dict(lr=0.003, centered=True), "RMSprop", dict(lr=0.003, centered=True)),
    "rmsprop-momentum": (RMSprop, dict(lr=0.003, momentum=0.9), "RMSprop", dict(lr=0.003, momentum=0.9)),
    "rmsprop-all": (RMSprop, dict(lr=0.003, beta=0.95, centered=True, momentum=0.5, weight_decay=0.1,
                                  maximize=True), "RMSprop",
                    dict(lr=0.003, alpha=0.95, centered=True, momentum=0.5, weight_decay=0.1, maximize=True)),
    "adam": (Adam, dict(lr=0.01), "Adam", dict(lr=0.01)),
    "adam-amsgrad": (Adam, dict(lr=0.01, amsgrad=True), "Adam", dict(lr=0.01, amsgrad=True)),
    "adam-wd": (Adam, dict(lr=0.01, weight_decay=0.1), "Adam", dict(lr=0.01, weight_decay=0.1)),
    "adam-betas-eps-maximize": (Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-4, maximize=True), "Adam",
                                dict(lr=0.01, betas=(0.8, 0.99), eps=1e-4, maximize=True)),
    "adam-beta1-0": (Adam, dict(lr=0.01, betas=(0.0, 0.9)), "Adam", dict(lr=0.01, betas=(0.0, 0.9))),
    "adam-all": (Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.05, maximize=True), "Adam",
                 dict(lr=0.01, amsgrad=True, weight_decay=0.05, maximize=True)),
    "adamw": (AdamW, dict(lr=0.01), "AdamW", dict(lr=0.01)),
    "adamw-wd-amsgrad": (AdamW, dict(lr=0.01, weight_decay=0.2, amsgrad=True), "AdamW",
                         dict(lr=0.01, weight_decay=0.2, amsgrad=True)),
    "adamw-maximize": (AdamW, dict(lr=0.01, weight_decay=0.1, maximize=True), "AdamW",
                       dict(lr=0.01, weight_decay=0.1, maximize=True)),
}

# our state name -> torch's (identical except the heavy-ball buffers that torch also calls so)
STATE = {"SGD": ["momentum_buffer"], "RMSprop": ["square_avg", "grad_avg", "momentum_buffer"],
         "Adam": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"], "AdamW": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]}

TOL = {np.float64: dict(rtol=1e-10, atol=1e-10), np.float32: dict(rtol=1e-5, atol=2e-6)}
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def _data(dtype, seed=0, steps=STEPS):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = []
    for _ in range(steps):
        scale = rng.lognormal(0.0, 1.0)  # the gradient size changes from step to step
        grads.append([(scale * rng.standard_normal(s)).astype(dtype) for s in SHAPES])
    return params, grads


def _torch_run(torch_cls, torch_kw, params, grads, dtype, schedule=None, **extra):
    tparams = [torch.nn.Parameter(torch.tensor(p, dtype=TORCH_DTYPE[dtype])) for p in params]
    opt = getattr(torch.optim, torch_cls)(tparams, **torch_kw, **extra)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule) if schedule is not None else None
    for gs in grads:
        for tp, g in zip(tparams, gs):
            tp.grad = torch.tensor(g, dtype=TORCH_DTYPE[dtype])
        opt.step()
        if sched is not None:
            sched.step()
    return [tp.detach().numpy() for tp in tparams], opt, tparams


def _assert_close(ours, theirs, dtype, what):
    scale = max(1.0, float(np.max(np.abs(theirs))) if np.size(theirs) else 1.0)
    tol = TOL[dtype]
    np.testing.assert_allclose(ours, theirs, rtol=tol["rtol"], atol=tol["atol"] * scale, err_msg=what)


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("case", list(CASES))
def test_same_numbers_as_torch(case, dtype, fused):
    cls, kw, torch_cls, torch_kw = CASES[case]
    params, grads = _data(dtype)
    mine = [p.copy() for p in params]
    opt = cls(mine, fused=fused, **kw)
    for gs in grads:
        opt.step(gs)
    theirs, topt, tparams = _torch_run(torch_cls, torch_kw, params, grads, dtype, foreach=False)
    for i, (a, b) in enumerate(zip(mine, theirs)):
        assert a.dtype == dtype
        _assert_close(a, b, dtype, f"{case}: parameter {i}")
    # the moments too
    ours_state = opt.state_dict()["state"]
    for i, tp in enumerate(tparams):
        tstate = topt.state[tp]
        for name in STATE[cls.__name__]:
            if name in tstate and tstate[name] is not None:
                assert name in ours_state[i], f"{case}: missing {name}"
                _assert_close(ours_state[i][name], tstate[name].numpy(), dtype, f"{case}: {name} of parameter {i}")
        if "step" in tstate:
            assert ours_state[i]["step"] == int(tstate["step"])


@pytest.mark.parametrize("case", ["sgd-nesterov", "sgd-dampening", "adam-all", "adamw-wd-amsgrad"])
def test_same_numbers_as_torch_fused_kernel(case):
    """torch's own fused CPU kernels agree to float32 precision as well."""
    cls, kw, torch_cls, torch_kw = CASES[case]
    params, grads = _data(np.float32, seed=3)
    mine = [p.copy() for p in params]
    opt = cls(mine, **kw)
    for gs in grads:
        opt.step(gs)
    try:
        theirs, _, _ = _torch_run(torch_cls, torch_kw, params, grads, np.float32, fused=True)
    except RuntimeError as exc:  # pragma: no cover - a torch build without the CPU fused kernel
        pytest.skip(f"torch fused {torch_cls} unavailable: {exc}")
    for a, b in zip(mine, theirs):
        _assert_close(a, b, np.float32, case)


@pytest.mark.parametrize("case", ["sgd-momentum", "rmsprop-centered", "adam-amsgrad", "adamw"])
def test_lr_schedule_as_torch_lambdalr(case):
    """A callable lr is called with the number of steps taken, as torch's LambdaLR."""
    cls, kw, torch_cls, torch_kw = CASES[case]
    base = torch_kw.get("lr", 0.01)
    kw = {**kw, "lr": lambda t: base * 0.95**t}
    params, grads = _data(np.float64, seed=5)
    mine = [p.copy() for p in params]
    opt = cls(mine, **kw)
    for gs in grads:
        opt.step(gs)
    theirs, _, _ = _torch_run(torch_cls, torch_kw, params, grads, np.float64, schedule=lambda e: 0.95**e,
                              foreach=False)
    for a, b in zip(mine, theirs):
        _assert_close(a, b, np.float64, case)


@pytest.mark.parametrize("case", ["sgd-nesterov", "rmsprop-all", "adam-all", "adamw-wd-amsgrad"])
def test_resumed_optimizer_matches_torch(case):
    """Half the steps, a pickled state dict into a fresh optimizer, the other half: still torch's numbers."""
    cls, kw, torch_cls, torch_kw = CASES[case]
    params, grads = _data(np.float64, seed=7)
    mine = [p.copy() for p in params]
    opt = cls(mine, **kw)
    for gs in grads[: STEPS // 2]:
        opt.step(gs)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    resumed = [p.copy() for p in mine]
    opt2 = cls(resumed, lr=123.0)  # hyper-parameters come back from the state dict
    opt2.load_state_dict(saved)
    for gs in grads[STEPS // 2:]:
        opt2.step(gs)
    theirs, _, _ = _torch_run(torch_cls, torch_kw, params, grads, np.float64, foreach=False)
    for a, b in zip(resumed, theirs):
        _assert_close(a, b, np.float64, case)


@pytest.mark.parametrize("kw, match", [
    (dict(lr=-1.0), r"Invalid learning rate"),
    (dict(lr=0.1, momentum=-0.5), r"Invalid momentum value"),
    (dict(lr=0.1, weight_decay=-1.0), r"Invalid weight_decay value"),
    (dict(lr=0.1, nesterov=True), r"Nesterov momentum requires a momentum and zero dampening"),
    (dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), r"Nesterov momentum requires"),
])
def test_sgd_rejects_what_torch_rejects(kw, match):
    p = np.zeros(3)
    with pytest.raises(ValueError, match=match):
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(3))], **kw)
    with pytest.raises(ValueError, match=match):
        SGD(p, **kw)


@pytest.mark.parametrize("cls, torch_cls, kw, match", [
    (Adam, "Adam", dict(lr=-1e-3), r"Invalid learning rate"),
    (Adam, "Adam", dict(eps=-1.0), r"Invalid epsilon value"),
    (Adam, "Adam", dict(betas=(1.0, 0.999)), r"Invalid beta parameter at index 0"),
    (Adam, "Adam", dict(betas=(0.9, -0.1)), r"Invalid beta parameter at index 1"),
    (AdamW, "AdamW", dict(weight_decay=-0.1), r"Invalid weight_decay value"),
    (RMSprop, "RMSprop", dict(momentum=-0.1), r"Invalid momentum value"),
    (RMSprop, "RMSprop", dict(eps=-1e-8), r"Invalid epsilon value"),
])
def test_adam_rmsprop_reject_what_torch_rejects(cls, torch_cls, kw, match):
    with pytest.raises(ValueError, match=match):
        getattr(torch.optim, torch_cls)([torch.nn.Parameter(torch.zeros(3))], **kw)
    with pytest.raises(ValueError, match=match):
        cls(np.zeros(3), **kw)
