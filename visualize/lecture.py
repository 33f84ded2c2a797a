"""The page's lecture: every step of forward, backward and update as plain data.

A *step* is one press of Next on the page (``export_html``). Python does all the
arithmetic and formatting here; the page's script only shows and hides it.

* Forward: one step per operation, layer by layer as the slides go (all of a
  block such as "Linear Q" before the next block; a graph without blocks goes by
  depth), always in an order where every input is computed first.
* Backward: one step per operation of ``autograd.backward_steps``, passing its
  gradient to its inputs; the leaves whose gradients become final at the same
  moment (right after their last reader) share one step, which shows each
  one's chain rule from ``visualize.explain``. Constants get no step.
* Update (with a learning rate η): θ ← θ − η·∂L/∂θ for every parameter, one
  step per weight matrix (or block), with the matrices before and after.

Steps that reveal numbers carry *questions* for the page's predict mode: the
value of a forward step, each local derivative and each final gradient, with
the chain-rule terms the page uses to name the factor a wrong answer missed.
Backward steps are numbered from 1 as ``steps()`` and ``frames()`` number them.
"""

import heapq
import math

from visualize.draw import view_for
from visualize.explain import explain
from visualize.matrices import layer_matrices
from visualize.mistakes import answer_tolerance
from visualize.tables import format_number, grouped

# Above this many nodes the chain-rule explanations would make the page huge.
EXPLAIN_LIMIT = 400
# Operations shown between their two operands, as on a blackboard.
INFIX_SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷"}
# How many operands a formula lists before it writes "…".
TERMS_SHOWN = 8


def bracketed(number, digits):
    """A number ready to multiply: negatives in parentheses, as on the slides."""
    text = format_number(number, digits)
    return f"({text})" if text.startswith("-") else text


# ----- forward formulas ----------------------------------------------------------------


def _shortened(terms):
    if len(terms) <= TERMS_SHOWN:
        return terms
    return terms[: TERMS_SHOWN - 1] + [f"… ({len(terms) - TERMS_SHOWN + 1} more)"]


def _dot_terms(operands):
    """Pair ``dot``'s operands (w1..wn, x1..xn[, b]) into w·x terms plus the bias."""
    count = len(operands) // 2
    terms = [f"{operands[k]}·{operands[count + k]}" for k in range(count)]
    if len(operands) % 2:
        terms.append(operands[-1])
    return terms


def _softmax(op, operands):
    """softmax[k] as the slides write it: exp(z_k) / (exp(z1) + ... + exp(zn))."""
    position = op.position
    total = " + ".join(_shortened([f"exp({operand})" for operand in operands]))
    picked = f"exp({operands[position]})"
    if op.name == "log_softmax":
        return f"{operands[position]} − ln({total})"
    return f"{picked} / ({total})"


def _cross_entropy(operands):
    """−(y1·ln p1 + ... + yn·ln pn) over the operands p1..pn, y1..yn."""
    count = len(operands) // 2
    terms = [f"{operands[count + k]}·ln {operands[k]}" for k in range(count)]
    return f"−({' + '.join(_shortened(terms))})"


def formula(op, operands):
    """``operands`` (names or numbers) combined the way ``op`` combines them."""
    if op.name in INFIX_SYMBOLS and len(operands) == 2:
        return f"{operands[0]} {INFIX_SYMBOLS[op.name]} {operands[1]}"
    if op.name == "neg":
        return f"−{operands[0]}"
    if op.name == "pow" and len(operands) == 1 and op.formulas(1) is not None:
        # The op table's own formula, base before exponent: x², 2^{y} (never y2ʸ).
        return op.formulas(1).out.text(list(operands))
    if op.name == "pow" and len(operands) == 2:
        return f"{operands[0]}^{operands[1]}"
    if op.name == "dot":
        return " + ".join(_shortened(_dot_terms(operands)))
    if op.name == "sum":
        return " + ".join(_shortened(operands))
    if op.name in ("softmax", "log_softmax") and op.position is not None:
        return _softmax(op, operands)
    if op.name == "cross_entropy" and len(operands) % 2 == 0:
        return _cross_entropy(operands)
    return f"{op.symbol}({', '.join(_shortened(operands))})"


