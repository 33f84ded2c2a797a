"""Reading the command line: what each option accepts, and how a command fails in one line."""

import argparse
import math
import pathlib

SUCCESS, FAILURE = 0, 1


class CommandError(Exception):
    """A failure to report in one line on standard error, with exit code 1."""


def positive_number(text):
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(number) or number <= 0.0:
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text!r}")
    return number


def finite_number(text):
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return number


def whole_number(minimum, maximum=None):
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


def layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected widths separated by commas, such as 16,16; got {text!r}"
        ) from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"every layer width must be at least 1, got {text!r}")
    return sizes


def make_folder(folder):
    """Create ``--out`` before any work, so a bad path fails first and alone."""
    if folder is None:
        return
    try:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"--out: cannot create folder {str(folder)!r}: {error}") from None
