"""A line whose quantity and unit price are both negative multiplies to a positive amount: every figure adds up,
and the line passed for a sale. No invoice prints such a line (one taking goods back prints its quantity negative,
or its price), so ``line.amount`` fails it."""

from __future__ import annotations

from decimal import Decimal

from client.invoices import check_invoice
from client.invoices.model import InvoiceLine

from ._samples import invoice, line


def _finding(quantity: str, unit_price: str, amount_fen: int):
    odd = InvoiceLine(name="*电子元件*贴片电容", spec="0805", unit="个", quantity=Decimal(quantity),
                      unit_price=Decimal(unit_price), amount_fen=amount_fen, tax_rate=Decimal("0.13"),
                      tax_fen=round(amount_fen * 0.13))
    report = check_invoice(invoice(lines=(odd, line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13"))))
    return next(f for f in report.findings if f.check == "line.amount" and f.details.get("line") == 1)


def test_a_quantity_and_a_price_both_negative_fail_the_line():
    finding = _finding("-200", "-1.50", 30000)
    assert finding.status == "fail"
    assert "both negative" in finding.message and "-200" in finding.message and "-1.50" in finding.message


def test_a_negative_quantity_at_its_price_is_still_checked_as_quantity_x_price():
    assert _finding("-200", "1.50", -30000).status == "pass"
    assert _finding("-200", "1.50", 30000).status == "fail"
