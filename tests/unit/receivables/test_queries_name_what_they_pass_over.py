"""A list, the statistics and a bank's exposure pass over a record this peer cannot read (one no contract version
wrote, or one a newer version wrote), and say so: its key in ``unreadable`` or ``newer_version``, as UpgradeLedger
names them, so that a reader summing the answer knows what it does not hold."""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import Net, standard_net
from .test_unreadable_records import forge


def as_newer_version_wrote(net: Net, key: str) -> None:
    """The record under ``key`` with a field this version does not know, as a newer version writes it."""
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "field_of_a_newer_version": 1}).encode()


async def test_the_lists_and_the_statistics_name_the_claims_they_pass_over():
    net = await standard_net()
    core, t1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    kept = (await net.confirmed(t1, core, 1000))["id"]
    newer = (await net.confirmed(t1, core, 2000))["id"]
    newer_key = net._key(keys.RECEIVABLE, newer)
    as_newer_version_wrote(net, newer_key)
    forged_key = net._key(keys.RECEIVABLE, "R-forged")
    forge(net, forged_key, b"garbage")
    for index, value in ((keys.BY_HOLDER, t1.uscc), (keys.BY_DEBTOR, core.uscc), (keys.BY_STATUS, "CONFIRMED")):
        forge(net, net._key(index, value, "R-forged"), keys.INDEX_VALUE)
    for fn, value in (("ListReceivablesByHolder", t1.uscc), ("ListReceivablesByDebtor", core.uscc),
                      ("ListReceivablesByStatus", "CONFIRMED")):
        page = await net.ok(reg, fn, value, "10", "", evaluate=True)
        assert [r["id"] for r in page["records"]] == [kept], fn
        assert (page["unreadable"], page["newer_version"]) == ([forged_key], [newer_key]), fn
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert stats["total"]["CNY"]["exposure"] == 1000
    assert (stats["unreadable"], stats["newer_version"]) == ([forged_key], [newer_key])


async def test_a_list_reading_every_record_names_none():
    net = await standard_net()
    core, t1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    await net.confirmed(t1, core, 1000)
    page = await net.ok(reg, "ListReceivablesByDebtor", core.uscc, "10", "", evaluate=True)
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    for answer in (page, stats):
        assert (answer["unreadable"], answer["newer_version"]) == ([], [])


async def test_a_banks_financed_claims_name_a_claim_a_newer_version_wrote():
    net = await standard_net()
    core, t1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(t1, core)
    await net.financed(t1, r["id"], bank)
    key = net._key(keys.RECEIVABLE, r["id"])
    as_newer_version_wrote(net, key)
    page = await net.ok(bank, "ListReceivablesByFinancier", bank.uscc, "", "10", "", evaluate=True)
    assert (page["records"], page["newer_version"], page["unreadable"]) == ([], [key], [])


async def test_a_banks_open_offers_and_its_exposure_name_an_offer_a_newer_version_wrote():
    net = await standard_net()
    core, t1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(t1, core)
    _, offer = await net.offered(t1, r["id"], bank)
    other = await net.confirmed(t1, core, 5_000)
    _, readable = await net.offered(t1, other["id"], bank)
    key = net._key(keys.OFFER, offer["id"])
    as_newer_version_wrote(net, key)
    page = await net.ok(bank, "ListOffersByFinancier", bank.uscc, "", "10", "", evaluate=True)
    assert [o["id"] for o in page["records"]] == [readable["id"]]
    assert (page["newer_version"], page["unreadable"]) == ([key], [])
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert [o["offer_id"] for o in exposure["offers"]] == [readable["id"]]
    assert (exposure["newer_version"], exposure["unreadable"]) == ([key], [])
    # and an offer whose claim no version wrote: the claim is named, the offer counts nothing
    claim_key = net._key(keys.RECEIVABLE, other["id"])
    forge(net, claim_key, b"garbage")
    page = await net.ok(bank, "ListOffersByFinancier", bank.uscc, "", "10", "", evaluate=True)
    assert (page["records"], page["unreadable"]) == ([], [claim_key])
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert (exposure["offers"], exposure["offered"], exposure["unreadable"]) == ([], {}, [claim_key])


async def test_a_debtors_discount_offers_name_one_a_newer_version_wrote():
    net = await standard_net()
    core = net.actors["core"]
    kept = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20)})
    newer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.06", "expires_on": net.day(20)})
    key = net._key(keys.DISCOUNT, newer["id"])
    as_newer_version_wrote(net, key)
    page = await net.ok(core, "ListDiscountOffers", core.uscc, "", "10", "", "open", evaluate=True)
    assert [d["id"] for d in page["records"]] == [kept["id"]]
    assert (page["newer_version"], page["unreadable"]) == ([key], [])
    forge(net, key, b"garbage")
    page = await net.ok(core, "ListDiscountOffers", core.uscc, "", "10", "", "all", evaluate=True)
    assert (page["newer_version"], page["unreadable"]) == ([], [key])


async def test_a_financing_names_the_offers_it_passes_over():
    """A holder choosing among a request's offers learns that one is not among them: an offer a newer version
    wrote, and one no version wrote, are named, not left out without a word, nor refusing the whole request."""
    net = await standard_net()
    core, t1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(t1, core)
    f, offer = await net.offered(t1, r["id"], bank)
    key = net._key(keys.OFFER, offer["id"])
    as_newer_version_wrote(net, key)
    for reader in (t1, bank, reg):
        seen = await net.ok(reader, "GetFinancing", f["id"], evaluate=True)
        assert (seen["offers"], seen["newer_version"], seen["unreadable"]) == ([], [key], []), reader
    forge(net, key, b"garbage")
    seen = await net.ok(t1, "GetFinancing", f["id"], evaluate=True)
    assert (seen["offers"], seen["newer_version"], seen["unreadable"]) == ([], [], [key])


async def test_a_financing_reading_every_offer_names_none_and_its_withdrawal_still_refuses_a_newer_offer():
    net = await standard_net()
    core, t1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(t1, core)
    f, offer = await net.offered(t1, r["id"], bank)
    seen = await net.ok(t1, "GetFinancing", f["id"], evaluate=True)
    assert ([o["id"] for o in seen["offers"]], seen["newer_version"], seen["unreadable"]) == ([offer["id"]], [], [])
    # a write still cannot tell whether a newer version's offer is open: it refuses, as before
    as_newer_version_wrote(net, net._key(keys.OFFER, offer["id"]))
    await net.refused(t1, "WithdrawFinancing", f["id"], rule="record-newer-version")
