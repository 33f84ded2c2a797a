"""The ``tracegrad`` command: the slides' examples, computed and explained in a terminal.

Commands (each has ``--help`` with an example):

* ``demo``: a short REPL-style session (the README's first command);
* ``worked-example``: every number of the slides' 3-2-3 network next to the number
  the slides print, with the differences flagged; ``--json``; ``--out DIR`` for pictures;
* ``calc-graph``: the same for h(x) = σ(w0 + w1·x1 + w2·x2), l = (y − h)²;
* ``train``: a small MLP on a toy dataset, with a progress bar and two pictures.

Exit codes: 0 done, 1 the work failed (a picture could not be written...),
2 bad arguments (argparse's own convention).
"""

import argparse
import json
import math
import os
import pathlib
import sys

import autograd
from visualize.explain import explain
from visualize.tables import format_number, format_table

SUCCESS, FAILURE = 0, 1
SLIDES_LEARNING_RATE = 0.5


class CommandError(Exception):
    """A failure to report in one line on standard error, with exit code 1."""


# ----- argument checks: each names the option and says what it wants ---------------------


def _positive_number(text):
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(number) or number <= 0.0:
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text!r}")
    return number


def _finite_number(text):
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return number


def _whole_number(minimum, maximum=None):
    def parse(text):
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if number < minimum or (maximum is not None and number > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            raise argparse.ArgumentTypeError(f"expected at least {minimum}{upper}, got {number}")
        return number

    return parse


def _layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected widths separated by commas, such as 16,16; got {text!r}"
        ) from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"every layer width must be at least 1, got {text!r}")
    return sizes


# ----- shared by the two slide examples -------------------------------------------------------


def _number(value, digits):
    return format_number(value, digits)


def _grid(rows):
    """Nested Values as nested floats (for JSON)."""
    return [[value.data for value in row] for row in rows]


def _make_folder(folder):
    """Create ``--out`` before any work, so a bad path fails first and alone."""
    if folder is None:
        return
    try:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"--out: cannot create folder {str(folder)!r}: {error}") from None


def _write_pictures(root, folder, groups, name):
    """Forward and backward pictures, one frame per backward step, and the HTML page."""
    from visualize.draw import draw
    from visualize.frames import frames
    from visualize.html import export_html
    from visualize.render import render

    folder = pathlib.Path(folder)
    written = []
    autograd.zero_grad(root)
    root.backward()
    for mode in ("forward", "backward"):
        graph = draw(root, mode=mode, groups=groups)
        written.append(render(graph, folder / f"{name}_{mode}.dot", format="dot"))
        for picture_format in ("svg", "png"):
            path = folder / f"{name}_{mode}.{picture_format}"
            written.append(render(graph, path, format=picture_format))
    step_pictures = frames(root, folder / f"{name}_steps", groups=groups)
    page = export_html(root, folder / f"{name}.html", groups=groups)
    return written, step_pictures, page


def _report_pictures(root, args, groups, name):
    if args.out is None:
        return
    try:
        written, step_pictures, page = _write_pictures(root, args.out, groups, name)
    except CommandError:
        raise
    except OSError as error:
        raise CommandError(f"--out: could not write into {args.out!r}: {error}") from None
    except Exception as error:  # noqa: BLE001 - a renderer failure must still end in one clear line
        raise CommandError(f"--out: {type(error).__name__}: {error}") from None
    stream = sys.stderr if args.json else sys.stdout
    print(f"\nWrote into {args.out}:", file=stream)
    for path in written:
        print(f"  {path}", file=stream)
    if step_pictures:
        print(f"  {len(step_pictures)} backward-step frames in {step_pictures[0].parent}/", file=stream)
    print(f"  the interactive page: {page}  (open it in a browser)", file=stream)


