"""ewmakit.optim without torch (SPEC §7): the EWMA inside, structures, state dicts, errors, minimize.

The torch parity tests are in ``test_optim_torch.py``; the test functions'
gradients in ``test_optim_functions.py``.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ewmakit import ewma
from ewmakit.optim import SGD, Adam, AdamW, Optimizer, RMSprop, Trajectory, minimize

OPTIMIZERS = {
    "sgd": (SGD, dict(lr=0.05)),
    "momentum": (SGD, dict(lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    "nesterov": (SGD, dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    "rmsprop": (RMSprop, dict(lr=0.01, beta=0.9, centered=True, momentum=0.5, weight_decay=0.01)),
    "rmsprop-plain": (RMSprop, dict(lr=0.01)),
    "adam": (Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    "adam-plain": (Adam, dict(lr=0.01)),
    "adamw": (AdamW, dict(lr=0.01, weight_decay=0.1, maximize=True)),
}


def grads_for(shapes, steps, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [[(rng.lognormal() * rng.standard_normal(s)).astype(dtype) for s in shapes] for _ in range(steps)]


def run(cls, kw, params, grads, **extra):
    opt = cls(params, **kw, **extra)
    for g in grads:
        opt.step(g)
    return opt


# --------------------------------------------------------------------------- the EWMA inside


def test_adam_moments_are_bias_corrected_ewmas():
    """m̂ = ewma(g, β₁, bias_correction=True) and v̂ likewise for g² (pandas adjust=True)."""
    rng = np.random.default_rng(1)
    g = rng.standard_normal((25, 4))
    p = np.zeros(4)
    opt = Adam(p, lr=0.1, betas=(0.8, 0.95))
    for row in g:
        opt.step(row)
    st_ = opt.state_dict()["state"][0]
    t = st_["step"]
    np.testing.assert_allclose(st_["exp_avg"] / (1 - 0.8**t), ewma(g, 0.8, bias_correction=True)[-1], rtol=1e-12)
    np.testing.assert_allclose(st_["exp_avg_sq"] / (1 - 0.95**t), ewma(g**2, 0.95, bias_correction=True)[-1],
                               rtol=1e-12)


def test_rmsprop_square_avg_is_zero_start_ewma():
    rng = np.random.default_rng(2)
    g = rng.standard_normal((30, 3))
    opt = RMSprop(np.zeros(3), lr=0.01, beta=0.9, centered=True)
    for row in g:
        opt.step(row)
    st_ = opt.state_dict()["state"][0]
    np.testing.assert_allclose(st_["square_avg"], ewma(g**2, 0.9, init="zero")[-1], rtol=1e-12)
    np.testing.assert_allclose(st_["grad_avg"], ewma(g, 0.9, init="zero")[-1], rtol=1e-12)


@pytest.mark.parametrize("dampening", [0.0, 0.4])
def test_heavy_ball_buffer_is_scaled_ewma(dampening):
    """b_t = (1 − τ)/(1 − μ) · e_t; without dampening e is the zero-start EWMA (torch's b_1 = g_1)."""
    mu = 0.9
    rng = np.random.default_rng(3)
    g = rng.standard_normal((20, 2))
    opt = SGD(np.zeros(2), lr=0.1, momentum=mu, dampening=dampening)
    for row in g:
        opt.step(row)
    buf = opt.state_dict()["state"][0]["momentum_buffer"]
    if dampening == 0.0:
        np.testing.assert_allclose(buf, ewma(g, mu, init="zero")[-1] / (1 - mu), rtol=1e-12)
    else:  # torch starts from b_1 = g_1: an EWMA with start value g_1·(1 − μ)/(1 − τ) before row 1
        scale = (1 - dampening) / (1 - mu)
        e = ewma(g[1:], mu, init=g[0] / scale)[-1]
        np.testing.assert_allclose(buf, scale * e, rtol=1e-12)


def test_heavy_ball_equals_ewma_momentum_with_scaled_lr():
    """p ← p − η·b (heavy ball) and p ← p − η/(1 − μ)·e (EWMA momentum) take the same path."""
    rng = np.random.default_rng(4)
    g = rng.standard_normal((40, 3))
    p = np.zeros(3)
    opt = SGD(p, lr=0.02, momentum=0.9)
    path = []
    for row in g:
        opt.step(row)
        path.append(p.copy())
    e = ewma(g, 0.9, init="zero")
    np.testing.assert_allclose(np.array(path), -np.cumsum(0.02 / (1 - 0.9) * e, axis=0), rtol=1e-10, atol=1e-14)


def test_fused_kernels_inline_the_package_ema_step():
    """The fused loops call the one EWMA step of the engine's rules; the composed path calls ewma_update."""
    from pathlib import Path

    import ewmakit

    engine = Path(ewmakit.__file__).parent / "_engine"
    src = (engine / "_optim.pyx").read_text()
    assert src.count("ema_step(") >= 6
    assert "from ._rules cimport ema_step" in src
    assert "ema_step(" in (engine / "_mean.pyx").read_text()  # ewma_update loops over the same step


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_fused_equals_composed_bitwise(name, dtype):
    """The compiled one-pass kernel and the readable array composition give identical bits."""
    cls, kw = OPTIMIZERS[name]
    shapes = [(5,), (2, 3)]
    rng = np.random.default_rng(5)
    start = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = grads_for(shapes, 30, dtype)
    a = [x.copy() for x in start]
    b = [x.copy() for x in start]
    run(cls, kw, a, grads, fused=True)
    run(cls, kw, b, grads, fused=False)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@settings(max_examples=30, deadline=None)
@given(
    lr=st.floats(0.0, 0.5),
    b1=st.floats(0.0, 0.99),
    b2=st.floats(0.0, 0.999),
    eps=st.floats(1e-10, 1e-2),
    wd=st.floats(0.0, 0.5),
    amsgrad=st.booleans(),
    maximize=st.booleans(),
    decoupled=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_fused_equals_composed_adam_property(lr, b1, b2, eps, wd, amsgrad, maximize, decoupled, seed):
    cls = AdamW if decoupled else Adam
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(9)
    grads = [rng.standard_normal(9) * rng.lognormal() for _ in range(8)]
    kw = dict(lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, amsgrad=amsgrad, maximize=maximize)
    a, b = p0.copy(), p0.copy()
    run(cls, kw, a, grads, fused=True)
    run(cls, kw, b, grads, fused=False)
    np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_array_list_dict_params_agree_and_update_in_place(name):
    cls, kw = OPTIMIZERS[name]
    shapes = [(4,), (2, 3), ()]
    rng = np.random.default_rng(6)
    start = [rng.standard_normal(s) for s in shapes]
    grads = grads_for(shapes, 12)

    as_list = [x.copy() for x in start]
    ids = [id(x) for x in as_list]
    run(cls, kw, as_list, grads)
    assert [id(x) for x in as_list] == ids

    as_dict = {f"w{i}": x.copy() for i, x in enumerate(start)}
    originals = dict(as_dict)
    run(cls, kw, as_dict, [{f"w{i}": g for i, g in enumerate(gs)} for gs in grads])
    assert all(as_dict[k] is originals[k] for k in as_dict)

    as_tuple = tuple(x.copy() for x in start)
    run(cls, kw, as_tuple, [tuple(gs) for gs in grads])

    singles = [x.copy() for x in start]
    for i, x in enumerate(singles):  # each array alone: the same numbers
        run(cls, kw, x, [gs[i] for gs in grads])

    for i in range(len(shapes)):
        np.testing.assert_array_equal(as_list[i], as_dict[f"w{i}"])
        np.testing.assert_array_equal(as_list[i], as_tuple[i])
        np.testing.assert_array_equal(as_list[i], singles[i])
        assert as_list[i].shape == shapes[i]


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_non_contiguous_params_are_updated_in_place(name):
    cls, kw = OPTIMIZERS[name]
    rng = np.random.default_rng(7)
    base = rng.standard_normal((6, 8))
    view = base[::2, 1::3]  # strided view into the user's array
    assert not view.flags.c_contiguous
    transposed = rng.standard_normal((5, 3)).T
    expected_view, expected_t = view.copy(), transposed.copy()
    grads = grads_for([view.shape, transposed.shape], 10)
    before = base.copy()
    run(cls, kw, [view, transposed], grads)
    run(cls, kw, [expected_view, expected_t], grads)
    np.testing.assert_array_equal(view, expected_view)
    np.testing.assert_array_equal(transposed, expected_t)
    mask = np.ones(base.shape, bool)
    mask[::2, 1::3] = False
    np.testing.assert_array_equal(base[mask], before[mask])  # the rest of the base untouched
    np.testing.assert_array_equal(base[::2, 1::3], expected_view)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_float32_stays_float32(name):
    cls, kw = OPTIMIZERS[name]
    p = np.linspace(-1, 1, 10, dtype=np.float32)
    opt = cls(p, **kw)
    for g in grads_for([(10,)], 5):  # float64 gradients are cast to the parameter's dtype
        opt.step(g[0])
    assert p.dtype == np.float32
    for k, v in opt.state_dict()["state"][0].items():
        if isinstance(v, np.ndarray):
            assert v.dtype == np.float32, k


def test_none_gradient_skips_that_parameter():
    a, b = np.ones(3), np.ones(2)
    opt = Adam([a, b], lr=0.1)
    opt.step([np.ones(3), None])
    assert np.all(a < 1) and np.all(b == 1)
    opt.step([np.ones(3), np.ones(2)])
    st_ = opt.state_dict()["state"]
    assert st_[0]["step"] == 2 and st_[1]["step"] == 1  # per-parameter step, as torch
    np.testing.assert_allclose(b, 0.9)  # its first step: bias-corrected, a full lr


def test_gradient_aliasing_the_parameter():
    p = np.array([1.0, -2.0, 4.0])
    SGD(p, lr=0.25).step(p)  # the gradient of ½‖p‖² is p itself
    np.testing.assert_array_equal(p, [0.75, -1.5, 3.0])


def test_repr_and_properties():
    p = {"w": np.zeros((2, 2))}
    opt = Adam(p, lr=0.5)
    assert opt.params is p
    assert opt.t == 0 and opt.lr == 0.5
    assert "Adam(lr=0.5" in repr(opt) and "4 values" in repr(opt)
    assert isinstance(opt, Optimizer)
    assert opt.hyperparameters["betas"] == (0.9, 0.999)


# --------------------------------------------------------------------------- lr


def test_callable_lr_gets_the_number_of_steps_taken():
    seen = []

    def schedule(t):
        seen.append(t)
        return 0.5

    p = np.zeros(1)
    opt = SGD(p, lr=schedule)
    for _ in range(3):
        opt.step(np.ones(1))
    assert seen == [0, 1, 2]
    assert opt.lr is schedule and opt.t == 3
    np.testing.assert_allclose(p, [-1.5])
    assert opt.lr_at(7) == 0.5


def test_lr_can_be_changed_between_steps():
    p = np.zeros(1)
    opt = SGD(p, lr=1.0)
    opt.step(np.ones(1))
    opt.lr = 0.5
    opt.step(np.ones(1))
    np.testing.assert_allclose(p, [-1.5])
    with pytest.raises(ValueError, match=r"lr must be in \[0, inf\), got -0\.5"):
        opt.lr = -0.5


def test_callable_lr_returning_a_bad_value():
    opt = SGD(np.zeros(1), lr=lambda t: 0.1 - 0.1 * t)
    opt.step(np.ones(1))
    opt.step(np.ones(1))
    with pytest.raises(ValueError, match=r"lr\(2\) must be in \[0, inf\), got -0\.1"):
        opt.step(np.ones(1))


# --------------------------------------------------------------------------- state dicts


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_state_dict_round_trip_resumes_identically(name, dtype):
    cls, kw = OPTIMIZERS[name]
    shapes = [(3,), (2, 2)]
    rng = np.random.default_rng(8)
    start = {f"p{i}": rng.standard_normal(s).astype(dtype) for i, s in enumerate(shapes)}
    grads = [{f"p{i}": g for i, g in enumerate(gs)} for gs in grads_for(shapes, 20, dtype)]

    straight = {k: v.copy() for k, v in start.items()}
    run(cls, kw, straight, grads)

    first = {k: v.copy() for k, v in start.items()}
    opt = run(cls, kw, first, grads[:9])
    blob = pickle.dumps(opt.state_dict())
    resumed = {k: v.copy() for k, v in first.items()}  # the parameters as they were at the save
    opt.step(grads[9])  # the saved dict is a copy: later steps do not change it
    opt2 = cls(resumed)  # default hyper-parameters; the saved ones replace them
    opt2.load_state_dict(pickle.loads(blob))
    assert opt2.hyperparameters == opt.hyperparameters
    assert opt2.t == 9
    for g in grads[9:]:
        opt2.step(g)
    for k, v in straight.items():
        np.testing.assert_array_equal(resumed[k], v)


def test_state_dict_is_plain_and_shaped_like_params():
    p = [np.zeros((2, 3)), np.zeros(4, dtype=np.float32)]
    opt = Adam(p, lr=0.1, amsgrad=True)
    opt.step([np.ones((2, 3)), np.ones(4)])
    d = opt.state_dict()
    assert d["optimizer"] == "Adam" and d["t"] == 1 and d["keys"] is None
    assert d["hyperparameters"] == {"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0,
                                    "amsgrad": True, "maximize": False}
    assert d["state"][0]["exp_avg"].shape == (2, 3)
    assert d["state"][1]["max_exp_avg_sq"].dtype == np.float32
    assert set(d["state"][0]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    d["state"][0]["exp_avg"][...] = 99.0  # a copy, not the live state
    assert opt.state_dict()["state"][0]["exp_avg"][0, 0] == pytest.approx(0.1)


def test_state_dict_with_a_schedule_keeps_the_loading_optimizers_lr():
    def schedule(t):
        return 0.1 / (1 + t)

    a = np.ones(2)
    opt = Adam(a, lr=schedule)
    opt.step(np.ones(2))
    d = opt.state_dict()
    assert d["hyperparameters"]["lr"] is None
    pickle.dumps(d)
    b = a.copy()
    opt2 = Adam(b, lr=schedule)
    opt2.load_state_dict(d)
    opt.step(np.ones(2))
    opt2.step(np.ones(2))
    np.testing.assert_array_equal(a, b)


def test_load_state_dict_errors():
    opt = Adam({"w": np.zeros(3)})
    with pytest.raises(ValueError, match=r"must come from Adam.state_dict\(\), got one from 'SGD'"):
        opt.load_state_dict(SGD({"w": np.zeros(3)}).state_dict())
    with pytest.raises(ValueError, match=r"keys \['v'\], this optimizer has \['w'\]"):
        opt.load_state_dict(Adam({"v": np.zeros(3)}).state_dict())
    other = Adam({"w": np.zeros(4)})
    other.step({"w": np.ones(4)})
    with pytest.raises(ValueError, match=r"shape \(4,\), expected \(3,\)"):
        opt.load_state_dict(other.state_dict())
    with pytest.raises(ValueError, match=r"2 parameters, this optimizer has 1"):
        opt.load_state_dict({**opt.state_dict(), "state": [{}, {}]})
    bad = Adam({"w": np.zeros(3)}).state_dict()
    bad["hyperparameters"]["betas"] = (1.5, 0.9)
    with pytest.raises(ValueError, match=r"betas\[0\] must be in \[0, 1\), got 1.5"):
        opt.load_state_dict(bad)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("make, match", [
    (lambda p: SGD(p, lr=-1), r"Invalid learning rate: lr must be in \[0, inf\), got -1"),
    (lambda p: SGD(p, lr=float("nan")), r"lr must be in \[0, inf\), got nan"),
    (lambda p: SGD(p, lr=float("inf")), r"lr must be in \[0, inf\), got inf"),
    (lambda p: SGD(p, momentum=1.0), r"momentum must be in \[0, 1\), got 1.0"),
    (lambda p: SGD(p, momentum=-0.1), r"momentum must be in \[0, 1\), got -0.1"),
    (lambda p: SGD(p, dampening=1.5), r"dampening must be in \[0, 1\], got 1.5"),
    (lambda p: SGD(p, weight_decay=-1e-4), r"weight_decay must be in \[0, inf\), got -0.0001"),
    (lambda p: SGD(p, nesterov=True), r"Nesterov momentum requires a momentum and zero dampening.*momentum=0.0"),
    (lambda p: SGD(p, momentum=0.9, dampening=0.1, nesterov=True), r"dampening=0.1"),
    (lambda p: RMSprop(p, beta=1.0), r"beta must be in \[0, 1\), got 1.0"),
    (lambda p: RMSprop(p, beta=-0.5), r"beta must be in \[0, 1\), got -0.5"),
    (lambda p: RMSprop(p, momentum=1.2), r"momentum must be in \[0, 1\), got 1.2"),
    (lambda p: RMSprop(p, eps=-1.0), r"eps must be in \[0, inf\), got -1.0"),
    (lambda p: Adam(p, betas=(0.9, 1.0)), r"betas\[1\] must be in \[0, 1\), got 1.0"),
    (lambda p: Adam(p, betas=(-0.1, 0.9)), r"betas\[0\] must be in \[0, 1\), got -0.1"),
    (lambda p: Adam(p, betas=0.9), r"betas must be a pair"),
    (lambda p: Adam(p, betas=(0.9, 0.99, 0.999)), r"betas must be a pair"),
    (lambda p: AdamW(p, weight_decay=-0.01), r"weight_decay must be in \[0, inf\), got -0.01"),
])
def test_bad_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make(np.zeros(3))


@pytest.mark.parametrize("make, match", [
    (lambda p: SGD(p, lr=True), r"lr must be a real number, got True"),
    (lambda p: SGD(p, lr="0.1"), r"lr must be a real number, got '0.1'"),
    (lambda p: SGD(p, nesterov=1), r"nesterov must be True or False, got 1"),
    (lambda p: Adam(p, amsgrad="yes"), r"amsgrad must be True or False"),
    (lambda p: Adam(p, fused=None), r"fused must be True or False"),
])
def test_bad_hyperparameter_types(make, match):
    with pytest.raises(TypeError, match=match):
        make(np.zeros(3))


@pytest.mark.parametrize("params, exc, match", [
    (1.0, TypeError, r"params must be a float numpy array or a list/tuple/dict of them, got float"),
    (np.arange(3), TypeError, r"params must be a float32 or float64 array .* got dtype int64"),
    ([np.zeros(2), np.arange(2)], TypeError, r"params\[1\] must be a float32 or float64 array"),
    ({"a": [1.0, 2.0]}, TypeError, r"params\['a'\] must be a float32 or float64 numpy array .* got list"),
    ([1.0], TypeError, r"params\[0\] .* got float \(use ewmakit.optim.minimize"),
    ([], ValueError, r"empty parameter list"),
    ({}, ValueError, r"empty parameter list"),
])
def test_bad_params(params, exc, match):
    with pytest.raises(exc, match=match):
        Adam(params)


def test_read_only_and_shared_params_are_refused():
    ro = np.zeros(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match=r"params must be writeable"):
        SGD(ro)
    a = np.zeros(10)
    with pytest.raises(ValueError, match=r"params\[0\] and params\[2\] share memory"):
        SGD([a, np.zeros(2), a])
    with pytest.raises(ValueError, match=r"share memory"):
        SGD([a[2:6], a[4:8]])
    SGD([a[0::2], a[1::2]])  # interleaved views do not overlap: fine


def test_bad_grads():
    opt = Adam({"w": np.zeros(3), "b": np.zeros(())})
    with pytest.raises(ValueError, match=r"gradient of params\['w'\] must have shape \(3,\), got \(4,\)"):
        opt.step({"w": np.zeros(4), "b": 0.0})
    with pytest.raises(ValueError, match=r"missing \['b'\], unexpected \['c'\]"):
        opt.step({"w": np.zeros(3), "c": 0.0})
    with pytest.raises(TypeError, match=r"grads must be a dict"):
        opt.step([np.zeros(3), 0.0])
    with pytest.raises(TypeError, match=r"must hold real numbers"):
        opt.step({"w": np.array(["a", "b", "c"]), "b": 0.0})
    lst = SGD([np.zeros(2), np.zeros(2)])
    with pytest.raises(ValueError, match=r"one entry per parameter \(2\), got 1"):
        lst.step([np.zeros(2)])
    # a failed step leaves everything untouched
    assert opt.t == 0 and lst.t == 0


def test_failed_step_updates_nothing():
    a, b = np.ones(2), np.ones(3)
    opt = SGD([a, b], lr=0.1)
    with pytest.raises(ValueError):
        opt.step([np.ones(2), np.ones(4)])
    np.testing.assert_array_equal(a, 1.0)
    assert opt.state_dict()["state"][0] == {}


# --------------------------------------------------------------------------- minimize


def quad(t):
    return t**2


def dquad(t):
    return 2 * t


def test_classic_momentum_table():
    r = minimize(quad, 10.0, "sgd", grad=dquad, lr=0.1, momentum=0.5, loss_tol=1e-2)
    np.testing.assert_allclose(r.path[:, 0], [10.0, 8.0, 5.4, 3.02, 1.226, 0.0838], rtol=1e-12)
    assert r.nit == 5 and r.converged
    assert isinstance(r.x, float) and r.x == pytest.approx(0.0838)  # numpy.float64 is a float
    assert r.fun == pytest.approx(0.0838**2)
    np.testing.assert_allclose(r.losses, r.path[:, 0] ** 2)
    np.testing.assert_allclose(r.grad_norms, 2 * np.abs(r.path[:, 0]))
    assert "loss_tol" in r.message


def test_classic_table_without_momentum_takes_21_steps():
    r = minimize(quad, 10.0, "sgd", grad=dquad, lr=0.1, momentum=0, loss_tol=1e-2)
    assert r.nit == 21 and r.converged
    np.testing.assert_allclose(r.path[:, 0], 10 * 0.8 ** np.arange(22), rtol=1e-12)


def test_classic_table_momentum_09_overshoots():
    r = minimize(quad, 10.0, "sgd", grad=dquad, lr=0.1, momentum=0.9, loss_tol=1e-2, steps=500)
    np.testing.assert_allclose(r.path[1:7, 0], [8.0, 4.6, 0.62, -3.086, -5.8042, -7.08974], rtol=1e-10)
    assert r.path[:, 0].min() == pytest.approx(-7.08974)
    assert r.path[7, 0] > r.path[6, 0]  # ... and comes back
    assert r.converged


def test_method_names_and_classes():
    base = dict(grad=dquad, lr=0.1, steps=3)
    assert np.array_equal(minimize(quad, 10.0, "momentum", **base).path,
                          minimize(quad, 10.0, SGD, momentum=0.9, **base).path)
    assert np.array_equal(minimize(quad, 10.0, "nesterov", **base).path,
                          minimize(quad, 10.0, "sgd", momentum=0.9, nesterov=True, **base).path)
    assert minimize(quad, 10.0, "momentum", momentum=0.5, **base).path[2, 0] == pytest.approx(5.4)
    for m in ("rmsprop", "adam", "adamw", "ADAM", RMSprop):
        r = minimize(quad, 10.0, m, **base)
        assert r.nit == 3 and r.path.shape == (4, 1)
    with pytest.raises(ValueError, match=r"method must be one of .*'adam'.* got 'lbfgs'"):
        minimize(quad, 10.0, "lbfgs")
    with pytest.raises(TypeError, match=r"method must be a name"):
        minimize(quad, 10.0, 3)
    with pytest.raises(ValueError, match=r"Invalid learning rate"):
        minimize(quad, 10.0, "sgd", lr=-1)


def test_minimize_arrays_and_central_differences():
    def rosen(x):
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2

    def rosen_grad(x):
        return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])

    x0 = np.array([-1.2, 1.0])
    keep = x0.copy()
    a = minimize(rosen, x0, "adam", grad=rosen_grad, lr=0.02, steps=3000)
    b = minimize(rosen, x0, "adam", lr=0.02, steps=3000)  # central differences
    np.testing.assert_array_equal(x0, keep)  # x0 untouched
    assert a.path.shape == (a.nit + 1, 2) and a.losses.shape == a.grad_norms.shape == (a.nit + 1,)
    assert a.x.shape == (2,)
    np.testing.assert_allclose(a.x, [1.0, 1.0], atol=2e-2)
    np.testing.assert_allclose(b.path[:50], a.path[:50], rtol=1e-6, atol=1e-8)


def test_minimize_matrix_x0_keeps_its_shape():
    target = np.arange(6.0).reshape(2, 3)
    r = minimize(lambda x: float(np.sum((x - target) ** 2)), np.zeros((2, 3)), "adam",
                 grad=lambda x: 2 * (x - target), lr=0.1, steps=2000, grad_tol=1e-6)
    assert r.converged and "grad_tol" in r.message
    assert r.x.shape == (2, 3) and r.path.shape == (r.nit + 1, 6)
    np.testing.assert_allclose(r.x, target, atol=1e-5)


def test_minimize_float32_x0():
    r = minimize(lambda x: float(np.sum(x**2)), np.array([3.0, -2.0], dtype=np.float32), "sgd",
                 grad=lambda x: 2 * x, lr=0.1, steps=5)
    assert r.path.dtype == np.float32 and r.x.dtype == np.float32


def test_minimize_nan_gradient_names_the_step():
    def grad(t):
        return float("nan") if t < 5 else 2 * t

    r = minimize(quad, 10.0, "sgd", grad=grad, lr=0.1, loss_tol=1e-2)
    assert not r.converged
    assert r.nit == 4 and "step 4" in r.message and "nan" in r.message
    assert r.path.shape == (5, 1)


def test_minimize_nan_at_start():
    r = minimize(lambda t: float("nan"), 1.0, "adam", grad=dquad)
    assert not r.converged and r.nit == 0 and "step 0" in r.message


def test_minimize_divergence_is_reported():
    with np.errstate(over="ignore"):  # quad(t) overflows to inf
        r = minimize(quad, 10.0, "sgd", grad=dquad, lr=1.5, steps=10_000)  # |x| doubles each step
    assert not r.converged and "diverged" in r.message and "inf" in r.message
    assert f"step {r.nit}" in r.message
    short = minimize(quad, 10.0, "sgd", grad=dquad, lr=1.5, steps=20)
    assert not short.converged and "diverging" in short.message and "stopped after steps=20" in short.message


def test_minimize_without_tolerances_runs_all_steps():
    r = minimize(quad, 10.0, "sgd", grad=dquad, lr=0.1, steps=7)
    assert r.nit == 7 and not r.converged and r.message == "stopped after steps=7"
    assert minimize(quad, 10.0, "sgd", grad=dquad, steps=0).nit == 0


def test_minimize_callback():
    seen = []

    def cb(t, x, loss):
        seen.append((t, x, loss))
        return t == 3

    r = minimize(quad, 10.0, "sgd", grad=dquad, lr=0.1, callback=cb)
    assert r.nit == 3 and "callback" in r.message and not r.converged
    assert [s[0] for s in seen] == [1, 2, 3]
    assert seen[0][1] == pytest.approx(8.0) and seen[0][2] == pytest.approx(64.0)


def test_minimize_already_converged_start():
    r = minimize(quad, 0.01, "sgd", grad=dquad, loss_tol=1e-2)
    assert r.converged and r.nit == 0


@pytest.mark.parametrize("kw, exc, match", [
    (dict(steps=-1), ValueError, r"steps must be an integer >= 0, got -1"),
    (dict(steps=2.5), ValueError, r"steps must be an integer"),
    (dict(loss_tol="small"), ValueError, r"loss_tol must be a number"),
    (dict(grad_tol=-1.0), ValueError, r"grad_tol must be in \[0, inf\), got -1.0"),
    (dict(grad=3), TypeError, r"grad must be callable"),
    (dict(callback="x"), TypeError, r"callback must be callable"),
])
def test_minimize_bad_arguments(kw, exc, match):
    with pytest.raises(exc, match=match):
        minimize(quad, 1.0, **kw)


def test_minimize_bad_grad_shape():
    with pytest.raises(ValueError, match=r"grad\(x\) must have the shape of x0 \(2,\), got \(3,\)"):
        minimize(lambda x: 0.0, np.zeros(2), grad=lambda x: np.zeros(3))


def test_trajectory_repr():
    r = minimize(quad, 10.0, "sgd", grad=dquad, lr=0.1, momentum=0.5, loss_tol=1e-2)
    assert isinstance(r, Trajectory)
    assert repr(r).startswith("Trajectory(x=0.0838") and "nit=5" in repr(r) and "converged=True" in repr(r)
    assert math.isfinite(r.fun)
