"""Saving and loading models: exact round trips, and broken or hostile files refused cleanly."""

import json
import os

import pytest

import nn
from nn import MLP, Layer
from nn.examples import worked_example
from nn.serialization import (
    FORMAT,
    FORMAT_VERSION,
    ModelFileError,
    from_dict,
    load,
    load_into,
    save,
    to_dict,
)


@pytest.fixture
def model():
    net = MLP(3, [4, 2], activation="relu", output_activation="softmax", seed=11, dropout=0.25)
    for k, layer in enumerate(net.layers):
        layer.set_biases([0.1 * (j - k) for j in range(layer.nout)])
    return net


@pytest.fixture
def saved(model):
    return to_dict(model)


def outputs(net, x):
    net.eval()
    return [v.data for v in net(x)]


# ----- round trips -------------------------------------------------------------------


def test_a_file_round_trip_gives_back_the_same_model(model, tmp_path):
    path = tmp_path / "model.json"
    nn.save(model, path)
    again = nn.load(path)
    assert isinstance(again, MLP)
    assert again.weights_as_rows() == model.weights_as_rows()  # exact, not approximate
    assert [layer.biases_as_list() for layer in again.layers] == [layer.biases_as_list() for layer in model.layers]
    assert again.activations == ["relu", "softmax"]
    assert again.dropout == 0.25
    assert [n for n, _ in again.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert outputs(again, [0.1, -0.2, 0.3]) == outputs(model, [0.1, -0.2, 0.3])


def test_the_file_is_json_with_format_and_version(model, tmp_path):
    path = tmp_path / "model.json"
    save(model, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT == "tracegrad-model"
    assert data["version"] == FORMAT_VERSION == 1
    assert data["model"]["layers"][0]["weights"] == model.layers[0].weights_as_rows()
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left over


def test_the_worked_example_keeps_its_slide_names():
    example = worked_example()
    again = from_dict(to_dict(example.model))
    assert [n for n, _ in again.named_parameters()] == [n for n, _ in example.model.named_parameters()]
    hidden, output = again.layers
    assert [v.label for v in hidden([0.35, 0.2, 0.5])] == ["h1", "h2"]
    assert round(output(hidden([0.35, 0.2, 0.5]))[0].data, 4) == 0.3449


def test_a_single_layer_round_trips(tmp_path):
    layer = Layer(2, 3, activation="tanh", weight_name="w", seed=2)
    layer.set_biases([1.0, 2.0, 3.0])
    save(layer, tmp_path / "layer.json")
    again = load(tmp_path / "layer.json")
    assert isinstance(again, Layer)
    assert again.weights_as_rows() == layer.weights_as_rows()
    assert again.biases_as_list() == [1.0, 2.0, 3.0]


def test_a_model_without_biases_round_trips():
    net = MLP(2, [2, 1], bias=False, seed=0)
    again = from_dict(to_dict(net))
    assert not again.layers[0].has_bias and again.weights_as_rows() == net.weights_as_rows()


def test_load_into_copies_weights_into_a_matching_model(model, tmp_path):
    save(model, tmp_path / "model.json")
    other = MLP(3, [4, 2], activation="relu", output_activation="softmax", seed=99, dropout=0.25)
    parameters = other.parameters()
    load_into(other, tmp_path / "model.json")
    assert other.weights_as_rows() == model.weights_as_rows()
    assert other.parameters() == parameters  # the same Value objects, now holding the saved numbers


def test_load_into_refuses_another_architecture_and_changes_nothing(saved):
    other = MLP(3, [5, 2], seed=0)
    before = other.weights_as_rows()
    with pytest.raises(ModelFileError, match="does not match"):
        load_into(other, saved)
    assert other.weights_as_rows() == before


def test_only_models_can_be_saved(tmp_path):
    with pytest.raises(TypeError, match="MLP or a Layer"):
        save(nn.Neuron(2), tmp_path / "neuron.json")
    assert not (tmp_path / "neuron.json").exists()


# ----- broken files -------------------------------------------------------------------


def edited(saved, change):
    data = json.loads(json.dumps(saved))
    change(data)
    return data


def first_layer(data):
    return data["model"]["layers"][0]


BROKEN_DATA = {
    "wrong format": (lambda d: d.update(format="pickle"), "format: expected 'tracegrad-model'"),
    "newer version": (lambda d: d.update(version=2), "version 2 .*newer"),
    "version as text": (lambda d: d.update(version="1"), "version: expected a whole number"),
    "version true": (lambda d: d.update(version=True), "version: expected a whole number"),
    "missing model": (lambda d: d.pop("model"), "missing key 'model'"),
    "unexpected key": (lambda d: d.update(extra=1), "unexpected key 'extra'"),
    "unknown type": (lambda d: d["model"].update(type="Transformer"), "model.type: expected 'MLP' or 'Layer'"),
    "weight as text": (
        lambda d: first_layer(d)["weights"][1].__setitem__(2, "0.5"),
        r"model.layers\[0\].weights\[1\]\[2\]: expected a finite number, got str",
    ),
    "weight as boolean": (
        lambda d: first_layer(d)["weights"][0].__setitem__(0, True),
        r"weights\[0\]\[0\]: expected a finite number, got bool",
    ),
    "weight null": (lambda d: first_layer(d)["weights"][0].__setitem__(0, None), r"weights\[0\]\[0\]"),
    "missing row": (lambda d: first_layer(d)["weights"].pop(), r"model.layers\[0\].weights: expected 3 rows"),
    "short row": (lambda d: first_layer(d)["weights"][2].pop(), r"weights\[2\]: expected 4 numbers, got 3"),
    "row not a list": (lambda d: first_layer(d)["weights"].__setitem__(0, 7), r"weights\[0\]: expected a list"),
    "sizes do not chain": (
        lambda d: d["model"]["layers"][1].update(nin=5),
        r"model.layers\[1\].nin: is 5 but the layer before gives 4",
    ),
    "model nin disagrees": (lambda d: d["model"].update(nin=2), r"layers\[0\].nin: is 3 but model.nin says 2"),
    "giant layer": (
        lambda d: d["model"]["layers"][1].update(nout=10**9),
        r"model.layers\[1\].nout: must be between 1 and 1000000",
    ),
    "giant model from modest layers": (
        lambda d: d["model"]["layers"][1].update(nout=999_999),
        "more than 1000000 parameters",
    ),
    "negative size": (lambda d: first_layer(d).update(nout=-4), r"layers\[0\].nout: must be between 1"),
    "unknown activation": (lambda d: first_layer(d).update(activation="__import__"), "unknown activation"),
    "softmax in a hidden layer": (
        lambda d: first_layer(d).update(activation="softmax"),
        "can only be used on the output layer",
    ),
    "biases missing": (lambda d: first_layer(d).update(biases=None), r"layers\[0\].biases: expected a list of 4"),
    "biases on a layer without bias": (
        lambda d: [layer.update(bias=False) for layer in d["model"]["layers"]],
        "must be null",
    ),
    "mixed bias settings": (lambda d: d["model"]["layers"][1].update(bias=False, biases=None), "agree on bias"),
    "name not text": (lambda d: first_layer(d).update(weight_name=["v"]), "weight_name: expected a name"),
    "name too long": (lambda d: first_layer(d).update(weight_name="v" * 1000), "weight_name: expected a name"),
    "name with control characters": (
        lambda d: first_layer(d).update(output_name="h\x1b[31m"),
        "output_name: a name must be printable",
    ),
    "dropout out of range": (lambda d: d["model"].update(dropout=3), "model.dropout: must be a probability"),
    "no layers": (lambda d: d["model"].update(layers=[]), "model.layers: expected a non-empty list"),
    "layers not a list": (lambda d: d["model"].update(layers={"0": {}}), "model.layers: expected a non-empty list"),
    "layer not an object": (lambda d: d["model"]["layers"].__setitem__(0, "layer"), r"layers\[0\]: expected an object"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_DATA))
def test_broken_data_is_refused_with_the_place_named(saved, case):
    change, message = BROKEN_DATA[case]
    with pytest.raises(ModelFileError, match=message):
        from_dict(edited(saved, change))


@pytest.mark.parametrize("top", [[], 3, "model", None])
def test_the_file_and_its_model_must_be_objects(top):
    with pytest.raises(ModelFileError, match="file: expected an object"):
        from_dict(top)
    with pytest.raises(ModelFileError, match="model: expected an object"):
        from_dict({"format": FORMAT, "version": 1, "model": top})


def test_the_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)


def write(tmp_path, content):
    path = tmp_path / "broken.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


MARKER = "12345.5"  # a weight whose text the damage below can find and replace


def good_text(saved):
    return json.dumps(edited(saved, lambda d: first_layer(d)["weights"][0].__setitem__(0, float(MARKER))))


BROKEN_TEXT = {
    "empty": (lambda text: "", "not valid JSON at line 1"),
    "truncated": (lambda text: text[: len(text) // 2], "not valid JSON .*truncated"),
    "NaN weight": (lambda text: text.replace(MARKER, "NaN"), "NaN is not a number a model can hold"),
    "Infinity weight": (lambda text: text.replace(MARKER, "-Infinity"), "-Infinity is not a number"),
    "overflowing weight": (lambda text: text.replace(MARKER, "1e999"), r"model.layers\[0\].weights\[0\]\[0\]: expected a finite number, got inf"),
    "huge integer": (lambda text: text.replace(MARKER, "9" * 5000), "not readable as a saved model"),
    # 400 digits parse as an int but overflow a float: refused, never an OverflowError.
    "integer beyond float": (
        lambda text: text.replace(MARKER, "9" * 400),
        r"weights\[0\]\[0\]: expected a finite number, got an integer of 400 digits",
    ),
    "deep nesting": (lambda text: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "duplicate key": (lambda text: text.replace('"version": 1', '"version": 1, "version": 1'), "duplicate key 'version'"),
    "binary junk": (lambda text: b"\x80\x04\x95pickle\x00", "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_TEXT))
def test_broken_files_are_refused_and_the_file_is_named(saved, tmp_path, case):
    damage, message = BROKEN_TEXT[case]
    path = write(tmp_path, damage(good_text(saved)))
    with pytest.raises(ModelFileError, match=message) as caught:
        load(path)
    assert str(caught.value).startswith(os.fspath(path))


def test_a_broken_file_leaves_the_target_model_untouched(model, saved, tmp_path):
    text = good_text(saved)
    # the first layer is fine, the last weight of the second layer is not
    index = text.rindex("]]")
    path = write(tmp_path, text[:index] + ', "x"]]' + text[index + 2 :])
    target = MLP(3, [4, 2], activation="relu", output_activation="softmax", seed=5)
    before = target.weights_as_rows()
    with pytest.raises(ModelFileError, match=r"model.layers\[1\].weights\[3\]: expected 2 numbers, got 3"):
        load_into(target, path)
    assert target.weights_as_rows() == before


def test_an_oversized_file_is_not_read(saved, tmp_path, monkeypatch):
    monkeypatch.setattr("nn.serialization.MAX_FILE_BYTES", 100)
    path = write(tmp_path, good_text(saved))
    with pytest.raises(ModelFileError, match="larger than"):
        load(path)


@pytest.mark.parametrize("name", ["missing.json", "."])
def test_unreadable_paths_get_a_clear_error(tmp_path, name):
    with pytest.raises(ModelFileError, match="cannot read the file"):
        load(tmp_path / name)


def test_every_truncation_and_random_corruption_fails_cleanly(saved, tmp_path):
    import random

    text = good_text(saved)
    rng = random.Random(0)
    damaged = [text[:cut] for cut in range(0, len(text), 7)]
    for _ in range(300):
        position = rng.randrange(len(text))
        damaged.append(text[:position] + rng.choice('{}[],:"0-eE.9 xnN') + text[position + 1 :])
    loaded = 0
    for content in damaged:
        path = write(tmp_path, content)
        try:
            load(path)
            loaded += 1  # some corruptions leave a valid model (e.g. a digit changed)
        except ModelFileError:
            pass
    assert loaded < len(damaged) // 2
