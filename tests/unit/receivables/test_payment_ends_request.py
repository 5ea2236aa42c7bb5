"""RecordPayment from the due date on ends a financing request no offer of which was accepted.

From the due date on no bank may offer on such a request and its holder may accept none (past-maturity), and only
the holder could withdraw it: left open, it held back the debtor's payment of its part and of the whole split tree,
and the debtor was recorded late. The payment ends it as WithdrawFinancing does (and an accepted financing not yet
disbursed as CancelFinancing does: test_payment_ends_an_accepted_financing_at_maturity.py).
"""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import CORE, SUPPLIER, Net, standard_net, transient_terms


async def _tree_with_request(net: Net, *, offers: tuple[str, ...] = ("bank",)) -> tuple[str, str, dict, list[dict]]:
    """A claim of tier1 on core due in 30 days, 30,000.00 of it split off to tier2, whose part has a financing
    request with an offer of each of ``offers`` still open: the root id, the part's id, the request, the offers."""
    core, t1, t2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    r = await net.confirmed(t1, core, 100_000_00, due_in=30)
    await net.ok(t1, "TransferReceivable", r["id"], t2.uscc, str(30_000_00))
    part = r["id"] + ".1"
    f = await net.ok(t2, "RequestFinancing", part)
    made = [await net.ok(net.actors[bank], "MakeFinancingOffer", f["id"], transient=transient_terms())
            for bank in offers]
    return r["id"], part, f, made


def _offer_state(net: Net, o: dict) -> tuple:
    """An offer's status and which of its entries are on the ledger (open-offer, by-financing, offer-by-bank)."""
    doc = json.loads(net.ledger.state[net._key(keys.OFFER, o["id"])])
    entries = (net._key(keys.OPEN_OFFER, o["financier"], net.actors["core"].uscc, o["id"]),
               net._key(keys.BY_FINANCING, o["financing_id"], o["id"]),
               net._key(keys.OFFER_BY_BANK, o["financing_id"], o["financier"]))
    return doc["status"], tuple(e in net.ledger.state for e in entries)


def _financing(net: Net, financing_id: str) -> dict:
    return json.loads(net.ledger.state[net._key(keys.FINANCING, financing_id)])


async def test_paying_the_whole_tree_at_maturity_ends_a_parts_request_and_nobody_is_late():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    root, part, f, (o,) = await _tree_with_request(net)
    net.advance(days=30)                                                   # the due date
    await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), rule="past-maturity")

    result = await net.call(core, "RecordPayment", root, str(100_000_00))
    assert result.status == 200, result.message
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []    # the orgs that endorse a payment endorse all it writes
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "PaymentRecorded"
    assert payload["financings_withdrawn"] == [{"receivable_id": part, "financing_id": f["id"]}]
    assert [a["receivable_id"] for a in payload["allocations"]] == [part, root + ".2"]

    ended = _financing(net, f["id"])
    assert (ended["status"], ended["last"]["action"], ended["last"]["by"]) == ("WITHDRAWN", "RecordPayment", core.uscc)
    assert _offer_state(net, o) == ("LAPSED", (False, True, True))
    for leaf in (part, root + ".2"):
        doc = net.doc(leaf)
        assert (doc["status"], doc["outstanding"], doc["financing_id"]) == ("SETTLED", 0, None)
        assert [p["late"] for p in doc["payments"]] == [False]

    net.advance(days=1)
    await net.refused(core, "RecordOverdue", part, rule="invalid-state")
    record = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert {(x["receivable_id"], x["days_late"], x["overdue"]) for x in record["records"] if x["status"] == "SETTLED"} \
        == {(part, 0, False), (root + ".2", 0, False)}
    stats = await net.ok(net.actors["regulator"], "GetStatistics", evaluate=True)
    assert core.uscc not in stats["per_debtor"] and stats["count_by_status"].get("OVERDUE", 0) == 0   # nothing owed


async def test_paying_the_part_alone_leaves_its_request_and_offers_as_a_withdrawal_does():
    net = await standard_net()
    core, t2 = net.actors["core"], net.actors["tier2"]
    _, paid_part, paid_f, paid_offers = await _tree_with_request(net, offers=("bank", "bank2"))
    _, withdrawn_part, withdrawn_f, withdrawn_offers = await _tree_with_request(net, offers=("bank", "bank2"))
    net.advance(days=31)                                                   # past the due date, not marked overdue
    await net.ok(t2, "WithdrawFinancing", withdrawn_f["id"])

    paid = await net.ok(core, "RecordPayment", paid_part, str(10_000_00))   # a partial payment: still ends it
    assert paid["financing_id"] is None and paid["outstanding"] == 20_000_00 and paid["status"] == "CONFIRMED"
    assert [p["late"] for p in paid["payments"]] == [True]                  # a day after the due date
    assert _financing(net, paid_f["id"])["status"] == _financing(net, withdrawn_f["id"])["status"] == "WITHDRAWN"
    assert [_offer_state(net, o) for o in paid_offers] == [_offer_state(net, o) for o in withdrawn_offers] \
        == [("LAPSED", (False, True, True))] * 2
    # the part is the holder's to finance no more (past maturity) and its debtor pays the rest
    await net.ok(core, "RecordPayment", paid_part, str(20_000_00))
    assert net.doc(paid_part)["status"] == "SETTLED"


async def test_an_overdue_part_with_a_request_is_paid_and_the_request_ended():
    net = await standard_net()
    core, t2 = net.actors["core"], net.actors["tier2"]
    _, part, f, (o,) = await _tree_with_request(net)
    net.advance(days=31)
    await net.ok(t2, "RecordOverdue", part)
    await net.ok(core, "RecordPayment", part, str(30_000_00))
    assert (net.doc(part)["status"], _financing(net, f["id"])["status"]) == ("SETTLED", "WITHDRAWN")
    assert _offer_state(net, o)[0] == "LAPSED"


async def test_before_the_due_date_a_request_still_refuses_the_payment():
    """Until the due date banks may offer and the holder accept: the debtor's payment does not end the request."""
    net = await standard_net()
    core = net.actors["core"]
    root, part, f, (o,) = await _tree_with_request(net)
    net.advance(days=29)
    message = await net.refused(core, "RecordPayment", root, str(100_000_00), rule="financing-in-progress")
    assert "WithdrawFinancing" in message and "from the due date on" in message
    await net.refused(core, "RecordPayment", part, "100", rule="financing-in-progress")
    assert (_financing(net, f["id"])["status"], _offer_state(net, o)[0]) == ("REQUESTED", "OPEN")
