"""``draw``: a computation graph as a ``graphviz.Digraph`` that reads like the slides.

Every ``Value`` becomes a box (label, data, grad) and every operation a small
grey circle between its inputs and its result. Boxes can be grouped into
labelled clusters (the slides' blocks, or one per ``nn`` layer), the paths from
a chosen node to the root can be highlighted, and big graphs either stop with
a clear message or are drawn collapsed, one box per neuron.

Where things go is decided once per graph by its ``visualize.view.GraphView``
(the slides' row order, inputs beside their operations, few crossings) and
pinned for Graphviz (``layout=nop2``), so the forward picture, the backward
picture, every frame and the page put every box in the same place. The SVG ids
are the view's: ``v{i}`` the node at position i of ``autograd.topological_order``,
``v{i}_op`` its operation, ``e{i}_{j}`` the edge from its input j into that
operation, ``e{i}_out`` the edge from the operation to the node.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import graphviz

from autograd import Value
from visualize.escape import html_text
from visualize.render import render
from visualize.saving import save_file
from visualize.theme import (
    CLUSTER_BORDER,
    CLUSTER_FILL,
    COMPUTED_FILL,
    CONSTANT_BORDER,
    CONSTANT_FILL,
    EDGE_COLOUR,
    EDGE_LABEL_COLOUR,
    FONT,
    GRADIENT_COLOUR,
    HIGHLIGHT_COLOUR,
    INPUT_FILL,
    LINE_HEIGHT,
    MUTED_COLOUR,
    MUTED_FILL,
    MUTED_TEXT,
    OPERATION_BORDER,
    OPERATION_FILL,
    PARAMETER_FILL,
    ROOT_FILL,
    text_width,
)
from visualize.view import (
    CIRCLE_SYMBOL,
    COMPUTED,
    CONSTANT,
    INPUT,
    PARAMETER,
    ROOT,
    GraphView,
    as_nodes,
    grid_positions,
    html_title,
)

MODES = ("forward", "backward", "gradients")
# Operations a collapsed box lists by name before it says how many more it folds.
OPERATIONS_SHOWN = 6
# Past this many boxes a collapsed drawing is pinned on the grid too.
COLLAPSED_GRID_FROM = 1000
# Points between the drawing and a caption or legend, and around the whole picture.
NOTE_GAP = 14.0
PAD = 14.4

FILLS = {ROOT: ROOT_FILL, PARAMETER: PARAMETER_FILL, INPUT: INPUT_FILL,
         CONSTANT: CONSTANT_FILL, COMPUTED: COMPUTED_FILL}


# A notebook's picture shrinks to its cell and keeps its proportions; it never grows.
FIT_TO_CELL = 'style="max-width:100%;height:auto"'
SVG_ELEMENT = re.compile(r"<svg\b")


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

    def _repr_image_svg_xml(self):
        """The inline picture in a notebook, at most as wide as the cell (its aspect kept).

        The worked example is some 2,000 points wide: at its own size an exported
        notebook would cut it off at the right.
        """
        svg = super()._repr_image_svg_xml()
        return SVG_ELEMENT.sub(lambda start: f"{start.group(0)} {FIT_TO_CELL}", svg, count=1)

    def _repr_html_(self):
        """The same picture inline in the page: notebooks exported to HTML (nbconvert) show
        an SVG result as an ``<img>`` at its own size, cut off at the cell's right edge."""
        svg = self._repr_image_svg_xml()
        return f'<div class="tracegrad-graph">{svg[SVG_ELEMENT.search(svg).start():]}</div>'

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


def view_for(root, operation: str, groups=None, model=None, rankdir="LR", digits=4,
             size=None) -> GraphView:
    """``root`` 's view: a new ``GraphView``, or ``root`` itself when it is one.

    A view fixes the layout options; passing them again beside a view is refused
    rather than silently ignored.
    """
    if isinstance(root, GraphView):
        if (groups, model, rankdir, digits, size) != (None, None, "LR", 4, None):
            raise ValueError(
                f"{operation}: groups, model, rankdir, digits and size belong to the view; "
                "give them to visualize.view(root, ...), not beside a view"
            )
        return root
    return GraphView(root, groups=groups, model=model, rankdir=rankdir, digits=digits,
                     size=size, operation=operation)


