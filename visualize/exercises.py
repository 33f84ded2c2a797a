"""Backprop exercises from any graph: questions, answers checked with a diagnosis, hints.

``exercises(...)`` makes a seeded ``ExerciseSet``:

>>> from visualize import exercises
>>> sheet = exercises("worked-example", count=3, seed=1)
>>> first = sheet[0]
>>> first.question
'Forward pass: compute h1.'
>>> first.check(0.5854).correct
True
>>> print(first.check(0.3451))
Not yet: 0.3451 is not h1. Most likely activation left out: that is q1 itself; h1 = σ(q1) applies the activation to it.

Four kinds of exercise: a forward value (q1, h2, p3, L), a local derivative
(∂h1/∂q1), a gradient of the loss (∂L/∂w12) and the weight after one step of
gradient descent. ``exercise.check(answer)`` accepts an answer within the
exercise's tolerance (absolute 10^−decimals, relative 5·10^−decimals: room for
a student's rounded intermediate numbers, none for a mistake) and otherwise
names the most likely mistake (``visualize.mistakes``), in words, with the
formula of the factor concerned. ``exercise.hint()`` reveals the chain rule
one factor at a time.

The same seed gives the same exercises on every machine: only a
``random.Random(seed)`` is drawn from, never the global generator.
"""

import math
import random
from dataclasses import dataclass

from autograd.formulas import LATEX, MATHML, TEXT, Input

from visualize import derivation, mistakes
from visualize.mistakes import number_text
from visualize.exercise_networks import (
    calc_graph_network, graph_network, random_network, worked_example_network,
)
from visualize.explain import explain
from visualize.tables import format_number, grouped, node_names

FORWARD, LOCAL, GRADIENT, UPDATE = "forward", "local", "gradient", "update"
KINDS = (FORWARD, LOCAL, GRADIENT, UPDATE)
SOURCES = ("worked-example", "calc-graph")
MAX_PATHS = 64  # paths a gradient exercise lists; more would not fit a sheet
MAX_COUNT = 100


def _name(node):
    return grouped(node.label)


@dataclass(frozen=True)
class Checked:
    """The verdict on one answer; true when it is right. ``str()`` says it in words."""

    correct: bool
    answer: float
    tolerance: float
    mistake: mistakes.Mistake | None
    message: str

    def __bool__(self):
        return self.correct

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"<Checked {'right' if self.correct else 'wrong'}: {self.message}>"


def read_answer(answer, where="check"):
    """A number from a float, an int or a text such as '−0.3835' or '34.5%'."""
    if isinstance(answer, bool):
        raise TypeError(f"{where}: the answer must be a number, got {answer!r}")
    if isinstance(answer, str):
        text = answer.strip().replace("−", "-").replace(",", ".")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1].strip(), 0.01
        try:
            number = float(text) * scale
        except ValueError:
            raise ValueError(f"{where}: cannot read {answer!r} as a number") from None
    elif isinstance(answer, (int, float)):
        number = float(answer)
    else:
        raise TypeError(f"{where}: the answer must be a number, got {type(answer).__name__}")
    if not math.isfinite(number):
        raise ValueError(f"{where}: the answer must be a finite number, got {answer!r}")
    return number


