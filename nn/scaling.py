"""Input scaling: putting every feature on a comparable scale before training.

The slides list "scaling input values" among the knobs: a feature measured in
years (30 to 80) next to one in hours (0 to 10) makes the first weights' gradients
dominate. Both scalers here learn their numbers from the TRAINING rows only
(``fit``) and then apply exactly those numbers to any rows (``transform``): the
test set must be scaled as the model saw the training set, never refitted.

* ``StandardScaler``: x' = (x − mean) / standard deviation (population, ÷ n),
  so each training feature has mean 0 and standard deviation 1;
* ``MinMaxScaler(feature_range=(0, 1))``: x' = low + (x − min)·(high − low)/(max − min),
  so each training feature spans [low, high]; later rows may fall outside.

A feature that is constant in the training rows carries no information; it is
shifted (to 0, or to ``low``) but not divided by its zero spread.

Rows are lists of numbers, one list per example (like ``Dataset.inputs``).
"""

import math
from fractions import Fraction

from nn.checks import finite_number, number_rows, sequence

__all__ = ["MinMaxScaler", "NotFittedError", "Scaler", "StandardScaler"]


class NotFittedError(RuntimeError):
    """A scaler was used before ``fit`` taught it the training data's numbers."""


class Scaler:
    """x' = base + (x − shift) / spread · width, per feature, with numbers learnt by ``fit``.

    Dividing by the spread (rather than multiplying by 1/spread) keeps features
    whose spread is tiny, down to the smallest float 5e-324, exact: 1/5e-324 is
    already beyond a float.
    """

    def __init__(self):
        self.shift = None
        self.spread = None
        self.width = None
        self.base = None

    @property
    def is_fitted(self):
        return self.shift is not None

    @property
    def n_features(self):
        """How many features the scaler was fitted on (None before ``fit``)."""
        return None if self.shift is None else len(self.shift)

    def fit(self, rows):
        """Learn the scaling from the training rows; returns the scaler itself."""
        rows = number_rows(rows, f"{type(self).__name__}.fit")
        columns = list(zip(*rows))
        # Learnt in full before any attribute changes, so a refused fit leaves the scaler as it was.
        self.shift, self.spread, self.width, self.base = self._learn(columns)
        return self

    def transform(self, rows):
        """New rows scaled with the numbers learnt by ``fit``."""
        return self._apply(rows, "transform", lambda x, shift, spread, width, base: _affine(
            x, subtract=shift, divide=spread, multiply=width, add=base))

    def fit_transform(self, rows):
        """``fit`` on these rows, then ``transform`` them."""
        return self.fit(rows).transform(rows)

    def inverse_transform(self, rows):
        """Undo ``transform``: back to the original units."""
        return self._apply(rows, "inverse_transform", lambda x, shift, spread, width, base: _affine(
            x, subtract=base, divide=width, multiply=spread, add=shift))

    def _learn(self, columns):
        """Return (shift, spread, width, base) lists, one entry per feature."""
        raise NotImplementedError

    def _apply(self, rows, operation, formula):
        where = f"{type(self).__name__}.{operation}"
        if not self.is_fitted:
            raise NotFittedError(
                f"{where}: the scaler is not fitted yet; call "
                f"fit(training_rows) first, on the training data only"
            )
        rows = number_rows(rows, where, len(self.shift), "the scaler was fitted on")
        scaled = []
        for position, row in enumerate(rows):
            scaled_row = []
            for column, (x, *numbers) in enumerate(
                    zip(row, self.shift, self.spread, self.width, self.base)):
                try:
                    scaled_row.append(formula(x, *numbers))
                except OverflowError:
                    raise ValueError(
                        f"{where}: row {position}, feature {column}: {x!r} maps to a number "
                        f"beyond a 64-bit float (±1.8e308) with this scaler (shift "
                        f"{numbers[0]!r}, spread {numbers[1]!r})"
                    ) from None
            scaled.append(scaled_row)
        return scaled


class StandardScaler(Scaler):
    """Each feature to mean 0 and standard deviation 1 on the training rows."""

    def __init__(self):
        super().__init__()
        self.mean = None
        self.standard_deviation = None

    def _learn(self, columns):
        means, deviations = [], []
        for column in columns:
            if max(column) == min(column):
                # A constant feature is only centred: dividing by ~0 would blow it up.
                means.append(column[0])
                deviations.append(0.0)
                continue
            mean, deviation = _mean_and_deviation(column)
            means.append(mean)
            deviations.append(deviation)
        self.mean, self.standard_deviation = means, deviations
        # A deviation that underflows to 0 (subnormal data) is treated like a constant feature.
        spreads = [deviation if deviation > 0.0 else 1.0 for deviation in deviations]
        count = len(columns)
        return list(means), spreads, [1.0] * count, [0.0] * count


class MinMaxScaler(Scaler):
    """Each feature to span ``feature_range`` (default [0, 1]) on the training rows."""

    def __init__(self, feature_range=(0.0, 1.0)):
        super().__init__()
        if not isinstance(feature_range, (tuple, list)) or len(feature_range) != 2:
            raise TypeError(f"MinMaxScaler: feature_range must be a pair (low, high), "
                            f"got {feature_range!r}")
        low, high = (finite_number(x, f"MinMaxScaler: feature_range[{k}]")
                     for k, x in enumerate(feature_range))
        if not low < high:
            raise ValueError(f"MinMaxScaler: feature_range needs low < high, got {feature_range!r}")
        if not math.isfinite(high - low):
            raise ValueError(
                f"MinMaxScaler: feature_range {feature_range!r} is wider than a 64-bit float "
                f"can hold (1.8e308)"
            )
        self.feature_range = (low, high)
        self.minimum = None
        self.maximum = None

    def _learn(self, columns):
        low, high = self.feature_range
        minimum = [min(column) for column in columns]
        maximum = [max(column) for column in columns]
        spreads, widths = [], []
        for column, (smallest, largest) in enumerate(zip(minimum, maximum)):
            if largest == smallest:
                # A constant feature maps to ``low``: there is no range to stretch.
                spreads.append(1.0)
                widths.append(1.0)
                continue
            if not math.isfinite(largest - smallest):
                raise ValueError(
                    f"MinMaxScaler.fit: feature {column} runs from {smallest!r} to {largest!r}, "
                    f"a range wider than a 64-bit float can hold (1.8e308); divide the feature "
                    f"by a power of ten first"
                )
            spreads.append(largest - smallest)
            widths.append(high - low)
        self.minimum, self.maximum = minimum, maximum
        return list(minimum), spreads, widths, [low] * len(columns)


def _mean_and_deviation(column):
    """The mean and the population standard deviation, never overflowing on the way.

    The numbers are first divided by a power of two near the largest one (exact for
    normal floats), so the sum of ±1e308s and their squares stay within a float.
    """
    largest = max(abs(x) for x in column)
    unit = math.ldexp(1.0, math.frexp(largest)[1] - 1)
    scaled = [x / unit for x in column]
    mean = math.fsum(scaled) / len(scaled)
    variance = math.fsum((x - mean) ** 2 for x in scaled) / len(scaled)
    return mean * unit, math.sqrt(variance) * unit


def _affine(x, subtract, divide, multiply, add):
    """add + (x − subtract) / divide · multiply; exactly (in fractions) when a float on the
    way overflows. ``OverflowError`` when the result itself is beyond a float."""
    result = add + (x - subtract) / divide * multiply
    if math.isfinite(result):
        return result
    exact = Fraction(add) + (Fraction(x) - Fraction(subtract)) / Fraction(divide) * Fraction(multiply)
    return float(exact)
