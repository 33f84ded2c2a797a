"""Learning-rate schedules: the learning rate as a function of the epoch.

A schedule is wrapped around an optimiser. It remembers the optimiser's starting
learning rate η₀ and, each time ``step()`` is called (once per epoch, after the
optimiser's updates), writes the learning rate for the next epoch into
``optimizer.lr``. ``lr_at(epoch)`` gives the same number without changing
anything, which is handy for plotting a schedule before training.

With e the number of ``step()`` calls so far:

* ``StepDecay(optimizer, step_size, gamma=0.1)``: η₀ · γ^⌊e / step_size⌋
  (drop by a factor γ every ``step_size`` epochs);
* ``ExponentialDecay(optimizer, gamma)``: η₀ · γ^e;
* ``CosineAnnealing(optimizer, period, minimum_lr=0)``:
  η_min + (η₀ − η_min) · (1 + cos(π e / period)) / 2, from η₀ down to η_min
  over ``period`` epochs (and back up over the next ``period``, as in PyTorch).

These are the sequences of PyTorch's ``StepLR``, ``ExponentialLR`` and
``CosineAnnealingLR``. The decays take γ in [0, 1]: a γ above 1 would grow
the learning rate until a step overflows, which is not a decay.
"""

import math

from nn.checks import finite_number, whole_number

__all__ = ["CosineAnnealing", "ExponentialDecay", "Schedule", "StepDecay"]


class Schedule:
    """Drives ``optimizer.lr`` from a closed-form rule ``lr_at(epoch)``."""

    def __init__(self, optimizer):
        if not hasattr(optimizer, "lr"):
            raise TypeError(
                f"{type(self).__name__}: expected an optimiser with an lr attribute, "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.initial_lr = float(optimizer.lr)
        self.epoch = 0

    def lr_at(self, epoch):
        """The learning rate this schedule gives for ``epoch`` (0 is the start)."""
        raise NotImplementedError

    def step(self):
        """Finish an epoch: move on by one and set the optimiser's learning rate."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr

    @property
    def lr(self):
        """The learning rate currently in the optimiser."""
        return self.optimizer.lr

    def _where(self, name):
        return f"{type(self).__name__}: {name}"

    def __repr__(self):
        return f"{type(self).__name__}(epoch={self.epoch}, lr={self.lr:g})"


class StepDecay(Schedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        super().__init__(optimizer)
        self.step_size = whole_number(step_size, self._where("step_size"), minimum=1)
        self.gamma = finite_number(gamma, self._where("gamma"), minimum=0.0, maximum=1.0)

    def lr_at(self, epoch):
        return self.initial_lr * self.gamma ** (epoch // self.step_size)


class ExponentialDecay(Schedule):
    """Multiply the learning rate by ``gamma`` every epoch."""

    def __init__(self, optimizer, gamma):
        super().__init__(optimizer)
        self.gamma = finite_number(gamma, self._where("gamma"), minimum=0.0, maximum=1.0)

    def lr_at(self, epoch):
        return self.initial_lr * self.gamma ** epoch


class CosineAnnealing(Schedule):
    """Follow half a cosine from the initial learning rate down to ``minimum_lr``."""

    def __init__(self, optimizer, period, minimum_lr=0.0):
        super().__init__(optimizer)
        self.period = whole_number(period, self._where("period"), minimum=1)
        self.minimum_lr = finite_number(minimum_lr, self._where("minimum_lr"), minimum=0.0)

    def lr_at(self, epoch):
        progress = (1.0 + math.cos(math.pi * epoch / self.period)) / 2.0
        return self.minimum_lr + (self.initial_lr - self.minimum_lr) * progress
