"""``visualize.view``: one view per graph, shared by the pictures, the page and the tables.

The view fixes order, names, ids and layout once; the backward pass runs once
per view however many pictures are made from it; constants are data in every view.
"""

import json
import re

import pytest

import autograd
from autograd import Value
from nn.examples import worked_example
from visualize import GraphView, draw, export_html, frames, outline, tape, view
from visualize.html import page_data


def doubled_plus_one():
    x = Value(3.0, label="x")
    y = 2 * x + 1
    y.label = "y"
    return y, x


def test_visualize_view_is_the_function_not_its_module():
    # The docstrings tell users to write visualize.view(root, ...).
    import visualize

    assert visualize.view is view and callable(visualize.view)
    assert "view" in visualize.__all__ and "GraphView" in visualize.__all__


def test_a_view_is_built_once_and_passes_through():
    example = worked_example()
    shown = view(example.loss, groups=example.groups)
    assert isinstance(shown, GraphView) and view(shown) is shown
    assert shown.placement is shown.placement


def test_one_backward_pass_serves_frames_the_page_and_the_pictures(tmp_path, monkeypatch):
    passes = []
    real_steps = autograd.backward_steps

    def counted(root, *arguments):
        passes.append(root)
        return real_steps(root, *arguments)

    monkeypatch.setattr(autograd, "backward_steps", counted)
    example = worked_example()
    shown = view(example.loss, groups=example.groups)
    frames(shown, tmp_path / "frames", format="svg")
    export_html(shown, tmp_path / "page.html")
    draw(shown, mode="backward")
    assert len(passes) == 1
    assert example.W[0][0].grad == pytest.approx(-0.38352, abs=1e-5)


def test_layout_options_beside_a_view_are_refused_not_ignored():
    shown = view(worked_example().loss)
    with pytest.raises(ValueError, match="draw: groups, model, rankdir, digits and size belong"):
        draw(shown, rankdir="TB")


def test_the_page_finds_every_element_by_the_ids_the_view_gives(tmp_path):
    example = worked_example()
    shown = view(example.loss, groups=example.groups)
    page = export_html(shown, tmp_path / "page.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="tracegrad-data">(.*?)</script>', page, re.S).group(1))
    svg_ids = set(re.findall(r'<g id="([^"]+)"', page))
    for node, entry in zip(shown.order, data["nodes"]):
        ids = entry["ids"]
        assert ids["box"] == shown.node_id(node) and ids["box"] in svg_ids
        for position, (edge, card) in enumerate(zip(ids["edges"], ids["labels"])):
            assert edge in svg_ids
            # Every number sits on its own card; an edge toward a constant carries none.
            if node.local_derivatives[position] is None:
                assert card is None
            else:
                assert card in svg_ids
        if not node.is_leaf:
            assert {ids["operation"], ids["output"]} <= svg_ids
    w11 = data["nodes"][shown.index[example.W[0][0]]]
    assert w11["gradLine"] == 2  # w11, 0.4901, grad -0.3835
    assert 'class="grad-line"' not in page  # the script marks it, from gradLine


def test_constants_have_no_gradient_on_the_page(tmp_path):
    y, x = doubled_plus_one()
    data = page_data(y)
    constants = [entry for node, entry in zip(autograd.topological_order(y), data["nodes"])
                 if node.is_constant]
    assert len(constants) == 2
    assert all(entry["grad"] is None and entry["final"] is None for entry in constants)
    assert all(entry["gradLine"] is None for entry in constants)
    assert export_html(y, tmp_path / "constants.html").exists()


def test_constants_are_data_in_the_tables():
    y, _ = doubled_plus_one()
    y.backward()
    rows = str(tape(y)).splitlines()
    assert re.search(r"t1\s+constant\s+2\.0000\s+-$", rows[2])
    lines = outline(y).splitlines()
    assert lines[2].strip() == "t1  [constant]  data 2.0000"
