"""Formulas: what an operation computes and its local derivatives, as expressions to show.

Every entry of the op table (``autograd.ops``) carries, beside the rules that
compute, its formulas in the table's vocabulary (``Op.formulas(arity)``): how
``out`` is made from the inputs and each local derivative d out / d input. A
formula is a small expression tree that can

* ``evaluate(inputs, out)``: give its number, so a test holds every formula to
  the rule that really computes (a formula cannot drift from the code);
* ``text(names)``, ``latex(names)``, ``mathml(names)``: be written as Unicode
  text, LaTeX or MathML, input k called ``names[k]``: a node's label
  (σ(q1)(1 − σ(q1))) or its number (σ(0.3451)(1 − σ(0.3451))).

Formulas are data for pictures and explanations: nothing in the forward or
backward pass builds or reads them.

Vocabulary: ``Input(k)`` is the operation's input at position k (``x``, ``y``,
or ``z1 .. zn``), ``OUT`` its result. Expressions combine with ``+ - * / **``
and the functions ``exp``, ``ln``, ``sqrt``, ``sigma``, ``tanh`` and
``where_positive`` (a two-case formula, as for relu).

>>> x = Input(0)
>>> derivative = sigma(x) * (1 - sigma(x))
>>> derivative.text(["q1"])
'σ(q1)(1 − σ(q1))'
>>> derivative.latex(["q1"])
'\\\\sigma(q_{1})\\\\left(1 - \\\\sigma(q_{1})\\\\right)'
>>> round(derivative.evaluate([0.3451]), 4)
0.2427
"""

from __future__ import annotations

import html
import math
import re
from typing import NamedTuple

# How tightly each kind of expression binds: a part binding less tightly than
# its place requires is put in brackets.
CASES, SUM, PRODUCT, NEGATION, POWER, ATOM = range(6)

# Sums longer than this are written with an ellipsis: e^{z1} + e^{z2} + … + e^{z100}.
TERMS_WRITTEN = 6

SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _sigmoid(x):
    # Never exponentiate a large positive number: both branches stay in (0, 1].
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# name: how to evaluate it
FUNCTIONS = {"exp": math.exp, "ln": math.log, "sqrt": math.sqrt, "sigma": _sigmoid, "tanh": math.tanh}


class Formulas(NamedTuple):
    """An operation's formulas for one number of inputs.

    ``out``: the result from the inputs; ``local``: one local derivative per input;
    ``names``: the table's names for the inputs (``x``, ``y``; ``z1``, ``z2``, ...).
    """

    out: "Expression"
    local: tuple
    names: tuple


def numbered(letter, count, first=1):
    """``letter`` numbered: ``numbered("z", 3)`` is ``("z1", "z2", "z3")``."""
    return tuple(f"{letter}{index}" for index in range(first, first + count))


class Expression:
    """A formula; combine with ``+ - * / **``. Subclasses say how to evaluate and write themselves."""

    binding = ATOM

    def evaluate(self, inputs, out=None):
        """The formula's number, with ``inputs`` (a sequence of numbers) and ``out``."""
        raise NotImplementedError

    def text(self, names, out_name="out"):
        """Unicode text, input k written as ``names[k]`` (a label or a number)."""
        return self.written(TEXT, names, out_name)

    def latex(self, names, out_name="out"):
        """LaTeX (math mode), input k written as ``names[k]`` (a label or a number)."""
        return self.written(LATEX, names, out_name)

    def mathml(self, names, out_name="out"):
        """MathML (the inside of a ``<math>`` element), input k written as ``names[k]``."""
        return self.written(MATHML, names, out_name)

    def written(self, style, names, out_name="out"):
        """The formula in ``style``, input k called ``names[k]``: plain labels or numbers."""
        return self.write(style, [style.name(name) for name in names], style.name(out_name))

    def write(self, style, names, out_name):
        """The formula in ``style``, with ``names`` already written in that style."""
        raise NotImplementedError

    def written_as_factor(self, style, names, out_name="out", first=False):
        """Written as one factor of a product (names already in ``style``).

        Bracketed when it is a sum, or a negative past the first factor: −2·x, x·(−2).
        """
        written = self.write(style, names, out_name)
        binding = _binding(self, style, names)
        if binding < PRODUCT or (binding == NEGATION and not first):
            return style.brackets(written)
        return written

    def inputs_used(self):
        """The input positions this formula reads."""
        return set()

    def substitute(self, numbers):
        """This formula with inputs replaced by ``Number`` s (``{position: number}``), simplified.

        Used for constants, which are shown as the numbers they are: −y1/p1 with
        y1 = 1 becomes −1/p1, and a term weighted by 0 disappears.
        """
        return self

    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return add(self, negate(other))

    def __rsub__(self, other):
        return add(other, negate(self))

    def __mul__(self, other):
        return multiply(self, other)

    def __rmul__(self, other):
        return multiply(other, self)

    def __truediv__(self, other):
        return divide(self, other)

    def __rtruediv__(self, other):
        return divide(other, self)

    def __neg__(self):
        return negate(self)

    def __pow__(self, exponent):
        return power(self, exponent)

    def __repr__(self):
        used = self.inputs_used()
        width = max(used) + 1 if used else 0
        return f"<formula {self.text([f'x{k}' for k in range(width)])}>"


