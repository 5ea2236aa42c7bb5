"""A registration of an invoice delivered on paper (数电纸质发票) sends its paper identity, the paper form's 发票代码
and 8-digit 发票号码, beside its 20-digit number, so the contract can hold the invoice under both; an invoice without
one goes out as before, with neither field."""

from __future__ import annotations

import json
from datetime import date

import pytest

from client.invoices import Invoice, InvoiceError, match_invoice, registration_from_match

from ._samples import invoice
from .test_registration_goods_receipt import documents

PAPER = {"paper_code": "144032400111", "paper_number": "87654321"}


def _wire(inv: Invoice, tmp_path) -> dict:
    po, gr = documents(tmp_path)
    return json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1)).wire())


def test_the_registration_sends_the_paper_identity(tmp_path):
    [sent] = _wire(Invoice.model_validate({**invoice().model_dump(), **PAPER}), tmp_path)["invoices"]
    assert (sent["number"], sent["code"], sent["paper_code"], sent["paper_number"]) == (
        "26442000000012345678", "", "144032400111", "87654321")


def test_an_invoice_without_a_paper_identity_is_sent_as_before(tmp_path):
    [sent] = _wire(invoice(), tmp_path)["invoices"]
    assert "paper_code" not in sent and "paper_number" not in sent


def test_half_a_paper_identity_set_past_the_model_is_refused_before_anything_is_sent(tmp_path):
    half = invoice().model_copy(update={"paper_code": "144032400111"})   # model_copy does not validate
    with pytest.raises(InvoiceError, match="paper identity: paper_code .144032400111. is given without paper_number"):
        _wire(half, tmp_path)
