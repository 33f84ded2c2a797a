"""Optimisers: the rules that turn gradients into parameter updates.

Every optimiser takes a list of parameter ``Value``s and a learning rate, and has
two methods:

* ``zero_grad()`` sets every parameter's ``.grad`` back to 0 (leaf gradients
  accumulate across ``backward`` calls, so do this before each one);
* ``step()`` moves every parameter's ``.data`` using its ``.grad``.

What each one remembers between steps lives in ``optimizer.state[parameter]``, a
small dict of floats with readable keys (``"momentum_buffer"``, ``"first_moment"``,
...) that a student can print after any step. ``optimizer.lr`` is a plain
attribute, so a schedule (``nn.schedules``) or a person can change it mid-run.

The update rules follow ``torch.optim`` (same defaults, same order of operations)
so that a run here and a run in PyTorch trace the same trajectory. With ``g`` the
gradient, ``p`` the parameter, ``η`` the learning rate and ``t`` the step count:

=========  ==================================================================
SGD        g += λ·p;  b = μ·b + (1 − dampening)·g  (b = g at t = 1);
           p −= η·(g + μ·b) with Nesterov, else η·b  (η·g when μ = 0)
AdaGrad    g += λ·p;  s += g²;  p −= η / (1 + (t − 1)·decay) · g / (√s + ε)
RMSProp    g += λ·p;  v = α·v + (1 − α)·g²;  (centred: v − m², m = α·m + (1 − α)·g);
           p −= η·g / (√v + ε), or through a momentum buffer b = μ·b + g / (√v + ε)
Adam       g += λ·p;  m = β₁·m + (1 − β₁)·g;  v = β₂·v + (1 − β₂)·g²;
           p −= η / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)   (AMSGrad: max of v so far)
AdamW      p −= η·λ·p first (decoupled weight decay), then Adam without λ
=========  ==================================================================

Optimisers change numbers, not graphs: they write ``.data`` directly and never
build nodes, so a training step adds nothing to the next step's graph.
"""

import math

from autograd import Value
from nn.checks import finite_number

__all__ = ["AdaGrad", "Adam", "AdamW", "Optimizer", "RMSProp", "SGD"]


class Optimizer:
    """What every optimiser shares: the parameters, the learning rate, the state."""

    def __init__(self, parameters, lr):
        self.parameters = _parameter_list(parameters, type(self).__name__)
        self.lr = lr
        self.state = {parameter: {} for parameter in self.parameters}
        self.step_count = 0

    @property
    def lr(self):
        """The learning rate η used by the next ``step()``."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = self._hyper("lr", value, minimum=0.0)

    def zero_grad(self):
        """Set every parameter's gradient to 0 before the next ``backward``."""
        for parameter in self.parameters:
            parameter.grad = 0.0

    def step(self):
        """Update every parameter once from its current gradient.

        All gradients are checked before anything moves, and all new numbers are
        computed before any is written, so a refused step leaves the parameters and
        the optimiser's state (``state`` and ``step_count``) exactly as they were.
        """
        gradients = [self._gradient(parameter) for parameter in self.parameters]
        step = self.step_count + 1
        # Work on copies of the state, kept only if the whole step succeeds.
        new_states = [dict(self.state[parameter]) for parameter in self.parameters]
        new_data = [
            self._update(parameter, gradient, state, step)
            for parameter, gradient, state in zip(self.parameters, gradients, new_states)
        ]
        for parameter, gradient, number in zip(self.parameters, gradients, new_data):
            if not math.isfinite(number):
                raise ValueError(
                    f"{self._name}.step: parameter {parameter.label!r} would become "
                    f"{number!r} (data {parameter.data!r}, gradient {gradient!r}); "
                    f"lower the learning rate or clip the gradients"
                )
        for parameter, number, state in zip(self.parameters, new_data, new_states):
            parameter.data = number
            self.state[parameter] = state
        self.step_count = step

    def _update(self, parameter, gradient, state, step):
        """Return the parameter's new number at step ``step`` (1 for the first);
        subclasses write their rule here, changing only ``state``, a copy."""
        raise NotImplementedError

    @property
    def _name(self):
        return type(self).__name__

    def _gradient(self, parameter):
        gradient = parameter.grad
        if not math.isfinite(gradient):
            raise ValueError(
                f"{self._name}.step: the gradient of parameter {parameter.label!r} is "
                f"{gradient!r}; refusing to write a non-finite number into the model"
            )
        return gradient

    def _hyper(self, name, value, **bounds):
        """Check one hyper-parameter and return it as a float, or raise naming it."""
        return finite_number(value, f"{self._name}: {name}", **bounds)

    def _betas(self, betas):
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{self._name}: betas must be a pair (beta1, beta2), got {betas!r}")
        return (
            self._hyper("beta1", betas[0], minimum=0.0, below=1.0),
            self._hyper("beta2", betas[1], minimum=0.0, below=1.0),
        )

    def __repr__(self):
        return f"{self._name}(lr={self.lr:g}, {len(self.parameters)} parameters)"


