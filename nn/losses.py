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
from nn.checks import class_index, finite_number, probability, sequence

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


def _prediction(value, where: str) -> Value:
    """A prediction as a node: a ``Value`` as it is, a number as a checked constant."""
    if isinstance(value, Value):
        finite_number(value.data, where)
        return value
    return Constant(finite_number(value, where))


def _constant(value, number: float) -> Constant:
    """A checked target as a constant: a ``Constant`` kept, anything else copied with its label."""
    if isinstance(value, Constant):
        return value
    return Constant(number, label=value.label if isinstance(value, Value) else None)


def _number_target(value, where: str) -> Constant:
    return _constant(value, finite_number(_number_of(value), where))


def _probability_target(value, where: str) -> Constant:
    return _constant(value, probability(_number_of(value), where))


def _regression_targets(targets, count: int, loss: str) -> list[Constant]:
    targets = _as_list(targets, "targets", loss)
    if len(targets) != count:
        raise ValueError(f"{loss}: {count} predictions but {len(targets)} targets; they must match")
    return [_number_target(target, f"{loss}: targets[{k}]") for k, target in enumerate(targets)]


def _distribution_target(target, classes: int, loss: str) -> list[Constant]:
    """A class index (0-based) as one-hot constants, or a list of per-class weights that
    each lie in [0, 1] and add up to 1: a one-hot list or a soft label."""
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        index = class_index(target, classes, f"{loss}: target")
        return [Constant(1.0 if k == index else 0.0) for k in range(classes)]
    entries = _as_list(target, "target", loss)
    if len(entries) != classes:
        raise ValueError(f"{loss}: {classes} classes but {len(entries)} target entries")
    weights = [_probability_target(entry, f"{loss}: target[{k}]") for k, entry in enumerate(entries)]
    total = math.fsum(weight.data for weight in weights)
    if abs(total - 1.0) > TARGET_SUM_TOLERANCE:
        raise ValueError(
            f"{loss}: the target's entries add up to {total!r}, not 1 (within "
            f"{TARGET_SUM_TOLERANCE:g}); a target is a class index, a one-hot list or a "
            f"distribution over the classes"
        )
    return weights


def _sign_target(target, loss: str) -> Constant:
    checked = _number_target(target, f"{loss}: target")
    if checked.data not in (-1.0, 1.0):
        raise ValueError(f"{loss}: the target must be -1 or +1, got {_number_of(target)!r}")
    return checked


def _probabilities(values, loss: str) -> list[Value]:
    """Predicted probabilities, each checked to lie in [0, 1]."""
    nodes = [_prediction(value, f"{loss}: probabilities[{k}]")
             for k, value in enumerate(_as_list(values, "probabilities", loss))]
    for k, node in enumerate(nodes):
        probability(node.data, f"{loss}: probabilities[{k}]")
    return nodes


def _labelled(node: Value, label: str | None) -> Value:
    if label is not None:
        node.label = label
    return node


# ----- the losses ---------------------------------------------------------------------


def mse(predictions, targets, form: str = "half_sum", label: str | None = None) -> Value:
    """Squared error: ``"half_sum"`` is the slides' J = ½ Σ (ŷ − y)², ``"mean"`` is (1/n) Σ (ŷ − y)²."""
    loss = "mse"
    predictions = [_prediction(value, f"{loss}: predictions[{k}]")
                   for k, value in enumerate(_as_list(predictions, "predictions", loss))]
    targets = _regression_targets(targets, len(predictions), loss)
    if form not in ("half_sum", "mean"):
        raise ValueError(f"mse: form must be 'half_sum' or 'mean', got {form!r}")
    errors = [prediction - target for prediction, target in zip(predictions, targets)]
    # One dot node e·e holds the whole sum of squares.
    squares = autograd.dot(errors, errors)
    scale = 0.5 if form == "half_sum" else 1.0 / len(errors)
    return _labelled(squares * scale, label)


