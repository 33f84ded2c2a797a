"""The operation table: each operation's forward rule and local derivative, side by side.

Vocabulary used throughout tracegrad:

* ``x``, ``y`` (or ``z1 .. zn``): the inputs of an operation;
* ``out``: its result;
* *local* derivative: d out / d input, one per input, stored on the edge;
* *upstream* gradient: d root / d out, which arrives during ``backward``.

Every operation is one ``Op`` entry holding two small functions:

* ``forward(*inputs) -> out`` on plain floats (an operation of many inputs,
  ``variadic``, takes them as one sequence: ``forward(inputs)``, ``local(out,
  inputs)``, so a 100,000-wide sum is not a 100,000-argument call). When the answer does not exist it
  raises ``ValueError`` / ``ZeroDivisionError`` / ``OverflowError`` with a
  reason; ``_apply`` turns that into tracegrad's own error naming the operation
  and the operands' labels.
* ``local(out, *inputs) -> tuple``: one local derivative per input. It is
  written with ordinary operators and the ``_exp``/``_log`` helpers, so the very
  same rule runs on floats (ordinary backward) and on ``Value`` nodes
  (``autograd.grad(..., create_graph=True)`` builds derivatives as a graph).

A new operation is one ``Op`` entry plus a public function that calls ``_apply``.
"""

import math
from functools import lru_cache
from operator import mul as _times

from autograd.errors import (
    DivisionByZeroError,
    NumericOverflowError,
    UndefinedOperationError,
)
from autograd.mode import _recording
from autograd.value import Value


class Op:
    """One operation: its name, how pictures show it, its forward rule and its local derivatives."""

    __slots__ = ("name", "symbol", "forward", "local", "variadic")

    def __init__(self, name, symbol, forward, local, variadic=False):
        self.name = name
        self.symbol = symbol
        self.forward = forward
        self.local = local
        self.variadic = variadic

    def local_derivatives(self, out, inputs):
        """The local rule applied to ``out`` and the sequence ``inputs`` (floats or Values)."""
        return self.local(out, inputs) if self.variadic else self.local(out, *inputs)

    def __repr__(self):
        return f"Op({self.name!r})"


def _exp(v):
    return v.exp() if isinstance(v, Value) else math.exp(v)


def _log(v):
    return v.log() if isinstance(v, Value) else math.log(v)


# ----- forward rules that need a check before the math --------------------------------


def _divide(x, y):
    if y == 0.0:
        raise ZeroDivisionError("division by zero")
    return x / y


def _natural_log(x):
    if x <= 0.0:
        raise ValueError("log is only defined for x > 0")
    return math.log(x)


def _square_root(x):
    if x < 0.0:
        raise ValueError("sqrt is only defined for x >= 0")
    return math.sqrt(x)


def _stable_sigmoid(x):
    # Never exponentiate a large positive number: both branches stay in (0, 1].
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _relu(x):
    # Written so that NaN falls through unchanged instead of becoming 0.
    return 0.0 if x <= 0.0 else x


def _power_of_values(x, y):
    if x < 0.0:
        raise ValueError(
            "with a Value exponent the base must be >= 0, because "
            "d out/d exponent = out * ln(base); use a plain number as exponent"
        )
    if x == 0.0 and y < 0.0:
        raise ZeroDivisionError("0 cannot be raised to a negative power")
    return x**y


def _logsumexp(z):
    # Shift by the largest logit so that exp never overflows (stable for +-1000).
    shift = max(z)
    return shift + math.log(math.fsum(math.exp(zj - shift) for zj in z))


def _dot(operands):
    # operands = w1..wn, x1..xn, and a bias when their count is odd.
    n = len(operands) // 2
    total = sum(map(_times, operands[:n], operands[n : 2 * n]))
    return total + operands[-1] if len(operands) % 2 else total


def _dot_local(out, operands):
    n = len(operands) // 2
    weights, inputs = operands[:n], operands[n : 2 * n]
    return inputs + weights + ([1.0] if len(operands) % 2 else [])


# ----- the table ---------------------------------------------------------------------------

ADD = Op("add", "+", lambda x, y: x + y, lambda out, x, y: (1.0, 1.0))
SUB = Op("sub", "-", lambda x, y: x - y, lambda out, x, y: (1.0, -1.0))
MUL = Op("mul", "×", lambda x, y: x * y, lambda out, x, y: (y, x))
DIV = Op("div", "÷", _divide, lambda out, x, y: (1.0 / y, -out / y))
NEG = Op("neg", "−", lambda x: -x, lambda out, x: (-1.0,))
POW = Op(
    "pow",
    "xʸ",
    _power_of_values,
    lambda out, x, y: (y * x ** (y - 1.0), out * _log(x) if x > 0.0 else 0.0),
)
EXP = Op("exp", "exp", math.exp, lambda out, x: (out,))
LOG = Op("log", "log", _natural_log, lambda out, x: (1.0 / x,))
SQRT = Op("sqrt", "√", _square_root, lambda out, x: (0.5 / out,))
TANH = Op("tanh", "tanh", math.tanh, lambda out, x: (1.0 - out * out,))
SIGMOID = Op("sigmoid", "σ", _stable_sigmoid, lambda out, x: (out * (1.0 - out),))
RELU = Op("relu", "relu", _relu, lambda out, x: (1.0 if x > 0.0 else 0.0,))
SUM = Op("sum", "Σ", math.fsum, lambda out, x: (1.0,) * len(x), variadic=True)
DOT = Op("dot", "·", _dot, _dot_local, variadic=True)
LOGSUMEXP = Op(
    "logsumexp",
    "logsumexp",
    _logsumexp,
    lambda out, z: tuple(_exp(zj - out) for zj in z),
    variadic=True,
)


