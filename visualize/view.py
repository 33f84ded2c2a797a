"""``GraphView``: one graph's view, built once and shared by every picture, table and page.

A view holds what every way of showing a graph must agree on: the nodes in
forward order, their names (``t<row>`` when unlabelled, as in the tape), the
ids of boxes, operations, edges and clusters in the SVG, what kind each node is
(input, constant, parameter, result, root), the clusters, the theme, the
layout (computed once, lazily) and the backward pass (run at most once).
``draw``, ``frames`` and ``export_html`` take a view wherever they take a root,
so a caller who wants all three lays the graph out and runs backward once:

>>> from autograd import Value
>>> a = Value(2.0, label="a")
>>> b = (a * a).tanh()
>>> b.label = "b"
>>> shown = view(b)
>>> [shown.node_id(node) for node in shown.order]
['v0', 'v1', 'v2']
>>> shown.edge_id(shown.order[1], 1), shown.operation_id(shown.order[2])
('e1_1', 'v2_op')
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import autograd
from autograd import Value
from visualize.escape import html_lines, html_text
from visualize.layout import Block, Item, lay_out
from visualize.tables import format_number, node_names
from visualize.theme import (
    DEFAULT_THEME,
    LINE_HEIGHT,
    MINIMUM_EDGE_LABEL_PIXELS,
    MINIMUM_NODE_PIXELS,
    REFERENCE_HEIGHT,
    Theme,
    parse_size,
    projector_theme,
    text_width,
)

RANK_DIRECTIONS = ("LR", "TB", "RL", "BT")

# Activation functions belong to the layer whose output they transform.
ACTIVATION_OPS = frozenset(
    {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax", "log_softmax", "identity"}
)

# Graphviz itself, and the layout here, slow down past a few thousand nodes (edge labels
# worst of all), so bigger graphs get a plain grid of columns, without edge labels or clusters.
GRID_LAYOUT_FROM = 1000
GRID_COLUMN_STEP = 90  # points between a value's column and its operation's
GRID_ROW_STEP = 80
# An operation's symbol up to this long is drawn in a circle, longer ones in an ellipse.
CIRCLE_SYMBOL = 3

# Kinds of node, each drawn its own way (see the colour legend in ``draw``).
ROOT, PARAMETER, INPUT, CONSTANT, COMPUTED = "root", "parameter", "input", "constant", "computed"


def view(root, *, groups=None, model=None, rankdir="LR", digits=4, size=None, operation="view"):
    """The ``GraphView`` of the graph ending at ``root`` (a view passes through unchanged)."""
    if isinstance(root, GraphView):
        return root
    return GraphView(root, groups=groups, model=model, rankdir=rankdir, digits=digits,
                     size=size, operation=operation)


class GraphView:
    """A graph as every view shows it: order, names, ids, kinds, clusters, theme, layout.

    Parameters are those of ``draw`` that decide where things go: ``groups`` and
    ``model`` (clusters), ``rankdir``, ``digits`` (numbers, so box sizes) and
    ``size`` (a projector target such as ``"1280x720"``, see ``visualize.theme``).
    """

    def __init__(self, root, *, groups=None, model=None, rankdir="LR", digits=4, size=None,
                 operation="view"):
        if not isinstance(root, Value):
            raise TypeError(
                f"{operation}: root must be an autograd.Value, got {type(root).__name__}"
            )
        if rankdir not in RANK_DIRECTIONS:
            raise ValueError(
                f"{operation}: rankdir must be one of {', '.join(RANK_DIRECTIONS)}, got {rankdir!r}"
            )
        if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 15:
            raise ValueError(f"{operation}: digits must be an int from 0 to 15, got {digits!r}")
        try:
            self.target = parse_size(size)
        except ValueError as error:
            raise ValueError(f"{operation}: {error}") from None
        self.root = root
        self.rankdir = rankdir
        self.digits = digits
        self.order = autograd.topological_order(root)
        self.index = {node: i for i, node in enumerate(self.order)}
        self.names = node_names(root, self.order)
        groups = {str(name): as_nodes(members, f"groups[{name!r}]", operation)
                  for name, members in (groups or {}).items()}
        self.model = model  # kept for the page's update step, which shows its weight matrices
        self.parameters = (
            {parameter for _, parameter in model.named_parameters()} if model is not None else set()
        )
        self.clusters = _clusters(self.order, groups, model)
        self.theme = DEFAULT_THEME
        self.steps = None

    # ----- the agreed ids ------------------------------------------------------------

    def node_id(self, node: Value) -> str:
        return f"v{self.index[node]}"

    def operation_id(self, node: Value) -> str:
        return f"v{self.index[node]}_op"

    def edge_id(self, node: Value, position: int) -> str:
        """The edge from input number ``position`` of ``node`` into its operation."""
        return f"e{self.index[node]}_{position}"

    def edge_label_id(self, node: Value, position: int) -> str:
        """The card holding that edge's number, when the layout placed it (see ``has_card``;
        else the number is inside the edge's own group)."""
        return f"{self.edge_id(node, position)}_label"

    def has_card(self, node: Value, position: int) -> bool:
        """Whether that edge's number stands on a card of its own in a full drawing."""
        if node.local_derivatives[position] is None or self.placement is None:
            return False
        route = self.placement.routes.get(self.edge_key(node, position))
        return route is not None and route.label_at is not None

    def output_edge_id(self, node: Value) -> str:
        """The edge from ``node``'s operation to its box."""
        return f"e{self.index[node]}_out"

    @staticmethod
    def cluster_id(number: int) -> str:
        return f"cluster{number}"

    # ----- kinds and text ------------------------------------------------------------

    def kind(self, node: Value) -> str:
        if node is self.root:
            return ROOT
        if node.is_constant:
            return CONSTANT
        if node in self.parameters:
            return PARAMETER
        if node.is_leaf:
            return INPUT
        return COMPUTED

    def has_gradient(self, node: Value) -> bool:
        """Constants are data: they never get a gradient, so no picture shows one."""
        return not node.is_constant

    def number(self, number: float) -> str:
        return format_number(number, self.digits)

    def title_line(self, node: Value) -> str | None:
        """The first line of a box: the label, else the tape name (constants: none, the
        number says it all)."""
        if node.label is not None:
            return node.label
        return None if node.is_constant else self.names[node]

    def lines(self, node: Value, mode: str) -> list[str]:
        """The plain text of a box in ``mode``: title, data and/or gradient."""
        lines = [] if self.title_line(node) is None else [self.title_line(node)]
        if mode != "gradients" or node.is_constant:
            lines.append(self.number(node.data))
        if mode != "forward" and self.has_gradient(node):
            lines.append(f"{self.gradient_prefix}{self.number(node.grad)}")
        return lines

    def gradient_line(self, node: Value, mode: str) -> int | None:
        """Which text line of the box holds the gradient (counted from 0), if any."""
        if mode == "forward" or not self.has_gradient(node):
            return None
        return len(self.lines(node, mode)) - 1

    # ----- the backward pass, once ---------------------------------------------------

    def run_backward(self):
        """Zero every gradient, run the backward pass step by step once; return the steps.

        A second call returns the same steps without running anything again.
        """
        if self.steps is None:
            autograd.zero_grad(self.root)
            self.steps = list(autograd.backward_steps(self.root))
            self.__dict__.pop("placement", None)  # box sizes follow the final numbers
        return self.steps

    # ----- layout --------------------------------------------------------------------

    @property
    def uses_grid(self) -> bool:
        return len(self.order) > GRID_LAYOUT_FROM

    @cached_property
    def placement(self):
        """Where everything goes (``visualize.layout.Placement``), or the grid for big graphs."""
        if self.uses_grid:
            return None
        self.theme = self._fitted_theme()
        return self._lay_out(self.theme)

    def _lay_out(self, theme: Theme):
        items, inputs, blocks, edge_labels = self._layout_graph(theme)
        order = [name for node in self.order for name in self._item_names(node)]
        return lay_out(items, inputs, blocks, order, theme, self.rankdir, edge_labels)

    def _item_names(self, node):
        if node.is_leaf:
            return [self.node_id(node)]
        return [self.operation_id(node), self.node_id(node)]

    def edge_key(self, node: Value, position: int) -> tuple[str, str, int]:
        """The layout's key of an input edge: (tail, head, how many same edges came before)."""
        source = node.inputs[position]
        earlier = sum(1 for other in node.inputs[:position] if other is source)
        return self.node_id(source), self.operation_id(node), earlier

    def _layout_graph(self, theme: Theme):
        home = {}
        blocks = []
        for number, (name, members) in enumerate(self.clusters):
            size = (text_width(name, theme.cluster_font, bold=True) + 2 * theme.cluster_margin,
                    theme.cluster_font * LINE_HEIGHT + 4)
            blocks.append(Block([], name, size))
            for node in members:
                home[node] = number
        for node in self.order:
            if node not in home:
                home[node] = len(blocks)
                blocks.append(Block([]))
        items, inputs = {}, {}
        box_across = max(self._box_size(node, theme)[1] for node in self.order)
        for node in self._in_block_order(home):
            block = home[node]
            width, height = self._box_size(node, theme)
            across = box_across if not node.is_constant else height
            along, across = (width, across) if self.rankdir in ("LR", "RL") else (across, width)
            items[self.node_id(node)] = Item(self.node_id(node), along, across, block)
            inputs[self.node_id(node)] = []
            if not node.is_leaf:
                width, height = self.operation_size(node, theme)
                along, across = (width, height) if self.rankdir in ("LR", "RL") else (height, width)
                room = items[self.node_id(node)].across
                items[self.operation_id(node)] = Item(self.operation_id(node), along, across,
                                                      block, is_operation=True, room=room)
                inputs[self.operation_id(node)] = [self.node_id(source) for source in node.inputs]
                inputs[self.node_id(node)] = [self.operation_id(node)]
            blocks[block].members.extend(self._item_names(node))
        edge_labels = {}
        for node in self.order:
            for position, (source, local) in enumerate(node.edges):
                if local is not None:
                    text = self.number(local)
                    edge_labels[self.edge_key(node, position)] = (
                        text_width(text, theme.edge_label_font) + 6,
                        theme.edge_label_font * LINE_HEIGHT + 2,
                    )
        return items, inputs, blocks, edge_labels

    def _in_block_order(self, home):
        """Clustered nodes in their cluster's order (the slides' rows), then the rest."""
        listed = [node for _, members in self.clusters for node in members]
        return list(dict.fromkeys(listed + self.order))

    def _box_size(self, node: Value, theme: Theme) -> tuple[float, float]:
        """(width, height) of a value's box, big enough for every mode and every running total."""
        widths = []
        title = self.title_line(node)
        if title is not None:
            title_lines = title.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            widths.extend(text_width(html_text(line), theme.node_font, bold=True)
                          for line in title_lines)
        else:
            title_lines = []
        numbers = [node.data] + ([node.grad] if self.has_gradient(node) else [])
        numbers += [item.running_total for step in (self.steps or ())
                    for item in step.contributions if item.input is node]
        # A minus sign may come and go while a gradient accumulates: leave room for it.
        widest = max(len(self.number(number).lstrip("-")) for number in numbers) + 1
        sample = "-" + "0" * widest
        widths.append(text_width(sample, theme.node_font))
        if self.has_gradient(node):
            widths.append(text_width(self.gradient_prefix + sample, theme.node_font))
        count = len(title_lines) + 1 + (1 if self.has_gradient(node) else 0)
        across_margin, down_margin = theme.node_margin
        return (max(widths) + 2 * across_margin,
                count * theme.node_font * LINE_HEIGHT + 2 * down_margin)

    def operation_symbol_font(self, node: Value, theme: Theme | None = None) -> float:
        theme = theme or self.theme
        return theme.operation_font if len(node.op.symbol) == 1 else theme.long_operation_font

    def operation_size(self, node: Value, theme: Theme | None = None) -> tuple[float, float]:
        theme = theme or self.theme
        symbol = node.op.symbol
        if len(symbol) <= CIRCLE_SYMBOL:
            side = max(theme.operation_size,
                       text_width(symbol, self.operation_symbol_font(node, theme)) + 8)
            return side, side
        font = self.operation_symbol_font(node, theme)
        return text_width(symbol, font) * 1.25 + 10, max(font * LINE_HEIGHT + 6,
                                                          theme.operation_size * 0.8)

    # ----- projector sizes -----------------------------------------------------------

    @property
    def gradient_prefix(self) -> str:
        """``grad `` before each gradient; a projector picture drops it (its legend says
        red numbers are gradients) to make boxes narrower and so the text larger."""
        return "" if self.target is not None else "grad "

    def _fitted_theme(self) -> Theme:
        """The default theme, or for a target size the projector theme at that size."""
        if self.target is None:
            return DEFAULT_THEME
        return projector_theme(self.target)

    def text_pixels(self, width_points: float, height_points: float) -> tuple[float, float]:
        """(node text, edge numbers) in pixels once a picture of that size (points, at
        96 dpi) is scaled to fill the target."""
        width, height = self.target
        scale = min(width / (width_points * 4 / 3), height / (height_points * 4 / 3))
        return (self.theme.node_font * 4 / 3 * scale, self.theme.edge_label_font * 4 / 3 * scale)

    def minimum_pixels(self) -> tuple[float, float]:
        """The smallest text sizes (node, edge numbers) a picture at this target should have."""
        grow = self.target[1] / REFERENCE_HEIGHT
        return MINIMUM_NODE_PIXELS * grow, MINIMUM_EDGE_LABEL_PIXELS * grow

    # ----- the grid for big graphs -------------------------------------------------------

    @cached_property
    def grid_positions(self) -> dict[str, str]:
        return grid_positions(self.order, lambda node: node.inputs, self.rankdir)


