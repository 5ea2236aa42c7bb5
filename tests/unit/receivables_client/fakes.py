"""A test double of the SDK's dependency: a client.gateway Contract that records calls and answers from a table.

Sample documents are written by hand in the contract's shape; the cross-check
against the real contract is in test_contract_agreement.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CORE = "91310000MA1K000019"
TIER1 = "91310000MA1K00002C"
TIER2 = "91320500MA1K00003D"
BANK = "91110000MA1K00006B"


def action(name: str, by: str = TIER1, msp: str = "SupplierMSP", tx: str = "ab" * 32) -> dict:
    return {"action": name, "by": by, "msp_id": msp, "at": "2026-03-02T02:00:00+00:00", "tx_id": tx}


def receivable(**over: Any) -> dict:
    doc = {
        "doc_type": "receivable", "id": "R-00000000000000a1", "status": "CONFIRMED", "debtor": CORE,
        "debtor_msp": "CoreEnterpriseMSP", "creditor": TIER1, "holder": TIER1, "holder_msp": "SupplierMSP",
        "face_amount": 11300000, "outstanding": 11300000, "currency": "CNY", "issue_date": "2026-03-02",
        "due_date": "2026-05-31",
        "invoices": [{"number": "24312000000012345678", "code": "", "date": "2026-03-01", "amount": 10000000, "tax": 1300000,
                      "seller_tax_id": TIER1, "buyer_tax_id": CORE, "currency": "CNY", "fingerprint": "f" * 64}],
        "contract_hash": "c" * 64, "goods_receipts": [], "root_id": "R-00000000000000a1", "parent_id": None, "children": [],
        "confirmed_on": "2026-03-02", "rejection_reason": None, "withdrawn_on": None, "withdrawal_reason": None,
        "financing_id": None, "financier": None,
        "financier_msp": None, "notice_id": None, "payments": [], "overdue_since": None, "frozen": None,
        "queued_freezes": [], "last_unfreeze": None,
        "last": action("ConfirmReceivable", CORE, "CoreEnterpriseMSP"),
    }
    doc.update(over)
    return doc


def receivable_before_goods_receipts(**over: Any) -> dict:
    """A claim as a contract from before the goods receipt registry answers it: no ``goods_receipts`` field."""
    doc = receivable(**over)
    del doc["goods_receipts"]
    return doc


def financing(**over: Any) -> dict:
    doc = {
        "doc_type": "financing", "id": "F-00000000000000b1", "receivable_id": "R-00000000000000a1", "holder": TIER1,
        "holder_msp": "SupplierMSP", "status": "ACCEPTED", "requested_on": "2026-03-02",
        "accepted_offer_id": "O-00000000000000c1", "financier": BANK, "financier_msp": "BankMSP",
        "collection": "terms-SupplierMSP-BankMSP", "terms_hash": "e" * 64, "disbursed_on": None,
        "disbursement_hash": None, "notice_id": None, "repaid_on": None, "cancelled_on": None,
        "cancellation_reason": None, "recourse_on": None, "recourse_reason": None, "recourse_demands": [],
        "last": action("AcceptFinancingOffer"),
    }
    doc.update(over)
    return doc


def offer(**over: Any) -> dict:
    doc = {"doc_type": "offer", "id": "O-00000000000000c1", "financing_id": "F-00000000000000b1",
           "receivable_id": "R-00000000000000a1", "financier": BANK, "financier_msp": "BankMSP",
           "collection": "terms-SupplierMSP-BankMSP", "terms_hash": "e" * 64, "expires_on": "2026-04-30",
           "status": "OPEN", "made_on": "2026-03-02", "withdrawn_on": None, "withdrawal_reason": None,
           "last": action("MakeFinancingOffer", BANK, "BankMSP")}
    doc.update(over)
    return doc


def terms(**over: Any) -> dict:
    doc = {"advance_rate": "0.9", "discount_rate": "0.036", "fees": 0, "recourse": False, "day_count": "ACT/360",
           "expires_on": "2026-04-30", "salt": "0123456789abcdef0123"}
    doc.update(over)
    return doc


def disbursement(**over: Any) -> dict:
    doc = {"doc_type": "disbursement", "financing_id": "F-00000000000000b1",
           "receivable_id": "R-00000000000000a1",
           "outstanding": 113_000_00, "principal": 101_700_00, "interest": 889_88, "fees": 20_00,
           "net_amount": 100_790_12, "days": 87, "day_count": "ACT/360", "disbursed_on": "2026-03-05",
           "due_date": "2026-05-31", "salt": "0123456789abcdef0123"}
    doc.update(over)
    return doc


def party(**over: Any) -> dict:
    doc = {"doc_type": "party", "uscc": TIER1, "name": "Tier-1 Parts", "role": "supplier", "msp_id": "SupplierMSP",
           "client_ids": ["x509::CN=supplier1,OU=client,O=SupplierMSP,C=CN::CN=ca.supplier,O=SupplierMSP,C=CN"],
           "registered": action("RegisterParty", "x509::CN=admin", "SupplierMSP")}
    doc.update(over)
    return doc


def contract_settings(**over: Any) -> dict:
    """GetContractSettings' answer for the default configuration (one calendar year), changed by ``over``."""
    doc = {"max_payment_term_days": None,
           "payment_term": "one calendar year (the default: max_payment_term_days is unset)",
           "require_attestation": False, "attestation_sources": [], "max_attestation_age_days": None,
           "attestation_age_limit_days": 30, "attesting_roles": ["financier"], "config_digest": "c" * 64}
    doc.update(over)
    return doc


