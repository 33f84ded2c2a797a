"""Reading the command line, and failing in one line with the exit code of the failure's kind.

The codes are listed in ``visualize.cli``'s docstring. Option types here only *read* the
text (a word where a number goes is argparse's exit code 2); whether a number is allowed
(finite, in range, small enough to run) is checked after parsing with ``check_number``,
so those refusals share exit code 3 and one wording: ``--noise must be ..., got -1``.
"""

import argparse
import math
import os
import pathlib
import sys
import tempfile

SUCCESS = 0
BUG = 1
BAD_ARGUMENT = 2
INVALID_VALUE = 3
NUMERIC_FAILURE = 4
CANNOT_WRITE = 5
INTERRUPTED = 130  # 128 + SIGINT, the shell's convention for Ctrl-C

ECHO_LIMIT = 40  # characters of a refused text repeated in a message


class CommandError(Exception):
    """A failure the user can act on: one line on standard error, and ``exit_code``."""

    exit_code = BUG


class InvalidValue(CommandError):
    """An option read fine but its value is not allowed (range, finiteness, size, combination)."""

    exit_code = INVALID_VALUE


class NumericFailure(CommandError):
    """The computation overflowed or became undefined with the numbers given."""

    exit_code = NUMERIC_FAILURE


class CannotWrite(CommandError):
    """Output could not be written: into ``--out``, or to standard output."""

    exit_code = CANNOT_WRITE


class OutputClosed(CannotWrite):
    """The reader of standard output has gone (``| head``): end quietly, as Unix tools do."""


def one_line(text):
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(str(text).split())


def shown(value):
    """A value as a message repeats it: -1 rather than -1.0, long texts cut short."""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, str):
        return repr(value if len(value) <= ECHO_LIMIT else value[:ECHO_LIMIT] + "…")
    return str(value)


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line: ``tracegrad train: error: argument --epochs: ...``."""

    commands = None  # the sub-parsers action, once add_subparsers has made it

    def add_subparsers(self, **options):
        self.commands = super().add_subparsers(**options)
        return self.commands

    def parse_args(self, args=None, namespace=None):
        """As argparse's, but words left over are blamed on the command they were given to."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            chosen = getattr(namespace, self.commands.dest, None) if self.commands else None
            parser = self.commands.choices[chosen] if chosen else self
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace

    def _print_message(self, message, file=None):
        # argparse's one writer, behind --help and --version, which swallows a failed
        # write: a full disk there is an output failure like any other (one line, exit
        # code 5), not a silent success. (A private hook, stable since Python 3.2; no
        # public one covers --version.)
        if not message:
            return
        stream = file or sys.stderr
        try:
            stream.write(message)
            stream.flush()
        except OSError as error:
            if stream is sys.stderr:
                return  # an error message that cannot be shown: its exit code still says it
            failure = _output_failure(stream, error)
            if isinstance(failure, OutputClosed):
                raise SystemExit(failure.exit_code) from None
            super().exit(failure.exit_code, f"{self.prog}: error: {failure}\n")

    def error(self, message):
        if message.endswith("expected one argument"):
            # argparse reads -1e-3 or -inf as an option of its own, not as the value before it.
            message += " (a value that starts with '-' goes after '=', as in --w1=-1e-3)"
        self.exit(BAD_ARGUMENT, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


# ----- option types: they read the text; check_number decides whether the value is allowed ------


def number(text):
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {shown(text)}") from None


def whole_number(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {shown(text)}") from None


def widths(text):
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected widths separated by commas, such as 16,16; got {shown(text)}"
        ) from None


def check_number(option, value, *, minimum=None, maximum=None, above=None):
    """Refuse ``value`` unless finite, >= ``minimum``, > ``above`` and <= ``maximum``."""
    allowed = (
        (isinstance(value, int) or math.isfinite(value))
        and (minimum is None or value >= minimum)
        and (above is None or value > above)
        and (maximum is None or value <= maximum)
    )
    if not allowed:
        limits = ((">=", minimum), (">", above), ("<=", maximum))
        bounds = [f"{sign} {shown(bound)}" for sign, bound in limits if bound is not None]
        kind = "a whole number" if isinstance(value, int) else "a finite number"
        raise InvalidValue(" ".join([f"{option} must be {kind}", " and ".join(bounds)]).rstrip()
                           + f", got {shown(value)}")
    return value


# ----- output ----------------------------------------------------------------------------------


def prepare_folder(option, folder):
    """Create the folder ``option`` names and make sure a file can be written there.

    Done before any work, so a bad path fails first and alone, not after a long training.
    """
    if not folder or "\0" in folder:
        raise InvalidValue(f"{option} must name a folder, got {shown(folder)}")
    path = pathlib.Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CannotWrite(f"{option}: cannot create the folder {shown(folder)}: "
                          f"{error.strerror or error}") from None
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise CannotWrite(f"{option}: cannot write into {shown(folder)}: "
                          f"{error.strerror or error}") from None
    return path


def _output_failure(stream, error):
    """The error to end with when writing to ``stream`` failed."""
    if stream is sys.stdout:
        # Point file descriptor 1 at /dev/null, so Python's final flush cannot fail again.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError):  # an in-memory stream (a test): nothing to redirect
            pass
    if isinstance(error, BrokenPipeError):
        return OutputClosed()
    name = "standard output" if stream is sys.stdout else "standard error"
    return CannotWrite(f"cannot write to {name}: {error.strerror or error}")


def say(*lines, stream=None):
    """``print`` for a command's output: a write that fails ends the command with one clear line."""
    stream = sys.stdout if stream is None else stream
    try:
        print(*lines, sep="\n", file=stream)
    except OSError as error:
        raise _output_failure(stream, error) from None


def flush_output():
    """Flush standard output now, while a failure (a full disk) can still be reported."""
    try:
        sys.stdout.flush()
    except OSError as error:
        raise _output_failure(sys.stdout, error) from None
