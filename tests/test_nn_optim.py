"""Optimisers: each one traces the same 20-step trajectory as ``torch.optim``,
keeps readable per-parameter state, and refuses bad hyper-parameters by name."""

import math

import pytest

from autograd import Value
from nn.optim import SGD, AdaGrad, Adam, AdamW, RMSProp

START = [0.3, -0.8, 0.5, 0.1, -0.2, 1.2]
NAMES = ["w1", "w2", "b1", "w3", "b2", "c"]
DATA = [(0.5, -1.0, 0.7), (-0.3, 0.8, -0.2), (1.2, 0.4, 0.9), (-0.9, -0.6, -0.5)]


def objective(params):
    """A one-neuron regression plus a Rosenbrock-like valley: works on Values and tensors.

    Non-convex, every parameter couples with others, gradients of mixed sign and size.
    """
    w1, w2, b1, w3, b2, c = params
    total = (1.0 - w1) ** 2 + 3.0 * (c - w1 * w1) ** 2
    for x1, x2, target in DATA:
        prediction = w3 * (w1 * x1 + w2 * x2 + b1).tanh() + b2 * (c * x1).sigmoid()
        total = total + (prediction - target) ** 2
    return total


def trajectory(params, optimizer, read, steps):
    """Run ``steps`` optimiser steps on the objective; the parameters after each one."""
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        objective(params).backward()
        optimizer.step()
        path.append([read(p) for p in params])
    return path


def tracegrad_trajectory(make_optimizer, steps=20):
    params = [Value(start, label=name) for start, name in zip(START, NAMES)]
    return trajectory(params, make_optimizer(params), lambda p: p.data, steps)


def torch_trajectory(torch, make_optimizer, steps=20):
    params = [torch.tensor(start, dtype=torch.float64, requires_grad=True) for start in START]
    return trajectory(params, make_optimizer(params), lambda p: p.item(), steps)


