"""Gradients as return values, and gradients of gradients.

``grad(output, inputs)`` answers d output / d input without touching ``.grad``.
With ``create_graph=True`` each local derivative is rebuilt from ``Value``
operations (the very rules in ``autograd.ops``, run on nodes instead of floats),
so the gradients it returns are nodes of a new graph and can be differentiated
again: second derivatives, Hessians, and so on.
"""

from autograd.graph import consumers_first
from autograd.mode import _recording
from autograd.value import Value


def grad(output, inputs, create_graph=False):
    """d output / d input for each input (a list, or one value for a single input).

    Inputs that ``output`` does not depend on get 0.
    """
    single = isinstance(inputs, Value)
    wanted = [inputs] if single else list(inputs)
    for position, node in enumerate(wanted):
        if not isinstance(node, Value):
            raise TypeError(
                f"grad: input {position} is a {type(node).__name__}, not a Value"
            )
    if create_graph:
        grads = _graph_of_gradients(output)
        zero = Value(0.0)
        result = [grads.get(node, zero) for node in wanted]
    else:
        grads = _numeric_gradients(output)
        result = [grads.get(node, 0.0) for node in wanted]
    return result[0] if single else result


def _numeric_gradients(output):
    grads = {output: 1.0}
    for node in consumers_first(output):
        upstream = grads[node]
        for source, local in node.edges:
            grads[source] = grads.get(source, 0.0) + local * upstream
    return grads


def _graph_of_gradients(output):
    previous = _recording[0]
    _recording[0] = True  # the derivative graph must be recorded, even inside no_grad
    try:
        grads = {output: Value(1.0)}
        for node in consumers_first(output):
            if node.is_leaf:
                continue
            upstream = grads[node]
            sources = node.inputs
            for source, local in zip(sources, node.op.local_derivatives(node, sources)):
                # Constant 0 and 1 factors would only add dead or trivial nodes.
                if type(local) is float and local in (0.0, 1.0):
                    if local == 0.0:
                        continue
                    term = upstream
                else:
                    term = local * upstream
                grads[source] = term if source not in grads else grads[source] + term
        return grads
    finally:
        _recording[0] = previous
