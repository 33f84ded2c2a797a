"""Switching graph recording off: ``with no_grad(): ...``.

Inside the block every operation still computes its value, but the result is a
leaf: no inputs, no local derivatives, nothing for ``backward`` to walk.

The setting belongs to the code that entered the block: it is a context
variable, so another thread, or another asyncio task, keeps recording while
one of them is inside ``no_grad``, and blocks that overlap across threads
cannot leave recording switched off for everyone.
"""

from contextlib import contextmanager
from contextvars import ContextVar

# Read by every operation (``recording_flag.get()``); set only through the two managers below.
recording_flag: ContextVar[bool] = ContextVar("tracegrad_recording", default=True)


def is_recording() -> bool:
    """True unless inside ``no_grad()`` in this thread or task."""
    return recording_flag.get()


@contextmanager
def _recording(on):
    token = recording_flag.set(on)
    try:
        yield
    finally:
        recording_flag.reset(token)


def no_grad():
    """Context manager: operations inside it are not recorded in the graph."""
    return _recording(False)


def enable_grad():
    """Context manager: operations inside it are recorded, even within ``no_grad``."""
    return _recording(True)
