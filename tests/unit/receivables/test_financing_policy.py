"""A financing's record is its parties' from acceptance on: its key carries the holder's and the bank's orgs.

Without it the record of a deal (disbursed, demanded, repaid, cancelled, recoursed) fell under the chaincode's
"any two orgs" alone: the debtor's and the regulator's orgs, running altered chaincode on their peers, could
together forge or erase a recourse demand, a change that touches no claim.
"""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, REGULATOR, SUPPLIER, Net, standard_net, transient_terms


async def test_acceptance_gives_the_financing_its_parties_orgs_and_a_request_before_its_claims_orgs():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f, o = await net.offered(tier1, r["id"], bank)
    # the claim's own orgs: the holder's withdrawal or the debtor's payment ends it without any bank, and no two
    # other orgs can seal it against the acceptance
    assert net.financing_policy_orgs(f["id"]) == [CORE, SUPPLIER]
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert net.financing_policy_orgs(f["id"]) == [BANK, SUPPLIER]
    # the disbursement writes the financing under that policy, with the claim's (debtor, holder, bank)
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    assert net.financing_policy_orgs(f["id"]) == [BANK, SUPPLIER]
    assert net.writes_not_endorsed(CORE, SUPPLIER, BANK) == []
    assert net._key(keys.FINANCING, f["id"]) in [key for key, _ in net.writes_not_endorsed(CORE, SUPPLIER)]


async def test_a_request_withdrawn_before_acceptance_needs_no_bank():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    assert net._key(keys.FINANCING, f["id"]) in [key for key, _ in net.last_writes]
    assert net.financing_policy_orgs(f["id"]) == [CORE, SUPPLIER] and net.writes_not_endorsed(CORE, SUPPLIER) == []


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
    assert net.financing_policy_orgs(f["id"]) == [BANK, SUPPLIER]


async def test_where_one_org_holds_and_finances_the_financing_names_that_org_and_the_regulators():
    """A policy of that org alone would let it change the deal's record by itself, and none at all any two other
    orgs: the regulator's org is named with it, as for a claim of one org's parties."""
    from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

    both = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, SUPPLIER: ("supplier", "financier")})
    net = await standard_net(both)
    tier1, core = net.actors["tier1"], net.actors["core"]
    group_bank = await net.party("groupbank", SUPPLIER, "financier", "Group Finance Co")
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f, o = await net.offered(tier1, r["id"], group_bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert net.financing_policy_orgs(f["id"]) == [REGULATOR, SUPPLIER]
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]


async def test_a_request_naming_another_holder_than_its_claim_is_not_accepted_and_keeps_its_claims_orgs():
    """A request is under its claim's orgs until acceptance (one an earlier version made, the chaincode policy), so
    those two orgs (any two) could have rewritten its holder_msp: acceptance refuses it while the holder can still
    withdraw it, and no policy is written for the org it names."""
    import json

    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f, o = await net.offered(tier1, r["id"], bank)
    key = net._key(keys.FINANCING, f["id"])
    forged = {**json.loads(net.ledger.state[key]), "holder_msp": CORE}
    net.ledger.state[key] = json.dumps(forged).encode()
    refused = await net.call(tier1, "AcceptFinancingOffer", o["id"])
    assert refused.status != 200 and "invalid-state" in refused.message
    assert net.financing_policy_orgs(f["id"]) == [CORE, SUPPLIER]


# ---------------------------------------------------------------- financings an earlier version accepted

