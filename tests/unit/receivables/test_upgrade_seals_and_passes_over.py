"""UpgradeLedger seals discount offers earlier versions left under the chaincode-level policy, passes over a record
it cannot read (listing its key) instead of failing every page from there on, and lists the claims whose key-level
policy names fewer orgs than due, which a page cannot rewrite."""

from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, REGULATOR, SUPPLIER, Net, standard_net
from .test_claim_policy_never_one_org import guarded_by, one_org_net
from .test_legacy_records import legacy_net, total


def policy_orgs(net: Net, key: str) -> list[str] | None:
    held = net.ledger.validation_parameters.get(key)
    return None if held is None else sorted(KeyEndorsementPolicy(held).list_orgs())


def discount_keys(net: Net, offer_id: str) -> tuple[str, str]:
    """The offer's key and its recfin.discount-by-debtor entry."""
    entry = next(k for k in net.ledger.state if k.startswith("\x00" + keys.DISCOUNT_BY_DEBTOR + "\x00")
                 and k.endswith("\x00" + offer_id + "\x00"))
    return net._key(keys.DISCOUNT, offer_id), entry


# ---------------------------------------------------------------- discount offers

async def test_an_offer_published_before_its_index_gets_the_debtors_policy_on_its_key_and_on_the_entry_written():
    net, ids = legacy_net()
    offer_key = net._key(keys.DISCOUNT, ids["discount_offer"])
    assert policy_orgs(net, offer_key) is None   # as 585f3fe left it: the chaincode-level policy guards it
    pages = await net.upgrade_pages()
    offer_key, entry = discount_keys(net, ids["discount_offer"])
    debtor_msp = json.loads(net.ledger.state[offer_key])["debtor_msp"]
    assert policy_orgs(net, offer_key) == policy_orgs(net, entry) == [debtor_msp]
    assert total(pages, "discount_offer_entries") == 1 and total(pages, "discount_offer_policies") == 2
    assert total(await net.upgrade_pages(), "discount_offer_policies") == 0   # written once


async def test_an_offer_indexed_but_never_sealed_is_sealed_and_two_other_orgs_can_no_longer_change_it():
    net = await standard_net()
    core = net.actors["core"]
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    offer_key, entry = discount_keys(net, d["id"])
    for key in (offer_key, entry):   # as versions from 2617ce3 to 42422e6 left them: indexed, no policy
        del net.ledger.validation_parameters[key]
    pages = await net.upgrade_pages()
    assert total(pages, "discount_offer_entries") == 0 and total(pages, "discount_offer_policies") == 2
    assert policy_orgs(net, offer_key) == policy_orgs(net, entry) == [CORE]
    await net.ok(core, "WithdrawDiscountOffer", d["id"])
    # two orgs other than the debtor's (any two met the chaincode-level policy) no longer pass for a change of it
    assert (offer_key, [CORE]) in net.writes_not_endorsed(BANK, SUPPLIER)


