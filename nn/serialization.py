"""Saving and loading models as JSON: architecture and weights, with a format version.

``save(model, path)`` writes an ``MLP`` or a ``Layer``; ``load(path)`` gives it back.
``to_dict`` / ``from_dict`` do the same without a file, and ``load_into(model, source)``
copies saved weights into an existing model of the same architecture.

Loading trusts nothing in the file. Everything is checked (format and version,
every key, sizes that chain from layer to layer, every weight a finite number)
*before* a single model object is made or changed, so a bad file never leaves a
half-loaded model behind. Every problem raises ``ModelFileError`` (a
``ValueError``) that names the file and the place inside it, e.g.
``model.layers[1].weights[0][2]: expected a finite number, got NaN``. Nothing is
ever unpickled, and caps on file size, nesting and parameter count keep a hostile
file from exhausting memory or crashing the process.
"""

import json
import os
from collections.abc import Mapping

from nn.activations import ELEMENTWISE, NAMES as ACTIVATION_NAMES
from nn.checks import finite_number, node_name, whole_number
from nn.files import write_atomically
from nn.module import MAX_LAYERS, MAX_PARAMETERS, MLP, Layer, parameter_count

FORMAT = "tracegrad-model"
FORMAT_VERSION = 1

MAX_FILE_BYTES = 64 * 1024 * 1024


class ModelFileError(ValueError):
    """A saved model could not be read: the message says what is wrong and where."""


# ----- writing ---------------------------------------------------------------------


def _finite_rows(rows: list, where: str) -> list:
    # A weight can hold inf only if someone wrote .data directly; JSON has no inf to save.
    return [[finite_number(number, f"{where}[{i}][{j}]") for j, number in enumerate(row)]
            for i, row in enumerate(rows)]


def _layer_to_dict(layer: Layer, where: str) -> dict:
    return {
        "nin": layer.nin,
        "nout": layer.nout,
        "activation": layer.activation,
        "bias": layer.has_bias,
        "weight_name": layer.weight_name,
        "bias_name": layer.bias_name,
        "preactivation_name": layer.preactivation_name,
        "output_name": layer.output_name,
        "weights": _finite_rows(layer.weights_as_rows(), f"{where}.weights"),
        "biases": _finite_rows([layer.biases_as_list()], f"{where}.biases")[0] if layer.has_bias else None,
    }


def to_dict(model) -> dict:
    """The model as plain JSON-ready data: ``{"format", "version", "model"}``."""
    if isinstance(model, MLP):
        body = {
            "type": "MLP",
            "nin": model.nin,
            "dropout": model.dropout,
            "layers": [_layer_to_dict(layer, f"save: layers[{k}]") for k, layer in enumerate(model.layers)],
        }
    elif isinstance(model, Layer):
        body = {"type": "Layer", **_layer_to_dict(model, "save: layer")}
    else:
        raise TypeError(f"save: can save an MLP or a Layer, not {type(model).__name__}")
    return {"format": FORMAT, "version": FORMAT_VERSION, "model": body}


def save(model, path) -> None:
    """Write ``model`` to ``path`` as JSON; the file is replaced whole or not at all."""
    text = json.dumps(to_dict(model), indent=1, allow_nan=False)
    write_atomically(path, text + "\n")


# ----- checking ------------------------------------------------------------------------


def _fail(where: str, problem: str):
    raise ModelFileError(f"{where}: {problem}")


def _describe(thing) -> str:
    text = repr(thing)
    return text if len(text) <= 60 else text[:57] + "..."


def _mapping(data, where: str, required: set, optional: set = frozenset()) -> Mapping:
    if not isinstance(data, Mapping):
        _fail(where, f"expected an object, got {type(data).__name__}")
    missing = sorted(required - set(data))
    if missing:
        _fail(where, f"missing key {missing[0]!r}")
    unexpected = sorted(set(data) - required - set(optional), key=str)
    if unexpected:
        _fail(where, f"unexpected key {_describe(unexpected[0])}")
    return data


def _file_check(check, data, where: str, **options):
    """Run one of ``nn.checks``; its refusal becomes a ``ModelFileError`` at the same place."""
    try:
        return check(data, where, **options)
    except (TypeError, ValueError) as error:
        raise ModelFileError(str(error)) from None


def _count(data, where: str, limit: int) -> int:
    return _file_check(whole_number, data, where, minimum=1, maximum=limit)


def _finite(data, where: str) -> float:
    return _file_check(finite_number, data, where)


def _name(data, where: str, optional: bool = False) -> str | None:
    if data is None and optional:
        return None
    return _file_check(node_name, data, where)


def _numbers(data, length: int, where: str) -> list[float]:
    if not isinstance(data, list):
        _fail(where, f"expected a list of {length} numbers, got {type(data).__name__}")
    if len(data) != length:
        _fail(where, f"expected {length} numbers, got {len(data)}")
    return [_finite(item, f"{where}[{k}]") for k, item in enumerate(data)]


