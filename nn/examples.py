"""The slides' two worked examples as builders, with the numbers the slides print.

``worked_example()`` builds the 3-2-3 network of "Gradient Descent -- Architecture":
inputs x = [0.35, 0.20, 0.50], hidden weights V (3 × 2), sigmoid, output weights
W (2 × 3), softmax, no biases, label "Good" = [1, 0, 0] and the slides'
L = −Σ y_i ln p_i. Every node carries the slides' name (x1, v11, q1, h1, w11, z1,
p1, y1, L), and ``groups`` lists them block by block in slide order.
Nothing here calls ``backward``: call ``example.backward()`` (or pass
``backward=True``) when you want the ``.grad`` fields filled.

``calc_graph_example()`` builds "Calculation Graphs": h(x) = σ(w0 + w1·x1 + w2·x2),
l(x, y) = (y − h(x))², with sample numbers chosen so the gradients come out round.

``SLIDE_NUMBERS`` records each number exactly as printed (rounded, and two
misprints), so callers can show "slides vs exact"; ``compare_with_slides`` does it.
"""

import html
from dataclasses import dataclass, field

import autograd
from autograd import Constant, Value

from nn.losses import cross_entropy_from_probabilities
from nn.module import MLP

INPUTS = (0.35, 0.20, 0.50)
V_ROWS = ((0.4963, 0.7682), (0.0885, 0.1320), (0.3074, 0.6341))
W_ROWS = ((0.4901, 0.8964, 0.4556), (0.6323, 0.3489, 0.4017))
CLASS_NAMES = ("Good", "Neutral", "Bad")
LABEL_NAME = "Good"
LEARNING_RATE = 0.5

ARCHITECTURE = "Gradient Descent -- Architecture"
FORWARD = "Gradient Descent -- Forward Pass Calculations"
GRADIENT = "Gradient Descent -- Gradient Calculation"
APPLY = "Gradient Descent -- Apply Gradients"


@dataclass(frozen=True)
class SlideNumber:
    """One number as the slides print it."""

    name: str  # the node label, or a quantity such as "dL/dw11"
    value: float
    printed: str  # the text on the slide, e.g. "36.4%"
    decimals: int  # decimals of ``value`` the slide shows (36.4% -> 3)
    slide: str
    misprint: bool = False
    note: str = ""

    @property
    def tolerance(self) -> float:
        """Half a unit in the last printed place: how far rounding alone can move it."""
        return 0.5 * 10.0 ** -self.decimals


def _printed_block(names, numbers, slide):
    return [SlideNumber(name, number, f"{number:.4f}", 4, slide) for name, number in zip(names, numbers)]


SLIDE_NUMBERS: tuple[SlideNumber, ...] = tuple(
    _printed_block(["x1", "x2", "x3"], INPUTS, ARCHITECTURE)
    + _printed_block(
        ["v11", "v12", "v21", "v22", "v31", "v32"], [n for row in V_ROWS for n in row], ARCHITECTURE
    )
    + _printed_block(
        ["w11", "w12", "w13", "w21", "w22", "w23"], [n for row in W_ROWS for n in row], ARCHITECTURE
    )
    + _printed_block(["q1", "q2"], [0.3451, 0.6123], ARCHITECTURE)
    + _printed_block(["h1", "h2"], [0.5854, 0.6485], ARCHITECTURE)
    + _printed_block(["z1"], [0.6969], ARCHITECTURE)
    + [
        SlideNumber(
            "z2",
            0.7511,
            "0.7511",
            4,
            ARCHITECTURE,
            note="exact 0.75103 rounds to 0.7510: the slides are one off in the last digit",
        )
    ]
    + _printed_block(["z3"], [0.5272], ARCHITECTURE)
    + [
        SlideNumber("p1", 0.3449, "0.3449", 4, FORWARD, note="softmax slide; 34.5% in the diagram"),
        SlideNumber("p2", 0.364, "36.4%", 3, ARCHITECTURE),
        SlideNumber("p3", 0.291, "29.1%", 3, ARCHITECTURE),
        SlideNumber("dL/dw11", -0.3835, "-0.3835", 4, GRADIENT),
        SlideNumber("w11 after one step", 0.6819, "0.6819", 4, APPLY, note="0.4901 − 0.5 × (−0.3835)"),
        SlideNumber(
            "h2",
            0.6458,
            "0.6458",
            4,
            FORWARD,
            misprint=True,
            note="digits swapped; the architecture slide prints 0.6485, and z1 = 0.6969 needs 0.6485",
        ),
        SlideNumber(
            "v32",
            0.6343,
            "0.6343",
            4,
            FORWARD,
            misprint=True,
            note="the sigmoid forward-pass slide; every other slide prints 0.6341",
        ),
    ]
)

