"""The blocking and the async client refuse the same arguments the same way, and send the same calls for the rest:
every public method of the shared operations, called with its ordinary arguments and with each argument in turn
replaced by a hostile value (empty, blank, padded, of another type, a float, a bool, bytes, a line break, 5,000
characters, an invisible character, full-width letters, a Decimal, a date, a list), raises the same error with the
same message on both, or sends the same transactions with the same arguments (a fresh request id aside)."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from decimal import Decimal

import pytest

from client.receivables import AsyncReceivablesClient, DiscountOfferRequest, ReceivablesClient

from . import fakes
from .fakes import BANK, CORE, TIER1, TIER2, FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import ATTESTATION, TERMS, UPGRADE_PAGE, D, F, N, O, R, registration

ANSWERS = {
    **dict.fromkeys(("RegisterParty", "RenameParty", "BindPartyIdentity", "UnbindPartyIdentity", "GetParty", "WhoAmI"),
                    fakes.party()),
    **dict.fromkeys(("RegisterReceivable", "ConfirmReceivable", "RejectReceivable", "WithdrawReceivable",
                     "LinkPaperIdentity", "TransferReceivable", "AcceptDiscountOffer", "RecordOverdue",
                     "FreezeReceivable", "UnfreezeReceivable", "GetReceivable"), fakes.receivable()),
    **dict.fromkeys(("RequestFinancing", "WithdrawFinancing", "AcceptFinancingOffer", "RecordDisbursement",
                     "RecordRepayment", "CancelFinancing", "DemandRecourse", "ExerciseRecourse"), fakes.financing()),
    **dict.fromkeys(("ListReceivablesByHolder", "ListReceivablesByDebtor", "ListReceivablesByStatus",
                     "ListReceivablesByFinancier", "ListOffersByFinancier", "ListDiscountOffers"), fakes.page([])),
    **dict.fromkeys(("GetPartyHistory", "GetReceivableHistory"), []),
    "FindIdentityParty": fakes.identity_party(), "MakeFinancingOffer": fakes.offer(),
    "WithdrawFinancingOffer": fakes.offer(), "AcknowledgeAssignment": fakes.notice(),
    "GetAssignmentNotice": fakes.notice(), "PublishDiscountOffer": fakes.discount_offer(),
    "WithdrawDiscountOffer": fakes.discount_offer(), "GetDiscountOffer": fakes.discount_offer(),
    "RecordPayment": {**fakes.receivable(), "allocations": []}, "GetReceivableEndorsers": ["SupplierMSP"],
    "GetProvenance": {"id": R, "root_id": R, "ancestors": [], **fakes.PASSED_NONE,
                      "tree": {"id": R, "status": "CONFIRMED", "holder": TIER1, "face_amount": 1, "outstanding": 1,
                               "parent_id": None, "children": []}},
    "FindInvoice": {"fingerprint": "f" * 64, "used": False, "receivable_id": None, "live": False},
    "GetContractSettings": fakes.contract_settings(),
    "GetStatistics": fakes.statistics(), "GetFinancing": {**fakes.financing(), "offers": [], **fakes.PASSED_NONE},
    "GetOfferTerms": fakes.terms(), "GetDisbursement": fakes.disbursement(),
    "AttestInvoiceVerification": fakes.invoice_attestation(),
    "GetInvoiceAttestations": {"attestations": [], **fakes.PASSED_NONE},
    "GetDebtorPaymentRecord": fakes.payment_record_page([]), "GetFinancierExposure": fakes.financier_exposure(),
    "GetRequest": fakes.request_record(), "UpgradeLedger": UPGRADE_PAGE,
    "ResealReceivable": {"receivable_id": R, "orgs_before": ["SupplierMSP"], "orgs_after": ["A", "B"],
                         "tx_id": "ab" * 32},
}
ORGS = ["SupplierMSP", "BankMSP"]
CALLS = {
    "register_party": (TIER1, "Tier", "supplier", "SupplierMSP", ["x509::CN=a::CN=b"]), "rename_party": (TIER1, "New"),
    "bind_party_identity": (TIER1, "x509::CN=a,O=x::CN=b,O=y"), "unbind_party_identity": (TIER1, "x509::CN=a::CN=b"),
    "get_party": (TIER1,), "party_history": (TIER1,), "who_am_i": (),
    "find_identity_party": ("SupplierMSP", "x509::CN=a::CN=b"),
    "register_receivable": (registration(),), "confirm": (R,), "reject": (R, "no"), "withdraw": (R, "no"),
    "link_paper_identity": (R, "26312000000012345678", "144031900111", "00012345"), "transfer": (R, TIER2, 100),
    "split": (R, TIER2, 100), "request_financing": (R,), "withdraw_financing": (F,), "make_offer": (F, TERMS, ORGS),
    "withdraw_offer": (O, "rate"), "accept_offer": (O,), "record_disbursement": (F, TERMS, ORGS),
    "acknowledge_assignment": (N,), "record_repayment": (F,), "cancel_financing": (F, "why", ORGS),
    "demand_recourse": (F, "why", TERMS, ORGS), "exercise_recourse": (F, "why", TERMS, ORGS),
    "publish_discount_offer": (DiscountOfferRequest(apr="0.05", expires_on=date(2026, 4, 1)),),
    "accept_discount_offer": (D, R), "withdraw_discount_offer": (D,), "record_payment": (R, 100), "settle": (R, 100),
    "record_overdue": (R,), "mark_overdue": (R,), "freeze": (R, "ORDER-1"), "unfreeze": (R, "ORDER-2"),
    "reseal_receivable": (R,), "upgrade_ledger": (), "attest_invoice_verification": (ATTESTATION,),
    "invoice_attestations": ("f" * 64,), "get_receivable": (R,), "history": (R,), "provenance": (R,),
    "receivable_endorsers": (R,), "find_invoice": ("f" * 64,), "contract_settings": (),
    "check_payment_term": (registration(),), "list_by_holder": (TIER1,), "list_by_debtor": (CORE,),
    "list_by_status": ("CONFIRMED",), "list_by_financier": (BANK,), "list_offers_by_financier": (BANK,),
    "statistics": (), "get_financing": (F,), "get_offer_terms": (O,), "get_disbursement": (F,),
    "get_assignment_notice": (N,), "get_discount_offer": (D,), "list_discount_offers": (CORE,),
    "debtor_payment_record": (CORE,), "financier_exposure": (CORE,), "request": ("split-0001",),
}
HOSTILE = ["", "  ", " X", 5, None, 1.5, True, b"R-1", "R-1\n", "a" * 5000, "R-\u200b1", "ＲＭＢ", Decimal("1"),
           date(2026, 1, 1), ["a"]]
NOT_CALLS = {"wait_for_block", "catch_up", "events", "check_checkpoint", "iter_receivables",
             "iter_offers_by_financier", "iter_payment_record", "iter_discount_offers"}


def outcome(client, method: str, args: tuple) -> tuple:
    """What ``method(*args)`` did on ``client``: its error's type and message, or OK; and what it sent, every fresh
    request id written as <id>."""
    try:
        made = getattr(client, method)(*args)
        if isinstance(client, AsyncReceivablesClient):
            asyncio.run(made)
        done = ("OK",)
    except Exception as error:      # what each raised is the comparison
        done = (type(error).__name__, re.sub(r"[0-9a-f]{32}", "<id>", str(error)))
    sent = [(c.kind, c.name, [re.sub(r"^[0-9a-f]{32}$", "<id>", a) if isinstance(a, str) else a for a in c.arguments],
             c.transient, c.endorsing_organizations) for c in client.contract.calls]
    return done, sent


def test_every_public_call_is_tried():
    public = {name for name in dir(ReceivablesClient) if not name.startswith("_")
              and callable(getattr(ReceivablesClient, name))}
    assert public - NOT_CALLS == set(CALLS)


@pytest.mark.parametrize("method", sorted(CALLS))
def test_both_clients_refuse_or_send_alike(method):
    ordinary = CALLS[method]
    variants = [ordinary] + [ordinary[:i] + (bad,) + ordinary[i + 1:] for i in range(len(ordinary)) for bad in HOSTILE]
    for args in variants:
        blocking = outcome(ReceivablesClient(FakeContract(responses=ANSWERS)), method, args)
        awaited = outcome(AsyncReceivablesClient(FakeAsyncContract(responses=ANSWERS)), method, args)
        assert awaited == blocking, f"{method}{args!r:.200}"
    assert outcome(ReceivablesClient(FakeContract(responses=ANSWERS)), method, ordinary)[0] == ("OK",)
