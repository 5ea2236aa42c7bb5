"""What a freeze binds by its key-level policy, not only by the contract's rules: the orgs a freeze binds, running
altered chaincode that ignores it, move nothing of the claim without the regulator's org.

The freeze adds the regulator's org to the claim's key alone (``policy.endorsing_orgs``): a financing's record and
an assignment notice keep their own policies, and an offer has none. Every step that moves value writes the claim's
key, so it needs the regulator's peer while the claim is frozen; the steps that write one of those other records
and not the claim, which the contract refuses on a frozen claim, are refused by its rules alone, and
docs/receivables.md ("What the contract does not guarantee") names them. Here the parties' peers run the contract
with its freeze check taken out, and ``Net.writes_not_endorsed`` says which of their writes Fabric's validator
would take from the parties' orgs without the regulator's.
"""

from __future__ import annotations

from pathlib import Path

from chaincode.receivables import lifecycle
from .support import BANK, CORE, SUPPLIER, standard_net, transient_terms

DOCS = Path(__file__).resolve().parents[3] / "docs" / "receivables.md"
RECOURSE = transient_terms(recourse=True)


def _freeze_paragraph() -> str:
    text = " ".join(DOCS.read_text(encoding="utf-8").split())
    start = text.index("**Freezes need the endorsement of the orgs they bind.**")
    return text[start:text.index("**Payments without payee acknowledgement.**", start)]


async def _frozen(net, stage: str) -> dict:
    """A new claim of tier1's on core at ``stage`` (registered, confirmed, requested with an open offer of the
    bank's, accepted, disbursed on terms with recourse), due in 30 days, frozen; the ids a step names."""
    a = net.actors
    core, tier1, reg = a["core"], a["tier1"], a["regulator"]
    made: dict = {}
    if stage == "registered":
        made["claim"] = (await net.registered(tier1, core, 1000, due_in=30))["id"]
    else:
        made["claim"] = (await net.confirmed(tier1, core, 1000, due_in=30))["id"]
    if stage == "requested":
        request, offer = await net.offered(tier1, made["claim"])
        made["financing"], made["offer"] = request["id"], offer["id"]
    if stage in ("accepted", "disbursed"):
        f = await net.financed(tier1, made["claim"], terms=RECOURSE, disburse=stage == "disbursed")
        made["financing"], made["notice"] = f["id"], f.get("notice_id")
    await net.ok(reg, "FreezeReceivable", made["claim"], f"order-{made['claim']}")
    return made


async def test_a_frozen_claim_moves_only_with_the_regulators_org_whatever_chaincode_its_parties_run(monkeypatch):
    net = await standard_net()
    a = net.actors
    core, tier1, tier2, bank, bank2 = (a[k] for k in ("core", "tier1", "tier2", "bank", "bank2"))
    discount = (await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(40)}))["id"]
    steps = [   # (stage, actor, transaction, its arguments from the ids, transient); each on a claim of its own
        ("registered", core, "ConfirmReceivable", lambda m: [m["claim"]], None),
        ("registered", core, "RejectReceivable", lambda m: [m["claim"], "not owed"], None),
        ("registered", tier1, "WithdrawReceivable", lambda m: [m["claim"], "registered in error"], None),
        ("confirmed", tier1, "TransferReceivable", lambda m: [m["claim"], tier2.uscc, "400"], None),
        ("confirmed", tier1, "TransferReceivable", lambda m: [m["claim"], tier2.uscc, "1000"], None),
        ("confirmed", tier1, "RequestFinancing", lambda m: [m["claim"]], None),
        ("confirmed", tier1, "AcceptDiscountOffer", lambda m: [discount, m["claim"]], None),
        ("confirmed", core, "RecordPayment", lambda m: [m["claim"], "100"], None),
        ("requested", bank2, "MakeFinancingOffer", lambda m: [m["financing"]], transient_terms()),
        ("requested", tier1, "AcceptFinancingOffer", lambda m: [m["offer"]], None),
        ("requested", tier1, "WithdrawFinancing", lambda m: [m["financing"]], None),
        ("accepted", bank, "RecordDisbursement", lambda m: [m["financing"]], RECOURSE),
        ("accepted", tier1, "CancelFinancing", lambda m: [m["financing"], "not disbursed"], None),
        ("disbursed", core, "AcknowledgeAssignment", lambda m: [m["notice"]], None),
        ("disbursed", core, "RecordPayment", lambda m: [m["claim"], "100"], None),
        ("disbursed", bank, "RecordRepayment", lambda m: [m["financing"]], None),
    ]
    past_due = [   # the same, once the claim is past its due date
        ("confirmed", tier1, "RecordOverdue", lambda m: [m["claim"]], None),
        ("disbursed", bank, "DemandRecourse", lambda m: [m["financing"], "unpaid"], RECOURSE),
        ("disbursed", bank, "ExerciseRecourse", lambda m: [m["financing"], "unpaid"], RECOURSE),
    ]
    made = [await _frozen(net, stage) for stage, *_ in steps + past_due]
    # the parties' peers run the contract with its freeze check taken out
    monkeypatch.setattr(lifecycle, "ensure_not_frozen", lambda r, way_on="": None)
    without_the_regulator = []
    for n, (_, actor, fn, args, transient) in enumerate(steps + past_due):
        if n == len(steps):
            net.advance(days=31)
        await net.ok(actor, fn, *args(made[n]), transient=transient)
        if not net.writes_not_endorsed(*(CORE, SUPPLIER, BANK)):
            without_the_regulator.append(fn)
    # a recourse demand and an acknowledgement write the financing's record or the notice alone, and an offer
    # its own records: none moves anything of the claim, each step that does needs the regulator's peer
    assert sorted(without_the_regulator) == ["AcknowledgeAssignment", "DemandRecourse", "MakeFinancingOffer"]
    paragraph = _freeze_paragraph()
    assert all(f"(`{fn}`)" in paragraph for fn in without_the_regulator), paragraph
