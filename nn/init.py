"""Weight initialisers, seeded through ``random.Random``.

Each initialiser returns a weight matrix as nested lists in the slides'
orientation, ``fan_in`` rows (inputs) by ``fan_out`` columns (units), so it can
go straight into ``Layer.set_weights``:

* ``uniform(fan_in, fan_out, low, high)`` and ``normal(fan_in, fan_out, mean, std)``;
* ``xavier_uniform`` / ``xavier_normal`` (Glorot): variance 2 / (fan_in + fan_out),
  which keeps signals steady through sigmoid and tanh layers;
* ``he_uniform`` / ``he_normal`` (Kaiming): variance 2 / fan_in, which makes up for
  ReLU zeroing half of its inputs.

``rng`` is a ``random.Random`` or a seed (``None`` means an unseeded generator).
"""

import math
import random
from collections.abc import Callable

Matrix = list[list[float]]


def as_rng(rng: random.Random | int | None) -> random.Random:
    """A ``random.Random`` from a generator, a seed, or ``None``."""
    if isinstance(rng, random.Random):
        return rng
    if rng is None or (isinstance(rng, int) and not isinstance(rng, bool)):
        return random.Random(rng)
    raise TypeError(f"init: rng must be a random.Random, an int seed or None, got {rng!r}")


def _check_fans(fan_in: int, fan_out: int, name: str) -> None:
    for which, fan in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(fan, bool) or not isinstance(fan, int) or fan < 1:
            raise ValueError(f"{name}: {which} must be a positive int, got {fan!r}")


def _matrix(fan_in: int, fan_out: int, draw: Callable[[], float]) -> Matrix:
    return [[draw() for _ in range(fan_out)] for _ in range(fan_in)]


def uniform(fan_in, fan_out, low=-1.0, high=1.0, rng=None) -> Matrix:
    """Every weight drawn uniformly from [low, high]."""
    _check_fans(fan_in, fan_out, "uniform")
    if not low < high:
        raise ValueError(f"uniform: need low < high, got low={low!r}, high={high!r}")
    generator = as_rng(rng)
    return _matrix(fan_in, fan_out, lambda: generator.uniform(low, high))


def normal(fan_in, fan_out, mean=0.0, std=1.0, rng=None) -> Matrix:
    """Every weight drawn from a normal distribution N(mean, std²)."""
    _check_fans(fan_in, fan_out, "normal")
    if not std > 0.0:
        raise ValueError(f"normal: std must be > 0, got {std!r}")
    generator = as_rng(rng)
    return _matrix(fan_in, fan_out, lambda: generator.gauss(mean, std))


def xavier_uniform(fan_in, fan_out, gain=1.0, rng=None) -> Matrix:
    """Glorot uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out))."""
    _check_fans(fan_in, fan_out, "xavier_uniform")
    limit = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform(fan_in, fan_out, -limit, limit, rng)


def xavier_normal(fan_in, fan_out, gain=1.0, rng=None) -> Matrix:
    """Glorot normal: N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out))."""
    _check_fans(fan_in, fan_out, "xavier_normal")
    return normal(fan_in, fan_out, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def he_uniform(fan_in, fan_out, rng=None) -> Matrix:
    """Kaiming uniform for ReLU: U(−a, a) with a = √(6 / fan_in)."""
    _check_fans(fan_in, fan_out, "he_uniform")
    limit = math.sqrt(6.0 / fan_in)
    return uniform(fan_in, fan_out, -limit, limit, rng)


def he_normal(fan_in, fan_out, rng=None) -> Matrix:
    """Kaiming normal for ReLU: N(0, σ²) with σ = √(2 / fan_in)."""
    _check_fans(fan_in, fan_out, "he_normal")
    return normal(fan_in, fan_out, 0.0, math.sqrt(2.0 / fan_in), rng)


INITIALISERS: dict[str, Callable[..., Matrix]] = {
    "uniform": uniform,
    "normal": normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "kaiming_uniform": he_uniform,
    "kaiming_normal": he_normal,
}

# ReLU-like units lose half their input on average, so they get He; the rest Xavier.
_RELU_FAMILY = ("relu", "leaky_relu", "elu")


def default_initialiser(activation: str) -> str:
    """The initialiser a layer uses when none is named: He for ReLU-like units, else Xavier."""
    return "he_uniform" if activation in _RELU_FAMILY else "xavier_uniform"


def initial_weights(name: str, fan_in: int, fan_out: int, rng=None) -> Matrix:
    """The weight matrix from the initialiser called ``name``."""
    if name not in INITIALISERS:
        raise ValueError(
            f"init: unknown initialiser {name!r}; choose one of {', '.join(INITIALISERS)}"
        )
    return INITIALISERS[name](fan_in, fan_out, rng=rng)
