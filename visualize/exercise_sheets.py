"""Exercise sheets: the questions on one sheet, the worked solutions on another.

``write_sheets(exercise_set, folder)`` writes ``exercises`` and ``solutions`` as
Markdown, HTML and LaTeX (and PDF when ``pdflatex`` is installed), and a small
picture of each network (``network-N.svg`` for Markdown and HTML,
``network-N.png`` for LaTeX). A picture shows only what the student is given:
the inputs' numbers, the names of the units and weights, never a computed value.

The solutions write each derivation as the slides do (``Exercise.solution_rows``):
MathML in HTML, LaTeX in the .tex file, aligned text in Markdown; the final
answer has the exercise's decimals and is what ``Exercise.check`` accepts.
Labels are escaped in every format: HTML with ``html.escape`` (MathML with
``mathml_name``), LaTeX with ``latex_text``/``latex_name``, DOT with
``visualize.escape.html_text``.
"""

import html
import os
import pathlib
import shutil
import subprocess
import tempfile

from autograd import topological_order
from autograd.formulas import LATEX, MATHML, latex_text

from visualize import derivation
from visualize.escape import html_text
from visualize.exercises import given_text
from visualize.latex import PREAMBLE, fitted
from visualize.mistakes import number_text
from visualize.render import render
from visualize.tables import node_names
from visualize.saving import save_file
from visualize.theme import FONT

PDFLATEX_TIMEOUT = 120  # seconds; a sheet compiles in about one
# The documents' preamble (its Unicode declarations too), with margins for paper.
_SHEET_PREAMBLE = PREAMBLE + "\\usepackage[margin=2cm]{geometry}\n\\setlength{\\parindent}{0pt}\n"


# ----- pictures -------------------------------------------------------------------------------------


def _card(name, number=None):
    text = html_text(name)
    return f"<{text}<BR/>{html_text(number)}>" if number is not None else f"<{text}>"


