"""A request changed after it was built (assignment, ``model_copy(update=...)``) is checked again as it is sent:
Decimal yuan go out as fen, a float never goes out, and fen already converted stay fen."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import model_validator

from client.receivables import (
    DiscountOfferRequest,
    FinancingTerms,
    GoodsReceipt,
    GoodsReceiptPart,
    GoodsReceiptPartReference,
    GoodsReceiptReference,
    InvoiceAttestationRequest,
    InvoiceInput,
    ReceivableRegistration,
    ReceivablesClient,
    ScaleTierIn,
)

from ..ledger_contract import LedgerContract
from ..receivables.support import contract_hash, standard_net
from . import fakes
from .fakes import CORE, TIER1, FakeContract

F = "F-00000000000000b1"
ORGS = ["SupplierMSP", "BankMSP"]


def registration(debtor: str, creditor: str, face, day: date) -> ReceivableRegistration:
    return ReceivableRegistration(
        debtor=debtor, face_amount=face, issue_date=day, due_date=date.fromordinal(day.toordinal() + 90),
        invoices=[InvoiceInput(number="26442000000000000777", date=day, amount=face, tax=0, seller_tax_id=creditor,
                               buyer_tax_id=debtor)],
        contract_hash=contract_hash())


def terms(**over) -> FinancingTerms:
    return FinancingTerms(**{"advance_rate": "0.9", "discount_rate": "0.036", "fees": Decimal("12.00"),
                             "recourse": False, "expires_on": date(2026, 4, 30), **over})


def sent_registration(reg: ReceivableRegistration) -> dict:
    contract = FakeContract(responses={"RegisterReceivable": fakes.receivable(status="REGISTERED")})
    ReceivablesClient(contract).register_receivable(reg)
    return json.loads(contract.only("submit").arguments[0])


def test_a_registration_copied_with_yuan_is_registered_in_fen_on_the_ledger():
    net = asyncio.run(standard_net())
    tier1, core = net.actors["tier1"], net.actors["core"]
    template = registration(core.uscc, tier1.uscc, Decimal("1.00"), date.fromisoformat(net.today))
    invoice = template.invoices[0].model_copy(update={"amount": Decimal("5000")})
    reg = template.model_copy(update={"face_amount": Decimal("5000"), "invoices": [invoice]})   # 5,000 yuan
    client = ReceivablesClient(LedgerContract(net.ledger, tier1.identity, lambda: net.now))
    registered = client.register_receivable(reg)
    assert registered.face_amount == 500_000 and registered.invoices[0].amount == 500_000


def test_nested_requests_changed_after_they_were_built_go_out_in_fen():
    reg = registration(CORE, TIER1, 100_000, date(2026, 3, 2)).model_copy(update={"goods_receipts": [
        GoodsReceiptReference(po_number="PO-1", receipt_number="GR-1", part=GoodsReceiptPartReference(received=1))]})
    reg.invoices[0] = reg.invoices[0].model_copy(update={"tax": Decimal("130.00")})     # a list's item, unchecked
    reg.goods_receipts[0].part = reg.goods_receipts[0].part.model_copy(update={"received": Decimal("2000")})
    sent = sent_registration(reg)
    assert sent["invoices"][0]["tax"] == 13_000
    assert sent["goods_receipts"][0]["part"] == {"received": 200_000}


def test_an_assignment_is_checked_at_once_and_converted():
    reg = registration(CORE, TIER1, 100, date(2026, 3, 2))
    with pytest.raises(TypeError, match="float"):
        reg.face_amount = 100.0
    with pytest.raises(ValueError, match="negative"):
        reg.face_amount = -1
    reg.face_amount = Decimal("5000")
    assert reg.face_amount == 500_000
    assert sent_registration(reg)["face_amount"] == 500_000


@pytest.mark.parametrize("wrong", [100.0, True, "100"])
def test_a_copy_with_an_amount_that_is_no_amount_raises_type_error_and_sends_nothing(wrong):
    reg = registration(CORE, TIER1, 100, date(2026, 3, 2)).model_copy(update={"face_amount": wrong})
    contract = FakeContract(responses={"RegisterReceivable": fakes.receivable(status="REGISTERED")})
    with pytest.raises(TypeError, match="amount"):
        ReceivablesClient(contract).register_receivable(reg)
    assert contract.calls == []


def test_the_check_as_sent_is_idempotent_fen_stay_fen():
    reg = registration(CORE, TIER1, Decimal("1.00"), date(2026, 3, 2))      # 100 fen
    copy = reg.model_copy(update={"face_amount": Decimal("2.00")})
    sent = copy.to_json()
    assert sent["face_amount"] == 200 and sent["invoices"][0]["amount"] == 100
    assert copy.to_json() == sent == copy.checked().checked().to_json()      # converted once, never again
    assert reg.to_json() == reg.checked().to_json() and reg.to_json()["face_amount"] == 100


def test_terms_whose_fees_were_copied_in_yuan_go_as_fen():
    copied = terms().model_copy(update={"fees": Decimal("50")})             # 50 yuan
    assert json.loads(copied.transient()["terms"])["fees"] == 5_000


def test_make_offer_sends_the_fees_it_checked_and_refuses_a_copied_float_rate_before_anything_is_sent():
    contract = FakeContract(responses={"MakeFinancingOffer": fakes.offer()})
    client = ReceivablesClient(contract)
    client.make_offer(F, terms().model_copy(update={"fees": Decimal("300")}), endorsing_organizations=ORGS)
    assert json.loads(contract.only().transient["terms"])["fees"] == 30_000
    with pytest.raises(TypeError, match="float"):
        client.make_offer(F, terms().model_copy(update={"discount_rate": 0.04}))
    assert len(contract.calls) == 1      # no read, no offer


def test_an_offer_on_terms_copied_with_yuan_fees_is_stored_in_fen():
    net = asyncio.run(standard_net())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = asyncio.run(net.confirmed(tier1, core, 100_000_00))
    f = asyncio.run(net.ok(tier1, "RequestFinancing", r["id"]))
    bank_client = ReceivablesClient(LedgerContract(net.ledger, bank.identity, lambda: net.now))
    base = terms(expires_on=date.fromisoformat(net.day(30)))
    offer = bank_client.make_offer(f["id"], base.model_copy(update={"fees": Decimal("300")}))
    assert bank_client.get_offer_terms(offer.id).fees == 30_000


def test_the_other_requests_are_checked_as_sent():
    tier = ScaleTierIn(min_days_early=30, apr="0.04")
    offer = DiscountOfferRequest(scale=[tier], expires_on=date(2026, 4, 1))
    offer.scale[0] = tier.model_copy(update={"apr": 0.05})
    contract = FakeContract(responses={"PublishDiscountOffer": fakes.discount_offer()})
    with pytest.raises(TypeError, match="float"):
        ReceivablesClient(contract).publish_discount_offer(offer)
    attestation = InvoiceAttestationRequest(
        seller_tax_id=TIER1, number="26312000000012345678", fingerprint="f" * 64, buyer_tax_id=CORE,
        issue_date=date(2026, 3, 1), total_with_tax=1, sources=["reference-tax"], outcome="pass",
        evidence_digest="e" * 64).model_copy(update={"total_with_tax": Decimal("113000.00")})
    contract = FakeContract(responses={"AttestInvoiceVerification": fakes.invoice_attestation()})
    ReceivablesClient(contract).attest_invoice_verification(attestation)
    assert json.loads(contract.only().arguments[0])["total_with_tax"] == 11_300_000
    twice = InvoiceAttestationRequest.model_construct(**{**dict(attestation), "sources": ["a", "a"]})   # unchecked
    with pytest.raises(ValueError, match="names a more than once"):
        ReceivablesClient(contract).attest_invoice_verification(twice)
    assert len(contract.calls) == 1


def test_a_goods_receipt_read_back_from_a_claim_goes_into_a_new_registration_as_its_reference():
    read_back = [GoodsReceipt(po_number="PO-1", receipt_number="GR-1", receipt_key="k" * 64,
                              part=GoodsReceiptPart(received=500, invoiced=100, invoiced_before=0)),
                 GoodsReceipt(po_number="PO-2", receipt_number="GR-2", receipt_key="j" * 64)]
    request = registration("91110000MA1K00006B", "91310000MA1K000019", 113, date(2026, 1, 1)).model_copy(
        update={"goods_receipts": read_back})
    for sent in (request.to_json(), ReceivableRegistration(**{**request.__dict__}).to_json()):
        assert sent["goods_receipts"] == [{"po_number": "PO-1", "receipt_number": "GR-1", "part": {"received": 500}},
                                          {"po_number": "PO-2", "receipt_number": "GR-2"}]


def test_a_nested_request_is_validated_once_when_built_and_again_as_sent():
    checks = []

    class CountedInvoice(InvoiceInput):
        @model_validator(mode="after")
        def _counted(self):
            checks.append(self.number)
            return self

    invoice = CountedInvoice(number="26442000000000000777", date=date(2026, 1, 1), amount=Decimal("1.13"), tax=0,
                             seller_tax_id="91310000MA1K000019", buyer_tax_id="91110000MA1K00006B")
    request = registration("91110000MA1K00006B", "91310000MA1K000019", 113, date(2026, 1, 1))
    request = ReceivableRegistration(**{**request.__dict__, "invoices": [invoice] * 3})
    assert len(checks) == 1                                 # built once; taken as built into the registration
    invoice.amount = 200
    object.__setattr__(invoice, "tax", Decimal("0.13"))     # changed unchecked after it was built
    assert [i["tax"] for i in request.to_json()["invoices"]] == [13] * 3
