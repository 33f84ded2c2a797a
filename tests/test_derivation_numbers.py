"""Every formula the derivations show is the number the engine computed: the line in the
nodes' names, evaluated with their exact values, and the line with the printed numbers put in,
evaluated as written, both give each path's product and the gradient."""

import math
import re

import pytest

from nn.examples import worked_example
from visualize.explain import explain


def as_python(line):
    """A right-hand side of ``Explanation.derivation()`` as a Python expression."""
    line = line.replace("−", "-").replace(" · ", "*").replace("·", "*").replace("²", "**2")
    line = line.replace("e^{", "exp(").replace("^{", "**(").replace("}", ")").replace("σ(", "sigma(")
    # Juxtaposition is multiplication: e^{z1}(...), σ(q1)(1 − σ(q1)).
    return re.sub(r"([\w.)])\(", lambda m: m.group(0) if m.group(1).isalpha() else m.group(1) + "*(", line)


def evaluate(line, names=None):
    functions = {"exp": math.exp, "sigma": lambda v: 1.0 / (1.0 + math.exp(-v))}
    return eval(as_python(line), {"__builtins__": {}}, {**functions, **(names or {})})


def right_sides(derivation):
    return [line.split(" = ", 1)[1] if " = " in line else None for line in derivation.splitlines()]


@pytest.fixture(scope="module")
def example():
    return worked_example()


def test_the_python_reading_of_a_line_is_faithful():
    assert as_python("−1/p1 · e^{z1}(e^{z2} + e^{z3})") == "-1/p1*exp(z1)*(exp(z2) + exp(z3))"
    assert as_python("σ(q1)(1 − σ(q1))") == "sigma(q1)*(1 - sigma(q1))"


@pytest.mark.parametrize("weight", ["w11", "v11"])
def test_each_shown_line_evaluates_to_the_engine_numbers(example, weight):
    node = example.nodes()[weight]
    explanation = explain(example.loss, node)
    values = {name: value.data for name, value in example.nodes().items()}
    sides = right_sides(explanation.derivation())
    formula_lines = sides[1::3] if len(explanation.paths) == 1 else sides[3:-2][0::3]
    number_lines = sides[2::3] if len(explanation.paths) == 1 else sides[3:-2][1::3]
    assert len(formula_lines) == len(number_lines) == len(explanation.paths)
    for path, formulas, numbers in zip(explanation.paths, formula_lines, number_lines):
        assert evaluate(formulas, values) == pytest.approx(path.product, rel=1e-12)
        # The printed numbers are rounded to 4 decimals, so the line is close, not exact.
        assert evaluate(numbers) == pytest.approx(path.product, rel=2e-3)
    grad = example.gradients()[weight]
    assert sum(path.product for path in explanation.paths) == pytest.approx(grad, rel=1e-12)
    assert float(sides[-1].replace("−", "-")) == pytest.approx(grad, abs=5e-5)


def test_every_factor_formula_is_the_local_derivative_on_its_edge(example):
    from visualize.derivation import local_formula

    for weight in ("w11", "v11", "v32", "w23"):
        for path in explain(example.loss, example.nodes()[weight]).paths:
            for factor, steps in zip(path.factors, path.steps):
                product = 1.0
                for node, position in steps:
                    inputs = [source.data for source in node.inputs]
                    product *= local_formula(node, position).evaluate(inputs, node.data)
                assert product == pytest.approx(factor.local_derivative, rel=1e-12)
