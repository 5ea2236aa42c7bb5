"""A credit code that names no party, as an argument: a mistyped code is said to name none, with why no party
could have it where it is no valid credit code."""

from __future__ import annotations

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
        assert "(upper case): no party is registered under it, nor can one be" in message, message
    # a well-formed code nobody registered is still sent to its org admin
    message = await net.refused(a["tier1"], "GetParty", credit_code(777), evaluate=True,
                                rule="party-not-registered")
    assert message.endswith("is registered: its org admin registers it first"), message

