"""Building blocks of a network: ``Module``, ``Neuron``, ``Layer``, ``MLP`` and ``Dropout``.

Everything here composes ``autograd`` operations; no derivative is written in
this file. Each neuron's pre-activation is a single ``autograd.dot`` node
(w · x + b), so a layer of n units adds n dot nodes and n activation nodes to
the graph, and pictures stay readable.

Weights follow the slides' orientation: a layer from ``nin`` inputs to ``nout``
units holds an ``nin × nout`` matrix, row i for input i, column j for unit j.
The slides' hidden layer V is 3 × 2 and their output layer W is 2 × 3, and a
parameter's label is its letter and 1-based subscripts: ``v11`` .. ``v32``,
``w11`` .. ``w23``, biases ``b1`` .. ``bn`` (``w3_12`` once an index reaches 10).

Every node a call makes is named as on the slides, so no picture, table or
explanation of a model shows a made-up name:

* inputs given as numbers become one ``Constant`` per feature, ``x1 .. xn``,
  read by every unit of the first layer (inputs are data, not parameters);
* a hidden layer's pre-activations are ``q1, q2, ..`` and its activations
  ``h1, h2, ..``; the output layer's are ``z1, z2, ..`` and ``p1, ..`` for
  probabilities (softmax, sigmoid) or ``ŷ1, ..`` for any other activation;
* with several hidden layers each hidden name carries its layer as a
  superscript: ``q¹1, h¹1, q²1, h²1`` (see ``hidden_names``).
"""

import random
from collections.abc import Sequence

from autograd import Constant, Value, dot

from nn.activations import ELEMENTWISE, apply_activation, check_activation
from nn.checks import finite_number, node_name, probability, sequence, whole_number
from nn.init import as_rng, default_initialiser, initial_weights


def weight_label(letter: str, row: int, column: int) -> str:
    """The slides' subscript label for weight (row, column), both 1-based: ``v11``, ``w3_12``."""
    if row < 10 and column < 10:
        return f"{letter}{row}{column}"
    return f"{letter}{row}_{column}"


