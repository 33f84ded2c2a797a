"""Toy datasets made in code, and the helpers that split and batch them.

Nothing is downloaded: every dataset is drawn from ``random.Random(seed)``, so the
same seed always gives the same numbers on every machine. Each generator returns
a ``Dataset``: ``inputs`` (a list of rows, each a list of floats), ``targets``
(one per row), the names of the features and classes, and a one-line
description. The examples are shuffled, so classes are mixed in any prefix.

Classification targets are class indices 0, 1, ... (``one_hot`` turns them into
lists); the regression set's targets are floats.

=====================  =======================================================
``two_moons``          two interleaving half circles, 2 features, 2 classes
``xor``                the four corners of the unit square, label x1 XOR x2
``circles``            a ring around a smaller ring, 2 features, 2 classes
``spirals``            arms winding out from the centre, one class per arm
``regression_1d``      y = sin(π x) + noise on x in [−1, 1]
``survival``           five-year survival from lifestyle features (see below)
=====================  =======================================================

Helpers: ``train_test_split``, ``batch_indices`` (index lists for the training
loop), ``batches`` (the examples themselves) and ``one_hot``.
"""

import math
import random
from dataclasses import dataclass

from nn.checks import class_index, finite_number, sequence, whole_number

__all__ = [
    "Dataset",
    "batch_indices",
    "batches",
    "circles",
    "one_hot",
    "regression_1d",
    "spirals",
    "survival",
    "train_test_split",
    "two_moons",
    "xor",
]


@dataclass(frozen=True)
class Dataset:
    """Examples as plain lists: ``inputs[i]`` is a row of floats, ``targets[i]`` its answer."""

    inputs: list
    targets: list
    feature_names: tuple
    class_names: tuple | None
    description: str

    def __len__(self):
        return len(self.inputs)

    def subset(self, indices):
        """A new Dataset holding the examples at ``indices``, in that order."""
        return Dataset(
            [list(self.inputs[i]) for i in indices],
            [self.targets[i] for i in indices],
            self.feature_names,
            self.class_names,
            self.description,
        )


def two_moons(n_samples=100, noise=0.1, seed=0):
    """Two interleaving half circles.

    Class 0: (cos t, sin t), class 1: (1 − cos t, 0.5 − sin t), with t uniform in
    [0, π]; then Gaussian noise of standard deviation ``noise`` on each coordinate.
    """
    rng = _generator(seed, "two_moons")
    noise = finite_number(noise, "two_moons: noise", minimum=0.0)
    examples = []
    for label, count in enumerate(_class_sizes(n_samples, 2, "two_moons")):
        for _ in range(count):
            t = rng.uniform(0.0, math.pi)
            if label == 0:
                point = (math.cos(t), math.sin(t))
            else:
                point = (1.0 - math.cos(t), 0.5 - math.sin(t))
            examples.append((_jitter(point, noise, rng, "two_moons"), label))
    return _dataset(examples, rng, ("x1", "x2"), ("upper moon", "lower moon"),
                    f"two moons: {n_samples} points, noise {noise:g}, seed {seed}")


def xor(n_per_corner=1, noise=0.0, seed=0):
    """The XOR problem: corners (0,0) and (1,1) are class 0, (0,1) and (1,0) class 1.

    ``n_per_corner`` copies of each corner, each moved by Gaussian ``noise``; the
    default is the classic four points, which no single neuron can separate.
    """
    rng = _generator(seed, "xor")
    n_per_corner = whole_number(n_per_corner, "xor: n_per_corner", minimum=1)
    noise = finite_number(noise, "xor: noise", minimum=0.0)
    examples = [
        (_jitter((float(a), float(b)), noise, rng, "xor"), a ^ b)
        for a in (0, 1) for b in (0, 1) for _ in range(n_per_corner)
    ]
    if n_per_corner == 1 and noise == 0.0:
        # The four classic points stay in truth-table order.
        return Dataset([list(p) for p, _ in examples], [y for _, y in examples],
                       ("x1", "x2"), ("0", "1"), "XOR: the four corners of the unit square")
    return _dataset(examples, rng, ("x1", "x2"), ("0", "1"),
                    f"XOR: {n_per_corner} per corner, noise {noise:g}, seed {seed}")


