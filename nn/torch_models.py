"""Graduating to PyTorch: an ``nn.MLP`` as a ``torch.nn.Sequential``, and back.

``to_torch(model)`` gives a float64 ``torch.nn.Sequential`` with the same layers,
weights, biases and activations; ``from_torch(module)`` reads a small Sequential of
``Linear`` layers and supported activations into an ``nn.MLP`` with the slides'
names, so any gradient of a small PyTorch model can be explained scalar by scalar.

PyTorch is optional (``pip install tracegrad[torch]``) and imported only when one
of these two functions is called; nothing else in tracegrad imports it.
"""

from nn.module import MLP

# leaky_relu's slope and elu's alpha as an nn.MLP uses them (the activations' defaults).
_SLOPE, _ALPHA = 0.1, 1.0


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError(
            "to_torch/from_torch need PyTorch: pip install 'tracegrad[torch]'"
        ) from None
    return torch


def _activation_module(torch, name):
    layers = torch.nn
    return {
        "sigmoid": layers.Sigmoid,
        "tanh": layers.Tanh,
        "relu": layers.ReLU,
        "leaky_relu": lambda: layers.LeakyReLU(_SLOPE),
        "elu": lambda: layers.ELU(_ALPHA),
        "softmax": lambda: layers.Softmax(dim=-1),
    }[name]()


def to_torch(model):
    """A ``torch.nn.Sequential`` (float64) computing what ``model`` (an ``nn.MLP``) computes.

    Each layer becomes ``Linear`` (its weight the transpose of the slides' ``nin × nout``
    matrix) followed by its activation; ``identity`` adds nothing, ``softmax`` is
    ``Softmax(dim=-1)``, and a model with dropout gets ``Dropout(p)`` after hidden layers.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch: expects an nn.MLP, got {type(model).__name__}")
    torch = _torch()
    modules = []
    for k, layer in enumerate(model.layers):
        linear = torch.nn.Linear(layer.nin, layer.nout, bias=layer.has_bias, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer.weights_as_rows(), dtype=torch.float64).T)
            if layer.has_bias:
                linear.bias.copy_(torch.tensor(layer.biases_as_list(), dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "identity":
            modules.append(_activation_module(torch, layer.activation))
        if model.dropouts and k < len(model.dropouts):
            modules.append(torch.nn.Dropout(model.dropout))
    return torch.nn.Sequential(*modules)


def from_torch(module, **names):
    """An ``nn.MLP`` with the weights of ``module``, a ``torch.nn.Sequential`` of ``Linear``
    layers, each followed by at most one of Sigmoid, Tanh, ReLU, LeakyReLU(0.1), ELU(1.0),
    Softmax(dim=-1) (last layer only); ``Identity`` and ``Dropout`` (one p for all) are read too.

    Every ``Linear`` must have a bias, or none may (``nn.MLP`` has one switch). ``names``
    go to ``nn.MLP`` (``weight_names=``, ``bias_names=``); by default the slides' v, w.
    """
    torch = _torch()
    layers = torch.nn
    if not isinstance(module, layers.Sequential):
        raise TypeError(f"from_torch: expects a torch.nn.Sequential, got {type(module).__name__}")
    linears, activations, dropout = [], [], 0.0
    for position, part in enumerate(module):
        where = f"from_torch: module [{position}] {type(part).__name__}"
        if isinstance(part, layers.Linear):
            linears.append(part)
            activations.append("identity")
        elif isinstance(part, layers.Identity):
            continue
        elif isinstance(part, layers.Dropout):
            if dropout and part.p != dropout:
                raise ValueError(f"{where}: nn.MLP takes one dropout p for all layers, got {dropout} and {part.p}")
            dropout = part.p
        else:
            name = _activation_name(layers, part, where)
            if not linears or activations[-1] != "identity":
                raise ValueError(f"{where}: an activation must follow a Linear layer, one each")
            activations[-1] = name
    if not linears:
        raise ValueError("from_torch: the Sequential holds no Linear layer")
    if "softmax" in activations[:-1]:
        raise ValueError("from_torch: Softmax belongs after the last Linear layer only")
    with_bias = {linear.bias is not None for linear in linears}
    if len(with_bias) > 1:
        raise ValueError("from_torch: either every Linear layer has a bias or none has (nn.MLP has one switch)")
    for before, after in zip(linears, linears[1:]):
        if before.out_features != after.in_features:
            raise ValueError(
                f"from_torch: a Linear layer gives {before.out_features} outputs but the next reads {after.in_features}"
            )
    model = MLP(linears[0].in_features, [linear.out_features for linear in linears],
                activations=activations, bias=with_bias.pop(), dropout=dropout, **names)
    with torch.no_grad():
        model.set_weights([linear.weight.detach().double().T.tolist() for linear in linears])
        for layer, linear in zip(model.layers, linears):
            if linear.bias is not None:
                layer.set_biases(linear.bias.detach().double().tolist())
    return model


def _activation_name(layers, part, where):
    if isinstance(part, layers.Sigmoid):
        return "sigmoid"
    if isinstance(part, layers.Tanh):
        return "tanh"
    if isinstance(part, layers.ReLU):
        return "relu"
    if isinstance(part, layers.LeakyReLU) and part.negative_slope == _SLOPE:
        return "leaky_relu"
    if isinstance(part, layers.ELU) and part.alpha == _ALPHA:
        return "elu"
    if isinstance(part, layers.Softmax) and part.dim in (-1, 1):
        return "softmax"
    raise ValueError(
        f"{where} is not supported: use Sigmoid, Tanh, ReLU, LeakyReLU({_SLOPE}), ELU({_ALPHA}) "
        "or Softmax(dim=-1)"
    )