# (id, tracegrad optimiser, torch.optim name, keyword arguments shared by both)
CASES = [
    ("sgd", SGD, "SGD", dict(lr=0.05)),
    ("sgd-weight-decay", SGD, "SGD", dict(lr=0.05, weight_decay=0.1)),
    ("sgd-momentum", SGD, "SGD", dict(lr=0.03, momentum=0.9)),
    ("sgd-momentum-dampening", SGD, "SGD", dict(lr=0.03, momentum=0.8, dampening=0.3,
                                                 weight_decay=0.05)),
    ("sgd-nesterov", SGD, "SGD", dict(lr=0.03, momentum=0.9, nesterov=True)),
    ("sgd-nesterov-weight-decay", SGD, "SGD", dict(lr=0.03, momentum=0.7, nesterov=True,
                                                    weight_decay=0.2)),
    ("adagrad", AdaGrad, "Adagrad", dict(lr=0.2)),
    ("adagrad-all-knobs", AdaGrad, "Adagrad", dict(lr=0.2, lr_decay=0.05, weight_decay=0.1,
                                                    initial_accumulator_value=0.3, eps=1e-6)),
    ("rmsprop", RMSProp, "RMSprop", dict(lr=0.01)),
    ("rmsprop-momentum", RMSProp, "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8)),
    ("rmsprop-centered", RMSProp, "RMSprop", dict(lr=0.01, centered=True, weight_decay=0.1)),
    ("rmsprop-centered-momentum", RMSProp, "RMSprop", dict(lr=0.005, centered=True,
                                                            momentum=0.5, eps=1e-4)),
    ("adam", Adam, "Adam", dict(lr=0.05)),
    ("adam-weight-decay", Adam, "Adam", dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.1)),
    ("adam-amsgrad", Adam, "Adam", dict(lr=0.05, amsgrad=True, eps=1e-6)),
    ("adamw", AdamW, "AdamW", dict(lr=0.05)),
    ("adamw-strong-decay", AdamW, "AdamW", dict(lr=0.05, weight_decay=0.5, betas=(0.5, 0.9))),
    ("adamw-amsgrad", AdamW, "AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.2)),
]


@pytest.mark.parametrize("ours, theirs, options", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_trajectory_matches_torch_for_20_steps(torch, ours, theirs, options):
    expected = torch_trajectory(torch, lambda p: getattr(torch.optim, theirs)(p, **options))
    actual = tracegrad_trajectory(lambda p: ours(p, **options))
    # The problem must actually move the parameters, or the comparison proves little.
    assert max(abs(a - b) for a, b in zip(actual[-1], START)) > 0.05
    for step, (ours_now, torch_now) in enumerate(zip(actual, expected), start=1):
        for name, mine, reference in zip(NAMES, ours_now, torch_now):
            assert mine == pytest.approx(reference, abs=1e-9), f"{name} at step {step}"


def test_defaults_match_torch(torch):
    for ours, theirs in [(SGD, "SGD"), (AdaGrad, "Adagrad"), (RMSProp, "RMSprop"),
                         (Adam, "Adam"), (AdamW, "AdamW")]:
        expected = torch_trajectory(torch, getattr(torch.optim, theirs), steps=5)
        actual = tracegrad_trajectory(ours, steps=5)
        assert actual[-1] == pytest.approx(expected[-1], abs=1e-9), ours.__name__


def test_sgd_reproduces_the_slides_update_of_w11():
    w11 = Value(0.4901, label="w11")
    w11.grad = -0.3835
    SGD([w11], lr=0.5).step()
    assert w11.data == pytest.approx(0.68185, abs=1e-12)


def test_zero_grad_clears_every_parameter():
    params = [Value(1.0), Value(2.0)]
    (params[0] * params[1]).backward()
    optimizer = Adam(params)
    optimizer.zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


def test_state_is_kept_per_parameter_under_readable_names():
    a, b = Value(1.0, label="a"), Value(-1.0, label="b")
    optimizer = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = 2.0, -4.0
    optimizer.step()
    assert optimizer.state[a] == {"momentum_buffer": 2.0}
    assert optimizer.state[b] == {"momentum_buffer": -4.0}
    adam = Adam([a])
    a.grad = 1.0
    adam.step()
    assert set(adam.state[a]) == {"first_moment", "second_moment"}


def test_changing_lr_between_steps_changes_the_next_step():
    w = Value(1.0)
    optimizer = SGD([w], lr=0.1)
    w.grad = 1.0
    optimizer.step()
    optimizer.lr = 0.01
    optimizer.step()
    assert w.data == pytest.approx(1.0 - 0.1 - 0.01)


def test_a_step_builds_no_graph():
    w = Value(1.0, label="w")
    (w * w).backward()
    Adam([w], lr=0.1).step()
    assert w.is_leaf and w.op is None


@pytest.mark.parametrize("make, words", [
    (lambda p: SGD(p, lr=-0.1), ["SGD", "lr", "-0.1"]),
    (lambda p: Adam(p, lr=float("nan")), ["Adam", "lr", "finite"]),
    (lambda p: Adam(p, betas=(1.0, 0.999)), ["Adam", "beta1", "1.0"]),
    (lambda p: Adam(p, betas=(0.9, -0.1)), ["Adam", "beta2", "-0.1"]),
    (lambda p: AdamW(p, betas=(0.9, 1.5)), ["AdamW", "beta2", "1.5"]),
    (lambda p: AdamW(p, weight_decay=-1), ["AdamW", "weight_decay", "-1"]),
    (lambda p: SGD(p, lr=0.1, momentum=-0.5), ["SGD", "momentum", "-0.5"]),
    (lambda p: SGD(p, lr=0.1, nesterov=True), ["SGD", "nesterov", "momentum"]),
    (lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     ["SGD", "nesterov", "dampening"]),
    (lambda p: RMSProp(p, alpha=1.5), ["RMSProp", "alpha", "1.5"]),
    (lambda p: RMSProp(p, eps=-1e-8), ["RMSProp", "eps"]),
    (lambda p: AdaGrad(p, lr_decay=-0.1), ["AdaGrad", "lr_decay", "-0.1"]),
    (lambda p: AdaGrad(p, initial_accumulator_value=-1.0),
     ["AdaGrad", "initial_accumulator_value"]),
])
def test_bad_hyper_parameters_are_refused_by_name(make, words):
    with pytest.raises(ValueError) as caught:
        make([Value(1.0)])
    for word in words:
        assert word in str(caught.value)


def test_non_numbers_and_bad_betas_are_type_errors():
    with pytest.raises(TypeError, match="Adam: lr: expected a number, got str"):
        Adam([Value(1.0)], lr="0.1")
    with pytest.raises(TypeError, match="SGD: lr: expected a number, got bool"):
        SGD([Value(1.0)], lr=True)
    with pytest.raises(TypeError, match="betas must be a pair"):
        Adam([Value(1.0)], betas=0.9)


def test_setting_a_bad_lr_later_is_refused_too():
    optimizer = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="SGD: lr must be >= 0"):
        optimizer.lr = -1.0
    assert optimizer.lr == 0.1


def test_parameter_lists_are_checked():
    with pytest.raises(ValueError, match="empty"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Value"):
        SGD(Value(1.0), lr=0.1)
    with pytest.raises(TypeError, match="parameter 1 is a float"):
        SGD([Value(1.0), 2.0], lr=0.1)
    w = Value(1.0, label="w")
    with pytest.raises(ValueError, match="'w' is listed twice"):
        Adam([w, w])
    with pytest.raises(ValueError, match="made by mul"):
        Adam([w * 2])


def test_a_non_finite_gradient_is_refused_and_nothing_moves():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    optimizer = SGD([a, b], lr=0.1)
    a.grad, b.grad = 1.0, math.inf
    with pytest.raises(ValueError, match="gradient of parameter 'b' is inf"):
        optimizer.step()
    assert (a.data, b.data) == (1.0, 2.0)


def test_an_update_that_overflows_is_refused_and_nothing_moves():
    v, w = Value(0.5, label="v"), Value(1e308, label="w")
    v.grad, w.grad = 1.0, -1e308
    optimizer = SGD([v, w], lr=10.0, momentum=0.9)
    with pytest.raises(ValueError, match="'w' would become inf"):
        optimizer.step()
    assert (v.data, w.data) == (0.5, 1e308)
    assert optimizer.state[v] == {} and optimizer.step_count == 0


@pytest.mark.parametrize("make", [AdaGrad, RMSProp, Adam, AdamW], ids=lambda make: make.__name__)
@pytest.mark.parametrize("eps", [0.0, -1e-8])
def test_eps_must_be_positive_or_a_zero_gradient_divides_by_zero(make, eps):
    with pytest.raises(ValueError) as caught:
        make([Value(1.0)], eps=eps)
    assert f"{make.__name__}: eps must be > 0, got {eps!r}" in str(caught.value)


@pytest.mark.parametrize("make", [
    lambda p: SGD(p, lr=10.0, momentum=0.9),
    lambda p: AdaGrad(p, lr=1e300, lr_decay=0.1),
    lambda p: RMSProp(p, lr=1e300, centered=True, momentum=0.5),
    lambda p: Adam(p, lr=1e300, amsgrad=True),
    lambda p: AdamW(p, lr=1e300, weight_decay=0.0),
], ids=["sgd", "adagrad", "rmsprop", "adam", "adamw"])
def test_a_refused_step_leaves_the_whole_optimiser_as_it_was(make):
    v, w = Value(0.5, label="v"), Value(1e308, label="w")
    optimizer = make([v, w])
    v.grad, w.grad = 1.0, 2.0
    optimizer.step()  # one good step, so there is state to keep
    state_before = {p: dict(optimizer.state[p]) for p in (v, w)}
    data_before = (v.data, w.data)
    v.grad, w.grad = 1.0, -1e308
    with pytest.raises(ValueError, match="'w' would become"):
        optimizer.step()
    assert optimizer.step_count == 1
    assert {p: optimizer.state[p] for p in (v, w)} == state_before
    assert (v.data, w.data) == data_before


def test_centred_rmsprop_survives_a_variance_rounded_below_zero():
    w = Value(1.0, label="w")
    optimizer = RMSProp([w], lr=0.01, alpha=0.5, centered=True)
    for _ in range(60):
        # The same gradient every step: E[g²] − E[g]² is 0, but with g = 0.7 and α = ½
        # it rounds to a hair below 0 on seven of these steps.
        w.grad = 0.7
        optimizer.step()
    assert math.isfinite(w.data) and optimizer.step_count == 60
