"""Every state change emits exactly one chaincode event naming what happened and the receivable's id.

Fabric keeps only the last event a transaction sets, so a second ``set_event`` would silently replace
the first: the stub's ``set_event`` is counted here, transaction by transaction, through a lifecycle
that runs every submit transaction of the contract. A retry answered from its request record changes
nothing and emits nothing. Each event's details are the ones the events table of docs/receivables.md
names, with the values the change had (the parties, amounts, dates and ids it was about).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaincode.receivables import ReceivablesContract, keys
from chaincode.receivables.fingerprint import invoice_fingerprint
from chaincode.shim._stub import ChaincodeStub
from cli.amounts import MONEY_FIELDS
from .support import CORE, REGULATOR, SUPPLIER, attestation_request, credit_code, standard_net, terms, transient_terms
from .test_claim_policy_never_one_org import guarded_by

SUBMITS = {name for name, (mark, _) in ReceivablesContract().transactions().items() if not mark.evaluate}
DOCS = Path(__file__).resolve().parents[3] / "docs" / "receivables.md"


def _documented_fields() -> dict[str, set[str]]:
    """Each event of the events table in docs/receivables.md, with the fields its details column names (the
    names in backticks outside parentheses: those inside explain a field, or name its parts)."""
    section = DOCS.read_text().split("\n### Events\n", 1)[1].split("\n### ", 1)[0]
    table: dict[str, set[str]] = {}
    for row in re.findall(r"^\| (`.+?) \| (.+) \|$", section, re.MULTILINE):
        names, details = row
        while (shorter := re.sub(r"\([^()]*\)", "", details)) != details:
            details = shorter
        for name in re.findall(r"`(\w+)`", names):
            table[name] = set(re.findall(r"`(\w+)`", details))
    return table


DOCUMENTED = _documented_fields()
# documented fields a payload carries only in some cases: the financings a payment ended, when it ended any; the
# sources an attestation asked that held nothing, when there were some
ONLY_SOMETIMES = {"PaymentRecorded": {"financings_withdrawn", "financings_cancelled"},
                  "InvoiceVerificationAttested": {"sources_skipped"}}


class _Events:
    """Counts ``set_event`` calls per transaction id, and checks each successful submit against them."""

    def __init__(self, monkeypatch, net) -> None:
        self.net, self.calls, self.done, self.events = net, [], set(), set()
        set_event = ChaincodeStub.set_event

        def counted(stub, name, payload):
            self.calls.append((stub.tx_id, name))
            return set_event(stub, name, payload)

        monkeypatch.setattr(ChaincodeStub, "set_event", counted)

    async def change(self, actor, fn: str, *args: Any, event: str, receivable: str | None | Callable[[dict], str],
                     details: dict[str, Any] | Callable[[dict], dict[str, Any]], **kw: Any) -> dict:
        """Run ``fn``: it must change the ledger and set exactly one event, ``event`` about ``receivable``
        with exactly ``details`` besides ``event``, ``receivable_id`` and ``tx_id`` (a callable computes the id,
        or the details, from the result, for what the change created); those are the fields the events table
        documents for it."""
        before, self.calls = self.net.snapshot(), []
        result = await self.net.call(actor, fn, *args, **kw)
        assert result.status == 200, f"{fn}: {result.message}"
        doc = json.loads(result.payload)
        expected_id = receivable(doc) if callable(receivable) else receivable
        assert self.calls == [(result.tx_id, event)], f"{fn} set {[name for _, name in self.calls]}"
        name, payload = result.event[0], json.loads(result.event[1])
        assert (name, payload.pop("event"), payload.pop("receivable_id"), payload.pop("tx_id")) == \
            (event, event, expected_id, result.tx_id), fn
        expected = details(doc) if callable(details) else details
        assert payload == expected, f"{fn}: {event}'s details"
        documented = DOCUMENTED[event]
        assert documented - ONLY_SOMETIMES.get(event, set()) - set(payload) == set(), f"{event} lacks documented fields"
        # LedgerUpgraded carries the page's answer (the result) beside the fields the table names
        assert set(payload) - documented == (set(doc) if event == "LedgerUpgraded" else set()), \
            f"{event} carries fields the events table does not name"
        assert self.net.ledger.events[-1] == (result.tx_id, name, result.event[1]), f"{fn}: event not committed"
        assert self.net.snapshot() != before, f"{fn} emitted {event} but changed nothing"
        self.done.add(fn)
        self.events.add(event)
        return doc


async def test_every_submit_transaction_emits_exactly_one_event_naming_the_receivable(monkeypatch):
    net = await standard_net()
    ev = _Events(monkeypatch, net)
    core, tier1, tier2, bank, bank2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "bank2", "regulator"))
    admin = net.admins[SUPPLIER]
    t3 = credit_code(900)

    await ev.change(admin, "RegisterParty", {"uscc": t3, "name": "Tier-3", "role": "supplier",
                                             "msp_id": SUPPLIER, "client_ids": ["x509::CN=t3::CN=ca"]},
                    event="PartyRegistered", receivable=None, details={"party": t3, "role": "supplier", "msp_id": SUPPLIER})
    await ev.change(admin, "RenameParty", t3, "Tier-3 Renamed", event="PartyRenamed", receivable=None,
                    details={"party": t3, "name": "Tier-3 Renamed", "former_name": "Tier-3"})
    await ev.change(admin, "BindPartyIdentity", t3, "x509::CN=t3b::CN=ca", event="PartyIdentityBound", receivable=None,
                    details={"party": t3, "client_id": "x509::CN=t3b::CN=ca"})
    await ev.change(admin, "UnbindPartyIdentity", t3, "x509::CN=t3::CN=ca", event="PartyIdentityUnbound",
                    receivable=None, details={"party": t3, "client_id": "x509::CN=t3::CN=ca"})
    attested = attestation_request(tier1.uscc, "26442000000000000001")
    await ev.change(bank, "AttestInvoiceVerification", attested, event="InvoiceVerificationAttested", receivable=None,
                    details=lambda doc: {"attestation_id": doc["id"], "fingerprint": attested["fingerprint"],
                                         "outcome": "pass", "sources": ["reference-tax", "reference-registry"],
                                         "attester": bank.uscc})

    rejected = await ev.change(tier1, "RegisterReceivable", net.registration(tier1, core, 1000),
                               event="ReceivableRegistered", receivable=lambda doc: doc["id"],
                               details={"debtor": core.uscc, "holder": tier1.uscc, "face_amount": 1000,
                                        "currency": "CNY", "due_date": net.day(90)})
    await ev.change(core, "RejectReceivable", rejected["id"], "not owed", event="ReceivableRejected",
                    receivable=rejected["id"], details={"reason": "not owed"})
    withdrawn = await net.registered(tier1, core, 1000)
    await ev.change(tier1, "WithdrawReceivable", withdrawn["id"], "wrong face amount", event="ReceivableWithdrawn",
                    receivable=withdrawn["id"], details={"reason": "wrong face amount"})
    due = net.day(60)   # the claim's issue date is today: a due date taken from elsewhere shows
    r = await ev.change(tier1, "RegisterReceivable", net.registration(tier1, core, 10_000, due_in=60), "req-1",
                        event="ReceivableRegistered", receivable=lambda doc: doc["id"],
                        details={"debtor": core.uscc, "holder": tier1.uscc, "face_amount": 10_000, "currency": "CNY",
                                 "due_date": due})
    rid = r["id"]
    # the holder confirmed to is the creditor, not the debtor confirming
    await ev.change(core, "ConfirmReceivable", rid, event="ReceivableConfirmed", receivable=rid,
                    details={"debtor": core.uscc, "holder": tier1.uscc, "face_amount": 10_000, "currency": "CNY"})
    number, paper_fp = r["invoices"][0]["number"], invoice_fingerprint(tier1.uscc, "144031900111", "00012345")
    await ev.change(tier1, "LinkPaperIdentity", rid, number, "144031900111", "00012345", event="PaperIdentityLinked",
                    receivable=rid, details={"invoice_number": number, "paper_code": "144031900111",
                                             "paper_number": "00012345", "paper_fingerprint": paper_fp,
                                             "by": tier1.uscc})
    split = ("TransferReceivable", rid, tier2.uscc, "4000", "req-2")
    sold, kept = f"{rid}.1", f"{rid}.2"
    await ev.change(tier1, *split, event="ReceivableSplit", receivable=rid,
                    details={"from": tier1.uscc, "to": tier2.uscc, "amount": 4000, "kept": 6000, "currency": "CNY",
                             "children": [sold, kept]})
    await ev.change(tier2, "TransferReceivable", sold, tier1.uscc, "4000", event="ReceivableTransferred",
                    receivable=sold, details={"from": tier2.uscc, "to": tier1.uscc, "amount": 4000, "currency": "CNY"})

    # a retry of the split, answered from its request record: nothing written, no event
    before, ev.calls = net.snapshot(), []
    assert (await net.call(tier1, *split)).status == 200
    assert ev.calls == [] and net.snapshot() == before

    # the part kept, partly paid: financed on the 5000 of its 6000 still owed
    await ev.change(core, "RecordPayment", kept, "1000", event="PaymentRecorded", receivable=kept,
                    details={"amount": 1000, "currency": "CNY", "allocations": [
                        {"receivable_id": kept, "amount": 1000, "payee": tier1.uscc, "outstanding": 5000}]})

    # its financing: a withdrawn request, then offers, acceptance, disbursement, notice, repayment
    def requested(doc: dict) -> dict:
        return {"financing_id": doc["id"], "outstanding": 5000, "currency": "CNY", "due_date": due}

    def offered(f: dict, financier: str, **over: Any) -> Callable[[dict], dict]:
        digest = hashlib.sha256(json.dumps(terms(**over), sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        return lambda doc: {"financing_id": f["id"], "offer_id": doc["id"], "financier": financier, "terms_hash": digest}

    f = await ev.change(tier1, "RequestFinancing", kept, event="FinancingRequested", receivable=kept, details=requested)
    await ev.change(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), event="FinancingOffered",
                    receivable=kept, details=offered(f, bank.uscc))
    await ev.change(tier1, "WithdrawFinancing", f["id"], event="FinancingWithdrawn", receivable=kept,
                    details={"financing_id": f["id"]})
    f = await ev.change(tier1, "RequestFinancing", kept, event="FinancingRequested", receivable=kept, details=requested)
    o = await ev.change(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), event="FinancingOffered",
                        receivable=kept, details=offered(f, bank.uscc))
    o2 = await ev.change(bank2, "MakeFinancingOffer", f["id"], transient=transient_terms(salt="t" * 16),
                         event="FinancingOffered", receivable=kept, details=offered(f, bank2.uscc, salt="t" * 16))
    await ev.change(bank2, "WithdrawFinancingOffer", o2["id"], "terms revised", event="FinancingOfferWithdrawn",
                    receivable=kept, details={"financing_id": f["id"], "offer_id": o2["id"], "financier": bank2.uscc,
                                              "reason": "terms revised"})
    await ev.change(tier1, "AcceptFinancingOffer", o["id"], event="FinancingOfferAccepted", receivable=kept,
                    details={"financing_id": f["id"], "offer_id": o["id"], "financier": bank.uscc})
    f = await ev.change(bank, "RecordDisbursement", f["id"], transient=transient_terms(), event="FinancingDisbursed",
                        receivable=kept, details=lambda doc: {"financing_id": doc["id"], "notice_id": doc["notice_id"],
                                                              "financier": bank.uscc})
    assert f["notice_id"].startswith("N-")
    await ev.change(core, "AcknowledgeAssignment", f["notice_id"], event="AssignmentNoticeAcknowledged", receivable=kept,
                    details={"notice_id": f["notice_id"], "financier": bank.uscc})

    # a ledger written before the by-financier index: the upgrade writes the entry, with one event
    del net.ledger.state[net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, kept)]
    upgrader = net.admins["RegulatorMSP"]
    page = await ev.change(upgrader, "UpgradeLedger", "100", "", event="LedgerUpgraded", receivable=None,
                           details=lambda doc: {"by": upgrader.identity.id, **doc})
    assert page["financier_entries"] == 1

    # an accepted financing the bank does not disburse, ended by the holder
    stuck = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    stuck_f, stuck_o = await net.offered(tier1, stuck, bank2)
    await net.ok(tier1, "AcceptFinancingOffer", stuck_o["id"])
    await ev.change(tier1, "CancelFinancing", stuck_f["id"], "not disbursed", event="FinancingCancelled",
                    receivable=stuck, details={"financing_id": stuck_f["id"], "financier": bank2.uscc, "by": tier1.uscc,
                                               "reason": "not disbursed", "status": "CONFIRMED"})

    # a financing on recourse terms whose debtor will not pay: the bank takes the claim back to its holder below
    with_recourse = transient_terms(recourse=True, salt="r" * 16)
    defaulted = (await net.confirmed(tier1, core, 2000, due_in=30))["id"]
    defaulted_f = await net.financed(tier1, defaulted, bank2, terms=with_recourse)

    # the part sold: discounted early; a second claim frozen, unfrozen, part paid, then overdue
    d = await ev.change(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10), "receivable_ids": [sold]},
                        "req-3", event="DiscountOfferPublished", receivable=None,
                        details=lambda doc: {"offer_id": doc["id"], "debtor": core.uscc, "receivable_ids": [sold]})
    # 4000 fen x 0.05 x 60 / 360 = 33.3 fen of discount, 3967 paid
    await ev.change(tier1, "AcceptDiscountOffer", d["id"], sold, event="DiscountOfferAccepted", receivable=sold,
                    details={"offer_id": d["id"], "paid": 3967, "discount": 33, "currency": "CNY", "days_early": 60,
                             "apr": "0.05", "day_count": "ACT/360"})
    await ev.change(core, "WithdrawDiscountOffer", d["id"], event="DiscountOfferWithdrawn", receivable=None,
                    details={"offer_id": d["id"], "debtor": core.uscc, "receivable_ids": [sold]})
    other_due = net.day(30)
    other = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    await ev.change(reg, "FreezeReceivable", other, "order-1", event="ReceivableFrozen", receivable=other,
                    details={"order_reference": "order-1", "queued": False})
    guarded_by(net, other, CORE, SUPPLIER)   # as a freeze before b8aeb33 left it: the regulator's org restored
    await ev.change(reg, "ResealReceivable", other, event="ReceivableResealed", receivable=other,
                    details={"by": reg.uscc, "orgs_before": [CORE, SUPPLIER],
                             "orgs_after": [CORE, REGULATOR, SUPPLIER], "member_form_resealed": True,
                             "entries_resealed": 0})
    await ev.change(reg, "UnfreezeReceivable", other, "lift-1", event="ReceivableUnfrozen", receivable=other,
                    details={"order_reference": "lift-1", "lifted": "order-1", "frozen_by": None})
    await ev.change(core, "RecordPayment", other, "100", "req-4", event="PaymentRecorded", receivable=other,
                    details={"amount": 100, "currency": "CNY", "allocations": [
                        {"receivable_id": other, "amount": 100, "payee": tier1.uscc, "outstanding": 900}]})
    net.advance(days=31)
    await ev.change(tier1, "RecordOverdue", other, event="ReceivableOverdue", receivable=other,
                    details={"outstanding": 900, "currency": "CNY", "due_date": other_due})
    await ev.change(bank2, "DemandRecourse", defaulted_f["id"], "unpaid at maturity", transient=with_recourse,
                    event="RecourseDemanded", receivable=defaulted,
                    details={"financing_id": defaulted_f["id"], "financier": bank2.uscc, "holder": tier1.uscc,
                             "outstanding": 2000, "currency": "CNY", "reason": "unpaid at maturity"})
    await ev.change(bank2, "ExerciseRecourse", defaulted_f["id"], "unpaid at maturity", transient=with_recourse,
                    event="RecourseExercised", receivable=defaulted,
                    details={"financing_id": defaulted_f["id"], "financier": bank2.uscc, "holder": tier1.uscc,
                             "notice_id": defaulted_f["notice_id"], "outstanding": 2000, "currency": "CNY",
                             "reason": "unpaid at maturity"})
    net.advance(days=30)
    # the financier repaid is the bank, not the claim's holder
    await ev.change(bank, "RecordRepayment", f["id"], event="FinancingRepaid", receivable=kept,
                    details={"financing_id": f["id"], "financier": bank.uscc, "paid": 5000, "currency": "CNY"})

    assert ev.done == SUBMITS, f"not exercised: {sorted(SUBMITS - ev.done)}"
    assert ev.events == set(DOCUMENTED), f"documented, not emitted: {sorted(set(DOCUMENTED) - ev.events)}"


# the events whose payloads carry an amount, as the lifecycle above emits them
WITH_AMOUNTS = {"ReceivableRegistered", "ReceivableConfirmed", "ReceivableTransferred", "ReceivableSplit",
                "FinancingRequested", "DiscountOfferAccepted", "PaymentRecorded", "ReceivableOverdue",
                "RecourseDemanded", "RecourseExercised", "FinancingRepaid"}


def _amount_keys(value: Any) -> set[str]:
    """The keys of amounts (``cli.amounts.MONEY_FIELDS``, the list the CLI shows as money and
    tests/unit/cli/test_event_lines.py holds complete for these events) anywhere in a payload, nested ones too."""
    if isinstance(value, dict):
        own = {k for k, v in value.items() if k in MONEY_FIELDS and isinstance(v, int) and not isinstance(v, bool)}
        return own.union(*(_amount_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_amount_keys(v) for v in value))
    return set()


async def test_every_event_with_an_amount_names_the_currency_and_no_other_event_does(monkeypatch):
    payloads: list[dict] = []
    real = ChaincodeStub.set_event

    def recorded(stub, name, payload):
        payloads.append(json.loads(payload))
        return real(stub, name, payload)

    monkeypatch.setattr(ChaincodeStub, "set_event", recorded)
    await test_every_submit_transaction_emits_exactly_one_event_naming_the_receivable(monkeypatch)

    assert {p["event"] for p in payloads if _amount_keys(p)} == WITH_AMOUNTS
    without_currency = [(p["event"], sorted(_amount_keys(p))) for p in payloads
                        if _amount_keys(p) and p.get("currency") != "CNY"]   # every claim of the lifecycle is in CNY
    assert without_currency == []
    assert [p["event"] for p in payloads if not _amount_keys(p) and "currency" in p] == []


async def test_the_currency_an_event_names_is_the_claims():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    seen = []

    async def change(actor, fn: str, *args: Any) -> dict:
        result = await net.call(actor, fn, *args)
        assert result.status == 200, f"{fn}: {result.message}"
        seen.append((result.event[0], json.loads(result.event[1])["currency"]))
        return json.loads(result.payload)

    rid = (await change(tier1, "RegisterReceivable", net.registration(tier1, core, 50_000, due_in=30,
                                                                       currency="USD")))["id"]
    await change(core, "ConfirmReceivable", rid)
    await change(tier1, "TransferReceivable", rid, tier2.uscc, "20000")
    await change(tier2, "TransferReceivable", f"{rid}.1", tier1.uscc, "20000")
    await change(tier1, "RequestFinancing", f"{rid}.2")
    await change(core, "RecordPayment", f"{rid}.1", "5000")
    net.advance(days=31)
    await change(tier1, "RecordOverdue", f"{rid}.1")
    assert seen == [("ReceivableRegistered", "USD"), ("ReceivableConfirmed", "USD"), ("ReceivableSplit", "USD"),
                    ("ReceivableTransferred", "USD"), ("FinancingRequested", "USD"), ("PaymentRecorded", "USD"),
                    ("ReceivableOverdue", "USD")]
