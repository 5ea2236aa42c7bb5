"""ResealReceivable rewrites the registry entries of a claim past registration too (confirmed, financed,
settled), where they are in the form earlier contract versions wrote (MSP role MEMBER, which a client
certificate of its orgs meets): users of the debtor's and the creditor's orgs could otherwise delete the
entry of a financed claim between them and register the invoice or the delivery again, for a second
financing. Past registration it changes the role, as an UpgradeLedger page does: the entry keeps its orgs, and
one naming an org the claim's key does not (whose peer does not endorse the reseal) is left. While the claim's
financing is live it adds the bank's org too, which a financing an earlier contract version accepted never gave
the entries: the debtor's and the creditor's orgs could otherwise still free the invoice between them."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.store_base import earlier_org_policy, org_policy

from .support import BANK, CORE, SUPPLIER, _clients_satisfy, standard_net
from .test_registry_and_attestation_policies import RECEIPT, fingerprint_key, receipt_key

DEBTOR_AND_CREDITOR = [CORE, SUPPLIER]


async def financed_with_earlier_form_entries():
    """A net and a financed claim whose key and exposure entry carry this version's policy and whose
    fingerprint and goods receipt entries carry the earlier form of its debtor's and creditor's orgs."""
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    r = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, goods_receipts=[RECEIPT]))
    await net.ok(core, "ConfirmReceivable", r["id"])
    await net.financed(tier1, r["id"])
    entries = [fingerprint_key(net, r), receipt_key(net, r)]
    for entry in entries:
        net.ledger.validation_parameters[entry] = earlier_org_policy(DEBTOR_AND_CREDITOR)
    return net, r, entries


async def test_a_financed_claims_earlier_form_registry_entries_get_their_orgs_peers():
    net, r, entries = await financed_with_earlier_form_entries()
    orgs = [BANK, CORE, SUPPLIER]
    resealed = await net.ok(net.actors["bank"], "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"], resealed["member_form_resealed"],
            resealed["entries_resealed"]) == (orgs, orgs, False, 2)
    for entry in entries:
        assert net.ledger.validation_parameters[entry] == org_policy(orgs), entry
        assert not _clients_satisfy(net.ledger.validation_parameters[entry], (CORE, SUPPLIER))
    # validated against each entry's earlier form, which the peers of the orgs the key names meet
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []
    # as an upgrade page would have written them: nothing left for either
    await net.refused(net.actors["tier1"], "ResealReceivable", r["id"], rule="nothing-to-reseal")
    before = dict(net.ledger.validation_parameters)
    await net.upgrade_pages()
    assert {e: net.ledger.validation_parameters[e] for e in entries} == {e: before[e] for e in entries}


async def test_past_registration_an_entry_keeps_its_orgs_and_one_in_this_versions_form_is_left():
    net, r, (fingerprint_entry, receipt_entry) = await financed_with_earlier_form_entries()
    # the receipt's entry in this version's form, naming the debtor's org only: it keeps that org, and gets the
    # live financing's bank beside it, never the orgs a registration would give it
    net.ledger.validation_parameters[receipt_entry] = org_policy([CORE])
    resealed = await net.ok(net.actors["core"], "ResealReceivable", r["id"])
    assert resealed["entries_resealed"] == 2
    assert net.ledger.validation_parameters[fingerprint_entry] == org_policy([BANK, *DEBTOR_AND_CREDITOR])
    assert net.ledger.validation_parameters[receipt_entry] == org_policy([BANK, CORE])


async def test_an_earlier_form_entry_naming_an_org_the_key_does_not_is_left_past_registration_too():
    net, r, (fingerprint_entry, receipt_entry) = await financed_with_earlier_form_entries()
    beyond = earlier_org_policy([CORE, "ElsewhereMSP", SUPPLIER])
    net.ledger.validation_parameters[fingerprint_entry] = beyond
    resealed = await net.ok(net.actors["tier1"], "ResealReceivable", r["id"])
    assert resealed["entries_resealed"] == 1
    assert net.ledger.validation_parameters[fingerprint_entry] == beyond
    assert net.ledger.validation_parameters[receipt_entry] == org_policy([BANK, *DEBTOR_AND_CREDITOR])
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []


async def test_a_settled_claims_earlier_form_entries_are_resealed_and_its_key_left():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    r = await net.confirmed(tier1, core, 1000_00)
    await net.ok(core, "RecordPayment", r["id"], "100000")
    entry = fingerprint_key(net, r)
    net.ledger.validation_parameters[entry] = earlier_org_policy(DEBTOR_AND_CREDITOR)
    key = net._key(keys.RECEIVABLE, r["id"])
    policy, value = net.ledger.validation_parameters[key], net.ledger.state[key]
    resealed = await net.ok(core, "ResealReceivable", r["id"])
    assert resealed["entries_resealed"] == 1
    assert net.ledger.validation_parameters[entry] == org_policy(DEBTOR_AND_CREDITOR)
    assert (net.ledger.validation_parameters[key], net.ledger.state[key]) == (policy, value)
