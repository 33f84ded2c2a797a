"""The page's script is lint-clean: ESLint's recommended rules, for a browser script.

ESLint is the oracle here, from the npm registry: ``.ci/run`` installs it into an npm
prefix named by ``TRACEGRAD_ESLINT_HOME``. Locally without it the test skips; with
``CI=true`` it must run. The script is linted beside a config written for the test,
because ESLint only lints files under its config's folder.
"""

import os
import pathlib
import shutil
import subprocess

import pytest
from conftest import IN_CI

PAGE = pathlib.Path(__file__).resolve().parent.parent / "visualize" / "page"

CONFIG = """\
const { createRequire } = require("module");
const load = createRequire(%s);
const js = load("@eslint/js");
const globals = load("globals");
module.exports = [
  js.configs.recommended,
  { languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: { ...globals.browser } } },
  { files: ["*.mjs"], languageOptions: { sourceType: "module" } },
];
"""


def eslint_home():
    home = os.environ.get("TRACEGRAD_ESLINT_HOME")
    if home and (pathlib.Path(home) / "node_modules" / ".bin" / "eslint").exists():
        return pathlib.Path(home)
    message = ("ESLint is not installed (npm install --prefix DIR eslint@9 @eslint/js@9 globals, "
               "then TRACEGRAD_ESLINT_HOME=DIR); it is the oracle for a lint-clean page script")
    if IN_CI:
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


def lint(home, folder, *scripts):
    (folder / "eslint.config.cjs").write_text(CONFIG % repr(str(home / "package.json")),
                                              encoding="utf-8")
    return subprocess.run([str(home / "node_modules" / ".bin" / "eslint"), *scripts],
                          cwd=folder, capture_output=True, text=True, timeout=120)


def test_the_page_script_passes_eslints_recommended_rules(tmp_path):
    home = eslint_home()
    shutil.copy(PAGE / "page.js", tmp_path / "page.js")
    result = lint(home, tmp_path, "page.js")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_notebook_widgets_module_passes_them_too(tmp_path):
    # anywidget loads page.js and widget.js as one ES module (visualize.stepper).
    home = eslint_home()
    module = (PAGE / "page.js").read_text(encoding="utf-8") + "\n" + (
        PAGE / "widget.js").read_text(encoding="utf-8")
    (tmp_path / "widget.mjs").write_text(module, encoding="utf-8")
    result = lint(home, tmp_path, "widget.mjs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_does_catch_a_mistake(tmp_path):
    home = eslint_home()
    (tmp_path / "wrong.js").write_text("var unused = 1;\nundefinedFunction();\n", encoding="utf-8")
    result = lint(home, tmp_path, "wrong.js")
    assert result.returncode == 1
    assert "no-unused-vars" in result.stdout and "no-undef" in result.stdout
