"""The graphs exercises are asked about: the slides' two examples, a user's graph, random networks.

A ``Network`` is one graph as an exercise sheet shows it: its root (the loss),
the leaves whose numbers the student is given (grouped as the slides group
them), the computed quantities that may be asked for, the parameters whose
gradient and update may be asked for, and, for layered networks, the units
layer by layer for a small picture.

``random_network(rng, shape, ...)`` draws a network of a chosen shape with
"nice" numbers: inputs, weights and targets with ``given_decimals`` decimals,
drawn again until no hidden unit saturates (|q| <= 2.5), no ReLU is switched
off, no probability is near 0 or 1, and no quantity or gradient is so small
that it would round to zero at the exercise's decimals. Only the ``rng``
passed in is used, so a seed gives the same network on every machine.
"""

from dataclasses import dataclass, field

import autograd
from autograd import Value

from nn.losses import binary_cross_entropy, cross_entropy_from_probabilities, mse
from nn.module import MLP, default_weight_names, hidden_names, input_nodes

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid", "identity")
LOSSES = ("cross_entropy", "mse")
# A pre-activation farther from 0 than this flattens σ and tanh: σ' < 0.07.
SATURATION = 2.5
# A pre-activation this close to 0 sits on ReLU's kink (or switches a unit off).
KINK = 0.1
# Probabilities kept inside [EDGE, 1 − EDGE], so ln p and 1/p stay readable.
EDGE = 0.05
MAX_ATTEMPTS = 2000
MAX_UNITS = 8  # per layer: a sheet's picture and derivations stay readable
MAX_LAYERS = 3


@dataclass
class Network:
    """One graph an exercise is asked about, with what the student is given."""

    title: str
    formulas: str  # the model in one line, e.g. "h = σ(xV), p = softmax(hW), L = −Σ y ln p"
    root: Value
    given: dict  # {group name: leaves whose numbers the student is told}
    quantities: list  # computed nodes that may be asked for, in forward order
    parameters: list  # leaves whose gradient and update may be asked for
    given_decimals: int = 4
    # For a layered network: the units of each layer (x, then each layer's outputs)
    # and the weight matrix (rows of leaves) between consecutive layers.
    units: list = field(default_factory=list)
    matrices: list = field(default_factory=list)
    shape: str = ""
    model: object = None  # the nn.MLP of a layered network
    loss: str = ""  # cross_entropy or mse, for a layered network

    def names(self):
        """Every node an exercise may name, by label."""
        leaves = [node for nodes in self.given.values() for node in nodes]
        return {node.label: node for node in leaves + self.quantities + self.parameters}


# ----- the slides' examples ----------------------------------------------------------------------


def worked_example_network():
    """The slides' 3-2-3 sigmoid/softmax network with their numbers."""
    from nn.examples import worked_example

    example = worked_example()
    given = {name: example.groups[name] for name in ("Inputs X", "Weights V", "Weights W", "Labels Y")}
    return Network(
        title="the slides' worked example (3-2-3, sigmoid, softmax)",
        formulas="q = xV, h = σ(q), z = hW, p = softmax(z), L = −Σ y ln p",
        root=example.loss,
        given=given,
        quantities=[*example.q, *example.h, *example.z, *example.p, example.loss],
        parameters=example.model.parameters(),
        given_decimals=4,
        units=[example.x, example.h, example.p],
        matrices=[example.V, example.W],
        shape="3-2-3",
        model=example.model,
        loss="cross_entropy",
    )


def calc_graph_network():
    """The slides' calculation graph h = σ(w0 + w1·x1 + w2·x2), l = (y − h)²."""
    from nn.examples import calc_graph_example

    example = calc_graph_example()
    return Network(
        title="the slides' calculation graph",
        formulas="s = w0 + w1·x1 + w2·x2, h = σ(s), l = (y − h)²",
        root=example.loss,
        given={"Inputs": [example.x1, example.x2], "Weights": [example.w0, example.w1, example.w2],
               "Label": [example.y]},
        quantities=[example.w1x1, example.w2x2, example.s, example.h, example.error, example.loss],
        parameters=[example.w0, example.w1, example.w2],
        given_decimals=2,
    )