def as_expression(thing):
    """``thing`` as an ``Expression``: numbers become ``Number`` s."""
    if isinstance(thing, Expression):
        return thing
    if isinstance(thing, (int, float)) and not isinstance(thing, bool):
        return Number(float(thing))
    raise TypeError(f"a formula is made of expressions and numbers, got {type(thing).__name__}")


class Number(Expression):
    def __init__(self, value):
        self.value = value
        self.binding = NEGATION if value < 0 else ATOM

    def evaluate(self, inputs, out=None):
        return self.value

    def write(self, style, names, out_name):
        return style.name(_number_text(self.value))


class Input(Expression):
    """The operation's input at ``position`` (0-based)."""

    def __init__(self, position):
        self.position = position

    def evaluate(self, inputs, out=None):
        return inputs[self.position]

    def write(self, style, names, out_name):
        return names[self.position]

    def inputs_used(self):
        return {self.position}

    def substitute(self, numbers):
        return Number(numbers[self.position]) if self.position in numbers else self

    def binding_in(self, style, names):
        # A name that is a negative number ("−2.8995") binds like a negation.
        return NEGATION if style.is_negative(names[self.position]) else ATOM


class Output(Expression):
    """The operation's result, ``out``."""

    def evaluate(self, inputs, out=None):
        return out

    def write(self, style, names, out_name):
        return out_name


OUT = Output()


def _binding(part, style, names):
    finder = getattr(part, "binding_in", None)
    return finder(style, names) if finder is not None else part.binding


def _part(style, part, names, out_name, tightest_allowed):
    """``part`` written, in brackets when it binds less tightly than its place needs."""
    written = part.write(style, names, out_name)
    if _binding(part, style, names) < tightest_allowed:
        return style.brackets(written)
    return written


class Add(Expression):
    binding = SUM

    def __init__(self, terms):
        self.terms = terms

    def evaluate(self, inputs, out=None):
        return math.fsum(term.evaluate(inputs, out) for term in self.terms)

    def write(self, style, names, out_name):
        terms = self.terms
        if len(terms) > TERMS_WRITTEN:
            terms = [*terms[:2], None, terms[-1]]
        pieces = []
        for index, term in enumerate(terms):
            if term is None:
                pieces.append(style.plus + style.ellipsis)
            elif isinstance(term, Negate) and index > 0:
                pieces.append(style.minus + _part(style, term.operand, names, out_name, PRODUCT))
            elif isinstance(term, Number) and term.value < 0 and index > 0:
                # y − 1, never y + −1
                pieces.append(style.minus + Number(-term.value).write(style, names, out_name))
            else:
                written = _part(style, term, names, out_name, SUM)
                pieces.append(written if index == 0 else style.plus + written)
        return "".join(pieces)

    def inputs_used(self):
        return set().union(*(term.inputs_used() for term in self.terms))

    def substitute(self, numbers):
        return add(*(term.substitute(numbers) for term in self.terms))


class Multiply(Expression):
    binding = PRODUCT

    def __init__(self, factors):
        self.factors = factors

    def evaluate(self, inputs, out=None):
        return math.prod(factor.evaluate(inputs, out) for factor in self.factors)

    def write(self, style, names, out_name):
        return style.product([factor.written_as_factor(style, names, out_name, first=index == 0)
                              for index, factor in enumerate(self.factors)])

    def inputs_used(self):
        return set().union(*(factor.inputs_used() for factor in self.factors))

    def substitute(self, numbers):
        return multiply(*(factor.substitute(numbers) for factor in self.factors))


