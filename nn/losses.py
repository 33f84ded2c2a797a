"""Loss functions from the slides' "Cost Functions" page, built from ``Value`` operations.

* ``mse``: J = ½ Σ (ŷ − y)² (the slides' form) or the mean of the squares;
* ``binary_cross_entropy``: J = −(y ln p + (1 − y) ln(1 − p)) on a probability,
  and ``binary_cross_entropy_with_logits`` on a raw score (stable for ±1000);
* ``cross_entropy``: multi-class, from logits through ``log_softmax`` (stable);
  ``cross_entropy_from_probabilities``: the slides' L = −Σ y_c ln p_c, so a
  graph shows p1 → L exactly as the worked example does;
* ``hinge``: max(0, 1 − y·s) for labels ±1.

Predictions are ``Value`` nodes (or numbers); targets are numbers or ``Value``
leaves. A target given as a ``Value`` stays in the graph, so a picture shows
the labels too. Each loss accepts ``label=`` to name its result node.
"""

from collections.abc import Sequence

import autograd
from autograd import Value
from nn.checks import finite_number


def _as_list(values, name: str, loss: str) -> list:
    if isinstance(values, (Value, int, float)):
        return [values]
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise TypeError(f"{loss}: {name} must be a list of numbers or Values, got {values!r}")
    if not values:
        raise ValueError(f"{loss}: {name} is empty")
    return list(values)


def _number(target, loss: str, where: str) -> float | Value:
    """A target as a Value (kept in the graph) or a checked finite float."""
    if isinstance(target, Value):
        return target
    return finite_number(target, f"{loss}: {where}")


def _paired(predictions, targets, loss: str) -> tuple[list, list]:
    predictions = _as_list(predictions, "predictions", loss)
    targets = _as_list(targets, "targets", loss)
    if len(predictions) != len(targets):
        raise ValueError(
            f"{loss}: {len(predictions)} predictions but {len(targets)} targets; they must match"
        )
    return predictions, [_number(t, loss, f"target {k + 1}") for k, t in enumerate(targets)]


def _labelled(node: Value, label: str | None) -> Value:
    if label is not None:
        node.label = label
    return node


def mse(predictions, targets, form: str = "half_sum", label: str | None = None) -> Value:
    """Squared error: ``"half_sum"`` is the slides' J = ½ Σ (ŷ − y)², ``"mean"`` is (1/n) Σ (ŷ − y)²."""
    predictions, targets = _paired(predictions, targets, "mse")
    if form not in ("half_sum", "mean"):
        raise ValueError(f"mse: form must be 'half_sum' or 'mean', got {form!r}")
    errors = [prediction - target for prediction, target in zip(predictions, targets)]
    # One dot node e·e holds the whole sum of squares.
    squares = autograd.dot(errors, errors)
    scale = 0.5 if form == "half_sum" else 1.0 / len(errors)
    return _labelled(squares * scale, label)


def _check_probability_target(target, loss: str) -> None:
    if not isinstance(target, Value) and not 0.0 <= target <= 1.0:
        raise ValueError(f"{loss}: the target must lie in [0, 1], got {target!r}")


def binary_cross_entropy(probability, target, label: str | None = None) -> Value:
    """Two-class cross-entropy on a probability p in (0, 1): −(y ln p + (1 − y) ln(1 − p)).

    A term whose weight is exactly 0 is left out, so p = 0 with y = 0 costs 0
    instead of failing on ln 0. Prefer the logits form for training.
    """
    loss = "binary_cross_entropy"
    target = _number(target, loss, "target")
    _check_probability_target(target, loss)
    probability = probability if isinstance(probability, Value) else Value(_number(probability, loss, "probability"))
    total = _two_class(target, probability.log, lambda: (1.0 - probability).log())
    return _labelled(-total, label)


