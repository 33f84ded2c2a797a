"""``visualize.export_html`` in a real browser: Debian's chromium driven by Playwright.

The page of the slides' worked example is opened from ``file://`` at the two
projector sizes (1280×720, 1920×1080) and a phone held sideways, and stepped
through with the keyboard and the buttons. It must open at a readable size
(node text of at least 14 CSS px) with no panel content cut off, go forward
block by block with softmax as exp/Σexp, show w11's chain rule (−0.3835) and
path the step w11 becomes final and v11's three paths, have no step for a leaf
alone, apply the update (w11 → 0.6819), grade predictions (−0.3835 right,
−0.38 wrong with a hint), and show hostile labels as text without running them.
Screenshots go to the test's temporary folder, and to ``PAGE_SHOTS`` when that
environment variable names a folder, for a human to look at.
"""

import pathlib

import pytest
from conftest import shoot

import autograd
from autograd import Value
from nn.examples import worked_example
from visualize.html import export_html

SIZES = [(1280, 720), (1920, 1080)]
PHONE_SIDEWAYS = (844, 390)
# The page promises node text of at least this many CSS px at its default view.
READABLE_FLOOR = 14
IMAGE_LABEL = "<img src=x onerror=alert(1)>"
SCRIPT_LABEL = "</script><script>window.pwned=1</script>"


@pytest.fixture(scope="module")
def worked_page(tmp_path_factory):
    """The CLI's page of the worked example: blocks, the model's parameters, η = 0.5."""
    example = worked_example()
    path = export_html(example.loss, tmp_path_factory.mktemp("page") / "worked.html",
                       groups=example.groups, model=example.model, learning_rate=0.5)
    order = autograd.topological_order(example.loss)
    ids = {node.label: f"v{index}" for index, node in enumerate(order) if node.label}
    return path, ids


def counter(page):
    current, _, last = page.inner_text("#counter").partition(" / ")
    return int(current), int(last)


def has_class(page, element_id, name):
    return name in (page.get_attribute(f"#{element_id}", "class") or "").split()


def node_text_pixels(page, element_id):
    """(font size, box height) in CSS px of the first text line of a node's box, as drawn."""
    return page.evaluate(
        """(name) => {
            const text = document.querySelector("#" + name + " text");
            const size = parseFloat(text.getAttribute("font-size")) * text.getScreenCTM().a;
            return [size, text.getBoundingClientRect().height];
        }""",
        element_id,
    )


def clipped_in_panel(page):
    """Descriptions of panel elements that stick out of the panel sideways (none may)."""
    return page.evaluate(
        """() => {
            const panel = document.querySelector("aside");
            const edge = panel.getBoundingClientRect();
            const out = [];
            if (panel.scrollWidth > panel.clientWidth + 1) { out.push("panel scrolls sideways"); }
            // Inside a box that scrolls sideways (a formula too wide to shrink further),
            // content may reach past the panel: the reader scrolls that box.
            const scrolls = (element) => {
                for (let up = element.parentElement; up && up !== panel; up = up.parentElement) {
                    if (["auto", "scroll"].includes(getComputedStyle(up).overflowX)) { return true; }
                }
                return false;
            };
            panel.querySelectorAll("*").forEach((element) => {
                if (scrolls(element)) { return; }
                const box = element.getBoundingClientRect();
                if (box.width && (box.right > edge.right + 1 || box.left < edge.left - 1)) {
                    out.push(element.tagName + " " + element.textContent.slice(0, 40));
                }
            });
            if (getComputedStyle(panel).overflowY !== "auto") { out.push("panel cannot scroll"); }
            return out;
        }"""
    )


