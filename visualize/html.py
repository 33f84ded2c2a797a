"""``export_html``: one self-contained page that steps through forward and backward.

The page holds the graph's SVG inline, its CSS and JavaScript inline and the
step data as JSON, so it opens from ``file://`` with no network and no server.
Python does all the arithmetic and formatting here; the page's script only
shows and hides what this module computed, writing text with ``textContent``.

Vocabulary: a *step* is one press of Next. The forward steps compute one
operation node each (inputs and weights are given at the start); the backward
steps are ``autograd.backward_steps``: one node's gradient becomes final and
is passed to each of its inputs as local derivative × upstream.
"""

import html
import json
import pathlib
import re
import xml.etree.ElementTree as ElementTree
from importlib import resources

from visualize.draw import draw, refuse_if_too_large, view_for
from visualize.explain import explain
from visualize.render import render
from visualize.saving import save_file
from visualize.tables import format_number

# Above this many nodes the chain-rule explanations would make the page huge.
EXPLAIN_LIMIT = 400
# Operations shown between their two operands, as on a blackboard.
INFIX_SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷"}
# How many operands a formula lists before it writes "…".
TERMS_SHOWN = 8


def export_html(
    root,
    path,
    *,
    title=None,
    digits=4,
    rankdir="LR",
    groups=None,
    model=None,
    max_nodes=1000,
    size=None,
):
    """Write the interactive page for the graph ending at ``root``; return its path.

    ``root`` may be a ``visualize.view(...)`` shared with other pictures (then
    its backward pass and layout are reused). ``groups``, ``model``, ``rankdir``,
    ``digits`` and ``size`` are those of ``visualize.draw``; a graph over
    ``max_nodes`` is refused with a clear error before any work.

    Runs the view's backward pass (every gradient is zeroed, then filled as
    ``root.backward()`` would), so afterwards every ``.grad`` holds d root / d node.
    The file is written whole or not at all.

    On the page: Next / Prev / Reset or the keys → ← Home End (and PageDown /
    PageUp, which presenter remotes send) move one step; Z (or the Zoom button)
    frames the current node and its inputs, on by default past 20 nodes; a
    click on a node shows its data, its gradient once final and its chain-rule
    explanation (``visualize.explain``).
    """
    _check_title(title)
    shown = view_for(root, "export_html", groups, model, rankdir, digits, size)
    # Counted before any work: a graph too big to draw must not first cost a backward pass.
    refuse_if_too_large(
        "export_html", shown.root, len(shown.order), max_nodes,
        "Use visualize.steps(root) or visualize.outline(root) for a text view, or "
        "export_html(..., max_nodes=None) to make the page anyway.",
    )
    path = pathlib.Path(path)
    data = page_data(shown)
    # Drawn after the backward pass, so every grad line holds its final number.
    svg = graph_svg(shown)
    heading = title if title is not None else f"Backpropagation through {data['root_name']}"
    return save_file(path, page_text(heading, svg, data), "export_html")


def _check_title(title):
    if title is None:
        return
    if not isinstance(title, str):
        raise TypeError(f"export_html: title must be a str or None, got {type(title).__name__}")
    try:
        title.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"export_html: title holds {error.object[error.start:error.end]!r} (character "
            f"{error.start}), which UTF-8 cannot encode, so no page can carry it"
        ) from None


# ----- the numbers ---------------------------------------------------------------


def _bracketed(number, digits):
    """A number ready to multiply: negatives in parentheses, as on the slides."""
    text = format_number(number, digits)
    return f"({text})" if text.startswith("-") else text


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


def _formula(op, operands):
    """``operands`` (names or numbers) combined the way ``op`` combines them."""
    if op.name in INFIX_SYMBOLS and len(operands) == 2:
        return f"{operands[0]} {INFIX_SYMBOLS[op.name]} {operands[1]}"
    if op.name == "neg":
        return f"−{operands[0]}"
    if op.name == "pow":
        exponent = op.symbol if len(operands) == 1 else f"^{operands[1]}"
        return f"{operands[0]}{exponent}"
    if op.name == "dot":
        return " + ".join(_shortened(_dot_terms(operands)))
    if op.name == "sum":
        return " + ".join(_shortened(operands))
    return f"{op.symbol}({', '.join(_shortened(operands))})"


def forward_lines(node, names, digits):
    """The forward arithmetic of one operation node: name = formula = numbers = result."""
    input_names = [names[source] for source in node.inputs]
    input_numbers = [_bracketed(source.data, digits) for source in node.inputs]
    return [
        f"{names[node]} = {_formula(node.op, input_names)}",
        f"= {_formula(node.op, input_numbers)}",
        f"= {format_number(node.data, digits)}",
    ]


