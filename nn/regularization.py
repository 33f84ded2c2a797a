"""Regularisation penalties to add to a loss, built from ``Value`` operations.

* ``layer_norm_penalty``: the slides' λ1‖W1‖₂ + λ2‖W2‖₂, the Euclidean norm of each
  layer's weights (not squared), one λ per layer;
* ``squared_l2_penalty``: λ Σ w², and ``weight_decay_penalty``: (λ/2) Σ w², whose
  gradient is exactly λ·w (what "weight decay" subtracts each step);
* ``l1_penalty``: λ Σ |w|, which pushes weights to exactly zero.

Each takes a ``Module`` (its ``weights()``, biases left out, as is usual) or a
list of ``Value`` nodes, and returns one ``Value`` to add to the loss.
"""

from collections.abc import Sequence

import autograd
from autograd import Constant, Value

from nn.checks import finite_number
from nn.module import Layer, Module


def _weights(source, where: str) -> list[Value]:
    if isinstance(source, Module):
        values = source.weights()
    elif isinstance(source, Sequence) and all(isinstance(v, Value) for v in source):
        values = list(source)
    else:
        raise TypeError(f"{where}: expected a Module or a list of Values, got {type(source).__name__}")
    if not values:
        raise ValueError(f"{where}: there are no weights to penalise")
    return values


def _strength(strength, where: str, name: str = "λ") -> Constant:
    """λ checked, as a constant named ``name``: a setting, not something to learn."""
    return Constant(finite_number(strength, f"{where}: λ", minimum=0.0), label=name)


def _named(node: Value, label: str) -> Value:
    node.label = label
    return node


def sum_of_squares(values: Sequence[Value], name: str = "w") -> Value:
    """Σ w² as one ``dot`` node w · w, named ``Σw²``."""
    return _named(autograd.dot(values, values), f"Σ{name}²")


def l2_norm(values: Sequence[Value], name: str = "w") -> Value:
    """‖w‖₂ = √(Σ w²), named ``‖w‖``. Its gradient w/‖w‖ does not exist when every weight is 0."""
    return _named(sum_of_squares(values, name).sqrt(), f"‖{name}‖")


def squared_l2_penalty(source, strength: float) -> Value:
    """λ Σ w² over the weights of ``source``."""
    where = "squared_l2_penalty"
    return _named(_strength(strength, where) * sum_of_squares(_weights(source, where)), "λΣw²")


def weight_decay_penalty(source, strength: float) -> Value:
    """(λ/2) Σ w²: adds exactly λ·w to each weight's gradient."""
    where = "weight_decay_penalty"
    half = Constant(0.5 * _strength(strength, where).data, label="λ/2")
    return _named(half * sum_of_squares(_weights(source, where)), "λ/2·Σw²")


def l1_penalty(source, strength: float) -> Value:
    """λ Σ |w|, with |w| = relu(w) + relu(−w) so that its slope at 0 is 0."""
    where = "l1_penalty"
    checked = _strength(strength, where)
    magnitudes = [_magnitude(value, f"w{k}") for k, value in enumerate(_weights(source, where), 1)]
    return _named(checked * _named(autograd.sum_values(magnitudes), "Σ|w|"), "λΣ|w|")


def _magnitude(value: Value, default_name: str) -> Value:
    name = value.label if value.label is not None else default_name
    positive = _named(value.relu(), f"relu({name})")
    negative = _named(_named(-value, f"−{name}").relu(), f"relu(−{name})")
    return _named(positive + negative, f"|{name}|")


def layer_norm_penalty(layers, strengths: Sequence[float]) -> Value:
    """The slides' λ1‖W1‖₂ + λ2‖W2‖₂ + ...: one λ per layer, each times that layer's weight norm.

    ``layers`` is a model with ``.layers`` (an ``MLP``) or a list of ``Layer``.
    The nodes are named after the layers' matrices: ``λ1``, ``‖V‖``, ``λ1‖V‖``.
    """
    where = "layer_norm_penalty"
    layer_list = list(layers.layers) if hasattr(layers, "layers") else layers
    if not isinstance(layer_list, Sequence) or not all(isinstance(layer, Layer) for layer in layer_list):
        raise TypeError(f"{where}: expected an MLP or a list of Layers")
    if isinstance(strengths, (int, float)) or len(strengths) != len(layer_list):
        raise ValueError(
            f"{where}: give one λ per layer: {len(layer_list)} layers, got {strengths!r}"
        )
    terms = []
    for k, (layer, strength) in enumerate(zip(layer_list, strengths), 1):
        matrix = layer.weight_name.upper()
        weight = _strength(strength, f"{where} (layer {k})", f"λ{k}")
        terms.append(_named(weight * l2_norm(layer.weights(), matrix), f"λ{k}‖{matrix}‖"))
    return terms[0] if len(terms) == 1 else _named(autograd.sum_values(terms), "Σλ‖W‖")
