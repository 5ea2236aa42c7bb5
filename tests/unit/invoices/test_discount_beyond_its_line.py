"""A discount line (折扣行) takes off at most the amount of the line it discounts: one that takes it below zero
nets goods taken back against the sale, as a red-letter line would, and ``totals.positive`` fails it."""

from decimal import Decimal

from client.invoices import check_invoice
from client.invoices.model import InvoiceLine

from ._samples import invoice, line, money

BOLTS = line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13")          # 800.00
SERVICE = line("*信息技术服务*软件维护服务费", "1", "5000.00", "0.06")


def discount(fen: int) -> InvoiceLine:
    return InvoiceLine(name=BOLTS.name, amount_fen=-fen, tax_rate=Decimal("0.13"), tax_fen=-round(fen * 0.13))


def test_a_discount_above_the_line_it_discounts_fails_positive():
    # before: every check passed, the total with tax (the face amount) being the service less bolts taken back
    lines = (BOLTS, discount(200000), SERVICE)
    inv = invoice(lines=lines)
    assert inv.total_with_tax_fen > 0
    report = check_invoice(inv)
    assert [f.check for f in report.failed] == ["totals.positive"]
    finding = report.finding("totals.positive")
    assert finding.details["discounted_below_zero"] == [1]
    assert (f"line 1 ({BOLTS.name}) {money(BOLTS.amount_fen)} less its discount on line 2 {money(-200000)}"
            in finding.message)
    assert f"is {money(BOLTS.amount_fen - 200000)}" in finding.message and "red-letter invoice" in finding.message


def test_a_discount_of_the_whole_line_or_less_passes():
    for fen in (3000, BOLTS.amount_fen):
        report = check_invoice(invoice(lines=(BOLTS, discount(fen), SERVICE)))
        assert report.finding("totals.positive").status == "pass", report.finding("totals.positive").message
