"""How the packages lean on each other: ``nn`` and ``visualize`` use only ``autograd``'s
public names, and the engine needs nothing but Python.

Read from the source with ``ast``, so a private reach (``autograd.ops._unary``, a module
of the engine that is not public) fails here instead of in a later refactoring.
"""

import ast
import pathlib

import pytest

import autograd

ROOT = pathlib.Path(__file__).resolve().parent.parent
PUBLIC_MODULES = {"autograd", "autograd.formulas"}


def python_files(package):
    return sorted((ROOT / package).rglob("*.py"))


def autograd_uses(path):
    """(line, module, name) for each name taken from autograd in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "autograd":
            uses.extend((node.lineno, node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            uses.extend((node.lineno, alias.name, None) for alias in node.names
                        if alias.name.split(".")[0] == "autograd")
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "autograd"):
            uses.append((node.lineno, "autograd", node.attr))
    return uses


@pytest.mark.parametrize("package", ["nn", "visualize"])
def test_nn_and_visualize_use_only_autograds_public_names(package):
    wrong = []
    for path in python_files(package):
        for line, module, name in autograd_uses(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if name is not None and name.startswith("__") and name.endswith("__"):
                continue  # __version__ and the like are public by convention
            if module not in PUBLIC_MODULES:
                wrong.append(f"{where} imports the engine's inner module {module}")
            elif module == "autograd" and name is not None and name not in autograd.__all__:
                wrong.append(f"{where} uses autograd.{name}, which autograd does not export")
            elif name is not None and name.startswith("_"):
                wrong.append(f"{where} uses the private {module}.{name}")
    assert wrong == []


def test_the_engine_imports_only_the_standard_library():
    import sys

    allowed = set(sys.stdlib_module_names) | {"autograd", "__future__"}
    outside = []
    for path in python_files("autograd"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            outside += [f"{path.name}: {name}" for name in names if name.split(".")[0] not in allowed]
    assert outside == []