# The slides' numbers by name (misprints left out; see SLIDE_MISPRINTS).
SLIDE_VALUES: dict[str, float] = {n.name: n.value for n in SLIDE_NUMBERS if not n.misprint}
SLIDE_MISPRINTS: dict[str, float] = {n.name: n.value for n in SLIDE_NUMBERS if n.misprint}


@dataclass
class SteppedWeights:
    """V and W (nested floats, slides' orientation) after θ ← θ − η ∇L."""

    V: list[list[float]]
    W: list[list[float]]
    learning_rate: float

    def _caption(self):
        return f"The weights after one step of gradient descent at η = {self.learning_rate:g}"

    # A notebook shows the slides' matrices, rounded, not a wall of 16-digit floats.
    # visualize is imported when shown, never when nn is imported.
    def _repr_html_(self):
        from visualize.matrices import named_matrices_html

        return named_matrices_html({"V": self.V, "W": self.W}, self._caption())

    def _repr_pretty_(self, printer, cycle):
        from visualize.matrices import named_matrices_text

        printer.text(named_matrices_text({"V": self.V, "W": self.W}, self._caption()))


@dataclass(repr=False)
class WorkedExample:
    """The 3-2-3 network of the slides, its forward pass and its loss, node by node."""

    x: list[Value]
    V: list[list[Value]]
    q: list[Value]
    h: list[Value]
    W: list[list[Value]]
    z: list[Value]
    p: list[Value]
    y: list[Value]
    target: list[float]
    label_name: str
    class_names: tuple[str, ...]
    loss: Value
    model: MLP
    groups: dict[str, list[Value]] = field(default_factory=dict)
    learning_rate: float = LEARNING_RATE

    def _summary(self) -> str:
        label = ", ".join(f"{number:g}" for number in self.target)
        return (f"The slides' 3-2-3 network: L = {self.loss.data:.4f} for the label "
                f"{self.label_name} (y = [{label}]), η = {self.learning_rate:g}")

    def _matrices(self):
        from visualize.matrices import layer_matrices

        return layer_matrices(self.loss, self.model, self.learning_rate)

    # In a notebook: the slides' matrices, forward, gradients and one update, rounded.
    def _repr_html_(self):
        return f"<p><b>{html.escape(self._summary())}</b></p>{self._matrices().to_html()}"

    def _repr_pretty_(self, printer, cycle):
        printer.text(f"{self._summary()}\n\n{self._matrices()}")

    def __repr__(self):
        return f"<WorkedExample: L = {self.loss.data:.4f}; display it for the slides' matrices>"

    def backward(self) -> "WorkedExample":
        """Zero every gradient in the graph, run backprop from L and return self."""
        autograd.zero_grad(self.loss)
        self.loss.backward()
        return self

    def nodes(self) -> dict[str, Value]:
        """Every named node by its label: x1 .. L."""
        return {value.label: value for values in self.groups.values() for value in values} | {
            "L": self.loss
        }

    def gradients(self) -> dict[str, float]:
        """dL/d(parameter) for every weight, by label, computed without touching ``.grad``."""
        parameters = self.model.parameters()
        values = autograd.grad(self.loss, parameters)
        return {parameter.label: value for parameter, value in zip(parameters, values)}

    def gradient_rows(self) -> tuple[list[list[float]], list[list[float]]]:
        """(dL/dV, dL/dW) as nested floats in the slides' orientation."""
        gradients = self.gradients()
        return (
            [[gradients[value.label] for value in row] for row in self.V],
            [[gradients[value.label] for value in row] for row in self.W],
        )

    def step(self, learning_rate: float | None = None) -> SteppedWeights:
        """The weights after one gradient-descent step (the slides' η = 0.5); the model is unchanged."""
        eta = self.learning_rate if learning_rate is None else learning_rate
        gradient_v, gradient_w = self.gradient_rows()

        def updated(rows, gradient_rows):
            return [
                [value.data - eta * gradient for value, gradient in zip(row, gradient_row)]
                for row, gradient_row in zip(rows, gradient_rows)
            ]

        return SteppedWeights(updated(self.V, gradient_v), updated(self.W, gradient_w), eta)

    def w11_chain(self) -> dict[str, float]:
        """The slides' chain dL/dw11 = dL/dp1 · dp1/dz1 · dz1/dw11, each factor read off the graph."""
        p1, z1, w11 = self.p[0], self.z[0], self.W[0][0]
        dL_dp1 = autograd.grad(self.loss, p1)
        dp1_dz1 = _local(p1, z1)
        dz1_dw11 = _local(z1, w11)
        return {
            "dL/dp1": dL_dp1,
            "dp1/dz1": dp1_dz1,
            "dz1/dw11": dz1_dw11,
            "dL/dw11": dL_dp1 * dp1_dz1 * dz1_dw11,
        }