def draw(
    root,
    mode: str = "backward",
    rankdir: str = "LR",
    digits: int = 4,
    edge_labels: bool | None = None,
    groups=None,
    model=None,
    highlight=None,
    max_nodes: int | None = 1000,
    collapse: bool = False,
    size=None,
) -> DrawnGraph:
    """Draw the graph that computed ``root``; returns a ``graphviz.Digraph`` (a ``DrawnGraph``).

    ``root`` may also be a ``visualize.view(...)``: the view's layout and names
    are then shared with every other picture of it. In Jupyter the result shows
    inline; ``visualize.render(picture, "graph.png", format="png")`` saves it.
    Both work from the pip install alone (see ``DrawnGraph``).

    Parameters:
        mode: ``"forward"`` shows each node's data, ``"backward"`` data and grad,
            ``"gradients"`` only the grad.
        rankdir: ``"LR"`` left to right (the slides' way) or ``"TB"`` top to bottom.
        digits: decimals shown for every number.
        edge_labels: write the local derivative ∂out/∂in on each edge; by default
            on for backward and gradients pictures (with a legend saying what
            the numbers are), off for forward pictures.
        groups: ``{cluster name: nodes}`` draws those nodes in labelled boxes, in
            the order given (the worked example's "Weights V" row by row).
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
            the layout is a plain grid of columns, without edge labels or cluster boxes.
        collapse: fold leaves into the node that reads them and chains of
            one-input operations into one box: for an MLP, one box per neuron.
            Past 1,000 boxes they are pinned on the grid as well.
        size: a projector target, ``"1280x720"`` or ``"1920x1080"`` (or a
            ``(width, height)`` in pixels): the picture is made to fill it, with
            tighter spacing so the text stays as large as the graph allows
            (``visualize.theme`` says which sizes count as readable).

    Colour legend:
        light blue box    an input (a leaf that is not a parameter)
        light grey box    a constant or a label: data, no gradient
        light green box   a trainable parameter of ``model``
        white box         the result of an operation
        amber box         the root (usually the loss)
        grey circle       an operation, showing its symbol (+, ×, σ, ·, softmax[k], ...)
        dark red text     a gradient ∂root/∂node
        blue edge number  the local derivative ∂out/∂in of that edge
        thick orange      on a path from a highlighted node to the root
        pale grey         off those paths, when something is highlighted
    """
    if mode not in MODES:
        raise ValueError(f"draw: mode must be one of {', '.join(MODES)}, got {mode!r}")
    shown = view_for(root, "draw", groups, model, rankdir, digits, size)
    if not collapse:
        refuse_if_too_large(
            "draw", shown.root, len(shown.order), max_nodes,
            "Use draw(..., collapse=True) for one box per neuron, visualize.outline(root) for "
            "a text view, or draw(..., max_nodes=None) to draw every node anyway.",
        )
    highlighted = as_nodes(highlight, "highlight", "draw")
    for node in highlighted:
        if node not in shown.index:
            raise ValueError(
                f"draw: highlight node {node.label!r} is not in the graph of {shown.root.label!r}"
            )
    picture = Picture(shown, mode, edge_labels)
    picture.mark_highlight(highlighted)
    if collapse:
        return picture.collapsed(max_nodes)
    return picture.full()


