"""What a student sees when a notebook cell ends with a tracegrad object.

Each object is shown in a real kernel (nbclient + ipykernel) and its outputs are
read as Jupyter stores them: the MIME types must be there and hold the slides'
numbers, rounded, at a width a notebook cell can show.
"""

import re

import pytest

from notebook_kernel import run_cells, shown

SETUP = """
import autograd, visualize
from autograd import Value
from nn.examples import worked_example
example = worked_example()
"""

CELLS = {
    "steps": "visualize.steps(example.loss)",
    "one step": "walk = visualize.steps(example.loss)\nnext(walk)",
    "gradcheck": "autograd.gradcheck(lambda a, b: a * b + b, [Value(2.0, label='a<1>'), Value(-3.0, label='b')])",
    "failed gradcheck": "autograd.gradcheck(lambda w: w * w.detach(), [Value(3.0, label='w')])",
    "explanation": "visualize.explain(example.loss, example.W[0][0])",
    "tape": "visualize.tape(example.loss)",
    "worked example": "example",
    "stepped weights": "example.step(0.5)",
    "drawing": "visualize.draw(example.loss, groups=example.groups)",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """{cell name: {MIME type: content}} of one run of every cell above."""
    ran = run_cells([SETUP, *CELLS.values()], tmp_path_factory.mktemp("display"))
    return {name: shown(cell) for name, cell in zip(CELLS, ran[1:])}


def test_the_backward_steps_show_as_one_html_table_with_every_step(outputs):
    page = outputs["steps"]["text/html"]
    assert page.count("<table") == 1 and "<th>step</th>" in page
    assert "<td>w11</td>" in page and "-0.3835" in page
    assert "backward done:" in page
    assert "backward done:" in outputs["steps"]["text/plain"]  # the text view is kept


def test_a_single_step_shows_its_headline_and_table(outputs):
    page = outputs["one step"]["text/html"]
    assert "<b>step 1: dL/dL = 1.0000 is final" in page
    assert page.count("<tr>") == 1 + 3  # the header and the edges to p1, p2, p3
    assert "<td>p1</td>" in page and "contribution" in page


def test_a_gradcheck_shows_a_table_with_its_verdict(outputs):
    page = outputs["gradcheck"]["text/html"]
    assert "<caption>gradcheck: all gradients agree" in page
    assert "<td>a&lt;1&gt;</td>" in page  # the label is escaped
    assert page.count(">ok</td>") == 2
    failed = outputs["failed gradcheck"]["text/html"]
    assert "1 mismatch(es)" in failed and ">MISMATCH</td>" in failed


def test_an_explanation_shows_as_html_and_as_latex(outputs):
    result = outputs["explanation"]
    assert "∂L/∂w11 = <b>-0.3835</b>" in result["text/html"]
    assert result["text/latex"].startswith("$$") and "-0.3835" in result["text/latex"]


def test_a_tape_shows_as_an_html_table(outputs):
    page = outputs["tape"]["text/html"]
    assert "<caption>tape of L: 29 nodes" in page and "<td>w11</td>" in page
    assert '<td style="text-align:right">1.0645</td>' in page


def test_the_worked_example_shows_the_slides_matrices_rounded(outputs):
    result = outputs["worked example"]
    page = result["text/html"]
    assert "L = 1.0645" in page and page.count("<math") == 8
    for number in ("0.5854", "0.6485", "0.3449", "0.6819"):
        assert f"<mn>{number}</mn>" in page
    assert "<mo>−</mo><mn>0.3835</mn>" in page
    # Rounded: no 16-digit float anywhere, in HTML or in text.
    assert not re.search(r"\d\.\d{6,}", page + result["text/plain"])
    assert "∇W = ⎡ -0.3835" in result["text/plain"]


def test_the_stepped_weights_show_as_rounded_matrices(outputs):
    result = outputs["stepped weights"]
    page = result["text/html"]
    assert "after one step of gradient descent at η = 0.5" in page and page.count("<math") == 2
    assert "<mn>0.6819</mn>" in page and "<mn>0.4904</mn>" in page
    assert not re.search(r"\d\.\d{6,}", page + result["text/plain"])
    assert "W = ⎡ 0.6819 0.7898 0.3704 ⎤" in result["text/plain"]


def test_a_drawing_shrinks_to_the_cell_keeping_its_proportions(outputs):
    svg = outputs["drawing"]["image/svg+xml"]
    opening = re.search(r"<svg\b[^>]*>", svg).group(0)
    assert 'style="max-width:100%;height:auto"' in opening
    # Its own size and viewBox stay: the browser keeps the aspect from them.
    width, height = (float(number) for number in re.search(
        r'width="([\d.]+)pt" height="([\d.]+)pt"', opening).groups())
    assert width > 1500 and f"0.00 0.00 {width:.2f} {height:.2f}" in opening
    # As HTML too, the SVG inline (no XML prolog), which an exported notebook shows as such.
    page = outputs["drawing"]["text/html"]
    assert page.startswith('<div class="tracegrad-graph"><svg style="max-width:100%;height:auto"')
    assert "<?xml" not in page and ">w11<" in page
