"""ResealReceivable brings the entries a claim's reseal covers beside its key to this version's form: a
claim still REGISTERED, its registry entries (fingerprints, goods receipts), and a live loan's
``recfin.by-financier`` entry. One in the form earlier contract versions wrote (MSP role MEMBER, which a
client certificate of its orgs meets) is rewritten to its orgs' peers, with the key or alone, where the key
needs nothing; ``entries_resealed`` says how many were. Fabric checks each rewrite against the entry's own
policy, which the orgs the key names (the reseal's endorsers, as the SDK names them) must meet: an entry
naming an org beyond them is left as it is, and ``nothing-to-reseal`` only where nothing at all would be
rewritten."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.store_base import earlier_org_policy, org_policy

from .support import BANK, CORE, REGULATOR, SUPPLIER, _clients_satisfy, standard_net
from .test_registry_and_attestation_policies import RECEIPT, fingerprint_key, receipt_key
from .test_reseal_receivable import reseal_events

DEBTOR_AND_CREDITOR = [CORE, SUPPLIER]


async def registered_with_earlier_form_entries():
    """A net and a REGISTERED claim whose key carries this version's policy and whose fingerprint and goods
    receipt entries carry the earlier form of the same orgs."""
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    r = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, goods_receipts=[RECEIPT]))
    key = net._key(keys.RECEIVABLE, r["id"])
    assert net.ledger.validation_parameters[key] == org_policy(DEBTOR_AND_CREDITOR)
    entries = [fingerprint_key(net, r), receipt_key(net, r)]
    for entry in entries:
        net.ledger.validation_parameters[entry] = earlier_org_policy(DEBTOR_AND_CREDITOR)
        # users of the two orgs, each signing with its client certificate, could release it between them
        assert _clients_satisfy(net.ledger.validation_parameters[entry], (CORE, SUPPLIER))
    return net, r, entries


async def test_a_registered_claims_earlier_form_entries_are_resealed_though_its_key_needs_nothing():
    net, r, entries = await registered_with_earlier_form_entries()
    key = net._key(keys.RECEIVABLE, r["id"])
    value, history = net.ledger.state[key], list(net.ledger.history[key])
    resealed = await net.ok(net.actors["tier1"], "ResealReceivable", r["id"])
    tx_id = reseal_events(net)[-1]["tx_id"]
    # the key was left as it was: the same orgs, not in the earlier form; the two entries were rewritten
    assert resealed == {"receivable_id": r["id"], "orgs_before": DEBTOR_AND_CREDITOR,
                        "orgs_after": DEBTOR_AND_CREDITOR, "member_form_resealed": False,
                        "entries_resealed": 2, "tx_id": tx_id}
    assert reseal_events(net)[-1] == {"event": "ReceivableResealed", "receivable_id": r["id"], "tx_id": tx_id,
                                      "by": net.actors["tier1"].uscc, "orgs_before": DEBTOR_AND_CREDITOR,
                                      "orgs_after": DEBTOR_AND_CREDITOR, "member_form_resealed": False,
                                      "entries_resealed": 2}
    for entry in entries:
        assert net.ledger.validation_parameters[entry] == org_policy(DEBTOR_AND_CREDITOR), entry
    # validated against each entry's earlier policy: the peers of the orgs the key names meet them
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    assert net.ledger.validation_parameters[key] == org_policy(DEBTOR_AND_CREDITOR)
    assert net.ledger.state[key] == value and net.ledger.history[key] == history
    # nothing left: refused, and nothing written
    message = await net.refused(net.actors["core"], "ResealReceivable", r["id"], rule="nothing-to-reseal")
    assert "nor does any entry it covers" in message


async def test_a_registered_claims_key_and_entries_all_in_the_earlier_form_are_resealed_in_one_transaction():
    net, r, entries = await registered_with_earlier_form_entries()
    key = net._key(keys.RECEIVABLE, r["id"])
    net.ledger.validation_parameters[key] = earlier_org_policy(DEBTOR_AND_CREDITOR)
    resealed = await net.ok(net.actors["core"], "ResealReceivable", r["id"])
    for each in (key, *entries):
        assert net.ledger.validation_parameters[each] == org_policy(DEBTOR_AND_CREDITOR), each
        assert not _clients_satisfy(net.ledger.validation_parameters[each], (CORE, SUPPLIER))
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    assert (resealed["orgs_before"], resealed["orgs_after"], resealed["member_form_resealed"],
            resealed["entries_resealed"]) == (DEBTOR_AND_CREDITOR, DEBTOR_AND_CREDITOR, True, 2)
    # the entries are the claim's still: its withdrawal releases them, the same orgs endorsing
    await net.ok(net.actors["tier1"], "WithdrawReceivable", r["id"], "registered in error")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == [] and not set(entries) & net.ledger.state.keys()


async def test_a_frozen_registered_claims_earlier_form_entries_get_their_orgs_not_the_regulators():
    net, r, entries = await registered_with_earlier_form_entries()
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "court order 1")
    resealed = await net.ok(net.actors["regulator"], "ResealReceivable", r["id"])
    assert (resealed["orgs_after"], resealed["member_form_resealed"], resealed["entries_resealed"]) == (
        [CORE, REGULATOR, SUPPLIER], False, 2)
    for entry in entries:
        assert net.ledger.validation_parameters[entry] == org_policy(DEBTOR_AND_CREDITOR), entry
    assert net.writes_not_endorsed(CORE, REGULATOR, SUPPLIER) == []


async def test_a_live_loans_earlier_form_entry_under_a_key_in_this_versions_form_is_resealed_alone():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    await net.financed(tier1, r["id"])
    key = net._key(keys.RECEIVABLE, r["id"])
    entry = net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, r["id"])
    orgs = [BANK, CORE, SUPPLIER]
    assert net.ledger.validation_parameters[key] == org_policy(orgs)
    net.ledger.validation_parameters[entry] = earlier_org_policy(orgs)
    resealed = await net.ok(bank, "ResealReceivable", r["id"])
    assert (resealed["orgs_before"], resealed["orgs_after"], resealed["member_form_resealed"],
            resealed["entries_resealed"]) == (orgs, orgs, False, 1)
    assert net.ledger.validation_parameters[entry] == org_policy(orgs)
    assert net.ledger.validation_parameters[key] == org_policy(orgs)
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []
    await net.refused(tier1, "ResealReceivable", r["id"], rule="nothing-to-reseal")


async def test_an_entry_naming_an_org_the_key_does_not_is_left_as_it_is_its_rewrite_unendorsable():
    """The reseal's endorsers are the orgs the claim's key names: an entry whose policy names another would
    fail the transaction's validation, so it is left, and the entries they can reseal are resealed."""
    net, r, (fingerprint_entry, receipt_entry) = await registered_with_earlier_form_entries()
    beyond = earlier_org_policy([BANK, CORE, SUPPLIER])
    net.ledger.validation_parameters[fingerprint_entry] = beyond
    resealed = await net.ok(net.actors["tier1"], "ResealReceivable", r["id"])
    assert resealed["entries_resealed"] == 1
    assert net.ledger.validation_parameters[fingerprint_entry] == beyond
    assert net.ledger.validation_parameters[receipt_entry] == org_policy(DEBTOR_AND_CREDITOR)
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    # with nothing else to rewrite, the entry alone is no reseal the key's orgs can endorse
    await net.refused(net.actors["tier1"], "ResealReceivable", r["id"], rule="nothing-to-reseal")
    assert net.ledger.validation_parameters[fingerprint_entry] == beyond