class Exercise:
    """One question about one graph: ``kind``, ``question``, ``check(answer)``, ``hint()``, ``solution``.

    ``node`` is what is asked about (for a local derivative: the consumer, and
    ``source`` the input); ``answer`` the exact value; ``decimals`` those the answer
    is given to; ``network`` the graph with what the student is told.
    """

    def __init__(self, kind, network, node, source=None, decimals=4, learning_rate=0.5):
        self.kind = kind
        self.network = network
        self.node = node
        self.source = source
        self.decimals = decimals
        self.learning_rate = learning_rate
        self.explanation = None
        if kind in (GRADIENT, UPDATE):
            self.explanation = explain(network.root, node, max_paths=MAX_PATHS, digits=decimals)
        self.answer = self._exact()
        self._hints_shown = 0

    # ----- what is asked ------------------------------------------------------------------

    def _exact(self):
        if self.kind == FORWARD:
            return self.node.data
        if self.kind == LOCAL:
            return self.node.edges[self.node.inputs.index(self.source)][1]
        if self.kind == GRADIENT:
            return self.explanation.total
        return self.node.data - self.learning_rate * self.explanation.total

    @property
    def symbol(self):
        """What the answer is, in a few characters: h2, ∂h1/∂q1, ∂L/∂w12, w12 after one step."""
        if self.kind == FORWARD:
            return _name(self.node)
        if self.kind == LOCAL:
            return f"∂{_name(self.node)}/∂{_name(self.source)}"
        if self.kind == GRADIENT:
            return f"∂{_name(self.network.root)}/∂{_name(self.node)}"
        return f"{_name(self.node)} after one step"

    @property
    def question(self):
        """The question as a sheet prints it."""
        if self.kind == FORWARD:
            return f"Forward pass: compute {self.symbol}."
        if self.kind == LOCAL:
            at = [f"{_name(s)} = {format_number(s.data, self.decimals)}"
                  for s in self.node.inputs if not s.is_leaf]
            where = f" at {', '.join(at)}" if at else ""
            return f"Local derivative: compute {self.symbol}{where}."
        if self.kind == GRADIENT:
            return f"Gradient of the loss: compute {self.symbol}."
        return (f"Gradient descent: after one step with η = {self.learning_rate:g}, "
                f"what is {_name(self.node)}?")

    @property
    def rounded(self):
        """The answer with the exercise's decimals, as the solution prints it."""
        return format_number(self.answer, self.decimals)

    @property
    def absolute_tolerance(self):
        return mistakes.absolute_tolerance(self.decimals)

    @property
    def relative_tolerance(self):
        return mistakes.relative_tolerance(self.decimals)

    def tolerance(self, value=None):
        """How far an answer may be from ``value`` (default: the right answer) and still be it
        (``visualize.mistakes.answer_tolerance``, the rule predict mode grades by too)."""
        return mistakes.answer_tolerance(self.answer if value is None else value, self.decimals)

    # ----- checking -------------------------------------------------------------------------

    def mistakes(self):
        """The usual mistakes for this exercise, each with the value it gives (``visualize.mistakes``)."""
        digits = self.decimals
        if self.kind == FORWARD:
            found = mistakes.forward_mistakes(self.node, digits)
        elif self.kind == LOCAL:
            found = mistakes.local_mistakes(self.node, self.node.inputs.index(self.source), digits)
        elif self.kind == GRADIENT:
            found = mistakes.gradient_mistakes(self.explanation, digits)
        else:
            found = mistakes.update_mistakes(self.node, self.explanation, self.learning_rate, digits)
        # A mistake that gives the right number (a path worth 0) cannot be told apart: not listed.
        return [m for m in found if math.isfinite(m.value) and not self._close(m.value, self.answer)]

    def _close(self, given, value):
        return abs(given - value) <= self.tolerance(value)

    def check(self, answer):
        """Right or wrong within the tolerance; when wrong, the most likely mistake in words."""
        given = read_answer(answer, f"check ({self.symbol})")
        allowed = self.tolerance()
        within = f"±{allowed:.2g}"
        if self._close(given, self.answer):
            return Checked(True, given, allowed, None,
                           f"Right: {self.symbol} = {number_text(self.answer, self.decimals)} (answers within {within} count).")
        candidates = [m for m in self.mistakes() if self._close(given, m.value)]
        shown = number_text(given, self.decimals)
        if not candidates:
            return Checked(False, given, allowed, None,
                           f"Not yet: {shown} is not {self.symbol} (within {within}), and no usual "
                           "mistake gives it; .hint() shows the way one step at a time.")
        likely = min(candidates, key=lambda m: abs(given - m.value))
        return Checked(False, given, allowed, likely,
                       f"Not yet: {shown} is not {self.symbol}. Most likely {likely.name}: "
                       f"{likely.words}.")

    # ----- hints ------------------------------------------------------------------------------

    def hints(self):
        """Every hint in order: the rule, then each factor of the chain rule with its formula and number."""
        digits = self.decimals
        if self.kind in (FORWARD, LOCAL):
            rows = self.solution_rows(TEXT)
            return [f"{rows[0][0]} = {rows[0][1]}", f"With the numbers: {rows[0][0]} = {rows[1][1]}",
                    "Work it out to " + ("the decimals asked for." if rows[-1][1] != rows[1][1] else
                                         "the decimals asked for: the number is given.")]
        hints = []
        if self.kind == UPDATE:
            name = _name(self.node)
            hints.append(f"Gradient descent: {name} ← {name} − η·∂{_name(self.network.root)}/∂{name} "
                         f"with η = {self.learning_rate:g}; first find the gradient.")
        explanation = self.explanation
        whole = f"∂{_name(explanation.root)}/∂{_name(self.node)}"
        chains = [" · ".join(f"∂{_name(f.numerator)}/∂{_name(f.denominator)}" for f in path.factors)
                  for path in explanation.paths]
        if not chains:
            hints.append(f"{whole} = 0: no path from {_name(self.node)} carries gradient to the root.")
            return hints
        paths = "one path" if len(chains) == 1 else f"{len(chains)} paths, added"
        hints.append(f"The chain rule ({paths}): {whole} = " + " + ".join(chains))
        seen = set()
        for path in explanation.paths:
            for factor, steps in zip(path.factors, path.steps):
                key = (factor.numerator, factor.denominator)
                if key in seen:
                    continue
                seen.add(key)
                formula = derivation.factor_formula(steps, TEXT, _name, first=True)
                numbers = derivation.factor_formula(
                    steps, TEXT, lambda node: format_number(node.data, digits), first=True)
                parts = [formula, numbers, number_text(factor.local_derivative, digits)]
                # w21 = 0.6323, not w21 = 0.6323 = 0.6323
                parts = [part for k, part in enumerate(parts) if k == 0 or part != parts[k - 1]]
                hints.append(f"∂{_name(factor.numerator)}/∂{_name(factor.denominator)} = " + " = ".join(parts))
        last = "Multiply the factors along the path." if len(chains) == 1 else \
            "Multiply the factors along each path, then add the paths."
        hints.append(last)
        return hints

    def hint(self):
        """The next hint (the last one again once all are shown)."""
        hints = self.hints()
        index = min(self._hints_shown, len(hints) - 1)
        self._hints_shown += 1
        suffix = "" if self._hints_shown < len(hints) else " (that was the last hint)"
        return f"Hint {index + 1}/{len(hints)}: {hints[index]}{suffix}"

    # ----- the solution -----------------------------------------------------------------------

    def solution_rows(self, style=TEXT):
        """The derivation as the slides write it: ``(left, right)`` rows in ``style`` (TEXT, LATEX, MATHML)."""
        digits = self.decimals
        if self.kind == FORWARD:
            table = self.node.op.formulas(len(self.node.inputs))
            left = style.name(self.node.label)
            if table is None:
                return [(left, derivation.number(self.answer, style, digits))]
            constants = {k: s.data for k, s in enumerate(self.node.inputs) if s.is_constant}
            formula = table.out.substitute(constants)
            return self._formula_rows(left, formula, style)
        if self.kind == LOCAL:
            left = derivation.derivative_symbol(self.node.label, self.source.label, style)
            formula = derivation.local_formula(self.node, self.node.inputs.index(self.source))
            if formula is None:
                return [(left, derivation.number(self.answer, style, digits))]
            return self._formula_rows(left, formula, style)
        rows = self.explanation.derivation_rows(style)
        if self.kind == GRADIENT:
            return rows
        return rows + self._update_rows(style)

    def _formula_rows(self, left, formula, style):
        digits = self.decimals
        inputs = self.node.inputs
        known = node_names(self.network.root)  # an unlabelled input is t<row>, as on the tape
        names = [style.name(grouped(known[s])) for s in inputs]
        numbers = [style.name(format_number(s.data, digits)) for s in inputs]
        if not isinstance(formula, Input):
            # 0.25 + 0.25 + (−0.5), not 0.25 + 0.25 + −0.5
            numbers = [style.brackets(n) if s.data < 0 else n for n, s in zip(numbers, inputs)]
        out_name, out_number = style.name(self.node.label), style.name(self.rounded)
        rows = [(left, formula.write(style, names, out_name)),
                ("", formula.write(style, numbers, out_number))]
        final = derivation.number(self.answer, style, digits)
        # ∂z1/∂h1 = w11 = 0.4901: the numbers line is the value already.
        return rows if rows[-1][1] == final else rows + [("", final)]

    def _update_rows(self, style):
        digits = self.decimals
        name = self.node.label
        root = self.network.root.label
        if style is LATEX:
            updated = f"{style.name(name)}'"
        elif style is MATHML:
            updated = f"<msup>{style.name(name)}<mo>′</mo></msup>"
        else:
            updated = f"{name}′"
        gradient = self.explanation.total
        gradient_number = style.name(format_number(gradient, digits))
        if gradient < 0:
            gradient_number = style.brackets(gradient_number)
        eta = style.name(f"{self.learning_rate:g}")
        return [
            (updated, style.name(name) + style.minus + style.product(
                [style.name("η"), derivation.derivative_symbol(root, name, style)])),
            ("", style.name(format_number(self.node.data, digits)) + style.minus + eta + style.times
             + gradient_number),
            ("", derivation.number(self.answer, style, digits)),
        ]

    @property
    def solution(self):
        """The derivation as Unicode text, the ``=`` signs aligned."""
        return derivation.text_block(self.solution_rows(TEXT))

    def to_data(self):
        """A JSON-ready dict: what is asked, about which nodes, the answer and its tolerance, hints."""
        return {
            "kind": self.kind,
            "question": self.question,
            "symbol": self.symbol,
            "node": self.node.label,
            "source": self.source.label if self.source is not None else None,
            "answer": float(self.rounded) if "e" not in self.rounded else self.answer,
            "exact": self.answer,
            "decimals": self.decimals,
            "tolerance": {"absolute": self.absolute_tolerance, "relative": self.relative_tolerance},
            "learning_rate": self.learning_rate if self.kind == UPDATE else None,
            "hints": self.hints(),
            "solution": self.solution,
        }

    def __repr__(self):
        return f"<Exercise ({self.kind}) {self.question}>"


