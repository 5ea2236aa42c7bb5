"""ResealReceivable rewrites a claim's key in the form earlier contract versions wrote (MSP role MEMBER, which
a client certificate of each org it names meets, so users of those orgs could sign a change of the claim with
no peer running the contract) to this version's (PEER): the same orgs where it names every org due, so a party
of the claim closes that on its own claim before UpgradeLedger's pages reach it. Fabric validates the rewrite
against the earlier form, which the peers of the orgs it names meet. A key in this version's form naming every
org due is still refused ``nothing-to-reseal``."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.store_base import earlier_org_policy, org_policy

from .support import BANK, CORE, REGULATOR, SUPPLIER, _clients_satisfy, standard_net
from .test_claim_policy_never_one_org import (left_one_orgs_by_an_earlier_version, one_org_net,
                                             without_a_regulator_org)
from .test_reseal_receivable import reseal_events


async def test_a_key_naming_every_org_due_in_the_earlier_form_is_rewritten_to_the_same_orgs_peers():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors["core"])
    key = net._key(keys.RECEIVABLE, r["id"])
    net.ledger.validation_parameters[key] = earlier_org_policy([CORE, SUPPLIER])
    # a user of each org, signing a change it built itself as its endorsement, meets it
    assert _clients_satisfy(net.ledger.validation_parameters[key], (CORE, SUPPLIER))
    value, history = net.ledger.state[key], list(net.ledger.history[key])
    resealed = await net.ok(tier1, "ResealReceivable", r["id"])
    tx_id = reseal_events(net)[-1]["tx_id"]
    assert resealed == {"receivable_id": r["id"], "orgs_before": [CORE, SUPPLIER],
                        "orgs_after": [CORE, SUPPLIER], "member_form_resealed": True, "entries_resealed": 0,
                        "tx_id": tx_id}
    assert reseal_events(net)[-1] == {"event": "ReceivableResealed", "receivable_id": r["id"], "tx_id": tx_id,
                                      "by": tier1.uscc, "orgs_before": [CORE, SUPPLIER],
                                      "orgs_after": [CORE, SUPPLIER], "member_form_resealed": True,
                                      "entries_resealed": 0}
    assert net.ledger.validation_parameters[key] == org_policy([CORE, SUPPLIER])
    assert not _clients_satisfy(net.ledger.validation_parameters[key], (CORE, SUPPLIER))
    # validated against the earlier form: the peers of the orgs it names, which the SDK asks, meet it
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    # only the policy: the claim's value and its history are as they were
    assert net.ledger.state[key] == value and net.ledger.history[key] == history
    # in this version's form now: nothing left to reseal
    message = await net.refused(net.actors["core"], "ResealReceivable", r["id"], rule="nothing-to-reseal")
    assert "not in the form earlier contract versions wrote" in message


async def test_a_financed_claims_exposure_entry_in_the_earlier_form_is_rewritten_with_its_key():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    await net.financed(tier1, r["id"])
    key = net._key(keys.RECEIVABLE, r["id"])
    entry = net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])
    for each in (key, entry):
        net.ledger.validation_parameters[each] = earlier_org_policy([BANK, CORE, SUPPLIER])
    resealed = await net.ok(bank, "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"], resealed["member_form_resealed"]) == (
        [BANK, CORE, SUPPLIER], [BANK, CORE, SUPPLIER], True)
    for each in (key, entry):
        assert net.ledger.validation_parameters[each] == org_policy([BANK, CORE, SUPPLIER]), each
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []


async def test_an_earlier_form_naming_an_org_beyond_those_due_keeps_it_and_only_its_role_changes():
    """As a key in this version's form naming more orgs than due is left as it is (the regulator's org an
    earlier version's unfreeze left on it)."""
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    key = net._key(keys.RECEIVABLE, r["id"])
    net.ledger.validation_parameters[key] = earlier_org_policy([CORE, REGULATOR, SUPPLIER])
    resealed = await net.ok(net.actors["regulator"], "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"]) == ([CORE, REGULATOR, SUPPLIER],) * 2
    assert net.ledger.validation_parameters[key] == org_policy([CORE, REGULATOR, SUPPLIER])
    assert net.writes_not_endorsed(CORE, REGULATOR, SUPPLIER) == []
    await net.refused(net.actors["tier1"], "ResealReceivable", r["id"], rule="nothing-to-reseal")


async def test_a_short_key_in_the_earlier_form_gets_the_orgs_due_and_says_its_form_was_rewritten():
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "court order 1")
    key = net._key(keys.RECEIVABLE, r["id"])
    net.ledger.validation_parameters[key] = earlier_org_policy([CORE, SUPPLIER])   # a freeze before b8aeb33
    resealed = await net.ok(net.actors["tier1"], "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"], resealed["member_form_resealed"]) == (
        [CORE, SUPPLIER], [CORE, REGULATOR, SUPPLIER], True)
    assert net.ledger.validation_parameters[key] == org_policy([CORE, REGULATOR, SUPPLIER])


async def test_a_short_key_in_this_versions_form_is_resealed_with_no_earlier_form_to_report():
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "court order 1")
    key = net._key(keys.RECEIVABLE, r["id"])
    net.ledger.validation_parameters[key] = org_policy([CORE, SUPPLIER])
    resealed = await net.ok(net.actors["regulator"], "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"], resealed["member_form_resealed"]) == (
        [CORE, SUPPLIER], [CORE, REGULATOR, SUPPLIER], False)
    assert reseal_events(net)[-1]["member_form_resealed"] is False


async def test_without_a_second_org_due_an_earlier_form_naming_one_org_is_rewritten_to_that_orgs_peers():
    """No one-org policy is written where there was none (``claim-needs-two-orgs``), but the one an earlier
    version wrote is narrowed to that org's peers, as UpgradeLedger's page would: any certificate of that org,
    a user of one of its parties, could otherwise rewrite the claim alone."""
    net = await one_org_net(without_a_regulator_org())
    r = await left_one_orgs_by_an_earlier_version(net)
    key = net._key(keys.RECEIVABLE, r["id"])
    assert _clients_satisfy(net.ledger.validation_parameters[key], (CORE,))
    resealed = await net.ok(net.actors["core_sup"], "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"], resealed["member_form_resealed"]) == (
        [CORE], [CORE], True)
    assert net.ledger.validation_parameters[key] == org_policy([CORE])
    assert not _clients_satisfy(net.ledger.validation_parameters[key], (CORE,))
    assert net.writes_not_endorsed(CORE) == []
    await net.refused(net.actors["core_sup"], "ResealReceivable", r["id"], rule="nothing-to-reseal")
