"""``tracegrad train``: a small MLP on a toy dataset, with a progress bar and two pictures.

Sizes are refused before any work when a scalar engine cannot carry them: every weight
is a Python object, and every example of an update builds a graph node per weight. The
limits below are far beyond a teaching run (the default network has 114 weights and
trains in about a second) and well before memory or hours run out.
"""

import argparse
import pathlib
import sys

from autograd import TracegradError
from visualize.cli.arguments import (
    SUCCESS, CannotWrite, InvalidValue, NumericFailure, check_number, number, prepare_folder, say,
    shown, whole_number, widths,
)
from visualize.tables import format_number, format_table

DATASETS = ("two_moons", "xor", "circles", "spirals")
OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "elu")
MODES = ("stochastic", "batch", "mini-batch")
PLOT_HINT = "pip install 'tracegrad[plot]'  (or: pip install matplotlib)"
DEFAULT_OUT = "tracegrad-train"
DEFAULT_BATCH_SIZE = 16

MAX_SAMPLES = 100_000
MAX_EPOCHS = 100_000
MAX_NOISE = 100.0  # the datasets span a few units: far beyond that, only float overflow is left to see
MAX_WEIGHTS = 100_000  # about 10 MB of weights, and 4 MB of graph for each example
MAX_GRAPH = 5_000_000  # weights × examples in one update: up to about 600 MB of graph
MAX_WORK = 10_000_000_000  # weights × examples × epochs: a couple of hours at ~10⁶ per second


def _dataset(args):
    from nn import data

    if args.dataset == "xor":
        # Noisy copies of each corner (--samples is a multiple of 4, checked with the options).
        return data.xor(n_per_corner=args.samples // 4, noise=args.noise, seed=args.seed)
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


def _weight_count(sizes):
    """Weights and biases of a fully connected network with these layer sizes."""
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))


def _check_options(args):
    """Refuse every value and combination the training cannot use, before any work."""
    check_number("--samples", args.samples, minimum=4, maximum=MAX_SAMPLES)
    if args.dataset == "xor" and args.samples % 4:
        raise InvalidValue(f"--samples {args.samples} for --dataset xor: it has four corners with "
                           f"the same number of points each, so a multiple of 4 "
                           f"({args.samples // 4 * 4} or {args.samples // 4 * 4 + 4})")
    check_number("--noise", args.noise, minimum=0, maximum=MAX_NOISE)
    for width in args.hidden:
        check_number("--hidden", width, minimum=1, maximum=MAX_WEIGHTS)
    if args.lr is not None:
        check_number("--lr", args.lr, above=0)
    check_number("--epochs", args.epochs, minimum=1, maximum=MAX_EPOCHS)
    check_number("--seed", args.seed, minimum=0)
    if args.batch_size is not None:
        if args.mode != "mini-batch":
            per_update = "one example" if args.mode == "stochastic" else "the whole set"
            raise InvalidValue(f"--batch-size goes with --mode mini-batch only; --mode {args.mode} "
                               f"updates after {per_update}")
        check_number("--batch-size", args.batch_size, minimum=1)
    if args.no_plots and args.out is not None:
        raise InvalidValue("--out names the folder of the pictures, and --no-plots writes none")


def _check_sizes(args, dataset):
    """Refuse a network or a training too large for a scalar engine, naming what to shrink."""
    sizes = [len(dataset.feature_names), *args.hidden, len(dataset.class_names)]
    weights = _weight_count(sizes)
    if weights > MAX_WEIGHTS:
        raise InvalidValue(f"--hidden {','.join(map(str, args.hidden))} makes {weights:,} weights; "
                           f"a scalar engine takes at most {MAX_WEIGHTS:,}")
    examples = len(dataset)
    if args.batch_size is not None and args.batch_size > examples:
        raise InvalidValue(f"--batch-size {args.batch_size} is more than the {examples} examples; "
                           "--mode batch updates once per pass over all of them")
    per_update = {"stochastic": 1, "batch": examples}.get(args.mode) or _batch_size(args, examples)
    if weights * per_update > MAX_GRAPH:
        raise InvalidValue(f"--mode {args.mode} with {per_update:,} examples per update builds a graph of "
                           f"{weights * per_update:,} weight uses (at most {MAX_GRAPH:,}); use fewer "
                           "--samples, a smaller --batch-size or a smaller --hidden")
    if weights * examples * args.epochs > MAX_WORK:
        raise InvalidValue(f"--epochs {args.epochs} over {examples:,} examples with {weights:,} weights is "
                           f"{weights * examples * args.epochs:,} weight uses, hours of work for a scalar "
                           f"engine (at most {MAX_WORK:,}); use fewer --epochs, --samples or weights")


def _batch_size(args, examples):
    """Examples per update in mini-batch mode (the default never more than there are)."""
    if args.mode != "mini-batch":
        return None
    return args.batch_size if args.batch_size is not None else min(DEFAULT_BATCH_SIZE, examples)


def _write_plots(model, dataset, history, final_accuracy, args):
    """The loss curve and the decision boundary as PNG files in ``--out``."""
    from visualize.plots import decision_boundary, loss_curve

    folder = pathlib.Path(args.out)
    return [
        loss_curve(history.loss, folder / "loss_curve.png",
                   f"{args.dataset}: {args.optimizer}, {args.mode}"),
        decision_boundary(model, dataset, folder / "decision_boundary.png",
                          f"decision boundary after {len(history.loss)} epochs, "
                          f"training accuracy {final_accuracy:.0%}"),
    ]


