"""Every ``>>>`` example in the packages' docstrings runs as written."""

import doctest
import importlib
import pkgutil

import pytest

import autograd
import nn
import visualize


def _modules_with_examples():
    finder = doctest.DocTestFinder()
    for package in (autograd, nn, visualize):
        names = [package.__name__]
        names += [info.name for info in pkgutil.iter_modules(package.__path__, package.__name__ + ".")]
        for name in names:
            module = importlib.import_module(name)
            if any(test.examples for test in finder.find(module)):
                yield name


@pytest.mark.parametrize("module_name", sorted(_modules_with_examples()))
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0 and result.failed == 0
