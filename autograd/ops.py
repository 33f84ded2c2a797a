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
  reason; ``_fail`` turns that into tracegrad's own error naming the operation
  and the operands' labels.
* ``local(out, *inputs) -> tuple``: one local derivative per input. It is
  written with ordinary operators and the ``_exp``/``_log`` helpers, so the very
  same rule runs on floats (ordinary backward) and on ``Value`` nodes
  (``autograd.grad(..., create_graph=True)`` builds derivatives as a graph).

Each entry also carries its formulas (``autograd.formulas``): ``out`` and every
local derivative as an expression in the same vocabulary, for explanations and
LaTeX to show. They are built only when asked for (``Op.formulas(arity)``),
never while computing.

An entry may also carry ``code(lang, out, *inputs) -> (forward, locals)``: the same
forward rule and local derivatives written as source text over the nodes' names, which
``autograd.program`` strings into a straight-line program (``lang`` says how to write a
function call or a branch in plain Python or in PyTorch). An entry without one is
still compiled, as calls to its own ``forward`` and ``local``.

A new operation is one ``Op`` entry plus a public function: its recorder
(``unary(op)`` or ``binary(op)``), or a function that calls ``_variadic``.
"""

import math
import numbers
import operator
import types
from functools import lru_cache

from autograd import formulas as f
from autograd.errors import (
    DivisionByZeroError,
    NumericOverflowError,
    UndefinedOperationError,
)
from autograd.mode import recording_flag
from autograd.value import Constant, Value

# Operations with a number built in (x ** 2.5, leaky_relu(0.2)) are made on demand and
# kept in a bounded cache: the usual few are shared, a million distinct ones are not hoarded.
PARAMETER_CACHE_SIZE = 256


class Op:
    """One operation: its name, how pictures show it, its forward rule and its local derivatives."""

    __slots__ = ("name", "symbol", "forward", "local", "variadic", "_formulas", "code", "position",
                 "recorder")

    def __init__(self, name, symbol, forward, local, variadic=False, formulas=None, code=None,
                 position=None):
        # ``position``: which input a softmax[k] / log_softmax[k] picks (k, from 0), None
        # for other operations; read it rather than parse the symbol or guess from numbers.
        self.position = position
        self.name = name
        self.symbol = symbol
        self.forward = forward
        self.local = local
        self.variadic = variadic
        self._formulas = formulas
        self.code = code
        # The function that records this operation on nodes, made once by ``unary``/``binary``.
        self.recorder = None

    def formulas(self, arity):
        """``out`` and the local derivatives as formulas (``autograd.formulas.Formulas``) for ``arity``
        inputs; None for an operation made without them."""
        return None if self._formulas is None else self._formulas(arity)

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
    total = sum(map(operator.mul, operands[:n], operands[n : 2 * n]))
    return total + operands[-1] if len(operands) % 2 else total


def _dot_local(out, operands):
    # A tuple whatever ``operands`` is: a list of floats, or a tuple of Values (create_graph).
    n = len(operands) // 2
    weights, inputs = tuple(operands[:n]), tuple(operands[n : 2 * n])
    return inputs + weights + ((1.0,) if len(operands) % 2 else ())


# ----- formulas: each entry's out and local derivatives as expressions, built when asked for ----


def _unary_formulas(build):
    """``Op.formulas`` of a one-input op from ``build(x) -> (out, d out/dx)``."""

    def formulas(arity):
        return f.Formulas(*_expressions(build(f.Input(0))), ("x",))

    return formulas


def _binary_formulas(build):
    """``Op.formulas`` of a two-input op from ``build(x, y) -> (out, d out/dx, d out/dy)``."""

    def formulas(arity):
        return f.Formulas(*_expressions(build(f.Input(0), f.Input(1))), ("x", "y"))

    return formulas


def _expressions(out_and_locals):
    out, *local = map(f.as_expression, out_and_locals)
    return out, tuple(local)


def _inputs(count, first=0):
    return [f.Input(position) for position in range(first, first + count)]


def _sum_formulas(arity):
    return f.Formulas(f.total(_inputs(arity)), (f.Number(1.0),) * arity, f.numbered("x", arity))


def _dot_formulas(arity):
    n = arity // 2
    weights, inputs = _inputs(n), _inputs(n, n)
    bias = _inputs(arity % 2, 2 * n)
    out = f.total([w * x for w, x in zip(weights, inputs)] + bias)
    local = tuple(inputs) + tuple(weights) + (f.Number(1.0),) * len(bias)
    names = f.numbered("w", n) + f.numbered("x", n) + ("b",) * len(bias)
    return f.Formulas(out, local, names)


def _sum_of_exponentials(z):
    return f.total([f.exp(zj) for zj in z])


def _logsumexp_formulas(arity):
    z = _inputs(arity)
    denominator = _sum_of_exponentials(z)
    local = tuple(f.exp(zj) / denominator for zj in z)
    return f.Formulas(f.ln(denominator), local, f.numbered("z", arity))


def _cross_entropy_formulas(arity):
    n = arity // 2
    p, y = _inputs(n), _inputs(n, n)
    out = -f.total([yc * f.ln(pc) for pc, yc in zip(p, y)])
    # The slides' ∂L/∂p_c = −y_c/p_c, and ∂L/∂y_c = −ln p_c.
    local = tuple(-yc / pc for pc, yc in zip(p, y)) + tuple(-f.ln(pc) for pc in p)
    return f.Formulas(out, local, f.numbered("p", n) + f.numbered("y", n))


# ----- the table ---------------------------------------------------------------------------

ADD = Op("add", "+", operator.add, lambda out, x, y: (1.0, 1.0),
         formulas=_binary_formulas(lambda x, y: (x + y, 1, 1)),
         code=lambda lang, out, x, y: (f"{x} + {y}", ("1.0", "1.0")))
SUB = Op("sub", "-", operator.sub, lambda out, x, y: (1.0, -1.0),
         formulas=_binary_formulas(lambda x, y: (x - y, 1, -1)),
         code=lambda lang, out, x, y: (f"{x} - {y}", ("1.0", "-1.0")))
MUL = Op("mul", "×", operator.mul, lambda out, x, y: (y, x),
         formulas=_binary_formulas(lambda x, y: (x * y, y, x)),
         code=lambda lang, out, x, y: (f"{x}*{y}", (y, x)))
DIV = Op("div", "÷", _divide, lambda out, x, y: (1.0 / y, -out / y),
         formulas=_binary_formulas(lambda x, y: (x / y, 1 / y, -x / y**2)),
         code=lambda lang, out, x, y: (f"{x}/{y}", (f"1.0/{y}", f"-{out}/{y}")))
NEG = Op("neg", "−", operator.neg, lambda out, x: (-1.0,),
         formulas=_unary_formulas(lambda x: (-x, -1)),
         code=lambda lang, out, x: (f"-{x}", ("-1.0",)))
POW = Op(
    "pow",
    "xʸ",
    _power_of_values,
    # x**0 is 1 for every x, so d/dx is 0 there (not 0 · 0**-1); ln x only for x > 0.
    lambda out, x, y: (
        y * x ** (y - 1.0) if y != 0.0 else 0.0,
        out * _log(x) if x > 0.0 else 0.0,
    ),
    # ln x only where x > 0, as the rule: at x = 0 the derivative toward y is 0, not x^y·ln 0.
    formulas=_binary_formulas(
        lambda x, y: (x**y, y * x ** (y - 1), f.where_positive(x, x**y * f.ln(x), 0))),
    code=lambda lang, out, x, y: (lang.call("power", x, y), (
        lang.where(f"{y} != 0.0", f"{y}*{x}**({y} - 1.0)", "0.0"),
        lang.where(f"{x} > 0.0", f"{out}*{lang.call('log', x)}", "0.0"),
    )),
)
EXP = Op("exp", "exp", math.exp, lambda out, x: (out,),
         formulas=_unary_formulas(lambda x: (f.exp(x), f.exp(x))),
         code=lambda lang, out, x: (lang.call("exp", x), (out,)))
LOG = Op("log", "log", _natural_log, lambda out, x: (1.0 / x,),
         formulas=_unary_formulas(lambda x: (f.ln(x), 1 / x)),
         code=lambda lang, out, x: (lang.call("log", x), (f"1.0/{x}",)))
SQRT = Op("sqrt", "√", _square_root, lambda out, x: (0.5 / out,),
          formulas=_unary_formulas(lambda x: (f.sqrt(x), 1 / (2 * f.sqrt(x)))),
          code=lambda lang, out, x: (lang.call("sqrt", x), (f"0.5/{out}",)))
TANH = Op("tanh", "tanh", math.tanh, lambda out, x: (1.0 - out * out,),
          formulas=_unary_formulas(lambda x: (f.tanh(x), 1 - f.tanh(x) ** 2)),
          code=lambda lang, out, x: (lang.call("tanh", x), (f"1.0 - {out}*{out}",)))
SIGMOID = Op("sigmoid", "σ", _stable_sigmoid, lambda out, x: (out * (1.0 - out),),
             formulas=_unary_formulas(lambda x: (f.sigma(x), f.sigma(x) * (1 - f.sigma(x)))),
             code=lambda lang, out, x: (lang.call("sigmoid", x), (f"{out}*(1.0 - {out})",)))
RELU = Op("relu", "relu", _relu, lambda out, x: (1.0 if x > 0.0 else 0.0,),
          formulas=_unary_formulas(lambda x: (f.where_positive(x, x, 0), f.where_positive(x, 1, 0))),
          code=lambda lang, out, x: (lang.where(f"{x} <= 0.0", "0.0", x),
                                     (lang.where(f"{x} > 0.0", "1.0", "0.0"),)))
SUM = Op("sum", "Σ", math.fsum, lambda out, x: (1.0,) * len(x), variadic=True,
         formulas=_sum_formulas, code=lambda lang, out, x: (lang.total(x), ("1.0",) * len(x)))


def _dot_code(lang, out, operands):
    n = len(operands) // 2
    weights, inputs = operands[:n], operands[n : 2 * n]
    # x·w, as the slides write q = xV: q1 = x1*v11 + x2*v21 + x3*v31.
    terms = [f"{x}*{w}" for w, x in zip(weights, inputs)] + operands[2 * n :]
    return lang.total(terms), _dot_local(out, operands)


DOT = Op("dot", "·", _dot, _dot_local, variadic=True, formulas=_dot_formulas, code=_dot_code)
LOGSUMEXP = Op(
    "logsumexp",
    "logsumexp",
    _logsumexp,
    lambda out, z: tuple(_exp(zj - out) for zj in z),
    variadic=True,
    formulas=_logsumexp_formulas,
    code=lambda lang, out, z: (
        lang.logsumexp(z), tuple(lang.call("exp", f"{zj} - {out}") for zj in z)
    ),
)


def _is_zero_weight(y):
    # A float 0 or a constant 0 has no derivative to pass on; a Value 0 still does (create_graph).
    if isinstance(y, Value):
        return y.is_constant and y._data == 0.0
    return y == 0.0


def _is_positive(p):
    return (p._data if isinstance(p, Value) else p) > 0.0


def _cross_entropy(operands):
    # operands = p1..pn, y1..yn. A class with y_c = 0 adds nothing, even at p_c = 0.
    n = len(operands) // 2
    terms = []
    for c, (p, y) in enumerate(zip(operands[:n], operands[n:]), 1):
        if y != 0.0:
            if p <= 0.0:
                raise ValueError(f"ln p{c} is only defined for p{c} > 0, and y{c} = {y!r} weighs it")
            terms.append(y * math.log(p))
    return -math.fsum(terms)


def _cross_entropy_local(out, operands):
    # dL/dp_c = −y_c / p_c (the slides' formula), dL/dy_c = −ln p_c.
    n = len(operands) // 2
    p, y = operands[:n], operands[n:]
    toward_p = tuple(0.0 if _is_zero_weight(yc) else -yc / pc for pc, yc in zip(p, y))
    # Infinite at p_c = 0: refused unless y_c is a constant, whose derivative is never needed.
    toward_y = tuple(-_log(pc) if _is_positive(pc) else math.inf for pc in p)
    return toward_p + toward_y


def _cross_entropy_code(lang, out, operands):
    # A target written as a number drops out of the text where it is 0 (as in the forward rule).
    n = len(operands) // 2
    terms, toward_p, toward_y = [], [], []
    for p, y in zip(operands[:n], operands[n:]):
        weight = lang.number(y)
        log_p = lang.call("log", p)
        toward_y.append(f"-{log_p}")
        if weight is None:
            terms.append(lang.where(f"{y} == 0.0", "0.0", f"{y}*{log_p}"))
            toward_p.append(lang.where(f"{y} == 0.0", "0.0", f"-{y}/{p}"))
        elif weight == 0.0:
            toward_p.append("0.0")
        else:
            terms.append(log_p if weight == 1.0 else f"{y}*{log_p}")
            toward_p.append(f"-{y}/{p}")
    if not terms:
        return "0.0", tuple(toward_p + toward_y)
    total = lang.total(terms)
    return (f"-{total}" if len(terms) == 1 else f"-({total})"), tuple(toward_p + toward_y)


CROSS_ENTROPY = Op("cross_entropy", "−Σ y ln p", _cross_entropy, _cross_entropy_local, variadic=True,
                   formulas=_cross_entropy_formulas, code=_cross_entropy_code)


# The functions the ``code`` forms call by name in plain Python: the table's own checked
# forward rules, so a compiled program refuses log(-1) with the graph's reason.
CODE_FUNCTIONS = {
    "exp": math.exp,
    "expm1": math.expm1,
    "log": _natural_log,
    "sqrt": _square_root,
    "tanh": math.tanh,
    "sigmoid": _stable_sigmoid,
    "power": _power_of_values,
    "logsumexp": _logsumexp,
    "fsum": math.fsum,
}


@lru_cache(maxsize=PARAMETER_CACHE_SIZE)
def power_op(exponent):
    """The operation ``x ** exponent`` for a fixed number ``exponent``."""
    p = exponent
    whole = float(p).is_integer()

    def forward(x):
        if x == 0.0 and p < 0.0:
            raise ZeroDivisionError(f"0 cannot be raised to the negative power {p:g}")
        if x < 0.0 and not whole:
            raise ValueError(
                f"a negative number to the fractional power {p:g} is not a real number"
            )
        return x**p

    def local(out, x):
        # x**0 is constant; without this, 0 * 0**-1 would divide by zero.
        return (0.0,) if p == 0.0 else (p * x ** (p - 1.0),)

    def code(lang, out, x):
        # A whole exponent only: x**1.5 of a negative x is a complex number in Python, not an error.
        local = "0.0" if p == 0.0 else f"{lang.literal(p)}*{x}**{int(p) - 1}"
        return f"{x}**{int(p)}", (local,)

    return Op("pow", f"^{p:g}", forward, local,
              formulas=_unary_formulas(lambda x: (x**p, p * x ** (p - 1) if p != 0.0 else 0)),
              code=code if whole else None)


@lru_cache(maxsize=PARAMETER_CACHE_SIZE)
def exponential_op(base):
    """The operation ``base ** y`` for a fixed number ``base`` >= 0 and an input ``y``."""
    c = base

    def forward(y):
        if c == 0.0 and y < 0.0:
            raise ZeroDivisionError(f"0 cannot be raised to the negative power {y!r}")
        return c**y

    def local(out, y):
        # d(c**y)/dy = c**y · ln c; for c = 0 the result is a constant 0 (y > 0) or 1 (y = 0).
        return (out * math.log(c) if c > 0.0 else 0.0,)

    def code(lang, out, y):
        local = f"{out}*{lang.call('log', lang.literal(c))}" if c > 0.0 else "0.0"
        return f"{lang.literal(c)}**{y}", (local,)

    return Op("pow", f"{c:g}ʸ", forward, local, code=code, formulas=_unary_formulas(
        lambda y: (f.Number(c) ** y, f.Number(c) ** y * f.ln(c) if c > 0.0 else 0)))


@lru_cache(maxsize=PARAMETER_CACHE_SIZE)
def leaky_relu_op(slope):
    """max(slope·x, x) as on the slides (slope 0.1 there)."""
    return Op(
        "leaky_relu",
        f"leaky_relu({slope:g})",
        lambda x: x if x > 0.0 else slope * x,
        lambda out, x: (1.0 if x > 0.0 else slope,),
        formulas=_unary_formulas(
            lambda x: (f.where_positive(x, x, slope * x), f.where_positive(x, 1, slope))),
        code=lambda lang, out, x: (
            lang.where(f"{x} > 0.0", x, f"{lang.literal(slope)}*{x}"),
            (lang.where(f"{x} > 0.0", "1.0", lang.literal(slope)),),
        ),
    )


@lru_cache(maxsize=PARAMETER_CACHE_SIZE)
def elu_op(alpha):
    """x for x > 0, alpha·(eˣ − 1) otherwise."""
    return Op(
        "elu",
        f"elu({alpha:g})",
        lambda x: x if x > 0.0 else alpha * math.expm1(x),
        # For x <= 0, d out/dx = alpha·eˣ = out + alpha.
        lambda out, x: (1.0 if x > 0.0 else out + alpha,),
        formulas=_unary_formulas(lambda x: (
            f.where_positive(x, x, alpha * (f.exp(x) - 1)), f.where_positive(x, 1, alpha * f.exp(x)))),
        code=lambda lang, out, x: (
            lang.where(f"{x} > 0.0", x, f"{lang.literal(alpha)}*{lang.call('expm1', x)}"),
            (lang.where(f"{x} > 0.0", "1.0", f"{out} + {lang.literal(alpha)}"),),
        ),
    )


@lru_cache(maxsize=PARAMETER_CACHE_SIZE)
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

    def formulas(arity):
        # The slides' form: ∂p_k/∂z_k = e^{z_k}(Σ_{j≠k} e^{z_j}) / (Σ_j e^{z_j})².
        z = _inputs(arity)
        squared = _sum_of_exponentials(z) ** 2
        others = f.total([f.exp(zj) for j, zj in enumerate(z) if j != k])
        local = tuple(
            f.exp(z[k]) * others / squared if j == k else -(f.exp(z[k]) * f.exp(zj)) / squared
            for j, zj in enumerate(z)
        )
        return f.Formulas(f.exp(z[k]) / _sum_of_exponentials(z), local, f.numbered("z", arity))

    def code(lang, out, z):
        shift = lang.logsumexp(z)
        return lang.call("exp", f"{z[k]} - {shift}"), tuple(
            f"{out}*(1.0 - {out})" if j == k else f"-{out}*{lang.call('exp', f'{zj} - {shift}')}"
            for j, zj in enumerate(z)
        )

    return Op("softmax", f"softmax[{k + 1}]", forward, local, variadic=True,
              formulas=formulas, code=code, position=k)


@lru_cache(maxsize=PARAMETER_CACHE_SIZE)
def log_softmax_op(k):
    """log p_k = z_k − logsumexp(z); local δ_kj − p_j."""

    def forward(z):
        return z[k] - _logsumexp(z)

    def local(out, z):
        # p_j = exp(z_j − logsumexp) and logsumexp = z_k − out.
        return tuple(
            (1.0 if j == k else 0.0) - _exp(zj - (z[k] - out)) for j, zj in enumerate(z)
        )

    def formulas(arity):
        z = _inputs(arity)
        denominator = _sum_of_exponentials(z)
        local = tuple((1 if j == k else 0) - f.exp(zj) / denominator for j, zj in enumerate(z))
        return f.Formulas(z[k] - f.ln(denominator), local, f.numbered("z", arity))

    def code(lang, out, z):
        return f"{z[k]} - {lang.logsumexp(z)}", tuple(
            f"{'1.0' if j == k else '0.0'} - {lang.call('exp', f'{zj} - ({z[k]} - {out})')}"
            for j, zj in enumerate(z)
        )

    return Op("log_softmax", f"log_softmax[{k + 1}]", forward, local, variadic=True,
              formulas=formulas, code=code, position=k)


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


_ARITHMETIC_ERRORS = (ValueError, ZeroDivisionError, OverflowError)


# The checks below test ``x - x != 0.0``: nan exactly when x is inf or nan, and cheaper
# than isfinite. The functions they call do the full test once that cheap one has flagged.


def _refuse_infinite_result(op, inputs, datas):
    """Raise if ``op`` gave an infinite or NaN result from finite inputs."""
    if _all_finite(datas):
        raise _fail(op, inputs, OverflowError(), "forward")


def _refuse_infinite_derivative(op, inputs, datas, locals_checked):
    """Raise if a local derivative is infinite or NaN at finite inputs (their sum was not finite,
    which may also be two large finite derivatives overflowing when added)."""
    if not _all_finite(locals_checked) and _all_finite(datas):
        raise _fail(op, inputs, OverflowError(), "derivative")


_blank = object.__new__
_recording = recording_flag.get


def _leaf(kind, number):
    """A new ``kind`` (``Value`` or ``Constant``) holding the float ``number``, with no edges.

    Made slot by slot, without ``Value.__init__`` and its type checks. ``unary`` and
    ``binary`` write these lines out, setting ``_edges`` once: they make most
    of a graph's nodes.
    """
    node = _blank(kind)
    node._data = number
    node.grad = 0.0
    node.label = None
    node._edges = ()
    return node


def unary(op):
    """The recorder of the one-input ``op``: ``unary(EXP)(x)`` runs it on ``x`` (a ``Value``
    or a number) and returns the result node.

    Made once per operation and kept on it, so that an operator of ``Value`` *is* its
    recorder: one call per node, where a method handing off to a recorder made two.
    """
    if op.recorder is not None:
        return op.recorder
    forward, local, name = op.forward, op.local, op.name

    def record(x):
        if type(x) is not Value:
            x = _value(x, name)
        data = x._data
        try:
            out = forward(data)
        except _ARITHMETIC_ERRORS as error:
            raise _fail(op, (x,), error, "forward") from None
        if out - out != 0.0:
            _refuse_infinite_result(op, (x,), (data,))
        if type(x) is Constant:
            return Constant(out)
        node = _blank(Value)
        node._data = out
        node.grad = 0.0
        node.label = None
        if _recording():
            try:
                (toward_x,) = local(out, data)
            except _ARITHMETIC_ERRORS as error:
                raise _fail(op, (x,), error, "derivative") from None
            if toward_x - toward_x != 0.0:
                _refuse_infinite_derivative(op, (x,), (data,), (toward_x,))
            node._edges = (op, x, toward_x)
        else:
            node._edges = ()
        return node

    return _named(op, record)


def binary(op):
    """The recorder of the two-input ``op``: ``binary(MUL)(x, y)`` runs it on ``x`` and ``y``
    (``Value`` s or numbers) and returns the result node; made once, as ``unary``.

    A derivative toward a constant is dropped unchecked (its edge holds ``None``):
    nothing ever uses it. When both inputs are constants, so is the result.
    """
    if op.recorder is not None:
        return op.recorder
    forward, local, name = op.forward, op.local, op.name

    def record(x, y):
        x_is_constant = y_is_constant = False
        # A float operand (the 0.5 of 0.5 * x) is the usual constant: made here, a call less.
        if type(x) is not Value:
            x = _leaf(Constant, x) if type(x) is float else _value(x, name)
            x_is_constant = type(x) is Constant
        if type(y) is not Value:
            y = _leaf(Constant, y) if type(y) is float else _value(y, name)
            y_is_constant = type(y) is Constant
        first, second = x._data, y._data
        try:
            out = forward(first, second)
        except _ARITHMETIC_ERRORS as error:
            raise _fail(op, (x, y), error, "forward") from None
        if out - out != 0.0:
            _refuse_infinite_result(op, (x, y), (first, second))
        if x_is_constant and y_is_constant:
            return Constant(out)
        node = _blank(Value)
        node._data = out
        node.grad = 0.0
        node.label = None
        if _recording():
            try:
                toward_x, toward_y = local(out, first, second)
            except _ARITHMETIC_ERRORS as error:
                raise _fail(op, (x, y), error, "derivative") from None
            if x_is_constant:
                toward_x = None
                total = toward_y
            elif y_is_constant:
                toward_y = None
                total = toward_x
            else:
                total = toward_x + toward_y
            if total - total != 0.0:
                checked = [d for d in (toward_x, toward_y) if d is not None]
                _refuse_infinite_derivative(op, (x, y), (first, second), checked)
            node._edges = (op, x, toward_x, y, toward_y)
        else:
            node._edges = ()
        return node

    return _named(op, record)


def swapped(record):
    """``record`` with its two inputs given the other way round: ``Value.__rsub__(y, x)``
    records ``x - y``, so ``1 - p`` keeps 1 as its first input."""

    def record_swapped(y, x):
        return record(x, y)

    return renamed(record_swapped, f"{record.__name__}_swapped")


def renamed(function, qualname, module=None):
    """A copy of ``function`` (the same code and closure) named ``qualname`` everywhere:
    in tracebacks, ``help()`` and pickle. ``Value``'s operators are such copies of the
    recorders, so that a traceback reads ``Value.__mul__``, then ``mul``."""
    name = qualname.rpartition(".")[2]
    code = function.__code__
    if hasattr(code, "co_qualname"):  # Python 3.11 and later
        code = code.replace(co_name=name, co_qualname=qualname)
    else:
        code = code.replace(co_name=name)
    copy = types.FunctionType(code, function.__globals__, name, function.__defaults__,
                              function.__closure__)
    copy.__qualname__ = qualname
    copy.__module__ = module or function.__module__
    copy.__doc__ = function.__doc__
    return copy


def _named(op, record):
    """``record`` named after the operation (a traceback reads ``mul``), kept on ``op``.

    The recorder's closure refers to ``op``, a reference cycle: an operation with a number
    built in (``x ** 2.5``) that leaves its cache is freed by the cyclic collector.
    """
    op.recorder = renamed(record, op.name)
    return op.recorder


def _record(op, inputs, datas, constant_count):
    """Run the variadic ``op`` on ``inputs`` (``Value`` nodes whose numbers are ``datas``);
    return the result node.

    ``constant_count`` says how many inputs are ``Constant`` s: the derivatives toward
    them are dropped unchecked, and when every input is one the result is a constant too.
    """
    try:
        out = op.forward(datas)
    except _ARITHMETIC_ERRORS as error:
        raise _fail(op, inputs, error, "forward") from None
    if out - out != 0.0:
        _refuse_infinite_result(op, inputs, datas)
    if constant_count == len(inputs):
        return Constant(out)
    node = _leaf(Value, out)
    if not _recording():
        return node
    try:
        local = op.local(out, datas)
    except _ARITHMETIC_ERRORS as error:
        raise _fail(op, inputs, error, "derivative") from None
    checked = local
    if constant_count:
        local = [None if type(s) is Constant else d for s, d in zip(inputs, local)]
        checked = [d for d in local if d is not None]
    total = sum(checked)
    if total - total != 0.0:
        _refuse_infinite_derivative(op, inputs, datas, checked)
    edges = [op] * (2 * len(inputs) + 1)
    edges[1::2] = inputs
    edges[2::2] = local
    node._edges = tuple(edges)
    return node


def _variadic(op, operands):
    """Run the variadic ``op`` on ``operands``, a ``_values`` pair (nodes, constant count)."""
    values, constant_count = operands
    return _record(op, values, [node._data for node in values], constant_count)


def _value(operand, op_name):
    kind = type(operand)
    if kind is float:
        return _leaf(Constant, operand)
    if isinstance(operand, Value):
        return operand
    if kind is not int and (isinstance(operand, bool) or not isinstance(operand, numbers.Real)):
        raise TypeError(
            f"{op_name}: operand {_shown(operand)} is a {type(operand).__name__}, "
            "not a number or Value"
        )
    try:
        return Constant(operand)
    except TypeError as error:
        raise TypeError(f"{op_name}: {error}") from None


def _shown(operand):
    text = repr(operand)
    return text if len(text) <= 80 else text[:77] + "..."


# The usual case: every operand already a plain Value (one C-level pass tells).
_PLAIN = frozenset({Value})


def _values(operands, op_name):
    """``(nodes, how many are constants)`` for a sequence of operands; numbers become constants."""
    values = list(operands)
    if not values:
        raise ValueError(f"{op_name}: needs at least one operand, got none")
    if set(map(type, values)) == _PLAIN:
        return values, 0
    values = [v if isinstance(v, Value) else _value(v, op_name) for v in values]
    return values, sum(type(v) is Constant for v in values)


# ----- the public operations -------------------------------------------------------------


# Each is its operation's recorder (``unary``/``binary``), which ``Value``'s operators are too.
add, sub, mul, div = binary(ADD), binary(SUB), binary(MUL), binary(DIV)
neg = unary(NEG)


# The integers that are floats exactly (2**53 + 1 is not).
_EXACT_INTEGERS = range(-(2**53), 2**53 + 1)


def power(base, exponent):
    """``base ** exponent``.

    A number (or ``Constant``) exponent is part of the operation (``x ** 2``), and so
    is a number base (``2 ** y``): the one input is the other operand, and no
    derivative toward the fixed number is ever formed. Two ``Value`` s make ``x ** y``.
    """
    kind = type(exponent)
    if kind is float or (kind is int and exponent in _EXACT_INTEGERS):
        # The usual x ** 2: the number goes straight into the operation, no Constant made for it.
        return unary(power_op(float(exponent)))(base)
    base, exponent = _value(base, "pow"), _value(exponent, "pow")
    if exponent.is_constant:
        return unary(power_op(exponent._data))(base)
    if base.is_constant:
        if base._data < 0.0:
            raise UndefinedOperationError(
                f"pow: with a Value exponent the base must be >= 0, because d out/d exponent "
                f"= out * ln(base); got base {base._data!r}, exponent {_describe([exponent])}"
            )
        return unary(exponential_op(base._data))(exponent)
    return binary(POW)(base, exponent)


exp, log, sqrt, tanh = unary(EXP), unary(LOG), unary(SQRT), unary(TANH)
sigmoid, relu = unary(SIGMOID), unary(RELU)


def _parameter(number, name, op_name, x):
    # A NaN slope would otherwise surface as a puzzling "overflow" of the result.
    if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
        raise ValueError(
            f"{op_name}: {name} must be a finite number, got {number!r}; "
            f"input {_describe([_value(x, op_name)])}"
        )
    return float(number)


def leaky_relu(x, slope=0.1):
    return unary(leaky_relu_op(_parameter(slope, "slope", "leaky_relu", x)))(x)


def elu(x, alpha=1.0):
    return unary(elu_op(_parameter(alpha, "alpha", "elu", x)))(x)


def sum_values(values):
    """x1 + x2 + ... + xn as a single node with n inputs (local derivative 1 each)."""
    return _variadic(SUM, _values(values, "sum"))


def dot(weights, inputs, bias=None):
    """w · x (+ b) as a single node; local d/dw_i = x_i, d/dx_i = w_i, d/db = 1."""
    operands = list(weights)
    count = len(operands)
    if not count:
        raise ValueError("dot: needs at least one weight and one input, got none")
    operands += inputs
    if 2 * count != len(operands):
        raise ValueError(
            f"dot: {count} weights but {len(operands) - count} inputs; they must match"
        )
    if bias is not None:
        operands.append(bias)
    return _variadic(DOT, _values(operands, "dot"))


def softmax(values):
    """Probabilities p_1..p_n; each p_k is one node whose inputs are all the z's."""
    z = _values(values, "softmax")
    return [_variadic(softmax_op(k), z) for k in range(len(z[0]))]


def log_softmax(values):
    """log p_k = z_k − logsumexp(z) for every k, stable for logits of ±1000."""
    z = _values(values, "log_softmax")
    return [_variadic(log_softmax_op(k), z) for k in range(len(z[0]))]


def logsumexp(values):
    """log Σ exp(z_j) as one node, stable for logits of ±1000."""
    return _variadic(LOGSUMEXP, _values(values, "logsumexp"))


def negative_log_likelihood(probabilities, targets):
    """The slides' cross-entropy L = −Σ y_c ln p_c as one node reading every p_c and y_c.

    Its local derivatives are the slides' ∂L/∂p_c = −y_c / p_c. Targets are usually
    numbers or ``Constant`` s (no derivative is formed toward them); the
    probabilities are taken as they are (``nn`` checks that they are probabilities).
    """
    operands = list(probabilities)
    count = len(operands)
    operands += targets
    if not count or 2 * count != len(operands):
        raise ValueError(
            f"cross_entropy: {count} probabilities but {len(operands) - count} targets; "
            "they must match and not be empty"
        )
    return _variadic(CROSS_ENTROPY, _values(operands, "cross_entropy"))