def graph_network(root, ask, given_decimals=4):
    """A user's graph: every labelled node is named; ``ask`` says which may be asked about."""
    if not isinstance(root, Value):
        raise TypeError(f"exercises: root must be an autograd.Value, got {type(root).__name__}")
    if root.label is None:
        # A question says ∂L/∂w: the root must have a name (asked nodes too, below).
        raise ValueError("exercises: the root needs a label, so a question can name it "
                         "(root.label = 'L', say)")
    order = autograd.topological_order(root)
    in_graph = set(order)
    for node in ask:
        if not isinstance(node, Value):
            raise TypeError(f"exercises: ask holds {type(node).__name__}, not an autograd.Value")
        if node not in in_graph:
            raise ValueError(f"exercises: asked node {node.label!r} is not in the graph of {root.label!r}")
        if node.label is None:
            raise ValueError("exercises: an asked node needs a label, so a question can name it")
    leaves = [node for node in order if node.is_leaf and node.label is not None]
    asked = set(ask)
    return Network(
        title=f"the graph of {root.label}",
        formulas="",
        root=root,
        given={"Given": leaves},
        quantities=[node for node in order if not node.is_leaf and node in asked],
        parameters=[node for node in order if node.is_leaf and not node.is_constant and node in asked],
        given_decimals=given_decimals,
    )


# ----- random networks ---------------------------------------------------------------------------


def parse_shape(shape):
    """"3-2-3" (inputs, hidden widths..., outputs) as a list of ints; a clear error otherwise."""
    widths = shape
    if isinstance(shape, str):
        try:
            widths = [int(part) for part in shape.split("-")]
        except ValueError:
            raise ValueError(f"exercises: shape must read like 3-2-3 (inputs-hidden-outputs), "
                             f"got {shape!r}") from None
    if (not isinstance(widths, (list, tuple)) or len(widths) < 2
            or any(isinstance(w, bool) or not isinstance(w, int) for w in widths)):
        raise ValueError(f"exercises: shape must be at least two widths such as 3-2-3, got {shape!r}")
    if len(widths) - 1 > MAX_LAYERS or not all(1 <= w <= MAX_UNITS for w in widths):
        raise ValueError(f"exercises: shape {shape!r} is too big for a sheet: at most {MAX_LAYERS} "
                         f"layers of 1 to {MAX_UNITS} units each")
    return list(widths)


def check_choices(activation, output, loss, outputs):
    """Refuse an activation, output or loss the random networks do not make, or a bad pairing."""
    for value, allowed, what in ((activation, HIDDEN_ACTIVATIONS, "activation"),
                                 (output, OUTPUT_ACTIVATIONS, "output"), (loss, LOSSES, "loss")):
        if value not in allowed:
            raise ValueError(f"exercises: {what} must be one of {', '.join(allowed)}, got {value!r}")
    if loss == "cross_entropy" and not (output == "softmax" and outputs >= 2
                                        or output == "sigmoid" and outputs == 1):
        raise ValueError("exercises: cross_entropy needs output='softmax' with 2 or more outputs, "
                         "or output='sigmoid' with one output")
    if output == "softmax" and outputs < 2:
        raise ValueError("exercises: a softmax output needs at least 2 outputs")


def _nice(rng, decimals, low, high):
    """A number with ``decimals`` decimals, |number| in [low, high], either sign."""
    scale = 10 ** decimals
    magnitude = rng.randint(round(low * scale), round(high * scale)) / scale
    return magnitude if rng.random() < 0.5 else -magnitude


def _positive(rng, decimals, low, high):
    scale = 10 ** decimals
    return rng.randint(round(low * scale), round(high * scale)) / scale


def _formulas_line(widths, activation, output, loss):
    hidden = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu"}[activation]
    names = [letter.upper() for letter in default_weight_names(len(widths) - 1)]
    parts, previous = [], "x"
    for k, letter in enumerate(names[:-1], 1):
        q, h = hidden_names(k, len(names) - 1)
        parts.append(f"{q} = {previous}{letter}, {h} = {hidden}({q})")
        previous = h
    last = names[-1]
    result = {"softmax": "p = softmax(z)", "sigmoid": "p = σ(z)", "identity": "ŷ = z"}[output]
    cost = {"softmax": "L = −Σ y ln p", "sigmoid": "L = −(y ln p + (1 − y) ln(1 − p))"}.get(output)
    if loss == "mse":
        cost = "L = ½ Σ (" + ("p" if output != "identity" else "ŷ") + " − y)²"
    parts.append(f"z = {previous}{last}, {result}, {cost}")
    return ", ".join(parts)


