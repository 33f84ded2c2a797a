"""Plain-text helpers shared by the text views: node names, numbers, tables.

Every text view of tracegrad (tape, explain, steps, the ``tracegrad`` command)
names nodes, formats numbers and lines up columns through these few functions,
so a node and a number look the same wherever a student meets them.
"""

import html
import math

from autograd import Value, topological_order
from autograd.formulas import reads_as_one_symbol

ELLIPSIS = "…"


def format_number(number, digits=4):
    """``number`` with ``digits`` decimals like the slides (-0.3835), in e-notation when tiny or huge.

    Every view (tables, pictures, the page) formats numbers here, so one number
    never shows two ways side by side.
    """
    if math.isnan(number) or math.isinf(number):
        return str(number)
    magnitude = abs(number)
    if magnitude != 0.0 and (magnitude >= 1e6 or magnitude < 10.0 ** (-digits)):
        # Two decimals suffice to tell float noise (5.55e-17) from a real tiny number.
        return f"{number:.{min(digits, 2)}e}"
    text = f"{number:.{digits}f}"
    # -0.0000 would suggest a sign that carries no information.
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def format_count(count):
    """A whole number with thousands separators, or ``about 1.23 × 10^45`` when it is huge."""
    if count < 10**12:
        return f"{count:,}"
    # str() of a giant int is slow (and refused past 4300 digits), so estimate from bit_length.
    shift = max(count.bit_length() - 60, 0)
    exponent = math.log10(count >> shift) + shift * math.log10(2.0)
    whole = math.floor(exponent)
    return f"about {10.0 ** (exponent - whole):.2f} × 10^{whole}"


def plain_label(text):
    """A label made safe for one line of a terminal table: control characters shown escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def require_value(candidate, operation, role="root"):
    """Refuse anything but a ``Value`` with an error naming the operation and the argument."""
    if not isinstance(candidate, Value):
        raise TypeError(
            f"{operation}: {role} must be an autograd.Value, got {type(candidate).__name__}"
        )


def node_names(root, order=None):
    """``{node: name}`` for every node reachable from ``root``: its label, else ``t<row>``.

    ``order`` may pass ``topological_order(root)`` when the caller already has it.
    """
    if order is None:
        order = topological_order(root)
    return {
        node: (plain_label(node.label) if node.label is not None else f"t{row}")
        for row, node in enumerate(order, start=1)
    }


def operation_name(node):
    """The operation's name (``mul``, ``sigmoid``...), ``input`` for a leaf, ``constant`` for data."""
    if node.op is not None:
        return node.op.name
    return "constant" if node.is_constant else "input"


def format_gradient(node, digits=4):
    """``node.grad`` like every number, or ``-`` for a constant, which has no gradient."""
    return "-" if node.is_constant else format_number(node.grad, digits)


def grouped(name):
    """A name in brackets when it is not one symbol: d(y-h), not dy-h; ‖V‖ stays as it is.

    The formulas' own rule (``autograd.formulas.reads_as_one_symbol``), so a name reads
    the same in a table, an explanation and a derivation.
    """
    return name if reads_as_one_symbol(name) else f"({name})"


def shorten(text, width):
    """``text`` cut to at most ``width`` characters, ending in … when cut."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


def format_table(header, rows, right_aligned=(), gap="  "):
    """Rows of strings as aligned columns under ``header`` with a rule beneath it.

    Columns whose index is in ``right_aligned`` are right-aligned (numbers).
    """
    rows = [tuple(row) for row in rows]
    widths = [len(cell) for cell in header]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row)]

    def line(cells):
        padded = [
            cell.rjust(width) if index in right_aligned else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        ]
        return gap.join(padded).rstrip()

    rule = gap.join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def html_table(header, rows, right_aligned=(), caption=None):
    """The same table as HTML; every cell is escaped here, so callers pass plain text."""
    parts = ['<table class="tracegrad">']
    if caption is not None:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
        + "</tr></thead><tbody>"
    )
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            style = ' style="text-align:right"' if index in right_aligned else ""
            cells.append(f"<td{style}>{html.escape(cell)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)
