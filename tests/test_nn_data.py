"""Toy datasets: seeded, the documented shapes and recipes; splitting and batching."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.data import (
    Dataset,
    batch_indices,
    batches,
    circles,
    one_hot,
    regression_1d,
    spirals,
    survival,
    train_test_split,
    two_moons,
    xor,
)

GENERATORS = [two_moons, circles, spirals, regression_1d, survival]


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_same_seed_same_data_other_seed_other_data(make):
    first, again, other = make(seed=3), make(seed=3), make(seed=4)
    assert first.inputs == again.inputs and first.targets == again.targets
    assert first.inputs != other.inputs


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_every_row_has_one_float_per_feature(make):
    data = make(seed=0)
    assert len(data.inputs) == len(data.targets) == len(data) > 0
    for row in data.inputs:
        assert len(row) == len(data.feature_names)
        assert all(type(x) is float and math.isfinite(x) for x in row)
    assert data.description


@pytest.mark.parametrize("make, classes", [(two_moons, 2), (circles, 2), (spirals, 2)],
                         ids=["two_moons", "circles", "spirals"])
def test_classes_are_balanced_and_mixed(make, classes):
    data = make(n_samples=101, seed=0)
    counts = [data.targets.count(k) for k in range(classes)]
    assert counts == [51, 50]
    assert set(data.targets[:20]) == {0, 1}, "examples are shuffled, not sorted by class"


def test_two_moons_without_noise_lies_on_the_two_half_circles():
    data = two_moons(n_samples=60, noise=0.0, seed=1)
    for (x1, x2), label in zip(data.inputs, data.targets):
        if label == 0:
            assert math.hypot(x1, x2) == pytest.approx(1.0) and x2 >= 0.0
        else:
            assert math.hypot(x1 - 1.0, x2 - 0.5) == pytest.approx(1.0) and x2 <= 0.5


def test_xor_is_the_truth_table():
    data = xor()
    assert data.inputs == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert data.targets == [0, 1, 1, 0]


def test_noisy_xor_keeps_each_corner_label():
    data = xor(n_per_corner=5, noise=0.05, seed=2)
    assert len(data) == 20
    for (x1, x2), label in zip(data.inputs, data.targets):
        assert label == (round(x1) ^ round(x2))


def test_circles_without_noise_have_the_two_radii():
    data = circles(n_samples=40, noise=0.0, factor=0.3, seed=0)
    for (x1, x2), label in zip(data.inputs, data.targets):
        assert math.hypot(x1, x2) == pytest.approx(1.0 if label == 0 else 0.3)


def test_spiral_arms_follow_the_documented_angle():
    data = spirals(n_samples=90, n_classes=3, noise=0.0, turns=0.25, seed=0)
    assert sorted(set(data.targets)) == [0, 1, 2]
    for (x1, x2), label in zip(data.inputs, data.targets):
        radius = math.hypot(x1, x2)
        angle = 2.0 * math.pi * (0.25 * radius + label / 3)
        assert (x1, x2) == pytest.approx((radius * math.cos(angle), radius * math.sin(angle)))


def test_regression_without_noise_is_the_sine():
    data = regression_1d(n_samples=25, noise=0.0, seed=5)
    for (x,), y in zip(data.inputs, data.targets):
        assert -1.0 <= x <= 1.0 and y == pytest.approx(math.sin(math.pi * x))
    assert data.class_names is None


def test_survival_follows_its_documented_recipe():
    """Re-draw the set from the docstring's recipe and get exactly the same people."""
    rng = random.Random(7)
    people = []
    for _ in range(50):
        age = rng.uniform(30, 80)
        cigarettes = rng.uniform(5, 40) if rng.random() < 0.3 else 0.0
        exercise = rng.uniform(0, 10)
        score = 3 - 0.08 * (age - 30) - 0.06 * cigarettes + 0.3 * exercise
        people.append(([age, cigarettes, exercise], int(rng.random() < 1 / (1 + math.exp(-score)))))
    rng.shuffle(people)
    data = survival(n_samples=50, seed=7)
    assert data.inputs == [row for row, _ in people]
    assert data.targets == [label for _, label in people]
    assert data.feature_names == ("age_years", "cigarettes_per_day", "exercise_hours_per_week")
    assert data.class_names == ("deceased", "alive")


