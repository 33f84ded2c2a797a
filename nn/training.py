"""The training loop, with the slides' three ways of updating, and its helpers.

The slides' four steps, repeated: present examples, run the forward pass, measure
the cost, back-propagate and update. ``train`` does exactly that, in one of three
modes that differ only in how many examples feed one update:

* ``"stochastic"``: one example, then an update (n updates per epoch);
* ``"batch"``: the whole training set, then one update per epoch;
* ``"mini-batch"``: ``batch_size`` examples, then an update.

The cost of a batch is one ``autograd.sum_values`` node over the per-example
losses, times 1/n (``reduction="mean"``, the default, so the step size does not
depend on the batch size) or not (``reduction="sum"``, the slides' J = Σ_s ...).
``penalty(model)``, e.g. a regulariser, is added once per update.

``loss`` is a function of (model outputs, target) for ONE example, returning a
``Value``, or one of the names in ``LOSSES``: "mse" (the slides' ½ Σ (ŷ − y)²),
"cross_entropy" (logits and a class index or one-hot list), and for models with
a single output "binary_cross_entropy_with_logits", "binary_cross_entropy"
(a probability) and "hinge" (targets −1 or +1).

``History`` keeps, per epoch, the mean per-example loss and the accuracy as
measured while the epoch ran (each example scored by the model as it was when
it saw that example), the learning rate used, and, when ``validation`` data is
given, the loss and accuracy on it at the end of the epoch in evaluation mode.
Accuracy is kept when the targets are class indices (ints: 0/1, −1/+1 or
0..K−1) or one-hot lists; float targets mean regression, and only loss is kept.

Before the first update ``train`` checks every example: each row a list of
finite numbers as wide as row 0 (and as the model's ``nin``), each target what
the loss reads (a class index in range, a probability, ±1, a list as long as
the model's outputs; for your own loss, finite numbers shaped like target 0).
One bad example anywhere fails with its position, and no weight has moved.

A progress bar is drawn on the terminal (``stream``, default standard error) and
nowhere else: when the output is a file or a pipe, as under pytest, ``train``
writes nothing.
"""

import math
import numbers
import random
import sys
import time
from dataclasses import dataclass, field

from autograd import Constant, Value, no_grad, sum_values
from nn.checks import finite_number, number_rows, sequence, whole_number
from nn.clip import clip_by_norm, clip_by_value
from nn.compiled_training import CompiledExamples
from nn.data import Dataset, batch_indices
from nn.losses import (
    TARGET_CHECKS,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_from_probabilities,
    hinge,
    mse,
)

__all__ = [
    "History",
    "LOSSES",
    "MODES",
    "ProgressBar",
    "accuracy",
    "predict",
    "predict_values",
    "train",
]

MODES = ("stochastic", "batch", "mini-batch")

# Losses that take a whole output list, and losses that take a single output.
_LIST_LOSSES = {
    "mse": mse,
    "cross_entropy": cross_entropy,
    "cross_entropy_from_probabilities": cross_entropy_from_probabilities,
}
_SINGLE_OUTPUT_LOSSES = {
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "hinge": hinge,
}
LOSSES = tuple(sorted({**_LIST_LOSSES, **_SINGLE_OUTPUT_LOSSES}))


@dataclass
class History:
    """What happened in each epoch of a ``train`` call."""

    mode: str
    batch_size: int
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    learning_rate: list = field(default_factory=list)
    validation_loss: list = field(default_factory=list)
    validation_accuracy: list = field(default_factory=list)
    updates: int = 0
    seconds: float = 0.0

    def __len__(self):
        return len(self.loss)

    def __repr__(self):
        last = f", last loss {self.loss[-1]:.4g}" if self.loss else ""
        scored = f", accuracy {self.accuracy[-1]:.1%}" if self.accuracy else ""
        return (f"History({len(self)} epochs, mode={self.mode!r}, batch_size={self.batch_size}, "
                f"{self.updates} updates{last}{scored})")


class ProgressBar:
    """A one-line progress bar redrawn in place with a carriage return.

    Draws only when ``enabled`` (by default: when ``stream`` is a terminal), and
    at most every ``interval`` seconds, except the final state which is always drawn.
    """

    def __init__(self, total, stream=None, enabled=None, width=30, interval=0.1):
        self.total = max(int(total), 1)
        self.stream = sys.stderr if stream is None else stream
        self.enabled = _is_terminal(self.stream) if enabled is None else bool(enabled)
        self.width = width
        self.interval = interval
        self.last_drawn = -math.inf
        self.last_length = 0

    def update(self, done, message=""):
        """Show ``done`` of ``total`` steps, followed by ``message``."""
        now = time.monotonic()
        if not self.enabled or (done < self.total and now - self.last_drawn < self.interval):
            return
        self.last_drawn = now
        fraction = min(done / self.total, 1.0)
        filled = int(round(self.width * fraction))
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {fraction:4.0%} {message}".rstrip()
        # Pad with spaces so a shorter line fully covers the previous one.
        self.stream.write("\r" + line.ljust(self.last_length))
        self.stream.flush()
        self.last_length = len(line)

    def close(self):
        """End the line, so later output starts on a fresh one."""
        if self.enabled and self.last_length:
            self.stream.write("\n")
            self.stream.flush()