def step_to(page, title_start):
    """Press → until the step's title starts with ``title_start``; return its counter."""
    while not page.inner_text("#step-title").startswith(title_start):
        assert not page.is_disabled("#next"), f"no step titled {title_start!r}"
        page.keyboard.press("ArrowRight")
    return counter(page)[0]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_default_view_is_readable_and_no_step_clips_the_panel(open_page, worked_page, size,
                                                                  tmp_path):
    path, ids = worked_page
    page = open_page(path, size)
    font, height = node_text_pixels(page, ids["x1"])
    assert font >= READABLE_FLOOR and height >= READABLE_FLOOR, (font, height)
    shoot(page, tmp_path, f"start_{size[0]}x{size[1]}")
    _, last = counter(page)
    for number in range(1, last + 1):
        assert clipped_in_panel(page) == [], page.inner_text("#step-title")
        if number < last:
            page.keyboard.press("ArrowRight")
    page.click(f"#{ids['w11']}")  # the explanation is the widest text the panel holds
    assert clipped_in_panel(page) == []
    assert page.errors == [] and page.dialogs == []


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_stepping_through_the_worked_example_tells_the_slides_story(open_page, worked_page,
                                                                    size, tmp_path):
    path, ids = worked_page
    page = open_page(path, size)
    tag = f"{size[0]}x{size[1]}"
    assert counter(page)[0] == 1
    assert page.inner_text("#phase").lower() == "start"
    assert page.text_content(f"#{ids['q1']} text:nth-of-type(2)") == "?"  # not computed yet

    forward = []
    while page.inner_text("#phase").lower() in ("start", "forward pass"):
        page.keyboard.press("ArrowRight")
        if page.inner_text("#phase").lower() == "forward pass":
            forward.append(page.inner_text("#step-title").removeprefix("Compute "))
            if forward[-1] == "p1":
                assert ("p1 = exp(z1) / (exp(z1) + exp(z2) + exp(z3))"
                        in page.inner_text("#arithmetic"))
                assert "= 0.3449" in page.inner_text("#arithmetic")
                shoot(page, tmp_path, f"softmax_{tag}")
    assert forward == ["q1", "q2", "h1", "h2", "z1", "z2", "z3", "p1", "p2", "p3", "L"]

    titles = []
    while page.inner_text("#phase").lower() == "backward pass":
        titles.append(page.inner_text("#step-title"))
        if titles[-1].startswith("w11"):
            assert page.inner_text("#tag") == "Backward steps 12–13 of 26"
            chain = page.inner_text("#chains")
            assert "∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11" in chain
            assert "= (-2.8995)(0.2259)(0.5854) = -0.3835" in chain
            assert has_class(page, ids["w11"], "on-path") and has_class(page, ids["z1"], "on-path")
            assert has_class(page, ids["p1"], "on-path") and not has_class(page, ids["z2"], "on-path")
            assert page.evaluate("() => document.querySelectorAll('#graph g.edge.on-path').length") >= 3
            shoot(page, tmp_path, f"w11_final_{tag}")
        if titles[-1].startswith("v11"):
            assert page.locator("#chains .chain").first.locator(".path").count() == 3
            assert "(3 paths)" in page.inner_text("#chains .chain >> nth=0")
            for name in ("v11", "q1", "h1", "z1", "z2", "z3", "p1", "L"):
                assert has_class(page, ids[name], "on-path"), name
            shoot(page, tmp_path, f"v11_paths_{tag}")
        page.keyboard.press("ArrowRight")
    assert not any("leaf" in title for title in titles)
    assert len(titles) == 16  # 11 operations, 5 groups of leaves final together

    assert page.inner_text("#phase").lower() == "update"
    step_to(page, "Apply the gradients: Weights W")
    assert "w11: 0.4901 − 0.5·(-0.3835) = 0.6819" in page.inner_text("#updates")
    assert "Weights W after" in page.inner_text("#updates .matrices")
    assert page.text_content(f"#{ids['w11']} text:nth-of-type(2)") == "0.6819"
    shoot(page, tmp_path, f"update_{tag}")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#phase").lower() == "done" and page.is_disabled("#next")
    page.keyboard.press("Home")
    assert counter(page)[0] == 1 and page.is_disabled("#prev")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_predict_mode_grades_typed_numbers_and_names_the_missed_factor(open_page, worked_page,
                                                                       size, tmp_path):
    path, _ = worked_page
    page = open_page(path, size)
    step_to(page, "w11, w21")
    page.keyboard.press("p")  # from now on each number is asked before it is shown
    assert page.is_visible("#quiz") and page.inner_text("#chains") == ""
    assert page.inner_text("#question") == "∂L/∂w11 = ?"
    assert "±0.00019" in page.inner_text("#tolerance")  # one unit of the last digit, or 5e-4 of the value
    page.keyboard.type("-0.38")  # the answer box has the focus: keyboard only
    page.keyboard.press("Enter")
    feedback = page.inner_text("#feedback")
    assert feedback.startswith("Not quite") and "Hint: check the factor ∂" in feedback
    shoot(page, tmp_path, f"predict_wrong_{size[0]}x{size[1]}")
    page.fill("#answer", "−0.3835")  # a typographic minus counts too
    page.click("#check")
    assert "Right" in page.inner_text("#feedback")
    assert page.inner_text("#question") == "∂L/∂w21 = ?"
    page.fill("#answer", "-0.4248")
    page.keyboard.press("Enter")
    assert page.is_hidden("#quiz")
    assert "= (-2.8995)(0.2259)(0.5854) = -0.3835" in page.inner_text("#chains")
    page.keyboard.press("ArrowRight")  # the next step (h2) asks before it shows
    assert page.is_visible("#quiz") and page.inner_text("#arithmetic") == ""
    page.click("#reveal")
    assert "It is" in page.inner_text("#feedback")
    page.keyboard.press("End")
    assert page.inner_text("#score") == "Score: 1 of 3 right at the first try."
    assert page.errors == [] and page.dialogs == []