class ExerciseSet:
    """Numbered exercises and the networks they are about; prints as a sheet of questions."""

    def __init__(self, items, seed, description):
        self.exercises = list(items)
        self.seed = seed
        self.description = description

    def __len__(self):
        return len(self.exercises)

    def __getitem__(self, index):
        return self.exercises[index]

    def __iter__(self):
        return iter(self.exercises)

    @property
    def networks(self):
        """The distinct networks, in the order the exercises first use them."""
        found = []
        for exercise in self.exercises:
            if not any(exercise.network is network for network in found):
                found.append(exercise.network)
        return found

    def network_number(self, exercise):
        return next(k for k, network in enumerate(self.networks, 1) if network is exercise.network)

    def __str__(self):
        lines = [f"Exercises: {self.description} (seed {self.seed})"]
        shown = None
        for number, exercise in enumerate(self.exercises, 1):
            if exercise.network is not shown:
                shown = exercise.network
                lines += ["", *network_lines(shown, self.network_number(exercise))]
            lines.append(f"  {number}. {exercise.question}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def __repr__(self):
        return f"<ExerciseSet of {len(self)}: {self.description}, seed {self.seed}; print() it>"

    def solutions(self):
        """Every exercise's derivation and rounded answer, as text."""
        blocks = []
        for number, exercise in enumerate(self.exercises, 1):
            blocks.append(f"{number}. {exercise.question}\n{exercise.solution}\n"
                          f"   Answer: {exercise.symbol} = {exercise.rounded}")
        return "\n\n".join(blocks)

    def to_data(self):
        """A JSON-ready dict: the networks (given numbers, askable nodes) and the exercises."""
        networks = self.networks
        return {
            "seed": self.seed,
            "description": self.description,
            "networks": [network_data(network) for network in networks],
            "exercises": [exercise.to_data() | {"network": self.network_number(exercise) - 1}
                          for exercise in self.exercises],
        }


def given_text(network, nodes):
    return ", ".join(f"{_name(node)} = {format_number(node.data, network.given_decimals)}" for node in nodes)


def network_lines(network, number):
    """A network as a sheet introduces it: title, model, given numbers by group."""
    lines = [f"Network {number}: {network.title}"]
    if network.formulas:
        lines.append(f"  {network.formulas}")
    lines += [f"  {group}: {given_text(network, nodes)}" for group, nodes in network.given.items() if nodes]
    return lines


def network_data(network):
    return {
        "title": network.title,
        "formulas": network.formulas,
        "root": network.root.label,
        "given": {group: {node.label: node.data for node in nodes} for group, nodes in network.given.items()},
        "quantities": [node.label for node in network.quantities],
        "parameters": [node.label for node in network.parameters],
        "shape": network.shape,
    }


# ----- making a set ---------------------------------------------------------------------------------


def _candidates(network, kind):
    """Every (node, source) a ``kind`` exercise may ask about in ``network``, in graph order."""
    if kind == FORWARD:
        return [(node, None) for node in network.quantities]
    if kind in (GRADIENT, UPDATE):
        return [(node, None) for node in network.parameters]
    askable = set(network.quantities) | set(network.parameters)
    return [
        (node, source)
        for node in network.quantities
        for source, local in node.edges
        if source in askable and local is not None and local != 0.0 and node.inputs.count(source) == 1
    ]


def _check_kinds(kinds):
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"exercises: kinds must be some of {', '.join(KINDS)}, got {kinds!r}")
    return kinds