class Divide(Expression):
    binding = PRODUCT

    def __init__(self, numerator, denominator):
        self.numerator = numerator
        self.denominator = denominator

    def evaluate(self, inputs, out=None):
        return self.numerator.evaluate(inputs, out) / self.denominator.evaluate(inputs, out)

    def write(self, style, names, out_name):
        return style.fraction(
            lambda needed: _part(style, self.numerator, names, out_name, needed),
            lambda needed: _part(style, self.denominator, names, out_name, needed),
        )

    def inputs_used(self):
        return self.numerator.inputs_used() | self.denominator.inputs_used()

    def substitute(self, numbers):
        return divide(self.numerator.substitute(numbers), self.denominator.substitute(numbers))


class Negate(Expression):
    binding = NEGATION

    def __init__(self, operand):
        self.operand = operand

    def evaluate(self, inputs, out=None):
        return -self.operand.evaluate(inputs, out)

    def write(self, style, names, out_name):
        return style.negation(_part(style, self.operand, names, out_name, PRODUCT))

    def inputs_used(self):
        return self.operand.inputs_used()

    def substitute(self, numbers):
        return negate(self.operand.substitute(numbers))


class Power(Expression):
    binding = POWER

    def __init__(self, base, exponent):
        self.base = base
        self.exponent = exponent

    def evaluate(self, inputs, out=None):
        return self.base.evaluate(inputs, out) ** self.exponent.evaluate(inputs, out)

    def write(self, style, names, out_name):
        base = _part(style, self.base, names, out_name, ATOM)
        return style.power(base, self.exponent.write(style, names, out_name), _value_of(self.exponent))

    def inputs_used(self):
        return self.base.inputs_used() | self.exponent.inputs_used()

    def substitute(self, numbers):
        return power(self.base.substitute(numbers), self.exponent.substitute(numbers))


class Call(Expression):
    """A named function of one argument: exp, ln, sqrt, sigma (σ), tanh."""

    def __init__(self, function, argument):
        self.function = function
        self.argument = argument

    def evaluate(self, inputs, out=None):
        return FUNCTIONS[self.function](self.argument.evaluate(inputs, out))

    def write(self, style, names, out_name):
        return style.call(self.function, self.argument.write(style, names, out_name))

    def inputs_used(self):
        return self.argument.inputs_used()

    def substitute(self, numbers):
        return Call(self.function, self.argument.substitute(numbers))


class WherePositive(Expression):
    """``then`` where ``test`` > 0, else ``otherwise``: the two cases of relu and its kin."""

    binding = CASES

    def __init__(self, test, then, otherwise):
        self.test = test
        self.then = then
        self.otherwise = otherwise

    def evaluate(self, inputs, out=None):
        chosen = self.then if self.test.evaluate(inputs, out) > 0.0 else self.otherwise
        return chosen.evaluate(inputs, out)

    def write(self, style, names, out_name):
        return style.cases(self.then.write(style, names, out_name),
                           self.test.write(style, names, out_name),
                           self.otherwise.write(style, names, out_name))

    def inputs_used(self):
        return self.test.inputs_used() | self.then.inputs_used() | self.otherwise.inputs_used()

    def substitute(self, numbers):
        return WherePositive(self.test.substitute(numbers), self.then.substitute(numbers),
                             self.otherwise.substitute(numbers))


# ----- building formulas: the small simplifications a person makes while writing -------------


def _value_of(expression):
    return expression.value if isinstance(expression, Number) else None


def add(*parts):
    terms = []
    for part in map(as_expression, parts):
        terms.extend(part.terms if isinstance(part, Add) else [part])
    terms = [term for term in terms if _value_of(term) != 0.0]
    if not terms:
        return Number(0.0)
    return terms[0] if len(terms) == 1 else Add(terms)


def multiply(*parts):
    factors = []
    for part in map(as_expression, parts):
        factors.extend(part.factors if isinstance(part, Multiply) else [part])
    if any(_value_of(factor) == 0.0 for factor in factors):
        return Number(0.0)
    sign = 1.0
    kept = []
    for factor in factors:
        if isinstance(factor, Negate):
            sign, factor = -sign, factor.operand
        if _value_of(factor) == -1.0:
            sign = -sign
        elif _value_of(factor) != 1.0:
            kept.append(factor)
    product = Number(1.0) if not kept else kept[0] if len(kept) == 1 else Multiply(kept)
    return product if sign > 0 else negate(product)


