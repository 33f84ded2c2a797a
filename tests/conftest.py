"""Shared test helpers: the oracles (PyTorch, a browser) and their CI rule.

Locally a missing oracle skips its tests with a reason. With ``CI=true`` the
oracles must be installed (``.ci/run`` does it) and a missing one fails.
"""

import importlib
import os

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
