"""tracegrad's engine: scalar reverse-mode automatic differentiation.

>>> from autograd import Value
>>> a = Value(2.0, label="a")
>>> c = 3 * a * a
>>> c.backward()
>>> a.grad
12.0

Public modules beside these names: ``autograd.formulas`` (each operation's local
derivatives as formulas, written as text, LaTeX or MathML, for explanations to show).
"""

from autograd.errors import (
    DivisionByZeroError,
    NumericOverflowError,
    TracegradError,
    UndefinedOperationError,
)
from autograd.value import Constant, Value
from autograd.mode import enable_grad, is_recording, no_grad
from autograd.ops import (
    Op,
    dot,
    elu,
    exp,
    leaky_relu,
    log,
    log_softmax,
    logsumexp,
    negative_log_likelihood,
    relu,
    sigmoid,
    softmax,
    sqrt,
    sum_values,
    tanh,
)
from autograd.graph import backward, consumers_first, topological_order, zero_grad
from autograd.stepping import BackwardStep, Contribution, backward_steps
from autograd.higher import grad
from autograd.gradcheck import GradcheckResult, GradientComparison, gradcheck
from autograd.program import GraphProgram, NotCompilableError, compile_graph
from autograd import formulas

__version__ = "0.1.0"

__all__ = [
    "BackwardStep",
    "Constant",
    "Contribution",
    "DivisionByZeroError",
    "GradcheckResult",
    "GradientComparison",
    "GraphProgram",
    "NotCompilableError",
    "NumericOverflowError",
    "Op",
    "TracegradError",
    "UndefinedOperationError",
    "Value",
    "backward",
    "backward_steps",
    "compile_graph",
    "consumers_first",
    "dot",
    "elu",
    "enable_grad",
    "exp",
    "formulas",
    "grad",
    "gradcheck",
    "is_recording",
    "leaky_relu",
    "log",
    "log_softmax",
    "logsumexp",
    "negative_log_likelihood",
    "no_grad",
    "relu",
    "sigmoid",
    "softmax",
    "sqrt",
    "sum_values",
    "tanh",
    "topological_order",
    "zero_grad",
]
