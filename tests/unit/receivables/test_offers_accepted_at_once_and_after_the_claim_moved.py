"""What a bank relies on when the holder accepts offers at the same moment, or after the claim moved: of two
acceptances of offers on one request endorsed against the same state, validated as a peer validates them
(``MemoryLedger.endorse`` and ``commit``), exactly one commits; the other writes nothing, and sent again it is
refused naming the offer the holder did accept, as the claim is financed and nothing is left to do (where it
said the request had ended and to make a new one, which the financed claim refuses). The accepted offer counts
once in its bank's exposure, the lapsed one nowhere. An offer accepted and cancelled since is not "accepted
already": the refusal says to request again. An offer whose request was withdrawn so that the claim could be
split, transferred or paid is refused and writes nothing."""

from __future__ import annotations

from .support import assert_told_to_request_again, standard_net, transient_terms

OTHER_SALT = "t" * 16


async def _two_offers(net):
    """A claim of tier1 on core, requested, with an open offer of bank and one of bank2: claim id, request,
    the two offers and their terms."""
    core, tier1, bank, bank2 = (net.actors[name] for name in ("core", "tier1", "bank", "bank2"))
    claim = (await net.confirmed(tier1, core))["id"]
    terms, other_terms = transient_terms(), transient_terms(salt=OTHER_SALT)
    request, first = await net.offered(tier1, claim, bank, terms=terms)
    second = await net.ok(bank2, "MakeFinancingOffer", request["id"], transient=other_terms)
    return claim, request, (first, terms), (second, other_terms)


async def test_of_two_acceptances_at_once_one_commits_and_the_other_sent_again_names_the_deal():
    net = await standard_net()
    core, tier1, bank, bank2 = (net.actors[name] for name in ("core", "tier1", "bank", "bank2"))
    claim, request, (first, terms), (second, other_terms) = await _two_offers(net)
    taken = await net.endorsed(tier1, "AcceptFinancingOffer", first["id"], transient=terms)
    losing = await net.endorsed(tier1, "AcceptFinancingOffer", second["id"], transient=other_terms)
    assert net.ledger.commit(taken) == "VALID"
    after_the_first = net.snapshot()
    assert net.ledger.commit(losing) == "MVCC_READ_CONFLICT"
    assert net.snapshot() == after_the_first, "an acceptance that failed validation changed the ledger"

    message = await net.refused(tier1, "AcceptFinancingOffer", second["id"], transient=other_terms,
                                rule="invalid-state")
    assert message.endswith(f"offer {second['id']} is LAPSED on financing ACCEPTED: only an open offer on an "
                            f"open request can be accepted; the holder accepted offer {first['id']} of "
                            f"{bank.uscc} on request {request['id']}, and this one lapsed then: the claim is "
                            f"financed, and nothing is to be done (GetFinancing {request['id']} shows the deal)"
                            ), message
    # what the old refusal told the holder to do is refused in turn
    await net.refused(tier1, "RequestFinancing", claim, rule="financing-already-live")

    won = await net.ok(bank, "GetFinancierExposure", core.uscc, evaluate=True)
    lost = await net.ok(bank2, "GetFinancierExposure", core.uscc, evaluate=True)
    assert [f["financing_id"] for f in won["financings"]] == [request["id"]]
    assert won["exposure"] == {"CNY": won["financings"][0]["principal"]} and won["offered"] == {}
    assert (lost["exposure"], lost["financings"], lost["offered"], lost["offers"]) == ({}, [], {}, [])


async def test_an_acceptance_sent_again_after_it_committed_says_nothing_is_to_be_done():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    _, request, (first, terms), _ = await _two_offers(net)
    await net.ok(tier1, "AcceptFinancingOffer", first["id"], transient=terms)
    message = await net.refused(tier1, "AcceptFinancingOffer", first["id"], transient=terms, rule="invalid-state")
    assert message.endswith(f"it was accepted already, and nothing is to be done (GetFinancing {request['id']} "
                            "shows the deal)"), message


async def test_an_offer_accepted_and_cancelled_since_is_refused_naming_a_new_request():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.confirmed(tier1, core))["id"]
    f = await net.financed(tier1, claim, disburse=False)
    await net.ok(tier1, "CancelFinancing", f["id"], "terms no longer wanted")
    await assert_told_to_request_again(net, tier1, claim, f["id"], f["accepted_offer_id"])


