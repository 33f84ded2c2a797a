"""Bad input gets a clear error of tracegrad's own, never a complex, NaN or infinite number."""

import math

import pytest

import autograd
from autograd import (
    DivisionByZeroError,
    NumericOverflowError,
    TracegradError,
    UndefinedOperationError,
    Value,
)


@pytest.mark.parametrize(
    "data, type_name",
    [("abc", "str"), (None, "NoneType"), (1 + 2j, "complex"), ([1.0], "list"), (True, "bool")],
)
def test_value_rejects_what_is_not_a_real_number(data, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(data)


def test_value_accepts_ints_and_float_subclasses():
    assert Value(3).data == 3.0 and type(Value(3).data) is float


def test_an_operand_that_is_not_a_number_names_the_operation():
    with pytest.raises(TypeError, match="mul.*str"):
        Value(1.0) * "2"


CASES = [
    ("log(0)", lambda x: x.log(), 0.0, UndefinedOperationError, ValueError, "log"),
    ("log(-1)", lambda x: x.log(), -1.0, UndefinedOperationError, ValueError, "log"),
    ("sqrt(-1)", lambda x: x.sqrt(), -1.0, UndefinedOperationError, ValueError, "sqrt"),
    ("0 ** -1", lambda x: x**-1, 0.0, DivisionByZeroError, ZeroDivisionError, "pow"),
    ("x / 0", lambda x: x / 0, 5.0, DivisionByZeroError, ZeroDivisionError, "div"),
    ("(-8) ** (1/3)", lambda x: x ** (1 / 3), -8.0, UndefinedOperationError, ValueError, "pow"),
    ("exp(1000)", lambda x: x.exp(), 1000.0, NumericOverflowError, OverflowError, "exp"),
    ("x ** 1000", lambda x: x**1000, 1e10, NumericOverflowError, OverflowError, "pow"),
    ("x * x", lambda x: x * x, 1e200, NumericOverflowError, OverflowError, "mul"),
    ("sqrt(0)", lambda x: x.sqrt(), 0.0, DivisionByZeroError, ZeroDivisionError, "derivative"),
    ("(-2) ** y", lambda x: x ** Value(2.0), -2.0, UndefinedOperationError, ValueError, "pow"),
]


@pytest.mark.parametrize(
    "call, operation, operand, ours, builtin, mentions",
    CASES,
    ids=[case[0] for case in CASES],
)
def test_undefined_operations_raise_our_error_naming_operation_operand_and_label(
    call, operation, operand, ours, builtin, mentions
):
    x = Value(operand, label="my_input")
    with pytest.raises(ours) as raised:
        operation(x)
    error = raised.value
    assert isinstance(error, builtin) and isinstance(error, TracegradError)
    message = str(error)
    assert mentions in message
    assert "'my_input'" in message
    assert repr(operand) in message


def test_unlabelled_operands_are_said_to_be_unlabelled():
    with pytest.raises(UndefinedOperationError, match="unlabelled"):
        Value(-1.0).log()


def test_relu_does_not_hide_nan():
    assert math.isnan(Value(math.nan).relu().data)


def test_nan_input_propagates_but_a_nan_gradient_from_it_is_reported():
    x = Value(math.nan, label="missing")
    w = Value(2.0, label="w")
    out = w * x
    assert math.isnan(out.data)
    with pytest.raises(NumericOverflowError, match="'w'"):
        out.backward()


def test_errors_inside_no_grad_are_the_same():
    with autograd.no_grad(), pytest.raises(UndefinedOperationError, match="log"):
        Value(-1.0).log()


def test_empty_sum_and_mismatched_dot_are_errors():
    with pytest.raises(ValueError, match="sum"):
        autograd.sum_values([])
    with pytest.raises(ValueError, match="dot: 2 weights but 1 inputs"):
        autograd.dot([Value(1.0), Value(2.0)], [Value(3.0)])


def test_an_unlabelled_node_with_an_overflowing_gradient_is_described_by_its_operation():
    a, b = Value(1e300), Value(1e-300)
    product = a * b
    with pytest.raises(NumericOverflowError, match="an unlabelled node \\(a leaf, data = 1e-300\\)"):
        (product * a).backward()


@pytest.mark.parametrize("seed, error", [("1", TypeError), (math.nan, ValueError), (math.inf, ValueError)])
def test_backward_refuses_a_seed_that_is_not_a_finite_number(seed, error):
    with pytest.raises(error, match="backward: the seed gradient.*node 'w'"):
        Value(1.0, label="w").backward(seed)


@pytest.mark.parametrize("call", [lambda x: x.leaky_relu(math.nan), lambda x: x.elu(math.inf)])
def test_activation_parameters_must_be_finite_numbers(call):
    with pytest.raises(ValueError, match="must be a finite number.*'z'"):
        call(Value(1.0, label="z"))
