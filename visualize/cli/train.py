"""``tracegrad train``: a small MLP on a toy dataset, with a progress bar and two pictures."""

import argparse
import pathlib
import sys

from visualize.cli.arguments import (
    SUCCESS, CommandError, finite_number, layer_sizes, make_folder, positive_number, whole_number,
)
from visualize.tables import format_number, format_table

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


def run(args):
    from nn.module import MLP
    from nn.training import accuracy, train

    if not args.no_plots:
        make_folder(args.out)
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
    rows = [(str(epoch + 1), format_number(history.loss[epoch], 4), f"{history.accuracy[epoch]:.1%}")
            for epoch in shown]
    print(format_table(("epoch", "mean loss", "accuracy (during the epoch)"), rows, right_aligned=(0, 1, 2)))
    final = accuracy(model, dataset.inputs, dataset.targets)
    print(f"training accuracy after the last epoch: {final:.1%}  "
          f"({history.updates} updates in {history.seconds:.1f} s)")
    if args.no_plots:
        return SUCCESS
    try:
        paths = _write_plots(model, dataset, history, final, args)
    except ImportError:
        print(f"matplotlib is not installed, so no pictures were written. Get it with:\n  {PLOT_HINT}",
              file=sys.stderr)
        return SUCCESS
    except OSError as error:
        raise CommandError(f"--out: could not write into {args.out!r}: {error}") from None
    for path in paths:
        print(f"wrote {path}")
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
    command.add_argument("--samples", type=whole_number(4, 100_000), default=100, metavar="N",
                         help="how many points (default 100)")
    command.add_argument("--noise", type=finite_number, default=0.1,
                         help="Gaussian noise on each point (default 0.1)")
    command.add_argument("--hidden", type=layer_sizes, default=[8, 8], metavar="WIDTHS",
                         help="hidden layer widths, comma separated (default 8,8)")
    command.add_argument("--activation", choices=ACTIVATIONS, default="tanh",
                         help="hidden-layer activation (default tanh)")
    command.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                         help="the update rule (default adam)")
    command.add_argument("--lr", type=positive_number, metavar="RATE",
                         help="learning rate (default: one that suits the optimiser)")
    command.add_argument("--mode", choices=("stochastic", "batch", "mini-batch"), default="mini-batch",
                         help="update after each example, after the whole set, or after each "
                              "mini-batch (default mini-batch)")
    command.add_argument("--batch-size", type=whole_number(1), default=16, metavar="N",
                         help="examples per update in mini-batch mode (default 16)")
    command.add_argument("--epochs", type=whole_number(1, 100_000), default=100, metavar="N",
                         help="passes over the data (default 100)")
    command.add_argument("--seed", type=whole_number(0), default=0,
                         help="seed for the data, the weights and the shuffling (default 0)")
    command.add_argument("--out", metavar="DIR", default="tracegrad-train",
                         help="folder for the two pictures (default ./tracegrad-train)")
    command.add_argument("--no-plots", action="store_true", help="train and report, write no pictures")
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    command.set_defaults(run=run)
