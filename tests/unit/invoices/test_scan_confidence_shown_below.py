"""A scan's field read with a confidence just below the threshold (0.7996 under 0.80) was flagged as "low
confidence 0.800 < 0.800", with a confidence of 0.8 in its reading: a person shown both could not tell why it was
flagged, and a program reading the confidence took it for one at the threshold. A confidence is shown to three
places rounded down, never up to or past the threshold it is below."""

import pytest

from client.invoices._scan_fields import Found
from client.invoices.scan import _reading


@pytest.mark.parametrize("confidence, shown", [(0.7996, 0.799), (0.79999, 0.799), (0.7994, 0.799)])
def test_a_confidence_just_below_the_threshold_is_shown_below_it(confidence, shown):
    reading = _reading(Found("2303.00", confidence), None, 0.8)
    assert reading.flagged and reading.confidence == shown < 0.8
    assert reading.reason == f"low confidence {shown:.3f} < 0.800"


@pytest.mark.parametrize("confidence, shown", [(0.93, 0.93), (0.29, 0.29), (0.8, 0.8), (1.0, 1.0), (0.0, 0.0)])
def test_a_confidence_of_three_places_or_fewer_is_shown_as_it_is(confidence, shown):
    reading = _reading(Found("2303.00", confidence), None, 0.8)
    assert reading.confidence == shown and reading.flagged == (confidence < 0.8)


@pytest.mark.parametrize("confidence, threshold, said", [
    (0.8003, 0.8005, "low confidence 0.800 < 0.801"),
    (0.8004, 0.80041, "low confidence 0.800 < 0.801"),
    (0.5, 0.5001, "low confidence 0.500 < 0.501"),
])
def test_a_threshold_of_more_than_three_places_is_shown_above_the_confidence_it_flags(confidence, threshold, said):
    # the threshold rounded to nearest could meet the confidence rounded down: "0.800 < 0.800" says no reason
    reading = _reading(Found("2303.00", confidence), None, threshold)
    assert reading.flagged and reading.reason == said
