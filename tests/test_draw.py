"""``visualize.draw``: the slides' worked example as a picture, its stable ids, modes, clusters,
highlighting, and what happens with graphs too big to read."""

import re
import xml.etree.ElementTree as ElementTree

import graphviz
import pytest

import autograd
from autograd import Value
from nn.examples import calc_graph_example, worked_example
from nn.module import MLP
from visualize.draw import GraphTooLarge, draw
from visualize.tables import format_number
from visualize.render import render

SVG = "{http://www.w3.org/2000/svg}"

SLIDE_BLOCKS = [
    "Inputs X", "Weights V", "Linear Q", "Hidden H",
    "Weights W", "Logits Z", "Probs P", "Labels Y",
]


@pytest.fixture(scope="module")
def example():
    return worked_example(backward=True)


@pytest.fixture(scope="module")
def order(example):
    return autograd.topological_order(example.loss)


def position(order, label):
    return next(i for i, node in enumerate(order) if node.label == label)


def svg_groups(picture) -> dict[str, ElementTree.Element]:
    """Every SVG ``<g>`` by its id."""
    svg = ElementTree.fromstring(render(picture))
    return {element.get("id"): element for element in svg.iter(f"{SVG}g")}


def texts(element) -> list[str]:
    return ["".join(text.itertext()) for text in element.iter(f"{SVG}text")]


def edge_number(groups, edge_id) -> list[str]:
    """The number an edge carries: on its own card when the layout placed it, else in the edge."""
    card = groups.get(f"{edge_id}_label")
    return texts(card if card is not None else groups[edge_id])


def cluster_blocks(source: str) -> dict[str, str]:
    """DOT text of each cluster, keyed by the cluster's label."""
    blocks = {}
    for block in source.split("subgraph cluster_")[1:]:
        label = re.search(r"label=<<B>(.*?)</B>>", block).group(1)
        blocks[label] = block.split("\n\t}")[0]
    return blocks


@pytest.fixture(scope="module")
def backward_svg(example):
    w11 = example.nodes()["w11"]
    return svg_groups(draw(example.loss, groups=example.groups, highlight=w11))


# ----- the worked example, as on the slides ------------------------------------------------


def test_draw_returns_a_graphviz_digraph(example):
    assert isinstance(draw(example.loss), graphviz.Digraph)


def test_the_inline_jupyter_picture_needs_no_system_graphviz(example, monkeypatch):
    # graphviz's own pipe() looks for `dot` on PATH; ours uses the wheel's renderer.
    monkeypatch.setenv("PATH", "/nonexistent")
    bundle = draw(example.loss)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"] and ">w11<" in bundle["image/svg+xml"]
    assert draw(example.loss).pipe(format="png").startswith(b"\x89PNG")


