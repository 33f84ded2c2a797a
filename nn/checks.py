"""Argument checks shared by ``nn``: one wording for each kind of mistake.

Every check takes the thing to check and ``where``, the operation and the
argument as a reader would name them (``"Adam: eps"``, ``"train: row 3"``). It
returns the thing in a plain form (a float, an int, a list) or raises an error
whose message starts with ``where``:

* ``TypeError`` when the kind is wrong: ``Adam: eps: expected a number, got str '1'``;
* ``ValueError`` when the number is wrong: ``Adam: eps must be > 0, got 0.0``,
  ``normal: std: expected a finite number, got inf``.

Booleans are refused as numbers everywhere: ``True`` as a weight, a size or a
target is almost always a slip.
"""

import math
import numbers
from collections.abc import Mapping


def real_number(value, where: str, *, minimum=None, maximum=None, above=None, below=None,
                infinite_allowed: bool = False) -> float:
    """``value`` as a float within the given bounds (inclusive ``minimum`` / ``maximum``,
    exclusive ``above`` / ``below``); infinities only when ``infinite_allowed``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: expected a number, got {type(value).__name__} {_shown(value)}")
    try:
        converted = float(value)
    except (OverflowError, ValueError):
        # 10**400 (or a huge Fraction) has no float; say so instead of "int too large".
        raise ValueError(
            f"{where}: expected a finite number, got {_shown(value)}, beyond a 64-bit float (±1.8e308)"
        ) from None
    if math.isnan(converted) or (math.isinf(converted) and not infinite_allowed):
        raise ValueError(f"{where}: expected a finite number, got {converted!r}")
    if (
        (minimum is not None and converted < minimum)
        or (maximum is not None and converted > maximum)
        or (above is not None and converted <= above)
        or (below is not None and converted >= below)
    ):
        raise ValueError(f"{where} must be {_bounds(minimum, maximum, above, below)}, got {_shown(value)}")
    return converted


def finite_number(value, where: str, *, minimum=None, maximum=None, above=None, below=None) -> float:
    """``value`` as a finite float within the given bounds (see ``real_number``)."""
    return real_number(value, where, minimum=minimum, maximum=maximum, above=above, below=below)


def probability(value, where: str) -> float:
    """``value`` as a float in [0, 1]."""
    return finite_number(value, where, minimum=0.0, maximum=1.0)


def whole_number(value, where: str, *, minimum=None, maximum=None) -> int:
    """``value`` as an int (``2.0`` and ``2.5`` are refused: a count is never a float)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: expected a whole number, got {type(value).__name__} {_shown(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{where} must be {_bounds(minimum, maximum, None, None)}, got {_shown(value)}")
    return int(value)


# Long enough for any name a person types; short enough that a hostile file cannot
# plant megabytes of label text in every picture.
MAX_NAME_LENGTH = 40


def node_name(value, where: str) -> str:
    """``value`` as a name for nodes: 1 to ``MAX_NAME_LENGTH`` printable characters.

    Names end up in labels, tables and pictures, where a line break, a tab or a
    control character would break the layout, so those are refused.
    """
    if not isinstance(value, str):
        raise TypeError(f"{where}: expected a name (text), got {type(value).__name__} {_shown(value)}")
    if not 1 <= len(value) <= MAX_NAME_LENGTH:
        raise ValueError(
            f"{where}: expected a name of 1 to {MAX_NAME_LENGTH} characters, got {len(value)}: {_shown(value)}"
        )
    if not value.isprintable():
        raise ValueError(
            f"{where}: a name must be printable text (no line breaks, tabs or control "
            f"characters), got {_shown(value)}"
        )
    return value


def class_index(value, classes: int, where: str) -> int:
    """``value`` as a class index in 0..classes − 1 (0-based, like Python lists)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{where}: expected a class index (a whole number in 0..{classes - 1}), "
            f"got {type(value).__name__} {_shown(value)}"
        )
    if not 0 <= value < classes:
        raise ValueError(f"{where}: class index {value} is outside 0..{classes - 1}")
    return int(value)


def sequence(value, where: str, what: str = "a list") -> list:
    """``value`` as a list: a list, a tuple, an array; never text, a mapping or a single number."""
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        raise TypeError(f"{where}: expected {what}, got {type(value).__name__} {_shown(value)}")
    return list(value)


def number_rows(rows, where: str, width: int | None = None, width_source: str = "") -> list[list[float]]:
    """Rows of finite numbers, all ``width`` wide (row 0's width when ``width`` is None).

    ``width_source`` says where a given ``width`` comes from ("the model reads").
    Every row is checked before anything is returned, so a caller can check first
    and change things after.
    """
    rows = sequence(rows, where, "a list of rows")
    if not rows:
        raise ValueError(f"{where}: got no rows")
    checked = []
    for position, row in enumerate(rows):
        row = sequence(row, f"{where}: row {position}", "a list of numbers")
        if width is None:
            width, width_source = len(row), "row 0 has"
            if width == 0:
                raise ValueError(f"{where}: row 0 has no features")
        if len(row) != width:
            raise ValueError(
                f"{where}: row {position} has {len(row)} features but {width_source} {width}"
            )
        checked.append([
            finite_number(entry, f"{where}: row {position}, feature {column}")
            for column, entry in enumerate(row)
        ])
    return checked


def _bounds(minimum, maximum, above, below) -> str:
    low = f"[{_bound(minimum)}" if minimum is not None else f"({_bound(above)}" if above is not None else None
    high = f"{_bound(maximum)}]" if maximum is not None else f"{_bound(below)})" if below is not None else None
    if low and high:
        return f"in {low}, {high}"
    if low:
        return f">= {_bound(minimum)}" if minimum is not None else f"> {_bound(above)}"
    return f"<= {_bound(maximum)}" if maximum is not None else f"< {_bound(below)}"


def _bound(limit) -> str:
    # Counts print whole (1000000, not 1e+06); other bounds as short as they go (0, 0.5).
    return str(limit) if isinstance(limit, int) else f"{limit:g}"


def _shown(value) -> str:
    # repr of a 10**100000 int is slow (and refused past 4300 digits): describe it by size.
    if isinstance(value, int) and value.bit_length() > 1024:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
