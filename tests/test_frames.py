"""``visualize.frames``: one picture per backward step, ready for slides and animations.

Frame k is the graph right after step k of ``autograd.backward_steps``: the node
whose gradient just became final and the edges carrying it back are orange, the
inputs receiving a share are blue, nodes still accumulating are grey, and the
layout does not move from frame to frame.
"""

import re
import xml.etree.ElementTree as ElementTree

import pytest

import autograd
from autograd import Value
from nn.examples import worked_example
from visualize.draw import GRADIENT_COLOUR
from visualize.draw import draw
from visualize.frames import CURRENT, RECEIVING, WAITING, frames
from visualize.render import render
from visualize.view import view

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def worked_frames(tmp_path_factory):
    example = worked_example()
    folder = tmp_path_factory.mktemp("frames")
    paths = frames(example.loss, folder, format="svg", groups=example.groups)
    return example, paths


def group(svg_text, element_id):
    """The SVG group with ``element_id``, as text."""
    tree = ElementTree.fromstring(svg_text)
    found = next(element for element in tree.iter(f"{SVG}g") if element.get("id") == element_id)
    return ElementTree.tostring(found, encoding="unicode")


def caption(svg_text):
    """The frame's caption: the text pinned above the drawing."""
    tree = ElementTree.fromstring(svg_text)
    found = next(element for element in tree.iter(f"{SVG}g") if element.get("id") == "caption")
    return " ".join(element.text for element in found.iter(f"{SVG}text"))


def texts_of(group_text):
    element = ElementTree.fromstring(group_text)
    return ["".join(text.itertext()) for text in element.iter(f"{SVG}text")]


def node_rows(svg_text):
    """{node id: y of its outline}: where each value node sits vertically."""
    outline = (
        r'<g id="(v\d+)" class="node">\s*<title>[^<]*</title>'
        r'\s*<path[^>]* d="M[\d.-]+,([\d.-]+)'
    )
    return dict(re.findall(outline, svg_text))


def test_one_sortable_file_per_backward_step(worked_frames):
    example, paths = worked_frames
    # one step per node that gets a gradient: the labels y are constants and get none
    steps = sum(not node.is_constant for node in autograd.topological_order(example.loss))
    assert len(paths) == steps
    # named by the step numbers steps() prints, counted from 1
    assert [path.name for path in paths] == [f"step_{k:03d}.svg" for k in range(1, steps + 1)]
    assert sorted(paths) == paths
    assert all(path.exists() for path in paths)


def test_the_frame_where_w11_becomes_final_highlights_it_and_says_its_gradient(worked_frames):
    example, paths = worked_frames
    order = autograd.topological_order(example.loss)
    w11 = example.W[0][0]
    steps = list(autograd.backward_steps(example.loss))
    number = next(step.index for step in steps if step.node is w11)
    text = paths[number].read_text()
    assert "∂L/∂w11 = -0.3835 is final (a leaf)" in caption(text)
    assert CURRENT in group(text, f"v{order.index(w11)}")


def test_current_node_edges_and_receiving_inputs_are_coloured(worked_frames):
    example, paths = worked_frames
    order = autograd.topological_order(example.loss)
    z1 = example.z[0]
    z1_step = next(step for step in autograd.backward_steps(example.loss) if step.node is z1)
    text = paths[z1_step.index].read_text()
    index = order.index(z1)
    assert "∂L/∂z1 = -0.6551 is final; passed back to w11, w21, h1, h2" in caption(text)
    assert CURRENT in group(text, f"v{index}") and CURRENT in group(text, f"v{index}_op")
    for number, source in enumerate(z1.inputs):
        assert CURRENT in group(text, f"e{index}_{number}")
        assert RECEIVING in group(text, f"v{order.index(source)}")
    assert CURRENT not in group(text, f"e{order.index(example.z[1])}_0")


