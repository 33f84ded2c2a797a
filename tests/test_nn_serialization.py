"""Saving and loading models: exact round trips, and broken or hostile files refused cleanly."""

import json
import math
import os
import tempfile

import pytest
from hypothesis import example, given, settings, strategies as st

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


def test_a_file_without_node_names_loads_with_the_slides_names(saved):
    for layer in saved["model"]["layers"]:
        layer["preactivation_name"] = layer["output_name"] = None
    again = from_dict(saved)
    assert [(layer.preactivation_name, layer.output_name) for layer in again.layers] == [("q", "h"), ("z", "p")]


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


# ----- whatever a Module accepts, save and load give back ------------------------------

# Text of every kind and length around the 40-character limit, and names that are not text.
any_name = st.one_of(st.text(max_size=45), st.integers(), st.none())


def built(nin, sizes, weight_names, bias_names, node_names, single_layer):
    """The model these settings make, after naming its nodes; None once a setting is refused."""
    if single_layer:
        model = Layer(nin, sizes[0], activation="tanh", weight_name=weight_names[0], bias_name=bias_names[0], seed=0)
        layers = [model]
    else:
        model = MLP(nin, sizes, weight_names=weight_names, bias_names=bias_names, seed=0)
        layers = model.layers
    for layer, (preactivation_name, output_name) in zip(layers, node_names):
        layer.preactivation_name = preactivation_name
        layer.output_name = output_name
    return model, layers


@settings(max_examples=150, deadline=None)
@given(
    nin=st.integers(1, 3),
    sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    weight_names=st.lists(any_name, min_size=3, max_size=3),
    bias_names=st.lists(any_name, min_size=3, max_size=3),
    node_names=st.lists(st.tuples(any_name, any_name), min_size=3, max_size=3),
    single_layer=st.booleans(),
)
@example(nin=2, sizes=[2], weight_names=["v" * 41] * 3, bias_names=["b"] * 3, node_names=[(None, None)] * 3, single_layer=False)
@example(nin=2, sizes=[2], weight_names=["v" * 40] * 3, bias_names=["b" * 40] * 3, node_names=[("q" * 40, "h" * 40)] * 3, single_layer=False)
@example(nin=2, sizes=[2], weight_names=[""] * 3, bias_names=["b"] * 3, node_names=[(None, None)] * 3, single_layer=True)
@example(nin=2, sizes=[2], weight_names=["a\nb"] * 3, bias_names=["b"] * 3, node_names=[(None, None)] * 3, single_layer=False)
@example(nin=2, sizes=[2], weight_names=["w"] * 3, bias_names=["b"] * 3, node_names=[(5, None)] * 3, single_layer=False)
def test_whatever_a_module_accepts_save_and_load_give_back(nin, sizes, weight_names, bias_names, node_names,
                                                           single_layer):
    weight_names, bias_names = weight_names[: len(sizes)], bias_names[: len(sizes)]
    try:
        model, layers = built(nin, sizes, weight_names, bias_names, node_names, single_layer)
    except (TypeError, ValueError) as error:
        # Refused when made, with the argument named: never a file that load refuses later.
        assert any(word in str(error) for word in ("weight_name", "bias_name", "bias name",
                                                    "preactivation_name", "output_name")), str(error)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.json")
        save(model, path)
        again = load(path)
    again_layers = [again] if single_layer else again.layers
    assert type(again) is type(model)
    assert [n for n, _ in again.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert [p.data for p in again.parameters()] == [p.data for p in model.parameters()]
    for mine, theirs in zip(layers, again_layers):
        assert (theirs.weight_name, theirs.bias_name, theirs.preactivation_name, theirs.output_name) == (
            mine.weight_name, mine.bias_name, mine.preactivation_name, mine.output_name)
    row = [0.5] * nin
    assert [(v.label, v.data) for v in again(row)] == [(v.label, v.data) for v in model(row)]


@pytest.mark.parametrize("make, message", [
    (lambda: MLP(2, [2], weight_names=["v" * 41]), "MLP: weight_names[0]: expected a name of 1 to 40 characters, got 41"),
    (lambda: Layer(2, 2, weight_name=""), "Layer: weight_name: expected a name of 1 to 40 characters, got 0"),
    (lambda: Layer(2, 2, bias_name="a\nb"), "Layer: bias_name: a name must be printable text"),
    (lambda: Layer(2, 2, preactivation_name=5), "Layer: preactivation_name: expected a name (text), got int 5"),
    (lambda: MLP(1, [1] * 1001), "MLP: at most 1000 layers, got 1001"),
    (lambda: Layer(1000, 1000), "Layer (1000→1000): 1001000 parameters is more than the 1000000"),
])
def test_a_module_refuses_at_construction_what_a_file_could_not_hold(make, message):
    with pytest.raises((TypeError, ValueError)) as caught:
        make()
    assert message in str(caught.value)


def test_names_set_later_are_checked_too():
    layer = Layer(2, 2, seed=0)
    with pytest.raises(ValueError, match="Layer: output_name: a name must be printable"):
        layer.output_name = "h\t"
    with pytest.raises(AttributeError):
        layer.weight_name = "u"  # the weights' labels were made from it


def test_a_weight_written_as_inf_is_refused_on_save_by_place(tmp_path):
    net = MLP(2, [2, 1], seed=0)
    net.layers[1].weight_matrix()[1][0].data = math.inf
    with pytest.raises(ValueError, match=r"save: layers\[1\].weights\[1\]\[0\]: expected a finite number, got inf"):
        save(net, tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()


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
        r"model.layers\[0\].weights\[1\]\[2\]: expected a number, got str",
    ),
    "weight as boolean": (
        lambda d: first_layer(d)["weights"][0].__setitem__(0, True),
        r"weights\[0\]\[0\]: expected a number, got bool",
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
        r"model.layers\[1\].nout must be in \[1, 1000000\], got 1000000000",
    ),
    "giant model from modest layers": (
        lambda d: d["model"]["layers"][1].update(nout=999_999),
        "more than 1000000 parameters",
    ),
    "negative size": (lambda d: first_layer(d).update(nout=-4), r"layers\[0\].nout must be in \[1, "),
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
        r"weights\[0\]\[0\]: expected a finite number, got an integer of about 400 digits",
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