@lru_cache(maxsize=None)
def power_op(exponent):
    """The operation ``x ** exponent`` for a fixed number ``exponent``."""
    p = exponent

    def forward(x):
        if x == 0.0 and p < 0.0:
            raise ZeroDivisionError(f"0 cannot be raised to the negative power {p:g}")
        if x < 0.0 and not float(p).is_integer():
            raise ValueError(
                f"a negative number to the fractional power {p:g} is not a real number"
            )
        return x**p

    def local(out, x):
        # x**0 is constant; without this, 0 * 0**-1 would divide by zero.
        return (0.0,) if p == 0.0 else (p * x ** (p - 1.0),)

    return Op("pow", f"^{p:g}", forward, local)


@lru_cache(maxsize=None)
def leaky_relu_op(slope):
    """max(slope·x, x) as on the slides (slope 0.1 there)."""
    return Op(
        "leaky_relu",
        f"leaky_relu({slope:g})",
        lambda x: x if x > 0.0 else slope * x,
        lambda out, x: (1.0 if x > 0.0 else slope,),
    )


@lru_cache(maxsize=None)
def elu_op(alpha):
    """x for x > 0, alpha·(eˣ − 1) otherwise."""
    return Op(
        "elu",
        f"elu({alpha:g})",
        lambda x: x if x > 0.0 else alpha * math.expm1(x),
        # For x <= 0, d out/dx = alpha·eˣ = out + alpha.
        lambda out, x: (1.0 if x > 0.0 else out + alpha,),
    )


@lru_cache(maxsize=None)
def softmax_op(k):
    """p_k = exp(z_k) / Σ_j exp(z_j), one node reading every z; local p_k(δ_kj − p_j)."""

    def forward(z):
        return math.exp(z[k] - _logsumexp(z))

    def local(out, z):
        if isinstance(z[0], Value):
            p = softmax(z)
        else:
            shift = _logsumexp(z)
            p = [math.exp(zj - shift) for zj in z]
        return tuple(out * ((1.0 if j == k else 0.0) - pj) for j, pj in enumerate(p))

    return Op("softmax", f"softmax[{k + 1}]", forward, local, variadic=True)


@lru_cache(maxsize=None)
def log_softmax_op(k):
    """log p_k = z_k − logsumexp(z); local δ_kj − p_j."""

    def forward(z):
        return z[k] - _logsumexp(z)

    def local(out, z):
        # p_j = exp(z_j − logsumexp) and logsumexp = z_k − out.
        return tuple(
            (1.0 if j == k else 0.0) - _exp(zj - (z[k] - out)) for j, zj in enumerate(z)
        )

    return Op("log_softmax", f"log_softmax[{k + 1}]", forward, local, variadic=True)


# ----- recording a node ------------------------------------------------------------------

_ERROR_TYPES = (
    (ZeroDivisionError, DivisionByZeroError),
    (OverflowError, NumericOverflowError),
    (ValueError, UndefinedOperationError),
)


def _describe(inputs):
    parts = []
    for index, node in enumerate(inputs, 1):
        name = "x" if len(inputs) == 1 else f"operand {index}"
        label = f" (label {node.label!r})" if node.label is not None else " (unlabelled)"
        parts.append(f"{name} = {node.data!r}{label}")
    return ", ".join(parts)


def _fail(op, inputs, error, stage):
    for builtin, ours in _ERROR_TYPES:
        if isinstance(error, builtin):
            break
    if isinstance(error, OverflowError):
        reason = "the result is too large for a 64-bit float (beyond ±1.8e308)"
    else:
        reason = str(error)
    if stage == "derivative":
        reason = "its local derivative is infinite or undefined there"
    return ours(f"{op.name}: {reason}; got {_describe(inputs)}")


def _all_finite(numbers):
    return all(map(math.isfinite, numbers))


def _apply(op, *inputs):
    """Run the one- or two-input ``op`` on ``Value`` nodes and return the recorded result."""
    if len(inputs) == 2:
        return _record(op, inputs, (inputs[0].data, inputs[1].data))
    return _record(op, inputs, (inputs[0].data,))


def _apply_many(op, inputs):
    """Run the variadic ``op`` on the list of ``Value`` nodes ``inputs``."""
    return _record(op, inputs, [node.data for node in inputs])


