"""Switching graph recording off: ``with no_grad(): ...``.

Inside the block every operation still computes its value, but the result is a
leaf: no inputs, no local derivatives, nothing for ``backward`` to walk.
"""

from contextlib import contextmanager

# A list, not a bare bool, so that ``ops`` can read the current setting through
# one shared object without importing a name that would go stale.
_recording = [True]


def is_recording() -> bool:
    """True unless inside ``no_grad()``."""
    return _recording[0]


@contextmanager
def no_grad():
    """Context manager: operations inside it are not recorded in the graph."""
    previous = _recording[0]
    _recording[0] = False
    try:
        yield
    finally:
        _recording[0] = previous