def test_saving_with_graphviz_render_needs_no_system_graphviz(example, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "/nonexistent")
    graph = draw(example.loss)
    saved = graph.render("worked", directory=tmp_path, format="png")
    assert saved == str(tmp_path / "worked.png")
    assert (tmp_path / "worked.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "worked").read_text(encoding="utf-8") == graph.source
    graph.render("again", directory=tmp_path, format="svg", cleanup=True)
    assert (tmp_path / "again.svg").exists() and not (tmp_path / "again").exists()


def test_every_value_and_operation_has_its_stable_id(example, order, backward_svg):
    for i, node in enumerate(order):
        assert f"v{i}" in backward_svg
        assert (f"v{i}_op" in backward_svg) == (not node.is_leaf)
        for j in range(len(node.inputs)):
            assert f"e{i}_{j}" in backward_svg


def test_the_edge_id_names_the_input_position(example, order):
    z1 = position(order, "z1")
    w11 = position(order, "w11")
    source = draw(example.loss).source
    assert re.search(rf"\bv{w11} -> v{z1}_op \[[^\]]*id=e{z1}_0\b", source)


def test_w11_shows_its_label_data_and_gradient(order, backward_svg):
    w11 = backward_svg[f"v{position(order, 'w11')}"]
    assert texts(w11) == ["w11", "0.4901", "grad -0.3835"]


@pytest.mark.parametrize(
    "label, data, gradient",
    [("x1", "0.3500", None), ("q1", "0.3451", None), ("h1", "0.5854", None),
     ("h2", "0.6485", None), ("z1", "0.6969", "-0.6551"), ("p1", "0.3449", "-2.8995"),
     ("p2", "0.3641", None), ("p3", "0.2911", None), ("L", "1.0645", "1.0000")],
)
def test_the_slides_numbers_are_on_their_nodes(order, backward_svg, label, data, gradient):
    shown = texts(backward_svg[f"v{position(order, label)}"])
    assert shown[:2] == [label, data]
    if gradient is not None:
        assert shown[2] == f"grad {gradient}"


def test_the_slides_blocks_are_clusters_with_their_members(example, order):
    source = draw(example.loss, groups=example.groups).source
    blocks = cluster_blocks(source)
    assert list(blocks) == SLIDE_BLOCKS
    for name, members in example.groups.items():
        for node in members:
            assert f"\t\tv{position(order, node.label)} [" in blocks[name]


def test_cluster_titles_appear_in_the_svg(example):
    groups = svg_groups(draw(example.loss, groups=example.groups))
    titles = [text for element in groups.values()
              if element.get("class") == "cluster" for text in texts(element)]
    assert titles == SLIDE_BLOCKS


def test_edges_carry_the_local_derivatives_of_the_w11_chain(order, backward_svg):
    z1, p1 = position(order, "z1"), position(order, "p1")
    assert edge_number(backward_svg, f"e{z1}_0") == ["0.5854"]  # dz1/dw11 = h1
    assert edge_number(backward_svg, f"e{p1}_0") == ["0.2259"]  # dp1/dz1 = p1(1 - p1)


def test_edge_labels_can_be_switched_off(example):
    assert "<TD>0.5854</TD>" in draw(example.loss).source
    assert "<TD>0.5854</TD>" not in draw(example.loss, edge_labels=False).source


def test_digits_sets_the_precision_everywhere(example, order):
    groups = svg_groups(draw(example.loss, digits=2))
    assert texts(groups[f"v{position(order, 'w11')}"]) == ["w11", "0.49", "grad -0.38"]


# ----- modes and directions -------------------------------------------------------------


def test_forward_mode_shows_data_and_no_gradients(example, order):
    groups = svg_groups(draw(example.loss, mode="forward"))
    assert texts(groups[f"v{position(order, 'w11')}"]) == ["w11", "0.4901"]
    assert not any(text.startswith("grad") for g in groups.values() for text in texts(g))


def test_gradients_mode_shows_gradients_and_no_data(example, order):
    groups = svg_groups(draw(example.loss, mode="gradients"))
    assert texts(groups[f"v{position(order, 'w11')}"]) == ["w11", "grad -0.3835"]


def test_rankdir_chooses_the_direction(example):
    assert "rankdir=LR" in draw(example.loss).source
    assert "rankdir=TB" in draw(example.loss, rankdir="TB").source


@pytest.mark.parametrize(
    "options, message",
    [({"mode": "sideways"}, "mode"), ({"rankdir": "up"}, "rankdir"), ({"digits": -1}, "digits"),
     ({"groups": {"G": [1.0]}}, "groups"), ({"highlight": "w11"}, "highlight")],
)
def test_bad_options_are_refused_by_name(example, options, message):
    with pytest.raises((ValueError, TypeError), match=message):
        draw(example.loss, **options)


def test_the_root_must_be_a_value():
    with pytest.raises(TypeError, match="Value"):
        draw(3.0)


# ----- operations, leaves, the root ---------------------------------------------------------


def test_operation_nodes_show_their_symbol(example, order, backward_svg):
    assert texts(backward_svg[f"v{position(order, 'h1')}_op"]) == ["σ"]
    assert texts(backward_svg[f"v{position(order, 'p1')}_op"]) == ["softmax[1]"]


def test_an_input_used_twice_gets_two_edges():
    x = Value(3.0, label="x")
    square = x * x
    groups = svg_groups(draw(square))
    assert edge_number(groups, "e1_0") == ["3.0000"] and edge_number(groups, "e1_1") == ["3.0000"]


def test_a_single_leaf_draws():
    groups = svg_groups(draw(Value(2.5, label="alone")))
    assert texts(groups["v0"]) == ["alone", "2.5000", "grad 0.0000"]


def test_leaves_computed_nodes_and_the_root_have_different_fills(example, order):
    source = draw(example.loss).source

    def fill(label):
        return re.search(rf"\bv{position(order, label)} \[.*?fillcolor=\"(#\w+)\"", source).group(1)

    assert len({fill("w11"), fill("z1"), fill("L")}) == 3


def test_the_calc_graph_example_draws_with_its_names():
    example = calc_graph_example().backward()
    shown = [text for g in svg_groups(draw(example.loss)).values() for text in texts(g)]
    for name in ("w0", "w1", "x1", "w2", "x2", "s", "h", "y", "l"):
        assert name in shown


# ----- highlighting ----------------------------------------------------------------------------


def test_highlight_marks_the_path_from_w11_to_the_loss(example, order):
    w11 = example.nodes()["w11"]
    source = draw(example.loss, highlight=w11).source
    orange, grey = "#ea580c", "#c4c8cf"

    def node_colour(label):
        return re.search(rf"\bv{position(order, label)} \[.*?\bcolor=\"(#\w+)\"", source).group(1)

    for label in ("w11", "z1", "p1", "L"):
        assert node_colour(label) == orange
    # p2 and p3 depend on w11, but reach L only through y2·ln p2 and y3·ln p3, whose
    # local derivatives are y2 = y3 = 0: as on the slides, the one path goes through p1.
    for label in ("v11", "x1", "q1", "h1", "z2", "w12", "p2", "p3"):
        assert node_colour(label) == grey
    z1, h1 = position(order, "z1"), position(order, "h1")
    assert re.search(rf"id=e{z1}_0\b[^\]]*\bcolor=\"{orange}\"|color=\"{orange}\"[^\]]*id=e{z1}_0\b",
                     source)
    assert re.search(rf"color=\"{grey}\"[^\]]*id=e{z1}_2\b|id=e{z1}_2\b[^\]]*color=\"{grey}\"",
                     source)
    assert f"v{h1}" in source


def test_highlighting_a_node_outside_the_graph_is_refused_by_name(example):
    with pytest.raises(ValueError, match="'stranger'.*'L'"):
        draw(example.loss, highlight=Value(1.0, label="stranger"))


def test_groups_may_be_given_as_generators(example, order):
    groups = {name: (node for node in members) for name, members in example.groups.items()}
    assert list(cluster_blocks(draw(example.loss, groups=groups).source)) == SLIDE_BLOCKS


def test_highlight_accepts_several_nodes(example, order):
    w11, v11 = example.nodes()["w11"], example.nodes()["v11"]
    source = draw(example.loss, highlight=[w11, v11]).source
    q1 = position(order, "q1")
    assert re.search(rf"\bv{q1} \[.*?\bcolor=\"#ea580c\"", source)


# ----- automatic clusters from an nn model ------------------------------------------------------


def test_model_layers_become_clusters_with_their_operations_and_activations(example, order):
    blocks = cluster_blocks(draw(example.loss, model=example.model).source)
    # Named as a class reads them, with the letter the slides give each weight matrix.
    assert list(blocks) == ["Layer 1 (V)", "Layer 2 (W)"]
    for label in ("v11", "v32", "q1", "q2", "h1", "h2"):
        assert f"\t\tv{position(order, label)} [" in blocks["Layer 1 (V)"]
    for label in ("w11", "w23", "z1", "z3", "p1", "p3"):
        assert f"\t\tv{position(order, label)} [" in blocks["Layer 2 (W)"]
    assert f"v{position(order, 'L')} [" not in blocks["Layer 2 (W)"]
    assert f"v{position(order, 'x1')} [" not in blocks["Layer 1 (V)"]


def test_model_parameters_have_their_own_fill(example, order):
    source = draw(example.loss, model=example.model).source
    assert re.search(rf"\bv{position(order, 'w11')} \[.*?fillcolor=\"#dcfce7\"", source)
    assert re.search(rf"\bv{position(order, 'x1')} \[.*?fillcolor=\"#dbeafe\"", source)


def test_groups_win_over_model_clusters(example):
    blocks = cluster_blocks(draw(example.loss, groups=example.groups, model=example.model).source)
    assert list(blocks)[: len(SLIDE_BLOCKS)] == SLIDE_BLOCKS


# ----- big graphs ------------------------------------------------------------------------------


def long_chain(length):
    node = Value(0.5, label="x")
    for _ in range(length):
        node = (node * 0.999).tanh()
    node.label = "end"
    node.backward()
    return node


def test_a_graph_over_max_nodes_stops_with_a_message_saying_what_to_do():
    root = long_chain(400)
    with pytest.raises(GraphTooLarge) as caught:
        draw(root)
    message = str(caught.value)
    assert "1201 nodes" in message and "max_nodes=1000" in message
    assert "collapse=True" in message and "outline" in message and "max_nodes=None" in message


def test_a_ten_thousand_node_graph_renders():
    root = long_chain(3334)
    assert len(autograd.topological_order(root)) > 10_000
    groups = svg_groups(draw(root, max_nodes=None))
    assert "v10002" in groups and "v10002_op" in groups and "e10002_0" in groups
    assert texts(groups["v10002"])[0] == "end"


def test_collapse_draws_one_box_per_neuron():
    model = MLP(3, [4, 2])
    outputs = model([0.1, -0.2, 0.3])
    loss = autograd.sum_values(outputs)
    loss.label = "loss"
    loss.backward()
    picture = draw(loss, collapse=True, model=model)
    boxes = re.findall(r"^\t*(v\d+) \[", picture.source, flags=re.MULTILINE)
    # the inputs x1..x3 (each read by all 4 hidden neurons, so a box of its own),
    # 4 hidden neurons, 2 output neurons, the loss; weights are folded in.
    assert len(boxes) == 3 + 4 + 2 + 1
    assert all(name in svg_groups(picture) for name in boxes)


def test_collapse_keeps_a_node_read_by_several_consumers_as_its_own_box(example):
    source = draw(example.loss, collapse=True).source
    assert "<B>z1</B>" in source and "<B>h1</B>" in source


def test_collapse_respects_max_nodes():
    root = autograd.sum_values([Value(float(i)) * Value(1.0) for i in range(30)] * 2)
    with pytest.raises(GraphTooLarge, match="collapsed"):
        draw(root, collapse=True, max_nodes=10)


# ----- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, digits, text",
    [(-0.38349, 4, "-0.3835"), (0.0, 4, "0.0000"), (-0.00001, 4, "-1.00e-05"),
     (2.5e7, 4, "2.50e+07"), (-0.00004, 2, "-4.00e-05"), (float("nan"), 4, "nan"),
     (float("-inf"), 4, "-inf"), (1.0, 0, "1")],
)
def test_numbers_are_formatted_for_reading(number, digits, text):
    assert format_number(number, digits) == text


def test_unlabelled_nodes_show_the_names_the_tables_use():
    a = Value(2.0, label="a")
    product = a * a
    out = product.tanh()
    source = draw(out).source
    # tape(out) rows: a, product (t2), out (t3): the picture must say the same.
    assert ">t2<" in source and ">t3<" in source