async def test_an_offer_key_carrying_another_policy_is_left_as_it_is():
    net = await standard_net()
    d = await net.ok(net.actors["core"], "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    offer_key, entry = discount_keys(net, d["id"])
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", BANK, SUPPLIER)
    net.ledger.validation_parameters[offer_key] = kep.policy()   # Fabric would take its change only from them
    del net.ledger.validation_parameters[entry]
    pages = await net.upgrade_pages()
    assert total(pages, "discount_offer_policies") == 1
    assert policy_orgs(net, offer_key) == [BANK, SUPPLIER] and policy_orgs(net, entry) == [CORE]


# ---------------------------------------------------------------- records it cannot read

async def test_a_record_it_cannot_read_is_listed_and_every_record_after_it_still_upgraded():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core)
    # a claim still to seal, on the bad record's page and after it (every claim id sorts after "R-0")
    registered = await net.registered(tier1, core)
    registered_key = net._key(keys.RECEIVABLE, registered["id"])
    del net.ledger.validation_parameters[registered_key]   # as a version before it left a claim REGISTERED
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    offer_key, entry = discount_keys(net, d["id"])
    del net.ledger.validation_parameters[offer_key]   # an offer still to seal, scanned after the bad records
    f, o = await net.offered(tier1, r["id"])
    # a new key any two orgs wrote outside the contract, and an open offer whose claim is gone
    garbage = net._key(keys.RECEIVABLE, "R-0")
    net.ledger.state[garbage] = b"\xff not json"
    orphan_key = net._key(keys.OFFER, o["id"])
    orphan = json.loads(net.ledger.state[orphan_key])
    orphan["receivable_id"] = "R-ffffffffffffffff"
    net.ledger.state[orphan_key] = json.dumps(orphan).encode()
    pages = await net.upgrade_pages()   # one page per kind: the bad claim shares its page with the others
    assert [k for p in pages for k in p["unreadable"]] == [garbage, orphan_key]
    assert garbage < registered_key and total(pages, "claim_policies") == 1
    assert policy_orgs(net, registered_key) == [CORE, SUPPLIER]   # the claim after it on its page was upgraded
    assert policy_orgs(net, offer_key) == [CORE]   # and the offers scanned after both
    events = [json.loads(payload) for _, name, payload in net.ledger.events if name == "LedgerUpgraded"]
    assert [k for e in events for k in e["unreadable"]] == [garbage, orphan_key]


async def test_a_live_financing_whose_claim_is_missing_is_listed_and_gets_no_policy():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    r = await net.confirmed(tier1, net.actors["core"])
    f = await net.financed(tier1, r["id"])
    financing_key = net._key(keys.FINANCING, f["id"])
    del net.ledger.validation_parameters[financing_key]   # as an earlier version accepted it
    del net.ledger.state[net._key(keys.RECEIVABLE, r["id"])]
    pages = await net.upgrade_pages()
    assert [k for p in pages for k in p["unreadable"]] == [financing_key]
    assert policy_orgs(net, financing_key) is None and total(pages, "financing_policies") == 0


async def test_a_missing_claim_several_registry_entries_name_is_listed_once():
    """Two claims whose invoices' registry entries (written outside the contract) name one claim that is not
    there: that claim's key is listed once, not once per entry."""
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    missing = "R-ffffffffffffffff"
    for r in (await net.registered(tier1, core), await net.registered(tier1, core)):
        fp = r["invoices"][0]["fingerprint"]
        net.ledger.state[net._key(keys.FINGERPRINT, fp)] = json.dumps(
            {"fingerprint": fp, "receivable_id": missing}, sort_keys=True).encode()
    pages = await net.upgrade_pages()
    assert [k for p in pages for k in p["unreadable"]] == [net._key(keys.RECEIVABLE, missing)]


# ---------------------------------------------------------------- claims whose policy names fewer orgs than due

async def test_a_claim_frozen_before_the_regulators_org_joined_a_freeze_is_listed_to_reseal():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core)
    other = await net.confirmed(tier1, core)
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "court order 1")
    guarded_by(net, r["id"], CORE, SUPPLIER)   # as a freeze before b8aeb33 left it: debtor and holder only
    pages = await net.upgrade_pages()
    assert [c for p in pages for c in p["claims_to_reseal"]] == [
        {"receivable_id": r["id"], "key_orgs": [CORE, SUPPLIER], "due_orgs": [CORE, REGULATOR, SUPPLIER]}]
    # the page cannot rewrite it: the key keeps the orgs that could lift the freeze between them
    assert net.claim_policy_orgs(r["id"]) == [CORE, SUPPLIER]
    assert net.claim_policy_orgs(other["id"]) == [CORE, SUPPLIER]   # guarded as due: not listed


