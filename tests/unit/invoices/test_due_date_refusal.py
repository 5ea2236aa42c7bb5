"""A registration due on or before its invoice's date is refused naming the invoice, its date, the option and what
to give: it said only "due date X is not after the invoice date Y", neither which invoice nor how to go on."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import InvoiceError, match_invoice, read_goods_receipt, read_invoice, read_purchase_order
from client.invoices import registration_from_match

from .test_attest import INVOICE, SAMPLES


def test_a_due_date_not_after_the_invoice_names_the_invoice_and_the_date_to_give():
    inv = read_invoice(INVOICE)
    po, gr = read_purchase_order(SAMPLES / "purchase_order.csv"), read_goods_receipt(SAMPLES / "goods_receipt.csv")
    with pytest.raises(InvoiceError) as refused:
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 9, 1))
    assert str(refused.value) == ("due date 2026-09-01 (--due) is not after the date of invoice 26442000000012345678, "
                                  "2026-09-01: a claim falls due after the invoice it is for; give a due date after "
                                  "2026-09-01")
    assert registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 9, 2),
                                   today=date(2026, 9, 1)).due_date == "2026-09-02"


def test_register_refuses_it_as_bad_input_before_connecting(tmp_path):
    r = CliRunner().invoke(invoice_group, [
        "register", str(INVOICE), "--po", str(SAMPLES / "purchase_order.csv"), "--receipt",
        str(SAMPLES / "goods_receipt.csv"), "--due", "2026-08-31", "--as", "supplier/supplier1",
        "--data-root", str(tmp_path)])
    assert r.exit_code == 2, r.output
    assert "invoice 26442000000012345678, 2026-09-01" in r.output and "give a due date after 2026-09-01" in r.output
