"""``export_html``: one self-contained page that steps through forward and backward.

The page holds the graph's SVG inline, its CSS and JavaScript inline and the
step data as JSON, so it opens from ``file://`` with no network and no server.
Python does all the arithmetic and formatting here; the page's script only
shows and hides what this module computed, writing text with ``textContent``.

What the steps say is made in ``visualize.lecture``; the page's template, style
and script are the files of ``visualize/page/``, inlined here.
"""

import html
import json
import pathlib
import re
import xml.etree.ElementTree as ElementTree
from importlib import resources

from visualize.draw import draw, refuse_if_too_large, view_for
from visualize.lecture import check_learning_rate, forward_lines, page_data
from visualize.render import render
from visualize.saving import save_file
from visualize.theme import MINIMUM_EDGE_LABEL_PIXELS, MINIMUM_NODE_PIXELS, REFERENCE_HEIGHT

__all__ = ["export_html", "forward_lines", "inline_svg", "page_body", "page_data", "page_parts",
           "script_json"]


def export_html(
    root,
    path,
    *,
    title=None,
    digits=4,
    rankdir="LR",
    groups=None,
    model=None,
    max_nodes=1000,
    size=None,
    learning_rate=None,
    exercises=None,
):
    """Write the interactive page for the graph ending at ``root``; return its path.

    ``root`` may be a ``visualize.view(...)`` shared with other pictures (then
    its backward pass and layout are reused). ``groups``, ``model``, ``rankdir``,
    ``digits`` and ``size`` are those of ``visualize.draw``; a graph over
    ``max_nodes`` is refused with a clear error before any work.

    Runs the view's backward pass (every gradient is zeroed, then filled as
    ``root.backward()`` would), so afterwards every ``.grad`` holds d root / d node.
    The file is written whole or not at all.

    ``learning_rate`` (η, None: no update) adds the update θ ← θ − η·∂L/∂θ after
    the backward pass, for ``model`` 's parameters (else every leaf with a gradient).

    On the page: Next / Prev / Reset or the keys → ← Home End (and PageDown /
    PageUp, which presenter remotes send) move one step; the graph opens at a
    readable size, pans by dragging, zooms with the wheel, a pinch or + −, and F
    (or Fit) shows it whole; a click on a node lights its paths to the root and
    shows its chain-rule explanation (``visualize.explain``); P (or Predict)
    asks for each number before it is shown (see ``visualize.lecture``).

    ``exercises``: a ``visualize.exercises(...)`` set about this graph. The page then
    opens in predict mode and asks only those questions, in their words, checked with
    their tolerance, and names the likely mistake behind a wrong answer as
    ``exercise.check`` does (an update exercise brings its η when none is given).
    """
    path = pathlib.Path(path)
    heading, svg, data = page_parts(root, "export_html", title=title, digits=digits,
                                    rankdir=rankdir, groups=groups, model=model,
                                    max_nodes=max_nodes, size=size, learning_rate=learning_rate,
                                    exercises=exercises)
    return save_file(path, page_text(heading, svg, data), "export_html")


def page_parts(root, operation, *, title=None, digits=4, rankdir="LR", groups=None, model=None,
               max_nodes=1000, size=None, learning_rate=None, exercises=None):
    """(heading, graph SVG, step data) of the stepper for ``root``: what the page and the
    notebook widget (``visualize.stepper``) show. Runs the view's backward pass."""
    _check_title(title, operation)
    check_learning_rate(learning_rate, operation)
    shown = view_for(root, operation, groups, model, rankdir, digits, size)
    # Counted before any work: a graph too big to draw must not first cost a backward pass.
    refuse_if_too_large(
        operation, shown.root, len(shown.order), max_nodes,
        "Use visualize.steps(root) or visualize.outline(root) for a text view, or "
        f"{operation}(..., max_nodes=None) to make the page anyway.",
    )
    if learning_rate is None and exercises is not None:
        # An update exercise needs the update phase, at the exercise's η.
        rates = {exercise.learning_rate for exercise in exercises if exercise.kind == "update"}
        learning_rate = min(rates) if rates else None
    data = page_data(shown, learning_rate=learning_rate, exercises=exercises)
    # The pictures' projector sizes: node text of 16 px at 720 px high, grown with the
    # window's height (24 px at 1080), never under the edge numbers' 14 px.
    data["readable"] = {"pixels": MINIMUM_NODE_PIXELS, "floor": MINIMUM_EDGE_LABEL_PIXELS,
                        "height": REFERENCE_HEIGHT}
    # Drawn after the backward pass, so every grad line holds its final number.
    svg = graph_svg(shown)
    heading = title if title is not None else f"Backpropagation through {data['root_name']}"
    return heading, svg, data


