"""A layer of the scalar graph regrouped as the slides draw it: matrices.

``layer_matrices(root, model)`` finds, for each layer of an ``nn.Layer`` or
``nn.MLP``, its nodes in the graph below ``root`` and writes the layer as the
slides do: X · V = Q, σ(Q) = H; the gradients ∇V = dL/dV; and one
gradient-descent step V(t) − η·∇V = V(t+1). Nothing is computed twice: the
matrices hold the graph's own numbers, and the gradients come from
``autograd.grad`` (``.grad`` is not read or changed).

Each equation is a short list of tokens (a matrix, an operator, a name) that
three writers typeset: Unicode text, LaTeX (amsmath ``bmatrix``) and HTML
(MathML, which browsers show without any script).
"""

from dataclasses import dataclass, field

import autograd
from autograd.formulas import latex_name, mathml_name

from visualize.tables import format_number

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"

# How the slides write each activation of a layer.
ACTIVATION_SYMBOLS = {"sigmoid": "σ", "softmax": "softmax", "tanh": "tanh", "relu": "relu"}


@dataclass(frozen=True)
class Name:
    """A matrix's name: ``V``, ``∇V``, ``V`` with superscript ``(t)``."""

    letter: str
    nabla: bool = False
    superscript: str = ""


@dataclass(frozen=True)
class LayerMatrices:
    """One layer's numbers in the slides' orientation (inputs as a row, weights input × unit)."""

    name: str  # the weights' matrix name, e.g. "V"
    inputs: list  # [x1 .. xn]
    weights: list  # n × m
    bias: list  # [b1 .. bm], or empty
    linear: list  # [q1 .. qm]
    activation: str  # "sigmoid", "softmax", ... or "" for none
    outputs: list  # [h1 .. hm]
    gradients: list  # n × m, dL/dweight
    updated: list  # n × m, weight − η·gradient
    # The graph's nodes of the sums and of the activations, for the page to know which
    # step completes each equation (not part of what the layer's numbers are).
    linear_nodes: tuple = field(default=(), compare=False, repr=False)
    output_nodes: tuple = field(default=(), compare=False, repr=False)


class MatrixView:
    """Every layer of a model as matrix equations; prints as text, shows as HTML in Jupyter."""

    def __init__(self, layers, learning_rate, digits):
        self.layers = layers
        self.learning_rate = learning_rate
        self.digits = digits

    @staticmethod
    def _forward(layer):
        """[(equation, the nodes it computes)]: X · V = Q, then the activation σ(Q) = H."""
        bias = ["+", [layer.bias]] if layer.bias else []
        found = [([[layer.inputs], "·", layer.weights, *bias, "=", [layer.linear]],
                  layer.linear_nodes)]
        if layer.activation:
            symbol = ACTIVATION_SYMBOLS.get(layer.activation, layer.activation)
            found.append(([symbol, "(", [layer.linear], ")", "=", [layer.outputs]],
                          layer.output_nodes))
        return found

    def forward_moments(self):
        """[(node, MathML)]: each forward equation with the last node it computes, so a
        stepper can show X · V = Q once all of Q is known (one ``<math>`` element each)."""
        moments = []
        for layer in self.layers:
            for equation, nodes in self._forward(layer):
                if nodes:
                    moments.append((nodes[-1], f'<math xmlns="{MATHML_NAMESPACE}" display="block">'
                                               f"<mrow>{_mathml_equation(equation, self.digits)}"
                                               "</mrow></math>"))
        return moments

    def equations(self):
        """The equations in order: forward for each layer, then gradients and updates, last layer first."""
        forward = [equation for layer in self.layers for equation, _ in self._forward(layer)]
        backward = []
        for layer in reversed(self.layers):
            backward.append([Name(layer.name, nabla=True), "=", layer.gradients])
            backward.append([layer.weights, "−", f"{self.learning_rate:g}", "·",
                             layer.gradients, "=", layer.updated])
        return forward + backward

    def captions(self):
        """One line per equation saying what it is, in the order of ``equations``."""
        lines = []
        for layer in self.layers:
            lines.append(f"the inputs times the weights {layer.name}")
            if layer.activation:
                lines.append(f"the activation {layer.activation}")
        for layer in reversed(self.layers):
            lines.append(f"the gradient of the loss by {layer.name}")
            lines.append(f"{layer.name}(t) − η·∇{layer.name} = {layer.name}(t+1), "
                         f"one gradient-descent step at η = {self.learning_rate:g}")
        return lines

    def __str__(self):
        blocks = []
        for caption, equation in zip(self.captions(), self.equations()):
            blocks.append(caption + ":\n" + _text_equation(equation, self.digits))
        return "\n\n".join(blocks)

    def to_latex_lines(self):
        """Every equation in LaTeX math (amsmath), in the order of ``equations``."""
        return [_latex_equation(equation, self.digits) for equation in self.equations()]

    def to_latex(self):
        """Every equation as a LaTeX display (amsmath), one after another."""
        return "\n".join(f"\\[ {line} \\]" for line in self.to_latex_lines())

    def to_html(self):
        """Every equation as MathML inside a small HTML fragment."""
        parts = ['<div class="tracegrad-matrices">']
        for caption, equation in zip(self.captions(), self.equations()):
            parts.append(f"<p>{_html_text(caption)}:</p>"
                         f'<math display="block"><mrow>{_mathml_equation(equation, self.digits)}'
                         "</mrow></math>")
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self):
        return self.to_html()

    def __repr__(self):
        return f"<MatrixView of {len(self.layers)} layer(s); print() it>"


