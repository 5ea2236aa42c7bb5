import math
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.stats import latency_summary, percentile, throughput


@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=2, max_size=200))
def test_percentiles_agree_with_the_standard_librarys_inclusive_quantiles(values):
    reference = statistics.quantiles(values, n=100, method="inclusive")  # cut points p1..p99
    for p in range(1, 100):
        assert math.isclose(percentile(values, p), reference[p - 1], rel_tol=1e-9, abs_tol=1e-9)


def test_small_cases_by_the_sorted_list_definition():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]          # sorted: 1 2 3 4 5
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 5.0
    assert percentile(values, 50) == 3.0        # h = 4 * 0.5 = 2 -> x[2]
    assert percentile(values, 95) == pytest.approx(4.8)   # h = 3.8 -> 4 + 0.8 * (5 - 4)
    assert percentile([7.0], 99) == 7.0


def test_order_of_input_does_not_matter():
    values = [random.Random(3).random() for _ in range(101)]
    shuffled = values[::-1]
    assert percentile(values, 99) == percentile(shuffled, 99)


def test_nothing_to_measure_is_said_plainly():
    with pytest.raises(ValueError, match="at least one"):
        percentile([], 50)
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 101)
    assert latency_summary([]) == {"p50": None, "p95": None, "p99": None, "mean": None, "max": None}
    with pytest.raises(ValueError, match="positive window"):
        throughput(10, 0)


def test_summary_and_throughput():
    summary = latency_summary([0.1, 0.2, 0.3, 0.4])
    assert summary["max"] == 0.4 and summary["mean"] == pytest.approx(0.25)
    assert summary["p50"] == pytest.approx(0.25)
    assert throughput(120, 60) == 2.0


SMALL_AND_TIED = [
    [0.2, 0.2],
    [0.3, 0.1],
    [0.1, 0.1, 0.1, 0.9],
    [0.9, 0.1, 0.1, 0.1],
    [0.5, 0.5, 0.5, 0.5, 0.5],
    [1.0, 2.0, 2.0, 2.0, 3.0],
    [0.25, 0.25, 0.75, 0.75, 0.75, 4.0],
]


@pytest.mark.parametrize("values", SMALL_AND_TIED)
def test_small_and_tied_samples_match_the_standard_librarys_inclusive_quantiles(values):
    # statistics.quantiles interpolates on its own (integer cut points over n - 1 gaps): an independent reckoning
    reference = statistics.quantiles(values, n=100, method="inclusive")
    for p in (1, 25, 50, 75, 95, 99):
        assert percentile(values, p) == pytest.approx(reference[p - 1], rel=1e-12, abs=1e-15)
    ordered = [percentile(values, p) for p in range(0, 101)]
    assert ordered == sorted(ordered)                                   # never decreasing in p
    assert ordered[0] == min(values) and ordered[-1] == max(values)


def test_a_tie_is_every_percentile_of_itself_exactly():
    # ties are where an interpolation written as a weighted sum drifts off the value in its last digit
    for value in (0.1, 0.3, 1e-3, 7.7):
        for n in (1, 2, 3, 10):
            summary = latency_summary([value] * n)
            assert summary["p50"] == summary["p95"] == summary["p99"] == summary["max"] == value


@pytest.mark.parametrize("values", [
    [float("nan"), 1.0, 2.0],
    [1.0, float("nan"), 2.0],       # sorted() leaves a NaN where it was: the answer hung on the input's order
    [1.0, 2.0, float("inf")],       # inf - inf interpolates to NaN
    [float("-inf"), 1.0],
])
def test_a_value_that_is_not_a_finite_number_is_refused_in_whatever_place(values):
    for p in (0, 50, 99, 100):
        with pytest.raises(ValueError, match="not finite numbers .* a percentile needs finite values"):
            percentile(values, p)
    with pytest.raises(ValueError, match="a percentile needs finite values"):
        latency_summary(values)
