"""A financing offer's public record that two orgs rewrote to name a claim id holding U+0000 (a composite
key's delimiter, so no claim's key can be formed from it) is scanned and left out of the bank's lists and
figures, as every other forged entry or record is.

An offer's record has no key-level policy: any two orgs running altered chaincode can rewrite it. Reading its
claim formed that claim's key, which refused the whole of ListOffersByFinancier and GetFinancierExposure with
argument-invalid, blaming the caller's arguments for a record none of them named."""

from __future__ import annotations

import json

from chaincode.receivables import keys

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
