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
    # With the model the page knows the parameters: they lead the steps where leaves become final.
    path = export_html(example.loss, tmp_path_factory.mktemp("page") / "worked.html",
                       groups=example.groups, model=example.model)
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


def test_forward_steps_go_block_by_block_as_the_slides_do(example_page):
    example, page = example_page
    data = embedded_data(page)
    forward = [data["nodes"][step["node"]]["name"] for step in data["steps"]
               if step["phase"] == "forward"]
    # all of Linear Q, then Hidden H, Logits Z, Probs P: not depth-first (q1, h1, q2, h2)
    assert forward == ["q1", "q2", "h1", "h2", "z1", "z2", "z3", "p1", "p2", "p3", "L"]
    _, q1 = step_of(data, "forward", "q1")
    assert q1["lines"][-1] == "= 0.3451"
    assert q1["tag"] == "Forward 1 of 11 · Linear Q"
    _, h2 = step_of(data, "forward", "h2")
    assert h2["lines"] == ["h2 = σ(q2)", "= σ(0.6123)", "= 0.6485"]
    _, loss = step_of(data, "forward", "L")
    assert loss["lines"][0] == "L = −(y1·ln p1 + y2·ln p2 + y3·ln p3)"
    assert loss["lines"][-1] == "= 1.0645"


def test_a_plain_graph_goes_forward_by_depth():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    left = (a * b).tanh()
    right = (a + b).tanh()
    a_b, a_plus_b = left.inputs[0], right.inputs[0]
    a_b.label, a_plus_b.label, left.label, right.label = "ab", "a+b", "left", "right"
    total = left + right
    total.label = "total"
    data = page_data(total)
    forward = [data["nodes"][step["node"]]["name"] for step in data["steps"]
               if step["phase"] == "forward"]
    assert forward == ["ab", "a+b", "left", "right", "total"]


def test_softmax_is_written_as_exp_over_the_sum_of_exps(example_page):
    _, page = example_page
    _, p1 = step_of(embedded_data(page), "forward", "p1")
    assert p1["lines"] == [
        "p1 = exp(z1) / (exp(z1) + exp(z2) + exp(z3))",
        "= exp(0.6969) / (exp(0.6969) + exp(0.7510) + exp(0.5272))",
        "= 0.3449",
    ]


def test_dl_dw11_is_shown_with_its_chain_rule_at_the_step_where_it_becomes_final(example_page):
    _, page = example_page
    data = embedded_data(page)
    number, final = next((number, step) for number, step in enumerate(data["steps"])
                         if step["phase"] == "final" and step["title"].startswith("w11"))
    assert final["title"] == "w11, w21: gradients final"
    # numbered as steps() and frames() number the two leaves' steps
    assert final["tag"] == "Backward steps 12–13 of 26"
    assert final["lines"][0] == "∂L/∂w11 = -0.3835"
    (path,) = final["chains"][0]["paths"]
    assert path["symbols"] == "∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11"
    assert path["numbers"] == "(-2.8995)(0.2259)(0.5854)" and path["product"] == "-0.3835"
    names = [data["nodes"][index]["name"] for index in path["nodes"]]
    assert names == ["L", "p1", "z1", "w11"]
    node = data["nodes"][final["node"]]
    assert node["name"] == "w11" and node["final"] == number and node["grad"] == "-0.3835"
    # z1 hands w11 its only contribution, so z1's step comes first and shows it.
    z1_number, z1 = step_of(data, "backward", "z1")
    assert z1_number == number - 1
    row = next(row for row in z1["table"]["rows"] if row[0] == "w11")
    assert row[1:] == ["0.5854", "-0.6551", "-0.3835", "-0.3835"]


def test_v11_has_three_paths_through_z1_z2_and_z3(example_page):
    _, page = example_page
    data = embedded_data(page)
    final = next(step for step in data["steps"] if step["phase"] == "final"
                 and step["title"].startswith("v11"))
    chain = final["chains"][0]
    assert chain["gradient"] == "∂L/∂v11" and len(chain["paths"]) == 3
    through = {data["nodes"][path["nodes"][2]]["name"] for path in chain["paths"]}
    assert through == {"z1", "z2", "z3"}


def test_no_step_is_a_leaf_alone_and_constants_get_none(example_page):
    example, page = example_page
    data = embedded_data(page)
    backward = [step for step in data["steps"] if step["phase"] in ("backward", "final")]
    operations = [node for node in autograd.topological_order(example.loss) if not node.is_leaf]
    # one step per operation and one per group of leaves final together: w13 w23 (after
    # z3), w12 w22, w11 w21, v12 v22 v32 (after q2), v11 v21 v31 x1 x2 x3 (after q1)
    assert len(backward) == len(operations) + 5
    assert not any("is a leaf" in step["title"] for step in backward)
    finals = [data["nodes"][index]["name"] for step in backward for index in step["final"]]
    assert sorted(finals) == sorted(node["name"] for node in data["nodes"]
                                    if node["grad"] is not None)
    assert not {"y1", "y2", "y3"} & set(finals)
    assert backward[0]["node"] == len(data["nodes"]) - 1  # the root comes first


