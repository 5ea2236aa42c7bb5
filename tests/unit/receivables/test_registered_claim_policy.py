"""A claim's key requires its debtor's org and its holder's org from registration on, not only from confirmation.

The MemoryLedger checks no endorsement policy: ``Net.writes_not_endorsed`` says which keys of the last committed
transaction Fabric's validator would refuse to take from a given set of endorsing orgs, from the key-level
policies in force before it (docs/receivables.md, "Key-level policies").
"""

from __future__ import annotations

import pytest
from fabric_protos.peer.chaincode_shim_pb2 import WriteRecord

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, REGULATOR, SUPPLIER, Net, standard_net

DEBTOR_AND_HOLDER = [CORE, SUPPLIER]


def claim_key(net: Net, receivable_id: str) -> str:
    return net._key(keys.RECEIVABLE, receivable_id)


def policy_orgs(net: Net, receivable_id: str) -> list[str] | None:
    raw = net.ledger.validation_parameters.get(claim_key(net, receivable_id))
    return None if raw is None else sorted(KeyEndorsementPolicy(raw).list_orgs())


def as_an_earlier_version_left_it(net: Net, receivable_id: str) -> None:
    """Drop the claim's key-level policy: a contract before this one set none before confirmation."""
    del net.ledger.validation_parameters[claim_key(net, receivable_id)]


async def test_the_registration_writes_the_debtors_and_the_holders_orgs_and_is_itself_checked_by_the_chaincode_policy():
    net = await standard_net()
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000)
    assert policy_orgs(net, r["id"]) == DEBTOR_AND_HOLDER
    # a new key has no policy before the transaction: any two orgs (the chaincode-level policy) take it
    assert claim_key(net, r["id"]) in [key for key, _ in net.last_writes]
    assert net.writes_not_endorsed(BANK, REGULATOR) == []


# every change the contract makes to a REGISTERED claim, by who makes it
CHANGES = [
    ("core", "ConfirmReceivable", ()),
    ("core", "RejectReceivable", ("not owed",)),
    ("tier1", "WithdrawReceivable", ("registered in error",)),
    ("regulator", "FreezeReceivable", ("ORDER-1",)),
]


@pytest.mark.parametrize("who, transaction, extra", CHANGES, ids=[c[1] for c in CHANGES])
async def test_a_change_to_a_registered_claim_needs_both_the_debtors_and_the_holders_org(who, transaction, extra):
    net = await standard_net()
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000)
    await net.ok(net.actors[who], transaction, r["id"], *extra)
    # a rejection or a withdrawal releases the invoice's fingerprint entry too, which carries the same orgs
    refused = [(key, DEBTOR_AND_HOLDER) for key in dict.fromkeys(key for key, _ in net.last_writes)
               if key == claim_key(net, r["id"]) or key.startswith(net._key(keys.FINGERPRINT))]
    assert len(refused) == (2 if transaction in ("RejectReceivable", "WithdrawReceivable") else 1)
    assert net.writes_not_endorsed(CORE, BANK) == refused                # without the holder's (creditor's) org
    assert net.writes_not_endorsed(SUPPLIER, REGULATOR) == refused       # without the debtor's org
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []


async def test_unfreezing_a_registered_claim_needs_both_orgs_too_and_the_regulators():
    net = await standard_net()
    reg = net.actors["regulator"]
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000)
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-1")
    await net.ok(reg, "UnfreezeReceivable", r["id"], "ORDER-2")
    frozen_policy = [(claim_key(net, r["id"]), [CORE, REGULATOR, SUPPLIER])]
    assert net.writes_not_endorsed(REGULATOR, BANK) == frozen_policy
    assert net.writes_not_endorsed(CORE, SUPPLIER) == frozen_policy    # the orgs a freeze binds cannot lift it
    assert net.writes_not_endorsed(CORE, SUPPLIER, REGULATOR) == []
    assert policy_orgs(net, r["id"]) == DEBTOR_AND_HOLDER


async def test_a_rejected_claim_keeps_the_policy_it_had():
    net = await standard_net()
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000)
    before = net.ledger.validation_parameters[claim_key(net, r["id"])]
    await net.ok(net.actors["core"], "RejectReceivable", r["id"], "not owed")
    assert net.ledger.validation_parameters[claim_key(net, r["id"])] == before
    assert policy_orgs(net, r["id"]) == DEBTOR_AND_HOLDER


