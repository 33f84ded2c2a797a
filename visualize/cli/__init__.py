"""The ``tracegrad`` command: the slides' examples, computed and explained in a terminal.

Commands (each has ``--help`` with an example), one module each:

* ``demo``: a short REPL-style session (the README's first command);
* ``worked-example``: every number of the slides' 3-2-3 network next to the number
  the slides print, with the differences flagged; ``--json``; ``--out DIR`` for pictures;
* ``calc-graph``: the same for h(x) = σ(w0 + w1·x1 + w2·x2), l = (y − h)²;
* ``train``: a small MLP on a toy dataset, with a progress bar and two pictures;
* ``notebooks``: copy the lecture notebooks into a folder;
* ``exercises``: a seeded exercise sheet and its solution sheet (Markdown, HTML, LaTeX, PDF).

A command never shows a traceback. Every error a user can cause is one line on
standard error that names the option at fault, such as
``tracegrad train: error: --noise must be a finite number >= 0 and <= 100, got -1``,
and the exit code says which kind of error it was, so a script can react to each:

===  ==========================================================================
0    done
1    a bug in tracegrad: an error it did not expect (set TRACEGRAD_DEBUG=1 to see
     the traceback, and please report it)
2    the command line cannot be read: an unknown command or option, a missing
     value, a word where a number goes (argparse's own code)
3    a value was read but is not allowed: out of range, nan or inf, a network or
     training too large to run, options that contradict each other
4    the computation overflowed or became undefined with the numbers given (each
     allowed on its own, too large together); smaller numbers will work
5    output could not be written: the ``--out`` folder, or standard output (a full
     disk); a closed pipe (``| head``) ends quietly with this code
130  interrupted (Ctrl-C)
===  ==========================================================================

2 and 3 differ in what to fix: the way the command line is written, or the number
chosen. 4 is known only after computing, and 5 is about the machine, not the
arguments.
"""

import contextlib
import os
import sys

import autograd
from autograd import TracegradError
from visualize.cli import calc_graph, demo, exercises, notebooks, train, worked_example
from visualize.cli.arguments import (
    BUG, INTERRUPTED, NUMERIC_FAILURE, SUCCESS, CommandError, OutputClosed, Parser, flush_output,
    one_line, say,
)

COMMANDS = (demo, worked_example, calc_graph, train, notebooks, exercises)


def build_parser():
    parser = Parser(
        prog="tracegrad",
        description="Compute, trace, explain and draw backpropagation.",
        epilog="example: tracegrad worked-example",
    )
    parser.add_argument("--version", action="version", version=f"tracegrad {autograd.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_command(commands)
    return parser


@contextlib.contextmanager
def _printable_streams():
    """Characters the terminal cannot encode (σ on an ASCII locale, an undecodable file name
    given to --out) are written as escapes instead of ending the command."""
    changed = []
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
            changed.append(stream)
    try:
        yield
    finally:
        for stream in changed:
            with contextlib.suppress(OSError, ValueError):
                stream.reconfigure(errors="strict")


def _complain(command, message):
    program = f"tracegrad {command}" if command else "tracegrad"
    with contextlib.suppress(OSError):  # standard error is gone too: the exit code must do
        print(f"{program}: error: {one_line(message)}", file=sys.stderr)


def main(argv=None):
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return its exit code.

    A command line argparse cannot read raises ``SystemExit(2)`` after its one line, as
    ``--help`` and ``--version`` raise ``SystemExit(0)``.
    """
    with _printable_streams():
        parser = build_parser()
        args = parser.parse_args(argv)
        command = args.command
        try:
            if args.command is None:
                say(parser.format_help().rstrip("\n"))
                code = SUCCESS
            else:
                code = args.run(args)
            flush_output()
            return code
        except OutputClosed as error:
            return error.exit_code
        except CommandError as error:
            _complain(command, error)
            return error.exit_code
        except TracegradError as error:
            # Commands name the options behind an overflow; this is the net under them.
            _complain(command, f"the computation failed: {error}")
            return NUMERIC_FAILURE
        except KeyboardInterrupt:
            _complain(command, "interrupted")
            return INTERRUPTED
        except Exception as error:
            if os.environ.get("TRACEGRAD_DEBUG"):
                raise
            _complain(command, f"unexpected {type(error).__name__}: {error} — this is a bug in "
                               "tracegrad; TRACEGRAD_DEBUG=1 shows the traceback for a report")
            return BUG
