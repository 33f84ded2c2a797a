"""The chain rule as the slides write it: ∂-factors, their formulas, the numbers put in, the value.

One ∂-factor of a path is one edge of the graph (or a few, when explain folds
helper nodes into it). Its formula is the op table's local derivative
(``Op.formulas``) written in the names of the consumer's inputs, constants
replaced by their numbers (−y1/p1 with y1 = 1 reads −1/p1). The same formula
with every input replaced by its number is the line where numbers are
substituted. Nothing is differentiated or recomputed here.

Three notations share this code: ``autograd.formulas.TEXT``, ``LATEX`` and
``MATHML``; ``rows`` lay out lines as ``(left side, right side)`` pairs and
``latex_block``/``mathml_block``/``text_block`` typeset them.
"""

from autograd.formulas import LATEX, MATHML, TEXT, latex_text, mathml_text

from visualize.tables import format_number


def local_formula(node, position):
    """d node / d (its input at ``position``) as a formula, constants put in; None without one."""
    table = node.op.formulas(len(node.inputs))
    if table is None:
        return None
    constants = {k: source.data for k, source in enumerate(node.inputs) if source.is_constant}
    return table.local[position].substitute(constants)


def factor_formula(steps, style, name_of, first=False):
    """One ∂-factor, the edges ``steps`` ((consumer, position), ...), as a formula in ``style``.

    ``name_of(node)`` is the text standing for a node: its name, or its number
    (``format_number``) on the line where numbers are substituted.
    """
    pieces = []
    for index, (node, position) in enumerate(steps):
        formula = local_formula(node, position)
        if formula is None:
            # An operation without formulas: show the stored number itself.
            local = node.edges[position][1]
            pieces.append(style.name(format_number(local)))
            continue
        names = [style.name(name_of(source)) for source in node.inputs]
        pieces.append(formula.written_as_factor(style, names, style.name(name_of(node)),
                                                first=first and index == 0))
    return pieces[0] if len(pieces) == 1 else style.product(pieces)


def derivative_symbol(numerator, denominator, style):
    """∂numerator/∂denominator in ``style``, from two plain names."""
    return style.derivative(style.name(numerator), style.name(denominator))


def number(value, style, digits):
    """``value`` formatted like every number of tracegrad, written in ``style``."""
    return style.name(format_number(value, digits))


def signed_sum(values, style, digits):
    """v1 + v2 − v3 ...: a negative term after the first is subtracted, not added."""
    pieces = []
    for index, value in enumerate(values):
        if index and value < 0:
            pieces.append(style.minus + number(-value, style, digits))
        else:
            pieces.append((style.plus if index else "") + number(value, style, digits))
    return "".join(pieces)


def words(text, style):
    """Plain words (a note, a label) safe in ``style``."""
    if style is LATEX:
        return f"\\text{{{latex_text(text)}}}"
    if style is MATHML:
        return f"<mtext>{mathml_text(text)}</mtext>"
    return text


# Rows are (left side, right side): "left = right", or (None, "+ more") to continue the line above.


def text_block(rows, indent="  "):
    """Rows as Unicode text, the ``=`` signs under one another."""
    width = max((len(left) for left, _ in rows if left is not None), default=0)
    lines = []
    for left, right in rows:
        if left is None:
            lines.append(f"{indent}{'':>{width}}   {right}")
        else:
            lines.append(f"{indent}{left:>{width}} = {right}")
    return "\n".join(lines)


def latex_block(rows, environment="align*"):
    """Rows as a LaTeX ``align*`` (or ``aligned``) environment: the ``=`` signs aligned."""
    body = " \\\\\n".join(
        f"  &\\quad {right}" if left is None else f"  {left} &= {right}" for left, right in rows
    )
    return f"\\begin{{{environment}}}\n{body}\n\\end{{{environment}}}"


def mathml_block(rows):
    """Rows as one MathML ``<math>`` element: a table whose second column starts with ``=``."""
    cells = "".join(
        f'<mtr><mtd></mtd><mtd columnalign="left"><mspace width="1em"/>{right}</mtd></mtr>'
        if left is None else
        f'<mtr><mtd columnalign="right">{left}</mtd>'
        f'<mtd columnalign="left"><mo>=</mo>{right}</mtd></mtr>'
        for left, right in rows
    )
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mtable>{cells}</mtable></math>'


STYLES = {"text": TEXT, "latex": LATEX, "mathml": MATHML}
