"""The mistakes students make in backprop, each as the number it would give.

For an exercise, every function here lists ``Mistake`` s: a name, a sentence
saying what went wrong (with the formula of the factor concerned) and the value
a student making that mistake would get. ``Exercise.check`` compares a wrong
answer with these values to say which mistake it most likely was.

The values come from the graph itself: the paths and factors of
``visualize.explain`` for a gradient (a path left out, a factor left out, a
sign flipped, the wrong softmax term), the stored local derivatives for a
local derivative, the op's inputs for a forward value. Nothing is
differentiated here.
"""

import math
from typing import NamedTuple

from autograd.formulas import TEXT

from visualize import derivation
from visualize.tables import format_number, grouped

MISSING_PATH = "missing path"
SIGN_ERROR = "sign error"
FACTOR_LEFT_OUT = "factor left out"
UPSTREAM_DROPPED = "upstream gradient dropped"
SOFTMAX_TERM = "wrong softmax term"
ACTIVATION_LEFT_OUT = "activation left out"
TERM_LEFT_OUT = "term left out"
NOT_NORMALISED = "softmax not normalised"
WRONG_CLASS = "wrong class"
NOT_SQUARED = "square left out"
POWER_LEFT_OUT = "power left out"
VALUE_NOT_DERIVATIVE = "value instead of derivative"
OTHER_INPUT = "derivative for another input"
LEARNING_RATE_FORGOTTEN = "learning rate forgotten"
GRADIENT_NOT_WEIGHT = "gradient instead of updated weight"

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")


class Mistake(NamedTuple):
    """One way to get an exercise wrong: its ``name``, what went wrong in ``words``, its ``value``."""

    name: str
    words: str
    value: float


# An answer to ``decimals`` decimals counts as right within one unit of its last digit, or
# 5 units per 10,000 of its size when that is more: hand arithmetic on factors rounded to
# those decimals lands inside (−2.8995·0.2259·0.5854 = −0.38343 for −0.38352), a forgotten
# factor, a sign or a missing path does not. Predict mode and exercises both grade by it.
def absolute_tolerance(decimals):
    return 10.0 ** -decimals


def relative_tolerance(decimals):
    return 5.0 * 10.0 ** -decimals


def answer_tolerance(value, decimals):
    """How far an answer given to ``decimals`` decimals may be from ``value`` and still be it."""
    return max(absolute_tolerance(decimals), relative_tolerance(decimals) * abs(value))


def number_text(value, digits):
    """A number as the words show it: the slides' digits, a true minus sign."""
    return TEXT.name(format_number(value, digits))


def _name(node):
    return grouped(node.label) if node.label is not None else "the node"


def _symbol(numerator, denominator):
    return f"∂{_name(numerator)}/∂{_name(denominator)}"


def softmax_index(node):
    """Which p_i a softmax node is: the input its operation picks (read, never guessed from
    the numbers: a saturated softmax has no positive local derivative left)."""
    return node.op.position


def _softmax_probabilities(node):
    logits = [source.data for source in node.inputs]
    largest = max(logits)
    exponentials = [math.exp(z - largest) for z in logits]
    total = sum(exponentials)
    return [e / total for e in exponentials]


def _softmax_alternative(node, position, digits):
    """(wrong value, words) for ∂p_i/∂z_k written with the other case of the softmax derivative."""
    i = softmax_index(node)
    p = _softmax_probabilities(node)
    zi, zk = node.inputs[i], node.inputs[position]
    symbol = _symbol(node, zk)
    pi, pk = f"p{i + 1}", f"p{position + 1}"
    if position == i:
        right = p[i] * (1.0 - p[i])
        return -p[i] * p[i], (
            f"{symbol} is the diagonal term {pi}(1 − {pi}) = {number_text(right, digits)} "
            f"(z{i + 1} is the logit of {_name(node)} itself); you used the off-diagonal −{pi}·{pi}"
        )
    right = -p[i] * p[position]
    return p[i] * (1.0 - p[i]), (
        f"{symbol} is the off-diagonal term −{pi}·{pk} = {number_text(right, digits)} "
        f"({_name(zk)} is another class's logit than {_name(zi)}); you used the diagonal {pi}(1 − {pi})"
    )


# ----- a gradient of the root ---------------------------------------------------------------------


def _through(path, paths):
    """The node that tells ``path`` apart from the others (z2 on the v11 path through z2)."""
    shared = set.intersection(*({f.numerator for f in other.factors} for other in paths))
    for factor in path.factors:
        if factor.numerator not in shared:
            return _name(factor.numerator)
    return _name(path.factors[0].numerator)


