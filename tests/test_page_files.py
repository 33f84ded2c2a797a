"""The interactive page's own code: template, style and script as package data files.

``export_html`` reads ``visualize/page/page.html``, ``page.css`` and ``page.js``
through ``importlib.resources`` and inlines them, so the files must ship in a
wheel (not only work from a source checkout) and the page must carry them whole.
"""

import shutil
import subprocess
import sys
import zipfile
from importlib import resources

from conftest import require_module

from autograd import Value
from visualize.html import PAGE_FILES, export_html, page_file


def test_each_page_file_is_package_data_readable_through_importlib_resources():
    folder = resources.files("visualize").joinpath("page")
    for name in PAGE_FILES:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        assert text.strip(), name
        assert page_file(name) == text


def test_the_page_inlines_its_style_and_script_whole(tmp_path):
    page = export_html(Value(1.0, label="x"), tmp_path / "page.html").read_text(encoding="utf-8")
    assert page_file("page.css").strip() in page
    assert page_file("page.js").strip() in page
    assert "<!--tracegrad:" not in page  # every slot of the template is filled


def test_a_built_wheel_carries_the_page_files(tmp_path):
    require_module("setuptools", "building a wheel to check its package data")
    source = tmp_path / "source"
    root = resources.files("visualize").joinpath("..")
    for name in ("autograd", "nn", "visualize"):
        shutil.copytree(root / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(root / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(tmp_path / "wheel"), str(source)],
        check=True, capture_output=True,
    )
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    assert {f"visualize/page/{name}" for name in PAGE_FILES} <= shipped
    assert "visualize/page/widget.js" in shipped  # visualize.stepper's notebook widget
