"""``tracegrad exercises``: an exercise sheet and its solution sheet, seeded, for printing."""

import argparse

from visualize.cli.arguments import (
    SUCCESS, CannotWrite, InvalidValue, check_number, number, prepare_folder, say, shown, whole_number,
)
from visualize.exercise_networks import (
    HIDDEN_ACTIVATIONS, LOSSES, MAX_LAYERS, MAX_UNITS, OUTPUT_ACTIVATIONS, check_choices,
)
from visualize.exercise_sheets import write_sheets
from visualize.exercises import KINDS, MAX_COUNT, SOURCES, exercises

MAX_DECIMALS = 8
MAX_SEED = 2**63


def shape_text(text):
    """Read --shape: widths joined by '-', such as 3-2-3 (sizes are checked after parsing)."""
    try:
        widths = [int(part) for part in text.split("-")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected widths joined by '-', such as 3-2-3; got {shown(text)}") from None
    if len(widths) < 2:
        raise argparse.ArgumentTypeError(f"expected at least inputs and outputs, such as 3-2-3; got {shown(text)}")
    return widths


def kinds_text(text):
    kinds = [part.strip() for part in text.split(",")]
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise argparse.ArgumentTypeError(f"expected some of {','.join(KINDS)}; got {shown(text)}")
    return kinds


def _check(args):
    check_number("--seed", args.seed, minimum=0, maximum=MAX_SEED)
    check_number("--count", args.count, minimum=1, maximum=MAX_COUNT)
    check_number("--decimals", args.decimals, minimum=1, maximum=MAX_DECIMALS)
    check_number("--learning-rate", args.learning_rate, above=0, maximum=100)
    widths = args.shape
    if len(widths) - 1 > MAX_LAYERS or not all(1 <= width <= MAX_UNITS for width in widths):
        raise InvalidValue(f"--shape must have at most {MAX_LAYERS} layers of 1 to {MAX_UNITS} units "
                           f"each, got {'-'.join(map(str, widths))}")
    try:
        check_choices(args.activation, args.output, args.loss, widths[-1])
    except ValueError as error:
        raise InvalidValue(f"--output {args.output} with --loss {args.loss} and "
                           f"{widths[-1]} output(s): {str(error).removeprefix('exercises: ')}") from None


def run(args):
    _check(args)
    folder = prepare_folder("--out", args.out)
    graph = None if args.graph == "random" else args.graph
    shape = "-".join(map(str, args.shape))
    try:
        exercise_set = exercises(graph, count=args.count, seed=args.seed, kinds=args.kinds,
                                 decimals=args.decimals, learning_rate=args.learning_rate, shape=shape,
                                 activation=args.activation, output=args.output, loss=args.loss,
                                 bias=args.bias)
    except ValueError as error:  # no nice numbers for this shape and these activations
        raise InvalidValue(f"--shape {shape}: {str(error).removeprefix('exercises: ')}") from None
    try:
        written = write_sheets(exercise_set, folder, pdf=not args.no_pdf)
    except OSError as error:
        raise CannotWrite(f"--out: could not write the sheets into {shown(args.out)}: "
                          f"{error.strerror or error}") from None
    except RuntimeError as error:  # pdflatex failed: the other sheets are written
        raise CannotWrite(f"--out: {error}") from None
    say(f"Wrote {len(exercise_set)} exercises ({exercise_set.description}, seed {args.seed}) into {args.out}:",
        *(f"  {path.name}" for path in written))
    if not any(path.suffix == ".pdf" for path in written) and not args.no_pdf:
        say("(no PDF: pdflatex is not installed; the .tex files compile with it)")
    say("A student opens practice-N.html in a browser: it asks that network's exercises "
        "step by step and names the likely mistake behind a wrong answer.")
    return SUCCESS


def add_command(commands):
    command = commands.add_parser(
        "exercises",
        help="write a seeded exercise sheet and its solution sheet (Markdown, HTML, LaTeX, PDF)",
        description="Write backprop exercises (forward values, local derivatives, gradients of the "
                    "loss, the weight after one step) and their worked solutions, the chain rule "
                    "written as the slides write it, into DIR: exercises.{md,html,tex,pdf}, "
                    "solutions.{md,html,tex,pdf} and a picture of each network. The same --seed "
                    "gives the same sheet on every machine.",
        epilog="examples:\n  tracegrad exercises --seed 1 --count 6 --shape 3-2-3 --out sheet/\n"
               "  tracegrad exercises --graph worked-example --count 8 --out slides-sheet/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("--out", metavar="DIR", required=True, help="the folder to write the sheets into")
    command.add_argument("--seed", type=whole_number, default=0, help="which exercises (default 0)")
    command.add_argument("--count", type=whole_number, default=6,
                         help=f"how many exercises, 1 to {MAX_COUNT} (default 6)")
    command.add_argument("--graph", choices=("random",) + SOURCES, default="random",
                         help="random networks of --shape (default), or one of the slides' examples")
    command.add_argument("--shape", type=shape_text, default=[3, 2, 3], metavar="N-H-M",
                         help="inputs, hidden widths, outputs of the random networks (default 3-2-3)")
    command.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, default="sigmoid",
                         help="the hidden layers' activation (default sigmoid)")
    command.add_argument("--output", choices=OUTPUT_ACTIVATIONS, default="softmax",
                         help="the output layer's activation (default softmax)")
    command.add_argument("--loss", choices=LOSSES, default="cross_entropy",
                         help="the loss (default cross_entropy, the slides' L = −Σ y ln p)")
    command.add_argument("--bias", action="store_true", help="give every unit a bias")
    command.add_argument("--kinds", type=kinds_text, default=list(KINDS),
                         help=f"which kinds, taken in turn (default {','.join(KINDS)})")
    command.add_argument("--decimals", type=whole_number, default=4,
                         help=f"decimals of the answers, 1 to {MAX_DECIMALS} (default 4)")
    command.add_argument("--learning-rate", "--eta", dest="learning_rate", type=number, default=0.5,
                         metavar="η", help="η of the update exercises, > 0 (default 0.5)")
    command.add_argument("--no-pdf", action="store_true", help="do not run pdflatex")
    command.set_defaults(run=run)
