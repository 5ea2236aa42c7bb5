"""Each ReceivablesClient method sends the right transaction, arguments, transient data, submit or evaluate."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import grpc
import pytest

from client.receivables import (
    DiscountOffer,
    DiscountOfferRequest,
    FinancingTerms,
    InvoiceAttestationRequest,
    InvoiceInput,
    ReceivableRegistration,
    ReceivablesClient,
    ScaleTierIn,
)

from client.gateway.errors import EndorseError, ErrorDetail

from . import fakes
from .fakes import BANK, CORE, TIER1, TIER2, FakeContract

R, F, O, N, D = "R-00000000000000a1", "F-00000000000000b1", "O-00000000000000c1", "N-00000000000000d1", "D-00000000000000e1"
REGULATOR = "11110000MB0000013"


def registration() -> ReceivableRegistration:
    return ReceivableRegistration(
        debtor=CORE, face_amount=Decimal("113000.00"), issue_date=date(2026, 3, 2), due_date=date(2026, 5, 31),
        invoices=[InvoiceInput(number="26312000000012345678", date=date(2026, 3, 1), amount=10_000_000, tax=1_300_000,
                               seller_tax_id=TIER1, buyer_tax_id=CORE)],
        contract_hash="c" * 64)


ATTESTATION = InvoiceAttestationRequest(seller_tax_id=TIER1, number="26312000000012345678", fingerprint="f" * 64,
                                        buyer_tax_id=CORE, issue_date=date(2026, 3, 1), total_with_tax=11_300_000,
                                        sources=["reference-tax"], outcome="fail", evidence_digest="e" * 64)

TERMS = FinancingTerms(advance_rate=Decimal("0.9"), discount_rate="0.036", fees=Decimal("100.00"), recourse=False,
                       expires_on=date(2026, 4, 30), salt="0123456789abcdef")

UPGRADE_PAGE = {"scanned": 20, "writes": 6, "financier_entries": 1, "discount_offer_entries": 0,
                "open_offer_entries": 0, "fingerprint_entries": 2, "claim_policies": 1, "financing_policies": 1,
                "discount_offer_policies": 0,
                "collisions": [{"fingerprint": "a" * 64, "receivable_id": R, "code": "", "number": "2431-2000-0000-1234-5678",
                                "held_by": "R-00000000000000a2", "held_by_code": "",
                                "held_by_number": "0024312000000012345678", "live": True, "held_by_live": True}],
                "without_current_spelling": [], "unreadable": [], "newer_version": [], "claims_to_reseal": [],
                "bookmark": "\x00recfin.receivable\x00R-1\x00", "done": False}

# a page's bookmark as each list returns it (the key its next page starts at), and the SDK sends only to that list
BY_HOLDER = fakes.bookmark("recfin.by-holder", TIER1, "R-2")
BY_DEBTOR = fakes.bookmark("recfin.by-debtor", CORE, "R-2")
BY_FINANCIER = fakes.bookmark("recfin.by-financier", BANK, CORE, "R-2")
EVERY_DEBTORS = fakes.bookmark("recfin.by-financier", BANK, TIER1, "R-2")
OPEN_OFFER = fakes.bookmark("recfin.open-offer", BANK, CORE, "O-2")
DISCOUNT = fakes.bookmark("recfin.discount-by-debtor", CORE, "2026-03-02", "D-2")
LATER_DISCOUNT = fakes.bookmark("recfin.discount-by-debtor", CORE, "2026-03-03", "D-3")


def listed_offer(**over) -> dict:
    """A row of ListOffersByFinancier as the contract answers it: an offer made since the expiry became private
    (no expires_on key), with its claim's debtor."""
    doc = {**fakes.offer(**over), "debtor": CORE}
    del doc["expires_on"]
    return doc