def _local(node: Value, source: Value) -> float:
    """d node / d source along the direct edge(s) between them."""
    return sum(local for parent, local in node.edges if parent is source)


def _leaves(names: list[str], numbers, kind=Value) -> list[Value]:
    return [kind(number, label=name) for name, number in zip(names, numbers)]


def worked_example(backward: bool = False) -> WorkedExample:
    """Build the slides' 3-2-3 sigmoid/softmax example; ``backward=True`` also runs backprop."""
    model = MLP(
        3,
        [2, 3],
        activations=["sigmoid", "softmax"],
        bias=False,
        weight_names=["v", "w"],
    )
    # An MLP names its nodes as the slides do: q, h for the hidden layer, z, p for the output.
    hidden, output = model.layers
    model.set_weights([V_ROWS, W_ROWS])

    x = _leaves(["x1", "x2", "x3"], INPUTS)
    q = hidden.preactivations(x)
    h = hidden.activate(q)
    z = output.preactivations(h)
    p = output.activate(z)
    target = [1.0 if name == LABEL_NAME else 0.0 for name in CLASS_NAMES]
    # The labels are data, not parameters: constants, with no gradient.
    y = _leaves(["y1", "y2", "y3"], target, Constant)
    # L = −Σ y_i ln p_i as one node with local derivatives −y_i/p_i, so dL/dw11 reads
    # as on the slides: dL/dp1 · dp1/dz1 · dz1/dw11.
    loss = cross_entropy_from_probabilities(p, y, label="L")

    V, W = hidden.weight_matrix(), output.weight_matrix()
    groups = {
        "Inputs X": x,
        "Weights V": [value for row in V for value in row],
        "Linear Q": q,
        "Hidden H": h,
        "Weights W": [value for row in W for value in row],
        "Logits Z": z,
        "Probs P": p,
        "Labels Y": y,
    }
    example = WorkedExample(
        x=x, V=V, q=q, h=h, W=W, z=z, p=p, y=y, target=target, label_name=LABEL_NAME,
        class_names=CLASS_NAMES, loss=loss, model=model, groups=groups,
    )
    return example.backward() if backward else example


@dataclass(frozen=True)
class SlideComparison:
    """One printed number next to the exact one."""

    name: str
    printed: str
    slide_value: float
    exact: float
    difference: float  # exact − slide
    agrees: bool  # within rounding of the printed digits
    misprint: bool
    note: str


