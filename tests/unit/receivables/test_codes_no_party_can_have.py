"""A credit code that names no party, as an argument: a mistyped code is said to name none, with why no party
could have it where it is no valid credit code, and the regulator's lists by holder and by debtor refuse it
rather than answer an empty page that reads as "holds nothing"."""

from __future__ import annotations

import pytest

from .support import credit_code, standard_net


async def test_a_code_in_lower_case_is_said_to_be_no_credit_code_not_sent_to_be_registered():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 1000, due_in=30)
    lower = a["tier2"].uscc.lower()
    for actor, fn, args, evaluate in [
            (a["tier1"], "GetParty", (lower,), True),
            (a["tier1"], "TransferReceivable", (r["id"], lower, "1000"), False),
            (a["bank"], "GetDebtorPaymentRecord", (a["core"].uscc.lower(), "10", ""), True)]:
        message = await net.refused(actor, fn, *args, evaluate=evaluate, rule="party-not-registered")
        # registering the code is no way on: RegisterParty refuses it
        assert "registers it first" not in message, message
        assert "(upper case" in message and ": no party is registered under it, nor can one be" in message, message
    # a well-formed code nobody registered is still sent to its org admin
    message = await net.refused(a["tier1"], "GetParty", credit_code(777), evaluate=True,
                                rule="party-not-registered")
    assert message.endswith("is registered: its org admin registers it first"), message


@pytest.mark.parametrize("fn, whose", [("ListReceivablesByHolder", "tier1"),
                                       ("ListReceivablesByDebtor", "core")])
async def test_the_regulator_listing_a_code_no_party_has_is_refused_not_answered_empty(fn, whose):
    net = await standard_net()
    a = net.actors
    await net.confirmed(a["tier1"], a["core"], 1000, due_in=30)
    regulator = a["regulator"]
    listed = await net.ok(regulator, fn, a[whose].uscc, "10", "", evaluate=True)
    assert len(listed["records"]) == 1
    await net.refused(regulator, fn, a[whose].uscc.lower(), "10", "", evaluate=True,
                      rule="party-not-registered")
    await net.refused(regulator, fn, credit_code(777), "10", "", evaluate=True, rule="party-not-registered")
