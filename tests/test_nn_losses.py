"""Losses: the slides' formulas, checked against torch.nn.functional (float64), incl. logits of ±1000."""

import math

import pytest
from hypothesis import given, settings, strategies as st

import autograd
from autograd import Value
from nn import (
    MLP,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_from_probabilities,
    hinge,
    mse,
)


def leaves(numbers, prefix="z"):
    return [Value(n, label=f"{prefix}{k + 1}") for k, n in enumerate(numbers)]


def grads(values):
    return [v.grad for v in values]


# ----- mean squared error ---------------------------------------------------------


def test_mse_half_sum_is_the_slides_formula():
    predictions = leaves([1.0, 2.0, 4.0], "ŷ")
    loss = mse(predictions, [0.0, 2.0, 1.0])
    assert loss.data == 0.5 * (1.0 + 0.0 + 9.0)
    loss.backward()
    assert grads(predictions) == [1.0, 0.0, 3.0]  # ŷ − y


@pytest.mark.parametrize("form, reduction, scale", [("half_sum", "sum", 0.5), ("mean", "mean", 1.0)])
def test_mse_matches_pytorch(torch, form, reduction, scale):
    numbers, targets = [0.3, -1.2, 2.5, 0.0], [0.1, -1.0, 3.0, 0.5]
    predictions = leaves(numbers)
    loss = mse(predictions, targets, form=form)
    loss.backward()
    tensor = torch.tensor(numbers, requires_grad=True)
    expected = scale * torch.nn.functional.mse_loss(tensor, torch.tensor(targets), reduction=reduction)
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), abs=1e-15)
    assert grads(predictions) == pytest.approx(tensor.grad.tolist(), abs=1e-15)


def test_mse_errors_are_clear():
    with pytest.raises(ValueError, match="mse: 2 predictions but 3 targets"):
        mse([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="form"):
        mse([1.0], [1.0], form="sum")
    with pytest.raises(ValueError, match=r"mse: targets\[0\]: expected a finite number, got nan"):
        mse([1.0], [float("nan")])
    with pytest.raises(ValueError, match=r"mse: targets\[1\]: expected a finite number, got inf"):
        mse([1.0, 2.0], [1.0, Value(math.inf)])  # a target given as a Value is checked too


def test_mse_accepts_single_values_and_reads_value_targets_as_data():
    y = Value(1.0, label="y")
    loss = mse(Value(3.0), y, label="J")
    loss.backward()
    # A target is data: its number is read, and no gradient flows back into it.
    assert (loss.data, loss.label, y.grad) == (2.0, "J", 0.0)


# ----- binary cross-entropy ---------------------------------------------------------


@pytest.mark.parametrize("probability, target", [(0.3, 1.0), (0.3, 0.0), (0.9, 0.25), (1e-12, 1.0)])
def test_binary_cross_entropy_matches_pytorch(torch, probability, target):
    p = Value(probability, label="p")
    loss = binary_cross_entropy(p, target)
    loss.backward()
    tensor = torch.tensor(probability, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy(tensor, torch.tensor(target))
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert p.grad == pytest.approx(tensor.grad.item(), rel=1e-9)


def test_binary_cross_entropy_of_a_sure_right_answer_is_zero():
    assert binary_cross_entropy(Value(0.0), 0.0).data == 0.0
    assert binary_cross_entropy(Value(1.0), 1.0).data == 0.0


def test_binary_cross_entropy_of_a_sure_wrong_answer_says_why():
    with pytest.raises(autograd.UndefinedOperationError, match=r"ln p1 is only defined for p1 > 0.*label 'p'"):
        binary_cross_entropy(Value(0.0, label="p"), 1.0)


def test_binary_cross_entropy_target_must_be_a_probability():
    with pytest.raises(ValueError, match=r"binary_cross_entropy: target must be in \[0, 1\], got 2.0"):
        binary_cross_entropy(Value(0.5), 2.0)


LOGITS = [-1000.0, -30.0, -2.0, 0.0, 0.5, 30.0, 1000.0]


@pytest.mark.parametrize("logit", LOGITS)
@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
def test_binary_cross_entropy_with_logits_matches_pytorch_even_at_1000(torch, logit, target):
    s = Value(logit, label="s")
    loss = binary_cross_entropy_with_logits(s, target)
    loss.backward()
    tensor = torch.tensor(logit, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(tensor, torch.tensor(target))
    expected.backward()
    assert math.isfinite(loss.data)
    # at |s| = 30 the loss is ~1e-13 and PyTorch itself is off by ~1e-15
    assert loss.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-14)
    assert s.grad == pytest.approx(tensor.grad.item(), rel=1e-9, abs=1e-14)
    # against the textbook-stable formula with log1p: the engine has no log1p, so a
    # tiny loss is exact to ~1e-16 absolute rather than relative
    reference = max(logit, 0.0) - target * logit + math.log1p(math.exp(-abs(logit)))
    assert loss.data == pytest.approx(reference, rel=1e-12, abs=1e-16)


def test_logits_form_agrees_with_the_probability_form():
    for logit in (-3.0, 0.2, 4.0):
        direct = binary_cross_entropy(Value(logit).sigmoid(), 1.0).data
        assert binary_cross_entropy_with_logits(Value(logit), 1.0).data == pytest.approx(direct)


# ----- multi-class cross-entropy ------------------------------------------------------


CASES = [
    ([0.6969, 0.7511, 0.5272], 0),
    ([2.0, -1.0, 0.5, 3.0], 3),
    ([1000.0, -1000.0, 0.0], 1),
    ([1000.0, 999.0, -1000.0], 0),
    ([-1000.0, -1000.0], 1),
]


@pytest.mark.parametrize("logits, index", CASES)
def test_cross_entropy_matches_pytorch_with_a_class_index(torch, logits, index):
    z = leaves(logits)
    loss = cross_entropy(z, index)
    loss.backward()
    tensor = torch.tensor([logits], requires_grad=True)
    expected = torch.nn.functional.cross_entropy(tensor, torch.tensor([index]))
    expected.backward()
    assert math.isfinite(loss.data)
    assert loss.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-12)
    assert grads(z) == pytest.approx(tensor.grad[0].tolist(), abs=1e-12)


@pytest.mark.parametrize("logits, index", CASES)
def test_a_one_hot_target_equals_the_class_index(logits, index):
    one_hot = [1.0 if k == index else 0.0 for k in range(len(logits))]
    assert cross_entropy(leaves(logits), one_hot).data == cross_entropy(leaves(logits), index).data


def test_cross_entropy_with_soft_labels_matches_pytorch(torch):
    logits, soft = [0.2, -1.0, 3.0], [0.2, 0.3, 0.5]
    z = leaves(logits)
    loss = cross_entropy(z, soft)
    loss.backward()
    tensor = torch.tensor([logits], requires_grad=True)
    expected = torch.nn.functional.cross_entropy(tensor, torch.tensor([soft]))
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), abs=1e-12)
    assert grads(z) == pytest.approx(tensor.grad[0].tolist(), abs=1e-12)


