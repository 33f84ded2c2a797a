"""Exercises: seeded sets, answers checked within a tolerance, mistakes diagnosed by name, hints."""

import json
import math
import os
import pathlib
import subprocess
import sys

import pytest

import autograd
import visualize
from nn.examples import worked_example
from visualize import mistakes
from visualize.exercises import GRADIENT, KINDS, LOCAL, UPDATE, Exercise, exercises
from visualize.exercise_networks import worked_example_network

WORKTREE = pathlib.Path(__file__).resolve().parent.parent
SHAPES = [
    dict(shape="3-2-3"),
    dict(shape="2-3-2", activation="tanh"),
    dict(shape="2-2-1", activation="tanh", output="sigmoid"),
    dict(shape="2-3-2", activation="relu", output="identity", loss="mse"),
    dict(shape="2-2-2-2", activation="leaky_relu", bias=True),
]


def everything(sheet):
    """The whole text of a set: questions, solutions, hints, and its data."""
    return "\n".join([str(sheet), sheet.solutions(), *(h for e in sheet for h in e.hints()),
                      json.dumps(sheet.to_data(), sort_keys=True)])


# ----- seeded sets ---------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_text_in_two_processes():
    script = ("from visualize.exercises import exercises; from tests.test_exercises import everything; "
              "print(everything(exercises(count=6, seed=7)) + everything(exercises('worked-example', "
              "count=8, seed=7)))")
    runs = [
        subprocess.run([sys.executable, "-c", script], cwd=WORKTREE, capture_output=True, text=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed}, timeout=120, check=True).stdout
        for hash_seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and "Forward pass" in runs[0]


def test_another_seed_gives_other_exercises():
    assert everything(exercises(count=4, seed=1)) != everything(exercises(count=4, seed=2))


def test_a_seeded_random_set_is_pinned():
    sheet = exercises(count=4, seed=3)
    assert [e.question for e in sheet] == [
        "Forward pass: compute z3.",
        "Local derivative: compute ∂z2/∂h2 at h1 = 0.5770, h2 = 0.4099.",
        "Gradient of the loss: compute ∂L/∂w22.",
        "Gradient descent: after one step with η = 0.5, what is v31?",
    ]
    assert [e.rounded for e in sheet] == ["-0.7958", "-0.8700", "-0.4471", "0.6031"]
    first = sheet.networks[0]
    assert [x.data for x in first.given["Inputs X"]] == [0.40, 0.85, 0.79]


def test_the_kinds_are_taken_in_turn():
    assert [e.kind for e in exercises(count=8, seed=0)] == list(KINDS) * 2
    assert {e.kind for e in exercises(count=3, seed=0, kinds=["gradient"])} == {GRADIENT}


@pytest.mark.parametrize("options", SHAPES, ids=[str(o) for o in SHAPES])
def test_random_numbers_are_nice(options):
    decimals = 4
    for exercise in exercises(count=4, seed=11, decimals=decimals, **options):
        network = exercise.network
        for nodes in network.given.values():
            for node in nodes:
                assert round(node.data, 2) == node.data  # two decimals, as given
        assert all(abs(node.data) >= 10.0 ** (1 - decimals) for node in network.quantities)
        for hidden in network.units[1:-1]:
            assert all(0.1 <= abs(unit.inputs[0].data) <= 2.5 for unit in hidden)  # no saturation
        gradients = autograd.grad(network.root, network.parameters)
        assert all(abs(g) >= 10.0 ** (1 - decimals) for g in gradients)  # no accidental zeros


def test_bad_options_are_refused_naming_them():
    with pytest.raises(ValueError, match="shape"):
        exercises(shape="3-x-3")
    with pytest.raises(ValueError, match="too big"):
        exercises(shape="3-20-3")
    with pytest.raises(ValueError, match="activation"):
        exercises(activation="gelu")
    with pytest.raises(ValueError, match="cross_entropy needs"):
        exercises(output="identity")
    with pytest.raises(ValueError, match="kinds"):
        exercises(kinds=["backward"])
    with pytest.raises(ValueError, match="count"):
        exercises(count=0)
    with pytest.raises(ValueError, match="ask="):
        exercises(worked_example().loss)


# ----- the slides' numbers ---------------------------------------------------------------------------


def slides_exercise(kind, label, source=None):
    network = worked_example_network()
    nodes = network.names()
    return Exercise(kind, network, nodes[label], nodes.get(source), decimals=4, learning_rate=0.5)


def test_the_slides_numbers_are_the_answers():
    assert slides_exercise(GRADIENT, "w11").rounded == "-0.3835"
    assert slides_exercise(UPDATE, "w11").rounded == "0.6819"
    assert slides_exercise(LOCAL, "h1", "q1").rounded == "0.2427"
    assert slides_exercise("forward", "z1").rounded == "0.6969"


