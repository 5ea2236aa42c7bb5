"""Who must endorse a change to a claim's key: never a single org, and the regulator's org while it is frozen.

A configuration may let one org's parties be both a core enterprise and a supplier: a claim whose debtor and holder
are parties of that org would be guarded by it alone, so its key also names the regulator's org (or, with no other
org whose parties may be the regulator, the write is refused). A freeze binds the debtor and the holder: while it
holds, the key names the regulator's org too, so their two orgs cannot lift it, or move the claim, between them.

The MemoryLedger checks no endorsement policy: ``Net.writes_not_endorsed`` says which keys of the last committed
transaction Fabric's validator would refuse to take from a given set of endorsing orgs, from the key-level
policies in force before it (docs/receivables.md, "Key-level policies").
"""

from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, REGULATOR, SUPPLIER, Net, standard_net

# the core enterprise's org may also have supplier parties, as tests/unit/receivables/test_authorization.py's does
CORE_ALSO_SUPPLIES = {**DEFAULT_CONFIG.org_roles, CORE: ("core_enterprise", "supplier")}


def claim_key(net: Net, receivable_id: str) -> str:
    return net._key(keys.RECEIVABLE, receivable_id)


def guarded_by(net: Net, receivable_id: str, *orgs: str) -> None:
    """Set the claim's key-level policy to ``orgs``, as an earlier contract version may have left it."""
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", *orgs)
    net.ledger.validation_parameters[claim_key(net, receivable_id)] = kep.policy()


def without_a_regulator_org() -> NetworkConfig:
    """CORE_ALSO_SUPPLIES with no org whose parties may be the regulator: a configuration the contract refuses
    where it reads one (config.NetworkConfig), made here without that check (model_copy validates nothing), for
    the contract's guards of a claim of one org's parties, which stay behind that refusal."""
    return DEFAULT_CONFIG.model_copy(update={"org_roles": {
        org: roles for org, roles in CORE_ALSO_SUPPLIES.items() if org != REGULATOR}})


async def one_org_net(config: NetworkConfig | None = None) -> Net:
    net = Net(config or NetworkConfig(org_roles=CORE_ALSO_SUPPLIES))
    await net.party("core", CORE, "core_enterprise")
    await net.party("core_sup", CORE, "supplier")
    await net.party("tier1", SUPPLIER, "supplier")
    await net.party("bank", BANK, "financier")
    return net


# ---------------------------------------------------------------- one org's parties on both sides

async def test_a_claim_moved_to_a_supplier_of_its_debtors_org_needs_the_regulators_org_to_be_rewritten_once_settled():
    net = await one_org_net()
    core, core_sup, tier1 = (net.actors[k] for k in ("core", "core_sup", "tier1"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(tier1, "TransferReceivable", r["id"], core_sup.uscc, "100000")
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []      # the transfer itself: the policy before it
    await net.ok(core, "RecordPayment", r["id"], "100000")
    assert net.doc(r["id"])["status"] == "SETTLED"
    # the debtor's org's peer alone could otherwise write the settled claim back to unpaid, for a bank to finance
    assert net.writes_not_endorsed(CORE) == [(claim_key(net, r["id"]), [CORE, REGULATOR])]
    assert net.writes_not_endorsed(CORE, REGULATOR) == []


async def test_a_claim_a_supplier_of_its_debtors_org_registers_names_the_regulators_org_and_the_bank_while_financed():
    net = await one_org_net()
    core, core_sup, bank = (net.actors[k] for k in ("core", "core_sup", "bank"))
    r = await net.registered(core_sup, core, 500_00, due_in=30)
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]
    await net.ok(core, "ConfirmReceivable", r["id"])
    assert net.writes_not_endorsed(CORE) == [(claim_key(net, r["id"]), [CORE, REGULATOR])]
    f = await net.financed(core_sup, r["id"])
    assert net.claim_policy_orgs(r["id"]) == [BANK, CORE]    # two orgs already: the regulator's is not asked
    await net.ok(bank, "RecordRepayment", f["id"])
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]
    assert net.writes_not_endorsed(BANK, CORE) == []          # the repayment: the policy before it


