"""A discount line (折扣行) is taxed at the rate of the line it discounts: at another rate, the tax of the
discounted sale is no longer its amount less the discount at its rate, and the total with tax (the face amount) is
not what was sold. ``line.rate`` fails such a discount line."""

from decimal import Decimal

import pytest

from client.invoices import check_invoice
from client.invoices.model import InvoiceLine

from ._samples import invoice, line

BOLTS = line("*金属制品*不锈钢螺栓", "1000", "10.00", "0.13")        # 10000.00, tax 1300.00
SERVICE = line("*信息技术服务*软件维护服务费", "1", "1000.00", "0.06")


def discount(rate: str, fen: int = 500000) -> InvoiceLine:
    return InvoiceLine(name=BOLTS.name, amount_fen=-fen, tax_rate=Decimal(rate),
                       tax_fen=-int((Decimal(fen) * Decimal(rate)).to_integral_value(rounding="ROUND_HALF_UP")))


@pytest.mark.parametrize("rate", ["0", "0.06", "0.09"])
def test_a_discount_at_another_rate_than_its_line_fails_line_rate(rate):
    # before: every check passed; at 0 the invoice claimed 6300.00 for goods of 5000.00 + 13 % (5650.00)
    inv = invoice(lines=(BOLTS, discount(rate), SERVICE))
    report = check_invoice(inv)
    assert [f.check for f in report.failed] == ["line.rate"]
    [failed] = report.failed
    assert failed.details["line"] == 2 and failed.details["discounts"] == 1
    assert failed.message.startswith("line 2: a discount (折扣行) of line 1")
    assert "13%" in failed.message and "same rate" in failed.message


def test_a_discount_at_its_lines_rate_passes():
    report = check_invoice(invoice(lines=(BOLTS, SERVICE, discount("0.13"))))
    assert report.ok, [f.message for f in report.failed]
    assert [f.status for f in report.of("line.rate")] == ["pass", "pass", "pass"]