def forward_lines(node, names, digits):
    """The forward arithmetic of one operation node: name = formula = numbers = result."""
    input_names = [names[source] for source in node.inputs]
    input_numbers = [bracketed(source.data, digits) for source in node.inputs]
    return [
        f"{names[node]} = {formula(node.op, input_names)}",
        f"= {formula(node.op, input_numbers)}",
        f"= {format_number(node.data, digits)}",
    ]


def forward_order(shown):
    """The operations block by block in the slides' order, by depth outside blocks.

    A topological sort that always takes, of the operations whose inputs are
    ready, the one in the earliest block, then the shallowest, then the first in
    graph order: so q1, q2 (Linear Q) come before h1, h2 (Hidden H).
    """
    block = {node: number for number, (_, members) in enumerate(shown.clusters)
             for node in members}
    outside = len(shown.clusters)
    depth, readers, waiting = {}, {}, {}
    for node in shown.order:
        if node.is_leaf:
            continue
        computed_inputs = {source for source in node.inputs if not source.is_leaf}
        depth[node] = 1 + max((depth[source] for source in computed_inputs), default=0)
        waiting[node] = len(computed_inputs)
        for source in computed_inputs:
            readers.setdefault(source, []).append(node)

    def priority(node):
        return (block.get(node, outside), depth[node], shown.index[node])

    ready = [(priority(node), node) for node, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for reader in readers.get(node, ()):
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, (priority(reader), reader))
    return order


# ----- backward ---------------------------------------------------------------------------


def backward_moments(backward_steps):
    """``backward_steps`` as the page's steps: [(first number, steps)], numbered from 1.

    An operation is a moment of its own; the leaves that follow it (their gradients
    became final with it, see ``autograd.backward_steps``) make one moment together.
    """
    moments = []
    for number, step in enumerate(backward_steps, start=1):
        joins = (moments and step.node.is_leaf and moments[-1][1][-1].node.is_leaf
                 and not step.contributions)
        if joins:
            moments[-1][1].append(step)
        else:
            moments.append((number, [step]))
    return moments


def backward_table(step, names, root_name, digits):
    """One operation's backward step: a row per input edge, local × upstream = adds."""
    name = names[step.node]
    return {
        "header": ["input", f"∂{name}/∂input", f"× ∂{root_name}/∂{name}", "= adds", "total"],
        "rows": [
            [
                names[item.input],
                format_number(item.local_derivative, digits),
                format_number(item.upstream, digits),
                format_number(item.contribution, digits),
                format_number(item.running_total, digits),
            ]
            for item in step.contributions
        ],
    }


def chain_rule(explanation, shown, digits):
    """One gradient as the chain rule: each path's factors, numbers, product and nodes.

    Read from ``visualize.explain``: ``symbols`` such as ∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11,
    ``numbers`` (−2.8995)(0.2259)(0.5854), ``product``; ``nodes`` are the graph
    positions along the path, root first, for the page to light it up.
    """
    names = shown.names
    root_name = grouped(names[shown.root])
    name = grouped(names[explanation.node])
    paths = []
    for path in explanation.paths:
        factors = [
            (f"∂{grouped(names[factor.numerator])}/∂{grouped(names[factor.denominator])}",
             factor.local_derivative)
            for factor in path.factors
        ]
        # The root's own path is empty: it is the whole path.
        nodes = ([path.edges[0].numerator] if path.edges else []) + [
            factor.denominator for factor in path.edges] or [explanation.node]
        paths.append({
            "symbols": " · ".join(symbol for symbol, _ in factors),
            "numbers": "".join(f"({format_number(value, digits)})" for _, value in factors),
            "product": format_number(path.product, digits),
            "factors": [{"symbol": symbol, "value": value,
                         "text": format_number(value, digits)} for symbol, value in factors],
            "productValue": path.product,
            "nodes": [shown.index[node] for node in nodes],
        })
    summary = []
    if explanation.omitted_count:
        summary.append(f"… and {explanation.omitted_count} more paths, together "
                       f"{format_number(explanation.omitted_total, digits)}")
    if explanation.zero_path_count:
        summary.append(f"{explanation.zero_path_count} more paths cross a local derivative "
                       "of 0 and add nothing")
    return {
        "node": shown.index[explanation.node],
        "gradient": f"∂{root_name}/∂{name}",
        "total": format_number(explanation.total, digits),
        "paths": paths,
        "summary": summary,
        # The slides' derivation (factors, their formulas, numbers put in, the value) as
        # MathML, which the browser draws itself: no script library, still one offline file.
        "mathml": explanation.to_mathml(),
    }


