"""A financing offer's public record that two orgs rewrote to name a claim id holding U+0000 (a composite
key's delimiter, so no claim's key can be formed from it) is scanned and left out of the bank's lists and
figures, as every other forged entry or record is, and refused record-unreadable where read by its id.

An offer's record has no key-level policy: any two orgs running altered chaincode can rewrite it. Reading its
claim formed that claim's key, which refused the whole of ListOffersByFinancier and GetFinancierExposure with
argument-invalid, blaming the caller's arguments for a record none of them named."""

from __future__ import annotations

import json

from chaincode.receivables import keys

import pytest

from .support import standard_net


def _rewrite(net, object_type: str, object_id: str, **fields) -> None:
    """What two orgs running altered chaincode could write to a key without a key-level policy."""
    key = net._key(object_type, object_id)
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), **fields}).encode()


async def test_an_offer_naming_a_claim_id_with_u0000_is_left_out_of_the_banks_list_and_figures():
    net = await standard_net()
    core, tier1, bank, regulator = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    _, kept = await net.offered(tier1, (await net.confirmed(tier1, core, 1_000_00, due_in=60))["id"])
    _, forged = await net.offered(tier1, (await net.confirmed(tier1, core, 2_000_00, due_in=60))["id"])
    _rewrite(net, keys.OFFER, forged["id"], receivable_id=forged["receivable_id"] + "\u0000x")

    for reader in (bank, regulator):
        page = await net.ok(reader, "ListOffersByFinancier", bank.uscc, core.uscc, "10", "", evaluate=True)
        assert ([o["id"] for o in page["records"]], page["fetched"]) == ([kept["id"]], 2), reader.name
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    assert [o["offer_id"] for o in exposure["offers"]] == [kept["id"]]
    assert exposure["offered"] == {"CNY": 900_00}   # the kept offer's advance (0.9) on 1,000.00 alone
    # the bank's own entry on the forged offer stands: its next offer drops it, as one its figures left out
    assert exposure["uncounted_offers"] == [forged["id"]]


@pytest.mark.parametrize("field", ["receivable_id", "financing_id"])
async def test_an_offer_naming_an_id_with_u0000_is_refused_unreadable_naming_the_offer(field):
    """Reading the offer by its id formed the key of the claim or request it names: AcceptFinancingOffer,
    GetOfferTerms and WithdrawFinancingOffer were refused argument-invalid, blaming the caller's offer id (or,
    with the terms read before the rewrite, the offer was accepted on the forged record). The way out the
    refusal names, withdrawing the request and requesting again, ends with a new offer accepted."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, 2_000_00, due_in=60)
    request, offer = await net.offered(tier1, claim["id"])
    terms = await net.ok(tier1, "GetOfferTerms", offer["id"], evaluate=True)
    _rewrite(net, keys.OFFER, offer["id"], **{field: offer[field] + "\u0000x"})

    refusals = [await net.refused(tier1, "AcceptFinancingOffer", offer["id"],
                                  transient={"terms": json.dumps(terms).encode()}, rule="record-unreadable"),
                await net.refused(tier1, "GetOfferTerms", offer["id"], evaluate=True,
                                  rule="record-unreadable"),
                await net.refused(bank, "WithdrawFinancingOffer", offer["id"], "no longer offered",
                                  rule="record-unreadable")]
    for message in refusals:
        assert f"recfin.offer [{offer['id']}]" in message, message
        assert f"'{field}: holds U+0000 or U+10FFFF'" in message, message
        assert "(WithdrawFinancing)" in message, message

    await net.ok(tier1, "WithdrawFinancing", request["id"])
    _, again = await net.offered(tier1, claim["id"])
    assert (await net.ok(tier1, "AcceptFinancingOffer", again["id"]))["status"] == "ACCEPTED"
