"""Pictures read like the lecture, checked from where Graphviz drew things (the SVG).

The slides print V and W as matrices and z1, z2, z3 in order: every block of the
worked example and of the calculation graph lists its rows top to bottom in
that order, row-major. Inputs stand just left of the operations that read
them, edges cross no more than the slides' order forces, forward pictures carry
no local derivatives, backward pictures explain them in a legend, and
constants are drawn as data.
"""

import xml.etree.ElementTree as ElementTree

import pytest
from svg_geometry import SVG, crossings, node_boxes, node_centres, rows

import autograd
from autograd import Value
from nn.examples import calc_graph_example, worked_example
from visualize import draw, render
from visualize.theme import CONSTANT_FILL, INPUT_FILL, PARAMETER_FILL

WORKED_ROWS = {
    "Inputs X": ["x1", "x2", "x3"],
    "Weights V": ["v11", "v12", "v21", "v22", "v31", "v32"],
    "Linear Q": ["q1", "q2"],
    "Hidden H": ["h1", "h2"],
    "Weights W": ["w11", "w12", "w13", "w21", "w22", "w23"],
    "Logits Z": ["z1", "z2", "z3"],
    "Probs P": ["p1", "p2", "p3"],
    "Labels Y": ["y1", "y2", "y3"],
}
CALC_ROWS = {
    "Inputs X": ["x1", "x2"],
    "Weights": ["w0", "w1", "w2"],
    "Products": ["w1x1", "w2x2"],
}


def svg_of(root, **options) -> str:
    return render(draw(root, **options)).decode("utf-8")


def ids_by_label(root) -> dict[str, str]:
    return {node.label: f"v{i}" for i, node in enumerate(autograd.topological_order(root))
            if node.label is not None}


@pytest.fixture(scope="module")
def worked():
    example = worked_example(backward=True)
    return example, svg_of(example.loss, groups=example.groups)


@pytest.fixture(scope="module")
def calc():
    example = calc_graph_example(backward=True)
    return example, svg_of(example.loss, groups=example.groups)


def assert_rows_in_order(drawn, labels):
    """The nodes ``labels`` name are drawn in one column, top to bottom in that order."""
    example, svg = drawn
    ids = ids_by_label(example.loss)
    wanted = [ids[label] for label in labels]
    assert rows(svg, wanted) == wanted
    centres = node_centres(svg)
    assert len({round(centres[name][0]) for name in wanted}) == 1


@pytest.mark.parametrize("block", WORKED_ROWS)
def test_every_block_of_the_worked_example_reads_in_the_slides_order(worked, block):
    assert_rows_in_order(worked, WORKED_ROWS[block])


@pytest.mark.parametrize("block", CALC_ROWS)
def test_every_block_of_the_calc_graph_reads_in_the_slides_order(calc, block):
    assert_rows_in_order(calc, CALC_ROWS[block])


def test_each_value_sits_level_with_its_operation(worked):
    example, svg = worked
    centres = node_centres(svg)
    for i, node in enumerate(autograd.topological_order(example.loss)):
        if not node.is_leaf:
            assert centres[f"v{i}"][1] == pytest.approx(centres[f"v{i}_op"][1], abs=0.5)


def test_inputs_stand_just_left_of_the_operation_that_reads_them(worked):
    example, svg = worked
    boxes = node_boxes(svg)
    order = autograd.topological_order(example.loss)
    for i, node in enumerate(order):
        if not node.is_leaf:
            continue
        reader = next(j for j, other in enumerate(order) if node in other.inputs)
        right, left = boxes[f"v{i}"][2], boxes[f"v{reader}_op"][0]
        assert right < left
        between = [name for name, box in boxes.items() if name.startswith("v")
                   and right < (box[0] + box[2]) / 2 < left]
        assert between == [], f"{node.label}: {between} stand between it and its operation"


def test_the_worked_example_has_only_the_crossings_the_slides_order_forces(worked):
    example, svg = worked
    # Forced: z→softmax is complete (3·3 = 9); x1..x3 to both q (3) stacked over V (9);
    # h1, h2 to every z (3) stacked over W (12); row-major V and W interleave (3 + 3).
    assert crossings(svg, example.loss) == 9 + 3 + 9 + 3 + 12 + 3 + 3