def asking(key, item):
    """``item`` (a ``question``) tagged with what it asks: ("forward", node),
    ("local", node, input), ("gradient", node) or ("update", node)."""
    item["asks"] = key
    return item


def exercise_key(exercise):
    """What a ``visualize.exercises`` exercise asks, as ``asking`` tags it."""
    if exercise.kind == "local":
        return ("local", exercise.node, exercise.source)
    return (exercise.kind, exercise.node)


def exercise_question(exercise):
    """The page's question, as the exercise words, tolerates and diagnoses it."""
    allowed = exercise.tolerance()
    return {
        "prompt": exercise.question,
        "answer": exercise.answer,
        "text": exercise.rounded,
        "tolerance": allowed,
        "toleranceText": f"±{allowed:.2g}",
        "absolute": exercise.absolute_tolerance,
        "relative": exercise.relative_tolerance,
        # The usual mistakes with the numbers they give, for the page to name the likely one.
        "mistakes": [{"value": mistake.value, "text": f"Most likely {mistake.name}: {mistake.words}."}
                     for mistake in exercise.mistakes()],
    }


def tolerance(answer, digits):
    """Predict mode grades as exercises do (``visualize.mistakes.answer_tolerance``)."""
    return answer_tolerance(answer, digits)


def question(prompt, answer, digits, hint, chain=None):
    """One number for predict mode: what is asked, the answer and how near counts as right."""
    return {
        "prompt": prompt,
        "answer": answer,
        "text": format_number(answer, digits),
        "tolerance": tolerance(answer, digits),
        "toleranceText": f"±{tolerance(answer, digits):.2g}",
        "hint": hint,
        "chain": chain,
    }


# ----- the steps --------------------------------------------------------------------------


def _step(phase, tag, title, lines=(), node=None, inputs=(), **more):
    """One press of Next: what the panel says and which nodes light up (by position)."""
    return {"phase": phase, "tag": tag, "title": title, "lines": list(lines), "table": None,
            "node": node, "inputs": list(inputs), "final": [], "chains": [], "questions": [],
            "updates": [], "matrices": [], "matrixMathml": None, **more}


