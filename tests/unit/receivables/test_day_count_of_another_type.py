"""A ``day_count`` that is a JSON list or object, not a string, is refused ``day-count-basis-unknown`` like any
other unknown basis, and nothing is written: tested as a key of the bases, it raised TypeError (unhashable), and
the call failed as an internal error naming no rule, on a discount offer, the terms a holder read and a bank's
offer terms alike."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import daycount
from chaincode.receivables.errors import RuleViolation
from chaincode.receivables.model import DiscountTerms

from .support import standard_net, transient_terms

NOT_A_STRING = [[], ["ACT/360"], {}, {"basis": "ACT/360"}]


@pytest.mark.parametrize("value", NOT_A_STRING)
def test_a_basis_that_is_no_string_is_refused_by_the_rule(value):
    with pytest.raises(RuleViolation) as err:
        daycount.parse_basis(value)
    assert err.value.code == "day-count-basis-unknown"


@pytest.mark.parametrize("value", NOT_A_STRING)
async def test_a_discount_offer_and_the_terms_its_holder_read_with_such_a_day_count_are_refused(value):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1_000_000_00, due_in=180)
    offer = {"apr": "0.05", "expires_on": net.day(30), "receivable_ids": [claim["id"]]}
    await net.refused(core, "PublishDiscountOffer", {**offer, "day_count": value}, rule="day-count-basis-unknown")
    published = await net.ok(core, "PublishDiscountOffer", offer)
    read = {**json.loads(DiscountTerms.as_read(published)), "day_count": value}
    await net.refused(tier1, "AcceptDiscountOffer", published["id"], claim["id"], json.dumps(read),
                      rule="day-count-basis-unknown")
    assert net.doc(claim["id"])["status"] == "CONFIRMED"


async def test_a_banks_offer_terms_with_a_day_count_list_are_refused():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    claim = await net.confirmed(tier1, net.actors["core"], 1_000_000_00, due_in=90)
    f = await net.ok(tier1, "RequestFinancing", claim["id"])
    await net.refused(net.actors["bank"], "MakeFinancingOffer", f["id"],
                      transient=transient_terms(day_count=["ACT/360"]), rule="day-count-basis-unknown")
