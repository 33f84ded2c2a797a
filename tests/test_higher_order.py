"""Gradients of gradients: ``grad(..., create_graph=True)`` against closed forms and finite differences."""

import math

import pytest

import autograd
from autograd import Value, grad


def second_derivative(f, x):
    node = Value(x, label="x")
    first = grad(f(node), node, create_graph=True)
    assert isinstance(first, Value)
    return first.data, grad(first, node)


def sigma(t):
    return 1 / (1 + math.exp(-t))


CLOSED_FORMS = [
    ("tanh", lambda v: v.tanh(), lambda t: -2 * math.tanh(t) * (1 - math.tanh(t) ** 2), 0.7),
    ("sigmoid", lambda v: v.sigmoid(), lambda t: sigma(t) * (1 - sigma(t)) * (1 - 2 * sigma(t)), -0.4),
    ("cube", lambda v: v**3, lambda t: 6 * t, 1.3),
    ("exp", lambda v: v.exp(), math.exp, 0.9),
    ("log", lambda v: v.log(), lambda t: -1 / t**2, 2.5),
    ("sqrt", lambda v: v.sqrt(), lambda t: -0.25 * t**-1.5, 1.7),
    ("reciprocal", lambda v: 1 / v, lambda t: 2 / t**3, 0.8),
    ("x to the x", lambda v: v**v, lambda t: t**t * ((math.log(t) + 1) ** 2 + 1 / t), 1.4),
    ("elu", lambda v: v.elu(), math.exp, -0.5),
    ("softmax", lambda v: autograd.softmax([v, Value(0.3), Value(-0.2)])[0],
     None, 0.6),
]


@pytest.mark.parametrize("name, f, closed_form, x", CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS])
def test_second_derivative_matches_closed_form_and_finite_differences(name, f, closed_form, x):
    _, second = second_derivative(f, x)
    h = 1e-4

    def first_at(t):
        node = Value(t)
        return grad(f(node), node)

    numeric = (first_at(x + h) - first_at(x - h)) / (2 * h)
    assert second == pytest.approx(numeric, rel=1e-6, abs=1e-8)
    if closed_form is not None:
        assert second == pytest.approx(closed_form(x), rel=1e-10)


def test_third_derivative_of_a_cube_is_six():
    x = Value(2.0)
    first = grad(x**3, x, create_graph=True)
    second = grad(first, x, create_graph=True)
    assert (first.data, second.data, grad(second, x)) == (12.0, 12.0, 6.0)


def test_hessian_of_a_two_input_function():
    # f(a, b) = a² b + sin-free mix: a·b³ + exp(a·b)
    a, b = Value(0.5, label="a"), Value(-1.2, label="b")

    def f(a, b):
        return a * a * b + a * b**3 + (a * b).exp()

    first = grad(f(a, b), [a, b], create_graph=True)
    hessian = [grad(partial, [a, b]) for partial in first]
    e = math.exp(a.data * b.data)
    av, bv = a.data, b.data
    expected = [
        [2 * bv + bv * bv * e, 2 * av + 3 * bv**2 + e + av * bv * e],
        [2 * av + 3 * bv**2 + e + av * bv * e, 6 * av * bv + av * av * e],
    ]
    for row, expected_row in zip(hessian, expected):
        assert row == pytest.approx(expected_row, rel=1e-12)
    assert hessian[0][1] == pytest.approx(hessian[1][0], rel=1e-14)


def test_double_backward_through_backward_call():
    x = Value(3.0, label="x")
    dy_dx = grad(x * x * x, x, create_graph=True)  # 3x² = 27
    dy_dx.backward()  # d(3x²)/dx = 6x = 18
    assert dy_dx.data == 27.0 and x.grad == 18.0


def test_grad_does_not_touch_dot_grad_and_gives_zero_for_unused_inputs():
    x, unused = Value(2.0), Value(5.0)
    gx, gu = grad(x * x, [x, unused])
    assert (gx, gu) == (4.0, 0.0)
    assert x.grad == 0.0


def test_create_graph_works_inside_no_grad():
    x = Value(1.5)
    with autograd.no_grad():
        y = x * x
    # y was not recorded, so it is a constant: d y / d x = 0.
    assert grad(y, x) == 0.0
    z = x * x
    with autograd.no_grad():
        first = grad(z, x, create_graph=True)
    assert grad(first, x) == 2.0


def test_grad_refuses_an_overflowing_gradient_as_backward_does():
    x = Value(1e-300, label="x")
    z = x * 1e300 * 1e300
    with pytest.raises(autograd.NumericOverflowError, match="'x'"):
        grad(z, x)
    with pytest.raises(autograd.NumericOverflowError, match="'x'"):
        z.backward()


def test_grad_of_a_constant_output_or_toward_a_constant_is_zero():
    x = Value(2.0)
    assert grad(autograd.Constant(3.0), x) == 0.0
    c = autograd.Constant(4.0)
    assert grad(c * x, [c, x]) == [0.0, 4.0]
    assert grad(c * x, c, create_graph=True).data == 0.0