class Lecture:
    """The steps of one view's page and, per node, when it is computed and final."""

    def __init__(self, shown, learning_rate=None, exercises=()):
        self.shown = shown
        self.digits = shown.digits
        self.names = shown.names
        self.root_name = shown.names[shown.root]
        self.backward_steps = shown.run_backward()
        self.explained = len(shown.order) <= EXPLAIN_LIMIT
        self.explanations = {}
        self.received = None  # big graphs: per node, the edges it feeds
        self.appears = {node: 0 for node in shown.order}
        self.final = {}
        self.updated = {}
        self.steps = [_step(
            "start", "Start", "The inputs and weights are given",
            ["Press → (or Next) to run the forward pass,", "one operation at a time."],
        )]
        self._forward()
        self._backward()
        if learning_rate is not None:
            self._update(learning_rate)
        done = ["Every node now shows ∂{0}/∂node.".format(self.root_name),
                "Click any node for its chain rule and its paths to the root."]
        self.steps.append(_step("done", "Done", "Every gradient is final", done))
        self._ask(exercises)

    def _ask(self, exercises):
        """Keep the questions the exercises ask (all, without exercises), each with the
        exercise's own wording, tolerance and usual mistakes; drop the tags."""
        asked = {exercise_key(exercise): exercise for exercise in exercises}
        for step in self.steps:
            kept = []
            for item in step["questions"]:
                key = item.pop("asks")
                if not asked:
                    kept.append(item)
                elif key in asked:
                    kept.append(item | exercise_question(asked[key]))
            step["questions"] = kept

    def explanation(self, node):
        """``visualize.explain`` of ``node`` (made once), or None on a graph too big to explain."""
        if not self.explained:
            return None
        if node not in self.explanations:
            self.explanations[node] = explain(self.shown.root, node, digits=self.digits)
        return self.explanations[node]

    def chain(self, node):
        """``node`` 's chain rule (``chain_rule``), or None for a constant or a big graph."""
        if node.is_constant or self.explanation(node) is None:
            return None
        return chain_rule(self.explanation(node), self.shown, self.digits)

    def explanation_text(self, node):
        """What a click on ``node`` shows: its explanation, or (big graphs) the edges it feeds."""
        if node.is_constant:
            return f"{self.names[node]} is a constant: data, with no gradient."
        if self.explained:
            return str(self.explanation(node))
        if self.received is None:
            self.received = {node: [] for node in self.shown.order}
            for consumer in self.shown.order:
                for source, local in consumer.edges:
                    if local is None:
                        continue  # toward a constant: nothing flows there
                    self.received[source].append(
                        f"via {self.names[consumer]}: ∂{self.names[consumer]}/"
                        f"∂{self.names[source]} = {format_number(local, self.digits)}, "
                        f"∂{self.root_name}/∂{self.names[consumer]} = "
                        f"{format_number(consumer.grad, self.digits)}")
        return "\n".join(self.received[node])

    def _matrix_moments(self):
        """{node: MathML}: the slides' matrix equation (X · V = Q, σ(Q) = H, ...) whose last
        number ``node`` computes, for a view of an ``nn`` model (else none)."""
        model = self.shown.model
        if model is None or not self.explained:
            return {}
        try:
            matrices = layer_matrices(self.shown.root, model, digits=self.digits)
        except ValueError:  # the graph does not use the whole model: no matrix to show
            return {}
        return dict(matrices.forward_moments())

    def _forward(self):
        operations = forward_order(self.shown)
        index = self.shown.index
        moments = self._matrix_moments()
        for number, node in enumerate(operations, start=1):
            lines = forward_lines(node, self.names, self.digits)
            self.appears[node] = len(self.steps)
            step = _step("forward", f"Forward {number} of {len(operations)}"
                         + self._block_of(node), f"Compute {self.names[node]}", lines,
                         index[node], (index[source] for source in node.inputs))
            step["questions"] = [asking(("forward", node), question(
                f"{lines[0]} {lines[1]} = ?", node.data, self.digits, f"{lines[0]} {lines[1]}"))]
            if node in moments:
                step["matrixMathml"] = moments[node]
            self.steps.append(step)

    def _block_of(self, node):
        for name, members in self.shown.clusters:
            if node in members:
                return f" · {name}"
        return ""

    def _backward(self):
        count = len(self.backward_steps)
        for first, moment in backward_moments(self.backward_steps):
            numbers = (f"step {first}" if len(moment) == 1
                       else f"steps {first}–{first + len(moment) - 1}")
            tag = f"Backward {numbers} of {count}"
            if moment[0].contributions or not moment[0].node.is_leaf:
                self.steps.append(self._operation_step(tag, moment[0]))
            else:
                self.steps.append(self._leaves_step(tag, [step.node for step in moment]))
            for step in moment:
                self.final[step.node] = len(self.steps) - 1

    def _gradient_question(self, node):
        chain = self.chain(node)
        name = self.names[node]
        hint = (f"∂{self.root_name}/∂{name} is the sum over paths of the product of local "
                "derivatives along each")
        return asking(("gradient", node), question(f"∂{self.root_name}/∂{name} = ?", node.grad,
                                                   self.digits, hint, chain))

    def _operation_step(self, tag, step):
        node, names, digits = step.node, self.names, self.digits
        name, index = names[node], self.shown.index
        lines = [f"∂{self.root_name}/∂{name} = {format_number(step.gradient, digits)} is final.",
                 f"Each input gets  ∂{name}/∂input × ∂{self.root_name}/∂{name}:"]
        result = _step("backward", tag, f"Pass the gradient of {name} back", lines,
                       index[node], (index[item.input] for item in step.contributions))
        result["table"] = backward_table(step, names, self.root_name, digits)
        result["final"] = [index[node]]
        if node is not self.shown.root:
            result["questions"].append(self._gradient_question(node))
        formula_line = forward_lines(node, names, digits)[0]
        for item in step.contributions:
            source = names[item.input]
            result["questions"].append(asking(("local", node, item.input), question(
                f"∂{name}/∂{source} = ?", item.local_derivative, digits,
                f"{formula_line}: how fast does {name} move per unit of {source}, "
                "with every other input held still?",
            )))
        return result

    def _leaves_step(self, tag, leaves):
        """Leaves final together: each one's chain rule, parameters first, in block order."""
        names, index = self.names, self.shown.index
        place = {node: number for number, node in enumerate(self._block_order())}
        leaves = sorted(leaves, key=lambda node: (node not in self.parameters(), place[node]))
        listed = ", ".join(names[node] for node in leaves)
        lines = [f"∂{self.root_name}/∂{names[node]} = {format_number(node.grad, self.digits)}"
                 for node in leaves]
        title = f"{listed}: {'gradient' if len(leaves) == 1 else 'gradients'} final"
        result = _step("final", tag, title, lines, index[leaves[0]])
        result["final"] = [index[node] for node in leaves]
        result["chains"] = [chain for chain in map(self.chain, leaves) if chain is not None]
        result["questions"] = [self._gradient_question(node) for node in leaves]
        return result

    def _block_order(self):
        listed = [node for _, members in self.shown.clusters for node in members]
        return list(dict.fromkeys(listed + self.shown.order))

    def parameters(self):
        """What an update changes: the model's parameters, else every leaf with a gradient."""
        if self.shown.parameters:
            return self.shown.parameters
        return {node for node in self.shown.order if node.is_leaf and not node.is_constant}

    def _update(self, learning_rate):
        check_learning_rate(learning_rate)
        parameters = self.parameters()
        groups = update_groups(self.shown, [node for node in self._block_order()
                                            if node in parameters])
        eta = f"{learning_rate:g}"
        for number, (name, members, rows) in enumerate(groups, start=1):
            step = _step(
                "update", f"Update {number} of {len(groups)}", f"Apply the gradients: {name}",
                [f"θ ← θ − η·∂{self.root_name}/∂θ with η = {eta}"],
            )
            for node in members:
                after = node.data - learning_rate * node.grad
                self.updated[node] = (after, len(self.steps))
                step["questions"].append(asking(("update", node), question(
                    f"{self.names[node]} after the step = ?", after, self.digits,
                    f"θ − η·∂{self.root_name}/∂θ with η = {eta}")))
                step["updates"].append({
                    "node": self.shown.index[node],
                    "line": f"{self.names[node]}: {format_number(node.data, self.digits)} − "
                            f"{eta}·{bracketed(node.grad, self.digits)} = "
                            f"{format_number(after, self.digits)}",
                })
            if rows:
                step["matrices"] = [
                    {"title": f"{name} before", "rows": [[format_number(node.data, self.digits)
                                                          for node in row] for row in rows]},
                    {"title": f"{name} after", "rows": [[format_number(self.updated[node][0],
                                                                       self.digits)
                                                         for node in row] for row in rows]},
                ]
            self.steps.append(step)


