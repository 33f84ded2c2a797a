"""Loss functions from the slides' "Cost Functions" page, built from ``Value`` operations.

* ``mse``: J = ½ Σ (ŷ − y)² (the slides' form) or the mean of the squares;
* ``binary_cross_entropy``: J = −(y ln p + (1 − y) ln(1 − p)) on a probability,
  and ``binary_cross_entropy_with_logits`` on a raw score (stable for ±1000);
* ``cross_entropy``: multi-class, from logits through ``log_softmax`` (stable);
  ``cross_entropy_from_probabilities``: the slides' L = −Σ y_c ln p_c as one
  node, so a graph shows p1 → L exactly as the worked example does;
* ``hinge``: max(0, 1 − y·s) for labels ±1.

Predictions are ``Value`` nodes (or numbers). Targets are data: numbers, or
``Value`` s whose number is read, and they enter the graph as ``autograd.Constant``
nodes, which get no gradient. A ``Constant`` target is used as it is (so a
picture shows the very y1, y2, y3 it was given); any other ``Value`` is copied
into a constant with its number and label.

Every loss checks what it is given before building anything, with one error
that names the loss, the place and the number: a probability outside [0, 1]
(``cross_entropy_from_probabilities: probabilities[2] must be in [0, 1], got
1.5``), a target outside its range, a soft label that does not add up to 1.
``TARGET_CHECKS`` holds the same target rules by loss name, so ``train`` can
check every example before its first update.

Each loss accepts ``label=`` to name its result node.
"""

import math
import numbers

import autograd
from autograd import Constant, Value
from nn.checks import class_index, finite_number, sequence
from nn.checks import probability as checked_probability

# How far the entries of a soft label may add up away from 1: rounding of
# computed labels (1/3 + 1/3 + 1/3), not labels typed with a few decimals.
TARGET_SUM_TOLERANCE = 1e-6


# ----- what a loss is given --------------------------------------------------------------


def _as_list(values, name: str, loss: str) -> list:
    if isinstance(values, (Value, int, float)):
        return [values]
    values = sequence(values, f"{loss}: {name}", "a list of numbers or Values")
    if not values:
        raise ValueError(f"{loss}: {name} is empty")
    return values


def _number_of(value) -> float:
    return value.data if isinstance(value, Value) else value


def _name(node: Value, default: str) -> str:
    return node.label if node.label is not None else default


def _prediction(value, where: str, name: str) -> Value:
    """A prediction as a node: a ``Value`` as it is, a number as a checked constant ``name``."""
    if isinstance(value, Value):
        finite_number(value.data, where)
        return value
    return Constant(finite_number(value, where), label=name)


def _constant(value, number: float, name: str) -> Constant:
    """A checked target as a constant: a ``Constant`` kept, anything else copied (with its
    own label, or ``name``)."""
    if isinstance(value, Constant):
        return value
    label = value.label if isinstance(value, Value) and value.label is not None else name
    return Constant(number, label=label)


def _number_target(value, where: str, name: str) -> Constant:
    return _constant(value, finite_number(_number_of(value), where), name)


def _probability_target(value, where: str) -> Constant:
    return _constant(value, checked_probability(_number_of(value), where), "y")


def _target_name(k: int, count: int) -> str:
    # The slides' y for one output, y1, y2, .. for several.
    return "y" if count == 1 else f"y{k + 1}"


def _regression_targets(targets, count: int, loss: str) -> list[Constant]:
    targets = _as_list(targets, "targets", loss)
    if len(targets) != count:
        raise ValueError(f"{loss}: {count} predictions but {len(targets)} targets; they must match")
    return [_number_target(target, f"{loss}: targets[{k}]", _target_name(k, count))
            for k, target in enumerate(targets)]


