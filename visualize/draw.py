"""``draw``: a computation graph as a ``graphviz.Digraph`` that reads like the slides.

Every ``Value`` becomes a box (label, data, grad) and every operation a small
grey circle between its inputs and its result. Boxes can be grouped into
labelled clusters (the slides' blocks, or one per ``nn`` layer), the paths from
a chosen node to the root can be highlighted, and big graphs either stop with
a clear message or are drawn collapsed, one box per neuron.

DOT names are stable so that other views (the HTML page, step frames) can find
things in the SVG: the node at position ``i`` of ``autograd.topological_order``
is ``v{i}``, its operation ``v{i}_op``, the edge from its input ``j`` into that
operation ``e{i}_{j}`` and the edge from the operation to the node ``e{i}_out``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import graphviz

import autograd
from autograd import Value
from visualize.escape import html_lines, html_text
from visualize.render import render
from visualize.saving import save_file
from visualize.tables import format_number, node_names

MODES = ("forward", "backward", "gradients")
RANK_DIRECTIONS = ("LR", "TB", "RL", "BT")

FONT = "Helvetica"

# The colour legend (repeated in ``draw``'s docstring).
LEAF_FILL = "#dbeafe"  # light blue: inputs and constants
PARAMETER_FILL = "#dcfce7"  # light green: a model's trainable parameters
COMPUTED_FILL = "#ffffff"  # white: results of operations
ROOT_FILL = "#fde68a"  # amber: the root (usually the loss)
OPERATION_FILL = "#e5e7eb"  # grey circles: operations
GRADIENT_COLOUR = "#b91c1c"  # dark red text: gradients
EDGE_COLOUR = "#374151"
EDGE_LABEL_COLOUR = "#1d4ed8"  # blue numbers on edges: local derivatives
HIGHLIGHT_COLOUR = "#ea580c"  # orange: paths from the highlighted node to the root
MUTED_COLOUR = "#c4c8cf"  # pale grey: everything off the highlighted paths
MUTED_TEXT = "#8b93a1"
CLUSTER_FILL = "#f8fafc"
CLUSTER_BORDER = "#94a3b8"

# Activation functions belong to the layer whose output they transform.
ACTIVATION_OPS = frozenset(
    {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax", "log_softmax", "identity"}
)

# Graphviz's own layout slows down quadratically past a few thousand nodes (edge labels
# worst of all), so bigger graphs get a plain layered layout computed here, without edge labels.
LAYERED_LAYOUT_FROM = 1000
COLUMN_STEP = 90  # points between a value's column and its operation's
ROW_STEP = 80
# Operations a collapsed box lists by name before it says how many more it folds.
OPERATIONS_SHOWN = 6


class DrawnGraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders through tracegrad's adapter.

    ``pipe`` (and so the inline picture in Jupyter) uses the graphviz-pure
    program from the wheel, so no system Graphviz is needed; options that only
    system Graphviz understands (renderer, formatter, engine) go to it as usual.
    """

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None,
             quiet=False, *, engine=None, encoding=None):
        format = format or self.format
        plain = renderer is None and formatter is None and neato_no_op is None
        if plain and engine in (None, self.engine) and format in ("svg", "png", "dot"):
            picture = render(self, format=format)
            return picture.decode(encoding) if encoding else picture
        return super().pipe(format, renderer, formatter, neato_no_op, quiet,
                            engine=engine, encoding=encoding)

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None,
               **options):
        """Save the picture as graphviz's own ``render`` does, through tracegrad's renderer.

        Writes the DOT source to ``filename`` (default ``self.filename``) and the
        picture beside it as ``filename.<format>``; returns the picture's path.
        Options only system Graphviz understands go to graphviz's ``render``.
        """
        format = format or self.format
        if view or options or format not in ("svg", "png", "dot"):
            return super().render(filename, directory, view, cleanup, format, **options)
        source_path = Path(directory or self.directory or ".") / (filename or self.filename)
        source_path.parent.mkdir(parents=True, exist_ok=True)
        save_file(source_path, self.source, "draw(...).render")
        picture_path = render(self, source_path.with_name(f"{source_path.name}.{format}"), format)
        if cleanup:
            source_path.unlink()
        return str(picture_path)