async def test_a_claim_an_earlier_version_guarded_by_one_org_gets_the_regulators_org_at_its_next_write():
    net = await one_org_net()
    core, core_sup = net.actors["core"], net.actors["core_sup"]
    r = await net.confirmed(core_sup, core, 1000_00, due_in=30)
    guarded_by(net, r["id"], CORE)
    await net.ok(core, "RecordPayment", r["id"], "40000")     # the orgs the claim names do not change
    assert net.writes_not_endorsed(CORE) == []
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]
    await net.ok(core, "RecordPayment", r["id"], "60000")
    assert net.writes_not_endorsed(CORE) == [(claim_key(net, r["id"]), [CORE, REGULATOR])]


async def test_the_upgrade_gives_a_registered_claim_of_one_orgs_parties_the_regulators_org_as_well():
    net = await one_org_net()
    r = await net.registered(net.actors["core_sup"], net.actors["core"], 1000_00, due_in=30)
    del net.ledger.validation_parameters[claim_key(net, r["id"])]     # an earlier version set none before confirming
    await net.upgrade_pages()
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]


async def test_without_another_org_whose_parties_may_be_the_regulator_a_claim_of_one_orgs_parties_is_refused():
    net = await one_org_net(without_a_regulator_org())
    core, core_sup, tier1 = (net.actors[k] for k in ("core", "core_sup", "tier1"))
    message = await net.refused(core_sup, "RegisterReceivable", net.registration(core_sup, core, 1000_00),
                                rule="claim-needs-two-orgs")
    assert f"guarded by {CORE} alone" in message and "org_roles" in message
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.refused(tier1, "TransferReceivable", r["id"], core_sup.uscc, "100000", rule="claim-needs-two-orgs")
    # nor a part of it: the part that goes to the debtor's org's supplier would be guarded by that org alone
    await net.refused(tier1, "TransferReceivable", r["id"], core_sup.uscc, "40000", rule="claim-needs-two-orgs")
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]


async def left_one_orgs_by_an_earlier_version(net: Net) -> dict:
    """A claim as an earlier version left it once tier1 transferred it whole to a supplier of the debtor's org."""
    core, core_sup, tier1 = (net.actors[k] for k in ("core", "core_sup", "tier1"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    key = claim_key(net, r["id"])
    moved = {**json.loads(net.ledger.state[key]), "holder": core_sup.uscc, "holder_msp": CORE}
    net.ledger.state[key] = json.dumps(moved).encode()
    del net.ledger.state[net._key(keys.BY_HOLDER, tier1.uscc, r["id"])]
    net.ledger.state[net._key(keys.BY_HOLDER, core_sup.uscc, r["id"])] = keys.INDEX_VALUE
    guarded_by(net, r["id"], CORE)
    return r


async def test_without_another_org_that_may_be_the_regulator_a_claim_an_earlier_version_left_one_orgs_settles():
    # refusing its writes would protect nothing (that org's peer can write the key alone already) and strand it
    net = await one_org_net(without_a_regulator_org())
    core = net.actors["core"]
    r = await left_one_orgs_by_an_earlier_version(net)
    await net.ok(core, "RecordPayment", r["id"], "40000")
    assert net.claim_policy_orgs(r["id"]) == [CORE]           # no second org to name: the policy it had stays
    net.advance(days=40)
    await net.ok(core, "RecordOverdue", r["id"])
    await net.ok(core, "RecordPayment", r["id"], "60000")
    assert net.doc(r["id"])["status"] == "SETTLED" and net.claim_policy_orgs(r["id"]) == [CORE]


async def test_a_claim_an_earlier_version_left_one_orgs_is_not_financed_for_it_would_be_stranded_once_repaid():
    """A bank of another org would be its second org only while it financed it: once repaid or cancelled, the
    claim would be one org's again, and every write ending the financing refused. So no financing begins."""
    net = await one_org_net(without_a_regulator_org())
    r = await left_one_orgs_by_an_earlier_version(net)
    said = await net.refused(net.actors["core_sup"], "RequestFinancing", r["id"], rule="claim-needs-two-orgs")
    assert "cannot be financed: once its financing ended it would be guarded by CoreEnterpriseMSP alone" in said
    assert net.doc(r["id"])["financing_id"] is None and net.claim_policy_orgs(r["id"]) == [CORE]


async def test_a_claim_an_earlier_version_left_one_orgs_splits_to_a_supplier_of_another_org():
    """The part its holder keeps is a new record with the claim's own parties: one org's as the claim was."""
    net = await one_org_net(without_a_regulator_org())
    core_sup, tier1 = net.actors["core_sup"], net.actors["tier1"]
    r = await left_one_orgs_by_an_earlier_version(net)
    await net.ok(core_sup, "TransferReceivable", r["id"], tier1.uscc, "40000")
    sent, kept = f"{r['id']}.1", f"{r['id']}.2"
    assert net.claim_policy_orgs(sent) == [CORE, SUPPLIER]
    assert net.doc(kept)["holder"] == core_sup.uscc
    # a new key given no policy: the chaincode-level policy's two orgs guard it, not that org alone
    assert net._key(keys.RECEIVABLE, kept) not in net.ledger.validation_parameters


# ---------------------------------------------------------------- freeze

async def test_while_frozen_every_write_of_the_claim_the_unfreeze_included_needs_the_regulators_org():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    key = claim_key(net, r["id"])
    await net.ok(reg, "FreezeReceivable", r["id"], "COURT-1")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []      # the freeze itself: the policy before it
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR, SUPPLIER]
    await net.ok(reg, "UnfreezeReceivable", r["id"], "COURT-2")
    # the debtor's and the holder's orgs, whom the freeze binds, cannot lift it between them
    assert net.writes_not_endorsed(CORE, SUPPLIER) == [(key, [CORE, REGULATOR, SUPPLIER])]
    assert net.writes_not_endorsed(CORE, SUPPLIER, REGULATOR) == []
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]  # unfrozen, the regulator's org is dropped again


