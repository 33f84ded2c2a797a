"""Stepping through a backward pass, one node at a time, as readable tables.

``steps(root)`` wraps ``autograd.backward_steps``: the backward pass really
happens while you iterate, so after the last step every ``.grad`` is filled in.
Each step names the node whose gradient is now final and, for each of its
inputs, shows the local derivative, the upstream gradient, their product (the
contribution) and the input's running total.

>>> from autograd import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b; c.label = "c"
>>> walk = steps(c)
>>> print(next(walk))
step 1: dc/dc = 1.0000 is final (c = mul of a, b)
input  local dc/dinput  upstream dc/dc  contribution  running total
-----  ---------------  --------------  ------------  -------------
a              -3.0000          1.0000       -3.0000        -3.0000
b               2.0000          1.0000        2.0000         2.0000

The whole pass prints as one long table (``print(steps(root))``); it is
produced line by line (``lines()``), so a 100,000-node graph streams through.
"""

import html
import itertools

from autograd import backward_steps, topological_order, zero_grad

from visualize.tables import (
    format_number,
    format_table,
    grouped,
    html_table,
    node_names,
    operation_name,
    require_value,
    shorten,
)

# Column width for names in the long table, so one odd label cannot stretch every row.
NAME_WIDTH = 10
# A notebook cell is wider than a terminal column: names there may run longer.
HTML_NAME_WIDTH = 24
# Rows a notebook shows of the long table; the pass still runs to its end (every .grad filled).
HTML_ROWS_SHOWN = 1000


class Step:
    """One step of backward: ``node`` 's gradient is final and has been passed to its inputs.

    ``contributions`` are ``autograd.Contribution`` s (input, local_derivative,
    upstream, contribution, running_total), one per edge in input order.
    """

    def __init__(self, backward_step, names, root, digits=4):
        self.index = backward_step.index
        # Counted from 1 in print, as frames() and the page count them ("step k of n").
        self.number = backward_step.index + 1
        self.node = backward_step.node
        self.gradient = backward_step.gradient
        self.contributions = backward_step.contributions
        self.names = names
        self.root = root
        self.digits = digits

    def name(self, node):
        """The name this step uses for ``node`` (its label, or t<row> on the tape)."""
        return self.names[node]

    def _headline(self):
        top, here = grouped(self.name(self.root)), grouped(self.name(self.node))
        gradient = format_number(self.gradient, self.digits)
        if self.node.is_leaf:
            made = "an input: nothing further to pass back"
        else:
            inputs = ", ".join(self.name(item.input) for item in self.contributions)
            made = f"{self.name(self.node)} = {operation_name(self.node)} of {shorten(inputs, 60)}"
        return f"step {self.number}: d{top}/d{here} = {gradient} is final ({made})"

    def _header(self):
        top, here = grouped(self.name(self.root)), grouped(self.name(self.node))
        return (
            "input",
            f"local d{here}/dinput",
            f"upstream d{top}/d{here}",
            "contribution",
            "running total",
        )

    def _rows(self):
        return [
            (
                self.name(item.input),
                format_number(item.local_derivative, self.digits),
                format_number(item.upstream, self.digits),
                format_number(item.contribution, self.digits),
                format_number(item.running_total, self.digits),
            )
            for item in self.contributions
        ]

    def __str__(self):
        if not self.contributions:
            return self._headline()
        table = format_table(self._header(), self._rows(), right_aligned=(1, 2, 3, 4))
        return self._headline() + "\n" + table

    def _repr_html_(self):
        headline = f"<p><b>{html.escape(self._headline())}</b></p>"
        if not self.contributions:
            return f'<div class="tracegrad-step">{headline}</div>'
        table = html_table(self._header(), self._rows(), right_aligned=(1, 2, 3, 4))
        return f'<div class="tracegrad-step">{headline}{table}</div>'

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def __repr__(self):
        return f"<Step {self.number}: gradient of {self.name(self.node)!r} is final; print() it>"


