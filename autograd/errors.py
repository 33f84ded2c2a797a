"""The errors tracegrad raises when an operation has no finite answer.

Each one subclasses the built-in error a Python user already expects
(``ValueError``, ``ZeroDivisionError``, ``OverflowError``), so existing
``except`` clauses keep working, and each message names the operation and the
operands with their labels.
"""


class TracegradError(Exception):
    """Base class of every error raised by tracegrad itself."""


class UndefinedOperationError(TracegradError, ValueError):
    """An operation was asked for outside its domain, e.g. ``log(-1)``."""


class DivisionByZeroError(TracegradError, ZeroDivisionError):
    """An operation divided by zero, e.g. ``x / 0`` or ``0 ** -1``."""


class NumericOverflowError(TracegradError, OverflowError):
    """A finite input produced an infinite or NaN result, e.g. ``exp(1000)``."""