def as_nodes(nodes, what: str, operation: str = "draw") -> list[Value]:
    """``nodes`` (one Value, an iterable of them or None) as a list, refusing anything else."""
    if nodes is None:
        return []
    if isinstance(nodes, Value):
        return [nodes]
    collected = list(nodes)
    for node in collected:
        if not isinstance(node, Value):
            raise TypeError(f"{operation}: {what} must hold Values, got {type(node).__name__}")
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
            layer = _layer_title(model, parameter_name.rpartition(".")[0] or parameter_name)
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
    # The user's order inside each group first (the slides list w11 before w12), then the
    # model's order of parameters, then the rest.
    listed = [node for members in groups.values() for node in members]
    if model is not None:
        listed += [parameter for _, parameter in model.named_parameters()]
    for node in dict.fromkeys(listed + order):
        if node in home:
            members[home[node]].append(node)
    return [(name, nodes) for name, nodes in members.items() if nodes]


def _layer_title(model, path: str) -> str:
    """A layer's cluster name as a class reads it: ``layers.1`` → ``Layer 2 (W)``, the
    letter of its weights as the slides name the matrix; another module keeps its path."""
    head, _, index = path.partition(".")
    layers = getattr(model, "layers", None)
    if head != "layers" or not index.isdigit() or layers is None or int(index) >= len(layers):
        return path
    letter = getattr(layers[int(index)], "weight_name", "")
    return f"Layer {int(index) + 1}" + (f" ({letter.upper()})" if letter else "")


def grid_positions(order: list, inputs_of, rankdir: str, operations: bool = True,
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
        across, down = at_column * GRID_COLUMN_STEP, -row * GRID_ROW_STEP
        if rankdir in ("TB", "BT"):
            across, down = row * 2 * GRID_COLUMN_STEP, -at_column * GRID_ROW_STEP
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


def html_title(node: Value, view: GraphView, colour: str) -> str:
    """The first line of a box as Graphviz HTML: the label in bold, a tape name in italics."""
    if node.label is not None:
        return f"<B>{html_lines(node.label)}</B>"
    return f'<I><FONT COLOR="{colour}">{html_text(view.names[node])}</FONT></I>'