class Steps:
    """The backward pass of ``root`` as an iterator of ``Step`` s (one pass, like a generator).

    ``print()`` runs the steps not taken yet and prints every step, taken before
    or just now, as one table; printing again shows the same table.
    """

    def __init__(self, root, gradient=1.0, accumulate=False, digits=4):
        require_value(root, "steps")
        self.root = root
        self.digits = digits
        self.names = node_names(root, topological_order(root))
        if not accumulate:
            # Running totals should show this pass only, not what an earlier backward left in the leaves.
            zero_grad(root)
        self._pending = backward_steps(root, gradient)
        # Kept so that showing the table (twice, or after next()) never loses a step.
        self.done = []

    @property
    def taken(self):
        return len(self.done)

    def __iter__(self):
        return self

    def __next__(self):
        step = Step(next(self._pending), self.names, self.root, self.digits)
        self.done.append(step)
        return step

    def _header(self):
        top = grouped(self.names[self.root])
        return ("step", "node", f"d{top}/dnode", "input", "local", "upstream",
                "contribution", "running total")

    def _rows(self, name_width):
        """The long table's rows, a row per edge; the steps not yet taken run as they are made."""
        for step in itertools.chain(list(self.done), self):
            first = (str(step.number), shorten(step.name(step.node), name_width),
                     format_number(step.gradient, self.digits))
            if not step.contributions:
                yield (*first, "-", "", "", "", "")
            for number, item in enumerate(step.contributions):
                lead = first if number == 0 else ("", "", "")
                yield (
                    *lead,
                    shorten(step.name(item.input), name_width),
                    format_number(item.local_derivative, self.digits),
                    format_number(item.upstream, self.digits),
                    format_number(item.contribution, self.digits),
                    format_number(item.running_total, self.digits),
                )

    def _done_line(self):
        top = grouped(self.names[self.root])
        return f"backward done: {self.taken} steps; every .grad now holds d{top}/d(node)"

    def lines(self):
        """Every step as lines of one table; the steps not yet taken run as it is produced."""
        widths = (4, NAME_WIDTH, 10, NAME_WIDTH, 10, 10, 12, 13)
        yield _fixed_row(self._header(), widths)
        yield "  ".join("-" * width for width in widths)
        for row in self._rows(NAME_WIDTH):
            yield _fixed_row(row, widths)
        yield self._done_line()

    def __str__(self):
        return "\n".join(self.lines())

    def _repr_html_(self):
        rows = self._rows(HTML_NAME_WIDTH)
        shown = list(itertools.islice(rows, HTML_ROWS_SHOWN))
        hidden = sum(1 for _ in rows)  # runs the rest of the pass, as print() would
        table = html_table(self._header(), shown, right_aligned=(0, 2, 4, 5, 6, 7))
        note = (f"<p>… {hidden:,} more rows: print() the steps for every one.</p>"
                if hidden else "")
        return (f'<div class="tracegrad-steps">{table}{note}'
                f"<p>{html.escape(self._done_line())}</p></div>")

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def __repr__(self):
        return (
            f"<steps of the backward pass from {self.names[self.root]!r}: "
            f"{self.taken} taken; next() for one, print() for the rest>"
        )


def _fixed_row(cells, widths):
    # The name and input columns (1 and 3) read left to right; numbers line up on the right.
    return "  ".join(
        cell.ljust(width) if column in (1, 3) else cell.rjust(width)
        for column, (cell, width) in enumerate(zip(cells, widths))
    ).rstrip()


def steps(root, gradient=1.0, accumulate=False, digits=4):
    """Iterate over ``root`` 's backward pass one ``Step`` at a time; print for a table.

    Leaf gradients are zeroed first so running totals show this pass alone;
    ``accumulate=True`` keeps them, as ``root.backward()`` does.
    """
    return Steps(root, gradient, accumulate, digits)
