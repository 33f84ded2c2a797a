"""``tracegrad calc-graph``: the slides' h = σ(w0 + w1·x1 + w2·x2), l = (y − h)², by the numbers."""

from autograd import TracegradError
from visualize.cli.arguments import SUCCESS, NumericFailure, check_number, number, shown
from visualize.cli.slide_examples import (
    SLIDES_LEARNING_RATE, add_example_command, check_example_options, check_step, report_pictures,
    show_report,
)
from visualize.explain import explain
from visualize.tables import format_number, format_table

CALC_FORMULAS = {
    "w1x1": "w1·x1",
    "w2x2": "w2·x2",
    "s": "w0 + w1x1 + w2x2",
    "h": "σ(s)",
    "y-h": "y − h",
    "l": "(y − h)²",
}
CALC_LEAVES = ("x1", "x2", "y", "w0", "w1", "w2")
CALC_WEIGHTS = ("w0", "w1", "w2")


def calc_graph_report(values, learning_rate=SLIDES_LEARNING_RATE, digits=4):
    """Everything ``tracegrad calc-graph`` shows: (JSON-ready data, text lines, the example)."""
    from nn.examples import calc_graph_example

    example = calc_graph_example(**values, backward=True)
    nodes = example.nodes()
    loss = example.loss
    forward = {name: nodes[name].data for name in CALC_FORMULAS}
    gradients = {name: nodes[name].grad for name in CALC_LEAVES + tuple(CALC_FORMULAS)}
    updated = {name: nodes[name].data - learning_rate * nodes[name].grad for name in CALC_WEIGHTS}
    check_step([(name, nodes[name].data, nodes[name].grad, updated[name]) for name in CALC_WEIGHTS],
               learning_rate)
    data = {
        "x": {"x1": example.x1.data, "x2": example.x2.data},
        "y": example.y.data,
        "w": {name: nodes[name].data for name in CALC_WEIGHTS},
        "forward": forward,
        "loss": loss.data,
        "grad": gradients,
        "updated": updated,
    }
    forward_rows = [(name, "input", format_number(nodes[name].data, digits), format_number(nodes[name].grad, digits))
                    for name in CALC_LEAVES]
    forward_rows += [(name, formula, format_number(nodes[name].data, digits), format_number(nodes[name].grad, digits))
                     for name, formula in CALC_FORMULAS.items()]
    step_rows = [(name, format_number(nodes[name].data, digits), format_number(nodes[name].grad, digits),
                  format_number(updated[name], digits)) for name in CALC_WEIGHTS]

    lines = [
        "The slides' calculation graph: h(x) = σ(w0 + w1·x1 + w2·x2),  l(x, y) = (y − h(x))²",
        "",
        "Forward pass (value) and backward pass (dl/dnode, from l.backward())",
        format_table(("node", "computed as", "value", "dl/dnode"), forward_rows, right_aligned=(2, 3)),
        "",
        f"One gradient-descent step at η = {learning_rate:g}: w ← w − {learning_rate:g}·dl/dw",
        format_table(("weight", "before", "dl/dweight", "after"), step_rows, right_aligned=(1, 2, 3)),
        "",
        "The chain rule for dl/dw1, read off the graph's edges:",
        str(explain(loss, example.w1)),
    ]
    return data, lines, example


def run(args):
    values = {name: getattr(args, name) for name in CALC_LEAVES if getattr(args, name) is not None}
    for name, value in values.items():
        check_number(f"--{name}", value)
    check_example_options(args)
    try:
        data, lines, example = calc_graph_report(values, args.learning_rate, args.digits)
    except TracegradError as error:
        given = " ".join(f"--{name} {shown(value)}" for name, value in values.items())
        raise NumericFailure(f"with {given} the computation leaves 64-bit floats: {error}; "
                             "choose smaller numbers") from None
    show_report(args, data, lines)
    report_pictures(example.loss, args, example.groups, "calc_graph")
    return SUCCESS


def add_command(commands):
    command = add_example_command(
        commands, "calc-graph",
        summary="the slides' calculation graph h = σ(w0 + w1·x1 + w2·x2), l = (y − h)²",
        description="Forward and backward pass of the slides' calculation graph "
                    "h(x) = σ(w0 + w1·x1 + w2·x2), l(x, y) = (y − h(x))², and one gradient-descent "
                    "step. The numbers default to a sample where s = 0, h = 0.5 and l = 0.25.",
        examples=("", "--x1 1 --x2 2 --y 0", "--json --out pictures/"),
    )
    for name in CALC_LEAVES:
        command.add_argument(f"--{name}", type=number, metavar="NUMBER",
                             help=f"the value of {name} (a finite number)")
    command.set_defaults(run=run)
