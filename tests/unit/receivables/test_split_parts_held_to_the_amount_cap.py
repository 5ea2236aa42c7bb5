"""A claim stored under the earlier cap (10**17 fen) moves whole as it is, but a split writes two new records:
a part above 2**53 - 1 fen would not read exactly in a JSON parser (JSON.parse reads 9007199254740995 as
...996), so such a split is refused, naming the whole transfer and the parts a split can write, and changes
nothing."""

from __future__ import annotations

import json

from chaincode.receivables import keys, money

from .support import standard_net

ABOVE = 2**53 + 5   # no JSON parser reading numbers as doubles reads it exactly


async def stored_above_the_cap(net, face: int = ABOVE) -> str:
    """tier1's confirmed claim, its amounts rewritten to ``face`` as a contract with the earlier cap let it
    write."""
    r = await net.confirmed(net.actors["tier1"], net.actors["core"], 1000, due_in=60)
    key = net._key(keys.RECEIVABLE, r["id"])
    stored = json.loads(net.ledger.state[key])
    stored["face_amount"] = stored["outstanding"] = face
    net.ledger.state[key] = json.dumps(stored).encode()
    return r["id"]


async def test_a_split_that_would_write_a_part_above_the_cap_is_refused_naming_what_it_can_do():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    claim = await stored_above_the_cap(net)
    message = await net.refused(tier1, "TransferReceivable", claim, tier2.uscc, "2", rule="amount-too-large")
    assert message.endswith(
        "would write a part of 90071992547409.95 CNY: each part of a split is capped at 90071992547409.91 CNY "
        "(9007199254740991 fen, the most every JSON parser reads exactly); transfer the whole outstanding amount, "
        "or split off "
        "between 0.06 CNY (6 fen) and 90071992547409.91 CNY (9007199254740991 fen)"), message
    # the part transferred above the cap too
    await net.refused(tier1, "TransferReceivable", claim, tier2.uscc, str(ABOVE - 1), rule="amount-too-large")
    # within the bounds named, both parts are within the cap, and they add up to the claim
    split = await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "6")
    parts = [net.doc(part)["face_amount"] for part in split["children"]]
    assert parts == [6, money.MAX_AMOUNT] and sum(parts) == ABOVE


async def test_a_claim_too_large_for_any_split_within_the_cap_still_moves_whole():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    claim = await stored_above_the_cap(net, money.STORED_AMOUNT_LIMIT)
    message = await net.refused(tier1, "TransferReceivable", claim, tier2.uscc, str(money.MAX_AMOUNT),
                                rule="amount-too-large")
    assert message.endswith("transfer the whole outstanding amount"), message   # no split fits: none named
    moved = await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, str(money.STORED_AMOUNT_LIMIT))
    assert (moved["holder"], moved["face_amount"]) == (tier2.uscc, money.STORED_AMOUNT_LIMIT)