class Module:
    """Something with parameters: a neuron, a layer, a whole network.

    Subclasses list their own parameters in ``own_parameters()`` and their
    sub-modules in ``children()``; names then compose as ``"layers.0.v11"``,
    where everything before the last dot names the module that holds it.
    """

    def __init__(self) -> None:
        self.training = True

    def own_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs held directly by this module, not by a child."""
        return []

    def own_weights(self) -> list[Value]:
        """The parameters held directly here that are weights (biases excluded)."""
        return []

    def children(self) -> list[tuple[str, "Module"]]:
        """(name, module) pairs of the modules inside this one."""
        return []

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every trainable ``Value`` with a stable, readable name, in a fixed order."""
        named = list(self.own_parameters())
        for prefix, child in self.children():
            named.extend((f"{prefix}.{name}", value) for name, value in child.named_parameters())
        return named

    def parameters(self) -> list[Value]:
        """Every trainable ``Value``, in the order of ``named_parameters``."""
        return [value for _, value in self.named_parameters()]

    def weights(self) -> list[Value]:
        """Every weight, biases excluded: what the slides' regularisation penalises."""
        collected = list(self.own_weights())
        for _, child in self.children():
            collected.extend(child.weights())
        return collected

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter to 0 before the next backward pass."""
        for value in self.parameters():
            value.grad = 0.0

    def train(self, mode: bool = True) -> "Module":
        """Switch this module and its children to training mode (or evaluation if ``mode`` is False)."""
        self.training = bool(mode)
        for _, child in self.children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        """Switch to evaluation mode: dropout lets everything through."""
        return self.train(False)

    def __call__(self, inputs):
        return self.forward(inputs)

    def forward(self, inputs):
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def hidden_names(layer: int, hidden_layers: int) -> tuple[str, str]:
    """(pre-activation name, activation name) of hidden layer ``layer`` (1-based).

    One hidden layer uses the slides' plain ``q`` and ``h``. With several, the layer
    goes in a superscript, the textbook's h⁽ˡ⁾: ``q¹1`` is unit 1 of hidden layer 1.
    A superscript can never be misread as part of the unit number (``q11`` could be
    layer 1 unit 1 or unit 11), nor as the ``row_column`` of a weight label like
    ``w3_12``, however many layers or units there are.
    """
    if hidden_layers == 1:
        return "q", "h"
    layer_mark = str(layer).translate(_SUPERSCRIPT_DIGITS)
    return f"q{layer_mark}", f"h{layer_mark}"


def default_output_name(activation: str) -> str | None:
    """The name of an output layer's activations: ``p`` for probabilities, ``ŷ`` for any
    other output, none for ``identity`` (there the output is the pre-activation ``z``)."""
    if activation == "identity":
        return None
    return "p" if activation in ("softmax", "sigmoid") else "ŷ"


def input_nodes(inputs: Sequence, where: str) -> list[Value]:
    """The inputs as nodes: a ``Value`` as it is, a number as a ``Constant`` named ``x1 .. xn``.

    Made once per call, so every unit reading input i reads the same node xi.
    """
    return [
        value if isinstance(value, Value)
        else Constant(finite_number(value, f"{where}: input x{i}"), label=f"x{i}")
        for i, value in enumerate(inputs, 1)
    ]


def _finite_number(number, where: str) -> float:
    return finite_number(number.data if isinstance(number, Value) else number, where)


def _input_list(inputs, expected: int, where: str) -> list:
    if isinstance(inputs, (Value, int, float, str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"{where}: expects a list of {expected} inputs, got {type(inputs).__name__}"
        )
    if len(inputs) != expected:
        raise ValueError(f"{where}: expects {expected} inputs, got {len(inputs)}")
    return list(inputs)


class Neuron(Module):
    """One unit: activation(w1·x1 + ... + wn·xn + b), the pre-activation one ``dot`` node.

    Standalone its parameters are labelled ``w1 .. wn`` and ``b``; a ``Layer``
    passes the slides' two-index labels instead.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "identity",
        bias: bool = True,
        weights: Sequence[float] | None = None,
        weight_labels: Sequence[str] | None = None,
        bias_label: str = "b",
        init: str | None = None,
        seed: random.Random | int | None = None,
    ) -> None:
        super().__init__()
        self.nin = whole_number(nin, "Neuron: nin", minimum=1)
        if check_activation(activation, "Neuron") not in ELEMENTWISE:
            raise ValueError(
                f"Neuron: {activation!r} reads a whole layer; give it to a Layer, not a Neuron"
            )
        self.activation = activation
        labels = list(weight_labels) if weight_labels is not None else [
            f"w{i}" for i in range(1, nin + 1)
        ]
        if len(labels) != nin:
            raise ValueError(f"Neuron: {nin} inputs but {len(labels)} weight labels")
        if weights is None:
            column = initial_weights(init or default_initialiser(activation), nin, 1, as_rng(seed))
            weights = [row[0] for row in column]
        if len(weights) != nin:
            raise ValueError(f"Neuron: {nin} inputs but {len(weights)} weights")
        self.weight_values = [
            Value(_finite_number(number, f"Neuron weight {label}"), label)
            for number, label in zip(weights, labels)
        ]
        self.bias = Value(0.0, bias_label) if bias else None

    def own_parameters(self):
        named = [(value.label, value) for value in self.weight_values]
        if self.bias is not None:
            named.append((self.bias.label, self.bias))
        return named

    def own_weights(self):
        return list(self.weight_values)

    def preactivation(self, inputs) -> Value:
        """w · x + b as one node, named ``z``."""
        inputs = input_nodes(_input_list(inputs, self.nin, "Neuron"), "Neuron")
        node = dot(self.weight_values, inputs, self.bias)
        node.label = "z"
        return node

    def forward(self, inputs) -> Value:
        output = apply_activation(self.activation, [self.preactivation(inputs)])[0]
        if self.activation != "identity":
            output.label = default_output_name(self.activation)
        return output

    def __repr__(self):
        return f"Neuron(nin={self.nin}, activation={self.activation!r}, bias={self.bias is not None})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; weights an ``nin × nout`` matrix.

    ``weight_name`` is the letter of the slides' matrix (``"v"`` gives ``v11`` ..),
    ``bias_name`` the bias prefix. ``preactivation_name`` / ``output_name`` label
    the nodes a call makes (the slides' ``q1, q2`` and ``h1, h2``); left out (or
    set to None) they are an output layer's ``z`` and ``p`` or ``ŷ``, and an
    ``MLP`` gives its hidden layers ``q`` and ``h``.
    Calling a layer on a list of numbers or Values returns a list of Values.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "identity",
        bias: bool = True,
        init: str | None = None,
        seed: random.Random | int | None = None,
        weight_name: str = "w",
        bias_name: str = "b",
        preactivation_name: str | None = None,
        output_name: str | None = None,
    ) -> None:
        super().__init__()
        self.nin = whole_number(nin, "Layer: nin", minimum=1)
        self.nout = whole_number(nout, "Layer: nout", minimum=1)
        _check_parameter_count(parameter_count(nin, nout, bias), f"Layer ({nin}→{nout})")
        self.activation = check_activation(activation, "Layer")
        self._weight_name = node_name(weight_name, "Layer: weight_name")
        self._bias_name = node_name(bias_name, "Layer: bias_name")
        self.preactivation_name = preactivation_name
        self.output_name = output_name
        self.init = init or default_initialiser(activation)
        rows = initial_weights(self.init, nin, nout, as_rng(seed))
        self.neurons = [
            Neuron(
                nin,
                activation="identity",
                bias=bias,
                weights=[row[j] for row in rows],
                weight_labels=[weight_label(self.weight_name, i + 1, j + 1) for i in range(nin)],
                bias_label=f"{self.bias_name}{j + 1}",
            )
            for j in range(nout)
        ]

    @property
    def has_bias(self) -> bool:
        return self.neurons[0].bias is not None

    # ----- names: checked once here, so whatever a layer holds can be saved and loaded ----

    @property
    def weight_name(self) -> str:
        """The matrix's letter; fixed at construction, because the weights' labels are made from it."""
        return self._weight_name

    @property
    def bias_name(self) -> str:
        """The biases' prefix; fixed at construction, like ``weight_name``."""
        return self._bias_name

    @property
    def preactivation_name(self) -> str:
        """What labels the pre-activation nodes a call makes (``"q"`` gives q1, q2, ...)."""
        return self._preactivation_name

    @preactivation_name.setter
    def preactivation_name(self, name: str | None) -> None:
        # None means the default: an output layer's z.
        self._preactivation_name = "z" if name is None else node_name(name, "Layer: preactivation_name")

    @property
    def output_name(self) -> str | None:
        """What labels the activation nodes a call makes (``"h"`` gives h1, h2, ...);
        None only for ``identity``, which makes no activation node."""
        return self._output_name

    @output_name.setter
    def output_name(self, name: str | None) -> None:
        # None means the default: an output layer's p or ŷ.
        self._output_name = (default_output_name(self.activation) if name is None
                             else node_name(name, "Layer: output_name"))

    # ----- weights in the slides' orientation ------------------------------------------

    def weight_matrix(self) -> list[list[Value]]:
        """The weight nodes as ``nin`` rows of ``nout``: row i, column j is the slides' w_ij."""
        return [[neuron.weight_values[i] for neuron in self.neurons] for i in range(self.nin)]

    def weights_as_rows(self) -> list[list[float]]:
        """The weights as numbers, ``nin`` rows of ``nout`` (the slides' orientation)."""
        return [[value.data for value in row] for row in self.weight_matrix()]

    def biases(self) -> list[Value]:
        """The bias nodes, one per unit (empty without bias)."""
        return [neuron.bias for neuron in self.neurons if neuron.bias is not None]

    def biases_as_list(self) -> list[float]:
        return [value.data for value in self.biases()]

    def set_weights(self, rows: Sequence[Sequence[float]]) -> None:
        """Overwrite the weights from ``nin`` rows of ``nout`` numbers; nothing changes on a bad shape."""
        where = f"Layer {self.weight_name}.set_weights"
        if not isinstance(rows, Sequence) or len(rows) != self.nin:
            raise ValueError(f"{where}: expected {self.nin} rows (one per input), got {_length(rows)}")
        numbers = []
        for i, row in enumerate(rows):
            if not isinstance(row, Sequence) or len(row) != self.nout:
                raise ValueError(
                    f"{where}: row {i + 1} should hold {self.nout} numbers (one per unit), got {_length(row)}"
                )
            numbers.append([
                _finite_number(number, f"{where}: {weight_label(self.weight_name, i + 1, j + 1)}")
                for j, number in enumerate(row)
            ])
        for row_values, row_numbers in zip(self.weight_matrix(), numbers):
            for value, number in zip(row_values, row_numbers):
                value.data = number

    def set_biases(self, numbers: Sequence[float]) -> None:
        """Overwrite the biases, one number per unit."""
        where = f"Layer {self.weight_name}.set_biases"
        if not self.has_bias:
            raise ValueError(f"{where}: this layer was made with bias=False")
        if not isinstance(numbers, Sequence) or len(numbers) != self.nout:
            raise ValueError(f"{where}: expected {self.nout} biases, got {_length(numbers)}")
        checked = [
            _finite_number(number, f"{where}: {self.bias_name}{j + 1}")
            for j, number in enumerate(numbers)
        ]
        for value, number in zip(self.biases(), checked):
            value.data = number

    # ----- parameters and the forward pass ----------------------------------------------

    def own_parameters(self):
        named = [(value.label, value) for row in self.weight_matrix() for value in row]
        named.extend((value.label, value) for value in self.biases())
        return named

    def own_weights(self):
        return [value for row in self.weight_matrix() for value in row]

    def preactivations(self, inputs) -> list[Value]:
        """One ``dot`` node per unit: the slides' q = xV (before the activation)."""
        where = f"Layer {self.weight_name} ({self.nin}→{self.nout})"
        # Checked and made into nodes once for the whole layer, so each unit goes
        # straight to its dot node and all of them read the same x1 .. xn.
        inputs = input_nodes(_input_list(inputs, self.nin, where), where)
        outputs = [dot(neuron.weight_values, inputs, neuron.bias) for neuron in self.neurons]
        _label_all(outputs, self.preactivation_name)
        return outputs

    def activate(self, preactivations: Sequence[Value]) -> list[Value]:
        """The activation applied to the pre-activations: the slides' h = σ(q)."""
        outputs = apply_activation(self.activation, preactivations)
        if self.activation != "identity":
            _label_all(outputs, self.output_name)
        return outputs

    def forward(self, inputs) -> list[Value]:
        return self.activate(self.preactivations(inputs))

    def __repr__(self):
        return (
            f"Layer({self.nin}, {self.nout}, activation={self.activation!r}, "
            f"bias={self.has_bias}, weight_name={self.weight_name!r})"
        )


