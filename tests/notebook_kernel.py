"""Running notebooks in a real Jupyter kernel for the tests, as a student's Jupyter runs them.

nbclient + ipykernel (installed by ``.ci/run``) are the oracle; without them the
tests skip locally and fail under ``CI=true`` (``conftest.require_module``).
"""

import os
import pathlib

import visualize
from conftest import require_module

# The checkout under test: the kernel must import this tracegrad, not another one installed.
SOURCE = str(pathlib.Path(visualize.__file__).resolve().parent.parent)


def notebook_modules():
    """nbclient and nbformat, or skip (locally) / fail (CI) saying why they are needed."""
    nbclient = require_module("nbclient", "running notebooks in a real kernel")
    require_module("ipykernel", "running notebooks in a real kernel")
    nbformat = require_module("nbformat", "reading notebooks as Jupyter does")
    return nbclient, nbformat


def execute(notebook, folder):
    """Run every cell of ``notebook`` (an nbformat node) in a kernel started in ``folder``.

    Raises nbclient's CellExecutionError, naming the cell, on the first error.
    """
    nbclient, _ = notebook_modules()
    # A backend chosen outside (MPLBACKEND=Agg) would keep the kernel's inline
    # backend from putting plots into the outputs.
    saved = {name: os.environ.get(name) for name in ("MPLBACKEND", "PYTHONPATH")}
    os.environ.pop("MPLBACKEND", None)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        path for path in (SOURCE, saved["PYTHONPATH"]) if path)
    try:
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return notebook


def run_cells(sources, folder):
    """A new notebook of code cells ``sources``, run; returns each cell's outputs in order."""
    _, nbformat = notebook_modules()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    execute(notebook, folder)
    return [cell.outputs for cell in notebook.cells]


def shown(outputs):
    """{MIME type: content} of a cell's displayed result (its last rich output)."""
    rich = [output for output in outputs if output["output_type"] in ("execute_result", "display_data")]
    assert rich, f"the cell showed nothing: {outputs}"
    return dict(rich[-1]["data"])
