"""Training from compiled programs: ``train(..., compiled=True)``.

One example's loss is recorded once as a graph and compiled with
``autograd.compile_graph`` (the weights and the example's inputs x1 .. xn as the
program's inputs, the model's outputs returned alongside); every later example
with the same target replays that program on its own numbers instead of building
a graph. Targets are written into the program as they are (the losses fold
arithmetic on a target into constants), so there is one program per distinct
target: two for ±1 labels, one per class, one per example for regression.
A penalty is compiled once over the weights.

What a replay cannot follow is refused here rather than trained wrongly: a model
other than an ``nn.MLP`` (whose graph may depend on the data), and dropout, whose
random masks would be frozen into the program.
"""

from autograd import Constant, compile_graph
from nn.module import MLP


def _key(target):
    return tuple(target) if isinstance(target, (list, tuple)) else target


class CompiledExamples:
    """Per-target programs of one model and loss, and the update they accumulate."""

    def __init__(self, model, per_example_loss, parameters, penalty):
        if not isinstance(model, MLP):
            raise TypeError(
                f"train: compiled=True needs an nn.MLP, whose graph has the same shape for "
                f"every example; got {type(model).__name__}"
            )
        if model.dropouts:
            raise ValueError(
                "train: compiled=True cannot replay dropout (its random masks would be frozen "
                "into the program); train this model with compiled=False"
            )
        self.model = model
        self.per_example_loss = per_example_loss
        self.weights = model.parameters()
        if parameters is not None and not set(parameters) <= set(self.weights):
            raise ValueError("train: compiled=True needs an optimizer over this model's own parameters")
        self.programs = {}
        self.penalty = None
        if penalty is not None:
            self.penalty = compile_graph(penalty(model), inputs=self.weights)

    def program(self, row, target):
        """The compiled program for examples with this ``target`` (compiled on first use)."""
        key = _key(target)
        program = self.programs.get(key)
        if program is None:
            data = [Constant(number, label=f"x{i}") for i, number in enumerate(row, 1)]
            outputs = self.model(data)
            loss = self.per_example_loss(outputs, target)
            program = compile_graph(loss, inputs=[*self.weights, *data], extra_outputs=outputs)
            self.programs[key] = program
        return program

    def backward(self, rows, targets, reduction):
        """Fill every weight's ``.grad`` for this batch; return (losses, outputs) as numbers."""
        weights = [value.data for value in self.weights]
        totals = [0.0] * len(weights)
        losses, outputs = [], []
        for row, target in zip(rows, targets):
            loss, gradients, example_outputs = self.program(row, target).run(weights + row)
            totals = [total + gradient for total, gradient in zip(totals, gradients)]
            losses.append(loss)
            outputs.append(example_outputs)
        scale = 1.0 / len(rows) if reduction == "mean" and len(rows) > 1 else 1.0
        if self.penalty is not None:
            _, penalty_gradients, _ = self.penalty.run(weights)
            totals = [scale * total + extra for total, extra in zip(totals, penalty_gradients)]
            scale = 1.0
        for value, total in zip(self.weights, totals):
            value.grad = scale * total
        return losses, outputs
