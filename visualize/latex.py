"""A LaTeX document a teacher can paste: forward matrices, derivative formulas, derivations, update.

``latex_document(root, ...)`` writes, for any graph, a standalone document
(``article``, or ``beamer`` slides) from the computation itself: the layers as
matrices (``layer_matrices``) when a model is given, the local derivatives of
every operation the graph uses (from the op table's formulas), the chain rule
for the nodes asked for (``explain(...).to_latex()``) and the
gradient-descent step. Every label is escaped (``autograd.formulas.latex_name``
/ ``latex_text``): a label cannot run ``\\input`` or ``\\write18``. The
document needs only amsmath and graphicx (Debian's texlive-latex-base), and
beamer for slides (texlive-latex-recommended).
"""

import autograd
from autograd.formulas import LATEX, latex_name, latex_text, latex_unicode_declarations

from visualize.explain import explain
from visualize.matrices import layer_matrices
from visualize.saving import save_file

PREAMBLE = r"""\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{amsmath}
\usepackage{graphicx}
% A block wider than the line is scaled down to fit; a narrower one stays as it is.
\newcommand{\fitwidth}[1]{\sbox0{#1}\ifdim\wd0>\linewidth\resizebox{\linewidth}{!}{\usebox0}\else\usebox0\fi}
"""
# Text that reaches the document whole (a caption, a mistake's words) may hold λ or ‖: declared.
PREAMBLE += latex_unicode_declarations()


def fitted(aligned_lines):
    return "\\[\\fitwidth{$\\displaystyle " + aligned_lines + "$}\\]"


# The slides' headings for the derivatives they list ("Gradient Descent -- Some Derivatives").
SLIDE_HEADINGS = {
    "dot": "Linear transform",
    "sigmoid": "Activation function: sigmoid",
    "tanh": "Activation function: tanh",
    "relu": "Activation function: ReLU",
    "leaky_relu": "Activation function: leaky ReLU",
    "elu": "Activation function: ELU",
    "softmax": "Softmax",
    "cross_entropy": "Cost function: multi-class cross-entropy",
}


def _derivative_formulas(root):
    """One display per operation the graph uses: d out / d (first input) in the table's names."""
    seen, lines = set(), []
    for node in autograd.topological_order(root):
        op = node.op
        if op is None or op.name in seen:
            continue
        table = op.formulas(len(node.inputs))
        if table is None:
            continue
        seen.add(op.name)
        names = list(table.names)
        derivative = LATEX.derivative("", LATEX.name(names[0]))
        out = table.out.latex(names)
        heading = latex_text(SLIDE_HEADINGS.get(op.name, op.name))
        lines.append((heading, f"{derivative}\\left({out}\\right) = {table.local[0].latex(names)}"))
    return lines


def _sections(root, model, derivations, learning_rate, digits):
    """(title, LaTeX body) for each part of the document."""
    sections = []
    matrices = layer_matrices(root, model, learning_rate, digits) if model is not None else None
    if matrices is not None:
        forward_count = sum(2 if layer.activation else 1 for layer in matrices.layers)
        body = "\n".join(
            f"{latex_text(caption)}:\n{fitted(line)}"
            for caption, line in zip(matrices.captions()[:forward_count],
                                     matrices.to_latex_lines()[:forward_count])
        )
        sections.append(("Forward pass", body))
    formulas = _derivative_formulas(root)
    if formulas:
        body = "\n".join(f"{name}:\n{fitted(line)}" for name, line in formulas)
        sections.append(("Local derivatives", body))
    for node in derivations:
        explanation = explain(root, node, digits=digits)
        # The heading names the derivative as the formulas do: ∂L/∂w_{11}, each label escaped.
        title = (f"The chain rule for $\\partial {latex_name(explanation.name(root))}"
                 f"/\\partial {latex_name(explanation.name(node))}$")
        aligned = explanation.to_latex().replace("align*", "aligned")
        sections.append((title, fitted(aligned)))
    if matrices is not None:
        body = "\n".join(
            f"{latex_text(caption)}:\n{fitted(line)}"
            for caption, line in zip(matrices.captions()[forward_count:],
                                     matrices.to_latex_lines()[forward_count:])
        )
        sections.append((f"Gradients and one step at learning rate {learning_rate:g}", body))
    return sections


def latex_document(root, *, model=None, derivations=(), learning_rate=0.5, digits=4,
                   beamer=False, title="Backpropagation, step by step"):
    """The whole LaTeX source (a string): an ``article``, or ``beamer`` slides with ``beamer=True``.

    ``model``: an ``nn.Layer``/``MLP`` whose layers to show as matrices (with the
    update at ``learning_rate``); ``derivations``: the nodes whose d root / d node
    to derive with the chain rule, e.g. ``[example.W[0][0], example.V[0][0]]``.
    """
    sections = _sections(root, model, derivations, learning_rate, digits)
    safe_title = latex_text(title)
    if beamer:
        frames = "\n".join(
            f"\\begin{{frame}}{{{heading}}}\n{body}\n\\end{{frame}}" for heading, body in sections
        )
        return (f"\\documentclass{{beamer}}\n{PREAMBLE}\\title{{{safe_title}}}\n\\date{{}}\n"
                f"\\begin{{document}}\n\\begin{{frame}}\\titlepage\\end{{frame}}\n{frames}\n"
                "\\end{document}\n")
    body = "\n".join(f"\\section*{{{heading}}}\n{text}" for heading, text in sections)
    return (f"\\documentclass{{article}}\n{PREAMBLE}\\title{{{safe_title}}}\n\\date{{}}\n"
            f"\\begin{{document}}\n\\maketitle\n{body}\n\\end{{document}}\n")


def save_latex(path, root, **options):
    """Write ``latex_document(root, **options)`` to ``path`` (atomically); returns the path."""
    return save_file(path, latex_document(root, **options), "save_latex")