async def test_a_frozen_financed_claim_names_the_bank_and_the_regulators_org_and_unfrozen_the_bank_alone():
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.financed(tier1, r["id"])
    await net.ok(reg, "FreezeReceivable", r["id"], "COURT-1")
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []
    assert net.claim_policy_orgs(r["id"]) == [BANK, CORE, REGULATOR, SUPPLIER]
    await net.ok(reg, "UnfreezeReceivable", r["id"], "COURT-2")
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == [(claim_key(net, r["id"]),
                                                              [BANK, CORE, REGULATOR, SUPPLIER])]
    assert net.claim_policy_orgs(r["id"]) == [BANK, CORE, SUPPLIER]


async def test_a_claim_an_earlier_version_froze_reads_and_unfreezes_and_a_new_freeze_names_the_regulators_org():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    await net.ok(reg, "FreezeReceivable", r["id"], "COURT-1")
    guarded_by(net, r["id"], CORE, SUPPLIER)                  # frozen, with the policy an earlier version left
    assert (await net.ok(core, "GetReceivable", r["id"], evaluate=True))["frozen"]["order_reference"] == "COURT-1"
    await net.ok(reg, "UnfreezeReceivable", r["id"], "COURT-2")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []      # the policy it had: nothing committed is lost
    assert net.doc(r["id"])["frozen"] is None
    await net.ok(reg, "FreezeReceivable", r["id"], "COURT-3")
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR, SUPPLIER]


async def test_a_frozen_claim_of_one_orgs_parties_names_the_regulators_org_once():
    net = await one_org_net()
    reg = await net.party("regulator", REGULATOR, "regulator")
    core, core_sup = net.actors["core"], net.actors["core_sup"]
    r = await net.confirmed(core_sup, core, 1000_00, due_in=30)
    await net.ok(reg, "FreezeReceivable", r["id"], "COURT-1")
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]
    await net.ok(reg, "UnfreezeReceivable", r["id"], "COURT-2")
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR]
    assert net.writes_not_endorsed(CORE) == [(claim_key(net, r["id"]), [CORE, REGULATOR])]


async def test_a_freeze_gives_a_claim_an_earlier_version_left_without_a_policy_the_frozen_claims_policy():
    net = await standard_net()
    reg = net.actors["regulator"]
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000_00)
    del net.ledger.validation_parameters[claim_key(net, r["id"])]     # an earlier version set none before confirming
    await net.ok(reg, "FreezeReceivable", r["id"], "COURT-1")
    assert net.writes_not_endorsed(BANK, REGULATOR) == []     # no policy before it: any two orgs
    assert net.claim_policy_orgs(r["id"]) == [CORE, REGULATOR, SUPPLIER]