async def test_a_claim_of_one_orgs_parties_guarded_by_that_org_alone_is_listed_to_reseal():
    net = await one_org_net()
    core, core_sup = net.actors["core"], net.actors["core_sup"]
    r = await net.confirmed(core_sup, core, 1000_00, due_in=30)
    await net.ok(core, "RecordPayment", r["id"], "100000")
    guarded_by(net, r["id"], CORE)   # as a contract before b8aeb33 left it
    pages = await net.upgrade_pages()
    assert [c for p in pages for c in p["claims_to_reseal"]] == [
        {"receivable_id": r["id"], "key_orgs": [CORE], "due_orgs": [CORE, REGULATOR]}]


# ---------------------------------------------------------------- claims whose key has no policy, of any status

async def test_a_confirmed_or_financed_claim_whose_key_has_no_policy_is_sealed_to_the_orgs_due_once():
    """Not only the statuses earlier versions left unguarded: under the chaincode-level policy any two orgs could
    rewrite such a claim, and no list would name it, so the page seals it (validated against that same policy)."""
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    confirmed = (await net.confirmed(tier1, core))["id"]
    financed = (await net.confirmed(tier1, core))["id"]
    await net.financed(tier1, financed)
    for rid in (confirmed, financed):
        del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, rid)]
    state = dict(net.ledger.state)
    pages = await net.upgrade_pages()
    assert total(pages, "claim_policies") == 2
    assert [c for p in pages for c in p["claims_to_reseal"]] == []
    assert net.claim_policy_orgs(confirmed) == [CORE, SUPPLIER]
    assert net.claim_policy_orgs(financed) == [BANK, CORE, SUPPLIER]
    assert net.ledger.state == state   # only the keys' policies: no claim's value changed
    assert total(await net.upgrade_pages(), "claim_policies") == 0   # written once
    # from now on two other orgs (any two met the chaincode-level policy) no longer pass for a change of it
    await net.ok(core, "RecordPayment", confirmed, "100")
    assert (net._key(keys.RECEIVABLE, confirmed), [CORE, SUPPLIER]) in net.writes_not_endorsed(BANK, REGULATOR)


async def test_a_claim_of_one_orgs_parties_whose_key_has_no_policy_gets_the_regulators_org():
    """As a claim confirmed while no other org's parties could be the regulator is left (the contract writes no
    one-org policy), once a regulator org is configured."""
    net = await one_org_net()
    core, core_sup = net.actors["core"], net.actors["core_sup"]
    r = (await net.confirmed(core_sup, core, 1000_00, due_in=30))["id"]
    del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, r)]
    pages = await net.upgrade_pages()
    assert total(pages, "claim_policies") == 1 and [c for p in pages for c in p["claims_to_reseal"]] == []
    assert net.claim_policy_orgs(r) == [CORE, REGULATOR]


async def test_a_claim_of_one_orgs_parties_whose_key_has_no_policy_gets_it_at_its_next_write_too():
    net = await one_org_net()
    core, core_sup = net.actors["core"], net.actors["core_sup"]
    r = (await net.confirmed(core_sup, core, 1000_00, due_in=30))["id"]
    del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, r)]
    await net.ok(core, "RecordPayment", r, "100000")
    assert net.claim_policy_orgs(r) == [CORE, REGULATOR]


async def test_an_unguarded_offer_whose_debtor_has_no_party_record_is_listed_and_left_unsealed():
    """The debtor's party record names the org that seals an offer: with none, no org is shown to be the
    debtor's, and the party's key is listed (``unreadable``), the offer's keys left as they are."""
    net = await standard_net()
    core = net.actors["core"]
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    offer_key, entry = discount_keys(net, d["id"])
    for key in (offer_key, entry):
        del net.ledger.validation_parameters[key]
    del net.ledger.state[net._key(keys.PARTY, core.uscc)]
    pages = await net.upgrade_pages()
    assert total(pages, "discount_offer_policies") == 0
    assert net._key(keys.PARTY, core.uscc) in [key for page in pages for key in page["unreadable"]]
    assert policy_orgs(net, offer_key) is None and policy_orgs(net, entry) is None
