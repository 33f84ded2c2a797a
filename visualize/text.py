"""``outline``: a graph as an indented plain-text tree, for a terminal or an SSH session.

The root comes first and each node's inputs are indented beneath it, so reading
down follows the backward pass. A node that feeds several others (a shared
subexpression) is written out once, tagged ``[#n]``, and later mentioned as
``see #n`` instead of repeating its whole subtree. The walk uses an explicit
stack, so graphs of any depth or size print without recursion.
"""

from __future__ import annotations

import autograd
from autograd import Value
from visualize.draw import MODES
from visualize.tables import format_number, node_names

# Past this depth lines stop moving right and carry their depth as a number instead.
MAX_INDENT_DEPTH = 30


def _describe(node: Value, name: str, mode: str, digits: int) -> str:
    parts = [name]
    if node.op is not None:
        symbol, name = node.op.symbol, node.op.name
        parts.append(f"[{symbol} {name}]" if symbol != name else f"[{name}]")
    else:
        parts.append("[constant]" if node.is_constant else "[leaf]")
    if mode != "gradients":
        parts.append(f"data {format_number(node.data, digits)}")
    if mode != "forward" and not node.is_constant:
        parts.append(f"grad {format_number(node.grad, digits)}")
    return "  ".join(parts)


def outline(
    root: Value,
    mode: str = "backward",
    digits: int = 4,
    local_derivatives: bool = True,
    max_lines: int | None = 2000,
) -> str:
    """The graph under ``root`` as an indented outline, root first, inputs beneath.

    Each line: label, ``[op]`` (or ``[leaf]``), data and grad (``mode`` as in
    ``draw``: ``"forward"``, ``"backward"`` or ``"gradients"``); with
    ``local_derivatives`` each input line starts with ``(∂ 0.2259)``, the local
    derivative of its consumer with respect to it. Shared nodes are printed once
    (``[#n]``) and referred back to (``see #n``). Output stops after ``max_lines``
    lines with a note saying how many nodes were not shown (``None``: no limit).

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> b = a * a
    >>> b.label = "b"
    >>> b.backward()
    >>> print(outline(b))
    b  [× mul]  data 4.0000  grad 1.0000
      (∂ 2.0000) a [#1]  [leaf]  data 2.0000  grad 4.0000
      (∂ 2.0000) a  see #1
    """
    if mode not in MODES:
        raise ValueError(f"outline: mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not isinstance(root, Value):
        raise TypeError(f"outline: root must be a Value, got {type(root).__name__}")
    order = autograd.topological_order(root)
    # Unlabelled nodes are t<row>, as in tape, steps, explain and the pictures;
    # control characters in labels are shown escaped, so each node stays on one line.
    names = node_names(root, order)
    readers: dict[Value, int] = {}
    for node in order:
        for source in node.inputs:
            readers[source] = readers.get(source, 0) + 1
    tags: dict[Value, int] = {}
    shown: set[Value] = set()
    lines: list[str] = []
    # Each entry: (node, depth, local derivative on the edge that led here, or None for the root).
    stack: list[tuple[Value, int, float | None]] = [(root, 0, None)]
    while stack:
        if max_lines is not None and len(lines) >= max_lines:
            lines.append(
                f"... stopped after {max_lines} lines: {len(order) - len(shown)} of "
                f"{len(order)} nodes not shown (pass max_lines=None for all)"
            )
            break
        node, depth, local = stack.pop()
        indent = "  " * min(depth, MAX_INDENT_DEPTH)
        if depth > MAX_INDENT_DEPTH:
            indent += f"<depth {depth}> "
        edge = ""
        if local_derivatives and local is not None:
            edge = f"(∂ {format_number(local, digits)}) "
        if node in tags:
            lines.append(f"{indent}{edge}{names[node]}  see #{tags[node]}")
            continue
        shown.add(node)
        name = names[node]
        if readers.get(node, 0) > 1:
            tags[node] = len(tags) + 1
            name = f"{name} [#{tags[node]}]"
        description = _describe(node, name, mode, digits)
        lines.append(f"{indent}{edge}{description}")
        # Pushed in reverse so that input 1 is printed first.
        for source, derivative in reversed(node.edges):
            stack.append((source, depth + 1, derivative))
    return "\n".join(lines)
