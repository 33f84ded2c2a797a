"""Everything that *shows* a graph: pictures, outlines, explanations, steps, pages.

Names are imported on first use, so ``import visualize`` stays instant and the
``graphviz`` package is only loaded when a picture is asked for.
"""

import importlib

_HOMES = {
    # pictures
    "draw": "visualize.draw",
    "render": "visualize.render",
    "find_dot": "visualize.render",
    "RendererNotFound": "visualize.render",
    # text views
    "outline": "visualize.text",
    "tape": "visualize.tape",
    "explain": "visualize.explain",
    "steps": "visualize.steps",
    # step pictures and the interactive page
    "frames": "visualize.frames",
    "export_html": "visualize.html",
}

__all__ = sorted(_HOMES)


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'visualize' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOMES))
