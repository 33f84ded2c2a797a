"""Memory that does not grow by itself: operations with a number inside are not hoarded."""

import gc
import random

from autograd import Op, Value


def _live_operations():
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing) is Op)


def test_a_million_distinct_exponents_do_not_keep_a_million_operations():
    before = _live_operations()
    rng = random.Random(0)
    x = Value(1.5, label="x")
    for _ in range(20_000):
        x ** rng.random()
        x.leaky_relu(rng.random())
        x.elu(rng.random())
        2.0 ** (x * rng.random())
    # The graphs above are gone; only the bounded cache of operations may remain.
    assert _live_operations() - before <= 3 * 256 + 16
