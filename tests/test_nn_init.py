"""Initialisers: shape, seeding, and the spread each one promises (loose but failable bounds)."""

import math
import random
import statistics

import pytest

from nn import Layer, MLP
from nn.init import (
    INITIALISERS,
    default_initialiser,
    he_normal,
    he_uniform,
    initial_weights,
    normal,
    uniform,
    xavier_normal,
    xavier_uniform,
)

FAN_IN, FAN_OUT = 200, 100  # 20,000 draws: the sample spread is within ~1% of the truth


def flat(rows):
    return [number for row in rows for number in row]


@pytest.mark.parametrize("name", sorted(INITIALISERS))
def test_shape_is_fan_in_rows_by_fan_out_columns(name):
    rows = initial_weights(name, 3, 2, rng=0)
    assert len(rows) == 3 and all(len(row) == 2 for row in rows)
    assert all(isinstance(number, float) and math.isfinite(number) for number in flat(rows))


@pytest.mark.parametrize("name", sorted(INITIALISERS))
def test_same_seed_same_numbers_other_seed_other_numbers(name):
    assert initial_weights(name, 4, 5, rng=1) == initial_weights(name, 4, 5, rng=random.Random(1))
    assert initial_weights(name, 4, 5, rng=1) != initial_weights(name, 4, 5, rng=2)


def spread(rows):
    numbers = flat(rows)
    return statistics.fmean(numbers), statistics.pstdev(numbers), max(map(abs, numbers))


@pytest.mark.parametrize("make, std, limit", [
    (lambda: uniform(FAN_IN, FAN_OUT, -1.0, 1.0, rng=3), 1 / math.sqrt(3), 1.0),
    (lambda: normal(FAN_IN, FAN_OUT, 0.0, 2.0, rng=3), 2.0, None),
    (lambda: xavier_uniform(FAN_IN, FAN_OUT, rng=3), math.sqrt(2 / 300), math.sqrt(6 / 300)),
    (lambda: xavier_normal(FAN_IN, FAN_OUT, rng=3), math.sqrt(2 / 300), None),
    (lambda: he_uniform(FAN_IN, FAN_OUT, rng=3), math.sqrt(2 / 200), math.sqrt(6 / 200)),
    (lambda: he_normal(FAN_IN, FAN_OUT, rng=3), math.sqrt(2 / 200), None),
])
def test_mean_near_zero_and_the_promised_standard_deviation(make, std, limit):
    mean, sample_std, largest = spread(make())
    assert abs(mean) < 0.05 * std
    assert sample_std == pytest.approx(std, rel=0.03)
    if limit is not None:
        assert largest <= limit
        assert largest > 0.98 * limit  # the whole range is used, not a narrower one


def test_uniform_and_normal_respect_their_arguments():
    mean, sample_std, _ = spread(normal(FAN_IN, FAN_OUT, mean=5.0, std=0.5, rng=0))
    assert mean == pytest.approx(5.0, abs=0.02) and sample_std == pytest.approx(0.5, rel=0.03)
    numbers = flat(uniform(50, 50, 2.0, 3.0, rng=0))
    assert 2.0 <= min(numbers) and max(numbers) <= 3.0


def test_gain_scales_xavier():
    _, plain, _ = spread(xavier_normal(FAN_IN, FAN_OUT, rng=5))
    _, doubled, _ = spread(xavier_normal(FAN_IN, FAN_OUT, gain=2.0, rng=5))
    assert doubled == pytest.approx(2.0 * plain)


@pytest.mark.parametrize("ours, theirs, gain_name", [
    (xavier_uniform, "xavier_uniform_", None),
    (xavier_normal, "xavier_normal_", None),
    (he_uniform, "kaiming_uniform_", "relu"),
    (he_normal, "kaiming_normal_", "relu"),
])
def test_spread_matches_pytorch_initialisers(torch, ours, theirs, gain_name):
    torch.manual_seed(0)
    # torch stores a layer as (out, in); its fan_in is the second dimension
    tensor = torch.empty(FAN_OUT, FAN_IN)
    if gain_name:
        getattr(torch.nn.init, theirs)(tensor, nonlinearity=gain_name)
    else:
        getattr(torch.nn.init, theirs)(tensor)
    _, sample_std, _ = spread(ours(FAN_IN, FAN_OUT, rng=0))
    assert sample_std == pytest.approx(tensor.std().item(), rel=0.04)


def test_layers_pick_he_for_relu_and_xavier_otherwise():
    assert default_initialiser("relu") == "he_uniform"
    assert default_initialiser("sigmoid") == "xavier_uniform"
    relu_layer = Layer(200, 100, activation="relu", seed=0)
    tanh_layer = Layer(200, 100, activation="tanh", seed=0)
    assert max(map(abs, flat(relu_layer.weights_as_rows()))) > math.sqrt(6 / 300)
    assert max(map(abs, flat(tanh_layer.weights_as_rows()))) <= math.sqrt(6 / 300)


def test_a_named_initialiser_reaches_every_layer():
    model = MLP(10, [10, 10], init="normal", seed=0)
    # N(0, 1) draws exceed the Xavier limit √(6/20) ≈ 0.55 often
    assert max(map(abs, flat(model.weights_as_rows()[1]))) > 1.0


@pytest.mark.parametrize("call, error, message", [
    (lambda: initial_weights("zeros", 2, 2), ValueError, "unknown initialiser 'zeros'"),
    (lambda: uniform(0, 2), ValueError, "uniform: fan_in must be >= 1, got 0"),
    (lambda: xavier_uniform(2, 2.5), TypeError, "xavier_uniform: fan_out: expected a whole number, got float 2.5"),
    (lambda: uniform(2, 2, 1.0, 1.0), ValueError, "low < high"),
    (lambda: uniform(2, 2, math.nan, 1.0), ValueError, "uniform: low: expected a finite number, got nan"),
    (lambda: normal(2, 2, std=0.0), ValueError, "normal: std must be > 0, got 0.0"),
    (lambda: normal(2, 2, std=math.inf), ValueError, "normal: std: expected a finite number, got inf"),
    (lambda: normal(2, 2, mean="0"), TypeError, "normal: mean: expected a number, got str"),
    (lambda: xavier_uniform(2, 2, gain=math.nan), ValueError, "xavier_uniform: gain: expected a finite number, got nan"),
    (lambda: xavier_normal(2, 2, gain=-1.0), ValueError, "xavier_normal: gain must be > 0, got -1.0"),
    (lambda: xavier_normal(2, 2, gain=10**400), ValueError, "xavier_normal: gain: expected a finite number"),
    # Finite settings whose draws are not: named by the initialiser's own arguments.
    (lambda: uniform(2, 2, -1e308, 1e308, rng=0), ValueError,
     "uniform: low=-1e+308, high=1e+308 gives weights beyond a 64-bit float"),
    (lambda: normal(2, 2, mean=1e308, std=1e308, rng=0), ValueError,
     "normal: mean=1e+308, std=1e+308 gives weights beyond a 64-bit float"),
    (lambda: xavier_uniform(1, 1, gain=1.5e308, rng=0), ValueError,
     "xavier_uniform: gain=1.5e+308 gives weights beyond a 64-bit float"),
])
def test_bad_arguments_get_a_clear_error_naming_the_argument(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


def test_rng_must_be_a_generator_or_a_seed():
    with pytest.raises(TypeError, match="rng"):
        uniform(2, 2, rng="seed")