def check_learning_rate(learning_rate, operation="export_html"):
    """η must be a finite number above 0 (None: the page has no update phase)."""
    if learning_rate is None:
        return
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) \
            or not math.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(
            f"{operation}: learning_rate must be a finite number > 0 or None, got {learning_rate!r}"
        )


def update_groups(shown, parameters):
    """[(name, parameters, matrix rows or None)]: the model's weight matrices in the slides'
    orientation (named by their block), then the rest block by block."""
    groups, placed = [], set()
    for layer in getattr(shown.model, "layers", ()):
        rows = layer.weight_matrix() if hasattr(layer, "weight_matrix") else []
        members = [node for row in rows for node in row if node in parameters]
        if rows and len(members) == sum(len(row) for row in rows):
            groups.append((_block_name(shown, members[0]) or "weights", members, rows))
            placed.update(members)
    rest = {}
    for node in parameters:
        if node not in placed:
            rest.setdefault(_block_name(shown, node) or "parameters", []).append(node)
    groups.extend((name, members, None) for name, members in rest.items())
    position = {node: number for number, node in enumerate(parameters)}
    return sorted(groups, key=lambda group: position[group[1][0]])


def _block_name(shown, node):
    for name, members in shown.clusters:
        if node in members:
            return name
    return None


# ----- the page's data --------------------------------------------------------------------