def test_your_own_graph_asks_about_the_nodes_given():
    example = worked_example()
    sheet = exercises(example.loss, ask=[example.h[0], example.W[0][1]], kinds=["forward", "gradient"])
    assert [e.symbol for e in sheet] == ["h1", "∂L/∂w12"]
    assert sheet[0].check(0.5854)


# ----- checking ----------------------------------------------------------------------------------------


def test_an_answer_within_the_tolerance_is_right():
    exercise = slides_exercise(GRADIENT, "w11")
    assert exercise.check(-0.3835).correct
    assert exercise.check("−0.3836").correct  # a student's rounding, a true minus sign
    assert exercise.check(-0.3835 - 1.5e-4).correct  # relative 5e-4 of 0.38
    assert not exercise.check(-0.3860).correct
    assert slides_exercise("forward", "p2").check("36.41%").correct


def test_a_bad_answer_is_refused_naming_the_exercise():
    exercise = slides_exercise(GRADIENT, "w11")
    with pytest.raises(ValueError, match="∂L/∂w11"):
        exercise.check("about a third")
    with pytest.raises(ValueError, match="finite"):
        exercise.check(math.nan)
    with pytest.raises(TypeError):
        exercise.check(True)


def v11_paths():
    exercise = slides_exercise(GRADIENT, "v11")
    return exercise, exercise.explanation.paths


def test_only_one_of_the_three_v11_paths_is_a_missing_path():
    exercise, paths = v11_paths()
    assert len(paths) == 3
    for path in paths:
        verdict = exercise.check(path.product)
        assert not verdict and verdict.mistake.name == mistakes.MISSING_PATH
        assert "one of the 3 paths" in str(verdict)


def test_a_flipped_sign_is_a_sign_error():
    exercise = slides_exercise(GRADIENT, "w11")
    verdict = exercise.check(0.3835)
    assert verdict.mistake.name == mistakes.SIGN_ERROR
    assert "−0.3835" not in verdict.message  # the words never give the answer away


def test_sigma_prime_left_out_is_a_factor_left_out_with_its_formula():
    exercise, paths = v11_paths()
    sigma_prime = worked_example().h[0].edges[0][1]
    verdict = exercise.check(exercise.answer / sigma_prime)
    assert verdict.mistake.name == mistakes.FACTOR_LEFT_OUT
    assert "σ(q1)(1 − σ(q1))" in verdict.message


def test_the_upstream_gradient_dropped():
    exercise = slides_exercise(GRADIENT, "v11")
    verdict = exercise.check(0.35)  # ∂q1/∂v11 = x1 alone
    assert verdict.mistake.name == mistakes.UPSTREAM_DROPPED
    assert "∂L/∂q1" in verdict.message


def test_the_diagonal_softmax_term_where_the_off_diagonal_belongs():
    exercise = slides_exercise(GRADIENT, "w12")  # ∂L/∂p1 · ∂p1/∂z2 · ∂z2/∂w12
    example = worked_example()
    p1 = example.p[0].data
    wrong = -1 / p1 * p1 * (1 - p1) * example.h[0].data
    verdict = exercise.check(wrong)
    assert verdict.mistake.name == mistakes.SOFTMAX_TERM
    assert "−p1·p2" in verdict.message


def test_an_answer_no_mistake_explains_says_so():
    verdict = slides_exercise(GRADIENT, "w11").check(12.5)
    assert verdict.mistake is None and "no usual mistake" in verdict.message


@pytest.mark.parametrize("options", SHAPES, ids=[str(o) for o in SHAPES])
def test_every_listed_mistake_injected_is_diagnosed_as_itself(options):
    checked = 0
    for exercise in exercises(count=8, seed=5, **options):
        listed = exercise.mistakes()
        for mistake in listed:
            rivals = [other for other in listed if other.name != mistake.name
                      and abs(other.value - mistake.value) <= exercise.tolerance(other.value)]
            if rivals:
                continue  # two mistakes giving the same number cannot be told apart
            verdict = exercise.check(mistake.value)
            assert not verdict.correct
            assert verdict.mistake.name == mistake.name, (exercise.question, mistake, verdict)
            checked += 1
    assert checked >= 8


# ----- hints ------------------------------------------------------------------------------------------


def test_hints_reveal_the_chain_rule_one_factor_at_a_time():
    exercise = slides_exercise(GRADIENT, "w11")
    first, second, third = exercise.hint(), exercise.hint(), exercise.hint()
    assert first.startswith("Hint 1/5: The chain rule (one path)")
    assert "∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11" in first
    assert second == "Hint 2/5: ∂L/∂p1 = −1/p1 = −1/0.3449 = −2.8995"
    assert third.startswith("Hint 3/5: ∂p1/∂z1 = e^{z1}(e^{z2} + e^{z3})")
    for _ in range(5):
        last = exercise.hint()
    assert last.endswith("(that was the last hint)")


# ----- solutions agree with backward() and with PyTorch --------------------------------------------------