class GraphTooLarge(ValueError):
    """The graph has more nodes than ``max_nodes``; the message says what to do instead."""


def refuse_if_too_large(operation: str, root: Value, count: int, max_nodes: int | None,
                        advice: str) -> None:
    """Raise ``GraphTooLarge`` when ``count`` nodes exceed ``max_nodes`` (``None``: no limit)."""
    if max_nodes is not None and count > max_nodes:
        raise GraphTooLarge(
            f"{operation}: the graph of {root.label or 'this node'!r} has {count} nodes, more "
            f"than max_nodes={max_nodes}; a picture that big cannot be read. {advice}"
        )


def draw(
    root: Value,
    mode: str = "backward",
    rankdir: str = "LR",
    digits: int = 4,
    edge_labels: bool = True,
    groups: dict[str, Iterable[Value]] | None = None,
    model=None,
    highlight: Value | Iterable[Value] | None = None,
    max_nodes: int | None = 1000,
    collapse: bool = False,
) -> DrawnGraph:
    """Draw the graph that computed ``root``; returns a ``graphviz.Digraph`` (a ``DrawnGraph``).

    In Jupyter the result shows inline; ``visualize.render(picture, "graph.png",
    format="png")`` saves it. Both work from the pip install alone (see ``DrawnGraph``).

    Parameters:
        mode: ``"forward"`` shows each node's data, ``"backward"`` data and grad,
            ``"gradients"`` only the grad.
        rankdir: ``"LR"`` left to right (the slides' way) or ``"TB"`` top to bottom.
        digits: decimals shown for every number.
        edge_labels: write the local derivative d(result)/d(input) on each edge.
        groups: ``{cluster name: nodes}`` draws those nodes in labelled boxes, for
            example the worked example's "Inputs X", "Weights V", ... blocks.
        model: an ``nn`` module; its layers become clusters holding their
            parameters, the operations that read them and the activations applied
            to those. ``groups`` wins where both claim a node. (A ``Value`` does
            not know the module that made it, so layer clusters need ``model``.)
        highlight: a node (or nodes), e.g. ``w11``: the paths from it to the root
            are drawn thick and orange, everything else is muted. Only paths that
            carry gradient count: an edge whose local derivative is exactly 0 (the
            y2·ln p2 term of a one-hot loss, an inactive relu) is left muted, so
            w11's path is the slides' single one.
        max_nodes: stop with ``GraphTooLarge`` (a message saying what to do) when
            the graph has more nodes; ``None`` draws any size. Past 1,000 nodes
            the layout is a plain grid of columns computed here (Graphviz's own
            would take minutes), without edge labels or cluster boxes.
        collapse: fold leaves into the node that reads them and chains of
            one-input operations into one box: for an MLP, one box per neuron.

    Colour legend:
        light blue box   an input or constant (a leaf that is not a parameter)
        light green box  a trainable parameter of ``model``
        white box        the result of an operation
        amber box        the root (usually the loss)
        grey circle      an operation, showing its symbol (+, ×, σ, ·, softmax[k], ...)
        dark red text    a gradient d(root)/d(node)
        blue edge number the local derivative d(result)/d(input) on that edge
        thick orange     on a path from a highlighted node to the root
        pale grey        off those paths, when something is highlighted
    """
    if mode not in MODES:
        raise ValueError(f"draw: mode must be one of {', '.join(MODES)}, got {mode!r}")
    if rankdir not in RANK_DIRECTIONS:
        raise ValueError(
            f"draw: rankdir must be one of {', '.join(RANK_DIRECTIONS)}, got {rankdir!r}"
        )
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, got {type(root).__name__}")
    if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 15:
        raise ValueError(f"draw: digits must be an int from 0 to 15, got {digits!r}")
    order = autograd.topological_order(root)
    if not collapse:
        refuse_if_too_large(
            "draw", root, len(order), max_nodes,
            "Use draw(..., collapse=True) for one box per neuron, visualize.outline(root) for "
            "a text view, or draw(..., max_nodes=None) to draw every node anyway.",
        )
    groups = {str(name): _as_nodes(members, f"groups[{name!r}]")
              for name, members in (groups or {}).items()}
    highlighted = _as_nodes(highlight, "highlight")
    reachable = set(order)
    for node in highlighted:
        if node not in reachable:
            raise ValueError(
                f"draw: highlight node {node.label!r} is not in the graph of {root.label!r}"
            )
    picture = _Picture(order, mode, digits, edge_labels, rankdir)
    picture.mark_parameters(model)
    picture.mark_highlight(highlighted)
    clusters = _clusters(order, groups, model)
    if collapse:
        picture.collapsed(clusters, max_nodes)
    else:
        picture.full(clusters)
    return picture.graph


