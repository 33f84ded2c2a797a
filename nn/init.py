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

from nn.checks import finite_number, whole_number

Matrix = list[list[float]]


def as_rng(rng: random.Random | int | None) -> random.Random:
    """A ``random.Random`` from a generator, a seed, or ``None``."""
    if isinstance(rng, random.Random):
        return rng
    if rng is None or (isinstance(rng, int) and not isinstance(rng, bool)):
        return random.Random(rng)
    raise TypeError(f"init: rng must be a random.Random, an int seed or None, got {rng!r}")


def _check_fans(fan_in: int, fan_out: int, name: str) -> None:
    whole_number(fan_in, f"{name}: fan_in", minimum=1)
    whole_number(fan_out, f"{name}: fan_out", minimum=1)


def _drawn(fan_in: int, fan_out: int, draw: Callable[[], float], name: str, settings: str) -> Matrix:
    """A matrix of draws; refused, naming the settings, if a draw is beyond a float."""
    matrix = [[draw() for _ in range(fan_out)] for _ in range(fan_in)]
    for row in matrix:
        for weight in row:
            if not math.isfinite(weight):
                raise ValueError(
                    f"{name}: {settings} gives weights beyond a 64-bit float (drew {weight!r}); "
                    f"choose a smaller scale"
                )
    return matrix


def _uniform(fan_in, fan_out, low, high, rng, name, settings) -> Matrix:
    generator = as_rng(rng)
    return _drawn(fan_in, fan_out, lambda: generator.uniform(low, high), name, settings)


def _normal(fan_in, fan_out, mean, std, rng, name, settings) -> Matrix:
    generator = as_rng(rng)
    return _drawn(fan_in, fan_out, lambda: generator.gauss(mean, std), name, settings)


def uniform(fan_in, fan_out, low=-1.0, high=1.0, rng=None) -> Matrix:
    """Every weight drawn uniformly from [low, high]."""
    _check_fans(fan_in, fan_out, "uniform")
    low = finite_number(low, "uniform: low")
    high = finite_number(high, "uniform: high")
    if not low < high:
        raise ValueError(f"uniform: need low < high, got low={low!r}, high={high!r}")
    return _uniform(fan_in, fan_out, low, high, rng, "uniform", f"low={low!r}, high={high!r}")


def normal(fan_in, fan_out, mean=0.0, std=1.0, rng=None) -> Matrix:
    """Every weight drawn from a normal distribution N(mean, std²)."""
    _check_fans(fan_in, fan_out, "normal")
    mean = finite_number(mean, "normal: mean")
    std = finite_number(std, "normal: std", above=0.0)
    return _normal(fan_in, fan_out, mean, std, rng, "normal", f"mean={mean!r}, std={std!r}")


def xavier_uniform(fan_in, fan_out, gain=1.0, rng=None) -> Matrix:
    """Glorot uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out))."""
    _check_fans(fan_in, fan_out, "xavier_uniform")
    gain = finite_number(gain, "xavier_uniform: gain", above=0.0)
    limit = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform(fan_in, fan_out, -limit, limit, rng, "xavier_uniform", f"gain={gain!r}")


def xavier_normal(fan_in, fan_out, gain=1.0, rng=None) -> Matrix:
    """Glorot normal: N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out))."""
    _check_fans(fan_in, fan_out, "xavier_normal")
    gain = finite_number(gain, "xavier_normal: gain", above=0.0)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _normal(fan_in, fan_out, 0.0, std, rng, "xavier_normal", f"gain={gain!r}")


def he_uniform(fan_in, fan_out, rng=None) -> Matrix:
    """Kaiming uniform for ReLU: U(−a, a) with a = √(6 / fan_in)."""
    _check_fans(fan_in, fan_out, "he_uniform")
    limit = math.sqrt(6.0 / fan_in)
    return _uniform(fan_in, fan_out, -limit, limit, rng, "he_uniform", f"fan_in={fan_in}")


def he_normal(fan_in, fan_out, rng=None) -> Matrix:
    """Kaiming normal for ReLU: N(0, σ²) with σ = √(2 / fan_in)."""
    _check_fans(fan_in, fan_out, "he_normal")
    std = math.sqrt(2.0 / fan_in)
    return _normal(fan_in, fan_out, 0.0, std, rng, "he_normal", f"fan_in={fan_in}")


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