def test_survival_looks_like_its_story():
    data = survival(n_samples=1000, seed=0)
    smokers = [row for row in data.inputs if row[1] > 0]
    assert 0.25 < len(smokers) / len(data) < 0.35
    young = [y for row, y in zip(data.inputs, data.targets) if row[0] < 45]
    old = [y for row, y in zip(data.inputs, data.targets) if row[0] > 65]
    assert sum(young) / len(young) > sum(old) / len(old) + 0.2


def test_train_test_split_is_a_seeded_partition():
    data = two_moons(n_samples=40, seed=0)
    train, test = train_test_split(data, test_fraction=0.25, seed=1)
    assert (len(train), len(test)) == (30, 10)
    rows = sorted(map(tuple, train.inputs + test.inputs))
    assert rows == sorted(map(tuple, data.inputs))
    again, _ = train_test_split(data, test_fraction=0.25, seed=1)
    assert again.inputs == train.inputs
    assert isinstance(train, Dataset) and train.class_names == data.class_names


def test_split_keeps_at_least_one_example_each_side():
    train, test = train_test_split(xor(), test_fraction=0.01)
    assert (len(train), len(test)) == (3, 1)


def test_batch_indices_cover_every_example_once():
    groups = batch_indices(10, 4, rng=0)
    assert [len(g) for g in groups] == [4, 4, 2]
    assert sorted(i for g in groups for i in g) == list(range(10))
    assert groups != batch_indices(10, 4), "shuffled with a seed, in order without"
    assert batch_indices(5, 2) == [[0, 1], [2, 3], [4]]


def test_batches_pair_inputs_with_their_targets():
    inputs = [[float(k)] for k in range(7)]
    targets = list(range(7))
    seen = []
    for rows, labels in batches(inputs, targets, batch_size=3, seed=4):
        assert len(rows) == len(labels) <= 3
        seen.extend(zip(rows, labels))
    assert sorted(seen) == [([float(k)], k) for k in range(7)]


def test_one_hot():
    assert one_hot([2, 0], 3) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match=r"one_hot: label 1: class index 3 is outside 0\.\.2"):
        one_hot([0, 3], 3)
    with pytest.raises(TypeError, match="one_hot: label 0: expected a class index"):
        one_hot([1.0], 3)


@pytest.mark.parametrize("call, error, message", [
    (lambda: two_moons(n_samples=1), ValueError, "two_moons: n_samples must be >= 2, got 1"),
    (lambda: two_moons(noise=-0.1), ValueError, "two_moons: noise must be >= 0, got -0.1"),
    (lambda: circles(factor=1.5), ValueError, "circles: factor must be in (0, 1), got 1.5"),
    (lambda: spirals(n_classes=1), ValueError, "spirals: n_classes must be >= 2, got 1"),
    (lambda: regression_1d(n_samples=2.5), TypeError, "regression_1d: n_samples: expected a whole number, got float 2.5"),
    (lambda: survival(seed=1.5), TypeError, "survival: expected a seed"),
    (lambda: xor(noise=math.nan), ValueError, "xor: noise: expected a finite number, got nan"),
    (lambda: train_test_split(xor(), test_fraction=1.0), ValueError,
     "train_test_split: test_fraction must be in (0, 1), got 1.0"),
    (lambda: train_test_split([[1.0]]), TypeError, "train_test_split: expected a Dataset"),
    (lambda: batch_indices(4, 0), ValueError, "batch_indices: batch_size must be >= 1, got 0"),
    (lambda: list(batches([[1.0]], [0, 1], 1)), ValueError, "batches: 1 inputs but 2 targets"),
    (lambda: two_moons(noise=1e308), ValueError, "two_moons: noise 1e+308 moves a point beyond a 64-bit float"),
    (lambda: regression_1d(noise=1e308), ValueError, "regression_1d: noise 1e+308 moves a point beyond"),
])
def test_bad_arguments_are_refused_by_name(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=60), st.integers(min_value=1, max_value=70),
       st.integers(min_value=0, max_value=2**32))
def test_batch_indices_always_partition_the_examples(count, batch_size, seed):
    groups = batch_indices(count, batch_size, rng=seed)
    assert sorted(i for group in groups for i in group) == list(range(count))
    assert all(len(group) == batch_size for group in groups[:-1])
    assert len(groups) == math.ceil(count / batch_size)