def train(model, inputs, targets, *, loss, optimizer, mode="mini-batch", batch_size=None,
          epochs=10, reduction="mean", penalty=None, schedule=None, clip_norm=None,
          clip_value=None, shuffle=True, seed=0, threshold=0.0, validation=None,
          progress=None, stream=None, on_epoch_end=None, compiled=False):
    """Train ``model`` on (inputs, targets) and return a ``History``.

    ``model`` is any callable that maps a list of floats to a list of ``Value``
    (an ``nn.MLP``, or your own function) whose weights ``optimizer`` holds.
    ``batch_size`` belongs to ``mode="mini-batch"`` (default 32, capped at the
    number of examples). ``schedule``
    steps once per epoch; ``clip_norm`` / ``clip_value`` clip the gradients
    before each update; ``threshold`` decides the class of a single output
    (0.0 for a logit or tanh, 0.5 for a probability). ``seed`` fixes the
    shuffling. ``progress`` forces the progress bar on or off.
    ``on_epoch_end(epoch, history)`` is called after each epoch.

    ``compiled=True`` (an ``nn.MLP`` without dropout) replays a compiled program per
    example instead of building a graph (``nn.compiled_training``): the same updates
    to rounding, several times faster, but no graph to draw or explain.
    """
    # Everything is checked before the first update, so a bad example anywhere (a
    # ragged row, a nan, a class index out of range) changes no weight.
    inputs, targets = _examples(inputs, targets, "train", model)
    per_example_loss = _loss_function(loss)
    batch_size = _batch_size(mode, batch_size, len(inputs))
    epochs = whole_number(epochs, "train: epochs", minimum=1)
    if reduction not in ("mean", "sum"):
        raise ValueError(f"train: reduction must be 'mean' or 'sum', got {reduction!r}")
    parameters = _checked_optimizer(model, optimizer)
    if validation is not None:
        validation = _examples(*_pair(validation), "train (validation)", model)
    output_count = _output_count(model, inputs[0])
    _check_targets(targets, loss, output_count, "train")
    if validation is not None:
        _check_targets(validation[1], loss, output_count, "train (validation)")
    classifying = _is_classification(targets)
    replay = CompiledExamples(model, per_example_loss, parameters, penalty) if compiled else None
    rng = random.Random(seed)
    history = History(mode=mode, batch_size=batch_size)
    groups_per_epoch = math.ceil(len(inputs) / batch_size)
    bar = ProgressBar(epochs * groups_per_epoch, stream, progress)
    was_training = _set_training(model, True)
    started = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            history.learning_rate.append(getattr(optimizer, "lr", math.nan))
            groups = batch_indices(len(inputs), batch_size, rng if shuffle else None)
            total_loss, correct = 0.0, 0
            for done, group in enumerate(groups, start=1):
                optimizer.zero_grad()
                if replay is not None:
                    example_losses, outputs = replay.backward(
                        [inputs[i] for i in group], [targets[i] for i in group], reduction)
                else:
                    example_losses, outputs = _graph_backward(
                        model, group, inputs, targets, per_example_loss, reduction, penalty)
                if clip_value is not None:
                    clip_by_value(parameters, clip_value)
                if clip_norm is not None:
                    clip_by_norm(parameters, clip_norm)
                optimizer.step()
                history.updates += 1
                total_loss += math.fsum(_number(value) for value in example_losses)
                if classifying:
                    correct += sum(
                        _predicted_class(out, threshold) == _target_class(targets[i], len(out))
                        for out, i in zip(outputs, group)
                    )
                if done < len(groups):
                    # The epoch's last update is drawn below, with the epoch's numbers.
                    bar.update((epoch - 1) * groups_per_epoch + done,
                               _progress_message(epoch, epochs, history))
            history.loss.append(total_loss / len(inputs))
            if classifying:
                history.accuracy.append(correct / len(inputs))
            if validation is not None:
                _validate(model, validation, per_example_loss, threshold, history)
            if schedule is not None:
                schedule.step()
            bar.update(epoch * groups_per_epoch, _progress_message(epoch, epochs, history))
            if on_epoch_end is not None:
                on_epoch_end(epoch, history)
    finally:
        bar.close()
        history.seconds = time.perf_counter() - started
        _set_training(model, was_training)
    return history


