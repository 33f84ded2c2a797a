"""``tracegrad worked-example``: every number of the slides' 3-2-3 network next to the slides'."""

from visualize.cli.arguments import SUCCESS
from visualize.cli.slide_examples import (
    SLIDES_LEARNING_RATE, add_example_command, check_example_options, check_step, report_pictures,
    show_report,
)
from visualize.explain import explain
from visualize.tables import format_number, format_table

WORKED_FORMULAS = {
    "x": "input",
    "q": "x1·v1{j} + x2·v2{j} + x3·v3{j}",
    "h": "σ(q{j})",
    "z": "h1·w1{j} + h2·w2{j}",
    "p": "softmax(z)[{j}]",
}


def _slide_comparisons():
    from nn.examples import SLIDE_NUMBERS, compare_with_slides

    return list(zip(SLIDE_NUMBERS, compare_with_slides()))


def _exact_phrase(name, node, digits):
    """How the exact number comes about, for a line about a slide's difference."""
    exact = format_number(node.data, digits)
    if node.op is not None and node.op.name == "sigmoid":
        return f"σ({format_number(node.inputs[0].data, digits)}) = {exact}"
    if node.is_leaf:
        return f"{name} is {exact}"
    return f"{name} = {node.data:.{digits + 1}f}, which rounds to {exact}"


def _differences(comparisons, nodes, digits):
    """Slide numbers that are not the exact value rounded: (data for JSON, lines for text)."""
    data, lines = [], []
    for printed, comparison in comparisons:
        if comparison.agrees:
            continue
        data.append(
            {
                "name": comparison.name,
                "slide": printed.slide,
                "printed": comparison.printed,
                "slide_value": comparison.slide_value,
                "exact": comparison.exact,
                "difference": comparison.difference,
                "misprint": comparison.misprint,
                "note": comparison.note,
            }
        )
        node = nodes.get(comparison.name)
        exact = (
            _exact_phrase(comparison.name, node, digits)
            if node is not None
            else f"the exact value is {format_number(comparison.exact, digits)}"
        )
        kind = "misprint" if comparison.misprint else "rounding"
        lines.append(f"  {comparison.name} ({kind}): the slide \"{printed.slide}\" prints "
                     f"{comparison.printed}, but {exact}")
        if comparison.note and comparison.misprint:
            lines.append(f"      ({comparison.note})")
    return data, lines


def _slide_cell(comparisons, name):
    """The slides' printed number for ``name`` and whether it is the exact one rounded."""
    matches = [c for _, c in comparisons if c.name == name and not c.misprint]
    if not matches:
        return "", ""
    verdict = "ok" if matches[0].agrees else "DIFFERS"
    if any(c.name == name and c.misprint for _, c in comparisons):
        verdict += " (misprinted once, below)"
    return matches[0].printed, verdict


