"""Reading where things are drawn from a rendered SVG: node centres, sizes, edge crossings.

Pictures are checked from what Graphviz actually drew, not from what tracegrad
asked for: every node's outline (polygon, path or ellipse) gives its centre.
"""

import re
import xml.etree.ElementTree as ElementTree

import autograd
from visualize.layout import count_crossings

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _outline_box(element):
    """(left, top, right, bottom) of a node's outline shape."""
    if element.tag == f"{SVG}ellipse":
        cx, cy = float(element.get("cx")), float(element.get("cy"))
        rx, ry = float(element.get("rx")), float(element.get("ry"))
        return cx - rx, cy - ry, cx + rx, cy + ry
    text = element.get("points") or element.get("d")
    numbers = [float(number) for number in NUMBER.findall(text)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def node_boxes(svg_text) -> dict[str, tuple[float, float, float, float]]:
    """{SVG id of a node: (left, top, right, bottom)} for every drawn node (y grows downwards)."""
    tree = ElementTree.fromstring(svg_text)
    boxes = {}
    for group in tree.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        for shape in group:
            if shape.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse"):
                boxes[group.get("id")] = _outline_box(shape)
                break
    return boxes


def node_centres(svg_text) -> dict[str, tuple[float, float]]:
    return {name: ((left + right) / 2, (top + bottom) / 2)
            for name, (left, top, right, bottom) in node_boxes(svg_text).items()}


def drawn_edges(root) -> list[tuple[str, str]]:
    """Every edge a full drawing of ``root`` has, by the agreed ids: input -> operation -> value."""
    order = autograd.topological_order(root)
    index = {node: number for number, node in enumerate(order)}
    edges = []
    for node in order:
        if node.is_leaf:
            continue
        for source in node.inputs:
            edges.append((f"v{index[source]}", f"v{index[node]}_op"))
        edges.append((f"v{index[node]}_op", f"v{index[node]}"))
    return edges


def crossings(svg_text, root) -> int:
    """Pairs of edges that cross, each drawn straight between the centres Graphviz gave its ends."""
    return count_crossings(node_centres(svg_text), drawn_edges(root))


def rows(svg_text, ids) -> list[str]:
    """``ids`` sorted top to bottom by where they are drawn."""
    centres = node_centres(svg_text)
    return sorted(ids, key=lambda name: centres[name][1])
