"""The ``tracegrad`` command: what a student sees, what scripts parse, how it fails."""

import json
import math
import subprocess
import sys

import pytest

import autograd
from conftest import require_module
from nn.examples import calc_graph_example, worked_example
from visualize.cli import main

SLIDES_X = [0.35, 0.20, 0.50]
SLIDES_V = [[0.4963, 0.7682], [0.0885, 0.1320], [0.3074, 0.6341]]
SLIDES_W = [[0.4901, 0.8964, 0.4556], [0.6323, 0.3489, 0.4017]]


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ----- tracegrad worked-example ------------------------------------------------------------------


def test_worked_example_prints_every_forward_number_next_to_the_slides(capsys):
    code, out, _ = run(capsys, "worked-example")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.split()}
    for name, exact, printed in [("q1", "0.3451", "0.3451"), ("h2", "0.6485", "0.6485"),
                                 ("z1", "0.6969", "0.6969"), ("p1", "0.3449", "0.3449"),
                                 ("p2", "0.3641", "36.4%")]:
        assert exact in rows[name] and printed in rows[name]
    assert "1.0645" in rows["L"]


def test_worked_example_prints_gradients_and_the_step_at_eta_one_half(capsys):
    _, out, _ = run(capsys, "worked-example")
    w11 = next(line.split() for line in out.splitlines() if line.startswith("w11 "))
    assert w11[:4] == ["w11", "0.4901", "-0.3835", "0.6819"]
    labels = {line.split()[0] for line in out.splitlines() if line.split()}
    assert {f"w{j}{k}" for j in (1, 2) for k in (1, 2, 3)} <= labels
    assert {f"v{i}{j}" for i in (1, 2, 3) for j in (1, 2)} <= labels
    assert "∂L/∂w11 = ∂L/∂p1 · ∂p1/∂z1 · ∂z1/∂w11" in out and "= −1/0.3449 · e^{0.6969}" in out


def test_worked_example_flags_where_the_slides_differ(capsys):
    _, out, _ = run(capsys, "worked-example")
    differences = out.split("Where the slides differ")[1]
    assert "prints 0.6458, but σ(0.6123) = 0.6485" in differences
    assert "prints 0.6343, but v32 is 0.6341" in differences
    assert "prints 0.7511" in differences
    assert "prints 0.3449" not in differences  # p1 is right


def test_worked_example_json_has_the_promised_keys_and_numbers(capsys):
    code, out, _ = run(capsys, "worked-example", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"x", "q", "h", "z", "p", "loss", "grad", "updated", "slide_differences"}
    assert data["x"] == SLIDES_X
    assert data["loss"] == pytest.approx(1.0645, abs=5e-5)
    assert data["grad"]["W"][0][0] == pytest.approx(-0.3835, abs=5e-5)
    assert data["updated"]["W"][0][0] == pytest.approx(0.6819, abs=5e-5)
    assert [len(row) for row in data["grad"]["V"]] == [2, 2, 2]
    assert [len(row) for row in data["updated"]["W"]] == [3, 3]
    for matrix, start in (("W", SLIDES_W), ("V", SLIDES_V)):
        for before, gradient, after in zip(start, data["grad"][matrix], data["updated"][matrix]):
            assert after == pytest.approx([b - 0.5 * g for b, g in zip(before, gradient)])
    misprints = {d["name"]: d for d in data["slide_differences"] if d["misprint"]}
    assert misprints["h2"]["printed"] == "0.6458"
    assert misprints["h2"]["exact"] == pytest.approx(0.6485, abs=5e-5)


def test_worked_example_json_gradients_match_pytorch(capsys, torch):
    _, out, _ = run(capsys, "worked-example", "--json")
    data = json.loads(out)
    x = torch.tensor([SLIDES_X])
    V = torch.tensor(SLIDES_V, requires_grad=True)
    W = torch.tensor(SLIDES_W, requires_grad=True)
    p = torch.softmax(torch.sigmoid(x @ V) @ W, dim=1)
    loss = -torch.log(p[0, 0])
    loss.backward()
    assert data["loss"] == pytest.approx(loss.item(), rel=1e-12)
    for matrix, tensor in (("W", W), ("V", V)):
        for ours, theirs in zip(data["grad"][matrix], tensor.grad.tolist()):
            assert ours == pytest.approx(theirs, rel=1e-9)


def test_worked_example_takes_another_learning_rate(capsys):
    _, out, _ = run(capsys, "worked-example", "--json", "--learning-rate", "0.1")
    data = json.loads(out)
    assert data["updated"]["W"][0][0] == pytest.approx(0.4901 - 0.1 * data["grad"]["W"][0][0])


# ----- tracegrad calc-graph ----------------------------------------------------------------------


