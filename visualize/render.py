"""Turning DOT source into pictures: finding a renderer and running it.

tracegrad renders with the ``graphviz-pure`` wheel, which installs a program
called ``graphviz-pure`` (not ``dot``) next to the Python interpreter, so a
plain ``pip install`` is enough. ``find_dot`` looks for it in the environment's
scripts folder even when the virtual environment is not activated, falls back
to a system Graphviz ``dot`` on ``PATH``, and otherwise raises
``RendererNotFound``, which says how to get one and still carries the DOT source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

from visualize.saving import save_file

FORMATS = ("svg", "png", "dot", "pdf")

# Seconds a renderer may take before ``render`` gives up: a readable picture takes well
# under a second; minutes mean a graph far too big to read (see draw's max_nodes).
RENDER_TIMEOUT = 60

# The name the graphviz-pure wheel gives its program; ``.exe`` on Windows.
BUNDLED_PROGRAM = "graphviz-pure"
SYSTEM_PROGRAM = "dot"

HOW_TO_GET_A_RENDERER = (
    "install one with `pip install graphviz-pure` (a wheel with a built-in renderer "
    "for Linux x86_64/aarch64, macOS and Windows) or install Graphviz "
    "(https://graphviz.org/download/) so that `dot` is on PATH"
)


class RendererNotFound(RuntimeError):
    """No program that turns DOT into pictures was found.

    ``source`` holds the DOT text that could not be rendered (or ``None`` when
    only the search failed), so it can still be saved or pasted elsewhere.
    """

    def __init__(self, message: str, source: str | None = None):
        super().__init__(message)
        self.source = source


class UnsupportedFormat(ValueError):
    """The renderer that was found cannot write the requested format."""


class RenderError(RuntimeError):
    """The renderer ran but failed; the message carries what it printed."""


class RenderTimeout(RenderError):
    """The renderer took longer than ``timeout`` seconds and was stopped."""


def _executable_names(program: str) -> list[str]:
    return [program + ".exe", program] if os.name == "nt" else [program]


def _scripts_folders() -> list[Path]:
    """Where pip puts programs for this interpreter, whether or not a venv is activated."""
    folders = []
    scripts = sysconfig.get_path("scripts")
    if scripts:
        folders.append(Path(scripts))
    if sys.executable:
        folders.append(Path(sys.executable).parent)
    unique = []
    for folder in folders:
        if folder not in unique:
            unique.append(folder)
    return unique


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_dot() -> str:
    """Path of a program that renders DOT: graphviz-pure first, then a system ``dot``.

    Raises ``RendererNotFound`` (saying how to install one) when there is none.
    """
    for folder in _scripts_folders():
        for name in _executable_names(BUNDLED_PROGRAM):
            candidate = folder / name
            if _runnable(candidate):
                return str(candidate)
    for program in (BUNDLED_PROGRAM, SYSTEM_PROGRAM):
        found = shutil.which(program)
        if found:
            return found
    searched = ", ".join(str(folder) for folder in _scripts_folders())
    raise RendererNotFound(
        f"no Graphviz renderer found (looked for {BUNDLED_PROGRAM!r} in {searched} and "
        f"for {BUNDLED_PROGRAM!r} or {SYSTEM_PROGRAM!r} on PATH); {HOW_TO_GET_A_RENDERER}. "
        "The DOT source is still available: graph.source, or render(graph, format='dot')"
    )


@lru_cache(maxsize=8)
def supported_formats(program: str) -> frozenset[str]:
    """The ``-T`` output formats a renderer accepts, read from its own error message."""
    finished = subprocess.run(
        [program, "-T?"], input=b"", capture_output=True, timeout=30
    )
    message = (finished.stderr + finished.stdout).decode("utf-8", "replace")
    _, _, listing = message.partition("Use one of:")
    # Graphviz may list variants such as ``png:cairo``; the part before ":" is the format.
    return frozenset(word.split(":")[0] for word in listing.split())


def _source_of(graph) -> str:
    source = getattr(graph, "source", graph)
    if not isinstance(source, str):
        raise TypeError(
            f"render needs a graphviz graph or DOT text, got {type(graph).__name__}"
        )
    return source


def render(graph, path: str | os.PathLike | None = None, format: str = "svg",
           timeout: float | None = RENDER_TIMEOUT):
    """Render ``graph`` (a ``graphviz.Digraph`` or DOT text) as ``svg``, ``png``, ``dot`` or ``pdf``.

    Returns the picture's bytes; with ``path`` it also writes them there, all at
    once (a failure leaves no empty or half file), and returns the path.
    ``format="dot"`` needs no renderer. PDF needs a renderer that writes PDF
    (system Graphviz does, graphviz-pure does not). A renderer still busy after
    ``timeout`` seconds is stopped with ``RenderTimeout`` (``None``: wait as long as it takes).
    """
    if format not in FORMATS:
        raise ValueError(
            f"render: format {format!r} is not one of {', '.join(FORMATS)}"
        )
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or not timeout > 0):
        raise ValueError(f"render: timeout must be a number of seconds > 0 or None, got {timeout!r}")
    source = _source_of(graph)
    try:
        encoded = source.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"render: the DOT source holds {error.object[error.start:error.end]!r} "
            f"(character {error.start}), which UTF-8 cannot encode"
        ) from None
    picture = encoded if format == "dot" else _run_renderer(source, encoded, format, timeout)
    if path is None:
        return picture
    return save_file(path, picture, "render")


def _run_renderer(source: str, encoded: bytes, format: str, timeout: float | None) -> bytes:
    try:
        program = find_dot()
    except RendererNotFound as missing:
        raise RendererNotFound(str(missing), source) from None
    if format not in supported_formats(program):
        advice = (
            "render SVG and convert it (for example open it in a browser and print to "
            "PDF, or use rsvg-convert / cairosvg), or install Graphviz "
            "(https://graphviz.org/download/) whose `dot` writes PDF"
        )
        raise UnsupportedFormat(
            f"render: the renderer {program} cannot write {format.upper()}; {advice}"
        )
    try:
        finished = subprocess.run(
            [program, f"-T{format}"], input=encoded, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise RenderTimeout(
            f"render: {program} did not finish writing {format} within {timeout} s and was "
            "stopped; a picture that slow to draw is too big to read: draw fewer nodes "
            "(draw(..., collapse=True), a smaller max_nodes), or pass a larger timeout "
            "(None waits as long as it takes)"
        ) from None
    if finished.returncode != 0:
        complaint = finished.stderr.decode("utf-8", "replace").strip()
        raise RenderError(
            f"render: {program} failed (exit {finished.returncode}) writing {format}: {complaint}"
        )
    return finished.stdout
