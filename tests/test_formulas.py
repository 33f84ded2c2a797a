"""Every operation carries its local derivatives as formulas, and each formula is the number the
engine computes: evaluated on random inputs, it equals the stored local derivative and the
central difference of the operation's forward rule."""

import math

import pytest
from hypothesis import given, settings

import autograd
from autograd import Value, formulas, ops
from op_cases import OP_CASES, central_difference, close, inputs_for


def _forward(op, point):
    return op.forward(point) if op.variadic else op.forward(*point)


@pytest.mark.parametrize("case", OP_CASES, ids=lambda case: case.name)
def test_every_formula_equals_the_local_derivative_it_describes(case):
    @settings(max_examples=30, deadline=None)
    @given(inputs_for(case))
    def check(point):
        out = case.ours(*(Value(v) for v in point))
        datas = [source.data for source in out.inputs]
        table = out.op.formulas(len(datas))
        assert len(table.local) == len(datas) == len(table.names)
        assert close(table.out.evaluate(datas), out.data, 1e-9)
        for position, (formula, stored) in enumerate(zip(table.local, out.local_derivatives)):
            value = formula.evaluate(datas, out.data)
            numeric = central_difference(lambda p: _forward(out.op, p), datas, position)
            assert close(value, numeric, 1e-4), (case.name, point, position)
            if stored is not None:
                assert close(value, stored, 1e-9), (case.name, point, position)

    check()


def _table_ops():
    made = [op for op in vars(ops).values() if isinstance(op, autograd.Op)]
    made += [ops.power_op(2.5), ops.exponential_op(3.0), ops.leaky_relu_op(0.1), ops.elu_op(1.0),
             ops.softmax_op(0), ops.log_softmax_op(1)]
    return made


@pytest.mark.parametrize("op", _table_ops(), ids=repr)
def test_every_entry_of_the_table_has_formulas(op):
    arity = 4 if op.variadic else (1 if op.name not in ("add", "sub", "mul", "div") else 2)
    if op is ops.POW:
        arity = 2
    table = op.formulas(arity)
    assert isinstance(table.out, formulas.Expression)
    assert len(table.local) == arity
    assert all(isinstance(formula, formulas.Expression) for formula in table.local)
    assert all(formula.text(table.names) for formula in table.local)


def _local_text(node, position, style="text"):
    formula = node.op.formulas(len(node.inputs)).local[position]
    return getattr(formula, style)([source.label for source in node.inputs])


def test_the_slides_derivatives_speak_in_the_nodes_names():
    q1 = Value(0.3451, label="q1")
    h1 = q1.sigmoid()
    assert _local_text(h1, 0) == "σ(q1)(1 − σ(q1))"
    assert _local_text(h1, 0, "latex") == r"\sigma(q_{1})\left(1 - \sigma(q_{1})\right)"
    z = [Value(v, label=f"z{k}") for k, v in enumerate((0.6969, 0.7510, 0.5272), 1)]
    p1 = autograd.softmax(z)[0]
    p1.label = "p1"
    assert _local_text(p1, 0) == "e^{z1}(e^{z2} + e^{z3}) / (e^{z1} + e^{z2} + e^{z3})²"
    assert _local_text(p1, 1) == "−e^{z1}·e^{z2} / (e^{z1} + e^{z2} + e^{z3})²"
    loss = autograd.negative_log_likelihood([p1], [Value(1.0, label="y1")])
    assert _local_text(loss, 0) == "−y1/p1"
    assert _local_text(loss, 0, "latex") == r"-\frac{y_{1}}{p_{1}}"
    w11, w21, h2 = Value(0.4901, label="w11"), Value(0.6323, label="w21"), Value(0.6485, label="h2")
    z1 = autograd.dot([w11, w21], [h1, h2])
    h1.label = "h1"
    assert _local_text(z1, 0) == "h1"


def test_formulas_substitute_constants_and_write_numbers():
    p, y = formulas.Input(0), formulas.Input(1)
    toward_p = -y / p
    assert toward_p.substitute({1: 1.0}).text(["p1", "y1"]) == "−1/p1"
    assert toward_p.substitute({1: 0.0}).text(["p1", "y1"]) == "0"
    x = formulas.Input(0)
    assert (formulas.sigma(x) * (1 - formulas.sigma(x))).text(["-0.5"]) == "σ(−0.5)(1 − σ(−0.5))"
    assert (x * 3).text(["-2"]) == "−2·3"
    assert (3 * x).text(["-2"]) == "3(−2)"
    assert (x ** 2).text(["q1"]) == "q1²"
    assert math.isclose((x ** 2).evaluate([3.0]), 9.0)


def test_mathml_formulas_escape_labels():
    written = (formulas.Input(0) * 2).mathml(["<script>&"])
    assert "<script>" not in written and "&lt;script&gt;&amp;" in written


@pytest.mark.parametrize("x, y", [(0.0, 2.0), (0.0, 3.0), (2.0, 0.0)])
def test_the_power_formulas_hold_where_the_rule_takes_a_branch(x, y):
    # At x = 0, ∂(x^y)/∂y is 0 by the rule, where x^y·ln x has no value: the formula says so too.
    base, exponent = Value(x, label="x"), Value(y, label="y")
    out = base ** exponent
    table = out.op.formulas(2)
    for formula, local in zip(table.local, out.local_derivatives):
        assert formula.evaluate([x, y], out.data) == pytest.approx(local)


def test_a_base_before_its_exponent_on_the_page():
    from visualize.lecture import forward_lines

    y = Value(1.5, label="y")
    out = 2 ** y
    assert forward_lines(out, {y: "y", out: "out"}, 4)[:2] == ["out = 2^{y}", "= 2^{1.5000}"]


def test_a_negative_number_in_a_sum_is_subtracted():
    table = (Value(1.5, label="x") ** Value(2.0, label="y")).op.formulas(2)
    assert "y − 1" in table.local[0].text(["x", "y"])
    assert "y - 1" in table.local[0].latex(["x", "y"]) and "+ -1" not in table.local[0].latex(["x", "y"])