def _graph_backward(model, group, inputs, targets, per_example_loss, reduction, penalty):
    """Build the batch's graph and backpropagate it; returns (example losses, outputs)."""
    outputs, example_losses = [], []
    for index in group:
        example_outputs = _outputs(model, inputs[index])
        outputs.append(example_outputs)
        example_losses.append(per_example_loss(example_outputs, targets[index]))
    cost = _batch_cost(example_losses, reduction)
    if penalty is not None:
        cost = cost + penalty(model)
    if len(example_losses) > 1 or penalty is not None:
        # The slides' J: the cost of the whole update (one example's alone is L).
        cost.label = "J"
    cost.backward()
    return example_losses, outputs


def _number(value):
    return value.data if isinstance(value, Value) else value


def predict_values(model, inputs):
    """The model's outputs as numbers, one list per input row (evaluation mode, no graph)."""
    rows = _rows(inputs, "predict_values", model)
    was_training = _set_training(model, False)
    try:
        with no_grad():
            return [[value.data for value in _outputs(model, row)] for row in rows]
    finally:
        _set_training(model, was_training)


def predict(model, inputs, threshold=0.0):
    """Class predictions: the arg-max output, or for a single output 1 if it exceeds
    ``threshold`` (0.0 for a logit or tanh output, 0.5 for a probability) else 0."""
    return [_predicted_class(row, threshold) for row in predict_values(model, inputs)]


def accuracy(model, inputs, targets, threshold=0.0):
    """The fraction of examples whose predicted class is the target's class.

    Targets are class indices, one-hot lists, or for a single output 0/1 or −1/+1.
    """
    inputs, targets = _examples(inputs, targets, "accuracy", model)
    predictions = predict_values(model, inputs)
    hits = sum(_predicted_class(out, threshold) == _target_class(target, len(out))
               for out, target in zip(predictions, targets))
    return hits / len(inputs)


def _validate(model, validation, per_example_loss, threshold, history):
    inputs, targets = validation
    was_training = _set_training(model, False)
    try:
        with no_grad():
            losses, hits = [], 0
            for row, target in zip(inputs, targets):
                outputs = _outputs(model, row)
                losses.append(per_example_loss(outputs, target).data)
                hits += _predicted_class(outputs, threshold) == _target_class(target, len(outputs))
    finally:
        _set_training(model, was_training)
    history.validation_loss.append(math.fsum(losses) / len(losses))
    if _is_classification(targets):
        history.validation_accuracy.append(hits / len(inputs))


def _batch_cost(example_losses, reduction):
    if len(example_losses) == 1:
        return example_losses[0]
    count = len(example_losses)
    for k, example_loss in enumerate(example_losses, 1):
        # A loss node named by the loss (L) or not at all is numbered; a name of the
        # user's own (or a node of the model returned as the loss) is left alone.
        if example_loss.label in (None, "L"):
            example_loss.label = f"L{k}"
    # One Σ node over the batch keeps the graph shallow and the picture readable.
    total = sum_values(example_losses)
    total.label = "ΣL"
    if reduction == "sum":
        return total
    mean = Constant(1.0 / count, label=f"1/{count}") * total
    mean.label = f"ΣL/{count}"
    return mean


def _progress_message(epoch, epochs, history):
    parts = [f"epoch {epoch}/{epochs}"]
    if history.loss:
        parts.append(f"loss {history.loss[-1]:.4f}")
    if history.accuracy:
        parts.append(f"acc {history.accuracy[-1]:.1%}")
    if history.validation_accuracy:
        parts.append(f"val acc {history.validation_accuracy[-1]:.1%}")
    return "  ".join(parts)


def _outputs(model, row):
    """The model's outputs for one row, always as a list of Values."""
    outputs = model(row)
    if isinstance(outputs, Value):
        return [outputs]
    outputs = list(outputs)
    if not outputs or not all(isinstance(value, Value) for value in outputs):
        raise TypeError(
            f"train: the model must return a Value or a non-empty list of Values, got {outputs!r}"
        )
    return outputs


def _predicted_class(outputs, threshold):
    scores = [value.data if isinstance(value, Value) else value for value in outputs]
    if len(scores) == 1:
        return int(scores[0] > threshold)
    return max(range(len(scores)), key=scores.__getitem__)


def _target_class(target, n_outputs):
    if isinstance(target, (list, tuple)):
        return max(range(len(target)), key=lambda k: target[k])
    if n_outputs == 1:
        # Binary labels may be 0/1 or, for the hinge loss, −1/+1.
        return int(target > 0)
    return int(target)


