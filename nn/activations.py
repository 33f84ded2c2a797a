"""Activation functions by name, as on the slides' "Activation Functions" page.

Element-wise activations map one ``Value`` to one ``Value``: ``sigmoid``, ``tanh``,
``relu``, ``leaky_relu`` (slope 0.1, the slides' max(0.1x, x)), ``elu`` and
``identity``. ``softmax`` maps a whole layer's list to a list and is meant for
an output layer. Every one is an ``autograd`` operation, so it shows up as one
node in a graph.
"""

from collections.abc import Callable, Sequence

import autograd
from autograd import Value

ELEMENTWISE: dict[str, Callable[[Value], Value]] = {
    "sigmoid": autograd.sigmoid,
    "tanh": autograd.tanh,
    "relu": autograd.relu,
    "leaky_relu": autograd.leaky_relu,
    "elu": autograd.elu,
    # identity adds no node: the layer's output is its pre-activation itself.
    "identity": lambda value: value,
}

# Activations that read the whole layer at once instead of one unit at a time.
WHOLE_LAYER: dict[str, Callable[[Sequence[Value]], list[Value]]] = {
    "softmax": autograd.softmax,
}

NAMES = tuple(ELEMENTWISE) + tuple(WHOLE_LAYER)


def check_activation(name: str, where: str = "activation") -> str:
    """Return ``name`` if it is a known activation, else raise ``ValueError`` listing the choices."""
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(
            f"{where}: unknown activation {name!r}; choose one of {', '.join(NAMES)}"
        )
    return name


def apply_activation(name: str, pre_activations: Sequence[Value]) -> list[Value]:
    """Apply the activation called ``name`` to a layer's pre-activations, returning a list."""
    check_activation(name)
    if name in WHOLE_LAYER:
        return WHOLE_LAYER[name](list(pre_activations))
    function = ELEMENTWISE[name]
    return [function(value) for value in pre_activations]
