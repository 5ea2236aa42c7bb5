"""ResealReceivable rewrites the key-level policy of a claim whose key names fewer orgs than due (UpgradeLedger's
``claims_to_reseal``) to the orgs due, validated against the orgs the key names, and changes nothing else."""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import BANK, CORE, REGULATOR, SUPPLIER, standard_net
from .test_claim_policy_never_one_org import (guarded_by, left_one_orgs_by_an_earlier_version, one_org_net,
                                             without_a_regulator_org)


async def frozen_short():
    """A net and a claim frozen before a freeze added the regulator's org: its key names the debtor's and the
    holder's orgs only."""
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "court order 1")
    guarded_by(net, r["id"], CORE, SUPPLIER)
    return net, r["id"]


def reseal_events(net) -> list[dict]:
    return [json.loads(payload) for _, name, payload in net.ledger.events if name == "ReceivableResealed"]


async def test_a_frozen_claim_whose_key_lacks_the_regulators_org_gets_it_back_endorsed_by_the_orgs_it_named():
    net, rid = await frozen_short()
    key = net._key(keys.RECEIVABLE, rid)
    value, history = net.ledger.state[key], list(net.ledger.history[key])
    resealed = await net.ok(net.actors["regulator"], "ResealReceivable", rid)
    assert resealed == {"receivable_id": rid, "orgs_before": [CORE, SUPPLIER], "orgs_after": [CORE, REGULATOR, SUPPLIER],
                        "member_form_resealed": True,   # guarded_by writes the earlier form, MEMBER
                        "entries_resealed": 0,          # confirmed, unfinanced: no entry it covers
                        "tx_id": reseal_events(net)[-1]["tx_id"]}   # the reseal's: the claim's last is not it
    assert net.claim_policy_orgs(rid) == [CORE, REGULATOR, SUPPLIER]
    # Fabric validates it against the policy the key had: the debtor's and the holder's orgs endorse it
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    # only the policy: the claim's value (its freeze, its last change) and its history are as they were
    assert net.ledger.state[key] == value and net.ledger.history[key] == history
    # from now on the freeze's lifting needs the regulator's org, and the upgrade lists the claim no more
    await net.ok(net.actors["regulator"], "UnfreezeReceivable", rid, "lifted")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == [(key, [CORE, REGULATOR, SUPPLIER])]
    assert [c for p in await net.upgrade_pages() for c in p["claims_to_reseal"]] == []


async def test_a_claim_of_one_orgs_parties_guarded_by_that_org_alone_gets_the_regulators_org():
    net = await one_org_net()
    core, core_sup = net.actors["core"], net.actors["core_sup"]
    r = await net.confirmed(core_sup, core, 1000_00, due_in=30)
    guarded_by(net, r["id"], CORE)   # as a contract before b8aeb33 left it
    resealed = await net.ok(core_sup, "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"]) == ([CORE], [CORE, REGULATOR])
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]
    assert net.writes_not_endorsed(CORE) == []
    # that org's peer alone can no longer rewrite it
    await net.ok(core, "RecordPayment", r["id"], "100000")
    assert net.writes_not_endorsed(CORE) == [(net._key(keys.RECEIVABLE, r["id"]), [CORE, REGULATOR])]


async def test_the_bank_of_a_financed_claim_may_reseal_it_and_the_orgs_due_name_it():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, net.actors["core"])
    await net.financed(tier1, r["id"])
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "court order 2")
    guarded_by(net, r["id"], BANK, CORE, SUPPLIER)
    resealed = await net.ok(bank, "ResealReceivable", r["id"])
    assert resealed["orgs_after"] == [BANK, CORE, REGULATOR, SUPPLIER]
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []


async def test_a_key_naming_every_org_due_is_refused_and_nothing_is_written():
    net, rid = await frozen_short()
    await net.ok(net.actors["tier1"], "ResealReceivable", rid)
    message = await net.refused(net.actors["core"], "ResealReceivable", rid, rule="nothing-to-reseal")
    assert "already names every org due" in message
    # a claim this version froze names the regulator's org already
    other = await net.confirmed(net.actors["tier1"], net.actors["core"])
    await net.ok(net.actors["regulator"], "FreezeReceivable", other["id"], "court order 3")
    await net.refused(net.actors["regulator"], "ResealReceivable", other["id"], rule="nothing-to-reseal")
    # and a key carrying more orgs than due (the regulator's after an unfreeze an earlier version wrote), once
    # the reseal has rewritten the form that version wrote to the same orgs' peers
    guarded_by(net, other["id"], CORE, REGULATOR, SUPPLIER)
    await net.ok(net.actors["regulator"], "UnfreezeReceivable", other["id"], "lifted")
    guarded_by(net, other["id"], CORE, REGULATOR, SUPPLIER)
    resealed = await net.ok(net.actors["tier1"], "ResealReceivable", other["id"])
    assert resealed["orgs_after"] == [CORE, REGULATOR, SUPPLIER] and resealed["member_form_resealed"]
    await net.refused(net.actors["tier1"], "ResealReceivable", other["id"], rule="nothing-to-reseal")


