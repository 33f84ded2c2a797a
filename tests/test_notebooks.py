"""The lecture notebooks: shipped with the package, copied out by ``tracegrad notebooks``,
and executed by a real Jupyter kernel (nbclient + ipykernel, installed by ``.ci/run``).

Executing them is the test that they still teach what they say: each cell must run
without error, and the numbers a lecture states must come out of the kernel.
"""

import json
import re

import pytest

from conftest import require_module
from notebook_kernel import execute, notebook_modules
from visualize.cli import main
from visualize.lectures import NotebookExists, copy_lecture_notebooks, lecture_notebooks

LECTURES = [
    "01_worked_example.ipynb",
    "02_calculation_graph.ipynb",
    "03_activation_functions.ipynb",
    "04_cost_functions.ipynb",
    "05_gradient_descent.ipynb",
    "06_hyper_parameters.ipynb",
]

# What each lecture must show once run: numbers of the slides, or of the experiment it runs.
SHOWN = {
    "01_worked_example.ipynb": ["h = [0.5854, 0.6485]", "p = [0.3449, 0.3641, 0.2911]",
                                "L = 1.0645", "dL/dw11 = -0.3835", "dL/dv11: 3 paths",
                                "W = ⎡ 0.6819 0.7898 0.3704 ⎤"],
    "02_calculation_graph.ipynb": ["h = 0.5   l = 0.25", "dl/dw1 = -0.1250"],
    "03_activation_functions.ipynb": ["relu at -1 passes back: 0.0",
                                      "leaky_relu at -1 passes back: 0.1"],
    "04_cost_functions.ipynb": ["dJ/dŷ = -0.7", "L = 1.0645"],
    "05_gradient_descent.ipynb": ["stochastic (1 example):  900 updates",
                                  "batch (all 60):   15 updates"],
    "06_hyper_parameters.ipynb": ["learning rate per epoch: [0.5, 0.4, 0.32"],
}


def test_every_lecture_is_shipped_in_order():
    assert list(lecture_notebooks()) == LECTURES


@pytest.mark.parametrize("name", LECTURES)
def test_a_shipped_notebook_is_a_clean_python_notebook(name):
    notebook = json.loads(lecture_notebooks()[name])
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown" and cells[0]["source"].startswith("# ")
    for cell in cells:
        if cell["cell_type"] == "code":
            # Shipped unrun: a student sees their own outputs, never stale ones.
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert len({cell["id"] for cell in cells}) == len(cells)


def test_copying_writes_every_lecture(tmp_path):
    written = copy_lecture_notebooks(tmp_path / "lectures")
    assert [path.name for path in written] == LECTURES
    assert all(path.read_text(encoding="utf-8") == lecture_notebooks()[path.name] for path in written)


def test_copying_never_replaces_a_students_notebook_unless_asked(tmp_path):
    edited = tmp_path / "03_activation_functions.ipynb"
    edited.write_text("my own work", encoding="utf-8")
    with pytest.raises(NotebookExists, match="03_activation_functions.ipynb is already there "
                                             r"\(1 of the 6 notebooks are\); nothing was written"):
        copy_lecture_notebooks(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [edited.name]
    assert edited.read_text(encoding="utf-8") == "my own work"
    copy_lecture_notebooks(tmp_path, overwrite=True)
    assert edited.read_text(encoding="utf-8") == lecture_notebooks()[edited.name]


def test_the_command_copies_them_and_says_how_to_open_them(capsys, tmp_path):
    assert main(["notebooks", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Wrote 6 lecture notebooks into {tmp_path}:")
    assert f"jupyter lab {tmp_path}" in out
    assert sorted(path.name for path in tmp_path.iterdir()) == LECTURES


def test_the_command_refuses_to_overwrite_without_force(capsys, tmp_path):
    main(["notebooks", str(tmp_path)])
    capsys.readouterr()
    assert main(["notebooks", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("tracegrad notebooks: error: DIR: ") and "--force replaces them" in err
    assert len(err.splitlines()) == 1
    assert main(["notebooks", str(tmp_path), "--force"]) == 0


@pytest.fixture(scope="module")
def run_lecture(tmp_path_factory):
    """Run a shipped lecture in a real Python kernel (once per module); return the notebook."""
    _, nbformat = notebook_modules()
    require_module("matplotlib", "the plots in the lecture notebooks")
    executed = {}

    def run(name):
        if name not in executed:
            notebook = nbformat.reads(lecture_notebooks()[name], as_version=4)
            executed[name] = execute(notebook, tmp_path_factory.mktemp("lecture"))
        return executed[name]

    return run


def outputs_text(notebook):
    """Everything the executed cells printed or showed as text."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                texts.append(output["text"])
            elif output["output_type"] in ("execute_result", "display_data"):
                texts.append(output["data"].get("text/plain", ""))
    return "\n".join(texts)


@pytest.mark.parametrize("name", LECTURES)
def test_every_lecture_runs_in_a_kernel_and_shows_its_numbers(run_lecture, name):
    shown = outputs_text(run_lecture(name))
    for expected in SHOWN[name]:
        assert expected in shown, f"{name} no longer shows {expected!r}"
    assert not re.search(r"Traceback|Error", shown)


def test_the_worked_example_lecture_draws_its_graphs_as_svg(run_lecture):
    notebook = run_lecture("01_worked_example.ipynb")
    pictures = [output["data"]["image/svg+xml"]
                for cell in notebook.cells for output in cell.get("outputs", [])
                if "image/svg+xml" in output.get("data", {})]
    assert len(pictures) == 2 and all("w11" in svg and "<svg" in svg for svg in pictures)


def test_the_plotting_lectures_show_their_plots(run_lecture):
    # The kernel's own inline backend turns plt.show() into a PNG in the cell's outputs.
    for name in ("03_activation_functions.ipynb", "04_cost_functions.ipynb",
                 "05_gradient_descent.ipynb"):
        images = [output for cell in run_lecture(name).cells for output in cell.get("outputs", [])
                  if "image/png" in output.get("data", {})]
        assert len(images) == 1, name


def test_the_worked_example_lecture_shows_the_stepper_and_rich_tables(run_lecture):
    require_module("anywidget", "the live stepper widget in a notebook")
    shown = [output["data"] for cell in run_lecture("01_worked_example.ipynb").cells
             for output in cell.get("outputs", []) if "data" in output]
    widgets = [data for data in shown if "application/vnd.jupyter.widget-view+json" in data]
    assert [data["text/plain"] for data in widgets] == [
        "<stepper: Backpropagation through L, step 1 of 31>"]
    pages = [data["text/html"] for data in shown if "text/html" in data]
    assert any("backward done: 26 steps" in page for page in pages)  # visualize.steps
    assert any("<caption>gradcheck: all gradients agree" in page for page in pages)
    assert any("The weights after one step" in page and "<math" in page for page in pages)