def test_only_final_gradients_are_drawn_in_the_gradient_colour(worked_frames):
    example, paths = worked_frames
    order = autograd.topological_order(example.loss)
    first = paths[0].read_text()  # only the root is final
    root_index = len(order) - 1
    assert GRADIENT_COLOUR in group(first, f"v{root_index}")
    # the labels y are constants: they never wait for a gradient (how they look is the views' choice)
    waiting = [index for index in range(root_index) if not order[index].is_constant]
    for index in range(root_index):
        assert GRADIENT_COLOUR not in group(first, f"v{index}")
    for index in waiting:
        assert WAITING in group(first, f"v{index}")
    last = paths[-1].read_text()
    assert all(WAITING not in group(last, f"v{index}") for index in waiting)


def test_the_layout_does_not_jump_between_frames(worked_frames):
    _, paths = worked_frames
    rows = [node_rows(path.read_text()) for path in paths]
    assert len(rows[0]) > 20
    assert all(row == rows[0] for row in rows)


def test_png_is_the_default_format(tmp_path):
    a = Value(2.0, label="a")
    out = (a * a).tanh()
    paths = frames(out, tmp_path / "png")
    assert [path.suffix for path in paths] == [".png"] * 3
    assert all(path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for path in paths)


def test_hostile_labels_are_drawn_as_text(tmp_path):
    hostile = Value(1.0, label="<img src=x onerror=alert(1)> \\ \"q\" {|}")
    out = hostile * Value(3.0, label="</script>")
    (path,) = [frames(out, tmp_path, format="svg")[-1]]
    tree = ElementTree.fromstring(path.read_text())
    texts = " ".join(element.text or "" for element in tree.iter(f"{SVG}text"))
    assert "<img src=x onerror=alert(1)>" in texts and "</script>" in texts
    assert not [element for element in tree.iter() if element.tag.endswith(("img", "script"))]


def test_frames_leave_the_gradients_of_one_fresh_backward_pass(tmp_path):
    example = worked_example()
    frames(example.loss, tmp_path / "once", format="svg")
    frames(example.loss, tmp_path / "twice", format="svg")
    assert example.W[0][0].grad == pytest.approx(-0.38352, abs=1e-5)


def test_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="frames: format must be one of png, svg"):
        frames(Value(1.0), tmp_path, format="gif")
    with pytest.raises(TypeError, match="frames: root must be an autograd.Value"):
        frames(1.0, tmp_path)


def test_a_graph_with_more_steps_than_max_frames_is_refused_before_drawing(tmp_path):
    total = Value(0.0, label="total")
    for k in range(5):
        total = total + Value(float(k))
    refusal = "frames: .* 11 nodes with a gradient, so 11 frames, more than max_frames=10"
    with pytest.raises(ValueError, match=refusal):
        frames(total, tmp_path / "many", max_frames=10)
    assert not (tmp_path / "many").exists()


def svg_size(svg_text):
    tree = ElementTree.fromstring(svg_text)
    return tree.get("width"), tree.get("height"), tree.get("viewBox")


def test_every_frame_has_the_same_size(worked_frames):
    _, paths = worked_frames
    sizes = {svg_size(path.read_text()) for path in paths}
    assert len(sizes) == 1


def test_png_frames_have_identical_pixel_dimensions(tmp_path):
    example = worked_example()
    paths = frames(example.loss, tmp_path, groups=example.groups)
    # Width and height sit at bytes 16-24 of a PNG's header chunk.
    assert len({path.read_bytes()[16:24] for path in paths}) == 1


def test_frames_and_the_drawing_of_one_view_put_every_box_in_the_same_place(tmp_path):
    example = worked_example()
    shown = view(example.loss, groups=example.groups)
    paths = frames(shown, tmp_path, format="svg")
    drawn = render(draw(shown)).decode()
    assert node_rows(paths[5].read_text()) == node_rows(drawn)


def test_constants_get_no_frame_and_no_gradient_line(tmp_path):
    x = Value(3.0, label="x")
    out = 2 * x
    out.label = "out"
    paths = frames(out, tmp_path, format="svg")
    assert len(paths) == 2  # out, then x: the 2 has no gradient to become final
    constant = "v0"  # the 2 comes first in forward order
    assert autograd.topological_order(out)[0].is_constant
    assert not any("grad" in text for text in texts_of(group(paths[-1].read_text(), constant)))
