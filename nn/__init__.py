"""tracegrad's neural-network pieces, built only from ``autograd`` operations.

>>> import nn
>>> model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
>>> len(model([0.5, -1.0]))
1
>>> [name for name, _ in model.named_parameters()][:3]
['layers.0.v11', 'layers.0.v12', 'layers.0.v13']
"""

from nn import data, examples
from nn.activations import NAMES as ACTIVATION_NAMES
from nn.clip import clip_by_norm, clip_by_value, normalize_gradients
from nn.init import INITIALISERS
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_from_probabilities,
    hinge,
    mse,
)
from nn.module import MLP, Dropout, Layer, Module, Neuron
from nn.optim import SGD, AdaGrad, Adam, AdamW, Optimizer, RMSProp
from nn.regularization import (
    l1_penalty,
    layer_norm_penalty,
    squared_l2_penalty,
    weight_decay_penalty,
)
from nn.scaling import MinMaxScaler, StandardScaler
from nn.schedules import CosineAnnealing, ExponentialDecay, StepDecay
from nn.serialization import ModelFileError, from_dict, load, load_into, save, to_dict
from nn.torch_models import from_torch, to_torch
from nn.training import History, accuracy, predict, predict_values, train

__all__ = [
    "ACTIVATION_NAMES",
    "AdaGrad",
    "Adam",
    "AdamW",
    "CosineAnnealing",
    "ExponentialDecay",
    "History",
    "MinMaxScaler",
    "Optimizer",
    "RMSProp",
    "SGD",
    "StandardScaler",
    "StepDecay",
    "accuracy",
    "clip_by_norm",
    "clip_by_value",
    "data",
    "examples",
    "normalize_gradients",
    "predict",
    "predict_values",
    "train",
    "INITIALISERS",
    "MLP",
    "Dropout",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_from_probabilities",
    "from_dict",
    "from_torch",
    "hinge",
    "l1_penalty",
    "layer_norm_penalty",
    "load",
    "load_into",
    "mse",
    "save",
    "squared_l2_penalty",
    "to_dict",
    "to_torch",
    "weight_decay_penalty",
]
