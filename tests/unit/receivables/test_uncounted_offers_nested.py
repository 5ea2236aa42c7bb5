"""MakeFinancingOffer's ``uncounted_offers`` nested thousands of levels deep, which any caller may send, is
refused ``argument-invalid`` like any other text that is no list of offer ids: json.loads gives up with a
RecursionError, which the caller got as an internal error naming no rule, the server logging a traceback."""

from __future__ import annotations

from .support import standard_net, transient_terms
from .test_exposure_entries_guarded import _offered


async def test_uncounted_offers_nested_too_deep_are_refused_as_no_list_of_offer_ids_and_change_nothing():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    await _offered(net)
    r = await net.confirmed(tier1, net.actors["core"], 1000_00, due_in=40)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], "", "[" * 100_000,
                                transient=transient_terms(), rule="argument-invalid")
    assert "not a list;" in message and "a JSON list of offer ids" in message
