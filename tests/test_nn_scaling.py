"""Input scaling: fitted on training rows only, applied unchanged to new rows,
constant features handled, clear errors for misuse."""

import math
import statistics

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nn.data import survival, train_test_split
from nn.scaling import MinMaxScaler, NotFittedError, StandardScaler

ROWS = [[30.0, 0.0, 2.0], [50.0, 10.0, 2.0], [70.0, 20.0, 2.0], [40.0, 30.0, 2.0]]


def column(rows, k):
    return [row[k] for row in rows]


def test_standardised_training_features_have_mean_0_and_deviation_1():
    scaled = StandardScaler().fit_transform(ROWS)
    for k in (0, 1):
        assert statistics.fmean(column(scaled, k)) == pytest.approx(0.0, abs=1e-12)
        assert statistics.pstdev(column(scaled, k)) == pytest.approx(1.0)


def test_standard_scaler_learns_population_statistics():
    scaler = StandardScaler().fit(ROWS)
    assert scaler.mean == pytest.approx([47.5, 15.0, 2.0])
    assert scaler.standard_deviation == pytest.approx(
        [statistics.pstdev(column(ROWS, 0)), statistics.pstdev(column(ROWS, 1)), 0.0])
    assert scaler.n_features == 3


def test_min_max_maps_the_training_range_onto_the_feature_range():
    scaled = MinMaxScaler().fit_transform(ROWS)
    assert column(scaled, 0) == pytest.approx([0.0, 0.5, 1.0, 0.25])
    assert column(scaled, 1) == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    wide = MinMaxScaler(feature_range=(-1, 1)).fit_transform(ROWS)
    assert column(wide, 0) == pytest.approx([-1.0, 0.0, 1.0, -0.5])


def test_constant_features_are_shifted_not_divided():
    assert column(StandardScaler().fit_transform(ROWS), 2) == [0.0] * 4
    assert column(MinMaxScaler(feature_range=(-1, 1)).fit_transform(ROWS), 2) == [-1.0] * 4
    assert StandardScaler().fit([[0.1]] * 3).transform([[0.1], [0.6]]) == [[0.0], [0.5]]


def test_new_rows_use_the_training_numbers_and_may_leave_the_range():
    scaler = MinMaxScaler().fit(ROWS)
    assert scaler.transform([[90.0, -10.0, 2.0]])[0] == pytest.approx([1.5, -1 / 3, 0.0])
    assert scaler.minimum == [30.0, 0.0, 2.0] and scaler.maximum == [70.0, 30.0, 2.0]


def test_fit_on_training_split_only_and_test_is_not_refitted():
    train, test = train_test_split(survival(n_samples=80, seed=0), seed=0)
    scaler = StandardScaler().fit(train.inputs)
    scaled_test = scaler.transform(test.inputs)
    refitted = StandardScaler().fit_transform(test.inputs)
    assert scaled_test != refitted
    expected = [(x - m) / s for x, m, s in zip(test.inputs[0], scaler.mean,
                                               scaler.standard_deviation)]
    assert scaled_test[0] == pytest.approx(expected)


@pytest.mark.parametrize("make", [StandardScaler, lambda: MinMaxScaler((2.0, 5.0))],
                         ids=["standard", "min-max"])
def test_inverse_transform_gives_back_the_original_units(make):
    scaler = make().fit(ROWS)
    restored = scaler.inverse_transform(scaler.transform(ROWS))
    for row, original in zip(restored, ROWS):
        assert row == pytest.approx(original)


def test_inputs_are_not_modified():
    rows = [list(row) for row in ROWS]
    StandardScaler().fit_transform(rows)
    assert rows == ROWS


@pytest.mark.parametrize("make", [StandardScaler, MinMaxScaler], ids=["standard", "min-max"])
def test_using_an_unfitted_scaler_says_to_fit_first(make):
    with pytest.raises(NotFittedError, match=r"\.transform: the scaler is not fitted yet"):
        make().transform(ROWS)
    with pytest.raises(NotFittedError, match="inverse_transform"):
        make().inverse_transform(ROWS)