async def test_a_withdrawn_claim_keeps_the_policy_it_had_and_the_upgrade_gives_one_an_earlier_version_left_none():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    kept, legacy = [(await net.registered(tier1, core, 1000))["id"] for _ in range(2)]
    before = net.ledger.validation_parameters[claim_key(net, kept)]
    await net.ok(tier1, "WithdrawReceivable", kept, "registered in error")
    assert net.ledger.validation_parameters[claim_key(net, kept)] == before
    # registered by an earlier version, without a policy, and withdrawn by this one: the withdrawal writes none
    # (it changes no org), so two orgs could revive the claim on invoices it released, until the upgrade
    as_an_earlier_version_left_it(net, legacy)
    await net.ok(tier1, "WithdrawReceivable", legacy, "registered in error")
    assert policy_orgs(net, legacy) is None
    pages = await net.upgrade_pages("10")
    assert sum(page["claim_policies"] for page in pages) == 1
    assert policy_orgs(net, legacy) == DEBTOR_AND_HOLDER


async def test_a_claim_an_earlier_version_left_without_a_policy_gets_it_at_its_confirmation():
    net = await standard_net()
    core = net.actors["core"]
    r = await net.registered(net.actors["tier1"], core, 1000)
    as_an_earlier_version_left_it(net, r["id"])
    # a rejection would keep the policy it had: none, until UpgradeLedger or its confirmation
    await net.ok(core, "ConfirmReceivable", r["id"])
    assert net.writes_not_endorsed(BANK, REGULATOR) == []    # the confirmation itself: the chaincode-level policy
    assert policy_orgs(net, r["id"]) == DEBTOR_AND_HOLDER    # every later change: the debtor's and the holder's


async def test_writing_a_registered_claim_again_writes_a_policy_only_as_its_orgs_change_and_at_its_confirmation():
    net = await standard_net()
    core, reg = net.actors["core"], net.actors["regulator"]
    r = await net.registered(net.actors["tier1"], core, 1000)
    key = claim_key(net, r["id"])
    written = []
    real = net.ledger._apply_public

    def recording(tx_id, timestamp, write):
        if write.key == key and write.kind == WriteRecord.PUT_STATE_METADATA:
            written.append(tx_id)
        return real(tx_id, timestamp, write)

    net.ledger._apply_public = recording
    frozen = await net.call(reg, "FreezeReceivable", r["id"], "ORDER-1")
    unfrozen = await net.call(reg, "UnfreezeReceivable", r["id"], "ORDER-2")
    confirmed = await net.call(core, "ConfirmReceivable", r["id"])
    assert {frozen.status, unfrozen.status, confirmed.status} == {200}
    # a policy write fails a later transaction of its block on the key as a policy failure, not a read conflict:
    # only the changes of its orgs write one (the regulator's, while frozen), and the confirmation
    assert written == [frozen.tx_id, unfrozen.tx_id, confirmed.tx_id]


async def test_the_upgrade_gives_registered_and_rejected_claims_of_earlier_versions_their_policy_once():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    registered = (await net.registered(tier1, core, 1000))["id"]
    rejected = (await net.registered(tier1, core, 1000))["id"]
    await net.ok(core, "RejectReceivable", rejected, "not owed")
    await net.registered(tier1, core, 1000)          # registered by this version: it has its policy
    await net.confirmed(tier1, core, 1000)           # confirmed: so has it
    held = (await net.registered(tier1, core, 1000))["id"]
    for rid in (registered, rejected, held):
        as_an_earlier_version_left_it(net, rid)
    # a key other orgs gave a policy of their own: Fabric would take a change of it only from them
    foreign = KeyEndorsementPolicy()
    foreign.add_orgs("PEER", BANK, REGULATOR)   # as they would write it now: the MEMBER form is resealed
    net.ledger.validation_parameters[claim_key(net, held)] = foreign.policy()
    state, policies = dict(net.ledger.state), dict(net.ledger.validation_parameters)

    pages = await net.upgrade_pages("2")
    assert sum(page["claim_policies"] for page in pages) == 2
    assert policy_orgs(net, registered) == policy_orgs(net, rejected) == DEBTOR_AND_HOLDER
    assert net.ledger.validation_parameters[claim_key(net, held)] == foreign.policy()
    # only the keys that had none changed (not the claims this version registered or confirmed), no record's value
    changed = {k for k in net.ledger.validation_parameters if net.ledger.validation_parameters[k] != policies.get(k)}
    assert changed == {claim_key(net, registered), claim_key(net, rejected)}
    assert net.ledger.state == state

    again = await net.upgrade_pages("2")
    assert sum(page["claim_policies"] for page in again) == 0
