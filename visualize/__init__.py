"""Everything that *shows* a graph: pictures, outlines, explanations, steps, pages.

>>> import visualize
>>> sorted(visualize.__all__)[:4]
['GraphView', 'MatrixView', 'RendererNotFound', 'draw']
"""

# Importing the functions (not only their modules) matters: a submodule named
# like its function (visualize.explain) would otherwise shadow the function.
from visualize.render import RendererNotFound, find_dot, render
from visualize.draw import draw
from visualize.text import outline
from visualize.tape import tape
from visualize.explain import explain
from visualize.steps import steps
from visualize.frames import frames
from visualize.html import export_html
from visualize.stepper import stepper
from visualize.view import GraphView, view
from visualize.matrices import MatrixView, layer_matrices
from visualize.exercises import exercises

__all__ = [
    "GraphView",
    "MatrixView",
    "RendererNotFound",
    "draw",
    "exercises",
    "explain",
    "export_html",
    "find_dot",
    "frames",
    "layer_matrices",
    "outline",
    "render",
    "stepper",
    "steps",
    "tape",
    "view",
]
