"""ListDiscountOffers: a debtor's early-payment offers, by debtor or by the receivable they cover, open by default."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.shim._peer_options import PeerOptions
from chaincode.testing._memory_peer import MemoryPeerSession
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from .support import Net, standard_net


async def _offers(net: Net) -> dict:
    """On core, a day apart: a general offer, one for claim A, one for claim B, one expiring the next day;
    and an offer of core2."""
    core, core2, tier1, tier2 = (net.actors[k] for k in ("core", "core2", "tier1", "tier2"))
    a = await net.confirmed(tier1, core, 1000, due_in=60)
    b = await net.confirmed(tier2, core, 2000, due_in=60)
    ids = {"A": a["id"], "B": b["id"]}
    ids["general"] = (await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)}))["id"]
    net.advance(1)
    ids["for_a"] = (await net.ok(core, "PublishDiscountOffer", {
        "scale": [{"min_days_early": 10, "apr": "0.04"}], "expires_on": net.day(30), "receivable_ids": [a["id"]]}))["id"]
    net.advance(1)
    ids["for_b"] = (await net.ok(core, "PublishDiscountOffer", {
        "apr": "0.06", "expires_on": net.day(30), "receivable_ids": [b["id"]]}))["id"]
    net.advance(1)
    ids["short"] = (await net.ok(core, "PublishDiscountOffer", {"apr": "0.07", "expires_on": net.day(1)}))["id"]
    ids["core2"] = (await net.ok(core2, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)}))["id"]
    return ids


async def _list(net: Net, who: str, debtor: str = "", receivable: str = "", scope: str = "open",
                page_size: str = "100", bookmark: str = "") -> dict:
    return await net.ok(net.actors[who], "ListDiscountOffers", debtor, receivable, page_size, bookmark, scope,
                        evaluate=True)


async def test_the_offers_covering_a_receivable_open_ones_by_default_oldest_first():
    net = await standard_net()
    ids = await _offers(net)
    core = net.actors["core"].uscc
    covering_a = await _list(net, "tier1", receivable=ids["A"])
    assert [d["id"] for d in covering_a["records"]] == [ids["general"], ids["for_a"], ids["short"]]
    assert covering_a["records"][1]["scale"] == [{"min_days_early": 10, "apr": "0.04"}]
    assert [d["id"] for d in (await _list(net, "tier2", debtor=core, receivable=ids["B"]))["records"]] == [
        ids["general"], ids["for_b"], ids["short"]]
    net.advance(2)  # "short" expired yesterday
    assert [d["id"] for d in (await _list(net, "tier1", receivable=ids["A"]))["records"]] == [ids["general"], ids["for_a"]]
    everything = await _list(net, "regulator", debtor=core, scope="all")
    assert [d["id"] for d in everything["records"]] == [ids[k] for k in ("general", "for_a", "for_b", "short")]
    assert all(d["debtor"] == core for d in everything["records"])


async def test_pages_of_one_offer_add_up_to_the_list():
    net = await standard_net()
    await _offers(net)
    core = net.actors["core"]
    whole = [d["id"] for d in (await _list(net, "core", debtor=core.uscc, scope="all"))["records"]]
    seen, bookmark = [], ""
    while True:
        page = await _list(net, "core", debtor=core.uscc, scope="all", page_size="1", bookmark=bookmark)
        seen += [d["id"] for d in page["records"]]
        bookmark = page["bookmark"]
        if not bookmark:
            break
    assert seen == whole and len(whole) == 4


async def test_the_debtor_its_suppliers_and_the_regulator_may_list_them_banks_and_other_debtors_may_not():
    net = await standard_net()
    ids = await _offers(net)
    core = net.actors["core"].uscc
    for who in ("core", "regulator"):
        assert len((await _list(net, who, debtor=core))["records"]) == 4, who
    for who, other in (("tier1", "for_b"), ("tier2", "for_a")):     # not the offer on the other's claim alone
        listed = [d["id"] for d in (await _list(net, who, debtor=core))["records"]]
        assert len(listed) == 3 and ids[other] not in listed, who
    for who in ("bank", "bank2", "core2"):
        message = await net.refused(net.actors[who], "ListDiscountOffers", core, "", "10", "", "open", evaluate=True,
                                    rule="not-permitted-to-read")
        assert "suppliers, the debtor and the regulator" in message
    # by receivable: the caller must be able to read the claim, and then the offers
    await net.refused(net.actors["tier2"], "ListDiscountOffers", "", ids["A"], "10", "", evaluate=True,
                      rule="not-permitted-to-read")
    f = await net.ok(net.actors["tier1"], "RequestFinancing", ids["A"])  # now banks may read A to price it
    await net.ok(net.actors["bank"], "GetReceivable", ids["A"], evaluate=True)
    await net.refused(net.actors["bank"], "ListDiscountOffers", "", ids["A"], "10", "", evaluate=True,
                      rule="not-permitted-to-read")
    assert f["receivable_id"] == ids["A"]


async def test_a_supplier_sees_of_an_offer_listing_claims_only_the_claims_it_may_read():
    net = await standard_net()
    ids = await _offers(net)
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    both = (await net.ok(core, "PublishDiscountOffer", {"apr": "0.03", "expires_on": net.day(30),
                                                       "receivable_ids": [ids["A"], ids["B"]]}))["id"]
    for who, own, other in ((tier1, "A", "B"), (tier2, "B", "A")):
        for listed in ((await _list(net, who.name, debtor=core.uscc))["records"],
                       (await _list(net, who.name, receivable=ids[own]))["records"]):
            shown = {d["id"]: d["receivable_ids"] for d in listed}
            assert shown[both] == [ids[own]] and ids[other] not in str(listed), who.name
        assert (await net.ok(who, "GetDiscountOffer", both, evaluate=True))["receivable_ids"] == [ids[own]]
        # an offer on the other supplier's claim alone: left out of lists, refused by id, its claim not named
        message = await net.refused(who, "GetDiscountOffer", ids[f"for_{other.lower()}"], evaluate=True,
                                    rule="not-permitted-to-read")
        assert ids[other] not in message
    # the debtor and the regulator see every claim an offer lists
    for who in ("core", "regulator"):
        assert (await net.ok(net.actors[who], "GetDiscountOffer", both, evaluate=True))["receivable_ids"] == \
            [ids["A"], ids["B"]]
        listed = {d["id"]: d["receivable_ids"] for d in (await _list(net, who, debtor=core.uscc))["records"]}
        assert listed[both] == [ids["A"], ids["B"]] and listed[ids["for_b"]] == [ids["B"]]
    # A transferred whole to tier2: its creditor still reads it, and so its place in the offer; its new holder too
    await net.ok(tier1, "TransferReceivable", ids["A"], tier2.uscc, "1000")
    assert (await net.ok(tier1, "GetDiscountOffer", both, evaluate=True))["receivable_ids"] == [ids["A"]]
    assert (await net.ok(tier2, "GetDiscountOffer", both, evaluate=True))["receivable_ids"] == [ids["A"], ids["B"]]


async def test_a_page_reads_the_claims_its_offers_list_in_one_round_trip_each_claim_once(monkeypatch):
    """A supplier's page decides which listed claims it may read: one GET_STATE_MULTIPLE for the claims of every
    offer on the page, not one per offer, and no claim asked for twice (on a peer offering multi-key reads); the
    page's offers themselves are read in one too."""
    net = await standard_net()
    net.ledger.peer_options = PeerOptions(use_get_multiple_keys=True, max_size_get_multiple_keys=1000)
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    own = [(await net.confirmed(tier1, core, 1000, due_in=60))["id"] for _ in range(3)]
    others = [(await net.confirmed(tier2, core, 1000, due_in=60))["id"] for _ in range(3)]
    listings = [[own[0], others[0]], [own[1], others[1]], [others[2]], [own[0], own[2], others[1]]]
    offers = [(await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                          "receivable_ids": listed}))["id"] for listed in listings]
    claim_key, offer_key = net._key(keys.RECEIVABLE), net._key(keys.DISCOUNT)
    batches: list[list[str]] = []   # the receivable keys of each GET_STATE_MULTIPLE
    offer_batches: list[list[str]] = []   # the discount offer keys of each GET_STATE_MULTIPLE
    one_by_one: list[str] = []      # receivable and discount offer keys read alone (GET_STATE)
    get_state, get_multiple = MemoryPeerSession._get_state, MemoryPeerSession._get_state_multiple

    def one(session, payload):
        if (key := shim_pb2.GetState.FromString(payload).key).startswith((claim_key, offer_key)):
            one_by_one.append(key)
        return get_state(session, payload)

    def many(session, payload):
        wanted = shim_pb2.GetStateMultiple.FromString(payload).keys
        if claims := [k for k in wanted if k.startswith(claim_key)]:
            batches.append(claims)
        if listed_offers := [k for k in wanted if k.startswith(offer_key)]:
            offer_batches.append(listed_offers)
        return get_multiple(session, payload)

    monkeypatch.setattr(MemoryPeerSession, "_get_state", one)
    monkeypatch.setattr(MemoryPeerSession, "_get_state_multiple", many)
    listed = (await _list(net, "tier1", debtor=core.uscc))["records"]
    assert {d["id"]: d["receivable_ids"] for d in listed} == {
        offers[0]: [own[0]], offers[1]: [own[1]], offers[3]: [own[0], own[2]]}   # offers[2] lists none of its own
    assert len(batches) == 1 and not one_by_one, (batches, one_by_one)
    assert len(offer_batches) == 1 and sorted(offer_batches[0]) == sorted(net._key(keys.DISCOUNT, i) for i in offers)
    assert sorted(batches[0]) == sorted(net._key(keys.RECEIVABLE, i) for i in own + others)
    # the single offer's path reads its own claims alike
    batches.clear()
    assert (await net.ok(tier1, "GetDiscountOffer", offers[3], evaluate=True))["receivable_ids"] == [own[0], own[2]]
    assert len(batches) == 1 and sorted(batches[0]) == sorted(net._key(keys.RECEIVABLE, i)
                                                              for i in (own[0], own[2], others[1]))


async def test_arguments_are_checked():
    net = await standard_net()
    ids = await _offers(net)
    tier1, core2 = net.actors["tier1"], net.actors["core2"].uscc
    fn = "ListDiscountOffers"
    await net.refused(tier1, fn, "", "", "10", "", evaluate=True, rule="argument-invalid")
    await net.refused(tier1, fn, core2, ids["A"], "10", "", evaluate=True, rule="argument-invalid")
    await net.refused(tier1, fn, core2, "", "10", "", "expired", evaluate=True, rule="argument-invalid")
    await net.refused(tier1, fn, core2, "", "101", "", evaluate=True, rule="page-size-invalid")
    await net.refused(tier1, fn, "", "R-0000000000000000", "10", "", evaluate=True, rule="not-found")