# method call, submit/evaluate, transaction, arguments, canned answer
CASES = [
    (lambda c: c.register_party(TIER1, "Tier-1 Parts", "supplier", "SupplierMSP", ["x509::CN=a::CN=ca"]),
     "submit", "RegisterParty",
     [json.dumps({"uscc": TIER1, "name": "Tier-1 Parts", "role": "supplier", "msp_id": "SupplierMSP",
                  "client_ids": ["x509::CN=a::CN=ca"]}, separators=(",", ":"))], fakes.party()),
    (lambda c: c.bind_party_identity(TIER1, "x509::CN=b::CN=ca"), "submit", "BindPartyIdentity",
     [TIER1, "x509::CN=b::CN=ca"], fakes.party()),
    (lambda c: c.rename_party(TIER1, "Tier-1 Auto Parts Co."), "submit", "RenameParty",
     [TIER1, "Tier-1 Auto Parts Co."], fakes.party(name="Tier-1 Auto Parts Co.")),
    (lambda c: c.unbind_party_identity(TIER1, "x509::CN=b::CN=ca"), "submit", "UnbindPartyIdentity",
     [TIER1, "x509::CN=b::CN=ca"], fakes.party()),
    (lambda c: c.get_party(CORE), "evaluate", "GetParty", [CORE], fakes.party()),
    (lambda c: c.party_history(CORE), "evaluate", "GetPartyHistory", [CORE],
     [{"tx_id": "t1", "timestamp": "2026-03-02T02:00:00+00:00", "is_delete": False, "msp_id": "CoreEnterpriseMSP",
       "name": "Core Motors Co.", "role": "core_enterprise", "client_ids": ["x509::CN=a::CN=ca"]}]),
    (lambda c: c.who_am_i(), "evaluate", "WhoAmI", [], fakes.party()),
    (lambda c: c.find_identity_party("SupplierMSP", "x509::CN=b::CN=ca"), "evaluate", "FindIdentityParty",
     ["SupplierMSP", "x509::CN=b::CN=ca"], fakes.identity_party()),
    (lambda c: c.find_identity_party("SupplierMSP", "x509::CN=gone::CN=ca"), "evaluate", "FindIdentityParty",
     ["SupplierMSP", "x509::CN=gone::CN=ca"], fakes.identity_party(client_id="x509::CN=gone::CN=ca", party=None)),
    (lambda c: c.reject(R, "no such delivery"), "submit", "RejectReceivable", [R, "no such delivery"],
     fakes.receivable(status="REJECTED", rejection_reason="no such delivery")),
    (lambda c: c.withdraw(R, "wrong face amount"), "submit", "WithdrawReceivable", [R, "wrong face amount"],
     fakes.receivable(status="WITHDRAWN", confirmed_on=None, withdrawn_on="2026-03-05",
                      withdrawal_reason="wrong face amount", last=fakes.action("WithdrawReceivable", TIER1, "SupplierMSP"))),
    (lambda c: c.link_paper_identity(R, "26312000000000000001", "144031900111", "00012345"), "submit",
     "LinkPaperIdentity", [R, "26312000000000000001", "144031900111", "00012345"],
     fakes.receivable(last=fakes.action("LinkPaperIdentity", TIER1, "SupplierMSP"))),
    (lambda c: c.transfer(R, TIER2, 4_000_000, request_id="q-1"), "submit", "TransferReceivable",
     [R, TIER2, "4000000", "q-1"],
     {**fakes.receivable(status="SPLIT"), "children_records": [fakes.receivable(id=R + ".1"), fakes.receivable(id=R + ".2")]}),
    (lambda c: c.transfer(R, TIER2, Decimal("40000.50"), request_id="q-2"), "submit", "TransferReceivable",
     [R, TIER2, "4000050", "q-2"],
     fakes.receivable()),
    (lambda c: c.request_financing(R), "submit", "RequestFinancing", [R], fakes.financing(status="REQUESTED")),
    (lambda c: c.withdraw_financing(F), "submit", "WithdrawFinancing", [F], fakes.financing(status="WITHDRAWN")),
    (lambda c: c.withdraw_offer("O-1", "terms revised"), "submit", "WithdrawFinancingOffer", ["O-1", "terms revised"],
     fakes.offer(status="WITHDRAWN", withdrawn_on="2026-03-05", withdrawal_reason="terms revised",
                 last=fakes.action("WithdrawFinancingOffer", fakes.BANK, "BankMSP"))),
    (lambda c: c.acknowledge_assignment(N), "submit", "AcknowledgeAssignment", [N], fakes.notice()),
    (lambda c: c.record_repayment(F), "submit", "RecordRepayment", [F], fakes.financing(status="REPAID")),
    (lambda c: c.accept_discount_offer(D, R, as_read=DiscountOffer.model_validate(fakes.discount_offer()),
                                       request_id="q-5"),
     "submit", "AcceptDiscountOffer",
     [D, R, '{"apr":"0.05","scale":null,"day_count":"ACT/360","expires_on":"2026-04-01"}', "q-5"],
     fakes.receivable()),
    (lambda c: c.withdraw_discount_offer(D), "submit", "WithdrawDiscountOffer", [D],
     fakes.discount_offer(status="WITHDRAWN", withdrawn_on="2026-03-05",
                          last=fakes.action("WithdrawDiscountOffer", fakes.CORE, "CoreEnterpriseMSP"))),
    (lambda c: c.record_payment(R, Decimal("1.5"), request_id="q-3"), "submit", "RecordPayment", [R, "150", "q-3"],
     {**fakes.receivable(), "allocations": [{"receivable_id": R, "amount": 150, "payee": TIER1, "outstanding": 1}]}),
    (lambda c: c.record_overdue(R), "submit", "RecordOverdue", [R], fakes.receivable(status="OVERDUE")),
    (lambda c: c.freeze(R, "ORDER-1"), "submit", "FreezeReceivable", [R, "ORDER-1"], fakes.receivable()),
    (lambda c: c.unfreeze(R, "ORDER-2"), "submit", "UnfreezeReceivable", [R, "ORDER-2"],
     fakes.receivable(last_unfreeze={"order_reference": "ORDER-2", "lifted": "ORDER-1", "by": REGULATOR,
                                     "date": "2026-03-09", "tx_id": "t2"})),
    # lifting a queued order: the one in effect still binds the claim, the order lifted is sent third
    (lambda c: c.unfreeze(R, "ORDER-5", lifts="ORDER-4"), "submit", "UnfreezeReceivable", [R, "ORDER-5", "ORDER-4"],
     fakes.receivable(frozen={"order_reference": "ORDER-3", "by": REGULATOR, "date": "2026-03-09", "tx_id": "t3"},
                      queued_freezes=[{"order_reference": "ORDER-6", "by": REGULATOR, "date": "2026-03-10",
                                       "tx_id": "t6"}],
                      last_unfreeze={"order_reference": "ORDER-5", "lifted": "ORDER-4", "by": REGULATOR,
                                     "date": "2026-03-11", "tx_id": "t7"})),
    (lambda c: c.get_receivable(R), "evaluate", "GetReceivable", [R], fakes.receivable()),
    (lambda c: c.history(R), "evaluate", "GetReceivableHistory", [R],
     [{"tx_id": "t1", "timestamp": "2026-03-02T02:00:00+00:00", "is_delete": False, "action": "RegisterReceivable",
       "by": TIER1, "msp_id": "SupplierMSP", "status": "REGISTERED", "holder": TIER1, "outstanding": 5,
       "financing_id": None, "financier": None, "frozen": False, "freeze_order": None, "queued_orders": [],
       "lifting_order": None},
      {"tx_id": "t2", "timestamp": "2026-03-09T02:00:00+00:00", "is_delete": False, "action": "UnfreezeReceivable",
       "by": REGULATOR, "msp_id": "RegulatorMSP", "status": "FINANCED", "holder": TIER1, "outstanding": 5,
       "financing_id": F, "financier": BANK, "frozen": True, "freeze_order": "ORDER-3", "queued_orders": ["ORDER-4"],
       "lifting_order": "ORDER-2"}]),
    (lambda c: c.provenance(R), "evaluate", "GetProvenance", [R],
     {"id": R, "root_id": R, "ancestors": [],
      "tree": {"id": R, "status": "CONFIRMED", "holder": TIER1, "face_amount": 5, "outstanding": 5,
               "parent_id": None, "children": []}, "unreadable": [], "newer_version": []}),
    (lambda c: c.receivable_endorsers(R), "evaluate", "GetReceivableEndorsers", [R],
     ["CoreEnterpriseMSP", "RegulatorMSP", "SupplierMSP"]),
    (lambda c: c.find_invoice("f" * 64), "evaluate", "FindInvoice", ["f" * 64],
     {"fingerprint": "f" * 64, "used": True, "receivable_id": R, "live": True}),
    (lambda c: c.contract_settings(), "evaluate", "GetContractSettings", [], fakes.contract_settings()),
    (lambda c: c.attest_invoice_verification(ATTESTATION, request_id="q-4"), "submit", "AttestInvoiceVerification",
     [json.dumps({"seller_tax_id": TIER1, "code": "", "number": "26312000000012345678", "fingerprint": "f" * 64,
                  "buyer_tax_id": CORE, "issue_date": "2026-03-01", "total_with_tax": 11_300_000,
                  "sources": ["reference-tax"], "outcome": "fail", "evidence_digest": "e" * 64},
                 separators=(",", ":")), "q-4"],
     fakes.invoice_attestation(outcome="fail", sources=["reference-tax"])),
    (lambda c: c.invoice_attestations("f" * 64), "evaluate", "GetInvoiceAttestations", ["f" * 64, "object"],
     [fakes.invoice_attestation(), fakes.invoice_attestation(id="A-00000000000000f2", attester_role="regulator")]),
    (lambda c: c.list_by_holder(TIER1), "evaluate", "ListReceivablesByHolder", [TIER1, "20", ""], fakes.page([])),
    (lambda c: c.list_by_debtor(CORE, page_size=5, bookmark=BY_DEBTOR), "evaluate", "ListReceivablesByDebtor",
     [CORE, "5", BY_DEBTOR], fakes.page([fakes.receivable()])),
    (lambda c: c.list_by_status("FINANCED", page_size=100), "evaluate", "ListReceivablesByStatus",
     ["FINANCED", "100", ""], fakes.page([])),
    (lambda c: c.list_by_financier(BANK), "evaluate", "ListReceivablesByFinancier", [BANK, "", "20", ""],
     fakes.page([fakes.receivable(financier=BANK)])),
    (lambda c: c.list_by_financier(BANK, debtor=CORE, page_size=5, bookmark=BY_FINANCIER), "evaluate",
     "ListReceivablesByFinancier", [BANK, CORE, "5", BY_FINANCIER], fakes.page([])),
    (lambda c: c.list_offers_by_financier(BANK), "evaluate", "ListOffersByFinancier", [BANK, "", "20", ""],
     fakes.page([listed_offer()])),
    (lambda c: c.list_offers_by_financier(BANK, debtor=CORE, page_size=5, bookmark=OPEN_OFFER), "evaluate",
     "ListOffersByFinancier", [BANK, CORE, "5", OPEN_OFFER], fakes.page([])),
    (lambda c: c.statistics(), "evaluate", "GetStatistics", [], fakes.statistics()),
    (lambda c: c.get_financing(F), "evaluate", "GetFinancing", [F], {**fakes.financing(), "offers": [fakes.offer()],
                                                                     **fakes.PASSED_NONE}),
    (lambda c: c.get_offer_terms(O), "evaluate", "GetOfferTerms", [O], fakes.terms()),
    (lambda c: c.get_disbursement(F), "evaluate", "GetDisbursement", [F], fakes.disbursement()),
    (lambda c: c.get_assignment_notice(N), "evaluate", "GetAssignmentNotice", [N], fakes.notice()),
    (lambda c: c.get_discount_offer(D), "evaluate", "GetDiscountOffer", [D], fakes.discount_offer()),
    (lambda c: c.list_discount_offers(receivable_id=R), "evaluate", "ListDiscountOffers", ["", R, "20", "", "open"],
     fakes.page([fakes.discount_offer()])),
    (lambda c: c.list_discount_offers(CORE, page_size=5, bookmark=DISCOUNT, scope="all"), "evaluate",
     "ListDiscountOffers", [CORE, "", "5", DISCOUNT, "all"], fakes.page([])),
    (lambda c: c.debtor_payment_record(CORE), "evaluate", "GetDebtorPaymentRecord", [CORE, "100", "", ""],
     fakes.payment_record_page([fakes.payment_record(), fakes.payment_record(
         receivable_id=R + ".1", parent_id=R, settled_on=None, status="CONFIRMED", days_late=0, freezes=[],
         unfreezes=[])])),
    (lambda c: c.debtor_payment_record(CORE, page_size=2, bookmark=BY_DEBTOR, as_of=date(2026, 6, 1)), "evaluate",
     "GetDebtorPaymentRecord", [CORE, "2", BY_DEBTOR, "2026-06-01"], fakes.payment_record_page([], as_of="2026-06-01")),
    (lambda c: c.financier_exposure(CORE), "evaluate", "GetFinancierExposure", [CORE, ""], fakes.financier_exposure()),
    (lambda c: c.financier_exposure(CORE, BANK), "evaluate", "GetFinancierExposure", [CORE, BANK],
     fakes.financier_exposure(exposure={}, financings=[])),
    (lambda c: c.request("split-0001"), "evaluate", "GetRequest", ["split-0001", ""], fakes.request_record()),
    (lambda c: c.request("pay-1", TIER1), "evaluate", "GetRequest", ["pay-1", TIER1],
     fakes.request_record(request_id="pay-1", transaction="RecordPayment",
                          result={**fakes.receivable(), "allocations": []})),
    (lambda c: c.upgrade_ledger(), "submit", "UpgradeLedger", ["20", ""], UPGRADE_PAGE),
    (lambda c: c.upgrade_ledger(100, UPGRADE_PAGE["bookmark"]), "submit", "UpgradeLedger",
     ["100", UPGRADE_PAGE["bookmark"]], {**UPGRADE_PAGE, "bookmark": "", "done": True}),
]


