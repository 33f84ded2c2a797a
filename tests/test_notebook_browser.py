"""``visualize.stepper`` live in JupyterLab, in a real browser.

The test starts JupyterLab on 127.0.0.1 (its kernel imports this checkout), opens a
notebook with the stepper of the slides' worked example in Debian's chromium
through Playwright and runs its first cell. Pressing Next in the widget must reach
the step where w11's gradient is final and show its chain rule ending in −0.3835;
setting ``widget.step`` in a cell must move the widget there; and a press of Next
must reach Python's ``widget.step``. The server is stopped at the end.
Screenshots go to the test's folder and to ``PAGE_SHOTS`` when it names a folder.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import require_module, shoot
from notebook_kernel import SOURCE

CELLS = [
    "import visualize\n"
    "from nn.examples import worked_example\n"
    "example = worked_example()\n"
    "widget = visualize.stepper(example.loss, groups=example.groups, model=example.model,\n"
    "                           learning_rate=0.5)\n"
    "widget",
    "widget.step = 5",
    "print('Python sees step', widget.step)",
]
# Seconds JupyterLab may take to answer, and a kernel or the widget to show.
START_SECONDS = 60
WAIT_MS = 60_000


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def notebook(cells):
    return {
        "cells": [{"cell_type": "code", "id": f"cell-{number}", "metadata": {},
                   "execution_count": None, "outputs": [], "source": source}
                  for number, source in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a folder with the stepper's notebook;
    yields its URL with the token. Stopped (and its kernels with it) at the end."""
    require_module("jupyterlab", "the stepper widget in a real JupyterLab")
    require_module("anywidget", "the stepper widget in a real JupyterLab")
    folder = tmp_path_factory.mktemp("jupyterlab")
    (folder / "notes").mkdir()
    (folder / "notes" / "stepper.ipynb").write_text(json.dumps(notebook(CELLS)), encoding="utf-8")
    # No pop-up asking to fetch Jupyter's news over the notebook.
    news = folder / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = free_port(), secrets.token_hex(16)
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        path for path in (SOURCE, os.environ.get("PYTHONPATH")) if path))
    # Jupyter's own files (runtime, settings, workspaces) go to the test's folder, not $HOME.
    for name, part in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                       ("JUPYTER_DATA_DIR", "data"),
                       ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                       ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        environment[name] = str(folder / part)
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder / 'notes'}",
         "--ServerApp.port_retries=0", "--allow-root",
         # Nothing from the network: no extension index, no update check, no news.
         "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.news_url=None"],
        env=environment, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("JupyterLab did not start:\n"
                                         + (folder / "server.log").read_text()) from None
                time.sleep(0.3)
        yield f"{url}/lab/tree/stepper.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def run_cell(page, number):
    """Select code cell ``number`` (from 0) and run it with Shift+Enter."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(number)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    return cell


def widget_counter(widget):
    current, _, last = widget.locator("#counter").inner_text().partition(" / ")
    return int(current), int(last)


def test_the_stepper_runs_live_in_jupyterlab_and_follows_python(browser, jupyterlab, tmp_path):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(WAIT_MS)
    page.goto(jupyterlab)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell")
    # The kernel is connected once the status bar says it is idle.
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()

    first = run_cell(page, 0)
    # Playwright's selectors reach into the widget's shadow root.
    widget = first.locator(".jp-OutputArea-output")
    widget.locator("#next").wait_for()
    assert widget_counter(widget) == (1, 31)
    shoot(page, tmp_path, "jupyterlab_start")

    while not widget.locator("#step-title").inner_text().startswith("w11"):
        assert widget.locator("#next").is_enabled(), "no step where w11's gradient is final"
        widget.locator("#next").click()
    chain = widget.locator("#chains").inner_text()
    assert "∂L/∂w11 = -0.3835" in chain and "= (-2.8995)(0.2259)(0.5854) = -0.3835" in chain
    at_w11 = widget_counter(widget)[0]
    # The page's keys step the widget (its Next button has the focus), and the notebook
    # keeps its active cell.
    page.keyboard.press("ArrowRight")
    assert widget_counter(widget)[0] == at_w11 + 1
    page.keyboard.press("ArrowLeft")
    assert widget_counter(widget)[0] == at_w11
    assert page.locator(".jp-Notebook .jp-Cell.jp-mod-active").count() == 1
    assert "jp-mod-active" in first.get_attribute("class")
    widget.locator("#chains").scroll_into_view_if_needed()
    shoot(page, tmp_path, "jupyterlab_w11_final")

    third = run_cell(page, 2)
    third.locator(".jp-OutputArea-output").wait_for()
    assert third.locator(".jp-OutputArea-output").inner_text().strip() == \
        f"Python sees step {at_w11}"

    run_cell(page, 1)  # widget.step = 5
    page.wait_for_function(
        "() => document.querySelector('.jp-OutputArea-output .jp-RenderedHTMLCommon, "
        ".jp-OutputArea-output') !== null")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-OutputArea-output *')]
                 .some((element) => element.shadowRoot
                       && element.shadowRoot.getElementById('counter')
                       && element.shadowRoot.getElementById('counter').textContent === '5 / 31')""")
    assert widget_counter(widget) == (5, 31)
    assert widget.locator("#phase").inner_text().lower() == "forward pass"
    first.scroll_into_view_if_needed()
    shoot(page, tmp_path, "jupyterlab_step_from_python")
    assert errors == []
    page.close()
