"""An invoice whose buyer has the seller's tax id is issued by a taxpayer to itself: no claim on anyone, and more
likely one of the two ids is misread or mistyped (a scan, an ERP export filling the seller into both). It fails
``buyer.tax_id``, naming both parties, without ``--debtor`` or ``--supplier`` given, and so cannot be registered,
before the contract would refuse it in words about roles; where the two ids differ it passes as before."""

from __future__ import annotations

from datetime import date

import pytest

from client.invoices import ChecksFailed, check_invoice, match_invoice, registration_from_match
from client.invoices.model import Party

from ._samples import BUYER, SELLER, invoice
from . import test_delivery_in_parts as parts

capacitors, documents = parts.capacitors, parts.documents   # documents: a fixture, an order and a receipt of 200


@pytest.mark.parametrize("spelled", [SELLER.tax_id, f" {SELLER.tax_id} "])
def test_a_buyer_with_the_sellers_tax_id_fails_buyer_tax_id(spelled):
    report = check_invoice(invoice(buyer=Party(name=BUYER.name, tax_id=spelled)))
    assert [f.check for f in report.failed] == ["buyer.tax_id"]
    message = report.finding("buyer.tax_id").message
    assert SELLER.tax_id in message and BUYER.name in message and SELLER.name in message
    assert "check both tax ids against the invoice" in message


def test_parties_with_their_own_tax_ids_pass():
    report = check_invoice(invoice())
    assert report.finding("buyer.tax_id").status == "pass" and report.finding("seller.tax_id").status == "pass"


def test_an_invoice_to_its_own_seller_is_not_registered(documents):
    po, gr = documents
    inv = capacitors("200", buyer=Party(name=BUYER.name, tax_id=SELLER.tax_id))
    with pytest.raises(ChecksFailed) as refused:
        registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1))
    assert [f.check for f in refused.value.failed] == ["buyer.tax_id"]