def test_cross_entropy_gradient_is_p_minus_y():
    z = leaves([0.5, 1.5, -0.5])
    cross_entropy(z, 2).backward()
    p = [v.data for v in autograd.softmax([0.5, 1.5, -0.5])]
    assert grads(z) == pytest.approx([p[0], p[1], p[2] - 1.0])


@pytest.mark.parametrize("target, message", [
    (3, "class index 3 is outside 0..2"),
    (-1, "class index -1"),
    ([1.0, 0.0], "3 classes but 2 target entries"),
    ("good", "target"),
])
def test_cross_entropy_bad_targets(target, message):
    with pytest.raises((ValueError, TypeError), match=message):
        cross_entropy([0.1, 0.2, 0.3], target)


def test_slides_form_on_probabilities_is_one_node_reading_p_and_y():
    p = autograd.softmax(leaves([0.6969, 0.7511, 0.5272]))
    for k, v in enumerate(p, 1):
        v.label = f"p{k}"
    loss = cross_entropy_from_probabilities(p, [1.0, 0.0, 0.0], label="L")
    assert loss.data == pytest.approx(-math.log(p[0].data))
    # L = −Σ y_c ln p_c: one node whose inputs are p1..p3 and the constants y1..y3.
    assert loss.op.name == "cross_entropy" and loss.inputs[:3] == tuple(p)
    assert all(y.is_constant for y in loss.inputs[3:])
    assert loss.local_derivatives[:3] == pytest.approx((-1 / p[0].data, 0.0, 0.0))


def test_slides_form_with_constant_labels_keeps_them_in_the_graph():
    p = [Value(0.2), Value(0.5), Value(0.3)]
    y = [autograd.Constant(n, label=f"y{k}") for k, n in enumerate([0.0, 1.0, 0.0], 1)]
    loss = cross_entropy_from_probabilities(p, y)
    loss.backward()
    assert loss.data == pytest.approx(-math.log(0.5))
    assert grads(p) == pytest.approx([0.0, -2.0, 0.0])  # −y/p, the slides' dL/dp_i
    assert set(y) <= set(autograd.topological_order(loss))
    assert grads(y) == [0.0, 0.0, 0.0]  # labels are data


def test_a_sure_wrong_probability_says_which_class():
    with pytest.raises(autograd.UndefinedOperationError, match="p2"):
        cross_entropy_from_probabilities([Value(1.0), Value(0.0)], 1)


def test_slides_form_agrees_with_the_logits_form():
    logits = [0.3, -0.2, 1.1]
    from_probabilities = cross_entropy_from_probabilities(autograd.softmax(leaves(logits)), 2).data
    assert from_probabilities == pytest.approx(cross_entropy(leaves(logits), 2).data)


