"""Checking backprop against central differences.

``gradcheck(f, inputs)`` evaluates ``f`` at the inputs, asks backprop for the
gradient, then nudges each input by ±h and compares with
(f(x + h) − f(x − h)) / 2h. The result prints as a table and is truthy when
every input agrees.
"""

import html
from dataclasses import dataclass

from autograd.errors import TracegradError, UndefinedOperationError
from autograd.higher import grad
from autograd.value import Value


@dataclass(frozen=True)
class GradientComparison:
    """Backprop versus central differences for one input."""

    label: str
    analytic: float
    numeric: float
    absolute_error: float
    ok: bool


@dataclass(frozen=True, repr=False)
class GradcheckResult:
    """All comparisons; ``bool(result)`` is True when every input agrees."""

    comparisons: tuple
    atol: float
    rtol: float

    @property
    def ok(self):
        return all(item.ok for item in self.comparisons)

    @property
    def mismatches(self):
        return tuple(item for item in self.comparisons if not item.ok)

    def __bool__(self):
        return self.ok

    header = ("input", "backprop", "central diff", "abs error", "verdict")

    def _rows(self):
        return [
            (
                _printable(c.label),
                f"{c.analytic:.8g}",
                f"{c.numeric:.8g}",
                f"{c.absolute_error:.2e}",
                "ok" if c.ok else "MISMATCH",
            )
            for c in self.comparisons
        ]

    def _verdict(self):
        verdict = "all gradients agree" if self.ok else f"{len(self.mismatches)} mismatch(es)"
        return f"gradcheck: {verdict} (atol={self.atol:g}, rtol={self.rtol:g})"

    def __str__(self):
        header, rows = self.header, self._rows()
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
        # Labels and verdicts read left to right; numbers line up on the right.
        aligned = (str.ljust, str.rjust, str.rjust, str.rjust, str.ljust)
        lines = [
            "  ".join(align(cell, w) for align, cell, w in zip(aligned, row, widths)).rstrip()
            for row in [header, *rows]
        ]
        lines.append(self._verdict())
        return "\n".join(lines)

    def _repr_html_(self):
        # Plain string building: the engine depends on nothing, not even on visualize's tables.
        head = "".join(f"<th>{cell}</th>" for cell in self.header)
        body = []
        for row in self._rows():
            label, *numbers, verdict = (html.escape(cell) for cell in row)
            colour = "#047857" if verdict == "ok" else "#b91c1c"
            body.append(
                f"<tr><td>{label}</td>"
                + "".join(f'<td style="text-align:right">{number}</td>' for number in numbers)
                + f'<td style="color:{colour};font-weight:bold">{verdict}</td></tr>'
            )
        return (f'<table class="tracegrad-gradcheck"><caption>{html.escape(self._verdict())}'
                f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    # At a REPL prompt the table is what a student wants to see, not the fields.
    __repr__ = __str__


def _printable(label):
    """A label on one line of the table: control, bidi and unpaired surrogate characters escaped."""
    if label.isprintable():
        return label
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in label)


def gradcheck(f, inputs, step=1e-6, atol=1e-6, rtol=1e-4):
    """Compare backprop with central differences for every input of ``f``.

    ``f`` takes the inputs as positional arguments and returns a ``Value``;
    ``inputs`` are ``Value`` nodes or numbers. Mismatches are reported by label.
    """
    points = [x if isinstance(x, Value) else Value(x) for x in inputs]
    labels = [p.label if p.label is not None else f"input {i + 1}" for i, p in enumerate(points)]
    leaves = [Value(p.data, p.label) for p in points]
    output = f(*leaves)
    analytic = grad(output, leaves)

    def evaluate(shifted):
        # Recorded like the first call: an f that differentiates inside itself
        # (grad(..., create_graph=True)) needs its graph to give the same function.
        result = f(*(Value(x, p.label) for x, p in zip(shifted, points)))
        return result.data if isinstance(result, Value) else float(result)

    comparisons = []
    base = [p.data for p in points]
    def central_difference(i, h):
        up, down = list(base), list(base)
        up[i] += h
        down[i] -= h
        return (evaluate(up) - evaluate(down)) / (2.0 * h)

    for i, (label, backprop) in enumerate(zip(labels, analytic)):
        h = step * max(1.0, abs(base[i]))
        try:
            numeric = central_difference(i, h)
        except TracegradError as error:
            # Near a domain edge (log at 1e-7) a step relative to x stays inside.
            h = step * abs(base[i])
            try:
                numeric = central_difference(i, h)
            except TracegradError:
                raise UndefinedOperationError(
                    f"gradcheck: f is not defined at {label} ± {h:g} ({label} = "
                    f"{base[i]!r}), so central differences cannot be taken there: {error}"
                ) from None
        error = abs(backprop - numeric)
        ok = error <= atol + rtol * abs(numeric)
        comparisons.append(GradientComparison(label, backprop, numeric, error, ok))
    return GradcheckResult(tuple(comparisons), atol, rtol)
