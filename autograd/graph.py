"""Walking a graph: topological order and backward.

Every walk here uses an explicit stack, never recursion, so a chain of a million
operations is as easy as a chain of three.
"""

import math
import numbers

from autograd.errors import NumericOverflowError


def operations_and_leaves(root):
    """``(operations, leaves)`` reachable from ``root``: operations root first, each
    before all of its inputs; leaves in no particular order, perhaps repeated.

    A depth-first walk with an explicit stack lists an operation once all of its
    inputs are finished; reversed, that puts every operation before its inputs,
    so by the time backward reaches a node its gradient is complete. Leaves pass
    no gradient on, so they take no part in the ordering, which keeps backward
    cheap: most edges of a network lead to weights and inputs.
    """
    if not root._edges:
        return [], [root]
    finished = []
    leaves = []
    seen = {root}
    stack = [(root, iter(root._edges[::2]))]
    while stack:
        node, sources = stack[-1]
        for source in sources:
            if not source._edges:
                leaves.append(source)
            elif source not in seen:
                seen.add(source)
                stack.append((source, iter(source._edges[::2])))
                break
        else:
            stack.pop()
            finished.append(node)
    finished.reverse()
    return finished, leaves


def consumers_first(root):
    """Every node reachable from ``root``, each before all of its inputs (``root`` first).

    Operations come first, then the leaves, latest first use first, so that the
    reverse (``topological_order``) starts with the leaves in the order the
    forward pass first reads them.
    """
    operations, _ = operations_and_leaves(root)
    if not operations:
        return [root]
    first_use = {}
    for node in reversed(operations):
        for source in node._edges[::2]:
            if not source._edges:
                first_use[source] = None
    return operations + list(reversed(first_use))


def topological_order(root):
    """Every node reachable from ``root``, each after all of its inputs (``root`` last).

    This is the order of the forward pass, the Wengert list of the graph.
    """
    order = consumers_first(root)
    order.reverse()
    return order


def start_backward(root, gradient):
    """Reset every operation's gradient, seed ``root``; return ``operations_and_leaves(root)``.

    Leaves keep what they hold, so gradients accumulate across calls as in
    PyTorch; everything in between is recomputed fresh.
    """
    gradient = _seed(gradient, root)
    operations, leaves = operations_and_leaves(root)
    for node in operations:
        node.grad = 0.0
    root.grad += gradient
    return operations, leaves


def _seed(gradient, root):
    # A string or NaN seed would only surface later as a puzzling gradient.
    if isinstance(gradient, bool) or not isinstance(gradient, numbers.Real):
        raise TypeError(
            f"backward: the seed gradient must be a number, got {type(gradient).__name__} "
            f"{gradient!r} (the root is {describe_node(root)})"
        )
    gradient = float(gradient)
    if not math.isfinite(gradient):
        raise ValueError(
            f"backward: the seed gradient must be finite, got {gradient!r} "
            f"(the root is {describe_node(root)})"
        )
    return gradient


def describe_node(node):
    """``node 'h1' (made by sigmoid, ...)`` or ``an unlabelled node (made by mul, ...)``."""
    made_by = f"made by {node.op.name}" if node.op is not None else "a leaf"
    name = f"node {node.label!r}" if node.label is not None else "an unlabelled node"
    return f"{name} ({made_by}, data = {node.data!r})"


def check_finite_gradient(node):
    """Raise if a finite node received an infinite or NaN gradient."""
    upstream = node.grad
    if upstream - upstream != 0.0 and node.data - node.data == 0.0:
        raise NumericOverflowError(
            f"backward: the gradient reaching {describe_node(node)} is {upstream!r}; "
            f"a product of local derivatives overflowed or met a NaN input"
        )


def backward(root, gradient=1.0):
    """Chain rule over the whole graph: ``input.grad += local * upstream`` on every edge."""
    operations, leaves = start_backward(root, gradient)
    for node in operations:
        upstream = node.grad
        if upstream - upstream != 0.0:
            check_finite_gradient(node)
        pairs = iter(node._edges)
        for source, local in zip(pairs, pairs):
            source.grad += local * upstream
    for leaf in leaves:  # a leaf read twice is listed twice: checking it again is harmless
        if leaf.grad - leaf.grad != 0.0:
            check_finite_gradient(leaf)


def zero_grad(root):
    """Set the gradient of every node reachable from ``root`` back to 0."""
    for node in consumers_first(root):
        node.grad = 0.0
