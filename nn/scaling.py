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
import numbers

from nn.checks import finite_number

__all__ = ["MinMaxScaler", "NotFittedError", "Scaler", "StandardScaler"]


class NotFittedError(RuntimeError):
    """A scaler was used before ``fit`` taught it the training data's numbers."""


class Scaler:
    """x' = base + (x − shift) · factor, per feature, with numbers learnt by ``fit``."""

    def __init__(self):
        self.shift = None
        self.factor = None
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
        rows = self._checked(rows, "fit", expected_width=None)
        columns = list(zip(*rows))
        self.shift, self.factor, self.base = self._learn(columns)
        return self

    def transform(self, rows):
        """New rows scaled with the numbers learnt by ``fit``."""
        rows = self._checked(rows, "transform", self._fitted_width("transform"))
        return [
            [base + (x - shift) * factor
             for x, shift, factor, base in zip(row, self.shift, self.factor, self.base)]
            for row in rows
        ]

    def fit_transform(self, rows):
        """``fit`` on these rows, then ``transform`` them."""
        return self.fit(rows).transform(rows)

    def inverse_transform(self, rows):
        """Undo ``transform``: back to the original units."""
        rows = self._checked(rows, "inverse_transform", self._fitted_width("inverse_transform"))
        return [
            [(x - base) / factor + shift
             for x, shift, factor, base in zip(row, self.shift, self.factor, self.base)]
            for row in rows
        ]

    def _learn(self, columns):
        """Return (shift, factor, base) lists, one entry per feature."""
        raise NotImplementedError

    def _fitted_width(self, operation):
        if not self.is_fitted:
            raise NotFittedError(
                f"{type(self).__name__}.{operation}: the scaler is not fitted yet; call "
                f"fit(training_rows) first, on the training data only"
            )
        return len(self.shift)

    def _checked(self, rows, operation, expected_width):
        """Rows as lists of floats, all of one width, or an error saying which row is wrong."""
        where = f"{type(self).__name__}.{operation}"
        if isinstance(rows, (str, bytes)) or not hasattr(rows, "__len__"):
            raise TypeError(f"{where}: expected a list of rows, got {type(rows).__name__}")
        if len(rows) == 0:
            raise ValueError(f"{where}: got no rows")
        checked = []
        for position, row in enumerate(rows):
            if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
                raise TypeError(
                    f"{where}: row {position} must be a list of numbers, got "
                    f"{type(row).__name__} {row!r}"
                )
            if expected_width is None:
                expected_width = len(row)
                if expected_width == 0:
                    raise ValueError(f"{where}: row 0 has no features")
            if len(row) != expected_width:
                reference = "row 0 has" if operation == "fit" else "the scaler was fitted on"
                raise ValueError(
                    f"{where}: row {position} has {len(row)} features but {reference} "
                    f"{expected_width}"
                )
            checked.append([_finite(x, where, position, column) for column, x in enumerate(row)])
        return checked


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
            mean = math.fsum(column) / len(column)
            means.append(mean)
            deviations.append(math.sqrt(math.fsum((x - mean) ** 2 for x in column) / len(column)))
        self.mean, self.standard_deviation = means, deviations
        factors = [1.0 / deviation if deviation > 0.0 else 1.0 for deviation in deviations]
        return list(means), factors, [0.0] * len(columns)


class MinMaxScaler(Scaler):
    """Each feature to span ``feature_range`` (default [0, 1]) on the training rows."""

    def __init__(self, feature_range=(0.0, 1.0)):
        super().__init__()
        if not isinstance(feature_range, (tuple, list)) or len(feature_range) != 2:
            raise TypeError(f"MinMaxScaler: feature_range must be a pair (low, high), "
                            f"got {feature_range!r}")
        low, high = (_finite(x, "MinMaxScaler", None, k) for k, x in enumerate(feature_range))
        if not low < high:
            raise ValueError(f"MinMaxScaler: feature_range needs low < high, got {feature_range!r}")
        self.feature_range = (low, high)
        self.minimum = None
        self.maximum = None

    def _learn(self, columns):
        low, high = self.feature_range
        self.minimum = [min(column) for column in columns]
        self.maximum = [max(column) for column in columns]
        factors = [
            # A constant feature maps to ``low``: there is no range to stretch.
            1.0 if largest == smallest else (high - low) / (largest - smallest)
            for smallest, largest in zip(self.minimum, self.maximum)
        ]
        return list(self.minimum), factors, [low] * len(columns)


def _finite(x, where, row, column):
    at = f"row {row}, feature {column}" if row is not None else f"entry {column}"
    return finite_number(x, f"{where}: {at}")
