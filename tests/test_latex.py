"""``visualize.latex``: a standalone LaTeX document (and Beamer slides) of the worked example,
every number computed; labels cannot run TeX commands. Compiled when a LaTeX engine is present
(always with CI=true)."""

import os
import shutil
import subprocess

import pytest

import autograd
from conftest import IN_CI
from nn.examples import worked_example
from visualize.latex import latex_document

HOSTILE = r"\input{/etc/hostname}\immediate\write18{touch PWNED}$x^"


def _worked(beamer=False):
    example = worked_example()
    return latex_document(example.loss, model=example.model,
                          derivations=[example.W[0][0], example.V[0][0]], beamer=beamer)


def test_the_document_holds_matrices_formulas_derivations_and_update():
    document = _worked()
    assert document.startswith(r"\documentclass{article}") and document.rstrip().endswith(r"\end{document}")
    assert r"\begin{bmatrix} 0.3500 & 0.2000 & 0.5000 \end{bmatrix}" in document
    assert r"\sigma(x)\left(1 - \sigma(x)\right)" in document
    assert r"-\frac{y_{1}}{p_{1}}" in document
    assert r"-\frac{1}{0.3449}" in document and "&= -0.3835" in document
    assert document.count(r"\text{path ") == 3
    assert "0.6819" in document
    assert _worked(beamer=True).startswith(r"\documentclass{beamer}")


def test_headings_are_the_slides_and_name_each_derivative_as_a_formula():
    document = _worked()
    for heading in ("Linear transform:", "Activation function: sigmoid:", "Softmax:",
                    "Cost function: multi-class cross-entropy:"):
        assert heading in document
    assert r"\section*{The chain rule for $\partial L/\partial w_{11}$}" in document
    assert r"\section*{The chain rule for $\partial L/\partial v_{11}$}" in document


def _hostile_graph():
    x = autograd.Value(0.5, label=HOSTILE)
    out = (x * 2.0).sigmoid()
    out.label = "out%"
    return out, x


@pytest.mark.parametrize("beamer", [False, True])
def test_a_hostile_label_is_text(beamer):
    out, x = _hostile_graph()
    document = latex_document(out, derivations=[x], beamer=beamer, title=HOSTILE)
    assert r"\input{" not in document and r"\write18" not in document
    assert r"\textbackslash{}input\{/etc/hostname\}" in document
    assert r"\textbackslash{}write18\{touch PWNED\}\$x\textasciicircum{}" in document


def _engine():
    found = shutil.which("pdflatex"), shutil.which("pdftotext")
    if not all(found):
        message = "pdflatex and pdftotext are needed (Debian: texlive-latex-base, poppler-utils)"
        if IN_CI:
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)
    return found


def _compile(tmp_path, document):
    pdflatex, pdftotext = _engine()
    (tmp_path / "doc.tex").write_text(document, encoding="utf-8")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                          "doc.tex"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "openout_any": "p", "openin_any": "p"})
    assert run.returncode == 0, run.stdout[-3000:]
    text = subprocess.run([pdftotext, "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout
    return text.replace("−", "-")


@pytest.mark.parametrize("beamer", [False, True])
def test_the_worked_example_compiles_and_shows_the_slides_numbers(tmp_path, beamer):
    text = _compile(tmp_path, _worked(beamer))
    assert "-0.3835" in text and "0.6819" in text


def test_a_hostile_label_compiles_as_text_and_runs_nothing(tmp_path):
    out, x = _hostile_graph()
    text = _compile(tmp_path, latex_document(out, derivations=[x]))
    assert not (tmp_path / "PWNED").exists()
    assert "input{/etc/hostname}" in text.replace(" ", "")


def test_worked_example_command_writes_the_document(tmp_path, capsys):
    from visualize.cli import main

    assert main(["worked-example", "--latex", str(tmp_path / "w.tex"), "--beamer"]) == 0
    written = (tmp_path / "w.tex").read_text(encoding="utf-8")
    assert written.startswith(r"\documentclass{beamer}") and "&= -0.3835" in written


def test_nn_s_own_labels_and_any_script_compile(tmp_path):
    # λΣw², ŷ, ½ and ‖·‖ are what nn names its nodes; a label in another script has no
    # glyph in pdflatex and is shown as its code point instead of stopping the document.
    import nn

    model = nn.MLP(2, [2, 1], activation="sigmoid", seed=1)
    prediction = model([0.5, -1.0])[0]
    cost = nn.mse([prediction], [1.0]) + nn.squared_l2_penalty(model, 0.01)
    cost.label = "J 日本"
    document = latex_document(cost, derivations=[model.parameters()[0]])
    assert "λ" not in document.split(r"\begin{document}")[1]  # written as \lambda
    text = _compile(tmp_path, document)
    assert "[U+65E5][U+672C]" in text.replace(" ", "")
