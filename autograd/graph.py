"""Walking a graph: topological order and backward.

Every walk here uses an explicit stack, never recursion, so a chain of a million
operations is as easy as a chain of three.
"""

import math
import numbers
from collections import defaultdict
from itertools import repeat

from autograd.errors import NumericOverflowError
from autograd.value import Constant


def operations_and_leaves(root):
    """``(operations, leaves)`` reachable from ``root``: operations root first, each
    before all of its inputs; the leaves that can take a gradient (constants left out)
    in no particular order, perhaps repeated.

    A depth-first walk with an explicit stack lists an operation once all of its
    inputs are finished; reversed, that puts every operation before its inputs,
    so by the time backward reaches a node its gradient is complete. Leaves pass
    no gradient on, so they take no part in the ordering, which keeps backward
    cheap: most edges of a network lead to weights and inputs.
    """
    if not root._edges:
        return [], [] if root.is_constant else [root]
    finished = []
    leaves = []
    seen = set()
    # Recursion emulated on one flat stack: a node's inputs are pushed, the first one on
    # top, and each is walked when popped (a leaf is listed, an operation expanded unless
    # seen by then); ``_FINISHED`` under them marks the node below as finished. Nothing
    # is allocated per node that outlives its step, so the cyclic garbage collector has
    # no growing stack to rescan (with a tuple and an iterator per node, the cost per
    # node grew with a chain's depth). Inputs are pushed without a test or a loop, read
    # straight out of the edges (most nodes have one or two): a sixth less time.
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node is _FINISHED:
            finished.append(pop())
            continue
        edges = node._edges
        if not edges:
            if type(node) is not Constant:
                leaves.append(node)
        elif node not in seen:
            seen.add(node)
            push(node)
            push(_FINISHED)
            if len(edges) == 5:
                push(edges[3])
                push(edges[1])
            elif len(edges) == 3:
                push(edges[1])
            else:
                stack += edges[-2:0:-2]  # the inputs, last first
    finished.reverse()
    return finished, leaves


# Pushed right above a node in ``operations_and_leaves``: popped, it means that node is done.
_FINISHED = object()


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
        for source in node._edges[1::2]:
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


def seed_gradient(gradient, root):
    """``gradient`` as the float that starts a backward pass at ``root``, or a clear error."""
    if type(gradient) is float and gradient - gradient == 0.0:
        return gradient  # the usual finite float, such as the default 1.0
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


def check_finite_gradient(node, gradient):
    """Raise if a finite ``node`` received an infinite or NaN ``gradient`` (a float)."""
    if gradient - gradient != 0.0 and node.data - node.data == 0.0:
        raise NumericOverflowError(
            f"backward: the gradient reaching {describe_node(node)} is {gradient!r}; "
            f"a product of local derivatives overflowed or met a NaN input"
        )


class _Nothing:
    """The gradient of a node nothing has reached yet: adding to it gives what was added."""

    __slots__ = ()

    def __add__(self, other):
        return other


class _One:
    """A local derivative of exactly 1 in a graph of gradients: multiplying by it adds no node."""

    __slots__ = ()

    def __mul__(self, other):
        return other


NOTHING, ONE = _Nothing(), _One()


def gradient_table(root, seed, create_graph=False):
    """A mapping for ``chain_rule`` to fill instead of ``.grad``, holding ``root``'s seed.

    A node's first contribution adds to 0.0, or with ``create_graph`` to ``NOTHING``,
    so the graph of gradients gets no ``0 + ...`` node.
    """
    gradients = defaultdict(repeat(NOTHING).__next__ if create_graph else float)
    gradients[root] = seed
    return gradients


