"""How ``tracegrad`` fails: one line on standard error that names the option at fault, an exit
code for each kind of error, and never a traceback.

Exit codes: 2 the command line cannot be read, 3 a value is not allowed, 4 the computation
overflows with the numbers given, 5 output cannot be written, 1 a bug, 130 interrupted.
"""

import errno
import importlib
import json
import os
import pathlib
import subprocess
import sys

import pytest

from visualize.cli import main

WORKTREE = pathlib.Path(__file__).resolve().parent.parent
READ, VALUE, OVERFLOW, WRITE = 2, 3, 4, 5


def outcome(capsys, argv):
    """(exit code, stdout, stderr) of one command line, whether it returns or exits."""
    try:
        code = main(argv)
    except SystemExit as stopped:
        code = stopped.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_naming(err, named):
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("tracegrad")
    assert named in err


# (command line, exit code, what the line must name); {file} is an existing file.
BAD_COMMAND_LINES = [
    # the program and demo
    (["no-such-command"], READ, "no-such-command"),
    (["--bogus"], READ, "--bogus"),
    (["demo", "extra"], READ, "extra"),
    (["demo", "--foo"], READ, "--foo"),
    # worked-example
    (["worked-example", "--digits", "0"], VALUE, "--digits"),
    (["worked-example", "--digits", "13"], VALUE, "--digits"),
    (["worked-example", "--digits", "1.5"], READ, "--digits"),
    (["worked-example", "--digits", ""], READ, "--digits"),
    (["worked-example", "--learning-rate", "-1"], VALUE, "--learning-rate"),
    (["worked-example", "--learning-rate", "0"], VALUE, "--learning-rate"),
    (["worked-example", "--eta", "nan"], VALUE, "--learning-rate"),
    (["worked-example", "--learning-rate", "inf"], VALUE, "--learning-rate"),
    (["worked-example", "--learning-rate", "1e999"], VALUE, "--learning-rate"),
    (["worked-example", "--learning-rate", "abc"], READ, "--learning-rate"),
    (["worked-example", "--out"], READ, "--out"),
    (["worked-example", "--out", ""], VALUE, "--out"),
    (["worked-example", "--size", "800x600"], READ, "--size"),
    (["notebooks"], READ, "DIR"),
    (["notebooks", ""], VALUE, "DIR"),
    (["notebooks", "{file}"], WRITE, "DIR"),
    (["calc-graph", "--size", ""], READ, "--size"),
    (["worked-example", "--out", "{file}"], WRITE, "--out"),
    (["worked-example", "--json", "--out", "{file}/pictures"], WRITE, "--out"),
    # calc-graph
    (["calc-graph", "--x1", "nan"], VALUE, "--x1"),
    (["calc-graph", "--w1", "inf"], VALUE, "--w1"),
    (["calc-graph", "--y=-inf"], VALUE, "--y"),
    (["calc-graph", "--w1", "-1e-3"], READ, "--w1"),
    (["calc-graph", "--w2", "abc"], READ, "--w2"),
    (["calc-graph", "--x2", ""], READ, "--x2"),
    (["calc-graph", "--lr", "1"], READ, "--lr"),
    (["calc-graph", "--y", "1e155"], OVERFLOW, "--y"),
    (["calc-graph", "--json", "--y", "1e155"], OVERFLOW, "--y"),
    (["calc-graph", "--x1", "1e308", "--w1", "1e10"], OVERFLOW, "--x1"),
    (["calc-graph", "--w1", "1e308", "--w2", "1e308", "--x1", "1", "--x2", "1"], OVERFLOW, "--w2"),
    (["calc-graph", "--y", "1e100", "--x1", "1e300", "--w1", "1e-300"], OVERFLOW, "--x1"),
    (["calc-graph", "--json", "--learning-rate", "1e308", "--y", "10"], OVERFLOW, "--learning-rate"),
    (["calc-graph", "--digits", "-1"], VALUE, "--digits"),
    (["calc-graph", "--out", "{file}"], WRITE, "--out"),
    # train: values
    (["train", "--dataset", "xor", "--samples", "10"], VALUE, "--samples"),
    (["train", "--noise", "-1"], VALUE, "--noise"),
    (["train", "--noise", "1e308"], VALUE, "--noise"),
    (["train", "--noise", "nan"], VALUE, "--noise"),
    (["train", "--noise", "abc"], READ, "--noise"),
    (["train", "--lr", "0"], VALUE, "--lr"),
    (["train", "--lr", "-1"], VALUE, "--lr"),
    (["train", "--lr", "nan"], VALUE, "--lr"),
    (["train", "--lr", "1e300", "--no-plots"], OVERFLOW, "--lr"),
    (["train", "--hidden", "20000,20000"], VALUE, "--hidden"),
    (["train", "--hidden", "0"], VALUE, "--hidden"),
    (["train", "--hidden", "8,-4"], VALUE, "--hidden"),
    (["train", "--hidden", "8,x"], READ, "--hidden"),
    (["train", "--hidden", "8,,8"], READ, "--hidden"),
    (["train", "--hidden", ""], READ, "--hidden"),
    (["train", "--samples", "3"], VALUE, "--samples"),
    (["train", "--samples", "1000000"], VALUE, "--samples"),
    (["train", "--samples", "1" + "0" * 5000], READ, "--samples"),
    (["train", "--epochs", "0"], VALUE, "--epochs"),
    (["train", "--epochs", "1000000"], VALUE, "--epochs"),
    (["train", "--seed", "-1"], VALUE, "--seed"),
    (["train", "--seed", "1e3"], READ, "--seed"),
    (["train", "--dataset", "mnist"], READ, "--dataset"),
    (["train", "--optimizer", "sgdd"], READ, "--optimizer"),
    (["train", "--mode", "fast"], READ, "--mode"),
    (["train", "--activation", "gelu"], READ, "--activation"),
    # train: combinations and sizes
    (["train", "--mode", "batch", "--batch-size", "8"], VALUE, "--batch-size"),
    (["train", "--mode", "stochastic", "--batch-size", "1"], VALUE, "--batch-size"),
    (["train", "--batch-size", "0"], VALUE, "--batch-size"),
    (["train", "--batch-size", "1000", "--no-plots"], VALUE, "--batch-size"),
    (["train", "--mode", "batch", "--samples", "100000", "--no-plots"], VALUE, "--samples"),
    (["train", "--samples", "100000", "--epochs", "100000", "--no-plots"], VALUE, "--epochs"),
    (["train", "--no-plots", "--out", "pictures"], VALUE, "--out"),
    # train: output
    (["train", "--out", ""], VALUE, "--out"),
    (["train", "--out", "{file}"], WRITE, "--out"),
    (["train", "--out", "{file}/pictures"], WRITE, "--out"),
    # exercises
    (["exercises"], READ, "--out"),
    (["exercises", "--out", ""], VALUE, "--out"),
    (["exercises", "--out", "{file}"], WRITE, "--out"),
    (["exercises", "--out", "sheet", "--shape", "3-x-3"], READ, "--shape"),
    (["exercises", "--out", "sheet", "--shape", "3"], READ, "--shape"),
    (["exercises", "--out", "sheet", "--shape", "3-20-3"], VALUE, "--shape"),
    (["exercises", "--out", "sheet", "--shape", "3-0-3"], VALUE, "--shape"),
    (["exercises", "--out", "sheet", "--count", "0"], VALUE, "--count"),
    (["exercises", "--out", "sheet", "--count", "1000"], VALUE, "--count"),
    (["exercises", "--out", "sheet", "--count", "two"], READ, "--count"),
    (["exercises", "--out", "sheet", "--seed=-1"], VALUE, "--seed"),
    (["exercises", "--out", "sheet", "--decimals", "0"], VALUE, "--decimals"),
    (["exercises", "--out", "sheet", "--learning-rate", "nan"], VALUE, "--learning-rate"),
    (["exercises", "--out", "sheet", "--activation", "gelu"], READ, "--activation"),
    (["exercises", "--out", "sheet", "--output", "identity"], VALUE, "--output"),
    (["exercises", "--out", "sheet", "--shape", "3-2-1"], VALUE, "--output"),
    (["exercises", "--out", "sheet", "--kinds", "forward,backward"], READ, "--kinds"),
    (["exercises", "--out", "sheet", "--graph", "mnist"], READ, "--graph"),
]


