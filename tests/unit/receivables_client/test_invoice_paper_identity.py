"""The SDK sends an invoice's paper identity (数电纸质发票: paper_code, paper_number) and reads it back with the
fingerprint the contract holds it under; an invoice naming none goes out, and reads, as before the fields."""

from __future__ import annotations

import json
from decimal import Decimal

import client.receivables as sdk
from chaincode.receivables import fingerprint
from client.receivables import InvoiceInput

from .test_contract_agreement import Lifecycle

PAPER_CODE, PAPER_NUMBER = "144031900111", "00012345"


def test_a_paper_identity_goes_to_the_contract_and_comes_back_with_its_fingerprint():
    life = Lifecycle()
    core = life.party("CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    tier1 = life.party("SupplierMSP", "supplier", "Tier-1 Parts")
    registration = life.registration(tier1, core, Decimal("1000.00"), "26312000000012345601", 30)
    registration.invoices[0].paper_code, registration.invoices[0].paper_number = PAPER_CODE, PAPER_NUMBER
    sent = registration.to_json()["invoices"][0]
    assert (sent["paper_code"], sent["paper_number"]) == (PAPER_CODE, PAPER_NUMBER)
    claim = sdk.Receivable.model_validate(life.ok(tier1, "RegisterReceivable", json.dumps(registration.to_json())))
    invoice = claim.invoices[0]
    paper_fp = fingerprint.invoice_fingerprint(tier1.uscc, PAPER_CODE, PAPER_NUMBER)
    assert (invoice.paper_code, invoice.paper_number, invoice.paper_fingerprint) == (PAPER_CODE, PAPER_NUMBER,
                                                                                     paper_fp)
    found = sdk.InvoiceLookup.model_validate(life.ok(core, "FindInvoice", paper_fp, evaluate=True))
    assert (found.used, found.receivable_id, found.live) == (True, claim.id, True)


def test_an_invoice_naming_no_paper_identity_goes_out_and_reads_as_before():
    invoice = InvoiceInput(number="26312000000012345601", date="2026-05-01", amount=100, tax=13,
                           seller_tax_id="91350100M000100Y43", buyer_tax_id="91350100M000100Y43")
    assert not {"paper_code", "paper_number"} & invoice.to_json().keys()
    stored = sdk.Invoice.model_validate({"number": "26312000000012345601", "date": "2026-05-01", "amount": 100,
                                         "tax": 13, "seller_tax_id": "91350100M000100Y43",
                                         "buyer_tax_id": "91350100M000100Y43", "fingerprint": "0" * 64})
    assert (stored.paper_code, stored.paper_number, stored.paper_fingerprint) == ("", "", "")
    assert not {"paper_code", "paper_number", "paper_fingerprint"} & stored.to_json().keys()   # as read