def _as_nodes(nodes, what: str) -> list[Value]:
    if nodes is None:
        return []
    if isinstance(nodes, Value):
        return [nodes]
    collected = list(nodes)
    for node in collected:
        if not isinstance(node, Value):
            raise TypeError(f"draw: {what} must hold Values, got {type(node).__name__}")
    return collected


def _clusters(
    order: list[Value], groups: dict[str, list[Value]], model
) -> list[tuple[str, list[Value]]]:
    """``(cluster name, member nodes)`` in first-seen order; a node sits in one cluster only."""
    home: dict[Value, str] = {}
    names: list[str] = []
    reachable = set(order)
    for name, members in groups.items():
        for node in members:
            if node in reachable and node not in home:
                home[node] = name
        names.append(name)
    if model is not None:
        parameter_layer: dict[Value, str] = {}
        for parameter_name, parameter in model.named_parameters():
            layer = parameter_name.rpartition(".")[0] or parameter_name
            parameter_layer[parameter] = layer
            if layer not in names:
                names.append(layer)
            if parameter in reachable:
                home.setdefault(parameter, layer)
        # A node that reads a layer's parameters belongs to it, and so does an activation
        # applied only to such nodes (sigmoid of q1, softmax of z1..z3).
        computed_layer: dict[Value, str] = {}
        for node in order:
            if node.is_leaf:
                continue
            reads = [parameter_layer[source] for source in node.inputs if source in parameter_layer]
            if reads:
                computed_layer[node] = reads[0]
            elif node.op.name in ACTIVATION_OPS and all(
                source in computed_layer for source in node.inputs
            ):
                computed_layer[node] = computed_layer[node.inputs[0]]
            if node in computed_layer:
                home.setdefault(node, computed_layer[node])
    members: dict[str, list[Value]] = {name: [] for name in names}
    # The user's order inside each group first (the slides list w11 before w12), then the rest.
    listed = [node for members in groups.values() for node in members]
    for node in dict.fromkeys(listed + order):
        if node in home:
            members[home[node]].append(node)
    return [(name, nodes) for name, nodes in members.items() if nodes]