def divide(numerator, denominator):
    numerator, denominator = as_expression(numerator), as_expression(denominator)
    if _value_of(numerator) == 0.0:
        return Number(0.0)
    if _value_of(denominator) == 1.0:
        return numerator
    if isinstance(numerator, Negate):
        return negate(Divide(numerator.operand, denominator))
    return Divide(numerator, denominator)


def negate(part):
    part = as_expression(part)
    if isinstance(part, Negate):
        return part.operand
    if isinstance(part, Number):
        return Number(-part.value)
    return Negate(part)


def power(base, exponent):
    base, exponent = as_expression(base), as_expression(exponent)
    if _value_of(exponent) == 1.0:
        return base
    if _value_of(exponent) == 0.0:
        return Number(1.0)
    return Power(base, exponent)


def exp(argument):
    return Call("exp", as_expression(argument))


def ln(argument):
    return Call("ln", as_expression(argument))


def sqrt(argument):
    return Call("sqrt", as_expression(argument))


def sigma(argument):
    return Call("sigma", as_expression(argument))


def tanh(argument):
    return Call("tanh", as_expression(argument))


def where_positive(test, then, otherwise):
    return WherePositive(as_expression(test), as_expression(then), as_expression(otherwise))


def total(terms):
    """The sum of ``terms`` (a formula even for one term)."""
    return add(*terms)


# ----- writing: Unicode text, LaTeX and MathML ------------------------------------------------


def _number_text(value):
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _small_whole(value):
    return value is not None and value == int(value) and 2 <= abs(value) <= 9


class Style:
    """How Unicode text writes each kind of expression; ``LatexStyle`` and ``MathmlStyle`` differ."""

    plus, minus, negative, ellipsis, times = " + ", " − ", "−", "…", " · "

    def name(self, label):
        """A label or a number (``"-0.5"``) as this style writes a name; a label that is
        not one symbol (``y-h``) in brackets, so ∂(y-h)/∂h and 2·(y-h) read right."""
        if _NUMBER.fullmatch(label):
            return "−" + label[1:] if label.startswith("-") else label
        return label if reads_as_one_symbol(label) else f"({label})"

    def is_negative(self, written_name):
        return written_name.startswith("−")

    def negation(self, written):
        return self.negative + written

    def brackets(self, written):
        return f"({written})"

    def product(self, factors):
        joined = factors[0]
        for factor in factors[1:]:
            joined += factor if factor.startswith("(") else "·" + factor
        return joined

    def fraction(self, numerator, denominator):
        top, bottom = numerator(PRODUCT), denominator(NEGATION)
        spaced = " " in top or " " in bottom
        return f"{top} / {bottom}" if spaced else f"{top}/{bottom}"

    def power(self, base, exponent, exponent_value):
        if _small_whole(exponent_value):
            return base + str(int(exponent_value)).translate(SUPERSCRIPTS)
        return f"{base}^{{{exponent}}}"

    def call(self, function, argument):
        if function == "exp":
            return f"e^{{{argument}}}"
        symbol = {"sqrt": "√", "sigma": "σ"}.get(function, function)
        return f"{symbol}({argument})"

    def cases(self, then, test, otherwise):
        return f"{then} if {test} > 0, else {otherwise}"

    def derivative(self, numerator, denominator):
        """∂numerator/∂denominator, both names already written in this style."""
        return f"∂{numerator}/∂{denominator}"


class LatexStyle(Style):
    plus, minus, negative, ellipsis, times = " + ", " - ", "-", "\\dots", " \\cdot "

    def name(self, label):
        written = latex_name(label)
        if _NUMBER.fullmatch(label) or reads_as_one_symbol(label):
            return written
        return f"\\left({written}\\right)"

    def is_negative(self, written_name):
        return written_name.startswith("-")

    def brackets(self, written):
        return f"\\left({written}\\right)"

    def product(self, factors):
        joined = factors[0]
        for factor in factors[1:]:
            joined += factor if factor.startswith("\\left(") else " \\cdot " + factor
        return joined

    def fraction(self, numerator, denominator):
        return f"\\frac{{{numerator(CASES)}}}{{{denominator(CASES)}}}"

    def power(self, base, exponent, exponent_value):
        return f"{base}^{{{exponent}}}"

    def call(self, function, argument):
        if function == "exp":
            return f"e^{{{argument}}}"
        if function == "sqrt":
            return f"\\sqrt{{{argument}}}"
        command = {"sigma": "\\sigma", "ln": "\\ln", "tanh": "\\tanh"}[function]
        return f"{command}\\left({argument}\\right)" if len(argument) > 12 else f"{command}({argument})"

    def cases(self, then, test, otherwise):
        return (f"\\begin{{cases}} {then} & {test} > 0 \\\\ {otherwise} & "
                f"\\text{{otherwise}} \\end{{cases}}")

    def derivative(self, numerator, denominator):
        return f"\\frac{{\\partial {numerator}}}{{\\partial {denominator}}}"