_LAYER_KEYS = {"nin", "nout", "activation", "bias", "weight_name", "bias_name", "weights", "biases"}
_LAYER_OPTIONAL = {"preactivation_name", "output_name"}


def _layer_shape(data, where: str) -> dict:
    """Check a layer's declared sizes and names, before any list of weights is read."""
    data = _mapping(data, where, _LAYER_KEYS, _LAYER_OPTIONAL | {"type"})
    activation = data["activation"]
    if not isinstance(activation, str) or activation not in ACTIVATION_NAMES:
        _fail(f"{where}.activation", f"unknown activation {_describe(activation)}; expected one of {', '.join(ACTIVATION_NAMES)}")
    if not isinstance(data["bias"], bool):
        _fail(f"{where}.bias", f"expected true or false, got {_describe(data['bias'])}")
    return {
        "nin": _count(data["nin"], f"{where}.nin", MAX_PARAMETERS),
        "nout": _count(data["nout"], f"{where}.nout", MAX_PARAMETERS),
        "activation": activation,
        "bias": data["bias"],
        "weight_name": _name(data["weight_name"], f"{where}.weight_name"),
        "bias_name": _name(data["bias_name"], f"{where}.bias_name"),
        "preactivation_name": _name(data.get("preactivation_name"), f"{where}.preactivation_name", optional=True),
        "output_name": _name(data.get("output_name"), f"{where}.output_name", optional=True),
    }


def _layer_numbers(data, shape: dict, where: str) -> None:
    weights = data["weights"]
    if not isinstance(weights, list):
        _fail(f"{where}.weights", f"expected {shape['nin']} rows, got {type(weights).__name__}")
    if len(weights) != shape["nin"]:
        _fail(f"{where}.weights", f"expected {shape['nin']} rows (one per input), got {len(weights)}")
    shape["weights"] = [
        _numbers(row, shape["nout"], f"{where}.weights[{i}]") for i, row in enumerate(weights)
    ]
    if shape["bias"]:
        shape["biases"] = _numbers(data["biases"], shape["nout"], f"{where}.biases")
    elif data["biases"] is not None:
        _fail(f"{where}.biases", "must be null for a layer saved with bias false")
    else:
        shape["biases"] = None


def _checked_layers(layer_data: list, nin: int | None, where: str) -> list[dict]:
    """Check a chain of layers; ``nin`` is what the first must read (None: whatever it says)."""
    # A lone Layer file is addressed as "model", layers of an MLP as "model.layers[k]".
    places = [f"{where}[{k}]" for k in range(len(layer_data))] if nin is not None else [where]
    shapes = []
    expected_inputs, total = nin, 0
    for data, place in zip(layer_data, places):
        k = len(shapes)
        shape = _layer_shape(data, place)
        if expected_inputs is not None and shape["nin"] != expected_inputs:
            source = "model.nin says" if k == 0 else "the layer before gives"
            _fail(f"{place}.nin", f"is {shape['nin']} but {source} {expected_inputs}")
        if k < len(layer_data) - 1 and shape["activation"] not in ELEMENTWISE:
            _fail(f"{place}.activation", f"{shape['activation']!r} can only be used on the output layer")
        if shapes and shape["bias"] != shapes[0]["bias"]:
            _fail(f"{place}.bias", "every layer of an MLP must agree on bias true/false")
        total += parameter_count(shape["nin"], shape["nout"], shape["bias"])
        if total > MAX_PARAMETERS:
            _fail(place, f"the model would have more than {MAX_PARAMETERS} parameters")
        expected_inputs = shape["nout"]
        shapes.append(shape)
    # Sizes are known to be sane; only now read the (possibly long) lists of numbers.
    for data, shape, place in zip(layer_data, shapes, places):
        _layer_numbers(data, shape, place)
    return shapes