def binary_cross_entropy_with_logits(logit, target, label: str | None = None) -> Value:
    """Two-class cross-entropy on a raw score s, with p = σ(s), stable for |s| up to ±1000.

    −ln σ(s) = ln(1 + e⁻ˢ) = logsumexp(0, −s) and −ln(1 − σ(s)) = logsumexp(0, s),
    and logsumexp never overflows. Keeping the two terms apart (rather than
    ln(1 + eˢ) − y·s) avoids cancelling two large numbers when the loss is tiny.
    """
    loss = "binary_cross_entropy_with_logits"
    target = _number(target, loss, "target")
    _check_probability_target(target, loss)
    logit = logit if isinstance(logit, Value) else Value(_number(logit, loss, "logit"))
    total = _two_class(
        target,
        lambda: autograd.logsumexp([Value(0.0), -logit]),
        lambda: autograd.logsumexp([Value(0.0), logit]),
    )
    return _labelled(total, label)


def _two_class(target, positive, negative) -> Value:
    """y·positive() + (1 − y)·negative(), leaving out a term whose number weight is 0.

    Each term is built only when kept, so p = 0 with y = 0 never asks for ln 0.
    """
    terms = []
    if isinstance(target, Value) or target != 0.0:
        terms.append(target * positive())
    if isinstance(target, Value) or target != 1.0:
        terms.append((1.0 - target) * negative())
    return terms[0] if len(terms) == 1 else terms[0] + terms[1]


def _one_hot(target, classes: int, loss: str) -> list:
    if isinstance(target, int) and not isinstance(target, bool):
        if not 0 <= target < classes:
            raise ValueError(f"{loss}: class index {target} is outside 0..{classes - 1}")
        return [1.0 if k == target else 0.0 for k in range(classes)]
    targets = _as_list(target, "target", loss)
    if len(targets) != classes:
        raise ValueError(f"{loss}: {classes} classes but {len(targets)} target entries")
    return [_number(t, loss, f"target {k + 1}") for k, t in enumerate(targets)]


def _weighted_negative_sum(weights: list, logs: list) -> Value:
    """−Σ y_c · log_c, leaving out classes whose weight is a plain 0."""
    if any(isinstance(weight, Value) for weight in weights):
        return -autograd.dot(weights, logs)
    kept = [(weight, log_value) for weight, log_value in zip(weights, logs) if weight != 0.0]
    if not kept:
        return Value(0.0)
    if len(kept) == 1:
        weight, log_value = kept[0]
        return -log_value if weight == 1.0 else -(weight * log_value)
    return -autograd.dot([weight for weight, _ in kept], [log_value for _, log_value in kept])


def cross_entropy(logits, target, label: str | None = None) -> Value:
    """Multi-class cross-entropy −Σ y_c ln softmax(z)_c from logits, stable for ±1000.

    ``target`` is a class index (0-based) or a list of per-class weights
    (one-hot, or soft labels).
    """
    loss = "cross_entropy"
    logits = _as_list(logits, "logits", loss)
    weights = _one_hot(target, len(logits), loss)
    log_probabilities = autograd.log_softmax(logits)
    return _labelled(_weighted_negative_sum(weights, log_probabilities), label)


def cross_entropy_from_probabilities(probabilities, target, label: str | None = None) -> Value:
    """The slides' L = −Σ y_c ln p_c on probabilities (e.g. a softmax output).

    With a one-hot target of numbers the graph is p_c → ln → L; with ``Value``
    targets (y1, y2, y3) it is one dot node y · ln p, so the targets show too.
    """
    loss = "cross_entropy_from_probabilities"
    probabilities = _as_list(probabilities, "probabilities", loss)
    weights = _one_hot(target, len(probabilities), loss)
    logs = [
        autograd.log(probability)
        for weight, probability in zip(weights, probabilities)
        if isinstance(weight, Value) or weight != 0.0
    ]
    used = [weight for weight in weights if isinstance(weight, Value) or weight != 0.0]
    return _labelled(_weighted_negative_sum(used, logs), label)


def hinge(score, target, label: str | None = None) -> Value:
    """max(0, 1 − y·s) for a label y of −1 or +1 and a raw score s."""
    loss = "hinge"
    target = _number(target, loss, "target")
    if not isinstance(target, Value) and target not in (-1.0, 1.0):
        raise ValueError(f"hinge: the target must be -1 or +1, got {target!r}")
    score = score if isinstance(score, Value) else Value(_number(score, loss, "score"))
    return _labelled((1.0 - target * score).relu(), label)