def _build(widths, activation, output, loss, bias, numbers):
    inputs, matrices, biases, target = numbers
    activations = [activation] * (len(widths) - 2) + [output]
    model = MLP(widths[0], widths[1:], activations=activations, bias=bias)
    model.set_weights(matrices)
    if bias:
        for layer, values in zip(model.layers, biases):
            layer.set_biases(values)
    x = input_nodes(inputs, "exercises")
    units, quantities, current = [x], [], x
    for layer in model.layers:
        pre = layer.preactivations(current)
        current = layer.activate(pre)
        # identity makes no node of its own: its outputs are the pre-activations
        quantities += pre if current[0] is pre[0] else pre + current
        units.append(current)
    if loss == "cross_entropy" and output == "softmax":
        root = cross_entropy_from_probabilities(current, target, label="L")
    elif loss == "cross_entropy":
        root = binary_cross_entropy(current[0], target[0], label="L")
    else:
        root = mse(current, target, "half_sum", label="L")
    quantities.append(root)
    return model, units, quantities, root


def _is_nice(model, units, quantities, root, activation, output, decimals):
    small = 10.0 ** (1 - decimals)
    for layer_units in units[1:-1]:
        for unit in layer_units:
            q = unit.inputs[0].data
            if abs(q) > SATURATION or abs(q) < KINK or (activation == "relu" and q <= 0.0):
                return False
    if output in ("softmax", "sigmoid") and not all(EDGE <= p.data <= 1 - EDGE for p in units[-1]):
        return False
    if any(abs(node.data) < small or abs(node.data) > 50 for node in quantities):
        return False
    gradients = autograd.grad(root, model.parameters())
    return all(small <= abs(g) <= 50 for g in gradients)


def random_network(rng, shape="3-2-3", activation="sigmoid", output="softmax", loss="cross_entropy",
                   bias=False, given_decimals=2, decimals=4):
    """A network of ``shape`` with nice numbers drawn from ``rng`` (a ``random.Random``)."""
    widths = parse_shape(shape)
    check_choices(activation, output, loss, widths[-1])
    for _ in range(MAX_ATTEMPTS):
        inputs = [_positive(rng, given_decimals, 0.1, 1.0) for _ in range(widths[0])]
        matrices = [[[_nice(rng, given_decimals, 0.1, 1.0) for _ in range(nout)] for _ in range(nin)]
                    for nin, nout in zip(widths, widths[1:])]
        biases = [[_nice(rng, given_decimals, 0.1, 0.5) for _ in range(nout)] for nout in widths[1:]]
        if loss == "cross_entropy" and output == "softmax":
            chosen = rng.randrange(widths[-1])
            target = [1.0 if k == chosen else 0.0 for k in range(widths[-1])]
        elif loss == "cross_entropy":
            target = [float(rng.randrange(2))]
        else:
            target = [_positive(rng, given_decimals, 0.0, 1.0) for _ in range(widths[-1])]
        model, units, quantities, root = _build(widths, activation, output, loss, bias,
                                                (inputs, matrices, biases, target))
        if _is_nice(model, units, quantities, root, activation, output, decimals):
            break
    else:
        raise ValueError(f"exercises: no network of shape {shape!r} with {activation}, {output} and "
                         f"{loss} kept its numbers nice in {MAX_ATTEMPTS} draws; try another shape")
    given = {"Inputs X": units[0]}
    for layer in model.layers:
        given[f"Weights {layer.weight_name.upper()}"] = [v for row in layer.weight_matrix() for v in row]
        if bias:
            given[f"Biases {layer.bias_name}"] = layer.biases()
    given["Labels Y"] = [node for node in autograd.topological_order(root)
                         if node.is_constant and (node.label or "").startswith("y")]
    text = "-".join(str(w) for w in widths)
    return Network(
        title=f"a {text} network ({activation}, {output}, {loss.replace('_', '-')})",
        formulas=_formulas_line(widths, activation, output, loss),
        root=root,
        given=given,
        quantities=quantities,
        parameters=model.parameters(),
        given_decimals=given_decimals,
        units=units,
        matrices=[layer.weight_matrix() for layer in model.layers],
        shape=text,
        model=model,
        loss=loss,
    )