@pytest.mark.parametrize("options", SHAPES, ids=[str(o) for o in SHAPES])
def test_every_solution_agrees_with_backward(options):
    for exercise in exercises(count=8, seed=21, **options):
        root = exercise.network.root
        autograd.zero_grad(root)
        root.backward()
        expected = {
            "forward": lambda e: e.node.data,
            "local": lambda e: e.node.local_derivatives[e.node.inputs.index(e.source)],
            "gradient": lambda e: e.node.grad,
            "update": lambda e: e.node.data - e.learning_rate * e.node.grad,
        }[exercise.kind](exercise)
        assert exercise.check(expected).correct
        assert abs(exercise.answer - expected) <= 1e-12
        assert exercise.check(exercise.rounded).correct  # the printed answer is accepted


def torch_loss(torch, network, outputs):
    targets = torch.tensor([y.data for y in network.given["Labels Y"]])
    if network.loss == "mse":
        return 0.5 * ((outputs - targets) ** 2).sum()
    if outputs.shape[-1] == 1:
        p = outputs[0]
        return -(targets[0] * torch.log(p) + (1 - targets[0]) * torch.log(1 - p))
    return -(targets * torch.log(outputs)).sum()


@pytest.mark.parametrize("options", SHAPES, ids=[str(o) for o in SHAPES])
def test_every_gradient_agrees_with_torch(torch, options):
    from nn.torch_models import to_torch

    for exercise in exercises(count=8, seed=21, kinds=["gradient", "update"], **options):
        network = exercise.network
        module = to_torch(network.model)
        inputs = torch.tensor([x.data for x in network.given["Inputs X"]])
        loss = torch_loss(torch, network, module(inputs))
        loss.backward()
        gradients = {}
        for layer, linear in zip(network.model.layers,
                                 [m for m in module if isinstance(m, torch.nn.Linear)]):
            for i, row in enumerate(layer.weight_matrix()):
                for j, weight in enumerate(row):
                    gradients[weight.label] = linear.weight.grad[j, i].item()
            for j, bias in enumerate(layer.biases()):
                gradients[bias.label] = linear.bias.grad[j].item()
        gradient = gradients[exercise.node.label]
        expected = gradient if exercise.kind == GRADIENT else exercise.node.data - 0.5 * gradient
        assert exercise.check(expected).correct
        assert abs(exercise.answer - expected) <= 1e-9


# ----- corners the review found ----------------------------------------------------------------


def test_a_saturated_softmax_still_gets_its_diagnoses():
    # p1 = 1.0 to a float: no local derivative of p1 is positive, so the class cannot be guessed.
    z1, z2 = autograd.Value(40.0, label="z1"), autograd.Value(0.0, label="z2")
    p1, _ = autograd.softmax([z1, z2])
    p1.label = "p1"
    loss = -p1.log()
    loss.label = "L"
    for exercise in visualize.exercises(loss, ask=[p1, z1], kinds=["forward", "local", "gradient"]):
        assert exercise.check(123.0).correct is False
        assert exercise.check(exercise.answer).correct


def test_a_constant_logit_before_the_asked_one_is_read_as_such():
    z1 = autograd.Value(0.3, label="z1")
    _, p2 = autograd.softmax([0.0, z1])
    p2.label = "p2"
    loss = -p2.log()
    loss.label = "L"
    local = visualize.exercises(loss, ask=[p2, z1], kinds=["local"])[0]
    assert local.symbol == "∂p2/∂z1"
    assert "sign error" in str(local.check(-local.answer))


def test_a_power_left_out_is_worded_from_its_exponent():
    y, x = autograd.Value(1.5, label="y"), autograd.Value(1.5, label="x")
    two_to_y, cube, square = 2 ** y, x ** 3, x ** 2
    two_to_y.label, cube.label, square.label = "out", "c", "d"
    total = two_to_y + cube + square
    total.label = "total"
    asked = visualize.exercises(total, ask=[two_to_y, cube, square], kinds=["forward"])
    words = {exercise.node.label: str(exercise.check(1.5)) for exercise in asked}
    assert "power left out: that is y itself; out = 2^{y}" in words["out"]
    assert "power left out: that is x itself; c = x³" in words["c"]
    assert "square left out: that is x itself; d = x²" in words["d"]


def test_unlabelled_nodes_are_drawn_by_their_tape_names_and_an_unlabelled_root_is_refused():
    from visualize.exercise_sheets import network_dot

    x, w = autograd.Value(0.5, label="x"), autograd.Value(-1.2, label="w")
    out = (x * w + 1.0).tanh()
    with pytest.raises(ValueError, match="exercises: the root needs a label"):
        visualize.exercises(out, ask=[x])
    out.label = "out"
    dot = network_dot(visualize.exercises(out, ask=[out, x])[0].network)
    assert "<t" in dot  # t<row>, the name the tape gives an unlabelled node