def network_dot(network):
    """DOT source of a small picture of ``network``: only what the student is given."""
    lines = ["digraph network {", "  rankdir=LR; nodesep=0.2; ranksep=1.1; bgcolor=white; ordering=out;",
             f'  node [fontname="{FONT}", fontsize=14, shape=circle, style=filled, fillcolor="#f8fafc", '
             'margin=0.02];', f'  edge [fontname="{FONT}", fontsize=12, color="#64748b", arrowsize=0.6];']
    digits = network.given_decimals
    ids = {}

    def node(value, label, **attributes):
        ids[value] = f"n{len(ids)}"
        extra = "".join(f", {key}={item}" for key, item in attributes.items())
        lines.append(f"  {ids[value]} [label={label}{extra}];")

    if network.units:
        for value in network.units[0]:
            node(value, _card(value.label, number_text(value.data, digits)), fillcolor='"#dbeafe"')
        for layer in network.units[1:]:
            for value in layer:
                node(value, _card(value.label))
        for layer in network.units:
            # Each layer in one column, units top to bottom in their order.
            lines.append("  { rank=same; " + " -> ".join(ids[value] for value in layer)
                         + " [style=invis]; }" if len(layer) > 1 else "")
        for matrix, (before, after) in zip(network.matrices, zip(network.units, network.units[1:])):
            for i, row in enumerate(matrix):
                for j, weight in enumerate(row):
                    lines.append(f"  {ids[before[i]]} -> {ids[after[j]]} [label={_card(weight.label)}];")
        node(network.root, _card(network.root.label), shape="box", fillcolor='"#fde68a"')
        for value in network.units[-1]:
            lines.append(f"  {ids[value]} -> {ids[network.root]};")
        for label in network.given.get("Labels Y", []):
            node(label, _card(label.label, number_text(label.data, digits)), shape="box",
                 fillcolor='"#e5e7eb"')
            lines.append(f"  {ids[label]} -> {ids[network.root]} [style=dashed];")
    else:
        order = topological_order(network.root)
        names = node_names(network.root, order)  # an unlabelled node is t<row>, as on the tape
        for value in order:
            name = names[value]
            if value.is_leaf:
                node(value, _card(name, number_text(value.data, digits)), shape="box", fillcolor='"#dbeafe"')
            else:
                node(value, _card(name))
        for value in order:
            for source in value.inputs:
                lines.append(f"  {ids[source]} -> {ids[value]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _walk(exercise_set):
    """(number, exercise, its network's number where that network is first shown, else None)."""
    shown = None
    for number, exercise in enumerate(exercise_set, 1):
        first = exercise.network is not shown
        shown = exercise.network
        yield number, exercise, exercise_set.network_number(exercise) if first else None


# ----- Markdown ---------------------------------------------------------------------------------------


def _fence(text):
    """A fence longer than any run of backticks in ``text``, so no label can close it."""
    longest, run = 0, 0
    for character in text:
        run = run + 1 if character == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def _markdown_text(text):
    """Running text in Markdown: characters Markdown would read as markup escaped, HTML too."""
    escaped = html.escape(text, quote=False)
    return "".join("\\" + c if c in "\\`*_{}[]()#+!|<>" else c for c in escaped)


def _tolerance_note(exercise_set):
    first = exercise_set[0]
    return (f"Give each answer to {first.decimals} decimals. An answer counts as right within "
            f"{first.absolute_tolerance:g} or {first.relative_tolerance * 100:g}% of the value, "
            "whichever is larger.")


def markdown_sheet(exercise_set, solutions=False, pictures=None):
    """The exercise (or solution) sheet as Markdown; ``pictures[k]`` the file name of network k's picture."""
    title = "Solutions" if solutions else "Exercises"
    lines = [f"# Backpropagation: {title.lower()}", "",
             _markdown_text(f"{exercise_set.description}, seed {exercise_set.seed}. "
                            + _tolerance_note(exercise_set)), ""]
    for number, exercise, index in _walk(exercise_set):
        network = exercise.network
        if index is not None:
            lines += [f"## Network {index}: {_markdown_text(network.title)}", ""]
            if pictures:
                lines += [f"![network {index}]({pictures[index]})", ""]
            if network.formulas:
                lines += [_markdown_text(network.formulas), ""]
            lines += [f"- {_markdown_text(group)}: {_markdown_text(given_text(network, nodes))}"
                      for group, nodes in network.given.items() if nodes]
            lines.append("")
        lines += [f"**{number}.** {_markdown_text(exercise.question)}", ""]
        if solutions:
            fence = _fence(exercise.solution)
            lines += [fence + "text", exercise.solution, fence, "",
                      f"Answer: {_markdown_text(exercise.symbol)} = **{exercise.rounded}**", ""]
    return "\n".join(lines)


# ----- HTML ----------------------------------------------------------------------------------------------

_STYLE = """body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
  color: #111827; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; }
img { max-width: 100%; max-height: 16rem; display: block; margin: 0.5rem 0; }
.given { font-family: ui-monospace, monospace; font-size: 0.9rem; }
.exercise { margin: 1rem 0; } .answer { font-weight: bold; }
math[display=block] { margin: 0.5rem 0 0.5rem 1.5rem; overflow-x: auto; overflow-y: hidden;
  max-width: 100%; text-align: left; font-size: 1.05rem; }
math mtd { math-style: normal; } math mtd:first-child { text-align: right; }
math mtd:last-child { text-align: left; }
@media print { h2 { break-before: auto; } .exercise { break-inside: avoid; } }
"""


def html_sheet(exercise_set, solutions=False, pictures=None):
    """The exercise (or solution) sheet as one HTML page, every label escaped."""
    title = "Solutions" if solutions else "Exercises"

    def text(value):
        return html.escape(value, quote=True)

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Backpropagation: {title.lower()}</title><style>{_STYLE}</style></head><body>",
             f"<h1>Backpropagation: {title.lower()}</h1>",
             f"<p>{text(exercise_set.description)}, seed {exercise_set.seed}. "
             f"{text(_tolerance_note(exercise_set))}</p>"]
    for number, exercise, index in _walk(exercise_set):
        network = exercise.network
        if index is not None:
            parts.append(f"<h2>Network {index}: {text(network.title)}</h2>")
            if pictures:
                parts.append(f'<img src="{text(pictures[index])}" alt="network {index}">')
            if network.formulas:
                parts.append(f"<p>{text(network.formulas)}</p>")
            parts.append('<ul class="given">' + "".join(
                f"<li>{text(group)}: {text(given_text(network, nodes))}</li>"
                for group, nodes in network.given.items() if nodes) + "</ul>")
        parts.append(f'<div class="exercise"><p><b>{number}.</b> {text(exercise.question)}</p>')
        if solutions:
            parts.append(derivation.mathml_block(exercise.solution_rows(MATHML)))
            parts.append(f'<p class="answer">Answer: {text(exercise.symbol)} = {text(exercise.rounded)}</p>')
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# ----- LaTeX ----------------------------------------------------------------------------------------------


