"""``autograd.gradcheck`` compares backprop with central differences and names mismatches."""

import pytest

import autograd
from autograd import UndefinedOperationError, Value, gradcheck


def test_agreeing_gradients_pass_and_print_as_a_table():
    result = gradcheck(lambda a, b: (a * b).tanh() + a**3, [Value(0.3, label="a"), Value(-1.2, label="b")])
    assert result
    assert [c.label for c in result.comparisons] == ["a", "b"]
    text = str(result)
    assert "backprop" in text and "central diff" in text and "all gradients agree" in text


def test_a_wrong_gradient_is_reported_by_label():
    # detach() hides one factor from backprop, but not from central differences.
    result = gradcheck(lambda w, x: w * w.detach() + x, [Value(3.0, label="w"), Value(1.0, label="x")])
    assert not result
    assert [c.label for c in result.mismatches] == ["w"]
    assert result.mismatches[0].analytic == 3.0
    assert abs(result.mismatches[0].numeric - 6.0) < 1e-6
    assert "MISMATCH" in str(result)


def test_plain_numbers_are_accepted_and_named_by_position():
    result = gradcheck(lambda x: x.exp(), [0.5])
    assert result and result.comparisons[0].label == "input 1"


def test_the_result_shows_as_its_table_at_a_prompt():
    result = gradcheck(lambda x: x * x, [Value(2.0, label="x")])
    assert repr(result) == str(result)
    assert repr(result).splitlines()[0].split() == ["input", "backprop", "central", "diff", "abs", "error", "verdict"]


def test_inputs_near_a_domain_edge_are_differenced_inside_the_domain():
    assert gradcheck(lambda x: x.log(), [Value(1e-7, label="x")])


def test_a_function_undefined_beside_the_input_is_a_clear_error():
    with pytest.raises(UndefinedOperationError, match="gradcheck: f is not defined at x"):
        gradcheck(lambda x: (x - 1.0).sqrt(), [Value(1.0 + 1e-9, label="x")])


def test_a_function_that_differentiates_inside_itself_is_checked_correctly():
    # f(x) = d(x³)/dx = 3x², so df/dx = 6x: central differences must see the same f.
    def derivative_of_cube(x):
        return autograd.grad(x**3, x, create_graph=True)

    result = autograd.gradcheck(derivative_of_cube, [Value(1.3, label="x")])
    assert result.ok, str(result)
    assert result.comparisons[0].analytic == pytest.approx(6 * 1.3)


def test_the_table_escapes_control_and_bidirectional_characters_in_labels():
    hostile = Value(0.5, label="a\nb\u202ec\ud800")
    text = str(autograd.gradcheck(lambda v: v * v, [hostile]))
    assert "a\\nb\\u202ec\\ud800" in text
    assert "\u202e" not in text and "\ud800" not in text and text.count("\n") == 2
