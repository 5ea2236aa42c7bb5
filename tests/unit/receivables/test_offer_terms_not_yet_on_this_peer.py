"""GetOfferTerms asked on a peer that does not hold the terms says, as GetFinancierExposure does in the same words
(queries.not_on_this_peer), to ask again shortly or ask another member org's peer.

A terms collection has ``requiredPeerCount`` 0: dissemination is best effort, and a member peer that missed the
terms gets them later by reconciliation. GetOfferTerms told even the holder on its own org's peer only to ask a
peer of the collection's member orgs, which it was already asking."""

from __future__ import annotations

from .support import standard_net


async def test_terms_missing_on_this_peer_are_refused_with_the_exposures_advice_to_ask_again():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    _, offer = await net.offered(tier1, (await net.confirmed(tier1, core, 1_000_00, due_in=60))["id"])
    private = net.ledger.private_state[offer["collection"]]
    for key in [k for k in private if offer["id"] in k]:   # as on a peer the terms have not reached yet
        del private[key]

    terms = await net.refused(tier1, "GetOfferTerms", offer["id"], evaluate=True, rule="not-found")
    assert offer["id"] in terms and offer["collection"] in terms
    assert "reconciliation, so ask again shortly, or ask a peer of another of those orgs" in terms
    exposure = await net.refused(bank, "GetFinancierExposure", core.uscc, "", evaluate=True, rule="not-found")
    # one wording for both: the same record, the same collection, the same way out
    assert terms.partition("RULE not-found: ")[2] == exposure.partition("RULE not-found: ")[2]
