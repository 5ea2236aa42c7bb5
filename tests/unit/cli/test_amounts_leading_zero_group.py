"""An amount whose first thousands group starts with 0 is refused, as an invoice's is (docs/invoices.md): `0,500`
may be a decimal comma, half a yuan, and was read as 500."""
from __future__ import annotations

import pytest

from cli.amounts import parse_amount
from cli.finance_commands import finance

from ..cli_errors import invoke


@pytest.mark.parametrize("text", ["0,500", "0,100", "0,500,000", "00,500", "000,500.00", "0,500fen", "CNY 0,500"])
def test_a_first_group_starting_with_0_is_refused_saying_why_and_what_to_write(text):
    with pytest.raises(ValueError) as refused:
        parse_amount(text)
    assert "a comma after a 0 may be a decimal comma, which is not read" in str(refused.value)
    assert "e.g. 500,000.00 or 0.50" in str(refused.value)


@pytest.mark.parametrize("text, fen", [("500,000", 50_000_000), ("1,000", 100_000), ("0.50", 50), ("0", 0),
                                       ("100,000fen", 100_000)])
def test_groups_that_do_not_start_with_0_are_read(text, fen):
    assert parse_amount(text) == fen


def test_finance_quote_face_0_500_000_is_a_usage_error_naming_the_option():
    result = invoke(finance, "quote", "RCV-1", "--as", "bank", "--face", "0,500,000", "--due", "2027-03-01",
                    "--grade", "B", "--on", "2026-12-01")
    assert result.exit_code == 2
    assert "--face" in result.output and "'0,500,000' starts with the group 0" in result.output