class Picture:
    """Builds one ``Digraph`` from a view: the styles of one drawing.

    ``styles`` maps an id (``v3``, ``v3_op``, ``e3_0``) to attributes laid over
    the usual ones, ``gradient_colours`` a node to the colour of its grad line
    and ``gradients`` a node to the number shown there (default ``.grad``):
    that is how ``frames`` restyles each frame without moving anything.
    """

    def __init__(self, view: GraphView, mode: str, edge_labels: bool | None = None,
                 styles: dict[str, dict[str, str]] | None = None,
                 gradient_colours: dict[Value, str] | None = None,
                 gradients: dict[Value, float] | None = None):
        self.view = view
        self.placement = view.placement  # computed first: it settles the theme
        self.theme = view.theme
        self.mode = mode
        self.edge_labels = mode != "forward" if edge_labels is None else bool(edge_labels)
        self.styles = styles or {}
        self.gradient_colours = gradient_colours or {}
        self.gradients = gradients  # shown instead of .grad (a frame's running totals)
        self.on_path: set[Value] | None = None
        self.notes: list[tuple[str, str, float, float, str, float]] = []
        self.collapsing = False  # collapsed boxes are placed by the caller, not the view
        self.extent: tuple[float, float] | None = None  # the whole picture, in points
        theme = self.theme
        graph_attributes = {
            "rankdir": view.rankdir,
            "fontname": FONT,
            "bgcolor": "white",
            "pad": f"{PAD / 72:.2f}",
            "outputorder": "edgesfirst",  # numbers and boxes are never hidden under a line
        }
        if view.target is not None:
            width, height = view.target
            graph_attributes |= {"size": f"{width / 96:.4f},{height / 96:.4f}!", "dpi": "96"}
        self.graph = DrawnGraph(
            name="tracegrad",
            graph_attr=graph_attributes,
            # Defaults for value boxes, the most numerous nodes; operations override them.
            node_attr={
                "fontname": FONT,
                "fontsize": _points(theme.node_font),
                "shape": "box",
                "style": "rounded,filled",
                "margin": f"{theme.node_margin[0] / 72:.3f},{theme.node_margin[1] / 72:.3f}",
            },
            edge_attr={
                "fontname": FONT,
                "fontsize": _points(theme.edge_label_font),
                "color": EDGE_COLOUR,
                "fontcolor": EDGE_LABEL_COLOUR,
                "arrowsize": "0.7",
            },
        )

    # ----- what to emphasise ------------------------------------------------------------

    def mark_highlight(self, highlighted: list[Value]) -> None:
        chosen = set(highlighted)
        if not chosen:
            return
        # Paths count only through edges that carry something: a local derivative of
        # exactly 0 (the y2·ln p2 term of a one-hot loss) adds nothing to the gradient,
        # so w11's path is the slides' single one, L ← p1 ← z1 ← w11.
        reached = set()
        for node in self.view.order:
            if node in chosen or any(
                source in reached and local is not None and local != 0.0
                for source, local in node.edges
            ):
                reached.add(node)
        reaches_root = {self.view.root}
        for node in reversed(self.view.order):
            if node in reaches_root:
                reaches_root.update(source for source, local in node.edges
                                    if local is not None and local != 0.0)
        self.on_path = reached & reaches_root

    def _muted(self, node: Value) -> bool:
        return self.on_path is not None and node not in self.on_path

    def _edge_on_path(self, source: Value, node: Value, local: float | None = None) -> bool:
        if self.on_path is None or local == 0.0:
            return False
        return source in self.on_path and node in self.on_path

    # ----- text -----------------------------------------------------------------------

    def _value_label(self, node: Value, extra_lines=()) -> str:
        muted = self._muted(node)
        lines = []
        if self.view.title_line(node) is not None:
            lines.append(html_title(node, self.view, MUTED_TEXT))
        for line in extra_lines:
            size = _points(self.theme.small_font)
            lines.append(f'<FONT POINT-SIZE="{size}">{html_text(line)}</FONT>')
        if self.mode != "gradients" or node.is_constant:
            lines.append(html_text(self.view.number(node.data)))
        if self.mode != "forward" and self.view.has_gradient(node):
            colour = MUTED_TEXT if muted else self.gradient_colours.get(node, GRADIENT_COLOUR)
            shown = node.grad if self.gradients is None else self.gradients[node]
            gradient = html_text(self.view.number(shown))
            prefix = self.view.gradient_prefix
            lines.append(f'<FONT COLOR="{colour}">{prefix}{gradient}</FONT>')
        return "<" + "<BR/>".join(lines) + ">"

    def _value_attributes(self, node: Value, name: str, extra_lines=()) -> dict[str, str]:
        # Shape, style and margin come from the graph's node defaults (see ``__init__``).
        kind = self.view.kind(node)
        attributes = {"id": name, "fillcolor": FILLS[kind],
                      "label": self._value_label(node, extra_lines)}
        if kind == CONSTANT:
            # Data, not a parameter: a plain grey card with no gradient line.
            attributes |= {"style": "filled", "color": CONSTANT_BORDER}
        if self._muted(node):
            attributes |= {"color": MUTED_COLOUR, "fontcolor": MUTED_TEXT, "fillcolor": MUTED_FILL}
        elif self.on_path is not None:
            attributes |= {"color": HIGHLIGHT_COLOUR, "penwidth": "3"}
        return attributes | self._pinned(name) | self.styles.get(name, {})

    def _operation_attributes(self, node: Value, name: str) -> dict[str, str]:
        symbol = node.op.symbol
        attributes = {
            "id": name,
            "label": f"<<B>{html_text(symbol)}</B>>" if len(symbol) == 1 else f"<{html_text(symbol)}>",
            "shape": "circle" if len(symbol) <= CIRCLE_SYMBOL else "ellipse",
            "style": "filled",
            "fillcolor": OPERATION_FILL,
            "color": OPERATION_BORDER,
            # One-character symbols (·, ×, σ) are drawn large enough to read from afar.
            "fontsize": _points(self.view.operation_symbol_font(node)),
            "margin": "0.02",
        }
        if self._muted(node):
            attributes |= {"color": MUTED_COLOUR, "fontcolor": MUTED_TEXT, "fillcolor": "#f3f4f6"}
        elif self.on_path is not None:
            attributes |= {"color": HIGHLIGHT_COLOUR, "penwidth": "2.5"}
        return attributes | self._pinned(name) | self.styles.get(name, {})

    def _pinned(self, name: str) -> dict[str, str]:
        """Position and size from the view's layout (or the grid), for Graphviz to keep."""
        if self.collapsing:
            return {}
        if self.placement is None:
            positions = self.view.grid_positions
            return {"pos": positions[name]} if name in positions else {}
        width, height = self.placement.size(name)
        return {"pos": self.placement.pos(name), "width": f"{width / 72:.3f}",
                "height": f"{height / 72:.3f}"}

    def _edge_attributes(self, edge_id: str, key, source: Value, node: Value,
                         local: float | None) -> dict[str, str]:
        attributes = {"id": edge_id}
        route = self.placement.routes.get(key) if self.placement is not None else None
        labelled = local is not None and self.edge_labels and self.placement is not None
        if route is not None:
            attributes["pos"] = self.placement.edge_pos(route)
        if labelled:
            # On a white card sitting on its own line: the number plainly belongs to it.
            attributes["label"] = (
                '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" '
                f'BGCOLOR="white"><TR><TD>{html_text(self.view.number(local))}</TD></TR></TABLE>>'
            )
        if self._edge_on_path(source, node, local):
            attributes |= {"color": HIGHLIGHT_COLOUR, "penwidth": "3", "fontcolor": HIGHLIGHT_COLOUR}
        elif self.on_path is not None:
            attributes |= {"color": MUTED_COLOUR, "fontcolor": MUTED_TEXT}
        return attributes | self.styles.get(edge_id, {})

    # ----- the full drawing: every node ------------------------------------------------

    def full(self) -> DrawnGraph:
        view = self.view
        if self.placement is None:
            self.graph.attr(layout="nop", splines="false")
        else:
            self.graph.attr(layout="nop2", splines="true")
        placed: set[Value] = set()
        for number, (name, members) in enumerate(view.clusters):
            with self.graph.subgraph(name=f"cluster_{number}") as cluster:
                cluster.attr(**self._cluster_attributes(name, number))
                for node in members:
                    self._add_node(cluster, node)
                    placed.add(node)
        for node in view.order:
            if node not in placed:
                self._add_node(self.graph, node)
        for node in view.order:
            self._add_edges(node)
        if self.edge_labels and self.mode != "forward" and self.placement is not None:
            self._add_legend()
        self._add_notes()
        self._check_readable()
        return self.graph

    def _cluster_attributes(self, name: str, number: int) -> dict[str, str]:
        attributes = {
            "id": self.view.cluster_id(number),
            "label": f"<<B>{html_text(name)}</B>>",
            "style": "rounded,filled",
            "fillcolor": CLUSTER_FILL,
            "color": CLUSTER_BORDER,
            "fontname": FONT,
            "fontsize": _points(self.theme.cluster_font),
            "margin": "10",
        }
        if self.placement is not None:
            block = self.placement.blocks[number]
            attributes["bb"] = self.placement.cluster_box(block, self.theme.cluster_margin)
        return attributes

    def _add_node(self, where: graphviz.Digraph, node: Value) -> None:
        name = self.view.node_id(node)
        where.node(name, **self._value_attributes(node, name))
        if not node.is_leaf:
            operation = self.view.operation_id(node)
            where.node(operation, **self._operation_attributes(node, operation))

    def _add_edges(self, node: Value) -> None:
        if node.is_leaf:
            return
        view = self.view
        operation = view.operation_id(node)
        for position, (source, local) in enumerate(node.edges):
            edge_id = view.edge_id(node, position)
            key = view.edge_key(node, position)
            attributes = self._edge_attributes(edge_id, key, source, node, local)
            route = self.placement.routes.get(key) if self.placement is not None else None
            if "label" in attributes and route is not None and route.label_at is not None:
                self._add_edge_label(view.edge_label_id(node, position), route,
                                     attributes.pop("label"), attributes)
            self.graph.edge(view.node_id(source), operation, **attributes)
        output = view.output_edge_id(node)
        attributes = self._edge_attributes(output, (operation, view.node_id(node), 0),
                                           node, node, None)
        self.graph.edge(operation, view.node_id(node), **attributes)

    def _add_edge_label(self, name: str, route, label: str, edge: dict[str, str]) -> None:
        """An edge's number as a card of its own, pinned on the edge's curve.

        Drawn with the boxes, after every line, so no other edge runs across it.
        """
        width, height = route.label_size
        self.graph.node(
            name, id=name, label=label, shape="plaintext", style="", margin="0",
            width=f"{width / 72:.3f}", height=f"{height / 72:.3f}",
            fontsize=_points(self.theme.edge_label_font),
            fontcolor=edge.get("fontcolor", EDGE_LABEL_COLOUR),
            pos=f"{self.placement.label_pos(route)}!",
        )

    # ----- captions and legends, pinned beside the drawing ------------------------------

    def add_note(self, name: str, html: str, width: float, lines: int, where: str,
                 font: float) -> None:
        """A text pinned left-aligned ``"above"`` or ``"below"`` the drawing, ``width`` points wide."""
        height = lines * font * LINE_HEIGHT + 6
        self.notes.append((name, html, width, height, where, font))

    def _add_legend(self) -> None:
        root = html_text(self.view.names[self.view.root])
        font = self.theme.legend_font
        gradient = "grad" if self.view.gradient_prefix else "red numbers"
        plain = (f"blue numbers on edges: local derivatives ∂out/∂in, how much an operation's "
                 f"result moves per unit of that input   {gradient}: ∂{root}/∂node")
        legend = (
            f'<FONT COLOR="{EDGE_LABEL_COLOUR}"><B>blue numbers on edges</B></FONT>: local '
            "derivatives ∂out/∂in, how much an operation's result moves per unit of that "
            f'input   <FONT COLOR="{GRADIENT_COLOUR}"><B>{gradient}</B></FONT>: ∂{root}/∂node'
            '<BR ALIGN="LEFT"/>'
        )
        self.add_note("legend", f"<{legend}>", text_width(plain, font, bold=True) + 10, 1,
                      "below", font)

    def _add_notes(self) -> None:
        """Pin the notes and measure the whole picture (``self.extent``, in points)."""
        if self.placement is None:
            return
        left, top, right, bottom = self.placement.extent(self.theme.cluster_margin)
        corners = [self.placement.point(left, top), self.placement.point(right, bottom)]
        x0, x1 = min(x for x, _ in corners), max(x for x, _ in corners)
        y0, y1 = min(y for _, y in corners), max(y for _, y in corners)
        for name, html, width, height, where, font in self.notes:
            y = y1 + NOTE_GAP + height / 2 if where == "above" else y0 - NOTE_GAP - height / 2
            self.graph.node(
                name, label=html, id=name, shape="plaintext", style="", fixedsize="true",
                width=f"{width / 72:.3f}", height=f"{height / 72:.3f}", margin="0",
                fontsize=_points(font), pos=f"{x0 + width / 2:.2f},{y:.2f}!",
            )
            x1 = max(x1, x0 + width)
            if where == "above":
                y1 += NOTE_GAP + height
            else:
                y0 -= NOTE_GAP + height
        self.extent = (x1 - x0 + 2 * PAD, y1 - y0 + 2 * PAD)

    def _check_readable(self) -> None:
        """Warn when a projector picture's text ends up smaller than a projector needs."""
        if self.view.target is None or self.extent is None:
            return
        node_pixels, edge_pixels = self.view.text_pixels(*self.extent)
        least_node, least_edge = self.view.minimum_pixels()
        edges_too_small = self.edge_labels and edge_pixels < least_edge * 0.97
        if node_pixels >= least_node * 0.97 and not edges_too_small:
            return
        width, height = self.view.target
        measured = f"{node_pixels:.0f} px in boxes"
        needed = f"{least_node:.0f} px"
        if self.edge_labels:
            measured += f" and {edge_pixels:.0f} px on edges"
            needed += f" / {least_edge:.0f} px"
        advice = "draw part of it or draw(..., collapse=True)"
        if self.edge_labels:
            advice += ", or leave out the edge numbers (edge_labels=False)"
        warnings.warn(
            f"draw: at {width}×{height} this graph's text is {measured}, under the {needed} "
            f"a projector needs; {advice}",
            stacklevel=4,
        )

    # ----- the collapsed drawing: one box per chain -----------------------------------

    def collapsed(self, max_nodes) -> DrawnGraph:
        view = self.view
        boxes = _collapse(view.order)
        box_count = len(set(boxes.values()))
        if max_nodes is not None and box_count > max_nodes:
            raise GraphTooLarge(
                f"draw: even collapsed the graph has {box_count} boxes, more than "
                f"max_nodes={max_nodes}; use visualize.outline(root) for a text view "
                "or draw(..., collapse=True, max_nodes=None) to draw it anyway."
            )
        members_of: dict[Value, list[Value]] = {}
        for node in view.order:
            members_of.setdefault(boxes[node], []).append(node)
        box_inputs = {
            head: list(dict.fromkeys(boxes[source] for member in members
                                     for source in member.inputs if boxes[source] is not head))
            for head, members in members_of.items()
        }
        # Graphviz's own layout for a readable number of boxes; the grid past that.
        self.placement = None
        self.collapsing = True
        positions = {}
        if box_count > COLLAPSED_GRID_FROM:
            # Boxes are listed by their first member; the grid needs the heads' own order.
            heads = sorted(members_of, key=view.index.__getitem__)
            positions = grid_positions(heads, box_inputs.__getitem__, view.rankdir,
                                       operations=False, name_of=view.node_id)
            self.graph.attr(layout="nop", splines="false")
        home = {}
        for number, (_, members) in enumerate(view.clusters):
            for node in members:
                home.setdefault(boxes[node], number)
        subgraphs = {}
        for number, (name, _) in enumerate(view.clusters):
            subgraph = DrawnGraph(name=f"cluster_{number}")
            subgraph.attr(**self._cluster_attributes(name, number))
            subgraphs[number] = subgraph
        for head, members in members_of.items():
            where = subgraphs.get(home.get(head), self.graph)
            box_name, attributes = self._box(head, members)
            if box_name in positions:
                attributes["pos"] = positions[box_name]
            where.node(box_name, **attributes)
        for subgraph in subgraphs.values():
            self.graph.subgraph(subgraph)
        for head, sources in box_inputs.items():
            for source_head in sources:
                self.graph.edge(view.node_id(source_head), view.node_id(head),
                                **self._collapsed_edge_attributes(source_head, head))
        return self.graph

    def _collapsed_edge_attributes(self, source: Value, head: Value) -> dict[str, str]:
        if self._edge_on_path(source, head):
            return {"color": HIGHLIGHT_COLOUR, "penwidth": "3"}
        if self.on_path is not None:
            return {"color": MUTED_COLOUR}
        return {}

    def _box(self, head: Value, members: list[Value]) -> tuple[str, dict[str, str]]:
        name = self.view.node_id(head)
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



def _points(size: float) -> str:
    """A font size for Graphviz, in points."""
    return f"{size:.1f}".rstrip("0").rstrip(".")


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