def _distribution_target(target, classes: int, loss: str) -> list[Constant]:
    """A class index (0-based) as one-hot constants y1 .. yn, or a list of per-class
    weights that each lie in [0, 1] and add up to 1: a one-hot list or a soft label."""
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        index = class_index(target, classes, f"{loss}: target")
        return [Constant(1.0 if k == index else 0.0, label=f"y{k + 1}") for k in range(classes)]
    entries = _as_list(target, "target", loss)
    if len(entries) != classes:
        raise ValueError(f"{loss}: {classes} classes but {len(entries)} target entries")
    weights = [
        _constant(entry, checked_probability(_number_of(entry), f"{loss}: target[{k}]"), f"y{k + 1}")
        for k, entry in enumerate(entries)
    ]
    total = math.fsum(weight.data for weight in weights)
    if abs(total - 1.0) > TARGET_SUM_TOLERANCE:
        raise ValueError(
            f"{loss}: the target's entries add up to {total!r}, not 1 (within "
            f"{TARGET_SUM_TOLERANCE:g}); a target is a class index, a one-hot list or a "
            f"distribution over the classes"
        )
    return weights


def _sign_target(target, loss: str) -> Constant:
    checked = _number_target(target, f"{loss}: target", "y")
    if checked.data not in (-1.0, 1.0):
        raise ValueError(f"{loss}: the target must be -1 or +1, got {_number_of(target)!r}")
    return checked


def _predictions(values, what: str, loss: str, name: str) -> list[Value]:
    values = _as_list(values, what, loss)
    return [_prediction(value, f"{loss}: {what}[{k}]", f"{name}{k + 1}") for k, value in enumerate(values)]


def _probabilities(values, loss: str) -> list[Value]:
    """Predicted probabilities, each checked to lie in [0, 1]."""
    nodes = _predictions(values, "probabilities", loss, "p")
    for k, node in enumerate(nodes):
        checked_probability(node.data, f"{loss}: probabilities[{k}]")
    return nodes


def _named(node: Value, label: str) -> Value:
    node.label = label
    return node


def _loss_node(node: Value, label: str | None) -> Value:
    # The slides call one example's loss L; ``label=`` names it otherwise.
    return _named(node, "L" if label is None else label)


# ----- the losses ---------------------------------------------------------------------


def mse(predictions, targets, form: str = "half_sum", label: str | None = None) -> Value:
    """Squared error: ``"half_sum"`` is the slides' J = ½ Σ (ŷ − y)², ``"mean"`` is (1/n) Σ (ŷ − y)².

    Each square is one ``** 2`` node, so the error reaches it along one edge and an
    explanation shows each path once.
    """
    loss = "mse"
    predictions = _predictions(predictions, "predictions", loss, "ŷ")
    targets = _regression_targets(targets, len(predictions), loss)
    if form not in ("half_sum", "mean"):
        raise ValueError(f"mse: form must be 'half_sum' or 'mean', got {form!r}")
    squares = []
    for k, (prediction, target) in enumerate(zip(predictions, targets), 1):
        difference = f"{_name(prediction, f'ŷ{k}')}−{target.label}"
        error = _named(prediction - target, difference)
        squares.append(_named(error ** 2, f"({difference})²"))
    total = squares[0] if len(squares) == 1 else _named(autograd.sum_values(squares), "Σ(ŷ−y)²")
    scale = Constant(0.5, label="½") if form == "half_sum" else Constant(1.0 / len(squares), label=f"1/{len(squares)}")
    return _loss_node(scale * total, label)


def binary_cross_entropy(probability, target, label: str | None = None) -> Value:
    """Two-class cross-entropy on a probability p in [0, 1]: −(y ln p + (1 − y) ln(1 − p)).

    One ``negative_log_likelihood`` node over the two classes (p, 1 − p) with
    weights (y, 1 − y): a class whose weight is 0 adds nothing, so p = 0 with
    y = 0 costs 0 instead of failing on ln 0. Prefer the logits form for training.
    """
    loss = "binary_cross_entropy"
    target = _probability_target(target, f"{loss}: target")
    p = _prediction(probability, f"{loss}: probability", "p")
    checked_probability(p.data, f"{loss}: probability")
    p_name = _name(p, "p")
    complement = _named(Constant(1.0, label="1") - p, f"1−{p_name}")
    target_complement = Constant(1.0 - target.data, label=f"1−{target.label}")
    return _loss_node(
        autograd.negative_log_likelihood([p, complement], [target, target_complement]), label
    )


