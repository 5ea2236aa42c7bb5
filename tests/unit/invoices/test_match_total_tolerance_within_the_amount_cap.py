"""`invoice match --total-tolerance-fen` is held to the cap of the amounts the ledger takes: no two of them differ by
more, so a wider tolerance (a 40-digit number) is a typo, refused naming the option before any file is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.money import MAX_FEN

SAMPLES = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"


def match(tolerance: int | str):
    return CliRunner().invoke(invoice_group, ["match", str(SAMPLES / "einvoice.xml"),
                                              "--po", str(SAMPLES / "purchase_order.csv"),
                                              "--receipt", str(SAMPLES / "goods_receipt.csv"),
                                              "--total-tolerance-fen", str(tolerance)])


@pytest.mark.parametrize("tolerance, shown", [
    (MAX_FEN + 1, "9,007,199,254,740,992 fen"),
    ("1234567890123456789012345678901234567890", "1,234,567,890,123,456,789,012,345,678,901,234,567,890 fen"),
])
def test_a_tolerance_above_the_amount_cap_is_refused_naming_the_option_and_the_cap(tolerance, shown):
    result = match(tolerance)
    assert result.exit_code == 2, result.output
    assert (f"Invalid value for '--total-tolerance-fen': amount {shown} is above the cap of 90,071,992,547,409.91 "
            "yuan (9,007,199,254,740,991 fen) that the ledger accepts: check the amount (no two amounts the ledger "
            "takes differ by more, so a tolerance up to the cap already lets every total through)") in result.output


def test_a_tolerance_of_the_cap_itself_is_taken():
    result = match(MAX_FEN)
    assert result.exit_code == 0, result.output
    assert "MATCHED: 3 matched" in result.output