# ----- tracegrad worked-example ----------------------------------------------------------------

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
            forward_rows.append((node.label, formula, _number(node.data, digits), printed, verdict))
    forward_rows.append(
        ("L", f"−ln p1 (the label is {example.label_name!r})", _number(example.loss.data, digits), "", "")
    )

    at_slides_rate = learning_rate == SLIDES_LEARNING_RATE
    weight_rows = []
    for matrix, gradients, after in ((example.W, gradient_w, stepped.W), (example.V, gradient_v, stepped.V)):
        for row, gradient_row, after_row in zip(matrix, gradients, after):
            for weight, gradient, updated in zip(row, gradient_row, after_row):
                printed_gradient, gradient_verdict = _slide_cell(comparisons, f"dL/d{weight.label}")
                printed_after, after_verdict = _slide_cell(comparisons, f"{weight.label} after one step")
                said = []
                if printed_gradient:
                    said.append(f"dL/d{weight.label} {printed_gradient} {gradient_verdict}")
                if printed_after and at_slides_rate:
                    said.append(f"after {printed_after} {after_verdict}")
                weight_rows.append(
                    (weight.label, _number(weight.data, digits), _number(gradient, digits),
                     _number(updated, digits), "; ".join(said))
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
        "The slides' chain rule for dL/dw11, read off the graph's edges:",
        str(explain(example.loss, example.W[0][0])),
        "",
        "Where the slides differ from the exact computation",
        *(difference_lines or ["  nowhere"]),
    ]
    return data, lines, example


def _run_worked_example(args):
    _make_folder(args.out)
    data, lines, example = worked_example_report(args.learning_rate, args.digits)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print("\n".join(lines))
    _report_pictures(example.loss, args, example.groups, "worked_example")
    return SUCCESS


# ----- tracegrad calc-graph ---------------------------------------------------------------------

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
    data = {
        "x": {"x1": example.x1.data, "x2": example.x2.data},
        "y": example.y.data,
        "w": {name: nodes[name].data for name in CALC_WEIGHTS},
        "forward": forward,
        "loss": loss.data,
        "grad": gradients,
        "updated": updated,
    }
    forward_rows = [(name, "input", _number(nodes[name].data, digits), _number(nodes[name].grad, digits))
                    for name in CALC_LEAVES]
    forward_rows += [(name, formula, _number(nodes[name].data, digits), _number(nodes[name].grad, digits))
                     for name, formula in CALC_FORMULAS.items()]
    step_rows = [(name, _number(nodes[name].data, digits), _number(nodes[name].grad, digits),
                  _number(updated[name], digits)) for name in CALC_WEIGHTS]

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


def _run_calc_graph(args):
    _make_folder(args.out)
    values = {name: getattr(args, name) for name in CALC_LEAVES if getattr(args, name) is not None}
    data, lines, example = calc_graph_report(values, args.learning_rate, args.digits)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print("\n".join(lines))
    _report_pictures(example.loss, args, example.groups, "calc_graph")
    return SUCCESS


# ----- tracegrad train --------------------------------------------------------------------------

DATASETS = ("two_moons", "xor", "circles", "spirals")
OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "elu")
PLOT_HINT = "pip install 'tracegrad[plot]'  (or: pip install matplotlib)"