def backward_panel(step, names, root_name, digits):
    """One backward step as a headline, the rule it applies and one table row per input edge."""
    name = names[step.node]
    lines = [f"∂{root_name}/∂{name} = {format_number(step.gradient, digits)} is final."]
    if not step.contributions:
        lines.append(f"{name} is a leaf: nothing to pass back.")
        return lines, None
    lines.append(f"Each input gets  ∂{name}/∂input × ∂{root_name}/∂{name}:")
    table = {
        "header": [
            "input",
            f"∂{name}/∂input",
            f"× ∂{root_name}/∂{name}",
            "= adds",
            "total",
        ],
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
    return lines, table


def _explanations(root, order, names, digits):
    """Per node: its chain-rule explanation, or (big graphs) the edges it feeds."""
    if len(order) <= EXPLAIN_LIMIT:
        return [str(explain(root, node, digits=digits)) for node in order]
    root_name = names[root]
    received = {node: [] for node in order}
    for consumer in order:
        for source, local in consumer.edges:
            if local is None:
                continue  # toward a constant: nothing flows there
            received[source].append(
                f"via {names[consumer]}: ∂{names[consumer]}/∂{names[source]}"
                f" = {format_number(local, digits)},"
                f" ∂{root_name}/∂{names[consumer]} = {format_number(consumer.grad, digits)}"
            )
    return ["\n".join(received[node]) for node in order]


def _step(phase, title, lines, node=None, inputs=(), table=None):
    """One press of Next: what the panel says and which nodes light up (by position)."""
    return {
        "phase": phase,
        "title": title,
        "lines": lines,
        "table": table,
        "node": node,
        "inputs": list(inputs),
    }


def page_data(root, digits=4):
    """Everything the page shows, as plain JSON-ready data (runs the view's backward pass).

    Each node carries the ids of its box, operation, edges and number cards in
    the SVG and which text line of its box is the gradient: the page's script
    finds everything by these, never by building ids or matching colours.
    """
    shown = view_for(root, "page_data", digits=digits)
    order, names, digits = shown.order, shown.names, shown.digits
    position = shown.index
    root_name = names[shown.root]
    backward_steps = shown.run_backward()

    steps = [
        _step(
            "start",
            "Start: the inputs and weights are given",
            ["Press → (or Next) to run the forward pass,", "one operation at a time."],
        )
    ]
    appears = {node: 0 for node in order}
    for node in order:
        if not node.is_leaf:
            appears[node] = len(steps)
            steps.append(
                _step(
                    "forward",
                    f"Forward: compute {names[node]}",
                    forward_lines(node, names, digits),
                    position[node],
                    (position[source] for source in node.inputs),
                )
            )
    final = {}
    for step in backward_steps:
        final[step.node] = len(steps)
        lines, table = backward_panel(step, names, root_name, digits)
        title = (
            f"Backward: pass the gradient of {names[step.node]} back"
            if step.contributions
            else f"Backward: {names[step.node]} is a leaf"
        )
        receivers = (position[item.input] for item in step.contributions)
        steps.append(_step("backward", title, lines, position[step.node], receivers, table))
    steps.append(
        _step(
            "done",
            "Done: every gradient is final",
            [
                f"Each node now shows ∂{root_name}/∂node.",
                "Click any node for its chain-rule explanation.",
            ],
        )
    )
    explanations = _explanations(shown.root, order, names, digits)
    nodes = [
        {
            "name": names[node],
            "op": node.op.name if node.op is not None else None,
            "data": format_number(node.data, digits),
            # Constants are data: no gradient, never final.
            "grad": format_number(node.grad, digits) if shown.has_gradient(node) else None,
            "appears": appears[node],
            "final": final.get(node),
            "inputs": [position[source] for source in node.inputs],
            "ids": _ids(shown, node),
            "gradLine": shown.gradient_line(node, "backward"),
            "explanation": explanation if shown.has_gradient(node)
            else f"{names[node]} is a constant: data, with no gradient.",
        }
        for node, explanation in zip(order, explanations)
    ]
    return {"root_name": root_name, "nodes": nodes, "steps": steps}


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


# ----- making it safe to inline ------------------------------------------------------


def script_json(data):
    """JSON that cannot end its ``<script>`` element: ``<``, ``>`` and ``&`` become escapes."""
    text = json.dumps(data, ensure_ascii=False)
    for character, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(character, escape)
    return text


SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FORBIDDEN_TAGS = {"script", "foreignObject", "iframe", "object", "embed"}


def inline_svg(svg_text):
    """The ``<svg>`` element of a rendered graph, checked to carry no markup that could run.

    The drawing escapes every label; this check is the second lock on the door:
    a label that broke out of its string would show up here as a parse error,
    a stray element or an event attribute, and the page is refused.
    """
    try:
        tree = ElementTree.fromstring(svg_text.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise ValueError(f"export_html: the graph's SVG is not well formed ({error})") from None
    for element in tree.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        namespace = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""
        if namespace != SVG_NAMESPACE or tag in FORBIDDEN_TAGS:
            raise ValueError(f"export_html: the graph's SVG contains a <{tag}> element")
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1].lower()
            if name.startswith("on") or (
                name == "href" and value.strip().lower().startswith("javascript:")
            ):
                raise ValueError(f"export_html: the graph's SVG has a {name} attribute")
    return svg_text[svg_text.index("<svg") :]


def graph_svg(shown):
    """The view's backward picture (values, gradients, local derivatives) as inline SVG text."""
    svg = render(draw(shown, mode="backward", edge_labels=True), format="svg")
    return inline_svg(svg.decode("utf-8"))


# ----- the page ------------------------------------------------------------------------

# The page's template, style and script are files of their own (package data), so they
# can be read, linted and tested in their own language; export_html inlines them.
PAGE_FILES = ("page.html", "page.css", "page.js")
# Where the template takes each part: an HTML comment no label can produce (labels are escaped).
PAGE_SLOT = re.compile(r"<!--tracegrad:(title|style|svg|data|script)-->")


def page_file(name):
    """The text of one of the page's files in ``visualize/page/`` (``PAGE_FILES``)."""
    return resources.files("visualize").joinpath("page", name).read_text(encoding="utf-8")


def page_text(title, svg, data):
    """The whole page: the template with its slots filled in a single pass (so nothing
    inlined is searched again for slots)."""
    template, style, script = (page_file(name) for name in PAGE_FILES)
    parts = {"title": html.escape(title), "style": style, "svg": svg,
             "data": script_json(data), "script": script}
    return PAGE_SLOT.sub(lambda slot: parts[slot.group(1)], template)