class SGD(Optimizer):
    """Gradient descent, optionally with momentum, Nesterov momentum and weight decay.

    ``SGD(params, lr=0.5)`` is the slides' rule ``w ← w − η·dL/dw``.
    """

    def __init__(self, parameters, lr=1e-3, momentum=0.0, dampening=0.0,
                 weight_decay=0.0, nesterov=False):
        super().__init__(parameters, lr)
        self.momentum = self._hyper("momentum", momentum, minimum=0.0)
        self.dampening = self._hyper("dampening", dampening, minimum=0.0, maximum=1.0)
        self.weight_decay = self._hyper("weight_decay", weight_decay, minimum=0.0)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError(
                f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                f"momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def _update(self, parameter, gradient, state, step):
        gradient += self.weight_decay * parameter.data
        if self.momentum:
            if "momentum_buffer" in state:
                buffer = (self.momentum * state["momentum_buffer"]
                          + (1.0 - self.dampening) * gradient)
            else:
                buffer = gradient
            state["momentum_buffer"] = buffer
            gradient = gradient + self.momentum * buffer if self.nesterov else buffer
        return parameter.data - self.lr * gradient


class AdaGrad(Optimizer):
    """Per-parameter step sizes that shrink with the sum of squared gradients so far."""

    def __init__(self, parameters, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(parameters, lr)
        self.lr_decay = self._hyper("lr_decay", lr_decay, minimum=0.0)
        self.weight_decay = self._hyper("weight_decay", weight_decay, minimum=0.0)
        self.initial_accumulator_value = self._hyper(
            "initial_accumulator_value", initial_accumulator_value, minimum=0.0)
        self.eps = self._hyper("eps", eps, above=0.0)

    def _update(self, parameter, gradient, state, step):
        gradient += self.weight_decay * parameter.data
        squares = state.get("sum_of_squares", self.initial_accumulator_value)
        squares += gradient * gradient
        state["sum_of_squares"] = squares
        step_size = self.lr / (1.0 + (step - 1) * self.lr_decay)
        return parameter.data - step_size * gradient / (math.sqrt(squares) + self.eps)


class RMSProp(Optimizer):
    """Divide each gradient by a running root-mean-square of its recent values."""

    def __init__(self, parameters, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False):
        super().__init__(parameters, lr)
        self.alpha = self._hyper("alpha", alpha, minimum=0.0, maximum=1.0)
        self.eps = self._hyper("eps", eps, above=0.0)
        self.weight_decay = self._hyper("weight_decay", weight_decay, minimum=0.0)
        self.momentum = self._hyper("momentum", momentum, minimum=0.0)
        self.centered = bool(centered)

    def _update(self, parameter, gradient, state, step):
        alpha = self.alpha
        gradient += self.weight_decay * parameter.data
        square_average = (alpha * state.get("square_average", 0.0)
                          + (1.0 - alpha) * gradient * gradient)
        state["square_average"] = square_average
        variance = square_average
        if self.centered:
            # Centred: divide by an estimate of the standard deviation, not the RMS.
            average = alpha * state.get("gradient_average", 0.0) + (1.0 - alpha) * gradient
            state["gradient_average"] = average
            # Rounding can make E[g²] − E[g]² a hair below 0, where √ is undefined.
            variance = max(square_average - average * average, 0.0)
        scaled = gradient / (math.sqrt(variance) + self.eps)
        if self.momentum:
            scaled = self.momentum * state.get("momentum_buffer", 0.0) + scaled
            state["momentum_buffer"] = scaled
        return parameter.data - self.lr * scaled


class Adam(Optimizer):
    """Momentum (first moment) and RMSProp (second moment), both bias-corrected."""

    def __init__(self, parameters, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0.0, amsgrad=False):
        super().__init__(parameters, lr)
        self.betas = self._betas(betas)
        self.eps = self._hyper("eps", eps, above=0.0)
        self.weight_decay = self._hyper("weight_decay", weight_decay, minimum=0.0)
        self.amsgrad = bool(amsgrad)

    def _update(self, parameter, gradient, state, step):
        gradient += self.weight_decay * parameter.data
        return self._adam_update(parameter.data, gradient, state, step)

    def _adam_update(self, data, gradient, state, step):
        beta1, beta2 = self.betas
        first = beta1 * state.get("first_moment", 0.0) + (1.0 - beta1) * gradient
        second = (beta2 * state.get("second_moment", 0.0)
                  + (1.0 - beta2) * gradient * gradient)
        state["first_moment"] = first
        state["second_moment"] = second
        if self.amsgrad:
            # AMSGrad never lets the denominator shrink, so steps cannot grow back.
            second = max(state.get("max_second_moment", 0.0), second)
            state["max_second_moment"] = second
        first_correction = 1.0 - beta1 ** step
        second_correction = 1.0 - beta2 ** step
        denominator = math.sqrt(second) / math.sqrt(second_correction) + self.eps
        return data - (self.lr / first_correction) * first / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay: shrink the weight, then take the Adam step."""

    def __init__(self, parameters, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=1e-2, amsgrad=False):
        super().__init__(parameters, lr, betas, eps, weight_decay, amsgrad)

    def _update(self, parameter, gradient, state, step):
        decayed = parameter.data * (1.0 - self.lr * self.weight_decay)
        return self._adam_update(decayed, gradient, state, step)


def _parameter_list(parameters, optimizer_name):
    """The parameters as a list of distinct Values, or a clear error."""
    if isinstance(parameters, Value):
        raise TypeError(
            f"{optimizer_name}: expected a list of parameter Values, got a single Value "
            f"{parameters!r}; wrap it in a list"
        )
    try:
        parameters = list(parameters)
    except TypeError:
        raise TypeError(
            f"{optimizer_name}: expected a list of parameter Values, got "
            f"{type(parameters).__name__}"
        ) from None
    if not parameters:
        raise ValueError(f"{optimizer_name}: got an empty parameter list; nothing to optimise")
    seen = set()
    for position, parameter in enumerate(parameters):
        if not isinstance(parameter, Value):
            raise TypeError(
                f"{optimizer_name}: parameter {position} is a {type(parameter).__name__}, "
                f"not a Value: {parameter!r}"
            )
        if not parameter.is_leaf:
            raise ValueError(
                f"{optimizer_name}: parameter {position} ({parameter.label!r}) was made "
                f"by {parameter.op.name}; only leaves (weights, biases) can be optimised"
            )
        if parameter in seen:
            # Listed twice it would be updated twice per step.
            raise ValueError(
                f"{optimizer_name}: parameter {parameter.label!r} is listed twice"
            )
        seen.add(parameter)
    return parameters
