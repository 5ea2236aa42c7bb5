"""ListDiscountOffers: a debtor's early-payment offers, by debtor or by the receivable they cover, open by default."""

from __future__ import annotations

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
    for who in ("core", "tier1", "tier2", "regulator"):
        assert len((await _list(net, who, debtor=core))["records"]) == 4, who
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