def _is_classification(targets):
    return all(
        isinstance(target, (list, tuple)) or (isinstance(target, int) and not isinstance(target, bool))
        for target in targets
    )


def _loss_function(loss):
    if callable(loss):
        return loss
    if loss in _LIST_LOSSES:
        return _LIST_LOSSES[loss]
    if loss in _SINGLE_OUTPUT_LOSSES:
        function = _SINGLE_OUTPUT_LOSSES[loss]

        def single_output_loss(outputs, target):
            _check_single_output(loss, len(outputs))
            return function(outputs[0], target)

        return single_output_loss
    raise ValueError(f"train: loss must be a function or one of {', '.join(LOSSES)}; got {loss!r}")


def _check_single_output(loss, output_count):
    if output_count != 1:
        raise ValueError(f"train: loss {loss!r} needs a model with one output, got {output_count}")


def _output_count(model, row):
    """How many outputs the model gives: one forward pass, recording nothing, in
    evaluation mode (so dropout draws no random number and training runs as it would)."""
    was_training = _set_training(model, False)
    try:
        with no_grad():
            return len(_outputs(model, row))
    finally:
        _set_training(model, was_training)


def _check_targets(targets, loss, output_count, operation):
    """Every target as the loss will read it, or an error naming the example."""
    if isinstance(loss, str) and loss in _SINGLE_OUTPUT_LOSSES:
        _check_single_output(loss, output_count)
    for position, target in enumerate(targets):
        where = f"{operation}: target {position}"
        if not isinstance(loss, str):
            _check_own_loss_target(target, targets[0], where)
            continue
        try:
            TARGET_CHECKS[loss](target, output_count)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {error}") from None


def _check_own_loss_target(target, first, where):
    """For someone's own loss: a finite number, or a list of them as long as target 0."""
    if isinstance(first, numbers.Real) and not isinstance(first, bool):
        finite_number(target, where)
        return
    entries = sequence(target, where, "a number or a list of numbers")
    if len(entries) != len(first):
        raise ValueError(f"{where}: has {len(entries)} entries but target 0 has {len(first)}")
    for column, entry in enumerate(entries):
        finite_number(entry, f"{where}[{column}]")


def _batch_size(mode, batch_size, count):
    if mode not in MODES:
        raise ValueError(f"train: mode must be one of {', '.join(MODES)}; got {mode!r}")
    if mode != "mini-batch":
        if batch_size is not None:
            raise ValueError(
                f"train: batch_size only applies to mode='mini-batch'; mode {mode!r} uses "
                f"{'1 example' if mode == 'stochastic' else 'the whole set'} per update"
            )
        return 1 if mode == "stochastic" else count
    return min(whole_number(32 if batch_size is None else batch_size, "train: batch_size", minimum=1), count)


def _checked_optimizer(model, optimizer):
    """The parameters the optimiser updates, after checking it fits the model."""
    if not callable(model):
        raise TypeError(f"train: the model must be callable on a list of floats, got {model!r}")
    for method in ("step", "zero_grad"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(f"train: the optimizer needs a {method}() method, got {optimizer!r}")
    parameters = getattr(optimizer, "parameters", None)
    if parameters is None and callable(getattr(model, "parameters", None)):
        parameters = model.parameters()
    if callable(getattr(model, "parameters", None)) and parameters is not None:
        if not set(parameters) & set(model.parameters()):
            # The usual slip: an optimiser built for another model trains nothing here.
            raise ValueError("train: the optimizer holds none of this model's parameters")
    return parameters


def _examples(inputs, targets, operation, model=None):
    rows = _rows(inputs, operation, model)
    targets = sequence(targets, f"{operation}: targets")
    if len(rows) != len(targets):
        raise ValueError(f"{operation}: {len(rows)} inputs but {len(targets)} targets")
    return rows, targets


def _rows(inputs, operation, model=None):
    """The input rows as lists of finite floats, all as wide as the model reads (or as row 0)."""
    width = getattr(model, "nin", None)
    if isinstance(width, bool) or not isinstance(width, int):
        width = None
    return number_rows(inputs, f"{operation}: inputs", width, "the model reads")


def _pair(validation):
    if isinstance(validation, Dataset):
        return validation.inputs, validation.targets
    if isinstance(validation, (tuple, list)) and len(validation) == 2:
        return validation
    raise TypeError("train: validation must be a Dataset or a pair (inputs, targets)")


def _set_training(model, training):
    """Put a module in training or evaluation mode; returns the mode it was in (or None)."""
    previous = getattr(model, "training", None)
    if training is not None and callable(getattr(model, "train", None)):
        model.train(training)
    return previous


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:
        # A closed stream cannot be a terminal worth drawing on.
        return False