def _record(op, inputs, datas):
    variadic = op.variadic
    try:
        out = op.forward(datas) if variadic else op.forward(*datas)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _fail(op, inputs, error, "forward") from None
    # out - out is nan exactly when out is inf or nan: cheaper than isfinite here.
    if out - out != 0.0 and _all_finite(datas):
        raise _fail(op, inputs, OverflowError(), "forward")
    node = Value.__new__(Value)
    node.data = out
    node.grad = 0.0
    node.label = None
    node.op = None
    node._edges = ()
    if not _recording[0]:
        return node
    try:
        local = op.local(out, datas) if variadic else op.local(out, *datas)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _fail(op, inputs, error, "derivative") from None
    # One C-level sum is finite whenever every local is (an overflowing sum is re-checked).
    total = sum(local)
    if total - total != 0.0 and not _all_finite(local) and _all_finite(datas):
        raise _fail(op, inputs, OverflowError(), "derivative")
    node.op = op
    arity = len(inputs)
    if arity == 2:
        node._edges = (inputs[0], local[0], inputs[1], local[1])
    elif arity == 1:
        node._edges = (inputs[0], local[0])
    else:
        edges = [None] * (2 * arity)
        edges[::2] = inputs
        edges[1::2] = local
        node._edges = tuple(edges)
    return node


def _value(operand, op_name):
    if isinstance(operand, Value):
        return operand
    try:
        return Value(operand)
    except TypeError:
        raise TypeError(
            f"{op_name}: operand {operand!r} is a {type(operand).__name__}, not a number or Value"
        ) from None


def _values(operands, op_name):
    values = [v if type(v) is Value else _value(v, op_name) for v in operands]
    if not values:
        raise ValueError(f"{op_name}: needs at least one operand, got none")
    return values


# ----- the public operations -------------------------------------------------------------


def add(x, y):
    return _apply(ADD, _value(x, "add"), _value(y, "add"))


def sub(x, y):
    return _apply(SUB, _value(x, "sub"), _value(y, "sub"))


def mul(x, y):
    return _apply(MUL, _value(x, "mul"), _value(y, "mul"))


def div(x, y):
    return _apply(DIV, _value(x, "div"), _value(y, "div"))


def neg(x):
    return _apply(NEG, _value(x, "neg"))


def power(base, exponent):
    """``base ** exponent``; a plain-number exponent is part of the operation, a ``Value`` one is an input."""
    if isinstance(exponent, Value):
        return _apply(POW, _value(base, "pow"), exponent)
    number = _value(exponent, "pow").data
    return _apply(power_op(number), _value(base, "pow"))


def exp(x):
    return _apply(EXP, _value(x, "exp"))


def log(x):
    return _apply(LOG, _value(x, "log"))


def sqrt(x):
    return _apply(SQRT, _value(x, "sqrt"))


def tanh(x):
    return _apply(TANH, _value(x, "tanh"))


def sigmoid(x):
    return _apply(SIGMOID, _value(x, "sigmoid"))


def relu(x):
    return _apply(RELU, _value(x, "relu"))


def _parameter(number, name, op_name, x):
    # A NaN slope would otherwise surface as a puzzling "overflow" of the result.
    if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
        raise ValueError(
            f"{op_name}: {name} must be a finite number, got {number!r}; "
            f"input {_describe([_value(x, op_name)])}"
        )
    return float(number)


def leaky_relu(x, slope=0.1):
    return _apply(leaky_relu_op(_parameter(slope, "slope", "leaky_relu", x)), _value(x, "leaky_relu"))


def elu(x, alpha=1.0):
    return _apply(elu_op(_parameter(alpha, "alpha", "elu", x)), _value(x, "elu"))


def sum_values(values):
    """x1 + x2 + ... + xn as a single node with n inputs (local derivative 1 each)."""
    return _apply_many(SUM, _values(values, "sum"))


def dot(weights, inputs, bias=None):
    """w · x (+ b) as a single node; local d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    weights = _values(weights, "dot")
    inputs = _values(inputs, "dot")
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot: {len(weights)} weights but {len(inputs)} inputs; they must match"
        )
    operands = weights + inputs
    if bias is not None:
        operands.append(_value(bias, "dot"))
    return _apply_many(DOT, operands)


def softmax(values):
    """Probabilities p_1..p_n; each p_k is one node whose inputs are all the z's."""
    z = _values(values, "softmax")
    return [_apply_many(softmax_op(k), z) for k in range(len(z))]


def log_softmax(values):
    """log p_k = z_k − logsumexp(z) for every k, stable for logits of ±1000."""
    z = _values(values, "log_softmax")
    return [_apply_many(log_softmax_op(k), z) for k in range(len(z))]


def logsumexp(values):
    """log Σ exp(z_j) as one node, stable for logits of ±1000."""
    return _apply_many(LOGSUMEXP, _values(values, "logsumexp"))