async def _accepted(net: Net, bank_actor="bank") -> dict:
    tier1, core = net.actors["tier1"], net.actors["core"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f, o = await net.offered(tier1, r["id"], net.actors[bank_actor])
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    return f


def _as_an_earlier_version_left_it(net: Net, financing_id: str) -> None:
    """Drop the financing's key-level policy: no contract before this one wrote any."""
    del net.ledger.validation_parameters[net._key(keys.FINANCING, financing_id)]


async def test_the_upgrade_gives_financings_an_earlier_version_accepted_their_parties_orgs_once():
    import json

    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    live = await _accepted(net)
    ended = await _accepted(net)
    await net.ok(bank, "CancelFinancing", ended["id"], "terms out of date")
    current = await _accepted(net)                       # accepted by this version: it has its policy
    r = await net.confirmed(tier1, net.actors["core"], 1000_00, due_in=30)
    requested = await net.ok(tier1, "RequestFinancing", r["id"])   # no bank: its claim's orgs
    for f in (live, ended):
        _as_an_earlier_version_left_it(net, f["id"])
    # two other orgs rewrote the live financing's record while it had no policy: the claim still names its parties
    key = net._key(keys.FINANCING, live["id"])
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "financier_msp": REGULATOR}).encode()
    state, policies = dict(net.ledger.state), dict(net.ledger.validation_parameters)

    pages = await net.upgrade_pages("2")
    assert sum(page["financing_policies"] for page in pages) == 2
    assert net.financing_policy_orgs(live["id"]) == net.financing_policy_orgs(ended["id"]) == [BANK, SUPPLIER]
    assert net.financing_policy_orgs(requested["id"]) == [CORE, SUPPLIER]
    changed = {k for k, v in net.ledger.validation_parameters.items() if v != policies.get(k)}
    assert changed == {net._key(keys.FINANCING, live["id"]), net._key(keys.FINANCING, ended["id"])}
    assert net.ledger.state == state and net.financing_policy_orgs(current["id"]) == [BANK, SUPPLIER]
    # written under the chaincode policy (the keys had none), so any two orgs endorse the page
    assert net.writes_not_endorsed(CORE, REGULATOR) == []

    again = await net.upgrade_pages("2")
    assert sum(page["financing_policies"] for page in again) == 0
    assert net.ledger.validation_parameters == {**policies, **{k: net.ledger.validation_parameters[k]
                                                              for k in changed}}


async def test_the_upgrade_leaves_a_financing_key_with_another_policy_and_gives_one_org_holding_and_financing_the_regulators():
    from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

    both = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, SUPPLIER: ("supplier", "financier")})
    net = await standard_net(both)
    await net.party("groupbank", SUPPLIER, "financier", "Group Finance Co")
    in_group = await _accepted(net, "groupbank")
    _as_an_earlier_version_left_it(net, in_group["id"])
    foreign_held = await _accepted(net)
    _as_an_earlier_version_left_it(net, foreign_held["id"])
    foreign = KeyEndorsementPolicy()
    foreign.add_orgs("MEMBER", CORE, REGULATOR)
    net.ledger.validation_parameters[net._key(keys.FINANCING, foreign_held["id"])] = foreign.policy()

    pages = await net.upgrade_pages("2")
    assert sum(page["financing_policies"] for page in pages) == 1
    assert net.financing_policy_orgs(in_group["id"]) == [REGULATOR, SUPPLIER]     # never that org's alone
    assert net.financing_policy_orgs(foreign_held["id"]) == [CORE, REGULATOR]


async def test_the_upgrade_gives_an_open_request_an_earlier_version_made_its_claims_orgs_so_no_two_others_can_seal_it():
    """A request an earlier version made has no key-level policy: after the upgrade, any two orgs could still seal it
    with one of their own and fail its acceptance (ENDORSEMENT_POLICY_FAILURE). The upgrade gives an open request its
    claim names the policy RequestFinancing gives one now, the claim's own orgs', as it gives an accepted financing its
    parties': its acceptance, the holder's withdrawal and the debtor's payment write the claim's key, which those orgs
    guard already, so no step asks a new endorser. One its claim no longer names, and one sealed since, are left."""
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    open_request, o = await net.offered(tier1, (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"])
    withdrawn = await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"])
    await net.ok(tier1, "WithdrawFinancing", withdrawn["id"])
    sealed = await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"])
    for f in (open_request, withdrawn, sealed):
        _as_an_earlier_version_left_it(net, f["id"])
    foreign = KeyEndorsementPolicy()
    foreign.add_orgs("PEER", BANK, REGULATOR)
    net.ledger.validation_parameters[net._key(keys.FINANCING, sealed["id"])] = foreign.policy()

    pages = await net.upgrade_pages("2")
    assert sum(page["financing_policies"] for page in pages) == 1
    assert net.financing_policy_orgs(open_request["id"]) == [CORE, SUPPLIER]
    assert net.financing_policy_orgs(withdrawn["id"]) is None
    assert net.financing_policy_orgs(sealed["id"]) == [BANK, REGULATOR]
    assert net.writes_not_endorsed(CORE, REGULATOR) == []     # written under the chaincode policy
    accepted = await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    assert accepted["status"] == "ACCEPTED"