def binary_cross_entropy_with_logits(logit, target, label: str | None = None) -> Value:
    """Two-class cross-entropy on a raw score s, with p = σ(s), stable for |s| up to ±1000.

    −ln σ(s) = ln(1 + e⁻ˢ) = logsumexp(0, −s) and −ln(1 − σ(s)) = logsumexp(0, s),
    and logsumexp never overflows. Keeping the two terms apart (rather than
    ln(1 + eˢ) − y·s) avoids cancelling two large numbers when the loss is tiny.
    A term whose weight is 0 is left out.
    """
    loss = "binary_cross_entropy_with_logits"
    target = _probability_target(target, f"{loss}: target")
    logit = _prediction(logit, f"{loss}: logit", "s")
    s_name = _name(logit, "s")
    zero = Constant(0.0, label="0")
    terms, weights = [], []
    if target.data != 0.0:
        negated = _named(-logit, f"−{s_name}")
        terms.append(_named(autograd.logsumexp([zero, negated]), f"ln(1+e^−{s_name})"))
        weights.append(target)
    if target.data != 1.0:
        terms.append(_named(autograd.logsumexp([zero, logit]), f"ln(1+e^{s_name})"))
        weights.append(Constant(1.0 - target.data, label=f"1−{target.label}"))
    if len(terms) == 1 and weights[0].data == 1.0:
        return _loss_node(terms[0], label)
    return _loss_node(autograd.dot(weights, terms), label)


def cross_entropy(logits, target, label: str | None = None) -> Value:
    """Multi-class cross-entropy −Σ y_c ln softmax(z)_c from logits, stable for ±1000.

    ``target`` is a class index (0-based) or a list of per-class weights
    (one-hot, or a soft label adding up to 1). Classes whose weight is 0 are left out.
    """
    loss = "cross_entropy"
    logits = _predictions(logits, "logits", loss, "z")
    weights = _distribution_target(target, len(logits), loss)
    log_probabilities = autograd.log_softmax(logits)
    kept = [(weight, _named(log_p, f"ln p{c}"))
            for c, (weight, log_p) in enumerate(zip(weights, log_probabilities), 1) if weight.data != 0.0]
    if len(kept) == 1 and kept[0][0].data == 1.0:
        return _loss_node(-kept[0][1], label)
    weighted = autograd.dot([weight for weight, _ in kept], [log_p for _, log_p in kept])
    return _loss_node(-_named(weighted, "y·ln p"), label)


def cross_entropy_from_probabilities(probabilities, target, label: str | None = None) -> Value:
    """The slides' L = −Σ y_c ln p_c on probabilities (e.g. a softmax output).

    One ``autograd.negative_log_likelihood`` node reads every p_c and y_c, with the
    slides' local derivatives ∂L/∂p_c = −y_c / p_c, so a graph shows p1 → L as the
    worked example does. A class whose y_c is 0 adds nothing, even at p_c = 0.
    """
    loss = "cross_entropy_from_probabilities"
    probabilities = _probabilities(probabilities, loss)
    weights = _distribution_target(target, len(probabilities), loss)
    return _loss_node(autograd.negative_log_likelihood(probabilities, weights), label)


def hinge(score, target, label: str | None = None) -> Value:
    """max(0, 1 − y·s) for a label y of −1 or +1 and a raw score s."""
    loss = "hinge"
    target = _sign_target(target, loss)
    score = _prediction(score, f"{loss}: score", "s")
    product = _named(target * score, f"{target.label}·{_name(score, 's')}")
    margin = _named(Constant(1.0, label="1") - product, f"1−{product.label}")
    return _loss_node(margin.relu(), label)


# The target rules of each loss by name, for ``train`` to check every example before
# its first update: each takes (target, number of model outputs) and returns the constants.
TARGET_CHECKS = {
    "mse": lambda target, outputs: _regression_targets(target, outputs, "mse"),
    "cross_entropy": lambda target, outputs: _distribution_target(target, outputs, "cross_entropy"),
    "cross_entropy_from_probabilities": lambda target, outputs: _distribution_target(
        target, outputs, "cross_entropy_from_probabilities"),
    "binary_cross_entropy": lambda target, outputs: _probability_target(
        target, "binary_cross_entropy: target"),
    "binary_cross_entropy_with_logits": lambda target, outputs: _probability_target(
        target, "binary_cross_entropy_with_logits: target"),
    "hinge": lambda target, outputs: _sign_target(target, "hinge"),
}
