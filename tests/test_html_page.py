"""``visualize.export_html``: the page's content, checked without a browser.

What must hold: one self-contained file (no network, no server); step data
embedded as JSON that no label can break out of; the forward steps in
topological order and the backward steps of ``autograd.backward_steps`` with
the slides' numbers; a fresh backward pass however often the page is made.
The browser-side behaviour is in ``test_html_browser.py``.
"""

import json
import re

import pytest

import autograd
from autograd import Value
from nn.examples import worked_example
from visualize.html import export_html, inline_svg, page_data, script_json

HOSTILE_LABELS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>window.pwned=1</script>",
    "<!-- x --> & \"quotes\" 'single' {braces} |pipe| back\\slash\nnewline",
]


def embedded_data(page):
    """The JSON inside the page's data script, parsed."""
    match = re.search(
        r'<script type="application/json" id="tracegrad-data">(.*?)</script>', page, re.S
    )
    assert match, "the page has no data script"
    return json.loads(match.group(1))


def step_of(data, phase, name):
    return next(
        (number, step)
        for number, step in enumerate(data["steps"])
        if step["phase"] == phase and step["node"] is not None
        and data["nodes"][step["node"]]["name"] == name
    )


@pytest.fixture(scope="module")
def example_page(tmp_path_factory):
    example = worked_example()
    path = export_html(example.loss, tmp_path_factory.mktemp("page") / "worked.html")
    return example, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    a = Value(2.0, label=HOSTILE_LABELS[0])
    b = Value(-3.0, label=HOSTILE_LABELS[1])
    c = a * b
    c.label = HOSTILE_LABELS[2]
    out = c.tanh()
    out.label = "out"
    path = export_html(out, tmp_path_factory.mktemp("hostile") / "hostile.html")
    return path.read_text(encoding="utf-8")


