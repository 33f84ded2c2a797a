"""The render adapter: finding a renderer after pip install alone, the fallbacks, the formats."""

import importlib
import os
import stat
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from visualize.render import (
    RenderError,
    RendererNotFound,
    UnsupportedFormat,
    find_dot,
    render,
)

# The module, not the function of the same name that ``visualize`` exports.
render_module = importlib.import_module("visualize.render")

SMALL_GRAPH = "digraph { a -> b }"


def fake_program(folder: Path, name: str) -> Path:
    program = folder / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


@pytest.fixture
def empty_environment(tmp_path, monkeypatch):
    """No scripts folder with a renderer and nothing on PATH."""
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    monkeypatch.setattr(render_module.sysconfig, "get_path", lambda name: str(scripts))
    monkeypatch.setattr(render_module.sys, "executable", str(scripts / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    return tmp_path


def test_the_bundled_renderer_is_found_in_the_venv_without_activation(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    found = Path(find_dot())
    assert found.name.startswith("graphviz-pure")
    assert found.parent == Path(sys.executable).parent


def test_the_scripts_folder_is_searched_even_when_sys_executable_is_elsewhere(empty_environment):
    scripts = empty_environment / "scripts"
    program = fake_program(scripts, "graphviz-pure")
    assert find_dot() == str(program)


def test_the_folder_of_the_interpreter_is_searched_too(empty_environment, monkeypatch):
    interpreter_folder = empty_environment / "bin"
    interpreter_folder.mkdir()
    monkeypatch.setattr(render_module.sys, "executable", str(interpreter_folder / "python"))
    program = fake_program(interpreter_folder, "graphviz-pure")
    assert find_dot() == str(program)


def test_a_system_dot_on_path_is_the_fallback(empty_environment, monkeypatch):
    system = empty_environment / "system-bin"
    system.mkdir()
    dot = fake_program(system, "dot")
    monkeypatch.setenv("PATH", str(system))
    assert find_dot() == str(dot)


def test_a_non_executable_file_is_not_taken_for_a_renderer(empty_environment):
    (empty_environment / "scripts" / "graphviz-pure").write_text("not a program")
    with pytest.raises(RendererNotFound):
        find_dot()


def test_no_renderer_gives_a_helpful_error(empty_environment):
    with pytest.raises(RendererNotFound) as caught:
        find_dot()
    message = str(caught.value)
    assert "pip install graphviz-pure" in message
    assert "Graphviz" in message and "dot" in message


def test_without_a_renderer_the_dot_source_stays_available(empty_environment):
    with pytest.raises(RendererNotFound) as caught:
        render(SMALL_GRAPH, format="svg")
    assert caught.value.source == SMALL_GRAPH
    assert render(SMALL_GRAPH, format="dot") == SMALL_GRAPH.encode()


def test_svg_is_well_formed_xml():
    svg = render(SMALL_GRAPH)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")


def test_png_starts_with_the_png_signature(tmp_path):
    target = render(SMALL_GRAPH, tmp_path / "small.png", format="png")
    assert Path(target).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_graphviz_digraph_is_accepted():
    graphviz = pytest.importorskip("graphviz")
    graph = graphviz.Digraph()
    graph.edge("a", "b")
    assert b"<svg" in render(graph)


def test_pdf_from_a_renderer_without_pdf_says_so_and_what_to_do(monkeypatch):
    monkeypatch.setattr(render_module, "supported_formats", lambda program: frozenset({"svg"}))
    with pytest.raises(UnsupportedFormat) as caught:
        render(SMALL_GRAPH, format="pdf")
    message = str(caught.value)
    assert "PDF" in message and "SVG" in message and "Graphviz" in message


def test_pdf_support_is_read_from_the_renderer_itself():
    formats = render_module.supported_formats(find_dot())
    assert {"svg", "png"} <= formats
    if "pdf" in formats:
        assert render(SMALL_GRAPH, format="pdf").startswith(b"%PDF")
    else:
        with pytest.raises(UnsupportedFormat):
            render(SMALL_GRAPH, format="pdf")


def test_an_unknown_format_is_refused_by_name():
    with pytest.raises(ValueError, match="bmp"):
        render(SMALL_GRAPH, format="bmp")


def test_broken_dot_source_raises_with_the_renderer_complaint():
    with pytest.raises(RenderError, match="failed"):
        render("digraph { a -> }")


def test_render_refuses_things_that_are_not_graphs():
    with pytest.raises(TypeError, match="int"):
        render(42)


@pytest.mark.skipif(os.name == "nt", reason="the executable bit is a POSIX notion")
def test_the_bundled_renderer_is_executable():
    assert os.access(find_dot(), os.X_OK)


def test_in_ci_no_system_graphviz_exists_so_every_picture_came_from_the_pip_install():
    # CI must prove that rendering needs nothing but `pip install`: no `dot` may be
    # on this machine, and find_dot() must resolve to the wheel's program.
    from conftest import IN_CI

    if not IN_CI:
        pytest.skip("only meaningful on a CI machine, which must not have Graphviz")
    import shutil

    assert shutil.which("dot") is None, "a system Graphviz is installed; CI cannot prove the pip-only path"
    assert Path(find_dot()).name.startswith("graphviz-pure")
