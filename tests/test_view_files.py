"""Files a view writes: whole or not at all, and only inside the folder it was given.

``export_html``, ``render``, ``frames`` and ``draw(...).render`` write through a
temporary file and a rename (``nn.files.write_atomically``): a failure half-way,
such as a full disk or a character UTF-8 cannot encode, leaves no empty or
half file and keeps an existing file as it was.
"""

import errno
import os

import pytest

from autograd import Value
from nn.examples import worked_example
from visualize import draw, export_html, frames, render

nn_files = __import__("nn.files", fromlist=["files"])


def small_graph():
    a = Value(2.0, label="a")
    out = (a * a).tanh()
    out.label = "out"
    return out


@pytest.fixture
def disk_fills_up(monkeypatch):
    """Every write fails as a full disk would, after the bytes went to the temporary file."""

    def full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(nn_files.os, "fsync", full)


def test_a_title_utf8_cannot_encode_is_refused_by_name_and_writes_nothing(tmp_path):
    example = worked_example()
    page = tmp_path / "page.html"
    with pytest.raises(ValueError, match=r"export_html: title holds '\\ud800'"):
        export_html(example.loss, page, title="t\ud800")
    assert os.listdir(tmp_path) == []
    # Refused before any work: no backward pass ran.
    assert example.W[0][0].grad == 0.0


def test_a_page_that_fails_to_write_leaves_an_older_page_untouched(tmp_path, disk_fills_up):
    page = tmp_path / "page.html"
    page.write_text("the page from yesterday", encoding="utf-8")
    with pytest.raises(OSError, match="No space"):
        export_html(small_graph(), page)
    assert page.read_text(encoding="utf-8") == "the page from yesterday"
    assert os.listdir(tmp_path) == ["page.html"]


@pytest.mark.parametrize("format", ["svg", "png", "dot"])
def test_render_leaves_no_empty_or_half_picture(tmp_path, disk_fills_up, format):
    with pytest.raises(OSError, match="No space"):
        render(draw(small_graph()), tmp_path / f"graph.{format}", format=format)
    assert os.listdir(tmp_path) == []


def test_render_of_dot_text_utf8_cannot_encode_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"render: the DOT source holds '\\udc80'"):
        render('digraph { a [label="\udc80"] }', tmp_path / "graph.svg")
    assert os.listdir(tmp_path) == []


def test_a_renderer_failure_writes_no_picture(tmp_path):
    with pytest.raises(RuntimeError, match="render:"):
        render("digraph { a -> }", tmp_path / "broken.svg")
    assert os.listdir(tmp_path) == []


def test_saving_a_drawing_leaves_no_half_source_file(tmp_path, disk_fills_up):
    with pytest.raises(OSError, match="No space"):
        draw(small_graph()).render("graph", directory=tmp_path, format="svg")
    assert os.listdir(tmp_path) == []


def test_frames_that_fail_part_way_leave_only_whole_frames(tmp_path, monkeypatch):
    written = []
    real_fsync = nn_files.os.fsync

    def full_after_two(descriptor):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(descriptor)
        real_fsync(descriptor)

    monkeypatch.setattr(nn_files.os, "fsync", full_after_two)
    with pytest.raises(OSError, match="No space"):
        frames(small_graph(), tmp_path / "frames", format="svg")
    names = sorted(os.listdir(tmp_path / "frames"))
    assert names == ["step_001.svg", "step_002.svg"]
    assert all((tmp_path / "frames" / name).read_text().rstrip().endswith("</svg>")
               for name in names)


@pytest.mark.parametrize(
    "prefix", ["../x", "sub/x", "/tmp/x", "..", "", "a\\b", "C:x", "x\0y"]
)
def test_frames_cannot_write_outside_their_folder(tmp_path, prefix):
    folder = tmp_path / "inside"
    with pytest.raises(ValueError, match="frames: prefix must be the start of a file name"):
        frames(small_graph(), folder, prefix=prefix, format="svg")
    assert os.listdir(tmp_path) == []


def test_a_plain_prefix_names_the_frames(tmp_path):
    paths = frames(small_graph(), tmp_path, prefix="tanh.step", format="svg")
    assert [path.name for path in paths][0] == "tanh.step_001.svg"
    assert all(path.parent == tmp_path for path in paths)