def test_pan_zoom_fit_and_the_overview(open_page, worked_page, tmp_path):
    path, ids = worked_page
    page = open_page(path, SIZES[0])

    def view_box():
        return [float(number) for number in page.get_attribute("#graph > svg", "viewBox").split()]

    assert page.is_visible("#overview")  # the readable view shows part of the graph
    start = view_box()
    page.mouse.move(400, 400)
    page.mouse.down()
    page.mouse.move(300, 350, steps=5)
    page.mouse.up()
    dragged = view_box()
    assert dragged[0] > start[0] and dragged[1] > start[1] and dragged[2] == start[2]
    page.mouse.wheel(0, -300)
    assert view_box()[2] < dragged[2]  # zoomed in
    page.keyboard.press("f")
    fitted = view_box()
    assert page.get_attribute("#fit", "aria-pressed") == "true"
    assert page.is_hidden("#overview")
    whole = page.evaluate("() => { const b = document.querySelector('#graph > svg g.graph')"
                          ".getBBox(); return [b.width, b.height]; }")
    assert fitted[2] >= whole[0] and fitted[3] >= whole[1]
    shoot(page, tmp_path, "fitted_1280x720")
    page.click("#fit")
    assert node_text_pixels(page, ids["x1"])[0] >= READABLE_FLOOR
    assert page.errors == []


def test_a_phone_held_sideways_keeps_the_panel_whole(open_page, worked_page, tmp_path):
    path, ids = worked_page
    page = open_page(path, PHONE_SIDEWAYS)
    step_to(page, "w11, w21")
    assert clipped_in_panel(page) == []
    assert page.is_visible("#next") and page.is_visible("#predict")
    shoot(page, tmp_path, "w11_final_844x390")
    assert page.errors == []


def test_clicking_a_node_lights_its_paths_to_the_root_and_explains_it(open_page, worked_page,
                                                                      tmp_path):
    path, ids = worked_page
    page = open_page(path, SIZES[0])
    page.click(f"#{ids['q1']}")  # at the start: not computed yet
    assert page.inner_text("#details-title") == "q1"
    assert "not yet computed" in page.inner_text("#details-numbers")
    page.keyboard.press("End")
    page.keyboard.press("f")
    page.click(f"#{ids['w11']}")
    assert page.inner_text("#details-title") == "w11"
    numbers = page.inner_text("#details-numbers")
    assert "0.4901" in numbers and "-0.3835" in numbers and "0.6819" in numbers
    explanation = page.inner_text("#details-explanation")
    assert "(0.2259)(0.5854)" in explanation and "= -0.3835" in explanation
    for name in ("w11", "z1", "p1", "L"):
        assert has_class(page, ids[name], "on-path"), name
    assert not has_class(page, ids["z2"], "on-path")
    shoot(page, tmp_path, "w11_clicked_1280x720")
    assert page.errors == [] and page.dialogs == []


