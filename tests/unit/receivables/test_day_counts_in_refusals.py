"""A refusal counting days writes one as "1 day", not "1 days" (dates.days_text)."""

from __future__ import annotations

from datetime import timedelta

from chaincode.receivables import dates
from chaincode.receivables.config import DEFAULT_CONFIG

from .support import attestation_request, standard_net


def test_one_day_is_singular_and_every_other_count_plural():
    assert [dates.days_text(n) for n in (0, 1, 2, 30)] == ["0 days", "1 day", "2 days", "30 days"]


async def test_a_payment_term_of_one_day_is_written_in_the_singular():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 1}))
    tier1, core = net.actors["tier1"], net.actors["core"]
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 5000, due_in=2),
                                rule="payment-term-too-long")
    assert "is 2 days after" in message, message
    assert "the maximum payment term of 1 day (max_payment_term_days)" in message, message


async def test_an_attestation_one_day_old_against_a_limit_of_one_day_is_written_in_the_singular():
    config = DEFAULT_CONFIG.model_copy(update={"require_attestation": True, "max_attestation_age_days": 1})
    net = await standard_net(config)
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no="26442000000000000042")
    await net.ok(net.actors["bank"], "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, "26442000000000000042", invoice=reg["invoices"][0]))
    net.now += timedelta(days=1, seconds=1)
    reg.update(issue_date=net.today, due_date=net.day(30))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "1 day before this registration, and a pass counts for at most 1 day (max_attestation_age_days)" \
        in message, message


async def test_a_claim_one_day_from_its_due_date_is_written_in_the_singular():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00, due_in=1)
    offer = await net.ok(core, "PublishDiscountOffer",
                         {"scale": [{"min_days_early": 2, "apr": "0.05"}], "expires_on": net.day(1)})
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim["id"],
                                rule="discount-not-applicable")
    assert "1 day early reaches no tier of offer" in message and "starts at 2 days early" in message, message
