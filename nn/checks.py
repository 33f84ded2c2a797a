"""Argument checks shared by ``nn``: one wording for "this must be a finite number"."""

import math
import numbers


def finite_number(number, where: str) -> float:
    """``number`` as a float, or a ``TypeError`` / ``ValueError`` that starts with ``where``.

    Booleans are refused: ``True`` as a weight or a target is almost always a mistake.
    """
    if isinstance(number, bool) or not isinstance(number, numbers.Real):
        raise TypeError(f"{where}: expected a number, got {type(number).__name__} {number!r}")
    number = float(number)
    if not math.isfinite(number):
        raise ValueError(f"{where}: expected a finite number, got {number!r}")
    return number
