"""Exercise sheets: Markdown, HTML, LaTeX (PDF with pdflatex); answers that check accepts; labels escaped."""

import re
import shutil

import pytest

import autograd
from conftest import IN_CI
from visualize.cli import main
from visualize.exercise_sheets import html_sheet, latex_sheet, markdown_sheet, network_dot, write_sheets
from visualize.exercises import exercises

HOSTILE = r"<script>alert(1)</script>\input{/etc/hostname}$`"


def hostile_set():
    x = autograd.Value(0.5, label=HOSTILE)
    w = autograd.Value(-1.25, label="w&<b>")
    out = (x * w).sigmoid()
    out.label = "out%</math>"
    return exercises(out, ask=[out, x, w])


def answers(markdown):
    """(question, printed answer) of every exercise of a Markdown solution sheet."""
    return re.findall(r"Answer: .* = \*\*(\S+)\*\*", markdown)


@pytest.mark.parametrize("options", [dict(count=8, seed=4), dict(graph="worked-example", count=8, seed=4),
                                     dict(graph="calc-graph", count=6, seed=4),
                                     dict(count=4, seed=4, shape="2-2-2-2", activation="tanh", bias=True)])
def test_the_printed_answers_are_what_check_accepts(options):
    sheet = exercises(options.pop("graph", None), **options)
    printed = answers(markdown_sheet(sheet, solutions=True))
    assert len(printed) == len(sheet)
    for exercise, answer in zip(sheet, printed):
        assert answer == exercise.rounded
        assert exercise.check(answer).correct
    html = html_sheet(sheet, solutions=True)
    assert all(f"= {exercise.rounded}</p>" in html for exercise in sheet)


def test_the_exercise_sheet_gives_no_answer_away():
    sheet = exercises(count=4, seed=3)
    for text in (markdown_sheet(sheet), html_sheet(sheet), latex_sheet(sheet)):
        assert "Answer" not in text
        assert "-0.7958" not in text and "−0.7958" not in text  # exercise 1's answer
    assert "0.7975" not in network_dot(sheet.networks[0])  # h1 of network 1: computed, not given


def test_the_solution_shows_the_slides_derivation():
    sheet = exercises("worked-example", count=8, seed=1)
    markdown = markdown_sheet(sheet, solutions=True)
    assert "∂L/∂v12 = ∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂h2 · ∂h2/∂q2 · ∂q2/∂v12" in markdown
    latex = latex_sheet(sheet, solutions=True)
    assert r"\frac{\partial L}{\partial v_{12}}" in latex and r"\text{path 1}" in latex
    assert "<mfrac>" in html_sheet(sheet, solutions=True)


def test_a_hostile_label_is_escaped_in_every_format():
    sheet = hostile_set()
    html = html_sheet(sheet, solutions=True)
    assert "<script" not in html and "w&<b>" not in html and "out%</math>" not in html
    assert "&lt;script&gt;" in html and "w&amp;&lt;b&gt;" in html
    markdown = markdown_sheet(sheet, solutions=True)
    # Inside ``` fences text is literal; everywhere else no tag may survive.
    running = "".join(markdown.split("```")[0::2])
    assert "<script" not in running and "<b>" not in running and "</math>" not in running
    latex = latex_sheet(sheet, solutions=True)
    assert r"\input{" not in latex and r"\textbackslash{}input\{/etc/hostname\}" in latex
    assert "<script" not in network_dot(sheet.networks[0])


def pdflatex():
    found = shutil.which("pdflatex")
    if not found:
        if IN_CI:
            pytest.fail("CI=true but pdflatex is not installed (Debian: texlive-latex-base)", pytrace=False)
        pytest.skip("pdflatex is not installed")
    return found


def test_a_label_cannot_start_a_heading_or_close_a_code_span_in_markdown():
    x = autograd.Value(0.5, label="x\n# Heading`")
    out = (x * 2.0).sigmoid()
    out.label = "out"
    markdown = markdown_sheet(exercises(out, ask=[out, x]), solutions=True)
    running = "".join(markdown.split("```")[0::2])
    assert "\n# Heading" not in running  # the newline never reaches the text: no new heading
    assert running.count("`") == 0 or "\\`" in running


def test_the_sheets_are_written_and_the_pdf_compiles(tmp_path):
    pdflatex()
    written = write_sheets(exercises(count=3, seed=2, shape="2-2-2-2", output="softmax"), tmp_path)
    names = {path.name for path in written}
    for stem in ("exercises", "solutions"):
        assert {f"{stem}.md", f"{stem}.html", f"{stem}.tex", f"{stem}.pdf"} <= names
        assert (tmp_path / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "network-1.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (tmp_path / "network-3.png").read_bytes().startswith(b"\x89PNG")


def test_a_hostile_label_compiles_and_runs_nothing(tmp_path):
    pdflatex()
    write_sheets(hostile_set(), tmp_path)
    assert (tmp_path / "solutions.pdf").exists()
    svg = (tmp_path / "network-1.svg").read_text(encoding="utf-8")
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_the_command_writes_the_same_sheet_for_the_same_seed(tmp_path, capsys):
    for folder in ("a", "b"):
        assert main(["exercises", "--seed", "5", "--count", "3", "--shape", "2-2-2", "--no-pdf",
                     "--out", str(tmp_path / folder)]) == 0
    out = capsys.readouterr().out
    assert "Wrote 3 exercises" in out and "solutions.html" in out
    for name in ("exercises.md", "solutions.md", "solutions.html", "solutions.tex"):
        assert (tmp_path / "a" / name).read_text(encoding="utf-8") == \
            (tmp_path / "b" / name).read_text(encoding="utf-8")
    assert not (tmp_path / "a" / "solutions.pdf").exists()


def test_each_network_gets_a_practice_page_asking_its_exercises(tmp_path):
    import json
    import re

    exercise_set = exercises(count=4, seed=3, shape="3-2-3")
    written = write_sheets(exercise_set, tmp_path, pdf=False)
    pages = sorted(path.name for path in written if path.name.startswith("practice-"))
    assert pages == [f"practice-{k}.html" for k in range(1, len(exercise_set.networks) + 1)]
    for number, network in enumerate(exercise_set.networks, 1):
        text = (tmp_path / f"practice-{number}.html").read_text(encoding="utf-8")
        data = json.loads(re.search(r'id="tracegrad-data">(.*?)</script>', text, re.S).group(1))
        asked = [q["prompt"] for step in data["steps"] for q in step["questions"]]
        assert sorted(asked) == sorted(e.question for e in exercise_set if e.network is network)
