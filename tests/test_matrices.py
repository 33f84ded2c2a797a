"""``visualize.layer_matrices`` regroups the scalar graph into the slides' matrices: every
matrix the slides print for the worked example, for any nn.Layer / MLP too; text, LaTeX, HTML."""

import xml.etree.ElementTree as ElementTree

import pytest

import autograd
import nn
import visualize
from nn.examples import worked_example
from nn.losses import mse


@pytest.fixture(scope="module")
def view():
    example = worked_example()
    return visualize.layer_matrices(example.loss, example.model)


def test_the_slides_forward_matrices(view):
    hidden, output = view.layers
    assert hidden.name == "V" and output.name == "W"
    assert hidden.inputs == pytest.approx([0.35, 0.20, 0.50])
    assert hidden.weights == [[0.4963, 0.7682], [0.0885, 0.1320], [0.3074, 0.6341]]
    assert hidden.linear == pytest.approx([0.3451, 0.6123], abs=5e-5)
    assert hidden.activation == "sigmoid" and hidden.outputs == pytest.approx([0.5854, 0.6485], abs=5e-5)
    assert output.inputs == hidden.outputs
    assert output.weights == [[0.4901, 0.8964, 0.4556], [0.6323, 0.3489, 0.4017]]
    assert output.linear == pytest.approx([0.6969, 0.7510, 0.5272], abs=5e-5)
    assert output.outputs == pytest.approx([0.345, 0.364, 0.291], abs=5e-4)


def test_the_slides_gradient_and_update(view):
    hidden, output = view.layers
    assert output.gradients[0][0] == pytest.approx(-0.3835, abs=5e-5)
    assert output.updated[0][0] == pytest.approx(0.6819, abs=5e-5)
    assert [row[1:] for row in output.updated] == [row[1:] for row in
                                                    [[w - 0.5 * g for w, g in zip(r, gr)]
                                                     for r, gr in zip(output.weights, output.gradients)]]
    assert hidden.gradients[0][0] == pytest.approx(0.0117, abs=5e-5)


def test_text_shows_the_slides_lines(view):
    text = str(view)
    assert "[0.3500 0.2000 0.5000] · ⎢ 0.0885 0.1320 ⎥ = [0.3451 0.6123]" in text
    assert "σ([0.3451 0.6123]) = [0.5854 0.6485]" in text
    assert "softmax([0.6969 0.7510 0.5272]) = [0.3449 0.3641 0.2911]" in text
    assert "⎡ 0.4901 0.8964 0.4556 ⎤ − 0.5 · ⎡ -0.3835" in text
    assert "= ⎡ 0.6819 0.8964" not in text  # every weight moves, not only w11
    assert "⎡ 0.6819 0.7898 0.3704 ⎤" in text


def test_latex_and_html_hold_the_same_matrices(view):
    latex = view.to_latex()
    assert r"\begin{bmatrix} 0.3500 & 0.2000 & 0.5000 \end{bmatrix} \cdot" in latex
    assert r"= \begin{bmatrix} 0.3451 & 0.6123 \end{bmatrix}" in latex
    assert r"\nabla W = \begin{bmatrix} -0.3835 &" in latex
    html = view.to_html()
    assert html == view._repr_html_()
    for math in html.split("<math")[1:]:
        ElementTree.fromstring("<math" + math.split("</math>")[0] + "</math>")
    assert "<mn>0.6819</mn>" in html and "<mo>∇</mo>" in html


def test_any_mlp_with_biases():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    x = [autograd.Value(0.5, label="x1"), autograd.Value(-1.0, label="x2")]
    loss = mse(model(x), [0.25])
    view = visualize.layer_matrices(loss, model, learning_rate=0.1)
    first, second = view.layers
    assert first.inputs == [0.5, -1.0]
    assert first.weights == model.layers[0].weights_as_rows()
    assert first.bias == model.layers[0].biases_as_list()
    assert first.activation == "tanh" and second.activation == ""
    assert second.outputs == []  # identity: the sums are the outputs
    parameters = [value for row in model.layers[0].weight_matrix() for value in row]
    expected = autograd.grad(loss, parameters)
    assert [g for row in first.gradients for g in row] == pytest.approx(expected)
    assert "+ [" in str(view)  # the bias row


def test_a_single_layer():
    layer = nn.Layer(2, 2, activation="sigmoid", seed=3)
    out = layer([1.0, 2.0])
    root = autograd.sum_values(out)
    (only,) = visualize.layer_matrices(root, layer).layers
    assert only.outputs == pytest.approx([node.data for node in out])


def test_each_forward_equation_is_tied_to_the_node_that_completes_it():
    example = worked_example()
    moments = visualize.layer_matrices(example.loss, example.model).forward_moments()
    assert [node.label for node, _ in moments] == ["q2", "h2", "z3", "p3"]
    for _, mathml in moments:
        ElementTree.fromstring(mathml)  # one well-formed <math> element each
        assert mathml.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
