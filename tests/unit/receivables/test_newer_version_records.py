"""A stored record holding every field this contract version reads and one it does not know is what a newer contract
version writes: the peer reading it runs an older version than the channel's. A read that needs it is refused
``record-newer-version``, naming the key and what its operators do, never the record's fields or values; a read
that can pass an unreadable record over (a list, an exposure, a history) passes this one over too."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys

from .support import Net, standard_net, transient_terms

NEW_FIELD, NEW_VALUE = "field_of_a_newer_version", "value-only-the-newer-version-knows"


def as_newer_version_wrote(net: Net, key: str, *, collection: str | None = None, drop: str | None = None) -> None:
    """Rewrite the record under ``key`` (public, or private in ``collection``) with a field this version does not
    know, as a newer version adds one; ``drop``: also without that field, which no version writes."""
    held = net.ledger.private_state[collection] if collection else net.ledger.state
    doc = {**json.loads(held[key]), NEW_FIELD: NEW_VALUE}
    if drop:
        del doc[drop]
    held[key] = json.dumps(doc).encode()


def assert_names_only_the_key(message: str, label: str, stored: dict) -> None:
    assert f"the stored {label} was written by a newer version of this contract" in message, message
    assert "recfin chaincode config --committed" in message and "recfin chaincode restart" in message, message
    assert NEW_FIELD not in message and NEW_VALUE not in message, message
    # nor any value the record holds, but the id its key is named by
    quoted = [v for v in stored.values() if isinstance(v, str) and len(v) > 3 and v not in label and v in message]
    assert not quoted, quoted


async def offered():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    f, offer = await net.offered(tier1, r["id"], bank)
    return net, r, f, offer


async def test_a_newer_versions_claim_refuses_a_change_and_a_read_by_name_and_writes_nothing():
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000)
    key = net._key(keys.RECEIVABLE, r["id"])
    as_newer_version_wrote(net, key)
    stored = json.loads(net.ledger.state[key])
    for actor, fn, args, evaluate in ((core, "RecordPayment", (r["id"], "100"), False),
                                      (tier1, "RequestFinancing", (r["id"],), False),
                                      (reg, "GetReceivable", (r["id"],), True)):
        message = await net.refused(actor, fn, *args, rule="record-newer-version", evaluate=evaluate)
        assert_names_only_the_key(message, f"recfin.receivable [{r['id']}]", stored)


async def test_a_newer_versions_party_record_refuses_its_party_by_name_and_writes_nothing():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    registered = await net.registered(tier1, core, 1000)
    key = net._key(keys.PARTY, core.uscc)
    as_newer_version_wrote(net, key)
    stored = json.loads(net.ledger.state[key])
    for fn, args, evaluate in (("ConfirmReceivable", (registered["id"],), False), ("WhoAmI", (), True)):
        message = await net.refused(core, fn, *args, rule="record-newer-version", evaluate=evaluate)
        assert_names_only_the_key(message, f"recfin.party [{core.uscc}]", stored)
    # its org's admin still reads its history, where the transactions that wrote it are named
    history = await net.ok(net.admins[core.msp], "GetPartyHistory", core.uscc, evaluate=True)
    assert [w["msp_id"] for w in history] == [core.msp], history
    # another party's record is its own key: it acts as ever
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc


async def test_a_newer_versions_offer_refuses_its_withdrawal_by_name_and_the_lists_pass_it_over():
    net, r, f, offer = await offered()
    core, bank = net.actors["core"], net.actors["bank"]
    key = net._key(keys.OFFER, offer["id"])
    as_newer_version_wrote(net, key)
    stored = json.loads(net.ledger.state[key])
    message = await net.refused(bank, "WithdrawFinancingOffer", offer["id"], "terms changed",
                                rule="record-newer-version")
    assert_names_only_the_key(message, f"recfin.offer [{offer['id']}]", stored)
    page = await net.ok(bank, "ListOffersByFinancier", bank.uscc, "", "10", "", evaluate=True)
    assert (page["records"], page["fetched"]) == ([], 1)
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert (exposure["offers"], exposure["offered"]) == ([], {}), exposure


async def next_offer_on_the_debtor() -> tuple[Net, dict, dict]:
    """The bank's open offer on a claim, and the holder's request on another claim of the same debtor,
    for the bank's next offer there, which drops the bank's entries of its offers there no longer OPEN."""
    net, _, _, offer = await offered()
    tier1, core = net.actors["tier1"], net.actors["core"]
    other = await net.confirmed(tier1, core)
    return net, offer, await net.ok(tier1, "RequestFinancing", other["id"])


async def test_a_newer_versions_open_offer_refuses_its_banks_next_offer_and_is_accepted_after_the_upgrade():
    net, offer, request = await next_offer_on_the_debtor()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    key = net._key(keys.OFFER, offer["id"])
    as_newer_version_wrote(net, key)
    stored = json.loads(net.ledger.state[key])
    # taken for closed, its entry would be dropped for good and the offer never accepted
    message = await net.refused(bank, "MakeFinancingOffer", request["id"], transient=transient_terms(),
                                rule="record-newer-version")
    assert_names_only_the_key(message, f"recfin.offer [{offer['id']}]", stored)
    assert net.ledger.state.get(net._key(keys.OFFER_MADE_DROPPED, bank.uscc, core.uscc, offer["id"])) is None
    # every peer runs that version: it reads the offer (here: without the field), still OPEN, and takes both
    net.ledger.state[key] = json.dumps({k: v for k, v in stored.items() if k != NEW_FIELD}).encode()
    await net.ok(bank, "MakeFinancingOffer", request["id"], transient=transient_terms())
    assert (await net.ok(tier1, "AcceptFinancingOffer", offer["id"]))["accepted_offer_id"] == offer["id"]


async def test_an_offer_record_no_version_wrote_is_taken_for_closed_by_its_banks_next_offer():
    net, offer, request = await next_offer_on_the_debtor()
    core, bank = net.actors["core"], net.actors["bank"]
    net.ledger.state[net._key(keys.OFFER, offer["id"])] = json.dumps({"id": offer["id"]}).encode()
    await net.ok(bank, "MakeFinancingOffer", request["id"], transient=transient_terms())
    assert net._key(keys.OFFER_MADE, bank.uscc, core.uscc, offer["id"]) not in net.ledger.state
    mark = net.ledger.state[net._key(keys.OFFER_MADE_DROPPED, bank.uscc, core.uscc, offer["id"])]
    assert json.loads(mark)["dropped"] == "closed"


async def test_newer_versions_private_terms_are_refused_by_name_with_their_collection():
    net, r, f, offer = await offered()
    bank = net.actors["bank"]
    collection = offer["collection"]
    key = net._key(keys.TERMS, offer["id"])
    as_newer_version_wrote(net, key, collection=collection)
    stored = json.loads(net.ledger.private_state[collection][key])
    for fn, args in (("GetOfferTerms", (offer["id"],)), ("GetFinancierExposure", (net.actors["core"].uscc, ""))):
        message = await net.refused(bank, fn, *args, rule="record-newer-version", evaluate=True)
        assert_names_only_the_key(message, f"recfin.terms [{offer['id']}] of collection {collection}", stored)


async def test_a_newer_versions_discount_offer_is_left_out_of_the_list():
    net = await standard_net()
    core = net.actors["core"]
    kept = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    newer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.06", "expires_on": net.day(20)})
    as_newer_version_wrote(net, net._key(keys.DISCOUNT, newer["id"]))
    page = await net.ok(core, "ListDiscountOffers", core.uscc, "", "10", "", "open", evaluate=True)
    assert [d["id"] for d in page["records"]] == [kept["id"]]
    await net.refused(core, "GetDiscountOffer", newer["id"], rule="record-newer-version", evaluate=True)


@pytest.mark.parametrize("drop", ["status", "holder"])
async def test_a_record_lacking_a_field_it_needs_is_unreadable_whatever_else_it_holds(drop):
    """Only a record holding every field this version reads is a newer version's: one without one is none any
    version wrote, and its refusal says what the parser found."""
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000)
    as_newer_version_wrote(net, net._key(keys.RECEIVABLE, r["id"]), drop=drop)
    message = await net.refused(reg, "GetReceivable", r["id"], rule="record-unreadable", evaluate=True)
    assert f"the stored recfin.receivable [{r['id']}] is no record this contract wrote" in message


@pytest.mark.parametrize("status, rule", [("DISPUTED", "record-newer-version"),
                                          ("disputed", "record-unreadable"),
                                          ("<b>DISPUTED</b>", "record-unreadable")])
async def test_a_claim_in_a_status_a_newer_version_added_is_refused_as_its_record(status, rule):
    """Versions have added statuses with their fields (8969a81: a claim's WITHDRAWN and withdrawn_on): a claim a
    newer version put in one is that version's record, not one to report; a value no version spells so is."""
    net = await standard_net()
    core, tier1, reg = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    r = await net.confirmed(tier1, core, 1000)
    key = net._key(keys.RECEIVABLE, r["id"])
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "status": status,
                                        "disputed_on": "2026-03-02"}).encode()
    before = net.snapshot()
    await net.refused(reg, "GetReceivable", r["id"], rule=rule, evaluate=True)
    await net.refused(core, "RecordPayment", r["id"], "100", rule=rule)
    assert net.snapshot() == before
