"""An invoice line that no PO line names pairs by item code (the order's code printed as its spec, or as its name),
and may then match goods the order calls by another name: resistors invoiced against a capacitor line of the same
code. The match said nothing of it, so an officer reading "matched" took the invoice to name what was ordered. The
line now says it was paired by code, and both names; a line paired by its name says nothing, as before."""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import match_invoice
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder

from ._samples import invoice, line, match_files

PO = PurchaseOrder(number="PO-1", lines=(OrderLine(line="1", item_code="C0805", item_name="贴片电容",
                                                   quantity=Decimal(200), unit_price=Decimal("1.50")),))
GR = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
    OrderLine(line="1", item_code="C0805", item_name="贴片电容", quantity=Decimal(200)),))
RESISTORS = invoice(lines=(line("*电子元件*贴片电阻", "200", "1.50", "0.13", spec="C0805"),))


def test_a_line_paired_by_item_code_names_both_names():
    result = match_invoice(RESISTORS, PO, GR)
    assert result.status == "matched"   # the code is the buyer's own: the pairing stands, and is shown
    assert result.lines[0].paired_by_code == (
        "paired by item code C0805: the invoice names *电子元件*贴片电阻, PO line 1 贴片电容; check that they are the "
        "same goods")
    assert result.model_dump(mode="json")["lines"][0]["paired_by_code"] == result.lines[0].paired_by_code


def test_a_line_paired_by_name_says_nothing_and_dumps_as_before():
    result = match_invoice(invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13", spec="C0805"),)), PO, GR)
    assert result.status == "matched" and result.lines[0].paired_by_code is None
    assert "paired_by_code" not in result.model_dump(mode="json")["lines"][0]


def test_match_prints_the_pairing_under_the_line(tmp_path):
    r = CliRunner().invoke(invoice_group, ["match", *match_files(tmp_path, RESISTORS)])
    assert r.exit_code == 0, r.output
    assert ("            paired by item code C0805: the invoice names *电子元件*贴片电阻, PO line 1 贴片电容; check "
            "that they are the same goods") in r.output.splitlines()
