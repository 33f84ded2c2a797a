"""Learning-rate schedules: the same lr sequences as torch.optim.lr_scheduler,
written into the optimiser they drive."""

import math

import pytest

from autograd import Value
from nn.optim import SGD
from nn.schedules import CosineAnnealing, ExponentialDecay, StepDecay

EPOCHS = 25

CASES = [
    ("step", lambda o: StepDecay(o, step_size=4, gamma=0.5), "StepLR",
     dict(step_size=4, gamma=0.5)),
    ("step-default-gamma", lambda o: StepDecay(o, step_size=3), "StepLR", dict(step_size=3)),
    ("exponential", lambda o: ExponentialDecay(o, gamma=0.9), "ExponentialLR",
     dict(gamma=0.9)),
    ("cosine", lambda o: CosineAnnealing(o, period=10), "CosineAnnealingLR", dict(T_max=10)),
    ("cosine-with-floor", lambda o: CosineAnnealing(o, period=7, minimum_lr=0.01),
     "CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
]


def tracegrad_lrs(make_schedule):
    optimizer = SGD([Value(1.0)], lr=0.3)
    schedule = make_schedule(optimizer)
    lrs = [optimizer.lr]
    for _ in range(EPOCHS):
        optimizer.step()
        schedule.step()
        lrs.append(optimizer.lr)
    return lrs


def torch_lrs(torch, name, options):
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=0.3)
    schedule = getattr(torch.optim.lr_scheduler, name)(optimizer, **options)
    lrs = [optimizer.param_groups[0]["lr"]]
    for _ in range(EPOCHS):
        parameter.grad = torch.zeros(1)
        optimizer.step()
        schedule.step()
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


@pytest.mark.parametrize("make, name, options", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_lr_sequence_matches_torch(torch, make, name, options):
    assert tracegrad_lrs(make) == pytest.approx(torch_lrs(torch, name, options),
                                                rel=1e-12, abs=1e-15)


def test_step_decay_by_hand():
    lrs = tracegrad_lrs(lambda o: StepDecay(o, step_size=2, gamma=0.1))
    assert lrs[:6] == pytest.approx([0.3, 0.3, 0.03, 0.03, 0.003, 0.003])


def test_cosine_reaches_its_floor_after_one_period():
    optimizer = SGD([Value(1.0)], lr=1.0)
    schedule = CosineAnnealing(optimizer, period=4, minimum_lr=0.1)
    assert [schedule.step() for _ in range(4)] == pytest.approx(
        [0.1 + 0.9 * (1 + math.cos(math.pi * k / 4)) / 2 for k in range(1, 5)])
    assert optimizer.lr == pytest.approx(0.1)


def test_lr_at_previews_without_changing_the_optimiser():
    optimizer = SGD([Value(1.0)], lr=0.5)
    schedule = ExponentialDecay(optimizer, gamma=0.5)
    assert schedule.lr_at(3) == 0.0625
    assert optimizer.lr == 0.5 and schedule.epoch == 0


@pytest.mark.parametrize("make, message", [
    (lambda o: StepDecay(o, step_size=0), "StepDecay: step_size must be >= 1, got 0"),
    (lambda o: StepDecay(o, step_size=2.5), "StepDecay: step_size: expected a whole number, got float 2.5"),
    (lambda o: StepDecay(o, step_size=2, gamma=1.5), "StepDecay: gamma must be in [0, 1], got 1.5"),
    (lambda o: ExponentialDecay(o, gamma=-0.5), "ExponentialDecay: gamma must be in [0, 1], got -0.5"),
    (lambda o: ExponentialDecay(o, gamma=1.01), "ExponentialDecay: gamma must be in [0, 1], got 1.01"),
    (lambda o: ExponentialDecay(o, gamma=float("inf")), "ExponentialDecay: gamma: expected a finite number"),
    (lambda o: ExponentialDecay(o, gamma="0.5"), "ExponentialDecay: gamma: expected a number, got str"),
    (lambda o: CosineAnnealing(o, period=0), "CosineAnnealing: period must be >= 1"),
    (lambda o: CosineAnnealing(o, period=5, minimum_lr=-1),
     "CosineAnnealing: minimum_lr must be >= 0, got -1"),
])
def test_bad_settings_are_refused_by_name(make, message):
    with pytest.raises((ValueError, TypeError)) as caught:
        make(SGD([Value(1.0)], lr=0.1))
    assert message in str(caught.value)


def test_a_schedule_needs_an_optimiser():
    with pytest.raises(TypeError, match="StepDecay: expected an optimiser"):
        StepDecay(object(), step_size=2)