async def test_an_acceptance_and_the_requests_withdrawal_at_once_commit_one():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    claim, request, (first, terms), _ = await _two_offers(net)
    withdrawn = await net.endorsed(tier1, "WithdrawFinancing", request["id"])
    accepted = await net.endorsed(tier1, "AcceptFinancingOffer", first["id"], transient=terms)
    assert net.ledger.commit(withdrawn) == "VALID"
    before = net.snapshot()
    assert net.ledger.commit(accepted) == "MVCC_READ_CONFLICT"
    assert net.snapshot() == before
    left = await net.ok(tier1, "GetReceivable", claim, evaluate=True)
    assert (left["status"], left["financier"], left["financing_id"]) == ("CONFIRMED", None, None)


async def _offer_on_a_claim_moved_since(net, move):
    """An offer of bank on tier1's claim, its request withdrawn and the claim then moved by ``move(claim)``; the
    offer's acceptance by ``tier1`` is refused and writes nothing: the refusal's message."""
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core))["id"]
    request, offer = await net.offered(tier1, claim)
    await net.ok(tier1, "WithdrawFinancing", request["id"])
    await move(claim)
    return claim, await net.refused(tier1, "AcceptFinancingOffer", offer["id"], transient=transient_terms(),
                                    rule="invalid-state")


async def test_an_offer_on_a_claim_split_transferred_or_paid_since_is_refused_and_writes_nothing():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]

    async def split(claim):
        await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, str(30_000_00))

    async def paid_in_part(claim):
        await net.ok(core, "RecordPayment", claim, str(10_000_00))

    for move in (split, paid_in_part):
        claim, message = await _offer_on_a_claim_moved_since(net, move)
        assert "has ended, so no offer on it can be accepted" in message, message
        assert (await net.ok(tier1, "GetReceivable", claim, evaluate=True))["financier"] is None

    # transferred whole, the claim is no longer tier1's to accept on
    claim = (await net.confirmed(tier1, core))["id"]
    request, offer = await net.offered(tier1, claim)
    await net.ok(tier1, "WithdrawFinancing", request["id"])
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, str(100_000_00))
    await net.refused(tier1, "AcceptFinancingOffer", offer["id"], transient=transient_terms(), rule="not-the-holder")
    # nor is the request the new holder's: it ended with the claim's last holder
    message = await net.refused(tier2, "AcceptFinancingOffer", offer["id"], transient=transient_terms(),
                                rule="invalid-state")
    assert "has ended, so no offer on it can be accepted" in message, message


async def test_a_new_offer_and_an_acceptance_at_once_leave_no_offer_open_on_the_financed_request():
    # the acceptance lapses every open offer on the request, read by a range a new offer writes into; the new
    # offer reads the request the acceptance writes: whichever commits first, the other fails, and no offer
    # stays OPEN, counted in its bank's figures, on a request that can never take it
    for new_offer_first in (False, True):
        net = await standard_net()
        core, tier1 = net.actors["core"], net.actors["tier1"]
        bank3 = await net.party("bank3", net.actors["bank"].msp, "financier")
        _, request, (first, terms), _ = await _two_offers(net)
        accepted = await net.endorsed(tier1, "AcceptFinancingOffer", first["id"], transient=terms)
        offered = await net.endorsed(bank3, "MakeFinancingOffer", request["id"], transient=transient_terms())
        if new_offer_first:
            assert [net.ledger.commit(offered), net.ledger.commit(accepted)] == ["VALID", "PHANTOM_READ_CONFLICT"]
            await net.ok(tier1, "AcceptFinancingOffer", first["id"], transient=terms)   # sent again
        else:
            assert [net.ledger.commit(accepted), net.ledger.commit(offered)] == ["VALID", "MVCC_READ_CONFLICT"]
        figures = await net.ok(bank3, "GetFinancierExposure", core.uscc, evaluate=True)
        assert (figures["offered"], figures["offers"]) == ({}, [])


async def test_an_acceptance_and_its_banks_withdrawal_at_once_commit_one():
    for withdrawal_first in (False, True):
        net = await standard_net()
        tier1, bank = net.actors["tier1"], net.actors["bank"]
        claim, _, (first, terms), _ = await _two_offers(net)
        accepted = await net.endorsed(tier1, "AcceptFinancingOffer", first["id"], transient=terms)
        withdrawn = await net.endorsed(bank, "WithdrawFinancingOffer", first["id"], "terms repriced")
        pair = (withdrawn, accepted) if withdrawal_first else (accepted, withdrawn)
        assert [net.ledger.commit(e) for e in pair] == ["VALID", "MVCC_READ_CONFLICT"]
        left = await net.ok(tier1, "GetReceivable", claim, evaluate=True)
        assert left["status"] == ("CONFIRMED" if withdrawal_first else "FINANCED")
