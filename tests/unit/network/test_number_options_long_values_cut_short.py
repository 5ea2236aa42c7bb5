"""A number option given a very long value names it cut short in its one error line, as every other refusal does:
a 10,000-character paste of full-width digits, or of text that is no number, was echoed whole."""
from __future__ import annotations

import click
import pytest

from network.option_checks import FiniteFloatRange, ascii_digits_problem

LONG = 10_000


def test_a_long_full_width_number_is_named_cut_short():
    problem = ascii_digits_problem("６" * LONG, "numbers", "60")
    assert problem is not None and "not ASCII" in problem
    assert f"({LONG} characters)" in problem and len(problem) < 500


@pytest.mark.parametrize("value", ["x" * LONG, "1" * LONG + "e" + "9" * 3])
def test_a_long_value_no_number_is_named_cut_short(value):
    with pytest.raises(click.BadParameter) as refused:
        FiniteFloatRange(min=0).convert(value, None, None)
    said = refused.value.format_message()       # click's own "Invalid value: " before it, with no option given
    assert said.startswith("Invalid value: '") and "characters)" in said and len(said) < 500


def test_a_short_value_is_named_whole():
    with pytest.raises(click.BadParameter) as refused:
        FiniteFloatRange(min=0).convert("12,5", None, None)
    assert refused.value.format_message().startswith("Invalid value: '12,5' is not a number")