def _checked(data) -> dict:
    """Validate a whole saved model; return plain, trusted settings to build it from."""
    top = _mapping(data, "file", {"format", "version", "model"})
    if top["format"] != FORMAT:
        _fail("format", f"expected {FORMAT!r}, got {_describe(top['format'])}")
    version = _file_check(whole_number, top["version"], "version")
    if version != FORMAT_VERSION:
        newer = " (written by a newer tracegrad?)" if version > FORMAT_VERSION else ""
        _fail("version", f"this tracegrad reads version {FORMAT_VERSION}, the file is version {version}{newer}")
    body = top["model"]
    if not isinstance(body, Mapping):
        _fail("model", f"expected an object, got {type(body).__name__}")
    kind = body.get("type")
    if kind == "Layer":
        return {"type": "Layer", "layer": _checked_layers([body], None, "model")[0]}
    if kind != "MLP":
        _fail("model.type", f"expected 'MLP' or 'Layer', got {_describe(kind)}")
    body = _mapping(body, "model", {"type", "nin", "layers", "dropout"})
    nin = _count(body["nin"], "model.nin", MAX_PARAMETERS)
    dropout = _finite(body["dropout"], "model.dropout")
    if not 0.0 <= dropout <= 1.0:
        _fail("model.dropout", f"must be a probability in [0, 1], got {dropout!r}")
    layers = body["layers"]
    if not isinstance(layers, list) or not layers:
        _fail("model.layers", f"expected a non-empty list of layers, got {_describe(layers)}")
    if len(layers) > MAX_LAYERS:
        _fail("model.layers", f"at most {MAX_LAYERS} layers, got {len(layers)}")
    return {"type": "MLP", "nin": nin, "dropout": dropout, "layers": _checked_layers(layers, nin, "model.layers")}


# ----- building ------------------------------------------------------------------------


def _fill(layer: Layer, shape: dict) -> None:
    layer.set_weights(shape["weights"])
    if shape["bias"]:
        layer.set_biases(shape["biases"])
    # A name left out (null, as files from before node names were saved hold) keeps
    # the one the layer was made with: q, h for a hidden layer of an MLP.
    if shape["preactivation_name"] is not None:
        layer.preactivation_name = shape["preactivation_name"]
    if shape["output_name"] is not None:
        layer.output_name = shape["output_name"]


def _build(settings: dict):
    if settings["type"] == "Layer":
        shape = settings["layer"]
        layer = Layer(
            shape["nin"], shape["nout"], activation=shape["activation"], bias=shape["bias"],
            weight_name=shape["weight_name"], bias_name=shape["bias_name"], seed=0,
        )
        _fill(layer, shape)
        return layer
    shapes = settings["layers"]
    model = MLP(
        settings["nin"],
        [shape["nout"] for shape in shapes],
        activations=[shape["activation"] for shape in shapes],
        bias=shapes[0]["bias"],
        dropout=settings["dropout"],
        weight_names=[shape["weight_name"] for shape in shapes],
        bias_names=[shape["bias_name"] for shape in shapes],
        seed=0,
    )
    for layer, shape in zip(model.layers, shapes):
        _fill(layer, shape)
    return model


def from_dict(data):
    """A new model from data made by ``to_dict`` (validated first; raises ``ModelFileError``)."""
    return _build(_checked(data))


def _duplicate_keys_refused(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ModelFileError(f"duplicate key {_describe(key)} in one object")
        seen[key] = value
    return seen


def _refuse_constant(name):
    raise ModelFileError(f"{name} is not a number a model can hold")


def _parse(text: str):
    try:
        return json.loads(
            text, object_pairs_hook=_duplicate_keys_refused, parse_constant=_refuse_constant
        )
    except ModelFileError:
        raise
    except json.JSONDecodeError as error:
        raise ModelFileError(
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg} (truncated file?)"
        ) from None
    except RecursionError:
        raise ModelFileError("nested too deeply to be a saved model") from None
    except ValueError as error:  # e.g. an integer with thousands of digits
        raise ModelFileError(f"not readable as a saved model: {error}") from None


def _read_text(path) -> str:
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ModelFileError(f"cannot read the file: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ModelFileError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not a tracegrad model")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ModelFileError(f"not UTF-8 text (byte {error.start})") from None


def _settings_from(source) -> dict:
    if isinstance(source, Mapping):
        return _checked(source)
    try:
        return _checked(_parse(_read_text(source)))
    except ModelFileError as error:
        raise ModelFileError(f"{os.fspath(source)}: {error}") from None


def load(path):
    """Read a model saved by ``save``; raises ``ModelFileError`` naming any problem."""
    return _build(_settings_from(path))


def _architecture(model) -> list:
    layers = model.layers if isinstance(model, MLP) else [model]
    return [(layer.nin, layer.nout, layer.activation, layer.has_bias) for layer in layers]


def load_into(model, source) -> None:
    """Copy the weights saved in ``source`` (a path or a dict) into ``model``.

    The saved architecture must match ``model`` exactly; otherwise nothing changes.
    """
    saved = _build(_settings_from(source))
    if type(saved) is not type(model) or _architecture(saved) != _architecture(model):
        raise ModelFileError(
            f"the saved architecture {_architecture(saved)} does not match the model's {_architecture(model)}"
        )
    targets = model.layers if isinstance(model, MLP) else [model]
    sources = saved.layers if isinstance(saved, MLP) else [saved]
    for target, source_layer in zip(targets, sources):
        target.set_weights(source_layer.weights_as_rows())
        if target.has_bias:
            target.set_biases(source_layer.biases_as_list())