def test_the_calc_graph_crosses_once_where_its_blocks_force_it(calc):
    example, svg = calc
    # Weights w0 w1 w2 stacked over x1 x2: w2·x2 and w1·x1 cannot both stay level.
    assert crossings(svg, example.loss) == 1
    assert crossings(svg_of(example.loss), example.loss) == 0


def test_a_plain_graph_is_laid_out_by_depth_without_crossings():
    a, b, c, d = (Value(float(k), label=name) for k, name in enumerate("abcd", start=1))
    out = (a * b).tanh() * (c + d).sigmoid()
    out.label = "out"
    svg = svg_of(out)
    assert crossings(svg, out) == 0
    centres = node_centres(svg)
    ids = ids_by_label(out)
    assert centres[ids["a"]][0] == centres[ids["d"]][0] < centres[ids["out"]][0]


# ----- edge numbers --------------------------------------------------------------------


def edge_texts(svg: str) -> list[str]:
    tree = ElementTree.fromstring(svg)
    found = []
    for group in tree.iter(f"{SVG}g"):
        name = group.get("id") or ""
        if group.get("class") == "edge" or name.endswith("_label"):
            found += ["".join(text.itertext()) for text in group.iter(f"{SVG}text")]
    return found


def test_forward_pictures_carry_no_local_derivatives(worked):
    example, _ = worked
    svg = svg_of(example.loss, mode="forward", groups=example.groups)
    assert edge_texts(svg) == []
    assert "local derivatives" not in svg


def test_forward_pictures_show_them_when_asked(worked):
    example, _ = worked
    svg = svg_of(example.loss, mode="forward", groups=example.groups, edge_labels=True)
    assert "0.5854" in edge_texts(svg)


def test_backward_pictures_say_what_the_edge_numbers_are(worked):
    example, svg = worked
    legend = next(group for group in ElementTree.fromstring(svg).iter(f"{SVG}g")
                  if group.get("id") == "legend")
    text = " ".join("".join(element.itertext()) for element in legend.iter(f"{SVG}text"))
    assert "local derivatives ∂out/∂in" in text and "∂L/∂node" in text


def test_each_edge_number_sits_on_its_own_edge_and_clear_of_the_others(worked):
    example, svg = worked
    boxes = node_boxes(svg)
    cards = {name: box for name, box in boxes.items() if name.endswith("_label")}
    edges = {group.get("id"): group for group in ElementTree.fromstring(svg).iter(f"{SVG}g")
             if group.get("class") == "edge"}
    order = autograd.topological_order(example.loss)
    # Every edge that carries a derivative has its card (edges toward constants carry none).
    assert len(cards) == sum(local is not None for node in order for _, local in node.edges)
    for name, (left, top, right, bottom) in cards.items():
        path = edges[name.removesuffix("_label")].find(f"{SVG}path").get("d")
        # The curve passes through its card (the card is drawn on it).
        curve = [float(number) for number in path.replace("M", " ").replace("C", " ")
                 .replace(",", " ").split()]
        points = list(zip(curve[0::2], curve[1::2]))
        assert min(x for x, _ in points) < (left + right) / 2 < max(x for x, _ in points)
        for other, (left2, top2, right2, bottom2) in boxes.items():
            if other != name:
                overlaps = left < right2 and left2 < right and top < bottom2 and top2 < bottom
                assert not overlaps, f"{name} overlaps {other}"


# ----- constants ---------------------------------------------------------------------------


def test_constants_are_drawn_as_data_with_no_gradient():
    x = Value(3.0, label="x")
    y = 1 - (2 * x).sigmoid()
    y.label = "y"
    y.backward()
    order = autograd.topological_order(y)
    svg = ElementTree.fromstring(svg_of(y))
    groups = {group.get("id"): group for group in svg.iter(f"{SVG}g")}
    constants = [i for i, node in enumerate(order) if node.is_constant]
    assert len(constants) == 2
    for i in constants:
        texts = ["".join(text.itertext()) for text in groups[f"v{i}"].iter(f"{SVG}text")]
        assert texts == [f"{order[i].data:.4f}"]  # the number only: no name, no gradient
        shape = groups[f"v{i}"].find(f"{SVG}polygon")
        assert shape is not None and shape.get("fill") == CONSTANT_FILL
    assert CONSTANT_FILL not in (INPUT_FILL, PARAMETER_FILL)
    # The edge toward a constant carries no derivative: nothing flows there.
    two = order[constants[0]]
    product = next(j for j, node in enumerate(order) if two in node.inputs)
    assert f"e{product}_0_label" not in groups
