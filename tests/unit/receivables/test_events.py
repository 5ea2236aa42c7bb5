"""Every state change emits exactly one chaincode event naming what happened and the receivable's id.

Fabric keeps only the last event a transaction sets, so a second ``set_event`` would silently replace
the first: the stub's ``set_event`` is counted here, transaction by transaction, through a lifecycle
that runs every submit transaction of the contract. A retry answered from its request record changes
nothing and emits nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chaincode.receivables import ReceivablesContract, keys
from chaincode.shim._stub import ChaincodeStub
from cli.amounts import MONEY_FIELDS
from .support import SUPPLIER, attestation_request, credit_code, standard_net, transient_terms

SUBMITS = {name for name, (mark, _) in ReceivablesContract().transactions().items() if not mark.evaluate}


class _Events:
    """Counts ``set_event`` calls per transaction id, and checks each successful submit against them."""

    def __init__(self, monkeypatch, net) -> None:
        self.net, self.calls, self.done = net, [], set()
        set_event = ChaincodeStub.set_event

        def counted(stub, name, payload):
            self.calls.append((stub.tx_id, name))
            return set_event(stub, name, payload)

        monkeypatch.setattr(ChaincodeStub, "set_event", counted)

    async def change(self, actor, fn: str, *args: Any, event: str, receivable: str | None | Callable[[dict], str],
                     **kw: Any) -> dict:
        """Run ``fn``: it must change the ledger and set exactly one event, ``event`` about ``receivable``
        (a callable computes the id from the result, for a new claim)."""
        before, self.calls = self.net.snapshot(), []
        result = await self.net.call(actor, fn, *args, **kw)
        assert result.status == 200, f"{fn}: {result.message}"
        doc = json.loads(result.payload)
        expected_id = receivable(doc) if callable(receivable) else receivable
        assert self.calls == [(result.tx_id, event)], f"{fn} set {[name for _, name in self.calls]}"
        name, payload = result.event[0], json.loads(result.event[1])
        assert (name, payload["event"], payload["receivable_id"], payload["tx_id"]) == \
            (event, event, expected_id, result.tx_id), fn
        assert self.net.ledger.events[-1] == (result.tx_id, name, result.event[1]), f"{fn}: event not committed"
        assert self.net.snapshot() != before, f"{fn} emitted {event} but changed nothing"
        self.done.add(fn)
        return doc


async def test_every_submit_transaction_emits_exactly_one_event_naming_the_receivable(monkeypatch):
    net = await standard_net()
    ev = _Events(monkeypatch, net)
    core, tier1, tier2, bank, bank2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "bank2", "regulator"))
    admin = net.admins[SUPPLIER]

    await ev.change(admin, "RegisterParty", {"uscc": credit_code(900), "name": "Tier-3", "role": "supplier",
                                             "msp_id": SUPPLIER, "client_ids": ["x509::CN=t3::CN=ca"]},
                    event="PartyRegistered", receivable=None)
    await ev.change(admin, "BindPartyIdentity", credit_code(900), "x509::CN=t3b::CN=ca",
                    event="PartyIdentityBound", receivable=None)
    await ev.change(admin, "UnbindPartyIdentity", credit_code(900), "x509::CN=t3::CN=ca",
                    event="PartyIdentityUnbound", receivable=None)
    await ev.change(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, "26442000000000000001"),
                    event="InvoiceVerificationAttested", receivable=None)

    rejected = await ev.change(tier1, "RegisterReceivable", net.registration(tier1, core, 1000),
                               event="ReceivableRegistered", receivable=lambda doc: doc["id"])
    await ev.change(core, "RejectReceivable", rejected["id"], "not owed", event="ReceivableRejected",
                    receivable=rejected["id"])
    r = await ev.change(tier1, "RegisterReceivable", net.registration(tier1, core, 10_000, due_in=60), "req-1",
                        event="ReceivableRegistered", receivable=lambda doc: doc["id"])
    rid = r["id"]
    await ev.change(core, "ConfirmReceivable", rid, event="ReceivableConfirmed", receivable=rid)
    split = ("TransferReceivable", rid, tier2.uscc, "4000", "req-2")
    await ev.change(tier1, *split, event="ReceivableSplit", receivable=rid)
    sold, kept = f"{rid}.1", f"{rid}.2"
    await ev.change(tier2, "TransferReceivable", sold, tier1.uscc, "4000", event="ReceivableTransferred", receivable=sold)

    # a retry of the split, answered from its request record: nothing written, no event
    before, ev.calls = net.snapshot(), []
    assert (await net.call(tier1, *split)).status == 200
    assert ev.calls == [] and net.snapshot() == before

    # financing of the part kept: a withdrawn request, then offers, acceptance, disbursement, notice, repayment
    f = await ev.change(tier1, "RequestFinancing", kept, event="FinancingRequested", receivable=kept)
    await ev.change(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), event="FinancingOffered",
                    receivable=kept)
    await ev.change(tier1, "WithdrawFinancing", f["id"], event="FinancingWithdrawn", receivable=kept)
    f = await ev.change(tier1, "RequestFinancing", kept, event="FinancingRequested", receivable=kept)
    o = await ev.change(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), event="FinancingOffered",
                        receivable=kept)
    await ev.change(bank2, "MakeFinancingOffer", f["id"], transient=transient_terms(salt="t" * 16),
                    event="FinancingOffered", receivable=kept)
    await ev.change(tier1, "AcceptFinancingOffer", o["id"], event="FinancingOfferAccepted", receivable=kept)
    f = await ev.change(bank, "RecordDisbursement", f["id"], transient=transient_terms(), event="FinancingDisbursed",
                        receivable=kept)
    await ev.change(core, "AcknowledgeAssignment", f["notice_id"], event="AssignmentNoticeAcknowledged", receivable=kept)

    # a ledger written before the by-financier index: the upgrade writes the entry, with one event
    del net.ledger.state[net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, kept)]
    await ev.change(net.admins["RegulatorMSP"], "UpgradeLedger", "100", "", event="LedgerUpgraded", receivable=None)

    # an accepted financing the bank does not disburse, ended by the holder
    stuck = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    stuck_f = await net.ok(tier1, "RequestFinancing", stuck)
    stuck_o = await net.ok(bank2, "MakeFinancingOffer", stuck_f["id"], transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", stuck_o["id"])
    await ev.change(tier1, "CancelFinancing", stuck_f["id"], "not disbursed", event="FinancingCancelled",
                    receivable=stuck)

    # the part sold: discounted early; a second claim frozen, unfrozen, part paid, then overdue
    d = await ev.change(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)}, "req-3",
                        event="DiscountOfferPublished", receivable=None)
    await ev.change(tier1, "AcceptDiscountOffer", d["id"], sold, event="DiscountOfferAccepted", receivable=sold)
    await ev.change(core, "WithdrawDiscountOffer", d["id"], event="DiscountOfferWithdrawn", receivable=None)
    other = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    await ev.change(reg, "FreezeReceivable", other, "order-1", event="ReceivableFrozen", receivable=other)
    await ev.change(reg, "UnfreezeReceivable", other, "lift-1", event="ReceivableUnfrozen", receivable=other)
    await ev.change(core, "RecordPayment", other, "100", "req-4", event="PaymentRecorded", receivable=other)
    net.advance(days=31)
    await ev.change(tier1, "RecordOverdue", other, event="ReceivableOverdue", receivable=other)
    net.advance(days=30)
    await ev.change(bank, "RecordRepayment", f["id"], event="FinancingRepaid", receivable=kept)

    assert ev.done == SUBMITS, f"not exercised: {sorted(SUBMITS - ev.done)}"


# the events whose payloads carry an amount, as the lifecycle above emits them
WITH_AMOUNTS = {"ReceivableRegistered", "ReceivableConfirmed", "ReceivableTransferred", "ReceivableSplit",
                "FinancingRequested", "DiscountOfferAccepted", "PaymentRecorded", "ReceivableOverdue"}


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
