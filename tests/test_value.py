"""The ``Value`` node and its public graph API."""

import copy
import pickle
import traceback

import pytest

import autograd
from autograd import Value


def test_a_leaf_holds_data_label_and_zero_grad():
    x = Value(2, label="x")
    assert (x.data, x.grad, x.label, x.op) == (2.0, 0.0, "x", None)
    assert x.is_leaf and x.inputs == () and x.edges == ()


def test_an_operation_records_op_inputs_in_order_and_local_derivatives():
    x, y = Value(2.0, label="x"), Value(5.0, label="y")
    out = x * y
    assert out.op.name == "mul"
    assert out.inputs == (x, y)
    assert out.local_derivatives == (5.0, 2.0)
    assert out.edges == ((x, 5.0), (y, 2.0))


def test_reflected_operators_with_plain_numbers():
    x = Value(4.0)
    assert (2 * x).data == 8.0
    assert (1 - x).data == -3.0
    assert (1 / x).data == 0.25
    assert (2**x).data == 16.0
    assert (3 + x).data == 7.0
    assert (-x).data == -4.0


def test_a_plain_number_operand_becomes_a_constant_leaf():
    x = Value(4.0)
    out = 2 * x
    constant, same = out.inputs
    assert constant.is_leaf and constant.data == 2.0 and same is x


def test_a_number_exponent_is_part_of_the_operation_a_value_exponent_is_an_input():
    x = Value(3.0)
    squared = x**2
    assert squared.inputs == (x,) and squared.op.symbol == "^2"
    exponent = Value(2.0)
    powered = x**exponent
    assert powered.inputs == (x, exponent)


def test_dot_and_sum_are_single_nodes():
    w = [Value(1.0), Value(2.0)]
    x = [Value(3.0), Value(4.0)]
    b = Value(0.5)
    node = autograd.dot(w, x, b)
    assert node.data == 11.5
    assert node.inputs == (*w, *x, b)
    assert node.local_derivatives == (3.0, 4.0, 1.0, 2.0, 1.0)
    total = autograd.sum_values(x + w)
    assert total.data == 10.0 and len(total.inputs) == 4


def test_comparisons_look_at_data_and_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a < 2 and b >= a and a <= b and not a > b
    assert a != b and len({a, b}) == 2


def test_float_format_and_repr():
    x = Value(0.58543, label="h1")
    assert float(x) == 0.58543
    assert f"{x:.2f}" == "0.59"
    assert repr(x) == "Value(data=0.58543, grad=0, label='h1')"


def test_labels_are_strings():
    assert Value(1.0, label=3).label == "3"
    with pytest.raises(TypeError, match="label 'w'"):
        Value("x", label="w")


def test_numbers_beyond_a_float_are_refused_like_any_non_number():
    with pytest.raises(TypeError, match="within the range of a 64-bit float.*which is beyond it .label .w."):
        Value(10**400, label="w")
    with pytest.raises(TypeError, match=r"^add: .*which is beyond it"):
        Value(1.0) + 10**400
    with pytest.raises(TypeError, match="an integer of about 100000 digits"):
        Value(10**100000)


@pytest.mark.parametrize("bad", ["abc", 1 + 2j, None, True, 10**400])
def test_assigning_data_checks_it_like_the_constructor(bad):
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match="label 'x'"):
        x.data = bad
    assert x.data == 1.0


def test_assigning_a_real_number_converts_it_to_float():
    x = Value(1.0)
    x.data = 3
    assert x.data == 3.0 and type(x.data) is float


def test_operators_read_as_methods_of_value_in_tracebacks_help_and_pickle():
    x = Value(0.0, label="x")
    assert Value.__add__.__qualname__ == "Value.__add__"
    assert Value.__rsub__.__module__ == "autograd.value"
    # A bound operator survives copy and pickle, as a method does.
    assert pickle.loads(pickle.dumps(x.__radd__))(2.0).data == 2.0
    assert copy.copy(x.__mul__)(3.0).data == 0.0
    with pytest.raises(autograd.UndefinedOperationError) as caught:
        1 - x.log()
    frames = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert frames[-1] == "log"
    with pytest.raises(TypeError) as caught:
        "a" - x
    frames = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert frames[1:3] == ["__rsub__", "sub"]