def test_the_page_is_one_file_that_needs_no_network(example_page):
    _, page = example_page
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and "<style>" in page
    assert not re.search(r"<(link|iframe|img|object|embed)\b", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert "http://" not in page.replace("http://www.w3.org/", "")


def test_the_svg_carries_the_agreed_ids(example_page):
    example, page = example_page
    order = autograd.topological_order(example.loss)
    for index, node in enumerate(order):
        assert f'id="v{index}"' in page
        for number in range(len(node.inputs)):
            assert f'id="e{index}_{number}"' in page


def test_forward_steps_follow_the_topological_order_with_the_slides_numbers(example_page):
    example, page = example_page
    data = embedded_data(page)
    order = autograd.topological_order(example.loss)
    forward = [step for step in data["steps"] if step["phase"] == "forward"]
    assert [step["node"] for step in forward] == [
        index for index, node in enumerate(order) if not node.is_leaf
    ]
    _, q1 = step_of(data, "forward", "q1")
    assert q1["lines"][-1] == "= 0.3451"
    _, h2 = step_of(data, "forward", "h2")
    assert h2["lines"] == ["h2 = σ(q2)", "= σ(0.6123)", "= 0.6485"]
    _, loss = step_of(data, "forward", "L")
    assert loss["lines"][-1] == "= 1.0645"


def test_dl_dw11_is_shown_at_the_step_where_it_becomes_final(example_page):
    _, page = example_page
    data = embedded_data(page)
    number, w11 = step_of(data, "backward", "w11")
    assert w11["lines"][0] == "∂L/∂w11 = -0.3835 is final."
    node = data["nodes"][w11["node"]]
    assert node["final"] == number
    assert node["grad"] == "-0.3835"
    # z1 hands w11 its only contribution, so z1's step comes first and shows it.
    z1_number, z1 = step_of(data, "backward", "z1")
    assert z1_number < number
    row = next(row for row in z1["table"]["rows"] if row[0] == "w11")
    assert row[1:] == ["0.5854", "-0.6551", "-0.3835", "-0.3835"]


def test_each_backward_step_lists_local_times_upstream_per_edge(example_page):
    example, page = example_page
    data = embedded_data(page)
    _, p1 = step_of(data, "backward", "p1")
    assert p1["lines"][0] == "∂L/∂p1 = -2.8995 is final."
    assert p1["table"]["header"][1:3] == ["∂p1/∂input", "× ∂L/∂p1"]
    assert p1["table"]["rows"][0][:2] == ["z1", "0.2259"]
    backward = [step for step in data["steps"] if step["phase"] == "backward"]
    # one step per node that gets a gradient: the labels y1..y3 are constants and get none
    assert len(backward) == sum(not node.is_constant for node in autograd.topological_order(example.loss))
    assert backward[0]["node"] == len(data["nodes"]) - 1  # the root comes first


def test_clicking_a_node_has_its_chain_rule_explanation_to_show(example_page):
    _, page = example_page
    data = embedded_data(page)
    w11 = next(node for node in data["nodes"] if node["name"] == "w11")
    assert "∂p1/∂z1 · ∂z1/∂w11" in w11["explanation"]
    assert "(0.2259)(0.5854)" in w11["explanation"]
    v11 = next(node for node in data["nodes"] if node["name"] == "v11")
    assert "3 paths" in v11["explanation"]


def test_making_the_page_twice_does_not_double_the_gradients(tmp_path):
    example = worked_example()
    export_html(example.loss, tmp_path / "first.html")
    export_html(example.loss, tmp_path / "second.html")
    assert example.W[0][0].grad == pytest.approx(-0.3835, abs=5e-5)
    assert embedded_data((tmp_path / "second.html").read_text())["nodes"] == embedded_data(
        (tmp_path / "first.html").read_text()
    )["nodes"]


def test_hostile_labels_stay_inside_the_json_and_round_trip(hostile_page):
    assert len(re.findall(r"<script", hostile_page, re.I)) == 2
    assert len(re.findall(r"</script", hostile_page, re.I)) == 2
    assert not re.search(r"<img", hostile_page, re.I)
    assert "<!-- x -->" not in hostile_page
    names = {node["name"] for node in embedded_data(hostile_page)["nodes"]}
    assert set(HOSTILE_LABELS[:2]) <= names


def test_script_json_escapes_everything_that_could_end_a_script():
    text = script_json({"label": "</script><!--<script>&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"label": "</script><!--<script>&\u2028"}


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><g onclick="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><text>broken</svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><img xmlns="http://www.w3.org/1999/xhtml"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<a x:href="javascript:alert(1)"/></svg>',
    ],
)
def test_an_svg_that_could_run_code_is_refused(svg):
    with pytest.raises(ValueError, match="export_html"):
        inline_svg(svg)


def test_inline_svg_drops_the_xml_prolog():
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"/>'
    assert inline_svg(svg) == '<svg xmlns="http://www.w3.org/2000/svg"/>'


def test_a_root_that_is_not_a_value_is_a_clear_error(tmp_path):
    with pytest.raises(TypeError, match="export_html: root must be an autograd.Value"):
        export_html(3.0, tmp_path / "page.html")


def test_page_data_of_a_single_leaf_is_start_one_backward_step_and_done():
    data = page_data(Value(1.5, label="x"))
    assert [step["phase"] for step in data["steps"]] == ["start", "backward", "done"]
    assert data["steps"][1]["lines"][0] == "∂x/∂x = 1.0000 is final."


def test_a_graph_too_big_to_read_is_refused_with_drawings_message(tmp_path):
    from visualize.draw import GraphTooLarge

    total = autograd.sum_values([Value(float(k)) for k in range(12)])
    with pytest.raises(GraphTooLarge, match="max_nodes=10"):
        export_html(total, tmp_path / "big.html", max_nodes=10)
    assert not (tmp_path / "big.html").exists()


def test_forward_lines_write_each_operation_the_way_a_blackboard_does():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    cases = {
        "product": (a * b, ["product = a × b", "= 2.0000 × 3.0000", "= 6.0000"]),
        "square": (a**2, ["square = a^2", "= 2.0000^2", "= 4.0000"]),
        "power": (a**b, ["power = a^b", "= 2.0000^3.0000", "= 8.0000"]),
        "negative": (-b, ["negative = −b", "= −3.0000", "= -3.0000"]),
        "squash": (b.sigmoid(), ["squash = σ(b)", "= σ(3.0000)", "= 0.9526"]),
        "total": (
            autograd.sum_values([a, b, a]),
            ["total = a + b + a", "= 2.0000 + 3.0000 + 2.0000", "= 7.0000"],
        ),
    }
    for label, (node, expected) in cases.items():
        node.label = label
        forward = [step for step in page_data(node)["steps"] if step["phase"] == "forward"]
        assert forward[-1]["lines"] == expected, label


def test_a_hostile_title_is_escaped(tmp_path):
    path = export_html(Value(1.0, label="x"), tmp_path / "t.html", title="<b>bold</b> & co")
    page = path.read_text()
    assert "<title>&lt;b&gt;bold&lt;/b&gt; &amp; co</title>" in page
    assert "<b>" not in page