def binary_cross_entropy(probability_value, target, label: str | None = None) -> Value:
    """Two-class cross-entropy on a probability p in [0, 1]: −(y ln p + (1 − y) ln(1 − p)).

    A term whose weight is exactly 0 is left out, so p = 0 with y = 0 costs 0
    instead of failing on ln 0. Prefer the logits form for training.
    """
    loss = "binary_cross_entropy"
    target = _probability_target(target, f"{loss}: target")
    p = _prediction(probability_value, f"{loss}: probability")
    probability(p.data, f"{loss}: probability")
    total = _two_class(target, p.log, lambda: (1.0 - p).log())
    return _labelled(-total, label)


def binary_cross_entropy_with_logits(logit, target, label: str | None = None) -> Value:
    """Two-class cross-entropy on a raw score s, with p = σ(s), stable for |s| up to ±1000.

    −ln σ(s) = ln(1 + e⁻ˢ) = logsumexp(0, −s) and −ln(1 − σ(s)) = logsumexp(0, s),
    and logsumexp never overflows. Keeping the two terms apart (rather than
    ln(1 + eˢ) − y·s) avoids cancelling two large numbers when the loss is tiny.
    """
    loss = "binary_cross_entropy_with_logits"
    target = _probability_target(target, f"{loss}: target")
    logit = _prediction(logit, f"{loss}: logit")
    total = _two_class(
        target,
        lambda: autograd.logsumexp([0.0, -logit]),
        lambda: autograd.logsumexp([0.0, logit]),
    )
    return _labelled(total, label)


def _two_class(target: Constant, positive, negative) -> Value:
    """y·positive() + (1 − y)·negative(), leaving out a term whose weight is 0.

    Each term is built only when kept, so p = 0 with y = 0 never asks for ln 0.
    """
    terms = []
    if target.data != 0.0:
        terms.append(target * positive())
    if target.data != 1.0:
        terms.append((1.0 - target) * negative())
    return terms[0] if len(terms) == 1 else terms[0] + terms[1]


def _weighted_negative_sum(weights: list[Constant], logs: list) -> Value:
    """−Σ y_c · log_c, leaving out classes whose weight is 0."""
    kept = [(weight, log_value) for weight, log_value in zip(weights, logs) if weight.data != 0.0]
    if len(kept) == 1:
        weight, log_value = kept[0]
        return -log_value if weight.data == 1.0 else -(weight * log_value)
    return -autograd.dot([weight for weight, _ in kept], [log_value for _, log_value in kept])


def cross_entropy(logits, target, label: str | None = None) -> Value:
    """Multi-class cross-entropy −Σ y_c ln softmax(z)_c from logits, stable for ±1000.

    ``target`` is a class index (0-based) or a list of per-class weights
    (one-hot, or a soft label adding up to 1).
    """
    loss = "cross_entropy"
    logits = [_prediction(value, f"{loss}: logits[{k}]")
              for k, value in enumerate(_as_list(logits, "logits", loss))]
    weights = _distribution_target(target, len(logits), loss)
    log_probabilities = autograd.log_softmax(logits)
    return _labelled(_weighted_negative_sum(weights, log_probabilities), label)


def cross_entropy_from_probabilities(probabilities, target, label: str | None = None) -> Value:
    """The slides' L = −Σ y_c ln p_c on probabilities (e.g. a softmax output).

    One ``autograd.negative_log_likelihood`` node reads every p_c and y_c, with the
    slides' local derivatives ∂L/∂p_c = −y_c / p_c, so a graph shows p1 → L as the
    worked example does. A class whose y_c is 0 adds nothing, even at p_c = 0.
    """
    loss = "cross_entropy_from_probabilities"
    probabilities = _probabilities(probabilities, loss)
    weights = _distribution_target(target, len(probabilities), loss)
    return _labelled(autograd.negative_log_likelihood(probabilities, weights), label)


def hinge(score, target, label: str | None = None) -> Value:
    """max(0, 1 − y·s) for a label y of −1 or +1 and a raw score s."""
    loss = "hinge"
    target = _sign_target(target, loss)
    score = _prediction(score, f"{loss}: score")
    return _labelled((1.0 - target * score).relu(), label)


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