def chain_rule(operations, gradients=None, *, create_graph=False, report=False):
    """The chain rule, written once: every backward walk of tracegrad is this loop.

    ``operations`` come consumers first (``operations_and_leaves``), so a node's
    gradient is complete when its turn comes; it then passes ``local * upstream``
    along each edge into its input's running total. The totals live in the nodes'
    own ``.grad`` (``backward``, ``backward_steps``: operations must start at 0 and
    the root hold its seed) or, given ``gradients`` (from ``gradient_table``), in
    that mapping alone (``grad``), which leaves ``.grad`` untouched.

    One case is written out a second time, for speed: ``backward`` (totals in
    ``.grad``, nothing reported) passes the edges of a one- or two-input node
    unpacked, 2.5x faster than the general loop. A test holds ``backward``, ``grad``
    and ``backward_steps`` to exactly the same numbers on random graphs.

    An edge toward a ``Constant`` (local ``None``) is never followed, nor one whose
    local derivative is exactly 0, nor any edge of a node whose gradient is 0 or
    that nothing reached: they add nothing. A float gradient is checked when its
    node passes it on: infinite or NaN at a finite node raises
    ``NumericOverflowError`` naming the node (``Value`` gradients are checked by
    their own operations); leaves are checked by the caller, which takes their totals.

    With ``create_graph`` (a ``gradients`` table only) the local derivatives are
    rebuilt as ``Value`` nodes by the operation's own rule, so the gradients form a
    graph that can be differentiated again. With ``report`` it yields ``(node,
    upstream, contributions)`` after each operation, a contribution being ``(input,
    local, upstream, local * upstream, input's running total)`` for every edge not
    toward a constant, zeros included.
    """
    in_nodes = gradients is None
    plain = in_nodes and not report  # ``backward``: floats into ``.grad``, nothing reported
    for node in operations:
        upstream = node.grad if in_nodes else gradients.get(node)
        if not upstream:  # 0, or None: nothing reached it
            if not report:
                continue
            upstream = 0.0
        elif type(upstream) is float and upstream - upstream != 0.0:
            check_finite_gradient(node, upstream)
        edges = _rebuilt_edges(node) if create_graph else node._edges
        if plain and len(edges) <= 5:
            # Nearly every node has one or two inputs: unpacked, its edges pass their terms
            # 2.5x faster than through ``zip`` below (two iterators per node dominate).
            # The same rule: None (a constant) and 0 pass nothing.
            if len(edges) == 5:
                _, x, toward_x, y, toward_y = edges
                if toward_x:
                    x.grad += toward_x * upstream
                if toward_y:
                    y.grad += toward_y * upstream
            else:
                _, x, toward_x = edges
                if toward_x:
                    x.grad += toward_x * upstream
            continue
        contributions = [] if report else None
        pairs = iter(edges)
        next(pairs)  # the operation, first in ``_edges``
        for source, local in zip(pairs, pairs):
            # None: toward a constant; 0: passes nothing (listed only when reporting).
            if not local and (local is None or not report):
                continue
            term = local * upstream
            if in_nodes:
                source.grad += term
            else:
                gradients[source] += term
            if report:
                total = source.grad if in_nodes else gradients[source]
                contributions.append((source, local, upstream, term, total))
        if report:
            yield node, upstream, contributions


def _rebuilt_edges(node):
    """``node``'s edges with each local derivative rebuilt as a ``Value`` by its operation's rule."""
    sources = node._edges[1::2]
    fresh = node.op.local_derivatives(node, sources)
    edges = [node.op]
    for source, stored, local in zip(sources, node._edges[2::2], fresh):
        if stored is None:
            local = None
        elif type(local) is float and local == 1.0:
            local = ONE
        edges += (source, local)
    return edges


def run(walk):
    """Drive a ``chain_rule`` walk to its end (it yields nothing unless reporting)."""
    for _ in walk:
        pass


def start_backward(root, gradient):
    """Get ``root`` 's graph ready for a pass into ``.grad``: ``(operations, leaves)``.

    Every operation's gradient is reset and the root seeded; leaves keep what
    they hold, so gradients accumulate across calls as in PyTorch.
    """
    seed = seed_gradient(gradient, root)
    if root.is_constant:
        return [], []
    operations, leaves = operations_and_leaves(root)
    for node in operations:
        node.grad = 0.0
    root.grad += seed
    return operations, leaves


def check_leaves(leaves):
    """Raise if a pass left an infinite or NaN gradient in a finite leaf."""
    for leaf in leaves:
        if leaf.grad - leaf.grad != 0.0:
            check_finite_gradient(leaf, leaf.grad)


def backward(root, gradient=1.0):
    """Chain rule over the whole graph: fill ``.grad`` of every node reachable from ``root``.

    Operations get a fresh gradient; leaves add theirs to what they hold, so
    gradients accumulate across calls as in PyTorch. A constant gets nothing.
    """
    operations, leaves = start_backward(root, gradient)
    run(chain_rule(operations))
    check_leaves(leaves)


def zero_grad(root):
    """Set the gradient of every node reachable from ``root`` back to 0."""
    for node in consumers_first(root):
        node.grad = 0.0
