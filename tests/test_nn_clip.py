"""Gradient clipping and normalisation: the gradients (and returned norms) of
torch.nn.utils.clip_grad_norm_ / clip_grad_value_, and clear errors."""

import math

import pytest

from autograd import Value
from nn.clip import clip_by_norm, clip_by_value, gradient_norm, normalize_gradients

GRADIENTS = [3.0, -4.0, 0.5, 12.0, -0.25]  # Euclidean norm 13.0118...


def with_gradients(gradients):
    params = [Value(0.0, label=f"w{k}") for k in range(1, len(gradients) + 1)]
    for parameter, gradient in zip(params, gradients):
        parameter.grad = gradient
    return params


def torch_parameters(torch, gradients):
    params = [torch.zeros(1, dtype=torch.float64, requires_grad=True) for _ in gradients]
    for parameter, gradient in zip(params, gradients):
        parameter.grad = torch.tensor([gradient], dtype=torch.float64)
    return params


@pytest.mark.parametrize("max_norm, norm_type", [
    (5.0, 2.0), (20.0, 2.0), (1.0, 1.0), (3.0, math.inf), (2.0, 3.0), (0.0, 2.0),
])
def test_clip_by_norm_matches_torch(torch, max_norm, norm_type):
    expected_params = torch_parameters(torch, GRADIENTS)
    expected_norm = torch.nn.utils.clip_grad_norm_(expected_params, max_norm, norm_type)
    params = with_gradients(GRADIENTS)
    norm = clip_by_norm(params, max_norm, norm_type)
    assert norm == pytest.approx(expected_norm.item(), rel=1e-12)
    assert [p.grad for p in params] == pytest.approx(
        [p.grad.item() for p in expected_params], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("limit", [0.0, 0.3, 3.5, 100.0])
def test_clip_by_value_matches_torch(torch, limit):
    expected_params = torch_parameters(torch, GRADIENTS)
    torch.nn.utils.clip_grad_value_(expected_params, limit)
    params = with_gradients(GRADIENTS)
    assert clip_by_value(params, limit) is None
    assert [p.grad for p in params] == [p.grad.item() for p in expected_params]


def test_clip_by_norm_keeps_the_direction_and_returns_the_norm_before():
    params = with_gradients([3.0, 4.0])
    assert clip_by_norm(params, 1.0) == 5.0
    assert [p.grad for p in params] == pytest.approx([0.6, 0.8], rel=1e-5)


def test_a_short_gradient_is_left_alone():
    params = with_gradients([0.3, -0.4])
    assert clip_by_norm(params, 1.0) == pytest.approx(0.5)
    assert [p.grad for p in params] == [0.3, -0.4]


def test_normalize_gradients_gives_the_target_length():
    params = with_gradients(GRADIENTS)
    before = normalize_gradients(params, target_norm=2.0)
    assert before == pytest.approx(gradient_norm(with_gradients(GRADIENTS)))
    assert gradient_norm(params) == pytest.approx(2.0)
    assert params[0].grad / params[1].grad == pytest.approx(3.0 / -4.0)


def test_normalize_leaves_a_zero_gradient_at_zero():
    params = with_gradients([0.0, 0.0])
    assert normalize_gradients(params) == 0.0
    assert [p.grad for p in params] == [0.0, 0.0]


def test_gradient_norm_of_large_gradients_does_not_overflow():
    assert gradient_norm(with_gradients([3e200, 4e200])) == pytest.approx(5e200)


def test_non_finite_gradients_are_refused_by_name():
    with pytest.raises(ValueError, match="clip_by_norm: the gradient of parameter 'w2' is nan"):
        clip_by_norm(with_gradients([1.0, math.nan]), 1.0)
    with pytest.raises(ValueError, match="normalize_gradients: .* 'w1' is inf"):
        normalize_gradients(with_gradients([math.inf, 1.0]))
    with pytest.raises(ValueError, match="clip_by_value: .* 'w1' is nan"):
        clip_by_value(with_gradients([math.nan]), 1.0)


def test_clip_by_value_tames_an_infinite_gradient():
    params = with_gradients([math.inf, -math.inf])
    clip_by_value(params, 2.0)
    assert [p.grad for p in params] == [2.0, -2.0]


@pytest.mark.parametrize("call, message", [
    (lambda p: clip_by_norm(p, -1.0), "clip_by_norm: max_norm must be >= 0, got -1.0"),
    (lambda p: clip_by_norm(p, 1.0, norm_type=0), "clip_by_norm: norm_type must be > 0, got 0"),
    (lambda p: clip_by_value(p, math.nan), "clip_by_value: limit: expected a finite number, got nan"),
    (lambda p: normalize_gradients(p, target_norm=0.0),
     "normalize_gradients: target_norm must be > 0, got 0.0"),
])
def test_bad_settings_are_refused_by_name(call, message):
    with pytest.raises(ValueError) as caught:
        call(with_gradients([1.0]))
    assert message in str(caught.value)


def test_a_p_norm_of_huge_gradients_does_not_overflow_on_the_way():
    parameters = with_gradients([3e200, 4e200])
    assert gradient_norm(parameters, norm_type=3.0) == pytest.approx((27 + 64) ** (1 / 3) * 1e200)
    with pytest.raises(ValueError, match="the 1e-300-norm of the gradients is beyond a 64-bit float"):
        gradient_norm(with_gradients([1.0, 1.0]), norm_type=1e-300)


def test_parameters_must_be_values():
    with pytest.raises(TypeError, match="clip_by_norm: parameter 0 is a float"):
        clip_by_norm([1.0], 1.0)
    with pytest.raises(TypeError, match="clip_by_value: limit: expected a number, got str"):
        clip_by_value(with_gradients([1.0]), "1")