class _Picture:
    """Builds one ``Digraph``: node and edge styles for one drawing call."""

    def __init__(self, order, mode, digits, edge_labels, rankdir):
        self.order = order
        self.index = {node: i for i, node in enumerate(order)}
        # The names the tables, steps and the page use too (t<row> when unlabelled).
        self.names = node_names(order[-1], order)
        self.root = order[-1]
        self.mode = mode
        self.digits = digits
        self.edge_labels = edge_labels
        self.parameters: set[Value] = set()
        self.on_path: set[Value] | None = None
        layout = {
            "rankdir": rankdir,
            "nodesep": "0.18",
            "ranksep": "0.35",
            "fontname": FONT,
            "bgcolor": "white",
            "pad": "0.2",
        }
        self.rankdir = rankdir
        self.positions: dict[str, str] = {}
        self.graph = DrawnGraph(
            name="tracegrad",
            graph_attr=layout,
            # Defaults for value boxes, the most numerous nodes; operations override them.
            node_attr={
                "fontname": FONT,
                "fontsize": "18",
                "shape": "box",
                "style": "rounded,filled",
                "margin": "0.12,0.06",
            },
            edge_attr={
                "fontname": FONT,
                "fontsize": "15",
                "color": EDGE_COLOUR,
                "fontcolor": EDGE_LABEL_COLOUR,
                "arrowsize": "0.7",
            },
        )

    # ----- what to emphasise ------------------------------------------------------------

    def mark_parameters(self, model) -> None:
        if model is not None:
            self.parameters = {parameter for _, parameter in model.named_parameters()}

    def mark_highlight(self, highlighted: list[Value]) -> None:
        chosen = set(highlighted)
        if not chosen:
            return
        # Paths count only through edges that carry something: a local derivative of
        # exactly 0 (the y2·ln p2 term of a one-hot loss) adds nothing to the gradient,
        # so w11's path is the slides' single one, L ← p1 ← z1 ← w11.
        reached = set()
        for node in self.order:
            if node in chosen or any(
                source in reached and local != 0.0 for source, local in node.edges
            ):
                reached.add(node)
        reaches_root = {self.root}
        for node in reversed(self.order):
            if node in reaches_root:
                reaches_root.update(source for source, local in node.edges if local != 0.0)
        self.on_path = reached & reaches_root

    def _muted(self, node: Value) -> bool:
        return self.on_path is not None and node not in self.on_path

    def _edge_on_path(self, source: Value, node: Value, local: float | None = None) -> bool:
        if self.on_path is None or local == 0.0:
            return False
        return source in self.on_path and node in self.on_path

    # ----- text -----------------------------------------------------------------------

    def _number(self, number: float) -> str:
        return html_text(format_number(number, self.digits))

    def _value_label(self, node: Value, extra_lines: Iterable[str] = ()) -> str:
        muted = self._muted(node)
        lines = []
        if node.label is not None:
            lines.append(f"<B>{html_lines(node.label)}</B>")
        else:
            lines.append(f'<I><FONT COLOR="{MUTED_TEXT}">{html_text(self.names[node])}</FONT></I>')
        for line in extra_lines:
            lines.append(f'<FONT POINT-SIZE="12">{html_text(line)}</FONT>')
        if self.mode != "gradients":
            lines.append(self._number(node.data))
        if self.mode != "forward":
            colour = MUTED_TEXT if muted else GRADIENT_COLOUR
            lines.append(f'<FONT COLOR="{colour}">grad {self._number(node.grad)}</FONT>')
        return "<" + "<BR/>".join(lines) + ">"

    def _fill(self, node: Value) -> str:
        if node is self.root:
            return ROOT_FILL
        if node in self.parameters:
            return PARAMETER_FILL
        if node.is_leaf:
            return LEAF_FILL
        return COMPUTED_FILL

    def _value_attributes(self, node: Value, name: str, extra_lines=()) -> dict[str, str]:
        # Shape, style and margin come from the graph's node defaults (see ``__init__``).
        attributes = {
            "id": name,
            "fillcolor": self._fill(node),
            "label": self._value_label(node, extra_lines),
        }
        if self._muted(node):
            attributes |= {"color": MUTED_COLOUR, "fontcolor": MUTED_TEXT, "fillcolor": "#f9fafb"}
        elif self.on_path is not None:
            attributes |= {"color": HIGHLIGHT_COLOUR, "penwidth": "3"}
        return attributes

    def _operation_attributes(self, node: Value, name: str, symbol: str) -> dict[str, str]:
        attributes = {
            "id": name,
            "label": f"<<B>{html_text(symbol)}</B>>" if len(symbol) == 1 else f"<{html_text(symbol)}>",
            "shape": "circle" if len(symbol) <= 3 else "ellipse",
            "style": "filled",
            "fillcolor": OPERATION_FILL,
            "color": "#6b7280",
            # One-character symbols (·, ×, σ) are drawn large enough to read from afar.
            "fontsize": "22" if len(symbol) == 1 else "14",
            "width": "0.4",
            "height": "0.4",
            "margin": "0.02",
        }
        if self._muted(node):
            attributes |= {"color": MUTED_COLOUR, "fontcolor": MUTED_TEXT, "fillcolor": "#f3f4f6"}
        elif self.on_path is not None:
            attributes |= {"color": HIGHLIGHT_COLOUR, "penwidth": "2.5"}
        return attributes

    def _edge_attributes(self, source: Value, node: Value, local: float | None) -> dict[str, str]:
        attributes = {}
        if local is not None and self.edge_labels:
            attributes["label"] = "<" + self._number(local) + ">"
        if self._edge_on_path(source, node, local):
            attributes |= {"color": HIGHLIGHT_COLOUR, "penwidth": "3", "fontcolor": HIGHLIGHT_COLOUR}
        elif self.on_path is not None:
            attributes |= {"color": MUTED_COLOUR, "fontcolor": MUTED_TEXT}
        return attributes

    # ----- the full drawing: every node ------------------------------------------------

    def full(self, clusters) -> None:
        if len(self.order) > LAYERED_LAYOUT_FROM:
            self.positions = _layered_positions(
                self.order, lambda node: node.inputs, self.rankdir
            )
            self.graph.attr(layout="nop", splines="false")
            self.edge_labels = False
        placed: set[Value] = set()
        for k, (name, members) in enumerate(clusters):
            with self.graph.subgraph(name=f"cluster_{k}") as cluster:
                cluster.attr(**_cluster_attributes(name, k))
                for node in members:
                    self._add_node(cluster, node)
                    placed.add(node)
        for node in self.order:
            if node not in placed:
                self._add_node(self.graph, node)
        for node in self.order:
            self._add_edges(node)

    def _add_node(self, where: graphviz.Digraph, node: Value) -> None:
        i = self.index[node]
        where.node(f"v{i}", **self._value_attributes(node, f"v{i}"), **self._position(f"v{i}"))
        if not node.is_leaf:
            operation = self._operation_attributes(node, f"v{i}_op", node.op.symbol)
            where.node(f"v{i}_op", **operation, **self._position(f"v{i}_op"))

    def _position(self, name: str) -> dict[str, str]:
        return {"pos": self.positions[name]} if self.positions else {}

    def _add_edges(self, node: Value) -> None:
        if node.is_leaf:
            return
        i = self.index[node]
        for j, (source, local) in enumerate(node.edges):
            self.graph.edge(
                f"v{self.index[source]}",
                f"v{i}_op",
                id=f"e{i}_{j}",
                **self._edge_attributes(source, node, local),
            )
        self.graph.edge(
            f"v{i}_op", f"v{i}", id=f"e{i}_out", **self._edge_attributes(node, node, None)
        )

    # ----- the collapsed drawing: one box per chain -----------------------------------

    def collapsed(self, clusters, max_nodes) -> None:
        boxes = _collapse(self.order)
        box_count = len(set(boxes.values()))
        if max_nodes is not None and box_count > max_nodes:
            raise GraphTooLarge(
                f"draw: even collapsed the graph has {box_count} boxes, more than "
                f"max_nodes={max_nodes}; use visualize.outline(root) for a text view "
                "or draw(..., collapse=True, max_nodes=None) to draw it anyway."
            )
        members_of: dict[Value, list[Value]] = {}
        for node in self.order:
            members_of.setdefault(boxes[node], []).append(node)
        box_inputs = {
            head: list(dict.fromkeys(boxes[source] for member in members
                                     for source in member.inputs if boxes[source] is not head))
            for head, members in members_of.items()
        }
        if box_count > LAYERED_LAYOUT_FROM:
            # Boxes are listed by their first member; the layout needs the heads' own order.
            heads = sorted(members_of, key=self.index.__getitem__)
            self.positions = _layered_positions(
                heads, box_inputs.__getitem__, self.rankdir, operations=False,
                name_of=lambda head: f"v{self.index[head]}",
            )
            self.graph.attr(layout="nop", splines="false")
        home = {}
        for k, (_, members) in enumerate(clusters):
            for node in members:
                home.setdefault(boxes[node], k)
        subgraphs = {}
        for k, (name, _) in enumerate(clusters):
            subgraph = DrawnGraph(name=f"cluster_{k}")
            subgraph.attr(**_cluster_attributes(name, k))
            subgraphs[k] = subgraph
        for head, members in members_of.items():
            where = subgraphs.get(home.get(head), self.graph)
            box_name, attributes = self._box(head, members)
            where.node(box_name, **attributes, **self._position(box_name))
        for subgraph in subgraphs.values():
            self.graph.subgraph(subgraph)
        for head, sources in box_inputs.items():
            for source_head in sources:
                self.graph.edge(
                    f"v{self.index[source_head]}",
                    f"v{self.index[head]}",
                    **self._edge_attributes(source_head, head, None),
                )

    def _box(self, head: Value, members: list[Value]) -> tuple[str, dict[str, str]]:
        name = f"v{self.index[head]}"
        folded = [member for member in members if member.is_leaf and member is not head]
        # Operation names, not symbols: a lone "·" is too small to read in a summary line.
        operations = [member.op.name for member in members if not member.is_leaf]
        if len(operations) > OPERATIONS_SHOWN:
            # A collapsed chain of 60,000 operations would otherwise be one 400 kB line.
            hidden = len(operations) - OPERATIONS_SHOWN + 1
            operations = [*operations[:OPERATIONS_SHOWN - 2], f"… {hidden:,} more …",
                          operations[-1]]
        steps = " → ".join(operations)
        if folded:
            steps += f" ({len(folded)} leaves)" if steps else f"{len(folded)} leaves"
        return name, self._value_attributes(head, name, [steps] if steps else [])


