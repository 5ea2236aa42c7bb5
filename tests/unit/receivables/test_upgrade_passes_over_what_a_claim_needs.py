"""UpgradeLedger passes over a record a claim it reads needs and cannot read (its creditor's party record, a
part of its lineage), listing the key, and upgrades every record after it: failing the page instead would fail
it on every run, leaving every record after it, of every kind, without its entries."""

from __future__ import annotations

import pytest

from chaincode.receivables import keys
from chaincode.receivables.store_base import earlier_org_policy, org_policy

from .support import CORE, SUPPLIER, standard_net
from .test_legacy_records import canonical_registration, earlier_claim, legacy_net, total

UNREAD = {"garbled": b"\xff not json", "deleted": None}


def spoil(net, key: str, how: str) -> None:
    """The record at ``key`` as two orgs running altered chaincode could leave it: deleted, or no record."""
    if UNREAD[how] is None:
        del net.ledger.state[key]
    else:
        net.ledger.state[key] = UNREAD[how]


@pytest.mark.parametrize("how", UNREAD)
async def test_a_transferred_claim_whose_creditors_party_cannot_be_read_is_listed_and_the_page_goes_on(how):
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    r = await net.confirmed(tier1, core)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, str(r["face_amount"]))
    later = (await net.registered(tier2, core))["id"]
    later_key = net._key(keys.RECEIVABLE, later)
    del net.ledger.validation_parameters[later_key]   # as a version before it left a claim REGISTERED
    spoil(net, net._key(keys.PARTY, tier1.uscc), how)

    pages = await net.upgrade_pages()
    assert [k for p in pages for k in p["unreadable"]] == [net._key(keys.PARTY, tier1.uscc)]
    # the claims after it on the page were upgraded
    assert total(pages, "claim_policies") == 1 and net.claim_policy_orgs(later) == [CORE, SUPPLIER]


@pytest.mark.parametrize("how", UNREAD)
async def test_a_collision_whose_claim_has_a_part_it_cannot_read_is_reported_live_and_the_claim_listed(how):
    net, _ = legacy_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    earlier = await earlier_claim(net, ("", "2631-2000-0000-9999-0001"))
    await net.ok(core, "ConfirmReceivable", earlier)
    # part of it moved: split in two parts
    await net.ok(tier1, "TransferReceivable", earlier, net.actors["tier2"].uscc, "100000")
    # then the invoice's current spelling registered (before the upgrade, nothing holds it): confirmed once
    # the current spelling held it, the earlier claim would have been refused as the invoice's second claim
    registration = canonical_registration(net, "26312000000099990001")
    current = (await net.ok(tier1, "RegisterReceivable", registration))["id"]
    part = net.doc(earlier)["children"][0]
    spoil(net, net._key(keys.RECEIVABLE, part), how)

    pages = await net.upgrade_pages()
    (collision,) = [c for p in pages for c in p["collisions"]]
    assert (collision["receivable_id"], collision["held_by"], collision["live"]) == (earlier, current, True)
    unreadable = [k for p in pages for k in p["unreadable"]]
    assert net._key(keys.RECEIVABLE, earlier) in unreadable
    assert total(pages, "discount_offer_entries") == 1   # the kinds after the claims were upgraded too


async def test_a_record_passed_over_keeps_its_key_level_policy_in_the_earlier_form_as_its_writers_left_it():
    """Nothing is written for a record the page passes over: a value no model parses, a live financing whose
    claim is missing. A claim read on the same page is resealed."""
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    read = (await net.confirmed(tier1, core))["id"]
    financed = (await net.confirmed(tier1, core))["id"]
    f = await net.financed(tier1, financed)
    garbage, read_key = net._key(keys.RECEIVABLE, "R-0"), net._key(keys.RECEIVABLE, read)
    financing_key = net._key(keys.FINANCING, f["id"])
    net.ledger.state[garbage] = UNREAD["garbled"]
    del net.ledger.state[net._key(keys.RECEIVABLE, financed)]
    for key in (garbage, read_key, financing_key):
        net.ledger.validation_parameters[key] = earlier_org_policy([CORE, SUPPLIER])

    pages = await net.upgrade_pages()
    assert [k for p in pages for k in p["unreadable"]] == [garbage, financing_key]
    for key in (garbage, financing_key):
        assert net.ledger.validation_parameters[key] == earlier_org_policy([CORE, SUPPLIER]), key
    assert net.ledger.validation_parameters[read_key] == org_policy([CORE, SUPPLIER])