class MathmlStyle(Style):
    plus, minus, negative = "<mo>+</mo>", "<mo>−</mo>", "<mo>−</mo>"
    ellipsis, times = "<mo>…</mo>", "<mo>·</mo>"
    _OPEN = "<mrow><mo>(</mo>"

    def name(self, label):
        written = mathml_name(label)
        if _NUMBER.fullmatch(label) or reads_as_one_symbol(label):
            return written
        return f"{self._OPEN}{written}<mo>)</mo></mrow>"

    def is_negative(self, written_name):
        return written_name.startswith("<mrow><mo>−</mo>")

    def negation(self, written):
        return f"<mrow><mo>−</mo>{written}</mrow>"

    def brackets(self, written):
        return f"{self._OPEN}{written}<mo>)</mo></mrow>"

    def product(self, factors):
        joined = factors[0]
        for factor in factors[1:]:
            joined += factor if factor.startswith(self._OPEN) else self.times + factor
        return f"<mrow>{joined}</mrow>"

    def fraction(self, numerator, denominator):
        return f"<mfrac><mrow>{numerator(CASES)}</mrow><mrow>{denominator(CASES)}</mrow></mfrac>"

    def power(self, base, exponent, exponent_value):
        return f"<msup><mrow>{base}</mrow><mrow>{exponent}</mrow></msup>"

    def call(self, function, argument):
        if function == "exp":
            return f"<msup><mi>e</mi><mrow>{argument}</mrow></msup>"
        if function == "sqrt":
            return f"<msqrt>{argument}</msqrt>"
        symbol = {"sigma": "σ"}.get(function, function)
        return f"<mrow><mi>{symbol}</mi>{self.brackets(argument)}</mrow>"

    def cases(self, then, test, otherwise):
        return (f"<mrow><mo>{{</mo><mtable><mtr><mtd>{then}</mtd><mtd><mrow>{test}<mo>&gt;</mo>"
                f"<mn>0</mn></mrow></mtd></mtr><mtr><mtd>{otherwise}</mtd><mtd><mtext>otherwise"
                "</mtext></mtd></mtr></mtable></mrow>")

    def derivative(self, numerator, denominator):
        return (f"<mfrac><mrow><mo>∂</mo>{numerator}</mrow>"
                f"<mrow><mo>∂</mo>{denominator}</mrow></mfrac>")


TEXT, LATEX, MATHML = Style(), LatexStyle(), MathmlStyle()

# ----- names: a node's label in LaTeX and MathML, escaped ------------------------------------

_LATEX_SPECIALS = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "$": "\\$", "&": "\\&", "#": "\\#",
    "^": "\\textasciicircum{}", "_": "\\_", "%": "\\%", "~": "\\textasciitilde{}",
}
# The symbols tracegrad itself writes in words, as LaTeX reads them in text mode.
# Every character tracegrad's own labels and words use beyond Latin-1 (nn writes λΣw², ‖V‖,
# ŷ1, ½, q¹1, L₁), as pdflatex writes it with no extra package, in text and in \\text{...}.
# One table: latex_text uses it, and latex_unicode_declarations() declares the same for text
# that reaches a document whole. Any other character beyond Latin-1 is shown as [U+XXXX]:
# pdflatex has no glyph for it, and a label must never stop the document from compiling.
LATEX_CHARACTERS = {
    "−": "-", "·": "\\textperiodcentered{}", "…": "\\ldots{}", "′": "\\ensuremath{'}",
    "→": "\\ensuremath{\\to}", "←": "\\ensuremath{\\leftarrow}", "×": "\\ensuremath{\\times}",
    "÷": "\\ensuremath{\\div}", "√": "\\ensuremath{\\surd}", "∂": "\\ensuremath{\\partial}",
    "∇": "\\ensuremath{\\nabla}", "‖": "\\ensuremath{\\|}", "½": "\\ensuremath{\\tfrac12}",
    "ŷ": "\\^{y}", "≤": "\\ensuremath{\\le}", "≥": "\\ensuremath{\\ge}", "±": "\\ensuremath{\\pm}",
    **{greek: f"\\ensuremath{{\\{name}}}" for greek, name in zip(
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
        ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
         "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"])},
    **{superscript: f"\\textsuperscript{{{digit}}}" for digit, superscript in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    **{subscript: f"\\textsubscript{{{digit}}}" for digit, subscript in enumerate("₀₁₂₃₄₅₆₇₈₉")},
}


