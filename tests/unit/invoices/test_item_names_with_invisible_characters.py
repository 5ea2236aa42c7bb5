"""An item name holding an invisible character (a zero-width space or joiner, a byte order mark, a soft hyphen: what
copying a name from a web page or a spreadsheet cell can carry) was paired with no line of the same name, and the
invoice line was reported "not received" though the receipt listed the goods under the very name a person sees.
Such characters are no part of a name as lines are paired by it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client.invoices import match_invoice
from client.invoices._item_keys import item_key
from client.invoices.matching import GoodsReceipt, OrderLine, PurchaseOrder

from ._samples import invoice, line

PO = PurchaseOrder(number="PO-1", lines=(OrderLine(line="1", item_name="贴片电容", quantity=Decimal(200),
                                                   unit_price=Decimal("1.50")),))
INVOICE = invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13"),))


@pytest.mark.parametrize("hidden", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_a_receipt_naming_the_goods_with_an_invisible_character_backs_the_invoice_line(hidden):
    receipt = GoodsReceipt(number="GR-1", po_number="PO-1", lines=(
        OrderLine(line="1", item_name=f"贴片电{hidden}容", quantity=Decimal(200)),))
    result = match_invoice(INVOICE, PO, receipt)
    assert result.status == "matched", result.lines[0].problems


def test_an_item_code_with_an_invisible_character_keys_as_the_code_a_person_sees():
    assert item_key("\ufeffC0805\u200b") == item_key("C0805") == "c0805"


def test_visible_characters_still_tell_names_apart():
    assert item_key("贴片电容") != item_key("贴片电阻")