def worked_example_report(learning_rate=SLIDES_LEARNING_RATE, digits=4):
    """Everything ``tracegrad worked-example`` shows: (JSON-ready data, text lines)."""
    from nn.examples import worked_example

    example = worked_example(backward=True)
    comparisons = _slide_comparisons()
    nodes = example.nodes()
    gradient_v, gradient_w = example.gradient_rows()
    stepped = example.step(learning_rate)
    matrices = ((example.W, gradient_w, stepped.W), (example.V, gradient_v, stepped.V))
    weight_steps = [  # (weight, dL/dweight, weight after the step), W first as on the slides
        (weight, gradient, updated)
        for matrix, gradients, after in matrices
        for row, gradient_row, after_row in zip(matrix, gradients, after)
        for weight, gradient, updated in zip(row, gradient_row, after_row)
    ]
    check_step([(weight.label, weight.data, gradient, after) for weight, gradient, after in weight_steps],
               learning_rate)
    differences, difference_lines = _differences(comparisons, nodes, digits)
    data = {
        "x": [value.data for value in example.x],
        "q": [value.data for value in example.q],
        "h": [value.data for value in example.h],
        "z": [value.data for value in example.z],
        "p": [value.data for value in example.p],
        "loss": example.loss.data,
        "grad": {"W": gradient_w, "V": gradient_v},
        "updated": {"W": stepped.W, "V": stepped.V},
        "slide_differences": differences,
    }

    forward_rows = []
    for block in ("x", "q", "h", "z", "p"):
        for j, node in enumerate(getattr(example, block), start=1):
            printed, verdict = _slide_cell(comparisons, node.label)
            formula = WORKED_FORMULAS[block].format(j=j)
            forward_rows.append((node.label, formula, format_number(node.data, digits), printed, verdict))
    forward_rows.append(
        ("L", f"−ln p1 (the label is {example.label_name!r})", format_number(example.loss.data, digits), "", "")
    )

    at_slides_rate = learning_rate == SLIDES_LEARNING_RATE
    weight_rows = []
    for weight, gradient, updated in weight_steps:
        printed_gradient, gradient_verdict = _slide_cell(comparisons, f"dL/d{weight.label}")
        printed_after, after_verdict = _slide_cell(comparisons, f"{weight.label} after one step")
        said = []
        if printed_gradient:
            said.append(f"dL/d{weight.label} {printed_gradient} {gradient_verdict}")
        if printed_after and at_slides_rate:
            said.append(f"after {printed_after} {after_verdict}")
        weight_rows.append(
            (weight.label, format_number(weight.data, digits), format_number(gradient, digits),
             format_number(updated, digits), "; ".join(said))
        )

    lines = [
        "The slides' worked example: 3 inputs → 2 sigmoid units → 3 softmax outputs, no biases,",
        f"label {example.label_name!r} = one-hot [{', '.join(f'{y:g}' for y in example.target)}], "
        "loss L = −Σ y_i ln p_i = −ln p1.",
        "'exact' is what tracegrad computes; 'slides' is the number printed on the slides.",
        "",
        "Forward pass",
        format_table(("node", "computed as", "exact", "slides", ""), forward_rows, right_aligned=(2, 3)),
        "",
        f"Backward pass and one gradient-descent step at η = {learning_rate:g}: "
        f"w ← w − {learning_rate:g}·dL/dw",
        format_table(("weight", "before", "dL/dweight", "after", "slides"), weight_rows,
                     right_aligned=(1, 2, 3)),
        "",
        "The slides' chain rule for dL/dw11: each factor's formula from the op table, the numbers "
        "put in, the value",
        explain(example.loss, example.W[0][0], digits=digits).derivation(),
        "",
        "dL/dv11 adds three paths, through z1, z2 and z3:",
        explain(example.loss, example.V[0][0], digits=digits).derivation(),
        "",
        "Where the slides differ from the exact computation",
        *(difference_lines or ["  nowhere"]),
    ]
    return data, lines, example


def write_latex(example, path, learning_rate, digits, beamer):
    """The worked example as a LaTeX document (or Beamer slides): matrices, formulas, w11 and v11."""
    from visualize.latex import save_latex

    return save_latex(path, example.loss, model=example.model,
                      derivations=[example.W[0][0], example.V[0][0]], learning_rate=learning_rate,
                      digits=digits, beamer=beamer, title="The slides' worked example, computed")


def run(args):
    check_example_options(args)
    data, lines, example = worked_example_report(args.learning_rate, args.digits)
    show_report(args, data, lines)
    report_pictures(example.loss, args, example.groups, "worked_example", example.model)
    if args.latex is not None:
        write_latex(example, args.latex, args.learning_rate, args.digits, args.beamer)
    return SUCCESS


def add_command(commands):
    command = add_example_command(
        commands, "worked-example",
        summary="every number of the slides' 3-2-3 network, next to what the slides print",
        description="Forward pass (q, h, z, p, L), backward pass (every dL/dW and dL/dV) and the "
                    "weights after one gradient-descent step, each next to the number printed on "
                    "the slides, with every place where the slides differ from the exact "
                    "computation flagged.",
        examples=("", "--json", "--out pictures/", "--latex worked.tex", "--latex slides.tex --beamer"),
    )
    command.add_argument("--latex", metavar="FILE",
                         help="also write a standalone LaTeX document: the forward matrices, the local "
                              "derivatives, the w11 and v11 derivations and the update, every number computed")
    command.add_argument("--beamer", action="store_true",
                         help="with --latex: Beamer slides instead of an article")
    command.set_defaults(run=run)