# ----- what is not a probability or a target is refused -----------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: binary_cross_entropy(Value(1.5), 1), "binary_cross_entropy: probability must be in [0, 1], got 1.5"),
    (lambda: binary_cross_entropy(-0.2, 1), "binary_cross_entropy: probability must be in [0, 1], got -0.2"),
    (lambda: binary_cross_entropy(Value(0.5), Value(2.0)), "binary_cross_entropy: target must be in [0, 1], got 2.0"),
    (lambda: binary_cross_entropy_with_logits(Value(0.5), Value(-1.0)),
     "binary_cross_entropy_with_logits: target must be in [0, 1], got -1.0"),
    (lambda: cross_entropy_from_probabilities([0.2, 0.3, 1.5], 2),
     "cross_entropy_from_probabilities: probabilities[2] must be in [0, 1], got 1.5"),
    (lambda: cross_entropy_from_probabilities([Value(0.5), Value(-0.5)], 0),
     "cross_entropy_from_probabilities: probabilities[1] must be in [0, 1], got -0.5"),
    (lambda: cross_entropy([0.1, 0.2, 0.3], [2, -1, 0]), "cross_entropy: target[0] must be in [0, 1], got 2"),
    (lambda: cross_entropy([0.1, 0.2, 0.3], [0.5, 0.2, 0.2]), "cross_entropy: the target's entries add up to 0.9, not 1"),
    (lambda: cross_entropy_from_probabilities([0.2, 0.8], [Value(0.5), Value(1.5)]),
     "cross_entropy_from_probabilities: target[1] must be in [0, 1], got 1.5"),
    (lambda: cross_entropy([0.1, 0.2], 2), "cross_entropy: target: class index 2 is outside 0..1"),
    (lambda: hinge(Value(0.5), Value(0.0)), "hinge: the target must be -1 or +1, got 0.0"),
    (lambda: mse([Value(math.inf)], [1.0]), "mse: predictions[0]: expected a finite number, got inf"),
])
def test_what_is_not_a_probability_or_a_target_is_refused_by_loss_place_and_value(call, message):
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value)


@pytest.mark.parametrize("make", [
    lambda y: mse([Value(0.5)], [y]),
    lambda y: binary_cross_entropy(Value(0.5), y),
    lambda y: binary_cross_entropy_with_logits(Value(0.5), y),
    lambda y: cross_entropy_from_probabilities([Value(0.5), Value(0.5)], [y, 1.0 - y.data]),
    lambda y: cross_entropy([Value(0.5), Value(0.5)], [y, 1.0 - y.data]),
])
def test_targets_enter_the_graph_as_constants_with_no_gradient(make):
    y = Value(0.25, label="y")  # soft, so every form keeps the y term in its graph
    loss = make(y)
    loss.backward()
    targets = [node for node in autograd.topological_order(loss) if node.label == "y"]
    assert targets and all(node.is_constant and node.grad == 0.0 for node in targets)
    assert y.grad == 0.0


def test_soft_labels_may_add_up_to_1_within_rounding():
    third = 1.0 / 3.0
    assert cross_entropy([0.1, 0.2, 0.3], [third, third, third]).data > 0.0


# ----- hinge ----------------------------------------------------------------------------


@pytest.mark.parametrize("score", [-2.0, 0.3, 1.0, 4.0])
@pytest.mark.parametrize("target", [-1.0, 1.0])
def test_hinge_matches_pytorch(torch, score, target):
    s = Value(score)
    loss = hinge(s, target)
    loss.backward()
    tensor = torch.tensor(score, requires_grad=True)
    expected = torch.relu(1.0 - target * tensor)
    expected.backward()
    assert loss.data == pytest.approx(expected.item())
    assert s.grad == pytest.approx(tensor.grad.item())


def test_hinge_needs_a_label_of_plus_or_minus_one():
    with pytest.raises(ValueError, match="hinge: the target must be -1 or \\+1"):
        hinge(Value(0.5), 0.0)


def test_losses_are_single_values_that_backward_through_a_network():
    model = MLP(2, [3, 3], seed=0)
    loss = cross_entropy(model([0.5, -0.5]), 1, label="L")
    loss.backward()
    assert loss.label == "L"
    assert any(v.grad != 0.0 for v in model.parameters())


# ----- every loss's gradient against central differences ------------------------------

moderate = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)
probabilities = st.floats(min_value=0.05, max_value=0.95)


@settings(max_examples=30, deadline=None)
@given(st.lists(moderate, min_size=2, max_size=4), st.data())
def test_loss_gradients_agree_with_central_differences(numbers, data):
    n = len(numbers)
    index = data.draw(st.integers(0, n - 1))
    targets = data.draw(st.lists(moderate, min_size=n, max_size=n))
    label = data.draw(st.sampled_from([0.0, 1.0, 0.4]))
    p = data.draw(probabilities)
    checks = [
        (lambda *z: cross_entropy(list(z), index), numbers),
        (lambda *z: cross_entropy_from_probabilities(autograd.softmax(list(z)), index), numbers),
        (lambda *z: mse(list(z), targets), numbers),
        (lambda *z: mse(list(z), targets, form="mean"), numbers),
        (lambda s: binary_cross_entropy_with_logits(s, label), numbers[:1]),
        (lambda q: binary_cross_entropy(q, label), [p]),
    ]
    for loss, point in checks:
        result = autograd.gradcheck(loss, point)
        assert result, str(result)
