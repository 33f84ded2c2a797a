"""The ``tracegrad`` command: the slides' examples, computed and explained in a terminal.

Commands (each has ``--help`` with an example), one module each:

* ``demo``: a short REPL-style session (the README's first command);
* ``worked-example``: every number of the slides' 3-2-3 network next to the number
  the slides print, with the differences flagged; ``--json``; ``--out DIR`` for pictures;
* ``calc-graph``: the same for h(x) = σ(w0 + w1·x1 + w2·x2), l = (y − h)²;
* ``train``: a small MLP on a toy dataset, with a progress bar and two pictures.

Exit codes: 0 done, 1 the work failed (a picture could not be written...),
2 bad arguments (argparse's own convention).
"""

import argparse
import os
import sys

import autograd
from visualize.cli import calc_graph, demo, train, worked_example
from visualize.cli.arguments import FAILURE, SUCCESS, CommandError


def build_parser():
    parser = argparse.ArgumentParser(
        prog="tracegrad",
        description="Compute, trace, explain and draw backpropagation.",
        epilog="example: tracegrad worked-example",
    )
    parser.add_argument("--version", action="version", version=f"tracegrad {autograd.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in (demo, worked_example, calc_graph, train):
        command.add_command(commands)
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
