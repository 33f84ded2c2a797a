"""``Value``: one scalar node of a computation graph.

A node holds its number (``data``), the gradient of the last ``backward`` root
with respect to it (``grad``), an optional human ``label``, the operation that
made it (``op``) and its *edges*: each input in order, paired with the local
derivative d(this node)/d(that input) computed when the node was made.

A ``Constant`` is a node that is never differentiated: the plain numbers of an
expression (the 2 in ``2 * x``, the 1 in ``1 - p``) and the labels of a loss.
It takes part in the forward pass like any input, but receives no gradient,
and no local derivative toward it is ever stored or checked (its edge holds
``None``). ``Value`` leaves are what a user differentiates.

This file holds no math: each operator is the recorder ``autograd.ops`` makes for
its entry of the op table, where the forward rule and local derivative sit side by
side. The operators are bound at the end of this file, once ``ops`` can be imported.
"""

import numbers


class Value:
    """A scalar that remembers how it was computed.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad
    7.0
    """

    # Four slots make a 64-byte object, one of the allocator's size classes (a fifth slot
    # rounds it up to 80). So the operation rides as the first item of ``_edges``, where it
    # is free: a tuple of 3 or 5 items fills the same size class as one of 2 or 4.
    __slots__ = ("_data", "grad", "label", "_edges")

    def __init__(self, data, label=None):
        # A float needs no conversion or check: the usual case, without a call.
        self._data = data if type(data) is float else _as_float(data, label)
        self.grad = 0.0
        self.label = None if label is None else str(label)
        # (op, input 1, local 1, input 2, local 2, ...) for a computed node, () for a leaf.
        self._edges = ()

    @property
    def data(self):
        """The number this node holds."""
        return self._data

    @data.setter
    def data(self, number):
        # Checked like the constructor, so an optimiser step cannot plant a string or a complex.
        self._data = _as_float(number, self.label)

    # ----- the graph, through public names ------------------------------------

    @property
    def op(self):
        """The operation (an ``autograd.Op``) that made this node; None for a leaf."""
        edges = self._edges
        return edges[0] if edges else None

    @property
    def inputs(self):
        """The nodes this one was computed from, in order (``x*x`` lists ``x`` twice)."""
        return self._edges[1::2]

    @property
    def local_derivatives(self):
        """d(this node)/d(input) for each input, in the order of ``inputs``.

        ``None`` toward a ``Constant``: nothing ever needs that derivative.
        """
        return self._edges[2::2]

    @property
    def edges(self):
        """``(input, local_derivative)`` pairs, in input order."""
        edges = self._edges
        return tuple(zip(edges[1::2], edges[2::2]))

    @property
    def is_leaf(self):
        """True for nodes made directly (inputs, weights, constants), not by an operation."""
        return not self._edges

    @property
    def is_constant(self):
        """True for a ``Constant``: a number in the graph that is never differentiated."""
        return False

    # ----- gradients ---------------------------------------------------------------

    def backward(self, gradient=1.0):
        """Fill ``.grad`` of every node reachable from here with d(self)/d(node).

        Leaf gradients accumulate across calls (reset them with ``zero_grad``);
        every other node's gradient is recomputed from scratch on each call.
        """
        graph.backward(self, gradient)

    def zero_grad(self):
        """Set this node's gradient back to 0."""
        self.grad = 0.0

    def detach(self):
        """A new leaf with the same number and label, cut off from this graph."""
        return type(self)(self._data, self.label)

    # ----- operators ---------------------------------------------------------------
    # + - * / ** unary minus, exp, log, sqrt, tanh, sigmoid and relu are the op table's
    # recorders themselves, bound at the end of this file (``ops`` needs ``Value`` first).

    def __pos__(self):
        return self

    def leaky_relu(self, slope=0.1):
        return ops.leaky_relu(self, slope)

    def elu(self, alpha=1.0):
        return ops.elu(self, alpha)

    # ----- comparisons look at the numbers; equality stays identity so nodes hash ----

    def __lt__(self, other):
        return self._data < _number(other)

    def __le__(self, other):
        return self._data <= _number(other)

    def __gt__(self, other):
        return self._data > _number(other)

    def __ge__(self, other):
        return self._data >= _number(other)

    __hash__ = object.__hash__

    def __float__(self):
        return self._data

    def __format__(self, spec):
        return format(self._data, spec) if spec else repr(self)

    def __repr__(self):
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={self._data:.6g}, grad={self.grad:.6g}{label})"