# Limits on what a module holds, shared with nn.serialization so that every model
# a Module accepts can be saved and loaded back, and no file can ask for more.
MAX_PARAMETERS = 1_000_000  # scalar Values; far beyond anything this engine trains in reasonable time
MAX_LAYERS = 1000


def parameter_count(nin: int, nout: int, bias: bool) -> int:
    """How many weights and biases a layer from ``nin`` inputs to ``nout`` units holds."""
    return nout * (nin + (1 if bias else 0))


def _check_parameter_count(count: int, where: str) -> None:
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{where}: {count} parameters is more than the {MAX_PARAMETERS} a tracegrad model "
            f"may hold (each is a Python object; training that many scalars would take hours)"
        )


def _length(thing) -> str:
    return str(len(thing)) if isinstance(thing, Sequence) else type(thing).__name__


def _label_all(values: Sequence[Value], name: str | None) -> None:
    if name is not None:
        for k, value in enumerate(values, 1):
            value.label = f"{name}{k}"


class Dropout(Module):
    """Inverted dropout: in training each input is zeroed with probability ``p`` and the
    survivors are scaled by 1/(1 − p), so the expected output equals the input and
    evaluation mode can pass everything through unchanged. Seeded with ``seed``.
    """

    def __init__(self, p: float = 0.5, seed: random.Random | int | None = None) -> None:
        super().__init__()
        self.p = probability(p, "Dropout: p")
        self.rng = as_rng(seed)
        # The nodes a call makes: masks m1, m2, .. (constants) and outputs d1, d2, ..;
        # an MLP adds its hidden layer's superscript (m¹1, d¹1) when it has several.
        self.mask_name = "m"
        self.output_name = "d"

    def forward(self, inputs) -> list[Value]:
        inputs = list(inputs)
        if not self.training or self.p == 0.0:
            return inputs
        # p = 1 drops everything; there is no survivor to scale.
        keep_scale = 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)
        outputs = []
        for k, value in enumerate(inputs, 1):
            kept = self.rng.random() >= self.p
            # The mask is data drawn at random, not something to learn: a constant.
            mask = Constant(keep_scale if kept else 0.0, label=f"{self.mask_name}{k}")
            outputs.append(value * mask)
        _label_all(outputs, self.output_name)
        return outputs

    def __repr__(self):
        return f"Dropout(p={self.p:g})"