def test_each_backward_step_lists_local_times_upstream_per_edge(example_page):
    _, page = example_page
    data = embedded_data(page)
    _, p1 = step_of(data, "backward", "p1")
    assert p1["lines"][0] == "∂L/∂p1 = -2.8995 is final."
    assert p1["table"]["header"][1:3] == ["∂p1/∂input", "× ∂L/∂p1"]
    assert p1["table"]["rows"][0][:2] == ["z1", "0.2259"]


def test_the_update_applies_the_slides_rule_per_parameter_and_as_matrices(tmp_path):
    example = worked_example()
    path = export_html(example.loss, tmp_path / "update.html", groups=example.groups,
                       model=example.model, learning_rate=0.5)
    data = embedded_data(path.read_text(encoding="utf-8"))
    updates = [step for step in data["steps"] if step["phase"] == "update"]
    assert [step["title"] for step in updates] == ["Apply the gradients: Weights V",
                                                   "Apply the gradients: Weights W"]
    weights_w = updates[1]
    assert weights_w["lines"] == ["θ ← θ − η·∂L/∂θ with η = 0.5"]
    assert weights_w["updates"][0]["line"] == "w11: 0.4901 − 0.5·(-0.3835) = 0.6819"
    before, after = weights_w["matrices"]
    assert before["rows"][0] == ["0.4901", "0.8964", "0.4556"]
    assert after["rows"][0][0] == "0.6819" and len(after["rows"]) == 2
    assert len(updates[0]["matrices"][1]["rows"]) == 3  # V is 3 × 2 on the slides
    w11 = next(node for node in data["nodes"] if node["name"] == "w11")
    assert w11["updated"] == "0.6819"
    stepped = example.step(0.5)
    assert float(w11["updated"]) == pytest.approx(stepped.W[0][0], abs=5e-5)
    assert data["steps"][-1]["phase"] == "done"


def test_without_a_learning_rate_there_is_no_update_and_a_bad_one_is_refused(tmp_path):
    data = page_data(Value(1.5, label="x"))
    assert not any(step["phase"] == "update" for step in data["steps"])
    for bad in (0, -0.5, float("nan"), True, "0.5"):
        with pytest.raises(ValueError, match="export_html: learning_rate"):
            export_html(Value(1.5, label="x"), tmp_path / "bad.html", learning_rate=bad)
    assert not (tmp_path / "bad.html").exists()


def test_predict_mode_asks_every_value_local_derivative_and_final_gradient(example_page):
    _, page = example_page
    data = embedded_data(page)
    _, z1 = step_of(data, "backward", "z1")
    prompts = [question["prompt"] for question in z1["questions"]]
    assert prompts == ["∂L/∂z1 = ?", "∂z1/∂w11 = ?", "∂z1/∂w21 = ?", "∂z1/∂h1 = ?",
                       "∂z1/∂h2 = ?"]
    final = next(step for step in data["steps"] if step["title"].startswith("w11"))
    w11 = final["questions"][0]
    assert w11["prompt"] == "∂L/∂w11 = ?" and w11["text"] == "-0.3835"
    assert abs(-0.3835 - w11["answer"]) <= w11["tolerance"] < abs(-0.38 - w11["answer"])
    assert w11["toleranceText"] == "±0.00019"
    assert [factor["symbol"] for factor in w11["chain"]["paths"][0]["factors"]] == [
        "∂L/∂p1", "∂p1/∂z1", "∂z1/∂w11"]
    _, q1 = step_of(data, "forward", "q1")
    assert q1["questions"][0]["answer"] == pytest.approx(0.3451, abs=5e-5)


def test_step_numbers_agree_with_steps_and_frames(tmp_path):
    from visualize import frames, steps, view

    example = worked_example()
    shown = view(example.loss, groups=example.groups)
    w11 = example.W[0][0]
    number = next(step.number for step in steps(example.loss) if step.node is w11)
    assert number == 12
    paths = frames(shown, tmp_path / "frames", format="svg")
    assert f"Backward step {number} of 26" in paths[number - 1].read_text(encoding="utf-8")
    assert paths[number - 1].name == f"step_{number:03d}.svg"
    data = page_data(shown)
    assert any(step["tag"] == "Backward steps 12–13 of 26" and step["title"].startswith("w11")
               for step in data["steps"])


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
    assert [step["phase"] for step in data["steps"]] == ["start", "final", "done"]
    assert data["steps"][1]["lines"][0] == "∂x/∂x = 1.0000"
    assert data["steps"][1]["tag"] == "Backward step 1 of 1"


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
        "square": (a**2, ["square = a²", "= 2.0000²", "= 4.0000"]),
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
