"""Constants: numbers that take part in a computation but are never differentiated."""

import pytest

import autograd
from autograd import Constant, Value, grad


def test_a_plain_number_in_an_expression_becomes_a_constant():
    x = Value(3.0, label="x")
    y = 1 - x
    one, same = y.inputs
    assert isinstance(one, Constant) and one.is_constant and one.data == 1.0
    assert same is x and not x.is_constant


def test_a_constant_gets_no_gradient_and_no_local_derivative():
    x = Value(3.0, label="x")
    label = Constant(2.0, label="y")
    out = label * x
    assert out.local_derivatives == (None, 2.0)
    out.backward()
    assert (label.grad, x.grad) == (0.0, 2.0)
    assert grad(out, [label, x]) == [0.0, 2.0]


def test_operations_on_constants_alone_give_a_constant_and_record_nothing():
    a, b = Constant(2.0), Constant(5.0)
    folded = (a * b).exp()
    assert isinstance(folded, Constant) and folded.is_leaf
    assert folded.data == pytest.approx(22026.465794806718)


def test_backward_from_a_constant_changes_nothing():
    c = Constant(4.0)
    c.backward()
    assert c.grad == 0.0
    assert list(autograd.backward_steps(c)) == []


def test_steps_skip_constants():
    x = Value(0.5, label="x")
    out = (2 * x + 1).tanh()
    stepped = [step.node for step in autograd.backward_steps(out)]
    assert not any(node.is_constant for node in stepped)
    assert stepped[-1] is x
    receivers = [c.input for step in autograd.backward_steps(out) for c in step.contributions]
    assert not any(node.is_constant for node in receivers)


def test_no_derivative_toward_a_constant_base_or_exponent_is_formed():
    # d(0^y)/d(base) would be infinite for y < 1; nothing can need it, so it is not refused.
    y = Value(0.5, label="y")
    out = 0.0**y
    assert out.data == 0.0 and out.inputs == (y,)
    out.backward()
    assert y.grad == 0.0
    t = Value(2.0, label="t")
    assert (2**t).local_derivatives == (pytest.approx(4.0 * 0.6931471805599453),)


def test_zero_to_the_zero_has_a_defined_derivative():
    base, exponent = Value(0.0, label="b"), Value(0.0, label="e")
    out = base**exponent
    assert out.data == 1.0
    assert out.local_derivatives == (0.0, 0.0)


def test_a_negative_number_base_with_a_value_exponent_is_refused_by_name():
    y = Value(2.0, label="y")
    with pytest.raises(autograd.UndefinedOperationError, match=r"pow: .*base -2.0.*'y'"):
        (-2.0) ** y


def test_an_infinite_derivative_toward_a_constant_label_is_never_checked():
    p = Value(0.0, label="p2")
    loss = autograd.negative_log_likelihood([Value(1.0, label="p1"), p], [1.0, 0.0])
    assert loss.data == 0.0
    assert loss.local_derivatives[:2] == (-1.0, 0.0)
    # As a Value the weight's derivative −ln 0 is infinite, so it is refused.
    with pytest.raises(autograd.NumericOverflowError, match="cross_entropy"):
        autograd.negative_log_likelihood([Value(1.0), p], [Value(1.0), Value(0.0, label="y2")])


def test_detach_keeps_the_kind_of_node():
    assert isinstance(Constant(1.5, label="c").detach(), Constant)
    assert type(Value(1.5).detach()) is Value


def test_repr_says_constant():
    assert repr(Constant(2.0)) == "Constant(2.0)"
    assert repr(Constant(1.0, label="y1")) == "Constant(1.0, label='y1')"
