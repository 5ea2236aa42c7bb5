"""WithdrawFinancingOffer: the bank that made an open offer takes it back before the holder accepts it.

Without it an offer stood until it expired, one acceptance away from being lent whatever the bank had learnt
since (its room under its limit on the debtor gone, its terms out of date), and the bank could not offer on the
same request again.
"""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import Net, standard_net, transient_terms


async def _offered(net: Net, *, face: int = 10_000_00, due_in: int = 30, **terms: str) -> tuple[dict, dict, dict]:
    """tier1's confirmed claim on core, its financing request and the bank's open offer on it (on ``terms``)."""
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], face, due_in=due_in)
    f, o = await net.offered(a["tier1"], r["id"], a["bank"], terms=transient_terms(**terms))
    return r, f, o


async def _exposure(net: Net, bank: str) -> dict:
    return await net.ok(net.actors[bank], "GetFinancierExposure", net.actors["core"].uscc, "", evaluate=True)


async def test_the_bank_withdraws_its_open_offer_and_the_holder_can_no_longer_accept_it():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _offered(net)
    assert (await _exposure(net, "bank"))["offered"] == {"CNY": 9_000_00}
    net.advance(days=2)

    result = await net.call(bank, "WithdrawFinancingOffer", o["id"], "  terms revised ")
    assert result.status == 200, result.message
    done = json.loads(result.payload)
    assert (done["status"], done["withdrawn_on"], done["withdrawal_reason"]) == \
        ("WITHDRAWN", net.today, "terms revised")
    assert (done["last"]["action"], done["last"]["by"], done["last"]["tx_id"]) == \
        ("WithdrawFinancingOffer", bank.uscc, result.tx_id)
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "FinancingOfferWithdrawn" and payload == {
        "event": "FinancingOfferWithdrawn", "receivable_id": r["id"], "tx_id": result.tx_id,
        "financing_id": f["id"], "offer_id": o["id"], "financier": bank.uscc,
        "reason": "terms revised"}

    # no longer one acceptance away from being lent: out of the bank's open offers on the debtor
    seen = await _exposure(net, "bank")
    assert (seen["offered"], seen["offers"]) == ({}, [])
    assert net._key(keys.OPEN_OFFER, bank.uscc, net.actors["core"].uscc, o["id"]) not in net.ledger.state
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="invalid-state")
    # the claim and the request stand as they were; the offer's record (and its private terms) stay, for the record
    assert net.doc(r["id"])["financing_id"] == f["id"] and net.doc(r["id"])["status"] == "CONFIRMED"
    view = await net.ok(tier1, "GetFinancing", f["id"], evaluate=True)
    assert (view["status"], [(x["id"], x["status"]) for x in view["offers"]]) == \
        ("REQUESTED", [(o["id"], "WITHDRAWN")])
    assert json.loads((await net.call(bank, "GetOfferTerms", o["id"], evaluate=True)).payload)["advance_rate"] == "0.9"


async def test_a_bank_that_withdrew_offers_again_on_the_same_request_and_the_new_offer_can_be_accepted():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    r, f, o = await _offered(net)
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(salt="t" * 16),
                                rule="offer-already-made")
    assert "withdraw it first (WithdrawFinancingOffer)" in message
    await net.ok(bank, "WithdrawFinancingOffer", o["id"], "rate out of date")
    assert net._key(keys.OFFER_BY_BANK, f["id"], bank.uscc) not in net.ledger.state

    again = await net.ok(bank, "MakeFinancingOffer", f["id"],
                         transient=transient_terms(discount_rate="0.045", salt="t" * 16))
    assert again["id"] != o["id"] and again["status"] == "OPEN"
    assert (await _exposure(net, "bank"))["offered"] == {"CNY": 9_000_00}   # the new offer only
    accepted = await net.ok(tier1, "AcceptFinancingOffer", again["id"])
    assert (accepted["status"], accepted["accepted_offer_id"]) == ("ACCEPTED", again["id"])
    view = await net.ok(tier1, "GetFinancing", f["id"], evaluate=True)
    # the withdrawn offer stays withdrawn: acceptance lapses only the offers still open
    assert {x["id"]: x["status"] for x in view["offers"]} == {o["id"]: "WITHDRAWN", again["id"]: "ACCEPTED"}


async def test_only_the_bank_that_made_it_withdraws_an_open_offer_and_every_refusal_changes_nothing():
    net = await standard_net()
    a = net.actors
    r, f, o = await _offered(net)
    for who in ("tier1", "core", "regulator"):
        await net.refused(a[who], "WithdrawFinancingOffer", o["id"], "no", rule="role-not-permitted")
    message = await net.refused(a["bank2"], "WithdrawFinancingOffer", o["id"], "no", rule="not-the-financier")
    assert a["bank2"].uscc in message and o["id"] in message
    await net.refused(a["bank"], "WithdrawFinancingOffer", "O-0000000000000000", "no", rule="not-found")
    await net.refused(a["bank"], "WithdrawFinancingOffer", o["id"], "   ", rule="argument-invalid")
    await net.refused(a["bank"], "WithdrawFinancingOffer", o["id"], "x" * 501, rule="argument-invalid")

    # a freeze does not stop it (test_regulator.py): the claim stays frozen, the offer goes
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], "court-order-2026-SH-0099")
    await net.ok(a["bank"], "WithdrawFinancingOffer", o["id"], "first")
    assert net.doc(r["id"])["frozen"]["order_reference"] == "court-order-2026-SH-0099"
    message = await net.refused(a["bank"], "WithdrawFinancingOffer", o["id"], "again", rule="invalid-state")
    assert "is WITHDRAWN" in message


