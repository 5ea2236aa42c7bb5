"""The English word for an exempt line's rate is read in any case: ``Exempt`` (as a title) and ``EXEMPT`` are the
``exempt`` every reader took, as 免税 is, and were refused as no rate (a file) or flagged (a scan)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client.invoices import check_invoice, parse_invoice
from client.invoices._cross_checks import row_values
from client.invoices._reading import to_rate

from .test_einvoice_forms import exempt_xml
from .test_no_tax_spellings import row_of


@pytest.mark.parametrize("rate", ["Exempt", "EXEMPT", "exempt", "Ｅｘｅｍｐｔ"])
def test_the_xml_reader_reads_exempt_in_any_case(rate):
    inv = parse_invoice(exempt_xml(rate, "***"))
    assert (inv.lines[2].tax_rate, inv.lines[2].tax_fen) == (0, 0)
    assert check_invoice(inv).ok


@pytest.mark.parametrize("rate", ["Exempt", "EXEMPT"])
def test_the_scan_row_pattern_reads_exempt_in_any_case(rate):
    row = row_of(rate, "***")
    assert row.problem is None
    assert row_values(row.cells).tax_rate == Decimal(0)


def test_a_word_holding_exempt_is_still_no_rate():
    with pytest.raises(ValueError):
        to_rate("Exempted 13%")