def _distinct_factors(paths):
    """Every factor of the paths once, root first: {(numerator, denominator): (factor, steps)}."""
    found = {}
    for path in paths:
        for factor, steps in zip(path.factors, path.steps):
            found.setdefault((factor.numerator, factor.denominator), (factor, steps))
    return found


def _keys(path):
    return {(f.numerator, f.denominator) for f in path.factors}


def _replaced(paths, key, replacement):
    """The sum over paths with the factor ``key`` replaced by ``replacement`` where it occurs."""
    total = 0.0
    for path in paths:
        if key in _keys(path):
            local = next(f.local_derivative for f in path.factors if (f.numerator, f.denominator) == key)
            total += path.product / local * replacement
        else:
            total += path.product
    return total


def gradient_mistakes(explanation, digits):
    """The usual mistakes in d root / d node, from ``explain(root, node)``'s paths."""
    total, paths = explanation.total, explanation.paths
    whole = _symbol(explanation.root, explanation.node)
    # The words never give the answer away: a sign error names no number.
    mistakes = [Mistake(SIGN_ERROR, f"the sign of {whole} is flipped; check the minus signs of its "
                                    "factors", -total)]
    if not paths or explanation.omitted_count or explanation.node is explanation.root:
        return mistakes
    count = len(paths)
    if count > 1:
        for path in paths:
            through = _through(path, paths)
            mistakes.append(Mistake(
                MISSING_PATH,
                f"only the path through {through} is summed, one of the {count} paths from "
                f"{_name(explanation.node)} to {_name(explanation.root)}; {whole} adds all of them",
                path.product))
            if count > 2:
                mistakes.append(Mistake(
                    MISSING_PATH,
                    f"the path through {through} is left out; {whole} adds all {count} paths",
                    total - path.product))
    for key, (factor, steps) in _distinct_factors(paths).items():
        if factor.local_derivative == 0.0:
            continue
        numerator, denominator = key
        formula = derivation.factor_formula(steps, TEXT, _name, first=True)
        number = number_text(factor.local_derivative, digits)
        symbol = _symbol(numerator, denominator)
        if numerator is explanation.root:
            words = f"the upstream gradient {symbol} = {formula} = {number} was dropped"
        elif numerator.op is not None and numerator.op.name == "sigmoid":
            words = f"σ' was left out: {symbol} = {formula} = {number}"
        else:
            words = f"the factor {symbol} = {formula} = {number} was left out"
        mistakes.append(Mistake(FACTOR_LEFT_OUT, words, _replaced(paths, key, 1.0)))
        if len(steps) == 1 and numerator.op is not None and numerator.op.name == "softmax":
            position = numerator.inputs.index(denominator)
            wrong, words = _softmax_alternative(numerator, position, digits)
            mistakes.append(Mistake(SOFTMAX_TERM, words, _replaced(paths, key, wrong)))
    lasts = {(p.factors[-1].numerator, p.factors[-1].denominator) for p in paths}
    if len(lasts) == 1 and len(paths[0].factors) > 1:
        last = paths[0].factors[-1]
        upstream = total / last.local_derivative if last.local_derivative else math.nan
        formula = derivation.factor_formula(paths[0].steps[-1], TEXT, _name, first=True)
        mistakes.append(Mistake(
            UPSTREAM_DROPPED,
            f"that is only the local derivative {_symbol(last.numerator, last.denominator)} = {formula}; "
            f"multiply it by the upstream gradient {_symbol(explanation.root, last.numerator)} = "
            f"{number_text(upstream, digits)}",
            last.local_derivative))
    return mistakes


# ----- a forward value ------------------------------------------------------------------------------