def _dataset(args):
    from nn import data

    if args.dataset == "xor":
        # Eight noisy copies of each corner: the four bare corners make a dull picture.
        return data.xor(n_per_corner=max(args.samples // 4, 1), noise=args.noise, seed=args.seed)
    maker = getattr(data, args.dataset)
    return maker(n_samples=args.samples, noise=args.noise, seed=args.seed)


def _optimizer(name, parameters, learning_rate):
    from nn import optim

    if name == "momentum":
        return optim.SGD(parameters, lr=learning_rate, momentum=0.9)
    classes = {"sgd": optim.SGD, "adagrad": optim.AdaGrad, "rmsprop": optim.RMSProp,
               "adam": optim.Adam, "adamw": optim.AdamW}
    return classes[name](parameters, lr=learning_rate)


def _default_learning_rate(name):
    return {"sgd": 0.2, "momentum": 0.05, "adagrad": 0.1}.get(name, 0.02)


def _run_train(args):
    from nn.module import MLP
    from nn.training import accuracy, train

    if not args.no_plots:
        _make_folder(args.out)
    dataset = _dataset(args)
    n_classes = len(dataset.class_names)
    model = MLP(len(dataset.feature_names), [*args.hidden, n_classes],
                activation=args.activation, seed=args.seed)
    learning_rate = args.lr if args.lr is not None else _default_learning_rate(args.optimizer)
    optimizer = _optimizer(args.optimizer, model.parameters(), learning_rate)
    batch_size = args.batch_size if args.mode == "mini-batch" else None
    print(f"Training an MLP {len(dataset.feature_names)}-{'-'.join(map(str, args.hidden))}-{n_classes} "
          f"({args.activation}, {len(model.parameters())} weights) on {dataset.description}")
    print(f"optimiser {args.optimizer} (learning rate {learning_rate:g}), mode {args.mode}"
          + (f" (batches of {batch_size})" if batch_size else "") + f", {args.epochs} epochs")
    history = train(model, dataset.inputs, dataset.targets, loss="cross_entropy", optimizer=optimizer,
                    mode=args.mode, batch_size=batch_size, epochs=args.epochs, seed=args.seed,
                    progress=None if not args.quiet else False)
    shown = sorted({0, *range(args.epochs // 10 or 1, args.epochs, args.epochs // 10 or 1), args.epochs - 1})
    rows = [(str(epoch + 1), _number(history.loss[epoch], 4), f"{history.accuracy[epoch]:.1%}")
            for epoch in shown]
    print(format_table(("epoch", "mean loss", "accuracy (during the epoch)"), rows, right_aligned=(0, 1, 2)))
    final = accuracy(model, dataset.inputs, dataset.targets)
    print(f"training accuracy after the last epoch: {final:.1%}  "
          f"({history.updates} updates in {history.seconds:.1f} s)")
    if args.no_plots:
        return SUCCESS
    try:
        paths = _plot_training(model, dataset, history, final, pathlib.Path(args.out), args)
    except ImportError:
        print(f"matplotlib is not installed, so no pictures were written. Get it with:\n  {PLOT_HINT}",
              file=sys.stderr)
        return SUCCESS
    except OSError as error:
        raise CommandError(f"--out: could not write into {args.out!r}: {error}") from None
    for path in paths:
        print(f"wrote {path}")
    return SUCCESS


def _plot_training(model, dataset, history, final_accuracy, folder, args):
    """The loss curve and the decision boundary as PNG files; matplotlib is imported here only."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, works over SSH
    import matplotlib.pyplot as plt

    from nn.training import predict_values

    folder.mkdir(parents=True, exist_ok=True)
    epochs = range(1, len(history.loss) + 1)
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(epochs, history.loss, color="tab:blue", linewidth=2)
    axes.tick_params(labelsize=11)
    axes.set_xlabel("epoch", fontsize=13)
    axes.set_ylabel("mean cross-entropy loss", fontsize=13)
    axes.set_title(f"{args.dataset}: {args.optimizer}, {args.mode}", fontsize=14)
    axes.grid(alpha=0.3)
    loss_path = folder / "loss_curve.png"
    figure.tight_layout()
    figure.savefig(loss_path, dpi=120)
    plt.close(figure)

    xs = [row[0] for row in dataset.inputs]
    ys = [row[1] for row in dataset.inputs]
    margin = 0.25
    left, right = min(xs) - margin, max(xs) + margin
    bottom, top = min(ys) - margin, max(ys) + margin
    size = 50
    grid_x = [left + (right - left) * i / (size - 1) for i in range(size)]
    grid_y = [bottom + (top - bottom) * j / (size - 1) for j in range(size)]
    outputs = predict_values(model, [[x, y] for y in grid_y for x in grid_x])
    n_classes = len(dataset.class_names)
    if n_classes == 2:
        # P(class 1) from the two logits gives a smooth shading and a clean 0.5 boundary line.
        shade = [1.0 / (1.0 + math.exp(max(min(a - b, 700.0), -700.0))) for a, b in outputs]
    else:
        shade = [max(range(n_classes), key=row.__getitem__) for row in outputs]
    surface = [shade[j * size:(j + 1) * size] for j in range(size)]
    figure, axes = plt.subplots(figsize=(6.5, 6))
    axes.contourf(grid_x, grid_y, surface, levels=20, cmap="coolwarm", alpha=0.4)
    if n_classes == 2:
        axes.contour(grid_x, grid_y, surface, levels=[0.5], colors="black", linewidths=2)
    colours = plt.get_cmap("coolwarm", n_classes)
    for index, class_name in enumerate(dataset.class_names):
        members = [k for k, target in enumerate(dataset.targets) if target == index]
        axes.scatter([xs[k] for k in members], [ys[k] for k in members], color=colours(index),
                     edgecolors="black", s=36, label=class_name)
    axes.legend(fontsize=11, loc="best")
    axes.tick_params(labelsize=11)
    axes.set_xlabel(dataset.feature_names[0], fontsize=13)
    axes.set_ylabel(dataset.feature_names[1], fontsize=13)
    axes.set_title(f"decision boundary after {len(history.loss)} epochs, "
                   f"training accuracy {final_accuracy:.0%}", fontsize=13)
    boundary_path = folder / "decision_boundary.png"
    figure.tight_layout()
    figure.savefig(boundary_path, dpi=120)
    plt.close(figure)
    return [loss_path, boundary_path]


# ----- tracegrad demo ---------------------------------------------------------------------------


def _run_demo(args):
    from autograd import Value
    from visualize.tape import tape

    print(">>> from autograd import Value")
    print(">>> a = Value(2.0, label='a'); b = Value(-3.0, label='b')")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    print(">>> c = (a * b + a ** 2).tanh()")
    c = (a * b + a**2).tanh()
    print(">>> c")
    print(c)
    print(">>> c.backward()")
    c.backward()
    print(">>> a.grad, b.grad")
    print((a.grad, b.grad))
    print(">>> autograd.gradcheck(lambda a, b: (a * b + a ** 2).tanh(), [a, b])")
    print(autograd.gradcheck(lambda a, b: (a * b + a**2).tanh(), [a, b]))
    print(">>> c.label = 'c'                   # name the output, so the tables below say c")
    c.label = "c"
    print(">>> import visualize")
    print(">>> print(visualize.tape(c))      # the graph in forward order; t<row> names unlabelled nodes")
    print(tape(c))
    print(">>> print(visualize.explain(c, a))  # dc/da as the chain rule: every path, its product, the sum")
    print(explain(c, a))
    print()
    print("Next: `tracegrad worked-example` walks the slides' network number by number.")
    return SUCCESS


# ----- the parser ---------------------------------------------------------------------------------


def _example_options(command):
    command.add_argument("--json", action="store_true",
                         help="print the numbers as JSON instead of tables")
    command.add_argument("--out", metavar="DIR",
                         help="also write pictures into DIR: forward and backward graphs (SVG, PNG, DOT), "
                              "one frame per backward step, and an interactive HTML page")
    command.add_argument("--learning-rate", "--eta", dest="learning_rate", type=_positive_number,
                         default=SLIDES_LEARNING_RATE, metavar="η",
                         help="step size of the gradient-descent step (default: the slides' 0.5)")
    command.add_argument("--digits", type=_whole_number(1, 12), default=4,
                         help="decimals shown (default 4, as on the slides)")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="tracegrad",
        description="Compute, trace, explain and draw backpropagation.",
        epilog="example: tracegrad worked-example",
    )
    parser.add_argument("--version", action="version", version=f"tracegrad {autograd.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    formatter = argparse.RawDescriptionHelpFormatter

    demo = commands.add_parser(
        "demo",
        help="a short REPL-style session printing values, gradients and one explanation",
        description="A short REPL-style session printing values, gradients and one explanation.",
        epilog="example: tracegrad demo",
    )
    demo.set_defaults(run=_run_demo)

    worked = commands.add_parser(
        "worked-example",
        help="every number of the slides' 3-2-3 network, next to what the slides print",
        description="Forward pass (q, h, z, p, L), backward pass (every dL/dW and dL/dV) and the "
                    "weights after one gradient-descent step, each next to the number printed on "
                    "the slides, with every place where the slides differ from the exact "
                    "computation flagged.",
        epilog="examples:\n  tracegrad worked-example\n  tracegrad worked-example --json\n"
               "  tracegrad worked-example --out pictures/",
        formatter_class=formatter,
    )
    _example_options(worked)
    worked.set_defaults(run=_run_worked_example)

    calc = commands.add_parser(
        "calc-graph",
        help="the slides' calculation graph h = σ(w0 + w1·x1 + w2·x2), l = (y − h)²",
        description="Forward and backward pass of the slides' calculation graph "
                    "h(x) = σ(w0 + w1·x1 + w2·x2), l(x, y) = (y − h(x))², and one gradient-descent "
                    "step. The numbers default to a sample where s = 0, h = 0.5 and l = 0.25.",
        epilog="examples:\n  tracegrad calc-graph\n  tracegrad calc-graph --x1 1 --x2 2 --y 0\n"
               "  tracegrad calc-graph --json --out pictures/",
        formatter_class=formatter,
    )
    for name in CALC_LEAVES:
        calc.add_argument(f"--{name}", type=_finite_number, metavar="NUMBER",
                          help=f"the value of {name}")
    _example_options(calc)
    calc.set_defaults(run=_run_calc_graph)

    training = commands.add_parser(
        "train",
        help="train a small MLP on a toy dataset and plot its loss and decision boundary",
        description="Train a small MLP on a toy dataset with the slides' update modes "
                    "(stochastic, batch, mini-batch), showing a progress bar. Writes "
                    "loss_curve.png and decision_boundary.png with matplotlib "
                    "(pip install 'tracegrad[plot]'); without it the command still trains.",
        epilog="examples:\n  tracegrad train\n"
               "  tracegrad train --dataset xor --optimizer sgd --mode batch --epochs 200\n"
               "  tracegrad train --optimizer adam --mode mini-batch --batch-size 16 --out plots/",
        formatter_class=formatter,
    )
    training.add_argument("--dataset", choices=DATASETS, default="two_moons",
                          help="the toy dataset (default two_moons)")
    training.add_argument("--samples", type=_whole_number(4, 100_000), default=100, metavar="N",
                          help="how many points (default 100)")
    training.add_argument("--noise", type=_finite_number, default=0.1,
                          help="Gaussian noise on each point (default 0.1)")
    training.add_argument("--hidden", type=_layer_sizes, default=[8, 8], metavar="WIDTHS",
                          help="hidden layer widths, comma separated (default 8,8)")
    training.add_argument("--activation", choices=ACTIVATIONS, default="tanh",
                          help="hidden-layer activation (default tanh)")
    training.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                          help="the update rule (default adam)")
    training.add_argument("--lr", type=_positive_number, metavar="RATE",
                          help="learning rate (default: one that suits the optimiser)")
    training.add_argument("--mode", choices=("stochastic", "batch", "mini-batch"), default="mini-batch",
                          help="update after each example, after the whole set, or after each "
                               "mini-batch (default mini-batch)")
    training.add_argument("--batch-size", type=_whole_number(1), default=16, metavar="N",
                          help="examples per update in mini-batch mode (default 16)")
    training.add_argument("--epochs", type=_whole_number(1, 100_000), default=100, metavar="N",
                          help="passes over the data (default 100)")
    training.add_argument("--seed", type=_whole_number(0), default=0,
                          help="seed for the data, the weights and the shuffling (default 0)")
    training.add_argument("--out", metavar="DIR", default="tracegrad-train",
                          help="folder for the two pictures (default ./tracegrad-train)")
    training.add_argument("--no-plots", action="store_true", help="train and report, write no pictures")
    training.add_argument("--quiet", action="store_true", help="no progress bar")
    training.set_defaults(run=_run_train)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return SUCCESS
    try:
        return args.run(args)
    except CommandError as error:
        print(f"tracegrad {args.command}: error: {error}", file=sys.stderr)
        return FAILURE
    except KeyboardInterrupt:
        print(f"tracegrad {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (``| head``) has gone: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILURE


if __name__ == "__main__":
    sys.exit(main())