@pytest.mark.parametrize("call, kind, name, arguments, answer", CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_method_sends_transaction(call, kind, name, arguments, answer):
    contract = FakeContract(responses={name: answer})
    result = call(ReceivablesClient(contract))
    sent = contract.only()
    assert (sent.kind, sent.name, sent.arguments) == (kind, name, arguments)
    assert sent.transient is None and sent.endorsing_organizations is None
    as_json = ([r if isinstance(r, str) else r.to_json() for r in result] if isinstance(result, list)
               else result.to_json())
    assert as_json == answer  # parsed without loss


def test_register_receivable_sends_the_registration_json_with_fen_and_iso_dates():
    contract = FakeContract(responses={"RegisterReceivable": fakes.receivable(status="REGISTERED")})
    r = ReceivablesClient(contract).register_receivable(registration())
    sent = contract.only("submit")
    assert sent.name == "RegisterReceivable" and len(sent.arguments) == 2
    assert re.fullmatch(r"[0-9a-f]{32}", sent.arguments[1])  # a fresh business request id
    assert json.loads(sent.arguments[0]) == {
        "debtor": CORE, "face_amount": 11_300_000, "currency": "CNY", "issue_date": "2026-03-02",
        "due_date": "2026-05-31", "contract_hash": "c" * 64,
        "invoices": [{"number": "26312000000012345678", "code": "", "date": "2026-03-01", "amount": 10_000_000,
                      "tax": 1_300_000, "seller_tax_id": TIER1, "buyer_tax_id": CORE}]}
    assert r.status == "REGISTERED" and r.due_date == date(2026, 5, 31)


def test_publish_discount_offer_sends_rates_as_decimal_strings():
    contract = FakeContract(responses={"PublishDiscountOffer": fakes.discount_offer(apr=None, scale=[
        {"min_days_early": 30, "apr": "0.04"}])})
    offer = DiscountOfferRequest(scale=[ScaleTierIn(min_days_early=30, apr=Decimal("0.04"))], expires_on=date(2026, 4, 1))
    result = ReceivablesClient(contract).publish_discount_offer(offer)
    sent = contract.only("submit")
    assert json.loads(sent.arguments[0]) == {"apr": None, "scale": [{"min_days_early": 30, "apr": "0.04"}],
                                             "day_count": "ACT/360", "expires_on": "2026-04-01", "receivable_ids": []}
    assert result.scale[0].apr == Decimal("0.04")


def test_make_offer_sends_terms_as_transient_and_pins_holder_and_bank_orgs():
    contract = FakeContract(responses={
        "GetFinancing": {**fakes.financing(status="REQUESTED", financier=None, financier_msp=None), "offers": []},
        "GetReceivable": fakes.receivable(),
        "WhoAmI": fakes.party(uscc=BANK, role="financier", msp_id="BankMSP"),
        "MakeFinancingOffer": fakes.offer()})
    offer = ReceivablesClient(contract).make_offer(F, TERMS)
    assert [(c.kind, c.name) for c in contract.calls] == [
        ("evaluate", "GetFinancing"), ("evaluate", "GetReceivable"), ("evaluate", "WhoAmI"),
        ("submit", "MakeFinancingOffer")]
    sent = contract.calls[-1]
    assert sent.arguments == [F]     # no exposure version: made without the check, as a contract before it takes
    assert sent.endorsing_organizations == ["SupplierMSP", "BankMSP"]
    assert json.loads(sent.transient["terms"]) == {
        "advance_rate": "0.9", "discount_rate": "0.036", "fees": 10000, "recourse": False, "day_count": "ACT/360",
        "expires_on": "2026-04-30", "salt": "0123456789abcdef"}
    assert offer.id == O


def test_make_offer_priced_on_an_exposure_sends_its_version_and_refuses_one_that_is_not_a_version():
    contract = FakeContract(responses={"MakeFinancingOffer": fakes.offer(),
                                       "GetFinancierExposure": fakes.financier_exposure(version=7)})
    client = ReceivablesClient(contract)
    version = client.financier_exposure(CORE).version
    client.make_offer(F, TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"], exposure_version=version)
    assert contract.calls[-1].arguments == [F, "7"]
    client.make_offer(F, TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"], exposure_version=0)
    assert contract.calls[-1].arguments == [F, "0"]
    for wrong, error in ((-1, ValueError), ("7", TypeError), (7.0, TypeError), (True, TypeError)):
        calls = len(contract.calls)
        with pytest.raises(error, match="exposure_version"):
            client.make_offer(F, TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"], exposure_version=wrong)
        assert len(contract.calls) == calls      # nothing sent


def test_make_offer_priced_on_an_exposure_sends_its_uncounted_offers_as_a_json_list():
    left_out = [O, "O-00000000000000c2"]
    contract = FakeContract(responses={"MakeFinancingOffer": fakes.offer(), "GetFinancierExposure":
                                       fakes.financier_exposure(version=7, uncounted_offers=left_out)})
    client = ReceivablesClient(contract)
    read = client.financier_exposure(CORE)
    assert read.uncounted_offers == tuple(left_out)
    orgs = ["SupplierMSP", "BankMSP"]
    client.make_offer(F, TERMS, orgs, exposure_version=read.version, uncounted_offers=read.uncounted_offers)
    assert contract.calls[-1].arguments == [F, "7", json.dumps(left_out)]
    client.make_offer(F, TERMS, orgs, uncounted_offers=left_out)             # no version: the contract's "" for none
    assert contract.calls[-1].arguments == [F, "", json.dumps(left_out)]
    client.make_offer(F, TERMS, orgs, exposure_version=7, uncounted_offers=())   # none: nothing more sent
    assert contract.calls[-1].arguments == [F, "7"]
    for wrong in (O, ["O-none"], [7], {O}, [O] * 1001):
        calls = len(contract.calls)
        with pytest.raises(ValueError, match="uncounted_offers"):
            client.make_offer(F, TERMS, orgs, exposure_version=7, uncounted_offers=wrong)
        assert len(contract.calls) == calls      # nothing sent


def test_an_exposure_answer_of_a_contract_before_uncounted_offers_has_none():
    answer = fakes.financier_exposure()
    del answer["uncounted_offers"]
    exposure = ReceivablesClient(FakeContract(responses={"GetFinancierExposure": answer})).financier_exposure(CORE)
    assert exposure.uncounted_offers == ()


def test_make_offer_with_explicit_orgs_does_no_lookup():
    contract = FakeContract(responses={"MakeFinancingOffer": fakes.offer()})
    ReceivablesClient(contract).make_offer(F, TERMS, endorsing_organizations=["SupplierMSP", "BankMSP"])
    assert contract.only().name == "MakeFinancingOffer"


def test_disbursement_reads_back_the_accepted_terms_and_pins_debtor_holder_and_bank():
    contract = FakeContract(responses={
        "GetFinancing": {**fakes.financing(), "offers": [fakes.offer(status="ACCEPTED")]},
        "GetOfferTerms": fakes.terms(),
        "GetReceivable": fakes.receivable(status="FINANCED"),
        "RecordDisbursement": fakes.financing(status="DISBURSED", notice_id=N, disbursed_on="2026-03-03")})
    result = ReceivablesClient(contract).record_disbursement(F)
    assert [(c.kind, c.name, c.arguments) for c in contract.calls] == [
        ("evaluate", "GetFinancing", [F]), ("evaluate", "GetOfferTerms", [O]), ("evaluate", "GetReceivable", [R]),
        ("submit", "RecordDisbursement", [F])]
    sent = contract.calls[-1]
    assert json.loads(sent.transient["terms"]) == fakes.terms()  # exactly the accepted terms, so the hash matches
    assert sent.endorsing_organizations == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"]
    assert result.notice_id == N and result.disbursed_on == date(2026, 3, 3)


def test_disbursement_with_terms_and_orgs_given_sends_them_as_is():
    contract = FakeContract(responses={"RecordDisbursement": fakes.financing(status="DISBURSED")})
    ReceivablesClient(contract).record_disbursement(F, TERMS, endorsing_organizations=["A", "B"])
    sent = contract.only()
    assert sent.transient == TERMS.transient() and sent.endorsing_organizations == ["A", "B"]


# a call on the holder's recourse: the method, its transaction, the fields of the financing it returns, and the
# orgs it pins: the claim's three where it changes the claim, the terms' collection's two where only the financing
RECOURSE_CALLS = [
    ("exercise_recourse", "ExerciseRecourse",
     {"status": "RECOURSED", "recourse_on": "2026-06-02", "recourse_reason": "debtor defaulted"},
     ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"]),
    ("demand_recourse", "DemandRecourse",   # the financing stays the bank's: DISBURSED, the demand on it
     {"status": "DISBURSED", "recourse_demands": [{"on": "2026-06-02", "reason": "debtor defaulted",
                                                   "outstanding": 750_00, "currency": "CNY", "tx_id": "a" * 64}]},
     ["SupplierMSP", "BankMSP"]),
]


@pytest.mark.parametrize("method, transaction, answered, orgs", RECOURSE_CALLS, ids=[c[1] for c in RECOURSE_CALLS])
def test_recourse_reads_back_the_accepted_terms_and_pins_the_orgs_it_needs(method, transaction, answered, orgs):
    contract = FakeContract(responses={
        "GetFinancing": {**fakes.financing(status="DISBURSED"), "offers": [fakes.offer(status="ACCEPTED")]},
        "GetOfferTerms": fakes.terms(recourse=True),
        "GetReceivable": fakes.receivable(status="OVERDUE"),
        transaction: fakes.financing(**answered)})
    result = getattr(ReceivablesClient(contract), method)(F, "debtor defaulted")
    claim_read = [("evaluate", "GetReceivable", [R])] if "CoreEnterpriseMSP" in orgs else []  # for its debtor
    assert [(c.kind, c.name, c.arguments) for c in contract.calls] == [
        ("evaluate", "GetFinancing", [F]), ("evaluate", "GetOfferTerms", [O]), *claim_read,
        ("submit", transaction, [F, "debtor defaulted"])]
    sent = contract.calls[-1]
    assert json.loads(sent.transient["terms"]) == fakes.terms(recourse=True)  # as accepted, so the hash matches
    assert sent.endorsing_organizations == orgs
    assert {field: result.to_json()[field] for field in answered} == answered


@pytest.mark.parametrize("method, transaction, answered, orgs", RECOURSE_CALLS, ids=[c[1] for c in RECOURSE_CALLS])
def test_recourse_with_terms_and_orgs_given_sends_them_as_is(method, transaction, answered, orgs):
    contract = FakeContract(responses={transaction: fakes.financing(**answered)})
    getattr(ReceivablesClient(contract), method)(F, "unpaid", TERMS, endorsing_organizations=["A", "B", "C"])
    sent = contract.only()
    assert (sent.name, sent.arguments, sent.transient, sent.endorsing_organizations) == (
        transaction, [F, "unpaid"], TERMS.transient(), ["A", "B", "C"])


def _refusal_of_read() -> EndorseError:
    return EndorseError("failed", transaction_id="t", code=grpc.StatusCode.ABORTED, details=[ErrorDetail(
        "p", "BankMSP", "chaincode response 500, RULE not-permitted-to-read: not a party to it")])


def test_a_demand_where_one_org_holds_and_finances_is_not_sent_by_a_client_that_cannot_read_the_regulator_orgs():
    """The financing's key names that org and every regulator org, which a client without its Network cannot read
    (the chaincode's committed definition): nothing is sent, and the error names the orgs to pass."""
    group = {"holder_msp": "GroupMSP", "financier_msp": "GroupMSP"}
    contract = FakeContract(responses={
        "GetFinancing": {**fakes.financing(status="DISBURSED", **group), "offers": [fakes.offer(status="ACCEPTED")]},
        "GetOfferTerms": fakes.terms(recourse=True), "GetReceivable": fakes.receivable(status="OVERDUE"),
        "DemandRecourse": fakes.financing(status="DISBURSED", **group)})
    with pytest.raises(ValueError, match=rf"^demand_recourse on {F}: its holder and its bank are both parties of "
                                         r"GroupMSP, .*`--endorsing-org MSP`\): GroupMSP and every regulator org$"):
        ReceivablesClient(contract).demand_recourse(F, "unpaid")
    assert [c.kind for c in contract.calls] == ["evaluate"] * 3
    ReceivablesClient(contract).demand_recourse(F, "unpaid", endorsing_organizations=["GroupMSP", "RegulatorMSP"])
    assert contract.calls[-1].endorsing_organizations == ["GroupMSP", "RegulatorMSP"]


def test_a_demand_on_a_financing_the_caller_may_not_read_goes_to_its_own_org_for_the_contracts_refusal():
    contract = FakeContract(responses={"WhoAmI": fakes.party(msp_id="BankMSP", role="financier"),
                                       "DemandRecourse": fakes.financing(status="DISBURSED")},
                            errors={"GetFinancing": _refusal_of_read()})
    ReceivablesClient(contract).demand_recourse(F, "unpaid")
    sent = contract.calls[-1]
    assert (sent.name, sent.transient, sent.endorsing_organizations) == ("DemandRecourse", None, ["BankMSP"])


def test_cancel_financing_looks_up_and_pins_debtor_holder_and_bank():
    contract = FakeContract(responses={
        "GetFinancing": {**fakes.financing(), "offers": [fakes.offer(status="ACCEPTED")]},
        "GetReceivable": fakes.receivable(status="FINANCED", financing_id=F, financier=BANK, financier_msp="BankMSP"),
        "CancelFinancing": fakes.financing(status="CANCELLED", cancelled_on="2026-06-01",
                                           cancellation_reason="not disbursed")})
    result = ReceivablesClient(contract).cancel_financing(F, "not disbursed")
    assert [(c.kind, c.name, c.arguments) for c in contract.calls] == [
        ("evaluate", "GetFinancing", [F]), ("evaluate", "GetReceivable", [R]),
        ("submit", "CancelFinancing", [F, "not disbursed"])]
    sent = contract.calls[-1]
    assert sent.endorsing_organizations == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"] and sent.transient is None
    assert (result.status, result.cancelled_on, result.cancellation_reason) == (
        "CANCELLED", date(2026, 6, 1), "not disbursed")


def test_cancel_financing_with_orgs_given_does_no_lookup():
    contract = FakeContract(responses={"CancelFinancing": fakes.financing(status="CANCELLED")})
    ReceivablesClient(contract).cancel_financing(F, "credit line withdrawn", endorsing_organizations=["A", "B", "C"])
    sent = contract.only()
    assert (sent.name, sent.arguments, sent.endorsing_organizations) == (
        "CancelFinancing", [F, "credit line withdrawn"], ["A", "B", "C"])


def test_exposure_in_a_currency_is_zero_where_the_bank_has_none():
    exposure = ReceivablesClient(FakeContract(responses={"GetFinancierExposure": fakes.financier_exposure(
        exposure={"CNY": 7000000, "USD": 50000})})).financier_exposure(CORE)
    assert (exposure.exposure_in("CNY"), exposure.exposure_in("USD"), exposure.exposure_in("EUR")) == (7000000, 50000, 0)


def test_what_a_limit_is_held_against_is_the_exposure_and_the_open_offers_in_that_currency():
    exposure = ReceivablesClient(FakeContract(responses={"GetFinancierExposure": fakes.financier_exposure(
        exposure={"CNY": 7000000}, offered={"CNY": 4500000, "USD": 80000})})).financier_exposure(CORE)
    assert [exposure.offered_in(c) for c in ("CNY", "USD", "EUR")] == [4500000, 80000, 0]
    assert [exposure.committed_in(c) for c in ("CNY", "USD", "EUR")] == [11500000, 80000, 0]
    assert exposure.offers[0].advance == 4500000 and exposure.offers[0].expires_on.isoformat() == "2026-03-31"


def test_iter_receivables_follows_bookmarks_to_the_end():
    pages = {"": fakes.page([fakes.receivable(id="R-1")], BY_HOLDER), BY_HOLDER: fakes.page([fakes.receivable(id="R-2")], "")}
    contract = FakeContract(responses={"ListReceivablesByHolder": lambda args: pages[args[2]]})
    ids = [r.id for r in ReceivablesClient(contract).iter_receivables("holder", TIER1, page_size=1)]
    assert ids == ["R-1", "R-2"]
    assert [c.arguments for c in contract.calls] == [[TIER1, "1", ""], [TIER1, "1", BY_HOLDER]]


def test_iter_receivables_by_financier_walks_every_debtors_claims_of_the_bank():
    pages = {"": fakes.page([fakes.receivable(id="R-1")], EVERY_DEBTORS), EVERY_DEBTORS: fakes.page([fakes.receivable(id="R-2")], "")}
    contract = FakeContract(responses={"ListReceivablesByFinancier": lambda args: pages[args[3]]})
    ids = [r.id for r in ReceivablesClient(contract).iter_receivables("financier", BANK, page_size=1)]
    assert ids == ["R-1", "R-2"]
    assert [c.arguments for c in contract.calls] == [[BANK, "", "1", ""], [BANK, "", "1", EVERY_DEBTORS]]
    with pytest.raises(ValueError, match="holder, debtor, status or financier"):
        ReceivablesClient(contract).iter_receivables("bank", BANK)


def test_iter_offers_by_financier_follows_bookmarks_and_keeps_the_debtor_on_every_page():
    pages = {"": fakes.page([listed_offer(id="O-1")], OPEN_OFFER), OPEN_OFFER: fakes.page([listed_offer(id="O-2")], "")}
    contract = FakeContract(responses={"ListOffersByFinancier": lambda args: pages[args[3]]})
    offers = list(ReceivablesClient(contract).iter_offers_by_financier(BANK, CORE, page_size=1))
    assert [(o.id, o.debtor) for o in offers] == [("O-1", CORE), ("O-2", CORE)]
    assert [c.arguments for c in contract.calls] == [[BANK, CORE, "1", ""], [BANK, CORE, "1", OPEN_OFFER]]
    first = ReceivablesClient(contract).list_offers_by_financier(BANK, page_size=1)
    assert first.more and contract.calls[-1].arguments == [BANK, "", "1", ""]


def test_iter_payment_record_follows_bookmarks_at_the_first_pages_date():
    pages = {"": fakes.payment_record_page([fakes.payment_record(receivable_id="R-1")], BY_DEBTOR),
             BY_DEBTOR: fakes.payment_record_page([fakes.payment_record(receivable_id="R-2")], "")}
    contract = FakeContract(responses={"GetDebtorPaymentRecord": lambda args: pages[args[2]]})
    ids = [r.receivable_id for r in ReceivablesClient(contract).iter_payment_record(CORE, page_size=1)]
    assert ids == ["R-1", "R-2"]
    assert [c.arguments for c in contract.calls] == [[CORE, "1", "", ""], [CORE, "1", BY_DEBTOR, "2026-06-30"]]


def test_iter_discount_offers_follows_bookmarks():
    pages = {"": fakes.page([fakes.discount_offer(id="D-1")], DISCOUNT), DISCOUNT: fakes.page([], LATER_DISCOUNT),
             LATER_DISCOUNT: fakes.page([fakes.discount_offer(id="D-2")], "")}
    contract = FakeContract(responses={"ListDiscountOffers": lambda args: pages[args[3]]})
    ids = [d.id for d in ReceivablesClient(contract).iter_discount_offers(receivable_id=R, page_size=1)]
    assert ids == ["D-1", "D-2"]  # an empty page with a bookmark is not the end


def test_discount_offer_listing_needs_a_debtor_or_a_receivable_and_a_known_scope():
    contract = FakeContract()
    with pytest.raises(ValueError, match="debtor or a receivable"):
        ReceivablesClient(contract).list_discount_offers()
    with pytest.raises(ValueError, match="not one of"):
        ReceivablesClient(contract).list_discount_offers(CORE, scope="expired")
    with pytest.raises(TypeError, match="datetime.date"):
        ReceivablesClient(contract).debtor_payment_record(CORE, as_of="2026-06-01")
    assert contract.calls == []


@pytest.mark.parametrize("size, error", [(0, ValueError), (101, ValueError), (True, TypeError)])
def test_page_size_outside_1_to_100_is_refused_before_sending(size, error):
    contract = FakeContract()
    with pytest.raises(error):
        ReceivablesClient(contract).list_by_holder(TIER1, page_size=size)
    assert contract.calls == []


def test_unknown_status_is_refused_before_sending():
    contract = FakeContract()
    with pytest.raises(ValueError, match="not one of"):
        ReceivablesClient(contract).list_by_status("PAID")
    assert contract.calls == []


def test_a_document_with_an_unknown_field_is_an_error_not_silently_dropped():
    contract = FakeContract(responses={"GetReceivable": {**fakes.receivable(), "surprise": 1}})
    with pytest.raises(Exception, match="surprise"):
        ReceivablesClient(contract).get_receivable(R)



def test_an_identity_answer_from_a_contract_without_held_by_reads_as_held_by_no_one():
    """A contract installed before ``held_by`` answers FindIdentityParty without it: the SDK still reads the answer
    (else `org user revoke` reports every identity failed until the chaincode is upgraded)."""
    older = {k: v for k, v in fakes.identity_party().items() if k != "held_by"}
    contract = FakeContract(responses={"FindIdentityParty": older})
    found = ReceivablesClient(contract).find_identity_party("SupplierMSP", "x509::CN=b::CN=ca")
    assert found.held_by is None and found.bound_to == TIER1 and found.party.uscc == TIER1


def test_a_payment_record_from_a_contract_without_payments_reads_with_none():
    """A contract installed before the records listed their payments: the SDK still reads the page (risk scoring
    then counts a partly paid claim at face, as it did)."""
    from client.receivables import PaymentRecordPage
    older = {k: v for k, v in fakes.payment_record().items() if k != "payments"}
    page = PaymentRecordPage.model_validate(fakes.payment_record_page([older]))
    assert page.records[0].payments == []

STATE_CHANGING_CALLS = [
    ("TransferReceivable", lambda c, **kw: c.transfer(R, TIER2, 1, **kw), fakes.receivable()),
    ("RecordPayment", lambda c, **kw: c.record_payment(R, 1, **kw),
     {**fakes.receivable(), "allocations": []}),
    ("RegisterReceivable", lambda c, **kw: c.register_receivable(registration(), **kw), fakes.receivable()),
    ("PublishDiscountOffer", lambda c, **kw: c.publish_discount_offer(
        DiscountOfferRequest(apr="0.05", expires_on=date(2026, 4, 1)), **kw), fakes.discount_offer()),
    ("AttestInvoiceVerification", lambda c, **kw: c.attest_invoice_verification(ATTESTATION, **kw),
     fakes.invoice_attestation()),
    ("AcceptDiscountOffer", lambda c, **kw: c.accept_discount_offer(
        D, R, as_read=DiscountOffer.model_validate(fakes.discount_offer()), **kw), fakes.receivable()),
]
"""The calls that send a business request id: (transaction, call taking ``request_id=``, the contract's answer)."""


@pytest.mark.parametrize("name, call, answer", STATE_CHANGING_CALLS)
def test_state_changing_calls_send_a_business_request_id_last(name, call, answer):
    contract = FakeContract(responses={name: answer})
    client = ReceivablesClient(contract)
    call(client)
    call(client)
    call(client, request_id="order-2026-0042")
    first, second, chosen = (c.arguments[-1] for c in contract.calls)
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second  # a new call is a new request; only a retry of one call repeats its id
    assert chosen == "order-2026-0042"


@pytest.mark.parametrize("name, call, answer", STATE_CHANGING_CALLS)
def test_an_empty_request_id_is_refused_before_sending(name, call, answer):
    contract = FakeContract(responses={name: answer})
    with pytest.raises(ValueError, match="request_id '': a request id is 1 to 128 letters"):
        call(ReceivablesClient(contract), request_id="")   # the contract would read "" as no id: no exactly-once
    assert contract.calls == []


def test_a_retry_policy_given_to_the_client_goes_with_every_submit_and_no_query():
    from client.gateway import RetryPolicy

    policy = RetryPolicy(max_attempts=5, backoff=0.1)
    contract = FakeContract(responses={"TransferReceivable": fakes.receivable(), "GetReceivable": fakes.receivable(),
                                       "ConfirmReceivable": fakes.receivable()})
    client = ReceivablesClient(contract, retry=policy)
    client.transfer(R, TIER2, Decimal("10.00"), request_id="t-1")
    client.confirm(R, endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])
    client.get_receivable(R)
    assert [(c.name, c.retry) for c in contract.calls] == [("TransferReceivable", policy), ("ConfirmReceivable", policy),
                                                           ("GetReceivable", None)]
    plain = FakeContract(responses={"ConfirmReceivable": fakes.receivable()})
    ReceivablesClient(plain).confirm(R, endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])
    assert plain.only().retry is None          # no policy: the Gateway's default applies


def test_a_retry_that_is_not_a_retry_policy_is_refused():
    with pytest.raises(TypeError, match="RetryPolicy"):
        ReceivablesClient(FakeContract(), retry=3)


def test_the_request_record_reads_as_the_transaction_result_model():
    from client.receivables import PaymentResult, RequestRecord, TransferResult

    record = ReceivablesClient(FakeContract(responses={"GetRequest": fakes.request_record()})).request("split-0001")
    assert isinstance(record, RequestRecord) and isinstance(record.typed_result, TransferResult)
    assert [c.id for c in record.typed_result.children_records] == [R + ".1", R + ".2"]
    paid = RequestRecord.model_validate(fakes.request_record(transaction="RecordPayment",
                                                             result={**fakes.receivable(), "allocations": []}))
    assert isinstance(paid.typed_result, PaymentResult)
    # a split claim's payment: the claim's last change is the split, the record names the payment's transaction
    split_paid = RequestRecord.model_validate(fakes.request_record(
        transaction="RecordPayment", tx_id="cd" * 32, result={**fakes.receivable(status="SPLIT"), "allocations": []}))
    assert split_paid.typed_result.tx_id == "cd" * 32 != split_paid.typed_result.last.tx_id
    with pytest.raises(ValueError, match="no model for the result of RegisterParty"):
        RequestRecord.model_validate(fakes.request_record(transaction="RegisterParty")).typed_result


def test_an_attestation_naming_a_source_twice_is_refused_before_signing():
    """The contract refuses it (argument-invalid); the SDK says so before a proposal is signed."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="names reference-tax more than once"):
        InvoiceAttestationRequest(**{**ATTESTATION.model_dump(), "sources": ["reference-tax", "reference-tax"]})


def test_accept_offer_reads_the_private_terms_from_the_callers_peer_and_passes_them_as_transient():
    contract = FakeContract(responses={"GetOfferTerms": fakes.terms(), "AcceptFinancingOffer": fakes.financing()})
    result = ReceivablesClient(contract).accept_offer(O)
    assert [(c.kind, c.name, c.arguments) for c in contract.calls] == [
        ("evaluate", "GetOfferTerms", [O]), ("submit", "AcceptFinancingOffer", [O])]
    assert json.loads(contract.calls[-1].transient["terms"]) == fakes.terms()  # exactly the offer's: the hash matches
    assert result.status == "ACCEPTED"


def test_accept_offer_by_a_caller_refused_the_terms_is_sent_without_them_for_the_contracts_own_refusal():
    refusal = EndorseError("failed", transaction_id="t", code=grpc.StatusCode.ABORTED, details=[ErrorDetail(
        "p", "BankMSP", "chaincode response 500, RULE not-permitted-to-read: the terms are for the holder")])
    contract = FakeContract(responses={"AcceptFinancingOffer": fakes.financing()}, errors={"GetOfferTerms": refusal})
    ReceivablesClient(contract).accept_offer(O)
    assert contract.calls[-1].name == "AcceptFinancingOffer" and contract.calls[-1].transient is None