def named_matrices_text(matrices, caption, digits=4):
    """``{name: rows}`` as the slides print matrices (V = [...]), under ``caption``, as text."""
    equations = [_text_equation([Name(name), "=", rows], digits) for name, rows in matrices.items()]
    return caption + ":\n" + "\n\n".join(equations)


def named_matrices_html(matrices, caption, digits=4):
    """``{name: rows}`` as MathML matrices (V = [...]) under ``caption``, an HTML fragment."""
    parts = [f'<div class="tracegrad-matrices"><p>{_html_text(caption)}:</p>']
    for name, rows in matrices.items():
        parts.append(f'<math display="block"><mrow>{_mathml_equation([Name(name), "=", rows], digits)}'
                     "</mrow></math>")
    parts.append("</div>")
    return "".join(parts)


def _html_text(text):
    import html

    return html.escape(text, quote=True)


def _matrix_name(layer):
    return layer.weight_name.upper()


def _layer_nodes(order, layer):
    """(preactivations, outputs) of ``layer`` in the graph ``order``: the dot nodes reading its weights."""
    weights = {id(neuron.weight_values[0]): index for index, neuron in enumerate(layer.neurons)}
    linear = [None] * len(layer.neurons)
    for node in order:
        if node.op is not None and node.op.name == "dot" and id(node.inputs[0]) in weights:
            linear[weights[id(node.inputs[0])]] = node
    if any(node is None for node in linear):
        raise ValueError(f"layer_matrices: the graph does not use every unit of the layer {_matrix_name(layer)}")
    if layer.activation == "identity":
        return linear, linear
    reading = {id(node) for node in linear}
    # The activation's nodes read the layer's sums (softmax: each p_k reads every z).
    outputs = [node for node in order if node.op is not None and node.op.name == layer.activation
               and any(id(source) in reading for source in node.inputs)]
    return linear, outputs


def layer_matrices(root, model, learning_rate=0.5, digits=4):
    """The layers of ``model`` (an ``nn.Layer`` or ``nn.MLP``) in the graph of ``root``, as matrices.

    ``root`` is the loss (its gradients fill ∇V, ∇W); ``learning_rate`` is the
    step of the update equations (the slides' 0.5).
    """
    layers = getattr(model, "layers", None) or [model]
    order = autograd.topological_order(root)
    found = []
    for layer in layers:
        linear, outputs = _layer_nodes(order, layer)
        count = len(layer.neurons[0].weight_values)
        inputs = [source.data for source in linear[0].inputs[count: 2 * count]]
        weights = layer.weight_matrix()
        flat = [value for row in weights for value in row]
        gradients = dict(zip(map(id, flat), autograd.grad(root, flat)))
        gradient_rows = [[gradients[id(value)] for value in row] for row in weights]
        activation = "" if layer.activation == "identity" else layer.activation
        found.append(LayerMatrices(
            name=_matrix_name(layer),
            inputs=inputs,
            weights=[[value.data for value in row] for row in weights],
            bias=[value.data for value in layer.biases()],
            linear=[node.data for node in linear],
            activation=activation,
            outputs=[node.data for node in outputs] if activation else [],
            gradients=gradient_rows,
            updated=[[value.data - learning_rate * gradient for value, gradient in zip(row, gradient_row)]
                     for row, gradient_row in zip(weights, gradient_rows)],
            linear_nodes=tuple(linear),
            output_nodes=tuple(outputs) if activation else (),
        ))
    return MatrixView(found, learning_rate, digits)


