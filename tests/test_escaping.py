"""Hostile labels render literally: they never break or inject into the DOT or the SVG."""

import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from visualize.draw import draw
from visualize.escape import html_lines, html_text
from visualize.render import render

SVG = "{http://www.w3.org/2000/svg}"

HOSTILE_LABELS = [
    'say "hi"',
    "a<b>c",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{record|fields}",
    "back\\slash \\N \\G \\L \\",
    "amp & &amp; &lt;",
    "it's",
    "ünïcödé σ × Σ ∂L/∂w 🙂",
    "]]> <!-- -->",
    '"] ; evil [label="x',
    "tab\there",
]


def svg_of(root, **options) -> ElementTree.Element:
    return ElementTree.fromstring(render(draw(root, **options)))


def texts_of(svg: ElementTree.Element) -> list[str]:
    return ["".join(element.itertext()) for element in svg.iter(f"{SVG}text")]


def graph_with_labels(*labels):
    inputs = [Value(float(i + 1), label=label) for i, label in enumerate(labels)]
    total = inputs[0]
    for node in inputs[1:]:
        total = total + node
    total.label = "total"
    total.backward()
    return total


def test_escaped_text_contains_no_markup_characters():
    escaped = html_text("<a href='x'>&\"</a>")
    assert not set("<>\"'") & set(escaped.replace("&lt;", "").replace("&gt;", "")
                                   .replace("&quot;", "").replace("&#39;", "").replace("&amp;", ""))


def test_backslashes_are_doubled_so_graphviz_shows_them_instead_of_expanding_them():
    assert html_text("\\N") == "\\\\N"


def test_control_characters_become_visible_escapes():
    assert html_text("a\x00b\x1bc") == "a\\\\x00b\\\\x1bc"


def test_newlines_become_line_breaks():
    assert html_lines("one\ntwo").count("<BR") == 1


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_a_hostile_label_shows_literally_in_well_formed_svg(label):
    svg = svg_of(graph_with_labels(label, "other"))
    assert label.replace("\t", "\\x09") in texts_of(svg)


def test_hostile_labels_inject_no_elements():
    svg = svg_of(graph_with_labels(*HOSTILE_LABELS))
    tags = {element.tag.removeprefix(SVG) for element in svg.iter()}
    assert tags <= {"svg", "g", "title", "polygon", "path", "ellipse", "text", "a", "polyline"}
    assert "script" not in tags and "img" not in tags


def test_hostile_labels_keep_the_dot_source_one_node_statement_each():
    picture = draw(graph_with_labels(*HOSTILE_LABELS))
    source = picture.source
    node_statements = [line for line in source.splitlines() if line.strip().startswith("v")
                       and "->" not in line]
    # Every leaf, the sum's node and its operation: nothing split or added by a label.
    assert len(node_statements) == 2 * len(HOSTILE_LABELS) - 1 + len(HOSTILE_LABELS) - 1


def test_a_multi_line_label_shows_each_line():
    texts = texts_of(svg_of(graph_with_labels("first line\nsecond <line>", "b")))
    assert "first line" in texts and "second <line>" in texts


def test_hostile_group_names_show_literally():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    total = a * b
    name = "</B><script>x</script> & \\N"
    svg = svg_of(total, groups={name: [a, b]})
    assert name in texts_of(svg)
    assert not [element for element in svg.iter() if element.tag.endswith("script")]


def test_a_hostile_label_survives_every_mode_and_the_collapsed_view():
    root = graph_with_labels("a", "c")
    # A computed node, because the collapsed view folds leaves into their reader.
    root.label = "<b>&"
    for options in ({"mode": "forward"}, {"mode": "gradients"}, {"collapse": True}):
        assert "<b>&" in texts_of(svg_of(root, **options))


@settings(max_examples=10, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_any_label_gives_well_formed_svg_and_keeps_printable_text(label):
    svg = svg_of(graph_with_labels(label, "other"))
    if label.isprintable() and label.strip() == label and "  " not in label:
        assert label in texts_of(svg)


def test_characters_xml_cannot_hold_show_as_visible_escapes():
    texts = texts_of(svg_of(graph_with_labels("nul\x00 bell\x07 lone\ud800", "b")))
    assert "nul\\x00 bell\\x07 lone\\ud800" in texts
