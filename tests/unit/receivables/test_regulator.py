"""The regulator: a freeze stops every change to a claim at every stage, freezing changes nothing but the
freeze order, and the regulator reads everything without its reads changing anything."""

from __future__ import annotations

import json

from chaincode.receivables import ReceivablesContract, keys
from .support import BANK, CORE, REGULATOR, SUPPLIER, attestation_request, standard_net, transient_terms

CONTRACT = ReceivablesContract()
SUBMITS = {name for name, (mark, _) in CONTRACT.transactions().items() if not mark.evaluate}
QUERIES = {name for name, (mark, _) in CONTRACT.transactions().items() if mark.evaluate}
# submit transactions that change no existing claim, so a freeze has nothing to stop (withdrawing a discount
# offer changes the debtor's offer, not the claims it lists; the ledger upgrade writes index entries and policies)
NOT_ON_A_CLAIM = {"RegisterParty", "RenameParty", "BindPartyIdentity", "UnbindPartyIdentity", "RegisterReceivable",
                  "PublishDiscountOffer", "WithdrawDiscountOffer", "AttestInvoiceVerification", "FreezeReceivable",
                  "UnfreezeReceivable", "UpgradeLedger",
                  # writes the claim key's policy alone, no value: a frozen claim's reseal restores the regulator's org
                  "ResealReceivable"}


def _changes(net) -> int:
    """How many key modifications the ledger's history holds."""
    return sum(len(mods) for mods in net.ledger.history.values())


async def _financing(net, stage: str) -> tuple[dict, dict, dict]:
    """A confirmed claim whose financing reached ``stage`` (requested, accepted, disbursed): claim, financing, offer."""
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000, due_in=30)
    f, o = await net.offered(a["tier1"], r["id"], a["bank"])
    if stage in ("accepted", "disbursed"):
        await net.ok(a["tier1"], "AcceptFinancingOffer", o["id"])
    if stage == "disbursed":
        f = await net.ok(a["bank"], "RecordDisbursement", f["id"], transient=transient_terms())
    return r, f, o


async def test_a_frozen_claim_accepts_no_change_at_any_stage_but_unfreeze():
    net = await standard_net()
    core, tier1, tier2, bank, bank2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "bank2", "regulator"))
    registered = (await net.registered(tier1, core, 1000, due_in=30))["id"]
    confirmed = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    discount = (await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(40)}))["id"]
    requested, f_requested, o_requested = await _financing(net, "requested")
    accepted, f_accepted, _ = await _financing(net, "accepted")
    disbursed, f_disbursed, _ = await _financing(net, "disbursed")
    with_recourse = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    f_with_recourse = await net.financed(tier1, with_recourse, terms=transient_terms(recourse=True))
    claims = [registered, confirmed, requested["id"], accepted["id"], disbursed["id"], with_recourse]
    for rid in claims:
        await net.ok(reg, "FreezeReceivable", rid, f"order-{rid}")

    attempts = [
        (core, "ConfirmReceivable", registered), (core, "RejectReceivable", registered, "not owed"),
        (tier1, "WithdrawReceivable", registered, "registered in error"),
        (tier1, "TransferReceivable", confirmed, tier2.uscc, "100"), (tier1, "RequestFinancing", confirmed),
        (tier1, "AcceptDiscountOffer", discount, confirmed), (core, "RecordPayment", confirmed, "100"),
        (bank2, "MakeFinancingOffer", f_requested["id"]), (tier1, "AcceptFinancingOffer", o_requested["id"]),
        (tier1, "WithdrawFinancing", f_requested["id"]), (bank, "RecordDisbursement", f_accepted["id"]),
        (core, "AcknowledgeAssignment", f_disbursed["notice_id"]), (core, "RecordPayment", disbursed["id"], "100"),
        (bank, "RecordRepayment", f_disbursed["id"]), (tier1, "CancelFinancing", f_accepted["id"], "not disbursed"),
        (bank, "CancelFinancing", f_accepted["id"], "will not disburse"),
        (tier1, "LinkPaperIdentity", confirmed, net.doc(confirmed)["invoices"][0]["number"], "144031900111",
         "00012345"),
    ]
    for actor, fn, *args in attempts:
        await net.refused(actor, fn, *args, rule="receivable-frozen", transient=transient_terms())
    net.advance(days=31)
    for rid in (confirmed, disbursed["id"]):
        await net.refused(tier1, "RecordOverdue", rid, rule="receivable-frozen")
        # the freeze order is for the claim's parties: to anyone else the refusal says only that it is not one
        message = await net.refused(tier2, "RecordOverdue", rid, rule="not-a-party-to-claim")
        assert f"order-{rid}" not in message
    # past the due date, unpaid, on the accepted terms with recourse: refused by the freeze (terms not the
    # accepted ones, or without recourse, are refused by that first, as no lifting cures them)
    for fn in ("DemandRecourse", "ExerciseRecourse"):
        await net.refused(bank, fn, f_with_recourse["id"], "unpaid", rule="receivable-frozen",
                          transient=transient_terms(recourse=True))
    # the one change a freeze lets through besides its lifting: a bank takes its open offer off the claim (it moves
    # nothing of the claim, and would otherwise count against the bank's limit until the freeze is lifted)
    taken_back = await net.ok(bank, "WithdrawFinancingOffer", o_requested["id"], "terms revised")
    assert (taken_back["status"], net.doc(requested["id"])["frozen"]["order_reference"]) == \
        ("WITHDRAWN", f"order-{requested['id']}")
    tried = {fn for _, fn, *_ in attempts} | {"RecordOverdue", "DemandRecourse", "ExerciseRecourse",
                                                     "WithdrawFinancingOffer"}
    assert tried | NOT_ON_A_CLAIM == SUBMITS, f"freeze not tried on {sorted(SUBMITS - tried - NOT_ON_A_CLAIM)}"

    # only the regulator's unfreeze passes; then the changes go through again
    for rid in claims:
        # the order that froze it, again, is refused (another order would be queued behind it)
        await net.refused(reg, "FreezeReceivable", rid, f"order-{rid}", rule="already-frozen")
        await net.ok(reg, "UnfreezeReceivable", rid, f"lift-{rid}")
    await net.ok(tier1, "RecordOverdue", confirmed)
    await net.ok(core, "AcknowledgeAssignment", f_disbursed["notice_id"])
    await net.ok(bank, "RecordRepayment", f_disbursed["id"])
    await net.ok(bank, "CancelFinancing", f_accepted["id"], "will not disburse")