def latex_sheet(exercise_set, solutions=False, pictures=None):
    """The exercise (or solution) sheet as a LaTeX ``article``; ``pictures`` name PNG files."""
    title = "Solutions" if solutions else "Exercises"
    body = [f"{latex_text(exercise_set.description)}, seed {exercise_set.seed}. "
            f"{latex_text(_tolerance_note(exercise_set))}", ""]
    for number, exercise, index in _walk(exercise_set):
        network = exercise.network
        if index is not None:
            body.append(f"\\section*{{Network {index}: {latex_text(network.title)}}}")
            if pictures:
                body.append(f"\\begin{{center}}\\includegraphics[width=0.7\\linewidth,height=5cm,"
                            f"keepaspectratio]{{{pictures[index]}}}\\end{{center}}")
            if network.formulas:
                body += [latex_text(network.formulas), ""]
            body.append("\\begin{itemize}")
            body += [f"\\item {latex_text(group)}: {latex_text(given_text(network, nodes))}"
                     for group, nodes in network.given.items() if nodes]
            body.append("\\end{itemize}")
        body += ["\\medskip", f"\\textbf{{{number}.}} {latex_text(exercise.question)}", ""]
        if solutions:
            aligned = derivation.latex_block(exercise.solution_rows(LATEX), "aligned")
            body += [fitted(aligned), "",
                     f"Answer: {latex_text(exercise.symbol)} = \\textbf{{{latex_text(exercise.rounded)}}}", ""]
    return (f"\\documentclass{{article}}\n{_SHEET_PREAMBLE}\\title{{Backpropagation: {title.lower()}}}\n"
            f"\\date{{}}\n\\begin{{document}}\n\\maketitle\n" + "\n".join(body) + "\n\\end{document}\n")


def compile_pdf(tex_path, timeout=PDFLATEX_TIMEOUT):
    """Run pdflatex on ``tex_path`` in a scratch folder (no shell escape); the PDF path, or None
    when pdflatex is not installed. A failed compilation raises ``RuntimeError`` with its log."""
    program = shutil.which("pdflatex")
    if program is None:
        return None
    tex_path = pathlib.Path(tex_path)
    with tempfile.TemporaryDirectory() as scratch:
        for picture in tex_path.parent.glob("network-*.png"):
            shutil.copy(picture, scratch)
        shutil.copy(tex_path, pathlib.Path(scratch) / "sheet.tex")
        run = subprocess.run(
            [program, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "sheet.tex"],
            cwd=scratch, capture_output=True, text=True, timeout=timeout,
            env={**os.environ, "openout_any": "p", "openin_any": "p"})
        if run.returncode != 0:
            raise RuntimeError(f"pdflatex could not compile {tex_path.name}: {run.stdout[-800:]}")
        pdf = tex_path.with_suffix(".pdf")
        save_file(pdf, (pathlib.Path(scratch) / "sheet.pdf").read_bytes(), "write_sheets")
    return pdf


def write_sheets(exercise_set, folder, pdf=True):
    """Write the exercise and solution sheets (md, html, tex, and pdf if possible) and the pictures
    into ``folder``; returns the paths written."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, svgs, pngs = [], {}, {}
    for index, network in enumerate(exercise_set.networks, 1):
        source = network_dot(network)
        svgs[index], pngs[index] = f"network-{index}.svg", f"network-{index}.png"
        written.append(render(source, folder / svgs[index], format="svg"))
        written.append(render(source, folder / pngs[index], format="png"))
    for name, solutions in (("exercises", False), ("solutions", True)):
        written.append(save_file(folder / f"{name}.md", markdown_sheet(exercise_set, solutions, svgs),
                                 "write_sheets"))
        written.append(save_file(folder / f"{name}.html", html_sheet(exercise_set, solutions, svgs),
                                 "write_sheets"))
        tex = save_file(folder / f"{name}.tex", latex_sheet(exercise_set, solutions, pngs), "write_sheets")
        written.append(tex)
        if pdf:
            compiled = compile_pdf(tex)
            if compiled is not None:
                written.append(compiled)
    written += practice_pages(exercise_set, folder)
    return [pathlib.Path(path) for path in written]


def practice_pages(exercise_set, folder):
    """One page per network (``practice-1.html``, ...): the stepper in predict mode, asking
    that network's exercises and naming the likely mistake behind a wrong answer."""
    from visualize.html import export_html

    pages = []
    for index, network in enumerate(exercise_set.networks, 1):
        asked = [exercise for exercise in exercise_set if exercise.network is network]
        layout = {"model": network.model} if network.model is not None else {"groups": network.given}
        pages.append(export_html(network.root, pathlib.Path(folder) / f"practice-{index}.html",
                                 title=f"Practice: network {index}", exercises=asked, **layout))
    return pages