def forward_mistakes(node, digits):
    """The usual mistakes in computing ``node`` from its inputs."""
    value, name = node.data, _name(node)
    mistakes = [Mistake(SIGN_ERROR, f"the sign of {name} is flipped", -value)]
    op, inputs = node.op.name, node.inputs
    if op in ACTIVATIONS and len(inputs) == 1:
        source = _name(inputs[0])
        mistakes.append(Mistake(ACTIVATION_LEFT_OUT,
                                f"that is {source} itself; {name} = {node.op.symbol}({source}) applies "
                                "the activation to it", inputs[0].data))
        if op == "sigmoid":
            mistakes.append(Mistake(SIGN_ERROR, f"that is 1/(1 + e^{{{source}}}); σ({source}) = "
                                                f"1/(1 + e^{{−{source}}}) has a minus in the exponent",
                                    1.0 - value))
    elif op == "dot":
        count = len(inputs) // 2
        terms = [(f"{_name(inputs[k])}·{_name(inputs[count + k])}", inputs[k].data * inputs[count + k].data)
                 for k in range(count)]
        if len(inputs) % 2:
            terms.append((_name(inputs[-1]), inputs[-1].data))
        mistakes += _terms_left_out(name, terms, value, digits)
    elif op in ("sum", "add"):
        mistakes += _terms_left_out(name, [(_name(s), s.data) for s in inputs], value, digits)
    elif op == "softmax":
        i = softmax_index(node)
        p = _softmax_probabilities(node)
        logit = _name(inputs[i])
        mistakes.append(Mistake(NOT_NORMALISED, f"that is e^{{{logit}}} alone; {name} divides it by the "
                                                "sum of e^z over all classes", math.exp(inputs[i].data)))
        for j, probability in enumerate(p):
            if j != i:
                mistakes.append(Mistake(SOFTMAX_TERM, f"that is e^{{{_name(inputs[j])}}}/Σ e^z, another "
                                                      f"class; {name} has e^{{{logit}}} on top", probability))
    elif op == "cross_entropy":
        count = len(inputs) // 2
        for k in range(count):
            if inputs[count + k].data == 0.0 and inputs[k].data > 0.0:
                mistakes.append(Mistake(WRONG_CLASS, f"that is −ln {_name(inputs[k])}, a class whose label "
                                                     f"is 0; L = −Σ y ln p keeps the labelled class",
                                        -math.log(inputs[k].data)))
    elif op == "pow" and len(inputs) == 1 and node.op.formulas(1) is not None:
        # Worded from the op table's formula: x² is squared, x³ and 2^{y} are powers.
        source = _name(inputs[0])
        written = node.op.formulas(1).out.text([source])
        kind = NOT_SQUARED if written == f"{source}²" else POWER_LEFT_OUT
        mistakes.append(Mistake(kind, f"that is {source} itself; {name} = {written}", inputs[0].data))
    return mistakes


def _terms_left_out(name, terms, value, digits):
    return [Mistake(TERM_LEFT_OUT, f"the term {text} = {number_text(term, digits)} is left out of {name}",
                    value - term)
            for text, term in terms if len(terms) > 1]


# ----- a local derivative -----------------------------------------------------------------------------


def local_mistakes(node, position, digits):
    """The usual mistakes in ∂node/∂(its input at ``position``)."""
    source = node.inputs[position]
    local = node.edges[position][1]
    symbol = _symbol(node, source)
    formula = derivation.local_formula(node, position)
    written = formula.text([_name(s) for s in node.inputs], _name(node)) if formula else number_text(local, digits)
    mistakes = [
        Mistake(SIGN_ERROR, f"the sign is flipped: {symbol} = {written}", -local),
        Mistake(VALUE_NOT_DERIVATIVE, f"that is the value of {_name(node)}, not its derivative "
                                      f"{symbol} = {written}", node.data),
    ]
    for other, (input_node, other_local) in enumerate(node.edges):
        if other != position and other_local is not None and input_node is not source:
            mistakes.append(Mistake(OTHER_INPUT, f"that is {_symbol(node, input_node)}, the derivative "
                                                 f"for another input; {symbol} = {written}", other_local))
    if node.op.name == "softmax":
        wrong, words = _softmax_alternative(node, position, digits)
        mistakes.append(Mistake(SOFTMAX_TERM, words, wrong))
    return mistakes


# ----- the weight after one step ----------------------------------------------------------------------


def update_mistakes(parameter, explanation, learning_rate, digits):
    """The usual mistakes in θ − η ∂L/∂θ, a wrong gradient's among them."""
    theta, gradient, eta = parameter.data, explanation.total, learning_rate
    name = _name(parameter)
    rule = f"{name} − η·∂L/∂{name}"
    mistakes = [
        Mistake(SIGN_ERROR, f"the step was added; gradient descent subtracts it: {rule}", theta + eta * gradient),
        Mistake(LEARNING_RATE_FORGOTTEN, f"the learning rate η = {eta:g} is missing: {rule}", theta - gradient),
        Mistake(GRADIENT_NOT_WEIGHT, f"that is the gradient ∂L/∂{name}; the updated weight is {rule}", gradient),
    ]
    for mistake in gradient_mistakes(explanation, digits)[1:]:
        mistakes.append(Mistake(mistake.name, f"the gradient in the step is wrong: {mistake.words}",
                                theta - eta * mistake.value))
    return mistakes
