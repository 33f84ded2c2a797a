"""Shared test helpers: the oracles (PyTorch, a browser) and their CI rule.

Locally a missing oracle skips its tests with a reason. With ``CI=true`` the
oracles must be installed (``.ci/run`` does it) and a missing one fails.
"""

import importlib
import os
import pathlib

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_module(name, why):
    """Import ``name`` or skip (locally) / fail (in CI) saying ``why`` it is needed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"{name} is not installed; it is the oracle for {why}"
        if IN_CI:
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def torch():
    module = require_module("torch", "gradients compared with PyTorch")
    module.set_default_dtype(module.float64)
    return module


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


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright: the oracle for the pages and the notebook."""
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


def shoot(page, tmp_path, name):
    """A screenshot for a human: in the test's folder and in $PAGE_SHOTS if set."""
    page.screenshot(path=str(tmp_path / f"{name}.png"))
    folder = os.environ.get("PAGE_SHOTS")
    if folder:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(pathlib.Path(folder) / f"{name}.png"))


@pytest.fixture
def open_page(browser):
    """Open a page file in a window of the given size, recording dialogs and script errors."""
    opened = []

    def opener(path, size=(1600, 900)):
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
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