@pytest.mark.parametrize("argv, code, named", BAD_COMMAND_LINES,
                         ids=[" ".join(argv)[:60] for argv, _, _ in BAD_COMMAND_LINES])
def test_a_bad_command_line_is_one_line_naming_the_option(capsys, tmp_path, monkeypatch, argv, code, named):
    monkeypatch.chdir(tmp_path)  # a default --out would land here
    (tmp_path / "a_file").write_text("not a folder")
    argv = [word.replace("{file}", str(tmp_path / "a_file")) for word in argv]
    exit_code, out, err = outcome(capsys, argv)
    assert_one_line_naming(err, named)
    assert exit_code == code
    if exit_code != OVERFLOW or "train" not in argv:
        assert out == ""  # refused before anything was printed (training prints as it goes)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a_file"]  # nothing written


def test_the_line_says_what_is_allowed_and_what_was_given(capsys):
    _, _, err = outcome(capsys, ["train", "--noise", "-1"])
    assert err == "tracegrad train: error: --noise must be a finite number >= 0 and <= 100, got -1\n"
    _, _, err = outcome(capsys, ["train", "--mode", "batch", "--batch-size", "8"])
    assert err == ("tracegrad train: error: --batch-size goes with --mode mini-batch only; "
                   "--mode batch updates after the whole set\n")
    _, _, err = outcome(capsys, ["train", "--hidden", "20000,20000"])
    assert err == ("tracegrad train: error: --hidden 20000,20000 makes 400,120,002 weights; "
                   "a scalar engine takes at most 100,000\n")