def _collapse(order: list[Value]) -> dict[Value, Value]:
    """Map each node to the head of its box: leaves join their reader, one-input chains merge."""
    readers: dict[Value, list[Value]] = {}
    for node in order:
        for source in node.inputs:
            readers.setdefault(source, []).append(node)
    # Asked once per node, not once per input: a sum over 25,000 terms would make it quadratic.
    single_input = {node: _single_input(node) for node in order if not node.is_leaf}
    head: dict[Value, Value] = {}
    for node in reversed(order):
        distinct = set(readers.get(node, []))
        if len(distinct) == 1:
            reader = next(iter(distinct))
            if node.is_leaf or single_input[reader]:
                head[node] = head[reader]
                continue
        head[node] = node
    return head


def _single_input(node: Value) -> bool:
    """True when ``node`` reads exactly one computed node (any number of leaves)."""
    return len({source for source in node.inputs if not source.is_leaf}) == 1


def _cluster_attributes(name: str, k: int) -> dict[str, str]:
    return {
        "id": f"cluster{k}",
        "label": f"<<B>{html_lines(name)}</B>>",
        "style": "rounded,filled",
        "fillcolor": CLUSTER_FILL,
        "color": CLUSTER_BORDER,
        "fontname": FONT,
        "fontsize": "20",
        "margin": "10",
    }


