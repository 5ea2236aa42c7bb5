"""A proposal's refused value (a currency, a rate, a tier's days) is shown as every refused value is
(client.shown): whole where cutting it would not shorten it (one written in 41 to 48 characters, quotes included,
came back longer than itself, cut to its first 30), cut to its start, end and length where it is long."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from client.pricing.proposals import ClaimCurrency, ScaleTier


def _refused(adapter: TypeAdapter, value: object) -> str:
    with pytest.raises(ValidationError) as refused:
        adapter.validate_python(value)
    return refused.value.errors()[0]["msg"]


@pytest.mark.parametrize("length", [39, 42, 46])
def test_a_currency_no_cut_would_shorten_is_shown_whole(length):
    written = "y" * length
    assert _refused(TypeAdapter(ClaimCurrency), written).startswith(f"Value error, {written!r} is not a currency")


def test_a_long_currency_is_cut_to_its_start_end_and_length():
    written = "a" * 5000 + "b" * 5000
    said = _refused(TypeAdapter(ClaimCurrency), written)
    assert said.startswith(f"Value error, '{'a' * 39}...{'b' * 11}' (10000 characters) is not a currency")


def test_a_tiers_days_of_45_digits_are_shown_whole():
    days = 10**44
    said = _refused(TypeAdapter(ScaleTier), {"min_days_early": days, "apr": "0.05"})
    assert said.startswith(f"Value error, {days} days: a tier starts from 1 to 3660 days early")


@pytest.mark.parametrize("value, spelled", [(True, "true"), (None, "null"), (["CNY"], '["CNY"]')])
def test_a_value_no_text_is_spelled_as_the_file_wrote_it(value, spelled):
    assert _refused(TypeAdapter(ClaimCurrency), value).startswith(f"Value error, {spelled} is not a currency")
