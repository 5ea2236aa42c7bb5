"""A financing's record is its parties' from acceptance on: its key carries the holder's and the bank's orgs.

Without it the record of a deal (disbursed, demanded, repaid, cancelled, recoursed) fell under the chaincode's
"any two orgs" alone: the debtor's and the regulator's orgs, running altered chaincode on their peers, could
together forge or erase a recourse demand, a change that touches no claim.
"""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, SUPPLIER, Net, standard_net, transient_terms


def _policy_orgs(net: Net, financing_id: str) -> list[str] | None:
    policy = net.ledger.validation_parameters.get(net._key(keys.FINANCING, financing_id))
    return None if policy is None else sorted(KeyEndorsementPolicy(policy).list_orgs())


async def test_acceptance_gives_the_financing_its_parties_orgs_and_a_request_before_has_none():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    assert _policy_orgs(net, f["id"]) is None       # the holder's withdrawal or the debtor's payment ends it alone
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert _policy_orgs(net, f["id"]) == [BANK, SUPPLIER]
    # the disbursement writes the financing under that policy, with the claim's (debtor, holder, bank)
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    assert _policy_orgs(net, f["id"]) == [BANK, SUPPLIER]
    assert net.writes_not_endorsed(CORE, SUPPLIER, BANK) == []
    assert net._key(keys.FINANCING, f["id"]) in [key for key, _ in net.writes_not_endorsed(CORE, SUPPLIER)]


async def test_a_request_withdrawn_before_acceptance_needs_no_bank():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    assert _policy_orgs(net, f["id"]) is None and net.writes_not_endorsed(CORE, SUPPLIER) == []


async def test_the_policy_is_written_at_acceptance_only():
    """A policy written again fails a later change of the key in the same block: no change after acceptance
    writes it, each writes the record's value alone."""
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    key = net._key(keys.FINANCING, f["id"])
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(recourse=True))
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert [k for k, _ in net.last_writes].count(key) == 2          # the value and the policy
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms(recourse=True))
    assert [k for k, _ in net.last_writes].count(key) == 1
    net.advance(days=31)
    await net.ok(bank, "DemandRecourse", f["id"], "unpaid", transient=transient_terms(recourse=True))
    assert [k for k, _ in net.last_writes].count(key) == 1
    await net.ok(bank, "ExerciseRecourse", f["id"], "repurchased", transient=transient_terms(recourse=True))
    assert [k for k, _ in net.last_writes].count(key) == 1
    assert _policy_orgs(net, f["id"]) == [BANK, SUPPLIER]


async def test_where_one_org_holds_and_finances_the_two_org_chaincode_policy_guards_the_financing():
    """A policy of that org alone would let it change the deal's record by itself."""
    from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

    both = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, SUPPLIER: ("supplier", "financier")})
    net = await standard_net(both)
    tier1, core = net.actors["tier1"], net.actors["core"]
    group_bank = await net.party("groupbank", SUPPLIER, "financier", "Group Finance Co")
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    o = await net.ok(group_bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert _policy_orgs(net, f["id"]) is None
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]


async def test_the_policy_names_the_claims_holder_not_what_the_request_record_says():
    """A request is under the chaincode policy until acceptance, so two orgs could have rewritten its holder_msp:
    the policy is taken from the claim (its holder's org) and the accepted offer (its bank's)."""
    import json

    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    key = net._key(keys.FINANCING, f["id"])
    forged = {**json.loads(net.ledger.state[key]), "holder_msp": CORE}
    net.ledger.state[key] = json.dumps(forged).encode()
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert _policy_orgs(net, f["id"]) == [BANK, SUPPLIER]