class Constant(Value):
    """A number in the graph that is never differentiated: ``2`` in ``2 * x``, a loss's labels.

    It is a leaf with no gradient: ``backward`` passes nothing to it, steps and
    explanations skip it, pictures draw it as data. An operation whose inputs
    are all constants gives a constant.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> y = 2 * x
    >>> y.inputs[0]
    Constant(2.0)
    >>> y.local_derivatives          # d y / d 2 is never needed, so never computed
    (None, 2.0)
    """

    __slots__ = ()

    @property
    def is_constant(self):
        return True

    def __repr__(self):
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Constant({self._data!r}{label})"


def _as_float(data, label):
    # ``bool`` is an int, but True * w is almost always a mistake in a graph.
    kind = type(data)
    if kind is float:
        return data
    if kind is int or (isinstance(data, numbers.Real) and not isinstance(data, bool)):
        try:
            return float(data)
        except OverflowError:
            # 10**400 has no float: say so instead of a bare "int too large to convert".
            pass
    where = f" (label {label!r})" if label is not None else ""
    shown = _shown(data)
    if isinstance(data, numbers.Real) and not isinstance(data, bool):
        raise TypeError(
            f"Value needs a real number within the range of a 64-bit float (±1.8e308), "
            f"got {type(data).__name__}: {shown}, which is beyond it{where}"
        )
    raise TypeError(f"Value needs a real number, got {type(data).__name__}: {shown}{where}")


def _shown(data):
    # repr of a 10**100000 int is slow (and refused past 4300 digits): describe it by size.
    if isinstance(data, int) and data.bit_length() > 1024:
        return f"an integer of about {int(data.bit_length() * 0.30103)} digits"
    text = repr(data)
    return text if len(text) <= 80 else text[:77] + "..."


def _number(other):
    return other._data if isinstance(other, Value) else other


# Imported last: both modules need ``Value``, which is defined above by now.
from autograd import graph, ops  # noqa: E402

# Each operator is its operation's recorder, not a method that hands off to it: the hand-off
# was a sixth of the cost of a node. Each is a copy named as a method of Value, so tracebacks,
# help() and pickle read ``Value.__add__``. A reflected operator (``2 - x``) keeps the number
# first.


def _method(record, name):
    return ops.renamed(record, f"Value.{name}", __name__)


Value.__add__ = _method(ops.add, "__add__")
Value.__radd__ = _method(ops.swapped(ops.add), "__radd__")
Value.__sub__ = _method(ops.sub, "__sub__")
Value.__rsub__ = _method(ops.swapped(ops.sub), "__rsub__")
Value.__mul__ = _method(ops.mul, "__mul__")
Value.__rmul__ = _method(ops.swapped(ops.mul), "__rmul__")
Value.__truediv__ = _method(ops.div, "__truediv__")
Value.__rtruediv__ = _method(ops.swapped(ops.div), "__rtruediv__")
Value.__pow__ = _method(ops.power, "__pow__")
Value.__rpow__ = _method(ops.swapped(ops.power), "__rpow__")
Value.__neg__ = _method(ops.neg, "__neg__")
Value.exp = _method(ops.exp, "exp")
Value.log = _method(ops.log, "log")
Value.sqrt = _method(ops.sqrt, "sqrt")
Value.tanh = _method(ops.tanh, "tanh")
Value.sigmoid = _method(ops.sigmoid, "sigmoid")
Value.relu = _method(ops.relu, "relu")
