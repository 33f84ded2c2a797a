"""``frames``: one picture per backward step, for slides and animations.

Frame k shows the graph right after backward step k of
``autograd.backward_steps``: the node whose gradient just became final is
outlined in orange, the edges it passes its gradient along are thick orange,
the inputs receiving a share are outlined in blue, and every node whose
gradient is final is drawn in black. Nodes still waiting are grey: the number
they show is the running total they hold so far, not yet their gradient.

The drawing itself is ``visualize.draw``; this module only restyles nodes and
edges by their agreed DOT ids (``v{i}``, ``v{i}_op``, ``e{i}_{j}``, where i is
the node's position in ``autograd.topological_order(root)``).
"""

import pathlib
import re

import graphviz

import autograd

from visualize.draw import GRADIENT_COLOUR, draw
from visualize.render import render
from visualize.tables import format_number, node_names

CURRENT = "#d94800"
RECEIVING = "#1c5fb8"
WAITING = "#9ca3af"
# Statements by their agreed ids: a node or operation is named v3 / v3_op; an edge
# (whose attributes hold numbers only, never a label) carries id=e3_0 or id=e3_out.
NODE_STATEMENT = re.compile(r"\s*(v\d+(?:_op)?) \[")
EDGE_STATEMENT = re.compile(r'\s*v\d+(?:_op)? -> v\d+(?:_op)? \[.*?\bid="?(e\d+_(?:\d+|out))\b')
WAITING_STYLE = {"color": WAITING, "fontcolor": WAITING}
RECEIVING_STYLE = {"color": RECEIVING, "fontcolor": WAITING, "penwidth": "4"}
CURRENT_STYLE = {"color": CURRENT, "penwidth": "5"}
CURRENT_EDGE_STYLE = {"color": CURRENT, "fontcolor": CURRENT, "penwidth": "4"}
FORMATS = ("png", "svg")
LEGEND = "orange: this step   blue: receives a share   grey: gradient not final yet"


def _with_attributes(line, attributes):
    """The DOT statement ``line`` with ``attributes`` added inside its brackets."""
    extra = " ".join(f'{name}="{value}"' for name, value in attributes.items())
    head, bracket, tail = line.rpartition("]")
    if not bracket:
        return f"{line.rstrip()} [{extra}]\n"
    return f"{head} {extra}]{tail}"


def _highlight(graph, step, position, final):
    """Restyle ``graph`` (a fresh drawing, every grad as after this step) for one step.

    Statements are edited in place rather than restated: a node restated after
    its cluster can move, and the frames of an animation must not jump.
    """
    current = position[step.node]
    waiting = set()
    styles = {}
    for node, index in position.items():
        if node not in final:
            waiting.update((f"v{index}", f"v{index}_op"))
            styles[f"v{index}"] = styles[f"v{index}_op"] = WAITING_STYLE
    for item in step.contributions:
        styles[f"v{position[item.input]}"] = RECEIVING_STYLE
    styles[f"v{current}"] = styles[f"v{current}_op"] = CURRENT_STYLE
    for number in range(len(step.contributions)):
        styles[f"e{current}_{number}"] = CURRENT_EDGE_STYLE
    styles[f"e{current}_out"] = CURRENT_EDGE_STYLE
    for number, line in enumerate(graph.body):
        found = NODE_STATEMENT.match(line) or EDGE_STATEMENT.match(line)
        if found is None or found.group(1) not in styles:
            continue
        if found.group(1) in waiting:
            # Only colours change, never text, so every frame keeps the same layout.
            line = line.replace(f'COLOR="{GRADIENT_COLOUR}"', f'COLOR="{WAITING}"')
        graph.body[number] = _with_attributes(line, styles[found.group(1)])


def _caption(step, names, root_name, count, digits):
    """One line saying which gradient this frame finalised and where it went."""
    name = names[step.node]
    gradient = format_number(step.gradient, digits)
    passed = ", ".join(dict.fromkeys(names[item.input] for item in step.contributions))
    after = f"; passed back to {passed}" if passed else " (a leaf)"
    return (
        f"Backward step {step.index + 1} of {count}: "
        f"∂{root_name}/∂{name} = {gradient} is final{after}"
    )


# A prefix names files inside ``folder``; any of these could lead out of it.
FOLDER_CHARACTERS = ("/", "\\", ":", "\0")


def _check_prefix(prefix):
    if (not isinstance(prefix, str) or not prefix.strip(".")
            or any(character in prefix for character in FOLDER_CHARACTERS)):
        raise ValueError(
            "frames: prefix must be the start of a file name inside folder (no '/', '\\', "
            f"':' and not only dots), got {prefix!r}"
        )


def frames(
    root,
    folder,
    *,
    format="png",
    digits=4,
    rankdir="LR",
    groups=None,
    model=None,
    prefix="step",
    max_frames=200,
):
    """Write one picture per backward step into ``folder``; return their paths in order.

    Files are named ``{prefix}_000.png``, ``{prefix}_001.png``, ... so they sort
    in step order (an animation tool can take ``step_*.png``); ``prefix`` cannot
    name another folder. Each file is written whole or not at all. Runs a fresh
    backward pass: afterwards every ``.grad`` holds d root / d node.

    There is one frame per node, each a full drawing, so the work grows with
    the square of the graph; past ``max_frames`` frames (``None``: no limit)
    this stops before drawing anything. ``groups`` and ``model`` go to
    ``visualize.draw`` to box nodes into labelled clusters.
    """
    if format not in FORMATS:
        raise ValueError(f"frames: format must be one of {', '.join(FORMATS)}, got {format!r}")
    if not isinstance(root, autograd.Value):
        raise TypeError(f"frames: root must be an autograd.Value, got {type(root).__name__}")
    _check_prefix(prefix)
    order = autograd.topological_order(root)
    if max_frames is not None and len(order) > max_frames:
        raise ValueError(
            f"frames: the graph of {root.label or 'this node'!r} has {len(order)} nodes, so "
            f"{len(order)} frames, more than max_frames={max_frames}; pass a larger "
            "max_frames (or None), or use visualize.steps(root) for a text view"
        )
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    position = {node: index for index, node in enumerate(order)}
    names = node_names(root, order)
    width = max(3, len(str(len(order) - 1)))
    autograd.zero_grad(root)
    final = set()
    paths = []
    for step in autograd.backward_steps(root):
        final.add(step.node)
        graph = draw(
            root, mode="backward", rankdir=rankdir, digits=digits, groups=groups, model=model
        )
        _highlight(graph, step, position, final)
        caption = _caption(step, names, names[root], len(order), digits)
        graph.attr(label=graphviz.escape(caption + "\n" + LEGEND), labelloc="t", fontsize="22")
        path = folder / f"{prefix}_{step.index:0{width}d}.{format}"
        render(graph, path=path, format=format)
        paths.append(path)
    return paths