def circles(n_samples=100, noise=0.05, factor=0.5, seed=0):
    """A ring of radius 1 (class 0) around a ring of radius ``factor`` (class 1).

    Angles uniform in [0, 2π), then Gaussian ``noise`` on each coordinate.
    """
    rng = _generator(seed, "circles")
    noise = finite_number(noise, "circles: noise", minimum=0.0)
    factor = finite_number(factor, "circles: factor", above=0.0, below=1.0)
    examples = []
    for label, count in enumerate(_class_sizes(n_samples, 2, "circles")):
        radius = 1.0 if label == 0 else factor
        for _ in range(count):
            angle = rng.uniform(0.0, 2.0 * math.pi)
            point = (radius * math.cos(angle), radius * math.sin(angle))
            examples.append((_jitter(point, noise, rng, "circles"), label))
    return _dataset(examples, rng, ("x1", "x2"), ("outer", "inner"),
                    f"circles: {n_samples} points, factor {factor:g}, noise {noise:g}, seed {seed}")


def spirals(n_samples=100, n_classes=2, noise=0.05, turns=1.0, seed=0):
    """``n_classes`` spiral arms winding out from the origin, one class per arm.

    A point of arm k at r uniform in [0.05, 1] sits at angle
    2π·turns·r + 2π·k / n_classes and radius r; then Gaussian ``noise``.
    """
    rng = _generator(seed, "spirals")
    n_classes = whole_number(n_classes, "spirals: n_classes", minimum=2)
    noise = finite_number(noise, "spirals: noise", minimum=0.0)
    turns = finite_number(turns, "spirals: turns", minimum=0.0)
    examples = []
    for label, count in enumerate(_class_sizes(n_samples, n_classes, "spirals")):
        for _ in range(count):
            radius = rng.uniform(0.05, 1.0)
            angle = 2.0 * math.pi * (turns * radius + label / n_classes)
            point = (radius * math.cos(angle), radius * math.sin(angle))
            examples.append((_jitter(point, noise, rng, "spirals"), label))
    return _dataset(examples, rng, ("x1", "x2"), tuple(f"arm {k}" for k in range(n_classes)),
                    f"spirals: {n_samples} points, {n_classes} arms, {turns:g} turns, "
                    f"noise {noise:g}, seed {seed}")


def regression_1d(n_samples=40, noise=0.1, seed=0):
    """One input, one real target: y = sin(π x) + Gaussian noise, x uniform in [−1, 1]."""
    rng = _generator(seed, "regression_1d")
    n_samples = whole_number(n_samples, "regression_1d: n_samples", minimum=1)
    noise = finite_number(noise, "regression_1d: noise", minimum=0.0)
    examples = []
    for _ in range(n_samples):
        x = rng.uniform(-1.0, 1.0)
        target = math.sin(math.pi * x) + rng.gauss(0.0, noise)
        examples.append(((x,), _within_float(target, noise, "regression_1d")))
    return _dataset(examples, rng, ("x",), None,
                    f"y = sin(pi x) + noise: {n_samples} points, noise {noise:g}, seed {seed}")


SURVIVAL_FEATURES = ("age_years", "cigarettes_per_day", "exercise_hours_per_week")


def survival(n_samples=200, seed=0):
    """Five-year survival from lifestyle features, in the spirit of the slides' example.

    Made up, not medical data. For each person, in this order, from ``random.Random(seed)``:

    1. ``age_years`` = uniform(30, 80);
    2. a smoker with probability 0.3; ``cigarettes_per_day`` = uniform(5, 40) for a
       smoker, else 0;
    3. ``exercise_hours_per_week`` = uniform(0, 10);
    4. a risk score s = 3 − 0.08·(age − 30) − 0.06·cigarettes + 0.3·exercise, and
       the chance of being alive after five years p = σ(s) = 1 / (1 + e^−s);
    5. the target is 1 ("alive") if uniform(0, 1) < p, else 0 ("deceased").

    Then the examples are shuffled. Because outcomes are drawn at random from p,
    even the true rule cannot score 100%: a fair test of over-fitting. The
    features are in very different units (years vs hours), which is what input
    scaling (``nn.scaling``) is for.
    """
    rng = _generator(seed, "survival")
    n_samples = whole_number(n_samples, "survival: n_samples", minimum=1)
    examples = []
    for _ in range(n_samples):
        age = rng.uniform(30.0, 80.0)
        cigarettes = rng.uniform(5.0, 40.0) if rng.random() < 0.3 else 0.0
        exercise = rng.uniform(0.0, 10.0)
        score = 3.0 - 0.08 * (age - 30.0) - 0.06 * cigarettes + 0.3 * exercise
        alive_probability = 1.0 / (1.0 + math.exp(-score))
        examples.append(((age, cigarettes, exercise), int(rng.random() < alive_probability)))
    return _dataset(examples, rng, SURVIVAL_FEATURES, ("deceased", "alive"),
                    f"five-year survival from lifestyle: {n_samples} people, seed {seed}")