def test_calc_graph_matches_the_hand_computation(capsys):
    code, out, _ = run(capsys, "calc-graph", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["forward"]["h"] == pytest.approx(0.5)
    assert data["loss"] == pytest.approx(0.25)
    assert [data["grad"][w] for w in ("w0", "w1", "w2")] == pytest.approx([-0.25, -0.125, 0.5])
    assert data["updated"]["w1"] == pytest.approx(0.5 + 0.5 * 0.125)


def test_calc_graph_takes_other_numbers(capsys):
    _, out, _ = run(capsys, "calc-graph", "--json", "--x1", "1", "--x2", "2", "--y", "0",
                    "--w0", "-0.5", "--w1", "0.3", "--w2", "-0.1")
    data = json.loads(out)
    h = 1 / (1 + math.exp(-(-0.5 + 0.3 * 1 + -0.1 * 2)))
    assert data["forward"]["h"] == pytest.approx(h)
    # dl/dw = -2 (y - h) h (1 - h) x
    assert data["grad"]["w2"] == pytest.approx(-2 * (0 - h) * h * (1 - h) * 2)


def test_calc_graph_text_shows_values_gradients_and_a_chain(capsys):
    _, out, _ = run(capsys, "calc-graph")
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.split()}
    assert rows["l"][-2:] == ["0.2500", "1.0000"]
    assert rows["w1"][-3:] == ["0.5000", "-0.1250", "0.5625"]
    assert "∂l/∂(y-h) · ∂(y-h)/∂h · ∂h/∂s · ∂s/∂w1x1 · ∂w1x1/∂w1" in out


# ----- tracegrad demo ----------------------------------------------------------------------------


def test_demo_walks_a_small_graph(capsys):
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "gradcheck: all gradients agree" in out
    assert "dc/da: 2 paths from a to c" in out
    assert "dc/da = 0.0707" in out


# ----- tracegrad train ---------------------------------------------------------------------------


def test_train_reports_loss_and_accuracy_without_pictures(capsys):
    code, out, _ = run(capsys, "train", "--dataset", "xor", "--samples", "8", "--epochs", "3",
                       "--hidden", "4", "--optimizer", "sgd", "--mode", "batch", "--no-plots")
    assert code == 0
    assert "optimiser sgd" in out and "mode batch" in out
    assert "training accuracy after the last epoch:" in out
    assert "3 updates" in out  # batch mode: one update per epoch


def test_train_writes_a_loss_curve_and_a_decision_boundary(capsys, tmp_path):
    require_module("matplotlib", "the training pictures")
    code, out, _ = run(capsys, "train", "--samples", "20", "--epochs", "2", "--hidden", "3",
                       "--mode", "stochastic", "--out", str(tmp_path))
    assert code == 0
    for name in ("loss_curve.png", "decision_boundary.png"):
        picture = tmp_path / name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(picture) in out


def test_train_without_matplotlib_says_how_to_get_it_and_still_trains(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    code, out, err = run(capsys, "train", "--samples", "8", "--epochs", "1", "--hidden", "2",
                         "--out", str(tmp_path))
    assert code == 0
    assert "training accuracy" in out
    assert "pip install 'tracegrad[plot]'" in err
    assert list(tmp_path.iterdir()) == []


# ----- help and bad arguments --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["demo", "worked-example", "calc-graph", "train"])
def test_every_command_has_help_with_an_example(capsys, command):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and f"tracegrad {command}" in out


def test_an_out_folder_that_cannot_be_made_is_one_clear_error(capsys, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    code, _, err = run(capsys, "calc-graph", "--out", str(blocker / "pictures"))
    assert code == 5  # output cannot be written; every other bad argument is in test_cli_errors.py
    assert err.startswith("tracegrad calc-graph: error: --out") and "Traceback" not in err


def test_the_module_runs_as_a_program():
    result = subprocess.run([sys.executable, "-m", "visualize.cli", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"tracegrad {autograd.__version__}"


# ----- pictures ------------------------------------------------------------------------------------


def test_out_writes_pictures_frames_and_the_page(capsys, tmp_path):
    code, out, err = run(capsys, "calc-graph", "--out", str(tmp_path))
    assert code == 0, err
    for mode in ("forward", "backward"):
        svg = (tmp_path / f"calc_graph_{mode}.svg").read_text()
        assert "<svg" in svg and "w1" in svg
        assert (tmp_path / f"calc_graph_{mode}.png").read_bytes()[:4] == b"\x89PNG"
    # one frame per backward step: every node but the constant label y
    nodes = [node for node in autograd.topological_order(calc_graph_example().loss) if not node.is_constant]
    assert len(list((tmp_path / "calc_graph_steps").glob("*.png"))) == len(nodes)
    assert "<svg" in (tmp_path / "calc_graph.html").read_text()
    assert "interactive page" in out


def test_the_example_builders_are_not_changed_by_the_command(capsys):
    before = [p.data for p in worked_example().model.parameters()]
    run(capsys, "worked-example", "--json")
    assert [p.data for p in worked_example().model.parameters()] == before


def test_a_closed_pipe_ends_quietly_without_a_traceback():
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "visualize.cli", "worked-example"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader is gone before the first line, as with `| head -0`
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 5  # output could not be written, said by the code alone
    assert errors == b""


def test_out_with_a_projector_size_fills_it_and_notes_text_too_small_once(capsys, tmp_path):
    code, _, err = run(capsys, "worked-example", "--out", str(tmp_path), "--size", "1280x720")
    assert code == 0, err
    header = (tmp_path / "worked_example_backward.png").read_bytes()[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    assert width <= 1280 and height <= 720 and (width == 1280 or height == 720)
    # The worked example holds too much for 1280x720: said once, as a note, not as warnings.
    notes = err.splitlines()
    assert len(notes) == 1 and "Warning" not in err
    assert notes[0].startswith("tracegrad worked-example: note: --size 1280x720: at 1280×720")
    assert "16 px a projector needs" in notes[0]


def test_the_calc_graph_is_readable_at_1920x1080_without_a_note(capsys, tmp_path):
    code, _, err = run(capsys, "calc-graph", "--out", str(tmp_path), "--size", "1920x1080")
    assert code == 0 and err == ""
