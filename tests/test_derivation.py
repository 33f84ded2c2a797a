"""``explain`` writes the chain rule as the slides do: ∂-factors, their formulas in the nodes'
names, the numbers put in, the value; per path and summed over paths; as text, LaTeX and MathML."""

import xml.etree.ElementTree as ElementTree

import pytest

from autograd import Value
from nn.examples import worked_example
from visualize.explain import explain

SLIDE_W11_TEXT = [
    "∂L/∂w11 = ∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11",
    "        = −1/p1 · e^{z1}(e^{z2} + e^{z3}) / (e^{z1} + e^{z2} + e^{z3})² · h1",
    "        = −1/0.3449 · e^{0.6969}(e^{0.7510} + e^{0.5272}) / (e^{0.6969} + e^{0.7510} + e^{0.5272})² "
    "· 0.5854",
    "        = −0.3835",
]

SLIDE_W11_LATEX = [
    r"\frac{\partial L}{\partial w_{11}} &= \frac{\partial L}{\partial p_{1}} \cdot "
    r"\frac{\partial p_{1}}{\partial z_{1}} \cdot \frac{\partial z_{1}}{\partial w_{11}} \\",
    r"&= -\frac{1}{p_{1}} \cdot \frac{e^{z_{1}}\left(e^{z_{2}} + e^{z_{3}}\right)}"
    r"{\left(e^{z_{1}} + e^{z_{2}} + e^{z_{3}}\right)^{2}} \cdot h_{1} \\",
    r"&= -\frac{1}{0.3449} \cdot \frac{e^{0.6969}\left(e^{0.7510} + e^{0.5272}\right)}"
    r"{\left(e^{0.6969} + e^{0.7510} + e^{0.5272}\right)^{2}} \cdot 0.5854 \\",
    r"&= -0.3835",
]


@pytest.fixture(scope="module")
def example():
    return worked_example()


def test_dL_dw11_in_text_is_the_slide_line_for_line(example):
    lines = explain(example.loss, example.W[0][0]).derivation().splitlines()
    assert [line.strip() for line in lines] == [line.strip() for line in SLIDE_W11_TEXT]


def test_dL_dw11_in_latex_is_the_slide_line_for_line(example):
    latex = explain(example.loss, example.W[0][0]).to_latex()
    lines = [line.strip() for line in latex.splitlines()]
    assert lines[0] == r"\begin{align*}" and lines[-1] == r"\end{align*}"
    assert lines[1:-1] == SLIDE_W11_LATEX


def test_jupyter_shows_the_latex(example):
    shown = explain(example.loss, example.W[0][0])._repr_latex_()
    assert shown.startswith(r"$$\begin{aligned}") and shown.endswith(r"\end{aligned}$$")
    assert r"-\frac{1}{0.3449}" in shown


def _mathml_rows(mathml):
    root = ElementTree.fromstring(mathml)
    namespace = "{http://www.w3.org/1998/Math/MathML}"
    return root, root.findall(f".//{namespace}mtr")


def test_dL_dw11_in_mathml_is_one_math_element_of_the_slides_four_lines(example):
    mathml = explain(example.loss, example.W[0][0]).to_mathml()
    root, rows = _mathml_rows(mathml)
    assert root.tag.endswith("math") and root.get("display") == "block"
    assert len(rows) == 4
    numbers = [element.text for element in root.iter() if element.tag.endswith("mn")]
    for printed in ("0.3449", "0.6969", "0.7510", "0.5272", "0.5854", "0.3835"):
        assert printed in numbers
    assert "<mi>σ</mi>" not in mathml  # no sigmoid on this path
    assert "<msub><mi>w</mi><mn>11</mn></msub>" in mathml


def test_dL_dv11_has_three_paths_and_their_sum(example):
    explanation = explain(example.loss, example.V[0][0])
    text = explanation.derivation()
    assert text.count("+ ∂L/∂p1 · ∂p1/∂z") == 2
    for number in (1, 2, 3):
        assert f"path {number} = −1/p1 · " in text
    assert "σ(q1)(1 − σ(q1)) · x1" in text and "σ(0.3451)(1 − σ(0.3451)) · 0.3500" in text
    assert "∂L/∂v11 = −0.0273 + 0.0277 + 0.0113" in text
    assert text.splitlines()[-1].strip() == "= 0.0117"
    _, rows = _mathml_rows(explanation.to_mathml())
    assert len(rows) == 3 + 3 * 3 + 2
    assert explanation.to_latex().count(r"\text{path ") == 3


def test_printed_explanation_shows_formulas_and_numbers_per_path(example):
    text = str(explain(example.loss, example.W[0][0]))
    assert "= −1/p1 · e^{z1}(e^{z2} + e^{z3}) / (e^{z1} + e^{z2} + e^{z3})² · h1" in text
    assert "(-2.8995)(0.2259)(0.5854)" in text


def test_a_hostile_label_stays_text_in_latex_and_mathml():
    x = Value(2.0, label=r"\input{/etc/passwd}\write18{rm -rf /}<b>")
    out = (x * 3.0).sigmoid()
    out.label = "out"
    explanation = explain(out, x)
    latex = explanation.to_latex()
    assert r"\input" not in latex and r"\write18" not in latex
    assert r"\textbackslash{}input\{/etc/passwd\}" in latex
    mathml = explanation.to_mathml()
    ElementTree.fromstring(mathml)  # still well-formed: the label cannot open an element
    assert "<b>" not in mathml and "&lt;b&gt;" in mathml


def test_worked_example_command_prints_the_w11_derivation(capsys):
    from visualize.cli import main

    assert main(["worked-example"]) == 0
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    start = lines.index(SLIDE_W11_TEXT[0])
    assert lines[start:start + 4] == [line.strip() for line in SLIDE_W11_TEXT]
    assert "∂L/∂v11 = −0.0273 + 0.0277 + 0.0113" in out


def test_a_label_that_is_not_one_symbol_is_bracketed_in_every_style():
    from nn.examples import calc_graph_example

    example = calc_graph_example(backward=True)
    explanation = explain(example.loss, example.w1)
    text = explanation.derivation()
    assert "∂l/∂(y-h) · ∂(y-h)/∂h" in text and "2(y-h)" in text  # never ∂y-h or 2·y-h
    assert r"\partial \left(\text{y-h}\right)" in explanation.to_latex()
    root, _ = _mathml_rows(explanation.to_mathml())
    assert "<mo>(</mo><mtext>y-h</mtext><mo>)</mo>" in explanation.to_mathml()


@pytest.mark.parametrize("label", ["w11", "q¹1", "‖V‖", "y-h", "a b", "Σw²", "b_v1"])
def test_tables_and_formulas_bracket_a_name_by_one_rule(label):
    from autograd.formulas import TEXT
    from visualize.tables import grouped

    assert grouped(label) == TEXT.name(label)