async def test_freezing_and_unfreezing_change_the_freeze_order_and_nothing_else():
    net = await standard_net()
    reg = net.actors["regulator"]
    r, _, _ = await _financing(net, "disbursed")
    key = net._key(keys.RECEIVABLE, r["id"])
    # and the claim's key-level policy: the regulator's org endorses every change of it while it is frozen
    # the unfreeze keeps its lifting order on the claim (last_unfreeze): a regulator reads it back there
    for fn, order, orgs, changed in (
            ("FreezeReceivable", "order-1", [BANK, CORE, REGULATOR, SUPPLIER], {"frozen", "last"}),
            ("UnfreezeReceivable", "lift-1", [BANK, CORE, SUPPLIER], {"frozen", "last_unfreeze", "last"})):
        state, private, policies = net.snapshot()
        await net.ok(reg, fn, r["id"], order)
        after, after_private, after_policies = net.snapshot()
        assert {k for k in state.keys() | after.keys() if state.get(k) != after.get(k)} == {key}, fn
        assert {k for k in policies.keys() | after_policies.keys() if policies.get(k) != after_policies.get(k)} \
            == {key}, fn
        assert after_private == private and net.claim_policy_orgs(r["id"]) == orgs, fn
        old, new = json.loads(state[key]), json.loads(after[key])
        assert {field for field in old if old[field] != new[field]} == changed, fn


async def test_the_regulator_reads_everything_and_its_reads_change_nothing():
    """Every query, by the regulator, submitted rather than evaluated: whatever a query wrote would be committed."""
    net = await standard_net()
    a = net.actors
    core, tier1, tier2, bank, reg = (a[k] for k in ("core", "tier1", "tier2", "bank", "regulator"))
    r, f, o = await _financing(net, "disbursed")
    split = await net.confirmed(tier1, core, 1000, due_in=30)
    await net.ok(tier1, "TransferReceivable", split["id"], tier2.uscc, "400", "req-1")
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    attested = attestation_request(tier1.uscc, r["invoices"][0]["number"])
    await net.ok(bank, "AttestInvoiceVerification", attested)
    fingerprint = r["invoices"][0]["fingerprint"]
    queries = {
        "GetParty": [tier1.uscc], "GetPartyHistory": [tier1.uscc], "WhoAmI": [], "GetContractSettings": [],
        "GetInvoiceAttestations": [fingerprint],
        "GetReceivable": [r["id"]], "GetReceivableEndorsers": [r["id"]], "GetReceivableHistory": [r["id"]],
        "GetProvenance": [f"{split['id']}.1"],
        "FindInvoice": [fingerprint], "ListReceivablesByHolder": [tier1.uscc, "10", ""],
        "ListReceivablesByDebtor": [core.uscc, "10", ""], "ListReceivablesByStatus": ["FINANCED", "10", ""],
        "ListReceivablesByFinancier": [bank.uscc, core.uscc, "10", ""],
        "ListOffersByFinancier": [bank.uscc, core.uscc, "10", ""],
        "GetStatistics": [], "GetDebtorPaymentRecord": [core.uscc, "10", ""],
        "GetFinancierExposure": [core.uscc, bank.uscc], "GetFinancing": [f["id"]], "GetOfferTerms": [o["id"]],
        "GetDisbursement": [f["id"]],
        "GetAssignmentNotice": [f["notice_id"]], "ListDiscountOffers": [core.uscc, "", "10", ""],
        "GetRequest": ["req-1", tier1.uscc], "GetDiscountOffer": [d["id"]],
        "FindIdentityParty": [tier1.msp, tier1.identity.id],
    }
    assert set(queries) == QUERIES, f"add {sorted(QUERIES - set(queries))} here"
    for fn, args in queries.items():
        before, history, events = net.snapshot(), _changes(net), len(net.ledger.events)
        result = await net.call(reg, fn, *args)
        assert result.status == 200, f"{fn}: {result.message}"
        assert result.event is None and len(net.ledger.events) == events, f"{fn} emitted an event"
        assert net.snapshot() == before and _changes(net) == history, f"{fn} wrote"
