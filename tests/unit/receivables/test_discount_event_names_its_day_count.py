"""DiscountOfferAccepted names the day-count basis the discount was reckoned on (``day_count``), beside the rate and
the days early: discount = outstanding x apr x days early / basis, and 60 days at 5% on 1,000,000.00 yuan is
8,333.33 yuan of discount on ACT/360 but 8,219.18 on ACT/365. Without it a listener following the events (a bank, the
regulator) could not tell from the event which of the two figures the holder took, nor check it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from chaincode.receivables import daycount
from client.receivables import DiscountOfferAccepted, ReceivablesEvent

from .support import standard_net


@pytest.mark.parametrize("basis", ["ACT/360", "ACT/365"])
async def test_the_acceptance_event_names_the_basis_its_discount_was_reckoned_on(basis):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1_000_000_00, due_in=60)
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "day_count": basis, "expires_on": net.day(30),
                                                    "receivable_ids": [r["id"]]})
    await net.ok(tier1, "AcceptDiscountOffer", d["id"], r["id"])
    (_, name, payload) = net.ledger.events[-1]
    event = json.loads(payload)
    assert name == "DiscountOfferAccepted" and event["day_count"] == basis
    # the event alone gives back the discount: what was outstanding is what was paid and what was taken off
    outstanding = event["paid"] + event["discount"]
    assert outstanding == 1_000_000_00
    assert event["discount"] == daycount.interest_fen(outstanding, Decimal(event["apr"]), event["days_early"],
                                                      event["day_count"])
    assert event["discount"] == {"ACT/360": 8_333_33, "ACT/365": 8_219_18}[basis]


def _accepted(**details) -> ReceivablesEvent:
    return ReceivablesEvent(name="DiscountOfferAccepted", receivable_id="R-0123456789abcdef", tx_id="t" * 64,
                            block_number=7, details={"offer_id": "D-0123456789abcdef", "paid": 991_667,
                                                     "discount": 8_333, "currency": "CNY", "days_early": 60,
                                                     "apr": "0.05", **details})


def test_the_sdk_reads_the_basis_and_an_earlier_contracts_event_without_it():
    now = _accepted(day_count="ACT/365").typed()
    assert isinstance(now, DiscountOfferAccepted) and now.day_count == "ACT/365"
    assert now.to_json()["day_count"] == "ACT/365"
    earlier = _accepted().typed()      # an earlier contract version did not name it
    assert earlier.day_count is None and "day_count" not in earlier.to_json()
