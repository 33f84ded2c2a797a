"""A recorded graph as a program: the Wengert list and its adjoint, as Python source.

``compile_graph(root, inputs)`` writes one line per operation of the forward pass,
in the nodes' own names (``q1 = v11*x1 + v21*x2 + v31*x3``, ``h1 = sigmoid(q1)``),
then one line per node of the backward pass (``dL_dh1 = dL_dz1*w11 + dL_dz2*w12``),
each term an upstream gradient times the local derivative the op table gives for
that edge. The source is compiled once; ``program.run(numbers)`` then replays the
forward and backward pass on new numbers for the inputs without making any
``Value``. Students can print it, read it and step through it in a debugger.

What a program can replay, and what it cannot:

* the same operations on other numbers: a ReLU's or a max's branch is part of the
  code (``(1.0 if q1 > 0.0 else 0.0)``), so data-dependent *values* replay fine;
* it cannot see Python that ran while the graph was built: an ``if`` on a value,
  a loop whose length depends on the data, a number folded into a ``Constant``
  (``x * 2`` where x is a constant) are frozen as they were recorded;
* constants that are not listed in ``inputs`` are written into the code as numbers.

The program checks what the graph checks: an operation outside its domain raises
tracegrad's error naming the line, and an infinite or NaN result or gradient is
refused, never returned.
"""

import keyword
import linecache
import math
import re
import unicodedata
from itertools import count

from autograd.errors import (
    DivisionByZeroError,
    NumericOverflowError,
    TracegradError,
    UndefinedOperationError,
)
from autograd.graph import consumers_first
from autograd.ops import CODE_FUNCTIONS
from autograd.value import Constant, Value

# Past this many terms a sum is written as one call on a tuple: Python's compiler
# recurses once per "+", and a 100,000-term expression would exhaust its stack.
LONGEST_INLINE_SUM = 32
FUNCTION_NAME = "forward_backward"


class NotCompilableError(TracegradError, ValueError):
    """The graph (or the chosen inputs) cannot be turned into a program."""


# ----- how to write a call or a branch: plain Python, or PyTorch on a batch ----------


class _Language:
    """What the op table's ``code`` forms use to write source text (see ``autograd.ops``)."""

    def __init__(self, literals):
        self.literals = literals  # source text of each inlined constant -> its number

    def number(self, text):
        """The number an operand stands for, when it is a constant written into the code."""
        return self.literals.get(text)

    def literal(self, number):
        return literal_text(number)

    def total(self, terms):
        return _sum(terms)


class _Python(_Language):
    name = "Python"

    def call(self, function, *arguments):
        return f"{function}({', '.join(arguments)})"

    def where(self, condition, if_true, if_false):
        return f"({if_true} if {condition} else {if_false})"

    def logsumexp(self, items):
        return f"logsumexp(({_tuple(items)}))"


class _Torch(_Language):
    name = "PyTorch"

    def call(self, function, *arguments):
        return f"torch.{'pow' if function == 'power' else function}({', '.join(arguments)})"

    def where(self, condition, if_true, if_false):
        return f"torch.where({condition}, {if_true}, {if_false})"

    def logsumexp(self, items):
        return f"torch.logsumexp(torch.stack(torch.broadcast_tensors({', '.join(items)})), 0)"


def literal_text(number):
    """A float as source text that reads back as the same float, negative ones in brackets."""
    if not math.isfinite(number):
        return f"float('{number!r}')"
    text = repr(float(number))
    return f"({text})" if text.startswith("-") else text


# ----- names: labels made into unique identifiers -----------------------------------------