async def test_an_accepted_or_lapsed_offer_is_not_withdrawn_and_the_refusal_says_what_ends_it():
    net = await standard_net()
    a = net.actors
    r, f, o = await _offered(net)
    other = await net.ok(a["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(salt="u" * 16))
    await net.ok(a["tier1"], "AcceptFinancingOffer", o["id"])
    message = await net.refused(a["bank"], "WithdrawFinancingOffer", o["id"], "no", rule="invalid-state")
    assert "ACCEPTED" in message and "CancelFinancing" in message
    message = await net.refused(a["bank2"], "WithdrawFinancingOffer", other["id"], "no", rule="invalid-state")
    assert "LAPSED" in message and "accepted another offer or the request ended" in message


async def test_an_expired_offer_is_withdrawn_too():
    net = await standard_net()
    r, f, o = await _offered(net, due_in=90, expires_on=net.day(5))
    net.advance(days=6)      # the day after the offer's last day, long before the claim's due date
    await net.refused(net.actors["tier1"], "AcceptFinancingOffer", o["id"], rule="offer-expired")
    done = await net.ok(net.actors["bank"], "WithdrawFinancingOffer", o["id"], "expired, cleared")
    assert done["status"] == "WITHDRAWN"
    assert net._key(keys.OPEN_OFFER, net.actors["bank"].uscc, net.actors["core"].uscc, o["id"]) \
        not in net.ledger.state


async def test_a_withdrawal_writes_the_offer_its_three_entries_and_its_banks_mark_and_nothing_else():
    """Not the request: a withdrawal that wrote it would conflict (MVCC) with other banks' offers made meanwhile."""
    from chaincode.receivables.keys import OFFER_MADE
    from chaincode.receivables.keys import OFFER_MADE_DROPPED
    net = await standard_net()
    r, f, o = await _offered(net)
    await net.ok(net.actors["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(salt="u" * 16))
    before, private, policies = net.snapshot()
    await net.ok(net.actors["bank"], "WithdrawFinancingOffer", o["id"], "terms revised")
    after, after_private, after_policies = net.snapshot()
    bank, core = net.actors["bank"].uscc, net.actors["core"].uscc
    assert {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)} == {
        net._key(keys.OFFER, o["id"]), net._key(keys.OPEN_OFFER, bank, core, o["id"]),
        net._key(keys.OFFER_BY_BANK, f["id"], bank), net._key(OFFER_MADE, bank, core, o["id"]),
        net._key(OFFER_MADE_DROPPED, bank, core, o["id"])}
    made = net._key(OFFER_MADE, bank, core, o["id"])   # its policy goes with it, to the mark the entry leaves
    mark = net._key(OFFER_MADE_DROPPED, bank, core, o["id"])
    assert (after_private, after_policies) == (
        private, {**{k: v for k, v in policies.items() if k != made}, mark: policies[made]})


async def test_a_withdrawn_offer_stays_withdrawn_when_the_request_ends():
    """The request's end lapses the offers still open, not one the bank withdrew: its record says why it went."""
    net = await standard_net()
    a = net.actors
    r, f, o = await _offered(net)
    await net.ok(a["bank"], "WithdrawFinancingOffer", o["id"], "terms revised")
    await net.ok(a["tier1"], "WithdrawFinancing", f["id"])
    view = await net.ok(a["tier1"], "GetFinancing", f["id"], evaluate=True)
    assert [(x["status"], x["withdrawal_reason"]) for x in view["offers"]] == [("WITHDRAWN", "terms revised")]

    # a request nobody took up, ended by the debtor's payment from the due date on
    r, f, o = await _offered(net, due_in=10)
    other = await net.ok(a["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(salt="u" * 16))
    await net.ok(a["bank"], "WithdrawFinancingOffer", o["id"], "terms revised")
    net.advance(days=10)
    await net.ok(a["core"], "RecordPayment", r["id"], str(r["outstanding"]))
    view = await net.ok(a["tier1"], "GetFinancing", f["id"], evaluate=True)
    assert {x["id"]: x["status"] for x in view["offers"]} == {o["id"]: "WITHDRAWN", other["id"]: "LAPSED"}


async def test_an_old_withdrawn_offer_written_again_does_not_free_the_place_of_the_banks_new_offer():
    """recfin.offer-by-bank holds the bank's one live offer on the request: only its own offer's withdrawal frees it."""
    from chaincode.receivables.model import Offer
    from chaincode.receivables.store import Store

    net = await standard_net()
    r, f, o = await _offered(net)
    await net.ok(net.actors["bank"], "WithdrawFinancingOffer", o["id"], "terms revised")
    again = await net.ok(net.actors["bank"], "MakeFinancingOffer", f["id"], transient=transient_terms(salt="t" * 16))
    entry = net._key(keys.OFFER_BY_BANK, f["id"], net.actors["bank"].uscc)
    assert net.ledger.state[entry] == again["id"].encode()

    class Stub:   # the world state as the store sees it: reads from the ledger, writes kept aside
        def __init__(self):
            self.deleted = []

        async def get_state(self, key):
            return net.ledger.state.get(key)

        async def get_state_validation_parameter(self, key):
            return net.ledger.validation_parameters.get(key)

        async def put_state(self, key, value):
            pass

        async def del_state(self, key):
            self.deleted.append(key)

        def create_composite_key(self, object_type, attributes):
            return net._key(object_type, *attributes)

    stub = Stub()
    await Store(stub).put_offer(Offer.model_validate_json(net.ledger.state[net._key(keys.OFFER, o["id"])]), r["debtor"])
    assert entry not in stub.deleted