def test_shape_mismatches_name_the_row():
    scaler = StandardScaler().fit(ROWS)
    with pytest.raises(ValueError, match="StandardScaler.transform: row 1 has 2 features but "
                                         "the scaler was fitted on 3"):
        scaler.transform([[1.0, 2.0, 3.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="MinMaxScaler.fit: row 2 has 1 features but row 0 has 2"):
        MinMaxScaler().fit([[1.0, 2.0], [3.0, 4.0], [5.0]])


@pytest.mark.parametrize("rows, error, message", [
    ([], ValueError, "StandardScaler.fit: got no rows"),
    ([[]], ValueError, "row 0 has no features"),
    ([[1.0], [math.nan]], ValueError, "row 1, feature 0: expected a finite number, got nan"),
    ([[1.0, math.inf]], ValueError, "row 0, feature 1: expected a finite number, got inf"),
    ([[1.0, "2"]], TypeError, "row 0, feature 1: expected a number, got str"),
    ([[True]], TypeError, "expected a number, got bool"),
    ([1.0, 2.0], TypeError, "row 0: expected a list of numbers, got float 1.0"),
    ("abc", TypeError, "expected a list of rows"),
])
def test_bad_rows_are_refused(rows, error, message):
    with pytest.raises(error) as caught:
        StandardScaler().fit(rows)
    assert message in str(caught.value)


def test_a_failed_fit_leaves_the_scaler_unfitted():
    scaler = StandardScaler()
    with pytest.raises(ValueError):
        scaler.fit([[1.0], [math.nan]])
    assert not scaler.is_fitted


def test_bad_feature_range_is_refused():
    with pytest.raises(ValueError, match="MinMaxScaler: feature_range needs low < high"):
        MinMaxScaler((1.0, 1.0))
    with pytest.raises(TypeError, match="MinMaxScaler: feature_range must be a pair"):
        MinMaxScaler(1.0)


finite_rows = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(
        st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=width, max_size=width),
        min_size=1, max_size=12,
    )
)


@settings(max_examples=40, deadline=None)
@given(finite_rows)
# Found by this test: 1/5e-324 is beyond a float, so a subnormal spread scaled to nan.
@example([[0.0], [5e-324]])
@example([[0.0, 0.0, 0.0], [0.0, 0.0, 5e-324]])
def test_any_training_rows_scale_and_come_back(rows):
    for scaler in (StandardScaler(), MinMaxScaler()):
        scaled = scaler.fit_transform(rows)
        assert all(math.isfinite(x) for row in scaled for x in row)
        for restored, original in zip(scaler.inverse_transform(scaled), rows):
            assert restored == pytest.approx(original, rel=1e-9, abs=1e-6)
    for k in range(len(rows[0])):
        assert all(-1e-9 <= x <= 1 + 1e-9 for x in column(MinMaxScaler().fit_transform(rows), k))


HUGE = [[1e308, 1.0], [-1e308, 2.0], [1.7e308, 3.0], [-1.7e308, 4.0]]


def test_standardising_numbers_near_the_float_limit_works_and_comes_back():
    scaler = StandardScaler()
    scaled = scaler.fit_transform(HUGE)
    assert scaler.mean[0] == 0.0
    assert statistics.pstdev(column(scaled, 0)) == pytest.approx(1.0)
    for restored, original in zip(scaler.inverse_transform(scaled), HUGE):
        assert restored == pytest.approx(original, rel=1e-12)


def test_a_min_max_range_beyond_a_float_is_refused_by_feature():
    with pytest.raises(ValueError) as caught:
        MinMaxScaler().fit(HUGE)
    assert "MinMaxScaler.fit: feature 0 runs from -1.7e+308 to 1.7e+308" in str(caught.value)
    with pytest.raises(ValueError, match="feature_range .* wider than a 64-bit float"):
        MinMaxScaler((-1e308, 1e308))


@pytest.mark.parametrize("make", [StandardScaler, MinMaxScaler], ids=["standard", "min-max"])
def test_a_new_row_that_scales_beyond_a_float_names_row_and_feature(make):
    scaler = make().fit([[0.0, 1.0], [1e-300, 2.0]])
    with pytest.raises(ValueError) as caught:
        scaler.transform([[0.5, 1.0], [1e10, 1.0]])
    assert f"{make.__name__}.transform: row 1, feature 0: 10000000000.0 maps to a number beyond" \
        in str(caught.value)


def test_numbers_beyond_a_float_and_non_finite_ones_are_refused_clearly():
    with pytest.raises(ValueError, match="row 0, feature 0: expected a finite number, got an integer of about 400 digits"):
        StandardScaler().fit([[10**400]])
    with pytest.raises(ValueError, match="row 1, feature 0: expected a finite number, got -inf"):
        MinMaxScaler().fit([[1.0], [-math.inf]])