def _check_title(title, operation):
    if title is None:
        return
    if not isinstance(title, str):
        raise TypeError(f"{operation}: title must be a str or None, got {type(title).__name__}")
    try:
        title.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"{operation}: title holds {error.object[error.start:error.end]!r} (character "
            f"{error.start}), which UTF-8 cannot encode, so no page can carry it"
        ) from None


# ----- making it safe to inline ------------------------------------------------------


def script_json(data):
    """JSON that cannot end its ``<script>`` element: ``<``, ``>`` and ``&`` become escapes."""
    text = json.dumps(data, ensure_ascii=False)
    for character, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(character, escape)
    return text


SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FORBIDDEN_TAGS = {"script", "foreignObject", "iframe", "object", "embed"}


def inline_svg(svg_text):
    """The ``<svg>`` element of a rendered graph, checked to carry no markup that could run.

    The drawing escapes every label; this check is the second lock on the door:
    a label that broke out of its string would show up here as a parse error,
    a stray element or an event attribute, and the page is refused.
    """
    try:
        tree = ElementTree.fromstring(svg_text.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise ValueError(f"export_html: the graph's SVG is not well formed ({error})") from None
    for element in tree.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        namespace = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""
        if namespace != SVG_NAMESPACE or tag in FORBIDDEN_TAGS:
            raise ValueError(f"export_html: the graph's SVG contains a <{tag}> element")
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1].lower()
            if name.startswith("on") or (
                name == "href" and value.strip().lower().startswith("javascript:")
            ):
                raise ValueError(f"export_html: the graph's SVG has a {name} attribute")
    return svg_text[svg_text.index("<svg") :]


def graph_svg(shown):
    """The view's backward picture (values, gradients, local derivatives) as inline SVG text."""
    svg = render(draw(shown, mode="backward", edge_labels=True), format="svg")
    return inline_svg(svg.decode("utf-8"))


# ----- the page ------------------------------------------------------------------------

# The page's template, style and script are files of their own (package data), so they
# can be read, linted and tested in their own language; export_html inlines them.
PAGE_FILES = ("page.html", "page.css", "page.js")
# Where the template takes each part: an HTML comment no label can produce (labels are escaped).
# Where the page's markup ends and its data and script begin.
BODY_END = '<script type="application/json" id="tracegrad-data">'
PAGE_SLOT = re.compile(r"<!--tracegrad:(title|style|svg|data|script)-->")


def page_file(name):
    """The text of one of the page's files in ``visualize/page/`` (``PAGE_FILES``)."""
    return resources.files("visualize").joinpath("page", name).read_text(encoding="utf-8")


def page_text(title, svg, data):
    """The whole page: the template with its slots filled in a single pass (so nothing
    inlined is searched again for slots)."""
    template, style, script = (page_file(name) for name in PAGE_FILES)
    parts = {"title": html.escape(title), "style": style, "svg": svg,
             "data": script_json(data), "script": script}
    return PAGE_SLOT.sub(lambda slot: parts[slot.group(1)], template)


def page_body(title, svg):
    """The page's markup alone (what its ``<body>`` holds before the data and the script),
    with the title and the graph: what the notebook widget mounts the script into."""
    template = page_file("page.html")
    body = template[template.index("<body>") + len("<body>"):template.index(BODY_END)]
    parts = {"title": html.escape(title), "svg": svg}
    return PAGE_SLOT.sub(lambda slot: parts[slot.group(1)], body).strip()