# ----- writing equations: a token is a matrix (rows of numbers), a Name, or a string ----------


def _is_matrix(token):
    return isinstance(token, list)


def _text_token(token, digits):
    """A token as lines of text (a matrix is as tall as its rows)."""
    if isinstance(token, Name):
        return [("∇" if token.nabla else "") + token.letter + token.superscript]
    if not _is_matrix(token):
        return [token]
    cells = [[format_number(value, digits) for value in row] for row in token]
    width = max(len(cell) for row in cells for cell in row)
    lines = [" ".join(cell.rjust(width) for cell in row) for row in cells]
    if len(lines) == 1:
        return [f"[{lines[0]}]"]
    left = ["⎡"] + ["⎢"] * (len(lines) - 2) + ["⎣"]
    right = ["⎤"] + ["⎥"] * (len(lines) - 2) + ["⎦"]
    return [f"{a} {line} {b}" for a, line, b in zip(left, lines, right)]


def _text_equation(tokens, digits, indent="  "):
    """Tokens side by side, each block centred on the equation's middle line."""
    blocks = [_text_token(token, digits) for token in tokens]
    height = max(len(block) for block in blocks)
    columns = []
    for block in blocks:
        width = max(len(line) for line in block)
        top = (height - len(block)) // 2
        padded = [""] * top + block + [""] * (height - len(block) - top)
        columns.append([line.ljust(width) for line in padded])
    # No space inside brackets, nor between a function's name and its bracket: σ([…]).
    tight = [isinstance(token, str) and token in ("(", ")", *ACTIVATION_SYMBOLS.values()) for token in tokens]
    lines = []
    for row in range(height):
        line = ""
        for index, column in enumerate(columns):
            closing = tokens[index] == ")"
            joiner = "" if index == 0 or closing or (tight[index - 1] and tokens[index - 1] != ")") else " "
            line += joiner + column[row]
        lines.append(indent + line.rstrip())
    return "\n".join(lines)


_LATEX_OPERATORS = {"·": "\\cdot", "−": "-", "+": "+", "=": "=", "(": "\\left(", ")": "\\right)",
                    "σ": "\\sigma", "tanh": "\\tanh", "softmax": "\\operatorname{softmax}",
                    "relu": "\\operatorname{relu}"}


def _latex_token(token, digits):
    if isinstance(token, Name):
        return ("\\nabla " if token.nabla else "") + latex_name(token.letter)
    if _is_matrix(token):
        rows = " \\\\ ".join(" & ".join(format_number(value, digits) for value in row) for row in token)
        return f"\\begin{{bmatrix}} {rows} \\end{{bmatrix}}"
    return _LATEX_OPERATORS.get(token, latex_name(token))


def _latex_equation(tokens, digits):
    return " ".join(_latex_token(token, digits) for token in tokens)


_MATHML_OPERATORS = {"·": "·", "−": "−", "+": "+", "=": "=", "(": "(", ")": ")"}


def _mathml_token(token, digits):
    if isinstance(token, Name):
        return ("<mo>∇</mo>" if token.nabla else "") + mathml_name(token.letter)
    if _is_matrix(token):
        rows = "".join(
            "<mtr>" + "".join(f"<mtd>{mathml_name(format_number(value, digits))}</mtd>" for value in row)
            + "</mtr>"
            for row in token
        )
        return f"<mrow><mo>[</mo><mtable>{rows}</mtable><mo>]</mo></mrow>"
    if token in _MATHML_OPERATORS:
        return f"<mo>{_MATHML_OPERATORS[token]}</mo>"
    return mathml_name(token)


def _mathml_equation(tokens, digits):
    return "".join(_mathml_token(token, digits) for token in tokens)