def identity_party(**over: Any) -> dict:
    doc = {"msp_id": "SupplierMSP", "client_id": "x509::CN=b::CN=ca", "party": party(), "bound_to": TIER1, "held_by": None}
    doc.update(over)
    return doc


def notice(**over: Any) -> dict:
    doc = {"doc_type": "notice", "id": "N-00000000000000d1", "receivable_id": "R-00000000000000a1",
           "financing_id": "F-00000000000000b1", "debtor": CORE, "assignor": TIER1, "financier": BANK,
           "text": "Pay the bank.", "issued_on": "2026-03-03", "status": "ISSUED", "acknowledged_on": None,
           "released_on": None, "last": action("RecordDisbursement", BANK, "BankMSP")}
    doc.update(over)
    return doc


def discount_offer(**over: Any) -> dict:
    doc = {"doc_type": "discount_offer", "apr": "0.05", "scale": None, "day_count": "ACT/360",
           "expires_on": "2026-04-01", "receivable_ids": [], "id": "D-00000000000000e1", "debtor": CORE,
           "debtor_msp": "CoreEnterpriseMSP", "status": "OPEN", "published_on": "2026-03-02",
           "withdrawn_on": None, "last": action("PublishDiscountOffer", CORE, "CoreEnterpriseMSP")}
    doc.update(over)
    return doc


def invoice_attestation(**over: Any) -> dict:
    doc = {"doc_type": "invoice_attestation", "seller_tax_id": TIER1, "code": "", "number": "24312000000012345678",
           "fingerprint": "f" * 64, "buyer_tax_id": CORE, "issue_date": "2026-03-01",
           "total_with_tax": 11_300_000, "sources": ["reference-tax", "reference-registry"], "outcome": "pass",
           "evidence_digest": "e" * 64, "id": "A-00000000000000f1", "attester": BANK, "attester_role": "financier",
           "attested": action("AttestInvoiceVerification", BANK, "BankMSP")}
    doc.update(over)
    return doc


# what a page, the statistics and an exposure passed over as the peer cannot read it: nothing, on a whole answer
PASSED_NONE = {"unreadable": [], "newer_version": []}


def bookmark(index: str, *attributes: str) -> str:
    """A bookmark as a list of the contract returns one: the composite key of its index (``recfin.by-holder``...)
    its next page starts at, which the SDK checks is of the list asked for before sending it."""
    return "\x00" + index + "\x00" + "".join(attribute + "\x00" for attribute in attributes)


def page(records: list[dict], bookmark: str = "") -> dict:
    return {"records": records, "fetched": len(records), "bookmark": bookmark, **PASSED_NONE}


def statistics() -> dict:
    row = {"exposure": 11300000, "financed": 2825000, "overdue": 0, "receivables": 1, "financed_share": "0.2500"}
    return {"per_debtor": {CORE: {"CNY": row}}, "total": {"CNY": dict(row)},
            "count_by_status": {"REGISTERED": 0, "CONFIRMED": 1, "REJECTED": 0, "WITHDRAWN": 0, "SPLIT": 0, "FINANCED": 0,
                                "OVERDUE": 0, "SETTLED": 0}, **PASSED_NONE}


