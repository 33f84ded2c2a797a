"""The tape (Wengert list): a graph as a table, one row per node in forward order.

The tape fixes the *names* every text view uses (``visualize.tables.node_names``):
a node's label, or, for an unlabelled node, ``t`` followed by its row number on
the tape (``t7``), so the same node reads the same in the tape, in
``visualize.explain`` and in ``visualize.steps``.

>>> from autograd import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> print(tape(a * b + a))                          # doctest: +NORMALIZE_WHITESPACE
row  name  op     inputs     data    grad
---  ----  -----  ------  -------  ------
  1  a     input           2.0000  0.0000
  2  b     input          -3.0000  0.0000
  3  t3    mul    a, b    -6.0000  0.0000
  4  t4    add    t3, a   -4.0000  0.0000
"""

from dataclasses import dataclass

from autograd import topological_order

from visualize.tables import (
    format_gradient,
    format_number,
    format_table,
    html_table,
    node_names,
    operation_name,
    require_value,
    shorten,
)

# A dot product over a wide layer has hundreds of inputs; the table shows the first few.
INPUTS_SHOWN = 6


@dataclass(frozen=True)
class TapeRow:
    """One node of the tape: where it comes in the forward pass and what it holds."""

    row: int  # 1-based position in forward (topological) order
    name: str  # label, or t<row> for an unlabelled node
    op: str  # operation name, "input" for leaves
    inputs: tuple  # names of the inputs, in order (x*x lists x twice)
    data: float
    grad: float
    node: object  # the Value itself


class Tape:
    """All rows of a graph's tape; prints as a table, ``rows`` holds the data."""

    def __init__(self, root, digits=4):
        require_value(root, "tape")
        order = topological_order(root)
        self.root = root
        self.digits = digits
        self.names = node_names(root, order)
        self.rows = tuple(
            TapeRow(
                row,
                self.names[node],
                operation_name(node),
                tuple(self.names[source] for source in node.inputs),
                node.data,
                node.grad,
                node,
            )
            for row, node in enumerate(order, start=1)
        )

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    header = ("row", "name", "op", "inputs", "data", "grad")

    def _cells(self):
        for item in self.rows:
            yield (
                str(item.row),
                shorten(item.name, 40),
                item.op,
                _input_list(item.inputs),
                format_number(item.data, self.digits),
                format_gradient(item.node, self.digits),
            )

    def __str__(self):
        return format_table(self.header, self._cells(), right_aligned=(0, 4, 5))

    def _repr_html_(self):
        caption = f"tape of {self.names[self.root]}: {len(self.rows)} nodes in forward order"
        return html_table(self.header, self._cells(), right_aligned=(0, 4, 5), caption=caption)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def __repr__(self):
        return f"<Tape of {self.names[self.root]!r}: {len(self.rows)} nodes; print() it for the table>"


def _input_list(names):
    if len(names) <= INPUTS_SHOWN:
        return ", ".join(names)
    shown = ", ".join(names[:INPUTS_SHOWN])
    return f"{shown}, … (+{len(names) - INPUTS_SHOWN} more)"


def tape(root, digits=4):
    """The graph ending at ``root`` as a Wengert list: name, op, inputs, data, grad per node."""
    return Tape(root, digits)
