"""``visualize.stepper``: the page's stepper as a notebook widget, and its fallback.

The widget reuses the page's own files (page.js mounts the page's markup into the
widget; page.css styles it), shares the current step with Python (counted from 1,
as the page's counter shows it), and, without anywidget, the static page is shown
in an iframe with the line that says how to get the live one. What the widget
does in a browser is tested in tests/test_notebook_browser.py.
"""

import html
import re
import sys

import pytest

import visualize
from conftest import require_module
from nn.examples import calc_graph_example, worked_example
from notebook_kernel import run_cells, shown
from visualize.html import page_file
from visualize.stepper import StaticStepper, stepper_widget_class


@pytest.fixture
def example():
    return worked_example()


@pytest.fixture
def live(example):
    require_module("anywidget", "the live stepper widget in a notebook")
    return visualize.stepper(example.loss, groups=example.groups, model=example.model,
                             learning_rate=0.5)


@pytest.fixture
def without_anywidget(monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)  # importing it now fails
    stepper_widget_class.cache_clear()
    yield
    stepper_widget_class.cache_clear()


def test_the_widget_runs_the_pages_own_script_and_style(live):
    assert page_file("page.js") in live._esm and page_file("widget.js") in live._esm
    assert "export default { render }" in live._esm
    assert live.page["style"] == page_file("page.css")
    markup = live.page["markup"]
    for element in ('id="next"', 'id="prev"', 'id="predict"', 'id="chains"', "<svg"):
        assert element in markup
    assert "<script" not in markup and "<!--tracegrad:" not in markup
    assert markup.startswith("<header>") and "<h1>Backpropagation through L</h1>" in markup


def test_the_widget_carries_the_pages_steps(live):
    steps = live.page["data"]["steps"]
    assert live.step_count == len(steps) == 31
    assert [step["phase"] for step in steps][:2] == ["start", "forward"]
    assert {"backward", "final", "update", "done"} <= {step["phase"] for step in steps}
    w11 = next(node for node in live.page["data"]["nodes"] if node["name"] == "w11")
    assert w11["grad"] == "-0.3835"


def test_python_reads_and_sets_the_step(live):
    assert live.step == 1
    live.step = 12
    assert live.step == 12
    assert repr(live) == "<stepper: Backpropagation through L, step 12 of 31>"


@pytest.mark.parametrize("wrong", [0, 32, -1])
def test_a_step_off_the_page_is_refused_by_name(live, wrong):
    traitlets = require_module("traitlets", "the widget's synced step")
    with pytest.raises(traitlets.TraitError, match=rf"stepper: step must be from 1 to 31 .*got {wrong}"):
        live.step = wrong
    assert live.step == 1


def test_update_shows_another_graph_from_its_first_step(live):
    live.step = 20
    example = calc_graph_example()
    live.update(example.loss, title="The calculation graph")
    assert live.step == 1 and live.title == "The calculation graph"
    assert live.step_count == len(live.page["data"]["steps"]) < 31
    assert 'id="next"' in live.page["markup"]


def test_without_anywidget_the_static_page_shows_in_an_iframe(example, without_anywidget):
    static = visualize.stepper(example.loss, groups=example.groups)
    assert isinstance(static, StaticStepper)
    shown_html = static._repr_html_()
    frame = re.match(r'<iframe srcdoc="([^"]*)"', shown_html)
    page = html.unescape(frame.group(1))
    assert page.startswith("<!DOCTYPE html>") and page_file("page.js").strip() in page
    assert 'mountStepper(document, JSON.parse(' in page and "w11" in page
    assert 'sandbox="allow-scripts"' in shown_html and "width:100%" in shown_html
    assert "pip install &#x27;tracegrad[notebook]&#x27;" in shown_html
    assert "pip install 'tracegrad[notebook]'" in repr(static)


def test_a_missing_piece_of_tracegrad_is_not_taken_for_a_missing_anywidget(example, monkeypatch):
    stepper_widget_class.cache_clear()
    monkeypatch.setattr(sys.modules["visualize.stepper"], "page_file", _broken_page_file)
    with pytest.raises(ImportError, match="no such page file"):
        visualize.stepper(example.loss)
    stepper_widget_class.cache_clear()


def _broken_page_file(name):
    raise ImportError(f"no such page file: {name}", name="visualize.page")


def test_the_stepper_refuses_what_the_page_refuses(example):
    with pytest.raises(TypeError, match="stepper: title must be a str or None"):
        visualize.stepper(example.loss, title=3)
    with pytest.raises(ValueError, match="stepper: learning_rate must be a finite number > 0"):
        visualize.stepper(example.loss, learning_rate=-1.0)


# ----- in a kernel, as a notebook shows it -----------------------------------------------

STEPPER_CELLS = [
    "import visualize\nfrom nn.examples import worked_example, calc_graph_example\n"
    "example = worked_example()",
    "widget = visualize.stepper(example.loss, groups=example.groups,\n"
    "                            model=example.model, learning_rate=0.5)\nwidget",
    "widget.step = 12\nprint(widget.step, 'of', widget.step_count)",
    # The cell run again with another graph.
    "widget = visualize.stepper(calc_graph_example().loss)\nwidget",
    # A kernel without anywidget (importing it fails) gets the static page.
    "import sys\nsys.modules['anywidget'] = None\nvisualize.stepper.__globals__"
    "['stepper_widget_class'].cache_clear()\nvisualize.stepper(example.loss)",
]


@pytest.fixture(scope="module")
def kernel_outputs(tmp_path_factory):
    require_module("anywidget", "the live stepper widget in a notebook")
    return run_cells(STEPPER_CELLS, tmp_path_factory.mktemp("stepper"))


def test_in_a_notebook_the_stepper_is_a_widget_python_can_drive(kernel_outputs):
    first = shown(kernel_outputs[1])
    assert "application/vnd.jupyter.widget-view+json" in first
    assert first["text/plain"] == "<stepper: Backpropagation through L, step 1 of 31>"
    assert kernel_outputs[2][0]["text"] == "12 of 31\n"
    again = shown(kernel_outputs[3])
    assert again["application/vnd.jupyter.widget-view+json"]["model_id"] != \
        first["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert re.fullmatch(r"<stepper: Backpropagation through l, step 1 of \d+>", again["text/plain"])


def test_in_a_notebook_without_anywidget_the_static_page_is_shown(kernel_outputs):
    static = shown(kernel_outputs[4])
    assert "application/vnd.jupyter.widget-view+json" not in static
    assert static["text/html"].startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "tracegrad[notebook]" in static["text/html"]
