"""The README's quickstart runs as written (its ``>>>`` lines are a doctest)."""

import doctest
import pathlib

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples_run_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tutorial writes pictures into the current folder
    # Code fences would read as expected output: blank them out, keeping line numbers.
    lines = README.read_text(encoding="utf-8").splitlines()
    text = "\n".join("" if line.startswith("```") else line for line in lines)
    test = doctest.DocTestParser().get_doctest(text, {}, "README", str(README), 0)
    assert test.examples, "the README should contain >>> examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
    assert (tmp_path / "forward.png").read_bytes().startswith(b"\x89PNG")
