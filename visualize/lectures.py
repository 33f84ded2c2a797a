"""The lecture notebooks shipped with tracegrad, and copying them out to work in.

They live in ``visualize/notebooks/`` as package data: the slides' worked example, the
calculation graph, the activation functions, the cost functions, stochastic / batch /
mini-batch descent and the hyper-parameters slide, each a short run of cells a teacher
can present and a student can change. ``tracegrad notebooks DIR`` calls
``copy_lecture_notebooks``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from visualize.saving import save_file

NOTEBOOK_SUFFIX = ".ipynb"


def lecture_notebooks() -> dict[str, str]:
    """{file name: notebook JSON text} of every shipped notebook, in lecture order."""
    folder = resources.files("visualize") / "notebooks"
    found = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(NOTEBOOK_SUFFIX)),
        key=lambda entry: entry.name,
    )
    return {entry.name: entry.read_text(encoding="utf-8") for entry in found}


class NotebookExists(FileExistsError):
    """Copying would replace notebooks already there (a student's edits, perhaps)."""

    def __init__(self, present: list[Path], total: int):
        self.present = present
        self.total = total
        super().__init__(
            f"copy_lecture_notebooks: {present[0]} is already there ({len(present)} of the "
            f"{total} notebooks are); nothing was written. Pass overwrite=True to replace "
            "them, or choose another folder."
        )


def copy_lecture_notebooks(folder, *, overwrite: bool = False) -> list[Path]:
    """Write every lecture notebook into ``folder`` (made if missing); return their paths.

    A notebook already in ``folder`` may hold a student's work, so nothing is written
    when any of them exists, unless ``overwrite=True``. Each file is written whole or
    not at all.
    """
    folder = Path(folder)
    notebooks = lecture_notebooks()
    present = [folder / name for name in notebooks if (folder / name).exists()]
    if present and not overwrite:
        raise NotebookExists(present, len(notebooks))
    folder.mkdir(parents=True, exist_ok=True)
    return [save_file(folder / name, text, "copy_lecture_notebooks")
            for name, text in notebooks.items()]
