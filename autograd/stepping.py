"""Backward one step at a time, for people who want to watch the chain rule work.

``backward_steps(root)`` runs exactly the loop of ``autograd.graph.backward`` but
pauses after each node and reports what happened on each of its edges. When the
generator is exhausted every gradient holds what ``root.backward()`` would give.
"""

from dataclasses import dataclass

from autograd.graph import check_finite_gradient, start_backward


@dataclass(frozen=True)
class Contribution:
    """What one edge added to one input's gradient in one step."""

    input: object  # the Value receiving the gradient
    local_derivative: float  # d out / d input
    upstream: float  # d root / d out
    contribution: float  # local_derivative * upstream
    running_total: float  # the input's gradient after adding the contribution


@dataclass(frozen=True)
class BackwardStep:
    """The gradient of ``node`` is final; it has just been passed to each of its inputs."""

    index: int  # 0 for the root, then 1, 2, ... in backward order
    node: object  # the Value whose gradient is now final
    gradient: float  # d root / d node
    contributions: tuple  # one Contribution per edge, in input order


def backward_steps(root, gradient=1.0):
    """Yield one ``BackwardStep`` per node, root first, while doing the backward pass.

    Operations come in backward order. A leaf (a weight, an input) comes right
    after the last operation that reads it, the moment its gradient is final:
    in the slides' example w11 follows z1.
    """
    operations, _ = start_backward(root, gradient)
    final_after = {node: [] for node in operations}
    for leaf, last_reader in _last_readers(operations).items():
        final_after[last_reader].append(leaf)
    index = 0
    for node in operations or [root]:
        yield _step(index, node)
        index += 1
        for leaf in final_after.get(node, ()):
            yield _step(index, leaf)
            index += 1


def _last_readers(operations):
    """For each leaf, the operation (in backward order) that passes it its last share."""
    last = {}
    for node in operations:
        for source in node.inputs:
            if source.is_leaf:
                last[source] = node
    return last


def _step(index, node):
    upstream = node.grad
    if upstream - upstream != 0.0:
        check_finite_gradient(node)
    contributions = []
    for source, local in node.edges:
        amount = local * upstream
        source.grad += amount
        contributions.append(Contribution(source, local, upstream, amount, source.grad))
    return BackwardStep(index, node, upstream, tuple(contributions))
