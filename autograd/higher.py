"""Gradients as return values, and gradients of gradients.

``grad(output, inputs)`` answers d output / d input without touching ``.grad``.
With ``create_graph=True`` each local derivative is rebuilt from ``Value``
operations (the very rules in ``autograd.ops``, run on nodes instead of floats),
so the gradients it returns are nodes of a new graph and can be differentiated
again: second derivatives, Hessians, and so on. Both run the one chain-rule
loop of ``autograd.graph``, with the same checks as ``backward``.
"""

from autograd.graph import (
    chain_rule,
    check_finite_gradient,
    gradient_table,
    operations_and_leaves,
    run,
)
from autograd.mode import enable_grad
from autograd.value import Constant, Value


def grad(output, inputs, create_graph=False):
    """d output / d input for each input (a list, or one value for a single input).

    Inputs that ``output`` does not depend on, and constants, get 0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    single = isinstance(inputs, Value)
    wanted = [inputs] if single else list(inputs)
    for position, node in enumerate(wanted):
        if not isinstance(node, Value):
            raise TypeError(
                f"grad: input {position} is a {type(node).__name__}, not a Value"
            )
    zero = Constant(0.0) if create_graph else 0.0
    gradients = {}
    if not output.is_constant:
        gradients = gradient_table(output, Constant(1.0) if create_graph else 1.0, create_graph)
        operations, _ = operations_and_leaves(output)
        walk = chain_rule(operations, gradients, create_graph=create_graph)
        if create_graph:
            with enable_grad():  # the derivative graph is recorded, even inside no_grad
                run(walk)
        else:
            run(walk)
    result = [zero if node.is_constant else gradients.get(node, zero) for node in wanted]
    for node, gradient in zip(wanted, result):
        if type(gradient) is float:
            check_finite_gradient(node, gradient)
    return result[0] if single else result
