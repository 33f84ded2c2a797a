"""The table of operations the engine tests cover: one row per operation.

Each row says how to call the operation on ``Value`` nodes, the same thing in
PyTorch, and the domain to draw inputs from. Adding an operation to the engine
means adding a row here; every property test then covers it.
"""

import math
from dataclasses import dataclass
from typing import Callable

import autograd
from hypothesis import strategies as st


def real(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


# Keep clear of kinks (relu at 0) and poles (1/x at 0), where central differences lie.
AWAY_FROM_ZERO = real(-4, 4).filter(lambda v: abs(v) > 0.05)
POSITIVE = real(0.05, 8)
ANY = real(-4, 4)


@dataclass(frozen=True)
class OpCase:
    name: str
    ours: Callable  # Values -> Value
    theirs: Callable  # torch tensors -> tensor
    domain: tuple  # one strategy per input


def _torch():
    import torch

    return torch


OP_CASES = [
    OpCase("add", lambda x, y: x + y, lambda x, y: x + y, (ANY, ANY)),
    OpCase("sub", lambda x, y: x - y, lambda x, y: x - y, (ANY, ANY)),
    OpCase("mul", lambda x, y: x * y, lambda x, y: x * y, (ANY, ANY)),
    OpCase("div", lambda x, y: x / y, lambda x, y: x / y, (ANY, AWAY_FROM_ZERO)),
    OpCase("neg", lambda x: -x, lambda x: -x, (ANY,)),
    OpCase("radd", lambda x: 2.5 + x, lambda x: 2.5 + x, (ANY,)),
    OpCase("rsub", lambda x: 1 - x, lambda x: 1 - x, (ANY,)),
    OpCase("rmul", lambda x: 2 * x, lambda x: 2 * x, (ANY,)),
    OpCase("rdiv", lambda x: 1 / x, lambda x: 1 / x, (AWAY_FROM_ZERO,)),
    OpCase("pow_square", lambda x: x**2, lambda x: x**2, (ANY,)),
    OpCase("pow_cube", lambda x: x**3, lambda x: x**3, (ANY,)),
    OpCase("pow_negative", lambda x: x**-2, lambda x: x**-2, (AWAY_FROM_ZERO,)),
    OpCase("pow_fraction", lambda x: x**1.5, lambda x: x**1.5, (POSITIVE,)),
    OpCase("pow_values", lambda x, y: x**y, lambda x, y: x**y, (POSITIVE, real(-2, 2))),
    OpCase("rpow", lambda x: 2**x, lambda x: 2**x, (ANY,)),
    OpCase("exp", lambda x: x.exp(), lambda x: x.exp(), (ANY,)),
    OpCase("log", lambda x: x.log(), lambda x: x.log(), (POSITIVE,)),
    OpCase("sqrt", lambda x: x.sqrt(), lambda x: x.sqrt(), (POSITIVE,)),
    OpCase("tanh", lambda x: x.tanh(), lambda x: x.tanh(), (ANY,)),
    OpCase("sigmoid", lambda x: x.sigmoid(), lambda x: x.sigmoid(), (real(-30, 30),)),
    OpCase("relu", lambda x: x.relu(), lambda x: x.relu(), (AWAY_FROM_ZERO,)),
    OpCase(
        "leaky_relu",
        lambda x: x.leaky_relu(),
        lambda x: _torch().nn.functional.leaky_relu(x, 0.1),
        (AWAY_FROM_ZERO,),
    ),
    OpCase(
        "elu",
        lambda x: x.elu(0.7),
        lambda x: _torch().nn.functional.elu(x, 0.7),
        (AWAY_FROM_ZERO,),
    ),
    OpCase(
        "sum_values",
        lambda *x: autograd.sum_values(x),
        lambda *x: _torch().stack(x).sum(),
        (ANY, ANY, ANY, ANY),
    ),
    OpCase(
        "dot",
        lambda w1, w2, x1, x2: autograd.dot([w1, w2], [x1, x2]),
        lambda w1, w2, x1, x2: w1 * x1 + w2 * x2,
        (ANY, ANY, ANY, ANY),
    ),
    OpCase(
        "dot_bias",
        lambda w1, w2, x1, x2, b: autograd.dot([w1, w2], [x1, x2], b),
        lambda w1, w2, x1, x2, b: w1 * x1 + w2 * x2 + b,
        (ANY, ANY, ANY, ANY, ANY),
    ),
    OpCase(
        "softmax_1",
        lambda *z: autograd.softmax(z)[0],
        lambda *z: _torch().softmax(_torch().stack(z), 0)[0],
        (ANY, ANY, ANY),
    ),
    OpCase(
        "softmax_3",
        lambda *z: autograd.softmax(z)[2],
        lambda *z: _torch().softmax(_torch().stack(z), 0)[2],
        (ANY, ANY, ANY),
    ),
    OpCase(
        "log_softmax_2",
        lambda *z: autograd.log_softmax(z)[1],
        lambda *z: _torch().log_softmax(_torch().stack(z), 0)[1],
        (ANY, ANY, ANY),
    ),
    OpCase(
        "negative_log_likelihood",
        lambda *p: autograd.negative_log_likelihood(p, [0.2, 0.5, 0.3]),
        lambda *p: -(0.2 * p[0].log() + 0.5 * p[1].log() + 0.3 * p[2].log()),
        (POSITIVE, POSITIVE, POSITIVE),
    ),
    OpCase(
        "negative_log_likelihood_of_values",
        lambda p1, p2, y1, y2: autograd.negative_log_likelihood([p1, p2], [y1, y2]),
        lambda p1, p2, y1, y2: -(y1 * p1.log() + y2 * p2.log()),
        (POSITIVE, POSITIVE, ANY, ANY),
    ),
    OpCase(
        "logsumexp",
        lambda *z: autograd.logsumexp(z),
        lambda *z: _torch().logsumexp(_torch().stack(z), 0),
        (ANY, ANY, ANY),
    ),
]

OP_NAMES = [case.name for case in OP_CASES]


def inputs_for(case):
    """A strategy drawing one tuple of floats in the operation's domain."""
    return st.tuples(*case.domain)


def central_difference(f, point, index, step=1e-6):
    """(f(x + h) − f(x − h)) / 2h in coordinate ``index``, on plain floats."""
    h = step * max(1.0, abs(point[index]))
    up, down = list(point), list(point)
    up[index] += h
    down[index] -= h
    return (f(up) - f(down)) / (2 * h)


def evaluate(case, point):
    """The operation's output number at ``point``."""
    return case.ours(*(autograd.Value(v) for v in point)).data


def close(a, b, tolerance=1e-5):
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


# Each step squashes its operands into the operation's domain with ops of its own, so a
# random graph of any depth stays finite: tanh bounds, x² + 0.5 keeps away from 0.
_INTO_DOMAIN = {
    "any": lambda v: v.tanh() * 3,
    "positive": lambda v: v * v + 0.5,
    "away_from_zero": lambda v: v * v + 0.5,
}


def _domain_of(strategy_index, case):
    strategy = case.domain[strategy_index]
    if strategy is ANY:
        return "any"
    if strategy is POSITIVE:
        return "positive"
    return "any" if case.name in ("pow_values", "sigmoid") else "away_from_zero"


def _random_graph(plan):
    """A builder: leaves -> root, from a plan of (case, operand positions)."""

    def build(leaves):
        pool = list(leaves)
        for case, positions in plan:
            operands = [
                _INTO_DOMAIN[_domain_of(k, case)](pool[p]) for k, p in enumerate(positions)
            ]
            pool.append(case.ours(*operands))
        # Late nodes feed the root more than once: shared subexpressions, summed gradients.
        return autograd.sum_values(pool[-3:]) * pool[-1]

    return build


@st.composite
def random_graphs(draw):
    """``(build, numbers, other numbers)``: a builder of a random graph of 1 to 12 operations
    drawn from the table (leaves -> root), and two sets of numbers for its leaves."""
    leaf_count = draw(st.integers(1, 4))
    plan = []
    for step in range(draw(st.integers(1, 12))):
        case = draw(st.sampled_from(OP_CASES))
        positions = [draw(st.integers(0, leaf_count + step - 1)) for _ in case.domain]
        plan.append((case, positions))
    numbers = st.lists(st.floats(-2, 2), min_size=leaf_count, max_size=leaf_count)
    return _random_graph(plan), draw(numbers), draw(numbers)
