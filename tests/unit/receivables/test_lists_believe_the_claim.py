"""The holder, debtor and status lists, a debtor's payment record and its discount offers list a record only while
the record itself says what its index entry says. An entry nobody wrote yet is a new key, which any two orgs running
altered chaincode can write under the chaincode-level policy: such an entry is scanned (``fetched`` counts it) and
left out, as ``ListReceivablesByFinancier`` leaves out one out of step with its claim."""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import Net, standard_net


def forge_entry(net: Net, index: str, *attributes: str) -> None:
    """Write an index entry as two orgs can, outside the contract."""
    net.ledger.state[net._key(index, *attributes)] = keys.INDEX_VALUE


async def test_a_claim_paid_on_time_is_not_listed_in_another_debtors_payment_record():
    net = await standard_net()
    core, core2, t1, bank = (net.actors[k] for k in ("core", "core2", "tier1", "bank"))
    paid = (await net.confirmed(t1, core, 1000))["id"]
    await net.ok(core, "RecordPayment", paid, "1000")
    own = (await net.confirmed(t1, core2, 2000))["id"]
    forge_entry(net, keys.BY_DEBTOR, core2.uscc, paid)

    for reader in (bank, core2, net.actors["regulator"]):
        page = await net.ok(reader, "GetDebtorPaymentRecord", core2.uscc, "10", "", evaluate=True)
        assert [r["receivable_id"] for r in page["records"]] == [own], reader.name
        assert page["fetched"] == 2
    # core's own record still lists it, paid on time
    page = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert [(r["receivable_id"], r["days_late"]) for r in page["records"]] == [(paid, 0)]


async def test_an_entry_under_another_holder_shows_the_claim_to_no_one_it_is_not_for():
    net = await standard_net()
    core, t1, t2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    a = (await net.confirmed(t1, core, 1000))["id"]
    own = (await net.confirmed(t2, core, 2000))["id"]
    forge_entry(net, keys.BY_HOLDER, t2.uscc, a)
    await net.refused(t2, "GetReceivable", a, rule="not-permitted-to-read", evaluate=True)

    page = await net.ok(t2, "ListReceivablesByHolder", t2.uscc, "10", "", evaluate=True)
    assert ([r["id"] for r in page["records"]], page["fetched"]) == ([own], 2)
    # the claim's own holder still finds it under its own entry
    page = await net.ok(t1, "ListReceivablesByHolder", t1.uscc, "10", "", evaluate=True)
    assert [r["id"] for r in page["records"]] == [a]


async def test_an_entry_under_another_debtor_or_status_shows_nothing():
    net = await standard_net()
    core, core2, t1, reg = (net.actors[k] for k in ("core", "core2", "tier1", "regulator"))
    confirmed = (await net.confirmed(t1, core, 1000))["id"]
    registered = (await net.registered(t1, core2, 2000))["id"]
    forge_entry(net, keys.BY_DEBTOR, core2.uscc, confirmed)
    forge_entry(net, keys.BY_STATUS, "SETTLED", confirmed)
    forge_entry(net, keys.BY_STATUS, "SETTLED", registered)

    page = await net.ok(core2, "ListReceivablesByDebtor", core2.uscc, "10", "", evaluate=True)
    assert ([r["id"] for r in page["records"]], page["fetched"]) == ([registered], 2)
    page = await net.ok(reg, "ListReceivablesByStatus", "SETTLED", "10", "", evaluate=True)
    assert (page["records"], page["fetched"]) == ([], 2)
    # the entries the contract wrote still list their claims
    page = await net.ok(reg, "ListReceivablesByStatus", "CONFIRMED", "10", "", evaluate=True)
    assert [r["id"] for r in page["records"]] == [confirmed]
    page = await net.ok(reg, "ListReceivablesByStatus", "REGISTERED", "10", "", evaluate=True)
    assert [r["id"] for r in page["records"]] == [registered]


async def test_the_lists_follow_every_move_of_a_claim():
    """Every write of a claim moves its entries with it, so no legitimate claim is left out: a split part, a
    transfer, a payment and a settlement are each listed under their new holder and status alone."""
    net = await standard_net()
    core, t1, t2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    r = (await net.confirmed(t1, core, 100_000))["id"]
    await net.ok(t1, "TransferReceivable", r, t2.uscc, "30000")
    parts = {(await net.ok(reg, "GetReceivable", part, evaluate=True))["holder"]: part
             for part in (await net.ok(reg, "GetReceivable", r, evaluate=True))["children"]}
    kept, passed = parts[t1.uscc], parts[t2.uscc]
    await net.ok(core, "RecordPayment", passed, "30000")

    async def listed(fn: str, value: str) -> list[str]:
        return [x["id"] for page in await net.every_page(reg, fn, value) for x in page["records"]]

    assert await listed("ListReceivablesByHolder", t1.uscc) == [r, kept]
    assert await listed("ListReceivablesByHolder", t2.uscc) == [passed]
    assert await listed("ListReceivablesByStatus", "SPLIT") == [r]
    assert await listed("ListReceivablesByStatus", "SETTLED") == [passed]
    assert await listed("ListReceivablesByStatus", "CONFIRMED") == [kept]
    assert await listed("ListReceivablesByDebtor", core.uscc) == sorted([r, kept, passed])


async def test_a_discount_offer_of_another_debtor_is_not_listed_under_this_one():
    net = await standard_net()
    core, core2, t1 = (net.actors[k] for k in ("core", "core2", "tier1"))
    offer = {"apr": "0.05", "expires_on": net.day(30)}
    theirs = await net.ok(core, "PublishDiscountOffer", offer)
    own = await net.ok(core2, "PublishDiscountOffer", offer)
    forge_entry(net, keys.DISCOUNT_BY_DEBTOR, core2.uscc, net.today, theirs["id"])
    forge_entry(net, keys.DISCOUNT_BY_DEBTOR, core2.uscc, net.today, "D-missing")
    net.ledger.state[net._key(keys.DISCOUNT, "D-garbage")] = b"garbage"
    forge_entry(net, keys.DISCOUNT_BY_DEBTOR, core2.uscc, net.today, "D-garbage")

    for reader in (core2, t1):
        page = await net.ok(reader, "ListDiscountOffers", core2.uscc, "", "10", "", "all", evaluate=True)
        assert ([d["id"] for d in page["records"]], page["fetched"]) == ([own["id"]], 4), reader.name


async def test_the_claims_an_earlier_contract_left_are_listed_under_every_entry_it_wrote():
    """The entries of ``legacy/ledger-585f3fe.json`` (the contract of 585f3fe) agree with their claims: each of its
    claims is listed under its holder, its debtor and its status, and under nothing else."""
    from .test_legacy_records import legacy_net

    net, _ = legacy_net()
    reg = net.actors["regulator"]
    claims = {key.split("\x00")[2]: json.loads(value) for key, value in net.ledger.state.items()
              if key.startswith(f"\x00{keys.RECEIVABLE}\x00")}
    assert claims
    for fn, field in (("ListReceivablesByHolder", "holder"), ("ListReceivablesByDebtor", "debtor"),
                      ("ListReceivablesByStatus", "status")):
        for value in {c[field] for c in claims.values()}:
            pages = await net.every_page(reg, fn, value)
            expected = sorted(i for i, c in claims.items() if c[field] == value)
            assert [r["id"] for p in pages for r in p["records"]] == expected, (fn, value)
            assert sum(p["fetched"] for p in pages) == len(expected)   # no entry of it was left out
