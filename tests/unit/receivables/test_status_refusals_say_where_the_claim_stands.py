"""Every refusal of a step by the claim's status names that status and what, if anything, is left to do: where
it said only "only when REGISTERED" to a debtor confirming a rejected claim, which sent the caller to wait for a
status the claim never gets back. Each (step, status) the contract refuses with ``invalid-state``, driven
through the contract: a rejected or withdrawn claim is final and its invoices back a new registration, a
settled one has nothing left, an overdue one is paid, a confirmed one is the debtor's promise to pay, a split
one's parts are acted on instead, one not yet confirmed waits on its debtor."""

from __future__ import annotations

import pytest

from .support import Net, standard_net

ORDER = "(2026) Hu 0101 Bao 7"


async def _in_status(net: Net, status: str) -> dict:
    """A claim of tier1 on core, brought to ``status`` by the steps that lead there."""
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    if status in ("REGISTERED", "REJECTED", "WITHDRAWN"):
        claim = await net.registered(tier1, core, 1000_00)
        if status == "REJECTED":
            await net.ok(core, "RejectReceivable", claim["id"], "no such delivery")
        if status == "WITHDRAWN":
            await net.ok(tier1, "WithdrawReceivable", claim["id"], "registered with the wrong amount")
        return net.doc(claim["id"])
    claim = await net.confirmed(tier1, core, 1000_00, due_in=10)
    if status == "FINANCED":
        await net.financed(tier1, claim["id"])
    if status == "OVERDUE":
        net.advance(days=11)
        await net.ok(tier1, "RecordOverdue", claim["id"])
    if status == "SETTLED":
        await net.ok(core, "RecordPayment", claim["id"], str(claim["outstanding"]))
    if status == "SPLIT":
        await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000")
    return net.doc(claim["id"])


# step: (who sends it, the transaction, its arguments after the claim's id)
STEPS = {
    "confirm": ("core", "ConfirmReceivable", ()),
    "reject": ("core", "RejectReceivable", ("not owed",)),
    "withdraw": ("tier1", "WithdrawReceivable", ("registered twice",)),
    "finance": ("tier1", "RequestFinancing", ()),
    "split or transfer": ("tier1", "TransferReceivable", ("{tier2}", "100")),
    "record a payment on": ("core", "RecordPayment", ("100",)),
    "mark overdue": ("tier1", "RecordOverdue", ()),
    "freeze": ("regulator", "FreezeReceivable", (ORDER,)),
}

# status: what the refusal sends the caller to, or how it says that nothing is left
WAY_ON = {
    "REGISTERED": "its debtor {debtor} confirms it first (ConfirmReceivable)",
    "CONFIRMED": "what is left is for the debtor to pay it by its due date {due_date} (RecordPayment)",
    "FINANCED": "what is left is for the debtor to pay it by its due date {due_date} (RecordPayment)",
    "OVERDUE": "it fell due on {due_date} unpaid, in arrears since {overdue_since}, and is never CONFIRMED again: what "
               "is left is for its debtor {debtor} to pay it (RecordPayment)",
    "SETTLED": "nothing is left to pay on it, and no step acts on it again",
    "REJECTED": "which is final: no step acts on it again, and its invoices are released, so its creditor "
                "{creditor} registers a new claim on them (RegisterReceivable), with nothing to withdraw first",
    "WITHDRAWN": "which is final: no step acts on it again, and its invoices are released, free to back a new "
                 "claim (RegisterReceivable)",
    "SPLIT": "its debt is held in its parts now ({id}.1, {id}.2), each acted on in its own right, and a split "
             "claim never changes again: GetProvenance {id} shows each part's status",
}
# where a step takes a CONFIRMED claim, a split one's refusal names the caller's parts to take it on instead
SPLIT_PARTS_INSTEAD = "its debt is held in its parts now, of which {id}.2 held by {holder} is CONFIRMED: {step} it instead"

# Each step with the statuses refusing it by status (invalid-state). Left out, as refused by another rule: a
# financed claim's financing or transfer (its live financing), a split claim's payment (spread over its parts),
# overdue marking (not yet due) and freeze (each part frozen on its own).
REFUSED = {
    "confirm": ("CONFIRMED", "FINANCED", "OVERDUE", "SETTLED", "REJECTED", "WITHDRAWN", "SPLIT"),
    "reject": ("CONFIRMED", "FINANCED", "OVERDUE", "SETTLED", "REJECTED", "WITHDRAWN", "SPLIT"),
    "withdraw": ("CONFIRMED", "FINANCED", "OVERDUE", "SETTLED", "REJECTED", "WITHDRAWN", "SPLIT"),
    "finance": ("REGISTERED", "OVERDUE", "SETTLED", "REJECTED", "WITHDRAWN", "SPLIT"),
    "split or transfer": ("REGISTERED", "SETTLED", "REJECTED", "WITHDRAWN", "SPLIT", "OVERDUE"),
    "record a payment on": ("REGISTERED", "SETTLED", "REJECTED", "WITHDRAWN"),
    "mark overdue": ("REGISTERED", "OVERDUE", "SETTLED", "REJECTED", "WITHDRAWN"),
    "freeze": ("SETTLED", "REJECTED", "WITHDRAWN"),
}


def _expected_way_on(step: str, claim: dict) -> str:
    if claim["status"] == "SPLIT" and step in ("finance", "split or transfer"):
        return SPLIT_PARTS_INSTEAD.format(step=step, **claim)
    if claim["status"] == "OVERDUE" and step == "split or transfer":
        return "a claim that has fallen due is paid, no longer moved: its debtor {debtor} pays it (RecordPayment)".format(**claim)
    return WAY_ON[claim["status"]].format(**claim)


@pytest.mark.parametrize(("step", "status"), [(step, status) for step, statuses in REFUSED.items()
                                              for status in statuses])
async def test_a_refusal_by_status_names_the_status_and_what_is_left_to_do(step, status):
    net = await standard_net()
    claim = await _in_status(net, status)
    assert claim["status"] == status
    actor, fn, rest = STEPS[step]
    args = [arg.format(tier2=net.actors["tier2"].uscc) for arg in rest]
    said = await net.refused(net.actors[actor], fn, claim["id"], *args, rule="invalid-state")
    assert f"cannot {step} receivable {claim['id']} while it is {status}: " in said, said
    assert _expected_way_on(step, claim) in said, said
