"""Backward one step at a time, for people who want to watch the chain rule work.

``backward_steps(root)`` runs the very loop of ``autograd.backward``
(``autograd.graph.chain_rule``) and pauses after each node, reporting what
happened on each of its edges. While it runs, ``.grad`` shows each node's
running total; when the generator is exhausted every gradient holds what
``root.backward()`` would give.
"""

from dataclasses import dataclass

from autograd.graph import chain_rule, check_leaves, start_backward


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
    contributions: tuple  # one Contribution per edge not toward a constant, in input order


def backward_steps(root, gradient=1.0):
    """Yield one ``BackwardStep`` per node, root first, while doing the backward pass.

    Operations come in backward order. A leaf (a weight, an input) comes right
    after the last operation that reads it, the moment its gradient is final:
    in the slides' example w11 follows z1. Constants get no step: they have no gradient.
    """
    operations, leaves = start_backward(root, gradient)
    if not operations:
        if leaves:  # the root is a leaf: its gradient is the seed
            yield BackwardStep(0, root, root.grad, ())
        return
    final_after = {node: [] for node in operations}
    for leaf, last_reader in _last_readers(operations).items():
        final_after[last_reader].append(leaf)
    index = 0
    for node, upstream, edges in chain_rule(operations, report=True):
        contributions = tuple(Contribution(*edge) for edge in edges)
        yield BackwardStep(index, node, upstream, contributions)
        index += 1
        for leaf in final_after[node]:
            check_leaves([leaf])
            yield BackwardStep(index, leaf, leaf.grad, ())
            index += 1


def _last_readers(operations):
    """For each leaf that is not a constant, the operation (in backward order) that reads it last."""
    last = {}
    for node in operations:
        for source in node.inputs:
            if source.is_leaf and not source.is_constant:
                last[source] = node
    return last