def test_an_unreadable_command_line_points_to_the_commands_help(capsys):
    _, _, err = outcome(capsys, ["train", "--hidden", "8,x"])
    assert err == ("tracegrad train: error: argument --hidden: expected widths separated by commas, "
                   "such as 16,16; got '8,x' (see tracegrad train --help)\n")


def test_a_negative_number_after_a_space_is_told_to_use_equals(capsys):
    _, _, err = outcome(capsys, ["calc-graph", "--w1", "-1e-3"])
    assert "argument --w1: expected one argument (a value that starts with '-' goes after '='" in err
    code, out, _ = outcome(capsys, ["calc-graph", "--json", "--w1=-1e-3"])
    assert code == 0 and json.loads(out)["w"]["w1"] == -1e-3


def test_a_refused_text_is_repeated_cut_short(capsys):
    _, _, err = outcome(capsys, ["calc-graph", "--x1", "x" * 10_000])
    assert len(err) < 200 and "xxx…" in err


def test_an_overflow_names_the_numbers_and_the_node(capsys):
    code, out, err = outcome(capsys, ["calc-graph", "--y", "1e155"])
    assert code == OVERFLOW and out == ""
    assert "with --y 1e+155" in err and "label 'y-h'" in err and "choose smaller numbers" in err


def test_a_step_that_overflows_is_refused_instead_of_printing_infinity(capsys):
    code, out, err = outcome(capsys, ["calc-graph", "--json", "--learning-rate", "1e308", "--y", "10"])
    assert (code, out) == (OVERFLOW, "")
    assert "--learning-rate 1e+308 takes w0 beyond a 64-bit float" in err


def test_json_output_is_standard_json_at_the_edge_of_the_floats(capsys):
    code, out, _ = outcome(capsys, ["calc-graph", "--json", "--y", "1e154", "--learning-rate", "1e-300"])
    assert code == 0

    def refuse(token):
        raise AssertionError(f"non-standard JSON token {token}")

    data = json.loads(out, parse_constant=refuse)
    assert data["loss"] == pytest.approx(1e308)


def test_training_that_diverges_says_which_learning_rate(capsys, tmp_path):
    code, out, err = outcome(capsys, ["train", "--lr", "1e300", "--out", str(tmp_path), "--quiet"])
    assert code == OVERFLOW
    assert_one_line_naming(err, "training diverged with --lr 1e+300 (adam)")
    assert "try a smaller --lr" in err
    assert "Training an MLP" in out and list(tmp_path.iterdir()) == []