def test_hostile_labels_show_as_text_and_run_nothing(open_page, tmp_path):
    image = Value(2.0, label=IMAGE_LABEL)
    script = Value(-3.0, label=SCRIPT_LABEL)
    product = image * script
    product.label = "product"
    page = open_page(export_html(product.tanh(), tmp_path / "hostile.html"))
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    page.click("#v0")
    page.click("#v1")
    page.click("#prev")
    assert page.evaluate("() => window.pwned") is None
    assert page.evaluate("() => document.querySelectorAll('img, iframe').length") == 0
    assert page.evaluate("() => document.scripts.length") == 2
    assert IMAGE_LABEL in page.text_content("#graph")
    assert SCRIPT_LABEL in page.text_content("#graph")
    assert page.inner_text("#details-title") in (IMAGE_LABEL, SCRIPT_LABEL)
    page.keyboard.press("p")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.type("<img src=x onerror=alert(1)>")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.querySelectorAll('img, iframe').length") == 0
    assert page.dialogs == [] and page.errors == []
    page.screenshot(path=str(tmp_path / "hostile.png"))


def test_a_hidden_edge_number_leaves_its_edge_whole(open_page, worked_page):
    path, ids = worked_page
    page = open_page(path)
    step_to(page, "Compute p1")  # forward: no local derivative is shown yet
    shown_cards = page.evaluate(
        """() => Array.from(document.querySelectorAll("#graph g.edge-label")).filter((card) =>
            Array.from(card.querySelectorAll("polygon, text")).some((shape) =>
                getComputedStyle(shape).visibility !== "hidden")).map((card) => card.id)"""
    )
    assert page.evaluate("document.querySelectorAll('#graph g.edge-label').length") > 20
    assert shown_cards == []  # a white card without its number would cut its edge in two


def test_a_value_not_yet_computed_shows_a_centred_question_mark(open_page, worked_page):
    path, ids = worked_page
    page = open_page(path)
    box, mark = page.evaluate(
        """(name) => {
            const group = document.getElementById(name);
            const mark = Array.from(group.querySelectorAll("text"))
                .find((text) => text.textContent === "?");
            const middle = (box) => box.left + box.width / 2;
            return [middle(group.querySelector("path, polygon").getBoundingClientRect()),
                    middle(mark.getBoundingClientRect())];
        }""",
        ids["q1"],
    )
    assert abs(box - mark) < 2


def test_the_chain_rule_is_also_written_as_the_slides_write_it_in_mathml(open_page, worked_page):
    path, _ = worked_page
    page = open_page(path, SIZES[0])
    step_to(page, "w11, w21")
    formula = page.evaluate(
        """() => {
            const math = document.querySelector("#chains .chain.focus .slides-notation math");
            const text = document.querySelector("#chains .chain.focus p");
            return math && [math.namespaceURI, math.textContent,
                            parseFloat(getComputedStyle(math).fontSize),
                            parseFloat(getComputedStyle(text).fontSize)];
        }"""
    )
    assert formula is not None, "no MathML derivation at the step w11 becomes final"
    namespace, text, math_pixels, text_pixels = formula
    assert namespace == "http://www.w3.org/1998/Math/MathML"
    # The slide's four lines: factors, formulas (e^z, h1), numbers with the exact z2, value.
    for piece in ("∂L∂p1", "h1", "0.6969", "0.7510", "0.5272", "0.5854", "−0.3835"):
        assert piece in text
    assert math_pixels >= text_pixels  # never smaller than the panel's own text
    step_to(page, "v11, v21")
    text = page.inner_text("#chains .chain.focus .slides-notation")
    assert all(f"path {number}" in text for number in (1, 2, 3))


def test_a_finished_block_is_shown_as_the_slides_matrix_product(open_page, worked_page):
    path, _ = worked_page
    page = open_page(path, SIZES[0])
    step_to(page, "Compute q1")
    assert page.query_selector("#arithmetic math") is None  # Q is not complete yet
    step_to(page, "Compute q2")
    text = page.inner_text("#arithmetic .slides-notation")
    # [0.35 0.20 0.50] · V = [0.3451 0.6123], the slide's matrix product
    for number in ("0.3500", "0.4963", "0.7682", "0.6341", "0.3451", "0.6123"):
        assert number in text
    step_to(page, "Compute h2")
    assert "σ" in page.text_content("#arithmetic .slides-notation")  # drawn as italic 𝜎
    step_to(page, "Compute p3")
    text = page.inner_text("#arithmetic .slides-notation")
    assert "softmax" in text and "0.3449" in text and "0.2911" in text