_SUPERSCRIPTS = str.maketrans({d: f"{k}_" for k, d in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")})
_RESERVED = set(CODE_FUNCTIONS) | {"numbers", "math", "torch", "sum", "float", FUNCTION_NAME}


class _NameBook:
    """Hands out identifiers: each one valid Python, none used twice, none a keyword."""

    def __init__(self):
        self.taken = set(_RESERVED)
        self.unnamed = count(1)

    def take(self, wanted):
        base = identifier(wanted) if wanted is not None else None
        if base is None:
            # Unlabelled nodes are t1, t2, ... as in tracegrad's pictures.
            base = f"t{next(self.unnamed)}"
            while base in self.taken:
                base = f"t{next(self.unnamed)}"
        name, suffix = base, 2
        while name in self.taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        self.taken.add(name)
        return name


def identifier(label):
    """``label`` as a Python identifier (``q¹1`` -> ``q1_1``, ``ΣL/100`` -> ``ΣL_100``), or None."""
    # Python reads identifiers in NFKC form, so names are compared in that form too.
    text = unicodedata.normalize("NFKC", str(label).translate(_SUPERSCRIPTS))
    text = "".join(ch if ("_" + ch).isidentifier() else "_" for ch in text)
    text = re.sub("_+", "_", text).strip("_")
    if not text:
        return None
    if not text.isidentifier():
        text = f"n{text}"
    if keyword.iskeyword(text) or keyword.issoftkeyword(text):
        text += "_"
    return text


# ----- the plan: what each line computes, in which order ----------------------------------


class _Step:
    """One operation of the graph: its node's name, its op and its operands' source text."""

    __slots__ = ("node", "name", "op", "operands", "sources")

    def __init__(self, node, name, op, operands, sources):
        self.node, self.name, self.op = node, name, op
        self.operands, self.sources = operands, sources


def compile_graph(root, inputs=None, extra_outputs=()):
    """The graph of ``root`` as a straight-line program (a ``GraphProgram``).

    ``inputs`` are the leaves whose numbers the program takes, in order; by default
    every leaf that is not a constant, in the order the forward pass reads them.
    Every non-constant leaf must be among them (an input nothing reads gets gradient
    0); a ``Constant`` listed there (the
    data of a training example) becomes an argument too, without a gradient, and
    any other constant is written into the code as its number. The program returns
    ``root``'s number, d root / d input for every non-constant input, and the
    numbers of ``extra_outputs`` (nodes of the graph, e.g. a model's outputs).
    """
    if not isinstance(root, Value):
        raise TypeError(f"compile_graph: root must be a Value, got {type(root).__name__}")
    order = consumers_first(root)
    order.reverse()
    in_graph = set(order)
    inputs = _checked_inputs(order, in_graph, inputs)
    extra_outputs = list(extra_outputs)
    for node in extra_outputs:
        if node not in in_graph:
            raise NotCompilableError(f"compile_graph: extra output {_shown(node)} is not in the graph of the root")
    names, literals = {}, {}
    book = _NameBook()
    for node in inputs:
        names[node] = book.take(node.label)
    steps = []
    for node in order:
        if node in names:
            continue
        if not node._edges:
            if type(node) is not Constant:
                raise NotCompilableError(
                    f"compile_graph: leaf {_shown(node)} is not among the inputs; list it "
                    "(or make it a Constant if its number never changes)"
                )
            text = literal_text(node._data)
            names[node] = text
            literals[text] = node._data
            continue
        names[node] = book.take(node.label)
        sources = node._edges[1::2]
        steps.append(_Step(node, names[node], node.op, [names[s] for s in sources], sources))
    root_name = names[root]
    gradient_names = {}
    for step in reversed(steps):
        gradient_names[step.node] = book.take(f"d{root_name}_d{step.name}")
    for node in inputs:
        if type(node) is not Constant:
            gradient_names[node] = book.take(f"d{root_name}_d{names[node]}")
    plan = _Plan(root, root_name, inputs, names, literals, steps, gradient_names, book,
                 [names[node] for node in extra_outputs])
    return GraphProgram(plan)


def _checked_inputs(order, in_graph, inputs):
    if inputs is None:
        return [node for node in order if not node._edges and type(node) is not Constant]
    inputs = list(inputs)
    seen = set()
    for position, node in enumerate(inputs):
        where = f"compile_graph: inputs[{position}]"
        if not isinstance(node, Value):
            raise TypeError(f"{where} must be a Value or Constant node, got {type(node).__name__}")
        if node._edges:
            raise NotCompilableError(f"{where} {_shown(node)} is computed by {node.op.name}; inputs must be leaves")
        if node in seen:
            raise NotCompilableError(f"{where} {_shown(node)} is listed twice")
        if node not in in_graph and type(node) is Constant:
            # A Value nothing reads simply gets gradient 0; data that vanished cannot be replayed.
            raise NotCompilableError(
                f"{where} {_shown(node)} is not in the graph of the root: nothing reads it, or "
                "it only met constants and was folded into one (make it a Value to replay it)"
            )
        seen.add(node)
    return inputs


def _shown(node):
    return f"{node.label!r}" if node.label is not None else f"(unlabelled, data {node.data!r})"


class _Plan:
    """Everything needed to write the program in any language."""

    def __init__(self, root, root_name, inputs, names, literals, steps, gradient_names, book,
                 extra_names):
        self.root, self.root_name, self.inputs = root, root_name, inputs
        self.names, self.literals, self.steps = names, literals, steps
        self.gradient_names, self.book, self.extra_names = gradient_names, book, extra_names

    def render(self, language):
        """The program's source text in ``language`` (a ``_Language``), and the fallbacks it calls."""
        fallbacks = {}
        forward, local_lines, locals_of = [], {}, {}
        for step in self.steps:
            formula, locals_ = self._formulas(step, language, fallbacks, local_lines)
            forward.append(f"{step.name} = {formula}")
            locals_of[step.node] = locals_
        backward = self._backward(locals_of, local_lines)
        input_names = [self.names[node] for node in self.inputs]
        gradients = [self.gradient_value(node) for node in self.inputs if type(node) is not Constant]
        lines = [f"def {FUNCTION_NAME}(numbers):"]
        lines.append(f'    """{self.root_name} and its gradient toward every input, from new numbers."""')
        if input_names:
            lines.append(f"    {_wrapped(input_names)} = numbers")
        lines.append("    # forward pass: one line per operation")
        lines += [f"    {line}" for line in forward]
        lines.append(f"    # backward pass: d{self.root_name}_dn is d{self.root_name}/dn, "
                     "a sum of upstream gradient × local derivative")
        lines += [f"    {line}" for line in backward]
        returned = f"{self.root_name}, {_wrapped(gradients, brackets=True)}"
        if self.extra_names:
            returned += f", {_wrapped(self.extra_names, brackets=True)}"
        lines.append(f"    return {returned}")
        return "\n".join(lines) + "\n", fallbacks

    def gradient_value(self, node):
        return self.gradients.get(node, "0.0")

    def _formulas(self, step, language, fallbacks, local_lines):
        op = step.op
        if op.code is not None:
            formula, locals_ = (op.code(language, step.name, step.operands) if op.variadic
                                else op.code(language, step.name, *step.operands))
            return formula, [_text(local) for local in locals_]
        if isinstance(language, _Torch):
            raise NotCompilableError(
                f"to_torch_source: {op.name} ({op.symbol}) has no code form in the op table, "
                f"so {step.name} cannot be written for PyTorch"
            )
        # No code form: call the op's own forward and local rules, bound under these names.
        forward_name = self.book.take(f"{op.name}_forward")
        local_name = self.book.take(f"{op.name}_local")
        fallbacks[forward_name], fallbacks[local_name] = op.forward, op.local
        arguments = f"({_tuple(step.operands)})" if op.variadic else ", ".join(step.operands)
        locals_name = self.book.take(f"{step.name}_locals")
        local_lines[step.node] = f"{locals_name} = {local_name}({step.name}, {arguments})"
        return f"{forward_name}({arguments})", [f"{locals_name}[{k}]" for k in range(len(step.operands))]

    def _backward(self, locals_of, local_lines):
        """One line per node, consumers first: its gradient, summed over the edges leaving it."""
        contributions = {}
        self.gradients = {self.root: "1.0"}
        lines = []
        for step in reversed(self.steps):
            node = step.node
            if node is not self.root:
                terms = contributions.pop(node, [])
                if not terms:
                    self.gradients[node] = "0.0"
                    continue
                name = self.gradient_names[node]
                lines.append(f"{name} = {_sum(terms)}")
                self.gradients[node] = name
            if node in local_lines:
                lines.append(local_lines[node])
            upstream = self.gradients[node]
            for source, local in zip(step.sources, locals_of[node]):
                if type(source) is Constant or local == "0.0":
                    continue  # no gradient toward a constant; a 0 local passes nothing
                contributions.setdefault(source, []).append(_product(upstream, local))
        for node in self.inputs:
            if type(node) is Constant:
                continue
            terms = contributions.pop(node, [])
            if node is self.root:
                continue
            name = self.gradient_names[node]
            lines.append(f"{name} = {_sum(terms) if terms else '0.0'}")
            self.gradients[node] = name
        return lines


def _text(local):
    return literal_text(local) if isinstance(local, (int, float)) else local


def _tuple(names):
    return ", ".join(names) + ("," if len(names) == 1 else "")


def _wrapped(names, brackets=False, width=88):
    """``a, b, c`` as a tuple, broken over lines of at most ``width`` when long."""
    text = _tuple(names)
    if len(text) <= width - 20:
        return f"({text})" if brackets else text
    rows, row = [], []
    for name in names:
        if row and len(", ".join(row + [name])) > width - 8:
            rows.append(", ".join(row) + ",")
            row = []
        row.append(name)
    rows.append(", ".join(row) + ",")
    return "(\n" + "".join(f"        {line}\n" for line in rows) + "    )"


def _sum(terms):
    if len(terms) <= LONGEST_INLINE_SUM:
        return " + ".join(terms)
    return f"sum(({_tuple(terms)}))"


def _is_atom(text):
    """True when ``text`` needs no brackets as a factor: a name, a number, or one bracket."""
    if re.fullmatch(r"[\w.]+", text):
        return True
    if not text.startswith("("):
        return False
    depth = 0
    for position, character in enumerate(text):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0:
            return position == len(text) - 1
    return False


def _product(upstream, local):
    """upstream × local as readable source: no ``1.0*``, no ``*1.0``."""
    if upstream == "1.0":
        return local
    if local == "1.0":
        return upstream
    if local == "-1.0" or local == "(-1.0)":
        return f"-{upstream}"
    return f"{upstream}*{local if _is_atom(local) else f'({local})'}"


# ----- the program -------------------------------------------------------------------------

_ERRORS = ((ZeroDivisionError, DivisionByZeroError), (OverflowError, NumericOverflowError),
           (ValueError, UndefinedOperationError))


class GraphProgram:
    """A graph compiled to Python: ``source`` to read, ``run(numbers)`` to replay it.

    ``inputs`` are the leaves it takes numbers for (``input_names`` their names in
    the code); ``gradient_inputs`` the non-constant ones, whose gradients ``run``
    returns in that order.
    """

    def __init__(self, plan):
        self._plan = plan
        self.inputs = tuple(plan.inputs)
        self.input_names = tuple(plan.names[node] for node in plan.inputs)
        self.gradient_inputs = tuple(node for node in plan.inputs if type(node) is not Constant)
        self.root_name = plan.root_name
        self.source, fallbacks = plan.render(_Python(plan.literals))
        self.filename = f"<tracegrad program of {plan.root_name}>"
        # Registered with linecache, so tracebacks and debuggers show the generated lines.
        self._lines = self.source.splitlines(keepends=True)
        linecache.cache[self.filename] = (len(self.source), None, self._lines, self.filename)
        namespace = {**CODE_FUNCTIONS, **fallbacks}
        exec(compile(self.source, self.filename, "exec"), namespace)
        self.function = namespace[FUNCTION_NAME]

    def __str__(self):
        return self.source

    def __repr__(self):
        return (f"GraphProgram({self.root_name}: {len(self.inputs)} inputs, "
                f"{len(self._plan.steps)} operations)")

    def numbers(self):
        """The inputs' numbers as they are now (what ``run()`` uses when given none)."""
        return [node._data for node in self.inputs]

    def run(self, numbers=None):
        """``(root, gradients, extra_outputs)`` for these input numbers (floats, in ``inputs`` order).

        ``gradients`` follows ``gradient_inputs``; ``extra_outputs`` is empty unless
        the program was compiled with some.
        """
        numbers = self.numbers() if numbers is None else numbers
        if len(numbers) != len(self.inputs):
            raise ValueError(
                f"{self.root_name} program: takes {len(self.inputs)} numbers "
                f"({', '.join(self.input_names[:6])}{', ...' if len(self.inputs) > 6 else ''}), "
                f"got {len(numbers)}"
            )
        try:
            result = self.function(numbers)
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            raise self._failure(error) from None
        value, gradients = result[0], result[1]
        total = value + sum(gradients)
        if total - total != 0.0:
            self._refuse_non_finite(value, gradients)
        return value, gradients, (result[2] if len(result) > 2 else ())

    def _failure(self, error):
        line = "?"
        traceback = error.__traceback__
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == self.filename:
                line = self._lines[traceback.tb_lineno - 1].strip()
            traceback = traceback.tb_next
        reason = str(error) if not isinstance(error, OverflowError) else (
            "the result is too large for a 64-bit float (beyond ±1.8e308)")
        for builtin, ours in _ERRORS:
            if isinstance(error, builtin):
                return ours(f"{self.root_name} program: {reason}, at `{line}`")
        raise error  # unreachable: every caught error type is listed

    def _refuse_non_finite(self, value, gradients):
        if value - value != 0.0:
            raise NumericOverflowError(f"{self.root_name} program: {self.root_name} came out as {value!r}")
        for node, gradient in zip(self.gradient_inputs, gradients):
            if gradient - gradient != 0.0:
                raise NumericOverflowError(
                    f"{self.root_name} program: d{self.root_name}/d{self._plan.names[node]} came out "
                    f"as {gradient!r}; a product of local derivatives overflowed or met a NaN"
                )

    def to_torch_source(self):
        """The same program for PyTorch: each name holds a tensor of a batch of examples.

        Every line works element-wise, so entry b of each result is what ``run``
        gives for example b (gradients per example, not summed). Parameters can be
        0-d tensors (they broadcast). Ops written with Python branches become
        ``torch.where``; an op without a code form in the table cannot be written.
        """
        source, _ = self._plan.render(_Torch(self._plan.literals))
        return "import torch\n\n\n" + source
