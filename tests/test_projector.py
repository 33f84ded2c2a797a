"""Pictures for a projector: ``size="1280x720"`` or ``"1920x1080"`` fills the target and keeps
text readable, or says plainly that the graph holds too much for it.

Sizes are read from what Graphviz drew: at 96 dpi one SVG unit of a projector picture is
one pixel of its PNG, and the graph's ``scale(...)`` transform grows every font.
"""

import re
import struct
import warnings

import pytest

from nn.examples import calc_graph_example, worked_example
from visualize import draw, frames, render, view
from visualize.theme import MINIMUM_EDGE_LABEL_PIXELS, MINIMUM_NODE_PIXELS, Theme

TARGETS = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def drawn_text_pixels(svg):
    """{"node": smallest text of value boxes and operations, "edge": smallest edge number}, in px.

    Edge numbers stand on cards of their own, nodes with ids ``e<node>_<input>_label``.
    """
    scale = float(re.search(r'transform="scale\(([\d.]+)', svg).group(1))
    smallest = {}
    for name, body in re.findall(r'<g id="([^"]*)" class="node">(.*?)</g>', svg, re.S):
        if not re.fullmatch(r"v\d+(_op)?|e\d+_\d+_label", name):
            continue  # the legend and captions are not part of the graph
        kind = "edge" if name.endswith("_label") else "node"
        for size in re.findall(r'font-size="([\d.]+)"', body):
            pixels = float(size) * scale
            smallest[kind] = min(smallest.get(kind, pixels), pixels)
    return smallest


def calc_graph_view(size):
    shown = view(calc_graph_example().loss, size=size)
    shown.run_backward()
    return shown


@pytest.mark.parametrize("size", TARGETS)
def test_a_projector_picture_fills_its_target(size, tmp_path):
    width, height = TARGETS[size]
    png = render(draw(calc_graph_view(size)), tmp_path / "calc.png", format="png")
    drawn_width, drawn_height = png_size(png)
    assert drawn_width <= width and drawn_height <= height
    assert drawn_width == width or drawn_height == height


@pytest.mark.parametrize("size", TARGETS)
def test_the_calc_graph_on_a_projector_has_text_no_smaller_than_the_floor(size):
    grow = TARGETS[size][1] / 720
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a readable picture raises no warning
        svg = draw(calc_graph_view(size)).pipe(format="svg").decode()
    pixels = drawn_text_pixels(svg)
    assert pixels["node"] >= MINIMUM_NODE_PIXELS * grow
    assert pixels["edge"] >= MINIMUM_EDGE_LABEL_PIXELS * grow
    assert pixels["node"] >= pixels["edge"]  # node text never smaller than the numbers beside it


def test_a_graph_too_big_for_the_target_says_so_and_what_to_do():
    example = worked_example()
    shown = view(example.loss, groups=example.groups, size="1280x720")
    shown.run_backward()
    with pytest.warns(UserWarning, match=r"at 1280×720 this graph's text is \d+ px in boxes and "
                                         r"\d+ px on edges, under the 16 px / 14 px") as caught:
        draw(shown, mode="backward")
    assert "edge_labels=False" in str(caught[0].message)


def test_a_forward_picture_warns_only_about_what_it_draws():
    example = worked_example()
    shown = view(example.loss, groups=example.groups, size="1280x720")
    with pytest.warns(UserWarning) as caught:
        draw(shown, mode="forward")
    message = str(caught[0].message)
    assert "px on edges" not in message and "edge_labels" not in message


def test_projector_frames_all_have_the_target_size(tmp_path):
    shown = calc_graph_view("1280x720")
    sizes = {png_size(path) for path in frames(shown, tmp_path)}
    assert len(sizes) == 1
    (width, height), = sizes
    assert width <= 1280 and height <= 720 and (width == 1280 or height == 720)


def test_a_theme_may_not_write_an_operation_smaller_than_edge_numbers():
    with pytest.raises(ValueError, match="long_operation_font must be at least edge_label_font"):
        Theme(long_operation_font=9.0, edge_label_font=10.0)


@pytest.mark.parametrize("size", ["800", "0x0", "1280x720x2", (1280,), (True, 720), 1280])
def test_a_size_that_is_not_a_picture_size_is_refused_naming_draw(size):
    with pytest.raises(ValueError, match=r"draw: size must be None, 'WIDTHxHEIGHT'"):
        draw(calc_graph_example().loss, size=size)
