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
import xml.etree.ElementTree as ElementTree


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
    page = PAGE_TEMPLATE.format(
        title=html.escape(heading),
        svg=svg,
        style=PAGE_STYLE,
        data=script_json(data),
        script=PAGE_SCRIPT,
    )
    return save_file(path, page, "export_html")


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

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <nav>
    <button id="reset" type="button" title="Reset (Home)">⟲ Reset</button>
    <button id="prev" type="button" title="Previous step (←)">← Prev</button>
    <span id="counter" aria-live="polite"></span>
    <button id="next" type="button" title="Next step (→)">Next →</button>
    <button id="zoom" type="button" title="Zoom in on the current step (Z)"
      aria-pressed="false">Zoom</button>
  </nav>
</header>
<main>
  <section id="graph" aria-label="computation graph">{svg}</section>
  <aside>
    <div id="step">
      <div id="phase"></div>
      <h2 id="step-title"></h2>
      <div id="arithmetic"></div>
    </div>
    <div id="details" hidden>
      <h2 id="details-title"></h2>
      <dl id="details-numbers"></dl>
      <pre id="details-explanation"></pre>
    </div>
  </aside>
  <p class="legend"><span class="key current-key"></span> current
    <span class="key input-key"></span> its inputs
    <span class="key grad-key">grad</span> final gradient ·
    keys ← → Home End, Z zoom · click a node for its explanation</p>
</main>
<script type="application/json" id="tracegrad-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""

PAGE_STYLE = """
:root { --current: #d94800; --input: #1c5fb8; --grad: #b91c1c; --ink: #111; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #fff; }
header { display: flex; align-items: center; justify-content: space-between;
  padding: 0.4rem 1rem; border-bottom: 2px solid #ccc; gap: 1rem; }
h1 { font-size: 1.6rem; margin: 0; }
nav { display: flex; align-items: center; gap: 0.6rem; }
button { font-size: 1.4rem; padding: 0.35rem 1rem; border: 2px solid #333;
  border-radius: 0.4rem; background: #f3f3f3; cursor: pointer; }
button:hover { background: #e2e2e2; }
button:disabled { opacity: 0.4; cursor: default; }
button[aria-pressed="true"] { background: #333; color: #fff; }
#counter { font-size: 1.5rem; font-weight: bold; min-width: 9rem; text-align: center;
  font-variant-numeric: tabular-nums; }
main { display: grid; grid-template-columns: 62fr 38fr; grid-template-rows: 1fr auto;
  gap: 0.5rem 1rem; padding: 0.5rem 1rem; height: calc(100vh - 4.2rem); }
#graph { overflow: auto; min-width: 0; min-height: 0; }
#graph svg { width: 100%; height: 100%; }
aside { overflow: auto; font-size: 1.5rem; min-height: 0; }
.legend { grid-column: 1 / -1; margin: 0; }
body.wide main { grid-template-columns: 1fr;
  grid-template-rows: minmax(0, 60fr) minmax(0, 40fr) auto; }
body.wide aside { display: grid; grid-template-columns: 55fr 45fr; gap: 1.5rem; }
body.wide #details { border-top: none; margin-top: 0; border-left: 2px solid #ccc;
  padding-left: 1rem; }
#phase { display: inline-block; font-size: 1.1rem; font-weight: bold; letter-spacing: 0.08em;
  text-transform: uppercase; padding: 0.15rem 0.6rem; border-radius: 0.3rem;
  color: #fff; background: #555; }
#phase.forward { background: var(--input); }
#phase.backward { background: var(--grad); }
h2 { font-size: 1.7rem; margin: 0.5rem 0; }
#arithmetic p { margin: 0.3rem 0; font-size: 1.6rem; line-height: 1.35;
  font-variant-numeric: tabular-nums; }
#arithmetic p.headline { font-weight: bold; font-size: 1.8rem; }
#arithmetic table { border-collapse: collapse; margin-top: 0.4rem; font-size: 1.6rem;
  font-variant-numeric: tabular-nums; }
#arithmetic th { font-size: 1.15rem; font-weight: normal; color: #444; text-align: right;
  padding: 0 0.5rem; }
#arithmetic td { text-align: right; padding: 0.15rem 0.5rem; border-top: 1px solid #ccc; }
#arithmetic td:first-child, #arithmetic th:first-child { text-align: left; font-weight: bold; }
#arithmetic td:nth-child(4), #arithmetic td:last-child { font-weight: bold; }
#details { border-top: 2px solid #ccc; margin-top: 0.8rem; padding-top: 0.3rem; }
#details dl { display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 1rem; margin: 0; }
#details dt { font-weight: bold; max-width: 16rem; overflow-wrap: anywhere; }
#details dd { margin: 0; font-variant-numeric: tabular-nums; }
#details pre { font-size: 1.15rem; white-space: pre-wrap; background: #f6f6f6;
  padding: 0.5rem; border-radius: 0.3rem; }
.legend { font-size: 1.1rem; color: #333; }
.key { display: inline-block; width: 1.2rem; height: 1.2rem; border-radius: 0.2rem;
  vertical-align: middle; margin-left: 0.6rem; }
.current-key { border: 4px solid var(--current); }
.input-key { border: 4px solid var(--input); }
.grad-key { width: auto; color: var(--grad); font-weight: bold; }
#graph g.node { cursor: pointer; }
#graph g.node polygon, #graph g.node ellipse, #graph g.node path { pointer-events: all; }
#graph .pending { opacity: 0.3; }
#graph g.current polygon, #graph g.current ellipse, #graph g.current path {
  stroke: var(--current); stroke-width: 5px; }
#graph g.edge.current polygon { fill: var(--current); }
#graph g.edge.current text { fill: var(--current); font-weight: bold; }
#graph g.receiving polygon, #graph g.receiving ellipse, #graph g.receiving path {
  stroke: var(--input); stroke-width: 5px; }
#graph g.selected polygon, #graph g.selected ellipse, #graph g.selected path {
  stroke-dasharray: 6 3; stroke-width: 4px; }
#graph text.grad-line { font-weight: bold; }
#graph g.edge-label { cursor: default; }
#graph g.edge-label polygon { stroke: none !important; }
#graph g.edge-label.current text { fill: var(--current); font-weight: bold; }
"""