def test_pictures_that_cannot_be_written_after_training_name_out(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("visualize.plots.loss_curve", full_disk)
    code, _, err = outcome(capsys, ["train", "--samples", "8", "--epochs", "1", "--hidden", "2",
                                    "--out", str(tmp_path)])
    assert code == WRITE
    assert_one_line_naming(err, "--out: could not write into")
    assert "No space left on device" in err


def test_a_missing_renderer_is_one_line_naming_out(capsys, tmp_path, monkeypatch):
    render_module = importlib.import_module("visualize.render")  # visualize.render is the function

    def no_renderer(*args, **kwargs):
        raise render_module.RendererNotFound("no `dot` program was found")

    monkeypatch.setattr(render_module, "render", no_renderer)
    code, _, err = outcome(capsys, ["calc-graph", "--out", str(tmp_path)])
    assert code == WRITE
    assert_one_line_naming(err, "--out: could not write the pictures")
    assert "no `dot` program was found" in err


def test_a_bug_is_one_line_asking_for_a_report(capsys, monkeypatch):
    def broken(args):
        raise TypeError("something tracegrad did not expect\non two lines")

    monkeypatch.setattr("visualize.cli.demo.run", broken)
    monkeypatch.delenv("TRACEGRAD_DEBUG", raising=False)
    code, _, err = outcome(capsys, ["demo"])
    assert code == 1
    assert_one_line_naming(err, "unexpected TypeError: something tracegrad did not expect on two lines")
    assert "bug in tracegrad" in err and "TRACEGRAD_DEBUG=1" in err


def test_tracegrad_debug_shows_the_traceback_of_a_bug(monkeypatch):
    def broken(args):
        raise TypeError("a bug")

    monkeypatch.setattr("visualize.cli.demo.run", broken)
    monkeypatch.setenv("TRACEGRAD_DEBUG", "1")
    with pytest.raises(TypeError, match="a bug"):
        main(["demo"])


def test_ctrl_c_is_one_line_and_the_shells_code(capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr("visualize.cli.demo.run", interrupted)
    code, _, err = outcome(capsys, ["demo"])
    assert code == 130 and err == "tracegrad demo: error: interrupted\n"


# ----- a real process: standard output that fails, a terminal that cannot show σ -----------------


def tracegrad(*argv, **options):
    """Run ``python -m visualize.cli`` from this checkout; returns the CompletedProcess."""
    environment = {**os.environ, "PYTHONPATH": str(WORKTREE), **options.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "visualize.cli", *argv], env=environment,
                          stderr=subprocess.PIPE, text=True, timeout=120, **options)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full to simulate a full disk")
@pytest.mark.parametrize("argv", [["calc-graph"], ["worked-example", "--json"], ["demo"], [],
                                  ["--help"], ["--version"], ["train", "--help"]])
def test_a_full_disk_on_standard_output_is_one_line(argv):
    with open("/dev/full", "w") as full:
        result = tracegrad(*argv, stdout=full)
    assert result.returncode == WRITE
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.endswith("error: cannot write to standard output: No space left on device\n")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full to simulate a full disk")
def test_an_error_that_cannot_be_shown_still_exits_with_its_own_code():
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "visualize.cli", "train", "--epochs", "x"],
                                env={**os.environ, "PYTHONPATH": str(WORKTREE)}, stderr=full,
                                timeout=120)
    assert result.returncode == READ


def test_a_terminal_that_cannot_encode_sigma_gets_escapes_not_a_traceback():
    result = tracegrad("calc-graph", stdout=subprocess.PIPE, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and result.stderr == ""
    assert "h(x) = \\u03c3(w0" in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="other file systems refuse names that are not UTF-8")
def test_an_undecodable_folder_name_is_written_and_listed(tmp_path):
    folder = os.fsdecode(os.fsencode(str(tmp_path)) + b"/pictures-\xff")
    result = tracegrad("calc-graph", "--json", "--out", folder, stdout=subprocess.PIPE,
                       env={"PYTHONIOENCODING": "utf-8:strict"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "pictures-" in result.stderr
    assert (pathlib.Path(folder) / "calc_graph.html").exists()