async def test_a_confirmed_claim_whose_key_has_no_policy_gets_the_orgs_due():
    """A confirmed claim under the chaincode-level policy alone (written while its orgs due were one org, so no
    write gave it a policy): resealed before UpgradeLedger or its next write seals it, it gets the orgs due, and
    the upgrade then finds nothing to write or to list."""
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, r["id"])]
    resealed = await net.ok(net.actors["tier1"], "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"]) == ([], [CORE, SUPPLIER])
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]
    await net.refused(net.actors["tier1"], "ResealReceivable", r["id"], rule="nothing-to-reseal")
    pages = await net.upgrade_pages()
    assert sum(p["claim_policies"] for p in pages) == 0 and [c for p in pages for c in p["claims_to_reseal"]] == []


async def test_the_upgrade_seals_a_confirmed_claim_whose_key_has_no_policy_and_a_reseal_then_has_nothing_to_do():
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, r["id"])]
    pages = await net.upgrade_pages()
    assert sum(p["claim_policies"] for p in pages) == 1 and [c for p in pages for c in p["claims_to_reseal"]] == []
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]
    await net.refused(net.actors["tier1"], "ResealReceivable", r["id"], rule="nothing-to-reseal")


async def test_anyone_but_its_parties_and_the_regulator_is_refused_before_anything_about_the_claim():
    net, rid = await frozen_short()
    for outsider in ("core2", "tier2", "bank2"):
        message = await net.refused(net.actors[outsider], "ResealReceivable", rid, rule="not-a-party-to-claim")
        assert "court order" not in message
    # a bank that finances none of it, after resealing too: who it is decides, not whether there is anything to do
    await net.ok(net.actors["tier1"], "ResealReceivable", rid)
    await net.refused(net.actors["bank"], "ResealReceivable", rid, rule="not-a-party-to-claim")
    await net.refused(net.actors["tier1"], "ResealReceivable", "R-0000000000000000", rule="not-found")


async def test_one_event_names_the_claim_the_caller_and_the_orgs_before_and_after():
    net, rid = await frozen_short()
    result = await net.call(net.actors["tier1"], "ResealReceivable", rid)
    assert result.status == 200, result.message
    assert json.loads(result.payload)["tx_id"] == result.tx_id
    assert reseal_events(net) == [{"event": "ReceivableResealed", "receivable_id": rid, "tx_id": result.tx_id,
                                   "by": net.actors["tier1"].uscc, "orgs_before": [CORE, SUPPLIER],
                                   "orgs_after": [CORE, REGULATOR, SUPPLIER], "member_form_resealed": True,
                                   "entries_resealed": 0}]
    await net.refused(net.actors["tier1"], "ResealReceivable", rid, rule="nothing-to-reseal")
    assert len(reseal_events(net)) == 1


async def test_a_claim_whose_orgs_due_are_one_org_is_not_resealed_to_that_org_alone():
    """Without another org whose parties may be the regulator, a claim of one org's parties has one org due: a
    policy naming it alone would let its peer rewrite the claim by itself, so no reseal writes one where the
    key has none. One an earlier version wrote naming that org is only narrowed to its peers
    (test_reseal_earlier_form.py), and then left as it is."""
    net = await one_org_net(without_a_regulator_org())
    r = await left_one_orgs_by_an_earlier_version(net)
    key = net._key(keys.RECEIVABLE, r["id"])
    assert (await net.ok(net.actors["core_sup"], "ResealReceivable", r["id"]))["orgs_after"] == [CORE]
    await net.refused(net.actors["core_sup"], "ResealReceivable", r["id"], rule="nothing-to-reseal")
    del net.ledger.validation_parameters[key]
    await net.refused(net.actors["core_sup"], "ResealReceivable", r["id"], rule="claim-needs-two-orgs")
    assert key not in net.ledger.validation_parameters