def payment_record(**over: Any) -> dict:
    doc = {"receivable_id": "R-00000000000000a1", "parent_id": None, "holder": "H-0123456789abcdef",
           "face_amount": 11300000, "outstanding": 0, "currency": "CNY", "due_date": "2026-05-31",
           "status": "SETTLED",
           "registered_on": "2026-03-02", "confirmed_on": "2026-03-02", "rejected_on": None, "withdrawn_on": None,
           "financed_on": "2026-03-05", "marked_overdue_on": "2026-06-01", "split_on": None,
           "settled_on": "2026-06-10", "days_late": 10, "overdue": False, "freezes": ["2026-04-01"],
           "unfreezes": ["2026-04-08"], "frozen": False,
           "payments": [{"paid_on": "2026-06-10", "amount": 11300000}]}
    doc.update(over)
    return doc


def payment_record_page(records: list[dict], bookmark: str = "", as_of: str = "2026-06-30",
                        history_cut: tuple[str, ...] = ()) -> dict:
    return {"debtor": CORE, "as_of": as_of, "holder_ids": "token", "records": records,
            "history_cut": list(history_cut), "fetched": len(records), "bookmark": bookmark}


def financier_exposure(**over: Any) -> dict:
    doc = {"financier": BANK, "debtor": CORE, "version": 2, "exposure": {"CNY": 7000000}, "financings": [
        {"receivable_id": "R-00000000000000a1", "financing_id": "F-00000000000000b1", "status": "DISBURSED",
         "due_date": "2026-05-31", "currency": "CNY", "principal": 10170000, "collected": 3170000, "outstanding_principal": 7000000}],
        "offered": {"CNY": 4500000}, "offers": [
        {"offer_id": "O-00000000000000c1", "financing_id": "F-00000000000000b2", "receivable_id": "R-00000000000000a2",
         "due_date": "2026-06-30", "expires_on": "2026-03-31", "currency": "CNY", "outstanding": 5000000,
         "advance": 4500000}], "uncounted_offers": [], **PASSED_NONE}
    doc.update(over)
    return doc


def request_record(**over: Any) -> dict:
    moved = receivable(id="R-00000000000000a1.1", holder=TIER2, parent_id="R-00000000000000a1", face_amount=3000000,
                       outstanding=3000000)
    kept = receivable(id="R-00000000000000a1.2", parent_id="R-00000000000000a1", face_amount=8300000,
                      outstanding=8300000)
    doc = {"request_id": "split-0001", "party": TIER1, "transaction": "TransferReceivable", "arguments": "a" * 64,
           "tx_id": "ab" * 32, "at": "2026-03-02T02:00:00Z",
           "result": {**receivable(status="SPLIT", children=[moved["id"], kept["id"]]),
                      "children_records": [moved, kept]}}
    doc.update(over)
    return doc


@dataclass
class Call:
    kind: str  # "submit" or "evaluate"
    name: str
    arguments: list
    transient: dict | None
    endorsing_organizations: list | None
    retry: Any = None  # the RetryPolicy a submit carried


@dataclass
class FakeContract:
    """Records each call; answers with ``responses[name]`` (a dict is sent as JSON) or raises ``errors[name]``."""

    responses: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Exception] = field(default_factory=dict)
    chaincode_name: str = "receivables"
    calls: list[Call] = field(default_factory=list)

    def _answer(self, kind, name, arguments, transient, endorsing_organizations, retry=None) -> bytes:
        self.calls.append(Call(kind, name, list(arguments), transient,
                               None if endorsing_organizations is None else list(endorsing_organizations), retry))
        if name in self.errors:
            raise self.errors[name]
        answer = self.responses[name]
        if callable(answer):
            answer = answer(list(arguments))
        return answer if isinstance(answer, bytes) else json.dumps(answer).encode()

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None, retry=None) -> bytes:
        return self._answer("submit", name, arguments, transient, endorsing_organizations, retry)

    def evaluate(self, name, *, arguments=(), transient=None, endorsing_organizations=None) -> bytes:
        return self._answer("evaluate", name, arguments, transient, endorsing_organizations)

    def only(self, kind: str | None = None) -> Call:
        calls = [c for c in self.calls if kind is None or c.kind == kind]
        assert len(calls) == 1, calls
        return calls[0]