def _layered_positions(order: list, inputs_of, rankdir: str, operations: bool = True,
                       name_of=None) -> dict[str, str]:
    """Pinned ``pos`` for every DOT node: one column per step of the longest path from the leaves.

    ``order`` lists what is drawn in topological order, ``inputs_of(item)`` what
    each item reads. With ``operations`` a computed item sits two columns right
    of its deepest input, its operation in between; without (collapsed boxes),
    one column right. A leaf sits just before the first reader that reads it.
    """
    step = 2 if operations else 1
    name_of = name_of or {item: f"v{i}" for i, item in enumerate(order)}.__getitem__
    column: dict = {}
    for item in order:
        inputs = inputs_of(item)
        if inputs:
            column[item] = step + max((column.get(source, 0) for source in inputs), default=0)
    for item in reversed(order):
        for source in inputs_of(item):
            if not inputs_of(source):
                column[source] = min(column.get(source, column[item]), column[item] - step)
    for item in order:
        column.setdefault(item, 0)
    rows_used: dict[int, int] = {}
    positions = {}

    def place(name: str, at_column: int) -> None:
        row = rows_used.get(at_column, 0)
        rows_used[at_column] = row + 1
        across, down = at_column * COLUMN_STEP, -row * ROW_STEP
        if rankdir in ("TB", "BT"):
            across, down = row * 2 * COLUMN_STEP, -at_column * ROW_STEP
        if rankdir == "RL":
            across = -across
        if rankdir == "BT":
            down = -down
        positions[name] = f"{across},{down}!"

    for item in order:
        place(name_of(item), column[item])
        if operations and inputs_of(item):
            place(f"{name_of(item)}_op", column[item] - 1)
    return positions
