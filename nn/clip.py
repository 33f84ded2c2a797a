"""Gradient clipping and normalisation: taming gradients between backward and step.

Call these after ``loss.backward()`` and before ``optimizer.step()``. Each one
rewrites the ``.grad`` of the parameters it is given, in place:

* ``clip_by_value(parameters, limit)``: every gradient is pushed into
  [−limit, limit] on its own (the direction of the whole gradient may change);
* ``clip_by_norm(parameters, max_norm, norm_type=2)``: if the gradient vector of
  all parameters together is longer than ``max_norm``, all of it is scaled down by
  the same factor max_norm / (norm + 1e-6); the direction is kept. Returns the
  norm measured *before* clipping, which is worth logging;
* ``normalize_gradients(parameters, target_norm=1)``: scale the whole gradient
  to length ``target_norm`` whatever its size (a zero gradient stays zero).
  Returns the norm before scaling.

They match ``torch.nn.utils.clip_grad_value_`` and ``clip_grad_norm_``, except
that a non-finite gradient raises an error naming the parameter instead of
spreading NaN through the model.
"""

import math

from nn.checks import finite_number, real_number
from nn.optim import _parameter_list

__all__ = ["clip_by_norm", "clip_by_value", "gradient_norm", "normalize_gradients"]

# Keeps max_norm / norm finite when the norm is 0 (the same guard PyTorch uses).
NORM_EPSILON = 1e-6


def gradient_norm(parameters, norm_type=2.0, operation="gradient_norm"):
    """The length of all the parameters' gradients taken as one vector."""
    parameters = _parameter_list(parameters, operation)
    # norm_type = inf is the largest absolute gradient, as in PyTorch.
    norm_type = real_number(norm_type, f"{operation}: norm_type", above=0.0, infinite_allowed=True)
    for parameter in parameters:
        if not math.isfinite(parameter.grad):
            raise ValueError(
                f"{operation}: the gradient of parameter {parameter.label!r} is "
                f"{parameter.grad!r}; cannot measure or clip a non-finite gradient"
            )
    sizes = [abs(parameter.grad) for parameter in parameters]
    if norm_type == math.inf:
        return max(sizes)
    if norm_type == 2.0:
        # math.hypot avoids overflow and rounding trouble for the usual case.
        return math.hypot(*sizes)
    # Measured in units of the largest size, so no power on the way overflows.
    largest = max(sizes)
    if largest == 0.0:
        return 0.0
    try:
        norm = largest * math.fsum((size / largest) ** norm_type for size in sizes) ** (1.0 / norm_type)
    except OverflowError:
        norm = math.inf
    if not math.isfinite(norm):
        raise ValueError(
            f"{operation}: the {norm_type:g}-norm of the gradients is beyond a 64-bit float"
        )
    return norm


def clip_by_value(parameters, limit):
    """Clamp every gradient into [−limit, limit]."""
    parameters = _parameter_list(parameters, "clip_by_value")
    limit = finite_number(limit, "clip_by_value: limit", minimum=0.0)
    for parameter in parameters:
        if math.isnan(parameter.grad):
            raise ValueError(
                f"clip_by_value: the gradient of parameter {parameter.label!r} is nan"
            )
        parameter.grad = min(max(parameter.grad, -limit), limit)


def clip_by_norm(parameters, max_norm, norm_type=2.0):
    """Scale all gradients down together so their norm is at most ``max_norm``.

    Returns the total norm before clipping.
    """
    parameters = _parameter_list(parameters, "clip_by_norm")
    max_norm = finite_number(max_norm, "clip_by_norm: max_norm", minimum=0.0)
    total = gradient_norm(parameters, norm_type, "clip_by_norm")
    factor = min(max_norm / (total + NORM_EPSILON), 1.0)
    for parameter in parameters:
        parameter.grad *= factor
    return total


def normalize_gradients(parameters, target_norm=1.0, norm_type=2.0):
    """Scale all gradients together to have norm ``target_norm``; returns the norm before."""
    parameters = _parameter_list(parameters, "normalize_gradients")
    target_norm = finite_number(target_norm, "normalize_gradients: target_norm", above=0.0)
    total = gradient_norm(parameters, norm_type, "normalize_gradients")
    if total > 0.0:
        for parameter in parameters:
            parameter.grad *= target_norm / total
    return total