def _check_whole(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"exercises: {name} must be a whole number from {low} to {high}, got {value!r}")
    return value


def exercises(graph=None, ask=None, *, count=None, seed=0, kinds=KINDS, decimals=4, learning_rate=0.5,
              shape="3-2-3", activation="sigmoid", output="softmax", loss="cross_entropy", bias=False,
              given_decimals=2):
    """A seeded ``ExerciseSet``.

    ``graph``: None for random networks of ``shape`` ("3-2-3": inputs, hidden
    widths, outputs; hidden ``activation`` sigmoid/tanh/relu/leaky_relu, ``output``
    softmax/sigmoid/identity, ``loss`` cross_entropy/mse, ``bias``), one network
    per exercise, with inputs and weights of ``given_decimals`` decimals;
    ``"worked-example"`` or ``"calc-graph"`` for the slides' examples; or a
    ``Value`` (your own graph's root) with ``ask``, the nodes to ask about:
    computed nodes get forward and local-derivative exercises, leaves gradient
    and update exercises. ``kinds`` picks among forward, local, gradient, update
    (taken in turn); ``count`` how many (default 4, or every exercise ``ask`` allows);
    ``decimals`` those of the answers; ``learning_rate`` the η of update exercises.
    """
    kinds = _check_kinds(kinds)
    _check_whole(decimals, "decimals", 1, 8)
    _check_whole(given_decimals, "given_decimals", 1, 6)
    _check_whole(seed, "seed", 0, 2**63)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) \
            or not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"exercises: learning_rate must be a finite number > 0, got {learning_rate!r}")
    if count is not None:
        _check_whole(count, "count", 1, MAX_COUNT)
    rng = random.Random(seed)
    options = {"decimals": decimals, "learning_rate": learning_rate}
    if graph is None:
        made = []
        for index in range(count or 4):
            network = random_network(rng, shape, activation, output, loss, bias, given_decimals, decimals)
            kind = kinds[index % len(kinds)]
            node, source = rng.choice(_candidates(network, kind))
            made.append(Exercise(kind, network, node, source, **options))
        text = f"{count or 4} random {network.shape} networks ({activation}, {output}, {loss.replace('_', '-')})"
        return ExerciseSet(made, seed, text)
    if isinstance(graph, str):
        if graph not in SOURCES:
            raise ValueError(f"exercises: graph must be None, a Value or one of {', '.join(SOURCES)}, "
                             f"got {graph!r}")
        network = worked_example_network() if graph == "worked-example" else calc_graph_network()
        return ExerciseSet(_drawn(network, kinds, count or 4, rng, options), seed, network.title)
    if ask is None:
        raise ValueError("exercises: with your own graph, say which nodes to ask about: ask=[...]")
    network = graph_network(graph, list(ask))
    pool = [(kind, node, source) for kind in kinds for node, source in _candidates(network, kind)]
    if count is not None and count < len(pool):
        chosen = sorted(rng.sample(range(len(pool)), count))
        pool = [pool[k] for k in chosen]
    return ExerciseSet([Exercise(kind, network, node, source, **options) for kind, node, source in pool],
                       seed, network.title)


def _drawn(network, kinds, count, rng, options):
    """``count`` exercises about one network, the kinds in turn, each node asked once at most."""
    pools = {kind: _candidates(network, kind) for kind in kinds}
    made = []
    while len(made) < count:
        index = len(made)
        available = [kind for kind in kinds if pools[kind]]
        if not available:
            break
        kind = available[index % len(available)]
        node, source = pools[kind].pop(rng.randrange(len(pools[kind])))
        exercise = Exercise(kind, network, node, source, **options)
        # An answer of 0 (the calc graph's s) cannot tell a sign error from the right answer.
        if abs(exercise.answer) >= exercise.absolute_tolerance:
            made.append(exercise)
    return made
