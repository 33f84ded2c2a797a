"""Scale guards guard before working: a graph too big for a view is refused before the
expensive part runs, big graphs get the cheap layout, and nothing waits or grows without bound."""

import re
import stat

import pytest

import autograd
from autograd import Value
from visualize import draw, explain, export_html, render
from visualize.draw import GraphTooLarge
from visualize.render import RenderTimeout

render_module = __import__("visualize.render", fromlist=["render"])


def wide_sum(terms):
    """sum of tanh(x_i * w_i): every tanh box survives collapsing, one per term."""
    weights = [Value(1.0, label=f"w{k}") for k in range(terms)]
    total = autograd.sum_values([(Value(0.01 * k) * w).tanh() for k, w in enumerate(weights)])
    total.label = "total"
    return total, weights


def test_export_html_refuses_a_big_graph_before_running_backward(tmp_path):
    total, weights = wide_sum(400)  # 1,601 nodes
    with pytest.raises(GraphTooLarge, match=r"export_html: .*1601 nodes.*max_nodes=1000"):
        export_html(total, tmp_path / "page.html")
    assert all(weight.grad == 0.0 for weight in weights)
    assert total.grad == 0.0
    assert not (tmp_path / "page.html").exists()


def test_collapse_lays_out_thousands_of_boxes_on_the_grid_without_graphviz_layout():
    total, _ = wide_sum(1200)  # 1,201 boxes: each term's tanh, and the sum
    picture = draw(total, collapse=True, max_nodes=None)
    assert "layout=nop" in picture.source
    pinned = re.findall(r'^\t*v\d+ \[.*\bpos="[-\d.]+,[-\d.]+!"', picture.source, re.MULTILINE)
    assert len(pinned) == 1201
    assert b"<svg" in render(picture, format="svg")


def test_a_collapsed_chain_names_a_bounded_number_of_operations():
    node = Value(0.5, label="x")
    for _ in range(500):
        node = (node * 0.999).tanh()
    node.label = "end"
    source = draw(node, collapse=True).source
    assert "995 more" in source  # 1,000 operations: the first 4, the last, 995 counted
    assert len(source) < 2000


@pytest.fixture
def slow_renderer(tmp_path, monkeypatch):
    program = tmp_path / "slow-dot"
    program.write_text("#!/bin/sh\nsleep 30\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(render_module, "find_dot", lambda: str(program))
    monkeypatch.setattr(render_module, "supported_formats", lambda program: frozenset({"svg"}))
    return program


def test_render_stops_a_renderer_that_takes_too_long_and_says_what_to_do(slow_renderer, tmp_path):
    with pytest.raises(RenderTimeout) as caught:
        render("digraph { a -> b }", tmp_path / "late.svg", timeout=0.2)
    message = str(caught.value)
    assert "within 0.2 s" in message and "collapse=True" in message and "timeout" in message
    assert not (tmp_path / "late.svg").exists()


@pytest.mark.parametrize("timeout", [0, -1, "10", True])
def test_render_refuses_a_timeout_that_is_not_a_positive_number(timeout):
    with pytest.raises(ValueError, match="render: timeout"):
        render("digraph { a }", timeout=timeout)


def test_render_waits_by_default_but_not_forever():
    assert render_module.RENDER_TIMEOUT > 0
    assert render.__defaults__[-1] == render_module.RENDER_TIMEOUT


def tanh_chain(length):
    """out = tanh(... tanh(x · 1.0001) ...): one path of 2 · length factors from x."""
    x = Value(0.5, label="x")
    node = x
    for _ in range(length):
        node = (node * 1.0001).tanh()
    node.label = "out"
    return node, x


def test_explain_caps_each_listed_path_and_says_how_many_factors_it_elided():
    explanation = explain(*tanh_chain(200), fold=False)
    assert len(explanation.paths[0].factors) == 400
    text = str(explanation)
    assert "388 factors elided" in text
    assert len(text) < 2500
    assert "∂out/∂" in text and "/∂x" in text  # both ends of the chain stay
    assert "388 factors elided" in explanation._repr_html_()


def test_explain_lists_a_short_path_whole():
    assert "elided" not in str(explain(*tanh_chain(3), fold=False))