def _diverged(error, learning_rate, args):
    rate = f"--lr {shown(args.lr)}" if args.lr is not None else f"the learning rate {learning_rate:g}"
    return NumericFailure(f"training diverged with {rate} ({args.optimizer}): {error}; "
                          "try a smaller --lr")


def run(args):
    from nn.module import MLP
    from nn.training import accuracy, train

    _check_options(args)
    dataset = _dataset(args)  # cheap, and the size checks need its shape
    _check_sizes(args, dataset)
    if not args.no_plots:
        args.out = DEFAULT_OUT if args.out is None else args.out
        prepare_folder("--out", args.out)
    n_classes = len(dataset.class_names)
    model = MLP(len(dataset.feature_names), [*args.hidden, n_classes],
                activation=args.activation, seed=args.seed)
    learning_rate = args.lr if args.lr is not None else _default_learning_rate(args.optimizer)
    optimizer = _optimizer(args.optimizer, model.parameters(), learning_rate)
    batch_size = _batch_size(args, len(dataset))
    say(f"Training an MLP {len(dataset.feature_names)}-{'-'.join(map(str, args.hidden))}-{n_classes} "
        f"({args.activation}, {len(model.parameters())} weights) on {dataset.description}",
        f"optimiser {args.optimizer} (learning rate {learning_rate:g}), mode {args.mode}"
        + (f" (batches of {batch_size})" if batch_size else "") + f", {args.epochs} epochs")
    try:
        history = train(model, dataset.inputs, dataset.targets, loss="cross_entropy", optimizer=optimizer,
                        mode=args.mode, batch_size=batch_size, epochs=args.epochs, seed=args.seed,
                        progress=None if not args.quiet else False)
        final = accuracy(model, dataset.inputs, dataset.targets)
    except (TracegradError, OverflowError) as error:  # OverflowError: a sum of finite losses overflowed
        raise _diverged(error, learning_rate, args) from None
    shown_epochs = sorted({0, *range(args.epochs // 10 or 1, args.epochs, args.epochs // 10 or 1),
                           args.epochs - 1})
    rows = [(str(epoch + 1), format_number(history.loss[epoch], 4), f"{history.accuracy[epoch]:.1%}")
            for epoch in shown_epochs]
    say(format_table(("epoch", "mean loss", "accuracy (during the epoch)"), rows, right_aligned=(0, 1, 2)),
        f"training accuracy after the last epoch: {final:.1%}  "
        f"({history.updates} updates in {history.seconds:.1f} s)")
    if args.no_plots:
        return SUCCESS
    try:
        paths = _write_plots(model, dataset, history, final, args)
    except ImportError:
        say(f"matplotlib is not installed, so no pictures were written. Get it with:\n  {PLOT_HINT}",
            stream=sys.stderr)
        return SUCCESS
    except (TracegradError, OverflowError) as error:
        raise _diverged(error, learning_rate, args) from None
    except OSError as error:
        raise CannotWrite(f"--out: could not write into {shown(args.out)}: "
                          f"{error.strerror or error}") from None
    say(*(f"wrote {path}" for path in paths))
    return SUCCESS


def add_command(commands):
    command = commands.add_parser(
        "train",
        help="train a small MLP on a toy dataset and plot its loss and decision boundary",
        description="Train a small MLP on a toy dataset with the slides' update modes "
                    "(stochastic, batch, mini-batch), showing a progress bar. Writes "
                    "loss_curve.png and decision_boundary.png with matplotlib "
                    "(pip install 'tracegrad[plot]'); without it the command still trains.",
        epilog="examples:\n  tracegrad train\n"
               "  tracegrad train --dataset xor --optimizer sgd --mode batch --epochs 200\n"
               "  tracegrad train --optimizer adam --mode mini-batch --batch-size 16 --out plots/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("--dataset", choices=DATASETS, default="two_moons",
                         help="the toy dataset (default two_moons)")
    command.add_argument("--samples", type=whole_number, default=100, metavar="N",
                         help=f"how many points, 4 to {MAX_SAMPLES:,} (default 100; a multiple "
                              "of 4 for xor, the same number at each corner)")
    command.add_argument("--noise", type=number, default=0.1,
                         help=f"Gaussian noise on each point, 0 to {MAX_NOISE:g} (default 0.1)")
    command.add_argument("--hidden", type=widths, default=[8, 8], metavar="WIDTHS",
                         help=f"hidden layer widths, comma separated (default 8,8); at most "
                              f"{MAX_WEIGHTS:,} weights in all")
    command.add_argument("--activation", choices=ACTIVATIONS, default="tanh",
                         help="hidden-layer activation (default tanh)")
    command.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                         help="the update rule (default adam)")
    command.add_argument("--lr", type=number, metavar="RATE",
                         help="learning rate, > 0 (default: one that suits the optimiser)")
    command.add_argument("--mode", choices=MODES, default="mini-batch",
                         help="update after each example, after the whole set, or after each "
                              "mini-batch (default mini-batch)")
    command.add_argument("--batch-size", type=whole_number, metavar="N",
                         help=f"examples per update, with --mode mini-batch only "
                              f"(default {DEFAULT_BATCH_SIZE})")
    command.add_argument("--epochs", type=whole_number, default=100, metavar="N",
                         help=f"passes over the data, 1 to {MAX_EPOCHS:,} (default 100)")
    command.add_argument("--seed", type=whole_number, default=0,
                         help="seed for the data, the weights and the shuffling, >= 0 (default 0)")
    command.add_argument("--out", metavar="DIR",
                         help=f"folder for the two pictures (default ./{DEFAULT_OUT})")
    command.add_argument("--no-plots", action="store_true", help="train and report, write no pictures")
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    command.set_defaults(run=run)