def train_test_split(dataset, test_fraction=0.25, seed=0):
    """Shuffle the examples with ``seed`` and cut them into (train, test) Datasets.

    The test part holds round(n · test_fraction) examples, at least one, and
    the training part keeps at least one.
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"train_test_split: expected a Dataset, got {type(dataset).__name__}")
    fraction = finite_number(test_fraction, "train_test_split: test_fraction", above=0.0, below=1.0)
    if len(dataset) < 2:
        raise ValueError(
            f"train_test_split: need at least 2 examples to split, got {len(dataset)}"
        )
    order = list(range(len(dataset)))
    _generator(seed, "train_test_split").shuffle(order)
    test_size = min(max(round(len(dataset) * fraction), 1), len(dataset) - 1)
    return dataset.subset(order[test_size:]), dataset.subset(order[:test_size])


def batch_indices(count, batch_size, rng=None):
    """Cut ``range(count)`` into lists of at most ``batch_size`` indices.

    With ``rng`` (a ``random.Random`` or a seed) the order is shuffled first;
    the last batch is smaller when ``batch_size`` does not divide ``count``.
    """
    count = whole_number(count, "batch_indices: count", minimum=0)
    batch_size = whole_number(batch_size, "batch_indices: batch_size", minimum=1)
    order = list(range(count))
    if rng is not None:
        _generator(rng, "batch_indices").shuffle(order)
    return [order[start:start + batch_size] for start in range(0, count, batch_size)]


def batches(inputs, targets, batch_size, shuffle=True, seed=0):
    """Yield (input rows, targets) one batch at a time."""
    if len(inputs) != len(targets):
        raise ValueError(f"batches: {len(inputs)} inputs but {len(targets)} targets")
    for indices in batch_indices(len(inputs), batch_size, seed if shuffle else None):
        yield [inputs[i] for i in indices], [targets[i] for i in indices]


def one_hot(labels, n_classes):
    """Class indices as lists: ``one_hot([2, 0], 3)`` is [[0, 0, 1], [1, 0, 0]]."""
    n_classes = whole_number(n_classes, "one_hot: n_classes", minimum=1)
    indices = [
        class_index(label, n_classes, f"one_hot: label {position}")
        for position, label in enumerate(sequence(labels, "one_hot: labels"))
    ]
    return [[1.0 if k == index else 0.0 for k in range(n_classes)] for index in indices]


def _generator(seed, operation):
    """A ``random.Random`` from a seed, or the generator itself if one is given."""
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, str, bytes)):
        raise TypeError(
            f"{operation}: expected a seed (an integer) or a random.Random, got {type(seed).__name__} {seed!r}"
        )
    return random.Random(seed)


def _jitter(point, noise, rng, operation):
    if not noise:
        return list(point)
    return [_within_float(coordinate + rng.gauss(0.0, noise), noise, operation) for coordinate in point]


def _within_float(number, noise, operation):
    """``number`` as it is, or an error if a huge ``noise`` threw it beyond a float."""
    if not math.isfinite(number):
        raise ValueError(
            f"{operation}: noise {noise!r} moves a point beyond a 64-bit float (±1.8e308)"
        )
    return number


def _dataset(examples, rng, feature_names, class_names, description):
    rng.shuffle(examples)
    return Dataset([list(point) for point, _ in examples], [target for _, target in examples],
                   feature_names, class_names, description)


def _class_sizes(n_samples, n_classes, operation):
    """Split ``n_samples`` over the classes as evenly as possible (earlier classes first)."""
    n_samples = whole_number(n_samples, f"{operation}: n_samples", minimum=n_classes)
    return [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