def exact_slide_quantities(example: WorkedExample | None = None) -> dict[str, float]:
    """The exact value of every quantity the slides print, by the same names."""
    example = example or worked_example()
    exact = {name: node.data for name, node in example.nodes().items()}
    exact["dL/dw11"] = example.gradients()["w11"]
    exact["w11 after one step"] = example.step().W[0][0]
    return exact


def compare_with_slides(example: WorkedExample | None = None) -> list[SlideComparison]:
    """Every printed number (misprints too) against the exact computation, in slide order."""
    exact = exact_slide_quantities(example)
    rows = []
    for number in SLIDE_NUMBERS:
        difference = exact[number.name] - number.value
        rows.append(
            SlideComparison(
                number.name,
                number.printed,
                number.value,
                exact[number.name],
                difference,
                abs(difference) <= number.tolerance + 1e-12,
                number.misprint,
                number.note,
            )
        )
    return rows


# ----- the calculation-graph example --------------------------------------------------

# Powers of two, so that s = w0 + w1·x1 + w2·x2 is exactly 0 in floating point too.
CALC_GRAPH_SAMPLE = {"x1": 0.5, "x2": -2.0, "y": 1.0, "w0": 0.25, "w1": 0.5, "w2": 0.25}


@dataclass
class CalcGraphExample:
    """h(x) = σ(w0 + w1·x1 + w2·x2) and l(x, y) = (y − h(x))², node by node."""

    x1: Value
    x2: Value
    y: Value
    w0: Value
    w1: Value
    w2: Value
    w1x1: Value
    w2x2: Value
    s: Value
    h: Value
    error: Value
    loss: Value
    groups: dict[str, list[Value]] = field(default_factory=dict)

    def backward(self) -> "CalcGraphExample":
        """Zero every gradient in the graph, run backprop from l and return self."""
        autograd.zero_grad(self.loss)
        self.loss.backward()
        return self

    def nodes(self) -> dict[str, Value]:
        return {value.label: value for values in self.groups.values() for value in values}


def calc_graph_example(
    x1: float = CALC_GRAPH_SAMPLE["x1"],
    x2: float = CALC_GRAPH_SAMPLE["x2"],
    y: float = CALC_GRAPH_SAMPLE["y"],
    w0: float = CALC_GRAPH_SAMPLE["w0"],
    w1: float = CALC_GRAPH_SAMPLE["w1"],
    w2: float = CALC_GRAPH_SAMPLE["w2"],
    backward: bool = False,
) -> CalcGraphExample:
    """Build the slides' calculation graph. The default numbers give s = 0, h = 0.5, l = 0.25,
    so by hand dl/dh = −1, dh/ds = 0.25, dl/dw0 = −0.25, dl/dw1 = −0.125, dl/dw2 = 0.5.
    """
    leaves = {
        name: Value(number, label=name)
        for name, number in (("x1", x1), ("x2", x2), ("w0", w0), ("w1", w1), ("w2", w2))
    }
    # The label y is data, not something to learn: a constant, with no gradient.
    leaves["y"] = Constant(y, label="y")
    product_1 = leaves["w1"] * leaves["x1"]
    product_1.label = "w1x1"
    product_2 = leaves["w2"] * leaves["x2"]
    product_2.label = "w2x2"
    linear = autograd.sum_values([leaves["w0"], product_1, product_2])
    linear.label = "s"
    prediction = linear.sigmoid()
    prediction.label = "h"
    error = leaves["y"] - prediction
    error.label = "y-h"
    loss = error**2
    loss.label = "l"
    example = CalcGraphExample(
        **leaves,
        w1x1=product_1,
        w2x2=product_2,
        s=linear,
        h=prediction,
        error=error,
        loss=loss,
        groups={
            "Inputs X": [leaves["x1"], leaves["x2"]],
            "Weights": [leaves["w0"], leaves["w1"], leaves["w2"]],
            "Products": [product_1, product_2],
            "Sum s": [linear],
            "Sigmoid h": [prediction],
            "Label y": [leaves["y"]],
            "Loss l": [error, loss],
        },
    )
    return example.backward() if backward else example