# Letters a weight matrix may take, ending in the slides' v and w. Left out: those
# that name other nodes (b, d, h, m, p, q, x, y, z), the subscripts i, j, k, and
# l, o, t (l and o read as 1 and 0; t<n> is how unnamed nodes are shown).
_WEIGHT_LETTERS = "acefgnrsuvw"


def default_weight_names(layer_count: int) -> list[str]:
    """Letters ending in ``w``, one per layer: ``["w"]``, ``["v", "w"]`` (the slides),
    ``["u", "v", "w"]``, ``["s", "u", "v", "w"]``...; ``w1_, w2_, ..`` past 11 layers."""
    if layer_count <= len(_WEIGHT_LETTERS):
        return list(_WEIGHT_LETTERS[len(_WEIGHT_LETTERS) - layer_count:])
    return [f"w{k}_" for k in range(1, layer_count + 1)]


class MLP(Module):
    """A multi-layer perceptron: ``nin`` inputs, then one ``Layer`` per entry of ``sizes``.

    Hidden layers use ``activation``, the last layer ``output_activation``
    (``activations`` lists one per layer instead). Layer k's parameters are
    labelled with ``weight_names[k]`` (default ``v``, ``w`` for two layers, as on
    the slides) and ``bias_names[k]`` (default ``b_v``, ``b_w``). ``dropout`` > 0 puts a
    ``Dropout`` after every hidden layer. ``seed`` makes initialisation (and
    dropout) repeatable. Parameter names look like ``"layers.0.v11"``.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "tanh",
        output_activation: str = "identity",
        bias: bool = True,
        seed: int | None = None,
        init: str | None = None,
        dropout: float = 0.0,
        activations: Sequence[str] | None = None,
        weight_names: Sequence[str] | None = None,
        bias_names: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        self.nin = whole_number(nin, "MLP: nin", minimum=1)
        if isinstance(sizes, (int, str)) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(f"MLP: sizes must be a non-empty list of layer widths, got {sizes!r}")
        self.sizes = [whole_number(size, f"MLP: layer width {k + 1}", minimum=1) for k, size in enumerate(sizes)]
        count = len(self.sizes)
        if count > MAX_LAYERS:
            raise ValueError(f"MLP: at most {MAX_LAYERS} layers, got {count}")
        widths = [self.nin] + self.sizes
        _check_parameter_count(
            sum(parameter_count(widths[k], widths[k + 1], bias) for k in range(count)), "MLP"
        )
        if activations is None:
            activations = [activation] * (count - 1) + [output_activation]
        if len(activations) != count:
            raise ValueError(f"MLP: {count} layers but {len(activations)} activations")
        for k, name in enumerate(activations[:-1]):
            if check_activation(name, f"MLP layer {k + 1}") not in ELEMENTWISE:
                raise ValueError(f"MLP: {name!r} belongs on the output layer, not hidden layer {k + 1}")
        names = (sequence(weight_names, "MLP: weight_names", "a list of names")
                 if weight_names is not None else default_weight_names(count))
        if len(names) != count:
            raise ValueError(f"MLP: {count} layers but {len(names)} weight names")
        names = [node_name(name, f"MLP: weight_names[{k}]") for k, name in enumerate(names)]
        if bias_names is None:
            bias_names = ["b"] if count == 1 else [f"b_{name}" for name in names]
        bias_names = sequence(bias_names, "MLP: bias_names", "a list of names")
        if len(bias_names) != count:
            raise ValueError(f"MLP: {count} layers but {len(bias_names)} bias names")
        bias_names = [node_name(name, f"MLP: bias name of layer {k + 1}") for k, name in enumerate(bias_names)]
        rng = random.Random(seed)
        self.layers = [
            Layer(
                widths[k],
                widths[k + 1],
                activation=activations[k],
                bias=bias,
                init=init,
                seed=rng,
                weight_name=names[k],
                bias_name=bias_names[k],
            )
            for k in range(count)
        ]
        # Built even for a single layer, so a bad probability is refused there too.
        dropouts = [Dropout(dropout, seed=rng.getrandbits(64)) for _ in range(max(count - 1, 1))]
        self.dropout = dropouts[0].p
        self.dropouts = dropouts[: count - 1] if self.dropout else []
        hidden_layers = count - 1
        for k, layer in enumerate(self.layers[:-1], 1):
            layer.preactivation_name, layer.output_name = hidden_names(k, hidden_layers)
        for k, module in enumerate(self.dropouts, 1):
            # The hidden layer's superscript, if it has one: h¹ gives m¹ and d¹.
            layer_mark = self.layers[k - 1].output_name[1:]
            module.mask_name, module.output_name = f"m{layer_mark}", f"d{layer_mark}"

    @property
    def activations(self) -> list[str]:
        return [layer.activation for layer in self.layers]

    def children(self):
        named = [(f"layers.{k}", layer) for k, layer in enumerate(self.layers)]
        named.extend((f"dropouts.{k}", module) for k, module in enumerate(self.dropouts))
        return named

    def weights_as_rows(self) -> list[list[list[float]]]:
        """One matrix per layer, each in the slides' orientation (inputs × units)."""
        return [layer.weights_as_rows() for layer in self.layers]

    def set_weights(self, matrices: Sequence[Sequence[Sequence[float]]]) -> None:
        """Overwrite every layer's weights (one matrix per layer); checked before anything changes."""
        if not isinstance(matrices, Sequence) or len(matrices) != len(self.layers):
            raise ValueError(f"MLP.set_weights: expected {len(self.layers)} matrices, got {_length(matrices)}")
        saved = self.weights_as_rows()
        try:
            for layer, rows in zip(self.layers, matrices):
                layer.set_weights(rows)
        except (TypeError, ValueError):
            for layer, rows in zip(self.layers, saved):
                layer.set_weights(rows)
            raise

    def forward(self, inputs) -> list[Value]:
        outputs = _input_list(inputs, self.nin, f"MLP ({self.nin} inputs)")
        for k, layer in enumerate(self.layers):
            outputs = layer(outputs)
            if self.dropouts and k < len(self.dropouts):
                outputs = self.dropouts[k](outputs)
        return outputs

    def __repr__(self):
        return (
            f"MLP({self.nin}, {self.sizes}, activations={self.activations}, "
            f"bias={self.layers[0].has_bias})"
        )