def page_data(root, digits=4, learning_rate=None, exercises=None):
    """Everything the page shows, as plain JSON-ready data (runs the view's backward pass).

    Each node carries the ids of its box, operation, edges and number cards in
    the SVG and which text lines of its box hold its value and its gradient: the
    page's script finds everything by these, never by building ids or matching colours.
    """
    shown = view_for(root, "page_data", digits=digits)
    asked = exercises_about(shown.root, exercises)
    lecture = Lecture(shown, learning_rate, asked)
    digits = shown.digits
    nodes = []
    for node in shown.order:
        chain = lecture.chain(node)
        updated = lecture.updated.get(node)
        nodes.append({
            "name": shown.names[node],
            "op": node.op.name if node.op is not None else None,
            "kind": shown.kind(node),
            "data": format_number(node.data, digits),
            "formula": forward_lines(node, shown.names, digits) if not node.is_leaf else None,
            # Constants are data: no gradient, never final.
            "grad": format_number(node.grad, digits) if shown.has_gradient(node) else None,
            "appears": lecture.appears[node],
            "final": lecture.final.get(node),
            "updated": format_number(updated[0], digits) if updated else None,
            "updatedAt": updated[1] if updated else None,
            "inputs": [shown.index[source] for source in node.inputs],
            "ids": _ids(shown, node),
            "gradLine": shown.gradient_line(node, "backward"),
            "dataLine": len(shown.lines(node, "backward")) - 1 - (
                1 if shown.has_gradient(node) else 0),
            "chain": chain,
            "explanation": lecture.explanation_text(node),
        })
    data = {"root_name": lecture.root_name, "nodes": nodes, "steps": lecture.steps}
    if asked:
        data["exercise"] = {"count": len(asked)}
    return data


def exercises_about(root, exercises, operation="export_html"):
    """The exercises of a ``visualize.exercises`` set asked about the graph of ``root``."""
    if exercises is None:
        return []
    asked = [exercise for exercise in exercises if exercise.network.root is root]
    if not asked:
        raise ValueError(f"{operation}: none of the {len(list(exercises))} exercises is about the "
                         f"graph of {root.label or 'this node'!r}; pass that exercise set's "
                         "network root (exercise.network.root)")
    return asked


def _ids(shown, node):
    """Where ``node`` is in the SVG: its box, operation, edges, their number cards, output edge."""
    computed = not node.is_leaf
    return {
        "box": shown.node_id(node),
        "operation": shown.operation_id(node) if computed else None,
        "edges": [shown.edge_id(node, position) for position in range(len(node.inputs))],
        "labels": [shown.edge_label_id(node, position) if shown.has_card(node, position) else None
                   for position in range(len(node.inputs))],
        "output": shown.output_edge_id(node) if computed else None,
    }
