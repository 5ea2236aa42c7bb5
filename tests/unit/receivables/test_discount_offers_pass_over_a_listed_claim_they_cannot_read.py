"""A claim a discount offer lists that this peer cannot read (a newer contract version wrote it, or no version did)
is passed over by the supplier's list of the debtor's offers and named (``unreadable``, ``newer_version``), as
every other list names what it passes over: it refused the whole page, every offer of the debtor to every
supplier, over one claim of another supplier's."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import standard_net
from .test_queries_name_what_they_pass_over import as_newer_version_wrote
from .test_unreadable_records import forge


async def _offers_on_two_suppliers_claims(net):
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    own = (await net.confirmed(tier1, core, 10_000, due_in=60))["id"]
    others = (await net.confirmed(tier2, core, 20_000, due_in=60))["id"]
    both = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                       "receivable_ids": [own, others]})
    only_others = await net.ok(core, "PublishDiscountOffer", {"apr": "0.04", "expires_on": net.day(30),
                                                              "receivable_ids": [others]})
    return own, others, both, only_others


async def _listed(net, reader):
    return await net.ok(reader, "ListDiscountOffers", net.actors["core"].uscc, "", "10", "", "open", evaluate=True)


async def test_a_supplier_lists_the_offers_naming_the_claim_of_a_newer_version_it_passed_over():
    net = await standard_net()
    own, others, both, _ = await _offers_on_two_suppliers_claims(net)
    key = net._key(keys.RECEIVABLE, others)
    as_newer_version_wrote(net, key)
    page = await _listed(net, net.actors["tier1"])
    assert [(d["id"], d["receivable_ids"]) for d in page["records"]] == [(both["id"], [own])]
    assert (page["newer_version"], page["unreadable"]) == ([key], [])


async def test_a_supplier_lists_the_offers_naming_a_claim_no_version_wrote_once():
    net = await standard_net()
    own, others, both, _ = await _offers_on_two_suppliers_claims(net)
    key = net._key(keys.RECEIVABLE, others)
    forge(net, key, b"garbage")
    page = await _listed(net, net.actors["tier1"])
    assert [(d["id"], d["receivable_ids"]) for d in page["records"]] == [(both["id"], [own])]
    assert (page["newer_version"], page["unreadable"]) == ([], [key])


async def test_the_debtor_and_the_regulator_read_no_claim_and_pass_none_over():
    net = await standard_net()
    _, others, both, only_others = await _offers_on_two_suppliers_claims(net)
    forge(net, net._key(keys.RECEIVABLE, others), b"garbage")
    for reader in (net.actors["core"], net.actors["regulator"]):
        page = await _listed(net, reader)
        assert sorted(d["id"] for d in page["records"]) == sorted([both["id"], only_others["id"]])
        assert (page["newer_version"], page["unreadable"]) == ([], [])


async def test_a_supplier_reads_the_offer_by_id_with_its_own_claim_passing_the_other_over():
    """As ``recfin discount accept`` reads it before sending the acceptance: with the claim, and without."""
    net = await standard_net()
    own, others, both, _ = await _offers_on_two_suppliers_claims(net)
    as_newer_version_wrote(net, net._key(keys.RECEIVABLE, others))
    tier1 = net.actors["tier1"]
    for claim in ("", own):
        seen = await net.ok(tier1, "GetDiscountOffer", both["id"], claim, evaluate=True)
        assert seen["receivable_ids"] == [own], claim


async def test_an_offer_showing_the_reader_no_claim_but_one_it_cannot_read_refuses_naming_that_claim():
    """That claim may be the reader's own: it is told how to read it, not that the offer is none of its business."""
    net = await standard_net()
    _, others, _, only_others = await _offers_on_two_suppliers_claims(net)
    key = net._key(keys.RECEIVABLE, others)
    as_newer_version_wrote(net, key)
    tier2 = net.actors["tier2"]
    message = await net.refused(tier2, "GetDiscountOffer", only_others["id"], rule="record-newer-version")
    assert others in message, message
    forge(net, key, b"garbage")
    message = await net.refused(tier2, "GetDiscountOffer", only_others["id"], rule="record-unreadable")
    assert others in message, message