def latex_unicode_declarations():
    """``\\DeclareUnicodeCharacter`` lines for ``LATEX_CHARACTERS`` (a preamble's part)."""
    return "".join(f"\\DeclareUnicodeCharacter{{{ord(character):04X}}}{{{written}}}\n"
                   for character, written in LATEX_CHARACTERS.items() if ord(character) > 0xFF)
# Brackets that already make a label one symbol: ‖V‖, (a+b), [x].
_CLOSING = {"(": ")", "[": "]", "‖": "‖", "|": "|"}


def reads_as_one_symbol(label):
    """Whether a label reads as one symbol in a formula: letters and digits (w11, q¹1, Σw²,
    b_v) or a label closed by a pair of brackets (‖V‖); ``y-h`` or ``a b`` do not."""
    if label.replace("_", "").isalnum():
        return True
    return len(label) > 1 and _CLOSING.get(label[0]) == label[-1]


_NUMBER = re.compile(r"[-−]?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?")
_SUBSCRIPTED = re.compile(r"([A-Za-z])([A-Za-z]?)_?([0-9]+)")
_GREEK = {"σ": ("\\sigma", "σ"), "η": ("\\eta", "η"), "θ": ("\\theta", "θ"), "λ": ("\\lambda", "λ")}


def latex_text(text):
    """``text`` safe inside LaTeX's ``\\text{...}`` and in running text: every special character literal.

    A backslash can never start a command, so a hostile label cannot ``\\input`` a
    file or ``\\write18`` a shell command. Control characters are shown escaped.
    """
    parts = []
    for character in text:
        if character in _LATEX_SPECIALS:
            parts.append(_LATEX_SPECIALS[character])
        elif character in LATEX_CHARACTERS:
            parts.append(LATEX_CHARACTERS[character])
        elif not character.isprintable():
            parts.append(f"\\textbackslash{{}}x{ord(character):02x}")
        elif ord(character) > 0xFF:
            parts.append(f"[U+{ord(character):04X}]")
        else:
            parts.append(character)
    return "".join(parts)


def _parts_of_name(label):
    """(letters, subscript) of a name like ``w11`` or ``q_1``, or None."""
    found = _SUBSCRIPTED.fullmatch(label)
    if found:
        return found.group(1) + found.group(2), found.group(3)
    if len(label) == 1 and label.isascii() and label.isalpha():
        return label, ""
    return None


def latex_name(label):
    """A label (or a number) in LaTeX math: ``q1`` → ``q_{1}``, ``w11`` → ``w_{11}``, ``σ`` → ``\\sigma``.

    Any other label is written as escaped text.

    >>> latex_name("w11"), latex_name("-0.5"), latex_name("a\\\\input{x}")
    ('w_{11}', '-0.5', '\\\\text{a\\\\textbackslash{}input\\\\{x\\\\}}')
    """
    if _NUMBER.fullmatch(label):
        return label.replace("−", "-")
    parts = _parts_of_name(label)
    if parts:
        letters, subscript = parts
        return f"{letters}_{{{subscript}}}" if subscript else letters
    if label in _GREEK:
        return _GREEK[label][0]
    return f"\\text{{{latex_text(label)}}}"


def mathml_text(text):
    """``text`` safe as MathML element content: markup characters escaped, control characters shown."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return html.escape(shown, quote=True)


def mathml_name(label):
    """A label (or a number) in MathML: ``w11`` → ``<msub><mi>w</mi><mn>11</mn></msub>``."""
    if _NUMBER.fullmatch(label):
        if label[0] in "-−":
            return f"<mrow><mo>−</mo><mn>{label[1:]}</mn></mrow>"
        return f"<mn>{label}</mn>"
    parts = _parts_of_name(label)
    if parts:
        letters, subscript = parts
        symbol = f"<mi>{letters}</mi>"
        return f"<msub>{symbol}<mn>{subscript}</mn></msub>" if subscript else symbol
    if label in _GREEK:
        return f"<mi>{_GREEK[label][1]}</mi>"
    return f"<mtext>{mathml_text(label)}</mtext>"
