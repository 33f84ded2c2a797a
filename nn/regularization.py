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
from autograd import Value

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


def _strength(strength, where: str) -> float:
    return finite_number(strength, f"{where}: λ", minimum=0.0)


def sum_of_squares(values: Sequence[Value]) -> Value:
    """Σ w² as one ``dot`` node w · w."""
    return autograd.dot(values, values)


def l2_norm(values: Sequence[Value]) -> Value:
    """‖w‖₂ = √(Σ w²). Its gradient w/‖w‖ does not exist when every weight is 0."""
    return sum_of_squares(values).sqrt()


def squared_l2_penalty(source, strength: float) -> Value:
    """λ Σ w² over the weights of ``source``."""
    where = "squared_l2_penalty"
    return _strength(strength, where) * sum_of_squares(_weights(source, where))


def weight_decay_penalty(source, strength: float) -> Value:
    """(λ/2) Σ w²: adds exactly λ·w to each weight's gradient."""
    where = "weight_decay_penalty"
    return (0.5 * _strength(strength, where)) * sum_of_squares(_weights(source, where))


def l1_penalty(source, strength: float) -> Value:
    """λ Σ |w|, with |w| = relu(w) + relu(−w) so that its slope at 0 is 0."""
    where = "l1_penalty"
    checked = _strength(strength, where)
    magnitudes = [value.relu() + (-value).relu() for value in _weights(source, where)]
    return checked * autograd.sum_values(magnitudes)


def layer_norm_penalty(layers, strengths: Sequence[float]) -> Value:
    """The slides' λ1‖W1‖₂ + λ2‖W2‖₂ + ...: one λ per layer, each times that layer's weight norm.

    ``layers`` is a model with ``.layers`` (an ``MLP``) or a list of ``Layer``.
    """
    where = "layer_norm_penalty"
    layer_list = list(layers.layers) if hasattr(layers, "layers") else layers
    if not isinstance(layer_list, Sequence) or not all(isinstance(layer, Layer) for layer in layer_list):
        raise TypeError(f"{where}: expected an MLP or a list of Layers")
    if isinstance(strengths, (int, float)) or len(strengths) != len(layer_list):
        raise ValueError(
            f"{where}: give one λ per layer: {len(layer_list)} layers, got {strengths!r}"
        )
    terms = [
        _strength(strength, f"{where} (layer {k + 1})") * l2_norm(layer.weights())
        for k, (layer, strength) in enumerate(zip(layer_list, strengths))
    ]
    return terms[0] if len(terms) == 1 else autograd.sum_values(terms)
