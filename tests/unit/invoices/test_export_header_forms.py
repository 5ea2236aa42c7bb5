"""CSV headers of an ERP export as spreadsheets write them: a column the reader reads is read in any case or
width (``Currency``, ``QTY``), not passed over (a USD order taken to be in the invoice's currency, units never
compared)."""

from __future__ import annotations

import pytest

from client.invoices import MalformedInput, match_invoice
from client.invoices.matching import read_goods_receipt, read_purchase_order

from ._samples import invoice, line
from .test_matching import write

GR = "receipt_number,po_number,line,item_name,quantity\nGR-1,PO-1,1,贴片电容,200\n"


def capacitors():
    return invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个"),))


def test_a_capitalised_currency_column_is_read_and_a_usd_order_does_not_match(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", (
        "PO_Number,Line,Item_Name,Quantity,Unit_Price,Currency\nPO-1,1,贴片电容,200,1.50,USD\n")))
    assert po.number == "PO-1" and po.currency == "USD"
    result = match_invoice(capacitors(), po, read_goods_receipt(write(tmp_path, "gr.csv", GR)))
    assert result.status == "partial"
    assert result.problems[0].startswith("currency: the purchase order PO-1 is in USD, the invoice in CNY")


def test_a_unit_column_in_capitals_or_full_width_is_compared(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", "po_number,item_name,ＱＵＡＮＴＩＴＹ,unit_price,UNIT\n"
                                                      "PO-1,贴片电容,200,1.50,盘\n"))
    assert (po.lines[0].quantity, po.lines[0].unit) == (200, "盘")
    result = match_invoice(capacitors(), po, read_goods_receipt(write(tmp_path, "gr.csv", GR)))
    assert result.status == "partial" and "different units" in result.lines[0].problems[0]


def test_a_column_given_in_two_cases_is_refused_as_given_twice(tmp_path):
    with pytest.raises(MalformedInput, match=r"header: quantity: the column 'quantity' is given 2 times"):
        read_purchase_order(write(tmp_path, "po.csv", "po_number,item_name,quantity,Quantity,unit_price\n"
                                                      "PO-1,贴片电容,200,300,1.50\n"))
