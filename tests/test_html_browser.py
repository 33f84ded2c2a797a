"""``visualize.export_html`` in a real browser: Debian's chromium driven by Playwright.

The page of the slides' worked example is opened from ``file://`` and stepped
through with the keyboard and the buttons; it must show ∂L/∂w11 = -0.3835 at
the step where w11's gradient becomes final, explain w11 when clicked, and
show hostile labels as text without running them. Screenshots land in the
test's temporary folder (printed with ``-s``) for a human to look at.
"""

import pathlib

import pytest
from conftest import IN_CI, require_module

import autograd
from autograd import Value
from nn.examples import worked_example
from visualize.html import export_html

CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IMAGE_LABEL = "<img src=x onerror=alert(1)>"
SCRIPT_LABEL = "</script><script>window.pwned=1</script>"


@pytest.fixture(scope="module")
def browser():
    playwright_api = require_module("playwright.sync_api", "the interactive page in a browser")
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; it is the browser for the interactive page"
        if IN_CI:
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """Open a page file in a classroom-sized window, recording dialogs and script errors."""
    opened = []

    def opener(path):
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.dialogs = []
        page.errors = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(pathlib.Path(path).resolve().as_uri())
        opened.append(page)
        return page

    yield opener
    for page in opened:
        page.close()


def counter(page):
    current, _, last = page.inner_text("#counter").removeprefix("Step ").partition(" / ")
    return int(current), int(last)


def grad_line_visible(page, element_id):
    """Whether the node's "grad" line is showing (each stays hidden until final)."""
    script = (
        '(name) => getComputedStyle(document.querySelector("#" + name + " text.grad-line"))'
        '.visibility === "visible"'
    )
    return page.evaluate(script, element_id)


def test_stepping_through_the_worked_example_shows_dl_dw11_when_it_becomes_final(
    open_page, tmp_path
):
    example = worked_example()
    order = autograd.topological_order(example.loss)
    w11 = example.W[0][0]
    w11_id = f"v{order.index(w11)}"
    # Start, one step per operation, then backward_steps in order: w11's step is fixed.
    backward_index = [step.node for step in autograd.backward_steps(example.loss)].index(w11)
    expected = 1 + sum(not node.is_leaf for node in order) + backward_index
    page = open_page(export_html(example.loss, tmp_path / "worked.html", groups=example.groups))
    assert counter(page)[0] == 0
    assert page.inner_text("#phase").lower() == "forward pass"
    page.screenshot(path=str(tmp_path / "start.png"))

    _, last = counter(page)
    for number in range(1, last + 1):
        page.keyboard.press("ArrowRight")
        assert counter(page)[0] == number
        arithmetic = page.inner_text("#arithmetic")
        if number == expected:
            assert page.inner_text("#step-title") == "Backward: w11 is a leaf"
            assert "∂L/∂w11 = -0.3835 is final." in arithmetic
            assert "current" in page.get_attribute(f"#{w11_id}", "class")
            assert grad_line_visible(page, w11_id)
            page.screenshot(path=str(tmp_path / "w11_final.png"))
        else:
            assert "∂L/∂w11 = -0.3835 is final" not in arithmetic
            assert grad_line_visible(page, w11_id) == (number > expected)
        if page.inner_text("#step-title") == "Backward: pass the gradient of z1 back":
            assert "-0.3835" in page.inner_text("#arithmetic table")
            page.screenshot(path=str(tmp_path / "z1_step.png"))
    assert "Done" in page.inner_text("#step-title")
    assert page.is_disabled("#next")

    page.keyboard.press("ArrowLeft")
    assert counter(page)[0] == last - 1
    page.click("#reset")
    assert counter(page)[0] == 0 and page.is_disabled("#prev")
    for _ in range(expected):
        page.click("#next")
    assert "∂L/∂w11 = -0.3835 is final." in page.inner_text("#arithmetic")
    page.click("#prev")
    assert counter(page)[0] == expected - 1
    assert page.errors == [] and page.dialogs == []
    print("screenshots in", tmp_path)


def test_clicking_w11_shows_its_data_gradient_and_explanation(open_page, tmp_path):
    example = worked_example()
    w11_id = f"v{autograd.topological_order(example.loss).index(example.W[0][0])}"
    page = open_page(export_html(example.loss, tmp_path / "worked.html", groups=example.groups))
    page.click(f"#{w11_id}")  # at the start: data yes, gradient not yet
    assert page.is_visible("#details")
    assert page.inner_text("#details-title") == "w11"
    assert "0.4901" in page.inner_text("#details-numbers")
    assert "-0.3835" not in page.inner_text("#details")
    assert "appears at step" in page.inner_text("#details-explanation")

    page.keyboard.press("End")  # the selection stays, now with everything final
    numbers = page.inner_text("#details-numbers")
    assert "0.4901" in numbers and "-0.3835" in numbers
    explanation = page.inner_text("#details-explanation")
    assert "∂p1/∂z1 · ∂z1/∂w11" in explanation
    assert "(0.2259)(0.5854)" in explanation and "= -0.3835" in explanation
    page.screenshot(path=str(tmp_path / "w11_clicked.png"))
    assert page.errors == [] and page.dialogs == []
    print("screenshot in", tmp_path)


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
    page.click("#next")
    assert page.evaluate("() => window.pwned") is None
    assert page.evaluate("() => document.querySelectorAll('img, iframe').length") == 0
    assert page.evaluate("() => document.scripts.length") == 2
    graph_text = page.inner_text("#graph")
    assert IMAGE_LABEL in graph_text or IMAGE_LABEL in page.text_content("#graph")
    assert SCRIPT_LABEL in page.text_content("#graph")
    assert page.inner_text("#details-title") in (IMAGE_LABEL, SCRIPT_LABEL)
    assert page.dialogs == [] and page.errors == []
    page.screenshot(path=str(tmp_path / "hostile.png"))