PAGE_SCRIPT = r"""
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("tracegrad-data").textContent);
  const steps = data.steps;
  const nodes = data.nodes;
  const svgNamespace = "http://www.w3.org/2000/svg";
  let current = 0;
  let selected = null;

  // Big graphs start zoomed in on each step, so the numbers stay readable from afar.
  let zoomed = nodes.length > 20;

  // A wide graph (left to right) gets the full width, with the panel beneath it.
  const picture = document.querySelector("#graph svg");
  const whole = picture.getAttribute("viewBox");
  const frame = whole ? picture.viewBox.baseVal : null;
  const full = frame ? { width: frame.width, height: frame.height } : null;
  if (full && full.width / full.height > 2.2) { document.body.classList.add("wide"); }

  // Every id comes from the page data (the view's contract); none is built here.
  function byId(name) { return name === null ? null : document.getElementById(name); }
  function nodeGroup(index) { return byId(nodes[index].ids.box); }
  function opGroup(index) { return byId(nodes[index].ids.operation); }
  function outputEdge(index) { return byId(nodes[index].ids.output); }
  function inputEdges(index) {
    const ids = nodes[index].ids;
    return ids.edges.concat(ids.labels).map(byId);
  }
  nodes.forEach(function (node) {
    node.ids.labels.forEach(function (name) {
      const card = byId(name);  // null: that edge carries no number of its own
      if (card) { card.classList.add("edge-label"); }
    });
  });

  // Each node's "grad" line is in the drawing from the start, hidden until it is final.
  const gradientLines = nodes.map(function (node, index) {
    const group = nodeGroup(index);
    if (!group || node.gradLine === null) { return []; }
    const line = group.querySelectorAll("text")[node.gradLine];
    if (!line) { return []; }
    line.classList.add("grad-line");
    return [line];
  });

  function isFinal(node) { return node.final !== null && node.final <= current; }

  function setClass(element, name, on) {
    if (element) { element.classList.toggle(name, on); }
  }

  function paintGraph(step) {
    nodes.forEach(function (node, index) {
      const shown = node.appears <= current;
      setClass(nodeGroup(index), "pending", !shown);
      setClass(opGroup(index), "pending", !shown);
      setClass(outputEdge(index), "pending", !shown);
      inputEdges(index).forEach(function (edge) { setClass(edge, "pending", !shown); });
      gradientLines[index].forEach(function (line) {
        line.style.visibility = isFinal(node) ? "visible" : "hidden";
      });
      const isCurrent = step.node === index;
      setClass(nodeGroup(index), "current", isCurrent);
      setClass(opGroup(index), "current", isCurrent);
      setClass(outputEdge(index), "current", isCurrent);
      inputEdges(index).forEach(function (edge) { setClass(edge, "current", isCurrent); });
      setClass(nodeGroup(index), "receiving", step.inputs.indexOf(index) >= 0);
      setClass(nodeGroup(index), "selected", selected === index);
    });
  }

  function paintPanel(step) {
    const phase = byId("phase");
    phase.className = step.phase;
    phase.textContent = step.phase === "start" || step.phase === "forward" ? "forward pass"
      : "backward pass";
    byId("step-title").textContent = step.title;
    const arithmetic = byId("arithmetic");
    arithmetic.replaceChildren();
    step.lines.forEach(function (line, lineNumber) {
      const paragraph = document.createElement("p");
      if (lineNumber === 0 && step.phase === "backward") { paragraph.className = "headline"; }
      paragraph.textContent = line;
      arithmetic.appendChild(paragraph);
    });
    if (step.table) { arithmetic.appendChild(makeTable(step.table)); }
    byId("counter").textContent = "Step " + current + " / " + (steps.length - 1);
    byId("prev").disabled = current === 0;
    byId("next").disabled = current === steps.length - 1;
  }

  function makeTable(table) {
    const element = document.createElement("table");
    const head = element.createTHead().insertRow();
    table.header.forEach(function (text) {
      const cell = document.createElement("th");
      cell.textContent = text;
      head.appendChild(cell);
    });
    const body = element.createTBody();
    table.rows.forEach(function (row) {
      const line = body.insertRow();
      row.forEach(function (text) { line.insertCell().textContent = text; });
    });
    return element;
  }

  // Zooming frames the current node, its operation and its inputs, so the numbers grow.
  function frameStep(step) {
    if (!zoomed || step.node === null || !whole) {
      if (whole) { picture.setAttribute("viewBox", whole); }
      return;
    }
    const groups = [nodeGroup(step.node), opGroup(step.node)];
    step.inputs.forEach(function (index) { groups.push(nodeGroup(index)); });
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    groups.forEach(function (group) {
      if (!group) { return; }
      const box = group.getBBox();
      const shift = group.getCTM() && picture.getCTM()
        ? picture.getCTM().inverse().multiply(group.getCTM()) : null;
      const x = shift ? box.x * shift.a + shift.e : box.x;
      const y = shift ? box.y * shift.d + shift.f : box.y;
      const width = shift ? box.width * shift.a : box.width;
      const height = shift ? box.height * shift.d : box.height;
      left = Math.min(left, x); top = Math.min(top, y);
      right = Math.max(right, x + width); bottom = Math.max(bottom, y + height);
    });
    if (left === Infinity) { return; }
    // Never closer than a third of the graph, so the neighbourhood stays in view.
    const width = Math.max(right - left + 80, full.width / 3);
    const height = Math.max(bottom - top + 80, full.height / 3);
    const middleX = (left + right) / 2, middleY = (top + bottom) / 2;
    picture.setAttribute("viewBox",
      [middleX - width / 2, middleY - height / 2, width, height].join(" "));
  }

  function showDetails(index) {
    const node = nodes[index];
    selected = index;
    byId("details").hidden = false;
    byId("details-title").textContent = node.name;
    const numbers = byId("details-numbers");
    numbers.replaceChildren();
    const rows = [
      ["data", node.data],
      ["∂" + data.root_name + "/∂" + node.name,
        node.final === null ? "none: a constant has no gradient"
          : isFinal(node) ? node.grad
          : "not final yet (final at step " + node.final + ")"],
      ["made by", node.op === null ? "a leaf (given)" : node.op],
    ];
    rows.forEach(function (row) {
      const term = document.createElement("dt");
      term.textContent = row[0];
      const value = document.createElement("dd");
      value.textContent = row[1];
      numbers.append(term, value);
    });
    // Like the grad line in the picture, the explanation waits until the gradient is final.
    byId("details-explanation").textContent =
      node.final === null || isFinal(node) ? node.explanation
      : "The chain-rule explanation appears at step " + node.final
        + ", when this gradient is final.";
    paintGraph(steps[current]);
  }

  function go(index) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    const step = steps[current];
    paintGraph(step);
    paintPanel(step);
    frameStep(step);
    if (selected !== null) { showDetails(selected); }
  }

  function toggleZoom() {
    zoomed = !zoomed;
    byId("zoom").setAttribute("aria-pressed", String(zoomed));
    go(current);
  }

  byId("next").addEventListener("click", function () { go(current + 1); });
  byId("prev").addEventListener("click", function () { go(current - 1); });
  byId("reset").addEventListener("click", function () { go(0); });
  byId("zoom").addEventListener("click", toggleZoom);
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight" || event.key === "PageDown") { go(current + 1); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { go(current - 1); }
    else if (event.key === "Home") { go(0); }
    else if (event.key === "End") { go(steps.length - 1); }
    else if (event.key === "z" || event.key === "Z") { toggleZoom(); }
    else { return; }
    event.preventDefault();
  });
  nodes.forEach(function (_, index) {
    [nodeGroup(index), opGroup(index)].forEach(function (group) {
      if (group) {
        group.addEventListener("click", function () { showDetails(index); });
      }
    });
  });
  byId("zoom").setAttribute("aria-pressed", String(zoomed));
  go(0);
}());
"""
